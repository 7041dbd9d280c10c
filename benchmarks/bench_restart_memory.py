"""Server memory after a restart over a run store of big runs: every recent run loaded back
(before) against the newest :data:`lstm_core.jobs.RESTORE_BYTES` of them (after).

Trains one run on ``--points`` hourly points (hidden 4, one epoch, one network), stores it
``--runs`` times under one owner (copies of its folder with their own job.json and index row,
as :meth:`RunStore.save` writes them; the data once, by hash), then, each in a fresh process,
starts a job registry on that store (what a restarted server does) and waits until the runs it
restores have loaded. Printed: runs loaded back, seconds, and the process's resident memory
before and after. Then ``--queued`` jobs queued on the same data are recorded as a server does
(``job.json`` and ``data.csv``, no run: interrupted by the restart) and the registry's start is
timed, reading every interrupted job's data at the start (before) or when it is trained again
(after): the first page after a restart waits for that start. Measured here (2 shared cores):
see ``benchmarks/results/bench_restart_memory.md``.

    python -m benchmarks.bench_restart_memory [--points 100000] [--runs 40] [--queued 30]
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

RESULTS = Path(__file__).parent / "results" / "bench_restart_memory.md"
OWNER = "0" * 31 + "1"


def rss_mb() -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def make_store(root: Path, points: int, runs: int) -> float:
    """``runs`` stored copies of one trained run on ``points`` points; returns MB on disk per run."""
    import pandas as pd

    from lstm_core.config import RunConfig
    from lstm_core.data import Series, frame_to_csv_bytes, generate, load_csv
    from lstm_core.pipeline import fit_run
    from lstm_core.runs import save_run
    from lstm_core.store import RunStore, StoredJob, summary_of

    frame = generate("trend-seasonal", length=points, seed=1)
    frame.index = pd.date_range("2000-01-01", periods=points, freq="h", name="date")
    loaded = load_csv(frame_to_csv_bytes(frame), name="big.csv")
    r = loaded.report
    series = Series(loaded.frame, r.frequency, r.season, "big.csv", r.missing_policy)
    cfg = RunConfig.make(hidden_size=4, epochs=1, ensemble=1, transform="none")
    run = fit_run(series, cfg)
    src = root.parent / "one-run"
    save_run(run, src)
    store = RunStore(root)
    store.index  # opened (and made) before the first folder is there
    now = time.time()
    for k in range(runs):
        jid = uuid.uuid4().hex
        folder = root / jid
        shutil.copytree(src, folder)
        created = now - (runs - k) * 30
        meta = StoredJob(
            id=jid,
            owner=OWNER,
            label=f"big run {k}",
            status="finished",
            message="Training completed.",
            config=cfg.to_dict(),
            tags={"kind": "train"},
            epochs_planned=1,
            created=created,
            started=created,
            finished=created + 5,
            series={"name": "big.csv", "frequency": r.frequency, "season": r.season},
            summary=summary_of(run.metrics),
        )
        meta = StoredJob(**{**meta.__dict__, "data_hash": store._share_data(folder)})
        store._write_meta(folder, meta)
        store.index.put(store._record(meta, folder))
    rec = store.records()[0]
    store.close()
    return (rec.bytes + rec.data_bytes) / 2**20


def restart(root: str, unbounded: bool) -> dict:
    """In this process: a registry started on ``root``, until its restored runs have loaded."""
    from lstm_core.jobs import JobRegistry
    from lstm_core.store import RunStore

    before = rss_mb()
    t0 = time.perf_counter()
    options = {"restore_bytes": None} if unbounded else {}
    reg = JobRegistry(max_workers=1, torch_threads=1, store=RunStore(root), **options)
    listed = [s.id for s in reg.jobs_for(OWNER)]
    for jid in listed:
        reg.wait_until(jid, lambda s: not s.restoring, 600)
    out = {"loaded": len(listed), "seconds": time.perf_counter() - t0, "rss_before": before, "rss_after": rss_mb()}
    reg.close()
    return out


def add_queued(root: Path, n: int) -> None:
    """``n`` jobs recorded as queued (job.json and data.csv only) on the stored runs' data."""
    from lstm_core.store import RunStore, StoredJob

    store = RunStore(root)
    rec = store.records()[0]
    frame = store.data(rec.id)
    for k in range(n):
        meta = StoredJob(
            id=uuid.uuid4().hex,
            owner=OWNER,
            label=f"queued {k}",
            status="queued",
            message="Queued.",
            config=rec.config,
            tags={"kind": "train"},
            epochs_planned=1,
            created=time.time(),
            started=None,
            finished=None,
            series=rec.series,
        )
        store.save_queued(meta, frame)
    store.close()


def start(root: str, eager: bool) -> dict:
    """In this process: seconds to start a registry on ``root`` (nothing loaded back)."""
    from lstm_core.jobs import JobRegistry
    from lstm_core.store import RunStore

    if eager:  # as before: every interrupted job's data read while the registry starts
        interrupted = JobRegistry._interrupted
        JobRegistry._interrupted = lambda self, store, rec, now, with_data=True: interrupted(self, store, rec, now)  # type: ignore[method-assign]
    t0 = time.perf_counter()
    reg = JobRegistry(max_workers=1, torch_threads=1, store=RunStore(root), restore_bytes=0)
    out = {"seconds": time.perf_counter() - t0, "interrupted": sum(s.interrupted for s in reg.jobs_for(OWNER))}
    reg.close()
    return out


def child(args: list[str]) -> dict:
    root, which, what = args
    return restart(root, which == "before") if what == "memory" else start(root, which == "before")


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--points", type=int, default=100_000)
    p.add_argument("--runs", type=int, default=40)
    p.add_argument("--queued", type=int, default=30)
    p.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.child:
        print(json.dumps(child(args.child)))
        return
    from lstm_core.jobs import RESTORE_BYTES

    with tempfile.TemporaryDirectory(prefix="bench-restart-") as tmp:
        root = Path(tmp) / "jobs"
        mb = make_store(root, args.points, args.runs)

        def measure(which: str, what: str) -> dict:
            cmd = [sys.executable, "-m", "benchmarks.bench_restart_memory", "--child", str(root), which, what]
            out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
            return json.loads(out.strip().splitlines()[-1])

        rows = [(which, measure(which, "memory")) for which in ("before", "after")]
        add_queued(root, args.queued)
        starts = [(which, measure(which, "start")) for which in ("before", "after")]
    title = "every run of the last two hours"
    text = "\n".join(
        [
            f"# Memory after a restart: {args.runs} stored runs of {args.points:,} points ({mb:.1f} MB each on disk)",
            "",
            "| start | runs loaded back | seconds | resident memory (MB): before | after | growth |",
            "|---|---|---|---|---|---|",
            *[
                f"| {'before: ' + title if w == 'before' else f'after: the newest {RESTORE_BYTES // 2**20} MB'} "
                f"| {r['loaded']} | {r['seconds']:.1f} | {r['rss_before']:.0f} | {r['rss_after']:.0f} "
                f"| {r['rss_after'] - r['rss_before']:.0f} |"
                for w, r in rows
            ],
            "",
            f"## Start with {args.queued} jobs interrupted by the restart (queued on the same data)",
            "",
            "| start | interrupted jobs listed | seconds to start the registry |",
            "|---|---|---|",
            *[
                f"| {'before: their data read at the start' if w == 'before' else 'after: read when trained again'} "
                f"| {r['interrupted']} | {r['seconds']:.2f} |"
                for w, r in starts
            ],
            "",
        ]
    )
    print(text)
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(text)


if __name__ == "__main__":
    main()
