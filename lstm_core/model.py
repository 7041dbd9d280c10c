"""Forecaster: a recurrent stack (any cell of :mod:`lstm_core.cells`) and a linear head."""

from __future__ import annotations

from typing import cast

import torch
from torch import Tensor, nn

from .cells import build_recurrent, replay
from .config import ModelConfig


class Forecaster(nn.Module):
    """``forward(x (B, T, F)) -> (B, output_size)``: the head reads the last step's ``h``.

    With ``output_size > 1`` the head predicts ``horizon`` steps at once (direct multi-output).
    With ``cfg.linear_inputs = L > 0`` a linear path from the last L values of input feature 0
    (the target's own past, ``x[:, -L:, 0]``, T >= L) adds to the first output, the one-step
    prediction: the autoregressive part of LSTNet (Lai et al. 2018), trained with the rest. It
    starts at zero, so a new network begins as the recurrent stack and its head alone, and the
    stack learns what the linear map of the window leaves.
    """

    def __init__(self, cfg: ModelConfig):
        super().__init__()
        cfg.validate()
        self.cfg = cfg
        self.rnn = build_recurrent(cfg)
        self.head = nn.Linear(cfg.hidden_size, cfg.output_size)
        # built after the head, so the stack's and the head's initial weights for a seed are unchanged
        self.linear = nn.Linear(cfg.linear_inputs, 1) if cfg.linear_inputs else None
        if self.linear is not None:
            nn.init.zeros_(self.linear.weight)
            nn.init.zeros_(self.linear.bias)

    def forward(self, x: Tensor) -> Tensor:
        h, _ = self.rnn(x)  # (B, T, H)
        out = self.head(h[:, -1])  # (B, out)
        if self.linear is None:
            return out
        first = out[:, :1] + self.linear(x[:, -self.cfg.linear_inputs :, 0])  # (B, 1)
        return torch.cat([first, out[:, 1:]], dim=1)  # (B, out)

    def gate_trace(self, x: Tensor) -> list[dict[str, Tensor]]:
        """Exact per-step gates of every layer for ``x`` (B, T, F); see :func:`cells.replay`."""
        return replay(self.rnn, self.cfg.cell, x)

    def num_parameters(self) -> int:
        return sum(p.numel() for p in self.parameters())

    @property
    def device(self) -> torch.device:
        return next(self.parameters()).device


class Ensemble(nn.Module):
    """Several :class:`Forecaster` s trained from different seeds; ``forward`` averages them.

    ``forward(x (B, T, F)) -> (B, output_size)``, the mean of the members' outputs. Averaging
    cuts the seed-to-seed spread of multi-step forecasts (N-BEATS, ES-RNN ensembles). The gates
    shown for an ensemble are member 0's (``rnn``, ``cfg`` and :meth:`gate_trace` point there).
    """

    def __init__(self, members: list[Forecaster]):
        super().__init__()
        if not members:
            raise ValueError("An ensemble needs at least one member.")
        self.members = nn.ModuleList(members)
        self.cfg = members[0].cfg

    @property
    def first(self) -> Forecaster:
        """Member 0, whose gates are the ones shown for the ensemble."""
        return cast(Forecaster, self.members[0])

    @property
    def rnn(self) -> nn.Module:
        return self.first.rnn

    def forward(self, x: Tensor) -> Tensor:
        return torch.stack([cast(Forecaster, m)(x) for m in self.members]).mean(0)  # (B, out)

    def gate_trace(self, x: Tensor) -> list[dict[str, Tensor]]:
        """Member 0's exact per-step gates; see :meth:`Forecaster.gate_trace`."""
        return self.first.gate_trace(x)

    def num_parameters(self) -> int:
        return sum(p.numel() for p in self.parameters())

    @property
    def device(self) -> torch.device:
        return next(self.parameters()).device


def empty_forecaster(cfg: ModelConfig) -> Forecaster:
    """A Forecaster of ``cfg``'s shape whose weights are to be loaded (uninitialised, on CPU).

    Built on the meta device, so it draws nothing from torch's global random generator: building
    one while a job trains on another thread (a live-gates snapshot, a run loaded from disk)
    leaves that job's random stream, and so its results for a seed, unchanged.
    """
    with torch.device("meta"):
        net = Forecaster(cfg)
    return net.to_empty(device="cpu")


def pack(members: list[Forecaster]) -> Forecaster | Ensemble:
    """One member stays a plain Forecaster (its saved state dict is unchanged); more make an Ensemble."""
    return members[0] if len(members) == 1 else Ensemble(members)
