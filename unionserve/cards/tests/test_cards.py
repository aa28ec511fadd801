"""The card's life through the bank: batches with refusals, the same result twice, bad result files, loss and
reissue, validity at its edges, 12351 card problems, scope and roles."""

import datetime as dt
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from unionserve.audit.models import AuditEvent
from unionserve.cards import actions, bankfiles, public
from unionserve.cards.models import BatchStatus, Card, CardStatus, Document
from unionserve.members.public import Member, MemberStatus

from .conftest import card_number

ALL = list(Document.values)


def _apply_all(members, user):
    return [actions.apply_for_card(m, documents=ALL, acting_user=user) for m in members]


def _batch(members, user):
    _apply_all(members, user)
    return actions.send_batch(Card.objects.all(), acting_user=user)


def test_application_needs_every_document_and_one_live_card(people, members):
    with pytest.raises(ValidationError, match="Missing"):
        actions.apply_for_card(members[0], documents=["id_card"], acting_user=people["station"])
    card = actions.apply_for_card(members[0], documents=ALL, acting_user=people["station"])
    assert card.status == CardStatus.APPLIED and card.events.count() == 1
    assert AuditEvent.objects.filter(action="card_changed").count() == 1
    with pytest.raises(ValidationError, match="already has a card"):
        actions.apply_for_card(members[0], documents=ALL, acting_user=people["station"])


def test_batch_with_refusal_then_loss_and_reissue(people, members):
    station = people["station"]
    batch = _batch(members[:3], station)
    cards = list(batch.cards.order_by("pk"))
    assert {c.status for c in cards} == {CardStatus.IN_PRODUCTION} and batch.count == 3
    data = actions.batch_file_for(batch, acting_user=station)
    lines = data.decode().splitlines()
    assert lines[0].startswith("application,name,id_number") and lines[-1].startswith("#END,3,")
    assert AuditEvent.objects.filter(action="pii_exported").exists()
    result = bankfiles.result_file([
        (cards[0].reference, "issued", card_number(1), "2026-03-01", ""),
        (cards[1].reference, "issued", card_number(2), "2026-03-01", ""),
        (cards[2].reference, "refused", "", "", "身份证已过期"),
    ])
    outcome = actions.apply_result(batch, result, filename="r.csv", acting_user=station)
    assert (outcome.result.issued, outcome.result.refused) == (2, 1)
    batch.refresh_from_db()
    assert batch.status == BatchStatus.DONE
    first = Card.objects.get(pk=cards[0].pk)
    assert first.status == CardStatus.ISSUED and first.valid_from == dt.date(2026, 3, 1)
    assert Member.objects.get(pk=first.member_id).card_number == card_number(1)  # the register's copy
    refused = Card.objects.get(pk=cards[2].pk)
    assert refused.status == CardStatus.REFUSED and refused.refusal_reason == "身份证已过期"
    # Delivered, lost, replaced: the new card goes through the bank again and replaces the old one.
    actions.deliver(first, acting_user=station)
    actions.report_lost(first, acting_user=station, note="公交车上丢失")
    assert public.valid_card(first.member_id, on=timezone.localdate()) is None
    new = actions.replace(first, documents=ALL, acting_user=station)
    assert new.replaces_id == first.pk and Card.objects.get(pk=first.pk).status == CardStatus.REPLACED
    second = actions.send_batch(Card.objects.all(), acting_user=station)
    assert list(second.cards.all()) == [new]
    assert "reissue" in actions.batch_file_for(second, acting_user=station).decode()
    actions.apply_result(second, bankfiles.result_file([(new.reference, "issued", card_number(9), "", "")]),
                         acting_user=station)
    assert public.valid_card(first.member_id, on=timezone.localdate()).pk == new.pk
    assert Member.objects.get(pk=first.member_id).card_number == card_number(9)
    assert [e.status for e in Card.objects.get(pk=first.pk).events.all()] == [
        "applied", "in_production", "issued", "delivered", "lost", "replaced"]


def test_same_result_file_twice_changes_nothing(people, members):
    batch = _batch(members[:2], people["station"])
    cards = list(batch.cards.order_by("pk"))
    data = bankfiles.result_file([(cards[0].reference, "issued", card_number(1), "", ""),
                                  (cards[1].reference, "refused", "", "", "资料不全")])
    actions.apply_result(batch, data, acting_user=people["station"])
    events, audits = Card.objects.get(pk=cards[0].pk).events.count(), AuditEvent.objects.count()
    again = actions.apply_result(batch, data, acting_user=people["station"])
    assert again.already_applied and batch.results.count() == 1
    assert Card.objects.get(pk=cards[0].pk).events.count() == events and AuditEvent.objects.count() == audits
    # A second file repeating a row already applied changes nothing either.
    repeat = bankfiles.result_file([(cards[0].reference, "issued", card_number(1), "", "")])
    assert actions.apply_result(batch, repeat, acting_user=people["station"]).result.unchanged == 1
    assert Card.objects.get(pk=cards[0].pk).events.count() == events


@pytest.mark.parametrize("rows, expected", [
    ([("JK999999999", "issued", card_number(1), "", "")], "is not in this batch"),
    ([(0, "issued", card_number(1), "", ""), (0, "issued", card_number(2), "", "")], "also on line 2"),
    ([(0, "issued", "6218880000000000001", "", "")], "is not a card number"),
    ([(0, "issued", card_number(1), "", ""), (1, "issued", card_number(1), "", "")], "also on line"),
    ([(0, "refused", "", "", "")], "needs the bank's reason"),
    ([(0, "lost", "", "", "")], "must be issued or refused"),
])
def test_bad_result_files_change_nothing(people, members, rows, expected):
    batch = _batch(members[:2], people["station"])
    refs = [c.reference for c in batch.cards.order_by("pk")]
    rows = [(refs[r[0]] if isinstance(r[0], int) else r[0], *r[1:]) for r in rows]
    with pytest.raises(actions.ResultRejected) as exc:
        actions.apply_result(batch, bankfiles.result_file(rows), acting_user=people["station"])
    assert any(expected in message for _line, message in exc.value.errors)
    assert set(batch.cards.values_list("status", flat=True)) == {CardStatus.IN_PRODUCTION}
    assert not batch.results.exists()


def test_a_tampered_file_and_a_taken_number_are_refused(people, members):
    batch = _batch(members[:2], people["station"])
    ref = batch.cards.order_by("pk").first().reference
    data = bankfiles.result_file([(ref, "issued", card_number(1), "", "")]).replace(b"issued", b"refused")
    with pytest.raises(actions.ResultRejected, match="checksum"):
        actions.apply_result(batch, data, acting_user=people["station"])
    other = Card.objects.create(member=members[3], applied_at_unit=members[3].grassroots, number=card_number(5),
                                status=CardStatus.ISSUED, valid_from=dt.date(2025, 1, 1))
    with pytest.raises(actions.ResultRejected, match="belongs to another card"):
        actions.apply_result(batch, bankfiles.result_file([(ref, "issued", other.number, "", "")]),
                             acting_user=people["station"])


def test_row_errors_are_shown_in_chinese(client, people, members):
    batch = _batch(members[:1], people["station"])
    client.force_login(people["station"])
    upload = bankfiles.result_file([("JK999999999", "issued", "123", "", "")])
    from django.core.files.uploadedfile import SimpleUploadedFile

    page = client.post(reverse("cards:batch_result", args=[batch.pk]),
                       {"file": SimpleUploadedFile("r.csv", upload, content_type="text/csv")},
                       HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert page.status_code == 400
    text = page.content.decode()
    assert "不在本批次中" in text, re.sub(r"\s+", " ", text)[-2000:]


def test_valid_card_at_the_edges(people, members):
    card = Card.objects.create(member=members[0], applied_at_unit=members[0].grassroots, number=card_number(3),
                               status=CardStatus.ISSUED, valid_from=dt.date(2026, 1, 10),
                               valid_until=dt.date(2026, 6, 30))
    on = public.valid_card
    assert on(members[0].pk, on=dt.date(2026, 1, 9)) is None
    assert on(members[0].pk, on=dt.date(2026, 1, 10)) == card
    assert on(members[0].pk, on=dt.date(2026, 6, 30)) == card
    assert on(members[0].pk, on=dt.date(2026, 7, 1)) is None
    card.status = CardStatus.DELIVERED
    card.valid_until = None
    card.save()
    assert on(members[0].pk, on=dt.date(2030, 1, 1)) == card
    assert public.card_by_number(card_number(3)) == card
    card.status = CardStatus.LOST
    card.save()
    assert on(members[0].pk, on=dt.date(2026, 2, 1)) is None


def test_card_problem_from_12351_to_the_station_and_back(client, people, members):
    card = Card.objects.create(member=members[0], applied_at_unit=members[0].grassroots, number=card_number(4),
                               status=CardStatus.ISSUED, valid_from=dt.date(2026, 1, 1))
    problem = public.report_problem(card, case_number="RX2026000001", kind="not_working", description="刷不了卡",
                                    acting_user=people["agent"])
    assert [p.pk for p in public.problems_for_case("RX2026000001", user=people["station"])] == [problem.pk]
    with pytest.raises(ValidationError):
        public.report_problem(card, case_number="RX2026000001", kind="lost", acting_user=people["agent"])
    with pytest.raises(PermissionDenied):  # 12351 links; the station handling it resolves
        public.resolve_problem(problem, resolution="x", acting_user=people["agent"])
    client.force_login(people["station"])
    assert "刷不了卡" in client.get(reverse("cards:card", args=[card.pk])).content.decode()
    client.post(reverse("cards:resolve_problem", args=[problem.pk]), {"resolution": "已联系银行换卡"})
    problem.refresh_from_db()
    assert problem.status == "resolved" and problem.resolved_by == people["station"]
    # 12351 reads the resolution before calling the member back.
    assert public.problems_for_case("RX2026000001", user=people["agent"])[0].resolution == "已联系银行换卡"


def test_leavers_cards_are_cancelled(people, members):
    card = Card.objects.create(member=members[1], applied_at_unit=members[1].grassroots, number=card_number(6),
                               status=CardStatus.DELIVERED, valid_from=dt.date(2025, 1, 1))
    Member.objects.filter(pk=members[1].pk).update(status=MemberStatus.LEFT, card_number=card_number(6))
    from django.core.management import call_command

    call_command("cancel_leavers_cards")
    card.refresh_from_db()
    assert card.status == CardStatus.CANCELLED and card.valid_until == timezone.localdate()
    assert Member.objects.get(pk=members[1].pk).card_number == ""


def test_scope_and_roles(client, people, members, tree):
    from unionserve.members.tests.factories import make_member

    far = make_member(tree["g3"], "海淀会员", phone="13900000001")
    card = Card.objects.create(member=far, applied_at_unit=tree["st3"], number=card_number(7),
                               status=CardStatus.ISSUED, valid_from=dt.date(2025, 1, 1))
    client.force_login(people["station"])  # 东城 东华门站: another district's card is not there
    assert client.get(reverse("cards:card", args=[card.pk])).status_code == 404
    assert client.get(f"/api/cards/cards/{card.pk}").status_code == 404
    assert client.post(reverse("cards:deliver", args=[card.pk])).status_code == 404
    client.force_login(people["station3"])
    assert client.get(reverse("cards:card", args=[card.pk])).status_code == 200
    # A hotline agent reads cards but cannot issue, deliver or send batches.
    batch = _batch(members[:1], people["station"])
    client.force_login(people["agent"])
    assert client.get(reverse("cards:card", args=[card.pk])).status_code == 200
    result = bankfiles.result_file([(batch.cards.first().reference, "issued", card_number(8), "", "")])
    assert client.post(f"/api/cards/batches/{batch.pk}/result", {"content": result.decode()},
                       content_type="application/json").status_code == 403
    assert client.post(reverse("cards:deliver", args=[card.pk])).status_code == 403
    with pytest.raises(PermissionDenied):
        actions.apply_result(batch, result, acting_user=people["agent"])


def test_pages_and_statistics(client, people, members):
    batch = _batch(members[:2], people["station"])
    ref = batch.cards.order_by("pk").first().reference
    actions.apply_result(batch, bankfiles.result_file([(ref, "issued", card_number(1), "", "")]),
                         acting_user=people["station"])
    client.force_login(people["district"])
    assert client.get(reverse("cards:index"), {"q": "会员0"}).status_code == 200
    assert client.get(reverse("cards:index"), {"q": card_number(1)}).content.decode().count(card_number(1)) >= 1
    page = client.get(reverse("cards:statistics"))
    assert page.status_code == 200 and "东华门站" in page.content.decode()
    api = client.get("/api/cards/statistics").json()
    assert api["unit"]["members"] == 4 and api["unit"]["holders"] == 1 and api["unit"]["pending"] == 1
    assert client.get(reverse("cards:statistics"), {"format": "xlsx"}).status_code == 200
    station = members[0].grassroots.region_parent
    assert client.get("/api/cards/statistics", {"unit": station.pk}).json()["unit"]["holders"] == 1
    other = station.region_parent.region_parent.region_children.exclude(pk=station.region_parent.pk).filter(
        kind="district").first()
    assert client.get(reverse("cards:statistics"), {"unit": other.pk}).status_code == 404  # another district
    client.force_login(people["station"])
    assert client.get(reverse("cards:applications")).status_code == 200
    assert client.get(reverse("cards:apply_search"), {"q": "会员3"}).status_code == 200
    response = client.post(reverse("cards:apply", args=[members[3].pk]), {"documents": ALL})
    assert response.status_code == 302 and Card.objects.filter(member=members[3]).exists()
    assert client.get(reverse("cards:batch_file", args=[batch.pk])).status_code == 200


def test_api_application_batch_and_result(client, people, members):
    client.force_login(people["station"])
    made = client.post("/api/cards/applications", {"member_id": members[0].pk, "documents": ALL},
                       content_type="application/json")
    assert made.status_code == 201 and made.json()["status"] == "applied"
    missing = client.post("/api/cards/applications", {"member_id": members[1].pk, "documents": ["form"]},
                          content_type="application/json")
    assert missing.status_code == 400
    batch = client.post("/api/cards/batches", content_type="application/json")
    assert batch.status_code == 201 and batch.json()["count"] == 1
    pk = batch.json()["id"]
    text = client.get(f"/api/cards/batches/{pk}/file").content.decode()
    assert text.splitlines()[-1].startswith("#END,1,")
    ref = made.json()["reference"]
    content = bankfiles.result_file([(ref, "issued", card_number(11), "", "")]).decode()
    bad = client.post(f"/api/cards/batches/{pk}/result", {"content": content.replace("issued", "refused")},
                      content_type="application/json")
    assert bad.status_code == 400 and "校验值" in bad.json()["detail"]  # the API answers in the user's language
    done = client.post(f"/api/cards/batches/{pk}/result", {"content": content}, content_type="application/json")
    assert done.json()["issued"] == 1
    again = client.post(f"/api/cards/batches/{pk}/result", {"content": content}, content_type="application/json")
    assert again.json()["already_applied"] is True
    card = client.get(f"/api/cards/cards/{made.json()['id']}").json()
    assert card["number"] == card_number(11) and [e["status"] for e in card["events"]] == [
        "applied", "in_production", "issued"]


def test_member_page_section(client, people, members):
    Card.objects.create(member=members[0], applied_at_unit=members[0].grassroots, number=card_number(12),
                        status=CardStatus.DELIVERED, valid_from=dt.date(2025, 1, 1))
    client.force_login(people["station"])
    page = client.get(reverse("members:detail", args=[members[0].pk])).content.decode()
    assert card_number(12) in page
