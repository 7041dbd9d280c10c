"""Time columns as people's files write them: what the loader reads, and what it costs to miss.

The benchmark sets store ISO dates. Files from elsewhere often do not: the Rdatasets CSV files (and
R's own ``write.csv`` of a time series) carry ``rownames,time,value`` with decimal years
(``1949.0833`` = February 1949), fpp3 and statistical offices write ``1956 Q1``, ``1991M07`` or
``1989 W28``. Until session 25 the loader read none of these as time: the series lost its calendar,
its season came from the autocorrelation of the values (``lstm_core.prep.detect_season``), and its
forecast had steps instead of dates.

For every series of the three benchmark sets and the data folders, this script writes the series
in those layouts, loads each with ``lstm_core.data.load_csv``, and checks that it gets the dates,
frequency and season of the ISO file. Where the values alone give another season than the
calendar, it fits the engine's defaults both ways (seeds 0-2: the calendar's season, as now, and
no time index, as before) and prints multi-step and one-step RMSE ÷ the best of the engine's
baselines on the same points::

    .venv/bin/python -m benchmarks.bench_time_columns
    .venv/bin/python -m benchmarks.bench_time_columns --set fpp --seeds 0
"""

from __future__ import annotations

import sys

import numpy as np
import pandas as pd

from benchmarks.ab_runs import ab_parser, asked_groups, finish, fit_default, gmean, score_all

#: Decimal years per year, as R's ``ts`` writes them, by the frame's frequency code.
_PER_YEAR = {"YS": 1, "MS": 12, "QS": 4, "W": 365.25 / 7, "D": 365.25}


def decimal_year(stamp: pd.Timestamp) -> float:
    """A date as a decimal year (its day's share of its year)."""
    start = pd.Timestamp(year=stamp.year, month=1, day=1)
    days = (pd.Timestamp(year=stamp.year + 1, month=1, day=1) - start).days
    return stamp.year + (stamp - start).days / days


def layouts(frame: pd.DataFrame) -> dict[str, bytes]:
    """The series (one column ``value`` on a DatetimeIndex) written as the files of elsewhere:
    ``rdatasets`` (``rownames,time,value``, decimal years as R's ``time()``, whole ones for a yearly
    series) and, for monthly,
    quarterly and weekly series, ``labels`` (``1991M07``, ``1956 Q1``, ``1989 W28``)."""
    idx = pd.DatetimeIndex(frame.index)
    code = (idx.freqstr or pd.infer_freq(idx) or "").split("-")[0]
    values = frame.iloc[:, 0].to_numpy()
    out: dict[str, bytes] = {}
    if idx[0].year < 1000:  # steps stored as the years 1, 2, ... (no calendar to write)
        return out
    per_year = _PER_YEAR.get(code)
    if per_year is not None:
        if code in ("YS", "MS", "QS"):
            times = [s.year + (s.month - 1) / 12 for s in idx]  # whole years for a yearly series
        else:  # R: the start plus i / frequency
            steps = np.round((idx - idx[0]) / pd.Timedelta(days=7 if code == "W" else 1)).astype(int)
            times = [decimal_year(idx[0]) + k / per_year for k in steps]
        rows = [f'"{i + 1}",{t:.11f},{"" if np.isnan(v) else v}' for i, (t, v) in enumerate(zip(times, values))]
        out["rdatasets"] = ('"rownames","time","value"\n' + "\n".join(rows) + "\n").encode()
    if code in ("MS", "QS", "W"):
        if code == "MS":
            labels = [f"{s.year}M{s.month:02d}" for s in idx]
        elif code == "QS":
            labels = [f"{s.year} Q{(s.month - 1) // 3 + 1}" for s in idx]
        else:
            iso = idx.isocalendar()
            labels = [f"{y} W{w:02d}" for y, w in zip(iso["year"], iso["week"])]
        rows = [f"{a},{'' if np.isnan(v) else v}" for a, v in zip(labels, values)]
        out["labels"] = ("period,value\n" + "\n".join(rows) + "\n").encode()
    return out


def read_back(frame: pd.DataFrame, season: int | None) -> dict:
    """How each layout loads against the ISO dates: rows, season, frequency code, same dates."""
    from lstm_core.config import RunConfig
    from lstm_core.data import load_csv
    from lstm_core.prep import detect_season, split_points

    y = frame.iloc[:, 0].interpolate().to_numpy(dtype=np.float64)
    train_end, _ = split_points(len(y), RunConfig().data.val_fraction, RunConfig().data.test_fraction)
    out: dict = {"season": season, "undated": detect_season(y[:train_end])}
    for name, raw in layouts(frame).items():
        loaded = load_csv(raw)
        idx = loaded.frame.index
        same = isinstance(idx, pd.DatetimeIndex) and len(idx) == len(frame)
        if same and name == "labels" and (frame.index.freqstr or "").startswith("W"):
            same = bool(np.all(np.diff(idx.asi8) == np.diff(pd.DatetimeIndex(frame.index).asi8)))  # Mondays
        elif same:
            same = bool(np.all(idx == frame.index))
        out[name] = {"season": loaded.report.season, "same_dates": same, "columns": list(loaded.frame.columns)}
    return out


def score(task: tuple) -> dict:
    """Default runs of one series and seed with the calendar's season and without a time index."""
    from lstm_core.config import ConfigError

    name, frame, season, seed = task
    out: dict = {"name": name, "seed": seed}
    bare = frame.reset_index(drop=True)
    base_ms = base_one = float("nan")
    for arm, (f, s) in (("calendar", (frame, season)), ("values", (bare, None))):
        try:
            run = fit_default(f, s, seed)
        except ConfigError as exc:
            return {"name": name, "seed": seed, "error": str(exc)}
        m = run.metrics
        if arm == "calendar":  # both arms against the calendar's baselines (its seasonal ones included)
            base_ms = min(b.rmse for b in m.baselines_multistep.values() if b is not None)
            base_one = min(b.rmse for b in m.baselines.values() if b is not None)
        out[arm] = {"ms": m.test_multistep.rmse / base_ms, "one": m.test.rmse / base_one, "season": run.prep.season}
    return out


def main(argv: list[str] | None = None) -> int:
    args = ab_parser(__doc__).parse_args(argv)
    kept = asked_groups(args)
    lines = [
        "## Time columns as other files write them: what the loader reads (every series of the sets and data folders)",
        "",
        "| group | series | season (dates) | from the values alone | Rdatasets layout: season, same dates | "
        "labels: season, same dates |",
        "|---|---|---|---|---|---|",
    ]
    differ = []
    read_ok, read_all = 0, 0
    for what, series in kept:
        for name, frame, season in series:
            if not isinstance(frame.index, pd.DatetimeIndex):
                continue
            r = read_back(frame, season)
            cells = []
            for layout in ("rdatasets", "labels"):
                if layout not in r:
                    cells.append("-")
                    continue
                ok = r[layout]["same_dates"] and r[layout]["season"] == season and r[layout]["columns"] == ["value"]
                read_all += 1
                read_ok += ok
                cells.append(f"{r[layout]['season']}, {'yes' if ok else 'NO'}")
            lines.append(f"| {what} | {name} | {season} | {r['undated']} | {cells[0]} | {cells[1]} |")
            if season is not None and r["undated"] != season:  # (without one, both detect it from the values)
                differ.append((name, frame, season))
    lines += ["", f"Layouts read with the ISO file's dates, season and columns: {read_ok} of {read_all}.", ""]
    rows = score_all(score, differ, args.seeds.split(","), args.processes) if differ else []
    lines += [
        f"## Where the values alone give another season than the calendar's: default runs, seeds {args.seeds} "
        "(RMSE ÷ the best engine baseline with the calendar's season, on the same points; medians over seeds)",
        "",
        "| series | season: calendar / values | multi-step, calendar | values (before) | one-step, calendar | "
        "values (before) |",
        "|---|---|---|---|---|---|",
    ]
    geo: dict[str, list[float]] = {k: [] for k in ("ms_c", "ms_v", "one_c", "one_v")}
    for name, _, _ in differ:
        rs = [r for r in rows if r["name"] == name and "error" not in r]
        if not rs:
            continue
        med = {
            f"{k}_{a[0]}": float(np.median([r[a][k] for r in rs]))
            for k in ("ms", "one")
            for a in ("calendar", "values")
        }
        for k in geo:
            geo[k].append(med[k])
        lines.append(
            f"| {name} | {rs[0]['calendar']['season']} / {rs[0]['values']['season']} | {med['ms_c']:.3f} | "
            f"{med['ms_v']:.3f} | {med['one_c']:.3f} | {med['one_v']:.3f} |"
        )
    if geo["ms_c"]:
        lines.append(
            f"| geometric mean | | {gmean(geo['ms_c']):.3f} | {gmean(geo['ms_v']):.3f} | {gmean(geo['one_c']):.3f} | "
            f"{gmean(geo['one_v']):.3f} |"
        )
    return finish(lines, rows, args.md)


if __name__ == "__main__":
    sys.exit(main())
