"""Figures for comparisons and experiments; same conventions as :mod:`ui.figures.style`.

Pure functions of arrays and frames: non-finite points dropped, long traces decimated,
float32 values. Plotly only.
"""

from __future__ import annotations

import textwrap

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from .style import (
    CELL_COLORS,
    CELL_STYLES,
    COLORS,
    GUIDE,
    MAX_POINTS,
    apply_layout,
    cell_name,
    clean_xy,
    color_for,
    line_trace,
    log_axis,
    mark_x,
    rgba,
    split_points,
    waiting_note,
)


def loss_band_figure(
    bands: dict[str, dict[str, np.ndarray]],
    log_y: bool = True,
    band: str = "minmax",
    title: str = "Validation loss per variant (band across seeds)",
    over: set[str] | frozenset[str] = frozenset(),
) -> go.Figure:
    """One line (mean across seeds) and one shaded band per variant.

    ``bands`` is :func:`lstm_core.compare.loss_bands` output; ``band`` is ``minmax`` (min to
    max over seeds) or ``std`` (mean ± one standard deviation). A variant of ``over`` without an
    epoch is "(not trained)" in the legend (its runs ended, stopped before they trained), else "(waiting)".
    """
    fig = go.Figure()
    dec = False
    shown: list[np.ndarray] = []  # every value drawn, for the log axis's ticks
    for i, (name, b) in enumerate(bands.items()):
        color = color_for(i)
        ep = b["epoch"]
        if len(ep) == 0:
            fig.add_trace(
                go.Scatter(
                    x=[None],
                    y=[None],
                    mode="lines",
                    name=f"{name} ({'not trained' if name in over else 'waiting'})",
                    line=dict(color=color, dash="dot"),
                )
            )  # a None point keeps the legend entry
            continue
        lo, hi = (b["lo"], b["hi"]) if band == "minmax" else (b["mean"] - b["std"], b["mean"] + b["std"])
        if log_y:
            lo = np.where(lo > 0, lo, np.nan)
        shown.append(b["mean"])
        if np.any(b["n"] > 1):
            shown += [lo, hi]
            xs, up, (low,), d = clean_xy(ep, hi, MAX_POINTS, lo)
            fig.add_trace(
                go.Scatter(
                    x=xs,
                    y=up,
                    mode="lines",
                    line=dict(width=0),
                    showlegend=False,
                    hoverinfo="skip",
                    legendgroup=name,
                    name=name,
                )
            )
            fig.add_trace(
                go.Scatter(
                    x=xs,
                    y=low,
                    mode="lines",
                    line=dict(width=0),
                    fill="tonexty",
                    fillcolor=rgba(color, 0.18),
                    showlegend=False,
                    hoverinfo="skip",
                    legendgroup=name,
                    name=name,
                )
            )
            dec |= d
        trace, d = line_trace(ep, b["mean"], name, color, width=2.0)
        trace.legendgroup = name
        fig.add_trace(trace)
        dec |= d
    fig.update_xaxes(title="epoch")
    if log_y:
        log_axis(fig, *shown)
    if not bands or all(len(b["epoch"]) == 0 for b in bands.values()):
        # every variant stopped before it trained (Stop all with runs queued): not "waiting" for good
        stopped = bool(bands) and all(name in over for name in bands)
        waiting_note(
            fig, "stopped before the first epoch: no loss to show" if stopped else "waiting for the first epoch..."
        )
    return apply_layout(fig, title, dec, "MSE (scaled)")


def overlay_variants_figure(
    overlay: pd.DataFrame,
    variants: list[str],
    context: int = 48,
    title: str = "One-step test forecasts per variant (mean over seeds)",
    y_title: str | None = None,
) -> go.Figure:
    """The series' test span (plus ``context`` points before it) with each variant's forecasts
    (``y_title``: the value axis's title, the target's name)."""
    test_rows = np.flatnonzero(overlay["part"].to_numpy() == "test") if len(overlay) else np.zeros(0, int)
    start = max(0, (int(test_rows[0]) if len(test_rows) else 0) - context)
    shown = overlay.iloc[start:].reset_index(drop=True)
    fig = go.Figure()
    trace, dec = line_trace(shown["time"], shown["actual"], "actual", COLORS["actual"], width=1.4)
    fig.add_trace(trace)
    cols = [c for c in overlay.columns if c not in ("time", "actual", "part")]
    test = shown[shown["part"] == "test"]
    for i, name in enumerate(cols):
        if name not in variants:
            continue
        trace, d = line_trace(test["time"], test[name], name, color_for(i), width=2.0)
        fig.add_trace(trace)
        dec |= d
    for part, x in split_points(shown).items():
        if part == "test":
            mark_x(fig, x, " test →")
    return apply_layout(fig, title, dec, y_title, n_total=len(shown))


#: Characters of a variant's name that fit under one bar of :func:`saturation_figure` (a 1024 px
#: window with the sidebar open, 14 bars: about 38 px per bar).
SATURATION_CHARS_PER_BAR = 7


def wrap_label(text: str, width: int) -> str:
    """``text`` broken at spaces into lines of at most ``width`` characters (Plotly's ``<br>``);
    a single word longer than ``width`` stays whole."""
    return "<br>".join(textwrap.wrap(text, max(width, 1), break_long_words=False)) or text


def saturation_figure(sat: pd.DataFrame, title: str = "Gate saturation per variant") -> go.Figure:
    """Grouped bars: for each variant and gate, the share of activations < 0.1 (left) and > 0.9 (right).

    ``sat`` has columns ``variant, layer, gate, left, right``.
    """
    fig = go.Figure()
    if sat.empty:
        fig.add_annotation(
            text="no gated cells (a plain RNN has no gates)", showarrow=False, xref="paper", yref="paper", x=0.5, y=0.5
        )
        return apply_layout(fig, title)
    multi_layer = sat["layer"].nunique() > 1
    labels = [f"{g} (L{lay})" if multi_layer else g for g, lay in zip(sat["gate"], sat["layer"])]
    # a variant's name is written once under its bars, as wide as they are: a long one under a
    # single bar (a plain RNN named from its fields, "rnn h32 x1 lb12 lr0.01") ran over its
    # neighbours' names and the plot's edge, so it is wrapped to lines that fit its bars
    bars = sat["variant"].value_counts()
    names = {v: wrap_label(str(v), SATURATION_CHARS_PER_BAR * int(n)) for v, n in bars.items()}
    x = [np.asarray([names[v] for v in sat["variant"]]), np.asarray(labels)]
    fig.add_trace(go.Bar(x=x, y=sat["left"].to_numpy(np.float32), name="closed (< 0.1)", marker_color="#2563eb"))
    fig.add_trace(go.Bar(x=x, y=sat["right"].to_numpy(np.float32), name="open (> 0.9)", marker_color="#ea580c"))
    fig.update_layout(barmode="stack")
    top = float(np.nanmax((sat["left"] + sat["right"]).to_numpy())) if len(sat) else 0.0
    fig.update_yaxes(range=[0, min(1.0, max(0.05, top * 1.15))], tickformat=".0%")
    return apply_layout(fig, title, y_title="share of activations")


def unsaturated_variants(sat: pd.DataFrame, under: float = 0.005) -> list[str]:
    """The variants of ``sat`` (as :func:`saturation_figure` takes it) none of whose gates has
    ``under`` of its activations closed or open: their bars are too short to see."""
    if sat.empty:
        return []
    total = (sat["left"] + sat["right"]).groupby(sat["variant"], sort=False).max()
    return [str(v) for v, top in total.items() if top < under]


MEMORY_TITLE = "Long-memory task: accuracy against lag"


def memory_figure(results: pd.DataFrame, title: str = MEMORY_TITLE) -> go.Figure:
    """Accuracy (%) per cell against the lag, with the 50% chance line."""
    fig = go.Figure()
    if not results.empty:
        for cell, grp in results.groupby("cell", sort=False):
            grp = grp.sort_values("lag")
            fig.add_trace(
                go.Scatter(
                    x=grp["lag"].to_numpy(),
                    y=(grp["accuracy"] * 100).to_numpy(np.float32),
                    mode="lines+markers",
                    name=cell_name(cell),
                    line=dict(
                        color=CELL_COLORS.get(str(cell), "#4b5563"),
                        width=2.4,
                        dash=CELL_STYLES.get(str(cell), ("solid", ""))[0],
                    ),
                    marker=dict(size=11 if cell == "lstm" else 8, symbol=CELL_STYLES.get(str(cell), ("", "circle"))[1]),
                )
            )
    fig.add_hline(
        y=50,
        line=dict(color=GUIDE, dash="dash", width=1),
        annotation_text="chance (50%)",
        annotation_position="bottom right",
    )
    fig.update_xaxes(title="lag (steps between the sign and its recall)")
    fig.update_yaxes(range=[40, 102], title="test accuracy (%)")
    fig = apply_layout(fig, title)
    fig.update_layout(hovermode="closest")
    return fig
