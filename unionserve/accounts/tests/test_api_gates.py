"""The API applies the pages' gates: a forced password change and an Axes lockout stop sessions and tokens alike."""

import pytest
from django.conf import settings
from django.test import Client

from unionserve.accounts.actions import issue_token

WRONG = "wrong-password"


def bearer(key):
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def login(client, username, password):
    return client.post("/accounts/login/", {"username": username, "password": password})


@pytest.fixture
def token(users):
    _t, key = issue_token(users["station"], "script")
    return key


def test_session_of_a_user_who_must_change_the_password_is_refused_until_changed(client, users):
    station = users["station"]
    assert client.get("/api/orgs/units", HTTP_ACCEPT_LANGUAGE="en").status_code == 401
    client.force_login(station)
    assert client.get("/api/orgs/units").status_code == 200
    station.must_change_password = True
    station.save(update_fields=["must_change_password"])
    response = client.get("/api/orgs/units", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 401 and "Change your password" in response.json()["detail"]
    response = client.post("/api/hotline/requests", {}, content_type="application/json")
    assert response.status_code == 401
    # The page sends them to the form; once changed, the API answers again.
    assert client.get("/").status_code == 302
    response = client.post("/accounts/password/", {"old_password": "Test-pass-123",
                                                  "new_password1": "Another-pass-456!x",
                                                  "new_password2": "Another-pass-456!x"})
    assert response.status_code == 302
    station.refresh_from_db()
    assert not station.must_change_password
    assert client.get("/api/orgs/units").status_code == 200


def test_token_of_a_user_who_must_change_the_password_is_refused(client, users, token):
    assert client.get("/api/orgs/units", **bearer(token)).status_code == 200
    users["station"].must_change_password = True
    users["station"].save(update_fields=["must_change_password"])
    response = client.get("/api/orgs/units", **bearer(token), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 401 and "密码" in response.json()["detail"]


def test_locked_out_accounts_token_and_session_stop_until_the_lock_is_lifted(client, users, token):
    from axes.utils import reset

    session = Client()
    session.force_login(users["station"])
    assert client.get("/api/orgs/units", **bearer(token)).status_code == 200
    attacker = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(attacker, "station", WRONG)
    assert login(attacker, "station", "Test-pass-123").status_code == 429
    response = client.get("/api/orgs/units", **bearer(token), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 401 and "locked" in response.json()["detail"]
    assert session.get("/api/orgs/units").status_code == 401
    # Another user's token is untouched.
    _t, other = issue_token(users["district"], "script")
    assert client.get("/api/orgs/units", **bearer(other)).status_code == 200
    reset(username="station")
    assert client.get("/api/orgs/units", **bearer(token)).status_code == 200
    assert session.get("/api/orgs/units").status_code == 200


def test_fewer_failures_than_the_limit_do_not_stop_the_token(client, users, token):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        login(Client(), "station", WRONG)
    assert client.get("/api/orgs/units", **bearer(token)).status_code == 200
