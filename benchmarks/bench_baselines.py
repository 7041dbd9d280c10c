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
from lstm_core.metrics import compute_metrics

# Box & Jenkins airline passengers, monthly 1949-1960 (thousands); fixed here so the
# benchmark does not depend on the data loader.
AIRLINE = np.array(
    [112, 118, 132, 129, 121, 135, 148, 148, 136, 119, 104, 118,
     115, 126, 141, 135, 125, 149, 170, 170, 158, 133, 114, 140,
     145, 150, 178, 163, 172, 178, 199, 199, 184, 162, 146, 166,
     171, 180, 193, 181, 183, 218, 230, 242, 209, 191, 172, 194,
     196, 196, 236, 235, 229, 243, 264, 272, 237, 211, 180, 201,
     204, 188, 235, 227, 234, 264, 302, 293, 259, 229, 203, 229,
     242, 233, 267, 269, 270, 315, 364, 347, 312, 274, 237, 278,
     284, 277, 317, 313, 318, 374, 413, 405, 355, 306, 271, 306,
     315, 301, 356, 348, 355, 422, 465, 467, 404, 347, 305, 336,
     340, 318, 362, 348, 363, 435, 491, 505, 404, 359, 310, 337,
     360, 342, 406, 396, 420, 472, 548, 559, 463, 407, 362, 405,
     417, 391, 419, 461, 472, 535, 622, 606, 508, 461, 390, 432],
    dtype=float,
)
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
        print(f"| {name} | {m1['rmse']:.1f} | {m1['mae']:.1f} | {m1['mase']:.3f} "
              f"| {mh['rmse']:.1f} | {mh['mae']:.1f} |")
    print()
    for name in BASELINE_NAMES:
        print(f"- {name}: one-step = {one[name].description}; multi-step = {multi[name].description}")


if __name__ == "__main__":
    main()
