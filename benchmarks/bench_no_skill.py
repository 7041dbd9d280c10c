"""A/B of the no-skill rule (``strategy.NO_SKILL_RATIO``, session 35) on the five benchmark sets.

Both arms are plain ``bench_forecast`` runs (engine defaults, seeds 0-2, ``--no-peers``), one per
set and arm, each on a frozen copy of the engine at a git revision (``--engine-rev``)::

    .venv/bin/python -m benchmarks.bench_no_skill --run --before c3bdf91 --after HEAD --dir /tmp/ab
    .venv/bin/python -m benchmarks.bench_no_skill --dir /tmp/ab          # the table from saved CSVs

``--run`` writes ``DIR/before/SET.csv`` and ``DIR/after/SET.csv``; the table reads them. Per set,
as ``bench_forecast`` summarises (medians over seeds per series, then over series): the geometric
mean and the max of multi-step RMSE ÷ the best of naive, seasonal naive and Holt-Winters on the same
points, the geometric mean of one-step RMSE ÷ the best of those baselines one step ahead, and the
median and min of the 90% intervals' coverage (one-step, multi-step); then every series whose
multi-step figure moved.
"""

from __future__ import annotations

import argparse
import csv
import math
import subprocess
import sys
from pathlib import Path

import numpy as np

SETS = ("suite", "holdout", "fpp", "outside5", "outside6")
BASELINES = ("naive", "seasonal_naive", "holt_winters")
ROOT = Path(__file__).resolve().parent.parent


def _f(v: str) -> float:
    try:
        return float(v)
    except (TypeError, ValueError):
        return math.nan


def _med(vals: list[float]) -> float:
    vals = [v for v in vals if math.isfinite(v)]
    return float(np.median(vals)) if vals else math.nan


def per_series(path: Path) -> dict[str, dict[str, float]]:
    """``{series: {ms, one, cov_one, cov_ms}}``: medians over seeds, the RMSEs ÷ the best baseline's."""
    rows: dict[str, list[dict]] = {}
    with open(path, newline="") as fh:
        for r in csv.DictReader(fh):
            if not r.get("error"):
                rows.setdefault(r["series"], []).append(r)
    out = {}
    for name, rs in rows.items():
        med = {k: _med([_f(r[k]) for r in rs]) for k in ("ms_rmse", "one_rmse", "cov_one", "cov_ms")}
        base_ms = min(_med([_f(r[f"base_ms_{b}"]) for r in rs]) for b in BASELINES)
        base_one = min(_med([_f(r[f"base_one_{b}"]) for r in rs]) for b in BASELINES)
        out[name] = {
            "ms": med["ms_rmse"] / base_ms,
            "one": med["one_rmse"] / base_one,
            "cov_one": med["cov_one"],
            "cov_ms": med["cov_ms"],
        }
    return out


def _gmean(vals) -> float:
    vals = [v for v in vals if math.isfinite(v) and v > 0]
    return math.exp(float(np.mean(np.log(vals)))) if vals else math.nan


def summary(s: dict[str, dict[str, float]]) -> dict[str, object]:
    ms = {k: v["ms"] for k, v in s.items()}
    worst = max(ms, key=ms.get)
    return {
        "gm_ms": _gmean(ms.values()),
        "max_ms": ms[worst],
        "worst": worst,
        "gm_one": _gmean(v["one"] for v in s.values()),
        "cov_one": (_med([v["cov_one"] for v in s.values()]), min(v["cov_one"] for v in s.values())),
        "cov_ms": (_med([v["cov_ms"] for v in s.values()]), min(v["cov_ms"] for v in s.values())),
        "over": sum(v > 1.5 for v in ms.values()),
        "n": len(ms),
    }


def table(folder: Path, sets=SETS) -> str:
    lines = [
        "| set | series | geo. mean multi ÷ best baseline | max multi ÷ best | series over 1.5 | geo. mean one-step ÷ best "
        "| one-step coverage median / min | multi-step coverage median / min |",
        "|---|---|---|---|---|---|---|---|",
    ]
    moved = []
    for name in sets:
        a, b = folder / "before" / f"{name}.csv", folder / "after" / f"{name}.csv"
        if not (a.exists() and b.exists()):
            continue
        pa, pb = per_series(a), per_series(b)
        sa, sb = summary(pa), summary(pb)
        lines.append(
            f"| {name} | {sa['n']} | {sa['gm_ms']:.3f} → {sb['gm_ms']:.3f} "
            f"| {sa['max_ms']:.2f} ({sa['worst']}) → {sb['max_ms']:.2f} ({sb['worst']}) | {sa['over']} → {sb['over']} "
            f"| {sa['gm_one']:.3f} → {sb['gm_one']:.3f} "
            f"| {sa['cov_one'][0]:.2f} / {sa['cov_one'][1]:.2f} → {sb['cov_one'][0]:.2f} / {sb['cov_one'][1]:.2f} "
            f"| {sa['cov_ms'][0]:.2f} / {sa['cov_ms'][1]:.2f} → {sb['cov_ms'][0]:.2f} / {sb['cov_ms'][1]:.2f} |"
        )
        for series in pa:
            if series in pb and (
                abs(pa[series]["ms"] - pb[series]["ms"]) > 1e-9 or abs(pa[series]["one"] - pb[series]["one"]) > 1e-9
            ):
                moved.append((name, series, pa[series], pb[series]))
    lines += [
        "",
        "| set | series | multi ÷ best, before → after | one-step ÷ best | multi-step coverage |",
        "|---|---|---|---|---|",
    ]
    for name, series, x, y in moved:
        lines.append(
            f"| {name} | {series} | {x['ms']:.3f} → {y['ms']:.3f} | {x['one']:.3f} → {y['one']:.3f} "
            f"| {x['cov_ms']:.2f} → {y['cov_ms']:.2f} |"
        )
    return "\n".join(lines)


def run_arm(folder: Path, rev: str, sets=SETS, seeds: str = "0,1,2") -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name in sets:
        subprocess.run(
            [sys.executable, "-m", "benchmarks.bench_forecast", "--set", name, "--no-timing", "--no-peers",
             "--seeds", seeds, "--engine-rev", rev, "--out", str(folder / f"{name}.csv"),
             "--md", str(folder / f"{name}.md")],
            cwd=ROOT, check=True,
        )  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dir", default="/tmp/bench_no_skill", help="folder of the arms' CSVs (before/, after/)")
    ap.add_argument("--run", action="store_true", help="run both arms first (about 25 min each on two cores)")
    ap.add_argument("--before", default="HEAD~1", help="engine revision of the first arm (with --run)")
    ap.add_argument("--after", default="HEAD", help="engine revision of the second arm (with --run)")
    ap.add_argument("--sets", default=",".join(SETS))
    a = ap.parse_args(argv)
    folder, sets = Path(a.dir), tuple(a.sets.split(","))
    if a.run:
        # resolved once: a commit made while the arms run must not move ``HEAD`` under them
        before, after = (
            subprocess.run(["git", "rev-parse", "--short", f"{r}^{{commit}}"], cwd=ROOT, check=True,
                           capture_output=True, text=True).stdout.strip()
            for r in (a.before, a.after)
        )  # fmt: skip
        run_arm(folder / "before", before, sets)
        run_arm(folder / "after", after, sets)
    print(table(folder, sets))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
