"""Representations anchored on each window's smoothed level (ES-RNN's normalisation), A/B.

A network on the values less their window's mean outputs zeros for "the window's mean ahead",
one anchored on its last value for "the last value ahead" (the naive forecast). Anchored on the
window's exponentially weighted mean (:attr:`lstm_core.prep.Transform.window_alpha`), zeros mean
"the level simple exponential smoothing sees ahead", with the smoothing weight that forecast the
training part best one step ahead (:func:`lstm_core.strategy.smoothing_alpha`); ES-RNN (Smyl
2020) normalises its windows by such a level. This script fits the engine's defaults on every
series of the three benchmark sets and the data folders (``benchmarks/data``), seeds 0-2, with
:data:`lstm_core.strategy.SMOOTH_ANCHOR` ``off`` (no such candidate, as shipped), ``candidates``
(ranked by their null forecasts with the others) and ``combo`` (where the backtest ranks, the best
one joins the shortlist and stays where it improves the mean of the kept candidates' backtest
forecasts), and prints multi-step and one-step RMSE ÷ the best of
the engine's baselines on the same points (naive, seasonal naive, Holt-Winters; the issue's
measure), geometric means by group, medians over seeds, and the multi-step seed spread::

    .venv/bin/python -m benchmarks.bench_smooth_anchor
    .venv/bin/python -m benchmarks.bench_smooth_anchor --set holdout --seeds 0
"""

from __future__ import annotations

import sys

from benchmarks.ab_runs import ab_parser, asked_groups, finish, fit_default, gmean, medians, score_all

ARMS = ("off", "candidates", "combo")


def score(task: tuple) -> dict:
    """One default run per arm of :data:`ARMS` for one series and seed."""
    from lstm_core import strategy
    from lstm_core.config import ConfigError

    name, frame, season, seed = task
    out: dict = {"name": name, "seed": seed, "n": len(frame)}
    for arm in ARMS:
        try:
            run = fit_default(frame, season, seed, strategy, "SMOOTH_ANCHOR", arm)
        except ConfigError as exc:
            return {"name": name, "seed": seed, "error": str(exc)}
        m = run.metrics
        base_ms = min(b.rmse for b in m.baselines_multistep.values() if b is not None)
        base_one = min(b.rmse for b in m.baselines.values() if b is not None)
        out[arm] = {
            "ms": m.test_multistep.rmse / base_ms,
            "one": m.test.rmse / base_one,
            "cov": m.coverage.multistep,
            "smooth": sum(1 for mb in run.combination.path_members if mb.prep.transform.window_alpha),
            "ms_rmse": m.test_multistep.rmse,
            "members": len(run.combination.path_members),
        }
    return out


def main(argv: list[str] | None = None) -> int:
    args = ab_parser(__doc__).parse_args(argv)
    seeds = args.seeds.split(",")
    lines = [
        f"## Smoothed-level anchor: seeds {args.seeds} (medians); RMSE ÷ the best engine baseline on the same points",
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
        + " | ".join(f"multi {a} (smoothed/members)" for a in ARMS)
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
                + " | ".join(f"{med(a, 'ms'):.3f} ({rs[0][a]['smooth']}/{rs[0][a]['members']})" for a in ARMS)
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
