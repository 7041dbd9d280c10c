"""Process-wide job registry: one queue and one pool of worker threads for every background job.

Three kinds of work go through it: training runs (the Train page, presets), the runs of a
comparison (one job per variant and seed) and long-memory sweeps. The UI never trains on its
own script thread. It calls :meth:`JobRegistry.submit` (or :meth:`JobRegistry.submit_sweep`),
keeps the returned id, and polls :meth:`JobRegistry.snapshot`, which returns an immutable
:class:`JobSnapshot` that is safe to read from any thread. Jobs carry ``tags`` (e.g.
``{"kind": "compare", "group": ..., "variant": ..., "seed": ...}``) so that pages group them
without reading their labels. Workers report through one
:class:`~lstm_core.callbacks.Callbacks` object and never touch the UI; a job's state is a
:class:`~lstm_core.job_status.JobStatus`.

Bounded memory: finished jobs are evicted after ``ttl_s`` seconds; each owner keeps at most
``max_finished`` finished jobs (a full Compare of 6 variants × 5 seeds fits), and the server at
most ``max_finished_total`` (oldest evicted first), so one busy session never evicts another's.
The finished runs held in memory are bounded in bytes too (``max_finished_bytes``, the arrays a run
holds: :func:`~lstm_core.footprint.footprint`): past it the oldest go first, so that a few runs of
long series cannot take the server's memory. An evicted job stays in the run store, listed on the
Runs page, and :meth:`JobRegistry.reopen` brings it back.

``inline=True`` runs each job on the thread that submits it, before ``submit`` returns (no
worker threads): for tests that give the registry a fast fake ``runner``.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import sys
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field, replace
from types import MappingProxyType
from typing import TYPE_CHECKING, Literal

import numpy as np
import pandas as pd
import torch

from . import threads
from .callbacks import Callbacks, Stopped
from .config import MISSING_POLICIES, ConfigError, RunConfig
from .data.frequency import is_utc_offset
from .data.series import Series, as_series, filled_record, stored_filled
from .footprint import footprint
from .gates import GateRecorder
from .index import RunRecord
from .job_status import ACTIVE, DONE, JobStatus
from .memory_task import MemoryConfig, MemoryResult, sweep
from .metrics import seconds_text
from .pipeline import FirstLook, Run, fit_run
from .store import MAX_LABEL, RunStore, StoredJob, check_label, summary_of
from .train import EpochStats, FitStatus, TrainingDiverged

if TYPE_CHECKING:
    from .executors import Executor

log = logging.getLogger(__name__)

# The states under their old module-level names (``from lstm_core.jobs import QUEUED`` keeps working).
QUEUED, RUNNING, FINISHED = JobStatus.QUEUED, JobStatus.RUNNING, JobStatus.FINISHED
CANCELLED, DIVERGED, FAILED = JobStatus.CANCELLED, JobStatus.DIVERGED, JobStatus.FAILED

#: The status :meth:`JobRegistry.runs` gives a stored job that a server restart stopped.
INTERRUPTED = "interrupted"
#: The status the Runs list gives a run that finished but whose folder has lost a file it needs
#: (config.json or model.pt): it cannot be opened, but can be trained again on its data.
DAMAGED = "damaged"
DAMAGED_MESSAGE = (
    "This run finished, but its folder has lost a file it needs (config.json or model.pt), so it cannot be "
    "opened; train it again on its data, or delete it."
)
#: Free-form labels of a job: ``kind`` (train | compare | preset | sweep), ``group``, ``variant``, ``seed``...
Tags = Mapping[str, str | int]
#: What a job's work returns: its final state, the one-sentence message and the trained Run, if any.
Outcome = tuple[JobStatus, str, Run | None]


WORKER_NICE = 10

#: A job's wall-time budget (seconds from its start) unless ``LSTM_LAB_JOB_BUDGET_S`` says
#: otherwise: past it the job is stopped as by Stop and keeps what it can.
DEFAULT_BUDGET_S = 30 * 60
#: How much of the run store a restart loads back into memory, in bytes of the runs' size on disk
#: (newest first). A run takes about twice its size on disk in memory (a 200,000-point run: 26 MB on
#: disk, ~55 MB loaded), and a restart used to load every run of the last two hours: 104 such runs
#: grew the server past 6 GB. The others stay on disk, listed on the Runs page and opened from there.
RESTORE_BYTES = 256 * 2**20
#: How many bytes of finished runs (their arrays: :func:`~lstm_core.footprint.footprint`) the
#: registry keeps in memory by default; past it the oldest are evicted (they stay in the run store).
#: A default run on the airline data holds about 0.5 MB, one on 200,000 points ~180 MB (measured),
#: and the count bounds alone (40 per owner, 500 in all) let a server hold tens of gigabytes.
MEMORY_BYTES = 2 * 2**30
BUDGET_ENV = "LSTM_LAB_JOB_BUDGET_S"


def default_budget() -> float | None:
    """The per-job wall-time budget in seconds: ``LSTM_LAB_JOB_BUDGET_S`` when set (0 or
    less: none), else :data:`DEFAULT_BUDGET_S`. A value that is not a number is logged and
    the default used."""
    raw = os.environ.get(BUDGET_ENV, "").strip()
    if not raw:
        return DEFAULT_BUDGET_S
    try:
        value = float(raw)
    except ValueError:
        log.warning("%s=%r is not a number of seconds; using %d", BUDGET_ENV, raw, DEFAULT_BUDGET_S)
        return DEFAULT_BUDGET_S
    return value if value > 0 and np.isfinite(value) else None


def budget_text(seconds: float) -> str:
    """``30-minute`` or ``90-second``: the budget as the stop message says it."""
    if seconds >= 60 and seconds % 60 == 0:
        return f"{int(seconds // 60)}-minute"
    return f"{seconds:g}-second"


_warm_lock = threading.Lock()
_warmed = False


def warm_process(runner: Callable[..., Run] | None = None) -> None:
    """Train a 1-epoch model on 60 points, once per process (later calls return at once).

    The first training in a fresh process pays for imports (statsmodels, torch's optimiser
    and compile machinery) and first-call set-up: several seconds on a small machine. The
    run uses one torch thread on the calling thread and the whole engine path (representation
    backtest, ensemble, evaluation); failures are logged at debug level (best effort).
    """
    global _warmed
    from .data import generate

    with _warm_lock:
        if _warmed:
            return
        torch.set_num_threads(1)
        cfg = RunConfig()
        cfg.model.hidden_size, cfg.data.look_back, cfg.train.epochs, cfg.train.device = 4, 4, 1, "cpu"
        try:
            (runner or fit_run)(generate("sine", length=60), cfg, callbacks=Callbacks())
        except Exception:  # noqa: BLE001 - warming up is best effort
            log.debug("warm-up run failed", exc_info=True)
        _warmed = True


def lower_thread_priority(nice: int) -> bool:
    """Raise the calling thread's nice value by ``nice`` (Linux, where a thread id is a
    scheduling id). Returns whether it was applied.

    A training worker is CPU-bound for seconds at a time; at equal priority it competes with
    the threads that answer people (page scripts, the web server's event loop) on a small
    machine. Elsewhere (macOS: a native thread id is not a pid) nothing is changed.
    """
    if nice <= 0 or not sys.platform.startswith("linux"):
        return False
    try:
        tid = threading.get_native_id()
        os.setpriority(os.PRIO_PROCESS, tid, os.getpriority(os.PRIO_PROCESS, tid) + nice)
        return True
    except OSError:
        return False


def phase_message(phase: str) -> str:
    """What a job's status line says during a phase reported by ``fit_run`` (``""``: keep it)."""
    if phase == "choosing":
        return "Choosing how to represent the series: a short backtest on the data before the test part..."
    if (step := backtest_phase(phase)) is not None:
        return (
            f"Choosing how to represent the series: backtest network {step[0]} of {step[1]}, trained on the "
            "data before the test part (the run's own networks train after it)..."
        )
    if phase == "training":
        return "Training..."
    if (network := member_phase(phase)) is not None:
        return f"Training network {network[0]} of {network[1]} of the ensemble..."
    if phase == "evaluating":
        return "Evaluating: forecasts, intervals and baselines..."
    return ""


def member_phase(phase: str) -> tuple[int, int] | None:
    """(k, K) of a phase ``"member k/K"`` (network k of an ensemble of K trains), else None."""
    return _counted_phase(phase, "member")


def backtest_phase(phase: str) -> tuple[int, int] | None:
    """(k, N) of a phase ``"choosing k/N"`` (backtest network k of N trains), else None."""
    return _counted_phase(phase, "choosing")


def _counted_phase(phase: str, name: str) -> tuple[int, int] | None:
    words = phase.split()
    if len(words) != 2 or words[0] != name:
        return None
    k, _, total = words[1].partition("/")
    return (int(k), int(total)) if k.isdigit() and total.isdigit() else None


def default_workers(cores: int | None = None) -> int:
    """Concurrent training jobs for this machine: half the cores, at least one."""
    cores = cores or os.cpu_count() or 1
    return max(1, cores // 2)


def threads_per_job(workers: int, cores: int | None = None) -> int:
    """torch intra-op threads per job so that all workers together use at most the cores.

    Small recurrent models gain little from more threads, and one core is left to the
    web server when the pool would otherwise fill the machine.
    """
    cores = cores or os.cpu_count() or 1
    return max(1, (cores - 1) // workers) if cores > 1 else 1


@dataclass
class Job:
    """Mutable job state; every field is read and written under ``lock``."""

    id: str
    owner: str
    config: RunConfig | MemoryConfig
    series: Series | None
    label: str
    epochs_planned: int  # training: epochs; a sweep: (cell, lag) pairs
    tags: dict[str, str | int] = field(default_factory=dict)
    status: JobStatus = QUEUED
    message: str = "Waiting for a free worker."
    history: list[EpochStats] = field(default_factory=list)  # append-only
    rows: list[dict] = field(default_factory=list)  # a sweep's results so far, append-only
    created: float = 0.0
    started: float | None = None
    finished: float | None = None
    run: Run | None = None
    recorder: GateRecorder | None = None  # set when training starts: live gate snapshots
    preview: FirstLook | None = None  # the first network's predictions while the others train
    restoring: bool = False  # listed from the run store, its run still loading
    phase: str = ""  # the phase fit_run reported last ("choosing", "training", "evaluating"...)
    t0: float | None = None  # time.monotonic() when it started: its wall-time budget counts from here
    over_budget: bool = False  # stopped because it ran past its wall-time budget
    interrupted: bool = False  # queued or running when the server stopped; can be trained again
    reopened: float = 0.0  # when it was brought back from the run store (eviction counts from then)
    data_info: dict = field(default_factory=dict)  # the data's name, frequency, season, missing policy
    run_bytes: int = 0  # the arrays its run holds in memory (footprint), 0 without one
    stop: threading.Event = field(default_factory=threading.Event)
    done: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def kind(self) -> str:
        """``tags["kind"]``: train, compare, preset or sweep."""
        return str(self.tags.get("kind", "train"))

    @property
    def is_sweep(self) -> bool:
        """A long-memory sweep (by its config; the tags are labels only)."""
        return isinstance(self.config, MemoryConfig)


@dataclass(frozen=True)
class JobSnapshot:
    """An immutable copy of a job for the UI. Arrays are float32 copies of the history.

    For a sweep, ``epochs_planned`` / ``epochs_done`` count (cell, lag) pairs and ``results``
    holds the rows trained so far (see :class:`~lstm_core.memory_task.MemoryResult`).
    """

    id: str
    owner: str
    label: str
    status: JobStatus
    message: str
    position: int | None  # 1-based place in the queue while queued, else None
    config: dict
    epochs_planned: int
    epochs_done: int
    progress: float  # 0..1 of the planned epochs (early stopping may finish sooner)
    elapsed: float  # seconds since training started (0 while queued)
    eta: float | None  # seconds left if all planned epochs run; None until one epoch is done
    samples_per_s: float | None  # of the last epoch
    epochs: np.ndarray  # (n,) int32
    train_loss: np.ndarray  # (n,) float32
    val_loss: np.ndarray  # (n,) float32, NaN where there is no validation part
    created: float
    started: float | None
    finished: float | None
    run: Run | None  # the trained run once finished or cancelled
    tags: Mapping[str, str | int] = field(default_factory=lambda: MappingProxyType({}))
    results: pd.DataFrame | None = None  # a sweep's rows so far (None for training jobs)
    restoring: bool = False  # finished before a restart; its run is being loaded from disk
    interrupted: bool = False  # stopped by a server restart before it ended: JobRegistry.retry trains it again
    preview: FirstLook | None = None  # while an ensemble trains: its first network's one-step predictions
    #: while an ensemble's later networks train: (k, K), network k of K (the epochs count network 1's)
    network: tuple[int, int] | None = None
    #: while the representations are backtested: (k, N), backtest network k of N (no epoch of the run's yet)
    backtest: tuple[int, int] | None = None

    @property
    def active(self) -> bool:
        return self.status in ACTIVE

    @property
    def has_run(self) -> bool:
        return self.run is not None

    @property
    def kind(self) -> str:
        """``tags["kind"]``: train, compare, preset or sweep."""
        return str(self.tags.get("kind", "train"))


SweepRunner = Callable[..., pd.DataFrame]


def _job_config(cfg: RunConfig, series: Series) -> RunConfig:
    """The job's own copy of ``cfg``, with the missing-value policy the loader applied (as
    fit_run records it)."""
    return cfg.replace(**({"missing": series.missing_policy} if series.missing_policy is not None else {}))


def _data_info(s: Series | None) -> dict:
    """What the run store records of a job's data (besides the data itself)."""
    if s is None:
        return {}
    return {
        "name": s.name,
        "frequency": s.frequency,
        "season": s.season,
        "missing_policy": s.missing_policy,
        **({"utc_offset": s.utc_offset} if s.utc_offset is not None else {}),
        **({"filled": filled} if (filled := filled_record(s)) else {}),
    }


def _lost(rec: RunRecord) -> str:
    """The status of a stored job without its run: :data:`DAMAGED` where it had finished (its
    record says so) and its folder lost a file since, else :data:`INTERRUPTED` (queued or training
    when the server stopped)."""
    return DAMAGED if rec.status == str(FINISHED) else INTERRUPTED


class JobRegistry:
    """A bounded worker pool with a FIFO queue, for training runs and sweeps alike.

    Parameters
    ----------
    max_workers : concurrent worker threads; default :func:`default_workers`.
    ttl_s : finished jobs older than this are evicted.
    max_finished : most finished jobs kept per owner; their oldest are evicted first.
    max_finished_total : most finished jobs kept server-wide; the oldest are evicted first.
    max_active : most jobs one owner may have queued or running at once (two full Compares);
        beyond it ``submit`` raises ConfigError. The queue is fair between owners (see
        :meth:`_fair_order`): a newcomer's first job waits behind other owners' first jobs only.
    torch_threads : ``torch.set_num_threads`` value (process-wide); default
        :func:`threads_per_job`. ``0`` leaves torch's setting alone.
    runner : the training function, ``fit_run``-compatible: ``runner(series, cfg,
        callbacks=Callbacks)`` (injectable for tests).
    sweeper : the sweep function, :func:`~lstm_core.memory_task.sweep`-compatible:
        ``sweeper(cfg, on_result=..., stop=Event)`` (injectable for tests).
    clock : time source for the TTL (injectable for tests).
    worker_nice : how much lower than the server's the workers' CPU priority is (Linux only;
        0 leaves it). Training is background work: the pages and the health check come first.
    inline : run every job on the submitting thread before ``submit`` returns, with no worker
        threads (tests with a fast fake ``runner``; never for real training under a UI).
    budget_s : each job's wall-time budget in seconds from its start (default
        :func:`default_budget`: ``LSTM_LAB_JOB_BUDGET_S`` or 30 minutes; None: none). A job past
        it is stopped as by :meth:`cancel` (a training job keeps its best weights and is
        evaluated; one already evaluating is let finish, since evaluation is bounded) and its
        message says so. Not enforced with ``inline=True``.
    store : where finished training jobs are kept on disk (:class:`~lstm_core.store.RunStore`):
        a job that ends with a run is saved there, the jobs found there when the registry starts
        are listed at once and their runs loaded back in the background (newest first), and an
        evicted job stays there (:meth:`reopen` brings it back). None (the default) keeps
        everything in memory only, where an evicted job is gone.
    max_finished_bytes : most bytes of finished runs kept in memory server-wide (see
        :data:`MEMORY_BYTES`, the default; None: no bound); the oldest are evicted first, the
        newest always stays.
    restore_bytes : how many bytes of stored runs (their size on disk) a start loads back into
        memory, newest first (default :data:`RESTORE_BYTES`; None: no bound). The others stay on
        disk until opened (:meth:`reopen`), like those past the TTL.
    executor : where jobs run (:mod:`lstm_core.executors`); None (the default): on this
        registry's own threads. Given one (e.g. a Ray cluster), its ``runner`` / ``sweeper``
        do the work, ``max_workers`` defaults to its ``slots``, and a worker takes a queued job
        only once the executor admits one: the queue, Stop and the run store are unchanged.
    """

    def __init__(
        self,
        max_workers: int | None = None,
        ttl_s: float = 2 * 3600,
        max_finished: int = 40,
        max_finished_total: int = 500,
        max_active: int = 60,
        torch_threads: int | None = None,
        runner: Callable[..., Run] = fit_run,
        clock: Callable[[], float] = time.time,
        worker_nice: int = WORKER_NICE,
        sweeper: SweepRunner = sweep,
        inline: bool = False,
        store: RunStore | None = None,
        executor: Executor | None = None,
        budget_s: float | None | Literal["default"] = "default",
        restore_bytes: int | None = RESTORE_BYTES,
        max_finished_bytes: int | None = MEMORY_BYTES,
    ):
        self.executor = executor
        if executor is not None:  # the executor seam: its runner and sweeper, its concurrency
            runner, sweeper, max_workers = executor.runner, executor.sweeper, max_workers or executor.slots
        self.max_workers = max_workers or default_workers()
        self.worker_nice = worker_nice
        self.ttl_s, self.max_finished, self.max_finished_total = ttl_s, max_finished, max_finished_total
        self.max_finished_bytes = max_finished_bytes
        self.max_active = max_active
        self._runner, self._sweeper, self._clock = runner, sweeper, clock
        self.inline = inline
        self.torch_threads = threads_per_job(self.max_workers) if torch_threads is None else torch_threads
        self.pin_threads()
        self._jobs: dict[str, Job] = {}
        self._queue: deque[str] = deque()
        self._served: dict[str, int] = {}  # owner -> number of the last job start that was theirs
        self._starts = 0
        self._running = 0
        # Opt-in debug trace for the load benchmark: one line per start/end with the counts.
        self._trace_path = os.environ.get("LSTM_LAB_JOB_TRACE") or None
        self._cond = threading.Condition()
        # Notified after every change of any job (epoch, phase, state): wait_until sleeps on it.
        # Lock order: _changed, then _cond, then a job's lock; nobody takes _changed holding the others.
        self._changed = threading.Condition()
        self._closed = False
        self._notices: dict[str, list[str]] = {}  # owner -> labels of runs the disk quota deleted
        self._workers = (
            []
            if inline
            else [
                threading.Thread(target=self._work, name=f"lstm-lab-worker-{i}", daemon=True)
                for i in range(self.max_workers)
            ]
        )
        for w in self._workers:
            w.start()
        self.budget_s = default_budget() if isinstance(budget_s, str) else budget_s
        self._wake = threading.Event()  # a job started or the registry closed: the budget watch looks again
        self._watch: threading.Thread | None = None
        if self.budget_s and not inline:
            self._watch = threading.Thread(target=self._police_budgets, name="lstm-lab-budget", daemon=True)
            self._watch.start()
        self._store = store
        self.restore_bytes = restore_bytes
        self._loading: set[str] = set()  # ids whose stored run a loader thread is loading now
        #: Why runs are kept in memory only though a store was given (one sentence), else None.
        self.store_problem: str | None = None
        if store is not None:
            try:
                self._restore(store)
            except (OSError, sqlite3.Error) as exc:  # a read-only or unreachable LSTM_LAB_HOME
                log.error("the run store %s cannot be opened; runs are kept in memory only", store.root, exc_info=True)
                store.close()
                self._store = None
                reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
                self.store_problem = (
                    f"Runs are kept in memory only, so a server restart loses them: the run store {store.root} "
                    f"cannot be opened ({reason}); point LSTM_LAB_HOME at a folder this server can write and restart it."
                )

    # ---------------------------------------------------------------- public API
    def pin_threads(self) -> None:
        """Apply the torch thread count to the *calling* thread.

        Measured on 2 cores: ``torch.set_num_threads`` only binds the OpenMP pool of the
        thread that calls it; a fresh thread (a worker, or Streamlit's script thread) runs
        with the default pool and, while another thread trains, an LSTM forward that takes
        12 ms took 6 s (oversubscribed spinning threads). Every thread that runs torch
        calls this first.
        """
        if self.torch_threads:
            torch.set_num_threads(self.torch_threads)

    def submit(
        self,
        data: Series | pd.DataFrame,
        cfg: RunConfig,
        *,
        owner: str = "",
        label: str | None = None,
        tags: Tags | None = None,
    ) -> str:
        """Queue a training job; returns its id (uuid4 hex). Raises ConfigError on a bad config.

        ``tags`` (default ``{"kind": "train"}``) are kept on the job and its snapshots.
        """
        if (tags or {}).get("kind") == "sweep":
            raise ConfigError("A training job cannot be tagged kind 'sweep'; use submit_sweep for a sweep.")
        series = as_series(data)
        cfg = _job_config(cfg, series)
        cfg.validate()
        job = Job(
            id=uuid.uuid4().hex,
            owner=owner,
            config=cfg,
            series=series,
            label=label or f"{cfg.model.cell} h{cfg.model.hidden_size}",
            epochs_planned=cfg.train.epochs,
            tags={"kind": "train", **(tags or {})},  # e.g. kind compare or preset
            created=self._clock(),
            data_info=_data_info(series),
        )
        if self._store is None:
            return self._enqueue(job)
        self._record_queued(job)  # before it can start (and end): the record never outlives the run
        try:
            return self._enqueue(job)
        except Exception:
            self._store.delete(job.id)
            raise

    def submit_sweep(
        self, cfg: MemoryConfig, owner: str = "", label: str | None = None, tags: Tags | None = None
    ) -> str:
        """Queue a long-memory sweep (every cell at every lag); returns its id. Raises ConfigError."""
        cfg = MemoryConfig(**asdict(cfg))  # the job owns its copy
        cfg.validate()
        total = len(cfg.cells) * len(cfg.lags)
        job = Job(
            id=uuid.uuid4().hex,
            owner=owner,
            config=cfg,
            series=None,
            # its settings too: a reload showed the last sweep's table (budget 100) under boxes back at 1500
            label=label
            or f"Long-memory sweep: {', '.join(cfg.cells)} at {len(cfg.lags)} lag(s), hidden {cfg.hidden_size}, "
            f"budget {cfg.max_steps:,} steps",
            epochs_planned=total,
            tags={**(tags or {}), "kind": "sweep"},
            created=self._clock(),
        )
        return self._enqueue(job)

    def add_run(
        self,
        run: Run,
        *,
        owner: str = "",
        label: str,
        data_name: str = "",
        message: str = "",
        tags: Tags | None = None,
    ) -> str:
        """Keep a run made elsewhere (a restored run zip) as a finished job of ``owner``; returns its
        id (uuid4 hex). It is listed, opened, renamed, pinned, compared and deleted like a trained
        run, and saved to the run store as a finished job is (the owner's disk quota applies), so
        that a restart keeps it. ``label`` is cut to a valid run name (:func:`check_label`; one it
        refuses reads "Restored run"); ``data_name`` names its data where the run has no name for
        them (a run zip keeps none). ``tags`` default to ``{"kind": "restored"}``.
        """
        now = self._clock()
        cancelled = run.fit.status == FitStatus.CANCELLED
        try:
            label = check_label(label.strip()[:MAX_LABEL])
        except ValueError:
            label = "Restored run"
        info = _data_info(run.series)
        if data_name and not info.get("name"):
            info["name"] = data_name
        job = Job(
            id=uuid.uuid4().hex,
            owner=owner,
            config=run.config,
            series=None,
            label=label,
            epochs_planned=run.config.train.epochs,
            tags={"kind": "restored", **(tags or {})},
            status=CANCELLED if cancelled else FINISHED,
            message=message or "Restored from a run zip.",
            history=list(run.history),
            created=now,
            started=now,
            finished=now,
            run=run,
            data_info=info,
            run_bytes=footprint(run),
        )
        job.done.set()
        with self._cond:
            if self._closed:
                raise RuntimeError("The job registry is closed.")
            self._jobs[job.id] = job
            self._evict()
        if self._store is not None:
            self._save(job, run)
        self._touch()
        return job.id

    def get(self, job_id: str | None) -> Job | None:
        """The live job object (or None if unknown or evicted)."""
        with self._cond:
            self._evict()
            return self._jobs.get(job_id) if job_id else None

    def snapshot(self, job_id: str | None) -> JobSnapshot | None:
        """An immutable copy of the job for display, or None if unknown or evicted."""
        with self._cond:
            self._evict()
            job = self._jobs.get(job_id) if job_id else None
            if job is None:
                return None
            order = self._fair_order() if job.id in self._queue else []
            position = order.index(job.id) + 1 if job.id in order else None
        return self._snap(job, position)

    def cancel(self, job_id: str) -> bool:
        """Cancel a job: a queued one leaves the queue, a running one stops within one batch.

        Returns False when the job is unknown or already over.
        """
        unqueued = False
        with self._cond:
            job = self._jobs.get(job_id)
            if job is None:
                return False
            with job.lock:
                if job.status not in ACTIVE:
                    return False
                job.stop.set()
                if job.status == QUEUED:
                    self._queue.remove(job_id)
                    job.status, job.message = CANCELLED, "Cancelled before it started."
                    job.finished = self._clock()
                    job.series = None
                    job.done.set()
                    unqueued = True
                else:
                    job.message = "Stopping after the current batch..."
        if unqueued and self._store is not None:
            # nothing to keep, as for a job stopped before its first epoch: its queued record would
            # come back after a restart as "interrupted by a server restart"
            self._store.delete(job_id)
        self._touch()
        return True

    def jobs_for(self, owner: str) -> list[JobSnapshot]:
        """Snapshots of ``owner``'s jobs, newest first."""
        return self.find(owner)

    def find(self, owner: str | None = None, **tags: str | int) -> list[JobSnapshot]:
        """Snapshots of the jobs of ``owner`` (any owner when None) whose tags include ``tags``,
        newest first; e.g. ``find(owner, kind="compare", group=gid)``."""
        with self._cond:
            self._evict()
            mine = [
                j
                for j in self._jobs.values()
                if (owner is None or j.owner == owner) and all(j.tags.get(k) == v for k, v in tags.items())
            ]
            positions = {jid: i + 1 for i, jid in enumerate(self._fair_order())}
        mine.sort(key=lambda j: j.created, reverse=True)
        return [self._snap(j, positions.get(j.id)) for j in mine]

    def wait(self, job_id: str, timeout: float | None = None) -> JobSnapshot | None:
        """Block until the job is over (or ``timeout`` seconds pass); returns its snapshot."""
        job = self.get(job_id)
        if job is None:
            return None
        job.done.wait(timeout)
        return self.snapshot(job_id)

    def wait_until(self, job_id: str, predicate: Callable[[JobSnapshot], bool], timeout: float) -> JobSnapshot:
        """Block until ``predicate(snapshot)`` holds; returns that snapshot.

        Wakes on every change of a job (an epoch, a phase, a new state), never on a timer.
        Raises TimeoutError when ``timeout`` seconds pass first, LookupError for an unknown job.
        """
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                snap = self.snapshot(job_id)
                if snap is None:
                    raise LookupError(f"Job {job_id} is unknown or was evicted.")
                if predicate(snap):
                    return snap
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"Job {job_id} did not reach the awaited state within {timeout:g} s.")
                self._changed.wait(left)

    def warm_up(self) -> threading.Thread:
        """:func:`warm_process` in a background thread (at lowered priority), once per process.

        Doing it while a newcomer looks at the Data page makes the first real run fast; when
        the server was started by ``ui.serve`` it is done already and the thread ends at once.
        """

        def run() -> None:
            self.pin_threads()
            lower_thread_priority(self.worker_nice)
            warm_process(self._runner)

        thread = threading.Thread(target=run, name="lstm-lab-warm-up", daemon=True)
        thread.start()
        return thread

    def close(self, timeout: float = 10.0) -> None:
        """Cancel everything and stop the workers (tests and shutdown)."""
        with self._cond:
            self._closed = True
            ids = list(self._jobs)
        for jid in ids:
            self.cancel(jid)
        with self._cond:
            self._cond.notify_all()
        self._wake.set()
        for w in self._workers:
            w.join(timeout)
        if self._store is not None:
            self._store.close()
        if self._watch is not None:
            self._watch.join(timeout)

    # ---------------------------------------------------------------- internals
    def active_twin(self, owner: str, data: Series | pd.DataFrame, cfg: RunConfig) -> JobSnapshot | None:
        """``owner``'s queued or running job with this config on the same data, if any (so a
        double click, or Start after a reload, does not train the same thing twice)."""
        series = as_series(data)
        with self._cond:
            jobs = [j for j in self._jobs.values() if j.owner == owner and j.status in ACTIVE]
        want = _job_config(cfg, series).to_dict()
        for j in jobs:
            with j.lock:
                same_data = j.series is not None and j.series.frame.equals(series.frame)
            if same_data and isinstance(j.config, RunConfig) and j.config.to_dict() == want:
                return self.snapshot(j.id)
        return None

    def room(self, owner: str) -> int:
        """How many more jobs ``owner`` may queue now (see ``max_active``)."""
        with self._cond:
            return max(0, self.max_active - self._active_of(owner))

    def _active_of(self, owner: str) -> int:
        return sum(1 for j in self._jobs.values() if j.owner == owner and j.status in ACTIVE)

    def _fair_order(self) -> list[str]:
        """The queued job ids in the order they will start (holds _cond): each owner's jobs in
        the order they were queued, interleaved with other owners' so that a session with many
        jobs queued (or running) never makes a newcomer wait behind all of them."""
        running: dict[str, int] = {}
        for j in self._jobs.values():
            if j.status == RUNNING:
                running[j.owner] = running.get(j.owner, 0) + 1
        seen: dict[str, int] = {}
        keyed = []
        for i, jid in enumerate(self._queue):
            owner = self._jobs[jid].owner
            k = seen.get(owner, 0)
            seen[owner] = k + 1
            # rounds first; within a round the owner served longest ago; then the queue order
            keyed.append((k + running.get(owner, 0), self._served.get(owner, -1), i, jid))
        return [jid for *_, jid in sorted(keyed)]

    def _enqueue(self, job: Job) -> str:
        with self._cond:
            if self._closed:
                raise RuntimeError("The job registry is closed.")
            self._evict()
            if self._active_of(job.owner) >= self.max_active:
                raise ConfigError(
                    f"You already have {self.max_active} jobs queued or running; wait for some to finish "
                    "or stop them (Jobs, in the sidebar), then start this one."
                )
            self._jobs[job.id] = job
            self._queue.append(job.id)
            self._cond.notify()
        self._touch()
        if self.inline:
            self._drain()
        return job.id

    def _drain(self) -> None:
        """Inline mode: run the queued jobs on this thread, oldest first."""
        while True:
            job = self._next(block=False)
            if job is None:
                return
            self._run(job)

    def _touch(self) -> None:
        """Wake :meth:`wait_until` callers: some job changed. Call holding no other lock."""
        with self._changed:
            self._changed.notify_all()

    def _evict(self) -> None:
        """Drop finished jobs past the TTL, then each owner's oldest beyond ``max_finished``,
        then the server's oldest beyond ``max_finished_total``, then the oldest while their runs
        hold more than ``max_finished_bytes`` (the newest stays). Holds _cond."""
        now = self._clock()
        done = [j for j in self._jobs.values() if j.status in DONE and j.finished is not None]
        for j in done:
            if now - max(j.finished or now, j.reopened) > self.ttl_s:
                del self._jobs[j.id]
        done = sorted((j for j in done if j.id in self._jobs), key=lambda j: max(j.finished or now, j.reopened))
        by_owner: dict[str, list[Job]] = {}
        for j in done:
            by_owner.setdefault(j.owner, []).append(j)
        for jobs in by_owner.values():
            for j in jobs[: max(0, len(jobs) - self.max_finished)]:
                del self._jobs[j.id]
        done = [j for j in done if j.id in self._jobs]
        for j in done[: max(0, len(done) - self.max_finished_total)]:
            del self._jobs[j.id]
        if self.max_finished_bytes is not None:
            done = [j for j in done if j.id in self._jobs]
            held = sum(j.run_bytes for j in done)
            for j in done[:-1]:
                if held <= self.max_finished_bytes:
                    break
                if j.run_bytes:
                    held -= j.run_bytes
                    del self._jobs[j.id]
        # an evicted job stays in the run store (the truth): reopen() brings it back

    def _trace(self, event: str, job: Job) -> None:
        """Append ``time event job running queued`` to the trace file, if one is set. Holds _cond."""
        if self._trace_path:
            with open(self._trace_path, "a") as fh:
                fh.write(f"{time.time():.3f} {event} {job.id} {self._running} {len(self._queue)} {job.status}\n")

    def _snap(self, job: Job, position: int | None) -> JobSnapshot:
        with job.lock:
            hist = list(job.history)
            rows = list(job.rows)
            status, message, started, finished, run = job.status, job.message, job.started, job.finished, job.run
            preview = job.preview
            # read with ``run``: a loader finishing in between would give "no run, not loading" (a
            # page would show no run and never wait for it)
            restoring, interrupted = job.restoring, job.interrupted
            phase = job.phase
        n = len(hist)
        epochs = np.fromiter((s.epoch for s in hist), dtype=np.int32, count=n)
        train = np.fromiter((s.train_loss for s in hist), dtype=np.float32, count=n)
        val = np.fromiter((np.nan if s.val_loss is None else s.val_loss for s in hist), dtype=np.float32, count=n)
        end = finished if finished is not None else self._clock()
        elapsed = 0.0 if started is None else max(0.0, end - started)
        sweep_job = job.is_sweep
        done_units = len(rows) if sweep_job else n
        eta = None
        network = member_phase(phase) if status == RUNNING and not sweep_job else None
        backtest = backtest_phase(phase) if status == RUNNING and not sweep_job else None
        progress = 1.0 if status == FINISHED else min(1.0, done_units / max(job.epochs_planned, 1))
        if network is not None and n:
            # network k of K: the ones before it done, each about as long as network 1 (its epochs are the history);
            # "Epoch 15 / 15 · ETA 0s" stood under "Training network 5 of 11"
            k, total = network
            progress = (k - 1) / total
            eta = sum(s.seconds for s in hist) * (total - k + 1)
        elif backtest is not None:
            # the bar counts the backtest's networks (it stood at 0 for 36 of a run's 45 s); the networks before
            # k took the time so far (with the quick ranking before them): as long each
            k, total = backtest
            progress = (k - 1) / total
            eta = elapsed / (k - 1) * (total - k + 1) if k > 1 else None
        elif status == RUNNING and n:
            recent = hist[-10:]
            per_epoch = sum(s.seconds for s in recent) / len(recent)
            eta = per_epoch * max(0, job.epochs_planned - n)
        elif status in DONE:
            eta = 0.0
        if status == RUNNING and job.stop.is_set():
            eta = None  # stopping: it ends within a batch (an ETA of the backtest rose from 27 to 38 s after Stop)
        return JobSnapshot(
            id=job.id,
            owner=job.owner,
            label=job.label,
            status=status,
            message=message,
            position=position,
            config=job.config.to_dict(),
            epochs_planned=job.epochs_planned,
            epochs_done=done_units,
            progress=progress,
            elapsed=elapsed,
            eta=eta,
            samples_per_s=hist[-1].samples_per_s if n else None,
            epochs=epochs,
            train_loss=train,
            val_loss=val,
            created=job.created,
            started=started,
            finished=finished,
            run=run,
            tags=MappingProxyType(dict(job.tags)),
            results=pd.DataFrame(rows, columns=list(MemoryResult.__dataclass_fields__)) if sweep_job else None,
            restoring=restoring,
            interrupted=interrupted,
            preview=preview,
            network=network,
            backtest=backtest,
        )

    def _next(self, block: bool = True) -> Job | None:
        with self._cond:
            while block and not self._queue and not self._closed:
                self._cond.wait()
            if self._closed or not self._queue:
                return None
            first = self._fair_order()[0]
            self._queue.remove(first)
            job = self._jobs[first]
            self._starts += 1
            self._served[job.owner] = self._starts
            with job.lock:
                job.status, job.started, job.t0 = RUNNING, self._clock(), time.monotonic()
                job.message = f"Training {job.epochs_planned} (cell, lag) pair(s)..." if job.is_sweep else "Training..."
            self._running += 1
            self._trace("start", job)
        self._wake.set()  # a new deadline for the budget watch
        self._touch()
        return job

    def _work(self) -> None:
        self.pin_threads()
        lower_thread_priority(self.worker_nice)
        while True:
            if self.executor is not None:
                self._work_admitted(self.executor)
                return
            job = self._next()
            if job is None:
                return
            self._run(job)
            del job  # an idle worker must not keep the last job (and its Run) alive past eviction

    def _work_admitted(self, executor: Executor) -> None:
        """The worker loop with an executor: take a job only once it admits one (a free slot)."""
        while not self._closed:
            if not executor.admit(timeout=0.5):
                continue
            try:
                job = self._next()
                if job is None:
                    return
                self._run(job)
                del job
            finally:
                executor.release()

    def _run(self, job: Job) -> None:
        """Do the job's work and record how it ended; a worker survives any exception.

        Every failure is logged with its traceback; the snapshot keeps one sentence for the UI.
        """
        what = "sweep" if job.is_sweep else "training"
        try:
            status, message, run = self._sweep(job) if job.is_sweep else self._train(job)
        except Stopped:
            with job.lock:
                evaluating = job.phase == "evaluating"
            log.info("%s job %s stopped %s", what, job.id, "while evaluating" if evaluating else "before an epoch")
            status, run = CANCELLED, None
            if evaluating:
                message = (
                    "Stopped during the evaluation, after training: a run is kept only once evaluated, "
                    "so nothing was kept; train it again and let the evaluation finish."
                )
            else:
                message = "Stopped before the first epoch finished; an untrained model is not kept."
            if job.over_budget:
                where = "during its evaluation" if evaluating else "before the first epoch finished"
                message = self._over_budget_message(job, f"{where}; nothing was kept")
        except TrainingDiverged as exc:
            log.warning("%s job %s diverged: %s", what, job.id, exc)
            status, message, run = DIVERGED, str(exc), None
        except (ConfigError, ValueError) as exc:  # ConfigError, DeviceError, DataError: one-sentence input errors
            log.warning("%s job %s failed: %s", what, job.id, exc, exc_info=True)
            status, message, run = FAILED, str(exc), None
        except Exception as exc:  # noqa: BLE001 - a worker must survive any job
            log.exception("%s job %s failed unexpectedly", what, job.id)
            status, run = FAILED, None
            detail = f"{type(exc).__name__}: {str(exc)[:200]}"
            # a sweep's page says "The sweep failed: <detail>"; a training job's message is the sentence
            message = detail if job.is_sweep else f"Training failed unexpectedly ({detail})."
        size = footprint(run) if run is not None else 0
        with job.lock:
            job.status, job.message, job.run, job.run_bytes = status, message, run, size
            job.finished = self._clock()
            job.preview = None  # the run's own predictions replace it
            job.series = None  # the Run keeps its own series; drop the queued copy
        if self._store is not None and not job.is_sweep:
            if run is not None:
                self._save(job, run)
            else:
                self._store.delete(job.id)  # failed: nothing to keep (its message stays in memory)
        with self._cond:
            self._running -= 1
            self._trace("end", job)
        job.done.set()
        self._touch()

    # ------------------------------------------------------------- the run store
    def _meta(self, job: Job, config: dict) -> StoredJob:
        """What job.json records of ``job`` now (holds job.lock)."""
        s = job.series if job.series is not None else job.run.series if job.run is not None else None
        info = job.data_info or _data_info(s)
        return StoredJob(
            id=job.id,
            owner=job.owner,
            label=job.label,
            status=str(job.status),
            message=job.message,
            config=config,
            tags=dict(job.tags),
            epochs_planned=job.epochs_planned,
            created=job.created,
            started=job.started,
            finished=job.finished,
            series=info,
        )

    def _record_queued(self, job: Job) -> None:
        """Record a queued training job with its data, so a restart cannot make it vanish."""
        assert self._store is not None
        with job.lock:
            if job.series is None or not isinstance(job.config, RunConfig):
                return
            meta, frame = self._meta(job, job.config.to_dict()), job.series.frame
        try:
            self._store.save_queued(meta, frame)
        except Exception:  # noqa: BLE001 - a full disk must not refuse the job
            log.exception("job %s could not be recorded in %s", job.id, self._store.root)

    def _save(self, job: Job, run: Run) -> None:
        """Keep a finished job on disk; a failure is logged and the job stays in memory only.

        Then the owner's disk quota is enforced: runs it deletes leave memory too, and the
        owner is told which (:meth:`notices`).
        """
        assert self._store is not None
        with job.lock:
            meta = self._meta(job, run.config.to_dict())
        try:
            self._store.save(meta, run)
            gone = self._store.enforce_quota(job.owner, keep=job.id)
        except Exception:  # noqa: BLE001 - a full disk must not fail a finished job
            log.exception("job %s could not be saved to %s; it is kept in memory only", job.id, self._store.root)
            return
        if gone:
            with self._cond:
                for r in gone:
                    self._jobs.pop(r.id, None)
            try:  # on disk: a restart before the owner's next visit keeps the news
                self._store.add_notices(job.owner, [r.label for r in gone])
            except OSError:
                log.exception("the quota's notice for %s could not be kept on disk", job.owner)
                with self._cond:
                    self._notices.setdefault(job.owner, []).extend(r.label for r in gone)

    def _job_from_record(self, rec: RunRecord) -> Job:
        """A stored job with a run, back in memory (its run still to load: ``restoring``)."""
        job = Job(
            id=rec.id,
            owner=rec.owner,
            config=RunConfig.from_dict(rec.config),
            series=None,
            label=rec.label,
            epochs_planned=rec.epochs_planned,
            tags=dict(rec.tags),
            status=JobStatus(rec.status),
            message=rec.message,
            created=rec.created,
            started=rec.started,
            finished=rec.finished,
        )
        job.done.set()
        job.restoring = True
        return job

    def _restore(self, store: RunStore) -> None:
        """List the stored jobs from the index (those past the TTL stay on disk only, for
        :meth:`reopen`), then load their runs in the background."""
        now = self._clock()
        restored = []
        restored_interrupted: list[Job] = []
        room = self.restore_bytes
        left_on_disk = 0
        for rec in reversed(store.records()):  # newest first: they come back while there is room
            if now - rec.when > self.ttl_s:
                continue
            if not rec.has_run:
                # its data are read when it is trained again: 30 jobs queued on a 200,000-point
                # upload held the first page after a restart for 9 s more
                interrupted = self._interrupted(store, rec, now, with_data=False)
                if interrupted is not None:
                    restored_interrupted.append(interrupted)
                continue
            if room is not None:
                size = rec.bytes + rec.data_bytes
                if size > room:
                    left_on_disk += 1  # listed on the Runs page, loaded when opened
                    continue
                room -= size
            try:
                restored.append(self._job_from_record(rec))
            except Exception as exc:  # noqa: BLE001 - a damaged record is skipped, not fatal
                log.warning("stored job %s could not be listed: %s", rec.id, exc)
        restored.reverse()  # oldest first, as the index lists them
        restored_interrupted.reverse()
        if left_on_disk:
            log.info(
                "%d stored run(s) past the %d MB loaded back at a start stay on disk until opened",
                left_on_disk,
                (self.restore_bytes or 0) // 2**20,
            )
        with self._cond:
            for job in [*restored, *restored_interrupted]:
                self._jobs.setdefault(job.id, job)
            self._evict()
        if restored:
            log.info("restored %d finished job(s) from %s", len(restored), store.root)
            # after a restart: every run, in the background, never slowing a job that trains
            self._start_loader(store, restored[::-1], yield_to_training=True)

    def _start_loader(self, store: RunStore, jobs: list[Job], *, yield_to_training: bool = False) -> None:
        """Load these jobs' runs on a background thread (see :meth:`_load_stored`)."""
        loader = threading.Thread(
            target=self._load_stored, args=(store, jobs, yield_to_training), name="lstm-lab-restore", daemon=True
        )
        loader.start()

    def _interrupted(self, store: RunStore, rec: RunRecord, now: float, with_data: bool = True) -> Job | None:
        """A job that was queued or running when the server stopped: failed, with its data and
        config kept so that :meth:`retry` can train it again (None when its record is damaged).
        Without ``with_data`` its data stay on disk until :meth:`retry` reads them."""
        try:
            series = store.series(rec.id) if with_data else None
            config = RunConfig.from_dict(rec.config)
        except Exception as exc:  # noqa: BLE001 - a damaged record is skipped, not fatal
            log.warning("stored job %s (interrupted) could not be read: %s", rec.id, exc)
            return None
        job = Job(
            id=rec.id,
            owner=rec.owner,
            config=config,
            series=series,
            label=rec.label,
            epochs_planned=rec.epochs_planned,
            tags=dict(rec.tags),
            status=FAILED,
            message=DAMAGED_MESSAGE
            if _lost(rec) == DAMAGED
            else "Interrupted by a server restart before it finished; train it again to get its run.",
            created=rec.created,
            started=rec.started,
            finished=now,
            interrupted=True,
        )
        job.done.set()
        return job

    # ------------------------------------------------------------- runs on disk (the Runs page)
    @property
    def store(self) -> RunStore | None:
        """The run store (None: memory only)."""
        return self._store

    def reopen(self, job_id: str | None) -> JobSnapshot | None:
        """The job's snapshot, bringing a stored job back into memory when memory has let it go
        (its run loads in the background: ``restoring``). None when it is neither."""
        snap = self.snapshot(job_id)
        if snap is not None and snap.restoring and self._store is not None:
            with self._cond:
                job = self._jobs.get(snap.id)
            if job is not None:  # somebody looks at it: load it now, not when the bulk load gets there
                self._start_loader(self._store, [job])
        if snap is not None or not job_id or self._store is None:
            return snap
        try:
            rec = self._store.record(job_id)
            if rec is None:
                return None
            job = self._interrupted(self._store, rec, self._clock()) if not rec.has_run else self._job_from_record(rec)
        except Exception as exc:  # noqa: BLE001 - a damaged record: as if it were not there
            log.warning("stored job %s could not be reopened: %s", job_id, exc)
            return None
        if job is None:
            return None
        job.reopened = self._clock()
        with self._cond:
            if job_id in self._jobs:
                job = self._jobs[job_id]
            else:
                self._jobs[job_id] = job
                if job.restoring:
                    self._start_loader(self._store, [job])
        self._touch()
        return self.snapshot(job_id)

    def runs(self, owner: str) -> list[RunRecord]:
        """``owner``'s runs, newest first: the store's index rows (status ``interrupted`` for a
        job a server restart stopped), or (memory only) rows built from the jobs in memory that
        have a run."""
        if self._store is not None:
            with self._cond:
                active = {j.id: str(j.status) for j in self._jobs.values() if j.owner == owner and j.status in ACTIVE}
            # a row without a run is a job still queued or training here, else one a restart interrupted,
            # or a finished one whose folder lost a file
            return [
                r if r.has_run else replace(r, status=active.get(r.id, _lost(r))) for r in self._store.records(owner)
            ]
        out = []
        for s in self.jobs_for(owner):
            if s.run is None:
                continue
            out.append(
                RunRecord(
                    id=s.id,
                    owner=s.owner,
                    label=s.label,
                    config=dict(s.config),
                    status=str(s.status),
                    created=s.created,
                    kind=s.kind,
                    group=str(s.tags.get("group", "")),
                    dataset=s.run.series.name,
                    tags=dict(s.tags),
                    message=s.message,
                    epochs_planned=s.epochs_planned,
                    started=s.started,
                    finished=s.finished,
                    has_run=True,
                    **summary_of(s.run.metrics),
                )
            )
        return out

    def rename(self, job_id: str, label: str) -> None:
        """Give a job a new label (in memory and in the store). Raises ValueError for a bad
        label (:func:`~lstm_core.store.check_label`), LookupError when the job is unknown."""
        label = check_label(label)
        job = self.get(job_id)
        if job is not None:
            with job.lock:
                job.label = label
        stored = self._store.update(job_id, label=label) if self._store is not None else None
        if job is None and stored is None:
            raise LookupError(f"Run {job_id} is gone; reload the page.")
        self._touch()

    def set_pinned(self, job_id: str, pinned: bool) -> None:
        """Pin a stored run (kept whatever the disk quota). Raises LookupError when not stored."""
        if self._store is None or self._store.update(job_id, pinned=pinned) is None:
            raise LookupError(f"Run {job_id} is not on disk, so it cannot be pinned.")

    def delete_run(self, job_id: str) -> None:
        """Delete a finished job everywhere: memory, index and disk. Raises LookupError for a
        job still queued or running (stop it first)."""
        with self._cond:
            job = self._jobs.get(job_id)
            if job is not None and job.status in ACTIVE:
                raise LookupError("This run is still queued or training; stop it first, then delete it.")
            self._jobs.pop(job_id, None)
        if self._store is not None:
            self._store.delete(job_id)
        self._touch()

    def notices(self, owner: str) -> list[str]:
        """Labels of ``owner``'s runs the disk quota deleted, kept (on disk too) until
        :meth:`dismiss_notices`: a page reloaded, or a server restarted, before the owner said OK
        lost them (they were taken when first drawn)."""
        with self._cond:
            held = list(self._notices.get(owner, []))
        if self._store is not None:
            try:
                held = [*self._store.peek_notices(owner), *held]
            except OSError:
                log.exception("the quota's notices for %s could not be read", owner)
        return held

    def dismiss_notices(self, owner: str, labels: list[str]) -> None:
        """The owner read these notices (:meth:`notices`); ones added since stay."""
        left = list(labels)
        with self._cond:
            mine = self._notices.get(owner, [])
            for label in list(left):
                if label in mine:
                    mine.remove(label)
                    left.remove(label)
            if not mine:
                self._notices.pop(owner, None)
        if self._store is not None and left:
            try:
                self._store.drop_notices(owner, left)
            except OSError:
                log.exception("the quota's notices for %s could not be updated", owner)

    def keep_dataset(self, owner: str, blob: bytes) -> None:
        """Keep ``owner``'s current dataset, in the app's form, on disk where runs are stored (nowhere
        without a store): a reload or a restart brings it back (:meth:`kept_dataset`)."""
        if self._store is not None:
            try:
                self._store.keep_current(owner, blob)
            except OSError:
                log.exception("the current dataset of %s could not be kept", owner[:8])

    def kept_dataset(self, owner: str) -> bytes | None:
        """What :meth:`keep_dataset` kept for ``owner``; None where nothing was, or without a store."""
        if self._store is None:
            return None
        try:
            return self._store.current(owner)
        except OSError:
            log.exception("the current dataset of %s could not be read", owner[:8])
            return None

    def series_of(self, job_id: str) -> Series | None:
        """The data a job was trained (or queued) on, from memory or the store; None if unknown."""
        job = self.get(job_id)
        if job is not None:
            with job.lock:
                if job.series is not None:
                    return job.series
                if job.run is not None:
                    return self._named(job_id, job.run.series)
        if self._store is None or self._store.record(job_id) is None:
            return None
        try:
            return self._store.series(job_id)
        except Exception as exc:  # noqa: BLE001 - unreadable data: as if there were none
            log.warning("the data of stored job %s could not be read: %s", job_id, exc)
            return None

    def _named(self, job_id: str, series: Series) -> Series:
        """``series`` (a run reloaded from its folder, which keeps no name) with the name, missing-value
        policy, UTC offset and filled-in positions the store recorded for the job's data, where it has them."""
        record = self._store.record(job_id) if self._store is not None and not series.name else None
        if record is None:
            return series
        info = record.series or {}
        policy = info.get("missing_policy")
        return replace(
            series,
            name=str(info.get("name") or ""),
            missing_policy=policy if policy in MISSING_POLICIES else series.missing_policy,
            utc_offset=offset if is_utc_offset(offset := info.get("utc_offset")) else series.utc_offset,
            filled=series.filled or stored_filled(info, series.frame),
        )

    def retry(self, job_id: str) -> str:
        """Queue an interrupted job again (same owner, data, config, label and tags); returns the
        new job's id. Raises LookupError when the job is unknown or was not interrupted."""
        with self._cond:
            job = self._jobs.get(job_id)
        if job is None or not job.interrupted or not isinstance(job.config, RunConfig):
            raise LookupError(f"Job {job_id} was not interrupted, or is gone; start a new run instead.")
        series = job.series
        if series is None and self._store is not None:  # listed at a start without its data
            try:
                series = self._store.series(job_id)
            except Exception as exc:  # noqa: BLE001 - a damaged record: one sentence, never a traceback
                log.warning("the data of interrupted job %s could not be read: %s", job_id, exc)
                raise LookupError(
                    "The data this run was queued with cannot be read from disk; delete it on the Runs page "
                    "and start a new run."
                ) from None
        if series is None:
            raise LookupError(f"Job {job_id} was not interrupted, or is gone; start a new run instead.")
        old = self._store.record(job_id) if self._store is not None else None
        new = self.submit(series, job.config, owner=job.owner, label=job.label, tags=dict(job.tags))
        with self._cond:
            self._jobs.pop(job_id, None)
        if self._store is not None:
            if old is not None and old.pinned:
                self._store.update(new, pinned=True)  # the new run keeps the pin the interrupted one had
            self._store.delete(job_id)
        return new

    def _load_stored(self, store: RunStore, jobs: list[Job], yield_to_training: bool = False) -> None:
        """Load the restored jobs' runs in order (each appears in the run lists once loaded).

        With ``yield_to_training`` (the bulk load after a restart) it waits while any job
        trains: a load re-evaluates the run (a second of CPU and GIL each), and a restart
        with a few hundred stored runs would otherwise slow the first trainings for minutes.
        A run somebody opens meanwhile is loaded at once on its own thread (:meth:`reopen`).
        """
        for job in jobs:
            if yield_to_training:
                self._wait_no_training()
            with job.lock:
                pending = job.restoring and job.run is None
            with self._cond:
                if self._closed:
                    return
                if not pending or job.id in self._loading:
                    continue  # loaded already, or another loader is at it
                self._loading.add(job.id)
            try:
                self._load_one(store, job)
            finally:
                with self._cond:
                    self._loading.discard(job.id)

    def _wait_no_training(self) -> None:
        """Block while a job of this registry is running (or until it is closed)."""
        with self._changed:
            while not self._closed and any(j.status == RUNNING for j in list(self._jobs.values())):
                self._changed.wait(1.0)

    def _load_one(self, store: RunStore, job: Job) -> None:
        """Load one stored job's run into it (a damaged folder: a note in its message)."""
        try:
            run = store.load(job.id)
        except Exception as exc:  # noqa: BLE001 - one damaged folder must not stop the others
            log.warning("stored job %s could not be loaded: %s", job.id, exc)
            with job.lock:
                job.message += " (Its saved run could not be loaded after a restart.)"
                job.restoring = False
            self._touch()
            return
        size = footprint(run)
        with job.lock:
            job.run, job.history, job.restoring, job.run_bytes = run, list(run.history), False, size
        self._touch()

    def _set_threads(self, hidden_size: int, num_layers: int) -> None:
        """A small model trains fastest on one thread; a large one gets this job's share."""
        if self.torch_threads:
            torch.set_num_threads(1 if threads.is_small(hidden_size, num_layers) else self.torch_threads)

    def _callbacks(self, job: Job) -> Callbacks:
        """The hooks through which a training job fills its live state."""

        def on_epoch(stats: EpochStats) -> None:
            with job.lock:
                job.history.append(stats)
            self._touch()

        def on_gates(recorder: GateRecorder) -> None:
            with job.lock:
                job.recorder = recorder
            self._touch()

        def on_preview(look: FirstLook) -> None:
            with job.lock:
                job.preview = look
            self._touch()

        def on_phase(phase: str) -> None:
            with job.lock:
                job.phase = phase
            message = phase_message(phase)
            if message:
                with job.lock:
                    if not job.stop.is_set():
                        job.message = message
                self._touch()

        return Callbacks(on_epoch=on_epoch, on_phase=on_phase, on_gates=on_gates, on_preview=on_preview, stop=job.stop)

    def _train(self, job: Job) -> Outcome:
        """Train one run; its status and the message that says how it ended."""
        cfg = job.config
        assert isinstance(cfg, RunConfig)
        self._set_threads(cfg.model.hidden_size, cfg.model.num_layers)
        run = self._runner(job.series, cfg, callbacks=self._callbacks(job))
        epochs = len(run.history)
        if run.fit.status == FitStatus.CANCELLED and job.over_budget:
            kept = f"kept the best weights (epoch {run.fit.best_epoch})" if epochs else "the model is untrained"
            return CANCELLED, self._over_budget_message(job, f"at epoch {epochs}; {kept}"), run
        if run.fit.status == FitStatus.CANCELLED:
            message = (
                f"Stopped at epoch {epochs}; kept the best weights (epoch {run.fit.best_epoch})."
                if epochs
                else "Stopped before the first epoch finished; the model is untrained."
            )
            return CANCELLED, message, run
        how = "early-stopped" if run.fit.status == FitStatus.EARLY_STOPPED else "completed"
        total = self._clock() - (job.started or self._clock())
        nets, train_s = run.networks, sum(f.seconds for f in (run.members_fit or [run.fit]))
        # the epochs and the best epoch are network 1's: with several, its own seconds (often 0.0 s)
        # read as the whole training's ("after 11 epoch(s) in 0.0 s; 32 networks trained in 2.3 s")
        first = (
            f"{epochs} epoch(s) in {seconds_text(run.fit.seconds)}"
            if nets <= 1
            else f"{epochs} epoch(s) for network 1 of {nets}; {nets} networks trained in {seconds_text(train_s)}"
        )
        message = (
            f"Training {how} after {first} "
            f"({seconds_text(total)} in all, with the representation backtest and evaluation); "
            f"best epoch {run.fit.best_epoch}{' (network 1)' if nets > 1 else ''} on {run.device}."
        )
        return FINISHED, message, run

    def _sweep(self, job: Job) -> Outcome:
        """Run a long-memory sweep, adding each (cell, lag) row to the job as it is trained."""
        cfg = job.config
        assert isinstance(cfg, MemoryConfig)
        self._set_threads(cfg.hidden_size, 1)

        def on_result(res: MemoryResult) -> None:
            with job.lock:
                job.rows.append(asdict(res))
            self._touch()

        self._sweeper(cfg, on_result=on_result, stop=job.stop)
        with job.lock:
            done = len(job.rows)
        secs = self._clock() - (job.started or self._clock())
        if job.stop.is_set() and job.over_budget:
            return (
                CANCELLED,
                self._over_budget_message(job, f"after {done} of {job.epochs_planned} (cell, lag) pairs"),
                None,
            )
        if job.stop.is_set():
            return CANCELLED, f"Stopped after {done} of {job.epochs_planned} (cell, lag) pairs.", None
        return FINISHED, f"Trained {done} of {job.epochs_planned} (cell, lag) pairs in {secs:.1f} s.", None

    # ------------------------------------------------------------- wall-time budgets
    def _over_budget_message(self, job: Job, what: str) -> str:
        return f"Stopped: over its {budget_text(self.budget_s or 0)} time budget, {what}."

    def _police_budgets(self) -> None:
        """The budget watch (one thread): stop every running job past its budget, then sleep
        until the next deadline or until a job starts."""
        while not self._closed:
            self._wake.clear()
            self._wake.wait(self._stop_over_budget())

    def _stop_over_budget(self) -> float | None:
        """Stop the running jobs past their budget; returns the seconds to the next deadline
        (None: no running job has one)."""
        assert self.budget_s
        now = time.monotonic()
        nearest: float | None = None
        over: list[Job] = []
        with self._cond:
            running = [j for j in self._jobs.values() if j.status == RUNNING]
        for job in running:
            with job.lock:
                if job.t0 is None or job.stop.is_set() or job.status != RUNNING:
                    continue
                left = job.t0 + self.budget_s - now
                if left > 0:
                    nearest = left if nearest is None else min(nearest, left)
                elif job.phase != "evaluating":  # evaluation is bounded: let it finish
                    job.over_budget = True
                    job.message = f"Over its {budget_text(self.budget_s)} time budget: stopping..."
                    job.stop.set()
                    over.append(job)
        for job in over:
            log.info("job %s is over its %s time budget: stopped", job.id, budget_text(self.budget_s))
        if over:
            self._touch()
        return nearest
