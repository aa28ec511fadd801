"""The environment a result was measured in: machine, load, Python, Django, database."""

from __future__ import annotations

import os
import platform
import shutil
import sqlite3
import subprocess  # fixed commands only
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.lower().startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _memory_gb() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return None


def _run(args: list[str]) -> str:
    try:
        out = subprocess.run(args, capture_output=True, text=True, timeout=10, cwd=ROOT, check=False)  # noqa: S603
    except (OSError, subprocess.SubprocessError):
        return ""
    return out.stdout.strip()


def load_average() -> list[float] | None:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return None


def database_info() -> dict[str, str]:
    """Vendor and server version of Django's default database."""
    from django.db import connection

    if connection.vendor == "sqlite":
        version = sqlite3.sqlite_version
    else:
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            version = cursor.fetchone()[0]
    name = relative_name(str(connection.settings_dict["NAME"]))
    return {"vendor": connection.vendor, "version": version, "name": name}


def relative_name(name: str) -> str:
    """A database file inside the checkout as a path relative to it: results name no machine's folders."""
    root = f"{ROOT}/"
    return name[len(root):] if name.startswith(root) else name


def collect(with_database: bool = True) -> dict:
    """Everything worth knowing to compare two results."""
    import django
    import openpyxl

    sqlite_cli = shutil.which("sqlite3")
    git = shutil.which("git")
    env = {
        "cpu_model": _cpu_model(),
        "cpu_count": os.cpu_count(),
        "cpu_affinity": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "memory_gb": _memory_gb(),
        "load_average_1_5_15": load_average(),
        "platform": platform.platform(),
        "python": sys.version.split()[0],
        "python_implementation": platform.python_implementation(),
        "django": django.get_version(),
        "openpyxl": openpyxl.__version__,
        "sqlite_library": sqlite3.sqlite_version,
        "sqlite_cli": _run([sqlite_cli, "--version"]).split(" ")[0] if sqlite_cli else None,
        "git_commit": _run([git, "rev-parse", "--short", "HEAD"]) if git else None,
        "git_dirty": bool(_run([git, "status", "--porcelain"])) if git else None,
        "settings": os.environ.get("DJANGO_SETTINGS_MODULE"),
        "debug": _django_debug(),
    }
    if with_database:
        env["database"] = database_info()
    return env


def _django_debug() -> bool | None:
    try:
        from django.conf import settings

        return bool(settings.DEBUG)
    except Exception:  # noqa: BLE001 - settings not configured
        return None
