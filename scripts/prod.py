"""``./dev prod``: the platform as production runs it, on this machine, in one command.

PostgreSQL and Redis (the machine's, or a Redis started here), the production settings with keys generated once
into a file outside the repository, gunicorn with the guide's settings serving HTTPS on a self-signed
certificate (the production settings send cookies over HTTPS only), a Celery worker and beat as processes of
their own, static files collected. First run: Beijing's tree (or ``PROD_UNITS=file.xlsx``) and an administrator
whose one-time password is printed once. Ctrl-C stops every process it started.

Environment (all optional): ``UNIONSERVE_PROD_DIR`` (keys, certificate, media, logs; default
``~/.unionserve-prod``), ``DATABASE_URL`` (default ``postgresql://postgres@127.0.0.1:5432/unionserve_prod``,
created with the C.UTF-8 collation when missing), ``REDIS_URL`` (default ``redis://127.0.0.1:6379/0``),
``PROD_PORT`` (8443), ``WEB_WORKERS``, ``WEB_THREADS``, ``CELERY_CONCURRENCY`` (docs/operations.md, "Sizing"),
``PROD_UNITS`` (a units template for another city), ``PROD_CHECK=1`` (start, log in once, stop: for tests).
"""

from __future__ import annotations

import base64
import datetime as dt
import http.cookiejar
import os
import re
import secrets
import shutil
import signal
import ssl
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable


def say(text: str) -> None:
    print(f"[prod] {text}", flush=True)


def keys_file(state: Path) -> dict[str, str]:
    """The site's secrets, generated once into ``state/prod.env`` (mode 600), outside the repository."""
    path = state / "prod.env"
    if not path.exists():
        def key() -> str:
            return base64.b64encode(os.urandom(32)).decode()

        values = {"SECRET_KEY": secrets.token_urlsafe(64), "PII_KEYS": f"k1:{key()}", "PII_ACTIVE_KEY": "k1",
                  "PII_HASH_KEY": key()}
        path.touch(mode=0o600)
        path.write_text("".join(f"{k}={v}\n" for k, v in values.items()), encoding="utf-8")
        say(f"keys generated in {path}: keep a copy apart from the backups (losing PII_KEYS loses the data)")
    return dict(line.split("=", 1) for line in path.read_text(encoding="utf-8").splitlines() if "=" in line)


def certificate(state: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 and localhost (made once)."""
    cert, key_path = state / "tls.crt", state / "tls.key"
    if cert.exists() and key_path.exists():
        return cert, key_path
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "UnionServe local trial")])
    now = dt.datetime.now(dt.UTC)
    built = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
             .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(days=1))
             .not_valid_after(now + dt.timedelta(days=825))
             .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost"),
                                                         x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
             .sign(key, hashes.SHA256()))
    key_path.touch(mode=0o600)
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    cert.write_bytes(built.public_bytes(serialization.Encoding.PEM))
    return cert, key_path


def ensure_database(url: str) -> None:
    """Create the PostgreSQL database with the guide's encoding and collation when it does not exist."""
    import psycopg

    parts = urllib.parse.urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urllib.parse.urlunsplit(parts._replace(path="/postgres"))
    try:
        with psycopg.connect(admin, autocommit=True, connect_timeout=5) as conn:
            if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
                return
            conn.execute(f'CREATE DATABASE "{name}" ENCODING \'UTF8\' LC_COLLATE \'C.UTF-8\' '
                         "LC_CTYPE 'C.UTF-8' TEMPLATE template0")
            say(f"database {name} created (UTF8, C.UTF-8)")
    except psycopg.OperationalError as exc:
        sys.exit(f"PostgreSQL is not reachable at {parts.hostname}:{parts.port or 5432} ({exc}). Start it "
                 "(Debian: pg_ctlcluster 15 main start) or set DATABASE_URL.")


def ensure_redis(url: str, state: Path, children: list) -> str:
    """The machine's Redis, or one started here on port 6390 when redis-server is installed."""
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
        return url
    except redis.RedisError:
        pass
    server = shutil.which("redis-server")
    if not server:
        sys.exit(f"Redis is not reachable at {url} and redis-server is not installed: install it or set REDIS_URL.")
    children.append(("redis", subprocess.Popen([server, "--bind", "127.0.0.1", "--port", "6390", "--save", "",  # noqa: S603
                                                "--dir", str(state)], stdout=subprocess.DEVNULL)))
    time.sleep(1)
    say("Redis started on 127.0.0.1:6390")
    return "redis://127.0.0.1:6390/0"


def manage(env: dict, *args: str) -> str:
    done = subprocess.run([PY, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode:
        sys.exit(f"manage.py {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def wait_ready(url: str, context: ssl.SSLContext, proc: subprocess.Popen, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            sys.exit("gunicorn stopped: see its log")
        try:
            urllib.request.urlopen(f"{url}/health/", context=context, timeout=3)  # noqa: S310
            return
        except OSError:
            time.sleep(0.5)
    sys.exit(f"gunicorn did not answer within {timeout:.0f} s")


def check_login(url: str, context: ssl.SSLContext, username: str, password: str) -> None:
    """Log in through the login page as a browser would (CSRF cookie and token, then the form)."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPSHandler(context=context),
                                         urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{url}/accounts/login/").read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    data = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "username": username, "password": password})
    request = urllib.request.Request(f"{url}/accounts/login/", data=data.encode(),  # noqa: S310 - our https URL
                                     headers={"Referer": f"{url}/"})
    response = opener.open(request)
    if "/accounts/login/" in response.geturl():
        sys.exit("login failed")
    say(f"logged in as {username}: {response.geturl()}")


def stop(children: list) -> None:
    for _name, proc in reversed(children):
        if proc.poll() is None:
            proc.terminate()
    for name, proc in reversed(children):
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
            say(f"{name} killed after 20 s")
    say("stopped")


def main() -> None:
    state = Path(os.environ.get("UNIONSERVE_PROD_DIR", Path.home() / ".unionserve-prod")).resolve()
    if state.is_relative_to(ROOT):
        sys.exit("UNIONSERVE_PROD_DIR must be outside the repository (it holds the keys).")
    state.mkdir(parents=True, exist_ok=True)
    (state / "logs").mkdir(exist_ok=True)
    children: list[tuple[str, subprocess.Popen]] = []
    port = int(os.environ.get("PROD_PORT", "8443"))
    url = f"https://127.0.0.1:{port}"
    # Served as 127.0.0.1 only: browsers ignore HSTS for an IP address, so the trial's year of HSTS does not
    # stick to "localhost" and break the development server there afterwards.
    env = {**os.environ, **keys_file(state)}
    database_url = os.environ.get("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/unionserve_prod")
    if database_url.startswith("postgres"):
        ensure_database(database_url)
    env.update(DJANGO_SETTINGS_MODULE="unionserve.settings.production", DATABASE_URL=database_url,
               REDIS_URL=ensure_redis(os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"), state, children),
               ALLOWED_HOSTS="127.0.0.1", UNIONSERVE_VAR_DIR=str(state / "var"),
               SITE_URL=url, UNIONSERVE_ENV_LABEL=os.environ.get("UNIONSERVE_ENV_LABEL", "trial"),
               PYTHONUNBUFFERED="1")
    say("migrate, collectstatic, check --deploy")
    manage(env, "migrate", "--noinput")
    manage(env, "collectstatic", "--noinput")
    manage(env, "check", "--deploy", "--fail-level", "WARNING")
    units = os.environ.get("PROD_UNITS")
    first_run = manage(env, "setup_federation", *(("--units", units) if units else ("--beijing",)),
                       *(("--new-password",) if "--new-password" in sys.argv else ()))
    password = re.search(r"first login\): (\S+)", first_run)
    cert, key = certificate(state)
    try:
        children.append(("gunicorn", subprocess.Popen(  # noqa: S603
            [PY, "-m", "gunicorn", "-c", "python:unionserve.gunicorn_conf", "unionserve.wsgi",
             "--bind", f"127.0.0.1:{port}", "--certfile", str(cert), "--keyfile", str(key)],
            cwd=ROOT, env=env, stdout=(state / "logs/gunicorn.log").open("a"), stderr=subprocess.STDOUT)))
        concurrency = os.environ.get("CELERY_CONCURRENCY", "2")
        children.append(("celery worker", subprocess.Popen(  # noqa: S603
            [PY, "-m", "celery", "-A", "unionserve", "worker", "-l", "info", "--concurrency", concurrency],
            cwd=ROOT, env=env, stdout=(state / "logs/worker.log").open("a"), stderr=subprocess.STDOUT)))
        children.append(("celery beat", subprocess.Popen(  # noqa: S603
            [PY, "-m", "celery", "-A", "unionserve", "beat", "-l", "info",
             "--schedule", str(state / "var/celerybeat-schedule")],
            cwd=ROOT, env=env, stdout=(state / "logs/beat.log").open("a"), stderr=subprocess.STDOUT)))
        context = ssl.create_default_context(cafile=str(cert))
        wait_ready(url, context, next(p for n, p in children if n == "gunicorn"))
        say(f"UnionServe (production settings) at {url}  (self-signed certificate: {cert})")
        say(f"processes: {', '.join(f'{n} {p.pid}' for n, p in children)}; logs in {state / 'logs'}")
        if password:
            say(f"administrator: admin, one-time password {password.group(1)} (shown once; change it at first login)")
        else:
            say("administrator: admin (its one-time password was shown at the first run; "
                "./dev prod --new-password prints a new one)")
        if os.environ.get("PROD_CHECK") == "1":
            if password:
                check_login(url, context, "admin", password.group(1))
            return
        say("Ctrl-C stops everything")
        signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
        while all(p.poll() is None for _n, p in children):
            time.sleep(1)
        say("a process stopped: " + ", ".join(n for n, p in children if p.poll() is not None))
    except KeyboardInterrupt:
        pass
    finally:
        stop(children)


if __name__ == "__main__":
    main()
