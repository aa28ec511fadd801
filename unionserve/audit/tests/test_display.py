"""The audit log shows each event's details as labelled fields people can read, not a Python dict."""

from __future__ import annotations

import ast
from pathlib import Path

from django.urls import reverse
from django.utils import translation

from unionserve.audit.display import LABELS, readable
from unionserve.audit.log import record
from unionserve.audit.models import AuditAction
from unionserve.core.roles import Role

PACKAGE = Path(__file__).resolve().parents[2]


def detail_keys_written_by_the_code() -> dict[str, str]:
    """Every literal key of a `detail={...}` argument in the project's code (tests and migrations aside)."""
    keys: dict[str, str] = {}
    for path in PACKAGE.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                for keyword in node.keywords:
                    if keyword.arg == "detail" and isinstance(keyword.value, ast.Dict):
                        for key in keyword.value.keys:
                            if isinstance(key, ast.Constant) and isinstance(key.value, str):
                                keys.setdefault(key.value, str(path.relative_to(PACKAGE)))
    return keys


def test_every_detail_key_has_a_label():
    keys = detail_keys_written_by_the_code()
    assert len(keys) > 50  # the walk found the actions
    missing = {key: where for key, where in keys.items() if key not in LABELS}
    assert not missing, f"audit detail keys without a label in audit/display.py: {missing}"


def test_values_read_as_text():
    with translation.override("en"):
        fields = dict(readable({"case": "SW2026000001", "created": True, "changed": ["name", "phone"],
                                "before": {"status": "draft"}, "ids": list(range(30)), "note": None}))
    assert fields["Case number"] == "SW2026000001" and fields["Created"] == "Yes"
    assert fields["Changed"] == "name、phone" and fields["Before"] == "Status：draft"
    assert fields["Record numbers"].endswith("…") and fields["Note"] == "—"


def test_audit_page_shows_labelled_details_in_chinese(client, tree, make_user):
    auditor = make_user(tree["city"], Role.AUDITOR)
    record(AuditAction.MEMBER_UPDATED, actor=auditor, unit=tree["city"],
           detail={"changed": ["phone"], "case": "SW2026000001", "created": False})
    client.force_login(auditor)
    page = client.get(reverse("audit:list")).content.decode()
    assert "案件编号：</span>SW2026000001" in page and "已修改：</span>phone" in page and "否" in page
    assert "{&#x27;" not in page and "{'" not in page
