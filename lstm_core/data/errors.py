"""The data layer's error and what its modules share: the row minimum and message excerpts."""

from __future__ import annotations

_MIN_ROWS = 3  # fewest rows a loaded or generated series may have


class DataError(ValueError):
    """The input cannot be used; the message is one sentence saying what is wrong and what to do."""


def _excerpt(value: object, limit: int = 40) -> str:
    """repr() of a cell for messages, shortened to about ``limit`` characters."""
    text = str(value)
    return repr(text if len(text) <= limit else text[:limit] + "...")
