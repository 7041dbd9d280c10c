"""A deep link opened first on a fresh server still runs inside the router (app.py).

Streamlit's legacy pages/ mode would run the page file alone on a server's first run; the
``ui`` package switches that off (see ui/__init__.py). This needs its own fresh server: one
that has already served the root page would hide the problem.
"""

import re
from pathlib import Path

import pytest
from conftest import CHROMIUM, CHROMIUM_ARGS, free_port, start_server

playwright = pytest.importorskip("playwright.sync_api")


@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium is not installed")
def test_preset_link_on_fresh_server_shows_router_sidebar(tmp_path):
    proc = start_server(free_port(), tmp_path / "server.log")
    port = proc.args[proc.args.index("--server.port") + 1]
    try:
        with playwright.sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page()
            page.goto(f"http://127.0.0.1:{port}/experiments?preset=airline")
            expect = playwright.expect
            expect(page.get_by_text("Device", exact=True)).to_be_visible(timeout=60_000)
            expect(page.get_by_role("heading", name="Experiments")).to_be_visible()
            expect(page.get_by_role("button", name="Run this experiment")).to_be_visible(timeout=60_000)
            expect(page).to_have_url(re.compile("preset=airline"))
            browser.close()
    finally:
        proc.terminate()
        proc.wait(timeout=30)
