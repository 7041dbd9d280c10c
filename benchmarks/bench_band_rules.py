"""Other widths for the multi-step 90% band, scored offline on the same fits (session 28).

A run's multi-step band is the forecast ± one conformal quantile per horizon on the model scale,
each the split-conformal quantile of the out-of-sample residuals at that horizon (backtest and
validation part), made non-decreasing, grown like √k past the calibrated horizons
(:func:`lstm_core.forecast.residual_quantiles`, :func:`lstm_core.forecast.widths`). This script
fits the engine's defaults once per series and seed, keeps those residuals, the members' paths and
the band, and scores other width rules on them: coverage of the test span (medians over seeds; a
set's median and lowest series; series under 0.70 and over 0.95) and the interval score (Winkler
score at 90%, width plus 20× each miss, on the model scale; ÷ the shipped rule's, geometric mean)::

    .venv/bin/python -m benchmarks.bench_band_rules                 # every set and data folder
    .venv/bin/python -m benchmarks.bench_band_rules --set holdout   # or suite, fpp, --csv a.csv

Rules: ``shipped``; ``members' union`` (the band widened to take in every member's path);
``≥ c sd of members`` (the width at least c standard deviations of the members' paths at that
step); ``√(q² + (2 sd)²)``; ``√k past n residuals`` (the quantiles up to the last horizon with at
least n residuals, then that width grown like √k); ``fitted growth past 20`` (the same with the
growth exponent fitted to the quantiles before it, 0-1).
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable

import numpy as np

from benchmarks.ab_runs import ab_parser, asked_groups, finish, fit_default, gmean, score_all

ALPHA = 0.1


def _quantile(res: np.ndarray) -> float:
    """The split-conformal quantile of absolute residuals ``res`` (as the engine takes it)."""
    rank = min(len(res), math.ceil((len(res) + 1) * (1 - ALPHA)))
    return float(np.partition(res, rank - 1)[rank - 1])


def _grown(q: np.ndarray, last: int, steps: int, power: float) -> np.ndarray:
    """Widths (steps,): ``q`` up to horizon ``last`` (1-based), then ``q[last-1] (k/last)**power``."""
    k = np.arange(1, steps + 1, dtype=np.float64)
    head = q[: min(last, steps)]
    tail = q[last - 1] * (k[last:] / last) ** power if steps > last else np.zeros(0)
    return np.maximum.accumulate(np.concatenate([head, tail]))


def past_count(n_min: int, fitted: bool = False) -> Callable[[dict], np.ndarray]:
    """The rule that trusts each horizon's quantile only up to the last horizon with ``n_min``
    residuals and grows the width from there like √k (or by the exponent fitted to the quantiles
    before it, clipped to 0-1)."""

    def rule(d: dict) -> np.ndarray:
        counts = np.array([len(g) for g in d["groups"]])
        ok = np.flatnonzero(counts >= n_min)
        steps = len(d["zt"])
        if len(ok) == 0:
            return d["q"]
        last = int(ok.max()) + 1
        q = d["qcal"]
        power = 0.5
        if fitted:
            ks = np.arange(1, last + 1)
            pos = q[:last] > 0
            if pos.sum() >= 3:
                power = float(np.clip(np.polyfit(np.log(ks[pos]), np.log(q[:last][pos]), 1)[0], 0.0, 1.0))
        return _grown(q, last, steps, power)

    return rule


RULES: dict[str, Callable[[dict], np.ndarray] | None] = {
    "shipped": lambda d: d["q"],
    "members' union": None,  # not symmetric: scored apart
    "≥ 1 sd of members": lambda d: np.maximum(d["q"], d["sd"]),
    "≥ 2 sd of members": lambda d: np.maximum(d["q"], 2 * d["sd"]),
    "√(q² + (2 sd)²)": lambda d: np.sqrt(d["q"] ** 2 + (2 * d["sd"]) ** 2),
    "√k past 10 residuals": past_count(10),
    "√k past 20 residuals": past_count(20),
    "√k past 50 residuals": past_count(50),
    "fitted growth past 20": past_count(20, fitted=True),
}


def _winkler(zt: np.ndarray, lo: np.ndarray, up: np.ndarray) -> float:
    """Mean interval score at level 1 - ALPHA of the band [lo, up] for the values ``zt``."""
    return float(np.mean((up - lo) + 2 / ALPHA * (np.maximum(lo - zt, 0) + np.maximum(zt - up, 0))))


def score(task: tuple) -> dict:
    """One default run of one series and seed: each rule's coverage and interval score."""
    from lstm_core import forecast as fc

    name, frame, season, seed = task
    out: dict = {"name": name, "seed": seed}
    seen: list[list[np.ndarray]] = []
    shipped_q = fc.residual_quantiles

    def keep(groups: list[np.ndarray], alpha: float = ALPHA) -> np.ndarray:
        seen.append([np.asarray(g, dtype=np.float64) for g in groups])
        return shipped_q(groups, alpha)

    fc.residual_quantiles = keep  # the pipeline calls it as fc.residual_quantiles
    try:
        run = fit_default(frame, season, seed)
    except Exception as exc:  # a series the defaults cannot run: named in the table's last line
        out["error"] = f"{type(exc).__name__}: {exc}"
        return out
    finally:
        fc.residual_quantiles = shipped_q
    combo = run.combination
    ms = np.asarray(run.predictions["multistep"], dtype=np.float64)
    at = np.flatnonzero(np.isfinite(ms))
    origin, steps = int(at[0]), len(at)
    y = np.asarray(combo.prep.y, dtype=np.float64)
    each = np.array([combo.z_from_y(combo._member_y(mb, np.array([origin]), steps)[0]) for mb in combo.path_members])
    groups = [np.abs(g[np.isfinite(g)]) for g in (max(seen, key=len) if seen else [])]
    d = {
        "zt": combo.z_from_y(y[origin : origin + steps]),
        "zc": combo.z_from_y(ms[at]),
        "q": np.asarray(run.widths(steps), dtype=np.float64),
        "sd": each.std(axis=0),
        "groups": groups,
        "qcal": shipped_q(groups, ALPHA) if groups else np.asarray(run.widths(steps)),
    }
    lo_u = np.minimum(d["zc"] - d["q"], each.min(axis=0))
    up_u = np.maximum(d["zc"] + d["q"], each.max(axis=0))
    out["cov"], out["is"] = {}, {}
    for rule, width in RULES.items():
        if width is None:
            lo, up = lo_u, up_u
        else:
            w = width(d)
            lo, up = d["zc"] - w, d["zc"] + w
        out["cov"][rule] = float(np.mean((d["zt"] >= lo) & (d["zt"] <= up)))
        out["is"][rule] = _winkler(d["zt"], lo, up)
    shipped_cov = float(np.mean(np.abs(d["zt"] - d["zc"]) <= d["q"]))
    out["reproduced"] = abs(shipped_cov - run.metrics.coverage.multistep) < 0.02
    return out


def summary(rows: list[dict]) -> dict[str, tuple[float, float, str, int, int, list[float]]]:
    """Per rule: median coverage, the lowest series' coverage and name, series under 0.70 and over
    0.95 (medians over seeds), and each series' median interval score ÷ the shipped rule's."""
    names = list(dict.fromkeys(r["name"] for r in rows))
    out = {}
    for rule in RULES:
        cov, rel = [], []
        for n in names:
            rs = [r for r in rows if r["name"] == n]
            cov.append(float(np.median([r["cov"][rule] for r in rs])))
            base = float(np.median([r["is"]["shipped"] for r in rs]))
            rel.append(float(np.median([r["is"][rule] for r in rs])) / base if base > 0 else 1.0)
        c = np.array(cov)
        low = int(np.argmin(c))
        out[rule] = (float(np.median(c)), float(c[low]), names[low], int((c < 0.70).sum()), int((c > 0.95).sum()), rel)
    return out


def main(argv: list[str] | None = None) -> int:
    args = ab_parser(__doc__).parse_args(argv)
    groups = asked_groups(args)
    seeds = args.seeds.split(",")
    lines = [
        f"## Multi-step 90% bands under other width rules, same fits: seeds {args.seeds} (medians over seeds)",
        "",
        "| group | rule | series | median coverage | lowest (series) | under 0.70 | over 0.95 | interval score ÷ shipped |",
        "|---|---|---|---|---|---|---|---|",
    ]
    every: list[dict] = []
    all_rows: list[dict] = []
    for what, series in groups:
        rows = score_all(score, series, seeds, args.processes)
        all_rows += rows
        ok = [r for r in rows if "error" not in r]
        every += ok
        for rule, (med, low, low_name, under, over, rel) in summary(ok).items():
            lines.append(
                f"| {what} | {rule} | {len(rel)} | {med:.2f} | {low:.2f} ({low_name}) | {under} | {over} | {gmean(rel):.3f} |"
            )
        lines.append(
            f"| {what} | (shipped rule reproduces the runs' coverage: {'yes' if all(r['reproduced'] for r in ok) else 'no'}) | | | | | | |"
        )
        print("\n".join(lines[-len(RULES) - 1 :]), flush=True)
    for rule, (med, low, low_name, under, over, rel) in summary(every).items():
        lines.append(
            f"| every series | {rule} | {len(rel)} | {med:.2f} | {low:.2f} ({low_name}) | {under} | {over} | {gmean(rel):.3f} |"
        )
    return finish(lines, all_rows, args.md)


if __name__ == "__main__":
    sys.exit(main())
