"""Gates and Learn pages' helpers: which models can be shown, cached replays, URL state, presenter and
phone CSS, the heatmap-click listener."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import streamlit as st

from lstm_core import gates as gt
from lstm_core.model import Ensemble, Forecaster
from lstm_core.prep import Prepared

from . import presenter, runs_view, state, url
from .figures.style import date_format, date_text, row_text
from .text import md_escape


@dataclass
class Source:
    """A model the Gates page can open: a finished run, or a snapshot of one still training."""

    key: str
    label: str
    model: Forecaster | Ensemble  # eval mode, never trained further
    prep: Prepared
    version: int  # changes whenever the weights do (epoch of a live snapshot)
    history: list = field(default_factory=list)  # per-epoch gate statistics
    live: bool = False
    networks: int = 1  # networks behind the run's forecast (the gates are network 1's)
    trained: int = 1  # networks the run trained: the forecast's and those making one-step predictions only
    #: a window's seasonal profile as the run's one-step prediction took it (origin t (1,) -> (1, m)
    #: or None: the training part's; see ``Combination.origin_profiles``); None for a live snapshot
    window_profiles: Callable[[np.ndarray], np.ndarray | None] | None = None
    #: the epoch whose weights training kept (network 1's best; what every other view shows), and whether
    #: they are a moving average of the weights up to it; None for a live snapshot (the last epoch's)
    kept_epoch: int | None = None
    kept_averaged: bool = False

    @property
    def cell(self) -> str:
        return self.model.cfg.cell

    @property
    def layers(self) -> int:
        return self.model.cfg.num_layers


@st.cache_resource(show_spinner=False, max_entries=8, ttl=3600)
def _live_model(job_id: str, epoch: int, _rec: gt.GateRecorder):
    """A CPU copy of a training job's weights after ``epoch`` (built once per epoch)."""
    snap = _rec.snapshot()
    return None if snap is None else snap[1]


def sources() -> dict[str, Source]:
    """Finished (or stopped) runs of this session and restored zips, then live snapshots."""
    out: dict[str, Source] = {}
    for key, (label, run) in runs_view.available_runs().items():
        out[key] = Source(
            key,
            label,
            run.model,
            run.prep,
            id(run),
            list(getattr(run, "gate_history", []) or []),
            networks=run.path_networks,
            trained=run.networks,
            window_profiles=_window_profiles(run),
            kept_epoch=int(run.fit.best_epoch),
            kept_averaged=bool(run.config.train.weight_average) and len(run.prep.windows["val"].x) > 0,
        )
    reg = state.registry()
    for snap in reg.jobs_for(state.owner()):
        if not snap.active or snap.id in out:
            continue
        job = reg.get(snap.id)
        rec = job.recorder if job is not None else None
        if rec is None or rec.epoch < 1:
            continue
        model = _live_model(snap.id, rec.epoch, rec)
        if model is not None:
            out[f"live:{snap.id}"] = Source(
                f"live:{snap.id}",
                f"{snap.label} — training, snapshot after epoch {rec.epoch}",
                model,
                rec.prep,
                rec.epoch,
                rec.get_history(),
                live=True,
            )
    return out


def kept_note(kept: int | None, last: int, averaged: bool) -> str:
    """One sentence: which recorded epoch the weights every other view shows come from ("" where
    unknown, as for a live snapshot, or the last one as it was). With ``averaged`` weights the epochs
    record the weights as they were and the model is their moving average, so even where the last
    epoch is kept its statistics are not the model's (a tiny LSTM's saturated shares differed by up to 0.3)."""
    if kept is None or (kept == last and not averaged):
        return ""
    if kept == last:
        return (
            f"The other views show the weights training kept: a moving average of the weights up to epoch {kept} "
            "(the last; dashed line). Each epoch here records the weights as they were, so its statistics are "
            "close to the model's, not equal."
        )
    how = (
        "a moving average of the weights up to it, so its statistics are close to that epoch's, not equal"
        if averaged
        else "its weights as they were"
    )
    return (
        f"The other views show the weights training kept, those of epoch {kept} (the best; dashed line), not "
        f"epoch {last}'s: {how}."
    )


def _window_profiles(run) -> Callable[[np.ndarray], np.ndarray | None]:
    """The seasonal profile a finished run's one-step prediction took for the window of origin ``t``."""
    combo = run.combination
    return lambda t: combo.origin_profiles(run.prep, t)


@st.cache_resource(show_spinner="Replaying the gates...", max_entries=24, ttl=3600)
def traces(key: str, version: int, mode: str, target: int | None, _src: Source) -> list[gt.GateTrace]:
    """Every layer's trace for (run, weights version, mode, window); shared, read-only. A window
    is the one the run's one-step prediction read (its seasonal profile at that origin)."""
    profiles = None
    if mode == "window" and target is not None and _src.window_profiles is not None:
        profiles = _src.window_profiles(np.array([target]))
    return gt.trace_run(_src.model, _src.prep, mode, target, profiles)


@st.cache_data(show_spinner=False, max_entries=64, ttl=3600)
def saturation_table(key: str, version: int, mode: str, target: int | None, layer: int, label: str, _src: Source):
    return gt.saturation_frame(traces(key, version, mode, target, _src)[layer], label)


def restore_from_url(
    params: dict[str, tuple[str, Callable[[str], Any]]], options: dict[str, list] | None = None
) -> dict[str, Any]:
    """Seed widget keys from ``st.query_params`` (before the widgets are drawn): once, and again for
    the parameters Back or Forward changed (:func:`ui.url.moved`); returns the values seeded, by URL name.

    ``params`` maps URL name -> (session key, cast). ``options`` limits values to valid choices; a value
    outside them (or one ``cast`` refuses) is kept for :func:`refused_notice` to say (a ``run=`` is not:
    a run not here is said by the page's own notice).
    """
    options = options or {}
    seeded: dict[str, Any] = {}
    refused: list[tuple[str, str, str, list]] = []
    st.session_state.pop(REFUSED, None)  # said in the run that read it, or not at all (a page that stopped early)
    moved = url.moved()
    for name, (key, cast) in params.items():
        text = url.get(name)
        if text is None or (key in st.session_state and name not in moved):
            continue
        try:
            value = cast(text)
        except (TypeError, ValueError):
            refused.append((name, text, key, list(options.get(name, []))))
            continue
        if name in options and value not in options[name]:
            if name != "run":
                refused.append((name, text, key, list(options[name])))
            continue
        st.session_state[key] = seeded[name] = value
    if refused:
        st.session_state[REFUSED] = refused
    return seeded


#: Session-state key of the link values :func:`restore_from_url` refused, for :func:`refused_notice`.
REFUSED = "url_refused"


def refused_notice() -> None:
    """One sentence, once, where a link named a value the page does not have (``?view=Nope``,
    ``?section=Nope``, ``?unit=abc``): the page opened on its own choice without a word. Call it once
    the page has settled its choices (it names what is shown, from the widgets' session keys)."""
    refused = st.session_state.pop(REFUSED, None)
    if not refused:
        return
    parts = []
    for name, text, key, choices in refused:
        if choices:  # a choice among names or values: the one shown (a widget not drawn yet: its default)
            shown = st.session_state.get(key)
            parts.append(
                f"{name} “{text}”, which this page does not have (it has {', '.join(map(str, choices))}): "
                f"it shows {'its default' if shown is None else shown}"
            )
        else:  # a number it could not read (unit, layer, step: the page counts them from 1, the link from 0)
            parts.append(f"{name} “{text}”, which is not a number: it shows the first {name}")
    st.info(md_escape(f"The link asked for {'; and '.join(parts)}."))


def link_note(asked: dict[str, Any], shown: dict[str, tuple[Any, str, str]]) -> str | None:
    """One sentence where a link asked for what the run does not have and the page opened on the
    nearest instead (``?unit=50`` on a run of 8 units opened on unit 8 without a word); else None.

    ``asked``: the link's values by URL name; ``shown``: by URL name, (the value shown, how it is
    named, what the run has), for the names the page clamps."""
    moved = [name for name, (value, _, _) in shown.items() if name in asked and asked[name] != value]
    if not moved:
        return None
    # counted from 1, as the page counts them (the URL keeps 0-based indices and the target's position)
    what = {"layer": "layer {:,}", "unit": "unit {:,}", "target": "the prediction at point {:,}"}
    wanted = [what[n].format(int(asked[n]) + 1) for n in moved]
    return (
        f"The link asked for {' and '.join(wanted)}, which this run does not have "
        f"({'; '.join(shown[n][2] for n in moved)}): it shows {' and '.join(shown[n][1] for n in moved)} instead."
    )


def write_url(values: dict[str, object]) -> None:
    """Keep the given view state in the URL (None: not there), with the run's other changes (``?job=``)
    in one change, only when something changed (:mod:`ui.url`): each change of the URL is an entry of
    the browser's history, and written a parameter at a time, opening the Gates page took 9 presses of
    Back to leave it."""
    for name, value in values.items():
        url.put(name, value)
    url.flush()


def to_bool(text: str) -> bool:
    return str(text).lower() in ("1", "true", "yes", "on")


def presenter_css() -> None:
    """Presenter mode: no sidebar, larger text and equations; the page's controls stay (a class is
    shown them moving: the Learn page's forget-gate slider, the Gates page's pickers)."""
    st.html("""<style>
      [data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], header[data-testid="stHeader"] {display: none;}
      .block-container, [data-testid="stMainBlockContainer"] {max-width: 100% !important; padding-top: 1rem !important;}
      [data-testid="stMarkdownContainer"] p, [data-testid="stMarkdownContainer"] li {font-size: 1.45rem !important;}
      [data-testid="stCaptionContainer"] {font-size: 1.1rem !important;}
      .katex {font-size: 1.1em !important;}
      .katex-display > .katex {font-size: 1.9em !important;}
      h1 {font-size: 3rem !important;}
    </style>""")


#: The width below which Streamlit stacks columns (a phone): the Gates page gets a compact layout.
NARROW_PX = 640

_PHONE_CSS = f"""<style>
  /* the page's presenter switch takes the width its label needs (a fifth of the row cut it to
     "Presenter mo…" when presenting at 1280 px and to "Pre…" at 1024 px); the title has the rest */
  [data-testid="stColumn"]:has(.st-key-gates_presenter), [data-testid="stColumn"]:has(.st-key-learn_presenter) {{
    flex: 0 0 auto !important; width: auto !important; min-width: max-content !important;}}
  @media (max-width: {NARROW_PX}px) {{
    /* the page's presenter switch (the sidebar has the app-wide one; a phone is no projector) */
    [data-testid="stColumn"]:has(.st-key-gates_presenter), [data-testid="stColumn"]:has(.st-key-learn_presenter) {{display: none !important;}}
    [data-testid="stMainBlockContainer"] {{padding-top: 3.5rem !important;}}
    [data-testid="stMain"] h1 {{font-size: 2rem !important; padding-bottom: 0 !important;}}
    /* the pickers: Run on a row of its own, Layer and Input side by side */
    .st-key-gates_controls [data-testid="stHorizontalBlock"] {{flex-wrap: wrap !important; row-gap: 0.5rem;}}
    .st-key-gates_controls [data-testid="stHorizontalBlock"] > [data-testid="stColumn"] {{
      flex: 1 1 0 !important; min-width: 0 !important; width: auto !important;}}
    .st-key-gates_controls [data-testid="stHorizontalBlock"] > [data-testid="stColumn"]:first-child {{
      flex: 1 1 100% !important;}}
    /* Heatmaps: a tap on a cell picks the unit; the Unit and Step-through views have the box */
    [data-testid="stColumn"]:has(.st-key-gates_heatmap_unit) {{display: none !important;}}
    /* no Plotly toolbar on a phone (a tap is a hover there: it covered the chart's title) */
    [data-testid="stMain"] .modebar-container {{display: none !important;}}
  }}
</style>"""


def phone_css() -> None:
    """The Gates page on a phone (narrower than :data:`NARROW_PX`): a chart on the first screen; on any
    screen the page's presenter switch gets the width its label needs.

    Run on its own row, Layer and Input side by side, a smaller title, no page presenter switch,
    no unit box beside the heatmaps (a tap on a cell picks the unit), no Plotly toolbar.
    """
    st.html(_PHONE_CSS)


def clamp(value: int, lo: int, hi: int) -> int:
    return int(min(max(int(value), lo), hi))


def window_choices(prep: Prepared) -> np.ndarray:
    return gt.window_targets(prep)


def point_labels(prep: Prepared, rows: np.ndarray) -> dict[int, str]:
    """Series positions ``rows`` named as the charts name their times: dates at the data's spacing
    (``Feb 1961``, ``Q2 1961``), undated points by the file's row numbers (``row 112``)."""
    index = prep.index
    fmt = date_format(np.asarray(index)) if isinstance(index, pd.DatetimeIndex) else None
    if fmt is None:
        return {int(r): row_text(index[int(r)], int(r)) for r in rows}
    return {int(r): date_text(index[int(r)], fmt) for r in rows}


def nearest(value: int, options: np.ndarray) -> int:
    """The option closest to ``value`` (a link's target= that is no prediction's any more)."""
    return int(options[int(np.argmin(np.abs(options - int(value))))])


_CLICKS = st.components.v2.component(
    "lstm_lab_heatmap_click", js=(Path(__file__).parent / "components" / "heatmap_click.js").read_text()
)


def heatmap_clicks(chart_key: str, key: str) -> dict | None:
    """The click on a heatmap cell of the chart keyed ``chart_key`` that caused this run, else None.

    A custom component v2 without a body (``ui/components/heatmap_click.js``, mounted in the
    page, no iframe) listens to plotly's click events on that chart and sends
    ``{unit, gate, column}`` as a trigger value, which lasts one run. Draw it before the
    widgets it updates.
    """
    result = _CLICKS(key=key, data={"chart_key": chart_key}, on_click_change=_ignore)
    value = getattr(result, "click", None)
    return value if isinstance(value, dict) else None


def _ignore() -> None:
    """The click's callback: nothing to do (the page reads the click from the component's result)."""


def original_series(src: Source, trace: gt.GateTrace) -> tuple[str, np.ndarray] | None:
    """The target in the data's own units at the trace's rows (what the student knows), named."""
    y = np.asarray(src.prep.y, dtype=np.float64)
    rows = np.asarray(trace.rows)
    if not len(rows) or rows.max() >= len(y):
        return None
    return (f"{src.prep.target} (the data)", y[rows])


#: The two lines above the heatmaps: what rows, columns and colours mean.
HOW_TO_READ = (
    "**How to read this:** one heatmap per gate; a row is a unit (memory cell), a column a time step, under the "
    "series above.  \nColour = value: σ gates (i, f, o, r, z) **0 = closed** (dark) … **1 = open** (yellow); "
    "tanh (g, n, h) **−1** (blue) … **+1** (red); the cell state c is unbounded: blue … red around 0 on its own "
    "range (see its colour bar)."
)


@st.cache_resource(show_spinner=False, max_entries=16, ttl=3600)
def walk(key: str, version: int, mode: str, target: int | None, layer: int, unit: int, _src: Source) -> gt.UnitWalk:
    """Every step of one unit (what the browser steps through), per run, weights, input, layer and unit."""
    return gt.unit_walk(_src.model, traces(key, version, mode, target, _src)[layer], unit)


def presenter_toggle(key: str) -> bool:
    """The page's "Presenter mode" toggle, a view of the app-wide switch (``ui.presenter``).

    It has a key of its own (the app's switch may be drawn on the same page) and writes the
    app-wide state when flipped.
    """
    st.session_state[key] = presenter.active()

    def flip() -> None:
        # through the URL too: the next run's sync obeys what the URL says
        presenter.set_active(bool(st.session_state[key]))

    return st.toggle(
        "Presenter mode",
        key=key,
        on_change=flip,
        help="One switch for the whole app (?presenter=1 in a link): hides the pickers, enlarges text and charts.",
    )


def units_from_one(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with its ``unit`` column numbered from 1, as every unit the page shows (the engine's
    frames, like its traces and the CLI's arrays, count units from 0)."""
    return frame.assign(unit=frame["unit"] + 1) if "unit" in frame.columns else frame
