"""Issue 13's figures: test tiers' wall time, lint and type-check findings, the wheel, the layers.

Run from the repository root with the project's environment::

    .venv/bin/python -m benchmarks.bench_foundations            # tiers one by one, then checks
    .venv/bin/python -m benchmarks.bench_foundations --whole    # also the whole suite in one run

Each tier runs in its own pytest process (``-m unit``, ``-m app``, ``-m browser``); wall time
is measured around the process, so it includes pytest's start-up. Timings on a shared machine
drift (the load average is printed); the targets are for a quiet 2-core machine.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
TIERS = (("unit", 60.0), ("app", None), ("cluster", None), ("browser", None))
WHOLE_TARGET_S = 240.0


def _run(cmd: list[str], timeout: float = 1800) -> tuple[int, str, float]:
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=timeout)
    return proc.returncode, proc.stdout + proc.stderr, time.perf_counter() - t0


def _pytest(marker: str | None) -> tuple[str, float]:
    cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"] + (["-m", marker] if marker else [])
    rc, out, secs = _run(cmd)
    summary = next((ln for ln in reversed(out.splitlines()) if re.search(r"\d+ (passed|failed)", ln)), "no summary")
    counts = re.sub(r"=+", "", summary).strip()
    return (counts if rc == 0 else f"FAILED (exit {rc}): {counts}"), secs


def _count(cmd: list[str], pattern: str) -> str:
    rc, out, _ = _run(cmd, timeout=900)
    if rc == 0:
        return "0"
    m = re.search(pattern, out)
    return m.group(1) if m else f"exit {rc}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--whole", action="store_true", help="also time the whole suite in one pytest run")
    args = ap.parse_args(argv)
    rows: list[tuple[str, str, str, str]] = []
    for marker, target in TIERS:
        counts, secs = _pytest(marker)
        verdict = ("PASS" if secs <= target else "FAIL") if target else ""
        rows.append((f"{marker} tier wall time", f"{secs:.0f} s", f"≤ {target:.0f} s" if target else "—", verdict))
        rows.append((f"{marker} tier result", counts, "all pass", "PASS" if "FAILED" not in counts else "FAIL"))
    if args.whole:
        counts, secs = _pytest(None)
        rows.append(
            (
                "whole suite wall time",
                f"{secs:.0f} s",
                f"≤ {WHOLE_TARGET_S:.0f} s",
                "PASS" if secs <= WHOLE_TARGET_S else "FAIL",
            )
        )
        rows.append(("whole suite result", counts, "all pass", "PASS" if "FAILED" not in counts else "FAIL"))
    ruff = _count([str(BIN / "ruff"), "check", "."], r"Found (\d+) error")
    fmt = _count([str(BIN / "ruff"), "format", "--check", "."], r"(\d+) files? would be reformatted")
    mypy = _count([str(BIN / "mypy")], r"Found (\d+) error")
    for name, value in (("ruff check findings", ruff), ("ruff format: files to reformat", fmt), ("mypy errors", mypy)):
        rows.append((name, value, "0", "PASS" if value == "0" else "FAIL"))
    before = {p.name for p in ROOT.iterdir()}
    with tempfile.TemporaryDirectory() as tmp:
        rc, out, secs = _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", ".", "-w", tmp], timeout=600)
        wheels = list(Path(tmp).glob("*.whl"))
        built = wheels[0].name if wheels else f"failed (exit {rc})"
        rows.append(("pip wheel --no-deps .", built, "builds", "PASS" if wheels else "FAIL"))
    for leftover in {p.name for p in ROOT.iterdir()} - before:  # build/ and *.egg-info the build left
        shutil.rmtree(ROOT / leftover, ignore_errors=True)
    rc, out, _ = _run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/test_layers.py"])
    rows.append(
        (
            "engine imports streamlit/plotly (tests/test_layers.py)",
            "no" if rc == 0 else "yes",
            "no",
            "PASS" if rc == 0 else "FAIL",
        )
    )
    widths = [max(len(r[i]) for r in [("measure", "value", "target", "verdict"), *rows]) for i in range(4)]
    line = "| " + " | ".join(f"{{:<{w}}}" for w in widths) + " |"
    print(line.format("measure", "value", "target", "verdict"))
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for r in rows:
        print(line.format(*r))
    load = os.getloadavg() if hasattr(os, "getloadavg") else ("?",) * 3
    print(f"\n{os.cpu_count()} CPUs, load average {' '.join(f'{v:.2f}' for v in load)} at the end.")
    return 0 if all(r[3] != "FAIL" for r in rows) else 1


if __name__ == "__main__":
    raise SystemExit(main())
