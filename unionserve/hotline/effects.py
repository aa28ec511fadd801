"""What the 12351 processes write on their own record when the engine runs a step (inside its transaction).

Each function is an effect or a guard of a transition in process.py. They keep the request's statistics facts
(docs/hotline.md) and hand archived answers to the knowledge base.
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from unionserve.orgs.models import OrgUnit, UnitKind
from unionserve.visits.public import record_visit
from unionserve.workflow.errors import ActionRefused
from unionserve.workflow.models import Step

from .models import HotlineRequest, Satisfaction, SatisfactionSource
from .signals import answer_archived

log = logging.getLogger(__name__)

#: The key under which intake passes the prepared (unsaved) request to the opening effect. A model instance
#: is not JSON, so the engine keeps it off the timeline — the caller's personal data never lands there.
REQUEST_KEY = "_request"


def _request(case) -> HotlineRequest:
    return HotlineRequest.objects.select_related("case").get(case=case)


def create_request(case, data: dict, actor) -> None:
    """Opening effect: save the request prepared by `actions.take_request` on the new case."""
    request = data.get(REQUEST_KEY)
    if not isinstance(request, HotlineRequest):
        raise ActionRefused(_("12351 requests are taken on the agent workbench or the service window page."))
    request.case = case
    request.save()


def index_answer(request: HotlineRequest, answer: str) -> None:
    """Announce an archived answer (`signals.answer_archived`) after commit; the knowledge base indexes it.

    The knowledge app sits above the 12351 app and listens; a failure there never undoes the answer.
    """
    kwargs: dict[str, Any] = {
        "source_id": request.pk, "case_number": request.case.number, "question": request.description,
        "answer": answer, "category_id": request.category_id, "answered_at": request.answered_at or timezone.now()}
    transaction.on_commit(lambda: answer_archived.send(sender=HotlineRequest, **kwargs), robust=True)


def served(request: HotlineRequest) -> None:
    """A request closed for a member of the register is a served visit (seed 002 §一 实名制服务职工人次)."""
    if request.member_id:
        record_visit(member_id=request.member_id, day=timezone.localdate(), service="hotline",
                     source=f"case:{request.case.number}")


def departments_only(case, data: dict) -> str | None:
    """Guard: a consultation is referred to functional departments only (seed: 专业部门)."""
    codes = [c.strip() for c in str(data.get("units") or "").replace("，", ",").split(",") if c.strip()]
    if OrgUnit.objects.filter(code__in=codes).exclude(kind=UnitKind.DEPARTMENT).exists():
        return _("Refer the question to a functional department.")
    return None


def reason_when_unsatisfied(case, data: dict) -> str | None:
    """Guard: an unsatisfied caller's reason is recorded."""
    if data.get("satisfaction") == Satisfaction.UNSATISFIED and not str(data.get("reason") or "").strip():
        return _("The caller is unsatisfied: write down the reason.")
    return None


def _answered(case, data: dict, actor) -> HotlineRequest:
    request = _request(case)
    now = timezone.now()
    request.answer = data["answer"].strip()
    request.answered_at = now
    request.answered_unit = actor.org_unit
    request.resolved = True
    return request


def agent_answered(case, data: dict, actor) -> None:
    """The agent (or window) answered: the answer is archived with the request and the case closes."""
    request = _answered(case, data, actor)
    request.archived_at = request.answered_at
    request.save(update_fields=["answer", "answered_at", "answered_unit", "resolved", "archived_at"])
    index_answer(request, request.answer)
    served(request)


def referred(case, data: dict, actor) -> None:
    HotlineRequest.objects.filter(case=case).update(escalated=True)


def specialist_answered(case, data: dict, actor) -> None:
    """The specialist department answered; the agent now calls the caller back."""
    request = _answered(case, data, actor)
    request.save(update_fields=["answer", "answered_at", "answered_unit", "resolved"])
    index_answer(request, request.answer)


def _rate(request: HotlineRequest, data: dict) -> list[str]:
    now = timezone.now()
    request.callback_at = now
    request.callback_note = str(data.get("callback_note") or "").strip()
    fields = ["callback_at", "callback_note"]
    if data.get("satisfaction"):
        request.satisfaction = data["satisfaction"]
        request.satisfaction_reason = str(data.get("reason") or "").strip() \
            if data["satisfaction"] == Satisfaction.UNSATISFIED else ""
        request.satisfaction_source = SatisfactionSource.CALLBACK
        request.rated_at = now
        fields += ["satisfaction", "satisfaction_reason", "satisfaction_source", "rated_at"]
    return fields


def consultation_called_back(case, data: dict, actor) -> None:
    request = _request(case)
    fields = _rate(request, data)
    request.archived_at = request.callback_at
    request.save(update_fields=[*fields, "archived_at"])
    served(request)


def fed_back(case, data: dict, actor) -> None:
    """A handling unit fed back (回单): keep its result, whether it was solved and whether it was in time."""
    request = _request(case)
    step = (Step.objects.filter(case=case, state="handling", unit=actor.org_unit, is_open=False)
            .order_by("-completed_at", "-id").first())
    now = timezone.now()
    on_time = step is None or step.due_at is None or (step.completed_at or now) <= step.due_at
    text = data["result"].strip()
    request.feedback = f"{request.feedback}\n\n{actor.org_unit.name}：{text}".strip() \
        if request.feedback else f"{actor.org_unit.name}：{text}"
    request.feedback_at = now
    if step is not None and step.due_at:
        request.feedback_due_at = max(filter(None, (request.feedback_due_at, step.due_at)))
    # In time only while every feedback, in every round, was in time.
    request.feedback_on_time = on_time and request.feedback_on_time is not False
    solved = data.get("resolved") == "yes"
    request.resolved = solved if request.resolved is None else (request.resolved and solved)
    request.answered_at = request.answered_at or now
    request.answered_unit = request.answered_unit or actor.org_unit
    request.save(update_fields=["feedback", "feedback_at", "feedback_due_at", "feedback_on_time", "resolved",
                                "answered_at", "answered_unit"])


def affair_closed(case, data: dict, actor) -> None:
    """Called back and satisfied enough (or not wanting more): close and archive with the feedback."""
    request = _request(case)
    fields = _rate(request, data)
    request.archived_at = request.callback_at
    request.save(update_fields=[*fields, "archived_at"])
    index_answer(request, request.feedback)
    served(request)


def sent_back(case, data: dict, actor) -> None:
    """The caller is unsatisfied and wants more: back to handling (不满意重办)."""
    request = _request(case)
    fields = _rate(request, {**data, "satisfaction": Satisfaction.UNSATISFIED})
    request.redo_count += 1
    request.resolved = None
    request.save(update_fields=[*fields, "redo_count", "resolved"])


def _codes(value) -> list[str]:
    if isinstance(value, (list, tuple)):
        return [str(c).strip() for c in value if str(c).strip()]
    return [c.strip() for c in str(value or "").replace("，", ",").split(",") if c.strip()]


def filing_complete(case, data: dict) -> str | None:
    """Guard of the affair's dispatch: the filing copies seed 000 §四.1(1) requires are named — the district of
    every handling unit below a district, the member's industry union when the member is known."""
    from .routing import required_filing

    units = list(OrgUnit.objects.filter(code__in=_codes(data.get("units"))).select_related("region_parent"))
    request = HotlineRequest.objects.filter(case=case).select_related("member__grassroots").first()
    member = request.member if request is not None else None
    named = set(_codes(data.get("filed_units")))
    missing = [u for u in required_filing(units, member) if u.code not in named]
    if missing:
        return _("Filing copies are required (seed 000 §四.1: filed with the district and industry unions); "
                 "add: %(units)s.") % {"units": "、".join(f"{u.name} ({u.code})" for u in missing)}
    return None


def dispatch_initial(case, user) -> dict:
    """What the case page pre-fills in the dispatch form: the suggested units and their filing copies."""
    from .routing import suggest_routing

    request = HotlineRequest.objects.filter(case=case).select_related("category", "member__grassroots").first()
    if request is None:
        return {}
    routing = suggest_routing(request.category, request.member, user)
    return {"units": ",".join(u.code for u in routing.units), "filed_units": ",".join(u.code for u in routing.filed)}


def redo_initial(case, user) -> dict:
    """The "handle again" form pre-fills the units that handled it last time."""
    codes = list(Step.objects.filter(case=case, state="handling").order_by("-created_at", "-id")
                 .values_list("unit__code", flat=True)[:1])
    return {"units": ",".join(codes)}
