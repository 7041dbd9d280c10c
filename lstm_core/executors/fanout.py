"""A comparison as jobs of a :class:`~lstm_core.jobs.JobRegistry`: one job per (variant, seed),
all queued at once, so that an executor with many CPUs (a Ray cluster) trains them side by side.

The app's Compare page submits the same jobs (same configs, labels and tags); the command line
(``compare --ray``), the benchmark and the tests use :func:`compare_jobs`. The table and the
per-seed results are those of :func:`~lstm_core.compare.run_comparison` for the same seeds.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable

import numpy as np
import pandas as pd

from ..compare import CompareConfig, SeedResult, job_label, job_tags, summarize, variant_run_config
from ..config import ConfigError
from ..data.series import Series
from ..job_status import JobStatus
from ..jobs import JobRegistry
from ..pipeline import Run


def seed_result(variant: str, seed: int, run: Run) -> SeedResult:
    """A trained (variant, seed) as the comparison table needs it."""
    hist = run.history_frame()
    assert run.metrics is not None  # fit_run evaluates every run
    return SeedResult(
        variant,
        seed,
        run.metrics,
        hist["val_loss"].to_numpy(np.float32, na_value=np.nan),
        hist["train_loss"].to_numpy(np.float32),
    )


def compare_jobs(
    reg: JobRegistry,
    data: Series | pd.DataFrame,
    cfg: CompareConfig,
    *,
    owner: str = "compare",
    on_progress: Callable[[str, int, int, int], None] | None = None,
    stop: threading.Event | None = None,
    timeout: float = 24 * 3600,
) -> tuple[pd.DataFrame, list[SeedResult]]:
    """Queue every (variant, seed) in ``reg`` and wait for all; returns ``(summarize(...), results)``
    in the order of :func:`~lstm_core.compare.run_comparison`. ``on_progress(variant, seed, done,
    total)`` after each run (in that order); ``stop.set()`` cancels what is left. Raises
    ConfigError naming the variant when a run fails or diverges, TimeoutError after ``timeout`` s.
    """
    cfg.validate()
    group = uuid.uuid4().hex[:12]
    jobs = [
        (
            v.label(),
            seed,
            reg.submit(
                data,
                variant_run_config(cfg, v, seed),
                owner=owner,
                label=job_label(v.label(), seed),
                tags=job_tags(group, v.label(), seed),
            ),
        )
        for v in cfg.variants
        for seed in cfg.seeds
    ]
    results: list[SeedResult] = []
    try:
        for done, (label, seed, jid) in enumerate(jobs, 1):
            snap = reg.wait_until(jid, lambda s: not s.active or (stop is not None and stop.is_set()), timeout=timeout)
            if snap.active:  # stopped: cancel the rest and keep what is done
                break
            if snap.status in (JobStatus.FAILED, JobStatus.DIVERGED) or snap.run is None:
                raise ConfigError(f"Variant {label!r}, seed {seed}: {snap.message}")
            results.append(seed_result(label, seed, snap.run))
            if on_progress is not None:
                on_progress(label, seed, done, len(jobs))
    finally:
        for _, _, jid in jobs:
            reg.cancel(jid)  # no-op for the jobs that ended
    return summarize(results, cfg.names()), results
