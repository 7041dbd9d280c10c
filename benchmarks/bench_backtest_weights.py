"""The backtest's errors weighed by horizon instead of pooled, A/B.

The backtest (:func:`lstm_core.strategy.backtest`) forecasts from every origin between its cut-off
and the test part, up to its span ahead, and ranks the candidate representations by the RMSE of all
those forecasts pooled: a horizon of k steps is scored from span - k origins, so one step ahead
weighs span times as much as the last step. The test span's multi-step RMSE, forecast from one
origin, weighs its every step alike. This script fits the engine's defaults on every series of the
three benchmark sets and of every data folder (``benchmarks/data``), seeds 0-2, with
:data:`lstm_core.strategy.BACKTEST_WEIGHTS` set to ``pooled`` (every origin-horizon pair alike) and
``horizons`` (each horizon's mean squared error alike: the backtest's ranking, damping, combination
check and naive reference alike), and prints multi-step and one-step RMSE ÷ the best of the engine's
baselines on the same points (naive, seasonal naive, Holt-Winters; the issue's measure), geometric
means by group, medians over seeds; the count is the forecast's differenced members::

    .venv/bin/python -m benchmarks.bench_backtest_weights
    .venv/bin/python -m benchmarks.bench_backtest_weights --set holdout --seeds 0
"""

from __future__ import annotations

import sys

from benchmarks.ab_runs import ab_parser, arms_table, strategy_arms

ARMS = ("pooled", "horizons")


def score(task: tuple) -> dict:
    """One default run per arm of :data:`ARMS` for one series and seed."""
    return strategy_arms(task, "BACKTEST_WEIGHTS", ARMS, lambda tr: "difference" in tr.name)


def main(argv: list[str] | None = None) -> int:
    args = ab_parser(__doc__).parse_args(argv)
    return arms_table(args, ARMS, score, "Backtest errors weighed by horizon", "differenced")


if __name__ == "__main__":
    sys.exit(main())
