"""Classic presets: ours next to what the tutorials reported (run: python -m benchmarks.bench_presets).

``--full`` trains the tutorials' epochs; the default uses the class-demo epochs the app uses.
"""

from __future__ import annotations

import argparse
import time

import pandas as pd

from lstm_core import presets as ps
from lstm_core.pipeline import fit_run


def _markdown(df: pd.DataFrame) -> str:
    def cell(v) -> str:
        return f"{v:.4g}" if isinstance(v, float) else str(v)

    lines = ["| " + " | ".join(df.columns) + " |", "|" + "---|" * len(df.columns)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in df.itertuples(index=False)]
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--full", action="store_true", help="the tutorials' epochs instead of the demo's")
    ap.add_argument("--only", choices=list(ps.PRESETS), default=None)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    pd.set_option("display.width", 200)
    for key, p in ps.PRESETS.items():
        if args.only not in (None, key):
            continue
        configs = ps.preset_configs(key, demo=not args.full)
        series = p.series()
        runs, secs = {}, {}
        for label, cfg in configs.items():
            cfg.train.seed = args.seed
            t0 = time.perf_counter()
            runs[label] = fit_run(series, cfg)
            secs[label] = time.perf_counter() - t0
        print(f"\n## {p.title} ({key})\n\n{ps.epochs_note(key, configs)}\n")
        table = ps.result_table(key, runs)
        table["seconds"] = table["config"].map(secs)
        print(_markdown(table))


if __name__ == "__main__":
    main()
