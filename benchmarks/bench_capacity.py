"""Weight decay and more networks per variant, A/B on the benchmark sets: measured, not adopted.

Session 22 asked whether the networks' errors on the benchmark sets are variance (which more
networks, or a penalty on the weights, would cut) or bias. This script fits the engine's defaults
on every series of the three sets (less AirPassengers, the bundled airline's twin) as shipped and
with one change each, seeds 0-2, in one process, and prints each variant's one-step and multi-step
RMSE ÷ the shipped run's on the same points (geometric means of the per-series medians):

* ``weight decay 0.01``: Adam's L2 penalty (``TrainConfig.weight_decay``) on every network;
* ``weight decay 0.3/n``: the penalty divided by the network's training windows ``n`` (a prior
  whose weight shrinks as the data grows: 0.01 at 30 windows, 0.001 at 300);
* ``twice the networks``: ``TrainConfig.AUTO_NETWORKS`` and ``NETWORKS_PER_VARIANT`` doubled.

    .venv/bin/python -m benchmarks.bench_capacity                  # the three sets
    .venv/bin/python -m benchmarks.bench_capacity --set fpp --seeds 0
"""

from __future__ import annotations

import dataclasses
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

from benchmarks.ab_runs import ab_parser, finish, fit_default, gmean, medians, named_series, score_all

SETS = ("suite", "holdout", "fpp")
VARIANTS = ("shipped", "weight decay 0.01", "weight decay 0.3/n", "twice the networks")
#: ``c`` of the scaled penalty ``c / training windows``
SCALED_DECAY = 0.3


@contextmanager
def _patched(variant: str) -> Iterator[dict]:
    """The engine as ``variant`` wants it for one fit; yields the flat config settings to pass."""
    from lstm_core import train
    from lstm_core.config import TrainConfig

    if variant == "weight decay 0.01":
        yield {"weight_decay": 0.01}
        return
    if variant == "weight decay 0.3/n":
        fit = train.Trainer.fit

        def scaled(self, x_train, *args, **kwargs):  # x_train: (n, L, F) training windows
            self.cfg = dataclasses.replace(self.cfg, weight_decay=SCALED_DECAY / max(len(x_train), 1))
            return fit(self, x_train, *args, **kwargs)

        train.Trainer.fit = scaled
        try:
            yield {}
        finally:
            train.Trainer.fit = fit
        return
    if variant == "twice the networks":
        shipped = TrainConfig.AUTO_NETWORKS, TrainConfig.NETWORKS_PER_VARIANT
        TrainConfig.AUTO_NETWORKS, TrainConfig.NETWORKS_PER_VARIANT = 2 * shipped[0], 2 * shipped[1]
        try:
            yield {}
        finally:
            TrainConfig.AUTO_NETWORKS, TrainConfig.NETWORKS_PER_VARIANT = shipped
        return
    yield {}


_warm: list[bool] = []


def score(task: tuple) -> dict:
    """Every variant's default run of one series and seed: one-step and multi-step RMSE, wall time
    (a worker process's first task fits once more before, so that no variant pays its warm-up)."""
    name, frame, season, seed = task
    if not _warm:
        fit_default(frame, season, seed)
        _warm.append(True)
    out: dict = {"name": name, "seed": seed, "n": len(frame)}
    for variant in VARIANTS:
        with _patched(variant) as settings:
            t = time.perf_counter()
            run = fit_default(frame, season, seed, settings=settings)
            seconds = time.perf_counter() - t
        m = run.metrics
        assert m is not None and m.test is not None and m.test_multistep is not None
        out[variant] = {"one": m.test.rmse, "ms": m.test_multistep.rmse, "s": seconds}
    return out


def main(argv: list[str] | None = None) -> int:
    args = ab_parser(__doc__).parse_args(argv)
    if args.csv:
        sets, series = ("csv",), {"csv": named_series(csv=args.csv)[0]}
    else:
        sets = (args.set,) if args.set else SETS
        series = {s: [x for x in named_series(s)[0] if x[0] != "AirPassengers"] for s in sets}
    rows = score_all(score, [x for s in sets for x in series[s]], args.seeds.split(","), args.processes)
    changed = VARIANTS[1:]
    lines = [
        f"## Weight decay and more networks, each ÷ the shipped engine: seeds {args.seeds} (medians of RMSE "
        "over seeds, then geometric means over series)",
        "",
        "| set | series | " + " | ".join(f"{v}: one-step / multi-step / wall time" for v in changed) + " |",
        "|---|---|" + "---|" * len(changed),
    ]
    worst: dict[str, tuple[float, str]] = {}
    for s in sets:
        ratios: dict[str, dict[str, list[float]]] = {v: {"one": [], "ms": [], "s": []} for v in changed}
        for name, _, _ in series[s]:
            rs, med = medians(rows, name)
            if not rs:
                continue
            for v in changed:
                for k in ("one", "ms", "s"):
                    ratios[v][k].append(med(v, k) / med("shipped", k))
                r = med(v, "ms") / med("shipped", "ms")
                if r > worst.get(v, (0.0, ""))[0]:
                    worst[v] = (r, f"{name}, {s}")
        cells = [
            f"{gmean(ratios[v]['one']):.3f} / {gmean(ratios[v]['ms']):.3f} / {gmean(ratios[v]['s']):.2f}"
            for v in changed
        ]
        lines.append(f"| {s} | {len(ratios[changed[0]]['one'])} | " + " | ".join(cells) + " |")
    lines += [
        "",
        "Largest multi-step loss of each variant (÷ shipped): "
        + "; ".join(f"{v} {worst[v][0]:.2f} ({worst[v][1]})" for v in changed if v in worst)
        + ".",
    ]
    return finish(lines, rows, args.md)


if __name__ == "__main__":
    sys.exit(main())
