"""The Data page's choice of one series in a file that holds several one under another."""

from __future__ import annotations

import streamlit as st

from ui.text import md_escape, visible


def pick_series(keys: dict[str, list[str]], example: dict[str, str], prefix: str) -> dict[str, str] | None:
    """A select box per key column (``keys``: its values, most rows first; ``example`` preselected)
    and a button; the chosen ``{column: value}`` on the run the button was pressed, else None."""
    cols = st.columns(len(keys) + 1, vertical_alignment="bottom")
    chosen = {}
    for col, (name, values) in zip(cols, keys.items()):
        start = values.index(example[name]) if example.get(name) in values else 0
        chosen[name] = col.selectbox(
            md_escape(visible(name)), values, index=start, key=f"{prefix}_{name}", format_func=visible
        )
    if cols[-1].button("Load this series", type="primary", key=f"{prefix}_load", icon=":material/filter_alt:"):
        return chosen
    return None
