"""Shared test helpers: tiers, outcome recording, a Streamlit server and browser fixtures.

Every test gets exactly one tier marker (``pytest -m unit``, ``-m app``, ``-m cluster``,
``-m browser``): ``browser`` for the Playwright files (``*_browser.py``), ``cluster`` for the
files that start a local Ray cluster (``test_ray*.py``, about 20 s to start), ``app`` for a test that drives the app
through Streamlit's ``AppTest`` (itself, or through a helper or fixture of its module) or talks
to a real server (the ``server`` fixture) without a browser, ``unit`` for the rest. A test may
also carry its tier marker explicitly.

Browser tests use the module-scoped ``server`` (base URL of a fresh ``streamlit run app.py``,
from ``benchmarks/st_server.py``) and ``browser`` (Debian's chromium through Playwright; the
test skips when either is missing) fixtures, and ``screenshot`` to keep pictures in
``artifacts/`` (always with ``LSTM_LAB_SCREENSHOTS=1``).
"""

from __future__ import annotations

import ast
import functools
import os
import subprocess
import threading
import time
from collections.abc import Iterable, Sequence
from pathlib import Path

# One OpenBLAS thread, set before numpy or scipy is loaded (also for the processes the tests
# start): the Holt-Winters baselines fit with scipy's L-BFGS-B, whose tiny BLAS calls run about
# 3x slower with a thread per core on a busy 2-core machine. Nothing the tests check depends on it.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
# The app keeps finished jobs under LSTM_LAB_HOME: the tests' servers and AppTests use a
# folder of this test session, never the user's (also for the servers the tests start).
if "LSTM_LAB_HOME" not in os.environ:
    import tempfile

    os.environ["LSTM_LAB_HOME"] = tempfile.mkdtemp(prefix="lstm-lab-tests-")

import pytest  # noqa: E402

from benchmarks.st_server import CHROMIUM, CHROMIUM_ARGS, free_port, start_server, stop_server  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "artifacts"
TIERS = ("unit", "app", "cluster", "browser")
# Browser waits: a loaded 2-core machine can take seconds for one Streamlit rerun. Tests wait on
# elements and states with these timeouts (never a fixed sleep, never a rerun of the test).
EXPECT_TIMEOUT_MS = 60_000
ACTION_TIMEOUT_MS = 60_000
APP_IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'


# ---- tiers -----------------------------------------------------------------------------------


def app_functions(source: str) -> frozenset[str]:
    """Names of the module-level functions (and methods) of ``source`` that use ``AppTest``.

    A function uses it when it names ``AppTest``, calls or names a function that does, or
    requests (as an argument) a fixture of the module that does.
    """
    tree = ast.parse(source)
    funcs: list[ast.FunctionDef | ast.AsyncFunctionDef] = []
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            funcs.append(node)
        elif isinstance(node, ast.ClassDef):
            funcs.extend(n for n in node.body if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef))
    refs: dict[str, set[str]] = {}
    for f in funcs:
        names = {a.arg for a in f.args.args + f.args.kwonlyargs}
        for n in ast.walk(f):
            if isinstance(n, ast.Name):
                names.add(n.id)
            elif isinstance(n, ast.Attribute):
                names.add(n.attr)
            elif isinstance(n, ast.Constant) and isinstance(n.value, str) and n.value == "AppTest":
                names.add("AppTest")
        refs[f.name] = refs.get(f.name, set()) | (names - {f.name})
    using = {name for name, r in refs.items() if "AppTest" in r}
    grown = True
    while grown:
        more = {name for name, r in refs.items() if name not in using and r & using}
        grown = bool(more)
        using |= more
    return frozenset(using)


@functools.cache
def _app_functions_of(path: Path) -> frozenset[str]:
    return app_functions(path.read_text(encoding="utf-8"))


def default_tier(file_name: str, function_name: str, app_names: frozenset[str], fixtures: Iterable[str] = ()) -> str:
    """The tier a test gets when it carries none.

    Browser by file; cluster for the Ray files; app when it uses AppTest (``function_name in app_names``) or the ``server``
    fixture; else unit.
    """
    if file_name.endswith("_browser.py"):
        return "browser"
    if file_name.startswith("test_ray"):
        return "cluster"
    return "app" if function_name in app_names or "server" in fixtures else "unit"


def tier_markers(item: pytest.Item) -> list[str]:
    """The tier markers on ``item`` (its own, its module's and its parameters'), in order."""
    return [m.name for m in item.iter_markers() if m.name in TIERS]


def pytest_collection_modifyitems(config, items):
    """Give each test its tier; stop the session when a test ends up with none or several."""
    wrong = []
    for item in items:
        if not tier_markers(item):
            fn = getattr(item, "function", None)
            name = fn.__name__ if fn is not None else item.name
            fixtures = getattr(item, "fixturenames", ())
            item.add_marker(default_tier(item.path.name, name, _app_functions_of(item.path), fixtures))
        if len(tier_markers(item)) != 1:
            wrong.append(f"{item.nodeid}: {tier_markers(item)}")
    if wrong:
        raise pytest.UsageError(
            "every test needs exactly one tier marker (unit, app, cluster, browser): " + "; ".join(wrong)
        )


# ---- processes beside the tests ---------------------------------------------------------------


class Spawned:
    """A command started at once in its own process; :meth:`result` waits for it.

    A test module starts its real-process runs up front, so that on a 2-core machine they run
    beside the module's in-process tests instead of one after another at the end. A daemon
    thread reads the process's output (``text``, stdout and stderr kept apart) until it exits;
    :meth:`close` kills it if it still runs (a fixture's teardown).
    """

    def __init__(self, argv: Sequence[str], timeout_s: float = 120.0, **popen_kw) -> None:
        self.argv, self.timeout_s = list(argv), timeout_s
        self._done = threading.Event()
        self._out = ("", "")
        self._proc = subprocess.Popen(self.argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **popen_kw)
        threading.Thread(target=self._read, name="test-subprocess", daemon=True).start()

    def _read(self) -> None:
        try:
            self._out = self._proc.communicate()
        finally:
            self._done.set()

    def result(self) -> subprocess.CompletedProcess[str]:
        """The finished process; kills it and raises ``TimeoutError`` after ``timeout_s``."""
        if not self._done.wait(self.timeout_s):
            self.close()
            raise TimeoutError(f"{' '.join(self.argv[:4])} did not finish within {self.timeout_s:.0f} s")
        return subprocess.CompletedProcess(self.argv, self._proc.wait(), *self._out)

    def close(self) -> None:
        """Kill the process if it still runs."""
        if self._proc.poll() is None:
            self._proc.kill()
        self._done.wait(10)


def selected(request: pytest.FixtureRequest, function_name: str) -> list[pytest.Item]:
    """The collected (selected) tests of the requesting module that are ``function_name``."""
    return [
        i
        for i in request.session.items
        if i.path == request.path and getattr(i, "originalname", i.name) == function_name
    ]


# ---- torch threads, outcome recording, server and browser fixtures ---------------------------


@pytest.fixture(scope="session", autouse=True)
def one_torch_thread_from_the_start():
    """One torch thread before any module- or session-scoped fixture trains: a module's shared
    run is otherwise trained with torch's default thread count and re-evaluated with one, and a
    matrix product summed in another order differs in the last bits (a round-trip test that
    compares predictions exactly failed when its module ran alone)."""
    import torch

    torch.set_num_threads(1)


@pytest.fixture(autouse=True)
def one_torch_thread():
    """Each test starts with one torch thread on the calling thread.

    The engine picks one thread for small models itself (``lstm_core.threads``; the CLI and the
    job workers set it), but a test that calls ``fit_run`` directly would get torch's default
    of one thread per core, which spins on a shared machine. A test may still set its own.
    """
    import torch

    torch.set_num_threads(1)


@pytest.hookimpl(tryfirst=True, hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    setattr(item, f"rep_{rep.when}", rep)


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
    sync_api.expect.set_options(timeout=EXPECT_TIMEOUT_MS)
    with sync_api.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


def new_page(browser, width: int, height: int):
    """A fresh browser context (its own Streamlit session) and page with the suite's action timeout."""
    ctx = browser.new_context(viewport={"width": width, "height": height})
    pg = ctx.new_page()
    pg.set_default_timeout(ACTION_TIMEOUT_MS)
    return ctx, pg


CHARTS_DRAWN = """() => [...document.querySelectorAll('[data-testid="stPlotlyChart"]')].every(
    c => { const p = c.querySelector('.js-plotly-plot'); return p && p._fullLayout && p.querySelector('.main-svg'); })"""


def screenshot(pg, name: str, always: bool = False) -> None:
    """Full-page PNG in artifacts/ when ``always`` or LSTM_LAB_SCREENSHOTS is set (after the charts are drawn)."""
    if always or os.environ.get("LSTM_LAB_SCREENSHOTS"):
        ARTIFACTS.mkdir(exist_ok=True)
        pg.wait_for_function(CHARTS_DRAWN, timeout=15_000)
        pg.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def nav(pg, title: str) -> None:
    """Click a sidebar page link and wait for that page's heading."""
    from playwright.sync_api import expect

    pg.locator('[data-testid="stSidebarNav"] a', has_text=title).first.click()
    expect(pg.get_by_role("heading", name=title, exact=True).first).to_be_visible()


@pytest.fixture
def fake():
    """The app's job registry, for one test, a fake one that runs jobs inline (:mod:`tests.fakes`)."""
    from tests import fakes

    with fakes.fake_registry() as reg:
        yield reg


@pytest.fixture
def downloads(monkeypatch) -> dict[str, bytes]:
    """The bytes each download button of the last script run offered, by the file name it gives
    (AppTest's media storage is gone once a run ends, so they are kept as they are stored); a
    button whose data are built on click (a callable) has them built here, as a click would."""
    from streamlit.runtime.media_file_manager import MediaFileManager
    from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage

    kept: dict[str, bytes] = {}
    store = MemoryMediaFileStorage.load_and_get_id
    defer = MediaFileManager.add_deferred

    def keep(self, path_or_data, mimetype, kind, filename=None):
        if filename is not None and isinstance(path_or_data, bytes):
            kept[filename] = path_or_data
        return store(self, path_or_data, mimetype, kind, filename)

    def keep_deferred(self, data_callable, mimetype, coordinates, file_name=None, **kw):
        if file_name is not None:
            data = data_callable()
            kept[file_name] = data.encode() if isinstance(data, str) else data
        return defer(self, data_callable, mimetype, coordinates, file_name, **kw)

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", keep)
    monkeypatch.setattr(MediaFileManager, "add_deferred", keep_deferred)
    return kept


def expect_one(locator) -> None:
    """Wait until ``locator`` matches exactly one element, and that one is visible.

    A job's live panel is drawn by a polling fragment that asks for a full rerun when the job
    starts or ends; Streamlit keeps that fragment's elements while the rerun draws the panel again
    (it clears stale elements only after runs that end normally), so for a moment a button or link
    of the panel is there twice, and a strict locator fails at once instead of waiting (seen in CI).
    """
    from playwright.sync_api import expect

    expect(locator).to_have_count(1)
    expect(locator).to_be_visible()


def upload_csv(pg, path, loaded: bool = True) -> None:
    """Drop ``path`` on the Data page's uploader (its file input); with ``loaded``, wait until the
    page's heading names the file (the data is loaded)."""
    from playwright.sync_api import expect

    # not while a script run is under way: a file dropped then was listed by the uploader and never
    # read (the page kept its data for a minute; seen in CI on a loaded machine)
    wait_idle(pg)
    pg.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(path))
    if loaded:
        expect(pg.get_by_role("heading", name=Path(path).name)).to_be_visible()


def set_number(pg, label: str, value) -> None:
    """Type into a labelled number input and leave it, so Streamlit takes the value."""
    box = pg.get_by_label(label, exact=True)
    box.fill(str(value))
    box.press("Tab")


def choose_option(pg, label: str, option: str, timeout_s: float = 60.0) -> None:
    """Pick ``option`` in the selectbox labelled ``label`` and wait until the box shows it.

    A script run that starts while the list is open (a number input left just before, or the
    jobs panel's poll) redraws the widget and closes the list, so the option never appears (seen
    in CI). The list is opened again, once the app is idle, until ``timeout_s`` has passed: the
    action is retried, as ``expect`` retries an assertion, never the test.
    """
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import expect

    box = pg.get_by_role("combobox", name=label)
    item = pg.get_by_role("option", name=option, exact=True)
    deadline = time.monotonic() + timeout_s
    while True:
        wait_idle(pg)
        box.click()
        try:
            item.click(timeout=5_000)
            break
        except PlaywrightTimeout:
            if time.monotonic() > deadline:
                raise
    expect(box).to_have_value(option)


def wait_idle(pg) -> None:
    """Wait until no script run is in progress or requested (the app's own run state, as the web client keeps it)."""
    pg.locator(APP_IDLE).wait_for(state="attached")


def pytest_sessionfinish(session, exitstatus):
    """Wait (up to a minute) for the app registry's warm-up run: a daemon thread still inside torch
    when the interpreter finalises aborts the process ("terminate called without an active
    exception", exit 134), as a run of one AppTest alone did after it had passed."""
    for thread in threading.enumerate():
        if thread.name == "lstm-lab-warm-up" and thread.is_alive():
            thread.join(timeout=60)
