"""The demo seeder: merchants, projects in every state through exit (with plaque numbers), ratings, a survey."""

import pytest

from unionserve.core.roles import Role
from unionserve.projects.demo import seed_demo
from unionserve.projects.models import Project, Rating, Survey
from unionserve.workflow.models import Case

pytestmark = pytest.mark.django_db


def test_demo_is_seeded_once_in_every_state(tree, make_user):
    from unionserve.members.tests.factories import make_member
    from unionserve.orgs.actions import create_unit
    from unionserve.orgs.models import UnitKind

    create_unit(name="朝阳区中心", kind=UnitKind.DISTRICT_CENTER, region_parent=tree["city"], code="110105")

    make_user(tree["city"], Role.CITY_OFFICE, username="cityoffice")
    make_user(tree["dc"], Role.CENTER_STAFF, username="dongcheng")
    make_user(tree["dept"], Role.DEPARTMENT_STAFF, username="legaldept")
    for i in range(5):
        make_member(tree["g1"], f"会员{i}", phone=f"1391234560{i}")
    line = seed_demo()
    assert "projects" in line
    states = set(Case.objects.filter(process="service_project").values_list("state", flat=True))
    assert states == {"inspection", "review", "revision", "agreement", "plaque", "publication", "published",
                      "running", "evaluation", "renewal", "exited"}
    exited = Project.objects.get(case__state="exited")
    assert exited.plaque_number and exited.exit_reasons and not exited.listed
    assert Rating.objects.exists()
    assert Survey.objects.get().responses.count() == 80
    count = Project.objects.count()
    seed_demo()
    assert Project.objects.count() == count and Survey.objects.count() == 1
