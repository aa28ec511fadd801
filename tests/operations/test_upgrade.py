"""The guide's upgrade steps on a populated database made by an earlier release: the data is kept.

The database (tests/operations/fixtures/README.md says how it was made) is migrated to this release and
``setup_federation`` runs with no tree option, as docs/operations.md "Upgrading" says; then every table the old
release had still holds its rows, the registers' rows are all there, a member still decrypts to the same ID
number, and the demo accounts log in.
"""

from __future__ import annotations

import json
import lzma
import shutil

import pytest

from .helpers import ROOT, manage, site_env

FIXTURES = ROOT / "tests" / "operations" / "fixtures"
# Rows that only people write: an upgrade must keep them exactly (tables such as auth_permission may grow).
KEPT_EXACTLY = ["orgs_orgunit", "accounts_user", "accounts_rolegrant", "members_member", "members_employer",
                "workflow_case", "workflow_step", "hotline_hotlinerequest", "mediation_mediationcase",
                "legalaid_legalaidcase", "documents_generateddocument", "workorders_workorder"]

FACTS = """
import json
from django.contrib.auth import authenticate
from django.test import RequestFactory
from django.db import connection
from unionserve.pii import decrypt_unchecked as decrypt
from unionserve.members.models import Member
from unionserve.web.backup import table_counts
m = Member.objects.get(pk={pk})
agent = authenticate(RequestFactory().post("/"), username="agent", password="Demo-12351")
print(json.dumps({{"tables": table_counts(), "member": [m.pk, decrypt(m.id_encrypted)], "login": agent is not None}}))
"""


#: Tables a later release folded into another on purpose, with where their rows went: the data-quality
#: thresholds became versions of the one policy mechanism (dataquality migration 0003, decision 0016).
MOVED = {"dataquality_qualitypolicy": "policy_policyversion"}


@pytest.mark.parametrize("release", ["0.1.0"])
def test_upgrade_keeps_the_data(tmp_path, release):
    before = json.loads((FIXTURES / f"unionserve-{release}-demo.json").read_text(encoding="utf-8"))
    var = tmp_path / "var"
    var.mkdir()
    with lzma.open(FIXTURES / f"unionserve-{release}-demo.sqlite3.xz") as src, \
            (var / "unionserve.sqlite3").open("wb") as dst:
        shutil.copyfileobj(src, dst)
    # The fixture was made with the default development keys: no key of this machine may take their place.
    env = site_env(var)
    for name in ("SECRET_KEY", "PII_KEYS", "PII_ACTIVE_KEY", "PII_HASH_KEY"):
        env.pop(name, None)
    manage(env, "migrate", "--noinput")
    manage(env, "setup_federation")
    unapplied = manage(env, "showmigrations", "--plan").stdout
    assert "[ ]" not in unapplied

    after = json.loads(manage(env, "shell", "-c", FACTS.format(pk=before["member"][0])).stdout.strip()
                       .splitlines()[-1])
    for table, rows in before["tables"].items():
        if table in MOVED:
            moved_to = MOVED[table]
            assert after["tables"].get(moved_to, 0) >= rows, f"{table}'s {rows} rows did not reach {moved_to}"
            continue
        assert after["tables"].get(table, -1) >= rows, f"{table} lost rows: {rows} → {after['tables'].get(table)}"
    for table in KEPT_EXACTLY:
        if table in before["tables"]:
            assert after["tables"][table] == before["tables"][table], table
    assert after["member"] == before["member"]
    assert after["login"]
