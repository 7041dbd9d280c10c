"""Reference forecasts every model is judged against: naive, seasonal naive, Holt-Winters.

Conventions
-----------
``y`` is the full 1-D series in original units; index ``t`` means the point ``y[t]``.

* One-step-ahead predictions at target indices ``idx`` use only the true history ``y[:t]``.
* Multi-step forecasts from an ``origin`` use the history ``y[:origin]`` and predict the
  indices ``origin, origin + 1, ..., origin + steps - 1`` (they may run past the data).

Holt-Winters parameters (smoothing constants and initial states) are fitted once with
statsmodels' ``ExponentialSmoothing`` on the training part ``y[:train_end]`` (on a long series,
its last :data:`MAX_FIT_POINTS` points) and then held FIXED: the state is filtered through later data by the numpy recursion in :func:`_run`,
which reproduces statsmodels' own recursions (checked in ``tests/test_baselines.py``), so
no test value ever informs a parameter. The multi-step Holt-Winters forecast from
``origin`` uses the same fixed parameters, filters the state through ``y[:origin]`` and
extrapolates; with ``origin == train_end`` this is exactly the forecast from the end of
training. If a fit fails or gives non-finite values the next simpler model is tried
(multiplicative season, additive season, no season, no trend, then naive) and the
result's ``description`` says which model produced the numbers.
"""

from __future__ import annotations

import hashlib
import threading
import warnings
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from .callbacks import check_stop

BASELINE_NAMES = ("naive", "seasonal_naive", "holt_winters")
#: Holt-Winters parameters are fitted on at most this many points: the last ones before the
#: fitting end (statsmodels' fit took 40 s on 160,000 points, and 1-13 s on 2,000 per model tried
#: on a busy 2-core machine: its brute-force start grows with the length).
#: A season needs two full seasons among them, so seasons over half of this are dropped (said in
#: the description).
MAX_FIT_POINTS = 1000
#: The numpy filter checks for a Stop every this many points.
STOP_CHECK_EVERY = 4096


@dataclass
class BaselineResult:
    """Predictions of one baseline and a one-line human description of the model used."""

    name: str
    predictions: np.ndarray  # (N,) float, original units
    description: str


@dataclass(frozen=True)
class _Spec:
    """Shape of a Holt-Winters model: additive trend or none; season "mul", "add" or None."""

    trend: bool
    seasonal: str | None
    period: int = 0

    def describe(self) -> str:
        """Human name of the model, e.g. ``Holt-Winters (additive trend, multiplicative season 12)``."""
        if self.seasonal:
            kind = "multiplicative" if self.seasonal == "mul" else "additive"
            return f"Holt-Winters (additive trend, {kind} season {self.period})"
        if self.trend:
            return "Holt linear trend (additive trend, no season)"
        return "Simple exponential smoothing (no trend, no season)"


@dataclass(frozen=True)
class _Fitted:
    """Fitted Holt-Winters parameters; ``seasons0`` holds the factors for times -m..-1."""

    spec: _Spec
    alpha: float
    beta: float
    gamma: float
    level0: float
    trend0: float
    seasons0: np.ndarray  # (m,)


# --------------------------------------------------------------------------- validation
def _series(y: ArrayLike, name: str = "y") -> np.ndarray:
    """Return ``y`` as a non-empty, finite 1-D float array, or raise ``ValueError``."""
    arr = np.asarray(y, dtype=float)
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(f"{name} must be a non-empty 1-D series, got shape {arr.shape}.")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} contains NaN or inf; fill or drop missing values first.")
    return arr


def _indices(idx: ArrayLike, n: int, first: int, why: str) -> np.ndarray:
    """Return ``idx`` as a 1-D int array with every value in ``[first, n - 1]``."""
    arr = np.asarray(idx)
    if arr.ndim != 1 or arr.size == 0 or not np.issubdtype(arr.dtype, np.integer):
        raise ValueError(f"idx must be a non-empty 1-D integer array, got {arr.dtype} of shape {arr.shape}.")
    if arr.min() < first or arr.max() >= n:
        raise ValueError(f"idx must lie in [{first}, {n - 1}] ({why}); got values from {arr.min()} to {arr.max()}.")
    return arr.astype(np.intp)


def _season(season: int | None) -> int | None:
    """Seasonal period as an int, or None when there is no usable season (None or < 2)."""
    return None if season is None or int(season) < 2 else int(season)


def _int_in_range(value: int, name: str, low: int = 1, high: int | None = None) -> int:
    """Check ``low <= value <= high`` and return ``int(value)``."""
    if value < low or (high is not None and value > high):
        bound = f"[{low}, {high}]" if high is not None else f">= {low}"
        raise ValueError(f"{name} must be {bound}, got {value}.")
    return int(value)


# ----------------------------------------------------------------- naive & seasonal naive
def naive_one_step(y: ArrayLike, idx: ArrayLike) -> np.ndarray:
    """One-step naive predictions, ``yhat_t = y[t - 1]``.

    Parameters
    ----------
    y : array_like, shape (N,)
        Full series.
    idx : array_like of int, shape (K,)
        Target indices, each in ``[1, N - 1]``.

    Returns
    -------
    ndarray, shape (K,)
    """
    y_arr = _series(y)
    return y_arr[_indices(idx, y_arr.size, 1, "naive needs one earlier value") - 1].copy()


def seasonal_naive_one_step(y: ArrayLike, idx: ArrayLike, season: int | None) -> np.ndarray:
    """One-step seasonal-naive predictions, ``yhat_t = y[t - season]``.

    Parameters
    ----------
    y : array_like, shape (N,)
        Full series.
    idx : array_like of int, shape (K,)
        Target indices, each in ``[season, N - 1]``.
    season : int or None
        Seasonal period; None or < 2 gives the naive forecast.

    Returns
    -------
    ndarray, shape (K,)
    """
    m = _season(season)
    if m is None:
        return naive_one_step(y, idx)
    y_arr = _series(y)
    return y_arr[_indices(idx, y_arr.size, m, f"seasonal naive needs one full season of {m} before t") - m].copy()


def naive_forecast(y_hist: ArrayLike, steps: int) -> np.ndarray:
    """Repeat the last observed value ``steps`` times.

    Parameters
    ----------
    y_hist : array_like, shape (N,)
        History up to the forecast origin.
    steps : int
        Horizon, >= 1.

    Returns
    -------
    ndarray, shape (steps,)
    """
    hist = _series(y_hist, "y_hist")
    return np.full(_int_in_range(steps, "steps"), hist[-1])


def seasonal_naive_forecast(y_hist: ArrayLike, steps: int, season: int | None) -> np.ndarray:
    """Repeat the last observed season: ``yhat_{N+k} = y_hist[N - season + k % season]``.

    Parameters
    ----------
    y_hist : array_like, shape (N,)
        History up to the forecast origin; needs ``N >= season``.
    steps : int
        Horizon, >= 1.
    season : int or None
        Seasonal period; None or < 2 gives the naive forecast.

    Returns
    -------
    ndarray, shape (steps,)
    """
    m = _season(season)
    if m is None:
        return naive_forecast(y_hist, steps)
    hist = _series(y_hist, "y_hist")
    if hist.size < m:
        raise ValueError(f"Seasonal naive needs at least one full season ({m} values); the history has {hist.size}.")
    last = hist[-m:]
    return last[np.arange(_int_in_range(steps, "steps")) % m].copy()


# ------------------------------------------------------------------------- Holt-Winters
def _candidates(y_fit: np.ndarray, season: int | None) -> list[_Spec]:
    """Models to try in order, richest first; a season needs two full seasons of data."""
    m = _season(season)
    specs = []
    if m is not None and y_fit.size >= 2 * m:
        if np.all(y_fit > 0):
            specs.append(_Spec(True, "mul", m))
        specs.append(_Spec(True, "add", m))
    return specs + [_Spec(True, None), _Spec(False, None)]


_FITS: OrderedDict[tuple[_Spec, str], _Fitted] = OrderedDict()
_FITS_LOCK = threading.Lock()
_FITS_KEPT = 32


def _fit(y_fit: np.ndarray, spec: _Spec) -> _Fitted:
    """Fit ``spec`` on ``y_fit`` with statsmodels (estimated initial states), warnings silenced.

    The last fits are kept: an evaluation fits the same points for its one-step and its
    multi-step baselines, and the Forecast page again for the baseline's future."""
    key = (spec, hashlib.sha1(np.ascontiguousarray(y_fit, dtype=np.float64).tobytes()).hexdigest())
    with _FITS_LOCK:
        if key in _FITS:
            _FITS.move_to_end(key)
            return _FITS[key]
    fitted = _fit_now(y_fit, spec)
    with _FITS_LOCK:
        _FITS[key] = fitted
        while len(_FITS) > _FITS_KEPT:
            _FITS.popitem(last=False)
    return fitted


#: statsmodels' optimizer started from its brute-force grid (``use_brute``) and from its plain start
#: value: the fit with the lower sum of squared errors is kept (:func:`_fit_now`). Either alone often
#: stops short of the other's optimum (44 of the 81 series of the six benchmark sets, session 45), and
#: where the two lie close, which one it reaches differs from one CPU to another: Mauna Loa CO2's
#: multi-step baseline was 1.415 on one machine and 2.951 on another, frozen orange juice's 30.4 and
#: 26.4.
FIT_STARTS = (True, False)


def _fit_now(y_fit: np.ndarray, spec: _Spec) -> _Fitted:
    from statsmodels.tsa.holtwinters import ExponentialSmoothing

    res = None
    for brute in FIT_STARTS:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with np.errstate(all="ignore"):
                try:
                    fit = ExponentialSmoothing(
                        y_fit,
                        trend="add" if spec.trend else None,
                        seasonal=spec.seasonal,
                        seasonal_periods=spec.period or None,
                        initialization_method="estimated",
                    ).fit(use_brute=brute)
                except Exception:  # noqa: BLE001 - the other start may fit; none: the caller tries a simpler model
                    if brute is FIT_STARTS[-1] and res is None:
                        raise
                    continue
        if res is None or (np.isfinite(fit.sse) and not fit.sse >= res.sse):
            res = fit
    assert res is not None
    p = res.params
    return _Fitted(
        spec=spec,
        alpha=float(p["smoothing_level"]),
        beta=float(p["smoothing_trend"]) if spec.trend else 0.0,
        gamma=float(p["smoothing_seasonal"]) if spec.seasonal else 0.0,
        level0=float(p["initial_level"]),
        trend0=float(p["initial_trend"]) if spec.trend else 0.0,
        seasons0=np.asarray(p["initial_seasons"], dtype=float) if spec.seasonal else np.zeros(0),
    )


def _run(model: _Fitted, y: np.ndarray, steps: int = 0) -> np.ndarray:
    """Filter ``y`` with fixed parameters; return one-step fits then ``steps`` forecasts.

    Element ``t < len(y)`` is the one-step prediction of ``y[t]`` from ``y[:t]``; the
    remaining ``steps`` elements extrapolate from the state after the last value. Same
    recursions as statsmodels ``ExponentialSmoothing`` (non-damped); forecasts use
    Hyndman's ``s[T + h - m(k + 1)]``, the latest factor of each phase (statsmodels 0.15
    uses a stale factor at h = m, 2m, ...: statsmodels issue #9538).
    """
    spec, n = model.spec, y.size
    a, b_, g = model.alpha, model.beta, model.gamma
    m = max(spec.period, 1)
    seasons = model.seasons0.copy() if spec.seasonal else np.zeros(m)
    level, trend = model.level0, model.trend0
    out = np.empty(n + steps)
    with np.errstate(all="ignore"):
        for t in range(n):
            if t % STOP_CHECK_EVERY == 0:
                check_stop()  # a Stop during the evaluation ends it here (see callbacks.stop_checks)
            base, s = level + trend, seasons[t % m]
            if spec.seasonal == "mul":
                out[t] = base * s
                level = a * y[t] / s + (1 - a) * base
                seasons[t % m] = g * y[t] / base + (1 - g) * s
            elif spec.seasonal == "add":
                out[t] = base + s
                level = a * (y[t] - s) + (1 - a) * base
                seasons[t % m] = g * (y[t] - base) + (1 - g) * s
            else:
                out[t] = base
                level = a * y[t] + (1 - a) * base
            if spec.trend:
                trend = b_ * (level - (base - trend)) + (1 - b_) * trend
        h = np.arange(1, steps + 1)
        s_ahead = seasons[(n + h - 1) % m]
        base_ahead = level + h * trend
        out[n:] = base_ahead * s_ahead if spec.seasonal == "mul" else base_ahead + s_ahead
    return out


def fit_start(n_fit: int, first_pick: int) -> int:
    """Where the Holt-Winters fit starts: the last :data:`MAX_FIT_POINTS` points of the
    ``n_fit`` fitting points (0 for shorter series, or when an earlier point is predicted)."""
    start = max(0, n_fit - MAX_FIT_POINTS)
    return start if first_pick >= start else 0


def _fitted_on(start: int, end: int) -> str:
    if start == 0:
        return f"fitted on the first {end} points"
    return (
        f"fitted on points {start} to {end - 1} (the last {end - start:,} before point {end}, a bound for long series)"
    )


def _holt_winters(
    y_fit: np.ndarray, y_run: np.ndarray, steps: int, pick: np.ndarray | slice, season: int | None
) -> tuple[np.ndarray, str] | None:
    """First candidate model that fits on ``y_fit`` and gives finite ``_run(...)[pick]``.

    A long ``y_fit`` is fitted on its last :data:`MAX_FIT_POINTS` points only (see
    :func:`fit_start`): the state then starts there and is filtered from there on, so the
    seasonal phase and the indices stay those of ``y_run``. Returns the picked predictions and
    the model's description, or None if every candidate failed (the caller then uses the naive
    forecast).
    """
    if isinstance(pick, slice):
        first = int(pick.start or 0)
    else:
        first = int(np.min(pick)) if np.size(pick) else 0
    start = fit_start(y_fit.size, first)
    if start:
        y_fit, y_run = y_fit[start:], y_run[start:]
        pick = slice(pick.start - start, None) if isinstance(pick, slice) else np.asarray(pick) - start
    specs = _candidates(y_fit, season)
    for i, spec in enumerate(specs):
        try:
            model = _fit(y_fit, spec)
        except Exception:  # noqa: BLE001 - any failure of the third-party fit: try a simpler model
            continue
        preds = _run(model, y_run, steps)[pick]
        if not np.all(np.isfinite(preds)):
            continue
        # a forecast ahead (steps) can run away; one-step predictions follow the data they read
        if not steps or i == len(specs) - 1 or not _runs_away(preds, y_fit):
            return preds, spec.describe() + _fallback_note(i, specs[0], season, y_fit.size)
    return None


#: A Holt-Winters forecast that leaves the fitted values' range by more than this many times its
#: span has run away (:func:`_runs_away`). Measured on the benchmark sets: lynx's multiplicative
#: fit went 100 spans out (240,000 against data under 7,000), yearly sunspots' 15; forecasts that
#: held, however far, stayed within 6.2 (Argentina's hyperinflation, the trend of motorcycle
#: registrations: 3.1), and a tighter bound would swap such a good baseline for a worse one.
RUNAWAY_SPANS = 10.0


def _runs_away(preds: np.ndarray, y_fit: np.ndarray) -> bool:
    """Whether ``preds`` leave the fitted values' range widened by :data:`RUNAWAY_SPANS` times
    its span on either side (the next simpler model is tried then)."""
    lo, hi = float(np.min(y_fit)), float(np.max(y_fit))
    reach = RUNAWAY_SPANS * (hi - lo)
    return bool(np.any(preds < lo - reach) or np.any(preds > hi + reach))


def _fallback_note(i: int, first: _Spec, season: int | None, n_fit: int) -> str:
    """Why a simpler model than asked for was used ('' when none)."""
    m = _season(season)
    notes = []
    if m is not None and n_fit < 2 * m:
        notes.append(f"season {m} dropped: needs {2 * m} fitting points, had {n_fit}")
    if i > 0:
        notes.append(f"fallback: {first.describe()} failed, was not finite or ran away from the data's range")
    return "; " + "; ".join(notes) if notes else ""


def holt_winters_one_step(y: ArrayLike, idx: ArrayLike, train_end: int, season: int | None) -> BaselineResult:
    """One-step Holt-Winters predictions with parameters fitted on ``y[:train_end]`` only.

    Parameters
    ----------
    y : array_like, shape (N,)
        Full series, original units.
    idx : array_like of int, shape (K,)
        Target indices in ``[1, N - 1]``; ``yhat_t`` uses only ``y[:t]``.
    train_end : int
        Number of leading points the parameters are fitted on.
    season : int or None
        Seasonal period. The season is multiplicative if ``y[:train_end] > 0``, additive
        otherwise, and dropped if None, < 2, or shorter than two full seasons of training.

    Returns
    -------
    BaselineResult
        ``predictions`` shape (K,), finite; ``description`` names the model actually used
        (simpler fallbacks down to naive if a fit fails).
    """
    y_arr = _series(y)
    ids = _indices(idx, y_arr.size, 1, "a one-step prediction needs one earlier value")
    end = _int_in_range(train_end, "train_end", 1, y_arr.size)
    found = _holt_winters(y_arr[:end], y_arr[: ids.max() + 1], 0, ids, season)
    if found is None:
        return BaselineResult("holt_winters", naive_one_step(y_arr, ids), "Naive (every Holt-Winters fit failed)")
    preds, description = found
    fitted = _fitted_on(fit_start(end, int(ids.min())), end)
    return BaselineResult("holt_winters", preds, f"{description}; {fitted}, then fixed")


def holt_winters_forecast(y_hist: ArrayLike, steps: int, season: int | None) -> BaselineResult:
    """Fit Holt-Winters on ``y_hist`` and forecast ``steps`` values past its end.

    Parameters
    ----------
    y_hist : array_like, shape (N,)
        History up to the forecast origin.
    steps : int
        Horizon, >= 1.
    season : int or None
        Seasonal period (same rules as :func:`holt_winters_one_step`).

    Returns
    -------
    BaselineResult
        ``predictions`` shape (steps,), finite.
    """
    hist = _series(y_hist, "y_hist")
    return _hw_multistep(hist, hist.size, _int_in_range(steps, "steps"), hist.size, season)


def _hw_multistep(y: np.ndarray, origin: int, steps: int, fit_end: int, season: int | None) -> BaselineResult:
    """Fit on ``y[:fit_end]``, filter through ``y[:origin]`` and forecast ``steps`` ahead."""
    found = _holt_winters(y[:fit_end], y[:origin], steps, slice(origin, None), season)
    if found is None:
        naive = naive_forecast(y[:origin], steps)
        return BaselineResult("holt_winters", naive, "Naive (every Holt-Winters fit failed)")
    preds, description = found
    return BaselineResult("holt_winters", preds, f"{description}; {_fitted_on(fit_start(fit_end, origin), fit_end)}")


# ---------------------------------------------------------------------------- bundles
def _seasonal_or_naive(season: int | None, available: int) -> tuple[int | None, str]:
    """Lag to use for the seasonal-naive baseline and its description."""
    m = _season(season)
    if m is None:
        return None, "Seasonal naive = naive (no season given)"
    if available < m:
        return None, f"Naive (seasonal naive needs {m} earlier values, only {available} available)"
    return m, f"Seasonal naive (value one season ago, lag {m})"


def one_step_baselines(y: ArrayLike, idx: ArrayLike, train_end: int, season: int | None) -> dict[str, BaselineResult]:
    """All one-step baselines at the target indices ``idx``.

    Parameters
    ----------
    y : array_like, shape (N,)
        Full series, original units.
    idx : array_like of int, shape (K,)
        Target indices in ``[1, N - 1]``.
    train_end : int
        Length of the training part (Holt-Winters parameters are fitted on ``y[:train_end]``).
    season : int or None
        Seasonal period. Where some target has fewer than ``season`` earlier values, the
        seasonal-naive entry is the naive forecast, and its description says so.

    Returns
    -------
    dict of str to BaselineResult
        Keys ``naive``, ``seasonal_naive``, ``holt_winters``; each ``predictions`` is (K,).
    """
    y_arr = _series(y)
    ids = _indices(idx, y_arr.size, 1, "a one-step prediction needs one earlier value")
    lag, sn_description = _seasonal_or_naive(season, int(ids.min()))
    return {
        "naive": BaselineResult("naive", naive_one_step(y_arr, ids), "Naive (previous value)"),
        "seasonal_naive": BaselineResult("seasonal_naive", seasonal_naive_one_step(y_arr, ids, lag), sn_description),
        "holt_winters": holt_winters_one_step(y_arr, ids, train_end, season),
    }


def multistep_forecast(
    name: str, y: np.ndarray, origin: int, steps: int, fit_end: int, season: int | None
) -> np.ndarray:
    """Baseline ``name``'s forecast (steps,) of ``y[origin:origin + steps]`` from ``y[:origin]``, as
    :func:`multistep_baselines` makes it (Holt-Winters fitted on ``y[:min(fit_end, origin)]``)."""
    hist = y[:origin]
    if name == "naive":
        return naive_forecast(hist, steps)
    if name == "seasonal_naive":
        return seasonal_naive_forecast(hist, steps, _seasonal_or_naive(season, origin)[0])
    if name == "holt_winters":
        return _hw_multistep(y, origin, steps, min(fit_end, origin), season).predictions
    raise ValueError(f"unknown baseline {name!r}; one of {', '.join(BASELINE_NAMES)}")


def multistep_baselines(
    y: ArrayLike, origin: int, steps: int, train_end: int, season: int | None
) -> dict[str, BaselineResult]:
    """All baselines forecasting ``steps`` values from ``origin`` using ``y[:origin]``.

    Parameters
    ----------
    y : array_like, shape (N,)
        Full series, original units; only ``y[:origin]`` is read.
    origin : int
        First forecast index, in ``[1, N]``.
    steps : int
        Horizon, >= 1 (may run past the end of ``y``).
    train_end : int
        Holt-Winters parameters are fitted on ``y[:min(train_end, origin)]`` and held fixed;
        the state is then filtered through ``y[:origin]`` before extrapolating.
    season : int or None
        Seasonal period; seasonal naive falls back to naive when ``origin < season``.

    Returns
    -------
    dict of str to BaselineResult
        Keys ``naive``, ``seasonal_naive``, ``holt_winters``; each ``predictions`` is (steps,)
        and predicts indices ``origin .. origin + steps - 1``.
    """
    y_arr = _series(y)
    start = _int_in_range(origin, "origin", 1, y_arr.size)
    horizon = _int_in_range(steps, "steps")
    fit_end = min(_int_in_range(train_end, "train_end", 1, y_arr.size), start)
    hist = y_arr[:start]
    lag, sn_description = _seasonal_or_naive(season, start)
    return {
        "naive": BaselineResult("naive", naive_forecast(hist, horizon), "Naive (last value repeated)"),
        "seasonal_naive": BaselineResult("seasonal_naive", seasonal_naive_forecast(hist, horizon, lag), sn_description),
        "holt_winters": _hw_multistep(y_arr, start, horizon, fit_end, season),
    }
