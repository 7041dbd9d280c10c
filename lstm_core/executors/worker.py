"""The Ray actor that trains: one job at a time, polled by the bridge for its progress.

This module does not import ray: :mod:`~lstm_core.executors.bridge` wraps :class:`TrainWorker`
with ``ray.remote`` (a threaded actor, so that :meth:`TrainWorker.poll` and
:meth:`TrainWorker.stop` run while :meth:`TrainWorker.train` trains). It runs in a Ray worker
process, with torch pinned to the CPUs the actor declared.
"""

from __future__ import annotations

import copy
import os
import threading
from typing import Any

import torch

from ..callbacks import Callbacks
from ..gates import GateRecorder
from ..memory_task import MemoryConfig, MemoryResult, train_one
from ..pipeline import Run, fit_run

#: One progress event: ``("phase", name)``, ``("gates_init", (prep, record))`` or ``("epoch", EpochStats)``.
Event = tuple[str, Any]
#: What :meth:`TrainWorker.poll` returns: (new events, new gate entries, (epoch, ModelConfig, CPU
#: state dict) when newer weights exist else None, whether the job's call has returned).
Poll = tuple[list[Event], list[dict], tuple[int, Any, dict] | None, bool]


class TrainWorker:
    """Trains one run (or one long-memory pair) at a time and keeps its progress for polling.

    ``threads``: torch intra-op threads, the CPUs the actor declared (1 by default).
    """

    def __init__(self, threads: int = 1):
        self.threads = max(1, int(threads))
        self._cond = threading.Condition()
        self._token = ""
        self._events: list[Event] = []
        self._recorder: GateRecorder | None = None
        self._snap_epoch = -1
        self._done = True
        self._stop = threading.Event()

    def pid(self) -> int:
        """The worker process id (the tests kill it to simulate a lost worker)."""
        return os.getpid()

    def _begin(self, token: str) -> None:
        with self._cond:
            self._token, self._events, self._recorder, self._snap_epoch = token, [], None, -1
            self._done = False
            self._stop = threading.Event()
            self._cond.notify_all()
        # torch.set_num_threads binds the OpenMP pool of the calling thread (see jobs.pin_threads)
        torch.set_num_threads(self.threads)

    def _end(self) -> None:
        with self._cond:
            self._done = True
            self._cond.notify_all()

    def _emit(self, kind: str, payload: Any) -> None:
        with self._cond:
            self._events.append((kind, payload))
            self._cond.notify_all()

    def train(self, token: str, series: Any, cfg: Any) -> Run:
        """``fit_run(series, cfg)`` with callbacks that record the progress for :meth:`poll`."""
        self._begin(token)

        def on_gates(rec: GateRecorder) -> None:
            with self._cond:
                self._recorder = rec
            self._emit("gates_init", (rec.prep, rec.record))

        try:
            cb = Callbacks(
                on_epoch=lambda s: self._emit("epoch", s),
                on_phase=lambda p: self._emit("phase", p),
                on_gates=on_gates,
                on_preview=lambda look: self._emit("preview", look),
                stop=self._stop,
            )
            return fit_run(series, cfg, callbacks=cb)
        finally:
            self._end()

    def memory(self, token: str, cell: str, lag: int, cfg: MemoryConfig) -> MemoryResult:
        """One (cell, lag) pair of a long-memory sweep (:func:`~lstm_core.memory_task.train_one`)."""
        self._begin(token)
        try:
            return train_one(cell, lag, cfg, self._stop)
        finally:
            self._end()

    def poll(self, token: str, cursor: int, gates_cursor: int, wait_s: float) -> Poll:
        """Events after ``cursor`` and gate entries after ``gates_cursor`` of job ``token``;
        waits up to ``wait_s`` seconds for something new (long polling, no busy loop)."""
        with self._cond:
            # the job's own call may not have begun yet (a threaded actor runs calls side by side)
            self._cond.wait_for(
                lambda: token == self._token and (len(self._events) > cursor or self._done), timeout=wait_s
            )
            if token != self._token:
                return [], [], None, False
            events, rec, done = self._events[cursor:], self._recorder, self._done
        entries: list[dict] = []
        snap = None
        if rec is not None:
            entries = rec.get_history()[gates_cursor:]
            # The weights as they are, not rec.snapshot(): building a Forecaster draws from torch's
            # global RNG, which the training thread of this process is using (results would
            # depend on when a poll came). epoch_end replaces _state with a fresh dict each epoch.
            with rec.lock:
                state, epoch, live = rec._state, rec.epoch, rec._model
            if state is not None and live is not None and epoch > self._snap_epoch:
                snap = (epoch, copy.deepcopy(live.cfg), state)
                self._snap_epoch = epoch
        return events, entries, snap, done

    def stop(self, token: str) -> None:
        """Ask job ``token`` to stop within one batch (it keeps its best weights)."""
        with self._cond:
            if token == self._token:
                self._stop.set()
