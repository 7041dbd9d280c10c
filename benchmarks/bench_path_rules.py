"""Other ways to combine the members' multi-step paths, scored offline on the same fits.

A run's multi-step forecast is the mean of its members' recursive paths, less the highest and
lowest at each step where there are five members or more, and less a path that runs off (more
than half the training range from the members' median) where there are three or four
(:meth:`lstm_core.combine.Combination.forecast_y`, ``paths="guarded"``). This script fits the
engine's defaults once per series and seed, keeps every member's path over the test span, and
scores each rule on those same paths: multi-step RMSE ÷ the best of the engine's baselines on the
same points, medians over seeds, geometric means by group (and over every series)::

    .venv/bin/python -m benchmarks.bench_path_rules                 # every set and data folder
    .venv/bin/python -m benchmarks.bench_path_rules --set holdout   # or suite, fpp, --csv a.csv

Rules: ``shipped`` (the run's own forecast); ``plain mean``; ``median``; ``mean and median``
(their average); ``trim 1 from 4`` (the highest and lowest left out from four members on);
``trim 25%`` (a quarter of the members left out at each end from four on); ``no log members``
(members on logs left out where others are there). Every path goes through the run's interval
scale and is held at 0 for a series that never goes below it, as the run's own forecast is;
``reproduced`` checks that the guarded rule recomputed here gives the run's own forecast.
"""

from __future__ import annotations

import sys

import numpy as np

from benchmarks.ab_runs import ab_parser, asked_groups, finish, fit_default, gmean, score_all

RULES = ("shipped", "plain mean", "median", "mean and median", "trim 1 from 4", "trim 25%", "no log members")


def _trimmed(each: np.ndarray, frac: float) -> np.ndarray:
    """Mean over axis 0 of ``each`` (members, steps) less ``floor(frac * members)`` at each end."""
    k = int(np.floor(frac * len(each)))
    return np.sort(each, axis=0)[k : len(each) - k].mean(axis=0)


def paths(each: np.ndarray, shipped: np.ndarray, logs: np.ndarray) -> dict[str, np.ndarray]:
    """Each rule's forecast (steps,) from the members' paths ``each`` (members, steps)."""
    m = len(each)
    return {
        "shipped": shipped,
        "plain mean": each.mean(axis=0),
        "median": np.median(each, axis=0),
        "mean and median": 0.5 * (each.mean(axis=0) + np.median(each, axis=0)),
        "trim 1 from 4": np.sort(each, axis=0)[1:-1].mean(axis=0) if m >= 4 else shipped,
        "trim 25%": _trimmed(each, 0.25) if m >= 4 else shipped,
        "no log members": each[~logs].mean(axis=0) if (~logs).any() and logs.any() else shipped,
    }


def score(task: tuple) -> dict:
    """One default run of one series and seed; every rule's multi-step RMSE ÷ the best baseline's."""
    from lstm_core import forecast as fc

    name, frame, season, seed = task
    out: dict = {"name": name, "seed": seed, "n": len(frame)}
    try:
        run = fit_default(frame, season, seed)
    except Exception as exc:  # a series the defaults cannot run: named in the table's last line
        out["error"] = f"{type(exc).__name__}: {exc}"
        return out
    m = run.metrics
    assert m is not None and m.test_multistep is not None
    combo = run.combination
    ms = np.asarray(run.predictions["multistep"], dtype=np.float64)
    at = np.flatnonzero(np.isfinite(ms))
    origin, steps = int(at[0]), len(at)
    each = np.array([combo._member_y(mb, np.array([origin]), steps)[0] for mb in combo.path_members])
    truth = np.asarray(combo.prep.y, dtype=np.float64)[origin : origin + steps]
    best = min(b.rmse for b in m.baselines_multistep.values() if b is not None)
    logs = np.array([mb.prep.transform.log for mb in combo.path_members])
    nonneg = fc.never_negative(combo.prep.y)

    def as_shown(p: np.ndarray) -> np.ndarray:
        """A path as the run shows it: through the interval scale, held at 0 for a series never below it."""
        p = combo.y_from_z(combo.z_from_y(p))
        return np.maximum(p, 0.0) if nonneg else p

    got = {k: as_shown(p) for k, p in paths(each, ms[at], logs).items()}
    out["ratio"] = {k: float(np.sqrt(np.mean((p - truth) ** 2)) / best) for k, p in got.items()}
    out["members"] = len(each)
    again = as_shown(combo.forecast_y(np.array([origin]), steps)[0])
    out["reproduced"] = bool(np.allclose(again, ms[at], rtol=1e-9, atol=0.0))
    return out


def main(argv: list[str] | None = None) -> int:
    args = ab_parser(__doc__).parse_args(argv)
    groups = asked_groups(args)
    seeds = args.seeds.split(",")
    head = " | ".join(RULES)
    lines = [
        f"## Multi-step paths combined by other rules, same fits: seeds {args.seeds} (medians); "
        "RMSE ÷ the best engine baseline on the same points, geometric means",
        "",
        f"| group | series | {head} | reproduced |",
        "|---|---|" + "---|" * (len(RULES) + 1),
    ]
    every: dict[str, list[float]] = {k: [] for k in RULES}
    all_rows = []
    for what, series in groups:
        rows = score_all(score, series, seeds, args.processes)
        all_rows += rows
        ok = [r for r in rows if "error" not in r]
        names = list(dict.fromkeys(r["name"] for r in ok))
        med = {k: [float(np.median([r["ratio"][k] for r in ok if r["name"] == n])) for n in names] for k in RULES}
        for k in RULES:
            every[k] += med[k]
        same = all(r["reproduced"] for r in ok)
        cells = " | ".join(f"{gmean(med[k]):.3f}" for k in RULES)
        lines.append(f"| {what} | {len(names)} | {cells} | {'yes' if same else 'no'} |")
        print(lines[-1], flush=True)
    cells = " | ".join(f"{gmean(every[k]):.3f}" for k in RULES)
    lines.append(f"| every series | {len(every['shipped'])} | {cells} | |")
    return finish(lines, all_rows, args.md)


if __name__ == "__main__":
    sys.exit(main())
