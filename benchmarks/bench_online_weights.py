"""One-step member weights over the test part: fixed from the validation part, or updated online.

Until session 22 the one-step prediction was the members' predictions weighted by the inverse of
their one-step mean squared error on the validation part, fixed over the test part. A forecaster in
service sees each value after predicting it, and moves the weights to the members that have done
best so far (sequential forecast combination): new runs do (``one_step="online"``,
:meth:`lstm_core.combine.Combination.online_weights`). This script fits the
engine's defaults on every series of the three benchmark sets and of the data folders
(``benchmarks/data``), seeds 0-2, and scores the same members' one-step predictions with fixed
and with online weights (the validation errors and the test errors before each point, older ones
discounted by a factor per point, their mean squared errors to a power inverted: the shipped
:data:`lstm_core.combine.ONLINE_DECAY` and :data:`~lstm_core.combine.ONLINE_POWER`, and other
choices; and, measured and not adopted, the shipped weights with an online bias correction,
:data:`BIAS`, alone or weighed online against the prediction without it, :data:`GATED`): one-step
RMSE ÷ the fixed weights', geometric means by group::

    .venv/bin/python -m benchmarks.bench_online_weights
    .venv/bin/python -m benchmarks.bench_online_weights --set fpp --seeds 0
"""

from __future__ import annotations

import sys

import numpy as np

from benchmarks.ab_runs import ab_parser, asked_groups, finish, fit_default, gmean, score_all

#: (label, :data:`lstm_core.combine.ONLINE_DECAY`, :data:`lstm_core.combine.ONLINE_POWER`); the first
#: is the shipped setting
VARIANTS = (
    ("shipped: decay 0.97, 1/MSE²", 0.97, 2.0),
    ("cumulative, 1/MSE", 1.0, 1.0),
    ("decay 0.97, 1/MSE", 0.97, 1.0),
    ("decay 0.9, 1/MSE", 0.9, 1.0),
    ("cumulative, 1/MSE²", 1.0, 2.0),
    ("decay 0.9, 1/MSE²", 0.9, 2.0),
    ("decay 0.97, 1/MSE³", 0.97, 3.0),
)

#: Measured and not adopted: the shipped online weights, plus an online bias correction of the
#: combined prediction: ``gain`` × the mean of its past one-step errors (on the interval scale: logs
#: for a positive series), over the validation part and the test points before, each older one
#: discounted by ``decay`` per point. (label, decay, gain)
BIAS = (
    ("+ bias, decay 0.97", 0.97, 1.0),
    ("+ bias ½, decay 0.97", 0.97, 0.5),
    ("+ bias ½, decay 0.8", 0.8, 0.5),
)
#: Also measured and not adopted: the last of :data:`BIAS` weighed against the prediction without it
#: at each point, as the members are (inverse MSE², decay 0.97, from the errors before it)
GATED = "either, weighed online"


def bias_corrected(combo, t: np.ndarray, yhat: np.ndarray, decay: float, gain: float, start: bool = True) -> np.ndarray:
    """The one-step predictions ``yhat`` (n,) at ``t`` (n,), each moved by ``gain`` × the discounted
    mean of the combination's one-step errors before it (with ``start``, the validation part's
    first: for the test part), on the interval scale."""
    y = combo.prep.y
    s, c = 0.0, 0.0
    if start:
        tv, yv = combo.one_step("val")
        for e in combo.z_from_y(y[tv]) - combo.z_from_y(yv):
            s, c = decay * s + e, decay * c + 1.0
    errors = combo.z_from_y(y[t]) - combo.z_from_y(yhat)
    shift = np.empty(len(t))
    for i, e in enumerate(errors):
        shift[i] = gain * s / c if c > 0 else 0.0
        s, c = decay * s + e, decay * c + 1.0
    return combo.y_from_z(combo.z_from_y(yhat) + shift)


def gated(combo, t: np.ndarray, yhat: np.ndarray, decay: float = 0.97, power: float = 2.0) -> np.ndarray:
    """``yhat`` (n,) and its bias-corrected version (the last of :data:`BIAS`) weighed at each point by
    the inverse of their past squared errors (on the interval scale) to ``power``, the validation
    part's first, each older one discounted by ``decay`` per point."""
    y, z = combo.prep.y, combo.z_from_y
    tv, yv = combo.one_step("val")
    _, bias_decay, gain = BIAS[-1]
    both_val = np.array([yv, bias_corrected(combo, tv, yv, bias_decay, gain, start=False)])  # (2, n_val)
    both = np.array([yhat, bias_corrected(combo, t, yhat, bias_decay, gain)])  # (2, n)
    pre = ((z(both_val) - z(y[tv])[None, :]) ** 2).sum(axis=1)
    sq = (z(both) - z(y[t])[None, :]) ** 2
    s, c = pre, float(len(tv))
    out = np.empty(len(t))
    for i in range(len(t)):
        inv = (s / c) ** -power if c > 0 and np.all(s > 0) else np.ones(2)
        w = inv / inv.sum()
        out[i] = combo.y_from_z(w @ z(both[:, i]))
        s, c = decay * s + sq[:, i], decay * c + 1.0
    return out


def score(task: tuple) -> dict:
    """One default run: the test part's one-step RMSE with the weights fixed from the validation
    part (``one_step="stand-in"``, sessions 18-22) and with each online variant, on the same members."""
    from lstm_core import combine
    from lstm_core.combine import Combination
    from lstm_core.config import ConfigError

    name, frame, season, seed = task
    try:
        run = fit_default(frame, season, seed)
    except ConfigError as exc:
        return {"name": name, "seed": seed, "error": str(exc)}
    combo, y = run.combination, run.prep.y
    assert combo.one_step_mode == "online", "new runs weigh their members online"
    t, shipped = combo.one_step("test")
    out = {"name": name, "seed": seed, "n": len(frame), "members": len(combo.members)}

    def rmse(yhat: np.ndarray) -> float:
        return float(np.sqrt(np.mean((yhat - y[t]) ** 2)))

    out["fixed"] = rmse(Combination(combo.members, combo.paths, "stand-in").one_step("test")[1])
    kept = combine.ONLINE_DECAY, combine.ONLINE_POWER
    try:
        for label, decay, power in VARIANTS:
            combine.ONLINE_DECAY, combine.ONLINE_POWER = decay, power
            out[label] = rmse(Combination(combo.members, combo.paths, "online").one_step("test")[1])
    finally:
        combine.ONLINE_DECAY, combine.ONLINE_POWER = kept
    assert out[VARIANTS[0][0]] == rmse(shipped), "the first variant is the run's own"
    for label, decay, gain in BIAS:
        out[label] = rmse(bias_corrected(combo, t, shipped, decay, gain))
    out[GATED] = rmse(gated(combo, t, shipped))
    return out


def main(argv: list[str] | None = None) -> int:
    args = ab_parser(__doc__).parse_args(argv)
    kept = asked_groups(args)
    rows = score_all(score, [s for _, ss in kept for s in ss], args.seeds.split(","), args.processes)
    labels = [v[0] for v in VARIANTS] + [b[0] for b in BIAS] + [GATED]
    sums, per = [], []
    for what, series in kept:
        ratios: dict[str, list[float]] = {k: [] for k in labels}
        for name, _, _ in series:
            rs = [r for r in rows if r["name"] == name and "error" not in r]
            if not rs:
                continue
            base = float(np.median([r["fixed"] for r in rs]))
            cells = []
            for k in labels:
                v = float(np.median([r[k] for r in rs])) / max(base, 1e-300)
                ratios[k].append(v)
                cells.append(f"{v:.3f}")
            per.append(f"| {what} | {name} | {rs[0]['members']} | {base:.4g} | " + " | ".join(cells) + " |")
        sums.append(
            f"| {what} | {len(ratios[labels[0]])} | " + " | ".join(f"{gmean(ratios[k]):.3f}" for k in labels) + " |"
        )
    head = " | ".join(labels)
    lines = [
        f"## One-step RMSE with online member weights ÷ fixed validation weights (sessions 18-22): seeds {args.seeds} "
        "(medians over seeds, geometric means over series)",
        "",
        f"| group | series | {head} |",
        "|---|---|" + "---|" * len(labels),
        *sums,
        "",
        f"| group | series | members | fixed RMSE | {head} |",
        "|---|---|---|---|" + "---|" * len(labels),
        *per,
    ]
    return finish(lines, rows, args.md)


if __name__ == "__main__":
    sys.exit(main())
