"""The data package's public names, and the Series that carries a frame's frequency and season."""

from __future__ import annotations

import dataclasses
import importlib
import json
import re

import numpy as np
import pandas as pd
import pytest

import lstm_core.data as data
from lstm_core.config import DataConfig, RunConfig
from lstm_core.data import DataError, Series, as_series, generate, generate_series, infer_frequency, load_csv
from lstm_core.jobs import JobRegistry
from lstm_core.pipeline import fit_run
from lstm_core.prep import prepare
from lstm_core.runs import RunError, load_run, save_run

# Every name the single-module lstm_core.data exported, and where it lives now.
OLD_PUBLIC = {
    "MAX_BYTES": "loader",
    "DataReport": "loader",
    "LoadedData": "loader",
    "load_csv": "loader",
    "DataError": "errors",
    "GENERATORS": "generators",
    "GENERATOR_PARAMS": "generators",
    "GENERATOR_DESCRIPTIONS": "generators",
    "generate": "generators",
    "noisy_sine_truth": "generators",
    "DATASETS_DIR": "bundled",
    "load_airline": "bundled",
    "frame_to_csv_bytes": "bundled",
}
NEW_PUBLIC = {
    "Series": "series",
    "as_series": "series",
    "filled_positions": "series",
    "generate_series": "generators",
    "infer_frequency": "frequency",
    "describe_frequency": "frequency",
    "season_for": "frequency",
    "weekly_season": "frequency",
    "longer_season": "frequency",
    "yearly_season": "frequency",
    "no_season_words": "frequency",
    "default_target": "target",
    "SeveralSeriesError": "keys",
}


def tiny(**data_fields) -> RunConfig:
    cfg = RunConfig()
    cfg.model.hidden_size, cfg.data.look_back, cfg.data.transform = 4, 6, "none"
    cfg.train.epochs, cfg.train.ensemble, cfg.train.patience, cfg.train.device = 1, 1, None, "cpu"
    for k, v in data_fields.items():
        setattr(cfg.data, k, v)
    return cfg


def gappy_csv(n: int = 80) -> bytes:
    """Daily values with a missing cell every 10th row."""
    dates = pd.date_range("2021-01-01", periods=n, freq="D")
    cells = ["" if i % 10 == 5 else f"{np.sin(i / 3):.4f}" for i in range(n)]
    return ("date,value\n" + "".join(f"{d.date()},{c}\n" for d, c in zip(dates, cells))).encode()


# ---- the package split -----------------------------------------------------------------------


@pytest.mark.parametrize(("name", "module"), sorted({**OLD_PUBLIC, **NEW_PUBLIC}.items()))
def test_every_public_name_is_importable_from_the_package_and_is_its_submodules(name, module):
    sub = importlib.import_module(f"lstm_core.data.{module}")
    assert getattr(data, name) is getattr(sub, name)
    assert name in data.__all__


def test_all_lists_exactly_the_public_names():
    assert set(data.__all__) == set(OLD_PUBLIC) | set(NEW_PUBLIC)


def test_the_bundled_csvs_are_found_from_the_package():
    assert data.DATASETS_DIR.name == "datasets" and data.DATASETS_DIR.parent.name == "lstm_core"
    assert (data.DATASETS_DIR / "airline-passengers.csv").is_file()
    assert data.load_airline().shape == (144, 1)


# ---- Series ----------------------------------------------------------------------------------


def test_loaded_data_gives_a_series_with_what_the_loader_found():
    loaded = load_csv(data.DATASETS_DIR / "airline-passengers.csv", missing="ffill")
    s = loaded.series
    assert s.frame is loaded.frame
    assert (s.frequency, s.season, s.name, s.missing_policy) == ("MS", 12, "airline-passengers.csv", "ffill")


@pytest.mark.parametrize(
    ("name", "frequency", "season"),
    [("airline", "MS", 12), ("trend-seasonal", "MS", 12), ("sine", None, None), ("sin-cos", None, None)],
)
def test_generated_series_carry_the_frequency_and_season_of_their_index(name, frequency, season):
    s = generate_series(name, length=None if name == "airline" else 60, seed=3)
    assert (s.frequency, s.season, s.name, s.missing_policy) == (frequency, season, name, None)
    pd.testing.assert_frame_equal(s.frame, generate(name, length=None if name == "airline" else 60, seed=3))


def test_from_frame_reads_a_gappy_or_weekly_index_like_the_loader():
    monthly = pd.date_range("2000-01-01", periods=40, freq="MS").delete([5, 17])  # two months missing
    assert infer_frequency(monthly) == "MS"
    weekly = pd.DataFrame({"v": np.arange(30.0)}, index=pd.date_range("2020-01-05", periods=30, freq="7D"))
    weekly.index.freq = None
    s = Series.from_frame(weekly)
    assert (s.frequency, s.season) == ("W-SUN", 52)
    assert infer_frequency(pd.RangeIndex(10)) is None
    assert infer_frequency(pd.DatetimeIndex(["2020-01-03", "2020-01-01", "2020-01-02"])) is None  # unsorted


@pytest.mark.parametrize("season", [1, 0, -12, 2.5, True, "12"])
def test_a_season_must_be_a_whole_number_of_two_or_more_steps(season):
    with pytest.raises(DataError, match="A season must be a whole number of 2 or more steps"):
        Series(generate("sine", length=20), season=season)


def test_series_checks_its_frame_and_policy_and_is_immutable():
    frame = generate("sine", length=20)
    with pytest.raises(TypeError, match="must be a pandas DataFrame"):
        Series(frame["value"])  # type: ignore[arg-type]
    with pytest.raises(DataError, match="Unknown missing-value policy 'mean'"):
        Series(frame, missing_policy="mean")
    s = Series(frame, season=np.int64(7))
    assert s.season == 7 and type(s.season) is int and len(s) == 20
    with pytest.raises(dataclasses.FrozenInstanceError):
        s.season = 12  # type: ignore[misc]
    assert repr(s) == "Series(name='', 20 x 1, frequency=None, season=7, missing_policy=None)"


def test_as_series_keeps_a_series_and_gives_a_bare_frame_no_season():
    s = generate_series("airline")
    assert as_series(s) is s
    bare = as_series(s.frame)  # a bare frame is taken as it is, as before Series existed
    assert bare.frame is s.frame and (bare.frequency, bare.season, bare.missing_policy) == (None, None, None)
    with pytest.raises(TypeError, match="Expected a Series or a pandas DataFrame, not ndarray"):
        as_series(np.zeros(3))  # type: ignore[arg-type]


def test_the_season_of_the_config_wins_then_the_series_then_detection():
    t = np.arange(120.0)
    frame = pd.DataFrame({"y": 10 + np.sin(2 * np.pi * t / 7)})  # a clean weekly cycle on a step index
    cfg = DataConfig(look_back=8, horizon=1, transform="none")
    assert prepare(frame, cfg).season == 7  # detected from the training part
    assert prepare(Series(frame, season=12), cfg).season == 12  # the series' season beats detection
    assert prepare(Series(frame, season=12), DataConfig(look_back=8, horizon=1, transform="none", season=4)).season == 4


def test_positional_season_hints_are_refused_rather_than_misread():
    frame = generate("sine", length=60)
    with pytest.raises(TypeError):
        prepare(frame, DataConfig(), 12)  # type: ignore[misc]
    with pytest.raises(TypeError):
        fit_run(frame, tiny(), 12)  # type: ignore[misc]
    reg = JobRegistry(max_workers=1, torch_threads=1)
    try:
        with pytest.raises(TypeError):
            reg.submit(frame, tiny(), 12)  # type: ignore[misc]
    finally:
        reg.close()


def test_a_run_carries_its_series_and_a_saved_run_reloads_it(tmp_path):
    series = generate_series("trend-seasonal", length=60)
    run = fit_run(series, tiny())
    assert run.series is series and run.frame is series.frame
    assert run.metrics.info.season == 12 and run.metrics.info.season_source == "time index"
    save_run(run, tmp_path / "run")
    meta = json.loads((tmp_path / "run" / "config.json").read_text())
    assert meta["season_hint"] == 12 and "series" not in meta  # the keys on disk are unchanged
    again = load_run(tmp_path / "run")
    assert (again.series.frequency, again.series.season) == ("MS", 12)
    pd.testing.assert_frame_equal(again.frame, series.frame, check_freq=False)
    meta["season_hint"] = 1
    (tmp_path / "run" / "config.json").write_text(json.dumps(meta))
    with pytest.raises(RunError, match="holds a damaged season_hint; the run folder is damaged"):
        load_run(tmp_path / "run")


@pytest.mark.parametrize("offset", ["+01:00", "-09:30"])
def test_a_saved_run_keeps_the_utc_offset_its_data_was_written_with(offset, tmp_path):
    """A run trained on times written with a UTC offset wrote its saved forecast with naive times; the
    offset is recorded (config.json) and written with the times, and a damaged one is named."""
    series = dataclasses.replace(generate_series("trend-seasonal", length=60), utc_offset=offset)
    save_run(fit_run(series, tiny()), tmp_path / "run")
    meta = json.loads((tmp_path / "run" / "config.json").read_text())
    assert meta["utc_offset"] == offset
    again = load_run(tmp_path / "run")
    assert again.series.utc_offset == offset
    times = pd.read_csv(tmp_path / "run" / "forecast.csv")["time"]
    after = series.frame.index[-1] + pd.offsets.MonthBegin(1)  # the month after the data's last
    assert times.iloc[0] == after.strftime("%Y-%m-%dT%H:%M:%S") + offset and times.str.endswith(offset).all()
    meta["utc_offset"] = "01:00"
    (tmp_path / "run" / "config.json").write_text(json.dumps(meta))
    with pytest.raises(RunError, match="holds a damaged utc_offset; the run folder is damaged"):
        load_run(tmp_path / "run")


@pytest.mark.parametrize("offset", ["01:00", "+1:00", "+24:00", "UTC", 1])
def test_a_series_refuses_an_offset_it_could_not_write(offset):
    with pytest.raises(DataError, match=r"A UTC offset is written \+HH:MM or -HH:MM"):
        Series(generate("sine", length=30), utc_offset=offset)


# ---- the missing-value policy that was applied is the one recorded ------------------------------


@pytest.mark.parametrize("policy", ["ffill", "drop"])
def test_the_config_records_the_missing_value_policy_the_loader_applied(policy, tmp_path):
    loaded = load_csv(gappy_csv(), missing=policy)
    assert loaded.report.missing["value"] == 8
    cfg = tiny()
    assert cfg.data.missing == "interpolate"  # the default, which is not what was done
    run = fit_run(loaded.series, cfg)
    assert run.config.data.missing == policy
    save_run(run, tmp_path / "run")
    meta = json.loads((tmp_path / "run" / "config.json").read_text())
    assert meta["data"]["missing"] == policy
    assert load_run(tmp_path / "run").config.data.missing == policy


def _job_run(reg: JobRegistry, series: Series):
    """Train ``series`` as a job of ``reg``; its id, snapshot and run once finished."""
    jid = reg.submit(series, tiny(), owner="me")
    snap = reg.wait(jid, 120)
    assert snap is not None and snap.status == "finished", snap
    job = reg.get(jid)
    assert job is not None and job.run is not None
    return jid, snap, job.run


def test_a_training_job_records_the_policy_of_its_series():
    loaded = load_csv(gappy_csv(), missing="drop")
    reg = JobRegistry(max_workers=1, torch_threads=1)
    try:
        _, snap, run = _job_run(reg, loaded.series)
        assert run.config.data.missing == "drop" and snap.config["data"]["missing"] == "drop"
    finally:
        reg.close()


# ---- the values the loader filled in are not scored ----------------------------------------------


def test_a_series_keeps_the_positions_filled_in_checked_sorted_and_within_its_frame():
    frame = generate("sine", length=30)
    col = frame.columns[0]
    s = Series(frame, filled={col: [29, 3, 3, 40]})  # 40: past a prefix of a longer series
    assert s.filled == {col: (3, 29)}
    assert np.flatnonzero(s.filled_at(col)).tolist() == [3, 29]
    assert not s.filled_at("other").any() and len(s.filled_at(col)) == 30
    assert Series(frame, filled={col: []}).filled is None
    for bad, said in (
        ({"nope": [1]}, "name column 'nope'"),
        ({col: [-1]}, "whole row numbers"),
        ({col: "12"}, "whole row numbers"),
    ):
        with pytest.raises(DataError, match=said):
            Series(frame, filled=bad)


def test_a_loaded_series_carries_the_positions_the_loader_filled_in():
    loaded = load_csv(gappy_csv(), missing="ffill")
    assert loaded.series.filled == {"value": tuple(range(5, 80, 10))}
    assert load_csv(gappy_csv(), missing="drop").series.filled is None


def _observed_rmse(actual: np.ndarray, predicted: np.ndarray) -> float:
    return float(np.sqrt(np.mean((actual - predicted) ** 2)))


def test_the_test_scores_leave_out_the_values_the_loader_filled_in(tmp_path):
    """A forward-filled gap is the naive forecast's exactly: scored, it flattered the baseline (and
    every model) with values nobody observed. The test scores and coverage now count the observed
    values only, the model's and the baselines' alike, and a reloaded run scores them the same."""
    loaded = load_csv(gappy_csv(), missing="ffill")
    run = fit_run(loaded.series, tiny())
    m, pred = run.metrics, run.predictions
    ts = run.prep.test_start
    filled = np.zeros(len(pred), dtype=bool)
    filled[5::10] = True
    test = (pred["part"] == "test").to_numpy() & pred["one_step"].notna().to_numpy()
    observed = test & ~filled
    assert m.info.n_test_filled == int((test & filled).sum()) > 0 and m.info.n_test == int(test.sum())
    y = pred["actual"].to_numpy()
    assert m.test.rmse == pytest.approx(_observed_rmse(y[observed], pred["one_step"].to_numpy()[observed]))
    span = ~filled[ts:]
    assert m.test_multistep.rmse == pytest.approx(_observed_rmse(y[ts:][span], pred["multistep"].to_numpy()[ts:][span]))
    t = np.flatnonzero(observed)
    assert m.baselines["naive"].rmse == pytest.approx(_observed_rmse(y[t], y[t - 1]))
    inside = (y >= pred["lower"].to_numpy()) & (y <= pred["upper"].to_numpy())
    assert m.coverage.multistep == pytest.approx(inside[ts:][span].mean())
    # the training scores too (they counted the filled-in values, an outside audit found; validation alike)
    at = (pred["part"] == "train").to_numpy() & pred["one_step"].notna().to_numpy()
    assert (at & filled).any()
    seen = at & ~filled
    assert m.train.rmse == pytest.approx(_observed_rmse(y[seen], pred["one_step"].to_numpy()[seen]))
    save_run(run, tmp_path / "run")
    meta = json.loads((tmp_path / "run" / "config.json").read_text())
    assert meta["filled"] == {"value": list(range(5, 80, 10))}
    again = load_run(tmp_path / "run")
    assert again.metrics.to_dict() == m.to_dict()
    meta["filled"] = {"value": "damaged"}  # a damaged entry: every value counts, as before it existed
    (tmp_path / "run" / "config.json").write_text(json.dumps(meta))
    assert load_run(tmp_path / "run").metrics.info.n_test_filled == 0


def test_a_whole_test_part_filled_in_is_scored_rather_than_left_with_no_points():
    """Trailing empty cells filled from the last value: with nothing observed in the test part,
    its filled values are scored (as before) rather than giving no test score at all."""
    frame = generate("sine", length=60)
    col = frame.columns[0]
    run = fit_run(Series(frame, filled={col: list(range(40, 60))}), tiny())
    assert run.metrics.info.n_test_filled == 0 and run.metrics.test is not None


def test_a_stored_job_keeps_the_positions_its_series_had_filled_in(tmp_path):
    from lstm_core.store import RunStore

    loaded = load_csv(gappy_csv(), missing="interpolate")
    reg = JobRegistry(max_workers=1, torch_threads=1, store=RunStore(tmp_path / "jobs"))
    try:
        jid, _, run = _job_run(reg, loaded.series)
        scores = run.metrics.to_dict()
        assert run.metrics.info.n_test_filled > 0
    finally:
        reg.close()
    store = RunStore(tmp_path / "jobs")  # a restarted server: the job's data and run from disk
    again = JobRegistry(max_workers=1, torch_threads=1, store=store)
    try:
        series = again.series_of(jid)
        assert series is not None and series.filled == loaded.series.filled
        assert store.load(jid).metrics.to_dict() == scores
    finally:
        again.close()


def test_the_intervals_take_no_residual_at_a_value_filled_in():
    """The validation part's residuals calibrate the bands: against a value nobody observed (an
    interpolated gap lies on a straight line, easy to forecast) they made the bands narrower."""
    frame = generate("trend-seasonal", length=90)
    col = frame.columns[0]
    whole = fit_run(Series(frame), tiny())
    val = list(range(whole.prep.train_end, whole.prep.test_start, 3))
    gappy = fit_run(Series(frame, filled={col: val}), tiny())

    def residuals(run) -> int:
        found = re.search(r"conformal on ([\d,]+) out-of-sample residuals", run.metrics.coverage.note)
        return int(found.group(1).replace(",", ""))

    assert 0 < residuals(gappy) < residuals(whole)


def test_rows_of_a_series_shift_its_filled_in_positions():
    frame = generate("sine", length=30)
    col = frame.columns[0]
    part = Series(frame, frequency="D", season=7, name="s", filled={col: [2, 10, 25]}).rows(5, 20)
    assert len(part) == 15 and part.filled == {col: (5,)} and (part.frequency, part.season, part.name) == ("D", 7, "s")
    pd.testing.assert_frame_equal(part.frame, frame.iloc[5:20])


def _late_column_csv() -> bytes:
    """Monthly 'a' throughout, 'b' only from row 30 to row 114 of 120 (empty cells around)."""
    t = np.arange(120)
    dates = pd.date_range("2000-01-01", periods=120, freq="MS").strftime("%Y-%m")
    a = 100 + 10 * np.sin(2 * np.pi * t / 12) + 0.3 * t
    b = [f"{50 + 5 * np.cos(2 * np.pi * i / 12) + 0.1 * i:.3f}" if 30 <= i < 115 else "" for i in t]
    return ("month,a,b\n" + "".join(f"{d},{x:.3f},{y}\n" for d, x, y in zip(dates, a, b))).encode()


def test_a_target_that_starts_later_or_ends_earlier_trains_on_its_observed_rows_only(tmp_path):
    """A column that starts 30 rows into the file had its first value copied into those rows (and its last
    into the 5 after it): the networks trained on 35 made-up values, flat, as if they were data."""
    loaded = load_csv(_late_column_csv())
    run = fit_run(loaded.series, tiny(target="b"))
    assert run.trimmed == (30, 5) and len(run.series) == 85
    assert run.series.frame.index[0] == pd.Timestamp("2002-07-01") and run.series.filled is None
    assert run.metrics.info.n_points == 85 and run.metrics.info.n_test_filled == 0
    assert run.metrics.guards.trimmed == (
        "The run left out the 30 rows before the first value of 'b' and the 5 after its last: the loader had "
        "filled them in (empty cells at the start or end of the column), so the networks did not train "
        "on made-up values."
    )
    assert run.future(3)["time"].iloc[0] == pd.Timestamp("2009-08-01")  # after b's last value
    save_run(run, tmp_path / "run")
    assert json.loads((tmp_path / "run" / "config.json").read_text())["trimmed"] == [30, 5]
    again = load_run(tmp_path / "run")
    assert again.trimmed == (30, 5) and again.metrics.to_dict() == run.metrics.to_dict()
    # the column observed at both ends: nothing is left out, though the file's other column has gaps
    whole = fit_run(loaded.series, tiny(target="a"))
    assert whole.trimmed == (0, 0) and whole.metrics.guards.trimmed is None and len(whole.series) == 120


def test_clipping_at_zero_is_decided_from_the_data_before_the_test_part():
    """Monthly counts with zeros: a -1 in the test part's last row (a correction) unclipped the bands of
    test points years before it; whether forecasts are held at 0 is known from the data before the test
    part, as the scaler is."""
    rng = np.random.default_rng(5)
    counts = rng.poisson(1.5 + np.sin(np.arange(144) * 2 * np.pi / 12), 144).astype(float)
    index = pd.date_range("2005-01-01", periods=144, freq="MS")
    corrected = counts.copy()
    corrected[-1] = -1.0
    runs = [fit_run(Series(pd.DataFrame({"n": v}, index=index)), tiny()) for v in (counts, corrected)]
    assert [r.metrics.guards.non_negative for r in runs] == [True, True]
    a, b = (r.predictions.iloc[:-1] for r in runs)
    for col in ("one_step", "one_step_lower", "multistep", "lower"):
        np.testing.assert_array_equal(a[col].to_numpy(), b[col].to_numpy(), err_msg=col)
    assert (a["lower"].dropna() >= 0).all() and (a["one_step_lower"].dropna() >= 0).all()
