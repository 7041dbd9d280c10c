"""Tests for lstm_core.baselines: known answers, airline figures, no look-ahead, fallbacks."""

import warnings

import numpy as np
import pytest
from statsmodels.tsa.holtwinters import ExponentialSmoothing

from lstm_core import baselines as bl
from lstm_core.data import load_airline
from lstm_core.metrics import rmse

# Box & Jenkins airline passengers, monthly 1949-1960 (thousands), bundled with the engine.
AIRLINE = load_airline().iloc[:, 0].to_numpy(dtype=float)
TRAIN_END = 96  # int(144 * 0.67)
TEST_IDX = np.arange(TRAIN_END, AIRLINE.size)
TINY = np.array([3.0, 5.0, 4.0, 8.0, 6.0, 9.0])


@pytest.fixture(scope="module")
def airline_one_step():
    return bl.one_step_baselines(AIRLINE, TEST_IDX, TRAIN_END, 12)


# ----------------------------------------------------------------------- known answers
def test_naive_one_step_by_hand():
    np.testing.assert_array_equal(bl.naive_one_step(TINY, np.array([1, 3, 5])), [3.0, 4.0, 6.0])


def test_seasonal_naive_one_step_by_hand():
    np.testing.assert_array_equal(bl.seasonal_naive_one_step(TINY, np.array([2, 5]), 2), [3.0, 8.0])


@pytest.mark.parametrize("season", [None, 1])
def test_seasonal_naive_without_season_is_naive(season):
    idx = np.array([1, 4])
    np.testing.assert_array_equal(bl.seasonal_naive_one_step(TINY, idx, season), bl.naive_one_step(TINY, idx))


def test_forecasts_by_hand():
    np.testing.assert_array_equal(bl.naive_forecast(TINY, 3), [9.0, 9.0, 9.0])
    np.testing.assert_array_equal(bl.seasonal_naive_forecast(TINY, 5, 3), [8.0, 6.0, 9.0, 8.0, 6.0])


def test_seasonal_naive_needs_a_full_season_before_the_target():
    with pytest.raises(ValueError, match=r"idx must lie in \[4, 5\]"):
        bl.seasonal_naive_one_step(TINY, np.array([2, 5]), 4)


def test_bad_indices_are_rejected():
    with pytest.raises(ValueError, match="idx must lie"):
        bl.naive_one_step(TINY, np.array([0]))
    with pytest.raises(ValueError, match="integer"):
        bl.naive_one_step(TINY, np.array([1.0]))


# ---------------------------------------------------------------------- airline figures
def test_airline_one_step_rmse_matches_measured_figures(airline_one_step):
    y = AIRLINE[TEST_IDX]
    assert rmse(y, airline_one_step["naive"].predictions) == pytest.approx(48.0, abs=0.1)
    assert rmse(y, airline_one_step["seasonal_naive"].predictions) == pytest.approx(41.9, abs=0.1)
    assert rmse(y, airline_one_step["holt_winters"].predictions) == pytest.approx(17.2, abs=1.5)


def test_airline_holt_winters_model_and_keys(airline_one_step):
    assert tuple(airline_one_step) == bl.BASELINE_NAMES
    hw = airline_one_step["holt_winters"]
    assert hw.description.startswith("Holt-Winters (additive trend, multiplicative season 12)")
    assert hw.predictions.shape == TEST_IDX.shape and np.all(np.isfinite(hw.predictions))


def test_airline_multistep_holt_winters():
    out = bl.multistep_baselines(AIRLINE, TRAIN_END, 48, TRAIN_END, 12)
    assert all(r.predictions.shape == (48,) for r in out.values())
    assert rmse(AIRLINE[TEST_IDX], out["holt_winters"].predictions) == pytest.approx(31.4, abs=1.5)
    np.testing.assert_array_equal(
        out["holt_winters"].predictions, bl.holt_winters_forecast(AIRLINE[:TRAIN_END], 48, 12).predictions
    )


# --------------------------------------------------------- recursion matches statsmodels
@pytest.mark.parametrize(("trend", "seasonal"), [(True, "mul"), (True, "add"), (True, None), (False, None)])
def test_numpy_recursion_matches_statsmodels(trend, seasonal):
    y, m = AIRLINE[:60], 12
    seasons0 = AIRLINE[:m] / AIRLINE[:m].mean() if seasonal == "mul" else AIRLINE[:m] - AIRLINE[:m].mean()
    init = {"initial_level": 110.0}
    params = {"smoothing_level": 0.3}
    if trend:
        init["initial_trend"], params["smoothing_trend"] = 2.0, 0.2
    if seasonal:
        init["initial_seasonal"], params["smoothing_seasonal"] = seasons0, 0.25
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = ExponentialSmoothing(
            y,
            trend="add" if trend else None,
            seasonal=seasonal,
            seasonal_periods=m if seasonal else None,
            initialization_method="known",
            **init,
        ).fit(optimized=False, **params)
    spec = bl._Spec(trend, seasonal, m if seasonal else 0)
    model = bl._Fitted(
        spec,
        0.3,
        params.get("smoothing_trend", 0.0),
        params.get("smoothing_seasonal", 0.0),
        110.0,
        init.get("initial_trend", 0.0),
        seasons0 if seasonal else np.zeros(0),
    )
    out = bl._run(model, y, 30)
    np.testing.assert_allclose(out[:60], res.fittedvalues, rtol=1e-10)
    # Forecast by Hyndman's formula from statsmodels' final states (statsmodels' own
    # forecast uses a stale factor at h = 12, 24: statsmodels issue #9538).
    h = np.arange(1, 31)
    base = res.level[-1] + h * (res.trend[-1] if trend else 0.0)
    if seasonal:
        s = res.season[-m:][(h - 1) % m]
        base = base * s if seasonal == "mul" else base + s
    np.testing.assert_allclose(out[60:], base, rtol=1e-10)


# -------------------------------------------------------------------------- no look-ahead
@pytest.mark.parametrize("t", [TRAIN_END, 110, 130, AIRLINE.size - 1])
def test_one_step_predictions_ignore_the_future(airline_one_step, t):
    changed = AIRLINE.copy()
    changed[t:] *= 1.7
    after = bl.one_step_baselines(changed, TEST_IDX, TRAIN_END, 12)
    upto = TEST_IDX <= t
    for name in bl.BASELINE_NAMES:
        np.testing.assert_array_equal(after[name].predictions[upto], airline_one_step[name].predictions[upto])


def test_multistep_reads_only_the_history_before_origin():
    changed = AIRLINE.copy()
    changed[100:] = -changed[100:]
    before = bl.multistep_baselines(AIRLINE, 100, 12, TRAIN_END, 12)
    after = bl.multistep_baselines(changed, 100, 12, TRAIN_END, 12)
    for name in bl.BASELINE_NAMES:
        np.testing.assert_array_equal(after[name].predictions, before[name].predictions)


# ----------------------------------------------------------------------------- fallbacks
def test_short_training_drops_the_season():
    out = bl.holt_winters_one_step(AIRLINE, TEST_IDX, 20, 12)
    assert out.description.startswith("Holt linear trend")
    assert "season 12 dropped" in out.description
    assert np.all(np.isfinite(out.predictions))


def test_non_positive_series_uses_an_additive_season():
    y = AIRLINE - 300.0
    out = bl.holt_winters_one_step(y, TEST_IDX, TRAIN_END, 12)
    assert out.description.startswith("Holt-Winters (additive trend, additive season 12)")
    assert np.all(np.isfinite(out.predictions))


@pytest.mark.parametrize("y", [np.array([5.0, 6.0]), np.array([0.0, -1.0, 0.0, -2.0])])
def test_tiny_series_gives_finite_output(y):
    idx = np.arange(1, y.size)
    one = bl.one_step_baselines(y, idx, 1, 12)
    multi = bl.multistep_baselines(y, y.size, 3, y.size, 12)
    for result in (*one.values(), *multi.values()):
        assert np.all(np.isfinite(result.predictions)), result.description
    assert one["seasonal_naive"].description.startswith("Naive (seasonal naive needs 12")


def test_failed_fits_fall_back_to_naive(monkeypatch):
    def broken(y_fit, spec):
        raise ValueError("optimizer failed")

    monkeypatch.setattr(bl, "_fit", broken)
    out = bl.holt_winters_one_step(TINY, np.array([2, 4]), 4, None)
    assert out.description.startswith("Naive")
    np.testing.assert_array_equal(out.predictions, [5.0, 8.0])


def test_non_finite_fit_falls_back_to_a_simpler_model(monkeypatch):
    real_fit = bl._fit

    def explode_seasonal(y_fit, spec):
        model = real_fit(y_fit, spec)
        if not spec.seasonal:
            return model
        return bl._Fitted(spec, model.alpha, model.beta, model.gamma, np.inf, 0.0, model.seasons0)

    monkeypatch.setattr(bl, "_fit", explode_seasonal)
    out = bl.holt_winters_one_step(AIRLINE, TEST_IDX, TRAIN_END, 12)
    assert out.description.startswith("Holt linear trend") and "fallback" in out.description
    assert np.all(np.isfinite(out.predictions))


def test_baselines_never_warn():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        bl.one_step_baselines(AIRLINE, TEST_IDX, TRAIN_END, 12)
        bl.multistep_baselines(TINY, 6, 4, 6, 12)


# R's lynx trappings, 1821-1896: a 9-10 year cycle whose multiplicative Holt-Winters fit runs away
LYNX_76 = [
    269, 321, 585, 871, 1475, 2821, 3928, 5943, 4950, 2577, 523, 98, 184, 279, 409, 2285, 2685, 3409, 1824,
    409, 151, 45, 68, 213, 546, 1033, 2129, 2536, 957, 361, 377, 225, 360, 731, 1638, 2725, 2871, 2119, 684,
    299, 236, 245, 552, 1623, 3311, 6721, 4254, 687, 255, 473, 358, 784, 1594, 1676, 2251, 1426, 756, 299,
    201, 229, 469, 736, 2042, 2811, 4431, 2511, 389, 73, 39, 49, 59, 188, 377, 1292, 4031, 3495,
]  # fmt: skip


def test_a_holt_winters_forecast_that_runs_away_from_the_datas_range_falls_back_to_a_simpler_model():
    y = np.asarray(LYNX_76, dtype=float)
    reach = bl.RUNAWAY_SPANS * (y.max() - y.min())
    mul = bl._fit(y, bl._Spec(True, "mul", 9))
    assert bl._run(mul, y, 38)[76:].max() > y.max() + reach  # the richest model runs away
    res = bl.holt_winters_forecast(y, 38, 9)
    assert res.description.startswith("Holt-Winters (additive trend, additive season 9)")
    assert "ran away from the data's range" in res.description
    assert y.min() - reach <= res.predictions.min() and res.predictions.max() <= y.max() + reach


def test_a_holt_winters_trend_that_holds_is_kept_however_far_it_goes():
    # a steady trend leaves the fitted range by several spans over a long horizon: not a runaway
    y = np.linspace(10.0, 20.0, 40) + 0.1 * np.sin(np.arange(40))
    res = bl.holt_winters_forecast(y, 100, None)
    assert res.description.startswith("Holt linear trend") and "fallback" not in res.description
    assert res.predictions[-1] > 20.0 + 2 * (20.0 - 10.0)


def test_the_last_holt_winters_candidate_is_kept_even_beyond_the_range():
    # simple exponential smoothing forecasts a flat line at its level: never further than the data
    y = np.r_[np.zeros(20), np.linspace(0.0, 100.0, 20)]
    res = bl.holt_winters_forecast(y, 500, None)
    assert np.all(np.isfinite(res.predictions)) and len(res.predictions) == 500


def test_a_baselines_band_ahead_is_calibrated_on_its_own_errors_out_of_sample():
    """The verdict told to prefer a baseline for the forecast ahead, whose download had no band."""
    from lstm_core.pipeline import baseline_widths

    rng = np.random.default_rng(0)
    walk = 100 + np.cumsum(rng.normal(0, 1, 600))  # naive's h-step error is N(0, h)
    q = baseline_widths(walk, walk, 400, None, "naive")
    assert q is not None and np.all(np.diff(q) >= 0)
    assert 1.3 < q[0] < 2.1 and 2.6 < q[3] < 4.2  # 1.645 and 1.645 * 2 at 90%
    assert baseline_widths(walk, walk, 595, None, "holt_winters") is None  # 5 test points: nothing to calibrate on
    assert baseline_widths(walk, walk, 400, None, "holt_winters") is not None  # its errors from the test part
    # a value the loader filled in is nobody's truth: no error is taken there
    assert baseline_widths(walk, np.full(600, np.nan), 400, None, "naive") is None
    assert bl.multistep_forecast("seasonal_naive", walk, 600, 3, 400, 4).tolist() == walk[596:599].tolist()
    with pytest.raises(ValueError, match="unknown baseline 'arima'"):
        bl.multistep_forecast("arima", walk, 600, 3, 400, None)
