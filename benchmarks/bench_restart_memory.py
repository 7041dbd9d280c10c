"""Server memory after a restart over a run store of big runs: every recent run loaded back
(before) against the newest :data:`lstm_core.jobs.RESTORE_BYTES` of them (after).

Trains one run on ``--points`` hourly points (hidden 4, one epoch, one network), stores it
``--runs`` times under one owner (copies of its folder with their own job.json and index row,
as :meth:`RunStore.save` writes them; the data once, by hash), then, each in a fresh process,
starts a job registry on that store (what a restarted server does) and waits until the runs it
restores have loaded. Printed: runs loaded back, seconds, and the process's resident memory
before and after. Measured here (2 shared cores): see ``benchmarks/results/bench_restart_memory.md``.

    python -m benchmarks.bench_restart_memory [--points 100000] [--runs 40]
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


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--points", type=int, default=100_000)
    p.add_argument("--runs", type=int, default=40)
    p.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.child:
        print(json.dumps(restart(args.child[0], args.child[1] == "before")))
        return
    from lstm_core.jobs import RESTORE_BYTES

    with tempfile.TemporaryDirectory(prefix="bench-restart-") as tmp:
        root = Path(tmp) / "jobs"
        mb = make_store(root, args.points, args.runs)
        rows = []
        for which in ("before", "after"):
            cmd = [sys.executable, "-m", "benchmarks.bench_restart_memory", "--child", str(root), which]
            res = json.loads(
                subprocess.run(cmd, check=True, capture_output=True, text=True).stdout.strip().splitlines()[-1]
            )
            rows.append((which, res))
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
        ]
    )
    print(text)
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(text)


if __name__ == "__main__":
    main()
