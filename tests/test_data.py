"""Tests for lstm_core.data: CSV loading, validation messages, generators, round trips."""

from __future__ import annotations

import ast
import gzip
import io
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lstm_core import data
from lstm_core.data import (
    GENERATOR_DESCRIPTIONS,
    GENERATOR_PARAMS,
    GENERATORS,
    MAX_BYTES,
    DataError,
    frame_to_csv_bytes,
    generate,
    load_airline,
    load_csv,
    noisy_sine_truth,
)

FIXTURES = Path(__file__).parent / "data"


def fixture(name: str, **kwargs) -> data.LoadedData:
    return load_csv(FIXTURES / name, **kwargs)


def csv_bytes(text: str) -> bytes:
    return text.encode("utf-8")


def daily(n: int, values=None, start: str = "2020-01-01") -> str:
    dates = pd.date_range(start, periods=n, freq="D")
    values = range(n) if values is None else values
    return "date,value\n" + "".join(f"{d.date()},{v}\n" for d, v in zip(dates, values))


# ---- the engine stays free of the UI --------------------------------------------------------


def test_module_does_not_import_streamlit():
    modules = sorted(Path(data.__file__).parent.glob("*.py"))
    assert {m.stem for m in modules} >= {"__init__", "loader", "generators", "bundled", "series", "errors"}
    for module in modules:
        tree = ast.parse(module.read_text())
        imported = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
        imported |= {n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
        assert not any(name.startswith(("streamlit", "plotly")) for name in imported), module.name


# ---- rejected inputs, one clear sentence each ------------------------------------------------


@pytest.mark.parametrize(
    ("name", "phrase"),
    [
        ("empty.csv", "The file is empty"),
        ("header_only.csv", "header row but no data rows"),
        ("utf16.csv", "re-save it as UTF-8"),
        ("utf16_no_bom.csv", "re-save it as UTF-8"),
        ("binary_png.csv", "looks like a binary file"),
        ("xlsx_renamed.csv", "export it as CSV"),
        ("html_page.csv", "web page \\(HTML\\)"),
        ("json_records.csv", "is JSON, not CSV"),
        ("ragged_extra_field.csv", "Line 8 has 3 fields but the header has 2"),
        ("inf_value.csv", "non-finite or huge values \\('inf' at line 5\\)"),
        ("huge_value.csv", "non-finite or huge values \\('1e400' at line 7\\)"),
        ("constant_series.csv", "a constant series cannot be forecast"),
        ("text_only.csv", "No numeric column was found"),
        ("two_rows.csv", "only 2 usable data row"),
        (
            "duplicate_timestamps.csv",
            "1 timestamp\\(s\\) appear more than once .* e.g. 2020-01-03 at lines 4 and 22; remove or aggregate",
        ),
        (
            "mixed_date_formats.csv",
            "cannot be read with one format \\(e.g. '15/01/2020'\\).*set the date format \\(Data page: Reading dates; command line: --date-format\\)",
        ),
    ],
)
def test_bad_file_is_rejected_with_a_clear_message(name, phrase):
    with pytest.raises(DataError, match=phrase) as info:
        fixture(name)
    message = str(info.value)
    assert message.endswith(".") and len(message) < 300


def test_a_constant_file_is_told_to_load_values_that_change_not_to_choose_a_column():
    """The loader said "choose a column that varies" where no column varies."""
    with pytest.raises(DataError) as one:
        load_csv(b"date,value\n2020-01-01,7\n2020-01-02,7\n2020-01-03,7\n2020-01-04,7\n")
    assert str(one.value) == (
        "Column 'value' holds one value (7) in every row, and a constant series cannot be forecast; load a series "
        "whose values change."
    )
    with pytest.raises(DataError) as two:
        load_csv(b"a,b\n1,2.5\n1,2.5\n1,2.5\n1,2.5\n")
    assert str(two.value) == (
        "Every numeric column ('a', 'b') holds a single repeated value, and a constant series cannot be forecast; "
        "load data with a column whose values change."
    )


@pytest.mark.parametrize(
    ("wrap", "phrase"),
    [
        # both were "looks like a binary file (e.g. Excel, an image or a zip); export it as CSV first",
        # though each held a CSV, and the JSON Lines file "No numeric column was found: column '{"date": ...'"
        (gzip.compress, "The file is compressed with gzip \\(a .gz file\\); decompress it first"),
        (lambda raw: _zipped("sales.csv", raw), "The file is a zip archive; unzip it first and load the CSV inside."),
        (
            lambda raw: b"".join(b'{"date": "%s", "value": %s}\n' % tuple(r.split(b",")) for r in raw.splitlines()[1:]),
            "The file is JSON Lines \\(one JSON object per line\\), not CSV; convert it",
        ),
    ],
)
def test_a_csv_compressed_or_written_as_json_lines_is_named_as_such(wrap, phrase):
    with pytest.raises(DataError, match=phrase):
        load_csv(wrap(daily(30).encode()))


def _zipped(name: str, raw: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr(name, raw)
    return buffer.getvalue()


def test_whitespace_only_is_empty():
    with pytest.raises(DataError, match="The file is empty"):
        load_csv(b" \n\r\n\t\n")


def test_size_is_checked_before_reading(tmp_path):
    with pytest.raises(DataError, match="over the 100 bytes limit"):
        load_csv(b"a\n" + b"1\n" * 100, max_bytes=100)
    path = tmp_path / "big.csv"
    path.write_bytes(b"value\n" + b"1.5\n" * 30_000)
    with pytest.raises(DataError, match=r"The file is 0\.1 MB, over the 0\.1 MB limit"):
        load_csv(path, max_bytes=100 * 1024)
    assert MAX_BYTES == 50 * 1024 * 1024


def test_missing_path():
    with pytest.raises(DataError, match="was not found"):
        load_csv("/nonexistent/file.csv")


def test_html_without_doctype_and_invalid_json_like_text():
    with pytest.raises(DataError, match="web page"):
        load_csv(b"  <html><body>404</body></html>")
    with pytest.raises(DataError) as info:  # starts with '[' but is not JSON: an ordinary parse error
        load_csv(b"[a,b\n1,2\n")
    assert "JSON" not in str(info.value)


def test_unknown_missing_policy_lists_valid_ones():
    with pytest.raises(DataError, match="choose one of interpolate, ffill, drop"):
        load_csv(csv_bytes(daily(10)), missing="mean")


def test_all_missing_column_is_dropped_with_a_note():
    loaded = fixture("all_missing_column.csv")
    assert loaded.report.columns == ["value"]
    assert loaded.report.dropped_columns == {"empty": "it has no values"}
    assert any("'empty'" in n and "no values" in n for n in loaded.report.notes)


def test_only_empty_value_columns_is_an_error():
    with pytest.raises(DataError, match="Every value column is empty"):
        load_csv(b"date,value\n2020-01-01,\n2020-01-02,\n2020-01-03,\n")


def test_fewer_fields_are_trailing_missing_values():
    loaded = fixture("short_rows_trailing_missing.csv")
    assert loaded.report.missing == {"a": 0, "b": 1}
    assert loaded.frame["b"].notna().all()


def test_some_constant_columns_are_kept_with_a_note():
    loaded = load_csv(b"a,b\n1,5\n2,5\n3,5\n")
    assert loaded.report.columns == ["a", "b"]
    assert any("'b' is constant" in n for n in loaded.report.notes)


def test_fewer_than_three_rows_after_dropping_missing():
    with pytest.raises(DataError, match="only 2 usable data row"):
        load_csv(b"a\n1\n\n2\nNA\n", missing="drop")


def test_negative_huge_value_is_rejected():
    with pytest.raises(DataError, match="non-finite or huge values \\('-1.5e301' at line 3\\)"):
        load_csv(b"a\n1\n-1.5e301\n3\n")


def test_unbalanced_quote():
    with pytest.raises(DataError, match="unbalanced quotes"):
        load_csv(b'a,b\n"1,2\n3,4\n5,6\n')


def test_duplicate_column_names():
    with pytest.raises(DataError, match="'x' appears more than once"):
        load_csv(b"x,x\n1,2\n3,4\n5,6\n")


def test_named_date_column_must_exist():
    with pytest.raises(DataError, match="Column 'when' was not found; the columns are 'date', 'value'"):
        load_csv(csv_bytes(daily(5)), date_column="when")


def test_dates_mixing_both_orders():
    text = "date,v\n13/01/2020,1\n01/14/2020,2\n01/15/2020,3\n"
    with pytest.raises(DataError, match="mix day/month and month/day order"):
        load_csv(csv_bytes(text))


def test_date_format_mismatch_names_the_bad_value():
    text = "date,v\n" + "".join(f"{m:02d}2020,{m}\n" for m in range(1, 13)) + "13x2020,3\n"
    with pytest.raises(DataError, match="cannot match the date format '%m%Y' \\(e.g. '13x2020'\\)"):
        load_csv(csv_bytes(text), date_column="date", date_format="%m%Y")


def test_a_date_format_that_no_column_matches_is_an_error_not_a_dropped_column():
    """``--date-format %Y-%m-%d`` on German dates dropped the date column as text and trained on
    row numbers, with no frequency, no season and only a note about a dropped column."""
    text = "Datum;Wert\n" + "".join(f"{d + 1:02d}.01.2020;{d},5\n" for d in range(30))
    with pytest.raises(DataError) as err:
        load_csv(csv_bytes(text), date_format="%Y-%m-%d")
    assert str(err.value) == (
        "No column holds dates in the date format '%Y-%m-%d' (column 'Datum' holds values such as '01.01.2020'); "
        "change the date format to the one the dates are written in, or leave it empty to read them from the data."
    )
    assert load_csv(csv_bytes(text), date_format="%d.%m.%Y").report.frequency == "D"
    with pytest.raises(DataError, match="date format '%d.%m.%Y' \\(every column holds numbers\\)"):
        load_csv(csv_bytes("step,v\n" + "".join(f"{k},{k % 5}\n" for k in range(30))), date_format="%d.%m.%Y")


def test_long_values_are_shortened_in_messages():
    with pytest.raises(DataError) as info:
        load_csv(b"a,b\n" + b"1" * 100_000 + b",2\n3,4\n5,6\n")
    assert "non-finite or huge" in str(info.value) and len(str(info.value)) < 200


# ---- accepted inputs -------------------------------------------------------------------------


def test_airline_fixture_loads_monthly():
    loaded = load_csv(data.DATASETS_DIR / "airline-passengers.csv")
    report = loaded.report
    assert (report.encoding, report.delimiter, report.decimal) == ("utf-8", ",", ".")
    assert (report.date_column, report.frequency, report.season, report.gaps) == ("Month", "MS", 12, 0)
    assert loaded.frame.index.name == "Month" and loaded.frame.index.freqstr == "MS"
    assert list(loaded.frame.columns) == ["Passengers"] and loaded.frame["Passengers"].dtype == np.float64
    assert report.summary()[0] == "airline-passengers.csv: 144 rows, 1 numeric column(s) (Passengers)."


def test_summary_groups_thousands_as_the_data_page_headline_does():
    """An hourly file of 6,500 rows with 1,500 hours missing: "What was detected" said "6500 rows",
    "1500 timestamp(s)" and "load: 1500" under the headline's "6,500 rows" and beside the caption's
    "load: 1,500"."""
    hours = pd.date_range("2024-03-01", periods=8_000, freq="h")
    kept = [i for i in range(8_000) if i % 16 not in (3, 7, 11)]  # 3 hours in 16 missing: 1,500
    csv = ("time,load\n" + "".join(f"{hours[i]:%Y-%m-%d %H:%M},{i % 24 + 1}\n" for i in kept)).encode()
    dropped = load_csv(csv, name="load.csv", missing="drop").report.summary()
    assert dropped[0] == "load.csv: 6,500 rows, 1 numeric column(s) (load)."
    assert dropped[2] == "Time column 'time': frequency hourly, season 24, 1,500 timestamp(s) missing from its grid."
    filled = load_csv(csv, name="load.csv", missing="ffill").report.summary()
    assert filled[0] == "load.csv: 8,000 rows, 1 numeric column(s) (load)."
    assert "Missing values (load: 1,500) handled by 'ffill'." in filled
    assert "1,500 missing value(s) were filled with the previous value." in filled
    assert filled[4].startswith("1,500 timestamp(s) missing from the regular hourly grid were added")


def test_timestamps_left_out_under_drop_name_the_frequency_in_words():
    """Missing values 'drop' on daily data with 6 days missing said "the regular D grid" (pandas'
    alias), where 'interpolate' says "the regular daily grid"."""
    days = pd.date_range("2023-01-01", periods=60, freq="D")
    csv = "date,sales\n" + "".join(f"{d:%Y-%m-%d},{i % 7 + 10}\n" for i, d in enumerate(days) if i % 9 != 4)
    notes = load_csv(csv.encode(), name="sales.csv", missing="drop").report.notes
    assert "7 timestamp(s) are missing from the regular daily grid; they were not filled in." in notes


def test_utf8_bom():
    loaded = fixture("utf8_bom.csv")
    assert loaded.report.encoding == "utf-8-sig"
    assert loaded.report.date_column == "date" and loaded.report.columns == ["value"]


def test_latin1_column_name():
    loaded = fixture("latin1_temperature.csv")
    assert loaded.report.encoding == "cp1252"
    assert loaded.report.columns == ["Température"]
    assert loaded.frame["Température"].iloc[0] == 10.5
    assert any("not valid UTF-8" in n for n in loaded.report.notes)


def test_latin1_when_cp1252_cannot_decode():
    loaded = load_csv(b"caf\xe9\x81,x\n1,2\n3,4\n5,7\n")
    assert loaded.report.encoding == "latin-1"
    assert loaded.report.columns == ["caf\xe9\x81", "x"]


def test_semicolon_decimal_comma_thousands_and_dayfirst():
    loaded = fixture("semicolon_decimal_comma.csv")
    report = loaded.report
    assert (report.delimiter, report.decimal, report.thousands) == (";", ",", ".")
    assert report.dayfirst is True and report.frequency == "D" and report.season == 7
    assert loaded.frame["Umsatz"].iloc[:2].tolist() == [1250.5, 1501.0]
    assert loaded.frame["Menge"].iloc[:2].tolist() == [1.5, 2.5]
    assert loaded.frame.index[12] == pd.Timestamp("2020-01-13")


def test_tab_separated():
    loaded = fixture("tab_separated.csv")
    assert loaded.report.delimiter == "\t"
    assert loaded.frame["value"].iloc[:3].tolist() == [0.5, 1.5, 2.5]
    assert "delimiter tab" in loaded.report.summary()[1]


def test_pipe_separated():
    loaded = fixture("pipe_separated.csv")
    assert loaded.report.delimiter == "|" and loaded.report.columns == ["a", "b"]


def test_one_column_without_dates():
    loaded = fixture("one_column_no_dates.csv")
    assert loaded.report.columns == ["value"] and loaded.report.date_column is None
    assert isinstance(loaded.frame.index, pd.RangeIndex) and loaded.frame.index.name == "step"
    assert loaded.frame["value"].iloc[:3].tolist() == [0.25, 7.25, 3.25]
    assert loaded.report.frequency is None and loaded.report.season is None


def test_one_column_with_decimal_commas():
    loaded = fixture("one_column_decimal_comma.csv")
    assert loaded.report.decimal == ","
    assert loaded.frame["Wert"].iloc[:3].tolist() == [0.5, 1.5, 2.5]


def test_headerless_numbers_are_data():
    loaded = load_csv(b"112\n118\n132\n129\n")
    assert loaded.report.columns == ["value"] and len(loaded.frame) == 4
    assert any("first row holds numbers" in n for n in loaded.report.notes)


def test_headerless_years_are_the_time():
    """``1880,-0.11`` without a header (dslabs' temp_carbon): the years were taken for a row counter,
    and the forecast was dated by row numbers (139, 140, ...)."""
    years = range(1880, 1920)
    loaded = load_csv("".join(f"{y},{(y % 7 - 3) / 10}\n" for y in years).encode())
    assert loaded.report.date_column == "column 1" and loaded.report.frequency == "YS-JAN"
    assert list(loaded.frame.index) == list(pd.date_range("1880-01-01", periods=40, freq="YS"))
    assert loaded.report.columns == ["column 2"]
    assert "Column 'column 1' holds years such as 1880; read as yearly dates." in loaded.report.notes


def test_headerless_counter_is_still_the_row_index():
    loaded = load_csv("".join(f"{k},{(k % 7 - 3) / 10}\n" for k in range(1, 41)).encode())
    assert loaded.report.date_column is None and loaded.report.columns == ["column 2"]


def test_decimal_years_in_a_first_column_named_t():
    """A first column ``t`` of 1960.0, 1960.25, ...: it became the target, the forecast forecast the time."""
    text = "t,hs\n" + "".join(f"{1960 + k / 4},{8 + (k % 4) / 3 + k / 50:.3f}\n" for k in range(40))
    loaded = load_csv(text.encode())
    assert loaded.report.date_column == "t" and loaded.report.frequency == "QS-JAN"
    assert loaded.report.columns == ["hs"] and loaded.frame.index[1] == pd.Timestamp("1960-04-01")


def test_headerless_decimal_years_are_the_time():
    text = "".join(f"{1749 + k / 12:.4f},{50 + k % 12}\n" for k in range(48))
    loaded = load_csv(text.encode())
    assert loaded.report.date_column == "column 1" and loaded.report.frequency == "MS"
    assert loaded.frame.index[1] == pd.Timestamp("1749-02-01") and loaded.report.columns == ["column 2"]


def test_quoted_numbers():
    loaded = fixture("quoted_numbers.csv")
    assert loaded.frame["value"].iloc[:2].tolist() == [0.5, 1.5]


@pytest.mark.parametrize(
    ("name", "thousands", "first"),
    [("thousands_comma_quoted.csv", ",", 1000.5), ("thousands_space.csv", " ", 1000.0)],
)
def test_thousands_separators(name, thousands, first):
    loaded = fixture(name)
    assert loaded.report.thousands == thousands and loaded.report.decimal == "."
    assert loaded.frame["sales"].iloc[0] == first and loaded.frame["sales"].iloc[1] == first + 37


def test_dot_dates_are_not_mistaken_for_thousands():
    text = "Datum;Wert\n" + "".join(f"{d:02d}.02.2021;{d},25\n" for d in range(1, 20))
    loaded = load_csv(csv_bytes(text))
    assert loaded.report.date_column == "Datum" and loaded.report.thousands is None
    assert loaded.frame["Wert"].iloc[0] == 1.25


def test_unicode_minus_and_crlf():
    loaded = load_csv("a\r\n\u22121.5\r\n2\r\n3\r\n".encode())
    assert loaded.frame["a"].tolist() == [-1.5, 2.0, 3.0]


def test_unsorted_timestamps_are_sorted_and_reported():
    loaded = fixture("unsorted_timestamps.csv")
    assert loaded.report.resorted is True
    assert loaded.frame.index.is_monotonic_increasing
    assert loaded.frame["value"].tolist() == list(map(float, range(24)))
    assert any("sorted by time" in n for n in loaded.report.notes)


def test_newest_first_is_sorted():
    loaded = load_csv(csv_bytes("date,v\n" + "".join(f"2020-01-{d:02d},{d}\n" for d in range(28, 0, -1))))
    assert loaded.report.resorted and loaded.frame["v"].iloc[0] == 1.0 and loaded.report.frequency == "D"


def test_dayfirst_detected_from_a_day_over_12():
    loaded = fixture("dayfirst_dates.csv")
    assert loaded.report.dayfirst is True
    assert loaded.frame.index[0] == pd.Timestamp("2020-01-01") and loaded.frame.index[27] == pd.Timestamp("2020-01-28")
    assert any("13/01/2020" in n and "day/month" in n for n in loaded.report.notes)


def test_monthfirst_detected_from_a_day_over_12():
    loaded = load_csv(csv_bytes("date,v\n" + "".join(f"01/{d:02d}/2020,{d % 5}\n" for d in range(1, 20))))
    assert loaded.report.dayfirst is False and loaded.report.frequency == "D"


def test_ambiguous_dates_read_month_first_with_a_note():
    loaded = fixture("ambiguous_dates.csv")
    assert loaded.report.dayfirst is False
    assert loaded.frame.index[1] == pd.Timestamp("2020-01-02")
    assert any(
        "ambiguous; read as month/day. Choose day first (Data page: Reading dates; command line: --day-first) if they are day/month."
        in n
        for n in loaded.report.notes
    )


def test_ambiguous_dates_written_with_dots_read_day_first():
    # 01.02.2020 is the 1st of February wherever dates are written with dots; both readings of
    # these six are sorted and regular (six days, or six months), so only the dots decide
    loaded = load_csv(csv_bytes("Datum,Wert\n" + "".join(f"01.{m:02d}.2020,{m}\n" for m in range(1, 7))))
    assert loaded.report.dayfirst is True and loaded.report.frequency == "MS"
    assert loaded.frame.index[1] == pd.Timestamp("2020-02-01")
    assert any("read as day/month, as dates written with dots are" in n for n in loaded.report.notes)
    slashed = load_csv(csv_bytes("date,v\n" + "".join(f"01/{m:02d}/2020,{m}\n" for m in range(1, 7))))
    assert slashed.report.dayfirst is False


def test_ambiguous_dates_decided_by_regularity():
    text = "date,v\n" + "".join(f"01/{m:02d}/{y},{m}\n" for y in (2019, 2020) for m in range(1, 13))
    loaded = load_csv(csv_bytes(text))
    assert loaded.report.dayfirst is True and loaded.report.frequency == "MS"
    assert any("read as day/month because that gives a sorted, regular series" in n for n in loaded.report.notes)


def test_ambiguous_dates_decided_by_regularity_despite_a_missing_reading():
    """Ten-minute readings over two days (R's beaver1) with one reading missing: day first is a
    regular grid with one gap; month first put a month between the days, yet was chosen because
    the gap made neither reading strictly regular."""
    stamps = pd.date_range("1990-01-01 08:40", "1990-01-02 03:40", freq="10min").delete(50)
    text = "when,temp\n" + "".join(f"{t:%d.%m.%Y %H:%M},{36 + k % 7 / 10}\n" for k, t in enumerate(stamps))
    loaded = load_csv(csv_bytes(text))
    assert loaded.report.dayfirst is True and loaded.report.frequency == "10min"
    assert loaded.frame.index[-1] == stamps[-1] and loaded.report.gaps == 1
    assert any("read as day/month because that gives a sorted, regular series" in n for n in loaded.report.notes)


def test_explicit_dayfirst_and_date_format():
    text = "date,v\n" + "".join(f"01/{m:02d}/2020,{m}\n" for m in range(1, 13))
    loaded = load_csv(csv_bytes(text), dayfirst=True)
    assert loaded.report.frequency == "MS" and loaded.report.dayfirst is True
    assert not any("ambiguous" in n for n in loaded.report.notes)
    text = "date,v\n" + "".join(f"{m:02d}2020,{m}\n" for m in range(1, 13))
    loaded = load_csv(csv_bytes(text), date_format="%m%Y")
    assert loaded.report.date_column == "date" and loaded.report.frequency == "MS"


@pytest.mark.parametrize(
    ("text", "freq"),
    [
        ("Month,v\n" + "".join(f"1949-{m:02d},{m}\n" for m in range(1, 13)), "MS"),
        ("time,v\n" + "".join(f"2020-01-01 {h:02d}:00:00,{h}\n" for h in range(24)), "h"),
        ("time,v\n" + "".join(f"2020-01-01T{h:02d}:30,{h}\n" for h in range(24)), "h"),
        ("Month,v\n" + "".join(f"{m} 2020,{i}\n" for i, m in enumerate(["Jan", "Feb", "Mar", "Apr"])), "MS"),
        ("year,gdp\n" + "".join(f"{1990 + i},{i * 1.5 + 3}\n" for i in range(30)), "YS-JAN"),
    ],
)
def test_date_formats(text, freq):
    loaded = load_csv(csv_bytes(text))
    assert loaded.report.frequency == freq
    assert isinstance(loaded.frame.index, pd.DatetimeIndex)
    assert len(loaded.report.columns) == 1


def test_one_utc_offset_keeps_the_local_times_written():
    """Times written with one offset were converted to UTC: the first hour of 2020 became 23:00 of
    2019, and forecasts came out an hour off the data's clock."""
    text = "time,v\n" + "".join(f"2020-01-01T{h:02d}:00:00+01:00,{h}\n" for h in range(24))
    loaded = load_csv(csv_bytes(text))
    assert loaded.frame.index[0] == pd.Timestamp("2020-01-01 00:00")
    assert loaded.report.frequency == "h" and loaded.report.utc_offset == "+01:00"
    assert "Timestamps carry the UTC offset +01:00; they were read as the local times written" in " ".join(
        loaded.report.notes
    )


@pytest.mark.parametrize(
    ("cells", "marked", "bare"),
    [
        (["2020-01-01T00:00:00+01:00", "2020-01-01T01:00:00", "2020-01-01T02:00:00+01:00"], "T00:00:00+01:00", "T01"),
        (["2020-01-01T00:00:00Z", "2020-01-01T01:00:00Z", "2020-01-01T02:00:00"], "T00:00:00Z", "T02:00:00"),
    ],
)
def test_times_with_and_without_a_utc_offset_in_one_column_are_refused(cells, marked, bare):
    """A time without an offset was read as UTC beside times with one: an error about duplicate
    timestamps (01:00 and 02:00+01:00 are one instant), or a series an hour off the clock written."""
    text = "time,v\n" + "".join(f"{c},{k}\n" for k, c in enumerate(cells * 4))
    with pytest.raises(DataError) as err:
        load_csv(csv_bytes(text))
    message = str(err.value)
    assert message.startswith("Column 'time' mixes times written with a UTC offset (e.g. '2020-01-01")
    assert f"{marked}') and times without one (e.g. '2020-01-01{bare}" in message
    assert message.endswith("so they cannot be put on one clock; write every time with its offset, or none of them.")


def test_a_repeated_year_is_told_with_its_lines():
    """A year column read as 1981-01-01 named a date the file does not hold; the lines find it."""
    text = "Year,Price\n1975,13\n1978,15\n1981,18\n1981,20\n1985,22\n"
    with pytest.raises(DataError, match="e.g. 1981-01-01 at lines 4 and 5; remove or aggregate the duplicates."):
        load_csv(csv_bytes(text))


def test_daily_data_across_a_clock_change_stays_daily_on_its_own_dates():
    """Local midnights written with summer and winter offsets became 23:00 and 22:00 UTC of the day
    before: an irregular index with no frequency or season, every date a day early."""
    days = pd.date_range("2020-01-01", periods=120, freq="D", tz="Europe/Berlin")
    text = "date,sales\n" + "".join(f"{d.isoformat()},{i % 7 + 10}\n" for i, d in enumerate(days))
    loaded = load_csv(csv_bytes(text))
    assert loaded.frame.index[0] == pd.Timestamp("2020-01-01") and loaded.frame.index[-1] == pd.Timestamp("2020-04-29")
    assert loaded.report.frequency == "D" and loaded.report.season == 7 and loaded.report.utc_offset is None
    assert any(
        "+01:00 and +02:00 (a clock change); they were read as the local times" in n for n in loaded.report.notes
    )


@pytest.mark.parametrize("step", ["h", "30min"])
def test_local_times_that_repeat_where_clocks_go_back_are_named_as_such(step):
    """Hourly and half-hourly local times written without offsets repeat 02:00 (02:30) on the night
    clocks go back: the error said "remove or aggregate the duplicates", not the clock change and
    that offsets or UTC times read as a regular series."""
    times = pd.date_range("2023-10-27", "2023-10-31", freq=step, tz="Europe/Berlin")
    local = times.tz_localize(None)
    text = "time,load\n" + "".join(f"{t:%Y-%m-%d %H:%M},{i}\n" for i, t in enumerate(local))
    first = int(np.flatnonzero(local.duplicated(keep="last"))[0])  # the first 02:00, then its repeat
    again = first + 1 + int(np.flatnonzero(local[first + 1 :] == local[first])[0])
    with pytest.raises(DataError) as err:
        load_csv(csv_bytes(text))
    assert str(err.value) == (
        f"{int(local.duplicated().sum())} timestamp(s) appear more than once with different values, e.g. "
        f"2023-10-29 02:00:00 at lines {first + 2} and {again + 2}: local times repeat an hour where clocks go back "
        "(daylight saving time ends), so write the times with their UTC offsets (e.g. 2023-10-29T02:00:00+02:00, "
        "then 2023-10-29T02:00:00+01:00) or in UTC, or aggregate the repeated hour."
    )
    # written with their offsets, the same times read as a regular series
    offsets = "time,load\n" + "".join(f"{t.isoformat()},{i}\n" for i, t in enumerate(times))
    assert load_csv(csv_bytes(offsets)).report.frequency in ("h", "30min")
    # a repeat at midday, or of a date in daily data, is a duplicate as before
    noon = [*pd.date_range("2023-10-29", periods=12, freq="h"), pd.Timestamp("2023-10-29 11:00")]
    daily = [*pd.date_range("2023-10-01", periods=12, freq="D"), pd.Timestamp("2023-10-12")]
    for stamps in (noon, daily):
        other = "time,load\n" + "".join(f"{t:%Y-%m-%d %H:%M},{i}\n" for i, t in enumerate(stamps))
        with pytest.raises(DataError, match="; remove or aggregate the duplicates.$"):
            load_csv(csv_bytes(other))


@pytest.mark.parametrize("step", ["h", "15min"])
def test_local_times_that_skip_the_hour_where_clocks_go_forward_are_named_as_such(step):
    """Local times written without offsets skip 02:00-02:59 on the night clocks go forward: the
    note called it a missing timestamp like any other; it now says which hour and why, and that
    offsets or UTC times have no gap. A gap at midday, or night gaps every other day, stay plain."""
    times = pd.date_range("2023-03-24", "2023-03-29", freq=step, tz="Europe/Berlin").tz_localize(None)
    text = "time,load\n" + "".join(f"{t:%Y-%m-%d %H:%M},{i % 24}\n" for i, t in enumerate(times))
    loaded = load_csv(csv_bytes(text))
    skipped = 4 if step == "15min" else 1
    assert loaded.report.gaps == skipped and len(loaded.frame) == len(times) + skipped
    assert loaded.report.notes[0].endswith(
        f"{'It is' if skipped == 1 else 'They are'} the night hour that local clocks skip when daylight saving time "
        "starts (2023-03-26 02:00:00); times written with their UTC offsets, or in UTC, have no such gap."
    )
    for gone in (lambda t: (t.day == 26) & (t.hour == 14), lambda t: (t.hour == 2) & (t.day % 2 == 0)):
        hours = pd.date_range("2023-03-20", "2023-04-05", freq="h")
        kept = hours[~gone(hours)]
        other = "time,load\n" + "".join(f"{t:%Y-%m-%d %H:%M},{i % 24}\n" for i, t in enumerate(kept))
        note = load_csv(csv_bytes(other)).report.notes[0]
        assert note.startswith(f"{len(hours) - len(kept)} timestamp(s) missing") and "daylight" not in note


def test_hourly_data_across_a_clock_change_is_converted_to_utc():
    """The local clock skips an hour in spring: in UTC the hours stay regular."""
    hours = pd.date_range("2021-03-27", periods=72, freq="h", tz="Europe/Berlin")
    text = "time,load\n" + "".join(f"{t.isoformat()},{i}\n" for i, t in enumerate(hours))
    loaded = load_csv(csv_bytes(text))
    assert loaded.frame.index[0] == pd.Timestamp("2021-03-26 23:00")
    assert loaded.report.frequency == "h" and loaded.report.gaps == 0 and loaded.report.utc_offset == "+00:00"
    assert any("so they were converted to UTC" in n for n in loaded.report.notes)


def test_exact_duplicate_rows_are_dropped():
    loaded = fixture("exact_duplicate_rows.csv")
    assert loaded.report.duplicate_rows == 2 and len(loaded.frame) == 20
    assert any("2 exact duplicate" in n for n in loaded.report.notes)


def test_repeated_rows_without_dates_are_kept():
    loaded = load_csv(b"x\n1\n1\n-1\n-1\n1\n")
    assert len(loaded.frame) == 5 and loaded.report.duplicate_rows == 0


def test_gaps_are_added_to_the_grid_and_filled_unless_the_policy_drops():
    loaded = fixture("monthly_with_gaps.csv")
    assert (loaded.report.frequency, loaded.report.season, loaded.report.gaps) == ("MS", 12, 3)
    assert len(loaded.frame) == 36 and loaded.frame.index.freqstr == "MS" and loaded.frame.notna().all().all()
    assert loaded.report.missing == {c: 3 for c in loaded.frame.columns}
    assert any("3 timestamp(s) missing from the regular monthly grid were added" in n for n in loaded.report.notes)
    dropped = fixture("monthly_with_gaps.csv", missing="drop")
    assert len(dropped.frame) == 33 and dropped.report.gaps == 3
    assert any("3 timestamp(s) are missing" in n and "not filled in" in n for n in dropped.report.notes)
    assert dropped.filled is None


@pytest.mark.parametrize(
    ("freq", "read_as", "season"),
    [
        ("QS-FEB", "QS-FEB", 4),
        ("QE-NOV", "QE-FEB", 4),
        ("QS-DEC", "QS-MAR", 4),
        ("YS-JUL", "YS-JUL", None),
        ("YE-JUN", "YE-JUN", None),
        ("BME", "BME", 12),
        ("BQE-NOV", "BQE-FEB", 4),
    ],
)
def test_quarters_years_and_business_month_ends_get_their_gaps_filled(freq, read_as, season):
    """Fiscal quarters from February, years from July, or the last trading day of each month, with
    rows missing: the grid was only sought for quarters and years starting in January and for
    calendar months, so their gaps were left as irregular steps (no frequency, no season)."""
    dates = pd.date_range("2001-01-01", periods=40, freq=freq)
    rows = [f"{d.date()},{100 + i}" for i, d in enumerate(dates) if i not in (5, 20, 21)]
    loaded = load_csv(("date,value\n" + "\n".join(rows) + "\n").encode())
    assert (loaded.report.frequency, loaded.report.season, loaded.report.gaps) == (read_as, season, 3)
    assert list(loaded.frame.index) == list(dates) and loaded.frame["value"].notna().all()


def _quarterly_rows(values: np.ndarray, left_out: tuple[int, ...]) -> bytes:
    dates = pd.date_range("1990-01-01", periods=len(values), freq="QS")
    rows = [f"{d.date()},{v:.3f}" for i, (d, v) in enumerate(zip(dates, values)) if i not in left_out]
    return ("quarter,sales\n" + "\n".join(rows) + "\n").encode()


def test_a_seasonal_series_is_filled_in_step_with_its_season():
    """A straight line between a gap's neighbours cut through the season: the made-up quarters then
    calibrated the intervals (a band four times as wide as the one-step errors)."""
    t = np.arange(60)
    y = 100 + 0.8 * t + 10 * np.tile([1.0, -1.0, 0.5, -0.5], 15) + np.random.default_rng(1).normal(0, 1, 60)
    gaps = (21, 22, 40)
    loaded = load_csv(_quarterly_rows(y, gaps))
    got = loaded.frame["sales"].to_numpy()
    assert np.allclose(np.delete(got, gaps), np.delete(y, gaps), atol=1e-3)  # the file's values untouched
    straight = np.interp(gaps, np.delete(t, gaps), np.delete(y, gaps))
    seasonal_miss, straight_miss = np.abs(got[list(gaps)] - y[list(gaps)]), np.abs(straight - y[list(gaps)])
    assert seasonal_miss.mean() < 3.0 < 10.0 < straight_miss.mean()  # a quarter swings by 10
    assert any(
        "3 missing value(s) were filled by linear interpolation, with the season of 4 steps taken out first and put "
        "back (column 'sales')" in n
        for n in loaded.report.notes
    )


def test_a_smooth_yearly_cycle_of_weekly_values_keeps_straight_lines_over_a_missing_week():
    """A profile of 52 phases, each a median of three noisy years, fills a missing week of a smooth
    cycle worse than its two neighbours' mean (weekly CO2 alike: one step ahead 0.973 -> 1.014 the
    best statsforecast model's error with it)."""
    n = 52 * 3
    weeks = pd.date_range("1980-01-06", periods=n, freq="W-SUN")
    rng = np.random.default_rng(3)
    y = 340 + 0.03 * np.arange(n) + 3 * np.sin(2 * np.pi * np.arange(n) / 52.18) + rng.normal(0, 1.0, n)
    rows = [f"{d.date()},{v:.3f}" for i, (d, v) in enumerate(zip(weeks, y)) if i != 100]
    loaded = load_csv(("week,ppm\n" + "\n".join(rows) + "\n").encode())
    assert loaded.report.season == 52
    assert loaded.frame["ppm"].iloc[100] == pytest.approx((round(y[99], 3) + round(y[101], 3)) / 2)
    assert not any("season of" in n for n in loaded.report.notes)


@pytest.mark.parametrize("kind", ["no season", "two seasons short"])
def test_without_a_clear_season_the_gaps_are_filled_along_a_straight_line(kind):
    rng = np.random.default_rng(2)
    y = 50 + np.cumsum(rng.normal(0, 1, 60)) if kind == "no season" else 100 + 10 * np.tile([1.0, -1.0, 0.5, -0.5], 2)
    gap = 30 if kind == "no season" else 4
    loaded = load_csv(_quarterly_rows(y, (gap,)))
    assert loaded.frame["sales"].iloc[gap] == pytest.approx((round(y[gap - 1], 3) + round(y[gap + 1], 3)) / 2)
    assert not any("season of" in n for n in loaded.report.notes)


def test_filled_marks_the_empty_cells_and_the_rows_added_to_the_grid():
    days = pd.date_range("2021-01-01", periods=20, freq="D")
    rows = [f"{d.date()},{'' if i == 4 else i},{i * 2}" for i, d in enumerate(days) if i != 9]
    loaded = load_csv(("date,a,b\n" + "\n".join(rows) + "\n").encode())
    assert list(loaded.frame.index) == list(days)
    filled = loaded.filled
    assert filled is not None and list(filled.columns) == ["a", "b"] and filled.index.equals(loaded.frame.index)
    assert list(np.flatnonzero(filled["a"])) == [4, 9] and list(np.flatnonzero(filled["b"])) == [9]
    assert (
        load_csv(("date,a\n" + "\n".join(f"{d.date()},{i}" for i, d in enumerate(days)) + "\n").encode()).filled is None
    )


@pytest.mark.parametrize(
    ("index", "freq", "season", "gaps"),
    [
        (pd.bdate_range("2020-01-01", periods=60).delete([10, 30]), "B", 5, 2),
        (pd.date_range("2020-01-01", periods=48, freq="h").delete([5, 30]), "h", 24, 2),
        (pd.date_range("2020-01-05", periods=30, freq="W").delete([3]), "W-SUN", 52, 1),
        (pd.date_range("2020-01-01", periods=30, freq="D").delete([3, 4]), "D", 7, 2),
        (pd.date_range("2000-01-01", periods=40, freq="QS").delete([7]), "QS-JAN", 4, 1),
        # a step that divides a day: a day's steps (detected from the data, 15 minutes came out 95)
        (pd.date_range("2020-01-01", periods=40, freq="15min"), "15min", 96, 0),
        (pd.date_range("2020-01-01", periods=40, freq="30min").delete([7]), "30min", 48, 1),
        (pd.date_range("2020-01-01", periods=40, freq="2h"), "2h", 12, 0),
        (pd.date_range("2020-01-01", periods=40, freq="min"), "min", None, 0),  # 1,440 a day: detected
        (pd.DatetimeIndex(["2020-01-01", "2020-01-02", "2020-01-04", "2020-01-08", "2020-01-16"]), None, None, 0),
    ],
)
def test_frequency_and_gaps(index, freq, season, gaps):
    frame = pd.DataFrame({"v": np.arange(len(index)) % 7}, index=index.rename("date"))
    report = load_csv(frame_to_csv_bytes(frame)).report
    assert (report.frequency, report.season, report.gaps) == (freq, season, gaps)


def test_mostly_numeric_column_keeps_numbers_and_text_column_is_dropped():
    loaded = fixture("mixed_text_in_numbers.csv")
    report = loaded.report
    assert report.columns == ["value"] and report.missing == {"value": 1}
    assert report.dropped_columns == {"comment": "it holds text, not numbers (e.g. 'note 1')"}
    assert any("1 cell(s) that are not numbers (e.g. 'n.a')" in n for n in report.notes)
    assert loaded.frame["value"].iloc[8] == 9.0  # interpolated between 8 and 10


@pytest.mark.parametrize(
    ("policy", "rows", "values"),
    [
        ("interpolate", 20, [2.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0]),
        ("ffill", 20, [2.0, 2.0, 3.0, 4.0, 5.0, 6.0, 6.0, 6.0, 9.0]),
        ("drop", 16, [2.0, 3.0, 4.0, 5.0, 6.0, 9.0, 10.0, 11.0, 12.0]),
    ],
)
def test_missing_value_policies(policy, rows, values):
    loaded = fixture("missing_values.csv", missing=policy)
    assert loaded.report.missing == {"value": 4} and loaded.report.missing_policy == policy
    assert len(loaded.frame) == rows == loaded.report.n_rows
    assert loaded.frame["value"].iloc[:9].tolist() == values
    assert loaded.frame["value"].notna().all()
    assert any("Missing values (value: 4)" in line for line in loaded.report.summary())


def test_step_column_is_used_as_the_index():
    loaded = load_csv(b"step,value\n0,1.5\n1,2.5\n2,0.5\n")
    assert loaded.report.columns == ["value"] and loaded.frame.index.name == "step"


def test_trailing_delimiters_give_an_empty_column():
    loaded = load_csv(b"a,b,\n1,2,\n3,4,\n5,7,\n")
    assert loaded.report.columns == ["a", "b"] and loaded.report.dropped_columns == {"column 3": "it has no values"}


def test_date_column_none_uses_steps():
    loaded = load_csv(csv_bytes(daily(5)), date_column=None)
    assert loaded.report.date_column is None and loaded.frame.index.name == "step"
    assert "date" in loaded.report.dropped_columns


def test_report_summary_lines():
    lines = fixture("semicolon_decimal_comma.csv").report.summary()
    assert lines[1] == "Read as utf-8, delimiter ';', decimal ',', thousands '.'."
    assert lines[2] == "Time column 'Datum': frequency daily, season 7, 0 timestamp(s) missing from its grid."


# ---- never anything but DataError ------------------------------------------------------------

_SEEDS = [p.read_bytes() for p in sorted(FIXTURES.glob("*.csv"))]
_FUZZ = settings(
    max_examples=200,
    deadline=2000,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def _load_or_data_error(raw: bytes) -> None:
    try:
        loaded = load_csv(raw)
    except DataError as exc:
        assert str(exc).endswith(".")
        assert not str(exc).startswith("The file could not be read as a CSV table")  # the last-resort net
        return
    frame = loaded.frame
    assert len(frame) >= 3 and np.isfinite(frame.to_numpy()).all()
    assert all(dtype == np.float64 for dtype in frame.dtypes)


@_FUZZ
@given(st.binary(max_size=2048))
def test_arbitrary_bytes_raise_only_data_error(raw):
    _load_or_data_error(raw)


@_FUZZ
@given(st.text(alphabet='0123456789,;\t|."\n -eE/:aNT\u00e9', max_size=400))
def test_csv_like_text_raises_only_data_error(text):
    _load_or_data_error(text.encode("utf-8"))


@_FUZZ
@given(
    st.sampled_from(_SEEDS),
    st.lists(st.tuples(st.integers(0, 10_000), st.integers(0, 255), st.sampled_from("ids")), max_size=8),
)
def test_mutated_csv_raises_only_data_error(seed, edits):
    raw = bytearray(seed)
    for position, byte, op in edits:
        at = position % (len(raw) + 1)
        if op == "i":
            raw[at:at] = bytes([byte])
        elif op == "d":
            del raw[at : at + 1]
        elif raw:
            raw[min(at, len(raw) - 1)] = byte
    _load_or_data_error(bytes(raw))


# ---- generators ------------------------------------------------------------------------------


def test_generator_registries_agree():
    assert set(GENERATORS) == set(GENERATOR_PARAMS) == set(GENERATOR_DESCRIPTIONS)
    assert set(GENERATORS) == {
        "sine",
        "noisy-sine",
        "sin-cos",
        "trend-seasonal",
        "random-walk",
        "long-memory",
        "airline",
    }


@pytest.mark.parametrize("name", sorted(GENERATORS))
def test_generator_output_and_csv_round_trip(name):
    frame = generate(name)
    assert all(dtype == np.float64 for dtype in frame.dtypes) and np.isfinite(frame.to_numpy()).all()
    loaded = load_csv(frame_to_csv_bytes(frame))
    pd.testing.assert_frame_equal(loaded.frame, frame)


@pytest.mark.parametrize("name", sorted(set(GENERATORS) - {"sin-cos", "sine", "airline"}))
def test_generators_are_deterministic_per_seed(name):
    pd.testing.assert_frame_equal(generate(name, seed=3), generate(name, seed=3))
    assert not generate(name, seed=3).equals(generate(name, seed=4))


@pytest.mark.parametrize(
    ("name", "length", "columns", "index_name"),
    [
        ("sine", 1000, ["value"], "step"),
        ("noisy-sine", 10001, ["value"], "step"),
        ("sin-cos", 200, ["sin", "cos"], "step"),
        ("trend-seasonal", 240, ["value"], "date"),
        ("random-walk", 500, ["value"], "step"),
        ("long-memory", 2000, ["x", "target"], "step"),
        ("airline", 144, ["Passengers"], "Month"),
    ],
)
def test_generator_defaults(name, length, columns, index_name):
    frame = generate(name)
    assert len(frame) == length and list(frame.columns) == columns and frame.index.name == index_name


def test_sine_values_and_params():
    frame = generate("sine", length=100, amplitude=2, period=20, offset=1)
    t = np.arange(100)
    np.testing.assert_allclose(frame["value"], 2 * np.sin(2 * np.pi * t / 20) + 1)


def test_noisy_sine_matches_its_truth():
    frame = generate("noisy-sine", seed=1)
    truth = noisy_sine_truth()
    assert truth.shape == (10001,)
    np.testing.assert_allclose(truth[[0, 10, 10000]], np.sin([0.0, 1.0, 1000.0]), atol=1e-9)
    residual = frame["value"].to_numpy() - truth
    assert abs(residual.std() - 0.5) < 0.02 and abs(residual.mean()) < 0.02
    assert len(generate("noisy-sine", length=50)) == 50 and noisy_sine_truth(50).shape == (50,)


def test_sin_cos_shape_and_values():
    frame = generate("sin-cos")
    t = np.linspace(0, 12 * np.pi, 200)
    assert frame.shape == (200, 2)
    np.testing.assert_allclose(frame["sin"], np.sin(t))
    np.testing.assert_allclose(frame["cos"], np.cos(t))


def test_trend_seasonal_index_and_noise_free_shape():
    frame = generate("trend-seasonal", noise=0.0)
    assert frame.index[0] == pd.Timestamp("2000-01-01") and frame.index.freqstr == "MS"
    t = np.arange(240)
    np.testing.assert_allclose(frame["value"], 10 + 0.05 * t + 2 * np.sin(2 * np.pi * t / 12))


def test_random_walk_starts_at_start():
    frame = generate("random-walk", start=5.0, sigma=0.0, drift=1.0)
    assert frame["value"].tolist()[:3] == [5.0, 6.0, 7.0]


@pytest.mark.parametrize("lag", [1, 20, 45])
def test_long_memory_target_is_x_shifted_by_lag(lag):
    frame = generate("long-memory", lag=lag, seed=7)
    x, target = frame["x"].to_numpy(), frame["target"].to_numpy()
    np.testing.assert_array_equal(target[lag:], x[:-lag])
    assert set(np.unique(x)) == {-1.0, 1.0} and set(np.unique(target[:lag])) <= {-1.0, 1.0}
    assert 0.4 < (x > 0).mean() < 0.6


def test_airline_values():
    frame = load_airline()
    assert frame.shape == (144, 1) and frame["Passengers"].sum() == 40363
    assert frame.index[0] == pd.Timestamp("1949-01-01") and frame.index[-1] == pd.Timestamp("1960-12-01")
    assert frame["Passengers"].iloc[[0, -1]].tolist() == [112.0, 432.0]
    frame.iloc[0, 0] = -1  # callers get a copy
    assert load_airline()["Passengers"].iloc[0] == 112.0


def test_generator_errors():
    with pytest.raises(DataError, match="Unknown generator 'saw'; choose one of sine, noisy-sine"):
        generate("saw")
    with pytest.raises(
        DataError, match="Unknown parameter\\(s\\) amp for generator 'sine'; valid parameters: amplitude"
    ):
        generate("sine", amp=2)
    with pytest.raises(DataError, match="length must be at least 3"):
        generate("sine", length=2)
    # the rule of the parameter at fault, not of every generator's (a walk has no period, no noise)
    with pytest.raises(
        DataError, match="^Parameter sigma=-5.0 is out of range for generator 'random-walk'; give sigma 0 or more.$"
    ):
        generate("random-walk", sigma=-5)
    with pytest.raises(DataError, match="give period a positive number.$"):
        generate("trend-seasonal", period=0)
    with pytest.raises(DataError, match="lag must be between 1 and length - 1"):
        generate("long-memory", length=10, lag=10)
    with pytest.raises(DataError, match="period=0.0 is out of range"):
        generate("sine", period=0)
    with pytest.raises(DataError, match="must be numbers"):
        generate("sine", period="long")


@pytest.mark.parametrize(
    ("alias", "words"),
    [
        ("MS", "monthly"),
        ("W-SAT", "weekly (Saturdays)"),
        ("QS-JAN", "quarterly"),
        ("YE-DEC", "yearly"),
        ("2D", "every 2 days"),
        ("15min", "every 15 minutes"),
        ("h", "hourly"),
        (None, "no regular frequency"),
    ],
)
def test_frequencies_are_said_in_words(alias, words):
    from lstm_core.data import describe_frequency

    assert describe_frequency(alias) == words


def test_a_fill_count_over_several_columns_says_so():
    """127 dates added to a file of 6 columns were '762 missing value(s) were filled', read as 762
    values of the series; the count says the columns it spans."""
    days = pd.date_range("2020-01-01", periods=40, freq="D")
    kept = np.r_[0:10, 13:40]  # three days missing from the grid: three empty rows of both columns
    text = "date,a,b\n" + "".join(f"{days[k].date()},{k},{2 * k}\n" for k in kept)
    for policy, how in (("interpolate", "by linear interpolation"), ("ffill", "with the previous value")):
        loaded = load_csv(csv_bytes(text), missing=policy)
        assert f"6 missing value(s) in 2 columns were filled {how}." in loaded.report.notes
    one = load_csv(csv_bytes("date,a\n" + "".join(f"{days[k].date()},{k}\n" for k in kept)))
    assert "3 missing value(s) were filled by linear interpolation." in one.report.notes


def test_a_series_mostly_filled_in_is_called_made_up():
    rows = "".join(f"{k},{k * 2 if k % 3 == 0 else ''}\n" for k in range(60))  # two cells in three empty
    loaded = load_csv(("step,value\n" + rows).encode())
    note = [n for n in loaded.report.notes if "filled" in n]
    assert note == [
        "38 missing value(s) were filled by linear interpolation; 2 at the start or end of a column were copied "
        "from the nearest value; that is 67% of the values, so much of the series is made up: check the file."
    ]
    np.testing.assert_allclose(loaded.frame["value"].to_numpy()[:58], 2 * np.arange(58))  # inside: a straight line


def test_a_column_mostly_filled_in_beside_a_complete_one_is_called_made_up():
    """DAAG's bomregions: co2mlo starts in 1959, 59 of its 109 years copied from 1959's value; the
    note said 27% (of both columns' cells), now 54% of that column."""
    rows = "".join(f"{1900 + k},{'' if k < 59 else 300 + k},{k % 5 - 2}\n" for k in range(109))
    loaded = load_csv(("Year,co2mlo,SOI\n" + rows).encode())
    note = [n for n in loaded.report.notes if "copied" in n]
    assert note == [
        "59 at the start or end of a column were copied from the nearest value; that is 54% of column 'co2mlo', "
        "so much of the series is made up: check the file."
    ]


@pytest.mark.filterwarnings("ignore:A future version of pandas will return a BaseOffset")
@pytest.mark.parametrize("offset_option", [True, False])
def test_frequency_is_read_whether_pandas_returns_an_offset_or_a_string(monkeypatch, offset_option):
    # pandas 3.1 returns an offset under future.infer_freq_returns_offset; 3.0 has no such option
    # and returns the alias string.
    from lstm_core.data import frequency

    monkeypatch.setattr(frequency, "_OFFSET_OPTION", offset_option)
    assert frequency._infer_freq(pd.date_range("2000-01-01", periods=24, freq="MS")) == "MS"
    assert frequency._infer_freq(pd.DatetimeIndex(["2000-01-01", "2000-01-03", "2000-01-04"])) is None


def test_the_default_target_is_not_a_time_column_the_loader_left_as_numbers():
    """Day numbers with fractions (``44197.041667``) in a column named ``time`` stay a column of
    numbers (``date`` or ``stamp`` in the name reads them as Excel's date-times), and that column was
    the one forecast by default, before the values beside it."""
    text = "Time,v\n" + "".join(f"{44197 + i / 24:.6f},{i % 5}\n" for i in range(40))
    frame = load_csv(csv_bytes(text)).frame
    assert list(frame.columns) == ["Time", "v"]
    assert data.default_target(frame) == "v"


def test_a_name_in_another_letter_case_says_which_was_meant():
    """A --select column, its value or a date column given in another letter case (or with spaces
    around it) only listed the choices; the one sentence now names the one meant."""
    months = pd.date_range("2000-01-01", periods=6, freq="MS").strftime("%Y-%m-%d")
    long = "date,variable,value\n" + "".join(f"{m},{v},{i}\n" for v in ("PCE", "UNRATE") for i, m in enumerate(months))
    with pytest.raises(DataError) as err:
        load_csv(csv_bytes(long), select={"Variable": "PCE"})
    assert str(err.value) == (
        "Column 'Variable' was not found (did you mean 'variable'?); the columns are 'date', 'variable', 'value'."
    )
    with pytest.raises(DataError) as err:
        load_csv(csv_bytes(long), select={"variable": " pce"})
    assert str(err.value) == (
        "No row has ' pce' in column 'variable' (did you mean 'PCE'?); its values include 'PCE', 'UNRATE'."
    )
    with pytest.raises(DataError) as err:
        load_csv(csv_bytes(daily(5)), date_column="Date")
    assert str(err.value) == "Column 'Date' was not found (did you mean 'date'?); the columns are 'date', 'value'."
    assert data.target.case_matches("close", ["Open", "Close", "CLOSE", "close"]) == ["Close", "CLOSE"]
    assert data.target.did_you_mean("Volume", ["Open", "Close"]) == ""


@pytest.mark.parametrize(
    "header, first", [("step", 100), ("day", 43831), ("t", 1), ("week_no", 5), ("Period", 0)], ids=str
)
def test_a_file_that_numbers_its_rows_keeps_its_numbers_as_the_index(header, first):
    """The note said the counter was "used as the row index", but the rows were numbered again from
    0: a file whose days run 43831..43850 had its forecast dated 20, 21, ... instead of 43851, ..."""
    rows = "\n".join(f"{first + i},{10 + (i % 4)}" for i in range(20))
    got = load_csv(csv_bytes(f"{header},y\n{rows}\n"))
    assert list(got.frame.columns) == ["y"]
    assert list(got.frame.index) == list(range(first, first + 20)) and got.frame.index.name == "step"
    assert f"Column '{header}' numbers the rows, so it was used as the row index." in got.report.notes


@pytest.mark.parametrize(
    "text",
    [
        "day,y\n" + "\n".join(f"{d},{d % 5}" for d in (1, 2, 3, 5, 6, 7, 8, 9, 10, 11)),  # a day skipped
        "amount,y\n" + "\n".join(f"{i},{i % 5}" for i in range(10)),  # not named for a time
        "day,y\n" + "\n".join(f"{i + 0.5},{i % 5}" for i in range(10)),  # not whole numbers
    ],
    ids=["gap", "not-time-named", "halves"],
)
def test_a_column_that_does_not_number_the_rows_stays_a_column(text):
    got = load_csv(csv_bytes(text + "\n"))
    assert list(got.frame.columns) == [text.split(",")[0], "y"]
    assert list(got.frame.index) == list(range(10))


@pytest.mark.parametrize(
    ("cells", "dayfirst", "said"),
    [
        ([f"{d:02d}.01.2022" for d in range(1, 29)], False, "'13.01.2022' cannot be read month first, as asked: 13"),
        ([f"01/{d:02d}/2022" for d in range(1, 29)], True, "'01/13/2022' cannot be read day first, as asked: 13"),
    ],
)
def test_a_date_order_asked_for_that_the_dates_refuse_is_named(tmp_path, cells, dayfirst, said):
    """--month-first on day-first dates said "cannot be read with one format ... e.g. '%Y-%m-%d'", naming neither
    the order asked for nor the way out."""
    path = tmp_path / "d.csv"
    pd.DataFrame({"Datum": cells, "v": range(len(cells))}).to_csv(path, index=False)
    with pytest.raises(DataError) as err:
        load_csv(path, dayfirst=dayfirst)
    assert said in str(err.value) and "leave the order to be read from the data" in str(err.value)
    assert len(load_csv(path).frame) == len(cells)  # read from the data, it loads


def test_times_written_with_a_zones_name_keep_their_time_axis():
    """Hourly load across October's clock change written ``00:00:00 CEST`` / ``CET``: the column was dropped
    as "text, not numbers" and the run trained on numbered steps, without its hours and season."""
    stamps = pd.date_range("2021-10-30 00:00", "2021-11-01 00:00", freq="h", tz="Europe/Berlin")
    body = "".join(f"{t:%Y-%m-%d %H:%M:%S} {t.tzname()},{50 + (i % 24)}\n" for i, t in enumerate(stamps))
    loaded = load_csv(("timestamp,load\n" + body).encode())
    assert list(loaded.frame.columns) == ["load"] and len(loaded.frame) == len(stamps)
    assert loaded.report.frequency == "h" and loaded.report.date_column == "timestamp"
    assert list(loaded.frame.index) == list(stamps.tz_convert("UTC").tz_localize(None))  # regular, in UTC
    assert loaded.report.notes[0] == (
        "Column 'timestamp': time-zone names were read as the UTC offsets they stand for (CEST as +02:00, CET as +01:00)."
    )
    with pytest.raises(DataError) as err:  # a name of several zones: one sentence, what to write instead
        load_csv(("time,load\n" + "".join(f"2021-10-30 {h:02d}:00 IST,{h}\n" for h in range(20))).encode())
    assert str(err.value) == (
        "Column 'time' holds times with the time-zone name 'IST' (e.g. '2021-10-30 00:00 IST'), which names no "
        "single UTC offset here; write the times with their UTC offset (e.g. 10:00+01:00) instead."
    )
    # capitals after a time without a date are not a zone: text as before
    kept = load_csv(("day,status,v\n" + "".join(f"2021-10-{d:02d},08:00 ON,{d}\n" for d in range(1, 21))).encode())
    assert list(kept.frame.columns) == ["v"] and kept.report.frequency == "D"


def test_a_row_split_by_thousands_separators_is_named_as_such():
    """``2020-02-01,1,234.50`` in a comma file: "Line 3 has 3 fields but the header has 2; remove the extra
    separators" sent the user looking for a separator they never typed."""
    body = "date,sales\n2020-01-01,100.5\n2020-02-01,1,234.50\n2020-03-01,99\n"
    with pytest.raises(DataError) as err:
        load_csv(body.encode())
    assert str(err.value) == (
        "Line 3 has 3 fields but the header has 2: numbers such as '1,234.50' are written with a comma between their "
        "thousands, the file's delimiter; put each number in quotes, or save the file without thousands separators."
    )
    with pytest.raises(DataError) as err:  # an extra field that is no such number keeps the general sentence
        load_csv(b"date,sales\n2020-01-01,100.5\n2020-02-01,1,2\n")
    assert str(err.value).endswith("(delimiter ','); remove the extra separators or add the missing column names.")
