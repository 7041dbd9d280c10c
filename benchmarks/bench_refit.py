"""Networks retrained on the training and validation windows (``lstm_core.pipeline.REFIT``), A/B:
default runs whose networks train on the training windows only (early stopping on the validation
windows keeps the best epoch), and runs where each network is then trained again from its seed on
the training and validation windows together for that many epochs, so that it has seen the most
recent values before the test part (the validation part is the last tenth before it).

This script fits the engine's defaults twice per series and seed, without and with it, and prints
multi-step RMSE over the test span ÷ the best of the engine's baselines on the same points,
one-step RMSE ÷ the best baseline's, the 90% coverage and the seed spread, with geometric means
by group::

    .venv/bin/python -m benchmarks.bench_refit                 # every set and data folder
    .venv/bin/python -m benchmarks.bench_refit --set holdout   # or suite, fpp, --csv a.csv

``changed`` counts the seeds where the forecast over the test span differs.
"""

from __future__ import annotations

import sys

import numpy as np

from benchmarks.ab_runs import ab_parser, asked_groups, finish, fit_default, gmean, medians, score_all


def score(task: tuple) -> dict:
    """Two default runs of one series and seed: without the refit, then with it."""
    import time

    from lstm_core import pipeline

    name, frame, season, seed = task
    out: dict = {"name": name, "seed": seed, "n": len(frame)}
    paths = {}
    for key, on in (("before", False), ("refit", ARM)):
        try:
            t0 = time.perf_counter()
            run = fit_default(frame, season, seed, pipeline, "REFIT", on)
            wall = time.perf_counter() - t0
        except Exception as exc:  # a series the defaults cannot run: named in the table's last line
            out["error"] = f"{type(exc).__name__}: {exc}"
            return out
        m = run.metrics
        assert m is not None and m.test is not None and m.test_multistep is not None
        out[key] = {
            "ms": m.test_multistep.rmse / min(b.rmse for b in m.baselines_multistep.values() if b is not None),
            "one": m.test.rmse / min(b.rmse for b in m.baselines.values() if b is not None),
            "cov": m.coverage.multistep,
            "cov1": m.coverage.one_step,
            "wall": wall,
            "ms_rmse": m.test_multistep.rmse,
        }
        paths[key] = np.asarray(run.predictions["multistep"].dropna(), dtype=np.float64)
    out["changed"] = not np.allclose(paths["before"], paths["refit"], rtol=1e-9, atol=0.0)
    return out


def spread(rows: list[dict], key: str) -> float:
    """Max ÷ min multi-step RMSE over the seeds of one series, in arm ``key``."""
    v = [r[key]["ms_rmse"] for r in rows]
    return max(v) / min(v)


def main(argv: list[str] | None = None) -> int:
    global ARM
    ap = ab_parser(__doc__)
    ap.add_argument(
        "--arm",
        default="true",
        choices=("true", "val"),
        help="val: the refit's average judged on the validation windows",
    )
    args = ap.parse_args(argv)
    ARM = True if args.arm == "true" else "val"
    groups = asked_groups(args)
    seeds = args.seeds.split(",")
    lines = [
        f"## Networks retrained on training + validation windows: seeds {args.seeds} (medians); RMSE ÷ the best engine baseline on the same points",
        "",
        "| group | series | N | multi-step, before | refit | one-step, before | refit | "
        "90% coverage multi-step, before | refit | one-step, before | refit | seeds changed | "
        "seed spread, before | refit | wall s, before | refit |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
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
                f"| {what} | {name} | {rs[0]['n']} | {med('before', 'ms'):.3f} | {med('refit', 'ms'):.3f} | "
                f"{med('before', 'one'):.3f} | {med('refit', 'one'):.3f} | "
                f"{med('before', 'cov'):.2f} | {med('refit', 'cov'):.2f} | {med('before', 'cov1'):.2f} | {med('refit', 'cov1'):.2f} | "
                f"{sum(r['changed'] for r in rs)} | {spread(rs, 'before'):.3f} | {spread(rs, 'refit'):.3f} | "
                f"{med('before', 'wall'):.1f} | {med('refit', 'wall'):.1f} |"
            )
        g = {
            (k, w): gmean([medians(rows, n)[1](k, w) for n in ok])
            for k in ("before", "refit")
            for w in ("ms", "one", "wall")
        }
        changed = sum(1 for n in ok if any(r["changed"] for r in rows if r["name"] == n))
        summary.append(
            f"| {what} | {len(ok)} | {changed} | {g['before', 'ms']:.3f} | {g['refit', 'ms']:.3f} | "
            f"{g['refit', 'ms'] / g['before', 'ms']:.3f} | {g['before', 'one']:.3f} | {g['refit', 'one']:.3f} | "
            f"{g['refit', 'one'] / g['before', 'one']:.3f} | {g['refit', 'wall'] / g['before', 'wall']:.2f} |"
        )
        print(summary[-1], flush=True)
    lines += [
        "",
        "Geometric means by group:",
        "",
        "| group | series | changed | multi-step, before | refit | refit ÷ before | one-step, before | refit | refit ÷ before | wall time refit ÷ before |",
        "|---|---|---|---|---|---|---|---|---|---|",
        *summary,
    ]
    return finish(lines, all_rows, args.md)


ARM: bool | str = True

if __name__ == "__main__":
    sys.exit(main())
