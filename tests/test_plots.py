"""Figure builders: no NaN reaches a chart, long traces are decimated and say so, tables match metrics."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from lstm_core import tables, verdict
from lstm_core.config import RunConfig
from lstm_core.data import Series, generate, load_airline
from lstm_core.pipeline import fit_run
from lstm_core.results import RunMetrics
from ui.figures import series as plots
from ui.figures import style


def _all_y(fig) -> list[float]:
    out = []
    for t in fig.data:
        if t.y is not None:
            out.extend(np.asarray(t.y, dtype=np.float64).tolist())
    return out


def _assert_clean(fig):
    ys = _all_y(fig)
    assert ys, "figure has no points"
    assert np.isfinite(ys).all()
    json.loads(fig.to_json())  # serialisable


@pytest.fixture(scope="module")
def run():
    cfg = RunConfig()
    cfg.model.hidden_size = 8
    cfg.train.epochs = 5
    cfg.train.device = "cpu"
    return fit_run(Series(load_airline(), season=12), cfg)


def test_decimate_keeps_extremes_and_bounds_points():
    y = np.sin(np.linspace(0, 60, 100_000))
    y[12345] = 50.0
    idx = style.decimate_index(len(y), y)
    assert len(idx) <= style.MAX_POINTS + 1
    assert 12345 in idx and idx[-1] == len(y) - 1 and np.all(np.diff(idx) > 0)
    assert len(style.decimate_index(100, y[:100])) == 100


def test_long_series_is_decimated_and_says_so():
    frame = generate("noisy-sine")  # 10,001 points
    fig = plots.series_figure(frame)
    assert style.figure_points(fig) <= style.MAX_POINTS + 1
    assert "decimated" in fig.layout.title.text
    short = plots.series_figure(generate("sine", length=300))
    assert "decimated" not in short.layout.title.text and style.figure_points(short) == 300


def test_series_arrays_are_float32():
    fig = plots.series_figure(generate("sine", length=300))
    assert np.asarray(fig.data[0].y).dtype == np.float32


def test_nan_never_reaches_a_trace():
    frame = pd.DataFrame({"a": [1.0, np.nan, 3.0, np.inf, 5.0]})
    fig = plots.series_figure(frame)
    _assert_clean(fig)
    assert style.figure_points(fig) == 3
    loss = plots.loss_figure([1, 2, 3], [1.0, 0.5, np.nan], [np.nan, np.nan, np.nan], log_y=True)
    _assert_clean(loss)
    assert len(loss.data) == 1 and loss.layout.yaxis.type == "log"


def test_a_log_loss_axis_labels_a_few_round_values_inside_the_data():
    fig = plots.loss_figure([1, 2, 3], [0.8, 0.2, 0.05], [0.9, 0.5, 0.3], log_y=True)
    assert list(fig.layout.yaxis.tickvals) == [0.05, 0.1, 0.2, 0.5]  # 1-2-5 over more than a decade
    assert list(fig.layout.yaxis.ticktext) == ["0.05", "0.1", "0.2", "0.5"]
    assert style.log_ticks(np.array([0.55, 0.9, np.nan, 0.0])) == [0.6, 0.7, 0.8, 0.9]  # inside one decade
    assert style.log_ticks(np.array([1e-4, 0.3, 3.0])) == [1e-4, 1e-3, 0.01, 0.1, 1.0]  # powers of ten
    narrow = plots.loss_figure([1, 2], [0.2, 0.21], log_y=True)  # no set fits: Plotly chooses
    assert narrow.layout.yaxis.tickvals is None and narrow.layout.yaxis.nticks == 6


def test_a_log_axis_without_round_ticks_labels_plotlys_own_ticks_apart():
    """A loss between 0.088 and 0.118 (LSTM h16 on 60,000 hourly points) has no set of round log
    ticks, and Plotly's own ticks, every 0.005 there, were labelled at two digits: 0.12, 0.11, 0.11,
    0.10, 0.095, 0.090 (two ticks read 0.11)."""
    loss = np.linspace(0.118, 0.088, 5)
    assert style.log_ticks(loss) == []
    fig = plots.loss_figure([1, 2, 3, 4, 5], loss, loss - 0.003, log_y=True)
    fmt = fig.layout.yaxis.tickformat
    assert fig.layout.yaxis.type == "log" and fmt.replace("~", "") == ".3g"
    labels = [format(t, fmt.replace("~", "")) for t in np.arange(0.090, 0.1201, 0.005)]  # d3's ~ trims as g does
    assert len(set(labels)) == len(labels), labels


def test_compare_loss_bands_label_round_values_over_every_band():
    from lstm_core.compare import loss_bands
    from ui.figures.compare import loss_band_figure

    bands = loss_bands({"lstm": [np.array([0.8, 0.3, 0.06]), np.array([0.9, 0.2, 0.07])]})
    assert list(loss_band_figure(bands, log_y=True).layout.yaxis.tickvals) == [0.1, 0.2, 0.5]
    linear = loss_band_figure(bands, log_y=False).layout.yaxis
    assert linear.type is None and linear.tickvals is None


def test_variants_whose_gates_never_saturate_are_named_beside_the_bars():
    from ui.figures.compare import saturation_figure, unsaturated_variants

    sat = pd.DataFrame(
        {
            "variant": ["LSTM 32", "LSTM 32", "GRU 32", "GRU 32"],
            "layer": [0, 0, 0, 0],
            "gate": ["i", "f", "r", "z"],
            "left": [0.20, 0.0, 0.0, 0.001],
            "right": [0.05, 0.30, 0.002, 0.0],
        }
    )
    assert unsaturated_variants(sat) == ["GRU 32"]
    assert unsaturated_variants(sat.assign(right=sat["right"] + 0.01)) == []
    assert unsaturated_variants(sat.iloc[:0]) == []
    fig = saturation_figure(sat)  # the bars are drawn all the same
    assert [tr.name for tr in fig.data] == ["closed (< 0.1)", "open (> 0.9)"]


def test_a_long_variant_name_under_one_bar_is_wrapped_to_its_width():
    """A plain RNN named from its fields has one bar (h): its name ran over its neighbours' names."""
    from ui.figures.compare import SATURATION_CHARS_PER_BAR, saturation_figure

    sat = pd.DataFrame(
        {
            "variant": ["LSTM 32"] * 5 + ["rnn h32 x1 lb12 lr0.01"],
            "layer": [0] * 6,
            "gate": ["i", "f", "g", "o", "h", "h"],
            "left": [0.01] * 6,
            "right": [0.02] * 6,
        }
    )
    outer = list(saturation_figure(sat).data[0].x[0])
    assert outer[:5] == ["LSTM 32"] * 5  # a name that fits stays on one line
    lines = outer[5].split("<br>")
    assert " ".join(lines) == "rnn h32 x1 lb12 lr0.01" and len(lines) == 3
    assert max(len(line) for line in lines) <= SATURATION_CHARS_PER_BAR


def test_empty_loss_chart_has_a_hint():
    fig = plots.loss_figure([], [], [])
    assert "waiting" in fig.layout.annotations[0].text


def test_forecast_figures_from_a_run(run):
    pred = run.predictions
    assert pred["one_step"].isna().any()  # the raw frame has NaN; the figures must not
    for fig in (
        plots.overlay_figure(pred),
        plots.multistep_figure(pred),
        plots.residual_figure(pred),
        plots.future_figure(pred, run.future(24)),
    ):
        _assert_clean(fig)
    overlay = plots.overlay_figure(pred)
    names = [t.name for t in overlay.data]
    assert names[0] == "actual" and "one-step (test)" in names and "fit (train)" in names
    assert any("test" in a.text for a in overlay.layout.annotations)  # split marked
    future = plots.future_figure(pred, run.future(24))
    assert "90% interval" in [t.name for t in future.data]
    # the one-step band shades the test part only, between the run's own one-step bounds
    test = pred[pred["part"] == "test"]
    band = [t for t in overlay.data if t.name == "one-step 90% interval"]
    assert len(band) == 2 and len(band[0].y) == len(test)
    np.testing.assert_allclose(np.asarray(band[0].y, dtype=np.float64), test["one_step_upper"], rtol=1e-6)
    assert (test["one_step_lower"] <= test["one_step"]).all() and (test["one_step"] <= test["one_step_upper"]).all()
    bare = plots.overlay_figure(pred.drop(columns=["one_step_lower", "one_step_upper"]))
    assert "one-step 90% interval" not in [t.name for t in bare.data]


def test_values_left_out_of_the_scores_are_marked_on_the_test_charts(run):
    """The charts drew values the loader filled in as observed, beside metrics that leave them out."""
    pred = run.predictions
    ts = int((pred["part"] != "test").sum())
    unscored = np.zeros(len(pred), dtype=bool)
    unscored[[ts + 2, ts + 5, len(pred) - 1]] = True
    for fig in (plots.overlay_figure(pred, unscored=unscored), plots.multistep_figure(pred, unscored=unscored)):
        marks = [t for t in fig.data if t.name == "filled in (not scored)"]
        assert len(marks) == 1 and list(marks[0].x) == list(pred["time"].iloc[[ts + 2, ts + 5, len(pred) - 1]])
        np.testing.assert_allclose(
            np.asarray(marks[0].y, dtype=np.float64), pred["actual"].iloc[[ts + 2, ts + 5, len(pred) - 1]], rtol=1e-6
        )
        _assert_clean(fig)
    # a filled-in value before the multi-step chart's window is not drawn on it
    early = np.zeros(len(pred), dtype=bool)
    early[0] = True
    assert "filled in (not scored)" not in [t.name for t in plots.multistep_figure(pred, unscored=early).data]
    assert "filled in (not scored)" in [t.name for t in plots.overlay_figure(pred, unscored=early).data]
    assert "filled in (not scored)" not in [t.name for t in plots.overlay_figure(pred).data]


def test_the_half_row_charts_titles_keep_to_one_line_and_the_residual_axis_says_what_a_residual_is(run):
    """Half a row wide, "One-step residuals (actual - predicted)" wrapped at "(actual -" and "Multi-step
    forecast over the test span" at "span": the titles are short, and the residual chart's value
    axis carries the definition (the Forecast page adds the target's name to it)."""
    pred = run.predictions
    multi, resid = plots.multistep_figure(pred), plots.residual_figure(pred)
    for fig in (multi, resid):
        title = fig.layout.title.text
        assert style.wrap_title(title, style.HALF_TITLE_CHARS) == title, title
        assert style.fit_title(fig, style.HALF_TITLE_CHARS).layout.title.text == title
    assert resid.layout.title.text == "One-step residuals"
    assert resid.layout.yaxis.title.text == "actual − predicted"
    named = plots.residual_figure(pred, y_title="actual − predicted (passengers)")
    assert named.layout.yaxis.title.text == "actual − predicted (passengers)"
    assert multi.layout.title.text.startswith("Multi-step forecast")


def test_a_spike_replaced_for_training_is_pinned_to_the_edge_and_the_axes_fit_the_rest(run):
    """A reading of 1e5 in the airline data (at most 622): every series chart keeps its axis on
    the data as the networks saw it and marks the spike at the top with its value."""
    from lstm_core.outliers import Spikes

    pred = run.predictions.copy()
    i = int(run.prep.test_start) - 10  # inside every chart's span: overlay, residuals, the test span's context
    true = float(pred.loc[i, "actual"])
    pred.loc[i, "actual"] = 1e5
    spikes = Spikes(index=np.array([i]), given=np.array([1e5]), replaced=np.array([true]))
    figs = {
        "overlay": plots.overlay_figure(pred, spikes=spikes),
        "multistep": plots.multistep_figure(pred, spikes=spikes),
        "residuals": plots.residual_figure(pred, spikes=spikes),
        "future": plots.future_figure(pred, run.future(12), context=200, spikes=spikes),
    }
    for name, fig in figs.items():
        _assert_clean(fig)
        lo, hi = fig.layout.yaxis.range
        assert hi < 2000, name  # the axis spans the rest, not the spike
        mark = next(t for t in fig.data if t.name == "lone spike (value as given)")
        assert (
            [t.strip() for t in mark.text] == ["1e+05"]
            and lo < mark.y[0] < hi
            and mark.marker.symbol == ("triangle-up",)
        )
        assert mark.hovertext == (f"1e+05 as given; {true:.4g} for the networks",)
    # without spikes (or with none inside the span) the axis is left to plotly
    assert plots.overlay_figure(run.predictions).layout.yaxis.range is None
    far = Spikes(index=np.array([3]), given=np.array([1e5]), replaced=np.array([112.0]))
    assert plots.multistep_figure(run.predictions, spikes=far).layout.yaxis.range is None


def test_metrics_frame_matches_the_run(run):
    table = tables.metrics_frame(run.metrics)
    one = table[table["evaluation"] == "one-step"]
    assert one.iloc[0]["RMSE"] == pytest.approx(run.metrics.test.rmse)
    assert len(one) == 1 + len(run.metrics.baselines)
    hw = one[one["model"] == "Holt-Winters"].iloc[0]
    assert hw["MASE"] == pytest.approx(run.metrics.baselines["holt_winters"].mase)
    assert set(table["evaluation"]) == {"one-step", "multi-step"}


def test_baseline_verdict():
    m = {"test": {"rmse": 20.0}, "baselines": {"naive": {"rmse": 48.0}, "holt_winters": {"rmse": 17.2}}}
    v = verdict.judge(RunMetrics.from_dict(m))
    assert v.level == "loses" and "Holt-Winters" in v.sentence and "20" in v.sentence
    m["test"]["rmse"] = 10.0
    v = verdict.judge(RunMetrics.from_dict(m))
    assert v.level == "beats" and "beats every baseline" in v.sentence


def test_mae_note_says_where_the_mean_absolute_error_ranks_otherwise_than_the_verdict():
    """Intermittent counts: the model "beat every baseline one step ahead" on RMSE while the naive
    forecast's typical error was smaller; the verdict ranks by RMSE, the note says what MAE says."""
    m = {
        "test": {"rmse": 2.0, "mae": 1.6},
        "test_multistep": {"rmse": 5.0, "mae": 3.0},
        "baselines": {"naive": {"rmse": 2.5, "mae": 1.2}, "holt_winters": {"rmse": 2.2, "mae": 1.9}},
        "baselines_multistep": {"naive": {"rmse": 4.0, "mae": 3.5}, "holt_winters": {"rmse": 6.0, "mae": 3.2}},
        "info": {"n_test": 12},
    }
    metrics = RunMetrics.from_dict(m)
    assert verdict.judge(metrics).level == "mixed"  # wins one step ahead, loses the span, on RMSE
    assert verdict.mae_note(metrics) == (
        "On mean absolute error, Naive (last value) is better one step ahead (MAE 1.2 against the model's 1.6): "
        "the model's RMSE lead comes from fewer large errors, not smaller typical ones; and the model beats every "
        "baseline over the 12-step test span (MAE 3; best baseline Holt-Winters 3.2): its typical error is "
        "smaller, a few large ones cost it the RMSE."
    )
    # where both measures rank alike, nothing to say
    m["baselines"]["naive"]["mae"], m["baselines_multistep"]["holt_winters"]["mae"] = 1.7, 2.9
    assert verdict.mae_note(RunMetrics.from_dict(m)) is None
    # a tie is no win, as in the verdict
    m["baselines"]["naive"]["mae"] = 1.6
    assert verdict.mae_note(RunMetrics.from_dict(m)) == (
        "On mean absolute error, Naive (last value) does as well one step ahead (MAE 1.6, the model's too): "
        "the model's RMSE lead comes from fewer large errors, not smaller typical ones."
    )
    # metrics without MAE (or without baselines) say nothing
    assert (
        verdict.mae_note(RunMetrics.from_dict({"test": {"rmse": 2.0}, "baselines": {"naive": {"rmse": 3.0}}})) is None
    )


@pytest.mark.parametrize(
    ("n_test", "one_step", "multistep", "said"),
    [
        (79, 0.89, 0.20, "held only 20% over the multi-step forecast, not about 90%"),
        (79, 0.55, 0.20, "held only 55% one step ahead and 20% over the multi-step forecast, not about 90%"),
        (12, 0.62, 0.95, "held only 62% one step ahead, not about 90%"),
        (79, 0.70, 0.70, None),  # at the floor: not named
        # under 10 points: named only where chance at 90% would give it at most 1.3% of the time
        (9, 0.33, 0.00, "held only 33% one step ahead and 0% over the multi-step forecast, not about 90%"),
        (5, 0.40, 1.00, "held only 40% one step ahead, not about 90%"),  # 2 of 5: 0.86%
        (5, 0.60, 0.60, None),  # 3 of 5: 8% by chance, too likely to say much
        (1, 0.00, 0.00, None),  # 1 point outside: 10% by chance
        (79, None, None, None),  # no intervals
    ],
)
def test_a_band_that_held_far_fewer_test_points_than_its_level_is_named_too_narrow(n_test, one_step, multistep, said):
    """A 90% band that held 20% of the test span (outside6, emp_Other_Services) was shown with a plain
    caption: nothing told the user the band ahead is too narrow as well."""
    m = RunMetrics.from_dict(
        {"coverage": {"level": 0.9, "one_step": one_step, "multistep": multistep}, "info": {"n_test": n_test}}
    )
    note = verdict.coverage_note(m)
    if said is None:
        assert note is None
    else:
        assert note.startswith(f"Of the {n_test} test points, the 90% interval {said}: ")
        assert note.endswith("so a band ahead is likely too narrow too.")
        # where the band ahead was widened to the test part's errors, the note says so instead
        widened = RunMetrics.from_dict(
            {
                "coverage": {"level": 0.9, "one_step": one_step, "multistep": multistep, "ahead_widened": True},
                "info": {"n_test": n_test},
            }
        )
        assert verdict.coverage_note(widened) == note.replace(
            ", so a band ahead is likely too narrow too.",
            "; the band ahead is widened to the errors of forecasts from origins in the test part, but trust it less.",
        )


def _look_frame(n: int, dates: bool = True) -> pd.DataFrame:
    t = np.arange(n, dtype=np.float64)
    actual = 100 + 10 * np.sin(t / 6) + t
    one = actual + 1.0
    one[:12] = np.nan  # no window before look_back
    one[n // 2] = np.nan  # a hole breaks the line
    parts = np.where(t < 0.7 * n, "train", np.where(t < 0.8 * n, "val", "test"))
    time = pd.date_range("1949-01-01", periods=n, freq="MS") if dates else np.arange(n)
    return pd.DataFrame({"time": time, "actual": actual, "part": parts, "one_step": one})


def _path_points(svg: str) -> list[list[tuple[float, float]]]:
    import re

    return [[tuple(map(float, p.split(","))) for p in d[1:].split(" L")] for d in re.findall(r'<path d="([^"]+)"', svg)]


def test_the_first_look_sketch_draws_every_finite_point_in_the_frame_and_breaks_at_holes():
    from ui.figures import sketch

    pred = _look_frame(144)
    svg = sketch.overlay_svg(pred, "One-step predictions — first look", "%b %Y")
    paths = _path_points(svg)
    # actual: one run of 144 points; train fit: two runs around the hole at 72 (12..71, 73..100);
    # validation 101..115; test 116..143
    assert [len(p) for p in paths] == [144, 60, 28, 15, 28]
    xs = [x for p in paths for x, _ in p]
    ys = [y for p in paths for _, y in p]
    assert min(xs) >= 0 and max(xs) <= sketch.WIDTH and min(ys) >= 0 and max(ys) <= sketch.HEIGHT
    assert "Jan 1949" in svg and "Dec 1960" in svg and "test →" in svg and "validation" in svg
    assert "fit (train)" in svg and "one-step (test)" in svg


def test_the_first_look_sketch_of_a_long_series_is_decimated_and_labels_rows_without_dates():
    from ui.figures import sketch

    pred = _look_frame(5000, dates=False)
    svg = sketch.overlay_svg(pred, "first look", None)
    assert max(len(p) for p in _path_points(svg)) <= sketch.MAX_POINTS + 1
    assert ">0<" in svg and ">4999<" in svg  # the x axis: row numbers at the ends


def test_the_sketch_titles_its_value_axis_when_told_the_target():
    """The Experiments page paints a saved figure first as this picture: its value axis had no title where
    the interactive chart that replaces it names the target."""
    import re

    from ui.figures import sketch

    pred = _look_frame(144)
    plain = sketch.overlay_svg(pred, "first look", "%b %Y")
    titled = sketch.overlay_svg(pred, "first look", "%b %Y", y_title="Passengers <k>")
    assert "Passengers" not in plain and "rotate(-90" not in plain
    assert re.search(r'transform="rotate\(-90 [^"]+\)">Passengers &lt;k&gt;</text>', titled)
    # the plot moves right to make room: its leftmost point starts further in
    assert min(x for p in _path_points(titled) for x, _ in p) > min(x for p in _path_points(plain) for x, _ in p)


@pytest.mark.parametrize(("lo", "hi"), [(0.0, 1.0), (113.0, 640.0), (-0.003, 0.002), (1e6, 1.0000001e6)])
def test_nice_ticks_are_round_and_cover_the_range(lo, hi):
    from ui.figures import sketch

    ticks = sketch.nice_ticks(lo, hi)
    assert 3 <= len(ticks) <= 7
    assert ticks[0] >= lo and ticks[-1] <= hi and ticks[0] - (ticks[1] - ticks[0]) < lo
    steps = np.diff(ticks)
    np.testing.assert_allclose(steps, steps[0])
    mantissa = steps[0] / 10 ** np.floor(np.log10(steps[0]))
    assert any(np.isclose(mantissa, m) for m in (1, 2, 2.5, 5))


def test_the_memory_sweep_sketch_draws_each_cell_at_each_lag():
    from ui.figures import sketch

    rows = pd.DataFrame(
        {
            "cell": ["rnn"] * 3 + ["lstm"] * 3,
            "lag": [5, 25, 50] * 2,
            "accuracy": [1.0, 0.55, np.nan, 1.0, 1.0, 0.99],
        }
    )
    svg = sketch.memory_svg(rows, "Long-memory task")
    assert svg.count("<circle") == 5  # the missing RNN point is left out, not drawn at 0
    assert [len(p) for p in _path_points(svg)] == [2, 3]
    assert "chance (50%)" in svg and ">RNN<" in svg and ">LSTM<" in svg
    assert ">5<" in svg and ">25<" in svg and ">50<" in svg


def test_cells_are_named_as_people_read_them():
    from lstm_core.config import CELL_TYPES
    from ui import cell_picture
    from ui.figures.style import CELL_NAMES, cell_name

    assert [cell_name(c) for c in ("rnn", "lstm", "gru", "peephole", "cifg")] == [
        "RNN",
        "LSTM",
        "GRU",
        "Peephole LSTM",
        "CIFG LSTM",
    ]
    assert set(CELL_NAMES) == set(CELL_TYPES)  # every cell the app offers has its name
    svg = cell_picture.cell_svg("peephole", {})
    assert "Peephole LSTM cell" in svg and "PEEPHOLE" not in svg


@pytest.mark.parametrize("cell", ["lstm", "gru", "rnn"])
def test_the_cell_picture_says_when_its_input_slot_shows_the_first_of_several_inputs(cell):
    from ui import cell_picture

    one = cell_picture.cell_svg(cell, {"x0": 0.2, "x_n": 1.0})
    several = cell_picture.cell_svg(cell, {"x0": 0.2, "x_n": 3.0})
    sub_t = '<tspan baseline-shift="sub" font-size="72%">t</tspan>'
    assert f'x{sub_t} = <tspan data-k="x0">0.200</tspan>' in one
    assert f'x{sub_t}[1 of 3] = <tspan data-k="x0">0.200</tspan>' in several


def test_a_spike_the_loader_filled_in_is_not_called_a_value_as_given():
    from lstm_core.outliers import Spikes

    frame = pd.DataFrame({"v": np.r_[np.full(5, 10.0), 60.0, np.full(5, 10.0)]}, index=pd.RangeIndex(11, name="step"))
    spikes = Spikes(index=np.array([5]), given=np.array([60.0]), replaced=np.array([10.0]))
    filled = np.zeros(11, dtype=bool)
    filled[5] = True
    fig = plots.series_figure(frame, ["v"], spikes=spikes, filled=filled)
    mark = next(t for t in fig.data if t.name == "lone spike")
    assert list(mark.hovertext) == ["60 filled in; 10 for the networks"]
    plain = plots.series_figure(frame, ["v"], spikes=spikes)
    mark = next(t for t in plain.data if t.name == "lone spike (value as given)")
    assert list(mark.hovertext) == ["60 as given; 10 for the networks"]


def test_the_notes_count_the_observed_test_points_and_name_those_filled_in():
    m = RunMetrics.from_dict(
        {"coverage": {"level": 0.9, "one_step": 0.5, "multistep": 0.9}, "info": {"n_test": 12, "n_test_filled": 4}}
    )
    assert verdict.scored_points(m) == 8
    assert verdict.coverage_note(m).startswith("Of the 8 test points, the 90% interval held only 50% one step ahead")
    assert verdict.filled_note(m) == (
        "The test scores and coverage leave out the 4 test values the loader filled in (empty cells or missing "
        "timestamps), for every model alike; they count the 8 observed."
    )
    assert verdict.filled_note(RunMetrics.from_dict({"info": {"n_test": 12}})) is None


def test_a_forecast_past_the_test_span_is_said_to_be_untested():
    m = RunMetrics.from_dict({"info": {"n_points": 100, "test_start": 80}})
    assert verdict.untested_note(m, 20) is None
    assert verdict.untested_note(m, 21) == (
        "The verdict covers the 20-step test span; the 1 step past it was not tested, so trust it less."
    )
    assert verdict.untested_note(m, 48) == (
        "The verdict covers the 20-step test span; the 28 steps past it were not tested, so trust them less."
    )


def test_a_tie_with_a_baseline_is_no_win():
    """A series at 0 throughout its test part, forecast at 0: the verdict said the model "beats every
    baseline one step ahead (RMSE 0; best baseline naive 0)"."""
    m = {
        "test": {"rmse": 0.0},
        "test_multistep": {"rmse": 3.0},
        "baselines": {"naive": {"rmse": 0.0}, "holt_winters": {"rmse": 2.0}},
        "baselines_multistep": {"naive": {"rmse": 4.0}},
        "info": {"n_test": 12},
    }
    v = verdict.judge(RunMetrics.from_dict(m))
    assert v.level == "mixed" and v.one_step_winner == "naive"
    assert v.sentence.startswith(
        "Mixed: Naive (last value) does as well one step ahead (RMSE 0, the model's too), but "
    )


def test_a_verdict_writes_close_rmses_with_the_figures_that_tell_them_apart():
    """A series at 0 but for one value: "Naive (last value) is better over the 20-step test span (RMSE 1.565
    against the model's 1.565)"; a spike of 1e12 in the test part: "the model beats every baseline over the
    20-step test span (RMSE 223,600,000,000; best baseline Naive (last value) 223,600,000,000)"."""
    m = {
        "test": {"rmse": 2.236068e11},
        "test_multistep": {"rmse": 1.5651},
        "baselines": {"naive": {"rmse": 2.236069e11}},
        "baselines_multistep": {"naive": {"rmse": 1.56504}},
        "info": {"n_test": 20},
    }
    v = verdict.judge(RunMetrics.from_dict(m))
    assert "(RMSE 223,606,800,000; best baseline Naive (last value) 223,606,900,000, under 0.01% apart)" in v.sentence
    assert "(RMSE 1.565 against the model's 1.5651, under 0.01% apart)" in v.sentence
    m["test"]["rmse"], m["baselines"]["naive"]["rmse"] = 3.1, 3.619  # figures that differ keep four
    assert "(RMSE 3.1; best baseline Naive (last value) 3.619)" in verdict.judge(RunMetrics.from_dict(m)).sentence
    # the command line's summary writes the model and its baselines with the same figures (an equal one,
    # or a missing one, asks for none)
    assert verdict.figure_digits(1.5651, [2.2, 1.56504, float("nan"), 1.5651]) == 5


def test_a_loss_curve_of_one_epoch_is_marked():
    """Stopped at epoch 1, the loss chart showed bare axes: a line of one point draws nothing."""
    one = plots.loss_figure(np.array([1]), [4.5], [4.49])
    assert [t.mode for t in one.data] == ["lines+markers", "lines+markers"]
    assert {t.mode for t in plots.loss_figure(np.arange(1, 21), np.linspace(2, 1, 20)).data} == {"lines"}


def test_an_axis_of_whole_steps_is_ticked_at_whole_numbers():
    """five_numbers.csv (no dates) was drawn with ticks at 0, 0.5, 1 ... 4; an epoch axis alike.
    Dates and long step axes keep Plotly's own ticks."""
    five = plots.series_figure(pd.DataFrame({"value": [3.0, 5, 4, 6, 5]}))
    assert (five.layout.xaxis.tick0, five.layout.xaxis.dtick) == (0, 1)
    assert plots.loss_figure(np.arange(1, 4), [3.0, 2, 1], [3.0, 2.5, 2]).layout.xaxis.dtick == 1
    assert plots.series_figure(pd.DataFrame({"value": np.arange(30.0)})).layout.xaxis.dtick == 5  # 7 ticks

    # dates a day apart over a few days: whole days (a six-day file's chart ticked "00:00 12:00 ..."), a
    # fortnight at two days a tick; longer spans and hours keep Plotly's
    def days(n: int, freq: str = "D"):
        return plots.series_figure(
            pd.DataFrame({"v": np.arange(n, dtype=float)}, index=pd.date_range("2000-01-01", periods=n, freq=freq))
        )

    assert (days(6).layout.xaxis.dtick, days(6).layout.xaxis.tickformat) == (86_400_000, "%-d %b %Y")
    assert days(15).layout.xaxis.dtick == 2 * 86_400_000
    assert days(60).layout.xaxis.dtick is None and days(48, "h").layout.xaxis.dtick is None
    assert plots.series_figure(pd.DataFrame({"value": np.arange(200.0)})).layout.xaxis.dtick is None
    halves = plots.series_figure(pd.DataFrame({"value": [1.0, 2, 3]}, index=[0.0, 0.5, 1.0]))
    assert halves.layout.xaxis.dtick is None  # steps that are not whole numbers: Plotly's choice
    # the span of every dated trace: the future chart's 14 days ahead (its first trace) ticked the 42 days of
    # history beside them too, every two days, 28 labels a phone stood on end over each other
    n = 300
    pred = pd.DataFrame(
        {
            "time": pd.date_range("2023-01-01", periods=n, freq="D"),
            "actual": np.arange(n, dtype=float),
            "part": ["train"] * 200 + ["val"] * 40 + ["test"] * 60,
            "one_step": np.arange(n, dtype=float),
        }
    )
    ahead = pd.DataFrame(
        {
            "time": pd.date_range("2023-10-28", periods=14, freq="D"),
            "forecast": np.ones(14),
            "lower": np.zeros(14),
            "upper": np.full(14, 2.0),
        }
    )
    assert plots.future_figure(pred, ahead, title="14 days ahead").layout.xaxis.dtick is None


def test_a_spike_label_near_the_right_edge_or_a_marker_line_goes_on_its_left(run):
    """sp_weekly_volume.csv: the last spike's label ran past the chart's right edge ("3.2" for
    3.205) and another's over the "end of data" line; one with room keeps its label on the right."""
    from lstm_core.outliers import Spikes

    pred = run.predictions.copy()
    n, start = len(pred), int(run.prep.test_start)
    at = np.array([start + 5, n - 2])  # mid test span; one step before the end of the data
    spikes = Spikes(index=at, given=np.array([3.205e3, 3.232e3]), replaced=pred["actual"].to_numpy()[at])
    pred.loc[at, "actual"] = spikes.given

    def mark(fig):
        return next(t for t in fig.data if t.name == "lone spike (value as given)")

    overlay = mark(plots.overlay_figure(pred, spikes=spikes))
    assert list(overlay.textposition) == ["bottom right", "bottom left"]
    assert list(overlay.text) == [" 3205", "3232 "]  # the space between the marker and its label
    future = plots.future_figure(pred, run.future(40), context=40, spikes=spikes)  # end of data mid-chart
    assert list(mark(future).textposition) == ["bottom left"]  # only the late spike is in its span
    assert any(s.x0 == pred["time"].iloc[-1] for s in future.layout.shapes)  # the line it kept clear of
    close = Spikes(index=np.array([n - 12, n - 2]), given=np.array([3.232, 3.205]), replaced=np.zeros(2))
    # "3.2053.232": the label of a spike just before another put on the left goes on the left too
    assert [p.split()[1] for p in mark(plots.overlay_figure(pred, spikes=close)).textposition] == ["left", "left"]
    steps = pred.assign(time=np.arange(n))  # a series without dates
    assert list(mark(plots.residual_figure(steps, spikes=spikes)).textposition)[1].endswith("left")


def test_tiny_residuals_are_ticked_in_powers_of_ten_not_si_prefixes():
    """A run that forecast its series exactly (latecol.csv's 'b') drew its residual ticks as "5f",
    "−10f": Plotly's SI prefix femto. An axis of tiny values is ticked as 5×10⁻¹⁵; others keep theirs."""
    from ui.figures import series as plots

    n = 40
    pred = pd.DataFrame(
        {
            "time": np.arange(n),
            "actual": np.linspace(50.0, 60.0, n),
            "part": ["train"] * 30 + ["test"] * 10,
        }
    )
    exact = pred.assign(one_step=pred["actual"] - np.where(np.arange(n) % 3 == 0, 7e-15, -5e-15))
    assert plots.residual_figure(exact).layout.yaxis.exponentformat == "power"
    rough = pred.assign(one_step=pred["actual"] + np.sin(np.arange(n)))
    assert plots.residual_figure(rough).layout.yaxis.exponentformat is None


def test_a_seasonal_naive_that_is_the_naive_forecast_is_left_out_of_the_metrics_table():
    """US census population every ten years (no season) showed "Seasonal naive 19.57 / 66.1" under
    "Naive (last value) 19.57 / 66.1": the same forecast, read as a second, seasonal, reference."""
    from lstm_core.results import RunMetrics

    naive = {"rmse": 19.57, "mae": 18.53, "mase": 2.525}
    hw = {"rmse": 6.904, "mae": 6.183, "mase": 0.8425}

    def metrics(season, seasonal_one=naive):
        fitted = "Holt linear trend (additive trend, no season); fitted on 13 points, then fixed"
        return RunMetrics.from_dict(
            {
                "test": {"rmse": 6.393},
                "test_multistep": {"rmse": 14.09},
                "info": {"n_test": 6, "season": season, "cell": "lstm", "baseline_models": {"holt_winters": fitted}},
                "baselines": {"naive": naive, "seasonal_naive": seasonal_one, "holt_winters": hw},
                "baselines_multistep": {"naive": naive, "seasonal_naive": naive, "holt_winters": hw},
            }
        )

    no_season = metrics(None)
    assert tables.seasonal_naive_is_naive(no_season)
    table = tables.metrics_frame(no_season)
    assert list(table["model"]) == ["LSTM (this run)", "Naive (last value)", "Holt's linear trend"] * 2
    assert table.loc[table["model"] == "Naive (last value)", "RMSE"].tolist() == [19.57, 19.57]
    # a season, or a seasonal naive that scored otherwise: its own rows stay
    for kept in (metrics(12), metrics(None, {**naive, "rmse": 20.2})):
        assert not tables.seasonal_naive_is_naive(kept)
        assert list(tables.metrics_frame(kept)["model"]).count("Seasonal naive") == 2


def _census(fitted: str, season: int | None, model_rmse: float = 20.0) -> RunMetrics:
    """US census population every ten years, whose Holt-Winters baseline fitted ``fitted``."""
    hw, naive = {"rmse": 6.904, "mae": 6.183}, {"rmse": 19.57, "mae": 18.53}
    return RunMetrics.from_dict(
        {
            "test": {"rmse": model_rmse},
            "test_multistep": {"rmse": 3 * model_rmse},
            "info": {"n_test": 6, "season": season, "cell": "lstm", "baseline_models": {"holt_winters": fitted}},
            "baselines": {"naive": naive, "seasonal_naive": naive, "holt_winters": hw},
            "baselines_multistep": {"naive": {"rmse": 66.1}, "seasonal_naive": {"rmse": 66.1}, "holt_winters": hw},
        }
    )


def test_a_holt_winters_baseline_without_a_season_is_named_holts_linear_trend():
    """US census population every ten years: the table's row, and the verdict, said "Holt-Winters"
    (a seasonal model) for what fitted level and trend only, Holt's linear trend."""
    no_season = _census("Holt linear trend (additive trend, no season); fitted on 13 points, then fixed", None)
    assert verdict.holt_winters_name(no_season) == "Holt's linear trend"
    table = tables.metrics_frame(no_season)
    assert "Holt-Winters" not in set(table["model"]) and list(table["model"]).count("Holt's linear trend") == 2
    judged = verdict.judge(no_season)
    assert judged.multistep_winner == "holt_winters"  # the key stays: saved runs and the future chart use it
    assert "Holt's linear trend is better one step ahead (RMSE 6.904" in judged.sentence
    assert (
        "Prefer Holt's linear trend for a forecast ahead" in judged.sentence and "Holt-Winters" not in judged.sentence
    )
    assert verdict.label("holt_winters", no_season) == "Holt's linear trend"
    # the model wins: the best baseline it beat is named so too
    assert (
        "best baseline Holt's linear trend 6.904"
        in verdict.judge(_census(no_season.info.baseline_models["holt_winters"], None, 1.0)).sentence
    )


def test_a_holt_winters_baseline_is_named_for_what_it_fitted():
    seasonal = _census("Holt-Winters (additive trend, multiplicative season 12); fitted on 96 points, then fixed", 12)
    assert verdict.holt_winters_name(seasonal) == "Holt-Winters"
    assert "Holt-Winters" in set(tables.metrics_frame(seasonal)["model"])
    assert "Prefer Holt-Winters for a forecast ahead" in verdict.judge(seasonal).sentence
    # a season too long for two of them in the data: no seasonal component either
    short = _census("Holt linear trend (additive trend, no season); fallback: season 40 needs 80 points", 40)
    assert verdict.holt_winters_name(short) == "Holt's linear trend"
    flat = _census("Simple exponential smoothing (no trend, no season); fallback: ...", None)
    assert verdict.holt_winters_name(flat) == "Simple exponential smoothing"
    assert verdict.label("holt_winters") == "Holt-Winters"  # no run to say: the key's name


@pytest.mark.parametrize(
    ("freq", "fmt", "label"),
    [("QS", "Q%q %Y", "Q2 1961"), ("QE", "Q%q %Y", "Q2 1961"), ("MS", "%b %Y", "Feb 1961"), ("YS", "%Y", "1962")],
)
def test_hover_times_follow_the_datas_spacing_quarters_included(freq, fmt, label):
    """The unified hover's header read "Jan 1, 1961" for a monthly or a quarterly point; quarters
    now read as quarters (``Q2 1961``), months as months."""
    idx = pd.date_range("1961-01-01", periods=24, freq=freq)
    frame = pd.DataFrame({"y": np.arange(24.0)}, index=idx)
    fig = plots.series_figure(frame, ["y"])
    assert style.date_format(idx.to_numpy()) == fmt and fig.layout.xaxis.hoverformat == fmt
    assert style.date_text(idx[1], fmt) == label


@pytest.mark.parametrize(("start", "fmt"), [(0, "d"), (1871, "d"), (43831, ",d")])
def test_row_numbers_on_the_x_axis_read_as_whole_numbers(start, fmt):
    """A file numbering its rows from 43831 had its axis ticked "43.84k" (Plotly's SI prefixes)."""
    frame = pd.DataFrame({"y": np.arange(120.0)}, index=pd.RangeIndex(start, start + 120, name="step"))
    fig = plots.series_figure(frame, ["y"])
    assert fig.layout.xaxis.tickformat == fmt and fig.layout.xaxis.hoverformat == fmt


def test_errors_both_essentially_exact_are_a_tie_not_a_loss():
    """The generator's clean sine, trained with the defaults: "The model loses to the baselines: Holt-Winters
    is better one step ahead (RMSE 5.389e-15 against the model's 1.557e-10)": rounding against rounding."""
    m = {
        "test": {"rmse": 1.557e-10, "mae": 1.2e-10},
        "test_multistep": {"rmse": 3.1e-9, "mae": 2e-9},
        "baselines": {
            "naive": {"rmse": 0.0905, "mae": 0.08},
            "holt_winters": {"rmse": 5.389e-15, "mae": 4e-15},
        },
        "baselines_multistep": {"naive": {"rmse": 0.71, "mae": 0.6}, "holt_winters": {"rmse": 2.2e-14, "mae": 1e-14}},
        "info": {"n_test": 200},
    }
    v = verdict.judge(RunMetrics.from_dict(m))
    assert (v.level, v.multistep_winner, v.one_step_winner) == ("mixed", None, None)
    assert v.sentence == (
        "A tie: the model and Holt-Winters forecast this series essentially exactly, one step ahead (RMSE "
        "1.557e-10; Holt-Winters 5.389e-15) and over the 200-step test span forecast from its start (RMSE 3.1e-09; "
        "Holt-Winters 2.2e-14), their errors under a millionth of the largest baseline error. A series this "
        "regular cannot tell them apart; add noise or load real data to compare them."
    )
    assert verdict.mae_note(RunMetrics.from_dict(m)) is None
    # exact one step ahead but not over the span: the span decides, the tie is said as one
    m["test_multistep"]["rmse"], m["baselines_multistep"]["holt_winters"]["rmse"] = 0.5, 0.6
    v = verdict.judge(RunMetrics.from_dict(m))
    assert v.level == "mixed" and v.multistep_winner is None and v.one_step_winner == "holt_winters"
    assert v.sentence.startswith(
        "Mixed: Holt-Winters does as well one step ahead: both are essentially exact (RMSE 5.389e-15 and the "
        "model's 1.557e-10, under a millionth of the largest baseline error), but the model beats every baseline "
        "over the 200-step test span"
    )
    assert v.sentence.endswith(". Use this model for a forecast ahead.")  # which to use, not "Mixed" alone
    # a millionth is the line: ten times the rounding above it is an error, and the smaller one wins
    m["test"]["rmse"] = 2e-6 * 0.0905
    said = verdict.judge(RunMetrics.from_dict(m)).sentence
    assert said.startswith("Mixed: Holt-Winters is better one step ahead")
    assert said.endswith(". For the next step alone prefer Holt-Winters; for a forecast further ahead, this model.")


def test_the_split_marks_labels_hide_the_lines_behind_them():
    """Six validation points: the test part's dashed line ran through " validation" ("validati|on") and the
    data under it; each mark's label sits on the page's white, nearly opaque."""
    t = np.arange(240)
    actual = 50 + 10 * np.sin(2 * np.pi * t / 12)
    pred = pd.DataFrame(
        {
            "time": pd.date_range("1920-01-01", periods=240, freq="MS"),
            "actual": actual,
            "part": np.where(t < 200, "train", np.where(t < 206, "val", "test")),
            "one_step": actual,
        }
    )
    marks = {a.text.strip(): a for a in plots.overlay_figure(pred).layout.annotations}
    assert {"validation", "test →"} <= set(marks)
    for label in ("validation", "test →"):
        red, green, blue, alpha = (float(v) for v in marks[label].bgcolor.strip("rgba()").split(","))
        assert (red, green, blue) == (255, 255, 255) and alpha >= 0.8


def test_the_gradient_decay_chart_names_its_floor_where_a_line_lies_on_it():
    """At T=100 the RNN's line fell to 1e-30 and ran flat along it: students read a gradient that stops
    shrinking. The floor is marked and named where a line reaches it, and only there."""
    from lstm_core import teach
    from ui.figures.gates import gradient_decay_figure

    long = teach.gradient_decay(steps=100, hidden=8, seeds=2, forget_bias=2.0)
    assert (long.loc[long["cell"] == "rnn", "grad"] <= teach.DECAY_FLOOR * 1.001).any()
    fig = gradient_decay_figure(long)
    assert [a.text for a in fig.layout.annotations] == ["floor 1e-30: smaller values are drawn on it"]
    assert [s.y0 for s in fig.layout.shapes] == [teach.DECAY_FLOOR]
    short = teach.gradient_decay(steps=20, hidden=8, seeds=2, forget_bias=1.0)
    assert not (short["grad"] <= teach.DECAY_FLOOR * 1.001).any()
    assert not gradient_decay_figure(short).layout.shapes


def _long_pred(n: int = 10_000, n_test: int = 3_300, n_val: int = 700) -> pd.DataFrame:
    """A predictions frame of an hourly series with a daily cycle: train, validation, test parts."""
    t = np.arange(n)
    actual = 100 + 10 * np.sin(2 * np.pi * t / 24)
    part = np.array(["train"] * (n - n_val - n_test) + ["val"] * n_val + ["test"] * n_test)
    test = part == "test"
    return pd.DataFrame(
        {
            "time": pd.date_range("2024-01-01", periods=n, freq="h"),
            "actual": actual,
            "part": part,
            "one_step": actual + 0.5,
            "multistep": np.where(test, actual + 1.0, np.nan),
            "lower": np.where(test, actual - 3.0, np.nan),
            "upper": np.where(test, actual + 3.0, np.nan),
            "one_step_lower": np.where(test, actual - 2.0, np.nan),
            "one_step_upper": np.where(test, actual + 2.0, np.nan),
        }
    )


def test_a_long_series_charts_show_a_part_in_full_and_say_which():
    """10,000 hourly points thinned to 2,000 drew their daily cycle as a solid band: by default the Forecast
    page's charts show the last 500 points (the multi-step one its first 500 test steps) in full."""
    pred = _long_pred()
    assert plots.detail_spans(pred) == (plots.DETAIL_POINTS, plots.DETAIL_POINTS)
    assert plots.detail_spans(pred, whole=True) == (None, None)
    assert plots.detail_spans(_long_pred(2_500, 830, 170)) == (plots.DETAIL_POINTS, None)  # 878 multi-step: whole
    assert plots.detail_spans(_long_pred(1_500, 500, 100)) == (None, None)

    fig = plots.overlay_figure(pred, last=500)
    title = fig.layout.title.text
    assert "the last 500 of 10,000 points" in title and "decimated" not in title
    times = pred["time"].iloc[-500:]
    for trace in fig.data:
        xs = pd.to_datetime(pd.Series(trace.x))
        assert xs.min() >= times.iloc[0] and xs.max() <= times.iloc[-1]
    assert len(fig.data[0].x) == 500  # the actual values, every one
    assert not fig.layout.shapes  # the test part began before these rows: no "test →" at their left edge

    wider = plots.overlay_figure(pred, last=4_000)  # the test part begins inside: marked where it begins
    assert [pd.Timestamp(s.x0) for s in wider.layout.shapes] == [pred["time"].iloc[10_000 - 3_300]]

    ms = plots.multistep_figure(pred, steps=500)
    assert "the first 500 of 3,300 test steps" in ms.layout.title.text and "decimated" not in ms.layout.title.text
    forecast = next(t for t in ms.data if t.name == "multi-step forecast")
    assert len(forecast.x) == 500 and pd.Timestamp(forecast.x[0]) == pred["time"].iloc[6_700]
    actual = next(t for t in ms.data if t.name == "actual")
    assert len(actual.x) == plots.MULTISTEP_CONTEXT + 500

    res = plots.residual_figure(pred, last=500)
    assert "the last 500 of 10,000 points" in res.layout.title.text
    assert sum(len(t.x) for t in res.data if t.x is not None) == 500

    whole = plots.overlay_figure(pred)
    assert "decimated" in whole.layout.title.text and "the last" not in whole.layout.title.text
