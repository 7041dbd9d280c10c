"""The page's query string, changed at most once per script run.

Every change Streamlit makes to the query string is a new entry of the browser's history (its web
client pushes one per change), so a page that wrote ``?job=`` near its top and its view's parameters
at its end left two entries per visit, and three where the client's own entry for the page switch
came first (seen on a loaded CI machine: Back twice from Gates stayed on Gates). The presenter switch
took ``presenter=0`` out and the Gates page put it back: two entries per click on that page.

Code stages its changes here (:func:`put`, :func:`drop`); :func:`get` reads them back before they
are written; :func:`flush` writes them all in one change where they change the URL. ``app.py``
flushes after the page has run, a page that stops early flushes first (:func:`stop`: nothing sent
after ``st.stop`` reaches the browser), and each page flushes at its end, for a page run on its own
(as Streamlit's AppTest runs one). A run that ends in a rerun (its own ``st.rerun``, or cut short by
a click) leaves its changes staged for the next run to write with its own; a switch to another page
drops them (:func:`begin`): that page stages what it keeps.
"""

from __future__ import annotations

from typing import NoReturn

import streamlit as st

#: Session-state key of the changes staged and not yet written: URL name -> value (None: drop it).
STAGED = "_url_staged"
#: Session-state key of the page those changes were staged on.
PAGE = "_url_page"
#: Session-state key of the query this page last wrote (or found as it wanted it): name -> value.
WRITTEN = "_url_written"


def begin(page: str) -> None:
    """Start a script run on ``page``: changes staged on another page (a run cut short by the switch)
    are dropped, not written into this page's URL, and what that page wrote is not this one's."""
    if st.session_state.get(PAGE) != page:
        st.session_state.pop(STAGED, None)
        st.session_state.pop(WRITTEN, None)
        st.session_state[PAGE] = page


def moved() -> dict[str, str]:
    """The parameters the URL holds with another value than the page last wrote: the browser went
    Back or Forward (or the address was edited) since. The page shows them, as a link's (each change
    of view is an entry of the history, and Back went through three of them on the Gates page without
    a visible change, writing the view shown over each). Empty before the page's first write."""
    written = st.session_state.get(WRITTEN)
    if written is None:
        return {}
    return {name: value for name, value in st.query_params.to_dict().items() if written.get(name) != value}


def _staged() -> dict[str, str | None]:
    return st.session_state.setdefault(STAGED, {})


def get(name: str, default: str | None = None) -> str | None:
    """The parameter ``name`` as the URL will read once this run's changes are written."""
    staged = _staged()
    if name in staged:
        value = staged[name]
        return default if value is None else value
    value = st.query_params.get(name)
    return default if value is None else value


def has(name: str) -> bool:
    return get(name) is not None


def put(name: str, value: object) -> None:
    """Stage ``name=value`` (a list or tuple is written comma-separated; None drops the parameter)."""
    if value is None:
        _staged()[name] = None
    else:
        _staged()[name] = ",".join(map(str, value)) if isinstance(value, (list, tuple)) else str(value)


def drop(name: str) -> None:
    put(name, None)


def flush() -> None:
    """Write the staged changes to the URL in one change, only where they change it."""
    staged = st.session_state.pop(STAGED, None) or {}
    now = st.query_params.to_dict()
    new = dict(now)
    for name, value in staged.items():
        if value is None:
            new.pop(name, None)
        else:
            new[name] = value
    st.session_state[WRITTEN] = new
    if new != now:
        st.query_params.from_dict(new)


def stop() -> NoReturn:
    """:func:`flush`, then ``st.stop()``: once a stop is asked for, every message the run sends
    raises it again, so changes flushed after it never reached the browser (presenter=1 fell out of
    the URL on a page that stopped early)."""
    flush()
    st.stop()
