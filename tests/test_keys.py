"""Files that hold several series one under another: the error names the keys, select keeps one."""

from __future__ import annotations

import shlex

import numpy as np
import pandas as pd
import pytest

from lstm_core.cli import main
from lstm_core.data import DataError, SeveralSeriesError, load_csv

STATES = ["Victoria", "New South Wales", "Queensland"]
INDUSTRIES = ["Food", "Clothing"]
MONTHS = pd.date_range("2010-01-01", periods=48, freq="MS")


def tidy_csv() -> bytes:
    """fpp3's aus_retail layout: Month, State, Industry, Turnover (6 series of 48 months), with
    the rows of the first series last (files are not always grouped)."""
    rows = []
    for s, state in enumerate(STATES):
        for k, industry in enumerate(INDUSTRIES):
            for i, m in enumerate(MONTHS):
                rows.append(f"{m:%Y %b},{state},{industry},{100 * (s + 1) + 10 * k + i + 5 * np.sin(i):.3f}")
    rows = rows[48:] + rows[:48]
    return ("Month,State,Industry,Turnover\n" + "\n".join(rows) + "\n").encode()


def test_the_error_names_the_key_columns_their_values_and_the_way_to_choose():
    with pytest.raises(SeveralSeriesError) as err:
        load_csv(tidy_csv())
    e = err.value
    assert list(e.keys) == ["Industry", "State"] and e.count == 6  # fewest values first
    assert sorted(e.keys["Industry"]) == sorted(INDUSTRIES) and sorted(e.keys["State"]) == sorted(STATES)
    assert e.example["State"] in STATES and e.example["Industry"] in INDUSTRIES
    chosen = " ".join("--select " + shlex.quote(f"{c}={e.example[c]}") for c in ("Industry", "State"))  # shell-ready
    assert str(e) == (
        "The file holds 6 series, one under another, one for each value of 'Industry' and 'State'; "
        f"choose one (on the Data page, or with {chosen} in the command line)."
    )


def test_select_keeps_one_series_with_its_calendar():
    loaded = load_csv(tidy_csv(), select={"State": "New South Wales", "Industry": "Clothing"})
    assert list(loaded.frame.columns) == ["Turnover"]
    assert list(loaded.frame.index) == list(MONTHS)
    assert loaded.frame["Turnover"].iloc[0] == pytest.approx(210.0)
    assert loaded.report.season == 12
    assert "Kept the 48 of 288 rows where State is 'New South Wales' and Industry is 'Clothing'." in loaded.report.notes


def test_one_key_of_two_chosen_names_the_other():
    with pytest.raises(SeveralSeriesError) as err:
        load_csv(tidy_csv(), select={"State": "Queensland"})
    assert list(err.value.keys) == ["Industry"] and "2 series" in str(err.value)


def test_a_numeric_key_column():
    days = pd.date_range("2020-01-01", periods=30)
    rows = [f"{d:%Y-%m-%d},{store},{store * 100 + i}" for store in (1, 2, 3) for i, d in enumerate(days)]
    raw = ("date,store_nbr,sales\n" + "\n".join(rows) + "\n").encode()
    with pytest.raises(SeveralSeriesError, match="3 series.*'store_nbr'"):
        load_csv(raw)
    loaded = load_csv(raw, select={"store_nbr": "2"})
    assert list(loaded.frame.columns) == ["sales"] and loaded.frame["sales"].iloc[-1] == 229


@pytest.mark.parametrize(
    ("select", "message"),
    [
        ({"Region": "North"}, "Column 'Region' was not found"),
        ({"State": "Tasmania"}, "No row has 'Tasmania' in column 'State'; its values include 'Victoria'"),
    ],
)
def test_a_choice_that_matches_nothing_says_so(select, message):
    with pytest.raises(DataError, match=message):
        load_csv(tidy_csv(), select=select)


def test_repeated_timestamps_without_a_key_keep_their_error():
    rows = ["2020-01-01,1", "2020-01-02,2", "2020-01-02,3", "2020-01-03,4", "2020-01-04,5"]
    with pytest.raises(DataError, match="appear more than once with different values") as err:
        load_csv(("date,value\n" + "\n".join(rows) + "\n").encode())
    assert not isinstance(err.value, SeveralSeriesError)


def test_cli_select_trains_one_series_and_a_bad_select_is_one_error_line(tmp_path, capsys):
    data = tmp_path / "retail.csv"
    data.write_bytes(tidy_csv())
    fast = ["--epochs", "2", "--hidden", "4", "--quiet", "--transform", "log"]
    assert main(["train", "--data", str(data), "--out", str(tmp_path / "all"), *fast]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error: The file holds 6 series")
    argv = ["train", "--data", str(data), "--select", "State=New South Wales", "--select", "Industry=Food"]
    assert main([*argv, "--out", str(tmp_path / "nsw"), *fast]) == 0
    saved = pd.read_csv(tmp_path / "nsw" / "data.csv")
    assert len(saved) == 48 and saved.iloc[0, -1] == pytest.approx(200.0)
    capsys.readouterr()
    assert main(["train", "--data", str(data), "--select", "State", "--out", str(tmp_path / "x")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["error: argument --select: 'State' is not COLUMN=VALUE, e.g. State=Victoria"]


def test_three_key_columns_of_which_one_follows_another():
    # fpp3's tourism layout: Region determines State, so Region and Purpose are the keys
    quarters = pd.date_range("2000-01-01", periods=12, freq="QS")
    regions = {"Sydney": "NSW", "Hunter": "NSW", "Melbourne": "VIC"}
    rows = [
        f"{q.year} Q{q.quarter},{region},{state},{purpose},{i + 10 * j}"
        for j, (region, state) in enumerate(regions.items())
        for purpose in ("Holiday", "Business")
        for i, q in enumerate(quarters)
    ]
    raw = ("Quarter,Region,State,Purpose,Trips\n" + "\n".join(rows) + "\n").encode()
    with pytest.raises(SeveralSeriesError) as err:
        load_csv(raw)
    assert list(err.value.keys) == ["Purpose", "Region"] and "6 series" in str(err.value)
    loaded = load_csv(raw, select={"Region": "Hunter", "Purpose": "Business"})
    assert loaded.report.season == 4 and list(loaded.frame["Trips"][:2]) == [10.0, 11.0]


def test_columns_that_tell_every_row_apart_are_not_keys_of_series():
    """A table of measurements beside a repeating year (a survival study's thickness and age): two
    columns of 20 values each make every (year, row) pair unique, but each "series" would hold one
    row. The error is the repeated timestamps', not a choice among some 60 one-point series."""
    rng = np.random.default_rng(0)
    years = np.repeat(np.arange(1962, 1977), 4)  # (60,) each year 4 times
    thickness = rng.choice(np.round(np.linspace(0.2, 9.0, 20), 2), 60)
    age = rng.choice(np.arange(30, 90, 3), 60)
    rows = [f"{y},{t},{a},{v:.2f}" for y, t, a, v in zip(years, thickness, age, rng.normal(50, 5, 60))]
    with pytest.raises(DataError, match="appear more than once") as err:
        load_csv(("year,thickness,age,value\n" + "\n".join(rows) + "\n").encode())
    assert not isinstance(err.value, SeveralSeriesError)
    # the same layout with a real key (4 sites of 15 years each) is several series
    sites = [f"{y},{'ABCD'[i % 4]},{v:.2f}" for i, (y, v) in enumerate(zip(years, rng.normal(50, 5, 60)))]
    with pytest.raises(SeveralSeriesError) as several:
        load_csv(("year,site,value\n" + "\n".join(sites) + "\n").encode())
    assert several.value.count == 4 and list(several.value.keys) == ["site"]


def test_a_clock_change_repeating_an_hour_does_not_make_the_values_keys():
    """A smart meter's local-time export repeats 02:00 where the clock goes back (25 October 2020):
    one repeated hour in 2,160 rows is the repeated timestamps' error, not a choice among the
    series "one for each value of 'kWh'" (readings in whole kWh repeat across the days)."""
    local = pd.date_range("2020-09-01", periods=24 * 90, freq="h", tz="Europe/Berlin").tz_localize(None)
    kwh = (300 + 100 * np.sin(2 * np.pi * np.arange(len(local)) / 24)).round().astype(int)
    kwh[local.duplicated(keep="last")] += 7  # the first 02:00 is summer time's, the second winter time's
    raw = ("time,kWh\n" + "".join(f"{t:%Y-%m-%d %H:%M},{v}\n" for t, v in zip(local, kwh))).encode()
    with pytest.raises(DataError, match="1 timestamp\\(s\\) appear more than once.*2020-10-25 02:00") as err:
        load_csv(raw)
    assert not isinstance(err.value, SeveralSeriesError)


def test_the_only_column_of_values_is_not_the_key_of_its_own_series():
    """Three counts a day, each day: the timestamps repeat on every row and (date, count) tells
    the rows apart, but taking the counts as keys would leave nothing to forecast."""
    rng = np.random.default_rng(0)
    days = pd.date_range("2022-01-01", periods=60)
    rows = [f"{d:%Y-%m-%d},{c}" for d in days for c in rng.choice(25, 3, replace=False)]
    with pytest.raises(DataError, match="60 timestamp\\(s\\) appear more than once") as err:
        load_csv(("date,count\n" + "\n".join(rows) + "\n").encode())
    assert not isinstance(err.value, SeveralSeriesError)
