"""Gates page speed: server time to redraw 10,000 steps x 64 units, in-browser stepping, record_gates.

    python -m benchmarks.bench_gates [--steps 10000] [--hidden 64] [--repeats 5] [--clicks 50] [--only step]

Prints three tables:

1. Redraw server time on the Gates page for an LSTM and a GRU (2 layers) over a generated
   series of ``--steps`` points: the replay itself (first view only; cached afterwards per
   run, weights version, mode and window), then what a change of layer, gate selection,
   highlighted unit or aggregation costs: building the heatmap figure plus
   ``plotly.io.to_json`` (what ``st.plotly_chart`` does), and the whole page rerun measured
   with Streamlit's AppTest (script, caches, widgets and protobuf, no browser).
2. ``record_gates``: seconds per epoch with and without per-epoch gate statistics.
3. Step-through in the browser (target: one step <= 100 ms): the server builds one unit's
   every step once (:func:`lstm_core.gates.unit_walk` + :func:`ui.stepper.standalone_html`, and
   the page's size); then Debian's chromium loads that page and ``--clicks`` clicks on Next
   are timed from the click to the next painted frame with the new step shown (median, max).
   Written to ``benchmarks/results/bench_gates_step.md``.

Median of ``--repeats`` runs; the machine is shared, so expect noise.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import plotly.io as pio
import torch

from lstm_core import data as lcdata
from lstm_core import gates as gt
from lstm_core.config import RunConfig
from lstm_core.pipeline import Run, build_model, fit_run
from lstm_core.prep import prepare
from lstm_core.train import FitResult
from ui import stepper
from ui.figures import gates as gp

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results" / "bench_gates_step.md"
#: Clicks Next ``n`` times; each time waits for the next frame after the click (rAF, then a
#: task: the frame has been painted) and checks the step label changed.
STEP_JS = """async (n) => {
  const btn = document.getElementById('next'), where = document.getElementById('where'), out = [];
  for (let i = 0; i < n; i++) {
    const before = where.textContent, t0 = performance.now();
    btn.click();
    await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
    if (where.textContent === before) throw new Error('the step did not change');
    out.push(performance.now() - t0);
  }
  return out;
}"""


def _median(fn, repeats: int) -> float:
    out = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return statistics.median(out) * 1e3


def _cfg(cell: str, hidden: int, epochs: int = 1, record: bool = False) -> RunConfig:
    cfg = RunConfig()
    cfg.model.cell, cfg.model.hidden_size, cfg.model.num_layers = cell, hidden, 2
    cfg.train.epochs, cfg.train.patience, cfg.train.device, cfg.train.record_gates = epochs, None, "cpu", record
    cfg.data.transform = "none"
    return cfg


def make_run(cell: str, steps: int, hidden: int) -> Run:
    """A Run over a generated series with a freshly initialised model (timing does not depend
    on the weights, and training 10,000 windows here would take minutes)."""
    frame = lcdata.generate("noisy-sine", length=steps, seed=0)
    cfg = _cfg(cell, hidden)
    prep = prepare(frame, cfg.data)
    return Run(cfg, lcdata.Series(frame), prep, build_model(cfg, prep).eval(), FitResult())


def redraw_table(steps: int, hidden: int, repeats: int) -> list[dict]:
    rows = []
    for cell in ("lstm", "gru"):
        run = make_run(cell, steps, hidden)
        t0 = time.perf_counter()
        traces = gt.trace_run(run.model, run.prep, "series")
        replay_ms = (time.perf_counter() - t0) * 1e3
        tr = traces[1]
        names = list(tr.names)

        def draw(trace=tr, gates=None, unit=0, how="mean"):
            pio.to_json(gp.heatmap_figure(trace, gates, unit=unit, step=100, how=how), validate=False)

        rows.append(
            {
                "cell": cell,
                "T x H": f"{tr.steps:,} x {tr.units}",
                "replay (first view)": replay_ms,
                "layer change": _median(lambda: draw(traces[0]), repeats),
                "gate change (2 gates)": _median(lambda: draw(gates=names[:2]), repeats),
                "unit change": _median(lambda: draw(unit=5), repeats),
                "max-abs aggregation": _median(lambda: draw(how="maxabs"), repeats),
                "page rerun (AppTest), layer change": apptest_rerun(run, repeats),
            }
        )
    return rows


def apptest_rerun(run, repeats: int) -> float:
    """Whole Gates page rerun after a layer change (replay already cached), via AppTest."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.session_state["uploaded_runs"] = {"zip:bench": ("bench run", run)}
    at.switch_page("pages/gates.py").run()
    if at.exception:
        raise RuntimeError(at.exception[0].value)
    out = []
    for i in range(repeats + 1):
        at.selectbox(key="gates_layer").set_value((i + 1) % 2)
        t0 = time.perf_counter()
        at.run()
        out.append(time.perf_counter() - t0)
    return statistics.median(out[1:]) * 1e3


def record_table(repeats: int) -> list[dict]:
    """GateRecorder.epoch_end against the epoch time, for the bundled airline series (default
    config) and a 3,000-step series with 64 units and 2 layers."""
    rows = []
    airline = lcdata.load_csv(lcdata.DATASETS_DIR / "airline-passengers.csv").frame
    noisy = lcdata.generate("noisy-sine", length=3000, seed=0)
    for name, frame, hidden, layers in (("airline, h32 x 1", airline, 32, 1), ("3,000 steps, h64 x 2", noisy, 64, 2)):
        for cell in ("lstm", "gru"):
            cfg = _cfg(cell, hidden, epochs=3, record=True)
            cfg.model.num_layers = layers
            run = fit_run(lcdata.Series(frame, season=12 if frame is airline else None), cfg)
            epoch_ms = statistics.median(s.seconds for s in run.history) * 1e3
            rec = gt.GateRecorder(run.prep, record=True)
            cost = _median(lambda: rec.epoch_end(run.model, 1), repeats)
            snap = gt.GateRecorder(run.prep, record=False)
            snap_ms = _median(lambda: snap.epoch_end(run.model, 1), repeats)
            rows.append(
                {
                    "data": name,
                    "cell": cell,
                    "epoch ms": epoch_ms,
                    "record ms": cost,
                    "share": 100 * cost / epoch_ms,
                    "snapshot only ms": snap_ms,
                }
            )
    return rows


def step_table(steps: int, hidden: int, clicks: int) -> list[dict]:
    """Server cost of sending one unit's steps, and the browser's time per step (see the docstring)."""
    from playwright.sync_api import sync_playwright

    from benchmarks.st_server import CHROMIUM, CHROMIUM_ARGS

    rows = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        for cell in ("lstm", "gru"):
            run = make_run(cell, steps, hidden)
            tr = gt.trace_run(run.model, run.prep, "series")[1]
            t0 = time.perf_counter()
            walk = gt.unit_walk(run.model, tr, 3)
            html = stepper.standalone_html(walk, tr, gp.time_labels(tr), 0)
            build_ms = (time.perf_counter() - t0) * 1e3
            page = browser.new_page(viewport={"width": 1366, "height": 768})
            t0 = time.perf_counter()
            page.set_content(html)
            page.wait_for_function(
                "() => { const w = document.getElementById('where'); return w && w.textContent.startsWith('Step 0'); }"
            )
            load_ms = (time.perf_counter() - t0) * 1e3
            times = page.evaluate(STEP_JS, clicks)
            page.close()
            rows.append(
                {
                    "cell": cell,
                    "T x H": f"{tr.steps:,} x {tr.units}",
                    "server: walk + page, ms": build_ms,
                    "page size, kB": len(html.encode()) / 1e3,
                    "browser load, ms": load_ms,
                    "one step, median ms": statistics.median(times),
                    "one step, max ms": max(times),
                }
            )
        browser.close()
    return rows


def markdown(rows: list[dict]) -> str:
    cols = list(rows[0])
    out = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for r in rows:
        out.append("| " + " | ".join(f"{r[c]:.1f}" if isinstance(r[c], float) else str(r[c]) for c in cols) + " |")
    return "\n".join(out)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--steps", type=int, default=10_000)
    ap.add_argument("--hidden", type=int, default=64)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--clicks", type=int, default=50)
    ap.add_argument("--only", choices=["redraw", "record", "step"], default=None, help="run one table only")
    a = ap.parse_args()
    if a.only in (None, "step"):
        rows = step_table(a.steps, a.hidden, a.clicks)
        table = markdown(rows)
        print(f"Step-through in the browser (target: one step <= 100 ms), {a.clicks} clicks on Next:\n")
        print(table + "\n")
        RESULTS.parent.mkdir(exist_ok=True)
        RESULTS.write_text(
            f"# Step-through in the browser\n\n`python -m benchmarks.bench_gates --only step --steps {a.steps} "
            f"--hidden {a.hidden} --clicks {a.clicks}` (torch {torch.__version__}; target one step <= 100 ms)\n\n"
            + table
            + "\n"
        )
        if a.only == "step":
            return
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads; budget: redraw < 300 ms\n")
    if a.only in (None, "redraw"):
        rows = redraw_table(a.steps, a.hidden, a.repeats)
        cols = list(rows[0])
        print("Redraw server time, ms (layer 1 of 2; figure + to_json unless said):")
        print(" | ".join(f"{c:>22}" for c in cols))
        for r in rows:
            print(" | ".join(f"{r[c]:>22.0f}" if isinstance(r[c], float) else f"{r[c]:>22}" for c in cols))
        if a.only == "redraw":
            return
    print("\nrecord_gates: per-epoch gate statistics on 64 probe windows (+ the weight snapshot), ms:")
    rec = record_table(a.repeats)
    cols = list(rec[0])
    print(" | ".join(f"{c:>20}" for c in cols))
    for r in rec:
        print(
            " | ".join(
                f"{r[c]:>19.1f}{'%' if c == 'share' else ' '}" if isinstance(r[c], float) else f"{r[c]:>20}"
                for c in cols
            )
        )


if __name__ == "__main__":
    main()
