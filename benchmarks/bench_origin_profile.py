"""Seasonal profiles re-estimated at each forecast origin, measured on the same fits.

A member whose representation removes a seasonal profile (``Transform.deseason``) estimates it on
the training part (classical decomposition, :func:`lstm_core.prep.seasonal_profile`). Until
session 24 it kept that profile over the validation and test parts and past the data
(``profiles="fixed"``). A forecaster in service re-estimates it from everything it has seen before
each origin (ES-RNN updates its seasonal factors with every value): new runs do
(``profiles="origin"``, :data:`lstm_core.combine.PROFILES`): one step ahead from the values before
each point, the multi-step forecast from those before its start, the intervals' calibration
forecasts from those before each of their origins. Scalers stay the training part's.

This script fits the engine's defaults on every series of the three benchmark sets and the data
folders (``benchmarks/data``), seeds 0-2, and evaluates each run as it is and with
``profiles="fixed"``, on the same networks: one-step and multi-step RMSE, origin ÷ fixed
(geometric means by group; series without a deseasonalised member score 1), and the 90%
intervals' coverage both ways (medians)::

    .venv/bin/python -m benchmarks.bench_origin_profile
    .venv/bin/python -m benchmarks.bench_origin_profile --set fpp --seeds 0
"""

from __future__ import annotations

import sys
from dataclasses import replace

import numpy as np

from benchmarks.ab_runs import ab_parser, asked_groups, finish, fit_default, gmean, score_all


def score(task: tuple) -> dict:
    """One default run, evaluated as it is (profiles re-estimated at each origin) and with the
    training part's profile throughout (``profiles="fixed"``), on the same networks."""
    from lstm_core import pipeline
    from lstm_core.config import ConfigError

    name, frame, season, seed = task
    try:
        run = fit_default(frame, season, seed)
    except ConfigError as exc:
        return {"name": name, "seed": seed, "error": str(exc)}
    assert run.profiles == "origin", "new runs re-estimate their profiles at each origin"
    fixed = replace(run, profiles="fixed")
    fixed.attach(pipeline.evaluate(fixed))
    out = {"name": name, "seed": seed, "deseason": sum(bool(m.prep.transform.deseason) for m in run.members)}
    for label, r in (("origin", run), ("fixed", fixed)):
        m = r.metrics
        out[f"one_{label}"], out[f"ms_{label}"] = m.test.rmse, m.test_multistep.rmse
        out[f"cov1_{label}"], out[f"covm_{label}"] = m.coverage.one_step, m.coverage.multistep
    return out


def ab_lines(kept: list, rows: list[dict], title: str, members: str) -> list[str]:
    """The tables of an origin ÷ fixed comparison (rows of :func:`score`'s shape: ``one_``, ``ms_``,
    ``cov1_`` and ``covm_`` figures for ``origin`` and ``fixed``, and ``deseason``, the count of
    members it touches): by group, then by series; ``title`` heads them, ``members`` names the count."""
    keys = [f"{k}_{m}" for k in ("one", "ms", "cov1", "covm") for m in ("fixed", "origin")]
    sums, per = [], []
    for what, series in kept:
        r1, rm, r1d, rmd, cov = [], [], [], [], {k: [] for k in keys if k.startswith("cov")}
        for name, _, _ in series:
            rs = [r for r in rows if r["name"] == name and "error" not in r]
            if not rs:
                continue
            med = {k: float(np.median([r[k] for r in rs])) for k in keys}
            a, b = med["one_origin"] / med["one_fixed"], med["ms_origin"] / med["ms_fixed"]
            r1.append(a)
            rm.append(b)
            for k in cov:
                cov[k].append(med[k])
            if rs[0]["deseason"]:
                r1d.append(a)
                rmd.append(b)
            per.append(
                f"| {what} | {name} | {rs[0]['deseason']} | {med['one_fixed']:.4g} | {a:.3f} | {med['ms_fixed']:.4g} | "
                f"{b:.3f} | {med['cov1_fixed']:.2f} / {med['cov1_origin']:.2f} | "
                f"{med['covm_fixed']:.2f} / {med['covm_origin']:.2f} |"
            )
        c = {k: float(np.median(v)) for k, v in cov.items()}
        sums.append(
            f"| {what} | {len(r1)} | {gmean(r1):.3f} | {gmean(rm):.3f} | {len(r1d)} | {gmean(r1d):.3f} | "
            f"{gmean(rmd):.3f} | {c['cov1_fixed']:.2f} / {c['cov1_origin']:.2f} | "
            f"{c['covm_fixed']:.2f} / {c['covm_origin']:.2f} |"
        )
    return [
        f"{title} (medians over seeds, geometric means over series; coverage: fixed / origin, medians)",
        "",
        "| group | series | one-step | multi-step | with such members | one-step | multi-step | cov 1-step | cov multi |",
        "|---|---|---|---|---|---|---|---|---|",
        *sums,
        "",
        f"| group | series | {members} | one-step RMSE (fixed) | ÷ | multi-step RMSE (fixed) | ÷ | cov 1-step | cov multi |",
        "|---|---|---|---|---|---|---|---|---|",
        *per,
    ]


def main(argv: list[str] | None = None) -> int:
    args = ab_parser(__doc__).parse_args(argv)
    kept = asked_groups(args)
    rows = score_all(score, [s for _, ss in kept for s in ss], args.seeds.split(","), args.processes)
    title = f"## Seasonal profiles re-estimated at each origin ÷ the training part's: seeds {args.seeds}"
    return finish(ab_lines(kept, rows, title, "deseasonalised members"), rows, args.md)


if __name__ == "__main__":
    sys.exit(main())
