"""Seasonal profiles at each origin with older seasons weighed less, measured on the same fits.

New runs re-estimate a removed seasonal profile at each forecast origin from all the values
before it, every season counting alike (:func:`lstm_core.prep.profiles_before`, session 24).
Holt-Winters and ES-RNN smooth their seasonal factors, so that recent seasons count more. This
script fits the engine's defaults on every series of the three benchmark sets and the data folders
(``benchmarks/data``), seeds 0-2, and evaluates each run as it is and with the profile after the
training part's end weighted by ``decay ** (seasons back from the newest)`` for each
:data:`DECAYS` (the training part's own profile is kept inside it, where the networks trained on
it): one-step and multi-step RMSE ÷ the shipped rule's, geometric means by group::

    .venv/bin/python -m benchmarks.bench_profile_decay
    .venv/bin/python -m benchmarks.bench_profile_decay --set fpp --seeds 0
"""

from __future__ import annotations

import sys
from dataclasses import replace

import numpy as np

from benchmarks.ab_runs import ab_parser, asked_groups, finish, fit_default, gmean, score_all

#: Weight per season of age of a detrended value in the profile at an origin (1 = the shipped rule)
DECAYS = (0.9, 0.75)


def decayed_profiles(decay: float):
    """A stand-in for :func:`lstm_core.prep.profiles_before` whose profiles after the training
    part's end weigh each detrended value by ``decay`` per season back from the newest one."""
    from lstm_core.prep import detrended, profiles_before

    def profiles(prep, ends, sums=None):
        out = profiles_before(prep, ends, sums)
        if out is None:
            return None
        m = len(prep.profile)
        detr, off = detrended(prep.z, m)
        for i, e in enumerate(np.asarray(ends)):
            if e <= prep.train_end:
                continue
            cnt = min(int(e) - 2 * off, len(detr))
            j = np.arange(cnt)
            w = decay ** ((cnt - 1 - j) // m)
            phase = (off + j) % m
            prof = np.bincount(phase, w * detr[:cnt], m) / np.bincount(phase, w, m)
            out[i] = prof - prof.mean()
        return out

    return profiles


def score(task: tuple) -> dict:
    """One default run, evaluated as it is and with each decayed profile rule, on the same networks."""
    from lstm_core import combine, pipeline
    from lstm_core.config import ConfigError

    name, frame, season, seed = task
    try:
        run = fit_default(frame, season, seed)
    except ConfigError as exc:
        return {"name": name, "seed": seed, "error": str(exc)}
    out = {"name": name, "seed": seed, "deseason": sum(bool(m.prep.transform.deseason) for m in run.members)}
    out["one_shipped"], out["ms_shipped"] = run.metrics.test.rmse, run.metrics.test_multistep.rmse
    shipped = combine.profiles_before
    for decay in DECAYS:
        if not out["deseason"]:
            out[f"one_{decay}"], out[f"ms_{decay}"] = out["one_shipped"], out["ms_shipped"]
            continue
        combine.profiles_before = decayed_profiles(decay)
        try:
            again = replace(run)
            again.attach(pipeline.evaluate(again))
        finally:
            combine.profiles_before = shipped
        out[f"one_{decay}"], out[f"ms_{decay}"] = again.metrics.test.rmse, again.metrics.test_multistep.rmse
    return out


def main(argv: list[str] | None = None) -> int:
    args = ab_parser(__doc__).parse_args(argv)
    kept = asked_groups(args)
    rows = score_all(score, [s for _, ss in kept for s in ss], args.seeds.split(","), args.processes)
    sums, per = [], []
    for what, series in kept:
        ratios: dict[str, list[float]] = {f"{p}_{d}": [] for d in DECAYS for p in ("one", "ms")}
        for name, _, _ in series:
            rs = [r for r in rows if r["name"] == name and "error" not in r]
            if not rs:
                continue
            cells = []
            for d in DECAYS:
                for p in ("one", "ms"):
                    v = float(np.median([r[f"{p}_{d}"] for r in rs])) / float(
                        np.median([r[f"{p}_shipped"] for r in rs])
                    )
                    ratios[f"{p}_{d}"].append(v)
                    cells.append(f"{v:.3f}")
            per.append(f"| {what} | {name} | {rs[0]['deseason']} | " + " | ".join(cells) + " |")
        n = len(ratios[f"one_{DECAYS[0]}"])
        sums.append(f"| {what} | {n} | " + " | ".join(f"{gmean(ratios[k]):.3f}" for k in ratios) + " |")
    head = " | ".join(f"{p} {d}" for d in DECAYS for p in ("one-step", "multi-step"))
    lines = [
        f"## Seasonal profiles with older seasons weighed less ÷ every season alike (shipped): seeds {args.seeds} "
        "(medians over seeds, geometric means over series)",
        "",
        f"| group | series | {head} |",
        "|---|---|" + "---|" * (2 * len(DECAYS)),
        *sums,
        "",
        f"| group | series | deseasonalised members | {head} |",
        "|---|---|---|" + "---|" * (2 * len(DECAYS)),
        *per,
    ]
    return finish(lines, rows, args.md)


if __name__ == "__main__":
    sys.exit(main())
