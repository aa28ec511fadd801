"""The audit log's details as labelled, readable fields (not the raw JSON an action stored).

Actions record their details as small dicts with short English keys (`{"case": "SW…", "changed": [...]}`);
the auditor's page shows each as "label: value" in the user's language. Every key an action writes has a
label here (`audit/tests/test_display.py` reads the actions' source and fails on a key without one).
"""

from __future__ import annotations

from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

#: The longest value shown in the table; the export keeps everything.
MAX_TEXT = 200
#: How many items of a list are shown before "…".
MAX_ITEMS = 12

LABELS: dict[str, str | Promise] = {
    "action": _("Action"), "after": _("After"), "before": _("Before"),
    "cancelled_messages": _("Messages cancelled"), "case": _("Case number"), "change": _("Change"),
    "changed": _("Changed"), "code": _("Code"), "computed": _("Computed result"), "count": _("Count"),
    "criteria": _("Criteria"), "created": _("Created"), "date": _("Date"), "days": _("Days"),
    "detail": _("Detail"), "document": _("Document"), "effective_from": _("Effective from"),
    "end": _("End"), "event": _("Event"), "field": _("Field"), "fields": _("Fields"), "file": _("File"),
    "filled": _("Filled in"), "filter": _("Filter"), "from_employer": _("From employer"),
    "from_unit": _("From unit"), "group": _("Special group"), "id": _("Record number"), "ids": _("Record numbers"),
    "import_job": _("Import"), "items": _("Items"), "job": _("Import"), "kept": _("Kept"), "key": _("Parameter"),
    "kind": _("Kind"), "member": _("Member"), "merged": _("Merged"), "merged_id": _("Merged record number"),
    "merged_name": _("Merged name"), "mode": _("Mode"), "model": _("Record type"), "moved": _("Moved"),
    "name": _("Name"), "note": _("Note"), "override": _("Override"), "policy": _("Policy"),
    "process": _("Process"), "queued": _("Queued"), "rate_per_minute": _("Messages per minute"),
    "retention_days": _("Kept for (days)"), "files": _("Files"), "by": _("By"),
    "reason": _("Reason"), "recipients": _("Recipients"), "reminded": _("Reminded"), "replaced": _("Replaced"),
    "report": _("Report"), "role": _("Role"), "rows": _("Rows"), "sample_size": _("Sample size"),
    "seed": _("Random seed"), "sha256": _("SHA-256 checksum"), "source": _("Source"), "start": _("Start"),
    "status": _("Status"), "step": _("Step"), "template": _("Template"), "text": _("Text"), "title": _("Title"),
    "to_employer": _("To employer"), "to_unit": _("To unit"), "token": _("Token"), "transferred": _("Transferred"),
    "unchanged": _("Unchanged"), "unit": _("Org unit"), "unit_kind": _("Sampled per"), "units": _("Units"),
    "updated": _("Updated"), "value": _("Value"), "version": _("Version"), "what": _("What"),
    "without_phone": _("Without a phone"), "year": _("Year"),
    # Card payouts (payouts app).
    "batch": _("Batch"), "purpose": _("Purpose"), "total": _("Total (yuan)"), "held": _("Held"),
    "resumed": _("Resumed"), "paid": _("Paid"), "failed": _("Failed"),
    "visits_added": _("Visits added"), "already_counted": _("Already counted"), "error_rows": _("Rows with errors"),
    # The Jingka card (cards app).
    "card": _("Card"), "issued": _("Issued"), "refused": _("Refused"),
    "new_card": _("New card"), "problem": _("Card problem"),
}


def label(key: str) -> str:
    """The key's label in the user's language; an unknown key is shown as written."""
    text = LABELS.get(key)
    return str(text) if text is not None else key


def value_text(value: Any) -> str:
    """A value as a person reads it: yes/no, lists joined, nested fields labelled, long text cut."""
    if value is None or value == "":
        text = "—"
    elif isinstance(value, bool):
        text = gettext("Yes") if value else gettext("No")
    elif isinstance(value, dict):
        text = "；".join(f"{label(str(k))}：{value_text(v)}" for k, v in value.items()) or "—"
    elif isinstance(value, list | tuple):
        shown = [value_text(v) for v in value[:MAX_ITEMS]]
        text = "、".join(shown) + ("…" if len(value) > MAX_ITEMS else "") if shown else "—"
    else:
        text = str(value)
    return text if len(text) <= MAX_TEXT else text[:MAX_TEXT] + "…"


def readable(detail: Any) -> list[tuple[str, str]]:
    """(label, value) pairs of an event's detail, in the order the action wrote them."""
    if not detail:
        return []
    if not isinstance(detail, dict):
        return [(label("detail"), value_text(detail))]
    return [(label(str(key)), value_text(value)) for key, value in detail.items()]
