"""End to end in a real browser: compare two variants and see both in the results table; run a
small long-memory sweep (a job of the registry, listed in the sidebar's Jobs).

Uses the server helper of tests/conftest.py and Debian's chromium. Set
``LSTM_LAB_SCREENSHOTS=1`` to keep screenshots of the Compare and Experiments pages in artifacts/.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import CHARTS_DRAWN, CHROMIUM, new_page, screenshot, set_number, wait_idle

if not Path(CHROMIUM).exists():
    pytest.skip(f"{CHROMIUM} is missing (install the Debian chromium package)", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
expect = sync_api.expect


@pytest.fixture
def page(browser):
    ctx, pg = new_page(browser, 1400, 2600)
    yield pg
    ctx.close()


def shot(pg, name: str) -> None:
    screenshot(pg, name)


def test_compare_two_variants_in_the_browser(server, page):
    page.goto(f"{server}/compare")
    expect(page.get_by_role("heading", name="Compare", exact=True).first).to_be_visible()
    expect(page.locator('[data-testid="stSidebarNav"]').get_by_text("Experiments")).to_be_visible()  # app.py ran
    expect(page.get_by_text("the same data, split, scaler and seeds")).to_be_visible()
    set_number(page, "Max epochs", 3)
    expect(page.get_by_label("Max epochs", exact=True)).to_have_value("3")
    wait_idle(page)  # the rerun that takes the new value is over
    page.get_by_role("button", name="Start comparison").click()
    expect(page.get_by_role("heading", name="Results")).to_be_visible(timeout=120_000)
    table = page.locator('[data-testid="stDataFrame"]').last
    expect(table).to_be_visible()
    # Glide data grid draws on canvas; its accessible table mirrors the cells.
    expect(table.get_by_text(re.compile(r"^(★ )?LSTM 32$")).first).to_be_attached()  # ★: the best row
    expect(table.get_by_text(re.compile(r"^(★ )?GRU 32$")).first).to_be_attached()
    expect(page).to_have_url(re.compile("cmp="))
    shot(page, "compare-results")
    page.reload()
    expect(page.get_by_role("heading", name="Results")).to_be_visible(timeout=60_000)


def test_experiments_page_by_url(server, page):
    page.goto(f"{server}/experiments?preset=airline")
    expect(page.get_by_text("Airline passengers (Keras LSTM recipe)").first).to_be_visible()
    expect(page.get_by_text("Scaled down for a quick class demo").first).to_be_visible()
    shot(page, "experiments-airline")


def test_long_memory_sweep_runs_as_a_job(server, page):
    page.goto(f"{server}/experiments?preset=long-memory")
    expect(page.get_by_role("heading", name="Experiments", exact=True).first).to_be_visible()
    set_number(page, "Budget (training steps per cell and lag)", 50)
    expect(page.get_by_label("Budget (training steps per cell and lag)", exact=True)).to_have_value("50")
    wait_idle(page)  # the rerun that takes the new value is over
    page.get_by_role("button", name="Run sweep").click()
    expect(page).to_have_url(re.compile("mem="))
    expect(page.get_by_text(re.compile(r"12 of 12 trained .* finished"))).to_be_visible(timeout=180_000)
    expect(
        page.locator('[data-testid="stSidebar"]').get_by_text(re.compile("Long-memory sweep.*finished"))
    ).to_be_visible()
    expect(page.get_by_text("Test accuracy (%) per lag (rows) and cell (columns).")).to_be_visible()
    shot(page, "experiments-long-memory")


#: Texts cut with an ellipsis, and chart titles that run past their chart's edge or into its plot.
CUT_TEXT = """() => [...document.querySelectorAll('[data-testid="stMain"] *')].filter(el => {
    const cs = getComputedStyle(el);
    return cs.textOverflow === 'ellipsis' && el.textContent.trim() && el.scrollWidth > el.clientWidth + 1;
  }).map(el => el.textContent.trim())"""
TITLES_OUT = """() => [...document.querySelectorAll('.js-plotly-plot')].flatMap(p => {
    const box = p.getBoundingClientRect(), t = p.querySelector('.gtitle'), plot = p.querySelector('.nsewdrag');
    if (!t || !plot) return [];
    const r = t.getBoundingClientRect();
    return r.left < box.left - 1 || r.right > box.right + 1 || r.top < box.top - 1 || r.bottom > plot.getBoundingClientRect().top
      ? [[t.textContent, Math.round(r.right - box.right), Math.round(r.bottom - plot.getBoundingClientRect().top)]] : [];
  })"""


def test_presenting_a_comparison_at_1024_keeps_labels_and_chart_titles_whole(server, browser):
    """Presenting at 1024x768 beside the sidebar: "Download variant configs (…" was cut in half a
    row, and "One-step test forecasts per variant (mean over seeds)" ran past its chart's edge."""
    ctx, pg = new_page(browser, 1024, 768)
    try:
        pg.goto(f"{server}/compare?presenter=1")
        expect(pg.get_by_role("heading", name="Compare", exact=True).first).to_be_visible()
        toolbar_hides_no_text(pg)
        set_number(pg, "Max epochs", 3)
        expect(pg.get_by_label("Max epochs", exact=True)).to_have_value("3")
        wait_idle(pg)
        pg.get_by_role("button", name="Start comparison").click()
        expect(pg.get_by_role("heading", name="Results")).to_be_visible(timeout=120_000)
        expect(pg.get_by_role("button", name="Download variant configs (JSON)")).to_be_visible()
        expect(pg.locator(".js-plotly-plot", has_text="One-step test forecasts")).to_be_visible()
        wait_idle(pg)
        pg.wait_for_function(CHARTS_DRAWN)
        assert pg.evaluate(CUT_TEXT) == []
        assert pg.evaluate(TITLES_OUT) == []
        shot(pg, "compare-presenter-1024")
    finally:
        ctx.close()


#: The words of the page's paragraphs and captions that a shown table toolbar covers.
TEXT_UNDER_TOOLBAR = """() => {
    const bars = [...document.querySelectorAll('[data-testid="stElementToolbar"]')]
        .map(e => e.getBoundingClientRect()).filter(b => b.width > 0);
    const hits = [];
    document.querySelectorAll('[data-testid="stMarkdownContainer"] p, [data-testid="stCaptionContainer"]').forEach(p => {
        const range = document.createRange();
        range.selectNodeContents(p);
        for (const q of range.getClientRects()) for (const b of bars)
            if (!(q.right <= b.left || b.right <= q.left || q.bottom <= b.top || b.bottom <= q.top))
                hits.push(p.textContent.slice(0, 80));
    });
    return [...new Set(hits)]; }"""


def toolbar_hides_no_text(pg) -> None:
    """A touch screen shows the variants table's toolbar from the start (a mouse, on hover): it hid the end of the
    sentence above the table, "new rows start as an LSTM"."""
    wait_idle(pg)
    pg.evaluate("document.fonts.ready.then(() => true)")  # the words laid out in the page's own font
    pg.locator('[data-testid="stDataFrame"]').first.hover()
    toolbar = pg.locator('[data-testid="stElementToolbar"]').first
    expect(toolbar).to_be_visible()
    toolbar.hover()  # waits until it stops moving: it slides up into place as it appears
    assert pg.evaluate(TEXT_UNDER_TOOLBAR) == []


def test_a_comparison_on_a_phone_keeps_its_chart_titles_whole(server, browser):
    """At 390x844 "One-step test forecasts per variant (mean over seeds)" ran 20 px past its chart."""
    ctx, pg = new_page(browser, 390, 844)
    try:
        pg.goto(f"{server}/compare")
        expect(pg.get_by_role("heading", name="Compare", exact=True).first).to_be_visible()
        toolbar_hides_no_text(pg)
        set_number(pg, "Max epochs", 3)
        expect(pg.get_by_label("Max epochs", exact=True)).to_have_value("3")
        wait_idle(pg)
        pg.get_by_role("button", name="Start comparison").click()
        expect(pg.get_by_role("heading", name="Results")).to_be_visible(timeout=120_000)
        expect(pg.locator(".js-plotly-plot", has_text="One-step test forecasts")).to_be_visible()
        wait_idle(pg)
        pg.wait_for_function(CHARTS_DRAWN)
        assert pg.evaluate(TITLES_OUT) == []
        shot(pg, "compare-390")
    finally:
        ctx.close()
