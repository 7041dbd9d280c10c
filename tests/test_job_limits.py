"""Wall-time budgets, Stop in every phase and bounded evaluation on long series (issue 11)."""

from __future__ import annotations

import time

import numpy as np
import pandas as pd
import pytest

from lstm_core import baselines, jobs
from lstm_core.callbacks import Stopped, check_stop, stop_checks
from lstm_core.config import RunConfig
from lstm_core.data import Series
from lstm_core.jobs import CANCELLED, JobRegistry
from lstm_core.strategy import BACKTEST_MAX_SPAN, backtest_span

WAIT_S = 120
#: A Stop ends a job within this many seconds in any phase (one batch, one forecast chunk or
#: one bounded baseline fit), on a busy 2-core machine.
PROMPT_S = 8.0
LONG = 200_000


@pytest.fixture(scope="module")
def long_series() -> Series:
    """A legal 200,000-point hourly series (what took over 300 s to train 2 epochs on)."""
    rng = np.random.default_rng(0)
    t = np.arange(LONG)
    y = 150 + 10 * np.sin(t * 2 * np.pi / 24) + np.cumsum(rng.normal(0, 0.1, LONG))
    frame = pd.DataFrame({"y": y}, index=pd.date_range("2000-01-01", periods=LONG, freq="h"))
    return Series(frame, frequency="h", season=24, name="long")


def quick(**kw) -> RunConfig:
    """Few, large batches on one small network: training is short, the evaluation is not."""
    base = dict(hidden_size=4, epochs=1, batch_size=65_536, transform="none", ensemble=1, patience=None)
    return RunConfig.make(**{**base, **kw})


def stop_in_phase(series: Series, cfg: RunConfig, message_start: str) -> tuple[jobs.JobSnapshot, float]:
    """Start a job, Stop it once its message starts with ``message_start``; returns how it ended
    and the seconds from Stop to its end."""
    reg = JobRegistry(max_workers=1, torch_threads=1, budget_s=None)
    try:
        jid = reg.submit(series, cfg, owner="me")
        reg.wait_until(jid, lambda s: s.message.startswith(message_start) or not s.active, WAIT_S)
        t0 = time.monotonic()
        assert reg.cancel(jid), "the job ended before the phase could be stopped"
        done = reg.wait(jid, WAIT_S)
        assert done is not None and not done.active
        return done, time.monotonic() - t0
    finally:
        reg.close()


def test_stop_during_the_evaluation_of_a_long_series_ends_the_job_promptly(long_series):
    done, took = stop_in_phase(long_series, quick(), "Evaluating")
    assert took < PROMPT_S, f"Stop during the evaluation took {took:.1f} s"
    assert done.status == CANCELLED and done.run is None
    assert "during the evaluation" in done.message


def test_stop_while_choosing_the_representation_ends_the_job_promptly(long_series):
    done, took = stop_in_phase(long_series, quick(transform="auto", batch_size=256), "Choosing")
    assert took < PROMPT_S, f"Stop during the representation backtest took {took:.1f} s"
    assert done.status == CANCELLED


def test_a_job_over_its_budget_is_stopped_and_keeps_its_best_weights():
    from lstm_core.data import generate

    reg = JobRegistry(max_workers=1, torch_threads=1, budget_s=0.5)
    try:
        cfg = RunConfig.make(hidden_size=4, look_back=4, epochs=100_000, batch_size=1, transform="none", ensemble=1)
        cfg.train.patience = None
        jid = reg.submit(generate("sine", length=80), cfg, owner="me")
        done = reg.wait(jid, WAIT_S)
        assert done is not None and done.status == CANCELLED
        assert done.message.startswith("Stopped: over its 0.5-second time budget, at epoch "), done.message
        assert "kept the best weights" in done.message
        assert done.run is not None and done.run.metrics is not None  # evaluated, like a Stop
        assert done.elapsed < 0.5 + PROMPT_S
    finally:
        reg.close()


def test_the_budget_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv(jobs.BUDGET_ENV, "90")
    assert jobs.default_budget() == 90 and jobs.budget_text(90) == "90-second"
    monkeypatch.setenv(jobs.BUDGET_ENV, "0")
    assert jobs.default_budget() is None
    monkeypatch.setenv(jobs.BUDGET_ENV, "soon")
    assert jobs.default_budget() == jobs.DEFAULT_BUDGET_S
    monkeypatch.delenv(jobs.BUDGET_ENV)
    assert jobs.default_budget() == jobs.DEFAULT_BUDGET_S and jobs.budget_text(jobs.DEFAULT_BUDGET_S) == "30-minute"


def test_evaluation_work_is_bounded_on_long_series(monkeypatch):
    fitted: list[int] = []
    fit_now = baselines._fit_now
    monkeypatch.setattr(baselines, "_fit_now", lambda y, spec: fitted.append(len(y)) or fit_now(y, spec))
    # the representation backtest forecasts at most BACKTEST_MAX_SPAN steps from as many origins
    assert backtest_span(160_000, 40_000) == BACKTEST_MAX_SPAN
    assert backtest_span(115, 29) == 29  # short series: unchanged
    # Holt-Winters is fitted on the last MAX_FIT_POINTS points before the test part
    rng = np.random.default_rng(1)
    y = 50 + np.sin(np.arange(30_000) * 2 * np.pi / 12) + rng.normal(0, 0.1, 30_000)
    baselines._FITS.clear()
    res = baselines.multistep_baselines(y, 24_000, 48, 24_000, 12)["holt_winters"]
    assert f"the last {baselines.MAX_FIT_POINTS:,} before point 24000" in res.description
    assert np.all(np.isfinite(res.predictions)) and abs(float(res.predictions[0]) - y[24_000]) < 1.0
    one = baselines.one_step_baselines(y, np.arange(24_000, 24_100), 24_000, 12)["holt_winters"]
    assert "points 23000 to 23999" in one.description
    assert np.sqrt(np.mean((one.predictions - y[24_000:24_100]) ** 2)) < 0.3
    assert fitted and set(fitted) == {baselines.MAX_FIT_POINTS}  # what statsmodels was given


def test_check_stop_raises_only_inside_a_stoppable_section():
    import threading

    ev = threading.Event()
    ev.set()
    check_stop()  # outside any section: nothing
    with stop_checks(None):
        check_stop()
    with pytest.raises(Stopped), stop_checks(ev):
        check_stop()


def test_interval_calibration_uses_a_bounded_number_of_origins():
    from lstm_core import forecast as fc
    from lstm_core.prep import prepare

    rng = np.random.default_rng(2)
    frame = pd.DataFrame({"y": np.cumsum(rng.normal(0, 1, 30_000)) + 500})
    prep = prepare(Series(frame), quick(look_back=4).data)
    seen: list[int] = []

    def forecast_z(origins, steps):  # a stand-in forecaster that records its origins
        seen.append(len(origins))
        return np.zeros((len(origins), steps))

    assert prep.test_start - prep.train_end > fc.MAX_CALIBRATION_ORIGINS  # a long validation part
    q, note = fc.conformal_quantiles(forecast_z, prep, 12)
    assert seen == [fc.MAX_CALIBRATION_ORIGINS] and len(q) == 12 and np.all(q > 0)


@pytest.mark.parametrize(
    ("rows", "val_fraction", "says"),
    [
        (20, 0.1, "the validation part (2 points) is too short to calibrate on"),
        (20, 0.0, "no validation part"),
    ],
)
def test_a_band_calibrated_on_training_residuals_says_why(rows, val_fraction, says):
    """A 20-row upload has 2 validation points, drawn on the chart: the band's note said "no validation part"."""
    from lstm_core import forecast as fc
    from lstm_core.prep import prepare

    frame = pd.DataFrame({"y": np.sin(np.arange(rows) / 2.0) * 10 + 50})
    cfg = quick(look_back=3).data
    cfg.val_fraction = val_fraction
    prep = prepare(Series(frame), cfg)
    assert prep.test_start - prep.train_end == round(val_fraction * 20)
    _, note = fc.conformal_quantiles(lambda origins, steps: np.zeros((len(origins), steps)), prep, 4)
    assert note == f"{says}: calibrated on training residuals, likely too narrow"
