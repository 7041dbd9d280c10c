"""How much of one forecast path a 90% band can be expected to cover, with exact bands.

Issue 10 asks that the 90% band of the multi-step forecast cover 85-95% of the test part in the
median over a set, and no series under 70%. The multi-step forecast is one path from one origin,
and its errors persist along the horizon: where the series wanders (a random walk, a price, a level
that shifts), the error at step k is most of the error at step k - 1, so the path stays inside the
band or outside it for long stretches. This script measures what that does to a band that is
*exactly* right: the true 90% quantile of the error at every horizon, known in advance.

Part 1 simulates series whose k-step error is known in closed form, ``--paths`` paths each
(seeded), and gives the share of one path's points inside the exact band: its median, and how
often it is under 0.70 or over 0.95. Part 2 reads the coverage of statsforecast's AutoETS,
AutoARIMA and AutoTheta over the test span in the benchmark sets' saved tables
(``benchmarks/results/bench_forecast*.csv``), for the same view of models whose bands come from
their own likelihood::

    .venv/bin/python -m benchmarks.bench_path_coverage [--paths 20000] [--md out.md]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from benchmarks.report import emit

Z90 = 1.6448536269514722  # the standard normal's 95th percentile: a central 90% band is ±Z90 sd
HORIZONS = (20, 60, 300)
RESULTS = Path(__file__).resolve().parent / "results"
TABLES = {
    "suite": "bench_forecast.csv",
    "held-out": "bench_forecast_holdout.csv",
    "fpp2": "bench_forecast_fpp.csv",
    "outside5": "bench_forecast_outside5.csv",
}
PEERS = ("AutoETS", "AutoARIMA", "AutoTheta")


def errors_and_sd(kind: str, paths: int, steps: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Forecast errors (paths, steps) of the exact conditional-mean forecast from one origin, and
    their standard deviation at each horizon (steps,), for unit-variance innovations.

    ``iid``: white noise around a known mean. ``ar0.9``: an AR(1) with coefficient 0.9 (a slow
    cycle). ``random walk``: the naive forecast of a random walk. ``local level``: a random walk
    observed with noise of the same variance, forecast by its known level."""
    e = rng.standard_normal((paths, steps))
    k = np.arange(1, steps + 1, dtype=np.float64)
    if kind == "iid":
        return e, np.ones(steps)
    if kind == "ar0.9":
        phi = 0.9
        out = np.empty_like(e)
        acc = np.zeros(paths)
        for j in range(steps):
            acc = phi * acc + e[:, j]
            out[:, j] = acc
        return out, np.sqrt((1 - phi ** (2 * k)) / (1 - phi**2))
    if kind == "random walk":
        return np.cumsum(e, axis=1), np.sqrt(k)
    if kind == "local level":
        noise = rng.standard_normal((paths, steps))
        return np.cumsum(e, axis=1) + noise, np.sqrt(k + 1.0)
    raise ValueError(kind)


def simulated(paths: int, seed: int) -> list[str]:
    """Part 1's table rows."""
    rng = np.random.default_rng(seed)
    lines = [
        "| process | test points | median coverage of one path | share of paths under 0.70 | share over 0.95 |",
        "|---|---|---|---|---|",
    ]
    for kind in ("iid", "ar0.9", "local level", "random walk"):
        for steps in HORIZONS:
            err, sd = errors_and_sd(kind, paths, steps, rng)
            cov = np.mean(np.abs(err) <= Z90 * sd, axis=1)
            lines.append(
                f"| {kind} | {steps} | {np.median(cov):.2f} | {np.mean(cov < 0.70):.3f} | {np.mean(cov > 0.95):.3f} |"
            )
    return lines


def peers() -> list[str]:
    """Part 2's table rows: each set's median and lowest multi-step coverage (medians over seeds)
    for the engine and each statsforecast model, and how many series fall under 0.70."""
    lines = [
        "| set | model | series | median coverage | lowest (series) | series under 0.70 | series over 0.95 |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, file in TABLES.items():
        path = RESULTS / file
        if not path.exists():
            continue
        df = pd.read_csv(path)
        df = df[df["error"].isna()] if "error" in df else df
        for model, col in [("engine", "cov_ms"), *((p, f"peer_{p}_cov_ms") for p in PEERS)]:
            if col not in df:
                continue
            per = df.groupby("series")[col].median().dropna()
            if per.empty:
                continue
            low = per.idxmin()
            lines.append(
                f"| {name} | {model} | {len(per)} | {per.median():.2f} | {per.min():.2f} ({low}) | "
                f"{int((per < 0.70).sum())} | {int((per > 0.95).sum())} |"
            )
    return lines


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--paths", type=int, default=20000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--md", default="")
    args = ap.parse_args(argv)
    lines = [
        f"## One path's coverage under an exact 90% band (simulated, {args.paths} paths per row, seed {args.seed})",
        "",
        *simulated(args.paths, args.seed),
        "",
        "## Multi-step 90% coverage over the test span in the benchmark sets' saved tables (medians over seeds 0-2)",
        "",
        *peers(),
    ]
    emit("\n".join(lines), args.md)
    return 0


if __name__ == "__main__":
    sys.exit(main())
