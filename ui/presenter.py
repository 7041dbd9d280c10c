"""Presenter mode: one switch for the whole app, kept in the URL (``?presenter=1`` on any link).

``app.py`` draws :func:`toggle` in the sidebar on every run: the URL's ``presenter`` parameter
seeds it (a shared link), flipping it rewrites the parameter, and a page switch (which drops the
query string) gets the parameter back, so the mode survives navigation and a reload.

Pages draw their charts with :func:`chart` instead of ``st.plotly_chart``: in presenter mode the
figure is scaled for a projector (:func:`ui.figures.style.presenter_figure`), otherwise it is
drawn as built. Either way the Plotly toolbar only shows on hover, so it never covers a title
(on a phone it would). :func:`css` enlarges the prose; the app calls it once per run.
"""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go
import streamlit as st

from ui.figures.style import presenter_figure

KEY = "presenter_mode"  # the mode (plain session state: it outlives any widget)
TOGGLE_KEY = "presenter_toggle"  # the sidebar switch, seeded from KEY on every run
PARAM = "presenter"
#: Plotly's options for every chart: the mode bar appears on hover only (it covered titles at 390 px).
PLOTLY_CONFIG = {
    "displayModeBar": "hover",
    "displaylogo": False,
    # a short toolbar (zoom, pan, reset, save): the rest crowded a phone-width chart
    "modeBarButtonsToRemove": [
        "select2d",
        "lasso2d",
        "zoomIn2d",
        "zoomOut2d",
        "autoScale2d",
        "toggleSpikelines",
        "hoverClosestCartesian",
        "hoverCompareCartesian",
    ],
}

#: On a phone no page shows Plotly's toolbar: a tap on a chart brought it over the chart's title.
#: The cell diagram (an SVG image, ui.cell_picture) keeps a readable width (labels ≥ 11 px) and
#: scrolls sideways in its own box instead of shrinking its labels to 7 px.
DIAGRAM_MIN_PX = 640
_PHONE = f"""<style>
  @media (max-width: 640px) {{
    [data-testid="stMain"] .modebar-container {{display: none !important;}}
    [data-testid="stMain"] [data-testid="stImageContainer"]:has(> img[src^="data:image/svg+xml"]) {{
      overflow-x: auto; justify-content: flex-start;
    }}
    [data-testid="stMain"] [data-testid="stImageContainer"] > img[src^="data:image/svg+xml"] {{
      min-width: {DIAGRAM_MIN_PX}px;
    }}
  }}
</style>"""

_CSS = (
    """<style>
  [data-testid="stMainBlockContainer"] {max-width: 100% !important; padding-top: 2rem !important;}
  [data-testid="stMain"] [data-testid="stMarkdownContainer"] p,
  [data-testid="stMain"] [data-testid="stMarkdownContainer"] li {font-size: 1.45rem !important;}
  [data-testid="stMain"] [data-testid="stCaptionContainer"],
  [data-testid="stMain"] [data-testid="stCaptionContainer"] p {font-size: 1.15rem !important;}
  /* labels and buttons: a widget label is a markdown container too, so these name it (the prose
     rule above would win on specificity and a page's presenter switch read "Presenter mo…") */
  [data-testid="stMain"] label [data-testid="stMarkdownContainer"] p,
  [data-testid="stMain"] [data-testid="stWidgetLabel"] [data-testid="stMarkdownContainer"] p,
  [data-testid="stMain"] button [data-testid="stMarkdownContainer"] p,
  [data-testid="stMain"] label p, [data-testid="stMain"] button p {font-size: 1.2rem !important;}
  /* what a box holds: a number or a name as large as its label, a picked option a little smaller
     (a quarter-width select box at 1024 px cut "interpolate" at the label's size); both stayed at
     14 px under 19 px labels, unreadable on a projector */
  [data-testid="stMain"] input:not([role="combobox"]), [data-testid="stMain"] textarea {font-size: 1.2rem !important;}
  [data-testid="stMain"] input[role="combobox"], [data-testid="stMain"] [data-baseweb="select"] {font-size: 1rem !important;}
  /* a slider's value and end labels are markdown too: at the prose size the value, which grows
     down from a fixed top, ran over the thumb ("24" across the Steps ahead slider at 1024 px) */
  [data-testid="stMain"] [data-testid="stSliderThumbValue"] p,
  [data-testid="stMain"] [data-testid="stSliderTickBar"] p {font-size: 1.2rem !important;}
  [data-testid="stMain"] [data-testid="stSliderThumbValue"] {top: auto !important; bottom: 100% !important;}
  [data-testid="stMain"] [data-testid="stSlider"] [role="group"] {padding-top: 1rem;}
  [data-testid="stMain"] .katex {font-size: 1.55em !important;}
  [data-testid="stMain"] h1 {font-size: 3rem !important;}
  [data-testid="stMain"] h2, [data-testid="stMain"] h3 {font-size: 2.1rem !important;}
</style>"""
    + _PHONE
)


def _truthy(text: object) -> bool:
    return str(text).strip().lower() in ("1", "true", "yes", "on")


def active() -> bool:
    """Whether presenter mode is on for this session (the URL's ``presenter`` seeds it once)."""
    if KEY not in st.session_state:
        st.session_state[KEY] = _truthy(st.query_params.get(PARAM, "0"))
    return bool(st.session_state[KEY])


def _write_param() -> None:
    if st.session_state.get(KEY):
        st.query_params[PARAM] = "1"
    elif PARAM in st.query_params:
        del st.query_params[PARAM]


def sync() -> bool:
    """Bring the switch and the URL in line before the toggle is drawn; returns the mode.

    A ``presenter`` parameter in the URL wins (someone opened a link); without one (a page switch
    dropped the query string) the session's value stands and is written back to the URL.
    """
    if PARAM in st.query_params:
        st.session_state[KEY] = _truthy(st.query_params[PARAM])
    on = active()
    _write_param()
    st.session_state[TOGGLE_KEY] = on
    return on


def set_active(on: bool) -> None:
    """Turn presenter mode on or off for this session and write the URL's parameter to match (a
    switch's callback: the next run's :func:`sync` reads the parameter, so it must agree)."""
    st.session_state[KEY] = bool(on)
    _write_param()


def _flipped() -> None:
    set_active(bool(st.session_state.get(TOGGLE_KEY)))


def toggle() -> bool:
    """The sidebar switch (call :func:`sync` first, before any page code runs)."""
    return st.toggle(
        "Presenter mode",
        key=TOGGLE_KEY,
        on_change=_flipped,
        help="Projector-size text and charts on every page. Share it: add ?presenter=1 to any link.",
    )


#: Every page, presenting or not: Streamlit's 6rem above the title pushed a job's live panel
#: below the first screen at 1366x768.
_BASE_CSS = (
    """<style>
  [data-testid="stMainBlockContainer"] {padding-top: 2.5rem;}
</style>"""
    + _PHONE
)


def css() -> None:
    """Larger prose, headings, labels and equations on the page when presenting; a shorter
    top margin on every page."""
    st.html(_CSS if active() else _BASE_CSS)


def chart(fig: go.Figure, *, key: str, container: Any = None, **kwargs: Any) -> Any:
    """Draw ``fig`` with ``st.plotly_chart`` (or ``container.plotly_chart``), scaled when presenting.

    Keyword arguments go to ``plotly_chart``; ``width`` defaults to ``"stretch"`` and ``config``
    to :data:`PLOTLY_CONFIG`.
    """
    target = container if container is not None else st
    kwargs.setdefault("width", "stretch")
    kwargs.setdefault("config", PLOTLY_CONFIG)
    return target.plotly_chart(presenter_figure(fig) if active() else fig, key=key, **kwargs)
