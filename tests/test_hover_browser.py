"""In a real browser: the charts' unified hover names a point at the data's spacing (a quarter as
``Q2 1961``, which Plotly wrote "Apr 1, 1961"), drawn by the Plotly build Streamlit ships."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import CHARTS_DRAWN, CHROMIUM, new_page, upload_csv, wait_idle

if not Path(CHROMIUM).exists():
    pytest.skip(f"{CHROMIUM} is missing (install the Debian chromium package)", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
expect = sync_api.expect


def test_a_quarterly_series_hovers_as_quarters(browser, server, tmp_path):
    quarters = pd.period_range("1961Q1", periods=40, freq="Q")
    csv = tmp_path / "quarterly.csv"
    values = 100 + np.arange(40) + 5 * np.sin(np.arange(40) * np.pi / 2)
    pd.DataFrame({"quarter": [f"{q.year} Q{q.quarter}" for q in quarters], "sales": values}).to_csv(csv, index=False)
    ctx, pg = new_page(browser, 1280, 900)
    try:
        pg.goto(server)
        upload_csv(pg, csv)
        wait_idle(pg)
        pg.wait_for_function(CHARTS_DRAWN)
        plot = pg.locator('[data-testid="stPlotlyChart"] .nsewdrag').first
        hover = pg.locator('[data-testid="stPlotlyChart"] .hoverlayer').first
        quarter = re.compile(r"Q[1-4] 19[67]\d")
        for at in (0.5, 0.55, 0.6, 0.45, 0.4):  # a chart drawn again after the move drops its hover: move again
            plot.scroll_into_view_if_needed()
            box = plot.bounding_box()
            pg.mouse.move(box["x"] + box["width"] * at, box["y"] + box["height"] * 0.5)
            if quarter.search(hover.text_content() or ""):
                break
            try:
                expect(hover).to_contain_text(quarter, timeout=5_000)
                break
            except AssertionError:
                continue
        text = hover.text_content() or ""
        assert quarter.search(text) and "%q" not in text, text
    finally:
        ctx.close()
