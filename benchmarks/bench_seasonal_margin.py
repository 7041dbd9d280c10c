"""Seasonal candidates on series of few long seasons (``strategy.SEASONAL_MARGIN``), A/B.

The representations that use the season (a seasonal profile removed, a difference at the season's
lag) are tried where the training part holds two seasons and two points for the profile, then
``min(season, SEASONAL_MARGIN)`` more (:func:`lstm_core.strategy.seasonal_points`). Before session
32 it had to hold three seasons and two points: a long season (a day of half-hours, 48; of quarter
hours, 96; a year of weeks, 52) on a series of a few seasons got no seasonal candidate, and the
networks, whose 12-step windows cannot see such a cycle, lost to the seasonal naive forecast by
up to 9x over the test span. For seasons up to 24 the two rules are the same, so no series of the
benchmark sets moves (their weekly ones are long).

This script fits the engine's defaults, seeds 0-2, on series whose length falls between the two
rules, both ways (``before``: three seasons, ``now``: the margin):

* windows of fpp2's half-hourly electricity demand of Victoria (``benchmarks/data/subdaily/
  elecdemand.csv``, its first 60 days of 2014; season 48), 220 and 250 points from three
  starting days;
* the first 240 and 270 points of the four real weekly series of the sets (weekly CO2, US
  gasoline, the Dow Jones, US gas prices; season 52), and the same from their middle;

and prints multi-step and one-step RMSE ÷ the best of the engine's baselines on the same points
(medians over seeds, geometric means)::

    .venv/bin/python -m benchmarks.bench_seasonal_margin
    .venv/bin/python -m benchmarks.bench_seasonal_margin --compare lag

``--compare lag``: on shorter windows still (180 and 200 half-hours, 185 and 215 weeks), where the
training part holds a season and two points and twice the margin but not two seasons for a
profile, the difference at the season's lag alone (``strategy.SEASONAL_LAG_EARLY``) against no
seasonal candidate (before session 32).

``--compare held-out``: the engine before session 32 (none of the three rules) against the engine
as shipped, on windows of series none of the rules was made on (``benchmarks/data/
few_seasons_heldout``): the half-hourly electricity demand of England and Wales (R's
``forecast::taylor``, its first 3 weeks of June 2000; 180 and 220 points from days 0, 7 and 14),
and the weekly economy-class passengers between Melbourne and Sydney (fpp2 ``melsyd``, 1987-92)
and the S&P 500's weekly volume (ISLR ``Weekly``, 1990-2010), 185 and 240 weeks from their start
and middle.

``--compare evidence``: on all 44 windows of the two comparisons above, the seasonal candidates
kept only where one of them ranks first by its null forecast (``strategy.SEASONAL_EVIDENCE``)
against kept whatever their rank.
"""

from __future__ import annotations

import argparse
import sys
from functools import partial
from pathlib import Path

import pandas as pd

from benchmarks.ab_runs import baseline_ratios, finish, fit_default, gmean, medians, score_all

#: What each comparison switches (per arm, the ``lstm_core.strategy`` attributes set for its fits),
#: on which windows (``sets``: the half-hourly demand and the sets' weekly series; ``held-out``:
#: ``benchmarks/data/few_seasons_heldout``) and of which lengths (half-hourly, weekly). ``margin``:
#: ``SEASONAL_MARGIN`` a whole season (before) or 24 steps; ``lag``: ``SEASONAL_LAG_EARLY`` off or on;
#: ``evidence``: ``SEASONAL_EVIDENCE`` off or on; ``held-out``: everything before session 32 against
#: the engine as shipped, on series none of the rules was made on.
BEFORE = {"SEASONAL_MARGIN": 10**9, "SEASONAL_LAG_EARLY": False, "SEASONAL_EVIDENCE": False}
COMPARISONS: dict[str, tuple[dict[str, dict], str, tuple[int, ...], tuple[int, ...]]] = {
    "margin": ({"before": {"SEASONAL_MARGIN": 10**9}, "now": {"SEASONAL_MARGIN": 24}}, "sets", (220, 250), (240, 270)),
    "lag": (
        {"before": {"SEASONAL_LAG_EARLY": False}, "now": {"SEASONAL_LAG_EARLY": True}},
        "sets",
        (180, 200),
        (185, 215),
    ),
    "evidence": (
        {"before": {"SEASONAL_EVIDENCE": False}, "now": {"SEASONAL_EVIDENCE": True}},
        "sets",
        (180, 200, 220, 250),
        (185, 215, 240, 270),
    ),
    "held-out": ({"before": BEFORE, "now": {}}, "held-out", (180, 220), (185, 240)),
}
DATA = Path(__file__).resolve().parent / "data"


def series(
    source: str, half_hourly: tuple[int, ...], weekly_lengths: tuple[int, ...]
) -> list[tuple[str, pd.DataFrame, int | None]]:
    """``(name, frame, season)`` of the windows scored (see the module's notes), of these lengths."""
    from benchmarks.ab_runs import named_series
    from lstm_core.data.loader import load_csv

    out = []
    if source == "held-out":
        folder = DATA / "few_seasons_heldout"
        taylor = load_csv(folder / "taylor.csv").series
        for day in (0, 7, 14):
            for n in half_hourly:
                out.append((f"taylor d{day} n{n}", taylor.frame.iloc[48 * day : 48 * day + n], taylor.season))
        weekly = [
            (p.stem, load_csv(p).series) for p in (folder / "melsyd_economy.csv", folder / "sp500_weekly_volume.csv")
        ]
        pairs = [(name, s.frame, s.season) for name, s in weekly]
    else:
        demand = load_csv(DATA / "subdaily" / "elecdemand.csv").series
        for day in (0, 20, 40):
            for n in half_hourly:
                start = 48 * day
                out.append((f"elecdemand d{day} n{n}", demand.frame.iloc[start : start + n], demand.season))
        pairs = [s for set_name in ("suite", "fpp") for s in named_series(set_name)[0] if s[2] == 52]
        pairs += [s for s in named_series(default_dir=DATA / "outside5")[0] if s[2] == 52]
    for name, frame, season in pairs:
        for at in ("start", "middle"):
            for n in weekly_lengths:
                start = 0 if at == "start" else (len(frame) - n) // 2
                out.append((f"{name} {at} n{n}", frame.iloc[start : start + n], season))
    return out


def score(task: tuple, arms: dict[str, dict] | None = None) -> dict:
    """One default run per arm (the ``lstm_core.strategy`` attributes of ``arms[arm]`` set for its
    fit, restored after) for one series and seed."""
    from lstm_core import strategy
    from lstm_core.config import ConfigError

    name, frame, season, seed = task
    out: dict = {"name": name, "seed": seed}
    for arm, settings in (arms or COMPARISONS["margin"][0]).items():
        shipped = {attr: getattr(strategy, attr) for attr in settings}
        try:
            for attr, value in settings.items():
                setattr(strategy, attr, value)
            run = fit_default(frame, season, seed)
        except ConfigError as exc:
            return {"name": name, "seed": seed, "error": str(exc)}
        finally:
            for attr, value in shipped.items():
                setattr(strategy, attr, value)
        ms, one = baseline_ratios(run.metrics)
        seasonal = [m for m in run.combination.path_members if strategy.uses_season(m.prep.transform)]
        out[arm] = {"ms": ms, "one": one, "seasonal": len(seasonal), "members": len(run.combination.path_members)}
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seeds", default="0,1,2")
    ap.add_argument("--processes", type=int, default=2)
    ap.add_argument("--md", default="")
    ap.add_argument("--compare", choices=tuple(COMPARISONS), default="margin")
    args = ap.parse_args(argv)
    arms, source, half_hourly, weekly = COMPARISONS[args.compare]
    todo = series(source, half_hourly, weekly)
    rows = score_all(partial(score, arms=arms), todo, args.seeds.split(","), args.processes)
    lines = [
        f"## Seasonal candidates on series of few long seasons ({args.compare}): seeds {args.seeds} (medians); "
        "RMSE ÷ the best engine baseline on the same points",
        "",
        "| series | N | season | multi-step before | now | one-step before | now | seasonal members before | now |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    summary: dict[str, dict[str, list[float]]] = {}
    for name, frame, season in todo:
        rs, med = medians([r for r in rows if "error" not in r], name)
        if not rs:
            continue
        group = name.split(" ")[0]
        for arm in arms:
            for what in ("ms", "one"):
                summary.setdefault(group, {}).setdefault(f"{arm} {what}", []).append(med(arm, what))
                summary.setdefault("all", {}).setdefault(f"{arm} {what}", []).append(med(arm, what))
        lines.append(
            f"| {name} | {len(frame)} | {season} | {med('before', 'ms'):.3f} | {med('now', 'ms'):.3f} | "
            f"{med('before', 'one'):.3f} | {med('now', 'one'):.3f} | "
            f"{rs[0]['before']['seasonal']}/{rs[0]['before']['members']} | {rs[0]['now']['seasonal']}/{rs[0]['now']['members']} |"
        )
    lines += [
        "",
        "| group | series | multi-step before | now | one-step before | now |",
        "|---|---|---|---|---|---|",
    ]
    for group, values in summary.items():
        lines.append(
            f"| {group} | {len(values['before ms'])} | {gmean(values['before ms']):.3f} | {gmean(values['now ms']):.3f} | "
            f"{gmean(values['before one']):.3f} | {gmean(values['now one']):.3f} |"
        )
    return finish(lines, rows, args.md)


if __name__ == "__main__":
    sys.exit(main())
