"""AppTest for the Gates and Learn pages: they render, and a tiny run from the registry shows heatmaps.

The finished runs come from a fast fake registry (``tests/fakes.py``: tiny pre-built runs with the
submitted cell and layers); the live-snapshot test trains for real on a registry of its own.
"""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from lstm_core import data as lcdata
from lstm_core.cells import GATES
from lstm_core.config import RunConfig
from lstm_core.job_status import JobStatus
from lstm_core.jobs import JobRegistry
from tests import fakes
from ui import gates_view as gv
from ui.cell_picture import equation_templates, fmt

ROOT = Path(__file__).resolve().parents[1]
TIMEOUT = 60


def new_app() -> AppTest:
    return AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)


def no_errors(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def chart_specs(at: AppTest) -> list[dict]:
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]


def stepper_data(at: AppTest) -> dict:
    """The data the Step-through's in-browser stepper gets (a custom component v2, no iframe):
    ``{"html": its markup at the start step, "payload": every step's numbers}``."""
    assert not at.get("iframe"), "an iframe on the page (Chromium warns about Streamlit's iframes)"
    mounts = [e.proto for e in at.get("bidi_component") if e.proto.component_name == "lstm_lab_stepper"]
    assert len(mounts) == 1, mounts
    return json.loads(mounts[0].json)


def svg_images(at: AppTest) -> list[str]:
    """The SVG pictures drawn with st.image (data URLs), decoded."""
    out = []
    for e in at.get("image"):
        for img in e.proto.imgs:
            if img.url.startswith("data:image/svg+xml;base64,"):
                out.append(base64.b64decode(img.url.split(",", 1)[1]).decode())
    return out


def tiny_cfg(cell: str) -> RunConfig:
    cfg = RunConfig()
    cfg.model.cell, cfg.model.hidden_size, cfg.model.num_layers = cell, 6, 2
    cfg.train.epochs, cfg.train.patience, cfg.train.record_gates = 3, None, True
    cfg.train.device = "cpu"
    return cfg


@pytest.fixture(scope="module")
def trained():
    """An app session whose owner has two finished tiny runs (LSTM and GRU) from the (fake) registry."""
    from ui import state

    with fakes.fake_registry():
        at = new_app().run()
        no_errors(at)
        frame = lcdata.load_csv(lcdata.DATASETS_DIR / "airline-passengers.csv").frame
        reg = state.registry()
        ids = [
            reg.submit(lcdata.Series(frame, season=12), tiny_cfg(c), owner=at.session_state["owner"], label=f"tiny {c}")
            for c in ("lstm", "gru")
        ]
        for jid in ids:
            snap = reg.wait(jid, timeout=60)
            assert snap is not None and snap.status == JobStatus.FINISHED, snap and snap.message
        yield at, ids


def test_pages_render_without_a_run():
    at = new_app().run()
    at.switch_page("pages/gates.py").run()
    no_errors(at)
    assert at.title[0].value == "Gates"
    assert any("No trained model yet" in i.value for i in at.info)
    at.switch_page("pages/learn.py").run()
    no_errors(at)
    assert at.title[0].value == "Learn"


def test_heatmaps_of_a_registry_run(trained):
    at, ids = trained
    at.switch_page("pages/gates.py").run()
    no_errors(at)
    specs = chart_specs(at)
    heat = [t for s in specs for t in s["data"] if t["type"] == "heatmap"]
    shown = at.selectbox(key="gates_run").value
    assert shown in ids
    expected = {ids[0]: ["i", "f", "g", "o", "c", "h"], ids[1]: ["r", "z", "n", "h"]}[shown]
    assert [t["name"] for t in heat] == expected
    at.selectbox(key="gates_run").set_value(ids[1]).run()  # the GRU
    no_errors(at)
    heat = [t["name"] for s in chart_specs(at) for t in s["data"] if t["type"] == "heatmap"]
    assert heat == ["r", "z", "n", "h"]
    # layers read from 1, as units do; the URL keeps the 0-based index
    assert at.selectbox(key="gates_layer").options == ["1", "2"]
    at.selectbox(key="gates_layer").set_value(1).run()
    no_errors(at)
    assert at.query_params["layer"] == "1" and at.selectbox(key="gates_layer").format_func(1) == "2"
    assert "layer 2: gates over time" in chart_specs(at)[0]["layout"]["title"]["text"]


def heatmap_names(at: AppTest) -> list[str]:
    return [t["name"] for s in chart_specs(at) for t in s["data"] if t["type"] == "heatmap"]


def test_gates_chosen_for_one_cell_do_not_hide_another_cells_gates(trained):
    """Gates picked on an LSTM run stay picked on it; a GRU run opened next shows all its gates (the
    LSTM's choice kept only the gates both cells share: h alone)."""
    at, ids = trained
    at.switch_page("pages/gates.py").run()
    at.selectbox(key="gates_run").set_value(ids[0]).run()  # the LSTM
    assert heatmap_names(at) == ["i", "f", "g", "o", "c", "h"]
    at.multiselect(key="gates_show").set_value(["f", "h"]).run()
    no_errors(at)
    assert heatmap_names(at) == ["f", "h"]
    at.selectbox(key="gates_run").set_value(ids[1]).run()  # the GRU
    no_errors(at)
    assert heatmap_names(at) == ["r", "z", "n", "h"]
    assert at.multiselect(key="gates_show").value == ["r", "z", "n", "h"]
    at.multiselect(key="gates_show").set_value(["z"]).run()
    assert heatmap_names(at) == ["z"]
    at.selectbox(key="gates_run").set_value(ids[0]).run()  # back on the LSTM: it has no z
    assert heatmap_names(at) == ["i", "f", "g", "o", "c", "h"]


def test_all_of_a_cifgs_gates_do_not_hide_an_lstms_input_gate():
    """A CIFG run's gates (f, g, o, c, h: all of them, nobody unticked one) are a subset of an LSTM's:
    the LSTM run opened next showed no input gate i, in every heatmap, with nothing saying why."""
    from ui import state

    with fakes.fake_registry():
        at = new_app().run()
        frame = lcdata.load_csv(lcdata.DATASETS_DIR / "airline-passengers.csv").frame
        reg = state.registry()
        owner = at.session_state["owner"]
        ids = {c: reg.submit(lcdata.Series(frame, season=12), tiny_cfg(c), owner=owner, label=f"t {c}") for c in GATES}
        for jid in ids.values():
            assert reg.wait(jid, timeout=60).status == JobStatus.FINISHED
        at.switch_page("pages/gates.py").run()
        at.selectbox(key="gates_run").set_value(ids["cifg"]).run()
        assert heatmap_names(at) == ["f", "g", "o", "c", "h"]
        for cell in ("lstm", "peephole"):
            at.selectbox(key="gates_run").set_value(ids[cell]).run()
            no_errors(at)
            assert heatmap_names(at) == ["i", "f", "g", "o", "c", "h"], cell
        at.multiselect(key="gates_show").set_value(["i", "h"]).run()  # a choice made on a peephole...
        at.selectbox(key="gates_run").set_value(ids["lstm"]).run()  # ...holds on a cell of the same gates
        assert heatmap_names(at) == ["i", "h"]
        at.selectbox(key="gates_run").set_value(ids["rnn"]).run()
        assert heatmap_names(at) == ["h"]
        at.selectbox(key="gates_run").set_value(ids["gru"]).run()  # h alone, from the RNN, hid r, z, n
        assert heatmap_names(at) == ["r", "z", "n", "h"]


def test_a_plain_rnn_says_it_has_no_gates_and_draws_no_empty_memory_chart():
    from ui import state

    with fakes.fake_registry():
        at = new_app().run()
        frame = lcdata.load_csv(lcdata.DATASETS_DIR / "airline-passengers.csv").frame
        reg = state.registry()
        jid = reg.submit(
            lcdata.Series(frame, season=12), tiny_cfg("rnn"), owner=at.session_state["owner"], label="tiny rnn"
        )
        assert reg.wait(jid, timeout=60).status == JobStatus.FINISHED
        at.switch_page("pages/gates.py").run()
        no_errors(at)
        assert [i.value for i in at.info] == ["A plain RNN has no gates, so this page shows its hidden state h alone."]
        assert heatmap_names(at) == ["h"]
        at.session_state["gates_view"] = "Memory"
        at.run()
        no_errors(at)
        assert not at.get("plotly_chart"), "an empty memory chart for a cell without a keep gate"
        assert "there is no memory span to show" in at.info[1].value
        assert not at.get("arrow_data_frame")


def test_during_training_opens_on_the_epoch_whose_weights_the_page_shows():
    """Training keeps the best epoch's weights (here 1 of 3): the view opened on the last epoch and
    marked nothing, so its saturation was read as the model's, which the other views do not show."""
    from ui import state

    with fakes.fake_registry():
        at = new_app().run()
        frame = lcdata.load_csv(lcdata.DATASETS_DIR / "airline-passengers.csv").frame
        reg = state.registry()
        jid = reg.submit(lcdata.Series(frame, season=12), tiny_cfg("lstm"), owner=at.session_state["owner"], label="t")
        assert reg.wait(jid, timeout=60).status == JobStatus.FINISHED
        run = reg.snapshot(jid).run
        run.fit.best_epoch = 1  # what early stopping keeps when epoch 1 had the lowest validation loss
        at.switch_page("pages/gates.py").run()
        at.session_state["gates_view"] = "During training"
        at.run()
        no_errors(at)
        assert at.select_slider(key="gates_epoch").value == 1
        note = [c.value for c in at.caption if "weights training kept" in c.value]
        assert len(note) == 1 and "those of epoch 1" in note[0] and "not epoch 3's" in note[0], note
        evolution = chart_specs(at)[0]
        kept = [s for s in evolution["layout"]["shapes"] if s["line"].get("dash") == "dash"]
        assert [s["x0"] for s in kept] == [1, 1]  # both panels
        assert [a["text"] for a in evolution["layout"]["annotations"]].count("kept") == 2
        at.select_slider(key="gates_epoch").set_value(3).run()
        assert at.select_slider(key="gates_epoch").value == 3  # the user's pick holds on the run
        run.fit.best_epoch = 3  # kept the last epoch: its statistics are still of the weights before averaging
        at.session_state["gates_epoch_for"] = None  # as if opened afresh
        at.run()
        note = [c.value for c in at.caption if "weights training kept" in c.value]
        assert len(note) == 1 and "a moving average of the weights up to epoch 3 (the last" in note[0], note


def test_the_kept_note_says_nothing_only_of_the_last_epoch_as_it_was():
    """The epochs record the weights as they were; with a moving average the model kept is not any of them,
    so the note stayed silent exactly where the last epoch was kept (the common case)."""
    assert gv.kept_note(3, 3, averaged=False) == ""
    assert gv.kept_note(None, 3, averaged=True) == ""
    assert "moving average of the weights up to epoch 3" in gv.kept_note(3, 3, averaged=True)
    assert "those of epoch 1" in gv.kept_note(1, 3, averaged=False)


def test_which_network_is_shown_names_its_data_in_words():
    """An ensemble whose network 1 trained on the series as given said "the gates shown are network
    1's (trained on none)"; a representation with a name keeps it."""
    from lstm_core.combine import Member
    from ui import state

    with fakes.fake_registry():
        at = new_app().run()
        frame = lcdata.load_csv(lcdata.DATASETS_DIR / "airline-passengers.csv").frame
        reg = state.registry()
        jid = reg.submit(lcdata.Series(frame, season=12), tiny_cfg("gru"), owner=at.session_state["owner"], label="t")
        assert reg.wait(jid, timeout=60).status == JobStatus.FINISHED
        run = reg.snapshot(jid).run
        assert run.prep.transform.name == "none"
        run.members = [Member(run.prep, run.model), Member(run.prep, run.model)]  # two networks behind the forecast
        at.switch_page("pages/gates.py").run()
        no_errors(at)
        said = [c.value for c in at.caption if "network 1's" in c.value]
        assert said == [
            "This run's forecast averages 2 GRU networks; the gates shown are network 1's (trained on the data as "
            "given)."
        ]
        run.prep.transform.lag = 12
        at.run()
        said = [c.value for c in at.caption if "network 1's" in c.value]
        assert said and said[0].endswith("network 1's (trained on difference at lag 12).")


@pytest.mark.parametrize("view", ["Unit", "Step-through", "Saturation", "Memory", "During training"])
def test_every_view_renders(trained, view):
    at, ids = trained
    at.switch_page("pages/gates.py").run()
    at.selectbox(key="gates_run").set_value(ids[0]).run()
    at.session_state["gates_view"] = view
    at.run()
    no_errors(at)
    if view == "Step-through":
        mounted = stepper_data(at)
        html, data = mounted["html"], mounted["payload"]
        assert data["start"] == 0 and len(data["labels"]) == data["steps"] == len(data["values"]["h"])
        # the page arrives with step 0's numbers in place; every step's numbers travel with it
        assert f'<tspan data-k="h">{fmt(data["values"]["h"][0])}</tspan>' in html
        assert data["values"]["h"][0] != data["values"]["h"][1]
        box = at.number_input(key="gates_unit_shown")
        assert box.value == 1 and not box.proto.has_max  # unit index 0; the box takes any number
        box.set_value(4).run()  # the box counts units from 1, as the Learn page does
        no_errors(at)
        assert at.session_state["gates_unit"] == 3 and at.query_params["unit"] == "3"  # the index stays 0-based
        assert "unit 4," in stepper_data(at)["html"]  # the diagram's title names the unit as the box does
        other = stepper_data(at)["payload"]
        assert other["values"]["h"] != data["values"]["h"]  # a new unit sends that unit's trace
        assert '<div id="stepper" class="stepper">' in stepper_data(at)["html"]
        # a unit the layer lacks: its last, said (a bounded box refused 50 with a hover-only mark)
        at.number_input(key="gates_unit_shown").set_value(50).run()
        assert at.session_state["gates_unit"] == 5 and at.number_input(key="gates_unit_shown").value == 6
        assert "This layer has 6 units (1 to 6): unit 50 is not one of them, so unit 6 is shown." in [
            c.value for c in at.caption
        ]
        at.toggle(key="gates_presenter").set_value(True).run()  # the app-wide switch, from the page
        no_errors(at)
        assert at.session_state["presenter_mode"] is True and at.query_params["presenter"] == "1"
        assert (
            '<div id="stepper" class="stepper big">' in stepper_data(at)["html"]
        )  # presenter-size text in the stepper
        at.toggle(key="gates_presenter").set_value(False).run()
    if view == "During training":
        assert at.select_slider(key="gates_epoch").value == 3
        assert len(chart_specs(at)) == 2
    if view == "Saturation":
        # a table of the units that saturate, without the one run's name on every row, or a line saying none does
        none = [c for c in at.caption if c.value.startswith("None: every gate of every unit stays between 0.1 and 0.9")]
        assert len(at.dataframe) + len(none) == 1
        assert all("run" not in d.value.columns and (d.value["saturated"] > 0).all() for d in at.dataframe)
        at.multiselect(key="gates_compare").set_value([ids[1]]).run()
        no_errors(at)
        sat = [s for s in chart_specs(at) if any(t.get("type") == "scatter" for t in s["data"])]
        assert sat and "GRU" not in str(sat[0]["layout"]["title"])  # two panels, run labels as titles
        assert len([a for a in sat[0]["layout"]["annotations"] if "tiny" in a["text"]]) == 2


def test_step_through_of_a_long_trace_holds_a_stretch_and_moves_it(trained, monkeypatch):
    """Every step of a 100,000-step trace was 32 MB of numbers sent to the browser at once; the
    stepper now holds STEP_WINDOW steps around the step asked for (here 10, on a trace of more), a box
    moves it, and its counter and link keep the trace's own step numbers."""
    from ui import stepper

    monkeypatch.setattr(stepper, "STEP_WINDOW", 10)
    at, ids = trained
    at.switch_page("pages/gates.py").run()
    at.selectbox(key="gates_run").set_value(ids[0]).run()
    at.session_state["gates_view"] = "Step-through"
    at.session_state["gates_step"] = 0
    at.query_params.pop("step", None)
    at.run()
    no_errors(at)
    data = stepper_data(at)["payload"]
    total = data["total"]
    assert total > 30 and (data["first"], data["steps"], data["start"], len(data["values"]["h"])) == (0, 10, 0, 10)
    at.number_input(key="gates_goto").set_value(26).run()  # shown from 1: the trace's step 25
    no_errors(at)
    moved = stepper_data(at)["payload"]
    assert (moved["first"], moved["start"], moved["total"]) == (20, 5, total)
    assert at.session_state["gates_step"] == 25 and at.query_params["step"] == "25"
    assert any("the stepper holds steps 21 to 30" in c.value for c in at.caption)
    at.number_input(key="gates_goto").set_value(total + 7).run()  # past the end: the last step, said
    assert at.session_state["gates_step"] == total - 1
    assert f"This trace has {total:,} steps: step {total + 7:,} is not one of them, so step {total:,} is shown." in [
        c.value for c in at.caption
    ]
    # the numbers are the trace's own: step 25 of the stretch is step 25 of the whole walk
    at.session_state["gates_goto"] = None
    monkeypatch.setattr(stepper, "STEP_WINDOW", 10_000)
    at.run()
    whole = stepper_data(at)["payload"]
    assert whole["first"] == 0 and whole["values"]["h"][20:30] == moved["values"]["h"]
    assert whole["labels"][20:30] == moved["labels"]


def test_url_restores_the_view(trained):
    _, ids = trained
    at = new_app()  # a fresh session opened on a shared link (the job id brings the owner along)
    at.switch_page("pages/gates.py")
    at.query_params.update(
        {"job": ids[0], "run": ids[0], "view": "Step-through", "unit": "2", "step": "5", "layer": "1"}
    )
    at.run()
    no_errors(at)
    assert at.session_state["gates_unit"] == 2 and at.session_state["gates_step"] == 5
    assert at.number_input(key="gates_unit_shown").value == 3  # the link's unit index 2, counted from 1
    assert at.session_state["gates_layer"] == 1 and at.session_state["gates_view"] == "Step-through"


def test_a_link_to_a_unit_or_layer_the_run_lacks_says_what_it_shows_instead(trained):
    """?unit=50&layer=3 on a run of 6 units and 2 layers opened on unit 6, layer 2 without a word."""
    _, ids = trained
    at = new_app()
    at.switch_page("pages/gates.py")
    at.query_params.update({"job": ids[0], "run": ids[0], "unit": "50", "layer": "3"})
    at.run()
    no_errors(at)
    assert [i.value for i in at.info if i.value.startswith("The link")] == [
        "The link asked for layer 4 and unit 51, which this run does not have (2 layers; 6 units): it shows "
        "layer 2 and unit 6 instead."
    ]
    assert heatmap_names(at) == ["i", "f", "g", "o", "c", "h"]  # the gates picked are untouched by the note
    at.run()  # said once, where the link opened
    assert not [i.value for i in at.info if i.value.startswith("The link")]
    fine = new_app()  # a link the run has says nothing
    fine.switch_page("pages/gates.py")
    fine.query_params.update({"job": ids[0], "run": ids[0], "unit": "2", "layer": "1"})
    fine.run()
    assert not [i.value for i in fine.info if i.value.startswith("The link")]


def test_a_link_to_a_view_or_section_the_page_lacks_says_what_it_shows(trained):
    """?view=Nope opened the Heatmaps, ?unit=abc the first unit and ?section=Nope Learn's first section,
    each without a word."""
    _, ids = trained
    at = new_app()
    at.switch_page("pages/gates.py")
    at.query_params.update({"job": ids[0], "run": ids[0], "view": "Nope", "unit": "abc"})
    at.run()
    no_errors(at)
    assert [i.value for i in at.info if i.value.startswith("The link")] == [
        "The link asked for unit “abc”, which is not a number: it shows the first unit; and view “Nope”, which "
        "this page does not have (it has Heatmaps, Unit, Step-through, Saturation, Memory, During training): it "
        "shows Heatmaps."
    ]
    at.run()  # said once, where the link opened
    assert not [i.value for i in at.info if i.value.startswith("The link")]
    learn = new_app()
    learn.switch_page("pages/learn.py")
    learn.query_params["section"] = "Nope"
    learn.run()
    no_errors(learn)
    first = learn.session_state["learn_section"]
    assert [i.value for i in learn.info if i.value.startswith("The link")] == [
        "The link asked for section “Nope”, which this page does not have (it has The idea, Why RNNs forget, "
        f"The LSTM cell, Variants and GRU, Calculator): it shows {first}."
    ]


def test_the_pages_own_link_opens_its_run_in_another_browser(trained):
    """The URL the page writes (run=, unit=, view=..., no job= where the session had no job open), opened
    in a fresh browser, said "No trained model yet"."""
    _, ids = trained
    at = new_app()  # another browser: another owner
    at.switch_page("pages/gates.py")
    at.query_params.update({"run": ids[1], "view": "Unit", "unit": "3", "layer": "0", "mode": "series"})
    at.run()
    no_errors(at)
    assert not [i.value for i in at.info if "No trained model yet" in i.value]
    picker = at.selectbox(key="gates_run")
    assert picker.value == ids[1] and picker.options == ["tiny gru — finished (shared, read-only)"]
    assert at.session_state["gates_unit"] == 3 and at.session_state["gates_view"] == "Unit"
    gone = new_app()
    gone.switch_page("pages/gates.py")
    gone.query_params["run"] = "0123456789abcdef0123456789abcdef"
    gone.run()
    no_errors(gone)
    assert gone.session_state["gone_link"][0] == "0123456789abcdef0123456789abcdef"  # said, not "No trained model"


@pytest.mark.parametrize("which", [0, 1])
def test_a_job_link_opens_on_that_jobs_run(trained, which):
    """The owner's ``?job=`` link (as the Train page writes it) opens the Gates page on that job's run,
    as the Forecast page does, not on the newest run."""
    from ui import owner_cookie

    first, ids = trained
    at = new_app()
    at.switch_page("pages/gates.py")
    at.query_params["job"] = ids[which]
    with owner_cookie.browser_cookies({owner_cookie.COOKIE: first.session_state["owner"]}):
        at.run()
    no_errors(at)
    assert len(at.selectbox(key="gates_run").options) == 2  # the owner's session: both runs listed
    assert at.selectbox(key="gates_run").value == ids[which]
    assert at.query_params["run"] == ids[which]


def test_learns_settings_are_in_its_link():
    """A lecturer's link named the section only: the forget-bias push, or the experiment's length, units,
    seeds and bias set for the class, were lost (each opened at its default)."""
    at = new_app()
    at.switch_page("pages/learn.py")
    at.query_params.update({"section": "Why RNNs forget", "T": "100", "units": "8", "seeds": "2", "bias": "2.0"})
    at.run()
    no_errors(at)
    assert [at.slider(key="learn_steps").value, at.slider(key="learn_seeds").value] == [100, 2]
    assert [at.select_slider(key="learn_hidden").value, at.select_slider(key="learn_fb").value] == [8, 2.0]
    at.slider(key="learn_steps").set_value(80).run()
    assert (at.query_params["T"], at.query_params["units"], "push" in at.query_params) == ("80", "8", False)
    at.session_state["learn_section"] = "The idea"
    at.run()
    at.slider(key="learn_idea_f").set_value(-1.5).run()
    assert at.query_params["push"] == "-1.5" and "T" not in at.query_params  # the section's own settings only
    odd = new_app()  # a value the slider lacks: said, and the default shown
    odd.switch_page("pages/learn.py")
    odd.query_params.update({"section": "Why RNNs forget", "T": "55"})
    odd.run()
    no_errors(odd)
    assert odd.slider(key="learn_steps").value == 60
    assert [i.value for i in odd.info if i.value.startswith("The link")] == [
        "The link asked for T “55”, which this page does not have (it has 10, 20, 30, 40, 50, 60, 70, 80, 90, 100, "
        "110, 120, 130, 140, 150): it shows its default."
    ]


def test_learn_sections_and_calculator():
    at = new_app().run()
    at.switch_page("pages/learn.py").run()
    no_errors(at)
    assert at.session_state["learn_section"] == "The idea"  # the page opens on the picture, not on Jacobians
    pictures = svg_images(at)
    assert len(pictures) == 1 and 'data-k="f"' in pictures[0]
    # on a white ground (it was transparent: on a high-contrast black page its lines vanished), and in words for
    # a screen reader (an image element is an <img alt="">, which it skips)
    assert 'fill="white"/>' in pictures[0]
    said = [m.value for m in at.markdown if "Diagram, An LSTM cell: forget gate f = " in m.value]
    assert len(said) == 1 and "cell state c from " in said[0] and "clip:rect(0 0 0 0)" in said[0]
    # the expander that sentence points to: the picture's numbers, equation by equation
    numbers = next(e for e in at.expander if e.label == "The numbers, equation by equation")
    assert len([m for m in numbers.markdown if "font-size" in m.value]) == len(equation_templates("lstm"))
    f_open = re.search(r'<tspan data-k="f">([^<]*)<', pictures[0]).group(1)
    at.slider(key="learn_idea_f").set_value(3.0).run()
    picture = svg_images(at)[0]
    assert float(re.search(r'<tspan data-k="f">([^<]*)<', picture).group(1)) > float(f_open)
    at.session_state["learn_section"] = "Why RNNs forget"
    at.run()
    decay = chart_specs(at)[0]
    assert decay["layout"]["yaxis"]["type"] == "log"
    for section in ("The LSTM cell", "Variants and GRU", "Calculator"):
        at.session_state["learn_section"] = section
        at.run()
        no_errors(at)
    at.text_input(key="learn_x").set_value("0.2, oops").run()
    assert any("x_t must be numbers" in e.value for e in at.error)
    at.text_input(key="learn_x").set_value("0.2, 1.3, 0.7").run()
    no_errors(at)
    calc = svg_images(at)[0]
    h1 = re.search(r'<tspan data-k="h">([^<]*)<', calc).group(1).replace("−", "-")
    assert h1 in " ".join(e.value for e in at.latex)  # the picture shows the calculator's own h_t (unit 1)
    # huge inputs read in scientific notation: 1e308 was written with 3 decimals, 309 digits past the page's edge
    at.text_input(key="learn_x").set_value("1e308, 1e308, 1e308").run()
    no_errors(at)
    shown = svg_images(at)[0] + " ".join(e.value for e in at.latex) + " ".join(m.value for m in at.markdown)
    assert "1.000e+308" in shown and not re.search(r"\d{12}", shown)
    at.text_input(key="learn_x").set_value("0.2, 1.3, 0.7").run()
    at.toggle(key="learn_presenter").set_value(True).run()
    no_errors(at)


def test_a_run_still_training_shows_a_snapshot():
    frame = lcdata.load_csv(lcdata.DATASETS_DIR / "airline-passengers.csv").frame
    cfg = tiny_cfg("peephole")
    cfg.train.epochs = 5000
    cfg.data.transform = "log_seasonal_diff"  # no representation backtest: member 0 trains at once
    with fakes.fake_registry(JobRegistry(max_workers=1, torch_threads=1)) as reg:  # real training, in the background
        at = new_app().run()
        jid = reg.submit(lcdata.Series(frame, season=12), cfg, owner=at.session_state["owner"], label="long peephole")
        _check_live_snapshot(at, reg, jid)


def _check_live_snapshot(at: AppTest, reg: JobRegistry, jid: str) -> None:
    try:
        # the recorder takes its snapshot before the job hears of the epoch
        reg.wait_until(jid, lambda s: s.epochs_done >= 1, 30)
        assert reg.get(jid).recorder.epoch >= 1
        at.switch_page("pages/gates.py").run()
        no_errors(at)
        assert at.selectbox(key="gates_run").value == f"live:{jid}"
        assert any("still running" in i.value for i in at.info)
        heat = [t["name"] for s in chart_specs(at) for t in s["data"] if t["type"] == "heatmap"]
        assert heat == ["i", "f", "g", "o", "c", "h"]
    finally:
        reg.cancel(jid)
        reg.wait(jid, 30)


def test_the_prediction_picker_names_predictions_by_their_time(trained, tmp_path):
    """The window mode's slider counted 0-based series positions ("Prediction (first target row)": 12
    ... 143) while the charts named the same points by date or by the file's row numbers. It names
    each prediction as the charts do, and a link's target that is no prediction's opens the nearest."""
    from ui import state

    _, ids = trained
    at = new_app()
    at.switch_page("pages/gates.py")
    at.query_params.update({"job": ids[0], "run": ids[0], "mode": "window", "target": "100"})
    at.run()
    no_errors(at)
    picker = at.select_slider(key="gates_target")
    assert picker.value == 100 and picker.format_func(100) == "May 1957"  # airline row 100: May 1957
    assert picker.options[-1] == "Dec 1960"  # the last prediction, the data's last month
    said = [c.value for c in at.caption if c.value.startswith("Window of the prediction")]
    assert said == ["Window of the prediction for **May 1957**: May 1956 to Apr 1957."]
    assert heatmap_names(at) == ["i", "f", "g", "o", "c", "h"]  # the window's gates, every one of them
    assert at.query_params["target"] == "100"  # the link keeps the position
    at.select_slider(key="gates_target").set_value(101).run()
    assert at.query_params["target"] == "101"
    assert any(c.value.startswith("Window of the prediction for **Jun 1957**") for c in at.caption)

    # an undated file that numbers its rows from 100: predictions are named by those numbers
    (tmp_path / "steps.csv").write_text("step,value\n" + "".join(f"{100 + i},{(i * 7) % 11}\n" for i in range(60)))
    with fakes.fake_registry():
        app = new_app().run()
        reg = state.registry()
        series = lcdata.load_csv(tmp_path / "steps.csv").series
        jid = reg.submit(series, tiny_cfg("lstm"), owner=app.session_state["owner"], label="steps")
        assert reg.wait(jid, timeout=60).status == JobStatus.FINISHED
        app.switch_page("pages/gates.py")
        app.query_params.update({"job": jid, "run": jid, "mode": "window", "target": "99999"})
        app.run()
        no_errors(app)
        picker = app.select_slider(key="gates_target")
        assert picker.options[0] == "row 112" and picker.options[-1] == "row 159"  # the window of 12 comes first
        assert picker.value == 59 and picker.format_func(59) == "row 159"  # the link's 99999: the last prediction
        said = [c.value for c in app.caption if c.value.startswith("Window of the prediction")]
        assert said == ["Window of the prediction for **row 159**: rows 147 to 158."]


def test_typed_weights_are_kept_while_seeded_ones_are_shown():
    """Calculator: a weight typed in W_f was gone after a look at the seeded weights and back to typed."""
    at = new_app().run()
    at.switch_page("pages/learn.py").run()
    at.session_state["learn_section"] = "Calculator"
    at.run()
    at.radio(key="learn_wmode").set_value("typed").run()
    no_errors(at)
    key = "learn_w_f_3_3_0"  # W_f of 3 units, 3 inputs, seed 0
    seeded = at.data_editor(key=key).value.copy()
    at.session_state[key] = {"edited_rows": {0: {"h2": 5.0}}, "added_rows": [], "deleted_rows": []}
    at.run()
    no_errors(at)
    typed_h = [e.value for e in at.latex]
    at.radio(key="learn_wmode").set_value("seeded random").run()
    assert [e.value for e in at.latex] != typed_h  # the seeded weights give another step
    at.radio(key="learn_wmode").set_value("typed").run()
    no_errors(at)
    reopened = at.data_editor(key=key).value
    assert reopened.iloc[0]["h2"] == 5.0 and seeded.iloc[0]["h2"] != 5.0
    assert reopened.drop(columns="h2").equals(seeded.drop(columns="h2"))
    assert [e.value for e in at.latex] == typed_h  # the same step as with the weight typed
