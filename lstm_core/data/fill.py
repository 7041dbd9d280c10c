"""Missing values inside a seasonal series, filled in step with its season.

A straight line between the neighbours of a gap cuts through the season: a quarterly series whose
quarters swing by 10% filled that way made values no quarter ever had, and those made-up values
then sat among the residuals that calibrate the intervals (a 90% band four times as wide as the
one-step errors). As R's ``forecast::na.interp`` does for a seasonal series, the season is taken
out first (a profile per phase of the season, from the values the file has), the adjusted values
are interpolated linearly, and the season is put back.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

#: The season is taken out only where it explains at least this share of the detrended values'
#: variance (the seasonal strength, ``1 - var(remainder) / var(detrended)``): a profile of noise
#: would add noise to the filled values.
SEASONAL_FILL_STRENGTH = 0.3


def fill_profile(y: np.ndarray, season: int | None) -> np.ndarray | None:
    """The seasonal profile (season,) of ``y`` (n,) (NaN where missing) to take out before a
    linear interpolation: per phase, the median of the values less a centred moving average over a
    season, centred on 0 (a straight line has none); None where ``season`` is under 2, fewer than two seasons of values are
    there, a phase has under two values, the season is weaker than :data:`SEASONAL_FILL_STRENGTH`,
    or a straight line between two neighbours fills the file's own values better without it."""
    y = np.asarray(y, dtype=np.float64)
    n = len(y)
    if not season or season < 2 or n < 2 * season or int(np.isfinite(y).sum()) < 2 * season:
        return None
    width = season + 1 if season % 2 == 0 else season
    # the trend: a centred mean over whole windows (none within half a season of either end, where a
    # window cut short would lean) of the values with the gaps bridged by straight lines
    bridged = pd.Series(y).interpolate(method="linear", limit_area="inside")
    trend = bridged.rolling(width, center=True, min_periods=width).mean().to_numpy()
    d = y - trend  # (n,) NaN where the value or the trend is missing
    phase = np.arange(n) % season
    ok = np.isfinite(d)
    if (np.bincount(phase[ok], minlength=season) < 2).any():
        return None
    profile = np.array([np.median(d[ok & (phase == k)]) for k in range(season)])
    profile -= profile.mean()
    spread = float(np.var(d[ok]))
    if not spread > 0:
        return None
    strength = 1.0 - float(np.var(d[ok] - profile[phase[ok]])) / spread
    if strength < SEASONAL_FILL_STRENGTH:
        return None
    # each value the file has between two others, filled from its neighbours both ways: the season
    # is taken out only where that fills them better (a smooth yearly cycle of weekly values is
    # followed closely enough by a straight line over a missing week, and its profile adds noise)
    inner = np.flatnonzero(np.isfinite(y[1:-1]) & np.isfinite(y[:-2]) & np.isfinite(y[2:])) + 1
    seasonal = profile[phase]
    straight = (y[inner - 1] + y[inner + 1]) / 2 - y[inner]
    adjusted = (
        (y[inner - 1] - seasonal[inner - 1] + y[inner + 1] - seasonal[inner + 1]) / 2 + seasonal[inner] - y[inner]
    )
    return profile if float(np.mean(adjusted**2)) < float(np.mean(straight**2)) else None


def interpolate_inside(column: pd.Series, season: int | None) -> tuple[pd.Series, bool]:
    """``column`` with its missing values between two values filled (those before its first or
    after its last value stay NaN): linearly, with the season taken out first and put back where
    :func:`fill_profile` finds one. Returns the column and whether the season was taken out."""
    profile = fill_profile(column.to_numpy(dtype=np.float64), season)
    if profile is None:
        return column.interpolate(method="linear", limit_area="inside"), False
    assert season is not None  # a profile needs one
    seasonal = pd.Series(profile[np.arange(len(column)) % season], index=column.index)
    adjusted = (column - seasonal).interpolate(method="linear", limit_area="inside")
    return column.where(column.notna(), adjusted + seasonal), True
