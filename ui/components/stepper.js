// Step-through in the browser (a Streamlit custom component v2: mounted in the page in a shadow
// root, no iframe). Python sends one unit's every step once, as `data`:
//   {html: the markup (diagram, equations, controls), payload: {steps, first, total, start, labels,
//    values, eq, strip, stride, kinds, stops, ranges}}  (see ui/stepper.py: payload). On a long trace
//    it holds a stretch of it: its step 0 is the trace's step `first`, of `total`.
// A step is a few DOM writes here, no server round trip. The current step is mirrored into the
// page URL (`step=`) so a copied link opens on it, and, once the stepping has rested for SYNC_MS (never while
// playing), told to the server as the component's state `step` (one message, a fragment's rerun), so that a
// change of unit or view keeps it (the server never sees the URL the page rewrites itself). Keys ← → and
// space work while the stepper has the focus (they never reach the rest of the page). Nothing is fetched.
const SYNC_MS = 600;
export default function ({ data, parentElement, setStateValue }) {
  const D = data && data.payload;
  if (!D) return undefined;
  parentElement.querySelector(".stepper-host")?.remove(); // a new mount (new unit or data): start afresh
  const host = document.createElement("div");
  host.className = "stepper-host";
  host.innerHTML = data.html;
  parentElement.appendChild(host);
  const $ = (sel) => host.querySelector(sel);
  const V = D.values, T = D.steps, FIRST = D.first || 0, TOTAL = D.total || D.steps;
  const root = $("#stepper");
  const slider = $("#step"), where = $("#where"), playBtn = $("#play"), speed = $("#speed");
  const slots = [...root.querySelectorAll("[data-k]")];
  const fills = [...root.querySelectorAll("[data-fill]")];
  const inks = [...root.querySelectorAll("[data-ink]")];
  const eqDivs = [...root.querySelectorAll("#eqs .eq")];
  const fmt = (v, br) => {
    if (v === undefined || v === null || !isFinite(v)) return "—";
    let s = Math.abs(v) >= 1e5 ? v.toExponential(3) : v.toFixed(3); // as ui/cell_picture.py fmt: 309 digits ran off
    if (s === "-0.000") s = "0.000";
    if (s[0] === "-") {
      s = "−" + s.slice(1);
      return br ? "(" + s + ")" : s;
    }
    return s;
  };
  const SLOT = /\{([\w.]+)(\|p)?\}/g;
  const parse = (c) => c.match(/[\d.]+/g).slice(0, 3).map(Number);
  const STOPS = { tanh: D.stops.tanh.map(parse), sigmoid: D.stops.sigmoid.map(parse) };
  const color = (kind, v) => {
    const scale = kind === "tanh" ? "tanh" : "sigmoid";
    const stops = STOPS[scale], [lo, hi] = D.ranges[scale];
    const p = isFinite(v) ? Math.min(Math.max((v - lo) / (hi - lo), 0), 1) * (stops.length - 1) : 0;
    const k = Math.min(Math.floor(p), stops.length - 2), w = p - k;
    return stops[k].map((a, j) => Math.round(a + (stops[k + 1][j] - a) * w));
  };
  // the strip: one row per trace, a cursor line
  const strip = $("#strip");
  const names = Object.keys(D.strip), W = 1000, RH = 100 / names.length;
  strip.setAttribute("viewBox", `0 0 ${W} 100`);
  let inner = "";
  names.forEach((n, r) => {
    const ys = D.strip[n], kind = D.kinds[n];
    let lo = kind === "sigmoid" ? 0 : -1, hi = 1;
    if (kind === "state") {
      const m = Math.max(1e-9, ...ys.map(Math.abs));
      lo = -m;
      hi = m;
    }
    const pts = ys
      .map((y, j) => `${((j * D.stride) / Math.max(1, T - 1) * W).toFixed(1)},` +
        `${(r * RH + RH * 0.9 - ((y - lo) / (hi - lo)) * RH * 0.8).toFixed(2)}`)
      .join(" ");
    inner +=
      `<line x1="0" x2="${W}" y1="${(r + 1) * RH}" y2="${(r + 1) * RH}" stroke="#e5e7eb" stroke-width="0.3"/>` +
      `<polyline points="${pts}" fill="none" stroke="#2563eb" stroke-width="1" vector-effect="non-scaling-stroke"/>`;
  });
  // the names beside the strip, one per row (not in the stretched SVG: its text was squashed and crossed by the lines)
  const stripNames = $("#strip-names");
  stripNames.replaceChildren(
    ...names.map((n) => {
      const s = document.createElement("span");
      s.textContent = n;
      return s;
    }),
  );
  inner += '<line class="cursor" x1="0" x2="0" y1="0" y2="100" stroke="#f59e0b" stroke-width="2" vector-effect="non-scaling-stroke"/>';
  strip.innerHTML = inner;
  const cursor = strip.querySelector(".cursor");
  let t = D.start, timer = null, urlTimer = null, syncTimer = null, told = FIRST + D.start;
  function keepInUrl() {
    const u = new URL(window.location.href);
    u.searchParams.set("step", String(FIRST + t));
    window.history.replaceState(window.history.state, "", u.toString());
  }
  function tellServer() {
    if (timer || !setStateValue || FIRST + t === told) return; // playing, standalone, or already known
    told = FIRST + t;
    setStateValue("step", told);
    root.dataset.told = String(told); // what the server was told (a test waits on it)
  }
  function syncSoon() {
    clearTimeout(syncTimer);
    syncTimer = setTimeout(tellServer, SYNC_MS);
  }
  function show(k) {
    t = Math.min(Math.max(k | 0, 0), T - 1);
    for (const el of slots) el.textContent = fmt(V[el.dataset.k] ? V[el.dataset.k][t] : undefined);
    for (const el of fills) {
      const c = color(el.dataset.kind, V[el.dataset.fill][t]);
      el.setAttribute("fill", `rgb(${c[0]},${c[1]},${c[2]})`);
      el.dataset.lum = String(0.299 * c[0] + 0.587 * c[1] + 0.114 * c[2]);
    }
    for (const el of inks) {
      const box = root.querySelector(`[data-fill="${el.dataset.ink}"]`);
      el.setAttribute("fill", box && Number(box.dataset.lum) <= 140 ? "#ffffff" : "#111827");
    }
    eqDivs.forEach((d, j) => {
      d.innerHTML = D.eq[j].replace(SLOT, (m, key, br) => fmt(V[key] ? V[key][t] : undefined, !!br));
    });
    slider.value = String(t);
    where.textContent = `Step ${(FIRST + t + 1).toLocaleString("en-US")} of ${TOTAL.toLocaleString("en-US")} · ${D.labels[t]}`;
    root.dataset.step = String(FIRST + t);
    const x = String((t / Math.max(1, T - 1)) * W);
    cursor.setAttribute("x1", x);
    cursor.setAttribute("x2", x);
    clearTimeout(urlTimer);
    urlTimer = setTimeout(keepInUrl, 300);
    syncSoon();
  }
  function pause() {
    if (timer) {
      clearInterval(timer);
      timer = null;
    }
    playBtn.textContent = "▶ Play";
    playBtn.setAttribute("aria-label", "Play");
    syncSoon();
  }
  function play() {
    if (t >= T - 1) show(0);
    timer = setInterval(() => (t >= T - 1 ? pause() : show(t + 1)), Number(speed.value));
    playBtn.textContent = "⏸ Pause";
    playBtn.setAttribute("aria-label", "Pause");
  }
  strip.addEventListener("click", (e) => {
    const b = strip.getBoundingClientRect();
    pause();
    show(Math.round(((e.clientX - b.left) / b.width) * (T - 1)));
  });
  $("#prev").addEventListener("click", () => {
    pause();
    show(t - 1);
  });
  $("#next").addEventListener("click", () => {
    pause();
    show(t + 1);
  });
  playBtn.addEventListener("click", () => (timer ? pause() : play()));
  speed.addEventListener("change", () => {
    if (timer) {
      pause();
      play();
    }
  });
  slider.addEventListener("input", () => {
    pause();
    show(Number(slider.value));
  });
  root.addEventListener("keydown", (e) => {
    if (e.target === speed) return; // the speed list keeps its own keys
    if (e.key === "ArrowRight" || e.key === "ArrowLeft") {
      pause();
      show(t + (e.key === "ArrowRight" ? 1 : -1));
      e.preventDefault();
    } else if (e.key === " ") {
      timer ? pause() : play();
      e.preventDefault();
    }
  });
  show(t);
  return () => {
    clearInterval(timer);
    clearTimeout(urlTimer);
    clearTimeout(syncTimer);
  };
}
