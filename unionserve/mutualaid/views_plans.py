"""Pages of the plans: enrolment (a unit's list, one member), the member's mutual aid and statement, the daily
card export, the quarterly medical batch and its two reviews, and the medical lines of the members in scope.

Who: the office (MANAGE_MUTUALAID: the mutual-insurance office, the city office) does the batch; the district
centers read their members (VIEW_MUTUALAID, VIEW_MEDICAL_LINES); stations enrol their members and read them
(ENROL_MUTUALAID). Every read goes through the user's scope; out of scope is 404.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from contextlib import contextmanager

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q, Sum
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from unionserve.core import roles
from unionserve.core.export import MAX_ROWS as EXPORT_MAX_ROWS
from unionserve.core.export import export_link, wants_xlsx, xlsx_response
from unionserve.core.scope import scope_of, scoped_view
from unionserve.members import public as members
from unionserve.orgs.models import OrgUnit

from . import actions, medical
from .catalog import MEDICAL
from .eligibility import REASONS
from .enrolling import COLUMNS as ENROL_COLUMNS
from .enrolling import contribution_default
from .forms_plans import EnrolForm, EnrolmentUploadForm, ExpenseUploadForm, ReviewForm
from .models import BatchState, CardExport, Enrolment, ExpenseBatch, ExpenseLine, FileImport, LineState, Plan, VisitKind
from .statement import statement, statement_pdf

PAGE = 25
FLAG_LABELS = {
    "over_cap": pgettext_lazy("medical line flag", "over the cap"),
    "near_cap": pgettext_lazy("medical line flag", "near the cap"),
    "outlier": pgettext_lazy("medical line flag", "outlier amount"),
    "doubt": pgettext_lazy("medical line flag", "eligibility doubt"),
    "sample": pgettext_lazy("medical line flag", "random sample"),
}


def _require(request, perm: str) -> None:
    if not request.user.has_perm(perm):
        raise PermissionDenied(_("Your roles do not allow this."))


def _unit(user, code: str) -> OrgUnit | None:
    code = (code or "").split(",")[0].strip()
    return scope_of(user).filter(OrgUnit.objects.active()).filter(code=code).first() if code else None


def _year(request) -> int:
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year", today.year))
    except ValueError:
        return today.year
    return year if 2000 <= year <= today.year + 1 else today.year


@contextmanager
def _saved(upload):
    """The upload as a file on disk (the readers take a path), removed afterwards."""
    suffix = os.path.splitext(upload.name)[1].lower()[:6]
    handle, path = tempfile.mkstemp(prefix="unionserve-mutualaid-", suffix=suffix)
    try:
        with os.fdopen(handle, "wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        yield path
    finally:
        os.unlink(path)


def _query(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


# --- overview and enrolment ----------------------------------------------------------------------------------

@scoped_view
@require_GET
def index(request):
    """The plans, with this year's enrolments in the user's scope."""
    _require(request, roles.VIEW_MUTUALAID)
    year = _year(request)
    counts = dict(scope_of(request.user).filter(Enrolment.objects.filter(year=year)).values_list("plan_id")
                  .annotate(n=Count("pk")).values_list("plan_id", "n"))
    plans = [(p, counts.get(p.pk, 0)) for p in Plan.objects.all()]
    user = request.user
    return render(request, "mutualaid/index.html", {
        "plans": plans, "year": year, "may_enrol": user.has_perm(roles.ENROL_MUTUALAID),
        "may_manage": user.has_perm(roles.MANAGE_MUTUALAID), "may_lines": user.has_perm(roles.VIEW_MEDICAL_LINES),
    })


@scoped_view
@require_GET
def enrolment_list(request):
    """Enrolments of members in scope, by plan and year, searchable by name."""
    _require(request, roles.VIEW_MUTUALAID)
    year = _year(request)
    qs = scope_of(request.user).filter(Enrolment.objects.select_related("member", "plan", "unit")).filter(year=year)
    plan = request.GET.get("plan", "")
    if plan:
        qs = qs.filter(plan__code=plan[:30])
    q = request.GET.get("q", "").strip()[:60]
    if q:
        qs = qs.filter(Q(member__name__contains=q) | Q(unit__name__contains=q))
    qs = qs.order_by("plan__order", "member__name", "pk")
    if wants_xlsx(request):
        return xlsx_response(
            filename="mutualaid-enrolments", title=_("Enrolments"),
            headers=[_("Member"), _("ID number"), _("Plan"), _("Plan year"), _("Enrolling unit"), _("Contribution"),
                     _("Paid on"), _("In social insurance")],
            rows=((e.member.name, e.member.id_masked, e.plan.name, e.year, e.unit.name, e.contribution, e.paid_on,
                   _("Yes") if e.in_social_insurance else _("No")) for e in qs[:EXPORT_MAX_ROWS + 1]))
    page = Paginator(qs, PAGE).get_page(request.GET.get("page"))
    return render(request, "mutualaid/enrolments.html", {
        "page": page, "query": _query(request), "year": year, "plan": plan, "q": q, "plans": Plan.objects.all(),
        "export_url": export_link(request), "may_enrol": request.user.has_perm(roles.ENROL_MUTUALAID),
    })


@scoped_view
@require_http_methods(["GET", "POST"])
def enrolment_import(request):
    """Upload a unit's enrolment list: all rows are written or none, with an error report."""
    _require(request, roles.ENROL_MUTUALAID)
    initial = {"unit": request.user.org_unit.code if request.user.org_unit else ""}
    form = EnrolmentUploadForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        unit = _unit(request.user, form.cleaned_data["unit"])
        if unit is None:
            form.add_error("unit", _("Choose a unit of your own scope."))
        else:
            upload = form.cleaned_data["file"]
            with _saved(upload) as path:
                imp = actions.import_enrolments(path=path, name=upload.name, unit=unit, acting_user=request.user,
                                                request=request)
            if imp.accepted:
                messages.success(request, _("%(n)d enrolments added.") % {"n": imp.created})
            else:
                messages.error(request, _("The list was refused: nothing was written. See the errors below."))
            return redirect("mutualaid:import", imp.pk)
    return render(request, "mutualaid/enrolment_import.html", {
        "form": form, "columns": [title for _key, title in ENROL_COLUMNS], "plans": Plan.objects.filter(active=True),
    }, status=400 if request.method == "POST" else 200)


@scoped_view
@require_GET
def enrolment_template(request):
    """The enrolment list's blank template."""
    _require(request, roles.ENROL_MUTUALAID)
    return xlsx_response(filename="mutualaid-enrolment-template", title=_("Enrolment list"),
                         headers=[title for _key, title in ENROL_COLUMNS], rows=[])


def _import(request, pk: int) -> FileImport:
    return scope_of(request.user).get_object_or_404(FileImport.objects.select_related("unit", "created_by"), pk=pk)


@scoped_view
@require_GET
def import_detail(request, pk: int):
    """A file read: accepted (rows written) or refused with its errors."""
    _require(request, roles.VIEW_MUTUALAID)
    imp = _import(request, pk)
    if imp.kind == "expenses" and not request.user.has_perm(roles.MANAGE_MUTUALAID):
        raise Http404
    return render(request, "mutualaid/import_detail.html", {"imp": imp, "errors": imp.errors[:200]})


@scoped_view
@require_GET
def import_errors(request, pk: int):
    """The error report (行号, 列, 值, 问题) as XLSX."""
    _require(request, roles.VIEW_MUTUALAID)
    imp = _import(request, pk)
    if imp.kind == "expenses" and not request.user.has_perm(roles.MANAGE_MUTUALAID):
        raise Http404
    return xlsx_response(filename=f"mutualaid-errors-{imp.pk}", title="错误报告", headers=["行号", "列", "值", "问题"],
                         rows=imp.errors)


# --- one member ----------------------------------------------------------------------------------------------

def _member(request, member_id: int):
    member = members.get_member(member_id, user=request.user)
    if member is None:
        raise Http404
    return member


@scoped_view
@require_GET
def member_page(request, member_id: int):
    """A member's plans, medical lines, what was paid this year and what remains of the cap (the statement)."""
    _require(request, roles.VIEW_MUTUALAID)
    member = _member(request, member_id)
    year = _year(request)
    st = statement(member, year)
    show_lines = request.user.has_perm(roles.VIEW_MEDICAL_LINES)
    return render(request, "mutualaid/member.html", {
        "member": member, "st": st, "year": year, "show_lines": show_lines, "flag_labels": FLAG_LABELS,
        "may_enrol": request.user.has_perm(roles.ENROL_MUTUALAID),
        "years": range(timezone.localdate().year, timezone.localdate().year - 4, -1),
    })


@scoped_view
@require_GET
def member_statement_pdf(request, member_id: int):
    """The member's statement (explanation of benefits) for a year, as PDF."""
    _require(request, roles.VIEW_MEDICAL_LINES)
    member = _member(request, member_id)
    year = _year(request)
    pdf = statement_pdf(statement(member, year))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="mutualaid-statement-{member.pk}-{year}.pdf"'
    return response


@scoped_view
@require_http_methods(["GET", "POST"])
def member_enrol(request, member_id: int):
    """Enrol one member in a plan (the station's form; the unit defaults to the member's union)."""
    _require(request, roles.ENROL_MUTUALAID)
    member = _member(request, member_id)
    today = timezone.localdate()
    medical_plan = Plan.objects.filter(code=MEDICAL).first()
    initial = {"unit": member.grassroots.code, "year": today.year, "plan": medical_plan, "paid_on": today,
               "contribution": contribution_default(medical_plan, today) if medical_plan else None,
               "in_social_insurance": True}
    form = EnrolForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        unit = _unit(request.user, form.cleaned_data["unit"])
        if unit is None:
            form.add_error("unit", _("Choose a unit of your own scope."))
        else:
            data = form.cleaned_data
            try:
                actions.enrol(member=member, plan=data["plan"], year=data["year"], unit=unit,
                              contribution=data["contribution"], paid_on=data["paid_on"],
                              in_social_insurance=data["in_social_insurance"], acting_user=request.user,
                              request=request)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Enrolled."))
                return redirect("mutualaid:member", member.pk)
    return render(request, "mutualaid/enrol.html", {"form": form, "member": member},
                  status=400 if request.method == "POST" else 200)


def member_section(member, user) -> dict | None:
    """The member page's mutual-aid section: this year's plans, paid and remaining (in the user's scope)."""
    if not user.has_perm(roles.VIEW_MUTUALAID):
        return None
    if not scope_of(user).filter(members.Member.objects.filter(pk=member.pk)).exists():
        return None
    year = timezone.localdate().year
    st = statement(member, year)
    if not st.enrolments and not st.lines:
        return {"st": None, "year": year}
    return {"st": st, "year": year, "show_lines": user.has_perm(roles.VIEW_MEDICAL_LINES)}


# --- the daily card export --------------------------------------------------------------------------------------

@scoped_view
@require_http_methods(["GET", "POST"])
def card_exports(request):
    """The daily export of valid card holders for the social-security center, and the exports made."""
    _require(request, roles.MANAGE_MUTUALAID)
    if request.method == "POST":
        try:
            day = dt.date.fromisoformat(request.POST.get("day", "")[:10])
        except ValueError:
            day = None
        today = timezone.localdate()
        if day is None or day > today or day.year < today.year - 1:
            messages.error(request, _("Choose a day of this or last year, not in the future."))
            return redirect("mutualaid:card_exports")
        data, log = actions.export_cards(day=day, acting_user=request.user, request=request)
        response = HttpResponse(data, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="jingka-valid-{day:%Y%m%d}.csv"'
        response["X-Checksum-SHA256"] = log.sha256
        return response
    logs = Paginator(CardExport.objects.select_related("created_by"), PAGE).get_page(request.GET.get("page"))
    return render(request, "mutualaid/card_exports.html", {"page": logs, "today": timezone.localdate(),
                                                           "header": actions.EXPORT_HEADER})


@scoped_view
@require_GET
def card_export_checksum(request, pk: int):
    """The export's checksum file (sha256sum format), for the center to verify the transfer."""
    _require(request, roles.MANAGE_MUTUALAID)
    log = CardExport.objects.filter(pk=pk).first()
    if log is None:
        raise Http404
    body = f"{log.sha256}  jingka-valid-{log.day:%Y%m%d}.csv\n"
    response = HttpResponse(body, content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="jingka-valid-{log.day:%Y%m%d}.csv.sha256"'
    return response


# --- the quarterly batch --------------------------------------------------------------------------------------

def _batch(request, pk: int) -> ExpenseBatch:
    _require(request, roles.MANAGE_MUTUALAID)
    return scope_of(request.user).get_object_or_404(
        ExpenseBatch.objects.select_related("office", "imported_by", "first_reviewer", "second_reviewer"), pk=pk)


@scoped_view
@require_GET
def batch_list(request):
    """The quarters' batches."""
    _require(request, roles.MANAGE_MUTUALAID)
    qs = scope_of(request.user).filter(ExpenseBatch.objects.select_related("office"))
    page = Paginator(qs, PAGE).get_page(request.GET.get("page"))
    return render(request, "mutualaid/batches.html", {"page": page, "query": _query(request)})


@scoped_view
@require_http_methods(["GET", "POST"])
def batch_import(request):
    """Read a quarter's expense file into a new batch (or show why it was refused)."""
    _require(request, roles.MANAGE_MUTUALAID)
    today = timezone.localdate()
    form = ExpenseUploadForm(request.POST or None, request.FILES or None,
                             initial={"year": today.year, "quarter": (today.month - 1) // 3 + 1})
    if request.method == "POST" and form.is_valid():
        upload, data = form.cleaned_data["file"], form.cleaned_data
        try:
            with _saved(upload) as path:
                batch = actions.import_expenses(path=path, name=upload.name, year=data["year"],
                                                quarter=data["quarter"], office=request.user.org_unit,
                                                acting_user=request.user, request=request)
        except medical.BatchRefused as refused:
            messages.error(request, _("The file was refused whole: nothing was written. See the errors below."))
            return redirect("mutualaid:import", refused.record.pk)
        messages.success(request, _("%(n)d lines read.") % {"n": batch.lines})
        return redirect("mutualaid:batch", batch.pk)
    return render(request, "mutualaid/batch_import.html", {"form": form, "columns": [t for _k, t in medical.COLUMNS]},
                  status=400 if request.method == "POST" else 200)


LINE_FILTERS = {
    "flagged": Q(state=LineState.FLAGGED), "rejected": Q(state=LineState.REJECTED),
    "refused": Q(state=LineState.REFUSED), "payable": Q(state__in=[LineState.ACCEPTED, LineState.CLEARED]),
    "requested": Q(state=LineState.REQUESTED), "paid": Q(state=LineState.PAID), "failed": Q(state=LineState.FAILED),
}


FILTER_LABELS = [(code, pgettext_lazy("medical line", "Payable") if code == "payable" else LineState(code).label)
                 for code in LINE_FILTERS]


@scoped_view
@require_GET
def batch_detail(request, pk: int):
    """A batch: its totals, its lines by state, and the review's actions."""
    batch = _batch(request, pk)
    qs = batch.expense_lines.select_related("member", "reviewed_by").order_by("row")
    show = request.GET.get("show", "flagged" if batch.state == BatchState.FIRST_REVIEW and batch.flagged else "")
    if show in LINE_FILTERS:
        qs = qs.filter(LINE_FILTERS[show])
    flag = request.GET.get("flag", "")
    if flag in FLAG_LABELS:
        qs = qs.filter(flags__contains=flag)
    if wants_xlsx(request):
        return xlsx_response(
            filename=f"mutualaid-batch-{batch}", title=str(batch),
            headers=[_("Row"), _("Member"), _("ID number"), _("Hospital"), _("Visit"), _("Visit from"), _("Visit to"),
                     _("Self-paid"), _("Computed"), _("Payout"), _("State"), _("Reason"), _("Flags")],
            rows=((ln.row, ln.member.name if ln.member else ln.name, ln.id_masked, ln.hospital,
                   ln.get_visit_kind_display(), ln.visit_from, ln.visit_to, ln.self_paid, ln.computed, ln.payout,
                   ln.get_state_display(), str(REASONS.get(ln.reason, ln.reason)), ln.flags)
                  for ln in qs[:EXPORT_MAX_ROWS + 1]))
    by_state = dict(batch.expense_lines.values_list("state").annotate(n=Count("pk")).values_list("state", "n"))
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    user = request.user
    return render(request, "mutualaid/batch.html", {
        "batch": batch, "page": page, "query": _query(request), "show": show, "flag": flag,
        "by_state": [(s, label, by_state.get(s, 0)) for s, label in LineState.choices],
        "flag_labels": FLAG_LABELS, "reasons": REASONS,
        "export_url": export_link(request), "review_form": ReviewForm(),
        "may_review_lines": batch.state == BatchState.FIRST_REVIEW,
        "may_second": batch.state == BatchState.SECOND_REVIEW and batch.first_reviewer_id != user.pk,
        "LineState": LineState,
    })


def _act(request, fn, *args, **kwargs):
    try:
        fn(*args, acting_user=request.user, request=request, **kwargs)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return False
    return True


@scoped_view
@require_POST
def line_review(request, pk: int, line_pk: int):
    """The first reviewer clears or refuses a line."""
    batch = _batch(request, pk)
    line = batch.expense_lines.filter(pk=line_pk).first()
    if line is None:
        raise Http404
    form = ReviewForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    decision = request.POST.get("decision")
    if decision == "clear":
        if _act(request, actions.clear_line, line, note=note):
            messages.success(request, _("Line %(row)d cleared.") % {"row": line.row})
    elif decision == "refuse":
        if _act(request, actions.refuse_line, line, note=note):
            messages.success(request, _("Line %(row)d refused.") % {"row": line.row})
    else:
        return HttpResponse(_("Unknown decision."), status=400)
    return redirect(f"{request.path.rsplit('/lines/', 1)[0]}/?{request.POST.get('back', '')[:200]}")


@scoped_view
@require_POST
def batch_finish(request, pk: int):
    """The first reviewer signs the batch off."""
    batch = _batch(request, pk)
    if _act(request, actions.finish_first_review, batch):
        messages.success(request, _("First review done: the batch waits for the second review by another person."))
    return redirect("mutualaid:batch", batch.pk)


@scoped_view
@require_POST
def batch_approve(request, pk: int):
    """The second reviewer approves: the payable lines are asked to be paid."""
    batch = _batch(request, pk)
    if _act(request, actions.approve_batch, batch):
        messages.success(request, _("Approved: the payments wait for the next payout batch."))
    return redirect("mutualaid:batch", batch.pk)


@scoped_view
@require_POST
def batch_return(request, pk: int):
    """The second reviewer sends the batch back to the first review."""
    batch = _batch(request, pk)
    form = ReviewForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    if _act(request, actions.return_to_first_review, batch, note=note):
        messages.success(request, _("Sent back to the first review."))
    return redirect("mutualaid:batch", batch.pk)


# --- the medical lines of members in scope ---------------------------------------------------------------------

@scoped_view
@require_GET
def line_list(request):
    """Medical lines of the members in the user's scope (districts, stations)."""
    _require(request, roles.VIEW_MEDICAL_LINES)
    year = _year(request)
    qs = scope_of(request.user).filter(ExpenseLine.objects.select_related("member", "batch")).filter(
        visit_from__year=year).order_by("-visit_from", "pk")
    show = request.GET.get("show", "")
    if show in LINE_FILTERS:
        qs = qs.filter(LINE_FILTERS[show])
    q = request.GET.get("q", "").strip()[:60]
    if q:
        qs = qs.filter(Q(member__name__contains=q) | Q(hospital__contains=q))
    totals = qs.aggregate(paid=Sum("payout", filter=Q(state=LineState.PAID)))
    page = Paginator(qs, PAGE).get_page(request.GET.get("page"))
    return render(request, "mutualaid/lines.html", {
        "page": page, "query": _query(request), "year": year, "show": show, "q": q, "filters": FILTER_LABELS,
        "paid": totals["paid"] or 0, "reasons": REASONS,
    })


@scoped_view
@require_GET
def line_detail(request, pk: int):
    """One medical line and how it was computed."""
    _require(request, roles.VIEW_MEDICAL_LINES)
    line = scope_of(request.user).get_object_or_404(
        ExpenseLine.objects.select_related("member", "batch", "reviewed_by"), pk=pk)
    from .statement import rule_text

    return render(request, "mutualaid/line.html", {
        "line": line, "rule": rule_text(line), "flag_labels": FLAG_LABELS, "reasons": REASONS,
        "VisitKind": VisitKind, "may_manage": request.user.has_perm(roles.MANAGE_MUTUALAID),
    })
