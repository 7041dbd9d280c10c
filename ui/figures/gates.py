"""Plotly figures for gates: heatmaps, unit traces, saturation, memory, evolution, gradient decay.

The cell diagram is SVG (:mod:`ui.cell_picture`), so a browser can step it without plotly.

Pure functions of :mod:`lstm_core.gates` results. Same rules as :mod:`ui.figures.style`: no
NaN or infinity in a trace, float32 arrays, and long time axes aggregated to at most
``MAX_COLS`` columns (mean or max-abs per bucket), said on the chart. Plotly only.
"""

from __future__ import annotations

import html
import math
import textwrap
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.colors import sample_colorscale
from plotly.subplots import make_subplots

from lstm_core import gates as gt
from lstm_core.teach import DECAY_FLOOR

from .style import (
    CELL_COLORS,
    FEATURE_COLORS,
    GATE_COLORS,
    GUIDE,
    SCALES,
    cell_name,
    clean_xy,
    date_format,
    date_text,
    fit_title,
    row_text,
)

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


def _bucket_words(k: int, how: str) -> str:
    """What a heatmap column of ``k`` steps holds, for its hover (nothing for one step)."""
    if k <= 1:
        return ""
    return f" (mean of {k} steps)" if how == "mean" else f" (largest |value| of {k} steps)"


def bucket_size(steps: int, max_cols: int = MAX_COLS) -> int:
    """Steps per heatmap column (1 up to ``max_cols`` steps), as :func:`bucket_time` groups them."""
    return 1 if steps <= max_cols else math.ceil(steps / max_cols)


def _zrange(name: str, z: np.ndarray) -> dict:
    kind = gt.gate_kind(name)
    if kind == "sigmoid":
        return dict(zmin=0.0, zmax=1.0)
    if kind == "tanh":
        return dict(zmin=-1.0, zmax=1.0, zmid=0.0)
    m = float(np.nanmax(np.abs(z))) if z.size else 1.0
    m = m if np.isfinite(m) and m > 0 else 1.0
    return dict(zmin=-m, zmax=m, zmid=0.0)


def time_labels(trace: gt.GateTrace) -> list[str]:
    """One label per step, as the charts' hover prints it (a date, or the series row: the file's
    own number where it numbers its rows, as the Forecast page's axis does)."""
    fmt = date_format(trace.time)
    if fmt is None:
        return [row_text(t, int(r)) for t, r in zip(trace.time, trace.rows)]
    return [date_text(t, fmt) for t in trace.time]


def _x_values(trace: gt.GateTrace) -> np.ndarray:
    """The shared x of every chart: the dates when the series has them, else the step number
    counted from 1 (as the stepper and the units are)."""
    return np.asarray(trace.time) if date_format(trace.time) else np.arange(1, trace.steps + 1)


def _x_axis(trace: gt.GateTrace) -> dict:
    fmt = date_format(trace.time)
    if fmt is None:
        return {"title": {"text": f"step (1 … {trace.steps})"}}
    return {"type": "date", "tickformat": fmt, "hoverformat": fmt, "title": {"text": ""}}


def _x_hover(trace: gt.GateTrace) -> str:
    fmt = date_format(trace.time)
    return f"%{{x|{fmt}}}" if fmt else "step %{x:.0f}"


def _x_title(trace: gt.GateTrace) -> str:
    return _x_axis(trace)["title"]["text"]


def _input_traces(fig: go.Figure, trace: gt.GateTrace, row: int) -> bool:
    dec = False
    xv = _x_values(trace)
    for j, name in enumerate(trace.feature_names):
        xs, ys, _, d = clean_xy(xv, trace.x[:, j], MAX_COLS)
        dec |= d
        fig.add_trace(
            go.Scatter(
                x=xs,
                y=ys,
                mode="lines",
                name=f"input: {name}",
                showlegend=len(trace.feature_names) > 1,
                line=dict(color=FEATURE_COLORS[j % len(FEATURE_COLORS)], width=1.4),
                hovertemplate=f"{_x_hover(trace)}<br>{name} (scaled) %{{y:.3f}}<extra></extra>",
            ),
            row=row,
            col=1,
        )
    return dec


def _mark_step(fig: go.Figure, trace: gt.GateTrace, step: int | None) -> None:
    if step is None or not 0 <= step < trace.steps:
        return
    x = _x_values(trace)[step]
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


#: What the colours mean, as the colour bars' ticks say it.
COLORBAR_TICKS = {
    "sigmoid": {"tickvals": [0, 0.5, 1], "ticktext": ["0 closed", "0.5", "1 open"]},
    "tanh": {"tickvals": [-1, 0, 1], "ticktext": ["−1", "0", "+1"]},
}
INPUT_TITLE = "input to the network (scaled)"


def input_title(trace: gt.GateTrace) -> str:
    """The input panel's title: with several input columns, each named in its line's colour (the
    figures draw no legend, so the lines of a target and two inputs could not be told apart)."""
    if len(trace.feature_names) < 2:
        return INPUT_TITLE
    names = ", ".join(
        f"<span style='color:{FEATURE_COLORS[j % len(FEATURE_COLORS)]}'>{html.escape(str(n))}</span>"
        for j, n in enumerate(trace.feature_names)
    )
    return f"{INPUT_TITLE}: {names}"


def heatmap_figure(
    trace: gt.GateTrace,
    gates: list[str] | None = None,
    unit: int | None = None,
    step: int | None = None,
    how: str = "mean",
    max_cols: int = MAX_COLS,
    title: str = "",
    original: tuple[str, np.ndarray] | None = None,
) -> go.Figure:
    """The series, the network's input and one heatmap per gate (units × time), sharing time.

    ``original``: (name with units, (T,) values) of the series as the user knows it, drawn on
    top. The x axis is the dates (formatted by their spacing) or the step number. Beyond
    ``max_cols`` steps each column is a bucket of k steps (mean or max-abs), said in the
    title. ``unit`` draws a box around that unit's row; ``step`` a dotted line. The figure is
    assembled as one dict (make_subplots costs ~50 ms here).
    """
    names = [g for g in (gates or list(trace.names)) if g in trace.values]
    tops = ([original[0]] if original is not None else []) + [input_title(trace)]
    first_gate = 1 + len(tops)
    rows = len(tops) + len(names)
    layout, domains = _stacked([1.0] * len(tops) + [1.0] * len(names), tops + [gt.GATE_TITLES.get(n, n) for n in names])
    xv, xh = _x_values(trace), _x_hover(trace)
    data: list[dict[str, Any]] = []
    dec = False
    if original is not None:
        xs, ys, _, d = clean_xy(xv, original[1], MAX_COLS)
        dec |= d
        data.append(
            {
                "type": "scatter",
                "x": xs,
                "y": ys,
                "mode": "lines",
                "name": original[0],
                "line": {"color": "#111827", "width": 1.6},
                "xaxis": "x",
                "yaxis": "y",
                "hovertemplate": f"{xh}<br>{original[0]} %{{y:,.4g}}<extra></extra>",
            }
        )
    in_row = len(tops)
    sfx = "" if in_row == 1 else str(in_row)
    for j, fname in enumerate(trace.feature_names):
        xs, ys, _, d = clean_xy(xv, trace.x[:, j], MAX_COLS)
        dec |= d
        data.append(
            {
                "type": "scatter",
                "x": xs,
                "y": ys,
                "mode": "lines",
                "name": f"input: {fname}",
                "line": {"color": FEATURE_COLORS[j % len(FEATURE_COLORS)], "width": 1.4},
                "xaxis": f"x{sfx}",
                "yaxis": f"y{sfx}",
                "hovertemplate": f"{xh}<br>{fname} (scaled) %{{y:.3f}}<extra></extra>",
            }
        )
    shapes, k, starts = [], 1, np.arange(trace.steps)
    for r, name in enumerate(names, start=first_gate):
        agg, starts, k = bucket_time(trace.values[name], max_cols, how)
        z = np.ascontiguousarray(agg.T)  # (H, B)
        lo, hi = domains[r - 1]
        kind = gt.gate_kind(name)
        centres = np.minimum(starts + (k - 1) // 2, trace.steps - 1)
        data.append(
            {
                "type": "heatmap",
                "z": z,
                "x": xv[centres],
                "y": np.arange(1, z.shape[0] + 1),  # units counted from 1, as the Learn page counts them
                "name": name,
                **_zrange(name, z),
                "colorscale": SCALES[kind],
                "xaxis": f"x{r}",
                "yaxis": f"y{r}",
                "colorbar": {
                    "y": (lo + hi) / 2,
                    "len": (hi - lo) * 0.95,
                    "thickness": 10,
                    "title": {"text": name, "side": "top"},
                    **COLORBAR_TICKS.get(kind, {}),
                },
                # a column of k steps says so where it is read (the hover named one step, its centre's)
                "hovertemplate": f"{name} = %{{z:.3f}}{_bucket_words(k, how)}<br>unit %{{y}}<br>{xh}<extra></extra>",
            }
        )
        layout[f"yaxis{r}"]["title"] = {"text": "unit"}
        if z.shape[0] <= 10:  # a unit per tick: plotly's own ticks for one unit were −0.5, 0, 0.5
            layout[f"yaxis{r}"].update({"tickmode": "linear", "tick0": 1, "dtick": 1})
        if unit is not None and 0 <= unit < z.shape[0]:
            shapes.append(
                {
                    "type": "rect",
                    "x0": 0,
                    "x1": 1,
                    "y0": unit + 0.5,  # the row of the 0-based ``unit``, labelled unit + 1
                    "y1": unit + 1.5,
                    "xref": f"x{r} domain",
                    "yref": f"y{r}",
                    "line": {"color": "#f59e0b", "width": 1.5},
                }
            )
    if step is not None and 0 <= step < trace.steps:
        x = xv[step]
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
    axis = _x_axis(trace)
    for r in range(1, rows + 1):
        key = "xaxis" if r == 1 else f"xaxis{r}"
        layout[key].update({k2: v for k2, v in axis.items() if k2 != "title"})
    last = "xaxis" if rows == 1 else f"xaxis{rows}"
    layout[last]["title"] = axis["title"]
    note = ""
    if k > 1:
        note = (
            f" <span style='font-size:0.75em'>({trace.steps:,} steps shown as {len(starts):,} columns: "
            f"{'mean' if how == 'mean' else 'max-|value|'} of {k} steps each)</span>"
        )
    elif dec:
        note = " <span style='font-size:0.75em'>(input decimated)</span>"
    layout.update(
        title={"text": (title or f"{cell_name(trace.cell)} layer {trace.layer + 1}: gates over time") + note},
        height=130 + 90 * len(tops) + 150 * len(names),
        margin={"l": 10, "r": 10, "t": 60, "b": 10},
        showlegend=False,
        shapes=shapes,
    )
    return go.Figure(data=data, layout=layout)


def unit_figure(
    trace: gt.GateTrace, unit: int, step: int | None = None, original: tuple[str, np.ndarray] | None = None
) -> go.Figure:
    """One unit's trace of every gate over time, under the series and the network's input."""
    names = list(trace.names)
    tops = ([original[0]] if original is not None else []) + [input_title(trace)]
    fig = make_subplots(
        rows=len(tops) + len(names),
        cols=1,
        shared_xaxes=True,
        vertical_spacing=0.025,
        subplot_titles=tops + [f"{gt.GATE_TITLES.get(n, n)} — unit {unit + 1}" for n in names],
    )
    xv, xh = _x_values(trace), _x_hover(trace)
    dec = False
    if original is not None:
        xs, ys, _, dec = clean_xy(xv, original[1], MAX_COLS)
        fig.add_trace(
            go.Scatter(
                x=xs,
                y=ys,
                mode="lines",
                name=original[0],
                line=dict(color="#111827", width=1.6),
                hovertemplate=f"{xh}<br>{original[0]} %{{y:,.4g}}<extra></extra>",
            ),
            row=1,
            col=1,
        )
    dec |= _input_traces(fig, trace, len(tops))
    for r, name in enumerate(names, start=len(tops) + 1):
        xs, ys, _, d = clean_xy(xv, trace.values[name][:, unit], MAX_COLS)
        dec |= d
        fig.add_trace(
            go.Scatter(
                x=xs,
                y=ys,
                mode="lines",
                name=name,
                line=dict(color=GATE_COLORS[name], width=1.5),
                hovertemplate=f"{xh}<br>{name} = %{{y:.3f}}<extra></extra>",
            ),
            row=r,
            col=1,
        )
        kind = gt.gate_kind(name)
        if kind != "state":
            fig.update_yaxes(range=[-0.05, 1.05] if kind == "sigmoid" else [-1.05, 1.05], row=r, col=1)
    _mark_step(fig, trace, step)
    axis = _x_axis(trace)
    fig.update_xaxes(**{k: v for k, v in axis.items() if k != "title"})
    fig.update_xaxes(title_text=axis["title"]["text"], row=len(tops) + len(names), col=1)
    title = f"Unit {unit + 1} of layer {trace.layer + 1}"  # counted from 1, as the Learn page counts them
    if dec:
        title += " <span style='font-size:0.75em'>(decimated: ~2,000 points per line, min/max kept)</span>"
    fig.update_layout(
        title=dict(text=title),
        height=140 + 110 * (len(tops) + len(names)),
        margin=dict(l=10, r=10, t=60, b=10),
        showlegend=False,
    )
    fig.update_annotations(font_size=12)
    return fig


# ----------------------------------------------------------------------------- statistics


#: Characters of a run's label on one line above the saturation panels, shared by the panels (a
#: 1024 px window leaves a chart about 440 px wide)
SATURATION_TITLE_CHARS = 72


def saturation_figure(frames: list[tuple[str, pd.DataFrame]], title: str = "Gate saturation") -> go.Figure:
    """Left- vs right-saturated fraction per unit, one colour per gate, one panel per run."""
    n = max(1, len(frames))
    # side by side, a panel's title (a run's label) wraps to its panel's width: four runs wrote their
    # labels over one another; the top margin grows by the extra lines
    wrap = max(12, SATURATION_TITLE_CHARS // n)
    titles = [("<br>".join(textwrap.wrap(lab, wrap)) if n > 1 else lab) or lab for lab, _ in frames] or [""]
    extra = 24 * max(t.count("<br>") for t in titles)  # a line at presenter size, so either fits
    fig = make_subplots(rows=1, cols=n, subplot_titles=titles, shared_yaxes=True, horizontal_spacing=0.04)
    fig.update_annotations(font_size=12)
    # three or four panels leave each too narrow for the long x title (they ran into one another at 1024 px)
    x_title = "fraction left-saturated (< 0.1)" if n <= 2 else "left-saturated (< 0.1)"
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
                    customdata=d["unit"].to_numpy() + 1,  # units counted from 1 wherever they are read
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
        fig.update_xaxes(range=[-0.03, 1.03], title_text=x_title, row=1, col=c)
    fig.update_yaxes(range=[-0.03, 1.03], title_text="fraction right-saturated (> 0.9)", row=1, col=1)
    fig.update_layout(
        title=dict(  # at the figure's top, whatever the panels' titles take below it
            text=title + " <span style='font-size:0.75em'>(tanh traces rescaled to (0, 1); "
            "points near the dotted line are always saturated)</span>",
            yref="container",
            y=1,
            yanchor="top",
            pad=dict(t=30),  # below the band the Plotly toolbar takes when it shows
        ),
        height=434 + extra,
        margin=dict(l=10, r=10, t=84 + extra, b=10),
        legend=dict(orientation="h", yref="container", yanchor="bottom", y=0.0, x=0),  # under the x title
    )
    return fig


def memory_figure(mem: pd.DataFrame, cell: str, look_back: int | None = None) -> go.Figure:
    """Per unit, the half-life implied by the mean keep gate, longest first (log axis)."""
    fig = go.Figure()
    if mem.empty:
        fig.add_annotation(
            text="A plain RNN has no keep gate: its only memory is h, rewritten every step.",
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
    labels = [f"u{u + 1}" for u in mem["unit"]]  # units counted from 1, as the Learn page counts them
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
    # labels at 0.5, 1, 2, 5, 10...: Plotly's default also labels 3, 4, 6, 7, 8, 9 on a short log range,
    # which ran into each other at a projector's 20 px ("10 9 8 7" in one blur under the look-back),
    # and its "D2" labels 0.5 as "5"
    ticks = [m * 10.0**e for e in range(-3, int(math.log10(SPAN_CAP)) + 1) for m in (1, 2, 5)]
    fig.update_yaxes(type="log", title_text="half-life, steps", tickvals=ticks, ticktext=[f"{t:g}" for t in ticks])
    fig.update_xaxes(title_text="unit (sorted, longest memory first)", type="category")
    fig.update_layout(
        title=dict(text=f"Memory span per unit: ln 0.5 / ln(mean {gate}) — keep gate = {keep}"),
        height=380,
        margin=dict(l=10, r=10, t=60, b=10),
    )
    return fig


def evolution_figure(hist: pd.DataFrame, epoch: int | None = None, kept: int | None = None) -> go.Figure:
    """Per epoch: the mean of every gate and its saturated fraction (left + right), on the probe.

    ``epoch``: the epoch picked (dotted line); ``kept``: the epoch whose weights training kept, the
    ones the page's other views show (dashed line, "kept"), where known."""
    # short panel titles, apart: on a phone (two panels of about 150 px) "mean gate value" and "fraction saturated
    # (left + right)" ran into one another, as did the two x titles and the right panel's ticks
    fig = make_subplots(rows=1, cols=2, subplot_titles=["mean gate value", "share saturated"], horizontal_spacing=0.12)
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
    if kept is not None:
        for c in (1, 2):
            fig.add_vline(
                x=kept,
                line=dict(color=GUIDE, dash="dash", width=1.5),
                # inside the panel, right of the line: above it the label ran into the panel's title
                annotation=dict(text="kept", font=dict(color=GUIDE, size=11), yanchor="top", xanchor="left"),
                annotation_position="top right",
                row=1,
                col=c,
            )
    fig.update_xaxes(title_text="epoch (0 = before training)", row=1, col=1)
    fig.update_xaxes(title_text="epoch", row=1, col=2)
    # a share runs from 0: where no unit saturated, Plotly centred the flat line on an axis from -1 to 1
    top = float((hist["left"] + hist["right"]).max()) if len(hist) else 0.0
    fig.update_yaxes(range=[0, min(1.0, max(0.05, top * 1.15))], tickformat=".0%", row=1, col=2)
    fig.update_layout(
        # two lines of their own: wrapped where they fell, at 56 characters and again at presenting's 40, the
        # title broke as "...while the model / learned (fixed / probe of training windows)"
        title=dict(text=EVOLUTION_TITLE),
        height=340,
        margin=dict(l=10, r=10, t=60, b=10),
    )
    # two lines where the page is narrow: on one it ran past the chart at 1024 px beside the sidebar
    return fit_title(fig, EVOLUTION_TITLE_CHARS)


#: Characters on a line of the full-width "During training" chart's title: about 620 px at 1024 px
#: beside the sidebar, some 60 characters of Plotly's 17 px bold title.
EVOLUTION_TITLE_CHARS = 56
#: The "During training" chart's title, on two lines that fit :data:`EVOLUTION_TITLE_CHARS` and presenting's
#: :data:`~ui.figures.style.PRESENTER_TITLE_CHARS` alike.
EVOLUTION_TITLE = (
    "How the gates changed during training<br><span style='font-size:0.75em'>on a fixed probe of training "
    "windows</span>"
)


# ----------------------------------------------------------------------------- classroom

DECAY_COLORS = {c: CELL_COLORS[c] for c in ("rnn", "lstm", "gru")}


def gradient_decay_figure(
    df: pd.DataFrame, title: str = "How far back can the output still feel an input?"
) -> go.Figure:
    """Mean ‖∂h_T/∂x_{T−k}‖ against k on a log axis, one line per cell, min–max band over seeds.

    A line that reaches :data:`~lstm_core.teach.DECAY_FLOOR` is drawn flat along it: the floor is
    marked and named, or the flat line read as a gradient that stops shrinking (an RNN at T=100)."""
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
                name=cell_name(cell),
                line=dict(color=color, width=2.5),
                hovertemplate=f"{cell_name(cell)} k=%{{x}}: %{{y:.2e}}<extra></extra>",
            )
        )
    if (df["grad"].to_numpy(np.float64) <= DECAY_FLOOR * 1.001).any():
        fig.add_hline(
            y=DECAY_FLOOR,
            line=dict(color=GUIDE, width=1, dash="dot"),
            annotation_text=f"floor {DECAY_FLOOR:.0e}: smaller values are drawn on it",
            annotation_position="top right",
        )
    fig.update_yaxes(type="log", title_text="‖∂h_T / ∂x_(T−k)‖ (mean over seeds)", exponentformat="power")
    fig.update_xaxes(title_text="k, steps back from the last input")
    fig.update_layout(
        title=dict(text=title),
        height=420,
        margin=dict(l=10, r=10, t=60, b=10),
        legend=dict(orientation="h", yref="container", yanchor="bottom", y=0.0, x=0),  # under the x title
    )
    return fig
