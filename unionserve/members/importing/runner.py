"""Running an import job: read → validate (in parallel for big files) → stage → write in one transaction.

This is the one import path: the page's Celery task, ``manage.py import_members``/``import_units`` and the
benchmarks all call :func:`run_job`. The job row carries the status and the progress (rows done / total) that
the page polls and the command prints; progress is saved at most every ``PROGRESS_EVERY`` seconds.

Scope: the context given to the validators holds only what the importing user may import into — a
grassroots union or employer outside the user's scope makes the row invalid, like an unknown code.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import tempfile
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files import File
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from unionserve.audit.log import record
from unionserve.core.scope import Scope, scope_of
from unionserve.members.actions import joint_union_for as joint_union_of_station
from unionserve.members.models import Employer, ImportJob, ImportKind, ImportMode, ImportStatus
from unionserve.members.template import MEMBER_COLUMNS, UNIT_COLUMNS
from unionserve.orgs.models import OrgUnit

from . import stale, worker, writer
from .reader import FileRefused, Table, open_table, rows_numbered
from .reports import Collector
from .rows import ChunkResult, MemberContext, UnitContext

log = logging.getLogger(__name__)

CHUNK_ROWS = 10_000
#: Files with fewer rows are validated in the calling process (starting workers costs about a second).
PARALLEL_MIN_ROWS = 50_000
PROGRESS_EVERY = 0.5

Progress = Callable[[ImportJob], None]


class Cancelled(Exception):
    """The job was cancelled while it was being validated."""


def default_workers() -> int:
    return min(2, os.cpu_count() or 1)


# ---------------------------------------------------------------------------------------------------------
# Context from the database

def member_context(scope: Scope, table: Table) -> MemberContext:
    """Employers and org units, with the scope applied, for validating member rows."""
    units = {}
    for pk, code, kind, status, region, industry in OrgUnit.objects.values_list(
            "pk", "code", "kind", "status", "region_path", "industry_path"):
        units[code] = (pk, kind, status == "active", scope.contains_paths(region, industry))
    employers = {}
    for pk, uscc, station_id, grassroots_id, region, industry in Employer.objects.values_list(
            "pk", "uscc", "station_id", "grassroots_id", "station__region_path", "industry_union__industry_path"):
        employers[uscc] = (pk, station_id, grassroots_id or 0, scope.contains_paths(region, industry))
    return MemberContext(today=timezone.localdate().isoformat(), positions=table.positions, width=table.width,
                         employers=employers, units=units, language=settings.LANGUAGE_CODE)


def unit_context(scope: Scope, table: Table) -> UnitContext:
    units = {code: (pk, kind, status == "active", region, industry) for pk, code, kind, status, region, industry
             in OrgUnit.objects.values_list("pk", "code", "kind", "status", "region_path", "industry_path")}
    existing = {uscc: (pk, region, industry) for pk, uscc, region, industry in Employer.objects.values_list(
        "pk", "uscc", "station__region_path", "industry_union__industry_path")}
    return UnitContext(positions=table.positions, width=table.width, units=units, existing=existing, scope=scope)


def joint_union_for(station_id: int) -> int:
    """The station's joint union (联合工会), created on first need (call inside the write transaction).

    The register's one definition (members.actions.joint_union_for): the same name and code as a transfer makes.
    """
    return joint_union_of_station(OrgUnit.objects.get(pk=station_id)).pk


# ---------------------------------------------------------------------------------------------------------
# Parallel validation

def _chunks(rows: Iterator[tuple[int, list[str]]], size: int) -> Iterator[list[tuple[int, list[str]]]]:
    chunk = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def fans_out(workers: int, parallel: bool) -> bool:
    """Whether to validate in worker processes (a daemonic process, e.g. a Celery prefork worker, may not
    start children: it validates in itself)."""
    return parallel and workers >= 2 and not multiprocessing.current_process().daemon


def validated_here(context, rows, stage: writer.Stage) -> Iterator[ChunkResult]:
    """Chunk results in file order, validated and staged in this process."""
    for chunk in _chunks(rows, CHUNK_ROWS):
        result = context.validate(chunk)
        result.rows = len(chunk)
        stage.add(result.valid)
        result.staged, result.valid = len(result.valid), []
        yield result


def validated_in_workers(context, table: Table, target: writer.StageTarget, workers: int) -> Iterator[ChunkResult]:
    """Chunk results in file order from ``workers`` processes, which stage the valid rows themselves.

    A CSV file is cut into byte ranges that the workers read on their own; an XLSX sheet's XML is cut here into
    parts of whole rows that the workers parse; any other workbook (or a CSV with quoted cells) is read here and
    its rows sent to them in chunks.
    """
    # spawn, not fork: the parent holds database connections and may run threads. A worker that dies
    # breaks the pool (BrokenProcessPool), so the job fails instead of waiting forever.
    from concurrent.futures import ProcessPoolExecutor

    ranges = None
    if table.format == "csv" and table.path is not None:
        data_bytes = table.path.stat().st_size - table.data_start
        per_row = max(1, data_bytes // max(1, table.total_hint))
        ranges = table.csv_ranges(per_row * CHUNK_ROWS)
    mp = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(workers, mp_context=mp, initializer=worker.init, initargs=(context, target)) as pool:
        parts = table.xlsx_parts()
        tasks: Iterator[Callable[[], Any]]
        if ranges is not None:
            path = str(table.path)
            tasks = (partial(pool.submit, worker.validate_range, path, table.encoding, part, table.width)
                     for part in ranges)
        elif parts is not None:
            assert table.sheet is not None  # an XLSX table has its sheet
            fmt = table.sheet.format
            tasks = (partial(pool.submit, worker.validate_part, fmt, part, table.width) for part in parts)
        else:
            tasks = (partial(pool.submit, worker.validate, chunk) for chunk in _chunks(table.rows, CHUNK_ROWS))
        window: deque = deque()
        for submit in tasks:
            window.append(submit())
            if len(window) > workers * 2:  # bounded look-ahead: memory stays flat
                yield window.popleft().result()
        while window:
            yield window.popleft().result()


# ---------------------------------------------------------------------------------------------------------
# The job

@contextmanager
def _local_copy(job: ImportJob) -> Iterator[Path]:
    """A path to the uploaded file (copied from remote storage when it has no local path)."""
    try:
        yield Path(job.file.path)
        return
    except NotImplementedError:
        pass
    suffix = Path(job.original_name).suffix
    with tempfile.NamedTemporaryFile(prefix=f"unionserve-upload-{job.pk}-", suffix=suffix) as tmp, \
            job.file.open("rb") as src:
        for block in src.chunks():
            tmp.write(block)
        tmp.flush()
        yield Path(tmp.name)


class _Tracker:
    """Saves progress and status to the job row, at most every PROGRESS_EVERY seconds; sees cancellation."""

    def __init__(self, job: ImportJob, progress: Progress | None) -> None:
        self.job = job
        self.progress = progress
        self.last = 0.0

    def save(self, *fields: str, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self.last < PROGRESS_EVERY:
            return
        self.last = now
        if not force:
            status = ImportJob.objects.filter(pk=self.job.pk).values_list("status", flat=True).first()
            if status == ImportStatus.CANCELLED:
                raise Cancelled
        # Every save is a sign of life too (the sweep takes a job without one for minutes to be dead).
        self.job.heartbeat_at = timezone.now()
        ImportJob.objects.filter(pk=self.job.pk).update(heartbeat_at=self.job.heartbeat_at,
                                                        **{f: getattr(self.job, f) for f in fields
                                                           if f != "heartbeat_at"})
        if self.progress:
            self.progress(self.job)


def run_job(job_id: int, *, workers: int | None = None, progress: Progress | None = None,
            parallel: bool | None = None) -> ImportJob:
    """Run a queued import job to its end; returns the job as saved. Never raises for bad input."""
    job = ImportJob.objects.select_related("created_by", "unit").get(pk=job_id)
    if job.status != ImportStatus.QUEUED:
        return job
    job.status = ImportStatus.VALIDATING
    job.started_at = job.heartbeat_at = timezone.now()
    job.worker = stale.this_worker()
    tracker = _Tracker(job, progress)
    tracker.save("status", "started_at", "heartbeat_at", "worker", force=True)
    columns = MEMBER_COLUMNS if job.kind == ImportKind.MEMBERS else UNIT_COLUMNS
    collector = Collector(columns, job_id=job.pk)
    try:
        with (translation.override(settings.LANGUAGE_CODE), stale.Heartbeat(job.pk),
              _local_copy(job) as path):
            _run(job, path, collector, tracker, workers or default_workers(), parallel)
    except Cancelled:
        job.status = ImportStatus.CANCELLED
        job.message = _("The import was cancelled; nothing was written.")
    except FileRefused as exc:
        job.status = ImportStatus.FAILED
        job.message = str(exc)
        collector.add_errors([(1, "", "", str(exc))])
        _attach(job, collector, with_rejected=False)
    except Exception as exc:  # the job records the failure; the register was not changed
        log.exception("import job %s failed", job.pk)
        job.status = ImportStatus.FAILED
        with translation.override(settings.LANGUAGE_CODE):
            job.message = _("The import failed and nothing was written: %(error)s") % {"error": str(exc)[:300]}
    finally:
        collector.cleanup()
        if job.kind == ImportKind.MEMBERS:
            try:
                writer.Stage.drop_if_any()
            except Exception:  # noqa: BLE001
                log.warning("could not drop the staging table of job %s", job.pk)
    job.finished_at = timezone.now()
    job.save()
    if progress:
        progress(job)
    return job


def _attach(job: ImportJob, collector: Collector, *, with_rejected: bool, fmt: str = "csv") -> None:
    collector.close()
    if collector.error_count:
        path = collector.error_report()
        with open(path, "rb") as fh:
            job.error_report.save(f"import-{job.pk}-errors.xlsx", File(fh), save=False)
    if with_rejected and collector.rejected_count:
        path = collector.rejected_file(fmt)
        with open(path, "rb") as fh:
            job.rejected_file.save(f"import-{job.pk}-rejected{path.suffix}", File(fh), save=False)


def _run(job: ImportJob, path: Path, collector: Collector, tracker: _Tracker, workers: int,
         parallel: bool | None) -> None:
    columns = MEMBER_COLUMNS if job.kind == ImportKind.MEMBERS else UNIT_COLUMNS
    table = open_table(path, columns)
    scope = scope_of(job.created_by)
    job.progress_total = table.total_hint
    tracker.save("progress_total", force=True)
    if parallel is None:
        parallel = table.total_hint >= PARALLEL_MIN_ROWS
    if job.kind == ImportKind.MEMBERS:
        _run_members(job, table, scope, collector, tracker, workers, parallel)
    else:
        _run_units(job, table, scope, collector, tracker)


def _finish_counts(job: ImportJob, rows: int, invalid: int) -> None:
    job.rows, job.invalid, job.valid = rows, invalid, rows - invalid
    job.progress_done = job.progress_total = rows


def _stop_if_invalid(job: ImportJob, collector: Collector, fmt: str) -> bool:
    """Whether nothing may be written (all-or-nothing with errors, or nothing valid); sets the message."""
    if job.invalid and job.mode == ImportMode.ALL_OR_NOTHING:
        job.status = ImportStatus.FAILED
        job.message = _("%(invalid)d of %(rows)d rows have errors, so nothing was imported (all or nothing). "
                        "Download the error report, correct the file and upload it again.") % {
            "invalid": job.invalid, "rows": job.rows}
        _attach(job, collector, with_rejected=False)
        return True
    if not job.valid:
        job.status = ImportStatus.FAILED if job.invalid else ImportStatus.DONE
        job.message = _("No valid rows: nothing was imported.") if job.invalid else _("The file has no rows.")
        _attach(job, collector, with_rejected=True, fmt=fmt)
        return True
    return False


def _run_members(job: ImportJob, table: Table, scope: Scope, collector: Collector, tracker: _Tracker,
                 workers: int, parallel: bool) -> None:
    context = member_context(scope, table)
    rows = invalid = staged = 0
    stations: set[int] = set()
    runs: list[tuple[int, int, int]] = []
    target = writer.StageTarget.create(job.pk) if fans_out(workers, parallel) else None
    started = time.perf_counter()
    try:
        if target is not None:
            results = validated_in_workers(context, table, target, workers)
        else:
            results = validated_here(context, table.rows, writer.Stage())
        for result in results:
            collector.add_errors(result.errors)
            collector.add_rejected(result.rejected)
            rows += result.rows
            invalid += len(result.rejected)
            staged += result.staged
            stations |= result.stations
            if result.run is not None:
                runs.append(result.run)
            job.progress_done = min(rows, job.progress_total) if job.progress_total else rows
            job.progress_total = max(job.progress_total, rows)
            tracker.save("progress_done", "progress_total")
        validated = time.perf_counter() - started
        stage = target.gather() if target is not None else writer.STAGE
        stage_runs = target.runs(runs) if target is not None else None
        drop = job.mode != ImportMode.ALL_OR_NOTHING
        # A repeated ID number cannot pass the write (see writer): with every row valid so far, the write goes
        # ahead without the pass over the stage that looks for repeats, and looks only when the write fails.
        # With invalid rows the look comes first, so that the report lists every problem at once.
        duplicates = _reject_duplicates(table, stage, collector, drop=drop) if invalid else 0
        # Never a silent take-over: a registered member of another part of the tree under another name.
        takeovers = _reject_takeovers(table, stage, scope, collector, drop=drop)
        invalid += takeovers
        _finish_counts(job, rows, invalid + duplicates)
        if _stop_if_invalid(job, collector, table.format):
            return
        job.status = ImportStatus.WRITING
        tracker.save("status", "rows", "valid", "invalid", "progress_done", "progress_total", force=True)

        def write(known: bool) -> writer.WriteResult:
            # After duplicates were taken out, the stage holds fewer rows and maybe fewer joint unions.
            return writer.write_members(
                job_id=job.pk, user_id=job.created_by_id, joint_union_for=joint_union_for,
                on_written=lambda res: _after_members_written(job, res), stage=stage,
                rows=staged if known else None, stations=stations if known else None, runs=stage_runs)

        try:
            written = write(not ((duplicates or takeovers) and drop))
        except IntegrityError:
            if invalid:
                raise  # repeats were looked for already: something else
            duplicates = _reject_duplicates(table, stage, collector, drop=drop)
            if not duplicates:
                raise
            _finish_counts(job, rows, invalid + duplicates)
            if _stop_if_invalid(job, collector, table.format):
                return
            tracker.save("rows", "valid", "invalid", force=True)
            written = write(False)
    finally:
        if target is not None:
            target.discard()
    job.created, job.updated, job.transferred, job.unchanged = (
        written.created, written.updated, written.transferred, written.unchanged)
    # One line per import for the operations log: where the time went (decision 0009 gives typical figures).
    log.info("import job %s: %d rows read and validated in %.1f s (%s), written in %.1f s (%s)", job.pk, rows,
             validated, "in workers" if target is not None else "in this process", sum(written.seconds.values()),
             ", ".join(f"{phase} {seconds:.1f} s" for phase, seconds in written.seconds.items()))
    job.status = ImportStatus.DONE
    job.message = _done_message(job)
    _attach(job, collector, with_rejected=True, fmt=table.format)


def _reject_duplicates(table: Table, stage: str, collector: Collector, *, drop: bool) -> int:
    """Report rows whose ID number an earlier row already has (found in the stage, by keyed hash); in
    valid-rows mode take them out of the stage. Returns how many there are."""
    duplicates = writer.duplicate_rows(stage)
    if not duplicates:
        return 0
    message = _("This ID number already appears in an earlier row of this file.")
    header = MEMBER_COLUMNS[1].header
    # The stage holds no clear ID numbers: read the (few) rows again for the report and the rejected file.
    raw = rows_numbered(table.path, MEMBER_COLUMNS, {n for n, _masked in duplicates}) if table.path else {}
    collector.add_errors([(n, header, raw[n][1] if n in raw else masked, message) for n, masked in duplicates])
    collector.add_rejected([(n, raw[n], message) for n, _masked in duplicates if n in raw])
    if drop:
        writer.drop_rows(stage, [n for n, _masked in duplicates])
    return len(duplicates)


def _reject_takeovers(table: Table, stage: str, scope: Scope, collector: Collector, *, drop: bool) -> int:
    """Report rows that would move a member registered outside the importer's scope *and* rename them.

    Such a row is another station's member under another name: taking them over and overwriting the name
    silently is refused, as the receiving page refuses a wrong name. The row is an error of the report; the
    member may be transferred with the registered name (the receiving side knows the ID number and the name).
    Returns how many rows were refused (taken out of the stage in valid-rows mode).
    """
    found = [(n, masked) for n, masked, region, industry in writer.renamed_members(stage)
             if not scope.contains_paths(region, industry)]
    if not found:
        return 0
    message = _("This ID number belongs to a member of another station registered under another name: a "
                "transfer keeps the registered name. Check the ID number and the name; to transfer the member, "
                "use the name in the register.")
    header = MEMBER_COLUMNS[1].header
    raw = rows_numbered(table.path, MEMBER_COLUMNS, {n for n, _masked in found}) if table.path else {}
    collector.add_errors([(n, header, raw[n][1] if n in raw else masked, message) for n, masked in found])
    collector.add_rejected([(n, raw[n], message) for n, _masked in found if n in raw])
    if drop:
        writer.drop_rows(stage, [n for n, _masked in found])
    return len(found)


def _done_message(job: ImportJob) -> str:
    text = _("Imported %(valid)d rows: %(created)d new, %(updated)d updated, %(transferred)d transferred, "
             "%(unchanged)d unchanged.") % {"valid": job.valid, "created": job.created, "updated": job.updated,
                                            "transferred": job.transferred, "unchanged": job.unchanged}
    if job.invalid:
        text += " " + _("%(invalid)d rows with errors were not imported: download them, correct them and "
                        "import them again.") % {"invalid": job.invalid}
    return text


def _after_members_written(job: ImportJob, result: writer.WriteResult) -> None:
    """Inside the write transaction: tell the old unions of transferred members, and audit the import."""
    if result.transfers:
        notify_transfers(job, result.transfers)
    record("members_imported", actor=job.created_by, unit=job.unit, detail={
        "job": job.pk, "file": job.original_name, "mode": job.mode, "created": result.created,
        "updated": result.updated, "transferred": result.transferred, "unchanged": result.unchanged,
    })


def notify_transfers(job: ImportJob, transfers: dict[int, list[tuple[int, str, str, int]]]) -> None:
    """Tell each old grassroots union who left it for which union (会员关系接转), event member.transferred."""
    from unionserve.notifications.api import Message, nearest_staffed, notify_many

    ids = set(transfers) | {new for items in transfers.values() for *_rest, new in items}
    units = OrgUnit.objects.in_bulk(ids)
    # An old union without accounts (most grassroots unions) is told through its station, else its district.
    told = nearest_staffed([units[i] for i in transfers if i in units])
    reason = _("import #%(job)s by %(unit)s") % {"job": job.pk, "unit": job.unit.name}
    messages = []
    for old_id, items in transfers.items():
        old = units.get(old_id)
        if old is None or old_id not in told:
            continue
        for member_id, name, masked, new in items:
            messages.append(Message(
                units=(told[old_id],),
                context={"name": name, "id": masked, "from_unit": old.name,
                         "to_unit": units[new].name if new in units else str(new), "reason": reason},
                link=f"/members/{member_id}/",
                dedupe_key=f"import:{job.pk}:transfer:{member_id}",
            ))
    if messages:
        notify_many("member.transferred", messages)


def _run_units(job: ImportJob, table: Table, scope: Scope, collector: Collector, tracker: _Tracker) -> None:
    context = unit_context(scope, table)
    staged: dict[str, dict] = {}
    rows = invalid = 0
    duplicate = _("This Unified Social Credit Code already appears in an earlier row of this file.")
    for chunk in _chunks(table.rows, CHUNK_ROWS):
        result = context.validate(chunk)
        raw = dict(chunk)
        for row_no, values, uscc in result.valid:
            if uscc in staged:
                row = [raw[row_no][p] for p in table.positions]
                result.errors.append((row_no, UNIT_COLUMNS[1].header, uscc, duplicate))
                result.rejected.append((row_no, row, duplicate))
                continue
            staged[uscc] = values
        result.errors.sort(key=lambda e: e[0])
        result.rejected.sort(key=lambda r: r[0])
        collector.add_errors(result.errors)
        collector.add_rejected(result.rejected)
        rows += len(chunk)
        invalid += len(result.rejected)
        job.progress_done = rows
        job.progress_total = max(job.progress_total, rows)
        tracker.save("progress_done", "progress_total")
    _finish_counts(job, rows, invalid)
    if _stop_if_invalid(job, collector, table.format):
        return
    job.status = ImportStatus.WRITING
    tracker.save("status", "rows", "valid", "invalid", "progress_done", "progress_total", force=True)
    with transaction.atomic():
        write_units(job, staged)
    job.status = ImportStatus.DONE
    job.message = _done_message(job)
    _attach(job, collector, with_rejected=True, fmt=table.format)


UNIT_FIELDS = ("name", "station_id", "industry_union_id", "has_union", "grassroots_id", "reported_members",
               "contact_name", "contact_phone")


def write_units(job: ImportJob, staged: dict[str, dict]) -> None:
    """Upsert employers by USCC (inside the caller's transaction); only real changes are saved."""
    now = timezone.now()
    existing = {e.uscc: e for e in Employer.objects.filter(uscc__in=list(staged))} if len(staged) < 5000 else {
        e.uscc: e for e in Employer.objects.all()}
    new, changed = [], []
    for uscc, values in staged.items():
        employer = existing.get(uscc)
        if employer is None:
            new.append(Employer(created_at=now, **values))
            continue
        if all(getattr(employer, f) == values[f] for f in UNIT_FIELDS):
            continue
        for f in UNIT_FIELDS:
            setattr(employer, f, values[f])
        employer.updated_at = now
        changed.append(employer)
    Employer.objects.bulk_create(new, batch_size=2000)
    Employer.objects.bulk_update(changed, [*UNIT_FIELDS, "updated_at"], batch_size=2000)
    job.created, job.updated = len(new), len(changed)
    job.unchanged = len(staged) - len(new) - len(changed)
    record("employers_imported", actor=job.created_by, unit=job.unit, detail={
        "job": job.pk, "file": job.original_name, "created": job.created, "updated": job.updated,
        "unchanged": job.unchanged})


# ---------------------------------------------------------------------------------------------------------
# Starting a job

def create_job(*, kind: str, mode: str, file, original_name: str, acting_user) -> ImportJob:
    """Save the upload as a queued job of ``acting_user``'s unit."""
    if acting_user.org_unit_id is None:
        raise PermissionError("An importer needs an org unit.")
    job = ImportJob(kind=kind, mode=mode, original_name=original_name[:200], created_by=acting_user,
                    unit_id=acting_user.org_unit_id)
    job.file.save(Path(original_name).name[-80:] or "upload", file, save=False)
    job.progress_total = 0
    job.save()
    return job
