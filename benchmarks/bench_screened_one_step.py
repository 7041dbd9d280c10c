"""One-step networks for the candidates the screen leaves out on short series
(``pipeline.SCREENED_ONE_STEP``), A/B.

On a series too short for the backtest to rank representations (under 113 points with the default
split), the null ranking orders the shortlist and the backtest's networks only screen: a candidate
whose network missed the multi-step forecast by over 1.5x the best one's (or 2x the naive
forecasts') is left out of the forecast (``strategy.screen``). Its network was trained on a few
dozen points, and a representation the screen leaves out may still be the one that predicts one
step ahead best: fpp2's souvenir sales lost its only log representation so, and one step ahead
scored 2.5x Holt-Winters' error with networks on the values alone. This script fits the engine's
defaults on every such series of the three benchmark sets and the data folders
(``benchmarks/data``), seeds 0-2, without and with one-step networks for each candidate the screen
left out (:func:`lstm_core.pipeline.screened_one_step`; they are weighed by their errors so far like
the others and take no part in the forecast ahead), and prints one-step RMSE ÷ the best of the
engine's baselines on the same points and one-step 90% coverage, geometric means by group, medians
over seeds::

    .venv/bin/python -m benchmarks.bench_screened_one_step
    .venv/bin/python -m benchmarks.bench_screened_one_step --set fpp --seeds 0
"""

from __future__ import annotations

import sys

from benchmarks.bench_last_one_step import short_series_ab


def main(argv: list[str] | None = None) -> int:
    return short_series_ab(argv, __doc__, "SCREENED_ONE_STEP", "One-step networks for the screened-out candidates")


if __name__ == "__main__":
    sys.exit(main())
