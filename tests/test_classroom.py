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


def test_default_target_passes_a_price_or_a_volume_over_for_the_quantity():
    rng = np.random.default_rng(2)
    sales = _frame(store_id=[7.0] * 40, price_eur=rng.normal(size=40), units=rng.normal(size=40))
    stock = _frame(Open=rng.normal(size=40), Volume=rng.normal(size=40), Close=rng.normal(size=40))
    prices = _frame(price=rng.normal(size=40), volume=rng.normal(size=40), other=rng.normal(size=40))
    assert (default_target(sales), default_target(stock), default_target(prices)) == ("units", "Close", "price")


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


def test_presenter_figure_adds_no_colour_bar_to_plain_markers():
    fig = go.Figure(go.Scatter(x=[1, 2], y=[3, 4], mode="lines+markers", marker=dict(size=8)))
    assert "colorbar" not in presenter_figure(fig).to_dict()["data"][0].get("marker", {})


# ----------------------------------------------------------------------------- compare: reading the results
def _seed(variant: str, seed: int, rmse: float):
    from types import SimpleNamespace

    from lstm_core.compare import SeedResult

    return SeedResult(variant, seed, SimpleNamespace(test=SimpleNamespace(rmse=rmse)))  # type: ignore[arg-type]


def test_spread_sentence_says_whether_the_lead_exceeds_the_seed_spread():
    from lstm_core.compare import spread_sentence

    clear = spread_sentence([_seed("a", 0, 1.0), _seed("a", 1, 1.1), _seed("b", 0, 2.0), _seed("b", 1, 2.2)])
    assert clear.startswith("**a** has the lowest test RMSE of the variants") and "larger than the seed spread" in clear
    mixed = spread_sentence([_seed("a", 0, 1.0), _seed("a", 1, 2.0), _seed("b", 0, 1.6), _seed("b", 1, 1.7)])
    assert "**a**" in mixed and "within the seed spread" in mixed and "pooled std across seeds 0.502" in mixed
    one = spread_sentence([_seed("a", 0, 1.0), _seed("b", 0, 2.0)])
    assert "With one seed each, the seed-to-seed spread is unknown" in one
    # a comparison one of whose runs was deleted: b has two seeds left, a one ("one seed each" was wrong)
    uneven = spread_sentence([_seed("a", 0, 1.0), _seed("b", 0, 2.0), _seed("b", 1, 2.2)])
    assert "With one seed of **a**, the seed-to-seed spread is unknown" in uneven and "each" not in uneven
    assert "With one seed of **a**," in spread_sentence([_seed("a", 0, 3.0), _seed("b", 0, 2.0), _seed("b", 1, 2.2)])
    assert spread_sentence([_seed("a", 0, 1.0)]) == ""


def test_spread_sentence_shows_a_variant_named_like_a_link_as_text():
    """The Compare page renders the sentence as Markdown: a variant's name is the user's and never a link."""
    from lstm_core.compare import spread_sentence
    from ui.text import md_escape

    evil = "[big](http://evil.example)"
    results = [_seed(evil, 0, 1.0), _seed("b", 0, 2.0)]
    assert "](http://evil.example)" in spread_sentence(results)  # unescaped, Markdown would make it a link
    said = spread_sentence(results, escape=md_escape)
    assert said.startswith(f"**{md_escape(evil)}** has the lowest test RMSE of the variants")
    assert "](http://evil.example)" not in said and "<http://evil.example>" not in said


def test_readable_table_has_one_column_per_metric_a_star_and_dashes_for_baselines():
    from lstm_core.compare import METRIC_COLUMNS, readable_table

    def row(model, kind, seeds, rmse, std, params):
        r = {"model": model, "kind": kind, "seeds": seeds, "parameters": params, "train seconds": 1.0}
        r["epochs to best"] = 3.0
        for _, _, c in METRIC_COLUMNS:
            r[c], r[f"{c} std"] = rmse, std
        return r

    table = pd.DataFrame(
        [
            row("LSTM 32", "variant", 3, 12.0, 1.5, 4000.0),
            row("GRU 32", "variant", 3, 10.0, 0.5, 3000.0),
            row("baseline: naive", "baseline", 0, 20.0, 0.0, float("nan")),
        ]
    )
    shapes = {"LSTM 32": {"model": {"cell": "lstm", "hidden_size": 32, "num_layers": 1}, "data": {"look_back": 12}}}
    out = readable_table(table, shapes)
    assert list(out["model"]) == ["LSTM 32", "★ GRU 32", "baseline: naive"]
    assert out.loc[0, "test RMSE"] == "12.00 ± 1.50" and out.loc[0, "size"] == "h32 × 1, lb 12"
    assert out.loc[0, "cell"] == "lstm" and out.loc[0, "parameters"] == "4,000"
    assert out.loc[2].tolist()[1:4] == ["—", "—", "—"] and out.loc[2, "test RMSE"] == "20.00"
    assert out.loc[2, "parameters"] == "—"
    assert len(out.columns) <= 10  # fits 1366 px without sideways scrolling


# ----------------------------------------------------------------------------- experiments: saved results
def test_preset_result_round_trip_and_lookup_order(tmp_path):
    from lstm_core import preset_results as pr
    from lstm_core.presets import display_table

    times = pd.date_range("1949-01-01", periods=5000, freq="D")
    pred = pd.DataFrame(
        {"time": times, "actual": np.arange(5000.0), "one_step": np.r_[np.nan, np.arange(1.0, 5000.0)], "part": "test"}
    )
    table = pd.DataFrame([{"config": "c", "metric": "test RMSE", "ours": 1.5, "reported": np.nan, "note": ""}])
    res = pr.PresetResult("airline", table.astype(object).where(table.notna(), None), {"c": pred}, note="demo")
    home, shipped = tmp_path / "home", tmp_path / "shipped"
    res.source = "x"
    pr.save(res, shipped)
    got = pr.load_last("airline", (home, shipped))
    assert got is not None and got.source == "shipped" and got.note == "demo"
    back = got.predictions["c"]
    assert len(back) <= pr.MAX_ROWS and back["time"].iloc[0] == times[0] and np.isnan(back["one_step"].iloc[0])
    assert display_table(got.table)["tutorial reported"].tolist() == ["—"]  # never None
    pr.save(pr.PresetResult("airline", table.iloc[:0], note="newer"), home)
    assert pr.load_last("airline", (home, shipped)).source == "saved"  # this server's wins
    assert pr.load_last("sin-cos", (home, shipped)) is None


def test_every_classic_experiment_ships_a_result():
    from lstm_core import preset_results as pr
    from lstm_core.presets import PRESETS

    for key in [*PRESETS, "long-memory"]:
        got = pr.load_last(key, (pr.SHIPPED_DIR,))
        assert got is not None, key
        assert len(got.table) or (got.sweep_rows is not None and len(got.sweep_rows)), key


def test_presenter_figure_wraps_a_long_title_and_makes_room_for_it():
    """A projector-size title is drawn on one line by Plotly: "How the gates changed while the model
    learned (fixed probe of training w" ran past the chart at 1024 px. Long titles break into lines,
    a small note keeps its size on each line, and the plot moves down below them."""
    from ui.figures.style import PRESENTER_TITLE_CHARS, wrap_title

    long = "How the gates changed while the model learned (fixed probe of training windows)"
    lines = wrap_title(long).split("<br>")
    assert len(lines) > 1 and " ".join(lines) == long
    assert all(len(line) <= PRESENTER_TITLE_CHARS for line in lines)
    assert wrap_title("24 steps ahead with the 90% interval") == "24 steps ahead with the 90% interval"
    note = "<span style='font-size:0.75em'>(tanh traces rescaled to (0, 1); points near the line are saturated)</span>"
    wrapped = wrap_title("Gate saturation " + note)
    assert "</span><br><span style='font-size:0.75em'>" in wrapped  # the note stays small on its next line

    fig = go.Figure(go.Scatter(x=[0, 1], y=[0, 1]), layout=dict(title=dict(text=long), height=300))
    short = presenter_figure(go.Figure(fig).update_layout(title_text="Loss"))
    big = presenter_figure(fig)
    assert big.layout.title.text.count("<br>") == len(lines) - 1
    assert (big.layout.title.yref, big.layout.title.y, big.layout.title.yanchor) == ("container", 1, "top")
    assert big.layout.margin.t - short.layout.margin.t >= (len(lines) - 1) * big.layout.title.font.size
    assert big.layout.height - big.layout.margin.t == short.layout.height - short.layout.margin.t  # same plot


def test_the_compare_page_writes_big_errors_with_separators():
    """A 1e15-scale series read "1.008e+13 ± 2.1e+11" in the table and "(1.008e+13)" in the
    sentence under it, while the Forecast page wrote 10,080,000,000,000."""
    from lstm_core.compare import METRIC_COLUMNS, readable_table, spread_sentence

    r = {"model": "LSTM 32", "kind": "variant", "seeds": 2, "parameters": 4724.0, "train seconds": 1.0}
    for _, _, c in METRIC_COLUMNS:
        r[c], r[f"{c} std"] = 1.0083e13, 2.1e11
    assert readable_table(pd.DataFrame([r])).loc[0, "test RMSE"] == "10,080,000,000,000 ± 210,000,000,000"
    said = spread_sentence([_seed("a", 0, 1.0083e13), _seed("b", 0, 1.0093e13)])
    assert "(10,080,000,000,000); **b** is next (10,090,000,000,000), 10,000,000,000 behind" in said
