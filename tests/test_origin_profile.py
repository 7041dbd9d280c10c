"""Seasonal profiles re-estimated at each forecast origin (``combine.PROFILES``, ``prep.profiles_before``)."""

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
import torch

from lstm_core import forecast as fc
from lstm_core.combine import Combination, Member
from lstm_core.config import RunConfig
from lstm_core.data import Series
from lstm_core.pipeline import build_model
from lstm_core.prep import Transform, prepare, profiles_before, seasonal_profile, window_x, with_history


def _frame(n: int = 144, m: int = 12, grow: float = 0.0, slope: float = 0.3, seed: int = 0) -> pd.DataFrame:
    """A positive series with a trend of ``slope`` per point and a season of ``m``, whose seasonal
    swing grows by ``grow`` (a share of itself) per season."""
    t = np.arange(n)
    swing = 8.0 * (1 + grow * (t // m))
    y = 100 + slope * t + swing * np.sin(2 * np.pi * t / m) + np.random.default_rng(seed).normal(0, 1, n)
    return pd.DataFrame({"y": y}, index=pd.RangeIndex(n, name="step"))


def _prep(frame: pd.DataFrame, m: int, lag: int = 0, horizon: int = 1, log: bool = False):
    cfg = RunConfig()
    cfg.data.season, cfg.data.horizon, cfg.model.hidden_size = m, horizon, 6
    prep = prepare(Series(frame, season=m), cfg.data, transform=Transform(log=log, deseason=m, lag=lag))
    torch.manual_seed(0)
    return cfg, prep, build_model(cfg, prep, members=1)


@pytest.mark.parametrize("m", [12, 7])
def test_the_profile_before_each_end_is_the_decomposition_of_the_values_before_it(m):
    _, prep, _ = _prep(_frame(m=m, grow=0.1), m)
    ends = np.arange(prep.train_end - 3, prep.n + 1)
    got = profiles_before(prep, ends)
    assert got.shape == (len(ends), m)
    for e, row in zip(ends, got):
        if e <= prep.train_end:  # the training part's own, the one the network trained on
            np.testing.assert_array_equal(row, prep.profile)
        else:
            np.testing.assert_allclose(row, seasonal_profile(prep.z[:e], m), rtol=0, atol=1e-12)
    assert not np.allclose(got[-1], prep.profile)  # the growing swing moved it
    plain = prepare(Series(_frame(m=m), season=m), RunConfig().data, transform=Transform(lag=1))
    assert profiles_before(plain, ends) is None


@pytest.mark.parametrize(("lag", "horizon", "log"), [(0, 1, False), (1, 1, True), (1, 3, False)])
def test_a_profile_per_origin_forecasts_as_a_series_prepared_with_that_profile(lag, horizon, log):
    """Windows, one-step predictions and recursive forecasts with a row of ``profiles`` per origin are
    those of the same series deseasonalised with that row throughout (scalers unchanged)."""
    _, prep, model = _prep(_frame(grow=0.1), 12, lag=lag, horizon=horizon, log=log)
    origins = np.array([prep.train_end + 1, prep.test_start, prep.n - 5])
    rows = profiles_before(prep, origins)
    for o, row in zip(origins, rows):
        again = with_history(replace(prep, profile=row), prep.y)
        np.testing.assert_allclose(window_x(prep, np.array([o]), row[None]), window_x(again, np.array([o])), atol=1e-6)
        np.testing.assert_allclose(
            fc.one_step_at(model, prep, np.array([o]), row[None]),
            fc.one_step_at(model, again, np.array([o])),
            rtol=1e-9,
        )
    steps = 7
    many = fc.recursive_z(model, prep, origins, steps, rows)
    one_by_one = [
        fc.recursive_z(model, with_history(replace(prep, profile=r), prep.y), [o], steps)[0]
        for o, r in zip(origins, rows)
    ]
    np.testing.assert_allclose(many, np.array(one_by_one), rtol=1e-9)


def test_a_forecast_at_an_origin_sees_only_the_values_before_it():
    """With profiles re-estimated at each origin, changing the values from point k on changes no
    one-step prediction up to k and not the forecast from k; it does change later ones."""
    _, prep, model = _prep(_frame(grow=0.1), 12, lag=1)
    k = prep.test_start + 5
    y2 = prep.y.copy()
    y2[k:] += np.linspace(5, 40, prep.n - k)  # a trend break from k on
    combo = Combination([Member(prep, model)], profiles="origin")
    moved = Combination([Member(with_history(prep, y2), model)], profiles="origin")
    t, before = combo.one_step("test")
    t2, after = moved.one_step("test")
    np.testing.assert_array_equal(t, t2)
    np.testing.assert_array_equal(after[t <= k], before[t <= k])
    assert not np.allclose(after[t > k + 1], before[t > k + 1])
    np.testing.assert_array_equal(moved.forecast_y(np.array([k]), 10), combo.forecast_y(np.array([k]), 10))
    assert not np.allclose(moved.forecast_y(np.array([k + 12]), 10), combo.forecast_y(np.array([k + 12]), 10))
    # the training part's one-step predictions are the fixed profile's, to the bit
    fixed = Combination([Member(prep, model)], profiles="fixed")
    np.testing.assert_array_equal(combo.one_step("train")[1], fixed.one_step("train")[1])
    assert not np.allclose(combo.one_step("test")[1], fixed.one_step("test")[1])


def test_the_profile_at_each_origin_follows_a_seasonal_swing_that_grows():
    """A level member whose network says "the deseasonalised level stays at its training mean"
    (all weights zero): its one-step error over the test part is its profile's error. Where the
    seasonal swing grows after the training part, the profile of the values before each point
    follows it; the training part's does not."""
    _, prep, model = _prep(_frame(n=240, grow=0.15, slope=0.0), 12)
    with torch.no_grad():
        for p in model.parameters():
            p.zero_()
    y = prep.y

    def rmse(profiles: str) -> float:
        t, yhat = Combination([Member(prep, model)], profiles=profiles).one_step("test")
        return float(np.sqrt(np.mean((yhat - y[t]) ** 2)))

    assert rmse("origin") < 0.8 * rmse("fixed")


def test_an_unknown_profile_rule_is_refused():
    _, prep, model = _prep(_frame(), 12)
    with pytest.raises(ValueError, match="seasonal profile rule"):
        Combination([Member(prep, model)], profiles="every")


def test_origins_in_chunks_forecast_as_all_at_once(monkeypatch):
    """A long series with a long season has its origins' profiles computed a chunk at a time
    (``combine.PROFILE_CELLS``): the same forecasts as all at once."""
    from lstm_core import combine

    _, prep, model = _prep(_frame(grow=0.1), 12, lag=1)
    combo = Combination([Member(prep, model)], profiles="origin")
    origins = np.arange(prep.train_end, prep.n)
    t, whole = combo.one_step("test")
    paths = combo.forecast_y(origins, 6)
    monkeypatch.setattr(combine, "PROFILE_CELLS", 12 * 5)  # five origins at a time
    assert len(t) > 5
    np.testing.assert_allclose(combo.one_step("test")[1], whole, rtol=1e-6)
    np.testing.assert_allclose(combo.forecast_y(origins, 6), paths, rtol=1e-6)


def test_a_window_gate_replay_reads_the_window_the_prediction_read():
    """The Gates page's window of a test point is deseasonalised with the profile of that origin,
    as the run's one-step prediction was (``gates.trace_run(..., profiles)``)."""
    from lstm_core import gates as gt

    _, prep, model = _prep(_frame(grow=0.2), 12, lag=1)
    combo = Combination([Member(prep, model)], profiles="origin")
    target = prep.n - 3
    profiles = combo.origin_profiles(prep, np.array([target]))
    win = gt.trace_run(model, prep, "window", target, profiles)
    x = torch.as_tensor(window_x(prep, np.array([target]), profiles))
    with torch.no_grad():
        out, _ = model.rnn(x)
    np.testing.assert_allclose(win[-1].values["h"], out[0].numpy(), atol=1e-5)
    np.testing.assert_allclose(win[0].x, x[0].numpy())
    assert not np.allclose(gt.trace_run(model, prep, "window", target)[0].x, win[0].x)


def test_the_first_look_takes_the_profile_at_each_origin_as_the_run_does():
    """The quick look at a first network's one-step predictions (shown while the others train)
    deseasonalises as the finished run will."""
    from lstm_core.pipeline import first_look

    _, prep, model = _prep(_frame(grow=0.2), 12, lag=1)
    look = first_look(prep, model, None).predictions
    for part in ("train", "test"):
        t, want = Combination([Member(prep, model)], profiles="origin").one_step(part)
        np.testing.assert_array_equal(look["one_step"].to_numpy()[t], want)
