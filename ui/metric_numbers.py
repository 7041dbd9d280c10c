"""Metric numbers in the pages' tables, written as a reader writes them.

``st.column_config.NumberColumn(format="%.4g")`` writes large numbers as bare digits: a series
in the 10^15 (``huge_values.csv``) showed an RMSE of ``10090000000000`` beside an MAE of
``8044000000000``, one digit shorter and unreadable at a glance, while the verdict above the
table wrote ``10,090,000,000,000``. A column holding a value of :data:`BIG` or more is rounded
to 4 significant figures and shown with thousands separators, as
:func:`lstm_core.metrics.figure_text` writes it; smaller ones keep ``%.4g``.

The separators come from :data:`BIG_FORMAT`, ``%,.4g``: the grid's printf (sprintf-js, as
Streamlit 1.67 ships it) writes ``%.4g`` as ``String(Number(v.toPrecision(4)))``, never in exponent
notation below 1e21, and its ``,`` flag puts separators in the integer part: ``10,090,000,000,000``
and, in the same column, ``0.08154``. The column stays numeric (sorted as numbers, right-aligned).
Streamlit's ``localized`` wrote at most 3 decimals (``0.082``), with the browser's separators
(``10.090.000.000.000`` in a German browser, beside the verdict's commas).
:func:`grid_text` writes a value as the grid does (the HTML table of presenting mode).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pandas as pd

from lstm_core.metrics import BIG_FIGURE

#: From this size up (as :func:`lstm_core.metrics.figure_text`), digits with separators.
BIG = BIG_FIGURE
SMALL_FORMAT, BIG_FORMAT = "%.4g", "%,.4g"
_PRINTF = re.compile(r"^(?P<pre>[^%]*)%(?P<sep>,?)(?:\.(?P<prec>\d+))?(?P<type>[dfg])(?P<post>[^%]*)$")


def _js_number(x: float) -> str:
    """``String(x)`` in JavaScript for a finite float: no ``.0`` on a whole number below 1e21."""
    if x.is_integer() and abs(x) < 1e21:
        return str(int(x))
    return repr(x)


def _to_precision(x: float, digits: int) -> float:
    """JavaScript's ``Number(x.toPrecision(digits))``: a tie goes away from zero (1234.5 -> 1235,
    where Python's ``%.4g`` gives 1234)."""
    if x == 0:
        return 0.0
    d = Decimal(x)  # exact
    return float(d.quantize(Decimal(1).scaleb(d.adjusted() - digits + 1), rounding=ROUND_HALF_UP))


def grid_text(fmt: str, value: float) -> str | None:
    """``value`` as Streamlit's grid writes it under the printf format ``fmt`` (``%.4g``, ``%,.4g``,
    ``%,.0f``, ``%,d`` with text around it; its sprintf-js: ``g`` is
    ``String(Number(v.toPrecision(n)))``, ``,`` puts separators in the integer part); None for a
    format it does not cover, or a value that is not finite."""
    m = _PRINTF.match(fmt)
    if m is None or not math.isfinite(value):
        return None
    prec, kind = m["prec"], m["type"]
    if kind == "d":
        text = str(int(value))
    elif kind == "f":
        text = f"{value:.{int(prec)}f}" if prec else _js_number(value)
    else:
        text = _js_number(_to_precision(value, max(int(prec), 1))) if prec else _js_number(value)
    if m["sep"]:
        sign, body = ("-", text[1:]) if text.startswith("-") else ("", text)
        whole, dot, rest = body.partition(".")
        if whole.isdigit():
            text = f"{sign}{int(whole):,}{dot}{rest}"
    return f"{m['pre']}{text}{m['post']}"


def significant(values: pd.Series, digits: int = 4) -> pd.Series:
    """``values`` rounded to ``digits`` significant figures (missing values stay missing)."""
    v = values.to_numpy(dtype=np.float64)
    out = np.array([float(f"{x:.{digits}g}") if np.isfinite(x) else x for x in v])
    return pd.Series(out, index=values.index, name=values.name)


def metric_formats(table: pd.DataFrame, columns: Iterable[str]) -> tuple[pd.DataFrame, dict[str, str]]:
    """``table`` with its big metric ``columns`` rounded, and the ``NumberColumn`` format of each
    of ``columns`` that it has (:data:`BIG_FORMAT` for those, :data:`SMALL_FORMAT` for the rest)."""
    table = table.copy()
    formats: dict[str, str] = {}
    for c in columns:
        if c not in table.columns:
            continue
        big = bool((table[c].abs() >= BIG).any())
        if big:
            table[c] = significant(table[c])
        formats[c] = BIG_FORMAT if big else SMALL_FORMAT
    return table, formats
