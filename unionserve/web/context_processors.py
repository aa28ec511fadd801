"""Template context shared by every page: navigation and administrator warnings."""

from __future__ import annotations

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils.module_loading import import_string

from unionserve.core import roles

from .navigation import active_url, entries_for


def navigation(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"env_label": settings.UNIONSERVE["ENVIRONMENT_LABEL"]}
    reachable = []
    for entry in entries_for(user):
        try:
            reachable.append((entry, reverse(entry.url_name)))
        except NoReverseMatch:
            continue
    lit = active_url(request.path, [url for _entry, url in reachable])
    items = []
    for entry, url in reachable:
        badge = import_string(entry.badge)(user) if entry.badge else 0
        items.append({"label": entry.label, "url": url, "icon": entry.icon, "active": url == lit, "badge": badge})
    warnings = []
    if user.has_perm(roles.MANAGE_CALENDAR):
        from unionserve.workcalendar.service import missing_schedule_warning

        warning = missing_schedule_warning()
        if warning:
            warnings.append({"text": warning, "url": reverse("workcalendar:index")})
    return {"nav_items": items, "admin_warnings": warnings, "env_label": settings.UNIONSERVE["ENVIRONMENT_LABEL"]}
