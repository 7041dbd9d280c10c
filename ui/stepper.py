"""Step-through in the browser: one unit's every step sent once, stepped by JavaScript in the page.

:func:`show` mounts a Streamlit custom component v2 (``ui/components/stepper.js`` and
``stepper.css``; in the page, in a shadow root, no iframe, no external script, font or request):
Prev / Play / Pause / Next, a step slider, the cell diagram (:mod:`ui.cell_picture`) and the
equations with the numbers of the current step, and the unit's traces with a cursor. A step is
a few DOM writes in the browser, no server round trip; the current step is mirrored into the
page URL (``step=``) so a shared link opens on it. :func:`standalone_html` is the same stepper
as a page of its own (the benchmark loads it without a server).
"""

from __future__ import annotations

import html
import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import streamlit as st

from lstm_core import gates as gt

from . import cell_picture as cp
from .figures.style import cell_name

#: Most points a trace line gets in the strip under the diagram (the cursor still moves by step).
STRIP_POINTS = 800
#: Most steps the stepper holds at once: on a longer trace it gets the stretch around the step
#: asked for (:func:`window`). Every step of a 100,000-step trace was 32 MB of numbers sent to the
#: browser (1.7 s to build here, then the browser's to parse); 2,000 steps are ~0.6 MB.
STEP_WINDOW = 2000
_HERE = Path(__file__).parent / "components"
JS = (_HERE / "stepper.js").read_text()
CSS = (_HERE / "stepper.css").read_text()
_COMPONENT = st.components.v2.component("lstm_lab_stepper", css=CSS, js=JS)


def _rounded(a: np.ndarray) -> list[float]:
    return [float(v) for v in np.round(np.asarray(a, dtype=np.float64), 6)]


def window(steps: int, start: int, size: int | None = None) -> tuple[int, int]:
    """The steps ``[first, stop)`` the stepper holds for a trace of ``steps`` steps opened at ``start``:
    all of them up to ``size`` (default :data:`STEP_WINDOW`), else ``size`` steps around ``start``
    (half before it where there is room)."""
    size = STEP_WINDOW if size is None else size
    if steps <= size:
        return 0, steps
    first = min(max(int(start) - size // 2, 0), steps - size)
    return first, first + size


def payload(walk: gt.UnitWalk, trace: gt.GateTrace, labels: list[str], start: int) -> dict:
    """What the page needs, JSON-ready: every slot's value per step, time labels, trace lines, for the
    steps of :func:`window` (``first``: the trace's step of the stepper's step 0; ``total``: the
    trace's steps)."""
    start = int(min(max(start, 0), walk.steps - 1))
    first, stop = window(walk.steps, start)
    values = cp.walk_values(walk)
    stride = max(1, int(np.ceil((stop - first) / STRIP_POINTS)))
    strip = {n: _rounded(trace.values[n][first:stop:stride, walk.unit]) for n in trace.names}
    kinds = {n: gt.gate_kind(n) for n in trace.names}
    return {
        "steps": stop - first,
        "first": first,
        "total": walk.steps,
        "start": start - first,
        "labels": labels[first:stop],
        "values": {k: _rounded(v[first:stop]) for k, v in values.items()},
        "eq": cp.equation_templates(walk.cell),
        "strip": strip,
        "stride": stride,
        "kinds": kinds,
        "stops": {k: v[2] for k, v in cp.STOPS.items()},
        "ranges": {k: [v[0], v[1]] for k, v in cp.STOPS.items()},
    }


def markup(walk: gt.UnitWalk, data: dict, big: bool = False) -> str:
    """The stepper's HTML at its start step (diagram, equations, controls); the script fills in later steps."""
    first = {k: v[data["start"]] for k, v in data["values"].items()}
    first["x_n"] = walk.x.shape[1]  # how many inputs the diagram's x slot shows the first of
    svg = cp.cell_svg(walk.cell, first, f"{cell_name(walk.cell)} cell, unit {walk.unit + 1}, layer {walk.layer + 1}")
    eqs = "".join(f'<div class="eq">{cp.render_template(t, first)}</div>' for t in data["eq"])
    return f"""<div id="stepper" class="stepper{" big" if big else ""}">
  <div class="bar">
    <button id="prev" title="Previous step (←)" aria-label="Previous step">◀ Prev</button>
    <button id="play" title="Play / pause (space)" aria-label="Play">▶ Play</button>
    <button id="next" title="Next step (→)" aria-label="Next step">Next ▶</button>
    <label class="slider">Step <input id="step" type="range" min="0" max="{data["steps"] - 1}"
      value="{data["start"]}" aria-label="Time step"></label>
    <label class="speed">Speed <select id="speed" aria-label="Play speed">
      <option value="600">slow</option><option value="250" selected>normal</option><option value="80">fast</option>
    </select></label>
  </div>
  <div id="where" class="where" aria-live="polite"></div>
  <div class="row">
    <div class="pic">{svg}</div>
    <div class="eqs" id="eqs">{eqs}</div>
  </div>
  <div class="hint">{html.escape(cp.bracket_hint(walk.cell))} Boxes are coloured by value (σ gates: dark
    0 = closed … yellow 1 = open; tanh: blue −1 … red +1).</div>
  <div class="strip-row">
    <div id="strip-names" class="strip-names" aria-hidden="true"></div>
    <svg id="strip" class="strip" preserveAspectRatio="none" aria-label="The unit's traces; click to jump to a step"></svg>
  </div>
</div>"""


def component_data(walk: gt.UnitWalk, trace: gt.GateTrace, labels: list[str], start: int, big: bool = False) -> dict:
    """The component's ``data``: ``{"html": markup, "payload": every step's numbers}`` (sent once per unit)."""
    data = payload(walk, trace, labels, start)
    return {"html": markup(walk, data, big), "payload": data}


def show(
    walk: gt.UnitWalk,
    trace: gt.GateTrace,
    labels: list[str],
    start: int,
    big: bool = False,
    *,
    key: str,
    on_step: Callable[[], None] | None = None,
) -> None:
    """Mount the stepper for one unit (its whole walk travels once; stepping stays in the browser).

    Once the stepping rests (never while playing) the browser tells the trace's step it shows as the
    component's state ``step`` (``st.session_state[key]["step"]``, read by :func:`told_step`), which
    calls ``on_step``: mounted in a fragment, that is the fragment's rerun only."""
    _COMPONENT(key=key, data=component_data(walk, trace, labels, start, big), on_step_change=on_step or _nothing)


def told_step(key: str) -> int | None:
    """The step the stepper mounted with ``key`` last told the server it shows (the trace's, from 0), if any."""
    state: Any = st.session_state.get(key)
    value = state.get("step") if isinstance(state, Mapping) else getattr(state, "step", None)
    return int(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _nothing() -> None:
    """A step told without a callback of the page's: the component's state keeps it."""


def standalone_html(walk: gt.UnitWalk, trace: gt.GateTrace, labels: list[str], start: int, big: bool = False) -> str:
    """The same stepper as a page of its own (the module loaded from a blob, no server, no request)."""
    blob = json.dumps(component_data(walk, trace, labels, start, big), separators=(",", ":")).replace("</", "<\\/")
    code = JS.replace("</", "<\\/")
    return f"""<!doctype html><html><head><meta charset="utf-8"><style>{CSS}</style></head><body>
<div id="host"></div>
<script id="stepper-data" type="application/json">{blob}</script>
<script id="stepper-js" type="text/plain">{code}</script>
<script type="module">
  const data = JSON.parse(document.getElementById("stepper-data").textContent);
  const code = document.getElementById("stepper-js").textContent;
  const mod = await import(URL.createObjectURL(new Blob([code], {{ type: "text/javascript" }})));
  mod.default({{ data, parentElement: document.getElementById("host") }});
</script></body></html>"""
