"""Issue 12 (the first minute and the classroom): the default target, years whatever the decimal
mark, and projector-size charts."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

from lstm_core.data import default_target, load_csv
from ui.figures import series as plots
from ui.figures.style import PRESENTER_MIN_FONT, presenter_figure


# ----------------------------------------------------------------------------- default target
def _frame(**cols) -> pd.DataFrame:
    return pd.DataFrame({k: np.asarray(v, dtype=float) for k, v in cols.items()})


def test_default_target_prefers_a_forecast_name_over_the_last_column():
    rng = np.random.default_rng(0)
    f = _frame(id=range(50), sales=rng.normal(size=50), temp_min=rng.normal(size=50), flag=rng.normal(size=50))
    assert default_target(f) == "sales"


def test_default_target_skips_index_like_counters_and_constants():
    rng = np.random.default_rng(1)
    f = _frame(row=range(10, 60), const=[3.0] * 50, signal=rng.normal(size=50), other=rng.normal(size=50))
    assert default_target(f) == "signal"


def test_default_target_falls_back_to_the_first_column():
    assert default_target(_frame(a=range(5), b=range(0, 10, 2))) == "a"


# ----------------------------------------------------------------------------- years and decimal marks
def _years_csv(sep: str, year: str, value: str) -> bytes:
    rows = "".join(f"{year.format(1871 + i)}{sep}{value.format(1100 + 3 * i)}\n" for i in range(30))
    return f"year{sep}flow\n{rows}".encode()


@pytest.mark.parametrize(
    ("sep", "year", "value"),
    [
        (",", "{}.0", "{}.5"),  # 1871.0 with a decimal point
        (",", '"{},0"', "{}.5"),  # 1871,0 in a file whose decimal mark is '.'
        (";", "{},0", "{},5"),  # 1871,0 with a decimal comma
        (";", "{}.0", "{},5"),  # 1871.0 in a file whose decimal mark is ','
        (";", "{},0", "{}.5"),
    ],
)
def test_whole_years_are_time_whatever_the_decimal_mark(sep, year, value):
    loaded = load_csv(_years_csv(sep, year, value), name="years.csv")
    assert loaded.report.date_column == "year"
    assert list(loaded.frame.columns) == ["flow"]
    assert loaded.frame.index[0] == pd.Timestamp("1871-01-01") and loaded.frame.index[-1] == pd.Timestamp("1900-01-01")
    assert loaded.frame["flow"].iloc[0] == pytest.approx(1100.5)


# ----------------------------------------------------------------------------- presenter figures
def _text_sizes(fig: go.Figure) -> list[float]:
    """Every font size a figure sets explicitly (layout, axes, legend, annotations, colour bars)."""
    lay = fig.layout
    sizes = [lay.font.size, lay.title.font.size, lay.legend.font.size]
    for name in lay:
        if name.startswith(("xaxis", "yaxis")) and lay[name] is not None:
            sizes += [lay[name].tickfont.size, lay[name].title.font.size]
    sizes += [a.font.size for a in lay.annotations]
    for t in fig.data:
        bar = getattr(t, "colorbar", None)
        if bar is not None and t.type == "heatmap":
            sizes.append(bar.tickfont.size)
    return sizes


def test_presenter_figure_scales_every_text_line_and_height_and_keeps_the_original():
    idx = pd.date_range("2000-01-01", periods=40, freq="MS")
    pred = pd.DataFrame(
        {
            "time": idx,
            "actual": np.arange(40.0),
            "one_step": np.arange(40.0) + 0.5,
            "part": ["train"] * 24 + ["val"] * 8 + ["test"] * 8,
        }
    )
    fig = plots.overlay_figure(pred)
    fig.add_trace(go.Heatmap(z=[[0, 1], [1, 0]], xaxis="x2", yaxis="y2"))
    fig.update_layout(xaxis2=dict(domain=[0.6, 1]), yaxis2=dict(anchor="x2"))
    before = fig.to_json()
    big = presenter_figure(fig)
    assert fig.to_json() == before  # a copy: the page's figure is unchanged
    sizes = _text_sizes(big)
    assert sizes and all(s is not None and s >= PRESENTER_MIN_FONT for s in sizes), sizes
    assert big.layout.title.font.size > PRESENTER_MIN_FONT  # titles stay a step above the rest
    widths = [t.line.width for t in fig.data if t.type == "scatter" and t.line.width]
    big_widths = [t.line.width for t in big.data if t.type == "scatter" and t.line.width]
    assert widths and all(b > w for b, w in zip(big_widths, widths))
    assert big.layout.height > fig.layout.height
    assert big.layout.margin.t >= 3 * PRESENTER_MIN_FONT  # room for the larger title
