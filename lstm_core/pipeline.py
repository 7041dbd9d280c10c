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
from .model import Ensemble, Forecaster, pack
from .prep import Prepared, Transform, auto_horizon, prepare, resolve_target, split_points
from .strategy import SHORTLIST, Backtest, backtest, rank_transforms
from .train import EpochStats, FitResult, Trainer, TrainingDiverged, device_label, resolve_device, seed_everything

#: Seed offset between ensemble members: member k trains with ``seed + k * MEMBER_SEED_STEP``.
MEMBER_SEED_STEP = 1000

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
    model: Forecaster | Ensemble
    fit: FitResult  # member 0's training (the live curve and the gates shown)
    device: str = "cpu"
    metrics: dict = field(default_factory=dict)
    predictions: pd.DataFrame | None = None  # see :func:`evaluate`
    conformal_q: np.ndarray = field(default_factory=lambda: np.zeros(0))  # (steps,) model-scale widths
    conformal_note: str = ""
    gate_history: list = field(default_factory=list)  # per-epoch gate statistics (record_gates), see gates.GateRecorder
    backtest: Backtest | None = None  # how ``auto`` chose the representation (None when it was given)
    members_fit: list = field(default_factory=list)  # FitResult of every ensemble member (member 0 first)
    fixed_intervals: tuple | None = None  # (widths, note) of a saved run: reused, not recalibrated

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
        """Forecast ``steps`` points past the data: columns time, forecast, lower, upper
        (held at 0 or above when the series never goes below 0)."""
        out = fc.future(self.model, self.prep, steps, self.widths(steps))
        if fc.never_negative(self.prep.y):
            for c in ("forecast", "lower", "upper"):
                out[c] = np.maximum(out[c].to_numpy(dtype=np.float64), 0.0)
        return out

    def baseline_future(self, name: str, steps: int) -> pd.DataFrame:
        """A baseline's forecast of ``steps`` points past the data (fitted on everything before
        the test part, filtered through all the data): columns time, forecast."""
        fit_end = self.prep.test_start
        res = multistep_baselines(self.prep.y, self.prep.n, steps, fit_end, self.prep.season)[name]
        vals = res.predictions
        if fc.never_negative(self.prep.y):
            vals = np.maximum(vals, 0.0)
        return pd.DataFrame({"time": self.prep.future_index(steps), "forecast": vals})


def build_model(cfg: RunConfig, prep: Prepared, members: int | None = None) -> Forecaster | Ensemble:
    """A fresh, seeded model whose input/output sizes match the prepared data: one
    Forecaster, or an Ensemble of ``members`` (default ``cfg.train.ensemble``)."""
    cfg.model.input_size = prep.features.shape[1]
    cfg.model.output_size = prep.out_dim
    k = cfg.train.ensemble if members is None else members
    nets = []
    for i in range(k):
        seed_everything(cfg.train.seed + i * MEMBER_SEED_STEP)
        nets.append(Forecaster(cfg.model))
    return pack(nets)


def _train_member(prep: Prepared, cfg: RunConfig, device, seed: int, on_epoch=None, stop=None) -> tuple[Forecaster, FitResult]:
    """Train one network of the ensemble with ``seed``; returns it with its FitResult."""
    tcfg = type(cfg.train).from_dict({**cfg.train.to_dict(), "seed": seed})
    seed_everything(seed)
    net = Forecaster(cfg.model)
    w_tr, w_val = prep.windows["train"], prep.windows["val"]
    fit = Trainer(net, tcfg, device).fit(w_tr.x, w_tr.y, w_val.x, w_val.y, on_epoch=on_epoch, stop=stop,
                                         out_map=_out_map(prep))
    return net, fit


def _out_map(prep: Prepared) -> np.ndarray | None:
    """The level-error loss map for a multi-output head on a differenced target (else None)."""
    import os
    if os.environ.get("LL_MAP", "1") != "1":
        return None
    return prep.level_map() if prep.out_dim > 1 and prep.transform.lag else None


def choose_representation(frame: pd.DataFrame, cfg: RunConfig, season_hint: int | None, device,
                          stop: threading.Event | None = None) -> tuple[Transform | None, Backtest | None]:
    """For ``transform="auto"``: rank candidates by their null forecasts, then train the
    network on the data before a cut-off for the best :data:`SHORTLIST` and keep the one
    whose multi-step forecasts after the cut-off are best. ``(None, None)`` when not auto."""
    d = cfg.data
    if d.transform != "auto" or not d.uses_target_history:
        return None, None
    target, _ = resolve_target(frame, d)
    y = frame[target].to_numpy(dtype=np.float64)
    if not np.all(np.isfinite(y)):
        return None, None  # prepare() reports the missing values
    n = len(y)
    train_end, test_start = split_points(n, d.val_fraction, d.test_fraction)
    season = d.season or season_hint
    h = d.horizon if d.horizon is not None else auto_horizon(season, train_end, d.look_back)
    ranked = rank_transforms(y[:test_start], train_end, season, bool(np.all(y > 0)), d.look_back, max(h, 1))
    import os
    shortlist = [s.transform for s in ranked[:int(os.environ.get('LL_SHORT', SHORTLIST))]]

    def train_one(sub: pd.DataFrame, c: RunConfig, tr: Transform):
        p = prepare(sub, c.data, season_hint, transform=tr)
        c.model.input_size, c.model.output_size = p.features.shape[1], p.out_dim
        net, _ = _train_member(p, c, device, c.train.seed, stop=stop)
        return net, p

    bt = backtest(frame, cfg, season, shortlist, test_start, n - test_start, train_one, stop)
    if not bt.scores:
        return ranked[0].transform, None
    best = bt.scores[0].transform
    why = (f"auto: {best.name}, the best of {len(bt.scores)} representations whose networks were trained on "
           f"the data before point {bt.cut} and scored on multi-step forecasts up to the test part")
    return Transform(**{**best.to_dict(), "reason": why}), bt


def fit_run(
    frame: pd.DataFrame,
    cfg: RunConfig,
    season_hint: int | None = None,
    on_epoch: Callable[[EpochStats], None] | None = None,
    stop: threading.Event | None = None,
    on_recorder: Callable[[GateRecorder], None] | None = None,
    on_phase: Callable[[str], None] | None = None,
) -> Run:
    """Choose the representation, train the ensemble and evaluate. Raises ConfigError /
    TrainingDiverged with one sentence.

    ``on_epoch`` receives member 0's epochs (the live curve). ``on_recorder`` receives the
    run's :class:`~lstm_core.gates.GateRecorder` before member 0 trains; it holds a
    between-epochs weight snapshot, so a caller (the job registry) can show the gates of a
    model that is still learning. ``on_phase`` is told ``"choosing"`` (the backtest),
    ``"training"``, ``"member k/K"`` for the other ensemble members, then ``"evaluating"``.
    A stop keeps the members trained so far (at least member 0's best weights).
    """
    cfg.validate()
    device = resolve_device(cfg.train.device)
    phase = on_phase or (lambda _p: None)
    bt: Backtest | None = None
    transform: Transform | None = None
    if cfg.data.transform == "auto":
        prepare(frame, cfg.data, season_hint, transform=Transform())  # bad data or config: one sentence, now
        phase("choosing")
        transform, bt = choose_representation(frame, cfg, season_hint, device, stop)
    prep = prepare(frame, cfg.data, season_hint, transform=transform)
    cfg.model.input_size = prep.features.shape[1]
    cfg.model.output_size = prep.out_dim
    recorder = GateRecorder(prep, record=cfg.train.record_gates)

    def epoch_end(stats: EpochStats) -> None:
        recorder.epoch_end(first, stats.epoch)
        if on_epoch is not None:
            on_epoch(stats)

    nets: list[Forecaster] = []
    fits: list[FitResult] = []
    seed_everything(cfg.train.seed)
    first = Forecaster(cfg.model)
    recorder.epoch_end(first, 0)
    if on_recorder is not None:
        on_recorder(recorder)
    phase("training")
    tcfg = type(cfg.train).from_dict(cfg.train.to_dict())
    w_tr, w_val = prep.windows["train"], prep.windows["val"]
    fit0 = Trainer(first, tcfg, device).fit(w_tr.x, w_tr.y, w_val.x, w_val.y, on_epoch=epoch_end, stop=stop,
                                            out_map=_out_map(prep))
    nets.append(first)
    fits.append(fit0)
    for k in range(1, cfg.train.ensemble):
        if stop is not None and stop.is_set():
            break
        phase(f"member {k + 1}/{cfg.train.ensemble}")
        net, fit = _train_member(prep, cfg, device, cfg.train.seed + k * MEMBER_SEED_STEP, stop=stop)
        if fit.status == "cancelled" and not fit.history:
            break
        nets.append(net)
        fits.append(fit)
    phase("evaluating")
    model = pack(nets)
    model.eval()
    run = Run(cfg, frame, season_hint, prep, model, fit0, device=device_label(device),
              gate_history=recorder.get_history(), backtest=bt, members_fit=fits)
    if stop is not None and stop.is_set() and fit0.status != "cancelled":
        run.fit.status = "cancelled"
    run.metrics = evaluate(run)
    return run


def _metrics(y: np.ndarray, yhat: np.ndarray, prep: Prepared) -> dict | None:
    if len(y) == 0:
        return None
    return compute_metrics(y, yhat, prep.y[: prep.test_start], season=prep.season or 1)


def evaluate(run: Run) -> dict:
    """Compute the metrics, set ``run.metrics``, ``run.predictions`` and the conformal widths,
    and return the metrics.

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
    if run.fixed_intervals is not None:
        run.conformal_q, run.conformal_note = run.fixed_intervals
    else:
        extra = run.backtest.residuals if run.backtest is not None else None
        run.conformal_q, run.conformal_note = fc.conformal_quantiles(model, prep, steps_cal, 1 - COVERAGE_LEVEL, extra)
    z_multi = fc.recursive_z(model, prep, np.array([ts]), test_len)[0]
    multi = prep.y_from_z(z_multi)
    lower, upper = fc.interval(prep, z_multi, run.widths(test_len))
    lo1, up1 = fc.interval(prep, prep.z_from_y(np.maximum(yhat_test, 1e-300) if prep.transform.log else yhat_test),
                           np.full(len(t_test), run.widths(1)[0]))
    nonneg = fc.never_negative(y)
    if nonneg:
        multi, lower, upper = (np.maximum(a, 0.0) for a in (multi, lower, upper))
        lo1, up1 = np.maximum(lo1, 0.0), np.maximum(up1, 0.0)
        one = {k: (t, np.maximum(v, 0.0)) for k, (t, v) in one.items()}
        t_test, yhat_test = one["test"]

    # Baselines are fitted on everything before the test part: the history the model sees.
    base1 = one_step_baselines(y, t_test, ts, season)
    basem = multistep_baselines(y, ts, test_len, ts, season)
    hist = run.fit.history
    members = run.members_fit or [run.fit]
    metrics = {
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
            "representation": prep.transform.to_dict(),
            "horizon": prep.out_dim,
            "cell": run.config.model.cell,
            "parameters": model.num_parameters(),
            "ensemble": len(getattr(model, "members", [model])),
            "epochs_run": len(hist),
            "best_epoch": run.fit.best_epoch,
            "member_best_epochs": [int(f.best_epoch) for f in members],
            "status": run.fit.status,
            "train_seconds": round(sum(f.seconds for f in members), 3),
            "device": run.device,
            "baseline_models": {k: b.description for k, b in base1.items()},
            "backtest": [{"representation": s.transform.name, "rmse": s.score}
                         for s in (run.backtest.scores if run.backtest else [])],
        },
        "guards": {
            "non_negative": nonneg,
            "runaway": fc.runaway_note(y, multi),
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
    _assert_finite(metrics)
    run.metrics = metrics
    return metrics


def _assert_finite(obj, path: str = "metrics") -> None:
    """No NaN or infinity may reach a result: fail loudly instead of showing one."""
    if isinstance(obj, dict):
        for k, v in obj.items():
            _assert_finite(v, f"{path}.{k}")
    elif isinstance(obj, float) and not math.isfinite(obj):
        raise TrainingDiverged(f"{path} is not finite: the model's predictions blew up; lower the learning rate.")
