"""The data-quality benchmark and its register loader, at tiny size (SQLite in the test database)."""

from __future__ import annotations

import pytest

from bench.datagen.generate import Scale
from bench.harness import runner
from bench.harness.database import load_dataset
from bench.harness.registry import Context

TINY = Scale(seed=7, members=3000, units=600, cases=300, users=40, xlsx_members=300)


@pytest.mark.django_db
def test_loader_and_quality_benchmark(tmp_path):
    from bench.datagen.members_db import DUMMY_TOKEN, ensure_members, fast_lookup_hash
    from unionserve.members.models import Employer, Member
    from unionserve.pii import crypto

    load_dataset(TINY, log=lambda _m: None)
    first = ensure_members(TINY, log=lambda _m: None)
    assert first["loaded_now"] and Member.objects.count() == TINY.members
    assert ensure_members(TINY, log=lambda _m: None)["loaded_now"] is False  # fingerprint matches: skipped
    member = Member.objects.select_related("grassroots").first()
    assert member.id_encrypted == DUMMY_TOKEN and member.grassroots.kind == "grassroots"
    from unionserve.members.search import initials_of

    assert member.initials and member.initials == initials_of(member.name)
    # A version-1 load (initials empty) is brought up to date without reloading.
    from bench.datagen import members_db

    Member.objects.update(initials="")
    members_db._meta(members_db.META_NAME, members_db.fingerprint(TINY).replace("v2:", "v1:"))
    assert ensure_members(TINY, log=lambda _m: None)["loaded_now"] is False
    assert not Member.objects.filter(initials="").exists()
    assert fast_lookup_hash()("110101199003077613") == crypto.lookup_hash("110101199003077613")
    assert Employer.objects.filter(has_union=False, grassroots__isnull=True).exists()
    ctx = Context(scale=TINY, db="test", work_dir=tmp_path, repeat=2, warmup=1, processes=1, log=lambda _m: None)
    doc = runner.run(["quality_rates"], ctx, isolate=False, dataset={})
    bench = doc["benchmarks"][0]
    assert bench["status"] == "ok", bench
    assert {c["name"] for c in bench["cases"]} == {"compute_city", "recompute_and_store"}


@pytest.mark.django_db
def test_member_lookup_benchmark(tmp_path):
    """The lookup benchmark finds every sampled member by ID number (the loader's hashes are the real ones)."""
    load_dataset(TINY, log=lambda _m: None)
    ctx = Context(scale=TINY, db="test", work_dir=tmp_path, repeat=2, warmup=1, processes=1, log=lambda _m: None)
    doc = runner.run(["member_lookup"], ctx, isolate=False, dataset={})
    bench = doc["benchmarks"][0]
    assert bench["status"] == "ok", bench
    cases = {c["name"]: c for c in bench["cases"]}
    assert {"id_number", "phone", "card", "name_prefix", "initials", "id_number_district", "page_id_number"} <= set(
        cases)
    assert cases["id_number"]["params"]["found_id"] == cases["id_number"]["params"]["sample"]


@pytest.mark.django_db
def test_nomination_list_benchmark(tmp_path):
    """The nomination-list benchmark draws every hardship member of the register, once per call."""
    from unionserve.members.models import Member

    load_dataset(TINY, log=lambda _m: None)
    ctx = Context(scale=TINY, db="test", work_dir=tmp_path, repeat=2, warmup=1, processes=1, log=lambda _m: None)
    doc = runner.run(["nomination_list"], ctx, isolate=False, dataset={})
    bench = doc["benchmarks"][0]
    assert bench["status"] == "ok", bench
    case = bench["cases"][0]
    hardship = Member.objects.filter(hardship=True, status="active", grassroots__region_path__isnull=False).count()
    assert case["params"]["nominations"] == hardship > 0
