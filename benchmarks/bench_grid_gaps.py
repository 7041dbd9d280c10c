"""Timestamps missing from a regular grid: added as missing values and filled, or left out as rows.

A weekly file with gaps can leave a missing week out in two ways: a row with an empty value, which
the loader fills (interpolation by default), or no row at all. Until session 25 the loader kept the
second kind out, so the networks, the seasonal profiles and seasonal naive counted a season of 52
*rows*, which after each gap is no longer 52 weeks. Since session 25 the missing timestamps of a
mostly regular grid come back as missing values and are filled like empty cells (missing-value
policy ``drop`` keeps the old way).

For every seasonal series of the three benchmark sets this script leaves out 5% of the rows at
random (never the first or last; seed 0), plus weekly CO2 with its own 59 missing weeks left out,
loads the file both ways (``load_csv`` as shipped, and with ``missing="drop"``: as before), fits
the engine's defaults on each (seeds 0-2), and scores both on the same points: the test-part
timestamps the file really has, in both test parts. Multi-step and one-step RMSE, filled ÷ left
out (medians over seeds, geometric means over series)::

    .venv/bin/python -m benchmarks.bench_grid_gaps
    .venv/bin/python -m benchmarks.bench_grid_gaps --set suite --seeds 0
"""

from __future__ import annotations

import sys

import numpy as np
import pandas as pd

from benchmarks.ab_runs import ab_parser, finish, fit_default, gmean, named_series, score_all
from benchmarks.forecast_series import SERIES_DIR

SETS = ("suite", "holdout", "fpp")
SHARE = 0.05  # of the rows left out


def gappy(frame: pd.DataFrame, seed: int = 0) -> pd.DataFrame:
    """``frame`` (filled) less ``SHARE`` of its rows at random, never the first or the last."""
    rng = np.random.default_rng(seed)
    drop = rng.random(len(frame)) < SHARE
    drop[0] = drop[-1] = False
    return frame[~drop]


def cases(sets: tuple[str, ...]) -> list[tuple[str, bytes, int | None]]:
    """``(name, CSV bytes, calendar season)`` of every seasonal series with rows left out."""
    from lstm_core.data import frame_to_csv_bytes

    out = []
    for set_name in sets:
        for name, frame, season in named_series(set_name)[0]:
            if season is None or name == "AirPassengers" or not isinstance(frame.index, pd.DatetimeIndex):
                continue
            filled = frame.interpolate(limit_area="inside").ffill().bfill()
            out.append((f"{name} (5% left out)", frame_to_csv_bytes(gappy(filled)), season))
            if name == "co2_weekly":  # its own missing weeks (empty cells in the shipped file), as rows left out
                own = pd.read_csv(SERIES_DIR / "co2_weekly.csv").dropna()
                out.append(
                    (f"{name} (its {len(frame) - len(own)} weeks left out)", own.to_csv(index=False).encode(), season)
                )
    return out


def _rmse(pred: pd.DataFrame, times: pd.Index, column: str) -> float:
    p = pred.set_index("time").loc[times]
    return float(np.sqrt(np.mean((p["actual"] - p[column]) ** 2)))


def score(task: tuple) -> dict:
    """Default runs on the file loaded both ways, scored on the test timestamps it has in both."""
    from lstm_core.config import ConfigError
    from lstm_core.data import load_csv

    name, raw, season, seed = task
    observed = pd.DatetimeIndex(load_csv(raw, missing="drop").frame.index)
    preds = {}
    for arm, policy in (("filled", "interpolate"), ("rows", "drop")):
        loaded = load_csv(raw, missing=policy)
        try:
            run = fit_default(loaded.frame, loaded.series.season or season, seed)
        except ConfigError as exc:
            return {"name": name, "seed": seed, "error": str(exc)}
        p = run.predictions.copy()
        p["time"] = pd.to_datetime(p["time"])
        preds[arm] = p
    common = None
    for p in preds.values():
        t = pd.DatetimeIndex(p.loc[p["part"] == "test", "time"])
        common = t if common is None else common.intersection(t)
    common = common.intersection(observed)
    out: dict = {"name": name, "seed": seed, "points": len(common)}
    for arm, p in preds.items():
        out[arm] = {"ms": _rmse(p, common, "multistep"), "one": _rmse(p, common, "one_step")}
    return out


def main(argv: list[str] | None = None) -> int:
    args = ab_parser(__doc__).parse_args(argv)
    sets = (args.set,) if args.set else SETS
    tasks = cases(sets)
    rows = score_all(score, tasks, args.seeds.split(","), args.processes)
    lines = [
        f"## Timestamps missing from the grid: filled ÷ left out as rows, seeds {args.seeds} "
        "(RMSE on the test timestamps the file has; medians over seeds)",
        "",
        "| series | points scored | multi-step left out | filled | ÷ | one-step left out | filled | ÷ |",
        "|---|---|---|---|---|---|---|---|",
    ]
    ms, one = [], []
    for name, _, _ in tasks:
        rs = [r for r in rows if r["name"] == name and "error" not in r]
        if not rs:
            continue
        med = {f"{k}_{a}": float(np.median([r[a][k] for r in rs])) for k in ("ms", "one") for a in ("rows", "filled")}
        ms.append(med["ms_filled"] / med["ms_rows"])
        one.append(med["one_filled"] / med["one_rows"])
        lines.append(
            f"| {name} | {rs[0]['points']} | {med['ms_rows']:.4g} | {med['ms_filled']:.4g} | {ms[-1]:.3f} | "
            f"{med['one_rows']:.4g} | {med['one_filled']:.4g} | {one[-1]:.3f} |"
        )
    lines.append(f"| geometric mean ({len(ms)} files) | | | | {gmean(ms):.3f} | | | {gmean(one):.3f} |")
    return finish(lines, rows, args.md)


if __name__ == "__main__":
    sys.exit(main())
