"""Gates page: heatmaps, one unit's traces, step-through with numbers, saturation, memory, training."""

from collections.abc import Callable
from typing import Any

import pandas as pd
import streamlit as st

from lstm_core import gates as gt
from lstm_core.cells import GATES
from ui import gates_view as gv
from ui import nav, presenter, runs_view, state, stepper
from ui.figures import gates as gp
from ui.figures.style import cell_name

VIEWS = ["Heatmaps", "Unit", "Step-through", "Saturation", "Memory", "During training"]
URL: dict[str, tuple[str, Callable[[str], Any]]] = {
    "run": ("gates_run", str),
    "layer": ("gates_layer", int),
    "mode": ("gates_mode", str),
    "target": ("gates_target", int),
    "gate": ("gates_show", lambda s: [g for g in s.split(",") if g]),
    "unit": ("gates_unit", int),
    "step": ("gates_step", int),
    "view": ("gates_view", str),
    "agg": ("gates_agg", str),
}

# the sidebar hidden before the page's own switch is drawn: a deep link showed both switches at once
if presenter.active():
    gv.presenter_css()
head, switch = st.columns([4, 1], vertical_alignment="bottom")
head.title("Gates")
state.run_link_as_job()  # the page's own link (run=, no job=) opens its run in another browser (app.py does too)
current = state.sync_job_id()  # a ?job= link (or the job picked in the sidebar) opens on that job's run
sources = gv.sources()
asked = gv.restore_from_url(
    URL, {"run": list(sources), "mode": list(gt.MODES), "view": VIEWS, "agg": ["mean", "maxabs"]}
)
if any(k in asked for k in ("layer", "unit", "target")):  # said once, where the page opens on the nearest
    st.session_state["gates_link_asked"] = asked
with switch, st.container(horizontal=True, horizontal_alignment="right", vertical_alignment="center"):
    if presenter.active():  # the sidebar is hidden: the way on to the other pages, beside the switch
        nav.pages_menu("pages/gates.py")
    gv.presenter_toggle("gates_presenter")
gv.phone_css()
runs_view.restore_notice()
runs_view.require_runs(
    sources, "No trained model yet: train one on the Train page (a snapshot appears here after its first epoch)."
)
with st.container(key="gates_controls"):
    c1, c2, c3 = st.columns([3, 1, 2])
    with c1:
        pick = runs_view.pick(
            sources,
            "gates_run",
            lambda k: sources[k].label,
            preferred=current if current in sources else f"live:{current}",
        )
    src = sources[pick]
    cell, names = src.cell, list(GATES[src.cell])
    st.session_state["gates_layer"] = gv.clamp(st.session_state.get("gates_layer", 0), 0, src.layers - 1)
    # layers counted from 1 as units are (the URL's layer= and the traces keep 0-based indices)
    layer = c2.selectbox("Layer", list(range(src.layers)), key="gates_layer", format_func=lambda i: f"{i + 1}")
    mode = c3.selectbox(
        "Input",
        gt.MODES,
        key="gates_mode",
        format_func=lambda m: "whole series" if m == "series" else "one prediction's window",
        help="Whole series from a zero state, or the exact window that feeds one prediction.",
    )
    target = None
    if mode == "window":
        choices = gv.window_choices(src.prep)
        # the prediction named by its time, as the charts name it (was its 0-based series position, "12")
        labels = gv.point_labels(src.prep, choices)
        st.session_state["gates_target"] = gv.nearest(st.session_state.get("gates_target", choices[-1]), choices)
        target = st.select_slider(
            "Prediction for", list(labels), key="gates_target", format_func=lambda r: labels[int(r)]
        )
        window = gt.input_rows(src.prep, "window", target)
        ends = gv.point_labels(src.prep, window[[0, -1]])
        first, last = ends[int(window[0])], ends[int(window[-1])]
        dated = isinstance(src.prep.index, pd.DatetimeIndex)
        st.caption(
            f"Window of the prediction for **{labels[target]}**: "
            + (f"{first} to {last}." if dated else f"rows {first.removeprefix('row ')} to {last.removeprefix('row ')}.")
        )
    with st.expander("More options: gates shown, long traces"):
        o1, o2 = st.columns([3, 2])
        # a choice made for a cell of other gates would hide gates nobody unticked: show them all (an LSTM's i, f
        # ... on a GRU; a CIFG's f, g, o, c, h, all of its gates, hid an LSTM's input gate i); one from a link holds
        kept = list(st.session_state.get("gates_show", names))
        made_for = st.session_state.get("gates_show_for", names)
        same = kept and set(kept) <= set(names) and list(made_for) == names
        st.session_state["gates_show"] = kept if same else names
        st.session_state["gates_show_for"] = names
        shown = o1.multiselect("Gates to show", names, key="gates_show")
        agg = o2.radio(
            "Long traces",
            ["mean", "maxabs"],
            key="gates_agg",
            horizontal=True,
            format_func=lambda a: "mean" if a == "mean" else "max |value|",
            help="Beyond 2,000 steps each heatmap column aggregates several steps.",
        )

if src.live:
    st.info(
        f"Training is still running: this is a copy of the weights after epoch {src.version}; "
        "it refreshes when you interact with the page."
    )
if cell == "rnn":
    st.info("A plain RNN has no gates, so this page shows its hidden state h alone.")
if src.networks > 1:  # on the first screen: which of the ensemble's networks the page opens
    shown_what = "hidden state shown is" if cell == "rnn" else "gates shown are"
    rep = src.prep.transform.name  # "none" said "trained on none"
    # of the networks the Train page counts: "averages 10" beside Train's "11 networks trained" read as a mistake
    extra = src.trained - src.networks
    of = (
        f" (of the {src.trained} it trained: {'the other makes' if extra == 1 else f'the other {extra} make'} "
        "one-step predictions only)"
        if extra > 0
        else ""
    )
    st.caption(
        f"This run's forecast averages {src.networks} {cell_name(cell)} networks{of}; the {shown_what} network 1's "
        f"(trained on {'the data as given' if rep == 'none' else rep})."
    )
trace = gv.traces(src.key, src.version, mode, target, src)[layer]
T, H = trace.steps, trace.units
original = gv.original_series(src, trace)
st.session_state["gates_unit"] = gv.clamp(st.session_state.get("gates_unit", 0), 0, H - 1)
st.session_state["gates_step"] = gv.clamp(st.session_state.get("gates_step", 0), 0, T - 1)
if link := st.session_state.pop("gates_link_asked", None):
    # what the page shows of what a link asked for (names of their own: the page's `shown` is the gates picked)
    picked_unit = st.session_state["gates_unit"]
    opened = {
        "layer": (layer, f"layer {layer + 1}", f"{src.layers} layer{'s' if src.layers != 1 else ''}"),
        "unit": (picked_unit, f"unit {picked_unit + 1}", f"{H} units"),
    }
    if target is not None:
        span = gv.point_labels(src.prep, choices[[0, -1]])
        opened["target"] = (
            target,
            f"the prediction for {labels[int(target)]}",
            f"predictions for {span[int(choices[0])]} to {span[int(choices[-1])]}",
        )
    if link_said := gv.link_note(link, opened):
        st.info(link_said)
if st.session_state.get("gates_view") not in VIEWS:
    st.session_state["gates_view"] = "Heatmaps"
gv.refused_notice()  # ?view=Nope opened on Heatmaps without a word
view = (
    st.segmented_control("View", VIEWS, key="gates_view", label_visibility="collapsed", persist_state=state.KEEP)
    or "Heatmaps"
)
CONFIG = {"displayModeBar": "hover", "displaylogo": False}


def _unit_typed() -> None:
    """The unit box's callback: the unit (0-based, as the URL and the trace keep it) from the number shown;
    one the layer lacks shows its nearest and says so (a bounded box refused 50 with a mark shown on hover
    only, and the page stayed as it was)."""
    typed = st.session_state["gates_unit_shown"]
    if typed is None:  # emptied: the unit stays
        return
    st.session_state["gates_unit"] = unit = gv.clamp(int(typed) - 1, 0, H - 1)
    if unit != int(typed) - 1:
        st.session_state["gates_unit_said"] = (
            f"This layer has {H} unit{'s' if H != 1 else ''} (1 to {H}): unit {int(typed)} is not one of them, "
            f"so unit {unit + 1} is shown."
        )


def unit_box(container: Any, label: str, help: str | None = None) -> int:
    """The unit box, numbered from 1 as the Learn page numbers units; returns the unit's 0-based index.

    The page keeps the index in ``gates_unit`` (a heatmap click and a link set it); the box shows it plus one.
    """
    st.session_state["gates_unit_shown"] = st.session_state["gates_unit"] + 1
    container.number_input(
        label, None, None, key="gates_unit_shown", step=1, on_change=_unit_typed, help=_with_units(help)
    )
    if said := st.session_state.pop("gates_unit_said", None):
        container.caption(said)
    return int(st.session_state["gates_unit"])


def _with_units(help: str | None) -> str:
    """The unit box's help, with the units the layer has."""
    return (help + " " if help else "") + f"This layer has {H} unit{'s' if H != 1 else ''}: 1 to {H}."


if view == "Heatmaps":
    left, right = st.columns([1.4, 4])
    with right:
        st.caption(gv.HOW_TO_READ)
        click = gv.heatmap_clicks("gates_heatmap_chart", "gates_click")  # before the unit box it sets
    if click is not None:
        st.session_state["gates_unit"] = gv.clamp(int(click.get("unit", 0)), 0, H - 1)
        if isinstance(click.get("column"), int):
            st.session_state["gates_step"] = gv.clamp(click["column"] * gp.bucket_size(T), 0, T - 1)
    with left.container(key="gates_heatmap_unit"):
        unit = unit_box(st, "Unit (or click a heatmap cell)", help="The unit Unit and Step-through show.")
    fig = gp.heatmap_figure(
        trace, shown or names, unit=unit, step=st.session_state["gates_step"], how=agg, original=original
    )
    presenter.chart(fig, key="gates_heatmap_chart", config=CONFIG)
elif view == "Unit":
    unit = unit_box(st, "Unit")
    presenter.chart(
        gp.unit_figure(trace, unit, st.session_state["gates_step"], original=original),
        key="gates_unit_chart",
        config=CONFIG,
    )
elif view == "Step-through":
    left, right = st.columns([1.4, 4])
    unit = unit_box(left, "Unit", help="The unit whose update is shown, step by step.")
    right.caption(
        "Prev / Next / Play step through time in your browser (keys ← → and space); every number is this unit's "
        "update at that step, recomputed from the weights (it equals the replayed trace)."
    )
    if T > stepper.STEP_WINDOW:  # a long trace: the stepper holds a stretch of it, a box moves it

        def go_to() -> None:
            to = st.session_state.get("gates_goto")
            if to is not None:  # shown from 1, as the stepper counts; kept from 0, as the URL's step= is
                step = gv.clamp(int(to) - 1, 0, T - 1)  # past the ends: the end, said (a bounded box refused it)
                if step != int(to) - 1:
                    st.session_state["gates_goto_said"] = (
                        f"This trace has {T:,} steps: step {int(to):,} is not one of them, so step {step + 1:,} "
                        "is shown."
                    )
                st.session_state["gates_step"] = step

        left.number_input(
            f"Go to step (1 to {T:,})",
            None,
            None,
            value=None,
            step=1,
            key="gates_goto",
            on_change=go_to,
            placeholder=f"{st.session_state['gates_step'] + 1:,}",
            help="The stepper holds part of a long trace at a time; a step outside it moves it there.",
        )
        if goto_said := st.session_state.pop("gates_goto_said", None):
            left.caption(goto_said)
        first, stop = stepper.window(T, st.session_state["gates_step"])
        right.caption(
            f"This trace has {T:,} steps; the stepper holds steps {first + 1:,} to {stop:,} "
            f"({stepper.STEP_WINDOW:,} at a time, around the step asked for): go to another step to move it."
        )
    walk = gv.walk(src.key, src.version, mode, target, layer, unit, src)
    big = presenter.active()

    def _step_told() -> None:
        """The browser's step, told once the stepping rested: kept for the unit box, the other views and the link
        (a unit typed after 5 presses of Next opened on step 1, the server's step)."""
        if (told := stepper.told_step("gates_stepper_js")) is not None:
            st.session_state["gates_step"] = gv.clamp(told, 0, T - 1)

    @st.fragment
    def _stepper_part(start: int) -> None:
        # a fragment: the step told reruns this only, with the data it mounted with (no new mount, no page rerun)
        stepper.show(walk, trace, gp.time_labels(trace), start, big, key="gates_stepper_js", on_step=_step_told)

    with st.container(key="gates_stepper"):
        _stepper_part(st.session_state["gates_step"])
elif view == "Saturation":
    frames = [(src.label, gv.saturation_table(src.key, src.version, mode, target, layer, src.label, src))]
    others = [k for k in sources if k != pick]
    with st.container(key="gates_compare_box"):
        compare = st.multiselect(
            "Compare with (side by side, same input mode; a run with fewer layers shows its last)",
            others,
            key="gates_compare",
            format_func=lambda k: sources[k].label,
            max_selections=3,
        )
    for k in compare:
        o = sources[k]
        tgt = target if mode == "series" or target is None else gv.nearest(target, gv.window_choices(o.prep))
        frames.append((o.label, gv.saturation_table(o.key, o.version, mode, tgt, min(layer, o.layers - 1), o.label, o)))
    presenter.chart(presenter.phone_title(gp.saturation_figure(frames)), key="gates_saturation", config=CONFIG)
    st.markdown("**Most saturated units** (fraction of time below 0.1 or above 0.9; tanh traces rescaled)")
    table = gt.most_saturated(pd.concat([f for _, f in frames], ignore_index=True), 12)
    if table.empty:
        st.caption(
            "None: every gate of every unit stays between 0.1 and 0.9 throughout (tanh traces between −0.8 and 0.8), "
            "where it still responds to its inputs."
        )
    else:
        # the run's name on every row only where runs are compared (one long label twelve times said nothing)
        columns = ["run"] * (len(frames) > 1) + ["cell", "gate", "unit", "left", "right", "saturated", "mean"]
        presenter.table(
            gv.units_from_one(table[columns]),
            hide_index=True,
            key="gates_sat_table",
            width="stretch",
            column_config={
                c: st.column_config.NumberColumn(format="%.2f") for c in ("left", "right", "saturated", "mean")
            },
        )
elif view == "Memory":
    mem = gt.memory_frame(trace)
    if mem.empty:
        st.info(
            "A plain RNN has no keep gate, so there is no memory span to show: its only memory is the hidden state h, "
            "rewritten through W_h and tanh at every step."
        )
    else:
        presenter.chart(
            presenter.phone_title(gp.memory_figure(mem, cell, src.prep.cfg.look_back)),
            key="gates_memory",
            config=CONFIG,
        )
        keep = "z (update gate; in torch's GRU z keeps the old state)" if cell == "gru" else "f (forget gate)"
        st.caption(
            f"Keep gate: {keep}. Half-life = ln 0.5 / ln(mean keep) steps: how long a stored value takes to "
            "decay to half if the gate sat at its mean. The real product of gates decays at least this fast."
        )
        presenter.table(
            gv.units_from_one(mem.head(16)),
            hide_index=True,
            key="gates_memory_table",
            width="stretch",
            column_config={
                "keep_mean": st.column_config.NumberColumn("mean keep gate", format="%.3f"),
                "span": st.column_config.NumberColumn("half-life (steps)", format="%.1f"),
            },
        )
else:
    hist = src.history
    if not hist:
        st.info(
            "This run did not record gate statistics. Set `record_gates` in the training config "
            "(TrainConfig.record_gates = True) to see how the gates changed epoch by epoch."
        )
    else:
        epochs = [e["epoch"] for e in hist]
        kept = src.kept_epoch if src.kept_epoch in epochs else None
        # a run opens on the epoch whose weights the other views show (the last one was not: early stopping
        # keeps the best epoch's, and the slider at the last one showed gates the model no longer has)
        if st.session_state.get("gates_epoch") not in epochs or st.session_state.get("gates_epoch_for") != pick:
            st.session_state["gates_epoch"] = epochs[-1] if kept is None else kept
        st.session_state["gates_epoch_for"] = pick
        ep = st.select_slider("Epoch", epochs, key="gates_epoch")
        entry = hist[epochs.index(ep)]
        lay = min(layer, len(entry["layers"]) - 1)
        if note := gv.kept_note(kept, epochs[-1], src.kept_averaged):
            st.caption(note)
        presenter.chart(
            gp.evolution_figure(gt.history_frame(hist, lay), ep, kept), key="gates_evolution", config=CONFIG
        )
        presenter.chart(
            presenter.phone_title(  # a phone cut the title's "points near the dotted line ..." at the edge
                gp.saturation_figure(
                    [(f"epoch {ep}", gt.epoch_saturation_frame(entry, lay))], title=f"Saturation at epoch {ep}"
                )
            ),
            key="gates_epoch_sat",
            config=CONFIG,
        )
        st.caption(f"Saturation at epoch {ep}: measured on a probe of training windows.")

gv.write_url(
    {
        "run": pick,
        "layer": layer,
        "mode": mode,
        "target": target,
        "gate": shown,
        "unit": st.session_state["gates_unit"],
        "step": st.session_state["gates_step"],
        "view": view,
        "agg": agg,
        "presenter": presenter.param(),
    }
)
