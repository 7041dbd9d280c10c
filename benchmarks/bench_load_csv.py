"""How long ``load_csv`` takes on long files: hourly timestamps and one value, and daily dates with
three values, at several lengths (files written to a temporary folder; one run each, wall time).

    python -m benchmarks.bench_load_csv [--rows 10000,100000,500000]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from lstm_core.data.loader import load_csv


def _write(folder: Path, rows: int, kind: str) -> Path:
    rng = np.random.default_rng(0)
    if kind == "hourly":
        idx = pd.date_range("2000-01-01", periods=rows, freq="h")
        frame = pd.DataFrame(
            {"time": idx.strftime("%Y-%m-%d %H:%M:%S"), "load": (50 + rng.normal(0, 1, rows)).round(3)}
        )
    else:
        idx = pd.date_range("1900-01-01", periods=rows, freq="D")
        frame = pd.DataFrame({"date": idx.strftime("%Y-%m-%d"), **{c: rng.normal(0, 1, rows).round(4) for c in "abc"}})
    path = folder / f"{kind}_{rows}.csv"
    frame.to_csv(path, index=False)
    return path


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", default="10000,100000,500000", help="comma-separated file lengths")
    args = ap.parse_args()
    print("| file | rows | MB | load s | rows read | frequency |")
    print("|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        for rows in (int(r) for r in args.rows.split(",")):
            for kind in ("hourly", "daily"):
                if kind == "daily" and rows > 50_000:  # daily dates past year 2262 leave pandas' range
                    continue
                path = _write(Path(tmp), rows, kind)
                t0 = time.perf_counter()
                loaded = load_csv(path)
                dt = time.perf_counter() - t0
                mb = path.stat().st_size / 2**20
                print(
                    f"| {kind} | {rows:,} | {mb:.1f} | {dt:.2f} | {len(loaded.frame):,} | {loaded.report.frequency} |"
                )


if __name__ == "__main__":
    main()
