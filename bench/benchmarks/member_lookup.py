"""``member_lookup``: the register's search box at 4M members (issue targets: exact ≤ 20 ms, name ≤ 100 ms p95).

The register is loaded once by ``bench.datagen.members_db.ensure_members`` (the same members as
``members.csv``). Lookups go through ``members.search.search_members`` — what the member search page, the
hotline workbench and the API call — as the city user (scope: everything) and as the district user (scope:
the district's subtree, a join on the grassroots union's path). Each timed call looks up a **different**
member: ``SAMPLE`` rows are read at random byte offsets of ``members.csv`` (seeded, so the same ones every
run), and the calls cycle through them, so the timings are not one cached page.

Cases: ``id_number`` (keyed hash), ``phone`` (keyed hash), ``card`` (Jingka number), ``name_prefix`` (the
first two characters of a name, 51 rows in name order), ``initials`` (first three pinyin initials), for the
city user; ``*_district`` for the district user; ``page_id_number``: GET ``/members/?q=<ID>`` as the city
user (django.test.Client in process: server time of the whole page).
"""

from __future__ import annotations

import itertools
import random
from pathlib import Path

from bench.harness.registry import Benchmark, Case, Context, Skip, register

SAMPLE = 500
EXACT_TARGET_MS = 20.0
NAME_TARGET_MS = 100.0
PAGE_TARGET_MS = 200.0


def sample_rows(csv_path: Path, n: int, seed: int) -> list[list[str]]:
    """``n`` data rows of the members CSV, picked at seeded random byte offsets (a full line after each)."""
    import csv

    size = csv_path.stat().st_size
    rng = random.Random(seed)  # noqa: S311 - a reproducible sample, not a secret
    rows: list[list[str]] = []
    seen: set[int] = set()
    with csv_path.open("rb") as fh:
        fh.readline()  # header
        start = fh.tell()
        while len(rows) < n:
            fh.seek(rng.randrange(start, max(start + 1, size - 1)))
            fh.readline()  # the rest of the line the offset fell into
            pos = fh.tell()
            line = fh.readline()
            if not line or pos in seen:
                continue
            seen.add(pos)
            rows.append(next(csv.reader([line.decode("utf-8").rstrip("\r\n")])))
    return rows


@register
class MemberLookup(Benchmark):
    name = "member_lookup"
    description = "Member search box at full scale: by ID, phone, card (≤ 20 ms), name or pinyin prefix (≤ 100 ms)."
    needs_members_csv = True

    def setup(self, ctx: Context) -> list[Case]:
        try:
            from unionserve.members.search import MemberFilter, initials_of, search_members
        except Exception as exc:  # the app may be mid-edit
            raise Skip(f"members does not import: {exc!r}") from exc
        from django.test import Client

        from bench.datagen.generate import ensure_members_csv
        from bench.datagen.members_db import ensure_members
        from unionserve.accounts.models import User

        csv_path = ensure_members_csv(ctx.scale, ctx.work_dir, processes=ctx.processes, log=ctx.log)
        loaded = ensure_members(ctx.scale, log=ctx.log)
        rows = sample_rows(csv_path, SAMPLE, ctx.scale.seed)
        city = User.objects.get(username="bench_city")
        district = User.objects.get(username="bench_district")
        # Template order: 姓名 0, 身份证号 1, 手机号 4, 会员卡号 15.
        values = {
            "id_number": [r[1] for r in rows],
            "phone": [r[4] for r in rows],
            "card": [r[15] for r in rows if r[15]],
            "name_prefix": [r[0][:2] for r in rows],
            "initials": [initials_of(r[0])[:3] for r in rows],
        }
        params = {"members": ctx.scale.members, "loader": loaded, "sample": SAMPLE}

        def lookup(user, kind: str):
            source = itertools.cycle(values[kind])

            def run() -> int:
                return len(search_members(user, MemberFilter(q=next(source))).members)

            return run

        def found(kind: str) -> int:
            """How many of the sample an exact lookup finds as the city user (should be all of them)."""
            return sum(1 for v in values[kind] if search_members(city, MemberFilter(q=v)).members)

        exact_params = {**params, "found_id": found("id_number")}
        cases = []
        for kind, target in (("id_number", EXACT_TARGET_MS), ("phone", EXACT_TARGET_MS), ("card", EXACT_TARGET_MS),
                             ("name_prefix", NAME_TARGET_MS), ("initials", NAME_TARGET_MS)):
            cases.append(Case(kind, run=lookup(city, kind), target_ms=target, params=exact_params))
            cases.append(Case(f"{kind}_district", run=lookup(district, kind), target_ms=target, params=params))

        client = Client()
        client.force_login(city)
        pages = itertools.cycle(values["id_number"])

        def page() -> int:
            response = client.get("/members/", {"q": next(pages)})
            if response.status_code != 200:
                raise RuntimeError(f"/members/ answered {response.status_code}")
            return 1

        cases.append(Case("page_id_number", run=page, target_ms=PAGE_TARGET_MS, params=params))
        return cases
