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


def test_a_number_out_of_range_is_named_at_start_and_kept(server, browser):
    """Hidden size 2000 (the most is 1024): a bounded box refused it with a mark shown on hover only, and
    Start did nothing. Start now says which box and what it must be; the typed value stays to correct."""
    ctx, pg = new_page(browser, 1280, 900)
    try:
        pg.goto(f"{server}/train")
        expect(pg.get_by_role("heading", name="Train", exact=True).first).to_be_visible()
        box = pg.get_by_label("Hidden size", exact=True)
        box.fill("2000")
        pg.get_by_role("button", name="Start training").click()
        expect(pg.locator('[data-testid="stAlert"]')).to_have_text(
            "Hidden size must be between 1 and 1024 (got 2000): change it, then press Start training again."
        )
        expect(box).to_have_value("2000")
        expect(pg.get_by_role("button", name="Stop")).to_have_count(0)  # nothing was queued
    finally:
        ctx.close()


def test_the_calculators_unit_box_keeps_its_unit_past_a_mistyped_input(server, browser):
    """Unit 2, then x_t "abc" (the page stops at its error, above the box), then numbers again: the box
    read 1 while the picture drew unit 2."""
    ctx, pg = new_page(browser, 1280, 900)
    try:
        pg.goto(f"{server}/learn?section=Calculator")
        unit = pg.get_by_label("Unit shown in the picture", exact=True)
        unit.fill("2")
        unit.press("Enter")
        wait_idle(pg)
        x = pg.get_by_label("x_t", exact=True)
        x.fill("abc")
        x.press("Enter")
        expect(pg.get_by_text("x_t must be numbers separated by commas (got 'abc').")).to_be_visible()
        expect(unit).to_have_count(0)
        x.fill("0.2, 1.3")
        x.press("Enter")
        expect(unit).to_have_value("2")
    finally:
        ctx.close()
