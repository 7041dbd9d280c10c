"""The owner key lives in a cookie, never in the address bar (issue 11), in a real browser.

One browser trains a tiny run: the page sets its ``lstm_lab_owner`` cookie on the first visit,
no URL it shows ever holds ``owner=``, and a reload (a new session, which reads the cookie) is
still the owner. A second browser (its own cookie jar) on the same ``?job=`` link sees the run
read-only. A third opens an old link that still carries ``&owner=<key>``: the key is adopted
into its cookie and dropped from the URL. No console warning or error on the way.
"""

from __future__ import annotations

import re
import time
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from conftest import CHROMIUM, expect_one, nav, new_page, set_number, wait_idle

from ui.owner_cookie import COOKIE, MAX_AGE_S
from ui.state import GONE_TEXT

if not Path(CHROMIUM).exists():
    pytest.skip(f"{CHROMIUM} is missing (install the Debian chromium package)", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
expect = sync_api.expect

SIDEBAR = '[data-testid="stSidebar"]'
READ_ONLY = "A shared run, shown read-only"
# Streamlit's web client, opened on a page path (/train?job=...), first looks for its server under
# that path and gets a 404 there before it tries the root: not this feature's, left out.
PROBE = re.compile(r"/[a-z]+/_stcore/(health|host-config)$")


def watched(browser) -> tuple[object, object, list[str], list[str]]:
    """A fresh browser context and page, with every URL its address bar shows and every console
    warning or error: ``(context, page, urls, console)``."""
    ctx, pg = new_page(browser, 1400, 1000)
    urls: list[str] = []
    console: list[str] = []
    pg.on("framenavigated", lambda f: urls.append(f.url) if f == pg.main_frame else None)  # pushState too
    pg.on(
        "console",
        lambda m: (
            console.append(f"{m.type}: {m.text} ({m.location.get('url')})")
            if m.type in ("error", "warning") and not PROBE.search(m.location.get("url") or "")
            else None
        ),
    )
    pg.on("pageerror", lambda e: console.append(f"pageerror: {e}"))
    return ctx, pg, urls, console


def owner_cookie(pg) -> dict:
    """The page's owner cookie, once the page's script has set it."""
    pg.wait_for_function(f"document.cookie.includes('{COOKIE}=')")
    return next(c for c in pg.context.cookies() if c["name"] == COOKIE)


def shows_owner(pg) -> None:
    """The Train page of a job this browser owns: its share link, and the job in the sidebar."""
    expect_one(pg.get_by_role("button", name="Share link"))
    expect(pg.locator(SIDEBAR).get_by_text(re.compile(r"— finished"))).to_be_visible()
    expect(pg.get_by_text(READ_ONLY)).to_have_count(0)


def test_the_owner_key_is_a_cookie_a_reload_keeps_and_another_browser_lacks(server, browser):
    ctx, pg, urls, console = watched(browser)
    try:
        pg.goto(server)
        expect(pg.get_by_role("heading", name="Data", exact=True)).to_be_visible()
        cookie = owner_cookie(pg)
        key = cookie["value"]
        assert re.fullmatch(r"[0-9a-f]{32}", key)
        assert (cookie["path"], cookie["sameSite"]) == ("/", "Lax")
        assert cookie["expires"] > time.time() + MAX_AGE_S - 3600  # kept for 400 days, not the session
        nav(pg, "Train")
        set_number(pg, "Hidden size", 8)
        set_number(pg, "Max epochs", 3)
        pg.get_by_role("button", name="Start training").click()
        pg.wait_for_url("**job=*")
        job = parse_qs(urlparse(pg.url).query)["job"][0]
        expect(pg.get_by_text("Finished", exact=False).first).to_be_visible(timeout=120_000)
        shows_owner(pg)

        pg.reload()  # a new session: it reads the cookie
        expect(pg.get_by_role("heading", name="Train", exact=True)).to_be_visible()
        shows_owner(pg)
        wait_idle(pg)
        assert owner_cookie(pg)["value"] == key
        assert urls and not [u for u in urls if "owner=" in u], urls
        assert console == [], console
    finally:
        ctx.close()

    other, pg, urls, console = watched(browser)  # another browser (or a private window) on the link
    try:
        pg.goto(f"{server}/train?job={job}")
        expect(pg.get_by_text(READ_ONLY)).to_be_visible()
        expect(pg.locator(SIDEBAR).get_by_text("No jobs yet", exact=False)).to_be_visible()
        expect(pg.get_by_role("button", name="Share link")).to_have_count(0)
        assert owner_cookie(pg)["value"] != key  # a key of its own
        assert not [u for u in urls if "owner=" in u], urls
        wait_idle(pg)
        assert console == [], console
    finally:
        other.close()

    old, pg, urls, console = watched(browser)  # a tab's URL from an earlier version: ?job=...&owner=<key>
    try:
        pg.goto(f"{server}/train?job={job}&owner={key}")
        pg.wait_for_url(lambda u: "owner=" not in u)  # dropped from the address bar...
        assert parse_qs(urlparse(pg.url).query) == {"job": [job]}
        shows_owner(pg)
        pg.wait_for_function(f"document.cookie.includes('{COOKIE}={key}')")  # ...kept in the cookie
        pg.reload()
        shows_owner(pg)
        assert [u for u in urls if "owner=" in u] == [f"{server}/train?job={job}&owner={key}"], (
            urls
        )  # only the typed one
        wait_idle(pg)
        assert console == [], console
    finally:
        old.close()


def test_a_shared_link_whose_run_was_deleted_says_so_on_the_page_it_opened(server, browser):
    """A deletes a run B has open from its link, and C opens the link afterwards: each is told in
    one sentence that the link's run is not here (it went in silence: "No trained run yet"), on
    the page they are on, and no longer once they go to another page."""
    a, pa, _, _ = watched(browser)
    b, pb, _, console_b = watched(browser)
    c, pc, _, console_c = watched(browser)
    try:
        pa.goto(f"{server}/train")
        set_number(pa, "Hidden size", 8)
        set_number(pa, "Max epochs", 3)
        pa.get_by_role("button", name="Start training").click()
        pa.wait_for_url("**job=*")
        job = parse_qs(urlparse(pa.url).query)["job"][0]
        expect(pa.get_by_text("Finished", exact=False).first).to_be_visible(timeout=120_000)

        pb.goto(f"{server}/forecast?job={job}")  # B on A's link
        expect(pb.get_by_role("combobox", name="Run")).to_have_value(re.compile(r"\(shared, read-only\)$"))
        expect(pb.get_by_text(GONE_TEXT)).to_have_count(0)

        nav(pa, "Runs")  # A deletes it
        pa.get_by_role("button", name="Delete").click()
        pa.get_by_role("button", name="Yes, delete it").click()
        expect(pa.get_by_text("You have no saved runs yet", exact=False)).to_be_visible()

        nav(pb, "Gates")  # B's open tab moves on
        expect_one(pb.get_by_text(GONE_TEXT))
        expect(pb.get_by_text("No trained model yet", exact=False)).to_be_visible()
        assert "job=" not in pb.url
        nav(pb, "Forecast")  # said on the page the link was gone on, not on every page after
        expect(pb.get_by_text("No trained run yet", exact=False)).to_be_visible()
        expect(pb.get_by_text(GONE_TEXT)).to_have_count(0)

        pc.goto(f"{server}/forecast?job={job}")  # C opens the link later
        expect_one(pc.get_by_text(GONE_TEXT))
        pc.locator(SIDEBAR).get_by_text("Presenter mode").click()  # a rerun on that page keeps it
        pc.wait_for_url("**presenter=1*")
        wait_idle(pc)
        expect_one(pc.get_by_text(GONE_TEXT))
        assert "job=" not in pc.url
        wait_idle(pb)
        assert console_b == [] and console_c == [], (console_b, console_c)
    finally:
        for ctx in (a, b, c):
            ctx.close()
