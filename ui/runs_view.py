"""Choosing, exporting and restoring runs for the Forecast and Gates pages."""

from __future__ import annotations

import tempfile
from pathlib import Path

import streamlit as st

from lstm_core import runs as lcruns
from lstm_core.pipeline import Run

from . import state


def available_runs() -> dict[str, tuple[str, Run]]:
    """Runs this session can show: its trained jobs (finished or stopped), the job of a shared
    link it was opened on, then restored zips.

    Keys are stable ids (job id or ``zip:<name>``); values are ``(label, run)``.
    """
    out: dict[str, tuple[str, Run]] = {}
    reg = state.registry()
    for snap in reg.jobs_for(state.owner()):
        if snap.has_run and snap.run is not None:
            out[snap.id] = (f"{snap.label} — {snap.status}", snap.run)
    shared = reg.snapshot(st.session_state.get(state.JOB))  # opened from someone else's link: read-only
    if shared is not None and shared.id not in out and shared.run is not None:
        out[shared.id] = (f"{shared.label} — {shared.status} (shared, read-only)", shared.run)
    for key, (label, run) in st.session_state.get(state.UPLOADED_RUNS, {}).items():
        out[key] = (label, run)
    return out


def restoring() -> int:
    """How many of this session's runs are still being loaded after a server restart."""
    return sum(s.restoring for s in state.registry().jobs_for(state.owner()))


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
    """With no runs to show: say ``empty``, link to the Train page and stop the page."""
    if not options:
        st.info(empty)
        st.page_link("pages/train.py", label="Go to Train", icon=":material/model_training:")
        st.stop()


def pick(options: dict, key: str, label, preferred: str | None = None) -> str:
    """A run selectbox over ``options`` (id -> anything, not empty); returns the chosen id.

    The choice survives reruns in ``st.session_state[key]``; ``preferred`` (e.g. the
    current job) is chosen when the kept choice is gone. ``label(id)`` names an option.
    """
    keys = list(options)
    if st.session_state.get(key) not in keys:
        st.session_state[key] = preferred if preferred in keys else keys[0]
    return st.selectbox("Run", keys, key=key, format_func=label)


def run_zip(run: Run, forecast_steps: int | None = None) -> bytes:
    """The run as zip bytes (``save_run`` to a temporary folder, then ``run_to_zip``);
    its ``forecast.csv`` holds ``forecast_steps`` steps ahead (the page's choice)."""
    with tempfile.TemporaryDirectory(prefix="lstm-lab-") as tmp:
        folder = lcruns.save_run(run, Path(tmp) / "run", forecast_steps=forecast_steps)
        return lcruns.run_to_zip(folder)


def restore_zip(name: str, data: bytes) -> str:
    """Restore an uploaded run zip into the session; returns its key. Raises RunError."""
    with tempfile.TemporaryDirectory(prefix="lstm-lab-") as tmp:
        folder = lcruns.zip_to_run_dir(data, Path(tmp) / "run")
        run = lcruns.load_run(folder)
    key = f"zip:{name}"
    st.session_state.setdefault(state.UPLOADED_RUNS, {})[key] = (f"restored: {name}", run)
    return key
