"""Claims' actions: the process's hooks (run by the engine inside `perform`) and the changes pages make.

The engine is the only writer of cases; the hooks here write the claim's own row inside the engine's
transaction: the station's collection (`create_claim`), the district's signature (`on_sign`), the office's
decision with the policy versions used and the payment asked for (`on_approve`, `on_refuse`), the bank's
payment (`on_paid`). `collect_claim` opens a case for a member picked from the register, `record_documents`
ticks the checklist, `settle` reacts to the bank's answer (`payouts.public.payment_settled`).
"""

from __future__ import annotations

import datetime as dt
import logging
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from unionserve.accounts.models import User
from unionserve.audit import log as audit
from unionserve.core.roles import Role
from unionserve.core.text import strip_text
from unionserve.members import public as members
from unionserve.orgs.models import OrgUnit, UnitStatus
from unionserve.payouts import public as payouts
from unionserve.workflow import actions as engine
from unionserve.workflow import timeline
from unionserve.workflow.errors import ActionRefused

from . import claims_rules as rules
from .models import DOCUMENTS_BY_TYPE, Claim, ClaimType, RefusalReason

log = logging.getLogger(__name__)

PROCESS = "mutualaid_claim"
PURPOSE = "mutualaid.claim"
#: Seed 003's SMS (医疗互助: "您好，……互助金已打入您的京卡·互助服务卡，请注意查收。祝您幸福安康！"), naming this plan.
SMS_TEXT = ("您好，在职职工非工伤意外及家财火灾损失互助保障计划互助金已打入您的京卡·互助服务卡，"
            "请注意查收。祝您幸福安康！")


def source_key(claim: Claim) -> str:
    """The payment's source: one payment per claim, never two."""
    return f"mutualaid:claim:{claim.pk}"


def claim_of(case) -> Claim:
    return Claim.objects.select_related("member").get(case=case)


# --- where the claim goes ------------------------------------------------------------------------


def insurance_office() -> OrgUnit | None:
    """The city's mutual-insurance office (互助保险北京办事处): the level-1 unit whose staff hold the office's role."""
    return (OrgUnit.objects.filter(status=UnitStatus.ACTIVE, level=1, users__is_active=True,
                                   users__role_grants__role=Role.MUTUAL_INSURANCE)
            .order_by("code").distinct().first())


def to_insurance_office(case, data: dict) -> OrgUnit:
    """`unit_from` of the district's signature: the claim goes to the office, not to the district's parent."""
    office = insurance_office()
    if office is None:
        raise ActionRefused(_("No mutual-insurance office has a user on the platform yet; the claim cannot be sent."))
    return office


# --- opening ---------------------------------------------------------------------------------------


def _parse_documents(raw) -> list[str]:
    items = raw if isinstance(raw, (list, tuple)) else str(raw or "").replace("，", ",").split(",")
    return [s for s in dict.fromkeys(strip_text(str(i)) for i in items) if s]


def create_claim(case, data: dict, actor) -> Claim:
    """Opening effect: the claim's own row, after checking the member, the date, the plan and the one-per-event rule."""
    member = members.get_member(data.get("member"), user=actor)
    if member is None:
        raise ActionRefused(_("Pick the member from the register of your station."))
    claim_type = str(data.get("claim_type") or "")
    try:
        day = data["event_date"] if isinstance(data.get("event_date"), dt.date) else \
            dt.date.fromisoformat(str(data.get("event_date") or "").strip())
    except ValueError:
        raise ActionRefused(_("Event date: give a date as YYYY-MM-DD.")) from None
    try:
        rules.check_event_date(day, timezone.localdate())
    except ValueError as exc:
        raise ActionRefused(str(exc)) from None
    documents = _parse_documents(data.get("documents"))
    unknown = set(documents) - set(DOCUMENTS_BY_TYPE.get(claim_type, ()))
    if unknown:
        raise ActionRefused(_("These documents are not on the checklist of this claim type: %(items)s.")
                            % {"items": ", ".join(sorted(unknown))})
    grade = data.get("disability_grade")
    grade = int(grade) if grade not in (None, "") else None
    if claim_type == ClaimType.DISABILITY and grade is None:
        raise ActionRefused(_("Give the disability grade (1 to 10) from the assessment."))
    loss = None
    if claim_type == ClaimType.FIRE:
        try:
            loss = rules.parse_amount(data.get("assessed_loss"), _("Assessed loss"))
        except ValueError as exc:
            raise ActionRefused(str(exc)) from None
    existing = Claim.objects.filter(member=member, claim_type=claim_type, event_date=day).select_related("case").first()
    if existing is not None:
        raise ActionRefused(_("%(member)s already has a claim for this event (%(type)s on %(day)s): case %(number)s. "
                              "One claim is made per person and event.")
                            % {"member": member.name, "type": existing.get_claim_type_display(), "day": day,
                               "number": existing.case.number})
    ok, why = rules.eligibility(member.pk, day)
    if not ok:
        raise ActionRefused(_("%(member)s was not covered by the accident and fire-loss plan on %(day)s: %(why)s.")
                            % {"member": member.name, "day": day, "why": why})
    try:
        with transaction.atomic():
            return Claim.objects.create(
                case=case, member=member, claim_type=claim_type, event_date=day,
                event_summary=strip_text(str(data.get("event_summary") or ""))[:2000], station=actor.org_unit,
                documents=documents, disability_grade=grade if claim_type == ClaimType.DISABILITY else None,
                assessed_loss=loss)
    except IntegrityError:
        # Filed at the same moment by a colleague: the constraint stands.
        raise ActionRefused(_("This member already has a claim for this event; one claim is made per person and "
                              "event.")) from None


@transaction.atomic
def collect_claim(*, acting_user, member_id: int, claim_type: str, event_date: dt.date, event_summary: str,
                  documents: list[str], disability_grade: int | None = None, assessed_loss: Decimal | str | None = None,
                  files=None, request=None):
    """Open a claim case at the station for a member of its register (the engine audits the opening)."""
    member = members.get_member(member_id, user=acting_user)
    if member is None:
        raise ActionRefused(_("Pick the member from the register of your station."))
    data = {"member": str(member.pk), "claim_type": claim_type, "event_date": event_date.isoformat(),
            "event_summary": event_summary, "documents": ",".join(documents),
            "disability_grade": disability_grade if disability_grade is not None else "",
            "assessed_loss": str(assessed_loss) if assessed_loss not in (None, "") else ""}
    title = _("%(type)s claim of %(member)s") % {"type": ClaimType(claim_type).label, "member": member.name}
    return engine.open_case(PROCESS, actor=acting_user, title=title, subject_name=member.name, data=data,
                            files=files, request=request)


@transaction.atomic
def record_documents(claim: Claim, *, acting_user, documents: list[str], request=None) -> Claim:
    """The station ticks the documents it has collected (while the claim is at the station)."""
    claim = Claim.objects.select_for_update().get(pk=claim.pk)
    if claim.case.state != "collected" or acting_user.org_unit_id != claim.station_id:
        raise ActionRefused(_("Documents are recorded by the station while it holds the claim."))
    chosen = _parse_documents(documents)
    unknown = set(chosen) - set(DOCUMENTS_BY_TYPE[claim.claim_type])
    if unknown:
        raise ActionRefused(_("These documents are not on the checklist of this claim type: %(items)s.")
                            % {"items": ", ".join(sorted(unknown))})
    before = list(claim.documents)
    claim.documents = chosen
    claim.save(update_fields=["documents"])
    audit.record("claim_documents", actor=acting_user, request=request, obj=claim.case,
                 unit=acting_user.org_unit,
                 detail={"case": claim.case.number, "before": before, "after": chosen})
    # On the case's timeline too, so the district sees when the checklist was completed.
    timeline.append_event(claim.case, "claim_documents", _("Documents recorded."), actor=acting_user,
                          data={"documents": chosen})
    return claim


# --- guards and effects of the transitions ---------------------------------------------------------


def guard_complete(case, data: dict) -> str | None:
    """The station sends a claim up only with every document of its checklist."""
    claim = claim_of(case)
    missing = claim.missing_documents
    if missing:
        from .models import Document

        return _("Collect these documents before sending the claim: %(items)s.") % {
            "items": "、".join(str(Document(d).label) for d in missing)}
    return None


def on_sign(case, data: dict, actor) -> None:
    claim = claim_of(case)
    claim.district_opinion = strip_text(str(data.get("opinion") or ""))[:2000]
    claim.signed_at = timezone.now()
    claim.save(update_fields=["district_opinion", "signed_at"])


def limit_of(claim: Claim) -> rules.Limit:
    """The most this claim may be paid, from the plan versions in force on its event date."""
    return rules.cap_for(claim.claim_type, claim.event_date, grade=claim.disability_grade,
                         assessed_loss=claim.assessed_loss)


def guard_amount(case, data: dict) -> str | None:
    """The amount is within the cap of the plan version in force on the event date."""
    claim = claim_of(case)
    try:
        amount = rules.parse_amount(data.get("amount"), _("Amount paid"))
        limit = limit_of(claim)
    except ValueError as exc:
        return str(exc)
    if amount > limit.amount:
        return _("%(amount)s yuan is above the most this claim may be paid: %(limit)s yuan (%(why)s, the plan in force "
                 "on %(day)s).") % {"amount": amount, "limit": limit.amount, "why": limit.explanation,
                                    "day": claim.event_date}
    data["amount"] = str(amount)
    return None


def on_approve(case, data: dict, actor) -> None:
    """Record the decision with the policy versions used and ask payouts to pay the member's card."""
    claim = claim_of(case)
    limit = limit_of(claim)
    claim.amount = Decimal(str(data["amount"]))
    claim.policy_record = {**limit.records, "limit": str(limit.amount), "explanation": limit.explanation}
    claim.decided_at = timezone.now()
    claim.decided_by = actor
    claim.payment_requested_at = claim.decided_at
    claim.save(update_fields=["amount", "policy_record", "decided_at", "decided_by", "payment_requested_at"])
    payouts.request_payment(source_key=source_key(claim), purpose=PURPOSE, member_id=claim.member_id,
                            amount=claim.amount, reference=case.number, sms_text=SMS_TEXT, user=actor)


def on_refuse(case, data: dict, actor) -> None:
    claim = claim_of(case)
    reason = str(data.get("reason") or RefusalReason.OTHER)
    claim.refusal_reasons = [reason]
    claim.refusal_text = strip_text(str(data.get("explanation") or ""))[:2000]
    claim.decided_at = timezone.now()
    claim.decided_by = actor
    claim.save(update_fields=["refusal_reasons", "refusal_text", "decided_at", "decided_by"])


def guard_paid(case, data: dict) -> str | None:
    """The case moves to paid only on the bank's answer."""
    payment = payouts.payment_for(source_key(claim_of(case)))
    if payment is None or payment.status != payouts.PaymentStatus.PAID:
        return _("The bank has not yet paid this claim to the member's card.")
    return None


def on_paid(case, data: dict, actor) -> None:
    claim = claim_of(case)
    payment = payouts.payment_for(source_key(claim))
    claim.paid_on = (payment.paid_on if payment and payment.paid_on else timezone.localdate())
    claim.save(update_fields=["paid_on"])


# --- the bank's answer -----------------------------------------------------------------------------


def _office_actor(case, payment) -> User | None:
    """Who records the bank's payment: the officer who asked for it, else an active officer of the paying step."""
    step = case.steps.filter(is_open=True, state="pay").first()
    if step is None:
        return None
    candidates = [payment.requested_by, *User.objects.filter(org_unit_id=step.unit_id, is_active=True,
                                                              role_grants__role=Role.MUTUAL_INSURANCE)
                  .order_by("pk")]
    for user in candidates:
        if user.is_active and user.org_unit_id == step.unit_id and user.has_role(Role.MUTUAL_INSURANCE):
            return user
    return None


def settle(payment) -> Claim | None:
    """React to the bank's answer for a claim's payment: paid moves the case to paid, failed notes it."""
    if payment.purpose != PURPOSE or not payment.source_key.startswith("mutualaid:claim:"):
        return None
    claim = Claim.objects.select_related("case").filter(pk=payment.source_key.rsplit(":", 1)[-1]).first()
    if claim is None:
        log.warning("payment %s names no claim", payment.source_key)
        return None
    case = claim.case
    if payment.status == payouts.PaymentStatus.FAILED:
        timeline.append_event(case, "payment_failed", _("Payment failed at the bank"), actor=None,
                              comment=payment.failure_reason or "",
                              data={"payment": payment.pk, "reason": payment.failure_reason})
        return claim
    if payment.status != payouts.PaymentStatus.PAID or case.state != "pay":
        return claim
    actor = _office_actor(case, payment)
    if actor is None:
        timeline.append_event(case, "payment_paid", _("Paid to the card (no officer could record it)"), actor=None,
                              data={"payment": payment.pk})
        return claim
    engine.perform(case, "record_paid", actor=actor, data={"comment": _("Paid to the card by the bank.")})
    claim.refresh_from_db()
    return claim
