"""A time series with what its time index says about it.

A :class:`Series` carries the frame together with its frequency and season, so the season
the loader read off the time index travels with the data instead of beside it. The
engine's entry points (``prepare``, ``fit_run``, ``run_comparison``, ``JobRegistry.submit``)
take one; :func:`as_series` lets them accept a bare frame too (no frequency, no season).
"""

from __future__ import annotations

import numbers
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..config import MISSING_POLICIES
from .errors import DataError
from .frequency import infer_frequency, is_utc_offset, season_for


@dataclass(frozen=True, eq=False, repr=False)
class Series:
    """A frame of numeric columns and what is known about its time axis.

    Attributes
    ----------
    frame : pd.DataFrame
        Shape (n_steps, n_columns): a DatetimeIndex or a RangeIndex named "step".
    frequency : str or None
        pandas offset alias of the time index ("MS", "D", "h", ...); None for steps or an
        irregular index.
    season : int or None
        Season length in steps implied by the time axis (monthly 12, daily 7, ...); None
        when there is none. ``DataConfig.season`` overrides it; with neither, the season is
        detected from the training part.
    name : str
        Name shown to the user (file name or generator).
    missing_policy : str or None
        The missing-value policy the loader applied ("interpolate", "ffill", "drop"); None
        when the data did not come through the loader. A run records it in
        ``DataConfig.missing``.
    utc_offset : str or None
        The UTC offset the file's times were written with ("+01:00"; the index keeps those local
        times, naive), which a forecast's times are written with too; None where it had none.
        A run records it (config.json) so its saved forecast keeps it.
    filled : mapping of str to tuple of int, or None
        Per column, the row positions whose values the loader filled in (an empty cell, or a
        timestamp missing from the grid): the networks train on them, but the test part's scores
        and coverage leave them out (a forward-filled gap is the naive forecast's, exactly).
        Positions at or past the frame's length are dropped (a prefix of the series keeps its
        own); None where nothing was filled or the data did not come through the loader.
    """

    frame: pd.DataFrame
    frequency: str | None = None
    season: int | None = None
    name: str = ""
    missing_policy: str | None = None
    utc_offset: str | None = None
    filled: Mapping[str, tuple[int, ...]] | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.frame, pd.DataFrame):
            raise TypeError(f"Series.frame must be a pandas DataFrame, not {type(self.frame).__name__}")
        if self.season is not None:
            if isinstance(self.season, bool) or not isinstance(self.season, numbers.Integral) or self.season < 2:
                raise DataError(f"A season must be a whole number of 2 or more steps (got {self.season!r}).")
            object.__setattr__(self, "season", int(self.season))
        if self.missing_policy is not None and self.missing_policy not in MISSING_POLICIES:
            raise DataError(
                f"Unknown missing-value policy {self.missing_policy!r}; choose one of {', '.join(MISSING_POLICIES)}."
            )
        if self.utc_offset is not None and not is_utc_offset(self.utc_offset):
            raise DataError(f"A UTC offset is written +HH:MM or -HH:MM (got {self.utc_offset!r}).")
        object.__setattr__(self, "filled", _positions(self.filled, self.frame))

    def rows(self, start: int, stop: int) -> Series:
        """The series of rows ``start`` to ``stop - 1`` (positions, as ``iloc``), with the same
        frequency, season, name, policy and offset, and its filled-in positions shifted to them."""
        n = len(self.frame)
        start, stop = max(0, start), min(n, stop)
        filled = (
            None
            if self.filled is None
            else {c: tuple(i - start for i in rows if start <= i < stop) for c, rows in self.filled.items()}
        )
        return Series(
            self.frame.iloc[start:stop],
            self.frequency,
            self.season,
            self.name,
            self.missing_policy,
            self.utc_offset,
            filled,
        )

    def filled_at(self, column: str) -> np.ndarray:
        """(n_steps,) bool: True where ``column``'s value was filled in (all False where none was)."""
        mask = np.zeros(len(self.frame), dtype=bool)
        if self.filled is not None:
            mask[list(self.filled.get(column, ()))] = True
        return mask

    @classmethod
    def from_frame(cls, frame: pd.DataFrame, *, name: str = "") -> Series:
        """Wrap a frame, reading its frequency and season off its time index.

        Parameters
        ----------
        frame : pd.DataFrame
            Shape (n_steps, n_columns); a sorted DatetimeIndex gives a frequency and season,
            any other index gives neither.
        name : str, optional
            Name shown to the user.

        Returns
        -------
        Series
        """
        frequency = infer_frequency(frame.index)
        return cls(frame, frequency=frequency, season=season_for(frequency), name=name)

    def __len__(self) -> int:
        return len(self.frame)

    def __repr__(self) -> str:
        rows, cols = self.frame.shape
        return (
            f"Series(name={self.name!r}, {rows} x {cols}, frequency={self.frequency!r}, season={self.season!r}, "
            f"missing_policy={self.missing_policy!r}"
            + (f", utc_offset={self.utc_offset!r})" if self.utc_offset is not None else ")")
        )


def filled_positions(mask: pd.DataFrame | None) -> dict[str, tuple[int, ...]] | None:
    """Per column, the row positions where ``mask`` (n_rows, n_columns; True = filled in, as
    :attr:`lstm_core.data.LoadedData.filled`) is True; None where it is None or has none."""
    if mask is None:
        return None
    out = {str(c): tuple(int(i) for i in np.flatnonzero(mask[c].to_numpy(dtype=bool))) for c in mask.columns}
    out = {c: rows for c, rows in out.items() if rows}
    return out or None


def filled_record(series: Series) -> dict[str, list[int]] | None:
    """``series``' filled-in positions as a record keeps them (JSON: column → row numbers), read
    back by :func:`stored_filled`; None where none were filled in."""
    return {c: list(rows) for c, rows in series.filled.items()} if series.filled else None


def _positions(filled, frame: pd.DataFrame) -> dict[str, tuple[int, ...]] | None:
    """``filled`` checked (a mapping of the frame's columns to whole row positions), sorted,
    without duplicates or positions past the frame; None where none are left."""
    if filled is None:
        return None
    if not isinstance(filled, Mapping):
        raise DataError("A series' filled-in positions are a mapping of column names to row positions.")
    n = len(frame)
    out: dict[str, tuple[int, ...]] = {}
    for column, rows in filled.items():
        if column not in frame.columns:
            raise DataError(f"Filled-in positions name column {column!r}, which the series does not have.")
        if isinstance(rows, str | bytes) or not all(
            isinstance(i, numbers.Integral) and not isinstance(i, bool) and int(i) >= 0 for i in rows
        ):
            raise DataError(f"Filled-in positions of column {column!r} must be whole row numbers of 0 or more.")
        kept = tuple(sorted({int(i) for i in rows if int(i) < n}))
        if kept:
            out[str(column)] = kept
    return out or None


def stored_filled(info, frame: pd.DataFrame) -> dict[str, tuple[int, ...]] | None:
    """The filled-in positions a record (``info["filled"]``: column → row numbers, as JSON keeps
    them) holds for ``frame``; None where it holds none or a damaged entry (the scores then count
    every value, as runs saved before session 38 did)."""
    raw = info.get("filled") if isinstance(info, Mapping) else None
    try:
        return _positions(raw, frame)
    except (DataError, TypeError):
        return None


def as_series(data: Series | pd.DataFrame) -> Series:
    """``data`` itself when it is a :class:`Series`; a bare frame becomes one with no season.

    A bare frame is taken as it is (no frequency or season read off its index), as the
    engine treated a frame passed without a season before :class:`Series` existed.
    """
    if isinstance(data, Series):
        return data
    if isinstance(data, pd.DataFrame):
        return Series(data)
    raise TypeError(f"Expected a Series or a pandas DataFrame, not {type(data).__name__}")
