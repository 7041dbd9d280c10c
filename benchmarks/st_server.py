"""A headless ``streamlit run app.py`` on loopback and Debian chromium's launch settings.

Shared by the browser tests (``tests/conftest.py``) and the app benchmarks
(``benchmarks/bench_app.py``, ``benchmarks/bench_load.py``). It imports neither the engine
nor Streamlit, so either side can use it without importing the other.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
START_TIMEOUT_S = 60.0


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _tee_until_listening(
    proc: subprocess.Popen, log_path: Path, marker: bytes, ready: threading.Event, listening: list[bool]
) -> None:
    """Copy the server's output to ``log_path``; set ``ready`` once ``marker`` is printed or output ends.

    ``listening`` gets one ``True`` when the marker was seen (it stays empty when the server exits first).
    """
    assert proc.stdout is not None
    with open(log_path, "wb") as log:
        for line in proc.stdout:
            log.write(line)
            log.flush()
            if marker in line and not listening:
                listening.append(True)
                ready.set()
    ready.set()  # the output ended: wake the waiter, which then reports the exit


def start_server(port: int, log_path: Path, root: Path = ROOT, timeout_s: float = START_TIMEOUT_S) -> subprocess.Popen:
    """``streamlit run app.py`` headless on ``port`` through ``ui.serve`` (as ``scripts/start.sh``
    starts it: warmed up first); returns once it listens and /_stcore/health answers.

    Streamlit prints its URL after its server has started listening, so this waits for that
    line (a thread copies the output to ``log_path``), then checks the health endpoint once.
    """
    # ui.serve = what scripts/start.sh runs: warm up (imports, a tiny training), then `streamlit run app.py`
    cmd = [
        sys.executable,
        "-m",
        "ui.serve",
        "--server.headless",
        "true",
        "--server.fileWatcherType",
        "none",
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--browser.gatherUsageStats",
        "false",
    ]
    # the server ends itself if this process dies without stopping it (ui.serve.EXIT_WITH_ENV)
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "LSTM_LAB_EXIT_WITH": str(os.getpid())}
    proc = subprocess.Popen(cmd, cwd=root, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env)
    ready = threading.Event()
    listening: list[bool] = []
    marker = f"URL: http://127.0.0.1:{port}".encode()
    threading.Thread(
        target=_tee_until_listening,
        args=(proc, log_path, marker, ready, listening),
        name="streamlit-log",
        daemon=True,
    ).start()
    if not ready.wait(timeout_s):
        stop_server(proc)
        raise RuntimeError(f"streamlit did not start listening within {timeout_s:.0f} s; see {log_path}")
    if not listening:
        stop_server(proc)
        raise RuntimeError(f"streamlit exited with {proc.returncode} before listening; see {log_path}")
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=10) as r:
            status = r.status
    except OSError as e:
        stop_server(proc)
        raise RuntimeError(f"streamlit's health check failed ({e}); see {log_path}") from e
    if status != 200:
        stop_server(proc)
        raise RuntimeError(f"streamlit's health check answered {status}; see {log_path}")
    return proc


def stop_server(proc: subprocess.Popen) -> None:
    """Terminate the server (kill it when it has not exited after 10 s)."""
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(10)
