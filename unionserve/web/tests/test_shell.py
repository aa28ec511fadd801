"""The page shell: navigation by role, error pages, language, production settings."""

import os
import subprocess
import sys
from pathlib import Path

from django.urls import reverse

ROOT = Path(__file__).resolve().parents[3]


def test_home_shows_unit_roles_and_scope(client_for, users):
    page = client_for(users["station"]).get(reverse("web:home")).content.decode()
    assert "东华门站" in page and "社工" in page
    assert 'lang="zh-CN"' in page


def test_navigation_follows_roles(client_for, users):
    station = client_for(users["station"]).get(reverse("web:home")).content.decode()
    assert reverse("audit:list") not in station
    auditor = client_for(users["auditor"]).get(reverse("web:home")).content.decode()
    assert reverse("audit:list") in auditor


def test_404_page_is_friendly(client_for, users):
    response = client_for(users["station"]).get("/orgs/999999/")
    assert response.status_code == 404 and "返回首页" in response.content.decode()


def test_check_deploy_passes_with_production_settings(tmp_path):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "unionserve.settings.production",
           "SECRET_KEY": "k" * 20 + "9f8e7d6c5b4a39281706f5e4d3c2b1a0" + "z" * 10,
           "ALLOWED_HOSTS": "unionserve.example", "UNIONSERVE_VAR_DIR": str(tmp_path),
           "PII_KEYS": "k1:" + "A" * 43 + "=", "PII_HASH_KEY": "B" * 43 + "="}
    env.pop("DATABASE_URL", None)
    result = subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                            cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_a_missing_secret_key(tmp_path):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "unionserve.settings.production", "SECRET_KEY": "",
           "UNIONSERVE_VAR_DIR": str(tmp_path)}
    result = subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode != 0 and "SECRET_KEY" in result.stderr


def test_language_can_be_switched_before_login(client, db):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    assert response.status_code == 302
    assert "Log in" in client.get("/accounts/login/").content.decode()
