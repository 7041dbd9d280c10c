"""How much memory a trained run holds, for bounding what a server keeps (:mod:`lstm_core.jobs`).

:func:`footprint` adds up the bytes of the arrays a run reaches: numpy arrays, pandas frames,
series and indexes, torch tensors and modules' parameters and buffers, found through dataclasses,
the engine's own objects, lists, tuples and dicts. Python's small objects (numbers, strings, the
dataclasses themselves) are left out: next to the arrays of a run they are noise. An array reached
twice (a view of another, the same frame in two places) counts once.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np
import pandas as pd
import torch

#: How deep :func:`footprint` follows containers and objects (a run's arrays sit 2-5 levels down).
MAX_DEPTH = 12


def footprint(obj: Any) -> int:
    """Bytes of the arrays ``obj`` holds (see the module's docstring); 0 for an object without any."""
    seen: set[int] = set()
    return _walk(obj, seen, 0)


def _array_bytes(a: np.ndarray, seen: set[int]) -> int:
    """An array's bytes, once per underlying buffer (a view counts as its base)."""
    base = a
    while isinstance(base.base, np.ndarray):
        base = base.base
    if id(base) in seen:
        return 0
    seen.add(id(base))
    return int(base.nbytes)


def _walk(obj: Any, seen: set[int], depth: int) -> int:
    if obj is None or isinstance(obj, (str, bytes, int, float, bool)) or depth > MAX_DEPTH:
        return 0
    if isinstance(obj, np.ndarray):
        return _array_bytes(obj, seen)
    if id(obj) in seen:
        return 0
    seen.add(id(obj))
    if isinstance(obj, torch.Tensor):
        return int(obj.element_size() * obj.nelement())
    if isinstance(obj, torch.nn.Module):
        return sum(_walk(t, seen, depth + 1) for t in (*obj.parameters(), *obj.buffers()))
    if isinstance(obj, pd.DataFrame):
        return int(obj.memory_usage(index=True, deep=False).sum())
    if isinstance(obj, pd.Series):
        return int(obj.memory_usage(index=True, deep=False))
    if isinstance(obj, pd.Index):
        return int(obj.memory_usage(deep=False))
    if isinstance(obj, dict):
        return sum(_walk(v, seen, depth + 1) for v in obj.values())
    if isinstance(obj, (list, tuple, set, frozenset)):
        return sum(_walk(v, seen, depth + 1) for v in obj)
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return sum(_walk(getattr(obj, f.name, None), seen, depth + 1) for f in dataclasses.fields(obj))
    if type(obj).__module__.startswith("lstm_core") and hasattr(obj, "__dict__"):
        return sum(_walk(v, seen, depth + 1) for v in vars(obj).values())
    return 0
