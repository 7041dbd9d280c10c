"""Plotly figure builders: pure functions of arrays and DataFrames (no Streamlit).

Rules every builder follows:

* no NaN or infinity reaches a trace: non-finite points are dropped first;
* traces longer than ``MAX_POINTS`` are decimated (min/max per bucket, so peaks survive)
  and the figure says so in its title;
* y values are sent as float32 (plotly encodes numpy arrays as compact typed arrays).
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

MAX_POINTS = 2000
COLORS = {"actual": "#4b5563", "train": "#2563eb", "val": "#a855f7", "test": "#ea580c",
          "multistep": "#059669", "band": "rgba(5, 150, 105, 0.18)", "future": "#dc2626",
          "future_band": "rgba(220, 38, 38, 0.15)", "rival": "#1f2937"}
METRIC_NAMES = {"rmse": "RMSE", "mae": "MAE", "mape": "MAPE %", "smape": "sMAPE %", "mase": "MASE"}
BASELINE_NAMES = {"naive": "Naive (last value)", "seasonal_naive": "Seasonal naive", "holt_winters": "Holt-Winters"}


# ------------------------------------------------------------------------------ helpers
def _x_array(x) -> np.ndarray:
    if isinstance(x, (pd.Index, pd.Series)):
        return x.to_numpy()
    return np.asarray(x)


def finite_mask(*ys: np.ndarray) -> np.ndarray:
    """True where every given array is finite."""
    mask = np.ones(len(ys[0]), dtype=bool)
    for y in ys:
        mask &= np.isfinite(np.asarray(y, dtype=np.float64))
    return mask


def decimate_index(n: int, y: np.ndarray | None = None, max_points: int = MAX_POINTS) -> np.ndarray:
    """Indices to keep so that at most ``max_points`` remain.

    With ``y``, each bucket keeps its first, min and max points (shape-preserving);
    without, an even stride. The last point is always kept.
    """
    if n <= max_points:
        return np.arange(n)
    if y is None:
        idx = np.linspace(0, n - 1, max_points).round().astype(np.int64)
        return np.unique(idx)
    buckets = max(1, max_points // 3)
    edges = np.linspace(0, n, buckets + 1).astype(np.int64)
    keep = [np.array([n - 1])]
    for lo, hi in zip(edges[:-1], edges[1:]):
        if hi <= lo:
            continue
        seg = y[lo:hi]
        keep.append(np.array([lo, lo + int(np.argmin(seg)), lo + int(np.argmax(seg))]))
    return np.unique(np.concatenate(keep))


def clean_xy(x, y, max_points: int = MAX_POINTS, *extra) -> tuple[np.ndarray, np.ndarray, list[np.ndarray], bool]:
    """Drop non-finite points and decimate: ``(x, y float32, extras float32, decimated)``."""
    x = _x_array(x)
    y = np.asarray(y, dtype=np.float64)
    extra = [np.asarray(e, dtype=np.float64) for e in extra]
    ok = finite_mask(y, *extra)
    x, y, extra = x[ok], y[ok], [e[ok] for e in extra]
    idx = decimate_index(len(y), y, max_points)
    decimated = len(idx) < len(y)
    return x[idx], y[idx].astype(np.float32), [e[idx].astype(np.float32) for e in extra], decimated


def _layout(fig: go.Figure, title: str, decimated: bool = False, y_title: str | None = None,
            n_total: int | None = None) -> go.Figure:
    if decimated:
        title += f" <span style='font-size:0.75em'>(decimated to ~{MAX_POINTS:,} points a trace"
        title += f" of {n_total:,})</span>" if n_total else ")</span>"
    fig.update_layout(title=dict(text=title), margin=dict(l=10, r=10, t=50, b=10), height=400,
                      legend=dict(orientation="h", yanchor="top", y=-0.12, xanchor="left", x=0.0),
                      hovermode="x unified", yaxis_title=y_title)
    return fig


def _line(x, y, name: str, color: str, dash: str | None = None, width: float = 1.8) -> tuple[go.Scatter, bool]:
    xs, ys, _, dec = clean_xy(x, y)
    return go.Scatter(x=xs, y=ys, mode="lines", name=name, line=dict(color=color, dash=dash, width=width)), dec


def _band(x, lower, upper, name: str, fill: str) -> tuple[list[go.Scatter], bool]:
    xs, lo, (up,), dec = clean_xy(x, lower, MAX_POINTS, upper)
    edge = dict(width=0)
    return [
        go.Scatter(x=xs, y=up, mode="lines", line=edge, name=name, showlegend=False, hoverinfo="skip"),
        go.Scatter(x=xs, y=lo, mode="lines", line=edge, fill="tonexty", fillcolor=fill, name=name, hoverinfo="skip"),
    ], dec


def _mark(fig: go.Figure, x, text: str) -> None:
    """A vertical dashed line at ``x`` with a label (shapes work for dates and numbers alike)."""
    fig.add_shape(type="line", x0=x, x1=x, y0=0, y1=1, yref="paper", line=dict(color="#6b7280", dash="dash", width=1))
    fig.add_annotation(x=x, y=1, yref="paper", text=text, showarrow=False, xanchor="left", yanchor="top",
                       font=dict(size=11, color="#374151"))


def _split_points(pred: pd.DataFrame) -> dict[str, object]:
    """First time of the validation and test parts."""
    out = {}
    for part in ("val", "test"):
        rows = pred.index[pred["part"].to_numpy() == part]
        if len(rows):
            out[part] = pred["time"].iloc[rows[0]]
    return out


# ------------------------------------------------------------------------------ figures
def series_figure(frame: pd.DataFrame, columns: list[str] | None = None, title: str = "Series",
                  highlight: str | None = None) -> go.Figure:
    """Line chart of ``columns`` (default all) of ``frame`` against its index."""
    fig = go.Figure()
    decimated = False
    palette = ["#2563eb", "#ea580c", "#059669", "#a855f7", "#dc2626", "#0891b2"]
    for i, col in enumerate(columns or list(frame.columns)):
        width = 2.4 if col == highlight else 1.4
        trace, dec = _line(frame.index, frame[col].to_numpy(), str(col), palette[i % len(palette)], width=width)
        fig.add_trace(trace)
        decimated |= dec
    fig.update_xaxes(title=frame.index.name)
    return _layout(fig, title, decimated, n_total=len(frame))


def loss_figure(epochs, train_loss, val_loss=None, log_y: bool = False, title: str = "Loss") -> go.Figure:
    """Training and validation loss per epoch (scaled MSE); ``log_y`` for a log axis."""
    epochs = np.asarray(epochs)
    fig = go.Figure()
    trace, dec = _line(epochs, train_loss, "train", COLORS["train"])
    fig.add_trace(trace)
    if val_loss is not None and np.isfinite(np.asarray(val_loss, dtype=np.float64)).any():
        trace, dec2 = _line(epochs, val_loss, "validation", COLORS["test"])
        fig.add_trace(trace)
        dec |= dec2
    fig.update_xaxes(title="epoch")
    if log_y:
        fig.update_yaxes(type="log", nticks=6, tickformat=".2g")
    if len(epochs) == 0:
        fig.add_annotation(text="waiting for the first epoch...", showarrow=False, xref="paper", yref="paper",
                           x=0.5, y=0.5)
    return _layout(fig, title, dec, "MSE (scaled)", n_total=len(epochs))


def overlay_figure(pred: pd.DataFrame, title: str = "One-step predictions over the series") -> go.Figure:
    """The classic picture: the series with one-step train/val/test predictions, split marked."""
    fig = go.Figure()
    trace, dec = _line(pred["time"], pred["actual"], "actual", COLORS["actual"], width=1.4)
    fig.add_trace(trace)
    one = pred["one_step"].to_numpy(dtype=np.float64)
    for part, name in (("train", "fit (train)"), ("val", "fit (validation)"), ("test", "one-step (test)")):
        sel = pred["part"].to_numpy() == part
        if np.isfinite(one[sel]).any():
            trace, d = _line(pred["time"][sel], one[sel], name, COLORS[part], width=1.8)
            fig.add_trace(trace)
            dec |= d
    for part, x in _split_points(pred).items():
        _mark(fig, x, " validation" if part == "val" else " test →")
    return _layout(fig, title, dec, n_total=len(pred))


def _forecast_band_figure(context: pd.DataFrame, fc: pd.DataFrame, column: str, name: str, colors: tuple[str, str],
                          mark_at, mark_text: str, title: str, n_total: int) -> go.Figure:
    """Actual values of ``context``, then ``fc[column]`` with its lower/upper band and a marker line.

    ``n_total`` is the number of points the figure stands for (for the decimation note).
    """
    fig = go.Figure()
    band, dec = _band(fc["time"], fc["lower"], fc["upper"], "90% interval", colors[0])
    fig.add_traces(band)
    trace, d = _line(context["time"], context["actual"], "actual", COLORS["actual"], width=1.4)
    fig.add_trace(trace)
    trace, d2 = _line(fc["time"], fc[column], name, colors[1], width=2.2)
    fig.add_trace(trace)
    if mark_at is not None:
        _mark(fig, mark_at, mark_text)
    return _layout(fig, title, dec or d or d2, n_total=n_total)


def multistep_figure(pred: pd.DataFrame, context: int = 48,
                     title: str = "Multi-step forecast over the test span") -> go.Figure:
    """Recursive forecast from the start of the test part, with its conformal band."""
    test = pred[pred["part"] == "test"]
    start = max(0, (test.index[0] if len(test) else len(pred)) - context)
    return _forecast_band_figure(pred.iloc[start:], test, "multistep", "multi-step forecast",
                                 (COLORS["band"], COLORS["multistep"]),
                                 test["time"].iloc[0] if len(test) else None, " forecast origin", title,
                                 n_total=len(pred) - start)


def residual_figure(pred: pd.DataFrame, title: str = "One-step residuals (actual - predicted)") -> go.Figure:
    """Residuals of the one-step predictions, coloured by part, with a zero line."""
    fig = go.Figure()
    resid = pred["actual"].to_numpy(dtype=np.float64) - pred["one_step"].to_numpy(dtype=np.float64)
    dec = False
    for part in ("train", "val", "test"):
        sel = pred["part"].to_numpy() == part
        xs, ys, _, d = clean_xy(pred["time"][sel], resid[sel])
        dec |= d
        if len(ys):
            fig.add_trace(go.Scatter(x=xs, y=ys, mode="markers", name=part, marker=dict(size=4, color=COLORS[part])))
    fig.add_hline(y=0, line=dict(color="#6b7280", width=1))
    return _layout(fig, title, dec, n_total=len(pred))


def future_figure(pred: pd.DataFrame, future: pd.DataFrame, context: int = 120,
                  title: str = "Forecast past the end of the data",
                  rival: tuple[str, pd.DataFrame] | None = None) -> go.Figure:
    """The last ``context`` points of the series, then the future forecast and its band;
    ``rival`` = (name, frame with time, forecast): a baseline's forecast drawn dashed beside it."""
    tail = pred.iloc[-context:]
    fig = _forecast_band_figure(tail, future, "forecast", "forecast", (COLORS["future_band"], COLORS["future"]),
                                tail["time"].iloc[-1] if len(tail) else None, " end of data", title,
                                n_total=len(tail) + len(future))
    if rival is not None:
        trace, _ = _line(rival[1]["time"], rival[1]["forecast"], rival[0], COLORS["rival"], dash="dash", width=2.0)
        fig.add_trace(trace)
    return fig


# ------------------------------------------------------------------------------ tables
def metrics_frame(metrics: dict) -> pd.DataFrame:
    """Model next to the baselines on the same test points, original units.

    Rows: one-step model and baselines, then multi-step model and baselines; columns
    ``evaluation``, ``model`` and the metric names. Missing metrics are left out.
    """
    rows = []

    def add(evaluation: str, name: str, m: dict | None) -> None:
        if m:
            rows.append({"evaluation": evaluation, "model": name,
                         **{label: float(m[k]) for k, label in METRIC_NAMES.items() if k in m}})

    cell = str(metrics.get("info", {}).get("cell", "model")).upper()
    add("one-step", f"{cell} (this run)", metrics.get("test"))
    for k, m in (metrics.get("baselines") or {}).items():
        add("one-step", BASELINE_NAMES.get(k, k), m)
    add("multi-step", f"{cell} (this run)", metrics.get("test_multistep"))
    for k, m in (metrics.get("baselines_multistep") or {}).items():
        add("multi-step", BASELINE_NAMES.get(k, k), m)
    return pd.DataFrame(rows, columns=["evaluation", "model", *METRIC_NAMES.values()])


def baseline_verdict(metrics: dict) -> tuple[bool, str]:
    """``(loses, sentence)`` from :func:`lstm_core.verdict.judge`: ``loses`` unless the model
    beats every baseline one step ahead *and* over the test span."""
    from .verdict import judge

    v = judge(metrics)
    return v.level not in ("beats", "none"), v.sentence


def figure_points(fig: go.Figure) -> int:
    """Total number of points across a figure's traces (for tests and benchmarks)."""
    return sum(len(t.x) if t.x is not None else 0 for t in fig.data)
