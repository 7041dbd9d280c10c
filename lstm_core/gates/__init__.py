"""Gates of trained runs: traces and statistics, step-through equations, per-epoch recording.

* :mod:`.analysis`: :func:`trace_run` (exact gate traces of every layer), saturation and
  memory-span statistics, the gate names' titles and kinds.
* :mod:`.equations`: :func:`step_detail` (every number of one unit's update at one step) and
  :func:`step_equations` (the same as LaTeX), :func:`unit_walk` (every step of one unit at
  once), number and time formatting.
* :mod:`.recorder`: :class:`GateRecorder` (per-epoch statistics and live weight snapshots
  while training), :func:`history_frame` and :func:`epoch_saturation_frame`.

Every public name is importable from ``lstm_core.gates`` itself.
"""

from __future__ import annotations

from .analysis import (
    GATE_TITLES,
    KEEP_GATE,
    LEFT,
    MODES,
    RIGHT,
    SIGMOID,
    TANH,
    GateTrace,
    gate_kind,
    input_rows,
    memory_frame,
    memory_span,
    most_saturated,
    saturating_gates,
    saturation,
    saturation_frame,
    trace_run,
    window_targets,
)
from .equations import GateTerm, StepDetail, UnitWalk, aligned, step_detail, step_equations, time_text, unit_walk
from .recorder import GateRecorder, epoch_saturation_frame, gate_summary, history_frame, probe_windows

__all__ = [
    "GATE_TITLES",
    "KEEP_GATE",
    "LEFT",
    "MODES",
    "RIGHT",
    "SIGMOID",
    "TANH",
    "GateRecorder",
    "GateTerm",
    "GateTrace",
    "StepDetail",
    "UnitWalk",
    "aligned",
    "epoch_saturation_frame",
    "gate_kind",
    "gate_summary",
    "history_frame",
    "input_rows",
    "memory_frame",
    "memory_span",
    "most_saturated",
    "probe_windows",
    "saturating_gates",
    "saturation",
    "saturation_frame",
    "step_detail",
    "step_equations",
    "time_text",
    "trace_run",
    "unit_walk",
    "window_targets",
]
