"""Shared parts of the A/B scripts that fit the engine's defaults with one setting switched.

``bench_level_screen``, ``bench_look_back_cap`` and ``bench_one_step_specialist`` each fit every
series and seed twice in one process, before and after one engine change, by setting a module
attribute for the first fit and restoring it: :func:`fit_default` does that. :func:`named_series`
reads the series (a benchmark set's, or the CSV files of a folder) and :func:`gmean` summarises.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from multiprocessing import Pool
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd


def named_series(
    set_name: str = "",
    csv: str = "",
    default_dir: Path | None = None,
    keep: Callable[[str, pd.DataFrame], bool] | None = None,
) -> tuple[list[tuple[str, pd.DataFrame, int | None]], str]:
    """``(name, frame, season)`` of a benchmark set (``set_name``: suite, holdout or fpp; the
    suite with the bundled airline series), else of the comma-separated ``csv`` files, else of
    every CSV file of ``default_dir``; only those ``keep(name, frame)`` accepts. Also returns
    a few words saying which."""
    if set_name:
        from benchmarks.forecast_series import CSV_SERIES, FPP_SERIES, HOLDOUT_SERIES, load_series

        names = {"suite": CSV_SERIES, "holdout": HOLDOUT_SERIES, "fpp": FPP_SERIES}[set_name]
        found = [(s.name, s.frame, s.season_hint) for s in load_series(names=names, airline=set_name == "suite")]
        what = f"{set_name} set"
    else:
        from lstm_core.data.loader import load_csv

        paths = [Path(p) for p in csv.split(",")] if csv else sorted(Path(default_dir or ".").glob("*.csv"))
        found = []
        for p in paths:
            s = load_csv(p).series
            found.append((p.stem, s.frame, s.season))
        what = ", ".join(p.name for p in paths)
    return [s for s in found if keep is None or keep(s[0], s[1])], what


#: The benchmark sets (:func:`named_series`) and the folders of ``benchmarks/data`` whose series no
#: set holds
SETS = ("suite", "holdout", "fpp")
FOLDERS = ("range", "shift", "short", "short_outside", "short_outside2", "outside3", "outside4", "outside5")
#: Every data folder, with those added after the A/B scripts above were measured
ALL_FOLDERS = (*FOLDERS, "outside6", "outside7")
DATA = Path(__file__).resolve().parent / "data"


def grouped_series(
    sets: tuple[str, ...] = SETS,
    folders: tuple[str, ...] = FOLDERS,
    keep: Callable[[str, pd.DataFrame], bool] | None = None,
) -> list[tuple[str, list[tuple[str, pd.DataFrame, int | None]]]]:
    """``(group, series)`` for each benchmark set and each data folder (group ``data/NAME/``), as
    :func:`named_series` reads them, less AirPassengers (the bundled airline's twin); a series in
    two groups counts in the first; only those ``keep(name, frame)`` accepts; empty groups left out."""
    found = [(s, named_series(s)[0]) for s in sets]
    found += [(f"data/{f}/", named_series(default_dir=DATA / f)[0]) for f in folders]
    seen: set[str] = {"AirPassengers"}
    out = []
    for what, series in found:
        kept = [x for x in series if x[0] not in seen and (keep is None or keep(x[0], x[1]))]
        seen |= {x[0] for x in series}
        if kept:
            out.append((what, kept))
    return out


def asked_groups(args: argparse.Namespace) -> list[tuple[str, list[tuple[str, pd.DataFrame, int | None]]]]:
    """The ``(group, series)`` an A/B command line (:func:`ab_parser`) asks for: its ``--set`` or
    ``--csv`` files as one group (less AirPassengers, the bundled airline's twin), else every
    benchmark set and data folder (:func:`grouped_series`)."""
    if args.set or args.csv:
        return [(args.set or "csv", [s for s in named_series(args.set, args.csv)[0] if s[0] != "AirPassengers"])]
    return grouped_series(folders=ALL_FOLDERS)


def ab_parser(doc: str, csv_help: str = "comma-separated CSV files") -> argparse.ArgumentParser:
    """The A/B scripts' command line: ``--set`` (suite, holdout, fpp), ``--csv``, ``--seeds``
    (default 0,1,2), ``--processes`` (default 2) and ``--md``; described by ``doc``'s first paragraph."""
    ap = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    ap.add_argument("--set", choices=("suite", "holdout", "fpp"), default="")
    ap.add_argument("--csv", default="", help=csv_help)
    ap.add_argument("--seeds", default="0,1,2")
    ap.add_argument("--processes", type=int, default=2)
    ap.add_argument("--md", default="", help="also write the table to this file")
    return ap


def fit_default(
    frame: pd.DataFrame,
    season: int | None,
    seed: int,
    module: Any = None,
    attr: str = "",
    value: Any = None,
    settings: dict[str, Any] | None = None,
):
    """A ``fit_run`` with the engine's defaults (less the flat config ``settings`` given, see
    :meth:`lstm_core.config.RunConfig.replace`) and ``seed`` on one thread, with ``module.attr``
    set to ``value`` for the fit and restored after it (no patch when ``module`` is None)."""
    import torch

    torch.set_num_threads(1)
    from lstm_core.config import RunConfig
    from lstm_core.data import Series
    from lstm_core.pipeline import fit_run

    cfg = RunConfig().replace(**(settings or {}))
    cfg.train.seed = seed
    if module is None:
        return fit_run(Series(frame.copy(), season=season), cfg)
    shipped = getattr(module, attr)
    setattr(module, attr, value)
    try:
        return fit_run(Series(frame.copy(), season=season), cfg)
    finally:
        setattr(module, attr, shipped)


def baseline_ratios(m: Any) -> tuple[float, float]:
    """A run's multi-step and one-step test RMSE ÷ the best of the engine's baselines on the same
    points (``m``: its :class:`~lstm_core.results.RunMetrics`)."""
    base_ms = min(b.rmse for b in m.baselines_multistep.values() if b is not None)
    base_one = min(b.rmse for b in m.baselines.values() if b is not None)
    return m.test_multistep.rmse / base_ms, m.test.rmse / base_one


def gmean(values: list[float]) -> float:
    """Geometric mean (nan for none)."""
    return float(np.exp(np.mean(np.log(np.asarray(values, dtype=np.float64))))) if values else float("nan")


def score_all(score: Callable[[tuple], dict], series: list, seeds: list, processes: int) -> list[dict]:
    """``score((name, frame, season, seed))`` for every ``(name, frame, season)`` of ``series`` and
    every seed (ints, or their strings), in ``processes`` worker processes; the rows in that order."""
    tasks = [(n, f, s, int(seed)) for n, f, s in series for seed in seeds]
    with Pool(max(1, processes)) as pool:
        return pool.map(score, tasks, chunksize=1)


def medians(rows: list[dict], name: str) -> tuple[list[dict], Callable[[str, str], float]]:
    """The rows of series ``name`` and ``med(key, what)``: the median of ``row[key][what]`` over them."""
    rs = [r for r in rows if r["name"] == name]

    def med(key: str, what: str) -> float:
        return float(np.median([r[key][what] for r in rs]))

    return rs, med


def finish(lines: list[str], rows: list[dict], md: str) -> int:
    """Print the table ``lines`` (and write them to ``md`` when given), with a last line naming
    the series the defaults could not run (rows with an ``error``); returns 0."""
    from benchmarks.report import emit

    failed = sorted({f"{r['name']} ({r['error']})" for r in rows if "error" in r})
    if failed:
        lines = [*lines, "", "Not run with the defaults: " + "; ".join(failed)]
    emit("\n".join(lines), md)
    return 0


def arms_table(
    args: argparse.Namespace, arms: tuple[str, ...], score: Callable[[tuple], dict], title: str, counted: str
) -> int:
    """Fit and print an A/B(/C) table: ``score((name, frame, season, seed))`` gives each arm of
    ``arms`` a dict with ``ms`` and ``one`` (multi-step and one-step RMSE ÷ the best baseline),
    ``members`` (the forecast's members) and ``count`` (how many of them are of the kind
    measured, named ``counted`` in the header), or the row an ``error``. Prints the geometric
    means by group of :func:`asked_groups` (medians over ``args.seeds``) as each is done, then one
    row per series; writes them to ``args.md`` when given (:func:`finish`)."""
    seeds = args.seeds.split(",")
    lines = [
        f"## {title}: seeds {args.seeds} (medians); RMSE ÷ the best engine baseline on the same points",
        "",
        "| group | series | "
        + " | ".join(f"multi-step {a}" for a in arms)
        + " | "
        + " | ".join(f"one-step {a}" for a in arms)
        + " |",
        "|---|---|" + "---|" * (2 * len(arms)),
    ]
    detail = [
        "",
        "| series | "
        + " | ".join(f"multi {a} ({counted}/members)" for a in arms)
        + " | "
        + " | ".join(f"one-step {a}" for a in arms)
        + " |",
        "|---|" + "---|" * (2 * len(arms)),
    ]
    all_rows = []
    for group, series in asked_groups(args):
        rows = score_all(score, series, seeds, args.processes)
        all_rows += rows
        ms: dict[str, list[float]] = {a: [] for a in arms}
        one: dict[str, list[float]] = {a: [] for a in arms}
        for name, _, _ in series:
            rs, med = medians([r for r in rows if "error" not in r], name)
            if not rs:
                continue
            for a in arms:
                ms[a].append(med(a, "ms"))
                one[a].append(med(a, "one"))
            detail.append(
                f"| {name} | "
                + " | ".join(f"{med(a, 'ms'):.3f} ({rs[0][a]['count']}/{rs[0][a]['members']})" for a in arms)
                + " | "
                + " | ".join(f"{med(a, 'one'):.3f}" for a in arms)
                + " |"
            )
        lines.append(
            f"| {group} | {len(ms[arms[0]])} | "
            + " | ".join(f"{gmean(ms[a]):.3f}" for a in arms)
            + " | "
            + " | ".join(f"{gmean(one[a]):.3f}" for a in arms)
            + " |"
        )
        print(lines[-1], flush=True)
    return finish(lines + detail, all_rows, args.md)


def strategy_arms(task: tuple, attr: str, arms: tuple[str, ...], counted: Callable[[Any], bool]) -> dict:
    """One default run of ``(name, frame, season, seed)`` per value of ``lstm_core.strategy.<attr>``
    in ``arms``, as :func:`arms_table` reads them: the forecast's members are counted where
    ``counted(transform)``. A series the defaults cannot run gives the row an ``error``."""
    from lstm_core import strategy
    from lstm_core.config import ConfigError

    name, frame, season, seed = task
    out: dict = {"name": name, "seed": seed, "n": len(frame)}
    for arm in arms:
        try:
            run = fit_default(frame, season, seed, strategy, attr, arm)
        except ConfigError as exc:
            return {"name": name, "seed": seed, "error": str(exc)}
        ms, one = baseline_ratios(run.metrics)
        out[arm] = {
            "ms": ms,
            "one": one,
            "cov": run.metrics.coverage.multistep,
            "count": sum(1 for mb in run.combination.path_members if counted(mb.prep.transform)),
            "members": len(run.combination.path_members),
        }
    return out
