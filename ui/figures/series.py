"""Figures of a series and its forecasts: the data, the loss, predictions, residuals, the future.

Pure functions of arrays and DataFrames, following :mod:`ui.figures.style`'s rules (no NaN or
infinity in a trace, long traces decimated and said so, float32 values). Plotly only.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from lstm_core.outliers import Spikes, replaced

from ..text import plot_text
from .style import (
    COLORS,
    GUIDE,
    MAX_POINTS,
    apply_layout,
    band_traces,
    clean_xy,
    color_for,
    line_trace,
    log_axis,
    mark_x,
    span_note,
    split_points,
    waiting_note,
)

# ------------------------------------------------------------------------------ figures
#: Points the Forecast page's charts of a long series show in full by default (:func:`overlay_figure`'s
#: ``last``): thinned to 2,000 of 10,000 hourly points, a daily cycle drew as a solid band.
DETAIL_POINTS = 500

#: Points of the series before the test span that :func:`multistep_figure` shows.
MULTISTEP_CONTEXT = 48


def detail_spans(pred: pd.DataFrame, whole: bool = False) -> tuple[int | None, int | None]:
    """What the Forecast page's charts of ``pred`` show: ``(last, steps)`` for :func:`overlay_figure`
    and :func:`residual_figure` (the last rows) and :func:`multistep_figure` (the first test steps);
    ``(None, None)``, everything, where nothing would be thinned or ``whole`` is asked for. Only a
    chart that would be thinned is cut (a 2,500-row series' multi-step chart of 880 points stays whole)."""
    if whole or len(pred) <= MAX_POINTS:
        return None, None
    n_test = int((pred["part"].to_numpy() == "test").sum())
    return DETAIL_POINTS, (DETAIL_POINTS if n_test + MULTISTEP_CONTEXT > MAX_POINTS else None)


def zone_hover(fig: go.Figure, offset: str | None) -> go.Figure:
    """Hover times that say their UTC offset (``(UTC)``, ``(UTC+01:00)``) where the run's file wrote its times
    with one (``offset``, :attr:`lstm_core.data.Series.utc_offset`): a chart read 22:00 where the file said
    23:00+01:00 and the forecast download 22:00+00:00, and nothing said which clock it showed."""
    if not offset:
        return fig
    zone = "UTC" if offset in ("+00:00", "-00:00") else f"UTC{offset}"
    for axis in fig.select_xaxes():
        axis.hoverformat = f"{axis.hoverformat or '%Y-%m-%d %H:%M'} ({zone})"
    return fig


#: Legend names a 400 px series chart holds below its lines without squeezing them; past them the figure
#: grows by :data:`LEGEND_ROW_PX` for every :data:`LEGEND_PER_ROW` more (a half-width chart at 1024 px fits 5 a row).
LEGEND_ROOM, LEGEND_PER_ROW, LEGEND_ROW_PX = 8, 4, 19


def series_figure(
    frame: pd.DataFrame,
    columns: list[str] | None = None,
    title: str = "Series",
    highlight: str | None = None,
    spikes: Spikes | None = None,
    filled: np.ndarray | None = None,
) -> go.Figure:
    """Line chart of ``columns`` (default all) of ``frame`` against its index; with one column
    and ``spikes`` (:func:`lstm_core.prep.series_spikes`), those are pinned as in :func:`overlay_figure`,
    and ``filled`` (bool (n_rows,), the values the loader filled in) marks those points."""
    fig = go.Figure()
    decimated = False
    columns = columns or list(frame.columns)
    for i, col in enumerate(columns):
        width = 2.4 if col == highlight else 1.4
        trace, dec = line_trace(frame.index, frame[col].to_numpy(), plot_text(col), color_for(i), width=width)
        fig.add_trace(trace)
        decimated |= dec
    fig.update_xaxes(title=plot_text(frame.index.name) if frame.index.name is not None else None)
    fig = apply_layout(fig, title, decimated, n_total=len(frame))
    if len(columns) > LEGEND_ROOM:
        # the legend below grows a row per few names: 39 sensors' took 250 of the 400 px at 1024 px, leaving
        # the lines a 120 px strip; the figure grows with it instead (4 names a row at the narrowest, 19 px each)
        extra = -(-(len(columns) - LEGEND_ROOM) // LEGEND_PER_ROW)
        fig.update_layout(height=fig.layout.height + LEGEND_ROW_PX * extra)
    if filled is not None and len(columns) == 1 and np.any(filled):
        made = np.flatnonzero(filled)
        fig.add_trace(
            go.Scatter(
                x=frame.index[made],
                y=frame[columns[0]].to_numpy(dtype=np.float64)[made].astype(np.float32),
                mode="markers",
                name="filled in (missing in the file)",
                marker={"symbol": "circle-open", "size": 8, "color": GUIDE},
            )
        )
    local = _spikes_from(spikes, 0, len(frame)) if len(columns) == 1 else None
    if local is not None:
        seen = replaced(frame[columns[0]].to_numpy(dtype=np.float64), local)
        on_gap = None if filled is None else np.asarray(filled, dtype=bool)[local.index]
        _pin_spikes(fig, frame.index[local.index], local.given, local, seen, on_gap)
    return fig


#: A loss curve of at most this many epochs marks each one (one epoch is no line at all).
FEW_EPOCHS = 3


def loss_figure(
    epochs, train_loss, val_loss=None, log_y: bool = False, title: str = "Loss", val_name: str = "validation"
) -> go.Figure:
    """Training and validation loss per epoch (scaled MSE); ``log_y`` for a log axis; ``val_name``
    names the validation curve in the legend."""
    epochs = np.asarray(epochs)
    fig = go.Figure()
    trace, dec = line_trace(epochs, train_loss, "train", COLORS["train"])
    fig.add_trace(trace)
    if val_loss is not None and np.isfinite(np.asarray(val_loss, dtype=np.float64)).any():
        trace, dec2 = line_trace(epochs, val_loss, val_name, COLORS["test"])
        fig.add_trace(trace)
        dec |= dec2
    fig.update_xaxes(title="epoch")
    if len(epochs) <= FEW_EPOCHS:
        # a line needs two points: stopped at epoch 1, the chart showed bare axes
        fig.update_traces(mode="lines+markers", marker=dict(size=8))
    if log_y:
        log_axis(fig, train_loss, val_loss)
    if len(epochs) == 0:
        waiting_note(fig)
    return apply_layout(fig, title, dec, "MSE (scaled)", n_total=len(epochs))


def overlay_figure(
    pred: pd.DataFrame,
    title: str = "One-step predictions over the series",
    spikes: Spikes | None = None,
    unscored: np.ndarray | None = None,
    y_title: str | None = None,
    last: int | None = None,
) -> go.Figure:
    """The classic picture: the series with one-step train/val/test predictions, split marked.
    With ``last``, only the last ``last`` rows, said in the title (a long series in full detail).

    With ``spikes`` (those a run's networks went without, :func:`lstm_core.prep.future_spikes`) the value axis
    spans the series as the networks saw it, and each spike is a marker pinned to the edge it
    jumps past, labelled with its value as given: one bad reading no longer flattens the rest.
    ``unscored`` (bool (n_rows,), :func:`lstm_core.runs.unscored`): the actual values the loader
    filled in, which the test scores leave out, marked as such. ``y_title``: the value axis's title
    (the target's name: what the values are, in a classroom as on the screen).
    """
    start = max(0, len(pred) - last) if last else 0
    rows, n_all = pred.iloc[start:], len(pred)
    if start:
        title += span_note(len(rows), n_all)
    pred = rows  # the index stays the run's row numbers (``unscored`` goes by them)
    fig = go.Figure()
    trace, dec = line_trace(pred["time"], pred["actual"], "actual", COLORS["actual"], width=1.4)
    fig.add_trace(trace)
    test = pred["part"].to_numpy() == "test"
    if "one_step_lower" in pred and np.isfinite(pred["one_step_lower"].to_numpy(dtype=np.float64)[test]).any():
        # the one-step 90% band of the test part, each width adapted to the errors before it
        band, d = band_traces(
            pred["time"][test],
            pred["one_step_lower"][test],
            pred["one_step_upper"][test],
            "one-step 90% interval",
            COLORS["test_band"],
        )
        fig.add_traces(band)
        dec |= d
    one = pred["one_step"].to_numpy(dtype=np.float64)
    for part, name in (("train", "fit (train)"), ("val", "fit (validation)"), ("test", "one-step (test)")):
        sel = pred["part"].to_numpy() == part
        if np.isfinite(one[sel]).any():
            trace, d = line_trace(pred["time"][sel], one[sel], name, COLORS[part], width=1.8)
            fig.add_trace(trace)
            dec |= d
    for part, x in split_points(pred).items():
        # the validation label one line lower: a short validation part put it under the test label
        mark_x(fig, x, " validation" if part == "val" else " test →", line=1 if part == "val" else 0)
    _mark_unscored(fig, pred, unscored)
    fig = apply_layout(fig, title, dec, y_title, n_total=len(pred))
    local = _spikes_from(spikes, start, n_all)
    if local is not None:
        seen = replaced(pred["actual"].to_numpy(dtype=np.float64), local)
        _pin_spikes(fig, pred["time"].iloc[local.index], local.given, local, np.concatenate([seen, one]))
    return fig


def _mark_unscored(fig: go.Figure, rows: pd.DataFrame, unscored: np.ndarray | None) -> None:
    """Open markers on ``rows``' actual values that ``unscored`` (bool, by ``rows``' positional index
    into the run's rows) says the test scores leave out: the charts drew them as observed, though the
    metrics beside them do not count them."""
    if unscored is None:
        return
    at = np.asarray(rows.index, dtype=np.int64)
    inside = at[(at >= 0) & (at < len(unscored))]
    made = inside[np.asarray(unscored, dtype=bool)[inside]]
    if not len(made):
        return
    fig.add_trace(
        go.Scatter(
            x=rows["time"].loc[made],
            y=rows["actual"].loc[made].to_numpy(dtype=np.float64).astype(np.float32),
            mode="markers",
            name="filled in (not scored)",
            marker={"symbol": "circle-open", "size": 8, "color": GUIDE},
        )
    )


def _pin_spikes(
    fig: go.Figure, x, drawn: np.ndarray, spikes: Spikes, keep: np.ndarray, made: np.ndarray | None = None
) -> None:
    """Fit the value axis to ``keep`` (the finite values the figure must show), and mark each of
    ``spikes`` (drawn at ``drawn`` (k,), at times ``x`` (k,)) at the edge it passes (where it is,
    when inside), labelled with its value as given (or as filled in, where ``made`` (k,) says the
    loader filled that value in)."""
    made = np.zeros(len(spikes), dtype=bool) if made is None else made
    left = _labels_left(fig, x)
    keep = keep[np.isfinite(keep)]
    if not len(keep):
        return
    lo, hi = float(keep.min()), float(keep.max())
    pad = 0.08 * (hi - lo) if hi > lo else max(abs(hi), 1.0) * 0.1
    top, bottom = hi + pad, lo - pad
    up = drawn > hi
    fig.add_trace(
        go.Scatter(
            x=x,
            y=np.clip(drawn, bottom + 0.4 * pad, top - 0.4 * pad).astype(np.float32),
            mode="markers+text",
            name="lone spike" if made.any() else "lone spike (value as given)",
            marker={"symbol": np.where(up, "triangle-up", "triangle-down").tolist(), "size": 12, "color": GUIDE},
            text=[f"{g:.4g} " if lf else f" {g:.4g}" for g, lf in zip(spikes.given, left)],
            textposition=[f"{'bottom' if u else 'top'} {'left' if lf else 'right'}" for u, lf in zip(up, left)],
            hovertext=[
                f"{g:.4g} {'filled in' if m else 'as given'}; {r:.4g} for the networks"
                for g, r, m in zip(spikes.given, spikes.replaced, made)
            ],
            hoverinfo="text+x",
        )
    )
    fig.update_yaxes(range=[bottom, top])


#: A spike closer than this share of the x axis to its right end or to a marker line on its right
#: ("end of data", "test →") is labelled on its left: a label on the right ran past the chart's
#: edge ("3.2" for 3.205) or over the line.
LABEL_ROOM = 0.12


def _x_numbers(values) -> np.ndarray | None:
    """Positions on the x axis as floats (numbers as they are, times in nanoseconds); None where
    they are neither (categories, a mix)."""
    a = np.asarray(values).ravel()
    if a.dtype.kind in "iuf":
        return a.astype(np.float64)
    try:
        return pd.DatetimeIndex(pd.to_datetime(a)).as_unit("ns").asi8.astype(np.float64)
    except (TypeError, ValueError):
        return None


def _labels_left(fig: go.Figure, x) -> np.ndarray:
    """Whether each spike at ``x`` (k,) has its label on its left: where the axis ends, a vertical
    marker line stands, or the label of a spike on its right put on the left begins, within
    :data:`LABEL_ROOM` of the axis to its right (two late spikes' labels read "3.2053.232" on top
    of each other when only the last went left)."""
    at = _x_numbers(x)
    left = np.zeros(len(np.asarray(x).ravel()), dtype=bool)
    drawn = [_x_numbers(t.x) for t in fig.data if getattr(t, "x", None) is not None]
    lines = _x_numbers(
        [sh.x0 for sh in fig.layout.shapes if sh.x0 is not None and sh.x0 == sh.x1 and sh.xref != "paper"]
    )
    if at is None or not drawn or any(d is None for d in drawn):
        return left
    span = np.concatenate([d for d in drawn if d is not None] + [at])
    span = span[np.isfinite(span)]
    lo, hi = float(span.min()), float(span.max())
    if hi <= lo:
        return left
    walls = list(np.append(lines if lines is not None else np.zeros(0), hi))
    for i in np.argsort(-at, kind="stable"):  # from the right: a label put on the left is a wall too
        ahead = [w for w in walls if w >= at[i]]
        left[i] = bool(ahead) and (min(ahead) - at[i]) < LABEL_ROOM * (hi - lo)
        if left[i]:
            walls.append(at[i] - LABEL_ROOM * (hi - lo))  # where that label begins
    return left


def _spikes_from(spikes: Spikes | None, start: int, stop: int) -> Spikes | None:
    """The spikes at positions ``start <= i < stop``, re-indexed from ``start`` (None: none)."""
    if spikes is None or not len(spikes):
        return None
    sel = (spikes.index >= start) & (spikes.index < stop)
    if not sel.any():
        return None
    return spikes.where(sel, shift=start)


def _forecast_band_figure(
    context: pd.DataFrame,
    fc: pd.DataFrame,
    column: str,
    name: str,
    colors: tuple[str, str],
    mark_at,
    mark_text: str,
    title: str,
    n_total: int,
    spikes: Spikes | None = None,
    unscored: np.ndarray | None = None,
    y_title: str | None = None,
) -> go.Figure:
    """Actual values of ``context``, then ``fc[column]`` with its lower/upper band and a marker line
    (``y_title``: the value axis's title).

    ``n_total`` is the number of points the figure stands for (for the decimation note);
    ``spikes``: those among ``context``'s rows (positions in it) pinned as in :func:`overlay_figure`;
    ``unscored``: as in :func:`overlay_figure`, by ``context``'s index.
    """
    fig = go.Figure()
    band, dec = band_traces(fc["time"], fc["lower"], fc["upper"], "90% interval", colors[0])
    fig.add_traces(band)
    trace, d = line_trace(context["time"], context["actual"], "actual", COLORS["actual"], width=1.4)
    fig.add_trace(trace)
    trace, d2 = line_trace(fc["time"], fc[column], name, colors[1], width=2.2)
    fig.add_trace(trace)
    if mark_at is not None:
        mark_x(fig, mark_at, mark_text)
    _mark_unscored(fig, context, unscored)
    fig = apply_layout(fig, title, dec or d or d2, y_title, n_total=n_total)
    if spikes is not None:
        seen = replaced(context["actual"].to_numpy(dtype=np.float64), spikes)
        band_vals = [fc[c].to_numpy(dtype=np.float64) for c in ("lower", "upper", column)]
        _pin_spikes(fig, context["time"].iloc[spikes.index], spikes.given, spikes, np.concatenate([seen, *band_vals]))
    return fig


def multistep_figure(
    pred: pd.DataFrame,
    context: int = MULTISTEP_CONTEXT,
    title: str = "Multi-step forecast, test span",
    spikes: Spikes | None = None,
    unscored: np.ndarray | None = None,
    y_title: str | None = None,
    steps: int | None = None,
) -> go.Figure:
    """Recursive forecast from the start of the test part, with its conformal band (``spikes``,
    ``unscored`` and ``y_title``: as in :func:`overlay_figure`); with ``steps``, only its first
    ``steps`` steps, said in the title (a long test span in full detail)."""
    test = pred[pred["part"] == "test"]
    n_test = len(test)
    if steps and n_test > steps:
        test = test.iloc[:steps]
        title += span_note(steps, n_test, "test steps", first=True)
    start = max(0, (test.index[0] if len(test) else len(pred)) - context)
    stop = test.index[-1] + 1 if len(test) else len(pred)
    return _forecast_band_figure(
        pred.iloc[start:stop],
        test,
        "multistep",
        "multi-step forecast",
        (COLORS["band"], COLORS["multistep"]),
        test["time"].iloc[0] if len(test) else None,
        " forecast origin",
        title,
        n_total=stop - start,
        spikes=_spikes_from(spikes, start, stop),
        unscored=unscored,
        y_title=y_title,
    )


#: The residual chart's value axis: what a residual is (the Forecast page adds the target's name).
RESIDUAL_AXIS = "actual − predicted"


def residual_figure(
    pred: pd.DataFrame,
    title: str = "One-step residuals",
    spikes: Spikes | None = None,
    y_title: str = RESIDUAL_AXIS,
    last: int | None = None,
) -> go.Figure:
    """Residuals of the one-step predictions, coloured by part, with a zero line (``spikes``: their
    residuals pinned as in :func:`overlay_figure`, the axis fitted to the others'; ``y_title``: the
    value axis's title, which says what a residual is: the title, half a row wide, wrapped at
    "One-step residuals (actual -" when it did; ``last``: as in :func:`overlay_figure`)."""
    start = max(0, len(pred) - last) if last else 0
    n_all = len(pred)
    if start:
        pred = pred.iloc[start:]
        title += span_note(len(pred), n_all)
    fig = go.Figure()
    one = pred["one_step"].to_numpy(dtype=np.float64)
    resid = pred["actual"].to_numpy(dtype=np.float64) - one
    dec = False
    for part in ("train", "val", "test"):
        sel = pred["part"].to_numpy() == part
        xs, ys, _, d = clean_xy(pred["time"][sel], resid[sel])
        dec |= d
        if len(ys):
            fig.add_trace(go.Scatter(x=xs, y=ys, mode="markers", name=part, marker=dict(size=4, color=COLORS[part])))
    fig.add_hline(y=0, line=dict(color=GUIDE, width=1))
    fig = apply_layout(fig, title, dec, y_title, n_total=len(pred))
    local = _spikes_from(spikes, start, n_all)
    if local is not None and np.isfinite(resid[local.index]).any():
        others = np.delete(resid, local.index)
        _pin_spikes(fig, pred["time"].iloc[local.index], resid[local.index], local, np.append(others, 0.0))
    return fig


#: The history the future chart shows: three times the steps ahead, within these bounds. A fixed
#: 120 points drew 8 quarters ahead (the default for quarterly data) on the chart's last 6%, its
#: interval a sliver beside 30 years of data.
FUTURE_CONTEXT = (24, 120)


def future_context(steps: int) -> int:
    """How many of the last points of the series the future chart shows before ``steps`` ahead."""
    lo, hi = FUTURE_CONTEXT
    return int(min(max(3 * steps, lo), hi))


def future_figure(
    pred: pd.DataFrame,
    future: pd.DataFrame,
    context: int | None = None,
    title: str = "Forecast past the end of the data",
    rival: tuple[str, pd.DataFrame] | None = None,
    spikes: Spikes | None = None,
    y_title: str | None = None,
) -> go.Figure:
    """The last ``context`` points of the series (default :func:`future_context`), then the future
    forecast and its band; ``rival`` = (name, frame with time, forecast): a baseline's forecast
    drawn dashed beside it; ``spikes`` and ``y_title``: as in :func:`overlay_figure`."""
    if context is None:
        context = future_context(len(future))
    start = max(0, len(pred) - context)
    tail = pred.iloc[start:]
    fig = _forecast_band_figure(
        tail,
        future,
        "forecast",
        "forecast",
        (COLORS["future_band"], COLORS["future"]),
        tail["time"].iloc[-1] if len(tail) else None,
        " end of data",
        title,
        n_total=len(tail) + len(future),
        spikes=_spikes_from(spikes, start, len(pred)),
        y_title=y_title,
    )
    if rival is not None:
        trace, _ = line_trace(rival[1]["time"], rival[1]["forecast"], rival[0], COLORS["rival"], dash="dash", width=2.0)
        fig.add_trace(trace)
    return fig
