"""JobRegistry: runs, sweeps, tags, cancel, divergence, queue positions, eviction and failure logs,
without Streamlit."""

from __future__ import annotations

import json
import logging
import sys
import threading
import time
from types import SimpleNamespace

import numpy as np
import pytest

from lstm_core.config import ConfigError, RunConfig
from lstm_core.data import generate
from lstm_core.job_status import JobStatus
from lstm_core.jobs import JobRegistry, default_workers, threads_per_job
from lstm_core.memory_task import MemoryConfig

WAIT_S = 60


def tiny(epochs: int = 4, **train) -> RunConfig:
    cfg = RunConfig()
    cfg.model.hidden_size = 8
    cfg.data.look_back = 8
    cfg.train.epochs = epochs
    cfg.train.patience = None
    cfg.train.device = "cpu"
    cfg.train.ensemble = 1
    cfg.data.transform = "none"  # no representation backtest: these tests are about the registry
    for k, v in train.items():
        setattr(cfg.train, k, v)
    return cfg


@pytest.fixture
def sine():
    return generate("sine", length=200)


@pytest.fixture
def registry():
    reg = JobRegistry(max_workers=1, torch_threads=1)
    yield reg
    reg.close()


def test_submit_finishes_with_a_run(registry, sine):
    jid = registry.submit(sine, tiny(epochs=4), owner="me", label="tiny")
    assert len(jid) == 32 and int(jid, 16) >= 0
    snap = registry.wait(jid, WAIT_S)
    assert snap.status == "finished", snap.message
    assert snap.run is not None and snap.run.metrics.test.rmse > 0
    assert snap.epochs_done == 4 and snap.progress == 1.0 and snap.eta == 0.0
    assert snap.train_loss.dtype == np.float32 and len(snap.train_loss) == 4
    assert np.isfinite(snap.val_loss).all()
    assert "completed after 4 epoch" in snap.message
    assert [s.id for s in registry.jobs_for("me")] == [jid]
    assert registry.jobs_for("someone else") == []


def test_finished_message_gives_the_ensembles_seconds_not_network_ones(registry, sine):
    # the Train page read "early-stopped after 11 epoch(s) in 0.0 s; 32 networks trained in 2.3 s"
    snap = registry.wait(registry.submit(sine, tiny(epochs=3, ensemble=2), owner="me"), WAIT_S)
    assert snap.status == "finished", snap.message
    assert "completed after 3 epoch(s) for network 1 of 2; 2 networks trained in " in snap.message
    assert "(network 1) on " in snap.message


def test_snapshot_is_a_copy(registry, sine):
    jid = registry.submit(sine, tiny(epochs=3), owner="me")
    snap = registry.wait(jid, WAIT_S)
    with pytest.raises(Exception):
        snap.status = "running"  # frozen
    snap.train_loss[:] = -1
    assert (registry.snapshot(jid).train_loss > 0).all()


def test_cancel_stops_within_one_batch_and_keeps_weights(registry, sine):
    # batch size 1 makes an epoch ~150 batches, so the stop lands mid-epoch.
    jid = registry.submit(sine, tiny(epochs=100_000, batch_size=1), owner="me")
    registry.wait_until(jid, lambda s: s.epochs_done >= 2, WAIT_S)
    assert registry.cancel(jid)
    at_cancel = registry.snapshot(jid).epochs_done
    snap = registry.wait(jid, WAIT_S)
    assert snap.status == "cancelled"
    assert at_cancel <= snap.epochs_done <= at_cancel + 1  # only the interrupted epoch can follow
    run = snap.run
    assert run is not None and run.fit.status == "cancelled"
    assert 1 <= run.fit.best_epoch <= snap.epochs_done
    assert np.isfinite(run.metrics.test.rmse) and run.predictions is not None
    assert "kept the best weights" in snap.message
    assert not registry.cancel(jid)  # already over


def test_diverging_job_reports_the_reason(registry, sine):
    cfg = tiny(epochs=20, lr=10.0)
    cfg.train.grad_clip = None
    jid = registry.submit(sine, cfg, owner="me")
    snap = registry.wait(jid, WAIT_S)
    assert snap.status == "diverged", snap.message
    assert "lower the learning rate" in snap.message and "\n" not in snap.message
    assert snap.run is None


def test_bad_config_is_rejected_at_submit(registry, sine):
    cfg = tiny()
    cfg.model.hidden_size = 0
    with pytest.raises(ConfigError, match="hidden_size"):
        registry.submit(sine, cfg)


def test_failure_inside_the_worker_is_one_sentence(registry, sine):
    cfg = tiny()
    cfg.data.target = "no such column"
    jid = registry.submit(sine, cfg, owner="me")
    snap = registry.wait(jid, WAIT_S)
    assert snap.status == "failed" and snap.message and "Traceback" not in snap.message


def _train_until_stopped(series, cfg, *, callbacks):
    """Stands in for fit_run: 'trains' until stopped, then returns a cancelled run."""
    callbacks.stop.wait(WAIT_S)
    return SimpleNamespace(
        metrics={}, history=[], device="cpu", fit=SimpleNamespace(status="cancelled", best_epoch=0, seconds=0.0)
    )


def test_queue_positions_and_cancel_of_a_queued_job(sine):
    registry = JobRegistry(max_workers=1, torch_threads=1, runner=_train_until_stopped)
    try:
        _check_queue(registry, sine)
    finally:
        registry.close()


def _check_queue(registry, sine):
    long = tiny()
    a, b, c = (registry.submit(sine, long, owner="me") for _ in range(3))
    registry.wait_until(a, lambda s: s.status == JobStatus.RUNNING, WAIT_S)
    assert registry.snapshot(a).position is None
    assert registry.snapshot(b).position == 1 and registry.snapshot(b).status == "queued"
    assert registry.snapshot(c).position == 2
    assert registry.cancel(b)
    sb = registry.snapshot(b)
    assert sb.status == "cancelled" and sb.position is None and sb.run is None
    assert registry.snapshot(c).position == 1
    registry.cancel(a)
    registry.wait_until(c, lambda s: s.status == JobStatus.RUNNING, WAIT_S)
    assert registry.snapshot(a).status == "cancelled"
    registry.cancel(c)
    assert registry.wait(c, WAIT_S).status == "cancelled"


def test_the_queue_is_fair_between_sessions_and_bounded_per_session(sine):
    registry = JobRegistry(max_workers=1, torch_threads=1, max_active=5, runner=_train_until_stopped)
    try:
        busy = [registry.submit(sine, tiny(), owner="busy") for _ in range(5)]  # one starts, four wait
        registry.wait_until(busy[0], lambda s: s.status == JobStatus.RUNNING, WAIT_S)
        with pytest.raises(ConfigError, match="You already have 5 jobs queued or running"):
            registry.submit(sine, tiny(), owner="busy")
        assert registry.room("busy") == 0 and registry.room("newcomer") == 5
        new = registry.submit(sine, tiny(), owner="newcomer")
        # the newcomer's first job starts next, before the busy session's second
        assert registry.snapshot(new).position == 1
        assert [registry.snapshot(j).position for j in busy[1:]] == [2, 3, 4, 5]
        registry.cancel(busy[0])
        registry.wait_until(new, lambda s: s.status == JobStatus.RUNNING, WAIT_S)
        assert registry.snapshot(busy[1]).position == 1
    finally:
        for j in [*busy, new]:
            registry.cancel(j)
        registry.close()


class FakeClock:
    def __init__(self):
        self.t = 1000.0

    def __call__(self):
        return self.t


def _fail_fast(series, cfg, *, callbacks):
    raise ConfigError("Deliberate failure for the eviction test.")


def test_finished_jobs_are_evicted_after_the_ttl():
    clock = FakeClock()
    reg = JobRegistry(max_workers=1, ttl_s=60, torch_threads=1, runner=_fail_fast, clock=clock)
    try:
        jid = reg.submit(generate("sine", length=50), tiny(), owner="me")
        assert reg.wait(jid, WAIT_S).status == "failed"
        clock.t += 59
        assert reg.snapshot(jid) is not None
        clock.t += 2
        assert reg.snapshot(jid) is None and reg.get(jid) is None and reg.jobs_for("me") == []
    finally:
        reg.close()


def test_registry_keeps_at_most_max_finished_jobs():
    clock = FakeClock()
    reg = JobRegistry(max_workers=1, max_finished=2, torch_threads=1, runner=_fail_fast, clock=clock)
    try:
        ids = []
        for _ in range(3):
            ids.append(reg.submit(generate("sine", length=50), tiny(), owner="me"))
            reg.wait(ids[-1], WAIT_S)
            clock.t += 1
        assert reg.snapshot(ids[0]) is None
        assert [s.id for s in reg.jobs_for("me")] == [ids[2], ids[1]]
    finally:
        reg.close()


def test_one_owners_many_jobs_never_evict_anothers():
    clock = FakeClock()
    reg = JobRegistry(
        max_workers=1, max_finished=3, max_finished_total=5, torch_threads=1, runner=_fail_fast, clock=clock
    )
    try:

        def done(owner: str) -> str:
            jid = reg.submit(generate("sine", length=50), tiny(), owner=owner)
            reg.wait(jid, WAIT_S)
            clock.t += 1
            return jid

        first = done("student")
        busy = [done("teacher") for _ in range(6)]  # a class-sized burst from one session
        assert reg.snapshot(first) is not None  # the student's run is still there
        assert [s.id for s in reg.jobs_for("teacher")] == busy[::-1][:3]  # the teacher keeps the newest 3
        more = [done(f"s{k}") for k in range(3)]  # the server-wide bound: the oldest go first
        kept = {s.id for o in ("student", "teacher", "s0", "s1", "s2") for s in reg.jobs_for(o)}
        assert len(kept) == 5 and first not in kept and set(more) <= kept
    finally:
        reg.close()


def test_pool_sizing_does_not_oversubscribe():
    assert default_workers(2) == 1 and default_workers(16) == 8 and default_workers(1) == 1
    assert threads_per_job(1, 2) == 1
    for cores in (1, 2, 4, 8, 16):
        w = default_workers(cores)
        assert w * threads_per_job(w, cores) <= max(cores, 1)


def test_registry_never_imports_streamlit():
    # tests/test_layers.py checks every engine module in a fresh process; this is the quick text check.
    import lstm_core.jobs  # noqa: F401

    mods = [m for m in sys.modules if m.startswith("lstm_core")]
    assert mods
    import importlib.util

    src = importlib.util.find_spec("lstm_core.jobs").origin
    assert "import streamlit" not in open(src).read()


def test_warm_up_runs_in_the_background():
    reg = JobRegistry(max_workers=1, torch_threads=1)
    try:
        thread = reg.warm_up()
        thread.join(WAIT_S)
        assert not thread.is_alive()
        assert reg.jobs_for("") == []  # warming up is not a job
    finally:
        reg.close()


def test_job_says_when_it_is_evaluating():
    phases = []

    def runner(series, cfg, *, callbacks):
        callbacks.phase("training")
        callbacks.phase("evaluating")
        phases.append(reg.snapshot(job_id).message)
        raise ConfigError("stop here")

    reg = JobRegistry(max_workers=1, torch_threads=1, runner=runner)
    job_id = reg.submit(generate("sine", length=60), RunConfig(), owner="a")
    reg.wait(job_id, timeout=WAIT_S)
    assert phases == ["Evaluating: forecasts, intervals and baselines..."]
    reg.close()


def test_a_backtest_names_its_network_and_the_time_it_has_left():
    """A 52,000-point series' backtest took four minutes under "Epoch 0 / 40" and one unchanging line:
    the snapshot counts the backtest's networks, with an ETA once one has trained."""
    from ui.compare_view import status_text
    from ui.jobs_view import progress_text, status_line

    seen = []

    def runner(series, cfg, *, callbacks):
        callbacks.phase("choosing")
        for k in (1, 2):
            callbacks.phase(f"choosing {k}/3")
            seen.append(reg.snapshot(job_id))
        callbacks.phase("training")
        seen.append(reg.snapshot(job_id))
        callbacks.phase("choosing 2/3")
        reg.cancel(job_id)  # Stop pressed: it ends within a batch, and no ETA says otherwise
        seen.append(reg.snapshot(job_id))
        raise ConfigError("stop here")

    reg = JobRegistry(max_workers=1, torch_threads=1, runner=runner)
    try:
        job_id = reg.submit(generate("sine", length=60), RunConfig(), owner="a", label="long")
        reg.wait(job_id, timeout=WAIT_S)
    finally:
        reg.close()
    first, second, training, stopping = seen
    assert (first.backtest, second.backtest, training.backtest) == ((1, 3), (2, 3), None)
    assert (first.progress, second.progress) == (0.0, 1 / 3)  # the bar counts the backtest's networks
    assert stopping.eta is None and "ends in about" not in progress_text(stopping)
    assert second.message == (
        "Choosing how to represent the series: backtest network 2 of 3, trained on the data before the test "
        "part (the run's own networks train after it)..."
    )
    assert first.eta is None and progress_text(first).startswith("Backtest network 1 / 3 · elapsed ")
    assert second.eta is not None and "backtest ends in about " in progress_text(second)
    assert status_line(second).endswith("long — running · backtest 2/3")
    assert status_text(second) == "running · backtest 2/3"
    assert progress_text(training).startswith("Epoch 0 / ")


def test_auto_representation_reports_its_phases_and_stops_while_choosing(registry, sine):
    cfg = tiny(epochs=100_000, batch_size=1)
    cfg.data.transform = "auto"
    jid = registry.submit(sine, cfg, owner="me")
    registry.wait_until(jid, lambda s: "Choosing how to represent the series" in s.message, WAIT_S)
    assert registry.snapshot(jid).epochs_done == 0  # the backtest's networks are not the run's curve
    t0 = time.monotonic()
    assert registry.cancel(jid)
    snap = registry.wait(jid, WAIT_S)
    assert snap.status == "cancelled" and snap.epochs_done == 0
    assert "Stopped before the first epoch finished" in snap.message
    assert time.monotonic() - t0 < 10


def test_an_ensemble_job_names_each_network(registry, sine):
    from lstm_core.jobs import phase_message
    from ui.jobs_view import progress_text, status_line

    assert phase_message("member 2/3") == "Training network 2 of 3 of the ensemble..."
    cfg = tiny(epochs=3)
    cfg.train.ensemble = 3
    jid = registry.submit(sine, cfg, owner="me")
    # while network k of 3 trains, the bar and the ETA count networks: "Epoch 3 / 3 · ETA 0s" stood under
    # "Training network 2 of 3" (the epochs are network 1's)
    during = registry.wait_until(jid, lambda s: s.network is not None or not s.active, WAIT_S)
    snap = registry.wait(jid, WAIT_S)
    assert snap.status == "finished", snap.message
    assert snap.run.metrics.info.ensemble == 3 and len(snap.run.model.members) == 3
    assert len(snap.epochs) == 3  # the live curve is member 0's
    assert during.network is not None, "no snapshot while a later network trained"
    k, total = during.network
    assert total == 3 and k in (2, 3) and during.progress == (k - 1) / 3
    assert during.eta == pytest.approx(sum(s.seconds for s in snap.run.history) * (3 - k + 1))
    assert progress_text(during).startswith(f"Network {k} / 3 · elapsed ")
    assert status_line(during).endswith(f"running · network {k}/3")
    assert snap.network is None and progress_text(snap).startswith("Epoch 3 / 3")


# ---- one vocabulary, tags, sweeps, waiting on events, failure logs ---------------------------------


def test_status_is_an_enum_that_reads_and_writes_as_text():
    assert JobStatus.FINISHED == "finished" and f"{JobStatus.CANCELLED}" == "cancelled"
    assert json.dumps({"s": JobStatus.DIVERGED}) == '{"s": "diverged"}'
    assert JobStatus.QUEUED.active and JobStatus.RUNNING.active and not JobStatus.FINISHED.active
    assert JobStatus.FAILED.failed and JobStatus.DIVERGED.failed and not JobStatus.CANCELLED.failed


def test_tags_group_jobs_without_reading_labels(sine):
    reg = JobRegistry(max_workers=1, torch_threads=1, runner=_fail_fast)
    try:
        tags = [{"kind": "compare", "group": "g1", "variant": "same · seed 9", "seed": s} for s in (0, 1)]
        ids = [reg.submit(sine, tiny(), owner="me", label="same · seed 9", tags=t) for t in tags]
        other = reg.submit(sine, tiny(), owner="me", tags={"kind": "compare", "group": "g2", "variant": "x", "seed": 0})
        plain = reg.submit(sine, tiny(), owner="me")
        for jid in (*ids, other, plain):
            reg.wait(jid, WAIT_S)
        assert [s.id for s in reg.find("me", group="g1")] == ids[::-1]  # newest first
        assert [s.tags["seed"] for s in reg.find("me", group="g1")] == [1, 0]
        assert reg.snapshot(plain).kind == "train" and reg.snapshot(other).kind == "compare"
        assert reg.find("someone else", group="g1") == []
        with pytest.raises(ConfigError, match="submit_sweep"):
            reg.submit(sine, tiny(), owner="me", tags={"kind": "sweep"})  # what a job does is not a label
        with pytest.raises(TypeError):
            reg.snapshot(plain).tags["kind"] = "changed"  # read-only in a snapshot
    finally:
        reg.close()


def test_a_sweep_is_a_job_beside_training_runs(sine):
    reg = JobRegistry(max_workers=1, torch_threads=1)
    try:
        cfg = MemoryConfig(cells=["rnn", "lstm"], lags=[1, 2], max_steps=20, n_train=128, n_test=64, extra=1)
        sid = reg.submit_sweep(cfg, owner="me")
        jid = reg.submit(sine, tiny(epochs=1), owner="me")
        snap = reg.wait(sid, WAIT_S)
        assert snap.status == JobStatus.FINISHED, snap.message
        assert snap.kind == "sweep" and snap.epochs_planned == 4 and snap.epochs_done == 4 and snap.progress == 1.0
        assert list(snap.results["cell"]) == ["rnn", "lstm", "rnn", "lstm"] and list(snap.results["lag"]) == [
            1,
            1,
            2,
            2,
        ]
        assert "Trained 4 of 4" in snap.message
        assert {s.id for s in reg.jobs_for("me")} == {sid, jid}  # listed with the owner's other jobs
        assert reg.wait(jid, WAIT_S).status == JobStatus.FINISHED
        with pytest.raises(ConfigError, match="lags"):
            reg.submit_sweep(MemoryConfig(lags=[0]), owner="me")
    finally:
        reg.close()


def test_a_sweep_queues_with_training_runs_and_stops_when_cancelled(sine):
    started = threading.Event()

    def sweeper(cfg, on_result=None, stop=None):
        started.set()
        stop.wait(WAIT_S)

    reg = JobRegistry(max_workers=1, torch_threads=1, sweeper=sweeper)
    try:
        sid = reg.submit_sweep(MemoryConfig(cells=["rnn"], lags=[1]), owner="me")
        assert started.wait(WAIT_S)
        jid = reg.submit(sine, tiny(), owner="me")
        assert reg.snapshot(jid).position == 1  # one queue: the training run waits behind the sweep
        assert reg.snapshot(sid).status == JobStatus.RUNNING
        assert reg.cancel(jid) and reg.cancel(sid)
        snap = reg.wait(sid, WAIT_S)
        assert snap.status == JobStatus.CANCELLED and "Stopped after 0 of 1" in snap.message
    finally:
        reg.close()


def test_wait_until_wakes_on_changes_and_times_out(sine):
    reg = JobRegistry(max_workers=1, torch_threads=1, runner=_train_until_stopped)
    try:
        jid = reg.submit(sine, tiny(), owner="me")
        assert reg.wait_until(jid, lambda s: s.status == JobStatus.RUNNING, WAIT_S).status == JobStatus.RUNNING
        t0 = time.monotonic()
        with pytest.raises(TimeoutError, match="did not reach"):
            reg.wait_until(jid, lambda s: s.epochs_done > 0, 0.2)
        assert time.monotonic() - t0 < 5
        with pytest.raises(LookupError):
            reg.wait_until("no such job", lambda s: True, 1)
        reg.cancel(jid)
        assert reg.wait_until(jid, lambda s: not s.active, WAIT_S).status == JobStatus.CANCELLED
    finally:
        reg.close()


@pytest.mark.parametrize("error", [ValueError("The column is empty."), RuntimeError("boom")])
def test_worker_failures_are_logged_with_the_traceback(sine, caplog, error):
    def runner(series, cfg, *, callbacks):
        raise error

    reg = JobRegistry(max_workers=1, torch_threads=1, runner=runner)
    try:
        with caplog.at_level(logging.WARNING, logger="lstm_core.jobs"):
            snap = reg.wait(reg.submit(sine, tiny(), owner="me"), WAIT_S)
        assert snap.status == JobStatus.FAILED
        assert str(error) in snap.message and "Traceback" not in snap.message and "\n" not in snap.message
        records = [r for r in caplog.records if r.name == "lstm_core.jobs" and snap.id in r.getMessage()]
        assert len(records) == 1 and records[0].exc_info is not None and records[0].exc_info[1] is error
    finally:
        reg.close()


def test_inline_registry_runs_the_job_before_submit_returns(sine):
    calls = []

    def runner(series, cfg, *, callbacks):
        calls.append(threading.current_thread())
        raise ConfigError("Deliberately not training.")

    workers_before = set(threading.enumerate())
    reg = JobRegistry(torch_threads=0, runner=runner, inline=True)
    try:
        jid = reg.submit(sine, tiny(), owner="me")
        assert calls == [threading.current_thread()]
        snap = reg.snapshot(jid)
        assert snap.status == JobStatus.FAILED and snap.message == "Deliberately not training."
        assert reg._workers == [] and set(threading.enumerate()) <= workers_before  # no worker threads
    finally:
        reg.close()


def test_the_same_run_is_not_queued_twice(sine):
    registry = JobRegistry(max_workers=1, torch_threads=1, runner=_train_until_stopped)
    try:
        jid = registry.submit(sine, tiny(), owner="me")
        assert registry.active_twin("me", sine, tiny()).id == jid  # same data and config: the twin
        assert registry.active_twin("me", sine, tiny(epochs=5)) is None  # another config
        assert registry.active_twin("me", generate("sine", length=150), tiny()) is None  # other data
        assert registry.active_twin("someone else", sine, tiny()) is None
        registry.cancel(jid)
        registry.wait(jid, WAIT_S)
        assert registry.active_twin("me", sine, tiny()) is None  # over: a new run may start
    finally:
        registry.close()


def test_a_first_look_is_in_the_snapshot_while_the_job_runs_and_gone_once_it_ends(sine):
    import pandas as pd

    from lstm_core.pipeline import FirstLook, fit_run

    handed, release = threading.Event(), threading.Event()
    look = FirstLook(
        pd.DataFrame({"time": [0, 1], "actual": [1.0, 2.0], "part": ["train", "test"], "one_step": [np.nan, 2.1]}), 5
    )

    def runner(series, cfg, *, callbacks):
        callbacks.preview(look)
        handed.set()
        release.wait(WAIT_S)
        return fit_run(series, cfg, callbacks=callbacks)

    reg = JobRegistry(max_workers=1, torch_threads=1, runner=runner)
    try:
        jid = reg.submit(sine, tiny(), owner="me")
        assert handed.wait(WAIT_S)
        snap = reg.wait_until(jid, lambda s: s.preview is not None, WAIT_S)
        assert snap.status == JobStatus.RUNNING and snap.preview is look
        release.set()
        done = reg.wait(jid, WAIT_S)
        assert done.status == JobStatus.FINISHED and done.preview is None and done.run.predictions is not None
    finally:
        release.set()
        reg.close()


class _LoadsOnRelease:
    """A job lock whose first release stands for a loader that finishes the run just then."""

    def __init__(self, job):
        self.job, self.inner, self.fired = job, threading.Lock(), False

    def __enter__(self):
        self.inner.__enter__()
        return self

    def __exit__(self, *exc):
        self.inner.__exit__(*exc)
        if not self.fired:
            self.fired = True
            with self.inner:  # what _load_one does, right after the snapshot let go of the lock
                self.job.run, self.job.restoring = SimpleNamespace(history=[]), False


def test_a_snapshot_never_shows_a_restoring_job_without_its_run_and_not_loading():
    from lstm_core.jobs import Job

    reg = JobRegistry(max_workers=1, torch_threads=1)
    try:
        job = Job(id="j", owner="me", config=tiny(), series=None, label="x", epochs_planned=1, restoring=True)
        job.status = JobStatus.FINISHED
        job.lock = _LoadsOnRelease(job)  # type: ignore[assignment]
        snap = reg._snap(job, None)
        assert snap.restoring and snap.run is None  # consistent: still loading (pages wait for it)
        assert job.run is not None and not job.restoring  # the load did land right after
        later = reg._snap(job, None)
        assert later.run is job.run and not later.restoring
    finally:
        reg.close()
