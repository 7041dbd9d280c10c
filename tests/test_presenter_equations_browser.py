"""Presenter mode's equations on the Learn page, at a projector's 1024x768.

One rule enlarged every KaTeX box 1.55 times its parent's size: inline maths, in 23 px prose, came
out at 36 px (``tanh(c_t)`` towered over its sentence), while the displayed equations (st.latex,
whose box keeps the 16 px base) came out at 25 px, no larger than the prose around them. Now
inline maths stays near the prose and a displayed equation is well above it, one equation a line
(the calculator's bias under its weights) so that none runs past the page's edge.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import CHROMIUM, new_page, screenshot, wait_idle

if not Path(CHROMIUM).exists():
    pytest.skip(f"{CHROMIUM} is missing (install the Debian chromium package)", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
expect = sync_api.expect

#: Font sizes (px) of the prose, of the inline maths and of the displayed equations, and the
#: displayed equations wider than the main column (their drawn width against the column's).
SIZES = """() => {
    const main = document.querySelector('[data-testid="stMainBlockContainer"]');
    const px = e => parseFloat(getComputedStyle(e).fontSize);
    const prose = [...main.querySelectorAll('[data-testid="stMarkdownContainer"] p')].filter(p => p.closest('.stMarkdown'));
    const katex = [...main.querySelectorAll('.katex')];
    const shown = katex.filter(k => k.closest('.katex-display'));
    const column = main.getBoundingClientRect();
    const inner = column.width - parseFloat(getComputedStyle(main).paddingLeft) - parseFloat(getComputedStyle(main).paddingRight);
    return {prose: Math.max(...prose.map(px)), inline: katex.filter(k => !k.closest('.katex-display')).map(px),
            display: shown.map(px),
            wide: shown.map(k => k.querySelector('.katex-html').getBoundingClientRect().width).filter(w => w > inner + 1)}; }"""


@pytest.mark.parametrize("section", ["The LSTM cell", "Variants and GRU", "Calculator"])
def test_presenting_displayed_equations_are_larger_than_prose_and_inline_maths_is_not(server, browser, section):
    ctx, pg = new_page(browser, 1024, 768)
    try:
        pg.goto(f"{server}/learn?presenter=1")
        expect(pg.get_by_role("heading", name="Learn", exact=True).first).to_be_visible()
        pg.locator('[data-testid="stButtonGroup"] button', has_text=section).first.click()
        expect(pg.locator(".katex-display").first).to_be_visible()
        if section == "Calculator":  # its weights too: a bias beside its matrix ran past the edge
            pg.get_by_text("Weights used", exact=True).click()
            expect(pg.locator(".katex-display")).to_have_count(11)
        wait_idle(pg)
        sizes = pg.evaluate(SIZES)
        assert sizes["prose"] >= 22, sizes  # presenting
        assert (section == "Calculator" or sizes["inline"]) and max(sizes["inline"], default=0) <= 1.25 * sizes[
            "prose"
        ], sizes
        assert sizes["display"] and min(sizes["display"]) >= 1.2 * sizes["prose"], sizes
        assert sizes["wide"] == [], f"displayed equations wider than the page: {sizes['wide']}"
        screenshot(pg, f"presenter-equations-{section.replace(' ', '-')}-1024")
    finally:
        ctx.close()
