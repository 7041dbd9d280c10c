"""Reliability: pathological inputs return in bounded time, config bounds (engine and UI agree),
divergence never leaks NaN, cancel/reload/close/double-start leave no stray threads or lost
results, eviction frees memory, sessions cannot see each other's jobs, zip bombs are refused."""

from __future__ import annotations

import gc
import io
import json
import math
import struct
import threading
import time
import weakref
import zipfile
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from lstm_core.cli import main
from lstm_core.config import ConfigError, RunConfig
from lstm_core.data import DataError, generate, load_csv
from lstm_core.jobs import JobRegistry
from lstm_core.metrics import figure_text
from lstm_core.prep import prepare
from lstm_core.runs import RunError, load_run, run_to_zip, save_run, zip_to_run_dir

ROOT = Path(__file__).resolve().parents[1]
WAIT_S = 60


def tiny(epochs: int = 3, **train) -> RunConfig:
    cfg = RunConfig()
    cfg.model.hidden_size, cfg.data.look_back = 4, 6
    cfg.train.epochs, cfg.train.patience, cfg.train.device = epochs, None, "cpu"
    for k, v in train.items():
        setattr(cfg.train, k, v)
    return cfg


def new_app() -> AppTest:
    return AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)


def start_button(at: AppTest):
    return next(b for b in at.button if b.label == "Start training")


def workers() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("lstm-lab-worker")]


# ---- the fuzzing has a time bound; pathological inputs return quickly ------------------------


def test_fuzzing_has_a_per_example_deadline():
    from tests import test_data  # the hypothesis settings used by every fuzz test there

    assert test_data._FUZZ.deadline is not None and test_data._FUZZ.deadline.total_seconds() <= 2
    assert test_data._FUZZ.max_examples >= 100


PATHOLOGICAL = {
    # 8 MB on one line: 4 million fields used to take > 40 s and 20 GB (O(n^2) name check)
    "one_line_4M_fields": lambda: b"1," * 4_000_000,
    "wide_100k_columns": lambda: b",".join(b"c%d" % i for i in range(100_000)) + b"\n" + b"1," * 99_999 + b"1\n",
    "delimiter_soup": lambda: b";,|\t" * 1_000_000,
    "4M_quotes": lambda: b'"' * 4_000_000,
    "unclosed_quote_over_2M_lines": lambda: b'a\n"' + b"1\n" * 2_000_000,
    "field_of_1M_doubled_quotes": lambda: b'a,b\n"' + b'""' * 1_000_000 + b'",1\n' + b"1,2\n" * 5,
    "1M_open_brackets": lambda: b"[" * 1_000_000,
    "nested_braces": lambda: b"{" * 500_000 + b"}" * 500_000,
    "5M_digit_number": lambda: b"a\n" + b"9" * 5_000_000 + b"\n1\n2\n",
}


@pytest.mark.parametrize("name", list(PATHOLOGICAL))
def test_pathological_input_returns_within_a_bound(name):
    raw = PATHOLOGICAL[name]()
    outcome: list = []

    def run():
        try:
            load_csv(raw)
            outcome.append("loads")
        except DataError as exc:
            outcome.append(str(exc))
        except BaseException as exc:  # noqa: BLE001 - reported below
            outcome.append(exc)

    t0 = time.perf_counter()
    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(10)
    elapsed = time.perf_counter() - t0
    assert not worker.is_alive(), f"load_csv still running after {elapsed:.0f} s"
    assert elapsed < 10 and isinstance(outcome[0], str), outcome


def test_wide_file_message():
    with pytest.raises(DataError, match=r"first row has 4,000,000 fields .* more than the 1,000 columns"):
        load_csv(b"1," * 3_999_999 + b"1")


# ---- configuration bounds: clear messages before training, and the UI carries the same bounds --


@pytest.mark.parametrize(
    ("section", "field", "value", "phrase"),
    [
        ("data", "look_back", 0, "look_back must be at least 1"),
        ("data", "look_back", -5, "look_back must be at least 1"),
        ("data", "horizon", -1, "horizon must be between 0 and 10000"),
        ("data", "test_fraction", 0.0, "test_fraction must be in"),
        ("model", "hidden_size", 0, "hidden_size must be between 1 and 1024"),
        ("model", "hidden_size", -3, "hidden_size must be between 1 and 1024"),
        ("model", "hidden_size", 100_000, "hidden_size must be between 1 and 1024"),
        ("model", "num_layers", 0, "num_layers must be between 1 and 4"),
        ("model", "dropout", 1.0, "dropout must be in [0, 1)"),
        ("train", "lr", 0.0, "learning rate must be above 0"),
        ("train", "lr", -0.01, "learning rate must be above 0"),
        ("train", "lr", float("nan"), "learning rate must be above 0"),
        ("train", "lr", 1e6, "at most 10"),
        ("train", "epochs", 0, "epochs must be between 1 and 100000"),
        ("train", "epochs", 10**9, "epochs must be between 1 and 100000"),
        ("train", "batch_size", 0, "batch_size must be between 1 and 65536"),
        ("train", "batch_size", -1, "batch_size must be between 1 and 65536"),
    ],
)
def test_config_bounds_are_one_sentence(section, field, value, phrase):
    cfg = RunConfig()
    setattr(getattr(cfg, section), field, value)
    with pytest.raises(ConfigError) as info:
        cfg.validate()
    assert phrase in str(info.value) and "\n" not in str(info.value)
    reg = JobRegistry(max_workers=1, torch_threads=1)
    try:  # the registry refuses it at submit: nothing is queued, nothing trains
        with pytest.raises(ConfigError):
            reg.submit(generate("sine", length=60), cfg, owner="me")
        assert reg.jobs_for("me") == []
    finally:
        reg.close()


def test_non_finite_windows_are_a_config_error_not_a_divergence():
    from lstm_core.model import Forecaster
    from lstm_core.train import Trainer

    cfg = tiny()
    x, y = np.zeros((10, 6, 1), np.float32), np.zeros((10, 1), np.float32)
    xv = x.copy()
    xv[3, 2, 0] = -np.inf  # e.g. log(0) in the validation part
    with pytest.raises(ConfigError, match="prepared validation windows hold non-finite values"):
        Trainer(Forecaster(cfg.model), cfg.train).fit(x, y, xv, y)


def test_look_back_longer_than_the_training_part():
    cfg = RunConfig()
    cfg.data.look_back = 50
    with pytest.raises(ConfigError, match="look_back 50 is too long for the .* training points"):
        prepare(generate("sine", length=60), cfg.data)


def test_train_page_checks_each_box_against_the_config_bounds_at_start():
    """The boxes take what is typed (a bounded box refused Hidden size 2000 with a mark shown on hover only,
    and Start did nothing); Start names the box out of range, queues nothing and keeps the typed value."""
    at = new_app().run()
    at.switch_page("pages/train.py").run()
    assert not at.exception
    n = len(at.session_state["dataset"].frame)
    expected = {
        "train_hidden": ("Hidden size", 1, 1024),
        "train_layers": ("Layers", 1, 4),
        "train_epochs": ("Max epochs", 1, 100_000),
        "train_batch": ("Batch size (under Advanced)", 1, 65_536),
        "train_look_back": ("Look-back", 1, None),  # the run bounds it (shortens it, or says which fits)
        "train_horizon": ("Horizon (under Advanced)", 0, n // 4),
        "train_patience": ("Early-stopping patience (under Advanced)", 0, 100_000),
        "train_seed": ("Seed (under Advanced)", 0, 2**31 - 1),
        "train_ensemble": ("Networks (under Advanced)", 1, 10),
    }
    for key, (label, lo, hi) in expected.items():
        w = at.number_input(key=key)
        assert not w.proto.has_min and not w.proto.has_max, key
        kept = w.value
        for bad in (lo - 1, None if hi is None else hi + 1):
            if bad is None:
                continue
            at.number_input(key=key).set_value(bad)
            start_button(at).click().run()
            assert len(at.error) == 1, (key, bad)
            assert at.error[0].value.startswith(f"{label} must be ") and f"(got {bad})" in at.error[0].value
            assert "job_id" not in at.session_state or at.session_state["job_id"] is None  # nothing queued
            assert at.number_input(key=key).value == bad  # kept for the user to correct
        at.number_input(key=key).set_value(kept)  # sent with the next Start (a form's values go on submit)
    lr = at.number_input(key="train_lr")
    assert not lr.proto.has_min and not lr.proto.has_max
    lr.set_value(0.0)
    start_button(at).click().run()
    assert at.error[0].value == (
        "Learning rate (under Advanced) must be above 0 and at most 10 (got 0): change it, then press Start training "
        "again."
    )
    at.number_input(key="train_lr").set_value(RunConfig().train.lr)
    for key, hi in (("train_dropout", 0.9), ("train_test_fraction", 0.85), ("train_val_fraction", 0.5)):
        assert at.slider(key=key).max == hi
    # every bound the page checks passes validate(); one past it fails
    for section, field, (lo, hi) in (
        ("model", "hidden_size", expected["train_hidden"][1:]),
        ("model", "num_layers", expected["train_layers"][1:]),
        ("train", "epochs", expected["train_epochs"][1:]),
        ("train", "batch_size", expected["train_batch"][1:]),
    ):
        for value, ok in ((lo, True), (hi, True), (lo - 1, False), (hi + 1, False)):
            cfg = RunConfig()
            setattr(getattr(cfg, section), field, value)
            if ok:
                cfg.validate()
            else:
                with pytest.raises(ConfigError):
                    cfg.validate()
    # the sliders together can exceed val + test < 0.9: the form says so before anything is queued
    at.slider(key="train_test_fraction").set_value(0.85)
    at.slider(key="train_val_fraction").set_value(0.5)
    start_button(at).click().run()
    assert at.error and "leave under 10% of the series for training" in at.error[0].value
    assert "job_id" not in at.session_state or at.session_state["job_id"] is None


def test_compare_experiments_and_generator_boxes_name_a_value_out_of_range():
    """The same on the other pages' number boxes: the button says which box, does nothing else, and
    the typed value stays."""
    at = new_app().run()
    at.switch_page("pages/compare.py").run()
    assert not at.number_input(key="cmp_all_size").proto.has_max
    at.number_input(key="cmp_all_size").set_value(2000).run()
    at.button(key="cmp_all_cells").click().run()
    assert [e.value for e in at.error] == [
        "Hidden size must be between 1 and 1024 (got 2000): change it, then press Every cell at this size again."
    ]
    assert "cmp_rows" not in at.session_state  # the variants table is as it was
    at.number_input(key="cmp_batch").set_value(0)
    next(b for b in at.button if b.label == "Start comparison").click().run()
    assert (
        at.error[-1].value
        == "Batch size must be between 1 and 65536 (got 0): change it, then press Start comparison again."
    )
    assert at.number_input(key="cmp_batch").value == 0

    at.switch_page("pages/experiments.py").run()
    at.radio(key="exp_pick").set_value("long-memory").run()
    at.number_input(key="mem_hidden").set_value(300).run()
    at.button(key="mem_start").click().run()
    assert [e.value for e in at.error] == [
        "Hidden size must be between 4 and 256 (got 300): change it, then press Run sweep again."
    ]
    assert "mem_sweep" not in at.session_state or not at.session_state["mem_sweep"]

    at.switch_page("pages/data.py").run()
    at.segmented_control(key="data_source").set_value("Generate a series").run()
    before = at.session_state["dataset"].name
    at.number_input(key="data_gen_seed").set_value(-1)
    next(b for b in at.button if b.label == "Generate").click().run()
    assert [e.value for e in at.error] == [
        "Seed must be between 0 and 2147483647 (got -1): change it, then press Generate again."
    ]
    assert at.session_state["dataset"].name == before  # the loaded data is kept


# ---- divergence ----------------------------------------------------------------------------------


def _no_nan_json(text: str):
    def refuse(token):
        raise AssertionError(f"{token} in a chart spec")

    return json.loads(text, parse_constant=refuse)


def _finite_numbers(obj) -> bool:
    if isinstance(obj, dict):
        return all(_finite_numbers(v) for v in obj.values())
    if isinstance(obj, list):
        return all(_finite_numbers(v) for v in obj)
    return not isinstance(obj, float) or math.isfinite(obj)


def test_diverging_run_in_the_ui_shows_diverged_and_no_nan_reaches_a_chart():
    at = new_app().run()
    at.switch_page("pages/train.py").run()
    at.number_input(key="train_lr").set_value(10.0)
    at.number_input(key="train_epochs").set_value(50)
    at.number_input(key="train_hidden").set_value(8)
    start_button(at).click().run()
    assert not at.exception
    job_id = at.session_state["job_id"]
    from ui import state

    snap = state.registry().wait(job_id, WAIT_S)
    assert snap.status == "diverged", snap.message
    assert "lower the learning rate" in snap.message and snap.run is None
    assert np.isfinite(snap.train_loss).all()
    at.run()
    assert not at.exception
    assert any(e.value.startswith("**Diverged**") and "lower the learning rate" in e.value for e in at.error)
    for chart in at.get("plotly_chart"):
        spec = _no_nan_json(chart.proto.spec)
        assert _finite_numbers([t.get("y", []) for t in spec["data"]])
    assert not any("NaN" in m.value or "nan" in str(m.value) for m in at.metric)
    at.switch_page("pages/forecast.py").run()  # nothing to show or to save
    assert not at.exception and any("No trained run yet" in i.value for i in at.info)


def test_diverging_cli_run_saves_nothing(tmp_path, capsys):
    data = tmp_path / "air.csv"
    assert main(["generate", "airline", "--out", str(data)]) == 0
    out = tmp_path / "run"
    assert (
        main(
            [
                "train",
                "--data",
                str(data),
                "--out",
                str(out),
                "--lr",
                "10",
                "--epochs",
                "30",
                "--quiet",
                "--device",
                "cpu",
            ]
        )
        == 2
    )
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1].startswith("error: Training diverged") and not out.exists()
    assert [p.name for p in tmp_path.iterdir()] == ["air.csv"]  # no half-written run or temp folder


# ---- cancel, reload, close the tab, start twice: threads and results --------------------------


def _start(at: AppTest, epochs: int) -> str:
    at.switch_page("pages/train.py").run()
    at.number_input(key="train_epochs").set_value(epochs)
    at.number_input(key="train_hidden").set_value(4)
    start_button(at).click().run()
    assert not at.exception
    return at.session_state["job_id"]


def test_sessions_cancel_reload_close_and_double_start_leave_no_stray_threads():
    from ui import state

    new_app().run()  # creates the process-wide registry
    reg = state.registry()
    before_workers = len(workers())
    before_all = {t.ident for t in threading.enumerate()}

    # start twice quickly with the same form: one job, not two
    a = new_app().run()
    first = _start(a, epochs=2000)
    start_button(a).click().run()  # the form's Start again, same settings, while the first runs
    assert not a.exception and a.session_state["job_id"] == first
    assert any("not started twice" in i.value for i in a.info)
    assert [s.id for s in reg.jobs_for(a.session_state["owner"]) if s.active] == [first]

    # Stop from the UI, once it has trained an epoch (a Stop before the first epoch keeps nothing)
    reg.wait_until(first, lambda s: s.epochs_done >= 1, WAIT_S)
    stop = [b for b in a.button if b.key and b.key.endswith("_stop")]
    assert stop
    stop[0].click().run()
    snap = reg.wait(first, WAIT_S)
    assert snap.status == "cancelled" and snap.run is not None

    # close the tab mid-run: the job goes on, and its link gets the Run back
    b = new_app().run()
    job = _start(b, epochs=3)
    del b
    gc.collect()
    assert reg.wait(job, WAIT_S).status == "finished"
    c = new_app()
    c.query_params["job"] = job
    c.run()
    c.switch_page("pages/forecast.py").run()
    assert not c.exception
    assert c.selectbox(key="forecast_pick").value == job and len(c.dataframe) == 1

    # reload a cancelled job's link: its run is there too
    d = new_app()
    d.query_params["job"] = first
    d.run()
    d.switch_page("pages/forecast.py").run()
    assert not d.exception and d.selectbox(key="forecast_pick").value == first
    assert d.session_state["job_id"] == first

    # many sessions later: still the same workers, and no thread left over from the sessions
    assert len(workers()) == before_workers == reg.max_workers
    for t in [t for t in threading.enumerate() if t.ident not in before_all and not t.daemon]:
        t.join(WAIT_S)  # a session's script thread may still be finishing its run; it must end
    leftover = [t.name for t in threading.enumerate() if t.ident not in before_all and t.is_alive() and not t.daemon]
    assert leftover == []
    assert not any(s.active for s in reg.jobs_for(a.session_state["owner"]))


def test_eviction_releases_the_run_memory():
    class Clock:
        t = 1000.0

        def __call__(self):
            return self.t

    clock = Clock()
    reg = JobRegistry(max_workers=1, ttl_s=60, torch_threads=1, clock=clock)
    try:
        jid = reg.submit(generate("sine", length=80), tiny(epochs=2), owner="me")
        snap = reg.wait(jid, WAIT_S)
        assert snap.status == "finished"
        ref = weakref.ref(snap.run)
        del snap
        clock.t += 61
        assert reg.snapshot(jid) is None
        gc.collect()
        alive = ref() is not None
        assert not alive, "the evicted job's Run is still referenced"
        assert len(workers()) >= 1
    finally:
        reg.close()


# ---- sessions are isolated -----------------------------------------------------------------------


def test_one_session_cannot_see_another_sessions_jobs():
    reg = JobRegistry(max_workers=1, torch_threads=1)
    try:
        a = reg.submit(generate("sine", length=80), tiny(), owner="alice")
        b = reg.submit(generate("sine", length=80), tiny(), owner="bob")
        assert [s.id for s in reg.jobs_for("alice")] == [a] and [s.id for s in reg.jobs_for("bob")] == [b]
        assert a != b and len({a, b}) == 2 and all(len(x) == 32 for x in (a, b))
        import uuid

        assert uuid.UUID(a).version == 4
        reg.wait(a, WAIT_S), reg.wait(b, WAIT_S)
    finally:
        reg.close()


def test_sidebar_lists_only_the_sessions_own_jobs():
    first = new_app().run()
    job = _start(first, epochs=2)
    from ui import owner_cookie, state

    state.registry().wait(job, WAIT_S)
    other = new_app().run()  # a second browser, no link
    captions = [c.value for c in other.sidebar.caption]
    assert any("No jobs yet" in c for c in captions), captions
    assert other.session_state["owner"] != first.session_state["owner"]
    other.switch_page("pages/forecast.py").run()
    assert any("No trained run yet" in i.value for i in other.info)  # A's run is not offered to B
    link = new_app()  # someone with the share link (?job= only): the run read-only, not A's job list
    link.query_params["job"] = job
    link.run()
    assert any("No jobs yet" in c.value for c in link.sidebar.caption)
    assert link.session_state["owner"] != first.session_state["owner"]
    mine = new_app()  # A's own tab reloaded: its browser sends the owner cookie
    mine.query_params["job"] = job
    with owner_cookie.browser_cookies({owner_cookie.COOKIE: first.session_state["owner"]}):
        mine.run()
    assert any("finished" in c for c in [c.value for c in mine.sidebar.caption])
    assert mine.session_state["owner"] == first.session_state["owner"]


# ---- uploaded run zips: bombs and lies ------------------------------------------------------------


def _zip(entries: dict[str, bytes]) -> bytearray:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
    return bytearray(buf.getvalue())


def test_zip_bomb_is_refused(tmp_path):
    bomb = _zip({"data.csv": b"0" * 20_000_000})  # 20 MB of zeros in ~20 kB
    assert len(bomb) < 50_000
    with pytest.raises(RunError, match="unpacks to more than the size limit"):
        zip_to_run_dir(bytes(bomb), tmp_path / "x", max_bytes=1_000_000)


def test_zip_that_lies_about_its_size_is_refused(tmp_path):
    lie = _zip({"data.csv": b"0" * 5_000_000})
    central = lie.rfind(b"PK\x01\x02")
    struct.pack_into("<I", lie, 22, 100)  # local header: uncompressed size 100
    struct.pack_into("<I", lie, central + 24, 100)  # central directory: the same lie
    with pytest.raises(RunError, match="damaged"):
        zip_to_run_dir(bytes(lie), tmp_path / "x", max_bytes=1_000_000)
    total = sum(p.stat().st_size for p in (tmp_path / "x").iterdir()) if (tmp_path / "x").exists() else 0
    assert total <= 1_000_000


@pytest.fixture(scope="module")
def saved_run(tmp_path_factory):
    from lstm_core.pipeline import fit_run

    d = tmp_path_factory.mktemp("run")
    run = fit_run(generate("sine", length=80), tiny(epochs=2))
    save_run(run, d / "r")
    return d / "r"


def test_zip_with_damaged_data_is_one_sentence(saved_run, tmp_path):
    files = {p.name: p.read_bytes() for p in saved_run.iterdir()}
    files["data.csv"] = b"step,value\n0,abc\n1,def\n"
    folder = zip_to_run_dir(bytes(_zip(files)), tmp_path / "x")
    with pytest.raises(RunError, match="data.csv is unreadable"):
        load_run(folder)


@pytest.mark.parametrize(
    "edit, said",
    [
        ({"config.json": b"{not json"}, "config.json in my run.zip is unreadable ("),
        (
            {"config.json": b"[1, 2]"},
            "config.json in my run.zip is unreadable (not a JSON object); the run zip is damaged.",
        ),
        ({"model.pt": b"\x00" * 300}, "The weights in model.pt in my run.zip could not be loaded safely"),
        ("cell", "config.json in my run.zip is not a valid run configuration (Unknown cell 'xyz'"),
    ],
)
def test_a_damaged_upload_is_said_of_its_zip_not_of_a_server_folder(saved_run, edit, said):
    """A restored zip whose config.json was edited (or whose weights are damaged) said
    "/tmp/lstm-lab-x1/run/config.json is unreadable (...); the run folder is damaged": a folder
    of the server the person never saw, for the zip they uploaded."""
    from lstm_core.restore import Restorer

    files = {p.name: p.read_bytes() for p in saved_run.iterdir()}
    if edit == "cell":
        cfg = json.loads(files["config.json"])
        cfg["model"]["cell"] = "xyz"
        edit = {"config.json": json.dumps(cfg).encode()}
    restorer = Restorer()
    try:
        res = restorer.wait(restorer.submit("my run.zip", bytes(_zip({**files, **edit}))), WAIT_S)
    finally:
        restorer.close()
    assert res is not None and res.status == "failed" and res.run is None
    assert said in res.message
    assert "/tmp" not in res.message and "lstm-lab-" not in res.message and "folder" not in res.message
    assert res.message.count(". ") == 0 and res.message.endswith(".")


def test_saved_run_files_hold_no_nan_in_metrics(saved_run):
    metrics = json.loads((saved_run / "metrics.json").read_text(), parse_constant=lambda t: pytest.fail(t))
    assert _finite_numbers(metrics)
    back = load_run(saved_run)
    assert _finite_numbers(back.metrics.to_dict())
    assert run_to_zip(saved_run)[:2] == b"PK"


def test_a_zip_whose_files_were_changed_after_training_restores_with_a_warning(saved_run):
    """A zip whose files were edited after training (its data.csv's last value here; a look_back in
    config.json, a metrics.json) restored and was re-scored without a word: the run shown was not the
    run trained, and nothing said so."""
    from lstm_core.restore import Restorer

    files = {p.name: p.read_bytes() for p in saved_run.iterdir()}
    lines = files["data.csv"].decode().rstrip("\n").split("\n")
    step, value = lines[-1].split(",")
    lines[-1] = f"{step},{float(value) + 5}"  # a test point moved by 5 on a sine of amplitude 1
    saved = json.loads(files["metrics.json"])
    restorer = Restorer()
    try:
        same = restorer.wait(restorer.submit("mine.zip", bytes(_zip(files))), WAIT_S)
        edited = restorer.wait(
            restorer.submit("edited.zip", bytes(_zip({**files, "data.csv": ("\n".join(lines) + "\n").encode()}))),
            WAIT_S,
        )
    finally:
        restorer.close()
    assert same is not None and same.status == "done" and same.message == ""
    assert edited is not None and edited.status == "done" and edited.run is not None
    now = edited.run.metrics.test.rmse
    assert now != pytest.approx(saved["test"]["rmse"], rel=1e-6)
    assert edited.message == (
        f"edited.zip: Its test RMSE re-evaluated from its files is {figure_text(now)}, where it was saved with "
        f"{figure_text(saved['test']['rmse'])}: the run's files were changed after training, so this is not the "
        "run that was trained."
    )
