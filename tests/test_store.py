"""Finished jobs on disk: a restarted registry lists them at once and loads their runs back."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from lstm_core.config import RunConfig
from lstm_core.data import Series, generate
from lstm_core.job_status import JobStatus
from lstm_core.jobs import JobRegistry
from lstm_core.store import META, RunStore, default_home

WAIT_S = 60


def tiny() -> RunConfig:
    return RunConfig.make(
        hidden_size=8, look_back=8, epochs=3, patience=None, device="cpu", ensemble=1, transform="none"
    )


class Clock:
    def __init__(self) -> None:
        self.t = 1_000_000.0

    def __call__(self) -> float:
        return self.t


def _finished(reg: JobRegistry, owner: str = "me") -> str:
    jid = reg.submit(generate("sine", length=120), tiny(), owner=owner, label="tiny sine", tags={"kind": "train"})
    snap = reg.wait(jid, WAIT_S)
    assert snap is not None and snap.status == JobStatus.FINISHED, snap and snap.message
    return jid


def test_a_restarted_registry_gets_its_finished_runs_back(tmp_path):
    store = RunStore(tmp_path / "jobs")
    first = JobRegistry(max_workers=1, torch_threads=1, store=store)
    try:
        jid = _finished(first)
        original = first.snapshot(jid)
    finally:
        first.close()
    assert (tmp_path / "jobs" / jid / META).is_file()
    meta = json.loads((tmp_path / "jobs" / jid / META).read_text())
    assert (meta["owner"], meta["label"], meta["status"]) == ("me", "tiny sine", "finished")

    again = JobRegistry(max_workers=1, torch_threads=1, store=store)  # "the server restarted"
    try:
        listed = again.snapshot(jid)
        assert listed is not None and listed.status == JobStatus.FINISHED and listed.owner == "me"
        assert listed.message == original.message and listed.tags["kind"] == "train"
        back = again.wait_until(jid, lambda s: s.has_run, WAIT_S)
        pd.testing.assert_frame_equal(back.run.predictions, original.run.predictions, check_exact=True)
        np.testing.assert_array_equal(back.train_loss, original.train_loss)  # the loss curve too
        assert [s.id for s in again.jobs_for("me")] == [jid] and again.jobs_for("someone else") == []
    finally:
        again.close()


def test_a_restarted_registry_names_a_runs_data_as_it_was_uploaded(tmp_path):
    """The data's name, missing-value policy and UTC offset (its forecast's times are written with it)
    come back after a restart, for the stored data and for the run loaded from its folder."""
    store = RunStore(tmp_path / "jobs")
    first = JobRegistry(max_workers=1, torch_threads=1, store=store)
    try:
        data = Series(generate("sine", length=120), name="visits.csv", missing_policy="ffill", utc_offset="-05:30")
        jid = first.submit(data, tiny(), owner="me", label="visits")
        assert first.wait(jid, WAIT_S).status == JobStatus.FINISHED
    finally:
        first.close()
    again = JobRegistry(max_workers=1, torch_threads=1, store=store)  # "the server restarted"
    try:
        run = again.wait_until(jid, lambda s: s.has_run, WAIT_S).run
        assert run.series.utc_offset == "-05:30"  # (config.json)
        back = again.series_of(jid)
        assert (back.name, back.missing_policy, back.utc_offset) == ("visits.csv", "ffill", "-05:30")
        pd.testing.assert_frame_equal(back.frame, data.frame, check_freq=False)
    finally:
        again.close()


def test_an_evicted_job_stays_on_disk_and_reopens(tmp_path):
    store, clock = RunStore(tmp_path / "jobs"), Clock()
    reg = JobRegistry(max_workers=1, torch_threads=1, store=store, ttl_s=60, clock=clock)
    try:
        jid = _finished(reg)
        original = reg.snapshot(jid)
        clock.t += 61
        assert reg.snapshot(jid) is None  # memory let it go...
        assert (tmp_path / "jobs" / jid / META).is_file() and store.record(jid) is not None  # ...the store did not
        assert reg.reopen(jid).restoring
        back = reg.wait_until(jid, lambda s: s.has_run, WAIT_S)
        assert back.label == "tiny sine" and back.owner == "me"
        pd.testing.assert_frame_equal(back.run.predictions, original.run.predictions, check_exact=True)
        assert reg.reopen("0" * 32) is None
    finally:
        reg.close()


def test_runs_past_the_memory_bound_are_let_go_oldest_first_and_reopen(tmp_path):
    """The count bounds (40 per owner, 500 in all) let a server hold tens of gigabytes of runs of
    long series; finished runs are bounded in bytes too: past the bound the oldest leave memory
    (the newest always stays), stay in the store and reopen as before."""
    store, clock = RunStore(tmp_path / "jobs"), Clock()
    reg = JobRegistry(max_workers=1, torch_threads=1, store=store, clock=clock)
    try:
        ids = []
        for _ in range(3):
            ids.append(_finished(reg))
            clock.t += 1
        sizes = [reg.get(j).run_bytes for j in ids]
        assert all(size > 0 for size in sizes)  # measured, not assumed
        reg.max_finished_bytes = sizes[1] + sizes[2]  # room for the two newest
        assert reg.snapshot(ids[0]) is None and reg.snapshot(ids[1]) is not None and reg.snapshot(ids[2]) is not None
        assert store.record(ids[0]) is not None
        reg.max_finished_bytes = 1  # less than any run: the newest still stays
        assert [reg.snapshot(j) is not None for j in ids] == [False, False, True]
        reg.max_finished_bytes = None
        assert reg.reopen(ids[0]).restoring
        back = reg.wait_until(ids[0], lambda s: s.has_run, WAIT_S)
        assert back.status == JobStatus.FINISHED and reg.get(ids[0]).run_bytes == sizes[0]
    finally:
        reg.close()


def test_restore_lists_the_index_and_leaves_expired_runs_on_disk(tmp_path):
    store, clock = RunStore(tmp_path / "jobs"), Clock()
    reg = JobRegistry(max_workers=1, torch_threads=1, store=store, ttl_s=3600, clock=clock)
    try:
        old = _finished(reg)
        clock.t += 1800
        recent = _finished(reg)
    finally:
        reg.close()
    (tmp_path / "jobs" / recent / META).write_text("{not json")  # the index is read, not job.json
    (tmp_path / "jobs" / "0123abcd").mkdir()  # an unfinished save: no job.json
    clock.t += 1801
    later = JobRegistry(max_workers=1, torch_threads=1, store=RunStore(tmp_path / "jobs"), ttl_s=3600, clock=clock)
    try:
        assert later.snapshot(old) is None and later.snapshot(recent).label == "tiny sine"
        assert (tmp_path / "jobs" / old).is_dir()  # past the TTL: not in memory, still on disk
        assert [r.id for r in later.runs("me")] == [recent, old]
    finally:
        later.close()


def test_a_restart_loads_back_no_more_than_its_byte_budget_newest_first(tmp_path):
    """A restart loaded every stored run of the last two hours back into memory: with 104 runs of
    200,000 hourly points (26 MB each on disk, ~55 MB each in memory) the server grew past 6 GB in
    2.5 minutes and went on growing. The bulk load now stops at ``restore_bytes`` of the runs' size
    on disk, newest first; the others stay on disk, listed on the Runs page, and open from there."""
    store = RunStore(tmp_path / "jobs")
    reg = JobRegistry(max_workers=1, torch_threads=1, store=store)
    try:
        ids = [_finished(reg) for _ in range(3)]  # oldest first
    finally:
        reg.close()
    sizes = {r.id: r.bytes + r.data_bytes for r in store.records()}
    budget = sizes[ids[2]] + sizes[ids[1]]  # room for the two newest
    later = JobRegistry(max_workers=1, torch_threads=1, store=RunStore(tmp_path / "jobs"), restore_bytes=budget)
    try:
        assert later.snapshot(ids[0]) is None  # left on disk
        for jid in ids[1:]:
            assert later.wait_until(jid, lambda s: s.has_run, WAIT_S).run is not None
        assert [r.id for r in later.runs("me")] == ids[::-1]  # all three still listed
        opened = later.reopen(ids[0])  # the Runs page's "Open in Forecast"
        assert opened is not None and later.wait_until(ids[0], lambda s: s.has_run, WAIT_S).run is not None
    finally:
        later.close()


def test_the_default_home_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("LSTM_LAB_HOME", str(tmp_path / "lab"))
    assert default_home() == tmp_path / "lab" and RunStore.default().root == tmp_path / "lab" / "jobs"
    monkeypatch.delenv("LSTM_LAB_HOME")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert default_home() == tmp_path / "xdg" / "lstm-lab"


def _interrupting_runner(started):
    """Stands in for fit_run: says it started, then never ends (the server 'stops' meanwhile)."""

    def run(series, cfg, *, callbacks):
        started.set()
        callbacks.stop.wait(WAIT_S)
        raise RuntimeError("stopped")

    return run


def test_a_job_interrupted_by_a_restart_can_be_trained_again(tmp_path):
    import threading

    store = RunStore(tmp_path / "jobs")
    started = threading.Event()
    first = JobRegistry(max_workers=1, torch_threads=1, store=store, runner=_interrupting_runner(started))
    series = generate_series_for_test()
    jid = first.submit(series, tiny(), owner="me", label="long run")
    queued = first.submit(series, tiny().replace(seed=1), owner="me", label="waiting run")
    assert started.wait(WAIT_S)
    # the server dies here: the registry is never closed, its jobs never end
    again = JobRegistry(max_workers=1, torch_threads=1, store=store)
    try:
        for j in (jid, queued):
            snap = again.snapshot(j)
            assert snap.status == JobStatus.FAILED and snap.interrupted and "server restart" in snap.message
        again.set_pinned(jid, True)  # pinned on the Runs page before it was trained again
        new = again.retry(jid)
        done = again.wait(new, WAIT_S)
        assert done.status == JobStatus.FINISHED and done.label == "long run" and done.owner == "me"
        assert store.record(new).pinned  # the pin moved to the new run
        assert again.snapshot(jid) is None and not (tmp_path / "jobs" / jid).exists()
        pd.testing.assert_frame_equal(done.run.frame, series.frame, check_freq=False)
        assert done.run.series.season == 12
    finally:
        again.close()
        first.close()


def test_a_job_cancelled_before_it_started_does_not_come_back_as_interrupted(tmp_path):
    """Stop on a comparison whose runs were still queued: after a restart those runs read
    "Interrupted by a server restart before it finished", as if the server had stopped them; a job
    cancelled in the queue keeps nothing, as one stopped before its first epoch."""
    import threading

    store = RunStore(tmp_path / "jobs")
    started = threading.Event()
    first = JobRegistry(max_workers=1, torch_threads=1, store=store, runner=_interrupting_runner(started))
    series = generate_series_for_test()
    running = first.submit(series, tiny(), owner="me", label="long run")
    queued = first.submit(series, tiny().replace(seed=1), owner="me", label="waiting run")
    assert started.wait(WAIT_S)
    assert store.record(queued) is not None  # recorded when queued, so that a restart keeps it
    assert first.cancel(queued) and first.snapshot(queued).status == JobStatus.CANCELLED
    assert store.record(queued) is None and not (tmp_path / "jobs" / queued).exists()
    again = JobRegistry(max_workers=1, torch_threads=1, store=store)  # the server dies and restarts
    try:
        assert again.snapshot(queued) is None
        assert again.snapshot(running).interrupted  # the one the restart did stop still says so
    finally:
        again.close()
        first.close()


def test_a_finished_run_whose_folder_lost_its_model_is_called_damaged_not_interrupted(tmp_path):
    """A run folder without model.pt was listed after a restart as 'interrupted by a server restart',
    which it was not: it had finished, and a file went missing since."""
    from lstm_core.jobs import DAMAGED, DAMAGED_MESSAGE, INTERRUPTED

    first = JobRegistry(max_workers=1, torch_threads=1, store=RunStore(tmp_path / "jobs"))
    try:
        jid = _finished(first)
    finally:
        first.close()
    (tmp_path / "jobs" / jid / "model.pt").unlink()
    again = JobRegistry(max_workers=1, torch_threads=1, store=RunStore(tmp_path / "jobs"))
    try:
        assert [(r.id, r.status) for r in again.runs("me")] == [(jid, DAMAGED)] and DAMAGED != INTERRUPTED
        snap = again.snapshot(jid)
        assert snap.status == JobStatus.FAILED and snap.message == DAMAGED_MESSAGE
        done = again.wait(again.retry(jid), WAIT_S)  # trained again on its data, as an interrupted one
        assert done.status == JobStatus.FINISHED and done.label == "tiny sine"
    finally:
        again.close()


def test_a_restart_reads_no_interrupted_jobs_data_until_it_is_trained_again(tmp_path):
    """A start read every interrupted job's data.csv before the first page could draw: after a
    restart with 30 jobs queued on a 200,000-point upload the first visitor waited 14 s (5 s
    without them). Their data are read when one is trained again; data that cannot be read then is
    said in one sentence."""
    import threading

    store = RunStore(tmp_path / "jobs")
    started = threading.Event()
    first = JobRegistry(max_workers=1, torch_threads=1, store=store, runner=_interrupting_runner(started))
    series = generate_series_for_test()
    running = first.submit(series, tiny(), owner="me", label="long run")
    queued = [first.submit(series, tiny().replace(seed=s), owner="me", label=f"waiting {s}") for s in (1, 2)]
    assert started.wait(WAIT_S)
    disk = RunStore(tmp_path / "jobs")
    reads: list[str] = []
    read = disk.series
    disk.series = lambda job_id: reads.append(job_id) or read(job_id)  # type: ignore[method-assign]
    again = JobRegistry(max_workers=1, torch_threads=1, store=disk)  # the server restarted
    try:
        assert all(again.snapshot(j).interrupted for j in (running, *queued))
        assert reads == []  # nothing read to list them
        done = again.wait(again.retry(running), WAIT_S)
        assert reads == [running] and done.status == JobStatus.FINISHED
        pd.testing.assert_frame_equal(done.run.frame, series.frame, check_freq=False)
        (tmp_path / "jobs" / queued[0] / "data.csv").write_text("not,a\nseries")
        with pytest.raises(LookupError, match="^The data this run was queued with cannot be read"):
            again.retry(queued[0])
        assert again.snapshot(queued[0]).interrupted  # still listed, to be deleted on the Runs page
    finally:
        again.close()
        first.close()


def generate_series_for_test():
    from lstm_core.data import Series

    frame = generate("airline")
    return Series(frame, frequency="MS", season=12, name="airline")


class _HookedStore(RunStore):
    """A run store that calls ``on_load(job_id)`` before each load and records the order."""

    def __init__(self, root, on_load) -> None:
        super().__init__(root)
        self.on_load, self.loaded = on_load, []

    def load(self, job_id):
        self.on_load(job_id)
        self.loaded.append(job_id)
        return super().load(job_id)


def test_the_restart_load_waits_while_a_job_trains_and_an_opened_run_loads_at_once(tmp_path):
    import threading

    first = JobRegistry(max_workers=1, torch_threads=1, store=RunStore(tmp_path / "jobs"))
    try:
        older, newer = _finished(first), _finished(first)
    finally:
        first.close()

    release, events = threading.Event(), []

    def blocking_runner(series, cfg, *, callbacks):
        release.wait(WAIT_S)
        events.append("training ended")
        raise RuntimeError("stands in for a long training")

    holder: dict = {}

    def on_load(job_id):
        events.append(f"load {job_id}")
        if job_id == newer:  # the bulk load starts with the newest run: a job starts training now
            reg = holder["reg"]
            holder["job"] = reg.submit(generate("sine", length=120), tiny(), owner="me", label="blocker")
            reg.wait_until(holder["job"], lambda s: s.status == JobStatus.RUNNING, WAIT_S)

    store = _HookedStore(tmp_path / "jobs", on_load)
    # the registry restores in its constructor: hand the hook the registry before the first load
    holder_ready = threading.Event()
    original_on_load = store.on_load

    def gated(job_id):
        holder_ready.wait(WAIT_S)
        original_on_load(job_id)

    store.on_load = gated
    reg = JobRegistry(max_workers=1, torch_threads=1, store=store, runner=blocking_runner)
    holder["reg"] = reg
    holder_ready.set()
    try:
        reg.wait_until(newer, lambda s: s.has_run, WAIT_S)
        # a job trains now: the bulk load holds back, but somebody opening the older run gets it at once
        assert reg.snapshot(older).restoring
        reg.reopen(older)
        back = reg.wait_until(older, lambda s: s.has_run, WAIT_S)
        assert back.status == JobStatus.FINISHED
        assert reg.snapshot(holder["job"]).status == JobStatus.RUNNING
        assert events == [f"load {newer}", f"load {older}"]
        release.set()
        reg.wait_until(holder["job"], lambda s: not s.active, WAIT_S)
        assert store.loaded == [newer, older]  # loaded once each: the bulk load skips what is loaded
    finally:
        release.set()
        reg.close()


def test_a_restored_run_zip_is_a_stored_run_of_its_owner(tmp_path):
    """A run restored from a zip opened on Forecast but was never listed on Runs (no pin, no
    rename, no comparison) and a restart lost it: the restorer keeps it as a finished job of the
    uploader, stored like a trained run, that a restart lists and loads and that can be deleted."""
    from lstm_core import runs as lcruns
    from lstm_core.restore import Restorer

    store = RunStore(tmp_path / "jobs")
    first = JobRegistry(max_workers=1, torch_threads=1, store=store)
    restorer = Restorer()
    try:
        trained = first.snapshot(_finished(first, owner="someone"))
        folder = lcruns.save_run(trained.run, tmp_path / "saved")
        data = lcruns.run_to_zip(folder)

        def keep(run, about):
            assert about == {}  # a zip that says nothing of the run besides its files
            return first.add_run(run, owner="me", label="my-run (restored)", data_name="my-run.zip")

        done = restorer.wait(restorer.submit("my-run.zip", data, keep), WAIT_S)
        assert done is not None and done.status == "done" and done.job_id, done and done.message
        jid = done.job_id
        rec = store.record(jid)
        assert rec is not None and rec.has_run and (rec.owner, rec.label) == ("me", "my-run (restored)")
        assert rec.kind == "restored" and rec.dataset == "my-run.zip" and rec.status == "finished"
        assert rec.rmse == pytest.approx(trained.run.metrics.test.rmse)
        assert [r.id for r in first.runs("me")] == [jid]
        assert [s.id for s in first.jobs_for("me")] == [jid] and first.snapshot(jid).has_run
        first.set_pinned(jid, True)  # "not on disk, so it cannot be pinned" before
        first.rename(jid, "back from the zip")
    finally:
        restorer.close()
        first.close()

    again = JobRegistry(max_workers=1, torch_threads=1, store=store)  # "the server restarted"
    try:
        (rec,) = again.runs("me")
        assert (rec.id, rec.label, rec.pinned) == (jid, "back from the zip", True)
        back = again.wait_until(jid, lambda s: s.has_run, WAIT_S)
        pd.testing.assert_frame_equal(back.run.predictions, trained.run.predictions, check_exact=True)
        again.delete_run(jid)
        assert again.runs("me") == [] and not (tmp_path / "jobs" / jid).exists()
    finally:
        again.close()


def test_a_restored_runs_name_is_always_a_valid_run_name(tmp_path):
    from lstm_core.pipeline import fit_run

    reg = JobRegistry(max_workers=1, torch_threads=1, inline=True)
    try:
        run = fit_run(generate("sine", length=120), tiny())
        long_id = reg.add_run(run, owner="me", label="x" * 300)
        bad_id = reg.add_run(run, owner="me", label="a\nb\u200b")
        assert len(reg.snapshot(long_id).label) == 80 and reg.snapshot(bad_id).label == "Restored run"
        assert sorted(r.label for r in reg.runs("me")) == ["Restored run", "x" * 80]
    finally:
        reg.close()


def test_a_pin_set_while_the_job_trains_is_kept_when_its_run_is_saved(tmp_path):
    import threading

    from lstm_core.pipeline import fit_run

    store = RunStore(tmp_path / "jobs")
    started, go = threading.Event(), threading.Event()

    def runner(series, cfg, *, callbacks):
        started.set()
        assert go.wait(WAIT_S)
        return fit_run(series, cfg, callbacks=callbacks)

    reg = JobRegistry(max_workers=1, torch_threads=1, store=store, runner=runner)
    try:
        jid = reg.submit(generate("sine", length=120), tiny(), owner="me", label="pinned early")
        assert started.wait(WAIT_S)
        reg.set_pinned(jid, True)  # the Runs page's Pin, pressed while the run trains
        go.set()
        assert reg.wait(jid, WAIT_S).status == JobStatus.FINISHED
        assert store.record(jid).pinned and store.record(jid).has_run
        assert json.loads((tmp_path / "jobs" / jid / META).read_text())["pinned"] is True
    finally:
        go.set()
        reg.close()


def test_a_run_store_that_cannot_be_written_leaves_runs_in_memory_and_says_so(tmp_path):
    blocker = tmp_path / "home"
    blocker.write_text("a file where the run store's folder should be")  # as a read-only LSTM_LAB_HOME does
    reg = JobRegistry(max_workers=1, torch_threads=1, store=RunStore(blocker / "jobs"))
    try:
        assert reg.store is None
        assert "memory only" in reg.store_problem and str(blocker / "jobs") in reg.store_problem
        assert "LSTM_LAB_HOME" in reg.store_problem and reg.store_problem.count(". ") == 0
        jid = _finished(reg)  # training still works, and its run is listed
        assert [r.id for r in reg.runs("me")] == [jid]
    finally:
        reg.close()


def test_the_quotas_notices_stay_until_the_owner_says_ok(tmp_path):
    """The names of runs the quota deleted were taken off disk when the page first drew them: a
    reload or a restart before the owner pressed OK lost them (four runs of ~900 kB under
    ``LSTM_LAB_QUOTA_MB=1``: the first run's deletion was never named again)."""
    store = RunStore(tmp_path / "jobs")
    store.add_notices("me", ["old run"])
    assert store.peek_notices("me") == ["old run"] and store.peek_notices("other") == []
    again = RunStore(tmp_path / "jobs")  # a restart before OK
    assert again.peek_notices("me") == ["old run"]
    again.add_notices("me", ["older run"])  # deleted while the notice was on screen
    again.drop_notices("me", ["old run"])  # OK, under the notice that named "old run"
    assert again.peek_notices("me") == ["older run"]
    again.drop_notices("me", ["older run"])
    assert again.peek_notices("me") == [] and not list((tmp_path / "jobs" / "notices").glob("*.json"))
