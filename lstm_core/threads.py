"""How many torch threads a training job uses, so that the machine is never oversubscribed.

Measured on 2 cores (``benchmarks/bench_threads.py``): a default airline run (its networks
and backtest; 3-4 s with one torch thread in session 14) gains 12-28% with two threads on an
idle machine, at 1.4-1.7x the CPU time (it gained nothing, 1.02x, with session 6's engine),
but two such runs at once with two threads each are at least 2x slower than with one each, and
up to 10x beside other busy processes (spinning OpenMP threads fight for cores). A small model
is trained where other jobs may train too (the app's workers, a class's runs), so small
recurrent models use one thread. Larger ones (hidden 256 x 2 layers: 0.66-0.78x the time with
two threads on an idle machine) take the cores that are idle now and not claimed by other LSTM
Lab processes (a file per process in :data:`CLAIMS_DIR`), divided by the jobs that will run at
once: two such CLI runs started together pick one thread each (1.06x, against >= 2.01x with two
each).
"""

from __future__ import annotations

import atexit
import logging
import os
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import torch

log = logging.getLogger(__name__)

#: Units x layers up to which a model counts as small: one thread is fastest (measured).
SMALL_MODEL_UNITS = 256
#: Most threads a single job ever takes (the recurrence is sequential; more do not pay).
MAX_THREADS = 8


def available_cores() -> int:
    """Cores this process may run on (its CPU affinity), at least 1."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def _cpu_times() -> tuple[float, float] | None:
    """(idle, total) jiffies from /proc/stat, or None where it does not exist."""
    try:
        with open("/proc/stat") as fh:
            parts = fh.readline().split()[1:]
    except OSError:
        return None
    values = [float(v) for v in parts]
    idle = values[3] + (values[4] if len(values) > 4 else 0.0)
    return idle, sum(values)


def idle_cores(sample_s: float = 0.05) -> float:
    """Cores left idle by everything else running now (sampled over ``sample_s``).

    Falls back to cores minus the 1-minute load average where /proc/stat is missing.
    """
    cores = available_cores()
    a = _cpu_times()
    if a is None:
        try:
            return max(0.0, cores - os.getloadavg()[0])
        except OSError:
            return float(cores)
    time.sleep(sample_s)
    b = _cpu_times()
    if b is None or b[1] <= a[1]:
        return float(cores)
    frac = max(0.0, min(1.0, (b[0] - a[0]) / (b[1] - a[1])))
    return min(float(cores), frac * float(os.cpu_count() or cores))


#: Where processes of this machine record how many threads they train with (a file per pid).
CLAIMS_DIR = Path(tempfile.gettempdir()) / "lstm-lab-threads"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def claimed_by_others() -> int:
    """Threads that other live LSTM Lab processes on this machine have claimed (stale claims are removed)."""
    total = 0
    try:
        entries = list(CLAIMS_DIR.iterdir())
    except OSError:
        return 0
    for f in entries:
        try:
            pid = int(f.name)
            if pid == os.getpid():
                continue
            if not _alive(pid):
                f.unlink(missing_ok=True)
                continue
            total += max(0, int(f.read_text() or 0))
        except (ValueError, OSError):
            continue
    return total


def claim(n: int) -> None:
    """Record that this process trains with ``n`` threads (removed when it exits)."""
    try:
        CLAIMS_DIR.mkdir(parents=True, exist_ok=True)
        tmp = CLAIMS_DIR / f".{os.getpid()}.tmp"
        tmp.write_text(str(int(n)))
        os.replace(tmp, CLAIMS_DIR / str(os.getpid()))
    except OSError:
        return  # a read-only temp dir only loses the coordination, never the training
    global _CLAIMED
    if not _CLAIMED:
        atexit.register(release)
        _CLAIMED = True


def release() -> None:
    """Drop this process's claim."""
    try:
        (CLAIMS_DIR / str(os.getpid())).unlink(missing_ok=True)
    except OSError:
        pass


_CLAIMED = False


def is_small(hidden_size: int, num_layers: int) -> bool:
    """Whether a recurrent model is small enough that one thread trains it fastest."""
    return hidden_size * num_layers <= SMALL_MODEL_UNITS


def choose_threads(hidden_size: int = 32, num_layers: int = 1, jobs: int = 1, idle: float | None = None) -> int:
    """Torch threads for one of ``jobs`` concurrent trainings of a model this size.

    One for a small model; otherwise the idle cores shared among the jobs (at least 1,
    at most :data:`MAX_THREADS`). ``idle`` defaults to :func:`idle_cores` now.
    """
    if is_small(hidden_size, num_layers):
        return 1
    if idle is None:
        # Claim one thread first, so that processes starting together see each other's claims.
        claim(1)
        idle = min(idle_cores(), available_cores() - claimed_by_others())
    share = int(max(1.0, idle) // max(1, jobs))
    return int(max(1, min(MAX_THREADS, available_cores(), share)))


def apply(n: int) -> int:
    """Set the calling thread's torch thread count to ``n`` and claim them; returns it."""
    torch.set_num_threads(int(n))
    claim(n)
    log.debug("torch threads set to %d", n)
    return int(n)


#: ``LSTM_LAB_KEEP_THREADS=1``: :func:`small_model_threads` leaves the caller's torch thread count alone.
KEEP_ENV = "LSTM_LAB_KEEP_THREADS"


@contextmanager
def small_model_threads(hidden_size: int, num_layers: int) -> Iterator[int]:
    """Within the block, the calling thread trains a small model with one torch thread.

    Measured on 2 cores: ``fit_run`` called straight from Python (a notebook, a script) ran with
    torch's default of one thread per core, and two such processes at once trained the airline
    series about 10x slower than with one thread each (their OpenMP threads spun against each
    other). Alone on an idle machine two threads gain 12-28% on that run, far less than what
    they cost when processes compete (see the module note). A larger model keeps the caller's count (the CLI and the job registry choose it). The
    caller's count is restored after the block. With the environment variable
    :data:`KEEP_ENV` set to 1 the caller's count is kept for every model (a benchmark that
    measures thread counts sets it). Yields the count in use.
    """
    if not is_small(hidden_size, num_layers) or os.environ.get(KEEP_ENV) == "1":
        yield torch.get_num_threads()
        return
    before = torch.get_num_threads()
    if before != 1:
        torch.set_num_threads(1)
    try:
        yield 1
    finally:
        if torch.get_num_threads() != before:
            torch.set_num_threads(before)
