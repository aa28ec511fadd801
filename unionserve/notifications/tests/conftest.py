"""Fixtures of the outbox tests: backends and the outbox directory fixed, whatever the settings say."""

import pytest

CONTEXT = {
    "number": "DC20261204-0001", "process": "劳动争议调解", "title": "张某工资拖欠", "unit": "东华门站",
    "due": "2026-12-04 星期五", "reason": "材料不全", "actor": "王五", "days": 5,
}


@pytest.fixture(autouse=True)
def outbox_settings(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    settings.UNIONSERVE_NOTIFICATION_BACKENDS = {"sms": "file", "email": "django", "in_app": "in_app"}
    settings.UNIONSERVE_SMS_RATE_PER_MINUTE = 600
    return settings


@pytest.fixture
def context():
    return dict(CONTEXT)


@pytest.fixture
def station(tree):
    """Station 1 with a duty phone."""
    unit = tree["st1"]
    unit.phone = "13800000001"
    unit.save(update_fields=["phone"])
    return unit


def read_jsonl(path):
    import json

    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()] if path.exists() else []
