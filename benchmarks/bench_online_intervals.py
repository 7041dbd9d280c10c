"""One-step 90% intervals over the test part: one width throughout, or adapted online.

Since session 22 the one-step band at each test point is the conformal quantile of the
calibration residuals (validation part and backtest) and the errors of the test points before
it, at a level that moves after each point (adaptive conformal inference, Gibbs & Candès 2021:
:func:`lstm_core.forecast.online_widths`), as a forecaster in service, which sees each value
after predicting it, would recalibrate. Before, one width (the quantile of the calibration
residuals) held for the whole test part, and where the errors grew after the validation part the
band missed most points. This script fits the engine's defaults on every series of the three
benchmark sets and of the data folders (``benchmarks/data``), seeds 0-2, and scores both bands on
the same one-step predictions: coverage (median, lowest, series under 0.70 and over 0.95, by
group) and the online band's mean width ÷ the fixed one's::

    .venv/bin/python -m benchmarks.bench_online_intervals
    .venv/bin/python -m benchmarks.bench_online_intervals --set fpp --seeds 0
"""

from __future__ import annotations

import sys

import numpy as np

from benchmarks.ab_runs import ab_parser, asked_groups, finish, fit_default, score_all


def score(task: tuple) -> dict:
    """One default run: the one-step coverage of the fixed and the online band, and their widths."""
    from lstm_core import forecast as fc
    from lstm_core.config import ConfigError

    name, frame, season, seed = task
    try:
        run = fit_default(frame, season, seed)
    except ConfigError as exc:  # a series too short for the defaults: named under the table
        return {"name": name, "seed": seed, "error": str(exc)}
    combo, y = run.combination, run.prep.y
    t, yhat = combo.one_step("test")
    z1 = combo.z_from_y(yhat)  # (n,) the band's centre on the interval scale
    assert run.conformal_r1 is not None and run.conformal_q1 is not None and run.metrics is not None
    w = fc.online_widths(run.conformal_r1, combo.z_from_y(y[t]) - z1)
    fixed = fc.coverage(y[t], *combo.interval(z1, np.full(len(t), run.conformal_q1)))
    online = fc.coverage(y[t], *combo.interval(z1, w))
    assert abs(online - run.metrics.coverage.one_step) < 1e-12, "the run's own coverage is the online band's"
    return {
        "name": name,
        "seed": seed,
        "n": len(frame),
        "fixed": fixed,
        "online": online,
        "width": float(np.mean(w)) / max(run.conformal_q1, 1e-300),
        "calibration": len(run.conformal_r1),
        "test": len(t),
    }


def _line(what: str, rows: list[dict], names: list[str]) -> tuple[list[str], str]:
    """Per-series lines (medians over seeds) and the group's summary line."""
    lines, fixed, online, width = [], [], [], []
    for name in names:
        rs = [r for r in rows if r["name"] == name and "error" not in r]
        if not rs:
            continue
        f, o, w = (float(np.median([r[k] for r in rs])) for k in ("fixed", "online", "width"))
        fixed.append(f)
        online.append(o)
        width.append(w)
        lines.append(
            f"| {what} | {name} | {rs[0]['n']} | {rs[0]['calibration']} / {rs[0]['test']} | {f:.2f} | {o:.2f} | {w:.2f} |"
        )

    def summary(v: list[float]) -> str:
        a = np.asarray(v)
        return f"{np.median(a):.2f} / {a.min():.2f} / {int((a < 0.7).sum())} / {int((a > 0.95).sum())}"

    return lines, f"| {what} | {len(fixed)} | {summary(fixed)} | {summary(online)} | {np.median(width):.2f} |"


def main(argv: list[str] | None = None) -> int:
    args = ab_parser(__doc__).parse_args(argv)
    kept = asked_groups(args)
    rows = score_all(score, [s for _, ss in kept for s in ss], args.seeds.split(","), args.processes)
    per, sums = [], []
    for what, series in kept:
        lines, summary = _line(what, rows, [s[0] for s in series])
        per += lines
        sums.append(summary)
    lines = [
        f"## One-step 90% intervals on the test part, one width throughout (fixed) or adapted online: seeds "
        f"{args.seeds} (medians over seeds)",
        "",
        "| group | series | coverage fixed: median / lowest / under 0.70 / over 0.95 | online | online ÷ fixed mean width (median) |",
        "|---|---|---|---|---|",
        *sums,
        "",
        "| group | series | N | calibration residuals / test points | coverage fixed | online | online ÷ fixed mean width |",
        "|---|---|---|---|---|---|---|",
        *per,
    ]
    return finish(lines, rows, args.md)


if __name__ == "__main__":
    sys.exit(main())
