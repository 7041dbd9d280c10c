"""Recurrent cells: trainable stacks and an exact, gate-recording replay for every cell type.

Training paths
--------------
* ``rnn``, ``lstm``, ``gru`` train on torch's fused ``nn.RNN`` / ``nn.LSTM`` / ``nn.GRU``.
* ``peephole`` and ``cifg`` train on :class:`VariantStack`, whose layers hoist the input
  projection out of the time loop and run the recurrence through hand-written BPTT
  (:mod:`lstm_core.fastrnn`).

Replay path
-----------
:func:`replay` runs any trained stack step by step from its own weights and records every
gate. Each cell's gate layout and step maths live once, in :mod:`lstm_core.cellspec`
(:data:`SPECS`); this module builds the trainable stacks and replays them with those steps.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import torch
from torch import Tensor, nn

from .cellspec import SPECS, CellSpec, LayerWeights, StepFn, spec
from .config import ModelConfig
from .fastrnn import cifg_sequence, peephole_sequence

__all__ = [
    "CELL_DESCRIPTIONS",
    "FUSED",
    "GATES",
    "GATE_ROWS",
    "SPECS",
    "STEPS",
    "CellSpec",
    "LayerWeights",
    "VariantLayer",
    "VariantStack",
    "build_recurrent",
    "initial_state",
    "layer_weights",
    "num_layers",
    "replay",
    "spec",
]

#: Per cell type, the traces :func:`replay` records (gates, then states).
GATES: dict[str, tuple[str, ...]] = {n: s.traces for n, s in SPECS.items()}
#: Rows of the fused projection per hidden unit.
GATE_ROWS: dict[str, int] = {n: len(s.gates) for n, s in SPECS.items()}
CELL_DESCRIPTIONS: dict[str, str] = {n: s.description for n, s in SPECS.items()}
#: Per cell type, its step function (see :mod:`lstm_core.cellspec`).
STEPS: dict[str, StepFn] = {n: s.step for n, s in SPECS.items()}


class VariantLayer(nn.Module):
    """One peephole or CIFG layer. ``forward(x (B, T, F)) -> (B, T, H)``.

    Parameters: ``weight_ih`` (G, F), ``weight_hh`` (G, H), ``bias`` (G,) and, for the
    peephole cell, ``peep`` (3, H) holding p_i, p_f, p_o. G = 4H (i, f, g, o) or 3H (f, g, o):
    the row blocks of ``SPECS[cell].gates``.
    """

    peep: nn.Parameter | None

    def __init__(self, cell: str, input_size: int, hidden_size: int):
        super().__init__()
        if cell not in ("peephole", "cifg"):
            raise ValueError(f"VariantLayer takes 'peephole' or 'cifg', not {cell!r}.")
        self.cell, self.hidden_size = cell, hidden_size
        cs = SPECS[cell]
        g = len(cs.gates) * hidden_size
        self.weight_ih = nn.Parameter(torch.empty(g, input_size))
        self.weight_hh = nn.Parameter(torch.empty(g, hidden_size))
        self.bias = nn.Parameter(torch.empty(g))
        if cs.peepholes:
            self.peep = nn.Parameter(torch.empty(len(cs.peepholes), hidden_size))
        else:
            self.peep = None
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """torch's RNN initialisation: U(-1/sqrt(H), 1/sqrt(H)) for every parameter."""
        k = 1.0 / math.sqrt(self.hidden_size)
        for p in self.parameters():
            nn.init.uniform_(p, -k, k)

    def forward(self, x: Tensor) -> Tensor:
        b = x.shape[0]
        xproj = torch.addmm(self.bias, x.transpose(0, 1).reshape(-1, x.shape[2]), self.weight_ih.t())
        xproj = xproj.view(x.shape[1], b, -1)  # (T, B, G)
        h0 = x.new_zeros(b, self.hidden_size)  # (B, H)
        if self.peep is not None:
            hs, _, _ = peephole_sequence(xproj, h0, h0, self.weight_hh, self.peep)
        else:
            hs, _, _ = cifg_sequence(xproj, h0, h0, self.weight_hh)
        return hs.transpose(0, 1)  # (B, T, H)


class VariantStack(nn.Module):
    """Stack of :class:`VariantLayer` with dropout between layers; mirrors ``nn.LSTM``'s call."""

    def __init__(self, cell: str, input_size: int, hidden_size: int, num_layers: int, dropout: float = 0.0):
        super().__init__()
        self.layers = nn.ModuleList(
            VariantLayer(cell, input_size if k == 0 else hidden_size, hidden_size) for k in range(num_layers)
        )
        self.dropout = nn.Dropout(dropout if num_layers > 1 else 0.0)

    def forward(self, x: Tensor) -> tuple[Tensor, None]:
        for k, layer in enumerate(self.layers):
            x = layer(self.dropout(x) if k else x)  # (B, T, H)
        return x, None


#: torch's fused modules by ``CellSpec.fused`` name.
FUSED: dict[str, Callable[..., nn.RNNBase]] = {"RNN": nn.RNN, "LSTM": nn.LSTM, "GRU": nn.GRU}


def build_recurrent(cfg: ModelConfig) -> nn.Module:
    """The recurrent stack for ``cfg.cell``: ``forward(x (B, T, F)) -> (out (B, T, H), state)``."""
    cs = spec(cfg.cell)
    hidden, layers = cfg.hidden_size, cfg.num_layers
    dropout = cfg.dropout if layers > 1 else 0.0
    if cs.fused is not None:
        return FUSED[cs.fused](cfg.input_size, hidden, num_layers=layers, dropout=dropout, batch_first=True)
    return VariantStack(cfg.cell, cfg.input_size, hidden, layers, dropout=dropout)


# ----------------------------------------------------------------------------- replay


def layer_weights(rec: nn.Module, cell: str, layer: int) -> LayerWeights:
    """Read layer ``layer``'s weights from a stack built by :func:`build_recurrent`."""
    if isinstance(rec, VariantStack):
        m = rec.layers[layer]
        assert isinstance(m, VariantLayer)
        zeros = torch.zeros_like(m.bias)
        return LayerWeights(m.weight_ih, m.weight_hh.t(), m.bias, zeros, m.peep)
    w_ih, w_hh = _param(rec, f"weight_ih_l{layer}"), _param(rec, f"weight_hh_l{layer}")
    b_ih, b_hh = _param(rec, f"bias_ih_l{layer}"), _param(rec, f"bias_hh_l{layer}")
    if cell == "gru":
        # r and z take both biases in the projection; n keeps b_hn inside r * (W_hn h + b_hn).
        n = SPECS["gru"].rows("n", w_hh.shape[1])
        before, after = b_hh[: n.start], b_hh[n.stop :]
        b_x = b_ih + torch.cat([before, torch.zeros_like(b_hh[n]), after])
        b_h = torch.cat([torch.zeros_like(before), b_hh[n], torch.zeros_like(after)])
        return LayerWeights(w_ih, w_hh.t(), b_x, b_h, None)
    return LayerWeights(w_ih, w_hh.t(), b_ih + b_hh, torch.zeros_like(b_hh), None)


def _param(rec: nn.Module, name: str) -> Tensor:
    p = getattr(rec, name)
    assert isinstance(p, Tensor), name
    return p


def initial_state(cell: str, batch: int, hidden: int, like: Tensor) -> tuple[Tensor, ...]:
    """Zero state on ``like``'s device and dtype: (h,) or (h, c), each (B, H)."""
    h = like.new_zeros(batch, hidden)
    return tuple(h if k == 0 else h.clone() for k in range(len(spec(cell).state)))


def num_layers(rec: nn.Module) -> int:
    """Layers of a stack built by :func:`build_recurrent`."""
    if isinstance(rec, VariantStack):
        return len(rec.layers)
    assert isinstance(rec, nn.RNNBase)
    return rec.num_layers


@torch.inference_mode()
def replay(rec: nn.Module, cell: str, x: Tensor) -> list[dict[str, Tensor]]:
    """Run a trained stack over ``x`` (B, T, F) from a zero state, recording every gate.

    Returns one dict per layer mapping each name in ``GATES[cell]`` to a (T, B, H) tensor.
    The last layer's ``h`` equals the stack's own output (tested to 1e-5 for every cell).
    The input projection is hoisted out of the time loop; the loop does one matmul a step.
    """
    cs = spec(cell)
    step, names = cs.step, cs.traces
    layer_in = x.transpose(0, 1)  # (T, B, F)
    out: list[dict[str, Tensor]] = []
    for k in range(num_layers(rec)):
        w = layer_weights(rec, cell, k)
        t_len, b = layer_in.shape[:2]
        xp = torch.addmm(w.b_x, layer_in.reshape(t_len * b, -1), w.w_ih.t()).view(t_len, b, -1)  # (T, B, G)
        hsz = w.w_hh_t.shape[0]
        state = initial_state(cell, b, hsz, xp)
        rec_buf = xp.new_empty(len(names), t_len, b, hsz)  # (gates, T, B, H)
        for t in range(t_len):
            _, state, gates = step(xp[t], state, w)
            torch.stack(gates, out=rec_buf[:, t])
        trace = {name: rec_buf[j] for j, name in enumerate(names)}
        out.append(trace)
        layer_in = trace["h"]  # (T, B, H)
    return out
