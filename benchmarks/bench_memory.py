"""Long-memory sweep: accuracy per cell per lag and total seconds (run: python -m benchmarks.bench_memory).

Default settings (lstm_core.memory_task.MemoryConfig): RNN, LSTM and GRU at lags 5, 10, 25,
50, the same budget of training steps each. Target: the RNN at chance (~50%) by lag 50,
LSTM and GRU >= 90%, the whole sweep under 3 minutes on 2 CPU cores.
"""

from __future__ import annotations

import argparse
import time

import torch

from lstm_core.memory_task import MemoryConfig, accuracy_table, sweep


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--seeds", type=int, default=1, help="repeat the sweep for seeds 0..n-1")
    ap.add_argument("--threads", type=int, default=1, help="torch intra-op threads")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    for seed in range(args.seeds):
        t0 = time.perf_counter()
        res = sweep(MemoryConfig(seed=seed))
        total = time.perf_counter() - t0
        table = accuracy_table(res).round(1)
        steps = res.pivot(index="lag", columns="cell", values="steps")[table.columns]
        print(f"\n## seed {seed}: test accuracy (%) per lag, total {total:.1f} s\n")
        print(
            "| lag | "
            + " | ".join(c.upper() for c in table.columns)
            + " | steps used ("
            + "/".join(table.columns)
            + ") |"
        )
        print("|---" * (len(table.columns) + 2) + "|")
        for lag, row in table.iterrows():
            print(
                f"| {lag} | "
                + " | ".join(f"{v:.1f}" for v in row)
                + " | "
                + "/".join(str(int(s)) for s in steps.loc[lag])
                + " |"
            )


if __name__ == "__main__":
    main()
