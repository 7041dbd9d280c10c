"""Classroom functions: the LSTM calculator against a hand computation, the gradient-decay measurement."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import torch

from lstm_core import teach
from lstm_core.cells import replay
from lstm_core.cellspec import SPECS


def test_calculator_matches_a_hand_computation():
    x, h, c = np.array(teach.EXAMPLE_X), np.array(teach.EXAMPLE_H), np.array(teach.EXAMPLE_C)
    w = teach.seeded_weights(3, 3, seed=7)
    r = teach.lstm_step(x, h, c, w)
    hx = np.array([0.3, 0.8, 0.69, 0.2, 1.3, 0.7])
    sig = lambda a: 1 / (1 + np.exp(-a))  # noqa: E731
    f, i = sig(w.W_f @ hx + w.b_f), sig(w.W_i @ hx + w.b_i)
    g, o = np.tanh(w.W_g @ hx + w.b_g), sig(w.W_o @ hx + w.b_o)
    c_new = f * c + i * g
    np.testing.assert_allclose(r.hx, hx)
    for name, want in (("f", f), ("i", i), ("g", g), ("o", o), ("c", c_new), ("h", o * np.tanh(c_new))):
        np.testing.assert_allclose(getattr(r, name), want, rtol=1e-12, err_msg=name)


def test_calculator_with_typed_weights_by_hand():
    """One unit, one input, every weight 1 and bias 0: the numbers a student can do on paper."""
    ones = np.ones((1, 2))
    zero = np.zeros(1)
    w = teach.LSTMWeights(ones, ones, ones, ones, zero, zero, zero, zero)
    r = teach.lstm_step([0.5], [0.5], [1.0], w)  # a = 1 for every gate
    s1 = 1 / (1 + np.exp(-1.0))
    assert r.f[0] == pytest.approx(s1) and r.g[0] == pytest.approx(np.tanh(1.0))
    assert r.c[0] == pytest.approx(s1 * 1.0 + s1 * np.tanh(1.0))
    assert r.h[0] == pytest.approx(s1 * np.tanh(s1 + s1 * np.tanh(1.0)))


def test_calculator_checks_sizes_and_parses_vectors():
    w = teach.seeded_weights(3, 3)
    with pytest.raises(ValueError, match="must match"):
        teach.lstm_step([1, 2, 3], [1, 2, 3], [1, 2], w)
    with pytest.raises(ValueError, match="needs 3 x 5"):
        teach.lstm_step([1, 2], [1, 2, 3], [1, 2, 3], w)
    np.testing.assert_allclose(teach.parse_vector("[0.2; 1.3, 0.7]"), [0.2, 1.3, 0.7])
    # decimal commas between semicolons, as a European spreadsheet writes them: read as 0, 2, 1, 3 before
    np.testing.assert_allclose(teach.parse_vector("0,2; 1,3"), [0.2, 1.3])
    np.testing.assert_allclose(teach.parse_vector("1, 2; 3"), [1, 2, 3])  # a comma and a space separate
    with pytest.raises(ValueError, match="must be numbers"):
        teach.parse_vector("1, two")
    with pytest.raises(ValueError, match="empty"):
        teach.parse_vector("  ")
    with pytest.raises(ValueError, match="finite"):
        teach.parse_vector("1, nan")
    np.testing.assert_array_equal(teach.seeded_weights(3, 3, 5).W_f, teach.seeded_weights(3, 3, 5).W_f)


def test_input_gradient_norms_equal_the_full_jacobian():
    torch.manual_seed(0)
    rec = torch.nn.GRU(2, 4, batch_first=True)
    x = torch.randn(1, 7, 2)
    got = teach.input_gradient_norms(rec, x)
    jac = torch.autograd.functional.jacobian(lambda inp: rec(inp)[0][0, -1], x)  # (H, 1, T, F)
    want = jac[:, 0].pow(2).sum(dim=(0, 2)).sqrt().flip(0).numpy()
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-8)


def test_plain_rnn_forgets_faster_than_lstm_and_gru():
    df = teach.gradient_decay(steps=40, hidden=8, seeds=2, forget_bias=1.0)
    assert set(df["cell"]) == {"rnn", "lstm", "gru"} and (df["grad"] > 0).all()
    at = df[df["k"] == 30].set_index("cell")["grad"]
    assert at["rnn"] < at["gru"] < at["lstm"]
    assert teach.decay_rate(df, "rnn") < teach.decay_rate(df, "lstm") < 1


def test_calculator_is_one_step_of_torchs_lstm():
    """The calculator's colah-style weights (W_* on [h, x]) placed in nn.LSTM's layout by the
    LSTM spec give torch's own step: same gates' cell state and hidden state."""
    hsz, inputs = 3, 2
    w = teach.seeded_weights(hsz, inputs, seed=11)
    x, h, c = np.array([0.4, -1.1]), np.array([0.2, -0.5, 0.9]), np.array([1.5, -0.3, 0.1])
    r = teach.lstm_step(x, h, c, w)
    ref = torch.nn.LSTM(inputs, hsz, batch_first=True).double()
    gates = SPECS["lstm"].gates
    with torch.no_grad():
        ref.weight_hh_l0.copy_(torch.from_numpy(np.concatenate([getattr(w, f"W_{g}")[:, :hsz] for g in gates])))
        ref.weight_ih_l0.copy_(torch.from_numpy(np.concatenate([getattr(w, f"W_{g}")[:, hsz:] for g in gates])))
        ref.bias_ih_l0.copy_(torch.from_numpy(np.concatenate([getattr(w, f"b_{g}") for g in gates])))
        ref.bias_hh_l0.zero_()
        _, (h1, c1) = ref(
            torch.from_numpy(x)[None, None], (torch.from_numpy(h)[None, None], torch.from_numpy(c)[None, None])
        )
    np.testing.assert_allclose(r.c, c1[0, 0].numpy(), rtol=0, atol=1e-12)
    np.testing.assert_allclose(r.h, h1[0, 0].numpy(), rtol=0, atol=1e-12)
    np.testing.assert_allclose(r.forget_part + r.write_part, r.c, rtol=0, atol=1e-15)


def test_forget_bias_lands_on_the_lstm_forget_gate():
    """At step 0 (h = 0) each gate reads only x and its bias: the forget bias moves f alone."""
    torch.manual_seed(0)
    rec = teach._module("lstm", 4, 2)
    x = torch.randn(3, 1, 2)
    before = replay(rec, "lstm", x)[0]
    teach.add_forget_bias(rec, 3.0)
    after = replay(rec, "lstm", x)[0]
    for gate in ("i", "g", "o"):
        assert torch.equal(before[gate], after[gate]), gate
    assert torch.all(after["f"] > before["f"])
    with pytest.raises(ValueError, match="takes rnn, lstm, gru"):
        teach._module("cifg", 4)


def decay_frame(rates: dict[str, float], steps: int) -> pd.DataFrame:
    """A gradient-decay chart's frame whose lines fall by exactly ``rates`` per step back, from 1."""
    return pd.DataFrame(
        [{"cell": c, "k": k, "grad": max(r**k, teach.DECAY_FLOOR)} for c, r in rates.items() for k in range(steps)]
    )


def test_decay_caption_names_the_forget_bias_it_measured_with():
    """The chart's LSTM had its forget bias raised (the page's default is 1): the caption says so
    instead of calling it torch's initialisation, and its numbers are the chart's own."""
    df = decay_frame({"rnn": 0.5, "lstm": 0.9, "gru": 0.8}, 40)
    raised = teach.decay_caption(df, 1.0)
    assert "forget-gate bias then raised by 1" in raised
    assert "×0.50" in raised and "×0.90" in raised and "×0.80" in raised
    assert (
        f"(39 steps back) the gradient went to ×{0.5**39:.1e} of its size for the RNN against ×{0.9**39:.1e}" in raised
    )
    plain = teach.decay_caption(df, 0.0)
    assert "torch's initialisation;" in plain and "forget-gate bias then raised" not in plain
    assert "raised by 2.5" in teach.decay_caption(df, 2.5)


def test_decay_caption_reads_the_chart_not_an_extrapolation():
    """At T = 10 the caption said ×4.7e-01 for the LSTM (its fitted rate to the 10th power) under a line that fell
    ×0.1; at forget bias 0 it said "an LSTM keeps the gradient alive" under an LSTM losing it faster than the RNN;
    and a factor of 1.01 "kept" a gradient that grew."""
    short = decay_frame({"rnn": 0.5, "lstm": 0.8}, 10)
    assert f"(9 steps back) the gradient went to ×{0.5**9:.1e} of its size for the RNN against ×{0.8**9:.1e}" in (
        teach.decay_caption(short, 1.0)
    )
    worse = teach.decay_caption(decay_frame({"rnn": 0.62, "lstm": 0.6}, 150), 0.0)
    assert "under ×" in worse  # both lines reach the chart's floor
    assert "Here the LSTM loses it as fast as the RNN or faster" in worse and "Training can push" not in worse
    grows = teach.decay_caption(decay_frame({"rnn": 0.5, "lstm": 1.01}, 20), 3.0)
    assert "LSTM grows it about ×1.01 per step back" in grows


def test_seeded_weights_that_round_to_zero_print_without_a_sign():
    """Seed 0's example cell held a weight rounded to -0.0, which the Calculator's "Weights used" printed "−0"."""
    from ui.cell_picture import weight_text

    for seed in range(5):
        w = teach.seeded_weights(len(teach.EXAMPLE_H), len(teach.EXAMPLE_X), seed)
        values = np.concatenate([getattr(w, f"{p}_{g}").ravel() for p in "Wb" for g in "figo"])
        assert not (np.signbit(values) & (values == 0)).any(), seed
    assert [weight_text(v) for v in (-0.0, 0.0, -0.25, 1.5)] == ["0", "0", "-0.25", "1.5"]  # typed weights too
