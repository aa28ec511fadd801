"""Jobs whose process died: marked failed so the page stops showing them as running.

A killed import leaves the register as it was (its write transaction never committed, decision 0009), but its
job row stays "validating" or "writing": nothing is left to finish it. The job row cannot carry a heartbeat
through the write — on SQLite that transaction holds the database's one write lock — so, like a job queue's
"stuck job" timeout (Odoo's queue_job, Celery's visibility timeout), a job that started longer ago than any
import takes is taken to be dead. A 4M-row file imports in minutes; the limit is hours.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from unionserve.members.models import ImportJob, ImportStatus

#: Longer than any import runs (4,000,000 rows take minutes, decision 0009).
MAX_RUNNING = dt.timedelta(hours=6)
RUNNING = (ImportStatus.VALIDATING, ImportStatus.WRITING)


def fail_stale_jobs(*, now: dt.datetime | None = None, max_running: dt.timedelta = MAX_RUNNING) -> int:
    """Mark jobs running since before ``now - max_running`` as failed; returns how many."""
    now = now or timezone.now()
    with translation.override(settings.LANGUAGE_CODE):
        message = _("The import stopped without finishing (its process ended); nothing was written. "
                    "Upload the file again.")
    # Conditional on the status, so a job that finishes meanwhile keeps its own outcome.
    return ImportJob.objects.filter(status__in=RUNNING, started_at__lt=now - max_running).update(
        status=ImportStatus.FAILED, finished_at=now, message=message)
