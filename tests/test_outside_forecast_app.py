"""AppTest: the Forecast page on data a newcomer brings (found by uploading series nobody on the
project had tried): a count series with zeros, a run that reads input columns."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]
TIMEOUT = 30


def forecast_page_after_training(csv: bytes, name: str, inputs: list[str] | None = None) -> AppTest:
    """Upload ``csv``, pick ``inputs``, train a tiny run from the Train page's form, open Forecast."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT).run()
    at.file_uploader(key="data_upload").set_value((name, csv, "text/csv")).run()
    ds = at.session_state["dataset"]
    assert ds.name == name
    if inputs:
        at.multiselect(key=f"data_inputs_{ds.version}").set_value(inputs).run()
        assert at.session_state["dataset"].inputs == inputs
    at.switch_page("pages/train.py").run()
    at.number_input(key="train_epochs").set_value(2)
    at.number_input(key="train_hidden").set_value(8)
    at.button[0].click().run()  # the form's "Start training"
    assert not at.exception, [e.value for e in at.exception]
    from ui import state

    snap = state.registry().wait(at.session_state["job_id"], TIMEOUT)
    assert snap is not None and snap.run is not None, "the tiny run did not finish"
    at.switch_page("pages/forecast.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def returns_csv(n: int = 120) -> bytes:
    """Daily counts of returned parcels: most days 0, some 1 to 3 (a 0 every third day at least)."""
    rng = np.random.default_rng(0)
    counts = rng.poisson(0.8, n)
    counts[::3] = 0
    days = pd.date_range("2023-01-01", periods=n, freq="D")
    return pd.DataFrame({"date": days.strftime("%Y-%m-%d"), "returns": counts}).to_csv(index=False).encode()


def test_a_metric_undefined_on_a_count_series_is_left_out_and_said_why(fake):
    at = forecast_page_after_training(returns_csv(), "returns.csv")
    table = at.dataframe[0].value
    assert list(table.columns) == ["evaluation", "model", "RMSE", "MAE", "sMAPE %", "MASE"]  # no column of "None"
    assert not table.isna().any().any()
    caption = next(c.value for c in at.caption if c.value.startswith("Same "))
    assert "MAPE is left out: the test part holds values of 0, where a percentage error is undefined." in caption
    assert (
        "sMAPE scores each test value of 0 the forecast misses as a 200% error" in caption
    )  # its 100%-odd read as awful
    band = next(c.value for c in at.caption if c.value.startswith("Band: "))
    assert "Forecasts are held at 0 or above because the series never goes below 0." in band  # its band reaches 0


def test_a_series_without_zeros_keeps_every_metric(fake):
    days = pd.date_range("2023-01-01", periods=120, freq="D")
    level = 50 + 10 * np.sin(np.arange(120) * 2 * np.pi / 7) + 0.1 * np.arange(120)
    csv = pd.DataFrame({"date": days.strftime("%Y-%m-%d"), "visits": level.round(2)}).to_csv(index=False).encode()
    at = forecast_page_after_training(csv, "visits.csv")
    assert list(at.dataframe[0].value.columns) == ["evaluation", "model", "RMSE", "MAE", "MAPE %", "sMAPE %", "MASE"]
    assert not any("is left out" in c.value for c in at.caption)
    assert not any("200% error" in c.value for c in at.caption)
    # never below 0, but nowhere near it: the hold at 0 is not said (a series between 50 and 70 said it)
    band = next(c.value for c in at.caption if c.value.startswith("Band: "))
    assert "held at 0" not in band


def test_a_series_that_repeats_its_week_exactly_leaves_mase_out_and_says_why(fake):
    days = pd.date_range("2023-01-01", periods=120, freq="D")
    level = 50 + 10 * np.sin(np.arange(120) * 2 * np.pi / 7)  # the seasonal naive forecast is exact
    csv = pd.DataFrame({"date": days.strftime("%Y-%m-%d"), "visits": level.round(2)}).to_csv(index=False).encode()
    at = forecast_page_after_training(csv, "visits.csv")
    assert list(at.dataframe[0].value.columns) == ["evaluation", "model", "RMSE", "MAE", "MAPE %", "sMAPE %"]
    caption = next(c.value for c in at.caption if c.value.startswith("Same "))
    assert (
        "MASE is left out: its scale, the mean absolute error of the seasonal naive forecast (the naive one where "
        "there is no season) over the data before the test part, training and validation, is 0 or rounding (under "
        "a millionth of the data's range)." in caption
    )


def test_the_mase_shown_is_the_mae_over_the_scale_its_help_names(fake):
    """MASE divides by the seasonal naive error over the data before the test part; the page said
    "over the training part", a scale the numbers shown do not use (airline: 30.4 against 34.4)."""
    import json

    from ui import state

    days = pd.date_range("2023-01-01", periods=120, freq="D")
    t = np.arange(120)
    # calm weeks first, livelier ones later: the scales over the training part and before the test part differ
    level = 50 + 10 * np.sin(t * 2 * np.pi / 7) + np.random.default_rng(1).normal(0, 1 + t / 20)
    csv = pd.DataFrame({"date": days.strftime("%Y-%m-%d"), "visits": level.round(2)}).to_csv(index=False).encode()
    at = forecast_page_after_training(csv, "visits.csv")
    table = at.dataframe[0].value
    row = table[(table["evaluation"] == "one-step") & (table["model"].str.endswith("(this run)"))].iloc[0]
    run = state.registry().snapshot(at.session_state["job_id"]).run
    y, season, ts, te = run.prep.y, run.prep.season, run.prep.test_start, run.prep.train_end
    assert season == 7
    before_test = np.mean(np.abs(y[season:ts] - y[: ts - season]))
    training_only = np.mean(np.abs(y[season:te] - y[: te - season]))
    assert abs(before_test - training_only) > 0.05 * before_test  # the two definitions give other numbers
    assert row["MASE"] == pytest.approx(row["MAE"] / before_test, rel=1e-3)
    columns = json.loads(at.dataframe[0].proto.columns)
    assert "over the data before the test part, training and validation" in columns["MASE"]["help"]


def test_a_run_with_input_columns_says_it_forecasts_inside_the_data_only(fake):
    days = pd.date_range("2020-01-01", periods=96, freq="MS")
    t = np.arange(96)
    frame = pd.DataFrame(
        {
            "month": days.strftime("%Y-%m"),
            "deaths": (120 + 15 * np.sin(t * 2 * np.pi / 12)).round(1),
            "law": (t >= 70).astype(int),
            "petrol": (0.1 + 0.001 * t).round(4),
        }
    )
    at = forecast_page_after_training(frame.to_csv(index=False).encode(), "belts.csv", inputs=["law", "petrol"])
    assert [i.value for i in at.info] == [
        "This run also reads `law`, `petrol`, whose values past the end of the data are unknown, so it forecasts "
        "inside the data only (the charts above); to forecast further, train on `deaths` alone (Data page: leave "
        "the input columns empty)."
    ]
    # a choice the run made, not a failure in red (the page's other red box is a losing verdict, if any)
    assert not [e.value for e in at.error if "past the end of the data" in e.value]
    assert not [s for s in at.slider if s.key == "forecast_steps"]  # no slider that changes nothing
    future = next(d for d in at.get("download_button") if d.proto.label == "Download forecast (.csv)")
    assert future.proto.disabled
    assert future.proto.help == "This run cannot forecast past the end of the data (see above)."
    assert [d.proto.label for d in at.get("download_button") if not d.proto.disabled] == [
        "Download predictions (.csv)",
        "Download run (.zip)",
    ]


def test_a_baseline_that_wins_the_test_span_can_be_downloaded_beside_the_model(fake):
    """The verdict said "prefer seasonal naive for a forecast ahead" and drew it, but only the
    model's numbers could be downloaded."""
    import base64
    import json

    from lstm_core.verdict import judge
    from ui import state

    days = pd.date_range("2015-01-01", periods=96, freq="MS")
    sales = (100 + 20 * np.sin(np.arange(96) * 2 * np.pi / 12)).round(1)  # the value a year before is exact
    csv = pd.DataFrame({"month": days.strftime("%Y-%m"), "sales": sales}).to_csv(index=False).encode()
    at = forecast_page_after_training(csv, "seasonal.csv")
    run = state.registry().snapshot(at.session_state["job_id"]).run
    assert judge(run.metrics).multistep_winner == "seasonal_naive"
    labels = [d.proto.label for d in at.get("download_button")]
    assert labels == [
        "Download forecast (.csv)",
        "Download Seasonal naive forecast (.csv)",
        "Download predictions (.csv)",
        "Download run (.zip)",
    ]
    steps = at.slider(key="forecast_steps").value
    rival = next(d for d in at.get("download_button") if d.proto.label.startswith("Download Seasonal"))
    assert rival.proto.help == (
        f"time, forecast, lower, upper: Seasonal naive's forecast drawn dashed above, the same {steps} steps "
        "ahead, with its 90% band from its own errors out of sample"
    )
    band = run.baseline_future("seasonal_naive", steps)
    assert list(band.columns) == ["time", "forecast", "lower", "upper"]
    # the value a year before was exact at every origin: its band is the line itself
    assert np.array_equal(band["lower"], band["forecast"]) and np.array_equal(band["upper"], band["forecast"])
    future = json.loads(at.get("plotly_chart")[-1].proto.spec)
    y = next(t for t in future["data"] if t.get("name") == "Seasonal naive")["y"]
    drawn = np.frombuffer(base64.b64decode(y["bdata"]), dtype=y["dtype"]) if isinstance(y, dict) else np.array(y)
    assert np.allclose(drawn, run.baseline_future("seasonal_naive", steps)["forecast"])
    assert np.allclose(drawn, np.tile(sales[-12:], steps // 12 + 1)[:steps])


def test_a_band_that_held_few_test_points_is_named_too_narrow_and_one_that_held_them_is_not(fake):
    """A level that moves up in the test part: the band over the test span held few of its points and
    the page only printed the share in a caption."""
    rng = np.random.default_rng(0)
    y = 10 + rng.normal(0, 0.5, 150)
    y[105:] += 8
    dates = pd.date_range("2010-01-01", periods=150, freq="D").strftime("%Y-%m-%d")
    at = forecast_page_after_training(pd.DataFrame({"date": dates, "visits": y}).to_csv(index=False).encode(), "v.csv")
    narrow = [w.value for w in at.warning if w.value.startswith("Of the ")]
    ahead = "; the band ahead is widened to the errors of forecasts from origins in the test part, but trust it less."
    assert len(narrow) == 1 and narrow[0].endswith(ahead), narrow
    assert any(
        "the band past the data is wider where forecasts from origins in the test part" in c.value for c in at.caption
    )
    at = forecast_page_after_training(returns_csv(), "returns.csv")
    from ui import state

    held = state.registry().snapshot(at.session_state["job_id"]).run.metrics.coverage
    assert held.one_step >= 0.7 and held.multistep >= 0.7  # a band that held its points...
    assert not [w.value for w in at.warning if w.value.startswith("Of the ")]  # ...is not named


def test_a_series_without_a_season_shows_no_seasonal_naive_rows_and_says_why(fake):
    """US census population every ten years: rows "Seasonal naive" equal to "Naive (last value)"
    in every figure, one step ahead and over the test span, read as a second reference."""
    from lstm_core.tables import NO_SEASON
    from ui import state

    years = np.arange(1790, 1980, 10)
    pop = 4 * np.exp(0.025 * (years - 1790)) + np.sin(years)  # no season: one value every ten years
    csv = pd.DataFrame({"date": [f"{y}-01-01" for y in years], "population": pop.round(2)}).to_csv(index=False)
    at = forecast_page_after_training(csv.encode(), "uspop.csv")
    m = state.registry().snapshot(at.session_state["job_id"]).run.metrics
    assert m.info.season is None and m.baselines["seasonal_naive"] == m.baselines["naive"]
    table = at.dataframe[0].value
    assert "Seasonal naive" not in set(table["model"]) and list(table["model"]).count("Naive (last value)") == 2
    caption = next(c.value for c in at.caption if c.value.startswith("Same "))
    assert NO_SEASON in caption


def test_a_holt_winters_baseline_without_a_season_is_named_holts_linear_trend_on_the_page(fake, downloads):
    """A yearly river flow (no season): the table, the verdict ("prefer Holt-Winters for a forecast
    ahead"), the dashed line's legend beside the model's future and its download all said
    "Holt-Winters", a seasonal model, for what fitted level and trend only."""
    import json

    from lstm_core.verdict import judge
    from ui import state

    years = np.arange(1871, 1971)
    flow = 1100 - 3 * (years - 1871) + np.random.default_rng(0).normal(0, 120, len(years))
    csv = pd.DataFrame({"year": years, "flow": flow.round(0)}).to_csv(index=False).encode()
    at = forecast_page_after_training(csv, "nile.csv")
    m = state.registry().snapshot(at.session_state["job_id"]).run.metrics
    assert m.info.season is None and m.info.baseline_models["holt_winters"].startswith("Holt linear trend")
    assert judge(m).multistep_winner == "holt_winters"  # the stored key is unchanged
    table = at.dataframe[0].value
    assert list(table["model"]).count("Holt's linear trend") == 2 and "Holt-Winters" not in set(table["model"])
    said = " ".join(e.value for e in (*at.markdown, *at.caption, *at.warning, *at.info, *at.success, *at.error))
    assert "Prefer Holt's linear trend for a forecast ahead" in said or "prefer Holt's linear trend" in said
    assert "Holt-Winters" not in said
    assert "Dashed: Holt's linear trend, which forecast the test span better than the model." in said
    future = json.loads(at.get("plotly_chart")[-1].proto.spec)
    assert "Holt's linear trend" in {t.get("name") for t in future["data"]}
    assert "Holt-Winters" not in json.dumps(future)
    labels = [d.proto.label for d in at.get("download_button")]
    assert "Download Holt's linear trend forecast (.csv)" in labels
    rival = pd.read_csv(io.BytesIO(downloads["holts_linear_trend_forecast.csv"]))  # the file named as its button
    assert "holt_winters_forecast.csv" not in downloads and list(rival.columns) == [
        "time",
        "forecast",
        "lower",
        "upper",
    ]


def test_a_long_upload_charts_a_part_in_full_and_the_whole_on_request(fake):
    """An hourly upload of 2,600 rows: its charts, thinned to 2,000 points, drew the daily cycle as a solid band.
    The page shows the last 500 points in full by default and says so; "all points" brings the whole back."""
    n = 2_600
    hours = pd.date_range("2024-01-01", periods=n, freq="h")
    load = 50 + 20 * np.sin(2 * np.pi * np.arange(n) / 24) + np.random.default_rng(1).normal(0, 1, n)
    csv = pd.DataFrame({"time": hours.strftime("%Y-%m-%d %H:%M"), "load": load.round(3)}).to_csv(index=False)
    at = forecast_page_after_training(csv.encode(), "hourly_load.csv")
    shown = at.radio(key="forecast_detail")
    assert shown.value == "the last 500 points in full" and shown.options[1] == f"all {n:,} points, thinned"

    def titles() -> dict[str, str]:
        """Each chart's title as read (markup and the half-width charts' line breaks out)."""
        specs = {c.proto.id: json.loads(c.proto.spec) for c in at.get("plotly_chart")}
        text = {k: v["layout"]["title"]["text"].replace("<br>", " ") for k, v in specs.items() if "forecast_" in k}
        return {k: re.sub(r"<[^>]+>", "", v) for k, v in text.items()}

    parts = [t for t in titles().values() if "(the last 500 of 2,600 points)" in t]
    assert len(parts) == 2 and not any("decimated" in t for t in parts)  # the overlay and the residuals
    shown.set_value(shown.options[1]).run()
    assert not at.exception, [e.value for e in at.exception]
    after = titles().values()
    assert not any("the last 500" in t for t in after) and any("decimated" in t for t in after)


def test_times_written_with_a_utc_offset_hover_with_their_clock(fake):
    """Hourly load written with +01:00/+02:00 across a clock change is read in UTC, as the note says: the charts
    showed 22:00 on hover where the file said 23:00+01:00, and nothing said which clock."""
    stamps = pd.date_range("2021-10-20", periods=400, freq="h", tz="Europe/Berlin")
    load = 50 + 20 * np.sin(2 * np.pi * np.arange(400) / 24)
    body = "time,load\n" + "".join(f"{t.isoformat()},{v:.3f}\n" for t, v in zip(stamps, load))
    at = forecast_page_after_training(body.encode(), "berlin_load.csv")
    specs = {c.proto.id.split("-")[-1]: json.loads(c.proto.spec) for c in at.get("plotly_chart")}
    for key in ("forecast_overlay", "forecast_multistep", "forecast_residuals", "forecast_future"):
        assert specs[key]["layout"]["xaxis"]["hoverformat"].endswith(" (UTC)"), key
    plain = forecast_page_after_training(returns_csv(), "returns.csv")  # dates without a clock: as before
    specs = [json.loads(c.proto.spec) for c in plain.get("plotly_chart")]
    assert not any("UTC" in s["layout"]["xaxis"].get("hoverformat", "") for s in specs)


def test_the_train_pages_first_look_pins_a_spike_as_the_forecast_page_does(fake):
    """One holiday's drop (90 among sales near 1,000) widened a one-step band to 3,902 on the Train page's chart,
    whose axis then ran to 4,000 over data under 1,100; the Forecast page pins the spike and fits the rest."""
    days = pd.date_range("2022-01-01", periods=300, freq="D")
    sales = 1000 + 50 * np.sin(2 * np.pi * np.arange(300) / 7) + np.random.default_rng(3).normal(0, 10, 300)
    sales[120] = 90.0  # the lone drop, before the test part
    csv = pd.DataFrame({"date": days.strftime("%Y-%m-%d"), "sales": sales.round(2)}).to_csv(index=False)
    at = forecast_page_after_training(csv.encode(), "shop.csv")

    def overlay_range(key: str) -> list[float]:
        spec = next(json.loads(c.proto.spec) for c in at.get("plotly_chart") if c.proto.id.endswith(key))
        return spec["layout"]["yaxis"]["range"]

    on_forecast = overlay_range("forecast_overlay")
    assert on_forecast[0] > 500  # fitted to the sales, the drop pinned to the edge
    at.switch_page("pages/train.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert overlay_range("_forecast") == on_forecast


def test_a_series_that_goes_below_0_in_its_test_part_is_not_said_never_to(fake):
    """A half sine that dips below 0 only in its test part: its test forecasts are held at 0 (decided on the data
    before the test part), and the page said "the series never goes below 0" over values down to -0.48."""
    t = np.arange(60)
    days = pd.date_range("2024-01-01", periods=60, freq="D")
    csv = pd.DataFrame({"date": days.strftime("%Y-%m-%d"), "level": np.sin(np.pi * t / 50).round(4)}).to_csv(
        index=False
    )
    at = forecast_page_after_training(csv.encode(), "dip.csv")
    from ui import state

    run = state.registry().snapshot(at.session_state["job_id"]).run
    assert run.metrics.guards.non_negative and (run.predictions["actual"] < 0).any()
    band = next(c.value for c in at.caption if c.value.startswith("Band: "))
    assert "never goes below 0" not in band
    assert (
        "The test part's forecasts are held at 0 or above because the series never went below 0 before it; the test "
        "part does, so the forecast ahead is not held."
    ) in band
