"""Start the LSTM Lab server with the first visitor's costs already paid.

``streamlit run app.py`` imports nothing until a browser connects: the first visitor's page then
waits for torch, scikit-learn, statsmodels and plotly to import and for the first training's
one-off set-up (measured 4-6 s on a 2-core machine, most of the "open -> first forecast" time).
This launcher does that work once, before the server listens, then hands over to Streamlit's
own command line in the same process (``scripts/start.sh`` uses it)::

    python -m ui.serve [streamlit run options...]

What it warms, in order: every module that ``app.py`` and ``pages/*.py`` import (read from
their source, so a new page is covered without a list to keep up to date); one tiny training
run through the engine (first-call costs of torch's optimiser and of the evaluation); one plotly
figure serialised the way ``st.plotly_chart`` does. Then ``gc.freeze()`` moves the hundreds of
thousands of long-lived objects out of the collector's sight (a full collection otherwise holds
the GIL for ~0.5 s; see ``ui.state.freeze_after``).
"""

from __future__ import annotations

import ast
import gc
import importlib
import importlib.util
import logging
import os
import signal
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "app.py"
log = logging.getLogger(__name__)

#: Set to the starting process's id by whoever runs the server only for a while (the browser tests,
#: the app benchmarks: ``benchmarks/st_server.py``): the server then ends itself once that process
#: is gone. A test run killed before its teardown used to leave its server behind, training a
#: test's 100,000-epoch run at a quarter of a core for an hour (measured in session 13).
EXIT_WITH_ENV = "LSTM_LAB_EXIT_WITH"
#: Seconds between checks of the starting process, and the grace Streamlit gets to shut down on
#: SIGTERM before the process exits anyway.
EXIT_POLL_S = 0.5
EXIT_GRACE_S = 10.0


def imported_modules(paths: list[Path]) -> list[str]:
    """The top-level imports of these scripts as module names, in order, without repeats:
    ``import x`` gives ``x``; ``from x import y`` gives ``x`` and ``x.y`` (``y`` may be a
    submodule, as in ``from ui import jobs_view``; :func:`warm_imports` skips it when it is
    not). Relative imports and ``__future__`` are left out; a script that cannot be read or
    parsed is skipped (the server must start: that page shows its own error)."""
    names: list[str] = []
    for path in paths:
        try:
            body = ast.parse(path.read_text(encoding="utf-8"), str(path)).body
        except (OSError, SyntaxError, ValueError):  # the page itself reports it when opened
            continue
        for node in body:
            if isinstance(node, ast.Import):
                found = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                found = [node.module, *(f"{node.module}.{a.name}" for a in node.names if a.name != "*")]
            else:
                continue
            names += [n for n in found if not n.startswith("__future__") and n not in names]
    return names


def is_module(name: str) -> bool:
    """Whether ``name`` names an importable module (``x.y`` where ``y`` is a function: False)."""
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):  # the parent is a plain module, or is missing
        return False


def warm_imports(root: Path = ROOT) -> list[str]:
    """Import what the app's scripts import; returns the names that failed (logged, not raised:
    the page that needs one reports it the usual way)."""
    failed = []
    for name in imported_modules([root / "app.py", *sorted((root / "pages").glob("*.py"))]):
        if not is_module(name):
            continue
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001 - warming is best effort
            log.debug("warm-up import of %s failed", name, exc_info=True)
            failed.append(name)
    return failed


def warm_engine() -> None:
    """One tiny training run and one plotly figure serialised: the first-call costs."""
    import plotly.graph_objects as go

    from lstm_core.jobs import warm_process

    warm_process()
    go.Figure(go.Scatter(x=[0, 1], y=[0, 1])).to_json()


def warm() -> float:
    """Everything above, then ``gc.freeze()``; returns the seconds it took."""
    t0 = time.perf_counter()
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    warm_imports()
    warm_engine()
    gc.collect()
    gc.freeze()
    return time.perf_counter() - t0


def exit_with(pid: int, poll_s: float = EXIT_POLL_S, grace_s: float = EXIT_GRACE_S) -> threading.Thread | None:
    """Start a daemon thread that ends this process once its parent ``pid`` is gone (this process
    is handed to another parent then): SIGTERM first, Streamlit's own shutdown, and after
    ``grace_s`` an immediate exit (a training job's thread must not keep it alive). None, and
    nothing watched, when ``pid`` is not this process's parent: the variable was inherited by a
    server that someone else started, and must not end it."""
    if os.getppid() != pid:
        log.info("%s=%d is not this process's parent: not watched", EXIT_WITH_ENV, pid)
        return None

    def watch() -> None:
        while os.getppid() == pid:
            time.sleep(poll_s)
        log.warning("the process that started this server (pid %d) is gone: shutting down", pid)
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(grace_s)
        os._exit(1)

    t = threading.Thread(target=watch, name="exit-with-parent", daemon=True)
    t.start()
    return t


def main(argv: list[str] | None = None) -> None:
    """Warm up, then run ``streamlit run app.py`` with ``argv`` in this process."""
    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.web import cli

    parent = os.environ.get(EXIT_WITH_ENV, "")
    if parent.isdigit():
        exit_with(int(parent))
    seconds = warm()
    # app.py routes with st.navigation. Left unset, a fresh server treats pages/ as a legacy
    # multipage folder and answers a deep link (/experiments?preset=...) with the bare page;
    # ui/__init__.py undoes that on a page's first import, which warm() has already done here.
    PagesManager.uses_pages_directory = False
    print(f"LSTM Lab: warmed up in {seconds:.1f} s (imports and a first tiny training).", flush=True)
    sys.argv = ["streamlit", "run", str(APP), *(sys.argv[1:] if argv is None else argv)]
    cli.main()


if __name__ == "__main__":
    main()
