"""The standby network on steps where every kept representation is seasonally differenced, A/B.

Since session 18 a run whose kept representations include none that is differenced gets a standby
network on the first differences for its one-step predictions (``bench_standby``). Since session
20 (``pipeline.STANDBY = "steps"``) a run gets it wherever none is differenced at lag 1: a run
whose representations are all seasonal differences (lag = the season, such as weekly CO2's three,
all at lag 52) or those and levels. A network on seasonal differences predicts the change since a
season ago, whose noise is that of two readings; one step ahead, weekly CO2's did worse than the
naive forecast. The multi-step forecast is untouched: the standby takes no part in it.

This script fits the engine's defaults (seeds 0-2) on every series of the three benchmark sets and
of the folders below, as shipped; where the run's kept representations include a seasonally
differenced one and none differenced at lag 1 (the only runs the rule changes) it fits it again as
in sessions 18-19 (``STANDBY = "difference"``), in the same process. It prints the one-step RMSE ÷
the best of the engine's baselines on the same points (naive, seasonal naive, Holt-Winters), the
one-step 90% coverage, and whether the multi-step forecast stayed the same::

    .venv/bin/python -m benchmarks.bench_steps_standby                # sets and data folders
    .venv/bin/python -m benchmarks.bench_steps_standby --set suite    # or holdout, fpp, or --csv a.csv,b.csv
"""

from __future__ import annotations

import sys
from pathlib import Path

from benchmarks.ab_runs import ab_parser, finish, fit_default, gmean, medians, named_series, score_all

ROOT = Path(__file__).resolve().parent
SETS = ("suite", "holdout", "fpp")
FOLDERS = ("range", "shift", "short", "short_outside", "short_outside2")


def _summary(run) -> dict:
    m = run.metrics
    assert m is not None and m.test is not None and m.test_multistep is not None
    sb = [mb.prep.transform.name for mb in run.members if mb.standby]
    return {
        "one_rmse": m.test.rmse,
        "one": m.test.rmse / min(b.rmse for b in m.baselines.values() if b is not None),
        "ms": m.test_multistep.rmse,
        "cov": m.coverage.one_step,
        "standby": sb[0] if sb else "",
    }


def affected(run) -> bool:
    """Whether the run's kept representations are ones that ``"steps"`` and ``"difference"`` treat
    apart: some differenced, none at lag 1."""
    lags = [m.prep.transform.lag for m in run.members if not m.one_step_only]
    return any(lags) and 1 not in lags


def score(task: tuple) -> dict:
    """A default run of one series and seed as shipped, and, where the rule changes it, as in
    sessions 18-19."""
    from lstm_core import pipeline
    from lstm_core.config import ConfigError

    name, frame, season, seed = task
    try:
        run = fit_default(frame, season, seed)
    except ConfigError as exc:  # a series too short for the defaults: named under the table
        return {"name": name, "seed": seed, "error": str(exc)}
    out: dict = {"name": name, "seed": seed, "n": len(frame), "affected": affected(run), "with": _summary(run)}
    if out["affected"]:
        out["before"] = _summary(fit_default(frame, season, seed, pipeline, "STANDBY", "difference"))
    return out


def main(argv: list[str] | None = None) -> int:
    args = ab_parser(__doc__).parse_args(argv)
    groups: list[tuple[str, list]] = []
    if args.set or args.csv:
        series, what = named_series(args.set, args.csv)
        groups.append((what, series))
    else:
        for s in SETS:
            groups.append((f"{s} set", named_series(s, keep=lambda n, f: n != "AirPassengers")[0]))
        for folder in FOLDERS:
            groups.append((f"data/{folder}/", named_series(default_dir=ROOT / "data" / folder)[0]))
    every = [s for _, ss in groups for s in ss]
    rows = score_all(score, every, args.seeds.split(","), args.processes)
    lines = [
        f"## The standby network on steps where no kept representation is differenced at lag 1: seeds {args.seeds} "
        "(medians); one-step RMSE ÷ the best engine baseline on the same points",
        "",
        "Only the runs the rule changes are fitted twice (kept representations: some differenced, none at "
        "lag 1); a series is listed where any seed's run was such.",
        "",
        "| group | series | N | runs changed | one-step before | now | now ÷ before (RMSE) | one-step 90% coverage "
        "before | now | multi-step RMSE unchanged |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    ratios: dict[str, list[float]] = {}
    for what, series in groups:
        for name, _, _ in series:
            rs, med = medians([r for r in rows if "error" not in r], name)
            hit = [r for r in rs if r["affected"]]
            if not hit:
                continue
            # a seed whose run the rule left alone counts as unchanged
            for r in rs:
                r.setdefault("before", r["with"])
            ratio = med("with", "one_rmse") / med("before", "one_rmse")
            if not name.startswith("synthetic"):
                ratios.setdefault(what, []).append(ratio)
            same = all(r["before"]["ms"] == r["with"]["ms"] for r in rs)
            lines.append(
                f"| {what} | {name} | {rs[0]['n']} | {len(hit)} of {len(rs)} | {med('before', 'one'):.3f} | "
                f"{med('with', 'one'):.3f} | {ratio:.3f} | {med('before', 'cov'):.2f} | "
                f"{med('with', 'cov'):.2f} | {'yes' if same else 'NO'} |"
            )
    lines += ["", "| group | series changed | of | one-step RMSE now ÷ before, geometric mean |", "|---|---|---|---|"]
    for what, series in groups:
        v = ratios.get(what, [])
        lines.append(
            f"| {what} | {len(v)} | {len(series)} | {gmean(v):.3f} |" if v else f"| {what} | 0 | {len(series)} | — |"
        )
    return finish(lines, rows, args.md)


if __name__ == "__main__":
    sys.exit(main())
