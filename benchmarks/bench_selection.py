"""Offline study of how ``transform="auto"`` picks and combines representations.

For every series of the three benchmark sets (``bench_forecast``'s suite without airline, the
held-out set and the fpp2 set), every candidate representation (:func:`lstm_core.strategy.
candidates`) gets what the engine would see before choosing (its null-forecast rank and score,
its network's rolling-origin backtest score, the naive reference) and what it would have done
(its multi-step forecast of the test span from a pair of networks trained as the run trains
them, seeds 0 and 1000, with the damping the backtest chose for it). Selection and combination
policies are then replayed on those paths in seconds, scored as ``bench_forecast`` scores the
engine (multi-step RMSE over the test span ÷ the best of naive, seasonal naive and Holt-Winters,
from ``benchmarks/results/*.csv``), geometric mean and worst series per set. A policy that wins here still has to win in ``bench_forecast``
(ten networks, the short-series path with both horizons, seeds 0-2): this ranks ideas, it does
not replace the benchmark.

    .venv/bin/python -m benchmarks.bench_selection                    # build what is missing, print
    .venv/bin/python -m benchmarks.bench_selection --only ausbeer,co2 # a subset
    .venv/bin/python -m benchmarks.bench_selection --jobs 2           # build with 2 processes

Building trains about 40 networks per series (all 35: 6.5 minutes with two processes here);
the paths are cached in ``--cache`` (default ``/tmp/lstm_lab_selection``), keyed by series, so a
rerun only replays the policies.
"""

from __future__ import annotations

import argparse
import math
import pickle
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"
#: Cached series of another format (an older engine's) are built again.
CACHE_FORMAT = 2
RESULT_FILES = {"suite": "bench_forecast.csv", "holdout": "bench_forecast_holdout.csv", "fpp": "bench_forecast_fpp.csv"}


def build(name: str, cache: Path) -> None:
    """Train and score every candidate of one series; pickle it to ``cache/name.pkl``."""
    import torch

    from benchmarks.forecast_series import get_series
    from lstm_core.callbacks import Callbacks
    from lstm_core.config import RunConfig
    from lstm_core.data import Series
    from lstm_core.forecast import recursive_z
    from lstm_core.pipeline import _train_member
    from lstm_core.prep import auto_horizon, detect_season, prepare, split_points
    from lstm_core.strategy import Scored, backtest, can_rank, rank_transforms

    torch.set_num_threads(1)
    s = get_series(name)
    series = Series(s.frame.copy(), season=s.season_hint)
    cfg = RunConfig()
    d = cfg.data
    y = s.values.astype(float)
    n = len(y)
    train_end, ts = split_points(n, d.val_fraction, d.test_fraction)
    season = d.season or series.season or detect_season(y[:train_end])
    h = auto_horizon(season, train_end, d.look_back)
    ranked = rank_transforms(y[:ts], train_end, season, bool(np.all(y > 0)), d.look_back, max(h, 1))
    cands = [sc.transform for sc in ranked if math.isfinite(sc.score)]
    cpu, cb = torch.device("cpu"), Callbacks()

    def train_one(sub, c, tr):
        p = prepare(replace(series, frame=sub), c.data, transform=tr)
        net, _ = _train_member(p, c, cpu, c.train.seed, cb)
        return net, p

    bt = backtest(series.frame, cfg, season, cands, ts, n - ts, train_one, None)
    damp = {replace(sc.transform, damp=1.0).name: sc.transform.damp for sc in bt.scores}
    paths = {}
    for tr in cands:
        # with the damping the backtest chose for it, as the engine forecasts
        p = prepare(series, d, transform=replace(tr, damp=damp.get(tr.name, 1.0)))
        pair = []
        for seed in (0, 1000):
            net, _ = _train_member(p, cfg, cpu, seed, cb)
            net.eval()
            pair.append(p.y_from_z(recursive_z(net, p, np.array([ts]), n - ts))[0])
        paths[tr.name] = np.array(pair)  # (2, test span)
    out = {
        "name": name,
        "truth": y[ts:],
        "ranked": [Scored(sc.transform, sc.score) for sc in ranked if math.isfinite(sc.score)],  # null order
        "format": CACHE_FORMAT,
        # keyed by the undamped candidate's name; "damp": the damping the backtest chose
        "bt_scores": {replace(sc.transform, damp=1.0).name: sc.score for sc in bt.scores},
        "damp": damp,
        "bt_ref": bt.reference,
        "bt_ranks": bt.ranks and can_rank(n, d.val_fraction, d.test_fraction),
        "paths": paths,
    }
    cache.mkdir(parents=True, exist_ok=True)
    with open(cache / f"{name}.pkl", "wb") as fh:
        pickle.dump(out, fh)


# ----------------------------------------------------------------------------- policies


def combine(d: dict, names: list[str]) -> np.ndarray:
    """The engine's combination: each representation's networks averaged, then a trimmed mean
    (highest and lowest dropped at every step) over five or more representations."""
    each = np.array([d["paths"][n].mean(0) for n in names if n in d["paths"]])
    if len(each) >= 5:
        each = np.sort(each, axis=0)[1:-1]
    return each.mean(0)


def kept(d: dict, k: int = 5, skill: float = 2.0, ratio: float = 1.5, level: bool = True, pool: int = 0) -> list[str]:
    """What ``choose_representation`` keeps, through the engine's own :func:`~lstm_core.strategy.
    shortlist` and :func:`~lstm_core.strategy.screen`: the null ranking's first ``k`` (or
    ``pool``), with ``level`` the best plain level representation too where the backtest ranks;
    ranked by the backtest, the best ``k`` within ``skill`` x the naive reference; where it
    cannot rank, the null order within ``ratio`` x the best and ``skill`` x the reference."""
    from lstm_core.strategy import Backtest, Scored, screen, shortlist

    cands = shortlist(d["ranked"], d["bt_ranks"] and level, k=pool or k)
    scores = [Scored(t, d["bt_scores"][t.name]) for t in cands if t.name in d["bt_scores"]]
    bt = Backtest(scores=scores, reference=d["bt_ref"], ranks=d["bt_ranks"])
    if bt.ranks and scores:
        best = sorted(scores, key=lambda s: s.score)[:k]
        return [t.name for t in screen(bt, [s.transform for s in best], ratio=math.inf, skill=skill)]
    return [t.name for t in screen(bt, cands[:k], ratio=ratio, skill=skill)]


def by_family(d: dict) -> np.ndarray:
    """One representation per family (no / first / seasonal difference x window mean), the null
    ranking's best of each."""
    if not d["bt_ranks"]:
        return combine(d, kept(d))
    seen, picks = set(), []
    for sc in d["ranked"]:
        t = sc.transform
        family = (min(t.lag, 2), t.window_norm)
        if family not in seen:
            seen.add(family)
            picks.append(t.name)
    sc = {n: d["bt_scores"][n] for n in picks if n in d["bt_scores"]}
    best = min(sc.values())
    return combine(d, [n for n in picks if n in sc and sc[n] <= max(best, 2.0 * d["bt_ref"])])


def networks_trimmed(d: dict, trim: float) -> np.ndarray:
    """The kept representations' networks pooled, ``trim`` of them dropped at each end per step."""
    each = np.concatenate([d["paths"][n] for n in kept(d) if n in d["paths"]])
    k = int(len(each) * trim)
    if k and len(each) > 2 * k:
        each = np.sort(each, axis=0)[k : len(each) - k]
    return each.mean(0)


POLICIES = {
    "engine (level in the backtest)": lambda d: combine(d, kept(d)),
    "session 9 (null five only)": lambda d: combine(d, kept(d, level=False)),
    "all candidates backtested, best five": lambda d: combine(d, kept(d, level=False, pool=100)),
    "one per family": by_family,
    "skill 1.5 x naive": lambda d: combine(d, kept(d, skill=1.5)),
    "skill 3 x naive": lambda d: combine(d, kept(d, skill=3.0)),
    "networks pooled, 20% trimmed": lambda d: networks_trimmed(d, 0.2),
}


def best_baselines() -> dict[str, tuple[str, float]]:
    """Series -> (set, median over seeds of the best baseline's multi-step RMSE)."""
    import csv

    out = {}
    for set_name, fname in RESULT_FILES.items():
        rows = list(csv.DictReader(open(RESULTS / fname)))
        for name in dict.fromkeys(r["series"] for r in rows):
            vals = []
            for r in rows:
                if r["series"] == name and not r["error"]:
                    b = [
                        float(r[f"base_ms_{k}"])
                        for k in ("naive", "seasonal_naive", "holt_winters")
                        if r[f"base_ms_{k}"]
                    ]
                    vals.append(min(b))
            if vals:
                out[name] = (set_name, float(np.median(vals)))
    return out


def _cached(path: Path) -> bool:
    """Whether ``path`` holds a series built in this :data:`CACHE_FORMAT`."""
    if not path.exists():
        return False
    try:
        with open(path, "rb") as fh:
            return pickle.load(fh).get("format") == CACHE_FORMAT
    except Exception:  # noqa: BLE001 - unreadable: build it again
        return False


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Replay representation-selection policies on cached network paths.")
    ap.add_argument("--cache", default="/tmp/lstm_lab_selection", help="where the per-series paths are kept")
    ap.add_argument("--only", default="", help="comma-separated series (default: all three sets but airline)")
    ap.add_argument("--jobs", type=int, default=1, help="processes that build missing series (1 torch thread each)")
    ap.add_argument("--build-one", default="", help=argparse.SUPPRESS)
    a = ap.parse_args(argv)
    cache = Path(a.cache)
    if a.build_one:
        build(a.build_one, cache)
        return 0
    from benchmarks.forecast_series import CSV_SERIES, FPP_SERIES, HOLDOUT_SERIES

    names = [s.strip() for s in a.only.split(",") if s.strip()] or list(CSV_SERIES + HOLDOUT_SERIES + FPP_SERIES)
    missing = [n for n in names if not _cached(cache / f"{n}.pkl")]
    running: list[tuple[str, subprocess.Popen, float]] = []
    while missing or running:
        while missing and len(running) < max(a.jobs, 1):
            n = missing.pop(0)
            cmd = [sys.executable, "-m", "benchmarks.bench_selection", "--cache", str(cache), "--build-one", n]
            running.append((n, subprocess.Popen(cmd, cwd=ROOT), time.perf_counter()))
        for item in list(running):
            n, proc, t0 = item
            if proc.poll() is not None:
                running.remove(item)
                state = "built" if proc.returncode == 0 else f"failed (exit {proc.returncode})"
                print(
                    f"[bench_selection] {n}: {state} in {time.perf_counter() - t0:.0f} s", file=sys.stderr, flush=True
                )
        time.sleep(0.2)
    base = best_baselines()
    data = {}
    for n in names:
        f = cache / f"{n}.pkl"
        if f.exists() and n in base:
            with open(f, "rb") as fh:
                data[n] = pickle.load(fh)
    ratios = {p: {} for p in POLICIES}
    for n, d in data.items():
        for p, fn in POLICIES.items():
            ratios[p][n] = float(np.sqrt(np.mean((fn(d) - d["truth"]) ** 2))) / base[n][1]
    sets = [s for s in RESULT_FILES if any(base[n][0] == s for n in data)]
    print("## Representation-selection policies replayed on cached networks (multi-step RMSE ÷ best baseline)\n")
    head = ["policy"] + [f"{s}: geo. mean / worst" for s in sets]
    print("| " + " | ".join(head) + " |\n|" + "---|" * len(head))
    for p in POLICIES:
        cells = [p]
        for s in sets:
            v = {n: r for n, r in ratios[p].items() if base[n][0] == s}
            worst = max(v, key=v.get)
            cells.append(f"{math.exp(np.mean(np.log(list(v.values())))):.3f} / {v[worst]:.2f} ({worst})")
        print("| " + " | ".join(cells) + " |")
    print(
        f"\nSeries: {len(data)} ({', '.join(f'{s} {sum(base[n][0] == s for n in data)}' for s in sets)}); "
        "one pair of networks per representation, so single policies differ from bench_forecast's medians."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
