"""Deleting import files after their retention: they hold clear ID numbers and phone numbers.

The uploaded file, the error report and the rejected rows of an import are kept while people correct and
re-import (the error report and the rejected rows are downloaded, audited, from the job's page), then deleted
`settings.UNIONSERVE["IMPORT_FILE_RETENTION_DAYS"]` days (default 30) after the import ended. A setting, not a
policy parameter: no seed gives the number and it is the operating site's data-protection choice, not a rule of
the service that must be versioned with effective dates. The job row stays (counts, message, who and when) and
records when its files went (`files_deleted_at`); each deletion is an audit row.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from unionserve.audit.log import record
from unionserve.audit.models import AuditAction
from unionserve.members.models import ImportJob

log = logging.getLogger(__name__)

FILE_FIELDS = ("file", "error_report", "rejected_file")


def retention_days() -> int:
    """Days an ended import keeps its files (the setting, at least 1)."""
    return max(1, int(settings.UNIONSERVE.get("IMPORT_FILE_RETENTION_DAYS", 30)))


def delete_old_files(*, now: dt.datetime | None = None, days: int | None = None) -> int:
    """Delete the files of imports that ended more than `days` ago; returns how many jobs lost their files."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=days if days is not None else retention_days())
    jobs = ImportJob.objects.filter(status__in=ImportJob.FINISHED, finished_at__lt=cutoff,
                                    files_deleted_at__isnull=True).select_related("unit").order_by("pk")
    done = 0
    for job in jobs.iterator(chunk_size=200):
        deleted = []
        for name in FILE_FIELDS:
            field = getattr(job, name)
            if field and field.name:
                try:
                    field.delete(save=False)
                except OSError:  # already gone from the storage: the row still says so below
                    log.warning("import %s: %s could not be deleted", job.pk, name)
                deleted.append(name)
        with transaction.atomic():
            ImportJob.objects.filter(pk=job.pk).update(files_deleted_at=now, file="", error_report="",
                                                       rejected_file="")
            record(AuditAction.IMPORT_FILES_DELETED, obj=job, unit=job.unit,
                   detail={"import_job": job.pk, "files": deleted, "retention_days": (now - cutoff).days})
        done += 1
    return done
