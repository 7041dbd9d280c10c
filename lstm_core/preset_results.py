"""The last finished result of each experiment, kept so a lesson opens on a result at once.

A result is small JSON: the comparison table (ours next to the tutorial) and, per configuration,
the one-step predictions frame (``time``, ``actual``, ``one_step``, ``part``) that the page draws;
for the long-memory sweep, its rows. Where it is looked for, first found wins:

1. ``$LSTM_LAB_HOME/experiments/<owner hash>/<key>.json`` -- written when a browser's run of the
   experiment finishes, read by that browser only (:func:`owner_dir`): kept for the whole server, a
   student's sweep of one lag and 200 steps replaced the shipped sweep behind the teacher's link;
2. ``lstm_core/datasets/experiments/<key>.json`` -- shipped with the code (made with
   ``python -m lstm_core.preset_results``), so a fresh server shows a result too.

Nothing here imports Streamlit or trains.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from .store import default_home

SHIPPED_DIR = Path(__file__).parent / "datasets" / "experiments"
PRED_COLUMNS = ["time", "actual", "one_step", "part"]
MAX_ROWS = 2000  # rows of a predictions frame kept in a saved result


@dataclass
class PresetResult:
    """One experiment's result: the table, predictions per configuration, sweep rows, when and how."""

    key: str
    table: pd.DataFrame = field(default_factory=pd.DataFrame)
    predictions: dict[str, pd.DataFrame] = field(default_factory=dict)
    sweep_rows: pd.DataFrame | None = None  # the long-memory sweep's rows
    finished: str = ""  # ISO time (UTC) the result was made
    note: str = ""  # how it was made, e.g. the epochs note
    source: str = "saved"  # "saved" (this browser's, :func:`owner_dir`) or "shipped" (with the code)

    def to_json(self) -> str:
        preds = {label: _frame_lists(frame) for label, frame in self.predictions.items()}
        return json.dumps(
            {
                "key": self.key,
                "table": json.loads(self.table.to_json(orient="records")),
                "predictions": preds,
                "sweep_rows": None
                if self.sweep_rows is None
                else json.loads(self.sweep_rows.to_json(orient="records")),
                "finished": self.finished,
                "note": self.note,
            },
            allow_nan=False,
        )

    @classmethod
    def from_json(cls, text: str, source: str) -> PresetResult:
        d = json.loads(text)
        preds = {}
        for label, cols in d.get("predictions", {}).items():
            frame = pd.DataFrame({c: cols[c] for c in PRED_COLUMNS})
            if cols.get("time_is_date"):
                frame["time"] = pd.to_datetime(frame["time"], format="ISO8601")
            frame["actual"] = pd.to_numeric(frame["actual"])
            frame["one_step"] = pd.to_numeric(frame["one_step"])
            preds[label] = frame
        rows = d.get("sweep_rows")
        return cls(
            key=d["key"],
            table=pd.DataFrame(d.get("table") or []),
            predictions=preds,
            sweep_rows=None if rows is None else pd.DataFrame(rows),
            finished=d.get("finished", ""),
            note=d.get("note", ""),
            source=source,
        )


def _numbers(values: pd.Series) -> list[float | None]:
    """Floats to 6 significant digits (plenty for a chart; keeps the files small), None for NaN."""
    return [None if pd.isna(v) else float(f"{float(v):.6g}") for v in values]


def _frame_lists(frame: pd.DataFrame) -> dict:
    """A predictions frame as JSON-ready lists (dates as ISO text, NaN as None), every k-th row
    so that at most :data:`MAX_ROWS` remain (a picture, not the run: the run store keeps the run)."""
    frame = frame.iloc[:: -(-len(frame) // MAX_ROWS) or 1]
    dates = pd.api.types.is_datetime64_any_dtype(frame["time"])
    return {
        "time": frame["time"].dt.strftime("%Y-%m-%dT%H:%M:%S").tolist() if dates else _numbers(frame["time"]),
        "time_is_date": bool(dates),
        "actual": _numbers(frame["actual"]),
        "one_step": _numbers(frame["one_step"]),
        "part": frame["part"].astype(str).tolist(),
    }


def now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")


def from_runs(key: str, table: pd.DataFrame, runs: dict, note: str = "") -> PresetResult:
    """A result from the finished Runs of a preset (label -> Run) and its result table."""
    preds = {
        label: run.predictions[PRED_COLUMNS].reset_index(drop=True)
        for label, run in runs.items()
        if run is not None and run.predictions is not None
    }
    # NaN (no tutorial figure) would not survive strict JSON: None instead
    clean = table.astype(object).where(table.notna(), None)
    return PresetResult(key, clean, preds, finished=now(), note=note)


def home_dir() -> Path:
    return default_home() / "experiments"


def owner_dir(owner: str) -> Path:
    """Where the results of the browser whose owner key is ``owner`` are kept: a folder of
    :func:`home_dir` named by a hash of the key (never the key itself)."""
    return home_dir() / hashlib.sha256(owner.encode()).hexdigest()[:32]


def save(result: PresetResult, folder: Path | None = None) -> Path:
    """Write ``result`` as ``<folder>/<key>.json`` atomically (a reader never sees half a file)."""
    folder = folder or home_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{result.key}.json"
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{result.key}.", suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(result.to_json())
    os.chmod(tmp, 0o644)  # readable like any file the app ships or writes
    os.replace(tmp, path)
    return path


def load_last(key: str, folders: tuple[Path, ...] | None = None) -> PresetResult | None:
    """The last result of ``key`` in ``folders`` (default: the server's folder, then the shipped one;
    the app passes a browser's own, :func:`owner_dir`, then the shipped); None if none is readable."""
    for folder, source in zip(folders or (home_dir(), SHIPPED_DIR), ("saved", "shipped")):
        path = folder / f"{key}.json"
        try:
            return PresetResult.from_json(path.read_text(encoding="utf-8"), source)
        except (OSError, ValueError, KeyError):
            continue
    return None


def _make_shipped() -> None:  # pragma: no cover - a maintainer's tool
    """Train every classic preset (demo length) and the default sweep; write the shipped results."""
    from . import presets as ps
    from .memory_task import MemoryConfig, sweep
    from .pipeline import fit_run

    for key, p in ps.PRESETS.items():
        configs = ps.preset_configs(key, demo=True)
        series = p.series()
        runs = {label: fit_run(series, cfg) for label, cfg in configs.items()}
        save(from_runs(key, ps.result_table(key, runs), runs, ps.epochs_note(key, configs)), SHIPPED_DIR)
        print("wrote", key)
    frame = sweep(MemoryConfig())
    save(PresetResult("long-memory", sweep_rows=frame, finished=now(), note="the default sweep"), SHIPPED_DIR)
    print("wrote long-memory")


if __name__ == "__main__":  # pragma: no cover
    _make_shipped()
