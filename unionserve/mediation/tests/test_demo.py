"""The demo seeder: mediators and cases in various states on both paths, idempotent."""

from unionserve.core.roles import Role
from unionserve.documents.models import GeneratedDocument
from unionserve.mediation.demo import seed_demo_mediation
from unionserve.mediation.models import MediationCase, Mediator
from unionserve.workflow.models import Case


def test_demo_is_idempotent_and_covers_both_paths(tree, make_user):
    make_user(tree["city"], Role.CITY_OFFICE, username="cityoffice")
    make_user(tree["dc"], Role.CENTER_STAFF, username="dongcheng")
    make_user(tree["st1"], Role.SOCIAL_WORKER, username="station")
    make_user(tree["dc"], Role.MEDIATOR, username="mediator")
    make_user(tree["dc"], Role.MEDIATOR, username="mediator2")
    made = seed_demo_mediation()
    assert made == 14  # 7 mediators + 7 cases
    assert seed_demo_mediation() == 0
    assert Mediator.objects.count() == 7 and Mediator.objects.filter(user__isnull=False).count() == 3
    states = sorted(Case.objects.filter(process="mediation").values_list("state", flat=True))
    assert states == sorted(["received", "dispatched", "mediating", "review", "agreed", "reported", "terminated"])
    assert set(MediationCase.objects.values_list("path", flat=True)) == {"down", "up"}
    assert GeneratedDocument.objects.filter(template_code="mediation_termination").count() == 1
    assert GeneratedDocument.objects.filter(template_code="mediation_agreement").count() == 2
