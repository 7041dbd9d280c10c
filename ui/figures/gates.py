"""Plotly figures for gates: heatmaps, unit traces, saturation, memory, evolution, cell diagrams.

Pure functions of :mod:`lstm_core.gates` results. Same rules as :mod:`ui.figures.style`: no
NaN or infinity in a trace, float32 arrays, and long time axes aggregated to at most
``MAX_COLS`` columns (mean or max-abs per bucket), said on the chart. Plotly only.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.colors import sample_colorscale
from plotly.subplots import make_subplots

from lstm_core import gates as gt
from lstm_core.cellspec import spec

from .style import CELL_COLORS, FEATURE_COLORS, GATE_COLORS, GUIDE, SCALES, clean_xy

MAX_COLS = 2000
#: Spans above this are drawn at the cap (the bar says "≥").
SPAN_CAP = 1e4


# ----------------------------------------------------------------------------- aggregation


def bucket_time(values: np.ndarray, max_cols: int = MAX_COLS, how: str = "mean") -> tuple[np.ndarray, np.ndarray, int]:
    """Aggregate (T, H) along time into at most ``max_cols`` buckets of ``k`` consecutive steps.

    Returns ``(agg (B, H) float32, starts (B,) first step of each bucket, k)``; k = 1 means
    untouched. ``how``: "mean" or "maxabs" (the signed value of largest magnitude).
    """
    v = np.asarray(values, dtype=np.float32)
    t = v.shape[0]
    if t <= max_cols:
        return v, np.arange(t), 1
    k = math.ceil(t / max_cols)
    full = t // k
    head = v[: full * k].reshape(full, k, -1)
    tail = v[full * k :]
    if how == "mean":
        agg = head.mean(axis=1)
        rest = tail.mean(axis=0, keepdims=True) if len(tail) else None
    elif how == "maxabs":
        idx = np.abs(head).argmax(axis=1)[:, None, :]
        agg = np.take_along_axis(head, idx, axis=1)[:, 0]
        rest = tail[np.abs(tail).argmax(axis=0), np.arange(tail.shape[1])][None] if len(tail) else None
    else:
        raise ValueError(f"Unknown aggregation {how!r}; choose mean or maxabs.")
    if rest is not None:
        agg = np.concatenate([agg, rest])
    return agg.astype(np.float32), np.arange(0, t, k)[: len(agg)], k


def _zrange(name: str, z: np.ndarray) -> dict:
    kind = gt.gate_kind(name)
    if kind == "sigmoid":
        return dict(zmin=0.0, zmax=1.0)
    if kind == "tanh":
        return dict(zmin=-1.0, zmax=1.0, zmid=0.0)
    m = float(np.nanmax(np.abs(z))) if z.size else 1.0
    m = m if np.isfinite(m) and m > 0 else 1.0
    return dict(zmin=-m, zmax=m, zmid=0.0)


def _x_title(trace: gt.GateTrace) -> str:
    t = np.asarray(trace.time)
    span = f"{t[0]} … {t[-1]}" if len(t) else ""
    return f"step = row of the series ({span})"


def _input_traces(fig: go.Figure, trace: gt.GateTrace, row: int) -> bool:
    dec = False
    for j, name in enumerate(trace.feature_names):
        xs, ys, _, d = clean_xy(trace.rows, trace.x[:, j], MAX_COLS)
        dec |= d
        fig.add_trace(
            go.Scatter(
                x=xs,
                y=ys,
                mode="lines",
                name=f"input: {name}",
                showlegend=len(trace.feature_names) > 1,
                line=dict(color=FEATURE_COLORS[j % len(FEATURE_COLORS)], width=1.4),
            ),
            row=row,
            col=1,
        )
    return dec


def _mark_step(fig: go.Figure, trace: gt.GateTrace, step: int | None) -> None:
    if step is None or not 0 <= step < trace.steps:
        return
    x = int(trace.rows[step])
    fig.add_shape(
        type="line", x0=x, x1=x, y0=0, y1=1, xref="x", yref="paper", line=dict(color="#f59e0b", width=2, dash="dot")
    )


def _stacked(heights: list[float], titles: list[str], gap: float = 0.025) -> tuple[dict, list[tuple[float, float]]]:
    """Layout dict for rows stacked top to bottom sharing one x axis (cheaper than make_subplots)."""
    n = len(heights)
    free = 1.0 - gap * (n - 1)
    total = sum(heights)
    layout: dict = {"annotations": []}
    domains, top = [], 1.0
    for r, (h, t) in enumerate(zip(heights, titles), start=1):
        lo = max(0.0, top - free * h / total)
        domains.append((lo, top))
        sfx = "" if r == 1 else str(r)
        layout[f"yaxis{sfx}"] = {"domain": [lo, top], "anchor": f"x{sfx}"}
        layout[f"xaxis{sfx}"] = {"anchor": f"y{sfx}", "matches": "x" if r > 1 else None, "showticklabels": r == n}
        layout["annotations"].append(
            {
                "text": t,
                "x": 0.5,
                "y": top,
                "xref": "paper",
                "yref": "paper",
                "xanchor": "center",
                "yanchor": "bottom",
                "showarrow": False,
                "font": {"size": 12},
            }
        )
        top = lo - gap
    for r in range(1, n + 1):
        key = "xaxis" if r == 1 else f"xaxis{r}"
        if layout[key]["matches"] is None:
            del layout[key]["matches"]
    return layout, domains


def heatmap_figure(
    trace: gt.GateTrace,
    gates: list[str] | None = None,
    unit: int | None = None,
    step: int | None = None,
    how: str = "mean",
    max_cols: int = MAX_COLS,
    title: str = "",
) -> go.Figure:
    """The input on top and one heatmap per gate (units × time) below, sharing the time axis.

    Beyond ``max_cols`` steps each column is a bucket of k steps (mean or max-abs), said in
    the title. ``unit`` draws a box around that unit's row; ``step`` a dotted line. The
    figure is assembled as one dict (make_subplots costs ~50 ms here).
    """
    names = [g for g in (gates or list(trace.names)) if g in trace.values]
    rows = 1 + len(names)
    layout, domains = _stacked(
        [1.3] + [1.0] * len(names), ["input (scaled)"] + [gt.GATE_TITLES.get(n, n) for n in names]
    )
    data: list[dict[str, Any]] = []
    dec = False
    for j, fname in enumerate(trace.feature_names):
        xs, ys, _, d = clean_xy(trace.rows, trace.x[:, j], MAX_COLS)
        dec |= d
        data.append(
            {
                "type": "scatter",
                "x": xs,
                "y": ys,
                "mode": "lines",
                "name": f"input: {fname}",
                "line": {"color": FEATURE_COLORS[j % len(FEATURE_COLORS)], "width": 1.4},
                "xaxis": "x",
                "yaxis": "y",
            }
        )
    shapes, k, starts = [], 1, np.arange(trace.steps)
    for r, name in enumerate(names, start=2):
        agg, starts, k = bucket_time(trace.values[name], max_cols, how)
        z = np.ascontiguousarray(agg.T)  # (H, B)
        lo, hi = domains[r - 1]
        data.append(
            {
                "type": "heatmap",
                "z": z,
                "x0": float(trace.rows[0]) + (k - 1) / 2,
                "dx": k,
                "name": name,
                **_zrange(name, z),
                "colorscale": SCALES[gt.gate_kind(name)],
                "xaxis": f"x{r}",
                "yaxis": f"y{r}",
                "colorbar": {"y": (lo + hi) / 2, "len": (hi - lo) * 0.95, "thickness": 10},
                "hovertemplate": f"{name}=%{{z:.3f}}<br>unit %{{y}}<br>step %{{x:.0f}}<extra></extra>",
            }
        )
        layout[f"yaxis{r}"]["title"] = {"text": "unit"}
        if unit is not None and 0 <= unit < z.shape[0]:
            shapes.append(
                {
                    "type": "rect",
                    "x0": 0,
                    "x1": 1,
                    "y0": unit - 0.5,
                    "y1": unit + 0.5,
                    "xref": f"x{r} domain",
                    "yref": f"y{r}",
                    "line": {"color": "#f59e0b", "width": 1.5},
                }
            )
    if step is not None and 0 <= step < trace.steps:
        x = int(trace.rows[step])
        shapes.append(
            {
                "type": "line",
                "x0": x,
                "x1": x,
                "y0": 0,
                "y1": 1,
                "xref": "x",
                "yref": "paper",
                "line": {"color": "#f59e0b", "width": 2, "dash": "dot"},
            }
        )
    last = "xaxis" if rows == 1 else f"xaxis{rows}"
    layout[last]["title"] = {"text": _x_title(trace)}
    note = ""
    if k > 1:
        note = (
            f" <span style='font-size:0.75em'>({trace.steps:,} steps shown as {len(starts):,} columns: "
            f"{'mean' if how == 'mean' else 'max-|value|'} of {k} steps each)</span>"
        )
    elif dec:
        note = " <span style='font-size:0.75em'>(input decimated)</span>"
    layout.update(
        title={"text": (title or f"{trace.cell.upper()} layer {trace.layer}: gates over time") + note},
        height=160 + 150 * len(names),
        margin={"l": 10, "r": 10, "t": 60, "b": 10},
        showlegend=False,
        shapes=shapes,
    )
    return go.Figure(data=data, layout=layout)


def unit_figure(trace: gt.GateTrace, unit: int, step: int | None = None) -> go.Figure:
    """One unit's trace of every gate over time, under the input."""
    names = list(trace.names)
    fig = make_subplots(
        rows=1 + len(names),
        cols=1,
        shared_xaxes=True,
        vertical_spacing=0.025,
        subplot_titles=["input (scaled)"] + [f"{gt.GATE_TITLES.get(n, n)} — unit {unit}" for n in names],
    )
    dec = _input_traces(fig, trace, 1)
    for r, name in enumerate(names, start=2):
        xs, ys, _, d = clean_xy(trace.rows, trace.values[name][:, unit], MAX_COLS)
        dec |= d
        fig.add_trace(
            go.Scatter(x=xs, y=ys, mode="lines", name=name, line=dict(color=GATE_COLORS[name], width=1.5)), row=r, col=1
        )
        kind = gt.gate_kind(name)
        if kind != "state":
            fig.update_yaxes(range=[-0.05, 1.05] if kind == "sigmoid" else [-1.05, 1.05], row=r, col=1)
    _mark_step(fig, trace, step)
    fig.update_xaxes(title_text=_x_title(trace), row=1 + len(names), col=1)
    title = f"Unit {unit} of layer {trace.layer}"
    if dec:
        title += " <span style='font-size:0.75em'>(decimated to ~2,000 points a trace, min/max kept)</span>"
    fig.update_layout(
        title=dict(text=title), height=140 + 110 * len(names), margin=dict(l=10, r=10, t=60, b=10), showlegend=False
    )
    fig.update_annotations(font_size=12)
    return fig


# ----------------------------------------------------------------------------- statistics


def saturation_figure(frames: list[tuple[str, pd.DataFrame]], title: str = "Gate saturation") -> go.Figure:
    """Left- vs right-saturated fraction per unit, one colour per gate, one panel per run."""
    n = max(1, len(frames))
    fig = make_subplots(
        rows=1, cols=n, subplot_titles=[lab for lab, _ in frames] or [""], shared_yaxes=True, horizontal_spacing=0.04
    )
    seen = set()
    for c, (_, df) in enumerate(frames, start=1):
        for gate, d in df.groupby("gate", sort=False):
            fig.add_trace(
                go.Scatter(
                    x=d["left"].to_numpy(np.float32),
                    y=d["right"].to_numpy(np.float32),
                    mode="markers",
                    name=gt.GATE_TITLES.get(gate, gate),
                    legendgroup=gate,
                    showlegend=gate not in seen,
                    marker=dict(
                        color=GATE_COLORS.get(gate, GUIDE), size=8, opacity=0.75, line=dict(width=0.5, color="white")
                    ),
                    customdata=d["unit"].to_numpy(),
                    hovertemplate=f"{gate} unit %{{customdata}}<br>left %{{x:.2f}}, right %{{y:.2f}}<extra></extra>",
                ),
                row=1,
                col=c,
            )
            seen.add(gate)
        fig.add_trace(
            go.Scatter(
                x=[0, 1],
                y=[1, 0],
                mode="lines",
                line=dict(color="#d1d5db", dash="dot", width=1),
                hoverinfo="skip",
                showlegend=False,
            ),
            row=1,
            col=c,
        )
        fig.update_xaxes(range=[-0.03, 1.03], title_text="fraction left-saturated (< 0.1)", row=1, col=c)
    fig.update_yaxes(range=[-0.03, 1.03], title_text="fraction right-saturated (> 0.9)", row=1, col=1)
    fig.update_layout(
        title=dict(
            text=title + " <span style='font-size:0.75em'>(tanh traces rescaled to (0, 1); "
            "points near the dotted line are always saturated)</span>"
        ),
        height=420,
        margin=dict(l=10, r=10, t=70, b=10),
        legend=dict(orientation="h", yanchor="top", y=-0.18, x=0),
    )
    return fig


def memory_figure(mem: pd.DataFrame, cell: str, look_back: int | None = None) -> go.Figure:
    """Per unit, the half-life implied by the mean keep gate, longest first (log axis)."""
    fig = go.Figure()
    if mem.empty:
        fig.add_annotation(
            text="A plain RNN has no keep gate: its memory is the recurrent weights alone.",
            showarrow=False,
            xref="paper",
            yref="paper",
            x=0.5,
            y=0.5,
        )
        fig.update_layout(height=320)
        return fig
    span = mem["span"].to_numpy(np.float64)
    shown = np.clip(span, 1e-3, SPAN_CAP).astype(np.float32)
    labels = [f"u{u}" for u in mem["unit"]]
    text = [f"≥ {SPAN_CAP:g}" if s >= SPAN_CAP else f"{s:.1f}" for s in span]
    gate = mem["gate"].iloc[0]
    keep = np.clip(mem["keep_mean"].to_numpy(np.float64), 0.0, 1.0)
    # Bar colours as colour strings: plotly.js warns "Invalid color specifier" for every bar whose
    # colour is a number on a colour scale; the scale itself is shown by a marker-less trace.
    fig.add_trace(
        go.Bar(
            x=labels,
            y=shown,
            text=text,
            textposition="outside",
            textfont=dict(color=GUIDE),
            marker=dict(color=sample_colorscale("Viridis", keep.tolist())),
            customdata=keep,
            hovertemplate=f"%{{x}}<br>mean {gate} %{{customdata:.3f}}<br>half-life %{{text}} steps<extra></extra>",
            showlegend=False,
        )
    )
    fig.add_trace(
        go.Scatter(
            x=[labels[0]],
            y=[float(shown[0])],
            mode="markers",
            marker=dict(
                size=0,
                opacity=0,
                color=[0.0],
                colorscale="Viridis",
                cmin=0,
                cmax=1,
                showscale=True,
                colorbar=dict(title=dict(text=f"mean {gate}"), thickness=10),
            ),
            hoverinfo="skip",
            showlegend=False,
        )
    )
    if look_back:  # on a log axis, shapes take data values but annotations take log10 values
        fig.add_hline(y=look_back, line=dict(color=GUIDE, dash="dash", width=1))
        fig.add_annotation(
            x=1,
            xref="paper",
            y=math.log10(look_back),
            yref="y",
            text=f"look-back {look_back}",
            showarrow=False,
            xanchor="right",
            yanchor="bottom",
            font=dict(size=11, color=GUIDE),
        )
    keep = "update gate z (z keeps the old h in torch's GRU)" if cell == "gru" else "forget gate f"
    fig.update_yaxes(type="log", title_text="half-life, steps")
    fig.update_xaxes(title_text="unit (sorted, longest memory first)", type="category")
    fig.update_layout(
        title=dict(text=f"Memory span per unit: ln 0.5 / ln(mean {gate}) — keep gate = {keep}"),
        height=380,
        margin=dict(l=10, r=10, t=60, b=10),
    )
    return fig


def evolution_figure(hist: pd.DataFrame, epoch: int | None = None) -> go.Figure:
    """Per epoch: the mean of every gate and its saturated fraction (left + right), on the probe."""
    fig = make_subplots(
        rows=1, cols=2, subplot_titles=["mean gate value", "fraction saturated (left + right)"], horizontal_spacing=0.08
    )
    for gate, d in hist.groupby("gate", sort=False):
        color = GATE_COLORS.get(gate, GUIDE)
        x = d["epoch"].to_numpy()
        fig.add_trace(
            go.Scatter(
                x=x, y=d["mean"].to_numpy(np.float32), mode="lines", name=gate, legendgroup=gate, line=dict(color=color)
            ),
            row=1,
            col=1,
        )
        fig.add_trace(
            go.Scatter(
                x=x,
                y=(d["left"] + d["right"]).to_numpy(np.float32),
                mode="lines",
                name=gate,
                legendgroup=gate,
                showlegend=False,
                line=dict(color=color),
            ),
            row=1,
            col=2,
        )
    if epoch is not None:
        for c in (1, 2):
            fig.add_vline(x=epoch, line=dict(color="#f59e0b", dash="dot", width=2), row=1, col=c)
    fig.update_xaxes(title_text="epoch (0 = before training)")
    fig.update_layout(
        title=dict(text="How the gates changed while the model learned (fixed probe of training windows)"),
        height=340,
        margin=dict(l=10, r=10, t=60, b=10),
    )
    return fig


# ----------------------------------------------------------------------------- cell diagram

_BOX = dict(sigmoid="#fde68a", tanh="#fde68a", op="#fbcfe8", one="#fbcfe8")


class _Canvas:
    """A few drawing helpers over one plotly figure in data coordinates (x 0..12, y 0..7)."""

    def __init__(self, scale: float = 1.0):
        self.fig = go.Figure()
        self.s = scale

    def path(self, pts, dash: str | None = None, color: str = "#374151", arrow: bool = True, width: float = 2.2):
        d = "M " + " L ".join(f"{x},{y}" for x, y in pts)
        self.fig.add_shape(type="path", path=d, line=dict(color=color, width=width, dash=dash), layer="below")
        if arrow:
            (x0, y0), (x1, y1) = pts[-2], pts[-1]
            self.fig.add_annotation(
                x=x1,
                y=y1,
                ax=x0 + 0.7 * (x1 - x0),
                ay=y0 + 0.7 * (y1 - y0),
                xref="x",
                yref="y",
                axref="x",
                ayref="y",
                showarrow=True,
                arrowhead=2,
                arrowsize=1.2,
                arrowwidth=2,
                arrowcolor=color,
                text="",
            )

    def box(self, x, y, label, value: str, w=0.75, h=0.6, fill="#fde68a", above=True):
        self.fig.add_shape(
            type="rect",
            x0=x - w / 2,
            x1=x + w / 2,
            y0=y - h / 2,
            y1=y + h / 2,
            fillcolor=fill,
            line=dict(color="#92400e", width=1.5),
        )
        self.text(x, y, label, size=15)
        if value:
            self.value(x + w / 2 + 0.08, y, value, xanchor="left")

    def op(self, x, y, sym, value: str = "", r=0.27, vx=0.0, vy=0.45, xanchor="center"):
        self.fig.add_shape(
            type="circle",
            x0=x - r,
            x1=x + r,
            y0=y - r,
            y1=y + r,
            fillcolor=_BOX["op"],
            line=dict(color="#9d174d", width=1.5),
        )
        self.text(x, y, sym, size=16)
        if value:
            self.value(x + vx, y + vy, value, xanchor=xanchor)

    def text(self, x, y, t, size=13, color="#111827", **kw):
        self.fig.add_annotation(x=x, y=y, text=t, showarrow=False, font=dict(size=size * self.s, color=color), **kw)

    def value(self, x, y, t, xanchor="center"):
        self.fig.add_annotation(
            x=x,
            y=y,
            text=f"<b>{t}</b>",
            showarrow=False,
            xanchor=xanchor,
            font=dict(size=12 * self.s, color="#1e3a8a"),
            bgcolor="rgba(255,255,255,0.85)",
            borderpad=1,
        )

    def done(self, title: str, height: int, y_range: tuple[float, float] = (-0.5, 7.2)) -> go.Figure:
        self.fig.update_xaxes(visible=False, range=[-0.2, 12.4], fixedrange=True)
        self.fig.update_yaxes(visible=False, range=list(y_range), fixedrange=True, scaleanchor="x", scaleratio=1)
        self.fig.update_layout(
            title=dict(text=title),
            height=height,
            margin=dict(l=5, r=5, t=50, b=5),
            plot_bgcolor="white",
            showlegend=False,
            dragmode=False,
        )
        return self.fig


def _v(v: float | None) -> str:
    return "—" if v is None else f"{v:+.3f}".replace("+", "")


def _x_label(d: gt.StepDetail) -> str:
    if len(d.x) == 1:
        return f"x<sub>t</sub> = {_v(float(d.x[0]))}"
    return f"x<sub>t</sub> ({len(d.x)} values, first {_v(float(d.x[0]))})"


def cell_diagram(d: gt.StepDetail, scale: float = 1.0) -> go.Figure:
    """A colah-style diagram of one unit at one step with the live value at every node."""
    cv = _Canvas(scale)
    title = f"{d.cell.upper()} cell · layer {d.layer} · unit {d.unit} · step {d.t} ({gt.time_text(d.time)})"
    height = int(470 * scale)
    G = d.gates
    if d.cell == "rnn":
        g = G["h"]
        cv.path([(0.3, 2), (5.4, 2)])
        cv.path([(4, 0.2), (4, 2)], arrow=False)
        cv.box(6, 2, "tanh", "", w=1.1)
        cv.value(6, 2.75, f"tanh({_v(g.pre)}) = {_v(g.value)}")
        cv.path([(6.55, 2), (11.8, 2)])
        cv.text(0.3, 2.35, f"h<sub>t−1</sub> = {_v(d.h_prev)}", xanchor="left")
        cv.text(4.1, 0.2, _x_label(d), xanchor="left")
        cv.text(11.8, 2.35, f"h<sub>t</sub> = {_v(d.h)}", xanchor="right")
        cv.text(
            6,
            3.5,
            "h<sub>t</sub> = tanh(W<sub>x</sub>x<sub>t</sub> + W<sub>h</sub>h<sub>t−1</sub> + b): "
            "one squashing, no gate to protect memory",
            size=12,
            color=GUIDE,
        )
        return cv.done(title, int(300 * scale), y_range=(-0.3, 3.9))
    if d.cell == "gru":
        r, z, n = G["r"], G["z"], G["n"]
        cv.path([(0.3, 6), (7.33, 6)], arrow=False)
        cv.path([(7.87, 6), (9.73, 6)])
        cv.path([(10.27, 6), (11.9, 6)])
        cv.path([(1.2, 6), (1.2, 1), (7, 1)], arrow=False)
        cv.path([(1.8, 0.1), (1.8, 1)], arrow=False)
        cv.path([(2.6, 1), (2.6, 2.7)])
        cv.path([(4.3, 1), (4.3, 2.7)])
        cv.path([(6.0, 1), (6.0, 2.73)])
        cv.path([(7.0, 1), (7.0, 2.7)])
        cv.box(2.6, 3, "σ", f"r={_v(r.value)}")
        cv.box(4.3, 3, "σ", f"z={_v(z.value)}")
        cv.path([(2.6, 3.3), (2.6, 4.1), (5.5, 4.1), (6.0, 3.27)])
        cv.op(6.0, 3.0, "×", "", r=0.25)
        cv.value(6.0, 2.45, f"r·(U h+b)={_v(n.wh)}")
        cv.path([(6.25, 3.0), (6.62, 3.0)])
        cv.box(7.0, 3, "tanh", "", w=0.75)
        cv.value(7.55, 2.55, f"n={_v(n.value)}", xanchor="left")
        cv.path([(4.3, 3.3), (4.3, 5.2), (8.6, 5.2), (8.6, 4.67)])
        cv.path([(7.6, 5.2), (7.6, 5.73)])
        cv.op(7.6, 6, "×", f"z·h<sub>t−1</sub>={_v(z.value * d.h_prev)}", vy=0.5)
        cv.op(8.6, 4.4, "1−", f"1−z={_v(1 - z.value)}", vx=-0.35, vy=-0.45)
        cv.path([(8.87, 4.4), (9.73, 4.4)])
        cv.path([(7.0, 3.3), (7.0, 3.7), (10.0, 3.7), (10.0, 4.13)])
        cv.op(10.0, 4.4, "×", f"(1−z)·n={_v((1 - z.value) * n.value)}", vx=0.35, xanchor="left", vy=0)
        cv.path([(10.0, 4.67), (10.0, 5.73)])
        cv.op(10.0, 6, "+", "")
        cv.text(0.3, 6.4, f"h<sub>t−1</sub> = {_v(d.h_prev)}", xanchor="left")
        cv.text(1.9, 0.1, _x_label(d), xanchor="left")
        cv.text(11.9, 6.4, f"h<sub>t</sub> = {_v(d.h)}", xanchor="right")
        cv.text(
            6,
            -0.35,
            "GRU (torch convention): z keeps the old state, 1 − z lets the candidate n in",
            size=11,
            color=GUIDE,
        )
        return cv.done(title, height)
    # LSTM family
    i, f, g, o = G["i"], G["f"], G["g"], G["o"]
    cs = spec(d.cell)
    cifg, peep = cs.coupled_input, bool(cs.peepholes)
    cv.path([(0.3, 6), (2.73, 6)], arrow=False)
    cv.path([(3.27, 6), (5.03, 6)])
    cv.path([(5.57, 6), (11.9, 6)])
    cv.op(3, 6, "×", f"f·c<sub>t−1</sub>={_v(f.value * (d.c_prev or 0.0))}", vy=0.5)
    cv.op(5.3, 6, "+", "")
    # input bus
    cv.path([(0.3, 1), (7.6, 1)], arrow=False)
    cv.path([(1.6, 0.1), (1.6, 1)], arrow=False)
    for gx in [3, 6, 7.6] if cifg else [3, 4.6, 6, 7.6]:
        cv.path([(gx, 1), (gx, 2.7)])
    cv.box(3, 3, "σ", "")
    cv.value(3, 2.3, f"f={_v(f.value)}")
    cv.path([(3, 3.3), (3, 5.73)])
    if cifg:
        cv.path([(3, 4.6), (4.15, 4.6)])
        cv.op(4.4, 4.6, "1−", "", r=0.25)
        cv.value(4.4, 4.1, f"i=1−f={_v(i.value)}")
        cv.path([(4.65, 4.6), (5.03, 4.6)])
    else:
        cv.box(4.6, 3, "σ", "")
        cv.value(4.6, 2.3, f"i={_v(i.value)}")
        cv.path([(4.6, 3.3), (4.6, 4.6), (5.03, 4.6)])
    cv.box(6, 3, "tanh", "", w=0.85)
    cv.value(6, 2.3, f"g={_v(g.value)}")
    cv.path([(6, 3.3), (6, 4.6), (5.57, 4.6)])
    cv.op(5.3, 4.6, "×", "")
    cv.value(5.3, 5.2, f"i·g={_v(i.value * g.value)}")
    cv.path([(5.3, 4.87), (5.3, 5.73)])
    cv.box(7.6, 3, "σ", "")
    cv.value(7.6, 2.3, f"o={_v(o.value)}")
    # output path
    cv.path([(9.2, 6), (9.2, 5.05)])
    cv.box(9.2, 4.7, "tanh", f"tanh c={_v(d.tanh_c)}", w=0.85, h=0.55)
    cv.path([(9.2, 4.42), (9.2, 3.27)])
    cv.path([(7.98, 3), (8.93, 3)])
    cv.op(9.2, 3, "×", "")
    cv.path([(9.2, 2.73), (9.2, 1), (11.9, 1)])
    if peep:
        pd_ = "dot"
        cv.path([(1.9, 6), (1.9, 3.6), (2.62, 3.1)], dash=pd_, color="#7c3aed", width=1.6)
        cv.path([(1.9, 3.9), (4.22, 3.1)], dash=pd_, color="#7c3aed", width=1.6)
        cv.path([(8.4, 6), (8.4, 3.6), (7.95, 3.25)], dash=pd_, color="#7c3aed", width=1.6)
        cv.text(
            1.7,
            4.7,
            f"p<sub>f</sub>c={_v(f.peep)}<br>p<sub>i</sub>c={_v(i.peep)}",
            size=11,
            color="#7c3aed",
            xanchor="right",
        )
        cv.text(8.5, 4.0, f"p<sub>o</sub>c<sub>t</sub>={_v(o.peep)}", size=11, color="#7c3aed", xanchor="left")
    cv.text(0.3, 6.4, f"c<sub>t−1</sub> = {_v(d.c_prev)}", xanchor="left")
    cv.text(11.9, 6.4, f"c<sub>t</sub> = {_v(d.c)}", xanchor="right")
    cv.text(0.3, 1.35, f"h<sub>t−1</sub> = {_v(d.h_prev)}", xanchor="left")
    cv.text(1.7, 0.1, _x_label(d), xanchor="left")
    cv.text(11.9, 1.35, f"h<sub>t</sub> = {_v(d.h)}", xanchor="right")
    note = {
        "lstm": "LSTM: forget × and input + on the cell-state line; o gates what leaves",
        "peephole": "Peephole LSTM: f and i look at c<sub>t−1</sub>, o at c<sub>t</sub> (dotted)",
        "cifg": "Coupled gates: i = 1 − f, so the cell writes exactly what it forgets",
    }[d.cell]
    cv.text(6, -0.35, note, size=11, color=GUIDE)
    return cv.done(title, height)


# ----------------------------------------------------------------------------- classroom

DECAY_COLORS = {c: CELL_COLORS[c] for c in ("rnn", "lstm", "gru")}


def gradient_decay_figure(
    df: pd.DataFrame, title: str = "How far back can the output still feel an input?"
) -> go.Figure:
    """Mean ‖∂h_T/∂x_{T−k}‖ against k on a log axis, one line per cell, min–max band over seeds."""
    fig = go.Figure()
    for cell, d in df.groupby("cell", sort=False):
        color = DECAY_COLORS.get(cell, GUIDE)
        k = d["k"].to_numpy()
        fig.add_trace(
            go.Scatter(
                x=np.concatenate([k, k[::-1]]),
                y=np.concatenate([d["hi"].to_numpy(), d["lo"].to_numpy()[::-1]]).astype(np.float32),
                fill="toself",
                fillcolor=color,
                opacity=0.12,
                line=dict(width=0),
                hoverinfo="skip",
                showlegend=False,
            )
        )
        fig.add_trace(
            go.Scatter(
                x=k,
                y=d["grad"].to_numpy(np.float32),
                mode="lines",
                name=cell.upper(),
                line=dict(color=color, width=2.5),
                hovertemplate=f"{cell.upper()} k=%{{x}}: %{{y:.2e}}<extra></extra>",
            )
        )
    fig.update_yaxes(type="log", title_text="‖∂h_T / ∂x_(T−k)‖ (mean over seeds)", exponentformat="power")
    fig.update_xaxes(title_text="k, steps back from the last input")
    fig.update_layout(
        title=dict(text=title),
        height=420,
        margin=dict(l=10, r=10, t=60, b=10),
        legend=dict(orientation="h", yanchor="top", y=-0.15, x=0),
    )
    return fig
