"""Predictions in original units: one-step, recursive multi-step, and conformal intervals.

* One-step-ahead: every prediction is made from the true history (the classic tutorials'
  train/test overlay).
* Recursive multi-step from an origin ``o`` (history ``y[:o]``): the network's own outputs
  are fed back as the target's past. Exogenous inputs take their true values inside the
  data; past its end a model with exogenous inputs cannot forecast.
* Conformal intervals: absolute residuals on the model scale (``log y`` with the log
  transform) of k-step forecasts made out of sample (see :func:`residual_quantiles`), one
  quantile per horizon k, so intervals widen with the horizon and with the level.
* One-step intervals over the test part adapt online (:func:`online_widths`): each point's
  width comes from the calibration residuals and the errors of the test points before it, as a
  forecaster in service that sees each value after predicting it would recalibrate.
"""

from __future__ import annotations

import bisect
import math

import numpy as np
import torch

from .callbacks import check_stop
from .config import ConfigError
from .metrics import figure_text
from .model import Ensemble, Forecaster
from .prep import Prepared, one_step_targets, resolved_horizon, window_x

Model = Forecaster | Ensemble


@torch.no_grad()
def _predict_scaled(model: Model, x: np.ndarray, chunk: int = 8192) -> np.ndarray:
    """Network outputs (n, out) for network-ready windows ``x`` (n, L, F)."""
    model.eval()
    dev = model.device
    outs = []
    for i in range(0, len(x), chunk):
        check_stop()  # a Stop during the evaluation ends it here (see callbacks.stop_checks)
        outs.append(model(torch.as_tensor(x[i : i + chunk], device=dev)).float().cpu().numpy())
    return np.concatenate(outs) if outs else np.zeros((0, max(model.cfg.output_size, 1)), dtype=np.float32)


def predict_windows(model: Model, prep: Prepared, x_abs: np.ndarray) -> np.ndarray:
    """Scaled ``d`` outputs (n, out) for absolute-scaled windows ``x_abs`` (n, L, F): the
    windows are normalised, run through the network and the reference is added back."""
    x, ref = prep.normalise(x_abs)
    return _predict_scaled(model, x) + ref


def one_step(model: Model, prep: Prepared, part: str) -> tuple[np.ndarray, np.ndarray]:
    """One-step-ahead predictions for every predictable point of ``part``.

    Returns ``(t, yhat)``: target indices (n,) and predictions (n,) in original units.
    """
    t = one_step_targets(prep, part)
    return t, one_step_at(model, prep, t)


def one_step_at(model: Model, prep: Prepared, t: np.ndarray, profiles: np.ndarray | None = None) -> np.ndarray:
    """One-step-ahead predictions (n,) in original units at target indices ``t`` (n,), each
    window with its seasonal profile from ``profiles`` (n, m) when given (see
    :func:`lstm_core.prep.profiles_before`), else the training part's."""
    t = np.asarray(t, dtype=np.int64)
    if len(t) == 0:
        return np.zeros(0)
    d = prep.d_from_scaled(predict_windows(model, prep, window_x(prep, t, profiles))[:, 0])  # (n,)
    return prep.y_from_z(prep.z_from_d(d, t, profiles))


def recursive_z(
    model: Model,
    prep: Prepared,
    origins: np.ndarray,
    steps: int,
    profiles: np.ndarray | None = None,
) -> np.ndarray:
    """Recursive forecasts on the model scale from each origin: (M, steps).

    Origin ``o`` uses history ``[:o]`` and predicts indices ``o .. o+steps-1``. The direct
    head's ``horizon`` outputs are used as a block before feeding back. ``profiles`` (M, m): the
    seasonal profile each origin's history is deseasonalised with and its forecast reseasonalised
    with (:func:`lstm_core.prep.profiles_before`); None: the training part's.
    """
    cfg = prep.cfg
    origins = np.asarray(origins, dtype=np.int64)
    m, lag, L, h = len(origins), prep.offset, cfg.look_back, prep.out_dim
    feeds_back = cfg.uses_target_history and resolved_horizon(cfg) >= 1
    if not feeds_back:
        # Nothing is fed back (mapping mode): multi-step equals one-step on true inputs, which exist
        # inside the data only. Targets past its end are NaN (the intervals' calibration asks for
        # more steps than a short series holds after its last origins, and keeps those inside it);
        # a forecast that starts past the end has nothing to map.
        t = origins[:, None] + np.arange(steps)[None, :]
        if m and int(origins.min()) >= prep.n:
            raise ConfigError(
                "A model without the target among its inputs can only predict inside the data; "
                "train it with horizon 1 or more (the target's own past as an input) to forecast past the end."
            )
        inside = t < prep.n
        t = np.minimum(t, prep.n - 1)
        rep = None if profiles is None else np.repeat(profiles, steps, axis=0)  # a row per target
        d = prep.d_from_scaled(predict_windows(model, prep, window_x(prep, t.ravel(), rep))[:, 0])  # (M * steps,)
        return np.where(inside, prep.z_from_d(d, t.ravel(), rep).reshape(m, steps), np.nan)
    beyond = None
    if prep.inputs and m and int(origins.max()) + steps > prep.n:
        if int(origins.min()) >= prep.n:
            raise ConfigError(
                "Forecasting past the end of the data needs the input columns' future values; "
                "train on the target alone to forecast further."
            )
        # inside the data the inputs are known; targets past its end are left NaN (no inputs there)
        beyond = origins[:, None] + np.arange(steps)[None, :] >= prep.n
    n_blocks = math.ceil(steps / h)
    total = n_blocks * h
    window = window_x(prep, origins, profiles) if m else np.zeros((0, L, 1), np.float32)  # (M, L, F) absolute scaled
    u_hat = np.zeros((m, total))
    rows = np.arange(m)
    for blk in range(n_blocks):
        out = predict_windows(model, prep, window)  # (M, h) scaled d
        d = prep.d_from_scaled(out)
        if lag and prep.transform.damp < 1:
            # damped steps: the k-th differenced step (k = 1, 2, ...) shrinks by damp ** (k - 1) (the
            # first is the one-step prediction), and the window is fed the damped values
            d = d * prep.transform.damp ** (blk * h + np.arange(h))[None, :]
            out = prep.target_scaler.transform(d[..., None])[..., 0].astype(out.dtype)
        elif (prep.transform.window_last or prep.transform.window_trend) and prep.transform.damp < 1:
            # anchored on the window's last value or trend line: each step's departure from the value before it
            # (the first from that last value) shrinks the same way (scaled units: the scaler is affine)
            ref = window[:, -1, 0].astype(np.float64)[:, None]
            prev = np.concatenate([ref, out[:, :-1].astype(np.float64)], axis=1)
            steps_k = (out - prev) * prep.transform.damp ** (blk * h + np.arange(h))[None, :]
            out = (ref + np.cumsum(steps_k, axis=1)).astype(out.dtype)
            d = prep.d_from_scaled(out)
        new_rows = np.zeros((m, h, window.shape[2]), dtype=np.float32)
        for j in range(h):
            k = blk * h + j
            t = origins + k  # (M,)
            if lag:
                src = t - lag
                known = src < origins
                base = np.where(
                    known,
                    prep.deseasonalised(np.clip(src, 0, prep.n - 1), profiles),
                    u_hat[rows, np.clip(src - origins, 0, total - 1)],
                )
                u_hat[:, k] = base + d[:, j]
            else:
                u_hat[:, k] = d[:, j]
            new_rows[:, j, 0] = out[:, j]  # the target's scaled d is feature 0
            if prep.inputs:
                exog = prep.features[np.minimum(t, prep.n - 1), 1:]
                new_rows[:, j, 1:] = exog
        window = np.concatenate([window[:, h:], new_rows], axis=1)[:, -L:]
    z_hat = u_hat + prep.seasonal(origins[:, None] + np.arange(total)[None, :], profiles)
    z_hat = z_hat[:, :steps]
    if beyond is not None:
        z_hat[beyond] = np.nan
    return z_hat


def recursive(model: Model, prep: Prepared, origin: int, steps: int) -> np.ndarray:
    """Recursive forecast of ``steps`` points from ``origin``, original units (steps,)."""
    return prep.y_from_z(recursive_z(model, prep, np.array([origin]), steps)[0])


def residuals_by_horizon(forecast_z, z: np.ndarray, origins: np.ndarray, steps: int, end: int) -> list[np.ndarray]:
    """Model-scale residuals ``z_t - ẑ_t`` of forecasts from ``origins`` (M,), grouped by
    horizon: entry k holds those of (k+1)-step forecasts whose targets lie before ``end``.

    ``forecast_z(origins, steps) -> (M, steps)`` makes the forecasts on the scale of ``z`` (N,).
    """
    origins = np.asarray(origins, dtype=np.int64)
    out: list[np.ndarray] = [np.zeros(0) for _ in range(steps)]
    if len(origins) == 0 or steps < 1:
        return out
    zf = forecast_z(origins, steps)  # (M, steps)
    for k in range(steps):
        tk = origins + k
        ok = tk < end
        out[k] = z[tk[ok]] - zf[ok, k]
    return out


def _residual_sources(n_extra: int, n_res: int) -> str:
    """Where ``n_res`` calibration residuals came from, ``n_extra`` of them from the backtest: both
    parts in brackets, or the one there is (a part with none left out: "0 from a backtest" read as
    if one had run)."""
    if n_extra and n_res > n_extra:
        return f"({n_extra:,} from a rolling-origin backtest, {n_res - n_extra:,} on the validation part)"
    return "from a rolling-origin backtest" if n_extra else "on the validation part"


def residual_quantiles(groups: list[np.ndarray], alpha: float = 0.1) -> np.ndarray:
    """Per-horizon conformal quantiles (steps,) of absolute residuals, made non-decreasing.

    Each is the ``ceil((n + 1)(1 - alpha))``-th smallest of n residuals (split conformal). A horizon without
    residuals takes the previous width grown like sqrt(k) (a random-walk assumption).
    """
    steps = len(groups)
    q = np.zeros(steps)
    last_k = -1
    for k, res in enumerate(groups):
        res = np.abs(res[np.isfinite(res)])
        if len(res) < 2:
            q[k] = q[last_k] * math.sqrt((k + 1) / (last_k + 1)) if last_k >= 0 else 0.0
            continue
        rank = min(len(res), math.ceil((len(res) + 1) * (1 - alpha)))  # the rank-th smallest residual
        q[k] = float(np.partition(res, rank - 1)[rank - 1])
        last_k = k
    return np.maximum.accumulate(q)


#: The validation residuals that calibrate the intervals come from at most this many forecast
#: origins, the last ones before the test part (a 200,000-point series has 20,000 there; 2,000
#: give every horizon's quantile from as many residuals). Shorter validation parts are unaffected.
MAX_CALIBRATION_ORIGINS = 2000


def conformal_residuals(
    forecast_z,
    prep: Prepared,
    steps: int,
    alpha: float = 0.1,
    extra: list[np.ndarray] | None = None,
    earliest: int | None = None,
    z: np.ndarray | None = None,
) -> tuple[list[np.ndarray], str]:
    """The residuals that calibrate the intervals, by horizon (``steps`` arrays, model scale), and
    a note saying where they come from.

    ``forecast_z(origins, steps) -> (M, steps)`` is the forecaster (one network, or a
    :class:`~lstm_core.combine.Combination`). Pools ``extra`` (out-of-sample residuals by
    horizon from a rolling-origin backtest of networks trained on the data before each
    origin) with the forecaster's residuals on the validation part. Without either,
    training residuals are used and the note says the intervals are likely too narrow.
    ``z`` (N,), the truth on the model scale (default ``prep.z``), is NaN where a value was filled
    in: no residual is taken there, and the note counts the residuals taken.
    """
    z = prep.z if z is None else z
    lo, hi = prep.train_end, prep.test_start
    earliest = prep.offset + prep.cfg.look_back if earliest is None else earliest
    groups = [np.zeros(0) for _ in range(steps)]
    if hi - lo >= 3:
        # at most MAX_CALIBRATION_ORIGINS, the last ones: a long validation part costs no more
        origins = np.arange(max(earliest, lo - steps + 1, hi - MAX_CALIBRATION_ORIGINS), hi)
        val = residuals_by_horizon(forecast_z, z, origins, steps, hi)
        # keep only targets inside the validation part
        for k in range(steps):
            tk = origins + k
            tk = tk[tk < hi]
            groups[k] = val[k][tk >= lo]
    n_extra = 0
    if extra:
        for k in range(min(steps, len(extra))):
            groups[k] = np.concatenate([groups[k], extra[k]])
            n_extra += len(extra[k])
    n_res = sum(int(np.isfinite(g).sum()) for g in groups)  # a target filled in (NaN) gives none
    level = f"{int(round((1 - alpha) * 100))}% level"
    if n_res == 0:
        origins = np.arange(max(earliest + 1, prep.train_end - 30), prep.train_end)
        if len(origins) == 0:
            return [np.zeros(0) for _ in range(steps)], "no points to calibrate intervals on"
        groups = residuals_by_horizon(forecast_z, z, origins, steps, prep.train_end)
        return groups, f"{_no_validation_residuals(hi - lo)}: calibrated on training residuals, likely too narrow"
    note = f"conformal on {n_res:,} out-of-sample residuals {_residual_sources(n_extra, n_res)}, {level}"
    return groups, note


def _no_validation_residuals(n_val: int) -> str:
    """Why no validation residual calibrates the band, for a validation part of ``n_val`` points (a
    20-row upload's 2 validation points read "no validation part" beside a chart drawing them)."""
    if n_val == 0:
        return "no validation part"
    if n_val < 3:
        return f"the validation part ({n_val} point{'s' if n_val > 1 else ''}) is too short to calibrate on"
    return f"the validation part's {n_val} points gave no residual (values filled in, or no window before them)"


def conformal_quantiles(
    forecast_z,
    prep: Prepared,
    steps: int,
    alpha: float = 0.1,
    extra: list[np.ndarray] | None = None,
    earliest: int | None = None,
    z: np.ndarray | None = None,
) -> tuple[np.ndarray, str]:
    """Per-horizon absolute-residual quantiles on ``prep``'s model scale, shape (steps,), of
    :func:`conformal_residuals` (same arguments), and its note."""
    groups, note = conformal_residuals(forecast_z, prep, steps, alpha, extra, earliest, z)
    return residual_quantiles(groups, alpha), note


#: Step of the online level update in :func:`online_widths` (Gibbs & Candès 2021, "Adaptive
#: conformal inference under distribution shift"): after a miss the next width is taken at a
#: level 0.9 x this higher, after a hit 0.1 x this lower. Measured on the 64 real and synthetic
#: series of the benchmark sets and data folders (``benchmarks/bench_online_intervals.py``).
ONLINE_STEP = 0.05


def online_widths(
    calibration: np.ndarray, errors: np.ndarray, alpha: float = 0.1, step: float = ONLINE_STEP
) -> np.ndarray:
    """Half-widths (n,) of the one-step intervals at n consecutive points, on the model scale.

    ``calibration`` (m,): the out-of-sample one-step residuals before the first point;
    ``errors`` (n,): the one-step errors at the points, in order. Point i's width is the
    split-conformal quantile (:func:`residual_quantiles`) of the absolute calibration residuals
    and errors 0..i-1, at a miscoverage level that starts at ``alpha`` and moves by ``step`` x
    (``alpha`` - missed) after each point (adaptive conformal inference): a band that misses more
    often than ``alpha`` widens, one that always covers narrows. Width i depends on nothing at or
    after point i. Levels past 0 or 1 take the largest or smallest residual (finite widths).
    """
    cal = np.abs(np.asarray(calibration, dtype=np.float64))
    pool = sorted(float(v) for v in cal[np.isfinite(cal)])  # kept sorted: the rank-th is pool[rank - 1]
    err = np.abs(np.asarray(errors, dtype=np.float64))
    out = np.zeros(len(err))
    a = alpha
    for i, e in enumerate(err):
        if pool:
            n = len(pool)
            out[i] = pool[min(n, max(1, math.ceil((n + 1) * (1 - a)))) - 1]
        missed = not (e <= out[i])  # a NaN error counts as a miss
        a += step * (alpha - float(missed))
        if math.isfinite(e):
            bisect.insort(pool, float(e))
    return out


def interval(prep: Prepared, z_center: np.ndarray, q: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Band ``z ± q`` mapped to original units (monotone maps keep the order)."""
    return prep.y_from_z(z_center - q), prep.y_from_z(z_center + q)


def coverage(y: np.ndarray, lower: np.ndarray, upper: np.ndarray) -> float:
    """Fraction of ``y`` inside ``[lower, upper]``."""
    return float(np.mean((y >= lower) & (y <= upper))) if len(y) else float("nan")


def never_negative(y: np.ndarray) -> bool:
    """Whether a series is 0 or above throughout (its forecasts are then held at 0 or above)."""
    y = np.asarray(y, dtype=np.float64)
    return bool(len(y) and np.all(y >= 0))


#: A forecast farther than this many data ranges outside the data's range, beyond where the data's
#: own trend carried forward would take it (:func:`trend_reach`), has run away.
RUNAWAY_RANGES = 1.0


def trend_reach(y: np.ndarray, steps: int) -> tuple[np.ndarray, np.ndarray]:
    """How far above the data's maximum and below its minimum its own trend, carried forward,
    goes in 1..``steps`` steps: ``(up, down)``, each (steps,) and 0 or more.

    The trend is the net change between the means of the first and the last tenth of ``y`` (n,),
    per step: linear, and for a series above zero throughout also as a growth rate (a steady 3%
    a year compounds), whichever reaches farther. A series that cycles without a trend reaches
    nowhere (both 0). The linear trend is carried over every step: a straight line carried on is
    no runaway however far ahead (240 steps of a 96-point series' steady rise were warned of). The
    growth rate compounds for at most as many steps as ``y`` holds: past that the data says
    nothing of it, and one compounded over 10,000 steps let any forecast pass (web usage of 83-228
    forecast at 1.6e10 went unreported)."""
    y = np.asarray(y, dtype=np.float64)
    n = len(y)
    steps_k = np.arange(1, max(int(steps), 0) + 1, dtype=np.float64)
    k = np.minimum(steps_k, max(n, 1))
    m = max(1, n // 10)
    if n - m < 1:
        return np.zeros(len(k)), np.zeros(len(k))
    d = (float(np.mean(y[-m:])) - float(np.mean(y[:m]))) / (n - m)
    up, down = max(d, 0.0) * steps_k, max(-d, 0.0) * steps_k
    if np.all(y > 0):
        g = (float(np.mean(np.log(y[-m:]))) - float(np.mean(np.log(y[:m])))) / (n - m)
        with np.errstate(over="ignore"):
            up = np.maximum(up, float(y.max()) * np.expm1(max(g, 0.0) * k))
            down = np.maximum(down, float(y.min()) * -np.expm1(min(g, 0.0) * k))
    return up, down


def runaway_bounds(y: np.ndarray, steps: int) -> tuple[np.ndarray, np.ndarray]:
    """``(floor, ceiling)``, each (steps,): how far below and above the data ``y`` (n,) a forecast
    may go in 1..``steps`` steps before it has run away: :data:`RUNAWAY_RANGES` data ranges past the
    data's range, beyond its own trend's reach (:func:`trend_reach`)."""
    lo, hi = float(y.min()), float(y.max())
    span = max(hi - lo, 1e-12)
    up, down = trend_reach(y, steps)
    return lo - RUNAWAY_RANGES * span - down, hi + RUNAWAY_RANGES * span + up


def within_reach(
    y: np.ndarray, forecast: np.ndarray, lower: np.ndarray, upper: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """A band (``lower``, ``upper``, each (h,)) around ``forecast`` (h,) held within
    :func:`runaway_bounds` of the data ``y`` (n,), and never inside the forecast itself. On the log
    scale a band's growth past the calibrated horizons compounds: hourly temperatures of 12-58 °F,
    3,600 hours ahead, reached 1,015 °F. Where the forecast itself has run past a bound (the run
    says so, :func:`runaway_note`), that side of its band is left as it was: held at the bound, it
    closed on the forecast (a 30-point quarterly series, 240 steps ahead: upper equal to the
    forecast in 129 rows, a "90% band" with nothing above the line)."""
    y = np.asarray(y, dtype=np.float64)
    f = np.asarray(forecast, dtype=np.float64)
    if not len(y) or not len(f):
        return np.asarray(lower, dtype=np.float64), np.asarray(upper, dtype=np.float64)
    floor, ceiling = runaway_bounds(y, len(f))
    lower = np.where(f < floor, lower, np.maximum(lower, floor))
    upper = np.where(f > ceiling, upper, np.minimum(upper, ceiling))
    return np.minimum(lower, f), np.maximum(upper, f)


def one_step_within_reach(
    y: np.ndarray, t: np.ndarray, yhat: np.ndarray, lower: np.ndarray, upper: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """One-step bands (``lower``, ``upper``, each (m,)) around predictions ``yhat`` (m,) of ``y[t]`` held
    within :data:`RUNAWAY_RANGES` ranges of the values before each point (``y`` (n,) with ``t`` (m,)
    rising, every ``t`` > 0), and never inside the prediction. On the log scale a band around a value
    near 0 reaches far up: uniform noise between 0 and 1 had a one-step band up to 6.6."""
    y = np.asarray(y, dtype=np.float64)
    t = np.asarray(t, dtype=np.int64)
    if not len(t):
        return np.asarray(lower, dtype=np.float64), np.asarray(upper, dtype=np.float64)
    seen = np.where(np.isfinite(y), y, np.nan)
    hi = np.fmax.accumulate(np.where(np.isnan(seen), -np.inf, seen))[t - 1]
    lo = np.fmin.accumulate(np.where(np.isnan(seen), np.inf, seen))[t - 1]
    span = np.maximum(hi - lo, 1e-12)
    f = np.asarray(yhat, dtype=np.float64)
    floor, ceiling = lo - RUNAWAY_RANGES * span, hi + RUNAWAY_RANGES * span
    return np.minimum(np.maximum(lower, floor), f), np.maximum(np.minimum(upper, ceiling), f)


def runaway_note(y: np.ndarray, forecast: np.ndarray, what: str = "The forecast") -> str:
    """One sentence when ``forecast`` (h,) leaves the data's range (``y`` (n,)) by more than
    :data:`RUNAWAY_RANGES` times that range beyond where the data's own trend would take it in as
    many steps (:func:`trend_reach`: a steady growth carried on is no runaway), else ``""``.
    ``what`` names the forecast (``"The forecast over the test span"``, ``"The forecast ahead"``)."""
    y = np.asarray(y, dtype=np.float64)
    f = np.asarray(forecast, dtype=np.float64)
    if not len(y) or not len(f):
        return ""
    floor, ceiling = runaway_bounds(y, len(f))
    if not np.any((f > ceiling) | (f < floor)):
        return ""
    lo, hi = float(y.min()), float(y.max())
    span = max(hi - lo, 1e-12)
    worst = max(float(f.max()) - hi, lo - float(f.min()))
    return (
        f"{what} runs away from the data: it reaches {figure_text(f.max() if f.max() - hi > lo - f.min() else f.min())}, "
        f"{worst / span:.3g} data ranges outside [{figure_text(lo)}, {figure_text(hi)}], well past where the data's own trend "
        "would take it; treat it with caution or try another cell or transform."
    )
