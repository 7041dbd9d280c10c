"""Hostile CSV inputs for the loader (issue 11): Excel's sep= line, symbols in numbers, comments, UTF-32."""

from __future__ import annotations

import pandas as pd
import pytest

from lstm_core.data import DataError, load_csv


def daily(values, sep: str = ",", header: str = "date,value") -> str:
    dates = pd.date_range("2020-01-01", periods=len(values), freq="D")
    return header.replace(",", sep) + "\n" + "".join(f"{d.date()}{sep}{v}\n" for d, v in zip(dates, values))


@pytest.mark.parametrize(("line", "sep"), [("sep=;", ";"), ('"sep=;"', ";"), ("sep=,", ","), ("sep=\t", "\t")])
def test_excel_sep_line_declares_the_delimiter(line, sep):
    values = [f"{i},5" if sep == ";" else f"{i}.5" for i in range(30)]
    loaded = load_csv((line + "\n" + daily(values, sep)).encode())
    report = loaded.report
    assert report.delimiter == sep and report.date_column == "date" and report.columns == ["value"]
    assert loaded.frame["value"].iloc[:2].tolist() == [0.5, 1.5] and len(loaded.frame) == 30
    assert any("declares the delimiter" in n and "skipped" in n for n in report.notes)


def test_line_numbers_count_the_removed_sep_and_comment_lines():
    values = [str(i) for i in range(30)]
    values[5] = "inf"
    text = "sep=,\n# exported\n\n" + daily(values)
    with pytest.raises(DataError, match="\\('inf' at line 10\\)"):
        load_csv(text.encode())


def test_percent_signs_are_removed_with_a_note():
    loaded = load_csv(daily([f"{i}.5%" for i in range(30)]).encode())
    assert loaded.frame["value"].iloc[:3].tolist() == [0.5, 1.5, 2.5]
    assert any("percent signs were removed from 30 cell(s)" in n for n in loaded.report.notes)


@pytest.mark.parametrize(
    ("values", "sep", "first", "symbol"),
    [
        ([f'"${i},234.56"' for i in range(1, 31)], ",", 1234.56, "$"),
        ([f"€{i}.234,56" for i in range(1, 31)], ";", 1234.56, "€"),
        ([f"{i}.5 £" for i in range(1, 31)], ",", 1.5, "£"),
        ([f"-¥{i}" for i in range(1, 31)], ",", -1.0, "¥"),
    ],
)
def test_a_single_currency_symbol_is_removed_with_a_note(values, sep, first, symbol):
    loaded = load_csv(daily(values, sep).encode())
    assert loaded.frame["value"].iloc[0] == pytest.approx(first) and len(loaded.frame) == 30
    assert any(f"currency symbol {symbol} was removed from 30 cell(s)" in n for n in loaded.report.notes)


def test_mixed_currencies_are_named_in_the_error():
    values = [f"${i}" if i % 2 else f"€{i}" for i in range(1, 31)]
    with pytest.raises(DataError, match="column 'value' mixes currency symbols \\(\\$ and €, e.g. '\\$1' and '€2'\\)"):
        load_csv(daily(values).encode())


def test_numbers_with_units_name_the_column_and_an_example():
    with pytest.raises(DataError, match="column 'value' holds values such as '1 kg' that are not plain numbers"):
        load_csv(daily([f"{i} kg" for i in range(1, 31)]).encode())


def test_comment_lines_before_and_after_the_header_are_skipped():
    rows = daily(range(30)).split("\n")
    rows.insert(5, "# sensor restarted, values may jump")
    rows.insert(1, "  # units: kWh")
    text = "# source: meter 7, 2020\n" + "\n".join(rows)
    loaded = load_csv(text.encode())
    assert loaded.report.date_column == "date" and loaded.report.columns == ["value"]
    assert loaded.frame["value"].tolist() == [float(i) for i in range(30)]
    assert "3 comment line(s) starting with '#' were skipped." in loaded.report.notes


def test_excel_error_values_are_not_comments():
    rows = daily(range(30)).split("\n")
    rows[3] = "#N/A,2"
    loaded = load_csv("\n".join(rows).encode())
    assert not any("comment" in n for n in loaded.report.notes)
    # the undated row is dropped, and its day comes back as a gap in the daily grid, filled
    assert loaded.report.gaps == 1 and len(loaded.frame) == 30 and loaded.report.missing == {"value": 1}


def test_hash_header_above_the_data_is_kept():
    loaded = load_csv(daily(range(30), header="#date,value").encode())
    assert loaded.report.date_column == "#date" and loaded.report.columns == ["value"]


@pytest.mark.parametrize("encoding", ["utf-32", "utf-32-le", "utf-32-be"])
def test_utf32_is_called_utf32(encoding):
    with pytest.raises(DataError, match="encoded as UTF-32; re-save it as UTF-8"):
        load_csv(daily(range(30)).encode(encoding))


def test_blank_lines_above_the_header_are_skipped_and_lines_still_counted():
    values = [str(i) for i in range(30)]
    values[2] = "1e400"
    with pytest.raises(DataError, match="\\('1e400' at line 6\\)"):
        load_csv(("\n\n" + daily(values)).encode())
    loaded = load_csv(("\n \n" + daily(range(30))).encode())
    assert loaded.report.date_column == "date" and len(loaded.frame) == 30


@pytest.mark.parametrize(
    ("values", "sep", "first", "phrase"),
    [
        (
            [f"{i}.234" for i in range(1, 31)],
            ",",
            1.234,
            "'1.234' in column 'value' were read with '.' as the decimal mark",
        ),
        (
            [f"€{i}.234" for i in range(1, 31)],
            ";",
            1.234,
            "'€1.234' in column 'value' were read with '.' as the decimal",  # quoted as the file writes it
        ),
        (
            [f"{i},234" for i in range(1, 31)],
            ";",
            1.234,
            "'1,234' in column 'value' were read with ',' as the decimal mark",
        ),
        (
            [f'"{i},234"' for i in range(1, 31)],
            ",",
            1234.0,
            "'1,234' in column 'value' were read with ',' as the thousands",
        ),
    ],
)
def test_ambiguous_thousands_are_noted_with_the_reading_used(values, sep, first, phrase):
    loaded = load_csv(daily(values, sep).encode())
    assert loaded.frame["value"].iloc[0] == first
    assert sum(phrase in n for n in loaded.report.notes) == 1


def test_numbers_that_settle_the_decimal_mark_leave_no_ambiguity_note():
    values = [f"{i}.234" for i in range(1, 30)] + ["0.5"]
    loaded = load_csv(daily(values).encode())
    assert loaded.frame["value"].iloc[0] == 1.234 and not any(
        "ambiguous" in n or "were read with" in n for n in loaded.report.notes
    )


def test_a_file_of_comments_only_says_so():
    with pytest.raises(DataError, match="holds only comment lines starting with '#'"):
        load_csv(b"sep=,\n# exported by meter 7\n\n# no rows today\n")


def _loader_patterns() -> list[str]:
    from lstm_core.data import loader

    found = [getattr(loader, n) for n in dir(loader) if n.endswith("_RE") and n.startswith("_")]
    found = [p.pattern if hasattr(p, "pattern") else p for p in found]
    return found + [p for d in (".", ",") for p in loader._grouping_patterns(d)]


@pytest.mark.parametrize("pattern", _loader_patterns())
def test_every_loader_pattern_is_one_pyarrows_regex_engine_takes(pattern):
    # pandas 3.0 runs .str regexes on its default str dtype through pyarrow (RE2), which rejects
    # back-references and \u escapes: an airline CSV once failed to load there.
    pa = pytest.importorskip("pyarrow")
    import pyarrow.compute as pc

    assert pc.match_substring_regex(pa.array(["1 234,5"]), pattern).to_pylist() in ([True], [False])


@pytest.mark.parametrize(
    ("text", "decimal", "value", "mark"),
    [("1,234,567.5", ".", 1234567.5, ","), ("1.234.567,5", ",", 1234567.5, "."), ("1\u00a0234", ".", 1234.0, " ")],
)
def test_grouped_numbers_lose_one_thousands_mark_throughout(text, decimal, value, mark):
    from lstm_core.data.loader import _parse_numbers

    parsed, thousands = _parse_numbers(pd.DataFrame({"v": [text, "1,23,4" if decimal == "." else "1.23.4"]}), decimal)
    assert parsed["v"].iloc[0] == value and thousands == mark
    assert pd.isna(parsed["v"].iloc[1])


def test_a_headerless_semicolon_file_with_decimal_commas_reads_its_numbers():
    """``1949-01-01;112,5`` without a header: commas and semicolons split every row alike, and the
    commas won, so the file was refused as one constant column (``5``)."""
    values = [112.5, 118.5, 132.25, 129.5, 121.75, 135.5, 148.5, 148.25, 136.5, 119.5]
    months = pd.date_range("1949-01-01", periods=len(values), freq="MS")
    text = "".join(f"{m:%Y-%m-%d};{str(v).replace('.', ',')}\n" for m, v in zip(months, values))
    loaded = load_csv(text.encode())
    assert loaded.report.delimiter == ";" and loaded.report.decimal == ","
    assert loaded.frame.iloc[:, 0].tolist() == values and loaded.frame.index[0] == months[0]


def test_the_thousands_note_quotes_an_accounts_negative_as_the_file_writes_it():
    """'(3,758)' was quoted as '-3,758', a value the file does not hold."""
    from lstm_core import data as lcdata

    values = ["842", "(312)", "(3,758)", "100", "(1,200)", "55", "(2,001)", "7", "(9)", "10", "(11)", "12"]
    body = "month,profit\n" + "\n".join(f'2019-{m:02d},"{v}"' for m, v in zip(range(1, 13), values))
    notes = lcdata.load_csv(body.encode(), name="x.csv").report.notes
    assert (
        "Values such as '(3,758)' in column 'profit' were read with ',' as the thousands separator (-3758); if they "
        "mean -3.758, write them that way in the file." in notes
    )


def test_a_true_false_column_is_read_as_1_and_0_and_is_not_the_default_target():
    """A holiday flag, the classic extra input, was dropped as text ("holds text, not numbers (e.g. 'TRUE')")."""
    from lstm_core.data import default_target

    rows = [f"2024-01-{i + 1:02d},{'TRUE' if i % 7 == 0 else 'false'},{10 + i * 0.3:.1f}" for i in range(30)]
    loaded = load_csv(("date,is_holiday,temp\n" + "\n".join(rows)).encode(), name="x.csv")
    assert list(loaded.frame.columns) == ["is_holiday", "temp"]
    assert loaded.frame["is_holiday"].iloc[:8].tolist() == [1.0, 0, 0, 0, 0, 0, 0, 1.0]
    assert "Column 'is_holiday' holds true/false values: read as 1 and 0." in loaded.report.notes
    assert default_target(loaded.frame) == "temp"  # the flag is an input, not the series
    words = load_csv(
        ("date,note\n" + "\n".join(f"2024-01-{i + 1:02d},{i}" for i in range(9)) + "\n2024-01-10,true").encode()
    )
    assert not any("true/false" in n for n in words.report.notes)  # one 'true' among numbers: no flag column
