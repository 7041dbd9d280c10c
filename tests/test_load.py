"""The pieces that keep a class of sessions responsive, and the protocol client the load
benchmark drives them with (benchmarks/st_client.py), against a real server."""

from __future__ import annotations

import asyncio
import os
import re
import sys
import threading
import tomllib
from pathlib import Path

import pytest

from lstm_core import jobs as jobs_mod
from lstm_core.config import RunConfig
from lstm_core.data import frame_to_csv_bytes, generate
from lstm_core.jobs import JobRegistry
from ui import throttle

ROOT = Path(__file__).resolve().parents[1]
linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="thread priorities are Linux-only")


# ----------------------------------------------------------------------------- script slots
def test_script_slots_bound_concurrency_and_release_on_exit():
    inside, entered, release = [], threading.Semaphore(0), threading.Event()

    def hold(i):
        with throttle.script_slot():
            inside.append(i)
            entered.release()
            release.wait(30)

    threads = [threading.Thread(target=hold, args=(i,), daemon=True) for i in range(throttle.SLOTS + 2)]
    for t in threads:
        t.start()
    for _ in range(throttle.SLOTS):
        assert entered.acquire(timeout=30)
    assert len(inside) == throttle.SLOTS
    assert not throttle._slots.acquire(blocking=False)  # every slot is held: the others wait
    release.set()
    for t in threads:
        t.join(30)
    assert sorted(inside) == list(range(throttle.SLOTS + 2))  # the waiting ones got in afterwards
    for _ in range(throttle.SLOTS):  # and every slot came back
        assert throttle._slots.acquire(blocking=False)
    for _ in range(throttle.SLOTS):
        throttle._slots.release()


def test_script_slot_is_reentrant_and_released_by_an_exception():
    with pytest.raises(RuntimeError, match="boom"):
        with throttle.script_slot():
            with throttle.script_slot():  # a fragment drawn inside a full run: no second slot
                raise RuntimeError("boom")
    got = [throttle._slots.acquire(blocking=False) for _ in range(throttle.SLOTS)]
    assert all(got)
    for _ in got:
        throttle._slots.release()


# ----------------------------------------------------------------------------- priorities
@linux_only
def test_lower_thread_priority_changes_only_the_calling_thread():
    me = threading.get_native_id()
    before = os.getpriority(os.PRIO_PROCESS, me)
    seen = {}

    def worker():
        tid = threading.get_native_id()
        seen["applied"] = jobs_mod.lower_thread_priority(3)
        seen["nice"] = os.getpriority(os.PRIO_PROCESS, tid)

    t = threading.Thread(target=worker)
    t.start()
    t.join(10)
    assert seen["applied"] and seen["nice"] == min(before + 3, 19)
    assert os.getpriority(os.PRIO_PROCESS, me) == before
    assert jobs_mod.lower_thread_priority(0) is False


@linux_only
def test_job_workers_train_at_a_lower_priority_than_the_server():
    base = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
    seen = []

    def runner(series, cfg, **kw):
        seen.append(os.getpriority(os.PRIO_PROCESS, threading.get_native_id()))
        raise RuntimeError("not training in this test")

    reg = JobRegistry(max_workers=1, torch_threads=0, runner=runner, worker_nice=4)
    try:
        jid = reg.submit(generate("sine", length=80), RunConfig())
        for _ in range(300):
            if not reg.snapshot(jid).active:
                break
            threading.Event().wait(0.05)
        assert seen and seen[0] == min(base + 4, 19)
    finally:
        reg.close()


def test_server_config_turns_off_the_gc_after_every_script_run():
    cfg = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert cfg["runner"]["postScriptGC"] is False


# ----------------------------------------------------------------------------- protocol client
def test_protocol_client_uploads_trains_and_follows_the_live_panel(server):
    from benchmarks.st_client import StreamlitSession

    port = int(server.rsplit(":", 1)[1])
    csv = frame_to_csv_bytes(generate("noisy-sine", length=200, seed=3))

    async def flow():
        s = StreamlitSession(port, "t")
        await s.open()
        s.start_timers()
        try:
            await s.run_and_wait(60)
            assert {"Data", "Train", "Forecast"} <= set(s.pages)
            n = len(s.seen)
            await s.upload("data_upload", "class.csv", csv, 60)
            await s.wait_for(lambda e: e.kind == "heading" and e.text == "class.csv", 60, n)
            await s.wait_for(lambda e: e.sidebar and "class.csv" in e.text and "200 rows" in e.text, 60, n)
            await s.run_and_wait(60, page="Train")
            s.set_widget("train_epochs", int_value=40)
            s.set_widget("train_hidden", int_value=4)
            s.set_widget("train_patience", int_value=0)
            s.set_widget_id(s.widget_id_where("button", "Start training"), trigger_value=True)
            n = len(s.seen)
            await s.rerun()
            end = await s.wait_for(
                lambda e: e.kind == "alert" and re.match(r"\*\*(Finished|Failed|Diverged)", e.text), 120, n
            )
            return end.text, s.stats
        finally:
            await s.close()

    text, stats = asyncio.run(flow())
    assert text.startswith("**Finished**") and "40 epoch" in text
    assert stats.full_runs >= 3 and stats.full_latencies
