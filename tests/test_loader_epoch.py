"""Time columns of Unix epoch seconds or milliseconds, and months written MM/YY (outside testing of load_csv)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from lstm_core.data import load_csv

MONTHS = pd.date_range("2000-01-01", periods=120, freq="MS")


def _csv(header: str, times, values) -> bytes:
    return (header + "\n" + "".join(f"{a},{b}\n" for a, b in zip(times, values))).encode()


def _values(n: int, season: int = 12) -> list[str]:
    k = np.arange(n)
    return [f"{v:.2f}" for v in 100 + 0.7 * k + 10 * np.sin(2 * np.pi * k / season)]


def _epoch(stamps, scale: int = 1) -> list[int]:
    return [int((t - pd.Timestamp("1970-01-01")).total_seconds()) * scale for t in stamps]


def _unix_notes(loaded) -> list[str]:
    return [n for n in loaded.report.notes if "Unix time" in n]


@pytest.mark.parametrize(
    ("header", "scale", "unit"),
    [("ts", 1, "seconds"), ("epoch", 1, "seconds"), ("unix", 1, "seconds"), ("ts", 1000, "milliseconds")],
)
def test_monthly_epoch_column_is_the_time_index(header, scale, unit):
    loaded = load_csv(_csv(f"{header},value", _epoch(MONTHS, scale), _values(120)), name="x.csv")
    frame = loaded.series.frame
    assert isinstance(frame.index, pd.DatetimeIndex)
    assert frame.index.tz is None  # naive, in UTC, like the loader's other dates
    assert list(frame.index) == list(MONTHS)
    assert list(frame.columns) == ["value"]
    assert loaded.report.date_column == header
    assert loaded.report.frequency == "MS" and loaded.report.season == 12
    (note,) = _unix_notes(loaded)
    first = str(_epoch(MONTHS, scale)[0])
    assert f"Column '{header}' holds whole numbers such as {first}" in note
    assert f"read as Unix time in {unit} since 1970-01-01 UTC ({first} is 2000-01-01 UTC)" in note
    assert "if they are not times, rename the column" in note


def test_epoch_first_column_without_a_time_name_needs_a_clock_like_grid():
    hours = pd.date_range("2021-03-01", periods=72, freq="h")
    loaded = load_csv(_csv("x,load", _epoch(hours), _values(72, 24)), name="x.csv")
    assert list(loaded.frame.index) == list(hours)
    assert loaded.report.frequency == "h" and loaded.report.season == 24
    assert len(_unix_notes(loaded)) == 1


def test_unsorted_epoch_seconds_are_sorted_with_a_note():
    times = _epoch(MONTHS)
    order = np.random.default_rng(0).permutation(len(times))
    values = _values(120)
    loaded = load_csv(_csv("ts,value", [times[i] for i in order], [values[i] for i in order]), name="x.csv")
    assert list(loaded.frame.index) == list(MONTHS)
    assert loaded.frame["value"].iloc[0] == pytest.approx(float(values[0]))
    assert loaded.report.frequency == "MS"
    assert any("sorted by time" in n for n in loaded.report.notes)


def test_large_value_column_is_not_taken_as_time():
    n = 60
    rng = np.random.default_rng(1)
    sales = np.cumsum(rng.integers(1_000_000, 50_000_000, n)) + 200_000_000  # in the epoch range, rising
    days = pd.date_range("2020-01-01", periods=n, freq="D")
    for header, first, second in [
        ("sales,cost", sales, _values(n)),  # first column
        ("cost,sales", _values(n), sales),  # a later column
        ("date,sales", [f"{d:%Y-%m-%d}" for d in days], sales),  # beside a real date column
    ]:
        loaded = load_csv(_csv(header, first, second), name="x.csv")
        assert "sales" in loaded.frame.columns, header
        assert not _unix_notes(loaded), header
    loaded = load_csv(_csv("sales,cost", [200_000_000 + 3_000_000 * i for i in range(n)], _values(n)))
    assert isinstance(loaded.frame.index, pd.RangeIndex)  # even steps, but not a clock's
    assert list(loaded.frame.columns) == ["sales", "cost"]


def test_a_lone_column_of_epoch_sized_numbers_is_the_series():
    loaded = load_csv(_csv("sales,other", _epoch(MONTHS), ["x"] * 120), name="x.csv")
    assert isinstance(loaded.frame.index, pd.RangeIndex)
    assert list(loaded.frame.columns) == ["sales"]


@pytest.mark.parametrize("header", ["id", "row", "customer"])
def test_counter_columns_are_not_taken_as_time(header):
    counter = [100_000_000 + i for i in range(60)]  # nine digits, step 1: an id, not seconds
    loaded = load_csv(_csv(f"{header},value", counter, _values(60)), name="x.csv")
    assert isinstance(loaded.frame.index, pd.RangeIndex)
    assert header in loaded.frame.columns
    assert not _unix_notes(loaded)


def test_small_counter_is_not_taken_as_time():
    loaded = load_csv(_csv("ts,value", range(1, 61), _values(60)), name="x.csv")  # below 1e8
    assert isinstance(loaded.frame.index, pd.RangeIndex)
    assert not _unix_notes(loaded)


def test_month_slash_two_digit_year_is_read_as_months():
    labels = [f"{t:%m/%y}" for t in MONTHS]
    assert labels[:2] == ["01/00", "02/00"]
    loaded = load_csv(_csv("date,value", labels, _values(120)), name="x.csv")
    frame = loaded.series.frame
    assert list(frame.index) == list(MONTHS)
    assert loaded.report.frequency == "MS" and loaded.report.season == 12
    assert "date" not in loaded.report.dropped_columns
    assert any("'01/00' read as month and two-digit year (MM/YY, format '%m/%y')" in n for n in loaded.report.notes)
    assert not any("holds text" in n for n in loaded.report.notes)


def test_month_dash_two_digit_year_newest_first():
    months = pd.date_range("1995-01-01", periods=60, freq="MS")
    loaded = load_csv(_csv("month,value", [f"{t:%m-%y}" for t in months][::-1], _values(60)), name="x.csv")
    assert list(loaded.frame.index) == list(months)
    assert loaded.report.frequency == "MS"
    assert any("(MM-YY, format '%m-%y')" in n for n in loaded.report.notes)


def test_month_year_within_one_year_is_ambiguous_and_explained():
    # 01/01 .. 12/01 could be January-December 2001 or the first twelve days of January
    labels = [f"{t:%m/%y}" for t in pd.date_range("2001-01-01", periods=12, freq="MS")]
    loaded = load_csv(_csv("date,value", labels, _values(12)), name="x.csv")
    assert isinstance(loaded.frame.index, pd.RangeIndex)
    why = loaded.report.dropped_columns["date"]
    assert "looks like dates that could not be read" in why and "'01/01'" in why and "YYYY-MM-DD" in why
    assert any("looks like dates that could not be read" in n for n in loaded.report.notes)


def test_unreadable_dates_say_so_rather_than_text():
    loaded = load_csv(_csv("when,value", ["13/45/2020"] * 30, _values(30)), name="x.csv")
    note = next(n for n in loaded.report.notes if "'when'" in n)
    assert note.startswith(
        "Dropped column 'when' because it looks like dates that could not be read (e.g. '13/45/2020')"
    )
    assert "holds text" not in note


def test_a_second_time_column_is_said_to_hold_dates_not_text():
    days = pd.date_range("2020-01-01", periods=30, freq="D")
    rows = [f"{a:%Y-%m-%d},{b:%Y-%m-%d}" for a, b in zip(days, days + pd.Timedelta(days=1))]
    loaded = load_csv(_csv("start,end,value", rows, _values(30)), name="x.csv")
    assert list(loaded.frame.index) == list(days)  # the first is the time axis
    assert loaded.report.dropped_columns == {
        "end": "it holds dates too (e.g. '2020-01-02'), and another column is the time axis"
    }


@pytest.mark.parametrize(("header", "cell"), [("city", "Paris"), ("size", "10-20")])
def test_plain_text_still_holds_text(header, cell):
    loaded = load_csv(_csv(f"{header},value", [cell] * 30, _values(30)), name="x.csv")
    assert loaded.report.dropped_columns[header] == f"it holds text, not numbers (e.g. '{cell}')"


def test_readable_dates_beside_the_time_column_are_not_called_unreadable():
    days = pd.date_range("2020-01-01", periods=40, freq="D")
    rows = "date,updated,value\n" + "".join(f"{d:%Y-%m-%d},{d:%d/%m/%Y},{v}\n" for d, v in zip(days, _values(40, 7)))
    loaded = load_csv(rows.encode(), name="x.csv")
    assert loaded.report.date_column == "date"
    why = loaded.report.dropped_columns["updated"]
    assert why.startswith("it holds dates too (e.g. ") and "could not be read" not in why  # not "holds text" either


@pytest.mark.parametrize(
    ("header", "written", "shown"),
    [
        ("Monat;Absatz", "%m.%Y", "(MM.YYYY, format '%m.%Y')"),  # a German export: the months before any number
        ("Monat;Absatz", "{m}.%Y", "(MM.YYYY, format '%m.%Y')"),  # 1.1992 ... 12.1992
        ("Periode;Absatz", "%Y.%m", "(YYYY.MM, format '%Y.%m')"),
        ("Datum;Absatz", "%m.%Y", "(MM.YYYY, format '%m.%Y')"),
    ],
)
def test_months_written_with_a_dot_are_the_time_not_the_target(header, written, shown):
    """``01.1992;3.459``: the month column was read as the numbers 1.1992, 2.1992, ... and forecast
    (the default target, beating every baseline at RMSE 8e-7), with row steps for time; its decimal
    dots also decided the values' ``3.459`` were decimals, without the note for such numbers."""
    months = pd.date_range("1992-01-01", periods=36, freq="MS")
    stamps = [t.strftime(written.replace("{m}", str(t.month))) for t in months]
    values = [f"{v:.3f}" for v in 3 + 0.5 * np.sin(np.arange(36) * 2 * np.pi / 12)]
    body = header + "\n" + "".join(f"{a};{b}\n" for a, b in zip(stamps, values))
    loaded = load_csv(body.encode(), name="x.csv")
    assert list(loaded.frame.index) == list(months) and list(loaded.frame.columns) == ["Absatz"]
    assert loaded.report.frequency == "MS" and loaded.report.season == 12
    assert any(f"holds dates such as {stamps[0]!r} read as month and year {shown}" in n for n in loaded.report.notes)
    assert any(n.startswith("Values such as '3.") and "'.' as the decimal mark" in n for n in loaded.report.notes)


@pytest.mark.parametrize(
    "cells",
    [
        [f"{1 + k % 12}.{1992 + k // 12}" for k in range(9)],  # within one year
        [f"{v:.4f}" for v in np.linspace(1.1, 12.9, 30)],  # decimals that are no months
        [f"{2015 + k // 12}.{1 + k % 12:02d}" for k in range(0, 60, 5)],  # every fifth month
    ],
)
def test_dotted_numbers_that_do_not_run_month_by_month_stay_numbers(cells):
    body = "a;b\n" + "".join(f"{c};{k}\n" for k, c in enumerate(cells))
    loaded = load_csv(body.encode(), name="x.csv")
    assert isinstance(loaded.frame.index, pd.RangeIndex) and "a" in loaded.frame.columns
