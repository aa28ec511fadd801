"""Pages of service projects: the project list and page, the proposal, merchants, the catalogue (staff and public),
members' rating links, evaluations, the worker-needs survey and the statistics. Thin: check the role and the
scope, call actions.py, render."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from unionserve.core import roles
from unionserve.core.export import MAX_ROWS as EXPORT_MAX_ROWS
from unionserve.core.export import export_link, wants_xlsx, xlsx_response
from unionserve.core.paging import MAX_PAGE, LookaheadPaginator
from unionserve.core.queries import prefix_q
from unionserve.core.scope import scope_exempt, scope_of, scoped_view
from unionserve.core.units import UnitKind
from unionserve.orgs.models import OrgUnit
from unionserve.workflow.errors import ActionRefused

from . import actions, ratelimit, statistics
from .evaluation import figures
from .forms import AnswerForm, MerchantForm, ProposalForm, RatingForm, RatingLinkForm, SurveyForm, questions_text
from .models import Brand, Category, Merchant, Project, QuestionKind, RunLevel, Survey, WorkerGroup

PAGE = 25
CATALOGUE_PAGE = 20
#: Public portal: ratings and survey answers a connection may send per hour (a bound against scripts).
PORTAL_POSTS_PER_HOUR = 30


def _require(request, perm: str) -> None:
    if not request.user.has_perm(perm):
        raise PermissionDenied(_("Your roles do not include this work."))


class BadInput(Exception):
    pass


def _page_number(request) -> int:
    raw = request.GET.get("page", "1") or "1"
    try:
        number = int(raw)
    except ValueError:
        raise BadInput(_("The page number must be a whole number.")) from None
    if not 1 <= number <= MAX_PAGE:
        raise BadInput(_("The page number must be between 1 and %(max)d.") % {"max": MAX_PAGE})
    return number


def _year(request, default: int) -> int:
    raw = request.GET.get("year") or str(default)
    try:
        year = int(raw)
    except ValueError:
        raise BadInput(_("The year must be a whole number.")) from None
    if not 2000 <= year <= 2100:
        raise BadInput(_("The year must be between 2000 and 2100."))
    return year


def _bad(request, exc: BadInput) -> HttpResponse:
    return HttpResponseBadRequest(str(exc))


def _query(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def districts():
    return OrgUnit.objects.active().filter(kind__in=actions.DISTRICT_KINDS).order_by("code")


def _states() -> list[tuple[str, str]]:
    from .process import PROCESS

    return [(s.code, str(s.label)) for s in PROCESS.states]


# --- projects -------------------------------------------------------------------------------------------


def _filtered_projects(request):
    qs = scope_of(request.user).filter(Project.objects.select_related("case", "merchant", "run_unit", "owner_unit"))
    f = {k: request.GET.get(k, "")[:40] for k in ("state", "category", "brand", "run_level", "q")}
    if f["state"]:
        qs = qs.filter(case__state=f["state"])
    for key in ("category", "brand", "run_level"):
        if f[key]:
            qs = qs.filter(**{key: f[key]})
    q = f["q"].strip()
    if q:
        qs = qs.filter(prefix_q("code", q.upper()) | Q(name__contains=q) | Q(merchant__name__contains=q)
                       | Q(plaque_number=q.upper()))
    return qs.order_by("-created_at"), f


@scoped_view
@require_GET
def project_list(request):
    """Projects in the user's scope (proposed by or run at units in it), with filters and an Excel export."""
    _require(request, roles.VIEW_PROJECTS)
    qs, f = _filtered_projects(request)
    if wants_xlsx(request):
        return xlsx_response(
            filename="service-projects", title=_("Service projects"),
            headers=[_("Code"), _("Project name"), _("Category"), _("Brand project"), _("Run by"), _("Running unit"),
                     _("Merchant"), _("State"), _("Plaque number"), _("Yearly subsidy (yuan)"), _("Offer to members")],
            rows=((p.code, p.name, p.get_category_display(), p.get_brand_display(), p.get_run_level_display(),
                   p.run_unit.name, p.merchant.name, p.case.state_label(), p.plaque_number or "",
                   p.subsidy, p.offer) for p in qs[:EXPORT_MAX_ROWS + 1]))
    try:
        number = _page_number(request)
    except BadInput as exc:
        return _bad(request, exc)
    page = Paginator(qs, PAGE).get_page(number)
    return render(request, "projects/list.html", {
        "page": page, "query": _query(request), "f": f, "states": _states(), "categories": Category.choices,
        "brands": Brand.choices, "levels": RunLevel.choices, "export_url": export_link(request),
        "may_propose": request.user.has_perm(roles.PROPOSE_PROJECTS)})


@scoped_view
@require_http_methods(["GET", "POST"])
def propose(request):
    """The proposal page: the merchant picked from the list, the running unit from the unit picker."""
    _require(request, roles.PROPOSE_PROJECTS)
    form = ProposalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["survey"] = data["survey"].pk if data.get("survey") else None
        try:
            case = actions.propose(acting_user=request.user, data=data, request=request)
        except (ActionRefused, PermissionDenied) as exc:
            form.add_error(None, exc.messages[0] if isinstance(exc, ActionRefused) else str(exc))
        else:
            messages.success(request, _("Project %(code)s proposed. Next: inspect the merchant and submit the "
                                        "report.") % {"code": case.number})
            return redirect("projects:detail", case.number)
    return render(request, "projects/propose.html", {"form": form}, status=400 if form.errors else 200)


@scoped_view
@require_http_methods(["GET", "POST"])
def project_detail(request, code: str):
    """A project: what it offers, the merchant, the agreement, the plaque, its figures and evaluations."""
    _require(request, roles.VIEW_PROJECTS)
    project = scope_of(request.user).get_object_or_404(
        Project.objects.select_related("case", "merchant", "run_unit", "owner_unit", "district", "survey"),
        code=code[:20])
    link = None
    link_form = RatingLinkForm(request.POST or None)
    may_link = request.user.has_perm(roles.MANAGE_MERCHANTS) and project.listed
    if request.method == "POST":
        if not may_link:
            raise PermissionDenied(_("Your roles do not include this work."))
        if link_form.is_valid():
            from unionserve.members.public import find_member

            member = find_member(id_number=link_form.cleaned_data["id_number"].strip(), user=request.user)
            if member is None:
                link_form.add_error("id_number", _("No member with this ID number in your part of the register."))
            else:
                link = request.build_absolute_uri(
                    reverse("projects:rate", args=[actions.rating_token(project, member.pk)]))
    year = timezone.localdate().year
    return render(request, "projects/detail.html", {
        "project": project, "case": project.case, "agreements": project.agreements.all(),
        "evaluations": project.evaluations.all(),
        "figures": figures(project, dt.date(year, 1, 1), dt.date(year, 12, 31)), "year": year,
        "may_link": may_link, "link_form": link_form, "link": link,
        "may_evaluations": request.user.has_perm(roles.VIEW_PROJECT_EVALUATIONS)},
        status=400 if link_form.errors else 200)


# --- merchants -------------------------------------------------------------------------------------------


def _merchants(request):
    qs = Merchant.objects.select_related("district")
    q = request.GET.get("q", "").strip()[:40]
    district, category = request.GET.get("district", "")[:20], request.GET.get("category", "")[:12]
    if q:
        qs = qs.filter(Q(name__contains=q) | Q(uscc__startswith=q.upper()) | Q(address__contains=q))
    if district:
        qs = qs.filter(district__code=district)
    if category:
        qs = qs.filter(category=category)
    return qs, {"q": q, "district": district, "category": category}


@scope_exempt(reason="the merchant list is city-wide reference data (businesses, no personal data), gated by "
                     "VIEW_PROJECTS")
@require_GET
def merchant_list(request):
    _require(request, roles.VIEW_PROJECTS)
    qs, f = _merchants(request)
    qs = qs.annotate(n_listed=Count("projects", filter=Q(projects__listed=True)))
    try:
        number = _page_number(request)
    except BadInput as exc:
        return _bad(request, exc)
    return render(request, "projects/merchants.html", {
        "page": Paginator(qs, PAGE).get_page(number), "query": _query(request), "f": f,
        "districts": districts(), "categories": Category.choices,
        "may_manage": request.user.has_perm(roles.MANAGE_MERCHANTS)})


@scope_exempt(reason="the merchant list is city-wide reference data, gated by VIEW_PROJECTS")
@require_GET
def merchant_pick(request):
    """JSON for the merchant picker (the shape of the unit picker: code = the credit code)."""
    _require(request, roles.VIEW_PROJECTS)
    qs = Merchant.objects.filter(active=True).select_related("district")
    if "codes" in request.GET:
        codes = [c.strip().upper() for c in request.GET.get("codes", "")[:400].split(",") if c.strip()]
        qs = qs.filter(uscc__in=codes[:10])
    else:
        q = request.GET.get("q", "").strip()[:40]
        if not q:
            return JsonResponse({"results": []})
        qs = qs.filter(Q(name__contains=q) | Q(uscc__startswith=q.upper()))
    return JsonResponse({"results": [
        {"code": m.uscc, "name": m.name, "kind": m.get_category_display(), "level": 0, "where": m.district.name}
        for m in qs[:20]]})


@scope_exempt(reason="the merchant list is city-wide reference data, gated by MANAGE_MERCHANTS")
@require_http_methods(["GET", "POST"])
def merchant_edit(request, pk: int | None = None):
    _require(request, roles.MANAGE_MERCHANTS)
    merchant = get_object_or_404(Merchant, pk=pk) if pk else None
    initial = {}
    if merchant is not None:
        initial = {"name": merchant.name, "uscc": merchant.uscc, "address": merchant.address,
                   "district": merchant.district.code, "contact_person": merchant.contact_person,
                   "phone": merchant.phone, "category": merchant.category, "active": merchant.active,
                   "version": merchant.version}
    form = MerchantForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = actions.save_merchant(acting_user=request.user, data=form.cleaned_data, merchant=merchant,
                                          version=form.cleaned_data.get("version"), request=request)
        except ActionRefused as exc:
            form.add_error(None, exc.messages[0])
        else:
            messages.success(request, _("Merchant %(name)s saved.") % {"name": saved.name})
            return redirect("projects:merchants")
    return render(request, "projects/merchant_edit.html", {"form": form, "merchant": merchant},
                  status=400 if form.errors else 200)


# --- the catalogue ---------------------------------------------------------------------------------------


def catalogue_query(params, *, card_only: bool = True) -> tuple:
    """Published and running projects with the catalogue's filters (district, category, brand, words).

    `card_only`: read only what a card shows (the pages); the API reads whole rows."""
    qs = Project.objects.filter(listed=True).select_related("merchant", "district", "run_unit")
    if card_only:
        qs = qs.only("code", "name", "category", "brand", "run_level", "offer", "plaque_number", "published_at",
                     "merchant__name", "merchant__address", "merchant__phone", "district__name", "district__code",
                     "run_unit__name")
    f = {"district": params.get("district", "")[:20], "category": params.get("category", "")[:12],
         "brand": params.get("brand", "")[:12], "q": params.get("q", "").strip()[:40]}
    if f["district"] == "city":
        qs = qs.filter(district__isnull=True)
    elif f["district"]:
        qs = qs.filter(district__code=f["district"])
    if f["category"]:
        qs = qs.filter(category=f["category"])
    if f["brand"]:
        qs = qs.filter(brand=f["brand"])
    if f["q"]:
        qs = qs.filter(Q(name__contains=f["q"]) | Q(merchant__name__contains=f["q"]) | Q(offer__contains=f["q"]))
    return qs.order_by("-published_at", "-pk"), f


def _catalogue(request, template: str, extra: dict):
    try:
        number = _page_number(request)
    except BadInput as exc:
        return _bad(request, exc)
    qs, f = catalogue_query(request.GET)
    page = LookaheadPaginator(qs, CATALOGUE_PAGE).page(number)
    return render(request, template, {"page": page, "query": _query(request), "f": f, "districts": districts(),
                                      "categories": Category.choices, "brands": Brand.choices, **extra})


@scope_exempt(reason="the catalogue lists published projects for every member of the city: public by design")
@require_GET
def catalogue(request):
    _require(request, roles.VIEW_PROJECTS)
    return _catalogue(request, "projects/catalogue.html", {})


@scope_exempt(reason="public member portal: the catalogue of published and running projects, public by design")
@login_not_required
@require_GET
def portal_catalogue(request):
    """The public catalogue: no login, only published and running projects, what the card carries."""
    return _catalogue(request, "projects/portal_catalogue.html", {"portal": True})


@scope_exempt(reason="public member portal: the signed token names the project and the member; nothing else read")
@login_not_required
@require_http_methods(["GET", "POST"])
def rate(request, token: str):
    """A member rates a project after use (1–5), through the link with their token; once a day."""
    found = actions.read_rating_token(token)
    if found is None:
        return render(request, "projects/portal_message.html",
                      {"portal": True, "message": _("This rating link is not valid.")}, status=404)
    project = found[0]
    form = RatingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not ratelimit.hit(request, "project-rate", PORTAL_POSTS_PER_HOUR, 3600):
            form.add_error(None, _("Too many ratings from this connection; please try again in an hour."))
        else:
            try:
                actions.rate(token=token, score=form.cleaned_data["score"], comment=form.cleaned_data["comment"],
                             request=request)
            except ActionRefused as exc:
                form.add_error(None, exc.messages[0])
            else:
                return render(request, "projects/portal_message.html",
                              {"portal": True, "message": _("Thank you for your rating!")})
    return render(request, "projects/portal_rate.html", {"portal": True, "project": project, "form": form},
                  status=400 if form.errors else 200)


# --- evaluations --------------------------------------------------------------------------------------------


def evaluation_rows(projects, year: int) -> list:
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    return [(p, figures(p, start, end)) for p in projects]


@scoped_view
@require_GET
def evaluations(request):
    """Per project: participation, satisfaction, fund efficiency and reach in a year, with the recorded result."""
    _require(request, roles.VIEW_PROJECT_EVALUATIONS)
    try:
        year = _year(request, timezone.localdate().year)
        number = _page_number(request)
    except BadInput as exc:
        return _bad(request, exc)
    qs = scope_of(request.user).filter(
        Project.objects.filter(running_since__isnull=False).select_related("merchant", "run_unit", "case")
    ).order_by("code")
    if wants_xlsx(request):
        rows = evaluation_rows(qs[:EXPORT_MAX_ROWS + 1], year)
        return xlsx_response(
            filename=f"project-evaluation-{year}", title=_("Project evaluation"),
            headers=[_("Code"), _("Project name"), _("Merchant"), _("Running unit"), _("Served visits"),
                     _("Members reached"), _("Ratings"), _("Average rating"), _("Yearly subsidy (yuan)"),
                     _("Subsidy per visit (yuan)"), _("Last evaluation score"), _("Last evaluation conclusion")],
            rows=((p.code, p.name, p.merchant.name, p.run_unit.name, fg.visits, fg.members, fg.ratings,
                   fg.satisfaction, p.subsidy, fg.subsidy_per_visit, p.evaluation_score,
                   p.get_evaluation_conclusion_display()) for p, fg in rows))
    page = Paginator(qs, PAGE).get_page(number)
    return render(request, "projects/evaluations.html", {
        "rows": evaluation_rows(page.object_list, year), "page": page, "year": year, "query": _query(request),
        "export_url": export_link(request)})


# --- statistics ------------------------------------------------------------------------------------------


@scoped_view
@require_GET
def statistics_view(request):
    _require(request, roles.VIEW_PROJECTS)
    try:
        year = _year(request, timezone.localdate().year)
    except BadInput as exc:
        return _bad(request, exc)
    qs = scope_of(request.user).filter(Project.objects.all())
    groups = statistics.breakdowns(qs)
    months = statistics.running_by_month(qs, year)
    average = statistics.monthly_average(months)
    titles = {"category": _("Category"), "brand": _("Brand project"), "run_level": _("Run by"), "state": _("State")}
    if wants_xlsx(request):
        rows: list[tuple[str, str, object]] = [(titles[key], label, n) for key, items in groups.items()
                                               for _c, label, n in items]
        rows += [(_("Projects running in the month"), month, n) for month, n in months]
        rows.append((_("Monthly average"), str(year), str(average)))
        return xlsx_response(filename=f"project-statistics-{year}", title=_("Project statistics"),
                             headers=[_("Breakdown"), _("Value"), _("Projects")], rows=rows)
    chart = {key: {"labels": [label for _c, label, _n in items], "values": [n for *_x, n in items]}
             for key, items in groups.items()}
    chart["months"] = {"labels": [m for m, _n in months], "values": [n for _m, n in months],
                       "name": _("Projects running")}
    return render(request, "projects/statistics.html", {
        "groups": [(key, titles[key], items) for key, items in groups.items()], "months": months,
        "average": average, "year": year, "chart": chart, "export_url": export_link(request)})


# --- the worker-needs survey ---------------------------------------------------------------------------------


@scope_exempt(reason="surveys are the city office's questionnaires (no unit data), gated by VIEW_PROJECTS")
@require_GET
def survey_list(request):
    _require(request, roles.VIEW_PROJECTS)
    surveys = Survey.objects.annotate(n=Count("responses"))
    return render(request, "projects/surveys.html", {
        "surveys": surveys, "may_manage": request.user.has_perm(roles.MANAGE_SURVEYS)})


@scope_exempt(reason="surveys are the city office's questionnaires (no unit data), gated by MANAGE_SURVEYS")
@require_http_methods(["GET", "POST"])
def survey_edit(request, pk: int | None = None):
    _require(request, roles.MANAGE_SURVEYS)
    survey = get_object_or_404(Survey, pk=pk) if pk else None
    initial = {"title": survey.title, "intro": survey.intro, "is_open": survey.is_open,
               "questions": questions_text(survey)} if survey else {}
    form = SurveyForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        if survey is not None and survey.responses.exists() and form.cleaned_data["questions"] == \
                [{"kind": q.kind, "text": q.text, "options": "".join(o + "\n" for o in q.option_list())}
                 for q in survey.questions.all()]:
            data.pop("questions")  # unchanged questions of a survey with answers: only the rest is saved
        try:
            saved = actions.save_survey(acting_user=request.user, data=data, survey=survey, request=request)
        except ActionRefused as exc:
            form.add_error(None, exc.messages[0])
        else:
            messages.success(request, _("Survey saved."))
            return redirect("projects:survey_results", saved.pk)
    return render(request, "projects/survey_edit.html", {"form": form, "survey": survey},
                  status=400 if form.errors else 200)


def survey_results_data(survey: Survey, params) -> dict:
    """Per question: how many chose each option, among the answers of the chosen district, industry and group."""
    from .models import Answer, SurveyResponse

    responses = SurveyResponse.objects.filter(survey=survey)
    f = {"district": params.get("district", "")[:12], "industry": params.get("industry", "")[:12],
         "group": params.get("group", "")[:14]}
    for key in ("district", "industry"):
        if f[key].isdigit():
            responses = responses.filter(**{f"{key}_id": int(f[key])})
    if f["group"] in WorkerGroup.values:
        responses = responses.filter(group=f["group"])
    total = responses.count()
    questions = []
    for q in survey.questions.all():
        answers = Answer.objects.filter(question=q, response__in=responses)
        if q.kind == QuestionKind.TEXT:
            texts = list(answers.exclude(text="").values_list("text", flat=True)[:50])
            questions.append({"q": q, "texts": texts})
            continue
        counts = dict.fromkeys(q.option_list(), 0)
        for chosen in answers.values_list("choices", flat=True).iterator():
            for option in chosen or []:
                if option in counts:
                    counts[option] += 1
        questions.append({"q": q, "counts": list(counts.items()), "chart_id": f"sv-q{q.pk}"})
    by = {
        "district": list(responses.order_by().values_list("district__name").annotate(n=Count("pk")).order_by("-n")),
        "industry": list(responses.order_by().values_list("industry__name").annotate(n=Count("pk")).order_by("-n")),
        "group": [(str(WorkerGroup(g).label), n) for g, n in
                  responses.order_by().values_list("group").annotate(n=Count("pk")).order_by("-n")],
    }
    return {"total": total, "questions": questions, "by": by, "f": f}


@scope_exempt(reason="survey answers are anonymous and city-wide (district, industry and group only), gated by "
                     "VIEW_PROJECTS")
@require_GET
def survey_results(request, pk: int):
    _require(request, roles.VIEW_PROJECTS)
    survey = get_object_or_404(Survey, pk=pk)
    data = survey_results_data(survey, request.GET)
    chart = {item["chart_id"]: {"labels": [o for o, _n in item["counts"]], "values": [n for _o, n in item["counts"]]}
             for item in data["questions"] if "counts" in item}
    if wants_xlsx(request):
        rows = [(item["q"].text, option, n) for item in data["questions"] for option, n in item.get("counts", [])]
        return xlsx_response(filename=f"survey-{survey.pk}", title=_("Survey results"),
                             headers=[_("Question"), _("Option"), _("Answers")], rows=rows)
    return render(request, "projects/survey_results.html", {
        "survey": survey, **data, "chart": chart, "districts": districts(),
        "industries": OrgUnit.objects.active().filter(kind=UnitKind.INDUSTRY_UNION).order_by("code"),
        "groups": WorkerGroup.choices, "export_url": export_link(request),
        "projects": survey.projects.select_related("case").all()[:50],
        "may_manage": request.user.has_perm(roles.MANAGE_SURVEYS)})


@scope_exempt(reason="public member portal: an open questionnaire; answers are anonymous, nothing scoped is read")
@login_not_required
@require_http_methods(["GET", "POST"])
def portal_survey(request, pk: int):
    survey = get_object_or_404(Survey, pk=pk, is_open=True)
    industries = OrgUnit.objects.active().filter(kind=UnitKind.INDUSTRY_UNION).order_by("code")
    form = AnswerForm(request.POST or None, survey=survey, districts=districts(), industries=industries)
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data.get("website"):
            return render(request, "projects/portal_message.html",
                          {"portal": True, "message": _("Thank you for your answers!")})
        if not ratelimit.hit(request, "project-survey", PORTAL_POSTS_PER_HOUR, 3600):
            form.add_error(None, _("Too many answers from this connection; please try again in an hour."))
        else:
            try:
                actions.answer_survey(survey=survey, data=form.cleaned_data, request=request)
            except ActionRefused as exc:
                form.add_error(None, exc.messages[0])
            else:
                return render(request, "projects/portal_message.html",
                              {"portal": True, "message": _("Thank you for your answers!")})
    return render(request, "projects/portal_survey.html", {"portal": True, "survey": survey, "form": form},
                  status=400 if form.errors else 200)


@scope_exempt(reason="public member portal: the list of open questionnaires")
@login_not_required
@require_GET
def portal_surveys(request):
    return render(request, "projects/portal_surveys.html",
                  {"portal": True, "surveys": Survey.objects.filter(is_open=True)})

