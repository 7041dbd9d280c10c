"""Gate traces of a trained run, saturation and memory statistics, and step-through numbers.

Everything here is a pure function of a model, its prepared data and numpy arrays; the
pages draw what these return. Conventions are :mod:`lstm_core.cells`' (torch's): LSTM rows
i, f, g, o; GRU r, z, n with ``n = tanh(W_in x + b_in + r * (W_hn h + b_hn))`` and
``h' = (1 - z) * n + z * h`` (so z is the *keep* gate).

Saturation follows Karpathy, Johnson & Fei-Fei (2015), "Visualizing and Understanding
Recurrent Networks": a sigmoid gate is left-saturated when below 0.1 and right-saturated
when above 0.9. tanh-valued traces (g, n, h) are rescaled to (0, 1) with ``(v + 1) / 2``
first, so their thresholds are -0.8 and +0.8; the unbounded cell state c has none.
"""

from __future__ import annotations

import copy
import math
import threading
import time
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import torch
from torch import nn

from .cells import GATES, layer_weights, replay
from .prep import Prepared, one_step_targets, window_x

LEFT, RIGHT = 0.1, 0.9
#: How each trace's values are bounded: "sigmoid" (0, 1), "tanh" (-1, 1) or "state" (unbounded).
SIGMOID = ("i", "f", "o", "r", "z")
TANH = ("g", "n", "h")
#: The gate whose value is the fraction of the old memory kept each step.
KEEP_GATE = {"lstm": "f", "peephole": "f", "cifg": "f", "gru": "z"}
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


def gate_kind(name: str) -> str:
    """ "sigmoid", "tanh" or "state" (the unbounded cell state c)."""
    return "sigmoid" if name in SIGMOID else "tanh" if name in TANH else "state"


def saturating_gates(cell: str) -> tuple[str, ...]:
    """The traces of ``cell`` that have a saturation (all bounded ones: not c)."""
    return tuple(g for g in GATES[cell] if gate_kind(g) != "state")


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
    end = target if prep.cfg.horizon >= 1 else target + 1
    return np.arange(end - prep.cfg.look_back, end, dtype=np.int64)


def trace_run(model: nn.Module, prep: Prepared, mode: str = "series", target: int | None = None) -> list[GateTrace]:
    """Exact gates of every layer of ``model`` (a Forecaster).

    ``series``: the whole series from a zero state, ``x = features[offset:]`` as (1, T, F);
    with window normalisation, feature 0 minus its mean over the ``look_back`` steps up to
    each step (what a window ending there would subtract).
    ``window``: the exact input window of the prediction at first-target index ``target``
    (``window_x(prep, [target])``, normalised), also from a zero state, as the model saw it.
    For an ensemble, member 0's gates.
    """
    rows = input_rows(prep, mode, target)
    if mode == "series":
        x = prep.features[prep.offset :][None].astype(np.float32)  # (1, T, F)
        if prep.transform.window_norm and x.shape[2]:
            f0 = x[0, :, 0].astype(np.float64)
            csum = np.concatenate([[0.0], np.cumsum(f0)])
            k = np.arange(1, len(f0) + 1)
            lo = np.maximum(0, k - prep.cfg.look_back)
            x = x.copy()
            x[0, :, 0] = (f0 - (csum[k] - csum[lo]) / (k - lo)).astype(np.float32)
    else:
        x = prep.normalise(window_x(prep, np.array([target])))[0]  # (1, L, F)
    if not np.isfinite(x).all():
        raise ValueError("The input contains undefined values (before the differencing offset).")
    dev = next(model.parameters()).device
    layers = replay(model.rnn, model.cfg.cell, torch.as_tensor(x, device=dev))
    out, layer_in = [], x[0]
    time = np.asarray(prep.index[rows])
    for k, tr in enumerate(layers):
        values = {n: v[:, 0].float().cpu().numpy() for n, v in tr.items()}  # (T, H) each
        out.append(
            GateTrace(
                model.cfg.cell,
                k,
                mode,
                rows,
                time,
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
    """The ``n`` most saturated (gate, unit) rows, most saturated first."""
    return frame.sort_values(["saturated", "right"], ascending=False).head(n).reset_index(drop=True)


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


# ----------------------------------------------------------------------------- step-through


@dataclass
class GateTerm:
    """One gate of one unit at one step: ``value = act(pre)`` with ``pre = wx + wh + bias + peep``.

    For GRU's n, ``wh`` is ``r * (W_hn h + b_hn)`` (torch's convention) and ``hn`` holds the
    bracket.
    """

    name: str
    act: str  # "sigmoid" | "tanh" | "1-f"
    wx: float  # W_x row · x_t
    wh: float  # W_h row · h_{t-1}
    bias: float
    peep: float = 0.0  # peephole term p * c (peephole cell only)
    hn: float | None = None
    pre: float = 0.0
    value: float = 0.0


@dataclass
class StepDetail:
    """Every number of one unit's update at one step, computed exactly from the weights."""

    cell: str
    layer: int
    unit: int
    t: int  # position in the trace (0-based)
    row: int  # series row
    time: object
    x: np.ndarray  # (F_l,) layer input at t
    x_names: list[str]
    h_prev: float
    h: float
    c_prev: float | None = None
    c: float | None = None
    tanh_c: float | None = None
    gates: dict[str, GateTerm] = field(default_factory=dict)
    peep: dict[str, float] = field(default_factory=dict)  # p_i, p_f, p_o of the unit


def _sig(a: float) -> float:
    return 1.0 / (1.0 + math.exp(-a))


def step_detail(model: nn.Module, trace: GateTrace, t: int, unit: int) -> StepDetail:
    """Recompute step ``t`` of ``unit`` from the layer's weights and the previous state.

    Pre-activations come from :func:`cells.layer_weights` and the cell's step math in float64;
    the results equal the replayed trace to float32 precision (tested).
    """
    cell = trace.cell
    if not 0 <= t < trace.steps:
        raise ValueError(f"Step {t} is outside the trace (0..{trace.steps - 1}).")
    if not 0 <= unit < trace.units:
        raise ValueError(f"Unit {unit} is outside the layer (0..{trace.units - 1}).")
    w = layer_weights(model.rnn, cell, trace.layer)
    w_ih = w.w_ih.detach().double().cpu().numpy()  # (G, F)
    w_hh = w.w_hh_t.detach().double().cpu().numpy().T  # (G, H)
    b_x, b_h = w.b_x.detach().double().cpu().numpy(), w.b_h.detach().double().cpu().numpy()
    hsz = trace.units
    x = trace.layer_in[t].astype(np.float64)
    hv = trace.values["h"]
    h_prev_vec = hv[t - 1].astype(np.float64) if t else np.zeros(hsz)
    rows = {
        n: k * hsz + unit
        for k, n in enumerate({"rnn": ("h",), "lstm": "ifgo", "peephole": "ifgo", "cifg": "fgo", "gru": "rzn"}[cell])
    }

    def term(n: str, act: str) -> GateTerm:
        r = rows[n]
        return GateTerm(n, act, float(w_ih[r] @ x), float(w_hh[r] @ h_prev_vec), float(b_x[r]))

    d = StepDetail(
        cell,
        trace.layer,
        unit,
        t,
        int(trace.rows[t]),
        trace.time[t],
        trace.layer_in[t].copy(),
        trace.feature_names if trace.layer == 0 else [f"h{trace.layer - 1}[{j}]" for j in range(len(x))],
        h_prev=float(h_prev_vec[unit]),
        h=0.0,
    )
    if cell == "rnn":
        g = term("h", "tanh")
        g.pre = g.wx + g.wh + g.bias
        g.value = math.tanh(g.pre)
        d.gates, d.h = {"h": g}, g.value
        return d
    if cell == "gru":
        r, z, n = term("r", "sigmoid"), term("z", "sigmoid"), term("n", "tanh")
        for g in (r, z):
            g.pre = g.wx + g.wh + g.bias
            g.value = _sig(g.pre)
        n.hn = n.wh + float(b_h[rows["n"]])
        n.wh = r.value * n.hn
        n.pre = n.wx + n.wh + n.bias
        n.value = math.tanh(n.pre)
        d.gates = {"r": r, "z": z, "n": n}
        d.h = (1 - z.value) * n.value + z.value * d.h_prev
        return d
    cv = trace.values["c"]
    c_prev = float(cv[t - 1, unit]) if t else 0.0
    d.c_prev = c_prev
    gates = {n: term(n, "tanh" if n == "g" else "sigmoid") for n in rows}
    if cell == "peephole":
        p = w.peep.detach().double().cpu().numpy()[:, unit]
        d.peep = {"i": float(p[0]), "f": float(p[1]), "o": float(p[2])}
        gates["i"].peep, gates["f"].peep = d.peep["i"] * c_prev, d.peep["f"] * c_prev
    for n in ("f", "g", "i"):
        if n in gates:
            g = gates[n]
            g.pre = g.wx + g.wh + g.bias + g.peep
            g.value = math.tanh(g.pre) if n == "g" else _sig(g.pre)
    f, g = gates["f"].value, gates["g"].value
    if cell == "cifg":
        i = 1.0 - f
        gates = {
            "f": gates["f"],
            "i": GateTerm("i", "1-f", 0.0, 0.0, 0.0, pre=0.0, value=i),
            "g": gates["g"],
            "o": gates["o"],
        }
    else:
        i = gates["i"].value
    d.c = f * c_prev + i * g
    o = gates["o"]
    if cell == "peephole":
        o.peep = d.peep["o"] * d.c
    o.pre = o.wx + o.wh + o.bias + o.peep
    o.value = _sig(o.pre)
    d.tanh_c = math.tanh(d.c)
    d.h = o.value * d.tanh_c
    d.gates = {n: gates[n] for n in ("i", "f", "g", "o")}
    return d


def _n(v: float) -> str:
    """A number for an equation: 3 significant decimals, a real minus sign."""
    s = f"{v:.3f}"
    return s if s != "-0.000" else "0.000"


def _p(v: float) -> str:
    """A factor in a product: negative numbers in brackets."""
    s = _n(v)
    return f"({s})" if s.startswith("-") else s


def _pre(g: GateTerm) -> str:
    parts = [f"{_n(g.wx)}", f"{_n(g.wh)}", f"{_n(g.bias)}"] + ([_n(g.peep)] if g.peep else [])
    return " + ".join(f"({p})" if p.startswith("-") else p for p in parts)


def time_text(t) -> str:
    """A time label for people: dates without a midnight time part, anything else as str."""
    if isinstance(t, (np.datetime64, pd.Timestamp)):
        ts = pd.Timestamp(t)
        return str(ts.date()) if ts == ts.normalize() else str(ts)
    return str(t)


def aligned(line: str) -> str:
    """``a = b = c = d = e`` -> a LaTeX ``aligned`` block: symbols, the numbers put in, the result."""
    parts = line.split(" = ")
    if len(parts) < 3:
        return line
    rows = [parts[1], parts[2]] + ([" = ".join(parts[3:])] if len(parts) > 3 else [])
    return r"\begin{aligned} " + parts[0] + " &= " + r" \\ &= ".join(rows) + r" \end{aligned}"


def step_equations(d: StepDetail) -> list[str]:
    """The update of one unit as LaTeX lines, symbols first and then the numbers put in.

    Each bracket sum is listed as (input part) + (recurrent part) + (bias) [+ (peephole)].
    Wrap a line with :func:`aligned` to break it after the symbols.
    """
    s = r"\sigma"
    G = d.gates
    if d.cell == "rnn":
        g = G["h"]
        return [rf"h_t = \tanh(W_x x_t + W_h h_{{t-1}} + b) = \tanh({_pre(g)}) = \tanh({_n(g.pre)}) = {_n(g.value)}"]
    if d.cell == "gru":
        r, z, n = G["r"], G["z"], G["n"]
        return [
            rf"r_t = {s}(W_r x_t + U_r h_{{t-1}} + b_r) = {s}({_pre(r)}) = {s}({_n(r.pre)}) = {_n(r.value)}",
            rf"z_t = {s}(W_z x_t + U_z h_{{t-1}} + b_z) = {s}({_pre(z)}) = {s}({_n(z.pre)}) = {_n(z.value)}",
            rf"n_t = \tanh(W_n x_t + b_n + r_t \odot (U_n h_{{t-1}} + b_{{hn}})) = \tanh({_n(n.wx)} + {_p(n.bias)}"
            rf" + {_n(r.value)} \cdot {_p(n.hn)}) = \tanh({_n(n.pre)}) = {_n(n.value)}",
            rf"h_t = (1 - z_t)\, n_t + z_t\, h_{{t-1}} = {_n(1 - z.value)} \cdot {_p(n.value)} + {_n(z.value)} \cdot"
            rf" {_p(d.h_prev)} = {_n(d.h)}",
        ]
    i, f, g, o = G["i"], G["f"], G["g"], G["o"]
    peep = d.cell == "peephole"
    pc = lambda k, c: rf" + p_{k} \odot {c}" if peep else ""  # noqa: E731
    lines = [
        rf"f_t = {s}(W_f [h_{{t-1}}, x_t] + b_f{pc('f', 'c_{t-1}')}) = {s}({_pre(f)}) = {s}({_n(f.pre)})"
        rf" = {_n(f.value)}"
    ]
    if d.cell == "cifg":
        lines.append(rf"i_t = 1 - f_t = 1 - {_n(f.value)} = {_n(i.value)}")
    else:
        lines.append(
            rf"i_t = {s}(W_i [h_{{t-1}}, x_t] + b_i{pc('i', 'c_{t-1}')}) = {s}({_pre(i)}) = "
            rf"{s}({_n(i.pre)}) = {_n(i.value)}"
        )
    lines += [
        rf"g_t = \tanh(W_g [h_{{t-1}}, x_t] + b_g) = \tanh({_pre(g)}) = \tanh({_n(g.pre)}) = {_n(g.value)}",
        rf"c_t = f_t\, c_{{t-1}} + i_t\, g_t = {_n(f.value)} \cdot {_p(d.c_prev)} + {_n(i.value)} \cdot "
        rf"{_p(g.value)} = {_n(d.c)}",
        rf"o_t = {s}(W_o [h_{{t-1}}, x_t] + b_o{pc('o', 'c_t')}) = {s}({_pre(o)}) = {s}({_n(o.pre)}) = "
        rf"{_n(o.value)}",
        rf"h_t = o_t \tanh(c_t) = {_n(o.value)} \cdot \tanh({_n(d.c)}) = {_n(o.value)} \cdot {_p(d.tanh_c)}"
        rf" = {_n(d.h)}",
    ]
    return lines


# ----------------------------------------------------------------------------- per-epoch recording


def gate_summary(layers: list[dict[str, torch.Tensor]]) -> list[dict[str, dict[str, np.ndarray]]]:
    """Per layer and bounded gate: per-unit mean, left and right saturated fractions over (T, B)."""
    out = []
    for tr in layers:
        d = {}
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
        self._model: nn.Module | None = None
        self.epoch = -1
        self.seconds = 0.0  # total time spent recording

    def epoch_end(self, model: nn.Module, epoch: int) -> None:
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

    def snapshot(self):
        """``(epoch, Forecaster on CPU in eval mode)`` with the weights of the last finished epoch, or None."""
        with self.lock:
            state, epoch, live = self._state, self.epoch, self._model
        if state is None or live is None:
            return None
        from .model import Forecaster

        m = Forecaster(copy.deepcopy(live.cfg))
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
