"""Representations anchored on each window's trend line (Holt's linear method's idea), A/B.

A network on the values less their window's mean outputs zeros for "the window's mean ahead";
one anchored on its window's least-squares line instead (:attr:`lstm_core.prep.Transform.window_trend`)
outputs zeros for "the window's trend carried on", the forecast Holt's linear method makes from a
smoothed level and slope, and learns what departs from it. This script fits the engine's defaults
on every series of the three benchmark sets and of every data folder (``benchmarks/data``), seeds
0-2, with :data:`lstm_core.strategy.TREND_ANCHOR` set to each of ``off`` (no such candidate),
``combo`` (the best-ranked one backtested where the backtest ranks, kept where it improves the mean
of the kept candidates' backtest forecasts) and ``candidates`` (ranked by their null forecasts with
the others), and prints multi-step and one-step RMSE ÷ the best of the engine's baselines on the
same points (naive, seasonal naive, Holt-Winters; the issue's measure), geometric means by group,
medians over seeds::

    .venv/bin/python -m benchmarks.bench_trend_anchor
    .venv/bin/python -m benchmarks.bench_trend_anchor --set holdout --seeds 0
"""

from __future__ import annotations

import sys

from benchmarks.ab_runs import ab_parser, arms_table, strategy_arms

ARMS = ("off", "combo", "candidates")


def score(task: tuple) -> dict:
    """One default run per arm of :data:`ARMS` for one series and seed."""
    return strategy_arms(task, "TREND_ANCHOR", ARMS, lambda tr: tr.window_trend)


def main(argv: list[str] | None = None) -> int:
    args = ab_parser(__doc__).parse_args(argv)
    return arms_table(args, ARMS, score, "Trend-line anchor", "trend")


if __name__ == "__main__":
    sys.exit(main())
