"""Long-memory experiment: can a cell carry one sign across ``lag`` steps of distractors?

The data is the engine's ``long-memory`` generator (``x`` iid random signs, ``target[t] =
x[t - lag]``). A sample is the window of ``lag + extra`` inputs ending at ``t`` (the
engine's ``horizon = 0`` windowing); its label is ``target[t]``, i.e. the input
``lag`` steps back, with ``lag`` random distractor signs after it. Accuracy is sign agreement
on held-out windows from a separately seeded series; chance is 50%.

Training is a lean loop on the engine's :class:`~lstm_core.model.Forecaster` (MSE on the
±1 label, Adam, gradient clipping) that stops early once validation accuracy reaches
``solve_at``; every cell gets the same budget of steps. The pipeline's forecasting
overhead (scalers, baselines, conformal intervals) has no meaning on this task.

The app runs a sweep as a job of the job registry
(:meth:`lstm_core.jobs.JobRegistry.submit_sweep`), beside the training runs.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import torch
from torch import nn

from .config import ConfigError, ModelConfig
from .data import generate
from .model import Forecaster
from .train import seed_everything

MEMORY_CELLS = ("rnn", "lstm", "gru")
DEFAULT_LAGS = (5, 10, 25, 50)


@dataclass
class MemoryConfig:
    """One sweep: every cell in ``cells`` at every lag in ``lags``, the same budget each."""

    cells: list[str] = field(default_factory=lambda: list(MEMORY_CELLS))
    lags: list[int] = field(default_factory=lambda: list(DEFAULT_LAGS))
    extra: int = 5  # look_back = lag + extra; extra - 1 leading distractors before the remembered sign
    hidden_size: int = 32
    lr: float = 0.01  # Adam
    batch_size: int = 64
    max_steps: int = 1500  # the budget: optimiser steps per (cell, lag)
    n_train: int = 4096  # training windows
    n_test: int = 1024  # held-out windows (another series, other seed)
    eval_every: int = 25  # steps between validation checks
    solve_at: float = 0.99  # stop early once validation accuracy reaches this
    forget_bias: float = 5.0  # LSTM forget-gate bias init: remember by default (sigmoid(5) = 0.993)
    update_bias: float = 3.0  # GRU update-gate (z) bias init: keep the state by default (sigmoid(3) = 0.95)
    grad_clip: float = 1.0
    seed: int = 0

    def validate(self) -> None:
        bad = [c for c in self.cells if c not in MEMORY_CELLS + ("peephole", "cifg")]
        if not self.cells or bad:
            raise ConfigError(f"Unknown or missing cells {bad}; choose from rnn, lstm, gru, peephole, cifg.")
        if not self.lags or any(int(g) < 1 or int(g) > 500 for g in self.lags):
            raise ConfigError(f"lags must be between 1 and 500 (got {self.lags}).")
        if self.extra < 1:
            raise ConfigError(f"extra must be at least 1 (got {self.extra}); look_back = lag + extra.")
        if self.max_steps < 1 or self.batch_size < 1 or self.n_train < 2 or self.n_test < 2:
            raise ConfigError("max_steps, batch_size, n_train and n_test must be positive.")
        if not (0 < self.lr <= 1):
            raise ConfigError(f"learning rate must be in (0, 1] (got {self.lr}).")

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class MemoryResult:
    """One (cell, lag) cell of the sweep."""

    cell: str
    lag: int
    accuracy: float  # test sign agreement, 0..1 (chance 0.5)
    train_accuracy: float
    steps: int  # optimiser steps used (<= max_steps)
    seconds: float
    solved: bool  # validation accuracy reached solve_at


def windows(lag: int, n: int, extra: int = 1, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """``n`` samples of the long-memory task from the engine's generator.

    Returns ``x`` (n, lag + extra, 1) float32 signs and ``y`` (n,) float32 labels with
    ``y[i] == x[i, extra - 1, 0]``: the sign ``lag`` steps before the window's last step.
    """
    look_back = lag + extra
    frame = generate("long-memory", length=n + look_back - 1, seed=seed, lag=lag)
    xs = frame["x"].to_numpy(np.float32)
    tgt = frame["target"].to_numpy(np.float32)
    idx = np.arange(look_back - 1, len(frame))  # each window ends at t = idx (horizon 0)
    x = np.lib.stride_tricks.sliding_window_view(xs, look_back)[: len(idx)]  # (n, L)
    return np.ascontiguousarray(x)[..., None], tgt[idx]


def sign_accuracy(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """Share of samples whose predicted sign matches the true sign (0 counts as wrong)."""
    y_true, y_pred = np.asarray(y_true).ravel(), np.asarray(y_pred).ravel()
    if len(y_true) == 0:
        raise ValueError("sign_accuracy needs at least one sample.")
    return float(np.mean(np.sign(y_pred) == np.sign(y_true)))


def build_model(
    cell: str, hidden_size: int, forget_bias: float, seed: int, update_bias: float | None = None
) -> Forecaster:
    """A seeded one-layer Forecaster; LSTM forget biases start at ``forget_bias``, GRU update
    (keep) biases at ``update_bias`` (default: ``forget_bias``).

    torch splits each gate's bias over ``bias_ih`` and ``bias_hh``; we set ``bias_ih`` to the
    target and zero ``bias_hh`` for those rows.
    """
    seed_everything(seed)
    model = Forecaster(ModelConfig(cell=cell, hidden_size=hidden_size, num_layers=1))
    rnn: Any = model.rnn  # nn.LSTM / nn.GRU / a variant stack: its bias names differ by cell
    h = hidden_size
    with torch.no_grad():
        if cell == "lstm":  # rows i, f, g, o
            rnn.bias_ih_l0[h : 2 * h].fill_(forget_bias)
            rnn.bias_hh_l0[h : 2 * h].zero_()
        elif cell == "gru":  # rows r, z, n; z near 1 keeps the state
            rnn.bias_ih_l0[h : 2 * h].fill_(forget_bias if update_bias is None else update_bias)
            rnn.bias_hh_l0[h : 2 * h].zero_()
        elif cell in ("peephole", "cifg"):  # VariantLayer rows: (i, f, g, o) or (f, g, o)
            layer = rnn.layers[0]
            start = h if cell == "peephole" else 0
            layer.bias[start : start + h].fill_(forget_bias)
    return model


@torch.no_grad()
def _predict(model: nn.Module, x: torch.Tensor, chunk: int = 2048) -> np.ndarray:
    model.eval()
    out = [model(x[i : i + chunk]) for i in range(0, len(x), chunk)]
    model.train()
    return torch.cat(out).squeeze(-1).numpy()


def train_one(cell: str, lag: int, cfg: MemoryConfig, stop: threading.Event | None = None) -> MemoryResult:
    """Train one cell at one lag within the budget and measure test accuracy."""
    t0 = time.perf_counter()
    x_tr, y_tr = windows(lag, cfg.n_train, cfg.extra, seed=cfg.seed * 1000 + 1)
    x_te, y_te = windows(lag, cfg.n_test, cfg.extra, seed=cfg.seed * 1000 + 2)
    xt, yt = torch.from_numpy(x_tr), torch.from_numpy(y_tr)[:, None]  # (n, L, 1), (n, 1)
    xv = torch.from_numpy(x_te)
    model = build_model(cell, cfg.hidden_size, cfg.forget_bias, cfg.seed, cfg.update_bias)
    opt = torch.optim.Adam(model.parameters(), lr=cfg.lr)
    loss_fn = nn.MSELoss()
    gen = torch.Generator().manual_seed(cfg.seed)
    steps, solved, acc = 0, False, 0.5
    while steps < cfg.max_steps:
        perm = torch.randperm(len(xt), generator=gen)
        for i in range(0, len(xt) - cfg.batch_size + 1, cfg.batch_size):
            if steps >= cfg.max_steps or (stop is not None and stop.is_set()):
                break
            idx = perm[i : i + cfg.batch_size]
            opt.zero_grad(set_to_none=True)
            loss = loss_fn(model(xt[idx]), yt[idx])  # (B, 1)
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), cfg.grad_clip)
            opt.step()
            steps += 1
            if steps % cfg.eval_every == 0:
                acc = sign_accuracy(y_te[:512], _predict(model, xv[:512]))
                if acc >= cfg.solve_at:
                    solved = True
                    break
        if solved or (stop is not None and stop.is_set()):
            break
    test_acc = sign_accuracy(y_te, _predict(model, xv))
    train_acc = sign_accuracy(y_tr[:1024], _predict(model, xt[:1024]))
    return MemoryResult(cell, int(lag), test_acc, train_acc, steps, time.perf_counter() - t0, solved)


def sweep(
    cfg: MemoryConfig | None = None,
    on_result: Callable[[MemoryResult], None] | None = None,
    stop: threading.Event | None = None,
) -> pd.DataFrame:
    """Every cell at every lag; returns one row per (cell, lag) (see :class:`MemoryResult`)."""
    cfg = cfg or MemoryConfig()
    cfg.validate()
    rows = []
    for lag in cfg.lags:
        for cell in cfg.cells:
            if stop is not None and stop.is_set():
                break
            res = train_one(cell, int(lag), cfg, stop)
            rows.append(asdict(res))
            if on_result is not None:
                on_result(res)
    cols = list(MemoryResult.__dataclass_fields__)
    return pd.DataFrame(rows, columns=cols)


#: How far ahead of every gated cell the plain RNN must be at a lag for a sweep to contradict the page's claim
#: there (a plain RNN forgets, LSTM and GRU cells hold the sign): both at 100% at a short lag is no contradiction.
CLAIM_MARGIN = 0.02


def claim_note(results: pd.DataFrame) -> str | None:
    """A sentence where a sweep's ``results`` contradict "a plain RNN forgets, LSTM and GRU cells hold it": the
    lags at which the RNN beat every gated cell by over :data:`CLAIM_MARGIN`, and why that happens (a budget
    too small to learn to hold the sign); None where none, or without an RNN and a gated cell. A budget-100
    sweep showed the RNN ahead at lags 5 and 10 (79% and 91% against the LSTM's 71% and 68%) under the claim,
    unremarked."""
    if results.empty or "rnn" not in set(results["cell"]):
        return None
    table = results.pivot_table(index="lag", columns="cell", values="accuracy")
    gated = [c for c in table.columns if c != "rnn"]
    if not gated:
        return None
    lags = [int(lag) for lag, row in table.iterrows() if row["rnn"] > row[gated].max() + CLAIM_MARGIN]
    if not lags:
        return None
    used = int(results["steps"].max()) if "steps" in results else 0
    where = " and ".join(", ".join(map(str, lags)).rsplit(", ", 1))
    return (
        f"In this sweep the plain RNN beat every gated cell at lag{'s' if len(lags) > 1 else ''} {where}, against "
        f"the claim above: with {used:,} training steps at most, the gated cells may not have learned to hold the "
        f"sign yet (the shipped result trained up to {MemoryConfig().max_steps:,} per cell and lag)."
    )


def accuracy_table(results: pd.DataFrame) -> pd.DataFrame:
    """Accuracy in percent, one row per lag and one column per cell."""
    if results.empty:
        return pd.DataFrame()
    t = results.pivot(index="lag", columns="cell", values="accuracy") * 100
    return t[[c for c in MEMORY_CELLS if c in t.columns] + [c for c in t.columns if c not in MEMORY_CELLS]]
