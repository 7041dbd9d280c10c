"""Representations and their choice: seasonal profiles, window normalisation, null forecasts
that match the network's zero output, the level-error loss, ensembles, guards and the verdict."""

import math
import threading
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
import torch

from lstm_core import forecast as fc
from lstm_core import strategy, threads
from lstm_core.callbacks import Callbacks, Stopped
from lstm_core.config import ConfigError, DataConfig, RunConfig, TrainConfig
from lstm_core.data import Series
from lstm_core.model import Ensemble, Forecaster, pack
from lstm_core.pipeline import build_model, choose_representation, fit_run
from lstm_core.prep import Transform, prepare, profiles_before, running_ref, seasonal_profile, split_points
from lstm_core.results import RunMetrics
from lstm_core.verdict import judge


def _monthly(y) -> pd.DataFrame:
    return pd.DataFrame(
        {"y": np.asarray(y, dtype=float)}, index=pd.date_range("2000-01", periods=len(y), freq="MS", name="date")
    )


def _zero(model):
    """Make every output of a Forecaster or Ensemble exactly 0."""
    for net in getattr(model, "members", [model]):
        with torch.no_grad():
            net.head.weight.zero_()
            net.head.bias.zero_()
    return model


def test_seasonal_profile_recovers_an_additive_season():
    t = np.arange(120)
    season = np.array([3, 1, -2, 0, 4, -1, -3, 2, 0, -4, 1, -1], dtype=float)
    season -= season.mean()
    prof = seasonal_profile(2.0 + 0.1 * t + season[t % 12], 12)
    np.testing.assert_allclose(prof, season, atol=1e-9)
    assert seasonal_profile(np.arange(20.0), 12) is None  # under two seasons past the average


def test_transform_round_trip_and_damaged_dict():
    tr = Transform(log=True, lag=1, deseason=12, window_norm=True, reason="why")
    assert Transform.from_dict(tr.to_dict()) == tr
    assert tr.name == "log + seasonal profile 12 removed + difference at lag 1 + window mean removed"
    with pytest.raises(ConfigError, match="damaged"):
        Transform.from_dict({"log": True, "lag": "one"})
    with pytest.raises(ConfigError, match="out of range"):
        Transform.from_dict({"log": False, "lag": -3})


CANDIDATES = [
    Transform(),
    Transform(window_norm=True, window_last=True),
    Transform(log=True, deseason=12, window_norm=True, window_last=True),
    Transform(lag=1),
    Transform(log=True, lag=12),
    Transform(deseason=12, lag=1, window_norm=True),
    Transform(log=True, deseason=12),
    Transform(lag=12, window_norm=True),
    Transform(window_norm=True, window_alpha=0.3),
    Transform(log=True, deseason=12, window_norm=True, window_alpha=0.6),
    Transform(window_norm=True, window_trend=True),
    Transform(log=True, deseason=12, window_norm=True, window_trend=True),
]


@pytest.mark.parametrize("tr", CANDIDATES, ids=lambda tr: tr.name)
def test_zero_network_forecast_is_the_null_forecast(tr):
    """What rank_transforms scores is exactly what a network that outputs zeros forecasts."""
    t = np.arange(96)
    y = (100 + 2 * t) * (1 + 0.2 * np.sin(2 * np.pi * t / 12)) + np.random.default_rng(1).normal(0, 2, 96)
    cfg = DataConfig(look_back=12, horizon=4, test_fraction=0.25, val_fraction=0.1)
    prep = prepare(Series(_monthly(y), season=12), cfg, transform=tr)
    rc = RunConfig(data=cfg)
    model = _zero(build_model(rc, prep, members=2))
    origin = prep.test_start
    z = fc.recursive_z(model, prep, np.array([origin]), 10)[0]
    null = strategy.null_forecast(y, tr, prep.train_end, origin, 10, cfg.look_back, horizon=4)
    np.testing.assert_allclose(prep.y_from_z(z), null, rtol=1e-5)


def test_window_normalisation_centres_inputs_and_shifts_targets_alike():
    y = np.cumsum(np.random.default_rng(2).normal(0.5, 1, 80)) + 50
    tr = Transform(lag=1, window_norm=True)
    prep = prepare(_monthly(y), DataConfig(look_back=6, horizon=3), transform=tr)
    w = prep.windows["train"]
    np.testing.assert_allclose(w.x[:, :, 0].mean(axis=1), 0.0, atol=1e-5)
    raw = prep.d_scaled[w.t[:, None] + np.arange(3)]
    ref = fc.window_x(prep, w.t)[:, :, 0].mean(axis=1)
    np.testing.assert_allclose(w.y, raw - ref[:, None], atol=1e-5)


def test_a_last_value_anchor_ends_each_window_at_zero_and_its_null_forecast_is_naive():
    y = np.cumsum(np.random.default_rng(2).normal(0.5, 1, 80)) + 50
    tr = Transform(window_norm=True, window_last=True)
    assert tr.name == "window last value removed" and Transform.from_dict(tr.to_dict()) == tr
    assert Transform.from_dict({"log": False, "lag": 0, "window_norm": True}).window_last is False  # saved before
    with pytest.raises(ConfigError, match="damaged"):  # a last value removed from no window
        Transform.from_dict({"log": False, "lag": 0, "window_last": True})
    prep = prepare(_monthly(y), DataConfig(look_back=6, horizon=3), transform=tr)
    w = prep.windows["train"]
    np.testing.assert_allclose(w.x[:, -1, 0], 0.0, atol=1e-6)
    raw = prep.d_scaled[w.t[:, None] + np.arange(3)]
    last = fc.window_x(prep, w.t)[:, -1, 0]
    np.testing.assert_allclose(w.y, raw - last[:, None], atol=1e-5)
    null = strategy.null_forecast(y, tr, prep.train_end, 70, 10, 6, horizon=3)
    np.testing.assert_allclose(null, np.full(10, y[69]))


def test_a_trend_line_anchor_removes_each_window_s_line_and_its_null_forecast_carries_the_line_on():
    y = np.cumsum(np.random.default_rng(2).normal(0.5, 1, 80)) + 50
    tr = Transform(window_norm=True, window_trend=True)
    assert tr.name == "window trend line removed" and Transform.from_dict(tr.to_dict()) == tr
    assert Transform.from_dict({"log": False, "lag": 0, "window_norm": True}).window_trend is False  # saved before
    with pytest.raises(ConfigError, match="damaged"):  # a line removed from no window
        Transform.from_dict({"log": False, "lag": 0, "window_trend": True})
    with pytest.raises(ConfigError, match="out of range"):  # one anchor only, and on levels
        Transform.from_dict({"log": False, "lag": 0, "window_norm": True, "window_trend": True, "window_last": True})
    with pytest.raises(ConfigError, match="out of range"):
        Transform.from_dict({"log": False, "lag": 1, "window_norm": True, "window_trend": True})
    prep = prepare(_monthly(y), DataConfig(look_back=6, horizon=3), transform=tr)
    w = prep.windows["train"]
    raw_x = fc.window_x(prep, w.t)[:, :, 0].astype(np.float64)  # (n, 6) before normalising
    pos = np.arange(6)
    for i in (0, len(raw_x) // 2, len(raw_x) - 1):
        slope, icept = np.polyfit(pos, raw_x[i], 1)
        np.testing.assert_allclose(w.x[i, :, 0], raw_x[i] - (icept + slope * pos), atol=1e-5)
        raw = prep.d_scaled[w.t[i] + np.arange(3)]
        np.testing.assert_allclose(w.y[i], raw - (icept + slope * np.arange(6, 9)), atol=1e-5)
    # a straight line is forecast exactly by a network that outputs zeros
    line = 20 + 0.5 * np.arange(60)
    np.testing.assert_allclose(strategy.null_forecast(line, tr, 40, 50, 10, 6, horizon=3), line[50:60], atol=1e-9)
    assert strategy.is_damped_trend(tr) and not strategy.is_anchored_last(tr)


def test_trend_line_candidates_enter_as_trend_anchor_says(monkeypatch):
    assert strategy.TREND_ANCHOR == "off"
    assert not any(t.window_trend for t in strategy.candidates(12, True, 100))
    monkeypatch.setattr(strategy, "TREND_ANCHOR", "candidates")
    got = [(t.log, t.deseason) for t in strategy.candidates(12, True, 100) if t.window_trend]
    assert got == [(False, 0), (False, 12), (True, 0), (True, 12)]
    a, b = Transform(lag=1), Transform(lag=12)
    trend = Transform(window_norm=True, window_trend=True)
    ranked = [strategy.Scored(t, float(k)) for k, t in enumerate([trend, a, b])]
    names = lambda ts: [t.name for t in ts]  # noqa: E731
    assert names(strategy.shortlist(ranked, True, k=2)) == names([trend, a])  # ranked with the others
    monkeypatch.setattr(strategy, "TREND_ANCHOR", "combo")
    assert names(strategy.shortlist(ranked, True, k=2)) == names([a, b, trend])  # backtested beside them
    assert names(strategy.shortlist(ranked, False, k=2)) == names([a, b])  # not on a short series


def test_a_smoothed_level_anchor_removes_each_window_s_weighted_mean_and_its_null_forecast_is_smoothing():
    y = np.cumsum(np.random.default_rng(2).normal(0.5, 1, 80)) + 50
    tr = Transform(window_norm=True, window_alpha=0.4)
    assert tr.name == "window smoothed level (alpha 0.4) removed" and Transform.from_dict(tr.to_dict()) == tr
    assert Transform.from_dict({"log": False, "lag": 0, "window_norm": True}).window_alpha == 0.0  # saved before
    for bad in ({"window_alpha": 0.4}, {"window_norm": True, "window_alpha": 1.0}):
        with pytest.raises(ConfigError, match="damaged|out of range"):
            Transform.from_dict({"log": False, "lag": 0, **bad})
    with pytest.raises(ConfigError, match="out of range"):  # one anchor or the other, not both
        Transform.from_dict({"log": False, "lag": 0, "window_norm": True, "window_last": True, "window_alpha": 0.4})
    prep = prepare(_monthly(y), DataConfig(look_back=6, horizon=3), transform=tr)
    w = prep.windows["train"]
    raw_x = fc.window_x(prep, w.t)[:, :, 0]  # (n, 6) before normalising
    weights = 0.6 ** np.arange(5, -1, -1)  # the newest value weighs most
    ref = raw_x @ (weights / weights.sum())
    np.testing.assert_allclose(w.x[:, :, 0], raw_x - ref[:, None], atol=1e-5)
    raw = prep.d_scaled[w.t[:, None] + np.arange(3)]
    np.testing.assert_allclose(w.y, raw - ref[:, None], atol=1e-5)
    # zero outputs forecast the smoothed level of the last six values, held flat
    null = strategy.null_forecast(y, tr, prep.train_end, 70, 10, 6, horizon=10)
    np.testing.assert_allclose(null, np.full(10, y[64:70] @ (weights / weights.sum())))


def test_the_smoothing_weight_is_fitted_on_the_training_part_and_only_between_mean_and_last_value(monkeypatch):
    monkeypatch.setattr(strategy, "SMOOTH_ANCHOR", "candidates")
    rng = np.random.default_rng(0)
    n = 400
    level = 50 + np.cumsum(rng.normal(0, 0.5, n))
    local_level = level + rng.normal(0, 1.0, n)  # simple exponential smoothing's model, alpha ~0.4
    alpha = strategy.smoothing_alpha(local_level, 12)
    assert alpha is not None and 0.2 <= alpha <= 0.6
    assert strategy.smoothing_alpha(rng.normal(0, 1, n), 12) is None  # noise: the window's mean
    assert strategy.smoothing_alpha(np.cumsum(rng.normal(0, 1, n)), 12) is None  # a random walk: its last value
    assert strategy.smoothing_alpha(local_level[:18], 12) is None  # too few windows to judge
    # the candidates get it for the level shapes whose training part has one, ranked with the others
    y = 100 + np.concatenate([local_level, local_level[-1] + rng.normal(0, 1, 20)])
    alphas = strategy.smoothing_alphas(y[:300], None, True, 12)
    assert set(alphas) == {(False, 0), (True, 0)}
    smoothed = [t for t in strategy.candidates(None, True, 300, alphas) if t.window_alpha]
    assert [(t.log, t.lag, t.window_norm, t.window_alpha) for t in smoothed] == [
        (False, 0, True, alphas[(False, 0)]),
        (True, 0, True, alphas[(True, 0)]),
    ]
    ranked = strategy.rank_transforms(y[:360], 300, None, True, 12)
    assert {s.transform.name for s in ranked} >= {t.name for t in smoothed}
    in_order = [s.transform.name for s in strategy.null_order(ranked, True)]  # no special place in the shortlist
    assert {t.name for t in smoothed} <= set(in_order)


@pytest.mark.parametrize(
    "tr",
    [
        Transform(window_norm=True),
        Transform(window_norm=True, window_alpha=0.3),
        Transform(window_norm=True, window_trend=True),
    ],
    ids=str,
)
def test_the_gates_continuous_input_takes_each_full_window_s_own_reference(tr):
    """The Gates page's whole-series view subtracts from each point what the network's window
    ending there has subtracted from it (:func:`running_ref`), and over the first points the same
    reference of the shorter window."""
    y = np.cumsum(np.random.default_rng(3).normal(0, 1, 60)) + 40
    prep = prepare(_monthly(y), DataConfig(look_back=6, horizon=1), transform=tr)
    f0 = prep.features[prep.offset :, 0].astype(np.float64)
    got = running_ref(tr, f0, 6)
    windows = np.lib.stride_tricks.sliding_window_view(f0, 6)[:, :, None]  # (T-5, 6, 1): the windows ending at 5..
    np.testing.assert_allclose(got[5:], prep.window_ref(windows), atol=1e-5)
    np.testing.assert_allclose(got[2], prep.window_ref(f0[None, :3, None])[0], atol=1e-5)


def test_without_the_smoothed_anchor_no_candidate_has_one():
    y = 50 + np.cumsum(np.random.default_rng(0).normal(0, 0.5, 300)) + np.random.default_rng(1).normal(0, 1, 300)
    assert strategy.SMOOTH_ANCHOR == "off"  # measured and not adopted (session 31)
    assert strategy.smoothing_alphas(y, None, True, 12) == {}
    assert not any(s.transform.window_alpha for s in strategy.rank_transforms(y, 240, None, True, 12))


@pytest.mark.parametrize("mode", ["combo", "mixed"])
def test_a_smoothed_level_candidate_joins_a_ranked_shortlist_and_stays_where_it_helps_the_mean(monkeypatch, mode):
    monkeypatch.setattr(strategy, "SMOOTH_ANCHOR", mode)
    a, b, c = Transform(lag=1), Transform(deseason=12, lag=1), Transform(lag=12)
    smooth = Transform(window_norm=True, window_alpha=0.4)
    ranked = [strategy.Scored(t, float(k)) for k, t in enumerate([smooth, a, b, c])]
    names = lambda ts: [t.name for t in ts]  # noqa: E731
    # where the backtest ranks, it is out of the null order and joins the shortlist at the end
    assert names(strategy.shortlist(ranked, True, k=2)) == names([a, b, smooth])
    # on a short series, "mixed" ranks it with the others, "combo" leaves it out
    assert names(strategy.shortlist(ranked, False, k=2)) == names([smooth, a] if mode == "mixed" else [a, b])
    assert names(s.transform for s in strategy.null_order(ranked, False)) == names(
        [smooth, a, b, c] if mode == "mixed" else [a, b, c]
    )
    # the combination check judges it as it does a last-value member, and not a last-value one with it
    last = Transform(window_norm=True, window_last=True)
    truth = [np.full(3, 10.0)]
    for value, stays in ((7.0, True), (16.0, False)):
        bt = strategy.Backtest(truth=truth, origins=np.arange(3))
        fc_of = {a.name: 12.0, b.name: 12.0, c.name: 12.0, smooth.name: value, last.name: 10.0}
        bt.forecasts = {name: [np.full(3, v)] for name, v in fc_of.items()}
        kept = strategy.combo_check(bt, [a, smooth, last, b], [a, smooth, last, b, c], smoothed=True)
        assert names(kept) == (names([a, smooth, last, b]) if stays else names([a, last, b, c]))


def _last_value_backtest(helps: bool) -> tuple[strategy.Backtest, list[Transform]]:
    """A backtest of three kept candidates (one anchored on the last value) and a spare, whose
    forecasts of truth 10 make the last-value one the one that fixes the mean, or spoils it."""
    a, b, spare = Transform(lag=1), Transform(deseason=12), Transform(lag=12)
    last = Transform(window_norm=True, window_last=True)
    truth = [np.full(4, 10.0), np.full(3, 10.0)]
    bt = strategy.Backtest(truth=truth, origins=np.arange(4))
    fc_of = {a.name: 12.0, b.name: 12.0, spare.name: 12.0, last.name: 7.0 if helps else 16.0}
    bt.forecasts = {name: [np.full(len(t), v) for t in truth] for name, v in fc_of.items()}
    bt.scores = [strategy.Scored(t, 1.0) for t in (a, b, last, spare)]
    return bt, [a, b, last, spare]


@pytest.mark.parametrize("helps", [True, False])
def test_a_last_value_member_stays_only_where_it_improves_the_mean_of_the_backtest_forecasts(helps):
    bt, (a, b, last, spare) = _last_value_backtest(helps)
    kept = strategy.combo_check(bt, [a, last, b], [a, last, b, spare])
    # with it the mean forecast is 10.33 (helps) or 13.33; with the spare instead 12.0
    assert [t.name for t in kept] == ([a.name, last.name, b.name] if helps else [a.name, b.name, spare.name])
    assert strategy.combo_check(bt, [a, b], [a, b, spare]) == [a, b]  # none kept: nothing to check


def test_the_shortlist_adds_the_best_last_value_candidate_only_where_the_backtest_ranks(monkeypatch):
    a, b, c = Transform(lag=1), Transform(lag=12, window_norm=True), Transform(window_norm=True)
    last, last_log = (
        Transform(window_norm=True, window_last=True),
        Transform(log=True, window_norm=True, window_last=True),
    )
    level = Transform(deseason=12)
    ranked = [strategy.Scored(t, float(k)) for k, t in enumerate([last, a, last_log, b, c, level])]
    names = lambda ts: [t.name for t in ts]  # noqa: E731
    assert strategy.LAST_ANCHOR == "combo"
    assert names(strategy.shortlist(ranked, True, k=3)) == names([a, b, c, last, level])
    assert names(strategy.shortlist(ranked, False, k=3)) == names([a, b, c])
    assert [s.transform.name for s in strategy.null_order(ranked, False)] == names([a, b, c, level])
    monkeypatch.setattr(strategy, "LAST_ANCHOR", "off")
    assert not any(t.window_last for t in strategy.candidates(12, True, 100))
    monkeypatch.setattr(strategy, "LAST_ANCHOR", "combo")
    got = [t for t in strategy.candidates(12, True, 100) if t.window_last]
    assert {(t.log, t.deseason, t.lag) for t in got} == {(False, 0, 0), (False, 12, 0), (True, 0, 0), (True, 12, 0)}


def test_ranking_prefers_an_exact_representation():
    t = np.arange(120)
    y = 10 + 0.5 * t + 3 * np.sin(2 * np.pi * t / 12)  # trend + fixed season, no noise
    ranked = strategy.rank_transforms(y[:96], 80, 12, True, 12, 12)
    assert ranked[0].score < 1e-6 * np.ptp(y)
    assert ranked[0].transform.reason.startswith("auto: ")
    assert [s.score for s in ranked] == sorted(s.score for s in ranked)


def test_ensemble_averages_its_members_and_shows_member_zero():
    torch.manual_seed(0)
    from lstm_core.config import ModelConfig

    nets = [Forecaster(ModelConfig(hidden_size=4, output_size=3)) for _ in range(3)]
    ens = pack(nets)
    assert isinstance(ens, Ensemble) and pack(nets[:1]) is nets[0]
    x = torch.randn(5, 7, 1)
    torch.testing.assert_close(ens(x), torch.stack([n(x) for n in nets]).mean(0))
    assert ens.rnn is nets[0].rnn
    g = ens.gate_trace(x)
    torch.testing.assert_close(g[0]["i"], nets[0].gate_trace(x)[0]["i"])


def test_a_positive_series_forecast_falling_to_zero_keeps_a_band_of_its_lowest_values():
    """Monthly van deaths (2 to 17) forecast 48 years ahead: a February at or below 0 was held just
    above 0 on the log scale, its band [2e-7, 2e-5]."""
    y = 9 + 3 * np.sin(np.arange(96) / 2) + np.linspace(0, -5, 96)  # above 0 throughout
    cfg = RunConfig()
    cfg.data.transform, cfg.data.look_back = "diff", 6
    cfg.model.hidden_size, cfg.train.epochs, cfg.train.ensemble = 4, 2, 1
    combo = fit_run(_monthly(y), cfg).combination
    assert combo.log_scale
    path, q = np.array([3.0, 0.5, -0.7, 0.0, 2.0]), np.full(5, 0.4)
    forecast, lower, upper = combo.path_band(path, q)
    assert np.allclose(forecast, [3.0, 0.5, 0.0, 0.0, 2.0]) and forecast[2] == forecast[3] == 0.0
    assert np.allclose(lower[[0, 1, 4]], path[[0, 1, 4]] * np.exp(-0.4))
    assert np.allclose(upper[[0, 1, 4]], path[[0, 1, 4]] * np.exp(0.4))
    assert lower[2] == lower[3] == 0.0 and np.allclose(upper[[2, 3]], y.min() * np.exp(0.4))


def test_never_negative_series_gets_non_negative_forecasts():
    y = np.r_[np.linspace(60, 5, 70), np.zeros(10)]  # counts sliding to zero
    cfg = RunConfig()
    cfg.data.transform, cfg.data.look_back = "diff", 6
    cfg.model.hidden_size, cfg.train.epochs, cfg.train.ensemble = 4, 3, 1
    run = fit_run(_monthly(y), cfg)
    assert run.metrics.guards.non_negative is True
    fut = run.future(40)
    assert fut[["forecast", "lower", "upper"]].to_numpy().min() >= 0.0
    assert run.predictions[["multistep", "lower", "upper"]].min().min() >= 0.0


def test_the_trend_is_carried_no_further_than_the_data_is_long():
    """A growth rate compounded over 10,000 steps let a forecast of 1.6e10 from data of 83-228 pass."""
    t = np.arange(100)
    y = 83 + 145 * t / 99  # rises by 145 over 100 steps
    up, down = fc.trend_reach(y, 10_000)
    assert not down.any() and up[-1] < 200 * np.ptp(y)  # the straight line, 100 times the data's length on
    assert "runs away" in fc.runaway_note(y, np.full(10_000, 1.6e10))
    steady = y[-1] + 145 / 99 * np.arange(1, 101)  # the same trend carried on for as long as the data
    assert fc.runaway_note(y, steady) == ""
    g = 100 * 1.05 ** np.arange(40)  # a growth rate compounds for as many steps as the data is long
    up_g, _ = fc.trend_reach(g, 400)
    assert np.isclose(up_g[39], g.max() * np.expm1(np.log(1.05) * 40), rtol=0.05)
    assert up_g[-1] < 2 * up_g[39]  # past that, only the straight line goes on


def test_a_straight_trend_carried_far_past_the_data_is_no_runaway():
    """``forecast --steps 240`` on a 96-point series with a steady rise was warned of as a runaway."""
    y = 50 + 0.5 * np.arange(96) + np.sin(np.arange(96))
    line = y[-1] + 0.5 * np.arange(1, 241)  # reaches 2.5 data ranges above the data
    assert (line.max() - y.max()) / np.ptp(y) > 2.4 and fc.runaway_note(y, line) == ""
    assert "runs away" in fc.runaway_note(y, y[-1] + 1.5 * np.arange(1, 241))  # three times as steep


def test_a_band_ahead_reaches_no_further_than_a_runaway_would():
    """Hourly temperatures of 12-58 °F, 3,600 hours ahead: a band on the log scale, grown like the
    square root past its calibrated horizons, reached 1,015 °F."""
    t = np.arange(2000)
    y = 35 + 23 * np.sin(2 * np.pi * t / 24)  # 12 to 58, no trend
    f = np.full(3600, 35.0)
    lower, upper = f * np.exp(-np.linspace(0.1, 3.3, 3600)), f * np.exp(np.linspace(0.1, 3.3, 3600))
    lo, hi = fc.within_reach(y, f, lower, upper)
    assert hi.max() == pytest.approx(58 + 46) and np.array_equal(lo, lower)  # 0.01-35 stays: no runaway there
    assert np.array_equal(hi[:100], upper[:100])  # a band inside the reach is left as it is
    runaway = np.full(10, 500.0)  # a forecast that ran away itself keeps its band around it
    lo2, hi2 = fc.within_reach(y, runaway, runaway - 5, runaway + 5)
    assert np.array_equal(lo2, runaway - 5) and np.array_equal(hi2, runaway + 5)
    sinking = np.full(10, -500.0)  # below the floor too, the side past it is left as it was
    lo4, hi4 = fc.within_reach(y, sinking, sinking - 5, sinking + 5)
    assert np.array_equal(lo4, sinking - 5) and np.array_equal(hi4, sinking + 5)
    rising = np.linspace(10, 20, 100)  # a trend carried on widens the reach with it
    _, hi3 = fc.within_reach(rising, np.linspace(20, 40, 200), np.zeros(200), np.full(200, 1e6))
    assert (
        hi3[-1] == pytest.approx(20 + 10 + 200 * 10 / 99, rel=0.01) and 30 < hi3[0] < 31 and np.all(np.diff(hi3) >= 0)
    )


def test_the_one_step_and_test_span_bands_reach_no_further_than_a_runaway_would():
    """Uniform noise between 0 and 1 on the log scale: a one-step band around a value near 0 reached 6.6.
    Each point's band is held within a data range of the values before it, the test span's as the band
    ahead is; a band inside that reach is left as it is."""
    y = np.array([0.5, 0.9, 0.1, 0.6, 0.3, 0.8, 0.05, 0.7, 2.5, 0.4])
    t = np.array([6, 7, 8, 9])
    yhat = np.array([0.5, 0.5, 0.5, 2.0])
    lower, upper = np.array([0.1, 0.2, -3.0, 1.5]), np.array([6.6, 0.8, 0.9, 9.0])
    lo, hi = fc.one_step_within_reach(y, t, yhat, lower, upper)
    # before point 6 the values ran 0.1-0.9: reach -0.7 to 1.7; before 9 they had reached 2.5: 0.05-2.5
    assert hi.tolist() == pytest.approx([1.7, 0.8, 0.9, 2.5 + 2.45])
    assert lo.tolist() == pytest.approx([0.1, 0.2, 0.05 - 0.85, 1.5])
    assert np.all(lo <= yhat) and np.all(hi >= yhat)  # never inside the prediction
    ok_lo, ok_hi = fc.one_step_within_reach(y, t, yhat, yhat - 0.1, yhat + 0.1)
    assert np.array_equal(ok_lo, yhat - 0.1) and np.array_equal(ok_hi, yhat + 0.1)


def test_runaway_note_names_the_escape():
    y = np.linspace(0, 10, 50)
    assert fc.runaway_note(y, np.linspace(10, 15, 20)) == ""
    note = fc.runaway_note(y, np.linspace(10, 60, 20))
    assert "runs away" in note and "reaches 60, 5 data ranges outside [0, 10]" in note and "\n" not in note
    far = fc.runaway_note(y, np.array([10.0, 4e21]))  # short numbers however far it runs
    assert "reaches 4e+21, 4e+20 data ranges outside" in far
    # which forecast: the page showed two such warnings with different figures and no word of which
    ahead = fc.runaway_note(y, np.linspace(10, 60, 20), "The forecast ahead")
    assert ahead == note.replace("The forecast runs away", "The forecast ahead runs away", 1) != note


def test_a_steady_growth_carried_on_is_no_runaway_but_a_faster_one_is():
    y = 100 * 1.03 ** np.arange(30)  # 3% a year for 30 years
    steady = y[-1] * 1.03 ** np.arange(1, 25)  # 24 more years of it: 1.8 data ranges above the data
    assert (steady.max() - y.max()) / np.ptp(y) > 1.7 and fc.runaway_note(y, steady) == ""
    assert "runs away" in fc.runaway_note(y, y[-1] * 1.09 ** np.arange(1, 25))
    t = np.arange(120)  # a cycle without a trend reaches nowhere: one range out is a runaway
    up, down = fc.trend_reach(10 + 3 * np.sin(2 * np.pi * t / 12), 24)
    assert up.shape == down.shape == (24,) and up.max() < 0.01 and down.max() < 0.01
    assert "runs away" in fc.runaway_note(10 + 3 * np.sin(2 * np.pi * t / 12), np.linspace(10, 20, 24))


def _metrics(one, multi, b1, bm):
    names = ("naive", "seasonal_naive", "holt_winters")
    return {
        "test": {"rmse": one},
        "test_multistep": {"rmse": multi},
        "info": {"n_test": 24},
        "baselines": {k: {"rmse": v} for k, v in zip(names, b1)},
        "baselines_multistep": {k: {"rmse": v} for k, v in zip(names, bm)},
    }


def test_a_long_test_span_is_written_with_thousands_separators():
    """60,000 hourly points: the verdict read "better over the 19800-step test span" beside the
    caption's "232,860 out-of-sample residuals" and the chart's "a trace of 19,848"."""
    raw = _metrics(4.5, 9.0, (3, 4, 5), (8, 2, 8))
    raw["info"]["n_test"] = 19_800
    v = judge(RunMetrics.from_dict(raw))
    assert "over the 19,800-step test span" in v.sentence and "19800" not in v.sentence


def test_verdict_rules_on_one_step_and_multi_step():
    v = judge(RunMetrics.from_dict(_metrics(1.0, 2.0, (3, 4, 5), (6, 7, 8))))
    assert v.level == "beats" and v.multistep_winner is None
    assert "one step ahead" in v.sentence and "24-step test span" in v.sentence
    v = judge(RunMetrics.from_dict(_metrics(1.0, 9.0, (3, 4, 5), (6, 7, 8))))
    assert v.level == "mixed" and v.multistep_winner == "naive"
    assert "Mixed: the model beats every baseline one step ahead" in v.sentence
    assert "but Naive (last value) is better over the 24-step test span" in v.sentence and "the model's 9" in v.sentence
    v = judge(RunMetrics.from_dict(_metrics(4.5, 9.0, (3, 4, 5), (8, 2, 8))))
    assert v.level == "loses" and v.multistep_winner == "seasonal_naive" and v.one_step_winner == "naive"
    assert v.sentence.startswith("The model loses to the baselines: Naive (last value) is better one step ahead")
    assert "Prefer Seasonal naive for a forecast ahead" in v.sentence
    assert judge(RunMetrics.from_dict({"test": {"rmse": 1.0}})).level == "none"


def test_a_narrow_call_says_how_narrow():
    """A quarterly upload's 10 test points: "the model beats every baseline one step ahead (RMSE 7.032;
    best baseline Holt-Winters 7.077)" read as a real lead at 0.6%."""
    v = judge(RunMetrics.from_dict(_metrics(7.032, 2.0, (9, 8, 7.077), (6, 7, 8))))
    assert v.level == "beats"
    assert "one step ahead, narrowly (RMSE 7.032; best baseline Holt-Winters 7.077, 0.64% apart)" in v.sentence
    assert "from its start (RMSE 2; best baseline Naive (last value) 6)." in v.sentence  # a clear lead says no gap
    v = judge(RunMetrics.from_dict(_metrics(1.0, 6.1, (3, 4, 5), (6, 7, 8))))
    assert (
        "Naive (last value) is narrowly better over the 24-step test span forecast from its start (RMSE 6 against the model's 6.1, 1.6% apart)"
        in (v.sentence)
    )
    assert judge(RunMetrics.from_dict(_metrics(1.0, 6.2, (3, 4, 5), (6, 7, 8)))).sentence.count("narrowly") == 0


def test_verdict_writes_large_rmse_without_exponent_notation():
    # incomeuk_fiscal.csv: the banner read "RMSE 2678 against the model's 1.024e+04"
    v = judge(RunMetrics.from_dict(_metrics(605.8, 10_240.4, (446.4, 500, 600), (2678.2, 3000, 4000))))
    assert "RMSE 2678 against the model's 10,240" in v.sentence and "e+" not in v.sentence
    v = judge(RunMetrics.from_dict(_metrics(1.5, 0.01234, (3.055, 4, 5), (123_456, 7e5, 8e5))))
    assert "(RMSE 1.5; best baseline Naive (last value) 3.055)" in v.sentence
    assert "(RMSE 0.01234; best baseline Naive (last value) 123,500)" in v.sentence


def test_threads_one_for_small_models_and_a_share_of_idle_cores_for_large(monkeypatch):
    assert threads.choose_threads(32, 1) == 1
    monkeypatch.setattr(threads, "available_cores", lambda: 8)
    assert threads.choose_threads(512, 2, jobs=2, idle=8.0) == 4
    assert threads.choose_threads(512, 2, jobs=1, idle=1.2) == 1
    assert threads.choose_threads(512, 2, jobs=3, idle=0.0) == 1
    monkeypatch.undo()  # the machine's own cores: idle ones are never more than this process may use
    assert 0.0 <= threads.idle_cores(0.01) <= threads.available_cores()


def test_residual_quantiles_use_the_finite_sample_level_and_grow():
    groups = [np.arange(1.0, 20.0), np.arange(2.0, 21.0), np.zeros(0), np.zeros(0)]
    q = fc.residual_quantiles(groups, alpha=0.1)
    # 19 residuals: level ceil(20 * 0.9) / 19 = 18/19 -> the 18th smallest
    assert q[0] == 18.0 and q[1] == 19.0
    assert q[2] == pytest.approx(19.0 * np.sqrt(3 / 2)) and q[3] == pytest.approx(19.0 * np.sqrt(4 / 2))


def _threads_seen_by_fit_run(cfg: RunConfig, before: int) -> tuple[set[int], int]:
    """Run ``fit_run`` on a fresh thread whose torch thread count is ``before``: the counts seen
    at the end of each epoch, and the count on that thread after the call."""
    seen: set[int] = set()
    after: list[int] = []

    def work():
        torch.set_num_threads(before)
        y = np.sin(np.arange(80) / 3) + 5
        fit_run(_monthly(y), cfg, callbacks=Callbacks(on_epoch=lambda _s: seen.add(torch.get_num_threads())))
        after.append(torch.get_num_threads())

    t = threading.Thread(target=work)
    t.start()
    t.join()
    assert after, "fit_run raised on its thread"
    return seen, after[0]


def test_fit_run_trains_a_small_model_on_one_thread_and_gives_the_callers_count_back():
    cfg = _tiny_auto(0)
    cfg.data.transform = "none"
    assert _threads_seen_by_fit_run(cfg, before=3) == ({1}, 3)
    big = _tiny_auto(0)
    big.data.transform, big.model.hidden_size, big.model.num_layers, big.train.epochs = "none", 160, 2, 2
    assert not threads.is_small(160, 2)
    assert _threads_seen_by_fit_run(big, before=3) == ({3}, 3)  # a large model keeps the caller's choice


def _tiny_auto(seed: int) -> RunConfig:
    cfg = RunConfig()
    cfg.model.hidden_size, cfg.train.epochs, cfg.train.ensemble, cfg.train.seed = 4, 4, 1, seed
    cfg.data.look_back = 6
    return cfg


def test_the_chosen_representation_does_not_depend_on_the_seed():
    t = np.arange(160)
    y = (100 + t) * (1 + 0.2 * np.sin(2 * np.pi * t / 12)) + np.random.default_rng(3).normal(0, 2, 160)
    frame = _monthly(y)
    a, bt_a = choose_representation(Series(frame, season=12), _tiny_auto(0), torch.device("cpu"))
    b, _ = choose_representation(Series(frame, season=12), _tiny_auto(7), torch.device("cpu"))
    assert a == b and bt_a is not None and bt_a.ranks
    # the backtest trained the null ranking's five and the best plain level representation,
    # and the run keeps the best five of them, best first
    train_end, test_start = split_points(160, 0.1, 0.33)
    ranked = strategy.rank_transforms(y[:test_start], train_end, 12, True, 6, 6)
    undamped = lambda tr: replace(tr, damp=1.0, reason="").name  # noqa: E731 - a candidate, however damped
    assert {undamped(s.transform) for s in bt_a.scores} == {t.name for t in strategy.shortlist(ranked, True)}
    # this series' level candidates rank below the five; the best last-value one joins them
    assert len(bt_a.scores) == strategy.SHORTLIST + 2
    assert sum(s.transform.window_last for s in bt_a.scores) == 1
    top = [s.transform for s in bt_a.scores[: strategy.SHORTLIST]]
    expected = strategy.combo_check(bt_a, top, [s.transform for s in bt_a.scores])
    assert [t.name for t in a] == [t.name for t in expected] and len(a) == strategy.SHORTLIST
    assert a[0].reason.startswith("auto: ") and f"ranked 1 of {strategy.SHORTLIST + 2}" in a[0].reason
    order = [s.transform.name for s in bt_a.scores]  # each says its own place in the backtest's ranking
    assert all(f"ranked {order.index(t.name) + 1} of {len(order)} " in t.reason for t in a)
    assert len(bt_a.truth) == len(bt_a.forecasts[a[0].name]) > 0
    names = [s.transform.name for s in bt_a.scores]
    np.testing.assert_allclose(
        bt_a.combined(names[:2])[0], (bt_a.forecasts[names[0]][0] + bt_a.forecasts[names[1]][0]) / 2
    )


def test_a_stop_during_the_backtest_ends_the_run_quickly():
    y = np.sin(np.arange(200) / 3) + 5
    stop = threading.Event()
    stop.set()
    cfg = _tiny_auto(0)
    cfg.train.epochs = 100_000
    with pytest.raises(Stopped):  # nothing trained: no untrained run is evaluated and kept
        fit_run(_monthly(y), cfg, callbacks=Callbacks(stop=stop))


def _two_members(y: np.ndarray) -> list:
    """Two untrained members of different representations (neither judged by the range guard)."""
    from lstm_core.combine import Member

    cfg = DataConfig(look_back=12, horizon=4)
    members = []
    for tr in (Transform(log=True, lag=12), Transform(lag=1, window_norm=True)):
        prep = prepare(Series(_monthly(y), season=12), cfg, transform=tr)
        torch.manual_seed(len(members))
        members.append(Member(prep, build_model(RunConfig(data=cfg), prep, members=1)))
    return members


def test_a_combination_averages_its_members_in_original_units():
    from lstm_core.combine import Combination

    t = np.arange(96)
    y = (100 + 2 * t) * (1 + 0.2 * np.sin(2 * np.pi * t / 12)) + np.random.default_rng(4).normal(0, 2, 96)
    members = _two_members(y)
    combo = Combination(members)
    origins = np.array([70, 75])
    each = [m.prep.y_from_z(fc.recursive_z(m.model, m.prep, origins, 9)) for m in members]
    np.testing.assert_allclose(combo.forecast_y(origins, 9), (each[0] + each[1]) / 2)
    np.testing.assert_allclose(combo.forecast_z(origins, 9), np.log((each[0] + each[1]) / 2))  # member 0's log scale
    t1, y1 = Combination(members, one_step="equal").one_step("test")
    t0, a = fc.one_step(members[0].model, members[0].prep, "test")
    _, b = fc.one_step(members[1].model, members[1].prep, "test")
    np.testing.assert_array_equal(t1, t0)
    np.testing.assert_allclose(y1, (a + b) / 2)
    t_tr, _ = combo.one_step("train")
    assert t_tr[0] == 24  # lag 12 + look-back 12: the first point both members can predict
    # one-step: each member weighted by the inverse of its one-step squared error on the validation part
    tv, va = fc.one_step(members[0].model, members[0].prep, "val")
    _, vb = fc.one_step(members[1].model, members[1].prep, "val")
    inv = 1 / np.array([np.mean((va - y[tv]) ** 2), np.mean((vb - y[tv]) ** 2)])
    w = combo.one_step_weights()
    np.testing.assert_allclose(w, inv / inv.sum())
    assert abs(w[0] - w[1]) > 0.01  # two different members are not weighed alike
    t2, y2 = combo.one_step("test")
    np.testing.assert_array_equal(t2, t0)
    np.testing.assert_allclose(y2, w[0] * a + w[1] * b)


def _climbing_level_and_window_mean() -> tuple[np.ndarray, list]:
    """A random walk (150 months) whose test part climbs out of the range it trained on, then some;
    and two untrained members of one output over 8 points: on its levels, and on the values less
    each window's mean."""
    from lstm_core.combine import Member

    rng = np.random.default_rng(11)
    y = 100 + np.cumsum(rng.normal(0, 1, 150))
    y[100:] += np.linspace(0, 40, 50)
    cfg = DataConfig(look_back=8, horizon=1)
    members = []
    for tr in (Transform(), Transform(window_norm=True)):
        prep = prepare(Series(_monthly(y)), cfg, transform=tr)
        torch.manual_seed(len(members))
        members.append(Member(prep, build_model(RunConfig(data=cfg), prep, members=1)))
    return y, members


def test_a_level_member_beyond_its_training_range_is_left_out_of_those_one_step_predictions():
    """A random walk that climbs out of the range it trained on: at those points the level
    member's one-step prediction is dropped and the window-mean member's stands alone."""
    from lstm_core.combine import RANGE_GUARD, Combination

    y, members = _climbing_level_and_window_mean()
    level = members[0].prep
    seen = y[: level.train_end]
    room = RANGE_GUARD * (seen.max() - seen.min())
    t, guarded = Combination(members).one_step("test")
    _, plain = Combination(members, one_step="validation").one_step("test")
    window = np.array([y[i - 8 : i] for i in t])  # (n, 8) the level member's inputs, original units
    out = (window.max(axis=1) > seen.max() + room) | (window.min(axis=1) < seen.min() - room)
    assert 0 < out.sum() < len(t)  # both kinds of points are in the test part
    np.testing.assert_array_equal(members[0].beyond_training_range(t, RANGE_GUARD), out)
    assert not members[1].beyond_training_range(t, RANGE_GUARD).any()  # window means are not judged
    _, alone = fc.one_step(members[1].model, members[1].prep, "test")
    np.testing.assert_allclose(guarded[out], alone[out])
    np.testing.assert_allclose(guarded[~out], plain[~out])
    assert not np.allclose(guarded[out], plain[out])
    note = Combination(members).range_note(t)
    assert note is not None and note.startswith(f"At {out.sum()} of {len(t)} test points the series had left the range")
    assert "that 1 network on it trained on; its one-step predictions were left out there" in note
    assert Combination(members, one_step="validation").range_note(t) is None


def test_the_range_note_names_what_the_networks_read():
    """A level member on the series less its seasonal profile: what left the range is that, not the series
    (a daily cycle whose noise left the training part's range read "the series had left the range" beside a
    chart of the series inside it)."""
    from lstm_core.combine import RANGE_GUARD, Combination, Member

    y, plain = _climbing_level_and_window_mean()
    cfg = DataConfig(look_back=8, horizon=1)
    prep = prepare(Series(_monthly(y)), cfg, transform=Transform(deseason=12))
    torch.manual_seed(0)
    members = [Member(prep, build_model(RunConfig(data=cfg), prep, members=1)), plain[1]]
    t, _ = Combination(members).one_step("test")
    note = Combination(members).range_note(t)
    hit = members[0].beyond_training_range(t, RANGE_GUARD)
    assert hit.any()
    assert note is not None and note.startswith(
        f"At {hit.sum()} of {len(t)} test points the series less its seasonal profile (12 steps) had left the range "
        "that 1 network on it trained on; its one-step predictions were left out there"
    )


def test_a_level_member_whose_window_at_an_origin_is_beyond_its_training_range_is_left_out_of_those_paths():
    """A series that climbs out of the range it trained on: from an origin whose window lies past it
    (the end of the data among them, where the forecast ahead starts) the level member's path is
    left out and the window-mean member's stands alone; it was averaged in (a forecast ahead half-way
    between the training range and the data's last level)."""
    from lstm_core.combine import PATH_RANGE_GUARD, Combination, Member

    _, members = _climbing_level_and_window_mean()
    ranged, guarded = Combination(members, paths="ranged"), Combination(members, paths="guarded")
    origins = np.arange(members[0].prep.test_start, 150)
    out = members[0].beyond_training_range(origins, PATH_RANGE_GUARD)
    assert 0 < out.sum() < len(origins) and not members[1].beyond_training_range(origins, PATH_RANGE_GUARD).any()
    each = [m.prep.y_from_z(fc.recursive_z(m.model, m.prep, origins, 6)) for m in members]  # (M, 6) each
    np.testing.assert_array_equal(ranged.paths_out_of_range(origins), np.array([out, np.zeros_like(out)]))
    np.testing.assert_allclose(ranged.forecast_y(origins, 6)[out], each[1][out])
    np.testing.assert_allclose(ranged.forecast_y(origins, 6)[~out], ((each[0] + each[1]) / 2)[~out])
    np.testing.assert_allclose(guarded.forecast_y(origins, 6), (each[0] + each[1]) / 2)
    assert guarded.paths_out_of_range(origins) is not None  # the test; only "ranged" acts on it
    end = np.array([150])  # the forecast ahead: the data's last window is past the training range
    assert members[0].beyond_training_range(end, PATH_RANGE_GUARD)[0]
    alone = members[1].prep.y_from_z(fc.recursive_z(members[1].model, members[1].prep, end, 6))[0]
    np.testing.assert_allclose(ranged.future(6, np.zeros(6))["forecast"], alone)
    assert not np.allclose(guarded.future(6, np.zeros(6))["forecast"], alone)
    # both members out: the origin keeps them both
    both = [members[0], Member(members[0].prep, members[1].model)]
    assert Combination(both, paths="ranged").paths_out_of_range(end) is None


def test_a_standby_member_stands_in_only_where_every_level_member_is_beyond_its_range():
    from lstm_core.combine import RANGE_GUARD, Combination, Member

    rng = np.random.default_rng(11)
    y = 100 + np.cumsum(rng.normal(0, 1, 150))
    y[100:] += np.linspace(0, 40, 50)
    cfg = DataConfig(look_back=8, horizon=1)
    members = []
    for tr in (Transform(), Transform(log=True), Transform(window_norm=True)):
        prep = prepare(Series(_monthly(y)), cfg, transform=tr)
        torch.manual_seed(len(members))
        members.append(Member(prep, build_model(RunConfig(data=cfg), prep, members=1)))
    members[2] = Member(members[2].prep, members[2].model, one_step_only=True, standby=True)
    combo = Combination(members)
    w = combo.one_step_weights()
    assert w[2] == 0 and abs(w[:2].sum() - 1) < 1e-12  # it takes no part where a level member is in range
    t, got = combo.one_step("test")
    out = np.array([m.beyond_training_range(t, RANGE_GUARD) for m in members[:2]])  # (2, n)
    assert out.all(axis=0).any() and (~out.all(axis=0)).any()
    each = np.array([fc.one_step(m.model, m.prep, "test")[1] for m in members])  # (3, n)
    kept = np.where(out, 0.0, w[:2, None])  # (2, n) the in-range members' weights
    mixed = np.sum(kept * each[:2], axis=0) / np.maximum(kept.sum(axis=0), 1e-300)
    expected = np.where(out.all(axis=0), each[2], mixed)
    np.testing.assert_allclose(got, expected)
    assert f"at {int(out.all(axis=0).sum())} of them where no other representation was left" in combo.range_note(t)
    # without the standby, where both are out the usual weights stay
    _, plain = Combination(members[:2]).one_step("test")
    both = out.all(axis=0)
    np.testing.assert_allclose(plain[both], (w[:2] @ each[:2])[both])


def test_a_standby_member_takes_the_share_of_each_level_member_beyond_its_range():
    """``one_step="stand-in"`` (new runs): the standby is weighed in by validation error like the
    others, and at each point it also gets the weights of the level members that are out there."""
    from lstm_core.combine import RANGE_GUARD, Combination, Member

    rng = np.random.default_rng(11)
    y = 100 + np.cumsum(rng.normal(0, 1, 150))
    y[100:] += np.linspace(0, 40, 50)
    cfg = DataConfig(look_back=8, horizon=1)
    members = []
    for tr in (Transform(), Transform(window_norm=True), Transform(lag=1)):
        prep = prepare(Series(_monthly(y)), cfg, transform=tr)
        torch.manual_seed(len(members))
        members.append(Member(prep, build_model(RunConfig(data=cfg), prep, members=1)))
    members[2] = Member(members[2].prep, members[2].model, one_step_only=True, standby=True)
    combo = Combination(members, one_step="stand-in")
    w = combo.one_step_weights()
    t, got = combo.one_step("test")
    out = members[0].beyond_training_range(t, RANGE_GUARD)  # (n,) only the level member is judged
    assert out.any() and (~out).any()
    each = np.array([fc.one_step(m.model, m.prep, "test")[1] for m in members])  # (3, n)
    assert w[2] > 0 and abs(w.sum() - 1) < 1e-12
    expected = np.where(out, w[0] * each[2], w[0] * each[0]) + w[1] * each[1] + w[2] * each[2]
    np.testing.assert_allclose(got, expected)
    note = combo.range_note(t)
    assert note.endswith(
        f"trained on; its one-step predictions were left out there and a standby network on the representation "
        f"'difference at lag 1' took its share at {out.sum()} of them."
    )
    # the sessions 16-17 rule on the same members: the window-mean member fills the place alone
    _, old = Combination(members, one_step="guarded").one_step("test")
    np.testing.assert_allclose(old[out], each[1][out])


def test_online_weights_come_from_the_errors_before_each_test_point():
    """``one_step="online"``: at each test point the weights are the inverse squared mean squared
    errors over the validation part and the test points before it, older ones discounted."""
    from lstm_core.combine import ONLINE_DECAY, ONLINE_POWER, Combination

    t_ = np.arange(120)
    y = 50 + 10 * np.sin(2 * np.pi * t_ / 12) + 0.2 * t_ + np.random.default_rng(12).normal(0, 1, 120)
    combo = Combination(_two_members(y), one_step="online")
    tv, yv = combo._one_step_each("val")
    t, ys = combo._one_step_each("test")
    ev, et = (yv - y[tv]) ** 2, (ys - y[t]) ** 2  # (2, n_val), (2, n)
    expected = np.empty_like(ys)
    for i in range(len(t)):
        age = ONLINE_DECAY ** np.arange(i - 1, -1, -1)  # (i,) the test points before i, newest last
        mse = (ONLINE_DECAY**i * ev.sum(axis=1) + et[:, :i] @ age) / (ONLINE_DECAY**i * ev.shape[1] + age.sum())
        inv = mse**-ONLINE_POWER
        expected[:, i] = inv / inv.sum()
    w = combo.online_weights(t, ys)
    np.testing.assert_allclose(w, expected)
    np.testing.assert_allclose(w[:, 0], combo.one_step_weights())  # the validation part's, squared
    assert np.ptp(w[0]) > 0.01  # the weights move over the test part
    _, got = combo.one_step("test")
    np.testing.assert_allclose(got, np.sum(w * ys, axis=0))
    # the train and validation parts keep the validation weights
    t_val, y_val = combo.one_step("val")
    np.testing.assert_allclose(y_val, combo.one_step_weights() @ yv)
    # the other weightings keep one set of weights throughout
    assert Combination(combo.members, one_step="stand-in").online_weights(t, ys) is None


def test_a_test_point_sets_only_the_weights_after_it():
    from lstm_core.combine import Combination

    t_ = np.arange(120)
    y = 50 + 10 * np.sin(2 * np.pi * t_ / 12) + 0.2 * t_ + np.random.default_rng(13).normal(0, 1, 120)
    combo = Combination(_two_members(y), one_step="online")
    t, ys = combo._one_step_each("test")
    k = len(t) // 2
    ys2 = ys.copy()
    ys2[1, k] += 5.0  # one member's prediction, so its error, at point k changes
    w, w2 = combo.online_weights(t, ys), combo.online_weights(t, ys2)
    np.testing.assert_array_equal(w[:, : k + 1], w2[:, : k + 1])  # up to and at that point: as before
    assert w2[1, k + 1] < w[1, k + 1] - 1e-4  # after it: that member's larger error counts against it


class _Fixed:
    """A combination whose members' one-step predictions are given (members, n) per part."""

    def __init__(self, y: np.ndarray, parts: dict[str, tuple[np.ndarray, np.ndarray]]):
        from lstm_core.combine import Combination

        self.combo = Combination(_two_members(y), one_step="online")
        self.combo._one_step_each = lambda part: parts[part]  # type: ignore[method-assign]


def test_online_weights_move_to_the_member_that_does_better_on_the_test_part():
    """A member that was the better one on the validation part but is worse on the test part
    loses its weight over the test part; with the fixed weights it keeps it."""
    from lstm_core.combine import Combination

    rng = np.random.default_rng(14)
    y = 100 + rng.normal(0, 1, 120)
    tv, t = np.arange(80, 96), np.arange(96, 120)
    good_then_bad = np.concatenate([y[tv] + rng.normal(0, 0.2, 16), y[t] + rng.normal(0, 3.0, 24)])
    steady = y[np.concatenate([tv, t])] + rng.normal(0, 1.0, 40)
    pred = np.array([good_then_bad, steady])  # (2, 40)
    fixed = _Fixed(y, {"val": (tv, pred[:, :16]), "test": (t, pred[:, 16:])}).combo
    w = fixed.online_weights(t, pred[:, 16:])
    assert w[0, 0] > 0.9 and w[0, -1] < 0.2  # validation's favourite, then the other
    _, online = fixed.one_step("test")
    frozen = Combination(fixed.members, one_step="stand-in")
    frozen._one_step_each = fixed._one_step_each  # type: ignore[method-assign]
    _, kept = frozen.one_step("test")
    half = slice(12, None)  # once the weights have moved
    assert np.sqrt(np.mean((online[half] - y[t][half]) ** 2)) < 0.7 * np.sqrt(np.mean((kept[half] - y[t][half]) ** 2))


def test_each_network_runs_its_own_recursion_and_the_paths_are_averaged():
    from lstm_core.combine import Combination, Member

    t = np.arange(96)
    y = 50 + 10 * np.sin(2 * np.pi * t / 12) + 0.3 * t + np.random.default_rng(6).normal(0, 1, 96)
    cfg = DataConfig(look_back=12, horizon=3)
    prep = prepare(Series(_monthly(y), season=12), cfg, transform=Transform(log=True, lag=1))
    torch.manual_seed(3)
    ens = build_model(RunConfig(data=cfg), prep, members=2)
    assert isinstance(ens, Ensemble)
    origins = np.array([60, 70])
    own = [prep.y_from_z(fc.recursive_z(net, prep, origins, 10)) for net in ens.members]
    by_paths = Combination([Member(prep, ens)]).forecast_y(origins, 10)
    np.testing.assert_allclose(by_paths, (own[0] + own[1]) / 2)
    inside = Combination([Member(prep, ens)], paths="inside").forecast_y(origins, 10)
    np.testing.assert_allclose(inside, prep.y_from_z(fc.recursive_z(ens, prep, origins, 10)))
    # the first block is the same (the mean output); past it, a mean fed back is not the mean path
    np.testing.assert_allclose(by_paths[:, 0], inside[:, 0], rtol=1e-4)
    assert not np.allclose(by_paths[:, 3:], inside[:, 3:])
    with pytest.raises(ValueError, match="Unknown path combination"):
        Combination([Member(prep, ens)], paths="mean")


def test_with_five_members_the_highest_and_lowest_forecast_of_each_point_are_dropped():
    from lstm_core.combine import TRIM_MEMBERS, Combination, Member

    t = np.arange(96)
    y = 50 + 10 * np.sin(2 * np.pi * t / 12) + 0.3 * t + np.random.default_rng(7).normal(0, 1, 96)
    cfg = DataConfig(look_back=12, horizon=3)
    prep = prepare(Series(_monthly(y), season=12), cfg, transform=Transform(lag=1))
    members = []
    for k in range(TRIM_MEMBERS):
        rc = RunConfig(data=cfg)
        rc.train.seed = k  # untrained networks of different seeds: different forecasts
        members.append(Member(prep, build_model(rc, prep, members=1)))
    origins = np.array([60, 70])
    each = np.array([prep.y_from_z(fc.recursive_z(m.model, prep, origins, 8)) for m in members])  # (5, 2, 8)
    srt = np.sort(each, axis=0)
    trimmed = Combination(members).forecast_y(origins, 8)
    np.testing.assert_allclose(trimmed, srt[1:-1].mean(axis=0))
    np.testing.assert_allclose(Combination(members, paths="networks").forecast_y(origins, 8), each.mean(axis=0))
    assert not np.allclose(trimmed, each.mean(axis=0))
    # four members that do not run off: a plain mean
    np.testing.assert_allclose(Combination(members[:4]).forecast_y(origins, 8), each[:4].mean(axis=0))


def test_with_three_or_four_members_a_member_that_runs_off_is_left_out_of_those_points():
    from lstm_core.combine import RUNOFF_RANGES, Combination, Member

    t = np.arange(96)
    y = 50 + 10 * np.sin(2 * np.pi * t / 12) + np.random.default_rng(3).normal(0, 1, 96)
    cfg = DataConfig(look_back=12, horizon=3)
    prep = prepare(Series(_monthly(y), season=12), cfg, transform=Transform())
    span = float(np.ptp(y[: prep.train_end]))
    members = [Member(prep, build_model(RunConfig(data=cfg), prep, members=1)) for _ in range(4)]
    # member paths (M=1 origin, 6 steps): two near 50, one that falls away step by step
    steady = np.full((1, 6), 50.0)
    falling = 50.0 - span * np.arange(6)[None, :] * 0.2  # beyond RUNOFF_RANGES ranges from step 3 on
    paths = {0: steady, 1: steady + 1.0, 2: falling, 3: steady - 1.0}

    class Fixed(Combination):
        def _member_y(self, m, origins, steps):
            return paths[[id(x) for x in self.members].index(id(m))][:, :steps]

    three = Fixed(members[:3]).forecast_y(np.array([60]), 6)[0]
    far = np.abs(falling[0] - 50.0) > RUNOFF_RANGES * span  # 50: the median of the three once it falls
    assert far.any() and not far.all()
    np.testing.assert_allclose(three[far], 50.5)  # the run-off member left out: the mean of the other two
    plain = (steady[0] + steady[0] + 1.0 + falling[0]) / 3
    np.testing.assert_allclose(three[~far], plain[~far])  # close to the others: in the mean
    # four members: the same rule; with "networks" paths, or "trimmed" (runs saved before the rule), every member stays in
    four = Fixed(members).forecast_y(np.array([60]), 6)[0]
    far4 = np.abs(falling[0] - 49.5) > RUNOFF_RANGES * span  # 49.5: the median of the four once it falls
    assert far4.any()
    np.testing.assert_allclose(four[far4], 50.0)
    for mode in ("networks", "trimmed"):
        np.testing.assert_allclose(Fixed(members[:3], paths=mode).forecast_y(np.array([60]), 6)[0], plain)


def test_the_backtest_also_judges_the_best_level_representation():
    a, b, c = Transform(lag=1), Transform(lag=12, window_norm=True), Transform(window_norm=True)
    level, log_level = Transform(deseason=12), Transform(log=True)
    ranked = [strategy.Scored(t, float(k)) for k, t in enumerate([a, b, c, level, log_level])]
    names = lambda ts: [t.name for t in ts]  # noqa: E731
    assert names(strategy.shortlist(ranked, True, k=3)) == names([a, b, c, level])  # the best level only
    assert names(strategy.shortlist(ranked, False, k=3)) == names([a, b, c])  # no ranking: the null order
    assert names(strategy.shortlist(ranked, True, k=4)) == names([a, b, c, level])  # already in: nothing added
    assert names(strategy.shortlist(ranked[:3], True, k=3)) == names([a, b, c])  # no level candidate


def test_a_short_series_is_decided_by_the_null_ranking():
    t = np.arange(72)
    y = 50 + 10 * np.sin(2 * np.pi * t / 12) + np.random.default_rng(5).normal(0, 1, 72)
    reps, bt = choose_representation(Series(_monthly(y), season=12), _tiny_auto(0), torch.device("cpu"))
    assert "null forecasts" in reps[0].reason and "too few points" in reps[0].reason
    ranked = [s.transform.name for s in strategy.rank_transforms(y[:48], 41, 12, True, 6, 6)[: strategy.SHORTLIST]]
    # its networks did train before the cut-off: their residuals calibrate, in the null order
    assert bt is not None and not bt.ranks and [s.transform.name for s in bt.scores] == ranked
    # and they screen: the null order, less those that missed by over SCREEN_RATIO x the best or
    # SKILL_RATIO x the naive forecasts (the best one stays)
    best = min(s.score for s in bt.scores)
    limit = max(best, min(strategy.SCREEN_RATIO * best, strategy.SKILL_RATIO * bt.reference))
    assert 0 < bt.reference < math.inf
    kept = [s.transform.name for s in bt.scores if s.score <= limit]
    assert [r.name for r in reps] == kept and 1 <= len(kept) < strategy.SHORTLIST
    assert all(f"kept among the {len(kept)} whose networks' backtest error" in r.reason for r in reps)


def test_with_short_damp_a_short_series_keeps_the_damping_its_backtest_network_scored_best_with(monkeypatch):
    """strategy.SHORT_DAMP (off as shipped, measured in benchmarks/bench_short_damp.py): a
    differenced candidate kept on a short series takes the damping its backtest scored it with, and
    the screen judges it by that score under its undamped name."""
    monkeypatch.setattr(strategy, "SHORT_DAMP", True)
    t = np.arange(72)
    y = 50 + 0.8 * t + 6 * np.sin(2 * np.pi * t / 12) + np.random.default_rng(1).normal(0, 1, 72)
    reps, bt = choose_representation(Series(_monthly(y), season=12), _tiny_auto(0), torch.device("cpu"))
    assert bt is not None and not bt.ranks
    assert any(r.damp < 1 for r in reps)  # this series' kept candidates include a damped one
    scored = {replace(s.transform, damp=1.0).name: s.transform.damp for s in bt.scores}
    assert reps and all(r.damp == scored[replace(r, damp=1.0).name] for r in reps)
    assert {s.transform.name for s in bt.scores} >= {r.name for r in reps}  # the names the backtest forecasts carry
    assert all(r.damp == 1.0 for r in reps if not r.lag)  # only differenced candidates are damped
    monkeypatch.setattr(strategy, "SHORT_DAMP", False)
    plain, plain_bt = choose_representation(Series(_monthly(y), season=12), _tiny_auto(0), torch.device("cpu"))
    assert plain_bt is not None and all(s.transform.damp == 1.0 for s in plain_bt.scores)
    assert all(r.damp == 1.0 for r in plain)


def test_where_the_backtest_ranks_only_a_candidate_far_worse_than_naive_is_left_out(monkeypatch):
    from lstm_core import pipeline

    monkeypatch.setattr(strategy, "LAST_ANCHOR", "off")  # the screens alone (the last-value check: below)

    real = pipeline.backtest
    seen = {}

    def scored(frame, cfg, season, shortlist, test_start, test_len, train_one, stop=None):
        bt = real(frame, cfg, season, shortlist, test_start, test_len, train_one, stop)
        # the real backtest's candidates and order, with scores set: 1, 2, ..., one of them ran off
        bt.scores = [strategy.Scored(s.transform, float(k + 1)) for k, s in enumerate(bt.scores)]
        bt.reference = 2.0  # the naive forecasts' error: 4.0 is the limit
        bt.scores[-1].score = strategy.SKILL_RATIO * bt.reference * 1.01
        bt.scores[-2].score = strategy.SKILL_RATIO * bt.reference * 0.99
        seen["bt"] = bt
        return bt

    monkeypatch.setattr(pipeline, "backtest", scored)
    monkeypatch.setattr(pipeline, "LEVEL_RATIO", math.inf)  # the skill limit alone (the level one: below)
    t = np.arange(160)
    y = 100 + 10 * np.sin(2 * np.pi * t / 12) + np.random.default_rng(4).normal(0, 1, 160)
    reps, bt = choose_representation(Series(_monthly(y), season=12), _tiny_auto(0), torch.device("cpu"))
    names = [s.transform.name for s in seen["bt"].scores]
    assert bt is seen["bt"] and bt.ranks and len(names) == strategy.SHORTLIST
    assert [r.name for r in reps] == names[:-1]  # 1.98x the naive forecasts' error stays, 2.02x is left out
    assert "kept among the 4 within 2x the naive forecasts' error" in reps[0].reason
    cfg = _tiny_auto(0)
    cfg.train.ensemble = 2 * strategy.SHORTLIST
    run = fit_run(Series(_monthly(y), season=12), cfg)
    assert [m.prep.transform.name for m in run.members] == names[:-1]
    assert [m.networks for m in run.members] == [3, 3, 2, 2]  # its networks go to the others


def test_where_the_backtest_ranks_a_level_representation_far_worse_than_the_best_is_left_out(monkeypatch):
    from lstm_core import pipeline

    monkeypatch.setattr(strategy, "LAST_ANCHOR", "off")  # the screens alone (the last-value check: below)

    real = pipeline.backtest
    seen = {}

    def scored(frame, cfg, season, shortlist, test_start, test_len, train_one, stop=None):
        bt = real(frame, cfg, season, shortlist, test_start, test_len, train_one, stop)
        # every candidate within the naive forecasts' limit; the level ones just over the level limit
        bt.reference = 100.0
        for s in bt.scores:
            s.score = (strategy.LEVEL_RATIO * 1.01) if strategy.is_level(s.transform) else 1.0
        bt.scores.sort(key=lambda s: s.score)
        seen["bt"] = bt
        return bt

    monkeypatch.setattr(pipeline, "backtest", scored)
    t = np.arange(160)
    y = 100 + 10 * np.sin(2 * np.pi * t / 12) + np.random.default_rng(4).normal(0, 1, 160)
    reps, bt = choose_representation(Series(_monthly(y), season=12), _tiny_auto(0), torch.device("cpu"))
    levels = [s.transform.name for s in bt.scores[: strategy.SHORTLIST] if strategy.is_level(s.transform)]
    others = [s.transform.name for s in bt.scores[: strategy.SHORTLIST] if not strategy.is_level(s.transform)]
    assert bt is seen["bt"] and bt.ranks and levels and others
    assert [r.name for r in reps] == others  # the level ones, at 1.01x the level limit, are left out
    assert f"level ones within {strategy.LEVEL_RATIO:g}x the best" in reps[0].reason
    # just under the limit they stay
    monkeypatch.setattr(pipeline, "LEVEL_RATIO", strategy.LEVEL_RATIO * 1.02)
    reps, _ = choose_representation(Series(_monthly(y), season=12), _tiny_auto(0), torch.device("cpu"))
    assert sorted(r.name for r in reps) == sorted(levels + others)


def test_screening_drops_only_candidates_that_missed_by_far():
    a, b, c, d = Transform(), Transform(lag=1), Transform(lag=12), Transform(deseason=12)
    bt = strategy.Backtest(scores=[strategy.Scored(a, 10.0), strategy.Scored(b, 15.0), strategy.Scored(c, 15.1)])
    # d has no score (it could not be trained before the cut-off): kept; the order is the shortlist's
    assert strategy.screen(bt, [d, c, b, a]) == [d, b, a]
    assert strategy.screen(bt, [a, b, c], ratio=2.0) == [a, b, c]
    assert strategy.screen(strategy.Backtest(), [c, a]) == [c, a]  # no scores: nothing to screen by
    # against the naive forecasts: over SKILL_RATIO x their error is left out, whatever the best
    bt.reference = 7.0
    assert strategy.screen(bt, [d, c, b, a], ratio=math.inf) == [d, a]
    bt.reference = 4.0  # every scored candidate loses to them by that much: the best one stays
    assert strategy.screen(bt, [d, c, b, a], ratio=math.inf) == [d, a]
    # a perfect backtest (score 0) with no limit to the best: nothing is lost to 0 x inf
    perfect = strategy.Backtest(scores=[strategy.Scored(a, 0.0), strategy.Scored(b, 1.0)], reference=1.0)
    assert strategy.screen(perfect, [a, b], ratio=math.inf) == [a, b]
    assert strategy.screen(perfect, [a, b], ratio=math.inf, skill=math.inf) == [a, b]
    perfect.reference = 0.0  # the naive forecasts are perfect too: only the best stays
    assert strategy.screen(perfect, [a, b], ratio=math.inf) == [a]
    # level representations (a, d: no differencing, no window mean) have a limit of their own
    lv = strategy.Backtest(
        scores=[strategy.Scored(b, 10.0), strategy.Scored(d, 12.4), strategy.Scored(c, 13.0), strategy.Scored(a, 12.6)],
        reference=100.0,
    )
    assert strategy.screen(lv, [b, d, c, a], ratio=math.inf, level_ratio=1.25) == [b, d, c]
    assert strategy.screen(lv, [b, d, c, a], ratio=math.inf) == [b, d, c, a]  # no level limit by default
    best_level = strategy.Backtest(scores=[strategy.Scored(a, 10.0), strategy.Scored(b, 20.0)], reference=100.0)
    assert strategy.screen(best_level, [a, b], ratio=math.inf, level_ratio=1.25) == [a, b]  # the best stays


def test_the_reference_is_the_better_of_the_naive_and_seasonal_naive_forecasts():
    y = np.array([1.0, 5.0, 2.0, 6.0, 3.0, 7.0, 4.0, 8.0])  # season 2: odd steps high
    origins = np.array([4, 5])
    truth = [y[origins], y[origins[:1] + 1]]  # horizon 1 from both, horizon 2 from the first
    naive = np.sqrt(np.mean(np.concatenate([(truth[0] - y[origins - 1]) ** 2, (truth[1] - y[3:4]) ** 2])))
    # seasonal naive: y[4] <- y[2], y[5] <- y[3]; two steps from 4: y[5] <- y[3]
    snaive = np.sqrt(np.mean([(3 - 2) ** 2, (7 - 6) ** 2, (7 - 6) ** 2]))
    assert strategy.reference_rmse(y, origins, truth, 2) == pytest.approx(min(naive, snaive)) == pytest.approx(1.0)
    assert strategy.reference_rmse(y, origins, truth, None) == pytest.approx(naive)
    assert strategy.reference_rmse(y, origins, [], 2) == math.inf


def test_the_backtest_weighs_its_errors_pooled_or_by_horizon(monkeypatch):
    """Pooled, a horizon scored from more origins weighs more; by horizon, each horizon's mean squared
    error counts once, as the test span's RMSE from one origin counts each step; the naive reference is
    weighed the same way as the candidates it is compared with."""
    squared = [np.array([1.0, 1.0, 1.0]), np.array([9.0])]  # 1 step ahead from three origins, 2 steps from one
    assert strategy.BACKTEST_WEIGHTS == "pooled"
    assert strategy.backtest_rmse(squared) == pytest.approx(math.sqrt(12 / 4))
    assert strategy.backtest_rmse([np.array([]), np.array([])]) == math.inf
    monkeypatch.setattr(strategy, "BACKTEST_WEIGHTS", "horizons")
    assert strategy.backtest_rmse(squared) == pytest.approx(math.sqrt((1 + 9) / 2))
    y = np.array([1.0, 5.0, 2.0, 6.0, 3.0, 7.0, 4.0, 8.0])
    origins = np.array([4, 5])
    truth = [y[origins], y[origins[:1] + 1]]
    # naive: 1 step from 4 and 5 (3 - 6, 7 - 3), 2 steps from 4 (7 - 6)
    naive = math.sqrt((((3 - 6) ** 2 + (7 - 3) ** 2) / 2 + (7 - 6) ** 2) / 2)
    assert strategy.reference_rmse(y, origins, truth, None) == pytest.approx(naive)


def test_thread_claims_of_other_processes_are_counted_and_stale_ones_dropped(monkeypatch, tmp_path):
    import os
    import subprocess
    import sys

    monkeypatch.setattr(threads, "CLAIMS_DIR", tmp_path)
    # a live neighbour process holding a claim (not a wait): it blocks on its stdin, which nobody
    # writes, until the test kills it (no timer that a slow machine could outlast)
    other = subprocess.Popen([sys.executable, "-c", "import sys; sys.stdin.read()"], stdin=subprocess.PIPE)
    try:
        (tmp_path / str(other.pid)).write_text("2")
        dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
        (tmp_path / dead.stdout.strip()).write_text("4")
        assert threads.claimed_by_others() == 2
        assert not (tmp_path / dead.stdout.strip()).exists()
        monkeypatch.setattr(threads, "idle_cores", lambda sample_s=0.05: 2.0)
        monkeypatch.setattr(threads, "available_cores", lambda: 2)
        assert threads.choose_threads(512, 2) == 1  # 2 cores, 2 claimed elsewhere: one thread
        assert (tmp_path / str(os.getpid())).read_text() == "1"
    finally:
        other.kill()
        other.wait(10)
        threads.release()


def _untrained_one(bad: Transform):
    """A backtest ``train_one`` that builds untrained networks and cannot train ``bad``."""

    def train_one(sub, c, tr):
        if tr == bad:
            raise ConfigError(f"{tr.name} needs more points")
        p = prepare(Series(sub, season=12), c.data, transform=tr)
        return build_model(c, p, members=1), p

    return train_one


@pytest.mark.parametrize("n, keeps_the_others", [(72, True), (200, False)])
def test_a_candidate_that_cannot_be_trained_is_left_out_only_where_the_backtest_does_not_rank(n, keeps_the_others):
    t = np.arange(n)
    y = 50 + 10 * np.sin(2 * np.pi * t / 12) + np.random.default_rng(8).normal(0, 1, n)
    shortlist = [Transform(lag=12), Transform(deseason=12, window_norm=True), Transform(lag=1)]
    test_start = n - round(n * 0.33)
    bt = strategy.backtest(
        _monthly(y), _tiny_auto(0), 12, shortlist, test_start, n - test_start, _untrained_one(shortlist[1])
    )
    if keeps_the_others:  # too few points to rank: the others' residuals still calibrate
        assert not bt.ranks
        assert [s.transform.name for s in bt.scores] == [shortlist[0].name, shortlist[2].name]
        assert sorted(bt.forecasts) == sorted([shortlist[0].name, shortlist[2].name])
        # the mean of the named candidates that have forecasts
        np.testing.assert_allclose(
            bt.combined([tr.name for tr in shortlist])[0],
            (bt.forecasts[shortlist[0].name][0] + bt.forecasts[shortlist[2].name][0]) / 2,
        )
        assert bt.combined([shortlist[1].name]) == []
    else:  # a ranking with a candidate missing is no ranking: nothing is kept
        assert bt.ranks and bt.scores == [] and bt.forecasts == {}


def test_a_short_series_one_step_width_uses_the_backtest_networks_that_trained(monkeypatch, tmp_path):
    import json

    from lstm_core import pipeline
    from lstm_core.runs import load_run, save_run

    real = pipeline.backtest

    def partial(frame, cfg, season, shortlist, test_start, test_len, train_one, stop=None):
        bad = shortlist[-1]

        def one(sub, c, tr):
            if tr == bad:
                raise ConfigError("too few points before the cut-off")
            return train_one(sub, c, tr)

        return real(frame, cfg, season, shortlist, test_start, test_len, one, stop)

    monkeypatch.setattr(pipeline, "backtest", partial)
    # barely trained networks: none is screened out, so that every representation is a member
    monkeypatch.setattr(strategy, "SCREEN_RATIO", math.inf)
    monkeypatch.setattr(strategy, "SKILL_RATIO", math.inf)
    t = np.arange(72)
    y = 100 + 20 * np.sin(2 * np.pi * t / 12) + np.random.default_rng(9).normal(0, 3, 72)
    cfg = _tiny_auto(0)
    cfg.train.ensemble = 2 * strategy.SHORTLIST
    run = fit_run(Series(_monthly(y), season=12), cfg)
    bt = run.backtest
    names = list(dict.fromkeys(m.prep.transform.name for m in run.members))  # each with two horizons
    assert len(names) == strategy.SHORTLIST and len(run.members) == 2 * strategy.SHORTLIST
    assert bt is not None and not bt.ranks and names[-1] not in bt.forecasts and len(bt.scores) == len(names) - 1
    combo = run.combination
    steps = len(run.conformal_q)

    def conformal(k, extra):
        return fc.conformal_quantiles(
            combo.forecast_z, run.prep, k, 0.1, extra, earliest=combo.earliest, z=combo.z_from_y(run.prep.y)
        )[0]

    # the multi-step widths rest on the validation part alone, the one-step width also on the
    # horizon-1 residuals of the backtest's networks (the mean of those that trained)
    np.testing.assert_array_equal(run.conformal_q, conformal(steps, None))
    ys = bt.combined(names)
    h1 = combo.z_from_y(bt.truth[0]) - combo.z_from_y(ys[0])
    assert run.conformal_q1 == conformal(1, [h1])[0] != run.conformal_q[0]
    assert f"one-step width also from {len(h1)} horizon-1 residuals of the backtest's" in run.metrics.coverage.note

    # the one-step residuals the test part's widths adapt from are those the width is the quantile of
    val_h1 = fc.conformal_residuals(
        combo.forecast_z, run.prep, 1, 0.1, None, earliest=combo.earliest, z=combo.z_from_y(run.prep.y)
    )[0][0]
    np.testing.assert_array_equal(run.conformal_r1, np.abs(np.concatenate([val_h1, h1])))
    p = run.predictions[run.predictions["part"] == "test"].dropna(subset=["one_step"])
    z1, actual = combo.z_from_y(p["one_step"].to_numpy()), p["actual"].to_numpy()

    def one_step_coverage(w):
        return fc.coverage(actual, *combo.interval(z1, w))

    online = fc.online_widths(run.conformal_r1, combo.z_from_y(actual) - z1)
    assert run.metrics.coverage.one_step == one_step_coverage(online)
    np.testing.assert_allclose(p["one_step_upper"], combo.interval(z1, online)[1], rtol=1e-12)
    back = load_run(save_run(run, tmp_path / "new"))
    assert back.conformal_q1 == run.conformal_q1 and back.metrics.coverage == run.metrics.coverage
    np.testing.assert_array_equal(back.conformal_r1, run.conformal_r1)
    # runs saved before the widths adapted keep one width throughout: the stored one-step width,
    # or before that was stored, q[0]
    meta = json.loads((tmp_path / "new" / "config.json").read_text())
    del meta["intervals"]["one_step_residuals"]
    (tmp_path / "new" / "config.json").write_text(json.dumps(meta))
    fixed = load_run(tmp_path / "new")
    assert fixed.conformal_r1 is None and fixed.conformal_q1 == run.conformal_q1
    assert fixed.metrics.coverage.one_step == one_step_coverage(np.full(len(p), run.conformal_q1))
    assert "adapted" not in fixed.metrics.coverage.note
    del meta["intervals"]["one_step"]
    (tmp_path / "new" / "config.json").write_text(json.dumps(meta))
    old = load_run(tmp_path / "new")
    assert old.conformal_q1 == run.conformal_q[0]
    assert old.metrics.coverage.one_step == one_step_coverage(np.full(len(p), run.conformal_q[0]))


@pytest.mark.parametrize("n", [60, 100, 114, 115, 200])
def test_can_rank_says_what_the_backtest_then_does(n):
    t = np.arange(n)
    y = 50 + 10 * np.sin(2 * np.pi * t / 12) + np.random.default_rng(n).normal(0, 1, n)
    cfg = _tiny_auto(0)
    _, test_start = split_points(n, cfg.data.val_fraction, cfg.data.test_fraction)
    bt = strategy.backtest(
        _monthly(y), cfg, 12, [Transform(lag=12)], test_start, n - test_start, _untrained_one(Transform(lag=99))
    )
    assert strategy.can_rank(n, cfg.data.val_fraction, cfg.data.test_fraction) == bt.ranks


@pytest.mark.parametrize("n, horizon, expected", [(84, None, [9, 1, 9, 1]), (84, 3, [3] * 4), (160, None, [12] * 4)])
def test_a_series_too_short_to_rank_combines_both_strategies_and_reloads_them(n, horizon, expected, tmp_path):
    from lstm_core.runs import load_run, save_run

    t = np.arange(n)
    y = 50 + 10 * np.sin(2 * np.pi * t / 12) + np.random.default_rng(2).normal(0, 1, n)
    cfg = _tiny_auto(0)
    cfg.data.horizon, cfg.train.ensemble = horizon, 4
    assert strategy.can_rank(n, cfg.data.val_fraction, cfg.data.test_fraction) == (n == 160)
    run = fit_run(Series(_monthly(y), season=12), cfg)
    # network k on variant k: the best representation with each horizon, then the next one
    assert [m.prep.out_dim for m in run.members] == expected
    names = [m.prep.transform.name for m in run.members]
    assert names[0] == names[1] if n == 84 and horizon is None else len(set(names)) == len(names)
    assert [r["horizon"] for r in run.metrics.info.representations] == expected
    assert run.config.data.horizon == horizon  # the run's setting stays what was asked
    # a saved run rebuilds each member with its own horizon: the same forecasts
    save_run(run, tmp_path / "r")
    back = load_run(tmp_path / "r")
    assert [m.prep.out_dim for m in back.members] == expected
    np.testing.assert_allclose(
        back.combination.forecast_y(np.array([60]), 12), run.combination.forecast_y(np.array([60]), 12)
    )


def _drift_model(cfg: RunConfig, prep, drift: float):
    """A network whose every output is the differenced step ``drift`` (original units of d)."""
    net = build_model(cfg, prep, members=1)
    with torch.no_grad():
        net.head.weight.zero_()
        net.head.bias.fill_(float(prep.target_scaler.transform(np.array([[drift]]))[0, 0]))
    return net


def test_damped_steps_shrink_geometrically_and_only_differences_are_damped():
    y = 100 + np.random.default_rng(6).normal(0, 1, 120)
    cfg = RunConfig(data=DataConfig(look_back=6, horizon=4))
    for lag in (1, 0):
        plain = prepare(_monthly(y), cfg.data, transform=Transform(lag=lag))
        net = _drift_model(cfg, plain, 0.5 if lag else 104.0)
        damped = prepare(_monthly(y), cfg.data, transform=Transform(lag=lag, damp=0.9))
        o = plain.test_start
        zp = fc.recursive_z(net, plain, np.array([o]), 10)[0]
        zd = fc.recursive_z(net, damped, np.array([o]), 10)[0]
        if lag:  # step k (1, 2, ...) is the network's 0.5 times 0.9 ** (k - 1), across blocks of 4 outputs
            np.testing.assert_allclose(np.diff(np.r_[y[o - 1], zp]), 0.5, rtol=1e-5)
            np.testing.assert_allclose(np.diff(np.r_[y[o - 1], zd]), 0.5 * 0.9 ** np.arange(10), rtol=1e-4)
        else:  # a level representation has no steps to damp
            np.testing.assert_allclose(zd, zp)
            np.testing.assert_allclose(zp, 104.0, rtol=1e-5)


def test_transform_damping_round_trips_and_is_named():
    tr = Transform(lag=12, damp=0.95)
    assert Transform.from_dict(tr.to_dict()) == tr
    assert tr.name == "difference at lag 12 + steps damped 0.95"
    assert Transform(damp=0.95).name == "none"  # nothing to damp without a difference
    old = {k: v for k, v in Transform(lag=1).to_dict().items() if k != "damp"}  # saved before damping
    assert Transform.from_dict(old).damp == 1.0
    for bad in (0.0, 1.5, -0.2):
        with pytest.raises(ConfigError, match="out of range"):
            Transform.from_dict({**tr.to_dict(), "damp": bad})


def _drift_backtest(slope: float) -> strategy.Backtest:
    """The backtest of a first-difference network that forecasts a step of 0.5 every month
    (:func:`_drift_model`), on 200 months that climb ``slope`` a month with noise."""
    n = 200
    y = 100 + slope * np.arange(n) + np.random.default_rng(9).normal(0, 0.3, n)
    cfg = _tiny_auto(0)
    test_start = n - round(n * cfg.data.test_fraction)

    def train_one(sub, c, tr):
        p = prepare(Series(sub, season=None), c.data, transform=tr)
        return _drift_model(c, p, 0.5), p

    return strategy.backtest(_monthly(y), cfg, None, [Transform(lag=1)], test_start, n - test_start, train_one)


@pytest.mark.parametrize("slope, damp", [(0.0, min(strategy.DAMP_GRID)), (0.5, 1.0)])
def test_the_backtest_damps_a_drift_only_where_the_data_before_the_test_part_does_not_follow_it(slope, damp):
    """A network that forecasts a step of 0.5 every month: on a flat series the backtest takes the
    strongest damping of its grid, on a series that climbs 0.5 a month none."""
    bt = _drift_backtest(slope)
    assert bt.ranks and [s.transform.damp for s in bt.scores] == [damp]
    assert list(bt.forecasts) == [bt.scores[0].transform.name]  # the forecasts scored are the damped ones


def test_damping_is_tried_only_where_the_backtest_ranks(monkeypatch, tmp_path):
    from lstm_core.runs import load_run, save_run

    monkeypatch.setattr(strategy, "DAMP_GRID", (0.9,))  # every differenced candidate damped
    t = np.arange(72)
    y = 50 + 0.2 * t + 10 * np.sin(2 * np.pi * t / 12) + np.random.default_rng(5).normal(0, 1, 72)
    reps, _ = choose_representation(Series(_monthly(y), season=12), _tiny_auto(0), torch.device("cpu"))
    assert all(r.damp == 1.0 for r in reps)  # a short series: the null order, undamped
    t = np.arange(160)
    y = 50 + 0.2 * t + 10 * np.sin(2 * np.pi * t / 12) + np.random.default_rng(5).normal(0, 1, 160)
    cfg = _tiny_auto(0)
    cfg.train.ensemble = 2
    run = fit_run(Series(_monthly(y), season=12), cfg)
    damped = [m.prep.transform for m in run.members if m.prep.transform.lag]
    assert damped and all(tr.damp == 0.9 and tr.name.endswith("steps damped 0.9") for tr in damped)
    # a saved run forecasts with the same damping
    back = load_run(save_run(run, tmp_path / "r"))
    assert [m.prep.transform for m in back.members] == [m.prep.transform for m in run.members]
    np.testing.assert_allclose(
        back.combination.forecast_y(np.array([120]), 30), run.combination.forecast_y(np.array([120]), 30)
    )


def test_the_best_one_step_candidate_of_a_short_series_backtest_is_found_where_it_was_not_kept():
    from lstm_core.pipeline import one_step_specialist

    a, b, c = Transform(), Transform(lag=1), Transform(window_norm=True)
    truth = [np.array([1.0, 2.0, 3.0]), np.array([2.0, 3.0])]
    bt = strategy.Backtest(
        scores=[strategy.Scored(a, 1.0), strategy.Scored(c, 1.2), strategy.Scored(b, 3.0)],
        forecasts={
            a.name: [np.array([1.5, 2.5, 3.5]), np.array([2.0, 3.0])],  # best over the span, 0.5 off one step ahead
            b.name: [np.array([1.1, 2.1, 2.9]), np.array([9.0, 9.0])],  # 0.1 off one step ahead, far off later
            c.name: [np.array([1.3, 2.3, 3.3]), np.array([2.5, 3.5])],
        },
        truth=truth,
        ranks=False,
    )
    assert one_step_specialist(bt, [a, c]) == b  # screened out on the multi-step score, best one step ahead
    assert one_step_specialist(bt, [a, b]) is None  # kept: its one-step networks are there already
    assert one_step_specialist(replace(bt, ranks=True), [a, c]) is None  # a ranked backtest keeps no such networks
    assert one_step_specialist(None, [a]) is None
    assert one_step_specialist(strategy.Backtest(ranks=False), [a]) is None  # nothing scored


def test_the_candidates_a_short_series_screen_left_out_get_one_step_networks(monkeypatch):
    from lstm_core import pipeline
    from lstm_core.pipeline import screened_one_step

    a, b, c = Transform(), Transform(lag=1), Transform(log=True, window_norm=True)
    bt = strategy.Backtest(
        scores=[strategy.Scored(a, 1.0), strategy.Scored(c, 2.0), strategy.Scored(b, 3.0)], ranks=False
    )
    assert screened_one_step(bt, [a]) == [c, b]  # in the backtest's (the null ranking's) order
    assert screened_one_step(bt, [a, b, c]) == []
    assert screened_one_step(replace(bt, ranks=True), [a]) == []  # a ranked backtest keeps no such networks
    assert screened_one_step(None, [a]) == []
    monkeypatch.setattr(pipeline, "SCREENED_ONE_STEP", False)
    assert screened_one_step(bt, [a]) == []


def test_the_candidates_a_ranking_backtest_left_out_get_one_step_networks(monkeypatch):
    from lstm_core import pipeline
    from lstm_core.pipeline import ranked_left_out

    a, b, c = Transform(lag=1), Transform(log=True, window_norm=True, window_last=True), Transform(deseason=12)
    bt = strategy.Backtest(scores=[strategy.Scored(a, 1.0), strategy.Scored(b, 1.1), strategy.Scored(c, 2.0)])
    d = Transform(lag=12)
    bt.scores.append(strategy.Scored(d, 2.5))
    assert ranked_left_out(bt, [a]) == [b, d]  # by their backtest scores; the level one (c) gets none
    assert ranked_left_out(bt, [a, d]) == [b]
    assert ranked_left_out(bt, [a, b, c, d]) == []
    assert ranked_left_out(replace(bt, ranks=False), [a]) == []  # a short series: screened_one_step's
    assert ranked_left_out(None, [a]) == []
    monkeypatch.setattr(pipeline, "RANKED_ONE_STEP", 0)
    assert ranked_left_out(bt, [a]) == []


def test_a_ranked_series_trains_one_step_networks_for_the_left_out_and_keeps_its_forecast(monkeypatch, tmp_path):
    from lstm_core import pipeline
    from lstm_core.runs import load_run, save_run

    t = np.arange(160)
    y = (100 + t) * (1 + 0.2 * np.sin(2 * np.pi * t / 12)) + np.random.default_rng(3).normal(0, 2, 160)
    cfg = _tiny_auto(0)
    cfg.train.ensemble = None  # auto: the one-step networks come with it
    left = Transform(window_norm=True, window_last=True)  # a representation none of the run's networks use
    monkeypatch.setattr(pipeline, "RANKED_ONE_STEP", 0)
    plain = fit_run(Series(_monthly(y), season=12), cfg)
    assert plain.backtest is not None and plain.backtest.ranks
    assert left.name not in {m.prep.transform.name for m in plain.members}
    seen = {}

    def pick(bt, reps):
        seen["kept"] = [tr.name for tr in reps]
        return [left]

    monkeypatch.setattr(pipeline, "RANKED_ONE_STEP", 1)
    monkeypatch.setattr(pipeline, "ranked_left_out", pick)
    run = fit_run(Series(_monthly(y), season=12), cfg)
    assert seen["kept"] == [m.prep.transform.name for m in plain.members if not m.one_step_only]
    added = [m for m in run.members if m.prep.transform.name == left.name]
    assert len(added) == 1 and added[0].one_step_only and not added[0].standby
    assert added[0].networks == 1 and added[0].prep.out_dim == 1 and added[0].prep.cfg.look_back == cfg.data.look_back
    for col in ("multistep", "lower", "upper"):  # the forecast ahead is the same networks'
        np.testing.assert_array_equal(run.predictions[col].to_numpy(), plain.predictions[col].to_numpy())
    assert not np.array_equal(run.predictions["one_step"].to_numpy(), plain.predictions["one_step"].to_numpy())
    back = load_run(save_run(run, tmp_path / "r"))
    assert [m.prep.transform.name for m in back.members] == [m.prep.transform.name for m in run.members]
    pd.testing.assert_frame_equal(back.predictions, run.predictions, check_exact=True)
    # a series past AUTO_ENSEMBLE_POINTS (here made 150) trains none: its few networks see many windows
    monkeypatch.setattr(TrainConfig, "AUTO_ENSEMBLE_POINTS", 150)
    long = fit_run(Series(_monthly(y), season=12), cfg)
    assert left.name not in {m.prep.transform.name for m in long.members}


def test_a_short_series_trains_one_step_networks_on_the_specialist_and_keeps_its_forecast(monkeypatch, tmp_path):
    from lstm_core import pipeline
    from lstm_core.runs import load_run, save_run

    t = np.arange(72)
    y = 100 + 20 * np.sin(2 * np.pi * t / 12) + np.cumsum(np.random.default_rng(9).normal(0, 3, 72))
    cfg = _tiny_auto(0)
    cfg.train.ensemble = None  # auto: two horizons and one-step networks on this short series
    monkeypatch.setattr(pipeline, "one_step_specialist", lambda bt, reps: None)
    plain = fit_run(Series(_monthly(y), season=12), cfg)
    kept = [m.prep.transform for m in plain.members if not m.one_step_only]
    spec = Transform(log=True, lag=1)  # a representation none of the run's networks use
    assert spec.name not in {tr.name for tr in kept}
    seen = {}

    def pick(bt, reps):
        seen["kept"] = [tr.name for tr in reps]
        return spec

    monkeypatch.setattr(pipeline, "one_step_specialist", pick)
    run = fit_run(Series(_monthly(y), season=12), cfg)
    assert seen["kept"] == list(dict.fromkeys(tr.name for tr in kept))
    added = [m for m in run.members if m.prep.transform.name == spec.name]
    assert len(added) == 1 and added[0].one_step_only and not added[0].standby
    assert added[0].networks == cfg.train.NETWORKS_PER_VARIANT and added[0].prep.out_dim == 1
    assert run.networks == plain.networks + cfg.train.NETWORKS_PER_VARIANT
    # the multi-step forecast and its band are the same networks' (one-step networks train last)
    for col in ("multistep", "lower", "upper"):
        np.testing.assert_array_equal(run.predictions[col].to_numpy(), plain.predictions[col].to_numpy())
    assert not np.array_equal(run.predictions["one_step"].to_numpy(), plain.predictions["one_step"].to_numpy())
    save_run(run, tmp_path / "r")
    back = load_run(tmp_path / "r")
    assert [m.prep.transform.name for m in back.members] == [m.prep.transform.name for m in run.members]
    pd.testing.assert_frame_equal(back.predictions, run.predictions, check_exact=True)


def test_last_value_one_step_networks_take_the_best_representations_logs_and_profile():
    from lstm_core.pipeline import last_value_one_step

    tr = last_value_one_step([Transform(log=True, deseason=12, lag=1), Transform()])
    assert (tr.log, tr.deseason, tr.lag, tr.window_norm, tr.window_last) == (True, 12, 0, True, True)
    assert last_value_one_step([Transform(lag=1), Transform(window_norm=True, window_last=True)]) is None
    assert last_value_one_step([]) is None


def test_a_short_series_gets_last_value_one_step_networks_that_leave_its_forecast_alone(monkeypatch, tmp_path):
    from lstm_core import pipeline
    from lstm_core.runs import load_run, save_run

    t = np.arange(72)
    y = 100 + 20 * np.sin(2 * np.pi * t / 12) + np.cumsum(np.random.default_rng(9).normal(0, 3, 72))
    cfg = _tiny_auto(0)
    cfg.train.ensemble = None  # auto: two horizons and one-step networks on this short series
    monkeypatch.setattr(pipeline, "LAST_ONE_STEP", False)
    plain = fit_run(Series(_monthly(y), season=12), cfg)
    assert not any(m.prep.transform.window_last for m in plain.members)
    monkeypatch.setattr(pipeline, "LAST_ONE_STEP", True)
    run = fit_run(Series(_monthly(y), season=12), cfg)
    added = [m for m in run.members if m.prep.transform.window_last]
    assert len(added) == 1 and added[0].one_step_only and not added[0].standby and added[0].prep.out_dim == 1
    first = run.members[0].prep.transform
    assert (added[0].prep.transform.log, added[0].prep.transform.deseason) == (first.log, first.deseason)
    assert run.networks == plain.networks + cfg.train.NETWORKS_PER_VARIANT
    for col in ("multistep", "lower", "upper"):  # the forecast ahead and its band: the same networks'
        np.testing.assert_array_equal(run.predictions[col].to_numpy(), plain.predictions[col].to_numpy())
    assert not np.array_equal(run.predictions["one_step"].to_numpy(), plain.predictions["one_step"].to_numpy())
    save_run(run, tmp_path / "r")
    back = load_run(tmp_path / "r")
    assert [m.prep.transform.name for m in back.members] == [m.prep.transform.name for m in run.members]
    pd.testing.assert_frame_equal(back.predictions, run.predictions, check_exact=True)


def test_the_backtest_forecasts_a_deseasonalised_candidate_with_the_profile_of_each_origin(monkeypatch):
    """As the run's members do (``combine.PROFILES`` "origin"), a candidate that removes a seasonal
    profile forecasts each backtest origin with the profile of the values before it."""
    n = 200
    t = np.arange(n)
    y = 50 + (4 + 0.06 * t) * np.sin(2 * np.pi * t / 12) + np.random.default_rng(3).normal(0, 0.5, n)  # a growing swing
    cfg = _tiny_auto(0)
    test_start = n - round(n * cfg.data.test_fraction)
    tr = Transform(deseason=12)
    seen = {}

    def train_one(sub, c, tr):
        p = prepare(Series(sub, season=12), c.data, transform=tr)
        torch.manual_seed(0)
        seen["net"], seen["prep"] = build_model(c, p, members=1), p
        return seen["net"], p

    def scored(origin_profiles: bool) -> tuple[list[np.ndarray], list[np.ndarray]]:
        monkeypatch.setattr(strategy, "ORIGIN_PROFILES", origin_profiles)
        bt = strategy.backtest(_monthly(y), cfg, 12, [tr], test_start, n - test_start, train_one)
        net, p = seen["net"], seen["prep"]
        profiles = profiles_before(p, bt.origins) if origin_profiles else None
        want = p.y_from_z(fc.recursive_z(net, p, bt.origins, len(bt.truth), profiles))  # (origins, span)
        inside = [bt.origins + k < test_start for k in range(len(bt.truth))]
        return bt.forecasts[tr.name], [want[ok, k] for k, ok in enumerate(inside)]

    got, want = scored(True)
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-9)
    fixed, _ = scored(False)
    assert not np.allclose(np.concatenate(fixed), np.concatenate(got))


def test_a_few_long_seasons_get_seasonal_candidates_and_the_null_ranking_picks_one():
    # two seasons, two points and a margin of min(season, 24): for seasons up to 24 three seasons
    # and two points, as before; a day of quarter hours (96) from 218 training points, not 290
    assert [strategy.seasonal_points(m) for m in (4, 12, 24, 48, 52, 96)] == [14, 38, 74, 122, 130, 218]

    def seasonal(trs: list[Transform]) -> list[Transform]:
        return [t for t in trs if t.deseason or t.lag > 1]

    # below that, from a season, two points and twice the margin, the difference at the season's lag alone
    assert [strategy.seasonal_lag_points(m) for m in (4, 12, 24, 48, 52, 96)] == [14, 38, 74, 98, 102, 146]
    assert {t.name for t in seasonal(strategy.candidates(96, True, 217))} == {
        "difference at lag 96",
        "difference at lag 96 + window mean removed",
        "log + difference at lag 96",
        "log + difference at lag 96 + window mean removed",
    }
    assert seasonal(strategy.candidates(96, True, 145)) == []
    assert {t.name for t in seasonal(strategy.candidates(96, True, 218))} >= {
        "difference at lag 96",
        "seasonal profile 96 removed",
        "log + seasonal profile 96 removed + difference at lag 1",
    }
    # 400 quarter hours of a strong daily cycle: with the default split 228 training points
    t = np.arange(400)
    y = 50 + 20 * np.sin(2 * np.pi * t / 96) + np.random.default_rng(0).normal(0, 2, 400)
    train_end, test_start = split_points(400, 0.1, 0.33)
    assert 218 <= train_end < 290
    best = strategy.rank_transforms(y[:test_start], train_end, 96, True, 12)[0].transform
    assert best.deseason == 96 or best.lag == 96


def test_on_a_few_seasons_the_seasonal_candidates_stay_only_where_one_ranks_first():
    t = np.arange(400)
    rng = np.random.default_rng(1)
    cycle = 50 + 20 * np.sin(2 * np.pi * t / 96) + rng.normal(0, 2, 400)
    walk = 50 + np.cumsum(rng.normal(0, 1, 400))  # a calendar season with nothing in it
    train_end, test_start = split_points(400, 0.1, 0.33)
    ranked_cycle = strategy.rank_transforms(cycle[:test_start], train_end, 96, True, 12)
    ranked_walk = strategy.rank_transforms(walk[:test_start], train_end, 96, True, 12)
    assert strategy.uses_season(ranked_cycle[0].transform)
    assert not any(strategy.uses_season(s.transform) for s in ranked_walk)
    scored = [strategy.Scored(Transform(lag=1), 1.0), strategy.Scored(Transform(lag=96), 2.0)]
    assert strategy.seasonal_evidence(scored) == scored[:1]
    assert strategy.seasonal_evidence(scored[::-1]) == scored[::-1]


def test_a_last_value_member_s_departures_are_damped_step_by_step():
    """A network anchored on its window's last value that forecasts the same departure from it for
    every block of four outputs: damped, step k (1, 2, ...) departs from the value before it by its
    undamped departure times ``damp ** (k - 1)``, across blocks."""
    y = 100 + np.random.default_rng(6).normal(0, 1, 120)
    cfg = RunConfig(data=DataConfig(look_back=6, horizon=4))
    last = Transform(window_norm=True, window_last=True)
    plain = prepare(_monthly(y), cfg.data, transform=last)
    damped = prepare(_monthly(y), cfg.data, transform=replace(last, damp=0.9))
    net = build_model(cfg, plain, members=1)
    with torch.no_grad():
        net.head.weight.zero_()
        net.head.bias.fill_(0.3)  # a departure of 0.3 scaled units from the window's last value
    o = plain.test_start
    zp = fc.recursive_z(net, plain, np.array([o]), 10)[0]
    zd = fc.recursive_z(net, damped, np.array([o]), 10)[0]
    step = np.diff(np.r_[y[o - 1], zp])  # a block's outputs all depart 0.3 from its window's last value
    np.testing.assert_allclose(step, np.where(np.arange(10) % 4 == 0, step[0], 0.0), atol=1e-4)
    np.testing.assert_allclose(np.diff(np.r_[y[o - 1], zd]), step * 0.9 ** np.arange(10), atol=1e-4)
    assert replace(last, damp=0.9).name == "window last value removed + steps damped 0.9"


def _bt(scores: list[tuple[Transform, float]], reference: float, grids: dict) -> strategy.Backtest:
    truth = [np.zeros(3)]
    bt = strategy.Backtest(
        scores=[strategy.Scored(tr, s) for tr, s in scores], truth=truth, reference=reference, ranks=True
    )
    bt.forecasts = {tr.name: [np.full(3, s)] for tr, s in scores}
    bt.damped = {
        tr.name: {d: (r, [np.full(3, r)]) for d, r in grids[tr.name].items()} for tr, _ in scores if tr.name in grids
    }
    return bt


def test_without_skill_over_the_naive_forecasts_the_anchored_candidates_take_the_damping_the_backtest_supports():
    diff = Transform(lag=1)
    last = Transform(window_norm=True, window_last=True)
    mean = Transform(window_norm=True)
    grids = {
        diff.name: {1.0: 11.0, 0.995: 11.0, 0.98: 10.9, 0.95: 10.5, 0.9: 10.0, 0.8: 9.0},  # 0.9, then 0.8 gains 10%
        last.name: {1.0: 12.0, 0.995: 12.0, 0.98: 12.0, 0.95: 11.9, 0.9: 11.8, 0.8: 11.7},  # under 3% each: undamped
    }
    scores = [(mean, 10.0), (diff, 11.0), (last, 12.0)]
    assert strategy.no_skill(_bt(scores, 10.5, grids)) is None  # the best beat the naive forecasts
    assert strategy.no_skill(_bt(scores, 12.0, grids), ratio=math.inf) is None  # the rule off
    bt = _bt(scores, 9.0, grids)
    out = strategy.no_skill(bt)
    assert out is not None and out is not bt and bt.scores[0].transform == mean  # the original is left alone
    assert [(s.transform, s.score) for s in out.scores] == [(replace(diff, damp=0.8), 9.0), (mean, 10.0), (last, 12.0)]
    assert set(out.forecasts) == {replace(diff, damp=0.8).name, mean.name, last.name}
    np.testing.assert_allclose(out.forecasts[replace(diff, damp=0.8).name][0], 9.0)  # the damped forecasts
    assert strategy.is_anchored_last(diff) and strategy.is_anchored_last(last) and not strategy.is_anchored_last(mean)
    # nothing anchored on the last value among them: nothing to fall back on
    assert strategy.no_skill(_bt([(mean, 10.0)], 9.0, {})) is None


def test_the_backtest_scores_the_longer_damping_grid_aside_without_changing_its_choice():
    bt = _drift_backtest(0.0)
    assert [s.transform.damp for s in bt.scores] == [min(strategy.DAMP_GRID)]  # the usual grid's choice
    (name,) = bt.damped
    assert name == bt.scores[0].transform.name and set(bt.damped[name]) == set(strategy.NO_SKILL_GRID)
    errs = {d: r for d, (r, _) in bt.damped[name].items()}
    assert errs[0.8] < errs[0.95] < errs[1.0]  # a flat series: the stronger, the closer to it


def test_where_no_candidate_beats_the_naive_forecasts_only_those_anchored_on_the_last_value_are_kept(monkeypatch):
    from lstm_core import pipeline

    real = pipeline.backtest

    def unskilled(frame, cfg, season, shortlist, test_start, test_len, train_one, stop=None):
        bt = real(frame, cfg, season, shortlist, test_start, test_len, train_one, stop)
        bt.reference = 0.9 * bt.scores[0].score  # the naive forecasts did better than any network
        return bt

    monkeypatch.setattr(pipeline, "backtest", unskilled)
    t = np.arange(160)
    y = 100 + 10 * np.sin(2 * np.pi * t / 12) + np.random.default_rng(4).normal(0, 1, 160)
    reps, bt = choose_representation(Series(_monthly(y), season=12), _tiny_auto(0), torch.device("cpu"))
    assert bt.ranks and reps
    assert all(strategy.is_anchored_last(r) for r in reps)
    assert any(not strategy.is_anchored_last(s.transform) for s in bt.scores)  # the others stay scored
    assert "no candidate beat the naive forecasts" in reps[0].reason
    monkeypatch.setattr(strategy, "NO_SKILL_RATIO", math.inf)  # the rule off: the usual choice
    reps_off, _ = choose_representation(Series(_monthly(y), season=12), _tiny_auto(0), torch.device("cpu"))
    assert any(not strategy.is_anchored_last(r) for r in reps_off)


def test_a_one_step_prediction_at_zero_on_the_log_scale_misses_without_widening_every_later_band(monkeypatch):
    """Weekly cholera deaths (a positive series): the combined one-step prediction fell to 0 at one test
    point; held just above 0 on the log scale, its error of ~17 entered the adaptive widths' residuals
    and every later 90% band reached 5.8e8 for data under 7,148, and the prediction lay below its band."""
    from lstm_core import combine
    from lstm_core.pipeline import evaluate

    t = np.arange(120)
    y = 50 + 20 * np.sin(2 * np.pi * t / 12) + t * 0.2  # above 0 throughout: the band is on the log scale
    run = fit_run(Series(_monthly(y), season=12), RunConfig.make(hidden_size=8, epochs=3, ensemble=1, transform="log"))
    assert run.combination.log_scale and not run.combination.held(np.array([0.0, -1.0])).any()
    assert run.combination.held(np.array([1e-3, 50.0])).all()
    before = evaluate(run).predictions
    own = combine.Combination.one_step
    hit = int(before.index[before["part"] == "test"][2])  # the third test point

    def zero_at_one_point(self, part):
        tt, yhat = own(self, part)
        if part == "test":
            yhat = np.where(tt == hit, 0.0, yhat)
        return tt, yhat

    monkeypatch.setattr(combine.Combination, "one_step", zero_at_one_point)
    after = evaluate(run).predictions
    assert (
        after.loc[hit, "one_step"] == 0.0
        and after.loc[hit, "one_step_lower"] <= 0.0 <= after.loc[hit, "one_step_upper"]
    )
    later = after.index[(after["part"] == "test") & (after.index > hit)]
    # the widths after it come from the same residuals as before (the miss moves the level a little)
    ratio = (after.loc[later, "one_step_upper"] / after.loc[later, "one_step_lower"]) / (
        before.loc[later, "one_step_upper"] / before.loc[later, "one_step_lower"]
    )
    assert ratio.max() < 1.5, ratio.max()


def test_the_verdict_names_a_baseline_as_the_metrics_table_does():
    """The verdict read "naive (last value) is better" above a table row "Naive (last value)"."""
    from lstm_core.tables import BASELINE_ROWS, metrics_frame
    from lstm_core.verdict import label

    m = RunMetrics.from_dict(_metrics(4.5, 9.0, (3, 4, 5), (8, 2, 8)))
    rows = set(metrics_frame(m)["model"])
    assert all(label(key) == row for key, row in BASELINE_ROWS.items()) and set(BASELINE_ROWS.values()) <= rows
    v = judge(m)
    assert f"{label(v.one_step_winner)} is better" in v.sentence and "Naive (last value) is better" in v.sentence
    assert f"Prefer {label(v.multistep_winner)}" in v.sentence and "Prefer Seasonal naive" in v.sentence
