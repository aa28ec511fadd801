"""Entry points of the validating worker processes. Importable before Django is set up (spawned workers
unpickle these functions and the context first, then ``init`` sets Django up).

A worker validates, encrypts and stages the valid rows itself (``writer.WorkerStage``) and sends back only
what the parent needs: counts, errors and the rejected rows. For a CSV file it also reads its rows itself, a
byte range at a time (``reader.read_range``), so the parent neither parses the file nor pickles its rows; for
an XLSX sheet it parses parts of the sheet's XML (``reader.read_part``), which the parent only cuts.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .rows import MemberContext, UnitContext

_CONTEXT: MemberContext | UnitContext | None = None
_STAGE = None
_STRINGS: dict[tuple[str, str | None], list[str]] = {}


def init(context, target=None) -> None:
    """Pool initializer: set Django up (settings from DJANGO_SETTINGS_MODULE), keep the context and the stage."""
    import django

    django.setup()
    global _CONTEXT, _STAGE  # one context and one stage per worker process
    _CONTEXT = context
    context.prepare()
    if target is not None:
        from .writer import WorkerStage

        _STAGE = WorkerStage(target)


def validate(chunk: list):
    """Validate one chunk of raw rows; with a stage, stage the valid rows here and send back their count."""
    assert _CONTEXT is not None, "the pool's initializer (init) runs first"
    result = _CONTEXT.validate(chunk)
    result.rows = len(chunk)
    if _STAGE is not None:
        _STAGE.add(result.valid)
        if result.valid:
            # The chunk's rows are consecutive in the file: the parent inserts them from this worker's file
            # as one run of row numbers, in file order across the workers (writer.StageTarget.runs).
            result.run = (os.getpid(), result.valid[0][0], result.valid[-1][0])
        result.staged, result.valid = len(result.valid), []
    return result


def validate_range(path: str, encoding: str, part, width: int):
    """Read one byte range of a CSV file, then as :func:`validate`."""
    from pathlib import Path

    from .reader import read_range

    return validate(read_range(Path(path), encoding, part, width))


def validate_part(fmt, part: bytes, width: int):
    """Parse one part of an XLSX sheet's XML (the shared strings loaded once per worker), then as :func:`validate`."""
    from unionserve.core import xlsx

    from .reader import read_part

    key = (fmt.path, fmt.strings)
    if key not in _STRINGS:
        _STRINGS.clear()
        _STRINGS[key] = xlsx.load_strings(fmt)
    return validate(read_part(part, fmt, _STRINGS[key], width))
