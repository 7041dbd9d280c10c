"""Fast full-sequence forward + backward for the LSTM variants torch has no fused kernel for.

Two variants train on our own code: the peephole LSTM (Gers & Schmidhuber 2000) and the
coupled input-forget gate LSTM (CIFG). A plain autograd loop records ~10 graph nodes per time
step and replays them one by one in backward; that costs 3-5x a fused ``nn.LSTM`` training
step on these CPUs. Here each variant is one :class:`torch.autograd.Function`:

* forward runs the time loop with autograd off, writing gate activations, cell states and
  ``tanh(c)`` straight into preallocated ``(T, B, .)`` buffers (in-place ops, ``out=``);
* backward is hand-written BPTT: every coefficient that does not depend on the incoming
  gradient (sigmoid/tanh derivatives, peephole terms) is computed for all steps at once with
  a few vectorised ops, leaving 5 small ops per step in the reverse loop (one ``addmm`` for
  ``dh``); the recurrent weight gradient is ONE ``(G, T*B) @ (T*B, H)`` matmul after the loop,
  and the gradient w.r.t. the hoisted input pre-activations ``xproj`` is returned so autograd
  handles the input projection ``x @ W_ih^T + b`` (and its bias) itself.

Everything follows the inputs' own device and dtype (no ``.cuda()``), so the same code runs
float32/float64 on CPU, CUDA or MPS. When nothing requires grad (or under ``torch.no_grad``)
the same loop runs outside any autograd.Function and nothing is kept for backward.

The gate layouts and the maths are :mod:`lstm_core.cellspec`'s (``SPECS["peephole"]``: rows
i, f, g, o, peepholes p_i, p_f, p_o with p_o on the new c_t; ``SPECS["cifg"]``: rows f, g, o
and i = 1 - f). The loops here are unrolled for exactly those layouts and check them on
import; the ``*_reference`` functions run the spec's own step function over the sequence.
"""

from __future__ import annotations

import torch
from torch import Tensor

from .cellspec import SPECS, CellSpec, LayerWeights

__all__ = [
    "peephole_sequence",
    "cifg_sequence",
    "peephole_sequence_reference",
    "cifg_sequence_reference",
]


# --------------------------------------------------------------------------- layout
_PEEP, _CIFG = SPECS["peephole"], SPECS["cifg"]
#: Chunk of each gate in the fused projection, by name, from the cell specs.
_PI, _PF, _PG, _PO = (_PEEP.index(n) for n in "ifgo")
_CF, _CG, _CO = (_CIFG.index(n) for n in "fgo")
# The loops below fuse work over adjacent chunks (one sigmoid over i, f, g; the peephole
# add over i, f; the output gate last in _bptt), so they hold for these layouts only.
if (_PI, _PF, _PG, _PO) != (0, 1, 2, 3) or _PEEP.peepholes != ("i", "f", "o") or (_CF, _CG, _CO) != (0, 1, 2):
    raise ImportError("lstm_core.fastrnn is unrolled for rows i, f, g, o and f, g, o; the cell specs changed them.")


# --------------------------------------------------------------------------- validation
def _check(name: str, xproj: Tensor, h0: Tensor, c0: Tensor, w_hh: Tensor, chunks: int) -> tuple[int, int, int]:
    """Check shapes, dtypes and devices; return (T, B, H)."""
    if xproj.dim() != 3:
        raise ValueError(f"{name}: xproj must be (T, B, {chunks}H), got shape {tuple(xproj.shape)}.")
    T, B, G = xproj.shape
    if w_hh.dim() != 2 or w_hh.shape[0] != G or w_hh.shape[0] != chunks * w_hh.shape[1]:
        raise ValueError(f"{name}: w_hh must be ({chunks}H, H) matching xproj's last dim {G}, got {tuple(w_hh.shape)}.")
    H = w_hh.shape[1]
    for n, s in (("h0", h0), ("c0", c0)):
        if tuple(s.shape) != (B, H):
            raise ValueError(f"{name}: {n} must be (B, H) = ({B}, {H}), got {tuple(s.shape)}.")
    for n, s in (("h0", h0), ("c0", c0), ("w_hh", w_hh)):
        if s.dtype != xproj.dtype or s.device != xproj.device:
            raise ValueError(
                f"{name}: {n} is {s.dtype} on {s.device} but xproj is {xproj.dtype} on {xproj.device}; "
                "put all inputs on one device and dtype."
            )
    return T, B, H


# --------------------------------------------------------------------------- forward loops
# tanh is ~4x slower than sigmoid on these CPUs, so both loops use tanh(x) = 2σ(2x) - 1 and
# carry the cell state DOUBLED (c2 = 2c): g2 = 2g = 4σ(2 a_g) - 2 (the g rows of w_hh and the
# g chunk of xproj are pre-scaled by 2), c2_t = f ⊙ c2_{t-1} + i ⊙ g2 and tanh(c_t) = 2σ(c2_t) - 1.
# Scaling by 2 is exact in binary floating point, so only the tanh identity differs from the
# reference loop (by ~1 ulp of 1). Buffers hold g2 and c2; backward folds the 1/2 back in.
def _prefill(xproj: Tensor, w_hh: Tensor, chunks: int, g_chunk: int) -> tuple[Tensor, Tensor]:
    """Gate buffer prefilled with xproj (g chunk doubled) and w_hh^T with g columns doubled."""
    T, B, G = xproj.shape
    H = G // chunks
    scale = xproj.new_ones((chunks, 1))  # (chunks, 1)
    scale[g_chunk] = 2.0
    gates = xproj.new_empty((T, B, G))  # (T, B, G), contiguous whatever xproj's strides
    torch.mul(xproj.reshape(T, B, chunks, H), scale, out=gates.view(T, B, chunks, H))
    wT = torch.mul(w_hh.reshape(chunks, H, H), scale.unsqueeze(2)).view(G, H).t()  # (H, G)
    return gates, wT


def _peephole_loop(
    xproj: Tensor, h0: Tensor, c0: Tensor, w_hh: Tensor, w_peep: Tensor
) -> tuple[Tensor, Tensor, Tensor, Tensor]:
    """Peephole time loop without autograd.

    Returns h_seq (T, B, H), gates (T, B, 4H) holding i, f, g2, o, cells (T+1, B, H) holding
    c2_0..c2_T, and tanh_c (T, B, H).
    """
    T, B, G = xproj.shape
    H = G // 4
    gates, wT = _prefill(xproj, w_hh, 4, _PG)  # (T, B, 4H), (H, 4H)
    h_seq = xproj.new_empty((T, B, H))  # (T, B, H)
    cells = xproj.new_empty((T + 1, B, H))  # (T+1, B, H)
    tanh_c = xproj.new_empty((T, B, H))  # (T, B, H)
    torch.mul(c0, 2.0, out=cells[0])
    p_if = w_peep[:2] * 0.5  # (2, H) acts on c2
    p_o = w_peep[2] * 0.5  # (H,)
    m1 = xproj.new_full((), -1.0)
    m2 = xproj.new_full((), -2.0)
    g4 = gates.view(T, B, 4, H)  # (T, B, 4, H)
    gs = gates.unbind(0)  # T x (B, 4H)
    ifgs = gates[:, :, : 3 * H].unbind(0)  # T x (B, 3H)
    ifs = g4[:, :, :2].unbind(0)  # T x (B, 2, H)
    i_s, f_s, g_s, o_s = (g4[:, :, k].unbind(0) for k in (_PI, _PF, _PG, _PO))  # 4 x T x (B, H)
    cs = cells.unbind(0)  # T+1 x (B, H)
    cus = cells.unsqueeze(2).unbind(0)  # T+1 x (B, 1, H)
    tcs = tanh_c.unbind(0)  # T x (B, H)
    hs = h_seq.unbind(0)  # T x (B, H)
    h = h0
    for t in range(T):
        gs[t].addmm_(h, wT)  # (B, 4H) pre-activations
        ifs[t].addcmul_(cus[t], p_if)  # a_i, a_f += p ⊙ c_{t-1}
        ifgs[t].sigmoid_()  # i, f, σ(2 a_g)
        g = g_s[t]
        torch.add(m2, g, alpha=4.0, out=g)  # g2 = 2 tanh(a_g)
        c = cs[t + 1]
        torch.mul(f_s[t], cs[t], out=c)  # (B, H)
        c.addcmul_(i_s[t], g)
        o = o_s[t]
        o.addcmul_(c, p_o)  # output gate peeks at the new cell
        o.sigmoid_()
        tc = tcs[t]
        torch.sigmoid(c, out=tc)
        torch.add(m1, tc, alpha=2.0, out=tc)  # tanh(c_t)
        h = hs[t]
        torch.mul(o, tc, out=h)
    return h_seq, gates, cells, tanh_c


def _cifg_loop(xproj: Tensor, h0: Tensor, c0: Tensor, w_hh: Tensor) -> tuple[Tensor, Tensor, Tensor, Tensor]:
    """CIFG time loop without autograd; returns h_seq, gates (f, g2, o), cells (c2), tanh_c."""
    T, B, G = xproj.shape
    H = G // 3
    gates, wT = _prefill(xproj, w_hh, 3, _CG)  # (T, B, 3H), (H, 3H)
    h_seq = xproj.new_empty((T, B, H))  # (T, B, H)
    cells = xproj.new_empty((T + 1, B, H))  # (T+1, B, H)
    tanh_c = xproj.new_empty((T, B, H))  # (T, B, H)
    torch.mul(c0, 2.0, out=cells[0])
    m1 = xproj.new_full((), -1.0)
    m2 = xproj.new_full((), -2.0)
    g3 = gates.view(T, B, 3, H)  # (T, B, 3, H)
    gs = gates.unbind(0)  # T x (B, 3H)
    f_s, g_s, o_s = (g3[:, :, k].unbind(0) for k in (_CF, _CG, _CO))  # 3 x T x (B, H)
    cs = cells.unbind(0)  # T+1 x (B, H)
    tcs = tanh_c.unbind(0)  # T x (B, H)
    hs = h_seq.unbind(0)  # T x (B, H)
    h = h0
    for t in range(T):
        a = gs[t]
        a.addmm_(h, wT)  # (B, 3H)
        a.sigmoid_()  # f, σ(2 a_g), o
        g = g_s[t]
        torch.add(m2, g, alpha=4.0, out=g)  # g2 = 2 tanh(a_g)
        c = cs[t + 1]
        torch.lerp(g, cs[t], f_s[t], out=c)  # f ⊙ c2_{t-1} + (1 - f) ⊙ g2
        tc = tcs[t]
        torch.sigmoid(c, out=tc)
        torch.add(m1, tc, alpha=2.0, out=tc)  # tanh(c_t)
        h = hs[t]
        torch.mul(o_s[t], tc, out=h)
    return h_seq, gates, cells, tanh_c


# --------------------------------------------------------------------------- backward loop
def _bptt(
    coef_in: Tensor,
    coef_o: Tensor,
    coef_c: Tensor,
    carry: Tensor,
    da: Tensor,
    w_hh: Tensor,
    grad_h_seq: Tensor | None,
    dh: Tensor,
    dc: Tensor,
    need_dh0: bool,
) -> Tensor | None:
    """Reverse loop shared by both variants; fills ``da`` (T, B, G) and returns dh0 (B, H) or None.

    With ``dh``/``dc`` the gradients flowing into step t (``dc`` updated in place to dc0):

    * ``dc += dh ⊙ coef_c[t]``;  ``da[t, :, :k] = dc ⊙ coef_in[t]`` (k = 3 peephole, 2 CIFG);
    * ``da[t, :, k] = dh ⊙ coef_o[t]``  (the output gate);
    * ``dc = dc ⊙ carry[t]``;  ``dh = grad_h_seq[t-1] + da[t] @ w_hh``.

    ``coef_in`` is (T, B, k, H); ``coef_o``, ``coef_c``, ``carry`` are (T, B, H).
    """
    T, B, G = da.shape
    H = w_hh.shape[1]
    k = coef_in.shape[2]
    da_k = da.view(T, B, k + 1, H)  # (T, B, k+1, H)
    das = da.unbind(0)  # T x (B, G)
    din = da_k[:, :, :k].unbind(0)  # T x (B, k, H)
    dos = da_k[:, :, k].unbind(0)  # T x (B, H)
    cin = coef_in.unbind(0)
    co = coef_o.unbind(0)
    cc = coef_c.unbind(0)
    cr = carry.unbind(0)
    ghs = grad_h_seq.unbind(0) if grad_h_seq is not None else None
    dcu = dc.unsqueeze(1)  # (B, 1, H), a view of dc
    for t in range(T - 1, 0, -1):
        dc.addcmul_(dh, cc[t])
        torch.mul(cin[t], dcu, out=din[t])
        torch.mul(dh, co[t], out=dos[t])
        dc.mul_(cr[t])
        if ghs is None:
            torch.mm(das[t], w_hh, out=dh)  # (B, H)
        else:
            torch.addmm(ghs[t - 1], das[t], w_hh, out=dh)  # (B, H)
    dc.addcmul_(dh, cc[0])
    torch.mul(cin[0], dcu, out=din[0])
    torch.mul(dh, co[0], out=dos[0])
    dc.mul_(cr[0])
    return torch.mm(das[0], w_hh) if need_dh0 else None  # (B, H)


def _grad_state_init(
    grad_h_seq: Tensor | None, grad_hT: Tensor | None, grad_cT: Tensor | None, like: Tensor
) -> tuple[Tensor, Tensor]:
    """Fresh (dh, dc) buffers for the last step, each (B, H)."""
    if grad_h_seq is not None:
        dh = grad_h_seq[-1].clone()  # (B, H)
        if grad_hT is not None:
            dh.add_(grad_hT)
    elif grad_hT is not None:
        dh = grad_hT.clone()
    else:
        dh = torch.zeros_like(like)
    dc = grad_cT.clone() if grad_cT is not None else torch.zeros_like(like)  # (B, H)
    return dh.contiguous(), dc.contiguous()


def _h_prev(h0: Tensor, h_seq: Tensor) -> Tensor:
    """Stack h_{t-1} for t = 0..T-1 as (T*B, H)."""
    T, B, H = h_seq.shape
    hp = h_seq.new_empty((T, B, H))  # (T, B, H)
    hp[0] = h0
    hp[1:] = h_seq[:-1]
    return hp.view(T * B, H)


class _PeepholeFn(torch.autograd.Function):
    """Peephole LSTM over a whole sequence with hand-written BPTT."""

    @staticmethod
    def forward(ctx, xproj, h0, c0, w_hh, w_peep):
        h_seq, gates, cells, tanh_c = _peephole_loop(xproj, h0, c0, w_hh, w_peep)
        ctx.set_materialize_grads(False)
        ctx.save_for_backward(h0, w_hh, w_peep, h_seq, gates, cells, tanh_c)
        return h_seq, h_seq[-1].clone(), cells[-1] * 0.5

    @staticmethod
    def backward(ctx, grad_h_seq, grad_hT, grad_cT):
        h0, w_hh, w_peep, h_seq, gates, cells, tanh_c = ctx.saved_tensors
        T, B, G = gates.shape
        H = G // 4
        chunks = gates.view(T, B, 4, H).unbind(2)  # each (T, B, H)
        i, f, g2, o = (chunks[k] for k in (_PI, _PF, _PG, _PO))  # g2 = 2g
        c2_prev = cells[:-1]  # (T, B, H) holds 2 c_{t-1}
        p_i, p_f, p_o = w_peep.unbind(0)  # (H,)
        # all-step coefficients: da_ifg = dc ⊙ coef_in, da_o = dh ⊙ coef_o
        coef_in = gates.new_empty((T, B, 3, H))  # (T, B, 3, H)
        ci, cf, cg = coef_in.unbind(2)
        sd = gates[..., : 2 * H].view(T, B, 2, H)  # (T, B, 2, H) i, f
        torch.mul(sd, 1.0 - sd, out=coef_in[:, :, :2])  # σ' for i, f
        coef_in[:, :, :2].mul_(0.5)  # the 1/2 of g = g2 / 2 and c = c2 / 2
        ci.mul_(g2)  # g ⊙ σ'(i)
        cf.mul_(c2_prev)  # c_{t-1} ⊙ σ'(f)
        torch.mul(g2, g2, out=cg)
        cg.mul_(-0.25).add_(1.0).mul_(i)  # i ⊙ (1 - g²)
        coef_o = o * (1.0 - o)  # (T, B, H) σ'(o)
        coef_o.mul_(tanh_c)  # tanh(c) ⊙ σ'(o)
        coef_c = tanh_c * tanh_c  # (T, B, H)
        coef_c.neg_().add_(1.0).mul_(o).addcmul_(coef_o, p_o)  # o ⊙ (1 - tanh²c) + p_o ⊙ coef_o
        carry = f + ci * p_i  # (T, B, H) dc_{t-1} = dc_t ⊙ carry
        carry.addcmul_(cf, p_f)
        dh, dc = _grad_state_init(grad_h_seq, grad_hT, grad_cT, h0)
        da = gates.new_empty((T, B, G))  # (T, B, 4H) = dL/dxproj
        need = ctx.needs_input_grad
        dh0 = _bptt(coef_in, coef_o, coef_c, carry, da, w_hh.contiguous(), grad_h_seq, dh, dc, need[1])
        g_w = g_p = None
        if need[3]:
            g_w = torch.mm(da.view(T * B, G).t(), _h_prev(h0, h_seq))  # (4H, H)
        if need[4]:
            da4 = da.view(T, B, 4, H)  # (T, B, 4, H)
            g_p = torch.empty_like(w_peep)  # (3, H)
            torch.sum(da4[:, :, :2] * c2_prev.unsqueeze(2), dim=(0, 1), out=g_p[:2])
            torch.sum(da4[:, :, 3] * cells[1:], dim=(0, 1), out=g_p[2])
            g_p.mul_(0.5)  # cells hold 2c
        return (da if need[0] else None, dh0, dc if need[2] else None, g_w, g_p)


class _CIFGFn(torch.autograd.Function):
    """Coupled input-forget gate LSTM over a whole sequence with hand-written BPTT."""

    @staticmethod
    def forward(ctx, xproj, h0, c0, w_hh):
        h_seq, gates, cells, tanh_c = _cifg_loop(xproj, h0, c0, w_hh)
        ctx.set_materialize_grads(False)
        ctx.save_for_backward(h0, w_hh, h_seq, gates, cells, tanh_c)
        return h_seq, h_seq[-1].clone(), cells[-1] * 0.5

    @staticmethod
    def backward(ctx, grad_h_seq, grad_hT, grad_cT):
        h0, w_hh, h_seq, gates, cells, tanh_c = ctx.saved_tensors
        T, B, G = gates.shape
        H = G // 3
        chunks = gates.view(T, B, 3, H).unbind(2)  # each (T, B, H)
        f, g2, o = (chunks[k] for k in (_CF, _CG, _CO))  # g2 = 2g
        coef_in = gates.new_empty((T, B, 2, H))  # (T, B, 2, H)
        cf, cg = coef_in.unbind(2)
        omf = 1.0 - f  # (T, B, H)
        torch.sub(cells[:-1], g2, out=cf)  # 2 (c_{t-1} - g)
        cf.mul_(f).mul_(omf).mul_(0.5)  # (c_{t-1} - g) ⊙ σ'(f)
        torch.mul(g2, g2, out=cg)
        cg.mul_(-0.25).add_(1.0).mul_(omf)  # (1 - f) ⊙ (1 - g²)
        coef_o = o * (1.0 - o)  # (T, B, H)
        coef_o.mul_(tanh_c)  # tanh(c) ⊙ σ'(o)
        coef_c = tanh_c * tanh_c  # (T, B, H)
        coef_c.neg_().add_(1.0).mul_(o)  # o ⊙ (1 - tanh²c)
        dh, dc = _grad_state_init(grad_h_seq, grad_hT, grad_cT, h0)
        da = gates.new_empty((T, B, G))  # (T, B, 3H) = dL/dxproj
        need = ctx.needs_input_grad
        dh0 = _bptt(coef_in, coef_o, coef_c, f, da, w_hh.contiguous(), grad_h_seq, dh, dc, need[1])
        g_w = torch.mm(da.view(T * B, G).t(), _h_prev(h0, h_seq)) if need[3] else None  # (3H, H)
        return (da if need[0] else None, dh0, dc if need[2] else None, g_w)


# --------------------------------------------------------------------------- public API
def _inference(loop, *args: Tensor) -> tuple[Tensor, Tensor, Tensor]:
    """Forward only, nothing saved for backward."""
    with torch.no_grad():
        h_seq, _, cells, _ = loop(*args)
        return h_seq, h_seq[-1].clone(), cells[-1] * 0.5


def _needs_grad(*ts: Tensor) -> bool:
    return torch.is_grad_enabled() and any(t.requires_grad for t in ts)


def peephole_sequence(
    xproj: Tensor, h0: Tensor, c0: Tensor, w_hh: Tensor, w_peep: Tensor
) -> tuple[Tensor, Tensor, Tensor]:
    """Run a peephole LSTM layer over a whole sequence (fast path, hand-written BPTT).

    Parameters
    ----------
    xproj : Tensor, shape (T, B, 4H)
        Input pre-activations ``x_t @ W_ih^T + b`` for every step, time-major, gate chunks
        in order i, f, g, o.
    h0, c0 : Tensor, shape (B, H)
        Initial hidden and cell state.
    w_hh : Tensor, shape (4H, H)
        Recurrent weights, rows in gate order i, f, g, o.
    w_peep : Tensor, shape (3, H)
        Peephole weights, rows p_i, p_f, p_o (p_o peeks at the new cell state c_t).

    Returns
    -------
    h_seq : Tensor, shape (T, B, H)
        Hidden states h_1..h_T.
    h_T, c_T : Tensor, shape (B, H)
        Final hidden and cell state.

    Notes
    -----
    Differentiable w.r.t. all five inputs; equal to :func:`peephole_sequence_reference`.
    When none of the inputs requires grad nothing is saved for backward.
    """
    T, B, H = _check("peephole_sequence", xproj, h0, c0, w_hh, len(_PEEP.gates))
    if tuple(w_peep.shape) != (3, H):
        raise ValueError(f"peephole_sequence: w_peep must be (3, H) = (3, {H}), got {tuple(w_peep.shape)}.")
    if w_peep.dtype != xproj.dtype or w_peep.device != xproj.device:
        raise ValueError(
            f"peephole_sequence: w_peep is {w_peep.dtype} on {w_peep.device} but xproj is {xproj.dtype} "
            f"on {xproj.device}; put all inputs on one device and dtype."
        )
    if T == 0:
        return xproj.new_empty((0, B, H)), h0, c0
    if _needs_grad(xproj, h0, c0, w_hh, w_peep):
        return _PeepholeFn.apply(xproj, h0, c0, w_hh, w_peep)
    return _inference(_peephole_loop, xproj, h0, c0, w_hh, w_peep)


def cifg_sequence(xproj: Tensor, h0: Tensor, c0: Tensor, w_hh: Tensor) -> tuple[Tensor, Tensor, Tensor]:
    """Run a coupled input-forget gate (CIFG) LSTM layer over a whole sequence (fast path).

    Parameters
    ----------
    xproj : Tensor, shape (T, B, 3H)
        Input pre-activations ``x_t @ W_ih^T + b``, time-major, gate chunks f, g, o.
    h0, c0 : Tensor, shape (B, H)
        Initial hidden and cell state.
    w_hh : Tensor, shape (3H, H)
        Recurrent weights, rows in gate order f, g, o.

    Returns
    -------
    h_seq : Tensor, shape (T, B, H)
        Hidden states h_1..h_T.
    h_T, c_T : Tensor, shape (B, H)
        Final hidden and cell state.

    Notes
    -----
    The input gate is ``i = 1 - f``. Differentiable w.r.t. all four inputs; equal to
    :func:`cifg_sequence_reference`.
    """
    T, B, H = _check("cifg_sequence", xproj, h0, c0, w_hh, len(_CIFG.gates))
    if T == 0:
        return xproj.new_empty((0, B, H)), h0, c0
    if _needs_grad(xproj, h0, c0, w_hh):
        return _CIFGFn.apply(xproj, h0, c0, w_hh)
    return _inference(_cifg_loop, xproj, h0, c0, w_hh)


def _reference(
    cs: CellSpec, xproj: Tensor, h0: Tensor, c0: Tensor, w_hh: Tensor, w_peep: Tensor | None
) -> tuple[Tensor, Tensor, Tensor]:
    """Plain autograd loop of the spec's step function over a sequence."""
    zeros = xproj.new_zeros(xproj.shape[2])  # (G,)
    w = LayerWeights(xproj.new_empty((xproj.shape[2], 0)), w_hh.t(), zeros, zeros, w_peep)
    state: tuple[Tensor, ...] = (h0, c0)
    hs = []
    for x_t in xproj.unbind(0):  # (B, G)
        h, state, _ = cs.step(x_t, state, w)  # (B, H)
        hs.append(h)
    if not hs:
        return xproj.new_empty((0,) + tuple(h0.shape)), h0, c0
    return torch.stack(hs), state[0], state[1]


def peephole_sequence_reference(
    xproj: Tensor, h0: Tensor, c0: Tensor, w_hh: Tensor, w_peep: Tensor
) -> tuple[Tensor, Tensor, Tensor]:
    """Plain autograd loop of ``SPECS["peephole"].step``: the maths and outputs of
    :func:`peephole_sequence` (for tests and benchmarks)."""
    return _reference(_PEEP, xproj, h0, c0, w_hh, w_peep)


def cifg_sequence_reference(xproj: Tensor, h0: Tensor, c0: Tensor, w_hh: Tensor) -> tuple[Tensor, Tensor, Tensor]:
    """Plain autograd loop of ``SPECS["cifg"].step``: the maths and outputs of :func:`cifg_sequence`
    (for tests and benchmarks)."""
    return _reference(_CIFG, xproj, h0, c0, w_hh, None)
