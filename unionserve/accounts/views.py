"""Login, password, profile with API tokens, and user management (scoped)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required, permission_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from unionserve.core import roles
from unionserve.core.scope import scope_exempt, scope_of, scoped_view

from . import actions, twofactor
from .forms import ChangePasswordForm, LoginForm, ResetPasswordForm, TokenForm, UserFilterForm, UserForm
from .models import User


@method_decorator(login_not_required, name="dispatch")
class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


login_view = scope_exempt(reason="login form")(LoginView.as_view())
logout_view = scope_exempt(reason="logout")(auth_views.LogoutView.as_view())


@scope_exempt(reason="the user's own password")
@require_http_methods(["GET", "POST"])
def password_change(request):
    """Change one's own password; required before anything else for a new account."""
    form = ChangePasswordForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        update_session_auth_hash(request, user)
        actions.password_changed(user, request=request)
        messages.success(request, _("Your password has been changed."))
        return redirect("web:home")
    return render(request, "accounts/password_change.html", {"form": form})


@scope_exempt(reason="the user's own account")
@require_http_methods(["GET", "POST"])
def profile(request):
    """The user's own account: details, roles, API tokens."""
    form = TokenForm(request.POST or None)
    new_key = None
    if request.method == "POST" and form.is_valid():
        _token, new_key = actions.issue_token(request.user, form.cleaned_data["name"], request=request)
        form = TokenForm()
    tokens = request.user.api_tokens.all()[:20]
    return render(request, "accounts/profile.html", {"form": form, "tokens": tokens, "new_key": new_key})


def _next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                       require_https=request.is_secure()):
        return target
    return "/"


@scope_exempt(reason="the user's own second factor")
@require_http_methods(["GET", "POST"])
def two_factor_enrol(request):
    """Set up the authenticator app: a QR code and the key to type, confirmed by one code from the app."""
    if twofactor.confirmed_device(request.user) and twofactor.pending(request):
        # A device exists: this session proves it with a code; replacing it is the administrator's reset.
        return redirect(f"{reverse('accounts:two_factor_verify')}?next={_next(request)}")
    device = twofactor.enrolment_device(request.user)
    error = ""
    if request.method == "POST":
        if twofactor.confirm_enrolment(request, request.POST.get("token", "")):
            messages.success(request, _("Two-factor login is set up."))
            return redirect(_next(request))
        error = _("That code is not right. Check the time on your phone and type the current 6-digit code.")
    return render(request, "accounts/two_factor_enrol.html", {
        "qr": twofactor.qr_svg(device), "key": twofactor.manual_key(device), "error": error, "next": _next(request),
    }, status=400 if error else 200)


@scope_exempt(reason="the user's own second factor")
@require_http_methods(["GET", "POST"])
def two_factor_verify(request):
    """The second step after the password: the current code of the user's authenticator app."""
    if twofactor.confirmed_device(request.user) is None:
        return redirect(f"{reverse('accounts:two_factor_enrol')}?next={_next(request)}")
    error = ""
    if request.method == "POST":
        if twofactor.verify(request, request.POST.get("token", "")):
            return redirect(_next(request))
        error = _("That code is not right, or too many tries: wait a moment and type the current 6-digit code.")
    return render(request, "accounts/two_factor_verify.html", {"error": error, "next": _next(request)},
                  status=400 if error else 200)


@scope_exempt(reason="the user's own tokens only")
@require_POST
def revoke_token(request, pk: int):
    token = get_object_or_404(request.user.api_tokens, pk=pk)
    actions.revoke_token(token, acting_user=request.user, request=request)
    messages.success(request, _("The token has been revoked."))
    return redirect("accounts:profile")


def _user(request, pk: int) -> User:
    return scope_of(request.user).get_object_or_404(User.objects.select_related("org_unit"), pk=pk)


@scoped_view
@permission_required(roles.VIEW_USERS, raise_exception=True)
@require_GET
def user_list(request):
    """Users in the viewer's part of the organization, searchable and filterable."""
    form = UserFilterForm(request.GET or None)
    qs = scope_of(request.user).filter(User.objects.select_related("org_unit")).prefetch_related("role_grants")
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            qs = qs.filter(
                Q(username__icontains=data["q"]) | Q(display_name__contains=data["q"])
                | Q(org_unit__name__contains=data["q"]) | Q(org_unit__code=data["q"])
            )
        if data["role"]:
            qs = qs.filter(role_grants__role=data["role"])
        if data["active"] in ("0", "1"):
            qs = qs.filter(is_active=data["active"] == "1")
    else:
        qs = qs.filter(is_active=True)
    page = Paginator(qs.order_by("org_unit__code", "username"), 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "accounts/user_list.html", {
        "form": form, "page": page, "query": query.urlencode(),
        "can_manage": request.user.has_perm(roles.MANAGE_USERS),
    })


@scoped_view
@permission_required(roles.VIEW_USERS, raise_exception=True)
@require_GET
def user_detail(request, pk: int):
    target = _user(request, pk)
    from unionserve.audit.models import AuditEvent

    events = scope_of(request.user).filter(
        AuditEvent.objects.filter(object_type="accounts.user", object_id=str(target.pk))
    )[:20] if request.user.has_perm(roles.VIEW_AUDIT) else None
    return render(request, "accounts/user_detail.html", {
        "target": target, "events": events, "can_manage": request.user.has_perm(roles.MANAGE_USERS),
    })


@scoped_view
@permission_required(roles.MANAGE_USERS, raise_exception=True)
@require_http_methods(["GET", "POST"])
def user_create(request):
    initial = {}
    if request.GET.get("unit"):
        initial["org_unit"] = request.GET["unit"]
    form = UserForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            new_user = actions.create_user(
                username=data["username"], display_name=data["display_name"], org_unit=data["org_unit"],
                roles=data["roles"], password=data["password"], phone=data["phone"], email=data["email"],
                acting_user=request.user, request=request,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request, _("The account has been created; the user must change the password at first login.")
            )
            return redirect("accounts:user_detail", new_user.pk)
    return render(request, "accounts/user_form.html", {"form": form, "title": _("New user")})


@scoped_view
@permission_required(roles.MANAGE_USERS, raise_exception=True)
@require_http_methods(["GET", "POST"])
def user_edit(request, pk: int):
    target = _user(request, pk)
    initial = {
        "display_name": target.display_name, "org_unit": target.org_unit.code if target.org_unit else "",
        "roles": target.role_names, "phone": target.phone, "email": target.email,
    }
    form = UserForm(request.POST or None, user=request.user, initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.update_user(
                target, display_name=data["display_name"], org_unit=data["org_unit"], roles=data["roles"],
                phone=data["phone"], email=data["email"], acting_user=request.user, request=request,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("accounts:user_detail", target.pk)
    return render(request, "accounts/user_form.html", {"form": form, "title": target, "target": target})


@scoped_view
@permission_required(roles.MANAGE_USERS, raise_exception=True)
@require_POST
def user_set_active(request, pk: int):
    target = _user(request, pk)
    try:
        actions.set_active(target, request.POST.get("active") == "1", acting_user=request.user, request=request)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Saved."))
    return redirect("accounts:user_detail", target.pk)


@scoped_view
@permission_required(roles.MANAGE_USERS, raise_exception=True)
@require_http_methods(["GET", "POST"])
def user_reset_password(request, pk: int):
    target = _user(request, pk)
    form = ResetPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        actions.reset_password(target, form.cleaned_data["password"], acting_user=request.user, request=request)
        messages.success(request, _("A temporary password has been set; the user must change it at next login."))
        return redirect("accounts:user_detail", target.pk)
    return render(request, "accounts/user_form.html", {"form": form, "title": _("Reset password"), "target": target})


@scoped_view
@permission_required(roles.MANAGE_USERS, raise_exception=True)
@require_POST
def user_reset_two_factor(request, pk: int):
    """Recovery of a lost authenticator: the user's devices go; they set up a new one at the next login."""
    target = _user(request, pk)
    twofactor.reset(target, acting_user=request.user, request=request)
    messages.success(request, _("Two-factor login reset: the user sets it up again at the next login."))
    return redirect("accounts:user_detail", target.pk)
