"""CSV loading with validation.

:func:`load_csv` turns uploaded bytes (or a path) into a :class:`LoadedData`: a frame with a
time index (or a ``step`` RangeIndex) and finite float64 columns, plus a :class:`DataReport`
that says everything that was detected, assumed or changed. Every bad input raises
:class:`~lstm_core.data.errors.DataError` with one sentence that says what is wrong and what to do.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import os
import re
import unicodedata
import warnings
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..config import MISSING_POLICIES
from .errors import _MIN_ROWS, DataError, _excerpt
from .fill import interpolate_inside
from .frequency import _frequency, describe_frequency, season_for
from .keys import find_keys, select_rows, several_series_error
from .periods import (
    CLOCK_START,
    UNIX_NAME,
    MonthReading,
    clock_times,
    compact_dates,
    could_be_labels,
    date_and_time,
    decimal_years,
    financial_years,
    month_names,
    month_numbers,
    month_years,
    period_labels,
    times_of_day,
    year_and_period,
)
from .series import Series, filled_positions
from .target import ROW_NAMES, did_you_mean, time_worded

MAX_BYTES = 50 * 1024 * 1024

_DELIMITERS = (",", ";", "\t", "|")
_SNIFF_CHARS = 64 * 1024
_SNIFF_ROWS = 200
_MAX_COLUMNS = 1000  # wider files are refused before the per-column work
#: Above this share of filled cells the load note warns that much of the series is made up.
MADE_UP_SHARE = 0.2
_MIN_SPREAD = 1e-12  # a column varying less than this is left unscaled by the scalers: nothing to learn
_HUGE = 1e150  # larger values overflow when squared (scalers, losses, RMSE) and training fails
_NUMERIC_SHARE = 0.9  # a column is numeric when this share of its non-empty cells parse
_MISSING_TOKENS = frozenset({"", "na", "n/a", "nan", "null", "none", "nil", "-", "--", "?", ".", "#n/a", "missing"})
_SPACES = " \u00a0\u202f"  # space, no-break space, narrow no-break space
_MINUS = "\u2212"  # the typographic minus sign

# Every pattern below is linear: no nested or adjacent quantifiers over the same characters. And each
# is one that pyarrow's RE2 engine takes too (pandas 3.0 hands regexes on its str dtype to it): no
# back-references or look-arounds, and non-ASCII characters as themselves, not as \u escapes.
_FLOAT_RE = r"(?i)[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?|[+-]?inf(?:inity)?"
_COMMA_DECIMAL_RE = r"[+-]?\d+,\d+|[+-]?\d{1,3}(?:\.\d{3})+,\d+"
_DOT_DECIMAL_RE = r"[+-]?\d*\.\d+|[+-]?\d{1,3}(?:,\d{3})+\.\d+"
_COMMA_GROUPS_RE = r"[+-]?[1-9]\d{0,2}(?:,\d{3})+"
_DOT_GROUPS_RE = r"[+-]?[1-9]\d{0,2}(?:\.\d{3})+"
_DATE_NAME_RE = re.compile(r"date|time|month|period|year|day|week|quarter|datum|fecha")
_TIME_WORD_RE = re.compile(r"\b(?:date|time|year|decimal)\b")  # words naming a column that may repeat the time
_DMY_RE = r"^\s*(\d{1,2})[/.\-](\d{1,2})[/.\-]\d{2,4}\b"
_DOTTED_RE = r"^\s*\d{1,2}\.\d{1,2}\.\d{2,4}\b"  # 01.02.2020: the day first wherever dots are used
_HEADER_DATE_RE = re.compile(r"\d{4}-\d{1,2}(-\d{1,2})?|\d{1,2}[/.\-]\d{1,2}[/.\-]\d{2,4}")
_SEP_DIRECTIVE_RE = re.compile(r'"?sep=(.)"?\s*', re.IGNORECASE)  # Excel's first line declaring the delimiter
_EXCEL_ERROR_RE = re.compile(r"#(?:n/a|[a-z0-9/_]+[!?])", re.IGNORECASE)  # #N/A, #VALUE!, #DIV/0!, #NAME?, ...
_CURRENCIES = "$€£¥"
_NUMBER_CORE = rf"[+\-{_MINUS}]?\.?\d[\d.,{_SPACES}]*"  # digits with marks; the number parser checks the rest
_PERCENT_RE = re.compile(rf"({_NUMBER_CORE})\s*%")
_CURRENCY_RE = re.compile(
    rf"([+\-{_MINUS}]?)\s*([{_CURRENCIES}])\s*({_NUMBER_CORE})|({_NUMBER_CORE})\s*([{_CURRENCIES}])"
)
#: A negative number as accounts write it: ``(120)``, ``(1,200.50)``, ``($1,200)``, ``$(1,200)``, ``(4.5%)``.
_PARENS_RE = re.compile(rf"[{_CURRENCIES}]?\(\s*[{_CURRENCIES}]?\.?\d[\d.,{_SPACES}]*%?\)")  # (cells stripped)
#: A negative number as SAP and other ERP exports write it: ``100.0-``, ``1.234,50-``, ``$1,200-`` (cells stripped).
_TRAILING_MINUS_RE = re.compile(rf"[{_CURRENCIES}]?\s*\.?\d[\d.,{_SPACES}]*%?\s*[{_CURRENCIES}]?\s*[-{_MINUS}]")
#: A number whose thousands are grouped by apostrophes, as Swiss exports write them: ``10'000.50``,
#: ``1’234’567``, ``-10'000.50``, ``10'000.50-`` (the minus is read later) (cells stripped).
_APOSTROPHES_RE = re.compile(
    rf"[+\-{_MINUS}(]?[{_CURRENCIES}]?\s*\d{{1,3}}(?:['’]\d{{3}})+(?:[.,]\d+)?%?\s*[{_CURRENCIES}]?[)\-{_MINUS}]?"
)
#: A number with a sign and a currency or percent sign or not: the rest of a column the rewritings above read.
_PLAIN_NUMBER_RE = rf"[+\-{_MINUS}]?[{_CURRENCIES}]?\s*{_NUMBER_CORE}\s*[%{_CURRENCIES}]?"
_BINARY_MAGIC = (b"\x89PNG", b"PK\x03\x04", b"%PDF", b"\xd0\xcf\x11\xe0", b"GIF8", b"\xff\xd8\xff", b"\x1f\x8b")


@dataclass
class DataReport:
    """What :func:`load_csv` detected, assumed and changed while reading one file."""

    source: str  # file name shown to the user
    encoding: str  # "utf-8", "utf-8-sig", "cp1252" or "latin-1"
    delimiter: str  # one of , ; \t |
    decimal: str  # "." or ","
    thousands: str | None  # thousands separator found in the numbers, if any
    date_column: str | None  # column used as the time index
    dayfirst: bool | None  # how d/m/y-style dates were read; None when the format is unambiguous
    frequency: str | None  # pandas offset alias ("MS", "D", "h", ...); None if irregular or no dates
    season: int | None  # season length implied by the frequency (monthly 12, daily 7, ...)
    n_rows: int  # rows in the final frame
    columns: list[str]  # numeric columns kept
    dropped_columns: dict[str, str]  # column -> why it was dropped
    missing: dict[str, int]  # missing cells per kept column, before the missing-value policy
    missing_policy: str  # "interpolate", "ffill" or "drop"
    duplicate_rows: int  # exact duplicate rows removed
    gaps: int  # timestamps missing from the regular grid (not filled in)
    resorted: bool  # rows were put in time order
    notes: list[str] = field(default_factory=list)  # one sentence per thing done or assumed
    #: UTC offset of the times of a file written with one ("+01:00": its local times, kept; "+00:00": converted
    #: to UTC); None where it had none, or offsets that change and were kept as the local times written.
    utc_offset: str | None = None
    #: The strptime format the time column was read with where one was given (``date_format``), else None.
    date_format: str | None = None

    def summary(self, run_season: int | None = None, why: str = "") -> list[str]:
        """Return short human-readable lines describing the load, for display.

        ``run_season``: the season a run takes where it is not the calendar's (hourly demand takes a
        week, 168, where the calendar gives a day, 24); the time column's line names it, ``why`` it
        takes it, and the calendar's, so the list never gives one season and then another."""
        names = ", ".join(self.columns)
        lines = [
            f"{self.source}: {self.n_rows:,} rows, {len(self.columns)} numeric column(s) ({names}).",
            f"Read as {self.encoding}, delimiter {_show_char(self.delimiter)}, decimal {self.decimal!r}"
            + (f", thousands {_show_char(self.thousands)}." if self.thousands else "."),
        ]
        if self.date_column is None:
            lines.append("No time column; rows are numbered as steps.")
        else:
            freq = describe_frequency(self.frequency) if self.frequency else "irregular"
            season = f", season {self.season}" if self.season else ""
            if run_season and run_season != self.season:
                calendar = f"; the calendar's is {self.season}" if self.season else ""
                season = f", season {run_season} ({why}{calendar})" if why else f", season {run_season}"
            lines.append(
                f"Time column {self.date_column!r}: frequency {freq}{season}, {self.gaps:,} timestamp(s) missing from its grid."
            )
        counts = {c: n for c, n in self.missing.items() if n}
        if counts:
            listed = ", ".join(f"{c}: {n:,}" for c, n in counts.items())
            lines.append(f"Missing values ({listed}) handled by {self.missing_policy!r}.")
        for column, reason in self.dropped_columns.items():
            said = f"Dropped column {_excerpt(column)} "  # the loader's note says it already: not twice
            if not any(note.startswith(said) for note in self.notes):
                lines.append(f"Dropped column {_excerpt(column)}: {reason}.")
        return lines + list(self.notes)


@dataclass
class LoadedData:
    """A validated frame (time or step index, finite float64 columns) and its report."""

    frame: pd.DataFrame
    report: DataReport
    #: (n_rows, n_columns) True where the value was filled in (an empty cell, or a timestamp missing
    #: from the grid), same index and columns as ``frame``; None where nothing was
    filled: pd.DataFrame | None = None

    @property
    def series(self) -> Series:
        """The frame with the frequency, season, name, missing-value policy and UTC offset the report
        found, and the positions of the values filled in."""
        r = self.report
        return Series(
            self.frame, r.frequency, r.season, r.source, r.missing_policy, r.utc_offset, filled_positions(self.filled)
        )


# --------------------------------------------------------------------------------------------
# load_csv
# --------------------------------------------------------------------------------------------


def load_csv(
    source: bytes | str | os.PathLike,
    *,
    name: str | None = None,
    date_column: str | None = "auto",
    dayfirst: bool | None = None,
    date_format: str | None = None,
    missing: str = "interpolate",
    max_bytes: int = MAX_BYTES,
    select: Mapping[str, str] | None = None,
) -> LoadedData:
    """Read a CSV file into a validated numeric frame.

    Parameters
    ----------
    source : bytes, str or os.PathLike
        File content (bytes) or a path (str / PathLike).
    name : str, optional
        Name shown in the report; defaults to the file name or "uploaded file".
    date_column : str or None, default "auto"
        Column to use as the time index; "auto" finds one if there is one, None uses none.
    dayfirst : bool, optional
        Read d/m/y-style dates day first (True) or month first (False); None decides from
        the data and notes any ambiguity.
    date_format : str, optional
        Explicit ``strptime`` format for the date column, e.g. "%d.%m.%Y".
    missing : {"interpolate", "ffill", "drop"}, default "interpolate"
        Missing-value policy: linear interpolation (ends filled from the nearest value),
        forward fill (head back-filled), or drop the rows.
    max_bytes : int, default MAX_BYTES
        Largest accepted file size in bytes.
    select : mapping of str to str, optional
        Keep only the rows whose cell in each named column is the given value (one series of a
        file that holds several one under another; see :mod:`lstm_core.data.keys`).

    Returns
    -------
    LoadedData
        ``frame`` of shape (n_rows, n_columns), index a DatetimeIndex named after the date
        column or a RangeIndex named "step"; ``report`` says what was detected and done.

    Raises
    ------
    DataError
        For any content that cannot be used, with one sentence saying what to do; a
        :class:`~lstm_core.data.keys.SeveralSeriesError` (with the key columns and their values)
        for a file that holds several series.
    """
    if missing not in MISSING_POLICIES:
        raise DataError(f"Unknown missing-value policy {missing!r}; choose one of {', '.join(MISSING_POLICIES)}.")
    raw, label = _read_source(source, name, max_bytes)
    try:
        return _load(raw, label, date_column, dayfirst, date_format, missing, select)
    except DataError:
        raise
    except (ValueError, TypeError, OverflowError, LookupError, csv.Error, pd.errors.ParserError) as exc:
        raise DataError(
            f"The file could not be read as a CSV table ({str(exc)[:200]}); check that it is plain text with one "
            "header row and one row per time step."
        ) from exc


def _load(
    raw: bytes,
    label: str,
    date_column: str | None,
    dayfirst: bool | None,
    date_format: str | None,
    policy: str,
    select: Mapping[str, str] | None = None,
) -> LoadedData:
    """Run the whole pipeline on the raw bytes of one file."""
    text, encoding = _decode(raw)
    _reject_non_csv(text)
    notes: list[str] = []
    if encoding in ("cp1252", "latin-1"):
        notes.append(f"The file is not valid UTF-8, so it was read as {encoding}.")
    text, declared, offset = _strip_preamble(text, notes)
    if declared is None:
        text, offset = _strip_titles(text, offset, notes)
    delimiter = declared or _sniff_delimiter(text)
    cells, lines = _read_cells(text, delimiter, notes, offset)
    if select:
        cells, lines = select_rows(cells, lines, select, notes)
    as_written = cells  # the cells before accounting negatives and symbols were rewritten: notes quote these
    cells, problems = _strip_symbols(cells, notes)
    cells = _zone_names(cells, notes)
    # say nothing about the decimal mark: years, and months written with a dot (01.1992)
    years = [c for c in cells.columns if _year_cells(c, cells[c]) or _dotted_months(cells[c])]
    decimal, decided = _detect_decimal(cells.drop(columns=years) if len(years) < cells.shape[1] else cells, delimiter)
    numbers, thousands = _parse_numbers(cells, decimal)
    numbers = _whole_years(cells, numbers)

    date_name = _choose_date_column(cells, numbers, date_column, date_format)
    if date_name is None and date_format is not None:
        raise _unmatched_format_error(cells, numbers, date_format)
    dates, used_dayfirst, utc_offset = (None, None, None)
    time_columns: list[str] = [] if date_name is None else [date_name]
    composed = year_and_period(cells, numbers) if date_column == "auto" and date_format is None else None
    if composed is not None and date_name in (None, composed[1][0]):
        # a year column that repeats, with a month or quarter column beside it
        reading, time_columns = composed
        date_name = " + ".join(time_columns)
        dates = reading.dates
        notes.append(f"Dates were made from {reading.how}.")
    elif (
        date_name is not None and (clock := _clock_column(cells[date_name], date_name, date_format, notes)) is not None
    ):
        dates = clock  # times of day without dates
    elif date_name is not None and date_format is None and (months := month_names(cells[date_name])) is not None:
        dates = _month_column(cells, date_name, months, notes, _numeric_columns(cells, numbers))  # no years
        if dates is None:  # months that label something else: the column is text like any other
            date_name, time_columns = None, []
    elif date_name is not None:
        dates, used_dayfirst, utc_offset = _parse_date_column(
            cells[date_name], numbers[date_name], date_name, dayfirst, date_format, notes
        )
        footer = dates.isna() & cells[date_name].notna()  # the rows _parse_date_column read as a footer
        if footer.any():
            cells, numbers, lines, dates = (x[~footer].reset_index(drop=True) for x in (cells, numbers, lines, dates))
        timed = date_and_time(cells, dates, time_columns)
        if timed is not None:  # dates that repeat, with the time of day in a column of its own
            dates, clock = timed
            time_columns.append(clock)
            date_name = f"{date_name} + {clock}"
            notes.append(
                f"Dates were combined with the times of day in column {_excerpt(clock)} "
                f"(e.g. {_show_time(dates.dropna().iloc[0])})."
            )
    if dates is not None:
        time_columns += _decimal_time_columns(cells, numbers, time_columns, notes)
        stamps = dates.dropna()
        if stamps.duplicated().any():  # one series per value of some key columns?
            timeish = [c for c in cells.columns if _DATE_NAME_RE.search(str(c).lower())]  # parts of a time, not keys
            keys = find_keys(
                cells.loc[stamps.index], stamps, [*time_columns, *timeish], _numeric_columns(cells, numbers)
            )
            if keys:
                raise several_series_error(cells.loc[stamps.index], keys)

    others = [c for c in cells.columns if c not in time_columns and c not in (select or {})]
    kept, dropped = _classify_columns(cells[others], numbers[others], notes, problems)
    step_column = _row_counter(kept, numbers, date_name)
    first_step = 0  # the undated rows' first number: the counter's own where the file numbers its rows
    if step_column is not None:
        kept.remove(step_column)
        if date_name is None:
            first_step = int(numbers[step_column].iloc[0])
        notes.append(
            f"Column {_excerpt(step_column)} numbers the rows, so it was "
            + ("left out: the dates index them." if date_name is not None else "used as the row index.")
        )
    if not kept:
        raise _no_numeric_error(cells, numbers, dropped, problems)
    _check_finite(cells[kept], numbers[kept], lines)
    ambiguous = None if decided else _ambiguous_numbers_note(cells[kept], numbers[kept], decimal, as_written[kept])
    if ambiguous is not None:
        notes.append(ambiguous)

    frame = numbers[kept].astype("float64")
    frame, duplicates, resorted, frequency, gaps = _index_frame(
        frame, dates, date_name, notes, policy, lines, first_step
    )
    missing = frame.isna()
    counts = {c: int(n) for c, n in missing.sum().items()}
    frame = _apply_missing(frame, policy, notes, season_for(frequency))
    filled = missing.loc[frame.index] if policy != "drop" and bool(missing.to_numpy().any()) else None
    _check_shape(frame, notes)

    report = DataReport(
        source=label,
        encoding=encoding,
        delimiter=delimiter,
        decimal=decimal,
        thousands=thousands,
        date_column=date_name,
        dayfirst=used_dayfirst,
        frequency=frequency,
        season=season_for(frequency),
        n_rows=len(frame),
        columns=list(frame.columns),
        dropped_columns=dropped,
        missing=counts,
        missing_policy=policy,
        duplicate_rows=duplicates,
        gaps=gaps,
        resorted=resorted,
        notes=notes,
        utc_offset=utc_offset,
        date_format=date_format,
    )
    return LoadedData(frame=frame, report=report, filled=filled)


# ---- bytes -> text ---------------------------------------------------------------------------


def _read_source(source: bytes | str | os.PathLike, name: str | None, max_bytes: int) -> tuple[bytes, str]:
    """Return the file's bytes and display name, checking the size before reading."""
    if isinstance(source, (bytes, bytearray, memoryview)):
        _check_size(memoryview(source).nbytes, max_bytes)
        return bytes(source), name or "uploaded file"
    if not isinstance(source, (str, os.PathLike)):
        raise TypeError(f"source must be bytes or a path, not {type(source).__name__}")
    path = Path(source)
    try:
        _check_size(path.stat().st_size, max_bytes)
        with path.open("rb") as f:  # a device or a pipe has no size: read one byte past the limit at most
            raw = f.read(max_bytes + 1)
        if len(raw) > max_bytes:
            raise DataError(
                f"{path.name} holds more than the {_megabytes(max_bytes)} limit; "
                "upload a smaller file or a shorter extract."
            )
        return raw, name or path.name
    except FileNotFoundError:
        raise DataError(f"File {str(path)!r} was not found; check the path.") from None
    except IsADirectoryError:
        raise DataError(f"{str(path)!r} is a folder, not a file; choose a CSV file.") from None
    except OSError as exc:
        raise DataError(f"File {str(path)!r} could not be read ({exc.strerror}); check its permissions.") from None


def _check_size(size: int, max_bytes: int) -> None:
    """Reject files over the size limit."""
    if size > max_bytes:
        shown, limit = _megabytes(size), _megabytes(max_bytes)
        exact = f" ({size:,} bytes > {max_bytes:,})" if shown == limit else ""  # "50.0 MB, over the 50.0 MB"
        raise DataError(
            f"The file is {shown}, over the {limit} limit{exact}; upload a smaller file or a shorter extract."
        )


def _megabytes(n: int) -> str:
    """Format a byte count for messages."""
    return f"{n / 1024 / 1024:.1f} MB" if n >= 100 * 1024 else f"{n} bytes"


def _decode(raw: bytes) -> tuple[str, str]:
    """Decode bytes as UTF-8 (with or without BOM), else Windows-1252, else Latin-1."""
    if not raw.strip():
        raise _empty_error()
    if raw.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)) or _looks_utf32(raw):
        raise _utf32_error()
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise _utf16_error()
    if raw.startswith(b"\x1f\x8b"):
        raise DataError(
            "The file is compressed with gzip (a .gz file); decompress it first (gunzip, or a file manager's "
            "Extract) and load the CSV inside."
        )
    if raw.startswith(b"PK\x03\x04") and b"xl/" not in raw[:65536]:
        raise DataError("The file is a zip archive; unzip it first and load the CSV inside.")
    if raw.startswith(_BINARY_MAGIC):
        raise _binary_error()
    if b"\x00" in raw:
        raise _utf16_error() if _looks_utf16(raw) else _binary_error()
    if raw.startswith(codecs.BOM_UTF8):
        raw, encodings = raw[len(codecs.BOM_UTF8) :], ("utf-8-sig", "cp1252", "latin-1")
    else:
        encodings = ("utf-8", "cp1252", "latin-1")
    text = ""  # latin-1, the last encoding, decodes any bytes
    for encoding in encodings:
        try:
            text = raw.decode("utf-8" if encoding == "utf-8-sig" else encoding)
            break
        except UnicodeDecodeError:
            continue
    if _control_share(text) > 0.01:
        raise _binary_error()
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise _empty_error()
    return text, encoding


def _looks_utf16(raw: bytes) -> bool:
    """Whether NUL bytes fill every other position, as in BOM-less UTF-16 text."""
    sample = raw[:4096]
    half = len(sample) // 2
    return half >= 2 and max(sample[0::2].count(0), sample[1::2].count(0)) >= 0.4 * half


def _looks_utf32(raw: bytes) -> bool:
    """Whether three NUL bytes in every four-byte unit mark BOM-less UTF-32 text."""
    sample = raw[: 4096 - 4096 % 4]
    quarter = len(sample) // 4
    if quarter < 2:
        return False
    columns = [sample[i::4].count(0) for i in range(4)]
    return min(columns[1:]) >= 0.9 * quarter or min(columns[:3]) >= 0.9 * quarter


def _control_share(text: str) -> float:
    """Share of control characters other than tab, newlines and form feed in a sample."""
    sample = text[:8192]
    bad = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\n\r\f\v")
    return bad / max(len(sample), 1)


def _empty_error() -> DataError:
    return DataError(
        "The file is empty; use a CSV with a header row and one row of numbers per time step "
        "(a few dozen rows or more for a forecast worth having)."
    )


def _utf16_error() -> DataError:
    return DataError("The file is encoded as UTF-16; re-save it as UTF-8 CSV (in Excel: 'CSV UTF-8').")


def _utf32_error() -> DataError:
    return DataError("The file is encoded as UTF-32; re-save it as UTF-8 CSV (in Excel: 'CSV UTF-8').")


def _binary_error() -> DataError:
    return DataError("The file looks like a binary file (e.g. Excel, an image or a zip); export it as CSV first.")


def _reject_non_csv(text: str) -> None:
    """Raise for HTML pages and JSON documents, which are common wrong downloads."""
    head = text.lstrip()[:200].lower()
    if head.startswith(("<!doctype", "<html", "<?xml", "<head", "<body")):
        raise DataError("The file is a web page (HTML), not a CSV; download the raw CSV file instead.")
    if head.startswith(("{", "[")):
        try:
            json.loads(text)
        except (ValueError, RecursionError):
            first = text.lstrip().split("\n", 1)[0]
            try:  # JSON Lines: one JSON object per line (a log or a database export)
                json.loads(first)
            except (ValueError, RecursionError):
                return
            if first.startswith("{"):
                raise DataError(
                    "The file is JSON Lines (one JSON object per line), not CSV; convert it to a table with one row "
                    "per time step and save as CSV."
                ) from None
            return
        raise DataError("The file is JSON, not CSV; convert it to a table with one row per time step and save as CSV.")


# ---- text -> cells ---------------------------------------------------------------------------


def _strip_preamble(text: str, notes: list[str]) -> tuple[str, str | None, int]:
    """Drop what precedes the header and blank out comment lines, keeping line numbers.

    Leading blank lines, Excel's ``sep=;`` line (whose delimiter is returned) and ``#`` comment
    lines before the header are removed; ``#`` comment lines after it become blank lines, which
    are skipped later. Returns the text, the declared delimiter (or None) and the number of
    lines removed from the top.
    """
    starts_plain = not re.match(r"[ \t]*(?:\n|#|\"?sep=)", text, re.IGNORECASE)
    if starts_plain and not re.search(r"(?m)^[ \t]*#", text):
        return text, None, 0  # the common case: nothing to do, no split of a large file
    lines = text.split("\n")
    start = 0
    while start < len(lines) and not lines[start].strip():
        start += 1
    declared: str | None = None
    directive = _SEP_DIRECTIVE_RE.fullmatch(lines[start]) if start < len(lines) else None
    if directive is not None and directive.group(1) not in '"\n':
        declared = directive.group(1)
        notes.append(
            f"The first line {_excerpt(lines[start].strip())} (written by Excel) declares the delimiter, "
            "so that delimiter was used and the line was skipped."
        )
        start += 1
    comments = 0
    header = start
    while header < len(lines) and (not lines[header].strip() or _is_comment(lines[header])):
        comments += _is_comment(lines[header])
        header += 1
    if comments and header < len(lines):
        last = max(i for i in range(start, header) if _is_comment(lines[i]))
        fields = next(csv.reader([lines[header]], delimiter=declared or _sniff_delimiter("\n".join(lines[last:]))), [])
        if fields and _header_is_data([f.strip() for f in fields]):  # "#date,value" above the data is the header
            header, comments = last, comments - 1
    if comments and header >= len(lines):
        raise DataError("The file holds only comment lines starting with '#'; add a header row and rows of numbers.")
    start = header
    for i in range(start + 1, len(lines)):
        if _is_comment(lines[i]):
            lines[i] = ""
            comments += 1
    if comments:
        notes.append(f"{comments} comment line(s) starting with '#' were skipped.")
    return "\n".join(lines[start:]), declared, start


#: Most title lines above a table's header that are skipped (see :func:`_strip_titles`).
_TITLE_LINES = 10


def _strip_titles(text: str, offset: int, notes: list[str]) -> tuple[str, int]:
    """Drop title lines above the header, as spreadsheets export them (``Monthly sales report``,
    ``Generated 2020-01-05``): up to :data:`_TITLE_LINES` lines, each with fewer fields than the
    table, above a header row of names whose width nine in ten of the next rows share. Nothing is
    dropped when, with some delimiter, the first line is already such a header. Returns the text
    and the new count of lines removed from the top."""
    head = text.split("\n", _TITLE_LINES + 60)[: _TITLE_LINES + 60]
    if len(head) < 2:
        return text, offset
    found = None
    for delimiter in _title_delimiters(head):
        split = [next(csv.reader([line], delimiter=delimiter), []) if line.strip() else [] for line in head]
        widths = [len(f) for f in split]
        # up to the last non-empty field: a spreadsheet pads a title row with delimiters ("Report;;")
        used = [max((i + 1 for i, f in enumerate(fields) if f.strip()), default=0) for fields in split]
        for j in range(0, min(_TITLE_LINES, len(head) - 1) + 1):
            width = widths[j]
            # a header padded as its rows are ("Month;Sales;;" over "01.01.2020;100,0;;": Excel's empty
            # columns) is a header; a title padded past what its rows use ("Report;;") is not
            padded = used[j] >= 2 and used[j] >= max(used[j + 1 :], default=0)
            if width < 2 or (used[j] != width and not padded) or any(u >= width for u in used[:j]):
                continue
            rows = [w for w in widths[j + 1 :] if w]
            if len(rows) < _MIN_ROWS or sum(w == width for w in rows) < 0.9 * len(rows):
                continue
            below = _header_below_blank(split, j)
            if below is not None:  # "Sales report, Company X", a blank line, then the header
                found = below
                break
            if j == 0:
                return text, offset  # the first line is a header (or a row of data) of this delimiter
            if found is None and not _header_is_data([f.strip() for f in split[j]]):
                found = j
            break
    if found is None:
        return text, offset
    titles = [line.strip() for line in head[:found] if line.strip()]
    shown = ", ".join(_excerpt(t) for t in titles[:2]) + (" ..." if len(titles) > 2 else "")
    notes.append(f"{len(titles)} title line(s) above the header ({shown}) were skipped.")
    return "\n".join(text.split("\n")[found:]), offset + found


def _title_delimiters(head: list[str]) -> tuple[str, ...]:
    """The delimiters :func:`_strip_titles` tries, in order: the comma last where nine in ten of the lines
    that hold one hold it only between digits (``2010-01-01;100,50``: decimal marks). Tried first, the
    comma split each such row in two alike, and a semicolon file's header was skipped as a title."""
    with_commas = [line for line in head if "," in line]
    between_digits = [line for line in with_commas if re.search(r"(?<!\d),|,(?!\d)", line) is None]
    if len(between_digits) < _MIN_ROWS or len(between_digits) < 0.9 * len(with_commas):
        return _DELIMITERS
    return tuple(d for d in _DELIMITERS if d != ",") + (",",)


def _header_below_blank(split: list[list[str]], j: int) -> int | None:
    """The line of the header where line ``j`` is a title that happens to hold the delimiter (``Sales
    report, Company X``): a blank line follows it, then a line as wide as ``j`` without a number in it,
    within :data:`_TITLE_LINES` lines of the top. None where line ``j`` is not followed that way."""
    if j + 1 >= len(split) or split[j + 1]:
        return None
    k = next((i for i in range(j + 2, len(split)) if split[i]), None)
    if k is None or k > _TITLE_LINES or len(split[k]) != len(split[j]):
        return None
    if any(re.fullmatch(r"[+-]?[\d.,]+", f.strip()) for f in split[k]) or _header_is_data(
        [f.strip() for f in split[k]]
    ):
        return None  # a row of data below the blank line ("Jan,5"): line j is the header
    return k


def _is_comment(line: str) -> bool:
    """Whether a line is a ``#`` comment (an Excel error value such as #N/A starts a data row instead)."""
    stripped = line.lstrip()
    return stripped.startswith("#") and _EXCEL_ERROR_RE.match(stripped) is None


def _sniff_delimiter(text: str) -> str:
    """Pick the delimiter among , ; tab | that splits a sample of rows into consistent fields."""
    sample = text[:_SNIFF_CHARS]
    if len(text) > _SNIFF_CHARS and "\n" in sample:
        sample = sample[: sample.rindex("\n")]
    best: str | None = None
    best_key: tuple[bool, float, int, bool, int] | None = None
    header_width = 0
    # every comma between digits (112,5): with semicolons as consistent as commas, they are decimal
    # marks and the semicolons the delimiter (a file without a header: 1949-01-01;112,5)
    decimal_commas = "," in sample and re.search(r"(?<!\d),|,(?!\d)", sample) is None
    for order, delimiter in enumerate(_DELIMITERS):
        rows = [r for r in _csv_rows(sample, delimiter) if any(f.strip() for f in r)]
        if not rows:
            continue
        widths = [len(r) for r in rows]
        mode = max(set(widths), key=lambda w: (widths.count(w), w))
        if mode < 2:
            continue
        key = (widths[0] == mode, widths.count(mode) / len(widths), mode, delimiter == ";" and decimal_commas, -order)
        if best_key is None or key > best_key:
            best, best_key, header_width = delimiter, key, widths[0]
    if best is None or best_key is None or (best == "," and header_width == 1 and not best_key[0]):
        return _absent_delimiter(text)  # one column (a lone header cannot hold a decimal comma)
    return best


def _csv_rows(sample: str, delimiter: str) -> list[list[str]]:
    """Split a text sample into rows with the csv module."""
    reader = csv.reader(io.StringIO(sample), delimiter=delimiter, skipinitialspace=True, strict=False)
    rows = []
    for row in reader:
        rows.append(row)
        if len(rows) >= _SNIFF_ROWS:
            break
    return rows


def _absent_delimiter(text: str) -> str:
    """Return a delimiter that does not occur in a one-column file (so nothing is split)."""
    sample = text[: 4 * _SNIFF_CHARS]
    return next((d for d in (",", ";", "|", "\t") if d not in sample), ",")


def _read_cells(text: str, delimiter: str, notes: list[str], offset: int = 0) -> tuple[pd.DataFrame, pd.Series]:
    """Read all cells as stripped strings (missing tokens as NaN) with unique column names.

    Returns the cells (one row per non-blank data row) and the file line number of each row
    (``offset`` lines were removed from the top of the file before ``text``).
    """
    first = next((line for line in text.split("\n", 50)[:50] if line.strip()), "")
    width = len(next(csv.reader([first], delimiter=delimiter), []))
    if width > _MAX_COLUMNS:  # a one-line blob or a transposed table; per-column work would not end
        raise DataError(
            f"The first row has {width:,} fields (delimiter {_show_char(delimiter)}), more than the {_MAX_COLUMNS:,} "
            "columns supported; put one time step per row and keep only the columns you need."
        )
    try:
        table = pd.read_csv(
            io.StringIO(text),
            sep=delimiter,
            header=None,
            dtype=str,
            na_filter=False,
            keep_default_na=False,
            skip_blank_lines=False,
            skipinitialspace=True,
            engine="c",
        )
    except pd.errors.ParserError as exc:
        raise _parser_error(str(exc), delimiter, offset, text) from None
    except pd.errors.EmptyDataError:
        raise _empty_error() from None
    table = table.apply(lambda col: col.str.strip())
    header = [str(v) for v in table.iloc[0]]
    body = table.iloc[1:]
    if _header_is_data(header):
        notes.append("The first row holds numbers, not column names, so it was read as data.")
        header = ["value"] if len(header) == 1 else [f"column {i + 1}" for i in range(len(header))]
        body = table
    cleaned = [_visible_name(h) for h in header]
    changed = [h for h, c in zip(header, cleaned) if h != c]
    if changed:
        first = changed[0]
        more = f" and {len(changed) - 1} more" if len(changed) > 1 else ""
        # only runs of spaces made one: said as such ("  spaced  name " read "held invisible ... characters")
        spaces_only = " ".join(first.split()) == _visible_name(first) and unicodedata.normalize("NFKC", first) == first
        notes.append(  # the name once: a page draws runs of spaces as one, and two quotes read alike
            f"Column name {_excerpt(cleaned[header.index(first)])} had several spaces in a row in the file; "
            "they were made one."
            if spaces_only and not more
            else f"Column name {_excerpt(cleaned[header.index(first)])}{more}"
            + " held invisible or direction-changing characters (zero-width, right-to-left marks, "
            "non-breaking spaces) or runs of spaces; they were removed."
        )
    header = [h or f"column {i + 1}" for i, h in enumerate(cleaned)]
    counts = Counter(header)
    repeated = sorted(h for h, k in counts.items() if k > 1)
    if repeated:
        raise DataError(
            f"Column name {_excerpt(repeated[0])} appears more than once"
            + (" (counting names that differ only in invisible characters)" if changed else "")
            + "; give every column a unique name."
        )
    body = body.set_axis(header, axis=1)
    if body is not table and any(cleaned):  # a header line repeated between the rows (two exports joined into one file)
        again = _header_rows(body, cleaned)
        if again.any():
            at = [str(i + 1 + offset) for i in body.index[again.to_numpy()]]
            shown = at[:3] + ([f"{len(at) - 3} more"] if len(at) > 3 else [])
            which = f"Line {at[0]} repeats" if len(at) == 1 else f"Lines {', '.join(shown[:-1])} and {shown[-1]} repeat"
            notes.append(
                f"{which} the header (files joined one after another?), so "
                f"{'it was' if len(at) == 1 else 'they were'} left out."
            )
            body = body[~again.to_numpy()]
    body = body.mask(body.apply(lambda col: col.str.lower().isin(_MISSING_TOKENS)))
    body = body.dropna(how="all")
    if body.empty:
        raise DataError("The file has a header row but no data rows; add rows of numbers below the header.")
    units = _units_row(body)
    if units is not None:
        notes.append(
            f"Line {body.index[0] + 1 + offset} ({units}) holds words, not numbers, under columns of numbers "
            "(a second header row of units?), so it was left out."
        )
        body = body.iloc[1:]
    lines = pd.Series(body.index + 1 + offset, index=body.index)
    return body.reset_index(drop=True), lines.reset_index(drop=True)


def _header_rows(body: pd.DataFrame, names: list[str]) -> pd.Series:
    """Rows of ``body`` (bool, by row) that repeat the header ``names`` (as :func:`_visible_name` reads
    them, whatever the case). Only rows whose first cell holds a letter where the first name does are
    read name by name: a 500,000-row file spent 10 s reading every cell as a name."""
    first = body.iloc[:, 0]
    maybe = pd.Series(True, index=body.index)
    if re.search(r"[^\W\d_]", names[0]):
        maybe = first.str.contains(r"[^\W\d_]", regex=True, na=False)
    again = pd.Series(False, index=body.index)
    if maybe.any():
        rows = body[maybe.to_numpy()]
        again[maybe.to_numpy()] = (
            rows.apply(lambda col: col.map(_visible_name, na_action="ignore").str.lower())
            .eq([c.lower() for c in names])
            .all(axis=1)
        )
    return again


#: A digit that starts a number or a date (not one inside a unit's name: ``m3``, ``CO2``).
_LEADING_DIGIT_RE = re.compile(r"(?:^|[^A-Za-z0-9])[0-9]")
_MONTH_WORD_RE = re.compile(r"(?i)(?:jan|feb|m[aä]r|apr|ma[iy]|jun|jul|aug|sep|o[ck]t|nov|de[cz])[a-zä]*\.?")


def _units_row(body: pd.DataFrame) -> str | None:
    """The cells of the first row under the header, shown, where it is a second header row (units:
    ``kWh``, ``(EUR)``, ``[°C]``; formats: ``yyyy-mm-dd``) above rows of numbers: none of its cells holds a
    number or a date, and one of them stands over a column whose next rows all hold digits. None otherwise."""
    if len(body) < _MIN_ROWS:
        return None
    first = body.iloc[0]
    present = first.dropna()
    if present.empty or any(_LEADING_DIGIT_RE.search(str(c)) or _MONTH_WORD_RE.fullmatch(str(c)) for c in present):
        return None  # a number, a date or a month name ("Jan,kWh"): the first row of the data
    below = body.iloc[1:21]
    for column in present.index:
        cells = below[column].dropna().astype(str)
        if len(cells) >= min(_MIN_ROWS, len(below)) and cells.str.contains(r"[0-9]", regex=True).all():
            return ", ".join(_excerpt(cell) for cell in present.iloc[:3]) + (" ..." if len(present) > 3 else "")
    return None


def _visible_name(name: str) -> str:
    """``name`` as a reader sees it: NFKC-normalised (a non-breaking space is a space), without
    format characters (zero-width spaces and joiners, right-to-left and other direction marks,
    a byte-order mark), runs of spaces made one. Two columns that differ only in those look the
    same on every page, so they are the same name."""
    text = unicodedata.normalize("NFKC", name)
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf")
    return " ".join(text.split())


def _parser_error(message: str, delimiter: str, offset: int = 0, text: str = "") -> DataError:
    """Turn a pandas tokenizer error into a DataError naming the bad line (and, where that line of
    ``text`` writes a number with a comma between its thousands, ``1,234.50``, saying so)."""
    found = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", message)
    if found:
        expected, line, saw = found.groups()
        bad = text.split("\n", int(line))[int(line) - 1] if 0 < int(line) <= text.count("\n") + 1 else ""
        grouped = re.search(r"(?<![\d.])\d{1,3}(?:,\d{3})+(?:\.\d+)?(?![\d,])", bad) if delimiter == "," else None
        if grouped is not None:
            return DataError(
                f"Line {int(line) + offset} has {saw} fields but the header has {expected}: numbers such as "
                f"{_excerpt(grouped.group())} are written with a comma between their thousands, the file's "
                "delimiter; put each number in quotes, or save the file without thousands separators."
            )
        return DataError(
            f"Line {int(line) + offset} has {saw} fields but the header has {expected} (delimiter {_show_char(delimiter)}); "
            "remove the extra separators or add the missing column names."
        )
    return DataError(f"The file could not be split into columns ({message.strip()}); check for unbalanced quotes.")


def _header_is_data(header: list[str]) -> bool:
    """Whether the first row looks like numbers (or a date then numbers) rather than names."""
    first, rest = header[0], header[1:]
    numeric = [bool(re.fullmatch(r"[+-]?[\d.,]+", h)) and any(ch.isdigit() for ch in h) for h in header]
    return all(numeric) or (bool(rest) and bool(_HEADER_DATE_RE.fullmatch(first)) and all(numeric[1:]))


# ---- numbers ---------------------------------------------------------------------------------


def _strip_symbols(cells: pd.DataFrame, notes: list[str]) -> tuple[pd.DataFrame, dict[str, str]]:
    """Read the ways exports write numbers that are not plain ones, each with a note: apostrophes
    grouping thousands (``10'000.50``, Swiss), a trailing minus (``100.0-``, SAP and other ERP
    systems), negatives in parentheses (``(120)``, accounts), a trailing % and a single currency
    symbol ($ € £ ¥).

    Apostrophes, trailing minus signs and parentheses are read only where nine in ten of a column's
    cells are numbers written one of these ways, a percent sign or a currency only where half of
    its cells carry it. A cell that is still not a number after all that (``$(300.5)`` in a column
    of plain numbers) is left as written, so that notes and errors show it as the user wrote it.
    Returns the cells and, per column left unchanged for a reason, that reason (one currency per column).
    """
    cells = cells.copy()
    problems: dict[str, str] = {}
    for column in cells.columns:
        given = cells[column].dropna().astype("str")
        flags = _true_false(given)
        if flags is not None:  # a holiday or promotion flag, the classic extra input: it was dropped as text
            cells[column] = flags.reindex(cells.index)
            notes.append(f"Column {_excerpt(column)} holds true/false values: read as 1 and 0.")
            continue
        present, rewritten = _accounting_numbers(given)
        at = len(notes)  # the notes on rewritten cells come first, as the cells were rewritten first
        # decided on a sample, like the decimal mark: most columns cost one short scan
        if present.head(_SNIFF_ROWS).str.contains(f"[%{_CURRENCIES}]", regex=True).any():
            present, problem = _strip_percent_and_currency(column, given, present, notes)
            if problem is not None:
                problems[column] = problem
        if rewritten:  # a symbol left in a rewritten cell: not a number, shown as written
            stuck = present.str.contains(f"[%{_CURRENCIES}]", regex=True).fillna(False).astype(bool)
            present = present.where(~stuck, given)
            rewritten = {how: mask & ~stuck for how, mask in rewritten.items()}
        first: list[str] = []
        _note_rewritten(column, given, rewritten, first)
        notes[at:at] = first
        if rewritten or present is not given:
            cells[column] = present.reindex(cells.index)
    return cells, problems


def _true_false(given: pd.Series) -> pd.Series | None:
    """``given`` (strings) with TRUE/FALSE (any case) written as 1/0, where every cell that is not empty
    is one of them (two at least); else None."""
    words = given.str.strip().str.lower()
    written = words != ""
    if int(written.sum()) < 2 or not words[written].isin(("true", "false")).all():
        return None
    return given.where(~written, words.map({"true": "1", "false": "0"}))


def _strip_percent_and_currency(
    column: object, given: pd.Series, present: pd.Series, notes: list[str]
) -> tuple[pd.Series, str | None]:
    """``present`` without a trailing % and a single currency symbol where half of its cells carry
    it, with a note, and None; or, where the cells mix currencies, with the currencies and the reason."""
    percent = present.str.fullmatch(_PERCENT_RE).fillna(False).astype(bool)
    if percent.mean() >= 0.5:
        example = given[percent].iloc[0]
        present = present.where(~percent, present.str.replace(r"\s*%$", "", regex=True))
        notes.append(
            f"Column {_excerpt(column)}: percent signs were removed from {int(percent.sum())} cell(s) "
            f"(e.g. {_excerpt(example)}), so its values are percentages, not fractions."
        )
    money = present.str.fullmatch(_CURRENCY_RE).fillna(False).astype(bool)
    if money.mean() < 0.5:
        return present, None
    symbols = sorted(set("".join(present[money].str.replace(rf"[^{_CURRENCIES}]", "", regex=True))))
    example = given[money].iloc[0]
    if len(symbols) > 1:
        other = given[money & ~present.str.contains(re.escape(symbols[0]), regex=True)].iloc[0]
        return present, (
            f"mixes currency symbols ({' and '.join(symbols)}, e.g. {_excerpt(example)} and {_excerpt(other)}); "
            "convert the values to one currency or put each currency in its own column"
        )
    notes.append(
        f"Column {_excerpt(column)}: the currency symbol {symbols[0]} was removed from {int(money.sum())} "
        f"cell(s) (e.g. {_excerpt(example)})."
    )
    return present.where(~money, present.str.replace(rf"\s*[{_CURRENCIES}]\s*", "", regex=True)), None


def _without_apostrophes(cell: str) -> str:
    """``10'000.50`` as ``10000.50``."""
    return cell.replace("'", "").replace("’", "")


def _minus_in_front(cell: str) -> str:
    """``100.0-`` as ``-100.0``."""
    return "-" + cell[:-1].rstrip()


def _minus_for_parentheses(cell: str) -> str:
    """``(120)`` as ``-120``, ``$(1,200)`` as ``-$1,200``."""
    return "-" + cell.replace("(", "", 1).replace(")", "", 1).strip()


#: How each rewriting of :func:`_accounting_numbers` is told, by its key.
_REWRITTEN_NOTES = {
    "apostrophes": "{n} number(s) with apostrophes grouping the thousands (e.g. {example}) were read without them",
    "trailing": "{n} number(s) with a trailing minus (e.g. {example}) were read as negative, as ERP systems write them",
    "parens": "{n} number(s) in parentheses (e.g. {example}) were read as negative, as accounts write them",
}


def _note_rewritten(column: object, given: pd.Series, rewritten: dict[str, pd.Series], notes: list[str]) -> None:
    """One note per way :func:`_accounting_numbers` rewrote cells of ``column``, with an example as written."""
    for how, mask in rewritten.items():
        if mask.any():
            text = _REWRITTEN_NOTES[how].format(n=int(mask.sum()), example=_excerpt(given[mask].iloc[0]))
            notes.append(f"Column {_excerpt(column)}: {text}.")


def _accounting_numbers(given: pd.Series) -> tuple[pd.Series, dict[str, pd.Series]]:
    """The cells of a column with apostrophes grouping thousands removed (``10'000.50``), and each
    trailing minus (``100.0-``) and each pair of parentheses (``(120)``) written as a leading minus,
    where nine in ten of its cells are numbers (written these ways or not, with a currency or percent
    sign or not); else as given. Also returns, per way used, the cells it rewrote."""
    stripped = given.str.strip()
    rewritings = (  # each tried only where one cheap scan finds its mark: dates hold dashes, but not at the end
        ("apostrophes", _APOSTROPHES_RE, lambda cells: cells.str.contains("['’]", regex=True), _without_apostrophes),
        ("trailing", _TRAILING_MINUS_RE, lambda cells: cells.str.endswith(("-", _MINUS)), _minus_in_front),
        ("parens", _PARENS_RE, lambda cells: cells.str.contains("(", regex=False), _minus_for_parentheses),
    )
    present, masks = stripped, {}
    for how, pattern, scan, rewrite in rewritings:
        if not scan(present).fillna(False).astype(bool).any():
            continue
        mask = present.str.fullmatch(pattern.pattern).fillna(False).astype(bool)
        if mask.any():
            present = present.where(~mask, present[mask].map(rewrite))
            masks[how] = mask
    if not masks:
        return given, {}
    if present.str.fullmatch(_PLAIN_NUMBER_RE).fillna(False).astype(bool).mean() < _NUMERIC_SHARE:
        return given, {}  # a column of text that holds apostrophes, dashes or parentheses
    return given.where(present == stripped, present), masks


def _detect_decimal(cells: pd.DataFrame, delimiter: str) -> tuple[str, bool]:
    """Decide the decimal mark from unambiguous numbers in a sample of cells.

    Returns the mark and whether an unambiguous number decided it (else it is a default).
    """
    sample = pd.concat([cells[c].dropna().head(500) for c in cells.columns], ignore_index=True)
    sample = sample.astype("str")
    comma = sample.str.fullmatch(_COMMA_DECIMAL_RE) & ~sample.str.fullmatch(_COMMA_GROUPS_RE)
    dot = sample.str.fullmatch(_DOT_DECIMAL_RE) & ~sample.str.fullmatch(_DOT_GROUPS_RE)
    n_comma, n_dot = int(comma.sum()), int(dot.sum())
    if n_comma or n_dot:
        return ("," if n_comma > n_dot else "."), True
    has_comma_number = bool(sample.str.contains(r"\d,\d").any())
    return ("," if delimiter != "," and has_comma_number else "."), False


def _ambiguous_numbers_note(
    cells: pd.DataFrame, numbers: pd.DataFrame, decimal: str, written: pd.DataFrame | None = None
) -> str | None:
    """A note for numbers such as 1.234 or 1,234 that read either as decimals or as thousands,
    quoting the cell as ``written`` (default ``cells``): an accounts negative "(3,758)" was quoted
    as "-3,758", which the file does not hold."""
    written = cells if written is None else written
    for column in cells.columns:
        text = cells[column].dropna().astype("str").head(500)
        ambiguous = text[text.str.fullmatch(r"[+-]?[1-9]\d{0,2}[.,]\d{3}") & numbers[column][text.index].notna()]
        if ambiguous.empty:
            continue
        example = ambiguous.iloc[0]
        quoted = str(written[column][ambiguous.index[0]]).strip()
        mark = "," if "," in example else "."
        value = numbers[column][ambiguous.index[0]]
        other = example.replace(mark, "") if mark == decimal else example.replace(mark, ".")
        role = "decimal mark" if mark == decimal else "thousands separator"
        return (
            f"Values such as {_excerpt(quoted)} in column {_excerpt(column)} were read with {mark!r} as the {role} "
            f"({value:g}); if they mean {other}, write them that way in the file."
        )
    return None


def _thousands_marks(decimal: str) -> str:
    """The characters that may group thousands in a file whose decimal mark is ``decimal``."""
    return ("," if decimal == "." else ".") + _SPACES


def _grouping_patterns(decimal: str) -> tuple[str, str]:
    """(a correctly grouped number with one thousands mark throughout, that mark as group 1)."""
    separators = _thousands_marks(decimal)
    groups = "|".join(rf"(?:{re.escape(mark)}\d{{3}})+" for mark in separators)
    grouped = rf"[+-]?\d{{1,3}}(?:{groups})(?:{re.escape(decimal)}\d*)?"
    return grouped, rf"^[+-]?\d{{1,3}}([{re.escape(separators)}])"


def _parse_numbers(cells: pd.DataFrame, decimal: str) -> tuple[pd.DataFrame, str | None]:
    """Parse every cell as a float under the file's decimal convention (NaN where it fails).

    Thousands separators are removed only from correctly grouped numbers ("1,234.5",
    "1.234,5", "1 234"); returns the separator that was found, if any.
    """
    separators = _thousands_marks(decimal)
    grouped_re, mark_re = _grouping_patterns(decimal)
    parsed: dict[str, pd.Series] = {}
    found: dict[str, int] = {}
    for column in cells.columns:
        text = cells[column].astype("str").str.replace(_MINUS, "-", regex=False)
        grouped = text.str.fullmatch(grouped_re).fillna(False).astype(bool)
        if grouped.any():
            marks = text[grouped].str.extract(mark_re, expand=False).str.replace(f"[{_SPACES}]", " ", regex=True)
            for mark, count in marks.value_counts().items():
                found[mark] = found.get(mark, 0) + int(count)
            text = text.where(~grouped, text.str.replace(f"[{re.escape(separators)}]", "", regex=True))
        if decimal == ",":
            text = text.str.replace(",", ".", regex=False)
        valid = text.str.fullmatch(_FLOAT_RE).fillna(False).astype(bool)
        parsed[column] = text.where(valid).astype("float64")
    thousands = max(found, key=found.__getitem__) if found else None
    return pd.DataFrame(parsed, index=cells.index), thousands


def _numeric_columns(cells: pd.DataFrame, numbers: pd.DataFrame) -> list[str]:
    """The columns whose non-empty cells are numbers (:data:`_NUMERIC_SHARE` of them or more)."""
    present = cells.notna()
    parsed = (present & numbers.notna()).sum() / present.sum().clip(lower=1)
    return [str(c) for c in cells.columns if present[c].any() and parsed[c] >= _NUMERIC_SHARE]


def _classify_columns(
    cells: pd.DataFrame, numbers: pd.DataFrame, notes: list[str], problems: dict[str, str] | None = None
) -> tuple[list[str], dict[str, str]]:
    """Split columns into numeric ones (kept) and text or empty ones (dropped, with a reason)."""
    kept, dropped = [], {}
    for column in cells.columns:
        present = cells[column].notna()
        n_present = int(present.sum())
        bad = present & numbers[column].isna()
        if n_present == 0:
            dropped[column] = "it has no values"
        elif 1 - bad.sum() / n_present >= _NUMERIC_SHARE:
            kept.append(column)
            if bad.any():
                example = cells[column][bad].iloc[0]
                notes.append(
                    f"Column {_excerpt(column)}: {int(bad.sum())} cell(s) that are not numbers "
                    f"(e.g. {_excerpt(example)}) were treated as missing."
                )
        else:
            example = cells[column][bad].iloc[0]
            problem = (problems or {}).get(column) or _unread_dates(column, cells[column][bad])
            dropped[column] = f"it {problem or f'holds text, not numbers (e.g. {_excerpt(example)})'}"
    if kept:
        notes.extend(f"Dropped column {_excerpt(c)} because {why}." for c, why in dropped.items())
    return kept, dropped


#: Cells that look like dates: digits in two or three parts joined by one of / - . (the third part,
#: or a time of day after the date, optional); two parts only in a column named for time.
_DATE_LIKE_RE = (
    r"\s*\d{1,4}(?:/\d{1,2}(?:/\d{1,4})?|-\d{1,2}(?:-\d{1,4})?|\.\d{1,2}(?:\.\d{1,4})?)"
    r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?\s*"
)


def _unread_dates(column: str, bad: pd.Series) -> str | None:
    """Why a column of text is dropped when its cells look like dates (:data:`_DATE_LIKE_RE`): that they
    do not read as dates (``13/45/2020``, ``01/00`` beside months that do not run on), or that they do
    and another column is the time axis (a second time column); else None."""
    text = bad.dropna().astype("str")
    if text.empty:
        return None
    like = text.str.fullmatch(_DATE_LIKE_RE)
    if like.mean() < _NUMERIC_SHARE:
        return None
    parts = text[like].str.count(r"[/.\-]")
    if not _DATE_NAME_RE.search(str(column).lower()) and parts.mean() < 2:
        return None
    if _date_share(text, None) >= 0.5:
        # dates that read: another column is the time (a start,end,value file read "'end' holds text")
        return f"holds dates too (e.g. {_excerpt(text.iloc[0])}), and another column is the time axis"
    return (
        f"looks like dates that could not be read (e.g. {_excerpt(text.iloc[0])}); write them as YYYY-MM-DD "
        "(e.g. 2000-01-31), or YYYY-MM for months, to use them as the time"
    )


def _no_numeric_error(
    cells: pd.DataFrame, numbers: pd.DataFrame, dropped: dict[str, str], problems: dict[str, str]
) -> DataError:
    """The error for a file with no usable numeric column, naming a column of near-numbers if any."""
    if dropped and all(why == "it has no values" for why in dropped.values()):
        return DataError("Every value column is empty; fill in the numbers or choose another file.")
    for column in dropped:
        if column in problems:
            return DataError(f"No numeric column was found: column {_excerpt(column)} {problems[column]}.")
    for column in dropped:
        bad = cells[column].notna() & numbers[column].isna()
        near = cells[column][bad].astype("str")
        near = near[near.str.contains(r"\d")]
        if len(near) >= 0.5 * int(bad.sum()) and len(near):
            return DataError(
                f"No numeric column was found: column {_excerpt(column)} holds values such as "
                f"{_excerpt(near.iloc[0])} that are not plain numbers; keep only the number in each cell, "
                "e.g. 1234.56."
            )
    listed = _list_names(cells.columns)
    return DataError(f"No numeric column was found (columns: {listed}); the file needs at least one column of numbers.")


def _row_counter(kept: list[str], numbers: pd.DataFrame, date_name: str | None) -> str | None:
    """Return the first column if it is a row counter (whole numbers rising by 1 on every row) that
    numbers the rows: beside a date column, R's row names (``rownames``, or unnamed as ``write.csv``
    leaves them); without one, also a column named ``step``, ``index``, ``t``, ``period`` or for a
    unit of time (``day``, ``week_no``), whose numbers then index the rows (a file numbering its
    days from 1, or from 100, is forecast for the days after its last)."""
    if len(kept) < 2 or kept[0] != numbers.columns[0]:
        return None
    column = kept[0]
    name = column.strip().lower()
    if date_name is not None:
        named = name in ("rownames", "column 1")
    else:
        named = name in ("step", "index", "column 1", "t", "period") or time_worded(column)
    if not named:
        return None
    values = numbers[column]
    is_counter = (
        values.notna().all() and bool((values == np.round(values)).all()) and bool((values.diff().iloc[1:] == 1).all())
    )
    return column if is_counter else None


def _check_finite(cells: pd.DataFrame, numbers: pd.DataFrame, lines: pd.Series) -> None:
    """Reject infinite, overflowing or absurdly large values, naming the first one."""
    for column in numbers.columns:
        bad = numbers[column].abs() > _HUGE
        if bad.any():
            row = bad.idxmax()
            raise DataError(
                f"Column {_excerpt(column)} has non-finite or huge values ({_excerpt(cells[column][row])} at line "
                f"{lines[row]}); fix or rescale them so that every value is finite and within ±1e150."
            )


# ---- dates -----------------------------------------------------------------------------------


def _choose_date_column(
    cells: pd.DataFrame, numbers: pd.DataFrame, date_column: str | None, date_format: str | None
) -> str | None:
    """Return the column to use as the time index, or None."""
    if date_column is None:
        return None
    if date_column != "auto":
        if date_column not in cells.columns:
            listed, hint = _list_names(cells.columns), did_you_mean(date_column, cells.columns, _excerpt)
            raise DataError(f"Column {_excerpt(date_column)} was not found{hint}; the columns are {listed}.")
        return date_column
    named = [c for c in cells.columns if _DATE_NAME_RE.search(c.lower())]
    # a column of times of day alone only where no other column holds the dates
    # (``Time;Date;Value``: the dates, combined with those times later)
    clocks = [c for c in named if date_format is None and times_of_day(cells[c]) is not None]
    for column in named:
        if column in clocks:
            continue
        if _is_year_column(numbers[column]) or _date_share(cells[column], date_format) >= 0.5:
            return column
        if date_format is None and (
            decimal_years(numbers[column]) is not None
            or (numbers[column].notna().all() and compact_dates(column, numbers[column]) is not None)
        ):
            return column
    if date_format is None and (first := _numeric_time_first(cells, numbers, named)) is not None:
        return first
    for column in cells.columns:
        if column not in named and (date_format or not _mostly_numeric(cells[column], numbers[column])):
            if _date_share(cells[column], date_format) >= _NUMERIC_SHARE:
                return column
    if date_format is None:
        # months written with a dot (01.1992, 1992.01), which the number reader took for decimals
        for column in cells.columns:
            if column not in named and _mostly_numeric(cells[column], numbers[column]):
                if month_years(cells[column].dropna()) is not None:
                    return column
    if date_format is None and (unix := _unix_column(cells, numbers)) is not None:
        return unix
    if clocks:
        return clocks[0]
    # month names without years, only where no other column holds dates (as for times of day)
    text = [c for c in cells.columns if date_format is None and not _mostly_numeric(cells[c], numbers[c])]
    return next((c for c in text if month_numbers(cells[c]) is not None), None)


def _numeric_time_first(cells: pd.DataFrame, numbers: pd.DataFrame, named: list[str]) -> str | None:
    """The first column where its numbers are a time though no name says so (other names, such as
    ``score``, keep their numbers): in a column named ``t`` or a file without a header (columns
    ``column 1``, ``column 2``, ...), decimal years (``1960.25``: :func:`decimal_years`) rising on
    every row, and without a header whole years rising on every row (``1880``); also R's row names
    (``rownames``) where they are whole years rising on every row (WorldPhones' 1951, 1956, ...,
    1961); else None. All were taken for values: the decimal years became the target, the years a
    row counter (or a column left out), and the forecast was dated by row numbers."""
    column = cells.columns[0]
    values = numbers[column]
    if column in named or len(cells.columns) < 2 or not values.notna().all():
        return None
    headerless = list(cells.columns) == [f"column {i + 1}" for i in range(len(cells.columns))]
    row_names = column.strip().lower() in ROW_NAMES
    if not headerless and not row_names and column.strip().lower() != "t":
        return None
    if not (values.diff().iloc[1:] > 0).all():
        return None
    whole_years = (headerless or row_names) and _is_year_column(values)
    return column if whole_years or (not row_names and decimal_years(values) is not None) else None


def _unmatched_format_error(cells: pd.DataFrame, numbers: pd.DataFrame, date_format: str) -> DataError:
    """The error for a date format that no column's cells match (the columns were read as text
    and numbers without dates before): it names the column most like the dates and one of its cells."""
    text = [c for c in cells.columns if cells[c].notna().any() and not _mostly_numeric(cells[c], numbers[c])]
    named = [c for c in text if _DATE_NAME_RE.search(str(c).lower())]
    column = (named or text or [None])[0]
    held = (
        f"column {_excerpt(column)} holds values such as {_excerpt(cells[column].dropna().iloc[0])}"
        if column is not None
        else "every column holds numbers"
    )
    return DataError(
        f"No column holds dates in the date format {date_format!r} ({held}); change the date format to the one "
        "the dates are written in, or leave it empty to read them from the data."
    )


def _unix_column(cells: pd.DataFrame, numbers: pd.DataFrame) -> str | None:
    """The first column of whole numbers read as Unix time (:func:`compact_dates`): one named for
    time (``ts``, ``epoch``), or the file's first column where another column holds numbers."""
    valued = [c for c in cells.columns if _mostly_numeric(cells[c], numbers[c])]
    for k, column in enumerate(cells.columns):
        first = k == 0 and len(valued) >= 2
        if not (first or UNIX_NAME.search(str(column).lower())):
            continue
        if column not in valued or not numbers[column].notna().all():
            continue
        reading = compact_dates(column, numbers[column], first=first)
        if reading is not None and reading.kind == "time":
            return column
    return None


def _decimal_time_columns(cells: pd.DataFrame, numbers: pd.DataFrame, used: list, notes: list[str]) -> list[str]:
    """Other columns named for time that repeat it as decimal years (values in 1000-2999, not
    all whole, rising by a step under a year that varies by under 10% on nine rows in ten: NOAA's
    ``decimal date``), left out with a note; their names."""
    out = []
    for column in cells.columns:
        if column in used or not _TIME_WORD_RE.search(str(column).lower()):
            continue
        v = numbers[column]
        if v.isna().any() or len(v) < 3 or bool((v % 1 == 0).all()) or not ((v >= 1000) & (v < 3000)).all():
            continue
        steps = v.diff().iloc[1:].to_numpy()
        step = float(np.median(steps))
        if 0 < step < 1 and (steps > 0).all() and np.mean(np.abs(steps - step) <= 0.1 * step) >= 0.9:
            out.append(column)
            notes.append(f"Column {_excerpt(column)} repeats the time as decimal years, so it was left out.")
    return out


_WHOLE_YEAR_RE = r"\s*[+]?[12]\d{3}(?:[.,]0+)?\s*"


def _year_cells(name: object, cells: pd.Series) -> bool:
    """Whether a date-named column holds whole years only (``1871``, ``1871.0``, ``1871,0``)."""
    if not _DATE_NAME_RE.search(str(name).lower()):
        return False
    present = cells.dropna().astype("str")
    return len(present) > 0 and bool(present.str.fullmatch(_WHOLE_YEAR_RE).all())


def _whole_years(cells: pd.DataFrame, numbers: pd.DataFrame) -> pd.DataFrame:
    """Read a date-named column of whole years the same way whatever the decimal mark.

    ``1871,0`` in a file whose decimal mark is ``.`` (or ``1871.0`` where it is ``,``) is still the
    year 1871, like ``1871`` and ``1871.0``: otherwise the column would be dropped as text.
    """
    out = numbers
    for column in cells.columns:
        if numbers[column].notna().all() or not _year_cells(column, cells[column]):
            continue
        present = cells[column].dropna().astype("str")
        if out is numbers:
            out = numbers.copy()
        out[column] = present.str.strip().str.replace(r"[.,]0+$", "", regex=True).astype("float64").reindex(cells.index)
    return out


def _dotted_months(cells: pd.Series) -> bool:
    """Whether a column holds months written with a dot (``01.1992``, ``1992.01``: :func:`month_years`)."""
    present = cells.dropna()
    if present.empty or not re.fullmatch(r"\s*\d{1,4}\.\d{2,4}\s*", str(present.iloc[0])):
        return False
    return month_years(present) is not None


def _mostly_numeric(cells: pd.Series, numbers: pd.Series) -> bool:
    """Whether most non-empty cells of a column are numbers."""
    n_present = int(cells.notna().sum())
    return n_present > 0 and numbers.notna().sum() / n_present >= _NUMERIC_SHARE


def _is_year_column(numbers: pd.Series) -> bool:
    """Whether a column holds whole years such as 1990, 1991, ..."""
    values = numbers.dropna()
    return (
        len(values) > 0
        and len(values) == len(numbers)
        and bool(((values % 1 == 0) & (values >= 1000) & (values <= 2999)).all())
    )


def _date_share(cells: pd.Series, date_format: str | None) -> float:
    """Share of the first non-empty cells that parse as dates (with date_format, or each on its own)."""
    sample = cells.dropna().head(50).astype("str")
    if sample.empty:
        return 0.0
    if date_format is not None:
        return float(_to_datetime(sample, format=date_format)[0].notna().mean())
    labels = _labels(sample)
    if labels is None and len(sample) > _FOOTER_ROWS + _MIN_ROWS:  # perhaps above a footer
        labels = _labels(sample.iloc[:-_FOOTER_ROWS])
    if labels is not None:
        return float(labels.dates.notna().sum() / len(sample))
    if sample.str.fullmatch(_FLOAT_RE).mean() > 0.5:
        return 0.0
    guesses = [_to_datetime(sample, format="mixed", dayfirst=first)[0] for first in (False, True)]
    # "Jan 15" is January 2015 here (:func:`_read_dates`); pandas' guess reads it without a year
    guesses += [_to_datetime(sample, format=fmt)[0] for fmt in _MONTH_YEAR_FORMATS]
    return max(float(g.notna().mean()) for g in guesses)


def _labels(cells: pd.Series):
    """Period labels (``1956 Q1``), months written MM/YY (``01/00``) or financial years (``2012-13``,
    ``FY2013``) of a column's cells, else None."""
    if not could_be_labels(cells):
        return None
    return period_labels(cells) or month_years(cells) or financial_years(cells)


#: Where a reader of an error or note sets the date format: the Data page and the command line
_FORMAT_HINT = "set the date format (Data page: Reading dates; command line: --date-format)"

#: A year 1 written out in a cell (``0001-01-01``, ``0001``)
_YEAR_ONE = r"(?<!\d)0001(?!\d)"


@dataclass(frozen=True)
class _Zone:
    """What a date column's time zones became: the note that says so, and the UTC offset of the times
    kept (``+01:00``: the local times written; ``+00:00``: converted to UTC; None where it varies)."""

    note: str
    offset: str | None
    #: (a cell written with a UTC offset, one written without) where the column mixes both, else None
    mixed: tuple[str, str] | None = None


#: Time-zone abbreviations that name one UTC offset, as exports write them after a time of day
#: (``2021-10-28 00:00:00 CEST``); pandas reads only UTC, GMT and Z. Names shared by several zones
#: (CST: US Central or China; IST: India, Ireland or Israel) are left out: such a column is refused.
ZONE_NAMES = {
    "WET": "+00:00", "WEST": "+01:00", "BST": "+01:00", "CET": "+01:00", "CEST": "+02:00",
    "MEZ": "+01:00", "MESZ": "+02:00", "EET": "+02:00", "EEST": "+03:00", "MSK": "+03:00",
    "EST": "-05:00", "EDT": "-04:00", "CDT": "-05:00", "MST": "-07:00", "MDT": "-06:00",
    "PST": "-08:00", "PDT": "-07:00", "AKST": "-09:00", "AKDT": "-08:00", "HST": "-10:00",
    "JST": "+09:00", "KST": "+09:00", "AWST": "+08:00", "ACST": "+09:30", "ACDT": "+10:30",
    "AEST": "+10:00", "AEDT": "+11:00", "NZST": "+12:00", "NZDT": "+13:00",
}  # fmt: skip
#: The zone names pandas reads itself.
_READ_BY_PANDAS = {"UTC": "+00:00", "GMT": "+00:00"}
#: A time of day then a zone's name (two to five capitals) ending a cell.
_ZONE_NAME_RE = r"(?P<stamp>.*\d:\d{2}(?::\d{2}(?:[.,]\d+)?)?)\s*(?P<zone>[A-Z]{2,5})"


def _zone_names(cells: pd.DataFrame, notes: list[str]) -> pd.DataFrame:
    """A column whose every cell is a time of day followed by a zone's name (``00:00:00 CEST``) with
    the names written as the UTC offsets they stand for (:data:`ZONE_NAMES`: ``00:00:00+02:00``), which
    the date reader takes, with a note; the other columns as they are. Such a column was dropped as
    "text, not numbers" and the run went without its time axis. Raises DataError where a name is not
    one of those (one sentence: write the offsets instead)."""
    out = cells
    for column in cells.columns:
        present = cells[column].dropna().astype(str).str.strip()
        present = present[present != ""]
        if present.empty:
            continue
        found = present.str.extract(f"^{_ZONE_NAME_RE}$")
        if found["zone"].isna().any() or found["zone"].isin(["AM", "PM"]).any():
            continue
        if not all(_HEADER_DATE_RE.search(v) for v in found["stamp"]):
            continue  # no date before the time ("08:00 ON"): text, as before
        if _to_datetime(found["stamp"].head(50), format="mixed")[0].isna().mean() > 1 - _NUMERIC_SHARE:
            continue
        if found["zone"].isin(list(_READ_BY_PANDAS)).all():
            continue  # pandas reads those
        known = {**ZONE_NAMES, **_READ_BY_PANDAS}
        unknown = sorted(set(found["zone"]) - set(known))
        if unknown:
            raise DataError(
                f"Column {_excerpt(column)} holds times with the time-zone name {_excerpt(unknown[0])} "
                f"(e.g. {_excerpt(present[found['zone'] == unknown[0]].iloc[0])}), which names no single UTC "
                "offset here; write the times with their UTC offset (e.g. 10:00+01:00) instead."
            )
        offsets = found["zone"].map(known)
        if out is cells:
            out = cells.copy()
        out.loc[present.index, column] = found["stamp"] + offsets
        names = sorted(set(found["zone"]), key=list(found["zone"]).index)
        shown = ", ".join(f"{z} as {known[z]}" for z in names[:4])
        notes.append(
            f"Column {_excerpt(column)}: time-zone names were read as the UTC offsets they stand for ({shown})."
        )
    return out


#: A UTC offset that ends a timestamp after its time of day (``10:00:00+01:00``, ``10:00Z``).
_OFFSET_RE = re.compile(
    r"\d:\d{2}(?::\d{2}(?:[.,]\d+)?)?\s*(?:(?P<z>[zZ])|(?P<sign>[+-])(?P<h>\d{2}):?(?P<m>\d{2})?)\s*$"
)


def _show_offset(offset: pd.Timedelta) -> str:
    minutes = int(offset.total_seconds() // 60)
    sign = "-" if minutes < 0 else "+"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def _written_offsets(values: pd.Series) -> pd.Series | None:
    """The UTC offset each timestamp is written with (``+01:00``, ``Z``), as Timedeltas; None where
    some cell has none that can be read (a zone name, a date without a time)."""
    found = values.astype(str).str.extract(_OFFSET_RE)
    if found.isna().all(axis=1).any():
        return None
    sign = found["sign"].map({"+": 1, "-": -1}).fillna(1)
    minutes = sign * (found["h"].astype(float).fillna(0) * 60 + found["m"].astype(float).fillna(0))
    return pd.to_timedelta(minutes, unit="min")


def _mixed_offsets(values: pd.Series) -> tuple[str, str] | None:
    """A cell written with a UTC offset and one written without any (no offset, no zone name), where
    a column holds both: pandas reads the second as UTC, an hour or more off the first's clock."""
    text = values.astype(str).str.strip()
    marked = text.str.extract(_OFFSET_RE).notna().any(axis=1)
    bare = text[~marked & ~text.str.contains(r"[^\W\d_]$")]  # (a zone name ends in a letter)
    if not marked.any() or bare.empty:
        return None
    return str(text[marked].iloc[0]), str(bare.iloc[0])


def _without_zone(parsed: pd.Series, values: pd.Series) -> tuple[pd.Series, _Zone]:
    """Zone-aware timestamps as naive ones. One UTC offset throughout: the local times written (no
    clock change to fold, and dates stay on their own day); offsets that change (summer time) on
    timestamps at one time of day (daily data at local midnight): the local times too, as UTC would
    move them by an hour at each change; else UTC, where hourly steps stay regular."""
    utc = parsed.dt.tz_convert("UTC").dt.tz_localize(None)
    offsets = _written_offsets(values)
    if offsets is None:
        return utc, _Zone("Timestamps with time zones were converted to UTC.", "+00:00", _mixed_offsets(values))
    wall = utc + offsets
    distinct = sorted(set(offsets[parsed.notna()]))
    shown = " and ".join(_show_offset(o) for o in distinct[:2]) + (" and others" if len(distinct) > 2 else "")
    if len(distinct) <= 1:
        if not distinct or distinct[0] == pd.Timedelta(0):
            return utc, _Zone("Timestamps are in UTC.", "+00:00")
        return wall, _Zone(
            f"Timestamps carry the UTC offset {shown}; they were read as the local times written, "
            "and times past the data are in that offset too.",
            shown,
        )
    stamps = wall.dropna()
    if not stamps.duplicated().any() and (stamps - stamps.dt.normalize()).nunique() == 1:
        return wall, _Zone(
            f"Timestamps carry the UTC offsets {shown} (a clock change); they were read as the local times "
            "written, which stay at one time of day.",
            None,
        )
    return utc, _Zone(
        f"Timestamps carry the UTC offsets {shown} (a clock change), so they were converted to UTC, "
        "where the steps stay regular.",
        "+00:00",
    )


def _to_datetime(values: pd.Series, **kwargs) -> tuple[pd.Series, _Zone | None]:
    """Parse strings as datetimes (NaT where they fail); return them (naive) and what became of the
    time zones they were written with (:func:`_without_zone`; None where they had none)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            parsed = pd.to_datetime(values, errors="coerce", **kwargs)
        except (ValueError, TypeError, OverflowError):
            try:
                parsed = pd.to_datetime(values, errors="coerce", utc=True, **kwargs)
            except (ValueError, TypeError, OverflowError):
                return pd.Series(pd.NaT, index=values.index, dtype="datetime64[us]"), None
    # pandas puts a cell without a year (``Jan``, ``March``, ``1st``) in year 1: not a date,
    # unless the cell writes that year out (``0001-01-01``, a series' step written as a year)
    yearless = (parsed.dt.year == 1) & ~values.astype(str).str.contains(_YEAR_ONE, regex=True)
    parsed = parsed.where(~yearless)
    if not isinstance(parsed.dtype, pd.DatetimeTZDtype):
        return parsed, None
    return _without_zone(parsed, values)


def _clock_column(cells: pd.Series, name: str, date_format: str | None, notes: list[str]) -> pd.Series | None:
    """Timestamps of a time column that holds times of day without dates (``09:00``, ``9:05 PM``),
    from :data:`~lstm_core.data.periods.CLOCK_START`, a day on wherever the clock passes midnight,
    with a note; None for any other column (or with an explicit ``date_format``). Raises
    DataError where the times go back by more than a night can explain."""
    reading = clock_times(cells) if date_format is None else None
    if reading is None:
        return None
    if reading.dates is None:
        earlier, later = (_excerpt(v) for v in reading.back or ("", ""))
        raise DataError(
            f"Column {_excerpt(name)} holds times of day without dates, and they go back from {earlier} to "
            f"{later}, so the rows cannot be put in time order; add the dates to that column "
            "(e.g. 2024-05-01 09:47), or remove it to number the rows instead."
        )
    k = reading.midnights
    nights = f" on (the clock passes midnight {k} time{'s' if k > 1 else ''})" if k else ""
    notes.append(
        f"Column {_excerpt(name)} holds times of day without dates, so they were read as times from "
        f"{CLOCK_START.day} {CLOCK_START:%B %Y}{nights}."
    )
    return reading.dates


def _month_column(
    cells: pd.DataFrame, name: str, reading: MonthReading, notes: list[str], numeric: list[str]
) -> pd.Series | None:
    """Timestamps of column ``name``, month names without years read by
    :func:`~lstm_core.data.periods.month_names`, with a note; None where they do not run on month by
    month. Raises :class:`~lstm_core.data.keys.SeveralSeriesError` where the months repeat because
    other columns tell several series apart (``Month,Moon,...``: August to July once for each phase
    of the moon), as for dates that repeat; ``numeric`` names the columns of numbers."""
    of_year = reading.of_year
    if of_year.duplicated().any():
        timeish = [c for c in cells.columns if _DATE_NAME_RE.search(str(c).lower())]
        keys = find_keys(cells.loc[of_year.index], of_year, [name, *timeish], numeric)
        if keys:
            raise several_series_error(cells.loc[of_year.index], keys)
    if reading.dates is None:
        return None
    k = reading.years
    again = f", a year on wherever they start again ({k} time{'s' if k > 1 else ''})" if k else ""
    first = reading.dates.dropna().iloc[0]
    notes.append(
        f"Column {_excerpt(name)} holds month names without years, so they were read in the file's "
        f"order as months from {first:%B %Y}{again}."
    )
    return reading.dates


def _parse_date_column(
    cells: pd.Series, numbers: pd.Series, name: str, dayfirst: bool | None, date_format: str | None, notes: list[str]
) -> tuple[pd.Series, bool | None, str | None]:
    """Parse the date column; return the datetimes (NaT for empty cells), the day-first reading used
    and the UTC offset of the times (:attr:`DataReport.utc_offset`).

    Up to :data:`_FOOTER_ROWS` last rows whose date cells hold words (three letters or more) and
    do not read as dates when all the rows above them do (``Total``, ``Source: ABS``) are a
    footer: NaT, with a note (:func:`_load` drops them)."""
    present = cells.dropna().astype("str")
    said: list[str] = []
    parsed, zoned, used_dayfirst, problem, advice = _read_dates(present, numbers, name, dayfirst, date_format, said)
    failed = present[parsed.isna()]
    for k in range(1, min(_FOOTER_ROWS, len(present) - _MIN_ROWS) + 1):
        if not len(failed) or not present.iloc[-k:].str.contains(r"[^\W\d_]{3}").all():
            break  # (a footer is words: a bad date such as '2018-13-01' is the user's to fix)
        head = present.iloc[:-k]
        again: list[str] = []
        tried = _read_dates(head, numbers.loc[head.index], name, dayfirst, date_format, again)
        if tried[0].notna().all():
            footer = ", ".join(_excerpt(v) for v in present.iloc[-k:])
            said = [*again, f"The last {k} row(s) ({footer}) hold no date; they were read as a footer and left out."]
            parsed, zoned, used_dayfirst, *_ = tried
            failed = failed.iloc[:0]
            break
    if len(failed):
        raise DataError(
            f"Some values in date column {_excerpt(name)} cannot {problem} (e.g. {_excerpt(failed.iloc[0])}); {advice}."
        )
    if zoned is not None and zoned.mixed is not None:
        marked, bare = zoned.mixed
        raise DataError(
            f"Column {_excerpt(name)} mixes times written with a UTC offset (e.g. {_excerpt(marked)}) and times "
            f"without one (e.g. {_excerpt(bare)}), so they cannot be put on one clock; write every time with its "
            "offset, or none of them."
        )
    notes.extend(said)
    if date_format is None:
        parsed = _two_digit_years(present, parsed, notes)
    if zoned is not None:
        notes.append(zoned.note)
    return parsed.reindex(cells.index), used_dayfirst, zoned.offset if zoned is not None else None


def _two_digit_years(present: pd.Series, parsed: pd.Series, notes: list[str]) -> pd.Series:
    """Dates whose years have two digits (``Jan-49``, ``01/02/15``): pandas reads 00-68 as 20xx;
    where that puts any of them after today, they are a century earlier (observed data does not
    lie in the future). Either way a note says which century was taken."""
    stamps = parsed.dropna()
    if not len(stamps) or present.str.contains(r"\d{4}|:").any():
        return parsed  # four-digit years, or times of day (a cell without a date reads as today)
    if not present.str.contains(r"(?:^|\D)\d{2}$|^\d{2}\D").all():
        return parsed
    if present.str.match(r"(?i)\s*FY").all():
        return parsed  # financial years (``FY27``): their reader chose the century and said so
    example = _excerpt(present.iloc[0])
    if stamps.max() > pd.Timestamp.now():
        parsed = parsed - pd.DateOffset(years=100)
        stamps = parsed.dropna()
        why = f"as {stamps.min().year + 100}-{stamps.max().year + 100} they would lie in the future"
    else:
        why = "write four-digit years if they are a century earlier"
    first, last = stamps.min().year, stamps.max().year
    years = str(first) if first == last else f"{first}-{last}"
    notes.append(f"Years written with two digits (e.g. {example}) were read as {years}: {why}.")
    return parsed


#: Month and two-digit year, as spreadsheets abbreviate them (``Jan-49``), tried before pandas' own guess.
_MONTH_YEAR_FORMATS = ("%b-%y", "%b %y", "%b/%y", "%b.%y", "%y-%b")
#: Most trailing rows of a date column read as a footer (see :func:`_parse_date_column`).
_FOOTER_ROWS = 5


def _read_dates(
    present: pd.Series, numbers: pd.Series, name: str, dayfirst: bool | None, date_format: str | None, notes: list[str]
) -> tuple[pd.Series, _Zone | None, bool | None, str, str]:
    """One reading of a date column's non-empty cells: the datetimes (NaT where a cell failed),
    what became of their time zones, the day-first reading used, and what to say if some failed."""
    used_dayfirst: bool | None = None
    if date_format is not None:
        parsed, zoned = _to_datetime(present, format=date_format)
        return (
            parsed,
            zoned,
            None,
            f"match the date format {date_format!r}",
            "fix those values or change the date format",
        )
    if _is_year_column(numbers):
        parsed, zoned = _to_datetime(numbers.astype("int64").astype("str"), format="%Y")
        if name == "column 1":  # a file without a header: no name said these were years
            notes.append(f"Column 'column 1' holds years such as {int(numbers.iloc[0])}; read as yearly dates.")
        return parsed, zoned, None, "be read as years", "fix those values"
    if (periods := _labels(present) or decimal_years(numbers.dropna()) or _compact(name, numbers)) is not None:
        notes.append(f"Column {_excerpt(name)} holds {periods.how}.")
        return periods.dates, None, None, f"be read as {periods.kind}s", f"fix those values or {_FORMAT_HINT}"
    for fmt in _MONTH_YEAR_FORMATS:  # "Jan-15": pandas' own guess reads it as 15 January of year 1
        parsed, zoned = _to_datetime(present, format=fmt)
        if parsed.notna().all():
            return (
                parsed,
                zoned,
                None,
                "be read with one format",
                f"make the dates consistent or {_FORMAT_HINT}, e.g. {fmt!r}",
            )
    parsed, zoned = _to_datetime(present, format="ISO8601")
    if pd.isna(parsed.iloc[0]):  # like pandas, take the format from the first value
        parsed, used_dayfirst = _parse_day_month(present, dayfirst, notes)
        zoned = None
    advice = f"make the dates consistent or {_FORMAT_HINT}, e.g. '%Y-%m-%d'"
    return parsed, zoned, used_dayfirst, "be read with one format", advice


def _compact(name: str, numbers: pd.Series):
    """:func:`compact_dates` of the time column when its cells are all numbers, else None (Unix
    time whatever its name, as for a first column: it was chosen as the time)."""
    return compact_dates(name, numbers, first=True) if len(numbers) and numbers.notna().all() else None


def _parse_day_month(present: pd.Series, dayfirst: bool | None, notes: list[str]) -> tuple[pd.Series, bool | None]:
    """Parse non-ISO dates, deciding day/month order from the data when it is not given."""
    fields = present.str.extract(_DMY_RE).dropna().astype("int64")
    if fields.empty:
        return _to_datetime(present, dayfirst=bool(dayfirst))[0], dayfirst
    if dayfirst is not None:
        # the order asked for puts a number over 12 where the month goes: say so, not "make the dates consistent"
        month = fields[1] if dayfirst else fields[0]
        if (month > 12).any():
            at = (month > 12).idxmax()  # the first such date
            asked, other = ("day", "month") if dayfirst else ("month", "day")
            flag = "--day-first" if dayfirst else "--month-first"
            raise DataError(
                f"Dates such as {_excerpt(present[at])} cannot be read {asked} first, as asked: {int(month[at])} is no "
                f"month; choose {other} first or leave the order to be read from the data (Data page: Reading dates; "
                f"command line: drop {flag})."
            )
        return _to_datetime(present, dayfirst=dayfirst)[0], dayfirst
    day_first_only, month_first_only = fields[0] > 12, fields[1] > 12
    if day_first_only.any() and month_first_only.any():
        a = present[day_first_only.index[day_first_only]].iloc[0]
        b = present[month_first_only.index[month_first_only]].iloc[0]
        raise DataError(
            f"Dates mix day/month and month/day order (e.g. {_excerpt(a)} and {_excerpt(b)}); make them consistent "
            f"or {_FORMAT_HINT}."
        )
    if day_first_only.any() or month_first_only.any():
        chosen = bool(day_first_only.any())
        decisive = day_first_only if chosen else month_first_only
        decider = present[decisive.index[decisive]].iloc[0]
        order = "day/month" if chosen else "month/day"
        notes.append(f"Dates were read as {order} because values such as {_excerpt(decider)} only fit that order.")
        return _to_datetime(present, dayfirst=chosen)[0], chosen
    swapped = fields.index[fields[0] != fields[1]]
    example = present[swapped].iloc[0] if len(swapped) else present.iloc[0]
    readings = {first: _to_datetime(present, dayfirst=first)[0] for first in (False, True)}
    scores = {first: _date_quality(parsed) for first, parsed in readings.items()}
    if scores[True] > scores[False]:
        notes.append(
            f"Dates such as {_excerpt(example)} are ambiguous; read as day/month because that gives a sorted, "
            "regular series. Choose month first (Data page: Reading dates; command line: --month-first) if they "
            "are month/day."
        )
        return readings[True], True
    if scores[True] == scores[False] and present.str.match(_DOTTED_RE).all():
        # 01.02.2020 is the 1st of February where dates are written with dots (German, Swiss, Nordic,
        # Russian usage); no calendar writes month.day.year with dots
        notes.append(
            f"Dates such as {_excerpt(example)} are ambiguous; read as day/month, as dates written with dots "
            "are. Choose month first (Data page: Reading dates; command line: --month-first) if they are "
            "month/day."
        )
        return readings[True], True
    notes.append(
        f"Dates such as {_excerpt(example)} are ambiguous; read as month/day. Choose day first (Data page: "
        "Reading dates; command line: --day-first) if they are day/month."
    )
    return readings[False], False


def _date_quality(parsed: pd.Series) -> tuple[int, bool, bool]:
    """Score one reading of ambiguous dates: parsed count, monotonic in file order, regular (on a
    grid with a few steps missing, as the index is judged later: ten-minute readings over two days
    with one reading missing were taken month first, a month between the days)."""
    values = parsed.dropna()
    monotonic = values.is_monotonic_increasing or values.is_monotonic_decreasing
    ordered = pd.DatetimeIndex(values.sort_values().unique())
    return len(values), bool(monotonic), len(ordered) >= 3 and _frequency(ordered)[0] is not None


# ---- index, frequency, missing values --------------------------------------------------------


def _index_frame(
    frame: pd.DataFrame,
    dates: pd.Series | None,
    date_name: str | None,
    notes: list[str],
    policy: str = "drop",
    lines: pd.Series | None = None,
    first_step: int = 0,
) -> tuple[pd.DataFrame, int, bool, str | None, int]:
    """Attach the index; drop exact duplicates, sort by time, check duplicate timestamps; with a
    missing-value policy that fills (not ``drop``), add the timestamps missing from a regular grid
    as rows of missing values, which it then fills: a season counted in rows stays aligned with
    the calendar (weekly CO2 with its 59 missing weeks left out as rows, not as empty cells:
    multi-step RMSE 2.9-3.3 against 1.07 filled, seeds 0-1; ``benchmarks/bench_grid_gaps.py``).

    Returns the frame, duplicate rows dropped, whether it was re-sorted, frequency and gaps.
    ``lines``: the file's line number of each row, for the error on a repeated timestamp.
    ``first_step``: without dates, the number of the first row (the file's own row counter's).
    """
    if dates is None:
        steps = pd.RangeIndex(first_step, first_step + len(frame), name="step")
        return frame.set_axis(steps), 0, False, None, 0
    undated = dates.isna()
    if undated.any():
        notes.append(f"{int(undated.sum())} row(s) without a date were dropped.")
        frame, dates = frame[~undated], dates[~undated]
    frame = frame.set_axis(pd.DatetimeIndex(dates, name=date_name))
    duplicated = frame.reset_index().duplicated().to_numpy()
    if duplicated.any():
        notes.append(f"{int(duplicated.sum())} exact duplicate row(s) were removed.")
        frame = frame[~duplicated]
    resorted = not frame.index.is_monotonic_increasing
    if resorted:
        frame = frame.sort_index(kind="stable")
        notes.append("The rows were not in time order, so they were sorted by time.")
    repeated = frame.index[frame.index.duplicated()].unique()
    if len(repeated):
        said = (
            f"{len(repeated)} timestamp(s) appear more than once with different values, e.g. "
            f"{_show_time(repeated[0])}{_at_lines(dates, repeated[0], lines)}"
        )
        if _clock_change(repeated, frame.index):  # local times in the hour that repeats when clocks go back
            stamp = repeated[0].strftime("%Y-%m-%dT%H:%M:%S")
            raise DataError(
                f"{said}: local times repeat an hour where clocks go back (daylight saving time ends), so "
                f"write the times with their UTC offsets (e.g. {stamp}+02:00, then {stamp}+01:00) or in UTC, or "
                "aggregate the repeated hour."
            )
        raise DataError(f"{said}; remove or aggregate the duplicates.")
    frequency, gaps = _frequency(frame.index)
    if frequency is None and len(frame) >= 3:
        starts = _month_starts_of(frame.index)
        if starts is not None and (found := _frequency(starts))[0] is not None:
            day = frame.index[0].day
            notes.append(
                f"Every date falls on day {day} of its month, so each was read as the 1st of its month "
                f"({_show_time(frame.index[0])} as {_show_time(starts[0])}), so the series is "
                f"{describe_frequency(found[0])} and its forecasts are dated on the 1st."
            )
            frame = frame.set_axis(pd.DatetimeIndex(starts, name=frame.index.name))
            frequency, gaps = found
    if frequency is None and len(frame) >= 3:
        notes.append(
            "The timestamps are irregular, so no frequency was detected; a run looks for a season in the values."
        )
    elif gaps and policy == "drop":
        notes.append(
            f"{gaps:,} timestamp(s) are missing from the regular {describe_frequency(frequency)} grid; they were not filled in."
        )
    else:
        if gaps:
            grid = pd.date_range(frame.index[0], frame.index[-1], freq=frequency, name=frame.index.name)
            skipped = _clock_skip(grid.difference(frame.index), frame.index)
            frame = frame.reindex(grid)
            notes.append(
                f"{gaps:,} timestamp(s) missing from the regular {describe_frequency(frequency)} grid were added as rows of missing "
                'values, so that the season stays in step with the calendar (to leave them out, pick "drop" under Missing values, or pass --missing drop).'
                + (
                    f" {'It is' if gaps == 1 else 'They are'} the night hour that local clocks skip when daylight saving time starts ({_show_time(skipped)}); "
                    "times written with their UTC offsets, or in UTC, have no such gap."
                    if skipped is not None
                    else ""
                )
            )
        frame.index = pd.DatetimeIndex(frame.index, freq=frequency)
    return frame, int(duplicated.sum()), resorted, frequency, gaps


def _month_starts_of(index: pd.DatetimeIndex) -> pd.DatetimeIndex | None:
    """The 1st of each date's month, where every date is at midnight on one day of the month from
    the 2nd to the 28th (monthly figures dated the 15th, which no calendar frequency matches) and no
    two share a month; else None."""
    days = index.day
    if not (1 < days[0] <= 28) or (days != days[0]).any() or (index != index.normalize()).any():
        return None
    starts = index.to_period("M").to_timestamp()
    return None if starts.has_duplicates else pd.DatetimeIndex(starts)


def _apply_missing(frame: pd.DataFrame, policy: str, notes: list[str], season: int | None = None) -> pd.DataFrame:
    """Fill or drop missing cells according to the policy; ``interpolate`` takes a clear ``season``
    (from the time index) out of a column first and puts it back (:mod:`.fill`)."""
    n_missing = int(frame.isna().sum().sum())
    if n_missing == 0:
        return frame
    if policy == "drop":
        kept = frame.dropna()
        notes.append(f"{len(frame) - len(kept):,} row(s) with missing values were dropped.")
        return kept
    holding = int(frame.isna().any().sum())
    # a count over several columns is said to be one: 127 dates added to a file of 6 columns are 762 cells
    where = f" in {holding} columns" if holding > 1 else ""
    if policy == "ffill":
        notes.append(f"{n_missing:,} missing value(s){where} were filled with the previous value.")
        return frame.ffill().bfill()
    filled = {c: interpolate_inside(frame[c], season) for c in frame.columns}
    inside = pd.DataFrame({c: col for c, (col, _) in filled.items()}, index=frame.index, columns=frame.columns)
    at_ends = int(inside.isna().sum().sum())  # before a column's first or after its last value
    done = []
    if n_missing > at_ends:
        seasonal = [c for c, (_, took) in filled.items() if took and frame[c].isna().any()]
        done.append(
            f"{n_missing - at_ends:,} missing value(s){where} were filled by linear interpolation"
            + (
                f", with the season of {season} steps taken out first and put back "
                + (f"(column {_excerpt(seasonal[0])})" if len(seasonal) == 1 else f"({len(seasonal)} columns)")
                if seasonal
                else ""
            )
        )
    if at_ends:
        done.append(f"{at_ends:,} at the start or end of a column were copied from the nearest value")
    # judged per column: one series half made up beside a complete one is half made up, not a quarter
    shares = frame.isna().mean()
    worst = str(shares.idxmax())
    share = float(shares[worst])
    where = "of the values" if frame.shape[1] == 1 else f"of column {_excerpt(worst)}"
    warn = (
        f"; that is {share:.0%} {where}, so much of the series is made up: check the file"
        if share > MADE_UP_SHARE
        else ""
    )
    notes.append("; ".join(done) + warn + ".")
    return inside.ffill().bfill()


def _check_shape(frame: pd.DataFrame, notes: list[str]) -> None:
    """Require enough rows and at least one column that varies."""
    if len(frame) < _MIN_ROWS:
        raise DataError(
            f"The file has only {len(frame)} usable data row(s); at least {_MIN_ROWS} are needed to learn anything."
        )
    constant = [c for c in frame.columns if frame[c].nunique() <= 1]
    spread = frame.max() - frame.min()
    flat = [c for c in frame.columns if c not in constant and spread[c] < _MIN_SPREAD]
    if len(constant) == len(frame.columns):
        # "choose a column that varies" where none does asked for the impossible
        if len(constant) == 1:
            c = constant[0]
            value = frame[c].dropna()
            held = f" ({value.iloc[0]:.6g})" if len(value) else ""
            raise DataError(
                f"Column {_excerpt(c)} holds one value{held} in every row, and a constant series cannot be "
                "forecast; load a series whose values change."
            )
        raise DataError(
            f"Every numeric column ({_list_names(pd.Index(constant))}) holds a single repeated value, and a "
            "constant series cannot be forecast; load data with a column whose values change."
        )
    if len(constant) + len(flat) == len(frame.columns):
        c = flat[0]
        raise DataError(
            f"Column {_excerpt(c)} varies by only {spread[c]:.3g} (from {frame[c].min():.3g} to {frame[c].max():.3g}), "
            "too little to learn from; rescale it, e.g. multiply it by a power of ten."
        )
    notes.extend(f"Column {_excerpt(c)} is constant, so it carries no information." for c in constant)
    notes.extend(
        f"Column {_excerpt(c)} varies by less than {_MIN_SPREAD:g}, so it carries no usable information; "
        "rescale it if it matters."
        for c in flat
    )


def _at_lines(dates: pd.Series, stamp: pd.Timestamp, lines: pd.Series | None) -> str:
    """`` at lines 13 and 14``: where the file holds the rows of a timestamp (up to three of them);
    empty without line numbers. A year column's ``1981`` reads as 1981-01-01: the lines find it."""
    if lines is None:
        return ""
    found = [str(n) for n in lines.loc[dates.index[(dates == stamp).to_numpy()]]]
    if len(found) < 2:
        return ""
    shown = found[:3] + ([f"{len(found) - 3} more"] if len(found) > 3 else [])
    return f" at lines {', '.join(shown[:-1])} and {shown[-1]}"


def _clock_change(repeated: pd.DatetimeIndex, index: pd.DatetimeIndex) -> bool:
    """Whether the timestamps that repeat in a file of times of day (``index``) are those of local
    times where clocks go back an hour: on each day that has any, all within one hour of the night
    (00:00 to 03:59), on at most two days a year (the repeated 02:00 of the last Sunday of October)."""
    if repeated.tz is not None or not (repeated.hour < 4).all() or (index == index.normalize()).all():
        return False
    days = pd.Series(repeated, index=repeated).groupby(repeated.normalize())
    span = days.max() - days.min()
    years = (repeated.max() - repeated.min()).days / 365.25 + 1
    return bool((span < pd.Timedelta(hours=1)).all()) and len(span) <= 2 * years


def _clock_skip(missing: pd.DatetimeIndex, index: pd.DatetimeIndex) -> pd.Timestamp | None:
    """The first of the ``missing`` timestamps of a file of times of day (``index``) where they are
    all the local night hour that clocks skip when they go forward (daylight saving time starts):
    within one hour of the night (00:00 to 03:59) on each day that has any, on at most two days a
    year; else None (the mirror of :func:`_clock_change`)."""
    if len(missing) == 0 or missing.tz is not None or (index == index.normalize()).all():
        return None
    if not (missing.hour < 4).all():
        return None
    days = pd.Series(missing, index=missing).groupby(missing.normalize())
    span = days.max() - days.min()
    years = (missing.max() - missing.min()).days / 365.25 + 1
    return missing[0] if bool((span < pd.Timedelta(hours=1)).all()) and len(span) <= 2 * years else None


def _show_time(stamp: pd.Timestamp) -> str:
    """A timestamp as a date when it falls on midnight, else in full."""
    return stamp.strftime("%Y-%m-%d") if stamp == stamp.normalize() else str(stamp)


def _list_names(names: pd.Index, limit: int = 10) -> str:
    """Comma-separated quoted names for messages, at most ``limit`` of them."""
    shown = ", ".join(_excerpt(n) for n in list(names)[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "")


def _show_char(ch: str | None) -> str:
    """Printable name of a delimiter character."""
    return {"\t": "tab", " ": "space"}.get(ch or "", repr(ch))
