"""A multiselect shows every option picked, at 1024x768 beside the sidebar.

Streamlit draws the picked options as chips on one row that scrolls sideways under a fade: the
Experiments page's Cells box showed "rnn lstm" while gru was picked too (its chart's third line
came from nowhere) and Lags hid its 50. The chips now wrap onto more rows, inside the box, with
the box's clear and open buttons still in it.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import CHROMIUM, new_page, screenshot, wait_idle

if not Path(CHROMIUM).exists():
    pytest.skip(f"{CHROMIUM} is missing (install the Debian chromium package)", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
expect = sync_api.expect

#: Per multiselect: its label, the chips drawn (even in part) outside its box, and the box's
#: buttons outside it (px of slack: half a pixel).
OUTSIDE = """() => [...document.querySelectorAll('[data-testid="stMain"] [data-testid="stMultiSelect"]')].map(m => {
    const tags = m.querySelector('[data-testid="stMultiSelectTagsContainer"]');
    const box = tags.parentElement.getBoundingClientRect(), seen = tags.getBoundingClientRect();
    const out = (r, b) => r.left < b.left - 0.5 || r.right > b.right + 0.5 || r.top < b.top - 0.5 || r.bottom > b.bottom + 0.5;
    return {label: m.querySelector('[data-testid="stWidgetLabel"]').innerText,
            chips: [...tags.querySelectorAll('[data-tag]')].map(t => t.innerText),
            hidden: [...tags.querySelectorAll('[data-tag]')].filter(t => out(t.getBoundingClientRect(), seen)
                || out(t.getBoundingClientRect(), box)).map(t => t.innerText),
            buttons: [...tags.parentElement.parentElement.querySelectorAll('button[aria-label="Clear all"], button[aria-label="Open"]')]
                .filter(b => out(b.getBoundingClientRect(), box)).map(b => b.getAttribute('aria-label'))}; })"""


@pytest.mark.parametrize("presenting", [False, True])
def test_every_picked_option_of_a_multiselect_is_shown_at_1024(server, browser, presenting):
    ctx, pg = new_page(browser, 1024, 768)
    try:
        pg.goto(f"{server}/experiments" + ("?presenter=1" if presenting else ""))
        expect(pg.get_by_role("heading", name="Experiments", exact=True).first).to_be_visible()
        expect(pg.locator('[data-testid="stMultiSelect"] [data-tag]')).to_have_count(7)  # 4 lags, 3 cells
        wait_idle(pg)
        boxes = {b["label"]: b for b in pg.evaluate(OUTSIDE)}
        assert boxes["Cells"]["chips"] == ["rnn", "lstm", "gru"]
        assert boxes["Lags"]["chips"] == ["5", "10", "25", "50"]
        for b in boxes.values():
            assert b["hidden"] == [], f"{b['label']}: chips {b['hidden']} are not shown"
            assert b["buttons"] == [], f"{b['label']}: {b['buttons']} stand outside the box"
        screenshot(pg, f"multiselect-experiments-1024-{'presenting' if presenting else 'plain'}")
    finally:
        ctx.close()
