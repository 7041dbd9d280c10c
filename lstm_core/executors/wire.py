"""Messages between the app and the Ray bridge process: plain pickles over a socket pair.

Not ``Connection.send``: torch registers its tensor reducers with multiprocessing's pickler,
which then passes tensors as shared-memory file descriptors through a resource sharer (an
authenticated side channel that a process not started by multiprocessing cannot answer).
A plain pickle copies the tensors' bytes, which is what a message needs.
"""

from __future__ import annotations

import pickle
from multiprocessing.connection import Connection
from typing import Any


def send(conn: Connection, msg: Any) -> None:
    """Pickle ``msg`` and send it as one message."""
    conn.send_bytes(pickle.dumps(msg, protocol=pickle.HIGHEST_PROTOCOL))


def recv(conn: Connection) -> Any:
    """The next message (blocks); EOFError once the other side is gone."""
    return pickle.loads(conn.recv_bytes())
