"""Every change of served visits: a swipe file imported, an activity held, a member signed in.

One function each, keyword-only ``acting_user``, in one transaction with its audit row. Pages and the API call
these same functions.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from pathlib import Path

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from unionserve.audit.log import record
from unionserve.cards.public import card_by_number
from unionserve.core.scope import scope_of
from unionserve.members.public import find_member, get_member
from unionserve.orgs.models import OrgUnit

from . import importing, public
from .models import Activity, SignIn, SwipeImport, VisitKind

#: Audit actions of this app (codes of the audit log's action column; see the report for their labels).
SWIPES_IMPORTED = "visits_imported"
ACTIVITY_CREATED = "visits_activity"
MEMBER_SIGNED_IN = "visits_signed_in"

MAX_NAME = 120
#: An activity is recorded at most this many days ahead or back (a bounded input, not a rule of the seeds).
ACTIVITY_DAYS = 366


class VisitRefused(ValueError):
    """An action refused with a message for the user."""


def import_swipes(*, uploaded, original_name: str, acting_user) -> SwipeImport:
    """Import a swipe file (an uploaded file or any binary file object): the visits and the import's record."""
    unit = getattr(acting_user, "org_unit", None)
    if unit is None:
        raise VisitRefused(_("Your account has no unit: it cannot import."))
    handle, name = tempfile.mkstemp(prefix="unionserve-swipes-")
    path = Path(name)
    try:
        with os.fdopen(handle, "wb") as out:
            chunks = uploaded.chunks() if hasattr(uploaded, "chunks") else iter(lambda: uploaded.read(1 << 20), b"")
            for chunk in chunks:
                out.write(chunk)
        return import_file(path, original_name=original_name, acting_user=acting_user)
    finally:
        path.unlink(missing_ok=True)


def import_file(path: Path, *, original_name: str, acting_user) -> SwipeImport:
    """Import a swipe file from disk (the page through `import_swipes`, the command and the benchmark)."""
    with transaction.atomic():
        imp = SwipeImport.objects.create(original_name=(original_name or path.name)[:200],
                                         checksum=importing.checksum(path), unit=acting_user.org_unit,
                                         imported_by=acting_user)
        importing.run(imp, path, scope_of(acting_user))
        imp.save()
        record(SWIPES_IMPORTED, actor=acting_user, obj=imp, unit=imp.unit, detail={
            "file": imp.original_name, "sha256": imp.checksum, "rows": imp.rows, "visits_added": imp.visits_added,
            "already_counted": imp.already_counted, "error_rows": imp.error_rows, "reason": imp.refused})
    return imp


def create_activity(*, name: str, day: dt.date, unit: OrgUnit, project_code: str = "", acting_user) -> Activity:
    """An activity held by `unit` (in the user's scope) on `day`, optionally under a service project."""
    name = (name or "").strip()
    project_code = (project_code or "").strip()
    if not name or len(name) > MAX_NAME:
        raise VisitRefused(_("Give the activity a name of at most %(n)d characters.") % {"n": MAX_NAME})
    today = timezone.localdate()
    if abs((day - today).days) > ACTIVITY_DAYS:
        raise VisitRefused(_("The date must be within a year of today."))
    if project_code and not importing.CODE_RE.match(project_code):
        raise VisitRefused(_("Not a merchant or project code (letters, digits, - _ . up to 40)."))
    if not scope_of(acting_user).contains_unit(unit):
        raise VisitRefused(_("Choose a unit in your scope."))
    with transaction.atomic():
        activity = Activity.objects.create(name=name, day=day, unit=unit, project_code=project_code,
                                           created_by=acting_user)
        record(ACTIVITY_CREATED, actor=acting_user, obj=activity, unit=unit,
               detail={"name": name, "date": day.isoformat(), "code": project_code})
    return activity


def sign_in(activity: Activity, *, card_number: str = "", id_number: str = "", acting_user) -> SignIn:
    """Sign a member in at the activity by card number or ID number (in the user's scope): one served visit."""
    card_number, id_number = (card_number or "").strip(), (id_number or "").strip()
    if activity.day > timezone.localdate():
        raise VisitRefused(_("Members sign in on the day of the activity, not before."))
    member = None
    if card_number:
        card = card_by_number(card_number)
        member = get_member(card.member_id, user=acting_user) if card is not None else None
        if card is None or member is None:
            raise VisitRefused(_("No member of your scope holds this card."))
        if not (card.valid_from and card.valid_from <= activity.day
                and (card.valid_until is None or activity.day <= card.valid_until)):
            raise VisitRefused(_("The card was not valid on %(day)s.") % {"day": activity.day})
    elif id_number:
        member = find_member(id_number=id_number, user=acting_user)
        if member is None:
            raise VisitRefused(_("No member of your scope has this ID number."))
    else:
        raise VisitRefused(_("Give the card number or the ID number."))
    try:
        with transaction.atomic():
            entry = SignIn.objects.create(activity=activity, member=member, by=acting_user)
            public.record_visit(member_id=member.pk, day=activity.day, service=activity.service,
                                kind=VisitKind.SIGN_IN, source=f"activity:{activity.pk}")
            record(MEMBER_SIGNED_IN, actor=acting_user, obj=activity, unit=activity.unit,
                   detail={"name": activity.name, "member": member.pk})
    except IntegrityError:
        raise VisitRefused(_("%(name)s has already signed in.") % {"name": member.name}) from None
    return entry
