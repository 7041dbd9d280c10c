"""What a person picked on the Learn and Experiments pages is still picked after a visit to
another page (Streamlit drops a widget's state when its page is not drawn; ``persist_state``
keeps it), as the Train form's settings are."""

from pathlib import Path

import pytest
from conftest import CHROMIUM, nav, new_page, wait_idle

if not Path(CHROMIUM).exists():
    pytest.skip(f"{CHROMIUM} is missing (install the Debian chromium package)", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
expect = sync_api.expect


def test_learn_section_and_calculator_input_survive_a_page_switch(server, browser):
    ctx, pg = new_page(browser, 1280, 900)
    try:
        pg.goto(f"{server}/learn")
        expect(pg.get_by_role("heading", name="Learn", exact=True).first).to_be_visible()
        calculator = pg.get_by_role("radio", name="Calculator", exact=True)
        calculator.click()
        expect(calculator).to_be_checked()
        box = pg.get_by_label("x_t", exact=True)
        box.fill("0.25, -1")
        box.press("Tab")
        wait_idle(pg)
        nav(pg, "Data")
        nav(pg, "Learn")
        expect(calculator).to_be_checked()
        expect(pg.get_by_role("radio", name="The idea", exact=True)).not_to_be_checked()
        expect(pg.get_by_label("x_t", exact=True)).to_have_value("0.25, -1")
    finally:
        ctx.close()


def test_experiment_pick_survives_a_page_switch(server, browser):
    ctx, pg = new_page(browser, 1280, 900)
    try:
        pg.goto(f"{server}/experiments")
        expect(pg.get_by_role("heading", name="Experiments", exact=True).first).to_be_visible()
        pg.get_by_text("Sine wave, stacked LSTM", exact=True).click()
        expect(pg.get_by_role("radio", name="Sine wave, stacked LSTM")).to_be_checked()
        wait_idle(pg)
        nav(pg, "Learn")
        nav(pg, "Experiments")
        expect(pg.get_by_role("radio", name="Sine wave, stacked LSTM")).to_be_checked()
        expect(pg.get_by_role("radio", name="Long memory: RNN vs LSTM vs GRU")).not_to_be_checked()
    finally:
        ctx.close()
