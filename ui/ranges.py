"""Number boxes that take what is typed, and one sentence at the button for a value out of range.

A Streamlit ``number_input`` given ``min_value``/``max_value`` refuses a typed value outside them
with a red mark explained on hover only, and the form's button then does nothing: Hidden size 2000
on the Train page, Start pressed, no run and no message. The pages' boxes therefore carry no bounds
of their own (their help gives the range, :func:`range_words`); the button checks the values here
against the same :class:`~lstm_core.config.Bound` the engine validates with, and says which box
holds what and what it must be.
"""

from __future__ import annotations

from collections.abc import Sequence

from lstm_core.config import Bound, number_text
from ui.text import upper_first


def range_words(bound: Bound) -> str:
    """The range for a box's help: ``"Between 1 and 1024."``, ``"At least 1."``."""
    return upper_first(bound.text()) + "."


def first_outside(fields: Sequence[tuple[str, float | None, Bound]], button: str) -> str | None:
    """One sentence for the first ``(label, value, bound)`` whose value is outside its bound, naming
    the box and the ``button`` to press again, or None when all fit (None = an empty, auto box)."""
    for label, value, bound in fields:
        if value is not None and not bound.contains(value):
            return f"{upper_first(label)} must be {bound.text()} (got {number_text(value)}): change it, then press {button} again."
    return None
