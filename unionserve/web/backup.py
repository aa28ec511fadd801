"""Backup and restore of a whole installation: the database, the media files, a manifest with checksums.

One archive (a tar file) holds:

- ``manifest.json`` — format, the UnionServe version, the database vendor, the applied migrations, the row
  count of every table, the SHA-256 and size of each part, and fingerprints of the personal-data keys (never
  the keys: they are kept apart, in the secrets store, and a restore needs the same ones);
- ``database.sqlite3`` (SQLite's online backup API, consistent while the site runs) or ``database.dump``
  (``pg_dump --format=custom``, PostgreSQL's own consistent snapshot; restored by ``pg_restore``);
- ``media.tar`` — everything under ``MEDIA_ROOT`` (attachments, generated PDFs).

:func:`restore` verifies every checksum before it writes anything, refuses a database that has tables or a
media folder that has files, puts both back, then counts the rows again against the manifest.
Decision: docs/decisions/0022-installation-and-backups.md.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.recorder import MigrationRecorder

from unionserve.release import VERSION

FORMAT = 1
MANIFEST = "manifest.json"
MEDIA_PART = "media.tar"
DB_PARTS = {"sqlite": "database.sqlite3", "postgresql": "database.dump"}
KEYS_REMINDER = (
    "This archive holds no keys. SECRET_KEY, PII_KEYS, PII_ACTIVE_KEY and PII_HASH_KEY are kept apart (a secrets "
    "store); the restored site needs the same PII keys or its ID numbers and phones cannot be read."
)


class BackupError(Exception):
    """The backup or restore cannot go on; the message says why."""


@dataclass
class RestoreReport:
    """What a restore did."""

    archive: str
    manifest: dict
    media_files: int = 0
    count_mismatches: dict[str, tuple[int, int]] = field(default_factory=dict)
    key_warnings: list[str] = field(default_factory=list)


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _fingerprint(value: str) -> str:
    # A short digest of a key says whether two sites hold the same key without revealing it.
    return hashlib.sha256(("unionserve-key-fingerprint:" + value).encode()).hexdigest()[:16]


def key_fingerprints() -> dict:
    """Fingerprints of the personal-data keys in use (key id → fingerprint, and the lookup-hash key's)."""
    return {
        "pii_keys": {kid: _fingerprint(k) for kid, k in settings.UNIONSERVE_PII_KEYS.items()},
        "pii_hash_key": _fingerprint(settings.UNIONSERVE_PII_HASH_KEY),
    }


def _vendor(alias: str = DEFAULT_DB_ALIAS) -> str:
    vendor = connections[alias].vendor
    if vendor not in DB_PARTS:
        raise BackupError(f"Backups support SQLite and PostgreSQL, not {vendor}.")
    return vendor


def _quote(alias: str, name: str) -> str:
    return connections[alias].ops.quote_name(name)


def table_counts(alias: str = DEFAULT_DB_ALIAS) -> dict[str, int]:
    """The number of rows of every table in the database (Django's and any other)."""
    connection = connections[alias]
    with connection.cursor() as cursor:
        names = sorted(connection.introspection.table_names(cursor))
        counts = {}
        for name in names:
            cursor.execute(f"SELECT COUNT(*) FROM {_quote(alias, name)}")  # noqa: S608 - a name from the catalog
            counts[name] = cursor.fetchone()[0]
    return counts


def applied_migrations(alias: str = DEFAULT_DB_ALIAS) -> list[str]:
    """The applied migrations as ``app.name``, sorted."""
    recorder = MigrationRecorder(connections[alias])
    return sorted(f"{app}.{name}" for app, name in recorder.applied_migrations())


def _pg_env(alias: str) -> tuple[list[str], dict]:
    """The libpq connection options of a Django database, for pg_dump and pg_restore."""
    db = connections[alias].settings_dict
    args = []
    if db.get("HOST"):
        args += ["--host", str(db["HOST"])]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", str(db["USER"])]
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return args, env


def _dump_database(alias: str, target: Path) -> None:
    if _vendor(alias) == "sqlite":
        connection = connections[alias]
        connection.ensure_connection()
        # The online backup API copies a consistent snapshot page by page while others keep writing.
        with sqlite3.connect(target) as out:
            connection.connection.backup(out)
        out.close()
        return
    args, env = _pg_env(alias)
    name = connections[alias].settings_dict["NAME"]
    cmd = ["pg_dump", "--format=custom", "--no-owner", "--no-privileges", "--file", str(target), *args, name]
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode:
        raise BackupError(f"pg_dump failed: {done.stderr.strip()}")


def _media_root() -> Path:
    return Path(settings.MEDIA_ROOT)


def _tar_media(target: Path) -> int:
    count = 0
    root = _media_root()
    with tarfile.open(target, "w") as tar:
        if root.is_dir():
            for path in sorted(root.rglob("*")):
                if path.is_file():
                    tar.add(path, arcname=str(path.relative_to(root)), recursive=False)
                    count += 1
    return count


def backup(output: Path, *, alias: str = DEFAULT_DB_ALIAS) -> dict:
    """Write the archive to ``output`` and return its manifest."""
    vendor = _vendor(alias)
    output = Path(output)
    with tempfile.TemporaryDirectory(prefix="unionserve-backup-") as tmp:
        work = Path(tmp)
        db_part = work / DB_PARTS[vendor]
        _dump_database(alias, db_part)
        # Counted after the dump: rows written in between are in neither, and the manifest is checked on restore.
        counts = table_counts(alias)
        media_files = _tar_media(work / MEDIA_PART)
        parts = {name: {"sha256": sha256_file(work / name), "bytes": (work / name).stat().st_size}
                 for name in (DB_PARTS[vendor], MEDIA_PART)}
        manifest = {
            "format": FORMAT,
            "application": "unionserve",
            "version": VERSION,
            "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "database": {"vendor": vendor, "part": DB_PARTS[vendor], "migrations": applied_migrations(alias),
                         "tables": counts},
            "media": {"part": MEDIA_PART, "files": media_files},
            "parts": parts,
            "keys": {"note": KEYS_REMINDER, "fingerprints": key_fingerprints()},
        }
        output.parent.mkdir(parents=True, exist_ok=True)
        partial = output.with_name(output.name + ".partial")
        with tarfile.open(partial, "w") as tar:
            data = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mtime = len(data), int(dt.datetime.now(tz=dt.UTC).timestamp())
            tar.addfile(info, io.BytesIO(data))
            for name in parts:
                tar.add(work / name, arcname=name)
        partial.replace(output)  # a crash never leaves a file that looks like a complete backup
    return manifest


def read_manifest(archive: Path) -> dict:
    with tarfile.open(archive) as tar:
        member = tar.extractfile(MANIFEST)
        if member is None:
            raise BackupError(f"{archive} has no manifest: not a UnionServe backup.")
        manifest = json.loads(member.read())
    if manifest.get("application") != "unionserve" or manifest.get("format") != FORMAT:
        raise BackupError(f"{archive} is not a UnionServe backup of format {FORMAT}.")
    return manifest


def _extract_verified(archive: Path, manifest: dict, work: Path) -> None:
    """Extract the parts and check each one's SHA-256 against the manifest before anything is restored."""
    with tarfile.open(archive) as tar:
        for name, expected in manifest["parts"].items():
            member = tar.extractfile(name)
            if member is None:
                raise BackupError(f"The archive lacks its part {name}.")
            with (work / name).open("wb") as out:
                shutil.copyfileobj(member, out, 1 << 20)
            actual = sha256_file(work / name)
            if actual != expected["sha256"]:
                raise BackupError(f"Checksum of {name} differs from the manifest ({actual} ≠ {expected['sha256']}): "
                                  "the archive is damaged; nothing was restored.")


def database_is_empty(alias: str = DEFAULT_DB_ALIAS) -> bool:
    connection = connections[alias]
    with connection.cursor() as cursor:
        return not connection.introspection.table_names(cursor)


def _media_is_empty() -> bool:
    root = _media_root()
    return not root.exists() or not any(p.is_file() for p in root.rglob("*"))


def _restore_database(alias: str, part: Path) -> None:
    connection = connections[alias]
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        with sqlite3.connect(part) as source:
            source.backup(connection.connection)
        source.close()
        connection.close()  # the next query reopens it with the site's pragmas (WAL)
        return
    args, env = _pg_env(alias)
    connection.close()
    cmd = ["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction",
           "--dbname", connection.settings_dict["NAME"], *args, str(part)]
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode:
        raise BackupError(f"pg_restore failed (nothing was restored): {done.stderr.strip()}")


def _restore_media(part: Path) -> int:
    root = _media_root()
    root.mkdir(parents=True, exist_ok=True)
    with tarfile.open(part) as tar:
        members = [m for m in tar.getmembers() if m.isfile()]
        # The "data" filter refuses absolute paths, links out of the folder and device files.
        tar.extractall(root, members=members, filter="data")
    return len(members)


def restore(archive: Path, *, alias: str = DEFAULT_DB_ALIAS) -> RestoreReport:
    """Put an archive back into an empty database and an empty media folder."""
    archive = Path(archive)
    manifest = read_manifest(archive)
    vendor = _vendor(alias)
    if manifest["database"]["vendor"] != vendor:
        raise BackupError(f"The archive holds a {manifest['database']['vendor']} database; this site uses {vendor}.")
    if not database_is_empty(alias):
        raise BackupError("The database is not empty: restore only into a new database (create it, do not migrate).")
    if not _media_is_empty():
        raise BackupError(f"The media folder {_media_root()} holds files: restore only into an empty one.")
    report = RestoreReport(str(archive), manifest)
    current = key_fingerprints()
    saved = manifest.get("keys", {}).get("fingerprints", {})
    for kid, fingerprint in saved.get("pii_keys", {}).items():
        if current["pii_keys"].get(kid) != fingerprint:
            report.key_warnings.append(f"PII key {kid} is not the one the backup was made with")
    if saved.get("pii_hash_key") and saved["pii_hash_key"] != current["pii_hash_key"]:
        report.key_warnings.append("PII_HASH_KEY is not the one the backup was made with")
    with tempfile.TemporaryDirectory(prefix="unionserve-restore-") as tmp:
        work = Path(tmp)
        _extract_verified(archive, manifest, work)
        _restore_database(alias, work / manifest["database"]["part"])
        report.media_files = _restore_media(work / manifest["media"]["part"])
    counts = table_counts(alias)
    for table, expected in manifest["database"]["tables"].items():
        if counts.get(table) != expected:
            report.count_mismatches[table] = (expected, counts.get(table, -1))
    return report


def default_name(now: dt.datetime | None = None) -> str:
    """``unionserve-backup-20261207-0230.tar`` (UTC)."""
    now = now or dt.datetime.now(dt.UTC)
    return f"unionserve-backup-{now:%Y%m%d-%H%M%S}.tar"

