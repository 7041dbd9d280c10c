"""Session state that survives page switches and reloads: dataset, owner key, current job."""

from __future__ import annotations

import gc
import logging
import pickle
import sys
import threading
import uuid
from dataclasses import dataclass, field

import pandas as pd
import streamlit as st

from lstm_core import data as lcdata
from lstm_core import executors
from lstm_core.jobs import JobRegistry, JobSnapshot
from lstm_core.store import RunStore
from lstm_core.train import device_label, resolve_device
from ui import owner_cookie, url
from ui.text import md_escape

log = logging.getLogger(__name__)

DATASET, OWNER, JOB = "dataset", "owner", "job_id"
# the Compare page's job ids, in session state and in the URL (``?cmp=a,b,...``; ui.compare_view)
COMPARE_KEY, COMPARE_PARAM = "compare_job_ids", "cmp"
# persist_state for the settings a person fills in (the Train form, the Compare settings):
# they come back after a visit to another page instead of resetting to the defaults.
KEEP = "session"
DEFAULT_NAME = "airline passengers (bundled)"  # the newcomer's dataset
# (job id, page, sentence) of a ?job= link whose run is not on this server (deleted, or a wrong id), or of
# a run deleted while open here: said on the page it opened (gone_link_notice) until the person leaves that
# page or opens a run
GONE = "gone_link"
OPEN_SEEN = "open_run_seen"  # (job id, name, this browser's own) of the run last open, for a notice if it goes
GONE_TEXT = (
    "The run in this link is not on this server (its owner may have deleted it, or the link is incomplete); "
    "your own runs are on the Runs page."
)


@dataclass
class Dataset:
    """The loaded series: frame, what the loader detected, and the chosen columns."""

    name: str
    frame: pd.DataFrame
    report: lcdata.DataReport
    target: str
    inputs: list[str] = field(default_factory=list)
    version: int = 0  # bumps on every new dataset, so pickers re-read their defaults
    filled: pd.DataFrame | None = None  # True where the loader filled a value in (LoadedData.filled)

    @property
    def series(self) -> lcdata.Series:
        """The frame with the frequency, season, missing-value policy and UTC offset the loader found,
        and the positions of the values it filled in."""
        r = self.report
        return lcdata.Series(
            self.frame,
            r.frequency,
            r.season,
            self.name,
            r.missing_policy,
            r.utc_offset,
            lcdata.filled_positions(self.filled),
        )


SWITCH_INTERVAL_S = 0.001


@st.cache_resource(show_spinner=False)
def _registry() -> JobRegistry:
    # A training worker holds the GIL between torch calls. Python makes it hand the GIL over
    # to a waiting thread after the switch interval (5 ms by default); the web server's event
    # loop needs the GIL dozens of times per request, so under load each wait adds up. 1 ms
    # keeps the health check and page scripts responsive while a job trains.
    sys.setswitchinterval(min(sys.getswitchinterval(), SWITCH_INTERVAL_S))
    # finished runs survive a server restart; LSTM_LAB_RAY_ADDRESS sends the jobs to a Ray cluster
    reg = JobRegistry(store=RunStore.default(), executor=executors.from_env())
    warm = reg.warm_up()  # pay the first-run import cost while the newcomer reads the Data page
    threading.Thread(target=freeze_after, args=(warm,), name="lstm-lab-gc-freeze", daemon=True).start()
    return reg


def freeze_after(thread: threading.Thread) -> None:
    """Once the warm-up has imported everything, move those objects out of the GC's sight.

    With torch, pandas, plotly and statsmodels loaded a full collection walks ~300,000
    long-lived objects: measured 0.57 s holding the GIL, during which the server answers
    nothing. ``gc.freeze`` puts them in a permanent generation; a full collection then
    took 7 ms. Objects created later (sessions, runs) are collected as usual.
    """
    thread.join()
    gc.collect()
    gc.freeze()


_override: JobRegistry | None = None


def use_registry(reg: JobRegistry | None) -> JobRegistry | None:
    """Make every page use ``reg`` instead of the process-wide registry (tests: a fast fake);
    ``None`` goes back to the process-wide one. Returns the registry set before (or None)."""
    global _override
    previous, _override = _override, reg
    return previous


def registry() -> JobRegistry:
    """The job registry the pages use: the process-wide one (one per server process, shared by
    all sessions), or the one set with :func:`use_registry`.

    Also pins torch's thread count on the calling script thread (see ``pin_threads``), so
    forecasts drawn on a page do not fight a training job for the cores.
    """
    reg = _override if _override is not None else _registry()
    reg.pin_threads()
    return reg


@st.cache_resource(show_spinner=False)
def engine_device() -> str:
    """What ``device=auto`` resolves to here, e.g. ``CPU (1 threads)``."""
    registry()  # the registry sets torch's thread count first
    return device_label(resolve_device("auto"))


@st.cache_data(show_spinner=False)
def _default_loaded() -> lcdata.LoadedData:
    return lcdata.load_csv(lcdata.DATASETS_DIR / "airline-passengers.csv", name=DEFAULT_NAME)


def dataset_from_loaded(loaded: lcdata.LoadedData, name: str, target: str | None = None) -> Dataset:
    """A new session dataset; the target defaults to :func:`lstm_core.data.default_target`."""
    old = st.session_state.get(DATASET)
    return Dataset(
        name,
        loaded.frame,
        loaded.report,
        target=target or lcdata.default_target(loaded.frame),
        version=(old.version + 1) if old is not None else 0,
        filled=loaded.filled,
    )


def generated(name: str, length: int | None, seed: int, **params) -> lcdata.LoadedData:
    """A generated series read back through the CSV loader, so it gets a full report."""
    frame = lcdata.generate(name, length=length, seed=seed, **params)
    label = f"{name} (seed {seed})"
    return lcdata.load_csv(lcdata.frame_to_csv_bytes(frame), name=label)


def dataset() -> Dataset:
    """The session's dataset: on a session's first run, the one this browser loaded last (kept on the
    server: a reload, a page opened by its address or a restart opened the bundled data instead, and the
    upload was gone without a word); a newcomer gets the bundled airline series."""
    if DATASET not in st.session_state:
        st.session_state[DATASET] = _kept_dataset() or dataset_from_loaded(_default_loaded(), DEFAULT_NAME)
    return st.session_state[DATASET]


def set_dataset(ds: Dataset) -> None:
    """Make ``ds`` the session's dataset, kept for this browser's next sessions too (:func:`keep_dataset`)."""
    st.session_state[DATASET] = ds
    keep_dataset(ds)


#: The form a kept dataset is written in; one of another form is not read back.
KEPT_FORMAT = 1


def keep_dataset(ds: Dataset) -> None:
    """Keep ``ds`` (its frame, what the loader found, the target and inputs chosen) as this browser's
    current dataset, on the server where its runs are kept; the bundled data is not kept."""
    if ds.name == DEFAULT_NAME and ds.version == 0:
        return
    fields_ = (KEPT_FORMAT, ds.name, ds.frame, ds.report, ds.target, list(ds.inputs), ds.filled)
    try:
        blob = pickle.dumps(fields_, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:  # noqa: BLE001 - keeping it is a convenience: the session has the data
        log.exception("the dataset %r could not be kept", ds.name)
        return
    registry().keep_dataset(owner(), blob)


def _kept_dataset() -> Dataset | None:
    """The dataset :func:`keep_dataset` kept for this browser, else None (nothing kept, or unreadable: logged)."""
    blob = registry().kept_dataset(owner())
    if blob is None:
        return None
    try:
        # written by this server (keep_dataset), under a key only this browser's cookie names
        form, name, frame, report, target, inputs, filled = pickle.loads(blob)  # noqa: S301
        if form != KEPT_FORMAT or not isinstance(frame, pd.DataFrame) or target not in frame.columns:
            return None
        return Dataset(
            name, frame, report, target=target, inputs=[c for c in inputs if c in frame.columns], filled=filled
        )
    except Exception:  # noqa: BLE001 - a damaged file: the bundled data, as for a newcomer
        log.exception("the dataset kept for this browser could not be read")
        return None


RESTORED_NOTE = "Restored with your run after a reload: the data it was trained on, as kept on the server."


def dataset_from_series(series: lcdata.Series, config: dict, version: int = 0) -> Dataset:
    """A session dataset for data kept with a run (no file to read again: the report says so).

    ``config`` is the run's config (``RunConfig.to_dict()``): its target and inputs are chosen.
    """
    frame = series.frame
    cols = list(frame.columns)
    data = config.get("data", {}) if isinstance(config, dict) else {}
    target = data.get("target") if data.get("target") in cols else cols[-1]
    inputs = [c for c in data.get("inputs") or [] if c in cols and c != target]
    dated = isinstance(frame.index, pd.DatetimeIndex)
    name = series.name or "data of a saved run"  # a run loaded back from disk has no name (": 500 rows, ...")
    report = lcdata.DataReport(
        source=name,
        encoding="utf-8",
        delimiter=",",
        decimal=".",
        thousands=None,
        date_column=(str(frame.index.name or "date")) if dated else None,
        dayfirst=None,
        frequency=series.frequency,
        season=series.season,
        n_rows=len(frame),
        columns=cols,
        dropped_columns={},
        missing={c: 0 for c in cols},
        missing_policy=series.missing_policy or "interpolate",
        duplicate_rows=0,
        gaps=0,
        resorted=False,
        notes=[RESTORED_NOTE],
        utc_offset=series.utc_offset,
    )
    return Dataset(name, frame, report, target=target, inputs=inputs, version=version)


def adopt_dataset(job_id: str, config: dict) -> bool:
    """After a reload, put the adopted job's data back in the session (so the next Start does not
    train on the bundled data). Only over the untouched default dataset: data the person loaded
    in this session is never replaced. Returns whether it was restored."""
    ds = st.session_state.get(DATASET)
    if ds is not None and not (ds.name == DEFAULT_NAME and ds.version == 0):
        return False
    series = registry().series_of(job_id)
    if series is None or series.frame.empty:
        return False
    old = ds.version if ds is not None else -1
    set_dataset(dataset_from_series(series, config, version=old + 1))
    return True


OWNER_PARAM = "owner"  # the URL parameter earlier versions kept the owner key in (adopted, then removed)
_OWNER_KEY = owner_cookie.KEY


def owner() -> str:
    """This browser's owner key: the secret that lets its sessions list, stop, rename and delete
    its jobs and runs.

    The key lives in the browser's ``lstm_lab_owner`` cookie (see :mod:`ui.owner_cookie`), never
    in a URL: a reload, a reconnect after a server restart or another tab of the same browser
    reads it back and is the same owner (two tabs of one browser share their jobs; that is
    meant). A browser without the cookie (another browser, a private window) is a different
    owner. On a session's first run the key is, in this order: the cookie's; a valid
    ``?owner=`` from a link of an earlier version (adopted once: :func:`remember_owner` moves it
    into the cookie and :func:`sync_job_id` drops it from the URL); else a fresh one. A cookie
    the browser holds wins over a URL key. A ``?job=`` link alone never hands the key over:
    whoever opens someone else's job link views that run read-only (see :func:`owns`).
    """
    if OWNER not in st.session_state:
        legacy = url.get(OWNER_PARAM) or ""
        st.session_state[OWNER] = (
            owner_cookie.from_browser() or (legacy if _OWNER_KEY.fullmatch(legacy) else None) or uuid.uuid4().hex
        )
    return st.session_state[OWNER]


def remember_owner() -> None:
    """Have the browser keep this session's owner key in its cookie when the cookie it
    connected with does not hold it (a first visit, or an adopted ``?owner=`` link). Draws
    nothing; ``app.py`` calls it once per full run."""
    me = owner()
    if owner_cookie.from_browser() != me:
        owner_cookie.remember(me)


def owns(snap: JobSnapshot | None) -> bool:
    """Whether this session owns the job: only then may it stop it or retrain it."""
    return snap is not None and snap.owner == owner()


def share_query(job_id: str) -> str:
    """The query string of a link that shows ``job_id`` to anyone, read-only (no owner key)."""
    return f"?job={job_id}"


def run_link_as_job() -> None:
    """The Gates page's own link names its run (``run=``) and, where the session had no job open,
    nothing else: opened in another browser it said "No trained model yet". A ``run=`` without a
    ``job=`` in a session with no job becomes the ``?job=`` link :func:`sync_job_id` then opens
    (read-only for another browser; a run not on this server is said so). A live snapshot's key
    (``live:<id>``) names its job."""
    linked = str(url.get("run") or "").removeprefix("live:")
    if linked and not url.get("job") and st.session_state.get(JOB) is None:
        url.put("job", linked)


def sync_job_id() -> str | None:
    """Keep the current job id in session state and in the URL (``?job=``) in step.

    A reload or a second tab opened on the URL reattaches to the job; when this browser owns it
    (its cookie), its data comes back too. A tab opened on a shared ``?job=`` link by another
    browser shows the job read-only and lists only its own jobs. An ``?owner=`` parameter (links
    of earlier versions) is taken out of the URL once :func:`owner` has read it.
    """
    reg = registry()
    me = owner()
    url.drop(OWNER_PARAM)
    from_url = url.get("job")
    current = st.session_state.get(JOB)
    if from_url and from_url != current and current is None:
        snap = reg.reopen(from_url)  # from memory, or back from the run store
        if snap is not None:
            st.session_state[JOB] = current = from_url
            if snap.owner == me:  # the owner's session coming back: its data too
                adopt_dataset(from_url, snap.config)
        else:  # a deleted run's or a mistyped link: said, not dropped in silence ("No trained run yet")
            gone(from_url)
    if current is None and not st.session_state.get(COMPARE_KEY):
        adopt_compare_dataset(reg, me)
    open_snap = reg.reopen(current) if current else None
    if current and open_snap is None:  # deleted (memory lets a run go; the store keeps it)
        gone(current, _deleted_text(current))  # deleted while open here: by its owner, perhaps in another tab
        current = st.session_state[JOB] = None
    elif open_snap is not None:
        st.session_state[OPEN_SEEN] = (open_snap.id, open_snap.label, open_snap.owner == me)
    url.put("job", current or None)
    return current


def adopt_compare_dataset(reg: JobRegistry, me: str) -> bool:
    """A reload of this browser's own comparison (``?cmp=``) brings back the data it was trained
    on, as :func:`sync_job_id` does for ``?job=``: without it the Compare page named the bundled
    series above results on the uploaded one, and the next comparison trained on the bundled one."""
    first = next((i for i in str(url.get(COMPARE_PARAM, "")).split(",") if i), None)
    snap = reg.snapshot(first) if first else None
    return snap is not None and snap.owner == me and adopt_dataset(snap.id, snap.config)


def gone(job_id: str, text: str = GONE_TEXT) -> None:
    """Note that the run of ``job_id``'s link is not here, for :func:`gone_link_notice` to say in
    ``text`` (once: the page's own :func:`sync_job_id` in the same script run must not take it off
    the page it opened)."""
    if (st.session_state.get(GONE) or (None,))[0] != job_id:
        st.session_state[GONE] = (job_id, None, text)


def _deleted_text(job_id: str) -> str:
    """What to say of the open run ``job_id`` gone from the server: where this session's owner had it
    open, that it was deleted, by name (a tab's Delete left another tab of the same browser with "the run
    in this link ... its owner may have deleted it" over another run); else :data:`GONE_TEXT`."""
    seen = st.session_state.get(OPEN_SEEN)
    if not seen or seen[0] != job_id or not seen[2]:
        return GONE_TEXT
    return f"Your run “{md_escape(seen[1])}”, open here, was deleted (from the Runs page, perhaps in another tab)."


def gone_link_notice(page: str) -> None:
    """Say on ``page``, the page a ``?job=`` link opened, that the link's run is not here
    (:func:`sync_job_id` noted it); the page then showed "No trained run yet" as if the link had held
    no run. The sentence stays while the person is on that page, and goes once they leave it."""
    noted = st.session_state.get(GONE)
    if not noted:
        return
    if noted[1] is None:
        noted = st.session_state[GONE] = (noted[0], page, *noted[2:])
    if noted[1] != page:
        del st.session_state[GONE]
        return
    st.space("small")  # clear of the app's header: the 2.5rem above the title left its top edge under it
    st.warning(noted[2] if len(noted) > 2 else GONE_TEXT, icon=":material/link_off:")


def set_job(job_id: str | None) -> None:
    """Open ``job_id`` in this session and its URL (None: none open, and the URL names none: the open
    run deleted here left ``?job=`` behind, and its owner read that the link's run was not on the server)."""
    st.session_state[JOB] = job_id
    if job_id:
        st.session_state.pop(GONE, None)
    url.put("job", job_id or None)


def follow_default(key: str, default: int) -> None:
    """Keep a widget's value at ``default`` while the user has left it at the default shown before
    (a new dataset's default replaces it); a value the user set stays. The default last shown is
    kept under ``key + "__default"``."""
    shown = st.session_state.get(f"{key}__default")
    if key in st.session_state and shown is not None and st.session_state[key] == shown:
        st.session_state[key] = default
    st.session_state[f"{key}__default"] = default


def clamp_setting(key: str, lo: int, hi: int) -> None:
    """Clip a kept number into the bounds its widget has now (a smaller dataset since)."""
    value = st.session_state.get(key)
    if value is not None and not lo <= value <= hi:  # None: an empty (auto) field
        st.session_state[key] = min(max(st.session_state[key], lo), hi)
