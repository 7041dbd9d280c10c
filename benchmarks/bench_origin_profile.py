"""Seasonal profiles re-estimated at each forecast origin, measured on the same fits.

A member whose representation removes a seasonal profile (``Transform.deseason``) has its profile
estimated on the training part only (classical decomposition, :func:`lstm_core.prep.seasonal_profile`),
and keeps it over the validation and test parts and past the data. A forecaster in service
re-estimates it from everything it has seen before each origin (as ES-RNN updates its seasonal
factors). This script fits the engine's defaults on every series of the three benchmark sets and
the data folders (``benchmarks/data``), seeds 0-2, and scores the same networks with:

* ``fixed``: the shipped profile (the training part's);
* ``origin``: the profile re-estimated on the data before each origin: the multi-step forecast's
  (the start of the test part), and every validation and test point's one step ahead.

Scalers stay the training part's. Figures: RMSE ÷ the fixed profile's, one step and multi-step,
geometric means by group (series without a deseasonalised member score 1)::

    .venv/bin/python -m benchmarks.bench_origin_profile
    .venv/bin/python -m benchmarks.bench_origin_profile --set fpp --seeds 0
"""

from __future__ import annotations

import sys
from dataclasses import replace

import numpy as np

from benchmarks.ab_runs import ab_parser, asked_groups, finish, fit_default, gmean, score_all


def at_origin(prep, end: int):
    """``prep`` with its seasonal profile re-estimated on the model-scale values before ``end``
    (unchanged without a profile, or where too few values)."""
    from lstm_core.prep import seasonal_profile, with_history

    m = prep.transform.deseason
    if not m or prep.profile is None:
        return prep
    prof = seasonal_profile(prep.z[:end], m)
    if prof is None:
        return prep
    return with_history(replace(prep, profile=prof), prep.y_from_z(prep.z))


def online_one_step(model, prep, t: np.ndarray) -> np.ndarray:
    """One-step predictions (n,) in original units at target indices ``t`` (n,), each from the
    profile re-estimated on the values before it."""
    from lstm_core import forecast as fc
    from lstm_core.prep import window_x

    lag = prep.transform.lag
    xs, base = [], np.zeros(len(t))
    for i, ti in enumerate(t):
        p = at_origin(prep, int(ti))
        xs.append(window_x(p, np.array([ti]))[0])
        base[i] = (p.u[ti - lag] if lag else 0.0) + p.seasonal(np.array([ti]))[0]
    d = prep.d_from_scaled(fc.predict_windows(model, prep, np.stack(xs))[:, 0])
    return prep.y_from_z(base + d)


def score(task: tuple) -> dict:
    from lstm_core import forecast as fc
    from lstm_core.combine import Combination
    from lstm_core.config import ConfigError

    name, frame, season, seed = task
    try:
        run = fit_default(frame, season, seed)
    except ConfigError as exc:
        return {"name": name, "seed": seed, "error": str(exc)}
    combo, prep = run.combination, run.prep
    y, ts = prep.y, prep.test_start
    steps = len(y) - ts
    nonneg = fc.never_negative(y)
    out = {"name": name, "seed": seed, "deseason": sum(bool(m.prep.transform.deseason) for m in combo.members)}

    def rmse(a: np.ndarray, b: np.ndarray) -> float:
        if nonneg:
            a = np.maximum(a, 0.0)
        return float(np.sqrt(np.mean((a - b) ** 2)))

    t, one = combo.one_step("test")
    multi = combo.forecast_y(np.array([ts]), steps)[0]
    out["one_fixed"], out["ms_fixed"] = rmse(one, y[t]), rmse(multi, y[ts:])
    assert np.isclose(out["one_fixed"], run.metrics.test.rmse), (out["one_fixed"], run.metrics.test.rmse)
    assert np.isclose(out["ms_fixed"], run.metrics.test_multistep.rmse)
    if not out["deseason"]:
        out["one_origin"], out["ms_origin"] = out["one_fixed"], out["ms_fixed"]
        return out
    shifted = Combination(
        [replace(m, prep=at_origin(m.prep, ts)) for m in combo.members], combo.paths, combo.one_step_mode
    )
    out["ms_origin"] = rmse(shifted.forecast_y(np.array([ts]), steps)[0], y[ts:])
    online = Combination(combo.members, combo.paths, combo.one_step_mode)
    shipped_each = online._one_step_each

    def each(part: str):
        tt, ys = shipped_each(part)
        if part in ("val", "test") and len(tt):
            ys = ys.copy()
            for i, m in enumerate(online.members):
                if m.prep.transform.deseason and m.prep.profile is not None:
                    ys[i] = online_one_step(m.model, m.prep, tt)
        return tt, ys

    online._one_step_each = each
    t2, one2 = online.one_step("test")
    assert np.array_equal(t, t2)
    out["one_origin"] = rmse(one2, y[t])
    return out


def main(argv: list[str] | None = None) -> int:
    args = ab_parser(__doc__).parse_args(argv)
    kept = asked_groups(args)
    rows = score_all(score, [s for _, ss in kept for s in ss], args.seeds.split(","), args.processes)
    sums, per = [], []
    for what, series in kept:
        r1, rm, r1d, rmd = [], [], [], []
        for name, _, _ in series:
            rs = [r for r in rows if r["name"] == name and "error" not in r]
            if not rs:
                continue
            med = {
                k: float(np.median([r[k] for r in rs])) for k in ("one_fixed", "one_origin", "ms_fixed", "ms_origin")
            }
            a, b = med["one_origin"] / med["one_fixed"], med["ms_origin"] / med["ms_fixed"]
            r1.append(a)
            rm.append(b)
            if rs[0]["deseason"]:
                r1d.append(a)
                rmd.append(b)
            per.append(
                f"| {what} | {name} | {rs[0]['deseason']} | {med['one_fixed']:.4g} | {a:.3f} | {med['ms_fixed']:.4g} | {b:.3f} |"
            )
        sums.append(
            f"| {what} | {len(r1)} | {gmean(r1):.3f} | {gmean(rm):.3f} | {len(r1d)} | {gmean(r1d):.3f} | {gmean(rmd):.3f} |"
        )
    lines = [
        f"## Seasonal profile re-estimated at each origin ÷ the training part's: seeds {args.seeds} "
        "(medians over seeds, geometric means over series)",
        "",
        "| group | series | one-step | multi-step | with a profile | one-step | multi-step |",
        "|---|---|---|---|---|---|---|",
        *sums,
        "",
        "| group | series | deseasonalised members | one-step RMSE (fixed) | ÷ | multi-step RMSE (fixed) | ÷ |",
        "|---|---|---|---|---|---|---|",
        *per,
    ]
    return finish(lines, rows, args.md)


if __name__ == "__main__":
    sys.exit(main())
