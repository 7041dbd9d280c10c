"""The Ray driver: a child process of the app (or CLI) that connects to the cluster and runs jobs.

Why a separate process: a Ray driver whose cluster goes away terminates its own process
(measured: "Failed to connect to GCS within N seconds ... The program will terminate"). The
app must keep serving, so the app never imports ray; it starts this process
(``python -m lstm_core.executors.bridge FD``) and talks to it over a socket pair with pickled
messages (:class:`multiprocessing.connection.Connection`).

App -> bridge: ``("train", token, retries, series, cfg, gpu)``, ``("sweep", token, retries, cfg, gpu)``,
``("stop", token)``, ``("shutdown",)``; the first message is the settings dict.
Bridge -> app: ``("ready", info)`` or ``("fail", sentence)`` once, then per job
``("event", token, kind, payload)``, and one of ``("result", token, value)``,
``("error", token, exception)``, ``("lost", token, sentence)``.

Each job runs on a :class:`~lstm_core.executors.worker.TrainWorker` actor that declares its
resources (1 CPU; a GPU fraction for a CUDA job). Idle actors are kept and reused (a new one
pays the torch import), at most one per CPU of the cluster, and ended after two idle minutes. A worker that dies mid-job is
replaced and the job retried (``retries`` times), then reported lost.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
import time
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from . import wire

log = logging.getLogger("lstm_core.executors.bridge")

POLL_WAIT_S = 0.25  # long-poll window of one progress poll (also the stop latency bound)
ROOT = str(Path(__file__).resolve().parents[2])


class Pool:
    """Reusable worker actors, at most ``capacity`` of them (one per cluster CPU).

    An idle actor holds its CPU (and GPU share) on the cluster; after ``idle_s`` seconds
    without a job it is ended, so that an idle app does not keep a shared cluster's CPUs.
    """

    def __init__(self, ray: Any, capacity: int, threads: int = 1, idle_s: float = 120.0):
        from .worker import TrainWorker

        self.ray, self.capacity, self.threads, self.idle_s = ray, max(1, capacity), threads, idle_s
        self._remote = ray.remote(TrainWorker)
        self._idle: dict[float, list[Any]] = {}
        self._since: dict[int, float] = {}  # id(actor) -> when it became idle
        self._count = 0
        self._cond = threading.Condition()
        self.closed = False
        threading.Thread(target=self._reap, name="lstm-lab-ray-reaper", daemon=True).start()

    def _reap(self) -> None:
        """End the actors idle for longer than ``idle_s``."""
        with self._cond:
            while not self.closed:
                now = time.monotonic()
                for actors in self._idle.values():
                    for a in [a for a in actors if now - self._since.get(id(a), now) > self.idle_s]:
                        actors.remove(a)
                        self._since.pop(id(a), None)
                        self._count -= 1
                        self.ray.kill(a)
                self._cond.wait(max(1.0, self.idle_s / 4))

    def acquire(self, gpu: float) -> Any:
        """An idle actor with these resources, or a new one; waits while all are busy."""
        with self._cond:
            while not self.closed:
                if self._idle.get(gpu):
                    actor = self._idle[gpu].pop()
                    self._since.pop(id(actor), None)
                    return actor
                if self._count >= self.capacity:
                    other = next((k for k, v in self._idle.items() if v), None)
                    if other is not None:  # an idle actor of another kind gives its CPU up
                        actor = self._idle[other].pop()
                        self._since.pop(id(actor), None)
                        self.ray.kill(actor)
                        self._count -= 1
                if self._count < self.capacity:
                    self._count += 1
                    return self._remote.options(
                        num_cpus=self.threads, num_gpus=gpu, max_concurrency=4, max_restarts=0
                    ).remote(self.threads)
                self._cond.wait()
            raise RuntimeError("the bridge is shutting down")

    def release(self, actor: Any, gpu: float, dead: bool = False) -> None:
        with self._cond:
            if dead:
                self._count -= 1
                try:
                    self.ray.kill(actor)
                except Exception:  # noqa: BLE001 - already gone
                    pass
            else:
                self._idle.setdefault(gpu, []).append(actor)
                self._since[id(actor)] = time.monotonic()
            self._cond.notify_all()

    def close(self) -> None:
        with self._cond:
            self.closed = True
            self._cond.notify_all()


class Bridge:
    """Runs the app's jobs on the cluster; one thread per job."""

    def __init__(self, conn: Connection, ray: Any, pool: Pool):
        self.conn, self.ray, self.pool = conn, ray, pool
        self._send_lock = threading.Lock()
        self._stops: dict[str, threading.Event] = {}

    def send(self, *msg: Any) -> None:
        with self._send_lock:
            try:
                wire.send(self.conn, msg)
            except (OSError, EOFError):
                pass  # the app is gone; the main loop ends on its own

    def serve(self) -> None:
        """Handle the app's messages until it says shutdown or goes away."""
        while True:
            try:
                msg = wire.recv(self.conn)
            except (EOFError, OSError):
                return
            kind = msg[0]
            if kind == "shutdown":
                return
            if kind == "stop":
                ev = self._stops.get(msg[1])
                if ev is not None:
                    ev.set()
                continue
            token = msg[1]
            self._stops[token] = threading.Event()
            target = self._train if kind == "train" else self._sweep
            threading.Thread(target=self._guard, args=(target, token, msg[2:]), daemon=True).start()

    def _guard(self, target: Any, token: str, args: tuple) -> None:
        try:
            target(token, *args)
        except Exception as exc:  # noqa: BLE001 - report, never kill the bridge
            log.exception("job %s failed in the bridge", token)
            self.send("error", token, RuntimeError(f"{type(exc).__name__}: {exc}"))
        finally:
            self._stops.pop(token, None)

    def _cause(self, exc: Exception) -> Exception:
        """The job's own exception inside a RayTaskError (ConfigError, TrainingDiverged, ...)."""
        cause = getattr(exc, "cause", None)
        return cause if isinstance(cause, Exception) else exc

    def _is_lost(self, exc: Exception) -> bool:
        from ray.exceptions import ActorDiedError, ActorUnavailableError, RayActorError, WorkerCrashedError

        return isinstance(exc, RayActorError | ActorDiedError | ActorUnavailableError | WorkerCrashedError)

    def _train(self, token: str, retries: int, series: Any, cfg: Any, gpu: float) -> None:
        stop = self._stops[token]
        for attempt in range(retries + 1):
            actor = self.pool.acquire(gpu)
            try:
                self.send("event", token, "pid", self.ray.get(actor.pid.remote()))
                ref = actor.train.remote(token, series, cfg)
                cursor = gates = 0
                while True:
                    if stop.is_set():  # again each round: it may arrive before the job's call began
                        actor.stop.remote(token)
                    events, entries, snap, done = self.ray.get(actor.poll.remote(token, cursor, gates, POLL_WAIT_S))
                    cursor, gates = cursor + len(events), gates + len(entries)
                    for kind, payload in events:  # gates_init first, then the gates it is the recorder of
                        self.send("event", token, kind, payload)
                    if entries or snap is not None:
                        self.send("event", token, "gates", (entries, snap))
                    if done or (not events and self.ray.wait([ref], timeout=0)[0]):
                        break  # (the second: its call ended without beginning, e.g. it could not unpickle)
                value = self.ray.get(ref)
            except Exception as exc:  # noqa: BLE001 - sorted below
                if self._is_lost(exc):
                    self.pool.release(actor, gpu, dead=True)
                    log.warning("job %s: worker lost (attempt %d): %s", token, attempt + 1, exc)
                    if attempt < retries and not stop.is_set():
                        self.send("event", token, "retry", attempt + 1)
                        continue
                    self.send("lost", token, "the Ray worker training it died")
                    return
                self.pool.release(actor, gpu)
                self.send("error", token, self._cause(exc))
                return
            self.pool.release(actor, gpu)
            self.send("result", token, value)
            return

    def _sweep(self, token: str, retries: int, cfg: Any, gpu: float) -> None:
        """Every (cell, lag) pair of a long-memory sweep at once on the cluster; rows are sent in
        the order a local sweep produces them (lag by lag, cells in order)."""
        stop = self._stops[token]
        pairs = [(cell, int(lag)) for lag in cfg.lags for cell in cfg.cells]
        results: dict[int, Any] = {}
        failure: list[tuple[str, Any]] = []
        lock = threading.Condition()
        sent = 0

        def one(i: int) -> None:
            nonlocal sent
            cell, lag = pairs[i]
            for attempt in range(retries + 1):
                if stop.is_set() or failure:
                    return
                actor = self.pool.acquire(gpu)
                sub = f"{token}:{i}"
                try:
                    ref = actor.memory.remote(sub, cell, lag, cfg)
                    while not self.ray.wait([ref], timeout=POLL_WAIT_S)[0]:
                        if stop.is_set():
                            actor.stop.remote(sub)
                    res = self.ray.get(ref)
                except Exception as exc:  # noqa: BLE001 - sorted below
                    lost = self._is_lost(exc)
                    self.pool.release(actor, gpu, dead=lost)
                    if lost and attempt < retries:
                        continue
                    with lock:
                        failure.append(
                            ("lost", "the Ray worker training it died") if lost else ("error", self._cause(exc))
                        )
                    return
                self.pool.release(actor, gpu)
                with lock:
                    results[i] = res
                    while sent in results:
                        self.send("event", token, "row", results[sent])
                        sent += 1
                return

        threads = [threading.Thread(target=one, args=(i,), daemon=True) for i in range(len(pairs))]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        if failure:
            self.send(failure[0][0], token, failure[0][1])
        else:
            self.send("result", token, None)


def connect(settings: dict) -> Any:
    """``ray.init`` for the settings: ``local`` starts a private cluster, else joins ``address``.
    All traffic stays on 127.0.0.1 for local clusters; usage statistics are off."""
    import ray

    env = {k: os.environ[k] for k in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS") if k in os.environ}
    kwargs: dict[str, Any] = {
        "log_to_driver": False,
        "include_dashboard": False,
        "runtime_env": {"env_vars": env} if env else None,
        "job_config": ray.job_config.JobConfig(code_search_path=[ROOT]),
    }
    address = settings["address"]
    if address == "local":
        kwargs.update(
            num_cpus=settings.get("num_cpus") or os.cpu_count() or 1,
            _node_ip_address="127.0.0.1",
            _temp_dir=settings.get("temp_dir") or None,
        )
        if settings.get("num_gpus") is not None:
            kwargs["num_gpus"] = settings["num_gpus"]
    else:
        kwargs.pop("include_dashboard")
        kwargs["address"] = address
        if address.split(":")[0] in ("127.0.0.1", "localhost"):
            kwargs["_node_ip_address"] = "127.0.0.1"
    ray.init(**kwargs)
    return ray


def main(argv: list[str] | None = None) -> int:
    """Bridge process entry point: ``python -m lstm_core.executors.bridge FD``."""
    argv = sys.argv[1:] if argv is None else argv
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    conn = Connection(int(argv[0]))
    settings = wire.recv(conn)
    try:
        ray = connect(settings)
        res = ray.cluster_resources()
    except Exception as exc:  # noqa: BLE001 - told to the app in one sentence
        log.exception("could not connect to the Ray cluster")
        wire.send(conn, ("fail", f"{type(exc).__name__}: {str(exc)[:200]}"))
        return 1
    cpus, gpus = int(res.get("CPU", 0)), float(res.get("GPU", 0))
    pool = Pool(ray, capacity=cpus, threads=int(settings.get("threads", 1)), idle_s=float(settings.get("idle_s", 120)))
    bridge = Bridge(conn, ray, pool)
    wire.send(conn, ("ready", {"cpus": cpus, "gpus": gpus, "nodes": len(ray.nodes())}))
    try:
        bridge.serve()
    finally:
        pool.close()
        ray.shutdown()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
