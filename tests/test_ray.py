"""Jobs on a Ray cluster: a private local cluster (2 CPUs, 127.0.0.1, its files in a short temp
folder, usage statistics off) started once for this module, through the job registry's executor
seam: a training job with live progress and the run store, a Compare and a long-memory sweep
with results identical to the thread executor's, Stop, a killed worker (retried; failed "worker
lost" when no retry is left) and a cluster that goes away and comes back.

Skipped when ray is not installed (it is pinned in requirements-dev.txt, not requirements.txt).
"""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import signal
import tempfile

import numpy as np
import pytest

pytest.importorskip("ray", reason="ray is not installed (pip install -r requirements-ray.txt)")

from lstm_core import compare as cmp  # noqa: E402
from lstm_core.config import DataConfig, RunConfig, TrainConfig  # noqa: E402
from lstm_core.data import Series, generate  # noqa: E402
from lstm_core.executors import make_ray_executor  # noqa: E402
from lstm_core.executors.fanout import compare_jobs  # noqa: E402
from lstm_core.executors.ray_executor import UNREACHABLE, MirrorRecorder, RayExecutor  # noqa: E402
from lstm_core.job_status import JobStatus  # noqa: E402
from lstm_core.jobs import JobRegistry  # noqa: E402
from lstm_core.memory_task import MemoryConfig  # noqa: E402
from lstm_core.store import RunStore  # noqa: E402

CLUSTER_START_S = 240.0  # a busy 2-core machine: ~16 s quiet
JOB_S = 240.0


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """A Ray executor on a private 2-CPU local cluster for the whole module."""
    tmp = tempfile.mkdtemp(prefix="lr", dir="/tmp")  # short: Ray's Unix sockets live under it
    log = tmp_path_factory.mktemp("ray") / "bridge.log"  # kept after the tests
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    ex = make_ray_executor("local", num_cpus=2, num_gpus=0, temp_dir=tmp, log_path=str(log))
    try:
        assert ex.wait_connected(CLUSTER_START_S), f"{ex.status().sentence} (see {log})"
        yield ex
    finally:
        ex.close()
        shutil.rmtree(tmp, ignore_errors=True)


@pytest.fixture
def reg(cluster, tmp_path):
    r = JobRegistry(executor=cluster, store=RunStore(tmp_path / "runs"))
    yield r
    r.close()


def small_cfg(epochs: int = 6, batch_size: int = 32, patience: int | None = None) -> RunConfig:
    cfg = RunConfig()
    cfg.model.hidden_size, cfg.data.look_back = 8, 6
    cfg.train.epochs, cfg.train.batch_size, cfg.train.patience, cfg.train.device = epochs, batch_size, patience, "cpu"
    cfg.train.ensemble, cfg.data.transform = 1, "none"  # one network, no representation backtest
    return cfg


def airline() -> Series:
    return Series(generate("airline"), season=12)


def running_with_epochs(n: int):
    return lambda s: s.status == JobStatus.RUNNING and s.epochs_done >= n


def test_job_through_ray_streams_progress_gates_and_is_stored(reg, cluster, tmp_path):
    assert cluster.status().ok and cluster.status().cpus == 2
    assert "private local Ray cluster (2 CPU(s))" in cluster.status().sentence
    jid = reg.submit(airline(), small_cfg(epochs=40, batch_size=4), owner="a")
    live = reg.wait_until(jid, running_with_epochs(1), timeout=JOB_S)  # progress arrives while it trains
    assert live.status == JobStatus.RUNNING and 1 <= live.epochs_done < 40
    snap = reg.wait_until(jid, lambda s: not s.active, timeout=JOB_S)
    assert snap.status == JobStatus.FINISHED, snap.message
    assert list(snap.epochs) == list(range(1, len(snap.epochs) + 1))  # every epoch once, in order
    assert len(snap.epochs) == len(snap.run.history)
    np.testing.assert_array_equal(snap.train_loss, np.float32([s.train_loss for s in snap.run.history]))
    rec = reg.get(jid).recorder
    assert isinstance(rec, MirrorRecorder)  # the live gate snapshots came back from the worker
    epoch, model = rec.snapshot()
    assert epoch == len(snap.epochs)
    assert sum(p.numel() for p in model.parameters()) == sum(p.numel() for p in snap.run.model.parameters())
    assert len(rec.get_history()) == len(snap.epochs) + 1  # epoch 0 and every epoch
    assert RunStore(tmp_path / "runs").has_run(jid)  # saved like a thread-run job


def test_compare_through_ray_equals_the_thread_executor(reg):
    cfg = cmp.CompareConfig(
        data=DataConfig(look_back=6),
        train=TrainConfig(epochs=4, batch_size=32, patience=None, device="cpu"),
        variants=[
            cmp.Variant(name="lstm", cell="lstm", hidden_size=8, look_back=6),
            cmp.Variant(name="gru", cell="gru", hidden_size=8, look_back=6),
        ],
        seeds=[0, 1],
    )
    local = JobRegistry(max_workers=1, torch_threads=1)
    try:
        table_l, local_results = compare_jobs(local, airline(), cfg, timeout=JOB_S)
    finally:
        local.close()
    table_r, ray_results = compare_jobs(reg, airline(), cfg, timeout=JOB_S)
    assert [(r.variant, r.seed) for r in ray_results] == [(r.variant, r.seed) for r in local_results]
    assert len(ray_results) == 4
    for a, b in zip(local_results, ray_results):
        da, db = a.metrics.to_dict(), b.metrics.to_dict()
        da["info"].pop("train_seconds"), db["info"].pop("train_seconds")  # wall time, not a result
        assert json.dumps(da, sort_keys=True) == json.dumps(db, sort_keys=True), (a.variant, a.seed)  # NaN-safe
        np.testing.assert_array_equal(a.train_loss, b.train_loss)
        np.testing.assert_array_equal(a.val_loss, b.val_loss)
    cols = [c for c in table_l.columns if "second" not in c]
    assert table_l[cols].equals(table_r[cols])


def test_sweep_fans_out_and_equals_the_local_sweep(reg):
    from lstm_core.memory_task import sweep

    cfg = MemoryConfig(cells=["lstm", "gru"], lags=[2, 4], max_steps=30, n_train=256, n_test=128, eval_every=10)
    local = sweep(dataclasses.replace(cfg))
    jid = reg.submit_sweep(cfg, owner="s")
    snap = reg.wait_until(jid, lambda s: not s.active, timeout=JOB_S)
    assert snap.status == JobStatus.FINISHED, snap.message
    got = snap.results
    assert got is not None and len(got) == 4
    keep = [c for c in local.columns if c != "seconds"]
    assert got[keep].reset_index(drop=True).equals(local[keep].reset_index(drop=True))


def test_stop_through_ray_keeps_the_best_weights(reg):
    jid = reg.submit(airline(), small_cfg(epochs=5000, batch_size=1), owner="b")
    reg.wait_until(jid, running_with_epochs(2), timeout=JOB_S)
    assert reg.cancel(jid)
    snap = reg.wait_until(jid, lambda s: not s.active, timeout=JOB_S)
    assert snap.status == JobStatus.CANCELLED
    assert snap.message.startswith("Stopped at epoch")
    assert snap.run is not None and 2 <= len(snap.run.history) < 5000


def test_killed_worker_is_retried_then_stops_cleanly(reg, cluster):
    jid = reg.submit(airline(), small_cfg(epochs=5000, batch_size=1), owner="c")
    before = reg.wait_until(jid, running_with_epochs(2), timeout=JOB_S)
    (pid,) = cluster.worker_pids()
    os.kill(pid, signal.SIGKILL)  # the Ray worker process training the job
    # a new worker takes the job: the curve goes on past where it was, each epoch shown once
    after = reg.wait_until(jid, lambda s: s.epochs_done > before.epochs_done + 2 or not s.active, timeout=JOB_S)
    assert after.status == JobStatus.RUNNING, after.message
    assert cluster.worker_pids() and cluster.worker_pids()[0] != pid
    assert list(after.epochs) == list(range(1, after.epochs_done + 1))
    reg.cancel(jid)
    assert reg.wait_until(jid, lambda s: not s.active, timeout=JOB_S).status == JobStatus.CANCELLED


def test_killed_worker_without_retries_fails_worker_lost(reg, cluster):
    cluster.retries = 0
    try:
        jid = reg.submit(airline(), small_cfg(epochs=5000, batch_size=1), owner="d")
        reg.wait_until(jid, running_with_epochs(1), timeout=JOB_S)
        (pid,) = cluster.worker_pids()  # the one job running
        os.kill(pid, signal.SIGKILL)
        snap = reg.wait_until(jid, lambda s: not s.active, timeout=JOB_S)  # never stuck "running"
    finally:
        cluster.retries = 1
    assert snap.status == JobStatus.FAILED
    assert snap.message == "Failed: worker lost (the Ray worker training it died); start it again."
    follow = reg.submit(airline(), small_cfg(epochs=2), owner="d")  # the cluster still serves
    assert reg.wait_until(follow, lambda s: not s.active, timeout=JOB_S).status == JobStatus.FINISHED


def test_cluster_gone_then_back_keeps_the_queue(cluster, tmp_path):
    """Last in the module: it kills the bridge (the local cluster dies with it) and waits for a new one."""
    reg = JobRegistry(executor=cluster)
    try:
        long = small_cfg(epochs=5000, batch_size=1)
        running = [reg.submit(airline(), long, owner=f"r{i}") for i in range(2)]
        for jid in running:
            reg.wait_until(jid, running_with_epochs(1), timeout=JOB_S)
        queued = reg.submit(airline(), small_cfg(epochs=3), owner="q")
        assert reg.snapshot(queued).position == 1
        os.kill(cluster.bridge_pid(), signal.SIGKILL)  # the Ray driver and its private cluster are gone
        for jid in running:  # the running jobs end failed, not stuck
            snap = reg.wait_until(jid, lambda s: not s.active, timeout=JOB_S)
            assert snap.status == JobStatus.FAILED
            assert snap.message == "Failed: worker lost (the Ray cluster became unreachable); start it again."
        # said at once (a new private cluster takes seconds to start)
        assert cluster.status().state == UNREACHABLE
        assert cluster.status().sentence.endswith("is unreachable; jobs wait in the queue and start when it is back.")
        assert reg.snapshot(queued).status == JobStatus.QUEUED
        # the queued job kept its place and runs once a new cluster is up
        done = reg.wait_until(queued, lambda s: not s.active, timeout=CLUSTER_START_S + JOB_S)
        assert done.status == JobStatus.FINISHED, done.message
        assert cluster.status().ok
    finally:
        reg.close()


def test_unreachable_address_says_so_and_keeps_the_queue(tmp_path):
    ex = RayExecutor("127.0.0.1:9", connect_timeout_s=8, max_backoff_s=5, log_path=str(tmp_path / "bridge.log"))
    reg = JobRegistry(executor=ex)
    try:
        jid = reg.submit(airline(), small_cfg(epochs=2), owner="u")
        status = ex.wait_status(lambda s: s.state == UNREACHABLE, timeout=CLUSTER_START_S)
        assert status.sentence == (
            "The Ray cluster at 127.0.0.1:9 is unreachable; jobs wait in the queue and start when it is back."
        )
        snap = reg.snapshot(jid)
        assert snap.status == JobStatus.QUEUED and snap.position == 1
    finally:
        reg.close()
        ex.close()


def test_cli_unreachable_address_is_one_error_line(tmp_path, capsys):
    from lstm_core.cli import EXIT_USAGE, main

    data = tmp_path / "air.csv"
    assert main(["generate", "airline", "--out", str(data)]) == 0
    config = tmp_path / "compare.json"
    config.write_text(cmp.CompareConfig().to_json())
    capsys.readouterr()
    code = main(
        [
            "compare",
            "--config",
            str(config),
            "--data",
            str(data),
            "--out",
            str(tmp_path / "out"),
            "--ray",
            "127.0.0.1:9",
        ]
    )
    err = capsys.readouterr().err.splitlines()
    assert code == EXIT_USAGE
    assert err == [
        "error: The Ray cluster at 127.0.0.1:9 is unreachable: check --ray (auto, HOST:PORT or local) "
        "and that `ray start --head` runs there."
    ]
