"""Linkage days and meetings (001 §二(五)2–3): recorded by the station, months without a linkage day shown."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from unionserve.stations import actions
from unionserve.stations.models import Meeting

pytestmark = pytest.mark.django_db


def test_meetings_and_missing_linkage_days(client, tree, people, clock):
    clock.set(2026, 3, 20)
    actions.record_meeting(tree["st1"], acting_user=people["st1"], kind="linkage_day", held_on=dt.date(2026, 1, 15),
                           topic="1月联动日", attendance=6, minutes="市区站视频联动")
    with pytest.raises(PermissionDenied):
        actions.record_meeting(tree["st1"], acting_user=people["dc"], kind="joint", held_on=dt.date(2026, 1, 1),
                               topic="x")
    with pytest.raises(ValidationError):
        actions.record_meeting(tree["st1"], acting_user=people["st1"], kind="joint", held_on=dt.date(2026, 4, 1),
                               topic="未来")
    client.force_login(people["st1"])
    r = client.post(reverse("stations:meeting_add", args=[tree["st1"].pk]),
                    {"kind": "joint", "held_on": "2026-02-10", "topic": "联席会", "attendance": "9",
                     "attendees": "司法所、社保所", "minutes": "研究区域职工队伍状况"})
    assert r.status_code == 302 and Meeting.objects.count() == 2
    page = client.get(reverse("stations:station", args=[tree["st1"].pk]) + "?tab=meetings&year=2026")
    text = page.content.decode()
    assert "联席会" in text
    assert page.context["missing_linkage"] == [2, 3]  # February and March lack a linkage day
    client.force_login(people["st3"])  # another district's station
    assert client.post(reverse("stations:meeting_add", args=[tree["st1"].pk]),
                       {"kind": "joint", "held_on": "2026-02-10", "topic": "x", "attendance": "1"}).status_code == 404


def test_meetings_api(client, tree, people, clock):
    clock.set(2026, 3, 20)
    client.force_login(people["st1"])
    url = f"/api/stations/stations/{tree['st1'].pk}/meetings"
    r = client.post(url, {"kind": "linkage_day", "held_on": "2026-03-02", "topic": "联动日", "attendance": 5},
                    content_type="application/json")
    assert r.status_code == 201
    assert client.post(url, {"kind": "party", "held_on": "2026-03-02", "topic": "x"},
                       content_type="application/json").status_code == 400
    assert [m["topic"] for m in client.get(url + "?year=2026").json()] == ["联动日"]
