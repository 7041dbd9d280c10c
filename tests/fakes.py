"""Fast fakes for the UI tier: a job registry that completes every job at once.

:func:`fake_registry` swaps the registry the pages use (``ui.state.use_registry``) for an
*inline* :class:`~lstm_core.jobs.JobRegistry`: a job runs on the submitting thread before
``submit`` returns, so a page test needs no polling. Its runner returns a copy of a tiny
pre-built Run (cell, hidden size and layers as submitted; at most 3 epochs, one network, no
representation backtest), built once per process and configuration; its sweeper returns
stand-in rows without training. Tests about the engine or the registry use the real one.
"""

from __future__ import annotations

import copy
import hashlib
import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict

import pandas as pd

from lstm_core.callbacks import Callbacks
from lstm_core.config import RunConfig
from lstm_core.data import Series, as_series
from lstm_core.jobs import JobRegistry
from lstm_core.memory_task import MemoryConfig, MemoryResult
from lstm_core.pipeline import Run, fit_run
from lstm_core.train import FitStatus

TINY_EPOCHS = 3
_BUILT: dict[str, Run] = {}
_LOCK = threading.Lock()


def tiny_config(cfg: RunConfig) -> RunConfig:
    """``cfg`` cut down to a run that trains in well under a second."""
    tiny = RunConfig.from_dict(cfg.to_dict())
    tiny.train.epochs = min(tiny.train.epochs, TINY_EPOCHS)
    tiny.train.ensemble, tiny.train.patience, tiny.train.device = 1, None, "cpu"
    tiny.train.record_gates = True
    if tiny.data.transform == "auto":
        tiny.data.transform = "none"
    return tiny


def prebuilt_run(data: Series | pd.DataFrame, cfg: RunConfig) -> Run:
    """The tiny Run for this series and (cut-down) config, trained on first use and then kept."""
    series = as_series(data)
    tiny = tiny_config(cfg)
    key = hashlib.sha1(
        json.dumps(tiny.to_dict(), sort_keys=True, default=str).encode()
        + pd.util.hash_pandas_object(series.frame, index=True).to_numpy().tobytes()
        + str((series.season, series.frequency, series.missing_policy, series.utc_offset)).encode()
    ).hexdigest()
    with _LOCK:
        if key not in _BUILT:
            _BUILT[key] = fit_run(series, tiny)
        return _BUILT[key]


def prebuilt_runner(data: Series | pd.DataFrame, cfg: RunConfig, *, callbacks: Callbacks | None = None) -> Run:
    """``fit_run`` stand-in: replays the pre-built run's epochs through ``callbacks``, returns a copy."""
    cb = callbacks or Callbacks()
    run = copy.deepcopy(prebuilt_run(data, cfg))
    cb.phase("training")
    for stats in run.history:
        cb.epoch(stats)
    cb.phase("evaluating")
    if cb.should_stop():
        run.fit.status = FitStatus.CANCELLED
    return run


def fake_sweep(
    cfg: MemoryConfig, on_result: Callable[[MemoryResult], None] | None = None, stop: threading.Event | None = None
) -> pd.DataFrame:
    """``memory_task.sweep`` stand-in: one stand-in row per (cell, lag), nothing trained."""
    rows = []
    for lag in cfg.lags:
        for cell in cfg.cells:
            if stop is not None and stop.is_set():
                break
            acc = 0.5 if cell == "rnn" else 1.0
            res = MemoryResult(cell, int(lag), acc, acc, cfg.max_steps, 0.0, acc >= cfg.solve_at)
            rows.append(asdict(res))
            if on_result is not None:
                on_result(res)
    return pd.DataFrame(rows, columns=list(MemoryResult.__dataclass_fields__))


def inline_registry() -> JobRegistry:
    """An inline registry with the fast runner and sweeper."""
    return JobRegistry(max_workers=1, torch_threads=0, runner=prebuilt_runner, sweeper=fake_sweep, inline=True)


@contextmanager
def fake_registry(reg: JobRegistry | None = None) -> Iterator[JobRegistry]:
    """The pages use ``reg`` (default :func:`inline_registry`) inside the block, then the one before."""
    from ui import state

    reg = reg or inline_registry()
    previous = state.use_registry(reg)
    try:
        yield reg
    finally:
        state.use_registry(previous)
        reg.close()
