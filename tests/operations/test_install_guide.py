"""The operations guide's installation, run as written, then what an installer checks by hand.

The block of docs/operations.md "Installing a federation" (the one with ``pip install``) runs in bash on a
PostgreSQL database of the test's own with Redis db 11: its environment, migrate, collectstatic, check --deploy,
the first run; then gunicorn with the guide's settings, the administrator logs in with the one-time password,
a station is added from an Excel file, a backup is taken and restored into a new database with everything there.

Two lines are not run here: making the virtual environment and ``pip install`` (the test runs in one that has the
``prod`` extra; the test checks the extra the guide names brings gunicorn). A clean machine's install of the
same commands is what the release checklist in CHANGELOG.md asks for.
"""

from __future__ import annotations

import http.client
import os
import re
import shlex
import subprocess
import sys
import time
import tomllib
from http.cookies import SimpleCookie
from pathlib import Path

import pytest

from .helpers import ROOT, PgDatabases, manage, pg_reachable

GUIDE = ROOT / "docs" / "operations.md"
REDIS_URL = "redis://127.0.0.1:6379/11"


def redis_reachable() -> bool:
    try:
        import redis

        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except Exception:
        return False
    return True


def gunicorn_installed() -> bool:
    try:
        import gunicorn  # noqa: F401
    except ImportError:
        return False
    return True


def install_block() -> list[str]:
    """The command lines of the guide's installation block."""
    text = GUIDE.read_text(encoding="utf-8")
    section = text[text.index("## Installing a federation"):text.index("### First run")]
    blocks = re.findall(r"```sh\n(.*?)```", section, re.S)
    block = next(b for b in blocks if "pip install" in b)
    return [line for line in block.splitlines() if line.strip()]


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Browser:
    """Enough of a browser behind the TLS proxy: cookies, the forwarded scheme, the Referer CSRF checks."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: str = "") -> http.client.HTTPResponse:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        headers = {"X-Forwarded-Proto": "https", "Referer": f"https://127.0.0.1:{self.port}/"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        response.body = response.read().decode()
        return response


def wait_ready(port: int, proc: subprocess.Popen, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, "gunicorn stopped"
        try:
            if Browser(port).request("GET", "/health/").status < 500:
                return
        except OSError:
            time.sleep(0.5)
    raise AssertionError("gunicorn did not answer")


def station_file(path: Path) -> Path:
    import xlsxwriter

    from unionserve.orgs.setup import COLUMNS

    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet()
    ws.write_row(0, 0, [h for h, _f, _r in COLUMNS])
    ws.write_row(1, 0, ["110101900", "东城区新建工会服务站", "工会服务站", "110101", "", "", "东城区某路1号", "", ""])
    wb.close()
    return path


@pytest.mark.skipif(not pg_reachable(), reason="PostgreSQL not reachable at 127.0.0.1:5432")
@pytest.mark.skipif(not redis_reachable(), reason="Redis not reachable at 127.0.0.1:6379")
def test_the_guide_installs_a_federation_that_logs_in_and_restores(tmp_path):
    if not gunicorn_installed():
        if os.environ.get("CI") == "true":
            pytest.fail("gunicorn is not installed: CI installs the prod extra (./dev test)")
        pytest.skip("gunicorn not installed (pip install -c constraints.txt '.[prod]')")
    pg = PgDatabases()
    gunicorn = None
    try:
        database_url = pg.create("guide")
        script = ["set -euo pipefail", f"export UNIONSERVE_VAR_DIR={shlex.quote(str(tmp_path / 'var'))}"]
        gunicorn_line = None
        for line in install_block():
            command = line.split("#")[0].strip() if not line.startswith("export") else line
            if command.startswith(("python3.11 -m venv", ". venv/bin/activate")):
                continue
            if command.startswith("pip install"):
                extra = re.search(r'"\.\[(\w+)\]"', command).group(1)
                extras = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]
                assert any(d.startswith("gunicorn==") for d in extras[extra]), f"the {extra} extra lacks gunicorn"
                continue
            if command.startswith("gunicorn"):
                gunicorn_line = command
                continue
            command = re.sub(r"^export DATABASE_URL=.*", f"export DATABASE_URL={database_url}", command)
            command = re.sub(r"^export REDIS_URL=.*", f"export REDIS_URL={REDIS_URL}", command)
            command = re.sub(r"^export ALLOWED_HOSTS=.*", "export ALLOWED_HOSTS=127.0.0.1", command)
            script.append(command)
        script.append(f"env -0 > {shlex.quote(str(tmp_path / 'env'))}")
        bin_dir = str(Path(sys.executable).parent)
        base_env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_", "REDIS_"))}
        base_env["PATH"] = f"{bin_dir}:{base_env.get('PATH', '')}"
        done = subprocess.run(["bash", "-c", "\n".join(script)], cwd=ROOT, env=base_env, capture_output=True,
                              text=True, timeout=1200, check=False)
        assert done.returncode == 0, f"{done.stdout}\n{done.stderr}"
        assert "System check identified no issues" in done.stdout
        password = re.search(r"first login\): (\S+)", done.stdout).group(1)
        env = dict(item.split("=", 1) for item in (tmp_path / "env").read_text().split("\0") if "=" in item)

        # gunicorn as the guide starts it, on a free port.
        port = free_port()
        args = shlex.split(gunicorn_line)
        args[args.index("--bind") + 1] = f"127.0.0.1:{port}"
        gunicorn = subprocess.Popen([sys.executable, "-m", *args], cwd=ROOT, env=env,
                                    stdout=(tmp_path / "gunicorn.log").open("w"), stderr=subprocess.STDOUT)
        wait_ready(port, gunicorn)
        browser = Browser(port)
        page = browser.request("GET", "/accounts/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.body).group(1)
        from urllib.parse import urlencode

        login = browser.request("POST", "/accounts/login/",
                                urlencode({"csrfmiddlewaretoken": token, "username": "admin", "password": password}))
        assert login.status == 302 and "/accounts/login/" not in login.headers["Location"], login.body[:500]
        location = login.headers["Location"]
        page = browser.request("GET", location)
        while page.status == 302:
            location = page.headers["Location"]
            page = browser.request("GET", location)
        assert page.status == 200 and location == "/accounts/password/"  # a new account changes its password first

        # A station added from Excel, a backup, a restore into a new database.
        added = manage(env, "import_org_units", str(station_file(tmp_path / "station.xlsx")), "--as", "admin")
        assert "+ 110101900" in added.stdout
        archive = tmp_path / "backup.tar"
        manage(env, "backup", "--output", str(archive))
        restored_env = {**env, "DATABASE_URL": pg.create("restored"), "MEDIA_ROOT": str(tmp_path / "media2")}
        assert "row counts equal" in manage(restored_env, "restore", str(archive)).stdout
        check = manage(restored_env, "shell", "-c", "from unionserve.orgs.models import OrgUnit;"
                       "from unionserve.accounts.models import User;"
                       "print(OrgUnit.objects.get(code='110101900').region_parent.code,"
                       " OrgUnit.objects.filter(kind='station').count(), User.objects.get().username)")
        assert check.stdout.split()[-3:] == ["110101", "350", "admin"]
    finally:
        if gunicorn is not None:
            gunicorn.terminate()
            gunicorn.wait(30)
        pg.drop_all()
