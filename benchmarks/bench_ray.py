"""A Compare through a local Ray cluster against the thread executor, on the same cores.

Targets (issue 14): a Compare through a local 2-CPU Ray cluster takes at most 1.25x the wall time
of the thread executor (the app's default registry) with identical metrics (same seeds, one torch
thread per job), for (a) 2 variants x 2 seeds sized so the local run takes >= 25 s and (b)
6 variants x 5 seeds; and 0 jobs lost or stuck when a Ray worker is killed during training.

The cluster is started once (its start is reported, not counted) and both executors are warmed up
(the Ray workers have imported torch) before the timed runs, which alternate thread / Ray
(``--repeats`` rounds, interleaved, so that a busy machine slows both alike). The kill row queues
``--kill-jobs`` jobs, SIGKILLs the worker process of a running one, and counts jobs that ended
failed (lost) or were still active after the deadline (stuck); a retry is expected.

Prints a markdown table and writes ``benchmarks/results/bench_ray.md``.

Run: ``python -m benchmarks.bench_ray [--quick] [--repeats 1] [--cpus 2]``
(``--quick``: small sizes, a check that it runs; the figures then mean little).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")

from lstm_core import compare as cmp  # noqa: E402
from lstm_core.config import DataConfig, TrainConfig  # noqa: E402
from lstm_core.data import Series, generate  # noqa: E402
from lstm_core.executors import make_ray_executor  # noqa: E402
from lstm_core.executors.fanout import compare_jobs  # noqa: E402
from lstm_core.executors.ray_executor import RayExecutor  # noqa: E402
from lstm_core.job_status import JobStatus  # noqa: E402
from lstm_core.jobs import JobRegistry  # noqa: E402

RESULTS = Path(__file__).parent / "results" / "bench_ray.md"
CELLS6 = [("rnn", 32), ("lstm", 32), ("gru", 32), ("peephole", 32), ("cifg", 32), ("lstm", 64)]


def config_a(quick: bool) -> cmp.CompareConfig:
    """2 variants x 2 seeds, long enough (>= 25 s locally on 2 quiet cores; ``quick``: a few s)."""
    return cmp.CompareConfig(
        data=DataConfig(look_back=12, transform="none"),
        train=TrainConfig(epochs=8 if quick else 400, batch_size=8, patience=None, ensemble=1, device="cpu"),
        variants=[
            cmp.Variant(name="lstm h48", cell="lstm", hidden_size=48),
            cmp.Variant(name="gru h48", cell="gru", hidden_size=48),
        ],
        seeds=[0, 1],
    )


def config_b(quick: bool) -> cmp.CompareConfig:
    """6 variants x 5 seeds at the Compare page's defaults (``quick``: 6 x 2, few epochs)."""
    train = TrainConfig(ensemble=1, device="cpu", **({"epochs": 5, "patience": None} if quick else {}))
    return cmp.CompareConfig(
        data=DataConfig(look_back=12),
        train=train,
        variants=[cmp.Variant(name=f"{c} h{h}", cell=c, hidden_size=h) for c, h in CELLS6],
        seeds=list(range(2 if quick else 5)),
    )


def metrics_key(results: list[cmp.SeedResult]) -> str:
    """Everything the runs computed, without their wall times (JSON, NaN-safe)."""
    out = []
    for r in results:
        d = r.metrics.to_dict()
        d["info"].pop("train_seconds", None)
        out.append([r.variant, r.seed, d, r.train_loss.tolist(), r.val_loss.tolist()])
    return json.dumps(out, sort_keys=True)


def timed(reg: JobRegistry, series: Series, cfg: cmp.CompareConfig) -> tuple[float, str]:
    t0 = time.perf_counter()
    _, results = compare_jobs(reg, series, cfg, owner="bench")
    return time.perf_counter() - t0, metrics_key(results)


def kill_row(ex: RayExecutor, reg: JobRegistry, series: Series, n_jobs: int, quick: bool) -> tuple[int, int, int]:
    """Queue ``n_jobs``, kill the worker of a running one after its 2nd epoch; (lost, stuck, retried)."""
    cfg = cmp.variant_run_config(config_a(quick), cmp.Variant(cell="lstm", hidden_size=32), 0)
    cfg.train.epochs = 30 if quick else 150
    ids = [reg.submit(series, cfg, owner=f"kill{i}") for i in range(n_jobs)]
    reg.wait_until(ids[0], lambda s: s.epochs_done >= 2 or not s.active, timeout=600)
    pids = ex.worker_pids()
    if pids:
        os.kill(pids[0], signal.SIGKILL)
    deadline = time.monotonic() + 900
    lost = stuck = 0
    for jid in ids:
        try:
            snap = reg.wait_until(jid, lambda s: not s.active, timeout=max(1.0, deadline - time.monotonic()))
        except TimeoutError:
            stuck += 1
            continue
        lost += snap.status != JobStatus.FINISHED
    return lost, stuck, len(pids)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true", help="small sizes: check that it runs")
    p.add_argument("--repeats", type=int, default=1, help="interleaved rounds (thread, Ray) per case")
    p.add_argument("--cpus", type=int, default=2, help="CPUs of the local Ray cluster")
    p.add_argument("--kill-jobs", type=int, default=4)
    args = p.parse_args(argv)

    series = Series(generate("airline"), season=12)
    tmp = tempfile.mkdtemp(prefix="lb", dir="/tmp")  # short: Ray's Unix sockets live there
    t0 = time.perf_counter()
    ex = make_ray_executor("local", num_cpus=args.cpus, num_gpus=0, temp_dir=tmp, log_path=f"{tmp}/bridge.log")
    threads = JobRegistry()  # the app's default: workers and torch threads for this machine
    ray = JobRegistry(executor=ex, torch_threads=0)
    rows = []
    try:
        if not ex.wait_connected(600):
            print(f"error: {ex.status().sentence} (see {tmp}/bridge.log)", file=sys.stderr)
            return 1
        start_s = time.perf_counter() - t0
        warm = cmp.CompareConfig(
            data=DataConfig(look_back=6, transform="none"),
            train=TrainConfig(epochs=1, ensemble=1, device="cpu"),
            variants=[cmp.Variant(name="w", cell="lstm", hidden_size=4, look_back=6)],
            seeds=list(range(args.cpus)),
        )
        t1 = time.perf_counter()
        compare_jobs(ray, series, warm)  # every Ray worker imports torch once
        warm_s = time.perf_counter() - t1
        compare_jobs(threads, series, warm)
        for name, cfg in (
            ("(a) 2 variants x 2 seeds", config_a(args.quick)),
            ("(b) 6 variants x 5 seeds", config_b(args.quick)),
        ):
            t_thr, t_ray, same = [], [], True
            for _ in range(args.repeats):
                a, key_t = timed(threads, series, cfg)
                b, key_r = timed(ray, series, cfg)
                t_thr.append(a)
                t_ray.append(b)
                same = same and key_t == key_r
            jobs = len(cfg.variants) * len(cfg.seeds)
            mt, mr = statistics.median(t_thr), statistics.median(t_ray)
            ok = "yes" if mr <= 1.25 * mt and same else "NO"
            rows.append(
                f"| {name.replace('6 variants x 5', f'6 variants x {len(cfg.seeds)}')} | {jobs} | {mt:.1f} | {mr:.1f} "
                f"| {mr / mt:.2f} | {'yes' if same else 'NO'} | {ok} |"
            )
            print(rows[-1], flush=True)
        lost, stuck, killed = kill_row(ex, ray, series, args.kill_jobs, args.quick)
    finally:
        threads.close()
        ray.close()
        ex.close()
        shutil.rmtree(tmp, ignore_errors=True)
    lines = [
        f"Local Ray cluster: {args.cpus} CPUs on this machine ({os.cpu_count()} cores), started in {start_s:.1f} s "
        f"(not counted); first use of its {args.cpus} workers (torch import) {warm_s:.1f} s (not counted). "
        f"Thread executor: the app's default ({threads.max_workers} worker(s), {threads.torch_threads} torch "
        f"thread(s)); Ray: 1 CPU and 1 torch thread per job. Median of {args.repeats} interleaved round(s)"
        f"{' (--quick sizes)' if args.quick else ''}.",
        "",
        "| Compare | jobs | threads (s) | Ray (s) | Ray / threads | metrics identical | target (<= 1.25x, identical) |",
        "|---|---:|---:|---:|---:|---|---|",
        *rows,
        "",
        "| Fault | jobs | workers killed | lost | stuck | target (0 lost, 0 stuck) |",
        "|---|---:|---:|---:|---:|---|",
        f"| SIGKILL of a Ray worker during training | {args.kill_jobs} | {min(killed, 1)} | {lost} | {stuck} "
        f"| {'yes' if lost == 0 and stuck == 0 and killed else 'NO'} |",
    ]
    text = "\n".join(lines)
    print()
    print(text)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
