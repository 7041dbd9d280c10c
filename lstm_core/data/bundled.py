"""The datasets shipped with the package (``lstm_core/datasets/*.csv``) and writing frames as CSV."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pandas as pd

from .loader import load_csv

DATASETS_DIR = Path(__file__).resolve().parent.parent / "datasets"


@lru_cache(maxsize=1)
def _airline_frame() -> pd.DataFrame:
    """The bundled airline CSV, loaded once."""
    return load_csv(DATASETS_DIR / "airline-passengers.csv").frame


def load_airline() -> pd.DataFrame:
    """Monthly airline passengers (thousands), 1949-01..1960-12.

    Returns
    -------
    pd.DataFrame
        Shape (144, 1): column "Passengers" (float64) on a monthly DatetimeIndex "Month".
    """
    return _airline_frame().copy()


def frame_to_csv_bytes(frame: pd.DataFrame) -> bytes:
    """Write a frame as UTF-8 CSV bytes with the index as the first column (ISO dates).

    The result reads back through :func:`load_csv` to the same frame.

    Parameters
    ----------
    frame : pd.DataFrame
        Frame with a DatetimeIndex or a RangeIndex (written as a "step" column).

    Returns
    -------
    bytes
        Comma-separated UTF-8 text, "\\n" line endings.
    """
    label = frame.index.name or ("date" if isinstance(frame.index, pd.DatetimeIndex) else "step")
    return frame.to_csv(index_label=label, lineterminator="\n").encode("utf-8")
