"""Cells: exact replay equals each trained module's own output, gate identities hold, and each
cell's spec (layout, traces, step terms) is the one the modules and the replay follow."""

import pytest
import torch
from torch import nn

from lstm_core.cells import GATE_ROWS, GATES, STEPS, VariantStack, build_recurrent, layer_weights, replay
from lstm_core.cellspec import SPECS, TRACE_KIND, spec
from lstm_core.config import CELL_TYPES, ConfigError, ModelConfig
from lstm_core.model import Forecaster


def _stack(cell: str, layers: int = 2, hidden: int = 7, inputs: int = 3, seed: int = 0) -> nn.Module:
    torch.manual_seed(seed)
    rec = build_recurrent(ModelConfig(cell=cell, hidden_size=hidden, num_layers=layers, input_size=inputs))
    return rec.eval()


@pytest.mark.parametrize("cell", CELL_TYPES)
@pytest.mark.parametrize("layers", [1, 3])
def test_replay_h_equals_module_output(cell, layers):
    rec = _stack(cell, layers)
    x = torch.randn(4, 25, 3)  # (B, T, F)
    with torch.no_grad():
        out, _ = rec(x)  # (B, T, H)
    trace = replay(rec, cell, x)
    assert len(trace) == layers
    assert set(trace[0]) == set(GATES[cell])
    torch.testing.assert_close(trace[-1]["h"].transpose(0, 1), out, atol=1e-5, rtol=0)


@pytest.mark.parametrize("cell", ["lstm", "peephole"])
def test_lstm_family_identities(cell):
    rec = _stack(cell, 1)
    tr = replay(rec, cell, torch.randn(2, 30, 3))[0]
    c_prev = torch.cat([torch.zeros_like(tr["c"][:1]), tr["c"][:-1]])
    torch.testing.assert_close(tr["c"], tr["f"] * c_prev + tr["i"] * tr["g"], atol=1e-6, rtol=0)
    torch.testing.assert_close(tr["h"], tr["o"] * torch.tanh(tr["c"]), atol=1e-6, rtol=0)


def test_cifg_couples_input_and_forget():
    rec = _stack("cifg", 1)
    tr = replay(rec, "cifg", torch.randn(2, 30, 3))[0]
    c_prev = torch.cat([torch.zeros_like(tr["c"][:1]), tr["c"][:-1]])
    torch.testing.assert_close(tr["c"], tr["f"] * c_prev + (1 - tr["f"]) * tr["g"], atol=1e-6, rtol=0)


def test_gru_identity_in_torch_convention():
    rec = _stack("gru", 1)
    tr = replay(rec, "gru", torch.randn(2, 30, 3))[0]
    h_prev = torch.cat([torch.zeros_like(tr["h"][:1]), tr["h"][:-1]])
    torch.testing.assert_close(tr["h"], (1 - tr["z"]) * tr["n"] + tr["z"] * h_prev, atol=1e-6, rtol=0)


def test_peephole_without_peepholes_is_nn_lstm():
    torch.manual_seed(1)
    ref = nn.LSTM(3, 6, batch_first=True)
    stack = VariantStack("peephole", 3, 6, 1)
    layer = stack.layers[0]
    with torch.no_grad():
        layer.weight_ih.copy_(ref.weight_ih_l0)
        layer.weight_hh.copy_(ref.weight_hh_l0)
        layer.bias.copy_(ref.bias_ih_l0 + ref.bias_hh_l0)
        layer.peep.zero_()
        x = torch.randn(5, 20, 3)
        torch.testing.assert_close(stack(x)[0], ref(x)[0], atol=1e-5, rtol=0)


def test_unknown_cell_lists_valid_names():
    with pytest.raises(ValueError, match="choose one of rnn, lstm, gru, peephole, cifg"):
        Forecaster(ModelConfig(cell="transformer"))


@pytest.mark.parametrize("cell", CELL_TYPES)
def test_forecaster_shapes_and_gate_trace(cell):
    torch.manual_seed(0)
    model = Forecaster(ModelConfig(cell=cell, hidden_size=5, num_layers=2, input_size=2, output_size=3)).eval()
    x = torch.randn(4, 11, 2)
    assert model(x).shape == (4, 3)
    trace = model.gate_trace(x[:1])
    assert all(v.shape == (11, 1, 5) for layer in trace for v in layer.values())


@pytest.mark.parametrize("cell", CELL_TYPES)
def test_the_linear_path_adds_a_linear_map_of_the_window_to_the_first_output_only(cell):
    """``linear_inputs`` L: the first output gains ``x[:, -L:, 0] @ w + b``; the path starts at
    zero and is built after the head, so a seed gives the same stack and head as without it."""
    shape = dict(cell=cell, hidden_size=5, input_size=2, output_size=3)
    torch.manual_seed(3)
    plain = Forecaster(ModelConfig(**shape)).eval()
    torch.manual_seed(3)
    net = Forecaster(ModelConfig(**shape, linear_inputs=4)).eval()
    assert plain.linear is None and net.linear is not None
    for (name, p), (_, q) in zip(
        plain.named_parameters(), (kv for kv in net.named_parameters() if "linear" not in kv[0])
    ):
        assert torch.equal(p, q), name
    x = torch.randn(6, 9, 2)
    torch.testing.assert_close(net(x), plain(x), rtol=0, atol=0)  # a zero path at first
    with torch.no_grad():
        net.linear.weight.copy_(torch.tensor([[0.5, -1.0, 2.0, 0.25]]))
        net.linear.bias.fill_(0.1)
    out, base = net(x), plain(x)
    torch.testing.assert_close(out[:, 0], base[:, 0] + x[:, -4:, 0] @ net.linear.weight[0] + 0.1)
    torch.testing.assert_close(out[:, 1:], base[:, 1:], rtol=0, atol=0)
    out.pow(2).sum().backward()
    assert net.linear.weight.grad.abs().sum() > 0 and net.head.weight.grad.abs().sum() > 0


def test_a_negative_linear_path_is_refused():
    with pytest.raises(ConfigError, match="linear path"):
        Forecaster(ModelConfig(linear_inputs=-1))


@pytest.mark.parametrize("cell", ["peephole", "cifg"])
def test_variant_gradients_reach_every_parameter(cell):
    torch.manual_seed(0)
    model = Forecaster(ModelConfig(cell=cell, hidden_size=4, num_layers=2, input_size=1))
    model(torch.randn(3, 9, 1)).pow(2).sum().backward()
    for name, p in model.named_parameters():
        assert p.grad is not None and torch.isfinite(p.grad).all() and p.grad.abs().sum() > 0, name


def test_cifg_is_nn_lstm_with_input_gate_tied_to_minus_forget():
    """sigma(-a) = 1 - sigma(a): an nn.LSTM whose input-gate rows are the negated forget-gate
    rows computes exactly the CIFG cell."""
    torch.manual_seed(2)
    hsz = 6
    stack = VariantStack("cifg", 3, hsz, 1)
    layer = stack.layers[0]
    ref = nn.LSTM(3, hsz, batch_first=True)
    wf_ih, wg_ih, wo_ih = layer.weight_ih.detach().chunk(3)
    wf_hh, wg_hh, wo_hh = layer.weight_hh.detach().chunk(3)
    bf, bg, bo = layer.bias.detach().chunk(3)
    with torch.no_grad():
        ref.weight_ih_l0.copy_(torch.cat([-wf_ih, wf_ih, wg_ih, wo_ih]))
        ref.weight_hh_l0.copy_(torch.cat([-wf_hh, wf_hh, wg_hh, wo_hh]))
        ref.bias_ih_l0.copy_(torch.cat([-bf, bf, bg, bo]))
        ref.bias_hh_l0.zero_()
        x = torch.randn(4, 15, 3)
        torch.testing.assert_close(stack(x)[0], ref(x)[0], atol=1e-5, rtol=0)


# ----------------------------------------------------------------------------- the cell specs


@pytest.mark.parametrize("cell", CELL_TYPES)
def test_spec_traces_are_what_replay_records_in_order(cell):
    cs = SPECS[cell]
    rec = _stack(cell, 2, hidden=4)
    layers = replay(rec, cell, torch.randn(2, 6, 3))
    assert all(tuple(layer) == cs.traces for layer in layers)
    assert GATES[cell] == cs.traces and STEPS[cell] is cs.step
    assert set(cs.gates) <= set(cs.traces) and cs.traces[-1] == "h" and set(cs.state) <= set(cs.traces)
    assert all(TRACE_KIND[n] == "state" for n in cs.traces if n not in cs.saturating)


@pytest.mark.parametrize("cell", CELL_TYPES)
def test_spec_row_count_matches_every_layer_weight(cell):
    hidden, rec = 4, _stack(cell, 2, hidden=4)
    for k in range(2):
        w = layer_weights(rec, cell, k)
        assert w.w_ih.shape[0] == w.w_hh_t.shape[1] == w.b_x.shape[0] == GATE_ROWS[cell] * hidden
        assert (w.peep is None) == (not SPECS[cell].peepholes)
        if w.peep is not None:
            assert w.peep.shape == (len(SPECS[cell].peepholes), hidden)


@pytest.mark.parametrize("cell", CELL_TYPES)
def test_spec_rows_drive_the_named_gate_of_the_trained_module(cell):
    """A large bias on ``spec.rows(gate)`` of the module's own parameters saturates that gate
    (and only that gate) in the replay, and the replay still equals the module's output: the
    spec's layout is torch's (nn.RNN / nn.LSTM / nn.GRU) and VariantLayer's."""
    cs, hidden = SPECS[cell], 5
    x = torch.randn(3, 12, 3)
    for gate in cs.gates:
        rec = _stack(cell, 1, hidden=hidden, seed=3)
        bias = rec.layers[0].bias if isinstance(rec, VariantStack) else rec.bias_ih_l0
        with torch.no_grad():
            bias[cs.rows(gate, hidden)] += 30.0
            out, _ = rec(x)
        tr = replay(rec, cell, x)[0]
        torch.testing.assert_close(tr["h"].transpose(0, 1), out, atol=1e-5, rtol=0)
        assert torch.all(tr[gate] > 0.999), gate
        others = [n for n in cs.gates if n != gate]
        assert all(torch.any(tr[n] < 0.99) for n in others), (gate, others)


@pytest.mark.parametrize("cell", CELL_TYPES)
def test_step_terms_hold_every_pre_activation(cell):
    """``terms`` of a step: each gate's value is its activation of ``pre_<gate>``; the
    peephole and GRU parts are what the pre-activation adds up from; the results are unchanged."""
    cs, hidden = SPECS[cell], 4
    rec = _stack(cell, 1, hidden=hidden, seed=5)
    w = layer_weights(rec, cell, 0)
    if w.peep is not None:
        w = w._replace(peep=w.peep * 5.0)
    torch.manual_seed(6)
    xp = torch.randn(2, len(cs.gates) * hidden)  # (B, G)
    state = tuple(torch.randn(2, hidden) for _ in cs.state)
    terms: dict[str, torch.Tensor] = {}
    with torch.no_grad():
        plain = cs.step(xp, state, w)
        h, new_state, traces = cs.step(xp, state, w, terms)
    assert torch.equal(h, plain[0]) and all(torch.equal(a, b) for a, b in zip(traces, plain[2]))
    values = dict(zip(cs.traces, traces))
    act = {"sigmoid": torch.sigmoid, "tanh": torch.tanh}
    for gate in cs.gates:
        torch.testing.assert_close(values[gate], act[TRACE_KIND[gate]](terms[f"pre_{gate}"]), atol=1e-7, rtol=0)
    assert {k[5:] for k in terms if k.startswith("peep_")} == set(cs.peepholes)
    if cs.peepholes:
        c_prev, c = state[1], new_state[1]
        for k, gate in enumerate(cs.peepholes):
            seen = c if gate == "o" else c_prev  # the output gate peeks at the new cell state
            torch.testing.assert_close(terms[f"peep_{gate}"], w.peep[k] * seen, atol=0, rtol=0)
    if cell == "gru":
        torch.testing.assert_close(terms["rec_n"], values["r"] * terms["hn"], atol=0, rtol=0)


def test_spec_lookup_and_rows_reject_unknown_names():
    with pytest.raises(ValueError, match="valid cells are rnn, lstm, gru, peephole, cifg"):
        spec("transformer")
    with pytest.raises(ValueError, match="its gates are f, g, o"):
        SPECS["cifg"].rows("i", 4)
    assert SPECS["lstm"].rows("f", 4) == slice(4, 8) and SPECS["gru"].rows("n", 3) == slice(6, 9)
