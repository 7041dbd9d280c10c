"""AppTest: uploads a newcomer brings that nobody on the project had tried through the app (found by
uploading them in a browser): hourly demand written with a UTC offset, daily temperatures whose
season is the year."""

from __future__ import annotations

import io
import json

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from tests.test_outside_forecast_app import ROOT, TIMEOUT, forecast_page_after_training


def demand(index: pd.DatetimeIndex) -> np.ndarray:
    """Hourly demand: a morning and an evening peak, weekends lower."""
    hour, weekend = index.hour.to_numpy(), index.day_of_week.to_numpy() >= 5
    day = 50 + 30 * np.exp(-(((hour - 9) / 3.0) ** 2)) + 35 * np.exp(-(((hour - 19) / 2.5) ** 2))
    return (day * np.where(weekend, 0.7, 1.0) + np.random.default_rng(0).normal(0, 2, len(index))).round(2)


def offset_csv() -> bytes:
    """Three weeks of hourly demand written with one UTC offset throughout (``...T00:00:00+01:00``)."""
    index = pd.date_range("2024-01-08", periods=21 * 24, freq="h")
    stamps = index.strftime("%Y-%m-%dT%H:%M:%S") + "+01:00"
    return pd.DataFrame({"timestamp": stamps, "demand_mw": demand(index)}).to_csv(index=False).encode()


def clock_change_csv() -> bytes:
    """Three weeks of hourly demand in Berlin's local time across the spring clock change
    (``+01:00`` then ``+02:00``): the loader converts it to UTC."""
    index = pd.date_range("2024-03-18", periods=21 * 24, freq="h", tz="Europe/Berlin")
    stamps = [t.isoformat() for t in index]
    return pd.DataFrame({"timestamp": stamps, "demand_mw": demand(index)}).to_csv(index=False).encode()


@pytest.mark.parametrize(
    ("csv", "offset", "last_written"),
    [
        # local times kept: the data ends at 2024-01-28 23:00 (+01:00)
        (offset_csv, "+01:00", "2024-01-28T23:00:00+01:00"),
        # converted to UTC: the data ends at 2024-04-08 00:00 in Berlin (+02:00), 22:00 UTC
        (clock_change_csv, "+00:00", "2024-04-07T22:00:00+00:00"),
    ],
)
def test_the_forecast_download_writes_its_times_with_the_datas_utc_offset(fake, downloads, csv, offset, last_written):
    """The file's times were written ``2024-03-01T00:00:00+01:00`` and the Data page said "times past
    the data are in that offset too", but the downloaded forecast read ``2024-01-29 00:00:00``."""
    at = forecast_page_after_training(csv(), "demand.csv")
    steps = at.slider(key="forecast_steps").value
    future = pd.read_csv(io.BytesIO(downloads["forecast.csv"]))
    assert len(future) == steps
    last = pd.Timestamp(last_written)
    expected = pd.date_range(last + pd.Timedelta(hours=1), periods=steps, freq="h")
    assert list(future["time"]) == list(expected.strftime("%Y-%m-%dT%H:%M:%S") + offset)
    predictions = pd.read_csv(io.BytesIO(downloads["predictions.csv"]))
    assert predictions["time"].iloc[-1] == last_written  # the data's own times, as the file wrote them
    button = next(d for d in at.get("download_button") if d.proto.label == "Download forecast (.csv)")
    assert button.proto.help.endswith(f"(times with the data's UTC offset, {offset})")


def test_data_without_an_offset_keeps_plain_times_in_the_download(fake, downloads):
    index = pd.date_range("2024-01-08", periods=21 * 24, freq="h")
    csv = pd.DataFrame({"timestamp": index.strftime("%Y-%m-%d %H:%M"), "demand_mw": demand(index)})
    at = forecast_page_after_training(csv.to_csv(index=False).encode(), "demand.csv")
    future = pd.read_csv(io.BytesIO(downloads["forecast.csv"]))
    assert future["time"].iloc[0] == "2024-01-29 00:00:00"
    button = next(d for d in at.get("download_button") if d.proto.label == "Download forecast (.csv)")
    assert button.proto.help == "time, forecast, lower, upper: the future forecast shown above"


def data_page_after_upload(csv: bytes, name: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT).run()
    at.file_uploader(key="data_upload").set_value((name, csv, "text/csv")).run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.session_state["dataset"].name == name
    return at


def detected(at: AppTest) -> list[str]:
    """The lines under "What was detected"."""
    block = next(m.value for m in at.markdown if m.value.startswith("- ") and "rows, " in m.value)
    return [line.removeprefix("- ") for line in block.split("\n")]


def test_daily_temperatures_say_under_what_was_detected_that_a_run_takes_the_year():
    """The caption said "season 365: a year, ..." while "What was detected" said only "season 7" (then
    "season 7" and, on its last line, "A run takes season 365": one season, the run's, on the time column's line)."""
    days = pd.date_range("2019-01-01", "2022-12-31", freq="D")
    rng = np.random.default_rng(1)
    noise = np.zeros(len(days))
    for i in range(1, len(days)):
        noise[i] = 0.7 * noise[i - 1] + rng.normal(0, 1.5)
    temperature = 10 - 9 * np.cos((days.day_of_year.to_numpy() - 15) / 365.25 * 2 * np.pi) + noise
    csv = pd.DataFrame({"date": days.strftime("%Y-%m-%d"), "temperature": temperature.round(1)})
    at = data_page_after_upload(csv.to_csv(index=False).encode(), "temperature.csv")
    lines = detected(at)
    assert (
        "Time column 'date': frequency daily, season 365 (a year, whose cycle forecasts it half a year ahead better "
        "than last week; the calendar's is 7), 0 timestamp(s) missing from its grid."
    ) in lines
    assert not [line for line in lines if line.startswith("A run takes season")]
    caption = next(c.value for c in at.caption if "frequency **" in c.value)
    assert "(season 365: a year, whose cycle forecasts it half a year ahead better than last week)" in caption


def test_daily_counts_that_repeat_the_week_keep_season_7_without_a_second_line():
    days = pd.date_range("2021-01-01", periods=3 * 365, freq="D")
    base = np.array([120, 130, 128, 125, 140, 80, 60])[days.day_of_week.to_numpy()]
    visitors = np.random.default_rng(2).poisson(base)
    csv = pd.DataFrame({"date": days.strftime("%Y-%m-%d"), "visitors": visitors})
    at = data_page_after_upload(csv.to_csv(index=False).encode(), "visitors.csv")
    assert not [line for line in detected(at) if line.startswith("A run takes season")]
    caption = next(c.value for c in at.caption if "frequency **" in c.value)
    assert "frequency **daily** (season 7) ·" in caption


def test_forty_columns_get_a_chart_tall_enough_for_their_legend_and_their_lines():
    """39 other columns' legend took 250 of the chart's 400 px at 1024 px, leaving the lines a 120 px strip."""

    days = pd.date_range("2020-01-01", periods=400, freq="D")
    rng = np.random.default_rng(3)
    frame = pd.DataFrame({"date": days.strftime("%Y-%m-%d")})
    for j in range(40):
        frame[f"sensor_{j:02d}"] = rng.normal(0, 1, len(days)).cumsum().round(3)
    at = data_page_after_upload(frame.to_csv(index=False).encode(), "wide.csv")
    specs = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    target, others = specs
    assert len(others["data"]) == 39
    assert target["layout"]["height"] == 400  # one line, one legend name: the usual size
    # 31 names past the 8 a chart holds, 4 a row at the narrowest: 8 rows more of 19 px
    assert others["layout"]["height"] == 400 + 8 * 19


def test_the_predictions_download_leaves_the_filled_in_values_empty_and_rescores_as_the_page(fake, downloads, tmp_path):
    """Empty cells are filled so the networks can train, and the page's scores leave them out; the
    predictions.csv download (and the run folder's) wrote the filled values as ``actual``, so its
    test rows scored 19.66 where the page said 19.98 (robustbase's daily NOx, 4 empty test cells)."""
    from lstm_core.runs import save_run
    from ui import state

    days = pd.date_range("2023-01-01", periods=150, freq="D")
    t = np.arange(150)
    level = 40 + 8 * np.sin(t * 2 * np.pi / 7) + np.random.default_rng(2).normal(0, 3, 150)
    values = pd.Series(level.round(2)).astype(object)
    empty = [20, 120, 131, 140]  # one in the training part, three in the test part
    values[empty] = ""
    csv = pd.DataFrame({"date": days.strftime("%Y-%m-%d"), "nox": values}).to_csv(index=False).encode()
    at = forecast_page_after_training(csv, "nox.csv")
    run = state.registry().snapshot(at.session_state["job_id"]).run
    assert run.prep.test_start < 120 and run.metrics.info.n_test_filled == 3
    pred = pd.read_csv(io.BytesIO(downloads["predictions.csv"]))
    assert pred["actual"].isna().to_numpy().nonzero()[0].tolist() == empty
    test = pred[pred["part"] == "test"].dropna(subset=["actual"])
    rmse = float(np.sqrt(np.mean((test["actual"] - test["one_step"]) ** 2)))
    assert len(test) == run.metrics.info.n_test - 3
    assert rmse == pytest.approx(run.metrics.test.rmse, rel=1e-9)
    table = at.dataframe[0].value
    assert table.loc[table["model"].str.endswith("(this run)"), "RMSE"].iloc[0] == pytest.approx(rmse, rel=1e-3)
    saved = pd.read_csv(save_run(run, tmp_path / "run") / "predictions.csv")
    pd.testing.assert_frame_equal(saved, pred)  # the run zip's file is the download
    # the one-step chart marks the filled-in values it draws, as the scores beside it leave them out
    specs = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    overlay = next(f for f in specs if "One-step predictions" in str(f["layout"]["title"]))
    marks = [t for t in overlay["data"] if t.get("name") == "filled in (not scored)"]
    assert len(marks) == 1 and [str(x)[:10] for x in marks[0]["x"]] == [str(d.date()) for d in days[empty]]


def test_a_file_numbering_its_days_gets_its_forecast_numbered_after_its_last_day(fake, downloads):
    """A file of day numbers (``day``: 43831 to 43950, as a spreadsheet's serial days) was renumbered
    from 0: its forecast was written for rows 120, 121, ... where the file's next day is 43951."""
    days = np.arange(43831, 43951)
    values = (100 + 10 * np.sin(2 * np.pi * np.arange(len(days)) / 7)).round(3)
    at = forecast_page_after_training(
        pd.DataFrame({"day": days, "visits": values}).to_csv(index=False).encode(), "days.csv"
    )
    steps = at.slider(key="forecast_steps").value
    future = pd.read_csv(io.BytesIO(downloads["forecast.csv"]))
    assert list(future["time"]) == list(range(43951, 43951 + steps))
    predictions = pd.read_csv(io.BytesIO(downloads["predictions.csv"]))
    assert list(predictions["time"]) == list(days)
