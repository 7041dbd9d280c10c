"""Gate traces, saturation, memory spans, step-through numbers, per-epoch recording and gate figures."""

from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd
import pytest
import torch

from lstm_core import data as lcdata
from lstm_core import gates as gt
from lstm_core.callbacks import Callbacks
from lstm_core.cells import GATES, build_recurrent, replay
from lstm_core.cellspec import SPECS
from lstm_core.config import CELL_TYPES, ModelConfig, RunConfig
from lstm_core.pipeline import build_model, fit_run
from lstm_core.prep import prepare, window_x
from ui import cell_picture
from ui.figures import gates as gp
from ui.figures import style
from ui.figures.style import GATE_COLORS, SCALES


@pytest.fixture(scope="module")
def frame():
    return lcdata.load_csv(lcdata.DATASETS_DIR / "airline-passengers.csv").frame


def _model(frame, cell: str, layers: int = 2, hidden: int = 5):
    cfg = RunConfig()
    cfg.model.cell, cfg.model.hidden_size, cfg.model.num_layers = cell, hidden, layers
    prep = prepare(lcdata.Series(frame, season=12), cfg.data)
    return build_model(cfg, prep).eval(), prep


# ----------------------------------------------------------------------------- identities not in test_cells


def test_rnn_h_is_tanh_of_its_preactivation():
    torch.manual_seed(0)
    rec = build_recurrent(ModelConfig(cell="rnn", hidden_size=5, input_size=2)).eval()
    x = torch.randn(2, 20, 2)
    h = replay(rec, "rnn", x)[0]["h"]  # (T, B, H)
    prev = torch.zeros(2, 5)
    for t in range(20):
        with torch.no_grad():
            pre = x[:, t] @ rec.weight_ih_l0.T + rec.bias_ih_l0 + prev @ rec.weight_hh_l0.T + rec.bias_hh_l0
        torch.testing.assert_close(h[t], torch.tanh(pre), atol=1e-6, rtol=0)
        prev = h[t].clone()


def test_peephole_gates_follow_their_equations():
    torch.manual_seed(1)
    rec = build_recurrent(ModelConfig(cell="peephole", hidden_size=4, input_size=3)).eval()
    with torch.no_grad():
        rec.layers[0].peep.mul_(5.0)  # make the peepholes matter
    x = torch.randn(2, 15, 3)
    tr = replay(rec, "peephole", x)[0]
    m = rec.layers[0]
    h_prev, c_prev = torch.zeros(2, 4), torch.zeros(2, 4)
    with torch.no_grad():
        for t in range(15):
            a = x[:, t] @ m.weight_ih.T + h_prev @ m.weight_hh.T + m.bias
            ai, af, ag, ao = a.chunk(4, 1)
            i, f = torch.sigmoid(ai + m.peep[0] * c_prev), torch.sigmoid(af + m.peep[1] * c_prev)
            c = f * c_prev + i * torch.tanh(ag)
            o = torch.sigmoid(ao + m.peep[2] * c)  # the output gate sees the new cell state
            for name, v in (("i", i), ("f", f), ("c", c), ("o", o), ("h", o * torch.tanh(c))):
                torch.testing.assert_close(tr[name][t], v, atol=1e-6, rtol=0)
            h_prev, c_prev = tr["h"][t].clone(), tr["c"][t].clone()


# ----------------------------------------------------------------------------- traces


@pytest.mark.parametrize("cell", CELL_TYPES)
def test_trace_modes_match_the_model(frame, cell):
    model, prep = _model(frame, cell)
    series = gt.trace_run(model, prep, "series")
    assert len(series) == 2 and series[0].steps == prep.n - prep.offset
    assert set(series[1].values) == set(GATES[cell])
    target = int(gt.window_targets(prep)[-1])
    win = gt.trace_run(model, prep, "window", target)
    x = torch.as_tensor(window_x(prep, np.array([target])))
    with torch.no_grad():
        out, _ = model.rnn(x)
    np.testing.assert_allclose(win[-1].values["h"], out[0].numpy(), atol=1e-5)
    assert win[0].steps == prep.cfg.look_back and win[0].rows[-1] == target - 1


def test_window_mode_needs_a_target(frame):
    model, prep = _model(frame, "lstm", 1)
    with pytest.raises(ValueError, match="needs the index"):
        gt.trace_run(model, prep, "window")
    with pytest.raises(ValueError, match="Unknown mode"):
        gt.trace_run(model, prep, "sideways")


# ----------------------------------------------------------------------------- statistics


def test_saturation_fractions_on_a_hand_made_array():
    v = np.array([[0.05, 0.5], [0.95, 0.5], [0.5, 0.99], [0.01, 0.95]])  # (T=4, H=2)
    left, right = gt.saturation(v)
    np.testing.assert_allclose(left, [0.5, 0.0])
    np.testing.assert_allclose(right, [0.25, 0.5])
    left, right = gt.saturation(np.array([[-0.9], [0.0], [0.85], [0.7]]), "tanh")  # thresholds -0.8 / 0.8
    np.testing.assert_allclose(left, [0.25])
    np.testing.assert_allclose(right, [0.25])
    with pytest.raises(ValueError):
        gt.saturation(v, "state")


def test_saturation_frame_and_most_saturated(frame):
    model, prep = _model(frame, "lstm", 1, 4)
    tr = gt.trace_run(model, prep)[0]
    df = gt.saturation_frame(tr, "run A")
    assert set(df["gate"]) == {"i", "f", "g", "o", "h"}  # c is unbounded: no saturation
    assert len(df) == 5 * 4 and df[["left", "right"]].to_numpy().min() >= 0
    top = gt.most_saturated(df, 3)
    assert len(top) == min(3, int((df["saturated"] > 0).sum())) and top["saturated"].is_monotonic_decreasing


def test_most_saturated_names_only_units_that_saturate():
    """Twelve rows at 0.00 under "Most saturated units" named none of them."""
    df = pd.DataFrame(
        {
            "gate": ["i", "f", "o", "g"],
            "unit": [0, 1, 2, 3],
            "left": [0.5, 0.0, 0.0, 0.1],
            "right": [0.0, 0.0, 0.2, 0.0],
        }
    )
    df["saturated"] = df["left"] + df["right"]
    top = gt.most_saturated(df, 12)
    assert top["unit"].tolist() == [0, 2, 3]
    assert gt.most_saturated(df.assign(left=0.0, right=0.0, saturated=0.0), 12).empty


def test_memory_span_on_a_hand_made_forget_gate():
    np.testing.assert_allclose(gt.memory_span(np.array([0.5, 0.25, 0.9])), [1.0, 0.5, math.log(0.5) / math.log(0.9)])
    spans = gt.memory_span(np.array([0.0, 1.0]))
    assert spans[0] == 0.0 and np.isinf(spans[1])
    f = np.tile(np.array([0.5, 0.99, 0.8]), (10, 1))  # (T, H), constant per unit
    tr = gt.GateTrace(
        "lstm",
        0,
        "series",
        np.arange(10),
        np.arange(10),
        np.zeros((10, 1)),
        ["x"],
        np.zeros((10, 1)),
        {"i": f, "f": f, "g": f, "o": f, "c": f, "h": f},
    )
    mem = gt.memory_frame(tr)
    assert list(mem["unit"]) == [1, 2, 0]
    np.testing.assert_allclose(mem["span"], [math.log(0.5) / math.log(0.99), math.log(0.5) / math.log(0.8), 1.0])
    gru = gt.GateTrace(
        "gru",
        0,
        "series",
        np.arange(10),
        np.arange(10),
        np.zeros((10, 1)),
        ["x"],
        np.zeros((10, 1)),
        {"r": 1 - f, "z": f, "n": f, "h": f},
    )
    assert gt.memory_frame(gru)["gate"].iloc[0] == "z"  # GRU: z is the keep gate
    assert gt.memory_frame(
        gt.GateTrace(
            "rnn", 0, "series", np.arange(10), np.arange(10), np.zeros((10, 1)), ["x"], np.zeros((10, 1)), {"h": f}
        )
    ).empty


# ----------------------------------------------------------------------------- step-through


@pytest.mark.parametrize("cell", CELL_TYPES)
def test_step_detail_equals_the_replay(frame, cell):
    model, prep = _model(frame, cell)
    if cell == "peephole":
        with torch.no_grad():
            for layer in model.rnn.layers:
                layer.peep.mul_(4.0)
    for tr in gt.trace_run(model, prep):
        for t in (0, 1, 17, tr.steps - 1):
            for u in range(tr.units):
                d = gt.step_detail(model, tr, t, u)
                assert d.h == pytest.approx(float(tr.values["h"][t, u]), abs=1e-5)
                for name, g in d.gates.items():
                    if name in tr.values:
                        assert g.value == pytest.approx(float(tr.values[name][t, u]), abs=1e-5), name
                    if g.act != "1-f":
                        assert g.pre == pytest.approx(g.wx + g.wh + g.bias + g.peep, abs=1e-12)
                if d.c is not None:
                    assert d.c == pytest.approx(float(tr.values["c"][t, u]), abs=1e-5)
                    assert d.c_prev == (0.0 if t == 0 else pytest.approx(float(tr.values["c"][t - 1, u]), abs=1e-7))
    lines = gt.step_equations(d)
    assert lines and all(isinstance(s, str) for s in lines)
    assert f"{d.h:.3f}".replace("-0.000", "0.000") in lines[-1]


def test_step_detail_checks_its_range(frame):
    model, prep = _model(frame, "gru", 1)
    tr = gt.trace_run(model, prep)[0]
    with pytest.raises(ValueError, match="outside the trace"):
        gt.step_detail(model, tr, tr.steps, 0)
    with pytest.raises(ValueError, match="outside the layer"):
        gt.step_detail(model, tr, 0, 99)


# ----------------------------------------------------------------------------- per-epoch recording


def test_fit_run_records_gate_history_and_live_snapshots(frame):
    cfg = RunConfig()
    cfg.model.cell, cfg.model.hidden_size = "cifg", 4
    cfg.train.epochs, cfg.train.patience, cfg.train.record_gates, cfg.train.device = 3, None, True, "cpu"
    recorders, seen = [], []

    def on_epoch(stats):
        rec = recorders[0]
        seen.append((stats.epoch, rec.epoch, len(rec.get_history())))

    run = fit_run(
        lcdata.Series(frame, season=12), cfg, callbacks=Callbacks(on_epoch=on_epoch, on_gates=recorders.append)
    )
    assert seen == [(1, 1, 2), (2, 2, 3), (3, 3, 4)]  # recorded before the job hears of the epoch
    assert [e["epoch"] for e in run.gate_history] == [0, 1, 2, 3]
    layer0 = run.gate_history[-1]["layers"][0]
    assert set(layer0) == {"f", "g", "o", "h"} and layer0["f"]["mean"].shape == (4,)
    assert len(recorders) == 1
    epoch, snap = recorders[0].snapshot()
    assert epoch == 3 and snap is not run.model and not snap.training
    hist = gt.history_frame(run.gate_history)
    assert set(hist["epoch"]) == {0, 1, 2, 3}
    sat = gt.epoch_saturation_frame(run.gate_history[-1], 0)
    assert list(sat.columns) == ["gate", "unit", "left", "right", "saturated", "mean"]
    assert len(sat) == 4 * 4 and np.allclose(sat["saturated"], sat["left"] + sat["right"])


def test_record_gates_off_keeps_no_history(frame):
    cfg = RunConfig()
    cfg.model.hidden_size, cfg.train.epochs, cfg.train.device = 3, 1, "cpu"
    cfg.train.record_gates = False
    run = fit_run(lcdata.Series(frame, season=12), cfg)
    assert run.gate_history == []


# ----------------------------------------------------------------------------- figures


def test_bucket_time_mean_and_maxabs():
    v = np.arange(10, dtype=np.float32)[:, None] * np.array([[1.0, -1.0]], dtype=np.float32)  # (10, 2)
    agg, starts, k = gp.bucket_time(v, max_cols=4)
    assert k == 3 and list(starts) == [0, 3, 6, 9]
    np.testing.assert_allclose(agg[:, 0], [1, 4, 7, 9])
    agg, _, _ = gp.bucket_time(v, max_cols=4, how="maxabs")
    np.testing.assert_allclose(agg[:, 1], [-2, -5, -8, -9])
    same, _, k1 = gp.bucket_time(v, max_cols=100)
    assert k1 == 1 and same.shape == (10, 2)


def test_heatmap_figure_aggregates_long_traces_and_says_so():
    t, h = 5000, 8
    rng = np.random.default_rng(0)
    vals = {n: rng.uniform(0, 1, (t, h)).astype(np.float32) for n in GATES["lstm"]}
    tr = gt.GateTrace(
        "lstm", 0, "series", np.arange(t), np.arange(t), rng.normal(size=(t, 1)), ["y"], rng.normal(size=(t, 1)), vals
    )
    fig = gp.heatmap_figure(tr, unit=3, step=100)
    heat = [d for d in fig.data if d.type == "heatmap"]
    assert len(heat) == 6 and all(np.asarray(d.z).shape == (h, 1667) for d in heat)
    assert "mean of 3 steps" in fig.layout.title.text
    # and where a column is read: its hover named one step, its centre's, for a mean of three
    assert all("(mean of 3 steps)" in d.hovertemplate for d in heat)
    wide = gp.heatmap_figure(tr, how="maxabs")
    assert all("(largest |value| of 3 steps)" in d.hovertemplate for d in wide.data if d.type == "heatmap")
    few = {n: v[:50] for n, v in vals.items()}
    x50 = rng.normal(size=(50, 1))
    short = gp.heatmap_figure(gt.GateTrace("lstm", 0, "series", np.arange(50), np.arange(50), x50, ["y"], x50, few))
    assert not any("steps)" in d.hovertemplate for d in short.data if d.type == "heatmap")
    for d in fig.data:
        arr = np.asarray(d.z if d.type == "heatmap" else d.y, dtype=np.float64)
        assert np.isfinite(arr).all()


@pytest.mark.parametrize("cell", CELL_TYPES)
def test_every_cell_has_a_diagram(frame, cell):
    model, prep = _model(frame, cell, 1, 3)
    tr = gt.trace_run(model, prep)[0]
    d = gt.step_detail(model, tr, 5, 1)
    walk = gt.unit_walk(model, tr, 1)
    values = {k: float(v[5]) for k, v in cell_picture.walk_values(walk).items()}
    svg = cell_picture.cell_svg(cell, values)
    slots = dict(re.findall(r'<tspan data-k="([\w.]+)">([^<]*)</tspan>', svg))
    assert slots["h"] == cell_picture.fmt(d.h) and slots["h_prev"] == cell_picture.fmt(d.h_prev)
    assert svg.count("<path") >= 4 and svg.count("data-fill=") >= len(d.gates) - int(cell == "cifg")
    eqs = [cell_picture.render_template(t, values) for t in cell_picture.equation_templates(cell)]
    assert "—" not in " ".join(eqs) and eqs[-1].endswith(f"<b>{cell_picture.fmt(d.h)}</b>")
    sat = gp.saturation_figure([("a", gt.saturation_frame(tr)), ("b", gt.saturation_frame(tr))])
    assert len(sat.layout.annotations) >= 2
    mem = gt.memory_frame(tr)
    fig = gp.memory_figure(mem, cell, 12)
    if cell != "rnn":  # a plain RNN has no keep gate: the figure says so instead of drawing bars
        bars = fig.data[0]
        # colour strings, not numbers on a scale (plotly.js logs a warning per numeric bar colour)
        assert len(bars.marker.color) == len(mem) and all(c.startswith("rgb") for c in bars.marker.color)
    gp.unit_figure(tr, 1, 5)


# ----------------------------------------------------------------------------- one spec, every view


@pytest.mark.parametrize("cell", CELL_TYPES)
def test_spec_names_are_what_traces_statistics_and_figures_show(frame, cell):
    """The cell spec's trace names, in order, are what trace_run reports, what the saturation
    and the per-epoch summary cover (the bounded ones), what the heatmaps and the unit figure
    title (with colours and colour scales), and what the step-through lists."""
    cs = SPECS[cell]
    model, prep = _model(frame, cell, 1, 3)
    tr = gt.trace_run(model, prep)[0]
    assert tuple(tr.values) == tr.names == cs.traces
    assert gt.saturating_gates(cell) == cs.saturating
    assert tuple(gt.saturation_frame(tr)["gate"].unique()) == cs.saturating
    summary = gt.gate_summary(replay(model.rnn, cell, torch.randn(2, 7, prep.features.shape[1])))
    assert tuple(summary[0]) == cs.saturating
    titles = [a.text for a in gp.heatmap_figure(tr).layout.annotations]
    assert titles == [gp.INPUT_TITLE] + [gt.GATE_TITLES[n] for n in cs.traces]
    unit_titles = [a.text for a in gp.unit_figure(tr, 0).layout.annotations]
    assert unit_titles == [gp.INPUT_TITLE] + [f"{gt.GATE_TITLES[n]} — unit 1" for n in cs.traces]  # from 1
    assert all(n in GATE_COLORS and gt.gate_kind(n) in SCALES for n in cs.traces)
    d = gt.step_detail(model, tr, 3, 0)
    assert tuple(d.gates) == (("i",) if cs.coupled_input else ()) + cs.gates
    assert tuple(d.peep) == cs.peepholes
    assert (d.c is None) == ("c" not in cs.state)
    assert gt.KEEP_GATE.get(cell) == cs.keep_gate
    if cs.keep_gate is not None:
        assert gt.memory_frame(tr)["gate"].iloc[0] == cs.keep_gate


def test_step_equations_need_the_cell_state_of_an_lstm(frame):
    model, prep = _model(frame, "lstm", 1, 3)
    d = gt.step_detail(model, gt.trace_run(model, prep)[0], 2, 1)
    d.c = None
    with pytest.raises(ValueError, match="no c_t"):
        gt.step_equations(d)


@pytest.mark.parametrize("cell", CELL_TYPES)
def test_unit_walk_is_step_detail_at_every_step(frame, cell):
    """The batched walk (what the browser steps through) equals the one-step recomputation."""
    model, prep = _model(frame, cell, 2, 4)
    tr = gt.trace_run(model, prep)[1]
    walk = gt.unit_walk(model, tr, 2)
    assert walk.steps == tr.steps and tuple(walk.gates) == tuple(gt.step_detail(model, tr, 0, 2).gates)
    for t in (0, 1, tr.steps // 2, tr.steps - 1):
        d = gt.step_detail(model, tr, t, 2)
        assert walk.h[t] == pytest.approx(d.h, abs=1e-9) and walk.h_prev[t] == pytest.approx(d.h_prev, abs=1e-9)
        if d.c is not None:
            assert walk.c is not None and walk.c_prev is not None
            assert walk.c[t] == pytest.approx(d.c, abs=1e-9) and walk.c_prev[t] == pytest.approx(d.c_prev, abs=1e-9)
        for n, g in d.gates.items():
            got = {k: float(v[t]) for k, v in walk.gates[n].items()}
            want = {"wx": g.wx, "wh": g.wh, "bias": g.bias, "peep": g.peep, "pre": g.pre, "value": g.value}
            if g.hn is not None:
                want["hn"] = g.hn
            assert got == pytest.approx(want, abs=1e-9), (n, t)
    with pytest.raises(ValueError, match="outside the layer"):
        gt.unit_walk(model, tr, 4)


@pytest.mark.parametrize(
    ("freq", "fmt", "first"),
    [
        ("MS", "%b %Y", "Jan 1950"),
        ("QS", "Q%q %Y", "Q1 1950"),
        ("YS", "%Y", "1950"),
        ("D", "%d %b %Y", "1 Jan 1950"),
        (None, None, "row 3"),
    ],
)
def test_time_axis_reads_as_dates_by_frequency(freq, fmt, first):
    """Dates on every x axis and hover, formatted by the spacing (never 1950-01-01T00:00:00.000000);
    without dates the x axis is the step number, the same numbering as Step-through's counter."""
    t = 30
    time = pd.date_range("1950-01-01", periods=t, freq=freq).values if freq else np.arange(3, 3 + t)
    vals = {n: np.full((t, 2), 0.5, np.float32) for n in GATES["lstm"]}
    tr = gt.GateTrace("lstm", 0, "series", np.arange(3, 3 + t), time, np.zeros((t, 1)), ["y"], np.zeros((t, 1)), vals)
    assert gp.date_format(tr.time) == fmt and gp.time_labels(tr)[0] == first
    fig = gp.heatmap_figure(tr, original=("y (units)", np.arange(t, dtype=float)))
    heat = [d for d in fig.data if d.type == "heatmap"]
    assert fig.data[0].name == "y (units)" and fig.layout.annotations[0].text == "y (units)"
    if fmt:
        assert fig.layout.xaxis.type == "date" and fig.layout.xaxis.tickformat == fmt
        assert f"%{{x|{fmt}}}" in heat[0].hovertemplate
    else:
        assert (
            list(heat[0].x) == list(range(1, t + 1))  # steps counted from 1, as the stepper counts them
            and fig.layout[f"xaxis{len(fig.layout.annotations)}"].title.text == "step (1 … 30)"
        )
    assert heat[0].colorbar.ticktext == ("0 closed", "0.5", "1 open")


def test_saturation_panels_side_by_side_keep_their_run_labels_apart():
    """Four runs compared on the Gates page: each panel's label wraps to its share of the width and
    the top margin grows by the extra lines (the labels ran into one another and into the figure's
    title); the figure's title stays at the top, below the toolbar's band; one run keeps one line."""
    frame = pd.DataFrame({"gate": ["i", "h"], "unit": [0, 0], "left": [0.1, 0.0], "right": [0.0, 0.2]})
    label = "peephole h12 on airline passengers (bundled) — finished (shared, read-only)"
    one = gp.saturation_figure([(label, frame)])
    four = gp.saturation_figure([(label, frame)] * 4)
    assert [a.text for a in one.layout.annotations] == [label]
    titles = [a.text for a in four.layout.annotations if a.text != ""]
    assert len(titles) == 4
    width = gp.SATURATION_TITLE_CHARS // 4
    for text in titles:
        lines = text.split("<br>")
        assert " ".join(lines) == label and max(map(len, lines)) <= width
    lines = titles[0].count("<br>") + 1
    assert four.layout.margin.t == one.layout.margin.t + 24 * (lines - 1)
    assert four.layout.title.yref == "container" and four.layout.title.yanchor == "top"
    assert all(four.layout[f"xaxis{k}"].title.text == "left-saturated (< 0.1)" for k in range(1, 5))


@pytest.mark.parametrize("cell", ["lstm", "peephole", "cifg"])
def test_step_equations_list_one_number_per_term_they_name(frame, cell):
    """Each gate's bracket lists a number for every term its symbols name (a peephole gate's p ⊙ c
    too, though it is 0 at t = 0 where c_(t-1) = 0), and the numbers add up to the shown sum."""
    model, prep = _model(frame, cell, 1, 3)
    tr = gt.trace_run(model, prep)[0]
    for t in (0, 4):
        d = gt.step_detail(model, tr, t, 1)
        for line in gt.step_equations(d):
            m = re.match(r"(\w)_t = \\sigma\((.*?)\) = \\sigma\(([^()]*)\) = \\sigma\(([-\d.]+)\)", line)
            if m is None:
                continue
            gate, symbols, numbers = m.group(1), m.group(2), m.group(3)
            terms = 3 + (gate in SPECS[cell].peepholes)
            assert symbols.count(" + ") + 2 == terms, line  # W [h, x] is two numbers: W·x and W·h
            shown = [float(v.strip("()")) for v in numbers.split(" + ")]
            assert len(shown) == terms, (t, line)
            assert sum(shown) == pytest.approx(float(m.group(4)), abs=0.5e-3 * (terms + 1)), line


@pytest.mark.parametrize("cell", CELL_TYPES)
def test_bracket_hint_lists_the_parts_in_the_order_the_equations_print_them(cell):
    """The legend under the diagram's equations names each bracket's numbers in the order the
    templates print them (the LSTM family writes W [h, x], h first, but prints the input part first)."""
    part_slot = {"input": "wx", "recurrent": "wh", "bias": "b", "peephole": "p"}
    hint = cell_picture.bracket_hint(cell)
    main, _, n_part = hint.partition("; in n:")
    said = [w for w in re.findall(r"\((\w+)", main) if w in part_slot]
    for line in cell_picture.equation_templates(cell):
        gate = re.match(r"(\w)<sub>", line).group(1)
        slots = re.findall(r"\{" + gate + r"\.(wx|wh|b|p)(?:\|p)?\}", line)
        if not slots:
            continue  # h = o·tanh(c), c = f·c + i·g, CIFG's i = 1 − f: no bracket
        if cell == "gru" and gate == "n":
            assert slots == ["wx", "b"] and "{r}·{n.hn|p}" in line and re.search(r"\(input.*\(bias.*r ·", n_part)
            continue
        want = [part_slot[w] for w in said if w != "peephole" or gate in SPECS[cell].peepholes]
        assert want == slots, (line, hint)
    assert ("peephole" in hint) == bool(SPECS[cell].peepholes)
    if SPECS[cell].peepholes:
        assert re.search(r"peephole part p·c, in (.*)\)", hint).group(1) == ", ".join(SPECS[cell].peepholes)


def test_every_unit_a_person_reads_is_counted_from_1_as_on_the_learn_page():
    """The Gates page numbered units 0..H-1 where the Learn page numbers them 1..H: the heatmaps' rows
    (axis and hover), the picked unit's box, the unit figure's titles, the saturation hover and the
    memory bars now read 1..H; the unit arguments and the engine's frames stay 0-based."""
    from ui import gates_view as gv

    t, h = 30, 3
    rng = np.random.default_rng(0)
    vals = {n: rng.uniform(0, 1, (t, h)).astype(np.float32) for n in GATES["lstm"]}
    tr = gt.GateTrace("lstm", 0, "series", np.arange(t), np.arange(t), np.zeros((t, 1)), ["y"], np.zeros((t, 1)), vals)
    fig = gp.heatmap_figure(tr, unit=0)
    heat = [d for d in fig.data if d.type == "heatmap"]
    assert all(list(d.y) == [1, 2, 3] and "unit %{y}" in d.hovertemplate for d in heat)
    # the box around unit index 0 is drawn on the row labelled 1
    assert {(s.y0, s.y1) for s in fig.layout.shapes if s.type == "rect"} == {(0.5, 1.5)}
    unit = gp.unit_figure(tr, 2)
    assert unit.layout.title.text.startswith("Unit 3 of layer 1")  # layers from 1 too (the trace's layer 0)
    assert gp.heatmap_figure(tr).layout.title.text.startswith("LSTM layer 1: gates over time")
    assert all(a.text.endswith("— unit 3") for a in unit.layout.annotations[1:])
    assert np.allclose(unit.data[-1].y, vals[tr.names[-1]][:, 2])  # the data of unit index 2
    sat_frame = gt.saturation_frame(tr)
    sat = gp.saturation_figure([("a", sat_frame)])
    shown = sorted({int(u) for d in sat.data if d.customdata is not None for u in d.customdata})
    assert shown == [1, 2, 3] and sorted(sat_frame["unit"].unique()) == [0, 1, 2]
    mem = gt.memory_frame(tr)
    bars = gp.memory_figure(mem, "lstm")
    assert list(bars.data[0].x) == [f"u{u + 1}" for u in mem["unit"]] and set(bars.data[0].x) == {"u1", "u2", "u3"}
    assert list(gv.units_from_one(mem)["unit"]) == [u + 1 for u in mem["unit"]]
    assert list(mem["unit"]) != list(gv.units_from_one(mem)["unit"])  # the engine's frame is left as it was


@pytest.mark.parametrize("hidden", [1, 3, 10, 256])
def test_heatmap_unit_axes_tick_whole_units(hidden):
    """Hidden size 1: the unit axis read −0.5, 0, 0.5 (units half-way between units); a small layer
    gets a tick per unit, a large one plotly's own (whole numbers at that range)."""
    t = 20
    vals = {n: np.full((t, hidden), 0.5, np.float32) for n in GATES["gru"]}
    tr = gt.GateTrace("gru", 0, "series", np.arange(t), np.arange(t), np.zeros((t, 1)), ["y"], np.zeros((t, 1)), vals)
    fig = gp.heatmap_figure(tr)
    rows = [f"yaxis{r}" for r in range(2, 2 + len(vals))]  # under the input panel
    for key in rows:
        axis = fig.layout[key]
        assert axis.title.text == "unit"
        if hidden <= 10:
            assert (axis.tickmode, axis.tick0, axis.dtick) == ("linear", 1, 1), key  # units counted from 1
        else:
            assert axis.dtick is None


def test_several_inputs_are_named_in_their_lines_colours():
    """A target and two input columns: three lines in the input panel and no legend (the figures hide
    it), so which was which could not be read; the panel's title names each in its colour."""
    t = 12
    vals = {n: np.full((t, 2), 0.5, np.float32) for n in GATES["lstm"]}
    feats = ["demand", "temp", "<b>x</b>"]
    tr = gt.GateTrace("lstm", 0, "series", np.arange(t), np.arange(t), np.zeros((t, 3)), feats, np.zeros((t, 1)), vals)
    for fig in (gp.heatmap_figure(tr), gp.unit_figure(tr, 0)):
        title = fig.layout.annotations[0].text
        assert title.startswith(gp.INPUT_TITLE + ": ")
        lines = [d for d in fig.data if d.name and d.name.startswith("input: ")]
        assert len(lines) == 3
        for d, name in zip(lines, ["demand", "temp", "&lt;b&gt;x&lt;/b&gt;"]):
            assert f"<span style='color:{d.line.color}'>{name}</span>" in title
    one = gt.GateTrace("lstm", 0, "series", np.arange(t), np.arange(t), np.zeros((t, 1)), ["y"], np.zeros((t, 1)), vals)
    assert gp.heatmap_figure(one).layout.annotations[0].text == gp.INPUT_TITLE  # one line needs no names


def test_the_during_training_title_wraps_to_the_charts_width():
    """'How the gates changed while the model learned (fixed probe of training windows)' ran past the
    full-width chart at 1024 px beside the sidebar; wrapped at 56 characters and again at presenting's
    40, it broke as '...while the model / learned (fixed / probe of training windows)', its last line over
    the panel's title. It is two lines of its own that fit both, above the panels' titles."""
    hist = pd.DataFrame(
        [
            {"gate": g, "epoch": e, "mean": 0.5 + 0.01 * e, "left": 0.1, "right": 0.05}
            for g in ("i", "f", "o")
            for e in range(5)
        ]
    )
    fig = gp.evolution_figure(hist, epoch=4, kept=3)
    assert fig.layout.title.text == gp.EVOLUTION_TITLE
    assert fig.layout.title.text.split("<br>") == [
        "How the gates changed during training",
        "<span style='font-size:0.75em'>on a fixed probe of training windows</span>",
    ]
    presented = style.presenter_figure(fig)
    for f, limit, size in ((fig, gp.EVOLUTION_TITLE_CHARS, 17), (presented, style.PRESENTER_TITLE_CHARS, 27)):
        assert f.layout.title.text == gp.EVOLUTION_TITLE  # no line wrapped again
        assert style.wrap_title(gp.EVOLUTION_TITLE, limit) == gp.EVOLUTION_TITLE
        assert f.layout.title.yref == "container" and f.layout.title.yanchor == "top"
        # room for both lines and, under them, the panels' own titles
        panel = max(a.font.size or style.PANEL_TITLE_PX for a in f.layout.annotations if a.yanchor == "bottom")
        assert f.layout.margin.t >= 8 + 2 * size * 1.3 + 1.5 * panel


def test_undated_steps_are_labelled_with_the_files_own_row_numbers():
    """A file numbering its rows from 100: the stepper's label names row 103 where the Forecast
    page's axis has it, not the position 3 it has in the series."""
    t = 5
    vals = {n: np.full((t, 2), 0.5, np.float32) for n in GATES["lstm"]}
    rows = np.arange(3, 3 + t)
    tr = gt.GateTrace("lstm", 0, "series", rows, rows + 100, np.zeros((t, 1)), ["y"], np.zeros((t, 1)), vals)
    assert gp.time_labels(tr) == ["row 103", "row 104", "row 105", "row 106", "row 107"]


def test_the_saturated_share_during_training_is_drawn_from_zero():
    """No unit saturated at any epoch: Plotly centred the flat line at 0 on an axis from -1 to 1, a
    share below 0 that cannot be."""
    rows = [{"gate": g, "epoch": e, "mean": 0.5, "left": 0.0, "right": 0.0} for g in ("i", "f", "o") for e in range(5)]
    flat = gp.evolution_figure(pd.DataFrame(rows))
    assert list(flat.layout.yaxis2.range) == [0, 0.05] and flat.layout.yaxis2.tickformat == ".0%"
    rows = [{**r, "left": 0.6, "right": 0.3} for r in rows]  # 90% saturated: the axis ends at 100%
    assert list(gp.evolution_figure(pd.DataFrame(rows)).layout.yaxis2.range) == [0, 1.0]
