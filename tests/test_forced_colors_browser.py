"""A high-contrast (forced colours) mode keeps the Learn page's controls visible.

Found at 200% zoom and in Windows' high-contrast mode (emulated): the forget-gate slider, the page's main
control, lost its track and thumb (drawn with backgrounds alone), the presenter switch its track, and the
section picker's chosen option looked as the others.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import ACTION_TIMEOUT_MS, CHROMIUM

if not Path(CHROMIUM).exists():
    pytest.skip(f"{CHROMIUM} is missing (install the Debian chromium package)", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
expect = sync_api.expect

#: The background colours of the slider's parts, and of the page, as drawn.
SLIDER_COLOURS = """() => {
  const group = document.querySelector('[data-testid="stSlider"] [role="group"]');
  const parts = [...group.querySelectorAll('div')];
  return {page: getComputedStyle(document.body).backgroundColor,
          parts: parts.map(d => getComputedStyle(d).backgroundColor)};
}"""


def test_the_learn_pages_slider_and_picked_section_show_in_a_high_contrast_mode(server, browser):
    ctx = browser.new_context(viewport={"width": 1280, "height": 800}, forced_colors="active", color_scheme="dark")
    pg = ctx.new_page()
    pg.set_default_timeout(ACTION_TIMEOUT_MS)
    try:
        pg.goto(f"{server}/learn")
        expect(pg.get_by_text("Push the forget gate open (+) or closed (−)")).to_be_visible()
        drawn = pg.evaluate(SLIDER_COLOURS)
        # the track is drawn in a colour other than the page's
        assert [c for c in drawn["parts"] if c not in (drawn["page"], "rgba(0, 0, 0, 0)")], drawn
        picked = pg.locator('[role="radiogroup"] button[aria-checked="true"]').first
        assert picked.evaluate("b => getComputedStyle(b).outlineStyle") == "solid"
        assert pg.locator('[role="radiogroup"] button[aria-checked="false"]').first.evaluate(
            "b => getComputedStyle(b).outlineStyle"
        ) in ("none", "auto")
    finally:
        ctx.close()
