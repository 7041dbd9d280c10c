"""Accuracy targets of the engine, printed as markdown tables (run: python -m benchmarks.bench_accuracy).

1. Airline passengers, classic split (first 67% train+validation, the rest test): the
   engine's default configuration, one-step test RMSE (target <= 25), over three seeds,
   beside the Keras LSTM(4) look_back-1 MinMax recipe and the baselines on the same points.
2. Noisy sine sin(t) + N(0, 0.5^2), t = 0..1000 step 0.1: test RMSE within 3% of the noise
   level 0.5 (the true sine itself scores about 0.495 on the test part).
3. sin -> cos mapping, 200 points on [0, 12*pi], first half train: training MSE < 1e-4.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd

from lstm_core.config import RunConfig
from lstm_core.data import Series, generate, noisy_sine_truth
from lstm_core.pipeline import fit_run


def _table(rows: list[dict]) -> str:
    cols = list(rows[0])
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for r in rows:
        lines.append("| " + " | ".join(f"{v:.4g}" if isinstance(v, float) else str(v) for v in r.values()) + " |")
    return "\n".join(lines)


def airline(seeds: list[int]) -> list[dict]:
    frame = generate("airline")
    rows = []
    keras = RunConfig()
    keras.data.look_back, keras.data.scaler, keras.data.transform, keras.data.val_fraction = 1, "minmax", "none", 0.0
    keras.model.hidden_size = 4
    keras.train.epochs, keras.train.batch_size, keras.train.lr, keras.train.patience = 100, 1, 0.001, None
    keras.train.grad_clip = None
    keras.train.ensemble, keras.data.horizon = 1, 1  # one network predicting the next step, as the recipe
    for label, base in (("engine defaults", RunConfig()), ("Keras recipe LSTM(4), look_back 1, MinMax", keras)):
        for seed in seeds:
            cfg = RunConfig.from_dict(base.to_dict())
            cfg.train.seed = seed
            t0 = time.perf_counter()
            run = fit_run(Series(frame, season=12), cfg)
            m = run.metrics.to_dict()
            rows.append(
                {
                    "config": label,
                    "seed": seed,
                    "test RMSE": m["test"]["rmse"],
                    "train RMSE": m["train"]["rmse"],
                    "48-step RMSE": m["test_multistep"]["rmse"],
                    "transform": m["info"]["transform"],
                    "epochs": m["info"]["epochs_run"],
                    "seconds": time.perf_counter() - t0,
                }
            )
    for name, mm in run.metrics.to_dict()["baselines"].items():
        rows.append(
            {
                "config": f"baseline: {name}",
                "seed": "-",
                "test RMSE": mm["rmse"],
                "train RMSE": "-",
                "48-step RMSE": run.metrics.to_dict()["baselines_multistep"][name]["rmse"],
                "transform": "-",
                "epochs": "-",
                "seconds": "-",
            }
        )
    return rows


def noisy_sine(seeds: list[int]) -> list[dict]:
    frame = generate("noisy-sine", seed=0)
    truth = noisy_sine_truth()
    rows = []
    for seed in seeds:
        cfg = RunConfig()
        cfg.data.look_back, cfg.data.test_fraction = 50, 0.2
        cfg.data.horizon = 1  # a one-step benchmark: one output per window (auto would predict a season at once)
        cfg.model.hidden_size = 32
        cfg.train.batch_size, cfg.train.lr, cfg.train.patience, cfg.train.epochs, cfg.train.seed = (
            128,
            0.003,
            8,
            60,
            seed,
        )
        t0 = time.perf_counter()
        run = fit_run(frame, cfg)
        test = run.predictions[run.predictions.part == "test"]
        floor = float(np.sqrt(np.mean((test.actual.to_numpy() - truth[test.index]) ** 2)))
        rmse = run.metrics.to_dict()["test"]["rmse"]
        rows.append(
            {
                "seed": seed,
                "test RMSE": rmse,
                "true sine RMSE (floor)": floor,
                "vs noise 0.5": f"{(rmse / 0.5 - 1) * 100:+.1f}%",
                "epochs": len(run.history),
                "seconds": time.perf_counter() - t0,
            }
        )
    return rows


def sin_cos(seeds: list[int]) -> list[dict]:
    frame = generate("sin-cos")
    rows = []
    for seed in seeds:
        cfg = RunConfig()
        cfg.data.target, cfg.data.inputs, cfg.data.horizon, cfg.data.look_back = "cos", ["sin"], 0, 10
        cfg.data.test_fraction, cfg.data.val_fraction, cfg.data.transform = 0.5, 0.0, "none"
        cfg.model.hidden_size = 16
        cfg.train.lr, cfg.train.epochs, cfg.train.patience, cfg.train.batch_size, cfg.train.seed = (
            0.01,
            300,
            None,
            16,
            seed,
        )
        cfg.train.ensemble = 1  # the tutorial's one network
        t0 = time.perf_counter()
        run = fit_run(frame, cfg)
        pred = run.predictions[run.predictions.part == "train"].dropna(subset=["one_step"])
        mse = float(np.mean((pred.actual - pred.one_step) ** 2))
        rows.append(
            {
                "seed": seed,
                "train MSE": mse,
                "test RMSE": run.metrics.to_dict()["test"]["rmse"],
                "below 1e-4": mse < 1e-4,
                "seconds": time.perf_counter() - t0,
            }
        )
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--seeds", type=int, default=3)
    ap.add_argument("--only", choices=["airline", "noisy-sine", "sin-cos"], default=None)
    args = ap.parse_args()
    seeds = list(range(args.seeds))
    for name, fn in (("airline", airline), ("noisy-sine", noisy_sine), ("sin-cos", sin_cos)):
        if args.only in (None, name):
            print(f"\n## {name}\n")
            print(_table(fn(seeds)), flush=True)


if __name__ == "__main__":
    pd.set_option("display.width", 200)
    main()
