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


def other_pages(current: str) -> None:
    """A row of links to every page but ``current`` (its script path): presenting, the Gates and
    Learn pages hide the sidebar for the projector, and a teacher going on to the next page had to
    switch presenter mode off, pick the page and switch it on again (the mode follows the link)."""
    with st.container(horizontal=True, key="presenter_nav", gap="medium"):
        for path, title, icon in PAGES:
            if path != current:
                st.page_link(path, label=title, icon=icon)
