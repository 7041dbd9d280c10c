"""``python -m lstm_core``: the headless twin of the app.

Subcommands: ``generate``, ``train``, ``forecast``, ``gates``, ``compare``, ``app`` (starts the dashboard
of a checkout; the installed command ``lstm-lab`` is this same CLI). Any bad input or argument
exits with status 2 and one line on stderr starting ``error: `` (never a traceback).
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import errno
import io
import json
import logging
import os
import re
import shlex
import sys
import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from . import logs, threads
from .baselines import BASELINE_NAMES
from .config import (
    CELL_TYPES,
    DEVICES,
    MISSING_POLICIES,
    OUTLIER_POLICIES,
    SCALERS,
    TRANSFORMS,
    ConfigError,
    RunConfig,
)
from .metrics import figure_text
from .prep import look_back_for, resolve_target
from .tables import seasonal_naive_is_naive
from .train import ended_words
from .verdict import (
    coverage_note,
    figure_digits,
    filled_note,
    holt_winters_name,
    judge,
    mae_note,
    untested_note,
)
from .verdict import label as verdict_label

if TYPE_CHECKING:
    from .executors.ray_executor import RayExecutor
    from .results import RunMetrics

EXIT_USAGE = 2
#: The status of a command stopped by Ctrl-C (128 + SIGINT), as shells give it: a script told it from bad input (2).
EXIT_INTERRUPTED = 130
#: The path that names standard input (``--data -``) or standard output (``--out -`` of generate and forecast).
STDIO = "-"
RAY_HELP = (
    "run on a Ray cluster: auto, HOST:PORT, or local (a private cluster on this machine); "
    "needs `pip install -r requirements-ray.txt`"
)
#: How long train/compare --ray wait for the cluster to answer.
RAY_CONNECT_S = 60.0
#: Longest forecast the CLI makes (the page's slider stops at 240).
MAX_FORECAST_STEPS = 10_000
#: Longest series ``generate`` writes (a longer one ran out of memory with a traceback).
MAX_GENERATE_LENGTH = 1_000_000
#: Largest ``--seed`` (numpy's and torch's seeds; ``train`` takes the same range).
MAX_SEED = 2**31 - 1
#: Generators that are a dataset of a fixed length (``--length`` does not apply), and that length.
FIXED_LENGTH = {"airline": 144}
#: The files ``compare`` writes in its ``--out`` folder.
COMPARE_FILES = ("results.csv", "runs.csv", "metrics.json", "config.json")


class UsageError(Exception):
    """Raised by the argument parser instead of printing usage and exiting."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # noqa: D102 - argparse hook
        raise UsageError(message)


def _typed(kind):
    """argparse type that names the expected kind in its error."""

    def parse(text: str):
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a valid {kind.__name__}") from None
        return value

    parse.__name__ = kind.__name__
    return parse


def _selection(text: str) -> tuple[str, str]:
    """argparse type of ``--select COLUMN=VALUE``."""
    column, sep, value = text.partition("=")
    if not sep or not column.strip():
        raise argparse.ArgumentTypeError(f"{text!r} is not COLUMN=VALUE, e.g. State=Victoria")
    return column.strip(), value.strip()


#: The ``train`` flag of each config field that the engine's messages name (``look_back must be at
#: least 1``): on the command line they say the flag (``--look-back must be at least 1``).
TRAIN_FLAGS = {
    "look_back": "--look-back",
    "hidden_size": "--hidden",
    "num_layers": "--layers",
    "batch_size": "--batch-size",
    "test_fraction": "--test-fraction",
    "val_fraction": "--val-fraction",
    "learning rate": "--lr",
    "horizon": "--horizon",
    "season": "--season",
    "epochs": "--epochs",
    "dropout": "--dropout",
    "patience": "--patience",
    "ensemble": "--ensemble",
    "seed": "--seed",
}
#: Fields named with an underscore are config names wherever they stand; plain words (``season``)
#: only where they open a sentence as the setting (``season 100000 is longer``, ``seed must be``) or
#: follow ``set``.
_FIELD_RE = re.compile(r"\b(?:" + "|".join(k for k in TRAIN_FLAGS if "_" in k) + r")\b")
_WORDS = "|".join(k for k in TRAIN_FLAGS if "_" not in k)
_OPENING_RE = re.compile(rf"^({_WORDS})(?= must be| -?\d)")
_SET_RE = re.compile(rf"\bset ({_WORDS})\b")


def flag_words(message: str) -> str:
    """A ``train`` message of the engine in the command line's words: the flags instead of the
    config fields they set (``--look-back 500 is too long``), and "leave it out" for the page's
    "leave it empty"."""
    message = _FIELD_RE.sub(lambda m: TRAIN_FLAGS[m.group(0)], message)
    message = _OPENING_RE.sub(lambda m: TRAIN_FLAGS[m.group(1)], message)
    message = _SET_RE.sub(lambda m: f"set {TRAIN_FLAGS[m.group(1)]}", message)
    return (
        message.replace("leave it empty", "leave it out")
        .replace("lower the learning rate", "lower --lr")
        .replace("the test and validation fractions", "--test-fraction and --val-fraction")
    )


_SELECT_HELP = (
    "keep the rows whose COLUMN holds VALUE: one series of a file that holds several one under another "
    "(repeat for several key columns)"
)


def build_parser() -> argparse.ArgumentParser:
    from . import __version__
    from .data import GENERATORS

    # the name it was called by: "lstm-lab --help" printed "usage: python -m lstm_core"
    prog = "lstm-lab" if Path(sys.argv[0]).name == "lstm-lab" else "python -m lstm_core"
    p = _Parser(prog=prog, description="LSTM Lab engine: generate data, train, forecast, gates.")
    p.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)

    g = sub.add_parser("generate", help="write a built-in or synthetic series as CSV")
    g.add_argument("name", choices=sorted(GENERATORS), metavar="NAME", help="one of: " + ", ".join(sorted(GENERATORS)))
    from .data.generators import _DEFAULT_LENGTH

    lengths = ", ".join(f"{n} {k:,}" for n, k in sorted(_DEFAULT_LENGTH.items()) if n not in FIXED_LENGTH)
    g.add_argument(
        "--length",
        type=_typed(int),
        default=None,
        help=f"rows to write (default: {lengths}; airline is a fixed dataset of {FIXED_LENGTH['airline']})",
    )
    g.add_argument("--seed", type=_typed(int), default=0, help="random seed of the noise (default: 0)")
    g.add_argument("--out", required=True, type=Path, help="CSV file to write")

    t = sub.add_parser("train", help="train a model and write a run directory")
    d, m, tr = RunConfig().data, RunConfig().model, RunConfig().train
    t.add_argument(
        "--data", required=True, type=Path, help="the CSV file to train on (a time column and numeric columns)"
    )
    t.add_argument(
        "--target",
        default=None,
        help="column to predict (default: as the Data page picks it: the first named like value, sales, "
        "demand..., else the first numeric column that is neither a row counter, constant nor named for a time)",
    )
    t.add_argument("--inputs", default="", help="comma-separated extra input columns")
    t.add_argument("--cell", choices=CELL_TYPES, default=m.cell, help=f"recurrent cell (default: {m.cell})")
    t.add_argument(
        "--hidden", type=_typed(int), default=m.hidden_size, help=f"hidden units per layer (default: {m.hidden_size})"
    )
    t.add_argument(
        "--layers", type=_typed(int), default=m.num_layers, help=f"stacked recurrent layers (default: {m.num_layers})"
    )
    t.add_argument(
        "--dropout",
        type=_typed(float),
        default=m.dropout,
        help=f"dropout between layers, 0 to under 1 (default: {m.dropout:g})",
    )
    t.add_argument(
        "--linear-path",
        action=argparse.BooleanOptionalAction,
        default=m.linear_path,
        help="a linear map of the window's last values added to the one-step output of networks with several "
        "outputs or made for the one-step predictions only (LSTNet's autoregressive part; default: on)",
    )
    t.add_argument(
        "--look-back",
        type=_typed(int),
        default=None,
        help=f"window length (default: {d.look_back}, or a third of the training part where that does not fit; a day "
        "of steps, at most 48, for data under a day apart that repeats weekly); with "
        "--transform auto, one over half the training part is shortened to a third of it",
    )
    t.add_argument(
        "--horizon",
        type=_typed(int),
        default=d.horizon,
        help="outputs per window (default: auto: one season where it is at most 64 steps, else 8, fewer where the "
        "training part would hold under 24 windows; 0 maps inputs to the target)",
    )
    t.add_argument(
        "--ensemble",
        type=_typed(int),
        default=tr.ensemble,
        help=(
            "networks whose forecasts are averaged (default: auto: 10; up to 20 on a series too short to "
            "backtest, two for each representation and horizon, plus networks over half the window for "
            "its one-step predictions, also on the representations its backtest screened out; 3 past 1,000 "
            "points; one for the one-step predictions on each representation a ranking backtest left out; "
            "and where no representation kept is differenced at lag 1, a standby network on the differences "
            "for the one-step predictions)"
        ),
    )
    t.add_argument(
        "--epochs",
        type=_typed(int),
        default=tr.epochs,
        help=f"the most epochs a network trains for (default: {tr.epochs}, an upper bound): early stopping usually ends sooner",
    )
    t.add_argument(
        "--batch-size", type=_typed(int), default=tr.batch_size, help=f"windows per step (default: {tr.batch_size})"
    )
    t.add_argument("--lr", type=_typed(float), default=tr.lr, help=f"Adam learning rate (default: {tr.lr:g})")
    t.add_argument(
        "--seed", type=_typed(int), default=tr.seed, help=f"random seed of the weights and batches (default: {tr.seed})"
    )
    t.add_argument(
        "--patience",
        type=_typed(int),
        default=tr.patience,
        help=f"epochs without a better validation loss before a network stops (default: {tr.patience})",
    )
    t.add_argument(
        "--test-fraction",
        type=_typed(float),
        default=d.test_fraction,
        help=f"share of the series held out at its end for the test (default: {d.test_fraction:g})",
    )
    t.add_argument(
        "--val-fraction",
        type=_typed(float),
        default=d.val_fraction,
        help=f"share before the test part for early stopping and the intervals (default: {d.val_fraction:g})",
    )
    t.add_argument(
        "--scaler", choices=SCALERS, default=d.scaler, help=f"scaling fitted on the training part (default: {d.scaler})"
    )
    t.add_argument(
        "--transform",
        choices=TRANSFORMS,
        default=d.transform,
        help=f"what the networks see of the series (default: {d.transform}: chosen by a backtest before the test part)",
    )
    t.add_argument(
        "--season", type=_typed(int), default=None, help="season length in steps (default: read off the time column)"
    )
    t.add_argument(
        "--outliers",
        choices=OUTLIER_POLICIES,
        default=d.outliers,
        help="lone spikes before the test part: replace them for training only (default; the metrics "
        "use the data as given), or keep them",
    )
    t.add_argument(
        "--device",
        choices=DEVICES,
        default=tr.device,
        help=f"where to train (default: {tr.device}: CUDA, then Apple MPS, then CPU)",
    )
    t.add_argument("--quiet", action="store_true", help="no per-epoch progress on stderr")
    t.add_argument("--out", required=True, type=Path, help="run folder to create (an existing run needs --overwrite)")
    t.add_argument("--overwrite", action="store_true", help="replace an existing run folder at --out")
    t.add_argument("--ray", metavar="ADDRESS", default=None, help=RAY_HELP)

    f = sub.add_parser("forecast", help="forecast past the end of the data with a saved run")
    f.add_argument("--run", required=True, type=Path, help="a run folder written by train (an app run zip: unzip it)")
    f.add_argument(
        "--steps",
        type=_typed(int),
        default=None,
        help="steps ahead (default: as many as the run's forecast.csv and the Forecast page show: two seasons, "
        "else 24, at most the test span the verdict covers)",
    )
    f.add_argument("--data", type=Path, default=None, help="apply the model to this series instead of the run's own")
    f.add_argument("--out", type=Path, default=None, help="CSV file (default: stdout)")
    f.add_argument(
        "--baseline",
        choices=BASELINE_NAMES,
        default=None,
        help="write this baseline's forecast (time, forecast, lower, upper: its 90%% band, from its own errors "
        "before the data's end) instead of the model's: the one the verdict names where a baseline forecast the "
        "test span better (as the Forecast page's download beside the model's)",
    )

    ga = sub.add_parser("gates", help="record every gate of a saved run over the whole series")
    ga.add_argument("--run", required=True, type=Path, help="a run folder written by train")
    ga.add_argument("--data", type=Path, default=None, help="apply the model to this series instead of the run's own")
    ga.add_argument(
        "--out",
        required=True,
        type=Path,
        help="NumPy .npz file to write: one array per layer (from 0) and gate or state, LAYER/NAME (gates as the "
        "cell names them, c the cell state, h the hidden state), of shape (time, units); the time steps start where "
        "the network's input does (after the lag of a differenced representation); for a run of several networks, "
        "the first network's",
    )

    c = sub.add_parser("compare", help="train model variants on the same data, split and seeds; write the table")
    c.add_argument(
        "--config",
        required=True,
        type=Path,
        help="comparison JSON (as exported by the Compare page); a variant that sets no look_back (nor its data) "
        "starts from the window train does without --look-back; one network per seed unless train.ensemble "
        "says otherwise",
    )
    c.add_argument(
        "--data", required=True, type=Path, help="the CSV file every variant trains on (same split and seeds)"
    )
    c.add_argument(
        "--out", required=True, type=Path, help="folder for results.csv, runs.csv, metrics.json, config.json"
    )
    c.add_argument("--quiet", action="store_true", help="no per-run progress on stderr")
    c.add_argument("--overwrite", action="store_true", help=f"replace the {', '.join(COMPARE_FILES)} already in --out")
    c.add_argument("--ray", metavar="ADDRESS", default=None, help=RAY_HELP + "; the runs train side by side")

    for writes_file in (g, f, ga):
        writes_file.add_argument("--overwrite", action="store_true", help="replace an existing file at --out")
    sub.add_parser(
        "app",
        help="start the Streamlit dashboard (app.py of this checkout); every further argument goes to `streamlit run`",
        usage="%(prog)s [streamlit run arguments ...]",
    )
    for reads_data in (t, f, ga, c):  # every command with --data
        reads_data.add_argument(
            "--select", action="append", type=_selection, default=[], metavar="COLUMN=VALUE", help=_SELECT_HELP
        )
        reading = reads_data.add_argument_group("reading the CSV (as the Data page's options)")
        applies_run = reads_data in (f, ga)  # --run: the policy the run was trained with, unless given
        # compare: the reading options its JSON carries (as the app read the file), unless given
        by_json = ' the comparison JSON\'s "reading", else' if reads_data is c else ""
        reading.add_argument(
            "--missing",
            choices=MISSING_POLICIES,
            default=None if applies_run or by_json else "interpolate",
            help="missing values: interpolate (linear), ffill (carry the last value forward) or drop the rows"
            + (" (default: as the run was trained)" if applies_run else f" (default:{by_json} interpolate)"),
        )
        reading.add_argument(
            "--date-format",
            default=None,
            metavar="FORMAT",
            help=f"strptime format of the time column, e.g. %%d.%%m.%%Y (default:{by_json} read from the data)",
        )
        order = reading.add_mutually_exclusive_group()
        order.add_argument(
            "--day-first",
            dest="dayfirst",
            action="store_const",
            const=True,
            default=None,
            help=f"read dates such as 03/04/2020 day first (default:{by_json} decided from the data, with a note)",
        )
        order.add_argument(
            "--month-first", dest="dayfirst", action="store_const", const=False, help="read them month first"
        )
    return p


#: What the loader repaired, dropped or assumed in the data of this command (missing values
#: filled, rows or columns dropped, cells read as missing...) and what a trained run's guards did
#: (``train``: level networks left out one step ahead); :func:`main` prints them, one ``note:``
#: line each, after a command that succeeded (a failed one prints its error line only).
_DATA_NOTES: list[str] = []


def _load_series(args):
    """The series of the CSV at ``args.data``, read with the command's reading options (the rows
    of its ``--select`` pairs only); the loader's notes are kept for :func:`main`."""
    return _load(args).series


def _load(args):
    """:func:`_load_series`, as the loader's :class:`~lstm_core.data.LoadedData` (with its report)."""
    from .data import load_csv

    source: Any = args.data
    if _is_stdio(args.data):  # --data -: the rows a pipe sends (a file named "-" was read instead)
        source = sys.stdin.buffer.read()
    loaded = load_csv(
        source,
        name="standard input" if _is_stdio(args.data) else None,
        select=_selections(args.select or []),
        missing=args.missing,
        date_format=args.date_format,
        dayfirst=args.dayfirst,
    )
    _DATA_NOTES.extend(loaded.report.notes)
    return loaded


#: The ``compare`` flag of each reading option of a comparison JSON.
_READING_FLAGS = {"missing": "--missing", "dayfirst": "--day-first/--month-first", "date_format": "--date-format"}


def _json_reading(args, cfg, raw: dict) -> list[str]:
    """Apply the reading options of the comparison JSON ``cfg`` (its ``"reading"``, as the app read
    the file; a JSON without one: its ``data.missing``, where it sets it) to those ``args`` the
    command line left unset, in place; the command line's own win. Returns the notes: which options
    came from the JSON (none where it says the defaults), and which flags overrode a different one."""
    args.given = {key: getattr(args, key) for key in _READING_FLAGS}  # as typed, before the JSON's
    given = dict(cfg.reading or {})
    if "missing" not in given and isinstance(raw.get("data"), dict) and "missing" in raw["data"]:
        given["missing"] = cfg.data.missing  # an export of before "reading": the policy its runs recorded
    used, overridden = [], []
    from .compare import say_reading

    for key, flag in _READING_FLAGS.items():
        value, set_by_flag = given.get(key), getattr(args, key)
        if set_by_flag is None:
            if value is not None:
                setattr(args, key, value)
                if not (key == "missing" and value == "interpolate"):  # the default: nothing differs
                    used.append(say_reading(key, value))
        elif value is not None and value != set_by_flag:
            overridden.append(
                f"{say_reading(key, set_by_flag)} ({flag}), not the {say_reading(key, value)} of {args.config}"
            )
    if args.missing is None:
        args.missing = "interpolate"
    notes = []
    if used:
        notes.append(
            f"{args.data} was read with the reading options of {args.config}: "
            f"{', '.join(used)}; --missing, --day-first/--month-first and --date-format override them."
        )
    if overridden:
        notes.append(f"{args.data} was read with {'; '.join(overridden)}.")
    return notes


def _selections(pairs: list[tuple[str, str]]) -> dict[str, str]:
    """The ``--select COLUMN=VALUE`` pairs as a mapping; two values for one column (``--select State=Victoria
    --select State=NSW``, where the last one won without a word) are refused."""
    chosen: dict[str, str] = {}
    for column, value in pairs:
        if chosen.get(column, value) != value:
            raise ConfigError(
                f"--select gives column {column!r} two values ({chosen[column]!r} and {value!r}); "
                "a series has one value per key column, so give one of them."
            )
        chosen[column] = value
    return chosen


def _is_stdio(path: Path | None) -> bool:
    return path is not None and str(path) == STDIO


def _no_folder_on_stdout(out: Path, what: str) -> None:
    """Refuse ``--out -`` where the command writes a folder (``what``): a folder named "-" was made."""
    if _is_stdio(out):
        raise ConfigError(f"--out - names standard output, but {what}; give a folder path (nothing was written).")


def write_atomic(path: Path, data: bytes) -> None:
    """Write an output file through :func:`~lstm_core.runs.replace_file` (a full disk left a cut-off file, which
    a rerun then refused as one that "already exists", and ``--overwrite`` lost the good one), with the
    permissions the umask gives; an OSError names ``path``, not the temporary file."""
    from .runs import current_umask, replace_file

    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        replace_file(path, data, mode=0o666 & ~current_umask())
    except OSError as exc:
        if exc.filename is None or str(exc.filename) != str(path):
            raise OSError(exc.errno, exc.strerror, str(path)) from None
        raise


def _check_out_file(path: Path, overwrite: bool, args=None) -> None:
    """Refuse, before any work, an ``--out`` file that exists already (the user's data, an earlier
    forecast) unless ``--overwrite`` says to replace it, and, even with it, the command's own
    ``--data`` or ``--config`` file (``args``: the parsed arguments)."""
    if (flag := _input_at(path, args)) is not None:
        raise ConfigError(
            f"--out {path} is the {flag} file, which writing there would replace; choose another file name "
            "(nothing was written)."
        )
    if (own := _run_file_at(path, args)) is not None:
        raise ConfigError(
            f"--out {path} is the {own} of the --run folder, which writing there would replace; choose a file "
            "name outside the run folder (nothing was written)."
        )
    if path.is_file() and not overwrite:
        raise ConfigError(
            f"--out {path} already exists; pass --overwrite to replace it, or choose another file name "
            "(nothing was written)."
        )


def cmd_generate(args) -> int:
    from .data import frame_to_csv_bytes, generate

    if not _is_stdio(args.out):
        _check_out_file(args.out, args.overwrite)
    if args.length is not None and args.length > MAX_GENERATE_LENGTH:
        raise ConfigError(
            f"--length must be at most {MAX_GENERATE_LENGTH:,} (got {args.length:,}); choose a shorter series."
        )
    least = _least_length(args.name)
    if args.length is not None and args.name not in FIXED_LENGTH and args.length < least:
        # the generator's words named no flag: "length must be at least 3", "lag must be between 1 and length - 1"
        raise ConfigError(
            f"--length must be at least {least} for {args.name} (got {args.length}); choose a longer series."
        )
    if not 0 <= args.seed <= MAX_SEED:
        raise ConfigError(f"--seed must be between 0 and {MAX_SEED} (got {args.seed}); choose another seed.")
    if args.length is not None and args.name in FIXED_LENGTH:
        _DATA_NOTES.append(f"{args.name} is a fixed dataset of {FIXED_LENGTH[args.name]} rows; --length was ignored.")
    length = None if args.name in FIXED_LENGTH else args.length
    frame = generate(args.name, length=length, seed=args.seed)
    if args.seed and frame.equals(generate(args.name, length=length, seed=0)):  # as --length is said ignored
        _DATA_NOTES.append(f"{args.name} has no random noise, so --seed was ignored: every seed writes the same rows.")
    if _is_stdio(args.out):  # --out -: the rows on standard output, for a pipe
        sys.stdout.buffer.write(frame_to_csv_bytes(frame))
        sys.stdout.flush()
        print(f"wrote {len(frame)} rows x {frame.shape[1]} columns to standard output", file=sys.stderr)
        return 0
    write_atomic(args.out, frame_to_csv_bytes(frame))
    print(f"wrote {len(frame)} rows x {frame.shape[1]} columns to {args.out}", file=sys.stderr)
    return 0


def _least_length(name: str) -> int:
    """The shortest ``--length`` the generator ``name`` makes: three rows, and for ``long-memory`` one
    more than the lag whose sign it recalls."""
    from .data.errors import _MIN_ROWS
    from .data.generators import GENERATOR_PARAMS

    lag = GENERATOR_PARAMS.get(name, {}).get("lag")
    return max(_MIN_ROWS, int(lag) + 1) if lag is not None else _MIN_ROWS


def _check_distinct_inputs(inputs: list[str], flag: str) -> None:
    """Refuse an input column listed twice (``--inputs sales,sales``): the network would read the same
    column twice, and a name typed twice is usually another column mistyped."""
    twice = sorted({c for c in inputs if inputs.count(c) > 1}, key=inputs.index)
    if twice:
        raise ConfigError(
            f"{flag} lists {', '.join(repr(c) for c in twice)} more than once; list each input column once."
        )


def train_config_from_args(args) -> RunConfig:
    inputs = [c.strip() for c in args.inputs.split(",") if c.strip()]
    _check_distinct_inputs(inputs, "--inputs")
    return RunConfig.make(
        target=args.target,
        inputs=inputs,
        look_back=args.look_back,
        horizon=args.horizon,
        test_fraction=args.test_fraction,
        val_fraction=args.val_fraction,
        scaler=args.scaler,
        transform=args.transform,
        season=args.season,
        outliers=args.outliers,
        cell=args.cell,
        hidden_size=args.hidden,
        num_layers=args.layers,
        dropout=args.dropout,
        linear_path=args.linear_path,
        epochs=args.epochs,
        batch_size=args.batch_size,
        lr=args.lr,
        seed=args.seed,
        device=args.device,
        patience=args.patience,
        ensemble=args.ensemble,
    )


def cmd_train(args) -> int:
    from .callbacks import Callbacks
    from .pipeline import fit_run
    from .runs import RunError, check_target, foreign_files, is_run_dir, save_run

    _no_folder_on_stdout(args.out, "train writes a run folder")
    check_target(args.out, overwrite=args.overwrite)  # before training: nothing of the user's is replaced
    if args.overwrite and is_run_dir(args.out):
        theirs = foreign_files(args.out)
        if theirs:
            raise RunError(
                f"{args.out} holds a run and files of yours ({', '.join(theirs[:3])}"
                f"{f' and {len(theirs) - 3} more' if len(theirs) > 3 else ''}) that --overwrite would delete; "
                "move them out or choose another folder (nothing was written)."
            )
    _check_writable(args.out)
    series = _load_series(args)
    if args.target is None:  # never a column given as an input (--inputs Price: the target is another)
        args.target = _default_target(series.frame, inputs=[c.strip() for c in args.inputs.split(",")])
    target_values = series.frame[args.target] if args.target in series.frame.columns else None
    args.look_back = look_back_for(len(series), args.look_back, target_values, series.frequency)
    cfg = train_config_from_args(args)
    from .data import no_season_words

    if args.season is None and not series.season and (why := no_season_words(series.frequency)):
        _DATA_NOTES.append(f"This series has {why}.")  # a minute series got no season, and no word of it
    if cfg.model.dropout > 0 and cfg.model.num_layers == 1:  # accepted, and without a word it changed nothing
        _DATA_NOTES.append(
            f"--dropout {cfg.model.dropout:g} acts between stacked layers, and this network has one: it changes "
            "nothing; pass --layers 2 or more for it to act."
        )

    def progress(s) -> None:
        if not args.quiet:
            val = f" val {s.val_loss:.5f}" if s.val_loss is not None else ""
            print(
                f"epoch {s.epoch:4d}/{cfg.train.epochs}  train {s.train_loss:.5f}{val}  "
                f"{s.seconds * 1000:.0f} ms  {s.samples_per_s:,.0f} samples/s",
                file=sys.stderr,
                flush=True,
            )

    def phase(name: str) -> None:
        if not args.quiet:
            print(_phase_line(name), file=sys.stderr, flush=True)

    callbacks = Callbacks(on_epoch=progress, on_phase=phase)
    if args.ray:
        with ray_cluster(args.ray) as ex:
            run = ex.runner(series, cfg, callbacks=callbacks)
    else:
        threads.apply(threads.choose_threads(cfg.model.hidden_size, cfg.model.num_layers))
        run = fit_run(series, cfg, callbacks=callbacks)
    save_run(run, args.out, overwrite=args.overwrite)
    m = run.metrics
    assert m is not None and m.test is not None and m.test_multistep is not None
    base = {k: (v.rmse if v else float("nan")) for k, v in m.baselines.items()}
    epochs, nets = len(run.history), run.networks
    # the epochs are network 1's: "after 11 epochs (best 1)" read as the whole ensemble's, as on the Train page
    whose = f" for network 1 of {nets}" if nets > 1 else ""
    best_multi = min(v.rmse for v in m.baselines_multistep.values() if v)
    one, multi = figure_digits(m.test.rmse, list(base.values())), figure_digits(m.test_multistep.rmse, [best_multi])
    # on a series without a season the seasonal naive forecast is the naive one: "naive 19.57, seasonal naive 19.57"
    seasonal = "" if seasonal_naive_is_naive(m) else f"seasonal naive {figure_text(base['seasonal_naive'], one)}, "
    print(
        f"{ended_words(run.fit.status)} after {epochs} epoch{'s' if epochs != 1 else ''}"
        f"{whose} (best {run.fit.best_epoch}) on {run.device}; "
        f"test RMSE {figure_text(m.test.rmse, one)} (naive {figure_text(base['naive'], one)}, {seasonal}"
        # "Holt-Winters" read as a seasonal model where it fitted level and trend only (Holt's linear trend)
        f"{holt_winters_name(m)} {figure_text(base['holt_winters'], one)}); "
        f"{m.info.n_test}-step RMSE {figure_text(m.test_multistep.rmse, multi)} (best baseline "
        f"{figure_text(best_multi, multi)}); run saved to {args.out}. "
        f"{judge(m).sentence}",
        file=sys.stderr,
    )
    for note in (m.guards.trimmed, m.guards.outliers, m.guards.look_back, m.guards.one_step_range, filled_note(m)):
        if note:
            _DATA_NOTES.append(note)  # a ``note:`` line after the summary, as the page's caption
    if cfg.data.inputs:
        _DATA_NOTES.append(
            "No forecast.csv: a model with input columns needs their future values to forecast past the data."
        )
    ranked_otherwise = mae_note(m)  # the verdict ranks by RMSE; where MAE ranks otherwise, a note says so
    if ranked_otherwise:
        _DATA_NOTES.append(ranked_otherwise)
    hint = baseline_hint(m, args.out) if not cfg.data.inputs else None
    if hint:
        _DATA_NOTES.append(hint)
    narrow = coverage_note(m)
    if narrow:
        print(f"warning: {narrow}", file=sys.stderr)
    if m.guards.runaway:
        print(f"warning: {m.guards.runaway}", file=sys.stderr)
    if (args.out / "forecast.csv").is_file():
        # the guard judged the test span's forecast; forecast.csv starts from the end of the data
        # and goes further (runs.default_steps): each gets its own word, with its own figures
        from .forecast import runaway_note

        written = args.out / "forecast.csv"
        ahead = pd.read_csv(written)["forecast"].to_numpy(dtype=np.float64)
        note = runaway_note(run.prep.y, ahead, f"The forecast in {written}")
        if note:
            print(f"warning: {note}", file=sys.stderr)
    return 0


def baseline_hint(m: RunMetrics, out: Path) -> str | None:
    """Where the verdict tells to prefer a baseline for a forecast ahead, the command that writes
    that baseline's forecast from the run saved at ``out`` (``forecast --baseline``); else None."""
    winner = judge(m).multistep_winner
    if not winner:
        return None
    # "Holt-Winters's forecast ahead", "Naive (last value)'s forecast ahead" read badly
    return (
        f"The forecast ahead by {verdict_label(winner, m)}: "
        f"python -m lstm_core forecast --run {shlex.quote(str(out))} --baseline {winner}"
    )


def _check_writable(out: Path) -> None:
    """Refuse, before training, a ``--out`` folder that cannot be made (a read-only place): it failed
    only when the run was saved, minutes later, naming a temporary folder of the save. An existing
    empty folder is probed itself, not its parent: a read-only one trained the whole run, then
    failed with ``Device or resource busy (/mnt/ro)``."""
    import tempfile

    there = out if out.is_dir() else out.parent  # an existing empty folder: the run is saved into it
    while not there.exists() and there != there.parent:
        there = there.parent  # the folder that --out and its missing parents would be made in
    if not there.is_dir():
        raise ConfigError(f"{there} is a file, not a folder; choose an output path that is not inside a file.")
    try:
        Path(tempfile.mkdtemp(prefix=".lstm-lab-probe-", dir=there)).rmdir()
    except OSError as exc:
        raise ConfigError(
            f"--out {out} cannot be written: {exc.strerror or exc} in {there}; choose a folder you can write to "
            "(nothing was trained)."
        ) from None


def _phase_line(name: str) -> str:
    """The progress line of a training phase (``Callbacks.on_phase``): without it a long series
    showed nothing for minutes while its representations were backtested."""
    if name == "choosing":
        return "choosing the representation: backtesting networks on the data before the test part..."
    if name.startswith("choosing "):
        return f"backtest network {name.removeprefix('choosing ').replace('/', ' of ')}..."
    if name.startswith("member "):
        return f"training network {name.removeprefix('member ').replace('/', ' of ')}..."
    return f"{name}..."


def _default_target(frame, choose: str = "pass --target", inputs: list[str] | tuple[str, ...] = ()) -> str | None:
    """The target of a run that names none: :func:`lstm_core.data.default_target`, as the Data
    page picks it, among the columns that are not ``inputs`` (``--inputs Price`` on a file of
    ``Turnover,Price``: the target was Price, and the run was refused for listing its target as an
    input); said in a note where the data has several numeric columns, with ``choose``: how to
    choose another."""
    from .data import default_target
    from .data.target import candidates, name_list, time_worded

    numeric = [str(c) for c in frame.columns if np.issubdtype(frame[c].dtype, np.number) and str(c) not in set(inputs)]
    target = default_target(frame[numeric]) if numeric else None
    if target is None:
        return None  # prepare() says the data has no numeric column
    # not R's rownames, a counter, a constant, nor a part of the date (airquality's Month and Day)
    others = [c for c in candidates(frame[numeric]) if c != target and not time_worded(c)]
    if others:  # a file of 300 columns listed all 299 others in one line: the first ten and a count
        _DATA_NOTES.append(f"Forecasting column {target!r}; {choose} to choose another ({name_list(others, str)}).")
    return target


@contextlib.contextmanager
def ray_cluster(address: str) -> Iterator[RayExecutor]:
    """A connected Ray executor for ``--ray ADDRESS`` (closed after); ConfigError when ray is
    missing or the cluster does not answer within :data:`RAY_CONNECT_S`."""
    import importlib.util

    from .executors import make_ray_executor

    if importlib.util.find_spec("ray") is None:
        raise ConfigError("--ray needs the ray package; install it with: pip install -r requirements-ray.txt")
    from .executors.ray_executor import CONNECTED, UNREACHABLE

    # The first attempt decides (the executor would retry, logging a warning each time): the
    # command says so once, as its error line, instead of a warning per retry.
    quiet = logging.getLogger("lstm_core.executors.ray_executor")
    level = quiet.level
    quiet.setLevel(logging.ERROR)
    ex = make_ray_executor(address, connect_timeout_s=RAY_CONNECT_S)
    try:
        try:
            state = ex.wait_status(lambda s: s.state in (CONNECTED, UNREACHABLE), RAY_CONNECT_S + 5)
        except TimeoutError:
            state = ex.status()
        finally:
            quiet.setLevel(level)
        if not state.ok:
            what = (
                state.sentence.split(";")[0]
                if state.state == UNREACHABLE
                else f"--ray {address} did not answer within {RAY_CONNECT_S + 5:g} s"
            )
            raise ConfigError(f"{what}: check --ray (auto, HOST:PORT or local) and that `ray start --head` runs there.")
        print(ex.status().sentence, file=sys.stderr, flush=True)
        yield ex
    finally:
        ex.close()


def _check_reading_needs_data(args) -> None:
    """Refuse reading options without ``--data``: they read a CSV, and the run's own data is used as it was read
    (``--select store=B`` gave store A's forecast, the run's, without a word)."""
    given = [
        flag
        for flag, value in (
            ("--select", args.select),
            ("--missing", args.missing),
            ("--date-format", args.date_format),
            ("--day-first" if args.dayfirst else "--month-first", args.dayfirst is not None),
        )
        if value
    ]
    if given:
        raise ConfigError(
            f"{' and '.join(given)} read{'s' if len(given) == 1 else ''} the CSV given with --data, and there is "
            f"none: the run's own data is used as it was read; pass --data FILE too, or leave {' and '.join(given)} out."
        )


def _run_for(args):
    """The saved run at ``args.run``, on the data at ``args.data`` where given; a ``warning:`` line
    where that data's frequency is not the one the run was trained on, and one where its values lie
    far outside those the run was trained on (:func:`_range_warning`)."""
    from .data import describe_frequency
    from .runs import load_run, run_frequency, trained_range

    _check_run_path(args.run)
    if args.data is None:
        _check_reading_needs_data(args)
        return load_run(args.run)
    if args.missing is None:  # the data given read as the run's own was (config.json: data.missing)
        args.missing = _trained_policy(args.run)
    series = _load_series(args)
    run = load_run(args.run, series.frame)
    # its forecast's times are written as this data's are (with its UTC offset, or none)
    run.series = dataclasses.replace(run.series, utc_offset=series.utc_offset)
    trained_on = run_frequency(args.run)
    own, given = (describe_frequency(f).split(" (")[0] for f in (trained_on, series.frequency))  # no anchors
    if trained_on is not None and series.frequency is not None and own != given:
        print(
            f"warning: This run was trained on {own} data and the data given is {given}, so its window and "
            f"season count other steps; pass {own} data, or train a new run on this data.",
            file=sys.stderr,
        )
    trained = trained_range(args.run, run.prep.target)
    note = _range_warning(run.prep.y, trained) if trained is not None else None
    if note:
        print(f"warning: {note}", file=sys.stderr)
    return run


def _trained_policy(run: Path) -> str:
    """The missing-value policy the run at ``run`` was trained with (``interpolate`` where its
    config does not say, or cannot be read: load_run then names the damage)."""
    try:
        policy = json.loads((run / "config.json").read_text())["data"]["missing"]
    except (OSError, ValueError, KeyError, TypeError):
        return "interpolate"
    return policy if policy in MISSING_POLICIES else "interpolate"


def _check_run_path(path: Path) -> None:
    """Refuse, naming the folder to pass, a ``--run`` that is a file: the run zip the app downloads
    (``No run folder at run.zip``), or a file inside a run folder (``run/config.json``)."""
    if not path.is_file():
        return
    if zipfile.is_zipfile(path):
        raise ConfigError(
            f"--run {path} is a zip file; unzip it into a folder (e.g. unzip {path} -d {path.with_suffix('')}) "
            "and pass that folder."
        )
    from .runs import is_run_dir

    if is_run_dir(path.parent):
        raise ConfigError(f"--run {path} is a file; pass the run folder that holds it ({path.parent}).")
    # a data file given as the run (forecast --run sales.csv)
    raise ConfigError(
        f"--run {path} is a file, not a run folder; pass the folder that train --out wrote (it holds config.json "
        "and model.pt)" + (", and give this file with --data." if path.suffix.lower() in (".csv", ".txt") else ".")
    )


#: ``forecast --data`` and ``gates --data`` warn where the data's values reach farther than this many
#: ranges of the run's training data beyond it (the networks and their intervals never saw such values).
FOREIGN_RANGES = 1.0


def _range_warning(y: np.ndarray, trained: tuple[float, float]) -> str | None:
    """One sentence where the values ``y`` (n,) reach more than :data:`FOREIGN_RANGES` of the trained
    range ``(lo, hi)`` beyond it (data 1,000 times larger: the run's intervals stayed ±4 around values
    of 640), else None."""
    y = np.asarray(y, dtype=np.float64)
    y = y[np.isfinite(y)]
    if not len(y):
        return None
    lo, hi = trained
    reach = FOREIGN_RANGES * max(hi - lo, 1e-12 * max(abs(lo), abs(hi), 1.0))
    if y.max() <= hi + reach and y.min() >= lo - reach:
        return None
    return (
        f"The data given runs from {figure_text(y.min())} to {figure_text(y.max())}, far outside the "
        f"{figure_text(lo)} to {figure_text(hi)} this run "
        "was trained on, so its forecasts and intervals may not hold there; train a new run on this data."
    )


def _input_at(path: Path, args) -> str | None:
    """The flag (``--data``, ``--config``) of the command's own input file at ``path``, else None:
    an output there would replace it, ``--overwrite`` or not (``compare --data out/results.csv --out out
    --overwrite`` replaced the data with the results)."""
    for name in ("data", "config"):
        given = getattr(args, name, None)
        if isinstance(given, Path) and path.is_file() and given.is_file() and os.path.samefile(path, given):
            return f"--{name}"
    return None


def _run_file_at(path: Path, args) -> str | None:
    """The name of the ``--run`` folder's own file at ``path`` (its data.csv, model.pt, ...), else
    None: ``forecast --run r --out r/data.csv --overwrite`` replaced the run's data with the forecast,
    and every later command on the run failed with "the run folder is damaged"."""
    from .runs import RUN_FILES

    run = getattr(args, "run", None)
    if not isinstance(run, Path) or not run.is_dir() or path.name not in RUN_FILES or not path.is_file():
        return None
    return path.name if os.path.samefile(path.parent, run) else None


def cmd_forecast(args) -> int:
    threads.apply(1)  # inference of a small recurrent model: one thread is fastest
    if args.steps is not None and not 1 <= args.steps <= MAX_FORECAST_STEPS:
        raise ConfigError(f"--steps must be between 1 and {MAX_FORECAST_STEPS} (got {args.steps}).")
    if args.out is not None and not _is_stdio(args.out):
        _check_out_file(args.out, args.overwrite, args)
    run = _run_for(args)
    if args.steps is None:  # what the page shows and the run's forecast.csv holds
        from .runs import default_steps

        args.steps = default_steps(run)
    # a baseline's steps past the test span were no more tested than the model's: the same note for both
    untested = untested_note(run.metrics, args.steps) if run.metrics is not None else None
    if args.baseline is not None:
        if untested:
            print(f"note: {untested}", file=sys.stderr)
        rival = run.baseline_future(args.baseline, args.steps)
        if rival["lower"].isna().any():  # as the Forecast page's download says: empty cells, with the reason
            from .pipeline import AHEAD_MIN_RESIDUALS

            print(
                f"note: The lower and upper columns are left empty: {verdict_label(args.baseline, run.metrics)} has fewer "
                f"than {AHEAD_MIN_RESIDUALS} errors out of sample to calibrate a band on; load a longer series for one.",
                file=sys.stderr,
            )
        return _write_forecast(rival, run, args, "baseline forecast steps")
    out = run.future(args.steps)
    from .forecast import runaway_note

    warning = runaway_note(run.prep.y, out["forecast"].to_numpy(), "The forecast ahead")
    if warning:
        print(f"warning: {warning}", file=sys.stderr)
    if untested:
        print(f"note: {untested}", file=sys.stderr)
    return _write_forecast(out, run, args, "forecast steps")


def _write_forecast(out: pd.DataFrame, run, args, what: str) -> int:
    """Write the forecast rows ``out`` to ``args.out`` (stdout without it), their times with the
    data's UTC offset where it had one (2020-01-01T00:00:00+01:00); says on stderr how many ``what``."""
    from .data.frequency import with_utc_offset

    out = with_utc_offset(out, run.series.utc_offset)
    text = out.to_csv(index=False)
    if args.out is None or _is_stdio(args.out):
        sys.stdout.write(text)
    else:
        write_atomic(args.out, text.encode())
        print(f"wrote {len(out)} {what} to {args.out}", file=sys.stderr)
    return 0


def cmd_gates(args) -> int:
    from .gates import trace_run

    if args.out.suffix.lower() != ".npz":
        raise ConfigError(f"--out {args.out} must name a .npz file (gates writes NumPy arrays), e.g. gates.npz.")
    if args.out.is_dir():
        raise ConfigError(f"--out {args.out} is a folder; give a file name inside it, e.g. {args.out / 'gates.npz'}.")
    _check_out_file(args.out, args.overwrite, args)
    run = _run_for(args)
    prep = run.prep
    # the input as the Gates page feeds it: a window-normalised network's first feature less its trailing
    # window's mean (the raw feature put airline's inputs at up to 7.3 where the network trained on 2.8 at most)
    try:
        trace = trace_run(run.model, prep, "series")
    except ValueError:  # an input value undefined: no gate of it could be written
        raise ConfigError(
            "The series has undefined values where the network reads it, so its gates cannot be recorded; "
            "fill or drop the missing values (--missing) and run gates again."
        ) from None
    arrays: dict[str, Any] = {f"{layer.layer}/{name}": v for layer in trace for name, v in layer.values.items()}
    buf = io.BytesIO()  # np.savez would append .npz to other suffixes
    np.savez(buf, **arrays)
    write_atomic(args.out, buf.getvalue())
    steps = next(iter(arrays.values())).shape
    # the rows start at the representation's lag (a season's differences: 132 rows of airline's 144)
    first = run.series.frame.index[prep.offset] if prep.offset < len(run.series.frame) else prep.offset
    start = first.isoformat(sep=" ") if isinstance(first, pd.Timestamp) else f"step {first}"
    rows = (
        f"rows {prep.offset + 1} to {prep.n} of the data, from {start}: the network reads differences at lag "
        f"{prep.offset}, which the first {prep.offset} have none of"
        if prep.offset
        else f"one row per time step of the data, from {start}"
    )
    networks = run.path_networks
    which = f"; network 1's of the {networks} the forecast averages, as on the Gates page" if networks > 1 else ""
    print(f"wrote {len(arrays)} arrays of shape {steps} to {args.out} ({rows}{which})", file=sys.stderr)
    return 0


def cmd_compare(args) -> int:
    from .compare import CompareConfig, check_fits, reading_of, set_look_back, unset_look_backs
    from .data import DataError

    _no_folder_on_stdout(args.out, "compare writes a folder of results")
    if args.config.is_dir():
        raise ConfigError(f"--config {args.config} is a folder; pass the comparison JSON file (Compare page: export).")
    if not args.config.exists():
        raise ConfigError(f"--config {args.config} was not found; check the path of the comparison JSON file.")
    try:
        text = args.config.read_text(encoding="utf-8-sig")  # a byte order mark, as Windows' Notepad saves UTF-8
    except UnicodeDecodeError:
        raise ConfigError(f"{args.config} is not UTF-8 text; export the comparison config again.") from None
    cfg = CompareConfig.from_json(text)
    unset = unset_look_backs(json.loads(text))  # (valid JSON: from_json took it)
    _check_distinct_inputs(list(cfg.data.inputs), f"The data.inputs of {args.config}")
    if args.out.exists() and not args.out.is_dir():
        raise ConfigError(f"--out {args.out} is a file; compare writes a folder of results, so give a folder path.")
    from .runs import is_run_dir

    if is_run_dir(args.out):  # its config.json and metrics.json are the run's: replacing them damaged it
        raise ConfigError(
            f"--out {args.out} is a saved run, whose config.json and metrics.json compare would replace; "
            "choose another folder (nothing was written)."
        )
    for name in COMPARE_FILES:
        if (flag := _input_at(args.out / name, args)) is not None:
            raise ConfigError(
                f"The {flag} file {args.out / name} is where compare writes its {name}, which would replace it; "
                "choose another --out folder (nothing was written)."
            )
    there = [name for name in COMPARE_FILES if (args.out / name).exists()]
    if there and not args.overwrite:
        raise ConfigError(
            f"--out {args.out} already holds {', '.join(there)}; pass --overwrite to replace them, or choose "
            "another folder (nothing was written)."
        )
    said = _json_reading(args, cfg, json.loads(text))  # the data read as the app read it, unless flags say
    try:
        loaded = _load(args)
    except DataError as exc:  # an option the user did not type: say where it came from
        taken = [k for k in ("date_format", "dayfirst") if getattr(args, k) is not None and args.given[k] is None]
        if not taken:
            raise
        flags = " or ".join(_READING_FLAGS[k] for k in taken)
        raise DataError(
            f"{str(exc).rstrip('.')} (read with the {' and '.join(k.replace('_', ' ') for k in taken)} of "
            f'{args.config}\'s "reading"; give {flags} to read {args.data} otherwise, or edit the JSON).'
        ) from None
    series = loaded.series
    _DATA_NOTES[:0] = said
    # config.json says how the data were read (it said the JSON's "drop" over data read with interpolate)
    cfg.data = dataclasses.replace(cfg.data, missing=args.missing)
    cfg.reading = reading_of(loaded.report)
    if cfg.data.target is None:  # as train picks it (the engine's own fallback is the last column)
        target = _default_target(
            series.frame, choose=f'set "target" in the "data" of {args.config}', inputs=list(cfg.data.inputs)
        )
        cfg.data = dataclasses.replace(cfg.data, target=target)
    resolve_target(series.frame, cfg.data)  # a name the data lacks: one sentence before any folder is made
    if unset:  # a variant whose JSON sets no look_back starts from the window train would (not the default 12)
        target = cfg.data.target
        values = series.frame[target] if target in series.frame.columns else None
        set_look_back(cfg, unset, look_back_for(len(series), None, values, series.frequency))
    check_fits(series, cfg)  # a variant that does not fit the data: now, not after the variants before it trained
    made = _new_folders(args.out)
    args.out.mkdir(parents=True, exist_ok=True)  # before training: an unusable --out fails at once
    try:
        return _compare_into(args, cfg, series)
    except BaseException:
        for folder in made:  # a failed comparison leaves no empty folders of its own behind
            with contextlib.suppress(OSError):
                folder.rmdir()
        raise


def _new_folders(path: Path) -> list[Path]:
    """The folders ``path.mkdir(parents=True)`` would create, deepest first."""
    missing = []
    for folder in (path, *path.parents):
        if folder.exists():
            break
        missing.append(folder)
    return missing


def _compare_into(args, cfg, series) -> int:
    """Train the comparison ``cfg`` on ``series`` and write its files into ``args.out`` (a folder)."""
    from .compare import (
        baseline_lead,
        csv_table,
        look_back_notes,
        no_season_note,
        per_seed_frame,
        run_comparison,
        verdicts,
    )

    def progress(variant: str, seed: int, done: int, total: int) -> None:
        if not args.quiet:
            print(f"[{done}/{total}] {variant} seed {seed} done", file=sys.stderr, flush=True)

    if args.ray:
        from .executors.fanout import compare_jobs
        from .jobs import JobRegistry

        cfg.validate()
        with ray_cluster(args.ray) as ex:
            reg = JobRegistry(executor=ex, torch_threads=0)
            try:
                table, results = compare_jobs(reg, series, cfg, owner="cli", on_progress=progress)
            finally:
                reg.close()
    else:
        biggest = max(cfg.variants, key=lambda v: v.hidden_size * v.num_layers) if cfg.variants else None
        threads.apply(threads.choose_threads(biggest.hidden_size, biggest.num_layers) if biggest else 1)
        table, results = run_comparison(series, cfg, on_progress=progress, stop=threading.Event())
    there = [name for name in COMPARE_FILES if (args.out / name).exists()]
    if there and not args.overwrite:  # written while this one trained (another compare into the same --out)
        raise ConfigError(
            f"--out {args.out} came to hold {', '.join(there)} while this comparison trained (another command "
            "wrote there); pass --overwrite to replace them, or choose another folder (nothing was written)."
        )
    metrics: dict[str, dict[str, dict]] = {}
    for r in results:
        metrics.setdefault(r.variant, {})[str(r.seed)] = r.metrics.to_dict()
    files = {
        "results.csv": csv_table(table).to_csv(index=False),  # 4480, not 4480.0 (baselines: empty)
        "runs.csv": per_seed_frame(results).to_csv(index=False),
        "metrics.json": json.dumps(metrics, indent=2, default=str),
        "config.json": cfg.to_json(),
    }
    for name, text in files.items():
        write_atomic(args.out / name, text.encode())
    best = table[table["kind"] == "variant"].sort_values("test RMSE").iloc[0]
    print(
        f"compared {len(cfg.variants)} variant(s) x {len(cfg.seeds)} seed(s); best variant's test RMSE "
        f"{figure_text(best['test RMSE'])} ({best['model']}); wrote {args.out / 'results.csv'}",
        file=sys.stderr,
    )
    # the page's sentences: the winner, its lead over the next and whether the seeds' spread covers it
    # (the line above named the best alone: 13.86 for gru16, with lstm16 at 13.87, 0.006 behind),
    # and a baseline that beats every variant
    for said in (*verdicts(results), baseline_lead(table)):
        if said:
            print(f"note: {said.replace('**', '')}", file=sys.stderr)
    if no_season_note(results):  # results.csv has no "baseline: seasonal naive" row repeating the naive one
        print(
            "note: Seasonal naive is left out of results.csv: this series has no season, so it is the naive "
            "forecast, row for row.",
            file=sys.stderr,
        )
    _DATA_NOTES.extend(look_back_notes(results))  # a variant whose networks used a shorter window (as train says)
    filled = filled_note(results[0].metrics) if results else None  # the same test points for every variant
    if filled:
        _DATA_NOTES.append(filled)
    return 0


def app_path() -> Path | None:
    """The dashboard's ``app.py`` when the app files lie next to this package (a checkout or an editable
    install), else None (an installed wheel carries the engine only)."""
    root = Path(__file__).resolve().parent.parent
    app = root / "app.py"
    return app if app.is_file() and (root / "pages").is_dir() else None


def cmd_app(args) -> int:
    import subprocess

    app = app_path()
    if app is None:
        raise UsageError(
            "the app files (app.py, pages/) are not next to the installed lstm_core package; "
            "run it from a checkout: bash scripts/start.sh (or pip install -e . there)."
        )
    # ui.serve warms up (imports, a tiny training) and then runs `streamlit run app.py` with these
    # options; from the checkout, as scripts/start.sh does, so its .streamlit/config.toml applies.
    cmd = [sys.executable, "-m", "ui.serve", *args.streamlit_args]
    if os.name == "posix":  # become streamlit: Ctrl-C, SIGTERM and the exit status are its own
        sys.stdout.flush()
        sys.stderr.flush()
        os.chdir(app.parent)
        os.execv(sys.executable, cmd)
    return subprocess.call(cmd, cwd=app.parent)


COMMANDS = {
    "generate": cmd_generate,
    "train": cmd_train,
    "forecast": cmd_forecast,
    "gates": cmd_gates,
    "compare": cmd_compare,
    "app": cmd_app,
}


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the exit status."""
    from .data import DataError
    from .executors.ray_executor import WorkerLost
    from .runs import RunError
    from .train import TrainingDiverged

    argv = sys.argv[1:] if argv is None else list(argv)
    logs.configure()
    # ``app`` hands everything after it to streamlit (argparse would reject its --server.* options).
    streamlit_args = argv[1:] if argv[:1] == ["app"] and argv[1:2] not in (["-h"], ["--help"]) else []
    # train's messages name its flags where the engine's name config fields (--look-back, not look_back)
    words = flag_words if argv[:1] == ["train"] else str
    try:
        args = build_parser().parse_args(argv[:1] if streamlit_args else argv)
        args.streamlit_args = streamlit_args
        _DATA_NOTES.clear()
        code = COMMANDS[args.command](args)
        for line in _DATA_NOTES if code == 0 else []:
            print(f"note: {words(line)}", file=sys.stderr)  # the page shows the same report
        return code
    except UsageError as exc:
        msg = str(exc)
    except (DataError, ConfigError, RunError, TrainingDiverged, WorkerLost) as exc:
        msg = words(str(exc))
    except KeyboardInterrupt:
        print("error: interrupted.", file=sys.stderr)
        return EXIT_INTERRUPTED
    except FileExistsError as exc:  # a folder to create is a file (e.g. the parent of --out)
        msg = f"{exc.filename} is a file, not a folder; choose an output path that is not inside a file."
    except IsADirectoryError as exc:
        msg = f"{exc.filename} is a folder; give a file name inside it (e.g. {Path(str(exc.filename)) / 'out.csv'})."
    except OSError as exc:
        if exc.errno == errno.ENOSPC:  # "[Errno 28] No space left on device", with no path and no way on
            where = f" writing {exc.filename}" if exc.filename else ""
            msg = f"the disk is full{where}; free some space or choose a folder on another disk (nothing was kept)."
        else:
            msg = (
                f"{exc.strerror or exc} ({exc.filename}); check the path and its permissions."
                if getattr(exc, "filename", None)
                else str(exc)
            )
    except json.JSONDecodeError as exc:
        msg = f"invalid JSON: {exc}"
    print(f"error: {msg}", file=sys.stderr)
    return EXIT_USAGE


def console() -> None:
    """The ``lstm-lab`` console script: :func:`main`, exiting with its status."""
    raise SystemExit(main())


if __name__ == "__main__":  # ``python -m lstm_core.cli`` ran nothing and exited 0: a script took that for a trained run
    console()
