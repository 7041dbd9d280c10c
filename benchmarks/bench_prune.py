"""Pruning the kept representations by the backtest's mean forecast (``strategy.PRUNE``), A/B.

Where the backtest ranks, the engine keeps the best five representations that pass its screens and
averages their networks' forecasts. This script fits the engine's defaults on every series of the
three benchmark sets and the data folders (``benchmarks/data``) whose backtest ranks, seeds 0-2,
as shipped and with :func:`lstm_core.strategy.prune` (a member whose absence lowers the RMSE of
the others' mean backtest forecast by over 3% is left out, one at a time, at least two staying),
and prints multi-step and one-step RMSE ÷ the best of the engine's baselines on the same points,
geometric means by group, medians over seeds::

    .venv/bin/python -m benchmarks.bench_prune
    .venv/bin/python -m benchmarks.bench_prune --set holdout --seeds 0
"""

from __future__ import annotations

import sys

from benchmarks.ab_runs import ab_parser, finish, fit_default, gmean, grouped_series, medians, named_series, score_all


def ranks(name: str, frame) -> bool:
    """Whether the defaults' backtest ranks representations on this series."""
    from lstm_core.config import RunConfig
    from lstm_core.strategy import can_rank

    d = RunConfig().data
    return can_rank(len(frame), d.val_fraction, d.test_fraction)


def score(task: tuple) -> dict:
    """Two default runs of one series and seed: as shipped, then pruned."""
    from lstm_core import strategy
    from lstm_core.config import ConfigError

    name, frame, season, seed = task
    out: dict = {"name": name, "seed": seed}
    for key, on in (("shipped", False), ("pruned", True)):
        try:
            run = fit_default(frame, season, seed, strategy, "PRUNE", on)
        except ConfigError as exc:
            return {"name": name, "seed": seed, "error": str(exc)}
        m = run.metrics
        out[key] = {
            "ms": m.test_multistep.rmse / min(b.rmse for b in m.baselines_multistep.values() if b is not None),
            "one": m.test.rmse / min(b.rmse for b in m.baselines.values() if b is not None),
            "cov": m.coverage.multistep,
            "members": len(run.combination.path_members),
        }
    return out


def main(argv: list[str] | None = None) -> int:
    args = ab_parser(__doc__).parse_args(argv)
    seeds = args.seeds.split(",")
    if args.set or args.csv:
        groups = [(args.set or "csv", named_series(args.set, args.csv, keep=ranks)[0])]
    else:
        groups = grouped_series(keep=ranks)
    lines = [
        f"## Pruned by the backtest's mean forecast: seeds {args.seeds} (medians); RMSE ÷ the best engine baseline",
        "",
        "| group | series | multi-step shipped | pruned | one-step shipped | pruned |",
        "|---|---|---|---|---|---|",
    ]
    detail = [
        "",
        "| series | multi-step shipped (members) | pruned (members) | cov shipped | pruned |",
        "|---|---|---|---|---|",
    ]
    all_rows = []
    for group, series in groups:
        rows = score_all(score, series, seeds, args.processes)
        all_rows += rows
        g = {k: [] for k in ("ms_shipped", "ms_pruned", "one_shipped", "one_pruned")}
        for name, _, _ in series:
            rs, med = medians([r for r in rows if "error" not in r], name)
            if not rs:
                continue
            for k in ("shipped", "pruned"):
                g[f"ms_{k}"].append(med(k, "ms"))
                g[f"one_{k}"].append(med(k, "one"))
            detail.append(
                f"| {name} | {med('shipped', 'ms'):.3f} ({rs[0]['shipped']['members']}) | "
                f"{med('pruned', 'ms'):.3f} ({rs[0]['pruned']['members']}) | "
                f"{med('shipped', 'cov'):.2f} | {med('pruned', 'cov'):.2f} |"
            )
        if g["ms_shipped"]:
            lines.append(
                f"| {group} | {len(g['ms_shipped'])} | "
                + " | ".join(f"{gmean(g[k]):.3f}" for k in ("ms_shipped", "ms_pruned", "one_shipped", "one_pruned"))
                + " |"
            )
            print(lines[-1], flush=True)
    return finish(lines + detail, all_rows, args.md)


if __name__ == "__main__":
    sys.exit(main())
