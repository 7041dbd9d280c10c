"""A frozen copy of the engine (``lstm_core/``) for a benchmark run.

A benchmark that runs for minutes, or starts fresh processes along the way, would otherwise
measure whatever ``lstm_core/`` holds at each moment while someone edits it. :func:`snapshot`
copies the package once, either from the working tree or from a git revision (``git archive``,
which leaves the checkout and the index alone), into a folder that goes first on the import path
(``sys.path`` here, ``PYTHONPATH`` for child processes).
"""

from __future__ import annotations

import hashlib
import io
import shutil
import subprocess
import tarfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "lstm_core"


def _git(*args: str) -> str:
    try:
        out = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return ""
    return out.stdout.strip() if out.returncode == 0 else ""


def content_hash(folder: Path) -> str:
    """sha256 over the package's .py and data files (names and bytes), 12 hex digits."""
    h = hashlib.sha256()
    for f in sorted(p for p in (folder / PACKAGE).rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        h.update(str(f.relative_to(folder)).encode())
        h.update(f.read_bytes())
    return h.hexdigest()[:12]


def snapshot(dest: Path, rev: str | None = None) -> str:
    """Copy ``lstm_core/`` into ``dest`` (from revision ``rev``, else the working tree); a description."""
    dest.mkdir(parents=True, exist_ok=True)
    if rev:
        commit = _git("rev-parse", "--short", f"{rev}^{{commit}}")
        if not commit:
            raise ValueError(f"unknown git revision {rev!r}")
        blob = subprocess.run(
            ["git", "archive", "--format=tar", commit, PACKAGE], cwd=ROOT, capture_output=True, check=True, timeout=60
        ).stdout
        with tarfile.open(fileobj=io.BytesIO(blob)) as tar:
            tar.extractall(dest, filter="data")
        where = f"lstm_core at commit {commit}"
    else:
        shutil.copytree(ROOT / PACKAGE, dest / PACKAGE, ignore=shutil.ignore_patterns("__pycache__"))
        head = _git("rev-parse", "--short", "HEAD") or "unknown"
        dirty = _git("status", "--porcelain", "--", PACKAGE)
        n = len(dirty.splitlines()) if dirty else 0
        where = f"lstm_core working tree copied at start (commit {head}" + (
            f" with {n} uncommitted files)" if n else ", clean)"
        )
    return f"{where}, content sha256 {content_hash(dest)}"
