"""Issue 12 through AppTest: the Data page's primary action and presenter mode as one app-wide switch."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from ui import presenter

ROOT = Path(__file__).resolve().parents[1]


def new_app() -> AppTest:
    return AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)


def test_primary_action_trains_with_the_defaults_and_opens_the_train_page(fake):
    at = new_app().run()
    assert not at.exception
    button = at.button(key="data_train")
    assert button.label == "Train an LSTM on this series"
    button.click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == "Train"
    job_id = at.session_state["job_id"]
    snap = fake.snapshot(job_id)
    assert snap.config["data"]["target"] == "Passengers" and snap.config["model"]["cell"] == "lstm"
    assert any(s.value.startswith("**Finished**") for s in at.success)  # the live panel is on the Train page


def test_presenter_param_turns_it_on_for_every_page_and_the_toggle_turns_it_off():
    at = new_app()
    at.query_params[presenter.PARAM] = "1"
    at.run()
    assert at.toggle(key=presenter.TOGGLE_KEY).value is True
    for page in ("pages/train.py", "pages/forecast.py", "pages/compare.py", "pages/experiments.py"):
        at.query_params.pop(presenter.PARAM, None)  # a page switch in the browser drops the query string
        at.switch_page(page).run()
        assert not at.exception, [e.value for e in at.exception]
        assert at.session_state[presenter.KEY] is True
        # (the URL gets presenter=1 back after a switch: checked in the browser, tests/test_classroom_browser.py)

    off = new_app()
    off.query_params[presenter.PARAM] = "1"
    off.run()
    off.toggle(key=presenter.TOGGLE_KEY).set_value(False).run()
    # (AppTest shows app.py's sidebar on the first run only, so the state is read directly)
    assert presenter.PARAM not in off.query_params and off.session_state[presenter.KEY] is False
    off.run()  # stays off on the next run
    assert off.session_state[presenter.KEY] is False


@pytest.mark.parametrize("preset", ["airline", "sin-cos", "long-memory"])
def test_a_classic_experiment_opens_on_its_last_result_with_a_full_link(preset):
    at = new_app()
    at.query_params["preset"] = preset
    at.run()
    at.switch_page("pages/experiments.py").run()
    assert not at.exception, [e.value for e in at.exception]
    last = [c.value for c in at.caption if c.value.startswith("Last result (")]
    assert len(last) == 1 and ".." not in last[0], last  # one full stop after the result's note
    if preset != "long-memory":  # the demo's scaling, said above, was said again in the last result's caption
        assert sum("Scaled down for a quick class demo" in c.value for c in at.caption) == 1
    # the result's figure at once, as a picture (no wait for Plotly's script in the browser)...
    pictures = [m.value for m in at.markdown if m.value.startswith('<svg class="sketch-svg"')]
    assert len(pictures) == 1 and at.get("plotly_chart") == []
    assert "test accuracy (%)" in pictures[0] if preset == "long-memory" else "one-step predictions" in pictures[0]
    assert not re.search(r"\bnan\b|\binf\b", pictures[0], re.I)
    target = {"airline": "Passengers", "sin-cos": "cos"}.get(preset)
    if target is not None:  # the picture's value axis is titled as the chart's below
        assert f">{target}</text>" in pictures[0]
    at.run()  # ...then, once the browser says the first screen is painted, the interactive chart
    assert len(at.get("plotly_chart")) == 1
    if preset != "long-memory":  # its value axis is titled with the target's name, as on the Forecast page
        spec = json.loads(at.get("plotly_chart")[0].proto.spec)
        assert spec["layout"]["yaxis"]["title"]["text"] == {"airline": "Passengers", "sin-cos": "cos"}[preset]
    assert not [m for m in at.markdown if m.value.startswith("<svg")]
    assert at.code[0].value == f"/experiments?preset={preset}"  # AppTest has no browser URL (absolute: browser test)
    table = at.dataframe[0].value
    assert not table.isna().any().any() and "None" not in table.astype(str).to_numpy()
    label = at.button(key="mem_start" if preset == "long-memory" else f"exp_run_{preset}").label
    assert label == ("Run sweep" if preset == "long-memory" else "Rerun live")


def test_a_finished_experiment_is_kept_as_its_last_result(fake, tmp_path, monkeypatch):
    """Kept for the browser that ran it; another opens on its own or the shipped one (kept for the whole
    server, a student's sweep of one lag replaced the shipped sweep behind the teacher's link)."""
    from lstm_core import preset_results as pr
    from ui import owner_cookie

    monkeypatch.setenv("LSTM_LAB_HOME", str(tmp_path))
    at = new_app()
    at.query_params["preset"] = "sin-cos"
    at.run()
    at.switch_page("pages/experiments.py").run()
    at.button(key="exp_run_sin-cos").click().run()  # the fake registry finishes jobs as they are submitted
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert any(s.value == "Ours next to the tutorial" for s in at.subheader)
    assert at.button(key="exp_run_sin-cos").label == "Rerun live"  # it read "Run this experiment" above its results
    assert (pr.owner_dir(at.session_state["owner"]) / "sin-cos.json").exists()
    assert not (tmp_path / "experiments" / "sin-cos.json").exists()  # nobody else's page changes
    (live,) = [json.loads(c.proto.spec) for c in at.get("plotly_chart") if "the tutorial's figure" in c.proto.spec]
    assert live["layout"]["yaxis"]["title"]["text"] == "cos"  # the run's target, as on the Forecast page
    other = new_app()  # another browser
    other.query_params["preset"] = "sin-cos"
    other.run()
    other.switch_page("pages/experiments.py").run()
    assert any(c.value.startswith("Last result (shipped with the app") for c in other.caption)
    again = new_app()  # the same browser, a visit later
    again.query_params["preset"] = "sin-cos"
    with owner_cookie.browser_cookies({owner_cookie.COOKIE: at.session_state["owner"]}):
        again.run()
        again.switch_page("pages/experiments.py").run()
    assert any(c.value.startswith("Last result (yours") for c in again.caption)
    with owner_cookie.browser_cookies({owner_cookie.COOKIE: at.session_state["owner"]}):
        again.run()  # the interactive chart, once the first screen is painted
    (saved,) = [json.loads(c.proto.spec) for c in again.get("plotly_chart") if "the tutorial's figure" in c.proto.spec]
    # drawn as it was live: the live chart had a one-step band and another legend order
    assert [t.get("name") for t in saved["data"]] == [t.get("name") for t in live["data"]]


def _charts_in_columns(at: AppTest) -> set[str]:
    """Keys of the Plotly charts that sit in a column (side by side with another)."""
    return {c.proto.id.rsplit("-", 1)[-1] for col in at.columns for c in col.get("plotly_chart")}


def _forecast_page(presenting: bool) -> AppTest:
    """The Forecast page of a run trained from the Data page's primary action."""
    at = new_app()
    if presenting:
        at.query_params[presenter.PARAM] = "1"  # a shared ?presenter=1 link
    at.run()
    at.button(key="data_train").click().run()
    at.switch_page("pages/forecast.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.session_state[presenter.KEY] is presenting
    assert len(at.get("plotly_chart")) == 4  # overlay, multi-step, residuals, future: all drawn
    return at


def test_presenting_puts_the_forecast_pages_half_width_charts_one_under_the_other(fake):
    # At 1280x720 with projector-size text, a half-width chart's title ran past its edge.
    assert {"forecast_multistep", "forecast_residuals"} <= _charts_in_columns(_forecast_page(presenting=False))
    assert not _charts_in_columns(_forecast_page(presenting=True)) & {"forecast_multistep", "forecast_residuals"}


def test_a_result_saved_under_a_label_the_preset_no_longer_has_still_opens(tmp_path, monkeypatch):
    """A saved experiment result keeps predictions, not the target's name; the overlay's value
    axis takes it from the preset's configuration of that label. A result saved by an older
    version under a label the preset no longer has opens as before, without an axis title."""
    import pandas as pd

    from lstm_core import preset_results as pr
    from lstm_core import presets as ps

    assert ps.target_name("airline", "engine defaults") == "Passengers" and ps.target_name("sin-cos", "x") is None
    assert ps.target_name("no-such-preset", "engine defaults") is None
    monkeypatch.setenv("LSTM_LAB_HOME", str(tmp_path))
    frame = pd.DataFrame({"time": range(4), "actual": [1.0, 2, 3, 4], "one_step": [None, 2, 3, 4], "part": "test"})
    at = new_app()
    at.query_params["preset"] = "airline"
    at.run()
    old = pr.PresetResult("airline", predictions={"an old label": frame}, finished=pr.now())
    pr.save(old, pr.owner_dir(at.session_state["owner"]))
    at.switch_page("pages/experiments.py").run()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    (chart,) = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    assert "an old label" in chart["layout"]["title"]["text"]
    assert not chart["layout"]["yaxis"].get("title", {}).get("text")
