"""Fast peephole / CIFG sequence kernels: equal to the plain autograd loops, exact gradients."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from lstm_core.fastrnn import (
    cifg_sequence,
    cifg_sequence_reference,
    peephole_sequence,
    peephole_sequence_reference,
)


@pytest.fixture(autouse=True)
def _one_thread():
    """Tiny matmuls: one intra-op thread is as fast and stays fast when other jobs share the CPUs."""
    n = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(n)


VARIANTS = {
    # name: (fast, reference, gate chunks, has peepholes)
    "peephole": (peephole_sequence, peephole_sequence_reference, 4, True),
    "cifg": (cifg_sequence, cifg_sequence_reference, 3, False),
}


def _inputs(variant: str, T: int, B: int, H: int, dtype=torch.float32, seed: int = 0, grad: bool = True):
    """Random (xproj, h0, c0, w_hh[, w_peep]) at the scale of a trained layer."""
    _, _, chunks, peep = VARIANTS[variant]
    g = torch.Generator().manual_seed(seed)
    k = H**-0.5
    xs = [
        torch.randn(T, B, chunks * H, generator=g, dtype=dtype),  # (T, B, G)
        0.5 * torch.randn(B, H, generator=g, dtype=dtype),  # (B, H)
        torch.randn(B, H, generator=g, dtype=dtype),  # (B, H)
        k * (2 * torch.rand(chunks * H, H, generator=g, dtype=dtype) - 1),  # (G, H)
    ]
    if peep:
        xs.append(0.5 * torch.randn(3, H, generator=g, dtype=dtype))  # (3, H)
    return [x.requires_grad_(grad) for x in xs]


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("grad", [True, False], ids=["train", "inference"])
def test_forward_matches_reference(variant, grad):
    fast, ref, _, _ = VARIANTS[variant]
    xs = _inputs(variant, T=30, B=8, H=16, grad=grad)
    out, want = fast(*xs), ref(*xs)
    assert [tuple(o.shape) for o in out] == [(30, 8, 16), (8, 16), (8, 16)]
    for o, w in zip(out, want):
        torch.testing.assert_close(o, w, atol=1e-6, rtol=0)
    assert out[0].requires_grad == grad
    torch.testing.assert_close(out[1], out[0][-1], atol=0, rtol=0)


@pytest.mark.parametrize("variant", VARIANTS)
def test_no_grad_context_skips_graph(variant):
    fast, ref, _, _ = VARIANTS[variant]
    xs = _inputs(variant, T=6, B=2, H=3)
    with torch.no_grad():
        out = fast(*xs)
    assert not any(o.requires_grad for o in out)
    for o, w in zip(out, ref(*xs)):
        torch.testing.assert_close(o, w.detach(), atol=1e-6, rtol=0)


@pytest.mark.parametrize("variant", VARIANTS)
def test_gradcheck_float64(variant):
    fast, _, _, _ = VARIANTS[variant]
    xs = _inputs(variant, T=5, B=3, H=4, dtype=torch.float64)
    assert torch.autograd.gradcheck(fast, xs)


@pytest.mark.parametrize("variant", VARIANTS)
def test_gradcheck_float64_single_output(variant):
    """Only h_T used (the forecaster's case): unused outputs get no gradient (None) in backward."""
    fast, _, _, _ = VARIANTS[variant]
    xs = _inputs(variant, T=4, B=2, H=3, dtype=torch.float64, seed=3)
    assert torch.autograd.gradcheck(lambda *a: fast(*a)[1], xs)
    assert torch.autograd.gradcheck(lambda *a: fast(*a)[2], xs)


@pytest.mark.parametrize("variant", VARIANTS)
def test_gradients_match_reference_float32(variant):
    fast, ref, _, _ = VARIANTS[variant]
    xs = _inputs(variant, T=50, B=64, H=64, seed=1)
    g = torch.Generator().manual_seed(2)
    weights = [torch.randn(s, generator=g) for s in [(50, 64, 64), (64, 64), (64, 64)]]

    def grads(fn):
        out = fn(*xs)
        loss = sum((o * w).sum() for o, w in zip(out, weights))
        return torch.autograd.grad(loss, xs)

    for got, want in zip(grads(fast), grads(ref)):
        torch.testing.assert_close(got, want, atol=1e-5, rtol=1e-5)


@pytest.mark.parametrize("variant", VARIANTS)
def test_backward_twice_with_retain_graph(variant):
    fast, _, _, _ = VARIANTS[variant]
    xs = _inputs(variant, T=7, B=3, H=5)
    out = fast(*xs)
    first = torch.autograd.grad(out[0].sum(), xs, retain_graph=True)
    second = torch.autograd.grad(out[0].sum(), xs)
    for a, b in zip(first, second):
        torch.testing.assert_close(a, b, atol=0, rtol=0)


@pytest.mark.parametrize("variant", VARIANTS)
def test_only_weights_require_grad(variant):
    """The usual training case: xproj requires grad through W_ih, h0/c0 are constant zeros."""
    fast, ref, _, _ = VARIANTS[variant]
    xs = _inputs(variant, T=9, B=4, H=6, grad=False)
    xs[3].requires_grad_(True)
    got = torch.autograd.grad(fast(*xs)[1].square().sum(), xs[3])[0]
    want = torch.autograd.grad(ref(*xs)[1].square().sum(), xs[3])[0]
    torch.testing.assert_close(got, want, atol=1e-6, rtol=1e-5)


def test_cifg_input_gate_is_one_minus_forget():
    """One step, H = 1, by hand: f = σ(a_f), i = 1 - f, c = f c0 + i g, h = σ(a_o) tanh(c)."""
    a_f, a_g, a_o, c0 = 0.3, -0.7, 1.1, 0.5
    xproj = torch.tensor([[[a_f, a_g, a_o]]], dtype=torch.float64)  # (1, 1, 3)
    h0 = torch.zeros(1, 1, dtype=torch.float64)
    w_hh = torch.zeros(3, 1, dtype=torch.float64)
    f = torch.sigmoid(torch.tensor(a_f, dtype=torch.float64))
    g = torch.tanh(torch.tensor(a_g, dtype=torch.float64))
    c = f * c0 + (1 - f) * g
    h = torch.sigmoid(torch.tensor(a_o, dtype=torch.float64)) * torch.tanh(c)
    h_seq, h_T, c_T = cifg_sequence(xproj, h0, torch.full((1, 1), c0, dtype=torch.float64), w_hh)
    torch.testing.assert_close(c_T.item(), c.item(), atol=1e-12, rtol=0)
    torch.testing.assert_close(h_T.item(), h.item(), atol=1e-12, rtol=0)
    # f = 1 keeps the cell exactly, f = 0 replaces it with g
    big = torch.tensor([[[40.0, a_g, a_o]]], dtype=torch.float64)
    assert cifg_sequence(big, h0, torch.full((1, 1), c0, dtype=torch.float64), w_hh)[2].item() == pytest.approx(c0)
    small = torch.tensor([[[-40.0, a_g, a_o]]], dtype=torch.float64)
    assert cifg_sequence(small, h0, torch.full((1, 1), c0, dtype=torch.float64), w_hh)[2].item() == pytest.approx(
        g.item()
    )


def test_peephole_with_zero_peepholes_equals_nn_lstm():
    torch.manual_seed(0)
    T, B, H, D = 20, 5, 8, 3
    lstm = nn.LSTM(D, H, batch_first=True)
    x = torch.randn(B, T, D)  # (B, T, D)
    h0, c0 = torch.randn(1, B, H), torch.randn(1, B, H)  # (1, B, H)
    want, (hT, cT) = lstm(x, (h0, c0))  # (B, T, H)
    xproj = x.transpose(0, 1) @ lstm.weight_ih_l0.t() + lstm.bias_ih_l0 + lstm.bias_hh_l0  # (T, B, 4H)
    w_peep = torch.zeros(3, H, requires_grad=True)
    h_seq, h_T, c_T = peephole_sequence(xproj, h0[0], c0[0], lstm.weight_hh_l0, w_peep)
    torch.testing.assert_close(h_seq.transpose(0, 1), want, atol=1e-5, rtol=0)
    torch.testing.assert_close(h_T, hT[0], atol=1e-5, rtol=0)
    torch.testing.assert_close(c_T, cT[0], atol=1e-5, rtol=0)
    # and the gradients w.r.t. the shared weights agree too
    gw = torch.autograd.grad(h_T.sum() + c_T.sum(), lstm.weight_hh_l0)[0]
    gw_ref = torch.autograd.grad(hT.sum() + cT.sum(), lstm.weight_hh_l0)[0]
    torch.testing.assert_close(gw, gw_ref, atol=1e-5, rtol=1e-5)


@pytest.mark.parametrize("variant", VARIANTS)
def test_long_sequence_batch_one(variant):
    fast, ref, _, _ = VARIANTS[variant]
    xs = _inputs(variant, T=300, B=1, H=4, grad=False)
    for o, w in zip(fast(*xs), ref(*xs)):
        torch.testing.assert_close(o, w, atol=1e-6, rtol=0)


@pytest.mark.parametrize("variant", VARIANTS)
def test_empty_sequence_returns_initial_state(variant):
    fast, _, _, _ = VARIANTS[variant]
    xs = _inputs(variant, T=0, B=2, H=3)
    h_seq, h_T, c_T = fast(*xs)
    assert h_seq.shape == (0, 2, 3)
    assert torch.equal(h_T, xs[1]) and torch.equal(c_T, xs[2])


def test_bad_shapes_raise_clear_errors():
    xs = _inputs("peephole", T=3, B=2, H=4)
    with pytest.raises(ValueError, match="w_hh must be"):
        peephole_sequence(xs[0], xs[1], xs[2], xs[3][:8], xs[4])
    with pytest.raises(ValueError, match="w_peep must be"):
        peephole_sequence(*xs[:4], xs[4][:2])
    with pytest.raises(ValueError, match="h0 must be"):
        cifg_sequence(torch.zeros(3, 2, 12), torch.zeros(3, 4), torch.zeros(2, 4), torch.zeros(12, 4))
    with pytest.raises(ValueError, match="float64"):
        cifg_sequence(
            torch.zeros(3, 2, 12), torch.zeros(2, 4, dtype=torch.float64), torch.zeros(2, 4), torch.zeros(12, 4)
        )


@pytest.mark.parametrize("variant", VARIANTS)
def test_non_contiguous_inputs(variant):
    """xproj from a batch-first projection (a transposed view) and a transposed w_hh work as is."""
    fast, ref, chunks, _ = VARIANTS[variant]
    xs = _inputs(variant, T=6, B=4, H=5, grad=False)
    xs[0] = xs[0].transpose(0, 1).contiguous().transpose(0, 1).requires_grad_()  # (T, B, G), strides of (B, T, G)
    xs[3] = xs[3].t().contiguous().t().requires_grad_()  # (G, H), column-major
    xs[1] = torch.zeros(1, 5).expand(4, 5)  # (B, H), stride 0
    assert not xs[0].is_contiguous() and not xs[3].is_contiguous()
    out, want = fast(*xs), ref(*xs)
    for o, w in zip(out, want):
        torch.testing.assert_close(o, w, atol=1e-6, rtol=0)
    leaves = [xs[0], xs[3]]
    got = torch.autograd.grad(out[0].sum(), leaves)
    exp = torch.autograd.grad(want[0].sum(), leaves)
    for a, b in zip(got, exp):
        torch.testing.assert_close(a, b, atol=1e-6, rtol=1e-5)
