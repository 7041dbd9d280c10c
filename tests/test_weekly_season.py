"""A step under a day: a run takes the weekly season where the data repeats weekly
(lstm_core.data.weekly_season, lstm_core.prep.weekly_or_daily), and keeps the daily one otherwise."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from lstm_core.config import DataConfig, RunConfig
from lstm_core.data import Series, weekly_season
from lstm_core.pipeline import fit_run
from lstm_core.prep import MAX_DAY_WINDOW, WEEKLY_MIN_WEEKS, index_season, look_back_for, prepare, weekly_or_daily
from lstm_core.runs import load_run, save_run


def _hourly(n: int, weekends: bool, seed: int = 0) -> pd.DataFrame:
    """Hourly demand-like values (n,): a daily shape, lower on weekends when ``weekends``, and a
    slowly wandering level."""
    rng = np.random.default_rng(seed)
    t = pd.date_range("2024-01-01", periods=n, freq="h")  # a Monday
    hour = np.asarray(t.hour, dtype=float)
    level = np.cumsum(rng.normal(0.0, 0.05, n))
    y = 10.0 + 3.0 * np.sin(2 * np.pi * hour / 24) + level + rng.normal(0.0, 0.2, n)
    if weekends:
        y -= 4.0 * (np.asarray(t.day_of_week) >= 5)
    return pd.DataFrame({"demand": y}, index=pd.DatetimeIndex(t, name="time"))


def tiny() -> RunConfig:
    cfg = RunConfig()
    cfg.model.hidden_size, cfg.data.look_back, cfg.data.transform = 4, 6, "none"
    cfg.train.epochs, cfg.train.ensemble, cfg.train.patience, cfg.train.device = 1, 1, None, "cpu"
    return cfg


@pytest.mark.parametrize(
    ("freq", "weekly"),
    [("h", 168), ("30min", 336), ("15min", 672), ("2h", 84), ("D", None), ("W-SUN", None), ("MS", None), (None, None)],
)
def test_the_weekly_season_is_seven_days_of_a_step_under_a_day(freq, weekly):
    assert weekly_season(freq) == weekly


def test_a_week_is_taken_where_weekdays_and_weekends_differ_and_a_day_where_they_do_not():
    with_weekends = _hourly(24 * 7 * 6, weekends=True)["demand"].to_numpy()
    daily_only = _hourly(24 * 7 * 6, weekends=False)["demand"].to_numpy()
    assert weekly_or_daily(with_weekends, 24, 168) == 168
    assert weekly_or_daily(daily_only, 24, 168) == 24


def test_too_few_weeks_keep_the_daily_season():
    y = _hourly(24 * 7 * WEEKLY_MIN_WEEKS, weekends=True)["demand"].to_numpy().copy()
    assert weekly_or_daily(y, 24, 168) == 168
    assert weekly_or_daily(y[:-1], 24, 168) == 24
    y[5] = np.nan
    assert weekly_or_daily(y, 24, 168) == 24


def test_a_run_on_hourly_demand_uses_the_week_for_its_season_and_baselines():
    frame = _hourly(1300, weekends=True)
    series = Series.from_frame(frame)
    assert (series.frequency, series.season) == ("h", 24)
    run = fit_run(series, tiny())
    assert run.prep.season == 168
    assert (run.metrics.info.season, run.metrics.info.season_source) == (168, "weekly")
    # the seasonal naive baseline repeats the last week before the test part
    y, ts = frame["demand"].to_numpy(), run.prep.test_start
    expected = np.sqrt(np.mean((y[ts:] - y[ts - 168 : ts][np.arange(len(y) - ts) % 168]) ** 2))
    assert run.metrics.baselines_multistep["seasonal_naive"].rmse == pytest.approx(expected, rel=1e-6)
    # what the Data page says before a run is what the run took
    assert index_season(frame["demand"].to_numpy(), DataConfig(), 24, 168) == 168


def test_a_season_given_in_the_config_or_a_daily_pattern_keeps_its_season():
    weekly_data = Series.from_frame(_hourly(1300, weekends=True))
    assert prepare(weekly_data, DataConfig(look_back=6, transform="none", season=24)).season == 24
    daily = Series.from_frame(_hourly(1300, weekends=False))
    run = fit_run(daily, tiny())
    assert (run.metrics.info.season, run.metrics.info.season_source) == (24, "time index")


def test_a_weekly_run_reloads_exactly_and_one_saved_before_keeps_its_daily_season(tmp_path):
    series = Series.from_frame(_hourly(1300, weekends=True))
    run = fit_run(series, tiny())
    save_run(run, tmp_path / "run")
    again = load_run(tmp_path / "run")
    assert again.prep.season == 168
    pd.testing.assert_frame_equal(again.predictions, run.predictions)
    # a run saved before session 33 has no season_used: it took the index's daily season then
    meta_path = tmp_path / "run" / "config.json"
    meta = json.loads(meta_path.read_text())
    assert meta.pop("season_used") == 168
    meta_path.write_text(json.dumps(meta))
    assert load_run(tmp_path / "run").prep.season == 24


def test_the_representation_backtest_runs_on_the_weekly_season():
    cfg = tiny()
    cfg.data.transform, cfg.train.epochs = "auto", 2
    run = fit_run(Series.from_frame(_hourly(24 * 7 * 8, weekends=True)), cfg)
    assert run.prep.season == 168
    assert run.backtest is not None and run.backtest.ranks and len(run.backtest.scores) >= 3


def test_a_run_that_takes_the_week_starts_from_a_days_window():
    weekly = _hourly(1300, weekends=True)["demand"]
    assert look_back_for(1300, None, weekly, "h") == 24
    assert look_back_for(1300, 36, weekly, "h") == 36  # one asked for is kept
    assert look_back_for(1300, None, _hourly(1300, weekends=False)["demand"], "h") == 12  # a temperature's day
    assert look_back_for(1300, None, weekly, None) == 12  # no frequency: nothing to go by
    assert look_back_for(1300, None, None, "h") == 12
    half_hourly = np.repeat(weekly.to_numpy(), 2)
    assert look_back_for(2600, None, half_hourly, "30min") == 48
    assert look_back_for(2600, None, np.repeat(half_hourly, 2), "15min") == 12  # 2,600 quarter hours: 3.9 weeks
    assert look_back_for(5200, None, np.repeat(half_hourly, 2), "15min") == MAX_DAY_WINDOW


def test_the_cli_and_the_apps_one_click_start_hourly_demand_from_a_days_window(tmp_path):
    from lstm_core.cli import main
    from lstm_core.data import load_csv
    from ui import quickstart, state

    frame = _hourly(1300, weekends=True)
    path = tmp_path / "load.csv"
    frame.to_csv(path)
    assert main(["train", "--data", str(path), "--epochs", "1", "--ensemble", "1", "--transform", "none",
                 "--quiet", "--out", str(tmp_path / "run")]) == 0  # fmt: skip
    assert json.loads((tmp_path / "run" / "config.json").read_text())["data"]["look_back"] == 24
    loaded = load_csv(path)
    ds = state.Dataset(name="load.csv", frame=loaded.frame, report=loaded.report, target="demand", inputs=[])
    assert quickstart.default_config(ds).data.look_back == 24
