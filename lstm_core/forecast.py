"""Predictions in original units: one-step, recursive multi-step, and conformal intervals.

* One-step-ahead: every prediction is made from the true history (the classic tutorials'
  train/test overlay).
* Recursive multi-step from an origin ``o`` (history ``y[:o]``): the network's own outputs
  are fed back as the target's past. Exogenous inputs take their true values inside the
  data; past its end a model with exogenous inputs cannot forecast.
* Split conformal: absolute residuals on the model scale (``log y`` with the log transform)
  of k-step recursive forecasts whose targets lie in the validation part, one quantile per
  horizon k, so intervals widen with the horizon and with the level.
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import torch

from .config import ConfigError
from .model import Forecaster
from .prep import Prepared, one_step_targets, window_x


@torch.no_grad()
def _predict_scaled(model: Forecaster, x: np.ndarray, chunk: int = 8192) -> np.ndarray:
    """Network outputs (n, out) for windows ``x`` (n, L, F)."""
    model.eval()
    dev = model.device
    outs = [model(torch.as_tensor(x[i:i + chunk], device=dev)).float().cpu().numpy() for i in range(0, len(x), chunk)]
    return np.concatenate(outs) if outs else np.zeros((0, max(model.cfg.output_size, 1)), dtype=np.float32)


def one_step(model: Forecaster, prep: Prepared, part: str) -> tuple[np.ndarray, np.ndarray]:
    """One-step-ahead predictions for every predictable point of ``part``.

    Returns ``(t, yhat)``: target indices (n,) and predictions (n,) in original units.
    """
    t = one_step_targets(prep, part)
    if len(t) == 0:
        return t, np.zeros(0)
    d = prep.d_from_scaled(_predict_scaled(model, window_x(prep, t))[:, 0])  # (n,)
    return t, prep.y_from_z(prep.z_from_d(d, t))


def recursive_z(model: Forecaster, prep: Prepared, origins: np.ndarray, steps: int) -> np.ndarray:
    """Recursive forecasts on the model scale from each origin: (M, steps).

    Origin ``o`` uses history ``[:o]`` and predicts indices ``o .. o+steps-1``. The direct
    head's ``horizon`` outputs are used as a block before feeding back.
    """
    cfg = prep.cfg
    origins = np.asarray(origins, dtype=np.int64)
    m, lag, L, h = len(origins), prep.offset, cfg.look_back, max(cfg.horizon, 1)
    feeds_back = cfg.uses_target_history and cfg.horizon >= 1
    if not feeds_back:
        # Nothing is fed back (mapping mode): multi-step equals one-step on true inputs.
        t = origins[:, None] + np.arange(steps)[None, :]
        if int(t.max()) >= prep.n:
            raise ConfigError("A model without the target among its inputs can only predict inside the data.")
        d = prep.d_from_scaled(_predict_scaled(model, window_x(prep, t.ravel()))[:, 0]).reshape(m, steps)
        return prep.z_from_d(d, t)
    if prep.inputs and int(origins.max()) + steps > prep.n:
        raise ConfigError(
            "Forecasting past the end of the data needs the input columns' future values; "
            "train on the target alone to forecast further."
        )
    n_blocks = math.ceil(steps / h)
    total = n_blocks * h
    window = np.stack([window_x(prep, np.array([o]))[0] for o in origins]) if m else np.zeros((0, L, 1), np.float32)
    z_hat = np.zeros((m, total))
    for blk in range(n_blocks):
        out = _predict_scaled(model, window)  # (M, h) scaled d
        d = prep.d_from_scaled(out)
        new_rows = np.zeros((m, h, window.shape[2]), dtype=np.float32)
        for j in range(h):
            k = blk * h + j
            t = origins + k  # (M,)
            if lag:
                src = t - lag
                known = src < origins
                base = np.where(known, prep.z[np.minimum(src, prep.n - 1)], 0.0)
                back = np.clip(src - origins, 0, total - 1)
                base = np.where(known, base, z_hat[np.arange(m), back])
                z_hat[:, k] = base + d[:, j]
            else:
                z_hat[:, k] = d[:, j]
            new_rows[:, j, 0] = out[:, j]  # the target's scaled d is feature 0
            if prep.inputs:
                exog = prep.features[np.minimum(t, prep.n - 1), 1:]
                new_rows[:, j, 1:] = exog
        window = np.concatenate([window[:, h:], new_rows], axis=1)[:, -L:]
    return z_hat[:, :steps]


def recursive(model: Forecaster, prep: Prepared, origin: int, steps: int) -> np.ndarray:
    """Recursive forecast of ``steps`` points from ``origin``, original units (steps,)."""
    return prep.y_from_z(recursive_z(model, prep, np.array([origin]), steps)[0])


def conformal_quantiles(model: Forecaster, prep: Prepared, steps: int, alpha: float = 0.1) -> tuple[np.ndarray, str]:
    """Per-horizon absolute-residual quantiles on the model scale, shape (steps,).

    Calibrated on forecasts whose targets lie in the validation part (origins may sit in
    the training part). Without a validation part, training residuals are used and the
    returned note says the intervals are likely too narrow.
    """
    lo, hi = prep.train_end, prep.test_start
    note = f"split conformal on {hi - lo} validation points, {int(round((1 - alpha) * 100))}% level"
    if hi - lo < 3:
        lo, hi = max(prep.offset + prep.cfg.look_back + 1, prep.train_end - 30), prep.train_end
        note = "no validation part: calibrated on training residuals, likely too narrow"
    targets = np.arange(lo, hi)
    earliest = prep.offset + prep.cfg.look_back
    q = np.zeros(steps)
    origins = np.arange(max(earliest, lo - steps), hi)
    if len(origins) == 0:
        return q, "no points to calibrate intervals on"
    zf = recursive_z(model, prep, origins, steps)  # (M, steps)
    for k in range(steps):
        tk = origins + k
        ok = np.isin(tk, targets)
        res = np.abs(prep.z[tk[ok]] - zf[ok, k])
        if len(res) == 0:
            q[k] = q[k - 1] if k else 0.0
            continue
        level = min(1.0, math.ceil((len(res) + 1) * (1 - alpha)) / len(res))
        q[k] = float(np.quantile(res, level, method="higher"))
    return np.maximum.accumulate(q), note


def interval(prep: Prepared, z_center: np.ndarray, q: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Band ``z ± q`` mapped to original units (monotone maps keep the order)."""
    return prep.y_from_z(z_center - q), prep.y_from_z(z_center + q)


def coverage(y: np.ndarray, lower: np.ndarray, upper: np.ndarray) -> float:
    """Fraction of ``y`` inside ``[lower, upper]``."""
    return float(np.mean((y >= lower) & (y <= upper))) if len(y) else float("nan")


def future(model: Forecaster, prep: Prepared, steps: int, q: np.ndarray) -> pd.DataFrame:
    """``steps`` points past the end of the data: columns time, forecast, lower, upper."""
    if steps < 1:
        raise ConfigError("Ask for at least one forecast step.")
    if len(q) < steps:
        q = np.concatenate([q, np.full(steps - len(q), q[-1] if len(q) else 0.0)])
    z = recursive_z(model, prep, np.array([prep.n]), steps)[0]
    lower, upper = interval(prep, z, q[:steps])
    return pd.DataFrame({"time": prep.future_index(steps), "forecast": prep.y_from_z(z), "lower": lower, "upper": upper})
