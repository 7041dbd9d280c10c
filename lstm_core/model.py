"""Forecaster: a recurrent stack (any cell of :mod:`lstm_core.cells`) and a linear head."""
from __future__ import annotations

import torch
from torch import Tensor, nn

from .cells import build_recurrent, replay
from .config import ModelConfig


class Forecaster(nn.Module):
    """``forward(x (B, T, F)) -> (B, output_size)``: the head reads the last step's ``h``.

    With ``output_size > 1`` the head predicts ``horizon`` steps at once (direct multi-output).
    """

    def __init__(self, cfg: ModelConfig):
        super().__init__()
        cfg.validate()
        self.cfg = cfg
        self.rnn = build_recurrent(cfg)
        self.head = nn.Linear(cfg.hidden_size, cfg.output_size)

    def forward(self, x: Tensor) -> Tensor:
        h, _ = self.rnn(x)  # (B, T, H)
        return self.head(h[:, -1])  # (B, out)

    def gate_trace(self, x: Tensor) -> list[dict[str, Tensor]]:
        """Exact per-step gates of every layer for ``x`` (B, T, F); see :func:`cells.replay`."""
        return replay(self.rnn, self.cfg.cell, x)

    def num_parameters(self) -> int:
        return sum(p.numel() for p in self.parameters())

    @property
    def device(self) -> torch.device:
        return next(self.parameters()).device
