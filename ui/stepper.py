"""Step-through in the browser: one unit's every step sent once, stepped by inline JavaScript.

:func:`stepper_html` builds a self-contained page (no external script, font or request) for
``st.components.v1.html``: Prev / Play / Pause / Next, a step slider, the cell diagram
(:mod:`ui.cell_picture`) and the equations with the numbers of the current step, and the
unit's traces with a cursor. A step is a few DOM writes in the browser, no server round trip;
the current step is mirrored into the page URL (``step=``) so a shared link opens on it.
"""

from __future__ import annotations

import json

import numpy as np

from lstm_core import gates as gt

from . import cell_picture as cp

#: Most points a trace line gets in the strip under the diagram (the cursor still moves by step).
STRIP_POINTS = 800


def _rounded(a: np.ndarray) -> list[float]:
    return [float(v) for v in np.round(np.asarray(a, dtype=np.float64), 6)]


def payload(walk: gt.UnitWalk, trace: gt.GateTrace, labels: list[str], start: int) -> dict:
    """What the page needs, JSON-ready: every slot's value per step, time labels, trace lines."""
    values = cp.walk_values(walk)
    stride = max(1, int(np.ceil(trace.steps / STRIP_POINTS)))
    strip = {n: _rounded(trace.values[n][::stride, walk.unit]) for n in trace.names}
    kinds = {n: gt.gate_kind(n) for n in trace.names}
    return {
        "steps": walk.steps,
        "start": int(min(max(start, 0), walk.steps - 1)),
        "labels": labels,
        "values": {k: _rounded(v) for k, v in values.items()},
        "eq": cp.equation_templates(walk.cell),
        "strip": strip,
        "stride": stride,
        "kinds": kinds,
        "stops": {k: v[2] for k, v in cp.STOPS.items()},
        "ranges": {k: [v[0], v[1]] for k, v in cp.STOPS.items()},
    }


def stepper_html(walk: gt.UnitWalk, trace: gt.GateTrace, labels: list[str], start: int, big: bool = False) -> str:
    """The whole component: markup, inline data and script. ``big``: presenter-size text."""
    data = payload(walk, trace, labels, start)
    first = {k: v[data["start"]] for k, v in data["values"].items()}
    svg = cp.cell_svg(walk.cell, first, f"{walk.cell.upper()} cell, unit {walk.unit}, layer {walk.layer}")
    eqs = "".join(f'<div class="eq">{cp.render_template(t, first)}</div>' for t in data["eq"])
    blob = json.dumps(data, separators=(",", ":")).replace("</", "<\\/")
    return (
        _CSS.replace("__BIG__", "1.45" if big else "1")
        + f"""
<div id="stepper" class="{"big" if big else ""}">
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
  <div class="hint">Each bracket: (input part W·x) + (recurrent part U·h) + (bias){
            " + (peephole p·c)" if walk.cell == "peephole" else ""
        }. Boxes are coloured by value (σ gates: dark 0 = closed … yellow 1 = open; tanh: blue −1 … red +1).</div>
  <svg id="strip" class="strip" preserveAspectRatio="none" aria-label="The unit's traces; click to jump to a step"></svg>
</div>
<script id="stepper-data" type="application/json">{blob}</script>
<script>{_JS}</script>
"""
    )


_CSS = """<style>
  body { margin: 0; font-family: "Source Sans Pro", Arial, sans-serif; color: #111827; font-size: calc(15px * __BIG__); }
  .bar { display: flex; flex-wrap: wrap; gap: 6px; align-items: center; margin-bottom: 4px; }
  button { font: inherit; padding: 4px 10px; border: 1px solid #d1d5db; border-radius: 6px; background: #fff; cursor: pointer; }
  button:hover { border-color: #ef4444; color: #ef4444; }
  .slider { flex: 1 1 200px; display: flex; gap: 6px; align-items: center; }
  .slider input { flex: 1; }
  select { font: inherit; }
  .where { font-weight: 600; margin: 2px 0 6px; }
  .row { display: flex; flex-wrap: wrap; gap: 10px; }
  .pic { flex: 6 1 340px; min-width: 0; }
  .eqs { flex: 4 1 280px; min-width: 0; font-size: 0.95em; line-height: 1.45; }
  .eq { margin: 0 0 6px; overflow-wrap: anywhere; }
  .hint { color: #6b7280; font-size: 0.85em; margin: 4px 0; }
  .strip { width: 100%; height: calc(150px * __BIG__); display: block; cursor: pointer; }
  .big .eqs { font-size: 1.05em; }
</style>"""

_JS = r"""
(() => {
  const D = JSON.parse(document.getElementById('stepper-data').textContent);
  const V = D.values, T = D.steps;
  const root = document.getElementById('stepper');
  const slider = document.getElementById('step'), where = document.getElementById('where');
  const playBtn = document.getElementById('play'), speed = document.getElementById('speed');
  const slots = [...root.querySelectorAll('[data-k]')];
  const fills = [...root.querySelectorAll('[data-fill]')];
  const inks = [...root.querySelectorAll('[data-ink]')];
  const eqDivs = [...document.querySelectorAll('#eqs .eq')];
  const fmt = (v, br) => {
    if (v === undefined || v === null || !isFinite(v)) return '—';
    let s = v.toFixed(3);
    if (s === '-0.000') s = '0.000';
    if (s[0] === '-') { s = '−' + s.slice(1); return br ? '(' + s + ')' : s; }
    return s;
  };
  const SLOT = /\{([\w.]+)(\|p)?\}/g;
  const parse = (c) => c.match(/[\d.]+/g).slice(0, 3).map(Number);
  const color = (kind, v) => {
    const stops = D.stops[kind === 'tanh' ? 'tanh' : 'sigmoid'].map(parse);
    const [lo, hi] = D.ranges[kind === 'tanh' ? 'tanh' : 'sigmoid'];
    let p = isFinite(v) ? Math.min(Math.max((v - lo) / (hi - lo), 0), 1) * (stops.length - 1) : 0;
    const k = Math.min(Math.floor(p), stops.length - 2), w = p - k;
    const c = stops[k].map((a, j) => Math.round(a + (stops[k + 1][j] - a) * w));
    return c;
  };
  // the strip: one row per trace, a cursor line
  const strip = document.getElementById('strip');
  const names = Object.keys(D.strip), W = 1000, RH = 100 / names.length;
  strip.setAttribute('viewBox', `0 0 ${W} 100`);
  let inner = '';
  names.forEach((n, r) => {
    const ys = D.strip[n], kind = D.kinds[n];
    let lo = kind === 'sigmoid' ? 0 : -1, hi = 1;
    if (kind === 'state') { const m = Math.max(1e-9, ...ys.map(Math.abs)); lo = -m; hi = m; }
    const pts = ys.map((y, j) => `${(j * D.stride / Math.max(1, T - 1) * W).toFixed(1)},` +
      `${(r * RH + RH * 0.9 - (y - lo) / (hi - lo) * RH * 0.8).toFixed(2)}`).join(' ');
    inner += `<line x1="0" x2="${W}" y1="${(r + 1) * RH}" y2="${(r + 1) * RH}" stroke="#e5e7eb" stroke-width="0.3"/>` +
      `<polyline points="${pts}" fill="none" stroke="#2563eb" stroke-width="1" vector-effect="non-scaling-stroke"/>` +
      `<text x="4" y="${r * RH + RH * 0.45}" font-size="${Math.min(8, RH * 0.6)}" fill="#374151">${n}</text>`;
  });
  inner += '<line id="cursor" x1="0" x2="0" y1="0" y2="100" stroke="#f59e0b" stroke-width="2" vector-effect="non-scaling-stroke"/>';
  strip.innerHTML = inner;
  const cursor = document.getElementById('cursor');
  strip.addEventListener('click', (e) => {
    const b = strip.getBoundingClientRect();
    show(Math.round((e.clientX - b.left) / b.width * (T - 1)));
  });
  let t = D.start, timer = null, urlTimer = null;
  function keepInUrl() {  // mirror the step into the page URL, so a copied link opens on it
    try {
      const u = new URL(window.parent.location.href);
      u.searchParams.set('step', String(t));
      window.parent.history.replaceState(window.parent.history.state, '', u.toString());
    } catch (e) { /* another origin: nothing to mirror */ }
  }
  function show(k) {
    t = Math.min(Math.max(k | 0, 0), T - 1);
    for (const el of slots) el.textContent = fmt(V[el.dataset.k] ? V[el.dataset.k][t] : undefined);
    for (const el of fills) {
      const c = color(el.dataset.kind, V[el.dataset.fill][t]);
      el.setAttribute('fill', `rgb(${c[0]},${c[1]},${c[2]})`);
      el.dataset.lum = String(0.299 * c[0] + 0.587 * c[1] + 0.114 * c[2]);
    }
    for (const el of inks) {
      const box = root.querySelector(`[data-fill="${el.dataset.ink}"]`);
      el.setAttribute('fill', box && Number(box.dataset.lum) <= 140 ? '#ffffff' : '#111827');
    }
    eqDivs.forEach((d, j) => { d.innerHTML = D.eq[j].replace(SLOT, (m, key, br) => fmt(V[key] ? V[key][t] : undefined, !!br)); });
    slider.value = String(t);
    where.textContent = `Step ${t} of ${T - 1} · ${D.labels[t]}`;
    root.dataset.step = String(t);
    cursor.setAttribute('x1', String(t / Math.max(1, T - 1) * W));
    cursor.setAttribute('x2', String(t / Math.max(1, T - 1) * W));
    clearTimeout(urlTimer);
    urlTimer = setTimeout(keepInUrl, 300);
  }
  function pause() { if (timer) { clearInterval(timer); timer = null; } playBtn.textContent = '▶ Play'; playBtn.setAttribute('aria-label', 'Play'); }
  function play() {
    if (t >= T - 1) show(0);
    timer = setInterval(() => { if (t >= T - 1) pause(); else show(t + 1); }, Number(speed.value));
    playBtn.textContent = '⏸ Pause'; playBtn.setAttribute('aria-label', 'Pause');
  }
  document.getElementById('prev').addEventListener('click', () => { pause(); show(t - 1); });
  document.getElementById('next').addEventListener('click', () => { pause(); show(t + 1); });
  playBtn.addEventListener('click', () => (timer ? pause() : play()));
  speed.addEventListener('change', () => { if (timer) { pause(); play(); } });
  slider.addEventListener('input', () => { pause(); show(Number(slider.value)); });
  document.addEventListener('keydown', (e) => {
    if (e.key === 'ArrowRight') { pause(); show(t + 1); e.preventDefault(); }
    else if (e.key === 'ArrowLeft') { pause(); show(t - 1); e.preventDefault(); }
    else if (e.key === ' ') { timer ? pause() : play(); e.preventDefault(); }
  });
  show(t);
})();
"""
