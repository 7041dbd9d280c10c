"""Tables for display: a run's metrics next to the baselines', with readable headings.

Pure pandas (no plotting, no Streamlit), so the pages, the CLI and notebooks can share them.
"""

from __future__ import annotations

import pandas as pd

from .results import RunMetrics, Scores

#: Column heading of each metric key of :data:`lstm_core.metrics.METRIC_NAMES`, in table order.
METRIC_COLUMNS = {"rmse": "RMSE", "mae": "MAE", "mape": "MAPE %", "smape": "sMAPE %", "mase": "MASE"}
#: Row name of each baseline key of :data:`lstm_core.baselines.BASELINE_NAMES` (the verdict names
#: them alike: :data:`lstm_core.verdict.BASELINE_LABELS`).
BASELINE_ROWS = {"naive": "Naive (last value)", "seasonal_naive": "Seasonal naive", "holt_winters": "Holt-Winters"}


def metrics_frame(metrics: RunMetrics) -> pd.DataFrame:
    """Model next to the baselines on the same test points, original units.

    Rows: one-step model and baselines, then multi-step model and baselines; columns
    ``evaluation``, ``model`` and the metric headings. Missing metrics are left out.
    """
    rows = []

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
        add("one-step", BASELINE_ROWS.get(k, k), m)
    add("multi-step", f"{cell} (this run)", metrics.test_multistep)
    for k, m in metrics.baselines_multistep.items():
        add("multi-step", BASELINE_ROWS.get(k, k), m)
    return pd.DataFrame(rows, columns=["evaluation", "model", *METRIC_COLUMNS.values()])
