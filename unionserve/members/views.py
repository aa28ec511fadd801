"""Member register pages: search, the member page (360°), edit, transfer and receive, duplicates, employers,
export. Thin: read through the scope, validate, call `actions`, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from unionserve.accounts.http import AuthenticatedHttpRequest
from unionserve.core import roles
from unionserve.core.scope import scope_of, scoped_view

from . import actions, duplicates, export, pii
from .forms import (
    EmployerSearchForm,
    ExportForm,
    MemberEditForm,
    MemberSearchForm,
    MergeForm,
    ReceiveForm,
    TransferForm,
)
from .models import Employer, Member, SpecialGroup
from .search import LIMIT, search_members
from .sections import render_sections

PAGE = 50


def _member(request: AuthenticatedHttpRequest, pk: int) -> Member:
    return scope_of(request.user).get_object_or_404(Member.objects.select_related("grassroots", "employer"), pk=pk)


def _query(request: AuthenticatedHttpRequest, drop: str = "page") -> str:
    query = request.GET.copy()
    query.pop(drop, None)
    return query.urlencode()


@scoped_view
@permission_required(roles.VIEW_MEMBERS, raise_exception=True)
@require_GET
def search(request: AuthenticatedHttpRequest) -> HttpResponse:
    """One box (name, initials, ID number, mobile, card) and filters; results as you type (htmx)."""
    form = MemberSearchForm(request.GET or None)
    flt = form.to_filter()
    result = search_members(request.user, flt)
    context = {"form": form, "result": result, "searched": not flt.is_empty, "limit": LIMIT,
               "query": _query(request)}
    if request.htmx and not request.htmx.history_restore_request:
        return render(request, "members/_results.html", context)
    user = request.user
    context.update(can_manage=user.has_perm(roles.MANAGE_MEMBERS), can_export=user.has_perm(roles.EXPORT_MEMBERS))
    return render(request, "members/search.html", context)


def _detail_context(request: AuthenticatedHttpRequest, member: Member, revealed: dict | None = None) -> dict:
    user = request.user
    return {
        "member": member,
        "revealed": revealed,
        "can_reveal": pii.can_reveal(user, member),
        "can_manage": user.has_perm(roles.MANAGE_MEMBERS),
        "history": member.history.select_related("grassroots", "employer").order_by("-since", "-id"),
        "groups": member.special_groups.select_related("set_by").order_by("-since", "-id"),
        "current_groups": [SpecialGroup(g).label for g in member.special_groups.filter(until__isnull=True)
                           .values_list("group", flat=True).distinct()],
        "sections": render_sections(member, user, request),
    }


@scoped_view
@permission_required(roles.VIEW_MEMBERS, raise_exception=True)
@require_GET
def detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The member page: identity (masked), where they belong and belonged, special groups, card, status."""
    member = _member(request, pk)
    return render(request, "members/detail.html", _detail_context(request, member))


@scoped_view
@permission_required(roles.VIEW_PII, raise_exception=True)
@never_cache
@require_POST
def reveal(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Show the clear ID number and mobile (audited); the identity card only under htmx."""
    member = _member(request, pk)
    revealed = pii.reveal(member, user=request.user, request=request)
    if request.htmx:
        return render(request, "members/_identity.html",
                      {"member": member, "revealed": revealed, "can_reveal": True})
    return render(request, "members/detail.html", _detail_context(request, member, revealed))


@scoped_view
@permission_required(roles.MANAGE_MEMBERS, raise_exception=True)
@require_http_methods(["GET", "POST"])
def edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Edit a member; a form loaded before somebody else's change is refused (Member.version)."""
    member = _member(request, pk)
    open_groups = set(member.special_groups.filter(until__isnull=True).values_list("group", flat=True))
    initial = {
        "version": member.version, "name": member.name, "phone": member.phone_masked,
        "employment": member.employment, "education": member.education, "hukou": member.hukou,
        "skill_certificate": member.skill_certificate, "honour": member.honour,
        "model_worker": SpecialGroup.MODEL_WORKER in open_groups, "hardship": member.hardship,
        "single_mother": member.single_mother, "card_number": member.card_number, "status": member.status,
    }
    form = MemberEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        changes = {name: data[name] for name in ("name", "employment", "education", "hukou", "skill_certificate",
                                                 "honour", "card_number", "status")}
        if data["phone"] != MemberEditForm.UNCHANGED:
            changes["phone"] = data["phone"]
        try:
            with transaction.atomic():
                member = actions.update_member(member, changes, expected_version=data["version"],
                                               acting_user=request.user, request=request)
                for group, value, detail_text in (
                    (SpecialGroup.MODEL_WORKER, data["model_worker"], data["honour"]),
                    (SpecialGroup.HARDSHIP, data["hardship"], ""),
                    (SpecialGroup.SINGLE_MOTHER, data["single_mother"], ""),
                    (SpecialGroup.SKILLED, bool(data["skill_certificate"]), data["skill_certificate"]),
                ):
                    actions.set_special_group(member, group, value, acting_user=request.user, detail=detail_text,
                                              source="page", request=request)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("members:detail", member.pk)
    return render(request, "members/edit.html", {"member": member, "form": form})


@scoped_view
@permission_required(roles.MANAGE_MEMBERS, raise_exception=True)
@require_http_methods(["GET", "POST"])
def transfer(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Move a member of the scope to another employer or union of the scope."""
    member = _member(request, pk)
    form = TransferForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            member = actions.transfer_member(member, to_employer=data["employer"], to_grassroots=data["grassroots"],
                                             reason=data["reason"], acting_user=request.user, request=request)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The member now belongs to %(unit)s.") % {"unit": member.grassroots.name})
            return redirect("members:detail", member.pk)
    return render(request, "members/transfer.html", {"member": member, "form": form})


@scoped_view
@permission_required(roles.MANAGE_MEMBERS, raise_exception=True)
@require_http_methods(["GET", "POST"])
def receive(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Receive a member from anywhere (接收) into a union of the scope, by full ID number and name."""
    form = ReceiveForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        member = actions.member_for_receipt(data["id_number"], data["name"])
        if member is None:
            form.add_error(None, _("No member with this ID number and name. A new member is added by import."))
        else:
            try:
                member = actions.transfer_member(member, to_employer=data["employer"],
                                                 to_grassroots=data["grassroots"], reason=data["reason"],
                                                 acting_user=request.user, request=request)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("The member now belongs to %(unit)s.") % {"unit": member.grassroots.name})
                return redirect("members:detail", member.pk)
    return render(request, "members/receive.html", {"form": form})


@scoped_view
@permission_required(roles.MANAGE_MEMBERS, raise_exception=True)
@require_GET
def duplicates_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Near-duplicates (same name and mobile, different ID numbers) in the scope, for review and merging."""
    groups, more = duplicates.near_duplicates(request.user)
    return render(request, "members/duplicates.html", {"groups": groups, "more": more})


@scoped_view
@permission_required(roles.MANAGE_MEMBERS, raise_exception=True)
@require_POST
def merge(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Merge the other members of a group into the chosen one."""
    form = MergeForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("members:duplicates")
    data = form.cleaned_data
    scope = scope_of(request.user)
    found = {m.pk: m for m in scope.filter(Member.objects.filter(pk__in=data["members"]))}
    if len(found) != len(data["members"]):
        raise Http404
    keep = found[data["keep"]]
    try:
        with transaction.atomic():
            for pk in data["members"]:
                if pk != keep.pk:
                    keep = actions.merge_members(keep, found[pk], acting_user=request.user, note=data["note"],
                                                 request=request)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("members:duplicates")
    messages.success(request, _("Merged into %(name)s.") % {"name": keep.name})
    return redirect("members:detail", keep.pk)


@scoped_view
@permission_required(roles.EXPORT_MEMBERS, raise_exception=True)
@require_http_methods(["GET", "POST"])
def export_members(request: AuthenticatedHttpRequest) -> HttpResponse | FileResponse:
    """Choose filters (prefilled from the search) and download the members as XLSX."""
    can_unmask = request.user.has_perm(roles.VIEW_PII)
    form = ExportForm(request.POST if request.method == "POST" else (request.GET or None))
    if not can_unmask:
        del form.fields["unmasked"]
    if request.method == "POST" and form.is_valid():
        unmasked = bool(form.cleaned_data.get("unmasked"))
        if unmasked and not can_unmask:
            raise PermissionDenied
        return export.export_members(request.user, form.to_filter(), unmasked=unmasked, request=request)
    return render(request, "members/export.html", {"form": form, "can_unmask": can_unmask})


@scoped_view
@permission_required(roles.VIEW_MEMBERS, raise_exception=True)
@require_GET
def employers(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Employers in the scope, by name prefix or USCC, with or without a union."""
    form = EmployerSearchForm(request.GET or None)
    qs = form.to_filter().apply(request.user, Employer.objects.select_related("station", "grassroots"))
    page = Paginator(qs.order_by("name", "pk"), PAGE).get_page(request.GET.get("page"))
    return render(request, "members/employers.html", {
        "form": form, "page": page, "query": _query(request),
        "can_export": request.user.has_perm(roles.EXPORT_MEMBERS),
    })


@scoped_view
@permission_required(roles.VIEW_MEMBERS, raise_exception=True)
@require_GET
def employer_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """An employer: where it sits, its union, and its members (masked, paginated)."""
    scope = scope_of(request.user)
    employer = scope.get_object_or_404(
        Employer.objects.select_related("station", "industry_union", "grassroots"), pk=pk)
    members = scope.filter(employer.members.select_related("grassroots")).order_by("name", "pk")
    by_status = dict(scope.filter(employer.members.all()).values("status").annotate(n=Count("id"))
                     .values_list("status", "n"))
    page = Paginator(members, PAGE).get_page(request.GET.get("page"))
    return render(request, "members/employer_detail.html", {
        "employer": employer, "page": page, "by_status": by_status, "count": sum(by_status.values()),
        "query": _query(request),
    })


@scoped_view
@permission_required(roles.EXPORT_MEMBERS, raise_exception=True)
@require_GET
def export_employers(request: AuthenticatedHttpRequest) -> HttpResponse | FileResponse:
    """Download the employers of the current list as XLSX."""
    form = EmployerSearchForm(request.GET or None)
    return export.export_employers(request.user, form.to_filter(), request=request)
