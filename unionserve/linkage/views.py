"""Pages of six-party linkage: partners, referrals, referring a case, receiving a referral, the outcome."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from unionserve.core import roles
from unionserve.core.scope import scope_of, scoped_view
from unionserve.orgs.models import OrgUnit
from unionserve.workflow.models import Case
from unionserve.workflow.registry import registry

from . import actions, rules
from .forms import IncomingForm, LinkForm, OutcomeForm, PartnerForm, ReferralFilterForm, ReferralForm
from .models import PartnerBody, PartnerKind, Referral, ReferralStatus

PAGE = 25
#: Processes a partner's referral may open a case of (seed 003 §四: labour-dispute mediation and legal aid);
#: a referral about any other case is linked to it instead.
INTAKE = ("mediation", "mediation_up", "legalaid", "legalaid_up")
LATER_STATUSES = (ReferralStatus.IN_PROGRESS, ReferralStatus.CONCLUDED, ReferralStatus.DECLINED)


def _case(request, number: str) -> Case:
    return scope_of(request.user).get_object_or_404(Case.objects.select_related("owner_unit"), number=number)


def _referral(request, pk: int) -> Referral:
    return scope_of(request.user).get_object_or_404(
        Referral.objects.select_related("case", "partner", "partner__unit", "unit", "recorded_by"), pk=pk)


def openable_processes(user) -> list:
    """The intake processes (mediation, legal aid) the user may open a case of, in INTAKE order."""
    unit = user.org_unit
    if unit is None:
        return []
    found = [registry.get(code) for code in INTAKE if code in registry]
    return [d for d in found if unit.level in d.opening.levels and any(r in d.opening.roles for r in user.role_names)]


# --- the panel on the case page ------------------------------------------------------------------


def case_panel(case: Case, user) -> dict | None:
    """Referrals of a case (the case is one the user may read), and whether the user may refer it."""
    if user is None or not user.is_authenticated:
        return None
    referrals = list(case.referrals.select_related("partner", "partner__unit").order_by("referred_on", "id"))
    may = actions.may_refer(case, user)
    if not referrals and not may:
        return None
    return {"referrals": referrals, "may_refer": may}


# --- partners -----------------------------------------------------------------------------------


@scoped_view
@permission_required(roles.REFER_CASES, raise_exception=True)
@require_GET
def partners(request):
    qs = actions.visible_partners(request.user).select_related("unit").annotate(
        n_referrals=Count("referrals"))
    kind = request.GET.get("kind", "")
    if kind in PartnerKind.values:
        qs = qs.filter(kind=kind)
    text = request.GET.get("q", "").strip()
    if text:
        qs = qs.filter(Q(name__icontains=text) | Q(unit__name__icontains=text))
    page = Paginator(qs.order_by("unit__code", "kind", "name"), PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "linkage/partners.html", {
        "page": page, "kinds": PartnerKind.choices, "kind": kind, "q": text, "query": query.urlencode(),
        "may_add": actions.may_edit_partner(None, request.user)})


@scoped_view
@permission_required(roles.REFER_CASES, raise_exception=True)
@require_http_methods(["GET", "POST"])
def partner_edit(request, pk: int | None = None):
    partner = None
    if pk is not None:
        partner = scope_of(request.user).get_object_or_404(PartnerBody.objects.select_related("unit"), pk=pk)
        if not actions.may_edit_partner(partner, request.user):
            raise PermissionDenied
    initial = {"active": True, "unit": request.user.org_unit.code if request.user.org_unit_id else ""}
    if partner is not None:
        initial = {"version": partner.version, "kind": partner.kind, "name": partner.name, "unit": partner.unit.code,
                   "contact_person": partner.contact_person, "phone": partner.phone, "address": partner.address,
                   "active": partner.active}
    form = PartnerForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        unit = scope_of(request.user).filter(OrgUnit.objects.active()).filter(code=data.pop("unit").strip()).first()
        version = data.pop("version")
        if unit is None:
            form.add_error("unit", _("No active unit with this code in your part of the organization."))
        else:
            try:
                partner = actions.save_partner(partner, acting_user=request.user, version=version, unit=unit, **data)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Partner %(name)s saved.") % {"name": partner.name})
                return redirect("linkage:partners")
    return render(request, "linkage/partner_form.html", {"form": form, "partner": partner},
                  status=400 if request.method == "POST" else 200)


# --- referrals ----------------------------------------------------------------------------------


@scoped_view
@permission_required(roles.REFER_CASES, raise_exception=True)
@require_GET
def referrals(request):
    form = ReferralFilterForm(request.GET or None)
    qs = scope_of(request.user).filter(Referral.objects.all()).select_related(
        "case", "partner", "partner__unit", "unit")
    if form.is_valid():
        f = form.cleaned_data
        if f["direction"]:
            qs = qs.filter(direction=f["direction"])
        if f["status"]:
            qs = qs.filter(status=f["status"])
        if f["kind"]:
            qs = qs.filter(partner__kind=f["kind"])
        if f["number"]:
            qs = qs.filter(case__number=f["number"].strip())
        if f["unlinked"]:
            qs = qs.filter(case__isnull=True)
    page = Paginator(qs.order_by("-referred_on", "-id"), PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "linkage/referrals.html", {"page": page, "form": form, "query": query.urlencode()})


@scoped_view
@permission_required(roles.REFER_CASES, raise_exception=True)
@require_http_methods(["GET", "POST"])
def refer(request, number: str):
    """Refer a case the user may act on to a partner body."""
    case = _case(request, number)
    if not actions.may_refer(case, request.user):
        raise PermissionDenied(_("Your roles or your part of the organization do not allow referring this case."))
    form = ReferralForm(request.POST or None, partners=actions.visible_partners(request.user))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.refer_case(case, acting_user=request.user, partner=data["partner"],
                               referred_on=data["referred_on"], reason=data["reason"], contact=data["contact"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Case %(number)s referred to %(partner)s.") % {
                "number": case.number, "partner": data["partner"].name})
            return redirect("workflow:case", case.number)
    return render(request, "linkage/refer.html", {"form": form, "case": case},
                  status=400 if request.method == "POST" else 200)


@scoped_view
@permission_required(roles.REFER_CASES, raise_exception=True)
@require_http_methods(["GET", "POST"])
def incoming(request):
    """Record a referral received from a partner: open a case for it, link it to a case, or keep it for later."""
    processes = openable_processes(request.user)
    code = request.GET.get("process", "")
    definition = next((d for d in processes if d.code == code), None)
    if code and definition is None:
        raise Http404
    form = IncomingForm(request.POST or None, partners=actions.visible_partners(request.user), definition=definition)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        common = {"partner": data["partner"], "referred_on": data["referred_on"], "reason": data["reason"],
                  "contact": data["contact"]}
        try:
            if definition is not None:
                referral = actions.receive_and_open(
                    acting_user=request.user, process=definition.code, title=data["title"],
                    subject_name=data["subject_name"], opening_data=form.opening_data(), **common)
            else:
                case = None
                if data["case_number"].strip():
                    case = scope_of(request.user).filter(Case.objects.all()).filter(
                        number=data["case_number"].strip()).first()
                    if case is None:
                        raise ValidationError(_("No case with this number in your part of the organization."))
                referral = actions.receive_referral(acting_user=request.user, case=case, **common)
        except ValidationError as exc:
            form.add_error(None, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc) or _("You do not have permission to do this."))
        else:
            if referral.case is not None:
                messages.success(request, _("Referral recorded on case %(number)s.") % {"number": referral.case.number})
                return redirect("workflow:case", referral.case.number)
            messages.success(request, _("Referral recorded; link it to a case when there is one."))
            return redirect("linkage:referral", referral.pk)
    return render(request, "linkage/incoming.html", {"form": form, "processes": processes, "definition": definition},
                  status=400 if request.method == "POST" else 200)


@scoped_view
@permission_required(roles.REFER_CASES, raise_exception=True)
@require_http_methods(["GET", "POST"])
def referral_detail(request, pk: int):
    """One referral, with the forms to record its outcome and (if unlinked) link it to a case."""
    referral = _referral(request, pk)
    allowed = rules.NEXT_STATUSES.get(referral.status, ())
    may_act = referral.case is None or actions.may_refer(referral.case, request.user)
    outcome_form = OutcomeForm(initial={"version": referral.version, "outcome": referral.outcome,
                                        "outcome_on": referral.outcome_on, "amount": referral.amount},
                               allowed=allowed, prefix="outcome")
    link_form = LinkForm(initial={"version": referral.version}, prefix="link")
    status = 200
    if request.method == "POST":
        if not may_act:
            raise PermissionDenied
        which = request.POST.get("which")
        try:
            if which == "outcome":
                # Every later status is offered to the form; the rules (after the version check) say what is
                # allowed now, so a second user working from an old page is told the record changed.
                outcome_form = OutcomeForm(request.POST, allowed=LATER_STATUSES, prefix="outcome")
                if outcome_form.is_valid():
                    d = outcome_form.cleaned_data
                    actions.record_outcome(referral, acting_user=request.user, version=d["version"],
                                           status=d["status"], outcome=d["outcome"], outcome_on=d["outcome_on"],
                                           amount=d["amount"])
                    messages.success(request, _("Outcome recorded."))
                    return redirect("linkage:referral", referral.pk)
            elif which == "link":
                link_form = LinkForm(request.POST, prefix="link")
                if link_form.is_valid():
                    d = link_form.cleaned_data
                    case = scope_of(request.user).filter(Case.objects.all()).filter(
                        number=d["case_number"].strip()).first()
                    if case is None:
                        link_form.add_error("case_number",
                                            _("No case with this number in your part of the organization."))
                    else:
                        actions.link_case(referral, acting_user=request.user, version=d["version"], case=case)
                        messages.success(request, _("Referral linked to case %(number)s.") % {"number": case.number})
                        return redirect("linkage:referral", referral.pk)
            else:
                raise Http404
        except actions.StaleRecord as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("linkage:referral", referral.pk)
        except ValidationError as exc:
            (outcome_form if which == "outcome" else link_form).add_error(None, exc)
        except PermissionDenied as exc:
            (outcome_form if which == "outcome" else link_form).add_error(None, str(exc))
        status = 400
    return render(request, "linkage/referral.html", {
        "referral": referral, "outcome_form": outcome_form, "link_form": link_form, "may_act": may_act,
        "allowed": allowed}, status=status)
