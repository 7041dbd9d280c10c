"""Tables in a browser at 1280x720: the Runs list fits beside the sidebar, and presenting, every
results table is an HTML table at projector size (st.dataframe's canvas grid draws 14 px text
that no CSS reaches) that fits the screen and shows users' names as text.

One server on a run store seeded before it starts: two runs and a comparison of two variants ×
two seeds, trained on a series whose file name is a markdown link, for one owner (the browser's
cookie).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import APP_IDLE, CHROMIUM, new_page

from benchmarks.st_server import free_port, start_server, stop_server

if not Path(CHROMIUM).exists():
    pytest.skip(f"{CHROMIUM} is missing (install the Debian chromium package)", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
expect = sync_api.expect

OWNER = "c" * 32
HOSTILE = "[x](http://evil.example)"
DATA = f"{HOSTILE} sales.csv"
GROUP = "d" * 32
GRID_SCROLLS = """() => [...document.querySelectorAll('[data-testid="stMain"] [data-testid="stDataFrame"] .dvn-scroller')]
    .map(e => e.scrollWidth - e.clientWidth)"""


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    """``(base URL, runs, comparison ids)`` of a server whose store holds the owner's runs."""
    from lstm_core.config import RunConfig
    from lstm_core.data import Series, generate
    from lstm_core.jobs import JobRegistry
    from lstm_core.store import RunStore

    home = tmp_path_factory.mktemp("home")
    reg = JobRegistry(max_workers=1, torch_threads=1, store=RunStore(home / "jobs"))
    series = Series(generate("trend-seasonal", length=96, seed=1), name=DATA)

    def cfg(seed: int, hidden: int) -> RunConfig:
        return RunConfig.make(
            hidden_size=hidden, look_back=12, epochs=3, patience=None, device="cpu", ensemble=1, seed=seed
        )

    runs = [reg.submit(series, cfg(0, 8), owner=OWNER, label=f"lstm h8 on {DATA}")]
    runs.append(reg.submit(series, cfg(1, 16), owner=OWNER, label="<b>bold</b> run"))
    tags = {"kind": "compare", "group": GROUP}
    cmp_ids = [
        reg.submit(
            series, cfg(seed, h), owner=OWNER, label=f"{v} · seed {seed}", tags={**tags, "variant": v, "seed": seed}
        )
        for v, h in (("small", 4), (HOSTILE, 12))
        for seed in (0, 1)
    ]
    for jid in runs + cmp_ids:
        assert reg.wait_until(jid, lambda s: not s.active, 300).run is not None
    reg.close()
    before = os.environ.get("LSTM_LAB_HOME")
    os.environ["LSTM_LAB_HOME"] = str(home)  # the server's store (start_server passes the environment)
    try:
        port = free_port()
        proc = start_server(port, tmp_path_factory.mktemp("server") / "streamlit.log")
    finally:
        if before is None:
            os.environ.pop("LSTM_LAB_HOME")
        else:
            os.environ["LSTM_LAB_HOME"] = before
    yield f"http://127.0.0.1:{port}", runs, cmp_ids
    stop_server(proc)


def page_at(browser, base: str):
    ctx, pg = new_page(browser, 1280, 720)
    ctx.add_cookies([{"name": "lstm_lab_owner", "value": OWNER, "url": base}])
    return ctx, pg


def test_the_runs_list_fits_1280_px_without_scrolling_sideways(browser, seeded):
    base, _, _ = seeded
    ctx, pg = page_at(browser, base)
    try:
        pg.goto(f"{base}/runs")
        grid = pg.locator('[data-testid="stMain"] [data-testid="stDataFrame"]').first
        expect(grid).to_be_visible()
        pg.wait_for_function(f"() => ({GRID_SCROLLS})().length > 0")
        assert pg.evaluate(GRID_SCROLLS)[0] <= 0  # twelve columns overflowed by 476 px
        expect(pg.locator(".lstm-table-wrap")).to_have_count(0)  # not presenting: the grid as before
    finally:
        ctx.close()


def test_the_compare_results_fit_1280_px_without_scrolling_sideways(browser, seeded):
    """The results table of a comparison ran 100 px past its grid at 1280x720 ("parameters" and
    "train s" cut at the right edge): the errors and the variants' shapes are two tables that fit."""
    base, _, cmp_ids = seeded
    ctx, pg = page_at(browser, base)
    try:
        pg.goto(f"{base}/compare?cmp={','.join(cmp_ids)}")
        expect(pg.get_by_role("heading", name="Results")).to_be_visible()
        pg.locator(APP_IDLE).wait_for(state="attached")
        pg.wait_for_function(f"() => ({GRID_SCROLLS})().length >= 2")  # errors, then shapes
        assert max(pg.evaluate(GRID_SCROLLS)) <= 0
        grids = pg.locator('[data-testid="stMain"] [data-testid="stDataFrame"]')
        expect(grids.get_by_text("train s", exact=True).first).to_be_attached()
    finally:
        ctx.close()


@pytest.mark.parametrize(
    ("path", "heading", "cell"),
    [
        ("/runs", "Runs", "<b>bold</b> run"),
        ("/forecast?job={run}", "Metrics on the test part", "Holt-Winters"),
        ("/gates?job={run}&view=Memory", "Keep gate:", "f"),
        ("/compare?cmp={cmp}", "Mean ± standard deviation", HOSTILE),
        # the Experiments page's last results (shipped with the app): its grids stayed 14 px
        ("/experiments?preset=long-memory", "Test accuracy (%) per lag", "5"),
        ("/experiments?preset=sine-stacked", "Last result", "test RMSE"),
    ],
)
def test_presenting_a_table_is_projector_size_text_that_fits_the_screen(browser, seeded, path, heading, cell):
    base, runs, cmp_ids = seeded
    ctx, pg = page_at(browser, base)
    try:
        url = base + path.format(run=runs[0], cmp=",".join(cmp_ids))
        pg.goto(url + ("&" if "?" in url else "?") + "presenter=1")
        expect(pg.get_by_text(heading, exact=False).first).to_be_visible()
        named = pg.get_by_role("cell", name=cell, exact=True)  # a name as text, not a link or markup
        wrap = pg.locator('[data-testid="stMain"] .lstm-table-wrap').filter(has=named).first
        expect(wrap).to_be_visible()
        pg.locator(APP_IDLE).wait_for(state="attached")
        expect(wrap.locator("a, b")).to_have_count(0)  # no link or markup from a name
        sizes = wrap.locator("td, th").evaluate_all("cs => cs.map(c => parseFloat(getComputedStyle(c).fontSize))")
        assert sizes and min(sizes) >= 20  # the grid drew 14 px
        assert wrap.evaluate("w => w.scrollWidth - w.clientWidth") <= 0  # fits 1280x720 beside the sidebar
    finally:
        ctx.close()
