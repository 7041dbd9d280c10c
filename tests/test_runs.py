"""Run directories: exact round trip, atomic save, safe zip restore."""

import dataclasses
import io
import json
import os
import pickle
import shutil
import struct
import time
import zipfile

import numpy as np
import pandas as pd
import pytest
import torch

from lstm_core import csvsafe, pipeline, runs
from lstm_core.config import RunConfig, TrainConfig
from lstm_core.data import Series
from lstm_core.pipeline import fit_run
from lstm_core.prep import Transform
from lstm_core.results import RunMetrics
from lstm_core.runs import RunError, load_run, run_to_zip, save_run, zip_to_run_dir


@pytest.fixture(scope="module")
def run():
    t = np.arange(100.0)
    frame = pd.DataFrame(
        {"y": 10 + np.sin(t / 4)}, index=pd.date_range("2020-01-01", periods=100, freq="D", name="day")
    )
    cfg = RunConfig()
    cfg.model.cell, cfg.model.hidden_size, cfg.train.epochs = "gru", 6, 3
    return fit_run(Series(frame, season=7), cfg)


def test_round_trip_reproduces_predictions_exactly(run, tmp_path):
    save_run(run, tmp_path / "r")
    assert sorted(p.name for p in (tmp_path / "r").iterdir()) == sorted(runs.RUN_FILES)
    back = load_run(tmp_path / "r")
    assert [e["epoch"] for e in back.gate_history] == [e["epoch"] for e in run.gate_history] == [0, 1, 2, 3]
    np.testing.assert_allclose(
        back.gate_history[-1]["layers"][0]["z"]["mean"], run.gate_history[-1]["layers"][0]["z"]["mean"]
    )
    pd.testing.assert_frame_equal(back.predictions, run.predictions, check_exact=True)
    assert back.metrics.test == run.metrics.test and back.metrics.test_multistep == run.metrics.test_multistep
    on_disk = json.loads((tmp_path / "r" / "metrics.json").read_text())
    assert on_disk["test"] == run.metrics.to_dict()["test"]
    assert RunMetrics.from_dict(on_disk) == run.metrics
    assert len(back.history) == len(run.history)
    pd.testing.assert_frame_equal(back.future(10), run.future(10))
    assert [m.prep.transform for m in back.members] == [m.prep.transform for m in run.members]
    # auto, for 100 points: two networks per variant (representation and horizon), at least ten,
    # and a standby (every representation kept for this stationary series is a level one)
    standby = [m for m in run.members if m.standby]
    assert len(standby) == 1 and [m.standby for m in back.members] == [m.standby for m in run.members]
    nets = max(TrainConfig.AUTO_NETWORKS, TrainConfig.NETWORKS_PER_VARIANT * (len(run.members) - 1)) + 1
    assert back.metrics.info.ensemble == run.networks == nets
    np.testing.assert_array_equal(back.conformal_q, run.conformal_q)
    # what the run reported of its training comes back too: every network's time and best epoch, its device
    assert back.metrics.info.train_seconds == run.metrics.info.train_seconds
    assert back.metrics.info.train_seconds > run.fit.seconds  # the sum over the networks, not the first one's
    assert back.metrics.info.member_best_epochs == run.metrics.info.member_best_epochs
    assert back.metrics.info.device == run.metrics.info.device == run.device


def test_saved_forecast_rows_match_the_page_and_the_zip(run, tmp_path):
    save_run(run, tmp_path / "r", forecast_steps=21)
    saved = pd.read_csv(tmp_path / "r" / "forecast.csv")
    fut = run.future(21)
    assert list(saved.columns) == ["time", "forecast", "lower", "upper"] and len(saved) == 21
    np.testing.assert_allclose(
        saved[["forecast", "lower", "upper"]].to_numpy(), fut[["forecast", "lower", "upper"]].to_numpy()
    )
    assert list(pd.to_datetime(saved["time"])) == list(fut["time"])
    with zipfile.ZipFile(io.BytesIO(run_to_zip(tmp_path / "r"))) as zf:
        assert zf.read("forecast.csv") == (tmp_path / "r" / "forecast.csv").read_bytes()


@pytest.mark.parametrize(
    ("season", "tested", "shown"),
    [(12, 48, 24), (None, 48, 24), (12, 13, 13), (None, 4, 4), (7, 1, 1), (52, 457, 104), (None, 0, 24)],
)
def test_the_forecast_ahead_shows_no_more_steps_by_default_than_the_verdict_covers(season, tested, shown):
    """A 19-point series of decades, 4 of them tested, was forecast 24 decades ahead by default:
    two seasons (else 24) now stop at the test span's length."""
    assert runs.steps_shown(season, tested) == shown


def test_a_saved_run_writes_the_default_forecast_within_its_test_span(tmp_path):
    t = np.arange(30.0)
    frame = pd.DataFrame({"y": 5 + 0.3 * t + np.sin(t)}, index=pd.date_range("1800-01-01", periods=30, freq="10YS"))
    cfg = RunConfig()
    cfg.model.hidden_size, cfg.train.epochs, cfg.train.ensemble, cfg.data.transform = 4, 1, 1, "none"
    cfg.data.look_back = 4
    r = fit_run(Series(frame), cfg)
    tested = r.prep.n - r.prep.test_start
    assert 0 < tested < runs.DEFAULT_FORECAST_STEPS
    save_run(r, tmp_path / "r")
    assert len(pd.read_csv(tmp_path / "r" / "forecast.csv")) == tested


def test_crash_mid_save_keeps_previous_run(run, tmp_path, monkeypatch):
    target = tmp_path / "r"
    save_run(run, target)
    before = (target / "model.pt").read_bytes()

    def boom(*a, **k):
        raise OSError("disk full")

    monkeypatch.setattr(runs.torch, "save", boom)
    with pytest.raises(OSError):
        save_run(run, target)
    assert (target / "model.pt").read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["r"]  # no temporary folder left behind


def test_a_run_too_big_to_restore_by_upload_says_so_before_it_is_downloaded(run, tmp_path):
    """The Forecast page's 'Download run (.zip)' tells what the upload would refuse: the rows of
    data.csv over the bound, or rows times weights over the work bound; none where it restores."""
    save_run(run, tmp_path / "r")
    data = run_to_zip(tmp_path / "r")
    rows = len(run.frame)
    weights = (tmp_path / "r" / "model.pt").stat().st_size
    assert runs.zip_restore_refusal(run, max_rows=rows) is None
    zip_to_run_dir(data, tmp_path / "ok", max_rows=rows)
    said = runs.zip_restore_refusal(run, max_rows=rows - 1)
    assert said == (
        f"This run's zip cannot be restored by uploading it here (its {rows} rows are over the {rows - 1} a "
        "restored run may have); unzip it and open the folder with 'python -m lstm_core forecast --run FOLDER'."
    )
    with pytest.raises(RunError, match="python -m lstm_core forecast --run FOLDER"):
        zip_to_run_dir(data, tmp_path / "rows", max_rows=rows - 1)
    params = sum(p.numel() * p.element_size() for m in run.members for p in m.model.parameters())
    assert params <= weights  # model.pt holds them, and a little more
    work = rows * params - 1  # the refusal counts the parameters, the upload the file: both refuse
    assert "would take too long to evaluate" in runs.zip_restore_refusal(run, max_rows=rows, max_work=work)
    with pytest.raises(RunError, match="too long to evaluate"):
        zip_to_run_dir(data, tmp_path / "work", max_rows=rows, max_work=work)


def test_zip_round_trip(run, tmp_path):
    save_run(run, tmp_path / "r")
    zip_to_run_dir(run_to_zip(tmp_path / "r"), tmp_path / "restored")
    back = load_run(tmp_path / "restored")
    pd.testing.assert_frame_equal(back.predictions, run.predictions, check_exact=True)


def _zip(entries: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
    return buf.getvalue()


def test_zip_with_paths_outside_the_folder_is_refused(tmp_path):
    with pytest.raises(RunError, match="unexpected entries"):
        zip_to_run_dir(_zip({"../evil.py": b"x", "config.json": b"{}"}), tmp_path / "x")
    assert not (tmp_path / "evil.py").exists()


@pytest.mark.parametrize("extra", [{}, {"__MACOSX/r/._config.json": b"x", "r/.DS_Store": b"x"}])
def test_a_run_folder_zipped_with_its_folder_restores(run, tmp_path, extra):
    """``zip -r run.zip r`` (or a file manager's Compress) holds ``r/config.json``, ... and a folder entry:
    it was refused as "unexpected entries"."""
    save_run(run, tmp_path / "r")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("r/", b"")  # the folder's own entry
        for p in sorted((tmp_path / "r").iterdir()):
            zf.write(p, f"r/{p.name}")
        for name, data in extra.items():
            zf.writestr(name, data)
    folder = zip_to_run_dir(buf.getvalue(), tmp_path / "restored")
    assert sorted(p.name for p in folder.iterdir()) == sorted(p.name for p in (tmp_path / "r").iterdir())
    pd.testing.assert_frame_equal(load_run(folder).predictions, run.predictions, check_exact=True)
    with pytest.raises(RunError, match="unexpected entries"):  # two folders, or one inside another: not a run
        zip_to_run_dir(_zip({"r/config.json": b"{}", "s/model.pt": b"x"}), tmp_path / "y")
    with pytest.raises(RunError, match="unexpected entries"):
        zip_to_run_dir(_zip({"a/r/config.json": b"{}", "a/r/model.pt": b"x"}), tmp_path / "z")


def test_a_zip_without_the_weights_says_what_it_lacks(run, tmp_path):
    """It named the server's temporary folder and told the user to "pick another folder"."""
    save_run(run, tmp_path / "r")
    files = {p.name: p.read_bytes() for p in (tmp_path / "r").iterdir() if p.name != "model.pt"}
    with pytest.raises(RunError) as err:
        zip_to_run_dir(_zip(files), tmp_path / "x")
    assert str(err.value) == (
        "The zip lacks model.pt, so it holds no complete run; upload the zip that 'Download run (.zip)' "
        "gave you, with every file it holds."
    )
    assert not (tmp_path / "x").exists()


def test_not_a_zip_and_oversize_are_refused(tmp_path):
    with pytest.raises(RunError, match="not a zip file"):
        zip_to_run_dir(b"hello", tmp_path / "x")
    with pytest.raises(RunError, match="over the"):
        zip_to_run_dir(b"x" * 100, tmp_path / "x", max_bytes=10)


class _Evil:
    def __reduce__(self):
        return (print, ("pwned",))


def test_tampered_pickle_is_refused(run, tmp_path):
    save_run(run, tmp_path / "r")
    with open(tmp_path / "r" / "model.pt", "wb") as fh:
        pickle.dump({"rnn.weight": _Evil()}, fh)
    with pytest.raises(RunError, match="could not be loaded safely"):
        load_run(tmp_path / "r")


def test_missing_folder_and_incomplete_run(tmp_path):
    with pytest.raises(RunError, match="No run folder"):
        load_run(tmp_path / "none")
    (tmp_path / "half").mkdir()
    (tmp_path / "half" / "config.json").write_text("{}")
    with pytest.raises(RunError, match="missing model.pt, data.csv"):
        load_run(tmp_path / "half")


def test_weights_file_is_a_plain_state_dict(run, tmp_path):
    save_run(run, tmp_path / "r")
    state = torch.load(tmp_path / "r" / "model.pt", weights_only=True)
    # 100 points, too few for the backtest to rank: the representations it kept, each with networks
    # of one season of outputs and of a single output, two networks each (at least ten in all):
    # a list of state dicts
    paths = [m for m in run.members if not m.one_step_only]
    reps = list(dict.fromkeys(m.prep.transform.name for m in paths))
    assert [m.prep.out_dim for m in paths] == [7, 1] * len(reps)
    v = len(paths)
    nets = max(TrainConfig.AUTO_NETWORKS, TrainConfig.NETWORKS_PER_VARIANT * v)
    assert [m.networks for m in paths] == [len(range(k, nets, v)) for k in range(v)]  # round robin
    # then the one-step networks: one output over half the window, as many as each one-output member has,
    # two on the first representation's logs and profile anchored on the last value (pipeline.LAST_ONE_STEP),
    # two on each candidate the backtest's screen left out (pipeline.SCREENED_ONE_STEP), and last, a standby
    # (all the representations are level ones)
    steps = run.members[v:-1]
    assert all(m.one_step_only and not m.standby for m in steps) and run.members[-1].standby
    first = paths[0].prep.transform
    anchored = Transform(log=first.log, deseason=first.deseason, window_norm=True, window_last=True)
    kept = {m.prep.transform.name for m in paths}
    left = [s.transform.name for s in run.backtest.scores if s.transform.name not in kept]
    assert left  # this series' screen leaves one out: its networks are there
    assert [(m.prep.transform.name, m.networks) for m in steps] == [
        (m.prep.transform.name, m.networks) for m in paths if m.prep.out_dim == 1
    ] + [(name, TrainConfig.NETWORKS_PER_VARIANT) for name in [anchored.name, *left]]
    assert {(m.prep.out_dim, m.prep.cfg.look_back) for m in steps} == {(1, run.config.data.look_back // 2)}
    assert set(state) == {f"{k}.{name}" for k, m in enumerate(run.members) for name in m.model.state_dict()}
    assert all(isinstance(v, torch.Tensor) for v in state.values())


def test_a_saved_run_may_have_every_member_a_short_series_can_get(tmp_path):
    """Five representations with two horizons and their one-step networks, a specialist's and a
    last-value representation's one-step networks and a standby: 18 members read back; one more is
    damage."""
    from lstm_core.strategy import SHORTLIST

    item = {"representation": Transform().to_dict(), "networks": 2, "one_step_only": True}
    most = 2 * SHORTLIST + SHORTLIST + 3
    assert len(runs._member_specs({"members": [item] * most}, tmp_path)) == most
    with pytest.raises(RunError, match="describes its networks wrongly"):
        runs._member_specs({"members": [item] * (most + 1)}, tmp_path)


def test_a_short_series_weighs_in_its_one_step_networks_one_step_ahead_and_forecasts_without_them(run):
    """The one-step predictions are the error-weighted mean of every network's, the one-step
    networks' and the standby's included (the series stays in its training range: the standby has
    no more than its own weight): by validation error, and over the test part by the errors before
    each point; the multi-step forecast is the other networks' alone (the one-step ones change
    nothing there)."""
    from lstm_core import forecast as fc
    from lstm_core.combine import Combination
    from lstm_core.prep import one_step_targets

    steps = [m for m in run.members if m.one_step_only and not m.standby]
    paths = [m for m in run.members if not m.one_step_only]
    assert steps and paths
    combo = run.combination
    assert combo.range_note(combo.one_step("test")[0]) is None

    def each(part):
        outs = []
        for m in run.members:  # each with its seasonal profile at every point (a deseasonalised one)
            t = one_step_targets(m.prep, part)
            outs.append((t, fc.one_step_at(m.model, m.prep, t, combo.origin_profiles(m.prep, t))))
        t = outs[0][0]
        for ti, _ in outs[1:]:
            t = np.intersect1d(t, ti)
        return t, np.array([yh[np.searchsorted(ti, t)] for ti, yh in outs])

    t_val, v = each("val")
    mse = np.mean((v - run.prep.y[t_val]) ** 2, axis=1)
    w = mse**-2 / (mse**-2).sum()  # one_step="online": inverse MSE²
    assert w[len(paths) :].sum() > 0.05  # the one-step networks count
    np.testing.assert_allclose(combo.one_step("val")[1], w @ v)
    t_test, yhat = combo.one_step("test")
    t_each, te = each("test")
    np.testing.assert_array_equal(t_test, t_each)
    wt = combo.online_weights(t_each, te)  # (networks' members, n) from the errors before each point
    np.testing.assert_allclose(wt[:, 0], w)  # the validation part's before the first test point
    assert (wt[len(paths) :].sum(axis=0) > 0.05).all()
    np.testing.assert_allclose(yhat, np.sum(wt * te, axis=0))
    alone = Combination(paths, profiles=combo.profiles)
    assert not np.allclose(yhat, alone.one_step("test")[1])  # not the forecast's networks alone
    origin = np.array([run.prep.test_start])
    np.testing.assert_array_equal(combo.forecast_y(origin, 12), alone.forecast_y(origin, 12))
    np.testing.assert_allclose(run.predictions["one_step"].to_numpy()[t_test], np.maximum(yhat, 0.0))
    shown = [r for r in run.metrics.info.representations if r.get("one_step_only") and not r.get("standby")]
    assert [(r["networks"], r["look_back"], r["horizon"]) for r in shown] == [
        (m.networks, m.prep.cfg.look_back, 1) for m in steps
    ]


def test_an_explicit_ensemble_trains_no_one_step_networks():
    t = np.arange(100.0)
    frame = pd.DataFrame(
        {"y": 10 + np.sin(t / 4)}, index=pd.date_range("2020-01-01", periods=100, freq="D", name="day")
    )
    cfg = RunConfig()
    cfg.model.hidden_size, cfg.train.epochs, cfg.train.ensemble = 4, 2, 4
    r = fit_run(Series(frame, season=7), cfg)
    assert r.networks == 4 and not any(m.one_step_only for m in r.members)


def test_a_run_of_level_representations_only_gets_a_standby_network_that_saves_and_reloads(tmp_path, monkeypatch):
    """When no representation that gets networks is differenced, one more network of one output on
    the first differences (of the logs, less the season's profile) stands by one step ahead."""
    from lstm_core.prep import Transform

    t = np.arange(160.0)
    y = 50 + 0.3 * t + 5 * np.sin(2 * np.pi * t / 7) + np.random.default_rng(8).normal(0, 1, 160)  # leaves its range
    frame = pd.DataFrame({"y": y}, index=pd.date_range("2020-01-01", periods=160, freq="D", name="day"))
    cfg = RunConfig()
    cfg.model.hidden_size, cfg.train.epochs = 4, 2
    levels = [Transform(log=True), Transform()]
    monkeypatch.setattr(pipeline, "choose_representation", lambda *a, **k: (levels, None))
    r = fit_run(Series(frame, season=7), cfg)
    standby = [m for m in r.members if m.standby]
    assert len(standby) == 1 and standby[0] is r.members[-1] and standby[0].one_step_only
    sb = standby[0].prep
    assert (sb.transform.log, sb.transform.deseason, sb.transform.lag, sb.transform.window_norm, sb.out_dim) == (
        True,
        7,
        1,
        False,
        1,
    )
    assert r.networks == TrainConfig.AUTO_NETWORKS + 1 and r.combination.path_members == r.members[:2]
    info = r.metrics.info.representations
    assert info[-1]["standby"] is True and info[-1]["one_step_only"] is True
    assert r.metrics.guards.one_step_range is not None and "a standby network" in r.metrics.guards.one_step_range
    back = load_run(save_run(r, tmp_path / "standby"))
    assert [m.standby for m in back.members] == [False, False, True]
    pd.testing.assert_frame_equal(back.predictions, r.predictions, check_exact=True)
    # a standby whose training diverges is left out; the run goes on with its own networks
    from lstm_core.train import TrainingDiverged

    real = pipeline._train_member

    def diverging(prep, *a, **k):
        if prep.transform.lag:
            raise TrainingDiverged("Training diverged at epoch 1 (loss inf).")
        return real(prep, *a, **k)

    monkeypatch.setattr(pipeline, "_train_member", diverging)
    without = fit_run(Series(frame, season=7), cfg)
    assert [m.standby for m in without.members] == [False, False] and without.networks == TrainConfig.AUTO_NETWORKS
    monkeypatch.setattr(pipeline, "_train_member", real)
    # one differenced at lag 1 among them: no standby; window-mean ones or seasonal differences
    # only: a standby (runs of sessions 18-19, STANDBY "difference": none for seasonal differences)
    for reps, made, rule in (
        ([Transform(), Transform(lag=1)], False, "steps"),
        ([Transform(lag=7), Transform(deseason=7, lag=1, damp=0.95)], False, "steps"),
        ([Transform(window_norm=True)], True, "steps"),
        ([Transform(lag=7), Transform(log=True, lag=7, window_norm=True)], True, "steps"),
        ([Transform(lag=7)], False, "difference"),
    ):
        monkeypatch.setattr(pipeline, "choose_representation", lambda *a, reps=reps, **k: (reps, None))
        monkeypatch.setattr(pipeline, "STANDBY", rule)
        run = fit_run(Series(frame, season=7), cfg)
        made_now = [m.prep.transform for m in run.members if m.standby]
        assert bool(made_now) is made
        if made:  # on the steps, less the season's profile, with the best representation's logs
            assert (made_now[0].lag, made_now[0].deseason, made_now[0].log) == (1, 7, reps[0].log)


def test_a_format_1_run_reloads_with_its_original_representation(tmp_path, monkeypatch):
    """Runs saved before the representation was stored resolved ``auto`` with the old rule."""
    from lstm_core import pipeline
    from lstm_core.prep import legacy_auto_transform

    t = np.arange(120.0)
    y = (50 + t) * (1 + 0.2 * np.sin(2 * np.pi * t / 12))
    frame = pd.DataFrame({"y": y}, index=pd.date_range("2000-01-01", periods=120, freq="MS", name="month"))
    legacy = legacy_auto_transform(y[: int(round(120 * 0.67)) - 12], 12, True)
    monkeypatch.setattr(pipeline, "choose_representation", lambda *a, **k: ([legacy], None))
    cfg = RunConfig()
    cfg.model.hidden_size, cfg.train.epochs, cfg.train.ensemble, cfg.data.horizon = 6, 3, 1, 1
    old = fit_run(Series(frame, season=12), cfg)
    save_run(old, tmp_path / "v1")
    meta = json.loads((tmp_path / "v1" / "config.json").read_text())
    for key in ("members", "intervals"):
        del meta[key]
    meta["format_version"] = 1
    del meta["train"]["ensemble"]
    (tmp_path / "v1" / "config.json").write_text(json.dumps(meta))
    back = load_run(tmp_path / "v1")
    assert back.prep.transform.name == legacy.name == "log + difference at lag 12"
    pd.testing.assert_frame_equal(back.predictions, old.predictions, check_exact=True)


def test_a_run_saved_before_paths_were_stored_reloads_with_its_old_combination(run, tmp_path):
    """Runs saved before ``paths``, ``one_step`` and ``profiles`` existed averaged the networks inside
    the recursion, weighed the members' one-step predictions equally and kept the training part's
    seasonal profile."""
    # the same networks, combined the old way
    old = dataclasses.replace(run, paths="inside", one_step="equal", profiles="fixed")
    old.attach(pipeline.evaluate(old))
    for col in ("one_step", "multistep"):  # the old way gives other numbers: the reload must not mix them up
        assert not np.allclose(old.predictions[col].dropna(), run.predictions[col].dropna())
    save_run(old, tmp_path / "old")
    meta = json.loads((tmp_path / "old" / "config.json").read_text())
    assert (meta.pop("paths"), meta.pop("one_step"), meta.pop("profiles")) == ("inside", "equal", "fixed")
    (tmp_path / "old" / "config.json").write_text(json.dumps(meta))
    back = load_run(tmp_path / "old")
    assert (back.paths, back.one_step, back.profiles) == ("inside", "equal", "fixed")
    new = load_run(save_run(run, tmp_path / "new"))
    assert (new.paths, new.one_step, new.profiles) == (run.paths, run.one_step, run.profiles)
    assert (run.paths, run.one_step, run.profiles) == ("ranged", "online", "origin")
    # widths past calibration grow as the run grew them (those saved before session 37: like sqrt(k))
    assert new.interval_growth == run.interval_growth == "sqrt"
    assert load_run(save_run(dataclasses.replace(run, interval_growth="fitted"), tmp_path / "fit")).interval_growth == (
        "fitted"
    )
    assert meta["intervals"].pop("growth") == "sqrt"
    meta["intervals"]["growth"] = "exponential"  # not a rule: the square root
    (tmp_path / "old" / "config.json").write_text(json.dumps(meta))
    assert load_run(tmp_path / "old").interval_growth == "sqrt"
    # one saved before session 36 (every path member's path at every origin) keeps that
    assert load_run(save_run(dataclasses.replace(run, paths="guarded"), tmp_path / "guarded")).paths == "guarded"
    # one saved with fixed validation weights over the test part (sessions 18-22) keeps them
    stood = dataclasses.replace(run, one_step="stand-in")
    stood.attach(pipeline.evaluate(stood))
    test = run.predictions["part"] == "test"
    assert not np.allclose(stood.predictions.loc[test, "one_step"], run.predictions.loc[test, "one_step"])
    again = load_run(save_run(stood, tmp_path / "stood"))
    assert again.one_step == "stand-in"
    pd.testing.assert_frame_equal(again.predictions, stood.predictions, check_exact=True)
    # one saved with the training part's seasonal profile at every origin (before session 24) keeps it
    fixed = dataclasses.replace(run, profiles="fixed")
    fixed.attach(pipeline.evaluate(fixed))
    assert not np.allclose(fixed.predictions.loc[test, "one_step"], run.predictions.loc[test, "one_step"])
    again = load_run(save_run(fixed, tmp_path / "fixed"))
    assert again.profiles == "fixed"
    pd.testing.assert_frame_equal(again.predictions, fixed.predictions, check_exact=True)
    pd.testing.assert_frame_equal(again.future(10), fixed.future(10))
    # a run saved with the trimmed mean before the run-off rule existed keeps it
    meta = json.loads((tmp_path / "new" / "config.json").read_text())
    (tmp_path / "new" / "config.json").write_text(json.dumps({**meta, "paths": "trimmed"}))
    assert load_run(tmp_path / "new").paths == "trimmed"
    # one saved with validation weights before the range guard existed keeps them
    (tmp_path / "new" / "config.json").write_text(json.dumps({**meta, "one_step": "validation"}))
    assert load_run(tmp_path / "new").one_step == "validation"
    pd.testing.assert_frame_equal(back.predictions, old.predictions, check_exact=True)
    pd.testing.assert_frame_equal(back.future(10), old.future(10))


def test_a_run_saved_before_weight_averaging_says_it_trained_without_it(run, tmp_path):
    """A saved config without ``train.weight_average`` was trained on the plain weights: it
    reloads with 0 (training it again repeats that run), a new run keeps its own setting."""
    assert run.config.train.weight_average == TrainConfig().weight_average == 0.5
    save_run(run, tmp_path / "old")
    meta = json.loads((tmp_path / "old" / "config.json").read_text())
    assert meta["train"].pop("weight_average") == 0.5
    (tmp_path / "old" / "config.json").write_text(json.dumps(meta))
    assert load_run(tmp_path / "old").config.train.weight_average == 0.0
    assert load_run(save_run(run, tmp_path / "new")).config.train.weight_average == 0.5


def test_the_linear_path_is_on_the_networks_with_several_outputs_and_the_one_step_ones(run, tmp_path):
    """``pipeline.linear_inputs``: the look_back on a network with several outputs or made for the
    one-step predictions only, none on a one-output network run recursively; it comes back on reload."""
    back = load_run(save_run(run, tmp_path / "r"))
    kinds = set()
    for m, b in zip(run.members, back.members):
        nets = list(getattr(m.model, "members", [m.model]))
        want = m.prep.cfg.look_back if m.prep.out_dim > 1 or m.one_step_only else 0
        assert {n.cfg.linear_inputs for n in nets} == {want}
        assert pipeline.linear_inputs(run.config, m.prep, m.one_step_only) == want
        assert {n.cfg.linear_inputs for n in getattr(b.model, "members", [b.model])} == {want}
        kinds.add((m.prep.out_dim > 1, m.one_step_only, want > 0))
    # this short seasonal series has all three kinds: several outputs, one output run recursively, one-step only
    assert kinds == {(True, False, True), (False, False, False), (False, True, True)}
    off = run.config.replace(linear_path=False)
    assert all(pipeline.linear_inputs(off, m.prep, m.one_step_only) == 0 for m in run.members)


def test_a_run_saved_before_the_linear_path_reloads_without_it(tmp_path):
    """A saved config without ``model.linear_path`` was trained without the path: it reloads with
    it off and the same predictions, where the default for new runs is on."""
    frame = pd.DataFrame({"y": 10 + np.sin(np.arange(80.0) / 3)})
    cfg = RunConfig.make(linear_path=False, hidden_size=4, epochs=2, ensemble=2)
    old = fit_run(frame, cfg)
    assert all(n.linear is None for m in old.members for n in getattr(m.model, "members", [m.model]))
    save_run(old, tmp_path / "old")
    meta = json.loads((tmp_path / "old" / "config.json").read_text())
    assert meta["model"].pop("linear_path") is False and meta["model"].pop("linear_inputs") == 0
    (tmp_path / "old" / "config.json").write_text(json.dumps(meta))
    back = load_run(tmp_path / "old")
    assert back.config.model.linear_path is False and RunConfig().model.linear_path is True
    pd.testing.assert_frame_equal(back.predictions, old.predictions, check_exact=True)


def test_the_saved_data_reads_back_to_the_bit(tmp_path):
    """Every float of ``data.csv`` comes back exactly (pandas 3.0's default CSV parser put about a
    fifth of such values one ulp off, so a reloaded run's data differed from the one it trained on)."""
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(
        {"y": rng.normal(10, 3, 5000), "=x": rng.lognormal(0, 4, 5000)},
        index=pd.date_range("2000-01-01", periods=5000, freq="h", name="time"),
    )
    runs._frame_to_csv(frame, tmp_path / "data.csv")
    back = runs._frame_from_csv(tmp_path / "data.csv", datetime_index=True)
    assert list(back.columns) == ["y", "=x"] and back.index.equals(frame.index)
    np.testing.assert_array_equal(back.to_numpy(), frame.to_numpy())


def test_a_run_saved_before_spikes_were_replaced_reloads_as_trained_on_the_data_as_given(run, tmp_path):
    """A saved config without ``data.outliers`` was trained on the data as given: it reloads
    with "keep" (preparing it again replaces nothing), a new run keeps its own setting."""
    assert run.config.data.outliers == "replace"
    save_run(run, tmp_path / "old")
    meta = json.loads((tmp_path / "old" / "config.json").read_text())
    assert meta["data"].pop("outliers") == "replace"
    (tmp_path / "old" / "config.json").write_text(json.dumps(meta))
    assert load_run(tmp_path / "old").config.data.outliers == "keep"
    assert load_run(save_run(run, tmp_path / "new")).config.data.outliers == "replace"


@pytest.mark.parametrize(
    ("tamper", "message"),
    [
        (lambda c: c["model"].__setitem__("hidden_size", "abc"), "ModelConfig.hidden_size must be a whole number"),
        (lambda c: c["train"].__setitem__("epochs", 2.5), "TrainConfig.epochs must be a whole number"),
        (lambda c: c.__setitem__("fit", [1, 2]), "holds a damaged fit record"),
        (lambda c: c.__setitem__("format_version", 99), "saved by a newer LSTM Lab (run format 99"),
        (lambda c: c.__setitem__("format_version", "2"), "holds a damaged format_version"),
        (lambda c: c.__setitem__("data", [1]), "A DataConfig must be a JSON object"),
        (lambda c: c["intervals"].__setitem__("one_step", -1.0), "holds damaged interval widths"),
        (lambda c: c["intervals"].__setitem__("one_step", "0.1"), "holds damaged interval widths"),
    ],
)
def test_a_tampered_config_is_one_sentence_never_a_traceback(run, tmp_path, tamper, message):
    folder = save_run(run, tmp_path / "r")
    meta = json.loads((folder / "config.json").read_text())
    tamper(meta)
    (folder / "config.json").write_text(json.dumps(meta))
    with pytest.raises(RunError) as info:
        load_run(folder)
    assert message in str(info.value) and "\n" not in str(info.value)


def test_a_data_file_without_the_runs_columns_is_a_damaged_run(run, tmp_path):
    folder = save_run(run, tmp_path / "r")
    (folder / "data.csv").write_text("garbage\n")
    with pytest.raises(
        RunError, match=r"data\.csv does not hold the columns the run was trained on; the run folder is damaged"
    ):
        load_run(folder)


def test_weights_that_predict_nan_are_a_damaged_run(run, tmp_path):
    folder = save_run(run, tmp_path / "r")
    state = torch.load(folder / "model.pt", weights_only=True)
    torch.save({k: torch.full_like(v, float("nan")) for k, v in state.items()}, folder / "model.pt")
    with pytest.raises(RunError, match="the run folder is damaged"):
        load_run(folder)


# ---- uploaded zips: entries and rows are bounded before any work ----------------------------------


def _many(name: str, count: int) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for _ in range(count):
            zf.writestr(name, b"epoch\n")
    return buf.getvalue()


@pytest.mark.filterwarnings("ignore:Duplicate name")
def test_a_zip_of_50000_entries_is_refused_before_anything_is_unpacked(tmp_path):
    bomb = _many("history.csv", 50_000)
    with pytest.raises(RunError, match="more than 64 entries") as info:
        zip_to_run_dir(bomb, tmp_path / "x")
    assert "\n" not in str(info.value)
    assert not (tmp_path / "x").exists()


@pytest.mark.filterwarnings("ignore:Duplicate name")
def test_a_zip_that_hides_its_entry_count_is_refused(tmp_path):
    lie = bytearray(_many("history.csv", 200))
    end = lie.rfind(b"PK\x05\x06")
    struct.pack_into("<HH", lie, end + 8, 5, 5)  # the end record claims 5 entries
    with pytest.raises(RunError, match="more than 64 entries"):
        zip_to_run_dir(bytes(lie), tmp_path / "x")
    assert not (tmp_path / "x").exists()


@pytest.mark.filterwarnings("ignore:Duplicate name")
def test_a_run_file_twice_is_refused(run, tmp_path):
    save_run(run, tmp_path / "r")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name in ("config.json", "model.pt", "data.csv", "data.csv"):
            zf.write(tmp_path / "r" / name, arcname=name)
    with pytest.raises(RunError, match="holds data.csv more than once"):
        zip_to_run_dir(buf.getvalue(), tmp_path / "x")


def test_a_small_zip_whose_data_csv_has_200000_rows_is_refused_before_parsing(run, tmp_path, monkeypatch):
    save_run(run, tmp_path / "r")
    files = {p.name: p.read_bytes() for p in (tmp_path / "r").iterdir()}
    files["data.csv"] = b"day,y\n" + b"".join(b"%d,1.0\n" % i for i in range(200_000))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    assert len(buf.getvalue()) < 1_000_000  # under a megabyte, as in the report
    monkeypatch.setattr(pd, "read_csv", lambda *a, **k: pytest.fail("data.csv was parsed"))
    with pytest.raises(RunError, match=r"data.csv has more than 10,000 rows") as info:
        zip_to_run_dir(buf.getvalue(), tmp_path / "x")
    assert "forecast --run" in str(info.value) and "\n" not in str(info.value)
    assert runs.MAX_ZIP_ROWS == 10_000


@pytest.mark.parametrize("end", [b"\n", b"\r\n", b"\r"])
def test_the_row_bound_counts_every_kind_of_line_end(tmp_path, end):
    rows = lambda n: end.join([b"step,y"] + [b"%d,1" % i for i in range(n)]) + end  # noqa: E731
    rest = {"config.json": b"{}", "model.pt": b"x"}  # (a zip without them is refused)
    zip_to_run_dir(_zip({"data.csv": rows(50), **rest}), tmp_path / "ok", max_rows=50)
    assert (tmp_path / "ok" / "data.csv").read_bytes() == rows(50)
    with pytest.raises(RunError, match="more than 50 rows"):
        zip_to_run_dir(_zip({"data.csv": rows(51), **rest}), tmp_path / "no", max_rows=50)


# ---- a killed save leaves nothing that lasts ------------------------------------------------------


def _leftover(path, age_s: float):
    path.mkdir()
    (path / "model.pt").write_bytes(b"half")
    past = time.time() - age_s
    os.utime(path, (past, past))
    return path


def test_save_removes_stale_leftovers_of_its_own_target_only(run, tmp_path):
    stale_tmp = _leftover(tmp_path / ".r.tmp-k1ll3d", runs.STALE_SAVE_S + 60)
    stale_old = _leftover(tmp_path / ".r.old-4242", runs.STALE_SAVE_S + 60)
    live = _leftover(tmp_path / ".r.tmp-wr1t1ng", 5)  # another save writing right now
    other = _leftover(tmp_path / ".other.tmp-x", runs.STALE_SAVE_S + 60)
    save_run(run, tmp_path / "r")
    assert not stale_tmp.exists() and not stale_old.exists()
    assert live.exists() and other.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == [".other.tmp-x", ".r.tmp-wr1t1ng", "r"]


def test_a_run_moved_aside_by_a_killed_save_is_put_back(run, tmp_path):
    save_run(run, tmp_path / "r")
    os.replace(tmp_path / "r", tmp_path / ".r.old-77")  # killed between the two renames
    past = time.time() - runs.STALE_SAVE_S - 60
    os.utime(tmp_path / ".r.old-77", (past, past))
    _leftover(tmp_path / ".r.tmp-new", runs.STALE_SAVE_S + 60)
    assert [p.name for p in runs.clean_leftovers(tmp_path)] == [".r.tmp-new"]
    assert [p.name for p in tmp_path.iterdir()] == ["r"]
    pd.testing.assert_frame_equal(load_run(tmp_path / "r").predictions, run.predictions, check_exact=True)


def test_the_store_ignores_saves_in_progress_and_recovers_killed_ones(run, tmp_path):
    from lstm_core.store import RunStore, StoredJob

    store = RunStore(tmp_path)
    meta = StoredJob("ab12", "me", "label", "finished", "", {}, {}, 3, 1.0, 2.0, 3.0)
    store.save(meta, run)
    shutil.copytree(tmp_path / "ab12", tmp_path / ".ab12.tmp-live")  # a save in progress: ignored, kept
    os.replace(tmp_path / "ab12", tmp_path / ".ab12.old-9")  # a killed save: put back
    past = time.time() - runs.STALE_SAVE_S - 60
    os.utime(tmp_path / ".ab12.old-9", (past, past))
    again = RunStore(tmp_path)  # the server restarts: the store opens
    assert [r.id for r in again.records()] == ["ab12"] and again.has_run("ab12")
    assert sorted(p.name for p in tmp_path.iterdir() if "ab12" in p.name) == [".ab12.tmp-live", "ab12"]


# ---- spreadsheet formulas in exported CSV files ---------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "written"),
    [
        ("=SUM(A1)", "'=SUM(A1)"),
        ("+cmd", "'+cmd"),
        ("-x", "'-x"),
        ("@here", "'@here"),
        ("\tx", "'\tx"),
        ("\r=x", "'\r=x"),
        ("'=x", "''=x"),
        ("''@x", "'''@x"),
        ("-1.5", "-1.5"),
        ("+3", "+3"),
        ("-inf", "-inf"),
        ("'plain", "'plain"),
        ("plain", "plain"),
        ("", ""),
        ("'", "'"),
    ],
)
def test_neutralising_a_cell_is_exactly_undone(raw, written):
    assert csvsafe.neutralise(raw) == written
    assert csvsafe.unneutralise(written) == raw


def test_a_column_named_like_a_formula_is_neutralised_on_disk_and_reloads_exactly(tmp_path):
    t = np.arange(80.0)
    frame = pd.DataFrame(
        {"-x": np.cos(t / 5), "=SUM(A1)": 10 + np.sin(t / 4)},
        index=pd.date_range("2020-01-01", periods=80, freq="D", name="@day"),
    )
    cfg = RunConfig()
    cfg.model.hidden_size, cfg.train.epochs, cfg.train.ensemble = 4, 1, 1
    cfg.data.target, cfg.data.inputs, cfg.data.transform = "=SUM(A1)", ["-x"], "none"
    original = fit_run(Series(frame), cfg)
    folder = save_run(original, tmp_path / "r")
    header = (folder / "data.csv").read_text().splitlines()[0]
    assert header == "'@day,'-x,'=SUM(A1)"
    with zipfile.ZipFile(io.BytesIO(run_to_zip(folder))) as zf:
        assert zf.read("data.csv").splitlines()[0] == b"'@day,'-x,'=SUM(A1)"
    back = load_run(folder)
    pd.testing.assert_frame_equal(back.frame, original.frame, check_exact=True)
    pd.testing.assert_frame_equal(back.predictions, original.predictions, check_exact=True)


def test_text_cells_in_exports_are_neutralised_but_numbers_are_not():
    table = pd.DataFrame({"model": ["=HYPERLINK(1)", "gru -1"], "rmse": [-1.5, 2.0]})
    text = csvsafe.to_csv(table)
    assert text.splitlines() == ["model,rmse", "'=HYPERLINK(1),-1.5", "gru -1,2.0"]
    back = csvsafe.unneutralise_frame(pd.read_csv(io.StringIO(text)))
    pd.testing.assert_frame_equal(back, table)


def test_a_big_model_over_many_rows_is_refused_before_it_is_unpacked(run, tmp_path):
    """Weights of zeros compress to almost nothing: rows times weight bytes is bounded too."""
    save_run(run, tmp_path / "r")
    files = {p.name: p.read_bytes() for p in (tmp_path / "r").iterdir()}
    rows = len(run.frame)
    work = rows * len(files["model.pt"])
    zip_to_run_dir(_zip(files), tmp_path / "ok", max_work=work)
    pd.testing.assert_frame_equal(load_run(tmp_path / "ok").predictions, run.predictions, check_exact=True)
    with pytest.raises(RunError, match=rf"too large to restore here \(.* MB of weights over {rows} rows") as info:
        zip_to_run_dir(_zip(files), tmp_path / "no", max_work=work - 1)
    assert "forecast --run" in str(info.value) and "\n" not in str(info.value)
    assert not (tmp_path / "no" / "model.pt").exists()
    assert runs.MAX_ZIP_WORK >= runs.MAX_ZIP_ROWS * len(files["model.pt"])  # a default-sized run at the row bound


def test_loading_a_run_or_a_gates_snapshot_leaves_the_global_random_stream_alone(run, tmp_path):
    """A job training on another thread draws from torch's global generator: loading a run or
    taking a live-gates snapshot meanwhile must not seed it or draw from it (its results would
    then depend on when a page was looked at)."""
    import torch

    from lstm_core.gates import GateRecorder

    save_run(run, tmp_path / "r")
    torch.manual_seed(1234)
    before = torch.random.get_rng_state().clone()
    back = load_run(tmp_path / "r")
    recorder = GateRecorder(back.prep, record=False)
    recorder.epoch_end(back.model.first if hasattr(back.model, "first") else back.model, 1)
    snap = recorder.snapshot()
    assert snap is not None and snap[0] == 1
    assert torch.equal(torch.random.get_rng_state(), before)
    pd.testing.assert_frame_equal(back.predictions, run.predictions, check_exact=True)


def test_a_run_that_used_a_shorter_look_back_reloads_with_it_and_its_note(tmp_path):
    y = 50 + np.cumsum(np.random.default_rng(5).normal(1, 2, 30))  # 30 points: 17 in the training part
    frame = pd.DataFrame({"y": y}, index=pd.date_range("1990", periods=30, freq="YS", name="year"))
    cfg = RunConfig()
    cfg.model.hidden_size, cfg.train.epochs, cfg.train.ensemble = 4, 2, 2
    run = fit_run(Series(frame), cfg)
    assert cfg.data.look_back == 12  # the caller's config is left alone
    assert run.prep.train_end == 17 and run.look_back_asked == 12
    assert run.config.data.look_back == pipeline.fitted_look_back(12, 17) == 5
    assert all(m.prep.cfg.look_back == 5 for m in run.members if not m.one_step_only)
    assert run.metrics.guards.look_back.startswith("The networks used a look_back of 5 instead of 12")
    save_run(run, tmp_path / "r")
    back = load_run(tmp_path / "r")
    assert back.look_back_asked == 12 and back.metrics.guards == run.metrics.guards
    assert back.metrics.test == run.metrics.test and back.metrics.test_multistep == run.metrics.test_multistep
    pd.testing.assert_frame_equal(back.predictions, run.predictions, check_exact=True)
    meta = json.loads((tmp_path / "r" / "config.json").read_text())
    meta["look_back_asked"] = "twelve"
    (tmp_path / "r" / "config.json").write_text(json.dumps(meta))
    with pytest.raises(RunError, match="damaged look_back_asked"):
        load_run(tmp_path / "r")


@pytest.mark.parametrize(
    ("look_back", "train_end", "used"),
    [
        (12, 24, 12),
        (12, 23, 7),
        (12, 14, 4),
        (12, 13, 4),
        (12, 12, 12),
        (12, 11, 12),
        (500, 82, 500),
        (4, 7, 2),
        (3, 5, 2),
        (3, 100, 3),
    ],
)
def test_the_look_back_of_an_auto_run_is_at_most_a_third_of_a_short_training_part_it_fits_in(
    look_back, train_end, used
):
    assert pipeline.fitted_look_back(look_back, train_end) == used


def test_a_changed_score_is_written_with_the_figures_that_tell_it_apart(tmp_path):
    """A restored zip whose test RMSE moved from 16,710.4 to 16,712.9 read 'is 1.671e+04, where it was
    saved with 1.671e+04': the same text twice, in exponent form."""
    import json
    from types import SimpleNamespace

    from lstm_core.runs import changed_note

    (tmp_path / "metrics.json").write_text(json.dumps({"test": {"rmse": 16710.4}, "test_multistep": {"rmse": 2.5}}))
    scores = SimpleNamespace(test=SimpleNamespace(rmse=16712.9), test_multistep=SimpleNamespace(rmse=2.5))
    note = changed_note(tmp_path, SimpleNamespace(metrics=scores))
    assert note is not None and note.startswith(
        "Its test RMSE re-evaluated from its files is 16,713, where it was saved with 16,710: "
    )
    scores.test.rmse = 16710.4
    assert changed_note(tmp_path, SimpleNamespace(metrics=scores)) is None
