"""AppTest of the Runs page over a fast fake registry with a run store in a temporary folder:
the list, rename (good and bad names), delete with its confirmation, comparing picked runs, the
quota notice, and the dataset coming back when a reload adopts a job."""

from __future__ import annotations

import json
import re
import threading
import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from lstm_core.config import RunConfig
from lstm_core.data import Series, generate
from lstm_core.jobs import JobRegistry
from lstm_core.store import RunStore
from tests import fakes
from ui import owner_cookie

ROOT = Path(__file__).resolve().parents[1]
TIMEOUT = 30
OWNER = "a" * 32


def inline_registry(store: RunStore, **options) -> JobRegistry:
    """A registry of one worker that runs jobs inline with prebuilt runs, kept in ``store``."""
    return JobRegistry(
        max_workers=1, torch_threads=0, runner=fakes.prebuilt_runner, inline=True, store=store, **options
    )


@pytest.fixture
def reg(tmp_path):
    with fakes.fake_registry(inline_registry(RunStore(tmp_path / "jobs"))) as r:
        yield r


def series(name: str = "my sales.csv", length: int = 80) -> Series:
    return Series(generate("sine", length=length), name=name)


def cfg(seed: int = 0, hidden: int = 4) -> RunConfig:
    return RunConfig.make(hidden_size=hidden, look_back=6, epochs=2, patience=None, device="cpu", ensemble=1, seed=seed)


def runs_page(owner: str = OWNER) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    at.session_state["owner"] = owner
    at.run()  # the app first, as a visitor arrives
    at.switch_page("pages/runs.py").run()
    no_errors(at)
    return at


def no_errors(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def test_with_no_runs_the_page_says_so_and_links_to_train(reg):
    at = runs_page()
    assert at.title[0].value == "Runs"
    assert [i.value for i in at.info] == [
        "You have no saved runs yet: train one and it is kept here, also after a server restart."
    ]
    assert not at.dataframe


def test_the_list_shows_the_owners_runs_with_their_metrics(reg):
    a = reg.submit(series(), cfg(0), owner=OWNER, label="first run")
    b = reg.submit(series(), cfg(1, hidden=6), owner=OWNER, label="second run")
    reg.submit(series(), cfg(2), owner="someone else", label="not mine")
    at = runs_page()
    table = at.dataframe[0].value
    assert list(table["name"]) == ["second run", "first run"]  # newest first, only this owner's
    assert list(table.columns[:2]) == ["name", "when"]  # in view however narrow the screen
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d", w) for w in table["when"])
    assert list(table["cell"]) == ["LSTM 6", "LSTM 4"]  # the cell and its hidden size
    assert set(table["data"]) == {"my sales.csv"}
    assert set(table["verdict"]) <= {"beats", "mixed", "loses"}  # finished: how it did against the baselines
    rmse = reg.snapshot(a).run.metrics.test.rmse
    assert table.loc[table["name"] == "first run", "test RMSE"].item() == pytest.approx(rmse)
    assert at.selectbox(key="runs_pick").value == b


def test_the_run_box_starts_on_the_run_open_in_the_session_not_the_newest(reg):
    # a reload on Forecast's ?job= link of an older run, then Runs: the box showed the newest run,
    # so Rename and Delete acted on another run than the one just viewed
    older = reg.submit(series(), cfg(0), owner=OWNER, label="older run")
    newest = reg.submit(series(), cfg(1), owner=OWNER, label="newest run")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    at.query_params["job"] = older
    with owner_cookie.browser_cookies({owner_cookie.COOKIE: OWNER}):
        at.run()
    at.switch_page("pages/runs.py").run()
    no_errors(at)
    assert at.selectbox(key="runs_pick").value == older
    at.selectbox(key="runs_pick").set_value(newest).run()  # a run picked here stays picked
    at.run()
    assert at.selectbox(key="runs_pick").value == newest


def lcstore_error(label: str) -> str:
    """What the store says of a run name it refuses."""
    from lstm_core.store import check_label

    try:
        check_label(label)
    except ValueError as exc:
        return str(exc)
    raise AssertionError(f"{label!r} was taken")


def test_rename_takes_a_good_name_and_explains_a_bad_one(reg):
    jid = reg.submit(series(), cfg(0), owner=OWNER, label="old name")
    at = runs_page()
    at.text_input(key=f"runs_label_{jid}").set_value("  GRU try 2  ")
    at.button(key="FormSubmitter:runs_rename-Rename").click().run()
    no_errors(at)
    assert reg.store.record(jid).label == "GRU try 2" and reg.snapshot(jid).label == "GRU try 2"
    assert list(at.dataframe[0].value["name"]) == ["GRU try 2"]

    # the box stops typing at the store's limit (it took 200 characters, then refused 81 on Rename)
    assert at.text_input(key=f"runs_label_{jid}").proto.max_chars == 80
    at.text_input(key=f"runs_label_{jid}").set_value("GRU\u200btry")  # an invisible character
    at.button(key="FormSubmitter:runs_rename-Rename").click().run()
    no_errors(at)
    assert [e.value for e in at.error] == [lcstore_error("GRU\u200btry")]
    assert reg.store.record(jid).label == "GRU try 2"


def test_a_rename_says_it_is_done_and_where_another_run_has_the_name(reg):
    """Renamed to "RNN 8 · seed 0", as another run was named: two runs of one name, without a word."""
    reg.submit(series(), cfg(0), owner=OWNER, label="GRU 8")
    jid = reg.submit(series(), cfg(1), owner=OWNER, label="old name")
    at = runs_page()
    at.selectbox(key="runs_pick").set_value(jid).run()
    at.text_input(key=f"runs_label_{jid}").set_value("fresh name")
    at.button(key="FormSubmitter:runs_rename-Rename").click().run()
    assert [c.value for c in at.caption if c.value.startswith("Renamed")] == ["Renamed."]
    at.text_input(key=f"runs_label_{jid}").set_value("GRU 8")
    at.button(key="FormSubmitter:runs_rename-Rename").click().run()
    assert [c.value for c in at.caption if c.value.startswith("Renamed")] == [
        "Renamed. Another of your runs is named “GRU 8” too; the Run box tells them apart by their data and time."
    ]
    at.run()  # said once
    assert not [c.value for c in at.caption if c.value.startswith("Renamed")]


def test_deleting_a_pinned_run_says_it_is_pinned(reg):
    jid = reg.submit(series(), cfg(0), owner=OWNER, label="teacher demo")
    reg.set_pinned(jid, True)
    at = runs_page()
    at.button(key="runs_delete").click().run()
    assert [w.value for w in at.warning if "for good?" in w.value] == [
        "Delete “teacher demo” for good? It is pinned, kept whenever disk space is freed. Its files are removed "
        "from the server."
    ]


def test_deleting_a_run_of_a_comparison_says_the_comparison_loses_it(reg):
    """Deleting "RNN 16 · seed 0" changed its comparison's mean and spread, and the question said only
    that its files go."""
    from lstm_core import compare as cmp

    ids = [
        reg.submit(series(), cfg(s), owner=OWNER, label=cmp.job_label(v, s), tags=cmp.job_tags("g1", v, s))
        for v in ("RNN 16", "LSTM 16")
        for s in (0, 1)
    ]
    alone = reg.submit(series(), cfg(0), owner=OWNER, label="on its own")
    at = runs_page()
    at.selectbox(key="runs_pick").set_value(ids[0]).run()
    at.button(key="runs_delete").click().run()
    assert [w.value for w in at.warning if "for good?" in w.value] == [
        "Delete “RNN 16 · seed 0” for good? It is one of the 4 runs of a comparison, whose results will then leave "
        "it out. Its files are removed from the server."
    ]
    at.button(key="runs_delete_no").click().run()
    at.selectbox(key="runs_pick").set_value(alone).run()
    at.button(key="runs_delete").click().run()
    assert [w.value for w in at.warning if "for good?" in w.value] == [
        "Delete “on its own” for good? Its files are removed from the server."
    ]


def test_rename_sends_the_picked_run_again_for_the_box_to_show_its_new_name(reg):
    # the browser's closed select box kept "old name" after Rename (its options had the new one)
    # until the page was left: the pick is sent again (set_value), and the box redraws its label
    jid = reg.submit(series(), cfg(0), owner=OWNER, label="old name")
    at = runs_page()
    at.run()
    assert not at.selectbox(key="runs_pick").proto.set_value  # a rerun leaves the box alone
    at.text_input(key=f"runs_label_{jid}").set_value("new name")
    at.button(key="FormSubmitter:runs_rename-Rename").click().run()
    no_errors(at)
    box = at.selectbox(key="runs_pick")
    assert box.value == jid and box.proto.set_value and box.options[0].startswith("new name · ")
    at.run()  # only once: the rerun after leaves the box as the user set it
    assert not at.selectbox(key="runs_pick").proto.set_value


def test_delete_asks_first_then_removes_the_run_everywhere(reg, tmp_path):
    keep = reg.submit(series(), cfg(0), owner=OWNER, label="keep me")
    gone = reg.submit(series(), cfg(1), owner=OWNER, label="delete me")
    at = runs_page()
    at.selectbox(key="runs_pick").set_value(gone).run()
    at.button(key="runs_delete").click().run()
    no_errors(at)
    assert any("Delete “delete me” for good?" in w.value for w in at.warning)
    assert reg.store.record(gone) is not None  # nothing happened yet
    at.button(key="runs_delete_no").click().run()
    assert reg.store.record(gone) is not None  # "Keep it"
    assert not any("for good?" in w.value for w in at.warning)

    at.button(key="runs_delete").click().run()
    at.button(key="runs_delete_yes").click().run()
    no_errors(at)
    assert reg.store.record(gone) is None and reg.snapshot(gone) is None
    assert not (tmp_path / "jobs" / gone).exists() and (tmp_path / "jobs" / keep).is_dir()
    assert list(at.dataframe[0].value["name"]) == ["keep me"]


def test_the_open_run_deleted_here_leaves_no_broken_link_behind(reg):
    """The owner deleted the run open in this tab from its Runs page, and was told "The run in this link is
    not on this server (its owner may have deleted it ...)": the URL kept its ?job=."""
    reg.submit(series(), cfg(0), owner=OWNER, label="keep me")
    jid = reg.submit(series(), cfg(1), owner=OWNER, label="GRU four")
    at = runs_page()
    at.button(key="runs_open_forecast").click().run()
    at.switch_page("pages/runs.py").run()
    assert at.session_state["job_id"] == jid and at.query_params["job"] == jid
    at.selectbox(key="runs_pick").set_value(jid).run()
    at.button(key="runs_delete").click().run()
    at.button(key="runs_delete_yes").click().run()
    no_errors(at)
    assert at.session_state["job_id"] is None and "job" not in at.query_params
    at.switch_page("pages/forecast.py").run()
    no_errors(at)
    assert "gone_link" not in at.session_state and not [w.value for w in at.warning if "not on this server" in w.value]


def test_a_run_deleted_in_another_tab_is_named_where_it_was_open(reg):
    """Tab A has a run open, tab B (the same browser) deletes it: A was told "The run in this link is not on
    this server (its owner may have deleted it ...)", to the owner who just did, without its name."""
    reg.submit(series(), cfg(0), owner=OWNER, label="keep me")
    jid = reg.submit(series(), cfg(1), owner=OWNER, label="GRU four")
    tab_a = runs_page()
    tab_a.button(key="runs_open_forecast").click().run()
    assert tab_a.session_state["job_id"] == jid
    tab_b = runs_page()
    tab_b.selectbox(key="runs_pick").set_value(jid).run()
    tab_b.button(key="runs_delete").click().run()
    tab_b.button(key="runs_delete_yes").click().run()
    tab_a.switch_page("pages/gates.py").run()
    no_errors(tab_a)
    assert tab_a.session_state["job_id"] is None
    assert tab_a.session_state["gone_link"][2] == (
        "Your run “GRU four”, open here, was deleted (from the Runs page, perhaps in another tab)."
    )


def test_picking_runs_compares_them_side_by_side(reg):
    ids = [reg.submit(series(), cfg(s, hidden=4 + s), owner=OWNER, label=f"h{4 + s}") for s in range(3)]
    at = runs_page()
    at.multiselect(key="runs_compare").set_value(ids[:1]).run()
    assert len(at.dataframe) == 1  # one run: nothing to compare yet
    assert any("Pick at least 2 runs" in c.value for c in at.caption)
    at.multiselect(key="runs_compare").set_value(ids).run()
    no_errors(at)
    models = list(at.dataframe[1].value["model"])
    assert models[:3] == ["h4", "h5", "h6"] and "baseline: naive" in models  # same data: baselines too
    assert len(at.get("plotly_chart")) == 1  # the overlay of their forecasts
    assert "test RMSE" in " ".join(at.dataframe[1].value["best in"])  # same points: every error ranks

    other = reg.submit(series("other.csv", length=100), cfg(0), owner=OWNER, label="other data")
    at.multiselect(key="runs_compare").set_value([ids[0], other]).run()
    no_errors(at)
    models = list(at.dataframe[1].value["model"])
    assert models == ["h4", "other data"]
    assert any("not scored on the same test points" in i.value for i in at.info)
    assert not at.get("plotly_chart")
    # errors in each series' own units do not rank runs on different data; MASE (scaled) does
    best_in = " ".join(at.dataframe[1].value["best in"])
    assert "RMSE" not in best_in and "test MAE" not in best_in and "test MASE" in best_in


def test_the_quota_notice_names_the_deleted_runs_once(reg):
    old = reg.submit(series(), cfg(0), owner=OWNER, label="my oldest run")
    reg.set_pinned(reg.submit(series(), cfg(1), owner=OWNER, label="pinned one"), True)
    reg.store.quota_bytes = reg.store.index.usage(OWNER)
    reg.submit(series(), cfg(2), owner=OWNER, label="the newest")
    assert reg.store.record(old) is None
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    at.session_state["owner"] = OWNER
    at.run()  # any page: the sidebar says it
    no_errors(at)
    warnings = [w.value for w in at.sidebar.warning]
    assert len(warnings) == 1 and "my oldest run" in warnings[0] and "pinned one" not in warnings[0]
    # reloaded (or the server restarted) before OK: the news was taken when first drawn, and lost
    again = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    again.session_state["owner"] = OWNER
    again.run()
    assert [w.value for w in again.sidebar.warning] == warnings
    at.sidebar.button(key="runs_notice_ok").click().run()
    assert not at.sidebar.warning
    at.run()
    assert not at.sidebar.warning  # said once


def test_a_reload_on_a_job_link_brings_back_the_data_it_was_trained_on(reg):
    data = series("uploaded.csv", length=90)
    jid = reg.submit(data, cfg(0), owner=OWNER, label="on my data")
    viewer = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)  # the share link alone
    viewer.query_params["job"] = jid
    viewer.run()
    no_errors(viewer)
    assert viewer.session_state["owner"] != OWNER and viewer.session_state["dataset"].name != "uploaded.csv"
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)  # the owner's tab reloaded
    at.query_params["job"] = jid
    with owner_cookie.browser_cookies({owner_cookie.COOKIE: OWNER}):  # its browser sends the owner cookie
        at.run()
    no_errors(at)
    ds = at.session_state["dataset"]
    assert ds.name == "uploaded.csv" and len(ds.frame) == 90 and ds.frame.equals(data.frame)
    assert at.session_state["owner"] == OWNER
    assert "uploaded.csv" in " ".join(c.value for c in at.sidebar.caption)
    at.switch_page("pages/train.py").run()
    no_errors(at)
    assert "uploaded.csv" in at.caption[0].value  # what the next Start trains on
    at.switch_page("pages/data.py").run()
    no_errors(at)
    assert any("Restored with your run after a reload" in m.value for m in at.markdown)


def test_a_reload_on_a_comparison_link_brings_back_the_data_it_was_trained_on(reg):
    """A reload of the Compare page (``?cmp=``) named the bundled series above results on the
    uploaded one, and the next comparison trained on the bundled series."""
    data = series("uploaded.csv", length=90)
    ids = [
        reg.submit(data, cfg(s), owner=OWNER, label=f"v · seed {s}", tags={"variant": "v", "seed": s}) for s in (0, 1)
    ]
    viewer = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)  # the link in another browser
    viewer.query_params["cmp"] = ",".join(ids)
    viewer.run()
    no_errors(viewer)
    assert viewer.session_state["dataset"].name != "uploaded.csv"
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)  # the owner's tab reloaded
    at.query_params["cmp"] = ",".join(ids)
    with owner_cookie.browser_cookies({owner_cookie.COOKIE: OWNER}):
        at.run()
    no_errors(at)
    ds = at.session_state["dataset"]
    assert ds.name == "uploaded.csv" and ds.frame.equals(data.frame)
    assert "uploaded.csv" in " ".join(c.value for c in at.sidebar.caption)
    at.switch_page("pages/compare.py").run()
    no_errors(at)
    assert at.session_state["compare_job_ids"] == ids
    assert "uploaded.csv" in at.caption[0].value  # above the results, and what the next comparison trains on


def restarted(tmp_path, submit) -> tuple[JobRegistry, threading.Event, list[str]]:
    """Jobs that ``submit(registry)`` (-> their ids) ran before a server restart, and the registry of
    the server started again on the same store, whose runs load from disk only once the returned
    event is set."""
    first = inline_registry(RunStore(tmp_path / "jobs"))
    ids = submit(first)
    first.close()
    loaded = threading.Event()
    disk = RunStore(tmp_path / "jobs")
    read = disk.load
    disk.load = lambda job_id: loaded.wait(TIMEOUT) and read(job_id)  # type: ignore[method-assign]
    again = inline_registry(disk)
    return again, loaded, ids


def test_a_comparison_opened_while_its_runs_load_after_a_restart_shows_them_once_loaded(tmp_path):
    """After a server restart the Compare page said "No run finished" of runs still loading from
    disk, and stayed so until a reload."""
    from lstm_core import compare as cmp

    again, loaded, ids = restarted(
        tmp_path,
        lambda reg: [
            reg.submit(series(), cfg(s), owner=OWNER, label=f"h4 · seed {s}", tags=cmp.job_tags("g", "h4", s))
            for s in (0, 1)
        ],
    )
    with fakes.fake_registry(again):
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
        at.query_params["cmp"] = ",".join(ids)
        with owner_cookie.browser_cookies({owner_cookie.COOKIE: OWNER}):
            at.run()
            at.switch_page("pages/compare.py").run()
        no_errors(at)
        assert [i.value for i in at.info if "Loading" in i.value] == [
            "Loading 2 run(s) saved before the server restarted; the results appear here in a moment."
        ]
        assert not at.warning and not any(s.value == "Results" for s in at.subheader)
        loaded.set()
        for jid in ids:
            assert again.wait_until(jid, lambda s: not s.restoring, TIMEOUT).run is not None
        at.run()  # what the page's polling fragment asks for once they are in (AppTest runs no timers)
        no_errors(at)
        # no "No run finished" left: the one warning a finished comparison may show is a baseline beating its variants
        assert any(s.value == "Results" for s in at.subheader)
        assert all(w.value.startswith("A baseline beats every variant: ") for w in at.warning)


def _opened_after_restart(job: str, page: str) -> AppTest:
    """``page`` opened by the owner's browser on a ``?job=`` link (no error shown)."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    at.query_params["job"] = job
    with owner_cookie.browser_cookies({owner_cookie.COOKIE: OWNER}):
        at.run()
        at.switch_page(page).run()
    no_errors(at)
    return at


@pytest.mark.parametrize(
    "page, empty",
    [("pages/forecast.py", "No trained run yet"), ("pages/gates.py", "No trained model yet")],
)
def test_a_page_opened_while_its_run_loads_after_a_restart_says_loading_not_no_run(tmp_path, page, empty):
    """Just after a restart, a ``?job=`` link said "Loading 1 run(s) saved before the server
    restarted" and, right under it, "No trained run yet: start one on the Train page"."""
    again, loaded, (job,) = restarted(
        tmp_path, lambda reg: [reg.submit(series(), cfg(0), owner=OWNER, label="before the restart")]
    )
    with fakes.fake_registry(again):
        at = _opened_after_restart(job, page)
        infos = [i.value for i in at.info]
        assert "Loading 1 run(s) saved before the server restarted; they appear here in a moment." in infos
        assert not [i for i in infos if i.startswith(empty)]
        loaded.set()
        assert again.wait_until(job, lambda s: not s.restoring, TIMEOUT).run is not None
        at.run()  # what the notice's polling fragment asks for once the run is in (AppTest runs no timers)
        no_errors(at)
        assert not [i for i in at.info if i.value.startswith(("Loading", empty))]


def test_the_train_page_of_a_run_loading_after_a_restart_says_loading_not_epoch_0(tmp_path):
    """``/train?job=`` of a finished run just after a restart: "Finished — early-stopped after 69 epochs" above
    "Epoch 0 / 4000 · elapsed 1s" and an empty loss chart, until a reload."""
    from ui.jobs_view import RESTORING_NOTE

    again, loaded, (job,) = restarted(
        tmp_path, lambda reg: [reg.submit(series(), cfg(0), owner=OWNER, label="before the restart")]
    )
    with fakes.fake_registry(again):
        at = _opened_after_restart(job, "pages/train.py")
        assert RESTORING_NOTE in [i.value for i in at.info]
        assert not at.get("progress") and not any("first epoch" in m.value for m in at.markdown)
        loaded.set()
        assert again.wait_until(job, lambda s: not s.restoring, TIMEOUT).run is not None
        at.run()  # what the panel's polling asks for once the run is in (AppTest runs no timers)
        no_errors(at)
        assert RESTORING_NOTE not in [i.value for i in at.info]
        assert any(c.proto.id.endswith("_loss_chart") for c in at.get("plotly_chart"))


def test_a_run_page_whose_open_run_was_interrupted_says_why_it_shows_another(tmp_path):
    """After a restart, Forecast with the interrupted run open showed another run: the Run box named it, and
    nothing said why the open one was not shown."""
    store, first, jid = _interrupted_job(tmp_path)
    again = inline_registry(store)
    with fakes.fake_registry(again):
        done = again.submit(series(), cfg(1), owner=OWNER, label="trained after")
        for page, box in (("pages/forecast.py", "forecast_pick"), ("pages/gates.py", "gates_run")):
            at = _opened_after_restart(jid, page)
            assert at.selectbox(key=box).value == done
            assert (
                "The open run “cut short” was interrupted by a server restart before it finished (train it again "
                "on the Train page); this is another run."
            ) in [c.value for c in at.caption]
    first.close()


def test_the_train_page_opened_by_its_address_shows_this_browsers_run_in_training(tmp_path):
    """``/train`` reloaded (or opened in a new tab) while the browser's run trained showed no progress and no Stop,
    while the sidebar listed the run "running"."""
    store, reg, started = _never_ending_registry(tmp_path)
    with fakes.fake_registry(reg):
        jid = reg.submit(series(), cfg(0), owner=OWNER, label="long one")
        assert started.wait(TIMEOUT)
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
        with owner_cookie.browser_cookies({owner_cookie.COOKIE: OWNER}):
            at.run()
            at.switch_page("pages/train.py").run()
        no_errors(at)
        assert at.session_state["job_id"] == jid and at.query_params["job"] == jid
        assert at.button(key="train_job_stop").label == "Stop"
        other = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)  # another browser: none of it
        with owner_cookie.browser_cookies({owner_cookie.COOKIE: "someone else"}):
            other.run()
            other.switch_page("pages/train.py").run()
        assert not [b for b in other.button if b.label == "Stop"] and "job" not in other.query_params
        reg.cancel(jid)
    reg.close()


def test_data_kept_without_a_name_is_reported_under_the_name_shown():
    """A run loaded back from disk keeps its data without a file name: the Data page's report
    said ": 500 rows, 1 numeric column(s)" under the heading "data of a saved run"."""
    from ui.state import dataset_from_series

    ds = dataset_from_series(series("", length=50), {})
    assert ds.name == "data of a saved run"
    assert ds.report.summary()[0].startswith("data of a saved run: 50 rows, ")


def test_a_reload_keeps_data_the_session_loaded_itself(reg):
    jid = reg.submit(series("uploaded.csv", length=90), cfg(0), owner=OWNER, label="on my data")
    from ui.state import dataset_from_series

    mine = dataset_from_series(series("mine.csv", length=50), {}, version=3)  # loaded in this session
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    at.session_state["dataset"] = mine
    at.query_params["job"] = jid
    at.run()
    no_errors(at)
    assert at.session_state["job_id"] == jid and at.session_state["dataset"].name == "mine.csv"


def test_open_in_forecast_or_gates_makes_it_the_current_run(reg):
    other = reg.submit(series(), cfg(0), owner=OWNER, label="other run")
    jid = reg.submit(series(), cfg(1), owner=OWNER, label="open me")
    at = runs_page()
    at.selectbox(key="runs_pick").set_value(other).run()
    at.button(key="runs_open_forecast").click().run()
    no_errors(at)
    assert at.title[0].value == "Forecast"
    assert at.session_state["job_id"] == other and at.selectbox(key="forecast_pick").value == other
    at.switch_page("pages/runs.py").run()
    at.selectbox(key="runs_pick").set_value(jid).run()
    at.button(key="runs_open_gates").click().run()
    no_errors(at)
    assert at.title[0].value == "Gates" and at.selectbox(key="gates_run").value == jid


def test_opening_a_run_brings_its_data_over_the_bundled_data_only(reg):
    """A restored zip opened in a fresh session showed its run under a sidebar naming the airline data
    that Train would use: its data comes with it, as on a reload of its link; data the session loaded
    itself is kept."""
    jid = reg.submit(series("umsatz.csv", length=70), cfg(0), owner=OWNER, label="on umsatz")
    at = runs_page()
    assert at.session_state["dataset"].name == "airline passengers (bundled)"
    at.button(key="runs_open_forecast").click().run()
    no_errors(at)
    ds = at.session_state["dataset"]
    assert (at.session_state["job_id"], ds.name, len(ds.frame)) == (jid, "umsatz.csv", 70)

    from ui.state import dataset_from_series

    mine = dataset_from_series(series("mine.csv", length=50), {}, version=3)  # loaded in this session
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    at.session_state["owner"], at.session_state["dataset"] = OWNER, mine
    at.run()
    at.switch_page("pages/runs.py").run()
    at.button(key="runs_open_gates").click().run()
    no_errors(at)
    assert at.session_state["job_id"] == jid and at.session_state["dataset"].name == "mine.csv"


def test_the_forecast_page_brings_the_data_of_the_run_it_shows(reg):
    """A zip restored on the Forecast page in a fresh session: its run on screen under a sidebar naming the
    bundled airline data, which Train would then use."""
    jid = reg.submit(series("umsatz.csv", length=70), cfg(0), owner=OWNER, label="on umsatz")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    at.session_state["owner"] = OWNER
    at.run()
    assert at.session_state["dataset"].name == "airline passengers (bundled)"
    at.switch_page("pages/forecast.py").run()
    no_errors(at)
    assert at.selectbox(key="forecast_pick").value == jid
    assert at.session_state["dataset"].name == "umsatz.csv" and len(at.session_state["dataset"].frame) == 70


def test_a_run_picked_on_forecast_is_the_open_run_on_every_page(reg):
    """Picked on Forecast, a page switch went back to the newest run, and Gates opened on the newest too."""
    older = reg.submit(series(), cfg(0), owner=OWNER, label="older run")
    newest = reg.submit(series(), cfg(1), owner=OWNER, label="newest run")
    at = runs_page()
    at.switch_page("pages/forecast.py").run()
    assert at.selectbox(key="forecast_pick").value == newest
    at.selectbox(key="forecast_pick").set_value(older).run()
    no_errors(at)
    assert at.session_state["job_id"] == older and at.query_params["job"] == older  # a reload opens it too
    at.switch_page("pages/runs.py").run()
    at.switch_page("pages/forecast.py").run()
    assert at.selectbox(key="forecast_pick").value == older
    at.switch_page("pages/gates.py").run()
    no_errors(at)
    assert at.selectbox(key="gates_run").value == older


def test_a_run_memory_let_go_is_opened_from_disk(tmp_path):
    now = [1_000_000.0]
    reg = inline_registry(RunStore(tmp_path / "jobs"), ttl_s=60, clock=lambda: now[0])
    with fakes.fake_registry(reg):
        jid = reg.submit(series(), cfg(0), owner=OWNER, label="from disk")
        now[0] += 61  # memory lets it go; the store keeps it
        assert reg.snapshot(jid) is None
        opened_from_disk(reg, jid)


def opened_from_disk(reg: JobRegistry, jid: str) -> None:
    at = runs_page()
    assert list(at.dataframe[0].value["name"]) == ["from disk"]
    at.button(key="runs_open_forecast").click().run()
    no_errors(at)
    assert at.title[0].value == "Forecast" and reg.snapshot(jid).run is not None
    assert any("Metrics on the test part" in s.value for s in at.subheader)


def _never_ending_registry(tmp_path) -> tuple[RunStore, JobRegistry, threading.Event]:
    """A store and a one-worker registry on it whose jobs train until stopped, and the event set
    when the first of them starts."""
    started = threading.Event()

    def never_ends(series, cfg, *, callbacks):
        started.set()
        callbacks.stop.wait(TIMEOUT)
        raise RuntimeError("stopped")

    store = RunStore(tmp_path / "jobs")
    return store, JobRegistry(max_workers=1, torch_threads=0, runner=never_ends, store=store), started


def _interrupted_job(tmp_path) -> tuple[RunStore, JobRegistry, str]:
    """A store with one job training ("cut short") in a registry whose server then stops: the
    store, that registry (to close) and the job's id."""
    store, first, started = _never_ending_registry(tmp_path)
    jid = first.submit(series(), cfg(0), owner=OWNER, label="cut short")
    assert started.wait(TIMEOUT)
    return store, first, jid


def test_an_interrupted_run_is_listed_and_opens_on_train_to_be_trained_again(tmp_path):
    store, first, jid = _interrupted_job(tmp_path)
    # the server stops here; a new one starts on the same store
    again = inline_registry(store)
    with fakes.fake_registry(again):
        at = runs_page()
        table = at.dataframe[0].value
        assert list(table["name"]) == ["cut short"] and list(table["verdict"]) == ["interrupted"]  # its status
        assert table[["test RMSE", "multi-step RMSE", "MASE"]].isna().all(axis=None)  # it has no scores, and
        assert at.dataframe[0].proto.placeholder == "—"  # the grid writes "—" for them, not "None"
        home = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
        home.session_state["owner"] = OWNER
        home.run()  # the sidebar, as on any page
        lines = [c.value for c in home.sidebar.caption if "cut short" in c.value]
        assert len(lines) == 1 and lines[0].endswith("cut short — interrupted"), lines  # read "— failed", in red
        assert at.button(key="runs_open_forecast").disabled
        at.button(key="runs_open_train").click().run()
        no_errors(at)
        assert at.title[0].value == "Train" and at.session_state["job_id"] == jid
        assert any(b.label == "Train it again" for b in at.button)
        # it reads interrupted, as on the Runs page: the Train page said "Failed — Interrupted by a
        # server restart ..." as an error
        assert [w.value for w in at.warning] == [
            "**Interrupted** — Interrupted by a server restart before it finished; train it again to get its run."
        ] and not at.error
        # nothing of its training survived the restart: no "Epoch 0 / 400" bar, no waiting loss chart
        assert not at.get("progress") and not any("first epoch" in m.value for m in at.markdown)
    first.close()


def test_the_comparison_table_has_one_row_per_run_and_no_spread_columns(reg):
    from ui.runs_page import comparison

    a, b = (reg.submit(series(), cfg(s, hidden=4 + s), owner=OWNER, label=f"h{4 + s}") for s in range(2))
    runs = {"h4": reg.snapshot(a).run, "h5": reg.snapshot(b).run}
    table, overlay = comparison(runs)
    assert list(table.loc[table["kind"] == "variant", "model"]) == ["h4", "h5"]
    assert table.loc[0, "test RMSE"] == pytest.approx(runs["h4"].metrics.test.rmse)
    assert table.loc[1, "multi-step RMSE"] == pytest.approx(runs["h5"].metrics.test_multistep.rmse)
    assert not [c for c in table.columns if c.endswith("std") or c == "seeds"]
    assert list(overlay.columns) == ["time", "actual", "part", "h4", "h5"]


def test_runs_whose_baselines_differ_on_the_same_points_are_compared_without_them(reg):
    """Two runs of one file and split, one with a season of 12 and one of 6: the table showed the
    first run's seasonal naive and Holt-Winters rows as if they were both's."""
    from ui.runs_page import comparison

    made = {}
    for season in (12, 6, 12):
        c = cfg(0)
        c.data.season = season
        made[f"s{season}-{len(made)}"] = reg.snapshot(reg.submit(series(), c, owner=OWNER, label=f"s{season}")).run
    names = list(made)
    same, _ = comparison({n: made[n] for n in (names[0], names[2])})  # both seasons 12
    assert (same["kind"] == "baseline").any()
    mixed, overlay = comparison({n: made[n] for n in names[:2]})
    b12, b6 = made[names[0]].metrics.baselines_multistep, made[names[1]].metrics.baselines_multistep
    assert b12["seasonal_naive"].rmse != pytest.approx(b6["seasonal_naive"].rmse)
    assert not (mixed["kind"] == "baseline").any() and list(mixed["model"]) == names[:2]
    assert overlay is not None  # the same test points: the overlay stays


def test_the_download_is_the_stored_run_zip_and_loads_back(reg, tmp_path):
    from lstm_core import runs as lcruns
    from ui.runs_page import zip_bytes, zip_name

    jid = reg.submit(series(), cfg(0), owner=OWNER, label="GRU / try #2")
    data = zip_bytes(jid)
    back = lcruns.load_run(lcruns.zip_to_run_dir(data, tmp_path / "unzipped"))
    assert back.predictions.equals(reg.snapshot(jid).run.predictions)
    assert zip_name(reg.store.record(jid)) == "GRU-try-2.zip"


def test_data_restored_after_a_reload_does_not_claim_how_its_file_was_read(reg):
    """Only the frame is kept with a run: the Data page said "delimiter comma", "Read as utf-8,
    delimiter ','" and "0 missing" for a semicolon file with decimal commas and an empty cell."""
    import pandas as pd

    from lstm_core.data import load_csv

    values = generate("sine", length=80).iloc[:, 0].to_numpy()
    dates = pd.date_range("2020-01-01", periods=80, freq="D")
    cells = ["" if k == 30 else f"{v:.3f}".replace(".", ",") for k, v in enumerate(values)]  # one empty cell
    rows = [f"{d:%d.%m.%Y};{c}" for d, c in zip(dates, cells)]
    loaded = load_csv(("Datum;Wert\n" + "\n".join(rows) + "\n").encode(), name="messwerte.csv")
    assert loaded.report.delimiter == ";" and loaded.report.missing == {"Wert": 1}
    jid = reg.submit(loaded.series, cfg(0), owner=OWNER, label="semicolons")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)  # the owner's tab reloaded
    at.query_params["job"] = jid
    with owner_cookie.browser_cookies({owner_cookie.COOKIE: OWNER}):
        at.run()
        at.switch_page("pages/data.py").run()
    no_errors(at)
    assert at.session_state["dataset"].name == "messwerte.csv"
    shown = " ".join(c.value for c in at.main.caption) + " ".join(m.value for m in at.main.markdown)
    assert "Restored with your run after a reload" in shown
    assert "delimiter **" not in shown and "Read as" not in shown and "missing (policy" not in shown
    assert "the file's delimiter, missing values and gaps are not kept" in shown


def test_the_list_fits_1280_px_and_keeps_what_a_run_is(reg):
    """Twelve columns scrolled sideways at 1280 px (818 px beside the sidebar): nine fixed
    widths, the cell and its size in one column, the status in the verdict's column when the
    run did not finish, and nothing the list needs left out."""
    from ui import runs_page as rp

    reg.submit(series(), cfg(0), owner=OWNER, label="a run")
    at = runs_page()
    table = at.dataframe[0].value
    assert list(table.columns) == [
        "name",
        "when",
        "data",
        "cell",
        "test RMSE",
        "multi-step RMSE",
        "MASE",
        "verdict",
        "pinned",
    ]
    config = rp.column_config()
    assert set(config) == set(table.columns)
    widths = [config[c]["width"] for c in table.columns]
    assert all(isinstance(w, int) for w in widths) and sum(widths) <= 818


def test_presenting_the_list_is_an_html_table_with_every_name_as_text(reg):
    """st.dataframe draws 14 px text on a canvas; presenting, the rows are an HTML table at
    projector size, every cell escaped (a name is whatever a user typed or a file was called)."""
    from ui import presenter

    reg.submit(series("[x](http://evil.example).csv"), cfg(0), owner=OWNER, label="<b>bold</b> run")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    at.session_state["owner"] = OWNER
    at.query_params[presenter.PARAM] = "1"
    at.run()
    at.switch_page("pages/runs.py").run()
    no_errors(at)
    assert not at.dataframe
    (body,) = [h.proto.body for h in at.html if "<table>" in h.proto.body]
    assert f"font-size: {presenter.TABLE_FONT}" in body
    assert "<td>&lt;b&gt;bold&lt;/b&gt; run</td>" in body and "<b>" not in body
    assert "[x](http://evil.example).csv</td>" in body and "<a " not in body


def _record(label: str, dataset: str = "huge_values.csv", rmse: float | None = 1.0, multi: float | None = 2.0):
    from lstm_core.index import RunRecord

    config = {"model": {"cell": "lstm", "hidden_size": 32}}
    return RunRecord(label, OWNER, label, config, "finished", 0.0, dataset=dataset, rmse=rmse, rmse_multi=multi)


def test_a_huge_error_is_written_with_separators_in_a_column_wide_enough():
    """A 1e15-scale series' RMSE read "000000000" (%.4g's 10090000000000 cut from the left in
    66 px), the Forecast page's table 10,090,000,000,000: written so, right-aligned, in a column
    wide enough, while another series' 0.08154 in the same column keeps its figures (Streamlit's
    "localized" format wrote 0.082); a list of small errors keeps its formats and widths.

    Written as text ("10,090,000,000,000"), a click on the header sorted the column
    alphabetically (9,000 after 10,000) and the comparison drew its numbers on the left: the
    column stays numeric, rounded to 4 figures, with the grid's "%,.4g" format."""
    from ui import metric_numbers
    from ui import runs_page as rp

    big = _record("big", rmse=10_093_456_789_012.0, multi=None)
    records = [big, _record("small", rmse=0.081543, multi=0.5), _record("nine", rmse=9_012.3, multi=1.0)]
    tbl, config = rp.shown(records)
    assert tbl["test RMSE"].dtype.kind == "f" and tbl["test RMSE"].tolist() == [10_090_000_000_000.0, 0.08154, 9012.0]
    assert tbl.sort_values("test RMSE")["name"].tolist() == ["small", "nine", "big"]  # as numbers
    assert tbl["multi-step RMSE"].iloc[1] == 0.5 and tbl["multi-step RMSE"].dtype.kind == "f"  # no big value
    spec = config["test RMSE"]
    assert (spec["type_config"]["type"], spec["type_config"]["format"]) == ("number", "%,.4g")
    shown = [metric_numbers.grid_text(spec["type_config"]["format"], v) for v in tbl["test RMSE"]]
    assert shown == ["10,090,000,000,000", "0.08154", "9,012"]
    assert spec["width"] >= rp.DIGIT_PX * len("10,090,000,000,000") + rp.CELL_PAD_PX
    assert config["multi-step RMSE"]["type_config"]["format"] == "%.4g"
    small_table, small = rp.shown([_record("small", rmse=12.34, multi=5678.0)])
    assert small_table["test RMSE"].tolist() == [12.34]
    assert [small[c]["type_config"]["format"] for c in rp.METRICS] == ["%.4g", "%.4g"]
    assert {c: small[c]["width"] for c in rp.COLUMN_WIDTHS} == rp.COLUMN_WIDTHS


def test_the_grid_printf_is_written_alike_in_the_presenting_table():
    """Presenting, the list is an HTML table: Python's "%" has no "," flag, and its "%.4g" wrote
    1.009e+13 where the grid writes 10090000000000; both are written as the grid's sprintf does."""
    from ui import metric_numbers, presenter

    cases = {
        ("%,.4g", 10_093_456_789_012.0): "10,090,000,000,000",
        ("%,.4g", 0.081543): "0.08154",
        ("%,.4g", 1234.5): "1,235",  # toPrecision: a tie goes up
        ("%,.4g", -12_345.6): "-12,350",
        ("%.4g", 10_093_000_000_000.0): "10090000000000",
        ("%,.0f", 4724.0): "4,724",
        ("%,d", 3604.0): "3,604",
        ("%.3g", 0.7324): "0.732",
    }
    assert {k: metric_numbers.grid_text(*k) for k in cases} == cases
    assert (
        metric_numbers.grid_text("localized", 1.0) is None and metric_numbers.grid_text("%,.4g", float("nan")) is None
    )
    spec = {"type_config": {"type": "number", "format": "%,.4g"}}
    assert presenter._cell_text(10_093_456_789_012.0, spec) == "10,090,000,000,000"


def test_the_list_names_a_run_without_repeating_its_data():
    """ "lstm h32 on cran_packages.csv" was cut to "lstm h32 on cran_packag…" beside a data column
    saying cran_packages.csv; a name of the user's own is kept whole."""
    from ui import runs_page as rp

    records = [
        _record("lstm h32 on cran_packages.csv", "cran_packages.csv"),
        _record("my own name", "cran_packages.csv"),
        _record(" on x.csv", "x.csv"),
    ]
    assert rp.table(records)["name"].tolist() == ["lstm h32", "my own name", " on x.csv"]
    assert rp.option_label(records[0]).startswith("lstm h32 · cran_packages.csv · ")


def test_the_comparison_writes_big_errors_with_separators_and_missing_values_as_dashes():
    """The Runs page's comparison wrote a 1e15-scale RMSE as 1.008e+13 and a baseline's missing
    parameters as "None" (the grid ignores a Styler's na_rep); the best values stay marked. Its
    errors written as text were sorted alphabetically and drawn on the left: they stay numbers,
    written by the Styler, and the numbers kept as text are right-aligned."""
    import numpy as np
    import pandas as pd

    from ui.compare_view import BEST, styled_table, table_config

    table = pd.DataFrame(
        {
            "model": ["a", "b", "baseline: naive"],
            "kind": ["variant", "variant", "baseline"],
            "test RMSE": [1.0083e13, 1.0084e13, 6.362e13],
            "test MASE": [0.7324, 0.7323, 5.126],
            "parameters": [4724.0, 3604.0, np.nan],
            "train seconds": [0.17, 0.15, np.nan],
        }
    )
    styler = styled_table(table)
    data = styler.data
    assert data["test RMSE"].dtype.kind == "f" and data["test MASE"].dtype.kind == "f"  # sorted as numbers
    styler._compute()
    shown = pd.DataFrame([[cell["display_value"] for cell in row[1:]] for row in styler._translate(True, True)["body"]])
    shown.columns = data.columns
    assert shown["test RMSE"].tolist() == ["10,080,000,000,000", "10,080,000,000,000", "63,620,000,000,000"]
    assert shown["test MASE"].tolist() == ["0.7324", "0.7323", "5.126"]
    assert data.loc[2, ["parameters", "train seconds"]].tolist() == ["—", "—"]
    assert data.loc[0, "parameters"] == "4,724" and data.loc[1, "best in"].startswith("★ ")
    config = table_config(table)
    assert set(config) == {"parameters", "train seconds"} and config["parameters"]["alignment"] == "right"
    marked = {(r, data.columns[c]) for (r, c), props in styler.ctx.items() if props}
    assert marked == {(0, "test RMSE"), (1, "test MASE"), (1, "parameters"), (1, "train seconds")}
    assert dict(styler.ctx[(0, 2)]) == dict(p.split(": ") for p in BEST.split("; "))


@pytest.mark.parametrize("page", ["pages/forecast.py", "pages/gates.py"])
def test_a_page_opened_while_the_first_run_trains_says_it_trains_not_start_one(tmp_path, page):
    """Forecast, opened while the person's first run trained, said "No trained run yet: start one
    on the Train page (the defaults work)": they went back and pressed Start again."""
    release = threading.Event()

    def slow_runner(data, config, *, callbacks=None):
        release.wait(TIMEOUT)
        return fakes.prebuilt_runner(data, config, callbacks=callbacks)

    registry = JobRegistry(max_workers=1, torch_threads=0, runner=slow_runner, store=RunStore(tmp_path / "jobs"))
    try:
        with fakes.fake_registry(registry):
            job = registry.submit(series(), cfg(), owner=OWNER, label="my first run")
            registry.wait_until(job, lambda s: s.status == "running", TIMEOUT)
            at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
            with owner_cookie.browser_cookies({owner_cookie.COOKIE: OWNER}):
                at.run()
                at.switch_page(page).run()
                no_errors(at)
                infos = [i.value for i in at.info]
                assert (
                    "Your run “my first run” is running; it appears here once it has finished "
                    "(follow it on the Train page)." in infos
                )
                assert not [i for i in infos if i.startswith(("No trained run yet", "No trained model yet"))]
                release.set()
                assert registry.wait(job, TIMEOUT).run is not None
                at.run()  # the sidebar's jobs list asks for this rerun once the job has ended
                no_errors(at)
                assert not [i for i in at.info if i.value.startswith("Your run")]
    finally:
        release.set()
        registry.close()


def test_a_comparison_whose_runs_memory_let_go_still_shows_and_a_deleted_run_is_said(tmp_path):
    """The Compare page kept only the ids of jobs still in memory: once an owner had more than 40
    finished jobs (or after 2 hours) a comparison's runs, still on disk, were dropped, with its
    ``?cmp=`` link, and the page showed only the empty form. A run of it deleted on the Runs page
    left it without a word."""
    now = [time.time()]
    registry = inline_registry(RunStore(tmp_path / "jobs"), clock=lambda: now[0])
    with fakes.fake_registry(registry):
        data = series("uploaded.csv", length=90)
        tags = [{"kind": "compare", "group": "g1", "variant": v, "seed": 0} for v in ("a", "b", "c")]
        ids = [
            registry.submit(data, cfg(i), owner=OWNER, label=f"{t['variant']} · seed 0", tags=t)
            for i, t in enumerate(tags)
        ]
        now[0] += 3 * 3600  # two hours on: memory lets them go; the store keeps them
        assert all(registry.snapshot(i) is None for i in ids)
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
        at.query_params["cmp"] = ",".join(ids)
        with owner_cookie.browser_cookies({owner_cookie.COOKIE: OWNER}):
            at.run()
            at.switch_page("pages/compare.py").run()
            no_errors(at)
            assert at.session_state["compare_job_ids"] == ids
            assert at.query_params["cmp"] == ",".join(ids)
            for jid in ids:  # reopened from disk: loading in the background, as after a restart
                assert registry.wait_until(jid, lambda s: not s.restoring, TIMEOUT).run is not None
            at.run()  # what the page's polling fragment asks for once they are in
            no_errors(at)
            assert any(s.value == "Results" for s in at.subheader)
            registry.delete_run(ids[1])  # on the Runs page, in another tab
            at.run()
            no_errors(at)
            assert (
                "1 of the 3 runs of this comparison is gone (stopped before it trained, deleted on the Runs page, "
                "or deleted to free disk space); "
                "the results below are of the other 2." in [i.value for i in at.info]
            )
            assert at.session_state["compare_job_ids"] == [ids[0], ids[2]]
            assert any(s.value == "Results" for s in at.subheader)
            at.run()  # the next rerun (after a restart: once the saved runs load) dropped the sentence
            assert any(i.value.startswith("1 of the 3 runs of this comparison is gone") for i in at.info)
    registry.close()


def test_a_comparison_stopped_in_the_queue_says_why_its_runs_are_gone_after_a_restart(tmp_path):
    """Stop all while runs were queued, then a restart: the ?cmp= link said its runs were "gone
    (deleted on the Runs page, or to free disk space)", though nobody deleted them; they were stopped
    before they trained (and so never came back as "interrupted by a server restart")."""
    store, first, started = _never_ending_registry(tmp_path)
    tags = [{"kind": "compare", "group": "g1", "variant": v, "seed": 0} for v in ("a", "b")]
    ids = [
        first.submit(series(), cfg(i), owner=OWNER, label=f"{t['variant']} · seed 0", tags=t)
        for i, t in enumerate(tags)
    ]
    assert started.wait(TIMEOUT) and first.snapshot(ids[1]).status == "queued"
    for jid in ids:  # Stop all
        first.cancel(jid)
    for jid in ids:
        first.wait(jid, TIMEOUT)
    first.close()
    again = inline_registry(store)  # the server restarts on the same store
    with fakes.fake_registry(again):
        assert not [r for r in again.runs(OWNER) if r.id in ids]  # not listed as interrupted
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
        at.query_params["cmp"] = ",".join(ids)
        with owner_cookie.browser_cookies({owner_cookie.COOKIE: OWNER}):
            at.run()
            at.switch_page("pages/compare.py").run()
            no_errors(at)
            assert (
                "2 of the 2 runs of this comparison are gone (stopped before they trained, deleted on the Runs "
                "page, or deleted to free disk space); start it again below." in [i.value for i in at.info]
            )
    again.close()


def test_runs_of_one_name_are_told_apart_in_every_run_picker(tmp_path):
    # one clock reading for both: trained in the same minute, so the Runs page's time does not tell them apart
    with fakes.fake_registry(inline_registry(RunStore(tmp_path / "jobs"), clock=lambda: 1_700_000_000.0)) as reg:
        _two_runs_of_one_name(reg)


def _two_runs_of_one_name(reg: JobRegistry) -> None:
    older = reg.submit(series(), cfg(0), owner=OWNER, label="lstm h4 on my sales.csv")
    newer = reg.submit(series(), cfg(1), owner=OWNER, label="lstm h4 on my sales.csv")  # the same default name
    at = runs_page()
    box = at.selectbox(key="runs_pick")
    assert len(set(box.options)) == 2, box.options
    assert box.options[0].endswith("(2)") and not box.options[1].endswith(")")  # the newer, listed first
    assert set(at.multiselect(key="runs_compare").options) == set(box.options)
    at.switch_page("pages/forecast.py").run()
    no_errors(at)
    forecast = at.selectbox(key="forecast_pick")
    assert sorted(forecast.options) == ["lstm h4 on my sales.csv (2) — finished", "lstm h4 on my sales.csv — finished"]
    forecast.set_value(older).run()
    assert at.selectbox(key="forecast_pick").value == older and newer != older
    at.switch_page("pages/gates.py").run()
    no_errors(at)
    assert len(set(at.selectbox(key="gates_run").options)) == 2


@pytest.mark.parametrize(
    "page, empty",
    [("pages/forecast.py", "No trained run yet"), ("pages/gates.py", "No trained model yet")],
)
def test_runs_memory_let_go_are_pointed_to_not_called_none(tmp_path, page, empty):
    """Two hours after a run (or a server restart with runs older than that), the Forecast and Gates
    pickers list only the runs in memory: an owner with 15 saved runs was told "No trained run yet:
    start one on the Train page", and the sidebar said "No jobs yet", while the Runs page listed them."""
    now = [1_000_000.0]
    registry = inline_registry(RunStore(tmp_path / "jobs"), ttl_s=60, clock=lambda: now[0])
    with fakes.fake_registry(registry):
        for s in range(3):
            registry.submit(series(), cfg(s), owner=OWNER, label=f"kept {s}")
        now[0] += 61  # memory lets them go; the store keeps them
        assert registry.jobs_for(OWNER) == [] and len(registry.runs(OWNER)) == 3
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
        with owner_cookie.browser_cookies({owner_cookie.COOKIE: OWNER}):
            at.run()  # (AppTest keeps app.py's sidebar of the first run only)
            sidebar = [c.value for c in at.sidebar.caption]
            assert "No jobs yet. Start one on the Train page." not in sidebar, sidebar
            links = [(link.proto.label, link.proto.page) for link in at.sidebar.get("page_link")]
            assert links == [("3 saved run(s): see the Runs page", "runs")]
            at.switch_page(page).run()
        no_errors(at)
        infos = [i.value for i in at.info]
        assert not [i for i in infos if i.startswith(empty)], infos
        assert "You have 3 saved run(s) on the Runs page; open one from there." in infos


def test_train_it_again_on_data_that_cannot_be_read_says_so_in_one_sentence(tmp_path):
    """An interrupted job is listed at a start without reading its data; data damaged on disk
    came up only at "Train it again", as a traceback."""
    store, first, jid = _interrupted_job(tmp_path)
    (tmp_path / "jobs" / jid / "data.csv").write_text("not,a\nseries")  # damaged while the server was down
    with fakes.fake_registry(inline_registry(store)):
        at = runs_page()
        at.button(key="runs_open_train").click().run()
        no_errors(at)
        at.switch_page("pages/train.py").run()  # AppTest's next run is of the page it last switched to
        retry = next(b for b in at.button if b.label == "Train it again")
        retry.click().run()
        no_errors(at)
        assert (
            "The data this run was queued with cannot be read from disk; delete it on the Runs page and start a "
            "new run." in [e.value for e in at.error]
        )
    first.close()


def test_runs_of_a_series_without_a_season_compare_without_a_seasonal_naive_row(reg):
    """A yearly river flow (no season): the comparison showed "baseline: seasonal naive" with the
    naive row's numbers (179.9 under 179.9), the same forecast read as a second, seasonal, reference."""
    import numpy as np
    import pandas as pd

    from lstm_core.tables import NO_SEASON

    years = pd.date_range("1871-01-01", periods=100, freq="YS")
    flow = 1100 - 3 * np.arange(100) + np.random.default_rng(0).normal(0, 120, 100)
    nile = Series(pd.DataFrame({"flow": flow.round(0)}, index=years), frequency="YS", name="nile.csv")
    ids = [reg.submit(nile, cfg(s, hidden=4 + s), owner=OWNER, label=f"h{4 + s}") for s in range(2)]
    m = reg.snapshot(ids[0]).run.metrics
    assert m.info.season is None and m.baselines["seasonal_naive"] == m.baselines["naive"]
    at = runs_page()
    at.multiselect(key="runs_compare").set_value(ids).run()
    no_errors(at)
    models = list(at.dataframe[1].value["model"])
    assert models[:2] == ["h4", "h5"] and "baseline: naive" in models
    assert not [n for n in models if "seasonal naive" in n]
    assert "baseline: Holt's linear trend" in models  # what was fitted: level and trend, no season
    assert NO_SEASON in [c.value for c in at.caption]


def test_the_data_a_browser_loaded_comes_back_in_its_next_session(reg, tmp_path):
    """A reload, or a page opened by its address, started a session on the bundled airline data: the
    upload was gone without a word (a run's ``?job=`` link alone brought its data back). The data, its
    report and the columns chosen come back to the same browser, after a server restart too; another
    browser starts on the bundled data."""
    csv = "date;Umsatz;Preis\n" + "".join(f"2020-{m:02d}-01;{100 + m * 3},5;{m % 4}\n" for m in range(1, 13)) * 1
    csv += "".join(f"2021-{m:02d}-01;{140 + m * 2},5;{m % 3}\n" for m in range(1, 13))
    with owner_cookie.browser_cookies({owner_cookie.COOKIE: OWNER}):
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT).run()
        at.file_uploader(key="data_upload").set_value(("umsatz.csv", csv.encode(), "text/csv")).run()
        no_errors(at)
        loaded = at.session_state["dataset"]
        assert loaded.name == "umsatz.csv" and loaded.target == "Umsatz" and loaded.report.delimiter == ";"
        at.selectbox(key=f"data_target_{loaded.version}").set_value("Preis").run()
        assert at.session_state["dataset"].target == "Preis"

        again = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT).run()  # the browser reloaded
        no_errors(again)
        back = again.session_state["dataset"]
        assert (back.name, back.target, back.report.delimiter) == ("umsatz.csv", "Preis", ";")
        assert back.frame.equals(loaded.frame)
        assert "umsatz.csv" in " ".join(c.value for c in again.sidebar.caption)

        # a server restart: a new registry over the same store
        with fakes.fake_registry(inline_registry(RunStore(tmp_path / "jobs"))):
            restarted = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT).run()
            assert restarted.session_state["dataset"].name == "umsatz.csv"
    other = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT).run()  # another browser
    assert other.session_state["dataset"].name == "airline passengers (bundled)"


def test_a_run_zip_keeps_the_runs_name_data_and_pin_and_a_restore_takes_them_back(reg, tmp_path):
    """Renamed "Teacher demo LSTM", pinned, downloaded and restored: it came back as "teacher_run
    (restored)", its data "teacher_run.zip", unpinned."""
    from lstm_core import runs as lcruns
    from lstm_core.restore import Restorer
    from ui.runs_page import zip_bytes
    from ui.runs_view import keeper

    jid = reg.submit(series(), cfg(0), owner=OWNER, label="lstm h4")
    reg.rename(jid, "Teacher demo LSTM")
    reg.set_pinned(jid, True)
    data = zip_bytes(jid)
    trained = int(reg.store.record(jid).finished)
    about = {"label": "Teacher demo LSTM", "data": "my sales.csv", "pinned": True, "trained": trained}
    assert lcruns.read_about(lcruns.zip_to_run_dir(data, tmp_path / "unzipped")) == about
    restorer = Restorer()
    try:
        done = restorer.wait(restorer.submit("teacher_run.zip", data, keeper(reg, OWNER, "teacher_run.zip")), 60)
        assert done is not None and done.status == "done", done and done.message
        rec = reg.store.record(done.job_id)
        assert (rec.label, rec.dataset, rec.pinned) == ("Teacher demo LSTM (restored)", "my sales.csv", True)
        plain = lcruns.run_to_zip(reg.store.folder(jid))  # a zip without the note: named after its file
        done = restorer.wait(restorer.submit("old.zip", plain, keeper(reg, OWNER, "old.zip")), 60)
        rec = reg.store.record(done.job_id)
        assert (rec.label, rec.dataset, rec.pinned) == ("old (restored)", "old.zip", False)
    finally:
        restorer.close()
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / lcruns.ABOUT_FILE).write_text('{"label": 5, "pinned": "yes", "data": "x", "trained": "May"}')
    assert lcruns.read_about(tmp_path / "bad") == {"data": "x"}  # only what has its type
    for nonsense in (-5, 1e20, True, 12.5):  # not a time a run could have ended at
        (tmp_path / "bad" / lcruns.ABOUT_FILE).write_text(json.dumps({"trained": nonsense}))
        assert lcruns.read_about(tmp_path / "bad") == {}


def test_a_restored_run_is_listed_with_when_it_was_trained_and_named_restored_once(reg, tmp_path):
    """Restored a month after training, the Runs page dated it the moment of the restore ("When the
    run was trained"); restored again from its own download it was "x (restored) (restored)"."""
    from lstm_core import runs as lcruns
    from lstm_core.restore import Restorer
    from ui.runs_page import option_label, table, when, zip_bytes
    from ui.runs_view import keeper

    jid = reg.submit(series(), cfg(0), owner=OWNER, label="lstm h4")
    reg.rename(jid, "Monday demo")
    month_ago = int(time.time()) - 30 * 86400
    about = {"label": "Monday demo", "data": "sales.csv", "pinned": False, "trained": month_ago}
    data = lcruns.run_to_zip(reg.store.folder(jid), about)
    restorer = Restorer()
    try:
        done = restorer.wait(restorer.submit("monday.zip", data, keeper(reg, OWNER, "monday.zip")), 60)
        assert done is not None and done.status == "done", done and done.message
        rec = reg.store.record(done.job_id)
        assert rec.label == "Monday demo (restored)" and rec.trained == month_ago
        assert rec.when > month_ago + 29 * 86400  # retention still counts from the restore
        row = table([rec]).iloc[0]
        assert row["when"] == when(month_ago) != when(rec.when)
        assert option_label(rec).endswith(when(month_ago))
        again = zip_bytes(done.job_id)  # downloaded and restored once more
        done = restorer.wait(restorer.submit("again.zip", again, keeper(reg, OWNER, "again.zip")), 60)
        assert done is not None and done.status == "done", done and done.message
        rec = reg.store.record(done.job_id)
        assert (rec.label, rec.trained) == ("Monday demo (restored)", month_ago)
    finally:
        restorer.close()


def test_a_shared_run_leaves_the_viewers_data_alone(reg):
    """A fresh browser opening another's shared link on Forecast took the sender's upload as its own data, and
    its next Start (after the link was closed) would have trained on it: only a run of this browser's brings
    its data."""
    jid = reg.submit(series("umsatz.csv", length=70), cfg(0), owner="someone else", label="theirs")
    assert reg.wait(jid, timeout=TIMEOUT).status == "finished"
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    at.session_state["owner"] = OWNER
    at.query_params["job"] = jid
    at.run()
    at.switch_page("pages/forecast.py").run()
    no_errors(at)
    assert at.selectbox(key="forecast_pick").value == jid  # shown, read-only
    assert at.session_state["dataset"].name == "airline passengers (bundled)"


def test_the_verdict_column_judges_a_stopped_run_that_was_judged():
    """A stopped run kept its best weights and its Forecast page gave a verdict ("Mixed: ..."), while the Runs table
    said "cancelled"; one stopped before any verdict still says so, as an interrupted one does."""
    from lstm_core.index import RunRecord
    from ui import runs_page as rp

    def record(status: str, verdict: str) -> RunRecord:
        return RunRecord(
            id=status + verdict, owner=OWNER, label="r", config={}, status=status, created=0.0, verdict=verdict
        )

    rows = rp.table(
        [record("cancelled", "mixed"), record("cancelled", ""), record("finished", "beats"), record("interrupted", "")]
    )
    assert rows["verdict"].tolist() == ["mixed", "cancelled", "beats", "interrupted"]


def test_a_run_too_long_to_restore_says_so_before_its_download(reg):
    """A 52,000-row run downloaded from Runs, and its zip was refused when uploaded on the same page: the Runs
    page says so beside the button, as the Forecast page's download says."""
    from lstm_core.runs import MAX_ZIP_ROWS

    long = reg.submit(series("sensor.csv", length=MAX_ZIP_ROWS + 1), cfg(0), owner=OWNER, label="long")
    short = reg.submit(series(), cfg(1), owner=OWNER, label="short")
    assert reg.wait(long, timeout=TIMEOUT).status == reg.wait(short, timeout=TIMEOUT).status == "finished"
    at = runs_page()
    at.selectbox(key="runs_pick").set_value(long).run()
    no_errors(at)
    said = [c.value for c in at.caption if "cannot be restored by uploading it here" in c.value]
    assert len(said) == 1 and f"its {MAX_ZIP_ROWS + 1:,} rows are over the {MAX_ZIP_ROWS:,}" in said[0]
    at.selectbox(key="runs_pick").set_value(short).run()
    assert not [c for c in at.caption if "cannot be restored" in c.value]


def test_the_run_a_page_shows_where_none_was_open_is_in_its_address(reg):
    """A new session of the owner opened on /forecast showed their newest run under an address that named
    none: a copy of it opened no run."""
    reg.submit(series(), cfg(0), owner=OWNER, label="older")
    newest = reg.submit(series(), cfg(1), owner=OWNER, label="newest")
    at = runs_page()
    at.switch_page("pages/forecast.py").run()
    no_errors(at)
    assert at.selectbox(key="forecast_pick").value == newest
    assert at.query_params["job"] == newest and at.session_state["job_id"] == newest
