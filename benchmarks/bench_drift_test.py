"""The drift test (``lstm_core.prep.DRIFT_T``), A/B: default runs with every differenced
representation's training drift carried into the forecast ahead (as before), and with it left out
where it is not significant.

A network on differences reproduces the training part's mean step (its scaled output averages 0),
so its recursive forecast carries that drift to every step ahead: right for a trend, wrong for a
random walk whose mean step over the training part is noise (a gold price, an exchange rate, a
stock index). Since this change the forecast leaves the mean step out of every step after the
first where its t statistic over season-long blocks is below ``DRIFT_T`` (√2, Akaike's rule for a
constant), as an ARIMA model with or without drift is chosen. One step ahead nothing changes.

This script fits the engine's defaults twice per series and seed, with the drift always kept
(``DRIFT_T`` = 0) and with the test (as shipped), and prints multi-step RMSE over the test span ÷
the best of the engine's baselines on the same points (naive, seasonal naive, Holt-Winters), one-step
RMSE ÷ the best baseline's, and the 90% multi-step coverage, with geometric means by group::

    .venv/bin/python -m benchmarks.bench_drift_test                 # every set and data folder
    .venv/bin/python -m benchmarks.bench_drift_test --set holdout   # or suite, fpp, --csv a.csv,b.csv

``changed`` counts the seeds where the forecast over the test span differs.
"""

from __future__ import annotations

import sys

import numpy as np

from benchmarks.ab_runs import ab_parser, asked_groups, finish, fit_default, gmean, medians, score_all


def score(task: tuple) -> dict:
    """Two default runs of one series and seed: the drift always kept, then tested."""
    from lstm_core import prep as prep_module

    name, frame, season, seed = task
    out: dict = {"name": name, "seed": seed, "n": len(frame)}
    paths = {}
    for key, limit in (("kept", 0.0), ("tested", prep_module.DRIFT_T)):
        try:
            run = fit_default(frame, season, seed, prep_module, "DRIFT_T", limit)
        except Exception as exc:  # a series the defaults cannot run: named in the table's last line
            out["error"] = f"{type(exc).__name__}: {exc}"
            return out
        m = run.metrics
        assert m is not None and m.test is not None and m.test_multistep is not None
        out[key] = {
            "ms": m.test_multistep.rmse / min(b.rmse for b in m.baselines_multistep.values() if b is not None),
            "one": m.test.rmse / min(b.rmse for b in m.baselines.values() if b is not None),
            "cov": m.coverage.multistep,
            "cut": sum(1 for mb in run.combination.path_members if mb.prep.drift_cut),
        }
        paths[key] = np.asarray(run.predictions["multistep"].dropna(), dtype=np.float64)
    out["changed"] = not np.allclose(paths["kept"], paths["tested"], rtol=1e-9, atol=0.0)
    return out


def main(argv: list[str] | None = None) -> int:
    args = ab_parser(__doc__).parse_args(argv)
    groups = asked_groups(args)
    seeds = args.seeds.split(",")
    lines = [
        f"## Drift test: seeds {args.seeds} (medians); RMSE ÷ the best engine baseline on the same points",
        "",
        "| group | series | N | members with the drift left out | multi-step, drift kept | tested | "
        "one-step, kept | tested | multi-step 90% coverage, kept | tested | seeds changed |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
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
                f"| {what} | {name} | {rs[0]['n']} | {int(med('tested', 'cut'))} | {med('kept', 'ms'):.3f} | "
                f"{med('tested', 'ms'):.3f} | {med('kept', 'one'):.3f} | {med('tested', 'one'):.3f} | "
                f"{med('kept', 'cov'):.2f} | {med('tested', 'cov'):.2f} | {sum(r['changed'] for r in rs)} |"
            )
        g = {(k, w): gmean([medians(rows, n)[1](k, w) for n in ok]) for k in ("kept", "tested") for w in ("ms", "one")}
        changed = sum(1 for n in ok if any(r["changed"] for r in rows if r["name"] == n))
        summary.append(
            f"| {what} | {len(ok)} | {changed} | {g['kept', 'ms']:.3f} | {g['tested', 'ms']:.3f} | "
            f"{g['tested', 'ms'] / g['kept', 'ms']:.3f} | {g['kept', 'one']:.3f} | {g['tested', 'one']:.3f} |"
        )
    lines += [
        "",
        "Geometric means by group:",
        "",
        "| group | series | changed | multi-step, kept | tested | tested ÷ kept | one-step, kept | tested |",
        "|---|---|---|---|---|---|---|---|",
        *summary,
    ]
    return finish(lines, all_rows, args.md)


if __name__ == "__main__":
    sys.exit(main())
