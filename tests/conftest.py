"""Shared test helpers: outcome recording, a Streamlit server and browser fixtures.

``start_server`` is also used by the benchmarks. Browser tests use the module-scoped
``server`` (base URL of a fresh ``streamlit run app.py``) and ``browser`` (Debian's
chromium through Playwright; the test skips when either is missing) fixtures, and
``screenshot`` to keep pictures in ``artifacts/`` (always with ``LSTM_LAB_SCREENSHOTS=1``).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def pytest_collection_modifyitems(config, items):
    """Real-browser tests get one rerun: Chromium and the server share 2 cores, and a
    starved page can miss a timeout. Their assertions are unchanged; other tests never rerun."""
    for item in items:
        if item.path.name.endswith("_browser.py"):
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.flaky(reruns=1))


@pytest.hookimpl(tryfirst=True, hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    setattr(item, f"rep_{rep.when}", rep)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(port: int, log_path: Path, root: Path = ROOT) -> subprocess.Popen:
    """``streamlit run app.py`` headless on ``port``; returns once /_stcore/health answers."""
    log = open(log_path, "wb")
    cmd = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        "app.py",
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
    proc = subprocess.Popen(cmd, cwd=root, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited with {proc.returncode}; see {log_path}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1) as r:
                if r.status == 200:
                    return proc
        except OSError:
            pass
        time.sleep(0.2)
    proc.kill()
    raise RuntimeError("streamlit did not become healthy within 60 s")


def stop_server(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """Base URL of a fresh ``streamlit run app.py`` for this test module."""
    port = free_port()
    proc = start_server(port, tmp_path_factory.mktemp("server") / "streamlit.log")
    yield f"http://127.0.0.1:{port}"
    stop_server(proc)


@pytest.fixture(scope="module")
def browser():
    """Debian's chromium driven by Playwright; skips the test when either is missing."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is missing (install the Debian chromium package)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    with sync_api.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


def screenshot(pg, name: str, always: bool = False) -> None:
    """Full-page PNG in artifacts/ when ``always`` or LSTM_LAB_SCREENSHOTS is set."""
    if always or os.environ.get("LSTM_LAB_SCREENSHOTS"):
        ARTIFACTS.mkdir(exist_ok=True)
        pg.wait_for_timeout(1500)  # screenshots only: let the charts draw
        pg.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def nav(pg, title: str) -> None:
    """Click a sidebar page link and wait for that page's heading."""
    from playwright.sync_api import expect

    pg.locator('[data-testid="stSidebarNav"] a', has_text=title).first.click()
    expect(pg.get_by_role("heading", name=title, exact=True).first).to_be_visible()


def set_number(pg, label: str, value) -> None:
    """Type into a labelled number input and leave it, so Streamlit takes the value."""
    box = pg.get_by_label(label, exact=True)
    box.fill(str(value))
    box.press("Tab")
