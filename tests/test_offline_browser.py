"""An offline classroom: opening the app and its pages asks nothing of any other host, and no page
logs a console error or warning."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlparse

import pytest
from conftest import CHARTS_DRAWN, CHROMIUM, nav, new_page, wait_idle

if not Path(CHROMIUM).exists():
    pytest.skip(f"{CHROMIUM} is missing (install the Debian chromium package)", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
expect = sync_api.expect


def test_no_page_fetches_from_another_host(server, browser):
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
        wait_idle(pg)
        pg.wait_for_function(CHARTS_DRAWN)
        for title in ("Train", "Forecast", "Gates", "Learn", "Compare", "Experiments"):
            page[0] = title
            nav(pg, title)
            wait_idle(pg)
            pg.wait_for_function(CHARTS_DRAWN)
        assert outside == []
        assert console == {}, console  # per page: every console error or warning
        icon = pg.locator('link[rel="shortcut icon"], link[rel="icon"]').first.get_attribute("href")
        assert icon is not None and urlparse(icon).hostname in (None, "127.0.0.1")  # served by the app
    finally:
        ctx.close()
