"""One-step networks for the candidates a ranking backtest trained and the run left out
(``pipeline.RANKED_ONE_STEP``), A/B.

Where the backtest ranks representations (113 points and more with the default split), it trains
a network for each shortlisted candidate and keeps those whose multi-step forecasts did well
enough; a level representation that scored far behind the best, or one anchored on the last value
that did not help the others' mean, is left out of the forecast. One step ahead such a network may
still be the best (a network anchored on the last value learns what departs from the naive
forecast). This script fits the engine's defaults on every such series of the three benchmark sets
and the data folders (``benchmarks/data``), seeds 0-2, without and with one one-output network for
each candidate left out (:func:`lstm_core.pipeline.ranked_left_out`; weighed by their errors so far
like the others, no part in the forecast ahead), and prints one-step RMSE ÷ the best of the engine's
baselines on the same points and one-step 90% coverage, geometric means by group, medians over
seeds::

    .venv/bin/python -m benchmarks.bench_ranked_one_step
    .venv/bin/python -m benchmarks.bench_ranked_one_step --set suite --seeds 0
"""

from __future__ import annotations

import sys

from benchmarks.bench_last_one_step import ranked, short_series_ab


def main(argv: list[str] | None = None) -> int:
    return short_series_ab(
        argv, __doc__, "RANKED_ONE_STEP", "One-step networks for the candidates left out", keep=ranked, kind="ranked"
    )


if __name__ == "__main__":
    sys.exit(main())
