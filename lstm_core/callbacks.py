"""One object through which a training run reports progress and is asked to stop.

The trainer and the pipeline know nothing of the UI (minGPT style): whoever starts a run (the
job registry, the command line, a test) passes one :class:`Callbacks` with the hooks it cares
about; every hook is optional and ``stop`` is a ``threading.Event`` checked between batches.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # type names only: the engine modules import this one
    from .gates import GateRecorder
    from .pipeline import FirstLook
    from .train import EpochStats


@dataclass(frozen=True)
class Callbacks:
    """Progress hooks and the stop signal of one training run.

    Attributes
    ----------
    on_epoch : called after every epoch of the first network with its :class:`EpochStats`
        (the live loss curve).
    on_phase : told ``"choosing"`` (the representation backtest) and ``"choosing k/N"`` as its
        network k of N starts, ``"training"``, ``"member k/K"`` for the other networks of an
        ensemble, then ``"evaluating"``.
    on_gates : receives the run's :class:`~lstm_core.gates.GateRecorder` before the first
        network trains; it holds a between-epochs weight snapshot (gates of a model still learning).
    on_preview : receives a :class:`~lstm_core.pipeline.FirstLook` once the first network has
        trained and more are to come: its one-step predictions, a first forecast to show while
        the rest of the ensemble trains.
    stop : set it to cancel; training stops within one batch and keeps the best weights so far.
    """

    on_epoch: Callable[[EpochStats], None] | None = None
    on_phase: Callable[[str], None] | None = None
    on_gates: Callable[[GateRecorder], None] | None = None
    on_preview: Callable[[FirstLook], None] | None = None
    stop: threading.Event = field(default_factory=threading.Event)

    def should_stop(self) -> bool:
        """Whether a stop was asked for."""
        return self.stop.is_set()

    def epoch(self, stats: EpochStats) -> None:
        """Report one finished epoch."""
        if self.on_epoch is not None:
            self.on_epoch(stats)

    def phase(self, name: str) -> None:
        """Report the phase the run enters."""
        if self.on_phase is not None:
            self.on_phase(name)

    def gates(self, recorder: GateRecorder) -> None:
        """Hand over the gate recorder of the network being trained."""
        if self.on_gates is not None:
            self.on_gates(recorder)

    def preview(self, look: FirstLook) -> None:
        """Hand over the first network's one-step predictions (more networks are training)."""
        if self.on_preview is not None:
            self.on_preview(look)

    def wants_preview(self) -> bool:
        """Whether anyone listens for :meth:`preview` (it costs a forward pass to make one)."""
        return self.on_preview is not None

    def with_epoch(self, on_epoch: Callable[[EpochStats], None] | None) -> Callbacks:
        """The same callbacks (same stop) with ``on_epoch`` replaced."""
        return replace(self, on_epoch=on_epoch)

    def stop_only(self) -> Callbacks:
        """The same stop signal and no hooks (networks whose epochs are not the live curve)."""
        return Callbacks(stop=self.stop)


class Stopped(Exception):
    """A stop was asked for inside a section run under :func:`stop_checks` (the evaluation):
    the section is abandoned, since there is nothing partial to keep."""


_section_stop: ContextVar[threading.Event | None] = ContextVar("lstm_lab_section_stop", default=None)


@contextmanager
def stop_checks(stop: threading.Event | None) -> Iterator[None]:
    """Make :func:`check_stop` raise :class:`Stopped` once ``stop`` is set, inside the block, on
    this thread only (None: no checks). The long loops of the evaluation (forecast blocks,
    network chunks, baseline filters) call :func:`check_stop`, so a Stop pressed while a run
    is evaluated ends it within one such step instead of after the whole evaluation."""
    token = _section_stop.set(stop)
    try:
        yield
    finally:
        _section_stop.reset(token)


def check_stop() -> None:
    """Raise :class:`Stopped` when the enclosing :func:`stop_checks` event is set (else nothing)."""
    stop = _section_stop.get()
    if stop is not None and stop.is_set():
        raise Stopped("stopped")
