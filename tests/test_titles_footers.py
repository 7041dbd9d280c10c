"""Spreadsheet exports: title lines above the header and a footer below the data."""

from __future__ import annotations

import pandas as pd
import pytest

from lstm_core.data import DataError, load_csv

MONTHS = pd.date_range("2015-01-01", periods=40, freq="MS")


def _body(sep: str = ",") -> str:
    return "\n".join(f"{m:%Y-%m-%d}{sep}{100 + i}" for i, m in enumerate(MONTHS))


@pytest.mark.parametrize(
    ("top", "sep", "titles"),
    [
        ("Monthly sales report\nGenerated 2020-01-05\n\n", ",", 2),
        ("Report;;\n\n", ";", 1),  # padded with delimiters, as a spreadsheet writes it
        ("ABS table 8501.0\n", ",", 1),
    ],
)
def test_title_lines_above_the_header_are_skipped_with_a_note(top, sep, titles):
    text = f"{top}date{sep}sales\n{_body(sep)}\n"
    loaded = load_csv(text.encode())
    assert list(loaded.frame.columns) == ["sales"] and list(loaded.frame.index) == list(MONTHS)
    assert loaded.report.notes[0].startswith(f"{titles} title line(s) above the header (")


@pytest.mark.parametrize("blank", ["", "\n"])
@pytest.mark.parametrize("columns", [1, 2])
def test_a_title_above_a_semicolon_header_with_decimal_commas_leaves_the_header(blank, columns):
    """A European export (a title, semicolons, decimal commas): the comma, tried first, split each row in
    two alike, so the header was skipped as a second title and the first row of data named the columns."""
    extra = ";Menge" if columns == 2 else ""
    rows = "\n".join(
        f"{m:%Y-%m-%d};{100 + i},{i % 10}5" + (f";{i}" if columns == 2 else "") for i, m in enumerate(MONTHS)
    )
    loaded = load_csv(f"Report generated 2024-01-05\n{blank}Datum;Umsatz (EUR){extra}\n{rows}\n".encode())
    assert list(loaded.frame.columns) == ["Umsatz (EUR)", "Menge"][:columns]
    assert list(loaded.frame.index) == list(MONTHS) and loaded.frame["Umsatz (EUR)"].iloc[0] == 100.05
    assert loaded.report.notes[0] == "1 title line(s) above the header ('Report generated 2024-01-05') were skipped."


def test_a_first_line_that_is_the_header_of_another_delimiter_is_kept():
    text = "Datum;Umsatz;Menge\n" + "\n".join(f"{d}.01.2020;1.{d}5,5;{d},5" for d in range(10, 30)) + "\n"
    loaded = load_csv(text.encode())
    assert list(loaded.frame.columns) == ["Umsatz", "Menge"] and len(loaded.frame) == 20


@pytest.mark.parametrize("pad", [";", ";;"])
@pytest.mark.parametrize("crlf", [False, True])
def test_a_header_padded_with_empty_columns_like_its_rows_is_the_header(pad, crlf):
    # Excel's German export with an empty column at the end: "Monat;Absatz;;" over "01.01.2015;100,5;;"
    # was read as a title line above a header "01.01.2015;100,5" (the commas split every row in two),
    # losing the first month and naming the column '100,5'
    rows = [f"{m:%d.%m.%Y};{100 + i},5{pad}" for i, m in enumerate(MONTHS)]
    text = "\ufeff" + ("\r\n" if crlf else "\n").join([f"Monat;Absatz{pad}", *rows]) + "\n"
    loaded = load_csv(text.encode())
    assert list(loaded.frame.columns) == ["Absatz"] and list(loaded.frame.index) == list(MONTHS)
    assert loaded.frame["Absatz"].iloc[0] == 100.5 and loaded.report.decimal == ","
    assert not any("title line" in note for note in loaded.report.notes)


@pytest.mark.parametrize(
    ("units", "shown"),
    [
        ("yyyy-mm-dd,EUR", "'yyyy-mm-dd', 'EUR'"),  # was refused: "cannot be read with one format (e.g. 'yyyy-mm-dd')"
        ("[date],[kWh]", "'[date]', '[kWh]'"),
        (",(kWh)", "'(kWh)'"),  # was read, the unit counted as a missing value of the column
        ("Datum,m3", "'Datum', 'm3'"),  # a unit with a digit in its name
    ],
)
def test_a_second_header_row_of_units_is_left_out_with_a_note(units, shown):
    loaded = load_csv(f"date,sales\n{units}\n{_body()}\n".encode())
    assert list(loaded.frame.index) == list(MONTHS) and list(loaded.frame["sales"]) == list(range(100, 140))
    assert f"Line 2 ({shown}) holds words, not numbers, under columns of numbers" in " ".join(loaded.report.notes)
    assert loaded.report.missing == {"sales": 0}


@pytest.mark.parametrize("first", ["Jan,", "Jan,n/a", "Jan,kWh"])
def test_a_first_row_of_data_is_not_taken_for_units(first):
    # a month name is a time, not a unit: the row is the data's first, its value missing
    rest = "".join(f"{m:%b},{5 + i}\n" for i, m in enumerate(MONTHS[1:12]))
    loaded = load_csv(f"month,sales\n{first}\n{rest}".encode())
    assert len(loaded.frame) == 12 and loaded.frame.index[0] == pd.Timestamp("2000-01-01")
    assert loaded.frame["sales"].iloc[0] == 5 and loaded.report.missing == {"sales": 1}
    assert not any("holds words" in note for note in loaded.report.notes)


@pytest.mark.parametrize(
    ("bottom", "rows"),
    [
        ("Total,4780\n", ["'Total'"]),
        ("\nSource: ABS 2021\nNote: seasonally adjusted\n", ["'Source: ABS 2021'", "'Note: seasonally adjusted'"]),
    ],
)
def test_a_footer_below_the_data_is_left_out_with_a_note(bottom, rows):
    loaded = load_csv(f"date,sales\n{_body()}\n{bottom}".encode())
    assert list(loaded.frame.index) == list(MONTHS) and loaded.frame["sales"].iloc[-1] == 139
    assert f"The last {len(rows)} row(s) ({', '.join(rows)}) hold no date" in loaded.report.notes[-1]


def test_a_footer_under_quarter_labels():
    quarters = pd.date_range("2000-01-01", periods=20, freq="QS")
    body = "\n".join(f"{q.year} Q{q.quarter},{i}" for i, q in enumerate(quarters))
    loaded = load_csv(f"quarter,gdp\n{body}\nTotal,190\n".encode())
    assert list(loaded.frame.index) == list(quarters) and loaded.report.season == 4


@pytest.mark.parametrize(
    "bottom",
    [
        "2018-13-01,5\n",  # a bad date is the user's to fix, not a footer
        "a1,1\nb1,2\nc1,3\nd1,4\ne1,5\nf1,6\n",  # more rows than a footer
    ],
)
def test_rows_that_are_not_a_footer_keep_the_error(bottom):
    with pytest.raises(DataError, match="cannot be read with one format"):
        load_csv(f"date,sales\n{_body()}\n{bottom}".encode())


@pytest.mark.parametrize(
    ("write", "first", "last", "note"),
    [
        (
            lambda d: d.strftime("%b-%y"),
            "1949-01-01",
            "1952-12-01",
            "read as 1949-1952: as 2049-2052 they would lie in the future",
        ),
        (
            lambda d: (d + pd.DateOffset(years=66)).strftime("%b %y"),
            "2015-01-01",
            "2018-12-01",
            "read as 2015-2018: write four-digit",
        ),
    ],
)
def test_month_and_two_digit_year(write, first, last, note):
    months = pd.date_range("1949-01-01", periods=48, freq="MS")
    text = "Month,Passengers\n" + "\n".join(f"{write(d)},{i}" for i, d in enumerate(months)) + "\n"
    loaded = load_csv(text.encode())
    assert loaded.frame.index[0] == pd.Timestamp(first) and loaded.frame.index[-1] == pd.Timestamp(last)
    assert loaded.report.frequency == "MS" and loaded.report.season == 12
    assert any("Years written with two digits" in n and note in n for n in loaded.report.notes)


def test_four_digit_years_and_times_of_day_get_no_century_note():
    text = "date,value\n" + "\n".join(f"{d:%Y-%m-%d},{i}" for i, d in enumerate(MONTHS)) + "\n"
    assert not any("two digits" in n for n in load_csv(text.encode()).report.notes)
    hours = load_csv(("time,load\n" + "\n".join(f"{h:02d}:00,{h}" for h in range(24)) + "\n").encode())
    assert list(hours.frame.index.hour) == list(range(24)) and hours.report.frequency == "h"
    assert not any("two digits" in n for n in hours.report.notes)


@pytest.mark.parametrize("again", ["date,sales", "Date, Sales", '"date","sales"'])
def test_a_header_line_repeated_between_the_rows_is_left_out_with_a_note(again):
    """Two exports joined into one file (``cat jan.csv feb.csv``) repeat the header line between
    their rows: it was taken for a value of each column, and the upload failed with "Some values in
    date column 'date' cannot be read with one format (e.g. 'date')", asking for a date format."""
    rows = _body().split("\n")
    text = "date,sales\n" + "\n".join(rows[:25]) + f"\n{again}\n" + "\n".join(rows[25:]) + "\n"
    loaded = load_csv(text.encode())
    assert list(loaded.frame.columns) == ["sales"] and list(loaded.frame.index) == list(MONTHS)
    assert list(loaded.frame["sales"]) == [100 + i for i in range(40)]
    assert "Line 27 repeats the header (files joined one after another?), so it was left out." in loaded.report.notes


def test_several_repeated_header_lines_are_named_in_one_note():
    rows = _body().split("\n")
    text = "date,sales\n" + "\n".join(
        [*rows[:10], "date,sales", *rows[10:20], "date,sales", *rows[20:30], "DATE,SALES", *rows[30:]]
    )
    loaded = load_csv(text.encode())
    assert list(loaded.frame.index) == list(MONTHS)
    assert "Lines 12, 23 and 34 repeat the header (files joined one after another?), so they were left out." in (
        loaded.report.notes
    )
