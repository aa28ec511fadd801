"""Progress of long jobs (member imports, broadcast sending): one rule for the bar the page and the CLI show.

A job model exposes ``progress`` (a :class:`Progress` of its own counters and state); the htmx fragments draw it
with one template (``web/_progress_bar.html``) and the command line reads ``progress.percent``. The percentage
is :func:`core.numbers.percent`, shown whole on the bar, and never 100 before the job has finished (a job at
1,999 of 2,000 rows is not done).
"""

from __future__ import annotations

from dataclasses import dataclass

from .numbers import percent

RUNNING, DONE, FAILED, STOPPED = "running", "done", "failed", "stopped"


@dataclass(frozen=True)
class Progress:
    """How far a job has come: ``done`` of ``total`` units of work, whether it has finished, and how it stands
    (:data:`RUNNING`, :data:`DONE`, :data:`FAILED` or :data:`STOPPED`; the bar's colour)."""

    done: int
    total: int
    finished: bool = False
    state: str = RUNNING

    @property
    def percent(self) -> int:
        """Whole percent for the bar: 100 once finished, 0 before the total is known, at most 99 before."""
        if self.finished:
            return 100
        share = percent(min(self.done, self.total), self.total)
        if share is None:
            return 0
        return min(99, int(share))
