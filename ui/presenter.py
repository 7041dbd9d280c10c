"""Presenter mode: one switch for the whole app, kept in the URL (``?presenter=1`` on any link).

Pages draw their charts with :func:`chart` instead of ``st.plotly_chart``: in presenter mode the
figure is scaled for a projector (:func:`ui.figures.style.presenter_figure`), otherwise it is
drawn as built.
"""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go
import streamlit as st

from ui.figures.style import presenter_figure

KEY = "presenter_mode"
PARAM = "presenter"


def _truthy(text: object) -> bool:
    return str(text).strip().lower() in ("1", "true", "yes", "on")


def active() -> bool:
    """Whether presenter mode is on for this session (the URL's ``presenter`` seeds it once)."""
    if KEY not in st.session_state:
        st.session_state[KEY] = _truthy(st.query_params.get(PARAM, "0"))
    return bool(st.session_state[KEY])


def chart(fig: go.Figure, *, key: str, container: Any = None, **kwargs: Any) -> Any:
    """Draw ``fig`` with ``st.plotly_chart`` (or ``container.plotly_chart``), scaled when presenting.

    Keyword arguments go to ``plotly_chart``; ``width`` defaults to ``"stretch"``.
    """
    target = container if container is not None else st
    kwargs.setdefault("width", "stretch")
    return target.plotly_chart(presenter_figure(fig) if active() else fig, key=key, **kwargs)
