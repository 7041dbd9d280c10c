"""The run index: one SQLite table (standard library ``sqlite3``, WAL mode) over the run store.

One row per stored job: who owns it, its label, the dataset it was trained on (name and a
content hash of its ``data.csv``), its config (JSON), the headline metrics, its status and
times, whether it is pinned and the comparison (``group``) it belongs to, and the bytes it
takes on disk. The run files stay in their run folders and every folder's ``job.json`` holds
the same facts, so the index can always be rebuilt from the folders
(:meth:`RunIndex.rebuild`): :meth:`RunIndex.open` does that, and logs it, when the file is
missing or damaged.

Threads: an index object has one connection, used under a lock; index objects on the same
file (other stores, other processes) wait up to :data:`BUSY_TIMEOUT_S` for one another's
writes, and every write is one transaction, so a crash mid-write leaves the previous state
(WAL journal).
"""

from __future__ import annotations

import functools
import json
import logging
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any, TypeVar

log = logging.getLogger(__name__)
T = TypeVar("T")

BUSY_TIMEOUT_S = 15.0
#: Bumped when the table changes; an index of another version is rebuilt from the folders.
SCHEMA_VERSION = 1
_SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    id TEXT PRIMARY KEY,
    owner TEXT NOT NULL,
    label TEXT NOT NULL,
    kind TEXT NOT NULL DEFAULT 'train',
    grp TEXT NOT NULL DEFAULT '',
    dataset TEXT NOT NULL DEFAULT '',
    data_hash TEXT NOT NULL DEFAULT '',
    data_bytes INTEGER NOT NULL DEFAULT 0,
    config TEXT NOT NULL,
    tags TEXT NOT NULL DEFAULT '{}',
    series TEXT NOT NULL DEFAULT '{}',
    status TEXT NOT NULL,
    message TEXT NOT NULL DEFAULT '',
    epochs_planned INTEGER NOT NULL DEFAULT 0,
    created REAL NOT NULL,
    started REAL,
    finished REAL,
    has_run INTEGER NOT NULL DEFAULT 0,
    pinned INTEGER NOT NULL DEFAULT 0,
    bytes INTEGER NOT NULL DEFAULT 0,
    rmse REAL,
    rmse_multi REAL,
    mase REAL,
    verdict TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS runs_by_owner ON runs (owner, created);
CREATE INDEX IF NOT EXISTS runs_by_data ON runs (data_hash);
"""


@dataclass(frozen=True)
class RunRecord:
    """One row of the index: a stored job (its run folder holds the rest)."""

    id: str
    owner: str
    label: str
    config: dict[str, Any]
    status: str
    created: float
    kind: str = "train"
    group: str = ""  # the comparison it belongs to ("" for none): kept by retention
    dataset: str = ""  # the data's name
    data_hash: str = ""  # sha256 of its data.csv (the shared copy under the store's data folder)
    data_bytes: int = 0
    tags: dict[str, Any] = field(default_factory=dict)
    series: dict[str, Any] = field(default_factory=dict)  # frequency, season, missing policy
    message: str = ""
    epochs_planned: int = 0
    started: float | None = None
    finished: float | None = None
    has_run: bool = False  # False: recorded when queued, interrupted before it ended
    pinned: bool = False
    bytes: int = 0  # the run folder's own files (its data is counted once per hash)
    rmse: float | None = None  # test RMSE, one step ahead (original units)
    rmse_multi: float | None = None  # test RMSE of the multi-step forecast
    mase: float | None = None  # test MASE, one step ahead
    verdict: str = ""  # beats | mixed | loses | none (see lstm_core.verdict)

    @property
    def cell(self) -> str:
        return str(self.config.get("model", {}).get("cell", ""))

    @property
    def hidden_size(self) -> int | None:
        h = self.config.get("model", {}).get("hidden_size")
        return h if isinstance(h, int) else None

    @property
    def when(self) -> float:
        """When it ended (when it was queued, for one that never ended); for a restored run, when it
        was restored (what retention and the list's order go by)."""
        return self.finished or self.created

    @property
    def trained(self) -> float:
        """When it was trained: for a run restored from a zip, when the run in the zip ended
        (``tags["trained"]``, from the zip's :data:`~lstm_core.runs.ABOUT_FILE`), else :attr:`when`."""
        t = self.tags.get("trained")
        return float(t) if isinstance(t, int | float) and not isinstance(t, bool) and t > 0 else self.when


_COLUMNS = [f.name for f in fields(RunRecord)]
_SQL_NAME = {"group": "grp"}
_JSON = {"config", "tags", "series"}
_BOOL = {"has_run", "pinned"}


def _to_row(r: RunRecord) -> list[Any]:
    out = []
    for name in _COLUMNS:
        v = getattr(r, name)
        out.append(json.dumps(v, default=str) if name in _JSON else int(v) if name in _BOOL else v)
    return out


def _from_row(row: sqlite3.Row) -> RunRecord:
    kw: dict[str, Any] = {}
    for name in _COLUMNS:
        v = row[_SQL_NAME.get(name, name)]
        kw[name] = json.loads(v) if name in _JSON else bool(v) if name in _BOOL else v
    return RunRecord(**kw)


class IndexDamaged(Exception):
    """The index file cannot be read as this version's index."""


def _locked(method: Callable[..., T]) -> Callable[..., T]:
    """Run ``method`` holding the index's lock (its one connection is used by one thread at a time)."""

    @functools.wraps(method)
    def wrapper(self: RunIndex, *args: Any, **kwargs: Any) -> T:
        with self._lock:
            return method(self, *args, **kwargs)

    return wrapper


class RunIndex:
    """The SQLite index at ``path``; safe to use from many threads.

    One connection per index object, used under a lock: Streamlit runs every script on a fresh
    thread, so a connection per thread would pile up. Other index objects on the same file (a
    second store, another process) have their own connection; SQLite's locks and the busy
    timeout order their writes.
    """

    def __init__(self, path: str | os.PathLike):
        self.path = Path(path)
        self._db: sqlite3.Connection | None = None
        self._lock = threading.RLock()

    # ------------------------------------------------------------ connections
    def _conn(self) -> sqlite3.Connection:
        if self._db is None:
            conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False)
            conn.row_factory = sqlite3.Row
            conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
            conn.execute("PRAGMA synchronous = NORMAL")  # with WAL: durable at checkpoints, never corrupt
            self._db = conn
        return self._db

    @_locked
    def _write(self, sql: str, params: Iterable[Any] = ()) -> int:
        """Run one statement in its own transaction; returns the rows changed."""
        conn = self._conn()
        conn.execute("BEGIN IMMEDIATE")
        try:
            n = conn.execute(sql, tuple(params)).rowcount
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
        return n

    @_locked
    def journal_mode(self) -> str:
        return str(self._conn().execute("PRAGMA journal_mode").fetchone()[0])

    @_locked
    def close(self) -> None:
        """Close the connection (the next use opens a new one)."""
        if self._db is not None:
            self._db.close()
            self._db = None

    # ------------------------------------------------------------ opening
    @_locked
    def _create(self) -> None:
        conn = self._conn()
        mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if str(mode).lower() != "wal":
            log.warning("the run index %s could not use WAL mode (got %s)", self.path, mode)
        conn.executescript(_SCHEMA)
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    @_locked
    def _check(self) -> None:
        """Raise IndexDamaged unless the file is a readable index of this version."""
        try:
            conn = self._conn()
            ok = conn.execute("PRAGMA quick_check").fetchone()[0]
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if ok != "ok":
                raise IndexDamaged(str(ok)[:200])
            if version != SCHEMA_VERSION:
                raise IndexDamaged(f"version {version}, expected {SCHEMA_VERSION}")
            for row in conn.execute("SELECT * FROM runs LIMIT 1"):
                _from_row(row)  # every column there and readable
        except sqlite3.DatabaseError as exc:
            raise IndexDamaged(str(exc)[:200]) from None

    @_locked
    def open(self) -> str:
        """Open (creating the file if needed); returns ``"ok"``, ``"missing"`` or ``"damaged"``.

        A damaged file (or one of another schema version) is moved aside to
        ``<name>.damaged-<time>`` and a fresh, empty index is made in its place: the caller
        then fills it with :meth:`rebuild`.
        """
        self.path.parent.mkdir(parents=True, exist_ok=True)
        existed = self.path.exists()
        if existed:
            try:
                self._check()
                self._create()  # WAL on (a no-op when it is already)
                return "ok"
            except IndexDamaged as exc:
                self.close()
                aside = self.path.with_name(f"{self.path.name}.damaged-{int(time.time())}")
                log.warning("the run index %s is damaged (%s); moved it to %s", self.path, exc, aside.name)
                os.replace(self.path, aside)
                for extra in ("-wal", "-shm"):
                    Path(f"{self.path}{extra}").unlink(missing_ok=True)
        self._create()
        return "damaged" if existed else "missing"

    # ------------------------------------------------------------ writing
    def put(self, record: RunRecord) -> None:
        """Insert or replace the row of ``record.id``."""
        cols = ", ".join(_SQL_NAME.get(c, c) for c in _COLUMNS)
        marks = ", ".join("?" for _ in _COLUMNS)
        self._write(f"INSERT OR REPLACE INTO runs ({cols}) VALUES ({marks})", _to_row(record))

    @_locked
    def rebuild(self, records: Iterable[RunRecord]) -> int:
        """Replace every row with ``records`` in one transaction; returns how many."""
        conn = self._conn()
        rows = [_to_row(r) for r in records]
        cols = ", ".join(_SQL_NAME.get(c, c) for c in _COLUMNS)
        marks = ", ".join("?" for _ in _COLUMNS)
        conn.execute("BEGIN IMMEDIATE")
        try:
            conn.execute("DELETE FROM runs")
            conn.executemany(f"INSERT OR REPLACE INTO runs ({cols}) VALUES ({marks})", rows)
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
        return len(rows)

    def update(self, job_id: str, **values: Any) -> bool:
        """Set some fields of one row (``label``, ``pinned``...); returns whether it exists."""
        if not values:
            return self.get(job_id) is not None
        bad = set(values) - set(_COLUMNS) - {"id"}
        if bad:
            raise ValueError(f"unknown index field(s) {sorted(bad)}")
        probe = replace(RunRecord("", "", "", {}, "", 0.0), **values)
        row = dict(zip(_COLUMNS, _to_row(probe)))
        sets = ", ".join(f"{_SQL_NAME.get(k, k)} = ?" for k in values)
        return self._write(f"UPDATE runs SET {sets} WHERE id = ?", [row[k] for k in values] + [job_id]) > 0

    def delete(self, job_id: str) -> bool:
        return self._write("DELETE FROM runs WHERE id = ?", [job_id]) > 0

    # ------------------------------------------------------------ reading
    @_locked
    def get(self, job_id: str) -> RunRecord | None:
        row = self._conn().execute("SELECT * FROM runs WHERE id = ?", (job_id,)).fetchone()
        return None if row is None else _from_row(row)

    @_locked
    def all(self) -> list[RunRecord]:
        """Every row, oldest first (by when it ended, else when it was queued)."""
        rows = self._conn().execute("SELECT * FROM runs ORDER BY COALESCE(finished, created), id").fetchall()
        return [_from_row(r) for r in rows]

    @_locked
    def of_owner(self, owner: str) -> list[RunRecord]:
        """``owner``'s rows, newest first."""
        rows = self._conn().execute("SELECT * FROM runs WHERE owner = ? ORDER BY created DESC, id", (owner,)).fetchall()
        return [_from_row(r) for r in rows]

    @_locked
    def ids(self) -> list[str]:
        return [r[0] for r in self._conn().execute("SELECT id FROM runs")]

    @_locked
    def uses_of(self, data_hash: str) -> int:
        """How many rows were trained on the data with this hash."""
        return int(self._conn().execute("SELECT COUNT(*) FROM runs WHERE data_hash = ?", (data_hash,)).fetchone()[0])

    @_locked
    def usage(self, owner: str) -> int:
        """Bytes on disk of ``owner``'s runs: their folders, plus each distinct dataset once."""
        conn = self._conn()
        runs = conn.execute("SELECT COALESCE(SUM(bytes), 0) FROM runs WHERE owner = ?", (owner,)).fetchone()[0]
        data = conn.execute(
            "SELECT COALESCE(SUM(b), 0) FROM (SELECT MAX(data_bytes) AS b FROM runs "
            "WHERE owner = ? AND data_hash != '' GROUP BY data_hash)",
            (owner,),
        ).fetchone()[0]
        return int(runs) + int(data)
