"""A time series with what its time index says about it.

A :class:`Series` carries the frame together with its frequency and season, so the season
the loader read off the time index travels with the data instead of beside it. The
engine's entry points (``prepare``, ``fit_run``, ``run_comparison``, ``JobRegistry.submit``)
take one; :func:`as_series` lets them accept a bare frame too (no frequency, no season).
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass

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
    """

    frame: pd.DataFrame
    frequency: str | None = None
    season: int | None = None
    name: str = ""
    missing_policy: str | None = None
    utc_offset: str | None = None

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
