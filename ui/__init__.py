"""Shared Streamlit helpers for the pages: session state, the job registry and job views.

Importing this package also makes sure every page runs inside the router (``app.py``).
Streamlit keeps a legacy mode for apps with a ``pages/`` folder: until some run of
``app.py`` has called ``st.navigation``, a fresh server answers a deep link such as
``/experiments?preset=airline`` by running the page file on its own, without the router's
sidebar and shared state. Every page imports this package first, so on that first run we
switch the legacy mode off and rerun; the rerun goes through ``app.py``, which picks the
same page (and keeps the query string) through ``st.navigation``.
"""

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

if PagesManager.uses_pages_directory:
    PagesManager.uses_pages_directory = False
    st.rerun()
