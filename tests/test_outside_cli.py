"""A new user's files and flags on the command line: data nobody on the project had tried
(spreadsheet exports, R data sets from other packages), each problem found with its repro."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from lstm_core.cli import main
from lstm_core.data import default_target, load_csv

MONTHS = pd.date_range("2015-01-01", periods=40, freq="MS")


def _monthly(values, header: str = "month,sales") -> str:
    return header + "\n" + "".join(f"{m:%Y-%m},{v}\n" for m, v in zip(MONTHS, values))


# ---- reading the file ------------------------------------------------------------------------


def test_a_title_line_holding_a_comma_above_a_blank_line_is_skipped():
    # "Sales report, Company X" split into two fields, as wide as the table: it was taken for the
    # header, and the load failed on "date column 'Sales report' cannot be read ... (e.g. 'month')".
    text = "Sales report, Company X\n\n" + _monthly(range(100, 140))
    loaded = load_csv(text.encode())
    assert list(loaded.frame.columns) == ["sales"] and list(loaded.frame.index) == list(MONTHS)
    assert loaded.report.notes[0] == "1 title line(s) above the header ('Sales report, Company X') were skipped."


def test_a_header_above_a_blank_line_and_rows_of_data_stays_the_header():
    text = "month,sales\n\n" + "".join(f"{m:%b},{100 + i}\n" for i, m in enumerate(MONTHS[:12]))
    loaded = load_csv(text.encode())
    assert list(loaded.frame.columns) == ["sales"] and loaded.frame["sales"].tolist() == list(range(100, 112))
    assert not any("title line" in n for n in loaded.report.notes)


@pytest.mark.parametrize(
    ("cell", "value"),
    [("(120)", -120.0), ('"(1,200.50)"', -1200.5), ("( 7 )", -7.0)],
)
def test_negatives_in_parentheses_are_read_as_negative_numbers(cell, value):
    # accounts write a loss as (120): "No numeric column was found: column 'profit' holds values
    # such as '(120)' that are not plain numbers"
    values = [cell if i % 5 == 0 else str(100 + i) for i in range(40)]
    loaded = load_csv(_monthly(values, "month,profit").encode())
    profit = loaded.frame["profit"]
    assert profit.iloc[0] == value and profit.iloc[5] == value and profit.iloc[1] == 101.0
    assert (
        f"Column 'profit': 8 number(s) in parentheses (e.g. '{cell.strip(chr(34))}') were read as negative"
        in (loaded.report.notes[0])
    )


def test_negatives_in_parentheses_with_a_currency_symbol_lose_the_symbol_too():
    values = ['"$(1,200)"' if i % 4 == 0 else f'"${i},000"' for i in range(1, 41)]
    profit = load_csv(_monthly(values, "month,profit").encode()).frame["profit"]
    assert profit.iloc[3] == -1200.0 and profit.iloc[0] == 1000.0


def test_text_in_parentheses_is_not_read_as_numbers():
    text = "month,sales,region\n" + "".join(f"{m:%Y-%m},{100 + i},North (A)\n" for i, m in enumerate(MONTHS))
    loaded = load_csv(text.encode())
    assert list(loaded.frame.columns) == ["sales"]
    assert not any("parentheses" in n for n in loaded.report.notes)


def test_year_month_and_day_columns_make_daily_dates():
    # CRSPday (Ecdat): year,month,day,ge,... was refused: "120 timestamp(s) appear more than once
    # with different values, e.g. 1989-01-01": the days were left out of the dates
    days = pd.date_range("2020-01-27", periods=40, freq="D")
    text = "year,month,day,rain\n" + "".join(f"{d.year},{d.month},{d.day},{i % 7}\n" for i, d in enumerate(days))
    loaded = load_csv(text.encode())
    assert list(loaded.frame.columns) == ["rain"] and list(loaded.frame.index) == list(days)
    assert loaded.report.frequency == "D"
    assert "Dates were made from the years of 'year', the months of 'month' and the days of 'day'." in (
        loaded.report.notes
    )


def test_a_day_column_that_is_not_a_day_of_the_month_leaves_the_months():
    # Mauna Loa style: year,month,... with a column "day" of day counts, not days of the month
    months = pd.date_range("2018-01-01", periods=40, freq="MS")
    text = "year,month,day,co2\n" + "".join(
        f"{m.year},{m.month},{100 + i},{400 + i % 12}\n" for i, m in enumerate(months)
    )
    loaded = load_csv(text.encode())
    assert list(loaded.frame.index) == list(months) and list(loaded.frame.columns) == ["day", "co2"]


def test_r_row_names_are_not_the_default_target():
    # USGDPpresidents (Ecdat): R named its rows by the years (1610, 1620, ..., 1774, 1775, ...),
    # so "rownames" was no counter, and train forecast the row names instead of CPI
    years = [1610, 1620, 1630, *range(1774, 1811)]
    text = "rownames,Year,CPI,population\n" + "".join(
        f"{y},{y},{'' if y < 1774 else 7 + (y % 5)},{y - 1600}\n" for y in years
    )
    frame = load_csv(text.encode()).frame
    assert "rownames" in frame.columns and default_target(frame) == "CPI"


# ---- train's outputs -------------------------------------------------------------------------

TRAIN_FAST = ["--epochs", "2", "--hidden", "6", "--quiet"]


@pytest.fixture(scope="module")
def sine_csv(tmp_path_factory):
    path = tmp_path_factory.mktemp("sine") / "sine.csv"
    t = np.arange(60)
    values = 100 + 10 * np.sin(2 * np.pi * t / 12) + (t % 5)  # no trend: the data's range bounds it
    path.write_text(_monthly_series(values))
    return path


def _monthly_series(values) -> str:
    months = pd.date_range("2015-01-01", periods=len(values), freq="MS")
    return "month,sales\n" + "".join(f"{m:%Y-%m},{v:.3f}\n" for m, v in zip(months, values))


def test_metrics_json_holds_the_verdict_on_one_step_and_multistep_accuracy(sine_csv, tmp_path, capsys):
    # the verdict was printed by train and shown by the app, but metrics.json held no word of it
    from lstm_core.results import RunMetrics
    from lstm_core.verdict import judge

    assert main(["train", "--data", str(sine_csv), "--out", str(tmp_path / "r"), *TRAIN_FAST]) == 0
    m = json.loads((tmp_path / "r" / "metrics.json").read_text())
    expected = judge(RunMetrics.from_dict(m))
    assert m["verdict"]["level"] == expected.level and m["verdict"]["level"] in ("beats", "mixed", "loses")
    assert m["verdict"]["sentence"] == expected.sentence and expected.sentence in capsys.readouterr().err
    assert "one step ahead" in expected.sentence and "test span" in expected.sentence


def test_train_warns_where_forecast_csv_runs_away_from_the_data(sine_csv, tmp_path, capsys, monkeypatch):
    # a 12-row monthly series: its 4-step test span stayed in range, so the guard said nothing, and the
    # 24 steps of forecast.csv climbed to 322.9 from data within [108.9, 160.7], without a word
    from lstm_core import pipeline

    own = pipeline.Run.future

    def climbing(self, steps):
        out = own(self, steps)
        out["forecast"] = 110 + 5 * np.arange(1, steps + 1)  # 110 ... 230 over 24 steps: past 2 ranges above
        return out

    monkeypatch.setattr(pipeline.Run, "future", climbing)
    out = tmp_path / "r"
    assert main(["train", "--data", str(sine_csv), "--out", str(out), *TRAIN_FAST]) == 0
    assert json.loads((out / "metrics.json").read_text())["guards"]["runaway"] == ""
    err = capsys.readouterr().err
    warning = [line for line in err.splitlines() if line.startswith("warning: ")]
    assert len(warning) == 1
    assert warning[0].startswith(
        f"warning: The forecast in {out / 'forecast.csv'} runs away from the data: it reaches 230, "
    )
    assert warning[0].endswith("treat it with caution or try another cell or transform.")


def test_forecast_on_data_far_outside_the_trained_values_warns(sine_csv, tmp_path, capsys):
    """A run applied to the same series 1,000 times larger kept its intervals of ±4 around values of
    640, without a word; data that stays near the trained values gets no warning."""
    run = tmp_path / "r"
    assert main(["train", "--data", str(sine_csv), "--out", str(run), *TRAIN_FAST]) == 0
    t = np.arange(60)
    values = 100 + 10 * np.sin(2 * np.pi * t / 12) + (t % 5)
    near, far = tmp_path / "near.csv", tmp_path / "far.csv"
    near.write_text(_monthly_series(values + 5))
    far.write_text(_monthly_series(values * 1000))
    capsys.readouterr()
    assert (
        main(["forecast", "--run", str(run), "--data", str(near), "--steps", "6", "--out", str(tmp_path / "a.csv")])
        == 0
    )
    assert not [line for line in capsys.readouterr().err.splitlines() if line.startswith("warning: ")]
    assert (
        main(["forecast", "--run", str(run), "--data", str(far), "--steps", "6", "--out", str(tmp_path / "b.csv")]) == 0
    )
    warnings = [line for line in capsys.readouterr().err.splitlines() if line.startswith("warning: ")]
    lo, hi = values.min(), values.max()
    assert warnings[0] == (
        f"warning: The data given runs from {1000 * lo:.4g} to {1000 * hi:.4g}, far outside the {lo:.4g} to "
        f"{hi:.4g} this run was trained on, so its forecasts and intervals may not hold there; train a new run "
        "on this data."
    )


def test_the_target_note_names_no_counter_or_row_names_as_another_choice(tmp_path, capsys):
    """An R export (``rownames,time,value``): the note offered the row numbers and the time counter."""
    t = np.arange(40)
    value = 100 + 10 * np.sin(2 * np.pi * t / 7) + (t % 3)
    frame = pd.DataFrame(
        {"rownames": t + 1, "time": t + 1, "value": value.round(2), "price": (50 + t % 4).astype(float)}
    )
    csv = tmp_path / "export.csv"
    frame.to_csv(csv, index=False)
    assert main(["train", "--data", str(csv), "--out", str(tmp_path / "r"), *TRAIN_FAST]) == 0
    notes = [line for line in capsys.readouterr().err.splitlines() if line.startswith("note: Forecasting")]
    assert notes == ["note: Forecasting column 'value'; pass --target to choose another (price)."]
