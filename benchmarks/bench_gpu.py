"""Speed on the GPU of this machine against its CPU: the checks of ``scripts/gpu_check.sh``.

Rows: one training step (forward + MSE + backward + Adam) of every cell type (``lstm`` is torch's
fused kernel; ``peephole`` / ``cifg`` are :mod:`lstm_core.fastrnn`'s), the exact gate replay of
a trained-size LSTM (:func:`lstm_core.cells.replay`), and a default airline run (``fit_run``
with the app's defaults: the representation backtest, the ensemble, the evaluation) with
``device="cuda"`` and ``"cpu"``. Prints a markdown table (median ms of warm repeats; the airline
run once, in seconds) and writes ``benchmarks/results/bench_gpu.md``. Without CUDA it prints one
line and exits 0 (nothing to measure).

Run: ``python -m benchmarks.bench_gpu [--hidden 64] [--batch 64] [--steps 50] [--repeats 30]``
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import torch
from torch import nn

from lstm_core.cells import replay
from lstm_core.config import CELL_TYPES, ModelConfig, RunConfig
from lstm_core.data import Series, generate
from lstm_core.model import Forecaster
from lstm_core.pipeline import fit_run

RESULTS = Path(__file__).parent / "results" / "bench_gpu.md"


def _sync(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def _median_ms(fn, device: torch.device, repeats: int) -> float:
    for _ in range(3):  # warm-up: kernels, allocator, autotuning
        fn()
    _sync(device)
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        _sync(device)
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def train_step_ms(cell: str, device: torch.device, hidden: int, batch: int, steps: int, repeats: int) -> float:
    """One step of a 1-layer ``cell`` Forecaster on a (batch, steps, 1) batch, in ms."""
    torch.manual_seed(0)
    model = Forecaster(ModelConfig(cell=cell, hidden_size=hidden)).to(device)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    x, y = torch.randn(batch, steps, 1, device=device), torch.randn(batch, 1, device=device)
    loss_fn = nn.MSELoss()

    def step() -> None:
        opt.zero_grad(set_to_none=True)
        loss_fn(model(x), y).backward()
        opt.step()

    return _median_ms(step, device, repeats)


def replay_ms(device: torch.device, hidden: int, batch: int, steps: int, repeats: int) -> float:
    """Exact per-step gates of an LSTM over (batch, steps, 1), in ms."""
    model = Forecaster(ModelConfig(cell="lstm", hidden_size=hidden)).to(device).eval()
    x = torch.randn(batch, steps, 1, device=device)
    return _median_ms(lambda: replay(model.rnn, "lstm", x), device, repeats)


def airline_s(device: str) -> tuple[float, str]:
    """A default run on the airline data (the Train page's Start with the defaults), in s."""
    cfg = RunConfig()
    cfg.train.device = device
    t0 = time.perf_counter()
    run = fit_run(Series(generate("airline"), season=12), cfg)
    return time.perf_counter() - t0, run.device


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--hidden", type=int, default=64)
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--steps", type=int, default=50)
    p.add_argument("--repeats", type=int, default=30)
    args = p.parse_args(argv)
    if not torch.cuda.is_available():
        print("no CUDA device here (torch.cuda.is_available() is False): nothing to measure.")
        return 0
    torch.set_num_threads(1)
    gpu, cpu = torch.device("cuda"), torch.device("cpu")
    name = torch.cuda.get_device_name(gpu)
    shape = f"batch {args.batch} x {args.steps} steps, hidden {args.hidden}"
    rows = []
    for cell in CELL_TYPES:
        c = train_step_ms(cell, cpu, args.hidden, args.batch, args.steps, args.repeats)
        g = train_step_ms(cell, gpu, args.hidden, args.batch, args.steps, args.repeats)
        rows.append((f"training step, {cell}" + (" (fused)" if cell == "lstm" else ""), "ms", c, g))
    c = replay_ms(cpu, args.hidden, args.batch, args.steps, args.repeats)
    g = replay_ms(gpu, args.hidden, args.batch, args.steps, args.repeats)
    rows.append(("gate replay, lstm", "ms", c, g))
    c_s, _ = airline_s("cpu")
    g_s, label = airline_s("cuda")
    rows.append((f"default airline run ({label})", "s", c_s, g_s))
    lines = [
        f"GPU: {name}; torch {torch.__version__}, CUDA {torch.version.cuda}; {shape}; CPU: 1 torch thread.",
        "",
        "| what | unit | CPU | GPU | CPU / GPU |",
        "|---|---|---:|---:|---:|",
    ]
    lines += [f"| {what} | {unit} | {c:.2f} | {g:.2f} | {c / g:.2f}x |" for what, unit, c, g in rows]
    text = "\n".join(lines)
    print(text)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
