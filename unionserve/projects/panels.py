"""What service projects show on other apps' pages: the case page's panel and the member page's section."""

from __future__ import annotations

from unionserve.core import roles
from unionserve.core.scope import scope_of

from .actions import PROCESS
from .models import Project, Rating


def case_panel(case, user) -> dict | None:
    """The project's data on its case page; in the renewal decision the evaluations are shown with it."""
    if case.process != PROCESS:
        return None
    project = (Project.objects.select_related("merchant", "run_unit", "owner_unit", "survey", "case")
               .filter(case=case).first())
    if project is None:
        return None
    show = case.state in ("evaluation", "renewal", "exited") or user.has_perm(roles.VIEW_PROJECT_EVALUATIONS)
    return {"project": project, "show_evaluations": show, "evaluations": project.evaluations.all() if show else []}


def member_section(member, user) -> dict | None:
    """The member page lists the projects the member rated (projects the user may read)."""
    if not user.has_perm(roles.VIEW_PROJECTS):
        return None
    visible = scope_of(user).filter(Project.objects.all())
    ratings = list(Rating.objects.filter(member=member, project__in=visible).select_related("project")
                   .order_by("-day")[:20])
    return {"project_ratings": ratings} if ratings else None
