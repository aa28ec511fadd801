"""Statistics of mediation and legal aid (placeholder while the figures are written)."""

from django.contrib.auth.decorators import permission_required
from django.http import HttpResponse
from django.views.decorators.http import require_GET

from unionserve.accounts import roles
from unionserve.accounts.scope import scoped_view


@scoped_view
@permission_required(roles.VIEW_LEGAL_STATS, raise_exception=True)
@require_GET
def index(request):
    return HttpResponse("")


@scoped_view
@permission_required(roles.VIEW_LEGAL_STATS, raise_exception=True)
@require_GET
def export(request):
    return HttpResponse("")
