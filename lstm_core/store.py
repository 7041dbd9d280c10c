"""Finished training jobs on disk, so that a server restart loses no run.

Layout under the store's root (``$LSTM_LAB_HOME/jobs``; ``LSTM_LAB_HOME`` defaults to
``$XDG_DATA_HOME/lstm-lab``, else ``~/.local/share/lstm-lab``)::

    <job id>/           a run folder written by :func:`lstm_core.runs.save_run`
    <job id>/job.json   who owns the job, its label, tags, status, message and times

``job.json`` is written last (atomically), so a folder without it is an unfinished save and
is ignored; so are the ``.<job id>.tmp-*`` / ``.<job id>.old-*`` folders of a save in progress,
and those a killed save left behind are removed when the index is read
(:func:`lstm_core.runs.clean_leftovers`). The job registry saves a job when it ends with a
run, reads the index when it starts and loads the runs back in the background, and deletes a
job's folder when it evicts the job (the same two-hour and per-owner bounds as in memory).
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .pipeline import Run
from .runs import clean_leftovers, is_run_dir, load_run, save_run

log = logging.getLogger(__name__)

ENV = "LSTM_LAB_HOME"
META = "job.json"
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
    finished: float


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
        """Write the run folder, then ``job.json``; returns the folder."""
        folder = self._folder(meta.id)
        self.root.mkdir(parents=True, exist_ok=True)
        save_run(run, folder, overwrite=True)
        fd, tmp = tempfile.mkstemp(prefix=".job-", suffix=".json", dir=folder)
        with os.fdopen(fd, "w") as f:
            json.dump(meta.__dict__, f, indent=2, default=str)
        os.replace(tmp, folder / META)
        return folder

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
            if not (path.is_file() and is_run_dir(folder)):
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
        return sorted(out, key=lambda m: m.finished)

    def load(self, job_id: str) -> Run:
        """The stored run (re-evaluated exactly as saved). Raises RunError when damaged."""
        return load_run(self._folder(job_id))

    def delete(self, job_id: str) -> None:
        """Remove a stored job (nothing when it is not stored)."""
        shutil.rmtree(self._folder(job_id), ignore_errors=True)
