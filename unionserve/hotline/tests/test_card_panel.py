"""The Jingka card panel on a 12351 request: the agent links the request to the caller's card, the station the
request was dispatched to records what was done, the agent reads it before calling back."""

import datetime as dt

from django.urls import reverse

from unionserve.cards.models import Card, CardProblem, CardStatus

from .test_processes import _affair


def test_card_problem_from_the_request_to_the_station_and_back(client, people, tree, member):
    card = Card.objects.create(member=member, applied_at_unit=tree["st1"], number="6218880000000000011",
                               status=CardStatus.DELIVERED, valid_from=dt.date(2025, 1, 1))
    request = _affair(client, people, member)
    case_url = reverse("workflow:case", args=[request.case.number])
    client.force_login(people["agent"])
    page = client.get(case_url).content.decode()
    assert 'data-testid="card-panel"' in page and card.number in page
    response = client.post(reverse("cards:report_problem"), {"card": card.pk, "case_number": request.case.number,
                                                             "kind": "not_working", "description": "刷不了卡"})
    assert response.status_code == 302 and response["Location"] == case_url
    problem = CardProblem.objects.get(card=card, case_number=request.case.number)
    # The station handling the request sees the problem on the case page and records what was done.
    client.force_login(people["st1"])
    assert "刷不了卡" in client.get(case_url).content.decode()
    client.post(reverse("cards:resolve_problem", args=[problem.pk]), {"resolution": "已更换新卡", "back": "case"})
    problem.refresh_from_db()
    assert problem.status == "resolved"
    client.force_login(people["agent"])
    assert "已更换新卡" in client.get(case_url).content.decode()
    # Another district's station does not see the case at all.
    client.force_login(people["st3"])
    assert client.get(case_url).status_code == 404
