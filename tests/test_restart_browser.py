"""A server restart loses no run: train, stop the server, start it again, open the same link.

Both servers share one ``LSTM_LAB_HOME`` (the run store); the second is a fresh process on
another port, so nothing survives in memory. The browser's cookies (its owner key) are carried
to the second server's page when the test is about the same browser coming back.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from conftest import CHROMIUM, nav, new_page, set_number

from benchmarks.st_server import free_port, start_server, stop_server

if not Path(CHROMIUM).exists():
    pytest.skip(f"{CHROMIUM} is missing (install the Debian chromium package)", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
expect = sync_api.expect


@contextmanager
def app_page(browser, log: Path, cookies: list | None = None) -> Iterator[tuple[object, str]]:
    """A fresh server (stopped on exit, as a restart does) and a page on it: ``(page, base URL)``.

    ``cookies`` (``context.cookies()`` of an earlier page) make it the same browser: the owner
    cookie is sent to the new server (a cookie is per host, not per port)."""
    port = free_port()
    proc = start_server(port, log)
    ctx, pg = new_page(browser, 1400, 1000)
    if cookies:
        ctx.add_cookies(cookies)
    try:
        yield pg, f"http://127.0.0.1:{port}"
    finally:
        ctx.close()
        stop_server(proc)


def start_training(pg, base: str, **numbers) -> str:
    """Open Train, set the labelled numbers, press Start; returns the job id from the URL (which
    holds nothing else: the owner key is in a cookie)."""
    pg.goto(base)
    nav(pg, "Train")
    for label, value in numbers.items():
        set_number(pg, label, value)
    pg.get_by_role("button", name="Start training").click()
    pg.wait_for_url("**job=*")
    query = parse_qs(urlparse(pg.url).query)
    assert list(query) == ["job"], pg.url
    return query["job"][0]


def test_a_trained_run_survives_a_server_restart(browser, tmp_path, monkeypatch):
    monkeypatch.setenv("LSTM_LAB_HOME", str(tmp_path / "home"))
    with app_page(browser, tmp_path / "first.log") as (pg, base):
        job = start_training(pg, base, **{"Hidden size": 8, "Max epochs": 3})
        expect(pg.get_by_text("Finished", exact=False).first).to_be_visible(timeout=120_000)
    assert (tmp_path / "home" / "jobs" / job / "job.json").is_file()

    with app_page(browser, tmp_path / "second.log") as (pg, base):
        pg.goto(f"{base}/train?job={job}")  # the link the person kept
        expect(pg.get_by_text("Finished", exact=False).first).to_be_visible()
        nav(pg, "Forecast")
        expect(pg.get_by_text("Metrics on the test part", exact=False).first).to_be_visible()
        expect(pg.locator('[data-testid="stException"]')).to_have_count(0)
        assert parse_qs(urlparse(pg.url).query)["job"] == [job]


def test_a_run_interrupted_by_a_restart_can_be_trained_again(browser, tmp_path, monkeypatch):
    monkeypatch.setenv("LSTM_LAB_HOME", str(tmp_path / "home"))
    with app_page(browser, tmp_path / "first.log") as (pg, base):
        job = start_training(pg, base, **{"Hidden size": 8})
        cookies = pg.context.cookies()  # the owner cookie was set on the first visit
    # the server stopped while the job was queued or training
    assert (tmp_path / "home" / "jobs" / job / "job.json").is_file()

    with app_page(browser, tmp_path / "second.log", cookies) as (pg, base):
        pg.goto(f"{base}/train?job={job}")  # the owner's browser, same link: it may train it again
        expect(pg.get_by_text("Interrupted by a server restart", exact=False).first).to_be_visible()
        pg.get_by_role("button", name="Train it again").click()
        pg.wait_for_url(lambda url: "job=" in url and job not in url)  # the new run's own link
        expect(pg.get_by_text("Finished", exact=False).first).to_be_visible(timeout=120_000)
        expect(pg.locator('[data-testid="stException"]')).to_have_count(0)


def test_the_quotas_notice_stays_until_ok_also_across_a_reload_and_a_restart(browser, tmp_path, monkeypatch):
    """Under ``LSTM_LAB_QUOTA_MB=1`` a second run of ~900 kB deletes the first: the sidebar named it
    once, and a reload or a restart before OK lost the news (taken off disk when first drawn)."""
    monkeypatch.setenv("LSTM_LAB_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("LSTM_LAB_QUOTA_MB", "1")
    notice = "your oldest runs were deleted: “lstm h64 on airline passengers (bundled)”"
    side = "[data-testid='stSidebar']"
    with app_page(browser, tmp_path / "first.log") as (pg, base):
        for hidden in (64, 65):
            start_training(pg, base, **{"Hidden size": hidden, "Max epochs": 2})
            expect(pg.get_by_text("Finished", exact=False).first).to_be_visible(timeout=120_000)
        pg.goto(base)  # the page drew the news since the second run finished
        expect(pg.locator(side).get_by_text(notice)).to_be_visible()
        pg.reload()  # not read yet: still said
        expect(pg.locator(side).get_by_text(notice)).to_be_visible()
        cookies = pg.context.cookies()
    with app_page(browser, tmp_path / "second.log", cookies) as (pg, base):
        pg.goto(base)  # a restart before OK: still said
        expect(pg.locator(side).get_by_text(notice)).to_be_visible()
        pg.locator(side).get_by_role("button", name="OK").click()
        expect(pg.locator(side).get_by_text(notice)).to_have_count(0)
        pg.reload()
        expect(pg.get_by_role("heading", name="Data", exact=True)).to_be_visible()
        expect(pg.locator(side).get_by_text("lstm h65 on airline passengers (bundled)", exact=False)).to_be_visible()
        expect(pg.locator(side).get_by_text(notice)).to_have_count(0)  # said once
