"""The pages: my notifications, mark read, the badge fragment, the operators' outbox."""

import pytest
from django.test import RequestFactory
from django.urls import reverse

from unionserve.core.roles import Role
from unionserve.notifications.api import notify, unread_count
from unionserve.notifications.context import unread
from unionserve.notifications.models import Notification


@pytest.fixture
def mine(users, context):
    """Two notifications for the station user (the older one read) and one for somebody else."""
    old = notify("case.urged", users=[users["station"]], context=context, link="/orgs/")[0]
    Notification.objects.filter(pk=old.pk).update(read_at=old.created_at)
    new = notify("case.dispatched", users=[users["station"]], context=context, link="/orgs/")[0]
    notify("case.returned", users=[users["district"]], context=context)
    return old, new


def test_my_notifications_unread_first(client_for, users, mine):
    old, new = mine
    page = client_for(users["station"]).get(reverse("notifications:list"))
    assert page.status_code == 200
    html = page.content.decode()
    assert html.index(new.subject) < html.index(old.subject)
    assert reverse("notifications:open", args=[new.pk]) in html
    assert "case.returned" not in html and Notification.objects.get(recipient_user=users["district"]).subject \
        not in html


def test_opening_a_notification_marks_it_read_and_follows_its_link(client_for, users, mine):
    _old, new = mine
    response = client_for(users["station"]).get(reverse("notifications:open", args=[new.pk]))
    assert response.status_code == 302 and response["Location"] == "/orgs/"
    assert unread_count(users["station"]) == 0


def test_somebody_elses_notification_is_404(client_for, users, mine):
    _old, new = mine
    assert client_for(users["district"]).get(reverse("notifications:open", args=[new.pk])).status_code == 404


def test_mark_one_and_all_read(client_for, users, mine, context):
    _old, new = mine
    notify("case.reopened", users=[users["station"]], context=context)
    client = client_for(users["station"])
    response = client.post(reverse("notifications:mark_read"), {"ids": [new.pk]})
    assert response.status_code == 302 and unread_count(users["station"]) == 1
    client.post(reverse("notifications:mark_read"), {"all": "1"})
    assert unread_count(users["station"]) == 0
    assert unread_count(users["district"]) == 1
    assert client.get(reverse("notifications:mark_read")).status_code == 405


def test_count_fragment_and_context_processor(client_for, users, mine):
    client = client_for(users["station"])
    fragment = client.get(reverse("notifications:count"), HTTP_HX_REQUEST="true")
    assert fragment.status_code == 200 and ">1<" in fragment.content.decode()
    assert fragment["Cache-Control"] == "no-store"
    request = RequestFactory().get("/")
    request.user = users["station"]
    assert unread(request) == {"unread_notifications": 1}
    client.post(reverse("notifications:mark_read"), {"all": "1"})
    assert client.get(reverse("notifications:count")).content.decode().strip() == ""


def test_outbox_needs_the_permission(client_for, users):
    client = client_for(users["station"])
    assert client.get(reverse("notifications:outbox")).status_code == 403
    assert client.post(reverse("notifications:retry")).status_code == 403


def test_outbox_lists_counts_and_filters(client_for, users, station, context):
    notify("case.dispatched", units=[station], channels=("in_app", "sms"), context=context)
    Notification.objects.filter(channel="sms").update(status="failed", attempts=5, last_error="gateway down")
    client = client_for(users["admin"])
    html = client.get(reverse("notifications:outbox")).content.decode()
    assert "gateway down" in html and "138****0001" in html and "13800000001" not in html
    only_sms = client.get(reverse("notifications:outbox"), {"channel": "in_app", "status": "failed"})
    assert only_sms.context["page"].paginator.count == 0
    assert dict((v, n) for v, _label, n in only_sms.context["status_counts"])["pending"] == 1


def test_outbox_shows_only_the_operators_part_of_the_tree(client_for, users, tree, make_user, context):
    notify("case.urged", users=[users["station"], users["station3"]], context=context)
    district_admin = make_user(tree["dc"], Role.SYSTEM_ADMIN, username="dcadmin")
    rows = client_for(district_admin).get(reverse("notifications:outbox")).context["page"].object_list
    assert [n.recipient_user for n in rows] == [users["station"]]


def test_retry_failed_queues_them_again(client_for, users, station, context, django_capture_on_commit_callbacks):
    notify("case.dispatched", units=[station], channels=("sms",), context=context)
    Notification.objects.update(status="failed", attempts=5, last_error="gateway down")
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(users["admin"]).post(reverse("notifications:retry"), {"channel": "sms"})
    assert response.status_code == 302
    row = Notification.objects.get()
    assert row.status == "sent" and row.attempts == 1  # queued from zero and delivered on commit
    from unionserve.audit.models import AuditEvent

    assert AuditEvent.objects.filter(action="outbox_retried", actor=users["admin"]).exists()
