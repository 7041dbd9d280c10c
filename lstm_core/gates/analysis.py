"""Gate traces of a trained run, saturation and memory statistics.

Everything here is a pure function of a model, its prepared data and numpy arrays; the
pages draw what these return. Gate names, their order and kinds are the cell specs'
(:mod:`lstm_core.cellspec`, torch's conventions: in GRU ``h' = (1 - z) * n + z * h``, so z
is the *keep* gate).

Saturation follows Karpathy, Johnson & Fei-Fei (2015), "Visualizing and Understanding
Recurrent Networks": a sigmoid gate is left-saturated when below 0.1 and right-saturated
when above 0.9. tanh-valued traces (g, n, h) are rescaled to (0, 1) with ``(v + 1) / 2``
first, so their thresholds are -0.8 and +0.8; the unbounded cell state c has none.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
import torch

from ..cells import GATES, replay
from ..cellspec import SPECS, TRACE_KIND, gate_kind, spec
from ..model import Ensemble, Forecaster
from ..prep import Prepared, one_step_targets, running_ref, window_x

__all__ = [
    "GATE_TITLES",
    "KEEP_GATE",
    "LEFT",
    "MODES",
    "RIGHT",
    "SIGMOID",
    "TANH",
    "GateTrace",
    "gate_kind",
    "input_rows",
    "memory_frame",
    "memory_span",
    "most_saturated",
    "saturating_gates",
    "saturation",
    "saturation_frame",
    "trace_run",
    "window_targets",
]

LEFT, RIGHT = 0.1, 0.9
#: Trace names by how their values are bounded (see :func:`gate_kind`).
SIGMOID = tuple(n for n, k in TRACE_KIND.items() if k == "sigmoid")
TANH = tuple(n for n, k in TRACE_KIND.items() if k == "tanh")
#: The gate whose value is the fraction of the old memory kept each step.
KEEP_GATE: dict[str, str] = {n: s.keep_gate for n, s in SPECS.items() if s.keep_gate}
GATE_TITLES = {
    "i": "input gate i",
    "f": "forget gate f",
    "g": "candidate g",
    "o": "output gate o",
    "c": "cell state c",
    "h": "hidden state h",
    "r": "reset gate r",
    "z": "update (keep) gate z",
    "n": "candidate n",
}
MODES = ("series", "window")


def saturating_gates(cell: str) -> tuple[str, ...]:
    """The traces of ``cell`` that have a saturation (all bounded ones: not c)."""
    return spec(cell).saturating


# ----------------------------------------------------------------------------- traces


@dataclass
class GateTrace:
    """One layer's gates over time for one input sequence.

    ``values[name]`` is (T, H) float32 for every name in ``GATES[cell]``; ``layer_in`` (T, F_l)
    is what the layer read (the scaled features for layer 0, the h of the layer below
    otherwise); ``rows`` (T,) are the series rows and ``time`` (T,) their time labels.
    """

    cell: str
    layer: int
    mode: str
    rows: np.ndarray
    time: np.ndarray
    x: np.ndarray  # (T, F) network input features (scaled)
    feature_names: list[str]
    layer_in: np.ndarray  # (T, F_l)
    values: dict[str, np.ndarray]
    target_row: int | None = None  # window mode: the first target index the window predicts

    @property
    def names(self) -> tuple[str, ...]:
        return GATES[self.cell]

    @property
    def steps(self) -> int:
        return len(self.rows)

    @property
    def units(self) -> int:
        return next(iter(self.values.values())).shape[1]


def window_targets(prep: Prepared) -> np.ndarray:
    """Every first-target index with a full window, over train, validation and test."""
    return np.concatenate([one_step_targets(prep, p) for p in ("train", "val", "test")])


def input_rows(prep: Prepared, mode: str, target: int | None = None) -> np.ndarray:
    """Series rows fed to the network: all defined rows, or the window of prediction ``target``."""
    if mode == "series":
        return np.arange(prep.offset, prep.n, dtype=np.int64)
    if mode != "window":
        raise ValueError(f"Unknown mode {mode!r}; choose one of {', '.join(MODES)}.")
    if target is None:
        raise ValueError("Window mode needs the index of the prediction whose window to replay.")
    end = target + 1 if prep.cfg.horizon == 0 else target  # horizon 0 maps y_t from x up to t
    return np.arange(end - prep.cfg.look_back, end, dtype=np.int64)


def trace_run(
    model: Forecaster | Ensemble,
    prep: Prepared,
    mode: str = "series",
    target: int | None = None,
    profiles: np.ndarray | None = None,
) -> list[GateTrace]:
    """Exact gates of every layer of ``model``.

    ``series``: the whole series from a zero state, ``x = features[offset:]`` as (1, T, F);
    with window normalisation, feature 0 minus its mean over the ``look_back`` steps up to
    each step (what a window ending there would subtract; for a network anchored on its window's
    last value, whose every window ends at 0, the same trailing mean: the input stays in the
    range it trained on).
    ``window``: the exact input window of the prediction at first-target index ``target``
    (``window_x(prep, [target])``, normalised), also from a zero state, as the model saw it:
    ``profiles`` (1, m) is the seasonal profile the run's one-step prediction deseasonalised that
    window with (:meth:`lstm_core.combine.Combination.origin_profiles`; None: the training part's).
    For an ensemble, member 0's gates.
    """
    rows = input_rows(prep, mode, target)
    if mode == "series":
        x = prep.features[prep.offset :][None].astype(np.float32)  # (1, T, F)
        if prep.transform.window_norm and x.shape[2]:
            f0 = x[0, :, 0].astype(np.float64)
            x = x.copy()
            x[0, :, 0] = (f0 - running_ref(prep.transform, f0, prep.cfg.look_back)).astype(np.float32)
    else:
        x = prep.normalise(window_x(prep, np.array([target]), profiles))[0]  # (1, L, F)
    if not np.isfinite(x).all():
        raise ValueError("The input contains undefined values (before the differencing offset).")
    dev = next(model.parameters()).device
    layers = replay(model.rnn, model.cfg.cell, torch.as_tensor(x, device=dev))
    out: list[GateTrace] = []
    layer_in = x[0]
    times = np.asarray(prep.index[rows])
    for layer, tr in enumerate(layers):
        values = {n: v[:, 0].float().cpu().numpy() for n, v in tr.items()}  # (T, H) each
        out.append(
            GateTrace(
                model.cfg.cell,
                layer,
                mode,
                rows,
                times,
                x[0],
                list(prep.feature_names),
                layer_in,
                values,
                target if mode == "window" else None,
            )
        )
        layer_in = values["h"]
    return out


# ----------------------------------------------------------------------------- statistics


def saturation(
    values: np.ndarray, kind: str = "sigmoid", left: float = LEFT, right: float = RIGHT
) -> tuple[np.ndarray, np.ndarray]:
    """Fractions of time each unit is left- and right-saturated.

    ``values`` (T, H); ``kind`` "sigmoid" uses the values as they are, "tanh" rescales
    ``(v + 1) / 2`` first. Returns two (H,) float arrays in [0, 1].
    """
    v = np.asarray(values, dtype=np.float64)
    if kind == "tanh":
        v = (v + 1.0) / 2.0
    elif kind != "sigmoid":
        raise ValueError(f"Saturation is defined for sigmoid or tanh values, not {kind!r}.")
    if v.shape[0] == 0:
        z = np.zeros(v.shape[1])
        return z, z.copy()
    return (v < left).mean(axis=0), (v > right).mean(axis=0)


def saturation_frame(trace: GateTrace, run_label: str = "") -> pd.DataFrame:
    """One row per (gate, unit): left, right and total saturated fractions and the mean value."""
    parts = []
    for g in saturating_gates(trace.cell):
        v = trace.values[g]
        lf, rf = saturation(v, gate_kind(g))
        parts.append(
            pd.DataFrame(
                {
                    "run": run_label,
                    "cell": trace.cell,
                    "layer": trace.layer,
                    "gate": g,
                    "unit": np.arange(v.shape[1]),
                    "left": lf,
                    "right": rf,
                    "saturated": lf + rf,
                    "mean": v.mean(axis=0),
                }
            )
        )
    return pd.concat(parts, ignore_index=True)


def most_saturated(frame: pd.DataFrame, n: int = 10) -> pd.DataFrame:
    """The ``n`` most saturated (gate, unit) rows, most saturated first; only rows that saturate at
    all (``saturated`` above 0): a list of twelve units at 0.00 named none of them."""
    sat = frame[frame["saturated"] > 0]
    return sat.sort_values(["saturated", "right"], ascending=False).head(n).reset_index(drop=True)


def memory_span(keep: np.ndarray) -> np.ndarray:
    """Steps until a stored value decays to half when kept with factor ``keep`` each step.

    ``ln 0.5 / ln keep``: 0 for keep <= 0, infinity for keep >= 1.
    """
    k = np.asarray(keep, dtype=np.float64)
    out = np.full(k.shape, np.inf)
    low = k <= 0
    out[low] = 0.0
    mid = ~low & (k < 1)
    out[mid] = math.log(0.5) / np.log(k[mid])
    return out


def memory_frame(trace: GateTrace) -> pd.DataFrame:
    """Per unit: mean keep gate (f, or z for GRU) and the implied half-life, longest first.

    The span uses the time-mean of the gate; since the mean of logs is at most the log of
    the mean, the actual decay over the trace is at least this fast (the span is an upper bound).
    Empty for a plain RNN, which has no keep gate.
    """
    gate = KEEP_GATE.get(trace.cell)
    if gate is None:
        return pd.DataFrame(columns=["unit", "gate", "keep_mean", "span"])
    mean = trace.values[gate].astype(np.float64).mean(axis=0)
    df = pd.DataFrame({"unit": np.arange(len(mean)), "gate": gate, "keep_mean": mean, "span": memory_span(mean)})
    return df.sort_values("span", ascending=False, kind="stable").reset_index(drop=True)
