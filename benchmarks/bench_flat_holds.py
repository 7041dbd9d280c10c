"""A flat history's forecast stays flat (``lstm_core.forecast.FLAT_HOLDS``), A/B: default runs
whose networks on the values less their window's mean feed their outputs back as they are (before),
and runs where what such a network outputs for a flat window is subtracted from each block of its
recursive forecast (flat).

A network on the values less their window's mean forecasts ahead by feeding its own outputs back:
each block's outputs move the next window's mean, so a bias in what it outputs for a flat window is
added block after block and the path drifts off linearly far ahead (an exchange rate's returns,
noise around 0, forecast 651 steps ahead: -2.2 by step 600 in one seed, a seed spread of 1.33).

This script fits the engine's defaults twice per series and seed, without and with it, and prints
multi-step RMSE over the test span ÷ the best of the engine's baselines on the same points,
one-step RMSE ÷ the best baseline's, the 90% multi-step coverage and the seed spread, with
geometric means by group::

    .venv/bin/python -m benchmarks.bench_flat_holds                 # every set and data folder
    .venv/bin/python -m benchmarks.bench_flat_holds --set holdout   # or suite, fpp, --csv a.csv

``changed`` counts the seeds where the forecast over the test span differs.
"""

from __future__ import annotations

import sys

import numpy as np

from benchmarks.ab_runs import ab_parser, asked_groups, finish, fit_default, gmean, medians, score_all


def score(task: tuple) -> dict:
    """Two default runs of one series and seed: without the flat-window correction, then with it."""
    from lstm_core import forecast

    name, frame, season, seed = task
    out: dict = {"name": name, "seed": seed, "n": len(frame)}
    paths = {}
    for key, on in (("before", False), ("flat", True)):
        try:
            run = fit_default(frame, season, seed, forecast, "FLAT_HOLDS", on)
        except Exception as exc:  # a series the defaults cannot run: named in the table's last line
            out["error"] = f"{type(exc).__name__}: {exc}"
            return out
        m = run.metrics
        assert m is not None and m.test is not None and m.test_multistep is not None
        out[key] = {
            "ms": m.test_multistep.rmse / min(b.rmse for b in m.baselines_multistep.values() if b is not None),
            "one": m.test.rmse / min(b.rmse for b in m.baselines.values() if b is not None),
            "cov": m.coverage.multistep,
            "cut": sum(
                1 for mb in run.combination.path_members if mb.prep.transform.window_norm and not mb.prep.transform.lag
            ),
            "ms_rmse": m.test_multistep.rmse,
        }
        paths[key] = np.asarray(run.predictions["multistep"].dropna(), dtype=np.float64)
    out["changed"] = not np.allclose(paths["before"], paths["flat"], rtol=1e-9, atol=0.0)
    return out


def spread(rows: list[dict], key: str) -> float:
    """Max ÷ min multi-step RMSE over the seeds of one series, in arm ``key``."""
    v = [r[key]["ms_rmse"] for r in rows]
    return max(v) / min(v)


def main(argv: list[str] | None = None) -> int:
    args = ab_parser(__doc__).parse_args(argv)
    groups = asked_groups(args)
    seeds = args.seeds.split(",")
    lines = [
        f"## A flat history's forecast held flat: seeds {args.seeds} (medians); RMSE ÷ the best engine baseline on the same points",
        "",
        "| group | series | N | window-mean members | multi-step, before | flat | "
        "one-step, before | flat | multi-step 90% coverage, before | flat | seeds changed | "
        "seed spread, before | flat |",
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
                f"| {what} | {name} | {rs[0]['n']} | {int(med('flat', 'cut'))} | {med('before', 'ms'):.3f} | "
                f"{med('flat', 'ms'):.3f} | {med('before', 'one'):.3f} | {med('flat', 'one'):.3f} | "
                f"{med('before', 'cov'):.2f} | {med('flat', 'cov'):.2f} | {sum(r['changed'] for r in rs)} | "
                f"{spread(rs, 'before'):.3f} | {spread(rs, 'flat'):.3f} |"
            )
        g = {(k, w): gmean([medians(rows, n)[1](k, w) for n in ok]) for k in ("before", "flat") for w in ("ms", "one")}
        changed = sum(1 for n in ok if any(r["changed"] for r in rows if r["name"] == n))
        summary.append(
            f"| {what} | {len(ok)} | {changed} | {g['before', 'ms']:.3f} | {g['flat', 'ms']:.3f} | "
            f"{g['flat', 'ms'] / g['before', 'ms']:.3f} | {g['before', 'one']:.3f} | {g['flat', 'one']:.3f} |"
        )
    lines += [
        "",
        "Geometric means by group:",
        "",
        "| group | series | changed | multi-step, before | flat | flat ÷ before | one-step, before | flat |",
        "|---|---|---|---|---|---|---|---|",
        *summary,
    ]
    return finish(lines, all_rows, args.md)


if __name__ == "__main__":
    sys.exit(main())
