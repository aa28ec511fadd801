"""The rates and policy pages: permissions, scope, drill-down, recompute."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from unionserve.dataquality import actions
from unionserve.dataquality.models import QualitySnapshot

from .helpers import employer, members

pytestmark = pytest.mark.django_db


@pytest.fixture
def figures(tree):
    employer(tree["st1"], grassroots=tree["g1"], reported=100)
    members(tree["g1"], 90)
    employer(tree["st3"], grassroots=tree["g3"], reported=10)
    members(tree["g3"], 10)
    actions.recompute_snapshots(remind=False)


def test_rates_page_shows_unit_children_definitions_and_badges(users, tree, figures, client_for):
    page = client_for(users["city"]).get(reverse("dataquality:rates"))
    assert page.status_code == 200
    html = page.content.decode()
    assert tree["dc"].name in html and tree["hd"].name in html and tree["ind"].name in html
    assert "90.0%" in html and "(90/100)" in html and "badge text-bg-danger" in html
    assert "单位信息合格率" in html and "会员信息采集率" in html and "会员信息准确率" in html
    assert "98.00" in html  # the policy in force
    assert 'action="/quality/recompute/"' in html


def test_drill_down_and_scope(users, tree, figures, client_for):
    client = client_for(users["district"])
    html = client.get(reverse("dataquality:rates")).content.decode()
    assert tree["st1"].name in html and tree["hd"].name not in html
    assert client.get(reverse("dataquality:rates"), {"unit": tree["st1"].pk}).status_code == 200
    assert client.get(reverse("dataquality:rates"), {"unit": tree["hd"].pk}).status_code == 404
    assert client.get(reverse("dataquality:rates"), {"unit": "x"}).status_code == 404
    station = client_for(users["station"])
    assert station.get(reverse("dataquality:rates"), {"unit": tree["st3"].pk}).status_code == 404
    assert 'action="/quality/recompute/"' not in station.get(reverse("dataquality:rates")).content.decode()


def test_permissions(users, figures, client_for):
    assert client_for(users["grassroots"]).get(reverse("dataquality:rates")).status_code == 403
    assert client_for(users["station"]).post(reverse("dataquality:recompute")).status_code == 403


def test_recompute_button(users, tree, client_for):
    employer(tree["st1"], grassroots=tree["g1"], reported=4)
    members(tree["g1"], 4)
    response = client_for(users["city"]).post(reverse("dataquality:recompute"), {"unit": tree["dc"].pk})
    assert response.status_code == 302 and response["Location"].endswith(f"?unit={tree['dc'].pk}")
    assert QualitySnapshot.objects.filter(date=timezone.localdate(), unit=tree["dc"]).exists()


def test_empty_page_before_any_snapshot(users, client_for):
    html = client_for(users["auditor"]).get(reverse("dataquality:rates")).content.decode()
    assert "computed every night" in html or "每晚" in html


def test_thresholds_link_to_the_policy_pages(users, client_for):
    city = client_for(users["city"])
    response = city.get(reverse("dataquality:policy"))
    assert response.status_code == 302 and response["Location"] == reverse("policy:list") + "#area-dataquality"
    html = city.get(reverse("policy:list")).content.decode()
    assert "dataquality.collection_min" in html and "dataquality.check_days" in html
