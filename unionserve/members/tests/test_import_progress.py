"""The import job's bar follows core.progress: never full before the job has finished."""

from unionserve.members.models import ImportJob, ImportStatus


def test_import_progress():
    job = ImportJob(status=ImportStatus.VALIDATING, progress_done=1999, progress_total=2000)
    assert (job.progress.percent, job.progress.state, job.percent) == (99, "running", 99)
    assert ImportJob(status=ImportStatus.QUEUED).percent == 0
    failed = ImportJob(status=ImportStatus.FAILED, progress_done=10, progress_total=2000).progress
    assert (failed.percent, failed.state) == (100, "failed")
    assert ImportJob(status=ImportStatus.CANCELLED).progress.state == "stopped"
