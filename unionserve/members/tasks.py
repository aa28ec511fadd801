"""Background work of the register (Celery; eager in the calling process without a broker)."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="unionserve.members.run_import")
def run_import(job_id: int) -> dict[str, object]:
    """Run an import job (members.importing.run_job): status and progress go to the job row."""
    from .importing import run_job

    job = run_job(job_id)
    return {"job": job.pk, "status": job.status, "created": job.created, "updated": job.updated,
            "transferred": job.transferred, "unchanged": job.unchanged, "invalid": job.invalid}


@shared_task(name="unionserve.members.fail_stale_imports")
def fail_stale_imports() -> int:
    """Every 2 minutes: jobs whose process died are marked failed and their leftovers removed
    (members.importing.stale)."""
    from .importing.stale import fail_stale_jobs

    return fail_stale_jobs()


@shared_task(name="unionserve.members.delete_old_import_files")
def delete_old_import_files() -> int:
    """Nightly: the files of imports that ended longer ago than the retention are deleted
    (members.importing.retention)."""
    from .importing.retention import delete_old_files

    return delete_old_files()
