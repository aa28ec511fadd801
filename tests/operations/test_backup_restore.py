"""A populated demo backed up and restored elsewhere gives back the same platform.

Compared after the restore: the row count of every table, a member's decrypted ID number and phone, every
generated PDF's bytes (SHA-256 against the one recorded when it was made) and the whole audit log.
Runs on SQLite, and on PostgreSQL (databases of its own) when one is reachable at 127.0.0.1:5432.
"""

from __future__ import annotations

import json

import pytest

from .helpers import PgDatabases, manage, pg_reachable, site_env

FACTS = """
import hashlib, json
from django.db.models import Count
from unionserve.audit.models import AuditEvent
from unionserve.documents.public import GeneratedDocument
from unionserve.pii import decrypt_unchecked as decrypt
from unionserve.members.models import Member
from unionserve.web.backup import table_counts
member = Member.objects.order_by("pk").last()
docs = {d.pk: (d.sha256, hashlib.sha256(d.file.read()).hexdigest()) for d in GeneratedDocument.objects.all()}
audit = hashlib.sha256(repr(list(AuditEvent.objects.order_by("pk").values_list(
    "pk", "at", "action", "actor_username", "object_type", "object_id", "detail"))).encode()).hexdigest()
print(json.dumps({"counts": table_counts(), "member": [member.pk, decrypt(member.id_encrypted),
                  decrypt(member.phone_encrypted) if member.phone_encrypted else ""],
                  "documents": docs, "audit": [AuditEvent.objects.count(), audit]}, default=str))
"""

BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.skipif(
    not pg_reachable(), reason="PostgreSQL not reachable at 127.0.0.1:5432"))]


def facts(env: dict) -> dict:
    return json.loads(manage(env, "shell", "-c", FACTS).stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("backend", BACKENDS)
def test_backup_of_the_demo_restores_elsewhere(tmp_path, backend):
    pg = PgDatabases()
    try:
        urls = (pg.create("src"), pg.create("dst")) if backend == "postgresql" else (None, None)
        source = site_env(tmp_path / "source", urls[0])
        manage(source, "migrate", "--noinput")
        manage(source, "seed_demo")
        before = facts(source)
        assert before["documents"] and before["member"][1] and before["audit"][0] > 0
        archive = tmp_path / "backup.tar"
        out = manage(source, "backup", "--output", str(archive)).stdout
        assert "holds no keys" in out

        target = site_env(tmp_path / "target", urls[1])
        restored = manage(target, "restore", str(archive)).stdout
        assert "checksums verified" in restored and "row counts equal" in restored
        after = facts(target)
        assert after["counts"] == before["counts"]
        assert after["member"] == before["member"]
        assert after["audit"] == before["audit"]
        assert after["documents"] == before["documents"]
        assert all(recorded == on_disk for recorded, on_disk in after["documents"].values())

        # A second restore is refused: the database is not empty any more.
        again = manage(target, "restore", str(archive), check=False)
        assert again.returncode and "not empty" in again.stderr
    finally:
        if backend == "postgresql":
            pg.drop_all()


def test_a_damaged_archive_restores_nothing(tmp_path):
    import tarfile

    source = site_env(tmp_path / "source")
    manage(source, "migrate", "--noinput")
    archive = tmp_path / "backup.tar"
    manage(source, "backup", "--output", str(archive))
    damaged = tmp_path / "damaged.tar"
    with tarfile.open(archive) as src, tarfile.open(damaged, "w") as dst:
        for member in src.getmembers():
            data = src.extractfile(member).read()
            if member.name == "database.sqlite3":
                data = data[:-1] + bytes([data[-1] ^ 1])
            import io

            dst.addfile(member, io.BytesIO(data))
    target = site_env(tmp_path / "target")
    done = manage(target, "restore", str(damaged), check=False)
    assert done.returncode and "Checksum of database.sqlite3 differs" in done.stderr
    assert not (tmp_path / "target" / "unionserve.sqlite3").exists() or \
        "django_migrations" not in manage(target, "shell", "-c", "from django.db import connection;"
                                          "print(connection.introspection.table_names())").stdout
