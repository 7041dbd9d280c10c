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

from benchmarks.ab_runs import ab_parser, arms_table, strategy_arms

ARMS = ("off", "candidates", "combo")


def score(task: tuple) -> dict:
    """One default run per arm of :data:`ARMS` for one series and seed."""
    return strategy_arms(task, "SMOOTH_ANCHOR", ARMS, lambda tr: bool(tr.window_alpha))


def main(argv: list[str] | None = None) -> int:
    args = ab_parser(__doc__).parse_args(argv)
    return arms_table(args, ARMS, score, "Smoothed-level anchor", "smoothed")


if __name__ == "__main__":
    sys.exit(main())
