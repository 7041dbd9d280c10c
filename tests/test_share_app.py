"""Owner and viewer (issue 11): a ``?job=`` link shows the run read-only; only the owner's
browser (its ``lstm_lab_owner`` cookie holds the key) can stop it or list the owner's other jobs.

AppTest sends no cookies: ``owner_cookie.browser_cookies`` stands in for the browser's jar
(tests/test_owner_browser.py checks the real cookie in Chromium)."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from lstm_core.callbacks import Callbacks
from lstm_core.config import RunConfig
from lstm_core.data import Series, generate
from lstm_core.jobs import JobRegistry
from lstm_core.train import FitStatus
from tests import fakes
from ui import owner_cookie, state

ROOT = Path(__file__).resolve().parents[1]
TIMEOUT = 30


def new_app(**params: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    at.query_params.update(params)
    return at


def cookie_asked(at: AppTest) -> str | None:
    """The key the page asked the browser to keep in its owner cookie (the mounted component's
    data), or None when it asked nothing."""
    mounted = [e for e in at.get("bidi_component") if e.proto.component_name == owner_cookie.COMPONENT]
    return json.loads(mounted[0].proto.json)["key"] if mounted else None


def no_errors(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def held_runner(data, cfg, *, callbacks: Callbacks | None = None):
    """Trains until stopped (the job stays running while the sessions look at it), then returns
    the tiny pre-built run as a stopped one."""
    cb = callbacks or Callbacks()
    run = copy.deepcopy(fakes.prebuilt_run(data, cfg))
    cb.phase("training")
    cb.epoch(run.history[0])
    assert cb.stop.wait(TIMEOUT), "nobody stopped the held job"
    run.fit.status = FitStatus.CANCELLED
    return run


@pytest.fixture
def reg():
    with fakes.fake_registry(JobRegistry(max_workers=2, torch_threads=0, runner=held_runner)) as r:
        yield r


def stop_keys(at: AppTest) -> list[str]:
    return [b.key for b in at.button if b.key and b.key.endswith("_stop")]


def test_a_shared_job_link_is_read_only_and_the_owner_keeps_control_after_a_reload(reg):
    owner = new_app().run()  # a first visit: no cookie yet
    key = owner.session_state["owner"]
    assert cookie_asked(owner) == key  # the page has the browser keep the key in its cookie
    owner.switch_page("pages/train.py").run()
    owner.number_input(key="train_epochs").set_value(2)
    owner.button[0].click().run()  # Start training
    no_errors(owner)
    job_id = owner.session_state["job_id"]
    other = reg.submit(owner.session_state["dataset"].series, reg.get(job_id).config, owner=key, label="my other job")
    reg.wait_until(job_id, lambda s: s.status == "running", TIMEOUT)
    owner.run()
    assert dict(owner.query_params) == {"job": job_id}  # the key is never in the URL
    assert stop_keys(owner) == ["train_job_stop"]
    share = [c.value for c in owner.get("code")]
    assert share and share[0].endswith(f"?job={job_id}") and key not in share[0]  # the link holds no owner key

    viewer = new_app(job=job_id)  # another browser on the link (a teacher's URL on a projector)
    viewer.run()
    sidebar = " ".join(c.value for c in viewer.sidebar.caption)  # the Jobs list
    assert "my other job" not in sidebar and "No jobs yet" in sidebar
    assert cookie_asked(viewer) == viewer.session_state["owner"] != key  # its browser gets a key of its own
    viewer.switch_page("pages/train.py").run()
    no_errors(viewer)
    assert viewer.session_state["job_id"] == job_id  # the job is shown...
    assert viewer.session_state["owner"] != key  # ...but the owner's identity is not handed over
    assert stop_keys(viewer) == []
    assert any("read-only" in c.value for c in viewer.caption)
    assert "owner" not in viewer.query_params
    assert not reg.snapshot(job_id).run and reg.snapshot(job_id).active

    reloaded = new_app(job=job_id)  # the owner's own tab, reloaded: its browser sends the cookie
    with owner_cookie.browser_cookies({owner_cookie.COOKIE: key}):
        reloaded.run()
    assert reloaded.session_state["owner"] == key
    assert cookie_asked(reloaded) is None  # the browser holds the key already
    assert "my other job" in " ".join(c.value for c in reloaded.sidebar.caption)
    reloaded.switch_page("pages/train.py").run()
    no_errors(reloaded)
    reloaded.button(key="train_job_stop").click().run()
    done = reg.wait(job_id, TIMEOUT)
    assert done is not None and done.status == "cancelled" and done.run is not None
    reg.cancel(other)

    viewer.switch_page("pages/forecast.py").run()  # the stopped run, read-only, for the viewer
    no_errors(viewer)
    assert viewer.selectbox(key="forecast_pick").value == job_id
    assert "(shared, read-only)" in viewer.selectbox(key="forecast_pick").format_func(job_id)
    assert len(viewer.dataframe) == 1
    viewer.switch_page("pages/gates.py").run()
    no_errors(viewer)
    assert viewer.selectbox(key="gates_run").value == job_id


def test_a_forged_owner_parameter_is_ignored_and_dropped_from_the_url(reg):
    at = new_app(owner="../../etc/passwd").run()
    no_errors(at)
    assert at.session_state["owner"] != "../../etc/passwd" and len(at.session_state["owner"]) == 32
    assert "owner" not in at.query_params


def test_a_forged_cookie_is_ignored(reg):
    at = new_app()
    with owner_cookie.browser_cookies({owner_cookie.COOKIE: "'; DROP TABLE runs; --"}):
        at.run()
    no_errors(at)
    key = at.session_state["owner"]
    assert owner_cookie.KEY.fullmatch(key) and cookie_asked(at) == key  # a fresh key replaces it


def test_an_old_owner_link_is_adopted_once_then_the_cookie_carries_the_key(reg):
    key = "0123456789abcdef0123456789abcdef"  # a tab's URL from an earlier version: ?job=<id>&owner=<key>
    cfg = RunConfig.make(hidden_size=4, look_back=6, epochs=2, patience=None, device="cpu", ensemble=1)
    old = reg.submit(Series(generate("sine", length=80)), cfg, owner=key, label="my old job")
    at = new_app(job=old, owner=key).run()
    no_errors(at)
    assert at.session_state["owner"] == key  # adopted...
    assert cookie_asked(at) == key  # ...moved into the browser's cookie...
    assert dict(at.query_params) == {"job": old}  # ...and gone from the URL
    assert "my old job" in " ".join(c.value for c in at.sidebar.caption)
    reg.cancel(old)


def test_the_browsers_cookie_wins_over_an_old_owner_link(reg):
    mine, theirs = "a" * 32, "b" * 32
    at = new_app(owner=theirs)  # e.g. a link someone sent: it must not switch this browser's identity
    with owner_cookie.browser_cookies({owner_cookie.COOKIE: mine}):
        at.run()
    no_errors(at)
    assert at.session_state["owner"] == mine and cookie_asked(at) is None
    assert "owner" not in at.query_params


def gone_said(at: AppTest) -> bool:
    return any(w.value == state.GONE_TEXT for w in at.warning)


def test_a_link_to_a_deleted_or_unknown_run_says_so_instead_of_no_trained_run(fake):
    """A ``?job=`` link whose run is not here (its owner deleted it, a link cut short) was dropped
    from the URL in silence: the viewer read "No trained run yet" as if the link held nothing.
    (AppTest runs app.py, where the sentence is drawn, on its first run only: the browser test
    tests/test_owner_browser.py follows it across reruns and pages.)"""
    cfg = RunConfig.make(hidden_size=4, look_back=6, epochs=2, patience=None, device="cpu", ensemble=1)
    job_id = fake.submit(Series(generate("sine", length=80)), cfg, owner="a" * 32, label="A's run")
    assert fake.wait(job_id, TIMEOUT).has_run
    live = new_app(job=job_id).run()  # the run is there: nothing said
    no_errors(live)
    assert live.session_state["job_id"] == job_id and not gone_said(live)
    fake.delete_run(job_id)

    for link in (job_id, "0123456789abcdef0123456789abcdef", "<script>"):  # deleted, never made, mangled
        at = new_app(job=link).run()
        no_errors(at)
        assert gone_said(at), link
        assert "job" not in at.query_params

    fine = new_app().run()  # no link: nothing said
    assert not gone_said(fine)
