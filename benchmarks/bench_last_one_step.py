"""One-step networks anchored on the last value for short series (``pipeline.LAST_ONE_STEP``), A/B.

On a series too short for the backtest to rank representations (under 113 points with the default
split), the kept representations each get networks of one output beside those of a season of
outputs, and their one-step predictions are weighed by their errors so far. This script fits the
engine's defaults on every such series of the three benchmark sets and the data folders
(``benchmarks/data``), seeds 0-2, without and with two more one-step networks on the best
representation's logs and seasonal profile anchored on each window's last value
(:func:`lstm_core.pipeline.last_value_one_step`; they take no part in the forecast ahead), and
prints one-step RMSE ÷ the best of the engine's baselines on the same points and one-step 90%
coverage, geometric means by group, medians over seeds::

    .venv/bin/python -m benchmarks.bench_last_one_step
    .venv/bin/python -m benchmarks.bench_last_one_step --set fpp --seeds 0
"""

from __future__ import annotations

import sys
from functools import partial

from benchmarks.ab_runs import ab_parser, finish, fit_default, gmean, grouped_series, medians, named_series, score_all


def short(name: str, frame) -> bool:
    """Whether the defaults' backtest cannot rank representations on this series."""
    from lstm_core.config import RunConfig
    from lstm_core.strategy import can_rank

    d = RunConfig().data
    return not can_rank(len(frame), d.val_fraction, d.test_fraction)


def score(task: tuple, attr: str = "LAST_ONE_STEP") -> dict:
    """Two default runs of one series and seed: without, then with the one-step networks that
    ``pipeline.<attr>`` turns on (default: the last-value ones)."""
    from lstm_core import pipeline
    from lstm_core.config import ConfigError

    name, frame, season, seed = task
    out: dict = {"name": name, "seed": seed}
    for key, on in (("before", False), ("with", True)):
        try:
            run = fit_default(frame, season, seed, pipeline, attr, on)
        except ConfigError as exc:
            return {"name": name, "seed": seed, "error": str(exc)}
        m = run.metrics
        base = min(b.rmse for b in m.baselines.values() if b is not None)
        out[key] = {"one": m.test.rmse / base, "cov": m.coverage.one_step, "ms": m.test_multistep.rmse}
    return out


def main(argv: list[str] | None = None) -> int:
    return short_series_ab(argv, __doc__, "LAST_ONE_STEP", "Last-value one-step networks")


def ranked(name: str, frame) -> bool:
    """Whether the defaults' backtest ranks representations on this series."""
    return not short(name, frame)


def short_series_ab(argv: list[str] | None, doc: str, attr: str, what: str, keep=short, kind: str = "short") -> int:
    """The A/B of ``pipeline.<attr>`` off and on over the series a command line (``doc``'s,
    :func:`benchmarks.ab_runs.ab_parser`) asks for that ``keep`` (default: the short ones, ``kind``
    names them in the heading); ``what`` heads the table."""
    args = ab_parser(doc).parse_args(argv)
    seeds = args.seeds.split(",")
    if args.set or args.csv:
        groups = [(args.set or "csv", [s for s in named_series(args.set, args.csv, keep=keep)[0]])]
    else:
        groups = grouped_series(keep=keep)
    lines = [
        f"## {what} on {kind} series: seeds {args.seeds} (medians); "
        "one-step RMSE ÷ the best engine baseline on the same points",
        "",
        "| group | series | one-step before | with | coverage before | with | runs whose multi-step RMSE moved |",
        "|---|---|---|---|---|---|---|",
    ]
    detail = ["", "| series | one-step before | with | coverage before | with |", "|---|---|---|---|---|"]
    all_rows = []
    for group, series in groups:
        rows = score_all(partial(score, attr=attr), series, seeds, args.processes)
        all_rows += rows
        before, after, cb, ca = [], [], [], []
        moved = 0
        for name, _, _ in series:
            rs, med = medians([r for r in rows if "error" not in r], name)
            if not rs:
                continue
            moved += sum(r["before"]["ms"] != r["with"]["ms"] for r in rs)  # the forecast ahead: untouched
            before.append(med("before", "one"))
            after.append(med("with", "one"))
            cb.append(med("before", "cov"))
            ca.append(med("with", "cov"))
            detail.append(f"| {name} | {before[-1]:.3f} | {after[-1]:.3f} | {cb[-1]:.2f} | {ca[-1]:.2f} |")
        if before:
            lines.append(
                f"| {group} | {len(before)} | {gmean(before):.3f} | {gmean(after):.3f} | "
                f"{sorted(cb)[len(cb) // 2]:.2f} | {sorted(ca)[len(ca) // 2]:.2f} | {moved} |"
            )
            print(lines[-1], flush=True)
    return finish(lines + detail, all_rows, args.md)


if __name__ == "__main__":
    sys.exit(main())
