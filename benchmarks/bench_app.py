"""App speed on this machine (not a test): prints a table.

1. Newcomer path in a real browser at 1366x768, server started as scripts/start.sh starts it
   (ui.serve: warmed up before it listens) on an empty run store: open the app -> the Data
   page's one primary action ("Train an LSTM on this series": defaults, bundled airline data) ->
   the Train page draws the first forecast: a first network's one-step predictions while the
   rest of the ensemble trains (the "first look": the representation backtest's first network,
   then the run's network 1). Target <= 5 s on a quiet 2-core machine (issue 12).
   Also: the run's own overlay when it ends, and on to the Forecast page with it drawn.
2. Page switches while a job trains: browser click -> page fully rendered (script done),
   and the script's own server time measured in-process with AppTest. Target < 300 ms.
3. Live loss chart update rate in the browser while a job trains. Target >= 1 per second.

Run: ``python -m benchmarks.bench_app``  (needs /usr/bin/chromium and playwright).
"""

from __future__ import annotations

import os
import re
import statistics
import tempfile
import time
from pathlib import Path

from benchmarks.st_server import CHROMIUM, CHROMIUM_ARGS, ROOT, free_port, start_server, stop_server

PAGES = ("Data", "Train", "Forecast")
#: The first look is inline SVG (ui.figures.sketch) in the live panel's first-look box; the run's
#: own overlay is a Plotly chart.
LOOK_PICTURES = """[...document.querySelectorAll('[class*="_first_look"] svg')]"""
FIRST_FORECAST = (
    """() => [...document.querySelectorAll('.js-plotly-plot')].some(
    el => (el.layout.title.text || '').includes('One-step predictions') && el._fullData.length >= 3)
    || """
    + LOOK_PICTURES
    + ".some((svg) => svg.getBoundingClientRect().height > 0)"
)
FINAL_FORECAST = """() => [...document.querySelectorAll('.js-plotly-plot')].some(
    el => (el.layout.title.text || '').includes('One-step predictions over') && el._fullData.length >= 3)"""
IN_VIEW = (
    """() => [...document.querySelectorAll('.js-plotly-plot')].some(
    el => (el.layout.title.text || '').includes('One-step predictions')
          && el.getBoundingClientRect().top < window.innerHeight - 150)
    || """
    + LOOK_PICTURES
    + ".some((svg) => svg.getBoundingClientRect().top < window.innerHeight - 150)"
)


def nav(pg, expect, title: str) -> float:
    """Click a page in the sidebar; seconds until its heading shows and the script is done."""
    t0 = time.perf_counter()
    pg.locator('[data-testid="stSidebarNav"] a', has_text=title).first.click()
    expect(pg.get_by_role("heading", name=title, exact=True).first).to_be_visible()
    pg.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"] button')")
    return time.perf_counter() - t0


def set_number(pg, label: str, value) -> None:
    box = pg.get_by_label(label, exact=True)
    box.fill(str(value))
    box.press("Tab")


def browser_benchmarks(rows: list[tuple[str, str, str, str]]) -> None:
    from playwright.sync_api import expect, sync_playwright

    port = free_port()
    proc = start_server(port, Path(tempfile.mkdtemp()) / "streamlit.log")
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            pg = browser.new_page(viewport={"width": 1400, "height": 1200})
            pg.set_default_timeout(120_000)
            expect.set_options(timeout=120_000)

            # 1. Open -> primary action -> the first forecast on the Train page, defaults on the bundled data:
            # a first network's one-step predictions (the first look, from the representation backtest's first
            # network while the others train), then the run's.
            pg.set_viewport_size({"width": 1366, "height": 768})
            t0 = time.perf_counter()
            pg.goto(f"http://127.0.0.1:{port}")
            button = pg.get_by_role("button", name="Train an LSTM on this series")
            expect(button).to_be_visible()
            t_open = time.perf_counter() - t0
            button.click()
            pg.wait_for_function(FIRST_FORECAST, polling=50)
            t_look = time.perf_counter() - t0
            in_view = pg.evaluate(IN_VIEW)
            expect(pg.get_by_text(re.compile(r"^Finished")).first).to_be_visible()
            t_trained = time.perf_counter() - t0
            pg.wait_for_function(FINAL_FORECAST, polling=50)
            total = time.perf_counter() - t0
            rows.append(
                (
                    "open -> first forecast on screen (browser, defaults)",
                    f"{t_look:.1f} s",
                    "<= 5 s",
                    f"page open {t_open:.1f} s; first look: the representation backtest's first network, one step ahead; "
                    f"chart top {'on' if in_view else 'NOT on'} the first screen",
                )
            )
            rows.append(
                (
                    "... the run's own forecast (all networks, metrics)",
                    f"{total:.1f} s",
                    "",
                    f"trained at {t_trained:.1f} s; Train page overlay",
                )
            )
            nav(pg, expect, "Forecast")
            pg.wait_for_function(FINAL_FORECAST)
            rows.append(
                (
                    "... then the Forecast page drawn",
                    f"{time.perf_counter() - t0:.1f} s",
                    "",
                    "from the same start",
                )
            )
            pg.set_viewport_size({"width": 1400, "height": 1200})

            # A long job: batch size 1, many epochs.
            nav(pg, expect, "Train")
            set_number(pg, "Max epochs", 100000)
            pg.get_by_text(re.compile("^Advanced")).click()
            set_number(pg, "Batch size", 1)
            set_number(pg, "Early-stopping patience (0 = off)", 0)
            pg.get_by_role("button", name=re.compile("Start training")).click()
            expect(pg.get_by_text(re.compile(r"Epoch [1-9]\d* / 100000")).first).to_be_visible()

            # 3. Live chart update rate: count changes of the loss trace length over 6 s.
            changes = pg.evaluate("""async () => {
                const len = () => { for (const el of document.querySelectorAll('.js-plotly-plot'))
                    if ((el.layout.title.text || '').includes('Loss') && el._fullData.length)
                        return el._fullData[0].x.length; return -1; };
                let last = len(), n = 0; const t0 = performance.now();
                while (performance.now() - t0 < 6000) {
                    await new Promise(r => setTimeout(r, 25)); const now = len();
                    if (now !== last) { n += 1; last = now; } }
                return n; }""")
            rate = changes / 6.0
            rows.append(
                ("live loss chart updates while training", f"{rate:.1f} /s", ">= 1 /s", "fragment run_every=0.5 s")
            )

            # 2. Page switches while the job trains (browser round trip, script included).
            times = [nav(pg, expect, title) for _ in range(3) for title in ("Data", "Forecast", "Train")]
            rows.append(
                (
                    "page switch while training (browser, p50)",
                    f"{statistics.median(times) * 1000:.0f} ms",
                    "< 300 ms",
                    f"max {max(times) * 1000:.0f} ms over {len(times)} switches, incl. drawing",
                )
            )
            pg.get_by_role("button", name=re.compile("Stop")).click()
            expect(pg.get_by_text(re.compile(r"^Cancelled")).first).to_be_visible()
            browser.close()
    finally:
        stop_server(proc)


def server_benchmarks(rows: list[tuple[str, str, str, str]]) -> None:
    """Script time per page with AppTest while a job trains in the same process."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    at.switch_page("pages/train.py").run()
    at.button[0].click().run()  # a default run, so the Forecast page has something to show
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not any(str(s.value).startswith("**Finished") for s in at.success):
        time.sleep(0.2)
        at.run()
    at.number_input(key="train_batch").set_value(1)
    at.number_input(key="train_epochs").set_value(100000)
    at.button[0].click().run()
    per_page = {}
    for page in ("pages/data.py", "pages/train.py", "pages/forecast.py") * 4:
        at.switch_page(page)
        t0 = time.perf_counter()
        at.run()
        per_page.setdefault(page, []).append(time.perf_counter() - t0)
    for page, ts in per_page.items():
        rows.append(
            (
                f"server script time while training: {Path(page).stem}",
                f"{statistics.median(ts) * 1000:.0f} ms",
                "< 300 ms",
                f"max {max(ts) * 1000:.0f} ms (AppTest, same process as the job)",
            )
        )
    at.switch_page("pages/train.py").run()
    from ui.state import registry

    reg = registry()
    reg.cancel(at.session_state["job_id"])
    reg.close()  # its worker threads end before the interpreter does


def main() -> None:
    # a newcomer's first minute is on a fresh install: an empty run store, unless one is given
    os.environ.setdefault("LSTM_LAB_HOME", tempfile.mkdtemp(prefix="bench-app-home-"))
    rows: list[tuple[str, str, str, str]] = []
    load_before = os.getloadavg()[0]
    if Path(CHROMIUM).exists():
        browser_benchmarks(rows)
    else:
        rows.append(("browser benchmarks", "skipped", "", f"{CHROMIUM} missing"))
    server_benchmarks(rows)
    widths = [max(len(r[i]) for r in rows + [("measure", "value", "target", "notes")]) for i in range(4)]
    line = "  ".join(f"{{:<{w}}}" for w in widths)
    print(line.format("measure", "value", "target", "notes"))
    print(line.format(*("-" * w for w in widths)))
    for r in rows:
        print(line.format(*r))
    print(
        f"{os.cpu_count()} cores; 1-min load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after "
        "(other processes on the machine slow the browser numbers)."
    )


if __name__ == "__main__":
    main()
