"""Coverage of the baselines' bands ahead (``Run.baseline_future``'s lower and upper).

Where the verdict tells to prefer a baseline for the forecast ahead, the page draws that baseline
beside the model and offers its forecast as a download, with a 90% band
(``pipeline.baseline_widths``: per horizon, the conformal quantile of the baseline's errors from up
to 60 origins it never fitted on). This measures how often those bands hold what came next.

Each series of the benchmark sets is cut short by its last h points (h = two seasons, at least 12,
at most a fifth of the series, as ``bench_path_range`` cuts them). On what is left, with the
engine's split (test part the last third), each baseline's band is calibrated as a run would, its
forecast made from the cut, and the share of the h points cut off inside the band is counted.
No network is trained; seeds play no part.

    .venv/bin/python -m benchmarks.bench_baseline_bands                 # the six sets
    .venv/bin/python -m benchmarks.bench_baseline_bands --sets suite,fpp
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from benchmarks.bench_path_range import BASELINES, set_series

SETS = ("suite", "holdout", "fpp", "outside5", "outside6", "outside7")


def coverage(y: np.ndarray, season: int | None, name: str) -> float | None:
    """Share of ``y``'s last h points inside baseline ``name``'s band made from the points before
    them (None where the series is too short or the band has no errors to calibrate on)."""
    from lstm_core import forecast as fc
    from lstm_core.baselines import multistep_forecast
    from lstm_core.config import RunConfig
    from lstm_core.pipeline import baseline_widths, widths
    from lstm_core.prep import split_points

    n = len(y)
    h = min(max(2 * (season or 1), 12), n // 5)
    hist = y[: n - h]
    if len(hist) < 40:
        return None
    d = RunConfig().data
    _, ts = split_points(len(hist), d.val_fraction, d.test_fraction)
    q = baseline_widths(hist, hist, ts, season, name)
    if q is None:
        return None
    f = multistep_forecast(name, y, len(hist), h, ts, season)
    w = widths(q, h, "sqrt")
    lower, upper = fc.within_reach(hist, f, f - w, f + w)
    if fc.never_negative(hist):
        lower, upper = np.maximum(lower, 0.0), np.maximum(upper, 0.0)
    truth = y[n - h :]
    return float(np.mean((truth >= lower) & (truth <= upper)))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sets", default=",".join(SETS), help="comma-separated benchmark sets")
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    print("| set | baseline | series | median coverage | lowest | series under 0.70 |")
    print("|---|---|---|---|---|---|")
    pooled: dict[str, list[float]] = {b: [] for b in BASELINES}
    for set_name in args.sets.split(","):
        series = set_series(set_name)
        for b in BASELINES:
            covs = [
                c
                for s in series
                if (c := coverage(s.frame["value"].to_numpy(dtype=np.float64), s.season_hint, b)) is not None
            ]
            pooled[b] += covs
            if covs:
                low = sum(c < 0.7 for c in covs)
                print(f"| {set_name} | {b} | {len(covs)} | {np.median(covs):.2f} | {min(covs):.2f} | {low} |")
    for b, covs in pooled.items():
        if covs:
            low = sum(c < 0.7 for c in covs)
            print(f"| all | {b} | {len(covs)} | {np.median(covs):.2f} | {min(covs):.2f} | {low} |")
    print(f"\n90% bands, the h points past each cut. {time.perf_counter() - t0:.0f} s.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
