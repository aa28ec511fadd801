"""12351 benchmarks (issue 6): the workbench member lookup, the statistics page, and create-and-dispatch under load.

- ``hotline_lookup``: server time of the workbench's htmx member lookup (``GET /hotline/lookup/?member_q=``) as a
  hotline agent, by mobile, by ID number and by name prefix, over the register (4M members at full scale), with
  django.test.Client in process like the other page benchmarks; each call asks for another member (50 in
  rotation), so the page cache does not answer the same probe every time. Target p95 ≤ 50 ms.
- ``hotline_statistics``: server time of ``/hotline/statistics/`` as the city office over the past requests
  (``bench/datagen/hotline_db.py``, 1M by default): the current month and the last 12 months.
- ``hotline_load``: requests created through the API (``POST /api/hotline/requests``: affairs dispatched to a street
  station with a filing copy to its district, and consultations answered on the spot) at 20 a second for 5
  minutes, open loop, against a server on 127.0.0.1 in a separate process; target p99 ≤ 300 ms. How the load is
  made and why: docs/decisions/0015-hotline-load-test.md (``hotline_load.py``).

Sizes: ``BENCH_HOTLINE_REQUESTS`` (past requests, default 1,000,000), ``BENCH_HOTLINE_LOAD_SECONDS`` (300) and
``BENCH_HOTLINE_RATE`` (20 a second).
"""

from __future__ import annotations

import datetime as dt
import itertools
import os

from bench.harness.registry import Benchmark, Case, Context, Skip, register

LOOKUP_TARGET_MS = 50.0
ROTATION = 50
REQUESTS = int(os.environ.get("BENCH_HOTLINE_REQUESTS", "1000000"))


def agent_user():
    """A hotline agent of the city center (one of the bench users, or ``bench_agent`` made once)."""
    from unionserve.accounts.models import RoleGrant, User
    from unionserve.core.roles import Role
    from unionserve.orgs.models import OrgUnit
    from unionserve.orgs.seed import CITY_CODE

    grant = (RoleGrant.objects.filter(role=Role.HOTLINE_AGENT, user__is_active=True, user__org_unit__code=CITY_CODE)
             .select_related("user__org_unit").order_by("user_id").first())
    if grant is not None:
        return grant.user
    city = OrgUnit.objects.filter(code=CITY_CODE).first()
    if city is None:
        raise Skip("no org tree in the database: prepare it first")
    from unionserve.accounts.actions import create_user

    user = User.objects.filter(username="bench_agent").first()
    return user or create_user(username="bench_agent", display_name="bench agent", org_unit=city,
                               roles=[Role.HOTLINE_AGENT], password="Bench-12351-agent", must_change_password=False,
                               acting_user=None)


def _logged_in(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


def _generated_members(scale, n: int) -> list[tuple[str, str, str]]:
    """(mobile, ID number, name) of ``n`` members of the dataset, from its deterministic generator.

    The benchmark register (``bench/datagen/members_db.py``) stores a dummy token instead of the encrypted values,
    but the real keyed hashes: the generator's clear values find those rows exactly as a typed number would.
    """
    from bench.datagen.members import iter_members
    from bench.datagen.plan import build_plan

    plan = build_plan(scale.seed, scale.units)
    plan.allocate_members(scale.members)
    rows = list(iter_members(plan, limit=n * 100))
    return [(r[4], r[1], r[0]) for r in rows[::100] if r[4]][:n]


def _sample_members(n: int, scale=None) -> list[tuple[str, str, str]]:
    """(mobile, ID number, name) of ``n`` members spread over the register (clear values for the probes only)."""
    from django.db.models import Max, Min

    from unionserve.members.models import Member
    from unionserve.pii import crypto

    bounds = Member.objects.aggregate(lo=Min("pk"), hi=Max("pk"))
    if bounds["lo"] is None:
        raise Skip("the register holds no members: load them first")
    step = max(1, (bounds["hi"] - bounds["lo"]) // (n * 2))
    wanted = list(range(bounds["lo"], bounds["hi"] + 1, step))[: n * 4]
    rows = list(Member.objects.filter(pk__in=wanted).exclude(phone_encrypted="").order_by("pk")
                .values_list("phone_encrypted", "id_encrypted", "name")[:n])
    if not rows:
        raise Skip("no member with a mobile in the register")
    try:
        return [(crypto.decrypt(p), crypto.decrypt(i), name) for p, i, name in rows]
    except Exception:  # noqa: BLE001 - the benchmark register's dummy token: use the generator's values
        if scale is None:
            raise
        return _generated_members(scale, n)


def _rotating_get(client, url: str, values: list[str]):
    cycle = itertools.cycle(values)

    def run() -> int:
        response = client.get(url, {"member_q": next(cycle)}, headers={"HX-Request": "true"})
        if response.status_code != 200:
            raise AssertionError(f"GET {url} answered {response.status_code}")
        return len(response.content)

    return run


@register
class HotlineLookup(Benchmark):
    name = "hotline_lookup"
    description = "GET /hotline/lookup/?member_q= (the workbench's member lookup) as an agent: by mobile, ID, name."

    def setup(self, ctx: Context) -> list[Case]:
        from django.urls import NoReverseMatch, reverse

        from unionserve.members.models import Member

        try:
            url = reverse("hotline:lookup")
        except NoReverseMatch as exc:
            raise Skip("the hotline app has no lookup endpoint") from exc
        user = agent_user()
        client = _logged_in(user)
        samples = _sample_members(ROTATION, ctx.scale)
        members = Member.objects.count()
        cases = []
        for label, values in (("by_mobile", [s[0] for s in samples]), ("by_id_number", [s[1] for s in samples]),
                              ("by_name_prefix", [s[2][:2] for s in samples])):
            run = _rotating_get(client, url, values)
            cases.append(Case(label, run=run, target_ms=LOOKUP_TARGET_MS, params={
                "url": url, "members": members, "rotation": len(values), "user": user.username, "bytes": run()}))
        return cases


@register
class HotlineStatistics(Benchmark):
    name = "hotline_statistics"
    description = "GET /hotline/statistics/ as the city office over the past requests: this month, last 12 months."

    def setup(self, ctx: Context) -> list[Case]:
        from django.test import Client
        from django.utils import timezone

        from bench.datagen.hotline_db import ensure_requests
        from unionserve.accounts.models import User

        summary = ensure_requests(ctx.scale, REQUESTS, log=ctx.log)
        user = User.objects.filter(username="bench_city").first()
        if user is None:
            raise Skip("user bench_city is missing: prepare the database first")
        client = Client()
        client.force_login(user)
        today = timezone.localdate()
        cases = []
        for label, start in (("this_month", today.replace(day=1)), ("last_12_months", today - dt.timedelta(days=365))):
            query = {"start": start.isoformat(), "end": today.isoformat(), "rank": "response"}

            def run(query=query) -> int:
                response = client.get("/hotline/statistics/", query)
                if response.status_code != 200:
                    raise AssertionError(f"statistics answered {response.status_code}")
                return len(response.content)

            cases.append(Case(label, run=run, params={**query, "past_requests": summary.get("requests"),
                                                      "bytes": run()}))
        return cases


PAGE_TARGET_MS = 200.0


@register
class HotlinePages(Benchmark):
    name = "hotline_pages"
    description = ("The 12351 pages agents and handlers live in, over the past requests: the workbench, the request "
                   "list (all, open, by case number) as the agent and as a district center, a request's page and its "
                   "case page; target p95 ≤ 200 ms.")

    def setup(self, ctx: Context) -> list[Case]:
        from django.db.models import Max, Min

        from bench.datagen.hotline_db import ensure_requests
        from unionserve.accounts.models import User
        from unionserve.hotline.models import HotlineRequest

        summary = ensure_requests(ctx.scale, REQUESTS, log=ctx.log)
        district = User.objects.filter(username="bench_district").first()
        if district is None:
            raise Skip("user bench_district is missing: prepare the database first")
        agent = _logged_in(agent_user())
        center = _logged_in(district)
        bounds = HotlineRequest.objects.aggregate(lo=Min("pk"), hi=Max("pk"))
        if bounds["lo"] is None:
            raise Skip("no past requests in the database")
        step = max(1, (bounds["hi"] - bounds["lo"]) // (ROTATION * 2))
        sample = list(HotlineRequest.objects.filter(pk__in=range(bounds["lo"], bounds["hi"] + 1, step))
                      .values_list("pk", "case__number")[:ROTATION])

        def rotating(client, urls: list[str]):
            cycle = itertools.cycle(urls)

            def run() -> int:
                url = next(cycle)
                response = client.get(url)
                if response.status_code != 200:
                    raise AssertionError(f"GET {url} answered {response.status_code}")
                return len(response.content)

            return run

        numbers = [number for _pk, number in sample]
        pages = {
            "workbench": (agent, ["/hotline/"]),
            "requests_agent": (agent, ["/hotline/requests/"]),
            "requests_agent_open": (agent, ["/hotline/requests/?status=open"]),
            "requests_agent_by_number": (agent, [f"/hotline/requests/?q={n}" for n in numbers]),
            "requests_district": (center, ["/hotline/requests/"]),
            "request_page": (agent, [f"/hotline/requests/{pk}/" for pk, _n in sample]),
            "case_page": (agent, [f"/work/cases/{n}/" for n in numbers]),
        }
        cases = []
        for label, (client, urls) in pages.items():
            run = rotating(client, urls)
            cases.append(Case(label, run=run, target_ms=PAGE_TARGET_MS, params={
                "url": urls[0], "rotation": len(urls), "past_requests": summary.get("requests"), "bytes": run()}))
        return cases
