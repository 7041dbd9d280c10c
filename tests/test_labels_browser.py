"""No button, popover or checkbox label is cut short at a projector's 1024x768.

A monthly series is uploaded and trained with the Data page's primary action; then the Data,
Train (its Advanced settings open), Forecast and Runs pages are measured: no element that ends an
overflowing text with an ellipsis may hold more text than it shows. In equal columns the labels
read "Train an LSTM on th…", "Reading …", "S…" (Share link), "Linear path to th…", "Download
predictions (…" and "Open …" twice on the Runs page.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import CHARTS_DRAWN, CHROMIUM, nav, new_page, screenshot, upload_csv, wait_idle

if not Path(CHROMIUM).exists():
    pytest.skip(f"{CHROMIUM} is missing (install the Debian chromium package)", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
expect = sync_api.expect

NAME = "retail_monthly.csv"
#: The texts cut with an ellipsis: (text, the width it needs, the width it has).
CUT_LABELS = """() => [...document.querySelectorAll('[data-testid="stMain"] *')].filter(el => {
    const cs = getComputedStyle(el);
    return cs.textOverflow === 'ellipsis' && el.textContent.trim() && el.scrollWidth > el.clientWidth + 1;
  }).map(el => [el.textContent.trim(), el.scrollWidth, el.clientWidth])"""


def cut_labels(pg) -> list[list]:
    wait_idle(pg)
    pg.wait_for_function(CHARTS_DRAWN)
    return pg.evaluate(CUT_LABELS)


def test_no_label_is_cut_short_at_1024x768(server, browser, tmp_path):
    months = pd.date_range("2014-01-01", periods=120, freq="MS")
    t = np.arange(120)
    sales = 200 + 1.5 * t + 40 * np.sin(2 * np.pi * t / 12) + np.random.default_rng(7).normal(0, 8, 120)
    csv = tmp_path / NAME
    pd.DataFrame({"month": months.strftime("%Y-%m"), "sales": sales.round(1)}).to_csv(csv, index=False)

    ctx, pg = new_page(browser, 1024, 768)
    try:
        pg.goto(server)
        expect(pg.get_by_role("heading", name="Data", exact=True)).to_be_visible()
        upload_csv(pg, csv)
        expect(pg.get_by_role("button", name="Reading dates")).to_be_visible()
        assert cut_labels(pg) == []
        screenshot(pg, "labels-data-1024")

        pg.get_by_role("button", name="Train an LSTM on this series").click()
        expect(pg.get_by_role("heading", name="Train", exact=True)).to_be_visible()
        expect(pg.get_by_text("Finished —").first).to_be_visible(timeout=180_000)
        wait_idle(pg)  # a rerun's stale copy of the job's row fades out
        expect(pg.get_by_role("button", name="Share link")).to_have_count(1)
        expect(pg.get_by_role("button", name="Share link")).to_be_visible()
        pg.get_by_text("Advanced: split").click()
        expect(pg.get_by_text("Linear path to the one-step output")).to_be_visible()
        assert cut_labels(pg) == []
        screenshot(pg, "labels-train-1024")

        nav(pg, "Forecast")
        expect(pg.get_by_role("button", name="Download predictions (.csv)")).to_be_visible()
        assert cut_labels(pg) == []
        screenshot(pg, "labels-forecast-1024")
        # the predictions file is built when clicked (not on every rerun): every row of the data, in order
        with pg.expect_download() as got:
            pg.get_by_role("button", name="Download predictions (.csv)").click()
        assert got.value.suggested_filename == "predictions.csv"
        rows = pd.read_csv(got.value.path())
        assert len(rows) == 120 and list(rows["actual"].round(1)) == list(sales.round(1))
        assert {"time", "actual", "one_step", "part"} <= set(rows.columns)

        nav(pg, "Runs")
        expect(pg.get_by_role("button", name="Open in Forecast")).to_be_visible()
        expect(pg.get_by_role("button", name="Open in Gates")).to_be_visible()
        assert cut_labels(pg) == []
        screenshot(pg, "labels-runs-1024")
    finally:
        ctx.close()


#: The tops of the Train page's first-row number boxes, by label.
ROW_TOPS = """(labels) => Object.fromEntries(labels.map(l => {
    const box = document.querySelector(`[data-testid="stNumberInput"] input[aria-label="${l}"]`);
    return [l, box ? box.getBoundingClientRect().top : null]; }))"""


@pytest.mark.parametrize(("width", "height"), [(1280, 720), (1024, 768)])
def test_presenting_the_train_pages_number_boxes_line_up(server, browser, width, height):
    """Presenting on a 1280x720 projector, the label "Epochs (upper bound)" took two lines, so its box
    sat a line lower than Hidden size, Layers and Look-back beside it; "Max epochs" keeps to one line
    (its help says the rest). At 1024 px presenting every label of the row but Layers takes two lines:
    the row's boxes sit at its bottom, so Layers' box no longer sat a line above the others."""
    labels = ["Hidden size", "Layers", "Look-back", "Max epochs"]
    ctx, pg = new_page(browser, width, height)
    try:
        pg.goto(f"{server}/train?presenter=1")
        expect(pg.get_by_label("Max epochs", exact=True)).to_be_visible()
        wait_idle(pg)
        tops = pg.evaluate(ROW_TOPS, labels)
        assert None not in tops.values(), tops
        assert max(tops.values()) - min(tops.values()) <= 2, tops
    finally:
        ctx.close()
