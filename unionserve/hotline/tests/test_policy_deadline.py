"""A policy change made in the policy pages changes the next affair's deadline; earlier steps keep their version."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from unionserve.core.roles import Role
from unionserve.hotline.models import HotlineRequest
from unionserve.policy.models import PolicyVersion, Status
from unionserve.workflow.models import Step

from .test_processes import workbench_post

KEY = "hotline.affair.handle_days"


def _dispatch(client, people, member) -> Step:
    response = workbench_post(client, people["agent"], kind="affair", action="dispatch", units="110101001",
                              filed_units="", member=member.pk, caller_phone="13912345678",
                              description="公司拖欠三个月工资")
    assert response.status_code == 302, response.content.decode()[:1500]
    request = HotlineRequest.objects.filter(kind="affair").select_related("case").latest("id")
    return Step.objects.get(case=request.case, is_open=True, kind="work")


def test_a_length_changed_in_the_page_applies_to_the_next_case_only(client, people, member, clock, tree,
                                                                    make_user):
    clock.set(2026, 9, 28)  # Mon; Oct 1–7 off, Sat Oct 10 worked
    first = _dispatch(client, people, member)
    assert first.due_at.date() == dt.date(2026, 10, 13)  # 7 working days, the seed's number
    assert first.policy_version.version == 1 and first.deadline["policy"]["version"] == 1

    # The city office proposes 10 working days from today; a second person approves it.
    client.force_login(people["office"])
    response = client.post(reverse("policy:propose", args=[KEY]), {
        "value": "10", "effective_from": "2026-09-28", "reason": "热线工作会议决定", "source": "三级办通知"})
    assert response.status_code == 302
    proposal = PolicyVersion.objects.get(key=KEY, status=Status.PROPOSED)
    client.post(reverse("policy:decide", args=[proposal.pk]), {"decision": "approve"})
    assert PolicyVersion.objects.get(pk=proposal.pk).status == Status.PROPOSED  # the proposer cannot approve
    second_person = make_user(tree["city"], Role.CITY_OFFICE, username="office2")
    client.force_login(second_person)
    client.post(reverse("policy:decide", args=[proposal.pk]), {"decision": "approve", "note": "同意"})
    assert PolicyVersion.objects.get(pk=proposal.pk).status == Status.APPROVED

    clock.set(2026, 9, 28, 15)
    second = _dispatch(client, people, member)
    assert second.due_at.date() == dt.date(2026, 10, 16)  # 10 working days
    assert second.deadline["n"] == 10 and second.policy_version_id == proposal.pk
    assert second.deadline["policy"] == {**second.deadline["policy"], "key": KEY, "version": 2}

    first.refresh_from_db()
    assert first.due_at.date() == dt.date(2026, 10, 13)
    assert first.policy_version.version == 1 and first.deadline["policy"]["version"] == 1
    # The case pages say which version each deadline used.
    client.force_login(people["agent"])
    for step, version in ((first, 1), (second, 2)):
        html = client.get(reverse("workflow:case", args=[step.case.number])).content.decode()
        assert KEY in html and (f"第 {version} 版" in html or f"version {version}" in html)


def test_a_station_worker_cannot_propose(client, people):
    client.force_login(people["st1"])
    response = client.post(reverse("policy:propose", args=[KEY]), {
        "value": "3", "effective_from": "2030-01-01", "reason": "x"})
    assert response.status_code == 403
    assert not PolicyVersion.objects.filter(key=KEY, status=Status.PROPOSED).exists()
