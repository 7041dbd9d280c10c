"""One experiment end to end: data + RunConfig -> trained model -> predictions and metrics.

A :class:`Run` is the one object the pages, the command line and saved run directories
share. Every number in ``Run.metrics`` is in original units, on the same test points for
the model and the baselines.
"""
from __future__ import annotations

import math
import threading
from dataclasses import dataclass, field
from typing import Callable

import numpy as np
import pandas as pd

from . import forecast as fc
from .baselines import multistep_baselines, one_step_baselines
from .config import RunConfig
from .gates import GateRecorder
from .metrics import compute_metrics
from .model import Forecaster
from .prep import Prepared, prepare
from .train import EpochStats, FitResult, Trainer, TrainingDiverged, device_label, resolve_device, seed_everything

#: Intervals are calibrated for horizons up to this many steps; beyond, the last width
#: grows like sqrt(k) (a random-walk assumption, said in ``metrics["coverage"]["note"]``).
MAX_CALIBRATED_STEPS = 120
COVERAGE_LEVEL = 0.9


@dataclass
class Run:
    """A trained model with its data, preprocessing, history, predictions and metrics."""

    config: RunConfig
    frame: pd.DataFrame  # the data it was trained on
    season_hint: int | None  # season detected from the data's time index
    prep: Prepared
    model: Forecaster
    fit: FitResult
    device: str = "cpu"
    metrics: dict = field(default_factory=dict)
    predictions: pd.DataFrame | None = None  # see :func:`evaluate`
    conformal_q: np.ndarray = field(default_factory=lambda: np.zeros(0))  # (steps,) model-scale widths
    conformal_note: str = ""
    gate_history: list = field(default_factory=list)  # per-epoch gate statistics (record_gates), see gates.GateRecorder

    @property
    def history(self) -> list[EpochStats]:
        return self.fit.history

    def history_frame(self) -> pd.DataFrame:
        cols = ["epoch", "train_loss", "val_loss", "seconds", "samples_per_s"]
        return pd.DataFrame([s.to_dict() for s in self.fit.history], columns=cols)

    def widths(self, steps: int) -> np.ndarray:
        """Conformal half-widths for horizons 1..steps (model scale), extrapolated past calibration."""
        q = self.conformal_q
        if len(q) >= steps:
            return q[:steps]
        last = q[-1] if len(q) else 0.0
        k = np.arange(len(q) + 1, steps + 1)
        return np.concatenate([q, last * np.sqrt(k / max(len(q), 1))])

    def future(self, steps: int) -> pd.DataFrame:
        """Forecast ``steps`` points past the data: columns time, forecast, lower, upper."""
        return fc.future(self.model, self.prep, steps, self.widths(steps))


def build_model(cfg: RunConfig, prep: Prepared) -> Forecaster:
    """A fresh, seeded Forecaster whose input/output sizes match the prepared data."""
    cfg.model.input_size = prep.features.shape[1]
    cfg.model.output_size = prep.out_dim
    seed_everything(cfg.train.seed)
    return Forecaster(cfg.model)


def fit_run(
    frame: pd.DataFrame,
    cfg: RunConfig,
    season_hint: int | None = None,
    on_epoch: Callable[[EpochStats], None] | None = None,
    stop: threading.Event | None = None,
    on_recorder: Callable[[GateRecorder], None] | None = None,
    on_phase: Callable[[str], None] | None = None,
) -> Run:
    """Prepare, train and evaluate. Raises ConfigError / TrainingDiverged with one sentence.

    ``on_recorder`` receives the run's :class:`~lstm_core.gates.GateRecorder` before training
    starts; it holds a between-epochs weight snapshot, so a caller (the job registry) can show
    the gates of a model that is still learning. ``on_phase``
    is told ``"training"`` and then ``"evaluating"`` (forecasts, intervals, baselines).
    """
    cfg.validate()
    device = resolve_device(cfg.train.device)
    prep = prepare(frame, cfg.data, season_hint)
    model = build_model(cfg, prep)
    # Gate statistics per epoch (cfg.train.record_gates) and a between-epochs weight snapshot.
    recorder = GateRecorder(prep, record=cfg.train.record_gates)
    recorder.epoch_end(model, 0)
    if on_recorder is not None:
        on_recorder(recorder)

    def epoch_end(stats: EpochStats) -> None:
        recorder.epoch_end(model, stats.epoch)
        if on_epoch is not None:
            on_epoch(stats)

    trainer = Trainer(model, cfg.train, device)
    w_tr, w_val = prep.windows["train"], prep.windows["val"]
    if on_phase is not None:
        on_phase("training")
    fit = trainer.fit(w_tr.x, w_tr.y, w_val.x, w_val.y, on_epoch=epoch_end, stop=stop)
    if on_phase is not None:
        on_phase("evaluating")
    run = Run(cfg, frame, season_hint, prep, model, fit, device=device_label(device),
              gate_history=recorder.get_history())
    evaluate(run)
    return run


def _metrics(y: np.ndarray, yhat: np.ndarray, prep: Prepared) -> dict | None:
    if len(y) == 0:
        return None
    return compute_metrics(y, yhat, prep.y[: prep.test_start], season=prep.season or 1)


def evaluate(run: Run) -> dict:
    """Fill ``run.metrics``, ``run.predictions`` and the conformal widths; returns the metrics.

    ``predictions`` has one row per point of the series: time, actual, part
    (train/val/test), one_step (NaN where no window fits), multistep (test span only,
    recursive from the start of the test part), lower/upper (the multistep interval).
    """
    prep, model = run.prep, run.model
    y, n, ts = prep.y, prep.n, prep.test_start
    test_len = n - ts
    season = prep.season
    one = {part: fc.one_step(model, prep, part) for part in ("train", "val", "test")}
    t_test, yhat_test = one["test"]
    steps_cal = min(max(test_len, 2 * (season or 12)), MAX_CALIBRATED_STEPS)
    run.conformal_q, run.conformal_note = fc.conformal_quantiles(model, prep, steps_cal, 1 - COVERAGE_LEVEL)
    z_multi = fc.recursive_z(model, prep, np.array([ts]), test_len)[0]
    multi = prep.y_from_z(z_multi)
    lower, upper = fc.interval(prep, z_multi, run.widths(test_len))
    lo1, up1 = fc.interval(prep, prep.z_from_y(yhat_test), np.full(len(t_test), run.widths(1)[0]))

    # Baselines are fitted on everything before the test part: the history the model sees.
    base1 = one_step_baselines(y, t_test, ts, season)
    basem = multistep_baselines(y, ts, test_len, ts, season)
    hist = run.fit.history
    run.metrics = {
        "train": _metrics(y[one["train"][0]], one["train"][1], prep),
        "val": _metrics(y[one["val"][0]], one["val"][1], prep),
        "test": _metrics(y[t_test], yhat_test, prep),
        "test_multistep": _metrics(y[ts:], multi, prep),
        "baselines": {k: _metrics(y[t_test], b.predictions, prep) for k, b in base1.items()},
        "baselines_multistep": {k: _metrics(y[ts:], b.predictions, prep) for k, b in basem.items()},
        "coverage": {
            "level": COVERAGE_LEVEL,
            "one_step": fc.coverage(y[t_test], lo1, up1),
            "multistep": fc.coverage(y[ts:], lower, upper),
            "note": run.conformal_note
            + (f"; widths past {len(run.conformal_q)} steps grow like sqrt(k)" if test_len > len(run.conformal_q) else ""),
        },
        "info": {
            "target": prep.target,
            "inputs": prep.inputs,
            "n_points": n,
            "train_end": prep.train_end,
            "test_start": ts,
            "n_test": int(len(t_test)),
            "season": season,
            "transform": prep.transform.name,
            "transform_reason": prep.transform.reason,
            "cell": run.config.model.cell,
            "parameters": model.num_parameters(),
            "epochs_run": len(hist),
            "best_epoch": run.fit.best_epoch,
            "status": run.fit.status,
            "train_seconds": round(run.fit.seconds, 3),
            "device": run.device,
            "baseline_models": {k: b.description for k, b in base1.items()},
        },
    }
    one_col = np.full(n, np.nan)
    for t, yh in one.values():
        one_col[t] = yh
    pad = np.full(ts, np.nan)
    run.predictions = pd.DataFrame({
        "time": prep.index,
        "actual": y,
        "part": np.where(np.arange(n) < prep.train_end, "train", np.where(np.arange(n) < ts, "val", "test")),
        "one_step": one_col,
        "multistep": np.concatenate([pad, multi]),
        "lower": np.concatenate([pad, lower]),
        "upper": np.concatenate([pad, upper]),
    })
    _assert_finite(run.metrics)
    return run.metrics


def _assert_finite(obj, path: str = "metrics") -> None:
    """No NaN or infinity may reach a result: fail loudly instead of showing one."""
    if isinstance(obj, dict):
        for k, v in obj.items():
            _assert_finite(v, f"{path}.{k}")
    elif isinstance(obj, float) and not math.isfinite(obj):
        raise TrainingDiverged(f"{path} is not finite: the model's predictions blew up; lower the learning rate.")
