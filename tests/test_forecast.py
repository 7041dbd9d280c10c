"""Forecasts: recursion consistent with one-step, conformal widths, future frames, pipeline metrics."""

import numpy as np
import pandas as pd
import pytest

from lstm_core import forecast as fc
from lstm_core.callbacks import Callbacks
from lstm_core.config import ConfigError, RunConfig
from lstm_core.data import Series
from lstm_core.model import Ensemble
from lstm_core.pipeline import fit_run


def _seasonal_frame(n=120):
    t = np.arange(n)
    y = (50 + 0.5 * t) * (1 + 0.3 * np.sin(2 * np.pi * t / 12)) + np.random.default_rng(0).normal(0, 1, n)
    return pd.DataFrame({"y": y}, index=pd.date_range("2000-01", periods=n, freq="MS", name="date"))


@pytest.fixture(scope="module")
def run():
    cfg = RunConfig()
    cfg.model.hidden_size, cfg.train.epochs, cfg.train.seed = 8, 15, 0
    return fit_run(Series(_seasonal_frame(), season=12), cfg)


def test_first_recursive_step_equals_one_step(run):
    t, yhat = fc.one_step(run.model, run.prep, "test")
    first = fc.recursive(run.model, run.prep, int(t[0]), 1)
    np.testing.assert_allclose(first, yhat[:1], rtol=1e-6)


def test_recursion_uses_true_history_inside_the_season(run):
    prep = run.prep
    o = prep.test_start
    z = fc.recursive_z(run.model, prep, np.array([o, o + 1]), 5)
    # origin o+1 knows y[o]; its first step must equal a one-step prediction at o+1
    t, yhat = fc.one_step(run.model, prep, "test")
    np.testing.assert_allclose(prep.y_from_z(z[1, 0]), yhat[t == o + 1], rtol=1e-6)


def test_conformal_widths_grow_and_future_band_contains_forecast(run):
    q = run.conformal_q
    assert len(q) > 0 and np.all(np.diff(q) >= 0) and np.all(np.isfinite(q))
    fut = run.future(30)
    assert list(fut.columns) == ["time", "forecast", "lower", "upper"]
    assert len(fut) == 30 and fut["time"].iloc[0] == pd.Timestamp("2010-01-01")
    assert (fut["lower"] <= fut["forecast"]).all() and (fut["forecast"] <= fut["upper"]).all()
    assert np.isfinite(fut[["forecast", "lower", "upper"]].to_numpy()).all()


def test_metrics_have_model_and_baselines_on_the_same_points(run):
    m = run.metrics.to_dict()  # the JSON form (metrics.json) keeps its keys
    for key in ("train", "test", "test_multistep"):
        assert set(m[key]) == {"rmse", "mae", "mape", "smape", "mase"}
    assert set(m["baselines"]) == {"naive", "seasonal_naive", "holt_winters"}
    assert m["info"]["n_test"] == run.prep.n - run.prep.test_start
    pred = run.predictions
    test = pred[pred.part == "test"]
    rmse = float(np.sqrt(np.mean((test.actual - test.one_step) ** 2)))
    assert rmse == pytest.approx(m["test"]["rmse"])
    naive = float(np.sqrt(np.mean((test.actual.to_numpy() - pred.actual.shift(1)[test.index].to_numpy()) ** 2)))
    assert naive == pytest.approx(m["baselines"]["naive"]["rmse"])
    assert 0.0 <= m["coverage"]["one_step"] <= 1.0


def test_coverage_counts_points_inside():
    assert fc.coverage(np.array([1, 2, 3, 4.0]), np.array([0, 0, 0, 5.0]), np.array([2, 2, 2, 6.0])) == 0.5


def test_online_widths_start_from_the_calibration_quantile_and_see_only_earlier_errors():
    rng = np.random.default_rng(1)
    cal, err = rng.normal(0, 1, 50), rng.normal(0, 1, 40)
    w = fc.online_widths(cal, err, 0.1)
    rank = int(np.ceil(51 * 0.9))  # the split-conformal rank of 50 residuals at 90%
    assert w[0] == np.sort(np.abs(cal))[rank - 1] == fc.residual_quantiles([cal], 0.1)[0]
    changed = err.copy()
    changed[25:] *= 100  # later errors leave earlier widths alone
    w2 = fc.online_widths(cal, changed, 0.1)
    np.testing.assert_array_equal(w2[:26], w[:26])
    assert w2[-1] > 10 * w[-1]


def test_online_widths_follow_errors_that_grow_after_calibration():
    rng = np.random.default_rng(2)
    cal, err = rng.normal(0, 1, 30), rng.normal(0, 3, 300)  # the test part three times as noisy
    fixed = np.mean(np.abs(err) <= fc.residual_quantiles([cal], 0.1)[0])
    online = np.mean(np.abs(err) <= fc.online_widths(cal, err, 0.1))
    assert fixed < 0.6 and 0.85 <= online <= 0.95


def test_online_widths_narrow_when_every_point_is_covered():
    cal = np.random.default_rng(3).normal(0, 1, 30)
    w = fc.online_widths(cal, np.zeros(100), 0.1)
    assert np.all(np.diff(w) <= 0) and w[-1] < w[0] / 2 and np.all(np.isfinite(w))
    assert fc.online_widths(np.zeros(0), np.array([1.0, 2.0, np.nan]), 0.1).tolist() == [0.0, 1.0, 2.0]


def test_future_with_exogenous_inputs_is_refused():
    t = np.arange(150.0)
    frame = pd.DataFrame({"x": np.sin(t / 5), "y": np.sin(t / 5 + 1)})
    cfg = RunConfig()
    cfg.data.inputs, cfg.data.transform, cfg.train.epochs, cfg.model.hidden_size = ["x"], "none", 2, 4
    r = fit_run(frame, cfg)
    with pytest.raises(ConfigError, match="needs the input columns' future values"):
        r.future(5)


def test_direct_head_first_block_equals_its_outputs():
    """horizon 3: the recursive forecast's first 3 steps are the head's 3 outputs from true history."""
    cfg = RunConfig()
    cfg.data.horizon, cfg.data.transform = 3, "none"
    cfg.model.hidden_size, cfg.train.epochs = 6, 3
    t = np.arange(200.0)
    r = fit_run(pd.DataFrame({"y": np.sin(t / 6) + 0.01 * t}), cfg)
    o = r.prep.test_start
    out = fc._predict_scaled(r.model, fc.window_x(r.prep, np.array([o])))[0]  # (3,)
    np.testing.assert_allclose(fc.recursive(r.model, r.prep, o, 3), r.prep.d_from_scaled(out), rtol=1e-6)
    assert np.isfinite(fc.recursive(r.model, r.prep, o, 10)).all()
    assert len(r.future(7)) == 7


def test_mapping_mode_multistep_equals_one_step():
    t = np.linspace(0, 12 * np.pi, 200)
    cfg = RunConfig()
    cfg.data.target, cfg.data.inputs, cfg.data.horizon, cfg.data.look_back = "cos", ["sin"], 0, 5
    cfg.data.transform, cfg.model.hidden_size, cfg.train.epochs = "none", 4, 2
    r = fit_run(pd.DataFrame({"sin": np.sin(t), "cos": np.cos(t)}), cfg)
    test = r.predictions[r.predictions.part == "test"]
    np.testing.assert_allclose(test.multistep, test.one_step, rtol=1e-6)


def test_widths_past_calibration_grow_only_as_fast_as_the_calibrated_ones_did():
    """Hourly temperatures of 12-58 °F forecast 3,600 hours ahead: widths grown like the square root
    past 120 calibrated hours took the band to 1,015 °F."""
    from lstm_core.pipeline import growth_exponent, widths

    k = np.arange(1, 121)
    walk, flat = 0.1 * np.sqrt(k), np.r_[0.1 * np.sqrt(k[:20]), np.full(100, 0.1 * np.sqrt(20))]
    assert growth_exponent(walk) == pytest.approx(0.5) and growth_exponent(flat) == 0.0
    assert growth_exponent(0.01 * k**2) == 0.5  # faster than a random walk's: held at its pace
    assert growth_exponent(np.array([0.1, 0.2, 0.3])) == 0.5  # too few horizons to tell
    assert growth_exponent(0.1 * k**0.25) == pytest.approx(0.25)
    assert np.allclose(widths(flat, 3600, "fitted")[120:], flat[-1])
    assert np.allclose(widths(walk, 3600, "fitted"), widths(walk, 3600, "sqrt"))
    assert widths(flat, 3600, "sqrt")[-1] == pytest.approx(flat[-1] * np.sqrt(30))  # runs saved before
    assert np.array_equal(widths(flat, 100, "fitted"), flat[:100])


def test_intervals_are_relative_for_a_positive_series_and_additive_otherwise(run):
    assert np.all(run.prep.y > 0) and run.combination.log_scale
    fut = run.future(12)
    q = run.ahead_widths(12)
    # on the log scale the band is the forecast times exp(±q): it widens with the level
    np.testing.assert_allclose(fut["upper"] / fut["forecast"], np.exp(q), rtol=1e-9)
    np.testing.assert_allclose(fut["forecast"] / fut["lower"], np.exp(q), rtol=1e-9)
    shifted = _seasonal_frame()
    shifted[shifted.columns[-1]] -= float(shifted.iloc[:, -1].mean())  # crosses zero: additive band
    cfg = RunConfig()
    cfg.model.hidden_size, cfg.train.epochs, cfg.train.ensemble = 4, 3, 1
    r = fit_run(Series(shifted, season=12), cfg)
    assert not r.combination.log_scale
    f = r.future(6)
    np.testing.assert_allclose(f["upper"] - f["forecast"], r.ahead_widths(6), rtol=1e-9, atol=1e-9)


def test_input_columns_with_the_auto_representation_train_and_score():
    # the backtest forecasts up to the test part from origins near it: inside the data the
    # inputs are known, and only targets past the end (none here) would need future inputs
    t = np.arange(120.0)
    frame = pd.DataFrame({"x": np.sin(t / 5), "y": np.sin(t / 5 + 1) + 0.1 * t})
    cfg = RunConfig.make(inputs=["x"], epochs=3, hidden_size=4, ensemble=2)
    r = fit_run(frame, cfg)
    assert r.backtest is not None and r.backtest.scores  # auto chose by the network backtest
    assert np.isfinite(r.metrics.test_multistep.rmse) and np.isfinite(r.predictions["multistep"].dropna()).all()
    with pytest.raises(ConfigError, match="needs the input columns' future values"):
        r.future(3)


def test_an_ensemble_hands_over_a_quick_look_while_choosing_then_its_first_networks_predictions():
    looks, events = [], []

    def on_preview(look):
        looks.append(look)
        events.append("look")

    cb = Callbacks(on_preview=on_preview, on_phase=events.append)
    cfg = RunConfig.make(hidden_size=8, look_back=12, epochs=4, patience=None, device="cpu", ensemble=3)
    run = fit_run(Series(_seasonal_frame(), frequency="MS", season=12), cfg, callbacks=cb)
    assert len(looks) == 2 and [lk.networks for lk in looks] == [3, 3]
    # the quick look comes while the representations are compared, from the backtest's first network;
    # each backtest network is told as it starts, then the run's own training
    counted = [e for e in events if e.startswith("choosing ")]
    total = int(counted[0].rpartition("/")[2])
    assert counted == [f"choosing {k}/{total}" for k in range(1, total + 1)]
    assert events[: total + 3] == ["choosing", counted[0], "look", *counted[1:], "training"]
    quick = looks[0]
    assert run.backtest is not None and quick.seen_before == run.backtest.cut
    pd.testing.assert_frame_equal(
        quick.predictions[["time", "actual", "part"]], looks[1].predictions[["time", "actual", "part"]]
    )
    assert np.isfinite(quick.predictions["one_step"]).sum() == np.isfinite(run.predictions["one_step"]).sum()
    assert not np.allclose(quick.predictions["one_step"].dropna(), looks[1].predictions["one_step"].dropna())
    # then network 1's own look, handed over between network 1 and 2
    assert looks[1].seen_before is None
    assert events.index("member 2/3") == events.index("training") + 2 and events[events.index("training") + 1] == "look"
    look = looks[1].predictions
    pred = run.predictions
    assert list(look.columns) == ["time", "actual", "part", "one_step"]
    pd.testing.assert_series_equal(look["time"], pred["time"])
    assert (look["part"] == pred["part"]).all() and np.array_equal(look["actual"], pred["actual"])
    # network 1 alone, on the points the run predicts one step ahead
    m0 = run.members[0].model
    first = m0.first if isinstance(m0, Ensemble) else m0
    t, yhat = fc.one_step(first, run.members[0].prep, "test")
    np.testing.assert_allclose(look["one_step"].to_numpy()[t], yhat, rtol=1e-6)
    assert np.isfinite(look["one_step"]).sum() == np.isfinite(pred["one_step"]).sum()


def test_a_single_network_gives_no_first_look():
    looks = []
    cfg = RunConfig.make(hidden_size=8, look_back=12, epochs=2, patience=None, device="cpu", ensemble=1)
    fit_run(Series(_seasonal_frame(), frequency="MS", season=12), cfg, callbacks=Callbacks(on_preview=looks.append))
    assert looks == []


def test_a_first_look_that_fails_changes_nothing_in_the_run(monkeypatch):
    from lstm_core import pipeline

    cfg = RunConfig.make(hidden_size=8, look_back=12, epochs=3, patience=None, device="cpu", ensemble=2)
    series = Series(_seasonal_frame(), frequency="MS", season=12)
    plain = fit_run(series, cfg)

    def broken(*args, **kwargs):
        raise RuntimeError("no look")

    monkeypatch.setattr(pipeline, "first_look", broken)
    looks = []
    run = fit_run(series, cfg, callbacks=Callbacks(on_preview=looks.append))
    assert looks == []
    assert [m.prep.transform.name for m in run.members] == [m.prep.transform.name for m in plain.members]
    assert [s.score for s in run.backtest.scores] == [s.score for s in plain.backtest.scores]
    np.testing.assert_allclose(run.predictions["multistep"], plain.predictions["multistep"], equal_nan=True)


def test_the_interval_note_names_only_the_residuals_there_are():
    """A weekly series' note read '(0 from a rolling-origin backtest, 96 on the validation part)'."""
    from lstm_core.forecast import _residual_sources

    assert _residual_sources(0, 96) == "on the validation part"
    assert _residual_sources(40, 40) == "from a rolling-origin backtest"
    assert _residual_sources(40, 136) == "(40 from a rolling-origin backtest, 96 on the validation part)"
    # counts past a thousand are grouped, as every other count the pages show ("70380" was hard to read)
    assert _residual_sources(68_280, 70_380) == "(68,280 from a rolling-origin backtest, 2,100 on the validation part)"
