"""Tables for display: a run's metrics next to the baselines', with readable headings.

Pure pandas (no plotting, no Streamlit), so the pages, the CLI and notebooks can share them.
"""

from __future__ import annotations

import pandas as pd

from .results import RunMetrics, Scores
from .verdict import label

#: Column heading of each metric key of :data:`lstm_core.metrics.METRIC_NAMES`, in table order.
METRIC_COLUMNS = {"rmse": "RMSE", "mae": "MAE", "mape": "MAPE %", "smape": "sMAPE %", "mase": "MASE"}
#: Row name of each baseline key of :data:`lstm_core.baselines.BASELINE_NAMES` (the verdict names
#: them alike: :data:`lstm_core.verdict.BASELINE_LABELS`).
BASELINE_ROWS = {"naive": "Naive (last value)", "seasonal_naive": "Seasonal naive", "holt_winters": "Holt-Winters"}
#: What MASE is divided by, as :func:`lstm_core.pipeline._metrics` computes it: the seasonal naive
#: forecast's in-sample error over every point before the test part (training and validation), not
#: the training part alone (the pages said "over the training part": monthly departures, 30.4 there
#: and 34.4 before the test part).
MASE_SCALE = (
    "the mean absolute error of the seasonal naive forecast (the naive one where there is no season) "
    "over the data before the test part, training and validation"
)
#: A tooltip for each metric heading of :data:`METRIC_COLUMNS`: how the number shown is computed.
METRIC_HELP = {
    "RMSE": "Root mean squared error on the test points, in the series' units",
    "MAE": "Mean absolute error on the test points, in the series' units",
    "MAPE %": "Mean absolute percentage error, 100 × mean(|error| / |actual|)",
    "sMAPE %": "Symmetric MAPE, 200 × mean(|error| / (|actual| + |forecast|)), from 0 to 200",
    "MASE": f"Mean absolute scaled error: MAE divided by {MASE_SCALE}; below 1 beats that in-sample error",
}


#: Said where :func:`metrics_frame` leaves the seasonal naive rows out (:func:`seasonal_naive_is_naive`).
NO_SEASON = "Seasonal naive is left out: this series has no season, so it is the naive forecast, row for row."


def seasonal_naive_is_naive(metrics: RunMetrics) -> bool:
    """Whether the seasonal naive baseline is the naive one: the series has no season (the baseline
    then repeats the last value, :func:`lstm_core.baselines.seasonal_naive_forecast`) and both scored
    alike one step ahead and over the test span. Its row beside the naive one read as a second,
    seasonal, reference: US census population every ten years showed "Seasonal naive 19.57" under
    "Naive (last value) 19.57", and 66.1 under 66.1."""
    if (metrics.info.season or 0) >= 2:
        return False
    pairs = [(metrics.baselines, k) for k in ("naive", "seasonal_naive")]
    pairs += [(metrics.baselines_multistep, k) for k in ("naive", "seasonal_naive")]
    one, seasonal_one, multi, seasonal_multi = (table.get(k) for table, k in pairs)
    return seasonal_one is not None and seasonal_one == one and seasonal_multi == multi


def metrics_frame(metrics: RunMetrics) -> pd.DataFrame:
    """Model next to the baselines on the same test points, original units.

    Rows: one-step model and baselines, then multi-step model and baselines; columns
    ``evaluation``, ``model`` and the metric headings. Missing metrics are left out, and so are the
    seasonal naive rows where they are the naive ones (:func:`seasonal_naive_is_naive`: say
    :data:`NO_SEASON` beside the table). The Holt-Winters rows are named for what was fitted
    (:func:`lstm_core.verdict.holt_winters_name`: Holt's linear trend on a series without a season).
    """
    rows = []
    skip = {"seasonal_naive"} if seasonal_naive_is_naive(metrics) else set()

    def add(evaluation: str, name: str, m: Scores | None) -> None:
        if m is not None:
            values = {label: getattr(m, k) for k, label in METRIC_COLUMNS.items()}
            rows.append(
                {
                    "evaluation": evaluation,
                    "model": name,
                    **{label: float(v) for label, v in values.items() if v is not None},
                }
            )

    cell = (metrics.info.cell or "model").upper()
    add("one-step", f"{cell} (this run)", metrics.test)
    for k, m in metrics.baselines.items():
        if k not in skip:
            add("one-step", label(k, metrics) if k in BASELINE_ROWS else k, m)
    add("multi-step", f"{cell} (this run)", metrics.test_multistep)
    for k, m in metrics.baselines_multistep.items():
        if k not in skip:
            add("multi-step", label(k, metrics) if k in BASELINE_ROWS else k, m)
    return pd.DataFrame(rows, columns=["evaluation", "model", *METRIC_COLUMNS.values()])
