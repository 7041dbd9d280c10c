"""The one vocabulary of job states, shared by training runs, comparisons and sweeps.

:class:`JobStatus` is a ``str`` enum: a member equals its text (``JobStatus.FINISHED ==
"finished"``), formats as its text and is written to JSON as its text, so saved files and
messages keep their wording.
"""

from __future__ import annotations

from enum import StrEnum


class JobStatus(StrEnum):
    """Where a job is: waiting, training, or over (and how it ended)."""

    QUEUED = "queued"
    RUNNING = "running"
    FINISHED = "finished"
    CANCELLED = "cancelled"
    DIVERGED = "diverged"
    FAILED = "failed"

    @property
    def active(self) -> bool:
        """Still waiting or running (it can be cancelled)."""
        return self in (JobStatus.QUEUED, JobStatus.RUNNING)

    @property
    def over(self) -> bool:
        """Ended one way or another; its snapshot no longer changes."""
        return not self.active

    @property
    def failed(self) -> bool:
        """Ended without a result worth showing (diverged or failed): the UI shows the reason."""
        return self in (JobStatus.DIVERGED, JobStatus.FAILED)


#: States of a job that is still waiting or running.
ACTIVE = (JobStatus.QUEUED, JobStatus.RUNNING)
#: States of a job that is over.
DONE = (JobStatus.FINISHED, JobStatus.CANCELLED, JobStatus.DIVERGED, JobStatus.FAILED)
