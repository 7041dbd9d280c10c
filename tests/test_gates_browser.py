"""Gates and Learn pages in a real browser: train a tiny run, step through time, see the numbers change.

Screenshots go to ``artifacts/`` when ``LSTM_LAB_SCREENSHOTS=1`` (or the test fails).
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlparse

import pytest
from conftest import CHROMIUM, nav, new_page, screenshot, set_number, wait_idle

if not Path(CHROMIUM).exists():
    pytest.skip(f"{CHROMIUM} is missing (install the Debian chromium package)", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
expect = sync_api.expect
#: The element each view draws (Streamlit puts a widget's key in its container's class).
VIEW_ELEMENT = {
    "Saturation": ".st-key-gates_saturation",
    "Memory": ".st-key-gates_memory",
    "During training": ".st-key-gates_evolution",
}


@pytest.fixture
def page(server, browser):
    """A fresh browser session on the root page (so a rerun starts from scratch)."""
    ctx, pg = new_page(browser, 1500, 1100)
    pg.goto(server)
    yield pg
    ctx.close()


def shot(pg, name: str, always: bool = False) -> None:
    screenshot(pg, f"gates-{name}", always)


def segment(pg, name: str) -> None:
    """Click an option of an st.segmented_control."""
    pg.locator('[data-testid="stButtonGroup"] button', has_text=name).first.click()


def test_train_step_through_share_link_and_learn(page, browser):
    pg = page
    expect(pg.get_by_role("heading", name="Data", exact=True).first).to_be_visible()
    nav(pg, "Gates")
    expect(pg.get_by_text("No trained model yet")).to_be_visible()
    nav(pg, "Train")
    set_number(pg, "Hidden size", 8)
    set_number(pg, "Max epochs", 4)
    pg.get_by_role("button", name="Start training").click()
    expect(pg.get_by_text("Finished", exact=False).first).to_be_visible(timeout=90_000)
    nav(pg, "Gates")
    expect(pg.locator('[data-testid="stPlotlyChart"]').first).to_be_visible()
    expect(pg.locator(".heatmaplayer .hm").first).to_be_attached()  # a heatmap trace is drawn
    shot(pg, "heatmaps")
    # the visit and its view's parameters are two entries of the browser's history, not ten: the page wrote
    # its nine parameters one at a time, and Back took nine presses to leave it; then ?job= at its top and
    # the rest at its end (three entries where its first run reran, as on a loaded CI machine)
    pg.wait_for_url(re.compile(r"view="))  # the page's own entry is in the history (late on a loaded machine)
    wait_idle(pg)
    pg.go_back()
    wait_idle(pg)
    pg.go_back()
    expect(pg.get_by_role("heading", name="Train", exact=True).first).to_be_visible()
    nav(pg, "Gates")
    expect(pg.locator(".heatmaplayer .hm").first).to_be_attached()
    pg.wait_for_url(re.compile(r"view=Heatmaps"))
    wait_idle(pg)
    # a change of view is one entry of the history: the sidebar's presenter switch took presenter=0 out of
    # the URL and the page put it back, two entries per click (and Back went to the same view)
    entries = pg.evaluate("history.length")
    segment(pg, "Step-through")
    pg.wait_for_url(re.compile(r"view=Step-through"))
    wait_idle(pg)
    assert pg.evaluate("history.length") == entries + 1
    # Back shows the view before and Forward the one after: the page wrote the view shown over each entry
    # Back went to, three presses on the Gates page without a visible change
    pg.go_back()
    expect(pg.get_by_role("radio", name="Heatmaps", exact=True)).to_be_checked()
    expect(pg.locator(".heatmaplayer .hm").first).to_be_attached()
    wait_idle(pg)
    assert "view=Heatmaps" in pg.url
    pg.go_forward()
    expect(pg.get_by_role("radio", name="Step-through", exact=True)).to_be_checked()
    stepper = pg.locator(".st-key-gates_stepper")  # in the page (a shadow root the locators pierce), no iframe
    where = stepper.locator("#where")
    expect(where).to_have_text(re.compile(r"^Step 1 of "))  # counted from 1; the link's step= from 0
    first_eq = stepper.locator("#eqs .eq").first
    seen = {first_eq.inner_text()}
    for k in range(1, 4):
        previous = first_eq.inner_text()
        stepper.locator("#next").click()
        expect(where).to_have_text(re.compile(rf"^Step {k + 1} of "))
        expect(first_eq).not_to_have_text(previous)  # auto-retrying: the new step's numbers are drawn
        seen.add(first_eq.inner_text())
    assert len(seen) == 4, "the equations' numbers did not change from step to step"
    pg.wait_for_url(re.compile(r"step=3"))  # the browser keeps its step in the link
    query = parse_qs(urlparse(pg.url).query)
    assert query["step"] == ["3"] and query["view"] == ["Step-through"]
    shot(pg, "step-through")
    # the traces' names stand beside the strip, readable, not squashed into it under its lines
    names = stepper.locator("#strip-names span")
    expect(names).to_have_text(["i", "f", "g", "o", "c", "h"])
    strip_left = stepper.locator("#strip").bounding_box()["x"]
    for k in range(names.count()):
        box = names.nth(k).bounding_box()
        assert box["x"] + box["width"] <= strip_left + 0.5, f"name {k} overlaps the strip"
    assert names.first.evaluate("e => parseFloat(getComputedStyle(e).fontSize)") >= 11
    stepper.locator("#prev").click()
    expect(where).to_have_text(re.compile(r"^Step 3 of "))
    for view in ("Saturation", "Memory", "During training"):
        segment(pg, view)
        expect(pg.locator(VIEW_ELEMENT[view]).first).to_be_visible()
        wait_idle(pg)
        expect(pg.locator('[data-testid="stException"]')).to_have_count(0)
        shot(pg, view.lower().replace(" ", "-"))
    # The page's own presenter switch turns the mode on and off (a presenter=0 the page kept in the URL once
    # turned the mode straight back off on the run the switch started; off, the URL now says nothing).

    switch = pg.locator(".st-key-gates_presenter").get_by_role("switch", name="Presenter mode")
    switch.check(force=True)
    expect(pg.locator('[data-testid="stSidebar"]')).to_be_hidden()
    expect(switch).to_be_checked()
    expect(pg).to_have_url(re.compile(r"presenter=1"))
    switch.uncheck(force=True)
    expect(pg.locator('[data-testid="stSidebar"]')).to_be_visible()
    expect(switch).not_to_be_checked()
    expect(pg).not_to_have_url(re.compile(r"presenter="))  # off: no presenter=0 for a copied link to contradict
    # The view is in the URL: the same link in presenter mode reproduces it without the sidebar.
    url = pg.url + "&presenter=1"
    pg.goto(url)
    expect(pg.get_by_role("heading", name="Gates", exact=True).first).to_be_visible()
    expect(pg.locator('[data-testid="stSidebar"]')).to_be_hidden()
    shot(pg, "presenter")
    # the link as the page writes it where its session had no job open (run=, no job=), in another browser:
    # it said "No trained model yet"
    query = {k: v[0] for k, v in parse_qs(urlparse(url).query).items() if k != "job"}
    other, opg = new_page(browser, 1280, 720)
    try:
        opg.goto(url.split("?")[0] + "?" + urlencode(query))
        expect(opg.get_by_role("combobox", name="Run")).to_have_value(re.compile(r"— finished \(shared, read-only\)$"))
        expect(opg.get_by_text("No trained model yet")).to_have_count(0)
        expect(opg.locator(VIEW_ELEMENT["During training"]).first).to_be_visible()  # the view the link names
    finally:
        other.close()
    pg.goto(url.split("gates")[0] + "learn")
    expect(pg.get_by_role("heading", name="Learn", exact=True).first).to_be_visible()
    expect(pg.locator(".st-key-learn_picture img").first).to_be_visible(timeout=60_000)
    shot(pg, "learn")
    segment(pg, "Calculator")
    expect(pg.locator(".katex-html").first).to_be_visible()
    shot(pg, "calculator")
    pg.wait_for_url(re.compile(r"section=Calculator"))
    wait_idle(pg)
    pg.go_back()  # the section before, as on the Gates page
    expect(pg.get_by_role("radio", name="Calculator", exact=True)).not_to_be_checked()
    expect(pg.locator(".st-key-learn_picture img").first).to_be_visible()
    expect(pg.locator('[data-testid="stException"]')).to_have_count(0)


def test_step_through_of_a_long_trace_counts_the_traces_own_steps(browser):
    """On a 5,000-step trace the stepper holds 2,000 steps around the step asked for: its counter,
    its link and its numbers are those of the trace's own steps, grouped by thousands (it read
    "Step 45000 of 59999" beside captions of "45,000"), counted from 1 as the units are."""
    from benchmarks.bench_gates import make_run
    from lstm_core import gates as gt
    from ui import stepper
    from ui.figures import gates as gp

    run = make_run("lstm", 5000, 8)
    tr = gt.trace_run(run.model, run.prep, "series")[0]
    walk = gt.unit_walk(run.model, tr, 2)
    html = stepper.standalone_html(walk, tr, gp.time_labels(tr), 3000)
    ctx, pg = new_page(browser, 1366, 768)
    try:
        pg.set_content(html)
        where = pg.locator("#where")
        expect(where).to_have_text(re.compile(rf"^Step 3,001 of {tr.steps:,} · "))
        assert pg.locator("#step").get_attribute("max") == str(stepper.STEP_WINDOW - 1)
        pg.locator("#next").click()
        expect(where).to_have_text(re.compile(rf"^Step 3,002 of {tr.steps:,} · "))
        shown = float(pg.locator('tspan[data-k="h"]').first.text_content().replace("−", "-"))
        assert shown == pytest.approx(float(walk.h[3001]), abs=5e-4)
    finally:
        ctx.close()
