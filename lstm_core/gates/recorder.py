"""Per-epoch gate statistics recorded while a model trains, and CPU snapshots of its weights.

The training worker calls :meth:`GateRecorder.epoch_end`; the pages read
:meth:`GateRecorder.get_history` and :meth:`GateRecorder.snapshot` from other threads.
"""

from __future__ import annotations

import copy
import threading
import time

import numpy as np
import pandas as pd
import torch

from ..cells import replay
from ..cellspec import gate_kind
from ..model import Ensemble, Forecaster, empty_forecaster
from ..prep import Prepared
from .analysis import LEFT, RIGHT

__all__ = ["GateRecorder", "epoch_saturation_frame", "gate_summary", "history_frame", "probe_windows"]


def gate_summary(layers: list[dict[str, torch.Tensor]]) -> list[dict[str, dict[str, np.ndarray]]]:
    """Per layer and bounded gate: per-unit mean, left and right saturated fractions over (T, B)."""
    out = []
    for tr in layers:
        d: dict[str, dict[str, np.ndarray]] = {}
        for name, v in tr.items():
            kind = gate_kind(name)
            if kind == "state":
                continue
            v = v.reshape(-1, v.shape[-1]).float()  # (T*B, H)
            u = (v + 1) / 2 if kind == "tanh" else v
            d[name] = {
                "mean": v.mean(0).cpu().numpy(),
                "left": (u < LEFT).float().mean(0).cpu().numpy(),
                "right": (u > RIGHT).float().mean(0).cpu().numpy(),
            }
        out.append(d)
    return out


def probe_windows(prep: Prepared, max_windows: int = 64) -> np.ndarray:
    """A fixed probe: up to ``max_windows`` training windows spread evenly, (B, L, F) float32."""
    x = prep.windows["train"].x
    if len(x) <= max_windows:
        return np.ascontiguousarray(x, dtype=np.float32)
    idx = np.linspace(0, len(x) - 1, max_windows).round().astype(np.int64)
    return np.ascontiguousarray(x[idx], dtype=np.float32)


class GateRecorder:
    """Called by the training worker after every epoch (and once before training, epoch 0).

    * With ``record=True`` it appends :func:`gate_summary` of the model on a fixed probe of
      training windows to ``history`` (a list of ``{"epoch": e, "layers": [...]}``).
    * It always keeps a CPU copy of the weights taken between epochs, so the UI can show a
      consistent snapshot of a model that is still training (:meth:`snapshot`).

    ``history`` is append-only; readers take ``list(history)`` under ``lock``.
    """

    def __init__(self, prep: Prepared, record: bool = True, max_windows: int = 64):
        self.prep, self.record = prep, record
        self.probe = probe_windows(prep, max_windows) if record else None
        self.history: list[dict] = []
        self.lock = threading.Lock()
        self._state: dict[str, torch.Tensor] | None = None
        self._model: Forecaster | Ensemble | None = None
        self.epoch = -1
        self.seconds = 0.0  # total time spent recording

    def epoch_end(self, model: Forecaster | Ensemble, epoch: int) -> None:
        t0 = time.perf_counter()
        entry = None
        if self.record and self.probe is not None and len(self.probe):
            dev = next(model.parameters()).device
            entry = {
                "epoch": int(epoch),
                "layers": gate_summary(replay(model.rnn, model.cfg.cell, torch.as_tensor(self.probe, device=dev))),
            }
        state = {k: v.detach().to("cpu", copy=True) for k, v in model.state_dict().items()}
        with self.lock:
            if entry is not None:
                self.history.append(entry)
            self._state, self.epoch = state, int(epoch)
            if self._model is None:
                self._model = model
        self.seconds += time.perf_counter() - t0

    def get_history(self) -> list[dict]:
        with self.lock:
            return list(self.history)

    def snapshot(self) -> tuple[int, Forecaster] | None:
        """``(epoch, Forecaster on CPU in eval mode)`` with the weights of the last finished epoch, or None."""
        with self.lock:
            state, epoch, live = self._state, self.epoch, self._model
        if state is None or live is None:
            return None
        m = empty_forecaster(copy.deepcopy(live.cfg))  # draws no random numbers (a job may be training)
        m.load_state_dict(state)
        return epoch, m.eval()


def history_frame(history: list[dict], layer: int = 0) -> pd.DataFrame:
    """Per epoch and gate: mean value and mean saturated fractions over units (for the slider)."""
    rows = []
    for e in history:
        if layer >= len(e["layers"]):
            continue
        for g, s in e["layers"][layer].items():
            rows.append(
                {
                    "epoch": e["epoch"],
                    "gate": g,
                    "mean": float(s["mean"].mean()),
                    "left": float(s["left"].mean()),
                    "right": float(s["right"].mean()),
                }
            )
    return pd.DataFrame(rows, columns=["epoch", "gate", "mean", "left", "right"])


def epoch_saturation_frame(entry: dict, layer: int) -> pd.DataFrame:
    """A recorded epoch's per-unit saturation (``entry`` of a gate history), in the columns of
    :func:`saturation_frame` that a recording has: gate, unit, left, right, saturated, mean."""
    parts = []
    for g, s in entry["layers"][layer].items():
        parts.append(
            pd.DataFrame(
                {
                    "gate": g,
                    "unit": np.arange(len(s["left"])),
                    "left": s["left"],
                    "right": s["right"],
                    "saturated": s["left"] + s["right"],
                    "mean": s["mean"],
                }
            )
        )
    return pd.concat(parts, ignore_index=True)
