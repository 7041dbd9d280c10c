"""AppTest: a newcomer's first minute, found in a browser (upload a CSV, change how it is read,
visit another page, come back)."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd

from tests.test_app import new_app, no_errors
from tests.test_outside_forecast_app import forecast_page_after_training


def gappy_csv() -> bytes:
    """Six years of monthly values with four empty cells."""
    values = 100 + np.arange(72) * 0.8 + 10 * np.sin(2 * np.pi * np.arange(72) / 12)
    values[[5, 6, 30, 50]] = np.nan
    dates = pd.date_range("2015-01-01", periods=72, freq="MS").strftime("%Y-%m-%d")
    return pd.DataFrame({"date": dates, "value": values.round(2)}).to_csv(index=False).encode()


def test_how_a_file_was_read_is_still_chosen_after_a_visit_to_another_page():
    # The Data page showed "interpolate" again after a visit to Train, beside a caption saying the
    # loaded file was read with "ffill" (and the next upload was read with interpolate).
    at = new_app().run()
    at.file_uploader(key="data_upload").set_value(("gappy.csv", gappy_csv(), "text/csv")).run()
    at.selectbox(key="data_missing").set_value("ffill").run()
    at.selectbox(key="data_dayfirst").set_value("day first (d/m/y)")
    at.text_input(key="data_date_format").set_value("%Y-%m-%d").run()
    no_errors(at)
    assert at.session_state["dataset"].report.missing_policy == "ffill"
    at.switch_page("pages/train.py").run()
    at.switch_page("pages/data.py").run()
    no_errors(at)
    assert at.selectbox(key="data_missing").value == "ffill"
    assert at.selectbox(key="data_dayfirst").value == "day first (d/m/y)"
    assert at.text_input(key="data_date_format").value == "%Y-%m-%d"
    assert "policy ffill" in " ".join(str(c.value) for c in at.caption)


def test_the_generate_choice_is_still_open_after_a_visit_to_another_page():
    at = new_app().run()
    at.segmented_control(key="data_source").set_value("Generate a series").run()
    at.selectbox(key="data_gen_name").set_value("random-walk").run()
    at.switch_page("pages/learn.py").run()
    at.switch_page("pages/data.py").run()
    no_errors(at)
    assert at.segmented_control(key="data_source").value == "Generate a series"
    assert at.selectbox(key="data_gen_name").value == "random-walk"


def test_a_text_column_dropped_is_said_once_in_what_was_detected():
    # "Dropped column 'store': it holds text..." and "Dropped column 'store' because it holds text..."
    # were both listed under "What was detected"
    dates = pd.date_range("2015-01-01", periods=36, freq="MS").strftime("%Y-%m-%d")
    csv = pd.DataFrame({"date": dates, "store": ["north", "south"] * 18, "value": np.arange(36.0)})
    at = new_app().run()
    at.file_uploader(key="data_upload").set_value(("shops.csv", csv.to_csv(index=False).encode(), "text/csv")).run()
    no_errors(at)
    detected = " ".join(str(m.value) for m in at.markdown)
    assert detected.count("Dropped column 'store'") == 1, detected
    assert "holds text, not numbers (e.g. 'north')" in detected


def test_steps_ahead_are_still_chosen_after_a_visit_to_another_page(fake, downloads):  # noqa: F811
    # "Steps ahead" went back to its default (two seasons) after a visit to Train and back
    at = forecast_page_after_training(gappy_csv(), "gappy.csv")
    default = at.slider(key="forecast_steps").value
    chosen = default + 7
    at.slider(key="forecast_steps").set_value(chosen).run()
    at.switch_page("pages/train.py").run()
    at.switch_page("pages/forecast.py").run()
    no_errors(at)
    assert at.slider(key="forecast_steps").value == chosen
    future = pd.read_csv(io.BytesIO(downloads["forecast.csv"]))
    assert len(future) == chosen


def test_a_run_before_its_first_epoch_shows_no_unknown_eta_or_speed():
    # "Epoch 0 / 300 · elapsed 15s · ETA — (at most; early stopping may end sooner) · — samples/s" while
    # a 2,000-row series' representations were chosen
    from types import SimpleNamespace

    from lstm_core.job_status import JobStatus
    from ui.jobs_view import progress_text

    snap = SimpleNamespace(
        status=JobStatus.RUNNING,
        epochs_done=0,
        epochs_planned=300,
        elapsed=15.0,
        eta=None,
        samples_per_s=None,
        network=None,
        backtest=None,
        config={"train": {"patience": 20}},
    )
    assert progress_text(snap) == "Epoch 0 / 300 · elapsed 15s"
    timed = SimpleNamespace(**{**vars(snap), "epochs_done": 29, "eta": 75.0, "samples_per_s": 26706.0})
    assert progress_text(timed) == (
        "Epoch 29 / 300 · elapsed 15s · ETA 1m 15s (at most; early stopping may end sooner) · 26,706 samples/s"
    )
    # early stopping off (patience 0): every planned epoch runs, and the ETA says no "at most"
    every_epoch = SimpleNamespace(**{**vars(timed), "config": {"train": {"patience": None}}})
    assert progress_text(every_epoch) == "Epoch 29 / 300 · elapsed 15s · ETA 1m 15s · 26,706 samples/s"


def test_the_band_note_does_not_count_zero_backtest_residuals():
    # a 72-month upload trained with one network: the Forecast page's band caption read "the one-step
    # width also from 0 horizon-1 residuals of the backtest's networks"
    from lstm_core import data as lcdata
    from lstm_core.config import RunConfig
    from lstm_core.pipeline import fit_run

    dates = pd.date_range("2015-01-01", periods=72, freq="MS").strftime("%Y-%m-%d")
    rng = np.random.default_rng(0)
    load = 100 + np.arange(72) * 0.8 + 10 * np.sin(2 * np.pi * np.arange(72) / 12) + rng.normal(0, 2, 72)
    frame = pd.DataFrame({"date": dates, "temp": rng.normal(10, 3, 72).round(2), "load": load.round(2)})
    loaded = lcdata.load_csv(frame.to_csv(index=False).encode(), name="multi.csv")
    run = fit_run(loaded.series, RunConfig().replace(target="load", epochs=2, ensemble=1, look_back=12))
    note = run.metrics.coverage.note
    assert note.startswith("conformal on ") and "out-of-sample residuals" in note
    assert "from 0 " not in note
