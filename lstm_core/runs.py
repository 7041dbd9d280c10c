"""Save and load run directories; a loaded run reproduces its predictions exactly.

A run directory holds::

    config.json       RunConfig (data, model, train) + season hint + the fitted preprocessing
    model.pt          the networks' state dict (loaded with ``weights_only=True``): one
                      member's model, or a list of every member's (see ``members`` in config.json)
    metrics.json      see :func:`lstm_core.pipeline.evaluate`; with ``verdict`` (:func:`metrics_json`)
    history.csv       epoch, train_loss, val_loss, seconds, samples_per_s
    predictions.csv   time, actual, part, one_step, multistep, lower, upper (times with the data's UTC
                      offset where its file wrote one: ``utc_offset`` in config.json; ``actual`` empty
                      where the loader filled the value in: :func:`predictions_table`)
    data.csv          the series it was trained on (so the run is self-contained)
    gate_history.json per-epoch gate statistics (when recorded), see :class:`lstm_core.gates.GateRecorder`
    forecast.csv      time, forecast, lower, upper past the end of the data

The CSV files are opened by people in spreadsheets, so every header or text cell a spreadsheet
would run as a formula (``=SUM(A1)``, ``@x``, ``-x``) is written with a ``'`` in front
(:mod:`lstm_core.csvsafe`). ``data.csv`` is also read back by :func:`load_run`, which undoes
exactly that change, so a column named ``=SUM(A1)`` is still ``=SUM(A1)`` after a reload.

Saving is atomic: everything is written to a temporary sibling folder (``.NAME.tmp-*``) that
then replaces the target (the previous run is moved aside to ``.NAME.old-*`` for that moment), so
a crash mid-save leaves any previous run intact. What a killed save leaves behind is removed by
the next save of the same target (:func:`clean_leftovers`) once it is :data:`STALE_SAVE_S` old,
and a previous run that was still aside is put back first.

An uploaded run zip (:func:`zip_to_run_dir`) is checked before any work: its size, its number of
entries (:data:`MAX_ZIP_ENTRIES`) and the rows of its ``data.csv`` (:data:`MAX_ZIP_ROWS`).
"""

from __future__ import annotations

import io
import json
import logging
import math
import os
import re
import shutil
import struct
import tempfile
import time
import zipfile
import zlib
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import torch

from . import csvsafe
from .combine import ONE_STEP, PATHS, PROFILES, Member
from .config import BOUNDS, ConfigError, DataConfig, RunConfig, TrainConfig
from .data import DataError, Series, infer_frequency
from .data.frequency import is_utc_offset, with_utc_offset
from .data.series import filled_record, stored_filled
from .data.target import name_list
from .metrics import figure_text
from .pipeline import INTERVAL_GROWTH, Run, empty_model, evaluate, filled_target, observed_values
from .prep import Transform, prepare, resolve_target
from .strategy import SHORTLIST
from .train import EpochStats, FitResult
from .verdict import judge

log = logging.getLogger(__name__)

#: 2: every member's resolved representation and network count, and the interval widths,
#: are saved (version 1 runs load as before: ``auto`` re-resolved by the old rule, one
#: network, widths recomputed).
FORMAT_VERSION = 2
RUN_FILES = (
    "config.json",
    "model.pt",
    "metrics.json",
    "history.csv",
    "predictions.csv",
    "data.csv",
    "gate_history.json",
    "forecast.csv",
)
#: A run zip's note of what the app knew of the run besides its files (its name, its data's name,
#: whether it was pinned: :func:`run_to_zip`, :func:`read_about`); restored, the run takes them back
#: (restored from a zip that held none, it was named after the zip's file and lost its pin).
ABOUT_FILE = "about.json"
#: Steps ahead written to a saved run's ``forecast.csv`` when the caller does not say.
DEFAULT_FORECAST_STEPS = 24


def metrics_json(run: Run) -> dict:
    """What a run folder's ``metrics.json`` holds: the run's metrics (:meth:`RunMetrics.to_dict`) and
    the ``verdict`` on them (:func:`lstm_core.verdict.judge`: ``level`` beats, mixed, loses or none, over
    one-step *and* multi-step accuracy, and its ``sentence``, as ``train`` prints it), so that a reader
    of the file needs no rule of its own (:meth:`RunMetrics.from_dict` leaves the verdict out)."""
    if run.metrics is None:
        return {}
    return {**run.metrics.to_dict(), "verdict": asdict(judge(run.metrics))}


def predictions_table(run: Run) -> pd.DataFrame:
    """``run.predictions`` as predictions.csv writes it (the page's download and the run folder):
    ``actual`` left empty where the loader filled the value in and the test scores leave it out.

    Its ``actual`` held the filled-in values as if observed: the RMSE of ``actual - one_step`` over
    its test rows (19.66 on a daily series with 4 filled test values) was not the page's (19.98 on
    the 117 observed), and nothing in the file said which rows the page had left out."""
    assert run.predictions is not None
    table = run.predictions.copy()
    unseen = unscored(run)
    if unseen.any() and len(unseen) == len(table):
        table["actual"] = table["actual"].where(~unseen)
    return table


def unscored(run: Run) -> np.ndarray:
    """(n,) bool: the rows of ``run.predictions`` whose ``actual`` the test scores leave out (values
    the loader filled in; none where the whole test part was, which is then scored)."""
    return ~observed_values(filled_target(run), run.prep.test_start)


def default_steps(run: Run) -> int:
    """Steps ahead shown and saved by default: :func:`steps_shown` of the run's season and test span."""
    return steps_shown(run.prep.season, run.prep.n - run.prep.test_start)


def steps_shown(season: int | None, tested: int) -> int:
    """Steps ahead shown and saved by default: two seasons, else :data:`DEFAULT_FORECAST_STEPS`,
    but no more than the ``tested`` steps of the test span, which the verdict covers (a 19-point
    series of decades, 4 of them tested, was forecast 24 decades ahead); at least 1."""
    wanted = 2 * season if season else DEFAULT_FORECAST_STEPS
    return max(1, min(wanted, tested)) if tested > 0 else wanted


MAX_ZIP_BYTES = 200 * 1024 * 1024
#: Entries a run zip may hold: one holds at most the 8 :data:`RUN_FILES`, so a zip with more is
#: refused before its entries are read (a zip of 50,000 entries used to take minutes).
MAX_ZIP_ENTRIES = 64
#: Rows the ``data.csv`` of an uploaded run zip may hold. Restoring a run evaluates it again
#: (the network and every baseline, Holt-Winters above all, over the whole series), which grows
#: with the rows: measured on this project's 2-core test machine with the default model and
#: ten networks, 1,000 rows take 0.3 s, 5,000 rows 1.0 s, 10,000 rows 1.8-2.1 s and 20,000 rows
#: 4.6 s. 10,000 rows keeps a restore near 2 s; bigger runs open with the command line
#: (``python -m lstm_core forecast --run FOLDER``), which has no such bound.
MAX_ZIP_ROWS = 10_000
#: Rows of ``data.csv`` times bytes of ``model.pt`` an uploaded run zip may hold: evaluating grows
#: with both, and weights of zeros compress to almost nothing (a 0.1 MB zip can hold a 118 MB
#: model of 1024 units x 4 layers, which took 0.8 s over 144 rows and 5.6 s over 2,000 rows
#: here). 8e10 keeps such a restore near 2 s and lets through the default model (0.23 MB of
#: weights with ten networks) at :data:`MAX_ZIP_ROWS` rows, and any model up to the size limit
#: over 380 rows.
MAX_ZIP_WORK = 8 * 10**10
#: A ``.NAME.tmp-*`` / ``.NAME.old-*`` folder not modified for this many seconds is what a
#: killed save left behind (a live save writes into its folder all the time).
STALE_SAVE_S = 600.0
_LEFTOVER = re.compile(r"^\.(?P<name>.+)\.(?P<kind>tmp|old)-[^/]+$")


class RunError(ValueError):
    """A run directory or zip is missing, incomplete, tampered with or too large."""


def _frame_to_csv(frame: pd.DataFrame, path: Path) -> None:
    """``data.csv``: floats with round-trip precision, formula-like names neutralised."""
    csvsafe.to_csv(frame, path, index=True)


#: ``pd.read_csv`` arguments for exact floats (see :func:`_frame_from_csv`)
_ROUND_TRIP: dict = (
    {"float_precision": "round_trip"} if tuple(int(p) for p in re.findall(r"\d+", pd.__version__)[:2]) < (3, 1) else {}
)


def _frame_from_csv(path: Path, datetime_index: bool) -> pd.DataFrame:
    """Read ``data.csv`` back exactly as :func:`_frame_to_csv` was given it.

    The C parser's default float precision is exact in pandas 3.1 (which deprecates the option),
    but one ulp off for about a fifth of such values in pandas 3.0 (found on the GPU machine's
    pandas 3.0.6): there it is asked for round-trip precision, so a saved run reloads to the bit."""
    frame = csvsafe.unneutralise_frame(pd.read_csv(path, index_col=0, **_ROUND_TRIP))
    if datetime_index:
        values = pd.to_datetime(frame.index)
        frame.index = pd.DatetimeIndex(values, name=frame.index.name, freq="infer" if len(values) >= 3 else None)
    return frame.astype(np.float64)


def run_frequency(directory: str | os.PathLike) -> str | None:
    """The frequency of the data a saved run was trained on (its ``data.csv``), or None for steps,
    an irregular index or a folder that is no readable run (:func:`load_run` says what is wrong)."""
    path = Path(directory)
    try:
        meta = json.loads((path / "config.json").read_text())
        if not (isinstance(meta, dict) and meta.get("datetime_index")):
            return None
        return infer_frequency(_frame_from_csv(path / "data.csv", True).index)
    except (OSError, ValueError, TypeError, OverflowError, pd.errors.ParserError, UnicodeDecodeError):
        return None


def changed_note(path: str | Path, run: Run) -> str | None:
    """One sentence where the scores ``run`` re-evaluates to (loaded from the folder ``path``)
    differ from those its ``metrics.json`` was saved with: its files were changed after training
    (a ``look_back`` edited in config.json restored and was re-scored without a word). None where
    they agree, or where ``metrics.json`` holds no readable scores to compare."""
    try:
        saved = json.loads((Path(path) / "metrics.json").read_text())
        then = {k: float(saved[k]["rmse"]) for k in ("test", "test_multistep")}
    except (OSError, ValueError, KeyError, TypeError):
        return None
    m = run.metrics
    now = {
        "test": m.test.rmse if m is not None and m.test is not None else None,
        "test_multistep": m.test_multistep.rmse if m is not None and m.test_multistep is not None else None,
    }
    moved = [k for k, v in then.items() if (n := now[k]) is None or not math.isclose(v, n, rel_tol=1e-6, abs_tol=1e-12)]
    if not moved:
        return None
    k = moved[0]
    what = "test RMSE" if k == "test" else "multi-step RMSE"
    now_text, then_text = "none", figure_text(then[k])
    if (value := now[k]) is not None:  # as many figures as tell the two apart (a few more, up to 8)
        digits = next((d for d in range(4, 9) if figure_text(value, d) != figure_text(then[k], d)), 8)
        now_text, then_text = figure_text(value, digits), figure_text(then[k], digits)
    return (
        f"Its {what} re-evaluated from its files is {now_text}, where it was saved with {then_text}: the "
        "run's files were changed after training, so this is not the run that was trained."
    )


def trained_range(directory: str | os.PathLike, target: str) -> tuple[float, float] | None:
    """The smallest and largest value of ``target`` in the data a saved run was trained on (its
    ``data.csv``), or None where the folder has no readable such column."""
    try:
        values = _frame_from_csv(Path(directory) / "data.csv", False)[target].to_numpy(dtype=np.float64)
    except (OSError, KeyError, ValueError, TypeError, pd.errors.ParserError, UnicodeDecodeError):
        return None
    values = values[np.isfinite(values)]
    return (float(values.min()), float(values.max())) if len(values) else None


def is_run_dir(path: Path) -> bool:
    """Whether ``path`` is a folder that :func:`save_run` wrote (config.json and model.pt)."""
    return path.is_dir() and (path / "config.json").is_file() and (path / "model.pt").is_file()


def foreign_files(path: Path) -> list[str]:
    """Names in the run folder ``path`` that neither :func:`save_run` nor an app's run zip
    (:data:`ABOUT_FILE`) wrote (sorted): files of the user's that replacing the run would delete."""
    return sorted(p.name for p in Path(path).iterdir() if p.name not in RUN_FILES and p.name != ABOUT_FILE)


def check_target(directory: str | os.PathLike, overwrite: bool = True) -> Path:
    """Refuse a save target that would destroy something that is not a run: an existing file,
    or a folder holding other files; and an existing run unless ``overwrite``. Returns the path."""
    target = Path(directory)
    if target.exists() and not target.is_dir():
        raise RunError(f"{target} is a file, not a run folder; choose another output folder.")
    if target.is_dir() and any(target.iterdir()):
        if not is_run_dir(target):
            raise RunError(
                f"{target} already holds files that are not a saved run; choose another output folder "
                "(nothing was written)."
            )
        if not overwrite:
            raise RunError(f"{target} already holds a run; pass --overwrite to replace it, or choose another folder.")
    return target


def current_umask() -> int:
    """The process's umask, read without setting it (``os.umask`` sets it for every thread of a server while it
    reads): Linux's ``/proc/self/status``, else the usual 0o022."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    return 0o022


def replace_file(path: Path, data: bytes, mode: int | None = None) -> None:
    """Put ``data`` at ``path`` atomically (a temporary file beside it, then renamed over it): a reader
    sees the old file or the new one, never half of one; the temporary file goes if writing fails (a full
    disk), and the file it was to replace stays. ``mode``: the file's permissions (else the temporary
    file's, 0600)."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem[:8]}-", suffix=path.suffix, dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        if mode is not None:
            os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def save_run(run: Run, directory: str | os.PathLike, forecast_steps: int | None = None, overwrite: bool = True) -> Path:
    """Write ``run`` to ``directory`` atomically (temporary folder + rename). Returns the path.

    ``forecast.csv`` holds the forecast past the data (time, forecast, lower, upper) for
    ``forecast_steps`` (default :func:`default_steps`) steps. An existing run there is replaced
    only with ``overwrite``; a file or a folder of other files is never replaced (RunError).
    """
    clean_leftovers(Path(directory).parent, Path(directory).name)
    target = check_target(directory, overwrite)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.tmp-", dir=target.parent))
    try:
        # the permissions the umask gives a folder (mkdtemp's are 0700: a run a cron job trained was closed to
        # the account that serves the dashboard, its files open to it)
        tmp.chmod(0o777 & ~current_umask())
        cfg = run.config.to_dict()
        members = run.members or [Member(run.prep, run.model)]
        meta = {
            "format_version": FORMAT_VERSION,
            **cfg,
            "season_hint": run.series.season,
            # the season the run took (a week of hourly data where it repeats weekly, session 33);
            # a run saved without it took the time index's own
            "season_used": run.prep.season,
            # daily data may take the year for its season (session 34); a run saved without this key
            # took the week
            "yearly_season": True,
            "datetime_index": isinstance(run.frame.index, pd.DatetimeIndex),
            "device": run.device,
            "fit": {
                "best_epoch": run.fit.best_epoch,
                "best_loss": run.fit.best_loss,
                "status": run.fit.status,
                "seconds": run.fit.seconds,
                # every network's best epoch and training time (the first is the run's own fit)
                "networks": [{"best_epoch": f.best_epoch, "seconds": f.seconds} for f in run.members_fit],
            },
            "members": [
                {
                    "representation": m.prep.transform.to_dict(),
                    "networks": m.networks,
                    "horizon": m.prep.cfg.horizon,
                    "look_back": m.prep.cfg.look_back,
                    **({"one_step_only": True} if m.one_step_only else {}),
                    **({"standby": True} if m.standby else {}),
                }
                for m in members
            ],
            "intervals": {
                "q": [float(v) for v in run.conformal_q],
                "note": run.conformal_note,
                "growth": run.interval_growth,
                **({"one_step": float(run.conformal_q1)} if run.conformal_q1 is not None else {}),
                **(
                    {"one_step_residuals": [float(v) for v in run.conformal_r1]} if run.conformal_r1 is not None else {}
                ),
            },
            "paths": run.paths,
            "one_step": run.one_step,
            "profiles": run.profiles,
            **({"look_back_asked": run.look_back_asked} if run.look_back_asked is not None else {}),
            # rows of the data given left out around the target's observed values (data.csv holds the rest)
            **({"trimmed": list(run.trimmed)} if any(run.trimmed) else {}),
            # the UTC offset the data's times were written with: predictions.csv and forecast.csv write
            # their times with it, and so does a forecast of the run reloaded (data.csv keeps them naive)
            **({"utc_offset": run.series.utc_offset} if run.series.utc_offset is not None else {}),
            # the values the loader filled in, by column: the test scores leave them out, reloaded too
            **({"filled": filled} if (filled := filled_record(run.series)) else {}),
        }
        (tmp / "config.json").write_text(json.dumps(meta, indent=2))
        torch.save(_weights(members).state_dict(), tmp / "model.pt")
        (tmp / "metrics.json").write_text(json.dumps(metrics_json(run), indent=2))
        run.history_frame().to_csv(tmp / "history.csv", index=False)
        offset = run.series.utc_offset
        if run.predictions is not None:
            csvsafe.to_csv(with_utc_offset(predictions_table(run), offset), tmp / "predictions.csv")
        try:
            csvsafe.to_csv(
                with_utc_offset(run.future(forecast_steps or default_steps(run)), offset), tmp / "forecast.csv"
            )
        except ConfigError:
            pass  # a model with input columns cannot forecast past the data
        _frame_to_csv(run.frame, tmp / "data.csv")
        if run.gate_history:
            (tmp / "gate_history.json").write_text(json.dumps(_gate_history_to_json(run.gate_history)))
        backup = None
        if target.exists():
            backup = target.with_name(f".{target.name}.old-{os.getpid()}")
            os.replace(target, backup)
        os.replace(tmp, target)
        log.info("run saved to %s", target)
        if backup is not None:
            shutil.rmtree(backup, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return target


def clean_leftovers(parent: str | os.PathLike, name: str | None = None, older_than: float = STALE_SAVE_S) -> list[Path]:
    """Remove what killed saves left in ``parent``: ``.NAME.tmp-*`` and ``.NAME.old-*`` folders
    not modified for ``older_than`` seconds (of target ``name`` only, or of every target).

    When a save was killed after moving the previous run aside and before moving the new one in
    (the target is missing and a ``.NAME.old-*`` run is there), that previous run is put back as
    the target instead of being removed. Returns the folders removed; one that cannot be removed
    is logged and skipped.
    """
    folder = Path(parent)
    if not folder.is_dir():
        return []
    now = time.time()
    stale: dict[str, list[tuple[str, Path]]] = {}
    for entry in folder.iterdir():
        m = _LEFTOVER.match(entry.name)
        if not m or (name is not None and m["name"] != name):
            continue
        try:
            if not entry.is_dir() or entry.is_symlink() or now - entry.stat().st_mtime < older_than:
                continue
        except OSError:
            continue
        stale.setdefault(m["name"], []).append((m["kind"], entry))
    removed = []
    for target_name, entries in stale.items():
        target = folder / target_name
        aside = sorted((e for kind, e in entries if kind == "old" and is_run_dir(e)), key=lambda e: e.stat().st_mtime)
        if aside and not os.path.lexists(target):
            try:
                os.replace(aside[-1], target)
            except OSError as exc:  # leave it where it is: the previous run is never deleted
                log.warning("could not put back %s as %s: %s", aside[-1], target, exc)
            else:
                log.warning("put back the run %s that a killed save had moved aside", target)
            entries = [(k, e) for k, e in entries if e != aside[-1]]
        for _, entry in entries:
            shutil.rmtree(entry, ignore_errors=True)
            if entry.exists():
                log.warning("could not remove %s, left over from a killed save", entry)
            else:
                log.info("removed %s, left over from a killed save", entry)
                removed.append(entry)
    return removed


def _trimmed(value, path: Path) -> tuple[int, int]:
    """A saved run's ``trimmed`` (absent: (0, 0), nothing was left out)."""
    if value is None:
        return (0, 0)
    if (
        not isinstance(value, list)
        or len(value) != 2
        or not all(isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in value)
    ):
        raise RunError(f"{path / 'config.json'} holds a damaged trimmed; the run folder is damaged.")
    return (value[0], value[1])


def _look_back_asked(value, path: Path) -> int | None:
    """A saved run's ``look_back_asked`` (absent: None, the config's own look_back was used)."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise RunError(f"{path / 'config.json'} holds a damaged look_back_asked; the run folder is damaged.")
    return value


def load_run(directory: str | os.PathLike, frame: pd.DataFrame | None = None) -> Run:
    """Rebuild a run: model from ``model.pt``, preprocessing refitted on the saved data.

    With ``frame`` the saved model is applied to other data (e.g. a longer series); the
    preprocessing is still fitted on that data's training part, so pass the same kind of
    series. Raises :class:`RunError` with one sentence when the folder is not a valid run
    (a run folder comes from outside: whatever goes wrong reading it is said that way, and the
    details are logged).
    """
    try:
        return _load_run(Path(directory), frame)
    except (RunError, ConfigError, DataError):
        raise
    except RecursionError:
        raise RunError(f"{directory} holds data nested too deeply; the run folder is damaged.") from None
    except Exception as exc:  # noqa: BLE001 - untrusted input: one sentence, never a traceback
        log.warning("run folder %s could not be loaded", directory, exc_info=True)
        raise RunError(
            f"{directory} could not be loaded ({type(exc).__name__}: {str(exc)[:100]}); the run folder is damaged."
        ) from None


def _matching(frame: pd.DataFrame, own: pd.DataFrame, cfg: RunConfig) -> pd.DataFrame:
    """``frame`` (other data for a saved run), checked for the columns the run's networks read:
    its target (``cfg.data.target``, or where the run left it to the default, the column that
    default took on the run's own data ``own``; set in ``cfg`` so the new data cannot pick
    another) and its inputs. Raises :class:`RunError` naming what the data lacks."""
    try:
        target, inputs = resolve_target(own, cfg.data)
    except ConfigError:
        raise RunError("The run's own data lacks the column it was trained on; the run folder is damaged.") from None
    cfg.data.target = target
    numeric = [str(c) for c in frame.columns if pd.api.types.is_numeric_dtype(frame[c])]
    lacking = [c for c in [target, *inputs] if c not in numeric]
    if lacking:
        raise RunError(
            f"This run was trained on column{'s' if len(lacking) > 1 else ''} "
            f"{', '.join(repr(c) for c in lacking)}, which the data given does not have as numbers "
            f"(it has {name_list(numeric) or 'no numeric column'}); pass data with "
            f"{'those columns' if len(lacking) > 1 else 'that column'}, or train a new run on this data."
        )
    return frame


def _saved_rows(path: Path) -> int:
    """Data rows of the run's ``data.csv`` (its lines less the header)."""
    with open(path / "data.csv", "rb") as fh:
        return max(sum(1 for _ in fh) - 1, 0)


def _member_settings(data: DataConfig, horizon: int | None, look_back: int | None) -> DataConfig:
    """A member's data settings: its own horizon and window where they were saved (runs saved before: the run's)."""
    data = data if horizon is None else replace(data, horizon=horizon)
    return data if look_back is None else replace(data, look_back=look_back)


def _fewest_rows(own: pd.DataFrame, members: list[tuple[DataConfig, Transform | None]], meta: dict) -> int:
    """The fewest last rows of the run's own data ``own`` that every member (its data settings and
    representation) can be prepared on: what data given to the run needs at least (the split, the
    window and the differencing grow with the rows, so more rows never fit worse)."""

    def fits(n: int) -> bool:
        tail = own.iloc[-n:]
        try:
            series = Series(tail, frequency=infer_frequency(tail.index), season=meta.get("season_hint"))
            for settings, transform in members:
                prepare(
                    series, settings, transform=transform, weekly="season_used" in meta, yearly="yearly_season" in meta
                )
        except (ConfigError, DataError):
            return False
        return True

    lo, hi = 1, len(own)  # own fits: the run was trained on it
    while lo < hi:
        mid = (lo + hi) // 2
        lo, hi = (lo, mid) if fits(mid) else (mid + 1, hi)
    return hi


def _load_run(path: Path, frame: pd.DataFrame | None) -> Run:
    if not path.is_dir():
        raise RunError(f"No run folder at {path}; pass the --out folder of a training run.")
    missing = [f for f in ("config.json", "model.pt", "data.csv") if not (path / f).exists()]
    if missing:
        inside = sorted(p for p in path.iterdir() if is_run_dir(p))  # a zip unzipped one folder too deep
        if len(missing) == 3 and len(inside) == 1:
            raise RunError(f"{path} holds a run in its folder {inside[0].name!r}; pass {inside[0]} instead.")
        raise RunError(
            f"{path} is not a complete run (missing {', '.join(missing)}); train again or pick another folder."
        )
    try:
        meta = json.loads((path / "config.json").read_text())
        if not isinstance(meta, dict):
            raise ValueError("not a JSON object")
        cfg = RunConfig.from_dict({k: meta[k] for k in ("data", "model", "train")})
        if "weight_average" not in meta["train"]:
            cfg.train.weight_average = 0.0  # saved before weight averaging existed: trained without it
        if "linear_path" not in meta["model"]:
            cfg.model.linear_path = False  # saved before the linear path existed: trained without it
        if "outliers" not in meta["data"]:
            cfg.data.outliers = "keep"  # saved before spikes were replaced: trained on the data as given
    except (ValueError, KeyError, TypeError) as exc:
        raise RunError(f"{path / 'config.json'} is unreadable ({exc}); the run folder is damaged.") from None
    version = meta.get("format_version", 1)
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise RunError(f"{path / 'config.json'} holds a damaged format_version; the run folder is damaged.")
    if version > FORMAT_VERSION:
        raise RunError(
            f"{path} was saved by a newer LSTM Lab (run format {version}, this one reads up to {FORMAT_VERSION}); "
            "update LSTM Lab to open it."
        )
    if not isinstance(meta.get("fit", {}), dict):
        raise RunError(f"{path / 'config.json'} holds a damaged fit record; the run folder is damaged.")
    try:
        own = _frame_from_csv(path / "data.csv", bool(meta.get("datetime_index")))
    except (ValueError, TypeError, OverflowError, pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise RunError(f"{path / 'data.csv'} is unreadable ({str(exc)[:100]}); the run folder is damaged.") from None
    wanted = [c for c in [cfg.data.target, *cfg.data.inputs] if c is not None]
    if own.shape[1] == 0 or any(c not in own.columns for c in wanted):
        raise RunError(
            f"{path / 'data.csv'} does not hold the columns the run was trained on; the run folder is damaged."
        )
    data = own if frame is None else _matching(frame, own, cfg)
    offset = meta.get("utc_offset")
    if offset is not None and not is_utc_offset(offset):
        raise RunError(f"{path / 'config.json'} holds a damaged utc_offset; the run folder is damaged.")
    try:
        series = Series(
            data,
            frequency=infer_frequency(data.index),
            season=meta.get("season_hint"),
            utc_offset=offset,
            # other data given: its own gaps are not known here
            filled=stored_filled(meta, data) if frame is None else None,
        )
    except DataError:
        raise RunError(f"{path / 'config.json'} holds a damaged season_hint; the run folder is damaged.") from None
    saved = _member_specs(meta, path)
    specs: list[tuple[Transform | None, int, int | None, int | None, bool, bool]]
    if saved is None:  # format 1: one network, ``auto`` as it was resolved then
        legacy = None
        if cfg.data.transform == "auto" and cfg.data.uses_target_history:
            legacy = _legacy_transform(series, cfg)
        specs = [(legacy, 1, None, None, False, False)]
    else:
        specs = list(saved)
    if frame is not None and (any(t is not None and t.log for t, *_ in specs) or "log" in cfg.data.transform):
        y = pd.to_numeric(data[cfg.data.target], errors="coerce").to_numpy(dtype=np.float64)
        if np.any(y[np.isfinite(y)] <= 0):
            raise RunError(
                f"This run's networks take the logs of {cfg.data.target!r}, and the data given has values at or "
                "below zero there; pass data above zero throughout, or train a new run on this data."
            )
    members = []
    settings = [_member_settings(cfg.data, horizon, look_back) for _, _, horizon, look_back, *_ in specs]
    for (transform, networks, _, _, one_step_only, standby), data_cfg in zip(specs, settings):
        try:
            prep = prepare(
                series, data_cfg, transform=transform, weekly="season_used" in meta, yearly="yearly_season" in meta
            )
        except ConfigError:
            if frame is None or len(data) >= _saved_rows(path):
                raise
            # shorter than the data it was trained on: the saved settings cannot change, so say
            # what the new data lacks, not which setting to change
            fewest = _fewest_rows(own, [(c, spec[0]) for c, spec in zip(settings, specs)], meta)
            raise ConfigError(
                f"The data given has {len(data)} rows, too few for this saved run (look_back "
                f"{cfg.data.look_back} and its split into train, validation and test parts); pass a series of at "
                f"least {fewest} rows."
            ) from None
        members.append(
            Member(prep, empty_model(cfg, prep, networks, one_step_only), one_step_only=one_step_only, standby=standby)
        )
    try:
        state = torch.load(path / "model.pt", map_location="cpu", weights_only=True)
        _weights(members).load_state_dict(state)
    except Exception as exc:  # noqa: BLE001 - any unpickling failure is a damaged or unsafe file
        raise RunError(
            f"The weights in {path / 'model.pt'} could not be loaded safely ({type(exc).__name__}); "
            "the file is damaged or not an LSTM Lab model."
        ) from None
    for m in members:
        m.model.eval()
    prep, model = members[0].prep, members[0].model
    fit_meta = meta.get("fit", {})
    history = []
    if (path / "history.csv").exists():
        hist = pd.read_csv(path / "history.csv")
        history = [
            EpochStats(
                int(r.epoch),
                float(r.train_loss),
                None if pd.isna(r.val_loss) else float(r.val_loss),
                float(r.seconds),
                float(r.samples_per_s),
            )
            for r in hist.itertuples()
        ]
    fit = FitResult(
        history=history,
        best_epoch=int(fit_meta.get("best_epoch", 0)),
        best_loss=float(fit_meta.get("best_loss", np.inf)),
        status=fit_meta.get("status", "completed"),
        seconds=float(fit_meta.get("seconds", 0.0)),
    )
    run = Run(
        cfg,
        series,
        prep,
        model,
        fit,
        # where it was trained (a label; the networks are loaded on the CPU)
        device=meta["device"] if isinstance(meta.get("device"), str) and meta["device"] else "cpu",
        members_fit=_network_fits(fit_meta.get("networks"), fit),
        gate_history=_gate_history_from_json(path / "gate_history.json"),
        members=members,
        # runs saved before these choices existed fed the networks' mean back and weighed members equally
        paths=str(meta["paths"]) if meta.get("paths") in PATHS else "inside",
        one_step=str(meta["one_step"]) if meta.get("one_step") in ONE_STEP else "equal",
        # runs saved before session 24 kept the training part's seasonal profile at every origin
        profiles=str(meta["profiles"]) if meta.get("profiles") in PROFILES else "fixed",
        look_back_asked=_look_back_asked(meta.get("look_back_asked"), path),
        trimmed=_trimmed(meta.get("trimmed"), path),
    )
    intervals = meta.get("intervals")
    if isinstance(intervals, dict) and isinstance(intervals.get("q"), list):
        try:
            q = np.asarray(intervals["q"], dtype=np.float64)
        except (TypeError, ValueError):
            raise RunError(
                f"{path / 'config.json'} holds damaged interval widths; the run folder is damaged."
            ) from None
        if q.ndim != 1 or not np.all(np.isfinite(q)) or np.any(q < 0):
            raise RunError(f"{path / 'config.json'} holds damaged interval widths; the run folder is damaged.")
        q1 = intervals.get("one_step")  # absent in runs saved before it existed: q[0], as they were evaluated
        if q1 is not None and (
            isinstance(q1, bool) or not isinstance(q1, int | float) or not math.isfinite(q1) or q1 < 0
        ):
            raise RunError(f"{path / 'config.json'} holds damaged interval widths; the run folder is damaged.")
        r1 = _residuals(intervals.get("one_step_residuals"), path)  # absent before session 22: q1 throughout
        run.fixed_intervals = (q, str(intervals.get("note", "")), None if q1 is None else float(q1), r1)
        # runs saved before session 37 grew their widths like the square root past calibration, as
        # the default does
        growth = intervals.get("growth")
        run.interval_growth = growth if isinstance(growth, str) and growth in INTERVAL_GROWTH else "sqrt"
    log.info("run loaded from %s (format %s)", path, meta.get("format_version", 1) if isinstance(meta, dict) else "?")
    return run.attach(evaluate(run))


def _network_fits(raw, fit: FitResult) -> list[FitResult]:
    """Every network's fit as saved (best epoch and training seconds; the first is the run's
    ``fit`` itself, with its history), so a reloaded run reports the training time and best
    epochs it reported when trained; [] for runs saved before (or a damaged list): the run's
    fit alone then stands for them."""
    if not isinstance(raw, list) or not raw:
        return []
    fits = [fit]
    for entry in raw[1:]:
        try:
            best, seconds = int(entry["best_epoch"]), float(entry["seconds"])
        except (TypeError, KeyError, ValueError):
            return []
        if best < 0 or not math.isfinite(seconds) or seconds < 0:
            return []
        fits.append(FitResult(best_epoch=best, status=fit.status, seconds=seconds))
    return fits


def _residuals(raw, path: Path) -> np.ndarray | None:
    """The saved one-step calibration residuals (m,), None where the run has none; RunError
    (one sentence) for a damaged list."""
    if raw is None:
        return None
    try:
        r = np.asarray(raw, dtype=np.float64) if isinstance(raw, list) else None
    except (TypeError, ValueError):
        r = None
    if r is None or r.ndim != 1 or not np.all(np.isfinite(r)) or np.any(r < 0):
        raise RunError(f"{path / 'config.json'} holds damaged interval residuals; the run folder is damaged.")
    return r


def zip_restore_refusal(run: Run, max_rows: int = MAX_ZIP_ROWS, max_work: int = MAX_ZIP_WORK) -> str | None:
    """Why the zip of ``run`` (:func:`save_run` zipped) would be refused where a run zip is uploaded
    (:func:`zip_to_run_dir`'s bounds ``max_rows`` on the rows of its ``data.csv`` and ``max_work`` on
    rows times bytes of ``model.pt``, here its parameters' bytes), in one sentence saying how to open
    it instead; None where it would be restored."""
    rows = len(run.frame)
    weights = sum(p.numel() * p.element_size() for p in _weights(run.members).parameters()) if run.members else 0
    if rows <= max_rows and rows * weights <= max_work:
        return None
    why = (
        f"its {rows:,} rows are over the {max_rows:,} a restored run may have"
        if rows > max_rows
        else f"its {weights / 1e6:.1f} MB of weights over {rows:,} rows would take too long to evaluate"
    )
    return (
        f"This run's zip cannot be restored by uploading it here ({why}); unzip it and open the folder "
        "with 'python -m lstm_core forecast --run FOLDER'."
    )


def _weights(members: list[Member]) -> torch.nn.Module:
    """What model.pt holds: one member's model, or every member's in a list."""
    return members[0].model if len(members) == 1 else torch.nn.ModuleList([m.model for m in members])


#: Most members a saved run can have (every shortlisted representation with two horizons and
#: its one-step networks, the one-step networks of a specialist and of a last-value representation,
#: and a standby network), and most networks: the user's largest ensemble, or auto's two per member.
MAX_MEMBERS = 3 * SHORTLIST + 3
MAX_NETWORKS = max(int(BOUNDS["ensemble"].int_range()[1]), TrainConfig.NETWORKS_PER_VARIANT * MAX_MEMBERS)


def _member_specs(meta: dict, path: Path) -> list[tuple[Transform, int, int | None, int | None, bool, bool]] | None:
    """``[(representation, networks, horizon, look_back, one_step_only, standby), ...]`` from
    config.json (horizon and look_back None in runs saved before members had their own: the run's;
    one-step-only and standby False before such members existed); None for a format-1 run."""
    raw = meta.get("members")
    if raw is None:
        return None
    bad = RunError(f"{path / 'config.json'} describes its networks wrongly; the run folder is damaged.")
    if not isinstance(raw, list) or not 1 <= len(raw) <= MAX_MEMBERS:
        raise bad
    specs = []
    for item in raw:
        if not isinstance(item, dict) or not isinstance(item.get("representation"), dict):
            raise bad
        networks = item.get("networks")
        if not isinstance(networks, int) or isinstance(networks, bool) or not 1 <= networks <= MAX_NETWORKS:
            raise bad
        horizon = item.get("horizon")
        if horizon is not None and (
            not isinstance(horizon, int) or isinstance(horizon, bool) or not BOUNDS["horizon"].contains(horizon)
        ):
            raise bad
        look_back = item.get("look_back")
        if look_back is not None and (
            not isinstance(look_back, int) or isinstance(look_back, bool) or not BOUNDS["look_back"].contains(look_back)
        ):
            raise bad
        one_step_only = item.get("one_step_only", False)
        standby = item.get("standby", False)
        if not isinstance(one_step_only, bool) or not isinstance(standby, bool) or (standby and not one_step_only):
            raise bad
        try:
            rep = Transform.from_dict(item["representation"])
            specs.append((rep, networks, horizon, look_back, one_step_only, standby))
        except ConfigError as exc:
            raise RunError(f"{path / 'config.json'}: {exc}") from None
    if sum(spec[1] for spec in specs) > MAX_NETWORKS:
        raise bad
    return specs


def _legacy_transform(series: Series, cfg: RunConfig) -> Transform | None:
    """How format-1 runs resolved ``auto`` (before the representation was saved)."""
    from .prep import legacy_auto_transform, resolve_target, split_points

    try:
        target, _ = resolve_target(series.frame, cfg.data)
        y = series.frame[target].to_numpy(dtype=np.float64)
        train_end, _ = split_points(len(y), cfg.data.val_fraction, cfg.data.test_fraction)
        return legacy_auto_transform(y[:train_end], cfg.data.season or series.season, bool(np.all(y > 0)))
    except (ConfigError, ValueError, KeyError):
        return None  # prepare() reports what is wrong


def _gate_history_to_json(history: list[dict]) -> list[dict]:
    """Per-epoch gate statistics with numpy arrays turned into lists."""
    return [
        {
            "epoch": e["epoch"],
            "layers": [
                {g: {k: np.asarray(v).tolist() for k, v in stats.items()} for g, stats in layer.items()}
                for layer in e["layers"]
            ],
        }
        for e in history
    ]


def _gate_history_from_json(path: Path) -> list[dict]:
    if not path.exists():
        return []
    try:
        raw = json.loads(path.read_text())
        return [
            {
                "epoch": int(e["epoch"]),
                "layers": [
                    {g: {k: np.asarray(v, dtype=np.float32) for k, v in stats.items()} for g, stats in layer.items()}
                    for layer in e["layers"]
                ],
            }
            for e in raw
        ]
    except (ValueError, KeyError, TypeError):
        return []  # statistics are optional; a damaged file only hides the per-epoch view


def run_to_zip(directory: str | os.PathLike, about: dict[str, Any] | None = None) -> bytes:
    """The run folder's files as zip bytes (flat, no sub-folders); with ``about`` (``label``, ``data``,
    ``pinned``, ``trained``), an :data:`ABOUT_FILE` entry that a restore reads back (:func:`read_about`)."""
    path = Path(directory)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name in RUN_FILES:
            if (path / name).exists():
                zf.write(path / name, arcname=name)
        if about:
            zf.writestr(ABOUT_FILE, json.dumps(about))
    return buf.getvalue()


#: The earliest ``trained`` time (Unix seconds, 2000-01-01) :func:`read_about` takes from a zip.
TRAINED_SINCE = 946684800


def read_about(directory: str | os.PathLike) -> dict[str, Any]:
    """What a restored run folder's :data:`ABOUT_FILE` says: ``label`` and ``data`` (text, at most
    200 characters), ``pinned`` (bool) and ``trained`` (when the run ended, Unix seconds, from 2000
    to tomorrow), each only where given with its type; ``{}`` without the file or where it is not
    such JSON (it only names the run: a damaged one costs the names)."""
    try:
        raw = json.loads((Path(directory) / ABOUT_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(raw, dict):
        return {}
    out: dict[str, Any] = {k: raw[k][:200] for k in ("label", "data") if isinstance(raw.get(k), str) and raw[k].strip()}
    if isinstance(raw.get("pinned"), bool):
        out["pinned"] = raw["pinned"]
    trained = raw.get("trained")
    if (
        isinstance(trained, int | float)
        and not isinstance(trained, bool)
        and TRAINED_SINCE <= trained <= time.time() + 86400  # a date in 2000.. tomorrow, not garbage
    ):
        out["trained"] = int(trained)
    return out


def _declared_entries(data: bytes) -> tuple[int, int] | None:
    """``(entries, central directory bytes)`` from the zip's end record, read without parsing
    the entries; None when there is no end record (ZipFile then says it is not a zip)."""
    end = data.rfind(b"PK\x05\x06", max(0, len(data) - 22 - 0xFFFF))
    if end < 0 or end + 22 > len(data):
        return None
    entries, size = struct.unpack_from("<HI", data, end + 10)
    return entries, size


def _count_lines(chunk: bytes) -> int:
    """Line ends in ``chunk`` as the CSV reader sees them (``\n``, ``\r\n`` or a lone ``\r``)."""
    return max(chunk.count(b"\n"), chunk.count(b"\r"))


def check_zip(data: bytes, max_bytes: int = MAX_ZIP_BYTES) -> None:
    """The checks that cost nothing, before any work is queued for an upload: its size, that it
    ends with a zip's end record, and the number of entries that record declares (at most :data:`MAX_ZIP_ENTRIES`). Raises
    :class:`RunError`; :func:`zip_to_run_dir` checks the rest while unpacking."""
    if len(data) > max_bytes:
        raise RunError(f"The run zip is {len(data) / 1e6:.0f} MB, over the {max_bytes / 1e6:.0f} MB limit.")
    declared = _declared_entries(data)
    if declared is None:
        raise RunError("The upload is not a zip file; download a run with 'Download run (.zip)' and upload that.")
    if declared[0] > MAX_ZIP_ENTRIES or declared[1] > MAX_ZIP_ENTRIES * 1024:
        raise RunError(
            f"The zip holds more than {MAX_ZIP_ENTRIES} entries, so it is not an LSTM Lab run zip; "
            "upload the zip that 'Download run (.zip)' gave you."
        )


def _run_entries(infos: list[zipfile.ZipInfo]) -> tuple[list[zipfile.ZipInfo], list[str]]:
    """The entries of a zip that hold files, with the names they are unpacked under: a run folder
    zipped with its folder (``zip -r run.zip run``, a file manager's "Compress") holds ``run/config.json``
    and so on, taken as ``config.json``; folder entries and what macOS adds (``__MACOSX/``,
    ``.DS_Store``) are left out. Any other name stays as it is (and is refused)."""
    kept = [
        i
        for i in infos
        if not i.is_dir() and not i.filename.startswith("__MACOSX/") and i.filename.rsplit("/", 1)[-1] != ".DS_Store"
    ]
    names = [i.filename for i in kept]
    folders = {n.split("/", 1)[0] for n in names}
    if names and len(folders) == 1 and all(n.count("/") == 1 for n in names):
        names = [n.split("/", 1)[1] for n in names]
    return kept, names


def zip_to_run_dir(
    data: bytes,
    directory: str | os.PathLike,
    max_bytes: int = MAX_ZIP_BYTES,
    max_rows: int = MAX_ZIP_ROWS,
    max_work: int = MAX_ZIP_WORK,
) -> Path:
    """Unpack an uploaded run zip into ``directory`` after checking it.

    Only the known flat file names are accepted, each once (no paths, so nothing can land
    outside the folder), or the same names inside one folder (:func:`_run_entries`). Before anything is unpacked, the zip's size and its number of entries
    (at most :data:`MAX_ZIP_ENTRIES`, read from its end record) are checked; while unpacking,
    the bytes actually inflated are bounded by ``max_bytes`` and ``data.csv`` (unpacked first) by
    ``max_rows`` lines of data (:data:`MAX_ZIP_ROWS`), and its rows times the size of
    ``model.pt`` by ``max_work`` (:data:`MAX_ZIP_WORK`), so a hostile zip is refused before
    :func:`load_run` parses or evaluates anything. Raises :class:`RunError`.
    """
    check_zip(data, max_bytes)
    too_many = RunError(
        f"The zip holds more than {MAX_ZIP_ENTRIES} entries, so it is not an LSTM Lab run zip; "
        "upload the zip that 'Download run (.zip)' gave you."
    )
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except zipfile.BadZipFile:
        raise RunError(
            "The upload is not a zip file; download a run with 'Download run (.zip)' and upload that."
        ) from None
    if len(infos) > MAX_ZIP_ENTRIES:
        raise too_many
    infos, names = _run_entries(infos)
    bad = [n for n in names if n not in RUN_FILES and n != ABOUT_FILE]
    if bad:
        raise RunError(
            f"The zip holds unexpected entries ({', '.join(bad[:3])}); only an LSTM Lab run zip can be restored."
        )
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise RunError(
            f"The zip holds {', '.join(twice[:3])} more than once, so it is not an LSTM Lab run zip; "
            "upload the zip that 'Download run (.zip)' gave you."
        )
    if sum(i.file_size for i in infos) > max_bytes:
        raise RunError("The run zip unpacks to more than the size limit; it cannot be restored.")
    target = Path(directory)
    existed = target.exists()
    target.mkdir(parents=True, exist_ok=True)
    budget = max_bytes  # counted on the bytes actually inflated, not only the declared sizes
    lines = 0  # line ends in data.csv, which is unpacked first
    weights = sum(i.file_size for i, n in zip(infos, names) if n == "model.pt")  # more would fail the CRC check
    try:
        for info, name in sorted(zip(infos, names), key=lambda e: e[1] != "data.csv"):  # the rows are checked first
            rows = max(lines - 1, 0)  # data.csv's, known from here on
            if name != "data.csv" and rows * weights > max_work:
                raise RunError(
                    f"The run is too large to restore here ({weights / 1e6:.1f} MB of weights over {rows:,} "
                    "rows would take too long to evaluate); open the unzipped folder with "
                    "'python -m lstm_core forecast --run FOLDER' instead."
                )
            with zf.open(info) as src, open(target / name, "wb") as dst:
                while chunk := src.read(1 << 20):
                    budget -= len(chunk)
                    if budget < 0:
                        raise RunError("The run zip unpacks to more than the size limit; it cannot be restored.")
                    if name == "data.csv":
                        lines += _count_lines(chunk)
                        if lines > max_rows + 1:  # the header line, then one line per row
                            raise RunError(
                                f"The run's data.csv has more than {max_rows:,} rows, the most a restored run "
                                "may have here; open the unzipped folder with "
                                "'python -m lstm_core forecast --run FOLDER' instead."
                            )
                    dst.write(chunk)
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError) as exc:
        # a lying size header (Bad CRC-32), truncated data, an unknown compression, a password
        raise RunError(
            f"The run zip is damaged or not a plain LSTM Lab zip ({str(exc)[:100]}); download it again."
        ) from None
    lacking = [n for n in ("config.json", "model.pt", "data.csv") if n not in names]
    if lacking:  # (checked last: the limits above come first, whatever the zip holds)
        if not existed:
            shutil.rmtree(target, ignore_errors=True)
        raise RunError(
            f"The zip lacks {', '.join(lacking)}, so it holds no complete run; upload the zip that "
            "'Download run (.zip)' gave you, with every file it holds."
        )
    return target
