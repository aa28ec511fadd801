"""Every change the 12351 platform makes, one function each; pages, the API, the portal and the demo call them.

- `take_request`: a request comes in (workbench, window, portal, CTI API): the caller's personal data sealed by
  ``unionserve.pii``, the member identified (city-wide only for the platform, HANDLE_HOTLINE; in scope for
  everybody else), the case opened on the engine and — when the intake says so — answered, referred or
  dispatched, all in one transaction. The engine's timeline records it.
- `act_on_request`: answer, refer, dispatch, feedback, callback, close … — the engine's actions on the
  request's case, refused unless the user may take that action now.
- `save_category`: add or change a category (version check), audited.
- `rate_request`: the caller's own rating on the portal (the first rating counts).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from unionserve import pii
from unionserve.audit.log import record
from unionserve.audit.models import AuditAction
from unionserve.members.public import get_member, identify_caller
from unionserve.workflow import actions as engine
from unionserve.workflow.errors import ActionRefused
from unionserve.workflow.models import Case
from unionserve.workflow.permissions import actions_for

from .effects import REQUEST_KEY
from .models import Category, HotlineRequest, Satisfaction, SatisfactionSource
from .services import PROCESS_OF_KIND, Intake, clean_intake, is_portal, new_tracking_code, one_line


class StaleCategory(ActionRefused):
    """The category changed since the form was loaded."""


def take_request(intake: Intake, *, acting_user) -> HotlineRequest:
    """Register a request and open its case; answer, refer or dispatch at once when the intake says so.

    All of it or nothing: a refused dispatch leaves no request behind. Checking the intake, finding the member
    and sealing the caller's data happen before the write transaction, so SQLite's one write lock is held
    only while the case is written (the CTI sends requests from 40 seats at once). A member given by id
    (a form, the API) must be in the user's scope; one not given is identified from the caller's ID number
    or mobile — city-wide for the platform's agents, in scope for a window (a station finds its own members).
    """
    intake = clean_intake(intake)
    if intake.member_id is not None:
        intake.member = get_member(intake.member_id, user=acting_user)
        if intake.member is None:
            raise ActionRefused(_("No member %(id)s in your part of the organization.") % {"id": intake.member_id})
    if intake.member is None:
        intake.member = identify_caller(phone=intake.caller_phone, id_number=intake.caller_id_number,
                                        user=acting_user)
    if intake.units and not intake.filed_units:
        # Pre-filled as on the page: the filing copies the rule requires (seed 000 §四.1(1)); the dispatch's
        # guard refuses a list given without them.
        from unionserve.orgs.models import OrgUnit

        from .routing import required_filing

        units = list(OrgUnit.objects.filter(code__in=intake.units).select_related("region_parent"))
        intake.filed_units = [u.code for u in required_filing(units, intake.member)]
    now = timezone.now()
    request = HotlineRequest(
        kind=intake.kind, channel=intake.channel, category=intake.category, description=intake.description,
        caller_name=intake.caller_name, member=intake.member, received_at=now,
        received_by=acting_user if getattr(acting_user, "is_authenticated", False)
        and not is_portal(acting_user) else None,
        received_unit=acting_user.org_unit, tracking_code=new_tracking_code(),
        **pii.seal_phone(intake.caller_phone).columns("caller_phone"),
        **pii.seal_id_number(intake.caller_id_number).columns("caller_id"),
    )
    title = f"{intake.category.name}：{one_line(intake.description)}"
    with transaction.atomic():
        for _attempt in range(3):
            try:
                with transaction.atomic():
                    case = engine.open_case(PROCESS_OF_KIND[intake.kind], actor=acting_user, title=title,
                                            channel=intake.channel, subject_name=intake.caller_name,
                                            data={REQUEST_KEY: request, "category": intake.category.code,
                                                  "kind": intake.kind}, comment=intake.comment)
                break
            except IntegrityError:
                # A tracking-code collision (1 in 10^14 per pair): draw another one.
                request.pk = None
                request.tracking_code = new_tracking_code()
        else:  # pragma: no cover - three collisions in a row
            raise ActionRefused(_("Could not register the request; try again."))
        if intake.answer.strip():
            case = engine.perform(case, "answer", actor=acting_user, data={"answer": intake.answer})
        elif intake.refer_to:
            case = engine.perform(case, "refer", actor=acting_user, data={"units": ",".join(intake.refer_to),
                                                                          "comment": intake.comment})
        elif intake.units:
            case = engine.perform(case, "dispatch", actor=acting_user, data={
                "units": ",".join(intake.units), "filed_units": ",".join(intake.filed_units),
                "comment": intake.comment})
    # The effects of answer/dispatch saved the request through their own instance: reply with the saved state
    # (answer, answered_at, resolved …), not the one prepared before the case moved on.
    request.refresh_from_db()
    request.case = case
    return request


def act_on_request(item: HotlineRequest, action: str, *, acting_user, data: dict | None = None,
                   version: int | None = None, step_id: int | None = None) -> Case:
    """One of the engine's actions on the request's case (answer, refer, dispatch, feedback, callback, close,
    redo, urge …), if the user may take it now; the engine writes the timeline in its transaction."""
    if not any(spec.code == action for spec in actions_for(item.case, acting_user)):
        raise PermissionDenied(_("You cannot take this action on this request now."))
    return engine.perform(item.case, action, actor=acting_user, data=data or {}, version=version, step_id=step_id)


def _category_state(category: Category) -> dict:
    return {"code": category.code, "name": category.name, "active": category.active,
            "parent": category.parent_id, "default_unit": category.default_unit_id,
            "default_level": category.default_level}


@transaction.atomic
def save_category(category: Category, *, acting_user, expected_version: int | None = None, request=None) -> Category:
    """Add `category` (unsaved) or store the changes made to it, if nobody changed it since `expected_version`.

    Raises StaleCategory when another editor saved it meanwhile; writes CATEGORY_CHANGED with before/after.
    """
    before = {}
    category.updated_at = timezone.now()
    if category.pk:
        stored = Category.objects.select_for_update().get(pk=category.pk)
        before = _category_state(stored)
        sent = expected_version or 0
        updated = Category.objects.filter(pk=category.pk, version=sent).update(
            parent=category.parent, code=category.code, name=category.name, sort_order=category.sort_order,
            active=category.active, default_unit=category.default_unit, default_level=category.default_level,
            updated_at=category.updated_at, version=sent + 1)
        if not updated:
            raise StaleCategory(_("Someone else changed this category meanwhile. Reload and try again."))
        category.version = sent + 1
    else:
        category.save()
    record(AuditAction.CATEGORY_CHANGED, actor=acting_user, request=request, obj=category,
           unit=getattr(acting_user, "org_unit", None), detail={"before": before, "after": _category_state(category)})
    return category


@transaction.atomic
def rate_request(item: HotlineRequest, satisfaction: str, reason: str = "", *, acting_user=None) -> bool:
    """The caller's rating from the portal (nobody is logged in: `acting_user` is None); only the first rating
    counts, so a double submit changes nothing. The rating, its source and time are kept on the request
    itself, which is its record. True if this rating was stored."""
    if satisfaction not in Satisfaction.values:
        raise ActionRefused(_("Choose how satisfied you are."))
    reason = reason.strip() if satisfaction == Satisfaction.UNSATISFIED else ""
    return bool(HotlineRequest.objects.filter(pk=item.pk, satisfaction="").update(
        satisfaction=satisfaction, satisfaction_reason=reason, satisfaction_source=SatisfactionSource.PORTAL,
        rated_at=timezone.now()))
