"""Personal data: masked in lists, pages and the API; revealed only with VIEW_PII inside the scope, audited."""

import pytest
from django.core.exceptions import PermissionDenied

from unionserve.audit.models import AuditAction, AuditEvent
from unionserve.core.roles import Role
from unionserve.members import pii

from .factories import id_number, make_member

PHONE = "13812345678"


@pytest.fixture
def member(tree):
    return make_member(tree["g1"], "张三", number=id_number(seq=7), phone=PHONE)


def clear_id(member):
    return pii.clear_values(member)["id_number"]


def test_search_list_and_member_page_show_masked_values_only(client_for, users, member):
    client = client_for(users["station"])
    number = clear_id(member)
    html = client.get("/members/", {"q": "张"}).content.decode()
    assert member.id_masked in html and member.phone_masked in html
    assert number not in html and PHONE not in html
    html = client.get(f"/members/{member.pk}/").content.decode()
    assert member.id_masked in html and number not in html and PHONE not in html
    assert f"/members/{member.pk}/reveal/" in html  # the "show in full" button for those allowed
    assert not AuditEvent.objects.filter(action=AuditAction.PERSONAL_DATA_VIEWED).exists()


def test_api_gives_masked_fields_only(client_for, users, member):
    client = client_for(users["station"])
    data = client.get("/api/members/").json()
    assert data["count"] == 1
    row = data["items"][0]
    assert row["id_masked"] == member.id_masked and row["phone_masked"] == member.phone_masked
    body = client.get(f"/api/members/{member.pk}").content.decode()
    assert clear_id(member) not in body and PHONE not in body
    assert "id_encrypted" not in body and "id_hash" not in body


def test_reveal_shows_clear_values_and_audits(client_for, users, member):
    client = client_for(users["station"])
    response = client.post(f"/members/{member.pk}/reveal/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert clear_id(member) in html and PHONE in html
    assert "no-store" in response.headers.get("Cache-Control", "")
    event = AuditEvent.objects.get(action=AuditAction.PERSONAL_DATA_VIEWED)
    assert event.actor == users["station"] and event.object_id == str(member.pk)
    assert event.unit == member.grassroots and event.detail == {"fields": ["id_number", "phone"]}
    assert clear_id(member) not in str(event.detail)


def test_reveal_without_htmx_renders_the_whole_page(client_for, users, member):
    response = client_for(users["station"]).post(f"/members/{member.pk}/reveal/")
    assert response.status_code == 200 and PHONE in response.content.decode()


def test_reveal_refused_without_view_pii(client_for, users, make_user, tree, member):
    agent = make_user(tree["city"], Role.HOTLINE_AGENT)
    client = client_for(agent)
    page = client.get(f"/members/{member.pk}/").content.decode()
    assert "/reveal/" not in page
    assert client.post(f"/members/{member.pk}/reveal/").status_code == 403
    with pytest.raises(PermissionDenied):
        pii.reveal(member, user=agent)
    assert not AuditEvent.objects.filter(action=AuditAction.PERSONAL_DATA_VIEWED).exists()


def test_reveal_refused_outside_scope(client_for, users, member):
    assert client_for(users["station3"]).post(f"/members/{member.pk}/reveal/").status_code == 404
    with pytest.raises(PermissionDenied):
        pii.reveal(member, user=users["station3"])
    assert not AuditEvent.objects.filter(action=AuditAction.PERSONAL_DATA_VIEWED).exists()


def test_reveal_requires_post(client_for, users, member):
    assert client_for(users["station"]).get(f"/members/{member.pk}/reveal/").status_code == 405
