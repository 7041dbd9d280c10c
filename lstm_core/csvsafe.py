"""CSV files that people open in a spreadsheet: no cell or header is run as a formula.

Excel, LibreOffice and Google Sheets evaluate a cell that starts with ``=``, ``+``, ``-``, ``@``
(and, for DDE, a tab or carriage return) as a formula, so a column named ``=HYPERLINK(...)`` in
an exported CSV becomes a live formula when the file is opened ("CSV injection"). The usual
defence, used here, is to prefix such text with an apostrophe, which spreadsheets show as text.

Only text is changed: numbers (``-1.5``, ``+3``, ``-inf``) are left alone, since a spreadsheet
reads them as numbers and a ``'`` would turn them into text. The change is exactly invertible
(:func:`unneutralise`), so a file written with :func:`to_csv` and read back with
:func:`read_csv` gives the original frame: text that already starts with apostrophes followed by
a trigger character (``'=x``) gets one more, and the reader removes exactly one.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import pandas as pd

#: First characters that make a spreadsheet evaluate a cell.
TRIGGERS = frozenset("=+-@\t\r")


def _is_number(text: str) -> bool:
    """Whether ``text`` reads as a number (``-1.5``, ``+3``, ``-inf``): no formula can hide in it."""
    try:
        float(text)
    except ValueError:
        return False
    return True


def _risky(text: str) -> bool:
    """Whether ``text`` (after any leading apostrophes) starts with a trigger and is not a number."""
    bare = text.lstrip("'")
    return bare[:1] in TRIGGERS and not _is_number(bare)


def neutralise(value: Any) -> Any:
    """``value`` with a ``'`` in front when it is text a spreadsheet would run as a formula;
    anything else (numbers, dates, safe text) unchanged."""
    if isinstance(value, str) and _risky(value):
        return "'" + value
    return value


def unneutralise(value: Any) -> Any:
    """Undo :func:`neutralise` exactly: ``unneutralise(neutralise(v)) == v`` for every ``v``."""
    if isinstance(value, str) and value.startswith("'") and _risky(value):
        return value[1:]
    return value


def _texty(dtype: Any) -> bool:
    return pd.api.types.is_object_dtype(dtype) or pd.api.types.is_string_dtype(dtype)


def _map_labels(labels: pd.Index, fn: Callable[[Any], Any]) -> pd.Index:
    if isinstance(labels, pd.MultiIndex):
        return labels  # not written by this project
    if _texty(labels.dtype):
        return pd.Index([fn(v) for v in labels], name=fn(labels.name), dtype=labels.dtype)
    return labels.rename(fn(labels.name))


def _map_frame(frame: pd.DataFrame, fn: Callable[[Any], Any]) -> pd.DataFrame:
    out = frame.copy()
    out.columns = _map_labels(out.columns, fn)
    out.index = _map_labels(out.index, fn)
    for i, dtype in enumerate(out.dtypes):
        if _texty(dtype):
            out.isetitem(i, out.iloc[:, i].map(fn))
    return out


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` with :func:`neutralise` applied to the column names, the index name,
    text index values and every text cell; numeric and date columns are untouched."""
    return _map_frame(frame, neutralise)


def unneutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Undo :func:`neutralise_frame` on a frame read back from CSV (names, index, text cells)."""
    return _map_frame(frame, unneutralise)


def to_csv(frame: pd.DataFrame, path: str | os.PathLike | None = None, *, index: bool = False) -> str | None:
    """``frame.to_csv`` with every risky header and text cell neutralised; returns the text
    when ``path`` is None. Floats keep pandas' round-trip precision."""
    return neutralise_frame(frame).to_csv(path, index=index)
