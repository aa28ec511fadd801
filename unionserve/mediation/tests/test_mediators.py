"""The mediator registry: least-loaded suitable suggestion, capacity, appointment rules, pages, audit."""

import re

import pytest
from django.urls import reverse

from unionserve.audit.models import AuditAction, AuditEvent
from unionserve.mediation import actions as mediation_actions
from unionserve.mediation.intake import open_mediation
from unionserve.mediation.models import MediationCase, Mediator
from unionserve.mediation.rules import load_of, rank_mediators, suggest_mediator
from unionserve.workflow import actions
from unionserve.workflow.errors import ActionRefused


def _case_at_dc(people, tree, dispute="wages"):
    case = open_mediation(people["city"], data={"dispute_type": dispute, "summary": "x", "workers": "甲",
                                                "employer_name": "某公司"})
    return actions.perform(case, "accept_dispatch", actor=people["city"], data={"units": tree["dc"].code},
                           version=case.version)


def _load(mediator, n, people, tree):
    for _i in range(n):
        case = _case_at_dc(people, tree)
        mediation_actions.appoint_mediator(case, mediator, acting_user=people["district"], version=case.version)


def test_least_loaded_specialist_is_suggested(people, tree):
    a = Mediator.objects.create(unit=tree["dc"], name="甲", specialties=["wages"], max_load=5)
    b = Mediator.objects.create(unit=tree["dc"], name="乙", specialties=["wages", "injury"], max_load=5)
    c = Mediator.objects.create(unit=tree["dc"], name="丙", specialties=[], max_load=5)
    Mediator.objects.create(unit=tree["dc"], name="停用", specialties=["wages"], active=False)
    Mediator.objects.create(unit=tree["hd"], name="外区", specialties=["wages"])
    _load(a, 2, people, tree)
    _load(b, 1, people, tree)
    assert (load_of(a), load_of(b), load_of(c)) == (2, 1, 0)
    assert suggest_mediator(tree["dc"], "wages") == b  # a specialist, least loaded among specialists
    assert [m.name for m in rank_mediators(tree["dc"], "wages")] == ["乙", "甲", "丙"]
    assert suggest_mediator(tree["dc"], "hours") == c  # no specialist: the least loaded of the unit
    # One below the limit still has room; at the limit a mediator is not suggested.
    b.max_load = 2
    b.save()
    assert suggest_mediator(tree["dc"], "wages") == b  # load 1 < 2
    _load(b, 1, people, tree)
    assert suggest_mediator(tree["dc"], "wages") == a  # b is full (2 of 2)
    assert suggest_mediator(tree["hd"], "wages").name == "外区"
    assert suggest_mediator(tree["st1"], "wages") is None


def test_concluded_and_closed_cases_leave_the_load(people, tree, mediators):
    m = mediators["m1"]
    case = _case_at_dc(people, tree)
    mediation_actions.appoint_mediator(case, m, acting_user=people["district"], version=case.version)
    assert load_of(m) == 1
    case.refresh_from_db()
    case = actions.perform(case, "submit_plan", actor=people["med1"], data={"plan": "p"}, version=case.version)
    actions.perform(case, "terminate", actor=people["med1"], data={"reason": "r"}, version=case.version)
    assert load_of(m) == 0


def test_a_full_inactive_or_foreign_mediator_cannot_be_appointed(people, tree, mediators):
    case = _case_at_dc(people, tree)
    full = Mediator.objects.create(unit=tree["dc"], name="满员", max_load=1)
    _load(full, 1, people, tree)
    # The zh-hans messages of "%(name)s already has %(n)s open cases, the most allowed. Choose another mediator."
    # and "%(name)s is a mediator of another unit."
    for mediator, message in ((full, "满员 已有 1 件在办案件，已达上限。请选择其他调解员。"),
                              (mediators["hd"], "海淀调解员 是其他单位的调解员。")):
        with pytest.raises(ActionRefused, match=re.escape(message)):
            mediation_actions.appoint_mediator(case, mediator, acting_user=people["district"], version=case.version)
    inactive = Mediator.objects.create(unit=tree["dc"], name="停用", active=False)
    # "%(name)s is not an active mediator."
    with pytest.raises(ActionRefused, match=re.escape("停用 不是在岗调解员。")):
        mediation_actions.appoint_mediator(case, inactive, acting_user=people["district"], version=case.version)
    # Only the unit holding the case appoints.
    with pytest.raises(ActionRefused):
        mediation_actions.appoint_mediator(case, mediators["m1"], acting_user=people["city"], version=case.version)
    assert MediationCase.objects.get(case=case).mediator is None


def test_a_mediator_without_an_account_is_recorded_and_the_staff_work_the_case(people, tree):
    m = Mediator.objects.create(unit=tree["dc"], name="外聘律师调解员")
    case = _case_at_dc(people, tree)
    mediation_actions.appoint_mediator(case, m, acting_user=people["district"], version=case.version)
    case.refresh_from_db()
    assert MediationCase.objects.get(case=case).mediator == m
    assert case.steps.get(is_open=True).assignee is None
    case = actions.perform(case, "submit_plan", actor=people["district"], data={"plan": "p"}, version=case.version)
    assert case.state == "mediating"


def test_registry_pages_need_the_permission_and_keep_the_audit(client, people, tree):
    client.force_login(people["station"])
    assert client.get(reverse("mediation:mediators")).status_code == 403
    client.force_login(people["district"])
    response = client.post(reverse("mediation:mediator_new"), {
        "unit": tree["st1"].code, "name": "站点调解员", "username": "med1", "phone": "", "specialties": ["wages"],
        "max_load": 5, "active": "on"})
    # med1 is of 东城区: "This user belongs to another unit; choose a user of the mediator's unit."
    assert response.status_code == 400
    assert "该用户属于其他单位，请选择调解员所在单位的用户。" in response.content.decode()
    response = client.post(reverse("mediation:mediator_new"), {
        "unit": tree["hd"].code, "name": "海淀", "username": "", "max_load": 5, "active": "on"})
    assert response.status_code == 400  # 海淀 is outside 东城区's part of the tree
    response = client.post(reverse("mediation:mediator_new"), {
        "unit": tree["dc"].code, "name": "吴芳", "username": "med1", "specialties": ["wages", "injury"],
        "max_load": 6, "active": "on"})
    assert response.status_code == 302
    m = Mediator.objects.get(name="吴芳")
    assert m.user == people["med1"] and m.specialties == ["wages", "injury"] and m.version == 1
    page = client.get(reverse("mediation:mediators")).content.decode()
    assert "吴芳" in page and "0 / 6" in page
    # Edit: the first save wins; a second form based on version 1 is refused.
    edit = reverse("mediation:mediator_edit", args=[m.pk])
    form = {"unit": tree["dc"].code, "name": "吴芳", "username": "med1", "specialties": ["wages"], "max_load": 3,
            "active": "on", "version": 1}
    assert client.post(edit, form).status_code == 302
    assert client.post(edit, {**form, "max_load": 9}).status_code == 409
    m.refresh_from_db()
    assert m.max_load == 3 and m.version == 2
    assert AuditEvent.objects.filter(action=AuditAction.MEDIATOR_CHANGED).count() == 2
    client.force_login(people["station3"])
    assert client.get(edit).status_code == 403  # no MANAGE_MEDIATORS at a station


def test_another_districts_staff_cannot_see_or_edit_the_mediator(client, people, tree, make_user):
    from unionserve.core.roles import Role

    m = Mediator.objects.create(unit=tree["dc"], name="吴芳")
    client.force_login(make_user(tree["hd"], Role.CENTER_STAFF, username="haidian"))
    assert client.get(reverse("mediation:mediator_edit", args=[m.pk])).status_code == 404
    assert "吴芳" not in client.get(reverse("mediation:mediators")).content.decode()


def test_a_stale_appointment_is_refused_and_nothing_changes(people, tree, mediators):
    from unionserve.workflow.errors import StaleCase

    case = _case_at_dc(people, tree)
    old = case.version
    mediation_actions.appoint_mediator(case, mediators["m1"], acting_user=people["district"], version=old)
    case.refresh_from_db()
    with pytest.raises(StaleCase):  # a colleague's form loaded before the first appointment
        mediation_actions.appoint_mediator(case, mediators["m2"], acting_user=people["district"], version=old)
    assert MediationCase.objects.get(case=case).mediator == mediators["m1"]
    assert case.steps.get(is_open=True).assignee == people["med1"]
