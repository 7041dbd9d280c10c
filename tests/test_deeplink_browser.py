"""A deep link opened first on a fresh server still runs inside the router (app.py).

Streamlit's legacy pages/ mode would run the page file alone on a server's first run; the
``ui`` package switches that off (see ui/__init__.py). This needs a fresh server: one that has
already served the root page would hide the problem. The module-scoped ``server`` fixture
starts one for this module, and this module's only test opens the deep link first.
"""

import re
from pathlib import Path

import pytest
from conftest import CHROMIUM, new_page

if not Path(CHROMIUM).exists():
    pytest.skip(f"{CHROMIUM} is missing (install the Debian chromium package)", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
expect = sync_api.expect


def test_preset_link_on_fresh_server_shows_router_sidebar(server, browser):
    ctx, page = new_page(browser, 1280, 900)
    try:
        page.goto(f"{server}/experiments?preset=airline")
        expect(page.get_by_text("Device", exact=True)).to_be_visible()  # the router's sidebar
        expect(page.get_by_role("heading", name="Experiments")).to_be_visible()
        expect(page.get_by_role("button", name="Rerun live")).to_be_visible()  # beside its last result
        expect(page).to_have_url(re.compile("preset=airline"))
    finally:
        ctx.close()
