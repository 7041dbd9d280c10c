"""The calendar's season tested against the data (``lstm_core.prep.CALENDAR_SEASON_P``), A/B:
default runs that take the time index's season as given (as before) and runs that drop it where the
training part shows none.

A dated series gets its season from the calendar: 4 for quarterly data, 12 monthly, 52 weekly.
That prior finds the season of noisy weekly data, but a seasonally adjusted series (real GDP,
consumer prices, unemployment), a stock index or a monthly sunspot count has none, and the season
then shapes everything downstream: seasonal representations, differences at the season's lag,
a season of outputs per window, the seasonal naive and Holt-Winters baselines. Since this change
the season is dropped (and detected from the data as for an undated series) where a one-way
analysis of variance of the training part's detrended values by phase gives p above 0.05
(:func:`lstm_core.prep.season_in_data`).

Only the series whose season the test drops are fitted (on every other series the run is the same
by construction: the test is the only change); each twice per seed, in one process. Printed:
multi-step and one-step RMSE over the test part with the season dropped ÷ with it (the same
points), each arm's multi-step and one-step RMSE ÷ its own best engine baseline (the issue's
measure; the baselines change with the season), and the 90% multi-step coverage::

    .venv/bin/python -m benchmarks.bench_calendar_season                 # every set and data folder
    .venv/bin/python -m benchmarks.bench_calendar_season --set holdout   # or suite, fpp, --csv a.csv
"""

from __future__ import annotations

import sys

from benchmarks.ab_runs import ab_parser, asked_groups, finish, fit_default, gmean, medians, score_all


def dropped(frame, season) -> bool:
    """Whether a default run drops this series' calendar season (the engine's own test)."""
    from lstm_core.config import DataConfig
    from lstm_core.prep import season_in_data, split_points

    if not season:
        return False
    cfg = DataConfig()
    y = frame.select_dtypes("number").iloc[:, -1].to_numpy(dtype=float)
    train_end, _ = split_points(len(y), cfg.val_fraction, cfg.test_fraction)
    return not season_in_data(y[:train_end], season)


def score(task: tuple) -> dict:
    """Two default runs of one series and seed: the calendar's season taken, then tested."""
    from lstm_core import prep as prep_module

    name, frame, season, seed = task
    out: dict = {"name": name, "seed": seed, "n": len(frame), "calendar": season}
    for key, p in (("taken", 1.0), ("tested", prep_module.CALENDAR_SEASON_P)):
        run = fit_default(frame, season, seed, prep_module, "CALENDAR_SEASON_P", p)
        m = run.metrics
        assert m is not None and m.test is not None and m.test_multistep is not None
        out[key] = {
            "ms_rmse": m.test_multistep.rmse,
            "one_rmse": m.test.rmse,
            "ms": m.test_multistep.rmse / min(b.rmse for b in m.baselines_multistep.values() if b is not None),
            "one": m.test.rmse / min(b.rmse for b in m.baselines.values() if b is not None),
            "cov": m.coverage.multistep,
            "season": run.prep.season or 0,
        }
    return out


def main(argv: list[str] | None = None) -> int:
    args = ab_parser(__doc__).parse_args(argv)
    seeds = args.seeds.split(",")
    lines = [
        f"## Calendar season tested: seeds {args.seeds} (medians), the series whose season the test drops",
        "",
        "| group | series | N | season: calendar → tested | multi-step RMSE tested ÷ taken | one-step | "
        "multi-step ÷ best baseline, taken | tested | one-step ÷ best baseline, taken | tested | "
        "multi-step 90% coverage, taken | tested |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    summary, all_rows = [], []
    for what, series in asked_groups(args):
        series = [s for s in series if dropped(s[1], s[2])]
        if not series:
            continue
        rows = score_all(score, series, seeds, args.processes)
        all_rows += rows
        ratios: dict[str, list[float]] = {"ms": [], "one": [], "ms_t": [], "ms_k": []}
        for name, _, _ in series:
            rs, med = medians(rows, name)
            ms = gmean([r["tested"]["ms_rmse"] / r["taken"]["ms_rmse"] for r in rs])
            one = gmean([r["tested"]["one_rmse"] / r["taken"]["one_rmse"] for r in rs])
            ratios["ms"].append(ms)
            ratios["one"].append(one)
            ratios["ms_k"].append(med("taken", "ms"))
            ratios["ms_t"].append(med("tested", "ms"))
            lines.append(
                f"| {what} | {name} | {rs[0]['n']} | {rs[0]['calendar']} → {rs[0]['tested']['season'] or '—'} | "
                f"{ms:.3f} | {one:.3f} | {med('taken', 'ms'):.3f} | {med('tested', 'ms'):.3f} | "
                f"{med('taken', 'one'):.3f} | {med('tested', 'one'):.3f} | {med('taken', 'cov'):.2f} | "
                f"{med('tested', 'cov'):.2f} |"
            )
        summary.append(
            f"| {what} | {len(series)} | {gmean(ratios['ms']):.3f} | {gmean(ratios['one']):.3f} | "
            f"{gmean(ratios['ms_k']):.3f} | {gmean(ratios['ms_t']):.3f} |"
        )
    lines += [
        "",
        "Geometric means by group (RMSE ratios: geometric means over seeds, then series):",
        "",
        "| group | series | multi-step RMSE tested ÷ taken | one-step | multi-step ÷ best baseline, taken | tested |",
        "|---|---|---|---|---|---|",
        *summary,
    ]
    return finish(lines, all_rows, args.md)


if __name__ == "__main__":
    sys.exit(main())
