"""The policy mechanism: the version in force on a day, four eyes, validation, the pages and the API."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation

from unionserve import policy
from unionserve.audit.models import AuditEvent
from unionserve.core.roles import Role
from unionserve.policy import actions, service
from unionserve.policy.models import PolicyVersion, Status

KEY = "hotline.affair.handle_days"


@pytest.fixture(autouse=True)
def english(settings):
    """Messages are matched in the source language (the site's own is zh-hans)."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def _approved(key: str, value, day: dt.date, version: int) -> PolicyVersion:
    return PolicyVersion.objects.create(key=key, version=version, value=Decimal(value), effective_from=day,
                                        source="test", status=Status.APPROVED)


def test_a_fresh_database_has_every_parameter_as_approved_version_1(db):
    keys = {p.key for p in policy.parameters()}
    assert {KEY, "mediation.conclude_days", "dataquality.collection_min"} <= keys
    seeded = PolicyVersion.objects.filter(version=1, status=Status.APPROVED)
    assert set(seeded.values_list("key", flat=True)) == keys
    v = policy.value(KEY)
    assert (v.value, v.version, v.source) == (7, 1, "000 §四.1(2)")


def test_reading_a_key_without_rows_seeds_its_default(db):
    PolicyVersion.objects.filter(key=KEY).delete()
    assert policy.value(KEY).value == 7
    assert PolicyVersion.objects.filter(key=KEY).count() == 1


def test_an_unregistered_key_is_an_error_not_nothing(db):
    with pytest.raises(KeyError, match="not registered"):
        policy.value("hotline.no_such_number")


def test_value_in_force_at_just_before_and_just_after_an_effective_date(db):
    change = dt.date(2026, 3, 1)
    _approved(KEY, 10, change, 2)
    assert policy.value(KEY, change - dt.timedelta(days=1)).value == 7
    at = policy.value(KEY, change)
    assert (at.value, at.version, at.effective_from) == (10, 2, change)
    assert policy.value(KEY, change + dt.timedelta(days=1)).version == 2
    # A proposal not yet approved changes nothing.
    PolicyVersion.objects.create(key=KEY, version=3, value=12, effective_from=change, source="x")
    assert policy.value(KEY, change + dt.timedelta(days=1)).version == 2
    # Before the seed default's date, the seed's number applied.
    assert policy.value(KEY, dt.date(2000, 1, 1)).version == 1


def test_an_aware_datetime_is_read_on_its_beijing_day(db):
    _approved(KEY, 9, dt.date(2026, 3, 1), 2)
    late_utc = dt.datetime(2026, 2, 28, 17, 0, tzinfo=dt.UTC)  # 01:00 on March 1st in Beijing
    assert policy.value(KEY, late_utc).version == 2


def test_propose_and_approve_by_a_second_person(users):
    today = timezone.localdate()
    proposal = actions.propose(KEY, "10", today, acting_user=users["city"], reason="三级办会议决定")
    assert (proposal.version, proposal.status) == (2, Status.PROPOSED)
    assert policy.value(KEY).version == 1
    with pytest.raises(actions.PolicyError, match="second person"):
        actions.approve(proposal.pk, acting_user=users["city"])
    approved = actions.approve(proposal.pk, acting_user=users["admin"], note="同意")
    assert approved.status == Status.APPROVED and approved.decided_by == users["admin"]
    assert policy.value(KEY).value == 10 and policy.value(KEY).version == 2
    assert list(AuditEvent.objects.filter(action__startswith="policy_").values_list("action", flat=True)
                .order_by("id")) == ["policy_proposed", "policy_approved"]


def test_the_database_refuses_a_self_approved_version(users):
    with pytest.raises(IntegrityError), transaction.atomic():
        PolicyVersion.objects.create(key=KEY, version=2, value=9, effective_from=timezone.localdate(), source="x",
                                     status=Status.APPROVED, proposed_by=users["city"], decided_by=users["city"])
    with pytest.raises(IntegrityError), transaction.atomic():
        PolicyVersion.objects.create(key=KEY, version=2, value=9, effective_from=timezone.localdate(), source="x",
                                     status=Status.APPROVED, proposed_by=users["city"])


@pytest.mark.parametrize(("value", "message"), [("0", "from 1 to 365"), ("366", "from 1 to 365"),
                                                 ("7.5", "whole number"), ("abc", "Enter a number")])
def test_bounds_and_types_are_checked(users, value, message):
    with pytest.raises(actions.PolicyError, match=message):
        actions.propose(KEY, value, timezone.localdate(), acting_user=users["city"], reason="x")


def test_percent_and_money_like_values(users):
    v = actions.propose("dataquality.collection_min", "98.5", timezone.localdate(), acting_user=users["city"],
                        reason="x")
    assert v.value == Decimal("98.50")
    with pytest.raises(actions.PolicyError):
        actions.propose("dataquality.collection_min", "101", timezone.localdate(), acting_user=users["city"],
                        reason="x")


def test_dates_in_the_past_reasons_rejection_and_withdrawal(users):
    today = timezone.localdate()
    with pytest.raises(actions.PolicyError, match="past"):
        actions.propose(KEY, "8", today - dt.timedelta(days=1), acting_user=users["city"], reason="x")
    with pytest.raises(actions.PolicyError, match="reason"):
        actions.propose(KEY, "8", today, acting_user=users["city"], reason=" ")
    first = actions.propose(KEY, "8", today, acting_user=users["city"], reason="x")
    with pytest.raises(actions.PolicyError, match="withdraw"):
        actions.reject(first.pk, acting_user=users["city"], note="no")
    with pytest.raises(actions.PolicyError, match="why"):
        actions.reject(first.pk, acting_user=users["admin"])
    assert actions.reject(first.pk, acting_user=users["admin"], note="依据不足").status == Status.REJECTED
    with pytest.raises(actions.PolicyError, match="already decided"):
        actions.approve(first.pk, acting_user=users["admin"])
    second = actions.propose(KEY, "9", today, acting_user=users["city"], reason="x")
    with pytest.raises(actions.PolicyError, match="Only the person"):
        actions.withdraw(second.pk, acting_user=users["admin"])
    assert actions.withdraw(second.pk, acting_user=users["city"]).status == Status.WITHDRAWN
    # An approval after the effective date has passed is refused: it would change decisions already taken.
    late = actions.propose(KEY, "9", today, acting_user=users["city"], reason="x")
    PolicyVersion.objects.filter(pk=late.pk).update(effective_from=today - dt.timedelta(days=1))
    with pytest.raises(actions.PolicyError, match="passed"):
        actions.approve(late.pk, acting_user=users["admin"])
    assert policy.value(KEY).version == 1


def test_pages_propose_and_a_second_person_approves(client_for, users):
    client = client_for(users["city"])
    page = client.get(reverse("policy:list"))
    assert page.status_code == 200 and KEY in page.content.decode()
    response = client.post(reverse("policy:propose", args=[KEY]), {
        "value": "10", "effective_from": timezone.localdate().isoformat(), "reason": "热线工作会议", "source": ""})
    assert response.status_code == 302
    proposal = PolicyVersion.objects.get(key=KEY, version=2)
    detail = client.get(reverse("policy:detail", args=[KEY])).content.decode()
    assert "热线工作会议" in detail and 'value="withdraw"' in detail and 'value="approve"' not in detail
    client.post(reverse("policy:decide", args=[proposal.pk]), {"decision": "approve"})
    assert PolicyVersion.objects.get(pk=proposal.pk).status == Status.PROPOSED  # refused: same person
    client = client_for(users["admin"])
    assert 'value="approve"' in client.get(reverse("policy:detail", args=[KEY])).content.decode()
    client.post(reverse("policy:decide", args=[proposal.pk]), {"decision": "approve", "note": "同意"})
    assert PolicyVersion.objects.get(pk=proposal.pk).status == Status.APPROVED
    assert policy.value(KEY).value == 10


def test_a_bad_proposal_is_explained_on_the_page(client_for, users):
    response = client_for(users["city"]).post(reverse("policy:propose", args=[KEY]), {
        "value": "0", "effective_from": timezone.localdate().isoformat(), "reason": "x"})
    assert response.status_code == 400 and "from 1 to 365" in response.content.decode()


def test_who_may_read_and_who_may_change(client_for, users, make_user, tree):
    # Every staff role reads the numbers that govern its deadlines; only the city office and admins change them.
    proposal = actions.propose(KEY, "9", timezone.localdate(), acting_user=users["city"], reason="x")
    station = client_for(users["station"])
    assert station.get(reverse("policy:list")).status_code == 200
    assert station.post(reverse("policy:propose", args=[KEY]), {
        "value": "9", "effective_from": timezone.localdate().isoformat(), "reason": "x"}).status_code == 403
    assert station.post(reverse("policy:decide", args=[proposal.pk]), {"decision": "approve"}).status_code == 403
    assert PolicyVersion.objects.get(pk=proposal.pk).status == Status.PROPOSED
    district = client_for(users["district"])
    page = district.get(reverse("policy:detail", args=[KEY]))
    assert page.status_code == 200 and "propose-heading" not in page.content.decode()
    assert district.post(reverse("policy:propose", args=[KEY]), {
        "value": "9", "effective_from": timezone.localdate().isoformat(), "reason": "x"}).status_code == 403
    assert not PolicyVersion.objects.filter(key=KEY, version=3).exists()
    dept = make_user(tree["dept"], Role.DEPARTMENT_STAFF)
    assert client_for(dept).get(reverse("policy:list")).status_code == 200


def test_api_lists_parameters_and_a_history(client_for, users):
    client = client_for(users["district"])
    rows = client.get("/api/policy/parameters").json()
    row = next(r for r in rows if r["key"] == KEY)
    assert row["value"] in ("7", "7.00", 7) or Decimal(str(row["value"])) == 7
    assert row["version"] == 1 and row["source"] == "000 §四.1(2)"
    history = client.get(f"/api/policy/parameters/{KEY}/history").json()
    assert [h["version"] for h in history] == [1]
    assert client.get("/api/policy/parameters/nope.nope").status_code == 404
    assert client_for(users["station"]).get("/api/policy/parameters").status_code == 200


def test_seeding_is_idempotent(db):
    before = PolicyVersion.objects.count()
    assert service.ensure_defaults() == 0
    assert PolicyVersion.objects.count() == before
