"""A server restart loses no run: train, stop the server, start it again, open the same link.

Both servers share one ``LSTM_LAB_HOME`` (the run store); the second is a fresh process on
another port, so nothing survives in memory.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from conftest import CHROMIUM, nav, new_page, set_number

from benchmarks.st_server import free_port, start_server, stop_server

if not Path(CHROMIUM).exists():
    pytest.skip(f"{CHROMIUM} is missing (install the Debian chromium package)", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
expect = sync_api.expect


def test_a_trained_run_survives_a_server_restart(browser, tmp_path, monkeypatch):
    monkeypatch.setenv("LSTM_LAB_HOME", str(tmp_path / "home"))
    port = free_port()
    proc = start_server(port, tmp_path / "first.log")
    ctx, pg = new_page(browser, 1400, 1000)
    try:
        pg.goto(f"http://127.0.0.1:{port}")
        nav(pg, "Train")
        set_number(pg, "Hidden size", 8)
        set_number(pg, "Epochs (upper bound)", 3)
        pg.get_by_role("button", name="Start training").click()
        expect(pg.get_by_text("Finished", exact=False).first).to_be_visible(timeout=120_000)
        job = parse_qs(urlparse(pg.url).query)["job"][0]
    finally:
        ctx.close()
        stop_server(proc)
    assert (tmp_path / "home" / "jobs" / job / "job.json").is_file()

    port2 = free_port()
    proc2 = start_server(port2, tmp_path / "second.log")
    ctx, pg = new_page(browser, 1400, 1000)
    try:
        pg.goto(f"http://127.0.0.1:{port2}/train?job={job}")  # the link the person kept
        expect(pg.get_by_text("Finished", exact=False).first).to_be_visible()
        nav(pg, "Forecast")
        expect(pg.get_by_text("Metrics on the test part", exact=False).first).to_be_visible()
        expect(pg.locator('[data-testid="stException"]')).to_have_count(0)
        assert parse_qs(urlparse(pg.url).query)["job"] == [job]
    finally:
        ctx.close()
        stop_server(proc2)


def test_a_run_interrupted_by_a_restart_can_be_trained_again(browser, tmp_path, monkeypatch):
    monkeypatch.setenv("LSTM_LAB_HOME", str(tmp_path / "home"))
    port = free_port()
    proc = start_server(port, tmp_path / "first.log")
    ctx, pg = new_page(browser, 1400, 1000)
    try:
        pg.goto(f"http://127.0.0.1:{port}")
        nav(pg, "Train")
        set_number(pg, "Hidden size", 8)
        pg.get_by_role("button", name="Start training").click()
        pg.wait_for_url("**job=*")
        job = parse_qs(urlparse(pg.url).query)["job"][0]
    finally:
        ctx.close()
        stop_server(proc)  # while the job is queued or training
    assert (tmp_path / "home" / "jobs" / job / "job.json").is_file()

    port2 = free_port()
    proc2 = start_server(port2, tmp_path / "second.log")
    ctx, pg = new_page(browser, 1400, 1000)
    try:
        pg.goto(f"http://127.0.0.1:{port2}/train?job={job}")
        expect(pg.get_by_text("Interrupted by a server restart", exact=False).first).to_be_visible()
        pg.get_by_role("button", name="Train it again").click()
        pg.wait_for_url(lambda url: "job=" in url and job not in url)  # the new run's own link
        expect(pg.get_by_text("Finished", exact=False).first).to_be_visible(timeout=120_000)
        expect(pg.locator('[data-testid="stException"]')).to_have_count(0)
    finally:
        ctx.close()
        stop_server(proc2)
