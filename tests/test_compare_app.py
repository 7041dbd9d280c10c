"""AppTest for the Compare and Experiments pages: render, a tiny 2-variant comparison, presets by URL.

The pages run against a fast fake registry (``tests/fakes.py``): every job completes with a tiny
pre-built Run as it is submitted, and a sweep with stand-in rows, so these tests are about the pages.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from lstm_core.compare import CompareConfig
from tests import fakes
from ui import state

ROOT = Path(__file__).resolve().parents[1]


def new_app() -> AppTest:
    return AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)


def no_errors(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


@pytest.fixture(autouse=True)
def fake():
    """The pages use an inline registry: jobs finish (tiny pre-built runs) as they are submitted."""
    with fakes.fake_registry() as reg:
        yield reg


def rerun_when_over(at: AppTest, reg, ids) -> None:
    """Wait for the jobs to end (the registry's events, no polling), then rerun the page once
    (AppTest does not fire run_every)."""
    for jid in ids:
        snap = reg.wait(jid, 60)
        assert snap is not None and not snap.active, f"job {jid} did not end in time"
    at.run()
    no_errors(at)


def test_pages_render():
    at = new_app().run()
    for page in ("pages/compare.py", "pages/experiments.py"):
        at.switch_page(page).run()
        no_errors(at)
    assert at.title[0].value == "Experiments"


def test_compare_opened_again_shows_this_browsers_newest_comparison(fake):
    """Opened again from the sidebar or as /compare (a new session, no ?cmp=), a finished comparison
    of ten runs was gone behind an empty form."""
    from ui import owner_cookie

    at = new_app().run()
    at.switch_page("pages/compare.py").run()
    at.number_input(key="cmp_epochs").set_value(2)
    at.button(key="cmp_start").click().run()
    first = at.session_state["compare_job_ids"]
    at.button(key="cmp_start").click().run()  # a second comparison: the newest is shown
    ids = at.session_state["compare_job_ids"]
    assert len(ids) == len(first) and not set(ids) & set(first)
    rerun_when_over(at, fake, ids)
    again = new_app()
    with owner_cookie.browser_cookies({owner_cookie.COOKIE: at.session_state["owner"]}):
        again.run()
        again.switch_page("pages/compare.py").run()
    no_errors(again)
    assert again.session_state["compare_job_ids"] == ids and again.query_params["cmp"] == ",".join(ids)
    assert any(s.value == "Results" for s in again.subheader)
    other = new_app().run()  # another browser has none to show
    other.switch_page("pages/compare.py").run()
    assert "cmp" not in other.query_params and not any(s.value == "Results" for s in other.subheader)


def test_two_variant_comparison_finishes_and_shows_the_table(fake):
    at = new_app().run()
    at.switch_page("pages/compare.py").run()
    no_errors(at)
    assert any("same data, split, scaler and seeds" in i.value for i in at.info)
    at.number_input(key="cmp_epochs").set_value(2)
    at.slider(key="cmp_seeds").set_value(2)
    at.button(key="cmp_start").click().run()
    no_errors(at)
    ids = at.session_state["compare_job_ids"]
    assert len(ids) == 4 and at.query_params["cmp"] == ",".join(ids)
    snaps = [fake.snapshot(i) for i in ids]
    assert [(s.tags["variant"], s.tags["seed"]) for s in snaps] == [
        ("LSTM 32", 0),
        ("LSTM 32", 1),
        ("GRU 32", 0),
        ("GRU 32", 1),
    ]
    assert len({s.tags["group"] for s in snaps}) == 1 and {s.kind for s in snaps} == {"compare"}
    rerun_when_over(at, fake, ids)
    assert any(s.value == "Results" for s in at.subheader)
    # two tables, errors first (baselines too), then the variants' shapes: in one, ten columns ran
    # 100 px past the grid at 1280 px ("parameters" and "train s" cut)
    table, shapes = (
        next(d.value for d in at.dataframe if col in getattr(d.value, "columns", [])) for col in ("test RMSE", "size")
    )
    assert list(table.columns) == ["model", "test RMSE", "test MAE", "test MASE", "multi-step RMSE"]
    assert list(shapes.columns) == ["model", "cell", "size", "seeds", "parameters", "train s"]
    assert [m.removeprefix("★ ") for m in table["model"][:2]] == ["LSTM 32", "GRU 32"]
    assert [m.removeprefix("★ ") for m in shapes["model"]] == ["LSTM 32", "GRU 32"]  # no baseline row of dashes
    assert list(shapes["cell"]) == ["lstm", "gru"] and list(shapes["size"]) == ["h32 × 1, lb 12"] * 2
    assert list(shapes["seeds"]) == ["2", "2"]
    assert table["test RMSE"][0].count(" ± ") == 1  # mean ± std in one column
    assert table["model"].str.startswith("★ ").sum() == 1  # the best row
    hw = table[table["model"].str.endswith("baseline: Holt-Winters")].iloc[0]
    assert " ± " not in hw["test RMSE"]
    assert any("seed" in m.value and "lowest test RMSE" in m.value for m in at.markdown)
    assert any("seed" in m.value and "lowest multi-step RMSE" in m.value for m in at.markdown)  # both horizons
    charts = at.get("plotly_chart")
    assert len(charts) >= 4  # loss bands, one-step and multi-step overlays, gate saturation
    # the overlays' value axes name the target: 200…700 said nothing of what they were
    overlays = [
        json.loads(c.proto.spec) for c in charts if c.proto.id.endswith(("cmp_overlay", "cmp_overlay_multistep"))
    ]
    assert [o["layout"]["yaxis"]["title"]["text"] for o in overlays] == [
        str(at.session_state[state.DATASET].target)
    ] * 2
    cfg = CompareConfig.from_json(at.session_state["cmp_config"])  # what the JSON download serves
    assert cfg.names() == ["LSTM 32", "GRU 32"] and cfg.seeds == [0, 1]
    # one network per seed, as the CLI's comparison config: the seeds are the replicates
    assert cfg.train.ensemble == CompareConfig().train.ensemble == 1
    # how the Data page read the data, for compare --config to read the file the same way
    assert cfg.reading == {"missing": "interpolate", "dayfirst": None, "date_format": None}


def test_a_row_added_without_a_name_is_named_from_its_fields(fake):
    """A row added in the variants editor has no name (NaN): it is named from its fields, not "nan"."""
    import numpy as np
    import pandas as pd

    at = new_app().run()
    at.switch_page("pages/compare.py").run()
    row = {"cell": "rnn", "hidden_size": 8, "num_layers": 1, "look_back": 12, "lr": 0.01}
    at.session_state["cmp_rows"] = pd.DataFrame([{"name": "LSTM 32", **row, "cell": "lstm"}, {"name": np.nan, **row}])
    at.number_input(key="cmp_epochs").set_value(1)
    at.slider(key="cmp_seeds").set_value(1)
    at.button(key="cmp_start").click().run()
    no_errors(at)
    ids = at.session_state["compare_job_ids"]
    assert [fake.snapshot(i).tags["variant"] for i in ids] == ["LSTM 32", "rnn h8 x1 lb12 lr0.01"]
    assert CompareConfig.from_json(at.session_state["cmp_config"]).variants[1].name == ""


def test_an_empty_variants_table_says_to_add_a_row(fake):
    import pandas as pd

    at = new_app().run()
    at.switch_page("pages/compare.py").run()
    at.session_state["cmp_rows"] = pd.DataFrame(
        columns=["name", "cell", "hidden_size", "num_layers", "look_back", "lr"]
    )
    at.button(key="cmp_start").click().run()
    assert [e.value for e in at.error] == [
        "The variants table is empty: add a row (a cell, its hidden size, layers, look-back and learning rate) "
        "for each model to compare."
    ]
    assert fake._jobs == {}  # nothing was started


def test_a_look_back_the_training_part_cannot_hold_is_refused_before_any_job(fake):
    """A variant whose look_back is longer than the training part is named in one sentence before
    anything trains (as the CLI's compare does): the page queued every variant, trained the others,
    then listed the failed one in the table and drew its loss line as "waiting"."""
    import pandas as pd

    at = new_app().run()
    at.switch_page("pages/compare.py").run()
    row = {"cell": "lstm", "hidden_size": 8, "num_layers": 1, "lr": 0.01}
    at.session_state["cmp_rows"] = pd.DataFrame(
        [{"name": "lb 6", **row, "look_back": 6}, {"name": "lb 100", **row, "look_back": 100}]
    )
    at.slider(key="cmp_seeds").set_value(1)
    at.button(key="cmp_start").click().run()
    no_errors(at)
    errors = [e.value.replace("\\_", "_") for e in at.error]  # Markdown-escaped
    assert len(errors) == 1 and errors[0].startswith("Variant 'lb 100': look_back 100 is too long for the 82 training")
    assert fake._jobs == {} and not at.session_state["compare_job_ids"]  # nothing was started


def test_a_look_back_the_networks_shortened_is_said_on_the_page():
    """On a short series an ``auto`` run's networks use a shorter window than a long look_back
    (lb 12 on 23 training points: 7). The shapes table says "lb 12", and the page said nothing,
    where the CLI's compare notes it: lb 6 against lb 12 compared 6 with 7."""
    import dataclasses

    import pandas as pd

    from lstm_core.jobs import JobRegistry

    said = "The networks used a look_back of 7 instead of 12: 12 is over half of the 23 training points."

    def runner(data, cfg, *, callbacks=None):
        run = fakes.prebuilt_runner(data, cfg, callbacks=callbacks)
        if cfg.data.look_back == 12:
            guards = dataclasses.replace(run.metrics.guards, look_back=said)
            run.metrics = dataclasses.replace(run.metrics, guards=guards)
        return run

    reg = JobRegistry(max_workers=1, torch_threads=0, runner=runner, sweeper=fakes.fake_sweep, inline=True)
    with fakes.fake_registry(reg):
        at = new_app().run()
        at.switch_page("pages/compare.py").run()
        row = {"cell": "lstm", "hidden_size": 8, "num_layers": 1, "lr": 0.01}
        at.session_state["cmp_rows"] = pd.DataFrame(
            [{"name": "lb 6", **row, "look_back": 6}, {"name": "lb 12", **row, "look_back": 12}]
        )
        at.number_input(key="cmp_epochs").set_value(1)
        at.slider(key="cmp_seeds").set_value(2)
        at.button(key="cmp_start").click().run()
        rerun_when_over(at, reg, at.session_state["compare_job_ids"])
        notes = [i.value.replace("\\_", "_") for i in at.info if "instead of" in i.value]
        assert notes == [f"Variant 'lb 12': {said}"]  # once for the variant, not per seed


def test_results_of_other_data_than_the_loaded_one_say_so(fake):
    """After a comparison on airline, loading weekly.csv on the Data page and coming back showed the
    airline results under "Dataset weekly.csv · target sales", with nothing saying they were not its."""
    from lstm_core.data import generate, load_csv
    from ui import state

    at = new_app().run()
    at.switch_page("pages/compare.py").run()
    at.number_input(key="cmp_epochs").set_value(1)
    at.slider(key="cmp_seeds").set_value(1)
    at.button(key="cmp_start").click().run()
    rerun_when_over(at, fake, at.session_state["compare_job_ids"])
    assert not [w for w in at.warning if "These results are of" in w.value]  # the data it ran on
    loaded = load_csv(generate("sine", length=120).to_csv().encode(), name="weekly.csv")
    at.session_state[state.DATASET] = state.dataset_from_loaded(loaded, "weekly.csv")
    at.run()
    no_errors(at)
    said = [w.value for w in at.warning if "These results are of" in w.value]
    assert len(said) == 1 and "airline" in said[0] and "**weekly.csv**" in said[0]


def test_reload_reattaches_from_the_url(fake):
    at = new_app().run()
    at.switch_page("pages/compare.py").run()
    at.number_input(key="cmp_epochs").set_value(1)
    at.slider(key="cmp_seeds").set_value(1)
    at.button(key="cmp_start").click().run()
    ids = at.session_state["compare_job_ids"]
    fresh = new_app()
    fresh.query_params["cmp"] = ",".join(ids)
    fresh.run()
    fresh.switch_page("pages/compare.py").run()
    no_errors(fresh)
    assert fresh.session_state["compare_job_ids"] == ids
    rerun_when_over(fresh, fake, ids)
    assert any(s.value == "Results" for s in fresh.subheader)


def test_preset_by_url_runs_with_its_table(fake):
    at = new_app()
    at.query_params["preset"] = "sin-cos"
    at.run()
    at.switch_page("pages/experiments.py").run()
    no_errors(at)
    assert at.radio(key="exp_pick").value == "sin-cos"
    assert any("Scaled down for a quick class demo" in c.value for c in at.caption)
    at.button(key="exp_run_sin-cos").click().run()
    ids = list(at.session_state["exp_jobs"]["sin-cos"].values())
    assert ids and {fake.snapshot(i).kind for i in ids} == {"preset"}
    rerun_when_over(at, fake, ids)
    assert any(s.value == "Ours next to the tutorial" for s in at.subheader)
    table = at.dataframe[0].value
    assert "train MSE" in set(table["metric"])


def test_memory_sweep_runs_as_a_job(fake):
    at = new_app()
    at.query_params["preset"] = "long-memory"
    at.run()
    at.switch_page("pages/experiments.py").run()
    at.multiselect(key="mem_lags").set_value([1, 2])
    at.multiselect(key="mem_cells").set_value(["rnn", "lstm"])
    at.number_input(key="mem_steps").set_value(50)
    at.button(key="mem_start").click().run()
    no_errors(at)
    sid = at.session_state["mem_sweep"]
    assert at.query_params["mem"] == sid and fake.snapshot(sid).kind == "sweep"
    rerun_when_over(at, fake, [sid])
    progress = [str(p.proto.text) for p in at.get("progress")]
    assert len(progress) == 1 and "4 of 4 trained" in progress[0] and "finished" in progress[0]
    assert len(at.get("plotly_chart")) == 1
    from ui import jobs_view

    mine = fake.jobs_for(at.session_state["owner"])  # what the sidebar's Jobs list shows
    assert [s.id for s in mine] == [sid]
    line = jobs_view.status_line(mine[0])
    hidden = at.number_input(key="mem_hidden").value
    assert f"Long-memory sweep: rnn, lstm at 2 lag(s), hidden {hidden}, budget 50 steps — finished" in line
    # the last result, after a reload (a new session), names the settings its table came from: the boxes are
    # back at their defaults (budget 1500) above a budget-50 table
    again = new_app().run()
    again.session_state["owner"] = at.session_state["owner"]
    again.query_params["preset"] = "long-memory"
    again.switch_page("pages/experiments.py").run()
    no_errors(again)
    assert any(f"hidden {hidden}, budget 50 steps" in c.value for c in again.caption), [c.value for c in again.caption]


def test_a_series_without_a_season_compares_without_a_seasonal_naive_row(fake):
    """A yearly river flow (no season): the results showed "baseline: seasonal naive" with the naive
    row's numbers, the same forecast read as a second, seasonal, reference, and "baseline: Holt-Winters"
    for what fitted level and trend only."""
    import numpy as np
    import pandas as pd

    from lstm_core.tables import NO_SEASON

    years = np.arange(1871, 1971)
    flow = 1100 - 3 * (years - 1871) + np.random.default_rng(0).normal(0, 120, len(years))
    csv = pd.DataFrame({"year": years, "flow": flow.round(0)}).to_csv(index=False).encode()
    at = new_app().run()
    at.file_uploader(key="data_upload").set_value(("nile.csv", csv, "text/csv")).run()
    at.switch_page("pages/compare.py").run()
    at.number_input(key="cmp_epochs").set_value(1)
    at.slider(key="cmp_seeds").set_value(1)
    at.button(key="cmp_start").click().run()
    ids = at.session_state["compare_job_ids"]
    rerun_when_over(at, fake, ids)
    m = fake.snapshot(ids[0]).run.metrics
    assert m.info.season is None and m.baselines["seasonal_naive"] == m.baselines["naive"]
    table = next(d.value for d in at.dataframe if "test RMSE" in getattr(d.value, "columns", []))
    models = [n.removeprefix("★ ") for n in table["model"]]
    assert "baseline: naive" in models and not [n for n in models if "seasonal naive" in n]
    assert "baseline: Holt's linear trend" in models and "baseline: Holt-Winters" not in models
    assert any(c.value.startswith("Mean ± standard deviation") and c.value.endswith(NO_SEASON) for c in at.caption)


def test_an_uploaded_comparison_without_a_target_is_of_the_data_loaded(fake):
    """A comparison JSON that names no target (``"target": null``: the data's default, as the page's
    own export writes it) run on airline said "These results are of airline passengers (bundled)
    (target None), not of the data loaded now (airline passengers (bundled))"."""
    cfg = CompareConfig.from_dict(
        {"train": {"epochs": 1, "ensemble": 1}, "variants": [{"name": "LSTM 8", "hidden_size": 8}], "seeds": [0]}
    )
    assert cfg.data.target is None
    at = new_app().run()
    at.switch_page("pages/compare.py").run()
    at.file_uploader(key="cmp_upload").set_value(("c.json", cfg.to_json().encode(), "application/json")).run()
    at.button(key="cmp_run_upload").click().run()
    no_errors(at)
    rerun_when_over(at, fake, at.session_state["compare_job_ids"])
    assert any(s.value == "Results" for s in at.subheader)
    assert [w.value for w in at.warning if "These results are of" in w.value] == []


def test_a_run_deleted_from_a_comparison_leaves_its_seed_counts_true(fake):
    """3 variants × 2 seeds with one run deleted on the Runs page read "5 of 5 runs done (3 variants
    × 1 seeds)" (5 // 3) above results whose other two variants had two seeds each."""
    at = new_app().run()
    at.switch_page("pages/compare.py").run()
    at.number_input(key="cmp_epochs").set_value(1)
    at.slider(key="cmp_seeds").set_value(2)
    at.button(key="cmp_start").click().run()
    ids = at.session_state["compare_job_ids"]
    rerun_when_over(at, fake, ids)
    texts = lambda: [p.proto.text for p in at.get("progress")]  # noqa: E731
    assert texts() == ["4 of 4 runs done (2 variants × 2 seeds)"]
    fake.delete_run(ids[-1])
    at.run()
    no_errors(at)
    assert texts() == ["3 of 3 runs done (2 variants × 1–2 seeds each)"]
    assert any("1 of the 4 runs of this comparison is gone" in i.value for i in at.info)


def test_variants_stopped_before_they_trained_are_named():
    """After Stop all, the results showed the one variant whose seed had trained (LSTM 16) and nothing
    said GRU 16 and RNN 16 were stopped before they trained; their loss lines read "(waiting)"."""
    from types import SimpleNamespace

    import numpy as np

    from lstm_core.compare import SeedResult
    from lstm_core.job_status import JobStatus
    from ui import compare_view as cv
    from ui.figures.compare import loss_band_figure

    def snap(status):
        return SimpleNamespace(status=status, active=False, restoring=False)

    groups = {
        "LSTM 16": [snap(JobStatus.CANCELLED), snap(JobStatus.CANCELLED)],
        "GRU 16": [snap(JobStatus.CANCELLED)] * 2,
        "RNN 16": [snap(JobStatus.CANCELLED)] * 2,
    }
    results = [SeedResult("LSTM 16", 0, None, np.zeros(0), np.zeros(0))]  # type: ignore[arg-type]
    assert cv.untrained_note(groups, results) == (
        "GRU 16, RNN 16 have no results (they were stopped before they trained), so the table, verdict and "
        "charts below leave them out; start the comparison again to include them."
    )
    groups["GRU 16"] = [snap(JobStatus.FAILED)]
    assert "no run of them finished" in cv.untrained_note(groups, results)
    assert cv.untrained_note({"LSTM 16": groups["LSTM 16"]}, results) is None
    empty = {k: np.zeros(0) for k in ("epoch", "mean", "std", "lo", "hi", "n")}
    fig = loss_band_figure({"GRU 16": empty, "RNN 16": empty}, over={"GRU 16"})
    assert [t.name for t in fig.data] == ["GRU 16 (not trained)", "RNN 16 (waiting)"]
    assert [a.text for a in fig.layout.annotations] == ["waiting for the first epoch..."]
    # Stop all before any run trained: the chart read "waiting for the first epoch..." for good,
    # beside "4 of 4 runs done" and "LSTM 32 (not trained)"
    stopped = loss_band_figure({"GRU 16": empty, "RNN 16": empty}, over={"GRU 16", "RNN 16"})
    assert [a.text for a in stopped.layout.annotations] == ["stopped before the first epoch: no loss to show"]


def test_runs_stopped_before_they_trained_are_not_counted_as_done():
    """After Stop all on 5 variants × 2 seeds, the bar stood full and read "10 of 10 runs done (5
    variants × 2 seeds)" above results of the 2 runs that had trained; 8 were stopped before."""
    from types import SimpleNamespace

    from lstm_core.job_status import JobStatus
    from ui import compare_view as cv

    def snap(variant, status, run):
        return SimpleNamespace(
            status=status, active=status.active, restoring=False, run=run, tags={"variant": variant}, label=variant
        )

    trained = [snap("RNN 32", JobStatus.FINISHED, object()), snap("RNN 32", JobStatus.CANCELLED, object())]
    stopped = [
        snap(v, JobStatus.CANCELLED, None) for v in ("LSTM 32", "GRU 32", "PEEPHOLE 32", "CIFG 32") for _ in "ab"
    ]
    snaps = trained + stopped
    assert cv.progress_text(snaps, cv.group(snaps)) == (
        "2 of 10 runs done, 8 stopped before they trained (5 variants × 2 seeds)"
    )
    assert cv.progress_value(snaps) == 0.2
    one = trained + stopped[:1]
    assert cv.progress_text(one, cv.group(one)) == (
        "2 of 3 runs done, 1 stopped before it trained (2 variants × 1–2 seeds each)"
    )
    running = [snap("RNN 32", JobStatus.RUNNING, None), snap("RNN 32", JobStatus.FINISHED, object())]
    assert cv.progress_text(running, cv.group(running)) == "1 of 2 runs done (1 variant × 2 seeds)"
    assert cv.progress_value(running) == 0.5


def test_every_cell_at_a_size_names_the_cells_as_people_read_them():
    """The rows "Every cell at this size" made were named "PEEPHOLE 32" and "CIFG 32" beside "LSTM 32"."""
    from ui import compare_view as cv

    row = {"name": "", "cell": "lstm", "hidden_size": 16, "num_layers": 1}
    table = cv.every_cell(32, row, ["rnn", "lstm", "gru", "peephole", "cifg"])
    assert table["name"].tolist() == ["RNN 32", "LSTM 32", "GRU 32", "Peephole LSTM 32", "CIFG LSTM 32"]
    assert table["hidden_size"].tolist() == [32] * 5 and list(table.columns) == list(row)


def test_the_variants_tables_look_back_column_is_named_and_bounded_as_on_the_train_page():
    """Its header read "look_back" beside "hidden size"; it keeps its bounds (at least 1, at most half the data)."""
    at = new_app().run()
    at.switch_page("pages/compare.py").run()
    no_errors(at)
    column = json.loads(at.dataframe[0].proto.columns)["look_back"]
    assert column["label"] == "look-back"
    assert column["type_config"] == {"type": "number", "min_value": 1, "max_value": 72}  # airline: 144 rows


def test_back_to_the_experiment_before_shows_it(fake):
    """Back on the Experiments page went to the last experiment's entry and wrote the one shown over
    it: the page stayed on the experiment picked last."""
    from lstm_core import presets as ps

    other = next(iter(ps.PRESETS))
    at = new_app()
    at.query_params["preset"] = "long-memory"
    at.run()
    at.switch_page("pages/experiments.py").run()
    at.radio(key="exp_pick").set_value(other).run()
    assert at.query_params["preset"] == other
    at.query_params["preset"] = "long-memory"  # the browser's Back
    at.run()
    no_errors(at)
    assert at.radio(key="exp_pick").value == "long-memory" and at.query_params["preset"] == "long-memory"


def test_a_link_to_an_experiment_the_page_lacks_says_what_it_shows(fake):
    at = new_app()
    at.query_params["preset"] = "nope"
    at.run()
    at.switch_page("pages/experiments.py").run()
    no_errors(at)
    notes = [i.value for i in at.info if i.value.startswith("The link")]
    assert len(notes) == 1 and notes[0].startswith("The link asked for preset “nope”, which this page does not have")
    assert notes[0].endswith(": it shows Long memory: RNN vs LSTM vs GRU.")
    at.run()  # said once
    assert not [i.value for i in at.info if i.value.startswith("The link")]


def test_back_to_the_comparison_before_a_new_one_shows_it(fake):
    """Back after starting a second comparison went to the first one's entry, and the page wrote the second's
    ids over it (the session's won): the comparison on screen before Start was out of reach."""
    at = new_app().run()
    at.switch_page("pages/compare.py").run()
    at.number_input(key="cmp_epochs").set_value(2)
    at.button(key="cmp_start").click().run()
    first = at.session_state["compare_job_ids"]
    at.button(key="cmp_start").click().run()
    second = at.session_state["compare_job_ids"]
    rerun_when_over(at, fake, first + second)
    assert at.query_params["cmp"] == ",".join(second)
    at.query_params["cmp"] = ",".join(first)  # the browser's Back
    at.run()
    no_errors(at)
    assert at.session_state["compare_job_ids"] == first and at.query_params["cmp"] == ",".join(first)
    at.run()  # and it stays there
    assert at.session_state["compare_job_ids"] == first
    at.query_params["cmp"] = ",".join(second)  # Forward
    at.run()
    assert at.session_state["compare_job_ids"] == second and at.query_params["cmp"] == ",".join(second)
