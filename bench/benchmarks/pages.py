"""``page_org_detail`` and ``page_user_list``: server time of Django pages, in process (django.test.Client).

The time is from the request entering the middleware to the rendered response (sessions, auth, scope,
queries, template), without network or a web server. Target: p95 ≤ 200 ms at full scale.
"""

from __future__ import annotations

from bench.harness.registry import Benchmark, Case, Context, Skip, register

TARGET_MS = 200.0


def _client_for(username: str):
    from django.test import Client

    from unionserve.accounts.models import User

    user = User.objects.select_related("org_unit").filter(username=username).first()
    if user is None:
        raise Skip(f"user {username} is missing: prepare the database first")
    client = Client()
    client.force_login(user)
    return client, user


def _get(client, url: str):
    def run() -> int:
        response = client.get(url)
        if response.status_code != 200:
            raise AssertionError(f"GET {url} answered {response.status_code}")
        return len(response.content)

    return run


@register
class PageOrgDetail(Benchmark):
    name = "page_org_detail"
    description = "GET /orgs/<id>/ as the city user: the district with most stations, the largest company union."

    def setup(self, ctx: Context) -> list[Case]:
        from django.db.models import Count

        from unionserve.orgs.models import OrgUnit, UnitKind

        client, _user = _client_for("bench_city")
        cases = []
        for label, kind, children in (("district_center", UnitKind.DISTRICT_CENTER, "region_children"),
                                      ("company_union", UnitKind.COMPANY_UNION, "industry_children")):
            unit = (OrgUnit.objects.filter(kind=kind).annotate(n=Count(children)).order_by("-n", "code").first())
            if unit is None:
                raise Skip(f"no {kind} unit in the database")
            url = f"/orgs/{unit.pk}/"
            run = _get(client, url)
            cases.append(Case(label, run=run, target_ms=TARGET_MS, params={
                "url": url, "unit": unit.name, "children": unit.n, "bytes": run()}))
        return cases


@register
class PageUserList(Benchmark):
    name = "page_user_list"
    description = "GET /accounts/users/ (first page of 50) as the city user and as the district user."

    def setup(self, ctx: Context) -> list[Case]:
        from unionserve.accounts.models import User
        from unionserve.core.scope import scope_of

        cases = []
        for label, username in (("city_user", "bench_city"), ("district_user", "bench_district")):
            client, user = _client_for(username)
            run = _get(client, "/accounts/users/")
            visible = scope_of(user).filter(User.objects.filter(is_active=True)).count()
            cases.append(Case(label, run=run, target_ms=TARGET_MS, params={
                "url": "/accounts/users/", "visible_users": visible, "bytes": run()}))
        return cases
