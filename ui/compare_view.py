"""Helpers for the Compare and Experiments pages: job groups that survive reloads, tables."""

from __future__ import annotations

import functools
import uuid
from typing import Any

import numpy as np
import pandas as pd
import streamlit as st

from lstm_core import compare as cmp
from lstm_core.job_status import JobStatus
from lstm_core.jobs import JobSnapshot
from lstm_core.memory_task import MemoryConfig
from lstm_core.metrics import figure_text

from . import state, url
from .figures.style import cell_name

CMP_KEY, CMP_PARAM = state.COMPARE_KEY, state.COMPARE_PARAM


def sync_ids(session_key: str, param: str) -> list[str]:
    """Job ids of a group, kept in ``st.session_state`` and ``st.query_params`` (comma list).

    A reload (empty session) reattaches from the URL; ids whose jobs were evicted are dropped.
    Someone else's comparison opened from its link is shown read-only (see ``state.owns``).
    A run stopped before it trained keeps nothing on disk: after a restart the link said its runs
    were "deleted on the Runs page, or to free disk space" when Stop all had stopped them.
    """
    reg = state.registry()
    ids = st.session_state.get(session_key)
    # Back or Forward to another comparison's entry: the URL's (the session's ids won, and the page wrote
    # them over the entry, so the comparison on screen before Start was out of reach)
    went = url.moved().get(param)
    if went or (not ids and (went := url.get(param))):
        ids = [i for i in went.split(",") if i]
    # reopen, not snapshot: a finished job memory let go (after 2 hours, or past 40 of an owner's
    # jobs) is still on disk; snapshot dropped it, and with it the link's ?cmp= and the results
    kept = [i for i in (ids or []) if reg.reopen(i) is not None]
    gone = len(ids or []) - len(kept)
    note_key = f"{session_key}_gone_note"
    if gone:
        # kept: said until another comparison is shown; none kept: the page stops here, said once
        st.session_state[note_key] = (
            tuple(kept),
            f"{gone} of the {len(ids or [])} runs of this comparison {'is' if gone == 1 else 'are'} gone (stopped "
            f"before {'it' if gone == 1 else 'they'} trained, deleted on the Runs page, or deleted to free disk space)"
            + (f"; the results below are of the other {len(kept)}." if kept else "; start it again below."),
        )
    # said on every run while these runs are shown: after a restart the page reruns once the saved
    # runs have loaded, and the sentence was gone within seconds (the session then held only the kept ids)
    said = st.session_state.get(note_key)
    if said is not None and said[0] == tuple(kept):
        st.info(said[1])
        if not kept:
            del st.session_state[note_key]
    set_ids(session_key, param, kept)
    return kept


def reopen_last() -> None:
    """Where this session shows no comparison and its URL names none, show this browser's newest one:
    opened again from the sidebar or as ``/compare``, a finished comparison of ten runs was gone behind
    an empty form, its long ``?cmp=`` address the only way back."""
    if st.session_state.get(CMP_KEY) or url.get(CMP_PARAM):
        return
    reg = state.registry()
    newest = reg.find(state.owner(), kind="compare")
    if newest and "group" in newest[0].tags:
        runs = reg.find(state.owner(), kind="compare", group=newest[0].tags["group"])
        # in the order they were submitted (a stable sort keeps it among runs created at the same time)
        set_ids(CMP_KEY, CMP_PARAM, [s.id for s in sorted(runs, key=lambda s: s.created)])


def set_ids(session_key: str, param: str, ids: list[str]) -> None:
    st.session_state[session_key] = list(ids)
    joined = ",".join(ids)
    url.put(param, joined or None)


def new_group_id() -> str:
    """A fresh comparison id: the ``group`` tag of its jobs."""
    return uuid.uuid4().hex


def group(snaps: list[JobSnapshot]) -> dict[str, list[JobSnapshot]]:
    """Variant name (the job's ``variant`` tag; its label without one) -> its seeds' snapshots,
    in submission order."""
    out: dict[str, list[JobSnapshot]] = {}
    for s in snaps:
        out.setdefault(str(s.tags.get("variant", s.label)), []).append(s)
    return out


def pending(s: JobSnapshot) -> bool:
    """Whether the Compare page still waits on ``s``: queued or training, or finished before a
    server restart with its run still loading from disk (it said "No run finished" until reloaded)."""
    return s.active or s.restoring


def stopped_untrained(s: JobSnapshot) -> bool:
    """Whether ``s`` was stopped (Stop all, or its own Stop) before it trained: it has no run."""
    return s.status == JobStatus.CANCELLED and s.run is None and not s.restoring


def _done(snaps: list[JobSnapshot]) -> int:
    """Runs over, less those stopped before they trained."""
    return sum(not s.active and not stopped_untrained(s) for s in snaps)


def progress_value(snaps: list[JobSnapshot]) -> float:
    """The progress bar's share: runs over, less those stopped before they trained (after Stop all
    the bar stood full above results of 2 of the 10 runs)."""
    return _done(snaps) / max(len(snaps), 1)


def progress_text(snaps: list[JobSnapshot], groups: dict[str, list[JobSnapshot]]) -> str:
    """The progress bar's text: ``4 of 6 runs done (3 variants × 2 seeds)``. Where the variants
    hold different numbers of runs (one deleted on the Runs page) it gives their range: a
    comparison of 3 variants × 2 seeds with one run deleted read "5 of 5 runs done (3 variants ×
    1 seeds)", 5 // 3. Runs stopped before they trained are counted apart: after Stop all it read
    "10 of 10 runs done" above results of the 2 runs that had trained."""
    stopped, done = sum(stopped_untrained(s) for s in snaps), _done(snaps)
    counts = sorted({len(ss) for ss in groups.values()}) or [0]
    seeds = f"{counts[0]}" if len(counts) == 1 else f"{counts[0]}–{counts[-1]}"
    plural = "" if counts == [1] else "s"
    each = " each" if len(counts) > 1 else ""
    variants = f"{len(groups)} variant{'s' * (len(groups) != 1)}"
    halted = f", {stopped} stopped before {'it' if stopped == 1 else 'they'} trained" if stopped else ""
    return f"{done} of {len(snaps)} runs done{halted} ({variants} × {seeds} seed{plural}{each})"


def untrained_note(groups: dict[str, list[JobSnapshot]], results: list[cmp.SeedResult]) -> str | None:
    """One sentence naming the variants with no result, where some others have one: after Stop all,
    the results showed LSTM 16 alone (its one seed that trained), and nothing said that GRU 16 and
    RNN 16 were stopped before they trained (their loss lines still read "waiting"). None where
    every variant has a result."""
    have = {r.variant for r in results}
    missing = [n for n in groups if n not in have]
    if not missing:
        return None
    stopped = all(s.status == JobStatus.CANCELLED for n in missing for s in groups[n])
    one = len(missing) == 1
    if stopped:
        why = "it was stopped before it trained" if one else "they were stopped before they trained"
    else:
        why = "no run of it finished" if one else "no run of them finished"
    it = "it" if one else "them"
    return (
        f"{', '.join(missing)} {'has' if one else 'have'} no results ({why}), so the table, verdict and charts "
        f"below leave {it} out; start the comparison again to include {it}."
    )


def status_text(s: JobSnapshot) -> str:
    if s.status == JobStatus.QUEUED:
        return f"queued · #{s.position} in queue"
    if s.status == JobStatus.RUNNING and s.network is not None:
        return f"running · network {s.network[0]}/{s.network[1]}"
    if s.status == JobStatus.RUNNING and s.backtest is not None:
        return f"running · backtest {s.backtest[0]}/{s.backtest[1]}"
    if s.status == JobStatus.RUNNING:
        return f"running · epoch {s.epochs_done}/{s.epochs_planned}"
    return str(s.status)


def status_frame(snaps: list[JobSnapshot]) -> pd.DataFrame:
    rows = [
        {
            "job": s.label,
            "status": status_text(s),
            "epochs": s.epochs_done,
            "best val loss": float(np.nanmin(s.val_loss)) if np.isfinite(s.val_loss).any() else None,
            "message": s.message,
        }
        for s in snaps
    ]
    return pd.DataFrame(rows)


def curves(groups: dict[str, list[JobSnapshot]]) -> dict[str, list[np.ndarray]]:
    """Validation loss per seed (training loss where there is no validation part)."""
    out = {}
    for name, snaps in groups.items():
        out[name] = [s.val_loss if np.isfinite(s.val_loss).any() else s.train_loss for s in snaps]
    return out


def seed_results(groups: dict[str, list[JobSnapshot]]) -> list[cmp.SeedResult]:
    res = []
    for name, snaps in groups.items():
        for s in snaps:
            if s.run is not None and s.status in (JobStatus.FINISHED, JobStatus.CANCELLED) and s.run.metrics:
                seed = int(s.tags.get("seed", s.config["train"]["seed"]))
                res.append(cmp.SeedResult(name, seed, s.run.metrics, s.val_loss, s.train_loss))
    return res


#: Errors in the data's own units: they rank runs only when every run was scored on the same points.
UNIT_COLUMNS = tuple(c for _, metric, c in cmp.METRIC_COLUMNS if metric in ("rmse", "mae"))


#: The look of a column's best value in :func:`styled_table`.
BEST = "background-color: #bbf7d0; font-weight: 700; color: #14532d"
#: How :func:`styled_table` writes these columns (the metrics: :func:`lstm_core.metrics.figure_text`).
NUMBER_FORMATS = {"parameters": "{:,.0f}", "epochs to best": "{:.1f}"}
#: Significant figures of a column :func:`number_cell` writes with :func:`figure_text` at fewer than 4:
#: train seconds as 0.0389 and 0.0421 (at two decimals both read 0.04, one marked best)
FIGURES = {"train seconds": 3}


def number_cell(column: str, value: object) -> str:
    """One number of :func:`styled_table` as text: "—" where missing, 4 significant figures
    otherwise (``10,080,000,000,000`` from 10,000 up, as the Forecast page's table writes it)."""
    if value is None or pd.isna(value):
        return "—"
    v = float(value)  # type: ignore[arg-type]
    return NUMBER_FORMATS[column].format(v) if column in NUMBER_FORMATS else figure_text(v, FIGURES.get(column, 4))


#: The error columns :func:`styled_table` keeps as numbers (sorted as numbers, right-aligned), its
#: Styler writing each as :func:`number_cell` does.
NUMERIC = tuple(c for _, _, c in cmp.METRIC_COLUMNS)


def styled_table(table: pd.DataFrame, same_points: bool = True):
    """The results table with the best value per column marked (green, bold) and a 'best in' column
    (the Runs page's comparison; the Compare page shows :func:`lstm_core.compare.readable_table`).

    Without ``same_points`` (runs on different data or splits) the errors in the data's units are
    not marked: an RMSE of 2 on temperatures was "best" beside 140 on road deaths. MASE, scaled
    by each series' naive error, still is.

    Every number is shown as :func:`number_cell` writes it: the grid drew a Styler's ``{:.4g}`` of a
    1e15-scale series' RMSE as ``1.008e+13`` beside the Forecast page's ``10,080,000,000,000``. The
    error columns (:data:`NUMERIC`) stay numbers, written by the Styler's format, so that a click on
    a header sorts them as numbers and they stay right-aligned (written as text, they were sorted
    alphabetically and drawn on the left). The others are text, so that a baseline's missing
    parameters read "—" (the grid writes a missing number as "None" whatever the Styler's
    ``na_rep``), right-aligned by :func:`table_config`.
    """
    skip = () if same_points else UNIT_COLUMNS
    best = {c: m for c, m in cmp.best_per_column(table).items() if c not in skip}
    cols = [c for c in cmp.LOWER_IS_BETTER if c in table and c not in skip]
    lowest = {c: (table[c] == table[c].min()).to_numpy() for c in cols}  # highlight_min's cells (NaN never)
    shown = table.copy()
    shown["best in"] = [", ".join(c for c, m in best.items() if m == name) for name in table["model"]]
    shown["best in"] = ["★ " + b if b else "" for b in shown["best in"]]
    numeric = [c for c in NUMERIC if c in table and table[c].dtype.kind == "f"]
    for c in table.columns:
        if table[c].dtype.kind == "f" and c not in numeric:
            shown[c] = [number_cell(c, v) for v in table[c]]
    styler = shown.style.apply(lambda col: [BEST if m else "" for m in lowest[str(col.name)]], subset=cols)
    return styler.format({c: functools.partial(number_cell, c) for c in numeric})


def table_config(table: pd.DataFrame) -> dict:
    """``column_config`` of :func:`styled_table`'s table: its numbers written as text right-aligned."""
    return {
        c: st.column_config.TextColumn(alignment="right")
        for c in table.columns
        if table[c].dtype.kind == "f" and c not in NUMERIC
    }


#: A "mean ± std" cell longer than this many characters is written on two lines by
#: :func:`two_line_spread` (``2.417 ± 0.07`` stays on one).
SPREAD_CHARS = 20
#: Pixels of a row that holds two lines: the grid wraps a cell's text only in rows taller than 4rem (64 px).
TWO_LINE_ROW_PX = 66
#: Pixels a character of the grid's 14 px text takes at most (digits, separators), and a cell's padding.
DIGIT_PX, CELL_PAD_PX = 7, 18


def two_line_spread(table: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, Any], int | None]:
    """``table`` (text cells of :func:`lstm_core.compare.readable_table`) with each long
    ``mean ± std`` cell wrapped on two lines (``26,460,000,000,000`` / ``± 660,000,000,000``), the
    ``column_config`` that sizes those columns to their longest line, and the ``row_height`` its
    grid needs for them (None and ``{}``: no cell is long, one line per row).

    Four columns of a 1e15-scale series' errors took 1,000 px at 1280 px, where the grid has 818."""
    texts = table.select_dtypes(include="object")
    long = texts.apply(lambda col: col.str.len() > SPREAD_CHARS) & texts.apply(lambda col: col.str.contains(" ± "))
    if not long.to_numpy().any():
        return table, {}, None
    out = table.copy()
    config: dict[str, Any] = {}
    for c in texts.columns[long.any().to_numpy()]:
        # a no-break space after "±": the grid wraps at the space before it (it draws no line breaks)
        out[c] = [v.replace(" ± ", " ±\u00a0", 1) if flag else v for v, flag in zip(texts[c], long[c])]
        chars = max(len(line) for v in out[c] for line in v.split(" "))
        config[c] = st.column_config.TextColumn(width=max(chars, len(c)) * DIGIT_PX + CELL_PAD_PX)
    return out, config, TWO_LINE_ROW_PX


# ---------------------------------------------------------------------- memory sweeps
def start_sweep(cfg: MemoryConfig) -> str:
    """Queue a long-memory sweep in the job registry for this session; returns its job id."""
    return state.registry().submit_sweep(cfg, owner=state.owner(), tags={"group": "long-memory"})


def row_name(value: object) -> str:
    """A variants-table ``name`` cell as text: ``""`` (named from its fields) for an empty cell.

    A row added in the table's editor has a missing name (``None`` or NaN); ``str(NaN or "")``
    named the variant "nan" in every table and chart.
    """
    if value is None or (not isinstance(value, str) and bool(pd.isna(value))):  # None, NaN, pd.NA
        return ""
    return str(value).strip()


def every_cell(hidden_size: int, row: dict, cells: list[str]) -> pd.DataFrame:
    """One variants-table row per cell type at ``hidden_size`` (other fields from ``row``)."""
    return pd.DataFrame(
        # named as people read the cells ("Peephole LSTM 32", not "PEEPHOLE 32")
        [{**row, "name": f"{cell_name(c)} {hidden_size}", "cell": c, "hidden_size": hidden_size} for c in cells],
        columns=list(row),
    )
