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
gate. All cells share one step signature, ``step(xp_t, state, w) -> (h_t, state, gates)``,
where ``xp_t`` (B, G) is the hoisted input projection for step t. Gate conventions are
torch's: LSTM rows ordered i, f, g, o; GRU r, z, n with
``n = tanh(W_in x + b_in + r * (W_hn h + b_hn))`` and ``h' = (1 - z) * n + z * h``.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import torch
from torch import Tensor, nn

from .config import ModelConfig
from .fastrnn import cifg_sequence, peephole_sequence

#: Per cell type, the traces :func:`replay` records (gates, then states).
GATES: dict[str, tuple[str, ...]] = {
    "rnn": ("h",),
    "lstm": ("i", "f", "g", "o", "c", "h"),
    "peephole": ("i", "f", "g", "o", "c", "h"),
    "cifg": ("f", "g", "o", "c", "h"),
    "gru": ("r", "z", "n", "h"),
}
#: Rows of the fused projection per hidden unit.
GATE_ROWS = {"rnn": 1, "lstm": 4, "peephole": 4, "cifg": 3, "gru": 3}
CELL_DESCRIPTIONS = {
    "rnn": "Plain tanh RNN: one hidden state, no gates; forgets quickly (vanishing gradients).",
    "lstm": "LSTM: a cell state guarded by input, forget and output gates; the standard choice.",
    "gru": "GRU: reset and update gates, no separate cell state; fewer weights than an LSTM.",
    "peephole": "Peephole LSTM (Gers & Schmidhuber 2000): the gates also look at the cell state.",
    "cifg": "Coupled input-forget LSTM: input gate i = 1 - f, so writing and forgetting are tied.",
}


class VariantLayer(nn.Module):
    """One peephole or CIFG layer. ``forward(x (B, T, F)) -> (B, T, H)``.

    Parameters: ``weight_ih`` (G, F), ``weight_hh`` (G, H), ``bias`` (G,) and, for the
    peephole cell, ``peep`` (3, H) holding p_i, p_f, p_o. G = 4H (i, f, g, o) or 3H (f, g, o).
    """

    def __init__(self, cell: str, input_size: int, hidden_size: int):
        super().__init__()
        if cell not in ("peephole", "cifg"):
            raise ValueError(f"VariantLayer takes 'peephole' or 'cifg', not {cell!r}.")
        self.cell, self.hidden_size = cell, hidden_size
        g = GATE_ROWS[cell] * hidden_size
        self.weight_ih = nn.Parameter(torch.empty(g, input_size))
        self.weight_hh = nn.Parameter(torch.empty(g, hidden_size))
        self.bias = nn.Parameter(torch.empty(g))
        if cell == "peephole":
            self.peep = nn.Parameter(torch.empty(3, hidden_size))
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
        if self.cell == "peephole":
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


def build_recurrent(cfg: ModelConfig) -> nn.Module:
    """The recurrent stack for ``cfg.cell``: ``forward(x (B, T, F)) -> (out (B, T, H), state)``."""
    kw = dict(
        input_size=cfg.input_size,
        hidden_size=cfg.hidden_size,
        num_layers=cfg.num_layers,
        dropout=cfg.dropout if cfg.num_layers > 1 else 0.0,
    )
    fused = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}
    if cfg.cell in fused:
        return fused[cfg.cell](batch_first=True, **kw)
    if cfg.cell in ("peephole", "cifg"):
        return VariantStack(cfg.cell, **kw)
    raise ValueError(f"Unknown cell {cfg.cell!r}; valid cells are {', '.join(GATES)}.")


# ----------------------------------------------------------------------------- replay


class LayerWeights(NamedTuple):
    """One layer's weights in replay form. ``w_ih`` (G, F), ``w_hh_t`` (H, G) transposed,
    ``b_x`` (G,) bias added to the input projection, ``b_h`` (G,) bias inside the recurrence
    (GRU only; zeros elsewhere), ``peep`` (3, H) or None."""

    w_ih: Tensor
    w_hh_t: Tensor
    b_x: Tensor
    b_h: Tensor
    peep: Tensor | None


def layer_weights(rec: nn.Module, cell: str, layer: int) -> LayerWeights:
    """Read layer ``layer``'s weights from a stack built by :func:`build_recurrent`."""
    if isinstance(rec, VariantStack):
        m = rec.layers[layer]
        zeros = torch.zeros_like(m.bias)
        return LayerWeights(m.weight_ih, m.weight_hh.t(), m.bias, zeros, getattr(m, "peep", None))
    w_ih, w_hh = getattr(rec, f"weight_ih_l{layer}"), getattr(rec, f"weight_hh_l{layer}")
    b_ih, b_hh = getattr(rec, f"bias_ih_l{layer}"), getattr(rec, f"bias_hh_l{layer}")
    if cell == "gru":
        # r and z take both biases in the projection; n keeps b_hn inside r * (W_hn h + b_hn).
        hsz = w_hh.shape[1]
        b_x = b_ih + torch.cat([b_hh[: 2 * hsz], torch.zeros_like(b_hh[2 * hsz :])])
        b_h = torch.cat([torch.zeros_like(b_hh[: 2 * hsz]), b_hh[2 * hsz :]])
        return LayerWeights(w_ih, w_hh.t(), b_x, b_h, None)
    return LayerWeights(w_ih, w_hh.t(), b_ih + b_hh, torch.zeros_like(b_hh), None)


def _step_rnn(xp: Tensor, state, w: LayerWeights):
    h = torch.tanh(torch.addmm(xp, state[0], w.w_hh_t))  # (B, H)
    return h, (h,), (h,)


def _step_lstm(xp: Tensor, state, w: LayerWeights):
    h, c = state
    a = torch.addmm(xp, h, w.w_hh_t)  # (B, 4H)
    i, f, g, o = a.chunk(4, 1)
    i, f, g, o = torch.sigmoid(i), torch.sigmoid(f), torch.tanh(g), torch.sigmoid(o)
    c = torch.addcmul(f * c, i, g)  # (B, H)
    h = o * torch.tanh(c)
    return h, (h, c), (i, f, g, o, c, h)


def _step_peephole(xp: Tensor, state, w: LayerWeights):
    h, c_prev = state
    a = torch.addmm(xp, h, w.w_hh_t)  # (B, 4H)
    ai, af, ag, ao = a.chunk(4, 1)
    p = w.peep  # (3, H)
    i = torch.sigmoid(ai + p[0] * c_prev)
    f = torch.sigmoid(af + p[1] * c_prev)
    g = torch.tanh(ag)
    c = torch.addcmul(f * c_prev, i, g)
    o = torch.sigmoid(ao + p[2] * c)  # the output gate peeks at the new cell state
    h = o * torch.tanh(c)
    return h, (h, c), (i, f, g, o, c, h)


def _step_cifg(xp: Tensor, state, w: LayerWeights):
    h, c_prev = state
    a = torch.addmm(xp, h, w.w_hh_t)  # (B, 3H)
    af, ag, ao = a.chunk(3, 1)
    f, g, o = torch.sigmoid(af), torch.tanh(ag), torch.sigmoid(ao)
    c = g + f * (c_prev - g)  # = f * c_prev + (1 - f) * g
    h = o * torch.tanh(c)
    return h, (h, c), (f, g, o, c, h)


def _step_gru(xp: Tensor, state, w: LayerWeights):
    h = state[0]
    hp = torch.addmm(w.b_h, h, w.w_hh_t)  # (B, 3H)
    xr, xz, xn = xp.chunk(3, 1)
    hr, hz, hn = hp.chunk(3, 1)
    r, z = torch.sigmoid(xr + hr), torch.sigmoid(xz + hz)
    n = torch.tanh(xn + r * hn)
    h = n + z * (h - n)  # = (1 - z) * n + z * h
    return h, (h,), (r, z, n, h)


STEPS = {"rnn": _step_rnn, "lstm": _step_lstm, "peephole": _step_peephole, "cifg": _step_cifg, "gru": _step_gru}


def initial_state(cell: str, batch: int, hidden: int, like: Tensor) -> tuple[Tensor, ...]:
    """Zero state on ``like``'s device and dtype: (h,) or (h, c), each (B, H)."""
    h = like.new_zeros(batch, hidden)
    return (h,) if cell in ("rnn", "gru") else (h, h.clone())


@torch.inference_mode()
def replay(rec: nn.Module, cell: str, x: Tensor) -> list[dict[str, Tensor]]:
    """Run a trained stack over ``x`` (B, T, F) from a zero state, recording every gate.

    Returns one dict per layer mapping each name in ``GATES[cell]`` to a (T, B, H) tensor.
    The last layer's ``h`` equals the stack's own output (tested to 1e-5 for every cell).
    The input projection is hoisted out of the time loop; the loop does one matmul a step.
    """
    num_layers = len(rec.layers) if isinstance(rec, VariantStack) else rec.num_layers
    step, names = STEPS[cell], GATES[cell]
    layer_in = x.transpose(0, 1)  # (T, B, F)
    out: list[dict[str, Tensor]] = []
    for k in range(num_layers):
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
