"""The Content-Security-Policy and the OWASP secure headers on pages, the API, static files and errors; no
template carries an inline script or an event-handler attribute the policy would block (docs/security.md)."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from unionserve.core.roles import Role

ROOT = Path(__file__).resolve().parents[2]

EXPECTED = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Cross-Origin-Embedder-Policy": "require-corp",
    "X-Frame-Options": "DENY",
    "X-Permitted-Cross-Domain-Policies": "none",
}


def directives(header: str) -> dict[str, list[str]]:
    parsed = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            parsed[words[0]] = words[1:]
    return parsed


def assert_secure_headers(response):
    for name, value in EXPECTED.items():
        assert response.headers.get(name) == value, (name, response.headers.get(name))
    assert "camera=()" in response.headers["Permissions-Policy"]
    assert "geolocation=()" in response.headers["Permissions-Policy"]
    csp = directives(response.headers["Content-Security-Policy"])
    assert csp["default-src"] == ["'self'"]
    # Scripts only from this site: no inline script, no event-handler attribute, no eval, no CDN.
    assert csp["script-src"] == ["'self'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["base-uri"] == ["'self'"] and csp["form-action"] == ["'self'"]
    for name, sources in csp.items():
        assert all(s in ("'self'", "'none'", "'unsafe-inline'", "data:") for s in sources), (name, sources)
        assert "'unsafe-inline'" not in sources or name == "style-src", name


@pytest.mark.parametrize("path", [
    "/accounts/login/",
    "/",
    "/members/",
    "/hotline/",
    "/hotline/statistics/",
    "/quality/",
    "/legal-reports/",
    "/work/processes/GD/",
    "/api/orgs/units",
    "/api/docs",
    "/no-such-page/",
])
def test_every_kind_of_response_carries_the_headers(client_for, tree, make_user, path):
    user = make_user(tree["city"], Role.CITY_OFFICE, Role.HOTLINE_AGENT, username="headers")
    response = client_for(user).get(path)
    assert response.status_code in (200, 302, 404), (path, response.status_code)
    assert_secure_headers(response)


def test_anonymous_api_answer_and_a_static_file_carry_the_headers(client, db, settings):
    assert_secure_headers(client.get("/accounts/login/"))
    assert_secure_headers(client.get("/api/orgs/units"))
    assert_secure_headers(client.get("/static/unionserve/app.js"))


TEMPLATES = sorted(ROOT.glob("unionserve/**/templates/**/*.html"))
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/(?:json|ld\+json)\")[^>]*>", re.I)
HANDLER = re.compile(r"\son[a-z]+\s*=", re.I)


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT / "unionserve")))
def test_no_template_has_inline_script_or_handler(template):
    text = template.read_text(encoding="utf-8")
    assert not INLINE_SCRIPT.search(text), "move the script into a static file"
    assert not HANDLER.search(text), "use a data- attribute and a listener in a static file"
    # htmx evaluates `js:` values and trigger filters with eval, which the policy forbids.
    assert "js:" not in text and "hx-on" not in text


def test_production_adds_hsts_and_secure_cookies(tmp_path):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "unionserve.settings.production",
           "SECRET_KEY": "k" * 20 + "9f8e7d6c5b4a39281706f5e4d3c2b1a0" + "z" * 10,
           "ALLOWED_HOSTS": "unionserve.example", "UNIONSERVE_VAR_DIR": str(tmp_path),
           "PII_KEYS": "k1:" + "A" * 43 + "=", "PII_HASH_KEY": "B" * 43 + "="}
    env.pop("DATABASE_URL", None)
    probe = ("import django; django.setup(); from django.test import Client; "
             "r = Client().get('/health/', secure=True, HTTP_HOST='unionserve.example'); "
             "print(r.headers.get('Strict-Transport-Security')); print(r.headers.get('Content-Security-Policy'))")
    result = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    hsts, csp = result.stdout.splitlines()[-2:]
    assert "max-age=31536000" in hsts and "includeSubDomains" in hsts
    assert "script-src 'self'" in csp
