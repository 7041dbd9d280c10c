"""The Runs page's logic: the owner's stored runs as a table, and what can be done with one.

Runs come from the job registry's :meth:`~lstm_core.jobs.JobRegistry.runs` (the run index when
there is a run store). Opening, downloading or comparing a run that memory has let go brings it
back from the store first (:meth:`~lstm_core.jobs.JobRegistry.reopen`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime
from typing import Any

import numpy as np
import pandas as pd
import streamlit as st

from lstm_core import compare as cmp
from lstm_core import runs as lcruns
from lstm_core import tables
from lstm_core.index import RunRecord
from lstm_core.pipeline import Run

from . import metric_numbers, runs_view, state
from .figures.style import cell_name
from .text import md_escape

PICK, CONFIRM, COMPARE, NOTICE = "runs_pick", "runs_confirm_delete", "runs_compare", "runs_deleted_notice"
RENAMED = "runs_renamed"  # the run just renamed: its pick is set again for the box to show the new name
MIN_COMPARE, MAX_COMPARE = 2, cmp.MAX_VARIANTS
LOAD_TIMEOUT_S = 60.0
#: The "vs baselines" column: short, so that the table fits 1280 px (the Forecast page says more).
VERDICTS = {"beats": "beats", "mixed": "mixed", "loses": "loses", "none": "—", "": "—"}
#: The table's columns; with :data:`COLUMN_WIDTHS` (pixels) they fit the 818 px a 1280 px wide
#: window leaves beside the sidebar (twelve columns scrolled sideways).
COLUMNS = ["name", "when", "data", "cell", "test RMSE", "multi-step RMSE", "MASE", "verdict", "pinned"]
COLUMN_WIDTHS = {
    "name": 150,
    "when": 122,
    "data": 120,
    "cell": 76,
    "test RMSE": 66,
    "multi-step RMSE": 80,
    "MASE": 58,
    "verdict": 96,
    "pinned": 50,
}
#: Where "Open in ..." goes and which of its widgets chooses the run.
PAGES = {"forecast": ("pages/forecast.py", "forecast_pick"), "gates": ("pages/gates.py", "gates_run")}


def when(ts: float | None) -> str:
    return datetime.fromtimestamp(ts).strftime("%Y-%m-%d %H:%M") if ts else "—"


def list_name(r: RunRecord) -> str:
    """A run's name in the table: its label without the " on <data>" the Train page adds (the
    data column beside it says so). "lstm h32 on cran_packages.csv" was cut to "lstm h32 on
    cran_packag…" in its 150 px, repeating the data column and hiding any name of its own."""
    tail = f" on {r.dataset}"
    return r.label[: -len(tail)] if r.dataset and r.label.endswith(tail) and len(r.label) > len(tail) else r.label


def table(records: list[RunRecord]) -> pd.DataFrame:
    """One row per run, newest first: what the page's table shows (when each was trained second,
    so that a table wider than the screen still shows it). ``cell`` is the cell and its hidden
    size ("LSTM 16"); ``verdict`` is how a finished run did against the baselines, else its
    status ("interrupted", "running")."""
    rows = [
        {
            "name": list_name(r),
            "when": when(r.trained),  # a restored run: when it was trained, not restored
            "data": r.dataset or "—",
            "cell": f"{cell_name(r.cell)} {r.hidden_size}",
            "test RMSE": r.rmse,
            "multi-step RMSE": r.rmse_multi,
            "MASE": r.mase,
            # a stopped run kept its best weights and was judged: its verdict, as its Forecast page gives it
            "verdict": VERDICTS.get(r.verdict, r.verdict)
            if r.status == "finished" or (r.status == "cancelled" and r.verdict in ("beats", "mixed", "loses"))
            else r.status,
            "pinned": r.pinned,
        }
        for r in records
    ]
    return pd.DataFrame(rows, columns=COLUMNS)


#: The error columns, in the data's units: a 1e15-scale series' beside a 0.08 one.
METRICS = ("test RMSE", "multi-step RMSE")
#: Pixels a digit (or separator) of the grid's 14 px text takes at most, and a cell's padding.
DIGIT_PX, CELL_PAD_PX = 7, 18


def shown(records: list[RunRecord]) -> tuple[pd.DataFrame, dict[str, Any]]:
    """The table and its ``column_config``. An error column holding a value of 10,000 or more is
    rounded to 4 significant figures and written with separators
    (:data:`~ui.metric_numbers.BIG_FORMAT`, ``%,.4g``: ``10,090,000,000,000``, and ``0.08154`` in
    the same column, as the Forecast page's table and the verdict write them), in a column wide
    enough for the longest; it stays a number column, sorted as numbers and right-aligned.

    ``%.4g`` wrote ``10090000000000`` in a 66 px column, which the grid cut from the left to
    ``000000000``; written as text instead, a click on the header sorted 9,000 after 10,000.
    The list is then wider than 1280 px allows and scrolls sideways (when each run was trained
    stays in view).
    """
    tbl = table(records)
    widths: dict[str, int] = {}
    for c in METRICS:
        values = pd.to_numeric(tbl[c])  # None: an interrupted run
        if (values.abs() >= metric_numbers.BIG).any():
            tbl[c] = metric_numbers.significant(values)
            texts = [metric_numbers.grid_text(metric_numbers.BIG_FORMAT, v) or "" for v in tbl[c]]
            widths[c] = max(COLUMN_WIDTHS[c], DIGIT_PX * max(map(len, texts)) + CELL_PAD_PX)
    return tbl, column_config(widths, big=list(widths))


def column_config(widths: dict[str, int] | None = None, big: Iterable[str] = ()) -> dict[str, Any]:
    """The table's labels, formats, widths and header tips (``st.dataframe``'s ``column_config``);
    ``widths`` of some columns replace the defaults, and the error columns in ``big`` are written
    with separators (see :func:`shown`)."""
    w = {**COLUMN_WIDTHS, **(widths or {})}
    tips = {
        "test RMSE": "Test RMSE one step ahead (data units)",
        "multi-step RMSE": "Test RMSE forecast from the test start",
    }
    labels = {"test RMSE": "RMSE", "multi-step RMSE": "multi-step"}
    errors = {
        c: st.column_config.NumberColumn(
            labels[c],
            format=metric_numbers.BIG_FORMAT if c in big else metric_numbers.SMALL_FORMAT,
            width=w[c],
            help=tips[c],
        )
        for c in METRICS
    }
    return {
        "name": st.column_config.TextColumn("name", width=w["name"]),
        "when": st.column_config.TextColumn("when", width=w["when"], help="When the run was trained"),
        "data": st.column_config.TextColumn("data", width=w["data"], help="The data set it was trained on"),
        "cell": st.column_config.TextColumn("cell", width=w["cell"], help="Cell type and hidden size"),
        **errors,
        "MASE": st.column_config.NumberColumn(
            "MASE",
            format="%.3g",
            width=w["MASE"],
            help=f"Test MAE one step ahead divided by {tables.MASE_SCALE}",
        ),
        "verdict": st.column_config.TextColumn(
            "vs baselines",
            width=w["verdict"],
            help="beats: better than every baseline; loses: a baseline is better; mixed: one of each "
            "(one step ahead, multi-step). A run that did not finish shows its status.",
        ),
        "pinned": st.column_config.CheckboxColumn(
            "pin", width=w["pinned"], help="Pinned: never deleted to free disk space"
        ),
    }


def delete_question(rec: RunRecord, records: list[RunRecord]) -> str:
    """The question Delete asks of ``rec`` (``records``: the owner's runs): whether it is pinned, and
    which comparison it is part of, whose results then leave it out (a seed deleted on this page
    changed a comparison's mean and spread without a word)."""
    pinned = " It is pinned, kept whenever disk space is freed." if rec.pinned else ""
    together = [r for r in records if rec.group and r.group == rec.group]
    part = (
        f" It is one of the {len(together)} runs of a comparison, whose results will then leave it out."
        if len(together) > 1
        else ""
    )
    return f"Delete “{md_escape(rec.label)}” for good?{pinned}{part} Its files are removed from the server."


def option_label(r: RunRecord) -> str:
    return f"{list_name(r)} · {r.dataset or 'data'} · {when(r.trained)}"


def load(job_id: str) -> Run | None:
    """The run of ``job_id``, from memory or loaded back from the store (waits for it)."""
    reg = state.registry()
    snap = reg.reopen(job_id)
    if snap is not None and snap.restoring:
        with st.spinner("Loading the saved run..."):
            snap = reg.wait_until(job_id, lambda s: not s.restoring, LOAD_TIMEOUT_S)
    return snap.run if snap is not None else None


def open_in(job_id: str, where: str) -> None:
    """Make ``job_id`` the session's current run and go to the Forecast or Gates page (whose run box
    brings its data, :func:`ui.runs_view.pick`)."""
    if load(job_id) is None:
        st.error("This run could not be loaded from disk; its folder may be damaged. Delete it, or train it again.")
        return
    page, key = PAGES[where]
    state.set_job(job_id)
    st.session_state[key] = job_id
    st.switch_page(page)


def open_interrupted(job_id: str) -> None:
    """Go to the Train page with an interrupted job as the current one (it offers to train it again)."""
    if state.registry().reopen(job_id) is None:
        st.error("This run's record could not be read from disk; delete it and start a new run.")
        return
    state.set_job(job_id)
    st.switch_page("pages/train.py")


def zip_bytes(job_id: str) -> bytes:
    """The run zip: the stored run folder as it is, else the run in memory saved to one."""
    reg = state.registry()
    store = reg.store
    about = runs_view.about_run(job_id)  # its name, data and pin come back with it when restored
    if store is not None and store.has_run(job_id):
        return lcruns.run_to_zip(store.folder(job_id), about)
    run = load(job_id)
    return runs_view.run_zip(run, about=about) if run is not None else b""


def zip_name(r: RunRecord) -> str:
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", r.label).strip("-.")[:60]
    return f"{slug or 'run'}.zip"


def quota_notice(owner: str) -> None:
    """Name the runs the disk quota deleted, until the person says OK (never silently): they stay
    on disk until then (taken when first drawn, a reload or a restart before OK lost them)."""
    reg = state.registry()
    gone = reg.notices(owner)
    if not gone:
        st.session_state.pop(NOTICE, None)
        return
    names = ", ".join(f"“{n}”" for n in gone)
    st.warning(
        f"Your runs reached the disk space each person has, so your oldest runs were deleted: {names}. "
        "Pin a run on the Runs page to keep it."
    )
    shown = st.session_state.get(NOTICE, gone)  # what the OK was pressed under (not one added since)
    st.session_state[NOTICE] = gone
    if st.button("OK", key="runs_notice_ok"):
        reg.dismiss_notices(owner, shown)
        st.session_state.pop(NOTICE, None)
        st.rerun()


# ---------------------------------------------------------------------- comparing runs
def unique_names(records: list[RunRecord]) -> list[str]:
    """The runs' names, numbered where two are the same (table rows and legend entries)."""
    out: list[str] = []
    for r in records:
        name, n = r.label, 2
        while name in out:
            name, n = f"{r.label} ({n})", n + 1
        out.append(name)
    return out


def same_test_points(runs: list[Run]) -> bool:
    """Whether every run was scored on the same test points (same data and split)."""
    preds = [r.predictions for r in runs]
    if any(p is None for p in preds):
        return False
    first = preds[0]
    assert first is not None
    for p in preds[1:]:
        assert p is not None
        if len(p) != len(first) or not np.array_equal(p["part"].to_numpy(), first["part"].to_numpy()):
            return False
        if not np.allclose(p["actual"].to_numpy(np.float64), first["actual"].to_numpy(np.float64), equal_nan=True):
            return False
    return True


def same_baselines(runs: list[Run]) -> bool:
    """Whether every run's baselines scored the same on its test points: runs of one file and split
    whose seasons (or gap filling) differ have different seasonal naive and Holt-Winters forecasts,
    and the first run's rows stood for all of them."""
    scores = [r.metrics for r in runs]
    if any(m is None for m in scores):
        return False

    def rows(m) -> dict[str, float | None]:
        return {
            f"{part}:{k}": (b.rmse if b is not None else None)
            for part, table in (("one", m.baselines), ("multi", m.baselines_multistep))
            for k, b in table.items()
        }

    first = rows(scores[0])
    for m in scores[1:]:
        other = rows(m)
        if other.keys() != first.keys():
            return False
        for k, v in first.items():
            w = other[k]
            if (v is None) != (w is None) or (v is not None and w is not None and not np.isclose(v, w, rtol=1e-9)):
                return False
    return True


def no_season_note(named: dict[str, Run]) -> str | None:
    """What :func:`comparison`'s table says of the baselines it shows: the seasonal naive one is left
    out where it is the naive one (runs of a series without a season), else None."""
    first = next((run.metrics for run in named.values() if run.metrics is not None), None)
    return tables.NO_SEASON if first is not None and tables.seasonal_naive_is_naive(first) else None


def comparison(named: dict[str, Run]) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """The side-by-side table (one row per run; the baselines too when every run has the same
    test points and the same baselines on them, :func:`same_baselines`) and, where the test points
    are the same, the one-step forecasts overlay (else None)."""
    results = [
        cmp.SeedResult(
            name,
            int(run.config.train.seed),
            run.metrics,
            run.history_frame()["val_loss"].to_numpy(np.float32, na_value=np.nan),
            run.history_frame()["train_loss"].to_numpy(np.float32),
        )
        for name, run in named.items()
        if run.metrics is not None
    ]
    tbl = cmp.summarize(results, list(named))
    tbl = tbl.drop(columns=["seeds", *(c for c in tbl.columns if c.endswith(" std"))])  # one run each: no spread
    runs = list(named.values())
    if not same_test_points(runs):
        return tbl[tbl["kind"] != "baseline"].reset_index(drop=True), None
    if not same_baselines(runs):
        tbl = tbl[tbl["kind"] != "baseline"].reset_index(drop=True)
    return tbl, cmp.forecast_overlay({n: [r] for n, r in named.items()})
