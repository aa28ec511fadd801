"""Pages: the inbox, a case with its timeline and the actions the user may take, opening a case,
attachments, and each process's help page with its diagram."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from unionserve.core.export import MAX_ROWS as EXPORT_MAX_ROWS
from unionserve.core.export import export_link, wants_xlsx, xlsx_response
from unionserve.core.scope import scope_exempt, scope_of, scoped_view
from unionserve.orgs.models import OrgUnit

from . import actions, inbox
from .diagrams import mermaid
from .errors import StaleCase
from .forms import ActionForm, InboxFilterForm, OpenCaseForm
from .models import Attachment, Case, CaseEvent
from .permissions import actions_for
from .registry import registry

PAGE = 25


def visible_case(request, number: str) -> Case:
    """A case the user may read (any of its units in scope), else 404."""
    return scope_of(request.user).get_object_or_404(Case.objects.select_related("owner_unit", "current_unit"),
                                                    number=number)


@scoped_view
@require_GET
def inbox_view(request, tab: str = "todo"):
    """To do, overdue, due soon, watching, filing copies, done — for the user's unit, all processes."""
    if tab not in inbox.TABS:
        raise Http404
    unit_id = request.user.org_unit_id
    # A personal scope (mediator/lawyer only) lists the user's own steps, not the whole unit's.
    assignee_id = inbox.personal_id(request.user)
    form = InboxFilterForm(request.GET or None, process_choices=registry.choices())
    filters = inbox.InboxFilter(**(form.cleaned_data if form.is_valid() else {}))
    if tab == "filed":
        qs = inbox.apply_filter(inbox.filed_cases(unit_id), filters, cases=True).select_related("current_unit")
    else:
        qs = inbox.apply_filter(inbox.steps_for(unit_id, tab, assignee_id=assignee_id), filters).select_related(
            "case", "unit", "dispatcher_unit")
        qs = qs.order_by("-completed_at") if tab == "done" else qs.order_by("due_at", "id")
    # Every row is already restricted to the user's own unit; scope narrows it again for safety.
    qs = scope_of(request.user).filter(qs) if tab == "filed" else qs
    if wants_xlsx(request):
        return _export_inbox(tab, qs)
    paginator = Paginator(qs, PAGE)
    unfiltered = not any(getattr(filters, f.name) for f in dataclasses.fields(filters))
    if tab == "filed" and assignee_id is None and unfiltered:
        # Counting through the join to cases reads every filing ever made; the access rows alone suffice.
        paginator.count = inbox.filed_count(unit_id)
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "workflow/inbox.html", {
        "tab": tab, "page": page, "form": form, "query": query.urlencode(),
        "counts": inbox.counts(unit_id, assignee_id=assignee_id), "processes": registry.all(),
        "openable": [p for p in registry.all() if _may_open(request.user, p)],
        "export_url": export_link(request),
    })


def _export_inbox(tab: str, qs):
    """The tab's filtered list as Excel, with the columns the page shows."""
    head = [_("Case number"), _("Title"), _("Process"), _("State")]
    limited = qs[:EXPORT_MAX_ROWS + 1]
    rows: Iterable[Sequence[Any]]
    if tab == "filed":
        headers = [*head, _("Handling unit"), _("Due"), pgettext("case", "Closed at")]
        rows = ((c.number, c.title, c.definition.label, c.state_label(),
                 c.current_unit.name if c.current_unit else "", c.due_at, c.closed_at) for c in limited)
    else:
        middle = {"watching": _("Handling unit"), "done": _("Done at")}.get(tab, pgettext("sending unit", "From"))
        headers = [*head, middle, _("Result") if tab == "done" else _("Due")]

        def middle_value(step):
            if tab == "watching":
                return step.unit.name
            if tab == "done":
                return step.completed_at
            return step.dispatcher_unit.name if step.dispatcher_unit else ""

        rows = ((s.case.number, s.case.title, s.case.definition.label, s.case.state_label(), middle_value(s),
                 s.get_status_display() if tab == "done" else s.due_at) for s in limited)
    return xlsx_response(filename=f"inbox-{tab}", title=_("My work"), headers=headers, rows=rows)


def _may_open(user, definition) -> bool:
    unit = user.org_unit
    return unit is not None and unit.level in definition.opening.levels and any(
        r in definition.opening.roles for r in user.role_names)


@scoped_view
@require_GET
def case_view(request, number: str):
    case = visible_case(request, number)
    return _render_case(request, case)


def _render_case(request, case: Case, failed: str | None = None, failed_form=None, status: int = 200):
    specs = [s for s in actions_for(case, request.user)
             if s.code == failed or s.transition is None or not s.transition.panel_only]
    forms = []
    for spec in specs:
        if spec.code == failed and failed_form is not None:
            form = failed_form
        else:
            initial = {"version": case.version, "step": spec.step.pk if spec.step else None}
            if spec.transition is not None and spec.transition.initial is not None:
                initial = {**spec.transition.initial(case, request.user), **initial}
            form = ActionForm(spec=spec, initial=initial)
        forms.append((spec, form))
    events = list(CaseEvent.objects.filter(case=case).select_related("actor", "actor_unit")
                  .prefetch_related("attachments"))
    _name_units(events)
    steps = case.steps.select_related("unit", "dispatcher_unit", "assignee").order_by("created_at", "id")
    definition = case.definition
    return render(request, "workflow/case.html", {
        "case": case, "definition": definition, "events": events, "steps": steps, "action_forms": forms,
        "failed": failed, "access": case.access.select_related("unit").order_by("kind", "unit__code"),
        "read_only": not specs,
    }, status=status)


def _name_units(events: list[CaseEvent]) -> None:
    """Give the timeline's dispatch entries their units' names (the events keep the codes): one query."""
    codes = {c for e in events for key in ("units", "filed") for c in (e.data or {}).get(key) or ()}
    names = dict(OrgUnit.objects.filter(code__in=codes).values_list("code", "name")) if codes else {}
    for e in events:
        for key in ("units", "filed"):
            setattr(e, f"{key}_named", [names.get(c, c) for c in (e.data or {}).get(key) or ()])


@scoped_view
@require_POST
def act(request, number: str, action: str):
    """Take one action; on a wrong input or a concurrent change, show the case again with the reason."""
    case = visible_case(request, number)
    spec = next((s for s in actions_for(case, request.user) if s.code == action), None)
    if spec is None:
        raise PermissionDenied(_("You cannot take this action on this case now."))
    form = ActionForm(request.POST, request.FILES, spec=spec)
    if not form.is_valid():
        messages.error(request, _("Check the form below."))
        return _render_case(request, case, failed=action, failed_form=form, status=400)
    data = dict(form.cleaned_data)
    version, step_id = data.pop("version"), data.pop("step")
    try:
        actions.perform(case, action, actor=request.user, data=data, version=version, step_id=step_id,
                        request=request)
    except StaleCase as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("workflow:case", case.number)
    except ValidationError as exc:
        form.add_error(None, exc)
        return _render_case(request, case, failed=action, failed_form=form, status=400)
    messages.success(request, _("Done: %(action)s.") % {"action": spec.label})
    return redirect("workflow:case", case.number)


@scoped_view
@require_http_methods(["GET", "POST"])
def open_view(request, process: str):
    try:
        definition = registry.get(process)
    except KeyError:
        raise Http404 from None
    if not _may_open(request.user, definition):
        raise PermissionDenied(
            _("Your roles do not include opening %(process)s cases.") % {"process": definition.label}
        )
    form = OpenCaseForm(request.POST or None, request.FILES or None, extra_fields=definition.opening.fields)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        employer = None
        if data["employer"]:
            employer = scope_of(request.user).filter(OrgUnit.objects.all()).filter(code=data["employer"]).first()
            if employer is None:
                form.add_error("employer", _("No unit with this code in your part of the organization."))
        if not form.errors:
            try:
                case = actions.open_case(
                    definition.code, actor=request.user, title=data["title"], channel=data["channel"],
                    priority=data["priority"], subject_name=data["subject_name"], employer=employer,
                    comment=data["comment"], files=data["files"],
                    data={f.name: data.get(f.name) for f in definition.opening.fields}, request=request,
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Case %(number)s opened.") % {"number": case.number})
                return redirect("workflow:case", case.number)
    return render(request, "workflow/open.html", {"form": form, "definition": definition})


@scoped_view
@require_GET
def attachment(request, pk: int):
    """Download a file only when its case is visible to the user."""
    att = Attachment.objects.select_related("case").filter(pk=pk).first()
    if att is None:
        raise Http404
    visible_case(request, att.case.number)
    return FileResponse(att.file.open("rb"), as_attachment=True, filename=att.original_name,
                        content_type=att.content_type)


@scope_exempt(reason="process definitions are public reference")
@require_GET
def process_list(request):
    return render(request, "workflow/processes.html", {"processes": registry.all()})


@scope_exempt(reason="process definitions are public reference")
@require_GET
def process_help(request, code: str):
    try:
        definition = registry.get(code)
    except KeyError:
        raise Http404 from None
    return render(request, "workflow/process.html", {"definition": definition, "diagram": mermaid(definition)})


@scoped_view
@require_GET
def counts_fragment(request):
    """The inbox badge in the navigation (htmx)."""
    return render(request, "workflow/_counts.html", {
        "counts": inbox.counts(request.user.org_unit_id, assignee_id=inbox.personal_id(request.user))})
