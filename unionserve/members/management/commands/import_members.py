"""``manage.py import_members FILE --as USERNAME [--mode valid_rows]``: the page's import, from a shell.

Runs the same job as the page (members.importing.run_job) in this process, with a progress bar on stderr,
then prints the summary and where the error report and the rejected rows were saved.
"""

from __future__ import annotations

import time
from pathlib import Path

from django.core.files import File
from django.core.management.base import BaseCommand, CommandError, OutputWrapper
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from unionserve.members.importing import create_job, run_job
from unionserve.members.models import ImportJob, ImportKind, ImportMode, ImportStatus

KIND = ImportKind.MEMBERS


class Command(BaseCommand):
    help = "Import members from the official template (CSV or XLSX), as a given user (the same scope)."
    kind = KIND

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--as", dest="username", required=True, help="the importing user (scope and audit)")
        parser.add_argument("--mode", choices=ImportMode.values, default=ImportMode.ALL_OR_NOTHING)
        parser.add_argument("--workers", type=int, default=None, help="validating processes (default: 2)")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")

    def handle(self, *args, file: Path, username: str, mode: str, workers: int | None, no_progress: bool,
               **options) -> None:
        from unionserve.accounts.models import User
        from unionserve.core.roles import MANAGE_MEMBERS

        if not file.is_file():
            raise CommandError(f"No such file: {file}")
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"No active user {username!r}.")
        if not user.has_perm(MANAGE_MEMBERS):
            raise CommandError(f"{username} may not import members (needs {MANAGE_MEMBERS}).")
        with file.open("rb") as fh:
            job = create_job(kind=self.kind, mode=mode, file=File(fh), original_name=file.name, acting_user=user)
        bar = ProgressBar(self.stderr, enabled=not no_progress)
        job = run_job(job.pk, workers=workers, progress=bar.update)
        bar.close()
        self.stdout.write(summary(job))
        if job.status != ImportStatus.DONE:
            raise CommandError(job.message or job.get_status_display())


class ProgressBar:
    """A one-line text progress bar (rows done / total, rows/s) redrawn at most 5 times a second."""

    WIDTH = 30

    def __init__(self, stream: OutputWrapper, *, enabled: bool = True) -> None:
        self.stream = stream
        self.enabled = enabled
        self.t0 = time.monotonic()
        self.last = 0.0

    def update(self, job: ImportJob) -> None:
        now = time.monotonic()
        if not self.enabled or (now - self.last < 0.2 and not job.is_finished):
            return
        self.last = now
        progress = job.progress  # the same bar as the page's (core.progress)
        done = min(progress.done, progress.total) if progress.total else progress.done
        filled = self.WIDTH * progress.percent // 100
        rate = done / max(now - self.t0, 1e-6)
        rows, per_second = pgettext("counted unit", "rows"), _("rows/s")
        self.stream.write(f"\r{job.get_status_display():<10} [{'#' * filled}{'.' * (self.WIDTH - filled)}] "
                          f"{progress.percent:>3}%  {done:,}/{progress.total:,} {rows}  {rate:,.0f} {per_second} ",
                          ending="")
        self.stream.flush()

    def close(self) -> None:
        if self.enabled:
            self.stream.write("")
            self.stream.flush()


def summary(job: ImportJob) -> str:
    """The job's outcome in the language of the installation (zh-hans by default), like the page's summary."""
    lines = [
        _("Import #%(number)s %(kind)s · %(mode)s · %(status)s") % {
            "number": job.pk, "kind": job.get_kind_display(), "mode": job.get_mode_display(),
            "status": job.get_status_display()},
        _("%(rows)s rows: %(valid)s valid, %(invalid)s invalid; %(created)s created, %(updated)s updated, "
          "%(transferred)s transferred, %(unchanged)s unchanged") % {
            "rows": f"{job.rows:,}", "valid": f"{job.valid:,}", "invalid": f"{job.invalid:,}",
            "created": f"{job.created:,}", "updated": f"{job.updated:,}", "transferred": f"{job.transferred:,}",
            "unchanged": f"{job.unchanged:,}"},
    ]
    if job.started_at and job.finished_at:
        seconds = (job.finished_at - job.started_at).total_seconds()
        lines.append(_("Time: %(seconds)s s") % {"seconds": f"{seconds:,.1f}"})
    if job.message:
        lines.append(job.message)
    if job.error_report:
        lines.append(_("Error report: %(path)s") % {"path": job.error_report.path})
    if job.rejected_file:
        lines.append(_("Rejected rows: %(path)s") % {"path": job.rejected_file.path})
    return "\n".join(lines) + "\n"
