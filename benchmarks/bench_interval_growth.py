"""How the multi-step band grows past its calibrated horizons (``pipeline.INTERVAL_GROWTH``; measured, the
square root kept: ``benchmarks/results/bench_interval_growth.md``).

The widths are calibrated for at most ``pipeline.MAX_CALIBRATED_STEPS`` steps. Past them they grew
like the square root of the horizon (a random walk's errors); ``"fitted"`` grows them like
``k ** b``, b fitted on the calibrated widths' second half and held between 0 and 0.5.

Each series whose test span is longer than its calibrated horizons is fitted once with the engine's
defaults (seeds as given); both arms are evaluated on the same networks, so they differ only in
the band past the calibrated horizons. Per arm: the test span's 90% coverage, and the band's
half-width far ahead (three times the series' length past its end) in data ranges.

    .venv/bin/python -m benchmarks.bench_interval_growth                 # five sets, seeds 0-2
    .venv/bin/python -m benchmarks.bench_interval_growth --sets suite --seeds 0
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from benchmarks.bench_member_oracle import fit
from benchmarks.bench_path_range import emit, set_series

ARMS = ("sqrt", "fitted")


def scores(run) -> dict:
    """Per arm: the test span's multi-step coverage and the far band's half-width ÷ the data's range."""
    from lstm_core.pipeline import evaluate, growth_exponent

    y = run.prep.y
    span = float(np.ptp(y)) or 1.0
    row: dict = {"b": growth_exponent(run.conformal_q), "calibrated": len(run.conformal_q)}
    for arm in ARMS:
        run.interval_growth = arm
        run.attach(evaluate(run))
        far = run.future(3 * len(y)).iloc[-1]
        row[("cov", arm)] = run.metrics.coverage.multistep
        row[("far", arm)] = float(far["upper"] - far["lower"]) / 2 / span
    return row


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sets", default="suite,holdout,fpp,outside5,outside6")
    ap.add_argument("--seeds", default="0,1,2")
    ap.add_argument("--md", default="", help="also write the table to this file")
    a = ap.parse_args(argv)
    from lstm_core.pipeline import MAX_CALIBRATED_STEPS

    seeds = [int(s) for s in a.seeds.split(",")]
    t0 = time.perf_counter()
    lines = [
        "| set | series | test points | calibrated | b | coverage sqrt | coverage fitted | far half-width sqrt | fitted |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    cov: dict[str, list[float]] = {arm: [] for arm in ARMS}
    for set_name in a.sets.split(","):
        for series in set_series(set_name):
            n = len(series.frame)
            if n - int(n * 2 / 3) <= MAX_CALIBRATED_STEPS:  # roughly: the test span fits the calibration
                continue
            rows = []
            for seed in seeds:
                run = fit(series, seed)
                if n - run.prep.test_start <= len(run.conformal_q):
                    break
                rows.append(scores(run))
                print(f"{set_name} {series.name} seed {seed}: {rows[-1]}", flush=True)
            if not rows:
                continue
            med = {k: float(np.median([r[k] for r in rows])) for k in rows[0]}
            for arm in ARMS:
                cov[arm].append(med[("cov", arm)])
            lines.append(
                f"| {set_name} | {series.name} | {n - run.prep.test_start} | {med['calibrated']:.0f} | {med['b']:.2f} | "
                f"{med[('cov', 'sqrt')]:.2f} | {med[('cov', 'fitted')]:.2f} | {med[('far', 'sqrt')]:.3g} | "
                f"{med[('far', 'fitted')]:.3g} |"
            )
    lines.append(
        f"| all | {len(cov['sqrt'])} series | | | | median {np.median(cov['sqrt']):.2f} | "
        f"median {np.median(cov['fitted']):.2f} | | |"
    )
    return emit(
        [
            f"## Band growth past the calibrated horizons: the same fits, two rules (engine defaults, seeds {a.seeds})",
            "",
            "Series whose test span is longer than the calibrated horizons. Coverage: share of the test span inside "
            "the 90% band (medians over seeds). Far half-width: the band's half-width three times the series' length "
            "past its end, in data ranges. b: the fitted exponent.",
            "",
            *lines,
        ],
        t0,
        a.md,
    )


if __name__ == "__main__":
    raise SystemExit(main())
