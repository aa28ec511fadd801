"""The dependency audit's verdicts (scripts/audit_dependencies.py, docs/decisions/0021-security-scanners.md)."""

import importlib.util
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "audit_dependencies.py"
spec = importlib.util.spec_from_file_location("audit_dependencies", SCRIPT)
assert spec and spec.loader
audit = importlib.util.module_from_spec(spec)
spec.loader.exec_module(audit)


def test_a_known_vulnerability_fails():
    status, lines = audit.interpret({"dependencies": [
        {"name": "django", "version": "3.2.0", "vulns": [{"id": "PYSEC-2021-1", "fix_versions": ["3.2.1"]}]},
        {"name": "celery", "version": "5.7.0", "vulns": []},
    ]})
    assert status == 1
    assert "VULNERABLE django==3.2.0: PYSEC-2021-1 (fixed in 3.2.1)" in lines


def test_an_unreachable_service_is_reported_and_does_not_fail():
    status, lines = audit.interpret({"dependencies": [
        {"name": "django", "skip_reason": "Dependency not found on PyPI and could not be audited"},
        {"name": "celery", "skip_reason": "Dependency not found on PyPI and could not be audited"},
    ]})
    assert status == 0
    assert lines[-1].startswith("pip-audit DID NOT RUN")


def test_a_clean_audit_passes():
    status, lines = audit.interpret({"dependencies": [{"name": "django", "version": "5.2.19", "vulns": []}]})
    assert status == 0
    assert "no known vulnerabilities in 1 audited" in lines[-1]
