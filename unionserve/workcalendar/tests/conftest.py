"""Fixtures of the calendar tests: a fresh in-memory calendar per test, users with and without the permission."""

from __future__ import annotations

from typing import Any
from unittest import mock

import pytest

from unionserve.workcalendar import service

MANAGE = "workcalendar.manage_calendar"
MANAGERS = {"calendar-admin"}


@pytest.fixture(autouse=True)
def fresh_calendar():
    """Rolled-back test transactions send no signals, so forget the in-memory calendar around each test."""
    service.clear_cache()
    yield
    service.clear_cache()


@pytest.fixture
def calendar_perms(db):
    """Grant ``workcalendar.manage_calendar`` to the users named in MANAGERS only (independent of the role backend)."""
    from django.contrib.auth import get_user_model

    user_model = get_user_model()

    def has_perm(self, perm, obj=None):
        return self.is_active and perm == MANAGE and self.get_username() in MANAGERS

    with mock.patch.object(user_model, "has_perm", has_perm):
        yield


def _make(username: str):
    from django.contrib.auth import get_user_model

    user_model = get_user_model()
    fields: dict[str, Any] = (
        {"must_change_password": False}
        if any(f.name == "must_change_password" for f in user_model._meta.fields)
        else {}
    )
    return user_model.objects.create_user(username=username, password="Test-pass-123", **fields)


@pytest.fixture
def manager(calendar_perms):
    """A user who may manage the calendar."""
    return _make("calendar-admin")


@pytest.fixture
def clerk(calendar_perms):
    """A logged-in user without the permission."""
    return _make("clerk")


@pytest.fixture
def signal_log():
    """Collect every ``calendar_changed`` sent during the test."""
    from unionserve.workcalendar.signals import calendar_changed

    received: list[list[int]] = []

    def receiver(sender, years, **kwargs):
        received.append(list(years))

    calendar_changed.connect(receiver, dispatch_uid="workcalendar-test-log")
    yield received
    calendar_changed.disconnect(dispatch_uid="workcalendar-test-log")
