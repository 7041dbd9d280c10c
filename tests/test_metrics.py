"""Known-answer tests for lstm_core.metrics (all values worked out by hand)."""

import math

import numpy as np
import pytest

from lstm_core.metrics import METRIC_NAMES, compute_metrics, mae, mape, mase, rmse, smape

Y = np.array([1.0, 2.0, 4.0])
YHAT = np.array([2.0, 2.0, 1.0])  # errors -1, 0, 3


def test_rmse_known_answer():
    assert rmse(Y, YHAT) == pytest.approx(math.sqrt((1 + 0 + 9) / 3))


def test_mae_known_answer():
    assert mae(Y, YHAT) == pytest.approx(4 / 3)


def test_mape_known_answer():
    # 100 * mean(1/1, 0/2, 3/4)
    assert mape(Y, YHAT) == pytest.approx(100 * (1 + 0 + 0.75) / 3)


def test_mape_is_none_with_a_zero_in_y():
    assert mape([0.0, 1.0], [1.0, 1.0]) is None


def test_smape_known_answer():
    # 200 * mean(1/3, 0/4, 3/5)
    assert smape(Y, YHAT) == pytest.approx(200 * (1 / 3 + 0 + 3 / 5) / 3)


def test_smape_counts_both_zero_as_zero_and_is_bounded():
    assert smape([0.0, 0.0], [0.0, 0.0]) == 0.0
    assert smape([0.0, 1.0], [0.0, 1.0]) == 0.0
    assert smape([1.0, -1.0], [-1.0, 1.0]) == pytest.approx(200.0)


def test_mase_lag_one_known_answer():
    y_train = np.array([1.0, 3.0, 2.0, 5.0])  # |diffs| 2, 1, 3 -> scale 2
    assert mase(Y, YHAT, y_train) == pytest.approx((4 / 3) / 2)


def test_mase_uses_the_seasonal_lag():
    y_train = np.array([1.0, 2.0, 4.0, 3.0, 7.0])  # lag-2 |diffs| 3, 1, 3 -> scale 7/3
    assert mase(Y, YHAT, y_train, season=2) == pytest.approx((4 / 3) / (7 / 3))


def test_mase_falls_back_to_lag_one_when_train_is_shorter_than_a_season():
    y_train = np.array([1.0, 3.0, 2.0, 5.0])  # 4 < 12 + 1: lag 1, scale 2
    assert mase(Y, YHAT, y_train, season=12) == pytest.approx(mase(Y, YHAT, y_train, season=1))


def test_mase_is_none_when_the_scale_is_zero_or_undefined():
    assert mase(Y, YHAT, [5.0, 5.0, 5.0]) is None
    assert mase(Y, YHAT, [5.0]) is None


def test_rounding_at_the_series_size_is_no_scale_and_no_percentage_error():
    """A clean sine repeats to 1e-15 each season: its MASE scale was that rounding, and a naive forecast's
    MASE read 36,380,000,000,000; where it crosses zero (1e-16) and is forecast at 1e-11, each sMAPE term
    was 200%. A series whose seasonal naive error is real keeps its MASE."""
    t = np.arange(120)
    sine = np.sin(2 * np.pi * t / 12)
    assert mase(sine[96:], sine[95:-1], sine[:96], season=12) is None
    noisy = sine[:96] + 1e-3 * (t[:96] % 5)
    assert mase(sine[96:], sine[95:-1], noisy, season=12) == pytest.approx(
        np.mean(np.abs(sine[96:] - sine[95:-1])) / np.mean(np.abs(noisy[12:] - noisy[:-12])), rel=1e-9
    )
    crossing = np.array([1e-16, 1.0, -1.0, 0.5])
    assert smape(crossing, crossing + np.array([1e-11, 0, 0, 0])) == 0.0
    assert smape(crossing, crossing + np.array([1e-9, 0, 0, 0])) == 0.0  # float32 rounding over the test span
    assert smape(crossing, crossing + np.array([1e-3, 0, 0, 0])) == pytest.approx(50.0)  # 1e-3 is no rounding


def test_compute_metrics_keys_and_types():
    out = compute_metrics(Y, YHAT, [1.0, 3.0, 2.0, 5.0])
    assert tuple(out) == METRIC_NAMES
    assert all(type(v) is float for v in out.values())
    assert out["rmse"] == pytest.approx(rmse(Y, YHAT))


def test_compute_metrics_gives_none_never_nan():
    out = compute_metrics([0.0, 2.0], [1.0, 2.0], [3.0, 3.0])
    assert out["mape"] is None and out["mase"] is None
    assert not any(isinstance(v, float) and math.isnan(v) for v in out.values())


def test_perfect_forecast_scores_zero():
    out = compute_metrics(Y, Y, [1.0, 3.0, 2.0, 5.0])
    assert out == {"rmse": 0.0, "mae": 0.0, "mape": 0.0, "smape": 0.0, "mase": 0.0}


@pytest.mark.parametrize(
    ("y", "yhat", "y_train", "match"),
    [
        ([1.0, 2.0], [1.0], [1.0, 2.0], "same length"),
        ([], [], [1.0, 2.0], "empty"),
        ([1.0, np.nan], [1.0, 2.0], [1.0, 2.0], "non-finite"),
        ([1.0, 2.0], [1.0, np.inf], [1.0, 2.0], "non-finite"),
        ([1.0, 2.0], [1.0, 2.0], [1.0, np.nan], "y_train contains"),
        ([[1.0, 2.0]], [[1.0, 2.0]], [1.0, 2.0], "1-D"),
    ],
)
def test_compute_metrics_rejects_bad_input(y, yhat, y_train, match):
    with pytest.raises(ValueError, match=match):
        compute_metrics(y, yhat, y_train)


def test_seconds_text_keeps_a_short_training_from_reading_as_zero():
    """A 10-epoch LSTM: "Training completed after 10 epoch(s) in 0.0 s" read as nothing trained."""
    from lstm_core.metrics import seconds_text

    assert [seconds_text(s) for s in (0.046, 0.0004, 0.0949, 0.095, 2.34, 65.0)] == [
        "0.046 s",
        "under 0.001 s",
        "0.095 s",
        "0.1 s",
        "2.3 s",
        "65.0 s",
    ]
