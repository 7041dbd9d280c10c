"""Time columns that are not calendar dates: period labels (``1956 Q1``) and R's decimal years."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from lstm_core.data import DataError, SeveralSeriesError, load_csv
from lstm_core.data.periods import could_be_labels, decimal_years, financial_years, period_labels, times_of_day

MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def _csv(header: str, labels: list[str], values: np.ndarray) -> bytes:
    return (header + "\n" + "\n".join(f"{a},{b}" for a, b in zip(labels, values)) + "\n").encode()


def _values(n: int, season: int) -> np.ndarray:
    k = np.arange(n)
    return 100 + k + 10 * np.sin(2 * np.pi * k / season)


@pytest.mark.parametrize(
    "fmt",
    [
        "{y} Q{q}",  # fpp3's yearquarter, the ABS, the ONS
        "Q{q} {y}",
        "{y}-Q{q}",
        "{y}/Q{q}",
        "Q{q}-{y}",
        "{y} q{q}",
    ],
)
def test_quarter_labels_read_as_quarterly_dates(fmt):
    labels = [fmt.format(y=1956 + i // 4, q=i % 4 + 1) for i in range(40)]
    loaded = load_csv(_csv("quarter,beer", labels, _values(40, 4)))
    index = loaded.frame.index
    assert isinstance(index, pd.DatetimeIndex)
    assert index[0] == pd.Timestamp("1956-01-01") and index[5] == pd.Timestamp("1957-04-01")
    assert loaded.report.frequency == "QS-JAN" and loaded.report.season == 4
    assert list(loaded.frame.columns) == ["beer"]
    assert any("quarter labels such as" in n and labels[0] in n for n in loaded.report.notes)


@pytest.mark.parametrize("fmt", ["{y}M{m:02d}", "{y}m{m}", "{y} M{m:02d}"])
def test_month_number_labels_read_as_monthly_dates(fmt):
    labels = [fmt.format(y=1991 + (i + 6) // 12, m=(i + 6) % 12 + 1) for i in range(48)]
    loaded = load_csv(_csv("period,sales", labels, _values(48, 12)))
    assert loaded.frame.index[0] == pd.Timestamp("1991-07-01")
    assert loaded.frame.index[-1] == pd.Timestamp("1995-06-01")
    assert loaded.report.frequency == "MS" and loaded.report.season == 12


def test_iso_week_labels_read_as_mondays_with_the_gaps_filled():
    # fpp3's yearweek prints "1989 W28"; 2020 has an ISO week 53
    mondays = pd.date_range("2019-12-30", periods=120, freq="W-MON")
    iso = mondays.isocalendar()
    labels = [f"{y} W{w:02d}" for y, w in zip(iso["year"], iso["week"])]
    assert "2020 W53" in labels
    dropped = [3, 40, 41]
    keep = [i for i in range(120) if i not in dropped]
    loaded = load_csv(_csv("week,passengers", [labels[i] for i in keep], _values(120, 52)[keep]))
    assert list(loaded.frame.index) == list(mondays)  # the missing weeks added back, their values filled
    assert loaded.report.season == 52 and loaded.report.gaps == len(dropped)
    assert loaded.report.missing == {"passengers": len(dropped)}


def test_a_week_that_does_not_exist_is_named():
    labels = [f"2021 W{w:02d}" for w in range(1, 54)]  # 2021 has 52 ISO weeks
    with pytest.raises(DataError) as err:
        load_csv(_csv("week,value", labels, np.arange(53.0)))
    assert "2021 W53" in str(err.value) and "weeks" in str(err.value)


def test_labels_of_two_kinds_are_not_periods():
    cells = pd.Series(["1956 Q1", "1956M02", "1956 Q3"])
    assert period_labels(cells) is None
    assert period_labels(pd.Series(["1956 Q1", "next", "1956 Q3"])) is None


def test_rdatasets_csv_reads_its_decimal_years_as_months_and_drops_its_row_names():
    # the layout of the Rdatasets CSV files: "rownames","time","value", time as R's time() writes it
    t = [f"{1949 + i / 12:.11f}".rstrip("0").rstrip(".") for i in range(144)]
    rows = "\n".join(f'"{i + 1}",{a},{v}' for i, (a, v) in enumerate(zip(t, _values(144, 12))))
    loaded = load_csv(('"rownames","time","value"\n' + rows + "\n").encode())
    assert list(loaded.frame.columns) == ["value"]
    assert loaded.frame.index[0] == pd.Timestamp("1949-01-01")
    assert loaded.frame.index[13] == pd.Timestamp("1950-02-01")
    assert loaded.report.frequency == "MS" and loaded.report.season == 12
    notes = " ".join(loaded.report.notes)
    assert "decimal years" in notes and "monthly" in notes
    assert "'rownames' numbers the rows, so it was left out" in notes


@pytest.mark.parametrize(
    ("start", "per_year", "first", "freq", "season"),
    [
        (1960.25, 4, "1960-04-01", "QS-JAN", 4),
        (2000.0, 52, "2000-01-01", "W-SAT", 52),
        (1991 + 31 / 365.25, 365.25 / 7, "1991-02-01", "W-FRI", 52),  # fpp2's weekly series
        (2014 + 119 / 365, 365, "2014-04-30", "D", 7),
    ],
)
def test_decimal_years_of_each_frequency(start, per_year, first, freq, season):
    t = [f"{start + i / per_year:.5f}" for i in range(300)]
    loaded = load_csv(_csv("time,value", t, _values(300, 7)))
    assert loaded.frame.index[0] == pd.Timestamp(first)
    assert loaded.report.frequency == freq and loaded.report.season == season
    assert loaded.report.gaps == 0


def test_decimal_years_with_a_missing_month_keep_the_grid():
    t = [1949 + i / 12 for i in range(60) if i != 20]
    out = decimal_years(pd.Series(t))
    assert out is not None and out.kind == "month"
    assert pd.Timestamp("1950-09-01") not in set(out.dates)
    assert out.dates.iloc[20] == pd.Timestamp("1950-10-01")


@pytest.mark.parametrize(
    "values",
    [
        np.linspace(0.1, 20, 50),  # not years
        1950 + np.arange(40) / 2,  # half-years: no calendar period here
        np.arange(1900, 1950, dtype=float),  # whole years are the year reader's
        1949 + np.arange(30) / 12 + 0.01,  # off the months' starts
        1949 + np.sort(np.random.default_rng(0).uniform(0, 5, 40)),  # uneven
    ],
)
def test_numbers_that_are_not_decimal_years(values):
    assert decimal_years(pd.Series(values)) is None


def test_decimal_years_in_a_column_not_named_for_time_stay_numbers():
    t = [1949 + i / 12 for i in range(48)]
    loaded = load_csv(_csv("score,value", [f"{a:.4f}" for a in t], _values(48, 12)))
    assert isinstance(loaded.frame.index, pd.RangeIndex)
    assert list(loaded.frame.columns) == ["score", "value"]


def test_year_and_month_columns_make_monthly_dates_and_a_decimal_date_column_is_left_out():
    # NOAA's Mauna Loa file: comment lines, then year, month, decimal date (mid-month), values
    rows = []
    for i in range(60):
        y, m = 1958 + (i + 2) // 12, (i + 2) % 12 + 1
        rows.append(f"{y},{m},{y + (m - 0.5) / 12:.4f},{315 + 0.1 * i + 3 * np.sin(m):.2f},{300 + i}")
    text = "# Mauna Loa\nyear,month,decimal date,average,deseasonalized\n" + "\n".join(rows) + "\n"
    loaded = load_csv(text.encode())
    assert list(loaded.frame.columns) == ["average", "deseasonalized"]
    assert loaded.frame.index[0] == pd.Timestamp("1958-03-01") and loaded.frame.index[-1] == pd.Timestamp("1963-02-01")
    assert loaded.report.frequency == "MS" and loaded.report.season == 12
    assert loaded.report.date_column == "year + month"
    notes = " ".join(loaded.report.notes)
    assert "made from the years of 'year' with the months of 'month'" in notes
    assert "'decimal date' repeats the time as decimal years" in notes


@pytest.mark.parametrize(
    ("header", "period"),
    [
        ("Year,Month,sales", lambda i: MONTHS[i % 12]),
        ("year,month,sales", lambda i: MONTHS[i % 12].upper() + "."),
        ("YEAR,MON,sales", lambda i: str(i % 12 + 1)),
    ],
)
def test_year_and_month_names_or_numbers(header, period):
    text = header + "\n" + "\n".join(f"{2000 + i // 12},{period(i)},{100 + i}" for i in range(36)) + "\n"
    loaded = load_csv(text.encode())
    assert list(loaded.frame.index) == list(pd.date_range("2000-01-01", periods=36, freq="MS"))
    assert loaded.report.season == 12 and list(loaded.frame.columns) == ["sales"]


@pytest.mark.parametrize("quarter", [lambda q: str(q), lambda q: f"Q{q}"])
def test_year_and_quarter_columns(quarter):
    text = "year,quarter,gdp\n" + "\n".join(f"{2000 + i // 4},{quarter(i % 4 + 1)},{100 + i}" for i in range(20)) + "\n"
    loaded = load_csv(text.encode())
    assert loaded.frame.index[5] == pd.Timestamp("2001-04-01")
    assert loaded.report.frequency == "QS-JAN" and list(loaded.frame.columns) == ["gdp"]


def test_a_year_column_that_does_not_repeat_stays_the_yearly_time():
    text = "year,month,value\n" + "\n".join(f"{1900 + i},{i % 12 + 1},{i}" for i in range(30)) + "\n"
    loaded = load_csv(text.encode())
    assert loaded.report.date_column == "year" and loaded.frame.index[1] == pd.Timestamp("1901-01-01")
    assert list(loaded.frame.columns) == ["month", "value"]


def test_a_month_column_out_of_range_is_not_a_month():
    text = "year,month,value\n" + "\n".join(f"{2000 + i // 12},{i % 12 + 5},{i}" for i in range(36)) + "\n"
    with pytest.raises(DataError, match="appear more than once"):
        load_csv(text.encode())


def test_a_real_date_column_wins_over_year_and_month_helpers():
    dates = pd.date_range("2000-01-01", periods=36, freq="MS")
    rows = [f"{d:%Y-%m-%d},{d.year},{d.month},{i}" for i, d in enumerate(dates)]
    loaded = load_csv(("date,year,month,value\n" + "\n".join(rows) + "\n").encode())
    assert loaded.report.date_column == "date"
    assert list(loaded.frame.index) == list(dates)


def test_a_rising_column_that_is_not_a_time_is_kept():
    rows = [
        f"{d:%Y-%m-%d},{1000 + 7.3 * i + (i % 5) ** 2:.2f}"
        for i, d in enumerate(pd.date_range("2000-01-01", periods=40))
    ]
    loaded = load_csv(("date,cumulative time served\n" + "\n".join(rows) + "\n").encode())
    assert list(loaded.frame.columns) == ["cumulative time served"]


@pytest.mark.parametrize(
    ("header", "write", "freq"),
    [
        ("date", lambda d: d.strftime("%Y%m%d"), "D"),  # YYYYMMDD
        ("Date", lambda d: str((d - pd.Timestamp("1899-12-30")).days), "D"),  # Excel's day numbers
        ("timestamp", lambda d: str(int((d - pd.Timestamp("1970-01-01")).total_seconds())), "D"),
        ("time_ms", lambda d: str(int((d - pd.Timestamp("1970-01-01")).total_seconds()) * 1000), "D"),
    ],
)
def test_dates_written_as_whole_numbers(header, write, freq):
    days = pd.date_range("2020-01-01", periods=60, freq="D")
    loaded = load_csv(_csv(f"{header},value", [write(d) for d in days], _values(60, 7)))
    assert list(loaded.frame.index) == list(days)
    assert loaded.report.frequency == freq and loaded.report.season == 7
    assert list(loaded.frame.columns) == ["value"]
    assert any("whole numbers such as" in n for n in loaded.report.notes)


@pytest.mark.parametrize(
    ("header", "decimals", "start"),
    [
        ("DateTime", 6, "2020-01-01 00:00"),
        ("Timestamp", 4, "2020-01-01 00:00"),  # four decimals: 0.0417 days is 3602.9 s, read as 01:00
        ("date", 5, "1981-01-01 15:00"),  # readings at 15:00 (a day number with a fraction on each row)
    ],
)
def test_excel_date_times_with_fractions_are_read_as_times(header, decimals, start):
    """Excel's date-times that lost their format (``43831.041667``) stayed a column of numbers: no
    time index, no frequency or season, and the forecast's times were row numbers."""
    hours = pd.date_range(start, periods=72, freq="h")
    serial = (hours - pd.Timestamp("1899-12-30")) / pd.Timedelta(days=1)
    loaded = load_csv(_csv(f"{header},value", [f"{x:.{decimals}f}" for x in serial], _values(72, 24)))
    assert list(loaded.frame.index) == list(hours)
    assert loaded.report.frequency == "h" and loaded.report.season == 24
    assert list(loaded.frame.columns) == ["value"]
    assert any("read as Excel's date-times (days since 1899-12-30" in n for n in loaded.report.notes)


def test_day_numbers_with_fractions_in_a_column_not_named_for_dates_stay_numbers():
    """A bare ``time`` may count seconds: only ``date`` or ``stamp`` in the name says Excel."""
    loaded = load_csv(_csv("time,value", [f"{20000 + i * 0.5:.1f}" for i in range(60)], _values(60, 7)))
    assert isinstance(loaded.frame.index, pd.RangeIndex) and "time" in loaded.frame.columns


def test_yymmdd_numbers_in_a_date_column_are_days():
    """Ecdat's ``Garch`` writes its dates as ``800102``: the column stayed a column of numbers (offered
    as a target beside the exchange rates), the forecast's times were row numbers."""
    days = pd.bdate_range("1980-01-02", periods=60)
    loaded = load_csv(_csv("date,dm", days.strftime("%y%m%d").tolist(), _values(60, 5)))
    assert list(loaded.frame.index) == list(days) and loaded.report.frequency == "B"
    assert list(loaded.frame.columns) == ["dm"]
    assert "Column 'date' holds whole numbers such as 800102 (YYMMDD); read as dates." in loaded.report.notes


def test_yyyymm_numbers_are_months():
    months = pd.date_range("2015-01-01", periods=40, freq="MS")
    loaded = load_csv(_csv("month,value", months.strftime("%Y%m").tolist(), _values(40, 12)))
    assert list(loaded.frame.index) == list(months) and loaded.report.season == 12


@pytest.mark.parametrize(
    ("header", "values"),
    [
        ("day", [str(i) for i in range(1, 61)]),  # a day counter
        ("value_date", [str(20200101 + i) for i in range(60)]),  # 20200132 is not a date
        ("week", [str(40000 + i) for i in range(60)]),  # Excel day numbers only in a column named "date"
    ],
)
def test_whole_numbers_that_are_not_dates_stay_numbers(header, values):
    """Not dates: numbers, which (rising by one, in a column named for a time) number the rows."""
    loaded = load_csv(_csv(f"{header},value", values, _values(60, 7)))
    assert isinstance(loaded.frame.index, pd.RangeIndex)
    assert list(loaded.frame.index) == [int(v) for v in values] and list(loaded.frame.columns) == ["value"]


@pytest.mark.parametrize(
    "cells, hours",
    [
        (["14:30", "0:05", "23:59:30"], [14.5, 5 / 60, 23 + 59.5 / 60]),
        (["8:00 a.m.", "12:00 p.m.", "12:30 a.m.", "5 PM", "7:15pm"], [8, 12, 0.5, 17, 19.25]),
        (["09:00:00.5", ""], [9 + 0.5 / 3600, None]),
    ],
)
def test_times_of_day_are_read_as_offsets_from_midnight(cells, hours):
    got = times_of_day(pd.Series(cells, dtype=object))
    assert got is not None
    for g, h in zip(got, hours):
        assert (pd.isna(g) and h is None) or g / pd.Timedelta(hours=1) == pytest.approx(h)


@pytest.mark.parametrize(
    "cells", [["5", "6"], ["9:30", "5"], ["24:00"], ["13:00 p.m."], ["9:75"], ["0 a.m."], ["9:30", "later"]]
)
def test_cells_that_are_not_all_times_of_day_are_not_read_as_such(cells):
    assert times_of_day(pd.Series(cells, dtype=object)) is None


def test_a_date_column_that_repeats_is_read_with_the_times_of_day_beside_it():
    """UCI's household power layout: day-first dates and times of day in columns of their own,
    one reading a minute; the dates repeat 60 times each."""
    stamps = pd.date_range("2006-12-16 17:00", periods=180, freq="min")
    rows = [f"{t:%d/%m/%Y};{t:%H:%M:%S};{4 + np.sin(i / 9):.3f}" for i, t in enumerate(stamps)]
    loaded = load_csv(("Date;Time;Global_active_power\n" + "\n".join(rows) + "\n").encode())
    assert list(loaded.frame.index) == list(stamps)
    assert loaded.report.frequency == "min" and loaded.report.date_column == "Date + Time"
    assert list(loaded.frame.columns) == ["Global_active_power"]
    assert any("times of day in column 'Time'" in n for n in loaded.report.notes)
    # twice a day with a.m. and p.m.: read, in time order
    rows = ["date,time,price", "2021-04-12,8:00 a.m.,92", "2021-04-12,12:00 p.m.,87", "2021-04-13,8:00 a.m.,82"]
    twice = load_csv(("\n".join(rows) + "\n").encode())
    assert [str(t) for t in twice.frame.index] == ["2021-04-12 08:00:00", "2021-04-12 12:00:00", "2021-04-13 08:00:00"]


def test_dates_that_do_not_repeat_leave_a_time_of_day_column_alone():
    """A daily file with the time of each day's high tide: the dates index the rows as they are."""
    rows = [f"2020-01-{d:02d},{6 + d % 5}:{10 * (d % 6):02d},{1.5 + 0.1 * d:.2f}" for d in range(1, 29)]
    loaded = load_csv(("date,high_tide,level\n" + "\n".join(rows) + "\n").encode())
    assert loaded.report.frequency == "D" and loaded.report.date_column == "date"
    assert list(loaded.frame.columns) == ["level"]


def test_times_of_day_without_dates_keep_their_order_past_midnight():
    """A one-day logger export (``time,temp`` from 22:00 to 21:00 the next day): its rows stay in
    the file's order, a day on after midnight, from a fixed date; pandas alone put every time on
    the day the file was read and sorted 00:00-21:00 before 22:00 and 23:00."""
    hours = [(22 + i) % 24 for i in range(24)]
    rows = [f"{h:02d}:00,{10 + i}" for i, h in enumerate(hours)]
    loaded = load_csv(("time,temp\n" + "\n".join(rows) + "\n").encode())
    assert list(loaded.frame["temp"]) == [10.0 + i for i in range(24)]
    assert loaded.frame.index[0] == pd.Timestamp("2000-01-01 22:00")
    assert loaded.frame.index[2] == pd.Timestamp("2000-01-02 00:00")
    assert loaded.report.frequency == "h"
    assert any("times of day without dates" in n and "midnight 1 time)" in n for n in loaded.report.notes)
    # a 12-hour clock with a.m. and p.m., half-hourly, within one day: no midnight to pass
    rows = [f"{h}:{m} PM,{i}" for i, (h, m) in enumerate([(1, "00"), (1, "30"), (2, "00"), (2, "30"), (3, "00")])]
    same_day = load_csv(("Time,kw\n" + "\n".join(rows) + "\n").encode())
    assert same_day.frame.index[-1] == pd.Timestamp("2000-01-01 15:00") and same_day.report.frequency == "30min"
    assert not any("midnight" in n for n in same_day.report.notes)


def test_times_of_day_that_count_down_are_refused_with_one_sentence():
    """Times within a game's quarter (openintro's kobe_basket): 9:47, then 9:07 cannot be the next
    day's, whatever the readings' step."""
    rows = ["9:47,1", "9:07,0", "8:44,1", "8:20,0", "7:50,1"]
    with pytest.raises(DataError, match=r"times of day without dates, and they go back from '9:47' to '9:07'"):
        load_csv(("time,shot\n" + "\n".join(rows) + "\n").encode())


def test_a_time_column_before_the_date_column_is_combined_with_it():
    """``Time;Date;Value``: the dates index the rows, with the times of day beside them, whichever
    column comes first (a column of times alone is the time index only where no column holds dates)."""
    stamps = pd.date_range("2006-12-16 22:00", periods=120, freq="min")
    rows = [f"{t:%H:%M:%S};{t:%d/%m/%Y};{4 + np.sin(i / 9):.3f}" for i, t in enumerate(stamps)]
    loaded = load_csv(("Time;Date;Global_active_power\n" + "\n".join(rows) + "\n").encode())
    assert list(loaded.frame.index) == list(stamps)
    assert loaded.report.date_column == "Date + Time" and list(loaded.frame.columns) == ["Global_active_power"]


def test_month_names_without_years_are_read_in_the_files_order():
    # a spreadsheet's "Month, Sales" export over two and a half years, starting in April
    values = _values(30, 12)
    loaded = load_csv(_csv("month,sales", [MONTHS[(i + 3) % 12] for i in range(30)], values), name="m.csv")
    idx = loaded.frame.index
    assert idx[0] == pd.Timestamp("2000-04-01") and idx[-1] == pd.Timestamp("2002-09-01")
    assert loaded.report.frequency == "MS" and loaded.report.season == 12
    np.testing.assert_allclose(loaded.frame["sales"].to_numpy(), values)
    assert any("month names without years" in n and "2 times" in n for n in loaded.report.notes)


def test_month_names_that_repeat_are_not_a_time_column():
    # a lottery's draws listed by month: every day of January, then February
    labels = ["Jan"] * 31 + ["Feb"] * 29
    loaded = load_csv(_csv("Month,Rank", labels, np.arange(60.0)), name="draft.csv")
    assert isinstance(loaded.frame.index, pd.RangeIndex)
    assert list(loaded.frame.columns) == ["Rank"]


def test_a_month_name_column_before_the_year_column_makes_dates_with_it():
    text = "Month,Year,Value\nNov,2001,1\nDec,2001,2\nJan,2002,3\nFeb,2002,4\nMar,2002,5\nApr,2002,6\n"
    loaded = load_csv(text.encode(), name="my.csv")
    assert loaded.frame.index[0] == pd.Timestamp("2001-11-01") and loaded.frame.index[-1] == pd.Timestamp("2002-04-01")
    assert loaded.report.frequency == "MS"


def test_cells_without_a_year_are_not_dates():
    # "1st", "2nd", "3rd" (a passenger class) and month names beside a real date column
    text = "class,fare\n1st,30.0\n2nd,20.0\n3rd,10.0\n1st,31.0\n2nd,19.0\n"
    loaded = load_csv(text.encode(), name="fares.csv")
    assert isinstance(loaded.frame.index, pd.RangeIndex) and list(loaded.frame.columns) == ["fare"]
    text = "month,day,deaths,date\n" + "".join(f"Jan,{d},{d * 2},1849-01-{d:02d}\n" for d in range(1, 11))
    loaded = load_csv(text.encode(), name="cholera.csv")
    assert loaded.report.date_column == "date" and loaded.frame.index[0] == pd.Timestamp("1849-01-01")


def test_dates_that_write_out_year_one_stay_dates():
    # R's yearly step series exported with their step as the year (WWWusage: 0001-01-01 .. 0100-01-01)
    text = "time,value\n" + "".join(f"{k:04d}-01-01,{80 + k % 7}\n" for k in range(1, 41))
    loaded = load_csv(text.encode(), name="steps.csv")
    assert loaded.report.date_column == "time" and len(loaded.frame) == 40
    assert loaded.frame.index[0].year == 1 and loaded.frame.index[-1].year == 40


def test_month_names_that_repeat_for_each_key_are_several_series():
    order = MONTHS[7:] + MONTHS[:7]  # August to July, once for each phase of the moon
    rows = [
        (m, phase, 6.0 + i + 0.1 * j)
        for j, phase in enumerate(["Before", "During", "After"])
        for i, m in enumerate(order)
    ]
    text = ("Month,Moon,Admission\n" + "".join(f"{m},{p},{v}\n" for m, p, v in rows)).encode()
    with pytest.raises(SeveralSeriesError, match="3 series.*'Moon'"):
        load_csv(text, name="moon.csv")
    one = load_csv(text, name="moon.csv", select={"Moon": "During"})
    assert one.frame.index[0] == pd.Timestamp("2000-08-01") and one.frame.index[-1] == pd.Timestamp("2001-07-01")
    np.testing.assert_allclose(one.frame["Admission"].to_numpy(), [6.0 + i + 0.1 for i in range(12)])


def test_a_year_column_with_month_names_written_sept_makes_dates():
    # Wooldridge's ezanders: JAN ... MAY, JUNE, JULY, AUG, SEPT, OCT ... beside a repeating year
    names = ["JAN", "FEB", "MAR", "APR", "MAY", "JUNE", "JULY", "AUG", "SEPT", "OCT", "NOV", "DEC"]
    text = "month,claims,year\n" + "".join(f"{names[i % 12]},{100 + i},{1980 + i // 12}\n" for i in range(24))
    loaded = load_csv(text.encode(), name="ez.csv")
    assert loaded.frame.index[8] == pd.Timestamp("1980-09-01") and loaded.frame.index[-1] == pd.Timestamp("1981-12-01")
    assert loaded.report.frequency == "MS" and loaded.report.season == 12


@pytest.mark.parametrize(
    "fmt",
    [
        "{y}-{n:02d}",  # the ABS, the ONS, Indian and Australian budgets
        "{y}/{n:02d}",
        "{y}\u2013{n:02d}",
        "{y}-{e}",
        "FY {y}-{n:02d}",
        "FY{y}/{n:02d}",
    ],
)
def test_financial_year_ranges_read_as_yearly_dates_on_the_year_they_start_in(fmt):
    # "2012-13" was dropped: "looks like dates that could not be read (e.g. '1990-91')", and the
    # series lost its time; 1999-00 crosses the century
    labels = [fmt.format(y=y, e=y + 1, n=(y + 1) % 100) for y in range(1990, 2025)]
    loaded = load_csv(_csv("year,revenue", labels, _values(35, 5)))
    assert list(loaded.frame.index) == list(pd.date_range("1990-01-01", periods=35, freq="YS"))
    assert loaded.report.date_column == "year" and list(loaded.frame.columns) == ["revenue"]
    assert loaded.report.notes == [
        f"Column 'year' holds financial-year labels such as {labels[0]!r}; read as yearly, each on the 1st of "
        "January of the year it starts in: 1990-01-01 stands for the year starting in 1990."
    ]


def test_financial_years_named_fy_read_as_the_year_named():
    labels = [f"FY{y}" for y in range(1991, 2026)]
    loaded = load_csv(_csv("period,revenue", labels, _values(35, 5)))
    assert loaded.frame.index[0] == pd.Timestamp("1991-01-01") and loaded.frame.index[-1] == pd.Timestamp("2025-01-01")
    assert loaded.report.notes == [
        "Column 'period' holds financial-year labels such as 'FY1991'; read as yearly, each on the 1st of January "
        "of the year it names: 1991-01-01 stands for FY1991."
    ]


def test_financial_years_with_two_digits_up_to_next_year_are_not_a_century_back():
    # the generic rule for two-digit years moves a column a century back where any of it lies in the
    # future: FY labels name a year up to the next one, and FY91-FY27 must stay 1991-2027
    latest = pd.Timestamp.now().year + 1
    years = list(range(latest - 34, latest + 1))
    loaded = load_csv(_csv("fy,revenue", [f"FY{y % 100:02d}" for y in years], _values(35, 5)))
    assert loaded.frame.index[0] == pd.Timestamp(f"{years[0]}-01-01")
    assert loaded.frame.index[-1] == pd.Timestamp(f"{latest}-01-01")
    assert loaded.report.notes[0].endswith(f"(two-digit years as {years[0]}-{latest}, none after {latest}).")


def test_financial_years_that_could_be_months_read_as_years_only_where_they_step_by_a_year():
    # 2000-01, 2001-02, ... 2010-11: pandas read them as months, 13 months apart ("13MS")
    labels = [f"{y}-{(y + 1) % 100:02d}" for y in range(2000, 2011)]
    loaded = load_csv(_csv("year,revenue", labels, _values(11, 5)))
    assert loaded.report.frequency == "YS-JAN" and loaded.frame.index[1] == pd.Timestamp("2001-01-01")
    # months of one year (2012-01 ... 2012-12) and two, and the first rows of a monthly column that
    # start at 2000-01, stay months
    for start, n in (("2012-01", 12), ("2000-01", 24)):
        months = pd.date_range(start, periods=n, freq="MS")
        loaded = load_csv(_csv("year,revenue", [f"{m:%Y-%m}" for m in months], _values(n, 12)))
        assert list(loaded.frame.index) == list(months) and loaded.report.frequency == "MS"
    # years that skip one, where every second part could be a month: not taken for financial years
    assert financial_years(pd.Series(["2000-01", "2001-02", "2003-04"])) is None
    assert financial_years(pd.Series(["2000-01", "2001-02", "2002-03"])) is not None


@pytest.mark.parametrize(
    "labels",
    [
        ["2012-13", "2013-15", "2014-15"],  # a range of two years
        ["2012-13", "FY2014", "2014-15"],  # two forms
        ["FY2013", "FY2013", "FY2013"],  # one year
    ],
)
def test_labels_that_are_not_one_financial_year_each_are_not_read_as_such(labels):
    assert financial_years(pd.Series(labels)) is None


@pytest.mark.parametrize(
    ("cells", "labels"),
    [
        (["1956 Q1", "1956 Q2", "Q3 1956"], True),
        (["1991M07", "1991m08"], True),
        ([" 1989 W28", "1989 W29 "], True),
        (["01/00", "02/00"], True),
        (["01.1992", "02.1992"], True),
        (["1992.01", "1992.02"], True),
        (["2012-13", "2013/14"], True),
        (["FY2013", "FY 14"], True),
        (["2020-01-01 00:00:00", "2020-01-01 01:00:00"], False),
        (["1956 Q1", "2020-01-01"], False),  # one cell that is no label: none of the readers takes the column
        ([], False),
    ],
)
def test_the_quick_label_test_passes_every_label_reader_and_no_timestamp(cells, labels):
    """The loader asks :func:`could_be_labels` before running the label readers on every cell of a
    long column; it must say yes wherever one of them reads the column."""
    assert could_be_labels(pd.Series(cells, dtype="object")) is labels
