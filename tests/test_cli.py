"""The command line contract: generate, train, forecast, gates; exit 2 with one error line."""

import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import torch
from conftest import Spawned, selected

from lstm_core import pipeline
from lstm_core.cli import main
from lstm_core.data import GENERATORS, load_csv
from lstm_core.runs import load_run

TRAIN_FAST = ["--epochs", "3", "--hidden", "6", "--quiet"]


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    d = tmp_path_factory.mktemp("cli")
    assert main(["generate", "airline", "--out", str(d / "air.csv")]) == 0
    assert main(["train", "--data", str(d / "air.csv"), "--out", str(d / "run"), *TRAIN_FAST]) == 0
    return d


@pytest.mark.parametrize("name", sorted(GENERATORS))
def test_generate_writes_a_loadable_csv(name, tmp_path):
    out = tmp_path / f"{name}.csv"
    assert main(["generate", name, "--length", "300", "--seed", "1", "--out", str(out)]) == 0
    assert len(load_csv(out).frame) >= 3


def test_metrics_json_contract(trained):
    m = json.loads((trained / "run" / "metrics.json").read_text())
    keys = {"rmse", "mae", "mape", "smape", "mase"}
    for part in ("train", "test", "test_multistep"):
        assert set(m[part]) == keys and all(isinstance(v, float) for v in m[part].values())
    assert set(m["baselines"]) == {"naive", "seasonal_naive", "holt_winters"}
    assert all(set(v) == keys for v in m["baselines"].values())


def test_forecast_writes_time_forecast_lower_upper(trained):
    out = trained / "fc.csv"
    assert main(["forecast", "--run", str(trained / "run"), "--steps", "7", "--out", str(out)]) == 0
    fc = pd.read_csv(out)
    assert list(fc.columns) == ["time", "forecast", "lower", "upper"] and len(fc) == 7
    assert fc["time"].iloc[0] == "1961-01-01"
    assert (fc.lower <= fc.forecast).all() and (fc.forecast <= fc.upper).all()


def test_forecast_without_steps_writes_the_runs_own_forecast(trained):
    """Without --steps: the steps the Forecast page shows and the run folder's forecast.csv holds
    (the command refused to run without it, and a person had to work out the page's number)."""
    out = trained / "default.csv"
    assert main(["forecast", "--run", str(trained / "run"), "--out", str(out)]) == 0
    saved = pd.read_csv(trained / "run" / "forecast.csv")
    pd.testing.assert_frame_equal(pd.read_csv(out), saved)
    assert len(saved) > 0


def test_forecast_writes_a_baselines_forecast_on_the_runs_own_times(trained, capsys):
    """``forecast --baseline NAME``: the forecast the verdict tells to prefer where a baseline won,
    as the Forecast page's download beside the model's; before, the command line said "Prefer
    Holt-Winters for a forecast ahead" and had no way to give it."""
    run = trained / "run"
    y = pd.read_csv(run / "data.csv").iloc[:, -1].to_numpy(dtype=np.float64)
    model = pd.read_csv(run / "forecast.csv")
    steps = len(model)
    for name in ("naive", "seasonal_naive", "holt_winters"):
        out = trained / f"{name}.csv"
        argv = ["forecast", "--run", str(run), "--baseline", name, "--steps", str(steps), "--out", str(out)]
        assert main(argv) == 0
        assert capsys.readouterr().err == f"wrote {steps} baseline forecast steps to {out}\n"
        fc = pd.read_csv(out)
        assert list(fc.columns) == ["time", "forecast", "lower", "upper"]
        assert fc["time"].tolist() == model["time"].tolist()
        assert np.isfinite(fc[["forecast", "lower", "upper"]]).all().all()
        assert (fc["lower"] < fc["forecast"]).all() and (fc["forecast"] < fc["upper"]).all()  # airline: none is exact
        if name == "naive":
            np.testing.assert_allclose(fc["forecast"], y[-1])
        elif name == "seasonal_naive":  # airline's season: the last 12 months, repeated
            np.testing.assert_allclose(fc["forecast"], np.resize(y[-12:], steps))
    # past the test span: the note the model's forecast gets (a baseline's steps there were no more tested)
    info = json.loads((run / "metrics.json").read_text())["info"]
    tested = info["n_points"] - info["test_start"]
    out = trained / "past.csv"
    argv = ["forecast", "--run", str(run), "--baseline", "naive", "--steps", str(tested + 5), "--out", str(out)]
    assert main(argv) == 0
    assert capsys.readouterr().err == (
        f"note: The verdict covers the {tested:,}-step test span; the 5 steps past it were not tested, so trust them "
        f"less.\nwrote {tested + 5} baseline forecast steps to {out}\n"
    )
    assert main(["forecast", "--run", str(run), "--baseline", "arima"]) == 2
    assert "invalid choice: 'arima'" in capsys.readouterr().err


def test_train_names_the_command_for_the_baseline_its_verdict_prefers(tmp_path, capsys):
    from lstm_core.results import RunMetrics
    from lstm_core.verdict import judge, label

    walk = 100 + np.cumsum(np.random.default_rng(4).normal(0, 1, 120))
    data = tmp_path / "walk.csv"
    pd.DataFrame({"day": pd.date_range("2021-01-01", periods=120, freq="D"), "price": walk}).to_csv(data, index=False)
    run = tmp_path / "run"
    assert main(["train", "--data", str(data), "--out", str(run), "--ensemble", "1", *TRAIN_FAST]) == 0
    notes = [line for line in capsys.readouterr().err.splitlines() if "--baseline" in line]
    metrics = RunMetrics.from_dict(json.loads((run / "metrics.json").read_text()))
    winner = judge(metrics).multistep_winner
    assert winner is not None  # three epochs of a small network on a random walk: a baseline forecasts it better
    expected = (
        f"The forecast ahead by {label(winner, metrics)}: python -m lstm_core forecast --run {run} --baseline {winner}"
    )
    assert notes == [f"note: {expected}"]


def test_forecast_past_the_test_span_notes_the_steps_not_tested(trained, capsys):
    m = json.loads((trained / "run" / "metrics.json").read_text())
    tested = m["info"]["n_points"] - m["info"]["test_start"]
    capsys.readouterr()
    assert (
        main(["forecast", "--run", str(trained / "run"), "--steps", str(tested), "--out", str(trained / "a.csv")]) == 0
    )
    assert "note:" not in capsys.readouterr().err
    more = tested + 5
    assert main(["forecast", "--run", str(trained / "run"), "--steps", str(more), "--out", str(trained / "b.csv")]) == 0
    notes = [line for line in capsys.readouterr().err.splitlines() if line.startswith("note: ")]
    assert notes == [
        f"note: The verdict covers the {tested}-step test span; the 5 steps past it were not tested, so trust them less."
    ]


def test_gates_npz_has_one_array_per_layer_and_gate(trained):
    out = trained / "g.npz"
    assert main(["gates", "--run", str(trained / "run"), "--out", str(out)]) == 0
    z = np.load(out)
    assert set(z.files) == {f"0/{g}" for g in "ifgoch"}
    cfg = json.loads((trained / "run" / "config.json").read_text())
    assert z["0/f"].shape[1] == cfg["model"]["hidden_size"]
    assert ((z["0/f"] > 0) & (z["0/f"] < 1)).all()


@pytest.mark.parametrize(
    "argv, needle",
    [
        (["train", "--out", "x"], "--data"),
        (["train", "--data", "missing.csv", "--out", "x"], "not found"),
        (["train", "--data", "{air}", "--out", "{tmp}/r", "--look-back", "500"], "--look-back 500 is too long"),
        (["train", "--data", "{air}", "--out", "{tmp}/r", "--cell", "lstmx"], "invalid choice"),
        (["train", "--data", "{air}", "--out", "{tmp}/r", "--lr", "-1"], "--lr must be above 0"),
        (["train", "--data", "{air}", "--out", "{tmp}/r", "--hidden", "abc"], "not a valid int"),
        (["train", "--data", "{air}", "--out", "{tmp}/r", "--lr", "10", "--quiet"], "diverged"),
        (["train", "--data", "{air}", "--out", "{tmp}/r", "--device", "cuda"], None),
        (["forecast", "--run", "{tmp}/nothing", "--steps", "3"], "No run folder"),
        (
            ["forecast", "--run", "{run}", "--steps", "3", "--data", "{short}"],
            "The data given has 30 rows, too few for this saved run (look_back 12 ",
        ),
        (["generate", "nope", "--out", "x.csv"], "invalid choice"),
        (["generate", "airline", "--out", "{tmp}"], "is a folder; give a file name inside it (e.g. "),
        (["generate", "sine", "--length", "100000000000", "--out", "{tmp}/x.csv"], "--length must be at most"),
        (["forecast", "--run", "{run}", "--steps", "3", "--out", "{air}/x.csv"], "is a file, not a folder"),
        (["frobnicate"], "invalid choice"),
        (
            ["train", "--data", "{air}", "--out", "{tmp}/r", "--inputs", "passengers,passengers"],
            "--inputs lists 'passengers' more than once; list each input column once.",
        ),
        (["generate", "sine", "--seed", "-1", "--out", "{tmp}/x.csv"], "--seed must be between 0 and 2147483647"),
        (
            ["train", "--data", "{air}", "--out", "{tmp}/r", "--select", "State=Victoria", "--select", "State=NSW"],
            "--select gives column 'State' two values ('Victoria' and 'NSW'); a series has one value per key column",
        ),
        (["compare", "--config", "{tmp}", "--data", "{air}", "--out", "{tmp}/c"], "is a folder; pass the comparison"),
        (["compare", "--config", "{tmp}/no.json", "--data", "{air}", "--out", "{tmp}/c"], "no.json was not found"),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_bad_input_exits_2_with_one_error_line(argv, needle, trained, tmp_path, capsys):
    lines = (trained / "air.csv").read_text().splitlines(keepends=True)
    short = tmp_path / "short.csv"  # the header and the airline's last 30 months: too short for the saved run
    short.write_text("".join(lines[:1] + lines[-30:]))
    argv = [a.format(air=trained / "air.csv", tmp=tmp_path, run=trained / "run", short=short) for a in argv]
    if "cuda" in argv:
        import torch

        if torch.cuda.is_available():
            pytest.skip("CUDA is present here")
        needle = "not available on this machine"
    assert main(argv) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error: ") and needle in err[0], err


def test_compare_refuses_a_file_as_out_before_training(trained, tmp_path, capsys):
    """--out naming a file fails at once with one error line (it failed after every run had trained)."""
    config = tmp_path / "cmp.json"
    config.write_text(
        json.dumps({"variants": [{"cell": "lstm", "hidden_size": 4}], "train": {"epochs": 1}, "seeds": [0]})
    )
    out = tmp_path / "results"
    out.write_text("not a folder")
    assert main(["compare", "--config", str(config), "--data", str(trained / "air.csv"), "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [f"error: --out {out} is a file; compare writes a folder of results, so give a folder path."]
    assert out.read_text() == "not a folder"


def test_compare_keeps_results_another_command_wrote_while_it_trained(trained, tmp_path, capsys, monkeypatch):
    """Two compares into one --out: both exited 0 and the second replaced the first's results without a word
    (the folder was checked before training only)."""
    from lstm_core import compare

    config = tmp_path / "cmp.json"
    config.write_text(
        json.dumps({"variants": [{"cell": "lstm", "hidden_size": 4}], "train": {"epochs": 1}, "seeds": [0]})
    )
    out = tmp_path / "results"
    real = compare.run_comparison

    def meanwhile(*args, **kwargs):
        out.joinpath("results.csv").write_text("the other comparison's\n")  # the other command finished first
        return real(*args, **kwargs)

    monkeypatch.setattr(compare, "run_comparison", meanwhile)
    argv = ["compare", "--config", str(config), "--data", str(trained / "air.csv"), "--out", str(out), "--quiet"]
    assert main(argv) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [
        f"error: --out {out} came to hold results.csv while this comparison trained (another command wrote "
        "there); pass --overwrite to replace them, or choose another folder (nothing was written)."
    ]
    assert sorted(p.name for p in out.iterdir()) == ["results.csv"]
    assert out.joinpath("results.csv").read_text() == "the other comparison's\n"


@pytest.fixture(scope="module", autouse=True)
def bad_csv_process(request, tmp_path_factory):
    """``python -m lstm_core train`` on an HTML file in a real process, started when the module
    starts (it runs beside the module's in-process tests); None when its test is not selected."""
    if not selected(request, "test_real_process_bad_csv_no_traceback"):
        yield None
        return
    d = tmp_path_factory.mktemp("bad")
    bad = d / "bad.csv"
    bad.write_text("<html><body>not a csv</body></html>")
    run = Spawned([sys.executable, "-m", "lstm_core", "train", "--data", str(bad), "--out", str(d / "r")], 120)
    yield run
    run.close()


def test_real_process_bad_csv_no_traceback(bad_csv_process):
    proc = bad_csv_process.result()
    assert proc.returncode == 2
    assert proc.stderr.startswith("error: ") and "Traceback" not in proc.stderr
    assert proc.stderr.count("\n") == 1


def test_train_out_never_destroys_what_is_there(tmp_path, capsys):
    air = tmp_path / "air.csv"
    assert main(["generate", "airline", "--out", str(air)]) == 0
    keep = tmp_path / "x"
    (keep / "sub").mkdir(parents=True)
    (keep / "t.txt").write_text("thesis")
    args = ["train", "--data", str(air), "--epochs", "1", "--ensemble", "1", "--transform", "none", "--quiet"]
    capsys.readouterr()
    assert main([*args, "--out", str(keep)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [
        f"error: {keep} already holds files that are not a saved run; choose another output folder (nothing was written)."
    ]
    assert (keep / "t.txt").read_text() == "thesis" and (keep / "sub").is_dir()
    assert main([*args, "--out", str(air)]) == 2  # the data file itself
    assert "is a file, not a run folder" in capsys.readouterr().err and air.read_text().startswith("Month")
    run_dir = tmp_path / "r"
    assert main([*args, "--out", str(run_dir)]) == 0
    first = (run_dir / "model.pt").read_bytes()
    capsys.readouterr()
    assert main([*args, "--seed", "5", "--out", str(run_dir)]) == 2
    assert "already holds a run; pass --overwrite" in capsys.readouterr().err
    assert (run_dir / "model.pt").read_bytes() == first
    assert main([*args, "--seed", "5", "--out", str(run_dir), "--overwrite"]) == 0
    assert (run_dir / "model.pt").read_bytes() != first


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--season", "100000"], "error: --season 100000 is longer than half of the"),
        (["--seed", str(2**70)], "error: --seed must be between 0 and 2147483647"),
        # the flags, not the config fields they set (look_back, hidden_size, test_fraction)
        (["--look-back", "0"], "error: --look-back must be at least 1 (got 0); choose a window of 1 or more steps."),
        (["--horizon", "-1"], "error: --horizon must be between 0 and 10000 (got -1); leave it out for auto."),
        (["--hidden", "0"], "error: --hidden must be between 1 and 1024 (got 0)."),
        (["--test-fraction", "0.9"], "error: --test-fraction must be in (0, 0.9) (got 0.9)"),
        (["--val-fraction", "0.5", "--test-fraction", "0.45"], "error: --val-fraction + --test-fraction leave under"),
        (["--season", "1"], "error: --season must be at least 2 (got 1); leave it out to detect it."),
        (["--data", "/dev/zero"], "error: zero holds more than the 50.0 MB limit"),
    ],
)
def test_absurd_arguments_are_one_error_line(tmp_path, capsys, extra, message):
    air = tmp_path / "air.csv"
    assert main(["generate", "airline", "--out", str(air)]) == 0
    capsys.readouterr()
    args = ["train", "--data", str(air), "--epochs", "1", "--out", str(tmp_path / "r"), "--quiet", *extra]
    assert main(args) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith(message)
    assert not (tmp_path / "r").exists()


def test_a_series_too_short_for_the_split_names_the_flags_to_change(tmp_path, capsys):
    csv = tmp_path / "six.csv"
    csv.write_text("date,value\n" + "".join(f"2024-01-0{d},{10 + d}\n" for d in range(1, 7)))
    assert main(["train", "--data", str(csv), "--out", str(tmp_path / "r"), "--quiet"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [
        "error: 6 points are too few for this split (it needs at least 7); load a longer series or lower "
        "--test-fraction and --val-fraction."
    ]


def test_train_says_what_the_loader_did_to_the_data(tmp_path, capsys):
    """Cells filled, read as missing or dropped are told on stderr (one note each), as on the page."""
    t = np.arange(100)
    values = [f"{100 + 10 * np.sin(k / 3):.2f}" for k in t]
    values[40] = "12O.5"  # a typo: read as missing
    values[60:64] = ["NA"] * 4
    values[-3:] = [""] * 3  # after the last value: copied, not interpolated
    values[90] = ""  # in the test part: filled in, not scored
    dates = pd.date_range("2010-01", periods=100, freq="MS").strftime("%Y-%m-%d")
    csv = tmp_path / "repaired.csv"
    csv.write_text("date,value,store\n" + "".join(f"{d},{v},A\n" for d, v in zip(dates, values)))
    capsys.readouterr()
    args = ["train", "--data", str(csv), "--out", str(tmp_path / "r"), "--epochs", "1", "--ensemble", "1"]
    assert main([*args, "--transform", "none", "--quiet"]) == 0
    notes = [line for line in capsys.readouterr().err.splitlines() if line.startswith("note: ")]
    # then the run's own: the 3 copied after the last value are left out, and not trained on; the one
    # filled in inside the test part is not scored
    assert notes == [f"note: {n}" for n in load_csv(csv).report.notes] + [
        "note: The run left out the 3 rows after the last value of 'value': the loader had filled them in "
        "(empty cells at the start or end of the column), so the networks did not train on made-up values.",
        "note: The test scores and coverage leave out the 1 test value the loader filled in (empty cells or "
        "missing timestamps), for every model alike; they count the 31 observed.",
    ]
    text = "\n".join(notes)
    assert "'12O.5'" in text and "'store'" in text
    assert "6 missing value(s) were filled by linear interpolation; 3 at the start or end" in text
    assert "made up" not in text  # 8 of 100 values


def test_train_summary_says_early_stopped_in_words(tmp_path, capsys):
    """The summary began "early_stopped after 20 epochs": the status key, not words."""
    csv = tmp_path / "walk.csv"
    y = 100 + np.cumsum(np.random.default_rng(0).normal(0, 1, 120))
    csv.write_text("value\n" + "".join(f"{v:.3f}\n" for v in y))
    capsys.readouterr()
    args = ["train", "--data", str(csv), "--out", str(tmp_path / "r"), "--epochs", "200", "--patience", "1"]
    assert main([*args, "--ensemble", "1", "--hidden", "4", "--quiet"]) == 0
    summary = capsys.readouterr().err.splitlines()[0]
    assert summary.startswith("early-stopped after ") and "_" not in summary.split(";")[0]


def test_train_summary_counts_one_epoch_as_one_and_says_whose_epochs_they_are(tmp_path, capsys):
    """The summary read "completed after 1 epochs", and with an ensemble "early-stopped after 11 epochs
    (best 1)": network 1's epochs, read as the whole ensemble's (the Train page says "for network 1 of 11")."""
    csv = tmp_path / "walk.csv"
    y = 100 + np.cumsum(np.random.default_rng(0).normal(0, 1, 60))
    csv.write_text("value\n" + "".join(f"{v:.3f}\n" for v in y))
    args = ["train", "--data", str(csv), "--epochs", "1", "--hidden", "2", "--quiet"]
    capsys.readouterr()
    assert main([*args, "--out", str(tmp_path / "one"), "--ensemble", "1"]) == 0
    assert capsys.readouterr().err.splitlines()[0].startswith("completed after 1 epoch (best 1) on ")
    assert main([*args, "--out", str(tmp_path / "many"), "--ensemble", "2"]) == 0
    nets = len(json.loads((tmp_path / "many" / "config.json").read_text())["fit"]["networks"])
    assert nets > 1
    summary = capsys.readouterr().err.splitlines()[0]
    assert summary.startswith(f"completed after 1 epoch for network 1 of {nets} (best 1) on ")


def _climbing_walk() -> np.ndarray:
    """A random walk (150 points) whose test part climbs out of the range it trained on."""
    y = 100 + np.cumsum(np.random.default_rng(3).normal(0, 1, 150))
    y[110:] += np.linspace(0, 30, 40)
    return y


def test_train_notes_where_level_networks_were_left_out_one_step_ahead(tmp_path, capsys, monkeypatch):
    from lstm_core import strategy

    # every shortlisted representation stays (the level one too, which a random walk's backtest may screen out)
    monkeypatch.setattr(strategy, "SKILL_RATIO", float("inf"))
    monkeypatch.setattr(strategy, "SCREEN_RATIO", float("inf"))
    monkeypatch.setattr(pipeline, "LEVEL_RATIO", float("inf"))
    monkeypatch.setattr(strategy, "LAST_ANCHOR", "off")  # a last-value member would take the level one's place
    csv = tmp_path / "walk.csv"
    pd.DataFrame({"price": _climbing_walk()}).to_csv(csv, index=False)
    capsys.readouterr()
    assert main(["train", "--data", str(csv), "--out", str(tmp_path / "r"), *TRAIN_FAST]) == 0
    err = capsys.readouterr().err.splitlines()
    guard = json.loads((tmp_path / "r" / "metrics.json").read_text())["guards"]["one_step_range"]
    assert guard.startswith("At ") and " of 50 test points the series had left the range" in guard
    assert err[0].startswith("completed after 3 epochs")  # the summary line
    assert f"note: {guard}" in err[1:]  # after it


def test_train_notes_a_spike_it_replaced_and_keeps_it_when_told(tmp_path, capsys):
    csv = tmp_path / "glitch.csv"
    t = np.arange(96)
    y = 20 + 5 * np.sin(2 * np.pi * t / 12) + np.random.default_rng(4).normal(0, 0.5, 96)
    y[30] = 2000.0  # a reading with two extra digits
    months = pd.date_range("2015-01-01", periods=96, freq="MS").strftime("%Y-%m-%d")
    pd.DataFrame({"month": months, "sales": y}).to_csv(csv, index=False)
    capsys.readouterr()
    assert main(["train", "--data", str(csv), "--out", str(tmp_path / "r"), *TRAIN_FAST]) == 0
    err = capsys.readouterr().err.splitlines()
    note = json.loads((tmp_path / "r" / "metrics.json").read_text())["guards"]["outliers"]
    assert note.startswith("1 lone spike before the test part (2017-07-01: 2000 → ")
    assert f"note: {note}" in err[1:]  # after the summary line
    assert main(["train", "--data", str(csv), "--out", str(tmp_path / "k"), "--outliers", "keep", *TRAIN_FAST]) == 0
    assert not any("lone spike" in line for line in capsys.readouterr().err.splitlines())
    assert json.loads((tmp_path / "k" / "config.json").read_text())["data"]["outliers"] == "keep"


def test_train_on_a_series_too_short_for_its_look_back_uses_a_shorter_one_and_says_so(tmp_path, capsys):
    """24 yearly points: 14 in the training part, under twice the look_back of 12 asked for. Without
    --look-back the run starts from the window that fits, and nothing says it used another."""
    csv = tmp_path / "short.csv"
    years = pd.date_range("1937", periods=24, freq="YS").strftime("%Y-%m-%d")
    values = 400 * 1.2 ** np.arange(24) * (1 + 0.05 * np.random.default_rng(2).normal(size=24))
    pd.DataFrame({"year": years, "miles": values}).to_csv(csv, index=False)
    capsys.readouterr()
    assert main(["train", "--data", str(csv), "--out", str(tmp_path / "d"), *TRAIN_FAST]) == 0
    assert "look-back" not in capsys.readouterr().err
    assert json.loads((tmp_path / "d" / "metrics.json").read_text())["guards"]["look_back"] is None
    default = json.loads((tmp_path / "d" / "config.json").read_text())
    assert default["data"]["look_back"] == 4 and "look_back_asked" not in default  # it used what it started from
    asked = ["--look-back", "12"]
    assert main(["train", "--data", str(csv), "--out", str(tmp_path / "r"), *asked, *TRAIN_FAST]) == 0
    err = capsys.readouterr().err.splitlines()
    note = json.loads((tmp_path / "r" / "metrics.json").read_text())["guards"]["look_back"]
    assert note.startswith("The networks used a look_back of 4 instead of 12: 12 is over half of the 14 training")
    # after the summary line, naming the flag where the page's report names the setting
    assert f"note: {note.replace('look_back', '--look-back')}" in err[1:]
    assert "note: The networks used a --look-back of 4 instead of 12" in " ".join(err)
    saved = json.loads((tmp_path / "r" / "config.json").read_text())
    assert saved["data"]["look_back"] == 4 and saved["look_back_asked"] == 12
    # an explicit transform keeps the look_back asked for (and its training windows)
    none = ["--transform", "none", *asked]
    assert main(["train", "--data", str(csv), "--out", str(tmp_path / "n"), *none, *TRAIN_FAST]) == 0
    assert json.loads((tmp_path / "n" / "config.json").read_text())["data"]["look_back"] == 12
    assert json.loads((tmp_path / "n" / "metrics.json").read_text())["guards"]["look_back"] is None


def test_train_without_the_linear_path_saves_that_choice_and_its_networks_have_none(trained):
    """``--no-linear-path`` trains the recurrent stack and its head alone; the default keeps the path."""
    out = trained / "plain"
    argv = ["train", "--data", str(trained / "air.csv"), "--out", str(out), "--ensemble", "1", *TRAIN_FAST]
    assert main([*argv, "--no-linear-path"]) == 0
    assert json.loads((out / "config.json").read_text())["model"]["linear_path"] is False
    assert not any(k.startswith("linear.") for k in torch.load(out / "model.pt", weights_only=True))
    assert json.loads((trained / "run" / "config.json").read_text())["model"]["linear_path"] is True
    assert any(
        ".linear." in k or k.startswith("linear.") for k in torch.load(trained / "run" / "model.pt", weights_only=True)
    )


def _two_columns(tmp_path, name: str, order: tuple[str, str]) -> str:
    """A monthly CSV with a positive 'value' and a 'level' column around 0, in ``order``."""
    t = np.arange(120)
    cols = {"value": 100 + 10 * np.sin(t / 2), "level": np.sin(t / 5) - 0.5}
    dates = pd.date_range("2010-01", periods=120, freq="MS").strftime("%Y-%m-%d")
    path = tmp_path / name
    path.write_text(
        f"date,{order[0]},{order[1]}\n"
        + "".join(f"{d},{cols[order[0]][k]:.3f},{cols[order[1]][k]:.3f}\n" for k, d in enumerate(dates))
    )
    return str(path)


def test_a_wide_files_columns_are_named_ten_and_a_count(tmp_path, capsys):
    """A file of 300 columns had all 299 others listed in one note line (and in an error naming the columns
    to choose from); both name ten and count the rest."""
    t = np.arange(120)
    frame = pd.DataFrame({f"c{i}": np.sin(t / (2 + i)) + i for i in range(15)})
    frame.insert(0, "date", pd.date_range("2010-01", periods=120, freq="MS").strftime("%Y-%m-%d"))
    frame.to_csv(tmp_path / "wide.csv", index=False)
    capsys.readouterr()
    args = ["train", "--data", str(tmp_path / "wide.csv"), "--out", str(tmp_path / "r"), *TRAIN_FAST]
    assert main([*args, "--ensemble", "1", "--transform", "none"]) == 0
    notes = [line for line in capsys.readouterr().err.splitlines() if line.startswith("note: Forecasting column")]
    others = ", ".join(f"c{i}" for i in range(1, 11))
    assert notes == [f"note: Forecasting column 'c0'; pass --target to choose another ({others} and 4 more)."]
    # and an error that names the columns to choose from does so too
    assert main([*args, "--target", "nope", "--overwrite"]) == 2
    names = ", ".join(f"'c{i}'" for i in range(10))
    assert capsys.readouterr().err.splitlines() == [
        f"error: Target column 'nope' is not a numeric column of the data; choose one of {names} and 5 more."
    ]


def test_a_saved_run_forecasts_new_data_by_the_column_it_was_trained_on(trained, tmp_path, capsys):
    """The run named no target (the airline's one column); new data whose last column is another
    is forecast on the run's own column, and data without it is refused, naming it."""
    run = str(trained / "run")
    other = _two_columns(tmp_path, "other_last.csv", ("value", "level"))
    air = pd.read_csv(trained / "air.csv")
    col = air.columns[-1]
    both = tmp_path / "both.csv"
    air.assign(level=np.linspace(-1, 1, len(air)))[[air.columns[0], col, "level"]].to_csv(both, index=False)
    out = tmp_path / "fc.csv"
    capsys.readouterr()
    assert main(["forecast", "--run", run, "--steps", "3", "--data", str(both), "--out", str(out)]) == 0
    own = tmp_path / "own.csv"
    assert main(["forecast", "--run", run, "--steps", "3", "--out", str(own)]) == 0
    pd.testing.assert_frame_equal(pd.read_csv(out), pd.read_csv(own))  # the passengers, not 'level'
    capsys.readouterr()
    assert main(["forecast", "--run", run, "--steps", "3", "--data", other]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [
        f"error: This run was trained on column {col!r}, which the data given does not have as numbers "
        "(it has 'value', 'level'); pass data with that column, or train a new run on this data."
    ]


def test_a_run_on_logs_refuses_new_data_at_or_below_zero_in_one_sentence(trained, tmp_path, capsys):
    run = trained / "run"
    assert json.loads((run / "config.json").read_text())["members"][0]["representation"]["log"]  # airline: logs
    air = pd.read_csv(trained / "air.csv")
    col = air.columns[-1]
    air.loc[50, col] = 0
    bad = tmp_path / "zero.csv"
    air.to_csv(bad, index=False)
    capsys.readouterr()
    assert main(["forecast", "--run", str(run), "--steps", "3", "--data", str(bad)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith(f"error: This run's networks take the logs of {col!r}")


def test_the_target_note_leaves_out_the_parts_of_the_date(tmp_path, capsys):
    """airquality's file has Month and Day beside its Date: the note named them as other columns to
    forecast ('pass --target to choose another (Wind, Temp, Month, Day)')."""
    days = pd.date_range("1973-05-01", periods=60, freq="D")
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(
        {
            "Date": days.strftime("%Y-%m-%d"),
            "Ozone": 40 + rng.normal(0, 5, 60),
            "Wind": 10 + rng.normal(0, 2, 60),
            "Month": days.month,
            "Day": days.day,
        }
    )
    frame.to_csv(tmp_path / "air.csv", index=False)
    args = ["train", "--data", str(tmp_path / "air.csv"), "--out", str(tmp_path / "r"), *TRAIN_FAST]
    assert main([*args, "--ensemble", "1", "--transform", "none"]) == 0
    err = capsys.readouterr().err.splitlines()
    assert "note: Forecasting column 'Ozone'; pass --target to choose another (Wind)." in err


def test_train_forecasts_the_default_target_and_says_which(tmp_path, capsys):
    """With several numeric columns and no --target, the column the Data page would pick (a
    'value' before a counter or a helper column), saved by name, and a note naming the others."""
    data = _two_columns(tmp_path, "two.csv", ("value", "level"))
    capsys.readouterr()
    args = ["train", "--data", data, "--out", str(tmp_path / "r"), *TRAIN_FAST, "--ensemble", "1"]
    assert main([*args, "--transform", "none"]) == 0
    err = capsys.readouterr().err.splitlines()
    assert "note: Forecasting column 'value'; pass --target to choose another (level)." in err
    assert json.loads((tmp_path / "r" / "config.json").read_text())["data"]["target"] == "value"


def test_overwrite_keeps_a_run_folder_that_holds_files_of_the_users(trained, tmp_path, capsys):
    import shutil

    run = tmp_path / "run"
    shutil.copytree(trained / "run", run)
    (run / "notes.txt").write_text("mine")
    before = (run / "model.pt").read_bytes()
    capsys.readouterr()
    args = ["train", "--data", str(trained / "air.csv"), "--out", str(run), "--overwrite", *TRAIN_FAST]
    assert main(args) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [
        f"error: {run} holds a run and files of yours (notes.txt) that --overwrite would delete; "
        "move them out or choose another folder (nothing was written)."
    ]
    assert (run / "notes.txt").read_text() == "mine" and (run / "model.pt").read_bytes() == before


@pytest.mark.parametrize("name", ["gates.csv", "gates"])
def test_gates_out_must_be_an_npz_file_and_is_checked_first(trained, tmp_path, capsys, name):
    out = tmp_path / name
    capsys.readouterr()
    assert main(["gates", "--run", str(trained / "run"), "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [f"error: --out {out} must name a .npz file (gates writes NumPy arrays), e.g. gates.npz."]
    assert not out.exists()


def test_the_reading_options_reach_the_loader(tmp_path, capsys):
    """--day-first / --month-first, --date-format and --missing read the CSV as the Data page's options."""
    path = tmp_path / "dm.csv"
    rows = [f"{d:%d/%m/%Y},{100 + k % 7}" for k, d in enumerate(pd.date_range("2020-01-01", periods=60, freq="D"))]
    path.write_text("date,value\n" + "\n".join(rows) + "\n")
    out = tmp_path / "fc.csv"
    args = ["train", "--data", str(path), *TRAIN_FAST, "--ensemble", "1", "--transform", "none"]
    assert main([*args, "--out", str(tmp_path / "a"), "--day-first"]) == 0
    data = pd.read_csv(tmp_path / "a" / "data.csv")
    assert data.iloc[:3, 0].tolist() == ["2020-01-01", "2020-01-02", "2020-01-03"]
    assert main([*args, "--out", str(tmp_path / "b"), "--date-format", "%d/%m/%Y"]) == 0
    assert pd.read_csv(tmp_path / "b" / "data.csv").iloc[:, 0].tolist() == data.iloc[:, 0].tolist()
    capsys.readouterr()
    assert main([*args, "--out", str(tmp_path / "c"), "--month-first"]) == 2  # 13/01/2020 is no month/day date
    assert capsys.readouterr().err.startswith("error: ")
    assert main(["forecast", "--run", str(tmp_path / "a"), "--steps", "2", "--out", str(out)]) == 0


def test_forecast_gates_generate_and_compare_never_replace_a_file_without_overwrite(trained, tmp_path, capsys):
    """``forecast --data sales.csv --out sales.csv`` replaced the user's data without a word; every
    command that writes a file refuses an existing one (before any work) unless --overwrite."""
    run = str(trained / "run")
    data = tmp_path / "air.csv"
    data.write_bytes((trained / "air.csv").read_bytes())
    mine = data.read_bytes()
    kept = tmp_path / "notes.npz"
    kept.write_text("mine")
    config = tmp_path / "cmp.json"
    config.write_text(json.dumps({"variants": [{"cell": "lstm", "hidden_size": 4}], "seeds": [0]}))
    results = tmp_path / "results"
    results.mkdir()
    (results / "runs.csv").write_text("mine")
    cases = [
        (["forecast", "--run", run, "--steps", "3", "--data", str(data), "--out", str(data)], data),
        (["gates", "--run", run, "--out", str(kept)], kept),
        (["generate", "sine", "--out", str(data)], data),
    ]
    for argv, path in cases:
        capsys.readouterr()
        assert main(argv) == 2
        why = (
            "is the --data file, which writing there would replace;"
            if "--data" in argv
            else ("already exists; pass --overwrite to replace it, or")
        )  # (--overwrite would replace the data itself: not offered)
        assert capsys.readouterr().err.splitlines() == [
            f"error: --out {path} {why} choose another file name (nothing was written)."
        ]
    assert data.read_bytes() == mine and kept.read_text() == "mine"
    assert main(["compare", "--config", str(config), "--data", str(data), "--out", str(results), "--quiet"]) == 2
    assert capsys.readouterr().err.splitlines() == [
        f"error: --out {results} already holds runs.csv; pass --overwrite to replace them, or choose another "
        "folder (nothing was written)."
    ]
    assert (results / "runs.csv").read_text() == "mine" and not (results / "results.csv").exists()
    out = tmp_path / "fc.csv"
    out.write_text("an earlier forecast")
    assert main(["forecast", "--run", run, "--steps", "3", "--out", str(out), "--overwrite"]) == 0
    assert len(pd.read_csv(out)) == 3


def test_train_says_which_phase_it_is_in_unless_quiet(trained, tmp_path, capsys):
    """The representation backtest of a 50,000-point series took four silent minutes before the first
    epoch line: every phase now has a progress line (none with --quiet)."""
    args = ["train", "--data", str(trained / "air.csv"), "--epochs", "1", "--hidden", "4", "--ensemble", "2"]
    capsys.readouterr()
    assert main([*args, "--out", str(tmp_path / "r")]) == 0
    err = capsys.readouterr().err.splitlines()
    phases = [line for line in err if line.endswith("...")]
    # and each of the backtest's networks as it starts: its four minutes stood under one line
    backtest = [line for line in phases if line.startswith("backtest network ")]
    total = int(backtest[0].removesuffix("...").rsplit(" ", 1)[1])
    assert backtest == [f"backtest network {k} of {total}..." for k in range(1, total + 1)]
    assert phases == [
        "choosing the representation: backtesting networks on the data before the test part...",
        *backtest,
        "training...",
        "training network 2 of 2...",
        "evaluating...",
    ]
    assert (
        err.index(phases[0]) < err.index(phases[1]) < next(i for i, line in enumerate(err) if line.startswith("epoch"))
    )
    assert main([*args, "--out", str(tmp_path / "q"), "--quiet"]) == 0
    assert not [line for line in capsys.readouterr().err.splitlines() if line.endswith("...")]


def test_a_saved_run_on_data_of_another_frequency_warns(trained, tmp_path, capsys):
    """A monthly run applied to daily data forecast it with a window of 12 days and a season of 12
    days without a word; it still forecasts (the model is the user's to apply), with a warning."""
    air = pd.read_csv(trained / "air.csv")
    daily = tmp_path / "daily.csv"
    air.assign(**{air.columns[0]: pd.date_range("2020-01-01", periods=len(air)).strftime("%Y-%m-%d")}).to_csv(
        daily, index=False
    )
    capsys.readouterr()
    assert main(["forecast", "--run", str(trained / "run"), "--steps", "3", "--data", str(daily)]) == 0
    assert [line for line in capsys.readouterr().err.splitlines() if line.startswith("warning: ")] == [
        "warning: This run was trained on monthly data and the data given is daily, so its window and season "
        "count other steps; pass monthly data, or train a new run on this data."
    ]
    assert main(["forecast", "--run", str(trained / "run"), "--steps", "3", "--data", str(trained / "air.csv")]) == 0
    assert "warning: " not in capsys.readouterr().err


def test_generate_says_that_airline_has_no_length(tmp_path, capsys):
    """``generate airline --length 20`` wrote the 144 months without a word."""
    assert main(["generate", "airline", "--length", "20", "--out", str(tmp_path / "a.csv")]) == 0
    assert "note: airline is a fixed dataset of 144 rows; --length was ignored." in capsys.readouterr().err
    assert len(pd.read_csv(tmp_path / "a.csv")) == 144


def test_compare_refuses_an_input_listed_twice(tmp_path, capsys):
    """``"inputs": ["pce", "pce"]`` in a comparison config trained networks that read one column twice."""
    n = 60
    t = np.arange(n)
    frame = pd.DataFrame({"date": pd.date_range("2000-01-01", periods=n, freq="MS").strftime("%Y-%m-%d")})
    frame["sales"], frame["pce"] = 100 + 10 * np.sin(t / 2), 50 + t
    frame.to_csv(tmp_path / "m.csv", index=False)
    config = tmp_path / "cmp.json"
    config.write_text(
        json.dumps(
            {
                "data": {"target": "sales", "inputs": ["pce", "pce"]},
                "train": {"epochs": 1},
                "variants": [{"cell": "lstm", "hidden_size": 4}],
            }
        )
    )
    out = tmp_path / "results"
    assert main(["compare", "--config", str(config), "--data", str(tmp_path / "m.csv"), "--out", str(out)]) == 2
    assert capsys.readouterr().err.splitlines() == [
        f"error: The data.inputs of {config} lists 'pce' more than once; list each input column once."
    ]
    assert not out.exists()


def test_a_failed_compare_leaves_no_folder_behind(trained, tmp_path, capsys):
    """A comparison that failed on the data (a target the file lacks) left its new --out folders empty
    behind; a folder that was there before stays."""
    config = tmp_path / "cmp.json"
    config.write_text(json.dumps({"data": {"target": "sales"}, "variants": [{"cell": "lstm", "hidden_size": 4}]}))
    out = tmp_path / "new" / "results"
    argv = ["compare", "--config", str(config), "--data", str(trained / "air.csv"), "--quiet", "--out"]
    assert main([*argv, str(out)]) == 2
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1 and "Target column 'sales' is not a numeric column" in err[0]
    assert not (tmp_path / "new").exists()
    (tmp_path / "mine").mkdir()
    assert main([*argv, str(tmp_path / "mine")]) == 2
    assert (tmp_path / "mine").is_dir()


def test_forecast_keeps_the_utc_offset_of_the_data(tmp_path, capsys):
    """Times written with an offset (2020-01-01T00:00:00+01:00) came out of forecast in UTC without a
    zone: an hour off the data's clock, unmarked. They keep the data's times and its offset, which the run
    records: its forecast.csv and predictions.csv, and a forecast of it without --data, write it too.
    Data given without an offset gets times without one."""
    stamps = pd.date_range("2020-01-01", periods=24 * 8, freq="h", tz="Etc/GMT-1")  # UTC+01:00
    load = 100 + 10 * np.sin(np.arange(len(stamps)) * 2 * np.pi / 24)
    data = tmp_path / "load.csv"
    pd.DataFrame({"time": [t.isoformat() for t in stamps], "load": load}).to_csv(data, index=False)
    run = tmp_path / "run"
    assert main(["train", "--data", str(data), "--out", str(run), "--ensemble", "1", *TRAIN_FAST]) == 0
    assert "note: Timestamps carry the UTC offset +01:00" in capsys.readouterr().err
    argv = ["forecast", "--run", str(run), "--steps", "2", "--data", str(data), "--out", str(tmp_path / "f.csv")]
    assert main(argv) == 0
    fc = pd.read_csv(tmp_path / "f.csv")
    assert fc["time"].tolist() == ["2020-01-09T00:00:00+01:00", "2020-01-09T01:00:00+01:00"]
    assert json.loads((run / "config.json").read_text())["utc_offset"] == "+01:00"
    assert main(["forecast", "--run", str(run), "--steps", "2", "--out", str(tmp_path / "g.csv")]) == 0
    assert pd.read_csv(tmp_path / "g.csv")["time"].tolist() == fc["time"].tolist()
    saved = pd.read_csv(run / "forecast.csv")["time"]
    assert saved.iloc[0] == "2020-01-09T00:00:00+01:00" and saved.str.endswith("+01:00").all()
    predicted = pd.read_csv(run / "predictions.csv")["time"]
    assert predicted.iloc[0] == "2020-01-01T00:00:00+01:00" and predicted.str.endswith("+01:00").all()
    naive = tmp_path / "naive.csv"
    pd.DataFrame({"time": [t.strftime("%Y-%m-%d %H:%M:%S") for t in stamps], "load": load}).to_csv(naive, index=False)
    argv = ["forecast", "--run", str(run), "--steps", "2", "--data", str(naive), "--out", str(tmp_path / "h.csv")]
    assert main(argv) == 0
    assert pd.read_csv(tmp_path / "h.csv")["time"].tolist() == ["2020-01-09 00:00:00", "2020-01-09 01:00:00"]


def test_train_warns_where_the_band_held_far_fewer_test_points_than_its_level(tmp_path, capsys):
    """A level that moves up in the test part, which nothing before it foretold: the 90% band of the
    forecast from the test part's start holds few of its points, and the summary says so (it said
    nothing). The band ahead takes the errors of forecasts from origins in the test part: it was as
    narrow as the one that failed, 2 visits each side of a forecast that had just been 8 off."""
    rng = np.random.default_rng(0)
    y = 10 + rng.normal(0, 0.5, 150)
    y[105:] += 8
    data = tmp_path / "shift.csv"
    dates = pd.date_range("2010-01-01", periods=150, freq="D").strftime("%Y-%m-%d")
    pd.DataFrame({"date": dates, "visits": y}).to_csv(data, index=False)
    assert main(["train", "--data", str(data), "--out", str(tmp_path / "run"), "--ensemble", "1", *TRAIN_FAST]) == 0
    warned = [line for line in capsys.readouterr().err.splitlines() if line.startswith("warning: Of the ")]
    ahead = "; the band ahead is widened to the errors of forecasts from origins in the test part, but trust it less."
    assert len(warned) == 1 and warned[0].endswith(ahead), warned
    coverage = json.loads((tmp_path / "run" / "metrics.json").read_text())["coverage"]
    held = coverage["multistep"]
    assert held < 0.7 and f"{held:.0%} over the multi-step forecast, not about 90%" in warned[0]
    assert coverage["ahead_widened"] and "the band past the data is wider where forecasts" in coverage["note"]
    run = load_run(tmp_path / "run")
    assert run.ahead_q is not None and np.all(run.ahead_q >= run.conformal_q)
    assert run.ahead_q[0] > 1.5 * run.conformal_q[0]
    fut = run.future(5)
    test_span = run.predictions[run.predictions["part"] == "test"]
    assert (fut["upper"] - fut["lower"]).iloc[0] > 1.5 * (test_span["upper"] - test_span["lower"]).iloc[0]


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs Linux's /proc, where no folder can be made")
def test_train_refuses_an_out_it_cannot_write_before_training(trained, capsys):
    """An --out in a place that cannot be written failed only after training, naming the save's
    temporary folder (``/proc/.run.tmp-29eyd8ib``)."""
    args = ["train", "--data", str(trained / "air.csv"), "--out", "/proc/lstm-lab-run", "--epochs", "1"]
    assert main(args) == 2
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1 and err[0].startswith("error: --out /proc/lstm-lab-run cannot be written: "), err
    assert err[0].endswith(" in /proc; choose a folder you can write to (nothing was trained).")


def test_train_refuses_an_existing_empty_folder_it_cannot_write_before_training(trained, tmp_path, monkeypatch, capsys):
    """An existing empty --out folder that cannot be written (a read-only mount) was not probed (its
    parent was): the whole run trained, then failed with ``Device or resource busy (/tmp/ro)``."""
    import tempfile

    out = tmp_path / "ro"
    out.mkdir()
    out.chmod(0o555)
    made = tempfile.mkdtemp

    def read_only(*args, dir=None, **kwargs):  # as a read-only mount answers (chmod does not bind root)
        if dir is not None and Path(dir) == out:
            raise OSError(30, "Read-only file system")
        return made(*args, dir=dir, **kwargs)

    monkeypatch.setattr(tempfile, "mkdtemp", read_only)
    monkeypatch.setattr(pipeline, "fit_run", lambda *a, **k: pytest.fail("trained before refusing"))
    assert main(["train", "--data", str(trained / "air.csv"), "--out", str(out), *TRAIN_FAST]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err == [
        f"error: --out {out} cannot be written: Read-only file system in {out}; choose a folder you can write to "
        "(nothing was trained)."
    ], err
    assert out.is_dir() and not any(out.iterdir())


def test_compare_without_a_target_forecasts_the_column_train_picks(tmp_path, capsys):
    """A comparison config with no ``data.target`` forecast the file's last column (the engine's
    fallback) where ``train`` on the same file forecasts the column the Data page picks."""
    n = 60
    t = np.arange(n)
    frame = pd.DataFrame({"date": pd.date_range("2000-01-01", periods=n, freq="MS").strftime("%Y-%m-%d")})
    frame["sales"], frame["rate"] = 100 + 10 * np.sin(t / 2), 5 + 0.1 * t
    frame.to_csv(tmp_path / "m.csv", index=False)
    config = tmp_path / "cmp.json"
    config.write_text(json.dumps({"train": {"epochs": 1}, "variants": [{"cell": "lstm", "hidden_size": 4}]}))
    out = tmp_path / "results"
    argv = ["compare", "--config", str(config), "--data", str(tmp_path / "m.csv"), "--out", str(out), "--quiet"]
    assert main(argv) == 0
    assert json.loads((out / "config.json").read_text())["data"]["target"] == "sales"
    note = f'note: Forecasting column \'sales\'; set "target" in the "data" of {config} to choose another (rate).'
    assert note in capsys.readouterr().err.splitlines()


def _hourly_demand(n: int) -> pd.DataFrame:
    """Hourly demand-like values that repeat weekly (lower on weekends): ``train`` without
    --look-back starts from a day of steps (24) on them."""
    rng = np.random.default_rng(0)
    t = pd.date_range("2024-01-01", periods=n, freq="h")  # a Monday
    y = 10 + 3 * np.sin(2 * np.pi * np.asarray(t.hour) / 24) + np.cumsum(rng.normal(0, 0.05, n))
    y += rng.normal(0, 0.2, n) - 4.0 * (np.asarray(t.day_of_week) >= 5)
    return pd.DataFrame({"time": t.strftime("%Y-%m-%d %H:%M"), "demand": y})


def test_compare_starts_a_variant_without_a_look_back_from_the_window_train_starts_from(tmp_path, capsys):
    """A variant whose JSON set no look_back got the Variant default of 12 on hourly demand that repeats
    weekly, where ``train`` without --look-back starts from a day (24); one that sets 12 keeps it."""
    data = tmp_path / "load.csv"
    _hourly_demand(1300).to_csv(data, index=False)
    config = tmp_path / "cmp.json"
    variants = [{"cell": "lstm", "hidden_size": 4}, {"cell": "gru", "hidden_size": 4, "look_back": 12}]
    config.write_text(json.dumps({"data": {"transform": "none"}, "train": {"epochs": 1}, "variants": variants}))
    out = tmp_path / "results"
    argv = ["compare", "--config", str(config), "--data", str(data), "--out", str(out), "--quiet"]
    assert main(argv) == 0
    saved = json.loads((out / "config.json").read_text())
    assert [v["look_back"] for v in saved["variants"]] == [24, 12]
    assert saved["data"]["look_back"] == 24  # the shared window the JSON left out, too
    metrics = json.loads((out / "metrics.json").read_text())
    used = {name: runs["0"]["info"]["representations"][0]["look_back"] for name, runs in metrics.items()}
    assert used == {"lstm h4 x1 lb24 lr0.01": 24, "gru h4 x1 lb12 lr0.01": 12}  # what the networks read
    assert pd.read_csv(out / "results.csv")["model"].tolist()[:2] == list(used)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["--target", "close"],
            "Target column 'close' is not a numeric column of the data (did you mean 'Close'?); "
            "choose one of 'Open', 'High', 'Low', 'Close'.",
        ),
        (
            ["--target", " Close "],
            "Target column ' Close ' is not a numeric column of the data (did you mean 'Close'?); "
            "choose one of 'Open', 'High', 'Low', 'Close'.",
        ),
        (
            ["--target", "Close", "--inputs", "open"],
            "Input column 'open' is not a numeric column of the data (did you mean 'Open'?); "
            "choose from 'Open', 'High', 'Low', 'Close'.",
        ),
        (
            ["--target", "Volume"],  # no column but for case: the engine's error, as before
            "Target column 'Volume' is not a numeric column of the data; choose one of 'Open', 'High', 'Low', 'Close'.",
        ),
    ],
)
def test_a_column_named_in_another_letter_case_says_which_was_meant(tmp_path, capsys, argv, message):
    """``--target close`` of a file whose column is ``Close`` only listed the columns to choose from."""
    n = 40
    t = np.arange(n, dtype=float)
    frame = pd.DataFrame({"Date": pd.date_range("2000-01-01", periods=n, freq="MS").strftime("%Y-%m-%d")})
    frame["Open"], frame["High"], frame["Low"], frame["Close"] = 100 + t, 105 + t, 95 + t, 100 + t + np.sin(t)
    frame.to_csv(tmp_path / "ohlc.csv", index=False)
    args = ["train", "--data", str(tmp_path / "ohlc.csv"), "--out", str(tmp_path / "r"), *argv, *TRAIN_FAST]
    assert main(args) == 2
    assert capsys.readouterr().err.splitlines() == [f"error: {message}"]
    assert not (tmp_path / "r").exists()


@pytest.mark.parametrize(
    ("select", "message"),
    [
        (
            ["Variable=pce"],
            "Column 'Variable' was not found (did you mean 'variable'?); the columns are 'date', 'variable', 'value'.",
        ),
        (
            ["variable=pce"],
            "No row has 'pce' in column 'variable' (did you mean 'PCE'?); its values include 'PCE', 'UNRATE'.",
        ),
        (["variable=GDP"], "No row has 'GDP' in column 'variable'; its values include 'PCE', 'UNRATE'."),
    ],
)
def test_a_select_in_another_letter_case_says_which_was_meant(tmp_path, capsys, select, message):
    """``--select Variable=pce`` of a file whose key column is ``variable`` (and its value ``PCE``)."""
    n = 30
    months = pd.date_range("2000-01-01", periods=n, freq="MS").strftime("%Y-%m-%d")
    rows = [(m, name, base + i) for name, base in (("PCE", 100.0), ("UNRATE", 5.0)) for i, m in enumerate(months)]
    pd.DataFrame(rows, columns=["date", "variable", "value"]).to_csv(tmp_path / "long.csv", index=False)
    chosen = [a for s in select for a in ("--select", s)]
    args = ["train", "--data", str(tmp_path / "long.csv"), *chosen, "--out", str(tmp_path / "r"), *TRAIN_FAST]
    assert main(args) == 2
    assert capsys.readouterr().err.splitlines() == [f"error: {message}"]


def test_compare_names_the_target_its_json_meant_before_making_any_folder(tmp_path, capsys):
    """A comparison JSON's ``data.target`` in another letter case gets the engine's hint (prep.resolve_target)."""
    n = 40
    t = np.arange(n, dtype=float)
    frame = pd.DataFrame({"Date": pd.date_range("2000-01-01", periods=n, freq="MS").strftime("%Y-%m-%d")})
    frame["Open"], frame["Close"] = 100 + t, 100 + t + np.sin(t)
    frame.to_csv(tmp_path / "ohlc.csv", index=False)
    config = {"data": {"target": "close"}, "train": {"epochs": 1}, "variants": [{"cell": "lstm"}, {"cell": "gru"}]}
    (tmp_path / "c.json").write_text(json.dumps({**config, "seeds": [0]}))
    argv = ["compare", "--config", str(tmp_path / "c.json"), "--data", str(tmp_path / "ohlc.csv")]
    assert main([*argv, "--out", str(tmp_path / "out")]) == 2
    assert capsys.readouterr().err.splitlines() == [
        "error: Target column 'close' is not a numeric column of the data (did you mean 'Close'?); "
        "choose one of 'Open', 'Close'."
    ]
    assert not (tmp_path / "out").exists()


def test_a_target_that_is_the_time_column_is_named_as_the_time(tmp_path, capsys):
    csv = tmp_path / "uspop.csv"
    csv.write_text("year,population\n" + "".join(f"{1790 + 10 * i},{4 + i * i}\n" for i in range(19)))
    capsys.readouterr()
    assert main(["train", "--data", str(csv), "--target", "year", "--out", str(tmp_path / "r")]) == 2
    assert capsys.readouterr().err.strip() == (
        "error: Column 'year' is the data's time, not a value to forecast; choose one of 'population'."
    )


def test_forecast_on_other_data_reads_it_with_the_policy_the_run_was_trained_with(tmp_path, capsys):
    """A run trained with --missing drop had the data given to ``forecast --data`` interpolated
    unless --missing drop was passed again."""
    t = np.arange(120)
    cells = [f"{100 + 10 * np.sin(k / 2):.3f}" if k % 17 != 5 else "" for k in t]
    dates = pd.date_range("2010-01", periods=120, freq="MS").strftime("%Y-%m-%d")
    csv = tmp_path / "gappy.csv"
    csv.write_text("date,value\n" + "".join(f"{d},{c}\n" for d, c in zip(dates, cells)))
    run = tmp_path / "r"
    assert main(["train", "--data", str(csv), "--out", str(run), "--missing", "drop", *TRAIN_FAST]) == 0
    forecast = ["forecast", "--run", str(run), "--steps", "3", "--data", str(csv), "--out", str(tmp_path / "f.csv")]
    capsys.readouterr()
    assert main(forecast) == 0
    dropped = [n for n in capsys.readouterr().err.splitlines() if n.startswith("note: ")]
    assert dropped == [f"note: {n}" for n in load_csv(csv, missing="drop").report.notes]
    assert main([*forecast, "--missing", "interpolate", "--overwrite"]) == 0  # given: as given
    filled = [n for n in capsys.readouterr().err.splitlines() if n.startswith("note: ")]
    assert filled == [f"note: {n}" for n in load_csv(csv, missing="interpolate").report.notes] != dropped


def test_compare_reads_the_data_as_its_json_says_unless_flags_say_otherwise(tmp_path, capsys):
    """The comparison JSON's reading options (the app's Data page: missing values, day first, date
    format) were not applied: a JSON with ``data.missing`` "drop" ran on interpolated data, and its
    written config.json still said "drop". Now the JSON's options read the file, a flag overrides
    them, a note says which applied, and config.json records what was used."""
    n = 48
    frame = pd.DataFrame({"date": pd.date_range("2000-01-01", periods=n, freq="MS").strftime("%d/%m/%Y")})
    frame["sales"] = 100 + 10 * np.sin(np.arange(n) / 2)
    frame.loc[[10, 11, 30], "sales"] = np.nan
    data = tmp_path / "m.csv"
    frame.to_csv(data, index=False)
    shared = {"train": {"epochs": 1}, "variants": [{"cell": "gru", "hidden_size": 4}]}
    data_settings = {"target": "sales", "transform": "none"}

    def compare(name: str, json_fields: dict, *flags: str) -> tuple[dict, list[str]]:
        config = tmp_path / f"{name}.json"
        config.write_text(json.dumps({**shared, **json_fields}))
        out = tmp_path / name
        argv = ["compare", "--config", str(config), "--data", str(data), "--out", str(out), "--quiet", *flags]
        assert main(argv) == 0
        return json.loads((out / "config.json").read_text()), capsys.readouterr().err.splitlines()

    new = {"data": data_settings, "reading": {"missing": "drop", "dayfirst": True, "date_format": None}}
    saved, err = compare("new", new)
    assert (
        f"note: {data} was read with the reading options of {tmp_path / 'new.json'}: missing values drop, day first; "
        "--missing, --day-first/--month-first and --date-format override them."
    ) in err
    assert "note: 3 row(s) with missing values were dropped." in err
    assert not any("ambiguous" in line for line in err)  # day first was said, not guessed
    assert saved["data"]["missing"] == "drop" and saved["reading"] == new["reading"]

    saved, err = compare("flag", new, "--missing", "ffill")
    assert (
        f"note: {data} was read with missing values ffill (--missing), not the missing values drop of "
        f"{tmp_path / 'flag.json'}."
    ) in err
    assert "note: 3 missing value(s) were filled with the previous value." in err
    assert saved["data"]["missing"] == "ffill" and saved["reading"]["missing"] == "ffill"

    # a JSON without "reading" (exported before it was kept) whose data sets the policy its runs used
    saved, err = compare("old", {"data": {**data_settings, "missing": "drop"}})
    assert "note: 3 row(s) with missing values were dropped." in err
    assert saved["data"]["missing"] == "drop" and saved["reading"]["missing"] == "drop"


def test_compare_says_a_date_format_that_does_not_fit_came_from_its_json(tmp_path, capsys):
    """A date format the user never typed (the JSON's "reading") that the file's dates do not fit
    is named as the JSON's, with the flag that overrides it; nothing is written."""
    frame = pd.DataFrame({"date": pd.date_range("2000-01-01", periods=40, freq="MS").strftime("%d/%m/%Y")})
    frame["sales"] = np.arange(40.0)
    frame.to_csv(tmp_path / "m.csv", index=False)
    config = tmp_path / "c.json"
    config.write_text(json.dumps({"variants": [{"hidden_size": 4}], "reading": {"date_format": "%Y.%m.%d"}}))
    argv = ["compare", "--config", str(config), "--data", str(tmp_path / "m.csv"), "--out", str(tmp_path / "o")]
    assert main(argv) == 2
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1 and err[0].startswith("error: No column holds dates in the date format '%Y.%m.%d'")
    assert err[0].endswith(
        f'(read with the date format of {config}\'s "reading"; give --date-format to read {tmp_path / "m.csv"} '
        "otherwise, or edit the JSON)."
    )
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize(("transform", "lag"), [("seasonal_diff", 12), ("none", 0)])
def test_gates_says_which_time_steps_its_rows_are(trained, tmp_path, capsys, transform, lag):
    """gates wrote 132 rows for airline's 144 points with seasonal differences, and said only "arrays of
    shape (132, 6)": its rows start where the network's input does, which it now says."""
    run = tmp_path / "run"
    argv = ["train", "--data", str(trained / "air.csv"), "--out", str(run), *TRAIN_FAST, "--ensemble", "1"]
    assert main([*argv, "--transform", transform]) == 0
    out = tmp_path / "g.npz"
    capsys.readouterr()
    assert main(["gates", "--run", str(run), "--out", str(out)]) == 0
    times = pd.read_csv(trained / "air.csv").iloc[:, 0]
    steps = np.load(out)["0/h"].shape[0]
    assert steps == len(times) - lag
    start = pd.Timestamp(times[lag]).isoformat(sep=" ")
    said = (
        f"rows {lag + 1} to {len(times)} of the data, from {start}: the network reads differences at lag {lag}, "
        f"which the first {lag} have none of"
        if lag
        else f"one row per time step of the data, from {start}"
    )
    assert capsys.readouterr().err.splitlines() == [f"wrote 6 arrays of shape ({steps}, 6) to {out} ({said})"]


def test_generate_help_says_the_length_each_generator_writes(capsys):
    """``generate --help`` said nothing of --length, --seed or --out: not the rows each generator
    writes without --length, nor that airline's length is fixed."""
    from lstm_core.data import generate

    with pytest.raises(SystemExit):
        main(["generate", "--help"])
    text = " ".join(capsys.readouterr().out.split()).replace("- ", "-")  # argparse wraps at hyphens
    for name in sorted(GENERATORS):
        said = "airline is a fixed dataset of" if name == "airline" else name
        assert f"{said} {len(generate(name)):,}" in text
    assert "--seed SEED random seed" in text and "--out OUT CSV file to write" in text


def test_train_names_no_seasonal_naive_on_a_series_without_a_season(tmp_path, capsys):
    """US census population every ten years: "(naive 19.57, seasonal naive 19.57, Holt-Winters 6.904)",
    the seasonal naive forecast being the naive one on a series without a season."""
    years = np.arange(1790, 1980, 10)
    pop = [3.93, 5.31, 7.24, 9.64, 12.9, 17.1, 23.2, 31.4, 39.8, 50.2]
    pop += [62.9, 76.0, 92.0, 105.7, 122.8, 131.7, 151.3, 179.3, 203.2]
    data = tmp_path / "uspop.csv"
    pd.DataFrame({"date": [f"{y}-01-01" for y in years], "population": pop}).to_csv(data, index=False)
    assert main(["train", "--data", str(data), "--out", str(tmp_path / "run"), *TRAIN_FAST]) == 0
    summary = capsys.readouterr().err.splitlines()[0]
    m = json.loads((tmp_path / "run" / "metrics.json").read_text())
    assert m["info"]["season"] is None and m["baselines"]["seasonal_naive"] == m["baselines"]["naive"]
    assert "seasonal naive" not in summary.lower() and "Seasonal naive" not in summary
    # Holt-Winters fitted no season there: Holt's linear trend, as the summary names it
    assert m["info"]["baseline_models"]["holt_winters"].startswith("Holt linear trend")
    assert f"(naive {m['baselines']['naive']['rmse']:.4g}, Holt's linear trend " in summary
    assert "Holt-Winters" not in summary


def test_train_names_the_seasonal_naive_on_a_seasonal_series(trained, tmp_path, capsys):
    assert main(["train", "--data", str(trained / "air.csv"), "--out", str(tmp_path / "run"), *TRAIN_FAST]) == 0
    summary = capsys.readouterr().err.splitlines()[0]
    assert ", seasonal naive " in summary and ", Holt-Winters " in summary


def test_gates_feeds_a_window_normalised_network_the_input_it_trained_on(trained, tmp_path, monkeypatch):
    """gates fed a window-normalised network its raw first feature (airline's inputs up to 7.3 where it trained on
    2.8 at most), so its file disagreed with the Gates page: the first feature is less its trailing window's mean."""
    from lstm_core import runs
    from lstm_core.prep import Transform, prepare

    real = runs.load_run

    def windowed(path, *args, **kwargs):
        run = real(path, *args, **kwargs)
        run.prep = prepare(run.series, run.prep.cfg, transform=Transform(window_norm=True))
        return run

    monkeypatch.setattr(runs, "load_run", windowed)
    out = tmp_path / "g.npz"
    assert main(["gates", "--run", str(trained / "run"), "--out", str(out)]) == 0
    run = windowed(trained / "run")
    x = run.prep.features[run.prep.offset :].astype(np.float64)
    x[:, 0] -= pd.Series(x[:, 0]).rolling(run.prep.cfg.look_back, min_periods=1).mean().to_numpy()
    with torch.no_grad():
        h = run.model.rnn(torch.as_tensor(x[None], dtype=torch.float32))[0][0].numpy()  # (T, H), last layer
    last = run.model.cfg.num_layers - 1
    np.testing.assert_allclose(np.load(out)[f"{last}/h"], h, atol=1e-5)


@pytest.mark.parametrize(
    ("extra", "named"),
    [
        (["--select", "store=B"], "--select reads"),
        (["--date-format", "%d.%m.%Y"], "--date-format reads"),
        (["--missing", "drop", "--day-first"], "--missing and --day-first read"),
    ],
)
@pytest.mark.parametrize("command", ["forecast", "gates"])
def test_reading_options_without_data_are_refused(trained, tmp_path, capsys, extra, named, command):
    """forecast and gates took --select store=B without --data and wrote the run's own store A, without a word."""
    out = tmp_path / ("g.npz" if command == "gates" else "f.csv")
    capsys.readouterr()
    assert main([command, "--run", str(trained / "run"), "--out", str(out), *extra]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith(f"error: {named} the CSV given with --data, and there is none")
    assert "pass --data FILE too" in err[0] and not out.exists()


def test_a_baseline_forecast_without_a_band_says_why(tmp_path, capsys):
    """On a 10-row series `forecast --baseline` (which train's note recommends) wrote empty lower and upper cells
    without a word; the Forecast page's download says why, and so does the CLI now."""
    data = tmp_path / "tiny.csv"
    pd.DataFrame({"date": pd.date_range("2024-01-01", periods=10), "value": np.arange(10) + 1.0}).to_csv(
        data, index=False
    )
    assert main(["train", "--data", str(data), "--out", str(tmp_path / "run"), *TRAIN_FAST, "--ensemble", "1"]) == 0
    capsys.readouterr()
    out = tmp_path / "b.csv"
    argv = ["forecast", "--run", str(tmp_path / "run"), "--baseline", "naive", "--out", str(out)]
    assert main(argv) == 0
    rows = pd.read_csv(out)
    assert rows[["lower", "upper"]].isna().all().all() and rows["forecast"].notna().all()
    notes = [line for line in capsys.readouterr().err.splitlines() if "left empty" in line]
    assert notes == [
        "note: The lower and upper columns are left empty: Naive (last value) has fewer than 10 errors out of "
        "sample to calibrate a band on; load a longer series for one."
    ]


def test_generate_says_when_a_seed_changes_nothing(tmp_path, capsys):
    """generate airline --seed 3 wrote the airline data as --seed 0 does, without the note --length gets."""
    assert main(["generate", "airline", "--seed", "3", "--out", str(tmp_path / "a.csv")]) == 0
    assert "airline has no random noise, so --seed was ignored" in capsys.readouterr().err
    assert main(["generate", "sine", "--seed", "3", "--length", "50", "--out", str(tmp_path / "s.csv")]) == 0
    assert "sine has no random noise, so --seed was ignored" in capsys.readouterr().err
    assert main(["generate", "noisy-sine", "--seed", "3", "--length", "50", "--out", str(tmp_path / "n.csv")]) == 0
    assert "--seed was ignored" not in capsys.readouterr().err  # its noise follows the seed


def test_gates_of_an_ensemble_says_whose_they_are(trained, tmp_path, capsys):
    """The file of an 11-network run holds network 1's gates, which the Gates page says and gates did not."""
    networks = sum(m.networks for m in load_run(trained / "run").combination.path_members)
    assert networks > 1
    capsys.readouterr()
    assert main(["gates", "--run", str(trained / "run"), "--out", str(tmp_path / "g.npz")]) == 0
    err = capsys.readouterr().err
    assert f"; network 1's of the {networks} the forecast averages, as on the Gates page)" in err


def test_dropout_on_one_layer_is_said_to_change_nothing(trained, tmp_path, capsys):
    """--dropout 0.5 --layers 1 was taken silently, and the run was the same as without it."""
    argv = ["train", "--data", str(trained / "air.csv"), *TRAIN_FAST, "--ensemble", "1", "--transform", "none"]
    capsys.readouterr()
    assert main([*argv, "--out", str(tmp_path / "one"), "--dropout", "0.5"]) == 0
    notes = [line for line in capsys.readouterr().err.splitlines() if "--dropout" in line]
    assert notes == [
        "note: --dropout 0.5 acts between stacked layers, and this network has one: it changes nothing; pass "
        "--layers 2 or more for it to act."
    ]
    assert main([*argv, "--out", str(tmp_path / "two"), "--dropout", "0.5", "--layers", "2"]) == 0
    assert "--dropout" not in capsys.readouterr().err


def test_a_minute_series_without_a_season_is_told_so(tmp_path, capsys):
    """A 200,000-row minute series got no season (a day is 1,440 steps, over what a run takes) and nothing said so;
    its forecast ran away with no cycle to follow. An hourly series keeps its daily season and gets no note."""
    rng = np.random.default_rng(0)
    for freq, said in (("min", True), ("h", False)):
        data = tmp_path / f"{freq}.csv"
        times = pd.date_range("2024-01-01", periods=400, freq=freq)
        pd.DataFrame({"time": times, "v": np.cumsum(rng.normal(size=400))}).to_csv(data, index=False)
        argv = ["train", "--data", str(data), "--out", str(tmp_path / freq), *TRAIN_FAST, "--ensemble", "1"]
        capsys.readouterr()
        assert main([*argv, "--transform", "none"]) == 0
        notes = [line for line in capsys.readouterr().err.splitlines() if "a day is 1,440 steps" in line]
        assert notes == (
            [
                "note: This series has no season: a day is 1,440 steps, more than the 288 a run takes as a season, "
                "and none was found in the data; the command line's --season sets one (e.g. an hour's steps)."
            ]
            if said
            else []
        )


@pytest.mark.parametrize("module", ["lstm_core", "lstm_core.cli"])
def test_both_module_entry_points_run_the_command_line(module, tmp_path):
    """``python -m lstm_core.cli train ...`` printed nothing, trained nothing and exited 0."""
    import subprocess

    run = subprocess.run(
        [sys.executable, "-m", module, "train", "--data", str(tmp_path / "none.csv"), "--out", str(tmp_path / "r")],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=Path(__file__).resolve().parents[1],
    )
    assert run.returncode == 2 and run.stderr.startswith("error: ") and "none.csv" in run.stderr
