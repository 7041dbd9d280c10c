"""The drift test: a differenced representation's forecast ahead carries the training part's mean
step only where that mean is significant (``lstm_core.prep.drift_t``, ``Prepared.drift_cut``)."""

import math

import numpy as np
import pandas as pd
import pytest
import torch

from lstm_core import forecast as fc
from lstm_core.config import DataConfig, RunConfig
from lstm_core.pipeline import build_model
from lstm_core.prep import DRIFT_T, Transform, drift_t, prepare


def _monthly(y) -> pd.DataFrame:
    return pd.DataFrame(
        {"y": np.asarray(y, dtype=float)}, index=pd.date_range("2000-01", periods=len(y), freq="MS", name="date")
    )


def _walk(seed: int, step: float = 0.0, n: int = 150) -> np.ndarray:
    """A random walk of ``n`` points with mean step ``step`` (unit noise), from 100."""
    return 100 + np.cumsum(step + np.random.default_rng(seed).normal(0, 1, n))


def _constant_step_model(cfg: RunConfig, prep, step: float):
    """A network whose every output is the differenced step ``step`` (original units of d)."""
    net = build_model(cfg, prep, members=1)
    with torch.no_grad():
        net.head.weight.zero_()
        net.head.bias.fill_(float(prep.target_scaler.transform(np.array([[step]]))[0, 0]))
    return net


def test_drift_t_tells_a_trend_from_a_random_walk_and_reads_a_season_by_whole_seasons():
    rng = np.random.default_rng(0)
    t = np.arange(240)
    trend = 0.1 * t + 5 * np.sin(2 * np.pi * t / 12) + rng.normal(0, 0.2, 240)
    # step by step the seasonal swing hides the trend; year by year it is plain
    assert abs(drift_t(trend, 1)) < 1
    assert drift_t(trend, 12) > 10
    assert drift_t(-trend, 12) < -10
    walks = [abs(drift_t(_walk(seed))) for seed in range(40)]
    assert np.median(walks) < 1  # a walk without drift: |t| is that of a standard normal
    assert drift_t(np.arange(10.0)) == math.inf  # every change the same
    assert math.isnan(drift_t(np.ones(10)))  # no change at all: nothing to tell
    assert math.isnan(drift_t(np.arange(30.0), 12))  # two seasons: too few blocks


def _seed_with(t_below: bool) -> int:
    """A seed whose drift-free walk's training part has |t| below DRIFT_T (or above it)."""
    cfg = DataConfig(look_back=6, horizon=4)
    for seed in range(100):
        p = prepare(_monthly(_walk(seed)), cfg, transform=Transform(lag=1))
        if (abs(p.drift_tstat) < DRIFT_T) == t_below:
            return seed
    raise AssertionError("no such seed")


def test_the_cut_is_the_training_mean_step_only_where_it_is_not_significant():
    cfg = DataConfig(look_back=6, horizon=4)
    walk = _monthly(_walk(_seed_with(True)))
    p = prepare(walk, cfg, transform=Transform(lag=1))
    steps = np.diff(p.y[: p.train_end])
    assert p.drift_cut == pytest.approx(steps.mean(), rel=1e-5) and p.drift_cut != 0
    # kept: a significant drift, a run saved before the test, a level or window-normalised representation
    assert prepare(_monthly(_walk(3, step=1.0)), cfg, transform=Transform(lag=1)).drift_cut == 0.0
    assert prepare(walk, cfg, transform=Transform(lag=1, drift_test=False)).drift_cut == 0.0
    assert prepare(walk, cfg, transform=Transform()).drift_cut == 0.0
    assert prepare(walk, cfg, transform=Transform(lag=1, window_norm=True)).drift_cut == 0.0


@pytest.mark.parametrize("insignificant", [True, False])
def test_the_forecast_ahead_leaves_an_insignificant_drift_out_after_its_first_step(insignificant):
    cfg = RunConfig(data=DataConfig(look_back=6, horizon=4))
    y = _walk(_seed_with(insignificant))
    tested = prepare(_monthly(y), cfg.data, transform=Transform(lag=1))
    kept = prepare(_monthly(y), cfg.data, transform=Transform(lag=1, drift_test=False))
    net = _constant_step_model(cfg, kept, 0.5)
    o = kept.test_start
    zk = fc.recursive_z(net, kept, np.array([o]), 10)[0]
    zt = fc.recursive_z(net, tested, np.array([o]), 10)[0]
    np.testing.assert_allclose(np.diff(np.r_[y[o - 1], zk]), 0.5, rtol=1e-5)
    cut = tested.drift_cut
    assert (cut != 0) == insignificant
    # the first step is the one-step prediction, unchanged; every later one (across blocks of 4) less the cut
    np.testing.assert_allclose(np.diff(np.r_[y[o - 1], zt]), 0.5 - cut * (np.arange(10) >= 1), rtol=1e-4, atol=1e-6)
    one = fc.one_step_at(net, tested, np.array([o]))
    np.testing.assert_allclose(one, zt[:1], rtol=1e-6)


def test_a_transform_saved_before_the_test_keeps_its_drift():
    tr = Transform(lag=1)
    assert tr.drift_test and Transform.from_dict(tr.to_dict()) == tr
    old = {k: v for k, v in tr.to_dict().items() if k != "drift_test"}
    assert Transform.from_dict(old).drift_test is False
    assert tr.name == "difference at lag 1"  # the test is not part of the name
