"""Labels that ran into each other, measured in chromium (no server: the SVG and the figure are
rendered on a blank page).

* The cell diagram (Learn, the calculator, the Gates step-through): "c_{t−1} = 0.500" ran into
  "f·c_{t−1} = 0.307" above the forget ×, and "i = 0.404" into "g = 0.005" under the gates.
* The Gates page's memory chart presenting: its log axis labelled 3 … 9 between 1 and 10, and
  at 20 px those labels lay on top of each other ("10 9 8 7" under the look-back line); it labels
  0.5, 1, 2, 5, 10 now.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import plotly.io as pio
import pytest
from conftest import CHROMIUM

from ui.cell_picture import cell_svg
from ui.figures import gates as gp
from ui.figures.style import presenter_figure

if not Path(CHROMIUM).exists():
    pytest.skip(f"{CHROMIUM} is missing (install the Debian chromium package)", allow_module_level=True)
pytest.importorskip("playwright.sync_api", reason="playwright is not installed")

#: Pairs of texts (of the elements ``selector`` picks) whose boxes overlap by over half a pixel both ways.
OVERLAPS = """(selector) => {
    const boxes = [...document.querySelectorAll(selector)].filter(t => t.textContent.trim()).map(t => {
        const r = t.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom, t.textContent]; });
    const out = [];
    for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
        const a = boxes[i], b = boxes[j];
        const ox = Math.min(a[2], b[2]) - Math.max(a[0], b[0]), oy = Math.min(a[3], b[3]) - Math.max(a[1], b[1]);
        if (ox > 0.5 && oy > 0.5) out.push([a[4], b[4]]);
    }
    return out; }"""

#: Every slot of every cell's diagram, at its widest: a negative number has a minus sign and 3 decimals.
WIDEST = {
    k: -0.888
    for k in (
        *("h", "h_prev", "x0", "c", "c_prev", "tanh_c", "fc", "ig", "zh", "omz", "omzn", "n.wh"),
        *("f", "i", "g", "o", "r", "z", "n", "f.p", "i.p", "o.p"),
    )
} | {"x_n": 3.0}


@pytest.mark.parametrize("cell", ["lstm", "peephole", "cifg", "gru", "rnn"])
@pytest.mark.parametrize("width", [480, 1150])
def test_no_two_labels_of_the_cell_diagram_overlap(browser, cell, width):
    pg = browser.new_page(viewport={"width": width + 40, "height": 900})
    try:
        pg.set_content(f'<div style="width:{width}px">{cell_svg(cell, WIDEST)}</div>')
        assert pg.locator("svg text").count() >= 6  # the RNN has the fewest
        assert pg.evaluate(OVERLAPS, "svg text") == []
    finally:
        pg.close()


def drawn(browser, fig, width: int, texts: str):
    """A page showing ``fig`` ``width`` px wide as ``#chart``, once two of its ``texts`` (a selector) are drawn."""
    pg = browser.new_page(viewport={"width": width + 40, "height": 900})
    pg.set_content(pio.to_html(fig, include_plotlyjs=True, full_html=True, default_width=f"{width}px", div_id="chart"))
    pg.wait_for_function(f"() => document.querySelectorAll('{texts}').length >= 2")
    return pg


def test_the_memory_charts_axis_labels_stay_apart_when_presenting(browser):
    # half-lives from 0.4 to 1.6 steps under a look-back of 12: a log axis of about 1.5 decades
    span = np.linspace(1.6, 0.4, 32)
    mem = pd.DataFrame({"unit": np.arange(32), "gate": "f", "span": span, "keep_mean": np.exp(np.log(0.5) / span)})
    pg = drawn(browser, presenter_figure(gp.memory_figure(mem, "lstm", 12)), 1150, "#chart .ytick text")
    try:
        labels = pg.eval_on_selector_all("#chart .ytick text", "ts => ts.map(t => t.textContent)")
        assert labels == ["0.5", "1", "2", "5", "10"]  # values as written (Plotly's "D2" wrote 0.5 as "5")
        assert pg.evaluate(OVERLAPS, "#chart .ytick text") == []
    finally:
        pg.close()


@pytest.mark.parametrize("present", [False, True])
def test_the_overlays_validation_and_test_labels_stay_apart(browser, present):
    """A short validation part puts its mark just before the test part's: presenting at 1024 px,
    " validation", lowered by a fixed share of the plot, still ran into " test →" at 20 px."""
    from ui.figures import series as sp

    n = 240
    t = np.arange(n)
    actual = 50 + 10 * np.sin(2 * np.pi * t / 12)
    part = np.where(t < 168, "train", np.where(t < 180, "val", "test"))  # 12 validation points
    pred = pd.DataFrame(
        {"time": pd.date_range("1920-01-01", periods=n, freq="MS"), "actual": actual, "part": part, "one_step": actual}
    )
    fig = sp.overlay_figure(pred)
    fig = presenter_figure(fig) if present else fig
    fig.update_layout(height=380)  # a short plot, as a narrow chart's legend rows leave (a share of it is few px)
    pg = drawn(browser, fig, 560, "#chart .annotation-text")
    try:
        texts = pg.eval_on_selector_all("#chart .annotation-text", "ts => ts.map(t => t.textContent.trim())")
        assert {"validation", "test →"} <= set(texts)
        assert pg.evaluate(OVERLAPS, "#chart .annotation-text") == []
    finally:
        pg.close()


#: The colour of the diagram's lines (``ui.cell_picture.Canvas.path``), RGB.
LINE_RGB = (0x37, 0x41, 0x51)


@pytest.mark.parametrize("cell", ["lstm", "gru"])
def test_no_line_shows_through_a_value_label(browser, cell):
    """A gate's line ran up through its centred label, between the glyphs of the halo: on a
    projector "f = 0.615" read as "f = Ø.615"."""
    import io

    from PIL import Image

    pg = browser.new_page(viewport={"width": 1190, "height": 900})
    try:
        pg.set_content(f'<div style="width:1150px">{cell_svg(cell, WIDEST)}</div>')
        labels = pg.locator('svg text[font-weight="600"]')
        assert labels.count() >= 5
        crossed = []
        for i in range(labels.count()):
            box = labels.nth(i).bounding_box()
            # the middle half of its height: a line drawn along a label's edge, above or below it, is no crossing
            inner = {"x": box["x"] + 2, "y": box["y"] + box["height"] / 4, "width": box["width"] - 4}
            shot = Image.open(io.BytesIO(pg.screenshot(clip={**inner, "height": box["height"] / 2}))).convert("RGB")
            if (np.abs(np.asarray(shot, dtype=np.int16) - np.array(LINE_RGB)) <= 12).all(axis=-1).any():
                crossed.append(labels.nth(i).text_content())
        assert crossed == []
    finally:
        pg.close()


#: Texts of the SVG whose box passes the drawing's viewBox (in drawing units, a hundredth's slack).
PAST_EDGE = """() => { const s = document.querySelector('svg'), vb = s.viewBox.baseVal, out = [];
    for (const t of s.querySelectorAll('text')) { const b = t.getBBox();
        if (b.x < vb.x - 0.01 || b.x + b.width > vb.x + vb.width + 0.01 || b.y < vb.y - 0.01
            || b.y + b.height > vb.y + vb.height + 0.01) out.push(t.textContent); }
    return out; }"""


@pytest.mark.parametrize("cell", ["lstm", "peephole", "cifg", "gru", "rnn"])
def test_every_label_of_the_cell_diagram_lies_inside_the_drawing(browser, cell):
    """The GRU's "(1−z)·n = −0.888", right of its last ×, ran past the drawing's right edge: on the
    Gates step-through (presenting at 1024x768 too) it read "(1−z)·n = −0."."""
    pg = browser.new_page(viewport={"width": 1190, "height": 900})
    try:
        pg.set_content(f'<div style="width:1150px">{cell_svg(cell, WIDEST)}</div>')
        assert pg.locator("svg text").count() >= 6
        assert pg.evaluate(PAST_EDGE) == []
    finally:
        pg.close()
