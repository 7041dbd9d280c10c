"""Training-step speed of the fast peephole / CIFG layers against fused ``nn.LSTM`` (CPU).

One step = forward + MSE loss + backward + Adam step of a 1-layer recurrent layer
(input size 1) plus a ``Linear(H, 1)`` head on the last hidden state, batch 64 x 50 steps.
Prints a markdown table of median warm step times (ms) and the ratio to fused nn.LSTM.
Target: peephole and CIFG at most 2.5x fused nn.LSTM.

Run: ``python -m benchmarks.bench_fastrnn [--hidden 64 128] [--steps 40]``
"""

from __future__ import annotations

import argparse
import math
import os
import statistics
import time

import torch
from torch import Tensor, nn

from lstm_core.fastrnn import (
    cifg_sequence,
    cifg_sequence_reference,
    peephole_sequence,
    peephole_sequence_reference,
)


class _Layer(nn.Module):
    """Minimal batch-first layer over a sequence function (the benchmark's stand-in for cells.py)."""

    def __init__(self, input_size: int, hidden: int, variant: str, fast: bool = True):
        super().__init__()
        chunks = 4 if variant == "peephole" else 3
        k = 1.0 / math.sqrt(hidden)
        self.hidden = hidden
        self.variant = variant
        self.w_ih = nn.Parameter(torch.empty(chunks * hidden, input_size).uniform_(-k, k))  # (G, I)
        self.w_hh = nn.Parameter(torch.empty(chunks * hidden, hidden).uniform_(-k, k))  # (G, H)
        self.bias = nn.Parameter(torch.empty(chunks * hidden).uniform_(-k, k))  # (G,)
        self.w_peep = nn.Parameter(torch.empty(3, hidden).uniform_(-k, k)) if chunks == 4 else None  # (3, H)
        if variant == "peephole":
            self.fn = peephole_sequence if fast else peephole_sequence_reference
        else:
            self.fn = cifg_sequence if fast else cifg_sequence_reference

    def forward(self, x: Tensor) -> Tensor:
        """x (B, T, I) -> h_T (B, H)."""
        B = x.shape[0]
        xproj = torch.nn.functional.linear(x.transpose(0, 1), self.w_ih, self.bias)  # (T, B, G)
        h0 = x.new_zeros(B, self.hidden)  # (B, H)
        c0 = x.new_zeros(B, self.hidden)  # (B, H)
        extra = (self.w_peep,) if self.w_peep is not None else ()
        _, h_T, _ = self.fn(xproj, h0, c0, self.w_hh, *extra)
        return h_T


class _Fused(nn.Module):
    """nn.LSTM + head on the last hidden state."""

    def __init__(self, input_size: int, hidden: int):
        super().__init__()
        self.rnn = nn.LSTM(input_size, hidden, batch_first=True)

    def forward(self, x: Tensor) -> Tensor:
        """x (B, T, I) -> h_T (B, H)."""
        out, _ = self.rnn(x)  # (B, T, H)
        return out[:, -1]


def _make_step(body: nn.Module, hidden: int, batch: int, T: int):
    """Return a closure running one full training step of ``body`` + Linear head (seeded data)."""
    torch.manual_seed(0)
    model = nn.Sequential(body, nn.Linear(hidden, 1))
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    x = torch.randn(batch, T, 1)  # (B, T, 1)
    y = torch.randn(batch, 1)  # (B, 1)

    def step() -> None:
        opt.zero_grad(set_to_none=True)
        loss = nn.functional.mse_loss(model(x), y)
        loss.backward()
        opt.step()

    return step


def _interleaved_ms(steps: dict, n: int, warmup: int, chunk: int) -> dict:
    """Median step time (ms) per variant; variants alternate every ``chunk`` steps so that
    load from other processes on the machine hits all of them alike."""
    for step in steps.values():
        for _ in range(warmup):
            step()
    times: dict = {k: [] for k in steps}
    while any(len(v) < n for v in times.values()):
        for k, step in steps.items():
            for _ in range(chunk):
                t0 = time.perf_counter()
                step()
                times[k].append(time.perf_counter() - t0)
    return {k: (1e3 * statistics.median(v), 1e3 * min(v)) for k, v in times.items()}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--hidden", type=int, nargs="+", default=[64, 128])
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--seq", type=int, default=50)
    ap.add_argument("--steps", type=int, default=60, help="timed steps per variant (median taken)")
    ap.add_argument("--warmup", type=int, default=10)
    ap.add_argument("--chunk", type=int, default=5, help="consecutive steps of one variant before switching")
    a = ap.parse_args()
    print(
        f"torch {torch.__version__}, threads {torch.get_num_threads()}, batch {a.batch} x {a.seq} steps, "
        f"median of {a.steps} warm steps per variant (best step in brackets), variants interleaved "
        f"every {a.chunk} steps; load average before: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs\n"
    )
    print(
        "| hidden | fused nn.LSTM ms | peephole ms (x fused) | cifg ms (x fused) "
        "| reference peephole loop ms (x) | reference cifg loop ms (x) |"
    )
    print("|---:|---:|---:|---:|---:|---:|")
    for H in a.hidden:
        bodies = {
            "fused": _Fused(1, H),
            "peep": _Layer(1, H, "peephole"),
            "cifg": _Layer(1, H, "cifg"),
            "ref_peep": _Layer(1, H, "peephole", fast=False),
            "ref_cifg": _Layer(1, H, "cifg", fast=False),
        }
        steps = {k: _make_step(b, H, a.batch, a.seq) for k, b in bodies.items()}
        ms = _interleaved_ms(steps, a.steps, a.warmup, a.chunk)
        f, fb = ms["fused"]
        cell = lambda k: f"{ms[k][0]:.2f} ({ms[k][0] / f:.2f}x) [{ms[k][1]:.2f}]"  # noqa: E731
        print(
            f"| {H} | {f:.2f} [{fb:.2f}] | {cell('peep')} | {cell('cifg')} | {cell('ref_peep')} | {cell('ref_cifg')} |"
        )
    load = os.getloadavg()[0]
    print(
        f"\nload average after: {load:.2f}"
        + (
            "  (other processes shared the CPUs: timings are inflated and ratios unreliable; rerun on an idle machine)"
            if load > 1.5 * (os.cpu_count() or 1)
            else ""
        )
    )


if __name__ == "__main__":
    main()
