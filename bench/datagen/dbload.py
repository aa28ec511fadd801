"""Load the plan's org units (and the bench users) straight into the database, on SQLite and PostgreSQL.

``seed_beijing(grassroots_per_station=0)`` makes the real tree through the normal actions; the ~50,000
added units are bulk-inserted with ids assigned here (after the current maximum), so their materialized
paths (``unionserve.core.tree``) are computed in Python before the insert, then the id sequence is reset
(PostgreSQL; a no-op on SQLite). Each added unit gets its "created" history row, as ``create_unit`` would.
"""

from __future__ import annotations

import time
from collections.abc import Mapping

from django.contrib.auth.hashers import make_password
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Max

from .plan import CITY_CODE, DEPARTMENT_CODES, INDUSTRY_CODES, OrgPlan, rng_for

BENCH_PASSWORD = "Bench-12351-pass"
BATCH = 2000


def check_seed(by_code: Mapping[str, object], plan: OrgPlan) -> None:
    """The database's seeded units are the ones the plan assumed (the files reference their codes)."""
    expected = [CITY_CODE, *DEPARTMENT_CODES, *INDUSTRY_CODES, *(s.code for s in plan.stations),
                *(c.code for c in plan.companies if not c.new)]
    missing = [code for code in expected if code not in by_code]
    if missing:
        raise RuntimeError(f"seed_beijing() no longer creates the units the plan expects: {missing[:10]}")


@transaction.atomic
def load_org_units(plan: OrgPlan, log=print) -> dict[str, int]:
    """Create the whole tree of ``plan`` in an empty database; returns counts."""
    from unionserve.core import tree
    from unionserve.orgs.models import KIND_LEVEL, OrgUnit, OrgUnitEvent, UnitKind
    from unionserve.orgs.seed import seed_beijing

    t0 = time.perf_counter()
    seed_beijing(grassroots_per_station=0)
    by_code = {u.code: u for u in OrgUnit.objects.only("id", "code", "region_path", "industry_path")}
    check_seed(by_code, plan)
    next_id = (OrgUnit.objects.aggregate(m=Max("id"))["m"] or 0) + 1
    units: list[OrgUnit] = []
    for company in plan.companies:
        if not company.new:
            continue
        parent = by_code[company.industry_code]
        unit = OrgUnit(
            id=next_id, name=company.name, kind=UnitKind.COMPANY_UNION, level=KIND_LEVEL[UnitKind.COMPANY_UNION],
            code=company.code, industry_parent_id=parent.id,
            industry_path=tree.child_path(parent.industry_path, next_id),
        )
        by_code[company.code] = unit
        units.append(unit)
        next_id += 1
    for g in plan.grassroots:
        station = by_code[g.station_code]
        company_union = by_code[g.company_code] if g.company_code else None
        units.append(OrgUnit(
            id=next_id, name=g.union_name, kind=UnitKind.GRASSROOTS, level=KIND_LEVEL[UnitKind.GRASSROOTS],
            code=g.grassroots_code, region_parent_id=station.id,
            region_path=tree.child_path(station.region_path, next_id),
            industry_parent_id=company_union.id if company_union else None,
            industry_path=tree.child_path(company_union.industry_path, next_id) if company_union else None,
            phone=g.phone,
        ))
        next_id += 1
    OrgUnit.objects.bulk_create(units, batch_size=BATCH)
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), [OrgUnit]):
            cursor.execute(sql)
    OrgUnitEvent.objects.bulk_create(
        [OrgUnitEvent(unit_id=u.id, action=OrgUnitEvent.Action.CREATED, before={}, after={
            "name": u.name, "code": u.code, "status": "active", "region_parent": u.region_parent_id,
            "industry_parent": u.industry_parent_id,
        }) for u in units],
        batch_size=BATCH,
    )
    counts = {"org_units": OrgUnit.objects.count(), "added": len(units)}
    log(f"org units: {counts['org_units']:,} ({len(units):,} bulk-inserted) in {time.perf_counter() - t0:.1f} s")
    return counts


@transaction.atomic
def create_bench_users(plan: OrgPlan, total: int, log=print) -> dict[str, str]:
    """``total`` users spread over the tree like the real staff (3 per station, a few per center ...).

    The password is hashed once and the hash reused. Returns the user names of the named users the
    benchmarks log in as: ``city``, ``district`` (朝阳区, most stations) and ``company`` (largest company).
    """
    from django.db.models import Count

    from unionserve.accounts.models import RoleGrant, User
    from unionserve.core.roles import Role
    from unionserve.orgs.models import OrgUnit, UnitKind

    t0 = time.perf_counter()
    rng = rng_for(plan.seed, "users")
    units = {u.code: u for u in OrgUnit.objects.only("id", "code", "kind")}
    big_district = (OrgUnit.objects.filter(kind=UnitKind.DISTRICT_CENTER).annotate(n=Count("region_children"))
                    .order_by("-n", "code").first())
    big_company = (OrgUnit.objects.filter(kind=UnitKind.COMPANY_UNION).annotate(n=Count("industry_children"))
                   .order_by("-n", "code").first())
    named = [("bench_city", units[CITY_CODE], Role.CITY_OFFICE), ("bench_district", big_district, Role.CENTER_STAFF),
             ("bench_company", big_company, Role.CENTER_STAFF)]
    pool: list[tuple[OrgUnit, str]] = []
    by_kind: dict[str, list[OrgUnit]] = {}
    for u in units.values():
        by_kind.setdefault(u.kind, []).append(u)
    for kinds, per_unit, role in (
        ((UnitKind.CITY_CENTER,), 10, Role.HOTLINE_AGENT),
        ((UnitKind.CITY_CENTER,), 10, Role.CITY_OFFICE),
        ((UnitKind.DEPARTMENT,), 3, Role.DEPARTMENT_STAFF),
        ((UnitKind.DISTRICT_CENTER, UnitKind.DEV_AREA_CENTER), 5, Role.CENTER_STAFF),
        ((UnitKind.INDUSTRY_UNION,), 3, Role.CENTER_STAFF),
        ((UnitKind.COMPANY_UNION,), 2, Role.CENTER_STAFF),
        ((UnitKind.STATION,), 3, Role.SOCIAL_WORKER),
    ):
        for kind in kinds:
            for unit in sorted(by_kind.get(kind, []), key=lambda u: u.code):
                pool.extend((unit, role) for _ in range(per_unit))
    wanted = max(0, total - len(named))
    if wanted <= len(pool):
        pool = [pool[i] for i in sorted(rng.sample(range(len(pool)), wanted))]
    else:
        grassroots = sorted(by_kind.get(UnitKind.GRASSROOTS, []), key=lambda u: u.code)
        pool.extend((grassroots[rng.randrange(len(grassroots))], Role.GRASSROOTS_OFFICER)
                    for _ in range(wanted - len(pool)) if grassroots)
    password = make_password(BENCH_PASSWORD)
    users = [
        User(username=username, display_name=username, org_unit=unit, password=password,
             must_change_password=False)
        for username, unit, _role in named
    ] + [
        User(username=f"bench_{i:05d}", display_name=f"测试用户{i:05d}", org_unit=unit, password=password,
             must_change_password=False)
        for i, (unit, _role) in enumerate(pool, start=1)
    ]
    User.objects.bulk_create(users, batch_size=BATCH)
    ids = dict(User.objects.filter(username__startswith="bench_").values_list("username", "id"))
    roles = [role for _u, _unit, role in named] + [role for _unit, role in pool]
    RoleGrant.objects.bulk_create(
        [RoleGrant(user_id=ids[u.username], role=role) for u, role in zip(users, roles, strict=True)],
        batch_size=BATCH,
    )
    log(f"bench users: {len(users):,} in {time.perf_counter() - t0:.1f} s")
    return {"city": "bench_city", "district": "bench_district", "company": "bench_company"}
