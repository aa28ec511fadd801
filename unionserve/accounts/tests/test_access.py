"""Pages refuse what lies outside the user's scope or roles: 404 for data, 403 for work."""

import pytest
from django.urls import reverse

from unionserve.accounts.models import User
from unionserve.core.roles import Role


@pytest.mark.parametrize("name", ["orgs:detail", "orgs:children", "orgs:rename", "orgs:move", "orgs:merge",
                                  "orgs:close"])
def test_station_cannot_open_another_stations_unit(client_for, users, tree, name):
    client = client_for(users["city"] if name != "orgs:detail" else users["station"])
    if name != "orgs:detail":
        users["city"].org_unit = tree["st1"]  # a manager, but at station 1
        users["city"].save()
    response = client.get(reverse(name, args=[tree["st3"].pk]))
    assert response.status_code in (403, 404)
    assert "中关村站" not in response.content.decode()


def test_station_sees_its_own_units_pages(client_for, users, tree):
    client = client_for(users["station"])
    page = client.get(reverse("orgs:detail", args=[tree["st1"].pk])).content.decode()
    assert "东华门站" in page and "公交一厂工会" in page
    assert client.get(reverse("orgs:detail", args=[tree["dc"].pk])).status_code == 404  # its parent is outside
    assert client.get(reverse("orgs:detail", args=[tree["g3"].pk])).status_code == 404


def test_search_never_shows_units_outside_scope(client_for, users):
    client = client_for(users["station"])
    body = client.get(reverse("orgs:search"), {"q": "公交"}).content.decode()
    assert "公交一厂工会" in body and "公交三厂工会" not in body and "公交集团工会" not in body


def test_user_pages_are_scoped(client_for, users):
    client = client_for(users["district"])
    assert client.get(reverse("accounts:user_detail", args=[users["station"].pk])).status_code == 200
    assert client.get(reverse("accounts:user_detail", args=[users["station3"].pk])).status_code == 404
    listing = client.get(reverse("accounts:user_list"), {"active": ""}).content.decode()
    assert "station3" not in listing and "grassroots" in listing


def test_roles_decide_what_work_a_page_allows(client_for, users, tree):
    client = client_for(users["station"])
    assert client.get(reverse("accounts:user_create")).status_code == 403
    assert client.get(reverse("orgs:rename", args=[tree["st1"].pk])).status_code == 403
    assert client.get(reverse("audit:list")).status_code == 403


def test_district_creates_a_station_user_but_not_elsewhere(client_for, users, tree):
    client = client_for(users["district"])
    data = {"username": "newsw", "display_name": "新社工", "org_unit": "110101002", "roles": [Role.SOCIAL_WORKER],
            "password": "Xq7-long-password"}
    response = client.post(reverse("accounts:user_create"), data)
    assert response.status_code == 302
    new = User.objects.get(username="newsw")
    assert new.must_change_password and new.role_names == ["social_worker"]
    data.update(username="other", org_unit="110108012")
    response = client.post(reverse("accounts:user_create"), data)
    assert response.status_code == 200 and not User.objects.filter(username="other").exists()
    assert "110108012" in response.content.decode()  # the error names the code it could not find


def test_only_admins_grant_privileged_roles(client_for, users):
    client = client_for(users["district"])
    data = {"username": "sneaky", "display_name": "x", "org_unit": "110101", "roles": [Role.SYSTEM_ADMIN],
            "password": "Xq7-long-password"}
    response = client.post(reverse("accounts:user_create"), data)
    assert response.status_code == 200 and not User.objects.filter(username="sneaky").exists()


def test_role_must_fit_the_unit(client_for, users):
    client = client_for(users["admin"])
    data = {"username": "wrongplace", "display_name": "x", "org_unit": "110101001", "roles": [Role.HOTLINE_AGENT],
            "password": "Xq7-long-password"}
    response = client.post(reverse("accounts:user_create"), data)
    assert response.status_code == 200 and not User.objects.filter(username="wrongplace").exists()
    assert "坐席" in response.content.decode() or "Hotline" in response.content.decode()


def test_edit_roles_and_deactivate(client_for, users):
    client = client_for(users["admin"])
    target = users["station"]
    response = client.post(reverse("accounts:user_edit", args=[target.pk]), {
        "display_name": "杨帆", "org_unit": "110101001", "roles": [Role.SOCIAL_WORKER, Role.MEDIATOR]})
    assert response.status_code == 302
    assert User.objects.get(pk=target.pk).role_names == ["mediator", "social_worker"]
    client.post(reverse("accounts:user_set_active", args=[target.pk]), {"active": "0"})
    assert not User.objects.get(pk=target.pk).is_active


def test_admin_reset_forces_a_password_change(client, users):
    client.force_login(users["admin"])
    client.post(reverse("accounts:user_reset_password", args=[users["station"].pk]), {"password": "Temp-pass-9981"})
    client.logout()
    client.post(reverse("accounts:login"), {"username": "station", "password": "Temp-pass-9981"})
    response = client.get(reverse("web:home"))
    assert response.status_code == 302 and response["Location"] == reverse("accounts:password_change")
    response = client.post(reverse("accounts:password_change"), {
        "old_password": "Temp-pass-9981", "new_password1": "My-own-pass-4471", "new_password2": "My-own-pass-4471"})
    assert response.status_code == 302
    assert client.get(reverse("web:home")).status_code == 200


def test_every_page_needs_login(client, tree):
    for url in [reverse("web:home"), reverse("orgs:browse"), reverse("accounts:user_list"), reverse("audit:list"),
                reverse("orgs:detail", args=[tree["city"].pk])]:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
