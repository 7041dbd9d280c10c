"""Training jobs on disk, so that a server restart loses no run: the run store.

Layout under the store's root (``$LSTM_LAB_HOME/jobs``; ``LSTM_LAB_HOME`` defaults to
``$XDG_DATA_HOME/lstm-lab``, else ``~/.local/share/lstm-lab``)::

    index.sqlite3       the run index (:mod:`lstm_core.index`): one row per job, WAL mode
    data/<sha256>.csv   each dataset once, named by the hash of its content
    <job id>/           a run folder written by :func:`lstm_core.runs.save_run`; its data.csv is
                        a hard link to the shared copy (a 6 x 5 comparison stores its data once)
    <job id>/job.json   who owns the job, its label, tags, status, message, times, pinned flag
                        and headline metrics: what the index holds, so it can be rebuilt

``job.json`` is written last (atomically), so a folder without it is an unfinished save and
is ignored; so are the ``.<job id>.tmp-*`` / ``.<job id>.old-*`` folders of a save in progress,
and those a killed save left behind are removed when the store opens
(:func:`lstm_core.runs.clean_leftovers`). A job is also recorded when it is queued
(``job.json`` and its ``data.csv`` only): found without a run after a restart, it was
interrupted, and can be trained again on its data.

The store is the truth and the job registry's memory holds what is in use: the registry
lists the index when it starts (no job.json is read), loads runs back in the background, and
reopens an older run from disk when its link is followed. Nothing is deleted from disk when
memory lets a job go; runs leave the disk when their owner deletes them, when a queued job
fails, or when the owner's disk quota (:data:`QUOTA_ENV`, megabytes per owner) is exceeded:
then the owner's oldest runs that are neither pinned nor part of a comparison go first, and
:meth:`RunStore.enforce_quota` returns them so that the page can name them.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import tempfile
import threading
import unicodedata
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import pandas as pd

from . import csvsafe
from .data.frequency import is_utc_offset
from .data.series import Series, stored_filled
from .index import RunIndex, RunRecord
from .pipeline import Run
from .results import RunMetrics
from .runs import _frame_from_csv, _frame_to_csv, clean_leftovers, is_run_dir, load_run, replace_file, save_run
from .verdict import judge

log = logging.getLogger(__name__)

ENV = "LSTM_LAB_HOME"
#: Disk space each owner's runs may take, in megabytes (default :data:`DEFAULT_QUOTA_MB`).
QUOTA_ENV = "LSTM_LAB_QUOTA_MB"
DEFAULT_QUOTA_MB = 500
META = "job.json"
DATA = "data.csv"
INDEX = "index.sqlite3"
SHARED = "data"
#: Folder of the quota's notices not yet shown: one JSON list of run names per owner, kept on disk
#: so that a restart before the owner's next visit does not lose the news that runs were deleted.
NOTICES = "notices"
#: Folder of each owner's last loaded dataset (one file per owner, as the app wrote it): a reload, a
#: page opened by its address or a server restart opened the bundled airline data instead.
CURRENT = "current"
_ID_CHARS = frozenset("0123456789abcdef")


def default_home() -> Path:
    """``$LSTM_LAB_HOME``, else ``$XDG_DATA_HOME/lstm-lab``, else ``~/.local/share/lstm-lab``."""
    if os.environ.get(ENV):
        return Path(os.environ[ENV]).expanduser()
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "lstm-lab"


MAX_LABEL = 80


ZWJ, BLACK_FLAG = "\u200d", "\U0001f3f4"


def _pictograph(ch: str) -> bool:
    """A symbol an emoji sequence joins (an emoji, a skin tone, a variation selector), not a
    letter, digit, space or punctuation an invisible joiner could make two names look alike with."""
    return unicodedata.category(ch) in ("So", "Sk", "Mn")


def _in_emoji(label: str, i: int) -> bool:
    """Whether the invisible character at ``label[i]`` is part of an emoji: a zero-width joiner
    between two symbols (👩‍💻, 🏳️‍🌈) or a tag of a subdivision flag (🏴 then tags, as England's)."""
    ch = label[i]
    if ch == ZWJ:
        return 0 < i < len(label) - 1 and _pictograph(label[i - 1]) and _pictograph(label[i + 1])
    if "\U000e0020" <= ch <= "\U000e007f":
        j = i
        while j > 0 and "\U000e0020" <= label[j - 1] <= "\U000e007f":
            j -= 1
        return j > 0 and label[j - 1] == BLACK_FLAG
    return False


def check_label(text: object) -> str:
    """A run's new name, stripped. Raises ValueError with one sentence saying what to change."""
    if not isinstance(text, str):
        raise ValueError("A run name must be text.")
    label = text.strip()
    if not label:
        raise ValueError("A run name cannot be empty; type a few words, such as 'GRU 32 on sales'.")
    if len(label) > MAX_LABEL:
        raise ValueError(f"A run name can be at most {MAX_LABEL} characters (this one has {len(label)}); shorten it.")
    if any(
        unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") and not _in_emoji(label, i) for i, ch in enumerate(label)
    ):
        raise ValueError(
            "A run name cannot hold line breaks or invisible characters; type it again on one line without them."
        )
    return label


def default_quota() -> int:
    """Bytes per owner: ``$LSTM_LAB_QUOTA_MB`` megabytes (a bad value: the default, logged)."""
    text = os.environ.get(QUOTA_ENV, "")
    try:
        mb = float(text) if text else DEFAULT_QUOTA_MB
        if not mb > 0:
            raise ValueError
    except ValueError:
        log.warning("%s=%r is not a positive number of megabytes; using %d", QUOTA_ENV, text, DEFAULT_QUOTA_MB)
        mb = DEFAULT_QUOTA_MB
    return int(mb * 2**20)


@dataclass(frozen=True)
class StoredJob:
    """What ``job.json`` records of a job (the run itself is the folder beside it)."""

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
    pinned: bool = False
    summary: dict[str, Any] = field(default_factory=dict)  # see summary_of
    data_hash: str = ""

    @classmethod
    def from_dict(cls, d: Any) -> StoredJob:
        """Read ``job.json``'s object (unknown keys ignored). Raises TypeError / ValueError."""
        if not isinstance(d, dict):
            raise ValueError("job.json is not an object")
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in d.items() if k in known})


def summary_of(metrics: RunMetrics | None) -> dict[str, Any]:
    """The headline metrics the index keeps: ``rmse`` and ``mase`` (one step), ``rmse_multi``
    (the multi-step forecast of the test span) and the ``verdict`` level."""
    if metrics is None:
        return {}
    one, multi = metrics.test, metrics.test_multistep
    return {
        "rmse": None if one is None else float(one.rmse),
        "rmse_multi": None if multi is None else float(multi.rmse),
        "mase": None if one is None or one.mase is None else float(one.mase),
        "verdict": judge(metrics).level,
    }


def _summary_from_folder(folder: Path) -> dict[str, Any]:
    """The headline metrics read from a run folder's metrics.json ({} when unreadable)."""
    try:
        return summary_of(RunMetrics.from_dict(json.loads((folder / "metrics.json").read_text())))
    except Exception:  # noqa: BLE001 - an old or damaged folder simply has no metrics in the index
        return {}


def _hash_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _folder_bytes(folder: Path) -> int:
    """Bytes of a run folder's own files (its data.csv is counted with the shared data)."""
    total = 0
    for p in folder.iterdir():
        if p.name != DATA and p.is_file():
            total += p.stat().st_size
    return total


class RunStore:
    """Jobs' runs under ``root`` (created on first use), with their index.

    ``quota_bytes``: disk space per owner (default :func:`default_quota`).
    """

    def __init__(self, root: str | os.PathLike, quota_bytes: int | None = None):
        self.root = Path(root)
        self.quota_bytes = default_quota() if quota_bytes is None else quota_bytes
        self._index: RunIndex | None = None
        self._open_lock = threading.Lock()
        self._notice_lock = threading.Lock()

    @classmethod
    def default(cls) -> RunStore:
        """The store under :func:`default_home`."""
        return cls(default_home() / "jobs")

    # ------------------------------------------------------------ the index
    @property
    def index(self) -> RunIndex:
        """The open index; opened on first use, and rebuilt from the run folders (logged) when
        it is missing or damaged."""
        if self._index is None:
            with self._open_lock:
                if self._index is None:
                    self.root.mkdir(parents=True, exist_ok=True)
                    clean_leftovers(self.root)  # what saves killed by a server stop left behind
                    index = RunIndex(self.root / INDEX)
                    state = index.open()
                    if state == "ok":
                        self._reconcile(index)
                    else:
                        n = index.rebuild(self.scan())
                        (log.info if state == "missing" and not n else log.warning)(
                            "the run index was %s; rebuilt it from %d run folder(s) in %s", state, n, self.root
                        )
                    self._index = index
        return self._index

    def close(self) -> None:
        if self._index is not None:
            self._index.close()

    def _folder(self, job_id: str) -> Path:
        if not job_id or not set(job_id) <= _ID_CHARS:
            raise ValueError(f"not a job id: {job_id!r}")
        return self.root / job_id

    def _record(self, meta: StoredJob, folder: Path) -> RunRecord:
        """The index row of a job whose folder is written."""
        summary = meta.summary or {}
        has_run = is_run_dir(folder)
        data = folder / DATA
        return RunRecord(
            id=meta.id,
            owner=meta.owner,
            label=meta.label,
            config=meta.config,
            status=meta.status,
            created=meta.created,
            kind=str(meta.tags.get("kind", "train")),
            group=str(meta.tags.get("group", "")),
            dataset=str((meta.series or {}).get("name") or ""),
            data_hash=meta.data_hash,
            data_bytes=data.stat().st_size if data.is_file() else 0,
            tags=dict(meta.tags),
            series=dict(meta.series or {}),
            message=meta.message,
            epochs_planned=meta.epochs_planned,
            started=meta.started,
            finished=meta.finished,
            has_run=has_run,
            pinned=bool(meta.pinned),
            bytes=_folder_bytes(folder),
            rmse=summary.get("rmse"),
            rmse_multi=summary.get("rmse_multi"),
            mase=summary.get("mase"),
            verdict=str(summary.get("verdict") or ""),
        )

    def _job_folders(self) -> list[Path]:
        """Folders that hold a job (a job id as name, a job.json inside)."""
        if not self.root.is_dir():
            return []
        return [p for p in self.root.iterdir() if set(p.name) <= _ID_CHARS and (p / META).is_file()]

    def _read(self, folder: Path) -> RunRecord | None:
        """The index row of one job folder, from its job.json (None, logged, when damaged)."""
        try:
            meta = StoredJob.from_dict(json.loads((folder / META).read_text()))
            if meta.id != folder.name:
                raise ValueError("id does not match its folder")
            if is_run_dir(folder) and not meta.summary:
                meta = StoredJob(**{**meta.__dict__, "summary": _summary_from_folder(folder)})
            if not meta.data_hash and (folder / DATA).is_file():
                meta = StoredJob(**{**meta.__dict__, "data_hash": _hash_file(folder / DATA)})
            return self._record(meta, folder)
        except (OSError, ValueError, TypeError, AttributeError) as exc:
            log.warning("skipping stored job %s: %s", folder.name, exc)
            return None

    def scan(self) -> list[RunRecord]:
        """Every complete stored job read from its folder's job.json (what the index is rebuilt
        from), oldest first; damaged ones are skipped (and logged)."""
        out = [r for r in map(self._read, self._job_folders()) if r is not None]
        return sorted(out, key=lambda r: r.when)

    def _reconcile(self, index: RunIndex) -> None:
        """Bring an index that is readable but out of step with the folders (a crash between a
        job.json and its row, a folder removed by hand) back in step: only the differences are read."""
        on_disk = {p.name: p for p in self._job_folders()}
        listed = set(index.ids())
        added = 0
        for jid in sorted(on_disk.keys() - listed):
            rec = self._read(on_disk[jid])
            if rec is not None:
                index.put(rec)
                added += 1
        removed = listed - on_disk.keys()
        for jid in removed:
            index.delete(jid)
        # a finished run whose folder lost config.json or model.pt since (by hand, a partial copy)
        # cannot be opened: listed as without a run, it is said to be damaged and can be trained again
        lost = [r.id for r in index.all() if r.has_run and r.id in on_disk and not is_run_dir(on_disk[r.id])]
        for jid in lost:
            index.update(jid, has_run=False)
        if lost:
            log.warning("%d run folder(s) in %s lost a file a run needs: %s", len(lost), self.root, ", ".join(lost))
        if added or removed:
            log.warning(
                "the run index was out of step with the run folders in %s: added %d job(s), removed %d",
                self.root,
                added,
                len(removed),
            )

    # ------------------------------------------------------------ writing
    def _share_data(self, folder: Path) -> str:
        """Make ``folder/data.csv`` one more link to the shared copy of that content; returns its hash.

        Where the file system has no hard links, the folder keeps its own copy.
        """
        src = folder / DATA
        digest = _hash_file(src)
        shared_dir = self.root / SHARED
        shared_dir.mkdir(exist_ok=True)
        shared = shared_dir / f"{digest}.csv"
        try:
            if not shared.exists():
                try:
                    os.link(src, shared)
                    return digest
                except FileExistsError:
                    pass  # another save of the same data got there first
            tmp = folder / f".{DATA}.link"
            tmp.unlink(missing_ok=True)
            os.link(shared, tmp)
            os.replace(tmp, src)
        except OSError as exc:
            log.debug("data of %s kept as its own copy: %s", folder.name, exc)
        return digest

    def _link_data(self, frame: pd.DataFrame, path: Path) -> str:
        """Write ``frame`` as ``path`` (a run folder's data.csv): a link to the shared copy, which
        is written only when no job has stored these data yet (a 6 x 5 comparison writes its
        data once). Returns the content hash."""
        text = csvsafe.to_csv(frame, None, index=True)  # as _frame_to_csv writes it
        assert text is not None
        body = text.encode("utf-8")
        digest = hashlib.sha256(body).hexdigest()
        shared_dir = self.root / SHARED
        shared_dir.mkdir(exist_ok=True)
        shared = shared_dir / f"{digest}.csv"
        try:
            if not shared.exists():
                fd, tmp = tempfile.mkstemp(prefix=".data-", suffix=".csv", dir=shared_dir)
                with os.fdopen(fd, "wb") as f:
                    f.write(body)
                os.replace(tmp, shared)
            path.unlink(missing_ok=True)
            os.link(shared, path)
        except OSError as exc:
            log.debug("data of %s kept as its own copy: %s", path.parent.name, exc)
            _frame_to_csv(frame, path)  # read back by _frame_from_csv
        return digest

    def save(self, meta: StoredJob, run: Run) -> RunRecord:
        """Write the run folder (replacing the queued record), then ``job.json``, then the index row.

        A pin set while the job was queued or training (on its queued record) is kept."""
        folder = self._folder(meta.id)
        index = self.index
        queued = index.get(meta.id)
        pinned = meta.pinned or (queued is not None and queued.pinned)
        if folder.is_dir() and not is_run_dir(folder):
            shutil.rmtree(folder)  # the record written when the job was queued
        save_run(run, folder, overwrite=True)
        meta = StoredJob(
            **{
                **meta.__dict__,
                "pinned": pinned,
                "summary": summary_of(run.metrics),
                "data_hash": self._share_data(folder),
            }
        )
        self._write_meta(folder, meta)
        record = self._record(meta, folder)
        index.put(record)
        return record

    def save_queued(self, meta: StoredJob, frame: pd.DataFrame) -> RunRecord:
        """Record a job as it is queued: its ``data.csv`` (to train it again), ``job.json`` and row."""
        folder = self._folder(meta.id)
        index = self.index
        folder.mkdir(parents=True, exist_ok=True)
        meta = StoredJob(**{**meta.__dict__, "data_hash": self._link_data(frame, folder / DATA)})
        self._write_meta(folder, meta)
        record = self._record(meta, folder)
        index.put(record)
        return record

    @staticmethod
    def _write_meta(folder: Path, meta: StoredJob) -> None:
        fd, tmp = tempfile.mkstemp(prefix=".job-", suffix=".json", dir=folder)
        with os.fdopen(fd, "w") as f:
            json.dump(meta.__dict__, f, indent=2, default=str)
        os.replace(tmp, folder / META)

    def update(self, job_id: str, *, label: str | None = None, pinned: bool | None = None) -> RunRecord | None:
        """Rename or pin a stored job (job.json, then the index); None when it is not stored."""
        folder = self._folder(job_id)
        changes: dict[str, Any] = {}
        if label is not None:
            changes["label"] = label
        if pinned is not None:
            changes["pinned"] = bool(pinned)
        try:
            meta = StoredJob.from_dict(json.loads((folder / META).read_text()))
        except (OSError, ValueError, TypeError):
            return None
        self._write_meta(folder, StoredJob(**{**meta.__dict__, **changes}))
        self.index.update(job_id, bytes=_folder_bytes(folder), **changes)
        return self.index.get(job_id)

    # ------------------------------------------------------------ reading
    def record(self, job_id: str) -> RunRecord | None:
        """The index row of a stored job (None when it is not stored)."""
        try:
            self._folder(job_id)
        except ValueError:
            return None
        return self.index.get(job_id)

    def records(self, owner: str | None = None) -> list[RunRecord]:
        """Every stored job, oldest first; or ``owner``'s, newest first."""
        return self.index.all() if owner is None else self.index.of_owner(owner)

    def has_run(self, job_id: str) -> bool:
        """Whether the stored job has its run (else it was interrupted before it ended)."""
        return is_run_dir(self._folder(job_id))

    def data(self, job_id: str) -> pd.DataFrame:
        """The data a job was queued with (time index restored when it had one)."""
        path = self._folder(job_id) / DATA
        index = pd.read_csv(path, index_col=0, usecols=[0]).index
        return _frame_from_csv(path, datetime_index=not pd.api.types.is_numeric_dtype(index))

    def series(self, job_id: str) -> Series:
        """The job's data as a Series (its name, frequency, season, missing-value policy and
        filled-in positions).
        Raises OSError / ValueError when it is not stored or cannot be read."""
        record = self.record(job_id)
        info = record.series if record is not None else {}
        frame = self.data(job_id)
        return Series(
            frame,
            frequency=info.get("frequency"),
            season=info.get("season"),
            name=str(info.get("name") or ""),
            missing_policy=info.get("missing_policy"),
            utc_offset=offset if is_utc_offset(offset := info.get("utc_offset")) else None,
            filled=stored_filled(info, frame),
        )

    def folder(self, job_id: str) -> Path:
        """The run folder of a stored job (for a zip of it)."""
        return self._folder(job_id)

    def load(self, job_id: str) -> Run:
        """The stored run (re-evaluated exactly as saved). Raises RunError when damaged."""
        return load_run(self._folder(job_id))

    # ------------------------------------------------------------ deleting
    def delete(self, job_id: str) -> None:
        """Remove a stored job: its folder, its index row, and its data when no other job uses it."""
        folder = self._folder(job_id)
        index = self.index
        record = index.get(job_id)
        index.delete(job_id)
        shutil.rmtree(folder, ignore_errors=True)
        if record is not None and record.data_hash and index.uses_of(record.data_hash) == 0:
            (self.root / SHARED / f"{record.data_hash}.csv").unlink(missing_ok=True)

    # ------------------------------------------------------------ each owner's current dataset
    def _owner_file(self, folder: str, owner: str, suffix: str) -> Path:
        """``owner``'s file in ``folder`` of the store, named by a hash of the key (never the key itself)."""
        return self.root / folder / f"{hashlib.sha256(owner.encode()).hexdigest()[:32]}{suffix}"

    def _current_path(self, owner: str) -> Path:
        return self._owner_file(CURRENT, owner, ".bin")

    def keep_current(self, owner: str, blob: bytes) -> None:
        """Keep ``blob`` (the app's form of the dataset ``owner`` loaded last) in place of the one before."""
        path = self._current_path(owner)
        path.parent.mkdir(parents=True, exist_ok=True)
        replace_file(path, blob)

    def current(self, owner: str) -> bytes | None:
        """What :meth:`keep_current` kept for ``owner``; None where nothing was."""
        try:
            return self._current_path(owner).read_bytes()
        except FileNotFoundError:
            return None

    # ------------------------------------------------------------ the quota's notices
    def _notices_path(self, owner: str) -> Path:
        return self._owner_file(NOTICES, owner, ".json")

    def add_notices(self, owner: str, labels: list[str]) -> None:
        """Keep the names of ``owner``'s runs the quota deleted until :meth:`drop_notices` (on disk)."""
        path = self._notices_path(owner)
        with self._notice_lock:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._write_notices(path, [*self._notices_in(path), *labels])

    def peek_notices(self, owner: str) -> list[str]:
        """The names :meth:`add_notices` kept for ``owner``, left on disk (until :meth:`drop_notices`)."""
        with self._notice_lock:
            return self._notices_in(self._notices_path(owner))

    def drop_notices(self, owner: str, labels: list[str]) -> None:
        """Forget these of ``owner``'s notices (once each): those the owner was shown and said OK to;
        any added since stay."""
        path = self._notices_path(owner)
        with self._notice_lock:
            left = self._notices_in(path)
            for label in labels:
                if label in left:
                    left.remove(label)
            if not left:
                path.unlink(missing_ok=True)
                return
            self._write_notices(path, left)

    @staticmethod
    def _write_notices(path: Path, labels: list[str]) -> None:
        """Replace the notices file at ``path`` with ``labels``, atomically."""
        replace_file(path, json.dumps(labels).encode())

    @staticmethod
    def _notices_in(path: Path) -> list[str]:
        try:
            labels = json.loads(path.read_text())
        except (OSError, ValueError):
            return []
        return [str(x) for x in labels] if isinstance(labels, list) else []

    def enforce_quota(self, owner: str, keep: str | None = None) -> list[RunRecord]:
        """Delete ``owner``'s oldest runs, neither pinned nor in a comparison (nor ``keep``),
        until their runs fit :attr:`quota_bytes`; returns the deleted rows, oldest first."""
        index = self.index
        if index.usage(owner) <= self.quota_bytes:
            return []
        gone: list[RunRecord] = []
        candidates = sorted(
            (r for r in index.of_owner(owner) if not r.pinned and not r.group and r.id != keep and r.has_run),
            key=lambda r: r.when,
        )
        for r in candidates:
            if index.usage(owner) <= self.quota_bytes:
                break
            self.delete(r.id)
            gone.append(r)
        if index.usage(owner) > self.quota_bytes:
            log.warning("owner %s is over the disk quota with pinned or compared runs only", owner[:8])
        if gone:
            log.info("disk quota: deleted %d run(s) of owner %s", len(gone), owner[:8])
        return gone
