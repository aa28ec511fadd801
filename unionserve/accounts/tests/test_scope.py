"""One scope per user: the subtrees under their unit on both lines, and nothing else."""

import pytest

from unionserve.accounts.models import User
from unionserve.core.scope import NOTHING, ScopeError, scope_of, scoped
from unionserve.orgs.models import OrgUnit, OrgUnitEvent


def visible(user):
    return sorted(scoped(OrgUnit.objects.all(), user).values_list("code", flat=True))


def test_city_sees_everything(users):
    assert len(visible(users["city"])) == OrgUnit.objects.count()


def test_district_sees_its_stations_and_their_unions(users):
    assert visible(users["district"]) == ["110101", "110101001", "110101002", "G1", "G2"]


def test_station_sees_its_own_subtree_only(users):
    assert visible(users["station"]) == ["110101001", "G1", "G2"]
    assert visible(users["station3"]) == ["110108012", "G3"]


def test_company_union_sees_its_unions_across_stations(users):
    # G1 and G3 sit under different stations and districts, but both belong to the company.
    assert visible(users["company"]) == ["G1", "G3", "IND05C01"]


def test_grassroots_sees_itself(users):
    assert visible(users["grassroots"]) == ["G1"]


def test_users_are_scoped_by_their_unit(users):
    seen = sorted(User.objects.visible_to(users["station"]).values_list("username", flat=True))
    assert seen == ["grassroots", "station"]
    assert "station" not in User.objects.visible_to(users["station3"]).values_list("username", flat=True)


def test_inactive_anonymous_and_unit_less_users_see_nothing(users, tree):
    from django.contrib.auth.models import AnonymousUser

    assert scope_of(AnonymousUser()) is NOTHING
    lonely = User.objects.create_user("lonely", password="x-Y-z-12345")
    assert visible(lonely) == []
    users["station"].is_active = False
    assert scope_of(users["station"]) is NOTHING


def test_a_closed_unit_gives_no_scope(users, tree):
    OrgUnit.objects.filter(pk=tree["g1"].pk).update(status="closed")
    user = User.objects.get(username="grassroots")
    assert visible(user) == []


def test_related_models_scope_through_their_unit(users, tree):
    from unionserve.orgs.actions import rename_unit

    rename_unit(tree["g3"], "公交三厂工会（新）", acting_user=users["admin"])
    assert scoped(OrgUnitEvent.objects.filter(action="renamed"), users["station"]).count() == 0
    assert scoped(OrgUnitEvent.objects.filter(action="renamed"), users["station3"]).count() == 1


def test_a_model_without_scope_paths_cannot_be_scoped(users):
    from django.contrib.sessions.models import Session

    with pytest.raises(ScopeError):
        scoped(Session.objects.all(), users["station"])


def test_contains_unit(users, tree):
    scope = scope_of(users["company"])
    assert scope.contains_unit(tree["g3"]) and not scope.contains_unit(tree["g2"])
