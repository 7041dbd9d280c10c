"""Metric numbers in the pages' tables, written as a reader writes them.

``st.column_config.NumberColumn(format="%.4g")`` writes large numbers as bare digits: a series
in the 10^15 (``huge_values.csv``) showed an RMSE of ``10090000000000`` beside an MAE of
``8044000000000``, one digit shorter and unreadable at a glance, while the verdict above the
table wrote ``10,090,000,000,000``. A column holding a value of :data:`BIG` or more is rounded
to 4 significant figures and shown with thousands separators (Streamlit's ``localized``
format), as :func:`lstm_core.verdict.rmse_text` writes it; smaller ones keep ``%.4g``.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

#: From this size up (as :func:`lstm_core.verdict.rmse_text`), digits with separators.
BIG = 10_000
SMALL_FORMAT, BIG_FORMAT = "%.4g", "localized"


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
