"""The cell diagram as SVG, coloured by value, and the cell's equations as HTML templates.

One drawing serves three places: the Learn page (a static picture of one step), the Learn
calculator (the calculator's numbers) and the Gates page's in-browser step-through, where
:mod:`ui.stepper` fills the same slots with each step's numbers. Every number sits in a
``data-k`` slot named by a key of :func:`walk_values`; every gate box has a ``data-fill`` key
and is coloured on the heatmaps' scales (sigmoid gates 0 … 1 on Viridis, tanh −1 … 1 on
RdBu). The SVG scales with its width (a ``viewBox``), so its labels never overlap on a phone.
"""

from __future__ import annotations

import html
import math
import re

import numpy as np
from plotly.colors import sample_colorscale

from lstm_core import gates as gt
from lstm_core.cellspec import SPECS, spec

from .figures.style import GUIDE, SCALES, cell_name

#: Colour stops of the two value scales, as the browser interpolates them (5 stops each).
STOPS = {
    "sigmoid": (0.0, 1.0, sample_colorscale(SCALES["sigmoid"], [0, 0.25, 0.5, 0.75, 1.0])),
    "tanh": (-1.0, 1.0, sample_colorscale(SCALES["tanh"], [0, 0.25, 0.5, 0.75, 1.0])),
}
X0, X1, Y0, Y1 = -0.2, 12.4, -0.6, 7.2  # drawing coordinates (y up), as the plotly diagram had
#: The LSTM gates' values under their boxes alternate between two rows (f and g at 2.3, i and o
#: lower): on one row "i = −0.404" ran into "g = 0.005" (the boxes are 1.4-1.6 units apart).
GATE_LOW = 1.85
#: The GRU's drawing ends further right: its "(1−z)·n" label sits right of the last × (at x 10.35).
GRU_X1 = 13.1
SMALLEST_TEXT = 0.22  # font size of the smallest labels, in drawing units (a 12.6-unit-wide drawing)
_SUB = re.compile(r"_\{([^}]*)\}")
_SLOT = re.compile(r"\{([\w.]+)(\|p)?\}")


def _rich(text: str) -> str:
    """``c_{t−1}`` -> SVG text with a subscript tspan; everything else escaped."""
    out, last = [], 0
    for m in _SUB.finditer(text):
        out.append(html.escape(text[last : m.start()]))
        out.append(f'<tspan baseline-shift="sub" font-size="72%">{html.escape(m.group(1))}</tspan>')
        last = m.end()
    out.append(html.escape(text[last:]))
    return "".join(out)


def _rgb(color: str) -> tuple[int, int, int]:
    nums = [float(v) for v in re.findall(r"[\d.]+", color)[:3]]
    return int(round(nums[0])), int(round(nums[1])), int(round(nums[2]))


def fill_color(kind: str, value: float) -> str:
    """The box colour of a gate value on its heatmap scale (sigmoid 0..1, tanh -1..1), as rgb()."""
    lo, hi, stops = STOPS["tanh" if kind == "tanh" else "sigmoid"]
    p = 0.0 if not np.isfinite(value) else min(max((value - lo) / (hi - lo), 0.0), 1.0) * (len(stops) - 1)
    k = min(int(p), len(stops) - 2)
    a, b = _rgb(stops[k]), _rgb(stops[k + 1])
    w = p - k
    return "rgb({},{},{})".format(*(int(round(x + (y - x) * w)) for x, y in zip(a, b)))


def ink_for(fill: str) -> str:
    """Black or white text, whichever reads on ``fill``."""
    r, g, b = _rgb(fill)
    return "#111827" if 0.299 * r + 0.587 * g + 0.114 * b > 140 else "#ffffff"


#: From this size on a number is written in scientific notation (4 figures): 1e308 typed in the calculator was
#: written with 3 decimals as 309 digits, past the picture's and the page's edge.
SCIENTIFIC_FROM = 1e5


def weight_text(v: float) -> str:
    """A weight as the Calculator's "Weights used" prints it (``%g``), a zero without a sign: a seeded weight
    rounded to 0 printed "-0"."""
    return f"{v + 0.0:g}"  # -0.0 + 0.0 is 0.0


def fmt(v: float, bracket: bool = False) -> str:
    """A number as the diagram and equations print it: 3 decimals (4 figures in scientific notation from
    :data:`SCIENTIFIC_FROM` on, ∞ beyond the floats), a real minus sign."""
    if not math.isfinite(v):
        s = "—" if math.isnan(v) else ("−∞" if v < 0 else "∞")
        return f"({s})" if bracket and s.startswith("−") else s
    s = f"{v:.3e}" if abs(v) >= SCIENTIFIC_FROM else f"{v:.3f}"
    if s == "-0.000":
        s = "0.000"
    if s.startswith("-"):
        s = "−" + s[1:]
        return f"({s})" if bracket else s
    return s


class _Svg:
    """Shapes in drawing coordinates; value slots are ``<tspan data-k>`` filled from ``values``."""

    def __init__(self, values: dict[str, float]):
        self.parts: list[str] = []
        self.v = values

    @staticmethod
    def _y(y: float) -> float:
        return Y1 - y

    def path(self, pts, dash: bool = False, color: str = "#374151", arrow: bool = True, width: float = 0.035):
        d = "M " + " L ".join(f"{x:.2f},{self._y(y):.2f}" for x, y in pts)
        extra = ' stroke-dasharray="0.08,0.08"' if dash else ""
        marker = ' marker-end="url(#arrow)"' if arrow else ""
        self.parts.append(f'<path d="{d}" fill="none" stroke="{color}" stroke-width="{width}"{extra}{marker}/>')

    def box(self, x, y, label: str, key: str | None, kind: str = "sigmoid", w=0.75, h=0.6):
        val = self.v.get(key, np.nan) if key else np.nan
        fill = fill_color(kind, val) if key else "#fde68a"
        fk = f' data-fill="{key}" data-kind="{kind}"' if key else ""
        self.parts.append(
            f'<rect x="{x - w / 2:.2f}" y="{self._y(y + h / 2):.2f}" width="{w}" height="{h}" rx="0.06" '
            f'fill="{fill}" stroke="#92400e" stroke-width="0.03"{fk}/>'
        )
        self.text(x, y, label, size=0.34, color=ink_for(fill), key_ink=key)

    def op(self, x, y, sym: str, r=0.27):
        self.parts.append(
            f'<circle cx="{x}" cy="{self._y(y):.2f}" r="{r}" fill="#fbcfe8" stroke="#9d174d" stroke-width="0.03"/>'
        )
        self.text(x, y, sym, size=0.32)

    def text(self, x, y, t: str, size=0.24, color="#111827", anchor="middle", key_ink: str | None = None):
        ink = f' data-ink="{key_ink}"' if key_ink else ""
        self.parts.append(
            f'<text x="{x:.2f}" y="{self._y(y):.2f}" font-size="{size}" fill="{color}" text-anchor="{anchor}" '
            f'dominant-baseline="central"{ink}>{_rich(t)}</text>'
        )

    def value(self, x, y, prefix: str, key: str, anchor="middle", color="#1e3a8a", size=0.27):
        """``prefix`` then the number ``values[key]``, bold, on white (:data:`LABEL_BACKGROUND`): a gate's
        line passing through its centred label hid between the glyphs of a halo alone, and on a
        projector "0.615" read as "Ø.615"."""
        num = fmt(self.v[key]) if key in self.v else "—"
        self.parts.append(
            f'<text x="{x:.2f}" y="{self._y(y):.2f}" font-size="{size}" fill="{color}" text-anchor="{anchor}" '
            f'dominant-baseline="central" font-weight="600" stroke="white" stroke-width="0.07" '
            f'paint-order="stroke" filter="url(#label-bg)">{_rich(prefix)}<tspan data-k="{key}">{num}</tspan></text>'
        )

    def done(
        self, title: str, y_lo: float = Y0, y_hi: float = Y1, css_class: str = "cell-svg", x_hi: float = X1
    ) -> str:
        top, height = Y1 - y_hi, y_hi - y_lo
        return (
            f'<svg class="{css_class}" viewBox="{X0} {top:.2f} {x_hi - X0:.2f} {height:.2f}" '
            f'xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{html.escape(title)}" '
            'font-family="Source Sans Pro, Arial, sans-serif" style="width:100%;height:auto;display:block">'
            '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="5" markerHeight="5" '
            'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#374151"/></marker>'
            f"{LABEL_BACKGROUND}</defs>"
            f"<title>{html.escape(title)}</title>"
            # a white ground under the drawing, as under the charts: transparent, its slate lines vanished on the
            # black page of a high-contrast (forced colours) mode
            f'<rect x="{X0}" y="{top:.2f}" width="{x_hi - X0:.2f}" height="{height:.2f}" fill="white"/>'
            + "".join(self.parts)
            + "</svg>"
        )


#: A white box the size of a value label's bounds, under it (an SVG filter: the flood fills the
#: text's bounding box, the text drawn over it), so that no line shows through between its glyphs.
LABEL_BACKGROUND = (
    '<filter id="label-bg" x="0" y="0" width="1" height="1"><feFlood flood-color="white"/>'
    '<feComposite in="SourceGraphic" operator="over"/></filter>'
)


def x_label(values: dict) -> str:
    """The label of the diagram's input slot: ``x_t`` for one input; with several (``values["x_n"]``:
    the inputs of a run with input columns, or a layer above the first, which reads the units of
    the one below) the slot shows the first, and says so."""
    n = int(values.get("x_n", 1))
    return "x_{t} = " if n <= 1 else f"x_{{t}}[1 of {n}] = "


def cell_svg(cell: str, values: dict[str, float], title: str = "") -> str:
    """The diagram of one unit of ``cell`` with ``values`` (keys of :func:`walk_values`) in its slots."""
    cv = _Svg(values)
    title = title or f"{cell_name(cell)} cell"
    if cell == "rnn":
        cv.path([(0.3, 2), (5.4, 2)])
        cv.path([(4, 0.2), (4, 2)], arrow=False)
        cv.box(6, 2, "tanh", "h", kind="tanh", w=1.1)
        cv.value(6, 2.75, "tanh(…) = ", "h")
        cv.path([(6.55, 2), (11.8, 2)])
        cv.value(0.3, 2.35, "h_{t−1} = ", "h_prev", anchor="start")
        cv.value(4.1, 0.2, x_label(values), "x0", anchor="start")
        cv.value(11.8, 2.35, "h_{t} = ", "h", anchor="end")
        cv.text(6, 3.5, "one squashing, no gate to protect memory", size=SMALLEST_TEXT, color=GUIDE)
        return cv.done(title, y_lo=-0.3, y_hi=3.9)
    if cell == "gru":
        cv.path([(0.3, 6), (7.33, 6)], arrow=False)
        cv.path([(7.87, 6), (9.73, 6)])
        cv.path([(10.27, 6), (11.9, 6)])
        cv.path([(1.2, 6), (1.2, 1), (7, 1)], arrow=False)
        cv.path([(1.8, 0.1), (1.8, 1)], arrow=False)
        for gx in (2.6, 4.3, 7.0):
            cv.path([(gx, 1), (gx, 2.7)])
        cv.path([(6.0, 1), (6.0, 2.73)])
        cv.box(2.6, 3, "σ", "r")
        cv.value(2.6, 2.35, "r = ", "r")
        cv.box(4.3, 3, "σ", "z")
        cv.value(4.3, 2.35, "z = ", "z")
        cv.path([(2.6, 3.3), (2.6, 4.1), (5.5, 4.1), (6.0, 3.27)])
        cv.op(6.0, 3.0, "×", r=0.25)
        cv.value(5.95, 1.9, "r·(Uh+b) = ", "n.wh")
        cv.path([(6.25, 3.0), (6.62, 3.0)])
        cv.box(7.0, 3, "tanh", "n", kind="tanh")
        cv.value(7.45, 2.45, "n = ", "n", anchor="start")
        cv.path([(4.3, 3.3), (4.3, 5.2), (8.6, 5.2), (8.6, 4.67)])
        cv.path([(7.6, 5.2), (7.6, 5.73)])
        cv.op(7.6, 6, "×")
        cv.value(7.6, 6.5, "z·h_{t−1} = ", "zh")
        cv.op(8.6, 4.4, "1−")
        cv.value(8.25, 3.95, "1−z = ", "omz", anchor="end")
        cv.path([(8.87, 4.4), (9.73, 4.4)])
        cv.path([(7.0, 3.3), (7.0, 3.7), (10.0, 3.7), (10.0, 4.13)])
        cv.op(10.0, 4.4, "×")
        cv.value(10.35, 4.4, "(1−z)·n = ", "omzn", anchor="start")
        cv.path([(10.0, 4.67), (10.0, 5.73)])
        cv.op(10.0, 6, "+")
        cv.value(0.3, 6.4, "h_{t−1} = ", "h_prev", anchor="start")
        cv.value(1.9, 0.1, x_label(values), "x0", anchor="start")
        cv.value(11.9, 6.45, "h_{t} = ", "h", anchor="end")
        cv.text(6, -0.35, "GRU: z keeps the old state, 1 − z lets the candidate n in", size=SMALLEST_TEXT, color=GUIDE)
        # "(1−z)·n = −0.888", right of its ×, ran 0.55 units past the common right edge: the drawing's
        # edge was cut through it ("(1−z)·n = −0." on the Gates step-through)
        return cv.done(title, x_hi=GRU_X1)
    cs = spec(cell)
    cifg, peep = cs.coupled_input, bool(cs.peepholes)
    cv.path([(0.3, 6), (2.73, 6)], arrow=False)
    cv.path([(3.27, 6), (5.03, 6)])
    cv.path([(5.57, 6), (11.9, 6)])
    cv.op(3, 6, "×")
    # right of the ×, clear of c_{t−1}'s label at the line's start (centred on the ×, they ran together)
    cv.value(3.32, 6.5, "f·c_{t−1} = ", "fc", anchor="start")
    cv.op(5.3, 6, "+")
    cv.path([(0.3, 1), (7.6, 1)], arrow=False)
    cv.path([(1.6, 0.1), (1.6, 1)], arrow=False)
    for gx in [3, 6, 7.6] if cifg else [3, 4.6, 6, 7.6]:
        cv.path([(gx, 1), (gx, 2.7)])
    cv.box(3, 3, "σ", "f")
    cv.value(3, 2.3, "f = ", "f")
    cv.path([(3, 3.3), (3, 5.73)])
    if cifg:
        cv.path([(3, 4.6), (4.15, 4.6)])
        cv.op(4.4, 4.6, "1−", r=0.25)
        cv.value(4.4, 4.1, "i = 1−f = ", "i")
        cv.path([(4.65, 4.6), (5.03, 4.6)])
    else:
        cv.box(4.6, 3, "σ", "i")
        cv.value(4.6, GATE_LOW, "i = ", "i")
        cv.path([(4.6, 3.3), (4.6, 4.6), (5.03, 4.6)])
    cv.box(6, 3, "tanh", "g", kind="tanh", w=0.85)
    cv.value(6, 2.3, "g = ", "g")
    cv.path([(6, 3.3), (6, 4.6), (5.57, 4.6)])
    cv.op(5.3, 4.6, "×")
    cv.value(5.17, 5.2, "i·g = ", "ig", anchor="end")  # left of the line up to +
    cv.path([(5.3, 4.87), (5.3, 5.73)])
    cv.box(7.6, 3, "σ", "o")
    cv.value(7.6, GATE_LOW, "o = ", "o")
    cv.path([(9.2, 6), (9.2, 5.05)])
    cv.box(9.2, 4.7, "tanh", "tanh_c", kind="tanh", w=0.85, h=0.55)
    cv.value(9.7, 4.7, "tanh c = ", "tanh_c", anchor="start")
    cv.path([(9.2, 4.42), (9.2, 3.27)])
    cv.path([(7.98, 3), (8.93, 3)])
    cv.op(9.2, 3, "×")
    cv.path([(9.2, 2.73), (9.2, 1), (11.9, 1)])
    if peep:
        purple = "#7c3aed"
        cv.path([(1.9, 6), (1.9, 3.6), (2.62, 3.1)], dash=True, color=purple, width=0.025)
        cv.path([(1.9, 3.9), (4.22, 3.1)], dash=True, color=purple, width=0.025)
        cv.path([(8.4, 6), (8.4, 3.6), (7.95, 3.25)], dash=True, color=purple, width=0.025)
        cv.value(1.75, 4.9, "p_{f}c = ", "f.p", anchor="end", color=purple)
        cv.value(1.75, 4.45, "p_{i}c = ", "i.p", anchor="end", color=purple)
        cv.value(8.5, 4.0, "p_{o}c_{t} = ", "o.p", anchor="start", color=purple)
    cv.value(0.3, 6.45, "c_{t−1} = ", "c_prev", anchor="start")
    cv.value(11.9, 6.45, "c_{t} = ", "c", anchor="end")
    cv.value(0.3, 1.35, "h_{t−1} = ", "h_prev", anchor="start")
    cv.value(1.7, 0.1, x_label(values), "x0", anchor="start")
    cv.value(11.9, 1.35, "h_{t} = ", "h", anchor="end")
    note = {
        "lstm": "forget × and input + on the cell-state line; o gates what leaves",
        "peephole": "peepholes (dotted): f and i look at c_{t−1}, o at c_{t}",
        "cifg": "coupled gates: i = 1 − f, the cell writes as much as it forgets",
    }[cell]
    cv.text(6, -0.35, note, size=SMALLEST_TEXT, color=GUIDE)
    return cv.done(title)


def walk_values(walk: gt.UnitWalk) -> dict[str, np.ndarray]:
    """Every slot of the diagram and the equations, one (T,) array each.

    ``{gate}`` is the gate's value, ``{gate}.wx``, ``.wh``, ``.b``, ``.p``, ``.pre`` its
    pre-activation parts (``n.hn`` GRU's bracket); ``h``, ``h_prev``, ``c``, ``c_prev``,
    ``tanh_c``, ``x0`` (the first input) the states; ``fc``, ``ig``, ``zh``, ``omz``, ``omzn``
    the products the diagram prints.
    """
    out: dict[str, np.ndarray] = {"h": walk.h, "h_prev": walk.h_prev, "x0": walk.x[:, 0]}
    for n, g in walk.gates.items():
        out[n] = g["value"]
        out.update({f"{n}.wx": g["wx"], f"{n}.wh": g["wh"], f"{n}.b": g["bias"], f"{n}.p": g["peep"]})
        out[f"{n}.pre"] = g["pre"]
        if "hn" in g:
            out[f"{n}.hn"] = g["hn"]
    if walk.c is not None and walk.c_prev is not None and walk.tanh_c is not None:
        out.update(c=walk.c, c_prev=walk.c_prev, tanh_c=walk.tanh_c)
        out["fc"] = out["f"] * walk.c_prev
        out["ig"] = out["i"] * out["g"]
    if walk.cell == "gru":
        out["zh"] = out["z"] * walk.h_prev
        out["omz"] = 1.0 - out["z"]
        out["omzn"] = out["omz"] * out["n"]
    return {k: np.asarray(v, dtype=np.float64) for k, v in out.items()}


def _pre(n: str, peep: bool = False) -> str:
    return f"{{{n}.wx}} + {{{n}.wh|p}} + {{{n}.b|p}}" + (f" + {{{n}.p|p}}" if peep else "")


def equation_templates(cell: str) -> list[str]:
    """The unit's update as HTML lines with ``{key}`` slots (``{key|p}``: negatives in brackets).

    Each bracket sum is (input part W·x) + (recurrent part U·h) + (bias) [+ (peephole p·c)],
    as :func:`lstm_core.gates.step_equations` writes them.
    """
    sub = lambda a, b: f"{a}<sub>{b}</sub>"  # noqa: E731
    ht1, xt = sub("h", "t−1"), sub("x", "t")
    if cell == "rnn":
        return [
            f"{sub('h', 't')} = tanh(W<sub>x</sub>{xt} + W<sub>h</sub>{ht1} + b) = tanh({_pre('h')}) = tanh({{h.pre}}) = <b>{{h}}</b>"
        ]
    if cell == "gru":
        return [
            f"{sub('r', 't')} = σ(W<sub>r</sub>{xt} + U<sub>r</sub>{ht1} + b<sub>r</sub>) = σ({_pre('r')}) = σ({{r.pre}}) = <b>{{r}}</b>",
            f"{sub('z', 't')} = σ(W<sub>z</sub>{xt} + U<sub>z</sub>{ht1} + b<sub>z</sub>) = σ({_pre('z')}) = σ({{z.pre}}) = <b>{{z}}</b>",
            f"{sub('n', 't')} = tanh(W<sub>n</sub>{xt} + b<sub>n</sub> + {sub('r', 't')}·(U<sub>n</sub>{ht1} + b<sub>hn</sub>))"
            " = tanh({n.wx} + {n.b|p} + {r}·{n.hn|p}) = tanh({n.pre}) = <b>{n}</b>",
            f"{sub('h', 't')} = (1 − {sub('z', 't')})·{sub('n', 't')} + {sub('z', 't')}·{ht1}"
            " = {omz}·{n|p} + {z}·{h_prev|p} = <b>{h}</b>",
        ]
    cs = spec(cell)
    pf, pi, po = ("f" in cs.peepholes), ("i" in cs.peepholes), ("o" in cs.peepholes)
    pc = lambda on, k, c: f" + p<sub>{k}</sub>⊙{c}" if on else ""  # noqa: E731
    hx = f"[{ht1}, {xt}]"
    lines = [
        f"{sub('f', 't')} = σ(W<sub>f</sub>{hx} + b<sub>f</sub>{pc(pf, 'f', sub('c', 't−1'))}) = σ({_pre('f', pf)})"
        " = σ({f.pre}) = <b>{f}</b>"
    ]
    if cs.coupled_input:
        lines.append(f"{sub('i', 't')} = 1 − {sub('f', 't')} = 1 − {{f}} = <b>{{i}}</b>")
    else:
        lines.append(
            f"{sub('i', 't')} = σ(W<sub>i</sub>{hx} + b<sub>i</sub>{pc(pi, 'i', sub('c', 't−1'))}) = σ({_pre('i', pi)})"
            " = σ({i.pre}) = <b>{i}</b>"
        )
    lines += [
        f"{sub('g', 't')} = tanh(W<sub>g</sub>{hx} + b<sub>g</sub>) = tanh({_pre('g')}) = tanh({{g.pre}}) = <b>{{g}}</b>",
        f"{sub('c', 't')} = {sub('f', 't')}·{sub('c', 't−1')} + {sub('i', 't')}·{sub('g', 't')}"
        " = {f}·{c_prev|p} + {i}·{g|p} = <b>{c}</b>",
        f"{sub('o', 't')} = σ(W<sub>o</sub>{hx} + b<sub>o</sub>{pc(po, 'o', sub('c', 't'))}) = σ({_pre('o', po)})"
        " = σ({o.pre}) = <b>{o}</b>",
        f"{sub('h', 't')} = {sub('o', 't')}·tanh({sub('c', 't')}) = {{o}}·tanh({{c}}) = {{o}}·{{tanh_c|p}} = <b>{{h}}</b>",
    ]
    return lines


def bracket_hint(cell: str) -> str:
    """How :func:`equation_templates` lists the numbers in each bracket (plain text).

    The symbols write the LSTM family's bracket as ``W [h_{t−1}, x_t]``, h first, while the
    numbers list the input part first; without this line a reader pairs the first number with h.
    """
    text = "Each bracket's numbers: (input part, from x_t) + (recurrent part, from h_t−1) + (bias)"
    if cell in SPECS and SPECS[cell].peepholes:
        text += " + (peephole part p·c, in " + ", ".join(SPECS[cell].peepholes) + ")"
    if cell == "gru":
        text += "; in n: (input part, from x_t) + (bias b_n) + r · (recurrent bracket U_n·h_t−1 + b_hn)"
    return text + "."


def render_template(template: str, values: dict[str, float]) -> str:
    """A template of :func:`equation_templates` with the numbers put in (as the browser does)."""
    return _SLOT.sub(lambda m: fmt(values[m.group(1)], bool(m.group(2))) if m.group(1) in values else "—", template)


def calculator_values(step, weights, x: np.ndarray, h_prev: np.ndarray, c_prev: np.ndarray, unit: int) -> dict:
    """The diagram's slots for ``unit`` of a calculator step (:func:`lstm_core.teach.lstm_step`).

    ``weights`` is the :class:`~lstm_core.teach.LSTMWeights` used; each gate's bracket is split
    into its input part (columns of x), recurrent part (columns of h) and bias, as on the Gates page.
    """
    hsz = len(h_prev)
    out: dict[str, float] = {
        "h": float(step.h[unit]),
        "h_prev": float(h_prev[unit]),
        "x0": float(x[0]),
        "x_n": float(len(x)),
    }
    for g in "figo":
        w, b = getattr(weights, f"W_{g}")[unit], float(getattr(weights, f"b_{g}")[unit])
        out[g] = float(getattr(step, g)[unit])
        out.update({f"{g}.wx": float(w[hsz:] @ x), f"{g}.wh": float(w[:hsz] @ h_prev), f"{g}.b": b, f"{g}.p": 0.0})
        out[f"{g}.pre"] = float(getattr(step, f"a_{g}")[unit])
    out.update(c=float(step.c[unit]), c_prev=float(c_prev[unit]), tanh_c=float(step.tanh_c[unit]))
    out["fc"], out["ig"] = float(step.forget_part[unit]), float(step.write_part[unit])
    return out


#: A style that hides text from the screen, not from a screen reader.
SCREEN_READER_ONLY = "position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap"
#: The gates and candidates a diagram may show, in the order it is read, with their names.
SLOT_NAMES = {
    "f": "forget gate",
    "i": "input gate",
    "g": "candidate",
    "o": "output gate",
    "r": "reset gate",
    "z": "update gate",
    "n": "candidate",
}


def describe(cell: str, values: dict, title: str = "") -> str:
    """The diagram of :func:`cell_svg` in one sentence: its title, its gates' values and the states
    (``An LSTM cell: forget gate f = 0.731, ...; cell state c from 0.5 to 0.61; output h = 0.33.``)."""
    title = title or f"{cell_name(cell)} cell"
    gates = [f"{name} {k} = {fmt(values[k])}" for k, name in SLOT_NAMES.items() if k in values]
    states = []
    if "c" in values and "c_prev" in values:
        states.append(f"cell state c from {fmt(values['c_prev'])} to {fmt(values['c'])}")
    if "h" in values:
        states.append(f"output h = {fmt(values['h'])}")
    parts = [", ".join(gates), *states]
    return f"Diagram, {title}: " + "; ".join(p for p in parts if p) + ". The numbers are in the expander below."


def draw(cell: str, values: dict, title: str = "", big: bool = False) -> None:
    """Draw one step's diagram (an SVG image: no iframe, no script) and its equations in an expander."""
    import streamlit as st  # the drawing module stays importable without a Streamlit runtime

    st.image(cell_svg(cell, values, title), width="stretch")
    # an image element is an <img alt="">, skipped by a screen reader: its content in words, for it alone
    st.markdown(
        f'<span style="{SCREEN_READER_ONLY}">{html.escape(describe(cell, values, title))}</span>',
        unsafe_allow_html=True,
    )
    with st.expander("The numbers, equation by equation"):
        size = "1.35em" if big else "1em"
        st.caption(bracket_hint(cell))
        for t in equation_templates(cell):
            st.markdown(f'<div style="font-size:{size}">{render_template(t, values)}</div>', unsafe_allow_html=True)
