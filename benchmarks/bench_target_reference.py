"""How hard issue 10's accuracy targets are: every forecaster scored by the issue's measures.

The issue's multi-step measure divides each series' RMSE by the best of naive, seasonal naive and
Holt-Winters *on that series* (chosen after seeing the test span), takes the geometric mean over
a set (target ≤ 1.0) and the largest ratio (target ≤ 1.5). This script scores the engine and each
statsforecast model (AutoETS, AutoARIMA, AutoTheta, fitted once on the data before the test part;
a benchmark-only peer) by that same measure, from the saved per-seed tables of
``benchmarks/bench_forecast.py`` (no model is fitted here; rerun that script to refresh them)::

    .venv/bin/python -m benchmarks.bench_target_reference

The one-step measure (one-step RMSE ÷ the best statsforecast model's, target ≤ 1.0) is applied the
same way. Rows per set, then the held-out sets pooled: the geometric mean of the ratio, the largest
ratio and how many series exceed 1.5.
"best statsforecast" picks, per series, the best of the three after seeing the test span, as the
baselines' row does; it is a reference, not a forecaster anyone could run.
"""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

import pandas as pd

from benchmarks.bench_forecast import (
    DEFAULT_CSV,
    FPP_CSV,
    HOLDOUT_CSV,
    OUTSIDE5_CSV,
    OUTSIDE6_CSV,
    OUTSIDE7_CSV,
    PEER_MODELS,
    ROOT,
)
from benchmarks.report import emit

#: Saved per-seed tables of ``bench_forecast`` by set name (its ``--set`` names; ``suite``: the default).
SETS = {
    "suite": DEFAULT_CSV,
    "holdout": HOLDOUT_CSV,
    "fpp": FPP_CSV,
    "outside5": OUTSIDE5_CSV,
    "outside6": OUTSIDE6_CSV,
    "outside7": OUTSIDE7_CSV,
}
BASELINE_COLUMNS = ("base_ms_naive", "base_ms_seasonal_naive", "base_ms_holt_winters")
#: The sets no engine setting was chosen on, pooled in the last rows.
HELD_OUT = ("holdout", "fpp", "outside5", "outside6", "outside7")
#: The issue's ceiling on any one series' ratio.
WORST = 1.5


def series_medians(csv: Path) -> pd.DataFrame:
    """Medians over seeds, one row per series, of the runs that finished."""
    rows = pd.read_csv(csv)
    rows = rows[rows["error"].isna()]
    return rows.groupby("series").median(numeric_only=True)


def ratios(medians: pd.DataFrame, measure: str = "multi") -> dict[str, pd.Series]:
    """Each forecaster's RMSE ÷ the issue's reference on each series, by forecaster name.

    ``multi``: multi-step RMSE ÷ the best baseline (with the best statsforecast model per series
    as a forecaster too); ``one``: one-step RMSE ÷ the best statsforecast model's."""
    step = "ms" if measure == "multi" else "one"
    peers = {name: medians[f"peer_{name}_{step}_rmse"] for name in PEER_MODELS}
    best_peer = pd.concat(list(peers.values()), axis=1).min(axis=1)
    reference = medians[list(BASELINE_COLUMNS)].min(axis=1) if measure == "multi" else best_peer
    out = {"engine (defaults)": medians[f"{step}_rmse"] / reference}
    out.update({name: rmse / reference for name, rmse in peers.items()})
    if measure == "multi":
        out["best statsforecast (per series)"] = best_peer / reference
    return out


def summary(ratio: pd.Series) -> tuple[float, float, int]:
    """(geometric mean, largest ratio, series above :data:`WORST`) over the series that have one."""
    r = ratio.dropna()
    r = r[r > 0]
    return float(math.exp(r.map(math.log).mean())), float(r.max()), int((r > WORST).sum())


def _rows(sets: dict[str, Path], measure: str) -> list[str]:
    """One table row per set and forecaster, then the held-out sets pooled series by series."""
    lines, pooled = [], {}
    for name, file in sets.items():
        medians = series_medians(file)
        for who, ratio in ratios(medians, measure).items():
            gm, worst, over = summary(ratio)
            lines.append(f"| {name} | {len(medians)} | {who} | {gm:.3f} | {worst:.2f} | {over} |")
            if name in HELD_OUT:
                pooled.setdefault(who, []).append(ratio)
    held = [s for s in HELD_OUT if s in sets]
    for who, parts in pooled.items() if len(held) > 1 else ():
        gm, worst, over = summary(pd.concat(parts))
        n = sum(len(p) for p in parts)
        lines.append(f"| held-out pooled ({', '.join(held)}) | {n} | {who} | {gm:.3f} | {worst:.2f} | {over} |")
    return lines


def report(sets: dict[str, Path]) -> str:
    """The markdown tables over ``sets`` (name -> saved per-seed CSV)."""
    head = "| set | series | forecaster | geo. mean ÷ {} | largest | series > 1.5 |\n|---|---|---|---|---|---|"
    lines = [
        "## The issue's measures applied to every forecaster (saved tables, medians over seeds)",
        "",
        "### Multi-step RMSE ÷ the best of naive, seasonal naive and Holt-Winters (target ≤ 1.0, none > 1.5)",
        "",
        head.format("best baseline"),
        *_rows(sets, "multi"),
        "",
        "### One-step RMSE ÷ the best statsforecast model (target ≤ 1.0)",
        "",
        head.format("best statsforecast"),
        *_rows(sets, "one"),
        "",
        "Best baseline: the lowest multi-step RMSE of naive, seasonal naive and Holt-Winters on each "
        "series' test span; best statsforecast: the lowest of AutoETS, AutoARIMA and AutoTheta on each "
        "series (both picked after seeing the test span, as the issue's measures pick them). "
        "Figures from the saved per-seed tables of `benchmarks/bench_forecast.py`.",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--set", choices=sorted(SETS), action="append", help="only these sets (repeatable)")
    parser.add_argument("--md", default="", help="also write the table to this markdown file")
    args = parser.parse_args(argv)
    chosen = {k: SETS[k] for k in (args.set or SETS)}
    missing = [f for f in chosen.values() if not f.exists()]
    if missing:
        where = missing[0].relative_to(ROOT) if missing[0].is_relative_to(ROOT) else missing[0]
        print(f"error: no saved table {where}; run benchmarks.bench_forecast for that set first", file=sys.stderr)
        return 2
    emit(report(chosen), args.md)
    return 0


if __name__ == "__main__":
    sys.exit(main())
