"""Speed targets on CPU, printed as a markdown table (run: python -m benchmarks.bench_speed).

* One training epoch through the engine's Trainer (batch 64, 50 steps, hidden 64) costs at
  most 1.10x the same epoch written as a bare nn.LSTM + Adam loop on the same tensors.
* Peephole and CIFG training steps cost at most 2.5x a fused nn.LSTM step: measured by
  ``python -m benchmarks.bench_fastrnn``, which interleaves the variants so that the VM's
  drifting speed hits them alike (block-by-block timings here drifted by 30% run to run).
* Gate replay of 10,000 steps x 64 units takes at most 0.5 s.

Timings are medians over repeats after a warm-up; the two epoch variants alternate so that
background load hits both alike.
"""

from __future__ import annotations

import argparse
import statistics
import time

import torch
from torch import nn

from lstm_core.config import ModelConfig, TrainConfig
from lstm_core.model import Forecaster
from lstm_core.train import Trainer

B, T, H, N = 64, 50, 64, 64 * 40  # batch, steps, hidden, samples per epoch (40 batches)


def _data(seed: int = 0):
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(N, T, 1, generator=g)
    y = x[:, -5:, 0].mean(1, keepdim=True)
    return x, y


def bare_epoch(model: nn.Module, head: nn.Module, opt, x, y, gen) -> None:
    """The reference: what anyone writes by hand around nn.LSTM."""
    loss_fn = nn.MSELoss()
    perm = torch.randperm(len(x), generator=gen)
    total = 0.0
    for i in range(0, len(x), B):
        idx = perm[i : i + B]
        opt.zero_grad(set_to_none=True)
        out, _ = model(x[idx])
        loss = loss_fn(head(out[:, -1]), y[idx])
        loss.backward()
        opt.step()
        total += loss.item()


def time_epochs(repeats: int) -> tuple[float, float]:
    x, y = _data()
    torch.manual_seed(0)
    lstm, head = nn.LSTM(1, H, batch_first=True), nn.Linear(H, 1)
    opt = torch.optim.Adam(list(lstm.parameters()) + list(head.parameters()), lr=1e-3)
    gen = torch.Generator().manual_seed(0)
    model = Forecaster(ModelConfig(cell="lstm", hidden_size=H, input_size=1))
    trainer = Trainer(model, TrainConfig(epochs=1, batch_size=B, lr=1e-3, device="cpu", patience=None))
    xn, yn = x.numpy(), y.numpy()
    bare, engine = [], []
    for r in range(repeats + 1):
        t0 = time.perf_counter()
        bare_epoch(lstm, head, opt, x, y, gen)
        t1 = time.perf_counter()
        trainer.fit(xn, yn)  # one epoch, no validation part, clipping at the default 1.0
        t2 = time.perf_counter()
        if r:  # the first round is warm-up
            bare.append(t1 - t0)
            engine.append(t2 - t1)
    return statistics.median(bare), statistics.median(engine)


def time_replay(cell: str, steps: int = 10_000, repeats: int = 3) -> float:
    torch.manual_seed(0)
    model = Forecaster(ModelConfig(cell=cell, hidden_size=H, input_size=1)).eval()
    x = torch.randn(1, steps, 1)
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        model.gate_trace(x)
        times.append(time.perf_counter() - t0)
    return min(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--repeats", type=int, default=7)
    args = ap.parse_args()
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads; batch {B}, {T} steps, hidden {H}\n")
    bare, engine = time_epochs(args.repeats)
    print("| measure | value | target |\n|---|---|---|")
    print(f"| bare nn.LSTM + Adam epoch ({N // B} batches) | {bare * 1000:.0f} ms | |")
    print(f"| engine Trainer epoch, same tensors | {engine * 1000:.0f} ms | |")
    print(f"| engine / bare | {engine / bare:.3f}x | <= 1.10x |")
    for cell in ("lstm", "gru", "peephole", "cifg", "rnn"):
        print(f"| gate replay, {cell}, 10,000 steps x {H} units | {time_replay(cell):.3f} s | <= 0.5 s |")


if __name__ == "__main__":
    main()
