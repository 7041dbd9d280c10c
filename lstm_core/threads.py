"""How many torch threads a training job uses, so that the machine is never oversubscribed.

Measured on 2 cores (``benchmarks/bench_threads.py``): a default airline run trains in
about 0.3 s with one torch thread; two runs at once with two threads each took 3.5 s each,
and beside another multi-threaded process 34 s (spinning OpenMP threads fight for cores).
Small recurrent models gain nothing from more threads (the work per step is tiny), so they
use one. Larger ones use more, but never more than the cores that are idle now divided by
the jobs that will run at once.
"""
from __future__ import annotations

import logging
import os
import time

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
    free = idle_cores() if idle is None else idle
    share = int(max(1.0, free) // max(1, jobs))
    return int(max(1, min(MAX_THREADS, available_cores(), share)))


def apply(n: int) -> int:
    """Set the calling thread's torch thread count to ``n``; returns it."""
    torch.set_num_threads(int(n))
    log.debug("torch threads set to %d", n)
    return int(n)
