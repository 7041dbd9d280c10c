"""Run the job registry's jobs on a Ray cluster, through a bridge process (this module never imports ray).

:class:`RayExecutor` starts :mod:`~lstm_core.executors.bridge` as a child process (the Ray
driver), keeps it connected (a new one, with back-off, whenever it is gone), and gives the
:class:`~lstm_core.jobs.JobRegistry` a ``runner`` and a ``sweeper`` with the signatures of
:func:`~lstm_core.pipeline.fit_run` and :func:`~lstm_core.memory_task.sweep`. They run on the
registry's worker thread: they send the job to the bridge and replay its progress (phases,
epochs, gate snapshots, sweep rows) into the job's :class:`~lstm_core.callbacks.Callbacks`
as it arrives, and forward a Stop. So the live panel, Stop, the queue and the run store work
as with threads, and no page script ever waits on Ray.

:meth:`RayExecutor.admit` lets a registry worker take a job only while the cluster is
connected and has a free CPU: queued jobs stay queued (with their place) while the cluster is
unreachable and start when it is back.
"""

from __future__ import annotations

import copy
import logging
import os
import queue
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

import pandas as pd

from ..callbacks import Callbacks
from ..config import ConfigError, ModelConfig, RunConfig
from ..data.series import Series, as_series
from ..gates import GateRecorder
from ..memory_task import MemoryConfig, MemoryResult
from ..model import Forecaster
from ..pipeline import Run
from . import wire

log = logging.getLogger(__name__)

CONNECTING, CONNECTED, UNREACHABLE, CLOSED = "connecting", "connected", "unreachable", "closed"
WAIT_TICK_S = 0.25  # how often a waiting runner checks its job's Stop


class WorkerLost(ValueError):
    """A job's Ray worker (or the whole cluster) went away and no retry was left; its message is
    the one sentence the job shows (a ValueError, so the registry reports it as such)."""


@dataclass(frozen=True)
class ExecutorStatus:
    """Where the executor stands, for the UI: a state and one sentence."""

    state: str  # connecting | connected | unreachable | closed
    sentence: str
    cpus: int = 0
    gpus: float = 0.0

    @property
    def ok(self) -> bool:
        return self.state == CONNECTED


class MirrorRecorder(GateRecorder):
    """The app-side copy of a remote run's :class:`~lstm_core.gates.GateRecorder`: gate entries
    and the between-epochs model snapshot arrive from the worker (see :meth:`apply`)."""

    def __init__(self, prep: Any, record: bool):
        super().__init__(prep, record=record)
        self._cfg: ModelConfig | None = None

    def apply(self, entries: list[dict], snap: tuple[int, ModelConfig, dict] | None) -> None:
        """Add the worker's new gate entries and its latest (epoch, model config, CPU state dict)."""
        with self.lock:
            self.history.extend(entries)
            if snap is not None:
                self.epoch, self._cfg, self._state = int(snap[0]), snap[1], snap[2]

    def snapshot(self) -> tuple[int, Forecaster] | None:
        """``(epoch, Forecaster on CPU in eval mode)`` with the last weights the worker sent, or None."""
        with self.lock:
            epoch, cfg, state = self.epoch, self._cfg, self._state
        if cfg is None or state is None:
            return None
        m = Forecaster(copy.deepcopy(cfg))
        m.load_state_dict(state)
        return epoch, m.eval()


def _env_int(name: str) -> int | None:
    text = os.environ.get(name, "").strip()
    return int(text) if text.isdigit() else None


class RayExecutor:
    """Jobs on a Ray cluster at ``address``: ``"auto"``, ``"host:port"`` or ``"local"`` (a
    private cluster of ``num_cpus`` CPUs started by the bridge, its files under ``temp_dir``).

    Parameters
    ----------
    retries : how many times a job whose worker died is started again before it fails with
        "worker lost".
    max_jobs : most jobs at once (the registry's worker threads); the cluster's CPUs bound it too.
    gpu_fraction : the GPU share a CUDA job declares (``device="cuda"``, or ``"auto"`` on a
        cluster with GPUs).
    connect_timeout_s : how long one connection attempt may take before the cluster counts as
        unreachable (then it is tried again, backing off to ``max_backoff_s``).
    log_path : the bridge's output (Ray's messages); default a file in the temp folder.
    """

    name = "ray"

    def __init__(
        self,
        address: str,
        *,
        num_cpus: int | None = None,
        num_gpus: int | None = None,
        temp_dir: str | None = None,
        retries: int = 1,
        max_jobs: int = 32,
        gpu_fraction: float = 0.25,
        connect_timeout_s: float = 90.0,
        max_backoff_s: float = 30.0,
        log_path: str | None = None,
    ):
        self.address = address.strip()
        if not self.address:
            raise ConfigError("The Ray address is empty; give auto, host:port or local.")
        self.num_cpus, self.num_gpus, self.temp_dir = num_cpus, num_gpus, temp_dir
        self.retries, self.slots, self.gpu_fraction = retries, max(1, max_jobs), gpu_fraction
        self.connect_timeout_s, self.max_backoff_s = connect_timeout_s, max_backoff_s
        self.log_path = log_path or os.path.join(tempfile.gettempdir(), f"lstm-lab-ray-bridge-{os.getpid()}.log")
        self._cond = threading.Condition()
        self._status = ExecutorStatus(CONNECTING, self._sentence(CONNECTING))
        self._running = 0
        self._conn: Connection | None = None
        self._proc: subprocess.Popen | None = None
        self._send_lock = threading.Lock()
        self._jobs: dict[str, queue.Queue] = {}
        self._pids: dict[str, int] = {}
        self._closed = False
        self._kick = threading.Event()
        self._supervisor = threading.Thread(target=self._supervise, name="lstm-lab-ray", daemon=True)
        self._supervisor.start()

    # ------------------------------------------------------------------ status
    def _sentence(self, state: str, cpus: int = 0, gpus: float = 0.0, why: str = "") -> str:
        where = "a private local Ray cluster" if self.address == "local" else f"the Ray cluster at {self.address}"
        if state == CONNECTED:
            gpu = f" and {gpus:g} GPU(s)" if gpus else ""
            return f"Jobs run on {where} ({cpus} CPU(s){gpu})."
        if state == CONNECTING:
            return f"Connecting to {where}; jobs wait in the queue until it answers."
        if state == UNREACHABLE:
            return f"{where[0].upper()}{where[1:]} is unreachable; jobs wait in the queue and start when it is back."
        return "The Ray executor is closed."

    def status(self) -> ExecutorStatus:
        """The connection state and one sentence saying what it means for jobs."""
        with self._cond:
            return self._status

    def _set_status(self, state: str, cpus: int = 0, gpus: float = 0.0, why: str = "") -> None:
        with self._cond:
            self._status = ExecutorStatus(state, self._sentence(state, cpus, gpus, why), cpus, gpus)
            self._cond.notify_all()
        if why:
            log.warning("%s (%s)", self._status.sentence, why)

    def wait_status(self, predicate: Callable[[ExecutorStatus], bool], timeout: float) -> ExecutorStatus:
        """Block until ``predicate(status)`` holds or the executor closes; returns that status.
        Raises TimeoutError after ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while not predicate(self._status) and not self._closed:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"{self._status.sentence} (still, after {timeout:g} s)")
                self._cond.wait(left)
            return self._status

    def wait_connected(self, timeout: float) -> bool:
        """Block until connected (True) or ``timeout`` seconds pass / the executor closes (False)."""
        try:
            return self.wait_status(lambda s: s.ok, timeout).ok
        except TimeoutError:
            return False

    def worker_pids(self) -> list[int]:
        """Process ids of the Ray workers training jobs now."""
        with self._cond:
            return list(self._pids.values())

    # ------------------------------------------------------------- the registry seam
    def admit(self, timeout: float) -> bool:
        """Wait up to ``timeout`` s until a job may start (connected, a CPU free); True claims one
        slot, which :meth:`release` gives back."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while not (self._status.ok and self._running < min(self.slots, self._status.cpus)):
                left = deadline - time.monotonic()
                if left <= 0 or self._closed:
                    return False
                self._cond.wait(left)
            self._running += 1
            return True

    def release(self) -> None:
        with self._cond:
            self._running -= 1
            self._cond.notify_all()

    def runner(self, data: Series | pd.DataFrame, cfg: RunConfig, *, callbacks: Callbacks | None = None) -> Run:
        """Train ``cfg`` on the cluster; ``fit_run``-compatible (blocks the calling worker thread)."""
        cb = callbacks or Callbacks()
        series = as_series(data)
        gpu = self._gpu_for(cfg.train.device)
        mirror: list[MirrorRecorder] = []
        done_epochs, skip = 0, 0

        def on_event(kind: str, payload: Any) -> None:
            nonlocal done_epochs, skip
            if kind == "phase":
                cb.phase(payload)
            elif kind == "gates_init":
                mirror[:] = [MirrorRecorder(*payload)]
                cb.gates(mirror[0])
            elif kind == "preview":
                cb.preview(payload)
            elif kind == "gates" and mirror:
                mirror[0].apply(*payload)
            elif kind == "epoch":
                if skip:
                    skip -= 1  # a retry replays the epochs shown already (same seed, same values)
                else:
                    done_epochs += 1
                    cb.epoch(payload)
            elif kind == "retry":
                skip = done_epochs
                cb.phase("training")

        result = self._call(("train", series, cfg, gpu), cb, on_event)
        assert isinstance(result, Run)
        return result

    def sweeper(
        self, cfg: MemoryConfig | None = None, on_result: Any = None, stop: threading.Event | None = None
    ) -> pd.DataFrame:
        """A long-memory sweep with every (cell, lag) pair fanned out over the cluster;
        :func:`~lstm_core.memory_task.sweep`-compatible (rows in the same order)."""
        cfg = cfg or MemoryConfig()
        cfg.validate()
        rows: list[dict] = []

        def on_event(kind: str, payload: Any) -> None:
            if kind == "row":
                res: MemoryResult = payload
                rows.append(res.__dict__.copy())
                if on_result is not None:
                    on_result(res)

        cb = Callbacks(stop=stop or threading.Event())
        self._call(("sweep", cfg, 0.0), cb, on_event)
        return pd.DataFrame(rows, columns=list(MemoryResult.__dataclass_fields__))

    def _gpu_for(self, device: str) -> float:
        gpus = self.status().gpus
        if device == "cuda" and self.status().ok and not gpus:
            raise ConfigError("Device 'cuda' was asked for but the Ray cluster has no GPU; use auto or cpu.")
        return self.gpu_fraction if gpus and device in ("cuda", "auto") else 0.0

    def _call(self, msg: tuple, cb: Callbacks, on_event: Any) -> Any:
        """Send one job to the bridge and replay what comes back until it ends."""
        token = uuid.uuid4().hex
        inbox: queue.Queue = queue.Queue()
        with self._cond:
            self._jobs[token] = inbox
        try:
            while True:  # the cluster may have gone between the admission and now: wait for it once more
                if not self.wait_connected(self.connect_timeout_s):
                    raise WorkerLost(f"Failed: {self.status().sentence}")
                try:
                    self._send((msg[0], token, self.retries, *msg[1:]))
                    break
                except WorkerLost:
                    continue
            stop_sent = False
            while True:
                if cb.should_stop() and not stop_sent:
                    stop_sent = True
                    try:
                        self._send(("stop", token))
                    except WorkerLost:
                        pass  # the bridge is gone: the job is reported lost next
                try:
                    reply = inbox.get(timeout=WAIT_TICK_S)
                except queue.Empty:
                    continue
                kind = reply[0]
                if kind == "event":
                    if reply[1] == "pid":
                        with self._cond:
                            self._pids[token] = reply[2]
                    else:
                        on_event(reply[1], reply[2])
                elif kind == "result":
                    return reply[1]
                elif kind == "error":
                    raise reply[1]
                else:  # lost
                    raise WorkerLost(f"Failed: worker lost ({reply[1]}); start it again.")
        finally:
            with self._cond:
                self._jobs.pop(token, None)
                self._pids.pop(token, None)

    def _send(self, msg: tuple) -> None:
        with self._send_lock:
            conn = self._conn
            if conn is None:
                raise WorkerLost("Failed: worker lost (the Ray cluster became unreachable); start it again.")
            try:
                wire.send(conn, msg)
            except (OSError, EOFError):
                raise WorkerLost("Failed: worker lost (the Ray cluster became unreachable); start it again.") from None

    # ------------------------------------------------------------- the bridge process
    def _spawn(self) -> tuple[subprocess.Popen, Connection]:
        mine, theirs = socket.socketpair()
        env = dict(os.environ)
        env.setdefault("RAY_USAGE_STATS_ENABLED", "0")
        env.setdefault("OMP_NUM_THREADS", "1")
        env.setdefault("OPENBLAS_NUM_THREADS", "1")
        # a driver whose cluster is gone exits after this long (Ray's default: 60 s)
        env.setdefault("RAY_gcs_rpc_server_reconnect_timeout_s", "10")
        if self.address == "local" or self.address.split(":")[0] in ("127.0.0.1", "localhost"):
            # ray.init turns 127.0.0.1 into the machine's network address (and binds every
            # interface) unless Ray believes it runs without cluster support (its macOS/Windows
            # default); measured: with this, GCS, raylet and workers listen on 127.0.0.1 only.
            env.setdefault("RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER", "0")
        with open(self.log_path, "ab") as out:
            proc = subprocess.Popen(
                [sys.executable, "-m", "lstm_core.executors.bridge", str(theirs.fileno())],
                pass_fds=[theirs.fileno()],
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                env=env,
                cwd=os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
            )
        theirs.close()
        return proc, Connection(mine.detach())

    def _supervise(self) -> None:
        """Keep a bridge connected: start one, read its messages, start another when it dies."""
        backoff = 1.0
        while not self._closed:
            proc, conn = self._spawn()
            with self._cond:
                self._proc = proc
            wire.send(
                conn,
                {
                    "address": self.address,
                    "num_cpus": self.num_cpus,
                    "num_gpus": self.num_gpus,
                    "temp_dir": self.temp_dir,
                    "threads": 1,
                },
            )
            info, why = self._handshake(conn)
            if info is not None:
                with self._send_lock:
                    self._conn = conn
                self._set_status(CONNECTED, info["cpus"], info["gpus"])
                backoff = 1.0
                self._read(conn)
            elif not self._closed:
                self._set_status(UNREACHABLE, why=why)
            self._stop_proc(proc, conn, timeout=20.0 if info is not None else 0.0)
            if self._closed:
                break
            self._kick.wait(backoff)
            backoff = min(self.max_backoff_s, backoff * 2)
        self._set_status(CLOSED)

    def _handshake(self, conn: Connection) -> tuple[dict | None, str]:
        """The bridge's ``ready`` info, or None and why not (it failed, exited or took too long)."""
        deadline = time.monotonic() + self.connect_timeout_s
        try:
            while not self._closed:
                if conn.poll(min(1.0, max(0.0, deadline - time.monotonic()))):
                    reply = wire.recv(conn)
                    return (reply[1], "") if reply[0] == "ready" else (None, str(reply[1]))
                if time.monotonic() >= deadline:
                    return None, f"no answer within {self.connect_timeout_s:g} s"
        except (EOFError, OSError):
            return None, "the Ray driver process exited"
        return None, "closed"

    def _read(self, conn: Connection) -> None:
        """Dispatch the bridge's messages to the jobs' inboxes until it goes away; then every
        open job is told its worker was lost."""
        while True:
            try:
                msg = wire.recv(conn)
            except (EOFError, OSError):
                break
            with self._cond:
                inbox = self._jobs.get(msg[1])
            if inbox is not None:
                inbox.put(msg[:1] + msg[2:])  # (kind, ...) without the token
        with self._send_lock:
            self._conn = None
        if not self._closed:  # before the jobs hear of it: no worker is admitted meanwhile
            self._set_status(UNREACHABLE, why="the connection to the Ray cluster was lost")
        with self._cond:
            inboxes = list(self._jobs.values())
        for inbox in inboxes:
            inbox.put(("lost", "the Ray cluster became unreachable"))

    def _stop_proc(self, proc: subprocess.Popen, conn: Connection, timeout: float) -> None:
        """Ask the bridge to shut down (Ray disconnects, a private cluster stops); kill it after ``timeout`` s."""
        try:
            wire.send(conn, ("shutdown",))
        except (OSError, EOFError):
            pass
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        conn.close()

    def bridge_pid(self) -> int | None:
        """The bridge process's id (the tests kill it to simulate a cluster that went away)."""
        with self._cond:
            return self._proc.pid if self._proc is not None else None

    def close(self, timeout: float = 30.0) -> None:
        """Shut the bridge (and a private local cluster) down."""
        self._closed = True
        self._kick.set()
        with self._send_lock:
            conn = self._conn
        if conn is not None:
            try:
                wire.send(conn, ("shutdown",))
            except (OSError, EOFError):
                pass
        with self._cond:
            self._cond.notify_all()
        self._supervisor.join(timeout)
