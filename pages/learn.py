"""Learn page (classroom): the idea in a picture, why plain RNNs forget (measured live), the LSTM cell, its
variants, a calculator with its diagram."""

import numpy as np
import pandas as pd
import streamlit as st

from lstm_core import teach
from ui import cell_picture as cp
from ui import gates_view as gv
from ui import nav, presenter, state, url
from ui.figures import gates as gp
from ui.state import KEEP

SECTIONS = ["The idea", "Why RNNs forget", "The LSTM cell", "Variants and GRU", "Calculator"]
# the sidebar hidden before the page's own switch is drawn: a deep link showed both switches at once
if presenter.active():
    gv.presenter_css()
head, switch = st.columns([4, 1], vertical_alignment="bottom")
head.title("Learn")
#: The URL's names of the sections' settings (a lecturer's link opens the experiment as set), with their choices.
SETTINGS: dict[str, tuple[str, str, type, list]] = {
    "push": ("The idea", "learn_idea_f", float, [k / 2 for k in range(-8, 9)]),
    "T": ("Why RNNs forget", "learn_steps", int, list(range(10, 151, 10))),
    "units": ("Why RNNs forget", "learn_hidden", int, [4, 8, 16, 32, 64]),
    "seeds": ("Why RNNs forget", "learn_seeds", int, list(range(1, 9))),
    "bias": ("Why RNNs forget", "learn_fb", float, [0.0, 1.0, 2.0, 3.0]),
}
gv.restore_from_url(
    {"section": ("learn_section", str), **{name: (key, cast) for name, (_, key, cast, _) in SETTINGS.items()}},
    {"section": SECTIONS, **{name: choices for name, (*_, choices) in SETTINGS.items()}},
)
with switch, st.container(horizontal=True, horizontal_alignment="right", vertical_alignment="center"):
    if presenter.active():  # the sidebar is hidden: the way on to the other pages, beside the switch
        nav.pages_menu("pages/learn.py")
    gv.presenter_toggle("learn_presenter")
big = presenter.active()
gv.phone_css()
if st.session_state.get("learn_section") not in SECTIONS:
    st.session_state["learn_section"] = SECTIONS[0]
gv.refused_notice()  # ?section=Nope opened on the first section without a word
section = (
    st.segmented_control("Section", SECTIONS, key="learn_section", label_visibility="collapsed", persist_state=KEEP)
    or SECTIONS[0]
)
CONFIG = {"displayModeBar": "hover", "displaylogo": False}


def example_values(forget: float) -> dict[str, float]:
    """Unit 1 of the calculator's textbook step, with the forget gate's bias moved by ``forget``."""
    w = teach.seeded_weights(len(teach.EXAMPLE_H), len(teach.EXAMPLE_X), 0)
    w.b_f = w.b_f + forget
    x, h, c = (np.asarray(v, dtype=float) for v in (teach.EXAMPLE_X, teach.EXAMPLE_H, teach.EXAMPLE_C))
    return cp.calculator_values(teach.lstm_step(x, h, c, w), w, x, h, c, 0)


@st.cache_data(show_spinner="Measuring gradients...", max_entries=16)
def decay(steps: int, hidden: int, seeds: int, forget_bias: float) -> pd.DataFrame:
    return teach.gradient_decay(steps=steps, hidden=hidden, seeds=seeds, forget_bias=forget_bias)


if section == "The idea":
    st.markdown(
        "A recurrent network reads a series **one step at a time** and carries a small memory from step to step. "
        "An **LSTM cell** keeps its memory on a line of its own (the top line below) and uses three **gates**, "
        "numbers between 0 (closed) and 1 (open), to decide what to **forget**, what to **write** and what to "
        "**show**."
    )
    # presenting, the picture takes the row (up to 820 px, within a 720 px high screen) and the words go
    # under it: in three fifths of a 1024 px projector its numbers were 11 px beside 23 px prose. On a
    # taller screen it grows with the height left above the slider (the picture is 0.62 as high as
    # wide): held at 820 px on 1920x1080 its numbers were 17.6 px and its note 14 px
    pic, words = (st.container(), st.container()) if big else st.columns([3, 2])
    if big:
        st.html(
            "<style>.st-key-learn_picture img {max-width: max(820px, min(1100px, calc((100vh - 430px) * 1.6)))"
            " !important; margin: 0 auto; display: block;}</style>"
        )
    with pic.container(key="learn_picture"):
        cp.draw("lstm", example_values(float(st.session_state.get("learn_idea_f", 0.0))), "An LSTM cell", big)
    with pic.container(key="learn_controls"):
        st.slider(
            "Push the forget gate open (+) or closed (−)",
            -4.0,
            4.0,
            0.0,
            0.5,
            key="learn_idea_f",
            persist_state=KEEP,
            help="Moves the forget gate's bias: watch f, then f·c_{t−1} and the new memory c_t follow.",
        )
    words.markdown(
        "- **Forget gate f** multiplies the old memory c<sub>t−1</sub>: 1 keeps it all, 0 wipes it.\n"
        "- **Input gate i** lets in a share of the new candidate **g** (between −1 and 1).\n"
        "- **Output gate o** decides how much of the memory, squashed by tanh, leaves as **h<sub>t</sub>**, "
        "the output the next step and the next layer see.\n\n"
        "Boxes are coloured by value, as on the Gates page's heatmaps: σ gates dark (0, closed) to yellow "
        "(1, open), tanh boxes blue (−1) to red (+1). The next sections show why this helps (gradients), the "
        "equations, the variants, and a calculator; the **Gates** page shows the same picture for a trained model.",
        unsafe_allow_html=True,
    )
elif section == "Why RNNs forget":
    st.markdown(
        "A plain RNN squashes its whole memory through the same matrix and `tanh` at every step: "
        "$h_t = \\tanh(W_x x_t + W_h h_{t-1} + b)$. Back-propagation through $k$ steps multiplies $k$ "
        "Jacobians $\\operatorname{diag}(1 - h^2)\\, W_h$; when their norm is below 1 the gradient shrinks "
        "geometrically, so the output barely feels inputs a few dozen steps back (Bengio, Simard & Frasconi 1994; "
        "Hochreiter 1991). The LSTM adds a cell state that is changed only by a multiplication with the forget "
        "gate and an addition: along it the gradient is multiplied by $f_t$, which the network can hold near 1."
    )
    chart_slot = st.container()
    with st.container(key="learn_controls"), st.expander("Change the experiment: length, units, seeds, forget bias"):
        a, b, c, d = st.columns(4)
        steps = a.slider("Sequence length T", 10, 150, 60, 10, key="learn_steps", persist_state=KEEP)
        hidden = b.select_slider("Units", [4, 8, 16, 32, 64], 16, key="learn_hidden", persist_state=KEEP)
        seeds = c.slider("Seeds", 1, 8, 3, key="learn_seeds", persist_state=KEEP)
        fb = d.select_slider(
            "LSTM forget-gate bias",
            [0.0, 1.0, 2.0, 3.0],
            1.0,
            key="learn_fb",
            persist_state=KEEP,
            help="Added to the forget gate's bias before measuring. torch draws every bias at random around 0; "
            "starting the forget bias at 1 is the common choice (Gers et al. 2000, Jozefowicz et al. 2015).",
        )
    df = decay(int(steps), int(hidden), int(seeds), float(fb))
    presenter.chart(gp.gradient_decay_figure(df), key="learn_decay", container=chart_slot, config=CONFIG)
    st.caption(teach.decay_caption(df, float(fb)))
elif section == "The LSTM cell":
    st.markdown(
        "**Cell state $c_t$** — a conveyor belt through time, changed only by a pointwise forget and a pointwise "
        "add; this is what carries long memory.\n\n"
        "**Forget gate $f_t$** — how much of each unit's old memory to keep (1 keeps everything, 0 erases).\n\n"
        "**Input gate $i_t$ and candidate $g_t$** — the candidate $g_t$ proposes new content in $(-1, 1)$, the "
        "gate $i_t$ decides how much of it to write.\n\n"
        "**Output gate $o_t$** — which part of the squashed memory $\\tanh(c_t)$ is shown as $h_t$, the state the "
        "next layer and the next step see."
    )
    for eq in [
        r"f_t = \sigma(W_f [h_{t-1}, x_t] + b_f)",
        r"i_t = \sigma(W_i [h_{t-1}, x_t] + b_i)",
        r"g_t = \tanh(W_g [h_{t-1}, x_t] + b_g)",
        r"c_t = f_t \odot c_{t-1} + i_t \odot g_t",
        r"o_t = \sigma(W_o [h_{t-1}, x_t] + b_o)",
        r"h_t = o_t \odot \tanh(c_t)",
    ]:
        st.latex(eq)
    st.caption(
        "Along the cell state, ∂c_t/∂c_(t−1) = f_t (plus terms through the gates): a product of forget gates, "
        "not of squashed matrices. See it on the Gates page (step-through) for a trained model."
    )
elif section == "Variants and GRU":
    st.markdown(
        "**Peephole LSTM** (Gers & Schmidhuber 2000): the gates also look at the cell state, which helps "
        "with precise timing. The input and forget gates see $c_{t-1}$, the output gate the new $c_t$."
    )
    # one equation a line: two to a line ran past the page's edge presenting at 1024 px
    st.latex(r"f_t = \sigma(W_f [h_{t-1}, x_t] + p_f \odot c_{t-1} + b_f)")
    st.latex(r"i_t = \sigma(W_i [h_{t-1}, x_t] + p_i \odot c_{t-1} + b_i)")
    st.latex(r"o_t = \sigma(W_o [h_{t-1}, x_t] + p_o \odot c_t + b_o)")
    st.caption("p_f, p_i, p_o are vectors (one weight per unit: each unit sees only its own cell), not matrices.")
    st.markdown(
        "**Coupled input–forget gates (CIFG)**: one gate decides both, $i_t = 1 - f_t$: the cell writes "
        "exactly as much as it forgets. Fewer weights, usually as accurate (Greff et al. 2017)."
    )
    st.latex(r"c_t = f_t \odot c_{t-1} + (1 - f_t) \odot g_t")
    st.markdown(
        "**GRU** (Cho et al. 2014): no separate cell state. A reset gate $r_t$ decides how much of the "
        "past enters the candidate, an update gate $z_t$ mixes old state and candidate. Here, as in torch and in "
        "Cho et al., $z_t$ is the *keep* gate (some texts swap $z_t$ and $1 - z_t$); torch, and so this app, "
        "applies $r_t$ after the recurrent weights, Cho et al. before them ($U_n (r_t \\odot h_{t-1})$):"
    )
    for eq in [
        r"r_t = \sigma(W_r x_t + U_r h_{t-1} + b_r)",
        r"z_t = \sigma(W_z x_t + U_z h_{t-1} + b_z)",
        r"n_t = \tanh(W_n x_t + b_n + r_t \odot (U_n h_{t-1} + b_{hn}))",
        r"h_t = (1 - z_t) \odot n_t + z_t \odot h_{t-1}",
    ]:
        st.latex(eq)
else:
    st.markdown(
        "One LSTM step by hand. Prefilled with an example; type your own numbers "
        "(comma-separated, one value per unit / input)."
    )
    with st.container(key="learn_controls"):
        a, b, c = st.columns(3)
        x_txt = a.text_input("x_t", ", ".join(map(str, teach.EXAMPLE_X)), key="learn_x", persist_state=KEEP)
        h_txt = b.text_input("h_(t−1)", ", ".join(map(str, teach.EXAMPLE_H)), key="learn_h", persist_state=KEEP)
        c_txt = c.text_input("c_(t−1)", ", ".join(map(str, teach.EXAMPLE_C)), key="learn_c", persist_state=KEEP)
        wmode = st.radio("Weights", ["seeded random", "typed"], horizontal=True, key="learn_wmode", persist_state=KEEP)
        seed = st.number_input("Weight seed", 0, 10_000, 0, key="learn_seed", persist_state=KEEP)
    try:
        x, h, cprev = (teach.parse_vector(t, n) for t, n in ((x_txt, "x_t"), (h_txt, "h_(t-1)"), (c_txt, "c_(t-1)")))
        w = teach.seeded_weights(len(h), len(x), int(seed))
        if wmode == "typed":
            cols = [f"h{j + 1}" for j in range(len(h))] + [f"x{j + 1}" for j in range(len(x))] + ["bias"]
            tabs = st.tabs([f"W_{g}, b_{g}" for g in "figo"])
            typed = {}
            # the weights typed are kept while the editors are not drawn (seeded random picked, then typed again:
            # the edits were gone); a fresh editor opens on them, a drawn one on what it opened on
            kept, opened_on = (st.session_state.setdefault(k, {}) for k in ("learn_typed_kept", "learn_typed_base"))
            for g, tab in zip("figo", tabs):
                wkey = f"learn_w_{g}_{len(h)}_{len(x)}_{seed}"
                if wkey not in st.session_state:
                    opened_on[wkey] = kept.get(wkey, np.column_stack([getattr(w, f"W_{g}"), getattr(w, f"b_{g}")]))
                base = pd.DataFrame(opened_on[wkey], columns=cols, index=[f"unit {u + 1}" for u in range(len(h))])
                typed[g] = kept[wkey] = tab.data_editor(base, key=wkey).to_numpy(float)
            w = teach.LSTMWeights(
                **{f"W_{g}": typed[g][:, :-1] for g in "figo"}, **{f"b_{g}": typed[g][:, -1] for g in "figo"}
            )
        r = teach.lstm_step(x, h, cprev, w)
    except ValueError as exc:
        st.error(str(exc))
        url.stop()
    # one under the other when presenting: in two fifths of the row the diagram's labels were 7 px
    pic, maths = (st.container(), st.container()) if big else st.columns([2, 3])
    with pic:
        # kept while the box is not drawn (a mistyped x_t stops the page above it): back, it read 1 while the
        # picture drew unit 2
        if len(h) > 1:  # a kept unit past a shorter h_(t-1) typed since is the last one
            state.clamp_setting("learn_calc_unit", 1, len(h))
        unit = (
            st.number_input("Unit shown in the picture", 1, len(h), 1, key="learn_calc_unit", persist_state=KEEP)
            if len(h) > 1
            else 1
        )
        with st.container(key="learn_calc_picture"):
            cp.draw("lstm", cp.calculator_values(r, w, x, h, cprev, int(unit) - 1), f"Unit {unit}", big)

    def vec(v: np.ndarray) -> str:
        return r"\begin{bmatrix}" + r" \\ ".join(cp.fmt(e).replace("−", "-") for e in v) + r"\end{bmatrix}"

    def two_lines(rule: str, numbers: str) -> str:
        """The rule, then its numbers on a line of their own: on one line the results (the gate
        values) ran past the column's edge at 1024 px, presenting or not."""
        return r"\begin{aligned}" + rule + r" \\ &= " + numbers + r"\end{aligned}"

    with maths:
        st.latex(
            two_lines(
                r"& [h_{t-1}, x_t]",  # the row of numbers starts at the left edge, as wide as the column
                r"\begin{bmatrix}" + r" & ".join(f"{e:g}" for e in r.hx) + r"\end{bmatrix}^\top",
            )
        )
        for g, name, act in (
            ("f", "f_t", r"\sigma"),
            ("i", "i_t", r"\sigma"),
            ("g", "g_t", r"\tanh"),
            ("o", "o_t", r"\sigma"),
        ):
            st.latex(
                two_lines(
                    f"{name} &= {act}(W_{g} [h_{{t-1}}, x_t] + b_{g})",
                    f"{act}\\left({vec(getattr(r, 'a_' + g))}\\right) = {vec(getattr(r, g))}",
                )
            )
        st.latex(
            two_lines(
                r"c_t &= f_t \odot c_{t-1} + i_t \odot g_t",
                vec(r.forget_part) + " + " + vec(r.write_part) + " = " + vec(r.c),
            )
        )
        st.latex(two_lines(r"h_t &= o_t \odot \tanh(c_t)", vec(r.o) + r" \odot " + vec(r.tanh_c) + " = " + vec(r.h)))
        with st.expander("Weights used", expanded=False):
            # the bias as a row under its matrix: beside it, it ran past the page's edge presenting at 1024 px
            for g in "figo":
                st.latex(
                    r"\begin{aligned}"
                    + f"W_{g} &= "
                    + r"\begin{bmatrix}"
                    + r" \\ ".join(" & ".join(cp.weight_text(e) for e in row) for row in getattr(w, f"W_{g}"))
                    + r"\end{bmatrix} \\ b_"
                    + g
                    + " &= "
                    + r"\begin{bmatrix}"
                    + " & ".join(cp.fmt(e).replace("−", "-") for e in getattr(w, f"b_{g}"))
                    + r"\end{bmatrix}^\top"
                    + r"\end{aligned}"
                )

gv.write_url(
    {
        "section": section,
        # the section's own settings, where it has some (None: out of the URL)
        **{name: st.session_state.get(key) if part == section else None for name, (part, key, *_) in SETTINGS.items()},
        "presenter": presenter.param(),
    }
)
