"""Issue 10's accuracy measures applied to each statsforecast model alone, beside the engine.

Issue 10's targets compare the engine with the *best* of three baselines (naive, seasonal naive,
Holt-Winters) and the *best* of three statsforecast models (AutoETS, AutoARIMA, AutoTheta),
picked per series after the fact. This script puts each statsforecast model through the same
measures, on the same test points, from the benchmark sets' saved tables
(``benchmarks/results/bench_forecast*.csv``, medians over seeds 0-2; the peers are deterministic):
how far a strong classical model that has to commit to one method per series stands from those
targets::

    .venv/bin/python -m benchmarks.bench_peer_scale [--md out.md]

Columns: multi-step RMSE over the test span ÷ the best of the engine's baselines (geometric mean
over the set's series; target ≤ 1.0), the worst series on that ratio (target ≤ 1.5) and how many
are over 1.5, and one-step RMSE ÷ the best statsforecast model (target ≤ 1.0; the best of three
after the fact is 1.0 by construction).
"""

from __future__ import annotations

import argparse
import sys

import pandas as pd

from benchmarks.ab_runs import gmean
from benchmarks.bench_path_coverage import PEERS, RESULTS, TABLES
from benchmarks.report import emit

BASELINES = ("base_ms_naive", "base_ms_seasonal_naive", "base_ms_holt_winters")


def rows_for(name: str, df: pd.DataFrame) -> list[str]:
    """One table row per model (the engine, each peer, the best peer after the fact) for one set."""
    df = df[df["error"].isna()] if "error" in df else df
    med = df.groupby("series").median(numeric_only=True)
    best_base = med[list(BASELINES)].min(axis=1)
    best_one = med[[f"peer_{p}_one_rmse" for p in PEERS]].min(axis=1)
    models = [("engine", med["ms_rmse"], med["one_rmse"])]
    models += [(p, med[f"peer_{p}_ms_rmse"], med[f"peer_{p}_one_rmse"]) for p in PEERS]
    models.append(
        (
            "best statsforecast model, per series after the fact",
            med[[f"peer_{p}_ms_rmse" for p in PEERS]].min(axis=1),
            best_one,
        )
    )
    out = []
    for model, multi, one in models:
        ratio = (multi / best_base).dropna()
        one_ratio = (one / best_one).dropna()
        if ratio.empty:
            continue
        out.append(
            f"| {name} | {model} | {len(ratio)} | {gmean(list(ratio)):.3f} | {ratio.max():.2f} ({ratio.idxmax()}) | "
            f"{int((ratio > 1.5).sum())} | {gmean(list(one_ratio)):.3f} |"
        )
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--md", default="")
    args = ap.parse_args(argv)
    lines = [
        "## Issue 10's measures for the engine and for each statsforecast model alone "
        "(saved benchmark tables, medians over seeds 0-2)",
        "",
        "| set | model | series | multi-step ÷ best baseline (geo. mean) | worst series | series over 1.5 | "
        "one-step ÷ best statsforecast (geo. mean) |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, file in TABLES.items():
        path = RESULTS / file
        if path.exists():
            lines += rows_for(name, pd.read_csv(path))
    emit("\n".join(lines), args.md)
    return 0


if __name__ == "__main__":
    sys.exit(main())
