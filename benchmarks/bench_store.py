"""The run store's index: listing at startup (index vs reading every job.json), rebuild, writers.

Makes ``--jobs`` stored jobs (job.json, metrics.json and a small data.csv per folder, stand-ins
for runs: no training), then times, interleaved over ``--repeat`` rounds:

- ``index``: ``RunStore.records()`` on a freshly opened store (what a restarted server does);
- ``scan``: reading every folder's job.json (what the store did before the index);
- ``rebuild``: the index deleted and built again from the folders;
- ``writers``: 8 threads renaming and pinning 50 runs each at once (rows per second).

Prints a markdown table and writes benchmarks/results/bench_store.md.

    python -m benchmarks.bench_store [--jobs 2000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import threading
import time
import uuid
from pathlib import Path

from lstm_core.store import INDEX, RunStore, StoredJob

RESULTS = Path(__file__).parent / "results" / "bench_store.md"


def make_jobs(root: Path, n: int) -> list[str]:
    """``n`` stored-job folders and their index rows."""
    store = RunStore(root)
    ids = []
    for i in range(n):
        jid = uuid.uuid4().hex
        folder = root / jid
        folder.mkdir(parents=True)
        (folder / "data.csv").write_text("step,value\n" + "".join(f"{k},{k % 12}\n" for k in range(144)))
        meta = StoredJob(
            id=jid,
            owner=f"owner{i % 30}",
            label=f"run {i}",
            status="finished",
            message="Training completed.",
            config={"model": {"cell": "lstm", "hidden_size": 32}, "train": {"seed": i}},
            tags={"kind": "train"},
            epochs_planned=100,
            created=1e9 + i,
            started=1e9 + i,
            finished=1e9 + i + 1,
            series={"name": "airline", "season": 12},
            summary={"rmse": 1.0, "rmse_multi": 2.0, "mase": 0.5, "verdict": "beats"},
            data_hash="0" * 64,  # as the store writes it: the scan reads, it does not hash
        )
        (folder / "job.json").write_text(json.dumps(meta.__dict__))
        ids.append(jid)
    index = store.index
    index.rebuild(store.scan())
    store.close()
    return ids


def timed(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--jobs", type=int, default=2000)
    p.add_argument("--repeat", type=int, default=3)
    args = p.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-store-") as tmp:
        root = Path(tmp) / "jobs"
        ids = make_jobs(root, args.jobs)
        times: dict[str, list[float]] = {"index": [], "scan": [], "rebuild": [], "writers": []}
        for _ in range(args.repeat):
            fresh = RunStore(root)
            times["index"].append(timed(lambda s=fresh: len(s.records())))
            fresh.close()
            times["scan"].append(timed(lambda: len(RunStore(root).scan())))
            (root / INDEX).unlink()
            for extra in ("-wal", "-shm"):
                (root / f"{INDEX}{extra}").unlink(missing_ok=True)
            rebuilt = RunStore(root)
            times["rebuild"].append(timed(lambda s=rebuilt: len(s.records())))
            assert len(rebuilt.records()) == args.jobs

            def writer(t: int, s: RunStore = rebuilt) -> None:
                for jid in ids[t * 50 : (t + 1) * 50]:
                    s.update(jid, label=f"renamed by {t}", pinned=True)

            threads = [threading.Thread(target=writer, args=(t,)) for t in range(8)]
            t0 = time.perf_counter()
            for th in threads:
                th.start()
            for th in threads:
                th.join()
            times["writers"].append(time.perf_counter() - t0)
            rebuilt.close()
    n_writes = 8 * 50
    rows = [
        ("list at startup: index", f"{statistics.median(times['index']) * 1000:.1f} ms"),
        ("list at startup: every job.json (before)", f"{statistics.median(times['scan']) * 1000:.1f} ms"),
        ("rebuild the index from the folders", f"{statistics.median(times['rebuild']) * 1000:.1f} ms"),
        ("8 threads, rename + pin (job.json and row)", f"{n_writes / statistics.median(times['writers']):.0f} runs/s"),
    ]
    text = "\n".join(
        [
            f"# Run store index: {args.jobs} stored jobs, median of {args.repeat}",
            "",
            "| what | time |",
            "|---|---|",
            *[f"| {a} | {b} |" for a, b in rows],
            "",
        ]
    )
    print(text)
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(text)


if __name__ == "__main__":
    main()
