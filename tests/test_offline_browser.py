"""An offline classroom: opening the app and every page asks nothing of any other host, and no page
logs a console error or warning (Chromium's notices about iframes included: the app's own
components mount in the page)."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlparse

import pytest
from conftest import CHARTS_DRAWN, CHROMIUM, nav, new_page, set_number, wait_idle

if not Path(CHROMIUM).exists():
    pytest.skip(f"{CHROMIUM} is missing (install the Debian chromium package)", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
expect = sync_api.expect
#: Every page of the app, in the sidebar's order; Forecast, Gates and Runs are visited after a run.
PAGES = ("Data", "Train", "Forecast", "Gates", "Learn", "Compare", "Experiments", "Runs")
LEARN_SECTIONS = ("Why RNNs forget", "The LSTM cell", "Variants and GRU", "Calculator")
#: A warning the test logs itself first: proof that the listener hears the page's warnings.
PROBE = "offline-test: console listener check"


def report(console: dict[str, list[str]]) -> str:
    return "\n".join(f"{page}: {m}" for page, msgs in console.items() for m in msgs)


def test_no_page_fetches_from_another_host_or_logs_a_warning(server, browser):
    ctx, pg = new_page(browser, 1400, 1000)
    outside: list[str] = []
    console: dict[str, list[str]] = {}
    page = ["Data"]
    pg.on("request", lambda r: outside.append(r.url) if urlparse(r.url).hostname not in (None, "127.0.0.1") else None)
    pg.on(
        "console",
        lambda m: (
            console.setdefault(page[0], []).append(f"{m.type}: {m.text}") if m.type in ("error", "warning") else None
        ),
    )
    pg.on("pageerror", lambda e: console.setdefault(page[0], []).append(f"pageerror: {e}"))
    try:
        pg.goto(server)
        expect(pg.get_by_role("heading", name="Data", exact=True).first).to_be_visible()
        pg.evaluate(f"console.warn({PROBE!r})")
        wait_idle(pg)
        pg.wait_for_function(CHARTS_DRAWN)
        assert f"warning: {PROBE}" in console.get("Data", []), "the console listener missed the probe warning"
        console["Data"].remove(f"warning: {PROBE}")
        if not console["Data"]:
            del console["Data"]
        visited = ["Data"]
        page[0] = "Train"
        nav(pg, "Train")
        visited.append("Train")
        set_number(pg, "Hidden size", 8)
        set_number(pg, "Max epochs", 3)
        pg.get_by_role("button", name="Start training").click()
        expect(pg.get_by_text("Finished", exact=False).first).to_be_visible(timeout=90_000)
        for title in PAGES[2:]:
            page[0] = title
            nav(pg, title)
            wait_idle(pg)
            pg.wait_for_function(CHARTS_DRAWN)
            visited.append(title)
            if title == "Gates":  # every view (the stepper and the click listener are components)
                expect(pg.locator(".st-key-gates_heatmap_chart .js-plotly-plot")).to_be_visible()
                for view in ("Unit", "Step-through", "Saturation", "Memory", "During training"):
                    page[0] = f"Gates / {view}"
                    pg.get_by_role("radiogroup", name="View").get_by_role("radio", name=view, exact=True).click()
                    wait_idle(pg)
                    pg.wait_for_function(CHARTS_DRAWN)
                    if view == "Step-through":
                        expect(pg.locator(".st-key-gates_stepper #where")).to_have_text(re.compile(r"^Step \d+ of "))
            if title == "Learn":  # every section (pictures, charts, equations, the calculator)
                for section in LEARN_SECTIONS:
                    page[0] = f"Learn / {section}"
                    pg.get_by_role("radiogroup", name="Section").get_by_role("radio", name=section, exact=True).click()
                    wait_idle(pg)
                    pg.wait_for_function(CHARTS_DRAWN)
        assert visited == list(PAGES)
        assert outside == [], outside
        assert console == {}, "console errors or warnings:\n" + report(console)
        icon = pg.locator('link[rel="shortcut icon"], link[rel="icon"]').first.get_attribute("href")
        assert icon is not None and urlparse(icon).hostname in (None, "127.0.0.1")  # served by the app
        assert pg.locator("iframe").count() == 0
    finally:
        ctx.close()
