"""``org_subtree``: the scoped subtree query (materialized-path range) against walking parent ids.

For a district-center user (the district with the most stations) and a company-union user (the company
with the most grassroots unions): ``scope_of(user).filter(OrgUnit.objects.all()).count()`` and the first
page of 50 by code. Baselines compute the same answer from the adjacency list alone: ``python_walk``
queries one level of children at a time, ``recursive_cte`` asks the database with ``WITH RECURSIVE``
(portable SQL, SQLite and PostgreSQL).
"""

from __future__ import annotations

from bench.harness.registry import Benchmark, Case, Context, Skip, register

PAGE = 50


def python_walk_ids(unit) -> set[int]:
    """Ids in the unit's subtrees on both lines, one query per level and line."""
    from unionserve.orgs.models import OrgUnit

    seen = {unit.pk}
    for path, field in ((unit.region_path, "region_parent_id"), (unit.industry_path, "industry_parent_id")):
        if not path:
            continue
        frontier = [unit.pk]
        while frontier:
            children = OrgUnit.objects.filter(**{f"{field}__in": frontier}).values_list("pk", flat=True)
            frontier = [pk for pk in children if pk not in seen]
            seen.update(frontier)
    return seen


def _cte_sql() -> str:
    from django.db import connection

    from unionserve.orgs.models import OrgUnit

    q = connection.ops.quote_name
    t = q(OrgUnit._meta.db_table)
    # The table name is the model's, quoted; the ids are parameters.
    return (
        f"WITH RECURSIVE r(id) AS (SELECT id FROM {t} WHERE id = %s AND region_path IS NOT NULL "  # noqa: S608
        f"UNION SELECT u.id FROM {t} u JOIN r ON u.region_parent_id = r.id), "
        f"i(id) AS (SELECT id FROM {t} WHERE id = %s AND industry_path IS NOT NULL "
        f"UNION SELECT u.id FROM {t} u JOIN i ON u.industry_parent_id = i.id) "
        "SELECT id FROM r UNION SELECT id FROM i"
    )


def cte_count(unit) -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM ({_cte_sql()}) s", [unit.pk, unit.pk])  # noqa: S608
        return cursor.fetchone()[0]


def cte_first_page(unit) -> list[int]:
    from django.db import connection

    from unionserve.orgs.models import OrgUnit

    q = connection.ops.quote_name
    t = q(OrgUnit._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT o.id FROM {t} o WHERE o.id IN ({_cte_sql()}) ORDER BY o.code LIMIT {PAGE}",  # noqa: S608
            [unit.pk, unit.pk],
        )
        return [row[0] for row in cursor.fetchall()]


@register
class OrgSubtree(Benchmark):
    name = "org_subtree"
    description = "Scoped subtree count and first page of 50 (district and company user) vs parent-id walks."

    def setup(self, ctx: Context) -> list[Case]:
        from unionserve.accounts.models import User
        from unionserve.core.scope import scope_of
        from unionserve.orgs.models import OrgUnit

        cases = []
        for who in ("district", "company"):
            user = User.objects.select_related("org_unit").filter(username=f"bench_{who}").first()
            if user is None:
                raise Skip("the bench users are missing: prepare the database first")
            unit = user.org_unit
            scope = scope_of(user)

            def count(scope=scope) -> int:
                return scope.filter(OrgUnit.objects.all()).count()

            def first_page(scope=scope) -> list[int]:
                return [u.pk for u in scope.filter(OrgUnit.objects.all()).order_by("code")[:PAGE]]

            def walk_count(unit=unit) -> int:
                return len(python_walk_ids(unit))

            def walk_first_page(unit=unit) -> list[int]:
                ids = python_walk_ids(unit)
                return [u.pk for u in OrgUnit.objects.filter(pk__in=ids).order_by("code")[:PAGE]]

            params = {"unit": unit.name, "unit_code": unit.code, "subtree_units": count()}
            cases.append(Case(f"{who}_count", run=count, same_result=True, params=params, baselines={
                "python_walk": walk_count, "recursive_cte": lambda unit=unit: cte_count(unit)}))
            cases.append(Case(f"{who}_first_page", run=first_page, same_result=True, params=params, baselines={
                "python_walk": walk_first_page, "recursive_cte": lambda unit=unit: cte_first_page(unit)}))
        return cases
