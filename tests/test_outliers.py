"""Lone spikes before the test part: which points count, what replaces them, and that only the
networks see the replacement (lstm_core.outliers, prep.fit_values)."""

import numpy as np
import pandas as pd
import pytest

from lstm_core.config import ConfigError, DataConfig, RunConfig
from lstm_core.data import Series, generate
from lstm_core.outliers import SPIKE_SCORE, find_spikes, lone_non_positive, replaced, spike_scores, spikes_note
from lstm_core.pipeline import fit_run
from lstm_core.prep import future_spikes, prepare, series_spikes, with_history
from lstm_core.runs import load_run, save_run


def _monthly(n: int = 120, seed: int = 0) -> np.ndarray:
    """A noisy monthly cycle around 10 (noise sd 0.5)."""
    t = np.arange(n)
    return 10 + 3 * np.sin(2 * np.pi * t / 12) + np.random.default_rng(seed).normal(0, 0.5, n)


def _frame(y: np.ndarray) -> pd.DataFrame:
    return pd.DataFrame({"value": y}, index=pd.date_range("2010-01-01", periods=len(y), freq="MS"))


def test_a_lone_spike_is_found_and_replaced_near_the_value_it_hides():
    y = _monthly()
    true = y[60]
    y[60] = 1000.0
    spikes = find_spikes(y, 80, 12)
    assert spikes.index.tolist() == [60]
    assert spikes.given.tolist() == [1000.0]
    assert abs(spikes.replaced[0] - true) < 2.0  # within 4 noise sds of the value it hides
    out = replaced(y, spikes)
    assert out[60] == spikes.replaced[0] and np.array_equal(np.delete(out, 60), np.delete(y, 60))
    assert y[60] == 1000.0  # the caller's array is left alone


@pytest.mark.parametrize("value", [0.0, -500.0, 120.0])
def test_a_zero_a_negative_and_a_tenfold_reading_are_spikes(value):
    y = _monthly(seed=1)
    y[33] = value
    assert find_spikes(y, 80, 12).index.tolist() == [33]


def test_a_level_shift_a_seasonal_peak_and_clean_data_are_not_spikes():
    step = _monthly(seed=2)
    step[50:] += 40.0  # one jump, not two
    assert len(find_spikes(step, 80, 12)) == 0
    peaks = _monthly(seed=3)
    peaks[np.arange(120) % 12 == 5] += 20.0  # a tall peak every year is the season's shape
    assert len(find_spikes(peaks, 80, 12)) == 0
    air = generate("airline").iloc[:, -1].to_numpy(dtype=np.float64)
    assert len(find_spikes(air, 96, 12)) == 0


def test_only_the_data_before_the_end_and_inside_its_ends_is_judged():
    y = _monthly(seed=4)
    y[[0, 79, 90]] = 1000.0  # the first point, the last judged one, one in the test part
    assert len(find_spikes(y, 80, 12)) == 0
    y[40] = 1000.0
    assert find_spikes(y, 80, 12).index.tolist() == [40]


def test_a_spiky_series_by_nature_keeps_its_spikes():
    rng = np.random.default_rng(5)
    y = rng.normal(0, 0.1, 200)
    bursts = rng.choice(np.arange(1, 199), 20, replace=False)
    y[bursts] += 50.0  # 10% of the points: bursts are how this series behaves
    assert (spike_scores(y, None)[0] > SPIKE_SCORE).sum() >= 15
    assert len(find_spikes(y, 200, None)) == 0


def test_a_zero_inside_a_wide_seasonal_swing_is_a_spike_where_the_series_never_nears_zero():
    """A missing value stored as 0 in a quarterly series that swings from 100 to 500 jumps less
    than the swing, yet never belongs there; counts with zeros of their own keep them."""
    t = np.arange(80)
    y = 300 + 200 * np.sin(2 * np.pi * t / 4 + 0.3) + np.random.default_rng(10).normal(0, 5, 80)
    assert y.min() > 60
    y[21] = 0.0
    assert spike_scores(y, 4)[0][21] < SPIKE_SCORE  # the jump alone does not tell
    spikes = find_spikes(y, 60, 4)
    assert spikes.index.tolist() == [21] and spikes.replaced[0] > 60
    counts = np.random.default_rng(11).poisson(3.0, 80).astype(float)  # zeros of its own
    assert (counts == 0).sum() >= 1 and len(lone_non_positive(counts)) == 0
    near = np.linspace(1.0, 100.0, 80)  # readings that come near 0 (under a tenth of the median)
    near[40] = 0.0
    assert len(lone_non_positive(near)) == 0
    twice = y.copy()
    twice[22] = 0.0  # two zeros in a row are not lone readings
    assert len(lone_non_positive(twice[:60])) == 0


def test_a_count_that_comes_down_to_a_few_keeps_its_zeros():
    """Monthly strikes (1 to 18, low each December): a December with none was replaced as a missing value."""
    strikes = np.tile([5.0, 4, 6, 16, 5, 8, 8, 9, 10, 10, 7, 1], 6)
    strikes[[23, 47]] = 0.0
    assert len(lone_non_positive(strikes)) == 0 and len(find_spikes(strikes, 60, 12)) == 0
    sales = strikes * 100 + 400  # whole numbers that never come near 0: a 0 there is a missing value
    sales[23] = 0.0
    assert lone_non_positive(sales).tolist() == [23]


def test_a_zero_replaced_leaves_the_logs_open():
    y = 100 * 1.01 ** np.arange(120) * (1 + 0.3 * np.sin(2 * np.pi * np.arange(120) / 12))
    y[30] = 0.0
    prep = prepare(Series(_frame(y), season=12), DataConfig(transform="log", look_back=12))
    assert prep.transform.log and prep.spikes.index.tolist() == [30] and np.isfinite(prep.z).all()
    with pytest.raises(ConfigError, match="The log transform needs a target above zero everywhere"):
        prepare(Series(_frame(y), season=12), DataConfig(transform="log", look_back=12, outliers="keep"))


def test_a_positive_series_stays_positive_and_a_flat_one_has_no_scale():
    y = np.array([1.0, 1.0, 1.0, 1.0, 50.0, 1.0, 1.0, 1.0, 1.0, 1.0])
    spikes = find_spikes(y, 10, None)  # every step but two is 0: no spread to judge by
    assert len(spikes) == 0
    assert spike_scores(np.ones(20), None)[0].tolist() == [0.0] * 20


def test_the_networks_see_the_replacement_and_everything_else_the_data_as_given():
    y = _monthly(seed=6)
    y[50] = 1000.0
    series = Series(_frame(y), season=12)
    prep = prepare(series, DataConfig(transform="none", look_back=12))
    assert prep.spikes.index.tolist() == [50]
    assert prep.y[50] == 1000.0  # metrics, baselines and charts
    assert prep.y_fit[50] == prep.spikes.replaced[0] < 20
    assert prep.z[50] == prep.y_fit[50]  # the networks' inputs and targets
    assert np.nanmax(prep.features[:, 0]) < 5  # the scaler never saw the spike
    kept = prepare(series, DataConfig(transform="none", look_back=12, outliers="keep"))
    assert len(kept.spikes) == 0 and kept.z[50] == 1000.0 and np.array_equal(kept.y_fit, y)


def test_a_spike_that_hides_the_season_is_replaced_before_the_season_is_detected():
    """Without a time index the season comes from the autocorrelation, which one huge reading
    flattens: it is detected again on the replaced values."""
    y = _monthly(n=144, seed=7)
    y[40] = 1e4
    frame = pd.DataFrame({"value": y})
    assert prepare(Series(frame), DataConfig(transform="none", outliers="keep")).season != 12
    prep = prepare(Series(frame), DataConfig(transform="none"))
    assert prep.season == 12 and prep.spikes.index.tolist() == [40]


def test_an_unknown_policy_is_one_sentence():
    with pytest.raises(ConfigError, match=r"Unknown outlier policy 'drop'; choose one of replace, keep\."):
        DataConfig(outliers="drop").validate()


def test_the_note_names_each_point_with_its_values():
    y = _monthly(seed=8)
    y[[30, 60]] = [1000.0, -800.0]
    spikes = find_spikes(y, 80, 12)
    note = spikes_note(spikes, _frame(y).index)
    assert note.startswith("2 lone spikes before the test part (2012-07-01: 1000 → ")
    assert "; 2015-01-01: -800 → " in note and note.endswith(
        " If they are real, keep them: Train → Advanced → Lone spikes or drops → keep as given (command line: "
        "--outliers keep)."
    )
    assert spikes_note(find_spikes(_monthly(), 80, 12), _frame(y).index) is None
    assert "(step 30: 1000 → " in spikes_note(spikes, pd.RangeIndex(120))


def test_a_run_on_a_series_with_a_spike_forecasts_as_on_the_clean_one(tmp_path):
    """The spike in the training part neither reaches the networks nor the test metrics; the run
    says which point it replaced, and its predictions keep the value as given."""
    clean = _monthly(seed=9)
    spiked = clean.copy()
    spiked[45] = 500.0
    cfg = RunConfig.make(epochs=30, hidden_size=8, ensemble=1, patience=None, device="cpu")
    runs = {name: fit_run(Series(_frame(v), season=12), cfg) for name, v in (("clean", clean), ("spiked", spiked))}
    kept = fit_run(Series(_frame(spiked), season=12), cfg.replace(outliers="keep"))
    m = {k: r.metrics for k, r in runs.items()}
    assert m["spiked"].guards.outliers.startswith("1 lone spike before the test part (2013-10-01: 500 → ")
    assert m["clean"].guards.outliers is None and kept.metrics.guards.outliers is None
    assert runs["spiked"].predictions["actual"].iloc[45] == 500.0
    assert m["spiked"].test_multistep.rmse < 1.5 * m["clean"].test_multistep.rmse
    assert kept.metrics.test_multistep.rmse > 2 * m["spiked"].test_multistep.rmse
    # a saved run reloads with the same spike replaced: the same predictions, to the bit
    back = load_run(save_run(runs["spiked"], tmp_path / "r"))
    assert back.prep.spikes.index.tolist() == [45]
    pd.testing.assert_frame_equal(back.predictions, runs["spiked"].predictions, check_exact=True)
    pd.testing.assert_frame_equal(back.future(12), runs["spiked"].future(12))


def test_a_preparation_given_its_own_values_again_is_unchanged():
    y = _monthly(seed=12)
    y[40] = 900.0
    for tr in ("none", "log_diff", "seasonal_diff"):
        prep = prepare(Series(_frame(y), season=12), DataConfig(transform=tr, look_back=12))
        again = with_history(prep, prep.y_fit)
        for name in ("z", "u", "features", "d_scaled"):
            np.testing.assert_array_equal(getattr(again, name), getattr(prep, name), err_msg=f"{tr}: {name}")


def test_the_forecast_ahead_starts_from_a_history_without_the_test_parts_spikes():
    """A bad reading among the last points of the data: the test metrics score it as given, the
    forecast past the end starts without it (and the run says so); with "keep" it starts from it."""
    clean = _monthly(seed=13)
    spiked = clean.copy()
    spiked[115] = 400.0  # in the test part, 5 points before the end
    # the auto ensemble: its differenced members copy a reading of the last season into their paths
    cfg = RunConfig.make(epochs=20, hidden_size=8, patience=None, device="cpu")
    runs = {k: fit_run(Series(_frame(v), season=12), cfg) for k, v in (("clean", clean), ("spiked", spiked))}
    kept = fit_run(Series(_frame(spiked), season=12), cfg.replace(outliers="keep"))
    prep = runs["spiked"].prep
    assert len(prep.spikes) == 0  # nothing before the test part
    found = future_spikes(prep)
    assert found.index.tolist() == [115] and found.given.tolist() == [400.0] and abs(found.replaced[0] - clean[115]) < 2
    assert len(future_spikes(kept.prep)) == 0
    note = runs["spiked"].metrics.guards.outliers
    assert note.startswith("1 lone spike in the test part (2019-08-01: 400 → ") and "as given" in note
    assert runs["spiked"].metrics.test.rmse > 2 * runs["clean"].metrics.test.rmse  # scored as given
    ahead = {k: r.future(12)["forecast"].to_numpy() for k, r in {**runs, "kept": kept}.items()}
    off = np.abs(ahead["spiked"] - ahead["clean"]).max()
    assert off < 0.5 and np.abs(ahead["kept"] - ahead["clean"]).max() > 10 * max(off, 0.1)


def test_the_data_page_sees_the_spikes_a_run_goes_without():
    """Before any preparation, :func:`series_spikes` finds what a default run replaces: those before
    the test part (for training) and those in it (for the forecast ahead)."""
    y = _monthly(seed=14)
    y[[40, 100]] = [800.0, -600.0]  # one before the test part (starts at 80), one in it
    found = series_spikes(y, DataConfig(), 12)
    prep = prepare(Series(_frame(y), season=12), DataConfig(look_back=12))
    assert found.index.tolist() == future_spikes(prep).index.tolist() == [40, 100]
    np.testing.assert_array_equal(found.replaced, future_spikes(prep).replaced)
    assert len(series_spikes(y, DataConfig(outliers="keep"), 12)) == 0


def test_a_seasonal_peak_that_grows_with_the_level_is_no_spike_but_a_tenfold_reading_still_is():
    """A shop's Decembers grow with its sales (an additive profile of the early years cannot hold
    the later ones); on the logs the peak is the season's shape. A reading typed ten times too
    large is a spike on both scales."""
    t = np.arange(84)
    rng = np.random.default_rng(12)
    season = np.where(t % 12 == 11, 2.6, 1.0) * np.where(t % 12 == 10, 1.6, 1.0)
    y = 2000 * 1.035**t * season * np.exp(rng.normal(0, 0.08, 84))
    assert spike_scores(y, 12)[0].max() > SPIKE_SCORE  # the values alone would call a December a spike
    assert len(find_spikes(y, 84, 12)) == 0
    y[40] *= 10
    assert find_spikes(y, 84, 12).index.tolist() == [40]


def test_a_spike_on_a_filled_in_gap_is_named_as_filled_in_not_as_given():
    from lstm_core.outliers import Spikes, listed

    index = pd.date_range("2020-01-01", periods=10, freq="D")
    spikes = Spikes(index=np.array([2, 6]), given=np.array([87.44, 500.0]), replaced=np.array([120.0, 101.0]))
    filled = np.zeros(10, dtype=bool)
    filled[2] = True
    assert listed(spikes, index, filled) == "2020-01-03 (filled in): 87.44 → 120; 2020-01-07: 500 → 101"
    assert listed(spikes, index) == "2020-01-03: 87.44 → 120; 2020-01-07: 500 → 101"


def test_a_noiseless_wave_a_little_off_its_season_has_no_spikes():
    """A clean hourly sine of period 24.02 h: its residuals less a 24-step profile drift at the peaks, and
    with almost no spread in its steps the drift read as 4 lone spikes (109.7 -> 108.7), to be replaced."""
    wave = np.round(100 + 10 * np.sin(np.arange(120) / 24.02 * 2 * np.pi), 2)
    assert len(series_spikes(wave, DataConfig(), 24).index) == 0
    typo = wave.copy()
    typo[30] *= 10  # a real one still is one
    assert series_spikes(typo, DataConfig(), 24).index.tolist() == [30]
