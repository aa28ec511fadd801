"""Timeline entries written by other apps (e.g. a referral to a partner body), through the engine.

The engine's own actions write their entries themselves; an app whose records concern a case (and that
changes no state, step or deadline of it) adds an entry here, inside its own transaction, after checking
that the actor may. The entry is append-only like every other and shows on the case page; labelled
values go in ``fields`` as ``[[label, text], ...]`` (the case page lists them under the entry).
"""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured

from . import definitions as d
from .models import Case, CaseEvent

#: Action codes the engine writes itself; an app may not impersonate them on the timeline.
RESERVED = frozenset({*d.GENERIC_OPERATIONS, "opened", "overdue", "due_soon"})


def append_event(case: Case, action: str, label: str, *, actor, comment: str = "",
                 fields: list[list[str]] | None = None, data: dict | None = None) -> CaseEvent:
    """Append one entry to the case's timeline (no state change; the case's version is not touched).

    `action` is the app's own code (e.g. "referral"); it may not be one of the engine's operations or a
    transition of the case's process, so the timeline never shows an app's entry as a workflow step.
    """
    if action in RESERVED or any(t.code == action for t in case.definition.transitions):
        raise ImproperlyConfigured(f"{action!r} is a workflow action; choose an app-specific code.")
    payload = dict(data or {})
    if fields:
        payload["fields"] = [[str(label_), str(text)] for label_, text in fields]
    return CaseEvent.objects.create(
        case=case, actor=actor, actor_unit=getattr(actor, "org_unit", None), action=action[:32],
        action_label=str(label)[:60], from_state=case.state, to_state=case.state, comment=comment or "",
        data=payload,
    )
