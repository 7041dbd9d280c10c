"""Gates and Learn teach, in a real browser: the first screen shows a chart, a heatmap click picks
the unit, Step-through steps in the browser (no server round trip), Learn on a phone.

One tiny run is trained through the Train page for the module; screenshots go to ``artifacts/``
(always: the issue asks for them to be looked at).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import CHROMIUM, nav, new_page, screenshot, set_number, wait_idle

from ui import cell_picture as cp

if not Path(CHROMIUM).exists():
    pytest.skip(f"{CHROMIUM} is missing (install the Debian chromium package)", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
expect = sync_api.expect
#: The Step-through stepper: a custom component v2 in the page (an open shadow root, which
#: Playwright's locators pierce), no iframe.
STEPPER = ".st-key-gates_stepper"
#: Seconds one step may take in the browser (the issue's target is 0.1 s on a quiet machine; the
#: benchmark measures it, this only catches a step that went back to the server).
STEP_LIMIT_MS = 1000
#: Console errors and warnings of the module's page, in order.
CONSOLE: list[str] = []


@pytest.fixture(scope="module")
def trained(server, browser):
    """A page whose session has one finished tiny LSTM run (hidden 8, 4 epochs), and the list the
    page's websocket messages to the server are counted in."""
    ctx, pg = new_page(browser, 1366, 768)
    sent: list[int] = []
    pg.on("websocket", lambda ws: ws.on("framesent", lambda payload: sent.append(len(payload))))
    pg.on("console", lambda m: m.type in ("error", "warning") and CONSOLE.append(f"{m.type}: {m.text[:160]}"))
    pg.goto(server)
    nav(pg, "Train")
    set_number(pg, "Hidden size", 8)
    set_number(pg, "Max epochs", 4)
    pg.get_by_role("button", name="Start training").click()
    expect(pg.get_by_text("Finished", exact=False).first).to_be_visible(timeout=90_000)
    yield pg, sent
    ctx.close()


def open_gates(pg, view: str | None = None) -> None:
    nav(pg, "Gates")
    expect(pg.locator(".st-key-gates_run")).to_be_visible()
    pg.wait_for_url(re.compile(r"view="))  # the page's run has finished (it writes its state last)
    wait_idle(pg)
    if view:  # a click on the selected option would deselect it
        option = pg.get_by_role("radiogroup", name="View").get_by_role("radio", name=view, exact=True)
        if not option.is_checked():
            option.click()
        expect(option).to_be_checked()
    wait_idle(pg)


def in_viewport(pg, selector: str) -> bool:
    """Whether the first element matching ``selector`` starts inside the viewport (its top is visible)."""
    return pg.evaluate(
        """(sel) => { const el = document.querySelector(sel); if (!el) return false;
             const r = el.getBoundingClientRect();
             return r.height > 0 && r.top >= 0 && r.top < window.innerHeight - 80; }""",
        selector,
    )


def test_first_screen_shows_a_chart_and_a_click_picks_the_unit(trained):
    pg, _ = trained
    pg.set_viewport_size({"width": 1366, "height": 768})
    open_gates(pg, "Heatmaps")
    chart = ".st-key-gates_heatmap_chart .js-plotly-plot"
    pg.wait_for_function(f"() => {{ const g = document.querySelector('{chart}'); return g && g._fullLayout; }}")
    pg.evaluate("window.scrollTo(0, 0)")
    screenshot(pg, "gates-teach-1366-first-screen", always=True)
    assert in_viewport(pg, ".st-key-gates_heatmap_chart"), "the heatmap chart is below the first screen"
    expect(pg.get_by_text("How to read this", exact=False)).to_be_visible()
    titles = pg.evaluate(f"() => document.querySelector('{chart}').layout.annotations.map(a => a.text)")
    assert titles[0].endswith("(the data)") and titles[1] == "input to the network (scaled)"
    ticks = pg.evaluate(
        f"() => [...document.querySelectorAll('{chart} .xaxislayer-above text')].map(t => t.textContent).filter(t => t)"
    )
    assert ticks and all(re.fullmatch(r"[A-Z][a-z]{2} \d{4}|\d{4}", t) for t in ticks), ticks
    unit_box = pg.get_by_label("Unit (or click a heatmap cell)", exact=True).and_(pg.locator("input"))
    assert unit_box.input_value() == "1"  # units counted from 1, as the Learn page counts them
    # the centre of the cell (unit 5, column 40) of the first heatmap, in page pixels
    x, y = pg.evaluate(
        """(sel) => { const gd = document.querySelector(sel); const L = gd._fullLayout;
             const i = gd.data.findIndex(t => t.type === 'heatmap'); const t = gd._fullData[i];
             const xa = L[t.xaxis.replace('x', 'xaxis')], ya = L[t.yaxis.replace('y', 'yaxis')];
             gd.querySelector(`.draglayer .${t.xaxis}${t.yaxis} .nsewdrag`).scrollIntoView({block: 'center'});
             const b = gd.getBoundingClientRect();
             return [b.left + xa._offset + xa.l2p(xa.d2l(t.x[40])), b.top + ya._offset + ya.l2p(5)]; }""",
        chart,
    )
    pg.mouse.move(x, y)
    expect(pg.locator(".hoverlayer .hovertext").first).to_be_attached()
    pg.mouse.click(x, y)
    expect(unit_box).to_have_value("5")
    wait_idle(pg)
    assert pg.evaluate(
        f"() => document.querySelector('{chart}').layout.shapes.some(s => s.type === 'rect' && s.y0 === 4.5)"
    )
    open_gates(pg, "Step-through")
    expect(pg.get_by_label("Unit", exact=True).and_(pg.locator("input"))).to_have_value(
        "5"
    )  # the picked unit drives Step-through
    stepper = pg.locator(STEPPER)
    expect(stepper.locator("#where")).to_have_text(re.compile(r"^Step 41 of \d+ · [A-Z][a-z]{2} \d{4}$"))


def test_step_through_runs_in_the_browser(trained):
    pg, sent = trained
    pg.set_viewport_size({"width": 1366, "height": 768})
    open_gates(pg, "Step-through")
    stepper = pg.locator(STEPPER)
    where = stepper.locator("#where")
    expect(where).to_have_text(re.compile(r"^Step \d+ of \d+"))
    stepper.locator("#step").focus()  # from wherever it opened, to step 0 with the slider's keyboard
    stepper.locator("#step").press("Home")
    expect(where).to_have_text(re.compile(r"^Step 1 of "))
    wait_idle(pg)
    eq = stepper.locator("#eqs .eq").first
    seen = {eq.inner_text()}
    for k in range(2, 7):
        stepper.locator("#next").click()
        expect(where).to_have_text(re.compile(rf"^Step {k} of "))
        seen.add(eq.inner_text())
    assert len(seen) == 6, "the equations' numbers did not change from step to step"
    stepper.locator("#prev").click()
    expect(where).to_have_text(re.compile(r"^Step 5 of "))
    stepper.locator("#play").click()
    before = len(sent)
    expect(where).to_have_text(re.compile(r"^Step (?:9|\d{2,}) of "))  # four steps played (a second)
    # a step is drawn in the page: nothing goes to the server while it plays (nor for each step: the step is
    # told once the stepping rests, below)
    assert len(sent) == before, f"playing sent {len(sent) - before} websocket messages to the server"
    stepper.locator("#play").click()  # pause
    stopped = where.inner_text()
    expect(stepper.locator("#play")).to_have_attribute("aria-label", "Play")
    assert where.inner_text() == stopped
    # keys step while the stepper has the focus, and only then (the page's other widgets keep theirs)
    k = int(re.match(r"^Step (\d+) of ", stopped).group(1))
    stepper.locator("#prev").press("ArrowRight")
    expect(where).to_have_text(re.compile(rf"^Step {k + 1} of "))
    unit_box = pg.get_by_label("Unit", exact=True).and_(pg.locator("input"))
    unit_box.focus()  # the focus leaves the stepper for a widget of the page
    pg.keyboard.press("ArrowRight")
    pg.keyboard.press("ArrowRight")
    assert pg.evaluate("!document.activeElement.closest('.st-key-gates_stepper')")
    expect(where).to_have_text(re.compile(rf"^Step {k + 1} of "))
    # resting, the step is told to the server: a unit typed next keeps it (it went back to step 1, the server's)
    expect(stepper.locator("#stepper")).to_have_attribute("data-told", str(k))  # the trace's step, from 0
    wait_idle(pg)
    other = 1 if int(unit_box.input_value()) != 1 else 2  # shown from 1; the link's unit= from 0
    unit_box.fill(str(other))
    unit_box.press("Enter")
    wait_idle(pg)
    pg.wait_for_url(re.compile(rf"unit={other - 1}&.*step={k}(&|$)|step={k}&.*unit={other - 1}(&|$)"))
    expect(where).to_have_text(re.compile(rf"^Step {k + 1} of "))
    # one step, click to drawn, measured in the page
    ms = stepper.locator("#next").evaluate(
        """(btn) => new Promise((done) => { const w = btn.getRootNode().querySelector('#where'); const t0 = performance.now();
             const before = w.textContent; btn.click();
             requestAnimationFrame(() => done(w.textContent !== before ? performance.now() - t0 : -1)); })"""
    )
    assert 0 <= ms < STEP_LIMIT_MS
    # the browser keeps its step in the link (a shared link opens on it)
    at = int(re.match(r"^Step (\d+) of ", where.inner_text()).group(1)) - 1  # the link counts from 0
    pg.wait_for_url(re.compile(rf"step={at}(&|$)"))
    screenshot(pg, "gates-teach-1366-step-through", always=True)
    pg.set_viewport_size({"width": 390, "height": 844})
    screenshot(pg, "gates-teach-390-step-through", always=True)


#: Pairs of the cell diagram's text labels whose boxes overlap (by more than half a pixel), by text.
OVERLAPS = """(svg) => { const boxes = [...svg.querySelectorAll('text')].filter(t => t.textContent.trim())
    .map(t => [t.textContent, t.getBoundingClientRect()]);
  const out = [];
  boxes.forEach(([a, p], i) => boxes.slice(i + 1).forEach(([b, q]) => {
    const w = Math.min(p.right, q.right) - Math.max(p.left, q.left), h = Math.min(p.bottom, q.bottom) - Math.max(p.top, q.top);
    if (w > 0.5 && h > 0.5) out.push(a + ' / ' + b); }));
  return [boxes.length, out]; }"""


#: Smallest font of the cell diagram's labels on a phone, in CSS pixels.
PHONE_LABEL_PX = 11
#: The rendered size (CSS px) of an inline SVG's smallest text.
SMALLEST_LABEL_PX = """(svg) => svg.getScreenCTM().a *
  Math.min(...[...svg.querySelectorAll('text')].map((t) => parseFloat(t.getAttribute('font-size'))))"""


def page_fits(pg) -> bool:
    """Whether the page is no wider than the viewport (nothing scrolls the whole page sideways)."""
    return pg.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")


def test_gates_on_a_phone_shows_a_chart_first(trained):
    """At 390 x 844 the pickers are compact: the heatmaps start on the first screen, no Plotly toolbar
    shows over a chart, and the Step-through diagram's labels do not overlap."""
    pg, _ = trained
    pg.set_viewport_size({"width": 390, "height": 844})
    nav_or_menu(pg, "Gates")
    option = pg.get_by_role("radiogroup", name="View").get_by_role("radio", name="Heatmaps", exact=True)
    if not option.is_checked():
        option.click()
    chart = ".st-key-gates_heatmap_chart .js-plotly-plot"
    pg.wait_for_function(f"() => {{ const g = document.querySelector('{chart}'); return g && g._fullLayout; }}")
    wait_idle(pg)
    pg.evaluate("window.scrollTo(0, 0)")
    top = pg.evaluate("(sel) => document.querySelector(sel).getBoundingClientRect().top", ".st-key-gates_heatmap_chart")
    assert in_viewport(pg, ".st-key-gates_heatmap_chart"), f"the heatmaps start at {top:.0f} px, below the first screen"
    screenshot(pg, "gates-teach-390-first-screen", always=True)
    pg.locator(chart).hover()  # on a phone a tap is a hover: the toolbar must not appear over the title
    expect(pg.locator(".st-key-gates_heatmap_chart .modebar-container")).to_be_hidden()
    option = pg.get_by_role("radiogroup", name="View").get_by_role("radio", name="Step-through", exact=True)
    option.click()
    expect(option).to_be_checked()
    diagram = pg.locator(".st-key-gates_stepper svg.cell-svg")
    expect(diagram).to_be_visible()
    wait_idle(pg)
    diagram.scroll_into_view_if_needed()
    labels, overlaps = diagram.evaluate(OVERLAPS)
    assert labels >= 10 and overlaps == [], overlaps
    smallest = diagram.evaluate(SMALLEST_LABEL_PX)
    assert smallest >= PHONE_LABEL_PX, f"the diagram's smallest label is {smallest:.1f} px on a phone"
    assert page_fits(pg), "the diagram widens the page: it should scroll in its own box"
    screenshot(pg, "gates-teach-390-step-diagram", always=True)


def test_learn_on_a_phone_shows_a_picture_first(trained):
    pg, _ = trained
    pg.set_viewport_size({"width": 390, "height": 844})
    nav_or_menu(pg, "Learn")
    picture = pg.locator(".st-key-learn_picture img").first
    expect(picture).to_be_visible()
    wait_idle(pg)
    pg.evaluate("window.scrollTo(0, 0)")
    assert in_viewport(pg, ".st-key-learn_picture img"), "the cell picture is below the phone's first screen"
    # its labels stay readable: the picture keeps its width and scrolls sideways in its own box
    smallest = picture.evaluate("(img) => img.getBoundingClientRect().width") / (cp.X1 - cp.X0) * cp.SMALLEST_TEXT
    assert smallest >= PHONE_LABEL_PX, f"the cell picture's smallest label is {smallest:.1f} px on a phone"
    assert page_fits(pg), "the cell picture widens the page: it should scroll in its own box"
    screenshot(pg, "learn-teach-390-idea", always=True)
    pg.get_by_role("radiogroup", name="Section").get_by_role("radio", name="Why RNNs forget").click()
    chart = ".st-key-learn_decay .js-plotly-plot"
    pg.wait_for_function(f"() => {{ const g = document.querySelector('{chart}'); return g && g._fullLayout; }}")
    wait_idle(pg)
    assert in_viewport(pg, ".st-key-learn_decay"), "the sliders push the chart below the phone's first screen"
    # the toolbar shows on hover only, so it cannot cover the title
    assert pg.evaluate(f"() => document.querySelector('{chart}')._context.displayModeBar") == "hover"
    screenshot(pg, "learn-teach-390-forget", always=True)
    pg.get_by_role("radiogroup", name="Section").get_by_role("radio", name="Calculator").click()
    expect(pg.locator(".st-key-learn_calc_picture img")).to_be_visible()
    pg.set_viewport_size({"width": 1366, "height": 768})
    wait_idle(pg)
    screenshot(pg, "learn-teach-1366-calculator", always=True)


def nav_or_menu(pg, title: str) -> None:
    """Open a page on a phone: the sidebar is collapsed there, so open it, follow the link and
    close it again (a deep link would reload the app, a new session)."""
    pg.get_by_test_id("stExpandSidebarButton").click()
    nav(pg, title)
    pg.get_by_test_id("stSidebarCollapseButton").get_by_role("button").click()
    expect(pg.locator('[data-testid="stSidebarNav"]')).not_to_be_in_viewport()


def test_no_console_errors_or_warnings(trained):
    """After the tests above (heatmaps, a click, stepping, Learn's sections), the page logged no
    error and no warning (the stepper and the click listener mount in the page, no iframe)."""
    assert CONSOLE == [], "\n".join(CONSOLE)


#: Per chart of the view: its title's overflow past the chart's right edge (px), and the pairs of its titles (the
#: figure's, the panels', the axes') whose boxes overlap.
TITLES_FIT = """() => [...document.querySelectorAll('[data-testid="stPlotlyChart"]')].map(c => {
    const box = c.getBoundingClientRect();
    const title = c.querySelector('.gtitle');
    const over = title ? Math.max(0, title.getBoundingClientRect().right - box.right) : 0;
    const texts = [...c.querySelectorAll('.gtitle, .annotation-text, .g-xtitle text, .g-x2title text')]
        .map(t => [t.textContent, t.getBoundingClientRect()]).filter(([, b]) => b.width > 0);
    const hits = [];
    texts.forEach(([a, p], i) => texts.slice(i + 1).forEach(([b, q]) => {
        if (!(p.right <= q.left || q.right <= p.left || p.bottom <= q.top || q.bottom <= p.top)) hits.push([a, b]);
    }));
    return [(title || {}).textContent || '', over, hits]; })"""


def test_gates_charts_keep_their_titles_whole_on_a_phone(trained):
    """At 390 px the saturation and memory titles ran past the chart's edge ("points n…", "keep ga…"), and the
    "During training" panels' titles ran into each other ("mean gate valufraction saturated")."""
    pg, _ = trained
    pg.set_viewport_size({"width": 390, "height": 844})
    nav_or_menu(pg, "Gates")
    for view in ("Saturation", "Memory", "During training"):
        pg.evaluate("window.scrollTo(0, 0)")
        option = pg.get_by_role("radiogroup", name="View").get_by_role("radio", name=view, exact=True)
        if not option.is_checked():
            option.click()
        expect(option).to_be_checked()
        pg.wait_for_function(
            "() => { const g = [...document.querySelectorAll('[data-testid=\"stPlotlyChart\"] .js-plotly-plot')];"
            " return g.length > 0 && g.every(p => p._fullLayout && Math.abs(p._fullLayout.width"
            " - p.getBoundingClientRect().width) < 2); }"
        )
        wait_idle(pg)
        charts = pg.evaluate(TITLES_FIT)
        assert charts, f"no chart in the {view} view"
        for title, over, hits in charts:
            assert over <= 1 and hits == [], (view, title, over, hits)
        screenshot(pg, f"gates-teach-390-{view.lower().replace(' ', '-')}", always=True)
    pg.set_viewport_size({"width": 1366, "height": 768})
