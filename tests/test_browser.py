"""End to end in a real browser: upload, train with a live loss chart, stop a run, see the forecast.

Starts ``streamlit run app.py`` on a free port and drives Debian's chromium through
Playwright. Skips when /usr/bin/chromium or playwright is missing. On failure, screenshots
of every page go to ``artifacts/`` (set ``LSTM_LAB_SCREENSHOTS=1`` to keep them always).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from conftest import (
    ARTIFACTS,
    CHARTS_DRAWN,
    CHROMIUM,
    choose_option,
    expect_one,
    nav,
    new_page,
    set_number,
    upload_csv,
    wait_idle,
)

PAGES = ("Data", "Train", "Forecast")

if not Path(CHROMIUM).exists():
    pytest.skip(f"{CHROMIUM} is missing (install the Debian chromium package)", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
expect = sync_api.expect


@pytest.fixture
def page(browser, request):
    ctx, pg = new_page(browser, 1400, 1000)
    yield pg
    failed = getattr(request.node, "rep_call", None) is not None and request.node.rep_call.failed
    if failed or os.environ.get("LSTM_LAB_SCREENSHOTS"):
        screenshot_pages(pg, re.sub(r"\W+", "_", request.node.name).strip("_"))
    ctx.close()


def screenshot_pages(pg, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    for title in PAGES:
        try:
            nav(pg, title)
            pg.wait_for_function(CHARTS_DRAWN, timeout=15_000)
            pg.screenshot(path=str(ARTIFACTS / f"{name}-{title.lower()}.png"), full_page=True)
        except Exception:  # noqa: BLE001 - best effort on an already failing test
            pass


def plot_points(pg, title_part: str) -> int:
    """Points in the first trace of the plotly chart whose title contains ``title_part``."""
    return pg.evaluate(
        """(part) => { for (const el of document.querySelectorAll('.js-plotly-plot')) {
              const t = el.layout && el.layout.title && el.layout.title.text || '';
              if (t.includes(part) && el._fullData && el._fullData.length) return el._fullData[0].x.length; }
            return -1; }""",
        title_part,
    )


def test_upload_train_stop_and_forecast(server, page, tmp_path):
    from lstm_core.data import frame_to_csv_bytes, generate

    csv = tmp_path / "monthly_sales.csv"
    csv.write_bytes(frame_to_csv_bytes(generate("trend-seasonal", seed=3)))

    page.goto(server)
    expect(page.get_by_role("heading", name="Data", exact=True)).to_be_visible()
    expect(page.get_by_text("airline passengers (bundled)").first).to_be_visible()  # loaded for a newcomer
    expect(page).to_have_title("Data · LSTM Lab")  # every page was "LSTM Lab", at each switch the same words

    # Upload a CSV (the drop zone's file input).
    upload_csv(page, csv)
    expect(page.locator('[data-testid="stSidebar"]').get_by_text("monthly_sales.csv")).to_be_visible()

    # Train with the defaults (a few seconds on airline-sized data).
    nav(page, "Train")
    page.get_by_role("button", name=re.compile("Start training")).click()
    expect(page.get_by_text(re.compile(r"^Finished")).first).to_be_visible(timeout=120_000)
    expect_one(page.get_by_role("link", name=re.compile("See the forecast")))

    # A second, long run (batch size 1, a fixed transform so that no representation backtest
    # comes first): the loss chart grows while it runs; then Stop it.
    wait_idle(page)  # the rerun that follows the first run's end is over before the form is used
    set_number(page, "Max epochs", 100000)
    page.get_by_text(re.compile("^Advanced")).click()  # the rarely changed fields
    set_number(page, "Batch size", 1)
    set_number(page, "Early-stopping patience (0 = off)", 0)
    choose_option(page, "Target transform", "none")
    wait_idle(page)
    page.get_by_role("button", name=re.compile("Start training")).click()
    stop = page.get_by_role("button", name=re.compile("Stop"))
    expect_one(stop)
    expect(page.get_by_text(re.compile(r"Epoch [1-9]\d* / 100000")).first).to_be_visible(timeout=60_000)
    grown = """(n) => [...document.querySelectorAll('.js-plotly-plot')].some(
              el => (el.layout.title.text || '').includes('Loss') && el._fullData && el._fullData.length
                    && el._fullData[0].x.length > n)"""
    page.wait_for_function(grown, arg=0, timeout=60_000)  # the live chart is drawn (the text may come first)
    first = plot_points(page, "Loss")
    assert first >= 1
    page.wait_for_function(grown, arg=first, timeout=60_000)  # ... and grows while training runs
    stop.click()
    expect(page.get_by_text(re.compile(r"^Cancelled")).first).to_be_visible(timeout=30_000)
    expect(page.get_by_text(re.compile("kept the best weights")).first).to_be_visible()
    expect(stop).to_have_count(0)

    # The Forecast page: overlay chart and the metrics table.
    nav(page, "Forecast")
    expect(page.get_by_text("Metrics on the test part (original units)")).to_be_visible()
    expect(page).to_have_title("Forecast · LSTM Lab")
    expect(page.locator('[data-testid="stDataFrame"]')).to_be_visible()
    page.wait_for_function(
        """() => [...document.querySelectorAll('.js-plotly-plot')].some(
              el => (el.layout.title.text || '').includes('One-step predictions') && el._fullData && el._fullData.length >= 3)"""
    )
    assert plot_points(page, "One-step predictions") == 240  # the whole uploaded series
    expect(page.get_by_role("button", name=re.compile("Download run"))).to_be_visible()

    # Back on Train, the form still holds what was submitted last (not the defaults).
    nav(page, "Train")
    expect(page.get_by_label("Batch size", exact=True)).to_have_value("1")
    expect(page.get_by_label("Max epochs", exact=True)).to_have_value("100000")


def test_a_file_of_several_series_is_loaded_by_choosing_one(server, page, tmp_path):
    from tests.test_keys import tidy_csv

    csv = tmp_path / "retail.csv"
    csv.write_bytes(tidy_csv())
    page.goto(server)
    expect(page.get_by_text("airline passengers (bundled)").first).to_be_visible()
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(csv))
    expect(page.get_by_text(re.compile("retail.csv holds 6 series"))).to_be_visible()
    wait_idle(page)
    choose_option(page, "State", "Queensland")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "data-several-series-choice.png"), full_page=True)
    page.get_by_role("button", name=re.compile("Load this series")).click()
    expect(
        page.get_by_role("heading", name=re.compile(r"retail\.csv \(Industry=.*, State=Queensland\)"))
    ).to_be_visible()
    page.wait_for_function(CHARTS_DRAWN, timeout=15_000)
    page.screenshot(path=str(ARTIFACTS / "data-several-series-loaded.png"), full_page=True)


def test_times_of_day_without_dates_upload_in_order_and_a_countdown_is_refused(server, page, tmp_path):
    """A one-day logger export crossing midnight loads in the file's order with a note; a column of
    times that count down gets one sentence, and the series loaded before stays."""
    log = tmp_path / "overnight.csv"
    log.write_text("time,temp\n" + "".join(f"{(22 + i) % 24:02d}:00,{10 + 0.5 * i}\n" for i in range(48)))
    page.goto(server)
    expect(page.get_by_text("airline passengers (bundled)").first).to_be_visible()
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(log))
    expect(page.get_by_role("heading", name="overnight.csv")).to_be_visible()
    expect(page.get_by_text(re.compile("holds times of day without dates")).first).to_be_visible()
    expect(page.locator(".js-plotly-plot").first).to_be_visible()
    page.wait_for_function(CHARTS_DRAWN, timeout=15_000)
    assert plot_points(page, "temp") == 48  # every reading, in the file's order
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "data-times-of-day.png"), full_page=True)

    shots = tmp_path / "shots.csv"
    shots.write_text("time,shot\n9:47,1\n9:07,0\n8:44,1\n8:20,0\n7:50,1\n7:30,0\n")
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(shots))
    expect(page.get_by_text(re.compile(r"they go back from '9:47' to '9:07'")).first).to_be_visible()
    expect(page.get_by_role("heading", name="overnight.csv")).to_be_visible()  # what was loaded stays


def test_month_names_without_years_upload_as_monthly_data(server, page, tmp_path):
    """A spreadsheet's ``Month,Sales`` export (month names, no years) loads in the file's order as
    monthly data with a note, not as dates in year 1 that repeat."""
    months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    sales = tmp_path / "sales.csv"
    sales.write_text(
        "Month,Sales\n" + "".join(f"{months[(i + 3) % 12]},{100 + 2 * i + 10 * (i % 12 == 8)}\n" for i in range(36))
    )
    page.goto(server)
    expect(page.get_by_text("airline passengers (bundled)").first).to_be_visible()
    upload_csv(page, sales)
    expect(page.get_by_text(re.compile("holds month names without years")).first).to_be_visible()
    expect(page.locator(".js-plotly-plot").first).to_be_visible()
    page.wait_for_function(CHARTS_DRAWN, timeout=15_000)
    assert plot_points(page, "Sales") == 36  # every month, in the file's order
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "data-month-names.png"), full_page=True)
