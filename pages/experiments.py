"""Experiments page: the long-memory sweep and the classic tutorial experiments, one click each.

``?preset=<key>`` opens an experiment directly (for a slide): long-memory, sin-cos,
sine-stacked, noisy-sine or airline. Each opens on its last result (this server's, else the one
shipped with the app, :mod:`lstm_core.preset_results`); "Rerun live" trains it again.
"""

import pandas as pd
import streamlit as st

from lstm_core import preset_results as pr
from lstm_core import presets as ps
from lstm_core.config import Bound, ConfigError
from lstm_core.memory_task import DEFAULT_LAGS, MEMORY_CELLS, MemoryConfig, accuracy_table, claim_note
from ui import compare_view as cv
from ui import first_paint, jobs_view, presenter, ranges, state, throttle, url
from ui.figures import compare as cplots
from ui.figures import series as plots
from ui.figures import sketch
from ui.figures.style import date_format
from ui.text import md_escape, plot_text, visible

#: the long-memory sweep's boxes: a budget a class waits for, a network small enough to sweep on a laptop
SWEEP_STEPS, SWEEP_HIDDEN, SWEEP_SEED = Bound(50, 20_000), Bound(4, 256), Bound(0, 10_000)
SKETCH_SIZE = (900, 400)  # the saved figure's picture, in about the CSS pixels of the page's column
st.title("Experiments")
reg = state.registry()
KEYS = ["long-memory", *ps.PRESETS]
TITLES = {"long-memory": "Long memory: RNN vs LSTM vs GRU", **{k: p.title for k, p in ps.PRESETS.items()}}
wanted = url.get("preset")
# the link's experiment, once; and the one Back or Forward went to (it stayed on the last one picked)
followed = not st.session_state.get("exp_url_done") or "preset" in url.moved()
if wanted in KEYS and st.session_state.get("exp_pick") != wanted and followed:
    st.session_state["exp_pick"] = wanted
st.session_state["exp_url_done"] = True
key = st.radio("Experiment", KEYS, format_func=TITLES.get, horizontal=True, key="exp_pick", persist_state=state.KEEP)
if wanted is not None and wanted not in KEYS and followed:  # ?preset=nope opened another without a word
    st.info(
        md_escape(
            f"The link asked for preset “{wanted}”, which this page does not have (it has {', '.join(KEYS)}): "
            f"it shows {TITLES[key]}."
        )
    )
url.put("preset", key)
base = (st.context.url or "").split("?")[0] or "/experiments"
st.caption("Link to this experiment (copy button on the right):")
st.code(f"{base}?preset={key}" + ("&presenter=1" if presenter.active() else ""), language=None)
saved_now = st.session_state.setdefault("exp_saved", set())  # job ids whose result was saved


#: where this browser's last results are looked for: its own, then the ones shipped with the app
MINE = (pr.owner_dir(state.owner()), pr.SHIPPED_DIR)


def keep(result: pr.PresetResult, done: object) -> None:
    """Save ``result`` as the experiment's last one (once per finished set of jobs ``done``)."""
    if done in saved_now:
        return
    try:
        pr.save(result, pr.owner_dir(state.owner()))  # this browser's: another's opens on its own or the shipped one
    except OSError as exc:
        st.caption(f"This result could not be kept for the next visit ({md_escape(exc.strerror or exc)}).")
    saved_now.add(done)


def lag_table(rows: pd.DataFrame) -> pd.DataFrame:
    """The sweep's accuracy table with its lags as a column (a presented table has no index)."""
    return accuracy_table(rows).round(1).reset_index()


def last_result_caption(last: pr.PresetResult, button: str = "Rerun live", shown: str = "") -> None:
    """The last result's provenance and note; a note the page has just ``shown`` (the demo's scaling, in a
    caption above) is not said twice."""
    where = "shipped with the app" if last.source == "shipped" else "yours"
    # a note is often a sentence of its own ("...full run.")
    note = "" if last.note.strip() == shown.strip() else last.note.rstrip().rstrip(".")
    st.caption(
        f"Last result ({where}, {md_escape(last.finished)}){': ' + md_escape(note) if note else ''}. "
        f"**{button}** trains it again."
    )


# ------------------------------------------------------------------------------ long memory
if key == "long-memory":
    st.markdown(
        "The target is the input sign seen **lag** steps back, with random signs in between. A plain RNN "
        "must carry it through `lag` tanh steps and forgets; LSTM and GRU cells can hold it in a gated "
        "state. Every cell gets the same budget of training steps; chance is 50%."
    )
    d = MemoryConfig()
    c1, c2, c3 = st.columns([2, 1.5, 1])
    lags = c1.multiselect(
        "Lags",
        [1, 2, 5, 10, 15, 20, 25, 30, 40, 50, 75, 100],
        default=list(DEFAULT_LAGS),
        key="mem_lags",
        persist_state=state.KEEP,
    )
    cells = c2.multiselect(
        "Cells",
        list(MEMORY_CELLS) + ["peephole", "cifg"],
        default=list(MEMORY_CELLS),
        key="mem_cells",
        persist_state=state.KEEP,
    )
    # the boxes take what is typed and Run sweep names one out of range (a bounded box refused it with a mark
    # shown on hover only, and the button ran the old value)
    steps = c3.number_input(
        "Budget (training steps per cell and lag)",
        None,
        None,
        d.max_steps,
        50,
        key="mem_steps",
        persist_state=state.KEEP,  # no help icon: it put the long label on three lines when presenting
    )
    c4, c5, c6 = st.columns(3)
    hidden = c4.number_input(
        "Hidden size",
        None,
        None,
        d.hidden_size,
        1,
        key="mem_hidden",
        persist_state=state.KEEP,
        help=ranges.range_words(SWEEP_HIDDEN),
    )
    seed = c5.number_input(
        "Seed", None, None, d.seed, 1, key="mem_seed", persist_state=state.KEEP, help=ranges.range_words(SWEEP_SEED)
    )
    c6.caption(
        f"Adam lr {d.lr}, batch {d.batch_size}, {d.n_train:,} training windows, look_back = lag + {d.extra}; "
        f"LSTM forget bias {d.forget_bias:g}, GRU update bias {d.update_bias:g}; stops early at "
        f"{d.solve_at:.0%} validation accuracy."
    )
    sid = st.session_state.get("mem_sweep") or url.get("mem")
    if st.button("Run sweep", type="primary", icon=":material/play_arrow:", key="mem_start"):
        sweep_out = ranges.first_outside(
            [
                ("Budget (training steps)", steps, SWEEP_STEPS),
                ("Hidden size", hidden, SWEEP_HIDDEN),
                ("Seed", seed, SWEEP_SEED),
            ],
            "Run sweep",
        )
        if not lags or not cells:
            st.error("Choose at least one lag and one cell.")
        elif sweep_out:
            st.error(sweep_out)
        else:
            cfg = MemoryConfig(
                cells=list(cells),
                lags=sorted(int(g) for g in lags),
                max_steps=int(steps),
                hidden_size=int(hidden),
                seed=int(seed),
            )
            try:
                sid = cv.start_sweep(cfg)
            except ConfigError as exc:
                st.error(md_escape(exc))
            else:
                st.session_state["mem_sweep"] = sid
                url.put("mem", sid)
                st.rerun()
    first = reg.snapshot(sid) if sid else None
    if first is None or first.kind != "sweep":
        last = pr.load_last("long-memory", MINE)
        if last is not None and last.sweep_rows is not None and len(last.sweep_rows):
            last_result_caption(last, "Run sweep")
            # a picture at once, the interactive chart once the first screen is painted (as below)
            if first_paint.painted("experiments_page"):
                presenter.chart(cplots.memory_figure(last.sweep_rows), key="mem_chart_last")
            else:
                svg = sketch.memory_svg(last.sweep_rows, cplots.MEMORY_TITLE, big=presenter.active(), size=SKETCH_SIZE)
                st.markdown(svg, unsafe_allow_html=True)
            presenter.table(lag_table(last.sweep_rows), hide_index=True, width="stretch", key="mem_table_last")
            st.caption("Test accuracy (%) per lag (rows) and cell (columns).")
            if said := claim_note(last.sweep_rows):
                st.warning(said)
    else:
        was_active = first.active

        @throttle.fragment(run_every=0.5 if was_active else None)
        def sweep_panel() -> None:
            job = reg.snapshot(sid)
            res = job.results if job is not None else None
            if job is None or res is None:  # evicted (a sweep's results are never None)
                return
            st.progress(
                job.progress,
                text=f"{job.epochs_done} of {job.epochs_planned} trained · {jobs_view.duration(job.elapsed)} "
                f"· {job.status}",
            )
            if job.active and state.owns(job) and st.button("Stop", key="mem_stop", icon=":material/stop:"):
                reg.cancel(job.id)
            if job.status.failed:
                st.error(f"The sweep failed: {job.message}")
            presenter.chart(cplots.memory_figure(res), key="mem_chart")
            if len(res):
                presenter.table(lag_table(res), hide_index=True, width="stretch", key="mem_table")
                st.caption("Test accuracy (%) per lag (rows) and cell (columns).")
                if not job.active and (said := claim_note(res)):  # on the whole sweep, not a part of it
                    st.warning(said)
            if was_active and not job.active:
                st.rerun()

        sweep_panel()
        done = reg.snapshot(sid)
        if done is not None and done.status == "finished" and done.results is not None:
            keep(pr.PresetResult("long-memory", sweep_rows=done.results, finished=pr.now(), note=done.label), sid)
    url.stop()

# ------------------------------------------------------------------------------ classic presets
p = ps.get_preset(key)
st.markdown(f"**{p.title}** — {p.description}")
st.caption(f"Source: {p.source}. {p.fidelity}")
demo = st.toggle("Class-demo length (fewer epochs)", value=True, key=f"exp_demo_{key}", persist_state=state.KEEP)
configs = ps.preset_configs(key, demo=demo)
st.caption(ps.epochs_note(key, configs))
store = st.session_state.setdefault("exp_jobs", {})
ids = {label: jid for label, jid in store.get(key, {}).items() if reg.snapshot(jid) is not None}
last = None if ids else pr.load_last(key, MINE)
if st.button(
    # beside results (live ones too): "Run this experiment" read as if it had never run
    "Rerun live" if last is not None or ids else "Run this experiment",
    type="primary",
    icon=":material/play_arrow:",
    key=f"exp_run_{key}",
):
    series = p.series()
    store[key] = {
        label: reg.submit(
            series,
            cfg,
            owner=state.owner(),
            label=f"{p.title}: {label}",
            tags={"kind": "preset", "group": key, "variant": label},
        )
        for label, cfg in configs.items()
    }
    st.session_state[f"exp_cfg_{key}"] = configs
    st.rerun()
if not ids:
    if last is None:
        st.info("Press **Run this experiment** to train the tutorial's configuration in the background.")
        url.stop()
    last_result_caption(last, shown=ps.epochs_note(key, configs))
    if last.predictions:
        pick = st.selectbox("Figure for", list(last.predictions), key=f"exp_fig_last_{key}")
        frame, title = last.predictions[pick], f"{pick}: one-step predictions (the tutorial's figure)"
        # A link opened from a slide shows the saved figure at once as a picture (Plotly's script
        # takes the browser 2-3 s to load); once the first screen is painted it becomes the
        # interactive chart (ui/first_paint.py).
        # the saved result keeps no target's name: the preset's configuration says it
        target = ps.target_name(key, pick)
        values = plot_text(target) if target is not None else None
        if first_paint.painted("experiments_page"):
            presenter.chart(
                presenter.phone_title(plots.overlay_figure(frame, title=title, y_title=values)),
                key=f"exp_overlay_last_{key}",
            )
        else:
            svg = sketch.overlay_svg(
                frame,
                title,
                date_format(frame["time"].to_numpy()),
                big=presenter.active(),
                size=SKETCH_SIZE,
                y_title=visible(target) if target is not None else None,  # escaped by the SVG's writer
            )
            st.markdown(svg, unsafe_allow_html=True)
    presenter.table(ps.display_table(last.table), hide_index=True, width="stretch", key=f"exp_table_last_{key}")
    url.stop()
snaps0 = {label: reg.snapshot(j) for label, j in ids.items()}
active0 = any(s.active for s in snaps0.values())


@throttle.fragment(run_every=0.5 if active0 else None)
def preset_panel() -> None:
    snaps = {label: reg.snapshot(j) for label, j in ids.items()}
    for label, s in snaps.items():
        st.caption(jobs_view.status_line(s) + (f" — {md_escape(s.message)}" if s.status.failed else ""))
    if any(s.active for s in snaps.values()):
        bands = {
            label: {
                "epoch": s.epochs,
                "mean": s.train_loss,
                "std": s.train_loss * 0,
                "lo": s.train_loss,
                "hi": s.train_loss,
                "n": s.epochs * 0 + 1,
            }
            for label, s in snaps.items()
        }
        presenter.chart(cplots.loss_band_figure(bands, title="Training loss"), key=f"exp_loss_{key}")
    if active0 and not any(s.active for s in snaps.values()):
        st.rerun()


preset_panel()
if active0:
    url.stop()
runs = {label: s.run for label, s in snaps0.items() if s.run is not None}
if not runs:
    st.warning("No configuration finished.")
    url.stop()
st.subheader("Ours next to the tutorial")
used = st.session_state.get(f"exp_cfg_{key}", configs)
st.caption(ps.epochs_note(key, {k: v for k, v in used.items() if k in ps.PRESETS[key].configs}))
table = ps.result_table(key, runs)
if not any(s.status.failed for s in snaps0.values()):
    keep(pr.from_runs(key, table, runs, ps.epochs_note(key, used)), tuple(sorted(ids.values())))
pick = st.selectbox("Figure for", list(runs), key=f"exp_fig_{key}")
presenter.chart(
    presenter.phone_title(  # on one line the title ran 130 px past the chart on a phone
        plots.overlay_figure(
            # the columns the result keeps: drawn as it is after a reload (the live chart had a band and
            # another legend order)
            runs[pick].predictions[pr.PRED_COLUMNS],
            title=f"{pick}: one-step predictions (the tutorial's figure)",
            y_title=plot_text(runs[pick].prep.target),  # the value axis named as on the Forecast page
        )
    ),
    key=f"exp_overlay_{key}",
)
presenter.table(ps.display_table(table), hide_index=True, width="stretch", key=f"exp_table_{key}")

url.flush()  # this run's URL changes in one entry of the history (app.py flushes too; AppTest runs a page alone)
