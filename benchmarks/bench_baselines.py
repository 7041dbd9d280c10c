"""Accuracy of the baselines on the airline passengers series (the reference LSTMs must beat).

Train = first 96 points (``int(144 * 0.67)``), test = indices 96..143 (48 points), season 12.
One-step: each test point predicted from the true history before it; Holt-Winters
parameters fitted on the training part and held fixed. Multi-step: one 48-step forecast
from index 96. MASE uses the in-sample seasonal-naive (lag 12) MAE of the training part.
Measured on these machines: one-step RMSE naive 48.0, seasonal naive 41.9,
Holt-Winters 17.2; Holt-Winters 48-step RMSE 31.4.

Run: ``python -m benchmarks.bench_baselines``
"""

from __future__ import annotations

import numpy as np

from lstm_core.baselines import BASELINE_NAMES, multistep_baselines, one_step_baselines
from lstm_core.data import load_airline
from lstm_core.metrics import compute_metrics

# Box & Jenkins airline passengers, monthly 1949-1960 (thousands), bundled with the engine.
AIRLINE = load_airline().iloc[:, 0].to_numpy(dtype=float)
SEASON = 12


def main() -> None:
    """Print a markdown table of one-step and 48-step test metrics for each baseline."""
    train_end = int(AIRLINE.size * 0.67)
    idx = np.arange(train_end, AIRLINE.size)
    y_test, y_train = AIRLINE[idx], AIRLINE[:train_end]
    one = one_step_baselines(AIRLINE, idx, train_end, SEASON)
    multi = multistep_baselines(AIRLINE, train_end, idx.size, train_end, SEASON)
    print(f"airline passengers: train {train_end} points, test {idx.size} points, season {SEASON}\n")
    print(f"| baseline | 1-step RMSE | 1-step MAE | 1-step MASE | {idx.size}-step RMSE | {idx.size}-step MAE |")
    print("|---|---:|---:|---:|---:|---:|")
    for name in BASELINE_NAMES:
        m1 = compute_metrics(y_test, one[name].predictions, y_train, SEASON)
        mh = compute_metrics(y_test, multi[name].predictions, y_train, SEASON)
        print(
            f"| {name} | {m1['rmse']:.1f} | {m1['mae']:.1f} | {m1['mase']:.3f} | {mh['rmse']:.1f} | {mh['mae']:.1f} |"
        )
    print()
    for name in BASELINE_NAMES:
        print(f"- {name}: one-step = {one[name].description}; multi-step = {multi[name].description}")


if __name__ == "__main__":
    main()
