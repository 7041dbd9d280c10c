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

from benchmarks.ab_runs import ab_parser, arms_table, strategy_arms

ARMS = ("off", "combo")


def score(task: tuple) -> dict:
    """One default run per arm of :data:`ARMS` for one series and seed."""
    return strategy_arms(task, "LAST_ANCHOR", ARMS, lambda tr: tr.window_last)


def main(argv: list[str] | None = None) -> int:
    args = ab_parser(__doc__).parse_args(argv)
    return arms_table(args, ARMS, score, "Last-value anchor", "last")


if __name__ == "__main__":
    sys.exit(main())
