"""Owner and viewer (issue 11): a ``?job=`` link shows the run read-only; only the owner's
session (whose URL also carries ``?owner=``) can stop it or list the owner's other jobs."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from lstm_core.callbacks import Callbacks
from lstm_core.jobs import JobRegistry
from lstm_core.train import FitStatus
from tests import fakes

ROOT = Path(__file__).resolve().parents[1]
TIMEOUT = 30


def new_app(**params: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    at.query_params.update(params)
    return at


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
    owner = new_app().run()
    owner.switch_page("pages/train.py").run()
    owner.number_input(key="train_epochs").set_value(2)
    owner.button[0].click().run()  # Start training
    no_errors(owner)
    job_id, key = owner.session_state["job_id"], owner.session_state["owner"]
    other = reg.submit(owner.session_state["dataset"].series, reg.get(job_id).config, owner=key, label="my other job")
    reg.wait_until(job_id, lambda s: s.status == "running", TIMEOUT)
    owner.run()
    assert owner.query_params["job"] == job_id and owner.query_params["owner"] == key
    assert stop_keys(owner) == ["train_job_stop"]
    share = [c.value for c in owner.get("code")]
    assert share and share[0].endswith(f"?job={job_id}") and key not in share[0]  # the link holds no owner key

    viewer = new_app(job=job_id)  # someone who got the shared link (a teacher's URL on a projector)
    viewer.run()
    sidebar = " ".join(c.value for c in viewer.sidebar.caption)  # the Jobs list
    assert "my other job" not in sidebar and "No jobs yet" in sidebar
    viewer.switch_page("pages/train.py").run()
    no_errors(viewer)
    assert viewer.session_state["job_id"] == job_id  # the job is shown...
    assert viewer.session_state["owner"] != key  # ...but the owner's identity is not handed over
    assert stop_keys(viewer) == []
    assert any("read-only" in c.value for c in viewer.caption)
    assert "owner" not in viewer.query_params
    assert not reg.snapshot(job_id).run and reg.snapshot(job_id).active

    reloaded = new_app(job=job_id, owner=key)  # the owner's own tab, reloaded
    reloaded.run()
    assert "my other job" in " ".join(c.value for c in reloaded.sidebar.caption)
    reloaded.switch_page("pages/train.py").run()
    no_errors(reloaded)
    assert reloaded.session_state["owner"] == key
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


def test_a_forged_owner_parameter_is_ignored(reg):
    at = new_app(owner="../../etc/passwd").run()
    no_errors(at)
    assert at.session_state["owner"] != "../../etc/passwd" and len(at.session_state["owner"]) == 32
