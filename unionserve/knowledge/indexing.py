"""The index of past answered requests, fed by the hotline when a request's answer is archived.

The hotline calls `record_answer` inside its own transaction; calling it again for the same request (an
answer corrected, a request reopened and answered again) updates the row instead of adding one. The texts
are shown to every agent and service window as "similar requests", so mobile and ID numbers are masked
before they are stored.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction

from unionserve.pii import mask_text

from .models import AnsweredQuestion


def redact(text: str) -> str:
    """Mask mobile and ID numbers: 13812345678 → 138****5678, an ID number → its first 6 and last 4 digits."""
    return mask_text(text)


def index_archived_answer(sender, *, source_id: int, case_number: str, question: str, answer: str,
                          category_id: int | None, answered_at: dt.datetime, **kwargs) -> None:
    """Receiver of the 12351 platform's `answer_archived`: index the answer."""
    record_answer(source_id=source_id, case_number=case_number, question=question, answer=answer,
                  category_id=category_id, answered_at=answered_at)


def record_answer(*, source_id: int, case_number: str, question: str, answer: str, category_id: int | None,
                  answered_at: dt.datetime) -> None:
    """Add or update (same ``source_id``) the answered request in the index of similar requests."""
    values = {
        "case_number": (case_number or "")[:40],
        "question": redact(question).strip(),
        "answer": redact(answer).strip(),
        "category_id": int(category_id) if category_id else None,
        "answered_at": answered_at,
    }
    row = AnsweredQuestion.objects.filter(source_id=source_id).first()
    if row is None:
        try:
            with transaction.atomic():
                AnsweredQuestion(source_id=source_id, **values).save()
            return
        except IntegrityError:
            # Recorded at the same moment by another request: update that row instead.
            row = AnsweredQuestion.objects.get(source_id=source_id)
    changed = [name for name, value in values.items() if getattr(row, name) != value]
    if changed:
        for name in changed:
            setattr(row, name, values[name])
        row.save(update_fields=changed)


def forget_answer(source_id: int) -> bool:
    """Remove a request from the index (e.g. it was recorded by mistake); True if there was one."""
    deleted, _ = AnsweredQuestion.objects.filter(source_id=source_id).delete()
    return bool(deleted)
