"""Removing stored PDFs that no document row points to.

A PDF is written to storage while its case action runs; when that action then rolls back (a later step of it
is refused, a stale edit), the row goes but the file stays — storage has no transactions. Such files name no
case in the database and hold personal data, so a daily sweep removes them once they are old enough that no
transaction can still be about to commit them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.files.storage import default_storage
from django.utils import timezone

from .models import GeneratedDocument

ROOT = "documents"
#: Younger files may belong to a transaction that is still running.
DEFAULT_MIN_AGE = dt.timedelta(hours=24)


@dataclass
class Sweep:
    checked: int = 0
    removed: int = 0


def _files(storage, folder: str):
    dirs, files = storage.listdir(folder)
    for name in files:
        yield f"{folder}/{name}"
    for sub in dirs:
        yield from _files(storage, f"{folder}/{sub}")


def remove_orphans(*, min_age: dt.timedelta = DEFAULT_MIN_AGE, dry_run: bool = False, storage=None) -> Sweep:
    """Delete files under ``documents/`` older than `min_age` that no GeneratedDocument references."""
    storage = storage or default_storage
    result = Sweep()
    if not storage.exists(ROOT):
        return result
    cutoff = timezone.now() - min_age
    known_by_folder: dict[str, set[str]] = {}
    for name in _files(storage, ROOT):
        result.checked += 1
        folder = name.rsplit("/", 1)[0]
        if folder not in known_by_folder:
            # One query per month folder, not one per file (a busy year holds hundreds of thousands).
            known_by_folder[folder] = set(GeneratedDocument.objects.filter(file__startswith=f"{folder}/")
                                          .values_list("file", flat=True))
        if name in known_by_folder[folder] or storage.get_modified_time(name) > cutoff:
            continue
        result.removed += 1
        if not dry_run:
            storage.delete(name)
    return result
