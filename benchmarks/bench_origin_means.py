"""The scaler's centre re-estimated at each forecast origin, measured on the same fits.

A member's network sees its target (``d``: the values, or their differences, less a removed
seasonal profile) scaled with the training part's mean and standard deviation. New runs take the
seasonal profile at each origin from the values before it (``bench_origin_profile``); with
:data:`lstm_core.combine.ORIGIN_MEANS` they re-estimate the scaler's centre there too (the mean of
``d`` over every row before the origin, :func:`lstm_core.prep.means_before`): the network reads its
window, and its outputs are put back, around that centre. A forecaster in service re-centres its
inputs on what it has seen (as RevIN and NLinear re-centre each window; here the centre is the
expanding mean). This script fits the engine's defaults on every series of the three benchmark sets
and the data folders (``benchmarks/data``), seeds 0-2, and evaluates each run as it is and with
the training part's centre (the profiles still at each origin), on the same networks: one-step
and multi-step RMSE ÷ the training centre's, geometric means by group, and coverage both ways::

    .venv/bin/python -m benchmarks.bench_origin_means
    .venv/bin/python -m benchmarks.bench_origin_means --set fpp --seeds 0
"""

from __future__ import annotations

import sys
from dataclasses import replace

import numpy as np

from benchmarks.ab_runs import ab_parser, asked_groups, finish, fit_default, gmean, score_all


def score(task: tuple) -> dict:
    """One default run, evaluated as it is (centres at each origin) and with the training part's
    centre (``combine.ORIGIN_MEANS`` off), on the same networks."""
    from lstm_core import combine, pipeline
    from lstm_core.config import ConfigError

    name, frame, season, seed = task
    try:
        run = fit_default(frame, season, seed)
    except ConfigError as exc:
        return {"name": name, "seed": seed, "error": str(exc)}
    assert run.profiles == "origin"
    evaluated = {}
    shipped = combine.ORIGIN_MEANS
    try:
        for label, on in (("origin", True), ("fixed", False)):
            combine.ORIGIN_MEANS = on
            evaluated[label] = replace(run).attach(pipeline.evaluate(replace(run)))
    finally:
        combine.ORIGIN_MEANS = shipped
    run, fixed = evaluated["origin"], evaluated["fixed"]
    out = {"name": name, "seed": seed, "deseason": sum(m.prep.transform.window_norm is False for m in run.members)}
    for label, r in (("origin", run), ("fixed", fixed)):
        m = r.metrics
        out[f"one_{label}"], out[f"ms_{label}"] = m.test.rmse, m.test_multistep.rmse
        out[f"cov1_{label}"], out[f"covm_{label}"] = m.coverage.one_step, m.coverage.multistep
    return out


def main(argv: list[str] | None = None) -> int:
    args = ab_parser(__doc__).parse_args(argv)
    kept = asked_groups(args)
    rows = score_all(score, [s for _, ss in kept for s in ss], args.seeds.split(","), args.processes)
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
    lines = [
        f"## The scaler's centre re-estimated at each origin ÷ the training part's: seeds {args.seeds} "
        "(medians over seeds, geometric means over series; coverage: fixed / origin, medians)",
        "",
        "| group | series | one-step | multi-step | with a profile | one-step | multi-step | cov 1-step | cov multi |",
        "|---|---|---|---|---|---|---|---|---|",
        *sums,
        "",
        "| group | series | members without a window mean | one-step RMSE (fixed) | ÷ | multi-step RMSE (fixed) | ÷ | "
        "cov 1-step | cov multi |",
        "|---|---|---|---|---|---|---|---|---|",
        *per,
    ]
    return finish(lines, rows, args.md)


if __name__ == "__main__":
    sys.exit(main())
