"""The run index (SQLite, WAL): round trip, rebuild from the run folders, threads, retention."""

from __future__ import annotations

import logging
import re
import shutil
import sqlite3
import threading

import pytest

from lstm_core.config import RunConfig
from lstm_core.data import Series, generate
from lstm_core.index import RunIndex, RunRecord
from lstm_core.jobs import JobRegistry
from lstm_core.store import DATA, INDEX, SHARED, RunStore, check_label
from tests import fakes


def record(i: int, owner: str = "me", **kw) -> RunRecord:
    base = dict(
        id=f"{i:032x}",
        owner=owner,
        label=f"run {i}",
        config={"model": {"cell": "gru", "hidden_size": 8}},
        status="finished",
        created=1000.0 + i,
        finished=1001.0 + i,
        has_run=True,
        rmse=0.5 + i,
        verdict="beats",
    )
    base.update(kw)
    return RunRecord(**base)


def test_a_record_comes_back_as_it_was_put(tmp_path):
    index = RunIndex(tmp_path / INDEX)
    assert index.open() == "missing"
    r = record(1, group="g1", tags={"kind": "compare", "seed": 2}, series={"season": 12}, mase=None, pinned=True)
    index.put(r)
    assert index.get(r.id) == r
    assert (r.cell, r.hidden_size) == ("gru", 8)
    assert index.update(r.id, label="renamed", pinned=False)
    assert index.get(r.id) == RunRecord(**{**r.__dict__, "label": "renamed", "pinned": False})
    index.put(record(2))
    index.put(record(3, owner="other"))
    assert [x.id for x in index.of_owner("me")] == [record(2).id, r.id]  # newest first
    assert index.delete(r.id) and index.get(r.id) is None and not index.update(r.id, label="x")
    index.close()


def test_the_index_uses_wal_mode_and_survives_a_failed_write(tmp_path):
    index = RunIndex(tmp_path / INDEX)
    index.open()
    index.put(record(1))
    assert index.journal_mode() == "wal"
    assert (tmp_path / f"{INDEX}-wal").exists()

    def half_written():
        yield record(2)
        raise OSError("disk full")  # the process dies mid-rebuild

    with pytest.raises(OSError):
        index.rebuild(half_written())
    assert [x.id for x in index.all()] == [record(1).id]  # the transaction left the old state
    index.close()
    again = RunIndex(tmp_path / INDEX)
    assert again.open() == "ok" and again.journal_mode() == "wal"
    again.close()


def test_many_threads_write_at_once(tmp_path):
    index = RunIndex(tmp_path / INDEX)
    index.open()
    other = RunIndex(tmp_path / INDEX)  # a second handle: another store object on the same file
    errors: list[BaseException] = []
    start = threading.Barrier(8)

    def writer(t: int) -> None:
        try:
            start.wait()
            target = index if t % 2 else other
            for i in range(40):
                target.put(record(t * 100 + i, owner=f"o{t}"))
                target.update(record(t * 100 + i).id, label=f"t{t} n{i}")
        except BaseException as exc:  # noqa: BLE001 - collected for the assertion
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(t,)) for t in range(8)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert errors == []
    rows = index.all()
    assert len(rows) == 8 * 40
    assert {r.label for r in rows} == {f"t{t} n{i}" for t in range(8) for i in range(40)}
    index.close()
    other.close()


def tiny_series(name: str = "sine") -> Series:
    return Series(generate("sine", length=80), name=name)


def tiny_cfg(seed: int = 0) -> RunConfig:
    return RunConfig.make(hidden_size=4, look_back=6, epochs=2, patience=None, device="cpu", ensemble=1, seed=seed)


def fake_store_registry(store: RunStore) -> JobRegistry:
    return JobRegistry(max_workers=1, torch_threads=0, runner=fakes.prebuilt_runner, inline=True, store=store)


def test_the_index_is_rebuilt_from_the_run_folders_when_missing_or_damaged(tmp_path, caplog):
    store = RunStore(tmp_path / "jobs")
    reg = fake_store_registry(store)
    a = reg.submit(tiny_series(), tiny_cfg(0), owner="me", label="first")
    b = reg.submit(tiny_series(), tiny_cfg(1), owner="me", label="second", tags={"kind": "compare", "group": "g"})
    reg.set_pinned(a, True)
    reg.rename(b, "second, renamed")
    before = {r.id: r for r in store.records()}
    assert set(before) == {a, b} and before[a].pinned and before[b].group == "g"
    assert before[a].rmse is not None and before[a].verdict in ("beats", "mixed", "loses")
    reg.close()
    store.close()

    (tmp_path / "jobs" / INDEX).unlink()
    for extra in ("-wal", "-shm"):
        (tmp_path / "jobs" / f"{INDEX}{extra}").unlink(missing_ok=True)
    with caplog.at_level(logging.WARNING, logger="lstm_core.store"):
        again = RunStore(tmp_path / "jobs")
        assert {r.id: r for r in again.records()} == before
    assert "the run index was missing; rebuilt it from 2 run folder(s)" in caplog.text
    again.close()

    (tmp_path / "jobs" / INDEX).write_bytes(b"this is not a database" * 100)
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        third = RunStore(tmp_path / "jobs")
        assert {r.id: r for r in third.records()} == before
    assert "is damaged" in caplog.text and "the run index was damaged; rebuilt it" in caplog.text
    assert list((tmp_path / "jobs").glob(f"{INDEX}.damaged-*"))  # moved aside, not deleted
    with sqlite3.connect(tmp_path / "jobs" / INDEX) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    third.close()


def test_one_dataset_is_stored_once_however_many_runs_use_it(tmp_path):
    store = RunStore(tmp_path / "jobs")
    reg = fake_store_registry(store)
    ids = [reg.submit(tiny_series(), tiny_cfg(s), owner="me") for s in range(3)]
    shared = list((tmp_path / "jobs" / SHARED).glob("*.csv"))
    assert len(shared) == 1
    rec = store.record(ids[0])
    assert rec is not None and shared[0].name == f"{rec.data_hash}.csv" and rec.dataset == "sine"
    assert shared[0].stat().st_nlink == 4  # the shared copy and three run folders' data.csv
    for jid in ids:
        assert (tmp_path / "jobs" / jid / DATA).samefile(shared[0])
    assert store.series(ids[1]).frame.equals(tiny_series().frame)
    for jid in ids[:2]:
        reg.delete_run(jid)
    assert shared[0].exists()  # still used by the third run
    reg.delete_run(ids[2])
    assert not shared[0].exists() and store.records() == []
    reg.close()


def take_notices(reg, owner: str) -> list[str]:
    """What the Runs page does: read the quota's notices for ``owner``, then say OK to them."""
    held = reg.notices(owner)
    reg.dismiss_notices(owner, held)
    return held


def test_the_quota_deletes_the_oldest_plain_runs_keeps_pinned_and_compared_ones_and_says_which(tmp_path):
    store = RunStore(tmp_path / "jobs", quota_bytes=10**12)
    reg = fake_store_registry(store)
    pinned = reg.submit(tiny_series(), tiny_cfg(0), owner="me", label="pinned run")
    reg.set_pinned(pinned, True)
    grouped = reg.submit(
        tiny_series(), tiny_cfg(1), owner="me", label="compared run", tags={"kind": "compare", "group": "g"}
    )
    old1 = reg.submit(tiny_series(), tiny_cfg(2), owner="me", label="oldest plain run")
    old2 = reg.submit(tiny_series(), tiny_cfg(3), owner="me", label="second plain run")
    theirs = reg.submit(tiny_series(), tiny_cfg(4), owner="other", label="someone else's run")
    assert take_notices(reg, "me") == []
    per_run = store.record(old1).bytes
    store.quota_bytes = store.index.usage("me") + per_run // 2  # room for half a run more
    newest = reg.submit(tiny_series(), tiny_cfg(5), owner="me", label="newest run")

    left = {r.id for r in store.records("me")}
    assert left == {pinned, grouped, old2, newest}  # only the oldest plain run had to go
    assert not (tmp_path / "jobs" / old1).exists() and reg.snapshot(old1) is None
    assert take_notices(reg, "me") == ["oldest plain run"]
    assert take_notices(reg, "me") == []  # said once
    assert take_notices(reg, "other") == [] and store.record(theirs) is not None

    store.quota_bytes = 1  # nothing fits: every plain run goes, pinned and compared ones stay
    reg.submit(tiny_series(), tiny_cfg(6), owner="me", label="one more")
    assert {r.label for r in store.records("me")} == {"pinned run", "compared run", "one more"}
    assert sorted(take_notices(reg, "me")) == ["newest run", "second plain run"]
    reg.close()


def test_the_quotas_notice_outlives_a_restart(tmp_path):
    """The names of the runs the quota deleted were kept in the server's memory: a restart before
    the owner's next visit lost the news that their runs were gone."""
    store = RunStore(tmp_path / "jobs", quota_bytes=10**12)
    reg = fake_store_registry(store)
    reg.submit(tiny_series(), tiny_cfg(0), owner="me", label="old run")
    theirs = reg.submit(tiny_series(), tiny_cfg(1), owner="other", label="their run")
    store.quota_bytes = 1
    reg.submit(tiny_series(), tiny_cfg(2), owner="me", label="new run")
    reg.close()  # the server stops before "me" comes back
    again = fake_store_registry(RunStore(tmp_path / "jobs", quota_bytes=1))
    assert take_notices(again, "other") == [] and again.store.record(theirs) is not None
    assert take_notices(again, "me") == ["old run"]
    assert take_notices(again, "me") == []  # said once
    again.close()


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", "cannot be empty"),
        ("   ", "cannot be empty"),
        ("x" * 81, "at most 80 characters (this one has 81)"),
        ("two\nlines", "line breaks or invisible characters"),
        ("look\u200balike", "line breaks or invisible characters"),
        ("evil\u202etxt", "line breaks or invisible characters"),
        (None, "must be text"),
    ],
)
def test_a_bad_run_name_is_refused_with_one_sentence(text, problem):
    with pytest.raises(ValueError, match=re.escape(problem)) as err:
        check_label(text)
    assert str(err.value).count(". ") == 0 and str(err.value).endswith(".")


def test_a_good_run_name_is_kept_stripped():
    assert check_label("  GRU 32 · sales (try 2) ✓ ") == "GRU 32 · sales (try 2) ✓"


@pytest.mark.parametrize(
    "name",
    [
        "👩\u200d💻 coder's run",
        "🏳️\u200d🌈 pride",
        "👨\u200d👩\u200d👧 family",
        "🏴\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f fc",
    ],
)
def test_an_emoji_joined_of_several_is_a_good_run_name(name):
    """A rename to "👩‍💻 coder's run" said "A run name cannot hold line breaks or invisible
    characters": the zero-width joiner inside the emoji (and a subdivision flag's tags) counted
    as hidden text. Between two letters they are still refused (below)."""
    assert check_label(f"  {name} ") == name


@pytest.mark.parametrize("name", ["ab\u200dcd", "\u200d💻", "💻\u200d", "a\U000e0067b", "💻\u200d x"])
def test_a_joiner_or_tag_outside_an_emoji_is_still_refused(name):
    with pytest.raises(ValueError, match="invisible characters"):
        check_label(name)


def test_an_index_out_of_step_with_the_folders_is_brought_back_in_step(tmp_path, caplog):
    store = RunStore(tmp_path / "jobs")
    reg = fake_store_registry(store)
    kept, unlisted, removed = (reg.submit(tiny_series(), tiny_cfg(s), owner="me", label=f"run {s}") for s in range(3))
    reg.close()
    with sqlite3.connect(tmp_path / "jobs" / INDEX) as conn:  # killed between job.json and its row
        conn.execute("DELETE FROM runs WHERE id = ?", (unlisted,))
    shutil.rmtree(tmp_path / "jobs" / removed)  # a folder removed by hand
    with caplog.at_level(logging.WARNING, logger="lstm_core.store"):
        again = RunStore(tmp_path / "jobs")
        assert {r.id: r.label for r in again.records()} == {kept: "run 0", unlisted: "run 1"}
    assert "out of step with the run folders" in caplog.text and "added 1 job(s), removed 1" in caplog.text
    again.close()


def test_the_quota_comes_from_the_environment(monkeypatch, caplog):
    from lstm_core.store import DEFAULT_QUOTA_MB, default_quota

    monkeypatch.setenv("LSTM_LAB_QUOTA_MB", "1.5")
    assert default_quota() == int(1.5 * 2**20)
    monkeypatch.setenv("LSTM_LAB_QUOTA_MB", "lots")
    assert default_quota() == DEFAULT_QUOTA_MB * 2**20 and "is not a positive number" in caplog.text
    monkeypatch.delenv("LSTM_LAB_QUOTA_MB")
    assert default_quota() == DEFAULT_QUOTA_MB * 2**20


def test_runs_says_which_stored_jobs_are_training_and_which_were_interrupted(tmp_path):
    started, release = threading.Event(), threading.Event()

    def slow(series, cfg, *, callbacks):
        started.set()
        release.wait(30)
        return fakes.prebuilt_runner(series, cfg, callbacks=callbacks)

    store = RunStore(tmp_path / "jobs")
    first = JobRegistry(max_workers=1, torch_threads=0, runner=slow, store=store)
    try:
        running = first.submit(tiny_series(), tiny_cfg(0), owner="me", label="running")
        assert started.wait(30)
        queued = first.submit(tiny_series(), tiny_cfg(1), owner="me", label="queued")
        assert {r.id: r.status for r in first.runs("me")} == {running: "running", queued: "queued"}
        # the same store seen by a server started after this one stopped
        later = JobRegistry(max_workers=1, torch_threads=0, runner=fakes.prebuilt_runner, inline=True, store=store)
        assert {r.id: r.status for r in later.runs("me")} == {running: "interrupted", queued: "interrupted"}
        later.close()
        release.set()
        assert first.wait(queued, 30).status.value == "finished"
        assert {r.status for r in first.runs("me")} == {"finished"}
    finally:
        release.set()
        first.close()
