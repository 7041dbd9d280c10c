"""At most a few page scripts compute at once, server-wide.

Streamlit runs every session's script in its own thread. When a class opens the app at the
same moment, twenty threads want the GIL together; each then waits its turn behind all the
others, and so does the web server's event loop, which needs the GIL to answer anything
(the health check, a websocket message). Handing out a few slots keeps the queue short: a
thread that waits for a slot blocks without the GIL, the ones that hold a slot finish
sooner, and the event loop always finds the GIL within a few switch intervals.

The slot is re-entrant per thread: a fragment drawn inside a full run (which already holds
the slot) does not ask again.
"""

from __future__ import annotations

import functools
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st

SLOTS = max(2, (os.cpu_count() or 1))
_slots = threading.BoundedSemaphore(SLOTS)
_held = threading.local()


@contextmanager
def script_slot() -> Iterator[None]:
    """Hold one of the ``SLOTS`` script slots for the duration of the block (re-entrant)."""
    depth = getattr(_held, "depth", 0)
    if depth == 0:
        _slots.acquire()
    _held.depth = depth + 1
    try:
        yield
    finally:
        _held.depth = depth
        if depth == 0:
            _slots.release()


def fragment(run_every: float | None = None):
    """``st.fragment(run_every=...)`` whose every run holds a script slot.

    Live panels rerun on a timer in every open tab; these reruns are most of a class's load.
    """

    def decorate(func):
        @functools.wraps(func)
        def slotted(*args, **kwargs):
            with script_slot():
                return func(*args, **kwargs)

        return st.fragment(slotted, run_every=run_every)

    return decorate
