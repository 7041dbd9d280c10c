"""Lone spikes before the test part, replaced for training (``DataConfig.outliers``), A/B.

One bad reading in the training part (a value typed with an extra digit, a missing value stored
as 0) used to wreck a default run: the scaler, the representation backtest and every window that
held it were dominated by it (measured in session 18: one point at 100x the noise, 40-step RMSE
8.4x the seasonal naive one's). Since session 19 :mod:`lstm_core.outliers` replaces such spikes
for the networks only. This script prints three tables:

1. **What the detector finds on real data as given**: the highest spike score and the points
   replaced, for every series of the three benchmark sets and of ``data/*/`` (none should be:
   a real series' own shape must never be "cleaned");
   Table 1b: readings made 10, 5 or 3 times too large or 5 or 10 times too small in the training
   part of every series above zero, one at a time: how many the values' score finds and how many
   the detector still finds where it clears a point unremarkable on the logs (``LOG_CLEAR``);
2. **Injected glitches**: for each series and seed, default runs on the series as given, then
   with one reading corrupted in its training part, with ``outliers="keep"`` (as before) and
   ``"replace"`` (shipped): multi-step and one-step test RMSE ÷ those of the run on the series as
   given (1.0 = the glitch cost nothing). Glitches: ``x10`` (the point at 60% of the training
   part times 10) and ``zero`` (the point at 35% set to 0);
3. **A glitch among the last points**: the reading :data:`LATE` points before the end times 10.
   It lies in the test part, so the networks train as on the series as given and only the
   forecast past the end of the data can move: how far it moves from the run's on the series as
   given, kept and replaced (``prep.future_spikes``).

::

    .venv/bin/python -m benchmarks.bench_outliers                  # 12 series, seeds 0-1
    .venv/bin/python -m benchmarks.bench_outliers --only-scan      # tables 1 and 1b only (seconds)
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

from benchmarks.ab_runs import gmean, medians, named_series, score_all
from benchmarks.report import emit

ROOT = Path(__file__).resolve().parent
#: Series of the glitch A/B (all under 300 points, so the A/B takes minutes).
GLITCH_SERIES = (
    "airline",
    "UKgas",
    "USAccDeaths",
    "JohnsonJohnson",
    "nottem",
    "UKDriverDeaths",
    "lynx",
    "Nile",
    "fdeaths",
    "presidents",
    "a10",
    "qcement",
)
GLITCHES = {"x10": (0.60, lambda v: v * 10.0), "zero": (0.35, lambda v: 0.0)}
#: The third table's glitch: the reading this many points before the end, times 10; the forecast
#: this many steps past the end is compared with the run's on the series as given.
LATE = 5
AHEAD = 24


def _all_series() -> list[tuple[str, str, object, int | None]]:
    """``(set, name, frame, season)`` of the three sets and of every ``data/*/`` folder."""
    out = []
    for s in ("suite", "holdout", "fpp"):
        out += [(s, n, f, m) for n, f, m in named_series(s)[0]]
    for folder in sorted(p for p in (ROOT / "data").iterdir() if p.is_dir() and p.name != "series"):
        out += [(f"data/{folder.name}", n, f, m) for n, f, m in named_series(default_dir=folder)[0]]
    return out


def scan_table() -> list[str]:
    """Table 1: each series' highest spike score before its test part and the spikes found."""
    from lstm_core.config import DataConfig
    from lstm_core.outliers import judged_scores
    from lstm_core.prep import fit_values, series_spikes, split_points

    lines = [
        "## Spikes found in the data as given (engine defaults)",
        "",
        "Before each test part (replaced for training), and in the test part (replaced in the history "
        "of the forecast past the end of the data). Score: the detector's (`outliers.judged_scores`: "
        "on a series above zero, the lower of its values' and its logs' score).",
        "",
        "| set | series | points judged | season | highest spike score | spikes replaced | in the test part |",
        "|---|---|---|---|---|---|---|",
    ]
    found = judged = later = 0
    top: list[float] = []
    for set_name, name, frame, season in _all_series():
        y = frame.iloc[:, -1].to_numpy(dtype=np.float64)
        train_end, test_start = split_points(len(y), 0.1, 0.33)
        _, m, spikes = fit_values(y, DataConfig(), season, train_end, test_start)
        score = float(judged_scores(y[:test_start], m)[0].max())
        test_part = int((series_spikes(y, DataConfig(), season).index >= test_start).sum())
        found += len(spikes)
        later += test_part
        judged += 1
        top.append(score)
        lines.append(f"| {set_name} | {name} | {test_start} | {m or '—'} | {score:.1f} | {len(spikes)} | {test_part} |")
    lines.append(
        f"| **all** | {judged} series | | | highest {max(top):.1f}, median {np.median(top):.1f} | **{found}** "
        f"| **{later}** |"
    )
    return lines


#: The injected readings of table 1b: factors, and places as shares of the training part.
INJECTED = ((10.0, 5.0, 3.0, 0.2, 0.1), (0.2, 0.4, 0.6, 0.8))


def injected_table() -> list[str]:
    """Table 1b: readings made too large or too small in the training part of every series above
    zero, one at a time; how many the values' score finds, how many the detector's
    (``outliers.judged_scores``, which clears a point unremarkable on the logs) still finds, and
    the lowest scores on the logs of those found on the values."""
    from lstm_core.outliers import LOG_CLEAR, SPIKE_SCORE, judged_scores, spike_scores
    from lstm_core.prep import split_points

    factors, places = INJECTED
    found = kept = series = 0
    low: list[tuple[float, str]] = []
    for _, name, frame, season in _all_series():
        y = frame.iloc[:, -1].to_numpy(dtype=np.float64)
        if not np.all(np.isfinite(y)) or not np.all(y > 0):
            continue
        series += 1
        train_end, test_start = split_points(len(y), 0.1, 0.33)
        for factor in factors:
            for where in places:
                i = int(where * train_end)
                z = y.copy()
                z[i] *= factor
                if spike_scores(z[:test_start], season)[0][i] <= SPIKE_SCORE:
                    continue
                found += 1
                kept += bool(judged_scores(z[:test_start], season)[0][i] > SPIKE_SCORE)
                low.append((float(spike_scores(np.log(z[:test_start]), season)[0][i]), f"{name} x{factor:g}"))
    lowest = ", ".join(f"{v:.2f} ({what})" for v, what in sorted(low)[:3])
    return [
        "## Readings made too large or too small, found on the values and by the detector",
        "",
        f"Each of {series} series above zero, one reading at a time times {', '.join(f'{f:g}' for f in factors)}, "
        f"at {', '.join(f'{p:.0%}' for p in places)} of its training part. A point that scores under "
        f"{LOG_CLEAR:g} on the logs is cleared (`outliers.LOG_CLEAR`).",
        "",
        "| readings over the spike score on the values | still found by the detector | lowest scores on the logs |",
        "|---|---|---|",
        f"| {found} | {kept} | {lowest} |",
    ]


def score(task: tuple) -> dict:
    """Default runs of one series and seed: as given, then with each glitch kept and replaced."""
    from benchmarks.ab_runs import fit_default
    from lstm_core.config import RunConfig

    name, frame, season, seed = task
    out: dict = {"name": name, "seed": seed, "n": len(frame)}

    def fit(f, policy: str) -> dict:
        import torch

        torch.set_num_threads(1)
        from lstm_core.data import Series
        from lstm_core.pipeline import fit_run

        cfg = RunConfig()
        cfg.train.seed = seed
        cfg.data.outliers = policy
        run = fit_run(Series(f.copy(), season=season), cfg)
        m = run.metrics
        ahead = run.future(AHEAD)["forecast"].to_numpy(dtype=np.float64)
        return {"ms": m.test_multistep.rmse, "one": m.test.rmse, "spikes": len(run.prep.spikes), "ahead": ahead}

    given = fit_default(frame, season, seed)
    base = given.metrics
    out["given"] = {"ms": base.test_multistep.rmse, "one": base.test.rmse}
    clean_ahead = given.future(AHEAD)["forecast"].to_numpy(dtype=np.float64)
    # a reading x10 among the last points (in the test part): the networks train as on the series as
    # given, so only the forecast past the end can move; by how much, in units of the run's own error
    late = frame.copy()
    col = late.columns[-1]
    late.iloc[len(late) - LATE, late.columns.get_loc(col)] *= 10.0
    for policy in ("keep", "replace"):
        moved = fit(late, policy)["ahead"] - clean_ahead
        out[f"late/{policy}"] = float(np.sqrt(np.mean(moved**2))) / out["given"]["ms"]
    from lstm_core.prep import split_points

    train_end, _ = split_points(len(frame), 0.1, 0.33)
    for kind, (where, corrupt) in GLITCHES.items():
        f = frame.copy()
        t = int(round(where * train_end))
        col = f.columns[-1]
        f.iloc[t, f.columns.get_loc(col)] = corrupt(float(f.iloc[t][col]))
        for policy in ("keep", "replace"):
            r = fit(f, policy)
            out[f"{kind}/{policy}"] = {
                "ms": r["ms"] / out["given"]["ms"],
                "one": r["one"] / out["given"]["one"],
                "spikes": r["spikes"],
            }
    return out


def glitch_table(seeds: str, processes: int, names: tuple[str, ...]) -> list[str]:
    """Table 2: the glitch A/B."""
    series = []
    for s in ("suite", "holdout", "fpp"):
        series += named_series(s, keep=lambda n, f: n in names)[0]
    rows = score_all(score, series, seeds.split(","), processes)
    keys = [f"{k}/{p}" for k in GLITCHES for p in ("keep", "replace")]
    lines = [
        f"## One corrupted reading in the training part, seeds {seeds} (medians): test RMSE ÷ that of the run "
        "on the series as given",
        "",
        "| series | N | "
        + " | ".join(f"multi-step {k.replace('/', ', ')}" for k in keys)
        + " | "
        + " | ".join(f"one-step {k.replace('/', ', ')}" for k in keys)
        + " | spikes replaced (x10, zero) |",
        "|---|---|" + "---|" * (2 * len(keys) + 1),
    ]
    summary: dict[str, list[float]] = {f"{w} {k}": [] for w in ("ms", "one") for k in keys}
    for name, _, _ in series:
        rs, med = medians(rows, name)
        vals = {f"{w} {k}": med(k, w) for w in ("ms", "one") for k in keys}
        for k, v in vals.items():
            summary[k].append(v)
        found = ", ".join(str(rs[0][f"{k}/replace"]["spikes"]) for k in GLITCHES)
        lines.append(
            f"| {name} | {rs[0]['n']} | "
            + " | ".join(f"{vals[f'ms {k}']:.2f}" for k in keys)
            + " | "
            + " | ".join(f"{vals[f'one {k}']:.2f}" for k in keys)
            + f" | {found} |"
        )
    for label, summarise, fmt in (("**geometric mean**", gmean, "**{:.2f}**"), ("worst", max, "{:.2f}")):
        cells = [fmt.format(summarise(summary[f"{w} {k}"])) for w in ("ms", "one") for k in keys]
        lines.append(f"| {label} | | " + " | ".join(cells) + " | |")
    lines += [
        "",
        f"## A reading x10 {LATE} points before the end (in the test part), seeds {seeds} (medians): how far the "
        f"forecast {AHEAD} steps past the end moves from the run's on the series as given (RMSE of the difference ÷ "
        "that run's multi-step test RMSE; 0 = not at all)",
        "",
        "| series | kept | replaced |",
        "|---|---|---|",
    ]
    late: dict[str, list[float]] = {"keep": [], "replace": []}
    for name, _, _ in series:
        rs = [r for r in rows if r["name"] == name]
        vals = {p: float(np.median([r[f"late/{p}"] for r in rs])) for p in late}
        for p, v in vals.items():
            late[p].append(v)
        lines.append(f"| {name} | {vals['keep']:.2f} | {vals['replace']:.2f} |")
    lines.append(f"| **median** | **{np.median(late['keep']):.2f}** | **{np.median(late['replace']):.2f}** |")
    lines.append(f"| worst | {max(late['keep']):.2f} | {max(late['replace']):.2f} |")
    return lines


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seeds", default="0,1")
    ap.add_argument("--processes", type=int, default=2)
    ap.add_argument("--series", default=",".join(GLITCH_SERIES), help="comma-separated names for the glitch A/B")
    ap.add_argument("--only-scan", action="store_true", help="tables 1 and 1b only")
    ap.add_argument("--md", default="", help="also write the tables to this file")
    args = ap.parse_args(argv)
    lines = scan_table() + [""] + injected_table()
    if not args.only_scan:
        lines += [""] + glitch_table(args.seeds, args.processes, tuple(args.series.split(",")))
    emit("\n".join(lines), args.md)
    return 0


if __name__ == "__main__":
    sys.exit(main())
