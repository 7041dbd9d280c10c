"""The bad-input corpus, tested both ways: the command line and the Data page (AppTest).

Every file in tests/data/ (plus one just over the upload limit, generated at test time)
either loads or fails with its one-sentence :class:`DataError`. ``CORPUS`` below is the
expected outcome of each, so a change in what loads or in a message is caught:

* ``("loads", rows, columns, cli)``: load_csv returns ``rows`` x ``columns``; the CLI
  (``train --epochs 1 --hidden 4``) exits 0 when ``cli`` is None, else exits 2 with one
  ``error:`` line containing ``cli`` (a ConfigError such as "look_back 12 is too long").
* ``("error", phrase)``: load_csv raises DataError containing ``phrase``; the CLI exits 2
  with exactly that sentence; the Data page shows it with st.error and keeps the previous
  dataset.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import Spawned, selected
from streamlit.testing.v1 import AppTest

from lstm_core.cli import baseline_hint, flag_words, main
from lstm_core.data import MAX_BYTES, DataError, load_csv
from lstm_core.results import RunMetrics
from lstm_core.verdict import filled_note, mae_note
from ui.text import md_escape

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).parent / "data"
OVERSIZE = "over_the_limit.csv"  # generated into tmp_path, never committed

CORPUS: dict[str, tuple] = {
    # --- rejected, one sentence each
    "empty.csv": ("error", "The file is empty"),
    "whitespace_only.csv": ("error", "The file is empty"),
    "header_only.csv": ("error", "header row but no data rows"),
    "one_row.csv": ("error", "only 1 usable data row(s); at least 3 are needed"),
    "two_rows.csv": ("error", "only 2 usable data row(s)"),
    "binary_png.csv": ("error", "looks like a binary file"),
    "xlsx_renamed.csv": ("error", "looks like a binary file (e.g. Excel"),
    "html_page.csv": ("error", "web page (HTML), not a CSV"),
    "json_records.csv": ("error", "The file is JSON, not CSV"),
    "utf16.csv": ("error", "encoded as UTF-16; re-save it as UTF-8"),
    "utf16_no_bom.csv": ("error", "encoded as UTF-16; re-save it as UTF-8"),
    "ragged_extra_field.csv": ("error", "Line 8 has 3 fields but the header has 2"),
    "inf_value.csv": ("error", "non-finite or huge values ('inf' at line 5)"),
    "huge_value.csv": ("error", "non-finite or huge values ('1e400' at line 7)"),
    "magnitude_1e308.csv": ("error", "non-finite or huge values ('1e308' at line 7)"),
    "magnitude_1e250.csv": ("error", "within ±1e150"),
    "tiny_magnitudes.csv": ("error", "varies by only 6e-300"),
    "all_missing.csv": ("error", "Every value column is empty"),
    "all_nan_tokens.csv": ("error", "Every value column is empty"),
    "constant_series.csv": ("error", "a constant series cannot be forecast"),
    "text_only.csv": ("error", "No numeric column was found"),
    "dates_only.csv": ("error", "No numeric column was found (columns: 'date')"),
    "duplicate_timestamps.csv": ("error", "appear more than once with different values, e.g. 2020-01-03"),
    "mixed_date_formats.csv": ("error", "cannot be read with one format (e.g. '15/01/2020')"),
    OVERSIZE: ("error", "over the 50.0 MB limit (52,428,801 bytes > 52,428,800)"),
    # --- loaded (awkward but usable)
    "all_missing_column.csv": ("loads", 20, ["value"], None),
    "ambiguous_dates.csv": ("loads", 12, ["value"], None),
    "crlf_trailing_blank_lines.csv": ("loads", 24, ["value"], None),
    # a 0 after the training part: the auto log transform must not be chosen (it once was)
    "dayfirst_dates.csv": ("loads", 28, ["value"], None),
    "exact_duplicate_rows.csv": ("loads", 20, ["value"], None),
    "latin1_temperature.csv": ("loads", 20, ["Température"], None),
    "missing_values.csv": ("loads", 20, ["value"], None),
    "mixed_text_in_numbers.csv": ("loads", 30, ["value"], None),
    "monthly_with_gaps.csv": ("loads", 36, ["value"], None),  # its 3 missing months added and filled
    "nan_tokens.csv": ("loads", 24, ["value"], None),
    "one_column_decimal_comma.csv": ("loads", 30, ["Wert"], None),
    "one_column_no_dates.csv": ("loads", 30, ["value"], None),
    "pipe_separated.csv": ("loads", 24, ["a", "b"], None),
    "quoted_numbers.csv": ("loads", 24, ["value"], None),
    "scientific_negative.csv": ("loads", 30, ["signal"], None),  # t numbers the rows: the index
    "semicolon_decimal_comma.csv": ("loads", 30, ["Umsatz", "Menge"], None),
    "short_rows_trailing_missing.csv": ("loads", 20, ["a", "b"], None),
    "tab_separated.csv": ("loads", 24, ["value"], None),
    "thousands_comma_quoted.csv": ("loads", 24, ["sales"], None),
    "thousands_space.csv": ("loads", 24, ["sales"], None),
    "unsorted_timestamps.csv": ("loads", 24, ["value"], None),
    "utf8_bom.csv": ("loads", 24, ["value"], None),
}
NAMES = list(CORPUS)
ERRORS = [n for n in NAMES if CORPUS[n][0] == "error"]


@pytest.fixture(scope="module")
def corpus_dir(tmp_path_factory) -> Path:
    """tests/data/ plus the file just over the upload limit (50 MB + 1 byte, generated)."""
    d = tmp_path_factory.mktemp("corpus")
    line = b"2020-01-01,1.5\n"
    body = b"date,value\n" + line * (MAX_BYTES // len(line) + 1)
    (d / OVERSIZE).write_bytes(body[: MAX_BYTES + 1])
    return d


def path_of(name: str, corpus_dir: Path) -> Path:
    return corpus_dir / name if name == OVERSIZE else DATA / name


def the_error(name: str, corpus_dir: Path) -> str:
    with pytest.raises(DataError) as info:
        load_csv(path_of(name, corpus_dir))
    return str(info.value)


def test_corpus_is_large_and_every_file_has_an_expected_outcome():
    on_disk = {p.name for p in DATA.glob("*.csv")}
    assert on_disk == set(CORPUS) - {OVERSIZE}, "add new files in tests/data/ to CORPUS"
    assert len(CORPUS) >= 25 and len(ERRORS) >= 15


@pytest.mark.parametrize("name", NAMES)
def test_loader_outcome(name, corpus_dir):
    expected = CORPUS[name]
    if expected[0] == "loads":
        loaded = load_csv(path_of(name, corpus_dir))
        assert (len(loaded.frame), list(loaded.frame.columns)) == (expected[1], expected[2])
        assert loaded.frame.notna().all().all()
        return
    message = the_error(name, corpus_dir)
    assert expected[1] in message
    # one sentence: ends with a period, no line break, no traceback, short
    assert message.endswith(".") and "\n" not in message and "Traceback" not in message and len(message) < 300


@pytest.mark.parametrize("name", NAMES)
def test_cli_outcome(name, corpus_dir, tmp_path, capsys):
    """``python -m lstm_core train``, in-process: exit 0, or exit 2 with exactly one ``error:`` line."""
    out = tmp_path / "run"
    code = main(
        [
            "train",
            "--data",
            str(path_of(name, corpus_dir)),
            "--out",
            str(out),
            "--epochs",
            "1",
            "--hidden",
            "4",
            "--quiet",
            "--device",
            "cpu",
        ]
    )
    err = capsys.readouterr().err.strip().splitlines()
    expected = CORPUS[name]
    if expected[0] == "error":
        assert code == 2 and err == [f"error: {the_error(name, corpus_dir)}"]
        assert not out.exists()
    elif expected[3] is None:
        assert code == 0, err
        assert err[0].startswith("completed after 1 epoch ") and out.is_dir()
        # then what the loader did to the data, one note each, as the page reports it (and the run's own)
        loaded = load_csv(path_of(name, corpus_dir))
        notes = [f"note: {n}" for n in loaded.report.notes] + target_note(loaded.frame) + run_notes(out)
        assert err[1:] == run_warnings(out) + notes
    else:
        assert code == 2 and len(err) == 1 and err[0].startswith("error: ") and expected[3] in err[0], err
        assert "Traceback" not in err[0] and not out.exists()


REAL_PROCESS = ["html_page.csv", OVERSIZE, "nan_tokens.csv", "missing_values.csv"]
ZERO_AFTER_TRAINING = "dayfirst_dates.csv"  # a 0 after the training part


def cli_train_argv(data: Path, out: Path) -> list[str]:
    """``python -m lstm_core train`` on ``data`` (one epoch, hidden 4, CPU), as a shell would run it."""
    return [
        sys.executable,
        "-m",
        "lstm_core",
        "train",
        "--data",
        str(data),
        "--out",
        str(out),
        "--epochs",
        "1",
        "--hidden",
        "4",
        "--quiet",
        "--device",
        "cpu",
    ]


def target_note(frame) -> list[str]:
    """The ``note:`` line ``train`` prints after the loader's where the data has several numeric
    columns and no --target was given: the column the Data page would pick, and the others."""
    from lstm_core.data import default_target
    from lstm_core.data.target import candidates, time_worded

    target = default_target(frame)
    others = [c for c in candidates(frame) if c != target and not time_worded(c)]  # no counter, row names,
    # constant or part of the date
    return (
        [f"note: Forecasting column {target!r}; pass --target to choose another ({', '.join(others)})."]
        if others
        else []
    )


def run_warnings(out: Path) -> list[str]:
    """The ``warning:`` lines ``train`` prints after its result line for the run saved at ``out``, before
    the notes: where the band held far fewer test points than its level (``verdict.coverage_note``),
    where the test span's forecast ran away (``guards``), and where the forecast in forecast.csv does."""
    import pandas as pd

    from lstm_core.forecast import runaway_note
    from lstm_core.results import RunMetrics
    from lstm_core.verdict import coverage_note

    metrics = RunMetrics.from_dict(json.loads((out / "metrics.json").read_text()))
    said = [coverage_note(metrics), metrics.guards.runaway]
    if (out / "forecast.csv").is_file():
        y = pd.read_csv(out / "predictions.csv")["actual"].to_numpy(dtype=float)
        ahead = pd.read_csv(out / "forecast.csv")["forecast"].to_numpy(dtype=float)
        said.append(runaway_note(y, ahead, f"The forecast in {out / 'forecast.csv'}"))
    return [f"warning: {w}" for w in said if w]


def run_notes(out: Path) -> list[str]:
    """The ``note:`` lines ``train`` prints after the loader's for the run saved at ``out``
    (``metrics.json`` → ``guards``): where the run left out rows the loader filled in around the
    target's values, where its networks used a shorter look_back than asked for, then where the
    one-step range guard left level networks out, then where the test scores left out values the
    loader filled in, then where the mean absolute error ranks the model otherwise than the verdict's
    RMSE (``verdict.mae_note``), then where a baseline forecast the test span better, the command for its
    forecast (``cli.baseline_hint``); none where none of these happened."""
    metrics = RunMetrics.from_dict(json.loads((out / "metrics.json").read_text()))
    guards = metrics.guards
    said = [getattr(guards, k) for k in ("trimmed", "look_back", "one_step_range")]
    said += [filled_note(metrics), mae_note(metrics)]
    # last, where a baseline won the test span: the command for its forecast
    return [f"note: {flag_words(n)}" for n in said if n] + [f"note: {h}" for h in [baseline_hint(metrics, out)] if h]


@pytest.fixture(scope="module", autouse=True)
def real_processes(request, corpus_dir, tmp_path_factory) -> Iterator[dict[str, Spawned]]:
    """The real-process runs of this module, started when the module starts (they run beside its
    in-process tests); only those of selected tests."""
    out = tmp_path_factory.mktemp("real")
    names = [i.callspec.params["name"] for i in selected(request, "test_cli_real_process")]
    if selected(request, "test_cli_real_process_zero_after_the_training_part"):
        names.append(ZERO_AFTER_TRAINING)
    runs = {
        name: Spawned(cli_train_argv(path_of(name, corpus_dir), out / f"r{k}"), timeout_s=120, cwd=ROOT)
        for k, name in enumerate(dict.fromkeys(names))
    }
    yield runs
    for run in runs.values():
        run.close()


@pytest.mark.parametrize("name", REAL_PROCESS)
def test_cli_real_process(name, corpus_dir, real_processes):
    """A few files through a real process: the exit status and stderr a shell sees."""
    proc = real_processes[name].result()
    expected = CORPUS[name]
    lines = proc.stderr.strip().splitlines()
    assert "Traceback" not in proc.stderr, proc.stderr
    notes = [f"note: {n}" for n in load_csv(path_of(name, corpus_dir)).report.notes] if expected[0] != "error" else []
    if expected[0] == "error":
        assert proc.returncode == 2 and lines == [f"error: {the_error(name, corpus_dir)}"]
    elif expected[3] is None:  # the result line, then the loader's notes (and the run's own)
        out = Path(proc.args[proc.args.index("--out") + 1])
        notes = run_warnings(out) + notes + run_notes(out)
        assert proc.returncode == 0 and lines[0].startswith("completed after ") and lines[1:] == notes, proc.stderr
    else:  # a failed command prints its error line only
        assert proc.returncode == 2 and len(lines) == 1 and expected[3] in lines[0], proc.stderr


def test_cli_real_process_zero_after_the_training_part(real_processes):
    """Once np.log(0) printed a RuntimeWarning before a misleading 'lower the learning rate' error."""
    proc = real_processes[ZERO_AFTER_TRAINING].result()
    lines = proc.stderr.strip().splitlines()
    assert proc.returncode == 0 and lines[0].startswith("completed after "), proc.stderr
    warned = run_warnings(Path(proc.args[proc.args.index("--out") + 1]))
    assert lines[1 : 1 + len(warned)] == warned, proc.stderr  # the run's warnings, then...
    assert all(line.startswith("note: ") for line in lines[1 + len(warned) :]), proc.stderr  # the notes
    assert "RuntimeWarning" not in proc.stderr


# ---- the Data page: one AppTest session walks the whole corpus --------------------------------


@pytest.fixture(scope="module")
def app():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30).run()
    assert not at.exception
    return at


@pytest.mark.parametrize("name", NAMES)
def test_data_page_outcome(name, app, corpus_dir):
    at = app
    before = at.session_state["dataset"]
    raw = path_of(name, corpus_dir).read_bytes()
    at.file_uploader(key="data_upload").set_value((name, raw, "text/csv")).run()
    assert not at.exception, [e.value for e in at.exception]
    expected = CORPUS[name]
    ds = at.session_state["dataset"]
    if expected[0] == "loads":
        assert not at.error, [e.value for e in at.error]
        assert ds is not before and ds.name == name
        assert (len(ds.frame), list(ds.frame.columns)) == (expected[1], expected[2])
        assert md_escape(name) in [s.value for s in at.subheader]  # shown as text, never Markdown
        return
    assert len(at.error) == 1
    shown = at.error[0].value
    assert shown == md_escape(
        f"{name}: {the_error(name, corpus_dir).rstrip('.')}; the previous dataset ({before.name}) is still loaded."
    )
    assert "Traceback" not in shown
    # the previous dataset is kept: the same object, still shown and still the target of training
    assert ds is before
    assert md_escape(before.name) in [s.value for s in at.subheader]
    # AppTest drops the sidebar of st.navigation apps after a widget rerun (Streamlit 1.67
    # quirk, reproduced on a 5-line app), so the sidebar's source, the session's dataset,
    # is checked instead; the load benchmark checks the real sidebar in a browser.
