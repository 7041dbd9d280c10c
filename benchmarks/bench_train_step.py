"""The training step's optimiser and clipping, A/B: a default airline ``fit_run``, one torch thread.

Small recurrent networks spend about as long in the optimiser step and gradient clipping as in
the forward pass. This script times the engine's default airline run (fit and evaluation,
``time.perf_counter``, imports and first-call costs excluded by one untimed run first) three ways,
alternating in one process so machine drift hits all alike:

* ``before``: torch's multi-tensor Adam (``foreach``) and ``nn.utils.clip_grad_norm_``;
* ``fused``: torch's fused Adam kernel (``lstm_core.train.FUSED_ADAM``), the library's clipping;
* ``fused + clip``: fused Adam and ``lstm_core.train._clip_grad_norm`` (as shipped), which gives
  the library's gradients to the bit but rescales only when the norm is over the limit.

All three reset the gradients by setting them to None directly, as shipped (``opt.zero_grad``
costs a wrapper call per step). It also prints the one-step and multi-step test RMSE of each, to show the accuracy is unchanged
(fused Adam differs from the multi-tensor one in rounding only)::

    .venv/bin/python -m benchmarks.bench_train_step [--seeds 0,1,2,3,4] [--md FILE]
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np

from benchmarks.report import emit


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", default="0,1,2,3,4")
    ap.add_argument("--md", default="")
    args = ap.parse_args(argv)
    seeds = [int(s) for s in args.seeds.split(",")]

    import torch
    from torch import nn

    torch.set_num_threads(1)
    from lstm_core import train
    from lstm_core.config import RunConfig
    from lstm_core.data import Series, generate
    from lstm_core.pipeline import fit_run

    frame = generate("airline")
    fit_run(Series(frame.copy(), season=12), RunConfig())  # warm-up, untimed
    shipped = train._clip_grad_norm

    def library(params, max_norm):
        nn.utils.clip_grad_norm_(params, max_norm, foreach=True)

    ways = {"before": (False, library), "fused": (True, library), "fused + clip": (True, shipped)}
    rows: dict[str, dict[str, list[float]]] = {w: {"s": [], "one": [], "multi": []} for w in ways}
    try:
        for seed in seeds:
            for name, (fused, clip) in ways.items():
                train.FUSED_ADAM, train._clip_grad_norm = fused, clip
                cfg = RunConfig()
                cfg.train.seed = seed
                t0 = time.perf_counter()
                run = fit_run(Series(frame.copy(), season=12), cfg)
                rows[name]["s"].append(time.perf_counter() - t0)
                rows[name]["one"].append(run.metrics.test.rmse)
                rows[name]["multi"].append(run.metrics.test_multistep.rmse)
    finally:
        train.FUSED_ADAM, train._clip_grad_norm = True, shipped
    base = float(np.median(rows["before"]["s"]))
    lines = [
        f"## Training step A/B: default airline fit_run, 1 torch thread, seeds {args.seeds} interleaved",
        "",
        "| way | wall s per seed | median s | ÷ before | one-step RMSE (median) | multi-step RMSE (median) |",
        "|---|---|---|---|---|---|",
    ]
    for name, r in rows.items():
        med = float(np.median(r["s"]))
        lines.append(
            f"| {name} | {', '.join(f'{s:.2f}' for s in r['s'])} | {med:.3f} | {med / base:.3f} | "
            f"{np.median(r['one']):.3f} | {np.median(r['multi']):.3f} |"
        )
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    lines += [
        "",
        f"Machine: {os.cpu_count()} CPUs, load average {load} at the end (timings drift; compare within a run).",
    ]
    emit("\n".join(lines), args.md)


if __name__ == "__main__":
    main()
