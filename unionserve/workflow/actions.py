"""The engine: opening cases and every action on them, for every process.

Each public function runs in one transaction, checks the case's version (optimistic lock), writes the
timeline and an audit-log row (who, which case, which action), and schedules notifications to go out after
commit. Views, the API and the area apps call `open_case` and `perform`; nothing else writes cases, steps,
case access or the timeline (a test holds every module outside the engine to that). What an area needs
(the person who holds a step, a per-case deadline, its own records) it declares in its process definition
as hooks the engine calls here, inside the same transaction.
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from unionserve.accounts.models import User
from unionserve.audit.log import record
from unionserve.audit.models import AuditAction
from unionserve.core import tree
from unionserve.core.scope import scope_of
from unionserve.core.text import StrOrPromise, is_blank, strip_text
from unionserve.orgs.models import OrgUnit

from . import deadlines
from . import definitions as d
from .errors import ActionRefused, NotAllowed, StaleCase
from .models import (
    OPEN_STATUSES,
    AccessKind,
    Attachment,
    Case,
    CaseAccess,
    CaseEvent,
    CaseSequence,
    Step,
    StepKind,
    StepStatus,
)
from .permissions import ActionSpec, actions_for
from .registry import registry

# --- helpers --------------------------------------------------------------------------------


def next_number(prefix: str, when=None) -> str:
    """The next readable number for a prefix and day, e.g. RX20261126-0012 (unique, gap-free per day)."""
    day = timezone.localdate(when or timezone.now())
    for _attempt in range(3):
        updated = CaseSequence.objects.filter(prefix=prefix, day=day).update(last=F("last") + 1)
        if not updated:
            try:
                with transaction.atomic():
                    CaseSequence.objects.create(prefix=prefix, day=day, last=1)
            except IntegrityError:
                continue  # another request created the row first; increment it instead
        last = CaseSequence.objects.get(prefix=prefix, day=day).last
        return f"{prefix}{day:%Y%m%d}-{last:04d}"
    raise RuntimeError("could not allocate a case number")


def _notify(event: str, case: Case, *, units: Iterable[OrgUnit] = (), users: Iterable[User] = (), **context) -> None:
    from unionserve.notifications.api import notify

    units = [u for u in units if u is not None]
    if not units and not users:
        return
    ctx = {"number": case.number, "process": str(case.definition.label), "title": case.title, **context}
    notify(event, units=units, users=users, context=ctx, link=reverse("workflow:case", args=[case.number]),
           channels=("in_app", "sms") if event in SMS_EVENTS else ("in_app",))


# Events worth a text message to the unit's duty phone, not only an in-app notice.
SMS_EVENTS = {"case.dispatched", "case.urged"}


def _fmt_due(step: Step) -> str:
    if step.due_at is None:
        return "—"
    local = timezone.localtime(step.due_at)
    return f"{local:%Y-%m-%d} " + "一二三四五六日"[local.weekday()].join(("星期", ""))


def _event(case: Case, action: str, label: StrOrPromise, *, actor: User | None, step: Step | None = None,
           from_state: str = "", to_state: str = "", comment: str = "", data: dict | None = None,
           deadline: dict | None = None) -> CaseEvent:
    return CaseEvent.objects.create(
        case=case, step=step, actor=actor, actor_unit=getattr(actor, "org_unit", None), action=action,
        action_label=str(label)[:60], from_state=from_state, to_state=to_state or from_state,
        comment=comment or "", data=data or {}, deadline=deadline or {},
    )


def _audit(case: Case, action: str, *, actor: User, event: CaseEvent | None, request=None,
           step: Step | None = None, extra: dict | None = None) -> None:
    """The audit-log row of a case action: who, which case, which action, from and to which state.

    The timeline answers "what happened to this case"; the audit log answers "who did what" across all
    processes and cases, scoped by the acting unit.
    """
    detail: dict[str, Any] = {"case": case.number, "process": case.process, "action": action,
              "from": event.from_state if event is not None else case.state,
              "to": event.to_state if event is not None else case.state}
    if step is not None:
        detail["step"] = step.pk
    if event is not None:
        detail["event"] = event.pk
    if extra:
        detail.update(extra)
    record(AuditAction.CASE_ACTION, actor=actor, request=request, obj=case, unit=actor.org_unit, detail=detail)


def _grant(case: Case, unit: OrgUnit, kind: str) -> None:
    # One INSERT … ON CONFLICT DO NOTHING (the unique constraint on case, unit, kind) instead of get_or_create's
    # SELECT, savepoint, INSERT and release: a dispatch grants three or four of these.
    CaseAccess.objects.bulk_create([CaseAccess(case=case, unit=unit, kind=kind, case_open=case.closed_at is None)],
                                   ignore_conflicts=True)


def _open_step(case: Case, state_code: str, unit: OrgUnit, *, dispatcher: OrgUnit | None = None,
               kind: str = StepKind.WORK, reviews: Step | None = None, n: int | None = None,
               data: dict | None = None, keep_deadline: Step | None = None,
               clock_start: dt.datetime | None = None) -> Step:
    """Open a step for `unit`, with the deadline of its state (or of reviews) counted from now.

    `clock_start` (a case opened with its opening's `clock_from` day) counts it from that moment instead.
    """
    definition = case.definition
    state = definition.state(state_code)
    now = timezone.now()
    due_at, deadline, policy_version_id = None, {}, None
    if keep_deadline is not None:
        due_at, deadline = keep_deadline.due_at, keep_deadline.deadline
        policy_version_id = keep_deadline.policy_version_id
    else:
        rule = definition.review_deadline if kind != StepKind.WORK else state.deadline
        if kind == StepKind.WORK and definition.deadline_for is not None:
            # A per-case period declared by the process (e.g. the sample check's policy version).
            rule = definition.deadline_for(case, state_code) or rule
        if rule is not None and not state.paused:
            start = clock_start or now
            if kind == StepKind.WORK and rule.since:
                # The period runs from an earlier state's start (e.g. receiving the dispatch), not from now.
                anchor = case.steps.filter(state=rule.since, kind=StepKind.WORK, unit=unit).order_by(
                    "-created_at", "-id").first()
                start = anchor.created_at if anchor is not None else now
            # The length is the policy's value in force on the day the clock starts; the step names the version.
            result, used = deadlines.compute_with_policy(rule, start, n)
            due_at, deadline = result.deadline, {**result.as_dict(), "source": rule.source, **used}
            policy_version_id = used["policy"]["version_id"] if used else None
    sign = kind == StepKind.WORK and dispatcher is not None and state_code in definition.sign_required
    step = Step.objects.create(
        case=case, process=case.process, state=state_code, kind=kind, unit=unit, dispatcher_unit=dispatcher,
        reviews=reviews, status=StepStatus.PENDING_SIGN if sign else StepStatus.OPEN, due_at=due_at,
        original_due_at=due_at, deadline=deadline, created_at=now, data=data or {},
        policy_version_id=policy_version_id,
    )
    _grant(case, unit, AccessKind.HANDLER)
    return step


def _close_step(step: Step, status: str, actor: User | None) -> None:
    step.status = status
    step.is_open = False
    step.completed_at = timezone.now()
    step.completed_by = actor
    step.save(update_fields=["status", "is_open", "completed_at", "completed_by"])


def _refresh_case(case: Case) -> None:
    """Derive where the case is now and when it is due from its open work steps."""
    open_steps = list(case.steps.filter(is_open=True).select_related("unit").order_by("due_at", "id"))
    work = [s for s in open_steps if s.kind == StepKind.WORK] or open_steps
    dues = [s.due_at for s in work if s.due_at]
    case.due_at = min(dues) if dues else None
    case.current_unit = work[0].unit if work else None
    if work and work[0].assignee_id:
        case.assignee_id = work[0].assignee_id
    case.save(update_fields=["due_at", "current_unit", "assignee", "state", "closed_at", "reopen_count", "clock",
                             "version"])


def _lock(case: Case, version: int | None) -> Case:
    """Take the case for this action, refusing if someone else changed it since `version`."""
    if version is None:
        version = case.version
    if not Case.objects.filter(pk=case.pk, version=version).update(version=F("version") + 1):
        raise StaleCase()
    case.refresh_from_db()
    return case


def _resolve_units(codes, actor: User, *, levels: frozenset[int] | None = None, label: str,
                   upward: bool = False) -> list[OrgUnit]:
    """Units named by codes (list or comma-separated text), all active and inside the actor's scope — or, with
    `upward` (filing copies, which go up the tree: a station files with its district), the actor's ancestors."""
    if isinstance(codes, str):
        codes = [c.strip() for c in codes.replace("，", ",").split(",")]
    codes = [c.strip() for c in (codes or []) if c and str(c).strip()]
    units = []
    codes = list(dict.fromkeys(codes))
    found = {u.code: u for u in scope_of(actor).filter(OrgUnit.objects.active()).filter(code__in=codes)} \
        if codes else {}
    if upward and codes and actor.org_unit is not None and len(found) < len(codes):
        ancestors = [pk for path in actor.org_unit.paths for pk in tree.ancestor_ids(path)[:-1]]
        found.update({u.code: u for u in OrgUnit.objects.active().filter(pk__in=ancestors, code__in=codes)})
    for code in codes:
        unit = found.get(code)
        if unit is None:
            raise ActionRefused(_("%(field)s: no active unit with code %(code)s in your part of the organization.")
                                % {"field": label, "code": code})
        if levels is not None and unit.level not in levels:
            raise ActionRefused(_("%(field)s: %(unit)s is a level-%(level)s unit; this step goes to level %(allowed)s.")
                                % {"field": label, "unit": unit.name, "level": unit.level,
                                   "allowed": "/".join(str(x) for x in sorted(levels))})
        units.append(unit)
    return units


def _save_files(case: Case, event: CaseEvent, files, actor: User) -> None:
    limits = settings.UNIONSERVE
    for f in files or []:
        name = f.name.rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
        ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
        if ext not in limits["ATTACHMENT_EXTENSIONS"]:
            raise ActionRefused(_("%(name)s: files of type .%(ext)s are not accepted. Accepted: %(ok)s.")
                                % {"name": name, "ext": ext, "ok": ", ".join(limits["ATTACHMENT_EXTENSIONS"])})
        if f.size > limits["ATTACHMENT_MAX_BYTES"]:
            raise ActionRefused(_("%(name)s is larger than %(mb)s MB.")
                                % {"name": name, "mb": limits["ATTACHMENT_MAX_BYTES"] // (1024 * 1024)})
        digest = hashlib.sha256()
        for chunk in f.chunks():
            digest.update(chunk)
        f.seek(0)
        Attachment.objects.create(case=case, event=event, file=f, original_name=name[:200],
                                  content_type=getattr(f, "content_type", "") or "application/octet-stream",
                                  size=f.size, sha256=digest.hexdigest(), uploaded_by=actor)


def _clean_texts(data: dict, fields: Iterable[d.Field]) -> None:
    """Strip every text value of `fields` in `data` of Unicode whitespace and invisible marks, in place.

    A text that shows nothing (spaces, the full-width "\u3000", the no-break "\u00a0", zero-width marks) becomes
    "", so a required field holding only such characters is missing here, for every process and every surface.
    """
    for f in fields:
        value = data.get(f.name)
        if isinstance(value, str):
            data[f.name] = strip_text(value)
        elif isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value):
            data[f.name] = [t for t in (strip_text(v) for v in value) if t]


def _missing(data: dict, fields: Iterable[d.Field]) -> None:
    """Refuse when a required field (other than a file) is empty once its text is cleaned."""
    _clean_texts(data, fields)
    missing = [str(f.label) for f in fields if f.required and f.kind != "file" and is_blank(data.get(f.name))]
    if missing:
        raise ActionRefused(_("Fill in: %(fields)s.") % {"fields": "、".join(missing)})


def _required(data: dict, spec: ActionSpec) -> None:
    _missing(data, spec.fields)
    for f in spec.fields:
        value = data.get(f.name)
        if f.kind == "choice" and value not in (None, "") and str(value) not in {str(c) for c, _l in f.choices}:
            raise ActionRefused(_("%(field)s: choose one of the offered options.") % {"field": f.label})
        if f.kind == "int" and value not in (None, ""):
            try:
                number = int(value)
            except (TypeError, ValueError):
                raise ActionRefused(_("%(field)s must be a whole number.") % {"field": f.label}) from None
            if (f.min_value is not None and number < f.min_value) or (f.max_value is not None and number > f.max_value):
                raise ActionRefused(_("%(field)s must be between %(min)s and %(max)s.")
                                    % {"field": f.label, "min": f.min_value, "max": f.max_value})
            data[f.name] = number


# --- opening -------------------------------------------------------------------------------------


@transaction.atomic
def open_case(process: str, *, actor: User, title: str, unit: OrgUnit | None = None, channel: str = "internal",
              priority: str = "normal", subject_name: str = "", employer: OrgUnit | None = None,
              data: dict | None = None, comment: str = "", files=None, request=None) -> Case:
    """Open a case of `process` at the actor's unit, in the initial state, with its first step.

    `request` (optional) adds the client's address to the audit-log row.
    """
    definition = registry.get(process)
    unit = unit or actor.org_unit
    if unit is None or unit.pk != actor.org_unit_id:
        raise NotAllowed(_("Cases are opened at your own unit."))
    opening = definition.opening
    if unit.level not in opening.levels or not any(r in opening.roles for r in actor.role_names):
        raise NotAllowed(_("Your roles do not include opening %(process)s cases.") % {"process": definition.label})
    title = strip_text(title)
    if not title:
        raise ActionRefused(_("Give the case a title."))
    data = dict(data or {})
    _missing(data, opening.fields)
    clock_start, backdated = _clock_from(opening, data)
    if not subject_name and opening.subject_field:
        subject_name = str((data or {}).get(opening.subject_field) or "").strip()[:100]
    now = timezone.now()
    initial = opening.initial_for(unit.level, definition.initial)
    case = Case.objects.create(
        number=next_number(definition.prefix, now), process=definition.code, state=initial,
        title=title.strip()[:200], owner_unit=unit, current_unit=unit, channel=channel, priority=priority,
        subject_name=subject_name, employer=employer, opened_at=now, opened_by=actor,
    )
    _grant(case, unit, AccessKind.OWNER)
    if opening.effect is not None:
        opening.effect(case, dict(data or {}), actor)
    step = _open_step(case, initial, unit, clock_start=clock_start)
    shown = {k: v for k, v in (data or {}).items() if _jsonable(v)}
    if backdated:
        shown.update(backdated)
    event = _event(case, "opened", _("Opened"), actor=actor, step=step, to_state=initial,
                   comment=comment, data=shown, deadline=step.deadline)
    _save_files(case, event, files, actor)
    _refresh_case(case)
    _audit(case, "opened", actor=actor, event=event, request=request, step=step, extra=backdated)
    return case


def _clock_from(opening: d.Opening, data: dict) -> tuple[dt.datetime | None, dict]:
    """When the first step's clock starts, from the opening's `clock_from` date field, and what to record of it.

    Empty means today. A day in the future or more than `clock_from_max_days` back is refused. The cleaned day is
    written back into `data` (as a date) for the opening's effect. An earlier day than today is returned with a
    record for the timeline and the audit log: ``{"clock_from": "2026-12-06", "entered_days_late": 1}``.
    """
    if not opening.clock_from:
        return None, {}
    today = timezone.localdate()
    raw = data.get(opening.clock_from)
    label = next((f.label for f in opening.fields if f.name == opening.clock_from), opening.clock_from)
    if raw in (None, ""):
        day = today
    elif isinstance(raw, dt.datetime):
        day = timezone.localdate(raw) if timezone.is_aware(raw) else raw.date()
    elif isinstance(raw, dt.date):
        day = raw
    else:
        try:
            day = dt.date.fromisoformat(str(raw).strip())
        except ValueError:
            raise ActionRefused(_("%(field)s: give a date as YYYY-MM-DD.") % {"field": label}) from None
    if day > today:
        raise ActionRefused(_("%(field)s cannot be in the future.") % {"field": label})
    if (today - day).days > opening.clock_from_max_days:
        raise ActionRefused(_("%(field)s can be at most %(days)s days ago.")
                            % {"field": label, "days": opening.clock_from_max_days})
    data[opening.clock_from] = day
    if day == today:
        return None, {}
    start = timezone.make_aware(dt.datetime.combine(day, dt.time(12)))
    return start, {"clock_from": day.isoformat(), "entered_days_late": (today - day).days}


def _shown_fields(fields, data: dict) -> dict:
    """The values of a transition's fields for the timeline: raw values and [label, text] pairs to show."""
    values, shown = {}, []
    for f in fields:
        value = data.get(f.name)
        if f.kind == "file" or value in (None, "", []) or not _jsonable(value):
            continue
        values[f.name] = value
        text = dict((str(c), str(label)) for c, label in f.choices).get(str(value), value) if f.choices else value
        shown.append([str(f.label), str(text)])
    return {**values, "fields": shown}


def _jsonable(value: Any) -> bool:
    return isinstance(value, (str, int, float, bool, type(None), list, dict))


# --- acting --------------------------------------------------------------------------------------


def perform(case: Case, action: str, *, actor: User, data: dict | None = None, version: int | None = None,
            step_id: int | None = None, request=None) -> Case:
    """Take `action` (a transition code or a generic operation) on `case` as `actor`.

    Refused with NotAllowed when the actor may not take it now, ActionRefused when the input is wrong
    or a guard says no, StaleCase when the case changed since `version`. Nothing is half-applied.
    The page, the API and the area pages all come here, so the same input gives the same result; every
    action writes its timeline entry and an audit-log row (`request`, optional, adds the client's address).
    """
    # A refused action rolls the database back; the caller's case object is put back the same way, so a page
    # that shows the case again after a refusal offers its real version, not the one the attempt took.
    saved = {f.attname: copy.deepcopy(getattr(case, f.attname)) for f in Case._meta.concrete_fields}
    try:
        return _perform(case, action, actor=actor, data=data, version=version, step_id=step_id, request=request)
    except Exception:
        for name, value in saved.items():
            setattr(case, name, value)
        raise


@transaction.atomic
def _perform(case: Case, action: str, *, actor: User, data: dict | None, version: int | None,
             step_id: int | None, request) -> Case:
    data = dict(data or {})
    if version is not None and case.version != version:
        # Cheap early answer; the locked update below is what guarantees it.
        raise StaleCase()
    if not case.definition.may_take(actor, action):
        # Checked here as well as in actions_for, so no surface can reach an action the process gives no role of
        # the actor's.
        raise NotAllowed(_("Your roles do not include this action on %(process)s cases.")
                         % {"process": case.definition.label})
    specs = [s for s in actions_for(case, actor) if s.code == action]
    if step_id is not None:
        specs = [s for s in specs if s.step is None or s.step.pk == step_id] or []
    if not specs:
        raise NotAllowed(_("You cannot take this action on this case now."))
    spec = specs[0]
    _required(data, spec)
    case = _lock(case, version if version is not None else case.version)
    step = Step.objects.select_for_update().get(pk=spec.step.pk) if spec.step else None
    if step is not None and not step.is_open:
        raise StaleCase()
    handler = OPERATIONS.get(action, _transition)
    event = handler(case, spec, step, actor, data)
    if event is not None:
        _save_files(case, event, data.get("files"), actor)
    _refresh_case(case)
    _audit(case, action, actor=actor, event=event, request=request, step=step)
    return case


def _assignee_of(t: d.Transition, case: Case, data: dict) -> User | None:
    """The person the transition's `assignee_from` names (the area's hook), checked to be an active login."""
    if t.assignee_from is None:
        return None
    person = t.assignee_from(case, data)
    if person is not None and not person.is_active:
        raise ActionRefused(_("%(name)s cannot log in, so the case cannot be given to them.") % {"name": person})
    return person


def _chosen_due(t: d.Transition, data: dict) -> tuple[dt.date | None, str]:
    """The date the actor set in the transition's `due_field` (a date from the page, ISO text from the API)."""
    field = next((f for f in t.fields if f.name == t.due_field), None) if t.due_field else None
    value = data.get(t.due_field) if field is not None else None
    if value in (None, ""):
        return None, ""
    assert field is not None  # a value is read only through the field
    if isinstance(value, dt.datetime):
        value = timezone.localdate(value)
    if not isinstance(value, dt.date):
        try:
            value = dt.date.fromisoformat(str(value).strip())
        except ValueError:
            raise ActionRefused(_("%(field)s: give a date as YYYY-MM-DD.") % {"field": field.label}) from None
    return value, str(field.label)


def _set_due(steps: list[Step], t: d.Transition, data: dict) -> None:
    """Give the new steps the due date the actor chose, bounded by the deadline the engine computed for them."""
    chosen, label = _chosen_due(t, data)
    if chosen is None:
        return
    if chosen < timezone.localdate():
        raise ActionRefused(_("%(field)s cannot be in the past.") % {"field": label})
    from unionserve.workcalendar.service import end_of_day

    for step in steps:
        if step.due_at is None:
            raise ActionRefused(_("%(field)s: this step has no time limit to set.") % {"field": label})
        limit = timezone.localdate(step.due_at)
        if chosen > limit:
            raise ActionRefused(_("%(field)s: %(date)s is later than this step's time limit, %(limit)s.")
                                % {"field": label, "date": chosen.isoformat(), "limit": limit.isoformat()})
        due = end_of_day(chosen)
        step.due_at = step.original_due_at = due
        # Kept with the rule it is bounded by, so a clerk sees both and a recomputed calendar keeps the choice.
        step.deadline = {**step.deadline, "chosen_date": chosen.isoformat(), "limit_date": limit.isoformat(),
                         "due_date": chosen.isoformat(), "deadline": due.isoformat(),
                         "explanation": f"派单时指定{chosen:%Y-%m-%d}前办结（不晚于时限{limit:%Y-%m-%d}："
                                        f"{step.deadline.get('explanation', '')}）"}
        step.save(update_fields=["due_at", "original_due_at", "deadline"])


def _give(steps: list[Step], person: User | None) -> None:
    """Make `person` the assignee of the new step of their unit (refused when none is theirs)."""
    if person is None:
        return
    mine = next((s for s in steps if s.unit_id == person.org_unit_id), None)
    if mine is None:
        raise ActionRefused(_("%(name)s is not a user of the unit that takes the case, so the case cannot be "
                              "given to them.") % {"name": person})
    mine.assignee = person
    mine.save(update_fields=["assignee"])


def _transition(case: Case, spec: ActionSpec, step: Step, actor: User, data: dict) -> CaseEvent:
    t = spec.transition
    # actions_for offers this handler only for a transition, and only to a user of a unit at an allowed level.
    assert t is not None and actor.org_unit is not None
    definition = case.definition
    if t.guard is not None:
        reason = t.guard(case, data)
        if reason:
            raise ActionRefused(reason)
    from_state = case.state
    # Resolved before the effect: the area's hook reads the input as the actor gave it.
    person = _assignee_of(t, case, data)
    if t.kind == d.APPOINT:
        return _appoint(case, t, step, actor, data, person)
    if t.kind == d.DISPATCH:
        units = _resolve_units(data.get("units"), actor, levels=t.target_levels, label=_("Dispatch to"))
        if not units:
            raise ActionRefused(_("Choose at least one unit to dispatch to."))
        filed = _resolve_units(data.get("filed_units"), actor, label=_("Filing copies"), upward=True) \
            if t.filing else []
        _close_step(step, StepStatus.DONE, actor)
        _enter(case, t.target, from_state)
        new_steps = [_open_step(case, t.target, u, dispatcher=actor.org_unit) for u in units]
        _set_due(new_steps, t, data)
        _give(new_steps, person)
        for u in filed:
            _grant(case, u, AccessKind.FILED)
        if t.effect:
            t.effect(case, data, actor)
        event = _event(case, t.code, t.label, actor=actor, step=step, from_state=from_state, to_state=t.target,
                       comment=data.get("comment", ""),
                       data={"units": [u.code for u in units], "filed": [u.code for u in filed]},
                       deadline=new_steps[0].deadline)
        for s in new_steps:
            _notify("case.dispatched", case, units=[s.unit], unit=s.unit.name, due=_fmt_due(s))
        if filed:
            _notify("case.filed", case, units=filed, unit=actor.org_unit.name)
        return event
    # MOVE: complete my step; move on when no other step of this state is still open (join).
    _close_step(step, StepStatus.DONE, actor)
    if t.effect:
        t.effect(case, data, actor)
    payload = _shown_fields(t.fields, data)
    others = case.steps.filter(is_open=True, kind=StepKind.WORK, state=from_state).exists()
    if others:
        return _event(case, t.code, t.label, actor=actor, step=step, from_state=from_state,
                      comment=data.get("comment", ""), data={**payload, "waiting_for_others": True})
    target = definition.state(t.target)
    old_state = definition.state(from_state)
    _enter(case, t.target, from_state)
    deadline = {}
    if target.final:
        _finish(case, actor)
    else:
        named = t.unit_from(case, data) if t.unit_from is not None else None
        unit = named or _next_unit(t.next_unit, case, step, actor)
        n = None
        if old_state.paused and target.deadline and target.code in case.clock:
            # Coming back from a paused state: the clock resumes where it stopped.
            n = max(1, deadlines.length(target.deadline, timezone.now()) - int(case.clock.pop(target.code)))
        if target.paused and old_state.deadline and step.deadline:
            case.clock[from_state] = deadlines.used_days(old_state.deadline.rule, step.created_at)
        dispatcher = actor.org_unit if named is not None else step.dispatcher_unit if t.next_unit == d.TO_SAME else (
            actor.org_unit if t.next_unit in (d.TO_PARENT, d.TO_UPPER_LEVEL) else None)
        new_step = _open_step(case, t.target, unit, dispatcher=dispatcher, n=n)
        _set_due([new_step], t, data)
        if person is not None:
            _give([new_step], person)
        elif t.next_unit == d.TO_SAME and t.keep_assignee and step.assignee_id and new_step.unit_id == step.unit_id:
            # The same unit carries on: the person it was assigned to (e.g. the appointed mediator) keeps it.
            new_step.assignee_id = step.assignee_id
            new_step.save(update_fields=["assignee"])
        deadline = new_step.deadline
    return _event(case, t.code, t.label, actor=actor, step=step, from_state=from_state, to_state=t.target,
                  comment=data.get("comment", ""), data=payload, deadline=deadline)


def _appoint(case: Case, t: d.Transition, step: Step, actor: User, data: dict, person: User | None) -> CaseEvent:
    """APPOINT: the step stays open with its unit and deadline; the person the area named holds it (or, when
    the person has no login, the unit again: the area's own record names them)."""
    if person is not None and person.org_unit_id != step.unit_id:
        raise ActionRefused(_("%(name)s is not a user of the unit that holds the case, so the case cannot be "
                              "given to them.") % {"name": person})
    if t.effect:
        t.effect(case, data, actor)
    step.assignee = person
    step.save(update_fields=["assignee"])
    # _refresh_case keeps an earlier assignee when the step has none: an appointment without a login clears it.
    case.assignee = person
    payload = _shown_fields(t.fields, data)
    if person is not None:
        payload["assignee"] = person.username
    return _event(case, t.code, t.label, actor=actor, step=step, from_state=case.state,
                  comment=data.get("comment", ""), data=payload)


def _next_unit(policy: str, case: Case, step: Step, actor: User) -> OrgUnit:
    assert actor.org_unit is not None  # see _transition
    if policy == d.TO_DISPATCHER and step.dispatcher_unit is not None:
        return step.dispatcher_unit
    if policy == d.TO_OWNER:
        return case.owner_unit
    if policy == d.TO_PARENT:
        parent = actor.org_unit.region_parent or actor.org_unit.industry_parent
        if parent is None:
            raise ActionRefused(_("Your unit has no upper level to report to."))
        return parent
    if policy == d.TO_UPPER_LEVEL:
        return _upper_level(actor.org_unit)
    return step.unit


def _upper_level(unit: OrgUnit) -> OrgUnit:
    """The nearest ancestor at a higher platform level (lower number), regional line first."""
    for line in ("region_parent", "industry_parent"):
        parent = getattr(unit, line)
        while parent is not None and parent.level >= unit.level:
            parent = getattr(parent, line)
        if parent is not None:
            return parent
    raise ActionRefused(_("Your unit has no upper level to report to."))


def _enter(case: Case, state: str, from_state: str) -> None:
    case.state = state


def _finish(case: Case, actor: User) -> None:
    for open_step in case.steps.filter(is_open=True):
        _close_step(open_step, StepStatus.CANCELLED, actor)
    case.closed_at = timezone.now()
    CaseAccess.objects.filter(case=case).update(case_open=False)


# --- generic operations ----------------------------------------------------------------------------


def _sign(case, spec, step, actor, data):
    step.status = StepStatus.OPEN
    step.signed_at = timezone.now()
    step.save(update_fields=["status", "signed_at"])
    return _event(case, d.OP_SIGN, _("Signed for"), actor=actor, step=step, from_state=case.state,
                  comment=data.get("comment", ""))


def _return(case, spec, step, actor, data):
    reasons = dict(case.definition.return_reasons)
    _close_step(step, StepStatus.RETURNED, actor)
    review = _open_step(case, case.state, step.dispatcher_unit, kind=StepKind.REVIEW_RETURN, reviews=step,
                        data={"reason": data["reason"], "comment": data.get("comment", "")})
    _notify("case.returned", case, units=[step.dispatcher_unit], unit=step.unit.name,
            reason=f"{reasons.get(data['reason'], data['reason'])}：{data.get('comment', '')}")
    return _event(case, d.OP_RETURN, _("Returned"), actor=actor, step=step, from_state=case.state,
                  comment=data.get("comment", ""), data={"reason": data["reason"],
                                                        "reason_label": str(reasons.get(data["reason"], ""))},
                  deadline=review.deadline)


def _rule_return(case, spec, step, actor, data):
    returned = step.reviews
    if data["decision"] == "redispatch":
        units = _resolve_units(data.get("units"), actor, label=_("Units"))
        if not units:
            raise ActionRefused(_("Name the units to dispatch to."))
    else:
        units = [returned.unit]
    _close_step(step, StepStatus.DONE, actor)
    new_steps = [_open_step(case, returned.state, u, dispatcher=actor.org_unit) for u in units]
    for s in new_steps:
        _notify("case.dispatched", case, units=[s.unit], unit=s.unit.name, due=_fmt_due(s))
    if data["decision"] == "redispatch" and case.definition.on_redispatch is not None:
        case.definition.on_redispatch(case, new_steps, actor)
    return _event(case, d.OP_RULE_RETURN, _("Ruled on the return"), actor=actor, step=step, from_state=case.state,
                  comment=data.get("comment", ""),
                  data={"decision": data["decision"], "units": [u.code for u in units]},
                  deadline=new_steps[0].deadline)


def _request_extension(case, spec, step, actor, data):
    days = int(data["days"])
    step.extension_pending = True
    step.save(update_fields=["extension_pending"])
    review = _open_step(case, case.state, step.dispatcher_unit, kind=StepKind.REVIEW_EXTENSION, reviews=step,
                        data={"days": days, "reason": data.get("comment", "")})
    _notify("case.extension_requested", case, units=[step.dispatcher_unit], unit=step.unit.name, days=days,
            reason=data.get("comment", ""))
    return _event(case, d.OP_REQUEST_EXTENSION, _("Asked for more time"), actor=actor, step=step,
                  from_state=case.state, comment=data.get("comment", ""), data={"days": days},
                  deadline=review.deadline)


def _decide_extension(case, spec, step, actor, data):
    target = Step.objects.select_for_update().get(pk=step.reviews_id)
    approved = data["decision"] == "approve"
    days = int(step.data.get("days", 0))
    new_deadline = {}
    target.extension_pending = False
    if approved and target.is_open and target.due_at:
        result = deadlines.extend(target.due_at, target.deadline.get("rule", ""), days)
        target.due_at = result.deadline
        target.extended_days += days
        target.overdue = target.overdue and result.deadline < timezone.now()
        target.due_soon_notified = False
        new_deadline = {**result.as_dict(), "extension_of": days}
        target.deadline = {**target.deadline, "extended": new_deadline}
    target.save(update_fields=["due_at", "extended_days", "overdue", "due_soon_notified", "deadline",
                               "extension_pending"])
    _close_step(step, StepStatus.DONE, actor)
    _notify("case.extension_decided", case, units=[target.unit], unit=actor.org_unit.name, days=days,
            reason=(_("approved") if approved else _("refused"))
            + (f"：{data['comment']}" if data.get("comment") else ""),
            due=_fmt_due(target))
    return _event(case, d.OP_DECIDE_EXTENSION, _("Extension approved") if approved else _("Extension refused"),
                  actor=actor, step=target, from_state=case.state, comment=data.get("comment", ""),
                  data={"approved": approved, "days": days}, deadline=new_deadline)


def _urge(case, spec, step, actor, data):
    steps = spec.extra["steps"]
    Step.objects.filter(pk__in=[s.pk for s in steps]).update(urge_count=F("urge_count") + 1)
    label = _("Supervised (督办)") if data.get("kind") == "supervise" else _("Urged (催办)")
    _notify("case.urged", case, units=[s.unit for s in steps], unit=actor.org_unit.name,
            reason=data.get("comment", ""))
    return _event(case, d.OP_URGE, label, actor=actor, from_state=case.state, comment=data.get("comment", ""),
                  data={"kind": data.get("kind"), "units": [s.unit.code for s in steps]})


def _assign(case, spec, step, actor, data):
    name = str(data["assignee"]).strip()
    colleague = User.objects.filter(username=name, org_unit_id=actor.org_unit_id, is_active=True).first()
    if colleague is None:
        raise ActionRefused(_("%(name)s is not an active user of your unit.") % {"name": name})
    step.assignee = colleague
    step.save(update_fields=["assignee"])
    case.assignee = colleague
    return _event(case, d.OP_ASSIGN, _("Assigned"), actor=actor, step=step, from_state=case.state,
                  data={"assignee": colleague.username, "assignee_name": str(colleague)})


def _reassign(case, spec, step, actor, data):
    old = next((s for s in spec.extra["steps"] if str(s.pk) == str(data["step"])), None)
    if old is None:
        raise ActionRefused(_("Choose one of your dispatches."))
    old = Step.objects.select_for_update().get(pk=old.pk)
    if not old.is_open:
        raise StaleCase()
    unit = _resolve_units([data["unit"]], actor, label=_("New unit"))[0]
    if unit.pk == old.unit_id:
        raise ActionRefused(_("Choose a different unit."))
    _close_step(old, StepStatus.REASSIGNED, actor)
    new = _open_step(case, old.state, unit, dispatcher=actor.org_unit, keep_deadline=old)
    _notify("case.reassigned", case, units=[unit, old.unit], unit=unit.name, due=_fmt_due(new))
    if case.definition.on_redispatch is not None:
        case.definition.on_redispatch(case, [new], actor)
    return _event(case, d.OP_REASSIGN, _("Reassigned"), actor=actor, step=new, from_state=case.state,
                  comment=data.get("comment", ""), data={"from": old.unit.code, "to": unit.code},
                  deadline=new.deadline)


def _escalate(case, spec, step, actor, data):
    parent = actor.org_unit.region_parent or actor.org_unit.industry_parent
    _close_step(step, StepStatus.ESCALATED, actor)
    new = _open_step(case, step.state, parent, dispatcher=actor.org_unit)
    _notify("case.escalated", case, units=[parent], unit=actor.org_unit.name, due=_fmt_due(new),
            reason=data.get("comment", ""))
    return _event(case, d.OP_ESCALATE, _("Reported up a level"), actor=actor, step=step, from_state=case.state,
                  comment=data.get("comment", ""), data={"to": parent.code}, deadline=new.deadline)


def _reopen(case, spec, step, actor, data):
    reopen = case.definition.reopen
    from_state = case.state
    case.state = reopen.to_state
    case.closed_at = None
    case.reopen_count += 1
    CaseAccess.objects.filter(case=case).update(case_open=True)
    new = _open_step(case, reopen.to_state, actor.org_unit)
    _notify("case.reopened", case, units=[u.unit for u in case.access.select_related("unit")
                                          .filter(kind=AccessKind.HANDLER).exclude(unit=actor.org_unit)],
            unit=actor.org_unit.name, reason=data.get("comment", ""))
    return _event(case, d.OP_REOPEN, _("Reopened"), actor=actor, step=new, from_state=from_state,
                  to_state=reopen.to_state, comment=data.get("comment", ""), deadline=new.deadline)


def _comment(case, spec, step, actor, data):
    return _event(case, d.OP_COMMENT, _("Note"), actor=actor, from_state=case.state, comment=data.get("comment", ""))


OPERATIONS = {
    d.OP_SIGN: _sign,
    d.OP_RETURN: _return,
    d.OP_RULE_RETURN: _rule_return,
    d.OP_REQUEST_EXTENSION: _request_extension,
    d.OP_DECIDE_EXTENSION: _decide_extension,
    d.OP_URGE: _urge,
    d.OP_ASSIGN: _assign,
    d.OP_REASSIGN: _reassign,
    d.OP_ESCALATE: _escalate,
    d.OP_REOPEN: _reopen,
    d.OP_COMMENT: _comment,
}

__all__ = ["open_case", "perform", "next_number", "OPEN_STATUSES", "ValidationError"]
