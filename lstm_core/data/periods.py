"""Time columns that are not calendar dates: period labels and decimal years.

Statistical offices and forecasting tools write periods, not days: ``1956 Q1`` (fpp3's
``yearquarter``, the ABS, the ONS), ``Q1 1956``, ``1991M07`` (Eurostat, Stata), ``1989 W28``
(fpp3's ``yearweek``, ISO weeks). R writes a time series' ``time()`` as decimal years:
``1949.0833`` is February 1949, and the Rdatasets CSV files carry such a ``time`` column. pandas
reads none of these as dates (it reads ``1956Q1`` but not ``1956 Q1``), so without this module the
column was dropped as text or kept as a number, and the series lost its frequency, its season prior
and the dates of its forecast.

Each reader returns the start of every period as a timestamp (a quarter's first day, an ISO week's
Monday), so the loader's frequency detection and the forecast's future dates work as for dates.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd
from pandas.tseries.frequencies import to_offset
from pandas.tseries.offsets import Day, Tick

from .frequency import _frequency

#: (kind, pattern) of the period labels read; ``y`` is the year, ``p`` the period within it.
#: Case does not matter; a space, ``-`` or ``/`` may separate the parts.
_SEP = r"\s*[-/ ]?\s*"
_LABELS = (
    ("quarter", rf"(?P<y>[12]\d{{3}}){_SEP}Q(?P<p>[1-4])"),
    ("quarter", rf"Q(?P<p>[1-4]){_SEP}(?P<y>[12]\d{{3}})"),
    ("month", rf"(?P<y>[12]\d{{3}}){_SEP}M(?P<p>0?[1-9]|1[0-2])"),
    ("week", rf"(?P<y>[12]\d{{3}}){_SEP}W(?P<p>0?[1-9]|[1-4]\d|5[0-3])"),
)
#: How each kind of period reads as a frequency, for the load report.
_ADJECTIVES = {"year": "yearly", "month": "monthly", "quarter": "quarterly", "week": "weekly", "day": "daily"}
#: Decimal years per year that map onto calendar periods exactly (monthly, quarterly).
_PER_YEAR = {12: "month", 4: "quarter"}
#: Days per step of decimal years that read as weekly or daily dates (R's ``ts`` with frequency
#: 52 or 365.25/7 for weeks, 365 or 365.25 for days), and the step in days each is rounded to.
_DAY_STEPS = ((6.9, 7.1, 7, "week"), (0.99, 1.01, 1, "day"))
_TOLERANCE = 1e-4  # of a period: how far a decimal year may sit from the period's start


def _month_starts(year, month) -> pd.Series:
    """The first day of each (year, month), as a Series of timestamps (NaT for an impossible one)."""
    return pd.to_datetime(pd.DataFrame({"year": year, "month": month, "day": 1}), errors="coerce")


def _first_month(kind: str, part):
    """The month a month (itself) or a quarter (1-4: January, April, July, October) starts in."""
    return 3 * (part - 1) + 1 if kind == "quarter" else part


@dataclass(frozen=True)
class PeriodReading:
    """Timestamps read from a time column that is not in a date format.

    ``dates``: the start of each period (NaT where a cell could not be read), indexed as the cells;
    ``kind``: "year", "quarter", "month", "week" or "day"; ``how``: one sentence for the load report.
    """

    dates: pd.Series
    kind: str
    how: str


def period_labels(cells: pd.Series) -> PeriodReading | None:
    """Read period labels (``1956 Q1``, ``Q1 1956``, ``1991M07``, ``1989 W28``; see :data:`_LABELS`).

    Parameters
    ----------
    cells : pd.Series
        The column's non-empty cells as strings.

    Returns
    -------
    PeriodReading or None
        None unless every cell is a label of one kind. An ISO week that does not exist (week 53 of
        a 52-week year) reads as NaT.
    """
    text = cells.astype("str").str.strip()
    if text.empty:
        return None
    for kind in ("quarter", "month", "week"):
        year = pd.Series(np.nan, index=text.index)
        part = pd.Series(np.nan, index=text.index)
        for k, pattern in _LABELS:
            if k != kind:
                continue
            found = text.str.extract(f"^(?:{pattern})$", flags=re.IGNORECASE)
            hit = found["y"].notna() & year.isna()
            year[hit] = found.loc[hit, "y"].astype("float64")
            part[hit] = found.loc[hit, "p"].astype("float64")
        if year.isna().any():
            continue
        y, p = year.astype("int64"), part.astype("int64")
        if kind == "week":
            dates = pd.to_datetime(
                y.astype("str") + "-W" + p.astype("str").str.zfill(2) + "-1", format="%G-W%V-%u", errors="coerce"
            )
            how = "ISO week labels such as {ex}; read as the Monday each week starts"
        else:
            dates = _month_starts(y, _first_month(kind, p))
            how = f"{kind} labels such as {{ex}}; read as the first day of each {kind}"
        return PeriodReading(dates, kind, how.format(ex=repr(str(text.iloc[0]))))
    return None


#: Financial (fiscal) years as accounts and statistical offices label them: a range ``2012-13``,
#: ``2012/13``, ``2012–13``, ``2012-2013`` (``FY`` before it or not), or one year named ``FY2013``,
#: ``FY13``, ``FY 2013`` (case does not matter).
_FY_RANGE = r"^\s*(?:FY\s*)?(?P<y>[12]\d{3})\s*[-/\u2013]\s*(?P<e>\d{2}|[12]\d{3})\s*$"
_FY_NAMED = r"^\s*FY\s*['\u2019-]?\s*(?P<n>\d{2}|[12]\d{3})\s*$"


def financial_years(cells: pd.Series) -> PeriodReading | None:
    """Read financial-year labels (:data:`_FY_RANGE`, :data:`_FY_NAMED`) as yearly dates.

    A range (``2012-13``) is stamped on the 1st of January of the year it starts in (2012-01-01), a
    year named (``FY2013``; ``FY13`` as 2013, a two-digit year as the latest up to next year's, else a
    century earlier) on the 1st of January of that year (2013-01-01): the note says which.

    Only where every cell is a label of one form and, for ranges, every second year is the year
    after the first (``2012-13``, ``1999-00``, ``2012-2013``). ``2012-11`` is also November 2012,
    so where every second part could be a month (``2000-01``, ``2001-02``, ...), the years must
    also be distinct and step by one from row to row in time order: year-month labels cannot do
    that (they would step by 13 months), so a column of months such as ``2012-01`` ... ``2012-12``
    stays months.

    Parameters
    ----------
    cells : pd.Series
        The column's non-empty cells as strings.

    Returns
    -------
    PeriodReading or None
    """
    text = cells.astype("str")
    if len(text) < 2:
        return None
    found = text.str.extract(_FY_RANGE, flags=re.IGNORECASE)
    if found["y"].notna().all():
        start = found["y"].astype("int64")
        end = found["e"].astype("int64")
        short = found["e"].str.len() == 2
        if not np.all(np.where(short, end == (start + 1) % 100, end == start + 1)):
            return None
        if short.all() and (end <= 12).all():  # each also reads as a year and a month: only years that step by one
            distinct = np.sort(start.unique())
            if len(distinct) != len(start) or np.any(np.diff(distinct) != 1):
                return None
        example = str(text.iloc[0]).strip()
        how = (
            f"financial-year labels such as {example!r}; read as yearly, each on the 1st of January of the year it "
            f"starts in: {start.iloc[0]}-01-01 stands for the year starting in {start.iloc[0]}"
        )
        return PeriodReading(pd.Series(_month_starts(start, 1).to_numpy(), index=cells.index), "year", how)
    found = text.str.extract(_FY_NAMED, flags=re.IGNORECASE)
    if found["n"].isna().any():
        return None
    named = found["n"].astype("int64")
    short = found["n"].str.len() == 2
    # a year named by two digits is the latest such year up to next year's (FY27 names the year that
    # ends in 2027, under way in 2026), not pandas' 00-68 as 20xx: an older one is a century earlier
    latest = pd.Timestamp.now().year + 1
    century = np.where(2000 + named <= latest, 2000, 1900)
    year = named.where(~short, named + century)
    if year.nunique() < 2:
        return None
    example = str(text.iloc[0]).strip()
    how = (
        f"financial-year labels such as {example!r}; read as yearly, each on the 1st of January of the year it "
        f"names: {year.iloc[0]}-01-01 stands for {example}"
    )
    if short.any():
        how += f" (two-digit years as {year.min()}-{year.max()}, none after {latest})"
    return PeriodReading(pd.Series(_month_starts(year, 1).to_numpy(), index=cells.index), "year", how)


def decimal_years(values: pd.Series) -> PeriodReading | None:
    """Read decimal years as R writes a time series' ``time()`` (``1949.0833`` = February 1949).

    Parameters
    ----------
    values : pd.Series
        The column's numbers (NaN for empty cells).

    Returns
    -------
    PeriodReading or None
        None unless every value lies in 1000-2999, not all are whole, and the sorted values step
        evenly by a month or a quarter (each on a period's start), or by a week or a day.
    """
    v = values.to_numpy(dtype=np.float64)
    if len(v) < 3 or not np.all(np.isfinite(v)) or np.all(v % 1 == 0):
        return None
    if v.min() < 1000 or v.max() >= 3000:
        return None
    distinct = np.unique(v)  # sorted
    if len(distinct) < len(v):
        return None
    # the step over the whole span (a gap is a whole multiple of the usual step; values written
    # with few decimals are off by their rounding, which averages out over the span)
    span = float(distinct[-1] - distinct[0])
    step = span / max(round(span / float(np.median(np.diff(distinct)))), 1)
    per_year = 1.0 / step
    for count, kind in _PER_YEAR.items():
        if abs(per_year - count) > 1e-3 * count:
            continue
        index = np.round(v * count)
        if np.max(np.abs(v * count - index)) > _TOLERANCE * count:
            return None
        index = index.astype(np.int64)
        year, sub = index // count, index % count
        dates = _month_starts(year, _first_month(kind, sub + 1))
        return PeriodReading(pd.Series(dates.to_numpy(), index=values.index), kind, _decimal_how(values, kind))
    days = step * 365.25
    for lo, hi, unit, kind in _DAY_STEPS:
        if not lo <= days <= hi:
            continue
        counts = (v - v[0]) / step
        if np.max(np.abs(counts - np.round(counts))) > 0.05:
            return None
        first = _decimal_to_day(float(v[0]))
        dates = first + pd.to_timedelta(np.round(counts).astype(np.int64) * unit, unit="D")
        return PeriodReading(pd.Series(dates, index=values.index), kind, _decimal_how(values, kind))
    return None


def _decimal_to_day(value: float) -> pd.Timestamp:
    """The calendar day a decimal year falls on (its fraction of that year's days, rounded)."""
    year = int(np.floor(value))
    start = pd.Timestamp(year=year, month=1, day=1)
    length = (pd.Timestamp(year=year + 1, month=1, day=1) - start).days
    return start + pd.Timedelta(days=round((value - year) * length))


def _decimal_how(values: pd.Series, kind: str) -> str:
    """The load report's words for a decimal-year reading."""
    example = f"{float(values.iloc[1]):.4f}".rstrip("0")
    return f"decimal years such as {example} (as R writes a time series' time()); read as {_ADJECTIVES[kind]} dates"


#: Column names (whole, case-insensitive) of a year column and of the period column beside it.
_YEAR_NAME = re.compile(r"\s*(?:year|yr|yyyy)\s*", re.IGNORECASE)
_PERIOD_NAMES = {
    "month": re.compile(r"\s*(?:month|mon|mo|mm)\s*", re.IGNORECASE),
    "quarter": re.compile(r"\s*(?:quarter|qtr|q)\s*", re.IGNORECASE),
}
_MONTH_WORDS = "january february march april may june july august september october november december".split()
#: Month numbers by name, first three letters, and ``sept`` (lower case, without a full stop)
_MONTH_NUMBERS = {w: i + 1 for i, w in enumerate(_MONTH_WORDS)} | {w[:3]: i + 1 for i, w in enumerate(_MONTH_WORDS)}
_MONTH_NUMBERS["sept"] = 9


def _period_numbers(cells: pd.Series, kind: str) -> pd.Series | None:
    """The period numbers (1-12 months, 1-4 quarters) a period column holds: numbers, month
    names or their first three letters, or ``Q1``-``Q4``; None unless every cell is one."""
    text = cells.astype("str").str.strip().str.lower()
    top = 12 if kind == "month" else 4
    number = pd.to_numeric(text.str.removeprefix("q") if kind == "quarter" else text, errors="coerce")
    if kind == "month" and number.isna().any():
        number = text.str.rstrip(".").map(_MONTH_NUMBERS)
    if number.isna().any() or not ((number % 1 == 0) & (number >= 1) & (number <= top)).all():
        return None
    return number.astype("int64")


def year_and_period(cells: pd.DataFrame, numbers: pd.DataFrame) -> tuple[PeriodReading, list[str]] | None:
    """Dates from a year column and a month or quarter column beside it (``year,month,value``:
    NOAA's Mauna Loa file, many government tables), when the years repeat (a year column alone is
    the time of a yearly series); with a day-of-month column beside them too (``year,month,day``),
    the days.

    Parameters
    ----------
    cells : pd.DataFrame
        The file's cells as strings (None for empty ones).
    numbers : pd.DataFrame
        The same cells as numbers (NaN where they are not).

    Returns
    -------
    (PeriodReading, [year column, period column]) or None
        The first day of each month or quarter (or each day, with ``[year, month, day]`` columns);
        None without such a pair of full columns.
    """
    for year_col in [c for c in cells.columns if _YEAR_NAME.fullmatch(str(c))]:
        years = numbers[year_col]
        if years.isna().any() or not ((years % 1 == 0) & (years >= 1000) & (years <= 2999)).all():
            continue
        if not years.duplicated().any():
            continue
        for kind, pattern in _PERIOD_NAMES.items():
            for col in [c for c in cells.columns if c != year_col and pattern.fullmatch(str(c))]:
                if cells[col].isna().any():
                    continue
                part = _period_numbers(cells[col], kind)
                if part is None:
                    continue
                dates = _month_starts(years.astype("int64"), _first_month(kind, part))
                how = f"the years of {year_col!r} with the {kind}s of {col!r}; read as the first day of each {kind}"
                daily = _with_days(cells, numbers, years, part, [year_col, col]) if kind == "month" else None
                if daily is not None:
                    return daily
                return PeriodReading(pd.Series(dates.to_numpy(), index=cells.index), kind, how), [year_col, col]
    return None


#: Column names (whole, case-insensitive) of the day of the month beside a year and a month column.
_DAY_NAME = re.compile(r"\s*(?:day|dd|dom|mday|day[ _.]?of[ _.]?month)\s*", re.IGNORECASE)


def _with_days(
    cells: pd.DataFrame, numbers: pd.DataFrame, years: pd.Series, months: pd.Series, used: list[str]
) -> tuple[PeriodReading, list[str]] | None:
    """Daily dates where a day-of-month column (1-31, every cell) sits beside the year and month
    columns ``used`` (``year,month,day,value``: CRSP's daily returns, weather stations), and every
    (year, month, day) is a calendar date; else None (the months alone are the time)."""
    for col in [c for c in cells.columns if c not in used and _DAY_NAME.fullmatch(str(c))]:
        day = numbers[col]
        if cells[col].isna().any() or day.isna().any() or not ((day % 1 == 0) & (day >= 1) & (day <= 31)).all():
            continue
        frame = pd.DataFrame({"year": years.astype("int64"), "month": months, "day": day.astype("int64")})
        dates = pd.to_datetime(frame, errors="coerce")
        if dates.isna().any():
            continue  # 31 February: not a day of the month
        how = f"the years of {used[0]!r}, the months of {used[1]!r} and the days of {col!r}"
        return PeriodReading(pd.Series(dates.to_numpy(), index=cells.index), "day", how), [*used, col]
    return None


_EXCEL_EPOCH = pd.Timestamp("1899-12-30")  # Excel's day 0 (with its 1900 leap-year quirk built in)
_EXCEL_DAYS = (10_000, 80_000)  # Excel day numbers read as dates: 1927-05-18 to 2119-01-10
_EXCEL_SLACK = 5  # seconds off a whole minute that Excel date-times written with 4 decimals may be
_UNIX_SECONDS = (1e8, 4.1e9)  # 1973-03-03 to 2099-12-03
#: Names (lower case) that say a column holds Unix time: time, date, epoch, unix or stamp
#: anywhere, or ts or utc as words of their own (``ts``, ``created_ts``, ``utc``).
UNIX_NAME = re.compile(r"time|date|epoch|unix|stamp|(?<![a-z])(?:ts|utc)(?![a-z])")
#: Names of counters and keys (``id``, ``row``, ``customer_no``): a first column so named is
#: never read as Unix time (unless its name also says time, :data:`UNIX_NAME`).
_KEY_NAME = re.compile(
    r"(?<![a-z])(?:id|row|rownum|rows|index|idx|key|no|nr|num|number|seq|count|step|n|code)(?![a-z])"
)


def compact_dates(name: str, values: pd.Series, first: bool = False) -> PeriodReading | None:
    """Read whole numbers that write a date without separators or as a count.

    ``20200131`` (YYYYMMDD) and ``202001`` (YYYYMM) in any column named for time; ``800102``
    (YYMMDD) and Excel's day numbers (``43831`` = 2020-01-01, a date column that lost its format)
    in a column whose name says ``date``; Unix time in seconds (``946684800`` = 2000-01-01) or milliseconds in one whose
    name says time (:data:`UNIX_NAME`: ``time``, ``date``, ``ts``, ``epoch``, ...) or, with
    ``first``, in any column not named as a key or counter (:data:`_KEY_NAME`) whose values also
    look like a clock's: in file order they only rise or only fall, every step is a whole number
    of minutes, and the times lie on a regular grid (gaps allowed). Numbers that are not all whole
    are read as Excel's date-times where :func:`excel_times` reads them.

    Parameters
    ----------
    name : str
        The column's name.
    values : pd.Series
        Its numbers, none missing.
    first : bool, default False
        Whether the column may be Unix time whatever its name: the file's first column, or the
        column already taken as the time.

    Returns
    -------
    PeriodReading or None
        None unless every value reads one of these ways.
    """
    v = values.to_numpy(dtype=np.float64)
    if len(v) < 3 or not np.all(np.isfinite(v)) or v.min() < 0:
        return None
    label = str(name).lower()
    if not np.all(v == np.round(v)):
        return excel_times(label, values)
    text = pd.Series(v.astype(np.int64).astype(str), index=values.index)
    lengths = set(text.str.len())
    for digits, fmt, kind, words in ((8, "%Y%m%d", "day", "YYYYMMDD"), (6, "%Y%m", "month", "YYYYMM")):
        if lengths == {digits}:
            dates = pd.to_datetime(text, format=fmt, errors="coerce")
            if dates.notna().all() and dates.dt.year.between(1000, 2999).all():
                return PeriodReading(dates, kind, f"whole numbers such as {text.iloc[0]} ({words}); read as dates")
    if lengths == {6} and "date" in label and (dates := _yymmdd(text)) is not None:
        return PeriodReading(dates, "day", f"whole numbers such as {text.iloc[0]} (YYMMDD); read as dates")
    if "date" in label and _EXCEL_DAYS[0] <= v.min() and v.max() <= _EXCEL_DAYS[1]:
        dates = _EXCEL_EPOCH + pd.to_timedelta(v.astype(np.int64), unit="D")
        how = f"whole numbers such as {text.iloc[0]}, read as Excel's day numbers (days since 1899-12-30)"
        return PeriodReading(pd.Series(dates, index=values.index), "day", how)
    named = UNIX_NAME.search(label) is not None
    if not named and not (first and _KEY_NAME.search(label) is None):
        return None
    for unit, scale, words in (("s", 1, "seconds"), ("ms", 1000, "milliseconds")):
        if not (_UNIX_SECONDS[0] * scale <= v.min() and v.max() <= _UNIX_SECONDS[1] * scale):
            continue
        stamps = pd.to_datetime(v.astype(np.int64), unit=unit)  # naive, in UTC
        if not named and not _clock_like(v, stamps, 60 * scale):
            return None
        start = stamps[0]
        shown = f"{start:%Y-%m-%d}" if start == start.normalize() else f"{start:%Y-%m-%d %H:%M:%S}"
        how = (
            f"whole numbers such as {text.iloc[0]}, read as Unix time in {words} since 1970-01-01 UTC "
            f"({text.iloc[0]} is {shown} UTC); if they are not times, rename the column and move it after the "
            f"values; if they are, writing them as dates (e.g. {start:%Y-%m-%d}) avoids the guess"
        )
        return PeriodReading(pd.Series(stamps, index=values.index), "time", how)
    return None


def _yymmdd(text: pd.Series) -> pd.Series | None:
    """Six-digit dates with a two-digit year (``800102`` = 1980-01-02, as Ecdat's ``Garch`` and old
    exports write them), or None unless every one reads so; a year that would lie in the future is
    a century earlier (pandas reads 00-68 as 20xx)."""
    dates = pd.to_datetime(text, format="%y%m%d", errors="coerce")
    if dates.isna().any():
        return None
    future = dates > pd.Timestamp.now()
    return dates.where(~future, dates - pd.DateOffset(years=100))


#: Names (lower case) that say a column of Excel day numbers with fractions holds date-times.
_EXCEL_NAME = re.compile(r"date|stamp")


def excel_times(name: str, values: pd.Series) -> PeriodReading | None:
    """Read Excel's date-times as a spreadsheet writes them once their format is lost: day numbers
    with the time of day as a fraction (``43831.625`` = 2020-01-01 15:00), in a column whose name
    says ``date`` or ``stamp`` (``DateTime``, ``Timestamp``; a bare ``time`` may count seconds).

    The times are rounded to the second, and to the minute where every one lies within
    :data:`_EXCEL_SLACK` seconds of a minute (fractions written with four or five decimals).

    Parameters
    ----------
    name : str
        The column's name.
    values : pd.Series
        Its numbers, none missing, not all whole.

    Returns
    -------
    PeriodReading or None
        None unless the name says so and every value lies in :data:`_EXCEL_DAYS`.
    """
    v = values.to_numpy(dtype=np.float64)
    if not _EXCEL_NAME.search(str(name).lower()) or not (_EXCEL_DAYS[0] <= v.min() and v.max() <= _EXCEL_DAYS[1]):
        return None
    seconds = np.round(v * 86_400).astype(np.int64)
    minutes = np.round(seconds / 60).astype(np.int64) * 60
    if np.all(np.abs(seconds - minutes) <= _EXCEL_SLACK):
        seconds = minutes
    stamps = _EXCEL_EPOCH + pd.to_timedelta(seconds, unit="s")
    k = int(np.argmax(v != np.round(v)))  # a cell with a time of day
    shown = f"{float(v[k]):.6f}".rstrip("0")
    how = (
        f"numbers such as {shown}, read as Excel's date-times (days since 1899-12-30, the time of day as "
        f"the fraction: {shown} is {stamps[k]:%Y-%m-%d %H:%M:%S})"
    )
    return PeriodReading(pd.Series(stamps, index=values.index), "time", how)


def _clock_like(v: np.ndarray, stamps: pd.DatetimeIndex, minute: int) -> bool:
    """Whether numbers that fit Unix time also look like a clock's readings (not sales or an id
    counter that happen to be that large): strictly rising or falling in file order, every step a
    whole number of minutes (``minute``: the units in a minute), on a regular grid (gaps allowed)
    of a calendar frequency (monthly, weekly, ...), a step that divides a day (15 minutes, an
    hour, 6 hours) or a whole number of days up to a week."""
    steps = np.diff(v)
    if not ((steps > 0).all() or (steps < 0).all()) or np.any(np.abs(steps) % minute):
        return False
    frequency, _ = _frequency(pd.DatetimeIndex(stamps).sort_values())
    if frequency is None:
        return False
    offset = to_offset(frequency)
    if not isinstance(offset, (Tick, Day)):
        return True  # months, quarters, years, weeks, business days
    seconds = int(offset.nanos // 1_000_000_000)
    day = 86_400
    return seconds > 0 and (day % seconds == 0 or (seconds % day == 0 and seconds <= 7 * day))


#: A month and a two-digit year written with ``/`` or ``-`` (``01/00``, ``12-99``).
_MONTH_YEAR = r"^\s*(?P<m>0?[1-9]|1[0-2])(?P<sep>[/-])(?P<y>\d{2})\s*$"
#: A month and a four-digit year written with a dot, as German and other European exports write
#: them (``01.1992``, ``1.1992``), or the year first with a two-digit month (``1992.01``): a
#: number reader takes both for decimals (1.1992, 1992.01).
_DOTTED_MONTHS = (
    (r"^\s*(?P<m>0?[1-9]|1[0-2])(?P<sep>\.)(?P<y>[12]\d{3})\s*$", "MM.YYYY", "%m.%Y"),
    (r"^\s*(?P<y>[12]\d{3})(?P<sep>\.)(?P<m>0[1-9]|1[0-2])\s*$", "YYYY.MM", "%Y.%m"),
)


def could_be_labels(cells: pd.Series, head: int = 50) -> bool:
    """Whether each of the first ``head`` cells is a label that :func:`period_labels`,
    :func:`month_years` or :func:`financial_years` reads (any of their patterns): each reads a
    column only where every cell is such a label, so a column whose first cells are not (ISO
    timestamps) is passed over without running their patterns on every cell (a 500,000-row file
    took 11 s in them)."""
    text = cells.head(head).astype("str")
    if text.empty:
        return False
    patterns = [
        *(re.compile(rf"^\s*(?:{pattern})\s*$", re.IGNORECASE) for _, pattern in _LABELS),
        re.compile(_MONTH_YEAR),
        *(re.compile(pattern) for pattern, _, _ in _DOTTED_MONTHS),
        re.compile(_FY_RANGE, re.IGNORECASE),
        re.compile(_FY_NAMED, re.IGNORECASE),
    ]
    return all(any(p.search(cell) for p in patterns) for cell in text)


def month_years(cells: pd.Series) -> PeriodReading | None:
    """Read months written as MM/YY (``01/00`` = January 2000) or MM-YY, or with a dot and a
    four-digit year (``01.1992``, ``1992.01``: :data:`_DOTTED_MONTHS`), where that reading is the
    only sensible one: every cell is such a pair with one separator and a first number of 12 or
    less, the months run on (or back) month by month in file order (at least :data:`MONTH_RUN` of
    the steps one month, the rest skipping months) and span more than one year, so that the cells
    cannot be day/month without a year (``03/01``, ``04/01``, ... as 3, 4, ... January) or YY/MM.

    Parameters
    ----------
    cells : pd.Series
        The column's non-empty cells as strings.

    Returns
    -------
    PeriodReading or None
        The first day of each month (two-digit years 00-68 as 20xx and 69-99 as 19xx, as pandas
        reads ``%y``), or None.
    """
    text = cells.astype("str")
    if len(text) < 3:
        return None
    found = text.str.extract(_MONTH_YEAR)
    if not found["m"].isna().any() and found["sep"].nunique() == 1:
        short = found["y"].astype("int64")
        sep = found["sep"].iloc[0]
        year = short + np.where(short <= 68, 2000, 1900)
        shown, fmt, why = f"MM{sep}YY", f"%m{sep}%y", "as every first number is 12 or less"
        words = "month and two-digit year"
    else:  # 01.1992, 1992.01
        for pattern, shown, fmt in _DOTTED_MONTHS:
            found = text.str.extract(pattern)
            if not found["m"].isna().any():
                break
        else:
            return None
        year = found["y"].astype("int64")
        words, why = "month and year", "as the rows run month by month with the months 1 to 12"
    month = found["m"].astype("int64")
    if year.nunique() < 2:
        return None
    order = (year * 12 + month).to_numpy()
    steps = np.diff(order)
    if not ((steps > 0).all() or (steps < 0).all()) or np.mean(np.abs(steps) == 1) < MONTH_RUN:
        return None
    dates = _month_starts(year, month)
    how = (
        f"dates such as {str(text.iloc[0]).strip()!r} read as {words} ({shown}, format {fmt!r}), {why}"
        + (" and the rows run month by month" if words.endswith("two-digit year") else "")
        + "; each is the first day of its month"
    )
    return PeriodReading(pd.Series(dates.to_numpy(), index=cells.index), "month", how)


#: A time of day as loggers and spreadsheets write it beside a date column: ``14:30``,
#: ``14:30:05.5``, ``8:00 a.m.``, ``8 PM``. Each cell needs a colon or an a.m./p.m. marker (a
#: bare number is not a time of day).
_TIME_OF_DAY = (
    r"^\s*(?P<h>\d{1,2})(?::(?P<m>\d{2})(?::(?P<s>\d{2}(?:\.\d+)?))?)?\s*(?P<ampm>[ap])?\.?\s*(?(ampm)m\.?)\s*$"
)


def times_of_day(cells: pd.Series) -> pd.Series | None:
    """The times of day of a column of cells (text) as offsets from midnight (timedeltas, NaT for
    an empty cell), or None unless every non-empty cell is one (:data:`_TIME_OF_DAY`, hours below
    24, minutes and seconds below 60; with a.m. or p.m., hours 1 to 12)."""
    text = cells.dropna().astype(str)
    text = text[text.str.strip() != ""]
    if text.empty:
        return None
    found = text.str.extract(_TIME_OF_DAY, flags=re.IGNORECASE)  # NaN throughout a row that does not match
    ampm = found["ampm"].str.lower()
    marked = ampm.notna()
    if found["h"].isna().any() or (found["m"].isna() & ~marked).any():
        return None
    hours = found["h"].astype(int)
    minutes = found["m"].fillna("0").astype(int)
    seconds = found["s"].fillna("0").astype(float)
    if (hours[marked] < 1).any() or (hours[marked] > 12).any() or (hours > 23).any():
        return None
    if (minutes > 59).any() or (seconds >= 60).any():
        return None
    hours = hours.where(~marked, hours % 12 + np.where(ampm == "p", 12, 0))
    offsets = pd.to_timedelta(hours * 3600 + minutes * 60 + seconds, unit="s")
    return offsets.reindex(cells.index)


def date_and_time(cells: pd.DataFrame, dates: pd.Series, exclude: list[str]) -> tuple[pd.Series, str] | None:
    """Dates that repeat, read with the times of day of another column: ``Date,Time,Value`` (a
    logger, UCI's household power file) or ``date,time,price`` with ``8:00 a.m.`` and ``12:00
    p.m.`` rows. Returns the combined timestamps and the time column's name, or None where the
    dates already hold times, do not repeat, or no other column (but ``exclude``) holds only times
    of day."""
    stamps = dates.dropna()
    if stamps.empty or not stamps.duplicated().any() or (stamps != stamps.dt.normalize()).any():
        return None
    for column in cells.columns:
        if column in exclude:
            continue
        offsets = times_of_day(cells[column])
        if offsets is None:
            continue
        combined = dates + offsets.fillna(pd.Timedelta(0))
        return combined.where(dates.notna() & offsets.notna()), column
    return None


#: The day a column of times of day without dates is read from: a fixed date, so that the same
#: file always reads the same (pandas would put every time on the day it is read).
CLOCK_START = pd.Timestamp("2000-01-01")
#: A time of day earlier than the one before it is read as the next day's (a clock passing
#: midnight) only where the step over midnight is at most this many times the readings' median
#: step: hourly readings from 22:00 to 03:00 pass a midnight; times that count down within a
#: game's quarter (9:47, then 9:07) do not.
CLOCK_WRAP = 3.0


@dataclass
class ClockReading:
    """A column of times of day without dates, read as timestamps from :data:`CLOCK_START`.

    ``dates``: the timestamps (NaT for an empty cell); ``midnights``: how many times the clock
    passed midnight; ``back``: the first pair of cells (earlier, later) where the time goes back
    by more than a night can explain (:data:`CLOCK_WRAP`), else None (then ``dates`` is None)."""

    dates: pd.Series | None
    midnights: int = 0
    back: tuple[str, str] | None = None


def clock_times(cells: pd.Series) -> ClockReading | None:
    """Read a column whose every non-empty cell is a time of day (:func:`times_of_day`) and none
    a date: ``09:00``, ``9:05 PM``. Consecutive rows are consecutive readings: a time earlier
    than the one before it starts the next day, where the readings' steps allow that. None for
    any other column."""
    offsets = times_of_day(cells)
    if offsets is None:
        return None
    present = offsets.dropna()
    secs = present.dt.total_seconds().to_numpy()
    steps = np.diff(secs)
    ahead = steps[steps > 0]
    step = float(np.median(ahead)) if len(ahead) else 0.0
    wrapped = steps < 0
    over_night = steps + 86_400.0
    bad = wrapped & ~(over_night <= CLOCK_WRAP * step)
    if bad.any():
        i = int(np.argmax(bad))
        text = cells.loc[present.index].astype(str).str.strip()
        return ClockReading(None, back=(text.iloc[i], text.iloc[i + 1]))
    days = np.concatenate([[0], np.cumsum(wrapped)])
    stamps = CLOCK_START + present + pd.to_timedelta(days, unit="D")
    return ClockReading(stamps.reindex(cells.index), int(days[-1]) if len(days) else 0)


#: A column of month names is read as consecutive months where at least this share of its steps
#: go on by one month (the rest may skip months: gaps); a month that repeats ends the reading.
MONTH_RUN = 0.8


@dataclass
class MonthReading:
    """A column of month names without years, read as the first day of each month from
    :data:`CLOCK_START`'s year, in the file's order.

    ``dates``: the timestamps (NaT for an empty cell), or None where the months do not run on
    month by month (:func:`month_names`); ``years``: how many times the months start again (a year
    on each time); ``of_year``: each non-empty cell's month in that one year, repeats and all
    (what tells several series apart, :func:`lstm_core.data.keys.find_keys`)."""

    dates: pd.Series | None
    of_year: pd.Series
    years: int = 0


def month_numbers(cells: pd.Series) -> pd.Series | None:
    """The month numbers (1-12, NaN for an empty cell) of a column whose every non-empty cell is a
    month's name or its first three letters (``Jan``, ``march``, ``Sept.``), at least two of them;
    None for any other column."""
    text = cells.dropna().astype(str).str.strip().str.lower().str.rstrip(".")
    text = text[text != ""]
    if len(text) < 2:
        return None
    number = text.map(_MONTH_NUMBERS)
    if number.isna().any():
        return None
    return number.astype("float64").reindex(cells.index)


def month_names(cells: pd.Series) -> MonthReading | None:
    """Read a column of month names without years (:func:`month_numbers`) as consecutive months in
    the file's order, from :data:`CLOCK_START`'s year on: a month earlier in the year than the one
    before it starts the next year. None for any other column; ``dates`` None where a month
    repeats or most steps skip months (:data:`MONTH_RUN`): month names that label something else
    (a lottery's draws by month, or several series one under another)."""
    number = month_numbers(cells)
    if number is None:
        return None
    present = number.dropna()
    m = present.to_numpy(dtype=np.int64)

    def starts(years: np.ndarray) -> pd.Series:
        return _month_starts(CLOCK_START.year + years, m).set_axis(present.index)

    of_year = starts(np.zeros(len(m), dtype=np.int64))
    steps = (np.diff(m) + 12) % 12  # months on from the row before: 1 for consecutive months
    if (steps == 0).any() or np.mean(steps == 1) < MONTH_RUN:
        return MonthReading(None, of_year)
    years = np.concatenate([[0], np.cumsum(np.diff(m) <= 0)])
    return MonthReading(starts(years).reindex(cells.index), of_year, int(years[-1]))
