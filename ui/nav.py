"""The app's pages, in the sidebar's order: ``app.py`` builds its navigation from them, and the
Gates and Learn pages, whose presenter view hides the sidebar, link to the others with them."""

from __future__ import annotations

import streamlit as st

#: (script, title, icon) of every page; the first is the default.
PAGES: tuple[tuple[str, str, str], ...] = (
    ("pages/data.py", "Data", ":material/table_chart:"),
    ("pages/train.py", "Train", ":material/model_training:"),
    ("pages/forecast.py", "Forecast", ":material/insights:"),
    ("pages/gates.py", "Gates", ":material/tune:"),
    ("pages/learn.py", "Learn", ":material/school:"),
    ("pages/compare.py", "Compare", ":material/compare_arrows:"),
    ("pages/experiments.py", "Experiments", ":material/science:"),
    ("pages/runs.py", "Runs", ":material/folder_open:"),
)


def pages_menu(current: str) -> None:
    """A "Pages" button whose menu links to every page but ``current`` (its script path): presenting,
    the Gates and Learn pages hide the sidebar for the projector, and a teacher going on to the next
    page had to switch presenter mode off, pick the page and switch it on again (the mode follows
    the link). Beside the page's presenter switch it takes no height: a row of links under the
    title pushed Learn's forget-gate slider off the first screen at 1920x1080."""
    with st.popover("Pages", icon=":material/menu:", key="presenter_nav"):
        for path, title, icon in PAGES:
            if path != current:
                st.page_link(path, label=title, icon=icon)
