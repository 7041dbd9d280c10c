"""The launcher (ui/serve.py) that scripts/start.sh runs: what it warms before the server listens."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ui import serve

ROOT = Path(__file__).resolve().parents[1]


def test_the_modules_to_warm_are_read_from_the_scripts_imports(tmp_path):
    a = tmp_path / "a.py"
    a.write_text(
        "from __future__ import annotations\nimport json, os.path\nfrom .local import x\nfrom ui import state\n"
    )
    b = tmp_path / "b.py"
    b.write_text("import json\ndef f():\n    import csv\nfrom lstm_core.config import RunConfig\n")
    # top-level imports only, in order, once each; relative imports and __future__ left out
    assert serve.imported_modules([a, b]) == [
        "json",
        "os.path",
        "ui",
        "ui.state",
        "lstm_core.config",
        "lstm_core.config.RunConfig",
    ]
    broken = tmp_path / "broken.py"
    broken.write_text("import json\nx = (\n")  # a page with a syntax error: skipped, the server still starts
    assert serve.imported_modules([broken, a]) == serve.imported_modules([a])
    # which of those are modules: a submodule is, a class is not
    assert serve.is_module("ui.state") and not serve.is_module("lstm_core.config.RunConfig")


def test_every_page_and_the_router_are_warmed():
    names = serve.imported_modules([ROOT / "app.py", *sorted((ROOT / "pages").glob("*.py"))])
    assert {"streamlit", "ui.jobs_view", "lstm_core.config"} <= set(names)


def test_warming_up_imports_the_engine_and_trains_once_in_a_fresh_process():
    code = (
        "import sys, gc; from ui import serve; from lstm_core import jobs; "
        "serve.warm(); "
        "assert serve.warm_imports() == [], 'an import the app needs failed'; "
        "assert jobs._warmed and 'statsmodels' in sys.modules and 'plotly.graph_objects' in sys.modules; "
        "assert gc.get_freeze_count() > 100000; print('ok')"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0 and out.stdout.strip().endswith("ok"), out.stderr[-2000:]


def _running(pid: int) -> bool:
    """Whether process ``pid`` exists and has not exited (a zombie no one has reaped yet counts
    as exited: a container's first process may never reap it)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


@pytest.mark.app
@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
def test_a_server_ends_itself_when_the_process_that_started_it_is_killed(tmp_path):
    """A test run killed before its teardown must not leave its server behind (ui.serve.EXIT_WITH_ENV)."""
    starter = (
        "import time; from pathlib import Path; from benchmarks.st_server import free_port, start_server; "
        f"p = start_server(free_port(), Path({str(tmp_path / 'st.log')!r})); print(p.pid, flush=True); time.sleep(600)"
    )
    parent = subprocess.Popen([sys.executable, "-c", starter], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    server = 0
    try:
        assert parent.stdout is not None
        line = parent.stdout.readline().strip()  # once the server listens
        assert line.isdigit(), f"the starter printed {line!r}; see {tmp_path / 'st.log'}"
        server = int(line)
        assert _running(server)
        parent.kill()  # no teardown: the server's stop is never called
        parent.wait(timeout=30)
        deadline = time.monotonic() + serve.EXIT_GRACE_S + 20
        while _running(server) and time.monotonic() < deadline:
            time.sleep(0.2)  # polling the process table until the deadline, not a fixed wait
        assert not _running(server), "the server outlived the process that started it"
    finally:
        parent.kill()
        if server and _running(server):
            os.kill(server, signal.SIGKILL)


def test_a_server_ignores_an_inherited_starter_that_is_not_its_parent():
    """A server whose ``LSTM_LAB_EXIT_WITH`` names another process (inherited) keeps running."""
    code = "import os; from ui import serve; print(serve.exit_with(os.getppid() + 1, poll_s=0.01, grace_s=0.01))"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert (out.returncode, out.stdout.strip()) == (0, "None"), out.stderr[-2000:]
