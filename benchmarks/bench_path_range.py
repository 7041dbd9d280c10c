"""A/B of the multi-step path range guard (``combine.PATHS``: ``"ranged"`` against ``"guarded"``).

Each series and seed is fitted once with the engine's defaults (``fit_run``, as bench_forecast
does), then evaluated once per arm on the same networks: ``guarded`` (every path member's path
averaged, the runs before session 36) and ``ranged G`` (a level member whose window at the origin
lies more than G of its training range past that range is left out of that origin's paths,
``combine.PATH_RANGE_GUARD``). The arms differ only in which members' paths make the multi-step
forecast, so the comparison carries no training noise.

Two figures per set. The test span, forecast from its start: RMSE ÷ the best of the engine's
baselines (naive, seasonal naive, Holt-Winters) on the same points, and the 90% band's coverage.
The forecast past the end of the data, which the test-span forecast only stands in for: each
series is fitted without its last h points (h = two seasons, at least 12 steps, at most a fifth
of the series; its test span is the one scored above), and ``run.future(h)`` is scored on the
points cut off, ÷ the best of the naive and seasonal naive forecasts from the same end.

    .venv/bin/python -m benchmarks.bench_path_range                      # five sets, seeds 0-2
    .venv/bin/python -m benchmarks.bench_path_range --sets suite --seeds 0 --guards 0.1,0.5
"""

from __future__ import annotations

import argparse
import math
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
BASELINES = ("naive", "seasonal_naive", "holt_winters")


def set_series(name: str):
    """The benchmark set's series (bench_forecast's ``--set``)."""
    from benchmarks.bench_forecast import FOLDER_SETS
    from benchmarks.forecast_series import CSV_SERIES, FPP_SERIES, HOLDOUT_SERIES, folder_series, load_series

    if name in FOLDER_SETS:
        return folder_series(ROOT / "benchmarks" / "data" / name)
    names = {"holdout": HOLDOUT_SERIES, "fpp": FPP_SERIES}.get(name, CSV_SERIES)
    return load_series(names=names, airline=name == "suite")


def _rmse(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.sqrt(np.mean((np.asarray(a, float) - np.asarray(b, float)) ** 2)))


def cut_fit(series, seed: int):
    """``(run, h)``: the series fitted with the engine's defaults without its last h points, or None
    where fewer than 40 would be left."""
    from lstm_core.config import RunConfig
    from lstm_core.data import Series
    from lstm_core.pipeline import fit_run

    frame = series.frame
    h = min(max(2 * (series.season_hint or 1), 12), len(frame) // 5)
    if len(frame) - h < 40:
        return None
    cfg = RunConfig()
    cfg.train.seed = seed
    return fit_run(Series(frame.iloc[:-h].copy(), season=series.season_hint), cfg), h


def use(run, arm: str) -> None:
    """Set ``run`` (and the engine's guard share) to combine its paths as ``arm`` says."""
    from lstm_core import combine

    mode, _, share = arm.partition(" ")
    run.paths = mode
    if share:
        combine.PATH_RANGE_GUARD = float(share)


def scores(series, run, h: int, arms: list[str]) -> dict:
    """Per arm: the test span's multi-step RMSE ÷ best baseline and its coverage, and the forecast
    ahead's RMSE on the h points cut off ÷ the best of naive and seasonal naive from that end;
    ``hit``: whether the last arm left a member out at the test part's start, ``hit_end`` at the end."""
    from lstm_core.pipeline import evaluate

    y = series.frame.iloc[:, 0].to_numpy(dtype=float)
    truth, past = y[-h:], y[:-h]
    season = run.prep.season or 1
    bases = [_rmse(truth, np.full(h, past[-1]))]
    if season > 1 and len(past) >= season:
        bases.append(_rmse(truth, np.resize(past[-season:], h)))
    row: dict = {}
    for arm in arms:
        use(run, arm)
        run.attach(evaluate(run))
        m = run.metrics
        best = min(m.baselines_multistep[b].rmse for b in BASELINES if m.baselines_multistep.get(b) is not None)
        row[("span", arm)] = m.test_multistep.rmse / best
        row[("cov", arm)] = m.coverage.multistep
        row[("ahead", arm)] = _rmse(truth, run.future(h)["forecast"].to_numpy()) / min(bases)
    row["hit"] = run.combination.paths_out_of_range(np.array([run.prep.test_start])) is not None
    row["hit_end"] = run.combination.paths_out_of_range(np.array([run.prep.n])) is not None
    return row


def emit(lines: list[str], t0: float, md: str) -> int:
    """Print a benchmark's table ``lines`` with its total time since ``t0``, and write them to ``md``
    when given; the exit status."""
    text = "\n".join([*lines, "", f"Total {time.perf_counter() - t0:.0f} s."])
    print(text)
    if md:
        Path(md).write_text(text + "\n")
    return 0


def gmean(v: list[float]) -> float:
    v = [x for x in v if x is not None and math.isfinite(x) and x > 0]
    return float(np.exp(np.mean(np.log(v)))) if v else float("nan")


def per_series(rows: list[dict], names: list[str], key) -> dict[str, float]:
    """Median over seeds of ``row[key]`` per series."""
    return {n: float(np.median([r[key] for r, s in zip(rows, names) if s == n])) for n in sorted(set(names))}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sets", default="suite,holdout,fpp,outside5,outside6")
    ap.add_argument("--seeds", default="0,1,2")
    ap.add_argument("--only", default="", help="comma-separated series names")
    ap.add_argument("--guards", default="0.1,0.25,0.5", help="shares of ``ranged`` arms (PATH_RANGE_GUARD)")
    ap.add_argument("--md", default="", help="also write the tables to this file")
    a = ap.parse_args(argv)
    seeds = [int(s) for s in a.seeds.split(",")]
    only = {s for s in a.only.split(",") if s}
    arms = ["guarded", *(f"ranged {g}" for g in a.guards.split(","))]
    head = "| set | fits | measure | " + " | ".join(arms) + " |"
    table = [head, "|" + "---|" * (3 + len(arms))]
    detail = []
    t0 = time.perf_counter()
    for set_name in a.sets.split(","):
        rows, names = [], []
        for series in set_series(set_name):
            if only and series.name not in only:
                continue
            for seed in seeds:
                try:
                    cut = cut_fit(series, seed)
                    if cut is None:
                        continue
                    r = scores(series, *cut, arms)
                except Exception as exc:  # noqa: BLE001 - a line per failure, the set goes on
                    print(f"{set_name} {series.name} seed {seed}: {type(exc).__name__}: {exc}", flush=True)
                    continue
                rows.append(r)
                names.append(series.name)
                moved = any(
                    not math.isclose(r[(k, arm)], r[(k, "guarded")], rel_tol=1e-9)
                    for k in ("span", "ahead")
                    for arm in arms
                )
                line = " | ".join(f"{r[('span', arm)]:.3f} / {r[('ahead', arm)]:.3f}" for arm in arms)
                print(f"{set_name} {series.name} seed {seed}: {line}", flush=True)
                if moved:
                    detail.append(f"| {set_name} | {series.name} | {seed} | {line} |")
        if not rows:
            continue
        for key, words in (("span", "test span ÷ best baseline"), ("ahead", "ahead ÷ best naive")):
            per = {arm: per_series(rows, names, (key, arm)) for arm in arms}
            table.append(
                f"| {set_name} | {len(rows)} | {words}, geo. mean | "
                + " | ".join(f"{gmean(list(per[arm].values())):.3f}" for arm in arms)
                + " |"
            )
            table.append(
                f"| | | {words}, max | "
                + " | ".join(f"{max(per[arm].values()):.3f} ({max(per[arm], key=per[arm].get)})" for arm in arms)
                + " |"
            )
        cov = {arm: list(per_series(rows, names, ("cov", arm)).values()) for arm in arms}
        table.append(
            "| | | test span 90% coverage, median / lowest | "
            + " | ".join(f"{np.median(cov[arm]):.2f} / {min(cov[arm]):.2f}" for arm in arms)
            + " |"
        )
        hits = sum(r["hit"] for r in rows), sum(r["hit_end"] for r in rows)
        table.append(
            f"| | | fits with a member left out at the test start / the end ({arms[-1]}) | {hits[0]} / {hits[1]} |"
        )
    return emit(
        [
            "## Multi-step path range guard: the same fits, paths combined per arm (engine defaults, "
            f"seeds {a.seeds}, each series without its last h points)",
            "",
            *table,
            "",
            "Test span: the shortened series' test span forecast from its start, RMSE ÷ the best of naive,"
            " seasonal naive and Holt-Winters on the same points. Ahead: `run.future(h)` scored on the h points"
            " cut off ÷ the best of naive and seasonal naive from the same end (h: two seasons, at least 12, at"
            " most a fifth of the series). Medians over seeds, then geometric mean and max over series.",
            "",
            "| set | series | seed | " + " | ".join(f"{arm}: span / ahead" for arm in arms) + " |",
            "|" + "---|" * (3 + len(arms)),
            *detail,
        ],
        t0,
        a.md,
    )


if __name__ == "__main__":
    raise SystemExit(main())
