"""Every change in six-party linkage, one function each, in one transaction, with the case's timeline entry.

Who may: a user holding REFER_CASES (core/roles.py) whose part of the organization holds a unit that
opened or handles the case (a unit with only a filing copy reads but does not act). Partners offered are
those of the user's own part of the tree and of the units above it (a station may refer to the district's
court and to the city's bodies).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from unionserve.core import roles, tree
from unionserve.core.scope import scope_of
from unionserve.workflow.errors import StaleCase
from unionserve.workflow.models import AccessKind, Case, CaseAccess
from unionserve.workflow.timeline import append_event

from . import rules
from .models import Direction, PartnerBody, PartnerKind, Referral, ReferralStatus


class StaleRecord(StaleCase):
    """Someone else changed the record after this user loaded it (HTTP 409 in the API, like a stale case)."""

    def __init__(self):
        ValidationError.__init__(
            self, _("This record was changed by someone else after you opened it. Reload the page and try again."),
            code="stale")


# --- who may ------------------------------------------------------------------------------------


def visible_partners(user) -> QuerySet[PartnerBody]:
    """Partners of the user's part of the tree and of every unit above the user's unit (city, district)."""
    scope = scope_of(user)
    if scope.everything:
        return PartnerBody.objects.all()
    if scope.is_empty:
        return PartnerBody.objects.none()
    above: set[int] = set()
    unit = user.org_unit
    for path in (unit.region_path, unit.industry_path):
        if path:
            above.update(tree.ancestor_ids(path))
    return PartnerBody.objects.filter(scope.q(PartnerBody) | Q(unit_id__in=above))


def may_refer(case: Case, user) -> bool:
    """REFER_CASES, and a unit that opened or handles the case lies in the user's part of the tree."""
    if not user.has_perm(roles.REFER_CASES):
        return False
    scope = scope_of(user)
    if scope.is_empty or getattr(scope, "personal_user_id", None):
        return False
    return scope.filter(CaseAccess.objects.filter(case=case).exclude(kind=AccessKind.FILED)).exists()


def may_edit_partner(partner: PartnerBody | None, user) -> bool:
    """Partners are kept by REFER_CASES holders of the unit they belong to or a unit above it."""
    if not user.has_perm(roles.REFER_CASES):
        return False
    return partner is None or scope_of(user).contains_unit(partner.unit)


def _require_refer(case: Case, user) -> None:
    if not may_refer(case, user):
        raise PermissionDenied(_("Your roles or your part of the organization do not allow referring this case."))


def _partner_for(user, partner: PartnerBody) -> PartnerBody:
    if not visible_partners(user).filter(pk=partner.pk, active=True).exists():
        raise ValidationError(_("Choose an active partner of your area."))
    return partner


def _timeline(referral: Referral, actor, label: str, comment: str = "", *, update: bool = False) -> None:
    """The referral's entry on its case's timeline; an update shows only the partner and what changed."""
    if referral.case is None:
        return
    fields = [[_("Partner"), f"{referral.partner.name}（{referral.partner.get_kind_display()}）"]]
    if not update:
        fields += [[_("Direction"), referral.get_direction_display()],
                   [_("Date"), referral.referred_on.isoformat()]]
    fields.append([_("Status"), referral.get_status_display()])
    if referral.outcome:
        fields.append([_("Outcome"), referral.outcome])
    if referral.outcome_on:
        fields.append([_("Outcome date"), referral.outcome_on.isoformat()])
    if referral.amount is not None:
        fields.append([_("Amount recovered (yuan)"), f"{referral.amount:,.2f}"])
    append_event(referral.case, "referral", label, actor=actor, comment=comment, fields=fields,
                 data={"referral": referral.pk, "partner_kind": referral.partner.kind})
    _notify(referral, actor)


def _notify(referral: Referral, actor) -> None:
    """Tell the other units that opened or handle the case (in-app, in this transaction: the outbox)."""
    from unionserve.notifications.api import notify

    case = referral.case
    assert case is not None  # _timeline tells only the units of a linked case
    units = [a.unit for a in case.access.select_related("unit").exclude(kind=AccessKind.FILED)
             .exclude(unit_id=actor.org_unit_id)]
    if not units:
        return
    reason = f"{referral.partner.name} · {referral.get_direction_display()} · {referral.get_status_display()}"
    notify("linkage.referral", units=list({u.pk: u for u in units}.values()),
           context={"number": case.number, "process": str(case.definition.label), "title": case.title,
                    "unit": actor.org_unit.name, "reason": reason},
           link=reverse("workflow:case", args=[case.number]))


# --- changes ------------------------------------------------------------------------------------


@transaction.atomic
def refer_case(case: Case, *, acting_user, partner: PartnerBody, referred_on: dt.date, reason: str,
               contact: str = "") -> Referral:
    """Refer a case to a partner body (outgoing); the case's timeline shows it."""
    _require_refer(case, acting_user)
    _partner_for(acting_user, partner)
    if not reason.strip():
        raise ValidationError(_("Give the reason for the referral."))
    problem = rules.check_referral_date(referred_on, timezone.localdate(),
                                        timezone.localdate(case.opened_at))
    if problem:
        raise ValidationError(problem)
    referral = Referral.objects.create(
        case=case, unit=acting_user.org_unit, direction=Direction.OUTGOING, partner=partner,
        referred_on=referred_on, reason=reason.strip(), contact=contact.strip(),
        status=rules.initial_status(Direction.OUTGOING), recorded_by=acting_user)
    _timeline(referral, acting_user, _("Referred to a partner (六方联动)"), referral.reason)
    return referral


@transaction.atomic
def receive_referral(*, acting_user, partner: PartnerBody, referred_on: dt.date, reason: str, contact: str = "",
                     case: Case | None = None) -> Referral:
    """Record a referral received from a partner, linked to a case (just opened or existing) or not yet."""
    if not acting_user.has_perm(roles.REFER_CASES):
        raise PermissionDenied(_("Your roles do not include partner referrals."))
    if case is not None:
        _require_refer(case, acting_user)
    _partner_for(acting_user, partner)
    if not reason.strip():
        raise ValidationError(_("Give the reason for the referral."))
    problem = rules.check_referral_date(referred_on, timezone.localdate())
    if problem:
        raise ValidationError(problem)
    referral = Referral.objects.create(
        case=case, unit=acting_user.org_unit, direction=Direction.INCOMING, partner=partner,
        referred_on=referred_on, reason=reason.strip(), contact=contact.strip(),
        status=rules.initial_status(Direction.INCOMING), recorded_by=acting_user)
    _timeline(referral, acting_user, _("Received from a partner (六方联动)"), referral.reason)
    return referral


@transaction.atomic
def receive_and_open(*, acting_user, process: str, title: str, subject_name: str = "",
                     opening_data: dict | None = None, partner: PartnerBody, referred_on: dt.date, reason: str,
                     contact: str = "") -> Referral:
    """Record a referral received from a partner and open a case of `process` for it, through the engine's
    public opening path (the process's own intake effect runs). Both or neither: one transaction."""
    from unionserve.workflow import actions as workflow_actions

    if not acting_user.has_perm(roles.REFER_CASES):
        raise PermissionDenied(_("Your roles do not include partner referrals."))
    case = workflow_actions.open_case(process, actor=acting_user, title=title, subject_name=subject_name,
                                      data=opening_data or {}, comment=reason)
    return receive_referral(acting_user=acting_user, partner=partner, referred_on=referred_on, reason=reason,
                            contact=contact, case=case)


def _lock(referral: Referral, version: int) -> Referral:
    if not Referral.objects.filter(pk=referral.pk, version=version).update(version=F("version") + 1):
        raise StaleRecord()
    referral.refresh_from_db()
    return referral


@transaction.atomic
def record_outcome(referral: Referral, *, acting_user, version: int, status: str, outcome: str = "",
                   outcome_on: dt.date | None = None, amount: Decimal | None = None) -> Referral:
    """Move a referral on (in progress, concluded, declined) with its outcome; refused if it changed meanwhile."""
    if referral.case is not None:
        _require_refer(referral.case, acting_user)
    elif not acting_user.has_perm(roles.REFER_CASES):
        raise PermissionDenied(_("Your roles do not include partner referrals."))
    if referral.version != version:
        raise StaleRecord()
    problem = rules.check_outcome(referral.status, status, outcome=outcome or "", outcome_on=outcome_on,
                                  referred_on=referral.referred_on, today=timezone.localdate(), amount=amount)
    if problem:
        raise ValidationError(problem)
    referral = _lock(referral, version)
    referral.status = status
    referral.outcome = (outcome or "").strip()
    referral.outcome_on = outcome_on
    referral.amount = amount
    referral.save(update_fields=["status", "outcome", "outcome_on", "amount", "updated_at"])
    _timeline(referral, acting_user, _("Partner referral: %(status)s") % {"status": referral.get_status_display()},
              update=True)
    return referral


@transaction.atomic
def link_case(referral: Referral, *, acting_user, version: int, case: Case) -> Referral:
    """Link an incoming referral recorded on its own to the case opened or found for it."""
    _require_refer(case, acting_user)
    if referral.case is not None:
        raise ValidationError(_("This referral is already linked to case %(number)s.") % {
            "number": referral.case.number})
    referral = _lock(referral, version)
    if referral.case_id is not None:
        raise StaleRecord()
    referral.case = case
    referral.save(update_fields=["case", "updated_at"])
    _timeline(referral, acting_user, _("Received from a partner (六方联动)"), referral.reason)
    return referral


PARTNER_FIELDS = ("kind", "name", "unit", "contact_person", "phone", "address", "active")


@transaction.atomic
def save_partner(partner: PartnerBody | None, *, acting_user, version: int | None = None, **values) -> PartnerBody:
    """Add a partner body, or change one (refused if it changed since `version`)."""
    unit = values.get("unit") or (partner.unit if partner else None)
    if not may_edit_partner(partner, acting_user) or unit is None or not scope_of(acting_user).contains_unit(unit):
        raise PermissionDenied(_("Partners are kept by the unit they belong to or a unit above it."))
    if values.get("kind") not in PartnerKind.values:
        raise ValidationError(_("Choose the kind of partner."))
    if not str(values.get("name", "")).strip():
        raise ValidationError(_("Give the partner's name."))
    clash = PartnerBody.objects.filter(unit=unit, name=values["name"].strip())
    if partner is not None:
        clash = clash.exclude(pk=partner.pk)
    if clash.exists():
        raise ValidationError(_("%(unit)s already has a partner named %(name)s.") % {
            "unit": unit.name, "name": values["name"].strip()})
    if partner is None:
        partner = PartnerBody()
    else:
        if version is None or partner.version != version:
            raise StaleRecord()
        if not PartnerBody.objects.filter(pk=partner.pk, version=version).update(version=F("version") + 1):
            raise StaleRecord()
        partner.version = version + 1
    for name in PARTNER_FIELDS:
        if name in values:
            value = values[name]
            setattr(partner, name, value.strip() if isinstance(value, str) else value)
    partner.save()
    return partner


__all__ = ["refer_case", "receive_referral", "receive_and_open", "record_outcome", "link_case", "save_partner",
           "may_refer", "visible_partners", "StaleRecord", "ReferralStatus"]
