"""AppTest: what a class sees when presenting, and what a user sees of a finished run.

* Presenting, the Train page's live panel puts the loss and the forecast one under the other (side
  by side at 1280x720 their projector-size titles were cut: "Loss — lstm h32 on tourism_quart"),
  and the Learn calculator puts its diagram above the equations (in two fifths of the row its
  labels were 7 px).
* A finished run's progress line has no ETA ("ETA — (at most; early stopping may end sooner)").
* The sidebar lists the 8 newest jobs and links to the Runs page for the rest: after a
  comparison of 5 variants × 2 seeds the user's own run had left the list without a word.
* The future chart shows history in proportion to the steps ahead: 8 quarters ahead were drawn
  on the last 6% of the chart, after 120 points of history.
"""

from __future__ import annotations

import json
from pathlib import Path

from streamlit.testing.v1 import AppTest

from lstm_core.config import RunConfig
from ui import jobs_view, presenter, state

ROOT = Path(__file__).resolve().parents[1]


def new_app() -> AppTest:
    return AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)


def no_errors(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def trained(presenting: bool = False) -> AppTest:
    """The Train page after the Data page's primary action (the fake run finishes as it starts)."""
    at = new_app()
    if presenting:
        at.query_params[presenter.PARAM] = "1"
    at.run()
    at.button(key="data_train").click().run()
    no_errors(at)
    assert at.title[0].value == "Train"
    return at


def charts_in_columns(at: AppTest) -> set[str]:
    return {c.proto.id.rsplit("-", 1)[-1] for col in at.columns for c in col.get("plotly_chart")}


def chart_keys(at: AppTest) -> set[str]:
    return {c.proto.id.rsplit("-", 1)[-1] for c in at.get("plotly_chart")}


def test_presenting_puts_the_train_pages_loss_and_forecast_one_under_the_other(fake):
    panel = {"train_job_loss_chart", "train_job_forecast"}
    side_by_side = trained(presenting=False)
    assert panel <= chart_keys(side_by_side) and panel <= charts_in_columns(side_by_side)
    presenting = trained(presenting=True)
    assert presenting.session_state[presenter.KEY] is True
    assert panel <= chart_keys(presenting)
    assert not charts_in_columns(presenting) & panel


def test_presenting_puts_the_calculators_diagram_above_its_equations():
    def diagram_in_a_column(presenting: bool) -> bool:
        at = new_app()
        at.query_params["section"] = "Calculator"
        if presenting:
            at.query_params[presenter.PARAM] = "1"
        at.run()
        at.switch_page("pages/learn.py").run()
        no_errors(at)
        assert at.session_state["learn_section"] == "Calculator"
        assert at.get("image"), "the calculator draws no diagram"
        return any(col.get("image") for col in at.columns)

    assert diagram_in_a_column(presenting=False)
    assert not diagram_in_a_column(presenting=True)


def test_a_finished_runs_progress_line_has_no_eta(fake):
    at = trained()
    assert any(s.value.startswith("**Finished**") for s in at.success)
    lines = [p.proto.text for p in at.get("progress")]
    assert len(lines) == 1 and lines[0].startswith("Epoch ")
    assert "ETA" not in lines[0] and "early stopping may end sooner" not in lines[0]


def test_the_sidebar_links_to_the_runs_page_for_the_jobs_it_does_not_list(fake):
    ds = new_app().run().session_state[state.DATASET]  # the bundled airline data
    me = "a" * 32
    for seed in range(jobs_view.SIDEBAR_JOBS + 3):
        cfg = RunConfig().replace(target=ds.target, epochs=2, seed=seed)
        fake.submit(ds.series, cfg, owner=me, label=f"run {seed}")
    at = new_app()
    at.session_state[state.OWNER] = me  # this browser's jobs (AppTest draws app.py's sidebar on the first run only)
    at.run()
    no_errors(at)
    links = at.sidebar.get("page_link")
    assert [(link.proto.label, link.proto.page) for link in links] == [("3 older jobs: see the Runs page", "runs")]
    listed = [c.value for c in at.sidebar.caption if " — finished" in c.value]
    assert len(listed) == jobs_view.SIDEBAR_JOBS


def test_the_future_chart_shows_history_in_proportion_to_the_steps_ahead(fake):
    at = trained()
    at.switch_page("pages/forecast.py").run()
    no_errors(at)

    def history_points() -> int:
        spec = next(json.loads(c.proto.spec) for c in at.get("plotly_chart") if c.proto.id.endswith("forecast_future"))
        actual = [t for t in spec["data"] if t.get("name") == "actual"]
        assert len(actual) == 1
        return len(actual[0]["x"])

    steps = at.slider(key="forecast_steps").value
    assert steps == 24  # monthly airline: two seasons ahead
    assert history_points() == 72  # three times the steps ahead (it was 120 whatever the steps)
    at.slider(key="forecast_steps").set_value(4).run()
    no_errors(at)
    assert history_points() == 24  # never under 24 points
    at.slider(key="forecast_steps").set_value(60).run()
    no_errors(at)
    assert history_points() == 120  # never over 120


def test_the_train_pages_forecast_names_its_value_axis(fake):
    """The Train page's one-step chart showed 100…700 with no axis title (the Forecast page's same
    chart names the target): projected to a class, nothing said what the numbers were."""
    at = trained(presenting=True)
    spec = next(json.loads(c.proto.spec) for c in at.get("plotly_chart") if c.proto.id.endswith("train_job_forecast"))
    target = at.session_state[state.DATASET].target
    assert spec["layout"]["yaxis"]["title"]["text"] == target


def test_presenting_the_data_page_shows_its_first_rows_at_projector_size_with_their_times():
    """The preview was st.dataframe's grid, whose 14 px text no CSS reaches, on the projector too,
    and the HTML table presenter.table draws instead dropped the index (the months)."""
    at = new_app()
    at.query_params[presenter.PARAM] = "1"
    at.run()
    at.run()  # the chart and the preview come on the second run (first paint)
    no_errors(at)
    frame = at.session_state[state.DATASET].frame
    assert not at.dataframe  # no 14 px grid
    table = next(h.proto.body for h in at.get("html") if "st-key-data_preview" in h.proto.body)
    assert table.count("<tr>") == 1 + 12  # the header and the first 12 rows
    first = frame.index[0].strftime("%Y-%m")  # months as the file writes them (1949-01), not 1949-01-01
    assert f"<th>{frame.index.name}</th>" in table and f">{first}</td>" in table
    assert "**Preview** (first 12 rows)" in [m.value for m in at.markdown]
    plain = new_app().run().run()
    assert len(plain.dataframe) == 1 and len(plain.dataframe[0].value) == 144  # the grid, every airline row
    assert "**Preview** (first 200 rows)" in [m.value for m in plain.markdown]


def test_presenting_gates_and_learn_link_to_the_other_pages_whose_sidebar_they_hide(fake):
    """Their presenter view hides the sidebar: a teacher going on from Gates to Learn had to switch
    presenter mode off, pick the page and switch it on again."""
    from ui import nav

    for page, title in (("pages/gates.py", "Gates"), ("pages/learn.py", "Learn")):
        others = [(t, p.removeprefix("pages/").removesuffix(".py")) for p, t, _ in nav.PAGES if t != title]
        for presenting in (True, False):
            at = new_app()
            if presenting:
                at.query_params[presenter.PARAM] = "1"
            at.run()
            at.switch_page(page).run()
            no_errors(at)
            links = [(link.proto.label, link.proto.page) for link in at.main.get("page_link")]
            links = [link for link in links if not link[0].startswith("Go to ")]  # the Gates page's "no run yet"
            assert (links == others) if presenting else not links


def test_presenting_gates_and_learn_hides_the_sidebar_before_it_is_drawn(monkeypatch):
    """Their own style hid the sidebar but came after it: on a deep link it showed for a moment, two
    presenter switches with it. The app's style, drawn before the sidebar, hides it there; not elsewhere."""
    for page, presenting, hidden in (
        ("gates", True, True),
        ("learn", True, True),
        ("forecast", True, False),
        ("gates", False, False),
    ):
        drawn: list[str] = []
        monkeypatch.setattr(presenter.st, "html", drawn.append)
        monkeypatch.setattr(presenter, "active", lambda on=presenting: on)
        presenter.css(page)
        assert any('[data-testid="stSidebar"]' in body for body in drawn) == hidden, (page, presenting)
