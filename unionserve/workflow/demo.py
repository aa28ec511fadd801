"""Demo data helpers: the engine's rows changed for a demonstration, never by a user's action.

The demo commands of the area apps build their cases through `actions.open_case` and `actions.perform`
like everyone else; what only a demo needs (a case that is already overdue today) is done here, so that
no module outside the engine writes cases or steps.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from .models import Case, Step


@transaction.atomic
def backdate(case: Case, *, opened_at: dt.datetime, due_at: dt.datetime, state: str) -> None:
    """Move the case's opening and its open steps in `state` to `opened_at`, due at `due_at` (demo data only)."""
    Step.objects.filter(case=case, is_open=True, state=state).update(created_at=opened_at, due_at=due_at)
    Case.objects.filter(pk=case.pk).update(opened_at=opened_at, due_at=due_at)
