"""Logging in: Argon2, lockout, session expiry, forced password change, demo accounts."""

import pytest
from django.conf import settings
from django.urls import reverse

from unionserve.accounts.demo import DEMO_ACCOUNTS, DEMO_PASSWORD
from unionserve.accounts.models import User
from unionserve.audit.models import AuditEvent


def post_login(client, username, password):
    return client.post(reverse("accounts:login"), {"username": username, "password": password},
                       REMOTE_ADDR="10.1.2.3")


def test_production_hashes_with_argon2():
    from unionserve.settings import base

    assert base.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


def test_login_is_logged_with_the_address(client, users):
    response = post_login(client, "station", "Test-pass-123")
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="login", actor_username="station")
    assert event.ip_address == "10.1.2.3"


@pytest.mark.parametrize("failures,locked", [(4, False), (5, True)])
def test_lockout_after_repeated_failures(client, users, failures, locked):
    limit = settings.AXES_FAILURE_LIMIT
    assert limit == 5
    for _ in range(failures):
        post_login(client, "station", "wrong")
    assert AuditEvent.objects.filter(action="login_failed", actor_username="station").count() == failures
    response = post_login(client, "station", "Test-pass-123")
    if locked:
        assert response.status_code == 429
        assert AuditEvent.objects.filter(action="locked_out").exists()
    else:
        assert response.status_code == 302


def test_wrong_password_gets_a_clear_message(client, users):
    response = post_login(client, "station", "wrong")
    assert response.status_code == 200
    assert "用户名或密码错误" in response.content.decode()


def test_sessions_expire():
    assert settings.SESSION_COOKIE_AGE == 8 * 60 * 60
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE


@pytest.mark.parametrize("idle,logged_out", [(30 * 60 - 5, False), (30 * 60 + 5, True)])
def test_idle_sessions_are_logged_out(client, users, monkeypatch, idle, logged_out):
    import time

    post_login(client, "station", "Test-pass-123")
    start = time.time()
    assert client.get(reverse("web:home")).status_code == 200
    monkeypatch.setattr(time, "time", lambda: start + idle)
    response = client.get(reverse("web:home"))
    assert (response.status_code == 302) is logged_out
    if logged_out:
        assert response["Location"].startswith(reverse("accounts:login"))


def test_pages_do_not_write_the_session_every_time(client, users, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    post_login(client, "station", "Test-pass-123")
    client.get(reverse("web:home"))
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("web:home"))
    assert not [q for q in queries.captured_queries if "django_session" in q["sql"] and "UPDATE" in q["sql"]]


def test_new_accounts_must_change_password_demo_accounts_not(db):
    from unionserve.accounts.actions import create_user
    from unionserve.accounts.demo import seed_demo_accounts
    from unionserve.orgs.seed import seed_beijing

    seed_beijing()
    seed_demo_accounts()
    assert User.objects.filter(is_demo=True).count() == len(DEMO_ACCOUNTS)
    assert not User.objects.filter(is_demo=True, must_change_password=True).exists()
    station = User.objects.get(username="station").org_unit
    fresh = create_user(username="fresh", display_name="新人", org_unit=station, roles=["social_worker"],
                        password="Some-pass-4471", acting_user=User.objects.get(username="admin"))
    assert fresh.must_change_password
    assert User.objects.get(username="admin").check_password(DEMO_PASSWORD)
