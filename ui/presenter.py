"""Presenter mode: one switch for the whole app, kept in the URL (``?presenter=1`` on any link).

``app.py`` draws :func:`toggle` in the sidebar on every run: the URL's ``presenter`` parameter
seeds it (a shared link), flipping it rewrites the parameter, and a page switch (which drops the
query string) gets the parameter back, so the mode survives navigation and a reload.

Pages draw their charts with :func:`chart` instead of ``st.plotly_chart``: in presenter mode the
figure is scaled for a projector (:func:`ui.figures.style.presenter_figure`), otherwise it is
drawn as built. Either way the Plotly toolbar only shows on hover, so it never covers a title
(on a phone it would). :func:`css` enlarges the prose; the app calls it once per run.

Pages draw their tables with :func:`table` instead of ``st.dataframe``: ``st.dataframe`` is a
canvas grid whose 14 px text no CSS reaches, so when presenting the same rows are drawn as a
plain HTML table at projector size (:func:`html_table`; every cell and header escaped).
"""

from __future__ import annotations

import html
import math
from collections.abc import Mapping
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import streamlit as st
from pandas.io.formats.style import Styler

from ui import metric_numbers, url
from ui.figures.style import HALF_TITLE_CHARS, PHONE_TITLE_CHARS, fit_title, presenter_figure

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

#: Every page, presenting or not: a multiselect's chips wrap onto more rows instead of scrolling
#: sideways in one row under a fade. At 1024 px the Experiments page's Cells box showed "rnn lstm"
#: while gru was picked too (and Lags hid its 50), so the chart's third line came from nowhere.
_CHIPS = """<style>
  [data-testid="stMain"] [data-testid="stMultiSelect"] [role="group"]:has(> [data-testid="stMultiSelectTagsContainer"]) {
    height: auto !important; max-height: none !important; min-height: 40px;}
  [data-testid="stMain"] [data-testid="stMultiSelectTagsContainer"] {
    flex-wrap: wrap !important; height: auto !important; overflow: visible !important; min-width: 0 !important;
    mask-image: none !important; -webkit-mask-image: none !important; row-gap: 4px; padding-top: 4px; padding-bottom: 4px;}
  /* the box's text input takes what is left of the last row (its own width sent it to an empty row) */
  [data-testid="stMain"] [data-testid="stMultiSelectTagsContainer"] > input {
    flex: 1 1 1rem !important; min-width: 1rem !important; width: 1rem !important;}
</style>"""

#: Every page, presenting or not, in a high-contrast (forced colours) mode: the controls drawn with backgrounds
#: alone vanished there (Learn's forget-gate slider, the toggles' tracks) and a segmented control's picked option
#: looked as the others. Their own colours are kept (their labels and values follow the mode), the picked
#: option is outlined in the mode's highlight colour.
_FORCED_COLORS = """<style>
  @media (forced-colors: active) {
    [data-testid="stSlider"] [role="group"], [data-testid="stCheckbox"] label > div:not([data-testid]) {
      forced-color-adjust: none;}
    [data-testid="stCheckbox"] label > div:not([data-testid]) {outline: 1px solid CanvasText;}
    [data-testid="stSliderThumbValue"], [data-testid="stSliderTickBar"] {forced-color-adjust: auto;}
    [role="radiogroup"] button[aria-checked="true"] {outline: 3px solid Highlight; outline-offset: -3px;}
  }
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
  /* a multiselect's picked chips as its picked option ("5", "lstm" stayed at 14 px under 19 px labels) */
  [data-testid="stMain"] [data-testid="stMultiSelectTagsContainer"] [data-tag] span[title] {font-size: 1rem !important;}
  /* a slider's value and end labels are markdown too: at the prose size the value, which grows
     down from a fixed top, ran over the thumb ("24" across the Steps ahead slider at 1024 px) */
  [data-testid="stMain"] [data-testid="stSliderThumbValue"] p,
  [data-testid="stMain"] [data-testid="stSliderTickBar"] p {font-size: 1.2rem !important;}
  [data-testid="stMain"] [data-testid="stSliderThumbValue"] {top: auto !important; bottom: 100% !important;}
  [data-testid="stMain"] [data-testid="stSlider"] [role="group"] {padding-top: 1rem;}
  /* equations: inline maths a little above the (enlarged) prose it sits in, as KaTeX sets it; a
     displayed equation (st.latex, whose box keeps the 16 px base) well above it. One 1.55em rule
     for both made inline maths 36 px in 23 px prose and the displayed equations 25 px */
  [data-testid="stMain"] .katex {font-size: 1.1em !important;}
  [data-testid="stMain"] .katex-display > .katex {font-size: 1.9em !important;}
  [data-testid="stMain"] h1 {font-size: 3rem !important;}
  [data-testid="stMain"] h2, [data-testid="stMain"] h3 {font-size: 2.1rem !important;}
</style>"""
    + _PHONE
    + _CHIPS
    + _FORCED_COLORS
)


def _truthy(text: object) -> bool:
    return str(text).strip().lower() in ("1", "true", "yes", "on")


def active() -> bool:
    """Whether presenter mode is on for this session (the URL's ``presenter`` seeds it once)."""
    if KEY not in st.session_state:
        st.session_state[KEY] = _truthy(url.get(PARAM, "0"))
    return bool(st.session_state[KEY])


def param() -> str | None:
    """The URL's ``presenter`` value for the mode: "1" on, none off (a copied Gates or Learn link said
    presenter=0, and a lecturer's "&presenter=1" added to it made a link that said both)."""
    return "1" if active() else None


def _write_param() -> None:
    url.put(PARAM, "1" if st.session_state.get(KEY) else None)


def sync() -> bool:
    """Bring the switch and the URL in line before the toggle is drawn; returns the mode.

    A ``presenter`` parameter in the URL wins (someone opened a link); without one (a page switch
    dropped the query string) the session's value stands and is written back to the URL.
    """
    if url.has(PARAM):
        st.session_state[KEY] = _truthy(url.get(PARAM))
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
    + _CHIPS
    + _FORCED_COLORS
)


#: Pages with a presenter switch of their own, whose presenter view hides the sidebar (their
#: controls stay: a class is shown them moving).
OWN_SWITCH_PAGES = ("gates", "learn")
#: The sidebar hidden from the top of the script run: drawn only by those pages, their style came
#: after the sidebar, which showed for a moment on a deep link (two presenter switches).
_NO_SIDEBAR = """<style>
  [data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"] {display: none;}
</style>"""


def css(url_path: str = "") -> None:
    """Larger prose, headings, labels and equations on the page when presenting; a shorter
    top margin on every page; presenting a page of :data:`OWN_SWITCH_PAGES` (``url_path``), no
    sidebar from the start."""
    st.html(_CSS if active() else _BASE_CSS)
    if active() and url_path in OWN_SWITCH_PAGES:
        st.html(_NO_SIDEBAR)


def phone_title(fig: go.Figure) -> go.Figure:
    """``fig`` with a long title on lines a phone shows whole (``PHONE_TITLE_CHARS``); presenting,
    :func:`chart` wraps it for the projector instead (at its size: wrapped at 17 px first, the
    27 px lines ran into the plot)."""
    return fig if active() else fit_title(fig, PHONE_TITLE_CHARS)


def half_title(fig: go.Figure) -> go.Figure:
    """``fig`` with its title on lines that a chart half a row wide shows whole
    (``HALF_TITLE_CHARS``); presenting, charts take the whole row and :func:`chart` wraps the
    title for the projector. A long series' decimation note made the title too long for half a
    row: "Multi-step forecast over the test span (decimated to ~2,000 points a trace o" ended at
    the chart's edge."""
    return fig if active() else fit_title(fig, HALF_TITLE_CHARS)


def chart(fig: go.Figure, *, key: str, container: Any = None, **kwargs: Any) -> Any:
    """Draw ``fig`` with ``st.plotly_chart`` (or ``container.plotly_chart``), scaled when presenting.

    Keyword arguments go to ``plotly_chart``; ``width`` defaults to ``"stretch"`` and ``config``
    to :data:`PLOTLY_CONFIG`.
    """
    target = container if container is not None else st
    kwargs.setdefault("width", "stretch")
    kwargs.setdefault("config", PLOTLY_CONFIG)
    return target.plotly_chart(presenter_figure(fig) if active() else fig, key=key, **kwargs)


#: A presented table's text: readable from the back of a room (Streamlit's grid draws 14 px).
TABLE_FONT = "1.25rem"  # 20 px
TABLE_CLASS = "lstm-table"
LONG_WORD = 16  # characters: a longer word in a cell may break anywhere
_TABLE_CSS = f"""<style>
  .{TABLE_CLASS}-wrap {{overflow-x: auto; margin-bottom: 1rem;}}
  .{TABLE_CLASS}-wrap table {{border-collapse: collapse; width: 100%; font-size: {TABLE_FONT}; line-height: 1.3;}}
  .{TABLE_CLASS}-wrap th, .{TABLE_CLASS}-wrap td {{
    padding: 0.3rem 0.35rem; border-bottom: 1px solid rgba(49, 51, 63, 0.2); text-align: left;
    vertical-align: top;
  }}
  .{TABLE_CLASS}-wrap td.long {{overflow-wrap: anywhere; min-width: 8em;}}
  .{TABLE_CLASS}-wrap th {{font-weight: 600; border-bottom-width: 2px;}}
  .{TABLE_CLASS}-wrap .num {{text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums;}}
</style>"""


#: What a table shows for a missing value.
MISSING = "—"


def _cell_text(value: Any, spec: Mapping[str, Any] | None) -> str:
    """One cell as Streamlit's grid shows it under ``spec`` (a ``st.column_config`` entry)."""
    kind = ((spec or {}).get("type_config") or {}).get("type")
    if kind == "checkbox":
        return "✓" if value is True or (isinstance(value, int | float) and value and not pd.isna(value)) else ""
    if value is None or (not isinstance(value, str) and pd.api.types.is_scalar(value) and pd.isna(value)):
        return MISSING
    fmt = ((spec or {}).get("type_config") or {}).get("format")
    if isinstance(value, bool):
        return "✓" if value else ""
    if isinstance(value, int | float) and not isinstance(value, bool):
        if fmt == "localized" and math.isfinite(value):  # as the grid writes it: separators, up to 3 decimals
            return f"{value:,.3f}".rstrip("0").rstrip(".")
        if fmt and "%" in fmt:
            grid = metric_numbers.grid_text(fmt, float(value))  # "%,.4g": Python's % has no "," flag
            if grid is not None:
                return grid
            try:
                return fmt % value
            except (TypeError, ValueError):
                pass
        if isinstance(value, float) and math.isfinite(value) and not float(value).is_integer():
            return f"{value:.4g}"
        return str(int(value)) if isinstance(value, float) and math.isfinite(value) else str(value)
    return str(value)


def _spec(column_config: Mapping[str, Any] | None, name: object) -> Mapping[str, Any] | None:
    spec = (column_config or {}).get(str(name))
    if isinstance(spec, str):  # a plain label
        return {"label": spec}
    return spec if isinstance(spec, Mapping) else None


_NUM = ' class="num"'


def _cell_class(text: str, numeric: bool) -> str:
    """A number keeps to one line; a long name (a file name, a URL) may break anywhere, so that
    it wraps in its column instead of widening the table past the screen."""
    if numeric:
        return _NUM
    return ' class="long"' if max((len(w) for w in text.split()), default=0) > LONG_WORD else ""


def html_table(frame: pd.DataFrame, column_config: Mapping[str, Any] | None = None) -> str:
    """``frame`` as a plain HTML table (no index) with ``column_config``'s labels and number
    formats; every header and cell is escaped (names come from users' files)."""
    specs = [_spec(column_config, c) for c in frame.columns]
    numeric = [pd.api.types.is_numeric_dtype(frame[c]) and not pd.api.types.is_bool_dtype(frame[c]) for c in frame]
    head = "".join(
        f"<th{_NUM if num else ''}>{html.escape(str((s or {}).get('label') or c))}</th>"
        for c, s, num in zip(frame.columns, specs, numeric)
    )
    rows = []
    for values in frame.itertuples(index=False, name=None):
        texts = [_cell_text(v, s) for v, s in zip(values, specs)]
        cells = (f"<td{_cell_class(t, num)}>{html.escape(t)}</td>" for t, num in zip(texts, numeric))
        rows.append(f"<tr>{''.join(cells)}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def styler_html(styler: Styler) -> str:
    """A pandas ``Styler`` (its formats and highlights) as an HTML table without its index, with
    every text cell and header escaped."""
    data = styler.data
    text = [c for c in data.columns if not pd.api.types.is_numeric_dtype(data[c])]
    if text:
        styler = styler.format(na_rep=MISSING, escape="html", subset=text)
    return styler.format_index(escape="html", axis=1).hide(axis="index").to_html()


def table(
    data: pd.DataFrame | Styler, *, key: str, column_config: Mapping[str, Any] | None = None, **kwargs: Any
) -> Any:
    """Draw ``data`` with ``st.dataframe`` (keyword arguments go to it), or, when presenting, the
    same rows as an HTML table at projector size (:data:`TABLE_FONT`; the grid's text stays at
    14 px whatever the page's CSS). ``column_config`` gives both their labels and number formats."""
    if not active():
        # a missing value reads "—", as in the presenting table and the results' text cells: the grid wrote "None"
        # under an interrupted run's errors and a job cancelled before it trained
        kwargs.setdefault("placeholder", MISSING)
        return st.dataframe(data, key=key, column_config=column_config, **kwargs)
    body = styler_html(data) if isinstance(data, Styler) else html_table(data, column_config)
    return st.html(f'{_TABLE_CSS}<div class="{TABLE_CLASS}-wrap st-key-{html.escape(key)}">{body}</div>')
