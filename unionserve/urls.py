"""Top-level URLs: one include per app, the API under /api/."""

from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from unionserve.core.scope import scope_exempt

from .api import api

urlpatterns = [
    path("", include("unionserve.web.urls")),
    path("accounts/", include("unionserve.accounts.urls")),
    path("orgs/", include("unionserve.orgs.urls")),
    path("audit/", include("unionserve.audit.urls")),
    path("calendar/", include("unionserve.workcalendar.urls")),
    path("policy/", include("unionserve.policy.urls")),
    path("work/", include("unionserve.workflow.urls")),
    path("notifications/", include("unionserve.notifications.urls")),
    path("members/", include("unionserve.members.urls")),
    path("quality/", include("unionserve.dataquality.urls")),
    path("hotline/statistics/", include("unionserve.hotline.statistics.urls")),
    path("hotline/", include("unionserve.hotline.urls")),
    path("knowledge/", include("unionserve.knowledge.urls")),
    path("broadcasts/", include("unionserve.broadcasts.urls")),
    path("documents/", include("unionserve.documents.urls")),
    path("mediation/", include("unionserve.mediation.urls")),
    path("legalaid/", include("unionserve.legalaid.urls")),
    path("linkage/", include("unionserve.linkage.urls")),
    path("legal-reports/", include("unionserve.legalreports.urls")),
    path("cards/", include("unionserve.cards.urls")),
    path("visits/", include("unionserve.visits.urls")),
    path("payouts/", include("unionserve.payouts.urls")),
    path("mutual-aid/", include("unionserve.mutualaid.urls")),
    path("projects/", include("unionserve.projects.urls")),
    path("stations/", include("unionserve.stations.urls")),
    path("assistance/", include("unionserve.assistance.urls")),
    path("jobs/", include("unionserve.jobs.urls")),
    path("venues/", include("unionserve.venues.urls")),
    path("joining/", include("unionserve.joining.urls")),
    path("i18n/setlang/", scope_exempt(reason="language switch")(login_not_required(set_language)),
         name="set_language"),
    path("api/", api.urls),
]

handler403 = "unionserve.web.views.forbidden"
handler404 = "unionserve.web.views.not_found"
