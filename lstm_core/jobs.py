"""Process-wide job registry: a bounded pool of training threads, a FIFO queue, snapshots, cancel.

The UI never trains on its own script thread. It calls :meth:`JobRegistry.submit`, keeps the
returned id, and polls :meth:`JobRegistry.snapshot`, which returns an immutable copy that is
safe to read from any thread. Workers call :func:`lstm_core.pipeline.fit_run` with a
``threading.Event`` as ``stop``; they never touch the UI.

Bounded memory: finished jobs are evicted after ``ttl_s`` seconds, and at most
``max_finished`` finished jobs are kept (oldest evicted first).
"""

from __future__ import annotations

import logging
import os
import sys
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import torch

from . import threads
from .config import ConfigError, RunConfig
from .data.series import Series, as_series
from .gates import GateRecorder
from .pipeline import Run, fit_run
from .train import EpochStats, TrainingDiverged

log = logging.getLogger(__name__)

QUEUED, RUNNING, FINISHED, CANCELLED, DIVERGED, FAILED = (
    "queued",
    "running",
    "finished",
    "cancelled",
    "diverged",
    "failed",
)
ACTIVE = (QUEUED, RUNNING)
DONE = (FINISHED, CANCELLED, DIVERGED, FAILED)


WORKER_NICE = 10


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
    if phase == "training":
        return "Training..."
    if phase.startswith("member "):
        return f"Training network {phase.split()[1].replace('/', ' of ')} of the ensemble..."
    if phase == "evaluating":
        return "Evaluating: forecasts, intervals and baselines..."
    return ""


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
    config: RunConfig
    series: Series | None
    label: str
    epochs_planned: int
    status: str = QUEUED
    message: str = "Waiting for a free worker."
    history: list[EpochStats] = field(default_factory=list)  # append-only
    created: float = 0.0
    started: float | None = None
    finished: float | None = None
    run: Run | None = None
    recorder: GateRecorder | None = None  # set when training starts: live gate snapshots
    stop: threading.Event = field(default_factory=threading.Event)
    done: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)


@dataclass(frozen=True)
class JobSnapshot:
    """An immutable copy of a job for the UI. Arrays are float32 copies of the history."""

    id: str
    owner: str
    label: str
    status: str
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

    @property
    def active(self) -> bool:
        return self.status in ACTIVE

    @property
    def has_run(self) -> bool:
        return self.run is not None


class JobRegistry:
    """A bounded worker pool with a FIFO queue.

    Parameters
    ----------
    max_workers : concurrent training threads; default :func:`default_workers`.
    ttl_s : finished jobs older than this are evicted.
    max_finished : most finished jobs kept; the oldest finished are evicted first.
    torch_threads : ``torch.set_num_threads`` value (process-wide); default
        :func:`threads_per_job`. ``0`` leaves torch's setting alone.
    runner : the training function, ``fit_run``-compatible (injectable for tests).
    clock : time source for the TTL (injectable for tests).
    worker_nice : how much lower than the server's the workers' CPU priority is (Linux only;
        0 leaves it). Training is background work: the pages and the health check come first.
    """

    def __init__(
        self,
        max_workers: int | None = None,
        ttl_s: float = 2 * 3600,
        max_finished: int = 20,
        torch_threads: int | None = None,
        runner: Callable[..., Run] = fit_run,
        clock: Callable[[], float] = time.time,
        worker_nice: int = WORKER_NICE,
    ):
        self.max_workers = max_workers or default_workers()
        self.worker_nice = worker_nice
        self.ttl_s, self.max_finished = ttl_s, max_finished
        self._runner, self._clock = runner, clock
        self.torch_threads = threads_per_job(self.max_workers) if torch_threads is None else torch_threads
        self.pin_threads()
        self._jobs: dict[str, Job] = {}
        self._queue: deque[str] = deque()
        self._running = 0
        # Opt-in debug trace for the load benchmark: one line per start/end with the counts.
        self._trace_path = os.environ.get("LSTM_LAB_JOB_TRACE") or None
        self._cond = threading.Condition()
        self._closed = False
        self._workers = [
            threading.Thread(target=self._work, name=f"lstm-lab-worker-{i}", daemon=True)
            for i in range(self.max_workers)
        ]
        for w in self._workers:
            w.start()

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
    ) -> str:
        """Queue a training job; returns its id (uuid4 hex). Raises ConfigError on a bad config."""
        cfg = RunConfig.from_dict(cfg.to_dict())  # the job owns its copy
        cfg.validate()
        job = Job(
            id=uuid.uuid4().hex,
            owner=owner,
            config=cfg,
            series=as_series(data),
            label=label or f"{cfg.model.cell} h{cfg.model.hidden_size}",
            epochs_planned=cfg.train.epochs,
            created=self._clock(),
        )
        with self._cond:
            if self._closed:
                raise RuntimeError("The job registry is closed.")
            self._evict()
            self._jobs[job.id] = job
            self._queue.append(job.id)
            self._cond.notify()
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
            position = self._queue.index(job_id) + 1 if job is not None and job_id in self._queue else None
        return None if job is None else self._snap(job, position)

    def cancel(self, job_id: str) -> bool:
        """Cancel a job: a queued one leaves the queue, a running one stops within one batch.

        Returns False when the job is unknown or already over.
        """
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
                else:
                    job.message = "Stopping after the current batch..."
        return True

    def jobs_for(self, owner: str) -> list[JobSnapshot]:
        """Snapshots of ``owner``'s jobs, newest first."""
        with self._cond:
            self._evict()
            mine = [j for j in self._jobs.values() if j.owner == owner]
            positions = {jid: i + 1 for i, jid in enumerate(self._queue)}
        mine.sort(key=lambda j: j.created, reverse=True)
        return [self._snap(j, positions.get(j.id)) for j in mine]

    def wait(self, job_id: str, timeout: float | None = None) -> JobSnapshot | None:
        """Block until the job is over (or ``timeout`` seconds pass); returns its snapshot."""
        job = self.get(job_id)
        if job is None:
            return None
        job.done.wait(timeout)
        return self.snapshot(job_id)

    def warm_up(self) -> threading.Thread:
        """Train a 1-epoch model on 60 points in a background thread, once.

        The first training in a fresh process pays for imports (statsmodels, torch's
        optimizer and compile machinery) and first-call set-up: several seconds. Doing
        it while a newcomer looks at the Data page makes the first real run fast.
        """

        def run() -> None:
            from .data import generate

            self.pin_threads()
            lower_thread_priority(self.worker_nice)
            cfg = RunConfig()
            cfg.model.hidden_size, cfg.data.look_back, cfg.train.epochs, cfg.train.device = 4, 4, 1, "cpu"
            try:
                self._runner(generate("sine", length=60), cfg, stop=threading.Event())
            except Exception:  # noqa: BLE001 - warming up is best effort
                log.debug("warm-up run failed", exc_info=True)

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
        for w in self._workers:
            w.join(timeout)

    # ---------------------------------------------------------------- internals
    def _evict(self) -> None:
        """Drop finished jobs past the TTL, then the oldest beyond ``max_finished``. Holds _cond."""
        now = self._clock()
        done = [j for j in self._jobs.values() if j.status in DONE and j.finished is not None]
        for j in done:
            if now - j.finished > self.ttl_s:
                del self._jobs[j.id]
        done = sorted((j for j in done if j.id in self._jobs), key=lambda j: j.finished)
        for j in done[: max(0, len(done) - self.max_finished)]:
            del self._jobs[j.id]

    def _trace(self, event: str, job: Job) -> None:
        """Append ``time event job running queued`` to the trace file, if one is set. Holds _cond."""
        if self._trace_path:
            with open(self._trace_path, "a") as fh:
                fh.write(f"{time.time():.3f} {event} {job.id} {self._running} {len(self._queue)} {job.status}\n")

    def _snap(self, job: Job, position: int | None) -> JobSnapshot:
        with job.lock:
            hist = list(job.history)
            status, message, started, finished, run = job.status, job.message, job.started, job.finished, job.run
        n = len(hist)
        epochs = np.fromiter((s.epoch for s in hist), dtype=np.int32, count=n)
        train = np.fromiter((s.train_loss for s in hist), dtype=np.float32, count=n)
        val = np.fromiter((np.nan if s.val_loss is None else s.val_loss for s in hist), dtype=np.float32, count=n)
        end = finished if finished is not None else self._clock()
        elapsed = 0.0 if started is None else max(0.0, end - started)
        eta = None
        if status == RUNNING and n:
            recent = hist[-10:]
            per_epoch = sum(s.seconds for s in recent) / len(recent)
            eta = per_epoch * max(0, job.epochs_planned - n)
        elif status in DONE:
            eta = 0.0
        progress = 1.0 if status == FINISHED else min(1.0, n / max(job.epochs_planned, 1))
        return JobSnapshot(
            id=job.id,
            owner=job.owner,
            label=job.label,
            status=status,
            message=message,
            position=position,
            config=job.config.to_dict(),
            epochs_planned=job.epochs_planned,
            epochs_done=n,
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
        )

    def _next(self) -> Job | None:
        with self._cond:
            while not self._queue and not self._closed:
                self._cond.wait()
            if self._closed:
                return None
            job = self._jobs[self._queue.popleft()]
            with job.lock:
                job.status, job.message, job.started = RUNNING, "Training...", self._clock()
            self._running += 1
            self._trace("start", job)
            return job

    def _work(self) -> None:
        self.pin_threads()
        lower_thread_priority(self.worker_nice)
        while True:
            job = self._next()
            if job is None:
                return
            self._run(job)
            del job  # an idle worker must not keep the last job (and its Run) alive past eviction

    def _run(self, job: Job) -> None:
        def on_epoch(stats: EpochStats) -> None:
            with job.lock:
                job.history.append(stats)

        def on_recorder(recorder: GateRecorder) -> None:
            with job.lock:
                job.recorder = recorder

        def on_phase(phase: str) -> None:
            message = phase_message(phase)
            if message:
                with job.lock:
                    if not job.stop.is_set():
                        job.message = message

        status, message, run = FAILED, "", None
        if self.torch_threads:
            # A small model trains fastest on one thread; a large one gets this job's share.
            m = job.config.model
            torch.set_num_threads(1 if threads.is_small(m.hidden_size, m.num_layers) else self.torch_threads)
        try:
            run = self._runner(
                job.series,
                job.config,
                on_epoch=on_epoch,
                stop=job.stop,
                on_phase=on_phase,
                on_recorder=on_recorder,
            )
            epochs = len(run.history)
            if run.fit.status == "cancelled":
                status = CANCELLED
                message = (
                    f"Stopped at epoch {epochs}; kept the best weights (epoch {run.fit.best_epoch})."
                    if epochs
                    else "Stopped before the first epoch finished; the model is untrained."
                )
            else:
                status = FINISHED
                how = "early-stopped" if run.fit.status == "early_stopped" else "completed"
                total = self._clock() - (job.started or self._clock())
                nets, train_s = run.networks, sum(f.seconds for f in (run.members_fit or [run.fit]))
                more = f"; {nets} networks trained in {train_s:.1f} s" if nets > 1 else ""
                message = (
                    f"Training {how} after {epochs} epoch(s) in {run.fit.seconds:.1f} s{more} "
                    f"({total:.1f} s in all, with the representation backtest and evaluation); "
                    f"best epoch {run.fit.best_epoch} on {run.device}."
                )
        except TrainingDiverged as exc:
            status, message = DIVERGED, str(exc)
        except ConfigError as exc:  # includes DeviceError
            message = str(exc)
        except ValueError as exc:  # DataError and other one-sentence input errors
            message = str(exc)
        except Exception as exc:  # noqa: BLE001 - a worker must survive any job
            log.exception("training job %s failed", job.id)
            message = f"Training failed unexpectedly ({type(exc).__name__}: {str(exc)[:200]})."
        with job.lock:
            job.status, job.message, job.run = status, message, run
            job.finished = self._clock()
            job.series = None  # the Run keeps its own series; drop the queued copy
        with self._cond:
            self._running -= 1
            self._trace("end", job)
        job.done.set()
