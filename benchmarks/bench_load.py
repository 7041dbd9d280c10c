"""Load test: 20 concurrent sessions upload a CSV and train a small model each.

Starts the app on 127.0.0.1 (the server helper ``benchmarks.st_server``; loopback only, no
other address is contacted). Each session is a ``benchmarks.st_client.StreamlitSession``: it
speaks the browser's websocket protocol (same messages, same XSRF handshake, the same
multipart upload, fragment auto-reruns on the intervals the server asks for) without
drawing anything, so 20 of them fit on 2 cores beside the server. ``--browsers K`` replaces K
of them by real Chromium tabs (Playwright), which click through the same steps.

Each session: open the Data page, upload a CSV, check the page heading and the sidebar name
it, switch to Train, set epochs and hidden size, switch early stopping off (every job trains
all its epochs), press Start training, and follow the live
job panel (its fragment polls) until it says Finished. Meanwhile a thread polls
``/_stcore/health`` every 0.2 s (latency) and the server's VmRSS (peak). The registry writes
a start/end trace (opt-in debug hook, ``LSTM_LAB_JOB_TRACE``), from which the most jobs
running at once and the longest queue are read. Bounded in time.

    python -m benchmarks.bench_load [--sessions 20] [--epochs 300] [--browsers 0] [--limit 480]

With ``--rounds R --restart-round K`` (issue 11's "5 rounds x 30 sessions with a restart during
round 3") the class runs R times on one server whose run store (``LSTM_LAB_HOME``) stays the
same, and the server is restarted once half of round K's jobs have started. A student whose tab
lost the server reloads it from its URL and finds the run, or presses "Train it again" on the
interrupted job; one who had not started yet starts again. After the last round every student's
``?job=`` link (the share link, without the owner key) is opened in a fresh session: the Train
page must say Finished. Printed: runs lost (link says the job is gone) and links unreachable.

    python -m benchmarks.bench_load --sessions 30 --rounds 5 --restart-round 3 --epochs 50
    python -m benchmarks.bench_load --sessions 3 --rounds 2 --restart-round 2 --epochs 20   # quick check
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import re
import statistics
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

from benchmarks.st_client import StreamlitSession
from benchmarks.st_server import CHROMIUM, CHROMIUM_ARGS, free_port, start_server, stop_server
from lstm_core.data import frame_to_csv_bytes, generate

ENDED = re.compile(r"\*\*(Finished|Diverged|Failed|Cancelled)\*\*")


def rss_mb(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def _control_server() -> tuple[str, object]:
    """A do-nothing HTTP server on loopback (the control): what any server on this box sees."""
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class Ok(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - http.server's naming
            self.send_response(200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args):
            pass

    srv = ThreadingHTTPServer(("127.0.0.1", 0), Ok)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{srv.server_address[1]}/", srv


def _get(url: str) -> float | None:
    t0 = time.perf_counter()
    try:
        with urllib.request.urlopen(url, timeout=5) as r:
            r.read()
        return time.perf_counter() - t0
    except OSError:
        return None


def monitor_loop(port: int, pid: int, halt, conn) -> None:
    """Polls /_stcore/health every 0.2 s and the server's RSS until ``halt`` is set.

    Runs in its own process, so the load driver's own work (20 clients parsing messages)
    cannot delay a poll and be blamed on the server. Each round also polls a do-nothing
    control server in this process: when the box itself stalls (Chromium starting, on the
    same 2 cores), the control shows it too. Sends back (stamps [(wall time, health latency,
    control latency)], failures, peak RSS MB).
    """
    url = f"http://127.0.0.1:{port}/_stcore/health"
    control, srv = _control_server()
    stamps, failures, peak = [], 0, 0.0
    while not halt.is_set():
        t = time.time()
        lat = _get(url)
        if lat is None:
            failures += 1
        else:
            stamps.append((t, lat, _get(control) or 5.0))
        peak = max(peak, rss_mb(pid))
        halt.wait(0.2)
    srv.shutdown()
    conn.send((stamps, failures, peak))


class Monitor:
    """The health/RSS poller in a separate (spawned) process; figures readable after ``stop``."""

    def __init__(self, port: int, pid: int):
        ctx = multiprocessing.get_context("spawn")
        self.halt = ctx.Event()
        self._recv, send = ctx.Pipe(duplex=False)
        self.proc = ctx.Process(target=monitor_loop, args=(port, pid, self.halt, send), daemon=True)
        self.stamps: list[tuple[float, float, float]] = []  # (wall time, health s, control s)
        self.failures, self.peak_rss = 0, 0.0

    def start(self) -> None:
        self.proc.start()

    def stop(self) -> None:
        self.halt.set()
        if self._recv.poll(15):
            self.stamps, self.failures, self.peak_rss = self._recv.recv()
        self.proc.join(5)


async def session(browser, url: str, i: int, csv: bytes, epochs: int, limit_s: float) -> dict:
    from playwright.async_api import expect

    out = {"i": i, "kind": "chromium", "ok": False, "error": "", "sidebar": False}
    ctx = await browser.new_context(viewport={"width": 1280, "height": 900})
    page = await ctx.new_page()
    t0 = time.perf_counter()
    try:
        await page.goto(url, timeout=limit_s * 1000)
        await expect(page.get_by_role("heading", name="Data", exact=True)).to_be_visible(timeout=limit_s * 1000)
        name = f"load{i:02d}.csv"  # no Markdown characters: the page escapes them in its heading
        await page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(
            files=[{"name": name, "mimeType": "text/csv", "buffer": csv}]
        )
        await expect(page.get_by_role("heading", name=name, exact=True)).to_be_visible(timeout=limit_s * 1000)
        sidebar = page.get_by_test_id("stSidebar")
        await expect(sidebar.get_by_text(name)).to_be_visible(timeout=limit_s * 1000)
        out["sidebar"] = True
        await page.locator('[data-testid="stSidebarNav"] a', has_text="Train").first.click()
        await expect(page.get_by_role("button", name=re.compile("Start training"))).to_be_visible(
            timeout=limit_s * 1000
        )
        await page.get_by_text("Advanced").click()
        for label, value in (
            ("Max epochs", epochs),
            ("Hidden size", 8),
            ("Early-stopping patience (0 = off)", 0),
        ):
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


async def ws_session(port: int, i: int, csv: bytes, epochs: int, limit_s: float) -> dict:
    """One protocol-level session; returns what it saw and how long each step took."""
    out = {"i": i, "kind": "ws", "ok": False, "error": "", "sidebar": False, "status": ""}
    s = StreamlitSession(port, f"s{i:02d}")
    t0 = time.perf_counter()
    try:
        await s.open()
        s.start_timers()
        await s.run_and_wait(limit_s)
        name = f"load{i:02d}.csv"  # no Markdown characters: the page escapes them in its heading
        n = len(s.seen)
        await s.upload("data_upload", name, csv, limit_s)
        await s.wait_for(lambda e: e.kind == "heading" and e.text == name, limit_s, n)
        # the sidebar caption names the dataset ("**name** · rows"; the delta path of the sidebar varies by version)
        await s.wait_for(lambda e: e.kind == "markdown" and f"**{name}**" in e.text, limit_s, n)
        out["sidebar"] = True
        await s.run_and_wait(limit_s, page="Train")
        s.set_widget("train_epochs", int_value=epochs)
        s.set_widget("train_hidden", int_value=8)
        s.set_widget("train_patience", int_value=0)  # no early stop: every job trains all its epochs
        s.set_widget_id(s.widget_id_where("button", "Start training"), trigger_value=True)
        n = len(s.seen)
        await s.rerun()
        out["submitted"] = time.perf_counter() - t0
        first = await s.wait_for(
            lambda e: e.kind == "alert" and e.text.startswith(("**Queued", "**Running")), limit_s, n
        )
        out["first_status"] = first.text.split("**")[1]
        end = await s.wait_for(lambda e: e.kind == "alert" and ENDED.match(e.text), limit_s, n)
        out["status"] = ENDED.match(end.text).group(1)
        out["query"] = s.query  # the tab's URL: ?job=<id> (the owner key is in its cookie)
        out["ok"] = out["status"] == "Finished"
        if not out["ok"]:
            out["error"] = end.text[:200]
    except Exception as exc:  # noqa: BLE001 - reported in the table
        out["error"] = f"{type(exc).__name__}: {exc}"[:300]
    out.setdefault("query", s.query)
    out["cookies"] = dict(s.cookies)  # the owner cookie the page had this "browser" keep
    out["seconds"] = time.perf_counter() - t0
    out["runs"] = (s.stats.full_runs, s.stats.fragment_runs)
    out["full_lat"], out["frag_lat"] = list(s.stats.full_latencies), list(s.stats.fragment_latencies)
    await s.close()
    return out


async def warm(port: int, limit_s: float) -> dict:
    """The teacher's session before the class: the same steps once, with a 20-epoch job.

    It pays the server's one-off costs (the first script run imports torch, pandas, plotly and
    statsmodels; the first evaluation loads the baselines), which are not what 20 people at
    once cost. Health during it is reported on its own line.
    """
    csv = frame_to_csv_bytes(generate("noisy-sine", length=300, seed=0))
    return await ws_session(port, -1, csv, 20, limit_s)


async def arriving(delay: float, coro):
    """Start ``coro`` after ``delay`` seconds (people come into the room one by one)."""
    await asyncio.sleep(delay)
    return await coro


async def drive(port: int, n: int, browsers: int, epochs: int, limit_s: float, ramp_s: float) -> list[dict]:
    csv = frame_to_csv_bytes(generate("noisy-sine", length=300, seed=1))
    url = f"http://127.0.0.1:{port}/"
    browser = pw = None
    if browsers:
        from playwright.async_api import async_playwright

        pw = await async_playwright().start()
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
    try:
        tasks = [
            asyncio.create_task(
                arriving(
                    ramp_s * i / max(n - 1, 1),
                    session(browser, url, i, csv, epochs, limit_s)
                    if i < browsers
                    else ws_session(port, i, csv, epochs, limit_s),
                )
            )
            for i in range(n)
        ]
        done, pending = await asyncio.wait(tasks, timeout=limit_s + 30)
        for t in pending:  # past the overall bound: report them as unfinished, keep the figures
            t.cancel()
        return [
            t.result()
            if t in done
            else {
                "i": i,
                "ok": False,
                "sidebar": False,
                "seconds": limit_s + 30,
                "kind": "?",
                "error": "not finished within the time bound",
            }
            for i, t in enumerate(tasks)
        ]
    finally:
        if browser is not None:
            await browser.close()
            await pw.stop()


class Server:
    """The app's server process, restartable on the same port with the same environment (so the
    same ``LSTM_LAB_HOME``)."""

    def __init__(self, port: int, log_dir: Path):
        self.port, self.log_dir, self.starts = port, log_dir, 0
        self.proc = self._start()

    def _start(self):
        self.starts += 1
        return start_server(self.port, self.log_dir / f"server-{self.starts}.log")

    def restart(self) -> float:
        """Stop the server (SIGTERM, as a service manager does) and start it again; returns the
        seconds it was away."""
        t0 = time.perf_counter()
        stop_server(self.proc)
        self.proc = self._start()
        return time.perf_counter() - t0


def job_of(query: str) -> str:
    return urllib.parse.parse_qs(query).get("job", [""])[0]


async def reopen(port: int, i: int, query: str, cookies: dict[str, str], limit_s: float) -> dict:
    """A student reloads the tab after the restart (same URL, same browser: its owner cookie):
    the run is there, or the interrupted job is trained again ("Train it again", which only
    the owner is offered). Returns like ``ws_session``."""
    out = {"i": i, "kind": "ws", "ok": False, "error": "", "sidebar": True, "status": "", "reopened": True}
    s = StreamlitSession(port, f"r{i:02d}", query=query, cookies=cookies)
    t0 = time.perf_counter()
    try:
        await s.open()
        s.start_timers()
        await s.run_and_wait(limit_s)
        n = len(s.seen)
        await s.run_and_wait(limit_s, page="Train")
        end = await s.wait_for(lambda e: e.kind == "alert" and ENDED.match(e.text), limit_s, n)
        if "Interrupted by a server restart" in end.text:
            out["retrained"] = True
            s.set_widget("train_job_retry", trigger_value=True)
            n = len(s.seen)
            await s.rerun()
            end = await s.wait_for(lambda e: e.kind == "alert" and e.text.startswith("**Finished**"), limit_s, n)
        out["status"] = ENDED.match(end.text).group(1)
        out["ok"] = out["status"] == "Finished"
        if not out["ok"]:
            out["error"] = end.text[:200]
    except Exception as exc:  # noqa: BLE001 - reported in the table
        out["error"] = f"{type(exc).__name__}: {exc}"[:300]
    out["query"] = s.query
    out["seconds"] = time.perf_counter() - t0
    out["runs"] = (s.stats.full_runs, s.stats.fragment_runs)
    out["full_lat"], out["frag_lat"] = list(s.stats.full_latencies), list(s.stats.fragment_latencies)
    await s.close()
    return out


async def drive_with_restart(
    server: Server, trace: Path, n: int, epochs: int, limit_s: float, ramp_s: float
) -> tuple[list[dict], float]:
    """One round with a server restart once half of its jobs have started (the server's trace),
    then every student whose session broke comes back. Returns the results and the seconds
    the server was away."""
    base = read_trace(trace)[0]
    task = asyncio.create_task(drive(server.port, n, 0, epochs, limit_s, ramp_s))
    deadline = time.monotonic() + limit_s
    while read_trace(trace)[0] < base + max(1, n // 2) and not task.done() and time.monotonic() < deadline:
        await asyncio.sleep(0.2)  # the trace is a file: read it a few times a second
    print(f"restarting the server ({read_trace(trace)[0] - base} of this round's jobs started)...", flush=True)
    away = await asyncio.to_thread(server.restart)
    print(f"server back after {away:.1f} s", flush=True)
    results = await task
    csv = frame_to_csv_bytes(generate("noisy-sine", length=300, seed=1))
    again = []
    for r in results:
        if r["ok"]:
            again.append(asyncio.sleep(0, r))
        elif job_of(r.get("query", "")):
            again.append(reopen(server.port, r["i"], r["query"], r.get("cookies", {}), limit_s))
        else:  # had not started training: starts again
            again.append(ws_session(server.port, r["i"], csv, epochs, limit_s))
    back = list(await asyncio.gather(*again))
    print(f"round with the restart: {sum(r['ok'] for r in back)} of {len(back)} students have their run", flush=True)
    return back, away


async def check_links(port: int, results: list[dict], limit_s: float) -> tuple[int, int, list[str]]:
    """Open every student's share link (``?job=<id>`` only) in a fresh session: the Train page
    must say Finished. Returns (runs lost, links unreachable, problems)."""
    lost = unreachable = 0
    problems = []
    gone = "This job is no longer in memory"

    async def one(r: dict) -> str:
        jid = job_of(r.get("query", ""))
        if not jid:
            return "no job"
        s = StreamlitSession(port, f"link{r['i']:02d}", query=f"job={jid}")
        try:
            await s.open()
            await s.run_and_wait(limit_s)
            n = len(s.seen)
            await s.run_and_wait(limit_s, page="Train")
            seen = await s.wait_for(
                lambda e: e.kind == "alert" and (e.text.startswith(gone) or ENDED.match(e.text)), limit_s, n
            )
            return (
                "ok" if seen.text.startswith("**Finished**") else ("lost" if seen.text.startswith(gone) else seen.text)
            )
        except Exception as exc:  # noqa: BLE001 - reported
            return f"{type(exc).__name__}: {exc}"[:200]
        finally:
            await s.close()

    outcomes = []
    for k in range(0, len(results), 10):  # ten at a time: a check, not a load
        outcomes += await asyncio.gather(*(one(r) for r in results[k : k + 10]))
    for r, o in zip(results, outcomes):
        if o == "ok":
            continue
        if o in ("lost", "no job"):
            lost += 1
        else:
            unreachable += 1
        problems.append(f"student {r['round']}.{r['i']}: {o}")
    return lost, unreachable, problems


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


def pcts(xs: list[float]) -> str:
    """``median / p95`` in ms of a sorted list; ``-`` when empty."""
    return f"{1000 * statistics.median(xs):.0f} / {1000 * xs[int(0.95 * (len(xs) - 1))]:.0f}" if xs else "-"


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--sessions", type=int, default=20)
    p.add_argument("--epochs", type=int, default=300)
    p.add_argument("--browsers", type=int, default=0, help="how many of the sessions are real Chromium tabs")
    p.add_argument(
        "--client-nice",
        type=int,
        default=10,
        help="nice value added to this driver process (and its Chromium) after the server started",
    )
    p.add_argument(
        "--ramp",
        type=float,
        default=10.0,
        help="seconds over which the sessions arrive, evenly spaced (0: all at once)",
    )
    p.add_argument(
        "--rounds",
        type=int,
        default=1,
        help="run the class this many times in a row on the same server (memory over time)",
    )
    p.add_argument(
        "--restart-round",
        type=int,
        default=0,
        help="restart the server (same LSTM_LAB_HOME) once half of this round's jobs have started (1-based; 0: never)",
    )
    p.add_argument(
        "--no-warm",
        dest="warm",
        action="store_false",
        help="skip the single warm-up session before the class (health then includes cold start)",
    )
    p.add_argument("--limit", type=float, default=480, help="seconds for the whole drive")
    args = p.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench-load-"))
    trace = tmp / "jobs.trace"
    os.environ["LSTM_LAB_JOB_TRACE"] = str(trace)  # inherited by the server process
    os.environ["LSTM_LAB_HOME"] = str(tmp / "home")  # the run store, kept across a restart
    port = free_port()
    t_start = time.perf_counter()
    t_wall0 = time.time()
    server = Server(port, tmp)
    proc = server.proc
    print(f"server healthy after {time.time() - t_wall0:.1f} s")
    monitor = Monitor(port, proc.pid)
    monitor.start()
    t_load0 = time.time()
    if args.client_nice:
        # The clients stand in for the students' own machines. Here they share the server's 2
        # cores, so they run at a lower CPU priority (Chromium's drawing included, which
        # inherits it) and the figures measure the server, not the load generator.
        os.nice(args.client_nice)
    try:
        warm_result = asyncio.run(warm(port, args.limit)) if args.warm else None
        t_load0 = time.time()
        results, round_rss = [], []
        away = None
        links: tuple[int, int, list[str]] | None = None
        for r in range(args.rounds):  # the same class again on the same server: is memory bounded?
            if r + 1 == args.restart_round:
                batch, away = asyncio.run(
                    drive_with_restart(server, trace, args.sessions, args.epochs, args.limit, args.ramp)
                )
            else:
                batch = asyncio.run(drive(port, args.sessions, args.browsers, args.epochs, args.limit, args.ramp))
            results += [{**b, "round": r + 1} for b in batch]
            print(f"round {r + 1}: {sum(b['ok'] for b in batch)} of {len(batch)} finished", flush=True)
            round_rss.append(rss_mb(server.proc.pid))
        if args.restart_round:
            links = asyncio.run(check_links(port, results, args.limit))
    finally:
        monitor.stop()
        stop_server(server.proc)
    wall = time.perf_counter() - t_start
    starts, ends, max_running, max_queued = read_trace(trace)
    ok = [r for r in results if r["ok"]]
    lat = sorted(v for t, v, _ in monitor.stamps if t >= t_load0)
    control = sorted(c for t, _, c in monitor.stamps if t >= t_load0)
    warm_lat = sorted(v for t, v, _ in monitor.stamps if t < t_load0)
    starts -= warm_result is not None
    ends -= warm_result is not None
    workers = max(1, (os.cpu_count() or 1) // 2)  # lstm_core.jobs.default_workers on this machine
    print(f"{args.rounds} round(s) of " if args.rounds > 1 else "", end="")
    print(
        f"{args.sessions} sessions x (upload 300-point CSV, train LSTM h8 for {args.epochs} epochs), "
        f"{args.sessions - args.browsers} websocket clients + {args.browsers} chromium tabs, "
        f"arriving over {args.ramp:.0f} s, server on 127.0.0.1, {os.cpu_count()} cores, "
        f"clients at nice +{args.client_nice}"
    )
    full_lat = sorted(x for r in results for x in r.get("full_lat", []))
    frag_lat = sorted(x for r in results for x in r.get("frag_lat", []))
    full = sum(r.get("runs", (0, 0))[0] for r in results)
    frag = sum(r.get("runs", (0, 0))[1] for r in results)
    queued_first = sum(r.get("first_status") == "Queued" for r in results)
    print(f"{'metric':<54} {'value':>12}")
    rows = [
        (
            "warm-up session: seconds / health max ms",
            f"{warm_result['seconds']:.1f} / {1000 * warm_lat[-1]:.0f}" if warm_result and warm_lat else "-",
        ),
        ("sessions finished / started", f"{len(ok)}/{len(results)}"),
        ("sidebar named the uploaded file", f"{sum(r['sidebar'] for r in results)}/{len(results)}"),
        ("jobs started / ended (server trace)", f"{starts}/{ends}"),
        ("worker limit (default_workers)", f"{workers}"),
        ("max jobs training at once", f"{max_running}"),
        ("max jobs queued behind them", f"{max_queued}"),
        ("health polls during the class / failures", f"{len(lat)}/{monitor.failures}"),
        ("health latency median ms", f"{1000 * statistics.median(lat):.1f}" if lat else "-"),
        ("health latency p99 ms", f"{1000 * lat[int(0.99 * (len(lat) - 1))]:.1f}" if lat else "-"),
        ("health latency max ms", f"{1000 * lat[-1]:.1f}" if lat else "-"),
        ("control server (does nothing) latency max ms", f"{1000 * control[-1]:.1f}" if control else "-"),
        ("sessions that saw their job Queued first", f"{queued_first}/{len(results)}"),
        ("script runs: full / fragment (ws clients)", f"{full}/{frag}"),
        ("full run: request -> finished median / p95 ms", pcts(full_lat)),
        ("live panel rerun: request -> finished median / p95 ms", pcts(frag_lat)),
        ("server peak RSS MB", f"{monitor.peak_rss:.0f}"),
        ("server RSS after each round MB", " / ".join(f"{r:.0f}" for r in round_rss)),
        ("session time median s", f"{statistics.median(r['seconds'] for r in results):.1f}"),
        ("session time max s", f"{max(r['seconds'] for r in results):.1f}"),
        ("wall time s (incl. server start)", f"{wall:.1f}"),
    ]
    for k, v in rows:
        print(f"{k:<54} {v:>12}")
    slow = [(t - t_load0, v, c) for t, v, c in monitor.stamps if v >= 0.5 and t >= t_load0]
    print(
        f"health polls >= 0.5 s: {len(slow)}"
        + (
            ""
            if not slow
            else " at t = "
            + ", ".join(f"{t:.0f} s ({1000 * v:.0f} ms, control {1000 * c:.0f} ms)" for t, v, c in slow[:12])
            + " after the class started"
        )
    )
    if warm_result is not None and not warm_result["ok"]:
        print(f"warm-up session: {warm_result['error']}")
    for r in results:
        if not r["ok"]:
            print(f"session {r['i']}: {r['error']}")
    if links is not None:
        lost, unreachable, problems = links
        reopened = [r for r in results if r.get("reopened")]
        print(f"\nserver restarted during round {args.restart_round}: away {away:.1f} s (health polls then fail)")
        print(f"{'after the restart':<54} {'value':>12}")
        print(f"{'students whose tab lost the server and reopened it':<54} {len(reopened):>12}")
        print(
            f"{'  of them: trained again (interrupted job)':<54} {sum(bool(r.get('retrained')) for r in reopened):>12}"
        )
        print(f"{'students (all rounds) / share links checked':<54} {len(results):>6}/{len(results):<5}")
        print(f"{'runs lost':<54} {lost:>12}")
        print(f"{'links unreachable':<54} {unreachable:>12}")
        leaked = sum("owner=" in r.get("query", "") for r in results)  # the key belongs in the cookie
        print(f"{'tab URLs holding the owner key (owner=)':<54} {leaked:>12}")
        for line in problems[:20]:
            print(line)
        passed = len(ok) == len(results) and lost == 0 and unreachable == 0 and leaked == 0
        print(
            "PASS" if passed else "FAIL", "(every student's run finished and reachable from its link after the restart)"
        )
        return 0 if passed else 1
    passed = (
        (warm_result is None or warm_result["ok"])
        and len(ok) == len(results)
        and ends == starts == len(results)
        and max_running <= workers
        and (not lat or lat[-1] < 1.0)
        and monitor.failures == 0
    )
    print("PASS" if passed else "FAIL", "(all finished, at most the worker limit at once, health < 1 s)")
    return 0 if passed else 1


if __name__ == "__main__":
    raise SystemExit(main())
