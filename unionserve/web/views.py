"""The home page and the error pages."""

from django.db.models import Count
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from unionserve.accounts.models import User
from unionserve.core.scope import scope_exempt, scoped, scoped_view
from unionserve.orgs.models import OrgUnit, UnitKind


@scoped_view
@require_GET
def home(request):
    """The user's unit, roles, and how much of the organization they can see."""
    units = scoped(OrgUnit.objects.active(), request.user)
    counts = {row["kind"]: row["n"] for row in units.values("kind").annotate(n=Count("id"))}
    scope_counts = [
        {"label": UnitKind(kind).label, "count": counts[kind]} for kind in UnitKind.values if counts.get(kind)
    ]
    users = scoped(User.objects.filter(is_active=True), request.user).count()
    scope_counts.append({"label": _("User accounts"), "count": users})
    return render(request, "web/home.html", {"scope_counts": scope_counts})


@scope_exempt(reason="error page")
def forbidden(request, exception=None):
    return render(request, "403.html", status=403)


@scope_exempt(reason="error page")
def not_found(request, exception=None):
    return render(request, "404.html", status=404)
