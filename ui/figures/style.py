"""What every figure of :mod:`ui.figures` shares: palettes, trace cleaning and the common layout.

Rules every builder follows:

* no NaN or infinity reaches a trace: non-finite points are dropped first (:func:`clean_xy`);
* traces longer than ``MAX_POINTS`` are decimated (min/max per bucket, so peaks survive)
  and the figure says so in its title (:func:`apply_layout`);
* y values are sent as float32 (plotly encodes numpy arrays as compact typed arrays).

Plotly only: nothing here imports streamlit.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd
import plotly.graph_objects as go

MAX_POINTS = 2000
#: Top margin of a figure (px): the title's line plus the toolbar's band above it.
TITLE_TOP = 64

# ------------------------------------------------------------------------------ palettes
#: Roles in the forecast figures (the series, the parts of the split, the bands).
COLORS = {
    "actual": "#4b5563",
    "train": "#2563eb",
    "val": "#a855f7",
    "test": "#ea580c",
    "test_band": "rgba(234, 88, 12, 0.16)",
    "multistep": "#059669",
    "band": "rgba(5, 150, 105, 0.18)",
    "future": "#dc2626",
    "future_band": "rgba(220, 38, 38, 0.15)",
    "rival": "#1f2937",
}
#: Categorical colours in order: the columns of a frame, the variants of a comparison.
PALETTE = ["#2563eb", "#ea580c", "#059669", "#a855f7", "#dc2626", "#0891b2"]
#: How each cell type is named to people (``ModelConfig.cell`` -> name; the others in capitals).
CELL_NAMES = {"rnn": "RNN", "lstm": "LSTM", "gru": "GRU", "peephole": "Peephole LSTM", "cifg": "CIFG LSTM"}


def cell_name(cell: object) -> str:
    """A cell type as people read it: "LSTM", "Peephole LSTM" (not "PEEPHOLE")."""
    return CELL_NAMES.get(str(cell), str(cell).upper())


#: One colour per recurrent cell.
CELL_COLORS = {"rnn": "#dc2626", "lstm": "#2563eb", "gru": "#059669", "peephole": "#a855f7", "cifg": "#ea580c"}
#: Distinct dashes and markers, so cells that overlap (LSTM and GRU both at 100%) stay visible.
CELL_STYLES = {
    "rnn": ("solid", "circle"),
    "lstm": ("solid", "diamond"),
    "gru": ("dash", "square"),
    "peephole": ("dot", "triangle-up"),
    "cifg": ("dashdot", "x"),
}
#: One colour per gate or state trace (LSTM i f g o c h, GRU r z n).
GATE_COLORS = {
    "i": "#2563eb",
    "f": "#dc2626",
    "g": "#059669",
    "o": "#a855f7",
    "c": "#ea580c",
    "h": "#111827",
    "r": "#0891b2",
    "z": "#dc2626",
    "n": "#059669",
}
#: Input features drawn above the gate heatmaps.
FEATURE_COLORS = ["#4b5563", "#2563eb", "#ea580c", "#059669", "#a855f7"]
#: Continuous colour scales per kind of trace (see :func:`lstm_core.gates.gate_kind`).
SCALES = {"sigmoid": "Viridis", "tanh": "RdBu_r", "state": "RdBu_r"}
#: Neutral grey for reference lines and markers; its darker text shade.
GUIDE = "#6b7280"
GUIDE_TEXT = "#374151"


def color_for(i: int) -> str:
    """The ``i``-th colour of :data:`PALETTE` (cycling)."""
    return PALETTE[i % len(PALETTE)]


def rgba(hex_color: str, alpha: float) -> str:
    """``#rrggbb`` as a CSS ``rgba(...)`` string with the given opacity."""
    h = hex_color.lstrip("#")
    r, g, b = (int(h[i : i + 2], 16) for i in (0, 2, 4))
    return f"rgba({r}, {g}, {b}, {alpha})"


# ------------------------------------------------------------------------------ trace data
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
    extras = [np.asarray(e, dtype=np.float64) for e in extra]
    ok = finite_mask(y, *extras)
    x, y, extras = x[ok], y[ok], [e[ok] for e in extras]
    idx = decimate_index(len(y), y, max_points)
    decimated = len(idx) < len(y)
    return x[idx], y[idx].astype(np.float32), [e[idx].astype(np.float32) for e in extras], decimated


#: Median spacing in days of quarterly times (90-92 days; 80-100 allows a missing-month wobble).
QUARTER_DAYS = (80.0, 100.0)


def date_format(times: np.ndarray) -> str | None:
    """A d3 date format for time labels by their spacing (``%Y``, ``Q%q %Y`` for quarters,
    ``%b %Y``, ``%d %b %Y``, with hours below a day); None when the labels are not dates (then
    steps are the x axis)."""
    t = np.asarray(times)
    if not np.issubdtype(t.dtype, np.datetime64) or len(t) < 1:
        return None
    if len(t) < 2:
        return "%d %b %Y"
    days = float(np.median(np.diff(t.astype("datetime64[s]").astype(np.int64)))) / 86400
    if days >= 360:
        return "%Y"
    if QUARTER_DAYS[0] <= days < QUARTER_DAYS[1]:
        return "Q%q %Y"
    if days >= 28:
        return "%b %Y"
    if days >= 1:
        return "%d %b %Y"
    return "%d %b %Y %H:%M"


def date_text(t, fmt: str) -> str:
    """One time label in a :func:`date_format` format, as a reader writes it (no leading zero on
    days; ``%q``, d3's quarter, which Python's strftime lacks, as 1-4)."""
    ts = pd.Timestamp(t)
    return ts.strftime(fmt.replace("%d", "%-d").replace("%q", str(ts.quarter)))


def row_text(value: object, position: int) -> str:
    """An undated point named as the charts number it: ``row <value>`` where its time is a whole number
    (the file's own numbering where it numbers its rows, 43951), else ``row <position>``."""
    if isinstance(value, (int, float, np.number)) and math.isfinite(float(value)) and float(value).is_integer():
        return f"row {int(value)}"
    return f"row {position}"


def date_hover(fig: go.Figure) -> None:
    """Hover times at the data's spacing (``Q1 1961``, ``Jan 1961``; Plotly wrote "Jan 1, 1961" for a
    month or a quarter): the x axes' ``hoverformat`` from the first trace with dates."""
    for trace in fig.data:
        x = getattr(trace, "x", None)
        if x is None or len(x) < 2:
            continue
        fmt = date_format(np.asarray(x))
        if fmt is not None:
            fig.update_xaxes(hoverformat=fmt)
        return


#: A date axis of data a day or more apart that spans at most this many days is ticked at whole days
#: (:func:`day_ticks`).
DAY_TICK_SPAN = 14
#: At most this many whole-day ticks on such an axis.
MAX_DAY_TICKS = 8


def day_ticks(fig: go.Figure) -> None:
    """Ticks at whole days on a date axis whose first dated trace is a day or more apart and whose dated
    traces together span at most :data:`DAY_TICK_SPAN` days: over a few days Plotly ticked the hours, and a
    six-day daily file's chart read "00:00 12:00 00:00 ..." as if it held hours. (The span of all of them:
    the future chart's 14 days ahead, its first trace, ticked its 56 days every two days, 28 labels.)"""
    dated = [
        np.asarray(t.x)
        for t in fig.data
        if getattr(t, "x", None) is not None and len(t.x) >= 2 and np.asarray(t.x).dtype.kind == "M"
    ]
    for trace in fig.data:
        x = getattr(trace, "x", None)
        if x is None or len(x) < 2:
            continue
        fmt = date_format(np.asarray(x))
        if fmt is None or "%H" in fmt:
            return
        t = np.concatenate([d.astype("datetime64[s]") for d in dated] or [np.asarray(x).astype("datetime64[s]")])
        t = t.astype(np.int64)
        days = (float(t.max()) - float(t.min())) / 86400
        if days <= DAY_TICK_SPAN:
            step = max(1, math.ceil(days / MAX_DAY_TICKS))
            fig.update_xaxes(dtick=step * 86_400_000, tickformat="%-d %b %Y")
        return


def split_points(pred: pd.DataFrame) -> dict[str, object]:
    """First time of the validation and test parts of a predictions frame (``time``, ``part``), where
    the part begins within its rows: a frame that starts inside a part (the last points of a long
    series) does not mark its first row as where that part begins."""
    out = {}
    for part in ("val", "test"):
        rows = np.flatnonzero(pred["part"].to_numpy() == part)
        if len(rows) and rows[0] > 0:
            out[part] = pred["time"].iloc[rows[0]]
    return out


def span_note(shown: int, total: int, what: str = "points", first: bool = False) -> str:
    """A title's note that a chart shows part of its rows: "(the last 500 of 10,000 points)"."""
    return f" <span style='font-size:0.75em'>(the {'first' if first else 'last'} {shown:,} of {total:,} {what})</span>"


def figure_points(fig: go.Figure) -> int:
    """Total number of points across a figure's traces (for tests and benchmarks)."""
    return sum(len(t.x) if t.x is not None else 0 for t in fig.data)


# ------------------------------------------------------------------------------ traces and layout
def apply_layout(
    fig: go.Figure, title: str, decimated: bool = False, y_title: str | None = None, n_total: int | None = None
) -> go.Figure:
    """The common layout: title (with the decimation note), margins, height 400, legend below."""
    if decimated:
        # "(decimated to ~2,000 points a trace of 50,000)" read as a puzzle
        shown = f"~{MAX_POINTS:,} of {n_total:,} points" if n_total else f"~{MAX_POINTS:,} points"
        title += f" <span style='font-size:0.75em'>(decimated: {shown} per line)</span>"
    fig.update_layout(
        # the title sits just above the plot area, below the band the Plotly toolbar takes when it
        # shows (on a phone a tap shows it, and it covered titles at 390 px)
        title=dict(text=title, yref="paper", y=1, yanchor="bottom", pad=dict(b=10)),
        margin=dict(l=10, r=10, t=TITLE_TOP, b=10),
        height=400,
        # the legend at the figure's foot (y in the container's height): Plotly then keeps the plot
        # area, its tick labels and the x-axis title above it. At y < 0 on the plot area it covered
        # the second line of two-line date labels (the year under "Mar 28" on a daily series), the
        # variant names under the Compare page's saturation bars, and the tick labels of the 340 px
        # live panel.
        legend=dict(orientation="h", yref="container", yanchor="bottom", y=0.0, xanchor="left", x=0.0),
        hovermode="x unified",
        yaxis_title=y_title,
    )
    whole_number_ticks(fig)
    tiny_value_ticks(fig)
    date_hover(fig)
    day_ticks(fig)
    return fig


#: A y axis whose values all lie within this of 0 is ticked in powers of ten.
TINY = 1e-3


def tiny_value_ticks(fig: go.Figure) -> None:
    """Tick a y axis of tiny values (all within :data:`TINY` of 0, not all 0) as ``5×10⁻¹⁵``: Plotly
    wrote SI prefixes, so a run that forecast a series exactly had residual ticks of "5f", "−10f"
    (femto) and a thousandth read "1m"."""
    ys = [np.asarray(t.y, dtype=np.float64) for t in fig.data if getattr(t, "y", None) is not None]
    values = np.concatenate([y[np.isfinite(y)] for y in ys]) if ys else np.array([])
    if values.size and 0 < np.abs(values).max() < TINY:
        fig.update_yaxes(exponentformat="power")


#: An x axis of whole numbers (steps, epochs) spanning less than this gets its ticks from
#: :data:`WHOLE_STEPS` (at most :data:`MAX_WHOLE_TICKS` of them); a longer one keeps Plotly's.
WHOLE_SPAN, WHOLE_STEPS, MAX_WHOLE_TICKS = 50, (1, 2, 5, 10), 8


#: Whole numbers on an x axis are grouped by thousands from this magnitude (not a year such as 1871).
GROUPED_FROM = 10_000


def whole_number_ticks(fig: go.Figure) -> None:
    """Ticks at whole numbers on an x axis whose traces all sit at whole numbers (a series without
    dates, an epoch axis): over a few steps Plotly's own choice fell on halves (a five-row file's
    chart read 0, 0.5, 1, 1.5 ... 4). Such an axis is labelled as whole numbers, grouped by
    thousands from 10,000 (a file numbering its rows from 43831 read "43.84k"). Dates, categories
    and the spacing of long axes are left to Plotly."""
    xs = [np.asarray(t.x) for t in fig.data if getattr(t, "x", None) is not None]
    if not xs or any(x.dtype.kind not in "iuf" for x in xs):
        return
    v = np.concatenate([x.astype(np.float64).ravel() for x in xs])
    v = v[np.isfinite(v)]
    if not len(v) or not np.array_equal(v, np.round(v)):
        return
    whole = ",d" if float(np.abs(v).max()) >= GROUPED_FROM else "d"
    fig.update_xaxes(tickformat=whole, hoverformat=whole)
    span = float(v.max() - v.min())
    if span >= WHOLE_SPAN:
        return
    fig.update_xaxes(tick0=0, dtick=next(d for d in WHOLE_STEPS if span / d <= MAX_WHOLE_TICKS))


#: Mantissas of the labelled ticks on a log axis, tried in order: the first set that labels at
#: least :data:`MIN_LOG_TICKS` and at most :data:`MAX_LOG_TICKS` values in the data's range is used.
LOG_MANTISSAS = ((1.0,), (1.0, 2.0, 5.0), (1.0, 2.0, 3.0, 5.0, 7.0), tuple(float(m) for m in range(1, 10)))
MIN_LOG_TICKS, MAX_LOG_TICKS = 3, 7


def log_ticks(values: np.ndarray) -> list[float]:
    """Labelled tick values for a log axis over the positive finite ``values`` (n,): few enough
    to read on a projector (Plotly's own choice labels every minor tick of a short range, and they
    overlap at a panel's height). Empty when no set fits: Plotly then chooses."""
    v = values[np.isfinite(values) & (values > 0)]
    if len(v) == 0:
        return []
    lo, hi = float(v.min()), float(v.max())
    decades = range(int(np.floor(np.log10(lo))), int(np.floor(np.log10(hi))) + 1)
    for mantissas in LOG_MANTISSAS:
        ticks = [float(f"{m * 10.0**d:.3g}") for d in decades for m in mantissas]
        ticks = [t for t in ticks if lo <= t <= hi]
        if MIN_LOG_TICKS <= len(ticks) <= MAX_LOG_TICKS:
            return ticks
    return []


def log_axis(fig: go.Figure, *values) -> None:
    """Make ``fig``'s y axis logarithmic, labelled at :func:`log_ticks` of all ``values`` (arrays;
    None skipped), or at Plotly's own ticks (at most six) when no set of round values fits."""
    arrays = [np.asarray(v, dtype=np.float64).ravel() for v in values if v is not None]
    ticks = log_ticks(np.concatenate(arrays) if arrays else np.zeros(0))
    if ticks:
        fig.update_yaxes(type="log", tickvals=ticks, ticktext=[f"{v:.2g}" for v in ticks])
    else:
        # three significant digits: at two, a loss between 0.088 and 0.118 (60,000 hourly points)
        # was labelled 0.12, 0.11, 0.11, 0.10 (Plotly ticks every 0.005 there)
        fig.update_yaxes(type="log", nticks=6, tickformat=".3~g")


def line_trace(x, y, name: str, color: str, dash: str | None = None, width: float = 1.8) -> tuple[go.Scatter, bool]:
    """A cleaned, decimated line trace and whether it was decimated."""
    xs, ys, _, dec = clean_xy(x, y)
    return go.Scatter(x=xs, y=ys, mode="lines", name=name, line=dict(color=color, dash=dash, width=width)), dec


def band_traces(x, lower, upper, name: str, fill: str) -> tuple[list[go.Scatter], bool]:
    """A shaded band between ``lower`` and ``upper`` (two traces) and whether it was decimated."""
    xs, lo, (up,), dec = clean_xy(x, lower, MAX_POINTS, upper)
    edge = dict(width=0)
    return [
        go.Scatter(x=xs, y=up, mode="lines", line=edge, name=name, showlegend=False, hoverinfo="skip"),
        go.Scatter(x=xs, y=lo, mode="lines", line=edge, fill="tonexty", fillcolor=fill, name=name, hoverinfo="skip"),
    ], dec


#: Size (px) of a mark's label, and the height of one of its lines: :func:`mark_x` lowers a label by
#: whole lines, which :func:`presenter_figure` grows with the font.
MARK_FONT = 11
MARK_LINE_PX = 15
#: Behind a mark's label: the page's white, nearly opaque.
LABEL_BACKGROUND = "rgba(255, 255, 255, 0.85)"


def mark_x(fig: go.Figure, x, text: str, line: int = 0) -> None:
    """A vertical dashed line at ``x`` with a label at the top, ``line`` lines lower (1 for a mark close
    to another: its label under the other's, at any font size); shapes work for dates and numbers alike."""
    fig.add_shape(type="line", x0=x, x1=x, y0=0, y1=1, yref="paper", line=dict(color=GUIDE, dash="dash", width=1))
    fig.add_annotation(
        x=x,
        y=1.0,
        yref="paper",
        yshift=-line * MARK_LINE_PX,
        text=text,
        showarrow=False,
        xanchor="left",
        yanchor="top",
        font=dict(size=MARK_FONT, color=GUIDE_TEXT),
        # on the page's white: the next mark's dashed line no longer runs through the label ("validati|on"
        # where the validation part is narrower than its label), nor a data line
        bgcolor=LABEL_BACKGROUND,
    )


def waiting_note(fig: go.Figure, text: str = "waiting for the first epoch...") -> None:
    """A centred note on an empty figure."""
    fig.add_annotation(text=text, showarrow=False, xref="paper", yref="paper", x=0.5, y=0.5)


#: The title's size in the app's charts (Streamlit's Plotly theme), in px.
TITLE_FONT_PX = 17


#: Characters on a line of a full-width chart's title that a phone keeps whole: at 390 px the chart
#: is about 358 px wide, some 45 characters of Plotly's 17 px bold title ("One-step test forecasts
#: per variant (mean over see", "Keras recipe, look_back 1: one-step predictions (the tutori").
PHONE_TITLE_CHARS = 40
#: Characters on a line of a half-row chart's title (two charts side by side: the Forecast page's
#: multi-step and residual charts, the Train page's loss and forecast): at 1024 px beside the
#: sidebar such a chart is about 280 px wide, some 38 characters of Plotly's 17 px bold title.
HALF_TITLE_CHARS = 34


def fit_title(fig: go.Figure, limit: int) -> go.Figure:
    """Wrap ``fig``'s title at ``limit`` characters a line (:func:`wrap_title`) for a narrow chart, and
    place a title of several lines (wrapped here or written so) at the figure's top.

    A title of several lines goes to the figure's top with the top margin its lines need: left on
    the plot's top edge (:func:`apply_layout`) Plotly drew its second line over the plot.
    """
    text = fig.layout.title.text
    if not isinstance(text, str) or not text or (wrap_title(text, limit) == text and "<br>" not in text):
        return fig  # one line that fits (a title of lines of its own is placed as a wrapped one is)
    wrapped = wrap_title(text, limit)
    # Plotly draws a title of several lines about a line higher than its pad says (as presenting)
    fig.update_layout(title=dict(text=wrapped, yref="container", y=1, yanchor="top", pad_t=8 + TITLE_FONT_PX))
    fig.update_layout(margin_t=max(fig.layout.margin.t or 0, title_room(fig.layout, TITLE_FONT_PX)))
    return fig


#: The font size Plotly gives the panels' titles of ``make_subplots`` where none is set, in px.
PANEL_TITLE_PX = 16


def title_room(lay: go.Layout, size: float) -> int:
    """The top margin a title of several lines at the figure's top needs at ``size`` px, above the
    panels' own titles where there are any (``make_subplots``' annotations on the plot's top edge):
    the last line of "How the gates changed while the model learned (fixed probe of training windows)"
    was drawn over its panel's "mean gate value", illegibly so when presenting at 1024 px."""
    lines = str(lay.title.text or "").count("<br>") + 1
    panels = [
        a.font.size or PANEL_TITLE_PX
        for a in lay.annotations or ()
        if a.yref == "paper" and a.y is not None and a.y >= 0.99 and a.yanchor == "bottom"
    ]
    return int(8 + lines * size * 1.3 + (max(panels) * 1.5 if panels else 0) + 12)


# ------------------------------------------------------------------------------ presenter mode
#: Smallest chart text in presenter mode, in px (readable from the back of a classroom).
PRESENTER_MIN_FONT = 20
#: Line widths and heights grow by this factor in presenter mode.
PRESENTER_SCALE = 1.5


#: Presenter mode: characters on one line of a chart's title (a 0.75em note's count 3/4). A chart
#: beside the sidebar at 1024 px is about 560 px wide, some 42 characters of the 27 px bold title:
#: longer titles ran past the chart's edge ("How the gates changed while the model learned (fixed
#: probe of training w", "One-step test forecasts per variant (mean over see").
PRESENTER_TITLE_CHARS = 40
_TAG = re.compile(r"(<[^>]*>)")


def wrap_title(text: str, limit: int = PRESENTER_TITLE_CHARS) -> str:
    """``text`` with ``<br>`` in place of the spaces where a line would pass ``limit`` characters.

    Plotly draws a title on one line whatever its width. Tags are kept and take no room; words in
    a ``font-size:0.75em`` span count three quarters, and a span open at a break is closed before
    it and opened again after it (Plotly drew the next line at full size); a ``<br>`` already
    there starts a new line.
    """
    out: list[str] = []
    width = 0.0
    spans: list[str] = []  # the open span tags
    for part in _TAG.split(text):
        if part.startswith("<"):
            tag = part.lower()
            if tag.startswith("<br"):
                width = 0.0
            elif tag.startswith("<span"):
                spans.append(part)
            elif tag.startswith("</span") and spans:
                spans.pop()
            out.append(part)
            continue
        scale = 0.75 if any("0.75em" in t.replace(" ", "") for t in spans) else 1.0
        for i, word in enumerate(part.split(" ")):
            if i:  # the space before this word: a line break where the word would not fit
                if width and width + scale * (1 + len(word)) > limit:
                    out.append("</span>" * len(spans) + "<br>" + "".join(spans))
                    width = 0.0
                else:
                    out.append(" ")
                    width += scale
            out.append(word)
            width += scale * len(word)
    return "".join(out)


def _bigger(size: float | None, floor: int) -> int:
    return int(max(floor, round((size or 12) * PRESENTER_SCALE)))


def presenter_figure(fig: go.Figure, min_font: int = PRESENTER_MIN_FONT) -> go.Figure:
    """A copy of ``fig`` for a projector: every text at least ``min_font`` px, thicker lines, taller.

    Applied after a builder has made the figure, so every builder gets it for free. Titles keep
    a step above the rest (the 0.75em decimation note in a title stays above ``min_font``).
    """
    out = go.Figure(fig)
    lay = out.layout
    lay.font.size = _bigger(lay.font.size, min_font)
    lay.title.font.size = _bigger(lay.title.font.size, round(min_font * 4 / 3))
    lay.legend.font.size = _bigger(lay.legend.font.size, min_font)
    lay.hoverlabel.font.size = _bigger(lay.hoverlabel.font.size, min_font)
    for name in lay:
        if name.startswith(("xaxis", "yaxis")) and lay[name] is not None:
            axis = lay[name]
            axis.tickfont.size = _bigger(axis.tickfont.size, min_font)
            axis.title.font.size = _bigger(axis.title.font.size, min_font)
    for ann in lay.annotations or ():
        size = ann.font.size
        ann.font.size = _bigger(size, min_font)
        if ann.yshift and size:  # a label lowered by lines (mark_x) keeps clear of the one above it
            ann.yshift = ann.yshift * ann.font.size / size
    for trace in out.data:
        line = getattr(trace, "line", None)
        if line is not None and getattr(line, "width", None) not in (None, 0):
            line.width = line.width * PRESENTER_SCALE
        bar = getattr(trace, "colorbar", None)
        if bar is not None:
            bar.tickfont.size = _bigger(bar.tickfont.size, min_font)
            bar.title.font.size = _bigger(bar.title.font.size, min_font)
        marker = getattr(trace, "marker", None)
        # only a marker scale that is shown: touching marker.colorbar otherwise draws an empty one
        if marker is not None and getattr(marker, "showscale", None) and trace.type != "pie":
            marker.colorbar.tickfont.size = _bigger(marker.colorbar.tickfont.size, min_font)
        textfont = getattr(trace, "textfont", None)
        if (
            textfont is not None
            and trace.type in ("heatmap", "scatter", "bar")
            and getattr(trace, "text", None) is not None
        ):
            textfont.size = _bigger(textfont.size, min_font)
    extra = 0  # the title's added lines: the plot keeps its height below them
    text = lay.title.text
    if isinstance(text, str) and text and wrap_title(text) != text:
        lay.title.text = wrap_title(text)
        extra = int((lay.title.text.count("<br>") - text.count("<br>")) * lay.title.font.size * 1.3)
        if not (lay.title.yref == "container" and lay.title.yanchor == "top"):
            # placed by Plotly mid-margin, or on the plot's top edge (apply_layout): its added lines went
            # down over the plot. At the figure's top instead, the margin below it clear of the panels'
            # own titles; Plotly draws a title of several lines about a line higher than its pad says
            size = lay.title.font.size
            lay.title.update(yref="container", y=1, yanchor="top", pad_t=8 + size)
            lines = lay.title.text.count("<br>") + 1
            need = int(8 + lines * size * 1.3 + min_font * 1.5)
            extra = max(extra, need - max(lay.margin.t or 0, int(min_font * 3.5)))
    if lay.height:
        lay.height = int(lay.height * 1.3) + extra
    lay.margin.t = max(lay.margin.t or 0, int(min_font * 3.5)) + extra
    if isinstance(lay.title.text, str) and "<br>" in lay.title.text and lay.title.yref == "container":
        # a title of several lines at the figure's top (fit_title's): its pad and room at this size, over
        # the panels' own titles, which grew too
        size = lay.title.font.size or round(min_font * 4 / 3)
        lay.title.pad.t = 8 + size
        lay.margin.t = max(lay.margin.t, title_room(lay, size))
    return out
