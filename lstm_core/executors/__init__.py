"""Where the job registry's jobs run: local threads (the default) or a Ray cluster.

The default needs nothing: :class:`~lstm_core.jobs.JobRegistry` without an executor runs jobs
on its own worker threads, as always. With ``LSTM_LAB_RAY_ADDRESS`` set (``auto``,
``host:port``, or ``local`` for a private cluster on this machine), :func:`from_env` returns a
:class:`~lstm_core.executors.ray_executor.RayExecutor` and the registry sends every job to
the cluster (see :class:`Executor` for the seam). ray itself is imported only by the bridge
process that the Ray executor starts; nothing here imports it.

Environment (read by :func:`from_env`):

* ``LSTM_LAB_RAY_ADDRESS``: ``auto`` | ``host:port`` | ``local`` (empty: threads).
* ``LSTM_LAB_RAY_CPUS`` / ``LSTM_LAB_RAY_GPUS``: size of a ``local`` cluster (default: this machine's).
* ``LSTM_LAB_RAY_TMPDIR``: Ray's temp folder for a ``local`` cluster (keep it short: Unix sockets live there).
* ``LSTM_LAB_RAY_MAX_JOBS``: most jobs at once (default 32; the cluster's CPUs bound it too).
* ``LSTM_LAB_RAY_RETRIES``: how often a job whose worker died is started again (default 1).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    import pandas as pd

    from ..callbacks import Callbacks
    from ..pipeline import Run
    from .ray_executor import ExecutorStatus, RayExecutor

ADDRESS_ENV = "LSTM_LAB_RAY_ADDRESS"


class Executor(Protocol):
    """What :class:`~lstm_core.jobs.JobRegistry` needs from a non-default executor.

    ``slots`` worker threads are started; each calls :meth:`admit` before it takes a queued
    job (so jobs wait in the fair queue while the executor cannot take them) and
    :meth:`release` after, and runs the job through :meth:`runner` (``fit_run``-compatible) or
    :meth:`sweeper` (``memory_task.sweep``-compatible).
    """

    name: str
    slots: int

    def admit(self, timeout: float) -> bool: ...
    def release(self) -> None: ...
    def runner(self, data: Any, cfg: Any, *, callbacks: Callbacks | None = None) -> Run: ...
    def sweeper(
        self, cfg: Any = None, on_result: Callable[[Any], None] | None = None, stop: threading.Event | None = None
    ) -> pd.DataFrame: ...
    def status(self) -> ExecutorStatus: ...
    def close(self, timeout: float = 30.0) -> None: ...


def _int_env(name: str) -> int | None:
    text = os.environ.get(name, "").strip()
    if not text:
        return None
    if not text.isdigit():
        from ..config import ConfigError

        raise ConfigError(f"{name} must be a whole number (got {text!r}).")
    return int(text)


def make_ray_executor(address: str, **kwargs: Any) -> RayExecutor:
    """A :class:`~lstm_core.executors.ray_executor.RayExecutor` for ``address`` (it starts
    connecting in the background at once)."""
    from .ray_executor import RayExecutor

    return RayExecutor(address, **kwargs)


def from_env() -> RayExecutor | None:
    """The Ray executor that ``LSTM_LAB_RAY_ADDRESS`` asks for, or None (local threads)."""
    address = os.environ.get(ADDRESS_ENV, "").strip()
    if not address:
        return None
    kwargs: dict[str, Any] = {
        "num_cpus": _int_env("LSTM_LAB_RAY_CPUS"),
        "num_gpus": _int_env("LSTM_LAB_RAY_GPUS"),
        "temp_dir": os.environ.get("LSTM_LAB_RAY_TMPDIR") or None,
    }
    for key, env in (("max_jobs", "LSTM_LAB_RAY_MAX_JOBS"), ("retries", "LSTM_LAB_RAY_RETRIES")):
        value = _int_env(env)
        if value is not None:
            kwargs[key] = value
    return make_ray_executor(address, **kwargs)
