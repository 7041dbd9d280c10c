"""Point-forecast accuracy metrics, computed in the series' original units.

Every function takes 1-D float arrays of equal length (``y`` the truth, ``yhat`` the
forecast) and returns a Python ``float``, or ``None`` where the metric is undefined for the
data (MAPE with a zero in ``y``, MASE with a zero scale, or one that is rounding at the series'
size: a clean sine's seasonal-naive error of 1e-15 made a naive forecast's MASE 36,380,000,000,000).
No function ever returns NaN.

RMSE, MAE and MAPE are scikit-learn's (after the checks here: finite, 1-D, equal lengths);
sMAPE and MASE follow the forecasting literature's definitions, which scikit-learn lacks.

References: Hyndman & Koehler (2006), "Another look at measures of forecast accuracy"
(MASE); sMAPE here is the 0..200 variant ``200 * mean(|e| / (|y| + |yhat|))``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np
from numpy.typing import ArrayLike
from sklearn.metrics import mean_absolute_error, mean_absolute_percentage_error, root_mean_squared_error

METRIC_NAMES = ("rmse", "mae", "mape", "smape", "mase")

_ZERO = 1e-12  # |y| below this makes MAPE undefined
#: A share of a series' size under which a value is rounding (float32 networks round at about 1e-7 of
#: it): a MASE scale that small is none, and an sMAPE term whose two values are both that small counts
#: as 0 (a clean sine's test part holds values of 1e-16 where it crosses zero, forecast at 1e-11 one step
#: ahead and 1e-9 over the test span: 200% each, sMAPEs of 4.7% and 7.9% on MAEs of 1e-11 and 9e-10).
ROUNDING = 1e-6


#: From this size up a figure is written in digits with thousands separators (:func:`figure_text`).
BIG_FIGURE = 10_000


def figure_text(v: float, digits: int = 4) -> str:
    """A figure to ``digits`` significant figures as a reader writes it: ``{:.4g}``, but never in
    exponent notation from :data:`BIG_FIGURE` up to 1e15 (an income series' verdict read "RMSE 2678
    against the model's 1.024e+04"; a runaway warning "it reaches 1.498e+04"; the Runs list
    ``1.009e+13``): ``10,240``, ``14,980``, ``10,090,000,000,000``. With fewer ``digits`` a figure
    under :data:`BIG_FIGURE` stays in digits too (a lead of 1024 to 3 figures read ``1.02e+03``): ``1020``."""
    v = float(v)
    text = f"{v:.{digits}g}"
    if not math.isfinite(v) or abs(v) >= 1e15 or (abs(v) < BIG_FIGURE and "e+" not in text):
        return text
    rounded = float(text)
    return f"{rounded:,.0f}" if abs(rounded) >= BIG_FIGURE else f"{rounded:.0f}"


def seconds_text(s: float) -> str:
    """A duration in seconds as a reader wants it: ``2.3 s``, and under a tenth two significant
    figures (``0.046 s``; a 10-epoch LSTM's "in 0.0 s" read as nothing trained), ``under 0.001 s``."""
    s = float(s)
    if not math.isfinite(s) or s >= 0.095:
        return f"{s:.1f} s"
    return "under 0.001 s" if s < 0.001 else f"{s:.2g} s"


#: :func:`column_decimals` writes no more decimals than this (a column of values near zero).
MAX_DECIMALS = 8


def column_decimals(values: Iterable[float], digits: int = 4, least: int = 2) -> int:
    """The decimals that write a column's ``values`` alike: ``digits`` significant figures of its
    largest finite magnitude, or more where its smallest nonzero one would keep fewer than ``least``
    (at most :data:`MAX_DECIMALS`; ``digits - 1`` where there is none). Negative rounds left of the
    point: ``-10`` for a column of 1.008e13 and 2.6e13. With :func:`fixed_text` a mean and its spread
    share it (the Compare page's "12.3 ± 0.4567"); a column of 80.05 and 164.2 reads "80.0" and "164.2",
    not "80.05" and "164.20" (a presented table ran past the screen)."""
    sizes = [abs(float(v)) for v in values if math.isfinite(float(v)) and float(v) != 0.0]
    if not sizes:
        return digits - 1
    largest = digits - 1 - math.floor(math.log10(max(sizes)))
    smallest = least - 1 - math.floor(math.log10(min(sizes)))
    return min(MAX_DECIMALS, max(largest, smallest))


def fixed_text(v: float, decimals: int) -> str:
    """``v`` rounded to ``decimals`` (negative: tens, hundreds, ...) and written with exactly that
    many digits after the point, with separators from :data:`BIG_FIGURE` up as :func:`figure_text`
    writes them: ``fixed_text(0.061, 2) == "0.06"``, ``fixed_text(2.1e11, -10) == "210,000,000,000"``."""
    v = float(v)
    if not math.isfinite(v):
        return f"{v}"
    if decimals < 0:
        v, decimals = round(v, decimals), 0
    text = f"{v:,.{decimals}f}" if abs(v) >= BIG_FIGURE else f"{v:.{decimals}f}"
    return text[1:] if text.startswith("-") and not text.strip("-0.,") else text  # not "-0.00"


def _as_series(a: ArrayLike, name: str) -> np.ndarray:
    """Return ``a`` as a finite, non-empty 1-D float array, or raise ``ValueError``."""
    arr = np.asarray(a, dtype=float)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be 1-D, got shape {arr.shape}; flatten it with .ravel() first.")
    if arr.size == 0:
        raise ValueError(f"{name} is empty; metrics need at least one value.")
    if not np.all(np.isfinite(arr)):
        bad = int(np.count_nonzero(~np.isfinite(arr)))
        raise ValueError(f"{name} contains {bad} non-finite value(s) (NaN or inf); remove or fill them first.")
    return arr


def _pair(y: ArrayLike, yhat: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    """Validate ``y`` and ``yhat`` and return them as equal-length float arrays."""
    y_arr, yhat_arr = _as_series(y, "y"), _as_series(yhat, "yhat")
    if y_arr.shape != yhat_arr.shape:
        raise ValueError(f"y and yhat must have the same length, got {y_arr.size} and {yhat_arr.size}.")
    return y_arr, yhat_arr


def rmse(y: ArrayLike, yhat: ArrayLike) -> float:
    """Root mean squared error.

    Parameters
    ----------
    y, yhat : array_like, shape (N,)
        Truth and forecast.

    Returns
    -------
    float
        ``sqrt(mean((y - yhat)**2))``.
    """
    y_arr, yhat_arr = _pair(y, yhat)
    return float(root_mean_squared_error(y_arr, yhat_arr))


def mae(y: ArrayLike, yhat: ArrayLike) -> float:
    """Mean absolute error.

    Parameters
    ----------
    y, yhat : array_like, shape (N,)
        Truth and forecast.

    Returns
    -------
    float
        ``mean(|y - yhat|)``.
    """
    y_arr, yhat_arr = _pair(y, yhat)
    return float(mean_absolute_error(y_arr, yhat_arr))


def mape(y: ArrayLike, yhat: ArrayLike) -> float | None:
    """Mean absolute percentage error, in percent.

    Parameters
    ----------
    y, yhat : array_like, shape (N,)
        Truth and forecast.

    Returns
    -------
    float or None
        ``100 * mean(|y - yhat| / |y|)``; ``None`` when any ``|y| < 1e-12`` (undefined).
    """
    y_arr, yhat_arr = _pair(y, yhat)
    if np.any(np.abs(y_arr) < _ZERO):
        return None
    return float(100.0 * mean_absolute_percentage_error(y_arr, yhat_arr))


def smape(y: ArrayLike, yhat: ArrayLike) -> float:
    """Symmetric mean absolute percentage error, in percent (0..200).

    Parameters
    ----------
    y, yhat : array_like, shape (N,)
        Truth and forecast.

    Returns
    -------
    float
        ``200 * mean(|y - yhat| / (|y| + |yhat|))``; a term where both values are 0 counts as 0, as
        does one where they are both rounding (under :data:`ROUNDING` of the mean ``|y|``).
    """
    y_arr, yhat_arr = _pair(y, yhat)
    denom = np.abs(y_arr) + np.abs(yhat_arr)
    counted = denom > ROUNDING * float(np.mean(np.abs(y_arr)))
    safe = np.where(counted, denom, 1.0)
    terms = np.where(counted, np.abs(y_arr - yhat_arr) / safe, 0.0)
    return float(200.0 * np.mean(terms))


def _naive_scale(y_train: np.ndarray, season: int) -> float | None:
    """In-sample MAE of the seasonal-naive forecast on ``y_train`` (lag 1 if too short)."""
    lag = season if season >= 1 and y_train.size >= season + 1 else 1
    if y_train.size < lag + 1:
        return None
    return float(np.mean(np.abs(y_train[lag:] - y_train[:-lag])))


def mase(y: ArrayLike, yhat: ArrayLike, y_train: ArrayLike, season: int = 1) -> float | None:
    """Mean absolute scaled error.

    Parameters
    ----------
    y, yhat : array_like, shape (N,)
        Truth and forecast.
    y_train : array_like, shape (M,)
        The training series that defines the scale.
    season : int, default 1
        Lag of the seasonal-naive forecast used for the scale. If ``y_train`` is shorter
        than ``season + 1`` the lag falls back to 1.

    Returns
    -------
    float or None
        ``MAE(y, yhat) / mean(|y_train[lag:] - y_train[:-lag]|)``; ``None`` when the scale is
        0 or rounding (under :data:`ROUNDING` of ``y_train``'s range), or ``y_train`` has fewer
        than two values.
    """
    mae_value = mae(y, yhat)
    train = _as_series(y_train, "y_train")
    scale = _naive_scale(train, int(season))
    if scale is None or scale <= ROUNDING * float(np.ptp(train)):
        return None
    return float(mae_value / scale)


def compute_metrics(y: ArrayLike, yhat: ArrayLike, y_train: ArrayLike, season: int = 1) -> dict[str, float | None]:
    """All metrics of :data:`METRIC_NAMES` at once.

    Parameters
    ----------
    y, yhat : array_like, shape (N,)
        Truth and forecast, in original units.
    y_train : array_like, shape (M,)
        Training series, used for the MASE scale.
    season : int, default 1
        Seasonal lag for the MASE scale.

    Returns
    -------
    dict
        Keys ``rmse, mae, mape, smape, mase``; values are Python floats, or ``None`` where
        a metric is undefined.

    Raises
    ------
    ValueError
        On a length mismatch, empty arrays, arrays that are not 1-D, or non-finite values.
    """
    y_arr, yhat_arr = _pair(y, yhat)
    return {
        "rmse": rmse(y_arr, yhat_arr),
        "mae": mae(y_arr, yhat_arr),
        "mape": mape(y_arr, yhat_arr),
        "smape": smape(y_arr, yhat_arr),
        "mase": mase(y_arr, yhat_arr, y_train, season),
    }
