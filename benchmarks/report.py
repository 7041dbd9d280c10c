"""Output shared by the benchmark scripts."""

from __future__ import annotations

from pathlib import Path


def emit(text: str, md: str = "") -> None:
    """Print a benchmark's markdown ``text`` and, with ``md`` (a path), also write it there."""
    print(text)
    if md:
        Path(md).write_text(text + "\n")
