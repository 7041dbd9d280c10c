"""The level screen (``lstm_core.strategy.LEVEL_RATIO``), A/B: default runs with and without it.

Where the rolling-origin backtest ranks representations, a plain level one (no differencing, no
window mean) whose network scored over ``LEVEL_RATIO`` times the best candidate's backtest RMSE is
left out of the combination since session 17. A network on levels falls back towards the levels it
trained on: right for a cycle, wrong for a series that wanders off (a stock price, a random walk,
sales that keep climbing), and on such series one or two of these members dragged the combined
multi-step forecast off (Box & Jenkins' sales: 1.5x the naive forecast's error).

This script fits the engine's defaults twice per series and seed, with the screen (as shipped)
and without it (``LEVEL_RATIO`` = inf, as before), and prints multi-step RMSE over the test span ÷
the best of the engine's baselines on the same points (naive, seasonal naive, Holt-Winters; the
issue's measure), one-step RMSE ÷ the best baseline's, and the 90% multi-step coverage::

    .venv/bin/python -m benchmarks.bench_level_screen                  # the series of data/range/
    .venv/bin/python -m benchmarks.bench_level_screen --set suite      # or holdout, fpp
    .venv/bin/python -m benchmarks.bench_level_screen --set suite --only UKDriverDeaths

``data/range/`` holds real series outside the three benchmark sets (see ``bench_range_guard``)
and three synthetic ones (in their own geometric mean). A series where no level member is
screened out gives the same fits both ways (same seeds): ``changed`` says where it was.
"""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

from benchmarks.ab_runs import fit_default, gmean, medians, named_series, score_all
from benchmarks.report import emit

ROOT = Path(__file__).resolve().parent
RANGE = ROOT / "data" / "range"


def score(task: tuple) -> dict:
    """Two default runs of one series and seed: without the level screen, then with it."""
    from lstm_core import pipeline

    name, frame, season, seed = task
    out: dict = {"name": name, "seed": seed, "n": len(frame)}
    for key, ratio in (("before", math.inf), ("screen", pipeline.LEVEL_RATIO)):
        run = fit_default(frame, season, seed, pipeline, "LEVEL_RATIO", ratio)
        m = run.metrics
        assert m is not None and m.test is not None and m.test_multistep is not None
        base_ms = min(b.rmse for b in m.baselines_multistep.values() if b is not None)
        base_one = min(b.rmse for b in m.baselines.values() if b is not None)
        reps = [mb.prep.transform.name for mb in run.combination.path_members]
        out[key] = {
            "ms": m.test_multistep.rmse / base_ms,
            "one": m.test.rmse / base_one,
            "cov": m.coverage.multistep,
            "reps": reps,
            "levels": sum(1 for mb in run.combination.path_members if pipeline.is_level(mb.prep.transform)),
        }
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--set", choices=("suite", "holdout", "fpp"), default="")
    ap.add_argument("--csv", default="", help="comma-separated CSV files (default: every file of data/range/)")
    ap.add_argument("--only", default="", help="comma-separated series names of the set")
    ap.add_argument("--seeds", default="0,1,2")
    ap.add_argument("--processes", type=int, default=2)
    ap.add_argument("--md", default="", help="also write the table to this file")
    args = ap.parse_args(argv)
    seeds = [int(s) for s in args.seeds.split(",")]
    only = set(args.only.split(",")) if args.only else None
    series, what = named_series(args.set, args.csv, RANGE, keep=lambda name, _: only is None or name in only)
    what = f"{what} set" if args.set and not what.endswith("set") else what
    rows = score_all(score, series, seeds, args.processes)
    lines = [
        f"## Level screen: {what}, seeds {args.seeds} (medians); RMSE ÷ the best engine baseline on the same points",
        "",
        "| series | N | level members before → with the screen | multi-step before | with the screen | "
        "one-step before | with the screen | multi-step 90% coverage before | with the screen | changed |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    geo: dict[str, list[float]] = {k: [] for k in ("ms_before", "ms_screen", "one_before", "one_screen")}
    for name, _, _ in series:
        rs, med = medians(rows, name)

        for k in ("before", "screen"):
            geo[f"ms_{k}"].append(med(k, "ms"))
            geo[f"one_{k}"].append(med(k, "one"))
        changed = sum(1 for r in rs if r["before"]["reps"] != r["screen"]["reps"])
        lines.append(
            f"| {name} | {rs[0]['n']} | {rs[0]['before']['levels']} → {rs[0]['screen']['levels']} | "
            f"{med('before', 'ms'):.3f} | {med('screen', 'ms'):.3f} | {med('before', 'one'):.3f} | "
            f"{med('screen', 'one'):.3f} | {med('before', 'cov'):.2f} | {med('screen', 'cov'):.2f} | "
            f"{changed} of {len(rs)} |"
        )
    real = [not name.startswith("synthetic_") for name, _, _ in series]
    for label, pick in (("geometric mean", real), ("geometric mean with the synthetic ones", [True] * len(real))):
        if label != "geometric mean" and all(real):
            continue
        g = [
            f"{gmean([v for v, p in zip(geo[k], pick) if p]):.3f}"
            for k in ("ms_before", "ms_screen", "one_before", "one_screen")
        ]
        lines.append(f"| {label} | | | {g[0]} | {g[1]} | {g[2]} | {g[3]} | | | |")
    emit("\n".join(lines), args.md)
    return 0


if __name__ == "__main__":
    sys.exit(main())
