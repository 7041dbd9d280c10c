"""AppTest: every page renders, uploads load (or fail and keep the old data), training finishes.

Tests about the pages run against a fast fake registry (``tests/fakes.py``): a job completes
with a tiny pre-built Run as it is submitted. The real registry is exercised end to end in
``tests/test_reliability.py`` and the browser tests.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from tests import fakes
from ui.text import md_escape

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).parent / "data"
PAGES = ("pages/data.py", "pages/train.py", "pages/forecast.py")
TIMEOUT = 30


def new_app() -> AppTest:
    return AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)


def texts(elements) -> list[str]:
    return [str(e.value) for e in elements]


def no_errors(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def start_tiny_job(at: AppTest, epochs: int = 5) -> str:
    at.switch_page("pages/train.py").run()
    at.number_input(key="train_epochs").set_value(epochs)
    at.number_input(key="train_hidden").set_value(8)
    at.button[0].click().run()  # the form's "Start training"
    no_errors(at)
    return at.session_state["job_id"]


@pytest.fixture
def fake():
    """The pages use an inline registry whose jobs finish with a tiny pre-built Run."""
    with fakes.fake_registry() as reg:
        yield reg


def wait_until_over(at: AppTest, job_id: str) -> str:
    """Wait for the job to end (the registry's event, no polling), rerun the page once
    (AppTest does not fire run_every) and return the status box it shows."""
    from ui import state

    snap = state.registry().wait(job_id, TIMEOUT)
    assert snap is not None and not snap.active, "the training job did not finish in time"
    at.run()
    no_errors(at)
    done = [
        t
        for t in texts(at.success) + texts(at.warning) + texts(at.error)
        if t.startswith(("**Finished**", "**Cancelled**", "**Diverged**", "**Failed**"))
    ]
    assert done, "the page does not show how the job ended"
    return done[0]


def test_every_page_renders_and_default_data_is_loaded():
    at = new_app().run()
    no_errors(at)
    assert at.title[0].value == "Data"
    assert at.session_state["dataset"].name.startswith("airline")
    # the first run leaves the chart and the table to the browser's first-paint signal (ui/first_paint.py)
    assert not at.get("plotly_chart") and not at.dataframe
    assert any("Drawing the chart" in t for t in texts(at.caption))
    sidebar = " ".join(texts(at.sidebar.caption))
    assert "airline" in sidebar and "CPU" in sidebar and "No jobs yet" in sidebar
    at.run()  # the rerun that signal causes (or any later run) draws them
    assert len(at.get("plotly_chart")) == 1 and len(at.dataframe) == 1
    for page in PAGES:
        at.switch_page(page).run()
        no_errors(at)
    assert at.title[0].value == "Forecast"
    assert any("No trained run yet" in t for t in texts(at.info))


def test_upload_csv_loads_it():
    at = new_app().run()
    csv = (DATA / "semicolon_decimal_comma.csv").read_bytes()
    at.file_uploader(key="data_upload").set_value(("semicolon_decimal_comma.csv", csv, "text/csv")).run()
    no_errors(at)
    ds = at.session_state["dataset"]
    assert ds.name == "semicolon_decimal_comma.csv" and ds.report.delimiter == ";"
    assert md_escape("semicolon_decimal_comma.csv") in texts(at.subheader)  # shown literally
    assert not at.error
    assert len(at.dataframe) >= 1


def test_the_reading_dates_options_read_an_upload_again():
    """Day/month dates the loader reads month first where it can (03/04 ... 12/04) get a note;
    "Day first" reads the same upload again, day first, and a date format does the same."""
    rows = [f"{d:%d/%m/%Y},{100 + k % 7}" for k, d in enumerate(pd.date_range("2020-01-01", periods=12, freq="MS"))]
    csv = ("date,value\n" + "\n".join(rows) + "\n").encode()
    at = new_app().run()
    at.file_uploader(key="data_upload").set_value(("dm.csv", csv, "text/csv")).run()
    no_errors(at)
    first = at.session_state["dataset"].frame.index
    at.selectbox(key="data_dayfirst").set_value("day first (d/m/y)").run()
    no_errors(at)
    ds = at.session_state["dataset"]
    assert [str(t.date()) for t in ds.frame.index[:3]] == ["2020-01-01", "2020-02-01", "2020-03-01"]
    assert ds.report.frequency is not None and not first.equals(ds.frame.index)
    at.selectbox(key="data_dayfirst").set_value("auto")
    at.text_input(key="data_date_format").set_value("%d/%m/%Y").run()
    no_errors(at)
    assert at.session_state["dataset"].frame.index.equals(ds.frame.index)


def test_an_rdatasets_csv_uploads_with_its_calendar():
    # "rownames","time","value" with R's decimal years: monthly dates, season 12, the row names left out
    rows = "\n".join(f'"{i + 1}",{1949 + i / 12:.11f},{100 + i + 10 * (i % 12 > 5)}' for i in range(72))
    csv = ('"rownames","time","value"\n' + rows + "\n").encode()
    at = new_app().run()
    at.file_uploader(key="data_upload").set_value(("AirPassengers.csv", csv, "text/csv")).run()
    no_errors(at)
    ds = at.session_state["dataset"]
    assert list(ds.frame.columns) == ["value"] and str(ds.frame.index[13].date()) == "1950-02-01"
    caption = " ".join(texts(at.caption))
    assert "time column **time**" in caption and "frequency **monthly** (season 12)" in caption
    detected = " ".join(texts(at.markdown))
    assert "decimal years such as 1949.0833" in detected and "read as monthly dates" in detected


def test_the_data_page_marks_the_values_filled_in():
    import numpy as np
    import pandas as pd

    weeks = pd.date_range("2015-01-03", periods=120, freq="W-SAT")
    y = 50 + 10 * np.sin(2 * np.pi * np.arange(120) / 52)
    rows = [
        f"{d.date()},{'' if i == 30 else round(v, 3)}" for i, (d, v) in enumerate(zip(weeks, y)) if i not in (60, 61)
    ]
    at = new_app().run()
    at.file_uploader(key="data_upload").set_value(
        ("weekly.csv", ("week,value\n" + "\n".join(rows) + "\n").encode(), "text/csv")
    ).run()
    at.run()  # the chart comes on the second run (first paint)
    no_errors(at)
    charts = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    marks = [tr for c in charts for tr in c["data"] if tr.get("name") == "filled in (missing in the file)"]
    assert len(marks) == 1  # the empty cell (week 30) and the two weeks left out of the file (60, 61)
    assert [x[:10] for x in marks[0]["x"]] == [str(weeks[i].date()) for i in (30, 60, 61)]
    # the count per column reads as text, not as a Python dict ("{'value': 3}")
    assert "Missing values per column: value: 3; policy applied" in " ".join(c.value for c in at.caption)


def test_a_file_of_several_series_offers_the_choice_and_loads_the_one_chosen():
    from tests.test_keys import tidy_csv

    at = new_app().run()
    before = at.session_state["dataset"].name
    at.file_uploader(key="data_upload").set_value(("retail.csv", tidy_csv(), "text/csv")).run()
    no_errors(at)
    assert at.session_state["dataset"].name == before  # nothing replaced until a series is chosen
    assert any("retail.csv holds 6 series" in t and before in t for t in texts(at.info))
    at.selectbox(key="data_key_State").set_value("Queensland")
    at.selectbox(key="data_key_Industry").set_value("Clothing")
    at.button(key="data_key_load").click().run()
    no_errors(at)
    ds = at.session_state["dataset"]
    assert ds.name == "retail.csv (Industry=Clothing, State=Queensland)"
    assert len(ds.frame) == 48 and ds.frame.iloc[0, 0] == 310.0
    assert not any("holds 6 series" in t for t in texts(at.info))


def test_the_data_page_names_a_lone_spike_and_pins_it_on_the_chart():
    import json

    import numpy as np
    import pandas as pd

    at = new_app().run()
    at.run()  # the chart comes on the second run (first paint)
    assert not any("lone spike" in t for t in texts(at.info))  # the bundled airline data has none
    t = np.arange(96)
    y = 20 + 5 * np.sin(2 * np.pi * t / 12) + np.random.default_rng(4).normal(0, 0.5, 96)
    y[30] = 2000.0
    months = pd.date_range("2015-01-01", periods=96, freq="MS").strftime("%Y-%m-%d")
    csv = pd.DataFrame({"month": months, "sales": y}).to_csv(index=False).encode()
    at.file_uploader(key="data_upload").set_value(("shop.csv", csv, "text/csv")).run()
    no_errors(at)
    note = next(t for t in texts(at.info) if "lone spike" in t)
    assert note.startswith("1 lone spike in **sales** (2017-07-01: 2000 → ")
    charts = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    marks = [tr for c in charts for tr in c["data"] if tr.get("name") == "lone spike (value as given)"]
    assert len(marks) == 1 and marks[0]["text"] == [" 2000"]


def test_bad_csv_shows_the_error_and_keeps_the_old_data():
    at = new_app().run()
    before = at.session_state["dataset"]
    at.file_uploader(key="data_upload").set_value(("page.csv", (DATA / "html_page.csv").read_bytes(), "text/csv"))
    at.run()
    no_errors(at)
    assert at.error and "page.csv" in at.error[0].value and "still loaded" in at.error[0].value
    assert at.session_state["dataset"] is before
    assert "Traceback" not in at.error[0].value


def test_a_series_too_short_to_train_on_is_named_as_soon_as_it_is_loaded():
    from lstm_core.config import DataConfig
    from lstm_core.prep import min_points

    need = min_points(DataConfig().val_fraction, DataConfig().test_fraction)
    at = new_app().run()
    assert not any("too few to train on" in t for t in texts(at.warning))  # the bundled airline data
    assert not at.button(key="data_train").disabled
    for n, warned in ((need - 1, True), (need, False)):
        csv = "year,value\n" + "".join(f"{2000 + k},{10 + k % 3}\n" for k in range(n))
        at.file_uploader(key="data_upload").set_value((f"rows{n}.csv", csv.encode(), "text/csv")).run()
        no_errors(at)
        assert len(at.session_state["dataset"].frame) == n
        # the primary action is offered only where it can train (it made a job that failed at once)
        assert at.button(key="data_train").disabled is warned
        promise = [t for t in texts(at.caption) if "with the default settings" in t]
        assert bool(promise) is not warned
        intro = next(t for t in texts(at.markdown) if t.startswith("**LSTM Lab**"))
        assert intro.endswith(
            "is too short to train on; load a longer CSV below."
            if warned
            else "train on it now, or load your own CSV below."
        )
        notes = [t for t in texts(at.warning) if "too few to train on" in t]
        assert notes == (
            [
                f"{n} rows are too few to train on with the default split: a run needs at least {need} "
                "(4 to train on, then validation and test points); load a longer series."
            ]
            if warned
            else []
        )
        # the Train page does not promise that the defaults work
        at.switch_page("pages/train.py").run()
        no_errors(at)
        caption = at.caption[0].value
        assert caption.endswith(
            f"Its {n} rows are too few for the default split (at least {need}): load a longer series there."
            if warned
            else "The defaults work: press Start."
        )
        at.switch_page("pages/data.py").run()


def test_generate_a_series():
    at = new_app().run()
    at.segmented_control(key="data_source").set_value("Generate a series").run()
    at.selectbox(key="data_gen_name").set_value("sine").run()
    at.number_input(key="data_gen_sine_length").set_value(300)
    next(b for b in at.button if b.label == "Generate").click().run()
    no_errors(at)
    ds = at.session_state["dataset"]
    assert ds.name.startswith("generated: sine") and len(ds.frame) == 300 and ds.inputs == []
    # sin-cos is "map sin (input) to cos (target)": its sin was left out of the inputs
    at.selectbox(key="data_gen_name").set_value("sin-cos").run()
    next(b for b in at.button if b.label == "Generate").click().run()
    no_errors(at)
    ds = at.session_state["dataset"]
    assert (ds.target, ds.inputs) == ("cos", ["sin"])
    assert at.multiselect(key=f"data_inputs_{ds.version}").value == ["sin"]
    # a monthly series past December 9999: one sentence of the generator's, not a date column it cannot read back
    at.selectbox(key="data_gen_name").set_value("trend-seasonal").run()
    at.number_input(key="data_gen_trend-seasonal_length").set_value(200_000)
    next(b for b in at.button if b.label == "Generate").click().run()
    no_errors(at)
    assert [e.value for e in at.error] == [
        "trend-seasonal is monthly from January 2000, so it holds at most 96,000 points (to December 9999; got "
        "200,000); choose a shorter length."
    ]
    assert at.session_state["dataset"].inputs == ["sin"]  # the sin-cos series stays loaded


def test_training_from_the_form_then_forecast_shows_metrics(fake):
    at = new_app().run()
    job_id = start_tiny_job(at)
    assert at.query_params.get("job") == job_id
    assert fake.snapshot(job_id).config["model"]["hidden_size"] == 8  # the form's settings reached the job
    status = wait_until_over(at, job_id)
    assert status.startswith("**Finished**"), status
    specs = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    loss = [[t["name"] for t in s["data"]] for s in specs if s["layout"]["title"]["text"].startswith("Loss")]
    assert loss == [["train", "validation (weights' average)"]]  # the curve early stopping judged
    # the run's forecast beside the loss is half a row wide: its title keeps to one line there
    from ui.figures.style import HALF_TITLE_CHARS, wrap_title

    overlay = [s["layout"]["title"]["text"] for s in specs if s["layout"]["title"]["text"].startswith("One-step")]
    assert overlay == ["One-step predictions"] and wrap_title(overlay[0], HALF_TITLE_CHARS) == overlay[0]
    at.switch_page("pages/forecast.py").run()
    no_errors(at)
    assert len(at.dataframe) == 1
    table = at.dataframe[0].value
    assert {"RMSE", "MAE", "MAPE %", "sMAPE %", "MASE"} <= set(table.columns)
    assert "Holt-Winters" in set(table["model"]) and "Seasonal naive" in set(table["model"])
    charts = {c.proto.id: json.loads(c.proto.spec) for c in at.get("plotly_chart")}
    assert len(charts) == 4  # overlay, multi-step, residuals, future
    # every value axis says what its values are: the target's name (residuals: its errors)
    target = at.session_state["dataset"].frame.columns[0]
    assert sorted(c["layout"]["yaxis"]["title"]["text"] for c in charts.values()) == sorted(
        [target, target, f"actual − predicted ({target})", target]
    )
    from lstm_core.verdict import judge, label
    from ui import runs_view, state
    from ui.text import upper_first

    run = state.registry().snapshot(job_id).run
    verdict = judge(run.metrics)  # one-step and multi-step, in the banner of its level
    banner = {"beats": at.success, "mixed": at.warning, "loses": at.error}[verdict.level]
    assert verdict.sentence in [b.value for b in banner]
    assert "one step ahead" in verdict.sentence and "test span" in verdict.sentence
    labels = [d.proto.label for d in at.get("download_button")]
    rival = (
        [f"Download {upper_first(label(verdict.multistep_winner))} forecast (.csv)"] if verdict.multistep_winner else []
    )
    assert labels == ["Download forecast (.csv)", *rival, "Download predictions (.csv)", "Download run (.zip)"]
    # each says what it holds: predictions.csv's two bands (lower/upper beside one_step_lower/upper) had no word
    said = {d.proto.label: d.proto.help for d in at.get("download_button")}
    assert (
        "lower and upper, its 90% band, and one_step_lower and one_step_upper, the one-step band"
        in (said["Download predictions (.csv)"])
    )
    at.slider(key="forecast_steps").set_value(36).run()
    no_errors(at)

    # Download the run as a zip, upload it again: it is restored, selected and judged alike, and
    # kept as one more run of the session (it was in this session's state only, never on Runs)
    data = runs_view.run_zip(run, 36)
    at.file_uploader(key="forecast_zip").set_value(("my-run.zip", data, "application/zip")).run()
    no_errors(at)
    # restored off the page script; the page picks it up on its next run (the polling fragment's, then the one
    # it asks for: AppTest runs both in one run())
    done = runs_view.restorer().wait(at.session_state[runs_view.PENDING][0], TIMEOUT)
    assert done is not None and not done.active, "the zip was not restored in time"
    at.run()
    # said, once: nothing did, and the same zip uploaded again only turned the Run box's entry into "... (2)"
    assert [t.value for t in at.toast] == ["Restored my-run.zip as “my-run (restored)”; it is listed on the Runs page."]
    at.run()
    assert not at.toast
    restored = at.selectbox(key="forecast_pick").value
    assert restored != job_id and [s.id for s in fake.jobs_for(at.session_state["owner"])] == [restored, job_id]
    assert fake.snapshot(restored).label == "my-run (restored)"
    assert [r.id for r in fake.runs(at.session_state["owner"])] == [restored, job_id]
    assert len(at.dataframe) == 1
    assert verdict.sentence in [
        b.value for b in {"beats": at.success, "mixed": at.warning, "loses": at.error}[verdict.level]
    ]


def wait_for_restore(at: AppTest) -> None:
    """Wait for the session's pending zip restore to end (its event), then rerun twice: once for
    the polling fragment to see it end (AppTest does not fire run_every), once for the rerun it asks."""
    from ui import runs_view

    rid = at.session_state[runs_view.PENDING][0]
    done = runs_view.restorer().wait(rid, TIMEOUT)
    assert done is not None and not done.active, "the zip was not restored in time"
    at.run()
    at.run()


def test_bad_run_zip_is_one_sentence():
    at = new_app().run()
    at.switch_page("pages/forecast.py").run()
    at.file_uploader(key="forecast_zip").set_value(("x.zip", b"not a zip", "application/zip")).run()
    no_errors(at)
    assert at.error and "not a zip file" in at.error[0].value


def test_the_train_page_shows_the_quick_first_look_while_an_ensemble_trains():
    import threading

    import numpy as np
    import pandas as pd

    from lstm_core.config import RunConfig
    from lstm_core.data import generate
    from lstm_core.jobs import JobRegistry
    from lstm_core.pipeline import FirstLook
    from ui import state

    times = pd.date_range("1949-01-01", periods=24, freq="MS")
    look = FirstLook(
        pd.DataFrame(
            {
                "time": times,
                "actual": np.arange(24.0),
                "part": ["train"] * 16 + ["val"] * 2 + ["test"] * 6,
                "one_step": np.r_[np.nan, np.arange(1.0, 24.0) + 0.5],
            }
        ),
        networks=10,
        seen_before=12,
    )
    handed, release = threading.Event(), threading.Event()

    def runner(series, cfg, *, callbacks):
        callbacks.preview(look)
        handed.set()
        release.wait(TIMEOUT)
        return fakes.prebuilt_run(series, cfg)

    reg = JobRegistry(max_workers=1, torch_threads=1, runner=runner)
    previous = state.use_registry(reg)
    try:
        # the target named, as the Train and Data pages submit it
        jid = reg.submit(generate("airline"), RunConfig().replace(target="Passengers"), owner="someone")
        assert handed.wait(TIMEOUT)
        at = new_app()
        at.query_params["job"] = jid
        at.run()
        at.switch_page("pages/train.py").run()
        no_errors(at)
        captions = " ".join(texts(at.caption))
        assert "a quick network, trained on the data before Jan 1950 to compare representations" in captions
        assert "the run's 10 networks are training now" in captions
        # drawn as an SVG image, so it shows before the browser has loaded the chart library
        # drawn as inline SVG, and no Plotly chart before the first epoch: the first look does not
        # wait for the browser to load the chart library
        svgs = [m.value for m in at.markdown if m.value.startswith("<svg")]
        assert len(svgs) == 1
        assert "One-step predictions — first look" in svgs[0] and "one-step (test)" in svgs[0]
        assert ">Passengers</text>" in svgs[0]  # the value axis named, as the run's own chart names it
        assert not re.search(r"\bnan\b|\binf\b", svgs[0], re.I)
        assert at.get("plotly_chart") == []
        assert any("The loss appears with the first epoch" in m.value for m in at.markdown)
    finally:
        release.set()
        state.use_registry(previous)
        reg.close()


def test_a_job_that_failed_before_its_first_epoch_shows_its_reason_and_no_empty_loss_chart():
    """A 5-row upload trained with the defaults fails at once: the Train page says why, without a
    progress bar at epoch 0 or a box saying "The loss appears with the first epoch" for good."""
    from lstm_core.config import ConfigError, RunConfig
    from lstm_core.data import generate
    from lstm_core.job_status import JobStatus
    from lstm_core.jobs import JobRegistry
    from ui import state

    reason = "5 points are too few for this split (it needs at least 7); load a longer series or lower the test and validation fractions."

    def runner(series, cfg, *, callbacks):
        raise ConfigError(reason)

    reg = JobRegistry(max_workers=1, torch_threads=1, runner=runner)
    previous = state.use_registry(reg)
    try:
        jid = reg.submit(generate("airline"), RunConfig(), owner="someone")
        snap = reg.wait(jid, TIMEOUT)
        assert snap is not None and snap.status == JobStatus.FAILED and not len(snap.epochs)
        at = new_app()
        at.query_params["job"] = jid
        at.run()
        at.switch_page("pages/train.py").run()
        no_errors(at)
        assert texts(at.error) == [f"**Failed** — {md_escape(reason)}"]
        assert not any("The loss appears" in m.value for m in at.markdown)
        assert at.get("progress") == []
        assert "Log-scale loss" not in [t.label for t in at.toggle]
    finally:
        state.use_registry(previous)
        reg.close()


def test_reload_reattaches_to_the_job_from_the_url(fake):
    first = new_app().run()
    job_id = start_tiny_job(first, epochs=3)
    wait_until_over(first, job_id)
    second = new_app()
    second.query_params["job"] = job_id
    second.run()
    second.switch_page("pages/train.py").run()
    no_errors(second)
    assert second.session_state["job_id"] == job_id
    assert any(t.startswith("**Finished**") for t in texts(second.success))


def test_bad_config_shows_one_sentence(fake):
    at = new_app().run()
    at.switch_page("pages/train.py").run()
    at.number_input(key="train_horizon").set_value(0)  # horizon 0 needs input columns
    at.button[0].click().run()
    no_errors(at)
    assert at.error and "needs at least one input column" in at.error[0].value


def test_train_settings_are_kept_and_fitted_to_a_shorter_dataset(fake):
    at = new_app().run()
    at.switch_page("pages/train.py").run()
    at.number_input(key="train_look_back").set_value(60)  # airline: 144 rows, at most 72
    at.number_input(key="train_hidden").set_value(17)
    at.number_input(key="train_epochs").set_value(1)
    at.button[0].click().run()  # submitted: the form's values are committed
    no_errors(at)
    at.switch_page("pages/data.py").run()
    at.session_state["dataset"] = _short_dataset(40)
    at.switch_page("pages/train.py").run()
    no_errors(at)
    assert at.number_input(key="train_hidden").value == 17  # kept across the page switch
    assert at.number_input(key="train_look_back").value == 20  # clipped to the new maximum (40 // 2)


def test_a_look_back_left_at_the_default_follows_the_new_datasets_and_one_set_stays(fake):
    from tests.test_weekly_season import _hourly

    frame = _hourly(1300, weekends=True)
    body = "time,demand\n" + "".join(f"{t:%Y-%m-%d %H:%M},{v:.4f}\n" for t, v in frame["demand"].items())

    def train_page_after_upload(look_back: int | None) -> int:
        at = new_app().run()
        at.switch_page("pages/train.py").run()
        assert at.number_input(key="train_look_back").value == 12  # airline's default
        if look_back is not None:
            at.number_input(key="train_look_back").set_value(look_back)
            at.button[0].click().run()  # submitted: the form's values are committed
        at.switch_page("pages/data.py").run()
        at.file_uploader(key="data_upload").set_value(("load.csv", body.encode(), "text/csv")).run()
        at.switch_page("pages/train.py").run()
        no_errors(at)
        return at.number_input(key="train_look_back").value

    assert train_page_after_upload(None) == 24  # a day of hourly demand, which repeats weekly
    assert train_page_after_upload(30) == 30


def test_a_short_upload_opens_the_train_page_and_trains_with_the_defaults(fake):
    # a 20-row series: the default window of 12 is over half of it (the Train page's maximum, 10) and
    # longer than its 11 training points
    at = new_app().run()
    at.session_state["dataset"] = _short_dataset(20)
    at.switch_page("pages/train.py").run()
    no_errors(at)  # the form opens (it raised StreamlitValueAboveMaxError: value 12 > max_value 10)
    assert at.number_input(key="train_look_back").value == 3  # a third of the 11 training points
    at.switch_page("pages/data.py").run()
    from ui.quickstart import TRAIN_LABEL

    next(b for b in at.button if b.label == TRAIN_LABEL).click().run()
    no_errors(at)
    from lstm_core.job_status import JobStatus
    from ui import state

    job = fake.get(at.session_state[state.JOB])
    assert job is not None and job.config.data.look_back == 3  # not 12, too long for 11 training points
    assert job.status == JobStatus.FINISHED, job.error


def test_the_forecast_page_opens_on_a_run_with_a_long_season(fake):
    at = new_app().run()
    job_id = start_tiny_job(at, epochs=1)
    wait_until_over(at, job_id)
    from ui import state

    run = state.registry().snapshot(job_id).run
    from dataclasses import replace

    # as a run trained with --season 150 (ten-minute readings, a daily cycle) on a long series
    run.metrics = replace(run.metrics, info=replace(run.metrics.info, season=150, n_points=10_000))
    at.switch_page("pages/forecast.py").run()
    no_errors(at)  # two seasons ahead would be 300, past the slider's 240
    assert at.slider(key="forecast_steps").value == 240


def test_the_forecast_page_says_a_weekly_season_was_taken_and_why(fake):
    at = new_app().run()
    job_id = start_tiny_job(at, epochs=1)
    wait_until_over(at, job_id)
    from dataclasses import replace

    from ui import state

    run = state.registry().snapshot(job_id).run
    # as a run on hourly electricity demand, whose weekends differ (prep.weekly_or_daily)
    run.metrics = replace(run.metrics, info=replace(run.metrics.info, season=168, season_source="weekly"))
    at.switch_page("pages/forecast.py").run()
    no_errors(at)
    captions = " ".join(c.value for c in at.caption)
    assert (
        "season 168 (a week: the value a week before forecast the training part better than the value a day before)"
        in captions
    )


def test_the_forecast_page_says_a_yearly_season_was_taken_and_why(fake):
    at = new_app().run()
    job_id = start_tiny_job(at, epochs=1)
    wait_until_over(at, job_id)
    from dataclasses import replace

    from ui import state

    run = state.registry().snapshot(job_id).run
    # as a run on a daily temperature, which follows the year (prep.yearly_or_weekly)
    run.metrics = replace(run.metrics, info=replace(run.metrics.info, season=365, season_source="yearly"))
    at.switch_page("pages/forecast.py").run()
    no_errors(at)
    captions = " ".join(c.value for c in at.caption)
    assert (
        "season 365 (a year: the value a year before forecast the training part half a year ahead better than "
        "the last week repeated)" in captions
    )


def _short_dataset(n: int):
    from lstm_core.data import frame_to_csv_bytes, generate, load_csv
    from ui.state import dataset_from_loaded

    return dataset_from_loaded(load_csv(frame_to_csv_bytes(generate("sine", length=n)), name="short.csv"), "short.csv")


# ---- file and column names are shown as text, never as Markdown -----------------------------------

EVIL = "[x](http://evil.example)"
_CODE_SPAN = re.compile(r"(`+)(?!`).*?(?<!`)\1(?!`)", re.S)


def _markdown_texts(at: AppTest) -> list[str]:
    """What every Markdown-rendering element of the page says, code spans removed (nothing in
    a code span is a link)."""
    kinds = ("markdown", "caption", "info", "success", "warning", "error", "title", "header", "subheader")
    return [_CODE_SPAN.sub("", str(e.value)) for kind in kinds for e in at.get(kind)]


def _links_to_evil(at: AppTest) -> list[str]:
    return [t for t in _markdown_texts(at) if "](http://evil.example)" in t or "<http://evil.example>" in t]


def test_a_column_named_like_a_link_is_shown_as_text_on_every_page(fake):
    at = new_app().run()
    rows = "\n".join(f"{i},{i % 7},{10 + i % 5}" for i in range(60))
    csv = f"step,{EVIL},y\n{rows}\n".encode()
    at.file_uploader(key="data_upload").set_value((f"{EVIL}.csv", csv, "text/csv")).run()
    no_errors(at)
    ds = at.session_state["dataset"]
    assert ds.name == f"{EVIL}.csv" and EVIL in ds.frame.columns and ds.target == "y"
    at.multiselect(key=f"data_inputs_{ds.version}").set_value([EVIL]).run()
    no_errors(at)
    assert at.session_state["dataset"].inputs == [EVIL]
    assert not _links_to_evil(at), _links_to_evil(at)
    assert md_escape(f"{EVIL}.csv") in texts(at.subheader)  # the name is there, escaped
    for page in ("pages/train.py", "pages/compare.py"):
        at.switch_page(page).run()
        no_errors(at)
        assert any(md_escape(EVIL) in t for t in _markdown_texts(at)), page
        assert not _links_to_evil(at), (page, _links_to_evil(at))


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("[x](http://evil.example)", r"\[x\](http\://evil.example)"),
        (
            "![i](x.png) <http://a.b> www.evil.example me@evil.example",
            r"!\[i\](x.png) \<http\://a.b\> www\.evil.example me\@evil.example",
        ),
        ("a\u200bb\u202ec\u2066d\u0007", "abcd"),
        (
            "**bold** _it_ ~s~ `code` :red[x] $x$ &#x202e;",
            r"\*\*bold\*\* \_it\_ \~s\~ \`code\` :red\[x\] \$x\$ \&#x202e;",
        ),
        ("line\nbreak\ttab", "line break tab"),
        ("# title", r"\# title"),
        ("- item", r"\- item"),
        ("12. item", r"12\. item"),
        ("page.csv: The file is a web page (HTML).", "page.csv: The file is a web page (HTML)."),
    ],
)
def test_md_escape_shows_text_literally(raw, shown):
    assert md_escape(raw) == shown


def test_a_count_of_networks_agrees_with_its_verb():
    """ "1 more of 1 output on the representation the backtest left out (...) join them" lacked its noun and agreement."""
    from ui.text import join_them, more_networks

    assert f"{more_networks(1)} of 1 output {join_them(1)}" == "1 more network of 1 output joins them"
    assert f"{more_networks(12)} of 1 output {join_them(12)}" == "12 more networks of 1 output join them"


def test_md_code_and_plot_text():
    from ui.text import md_code, plot_text

    assert md_code("a`b") == "``a`b``" and md_code("`x") == "`` `x ``" and md_code(EVIL) == f"`{EVIL}`"
    assert plot_text('<a href="http://evil.example">x</a>\u200b') == '&lt;a href="http://evil.example"&gt;x&lt;/a&gt;'


def _forecast_page_with(zip_path: Path):
    """The Forecast page after restoring the run zip at ``zip_path`` (no error shown)."""
    at = new_app().run()
    at.switch_page("pages/forecast.py").run()
    at.file_uploader(key="forecast_zip").set_value((zip_path.name, zip_path.read_bytes(), "application/zip"))
    at.run()
    wait_for_restore(at)
    no_errors(at)
    return at


def _forecast_page_of_script(script: str, tmp_path: Path):
    """Run ``script`` in its own process (it trains a run and writes its zip to ``argv[1]`` and a
    JSON value to ``argv[2]``), then restore the zip on the Forecast page: ``(AppTest, value)``."""
    import json
    import subprocess
    import sys

    zip_path, value = tmp_path / "run.zip", tmp_path / "value.json"
    subprocess.run(
        [sys.executable, "-c", script, str(zip_path), str(value)], check=True, cwd=Path(__file__).parent.parent
    )
    return _forecast_page_with(zip_path), json.loads(value.read_text())


def test_a_run_with_damped_steps_says_what_damping_means(tmp_path):
    import subprocess
    import sys

    # the run is trained in its own process, with every differenced representation damped
    script = """
import sys
import numpy as np, pandas as pd
from lstm_core import strategy
from lstm_core.config import RunConfig
from lstm_core.data import Series
from lstm_core.pipeline import fit_run
from ui import runs_view
strategy.DAMP_GRID = (0.9,)
t = np.arange(160)
y = 50 + 0.2 * t + 10 * np.sin(2 * np.pi * t / 12) + np.random.default_rng(5).normal(0, 1, 160)
cfg = RunConfig()
cfg.model.hidden_size, cfg.train.epochs, cfg.train.ensemble, cfg.data.look_back = 4, 3, 2, 6
frame = pd.DataFrame({"y": y}, index=pd.date_range("2000-01", periods=160, freq="MS", name="date"))
run = fit_run(Series(frame, season=12), cfg)
assert any(m.prep.transform.damp == 0.9 for m in run.members)
open(sys.argv[1], "wb").write(runs_view.run_zip(run, 12))
"""
    zip_path = tmp_path / "damped.zip"
    subprocess.run([sys.executable, "-c", script, str(zip_path)], check=True, cwd=Path(__file__).parent.parent)
    at = _forecast_page_with(zip_path)
    captions = texts(at.caption)
    assert any("steps damped 0.9" in c for c in captions)
    assert any(c.startswith("*steps damped φ*: the network's k-th forecast step") for c in captions)


def test_a_short_series_run_names_its_one_step_networks_apart_from_the_forecasts(tmp_path):
    import json
    import subprocess
    import sys

    # a run on a short series (auto ensemble): extra one-output networks make its one-step predictions
    script = """
import json, sys
import numpy as np, pandas as pd
from lstm_core.config import RunConfig
from lstm_core.data import Series
from lstm_core.pipeline import fit_run
from ui import runs_view
t = np.arange(72)
y = 100 + 10 * np.sin(2 * np.pi * t / 12) + np.random.default_rng(2).normal(0, 1, 72)
cfg = RunConfig()
cfg.model.hidden_size, cfg.train.epochs = 4, 2
frame = pd.DataFrame({"y": y}, index=pd.date_range("2000-01", periods=72, freq="MS", name="date"))
run = fit_run(Series(frame, season=12), cfg)
steps = sum(m.networks for m in run.members if m.one_step_only and not m.standby)
standby = [m.prep.transform.name for m in run.members if m.standby]
paths = sum(m.networks for m in run.members if not m.one_step_only)
linear = sum(1 for m in run.members for net in getattr(m.model, "members", [m.model]) if net.linear is not None)
deseason = [m.prep.transform.name for m in run.members if m.prep.transform.deseason]
open(sys.argv[1], "wb").write(runs_view.run_zip(run, 12))
out = {"paths": paths, "steps": steps, "standby": standby, "linear": linear, "networks": run.networks}
out["deseason"] = deseason
open(sys.argv[2], "w").write(json.dumps(out))
"""
    zip_path, counts = tmp_path / "short.zip", tmp_path / "counts.json"
    subprocess.run(
        [sys.executable, "-c", script, str(zip_path), str(counts)], check=True, cwd=Path(__file__).parent.parent
    )
    n = json.loads(counts.read_text())
    assert n["steps"] > 0
    at = _forecast_page_with(zip_path)
    # the first line counts the forecast's networks and, as the Train page does, every one trained
    assert any(f"· {n['paths']} networks ({n['networks']} trained) ·" in c for c in texts(at.caption))
    caption = next(c for c in texts(at.caption) if "networks averaged" in c)
    assert f"· {n['paths']} networks averaged" in caption  # the forecast's own, not the one-step ones
    assert f"one step ahead, {n['steps']} more networks of 1 output over the last 6 points join them" in caption
    # no representation kept is differenced at lag 1: a standby network on the differences joins them too
    assert n["standby"] and f"a standby network on the {n['standby'][0]} joins them, weighed like" in caption
    # the one-step weights follow the members' errors over the test part (one_step="online")
    assert "one step ahead, each representation is weighed by its errors so far: on the validation part" in caption
    # its deseasonalised representations re-estimate their profile at each origin (profiles="origin")
    assert n["deseason"] and "a removed seasonal profile is re-estimated at each forecast origin" in caption
    # two of the one-step networks are anchored on their window's last value (pipeline.LAST_ONE_STEP)
    anchored = [c for c in texts(at.caption) if c.startswith("*window last value removed*: each input window's")]
    # counted (it said "two such networks join" beside "12 more networks of 1 output" that named no representation)
    assert len(anchored) == 1 and anchored[0].endswith(
        "; on this short series 2 of the one-step networks above use it (they take part in the one-step predictions "
        "only)."
    )
    assert "the backtest kept it" not in anchored[0]  # none of the forecast's own representations is one
    # the networks of a season of outputs and the one-step ones have a linear path, those run recursively none
    assert 0 < n["linear"] < n["networks"]
    assert f"· {n['linear']} of the {n['networks']} networks have a linear path from their window" in caption
    at.switch_page("pages/gates.py").run()
    no_errors(at)
    # counted as the Train page counts them too: "averages 10" stood beside Train's "11 networks trained"
    extra = n["networks"] - n["paths"]
    assert extra > 0 and any(
        c.startswith(
            f"This run's forecast averages {n['paths']} LSTM networks (of the {n['networks']} it trained: the other "
            f"{extra} make one-step predictions only); "
        )
        for c in texts(at.caption)
    ), texts(at.caption)
    # the last prediction's window, in the test part: read as the one-step prediction read it
    at.selectbox(key="gates_mode").set_value("window").run()
    no_errors(at)
    window = [c for c in texts(at.caption) if c.startswith("Window of the prediction for")]
    # named by the months of the window's first and last rows (as the charts write them: "Feb 1961"),
    # the month before the prediction's, and the slider names the prediction so too
    found = re.fullmatch(
        r"Window of the prediction for \*\*(\w{3} \d{4})\*\*: (\w{3} \d{4}) to (\w{3} \d{4})\.", window[0]
    )
    assert len(window) == 1 and found, window
    target, first, last = (pd.Timestamp(s) for s in found.groups())
    assert last == target - pd.DateOffset(months=1) and first < last
    picked = at.select_slider(key="gates_target")
    assert picked.format_func(picked.value) == found.group(1)


def test_the_forecast_page_says_where_level_networks_were_left_out_one_step_ahead(tmp_path):
    # a random walk that climbs out of its training range, every shortlisted representation kept
    script = """
import json, sys
import numpy as np, pandas as pd
from lstm_core import strategy
from lstm_core.config import RunConfig
from lstm_core.data import Series
from lstm_core.pipeline import fit_run
from lstm_core import pipeline
from ui import runs_view
strategy.SKILL_RATIO = strategy.SCREEN_RATIO = pipeline.LEVEL_RATIO = float("inf")
y = 100 + np.cumsum(np.random.default_rng(3).normal(0, 1, 150))
y[110:] += np.linspace(0, 30, 40)
cfg = RunConfig()
cfg.model.hidden_size, cfg.train.epochs = 4, 3
run = fit_run(Series(pd.DataFrame({"y": y})), cfg)
open(sys.argv[1], "wb").write(runs_view.run_zip(run, 12))
open(sys.argv[2], "w").write(json.dumps(run.metrics.guards.one_step_range))
"""
    at, expected = _forecast_page_of_script(script, tmp_path)
    assert expected is not None and "test points the series had left the range" in expected
    assert expected in texts(at.caption)


def test_the_forecast_page_says_when_the_networks_used_a_shorter_look_back(tmp_path):
    # 24 yearly points: 14 in the training part, under twice the default look_back of 12
    script = """
import json, sys
import numpy as np, pandas as pd
from lstm_core.config import RunConfig
from lstm_core.data import Series
from lstm_core.pipeline import fit_run
from ui import runs_view
y = 400 * 1.2 ** np.arange(24.0)
frame = pd.DataFrame({"miles": y}, index=pd.date_range("1937", periods=24, freq="YS", name="year"))
cfg = RunConfig()
cfg.model.hidden_size, cfg.train.epochs = 4, 3
run = fit_run(Series(frame), cfg)
open(sys.argv[1], "wb").write(runs_view.run_zip(run, 5))
open(sys.argv[2], "w").write(json.dumps(run.metrics.guards.look_back))
"""
    at, expected = _forecast_page_of_script(script, tmp_path)
    assert expected is not None and expected.startswith("The networks used a look_back of 4 instead of 12")
    assert expected in texts(at.caption)


def test_the_forecast_page_says_which_spike_it_replaced_for_training(tmp_path):
    script = """
import json, sys
import numpy as np, pandas as pd
from lstm_core.config import RunConfig
from lstm_core.data import Series
from lstm_core.pipeline import fit_run
from ui import runs_view
t = np.arange(96)
y = 20 + 5 * np.sin(2 * np.pi * t / 12) + np.random.default_rng(4).normal(0, 0.5, 96)
y[30] = 2000.0
frame = pd.DataFrame({"sales": y}, index=pd.date_range("2015-01-01", periods=96, freq="MS", name="month"))
cfg = RunConfig()
cfg.model.hidden_size, cfg.train.epochs = 4, 3
run = fit_run(Series(frame), cfg)
open(sys.argv[1], "wb").write(runs_view.run_zip(run, 5))
open(sys.argv[2], "w").write(json.dumps(run.metrics.guards.outliers))
"""
    at, expected = _forecast_page_of_script(script, tmp_path)
    assert expected is not None and expected.startswith("1 lone spike before the test part (2017-07-01: 2000 → ")
    assert expected in texts(at.info)


def test_the_validation_curve_is_named_for_the_weights_it_was_measured_on():
    from ui.jobs_view import validation_name

    assert validation_name({"train": {"weight_average": 0.5}}) == "validation (weights' average)"
    assert validation_name({"train": {"weight_average": 0.0}}) == "validation"  # a run saved before averaging
    assert validation_name({"sweep": "compare"}) == "validation"  # a job that is not a training run


def test_a_quick_look_says_how_many_networks_only_when_that_is_known():
    import numpy as np
    import pandas as pd

    from lstm_core.pipeline import FirstLook
    from ui.jobs_view import look_caption

    frame = pd.DataFrame(
        {
            "time": pd.date_range("1949-01-01", periods=24, freq="MS"),
            "actual": np.arange(24.0),
            "part": ["train"] * 16 + ["val"] * 2 + ["test"] * 6,
            "one_step": np.arange(24.0),
        }
    )
    known = look_caption(FirstLook(frame, networks=10, seen_before=12))
    assert "before Jan 1950" in known and "the run's 10 networks are training now" in known
    # a short series: the backtest decides how many variants, and so how many networks, the run has
    unknown = look_caption(FirstLook(frame, networks=None, seen_before=12))
    assert "the run's networks are training now" in unknown and "None" not in unknown
    own = look_caption(FirstLook(frame, networks=16))
    assert "network 1 of 16 has trained; the run's 16 networks are training now" in own


def test_a_baselines_name_keeps_its_capitals_at_the_start_of_a_sentence():
    from lstm_core.verdict import label
    from ui.text import upper_first

    assert [upper_first(label(k)) for k in ("naive", "seasonal_naive", "holt_winters")] == [
        "Naive (last value)",
        "Seasonal naive",
        "Holt-Winters",
    ]
    assert upper_first("") == ""


def test_the_data_page_says_hourly_demand_takes_a_week_for_its_season():
    from tests.test_weekly_season import _hourly

    def shown_after(weekends: bool) -> tuple[str, str]:
        """The caption's text and the "What was detected" list's."""
        frame = _hourly(1300, weekends=weekends)
        body = "time,demand\n" + "".join(f"{t:%Y-%m-%d %H:%M},{v:.4f}\n" for t, v in frame["demand"].items())
        at = new_app().run()
        at.file_uploader(key="data_upload").set_value(("load.csv", body.encode(), "text/csv")).run()
        no_errors(at)
        detected = next(e for e in at.expander if e.label == "What was detected")
        return " ".join(c.value for c in at.caption), " ".join(m.value for m in detected.markdown)

    caption, detected = shown_after(True)
    assert "frequency **hourly** (season 168: a week, which repeats here better than a day)" in caption
    # the list names one season, the run's, where it said "season 24" and then "A run takes season 168"
    assert "frequency hourly, season 168 (a week, which repeats here better than a day; the calendar's is 24)," in (
        detected.replace("\\", "")
    )
    assert "season 24," not in detected and "A run takes" not in detected
    caption, detected = shown_after(False)
    assert "frequency **hourly** (season 24)" in caption and "a week" not in caption
    assert "frequency hourly, season 24," in detected.replace("\\", "") and "calendar" not in detected


def test_the_data_page_says_a_daily_temperature_takes_a_year_for_its_season():
    from tests.test_yearly_season import daily

    def caption_after(kind: str) -> str:
        frame = daily(1400, kind)
        body = f"date,{kind}\n" + "".join(f"{t:%Y-%m-%d},{v:.4f}\n" for t, v in frame[kind].items())
        at = new_app().run()
        at.file_uploader(key="data_upload").set_value(("days.csv", body.encode(), "text/csv")).run()
        no_errors(at)
        return " ".join(c.value for c in at.caption)

    assert (
        "frequency **daily** (season 365: a year, whose cycle forecasts it half a year ahead better than last week)"
        in caption_after("temperature")
    )
    riders = caption_after("riders")
    assert "frequency **daily** (season 7)" in riders and "a year" not in riders


def test_the_metrics_table_writes_big_errors_with_separators_as_the_verdict_does(fake):
    # a series in the 10^15 (huge_values.csv): "%.4g" showed its RMSE as 10090000000000 beside an MAE
    # one digit shorter, while the verdict above wrote 10,090,000,000,000
    at = new_app().run()
    airline = at.session_state["dataset"].frame["Passengers"].to_numpy()
    rows = "".join(f"{2000 + k // 12}-{k % 12 + 1:02d}-01,{v * 1e13:.1f}\n" for k, v in enumerate(airline))
    at.file_uploader(key="data_upload").set_value(("huge.csv", ("month,value\n" + rows).encode(), "text/csv")).run()
    no_errors(at)
    for name in ("huge.csv", "airline"):
        if name == "airline":  # the bundled data: errors in the tens, written as before
            at.session_state["dataset"] = new_app().run().session_state["dataset"]
        job_id = start_tiny_job(at, epochs=1)
        wait_until_over(at, job_id)
        at.switch_page("pages/forecast.py").run()
        no_errors(at)
        element = at.dataframe[0]
        formats = {k: c.get("type_config", {}).get("format") for k, c in json.loads(element.proto.columns).items()}
        table = element.value
        big = name == "huge.csv"
        assert bool(table["RMSE"].min() >= 10_000) is big
        for col in ("RMSE", "MAE"):
            assert formats[col] == ("%,.4g" if big else "%.4g")
            if big:  # four significant figures, as the verdict's numbers
                assert all(float(f"{v:.4g}") == v for v in table[col])
        assert formats["MASE"] == "%.4g"  # a ratio near 1 keeps its decimals
        if big:  # presenting, the HTML table writes them alike (it wrote 10090000000000 too)
            at.session_state["presenter_mode"] = True  # presenter.KEY (the URL drops it on a page switch)
            at.query_params.pop("presenter", None)
            at.run()
            no_errors(at)
            page = " ".join(h.proto.body for h in at.get("html"))
            assert f"{table['RMSE'].iloc[0]:,.0f}" in page and f">{table['RMSE'].iloc[0]:.0f}<" not in page
            at.session_state["presenter_mode"] = False
        at.switch_page("pages/data.py").run()


def test_a_run_store_that_cannot_be_opened_is_said_in_the_sidebar_not_a_traceback(tmp_path):
    from lstm_core.jobs import JobRegistry
    from lstm_core.store import RunStore

    blocker = tmp_path / "home"
    blocker.write_text("not a folder")
    reg = JobRegistry(
        max_workers=1, torch_threads=0, runner=fakes.prebuilt_runner, inline=True, store=RunStore(blocker / "jobs")
    )
    with fakes.fake_registry(reg):
        at = new_app()
        at.run()  # the Data page: the sidebar says why runs will not survive a restart
        no_errors(at)
        assert any("kept in memory only" in t for t in texts(at.sidebar.warning)), texts(at.sidebar.warning)
        job = start_tiny_job(at)  # and training still works, in memory
        assert "**Finished**" in wait_until_over(at, job)


def test_the_epochs_boxes_have_a_short_label_and_say_early_stopping_ends_sooner(capsys):
    """The label "Epochs (upper bound)" took two lines at presenter size; the short label leaves the meaning to
    the help, on the Train and Compare pages alike (and the CLI's --epochs says the same)."""
    from lstm_core.cli import build_parser

    at = new_app().run()
    at.switch_page("pages/train.py").run()
    no_errors(at)
    boxes = [at.number_input(key="train_epochs")]
    at.switch_page("pages/compare.py").run()
    no_errors(at)
    boxes.append(at.number_input(key="cmp_epochs"))
    for box in boxes:
        assert box.label == "Max epochs"
        assert "upper bound" in box.help and "early stopping usually ends sooner" in box.help
    with pytest.raises(SystemExit):
        build_parser().parse_args(["train", "--help"])
    usage = " ".join(capsys.readouterr().out.split())  # argparse wraps the help at the terminal's width
    assert (
        "--epochs EPOCHS the most epochs a network trains for (default: 300, an upper bound): early stopping usually"
        in usage
    )


def _forms(node, out: dict) -> dict:
    """Every form block under ``node``, by its id."""
    proto = getattr(node, "proto", None)
    if proto is not None and hasattr(proto, "form") and proto.HasField("form"):
        out[proto.form.form_id] = proto.form
    for child in getattr(node, "children", {}).values():
        _forms(child, out)
    return out


def test_enter_in_a_box_starts_no_training_nor_comparison():
    """A hidden size typed and entered started a training of 300 epochs, and each Enter another."""
    at = new_app().run()
    at.switch_page("pages/train.py").run()
    no_errors(at)
    train = _forms(at.main, {})["train_form"]
    at.switch_page("pages/compare.py").run()
    no_errors(at)
    compare = _forms(at.main, {})["cmp_form"]
    assert (train.enter_to_submit, compare.enter_to_submit) == (False, False)


def test_a_look_back_past_half_the_data_goes_to_the_run(fake):
    """Look-back 500 on the 144 months of airline: the box, bounded at 72, refused it with a mark shown on
    hover only, and Start did nothing. It goes to the run, which shortens it and says so."""
    from ui import state

    at = new_app().run()
    at.switch_page("pages/train.py").run()
    assert not at.number_input(key="train_look_back").proto.has_max  # bounded by the run, not the box
    at.number_input(key="train_look_back").set_value(500)
    at.button[0].click().run()
    no_errors(at)
    snap = state.registry().snapshot(at.session_state["job_id"])
    assert snap is not None and snap.config["data"]["look_back"] == 500
    assert at.number_input(key="train_look_back").value == 500  # kept, not clipped behind the user's back


def test_the_preview_writes_dates_as_precisely_as_the_file():
    """Years read 1960-01-01 in the preview of a file that wrote 1960."""
    at = new_app().run()
    body = "year,gdp\n" + "\n".join(f"{1960 + i},{100 + i}" for i in range(30))
    at.file_uploader(key="data_upload").set_value(("gdp.csv", body.encode(), "text/csv")).run()
    at.run()
    no_errors(at)
    assert list(at.dataframe[0].value.index[:2]) == ["1960", "1961"]


def test_the_train_button_says_how_long_a_long_series_takes():
    """ "Forecasts temperature with the default settings (a few seconds)" stood beside a 52,000-row series whose run
    took five minutes."""
    at = new_app().run()
    for rows, said in ((144, "(a few seconds)"), (20_000, "(minutes rather than seconds on 20,000 rows)")):
        at.session_state["dataset"] = _short_dataset(rows)
        at.switch_page("pages/data.py").run()
        no_errors(at)
        assert any(said in c.value for c in at.caption), [c.value for c in at.caption]


def test_the_data_page_says_a_minute_series_has_no_season():
    """The Data page read "frequency every minute" and nothing of a season, which a minute series does not get."""
    import numpy as np
    import pandas as pd

    from lstm_core.data import frame_to_csv_bytes, load_csv
    from ui.state import dataset_from_loaded

    times = pd.date_range("2024-01-01", periods=3000, freq="min")
    frame = pd.DataFrame({"v": np.cumsum(np.random.default_rng(0).normal(size=3000))}, index=times)
    frame.index.name = "time"
    at = new_app().run()
    at.session_state["dataset"] = dataset_from_loaded(load_csv(frame_to_csv_bytes(frame), name="m.csv"), "m.csv")
    at.switch_page("pages/data.py").run()
    no_errors(at)
    assert any("frequency **every minute** (no season: a day is 1,440 steps" in c.value for c in at.caption)
