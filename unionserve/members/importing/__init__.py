"""Import of members and employers from the official templates (members.template), CSV or Excel.

    job = create_job(kind="members", mode="valid_rows", file=upload, original_name=..., acting_user=user)
    run_job(job.pk)            # or tasks.run_import.delay(job.pk): the page, the CLI and the benchmarks

Modules: ``reader`` (format, headers, streamed rows), ``rows`` (validation of a chunk, in worker processes
for big files), ``writer`` (staging table, then one transaction of set-based SQL), ``reports`` (error report,
rejected rows, blank templates), ``runner`` (the job: status, progress, modes). Design and measurements:
docs/decisions/0009-member-import.md.
"""

from __future__ import annotations

__all__ = ["create_job", "run_job"]


def __getattr__(name: str):
    # Lazy: worker processes import this package before Django is set up (see worker.py).
    if name in __all__:
        from . import runner

        return getattr(runner, name)
    raise AttributeError(name)
