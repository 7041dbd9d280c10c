"""Memory over many jobs: 200 short trainings in a row through one JobRegistry.

Finished jobs are evicted after ``ttl_s`` (here 2 s instead of 2 h, so the run is short) and
at most ``max_finished`` are kept, so resident memory must level off instead of growing
with the number of jobs. Reads VmRSS from /proc/self/status (no psutil). Prints a table.

    python -m benchmarks.bench_jobs_memory [--jobs 200] [--ttl 2]
"""

from __future__ import annotations

import argparse
import gc
import threading
import time

from lstm_core.config import RunConfig
from lstm_core.data import generate
from lstm_core.jobs import JobRegistry


def rss_mb(pid: str = "self") -> float:
    with open(f"/proc/{pid}/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def tiny() -> RunConfig:
    cfg = RunConfig()
    cfg.model.hidden_size, cfg.data.look_back = 8, 8
    cfg.train.epochs, cfg.train.patience, cfg.train.device = 2, None, "cpu"
    return cfg


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--jobs", type=int, default=200)
    p.add_argument("--ttl", type=float, default=2.0)
    args = p.parse_args()
    reg = JobRegistry(max_workers=1, ttl_s=args.ttl, max_finished=20, torch_threads=1)
    frame = generate("noisy-sine", length=400)
    # warm up: the first job pays for imports and allocator growth
    reg.wait(reg.submit(frame, tiny(), owner="bench"), 120)
    gc.collect()
    base = rss_mb()
    rows, t0 = [], time.perf_counter()
    threads0 = threading.active_count()
    for i in range(1, args.jobs + 1):
        jid = reg.submit(frame, tiny(), owner="bench")
        snap = reg.wait(jid, 120)
        assert snap.status == "finished", snap.message
        del snap
        if i % 25 == 0:
            gc.collect()
            kept = len(reg.jobs_for("bench"))
            rows.append((i, time.perf_counter() - t0, rss_mb(), rss_mb() - base, kept, threading.active_count()))
    time.sleep(args.ttl + 0.5)
    gc.collect()
    kept_end = len(reg.jobs_for("bench"))
    end = rss_mb()
    reg.close()
    print(f"{args.jobs} jobs (noisy-sine 400 points, LSTM h8, 2 epochs), TTL {args.ttl:g} s, max_finished 20")
    print(f"baseline RSS after warm-up: {base:.1f} MB, threads {threads0}")
    print(f"{'jobs':>5} {'elapsed s':>10} {'RSS MB':>8} {'growth MB':>10} {'jobs kept':>10} {'threads':>8}")
    for r in rows:
        print(f"{r[0]:>5} {r[1]:>10.1f} {r[2]:>8.1f} {r[3]:>10.1f} {r[4]:>10} {r[5]:>8}")
    print(f"after TTL: RSS {end:.1f} MB (growth {end - base:.1f} MB), jobs kept {kept_end}")
    growth = max(r[3] for r in rows + [(0, 0, 0, end - base, 0, 0)])
    print(f"max growth {growth:.1f} MB: {'PASS' if growth < 100 else 'FAIL'} (< 100 MB)")


if __name__ == "__main__":
    main()
