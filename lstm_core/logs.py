"""Logging set-up shared by the CLI and the app: every module logs to ``logging.getLogger(__name__)``.

The level comes from ``LSTM_LAB_LOG`` (``debug``, ``info``, ``warning`` — the default —, ``error``).
Records go to standard error as ``time level module: message``; the engine's decisions (the
representation chosen, networks trained, runs saved and loaded) are logged at ``info``, and a
job that fails logs its traceback at ``error``.
"""

from __future__ import annotations

import logging
import os

ENV = "LSTM_LAB_LOG"
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
_HANDLER_NAME = "lstm-lab"


def level_from_env(default: int = logging.WARNING) -> int:
    """The level named by ``LSTM_LAB_LOG`` (case-insensitive), else ``default``."""
    name = os.environ.get(ENV, "").strip().upper()
    value = logging.getLevelName(name) if name else default
    return value if isinstance(value, int) else default


def configure(level: int | None = None) -> logging.Logger:
    """Attach one stderr handler to the ``lstm_core`` logger (once) and set its level; returns it."""
    logger = logging.getLogger("lstm_core")
    logger.setLevel(level_from_env() if level is None else level)
    if not any(h.get_name() == _HANDLER_NAME for h in logger.handlers):
        handler = logging.StreamHandler()
        handler.set_name(_HANDLER_NAME)
        handler.setFormatter(logging.Formatter(FORMAT))
        logger.addHandler(handler)
    return logger
