"""Trainer: mini-batch Adam with clipping, early stopping, cancellation and divergence checks.

The trainer knows nothing of the UI (minGPT style): it reports through a
:class:`~lstm_core.callbacks.Callbacks` object, whose ``stop`` event cancels it. Same data, config and seed give the same loss curve
on CPU.
"""

from __future__ import annotations

import contextlib
import logging
import math
import os
import random
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from enum import StrEnum

import numpy as np
import torch
from torch import nn

from .callbacks import Callbacks
from .config import ConfigError, TrainConfig

log = logging.getLogger(__name__)

#: Train with torch's fused Adam kernel on the devices it supports (False: the multi-tensor
#: ``foreach`` implementation everywhere; the two differ in rounding only).
FUSED_ADAM = True
FUSED_ADAM_DEVICES = ("cpu", "cuda")


class TrainingDiverged(RuntimeError):
    """The loss became non-finite or exploded; the message suggests what to change."""


class DeviceError(ConfigError):
    """The requested device is not present on this machine."""


@dataclass
class EpochStats:
    """What the ``on_epoch`` callback receives after every epoch."""

    epoch: int  # 1-based
    train_loss: float  # mean MSE over the epoch's batches, on the scaled targets
    val_loss: float | None  # MSE on the validation windows; None without a validation part
    seconds: float  # wall time of this epoch
    samples_per_s: float

    def to_dict(self) -> dict:
        return asdict(self)


class FitStatus(StrEnum):
    """How a network's training ended (text-valued: ``FitStatus.CANCELLED == "cancelled"``)."""

    COMPLETED = "completed"
    EARLY_STOPPED = "early_stopped"
    REACHED_TARGET = "reached_target"
    CANCELLED = "cancelled"


#: How a person reads each :class:`FitStatus` (the key ``early_stopped`` read as code on the pages and
#: the command line's summary line).
ENDED_WORDS: dict[str, str] = {
    FitStatus.COMPLETED: "completed",
    FitStatus.EARLY_STOPPED: "early-stopped",
    FitStatus.REACHED_TARGET: "reached the target loss",
    FitStatus.CANCELLED: "cancelled",
}


def ended_words(status: object) -> str:
    """How training ended, in words (``early_stopped`` -> ``early-stopped``); an unknown status as given."""
    return ENDED_WORDS.get(str(status), str(status))


@dataclass
class FitResult:
    """How training ended. ``status``: a :class:`FitStatus` (text from a saved run compares equal)."""

    history: list[EpochStats] = field(default_factory=list)
    best_epoch: int = 0
    best_loss: float = math.inf
    status: str = FitStatus.COMPLETED
    seconds: float = 0.0


@dataclass
class _Tensors:
    """Training windows (and validation windows, if any) on the training device."""

    x: torch.Tensor  # (n, L, F)
    y: torch.Tensor  # (n, out)
    xv: torch.Tensor | None = None  # (m, L, F)
    yv: torch.Tensor | None = None  # (m, out)


@dataclass
class _Best:
    """The best weights so far and the epochs since they were found."""

    state: dict
    since: int = 0


def _snapshot(model: nn.Module) -> dict[str, torch.Tensor]:
    """A copy of ``model``'s state (detached clones: what ``copy.deepcopy`` of the state dict gave,
    without its per-tensor bookkeeping)."""
    return {k: v.detach().clone() for k, v in model.state_dict().items()}


class _WeightAverage:
    """Exponential moving average of a model's weights, updated once per epoch:
    ``avg <- a * avg + (1 - a) * weights`` (floating-point tensors; the first epoch's weights start it).

    The recurrent networks here train on a few dozen to a few thousand windows at a learning
    rate of 0.01, so the weights after any one epoch carry that epoch's noise; their average over
    the last few epochs (``a`` = 0.5: about two) forecasts further ahead more steadily, and early
    stopping on its validation loss picks from a smoother curve (Polyak averaging; see
    :attr:`lstm_core.config.TrainConfig.weight_average` for what it measured).
    """

    def __init__(self, decay: float):
        self.decay = float(decay)
        self.state: dict[str, torch.Tensor] | None = None

    def update(self, model: nn.Module) -> None:
        with torch.no_grad():
            if self.state is None:
                self.state = _snapshot(model)
                return
            for k, v in model.state_dict().items():
                if v.is_floating_point():
                    self.state[k].mul_(self.decay).add_(v.detach(), alpha=1.0 - self.decay)
                else:
                    self.state[k].copy_(v)

    @contextlib.contextmanager
    def swapped(self, model: nn.Module) -> Iterator[None]:
        """The average loaded into ``model`` inside the block, the training weights back after it
        (copied in place: the optimizer keeps its parameters and their moments)."""
        assert self.state is not None, "update() before swapped()"
        live = model.state_dict()  # tensors that share the parameters' storage
        with torch.no_grad():
            own = {k: v.detach().clone() for k, v in live.items()}
            for k, v in live.items():
                v.copy_(self.state[k])  # in place: cheaper than load_state_dict (measured), the same values
        yield  # no swap back after an error: a diverged run keeps the best weights _track_best restored
        with torch.no_grad():
            for k, v in live.items():
                v.copy_(own[k])


def _clip_grad_norm(params: Sequence[torch.Tensor], max_norm: float) -> None:
    """``nn.utils.clip_grad_norm_(params, max_norm)`` with the same result, rescaling only when
    the total norm is over ``max_norm`` (the library multiplies every gradient by a coefficient
    clamped to 1 on each step, which costs about as much as the norm on these small networks)."""
    grads = [p.grad for p in params if p.grad is not None]
    if not grads:
        return
    with torch.no_grad():
        total = torch.linalg.vector_norm(torch.stack(torch._foreach_norm(grads)))  # () the 2-norm of all
        coef = max_norm / (total + 1e-6)  # the library's coefficient, to the bit
        if bool(coef < 1.0):
            torch._foreach_mul_(grads, coef)


def available_devices() -> list[str]:
    """Devices present here, best first (always ends with ``cpu``)."""
    found = []
    if torch.cuda.is_available():
        found.append("cuda")
    mps = getattr(torch.backends, "mps", None)
    if mps is not None and mps.is_available():
        found.append("mps")
    return found + ["cpu"]


def resolve_device(name: str = "auto") -> torch.device:
    """``auto`` picks CUDA, then Apple MPS, then CPU; an absent explicit choice is an error."""
    present = available_devices()
    if name == "auto":
        return torch.device(present[0])
    if name not in ("cpu", "cuda", "mps"):
        raise DeviceError(f"Unknown device {name!r}; choose auto, cpu, cuda or mps.")
    if name not in present:
        raise DeviceError(
            f"Device {name!r} is not available on this machine (found: {', '.join(present)}); use auto or cpu."
        )
    return torch.device(name)


def device_label(device: torch.device, threads: int | None = None) -> str:
    """Human label, e.g. ``CUDA (NVIDIA H100)``, ``Apple MPS`` or ``CPU (2 cores)``; with the
    torch ``threads`` a job trained on, ``CPU (1 thread of 2 cores)`` (the engine takes fewer
    threads than cores beside other jobs: ``lstm_core.threads``)."""
    if device.type == "cuda":
        return f"CUDA ({torch.cuda.get_device_name(device)})"
    if device.type == "mps":
        return "Apple MPS"
    cores = os.cpu_count() or 1
    machine = f"{cores} core{'s' if cores != 1 else ''}"
    if threads is None:
        return f"CPU ({machine})"
    return f"CPU ({threads} thread{'s' if threads != 1 else ''} of {machine})"


def seed_everything(seed: int) -> None:
    """Seed Python, NumPy and torch (CPU and CUDA)."""
    random.seed(seed)
    np.random.seed(seed % (2**32))
    torch.manual_seed(seed)


class Trainer:
    """Fits a model on (x, y) tensors.

    Parameters
    ----------
    model : nn.Module mapping (B, T, F) -> (B, out).
    cfg : TrainConfig.
    device : where to train; defaults to ``resolve_device(cfg.device)``.
    """

    #: a batch loss this many times the loss of always predicting zero means the run blew up
    EXPLODE_FACTOR = 100.0

    def __init__(self, model: nn.Module, cfg: TrainConfig, device: torch.device | None = None):
        cfg.validate()
        self.cfg = cfg
        self.device = device or resolve_device(cfg.device)
        self.model = model.to(self.device)

    def fit(
        self,
        x_train: np.ndarray,
        y_train: np.ndarray,
        x_val: np.ndarray | None = None,
        y_val: np.ndarray | None = None,
        callbacks: Callbacks | None = None,
        output_weights: np.ndarray | None = None,
    ) -> FitResult:
        """Train; returns with the best weights (by validation loss, else training loss) loaded.
        With ``cfg.weight_average`` and a validation part, those are the best of the weights'
        epoch-wise moving average (:class:`_WeightAverage`), and the validation losses reported
        and watched by early stopping are the average's.

        ``x_*`` (n, L, F) and ``y_*`` (n, out) float32 arrays. ``callbacks.on_epoch`` gets every
        epoch's :class:`EpochStats`; ``callbacks.stop.set()`` cancels within one batch. Raises
        :class:`TrainingDiverged` on a non-finite or exploding loss, after restoring the best
        weights so far (the model never keeps NaN weights). ``output_weights`` (out,): the loss
        weighs each output's squared error by these (mean 1); default equal weights.
        """
        cb = callbacks or Callbacks()
        cfg = self.cfg
        self._check_windows(x_train, y_train, x_val, y_val)
        gen = torch.Generator().manual_seed(cfg.seed)
        seed_everything(cfg.seed)
        data = self._to_device(x_train, y_train, x_val, y_val)
        limit = self._explode_limit(y_train)
        opt = self._optimizer()
        loss_fn = self._loss_fn(output_weights)
        result = FitResult()
        best = _Best(_snapshot(self.model))
        # the weights' moving average needs a validation part to be judged on
        avg = _WeightAverage(cfg.weight_average) if cfg.weight_average and data.xv is not None else None
        t_start = time.perf_counter()
        for epoch in range(1, cfg.epochs + 1):
            t0 = time.perf_counter()
            total, seen, cancelled = self._train_epoch(epoch, data, gen, opt, loss_fn, limit, best, cb)
            if avg is not None and seen:
                avg.update(self.model)
            if cancelled:
                result.status = FitStatus.CANCELLED
            if seen == 0:  # cancelled before the first batch of this epoch
                break
            train_loss = total / seen
            val_loss = None
            if data.xv is None or data.yv is None:
                self._track_best(epoch, train_loss, result, best)
            else:
                # with a moving average, its validation loss decides and the average is what is kept
                with avg.swapped(self.model) if avg is not None else contextlib.nullcontext():
                    val_loss = self._evaluate(data.xv, data.yv, loss_fn)
                    self._track_best(epoch, val_loss, result, best)
            secs = time.perf_counter() - t0
            stats = EpochStats(epoch, train_loss, val_loss, secs, seen / max(secs, 1e-9))
            result.history.append(stats)
            cb.epoch(stats)
            ending = self._ending(result.status, best.since, train_loss)
            if ending is not None:
                result.status = ending
                log.debug("training ends at epoch %d: %s (best epoch %d)", epoch, ending, result.best_epoch)
                break
        self.model.load_state_dict(best.state)
        self.model.eval()
        result.seconds = time.perf_counter() - t_start
        return result

    # ------------------------------------------------------------------ the steps of fit
    def _optimizer(self) -> torch.optim.Adam:
        """Adam over the model's parameters: the fused kernel where torch has one for the device
        (:data:`FUSED_ADAM_DEVICES`), else the multi-tensor one. The recurrent networks here are
        small, so an optimiser step costs about as much as the forward pass: fused, with
        :func:`_clip_grad_norm`, a default airline run took 0.8x the time (measured by
        ``benchmarks/bench_train_step.py``)."""
        cfg = self.cfg
        fused = FUSED_ADAM and self.device.type in FUSED_ADAM_DEVICES
        return torch.optim.Adam(
            self.model.parameters(),
            lr=cfg.lr,
            weight_decay=cfg.weight_decay,
            foreach=None if fused else True,
            fused=True if fused else None,
        )

    @staticmethod
    def _check_windows(
        x_train: np.ndarray, y_train: np.ndarray, x_val: np.ndarray | None, y_val: np.ndarray | None
    ) -> None:
        """Refuse empty training windows and non-finite values with one sentence (ConfigError)."""
        if len(x_train) == 0:
            raise ConfigError("There are no training windows; use a shorter look_back or a longer series.")
        for part, arrays in (("training", (x_train, y_train)), ("validation", (x_val, y_val))):
            if any(a is not None and len(a) and not np.isfinite(a).all() for a in arrays):
                # Not a divergence: the data reached the trainer broken, e.g. the log of a zero.
                raise ConfigError(
                    f"The prepared {part} windows hold non-finite values (usually a log transform meeting a zero or "
                    "negative value); choose transform 'none' or 'diff', or fix those values."
                )

    def _to_device(
        self, x_train: np.ndarray, y_train: np.ndarray, x_val: np.ndarray | None, y_val: np.ndarray | None
    ) -> _Tensors:
        """The windows as float32 tensors on the training device (no validation part: None)."""
        dev = self.device
        xt = torch.as_tensor(x_train, dtype=torch.float32, device=dev)  # (n, L, F)
        yt = torch.as_tensor(y_train, dtype=torch.float32, device=dev)  # (n, out)
        if x_val is None or len(x_val) == 0:
            return _Tensors(xt, yt)
        xv = torch.as_tensor(x_val, dtype=torch.float32, device=dev)  # (m, L, F)
        yv = torch.as_tensor(y_val, dtype=torch.float32, device=dev)  # (m, out)
        return _Tensors(xt, yt, xv, yv)

    def _explode_limit(self, y_train: np.ndarray) -> float:
        """The batch loss above which the run counts as exploded.

        At least 100x the loss of predicting zero for a unit-scale target: a series that hardly
        varies (the scaler leaves a spread under 1e-12 unscaled) must not read as an explosion
        of the untrained model's first outputs.
        """
        return self.EXPLODE_FACTOR * max(float(np.mean(np.square(y_train))), 1.0)

    def _loss_fn(self, output_weights: np.ndarray | None) -> Callable[[torch.Tensor, torch.Tensor], torch.Tensor]:
        """MSE, or each output's squared error weighted by ``output_weights`` (normalised to mean 1)."""
        if output_weights is None:
            return nn.MSELoss()
        w = torch.as_tensor(output_weights, dtype=torch.float32, device=self.device)  # (out,)
        w = w / w.mean()

        def weighted(out: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
            return torch.mean(w * (out - target) ** 2)

        return weighted

    def _train_epoch(
        self,
        epoch: int,
        data: _Tensors,
        gen: torch.Generator,
        opt: torch.optim.Optimizer,
        loss_fn: Callable[[torch.Tensor, torch.Tensor], torch.Tensor],
        limit: float,
        best: _Best,
        cb: Callbacks,
    ) -> tuple[float, int, bool]:
        """One pass over the shuffled training windows; returns (summed loss, samples seen, cancelled).

        A non-finite or exploding batch loss restores the best weights and raises
        :class:`TrainingDiverged`.
        """
        cfg, dev = self.cfg, self.device
        self.model.train()
        total, seen = 0.0, 0
        n, bs = len(data.x), cfg.batch_size
        params = list(self.model.parameters())
        perm = torch.randperm(n, generator=gen).to(dev)
        for i in range(0, n, bs):
            if cb.should_stop():
                return total, seen, True
            idx = perm[i : i + bs]
            for p in params:  # opt.zero_grad(set_to_none=True) without its per-call wrapper cost
                p.grad = None
            loss = loss_fn(self.model(data.x[idx]), data.y[idx])
            loss.backward()
            value = loss.item()
            if not math.isfinite(value) or value > limit:
                self.model.load_state_dict(best.state)
                raise TrainingDiverged(
                    f"Training diverged at epoch {epoch} (loss {value:.3g}); "
                    f"lower the learning rate (now {cfg.lr:g}), e.g. to {cfg.lr / 10:g}."
                )
            if cfg.grad_clip is not None:
                _clip_grad_norm(params, cfg.grad_clip)
            opt.step()
            total += value * len(idx)
            seen += len(idx)
        return total, seen, False

    def _track_best(self, epoch: int, monitored: float, result: FitResult, best: _Best) -> None:
        """Keep a copy of the weights when the monitored loss improves; count epochs since."""
        if not math.isfinite(monitored):
            self.model.load_state_dict(best.state)
            raise TrainingDiverged(
                f"Validation loss became non-finite at epoch {epoch}; lower the learning rate (now {self.cfg.lr:g})."
            )
        if monitored < result.best_loss:
            result.best_loss, result.best_epoch, best.since = monitored, epoch, 0
            best.state = _snapshot(self.model)
        else:
            best.since += 1

    def _ending(self, status: str, since_best: int, train_loss: float) -> FitStatus | None:
        """Why training ends after this epoch (cancelled, early stopping, target reached), or None."""
        cfg = self.cfg
        if status == FitStatus.CANCELLED:
            return FitStatus.CANCELLED
        if cfg.patience is not None and since_best >= cfg.patience:
            return FitStatus.EARLY_STOPPED
        if cfg.target_loss is not None and train_loss < cfg.target_loss:
            return FitStatus.REACHED_TARGET
        return None

    @torch.no_grad()
    def _evaluate(
        self,
        x: torch.Tensor,
        y: torch.Tensor,
        loss_fn: Callable[[torch.Tensor, torch.Tensor], torch.Tensor],
        chunk: int = 4096,
    ) -> float:
        self.model.eval()
        total = 0.0
        for i in range(0, len(x), chunk):
            total += loss_fn(self.model(x[i : i + chunk]), y[i : i + chunk]).item() * len(x[i : i + chunk])
        return total / len(x)
