"""Daily data: a run takes the yearly season where the data repeats over the year better than over
the week (lstm_core.data.yearly_season, lstm_core.prep.yearly_or_weekly), and keeps the week otherwise."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from lstm_core.config import DataConfig, RunConfig
from lstm_core.data import Series, longer_season, yearly_season
from lstm_core.pipeline import fit_run
from lstm_core.prep import YEARLY_MIN_YEARS, index_season, look_back_for, yearly_or_weekly
from lstm_core.runs import load_run, save_run


def daily(n: int, kind: str, seed: int = 0) -> pd.DataFrame:
    """``n`` days from 2015-01-01: ``temperature``, a yearly swing of ±10 under day-to-day
    weather (an AR(1) of sd about 3); ``riders``, a weekday level 5x the weekend's on a slowly
    wandering level, no yearly swing."""
    rng = np.random.default_rng(seed)
    t = pd.date_range("2015-01-01", periods=n, freq="D")
    if kind == "temperature":
        weather = np.zeros(n)
        for i in range(1, n):
            weather[i] = 0.7 * weather[i - 1] + rng.normal(0.0, 2.2)
        y = 15.0 + 10.0 * np.sin(2 * np.pi * np.asarray(t.day_of_year) / 365.25) + weather
    else:
        level = 100.0 + np.cumsum(rng.normal(0.0, 0.3, n))
        y = level * np.where(np.asarray(t.day_of_week) >= 5, 0.2, 1.0) + rng.normal(0.0, 1.0, n)
    return pd.DataFrame({kind: y}, index=pd.DatetimeIndex(t, name="date"))


def tiny() -> RunConfig:
    cfg = RunConfig()
    cfg.model.hidden_size, cfg.data.look_back, cfg.data.transform = 4, 6, "none"
    cfg.train.epochs, cfg.train.ensemble, cfg.train.patience, cfg.train.device = 1, 1, None, "cpu"
    return cfg


@pytest.mark.parametrize(
    ("freq", "yearly", "longer"),
    [
        ("D", 365, 365),
        ("2D", None, None),
        ("B", None, None),
        ("h", None, 168),
        ("W-SUN", None, None),
        (None, None, None),
    ],
)
def test_the_yearly_season_is_a_year_of_days_and_the_longer_one_a_week_under_a_day(freq, yearly, longer):
    assert yearly_season(freq) == yearly
    assert longer_season(freq) == longer
    if freq == "D":
        assert longer_season(freq, yearly=False) is None


def test_a_year_is_taken_by_a_temperature_and_the_week_by_a_railways_riders():
    assert yearly_or_weekly(daily(3 * 365, "temperature")["temperature"].to_numpy()) == 365
    assert yearly_or_weekly(daily(3 * 365, "riders")["riders"].to_numpy()) == 7


def test_under_two_years_or_a_missing_value_keep_the_week():
    y = daily(YEARLY_MIN_YEARS * 365, "temperature")["temperature"].to_numpy().copy()
    assert yearly_or_weekly(y) == 365
    assert yearly_or_weekly(y[:-1]) == 7
    y[5] = np.nan
    assert yearly_or_weekly(y) == 7


def test_a_run_on_a_daily_temperature_uses_the_year_for_its_season_and_baselines():
    frame = daily(1400, "temperature")
    series = Series.from_frame(frame)
    assert (series.frequency, series.season) == ("D", 7)
    run = fit_run(series, tiny())
    assert run.prep.season == 365
    assert (run.metrics.info.season, run.metrics.info.season_source) == (365, "yearly")
    # the seasonal naive baseline repeats the last year before the test part
    y, ts = frame["temperature"].to_numpy(), run.prep.test_start
    expected = np.sqrt(np.mean((y[ts:] - y[ts - 365 : ts][np.arange(len(y) - ts) % 365]) ** 2))
    assert run.metrics.baselines_multistep["seasonal_naive"].rmse == pytest.approx(expected, rel=1e-6)
    # what the Data page says before a run is what the run took; the window stays the default
    assert index_season(frame["temperature"].to_numpy(), DataConfig(), 7, 365) == 365
    assert look_back_for(1400, None, frame["temperature"], "D") == 12


def test_daily_riders_keep_the_week():
    run = fit_run(Series.from_frame(daily(1400, "riders")), tiny())
    assert (run.metrics.info.season, run.metrics.info.season_source) == (7, "time index")


def test_a_yearly_run_reloads_exactly_and_one_saved_before_keeps_the_week(tmp_path):
    run = fit_run(Series.from_frame(daily(1400, "temperature")), tiny())
    save_run(run, tmp_path / "run")
    again = load_run(tmp_path / "run")
    assert again.prep.season == 365
    pd.testing.assert_frame_equal(again.predictions, run.predictions)
    # a run saved before session 34 has no yearly_season key: daily data took the week then
    meta_path = tmp_path / "run" / "config.json"
    meta = json.loads(meta_path.read_text())
    assert meta.pop("yearly_season") is True
    meta_path.write_text(json.dumps(meta))
    assert load_run(tmp_path / "run").prep.season == 7
