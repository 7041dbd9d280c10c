"""Representations anchored on each window's last value (NLinear's normalisation), A/B.

A network on the values less their window's mean outputs zeros for "the window's mean ahead",
one on first differences for "the training part's mean step ahead". Anchored on the window's last
value instead (:attr:`lstm_core.prep.Transform.window_last`), zeros mean "the last value ahead",
the naive forecast, and the network learns what departs from it at each horizon directly (no
steps summed, so no drift carried from the training part). NLinear (Zeng et al. 2023) subtracts
the last value this way. This script fits the engine's defaults on every series of the three
benchmark sets and the data folders (``benchmarks/data``), seeds 0-2, with
:data:`lstm_core.strategy.LAST_ANCHOR` set to each of ``off`` (no such candidate), ``candidates``
(ranked by their null forecasts with the others) and ``shortlist`` (the best-ranked one always
backtested), and prints multi-step and one-step RMSE ÷ the best of the engine's baselines on the
same points (naive, seasonal naive, Holt-Winters; the issue's measure), geometric means by group,
medians over seeds::

    .venv/bin/python -m benchmarks.bench_last_anchor
    .venv/bin/python -m benchmarks.bench_last_anchor --set holdout --seeds 0
"""

from __future__ import annotations

import sys

from benchmarks.ab_runs import ab_parser, asked_groups, finish, fit_default, gmean, medians, score_all

ARMS = ("off", "combo")


def score(task: tuple) -> dict:
    """One default run per arm of :data:`ARMS` for one series and seed."""
    from lstm_core import strategy
    from lstm_core.config import ConfigError

    name, frame, season, seed = task
    out: dict = {"name": name, "seed": seed, "n": len(frame)}
    for arm in ARMS:
        try:
            run = fit_default(frame, season, seed, strategy, "LAST_ANCHOR", arm)
        except ConfigError as exc:
            return {"name": name, "seed": seed, "error": str(exc)}
        m = run.metrics
        base_ms = min(b.rmse for b in m.baselines_multistep.values() if b is not None)
        base_one = min(b.rmse for b in m.baselines.values() if b is not None)
        out[arm] = {
            "ms": m.test_multistep.rmse / base_ms,
            "one": m.test.rmse / base_one,
            "cov": m.coverage.multistep,
            "last": sum(1 for mb in run.combination.path_members if mb.prep.transform.window_last),
            "members": len(run.combination.path_members),
        }
    return out


def main(argv: list[str] | None = None) -> int:
    args = ab_parser(__doc__).parse_args(argv)
    seeds = args.seeds.split(",")
    lines = [
        f"## Last-value anchor: seeds {args.seeds} (medians); RMSE ÷ the best engine baseline on the same points",
        "",
        "| group | series | "
        + " | ".join(f"multi-step {a}" for a in ARMS)
        + " | "
        + " | ".join(f"one-step {a}" for a in ARMS)
        + " |",
        "|---|---|" + "---|" * (2 * len(ARMS)),
    ]
    detail = [
        "",
        "| series | "
        + " | ".join(f"multi {a} (last/members)" for a in ARMS)
        + " | "
        + " | ".join(f"one-step {a}" for a in ARMS)
        + " |",
        "|---|" + "---|" * (2 * len(ARMS)),
    ]
    all_rows = []
    for group, series in asked_groups(args):
        rows = score_all(score, series, seeds, args.processes)
        all_rows += rows
        ms = {a: [] for a in ARMS}
        one = {a: [] for a in ARMS}
        for name, _, _ in series:
            rs, med = medians([r for r in rows if "error" not in r], name)
            if not rs:
                continue
            for a in ARMS:
                ms[a].append(med(a, "ms"))
                one[a].append(med(a, "one"))
            detail.append(
                f"| {name} | "
                + " | ".join(f"{med(a, 'ms'):.3f} ({rs[0][a]['last']}/{rs[0][a]['members']})" for a in ARMS)
                + " | "
                + " | ".join(f"{med(a, 'one'):.3f}" for a in ARMS)
                + " |"
            )
        lines.append(
            f"| {group} | {len(ms['off'])} | "
            + " | ".join(f"{gmean(ms[a]):.3f}" for a in ARMS)
            + " | "
            + " | ".join(f"{gmean(one[a]):.3f}" for a in ARMS)
            + " |"
        )
        print(lines[-1], flush=True)
    return finish(lines + detail, all_rows, args.md)


if __name__ == "__main__":
    sys.exit(main())
