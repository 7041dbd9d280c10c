"""Load test: 20 concurrent browser sessions upload a CSV and train a small model each.

Starts the app on 127.0.0.1 (the server helper from tests/conftest.py; loopback only, no
other address is contacted), opens one headless chromium with N browser contexts, and in
each: upload a CSV on the Data page, check the sidebar names it, go to Train, start a
small run, wait for "Finished". Meanwhile a thread polls /_stcore/health (max latency) and
the server's VmRSS (peak memory). The registry writes a start/end trace (opt-in debug hook,
``LSTM_LAB_JOB_TRACE``) from which the most jobs running at once is read. Bounded in time.

    python -m benchmarks.bench_load [--sessions 20] [--epochs 20] [--limit 480]
"""
from __future__ import annotations

import argparse
import asyncio
import os
import re
import statistics
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from lstm_core.data import frame_to_csv_bytes, generate  # noqa: E402
from tests.conftest import CHROMIUM, CHROMIUM_ARGS, free_port, start_server  # noqa: E402


def rss_mb(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


class Monitor(threading.Thread):
    """Polls /_stcore/health every 0.2 s and the server's RSS; records latencies and peak."""

    def __init__(self, port: int, pid: int):
        super().__init__(daemon=True)
        self.url, self.pid = f"http://127.0.0.1:{port}/_stcore/health", pid
        self.latencies: list[float] = []
        self.stamps: list[tuple[float, float]] = []  # (wall time, latency)
        self.failures = 0
        self.peak_rss = 0.0
        self.halt = threading.Event()

    def run(self) -> None:
        while not self.halt.is_set():
            t0 = time.perf_counter()
            try:
                with urllib.request.urlopen(self.url, timeout=5) as r:
                    r.read()
                self.latencies.append(time.perf_counter() - t0)
                self.stamps.append((time.time(), self.latencies[-1]))
            except OSError:
                self.failures += 1
            self.peak_rss = max(self.peak_rss, rss_mb(self.pid))
            self.halt.wait(0.2)


async def session(browser, url: str, i: int, csv: bytes, epochs: int, limit_s: float) -> dict:
    from playwright.async_api import expect

    out = {"i": i, "ok": False, "error": "", "sidebar": False}
    ctx = await browser.new_context(viewport={"width": 1280, "height": 900})
    page = await ctx.new_page()
    t0 = time.perf_counter()
    try:
        await page.goto(url, timeout=limit_s * 1000)
        await expect(page.get_by_role("heading", name="Data", exact=True)).to_be_visible(timeout=limit_s * 1000)
        name = f"load_{i:02d}.csv"
        await page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(
            files=[{"name": name, "mimeType": "text/csv", "buffer": csv}])
        await expect(page.get_by_role("heading", name=name, exact=True)).to_be_visible(timeout=limit_s * 1000)
        sidebar = page.get_by_test_id("stSidebar")
        await expect(sidebar.get_by_text(name)).to_be_visible(timeout=limit_s * 1000)
        out["sidebar"] = True
        await page.locator('[data-testid="stSidebarNav"] a', has_text="Train").first.click()
        await expect(page.get_by_role("button", name=re.compile("Start training"))).to_be_visible(timeout=limit_s * 1000)
        for label, value in (("Epochs (upper bound)", epochs), ("Hidden size", 8)):
            box = page.get_by_label(label, exact=True)
            await box.fill(str(value))
            await box.press("Tab")
        await page.get_by_role("button", name=re.compile("Start training")).click()
        out["submitted"] = time.perf_counter() - t0
        await expect(page.get_by_text(re.compile(r"^Finished")).first).to_be_visible(timeout=limit_s * 1000)
        out["ok"] = True
    except Exception as exc:  # noqa: BLE001 - reported in the table
        detail = " | ".join(str(exc).splitlines()[:6])[:400]
        out["error"] = f"{type(exc).__name__}: {detail}"
        try:
            await page.screenshot(path=str(Path(tempfile.gettempdir()) / f"bench_load_{i:02d}.png"))
        except Exception:  # noqa: BLE001
            pass
    out["seconds"] = time.perf_counter() - t0
    await ctx.close()
    return out


async def drive(url: str, n: int, epochs: int, limit_s: float) -> list[dict]:
    from playwright.async_api import async_playwright

    csv = frame_to_csv_bytes(generate("noisy-sine", length=300, seed=1))
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            tasks = [asyncio.create_task(session(browser, url, i, csv, epochs, limit_s)) for i in range(n)]
            done, pending = await asyncio.wait(tasks, timeout=limit_s + 30)
            for t in pending:  # past the overall bound: report them as unfinished, keep the figures
                t.cancel()
            return [t.result() if t in done else {"i": i, "ok": False, "sidebar": False, "seconds": limit_s + 30,
                                                  "error": "not finished within the time bound"}
                    for i, t in enumerate(tasks)]
        finally:
            await browser.close()


def read_trace(path: Path) -> tuple[int, int, int, int]:
    """(starts, ends, max running at once, max queued seen at a start)."""
    starts = ends = max_running = max_queued = 0
    if path.exists():
        for line in path.read_text().splitlines():
            _, event, _, running, queued, _ = line.split()
            if event == "start":
                starts += 1
                max_running, max_queued = max(max_running, int(running)), max(max_queued, int(queued))
            else:
                ends += 1
    return starts, ends, max_running, max_queued


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--sessions", type=int, default=20)
    p.add_argument("--epochs", type=int, default=20)
    p.add_argument("--limit", type=float, default=480, help="seconds for the whole drive")
    args = p.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench-load-"))
    trace = tmp / "jobs.trace"
    os.environ["LSTM_LAB_JOB_TRACE"] = str(trace)  # inherited by the server process
    port = free_port()
    t_start = time.perf_counter()
    t_wall0 = time.time()
    proc = start_server(port, tmp / "server.log")
    print(f"server healthy after {time.time() - t_wall0:.1f} s")
    monitor = Monitor(port, proc.pid)
    monitor.start()
    try:
        results = asyncio.run(drive(f"http://127.0.0.1:{port}/", args.sessions, args.epochs, args.limit))
    finally:
        monitor.halt.set()
        monitor.join(5)
        proc.terminate()
        try:
            proc.wait(10)
        except Exception:  # noqa: BLE001
            proc.kill()
    wall = time.perf_counter() - t_start
    starts, ends, max_running, max_queued = read_trace(trace)
    ok = [r for r in results if r["ok"]]
    lat = sorted(monitor.latencies)
    workers = max(1, (os.cpu_count() or 1) // 2)  # lstm_core.jobs.default_workers on this machine
    print(f"{args.sessions} sessions x (upload 300-point CSV, train LSTM h8 for {args.epochs} epochs), "
          f"one chromium, server on 127.0.0.1, {os.cpu_count()} cores")
    print(f"{'metric':<44} {'value':>12}")
    rows = [
        ("sessions finished / started", f"{len(ok)}/{len(results)}"),
        ("sidebar named the uploaded file", f"{sum(r['sidebar'] for r in results)}/{len(results)}"),
        ("jobs started / ended (server trace)", f"{starts}/{ends}"),
        ("worker limit (default_workers)", f"{workers}"),
        ("max jobs training at once", f"{max_running}"),
        ("max jobs queued behind them", f"{max_queued}"),
        ("health polls / failures", f"{len(lat)}/{monitor.failures}"),
        ("health latency median ms", f"{1000 * statistics.median(lat):.1f}" if lat else "-"),
        ("health latency p99 ms", f"{1000 * lat[int(0.99 * (len(lat) - 1))]:.1f}" if lat else "-"),
        ("health latency max ms", f"{1000 * lat[-1]:.1f}" if lat else "-"),
        ("server peak RSS MB", f"{monitor.peak_rss:.0f}"),
        ("session time median s", f"{statistics.median(r['seconds'] for r in results):.1f}"),
        ("session time max s", f"{max(r['seconds'] for r in results):.1f}"),
        ("wall time s (incl. server start)", f"{wall:.1f}"),
    ]
    for k, v in rows:
        print(f"{k:<44} {v:>12}")
    slow = [(t - t_wall0, v) for t, v in monitor.stamps if v >= 0.5]
    print(f"health polls >= 0.5 s: {len(slow)}" + ("" if not slow else " at t = " + ", ".join(
        f"{t:.0f} s ({1000 * v:.0f} ms)" for t, v in slow[:12]) + " after server start"))
    for r in results:
        if not r["ok"]:
            print(f"session {r['i']}: {r['error']}")
    passed = (len(ok) == len(results) and ends == starts == len(results) and max_running <= workers
              and (not lat or lat[-1] < 1.0) and monitor.failures == 0)
    print("PASS" if passed else "FAIL", "(all finished, at most the worker limit at once, health < 1 s)")
    return 0 if passed else 1


if __name__ == "__main__":
    raise SystemExit(main())
