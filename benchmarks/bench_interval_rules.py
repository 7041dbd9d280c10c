"""Multi-step interval widths: the shipped per-horizon conformal quantiles against smoother rules, on the same fits.

The multi-step 90% bands are conformal: for each horizon k, the ``ceil((n + 1) * 0.9)``-th smallest
of the n out-of-sample residuals at that horizon (``forecast.residual_quantiles``), made
non-decreasing, growing like sqrt(k) past the last calibrated horizon. On a short series the long
horizons have few residuals, all from adjacent forecast origins, so a band there rests on about one
draw of the error path. This script fits the engine's defaults once per series and seed, keeps the
residual groups the run calibrated on, and rescores the test part's multi-step bands under other
rules on the same centre:

* ``shipped``: as above;
* ``power``: a scale s(k) = a * k^b fitted to the root mean square residual of every horizon with
  3 or more residuals (weighted by their count, b clipped to [0, 1]), and one conformal quantile of
  all residuals divided by s(k), pooled over the horizons;
* ``power, b >= 0.5``: the same with b at least 0.5 (a random walk's growth or faster);
* ``random walk``: the one-step width times sqrt(k);
* ``shipped, random-walk floor``: the larger of the shipped width and the random walk's;
* ``larger of shipped and power``.

It prints, per set, the median and lowest coverage over series (medians over seeds), how many
series fall under 0.70 and over 0.95, and the interval score (width plus 20 times the distance by
which a point falls outside, averaged over the test part; lower is better) as a geometric mean of
rule ÷ shipped::

    .venv/bin/python -m benchmarks.bench_interval_rules                  # the three sets, seeds 0-2
    .venv/bin/python -m benchmarks.bench_interval_rules --set suite --seeds 0
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

import numpy as np

from benchmarks.ab_runs import fit_default, gmean, named_series, score_all
from benchmarks.report import emit
from lstm_core.forecast import residual_quantiles
from lstm_core.pipeline import widths

SETS = ("suite", "holdout", "fpp")
ALPHA = 0.1


def record(task: tuple) -> dict:
    """A default run of one series and seed: its multi-step calibration residuals by horizon, the
    multi-step centre and the test values on the interval scale."""
    from lstm_core import forecast as fc
    from lstm_core import pipeline as pl

    name, frame, season, seed = task
    calls: list[list[np.ndarray]] = []
    shipped = fc.residual_quantiles

    def keep(groups, alpha=ALPHA):
        calls.append([np.asarray(g, dtype=np.float64).copy() for g in groups])
        return shipped(groups, alpha)

    run = fit_default(frame, season, seed)
    fc.residual_quantiles = keep
    try:
        ev = pl.evaluate(run)
    finally:
        fc.residual_quantiles = shipped
    combo, prep = run.combination, run.prep
    ts = prep.test_start
    multi = ev.predictions.multistep.to_numpy()[ts:]
    nonneg = bool(prep.y.min() >= 0)
    return {
        "name": name,
        "seed": seed,
        "groups": max(calls, key=len),  # the multi-step call (a short series also calibrates one step alone)
        "centre": combo.z_from_y(np.maximum(multi, 0.0) if nonneg else multi),
        "truth": combo.z_from_y(prep.y[ts:]),
        "log": combo.log_scale,
        "nonneg": nonneg,
        "coverage": run.metrics.coverage.multistep if run.metrics else float("nan"),
    }


def shipped_rule(groups: list[np.ndarray]) -> np.ndarray:
    return residual_quantiles(groups, ALPHA)


def power_rule(groups: list[np.ndarray], b_min: float = 0.0, b_max: float = 1.0) -> np.ndarray:
    """Widths Q * a * k^b (see the module docstring)."""
    hs, scale, counts = [], [], []
    for k, g in enumerate(groups):
        g = g[np.isfinite(g)]
        if len(g) >= 3:
            hs.append(k + 1)
            scale.append(float(np.sqrt(np.mean(g**2))))
            counts.append(len(g))
    if not hs or min(scale) <= 0:
        return shipped_rule(groups)
    lh, ls, w = np.log(hs), np.log(scale), np.asarray(counts, dtype=np.float64)
    b = 0.5
    if len(hs) >= 2 and np.ptp(lh) > 0:
        xm, ym = np.average(lh, weights=w), np.average(ls, weights=w)
        b = float(np.sum(w * (lh - xm) * (ls - ym)) / np.sum(w * (lh - xm) ** 2))
    b = float(np.clip(b, b_min, b_max))
    a = float(np.average(ls - b * lh, weights=w))
    s = np.exp(a) * np.arange(1, len(groups) + 1) ** b
    pooled = np.concatenate([np.abs(g[np.isfinite(g)]) / s[k] for k, g in enumerate(groups)])
    return residual_quantiles([pooled], ALPHA)[0] * s  # one conformal quantile of the pooled ratios


def random_walk_rule(groups: list[np.ndarray]) -> np.ndarray:
    return shipped_rule(groups)[0] * np.sqrt(np.arange(1, len(groups) + 1))


RULES: dict[str, Callable[[list[np.ndarray]], np.ndarray]] = {
    "shipped": shipped_rule,
    "power": power_rule,
    "power, b >= 0.5": lambda g: power_rule(g, b_min=0.5),
    "random walk": random_walk_rule,
    "shipped, random-walk floor": lambda g: np.maximum(shipped_rule(g), random_walk_rule(g)),
    "larger of shipped and power": lambda g: np.maximum(shipped_rule(g), power_rule(g)),
}


def band(row: dict, q: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(lower, upper, truth) in original units for half-widths ``q`` on the interval scale."""
    w = widths(q, len(row["truth"]))
    lo, hi, y = row["centre"] - w, row["centre"] + w, row["truth"]
    if row["log"]:
        lo, hi, y = np.exp(lo), np.exp(hi), np.exp(y)
    if row["nonneg"]:
        lo, hi = np.maximum(lo, 0.0), np.maximum(hi, 0.0)
    return lo, hi, y


def coverage(row: dict, q: np.ndarray) -> float:
    lo, hi, y = band(row, q)
    return float(np.mean((y >= lo) & (y <= hi)))


def interval_score(row: dict, q: np.ndarray) -> float:
    lo, hi, y = band(row, q)
    return float(np.mean((hi - lo) + 2 / ALPHA * (np.maximum(lo - y, 0) + np.maximum(y - hi, 0))))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--set", choices=SETS, default="", help="one set (default: all three)")
    ap.add_argument("--seeds", default="0,1,2")
    ap.add_argument("--processes", type=int, default=2)
    ap.add_argument("--md", default="", help="also write the table to this file")
    args = ap.parse_args(argv)
    sets = (args.set,) if args.set else SETS
    lines = [
        f"## Multi-step 90% bands under other width rules, on the same fits (engine defaults, seeds {args.seeds})",
        "",
        "| set | rule | median coverage | lowest (series) | series < 0.70 | series > 0.95 | interval score ÷ shipped |",
        "|---|---|---|---|---|---|---|",
    ]
    for s in sets:
        series = named_series(s, keep=lambda n, f: n != "AirPassengers")[0]  # the suite's copy of airline
        rows = score_all(record, series, args.seeds.split(","), args.processes)
        for rule, fn in RULES.items():
            per: dict[str, list[float]] = {}
            ratios = []
            for r in rows:
                q = fn(r["groups"])
                per.setdefault(r["name"], []).append(coverage(r, q))
                ratios.append(interval_score(r, q) / interval_score(r, shipped_rule(r["groups"])))
            med = {n: float(np.median(v)) for n, v in per.items()}
            v = np.array(list(med.values()))
            low = min(med, key=med.__getitem__)
            lines.append(
                f"| {s} | {rule} | {np.median(v):.2f} | {v.min():.2f} ({low}) | {(v < 0.7).sum()} | "
                f"{(v > 0.95).sum()} | {gmean(ratios):.3f} |"
            )
        same = all(abs(coverage(r, shipped_rule(r["groups"])) - r["coverage"]) < 1e-12 for r in rows)
        lines.append(f"| {s} | (shipped rule reproduces the runs' own coverage: {'yes' if same else 'NO'}) | | | | | |")
    emit("\n".join(lines), args.md)
    return 0


if __name__ == "__main__":
    sys.exit(main())
