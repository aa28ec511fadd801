"""Pages of the 12351 platform: the agent workbench, window intake, requests, categories, the member portal.

Thin: read through the scope, validate, call an action (`actions.py`), render. Acting on a request after intake
happens on the engine's case page (the same buttons for every process).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from unionserve import pii
from unionserve.accounts.http import AuthenticatedHttpRequest
from unionserve.core import roles
from unionserve.core.export import MAX_ROWS as EXPORT_MAX_ROWS
from unionserve.core.export import export_link, wants_xlsx, xlsx_response
from unionserve.core.paging import LookaheadPaginator
from unionserve.core.queries import prefix_q
from unionserve.core.scope import scope_exempt, scope_of, scoped_view
from unionserve.members.public import MemberFilter, QueryKind, classify, get_member, search_members
from unionserve.workflow.models import Step, StepKind

from . import actions, ratelimit, services
from .forms import CategoryForm, FollowForm, IntakeForm, PortalForm, RateForm
from .models import Category, Channel, HotlineRequest, Kind
from .process import PROCESSES

LOOKUP_LIMIT = 5
PAGE = 50
#: Portal limits per client address: submissions per hour, follow-up look-ups per 10 minutes.
PORTAL_SUBMISSIONS_PER_HOUR = 10
PORTAL_LOOKUPS_PER_10_MIN = 30
FOLLOW_SESSION_KEY = "hotline_followed"


def _may_intake(user) -> bool:
    return user.has_perm(roles.HANDLE_HOTLINE) or user.has_perm(roles.INTAKE_REQUESTS)


def _require_intake(request: HttpRequest) -> None:
    if not _may_intake(request.user):
        raise PermissionDenied(_("Your roles do not include taking 12351 requests."))


def _require_intake_or_handler(request: HttpRequest) -> None:
    """Intake staff, and anyone else whose unit takes part in the case (a department handling it) — the scope
    decides which requests; this only keeps out roles with no business in requests at all."""
    user = request.user
    if not (_may_intake(user) or user.has_perm(roles.SUPERVISE_CASES) or user.has_perm(roles.VIEW_HOTLINE_STATS)):
        raise PermissionDenied(_("Your roles do not include taking 12351 requests."))


def knowledge_url() -> str | None:
    """The knowledge base's suggestion endpoint, or None while that app has not provided it."""
    try:
        return reverse("knowledge:suggest")
    except NoReverseMatch:
        return None


# --- intake: the workbench (phone) and the service window ---------------------------------------------


def _queues(user) -> dict:
    """Open work of the user's unit in the 12351 processes: callbacks due, and requests to answer/dispatch."""
    steps = list(Step.objects.filter(is_open=True, unit_id=user.org_unit_id, process__in=PROCESSES,
                                     kind=StepKind.WORK)
                 .select_related("case", "case__hotline_request").order_by("due_at", "id")[:100])
    end_of_today = timezone.localtime().replace(hour=23, minute=59, second=59)
    callbacks = [s for s in steps if s.state == "callback"]
    waiting = [s for s in steps if s.state in ("answering", "intake")]
    return {"callbacks": callbacks, "waiting": waiting, "end_of_today": end_of_today,
            "callbacks_due_today": sum(1 for s in callbacks if s.due_at and s.due_at <= end_of_today)}


def _intake_page(request: AuthenticatedHttpRequest, channel: str) -> HttpResponse:
    user = request.user
    allow_refer = bool(user.org_unit is not None and user.org_unit.level == 1 and user.has_perm(roles.HANDLE_HOTLINE))
    departments = list(services.departments()) if allow_refer else []
    form = IntakeForm(request.POST or None, departments=departments, allow_refer=allow_refer)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        action = data["action"]
        intake = services.Intake(
            kind=data["kind"], category=data["category"], description=data["description"],
            caller_name=data["caller_name"], caller_phone=data["caller_phone"],
            caller_id_number=data["caller_id_number"], member_id=data.get("member") or None, channel=channel,
            answer=data["answer"] if action == "answer" else "",
            refer_to=[data["refer_to"]] if action == "refer" and data.get("refer_to") else [],
            units=_codes(data["units"]) if action == "dispatch" else [],
            filed_units=_codes(data["filed_units"]) if action == "dispatch" else [])
        try:
            # The member id comes from the browser: the action looks it up inside the user's scope.
            taken = actions.take_request(intake, acting_user=user)
        except (ValidationError, PermissionDenied) as exc:
            # E.g. a window choosing "refer", which only the 12351 platform does: say so, keep the form.
            form.add_error(None, exc.messages if isinstance(exc, ValidationError) else str(exc))
        else:
            messages.success(request, _("Request %(number)s registered (%(state)s). Tracking code for the caller: "
                                        "%(code)s.") % {"number": taken.case.number,
                                                        "state": taken.case.state_label(),
                                                        "code": taken.tracking_code})
            return redirect(request.path)
    chosen = None
    if form.is_bound and str(form.data.get("member", "")).isdigit():
        # Keep showing the member the agent picked when the form comes back with an error.
        chosen = get_member(form.data["member"], user=user)
    context = {"form": form, "channel": channel, "knowledge_url": knowledge_url(), "chosen": chosen,
               "is_workbench": channel == Channel.PHONE, **_queues(user),
               "recent": services.visible_requests(user).filter(received_by=user)
               .select_related("case", "category").order_by("-received_at")[:10]}
    return render(request, "hotline/workbench.html", context, status=400 if form.errors else 200)


def _codes(text: str) -> list[str]:
    return [c.strip() for c in (text or "").replace("，", ",").split(",") if c.strip()]


@scoped_view
@permission_required(roles.HANDLE_HOTLINE, raise_exception=True)
@require_http_methods(["GET", "POST"])
def workbench(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The agent's one screen: caller, member, history, knowledge, a new request, today's callbacks."""
    return _intake_page(request, Channel.PHONE)


@scoped_view
@permission_required(roles.INTAKE_REQUESTS, raise_exception=True)
@require_http_methods(["GET", "POST"])
def window(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A service window registers a worker's request (the same form; channel 'window')."""
    return _intake_page(request, Channel.WINDOW)


@scoped_view
@require_GET
def lookup(request: HttpRequest) -> HttpResponse:
    """Members matching what was typed (phone, ID number, card number, name), masked; htmx fragment."""
    _require_intake(request)
    text = (request.GET.get("member_q") or "").strip() or (request.GET.get("caller_phone") or "").strip()
    kind, _value = classify(text)
    result = None
    if kind is not QueryKind.EMPTY and (kind is not QueryKind.NAME or len(text) >= 2):
        result = search_members(request.user, MemberFilter(q=text), limit=LOOKUP_LIMIT)
    return render(request, "hotline/_lookup.html", {"result": result, "text": text,
                                                    "can_view": request.user.has_perm(roles.VIEW_MEMBERS)})


@scoped_view
@require_GET
def caller_history(request: HttpRequest) -> HttpResponse:
    """Earlier requests of the caller (by phone, or by the chosen member), in the user's scope; htmx fragment."""
    _require_intake(request)
    phone = ""
    try:
        raw = request.GET.get("caller_phone", "")
        phone = services.normalize_phone(raw) if raw.strip() else ""
    except ValidationError:
        phone = ""
    member = get_member(request.GET.get("member", ""), user=request.user)
    rows = services.history(request.user, phone=phone, member=member)
    return render(request, "hotline/_history.html", {"rows": rows, "asked": bool(phone or member)})


@scoped_view
@require_GET
def routing(request: HttpRequest) -> HttpResponse:
    """Suggested dispatch units and filing copies for the chosen category and member; htmx fragment."""
    _require_intake(request)
    category = None
    if request.GET.get("category", "").isdigit():
        category = Category.objects.filter(pk=int(request.GET["category"])).select_related(
            "default_unit", "parent__default_unit").first()
    member = get_member(request.GET.get("member", ""), user=request.user)
    suggestion = services.suggest_routing(category, member, request.user)
    form = IntakeForm(initial={"units": ",".join(u.code for u in suggestion.units),
                               "filed_units": ",".join(u.code for u in suggestion.filed)}, allow_refer=False)
    return render(request, "hotline/_routing.html", {"form": form, "suggestion": suggestion})


# --- requests ---------------------------------------------------------------------------------------


@scoped_view
@require_GET
def request_list(request: HttpRequest) -> HttpResponse | FileResponse:
    """Requests in the user's scope, newest first; filters: kind, open/closed, case number or tracking code."""
    _require_intake(request)
    qs = services.visible_requests(request.user).select_related("case", "category", "case__current_unit")
    kind = request.GET.get("kind", "")
    if kind in Kind.values:
        qs = qs.filter(kind=kind)
    status = request.GET.get("status", "")
    if status == "open":
        qs = qs.filter(case__closed_at__isnull=True)
    elif status == "closed":
        qs = qs.filter(case__closed_at__isnull=False)
    text = "".join(request.GET.get("q", "").split()).upper()
    if text:
        qs = qs.filter(tracking_code=text) if len(text) == services.CODE_LENGTH and text.isalnum() \
            and not text.startswith(("ZX", "SW")) else qs.filter(prefix_q("case__number", text))
    qs = qs.order_by("-received_at", "-id")
    if wants_xlsx(request):
        return xlsx_response(
            filename="12351-requests", title=_("12351 requests"),
            headers=[_("Case"), _("Received"), _("Channel"), _("Kind"), _("Category"), _("Caller"), _("Mobile"),
                     _("State"), _("Handling unit"), _("Due")],
            rows=((r.case.number, r.received_at, r.get_channel_display(), r.get_kind_display(), r.category.name,
                   r.caller_name, r.caller_phone_masked, r.case.state_label(),
                   r.case.current_unit.name if r.case.current_unit else "", r.case.due_at)
                  for r in qs[:EXPORT_MAX_ROWS + 1]))
    page = LookaheadPaginator(qs, PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "hotline/requests.html", {"page": page, "kind": kind, "status": status,
                                                     "q": request.GET.get("q", ""), "kinds": Kind.choices,
                                                     "query": query.urlencode(), "export_url": export_link(request)})


@scoped_view
@require_GET
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One request: caller (masked), what was asked, answer or feedback, callback and satisfaction."""
    _require_intake_or_handler(request)
    item = scope_of(request.user).get_object_or_404(
        HotlineRequest.objects.select_related("case", "category", "member", "received_unit", "answered_unit",
                                              "case__current_unit"), pk=pk)
    return _render_request(request, item)


def _render_request(request: HttpRequest, item: HotlineRequest, revealed: dict | None = None) -> HttpResponse:
    return render(request, "hotline/request.html", {
        "item": item, "revealed": revealed, "can_reveal": pii.may_reveal(request.user, item),
        "can_view_member": request.user.has_perm(roles.VIEW_MEMBERS)})


def case_panel(case, user) -> dict | None:
    """The 12351 panel of the engine's case page: the caller (phone masked, revealed on request and audited),
    links to the request and to the member (None for other processes)."""
    if case.process not in PROCESSES:
        return None
    item = HotlineRequest.objects.select_related("category", "member").filter(case=case).first()
    if item is None:
        return None
    member = get_member(item.member_id, user=user) if item.member_id and user.has_perm(roles.VIEW_MEMBERS) else None
    return {"item": item, "can_reveal": pii.may_reveal(user, item), "member_link": member}


@scoped_view
@require_POST
def request_reveal(request: HttpRequest, pk: int) -> HttpResponse:
    """Show the caller's phone (and ID number) in full to call them back; audited. From the case page (htmx):
    only the phone, as a fragment."""
    _require_intake_or_handler(request)
    item = scope_of(request.user).get_object_or_404(
        HotlineRequest.objects.select_related("case", "category", "member", "received_unit", "answered_unit",
                                              "case__current_unit"), pk=pk)
    if getattr(request, "htmx", False):
        revealed = pii.reveal(item, ["phone"], user=request.user, request=request, unit=item.received_unit,
                              detail={"case": item.case.number})
        return render(request, "hotline/_caller_phone.html", {"item": item, "revealed": revealed})
    revealed = pii.reveal(item, ["phone", "id_number"], user=request.user, request=request, unit=item.received_unit,
                          detail={"case": item.case.number})
    return _render_request(request, item, revealed)


CALLBACK_ACTIONS = ("close", "call_back", "redo")


@scoped_view
@require_http_methods(["GET", "POST"])
def callback(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The callback on one screen from the queue: what was asked and done, the caller's number (revealed on
    request, audited), and the callback's forms — saved through the engine's action, as the API does."""
    from unionserve.workflow.errors import StaleCase
    from unionserve.workflow.forms import ActionForm
    from unionserve.workflow.permissions import actions_for

    _require_intake(request)
    item = scope_of(request.user).get_object_or_404(
        HotlineRequest.objects.select_related("case", "category", "member", "received_unit", "answered_unit",
                                              "case__current_unit"), pk=pk)
    specs = [s for s in actions_for(item.case, request.user) if s.code in CALLBACK_ACTIONS]
    if not specs:
        messages.info(request, _("This request is not waiting for a callback by your unit."))
        return redirect("hotline:request", item.pk)
    chosen = request.POST.get("action", "") if request.method == "POST" else ""
    forms_ = []
    for spec in specs:
        initial = {"version": item.case.version, "step": spec.step.pk if spec.step else None}
        if spec.transition is not None and spec.transition.initial is not None:
            initial = {**spec.transition.initial(item.case, request.user), **initial}
        bound = spec.code == chosen
        form = ActionForm(request.POST if bound else None, request.FILES if bound else None, spec=spec,
                          initial=initial)
        forms_.append((spec, form))
        if bound and form.is_valid():
            data = dict(form.cleaned_data)
            version, step_id = data.pop("version"), data.pop("step")
            try:
                actions.act_on_request(item, spec.code, acting_user=request.user, data=data, version=version,
                                       step_id=step_id)
            except StaleCase as exc:
                messages.error(request, " ".join(exc.messages))
                return redirect("hotline:callback", item.pk)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Callback of %(number)s saved: %(action)s.")
                                 % {"number": item.case.number, "action": spec.label})
                return redirect("hotline:workbench" if request.user.has_perm(roles.HANDLE_HOTLINE)
                                else "hotline:window")
    failed = any(form.errors for _spec, form in forms_)
    return render(request, "hotline/callback.html", {
        "item": item, "forms": forms_, "chosen": chosen or specs[0].code,
        "can_reveal": pii.may_reveal(request.user, item)}, status=400 if failed else 200)


# --- categories --------------------------------------------------------------------------------------


@scope_exempt(reason="request categories are city-wide reference data")
@permission_required(roles.MANAGE_CATEGORIES, raise_exception=True)
@require_GET
def categories(request: HttpRequest) -> HttpResponse:
    rows = list(Category.objects.select_related("default_unit").order_by("sort_order", "code"))
    tops = [c for c in rows if c.parent_id is None]
    children: dict[int, list] = {}
    for c in rows:
        if c.parent_id:
            children.setdefault(c.parent_id, []).append(c)
    tree = [(c, children.get(c.pk, [])) for c in tops]
    return render(request, "hotline/categories.html", {"tree": tree})


@scope_exempt(reason="request categories are city-wide reference data")
@permission_required(roles.MANAGE_CATEGORIES, raise_exception=True)
@require_http_methods(["GET", "POST"])
def category_edit(request: AuthenticatedHttpRequest, pk: int | None = None) -> HttpResponse:
    """Add or change a category; a version check keeps two editors from overwriting each other."""
    instance = get_object_or_404(Category, pk=pk) if pk else Category()
    form = CategoryForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        category = form.save(commit=False)
        category.default_unit = form.cleaned_data["default_unit_code"]
        try:
            actions.save_category(category, acting_user=request.user, request=request,
                                  expected_version=form.cleaned_data.get("version") or 0)
        except actions.StaleCategory as exc:
            messages.error(request, exc.messages[0])
            return redirect("hotline:category_edit", pk)
        messages.success(request, _("Category %(name)s saved.") % {"name": category.name})
        return redirect("hotline:categories")
    return render(request, "hotline/category_edit.html", {"form": form, "category": instance if pk else None},
                  status=400 if form.errors else 200)


# --- the member portal (public) ------------------------------------------------------------------------


def _portal_context(request: HttpRequest, **extra) -> dict:
    return {"portal": True, **extra}


@scope_exempt(reason="public member portal: a worker submits a request; reads nothing scoped")
@login_not_required
@require_http_methods(["GET", "POST"])
def portal(request: HttpRequest) -> HttpResponse:
    """Submit a request without logging in; the answer is a tracking code."""
    form = PortalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if data.get("website"):
            # A robot filled the hidden field: answer as if accepted, store nothing.
            return render(request, "hotline/portal_done.html", _portal_context(request, code=None))
        if not ratelimit.hit(request, "submit", PORTAL_SUBMISSIONS_PER_HOUR, 3600):
            form.add_error(None, _("Too many requests from this connection; please call 12351 or try again in "
                                   "an hour."))
        else:
            try:
                taken = actions.take_request(services.Intake(
                    kind=Kind.CONSULTATION, category=data["category"], description=data["description"],
                    caller_name=data["name"], caller_phone=data["phone"], caller_id_number=data["id_number"],
                    channel=Channel.WEB), acting_user=services.portal_actor())
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                request.session.setdefault(FOLLOW_SESSION_KEY, [])
                request.session[FOLLOW_SESSION_KEY] = [*request.session[FOLLOW_SESSION_KEY][-9:], taken.pk]
                return render(request, "hotline/portal_done.html", _portal_context(request, code=taken.tracking_code))
    return render(request, "hotline/portal.html", _portal_context(request, form=form),
                  status=400 if form.errors else 200)


def _followed(request: HttpRequest, code: str) -> HotlineRequest:
    """The request of a tracking code this browser proved (code + phone) in this session; else 404."""
    item = HotlineRequest.objects.select_related("case", "category").filter(tracking_code=code.upper()).first()
    if item is None or item.pk not in request.session.get(FOLLOW_SESSION_KEY, []):
        raise Http404
    return item


@scope_exempt(reason="public member portal: a request is shown only to who gives its tracking code and phone")
@login_not_required
@require_http_methods(["GET", "POST"])
def portal_follow(request: HttpRequest) -> HttpResponse:
    """Follow a request by tracking code and phone; any mismatch gets the same 'not found' answer."""
    form = FollowForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not ratelimit.hit(request, "follow", PORTAL_LOOKUPS_PER_10_MIN, 600):
            form.add_error(None, _("Too many look-ups from this connection; try again in a few minutes."))
        else:
            item = services.follow(form.cleaned_data["tracking_code"], form.cleaned_data["phone"])
            if item is None:
                form.add_error(None, _("No request matches this tracking code and phone number. Check both and "
                                       "try again."))
            else:
                followed = [pk for pk in request.session.get(FOLLOW_SESSION_KEY, []) if pk != item.pk]
                request.session[FOLLOW_SESSION_KEY] = [*followed[-9:], item.pk]
                return redirect("hotline:portal_status", item.tracking_code)
    return render(request, "hotline/portal_follow.html", _portal_context(request, form=form),
                  status=400 if form.errors else 200)


def _can_rate(item: HotlineRequest) -> bool:
    answered = item.case.is_closed or bool(item.answer) or bool(item.feedback)
    return answered and not item.satisfaction


@scope_exempt(reason="public member portal: only a request proved by tracking code and phone in this session")
@login_not_required
@require_GET
def portal_status(request: HttpRequest, code: str) -> HttpResponse:
    item = _followed(request, code)
    return render(request, "hotline/portal_status.html", _portal_context(
        request, item=item, can_rate=_can_rate(item), rate_form=RateForm()))


@scope_exempt(reason="public member portal: only a request proved by tracking code and phone in this session")
@login_not_required
@require_POST
def portal_rate(request: HttpRequest, code: str) -> HttpResponse:
    """The caller rates the answer once (when the platform's callback has not already recorded it)."""
    item = _followed(request, code)
    form = RateForm(request.POST)
    if not _can_rate(item):
        messages.info(request, _("This request cannot be rated now."))
        return redirect("hotline:portal_status", item.tracking_code)
    if not form.is_valid():
        return render(request, "hotline/portal_status.html", _portal_context(
            request, item=item, can_rate=True, rate_form=form), status=400)
    actions.rate_request(item, form.cleaned_data["satisfaction"], form.cleaned_data["reason"], acting_user=None)
    messages.success(request, _("Thank you for your rating."))
    return redirect("hotline:portal_status", item.tracking_code)


__all__ = ["workbench", "window", "lookup", "caller_history", "routing", "request_list", "request_detail",
           "request_reveal", "callback", "case_panel",
           "categories", "category_edit", "portal", "portal_follow", "portal_status", "portal_rate"]
