"""The uploaded dataset survives a reload, and a run survives a server restart onto the Runs page.

Upload a CSV, train a tiny run on it, reload the page (a new session on the same ``?job=``
link): the sidebar and the Train page still name the uploaded data, not the bundled airline
series. Then stop the server and start another on the same ``LSTM_LAB_HOME``: the link, in the
same browser (its owner cookie), opens the Runs page with the run listed.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from conftest import CHROMIUM, nav, set_number
from test_restart_browser import app_page

if not Path(CHROMIUM).exists():
    pytest.skip(f"{CHROMIUM} is missing (install the Debian chromium package)", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
expect = sync_api.expect

NAME = "class_sales.csv"


def test_the_uploaded_data_survives_a_reload_and_the_run_a_restart(browser, tmp_path, monkeypatch):
    from lstm_core.data import frame_to_csv_bytes, generate

    monkeypatch.setenv("LSTM_LAB_HOME", str(tmp_path / "home"))
    csv = tmp_path / NAME
    csv.write_bytes(frame_to_csv_bytes(generate("trend-seasonal", length=72, seed=5)))
    sidebar = '[data-testid="stSidebar"]'

    with app_page(browser, tmp_path / "first.log") as (pg, base):
        pg.goto(base)
        pg.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(csv))
        expect(pg.locator(sidebar).get_by_text(NAME, exact=True)).to_be_visible()
        nav(pg, "Train")  # in the same session (a goto would be a reload)
        set_number(pg, "Hidden size", 8)
        set_number(pg, "Max epochs", 3)
        pg.get_by_role("button", name="Start training").click()
        pg.wait_for_url("**job=*")
        job = parse_qs(urlparse(pg.url).query)["job"][0]
        expect(pg.get_by_text("Finished", exact=False).first).to_be_visible(timeout=120_000)

        pg.reload()  # a new session: only the link is left
        query = urlparse(pg.url).query  # the link the person keeps (?job=...)
        assert "owner=" not in query  # the owner key is in the browser's cookie
        cookies = pg.context.cookies()
        expect(pg.get_by_role("heading", name="Train", exact=True)).to_be_visible()
        expect(pg.locator(sidebar).get_by_text(NAME, exact=True)).to_be_visible()
        expect(pg.get_by_text(f"Dataset {NAME}", exact=False)).to_be_visible()  # what Start would train on
        expect(pg.locator(sidebar).get_by_text("airline passengers (bundled)")).to_have_count(0)

    with app_page(browser, tmp_path / "second.log", cookies) as (pg, base):  # the same browser
        assert parse_qs(query)["job"] == [job]
        pg.goto(f"{base}/runs?{query}")  # the link the person kept, on a fresh server
        expect(pg.get_by_role("heading", name="Runs", exact=True)).to_be_visible()
        expect(pg.get_by_role("combobox", name="Run", exact=True)).to_have_value(
            re.compile(rf"^lstm h8 · {re.escape(NAME)} · ")  # the data once, not in the name as well
        )
        expect(pg.get_by_role("textbox", name="Name", exact=True)).to_have_value(
            f"lstm h8 on {NAME}"
        )  # the rename field
        expect(pg.locator(sidebar).get_by_text(NAME, exact=True)).to_be_visible()  # its data came back too
        nav(pg, "Forecast")
        expect(pg.get_by_text("Metrics on the test part", exact=False).first).to_be_visible()
        expect(pg.locator('[data-testid="stException"]')).to_have_count(0)


def test_a_run_zip_restored_on_the_runs_page_is_listed_and_survives_a_restart(browser, tmp_path, monkeypatch):
    """A run zip restored on Forecast opened there but never appeared on Runs, and a restart
    lost it; restored on the Runs page it is picked there, named after its zip, and a new
    server lists it for the same browser."""
    from lstm_core import runs as lcruns
    from lstm_core.config import RunConfig
    from lstm_core.data import generate
    from lstm_core.pipeline import fit_run

    monkeypatch.setenv("LSTM_LAB_HOME", str(tmp_path / "home"))
    cfg = RunConfig.make(hidden_size=4, look_back=6, epochs=2, patience=None, device="cpu", ensemble=1)
    cfg.data.transform = "none"
    run = fit_run(generate("sine", length=80), cfg)
    zip_path = tmp_path / "sine-try.zip"
    zip_path.write_bytes(lcruns.run_to_zip(lcruns.save_run(run, tmp_path / "run")))

    with app_page(browser, tmp_path / "first.log") as (pg, base):
        pg.goto(base)
        nav(pg, "Runs")
        expect(pg.get_by_text("You have no saved runs yet", exact=False)).to_be_visible()
        pg.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(zip_path))
        box = pg.get_by_role("combobox", name="Run", exact=True)
        expect(box).to_have_value(re.compile(r"^sine-try \(restored\) · sine-try\.zip · "))
        expect(pg.get_by_role("button", name="Pin")).to_be_enabled()
        expect(pg.locator('[data-testid="stException"]')).to_have_count(0)
        picked = box.input_value()
        cookies = pg.context.cookies()

    with app_page(browser, tmp_path / "second.log", cookies) as (pg, base):  # the same browser, a new server
        pg.goto(f"{base}/runs")
        expect(pg.get_by_role("heading", name="Runs", exact=True)).to_be_visible()
        expect(pg.get_by_role("combobox", name="Run", exact=True)).to_have_value(picked)
        nav(pg, "Forecast")
        expect(pg.get_by_text("Metrics on the test part", exact=False).first).to_be_visible()
        expect(pg.get_by_role("combobox", name="Run", exact=True)).to_have_value(
            re.compile(r"^sine-try \(restored\) — finished")
        )


def test_a_run_picked_to_compare_stays_picked_when_it_is_renamed(browser, tmp_path, monkeypatch):
    """The browser holds a multiselect's picks by their shown names: renamed, a run picked to compare kept
    its old name on its chip, and the next rerun matched that name to no option and dropped it."""
    from lstm_core import runs as lcruns
    from lstm_core.config import RunConfig
    from lstm_core.data import generate
    from lstm_core.pipeline import fit_run

    monkeypatch.setenv("LSTM_LAB_HOME", str(tmp_path / "home"))
    zips = []
    for seed in (0, 1):
        cfg = RunConfig.make(hidden_size=4, look_back=6, epochs=2, patience=None, device="cpu", ensemble=1, seed=seed)
        cfg.data.transform = "none"
        zips.append(tmp_path / f"sine-{seed}.zip")
        zips[-1].write_bytes(
            lcruns.run_to_zip(lcruns.save_run(fit_run(generate("sine", length=80), cfg), tmp_path / f"r{seed}"))
        )

    with app_page(browser, tmp_path / "server.log") as (pg, base):
        pg.goto(f"{base}/runs")
        box = pg.get_by_role("combobox", name="Run", exact=True)
        for z in zips:
            pg.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(z))
            expect(box).to_have_value(re.compile(rf"^{z.stem} \(restored\)"))
        chips = pg.locator('[data-testid="stMultiSelectTagsContainer"] [data-tag]')
        picker = pg.get_by_role("combobox", name=re.compile("^Pick 2 to"))
        for _ in range(2):
            picker.click()
            pg.get_by_role("option").first.click()
            pg.keyboard.press("Escape")
        expect(chips).to_have_count(2)
        pg.get_by_role("textbox", name="Name", exact=True).fill("renamed run")
        pg.get_by_role("button", name="Rename").click()
        expect(chips.first).to_contain_text("renamed run")
        box.click()
        pg.get_by_role("option").nth(1).click()  # any later rerun
        expect(box).to_have_value(re.compile(r"^sine-0 \(restored\)"))
        expect(chips).to_have_count(2)
        expect(pg.get_by_text("Pick at least 2 runs")).to_have_count(0)
