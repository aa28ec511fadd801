"""Jobs whose process died: found within minutes, marked failed, and what they left on disk removed.

A killed import leaves the register as it was (its write transaction never committed, decision 0009), but its
job row stays "validating" or "writing" and its temporary files stay behind (the stage of the workers, the
report being collected, a local copy of the upload: about 100 MB per 300,000 rows). So a running job gives a
sign of life on its row (`ImportJob.heartbeat_at`): at every progress save while it validates, and from a
small thread every `HEARTBEAT_EVERY` while it runs. The row also names the process (`ImportJob.worker`,
"host:pid").

The sweep (`fail_stale_jobs`, every few minutes) takes a job to be dead when its last sign of life is older than
`DEAD_AFTER` and its process is gone: on this host the process is asked directly (during a SQLite write the
thread cannot write the row — that transaction holds the database's one write lock — but the process is
alive); a process on another host, whose row stays silent, is dead. A job running longer than `MAX_RUNNING` is
dead in any case. A dead job is marked failed and its files are removed (`remove_leftovers`).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import shutil
import socket
import tempfile
import threading
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, connection
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from unionserve.members.models import ImportJob, ImportStatus

log = logging.getLogger(__name__)

#: Longer than any import runs (4,000,000 rows take minutes, decision 0009).
MAX_RUNNING = dt.timedelta(hours=6)
#: A running job writes a sign of life this often ...
HEARTBEAT_EVERY = dt.timedelta(seconds=30)
#: ... and one silent this long, whose process is gone, is dead.
DEAD_AFTER = dt.timedelta(minutes=3)
RUNNING = (ImportStatus.VALIDATING, ImportStatus.WRITING)
#: What a job leaves in the temporary folder, by job id (the runner, the report collector, the SQLite stage).
LEFTOVER_PATTERNS = ("unionserve-stage-{id}-*", "unionserve-import-{id}-*", "unionserve-upload-{id}-*")


def this_worker() -> str:
    """"host:pid" of this process, as the job row records it."""
    return f"{socket.gethostname()}:{os.getpid()}"


def _process_alive(worker: str) -> bool:
    """Whether the process a job row names is running: known only on this host (elsewhere: False)."""
    host, _sep, pid = worker.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False
    if int(pid) == os.getpid():
        return True
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: it exists
        return True
    return True


class Heartbeat:
    """While a job runs, write its sign of life every `HEARTBEAT_EVERY` from a thread of its own.

    Not inside a caller's transaction (tests run the job in theirs, where another connection would wait on it):
    there the progress saves are the only signs of life, which is enough for a job that lasts seconds.
    """

    def __init__(self, job_id: int, every: dt.timedelta = HEARTBEAT_EVERY) -> None:
        self.job_id = job_id
        self.every = every.total_seconds()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def __enter__(self) -> Heartbeat:
        if not connection.in_atomic_block:
            self._thread = threading.Thread(target=self._run, name=f"import-{self.job_id}-heartbeat", daemon=True)
            self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def _run(self) -> None:
        from django.db import connections

        try:
            while not self._stop.wait(self.every):
                try:
                    ImportJob.objects.filter(pk=self.job_id, status__in=RUNNING).update(heartbeat_at=timezone.now())
                except DatabaseError:
                    # SQLite during the write: the register's transaction holds the write lock. The sweep then
                    # asks whether the process is alive.
                    log.debug("import %s: no heartbeat written", self.job_id)
        finally:
            connections.close_all()


def remove_leftovers(job_id: int) -> int:
    """Remove the temporary files and tables a job left (a killed one); returns how many were removed."""
    removed = 0
    tmp = Path(tempfile.gettempdir())
    for pattern in LEFTOVER_PATTERNS:
        for path in tmp.glob(pattern.format(id=int(job_id))):
            if path.is_dir():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)
            removed += 1
    if connection.vendor == "postgresql":
        # The workers' UNLOGGED stage of the job (members.importing.writer.StageTarget).
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS import_stage_{int(job_id)}")
    return removed


def fail_stale_jobs(*, now: dt.datetime | None = None, max_running: dt.timedelta = MAX_RUNNING,
                    dead_after: dt.timedelta = DEAD_AFTER) -> int:
    """Mark the running jobs whose process died as failed and remove what they left; returns how many."""
    now = now or timezone.now()
    with translation.override(settings.LANGUAGE_CODE):
        message = _("The import stopped without finishing (its process ended); nothing was written. "
                    "Upload the file again.")
    silent = Q(heartbeat_at__lt=now - dead_after) | Q(heartbeat_at__isnull=True, started_at__lt=now - dead_after)
    candidates = ImportJob.objects.filter(status__in=RUNNING).filter(
        silent | Q(started_at__lt=now - max_running)).values_list("pk", "worker", "started_at")
    failed = 0
    for pk, worker, started_at in candidates:
        if started_at is not None and started_at >= now - max_running and worker and _process_alive(worker):
            continue  # alive, only unable to write its row for now (a SQLite write)
        # Conditional on the status, so a job that finishes meanwhile keeps its own outcome.
        if ImportJob.objects.filter(pk=pk, status__in=RUNNING).update(
                status=ImportStatus.FAILED, finished_at=now, message=message):
            failed += 1
            removed = remove_leftovers(pk)
            log.warning("import job %s: its process (%s) ended; marked failed, %d leftovers removed",
                        pk, worker or "?", removed)
    return failed
