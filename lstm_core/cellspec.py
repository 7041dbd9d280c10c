"""Each recurrent cell written once: its gate layout, the kind of every trace, and its step.

A :class:`CellSpec` per cell type (:data:`SPECS`) is the one source of truth that the
trainable stacks and the replay (:mod:`lstm_core.cells`), the fast peephole / CIFG kernels
(:mod:`lstm_core.fastrnn`, which check their hand-unrolled layout against it on import), the
step-through numbers (:mod:`lstm_core.gates`) and the classroom calculator
(:mod:`lstm_core.teach`) read.

Conventions are torch's: the fused projection stacks one block of H rows per gate in the
order ``spec.gates`` (LSTM i, f, g, o; GRU r, z, n). GRU's candidate is
``n = tanh(W_in x + b_in + r * (W_hn h + b_hn))`` and ``h' = (1 - z) * n + z * h``.

Every step shares one signature, ``step(xp_t, state, w, terms=None) -> (h_t, state, traces)``:
``xp_t`` (B, G) is the hoisted input projection ``x_t @ W_ih^T + b_x`` of step t, ``state``
the tuple named by ``spec.state`` (each (B, H)), ``w`` a :class:`LayerWeights`, and
``traces`` the tensors named by ``spec.traces`` (each (B, H)). When ``terms`` is a dict the
step also stores, without changing any result:

* ``"pre_<gate>"`` for every gate: the argument of the gate's activation;
* ``"peep_<gate>"`` for every peephole gate: the peephole term ``p ⊙ c``;
* ``"rec_<gate>"`` where the recurrent part is not the plain ``W_h h`` row (GRU's n:
  ``r ⊙ (W_hn h + b_hn)``) and ``"hn"`` for GRU's bracket ``W_hn h + b_hn``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple, Protocol

import torch
from torch import Tensor

#: How each trace's values are bounded: "sigmoid" (0, 1), "tanh" (-1, 1) or "state" (unbounded).
TRACE_KIND: dict[str, str] = {
    "i": "sigmoid",
    "f": "sigmoid",
    "o": "sigmoid",
    "r": "sigmoid",
    "z": "sigmoid",
    "g": "tanh",
    "n": "tanh",
    "h": "tanh",
    "c": "state",
}


class LayerWeights(NamedTuple):
    """One layer's weights in replay form. ``w_ih`` (G, F), ``w_hh_t`` (H, G) transposed,
    ``b_x`` (G,) bias added to the input projection, ``b_h`` (G,) bias inside the recurrence
    (GRU only; zeros elsewhere), ``peep`` (P, H) rows in ``spec.peepholes`` order, or None."""

    w_ih: Tensor
    w_hh_t: Tensor
    b_x: Tensor
    b_h: Tensor
    peep: Tensor | None


State = tuple[Tensor, ...]
Terms = dict[str, Tensor]
Step = tuple[Tensor, State, tuple[Tensor, ...]]


class StepFn(Protocol):
    """``step(xp_t (B, G), state, w, terms=None) -> (h_t (B, H), state, traces)``."""

    def __call__(self, xp: Tensor, state: State, w: LayerWeights, terms: Terms | None = None) -> Step: ...


# ----------------------------------------------------------------------------- the steps


def _step_rnn(xp: Tensor, state: State, w: LayerWeights, terms: Terms | None = None) -> Step:
    pre = torch.addmm(xp, state[0], w.w_hh_t)  # (B, H)
    h = torch.tanh(pre)
    if terms is not None:
        terms["pre_h"] = pre
    return h, (h,), (h,)


def _step_lstm(xp: Tensor, state: State, w: LayerWeights, terms: Terms | None = None) -> Step:
    h, c = state
    a = torch.addmm(xp, h, w.w_hh_t)  # (B, 4H)
    ai, af, ag, ao = a.chunk(4, 1)
    i, f, g, o = torch.sigmoid(ai), torch.sigmoid(af), torch.tanh(ag), torch.sigmoid(ao)
    c = torch.addcmul(f * c, i, g)  # (B, H)
    h = o * torch.tanh(c)
    if terms is not None:
        terms.update(pre_i=ai, pre_f=af, pre_g=ag, pre_o=ao)
    return h, (h, c), (i, f, g, o, c, h)


def _step_peephole(xp: Tensor, state: State, w: LayerWeights, terms: Terms | None = None) -> Step:
    h, c_prev = state
    a = torch.addmm(xp, h, w.w_hh_t)  # (B, 4H)
    ai, af, ag, ao = a.chunk(4, 1)
    p = w.peep  # (3, H) rows p_i, p_f, p_o
    assert p is not None, "a peephole layer has peephole weights"
    pi, pf = p[0] * c_prev, p[1] * c_prev
    ai, af = ai + pi, af + pf
    i = torch.sigmoid(ai)
    f = torch.sigmoid(af)
    g = torch.tanh(ag)
    c = torch.addcmul(f * c_prev, i, g)
    po = p[2] * c  # the output gate peeks at the new cell state
    ao = ao + po
    o = torch.sigmoid(ao)
    h = o * torch.tanh(c)
    if terms is not None:
        terms.update(pre_i=ai, pre_f=af, pre_g=ag, pre_o=ao, peep_i=pi, peep_f=pf, peep_o=po)
    return h, (h, c), (i, f, g, o, c, h)


def _step_cifg(xp: Tensor, state: State, w: LayerWeights, terms: Terms | None = None) -> Step:
    h, c_prev = state
    a = torch.addmm(xp, h, w.w_hh_t)  # (B, 3H)
    af, ag, ao = a.chunk(3, 1)
    f, g, o = torch.sigmoid(af), torch.tanh(ag), torch.sigmoid(ao)
    c = g + f * (c_prev - g)  # = f * c_prev + (1 - f) * g: the input gate is i = 1 - f
    h = o * torch.tanh(c)
    if terms is not None:
        terms.update(pre_f=af, pre_g=ag, pre_o=ao)
    return h, (h, c), (f, g, o, c, h)


def _step_gru(xp: Tensor, state: State, w: LayerWeights, terms: Terms | None = None) -> Step:
    h = state[0]
    hp = torch.addmm(w.b_h, h, w.w_hh_t)  # (B, 3H)
    xr, xz, xn = xp.chunk(3, 1)
    hr, hz, hn = hp.chunk(3, 1)
    ar, az = xr + hr, xz + hz
    r, z = torch.sigmoid(ar), torch.sigmoid(az)
    rn = r * hn
    an = xn + rn
    n = torch.tanh(an)
    h = n + z * (h - n)  # = (1 - z) * n + z * h
    if terms is not None:
        terms.update(pre_r=ar, pre_z=az, pre_n=an, rec_n=rn, hn=hn)
    return h, (h,), (r, z, n, h)


# ----------------------------------------------------------------------------- the specs


@dataclass(frozen=True)
class CellSpec:
    """One cell type: gate layout, traces and step maths.

    Attributes
    ----------
    name : the cell type (``ModelConfig.cell``).
    gates : the fused projection's row blocks in order, H rows each (G = len(gates) * H).
    traces : what the replay records per step, gates then states.
    state : the recurrent state, ("h",) or ("h", "c").
    step : the step function (see the module docstring).
    peepholes : the gates with a peephole weight, in the order of the ``peep`` rows.
    keep_gate : the gate whose value is the fraction of old memory kept each step, or None.
    coupled_input : True when the input gate is ``i = 1 - f`` (CIFG) rather than a row block.
    fused : the torch module that trains this cell ("RNN", "LSTM", "GRU"), or None for ours.
    description : one sentence for people.
    """

    name: str
    gates: tuple[str, ...]
    traces: tuple[str, ...]
    state: tuple[str, ...]
    step: StepFn
    peepholes: tuple[str, ...] = ()
    keep_gate: str | None = None
    coupled_input: bool = False
    fused: str | None = None
    description: str = ""

    def index(self, gate: str) -> int:
        """Position of ``gate``'s row block in the fused projection."""
        if gate not in self.gates:
            raise ValueError(f"The {self.name} cell has no gate {gate!r}; its gates are {', '.join(self.gates)}.")
        return self.gates.index(gate)

    def rows(self, gate: str, hidden: int) -> slice:
        """Rows of ``gate`` in a fused (G, .) weight or (G,) bias of a layer of ``hidden`` units."""
        k = self.index(gate)
        return slice(k * hidden, (k + 1) * hidden)

    @property
    def saturating(self) -> tuple[str, ...]:
        """The bounded traces (all but the cell state c), which have a saturation."""
        return tuple(t for t in self.traces if TRACE_KIND[t] != "state")


SPECS: dict[str, CellSpec] = {
    s.name: s
    for s in (
        CellSpec(
            "rnn",
            gates=("h",),
            traces=("h",),
            state=("h",),
            step=_step_rnn,
            fused="RNN",
            description="Plain tanh RNN: one hidden state, no gates; forgets quickly (vanishing gradients).",
        ),
        CellSpec(
            "lstm",
            gates=("i", "f", "g", "o"),
            traces=("i", "f", "g", "o", "c", "h"),
            state=("h", "c"),
            step=_step_lstm,
            keep_gate="f",
            fused="LSTM",
            description="LSTM: a cell state guarded by input, forget and output gates; the standard choice.",
        ),
        CellSpec(
            "gru",
            gates=("r", "z", "n"),
            traces=("r", "z", "n", "h"),
            state=("h",),
            step=_step_gru,
            keep_gate="z",
            fused="GRU",
            description="GRU: reset and update gates, no separate cell state; fewer weights than an LSTM.",
        ),
        CellSpec(
            "peephole",
            gates=("i", "f", "g", "o"),
            traces=("i", "f", "g", "o", "c", "h"),
            state=("h", "c"),
            step=_step_peephole,
            peepholes=("i", "f", "o"),
            keep_gate="f",
            description="Peephole LSTM (Gers & Schmidhuber 2000): the gates also look at the cell state.",
        ),
        CellSpec(
            "cifg",
            gates=("f", "g", "o"),
            traces=("f", "g", "o", "c", "h"),
            state=("h", "c"),
            step=_step_cifg,
            keep_gate="f",
            coupled_input=True,
            description="Coupled input-forget LSTM: input gate i = 1 - f, so writing and forgetting are tied.",
        ),
    )
}


def spec(cell: str) -> CellSpec:
    """The :class:`CellSpec` of ``cell``; one-sentence ValueError for an unknown name."""
    if cell not in SPECS:
        raise ValueError(f"Unknown cell {cell!r}; valid cells are {', '.join(SPECS)}.")
    return SPECS[cell]


def gate_kind(name: str) -> str:
    """ "sigmoid", "tanh" or "state" (the unbounded cell state c) for a trace name."""
    return TRACE_KIND.get(name, "state")
