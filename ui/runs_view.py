"""Choosing, exporting and restoring runs for the Forecast and Gates pages."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path

import streamlit as st

from lstm_core import runs as lcruns
from lstm_core.jobs import JobRegistry
from lstm_core.pipeline import Run
from lstm_core.restore import Restorer
from lstm_core.runs import RunError

from . import state, url
from .text import md_escape


def available_runs() -> dict[str, tuple[str, Run]]:
    """Runs this session can show: its jobs with a run (trained, finished or stopped, and restored
    run zips, kept as jobs: :func:`restore_upload`), then the job of a shared link it was opened on.

    Keys are job ids; values are ``(label, run)``.
    """
    out: dict[str, tuple[str, Run]] = {}
    reg = state.registry()
    mine = [(s, s.run) for s in reg.jobs_for(state.owner()) if s.has_run and s.run is not None]
    for (snap, run), name in zip(mine, numbered([s.label for s, _ in mine])):
        out[snap.id] = (f"{name} — {snap.status}", run)
    shared = reg.snapshot(st.session_state.get(state.JOB))  # opened from someone else's link: read-only
    if shared is not None and shared.id not in out and shared.run is not None:
        out[shared.id] = (f"{shared.label} — {shared.status} (shared, read-only)", shared.run)
    return out


def numbered(names: list[str]) -> list[str]:
    """``names`` (newest first, as the run lists are) with a repeated one numbered from the oldest
    on: "lstm h8 on sales.csv", "lstm h8 on sales.csv (2)". Two runs of one cell and size on the
    same data get the same default name, and a run picker listed them as one entry twice."""
    seen: dict[str, int] = {}
    out: list[str] = []
    for name in reversed(names):
        seen[name] = seen.get(name, 0) + 1
        out.append(name if seen[name] == 1 else f"{name} ({seen[name]})")
    return out[::-1]


def restoring() -> int:
    """How many of this session's runs (and the shared run it was opened on) are still being
    loaded after a server restart."""
    reg = state.registry()
    mine = sum(s.restoring for s in reg.jobs_for(state.owner()))
    shared = reg.snapshot(st.session_state.get(state.JOB))
    return mine + int(shared is not None and shared.restoring and not state.owns(shared))


def restore_notice() -> None:
    """While runs saved before a restart are loading: say so, and redraw the page when they are in."""
    if not restoring():
        return

    @st.fragment(run_every=1.0)
    def _wait() -> None:
        left = restoring()
        if not left:
            st.rerun(scope="app")
        st.info(f"Loading {left} run(s) saved before the server restarted; they appear here in a moment.")

    _wait()


def require_runs(options: dict, empty: str) -> None:
    """With no runs to show: say ``empty``, link to the Train page and stop the page; while runs
    saved before a restart are still loading (:func:`restore_notice` says so), stop without it
    ("No trained run yet" right under "Loading 1 run(s)" read as a contradiction)."""
    if not options:
        training = [s for s in state.registry().jobs_for(state.owner()) if s.active and s.kind != "sweep"]
        if training:
            # "No trained run yet: start one on the Train page" while the person's run trained sent
            # them to start it again; the sidebar's jobs list redraws the page once it has finished
            st.info(
                f"Your run “{md_escape(training[0].label)}” is {training[0].status}; it appears here once "
                "it has finished (follow it on the Train page)."
            )
            st.page_link("pages/train.py", label="Go to Train", icon=":material/model_training:")
        elif restoring():
            pass
        elif saved := len(state.registry().runs(state.owner())):
            # runs memory let go (two hours on, or older than that at a restart) are on disk only: the
            # person with 15 saved runs was told "No trained run yet: start one on the Train page"
            st.info(f"You have {saved} saved run(s) on the Runs page; open one from there.")
            st.page_link("pages/runs.py", label="Go to Runs", icon=":material/folder_open:")
        else:
            st.info(empty)
            st.page_link("pages/train.py", label="Go to Train", icon=":material/model_training:")
        url.stop()


def pick(options: dict, key: str, label, preferred: str | None = None) -> str:
    """A run selectbox over ``options`` (id -> anything, not empty); returns the chosen id.

    The choice survives reruns in ``st.session_state[key]``; ``preferred`` (e.g. the
    current job) is chosen when the kept choice is gone. ``label(id)`` names an option. A pick becomes
    the session's open run, and its data the session's where none was loaded.
    """
    keys = list(options)
    if st.session_state.get(key) not in keys:
        st.session_state[key] = preferred if preferred in keys else keys[0]
    picked = st.selectbox("Run", keys, key=key, format_func=label, on_change=_open_picked, args=(key,))
    if preferred and preferred not in keys and (why := not_shown(preferred.removeprefix("live:"))):
        # the open run has nothing to show: another is, and the page says why (it switched without a word)
        st.caption(why)
    if st.session_state.get(state.JOB) is None and not st.session_state.get(state.GONE):
        # the run shown where none was open is the open one: the address bar named no run (/forecast), so a
        # copy of it opened none, and the Gates page's first link had run= but no job= (not where the open
        # run has just gone: that is said, and the next run is not opened over it)
        state.set_job(str(picked).removeprefix("live:"))
    snap = state.registry().snapshot(str(picked).removeprefix("live:"))
    if state.owns(snap) and snap is not None and state.adopt_dataset(snap.id, snap.config):
        # the run shown brings its data over the untouched bundled data, as a reload of its link does: a
        # restored zip opened in a fresh session showed its run under a sidebar naming the airline data
        # that Train would use. Only a run of this browser's: a shared link's viewer kept the sender's upload
        # as their own data, for their next Start, after the link was closed
        st.rerun()
    return picked


def not_shown(job_id: str) -> str:
    """Why the open run ``job_id`` is not the one a run page shows (it has no run to show), in one
    sentence; "" where it is not known here."""
    snap = state.registry().snapshot(job_id)
    if snap is None:
        return ""
    if snap.interrupted:
        why = "was interrupted by a server restart before it finished (train it again on the Train page)"
    elif snap.active:
        why = f"is {snap.status} (follow it on the Train page); it appears here once it has finished"
    elif snap.restoring:
        return ""  # said by restore_notice
    else:
        why = f"ended without a run to show ({snap.status})"
    return f"The open run “{md_escape(snap.label)}” {why}; this is another run."


def _open_picked(key: str) -> None:
    """A run picked in a page's box becomes the session's open run (``?job=``), as Runs' Open does: picked
    on Forecast, a page switch, a reload or the Gates page went back to the newest run. A live
    snapshot's key (``live:<id>``) opens its job."""
    picked = st.session_state.get(key)
    if picked:
        state.set_job(str(picked).removeprefix("live:"))


def run_zip(run: Run, forecast_steps: int | None = None, about: dict | None = None) -> bytes:
    """The run as zip bytes (``save_run`` to a temporary folder, then ``run_to_zip`` with ``about``,
    see :func:`about_run`); its ``forecast.csv`` holds ``forecast_steps`` steps ahead (the page's choice)."""
    with tempfile.TemporaryDirectory(prefix="lstm-lab-") as tmp:
        folder = lcruns.save_run(run, Path(tmp) / "run", forecast_steps=forecast_steps)
        return lcruns.run_to_zip(folder, about)


def about_run(job_id: str) -> dict:
    """What a run zip keeps of the stored run ``job_id`` besides its files (:data:`lstm_core.runs.ABOUT_FILE`):
    its name, its data's name, its pin and when it was trained; ``{}`` where the store has no record of it."""
    reg = state.registry()
    rec = reg.store.record(job_id) if reg.store is not None else None
    if rec is None:
        snap = reg.snapshot(job_id)
        return {"label": snap.label} if snap is not None and snap.label else {}
    return {"label": rec.label, "data": rec.dataset, "pinned": rec.pinned, "trained": int(rec.trained)}


@st.cache_resource(show_spinner=False)
def _restorer() -> Restorer:
    return Restorer()


_restorer_override: Restorer | None = None


def use_restorer(r: Restorer | None) -> None:
    """Make the pages use ``r`` instead of the process-wide restorer (tests); None: back to it."""
    global _restorer_override
    _restorer_override = r


def restorer() -> Restorer:
    """The process-wide :class:`~lstm_core.restore.Restorer` (one per server, all sessions)."""
    return _restorer_override if _restorer_override is not None else _restorer()


PENDING, ERROR = "zip_restore_pending", "zip_restore_error"
WARNED = "zip_restore_warning"  # a restored run whose scores are not those it was saved with
RESTORED = "zip_restore_done"  # said once, after the page redraws with the restored run


def restored_label(name: str) -> str:
    """A restored run's name: its zip's name without ``.zip``, marked restored."""
    stem = name[:-4] if name.lower().endswith(".zip") and len(name) > 4 else name
    return f"{stem} (restored)"


def keeper(reg: JobRegistry, owner: str, name: str) -> Callable[[Run, dict], str]:
    """How a run restored from the zip ``name`` is kept: a finished job of ``owner`` in ``reg``, with the
    name, data name, pin and training time its zip says it had (:func:`lstm_core.runs.read_about`; the
    name marked restored), else named after the zip (restored, a renamed and pinned run came back named
    after its file, its data "teacher_run.zip" and unpinned; the Runs page dated it when restored)."""

    def keep(run: Run, about: dict) -> str:
        label = restored_label(name)
        if "label" in about:  # a run restored before, downloaded again, is not "x (restored) (restored)"
            label = about["label"] if about["label"].endswith(" (restored)") else f"{about['label']} (restored)"
        job_id = reg.add_run(
            run,
            owner=owner,
            label=label,
            data_name=about.get("data", name),
            message=f"Restored from {name}.",
            tags={"trained": about["trained"]} if "trained" in about else None,
        )
        if about.get("pinned"):
            reg.set_pinned(job_id, True)
        return job_id

    return keep


def restore_upload(key: str, pick_key: str) -> None:
    """A run-zip uploader whose zip is restored off the page script (see lstm_core.restore).

    A new upload is checked at once (size, entries) and queued; once rebuilt, the restore's thread
    keeps the run as a finished job of this session's owner (:meth:`JobRegistry.add_run`): listed
    on the Runs page, stored on disk like a trained run (a restart keeps it), renamed, pinned,
    compared and deleted like one. A fragment polls the restore and, once it is in, selects the
    run in ``pick_key`` and redraws the page. Errors are one sentence.
    """
    up = st.file_uploader("Run zip", type=["zip"], key=key)
    if up is not None and st.session_state.get(f"{key}_done") != up.file_id:
        st.session_state[f"{key}_done"] = up.file_id
        st.session_state.pop(ERROR, None)
        st.session_state.pop(WARNED, None)
        reg, owner, name = state.registry(), state.owner(), up.name

        try:
            keep = keeper(reg, owner, name)
            st.session_state[PENDING] = (restorer().submit(up.name, up.getvalue(), keep), up.name, pick_key)
        except RunError as exc:
            st.session_state[ERROR] = str(exc)
    if st.session_state.get(PENDING):
        _restore_progress()
    if said := st.session_state.pop(RESTORED, None):
        # a toast: the uploader's expander may be closed by now, and nothing said the zip was in (an upload of
        # the same zip again only changed the Run box's entry to "... (2)")
        st.toast(said, icon=":material/check_circle:")
    if up is not None and st.session_state.get(ERROR):
        st.error(md_escape(st.session_state[ERROR]))
    if up is not None and st.session_state.get(WARNED):
        st.warning(md_escape(st.session_state[WARNED]))


@st.fragment(run_every=0.5)
def _restore_progress() -> None:
    pending = st.session_state.get(PENDING)
    if not pending:
        return
    rid, name, pick_key = pending
    r = restorer().get(rid)
    if r is not None and r.active:
        st.info(f"Restoring {md_escape(name)}: unpacking it and rebuilding the run in the background...")
        return
    del st.session_state[PENDING]
    if r is None:
        st.session_state[ERROR] = "The restore was lost (the server restarted); upload the zip again."
    elif r.run is None:
        st.session_state[ERROR] = r.message
    else:
        st.session_state[pick_key] = r.job_id
        if r.message:  # restored, but its files give other scores than it was saved with
            st.session_state[WARNED] = r.message
        snap = state.registry().snapshot(r.job_id)
        kept = f" as “{md_escape(snap.label)}”" if snap is not None else ""
        st.session_state[RESTORED] = f"Restored {md_escape(name)}{kept}; it is listed on the Runs page."
    st.rerun(scope="app")
