"""A static SVG picture of one-step predictions: the first look, drawn before the chart library loads.

The live panel shows a first look about a second after the click, but Plotly's 4.7 MB script
takes the browser 2–3 s to load and parse on a 2-core machine (measured: the first Plotly chart
drew 4.0 s after the click while the first look had been there since 1.5 s). An SVG image needs
no script, so the first look is drawn as one (inline, in a markdown element that is on the page
already), in the overlay figure's colours and labels; the run's own overlay (a Plotly chart,
with hover and zoom) replaces it when the run ends.

Pure string building: nothing here imports streamlit.
"""

from __future__ import annotations

import html
import math

import numpy as np
import pandas as pd

from .style import CELL_COLORS, CELL_STYLES, COLORS, cell_name, date_text, decimate_index

#: Drawing size in SVG units, about the live panel column's size in CSS pixels at 1366 px (the
#: picture is stretched to its column, so text scales with it: ~12 px there).
WIDTH, HEIGHT = 440, 330
#: Points per line at most (min/max buckets keep the peaks).
MAX_POINTS = 600
PARTS = (("train", "fit (train)"), ("val", "fit (validation)"), ("test", "one-step (test)"))
_LEFT, _RIGHT, _TOP, _BOTTOM = 46, 10, 58, 26


def nice_ticks(lo: float, hi: float, count: int = 5) -> np.ndarray:
    """About ``count`` round tick values covering [lo, hi] (steps of 1, 2, 2.5 or 5 × 10^k)."""
    if not (math.isfinite(lo) and math.isfinite(hi)) or hi <= lo:
        return np.array([lo if math.isfinite(lo) else 0.0])
    raw = (hi - lo) / max(count - 1, 1)
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    first = math.ceil(lo / step) * step
    return np.arange(first, hi + step * 1e-9, step)


def _num(v: float) -> str:
    """A tick label: at most 4 significant digits, thousands as k."""
    a = abs(v)
    if a >= 10_000:
        return f"{v / 1000:.4g}k"
    return f"{v:.4g}"


def overlay_svg(
    pred: pd.DataFrame,
    title: str,
    date_format: str | None = None,
    big: bool = False,
    size: tuple[int, int] = (WIDTH, HEIGHT),
    y_title: str | None = None,
) -> str:
    """The series (``actual``) with its one-step predictions by part, and the split marked, as SVG.

    ``pred`` has columns time, actual, part and one_step (NaN where none), one row per point;
    ``date_format`` (strftime) labels dated x positions (None: row numbers, or the time column
    as numbers). ``big``: presenter mode (larger text, thicker lines). ``size``: the drawing's
    width and height in SVG units, about the CSS pixels it will take (text is sized in them).
    ``y_title``: the value axis's title (the target's name), written up its left edge, as the
    interactive chart that replaces the picture titles it.
    """
    width, height = size
    n = len(pred)
    font = 14 if big else 11.5
    lw = 1.6 if big else 1.0
    x0, x1, y0, y1 = _LEFT + (8 if big else 0), width - _RIGHT, _TOP + (8 if big else 0), height - _BOTTOM
    if y_title:
        x0 += int(font + 4)  # room for the title beside the tick labels
    actual = pred["actual"].to_numpy(dtype=np.float64)
    one = pred["one_step"].to_numpy(dtype=np.float64)
    parts = pred["part"].to_numpy()
    vals = np.concatenate([actual[np.isfinite(actual)], one[np.isfinite(one)]])
    lo, hi = (float(vals.min()), float(vals.max())) if len(vals) else (0.0, 1.0)
    pad = (hi - lo) * 0.05 or 1.0
    lo, hi = lo - pad, hi + pad

    def px(i: np.ndarray | int) -> np.ndarray:
        return x0 + (x1 - x0) * np.asarray(i, dtype=np.float64) / max(n - 1, 1)

    def py(v: np.ndarray | float) -> np.ndarray:
        return y1 - (y1 - y0) * (np.asarray(v, dtype=np.float64) - lo) / (hi - lo)

    out = _opening(title, width, height, font)
    for v in nice_ticks(lo, hi):  # grid and y labels
        y = float(py(v))
        out.append(f'<line x1="{x0}" x2="{x1}" y1="{y:.1f}" y2="{y:.1f}" stroke="#e5e7eb" stroke-width="1"/>')
        out.append(
            f'<text x="{x0 - 6}" y="{y:.1f}" font-size="{font}" fill="#4b5563" text-anchor="end" '
            f'dominant-baseline="central">{html.escape(_num(float(v)))}</text>'
        )
    if y_title:
        mid = (y0 + y1) / 2
        out.append(
            f'<text x="{font:.1f}" y="{mid:.1f}" font-size="{font}" fill="#374151" text-anchor="middle" '
            f'transform="rotate(-90 {font:.1f} {mid:.1f})">{html.escape(y_title)}</text>'
        )
    times = pred["time"].to_numpy()
    marks = {0: "start"}
    for part, text in (("val", "validation"), ("test", "test →")):
        idx = np.flatnonzero(parts == part)
        if len(idx):
            marks[int(idx[0])] = text
    for i, text in marks.items():
        x = float(px(i))
        if i:  # the validation label a line lower: a short validation part puts it under the test label
            ty = y0 + font * (2.2 if text == "validation" else 1.0)
            out.append(
                f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{y0}" y2="{y1}" stroke="#9ca3af" stroke-dasharray="4 3" '
                f'stroke-width="1"/><text x="{x + 3:.1f}" y="{ty:.1f}" font-size="{font}" '
                f'fill="#4b5563">{html.escape(text)}</text>'
            )
    test_at = [i for i, text in marks.items() if text.startswith("test")]
    taken: list[tuple[float, float]] = []
    for i in [0, n - 1, *test_at]:  # x labels at the ends and where the test part starts, none overlapping
        label = date_text(times[i], date_format) if date_format else str(times[i])
        anchor = "start" if i == 0 else "end" if i == n - 1 else "middle"
        w, x = 0.52 * font * len(label), float(px(i))
        left = {"start": x, "end": x - w, "middle": x - w / 2}[anchor]
        if any(left < b + font and left + w + font > a for a, b in taken):
            continue
        taken.append((left, left + w))
        out.append(
            f'<text x="{x:.1f}" y="{y1 + font + 4:.1f}" font-size="{font}" fill="#4b5563" '
            f'text-anchor="{anchor}">{html.escape(label)}</text>'
        )
    lines = [("actual", actual, COLORS["actual"], 1.4)]
    for part, name in PARTS:
        sel = np.where(parts == part, one, np.nan)
        if np.isfinite(sel).any():
            lines.append((name, sel, COLORS[part], 1.8))
    for _, y, color, stroke in lines:
        for d in _paths(y, px, py):
            out.append(
                f'<path d="{d}" fill="none" stroke="{color}" stroke-width="{stroke * lw:.2f}" stroke-linejoin="round"/>'
            )
    out.append(_legend([(name, color) for name, _, color, _ in lines], font, lw))
    out.append("</svg>")
    return "".join(out)


def _paths(y: np.ndarray, px, py) -> list[str]:
    """SVG path data of ``y``'s finite runs (a NaN breaks the line), decimated to MAX_POINTS."""
    keep = np.zeros(len(y), dtype=bool)
    finite = np.flatnonzero(np.isfinite(y))
    if len(finite) == 0:
        return []
    keep[finite[decimate_index(len(finite), y[finite], MAX_POINTS)]] = True
    idx = np.flatnonzero(keep)
    # a new run starts where the kept points skip a non-finite one
    breaks = [k for k in range(1, len(idx)) if not np.isfinite(y[idx[k - 1] : idx[k] + 1]).all()]
    runs = np.split(idx, breaks)
    out = []
    for run in runs:
        if len(run) < 2:
            continue
        xs, ys = px(run), py(y[run])
        out.append("M" + " L".join(f"{a:.1f},{b:.1f}" for a, b in zip(xs, ys)))
    return out


def memory_svg(rows: pd.DataFrame, title: str, big: bool = False, size: tuple[int, int] = (900, 400)) -> str:
    """The long-memory sweep's accuracy (%) per cell against the lag, with the 50% chance line, as SVG.

    ``rows`` has columns cell, lag and accuracy (0..1), one row per (cell, lag); the same picture
    as :func:`ui.figures.compare.memory_figure` (cell colours, y from 40 to 102%).
    """
    width, height = size
    font = 14 if big else 11.5
    lw = 1.6 if big else 1.0
    x0, x1, y0, y1 = _LEFT + 10 + (8 if big else 0), width - _RIGHT, _TOP + (8 if big else 0), height - _BOTTOM - 16
    lags = rows["lag"].to_numpy(dtype=np.float64)
    lo_x, hi_x = (float(lags.min()), float(lags.max())) if len(lags) else (0.0, 1.0)
    hi_x = hi_x if hi_x > lo_x else lo_x + 1.0
    lo_y, hi_y = 40.0, 102.0

    def px(v):
        return x0 + (x1 - x0) * (np.asarray(v, dtype=np.float64) - lo_x) / (hi_x - lo_x)

    def py(v):
        return y1 - (y1 - y0) * (np.asarray(v, dtype=np.float64) - lo_y) / (hi_y - lo_y)

    out = _opening(title, width, height, font)
    for v in (40, 50, 60, 70, 80, 90, 100):
        y = float(py(v))
        out.append(f'<line x1="{x0}" x2="{x1}" y1="{y:.1f}" y2="{y:.1f}" stroke="#e5e7eb" stroke-width="1"/>')
        out.append(
            f'<text x="{x0 - 6}" y="{y:.1f}" font-size="{font}" fill="#4b5563" text-anchor="end" '
            f'dominant-baseline="central">{v}</text>'
        )
    y50 = float(py(50))
    out.append(
        f'<line x1="{x0}" x2="{x1}" y1="{y50:.1f}" y2="{y50:.1f}" stroke="#9ca3af" stroke-dasharray="5 4" '
        f'stroke-width="1"/><text x="{x1}" y="{y50 + font + 2:.1f}" font-size="{font}" fill="#4b5563" '
        f'text-anchor="end">chance (50%)</text>'
    )
    for v in sorted(set(lags.tolist())):
        out.append(
            f'<text x="{float(px(v)):.1f}" y="{y1 + font + 4:.1f}" font-size="{font}" fill="#4b5563" '
            f'text-anchor="middle">{_num(v)}</text>'
        )
    out.append(
        f'<text x="{(x0 + x1) / 2:.1f}" y="{height - 6}" font-size="{font}" fill="#374151" text-anchor="middle">'
        "lag (steps between the sign and its recall)</text>"
        f'<text x="12" y="{(y0 + y1) / 2:.1f}" font-size="{font}" fill="#374151" text-anchor="middle" '
        f'transform="rotate(-90 12 {(y0 + y1) / 2:.1f})">test accuracy (%)</text>'
    )
    entries = []
    for cell, grp in rows.groupby("cell", sort=False):
        grp = grp.sort_values("lag")
        color = CELL_COLORS.get(str(cell), "#4b5563")
        dash = ' stroke-dasharray="7 4"' if CELL_STYLES.get(str(cell), ("solid", ""))[0] != "solid" else ""
        xs, ys = px(grp["lag"].to_numpy()), py(np.clip(grp["accuracy"].to_numpy(dtype=np.float64) * 100, lo_y, hi_y))
        ok = np.isfinite(ys)
        pts = " L".join(f"{a:.1f},{b:.1f}" for a, b in zip(xs[ok], ys[ok]))
        if pts:
            out.append(f'<path d="M{pts}" fill="none" stroke="{color}" stroke-width="{2.4 * lw:.2f}"{dash}/>')
            out.extend(
                f'<circle cx="{a:.1f}" cy="{b:.1f}" r="{4 * lw:.1f}" fill="{color}"/>' for a, b in zip(xs[ok], ys[ok])
            )
        entries.append((cell_name(cell), color))
    out.append(_legend(entries, font, lw))
    out.append("</svg>")
    return "".join(out)


def _opening(title: str, width: int, height: int, font: float) -> list[str]:
    """The SVG element (scaled to its column's width), a white ground and the title."""
    return [
        f'<svg class="sketch-svg" viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg" role="img" '
        f'aria-label="{html.escape(title)}" font-family="Source Sans Pro, Arial, sans-serif" '
        f'style="width:100%;height:auto;display:block"><title>{html.escape(title)}</title>',
        f'<rect width="{width}" height="{height}" fill="white"/>',
        f'<text x="4" y="{font + 6:.1f}" font-size="{font * 1.3:.1f}" font-weight="600" fill="#111827">'
        f"{html.escape(title)}</text>",
    ]


def _legend(entries: list[tuple[str, str]], font: float, lw: float) -> str:
    """One row of (name, colour) line samples under the title."""
    lx, ly, out = 4.0, font * 2 + 14, []
    for name, color in entries:
        out.append(
            f'<line x1="{lx}" x2="{lx + 14}" y1="{ly:.1f}" y2="{ly:.1f}" stroke="{color}" stroke-width="{2.5 * lw:.1f}"/>'
            f'<text x="{lx + 18}" y="{ly:.1f}" font-size="{font}" fill="#374151" dominant-baseline="central">'
            f"{html.escape(name)}</text>"
        )
        lx += 18 + 0.5 * font * len(name) + 12
    return "".join(out)
