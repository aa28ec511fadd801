"""Two-factor login (TOTP) where the settings require it: for the roles that see personal data in clear, manage
users or change policy; enrolment with a QR code and a key, a code after the password, an administrator's reset."""

from __future__ import annotations

import time

import pytest
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from unionserve.audit.models import AuditAction, AuditEvent
from unionserve.core import roles
from unionserve.core.roles import Role

PASSWORD = "Test-pass-123"


@pytest.fixture
def enforced(settings):
    settings.UNIONSERVE_REQUIRE_2FA = True
    return settings


def code(device: TOTPDevice, ahead: int = 0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + ahead * device.step
    return f"{totp.token():06d}"


def login(username: str) -> Client:
    client = Client()
    assert client.post("/accounts/login/", {"username": username, "password": PASSWORD}).status_code == 302
    return client


def verified(user) -> Client:
    """A session past both steps: password, then a code of a confirmed device."""
    client = login(user.username)
    device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
    assert client.post("/accounts/2fa/verify/", {"token": code(device), "next": "/"}).status_code == 302
    return client


def test_the_roles_that_need_a_second_factor():
    needs = {r for r in Role.values if roles.requires_two_factor([r])}
    # Department staff reveal the phone of the 12351 callers whose requests they handle (CONTACT_CALLERS).
    assert needs == {Role.CITY_OFFICE, Role.CENTER_STAFF, Role.SOCIAL_WORKER, Role.GRASSROOTS_OFFICER,
                     Role.MUTUAL_INSURANCE, Role.SYSTEM_ADMIN, Role.HOTLINE_AGENT, Role.LAWYER, Role.DEPARTMENT_STAFF}
    assert not roles.requires_two_factor([Role.AUDITOR]) and not roles.requires_two_factor([Role.MEDIATOR])


def test_every_declared_reveal_permission_calls_for_the_second_factor():
    from django.apps import apps

    for model in apps.get_models():
        assert set(getattr(model, "pii_reveal_permissions", ())) <= roles.TWO_FACTOR_PERMISSIONS, model


def test_production_requires_it_and_the_demo_does_not():
    import ast
    from pathlib import Path

    from unionserve.settings import base, dev, test

    # The production module refuses to import without its secrets; read its assignment instead.
    tree = ast.parse(Path(base.__file__).with_name("production.py").read_text())
    assigned = {t.id: n.value for n in tree.body if isinstance(n, ast.Assign) for t in n.targets
                if isinstance(t, ast.Name)}
    assert isinstance(assigned["UNIONSERVE_REQUIRE_2FA"], ast.Constant)
    assert assigned["UNIONSERVE_REQUIRE_2FA"].value is True
    assert base.UNIONSERVE_REQUIRE_2FA is False and dev.UNIONSERVE_REQUIRE_2FA is False
    assert test.UNIONSERVE_REQUIRE_2FA is False


def test_enrolment_then_a_code_after_every_password_login(enforced, users):
    client = login("city")
    response = client.get("/members/")
    assert response.status_code == 302 and response.url.startswith("/accounts/2fa/enrol/")
    assert client.get("/api/orgs/units").status_code == 401
    page = client.get(response.url)
    html = page.content.decode()
    assert page.status_code == 200 and "<svg" in html
    device = TOTPDevice.objects.get(user=users["city"], confirmed=False)
    from unionserve.accounts.twofactor import manual_key

    assert manual_key(device) in html
    assert client.post("/accounts/2fa/enrol/", {"token": "000000", "next": "/members/"}).status_code == 400
    time.sleep(1.1)  # django-otp throttles: a second after one failure
    response = client.post("/accounts/2fa/enrol/", {"token": code(device), "next": "/members/"})
    assert response.status_code == 302 and response.url == "/members/"
    assert client.get("/members/").status_code == 200
    assert client.get("/api/orgs/units").status_code == 200
    assert AuditEvent.objects.filter(action=AuditAction.TWO_FACTOR_ENROLLED, actor=users["city"]).exists()
    # The next login asks for the code, not for a new enrolment.
    client = login("city")
    response = client.get("/")
    assert response.status_code == 302 and response.url.startswith("/accounts/2fa/verify/")
    assert client.get("/accounts/2fa/enrol/").status_code == 302  # no second device behind the owner's back
    assert client.post("/accounts/2fa/verify/", {"token": "123", "next": "/"}).status_code == 400
    device.refresh_from_db()
    response = client.post("/accounts/2fa/verify/", {"token": code(device, ahead=1), "next": "https://evil.example/"})
    assert response.status_code == 302 and response.url == "/"
    assert client.get("/").status_code == 200


def test_roles_without_personal_data_or_management_log_in_with_the_password(enforced, users):
    client = login("auditor")
    assert client.get("/").status_code == 200
    assert client.get("/api/orgs/units").status_code == 200


def test_a_new_account_changes_the_password_first(enforced, users):
    users["station"].must_change_password = True
    users["station"].save(update_fields=["must_change_password"])
    client = login("station")
    response = client.get("/")
    assert response.status_code == 302 and response.url == "/accounts/password/"


def test_an_administrator_resets_a_lost_device_audited(enforced, users, tree, make_user):
    TOTPDevice.objects.create(user=users["station"], name="authenticator", confirmed=True)
    url = f"/accounts/users/{users['station'].pk}/2fa/reset/"
    auditor = Client()
    auditor.force_login(users["auditor"])
    assert auditor.post(url).status_code == 403
    outsider = verified(make_user(tree["hd"], Role.CENTER_STAFF, username="hdadmin"))  # manages Haidian only
    assert outsider.post(url).status_code == 404
    assert TOTPDevice.objects.filter(user=users["station"]).exists()
    admin = verified(users["admin"])
    detail = admin.get(f"/accounts/users/{users['station'].pk}/").content.decode()
    assert url in detail
    assert admin.post(url).status_code == 302
    assert not TOTPDevice.objects.filter(user=users["station"]).exists()
    event = AuditEvent.objects.get(action=AuditAction.TWO_FACTOR_RESET)
    assert event.actor == users["admin"] and event.object_id == str(users["station"].pk)
    response = login("station").get("/")
    assert response.url.startswith("/accounts/2fa/enrol/")
