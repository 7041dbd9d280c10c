"""Draw a page's heavy parts once its first screen is on view.

A plotly chart or a data grid makes the browser fetch and parse its largest script chunks (plotly
alone is 4.7 MB). When they came with a page's first run they held the whole first screen back,
the Data page's primary action included: measured at 1366x768 on 2 cores, the button appeared
3.5-3.9 s after opening instead of 1.9 s without them. Deferring them to a rerun right after the
first run did not help (both runs reach the browser together), so the browser itself says when it
has drawn the first screen: a bodiless custom component (v2: in the page, no iframe) mounts with
that run and, once the frame is painted, sends one trigger, whose rerun draws the rest.
"""

from __future__ import annotations

import streamlit as st

# Once the first screen has been painted and on view for DELAY_MS: a newcomer who presses the primary
# action at once leaves the page before the heavy parts start to load, and the next page is not held up.
DELAY_MS = 1500
_JS = """
export default function ({ data, setTriggerValue }) {
  let timer = null;
  const frame = requestAnimationFrame(() => {
    timer = setTimeout(() => setTriggerValue("painted", true), (data && data.delay_ms) || 0);
  });
  return () => { cancelAnimationFrame(frame); if (timer !== null) clearTimeout(timer); };
}
"""
_mount = st.components.v2.component("lstm_lab_first_paint", js=_JS)


def painted(key: str) -> bool:
    """Whether this page may draw its heavy parts now.

    False on the session's first run of the page: it then mounts the signal, whose trigger (once
    the browser has painted) reruns the page. True on every later run, whatever caused it (the
    signal, a widget, a test's second ``run()``), so nothing stays undrawn for long.
    """
    flag = f"{key}_painted"
    if st.session_state.get(flag):
        return True
    st.session_state[flag] = True
    _mount(key=key, data={"delay_ms": DELAY_MS}, on_painted_change=_ignore, width="content", height="content")
    return False


def _ignore() -> None:
    """The trigger's callback: nothing to do (the rerun it causes is the point)."""
