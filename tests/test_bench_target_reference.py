"""The target reference table scores every forecaster by the issue's multi-step measure
(benchmarks/bench_target_reference.py)."""

import math

import pandas as pd
import pytest

from benchmarks.bench_target_reference import SETS, main, ratios, report, series_medians, summary


def _rows(tmp_path):
    """Two series, two seeds each, and one failed run that must not count."""
    base = {"base_ms_naive": 4.0, "base_ms_seasonal_naive": 2.0, "base_ms_holt_winters": 8.0}
    peers = {"peer_AutoETS_ms_rmse": 3.0, "peer_AutoARIMA_ms_rmse": 1.0, "peer_AutoTheta_ms_rmse": 6.0}
    peers |= {"peer_AutoETS_one_rmse": 2.0, "peer_AutoARIMA_one_rmse": 4.0, "peer_AutoTheta_one_rmse": 8.0}
    rows = [
        {"series": "a", "seed": 0, "error": None, "ms_rmse": 1.0, "one_rmse": 1.0, **base, **peers},
        {"series": "a", "seed": 1, "error": None, "ms_rmse": 3.0, "one_rmse": 3.0, **base, **peers},
        {"series": "a", "seed": 2, "error": "boom", "ms_rmse": 99.0, "one_rmse": 99.0, **base, **peers},
        {"series": "b", "seed": 0, "error": None, "ms_rmse": 8.0, "one_rmse": 1.0, **base, **peers},
    ]
    path = tmp_path / "t.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    return path


def test_each_forecaster_is_divided_by_the_series_best_baseline(tmp_path):
    got = ratios(series_medians(_rows(tmp_path)))
    assert got["engine (defaults)"].to_dict() == {"a": 1.0, "b": 4.0}
    assert got["AutoARIMA"].to_dict() == {"a": 0.5, "b": 0.5}
    assert got["best statsforecast (per series)"].to_dict() == {"a": 0.5, "b": 0.5}


def test_one_step_each_forecaster_is_divided_by_the_series_best_statsforecast_model(tmp_path):
    got = ratios(series_medians(_rows(tmp_path)), "one")
    assert got["engine (defaults)"].to_dict() == {"a": 1.0, "b": 0.5}
    assert got["AutoTheta"].to_dict() == {"a": 4.0, "b": 4.0}
    assert "best statsforecast (per series)" not in got  # 1 by definition


def test_summary_gives_geometric_mean_largest_and_count_above_the_ceiling():
    gm, worst, over = summary(pd.Series([0.5, 2.0, 4.0, float("nan")]))
    assert gm == pytest.approx(math.exp((math.log(0.5) + math.log(2.0) + math.log(4.0)) / 3))
    assert (worst, over) == (4.0, 2)


def test_a_missing_saved_table_is_one_error_line(monkeypatch, tmp_path, capsys):
    monkeypatch.setitem(SETS, "holdout", tmp_path / "gone.csv")
    assert main(["--set", "holdout"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [f"error: no saved table {tmp_path / 'gone.csv'}; run benchmarks.bench_forecast for that set first"]


def test_the_held_out_sets_are_pooled_series_by_series(tmp_path):
    path = _rows(tmp_path)
    text = report({"holdout": path, "fpp": path, "suite": path})
    pooled = [line for line in text.splitlines() if line.startswith("| held-out pooled (holdout, fpp) | 4 |")]
    assert len(pooled) == 5 + 4  # multi-step: the engine, three models, their best; one step: the first four
    assert "| held-out pooled (holdout, fpp) | 4 | engine (defaults) | 2.000 | 4.00 | 2 |" in pooled
