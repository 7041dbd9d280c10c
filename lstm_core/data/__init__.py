"""The data layer: CSV loading with validation, seeded demo series, bundled datasets.

Split by job:

- :mod:`.loader` -- :func:`load_csv`, :class:`LoadedData`, :class:`DataReport`;
- :mod:`.series` -- :class:`Series`, a frame with its frequency and season;
- :mod:`.frequency` -- the frequency of a time index and the season it implies;
- :mod:`.generators` -- :func:`generate` and the demo series;
- :mod:`.bundled` -- the shipped datasets and :func:`frame_to_csv_bytes`;
- :mod:`.target` -- :func:`default_target`, the column forecast by default;
- :mod:`.periods` -- time columns that are not dates (``1956 Q1``, R's decimal years, ``YYYYMMDD``);
- :mod:`.keys` -- files holding several series one under another: :class:`SeveralSeriesError`;
- :mod:`.errors` -- :class:`DataError`.

Every public name is importable from ``lstm_core.data``.
"""

from __future__ import annotations

from .bundled import DATASETS_DIR, frame_to_csv_bytes, load_airline
from .errors import DataError
from .frequency import (
    describe_frequency,
    infer_frequency,
    longer_season,
    no_season_words,
    season_for,
    weekly_season,
    yearly_season,
)
from .generators import (
    GENERATOR_DESCRIPTIONS,
    GENERATOR_PARAMS,
    GENERATORS,
    generate,
    generate_series,
    noisy_sine_truth,
)
from .keys import SeveralSeriesError
from .loader import MAX_BYTES, DataReport, LoadedData, load_csv
from .series import Series, as_series, filled_positions
from .target import default_target

__all__ = [
    "DATASETS_DIR",
    "GENERATORS",
    "GENERATOR_DESCRIPTIONS",
    "GENERATOR_PARAMS",
    "MAX_BYTES",
    "DataError",
    "DataReport",
    "LoadedData",
    "Series",
    "filled_positions",
    "SeveralSeriesError",
    "as_series",
    "frame_to_csv_bytes",
    "generate",
    "generate_series",
    "default_target",
    "describe_frequency",
    "infer_frequency",
    "load_airline",
    "load_csv",
    "noisy_sine_truth",
    "season_for",
    "weekly_season",
    "no_season_words",
    "longer_season",
    "yearly_season",
]
