"""Run zips restored in the background, off the page scripts.

Unpacking a run zip and rebuilding its run (the model, the preprocessing refitted on its data,
an evaluation) takes seconds for the largest zip the limits allow. Done inside a page script it
holds one of the server's few script slots (``ui/throttle.py``), so a couple of hostile uploads
kept every new visitor from getting a page. A :class:`Restorer` does that work on its own
low-priority thread; the page keeps the returned id and polls :meth:`Restorer.get`.

The checks that cost nothing (size, declared entries: :func:`~lstm_core.runs.check_zip`) run in
:meth:`Restorer.submit`, before anything is queued; the rows and the rows-times-weights bound are
checked while unpacking, before the run is rebuilt (:func:`~lstm_core.runs.zip_to_run_dir`).
"""

from __future__ import annotations

import logging
import re
import tempfile
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

import torch

from .config import ConfigError
from .data import DataError
from .jobs import lower_thread_priority
from .pipeline import Run
from .runs import RunError, changed_note, check_zip, load_run, read_about, zip_to_run_dir

log = logging.getLogger(__name__)

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"


@dataclass(frozen=True)
class Restore:
    """One upload's restore: ``status`` is queued, running, done (``run`` set, and ``job_id`` when
    it was kept as a stored run; ``message``: a warning where its scores re-evaluate to others than
    it was saved with, else empty) or failed (``message``: one sentence saying what is wrong)."""

    id: str
    name: str
    status: str
    message: str = ""
    run: Run | None = None
    seconds: float = 0.0
    job_id: str = ""

    @property
    def active(self) -> bool:
        return self.status in (QUEUED, RUNNING)


def in_zip(message: str, folder: str, name: str) -> str:
    """``message`` of a run folder unpacked into the server's temporary ``folder``, said of the
    zip ``name`` the person uploaded: "/tmp/lstm-lab-x1/run/config.json is unreadable (...); the
    run folder is damaged" named a folder of the server nobody can see; now "config.json in
    sine.zip is unreadable (...); the run zip is damaged"."""
    if not folder:
        return message
    for sep in ("/", "\\"):
        message = re.sub(re.escape(folder + sep) + r"([\w.-]+)", lambda m: f"{m.group(1)} in {name}", message)
    message = message.replace(folder, name)
    return message.replace("the run folder is damaged", "the run zip is damaged")


class Restorer:
    """A small pool (default one thread, lowered CPU priority, one torch thread) that restores
    run zips; at most ``max_pending`` wait at once, server-wide, and the last ``keep`` results
    are kept for their pages to pick up."""

    def __init__(self, workers: int = 1, max_pending: int = 8, keep: int = 200, nice: int = 10):
        self.max_pending, self.keep, self._nice = max_pending, keep, nice
        self._pool = ThreadPoolExecutor(workers, thread_name_prefix="lstm-lab-restore", initializer=self._init)
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        self._items: OrderedDict[str, Restore] = OrderedDict()

    def _init(self) -> None:
        torch.set_num_threads(1)
        lower_thread_priority(self._nice)

    def submit(self, name: str, data: bytes, keep: Callable[[Run, dict], str] | None = None) -> str:
        """Queue ``data`` (an uploaded zip named ``name``); returns the restore's id. Raises
        RunError at once when the cheap checks fail or too many restores are waiting.

        ``keep`` (e.g. a job registry's :meth:`~lstm_core.jobs.JobRegistry.add_run` for the
        uploader) is called on the restore's thread with the rebuilt run and what the zip's
        :data:`~lstm_core.runs.ABOUT_FILE` says of it (:func:`~lstm_core.runs.read_about`: its name, its
        data's name, its pin; ``{}`` for a zip without one) and returns the id it is
        kept under (``Restore.job_id``): stored like a trained run, off the page script, and kept
        even when the page that uploaded it is gone before the restore ends."""
        check_zip(data)
        with self._lock:
            if sum(r.active for r in self._items.values()) >= self.max_pending:
                raise RunError("The server is restoring other uploads right now; upload the zip again in a minute.")
            rid = uuid.uuid4().hex
            self._items[rid] = Restore(rid, name, QUEUED)
            while len(self._items) > self.keep:
                oldest = next(iter(self._items))
                if self._items[oldest].active:
                    break
                del self._items[oldest]
        self._pool.submit(self._work, rid, data, keep)
        return rid

    def get(self, rid: str | None) -> Restore | None:
        with self._lock:
            return self._items.get(rid) if rid else None

    def wait(self, rid: str, timeout: float) -> Restore | None:
        """Block until the restore has ended (or ``timeout`` s pass); returns its state."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while (r := self._items.get(rid)) is not None and r.active:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                self._changed.wait(left)
            return r

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)

    def _set(self, rid: str, **changes) -> None:
        with self._changed:
            if rid in self._items:
                self._items[rid] = replace(self._items[rid], **changes)
            self._changed.notify_all()

    def _name(self, rid: str) -> str:
        with self._lock:
            r = self._items.get(rid)
            return r.name if r is not None else "the zip"

    def _work(self, rid: str, data: bytes, keep: Callable[[Run, dict], str] | None = None) -> None:
        t0 = time.perf_counter()
        self._set(rid, status=RUNNING)
        folder = ""
        try:
            with tempfile.TemporaryDirectory(prefix="lstm-lab-") as tmp:
                folder = str(Path(tmp) / "run")
                run = load_run(zip_to_run_dir(data, Path(folder)))
                changed = changed_note(folder, run)
                about = read_about(folder)
        except (RunError, DataError, ConfigError) as exc:
            name = self._name(rid)
            message = in_zip(str(exc), folder, name)
            if isinstance(exc, ConfigError):  # "Unknown cell 'x'; choose one of ...": of the zip's config.json
                message = f"config.json in {name} is not a valid run configuration ({message.rstrip('.')}); the run zip is damaged."
            self._set(rid, status=FAILED, message=message, seconds=time.perf_counter() - t0)
            return
        except Exception as exc:  # noqa: BLE001 - untrusted upload: one sentence, the details logged
            log.exception("restoring an uploaded run zip failed")
            message = f"The run zip could not be restored ({type(exc).__name__}); download it again."
            self._set(rid, status=FAILED, message=message, seconds=time.perf_counter() - t0)
            return
        job_id = ""
        if keep is not None:
            try:
                job_id = keep(run, about)
            except Exception as exc:  # noqa: BLE001 - the details logged, one sentence for the page
                log.exception("a restored run zip could not be kept")
                message = f"The run was restored but could not be kept ({type(exc).__name__}); upload the zip again."
                self._set(rid, status=FAILED, message=message, seconds=time.perf_counter() - t0)
                return
        # done, with a warning where the zip's scores are not those its files give (changed after training)
        message = f"{self._name(rid)}: {changed}" if changed else ""
        self._set(rid, status=DONE, run=run, job_id=job_id, message=message, seconds=time.perf_counter() - t0)
