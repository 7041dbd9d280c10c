"""Files that hold several series stacked in rows (long or "tidy" format), and choosing one.

fpp3's tsibbles, Kaggle's store sales and most database exports keep one row per time *and*
series: ``Month,State,Industry,Turnover`` or ``date,store_nbr,family,sales``. The series is told
apart by key columns. The loader then finds each timestamp several times; :func:`find_keys` names
the key columns that make every (time, key) pair unique, so the error can say which series the file
holds and how to choose one, and :func:`select_rows` keeps one series' rows (``load_csv(select=)``,
the CLI's ``--select COLUMN=VALUE``, the Data page's choice).
"""

from __future__ import annotations

import shlex
from collections.abc import Collection, Mapping
from itertools import combinations

import pandas as pd

from .errors import DataError, _excerpt
from .target import did_you_mean

#: Most distinct values a key column may have (more: an identifier of rows, not of series).
MAX_KEY_VALUES = 2_000
#: Columns tried as keys (those with the fewest values), alone and in twos and threes.
MAX_KEY_CANDIDATES = 12
#: Fewest rows the series of a key must hold, at the median: keys that split the rows into series of
#: one or two points (a survival table's thickness and age beside a repeating time) name rows, not
#: series, and the file's repeated timestamps get their own error.
MIN_SERIES_ROWS = 3
#: Least share of the rows whose time another row also has. Series stacked one under another overlap
#: in time, so most of their timestamps repeat; a local-time hourly file repeats one hour where the
#: clock goes back in autumn (2 rows in 8,760 a year), and its values are no keys of series.
MIN_SHARED_ROWS = 0.1
#: Values of each key column listed in the error and offered on the Data page, most rows first.
SHOWN_VALUES = 500


class SeveralSeriesError(DataError):
    """A file that holds ``count`` series one under another; ``keys`` maps each key column to its
    values (most rows first, at most :data:`SHOWN_VALUES`), ``example`` is one series' choice."""

    def __init__(self, message: str, keys: dict[str, list[str]], example: dict[str, str], count: int):
        super().__init__(message)
        self.keys = keys
        self.example = example
        self.count = count


def find_keys(cells: pd.DataFrame, dates: pd.Series, exclude: list[str], numeric: Collection[str]) -> list[str] | None:
    """The fewest columns (one to three; columns of text before any of numbers) that, with the time,
    make every row unique, split the rows into series of :data:`MIN_SERIES_ROWS` or more (at the
    median), and leave a column of numbers to be the series; only where :data:`MIN_SHARED_ROWS` of
    the rows or more share their time with another row.

    Parameters
    ----------
    cells : pd.DataFrame
        The file's cells as strings (NaN for empty ones), one row per data row.
    dates : pd.Series
        The time of each row (same index).
    exclude : list of str
        Columns that are not keys (the time columns).
    numeric : collection of str
        The columns of numbers: keys that take them all leave nothing to forecast (the one column
        of values of a file whose timestamps repeat is not a key).

    Returns
    -------
    list of str or None
        None when no such columns exist (the timestamps repeat for another reason).
    """
    n = len(cells)
    if dates.duplicated(keep=False).mean() < MIN_SHARED_ROWS:
        return None
    candidates = []
    for column in cells.columns:
        if column in exclude:
            continue
        values = cells[column].fillna("")
        k = values.nunique()
        if 2 <= k <= min(MAX_KEY_VALUES, n // 2):
            candidates.append((k, column))
    candidates.sort()
    names = [c for _, c in candidates[:MAX_KEY_CANDIDATES]]
    stamps = dates.reset_index(drop=True)
    # Columns of text first: a column of whole numbers can tell the rows of each time apart too (the
    # units sold of four shops of different sizes), and it was named the key, "--select Units=35",
    # over the State and Industry columns beside it. Numbers are keys only where no text columns are.
    text = [c for c in names if c not in set(numeric)]
    for pool in (text, names):
        for size in (1, 2, 3):
            for combo in combinations(pool, size):
                if not set(numeric) - set(exclude) - set(combo):
                    continue
                key = pd.concat([stamps] + [cells[c].fillna("").reset_index(drop=True) for c in combo], axis=1)
                if not key.duplicated().any() and key.iloc[:, 1:].value_counts().median() >= MIN_SERIES_ROWS:
                    return list(combo)
    return None


def several_series_error(cells: pd.DataFrame, keys: list[str]) -> SeveralSeriesError:
    """The error for a file whose rows hold one series per value of ``keys``."""
    groups = cells[keys].fillna("").value_counts()  # (a MultiIndex of value tuples, most rows first)
    example = {c: str(v) for c, v in zip(keys, groups.index[0])}
    values = {c: cells[c].fillna("").value_counts().index[:SHOWN_VALUES].astype(str).tolist() for c in keys}
    which = " and ".join(_excerpt(c) for c in keys)
    chosen = " ".join("--select " + shlex.quote(f"{c}={v}") for c, v in example.items())
    message = (
        f"The file holds {len(groups):,} series, one under another, one for each value of {which}; "
        f"choose one (on the Data page, or with {chosen} in the command line)."
    )
    return SeveralSeriesError(message, values, example, len(groups))


def select_rows(
    cells: pd.DataFrame, lines: pd.Series, select: Mapping[str, str], notes: list[str]
) -> tuple[pd.DataFrame, pd.Series]:
    """Keep the rows whose cell in each column of ``select`` is its value (compared as stripped
    text); a note says how many; a clear error names a missing column or value, and the one it
    differs from only in letter case where there is one (``did you mean 'PCE'?``)."""
    keep = pd.Series(True, index=cells.index)
    for column, value in select.items():
        if column not in cells.columns:
            listed = ", ".join(_excerpt(c) for c in list(cells.columns)[:10])
            hint = did_you_mean(column, cells.columns, _excerpt)  # --select Variable=pce of a column 'variable'
            raise DataError(f"Column {_excerpt(column)} was not found{hint}; the columns are {listed}.")
        text = cells[column].fillna("").astype(str).str.strip()
        match = text == str(value).strip()
        if not (keep & match).any():
            present = text[keep].value_counts().index
            seen = ", ".join(_excerpt(v) for v in present[:5])
            hint = did_you_mean(value, present, _excerpt)  # 'pce' of a column of 'PCE'
            raise DataError(
                f"No row has {_excerpt(value)} in column {_excerpt(column)}{hint}; its values include {seen}."
            )
        keep &= match
    which = " and ".join(f"{c} is {_excerpt(v)}" for c, v in select.items())
    notes.append(f"Kept the {int(keep.sum()):,} of {len(keep):,} rows where {which}.")
    return cells[keep].reset_index(drop=True), lines[keep].reset_index(drop=True)
