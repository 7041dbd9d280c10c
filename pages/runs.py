"""Runs page: this session's saved runs; open, rename, pin, download, delete, compare 2-6, restore a run zip."""

import streamlit as st

from lstm_core.jobs import DAMAGED, DAMAGED_MESSAGE, INTERRUPTED
from lstm_core.runs import zip_restore_refusal
from lstm_core.store import MAX_LABEL
from ui import compare_view, presenter, runs_page, runs_view, state, url
from ui.figures import compare as cplots
from ui.text import md_escape

st.title("Runs")
current = state.sync_job_id()
reg = state.registry()
owner = state.owner()
records = reg.runs(owner)


def restore_zip() -> None:
    """A run zip downloaded before (here or on Forecast) becomes one more run of the list, picked."""
    with st.expander("Restore a downloaded run (.zip)", expanded=not records, icon=":material/upload:"):
        runs_view.restore_upload("runs_zip", runs_page.PICK)  # restored off the page script


if not records:
    st.info("You have no saved runs yet: train one and it is kept here, also after a server restart.")
    st.page_link("pages/train.py", label="Go to Train", icon=":material/model_training:")
    restore_zip()
    url.stop()

by_id = {r.id: r for r in records}
# two runs of one name, data and minute are numbered, else the boxes below list them as one entry twice
shown_as = dict(zip(by_id, runs_view.numbered([runs_page.option_label(r) for r in records])))
st.caption(
    f"{len(records)} run(s), newest first. Pinned runs and runs of a comparison are kept when your disk space "
    "runs out; the oldest other runs are deleted first, and you are told which."
)
listed, listed_config = runs_page.shown(records)
presenter.table(listed, key="runs_table", hide_index=True, width="stretch", column_config=listed_config)
restore_zip()

st.subheader("One run")
renamed = st.session_state.pop(runs_page.RENAMED, None)
if renamed and st.session_state.get(runs_page.COMPARE):
    # the runs picked to compare, set again from here: the browser holds a pick by its shown name, and a
    # renamed run's old name matched no option on the next rerun, which dropped it from the comparison
    st.session_state[runs_page.COMPARE] = [i for i in st.session_state[runs_page.COMPARE] if i in by_id]
if st.session_state.get(runs_page.PICK) not in by_id:
    # the run open on the other pages (a reload on its ?job= link, a run picked on Forecast), as the
    # Forecast and Gates pages pick it: the newest one put another run beside Rename and Delete
    st.session_state[runs_page.PICK] = current if current in by_id else records[0].id
elif renamed == st.session_state[runs_page.PICK]:
    # set again from here, the picked run shows its new name: the browser's closed box kept the
    # old one (its options had the new) until the page was left and opened again
    st.session_state[runs_page.PICK] = st.session_state[runs_page.PICK]
pick = st.selectbox("Run", list(by_id), key=runs_page.PICK, format_func=lambda i: shown_as[i])
rec = by_id[pick]
if rec.status in (INTERRUPTED, DAMAGED):
    st.warning(
        DAMAGED_MESSAGE
        if rec.status == DAMAGED
        else "This run was interrupted by a server restart before it finished; you can train it again."
    )
    if st.button("Open in Train", key="runs_open_train", icon=":material/model_training:"):
        runs_page.open_interrupted(pick)
elif not rec.has_run:
    st.info(f"This run is {rec.status}; it can be opened here when it has finished.")
# one row of buttons at their own width, wrapping when narrow (five equal columns cut the labels to "Open …" at 1024 px)
row = st.container(horizontal=True)
if row.button("Open in Forecast", key="runs_open_forecast", icon=":material/insights:", disabled=not rec.has_run):
    runs_page.open_in(pick, "forecast")
if row.button("Open in Gates", key="runs_open_gates", icon=":material/tune:", disabled=not rec.has_run):
    runs_page.open_in(pick, "gates")
if reg.store is not None and row.button(
    "Unpin" if rec.pinned else "Pin",
    key="runs_pin",
    icon=":material/keep_off:" if rec.pinned else ":material/keep:",
    help="A pinned run is never deleted to free disk space.",
):
    reg.set_pinned(pick, not rec.pinned)
    st.rerun()
# a run of over 10,000 rows downloads, and its zip is refused where it is uploaded here: said before the download
held = reg.snapshot(pick)
unrestorable = zip_restore_refusal(held.run) if held is not None and held.run is not None else None
row.download_button(
    "Download (.zip)",
    lambda: runs_page.zip_bytes(pick),
    runs_page.zip_name(rec),
    "application/zip",
    key="runs_download",
    on_click="ignore",
    disabled=not rec.has_run,
    icon=":material/download:",
    help=unrestorable or "The run and its data, to restore here or with the command line.",
)
if row.button("Delete", key="runs_delete", icon=":material/delete:"):
    st.session_state[runs_page.CONFIRM] = pick
if unrestorable:
    st.caption(unrestorable)
if st.session_state.get(runs_page.CONFIRM) == pick:
    # a pinned run, or one of a comparison: the question says so (it read as any other's)
    st.warning(runs_page.delete_question(rec, records))
    y, n, _ = st.columns([1, 1, 3])
    if y.button("Yes, delete it", key="runs_delete_yes", type="primary"):
        try:
            reg.delete_run(pick)
            st.session_state[runs_page.CONFIRM] = None
            if st.session_state.get(state.JOB) == pick:
                state.set_job(None)
            st.rerun()
        except LookupError as exc:
            st.error(md_escape(exc))
    if n.button("Keep it", key="runs_delete_no"):
        st.session_state[runs_page.CONFIRM] = None
        st.rerun()

RENAME_NOTE = "runs_rename_note"  # said once under the box after a rename
with st.form("runs_rename"):
    new_label = st.text_input("Name", value=rec.label, key=f"runs_label_{pick}", max_chars=MAX_LABEL)
    if st.form_submit_button("Rename", icon=":material/edit:"):
        try:
            reg.rename(pick, new_label)
            st.session_state[runs_page.RENAMED] = pick
            # renamed as another run of theirs is named: said, not two runs of one name in silence
            twins = [r for r in records if r.id != pick and r.label == new_label.strip()]
            st.session_state[RENAME_NOTE] = (
                f"Renamed. Another of your runs is named “{md_escape(new_label.strip())}” too; the Run box tells "
                "them apart by their data and time."
                if twins
                else "Renamed."
            )
            st.rerun()
        except (ValueError, LookupError) as exc:
            st.error(md_escape(exc))
if note := st.session_state.pop(RENAME_NOTE, None):
    st.caption(note)

st.subheader("Compare runs")
finished = [r for r in records if r.has_run]
picked = st.multiselect(
    f"Pick {runs_page.MIN_COMPARE} to {runs_page.MAX_COMPARE} runs",
    [r.id for r in finished],
    key=runs_page.COMPARE,
    format_func=lambda i: shown_as[i],
    max_selections=runs_page.MAX_COMPARE,
)
if len(picked) < runs_page.MIN_COMPARE:
    st.caption(f"Pick at least {runs_page.MIN_COMPARE} runs to see their metrics side by side.")
    url.stop()
chosen = [by_id[i] for i in picked]
named = {}
for name, r in zip(runs_page.unique_names(chosen), chosen):
    run = runs_page.load(r.id)
    if run is None:
        st.error(f"“{md_escape(r.label)}” could not be loaded from disk, so it is left out.")
    else:
        named[name] = run
if len(named) < runs_page.MIN_COMPARE:
    url.stop()
cmp_table, overlay = runs_page.comparison(named)
presenter.table(
    compare_view.styled_table(cmp_table, same_points=overlay is not None),
    hide_index=True,
    width="stretch",
    key="runs_compare_table",
    column_config=compare_view.table_config(cmp_table),
)
if overlay is None:
    st.info(
        "These runs were not scored on the same test points (different data or split), so the baselines and "
        "the forecast overlay are left out, and RMSE and MAE (in each series' own units) are not marked best; "
        "MASE (each error over that series' in-sample seasonal naive error) compares them."
    )
else:
    if not (cmp_table["kind"] == "baseline").any():
        st.caption(
            "These runs' baselines differ on the same test points (their season or filled-in values differ), "
            "so the baselines are left out; each run's own are on the Forecast page."
        )
    elif left_out := runs_page.no_season_note(named):
        st.caption(left_out)  # the seasonal naive row left out: it is the naive one, row for row
    presenter.chart(
        cplots.overlay_variants_figure(overlay, list(named), title="One-step test forecasts"),
        key="runs_compare_overlay",
    )

url.flush()  # this run's URL changes in one entry of the history (app.py flushes too; AppTest runs a page alone)
