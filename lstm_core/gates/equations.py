"""Step-through numbers of one unit at one step, and their equations as LaTeX.

:func:`step_detail` recomputes a step of a :class:`~lstm_core.gates.analysis.GateTrace`
with the cell's own step function (:mod:`lstm_core.cellspec`) in float64;
:func:`step_equations` writes the update with the numbers put in.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import torch

from ..cells import layer_weights
from ..cellspec import TRACE_KIND, LayerWeights, spec
from ..model import Ensemble, Forecaster
from .analysis import GateTrace

__all__ = ["GateTerm", "StepDetail", "UnitWalk", "aligned", "step_detail", "step_equations", "time_text", "unit_walk"]


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


def _f64(v: torch.Tensor) -> torch.Tensor:
    return v.detach().to("cpu", torch.float64)


def step_detail(model: Forecaster | Ensemble, trace: GateTrace, t: int, unit: int) -> StepDetail:
    """Recompute step ``t`` of ``unit`` from the layer's weights and the previous state.

    Runs the cell's own step (``SPECS[cell].step``) in float64 on the traced previous state,
    with the weights of :func:`cells.layer_weights`; the input and recurrent parts of each
    pre-activation come from the matching rows of the weights. The results equal the
    replayed trace to float32 precision (tested).
    """
    cell = trace.cell
    cs = spec(cell)
    if not 0 <= t < trace.steps:
        raise ValueError(f"Step {t} is outside the trace (0..{trace.steps - 1}).")
    if not 0 <= unit < trace.units:
        raise ValueError(f"Unit {unit} is outside the layer (0..{trace.units - 1}).")
    hsz = trace.units
    with torch.no_grad():
        w0 = layer_weights(model.rnn, cell, trace.layer)
        peep = None if w0.peep is None else _f64(w0.peep)
        w = LayerWeights(_f64(w0.w_ih), _f64(w0.w_hh_t), _f64(w0.b_x), _f64(w0.b_h), peep)
        x = torch.from_numpy(trace.layer_in[t].astype(np.float64))  # (F_l,)
        prev = {
            n: torch.from_numpy(trace.values[n][t - 1].astype(np.float64))
            if t
            else torch.zeros(hsz, dtype=torch.float64)
            for n in cs.state
        }  # (H,) each
        xp = torch.addmm(w.b_x, x[None], w.w_ih.t())  # (1, G)
        terms: dict[str, torch.Tensor] = {}
        _, state, traced = cs.step(xp, tuple(prev[n][None] for n in cs.state), w, terms)
    values = {n: float(v[0, unit]) for n, v in zip(cs.traces, traced)}
    wx = (w.w_ih @ x).numpy()  # (G,)
    wh = (prev["h"] @ w.w_hh_t).numpy()  # (G,)
    b_x = w.b_x.numpy()  # (G,)
    gates: dict[str, GateTerm] = {}
    for n in cs.gates:
        r = cs.rows(n, hsz).start + unit
        g = GateTerm(n, TRACE_KIND[n], float(wx[r]), float(wh[r]), float(b_x[r]))
        if f"rec_{n}" in terms:  # GRU's n: r * (W_hn h + b_hn)
            g.wh, g.hn = float(terms[f"rec_{n}"][0, unit]), float(terms["hn"][0, unit])
        if n in cs.peepholes:
            g.peep = float(terms[f"peep_{n}"][0, unit])
        g.pre, g.value = float(terms[f"pre_{n}"][0, unit]), values[n]
        gates[n] = g
    if cs.coupled_input:
        gates = {"i": GateTerm("i", "1-f", 0.0, 0.0, 0.0, pre=0.0, value=1.0 - gates["f"].value), **gates}
    peeps = {} if w.peep is None else {n: float(w.peep[k, unit]) for k, n in enumerate(cs.peepholes)}
    has_c = "c" in cs.state
    c = float(state[cs.state.index("c")][0, unit]) if has_c else None
    return StepDetail(
        cell,
        trace.layer,
        unit,
        t,
        int(trace.rows[t]),
        trace.time[t],
        trace.layer_in[t].copy(),
        trace.feature_names if trace.layer == 0 else [f"h{trace.layer - 1}[{j}]" for j in range(len(x))],
        h_prev=float(prev["h"][unit]),
        h=values["h"],
        c_prev=float(prev["c"][unit]) if has_c else None,
        c=c,
        tanh_c=math.tanh(c) if c is not None else None,
        gates=gates,
        peep=peeps,
    )


def _n(v: float) -> str:
    """A number for an equation: 3 significant decimals, a real minus sign."""
    s = f"{v:.3f}"
    return s if s != "-0.000" else "0.000"


def _p(v: float) -> str:
    """A factor in a product: negative numbers in brackets."""
    s = _n(v)
    return f"({s})" if s.startswith("-") else s


def _known(v: float | None, what: str) -> float:
    """``v``, which the cell defines; a ValueError names ``what`` when it is missing."""
    if v is None:
        raise ValueError(f"This step detail has no {what}.")
    return v


def _pre(g: GateTerm, peep: bool = False) -> str:
    """The bracket's numbers; ``peep``: the gate has a peephole, whose term is listed even when it is
    0 (at t = 0, c_{t-1} = 0), as the symbols before it name it."""
    parts = [f"{_n(g.wx)}", f"{_n(g.wh)}", f"{_n(g.bias)}"] + ([_n(g.peep)] if peep else [])
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
    cs = spec(d.cell)
    if d.cell == "rnn":
        g = G["h"]
        return [rf"h_t = \tanh(W_x x_t + W_h h_{{t-1}} + b) = \tanh({_pre(g)}) = \tanh({_n(g.pre)}) = {_n(g.value)}"]
    if d.cell == "gru":
        r, z, n = G["r"], G["z"], G["n"]
        return [
            rf"r_t = {s}(W_r x_t + U_r h_{{t-1}} + b_r) = {s}({_pre(r)}) = {s}({_n(r.pre)}) = {_n(r.value)}",
            rf"z_t = {s}(W_z x_t + U_z h_{{t-1}} + b_z) = {s}({_pre(z)}) = {s}({_n(z.pre)}) = {_n(z.value)}",
            rf"n_t = \tanh(W_n x_t + b_n + r_t \odot (U_n h_{{t-1}} + b_{{hn}})) = \tanh({_n(n.wx)} + {_p(n.bias)}"
            rf" + {_n(r.value)} \cdot {_p(_known(n.hn, 'bracket W_hn h + b_hn'))}) = \tanh({_n(n.pre)}) = {_n(n.value)}",
            rf"h_t = (1 - z_t)\, n_t + z_t\, h_{{t-1}} = {_n(1 - z.value)} \cdot {_p(n.value)} + {_n(z.value)} \cdot"
            rf" {_p(d.h_prev)} = {_n(d.h)}",
        ]
    i, f, g, o = G["i"], G["f"], G["g"], G["o"]
    c_prev, c, tanh_c = _known(d.c_prev, "c_(t-1)"), _known(d.c, "c_t"), _known(d.tanh_c, "tanh(c_t)")
    pc = lambda k, c: rf" + p_{k} \odot {c}" if k in cs.peepholes else ""  # noqa: E731
    lines = [
        rf"f_t = {s}(W_f [h_{{t-1}}, x_t] + b_f{pc('f', 'c_{t-1}')}) = {s}({_pre(f, 'f' in cs.peepholes)}) = {s}({_n(f.pre)})"
        rf" = {_n(f.value)}"
    ]
    if cs.coupled_input:
        lines.append(rf"i_t = 1 - f_t = 1 - {_n(f.value)} = {_n(i.value)}")
    else:
        lines.append(
            rf"i_t = {s}(W_i [h_{{t-1}}, x_t] + b_i{pc('i', 'c_{t-1}')}) = {s}({_pre(i, 'i' in cs.peepholes)}) = "
            rf"{s}({_n(i.pre)}) = {_n(i.value)}"
        )
    lines += [
        rf"g_t = \tanh(W_g [h_{{t-1}}, x_t] + b_g) = \tanh({_pre(g)}) = \tanh({_n(g.pre)}) = {_n(g.value)}",
        rf"c_t = f_t\, c_{{t-1}} + i_t\, g_t = {_n(f.value)} \cdot {_p(c_prev)} + {_n(i.value)} \cdot "
        rf"{_p(g.value)} = {_n(c)}",
        rf"o_t = {s}(W_o [h_{{t-1}}, x_t] + b_o{pc('o', 'c_t')}) = {s}({_pre(o, 'o' in cs.peepholes)}) = {s}({_n(o.pre)}) = "
        rf"{_n(o.value)}",
        rf"h_t = o_t \tanh(c_t) = {_n(o.value)} \cdot \tanh({_n(c)}) = {_n(o.value)} \cdot {_p(tanh_c)}"
        rf" = {_n(d.h)}",
    ]
    return lines


# ----------------------------------------------------------------------------- every step at once


@dataclass
class UnitWalk:
    """Every number of one unit's update at every step of a trace (for stepping in a browser).

    ``gates[name]`` maps ``wx``, ``wh``, ``bias``, ``peep``, ``pre``, ``value`` (and ``hn`` for
    GRU's n) to (T,) float64 arrays, as :class:`GateTerm` holds them for one step; ``x`` is
    (T, F_l), the other arrays (T,). ``c_prev``, ``c`` and ``tanh_c`` are None without a cell
    state. Step ``t`` equals :func:`step_detail` ``(model, trace, t, unit)`` (tested).
    """

    cell: str
    layer: int
    unit: int
    x: np.ndarray
    x_names: list[str]
    h_prev: np.ndarray
    h: np.ndarray
    gates: dict[str, dict[str, np.ndarray]]
    c_prev: np.ndarray | None = None
    c: np.ndarray | None = None
    tanh_c: np.ndarray | None = None

    @property
    def steps(self) -> int:
        return len(self.h)


def unit_walk(model: Forecaster | Ensemble, trace: GateTrace, unit: int) -> UnitWalk:
    """:func:`step_detail` for every step of ``unit`` in one batched call of the cell's step.

    The T steps are one batch of T rows: row t starts from the traced state at t - 1 (zeros
    at t = 0) and reads ``layer_in[t]``, so each row is exactly step t.
    """
    cell = trace.cell
    cs = spec(cell)
    if not 0 <= unit < trace.units:
        raise ValueError(f"Unit {unit} is outside the layer (0..{trace.units - 1}).")
    hsz, steps = trace.units, trace.steps
    with torch.no_grad():
        w0 = layer_weights(model.rnn, cell, trace.layer)
        peep = None if w0.peep is None else _f64(w0.peep)
        w = LayerWeights(_f64(w0.w_ih), _f64(w0.w_hh_t), _f64(w0.b_x), _f64(w0.b_h), peep)
        x = torch.from_numpy(trace.layer_in.astype(np.float64))  # (T, F_l)
        prev = {}
        for n in cs.state:
            v = torch.from_numpy(trace.values[n].astype(np.float64))  # (T, H)
            prev[n] = torch.cat([torch.zeros(1, hsz, dtype=torch.float64), v[:-1]])  # state before step t
        xp = torch.addmm(w.b_x, x, w.w_ih.t())  # (T, G)
        terms: dict[str, torch.Tensor] = {}
        _, state, traced = cs.step(xp, tuple(prev[n] for n in cs.state), w, terms)
        values = {n: v[:, unit].numpy() for n, v in zip(cs.traces, traced)}
        gates: dict[str, dict[str, np.ndarray]] = {}
        for n in cs.gates:
            r = cs.rows(n, hsz).start + unit
            g = {
                "wx": (x @ w.w_ih[r]).numpy(),
                "wh": (prev["h"] @ w.w_hh_t[:, r]).numpy(),
                "bias": np.full(steps, float(w.b_x[r])),
                "peep": terms[f"peep_{n}"][:, unit].numpy() if n in cs.peepholes else np.zeros(steps),
                "pre": terms[f"pre_{n}"][:, unit].numpy(),
                "value": values[n],
            }
            if f"rec_{n}" in terms:  # GRU's n: r * (W_hn h + b_hn)
                g["wh"], g["hn"] = terms[f"rec_{n}"][:, unit].numpy(), terms["hn"][:, unit].numpy()
            gates[n] = g
        if cs.coupled_input:
            z = np.zeros(steps)
            gates = {"i": dict(wx=z, wh=z, bias=z, peep=z, pre=z, value=1.0 - gates["f"]["value"]), **gates}
        c = state[cs.state.index("c")][:, unit].numpy() if "c" in cs.state else None
    return UnitWalk(
        cell,
        trace.layer,
        unit,
        trace.layer_in.astype(np.float64),
        trace.feature_names if trace.layer == 0 else [f"h{trace.layer - 1}[{j}]" for j in range(x.shape[1])],
        h_prev=prev["h"][:, unit].numpy(),
        h=values["h"],
        gates=gates,
        c_prev=prev["c"][:, unit].numpy() if c is not None else None,
        c=c,
        tanh_c=np.tanh(c) if c is not None else None,
    )
