"""What a time index says: its frequency (gaps allowed) and the season that frequency implies."""

from __future__ import annotations

import contextlib
import re

import pandas as pd
from pandas.tseries.frequencies import to_offset

_GRID_COVERAGE = 0.75  # an irregular index is "mostly regular" when this share of its grid is present
_CALENDAR_ALIASES = (
    ("YS", 365.0),
    ("YE", 365.0),
    ("QS", 91.0),
    ("QE", 91.0),
    ("MS", 30.4),
    ("ME", 30.4),
    # business days: the last trading day of each month (2001-03-30, as the 31st was a Saturday)
    ("BYS", 365.0),
    ("BYE", 365.0),
    ("BQS", 91.0),
    ("BQE", 91.0),
    ("BMS", 30.4),
    ("BME", 30.4),
)
_SEASONS = {
    "MS": 12,
    "ME": 12,
    "BMS": 12,
    "BME": 12,
    "QS": 4,
    "QE": 4,
    "BQS": 4,
    "BQE": 4,
    "W": 52,
    "D": 7,
    "B": 5,
    "h": 24,
}
#: Most steps in the daily season of a step shorter than a day (5 minutes: 288); a day of finer
#: steps (1,440 minutes) is left to the season detected from the data.
MAX_DAILY_SEASON = 288
_DAY_NANOS = 86_400 * 10**9


def _offset_option() -> bool:
    """Whether this pandas has the option that makes ``infer_freq`` return an offset (3.1 on)."""
    try:
        pd.get_option("future.infer_freq_returns_offset")
    except pd.errors.OptionError:
        return False
    return True


_OFFSET_OPTION = _offset_option()


def _infer_freq(index: pd.DatetimeIndex) -> str | None:
    """pandas' inferred frequency alias, or None (an offset from pandas 3.1 on, a string before)."""
    with contextlib.ExitStack() as stack:
        if _OFFSET_OPTION:
            stack.enter_context(pd.option_context("future.infer_freq_returns_offset", True))
        try:
            inferred = pd.infer_freq(index)
        except (ValueError, TypeError):
            return None
    if inferred is None:
        return None
    return inferred if isinstance(inferred, str) else inferred.freqstr


def _frequency(index: pd.DatetimeIndex) -> tuple[str | None, int]:
    """Return (offset alias, missing grid points) for a sorted, unique time index."""
    if len(index) < 3:
        return None, 0
    inferred = _infer_freq(index)
    if inferred is not None:
        return inferred, 0
    span_days = (index[-1] - index[0]) / pd.Timedelta(days=1)
    weekly = f"W-{index[0].day_name()[:3].upper()}"
    month = index[0].month_name()[:3].upper()
    # quarters and years anchored on the first date's month (quarters from February, years from July)
    calendar = [(f"{a}-{month}" if a.lstrip("B")[0] in "QY" else a, days) for a, days in _CALENDAR_ALIASES]
    for alias, days in (*calendar, (weekly, 7.0), ("B", 1.4)):
        if span_days / days > len(index) / _GRID_COVERAGE + 2:
            continue
        grid = pd.date_range(index[0], index[-1], freq=alias)
        if len(grid) and index.isin(grid).all() and len(index) / len(grid) >= _GRID_COVERAGE:
            return grid.freqstr, len(grid) - len(index)
    return _fixed_step(index)


def _fixed_step(index: pd.DatetimeIndex) -> tuple[str | None, int]:
    """Frequency and gaps when every step is a multiple of the most common step."""
    steps = pd.Series(index[1:] - index[:-1])
    modal = steps.mode().iloc[0]
    if modal <= pd.Timedelta(0) or (steps % modal != pd.Timedelta(0)).any():
        return None, 0
    expected = int((index[-1] - index[0]) / modal) + 1
    if len(index) / expected < _GRID_COVERAGE:
        return None, 0
    day = pd.Timedelta(days=1)
    alias = (f"{modal // day}D" if modal > day else "D") if modal % day == pd.Timedelta(0) else to_offset(modal).freqstr
    return alias, expected - len(index)


def season_for(frequency: str | None) -> int | None:
    """Season length implied by a frequency alias (monthly 12, daily 7, ...), or None.

    Parameters
    ----------
    frequency : str or None
        pandas offset alias, e.g. "MS", "W-SUN", "D", "h".

    Returns
    -------
    int or None
        12 for monthly, 4 quarterly, 52 weekly, 7 daily, 5 business-daily, 24 hourly; a day for
        a step that divides one (15 minutes 96, 30 minutes 48, 2 hours 12), up to
        :data:`MAX_DAILY_SEASON` steps; None for other frequencies.
    """
    if frequency is None:
        return None
    offset = to_offset(frequency)
    if offset.n == 1 and offset.rule_code.split("-")[0] in _SEASONS:
        return _SEASONS[offset.rule_code.split("-")[0]]
    steps = steps_per_day(frequency)
    return steps if steps is not None and steps <= MAX_DAILY_SEASON else None


def steps_per_day(frequency: str | None) -> int | None:
    """The steps in a day of a frequency whose step divides one (15 minutes: 96, minutes: 1,440), else None."""
    if frequency is None:
        return None
    offset = to_offset(frequency)
    if isinstance(offset, pd.offsets.Tick) and 0 < offset.nanos < _DAY_NANOS and _DAY_NANOS % offset.nanos == 0:
        return int(_DAY_NANOS // offset.nanos)
    return None


def day_too_long(frequency: str | None) -> int | None:
    """The steps in a day of a step that divides one where they are more than :data:`MAX_DAILY_SEASON` (1,440
    for minutes), which :func:`season_for` leaves out; None otherwise. A minute series got no season and no word
    of it: its forecast ran away from the data with no cycle to follow."""
    steps = steps_per_day(frequency)
    return steps if steps is not None and steps > MAX_DAILY_SEASON else None


def no_season_words(frequency: str | None) -> str | None:
    """Why a series of ``frequency`` has no season where a day is too many steps for one (:func:`day_too_long`),
    and how to set one; None otherwise."""
    steps = day_too_long(frequency)
    if steps is None:
        return None
    return (
        f"no season: a day is {steps:,} steps, more than the {MAX_DAILY_SEASON} a run takes as a season, and none "
        "was found in the data; the command line's --season sets one (e.g. an hour's steps)"
    )


def weekly_season(frequency: str | None) -> int | None:
    """The weekly season of a frequency whose step divides a day (hourly 168, half-hourly 336,
    15 minutes 672): seven times its daily season (:func:`season_for`); None for any other
    frequency. Whether a run uses it is the data's call (:func:`lstm_core.prep.weekly_or_daily`):
    electricity demand repeats weekly, temperatures only daily."""
    if frequency is None:
        return None
    offset = to_offset(frequency)
    if not isinstance(offset, pd.offsets.Tick) or not 0 < offset.nanos < _DAY_NANOS:
        return None
    daily = season_for(frequency)
    return 7 * daily if daily else None


#: The yearly season of daily data (:func:`yearly_season`): a year of days.
YEAR_DAYS = 365


def yearly_season(frequency: str | None) -> int | None:
    """The yearly season of daily data (:data:`YEAR_DAYS`), for a step of one calendar day; None for
    any other frequency (business days, weeks...). Whether a run uses it is the data's call
    (:func:`lstm_core.prep.yearly_or_weekly`): a temperature follows the year, a railway's riders the
    week."""
    if frequency is None:
        return None
    offset = to_offset(frequency)
    return YEAR_DAYS if offset.rule_code == "D" and offset.n == 1 else None


def longer_season(frequency: str | None, *, yearly: bool = True) -> int | None:
    """The season a run may take instead of its time index's (:func:`season_for`) where the data
    repeats over it better: the week of a step under a day (:func:`weekly_season`), the year of a
    daily step (:func:`yearly_season`, unless ``yearly`` is False); None for other frequencies."""
    return weekly_season(frequency) or (yearly_season(frequency) if yearly else None)


_UNITS = {
    "YS": ("yearly", "year"),
    "YE": ("yearly", "year"),
    "BYS": ("yearly", "year"),
    "BYE": ("yearly", "year"),
    "QS": ("quarterly", "quarter"),
    "QE": ("quarterly", "quarter"),
    "BQS": ("quarterly", "quarter"),
    "BQE": ("quarterly", "quarter"),
    "MS": ("monthly", "month"),
    "ME": ("monthly", "month"),
    "BMS": ("monthly", "month"),
    "BME": ("monthly", "month"),
    "W": ("weekly", "week"),
    "D": ("daily", "day"),
    "B": ("business daily", "business day"),
    "h": ("hourly", "hour"),
    "min": ("every minute", "minute"),
    "s": ("every second", "second"),
}
_DAYS = {"MON": "Mondays", "TUE": "Tuesdays", "WED": "Wednesdays", "THU": "Thursdays", "FRI": "Fridays",
         "SAT": "Saturdays", "SUN": "Sundays"}  # fmt: skip


def describe_frequency(frequency: str | None) -> str:
    """A frequency alias in words for people: ``MS`` -> "monthly", ``W-SAT`` -> "weekly (Saturdays)",
    ``2D`` -> "every 2 days", ``QS-JAN`` -> "quarterly"; "no regular frequency" for None; an alias
    it does not know is returned as it is."""
    if frequency is None:
        return "no regular frequency"
    try:
        offset = to_offset(frequency)
    except ValueError:
        return frequency
    code, _, anchor = offset.rule_code.partition("-")
    if code not in _UNITS:
        return frequency
    adjective, unit = _UNITS[code]
    text = adjective if offset.n == 1 else f"every {offset.n} {unit}s"
    if code == "W" and anchor in _DAYS:
        text += f" ({_DAYS[anchor]})"
    return text


def infer_frequency(index: pd.Index) -> str | None:
    """The offset alias of a time index as the loader detects it (gaps allowed), or None.

    Parameters
    ----------
    index : pd.Index
        A DatetimeIndex (its own ``freq`` wins when set); any other index has no frequency.

    Returns
    -------
    str or None
        None for a step index, fewer than 3 timestamps, or an unsorted or irregular index.
    """
    if not isinstance(index, pd.DatetimeIndex):
        return None
    if index.freq is not None:
        return index.freqstr
    if len(index) < 3 or not index.is_monotonic_increasing or not index.is_unique:
        return None
    return _frequency(index)[0]


#: A UTC offset as the loader writes it (:func:`lstm_core.data.loader._show_offset`): ``+01:00``, ``-05:30``.
_UTC_OFFSET = re.compile(r"[+-](?:[01]\d|2[0-3]):[0-5]\d")


def is_utc_offset(text: object) -> bool:
    """Whether ``text`` is a UTC offset written ``+HH:MM`` or ``-HH:MM``."""
    return isinstance(text, str) and _UTC_OFFSET.fullmatch(text) is not None


def with_utc_offset(frame: pd.DataFrame, offset: str | None) -> pd.DataFrame:
    """``frame`` with its ``time`` column written with ``offset`` (``2024-03-04T00:00:00+01:00``): the
    times of a forecast of data whose times were written with that UTC offset (``forecast --data``, the
    Forecast page's downloads); unchanged without an offset or a column of datetimes."""
    if offset is None or "time" not in frame.columns or not pd.api.types.is_datetime64_any_dtype(frame["time"]):
        return frame
    return frame.assign(time=frame["time"].dt.strftime("%Y-%m-%dT%H:%M:%S") + offset)
