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

With ``--short``: weight decay 0.01 and 0.03 on the series too short for the backtest to rank
representations (:func:`lstm_core.strategy.can_rank`) alone, those of the three sets and of the
data folders (``benchmarks/data``), where a penalty would apply if it were kept for them::

    .venv/bin/python -m benchmarks.bench_capacity                  # the three sets
    .venv/bin/python -m benchmarks.bench_capacity --set fpp --seeds 0
    .venv/bin/python -m benchmarks.bench_capacity --short
"""

from __future__ import annotations

import dataclasses
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

from benchmarks.ab_runs import (
    SETS,
    ab_parser,
    finish,
    fit_default,
    gmean,
    grouped_series,
    medians,
    named_series,
    score_all,
)

VARIANTS = ["shipped", "weight decay 0.01", "weight decay 0.3/n", "twice the networks"]
SHORT_VARIANTS = ["shipped", "weight decay 0.01", "weight decay 0.03"]
#: ``c`` of the scaled penalty ``c / training windows``
SCALED_DECAY = 0.3


@contextmanager
def _patched(variant: str) -> Iterator[dict]:
    """The engine as ``variant`` wants it for one fit; yields the flat config settings to pass."""
    from lstm_core import train
    from lstm_core.config import TrainConfig

    if variant in ("weight decay 0.01", "weight decay 0.03"):
        yield {"weight_decay": float(variant.split()[-1])}
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
    from lstm_core.config import ConfigError

    name, frame, season, seed = task
    out: dict = {"name": name, "seed": seed, "n": len(frame)}
    try:
        if not _warm:
            fit_default(frame, season, seed)
            _warm.append(True)
        for variant in VARIANTS:
            with _patched(variant) as settings:
                t = time.perf_counter()
                run = fit_default(frame, season, seed, settings=settings)
                seconds = time.perf_counter() - t
            m = run.metrics
            assert m is not None and m.test is not None and m.test_multistep is not None
            out[variant] = {"one": m.test.rmse, "ms": m.test_multistep.rmse, "s": seconds}
    except ConfigError as exc:  # a series too short for the defaults: named under the table
        return {"name": name, "seed": seed, "error": str(exc)}
    return out


def _short_series() -> tuple[tuple[str, ...], dict[str, list]]:
    """The series of the sets and the data folders that the backtest cannot rank (each once)."""
    from lstm_core.config import DataConfig
    from lstm_core.strategy import can_rank

    d = DataConfig()
    groups = grouped_series(keep=lambda _, frame: not can_rank(len(frame), d.val_fraction, d.test_fraction))
    return tuple(g for g, _ in groups), dict(groups)


def main(argv: list[str] | None = None) -> int:
    ap = ab_parser(__doc__)
    ap.add_argument("--short", action="store_true", help="weight decay on the series too short to rank alone")
    args = ap.parse_args(argv)
    if args.short:
        VARIANTS[:] = SHORT_VARIANTS  # read by score() in the worker processes, forked after this
        sets, series = _short_series()
    elif args.csv:
        sets, series = ("csv",), {"csv": named_series(csv=args.csv)[0]}
    else:
        sets = (args.set,) if args.set else SETS
        series = {s: [x for x in named_series(s)[0] if x[0] != "AirPassengers"] for s in sets}
    rows = score_all(score, [x for s in sets for x in series[s]], args.seeds.split(","), args.processes)
    changed = VARIANTS[1:]
    lines = [
        f"## {'Weight decay on short series' if args.short else 'Weight decay and more networks'}, each ÷ the "
        f"shipped engine: seeds {args.seeds} (medians of RMSE over seeds, then geometric means over series)",
        "",
        "| set | series | " + " | ".join(f"{v}: one-step / multi-step / wall time" for v in changed) + " |",
        "|---|---|" + "---|" * len(changed),
    ]
    worst: dict[str, tuple[float, str]] = {}
    for s in sets:
        ratios: dict[str, dict[str, list[float]]] = {v: {"one": [], "ms": [], "s": []} for v in changed}
        for name, _, _ in series[s]:
            rs, med = medians([r for r in rows if "error" not in r], name)
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
