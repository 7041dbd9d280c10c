"""More networks on series past 1,000 points within a training budget, A/B.

Past ``TrainConfig.AUTO_ENSEMBLE_POINTS`` (1,000) a default run trains 3 networks, so that a
2,284-point weekly series trains in under 20 s; with three representations kept each has one
network, and a member's forecast is one seed's (the exchange-rate returns of
``data/outside5/MarkPound``: seed spread of the multi-step RMSE 1.33, its network on the values
less their window's mean drifting off in one seed). ``TrainConfig.LONG_NETWORK_POINTS`` spreads the
training cost of 10 networks on 1,000 points over longer series instead (networks x points within
it, at least 3). This script fits the engine's defaults on every series of the three sets and the
data folders longer than 1,000 points, seeds 0-2, with the budget at 0 (3 networks, as shipped)
and at 10,000, and prints multi-step and one-step RMSE ÷ the best of the engine's baselines on the
same points, the seed spread of the multi-step RMSE (max ÷ min) and the training seconds::

    .venv/bin/python -m benchmarks.bench_long_networks
"""

from __future__ import annotations

import sys

import numpy as np

from benchmarks.ab_runs import ab_parser, asked_groups, baseline_ratios, finish, fit_default, gmean, medians, score_all

ARMS = (0, 10_000)


def score(task: tuple) -> dict:
    """One default run per budget of :data:`ARMS` for one series and seed."""
    from lstm_core.config import TrainConfig

    name, frame, season, seed = task
    out: dict = {"name": name, "seed": seed, "n": len(frame)}
    for arm in ARMS:
        run = fit_default(frame, season, seed, TrainConfig, "LONG_NETWORK_POINTS", arm)
        ms, one = baseline_ratios(run.metrics)
        out[str(arm)] = {
            "ms": ms,
            "one": one,
            "rmse": run.metrics.test_multistep.rmse,
            "nets": sum(mb.networks for mb in run.combination.path_members),
            "s": sum(f.seconds for f in run.members_fit),
        }
    return out


def main(argv: list[str] | None = None) -> int:
    args = ab_parser(__doc__).parse_args(argv)
    seeds = args.seeds.split(",")
    arms = [str(a) for a in ARMS]
    lines = [
        f"## Networks on series past 1,000 points: budget 0 (3 networks) against {ARMS[1]:,} points x networks; "
        f"seeds {args.seeds} (medians); RMSE ÷ the best engine baseline on the same points",
        "",
        "| series | N | networks | multi-step | | one-step | | seed spread | | training s | |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    all_rows, ms, one = [], {a: [] for a in arms}, {a: [] for a in arms}
    for _, series in asked_groups(args):
        series = [s for s in series if len(s[1]) > 1000]
        if not series:
            continue
        rows = score_all(score, series, seeds, args.processes)
        all_rows += rows
        for name, frame, _ in series:
            rs, med = medians(rows, name)
            spread = {a: max(r[a]["rmse"] for r in rs) / min(r[a]["rmse"] for r in rs) for a in arms}
            for a in arms:
                ms[a].append(med(a, "ms"))
                one[a].append(med(a, "one"))
            lines.append(
                f"| {name} | {len(frame)} | {rs[0][arms[0]]['nets']} → {rs[0][arms[1]]['nets']} | "
                + " | ".join(f"{med(a, 'ms'):.3f}" for a in arms)
                + " | "
                + " | ".join(f"{med(a, 'one'):.3f}" for a in arms)
                + " | "
                + " | ".join(f"{spread[a]:.3f}" for a in arms)
                + " | "
                + " | ".join(f"{float(np.median([r[a]['s'] for r in rs])):.1f}" for a in arms)
                + " |"
            )
            print(lines[-1], flush=True)
    lines.append(
        f"| geometric mean | | | {gmean(ms[arms[0]]):.3f} | {gmean(ms[arms[1]]):.3f} | "
        f"{gmean(one[arms[0]]):.3f} | {gmean(one[arms[1]]):.3f} | | | | |"
    )
    return finish(lines, all_rows, args.md)


if __name__ == "__main__":
    sys.exit(main())
