"""Layers: the engine (``lstm_core``) imports neither streamlit nor plotly; the figures
(``ui.figures``) import plotly but never streamlit.

The import check runs in a fresh interpreter (this test process has both loaded already):
it imports every module of ``lstm_core`` in turn and records, after each one, whether
streamlit or plotly is in ``sys.modules``, so a failure names the first module that drags
either in. A source check catches what an import cannot: imports inside function bodies.
"""

from __future__ import annotations

import ast
import json
import os
import pkgutil
import subprocess
import sys
from pathlib import Path

import lstm_core

ROOT = Path(__file__).resolve().parents[1]
FORBIDDEN = ("streamlit", "plotly")
#: ``python -m lstm_core`` runs the CLI on import; it imports nothing but :mod:`lstm_core.cli`.
SKIP = {"lstm_core.__main__"}

PROBE = """
import importlib, json, sys
for name in json.loads(sys.argv[1]):
    importlib.import_module(name)
    print(json.dumps([name, *(m in sys.modules for m in {forbidden!r})]), flush=True)
"""


def engine_modules() -> list[str]:
    names = [m.name for m in pkgutil.walk_packages(lstm_core.__path__, "lstm_core.")]
    return ["lstm_core", *sorted(n for n in names if n not in SKIP)]


def _imported_roots(path: Path) -> set[str]:
    """Top-level names of every import in a file, function bodies included."""
    roots = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            roots.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots.add(node.module.split(".")[0])
    return roots


def test_discovery_finds_the_engine_modules():
    mods = engine_modules()
    assert {"lstm_core.cli", "lstm_core.jobs", "lstm_core.pipeline", "lstm_core.gates", "lstm_core.tables"} <= set(mods)
    assert not any(m.endswith(("plots", "gate_plots", "compare_plots")) for m in mods)


def test_no_engine_module_loads_streamlit_or_plotly_in_a_fresh_process():
    mods = engine_modules()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    proc = subprocess.run(
        [sys.executable, "-c", PROBE.format(forbidden=FORBIDDEN), json.dumps(mods)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, f"importing the engine failed:\n{proc.stderr[-3000:]}"
    rows = [json.loads(line) for line in proc.stdout.splitlines() if line.startswith("[")]
    assert [r[0] for r in rows] == mods, "not every engine module was imported"
    for name, *loaded in rows:
        dragged = [lib for lib, yes in zip(FORBIDDEN, loaded) if yes]
        assert not dragged, f"importing {name} loads {' and '.join(dragged)}: the engine must import neither"


def test_engine_source_never_imports_ui_streamlit_or_plotly():
    bad = {}
    for path in sorted((ROOT / "lstm_core").rglob("*.py")):
        hit = _imported_roots(path) & {*FORBIDDEN, "ui"}
        if hit:
            bad[str(path.relative_to(ROOT))] = sorted(hit)
    assert not bad, f"engine files importing UI libraries: {bad}"


def test_figures_import_plotly_but_never_streamlit():
    files = sorted((ROOT / "ui" / "figures").glob("*.py"))
    assert {p.stem for p in files} >= {"__init__", "style", "series", "gates", "compare"}
    for path in files:
        assert "streamlit" not in _imported_roots(path), f"{path.name} imports streamlit"
