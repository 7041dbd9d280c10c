"""Finished training jobs on disk, so that a server restart loses no run.

Layout under the store's root (``$LSTM_LAB_HOME/jobs``; ``LSTM_LAB_HOME`` defaults to
``$XDG_DATA_HOME/lstm-lab``, else ``~/.local/share/lstm-lab``)::

    <job id>/           a run folder written by :func:`lstm_core.runs.save_run`
    <job id>/job.json   who owns the job, its label, tags, status, message and times

``job.json`` is written last (atomically), so a folder without it is an unfinished save and
<<<<<<< HEAD
is ignored. A job is also recorded when it is queued (``job.json`` and its ``data.csv`` only):
found without a run after a restart, it was interrupted, and can be trained again on its data. The job registry saves a job when it ends with a run, reads the index when it
starts and loads the runs back in the background, and deletes a job's folder when it evicts
the job (the same two-hour and per-owner bounds as in memory).
=======
is ignored; so are the ``.<job id>.tmp-*`` / ``.<job id>.old-*`` folders of a save in progress,
and those a killed save left behind are removed when the index is read
(:func:`lstm_core.runs.clean_leftovers`). The job registry saves a job when it ends with a
run, reads the index when it starts and loads the runs back in the background, and deletes a
job's folder when it evicts the job (the same two-hour and per-owner bounds as in memory).
>>>>>>> h-zips
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from .pipeline import Run
from .runs import _frame_from_csv, _frame_to_csv, clean_leftovers, is_run_dir, load_run, save_run

log = logging.getLogger(__name__)

ENV = "LSTM_LAB_HOME"
META = "job.json"
DATA = "data.csv"
_ID_CHARS = frozenset("0123456789abcdef")


def default_home() -> Path:
    """``$LSTM_LAB_HOME``, else ``$XDG_DATA_HOME/lstm-lab``, else ``~/.local/share/lstm-lab``."""
    if os.environ.get(ENV):
        return Path(os.environ[ENV]).expanduser()
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "lstm-lab"


@dataclass(frozen=True)
class StoredJob:
    """What ``job.json`` records of a finished job (the run itself is the folder beside it)."""

    id: str
    owner: str
    label: str
    status: str
    message: str
    config: dict[str, Any]
    tags: dict[str, str | int]
    epochs_planned: int
    created: float
    started: float | None
    finished: float | None
    series: dict[str, Any] = field(default_factory=dict)  # the data's name, frequency, season, missing policy


class RunStore:
    """Finished jobs' runs under ``root`` (created on first use)."""

    def __init__(self, root: str | os.PathLike):
        self.root = Path(root)

    @classmethod
    def default(cls) -> RunStore:
        """The store under :func:`default_home`."""
        return cls(default_home() / "jobs")

    def _folder(self, job_id: str) -> Path:
        if not job_id or not set(job_id) <= _ID_CHARS:
            raise ValueError(f"not a job id: {job_id!r}")
        return self.root / job_id

    def save(self, meta: StoredJob, run: Run) -> Path:
        """Write the run folder (replacing the queued record), then ``job.json``; returns the folder."""
        folder = self._folder(meta.id)
        self.root.mkdir(parents=True, exist_ok=True)
        if folder.is_dir() and not is_run_dir(folder):
            shutil.rmtree(folder)  # the record written when the job was queued
        save_run(run, folder, overwrite=True)
        self._write_meta(folder, meta)
        return folder

    def save_queued(self, meta: StoredJob, frame: pd.DataFrame) -> Path:
        """Record a job as it is queued: its ``data.csv`` (to train it again) and ``job.json``."""
        folder = self._folder(meta.id)
        folder.mkdir(parents=True, exist_ok=True)
        _frame_to_csv(frame, folder / DATA)  # as a run folder's data.csv (read back by _frame_from_csv)
        self._write_meta(folder, meta)
        return folder

    @staticmethod
    def _write_meta(folder: Path, meta: StoredJob) -> None:
        fd, tmp = tempfile.mkstemp(prefix=".job-", suffix=".json", dir=folder)
        with os.fdopen(fd, "w") as f:
            json.dump(meta.__dict__, f, indent=2, default=str)
        os.replace(tmp, folder / META)

    def has_run(self, job_id: str) -> bool:
        """Whether the stored job has its run (else it was interrupted before it ended)."""
        return is_run_dir(self._folder(job_id))

    def data(self, job_id: str) -> pd.DataFrame:
        """The data an interrupted job was queued with (time index restored when it had one)."""
        path = self._folder(job_id) / DATA
        index = pd.read_csv(path, index_col=0, usecols=[0]).index
        return _frame_from_csv(path, datetime_index=not pd.api.types.is_numeric_dtype(index))

    def entries(self) -> list[StoredJob]:
        """Every complete stored job, oldest first; damaged ones are skipped (and logged)."""
        out: list[StoredJob] = []
        if not self.root.is_dir():
            return out
        clean_leftovers(self.root)  # what saves killed by a server stop left behind
        for folder in self.root.iterdir():
            if folder.name.startswith("."):  # a save in progress (or a recent leftover): not a job
                continue
            path = folder / META
            if not path.is_file():
                continue
            try:
                d = json.loads(path.read_text())
                meta = StoredJob(**d)
                if meta.id != folder.name:
                    raise ValueError("id does not match its folder")
            except (OSError, ValueError, TypeError) as exc:
                log.warning("skipping stored job %s: %s", folder.name, exc)
                continue
            out.append(meta)
        return sorted(out, key=lambda m: m.finished or m.created)

    def load(self, job_id: str) -> Run:
        """The stored run (re-evaluated exactly as saved). Raises RunError when damaged."""
        return load_run(self._folder(job_id))

    def delete(self, job_id: str) -> None:
        """Remove a stored job (nothing when it is not stored)."""
        shutil.rmtree(self._folder(job_id), ignore_errors=True)
