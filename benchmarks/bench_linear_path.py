"""The linear path to the one-step output (``ModelConfig.linear_path``), A/B, outside the sets.

Since session 21 a network with several outputs, or one made for the one-step predictions only,
has a linear map of its window's last values added to its first output (LSTNet's autoregressive
part; :func:`lstm_core.pipeline.linear_inputs`). ``bench_forecast`` measures it on the three
benchmark sets; this script fits the engine's defaults on the series of the data folders below
(none of them in a set) with the path and without it (``linear_path=False``), seeds 0-2, in one
process, and prints the one-step and multi-step RMSE ÷ the best of the engine's baselines on the
same points (naive, seasonal naive, Holt-Winters), the 90% coverage and the wall time::

    .venv/bin/python -m benchmarks.bench_linear_path                  # the data folders
    .venv/bin/python -m benchmarks.bench_linear_path --set holdout    # or suite, fpp, or --csv a.csv,b.csv
"""

from __future__ import annotations

import sys
import time

from benchmarks.ab_runs import DATA, FOLDERS, ab_parser, finish, fit_default, gmean, medians, named_series, score_all


def _summary(run, seconds: float) -> dict:
    m = run.metrics
    assert m is not None and m.test is not None and m.test_multistep is not None
    best1 = min(b.rmse for b in m.baselines.values() if b is not None)
    bestm = min(b.rmse for b in m.baselines_multistep.values() if b is not None)
    return {
        "one": m.test.rmse / best1,
        "ms": m.test_multistep.rmse / bestm,
        "cov1": m.coverage.one_step,
        "covm": m.coverage.multistep,
        "s": seconds,
    }


def score(task: tuple) -> dict:
    """A default run of one series and seed without the linear path and with it (as shipped)."""
    from lstm_core.config import ConfigError

    name, frame, season, seed = task
    out: dict = {"name": name, "seed": seed, "n": len(frame)}
    try:
        for key, settings in (("before", {"linear_path": False}), ("with", {})):
            t = time.perf_counter()
            run = fit_default(frame, season, seed, settings=settings)
            out[key] = _summary(run, time.perf_counter() - t)
    except ConfigError as exc:  # a series too short for the defaults: named under the table
        return {"name": name, "seed": seed, "error": str(exc)}
    return out


def main(argv: list[str] | None = None) -> int:
    args = ab_parser(__doc__).parse_args(argv)
    if args.set or args.csv:
        groups = [named_series(args.set, args.csv)[::-1]]
    else:
        groups = [(f"data/{f}/", named_series(default_dir=DATA / f)[0]) for f in FOLDERS]
    every = [s for _, ss in groups for s in ss]
    rows = score_all(score, every, args.seeds.split(","), args.processes)
    lines = [
        f"## The linear path to the one-step output, without it and with it: seeds {args.seeds} (medians); "
        "RMSE ÷ the best engine baseline on the same points",
        "",
        "| group | series | N | one-step without | with | multi-step without | with | 90% coverage one-step "
        "without / with | multi-step without / with | wall s without / with |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    ratios: dict[str, dict[str, list[float]]] = {}
    for what, series in groups:
        for name, _, _ in series:
            rs, med = medians([r for r in rows if "error" not in r], name)
            if not rs:
                continue
            if not name.startswith("synthetic"):
                g = ratios.setdefault(what, {"one": [], "ms": []})
                g["one"].append(med("with", "one") / med("before", "one"))
                g["ms"].append(med("with", "ms") / med("before", "ms"))
            lines.append(
                f"| {what} | {name} | {rs[0]['n']} | {med('before', 'one'):.3f} | {med('with', 'one'):.3f} | "
                f"{med('before', 'ms'):.3f} | {med('with', 'ms'):.3f} | {med('before', 'cov1'):.2f} / "
                f"{med('with', 'cov1'):.2f} | {med('before', 'covm'):.2f} / {med('with', 'covm'):.2f} | "
                f"{med('before', 's'):.1f} / {med('with', 's'):.1f} |"
            )
    lines += [
        "",
        "| group | real series | one-step RMSE with ÷ without, geometric mean | multi-step |",
        "|---|---|---|---|",
    ]
    for what, _ in groups:
        g = ratios.get(what)
        if g:
            lines.append(f"| {what} | {len(g['one'])} | {gmean(g['one']):.3f} | {gmean(g['ms']):.3f} |")
    everything = {k: [v for g in ratios.values() for v in g[k]] for k in ("one", "ms")}
    lines.append(f"| all | {len(everything['one'])} | {gmean(everything['one']):.3f} | {gmean(everything['ms']):.3f} |")
    return finish(lines, rows, args.md)


if __name__ == "__main__":
    sys.exit(main())
