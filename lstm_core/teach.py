"""Classroom measurements and calculators (pure functions; the Learn page draws them).

* :func:`gradient_decay` measures, live, how much the last hidden state of a recurrent layer
  still depends on an input k steps back: ``||dh_T / dx_{T-k}||`` for RNN, LSTM and GRU.
* :func:`lstm_step` is the single-cell calculator: one LSTM step from typed vectors, every
  intermediate kept so the page can show the arithmetic. It runs the LSTM's own step
  (:mod:`lstm_core.cellspec`) in float64.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd
import torch
from torch import nn

from .cells import FUSED
from .cellspec import SPECS, LayerWeights, spec

#: The example the calculator is prefilled with (its weights: :func:`seeded_weights`).
EXAMPLE_X = (0.2, 1.3, 0.7)
EXAMPLE_H = (0.3, 0.8, 0.69)
EXAMPLE_C = (0.5, 0.6, 0.4)
DECAY_CELLS = ("rnn", "lstm", "gru")
#: The gradient-decay chart's floor: smaller norms are drawn at it (a log axis has no 0).
DECAY_FLOOR = 1e-30


def _module(cell: str, hidden: int, inputs: int = 1) -> nn.RNNBase:
    """torch's fused one-layer module of ``cell`` (rnn, lstm or gru)."""
    fused = spec(cell).fused
    if fused is None:
        raise ValueError(f"The gradient measurement takes {', '.join(DECAY_CELLS)}, not {cell!r}.")
    return FUSED[fused](inputs, hidden, batch_first=True)


def add_forget_bias(rec: nn.RNNBase, value: float) -> None:
    """Add ``value`` to the forget-gate rows (``SPECS["lstm"].rows("f")``) of layer 0's input bias."""
    with torch.no_grad():
        rec.get_parameter("bias_ih_l0")[SPECS["lstm"].rows("f", rec.hidden_size)] += value


def _copy_task(n: int, steps: int, gen: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
    """Inputs (n, T, 1) of noise whose first value must be recalled at the end; targets (n, 1)."""
    x = torch.randn(n, steps, 1, generator=gen)
    return x, x[:, 0, :].clone()


def train_briefly(rec: nn.RNNBase, steps: int, iters: int, seed: int, lr: float = 0.01) -> nn.RNNBase:
    """A few Adam steps on a recall task (output the first input at the last step)."""
    gen = torch.Generator().manual_seed(seed)
    head = nn.Linear(rec.hidden_size, 1)
    opt = torch.optim.Adam(list(rec.parameters()) + list(head.parameters()), lr=lr)
    for _ in range(iters):
        x, y = _copy_task(32, steps, gen)
        out, _ = rec(x)
        loss = nn.functional.mse_loss(head(out[:, -1]), y)
        opt.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(rec.parameters(), 1.0)
        opt.step()
    return rec


def input_gradient_norms(rec: nn.RNNBase, x: torch.Tensor) -> np.ndarray:
    """``||dh_T / dx_{T-k}||_F`` for k = 0..T-1 (Frobenius norm of the H x F Jacobian block).

    ``x`` (1, T, F). The H rows of the Jacobian come from one backward pass: the sequence is
    repeated H times along the batch and copy j back-propagates from unit j only.
    """
    hsz = rec.hidden_size
    xb = x.expand(hsz, -1, -1).clone().requires_grad_(True)  # (H, T, F)
    out, _ = rec(xb)  # (H, T, H)
    out[:, -1].diagonal().sum().backward()
    g = xb.grad  # (H, T, F): row j = d h_T[j] / d x
    assert g is not None
    norms = g.pow(2).sum(dim=(0, 2)).sqrt()  # (T,)
    return norms.flip(0).detach().numpy().astype(np.float64)  # index k = steps back


def gradient_decay(
    cells=DECAY_CELLS, steps: int = 60, hidden: int = 16, seeds: int = 3, train_iters: int = 0, forget_bias: float = 0.0
) -> pd.DataFrame:
    """Mean over seeds of ``||dh_T / dx_{T-k}||`` for k = 0..steps-1, per cell type.

    Parameters
    ----------
    cells : cell types among rnn, lstm, gru.
    steps : sequence length T.
    hidden : units per cell.
    seeds : independently initialised cells per type (and input sequences).
    train_iters : 0 for freshly initialised cells (torch's default initialisation); else
        that many Adam steps on a recall task of length ``steps`` first.
    forget_bias : added to the LSTM forget-gate bias before measuring (1.0 is the common
        initialisation; torch draws every bias at random around 0).

    Returns a DataFrame with columns cell, k, grad (the mean norm), lo and hi (min and max
    over seeds), all finite and positive (floored at 1e-30 for a log axis).
    """
    rows = []
    for cell in cells:
        per_seed = []
        for s in range(seeds):
            torch.manual_seed(1000 + s)
            rec = _module(cell, hidden)
            if cell == "lstm" and forget_bias:
                add_forget_bias(rec, forget_bias)
            if train_iters:
                train_briefly(rec, steps, train_iters, seed=s)
            x = torch.randn(1, steps, 1, generator=torch.Generator().manual_seed(s))
            per_seed.append(input_gradient_norms(rec, x))
        g = np.maximum(np.stack(per_seed), DECAY_FLOOR)  # (seeds, T)
        for k in range(steps):
            rows.append(
                {
                    "cell": cell,
                    "k": k,
                    "grad": float(g[:, k].mean()),
                    "lo": float(g[:, k].min()),
                    "hi": float(g[:, k].max()),
                }
            )
    return pd.DataFrame(rows, columns=["cell", "k", "grad", "lo", "hi"])


def decay_caption(df: pd.DataFrame, forget_bias: float) -> str:
    """The sentence under the gradient-decay chart of :func:`gradient_decay` ``df``: what was measured and what
    it shows, read off the chart (the per-step factors of :func:`decay_rate`, and how far each line fell from
    the last input to the first), so that it never says more than the chart does.

    ``forget_bias`` is what :func:`gradient_decay` added to the LSTM's forget-gate bias: not torch's
    initialisation, so the sentence names it. Where the LSTM's gradient falls as fast as the RNN's or faster (a
    forget bias of 0), it says so and what would change it; a factor above 1 is a gradient that grows.
    """
    init = "torch's initialisation"
    if forget_bias:
        init += f", the LSTM's forget-gate bias then raised by {forget_bias:g}"
    cells = list(dict.fromkeys(df["cell"]))
    rates = {c: decay_rate(df, c) for c in cells}

    def per_step(c: str, r: float) -> str:
        if not math.isfinite(r):
            return f"{c.upper()}: too few steps to measure a rate"
        verb = "grows it about" if r > 1.005 else "keeps about"
        return f"{c.upper()} {verb} ×{r:.2f} {'per step back' if r > 1.005 else 'of the gradient per step back'}"

    text = f"Measured just now on freshly initialised cells ({init}; one input feature): "
    text += ", ".join(per_step(c, r) for c, r in rates.items()) + "."
    fell: dict[str, str] = {}
    for c in cells:
        line = df[df["cell"] == c].sort_values("k")["grad"].to_numpy(float)
        if len(line) > 1:  # a line at the chart's floor (1e-30) went at least that far: "under"
            fell[c] = ("under " if line[-1] <= DECAY_FLOOR * 1.001 else "") + f"×{line[-1] / line[0]:.1e}"
    if "rnn" in fell and "lstm" in fell:
        back = int(df["k"].max())
        text += (
            f" From the last input to the first ({back} steps back) the gradient went to {fell['rnn']} of its "
            f"size for the RNN against {fell['lstm']} for the LSTM."
        )
        # per step (the ends can both sit at the floor): an LSTM within 5% of the RNN's factor keeps nothing more
        if not rates["lstm"] > rates["rnn"] * 1.05:
            return text + (
                " Here the LSTM loses it as fast as the RNN or faster: its forget gates are far from 1 "
                f"(forget-gate bias {forget_bias:g}), so the cell-state path shrinks at every step too. Raise the "
                "forget-gate bias (1 is the common start) and the LSTM carries it much further; training can do the same."
            )
    return text + (
        " Training can push an LSTM's forget gates towards 1 and keep the gradient alive for much longer; "
        "an RNN has no gate that can: its gradient passes through the same recurrent weights and tanh at every step."
    )


def decay_rate(df: pd.DataFrame, cell: str, k0: int = 5) -> float:
    """Mean factor the gradient shrinks by per step back, fitted on log grad for k >= k0."""
    d = df[(df["cell"] == cell) & (df["k"] >= k0)]
    if len(d) < 2:
        return float("nan")
    slope = np.polyfit(d["k"].to_numpy(float), np.log(d["grad"].to_numpy(float)), 1)[0]
    return float(np.exp(slope))


# ----------------------------------------------------------------------------- calculator


@dataclass
class LSTMWeights:
    """One LSTM cell of H units reading F inputs: ``W_*`` (H, H + F) act on ``[h_{t-1}, x_t]``."""

    W_f: np.ndarray
    W_i: np.ndarray
    W_g: np.ndarray
    W_o: np.ndarray
    b_f: np.ndarray
    b_i: np.ndarray
    b_g: np.ndarray
    b_o: np.ndarray


def seeded_weights(hidden: int, inputs: int, seed: int = 0, scale: float = 0.5) -> LSTMWeights:
    """Random weights N(0, scale^2) and biases from ``seed`` (the same seed gives the same cell), to two
    decimals; one that rounds to zero is 0, not -0 (the Calculator printed "−0")."""
    rng = np.random.default_rng(seed)
    w = {f"W_{g}": np.round(rng.normal(0, scale, (hidden, hidden + inputs)), 2) + 0.0 for g in "figo"}
    b = {f"b_{g}": np.round(rng.normal(0, scale, hidden), 2) + 0.0 for g in "figo"}
    return LSTMWeights(**w, **b)


@dataclass
class LSTMStep:
    """Every intermediate of one LSTM step (vectors of H)."""

    hx: np.ndarray  # [h_{t-1}, x_t] (H + F,)
    a_f: np.ndarray  # pre-activations W · [h, x] + b
    a_i: np.ndarray
    a_g: np.ndarray
    a_o: np.ndarray
    f: np.ndarray
    i: np.ndarray
    g: np.ndarray
    o: np.ndarray
    forget_part: np.ndarray  # f * c_{t-1}
    write_part: np.ndarray  # i * g
    c: np.ndarray
    tanh_c: np.ndarray
    h: np.ndarray


def lstm_step(x, h_prev, c_prev, w: LSTMWeights) -> LSTMStep:
    """One LSTM step (colah's notation): f, i, o = σ(W·[h_{t-1}, x_t] + b), g = tanh(...),
    c_t = f ⊙ c_{t-1} + i ⊙ g, h_t = o ⊙ tanh(c_t). Raises ValueError on mismatched sizes."""
    x, h_prev, c_prev = (np.asarray(v, dtype=np.float64).ravel() for v in (x, h_prev, c_prev))
    hsz = len(h_prev)
    if len(c_prev) != hsz:
        raise ValueError(f"h_(t-1) has {hsz} values but c_(t-1) has {len(c_prev)}; they must match.")
    if w.W_f.shape != (hsz, hsz + len(x)):
        raise ValueError(
            f"The weights are {w.W_f.shape[0]} x {w.W_f.shape[1]} but [h_(t-1), x_t] needs {hsz} x {hsz + len(x)}."
        )
    hx = np.concatenate([h_prev, x])
    cs = SPECS["lstm"]
    w_all = np.concatenate([getattr(w, f"W_{g}") for g in cs.gates])  # (4H, H + F) in the spec's row order
    t = torch.from_numpy
    lw = LayerWeights(
        t(w_all[:, hsz:]),
        t(np.ascontiguousarray(w_all[:, :hsz].T)),
        t(np.concatenate([getattr(w, f"b_{g}") for g in cs.gates])),
        t(np.zeros(len(w_all))),
        None,
    )
    terms: dict[str, torch.Tensor] = {}
    with torch.no_grad():
        xp = torch.addmm(lw.b_x, t(x)[None], lw.w_ih.t())  # (1, 4H)
        _, _, traces = cs.step(xp, (t(h_prev)[None], t(c_prev)[None]), lw, terms)
    v = {n: tr[0].numpy() for n, tr in zip(cs.traces, traces)}  # (H,) each
    a = {g: terms[f"pre_{g}"][0].numpy() for g in cs.gates}
    f, i, g, o, c = v["f"], v["i"], v["g"], v["o"], v["c"]
    return LSTMStep(hx, a["f"], a["i"], a["g"], a["o"], f, i, g, o, f * c_prev, i * g, c, np.tanh(c), v["h"])


def parse_vector(text: str, name: str = "vector") -> np.ndarray:
    """``"0.2, 1.3, 0.7"`` (commas, spaces or semicolons; brackets optional) -> float array. Numbers separated
    by semicolons with decimal commas and no point, ``"0,2; 1,3"``, read as a European spreadsheet writes them
    (they read as the four numbers 0, 2, 1, 3).

    Raises ValueError with one sentence when a value is not a finite number or the list is empty.
    """
    if ";" in text and "." not in text:  # a comma between two digits is a decimal comma there
        text = re.sub(r"(\d),(\d)", r"\1.\2", text)
    cleaned = text.replace("[", " ").replace("]", " ").replace(";", ",").replace(",", " ").split()
    if not cleaned:
        raise ValueError(f"{name} is empty; type numbers separated by commas, e.g. 0.2, 1.3, 0.7.")
    try:
        v = np.array([float(s) for s in cleaned])
    except ValueError:
        raise ValueError(f"{name} must be numbers separated by commas (got {text!r}).") from None
    if not np.isfinite(v).all():
        raise ValueError(f"{name} must hold finite numbers (got {text!r}).")
    return v
