"""Steps damped past the horizon a backtest checks (``lstm_core.forecast.BEYOND_DAMP``), A/B.

The backtest that chooses a series' representations forecasts at most a third of the data before
the test part ahead (:func:`lstm_core.strategy.backtest_span`); the test part, and a forecast past
the data, can reach further, where a differenced network's growth compounds unchecked (UK arrivals
to Australia, 42 quarters ahead: 6.2x seasonal naive). Here a differenced representation's steps
past that horizon shrink by a factor per step.

This script fits the engine's defaults twice per series and seed, without and with it, and prints
multi-step RMSE over the test span ÷ the best of the engine's baselines on the same points,
one-step RMSE ÷ the best baseline's, the 90% multi-step coverage and the seed spread, with
geometric means by group::

    .venv/bin/python -m benchmarks.bench_beyond_damp                 # every set and data folder
    .venv/bin/python -m benchmarks.bench_beyond_damp --set holdout   # or suite, fpp, --csv a.csv

``changed`` counts the seeds where the forecast over the test span differs.
"""

from __future__ import annotations

import sys

import numpy as np

from benchmarks.ab_runs import ab_parser, asked_groups, finish, fit_default, gmean, medians, score_all


def score(task: tuple) -> dict:
    """Two default runs of one series and seed: undamped past the backtest's horizon, then damped."""
    from lstm_core import forecast

    name, frame, season, seed = task
    out: dict = {"name": name, "seed": seed, "n": len(frame)}
    paths = {}
    for key, on in (("before", 1.0), ("damped", FACTOR)):
        try:
            run = fit_default(frame, season, seed, forecast, "BEYOND_DAMP", on)
        except Exception as exc:  # a series the defaults cannot run: named in the table's last line
            out["error"] = f"{type(exc).__name__}: {exc}"
            return out
        m = run.metrics
        assert m is not None and m.test is not None and m.test_multistep is not None
        out[key] = {
            "ms": m.test_multistep.rmse / min(b.rmse for b in m.baselines_multistep.values() if b is not None),
            "one": m.test.rmse / min(b.rmse for b in m.baselines.values() if b is not None),
            "cov": m.coverage.multistep,
            "cut": sum(1 for mb in run.combination.path_members if mb.prep.transform.lag),
            "ms_rmse": m.test_multistep.rmse,
        }
        paths[key] = np.asarray(run.predictions["multistep"].dropna(), dtype=np.float64)
    out["changed"] = not np.allclose(paths["before"], paths["damped"], rtol=1e-9, atol=0.0)
    return out


def spread(rows: list[dict], key: str) -> float:
    """Max ÷ min multi-step RMSE over the seeds of one series, in arm ``key``."""
    v = [r[key]["ms_rmse"] for r in rows]
    return max(v) / min(v)


def main(argv: list[str] | None = None) -> int:
    global FACTOR
    ap = ab_parser(__doc__)
    ap.add_argument("--factor", type=float, default=0.98)
    args = ap.parse_args(argv)
    FACTOR = args.factor
    groups = asked_groups(args)
    seeds = args.seeds.split(",")
    lines = [
        f"## Steps damped past the backtest's horizon: seeds {args.seeds} (medians); RMSE ÷ the best engine baseline on the same points",
        "",
        "| group | series | N | differenced members | multi-step, before | damped | "
        "one-step, before | damped | multi-step 90% coverage, before | damped | seeds changed | "
        "seed spread, before | damped |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    summary = []
    all_rows = []
    for what, series in groups:
        rows = score_all(score, series, seeds, args.processes)
        all_rows += rows
        ok = [name for name, _, _ in series if not any("error" in r for r in rows if r["name"] == name)]
        for name in ok:
            rs, med = medians(rows, name)
            lines.append(
                f"| {what} | {name} | {rs[0]['n']} | {int(med('damped', 'cut'))} | {med('before', 'ms'):.3f} | "
                f"{med('damped', 'ms'):.3f} | {med('before', 'one'):.3f} | {med('damped', 'one'):.3f} | "
                f"{med('before', 'cov'):.2f} | {med('damped', 'cov'):.2f} | {sum(r['changed'] for r in rs)} | "
                f"{spread(rs, 'before'):.3f} | {spread(rs, 'damped'):.3f} |"
            )
        g = {
            (k, w): gmean([medians(rows, n)[1](k, w) for n in ok]) for k in ("before", "damped") for w in ("ms", "one")
        }
        changed = sum(1 for n in ok if any(r["changed"] for r in rows if r["name"] == n))
        summary.append(
            f"| {what} | {len(ok)} | {changed} | {g['before', 'ms']:.3f} | {g['damped', 'ms']:.3f} | "
            f"{g['damped', 'ms'] / g['before', 'ms']:.3f} | {g['before', 'one']:.3f} | {g['damped', 'one']:.3f} |"
        )
    lines += [
        "",
        "Geometric means by group:",
        "",
        "| group | series | changed | multi-step, before | damped | damped ÷ before | one-step, before | damped |",
        "|---|---|---|---|---|---|---|---|",
        *summary,
    ]
    return finish(lines, all_rows, args.md)


FACTOR = 0.98

if __name__ == "__main__":
    sys.exit(main())
