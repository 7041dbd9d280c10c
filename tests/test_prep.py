"""Preprocessing: chronological split, train-only scaling, windows, transforms, clear errors."""

import numpy as np
import pandas as pd
import pytest

from lstm_core.config import ConfigError, DataConfig
from lstm_core.data import Series
from lstm_core.prep import Transform, choose_transform, look_back_for, prepare, split_points, window_x


def _frame(values, **cols):
    return pd.DataFrame({"y": np.asarray(values, float), **{k: np.asarray(v, float) for k, v in cols.items()}})


def test_split_points_classic_airline():
    assert split_points(144, 0.0, 0.33) == (96, 96)
    assert split_points(144, 0.1, 0.33) == (82, 96)


def test_windows_are_off_by_one_correct():
    y = np.arange(1, 41, dtype=float)  # 1..40, strictly increasing: values identify positions
    prep = prepare(
        _frame(y),
        DataConfig(look_back=3, horizon=2, val_fraction=0.0, test_fraction=0.25, scaler="none", transform="none"),
    )
    w = prep.windows["train"]
    # first sample: window rows 0..2 -> targets rows 3, 4
    np.testing.assert_array_equal(w.x[0, :, 0], [1, 2, 3])
    np.testing.assert_array_equal(w.y[0], [4, 5])
    assert w.t[0] == 3
    # every training target lies before the test part; test samples start at test_start
    assert (w.t + 1).max() < prep.test_start
    assert prep.windows["test"].t[0] == prep.test_start == 30
    np.testing.assert_array_equal(prep.windows["test"].x[0, :, 0], [28, 29, 30])


def test_mapping_mode_window_includes_current_step():
    x = np.arange(20, dtype=float)
    prep = prepare(
        _frame(-x, x=x),
        DataConfig(
            target="y",
            inputs=["x"],
            look_back=4,
            horizon=0,
            val_fraction=0.0,
            test_fraction=0.25,
            scaler="none",
            transform="none",
        ),
    )
    w = prep.windows["train"]
    assert prep.feature_names == ["x"]  # the target's own past is not an input
    np.testing.assert_array_equal(w.x[0, :, 0], [0, 1, 2, 3])
    np.testing.assert_array_equal(w.y[0], [-3])


@pytest.mark.parametrize("scaler", ["standard", "minmax"])
def test_scaler_is_fitted_on_training_part_only(scaler):
    y = np.concatenate([np.linspace(0, 1, 70), np.full(30, 1000.0)])  # the test part is wildly different
    prep = prepare(
        _frame(y), DataConfig(look_back=2, val_fraction=0.0, test_fraction=0.3, scaler=scaler, transform="none")
    )
    train = y[:70]
    expected_shift = train.mean() if scaler == "standard" else train.min()
    np.testing.assert_allclose(prep.target_scaler.shift, [expected_shift])
    assert prep.features[:70].max() <= 2.0  # train rows land in a small range
    assert prep.features[-1, 0] > 100  # test rows are far outside it: nothing leaked into the fit


def test_a_preparation_like_a_prefix_scales_the_whole_series_as_the_prefix_was_scaled():
    t = np.arange(150)
    y = (50 + 0.5 * t) * (1.2 + np.sin(2 * np.pi * t / 12)) + np.where(t >= 100, 400.0, 0.0)  # a jump after the prefix
    tr = Transform(log=True, lag=1, deseason=12, window_norm=True)
    cfg = DataConfig(look_back=12, horizon=3, season=12, val_fraction=0.1, test_fraction=0.2)
    sub = prepare(_frame(y[:100]), cfg, transform=tr)
    full = prepare(_frame(y), cfg, like=sub)
    assert full.transform == tr and full.train_end == 105 and full.test_start == 120  # the whole series' own split
    np.testing.assert_array_equal(full.profile, sub.profile)
    assert full.target_scaler is sub.target_scaler and full.feat_scaler is sub.feat_scaler
    # the prefix's rows are the same numbers; fitted on its own training part they would differ
    np.testing.assert_array_equal(full.features[:100], sub.features)
    own = prepare(_frame(y), cfg, transform=tr)
    assert not np.allclose(own.features[1:100], sub.features[1:])
    np.testing.assert_allclose(full.y_from_z(full.z_from_d(full.d_from_scaled(full.d_scaled[1:]), t[1:])), y[1:])


def test_log_seasonal_difference_round_trip():
    t = np.arange(120)
    y = (100 + t) * (1.2 + np.sin(2 * np.pi * t / 12))
    prep = prepare(_frame(y), DataConfig(look_back=12, transform="log_seasonal_diff", season=12))
    assert prep.transform.log and prep.transform.lag == 12
    d = prep.d_from_scaled(prep.d_scaled[12:])
    idx = np.arange(12, 120)
    np.testing.assert_allclose(prep.y_from_z(prep.z_from_d(d, idx)), y[12:], rtol=1e-6)


def test_auto_transform_on_airline_like_series():
    t = np.arange(144)
    y = 100 * np.exp(0.01 * t) * (1 + 0.2 * np.sin(2 * np.pi * t / 12))
    tr = choose_transform(y[:82], DataConfig(), season=12)
    assert tr.log and tr.lag == 12, tr.reason


def test_auto_transform_leaves_stationary_noise_alone():
    rng = np.random.default_rng(0)
    tr = choose_transform(rng.normal(size=300), DataConfig(), season=None)
    assert not tr.log and tr.lag == 0


def test_look_back_too_long_says_the_maximum():
    with pytest.raises(ConfigError, match=r"look_back 90 is too long .* at most \d+"):
        prepare(_frame(np.arange(100.0) % 7), DataConfig(look_back=90, transform="none"))


@pytest.mark.parametrize(
    "cfg, match",
    [
        (DataConfig(target="nope"), "Target column 'nope'"),
        (DataConfig(inputs=["zz"]), "Input column 'zz'"),
        (DataConfig(look_back=0), "look_back must be at least 1"),
        (DataConfig(test_fraction=0.0), "test_fraction"),
        (DataConfig(val_fraction=0.5, test_fraction=0.45), "under 10%"),
        (DataConfig(horizon=0), "needs at least one input column"),
        (DataConfig(transform="log", scaler="none"), "needs a target above zero"),
    ],
)
def test_config_errors_are_one_sentence(cfg, match):
    y = np.sin(np.arange(100.0))
    with pytest.raises(ConfigError, match=match) as info:
        prepare(_frame(y), cfg)
    assert "\n" not in str(info.value)


def test_window_x_matches_training_windows():
    prep = prepare(_frame(np.sin(np.arange(80.0))), DataConfig(look_back=5, transform="none"))
    w = prep.windows["val"]
    np.testing.assert_array_equal(window_x(prep, w.t), w.x)


def test_auto_log_needs_the_whole_series_positive():
    t = np.arange(120.0)
    y = 10 + 5 * np.sin(t / 3) + t / 10
    y[-5] = 0.0  # a zero in the test part only
    prep = prepare(_frame(y), DataConfig(look_back=4))
    assert not prep.transform.log
    assert np.isfinite(prep.features[prep.offset :]).all()


def test_season_is_detected_without_a_time_index():
    from lstm_core.prep import detect_season

    rng = np.random.default_rng(0)
    t = np.arange(300)
    for m in (7, 12, 52):
        noisy = 0.05 * t + np.sin(2 * np.pi * t / m) + rng.normal(0, 0.5, 300)
        assert detect_season(noisy) == m
    assert detect_season(np.cumsum(rng.normal(size=300))) is None  # a random walk has none
    assert detect_season(rng.normal(size=300)) is None


def test_a_detected_season_is_used_and_reported():
    t = np.arange(240)
    y = 20 + np.sin(2 * np.pi * t / 12) * 3 + np.random.default_rng(1).normal(0, 0.7, 240)
    prep = prepare(pd.DataFrame({"y": y}), DataConfig(horizon=1, transform="seasonal_diff"))
    assert prep.season == 12 and prep.transform.lag == 12


@pytest.mark.parametrize(
    "start, freq, drop, expected",
    [
        ("2010-01-01", "MS", [9, 58], ["2020-01-01", "2020-02-01", "2020-03-01"]),
        ("2010-01-31", "ME", [9, 58], ["2020-01-31", "2020-02-29", "2020-03-31"]),
        ("1990-01-01", "QS", [9, 58], ["2020-01-01", "2020-04-01", "2020-07-01"]),
        ("2020-01-01", "D", [50, 118], ["2020-04-30", "2020-05-01", "2020-05-02"]),
    ],
)
def test_future_dates_go_on_at_the_data_frequency_across_gaps(start, freq, drop, expected):
    """A calendar series with missing periods (even the one before the last) forecasts on its own
    calendar, not in steps of the last gap's length."""
    idx = pd.date_range(start, periods=120, freq=freq).delete(drop)
    frame = pd.DataFrame({"y": 100 + np.sin(np.arange(len(idx)))}, index=idx.rename("date"))
    prep = prepare(frame, DataConfig(look_back=6, horizon=1), transform=Transform())
    assert list(prep.future_index(3)) == list(pd.DatetimeIndex(expected))


def test_future_dates_of_an_irregular_series_follow_its_repeating_steps():
    """Readings at 8:00 and 12:00 each day (no pandas frequency): the forecast goes on at 8:00 and
    12:00, not in 4-hour steps through the night; steps without a pattern repeat the last one."""
    days = pd.date_range("2021-04-12", periods=60, freq="D")
    twice = pd.DatetimeIndex(sorted([*(days + pd.Timedelta(hours=8)), *(days + pd.Timedelta(hours=12))]))
    for idx, first in ((twice, "2021-06-11 08:00"), (twice[:-1], "2021-06-10 12:00")):
        frame = pd.DataFrame({"y": 100 + np.sin(np.arange(len(idx)))}, index=idx.rename("date"))
        prep = prepare(frame, DataConfig(look_back=6, horizon=1), transform=Transform())
        got = prep.future_index(4)
        assert got[0] == pd.Timestamp(first)
        assert sorted({t.hour for t in got}) == [8, 12] and got.is_monotonic_increasing
    uneven = pd.Timestamp("2020-01-01") + pd.to_timedelta(np.cumsum(np.arange(1, 41)), unit="h")
    frame = pd.DataFrame({"y": np.sin(np.arange(40.0))}, index=uneven.rename("date"))
    prep = prepare(frame, DataConfig(look_back=6, horizon=1), transform=Transform())
    assert list(prep.future_index(2)) == [uneven[-1] + pd.Timedelta(hours=40), uneven[-1] + pd.Timedelta(hours=80)]


def test_future_dates_of_business_hours_go_on_on_the_next_working_day():
    """A call centre's half-hours, 07:00-21:00 on weekdays only (fpp3's bank_calls): no pandas
    frequency, and the last steps are all 30 minutes. The forecast after Friday 21:00 starts on
    Monday at 07:00 and keeps to the hours and days the data has, where it went on every half-hour
    through the night and the weekend (a peak of calls forecast at 00:30 on Saturday)."""
    days = pd.bdate_range("2003-03-03", "2003-03-28")  # four weeks, Monday to Friday
    idx = pd.DatetimeIndex([d + pd.Timedelta(minutes=30 * k) for d in days + pd.Timedelta(hours=7) for k in range(29)])
    frame = pd.DataFrame({"y": 100 + np.sin(np.arange(len(idx)))}, index=idx.rename("DateTime"))
    prep = prepare(frame, DataConfig(look_back=6, horizon=1), transform=Transform())
    got = prep.future_index(29 * 6)  # a week and a day past the end
    assert list(got[:2]) == [pd.Timestamp("2003-03-31 07:00"), pd.Timestamp("2003-03-31 07:30")]
    assert got.is_monotonic_increasing and got.is_unique
    assert set(got.day_of_week) == {0, 1, 2, 3, 4}
    assert set(got.strftime("%H:%M")) == set(idx.strftime("%H:%M"))
    assert got[-1] == pd.Timestamp("2003-04-07 21:00")


def test_a_horizon_too_long_for_the_data_is_named_with_the_longest_that_fits():
    frame = _frame(np.linspace(1, 50, 100))
    train_end, _ = split_points(100, 0.1, 0.33)
    cfg = DataConfig(look_back=12, horizon=500, test_fraction=0.33, val_fraction=0.1)
    with pytest.raises(
        ConfigError,
        match=f"^horizon 500 is too long for the {train_end} training points with look_back 12; "
        f"use a horizon of at most {train_end - 13} or",
    ):
        prepare(frame, cfg, transform=Transform())
    prepare(frame, DataConfig(look_back=12, horizon=train_end - 13), transform=Transform())  # the longest fits
    # when a shorter look_back would also do, both ways out are named
    with pytest.raises(
        ConfigError,
        match=f"look_back 12 is too long .* with horizon {train_end - 12}; use a look_back of at most 11, "
        f"a horizon of at most {train_end - 13} or",
    ):
        prepare(frame, DataConfig(look_back=12, horizon=train_end - 12), transform=Transform())


def test_the_default_look_back_fits_a_short_series_and_an_asked_one_is_kept():
    assert look_back_for(144) == 12  # the default where it fits
    train_end, _ = split_points(20, 0.1, 0.33)
    assert train_end == 11 and look_back_for(20) == 3  # a third of the 11 training points
    assert look_back_for(20, 12) == 12  # asked for: prepare says which would fit
    # 17 training points: under twice the default, a third of them, as an auto run would shorten 12
    assert split_points(30, 0.1, 0.33)[0] == 17 and look_back_for(30) == 5
    assert split_points(42, 0.1, 0.33)[0] == 24 and look_back_for(42) == 12  # twice the default
    series = Series(pd.DataFrame({"y": np.sin(np.arange(20.0))}))
    cfg = DataConfig(look_back=look_back_for(20), transform="none")
    assert prepare(series, cfg).cfg.look_back == 3  # trains where 12 could not


def test_a_series_too_short_for_the_split_is_told_how_many_points_it_needs():
    from lstm_core.prep import fits_split, min_points

    cfg = DataConfig(look_back=1)
    need = min_points(cfg.val_fraction, cfg.test_fraction)
    assert fits_split(need, cfg.val_fraction, cfg.test_fraction)
    assert not fits_split(need - 1, cfg.val_fraction, cfg.test_fraction)
    y = pd.DataFrame({"y": np.arange(need, dtype=float) + 1.0})
    prepare(y, cfg)  # the fewest points it names are enough
    with pytest.raises(
        ConfigError, match=rf"^{need - 1} points are too few for this split \(it needs at least {need}\)"
    ):
        prepare(y.iloc[:-1], cfg)
    # a larger test part needs more
    assert min_points(0.1, 0.5) > need


def test_an_input_listed_twice_is_refused_in_one_sentence():
    frame = pd.DataFrame({"y": np.arange(60.0), "x": np.sin(np.arange(60.0))})
    with pytest.raises(
        ConfigError, match=r"^Input column 'x' is listed more than once; list each input column once\.$"
    ):
        prepare(frame, DataConfig(target="y", inputs=["x", "x"], look_back=6, horizon=1, transform="none"))


@pytest.mark.parametrize(
    ("years", "expected"),
    [
        ([1951, 1956, 1957, 1958, 1959, 1960, 1961], ["1962-01-01", "1963-01-01", "1964-01-01"]),
        ([1990, 1995, 2000, 2001, 2002, 2004, 2006, 2008], ["2010-01-01", "2012-01-01", "2014-01-01"]),
    ],
)
def test_future_dates_of_irregular_years_stay_on_new_year(years, expected):
    """R's WorldPhones (years 1951, 1956, 1957, ..., 1961: no frequency) was forecast for
    1962-01-02 and 1963-01-03, in steps of the last step's 366 days across the leap year 1960."""
    idx = pd.DatetimeIndex([f"{y}-01-01" for y in years], name="year")
    frame = pd.DataFrame({"y": 100 + np.arange(len(idx)) * 3.0 + np.sin(np.arange(len(idx)))}, index=idx)
    prep = prepare(frame, DataConfig(look_back=1, horizon=1), transform=Transform())
    assert list(prep.future_index(3)) == list(pd.DatetimeIndex(expected))


def test_the_steps_ahead_of_an_undated_series_go_on_from_its_last_row_number():
    """A file numbering its rows 100..159 is forecast for rows 160, 161, ... (its own numbers)."""
    frame = pd.DataFrame({"y": 100 + np.sin(np.arange(60))}, index=pd.RangeIndex(100, 160, name="step"))
    prep = prepare(frame, DataConfig(look_back=6, horizon=1), transform=Transform())
    assert list(prep.future_index(3)) == [160, 161, 162]
