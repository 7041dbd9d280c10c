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

from benchmarks.ab_runs import fit_default
from benchmarks.bench_origin_profile import ab_main


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
    title = "## The scaler's centre re-estimated at each origin ÷ the training part's"
    return ab_main(__doc__, score, title, "members without a window mean", argv)


if __name__ == "__main__":
    sys.exit(main())
