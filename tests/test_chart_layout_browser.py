"""Chart layout in a real browser: a legend never covers the x-axis labels.

A daily series whose dates are written DD/MM/YYYY is uploaded and trained with the Data page's
primary action. Its forecast past the end spans about four months, so Plotly labels the x axis
by week on two lines ("Mar 28" over "2021"): with the legend placed just under the plot area the
legend hid the year. Every chart of the Train and Forecast pages (and the Gates page's saturation
scatter) is measured (the bounding boxes
of the legend and of each x-axis label), at a projector's 1280x720 and at 1400x1000.
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

NAME = "shop_visits.csv"
#: Per chart (its title), the x-axis labels (tick labels and axis title) that the legend's box overlaps.
LEGEND_OVER_X_LABELS = """() => [...document.querySelectorAll('[data-testid="stPlotlyChart"]')].map(c => {
    const title = (c.querySelector('.gtitle') || {}).textContent || '';
    const legend = c.querySelector('.legend');
    if (!legend) return [title, []];
    const l = legend.getBoundingClientRect();
    const hit = [...c.querySelectorAll('.xtick text, .g-xtitle text')].filter(t => {
        const b = t.getBoundingClientRect();
        return b.width > 0 && !(b.right <= l.left || l.right <= b.left || b.bottom <= l.top || l.bottom <= b.top); });
    return [title, hit.map(t => t.textContent)]; })"""


def charts_drawn(pg, at_least: int) -> None:
    pg.wait_for_function(
        f"() => document.querySelectorAll('[data-testid=\"stPlotlyChart\"] .main-svg').length >= {at_least}"
    )
    pg.wait_for_function(CHARTS_DRAWN)
    wait_idle(pg)


def covered_labels(pg) -> dict[str, list[str]]:
    """Chart title -> the x-axis labels its legend covers (only charts with any)."""
    return {title: hit for title, hit in pg.evaluate(LEGEND_OVER_X_LABELS) if hit}


def test_no_legend_covers_the_date_labels_of_a_daily_series(server, browser, tmp_path):
    days = pd.date_range("2021-01-01", periods=200, freq="D")
    visits = 50 + 10 * np.sin(np.arange(200) * 2 * np.pi / 7) + np.random.default_rng(0).normal(0, 1, 200)
    csv = tmp_path / NAME
    pd.DataFrame({"date": days.strftime("%d/%m/%Y"), "visits": visits.round(2)}).to_csv(csv, index=False)

    ctx, pg = new_page(browser, 1280, 720)
    try:
        pg.goto(server)
        expect(pg.get_by_role("heading", name="Data", exact=True)).to_be_visible()
        upload_csv(pg, csv)
        wait_idle(pg)
        pg.get_by_role("button", name="Train an LSTM on this series").click()
        expect(pg.get_by_role("heading", name="Train", exact=True)).to_be_visible()
        expect(pg.get_by_text("Finished —").first).to_be_visible(timeout=180_000)
        charts_drawn(pg, 2)  # the live panel's loss and one-step charts (340 px high)
        assert covered_labels(pg) == {}

        nav(pg, "Forecast")
        charts_drawn(pg, 4)
        future = pg.locator('[data-testid="stPlotlyChart"]').filter(has_text="steps ahead with the")
        expect(future.locator(".xtick text").first).to_be_visible()
        assert covered_labels(pg) == {}
        screenshot(pg, "chart-layout-forecast-1280")

        pg.set_viewport_size({"width": 1400, "height": 1000})
        charts_drawn(pg, 4)
        pg.wait_for_function(
            # Plotly redraws on a resize: wait until the future chart is laid out at the new width
            """() => { const c = [...document.querySelectorAll('[data-testid="stPlotlyChart"] .js-plotly-plot')]
                         .find(p => (p.layout.title.text || '').includes('steps ahead'));
                       return c && Math.abs(c._fullLayout.width - c.getBoundingClientRect().width) < 2; }"""
        )
        # the week labels of the future chart name the year on a second line, under the first week
        assert any("2021" in t for t in future.locator(".xtick text").all_text_contents())
        assert covered_labels(pg) == {}

        nav(pg, "Gates")  # a scatter with its own legend, under a titled x axis
        pg.locator('[data-testid="stButtonGroup"] button', has_text="Saturation").first.click()  # the view
        expect(pg.locator(".gtitle").filter(has_text="Gate saturation")).to_be_visible()
        charts_drawn(pg, 1)
        assert covered_labels(pg) == {}
    finally:
        ctx.close()
