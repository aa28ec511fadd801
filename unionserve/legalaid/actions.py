"""Every change to legal-aid data: intake, the eligibility screen, assignment, and the process effects.

State changes of a case go through the engine (`workflow.actions.perform`); the functions here add what
only legal aid knows, inside the same transaction, and write the audit log. Nothing here writes cases,
steps or case access: who holds a step (the assigned lawyer) is a hook of the process definition
(`lawyer_login`), which the engine calls.
"""

from __future__ import annotations

import logging
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from unionserve.audit.log import record
from unionserve.audit.models import AuditAction
from unionserve.core.text import lines_of, strip_text
from unionserve.core.validators import InvalidValue, validate_uscc
from unionserve.pii import validate_mobile
from unionserve.visits.public import record_visit
from unionserve.workflow import actions as engine
from unionserve.workflow.errors import ActionRefused, StaleCase
from unionserve.workflow.models import Case, StepKind, StepStatus

from . import rules
from .models import Contract, EligibilityResult, Lawyer, LegalAidCase, Outcome, Path, Result

log = logging.getLogger(__name__)

#: The process for an application received at each platform level (seed 000 §四.6: 下派 / 上报).
#: An application received at a level-2 center's own window runs the up process from the center's review
#: (002 §二(二): 市、区两级受理).
PROCESS_FOR_LEVEL = {1: "legalaid", 2: "legalaid_up", 3: "legalaid_up"}


# --- intake ---------------------------------------------------------------------------------------


def _clean_intake(data: dict) -> dict:
    """Validate what the opening asks for; raise ActionRefused saying what to fix."""
    out = dict(data)
    for key in ("applicant_name", "employer_name", "matter"):
        out[key] = strip_text(out.get(key))
    uscc = strip_text(out.get("employer_uscc"))
    phone = strip_text(out.get("applicant_phone"))
    try:
        out["employer_uscc"] = validate_uscc(uscc) if uscc else ""
        out["applicant_phone"] = validate_mobile(phone) if phone else ""
    except InvalidValue as exc:
        raise ActionRefused(str(exc)) from exc
    amount = out.get("amount_claimed")
    if amount not in (None, ""):
        try:
            out["amount_claimed"] = Decimal(str(amount)).quantize(Decimal("0.01"))
        except InvalidOperation:
            raise ActionRefused(_("The amount claimed must be a number of yuan, e.g. 12000.50.")) from None
        if out["amount_claimed"] < 0:
            raise ActionRefused(_("The amount claimed cannot be negative."))
    else:
        out["amount_claimed"] = None
    return out


def _create_aid(case: Case, data: dict, actor, path: str) -> LegalAidCase:
    from unionserve import pii
    from unionserve.members.public import find_member

    data = _clean_intake(data)
    id_number = strip_text(data.get("id_number"))
    member = None
    if id_number:
        try:
            id_number = pii.parse_id_number(id_number).number
        except InvalidValue as exc:
            raise ActionRefused(str(exc)) from exc
        # The register's one policy: the applicant is linked to a member in the receiving unit's scope.
        member = find_member(id_number=id_number, user=actor)
    aid = LegalAidCase.objects.create(
        case=case, path=path, applicant_name=data["applicant_name"], member=member,
        # Legal aid keeps the ID number only hashed and masked, the phone encrypted and masked.
        **pii.seal_id_number(id_number).columns("applicant_id", ("hash", "masked")),
        **pii.seal_phone(data["applicant_phone"]).columns("applicant_phone", ("encrypted", "masked")),
        employer_name=data["employer_name"], employer_uscc=data["employer_uscc"],
        dispute_type=data["dispute_type"], matter=data["matter"], amount_claimed=data["amount_claimed"],
        applied_on=data.get("applied_on") or timezone.localdate(),
    )
    EligibilityResult.objects.bulk_create(
        [EligibilityResult(aid=aid, criterion=c.code, updated_by=actor) for c in rules.CRITERIA])
    return aid


def create_aid_down(case: Case, data: dict, actor) -> None:
    """Opening effect of the down process (application at level 1)."""
    _create_aid(case, data, actor, Path.DOWN)


def create_aid_up(case: Case, data: dict, actor) -> None:
    """Opening effect of the up process (application received at a station)."""
    _create_aid(case, data, actor, Path.UP)


@transaction.atomic
def intake(*, actor, data: dict, channel: str = "window", files=None) -> Case:
    """Register an application at the actor's unit: level 1 opens the down process, a station the up one."""
    unit = actor.org_unit
    process = PROCESS_FOR_LEVEL.get(unit.level) if unit is not None else None
    if process is None:
        raise ActionRefused(_("Legal-aid applications are received at the city center (level 1), a district or "
                              "industry center (level 2) or a station (level 3)."))
    cleaned = _clean_intake(data)
    title = _("Legal aid: %(name)s v. %(employer)s") % {"name": cleaned["applicant_name"],
                                                         "employer": cleaned["employer_name"]}
    return engine.open_case(process, actor=actor, title=title, channel=channel,
                            subject_name=cleaned["applicant_name"], data=cleaned, files=files,
                            comment=str(data.get("comment") or ""))


# --- eligibility screen ---------------------------------------------------------------------------

REVIEW_STATES = ("review_l1", "review_l2")


def may_screen(case: Case, user) -> bool:
    """The user's unit holds the open review step (the one that decides) and the user may decide."""
    from unionserve.workflow.permissions import actions_for

    if case.state not in REVIEW_STATES:
        return False
    return any(s.code in ("accept", "refuse") for s in actions_for(case, user))


def _bump(aid: LegalAidCase, version: int | None) -> LegalAidCase:
    if version is None:
        version = aid.version
    if not LegalAidCase.objects.filter(pk=aid.pk, version=version).update(version=F("version") + 1):
        raise StaleCase()
    aid.refresh_from_db()
    return aid


@transaction.atomic
def save_screen(aid: LegalAidCase, *, actor, results: dict[str, tuple[str, str]], override_outcome: str = "",
                override_reason: str = "", version: int | None = None, request=None) -> LegalAidCase:
    """Record each criterion's result and note, and an override of the outcome (which needs a reason)."""
    aid = LegalAidCase.objects.select_related("case").get(pk=aid.pk)  # decide on the case as it is now
    if not may_screen(aid.case, actor):
        raise ActionRefused(_("Only the unit that decides on the application may screen it, while it is "
                              "under review."))
    override_reason = strip_text(override_reason)
    if override_outcome and override_outcome not in (Outcome.ELIGIBLE, Outcome.NOT_ELIGIBLE):
        raise ActionRefused(_("An override sets the outcome to eligible or not eligible."))
    if override_outcome and not override_reason:
        raise ActionRefused(_("Write the reason for overriding the eligibility outcome."))
    for code, (result, _note) in results.items():
        if code not in rules.CRITERIA_BY_CODE or result not in Result.values:
            raise ActionRefused(_("Unknown criterion or result: %(code)s.") % {"code": code})
    aid = _bump(aid, version)
    now = timezone.now()
    existing = {r.criterion: r for r in aid.criteria.all()}
    for code, (result, note) in results.items():
        row = existing.get(code) or EligibilityResult(aid=aid, criterion=code)
        if row.pk is None or row.result != result or row.note != strip_text(note):
            row.result, row.note, row.updated_by, row.updated_at = result, strip_text(note)[:300], actor, now
            row.save()
    computed = rules.computed_outcome(rules.results_of(aid))
    changed = (override_outcome or "") != aid.override_outcome or (
        override_outcome and override_reason != aid.override_reason)
    if changed:
        aid.override_outcome = override_outcome or ""
        aid.override_reason = override_reason if override_outcome else ""
        aid.override_by = actor if override_outcome else None
        aid.override_at = now if override_outcome else None
        aid.save(update_fields=["override_outcome", "override_reason", "override_by", "override_at"])
        record(AuditAction.ELIGIBILITY_OVERRIDDEN, actor=actor, request=request, obj=aid,
               unit=aid.case.owner_unit,
               detail={"case": aid.case.number, "computed": computed, "override": override_outcome or None,
                       "reason": override_reason})
    return aid


def guard_eligible(case: Case, data: dict) -> str | None:
    """Acceptance needs a screen whose outcome (or override) is eligible."""
    outcome = rules.outcome_of(case.legal_aid)
    if outcome != Outcome.ELIGIBLE:
        return _("The eligibility screen does not say eligible: record every criterion as met, or override "
                 "the outcome with a reason, before accepting.")
    return None


def guard_dispatch(case: Case, data: dict) -> str | None:
    """Down: accepted cases go to exactly one level-2 unit, which assigns the firm."""
    codes = [c for c in str(data.get("units") or "").replace("，", ",").split(",") if c.strip()]
    if len(codes) != 1:
        return _("Dispatch the case to exactly one level-2 unit: it assigns the firm.")
    return guard_eligible(case, data)


def guard_not_eligible(case: Case, data: dict) -> str | None:
    """A refusal needs a screen whose outcome (or override) is not eligible, and the reasons."""
    if rules.outcome_of(case.legal_aid) != Outcome.NOT_ELIGIBLE:
        return _("The eligibility screen does not say not eligible: record the criterion that is not met, or "
                 "override the outcome with a reason, before refusing.")
    if not _reasons(data.get("refusal_reasons")):
        return _("Give at least one reason for the refusal.")
    return None


def _reasons(text) -> list[str]:
    # Lines of only spaces (full-width ones included), invisible marks or bullets are no reason.
    return [r for r in (strip_text(strip_text(line).strip("-·•")) for line in lines_of(text)) if r]


# --- documents ----------------------------------------------------------------------------------


def _applicant(aid: LegalAidCase) -> dict:
    detail = f"身份证号 {aid.applicant_id_masked}" if aid.applicant_id_masked else ""
    return {"name": aid.applicant_name, "detail": detail}


def make_document(code: str, case: Case, context: dict, actor):
    """Generate a PDF through the documents app; a failure is logged and does not undo the decision
    (the case panel offers to make it again: `remake_document`)."""
    try:
        from unionserve.documents.public import generate

        with transaction.atomic():
            return generate(code, case=case, context=context, user=actor)
    except Exception:  # the decision stands; the document can be made again
        log.exception("legal aid: document %s for %s could not be generated", code, case.number)
        return None


def acceptance_context(aid: LegalAidCase, handling_unit: str = "") -> dict:
    """Variables of the 受理通知书 (docs/documents.md: acceptance_notice, kind legal_aid)."""
    return {
        "kind": "legal_aid", "kind_label": "法律援助", "applicants": [_applicant(aid)],
        "employer": {"name": aid.employer_name, "detail": ""}, "matter": aid.matter,
        "applied_on": aid.applied_on, "accepted_on": timezone.localdate(aid.accepted_at or timezone.now()),
        "handling_unit": handling_unit,
        "next_steps": "受理机构将指派签约律师事务所承办，承办律师将与你联系；请保持电话畅通。",
    }


def refusal_context(aid: LegalAidCase) -> dict:
    """Variables of the 不予援助决定书 (docs/documents.md: legal_aid_refusal)."""
    return {
        "applicant": _applicant(aid), "applied_on": aid.applied_on, "matter": aid.matter,
        "reasons": _reasons(aid.refusal_reasons),
        "deciding_unit": aid.decided_unit.name if aid.decided_unit else "",
    }


def on_accept(case: Case, data: dict, actor) -> None:
    aid = case.legal_aid
    aid.accepted_at = timezone.now()
    aid.decided_unit = actor.org_unit
    aid.save(update_fields=["accepted_at", "decided_unit"])
    # Down: the level-2 unit it was just dispatched to; up: the accepting unit assigns the firm itself.
    dispatched = case.steps.filter(is_open=True, state="assign_firm").select_related("unit").first()
    handling = dispatched.unit.name if dispatched is not None else actor.org_unit.name
    make_document("acceptance_notice", case, acceptance_context(aid, handling), actor)


def on_refuse(case: Case, data: dict, actor) -> None:
    aid = case.legal_aid
    aid.refused_at = timezone.now()
    aid.refusal_reasons = "\n".join(_reasons(data.get("refusal_reasons")))
    aid.decided_unit = actor.org_unit
    aid.save(update_fields=["refused_at", "refusal_reasons", "decided_unit"])
    make_document("legal_aid_refusal", case, refusal_context(aid), actor)


def missing_document(aid: LegalAidCase) -> str | None:
    """The decision document the case should have but does not (its PDF could not be made at the time)."""
    from unionserve.documents.public import GeneratedDocument

    code = "acceptance_notice" if aid.accepted_at else "legal_aid_refusal" if aid.refused_at else None
    if code is None or GeneratedDocument.objects.filter(case_id=aid.case_id, template_code=code).exists():
        return None
    return code


def may_remake_document(aid: LegalAidCase, user) -> bool:
    """Staff of the unit that decided may make a missing decision document again."""
    return bool(aid.decided_unit_id and user.org_unit_id == aid.decided_unit_id
                and not is_personal(user) and missing_document(aid))


def is_personal(user) -> bool:
    from unionserve.core.scope import is_personal_user

    return is_personal_user(user)


@transaction.atomic
def remake_document(aid: LegalAidCase, *, actor):
    """Make the decision document that is missing; raises ActionRefused when there is none to make."""
    if not may_remake_document(aid, actor):
        raise ActionRefused(_("There is no missing decision document that your unit could make."))
    code = missing_document(aid)
    assert code is not None  # may_remake_document found it missing
    from unionserve.documents.public import generate

    if code == "acceptance_notice":
        step = aid.case.steps.filter(state="assign_firm").select_related("unit").order_by("pk").first()
        unit = step.unit if step else aid.decided_unit
        assert unit is not None  # an accepted case has its deciding unit
        context = acceptance_context(aid, unit.name)
    else:
        context = refusal_context(aid)
    return generate(code, case=aid.case, context=context, user=actor)


# --- the applicant's phone ---------------------------------------------------------------------------


def may_reveal(aid: LegalAidCase, user) -> bool:
    """Whether `user` may see the applicant's phone in full: there is one, and the one policy of
    ``unionserve.pii`` allows it (VIEW_PII, or the assigned lawyer's CONTACT_APPLICANTS, and the case in scope)."""
    from unionserve import pii

    return bool(aid.applicant_phone_encrypted) and pii.may_reveal(user, aid)


def reveal_phone(aid: LegalAidCase, *, user, request=None) -> str:
    """The applicant's phone in clear; `pii.reveal` checks the policy and writes PERSONAL_DATA_VIEWED."""
    from unionserve import pii

    return pii.reveal(aid, "applicant_phone", user=user, request=request, unit=aid.case.owner_unit,
                      detail={"case": aid.case.number})["applicant_phone"]


# --- assignment -----------------------------------------------------------------------------------


def _assignment(case: Case, data: dict, unit) -> tuple[Contract, Lawyer | None, list[rules.Flag]]:
    aid = case.legal_aid
    raw = strip_text(data.get("contract"))
    contract = rules.contracts_serving(unit).filter(pk=int(raw)).first() if raw.isdigit() else None
    if contract is None:
        raise ActionRefused(_("Choose a firm with a current contract serving your unit (use the assignment "
                              "page)."))
    open_cases = rules.workload_by_contract([contract.pk]).get(contract.pk, 0)
    if not rules.has_capacity(contract, open_cases):
        raise ActionRefused(_("%(firm)s is at its contracted capacity (%(n)s concurrent cases). Choose another "
                              "firm.") % {"firm": contract.firm.name, "n": contract.capacity})
    lawyer = None
    lawyer_id = strip_text(data.get("lawyer"))
    if lawyer_id:
        lawyer = Lawyer.objects.filter(pk=lawyer_id if lawyer_id.isdigit() else 0, firm=contract.firm,
                                       active=True).select_related("user").first()
        if lawyer is None:
            raise ActionRefused(_("The lawyer must be an active lawyer of the chosen firm."))
    flags = rules.conflicts(contract.firm, aid)
    if flags and not strip_text(data.get("conflict_reason")):
        raise ActionRefused(_("The conflict check flagged this firm: %(flags)s Give the reason to assign it "
                              "anyway, or choose another firm.") % {"flags": " ".join(str(f.message) for f in flags)})
    return contract, lawyer, flags


def guard_assignment(case: Case, data: dict) -> str | None:
    if not strip_text(data.get("contract")):
        return _("Assign the firm on the legal-aid assignment page: it shows capacity and conflict flags.")
    return None


def lawyer_login(case: Case, data: dict):
    """The engine's `assignee_from` hook of `assign_firm`: the chosen lawyer's login, when it is of the unit that
    holds the case (so the case is in the lawyer's inbox and only they act on the step); else None and the
    unit's staff record the file for the lawyer. The firm and contract are checked by `on_assign`."""
    raw = strip_text(data.get("lawyer"))
    lawyer = Lawyer.objects.filter(pk=int(raw), active=True).select_related("user").first() if raw.isdigit() else None
    if lawyer is None or lawyer.user is None:
        return None
    # The work step, not a pending extension request's review step at the dispatcher.
    holding = case.steps.filter(is_open=True, state="assign_firm", kind=StepKind.WORK).values_list(
        "unit_id", flat=True).first()
    user = lawyer.user
    return user if user.is_active and user.org_unit_id == holding else None


def on_assign(case: Case, data: dict, actor) -> None:
    contract, lawyer, flags = _assignment(case, data, actor.org_unit)
    aid = case.legal_aid
    aid.firm, aid.contract, aid.lawyer = contract.firm, contract, lawyer
    aid.assigned_at = timezone.now()
    aid.conflict_flags = [f.as_dict() for f in flags]
    aid.conflict_reason = strip_text(data.get("conflict_reason")) if flags else ""
    aid.save(update_fields=["firm", "contract", "lawyer", "assigned_at", "conflict_flags", "conflict_reason"])
    if lawyer is not None and lawyer_may_log_in_here(lawyer, actor.org_unit):
        _tell_lawyer(case, lawyer.user, actor, contract.firm)
    # The engine writes the timeline from `data` after this effect: show names there, not record ids.
    data["contract"] = f"{contract.firm.name}（{contract.unit.name} {contract.start:%Y-%m-%d}–{contract.end:%Y-%m-%d}）"
    data["lawyer"] = lawyer.name if lawyer is not None else ""


def _tell_lawyer(case: Case, user, actor, firm) -> None:
    """In-app notice and text message to the assigned lawyer (the outbox sends them after commit)."""
    from django.urls import reverse

    from unionserve.notifications.api import notify

    notify("legalaid.assigned", users=[user], channels=("in_app", "sms"),
           context={"number": case.number, "title": case.title, "unit": actor.org_unit.name, "firm": firm.name},
           link=reverse("workflow:case", args=[case.number]))


@transaction.atomic
def assign(case: Case, *, actor, contract: int, lawyer: int | None = None, conflict_reason: str = "",
           comment: str = "", version: int | None = None, request=None) -> Case:
    """Assign a contracted firm (and lawyer) from the assignment page.

    The same `perform` call as `POST /api/work/cases/{number}/actions/assign_firm` with ``{"contract": id,
    "lawyer": id}``: the engine makes the lawyer's login (of the unit) the assignee of the new step.
    """
    if version is None:
        case = Case.objects.get(pk=case.pk)  # no version given: act on the case as it is now
    return engine.perform(case, "assign_firm", actor=actor, version=version, request=request, data={
        "contract": str(contract), "lawyer": str(lawyer or ""), "conflict_reason": conflict_reason,
        "comment": comment})


def lawyer_may_log_in_here(lawyer: Lawyer, unit) -> bool:
    """Whether the lawyer's cases at `unit` reach their own inbox (a login at that unit)."""
    return bool(lawyer.user and lawyer.user.is_active and lawyer.user.org_unit_id == unit.pk)


# --- the case file and archive --------------------------------------------------------------------


def guard_report(case: Case, data: dict) -> str | None:
    amount = strip_text(data.get("amount_recovered"))
    if amount:
        try:
            if Decimal(amount) < 0:
                return _("The amount recovered cannot be negative.")
        except InvalidOperation:
            return _("The amount recovered must be a number of yuan, e.g. 12000.50.")
    return None


def on_report(case: Case, data: dict, actor) -> None:
    aid = case.legal_aid
    amount = strip_text(data.get("amount_recovered"))
    aid.result = data["result"]
    aid.result_summary = strip_text(data.get("result_summary"))
    aid.amount_recovered = Decimal(amount).quantize(Decimal("0.01")) if amount else None
    aid.reported_at = timezone.now()
    aid.save(update_fields=["result", "result_summary", "amount_recovered", "reported_at"])


def on_archive(case: Case, data: dict, actor) -> None:
    LegalAidCase.objects.filter(case=case).update(archived_at=timezone.now())
    # A concluded case is a served visit of its applicant when a member (seed 002 §一 实名制服务职工人次).
    member_id = LegalAidCase.objects.filter(case=case).values_list("member_id", flat=True).first()
    if member_id:
        record_visit(member_id=member_id, day=timezone.localdate(), service="legalaid", source=f"case:{case.number}")


def representing_steps_of(user):
    """Open steps assigned to the user in which a lawyer acts (their to-do list)."""
    from unionserve.workflow.models import Step

    return Step.objects.filter(assignee=user, is_open=True, state="representing",
                               status__in=(StepStatus.OPEN, StepStatus.PENDING_SIGN))


# --- the registry of firms, contracts, lawyers ---------------------------------------------------------


@transaction.atomic
def save_registry(form, *, actor, request=None, **extra):
    """Save a firm, contract, lawyer or declared representation from its form, audited (LAW_FIRM_CHANGED).

    Versioned records are written only if nobody changed them since the form was loaded.
    """
    obj = form.save(commit=False)
    for key, value in extra.items():
        setattr(obj, key, value)
    created = obj.pk is None
    if not created and hasattr(obj, "version"):
        expected = form.cleaned_data.get("version")
        if not type(obj).objects.filter(pk=obj.pk, version=expected).update(version=F("version") + 1):
            raise StaleCase()
        obj.version = expected + 1
    obj.save()
    record(AuditAction.LAW_FIRM_CHANGED, actor=actor, request=request, obj=obj, unit=getattr(actor, "org_unit", None),
           detail={"model": type(obj).__name__, "id": obj.pk, "created": created, "text": str(obj),
                   "fields": sorted(form.changed_data)})
    return obj
