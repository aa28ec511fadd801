"""Insecure direct object references, generated from the URLconf and the OpenAPI document.

Every page route with an object in its path and every API operation with a path parameter is requested by every
role, held at a unit outside the object's scope (another station, another district, the other line) or, for
mediators and lawyers, by a colleague the case is not assigned to. Each must be refused (403, or 404 exactly as
for an object that does not exist) and must write nothing. A route added without an entry in ROUTES (or
EXEMPT, with the reason) fails `test_every_route_with_an_object_is_listed`; the owner's successful read is the
positive control that proves each object is real and reachable.

One fixture database per module: the demo seeding (the apps' own actions) plus the objects it lacks, made with
the apps' actions too, inside a transaction rolled back at the end.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from unionserve.core.roles import Role

# --- the routes ---------------------------------------------------------------------------------------------


def page_routes() -> dict[str, str]:
    """URL name → route, for every page route with a path parameter (the API's are read from its document)."""
    found: dict[str, str] = {}

    def walk(patterns, prefix: str, namespace: str) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, prefix + str(p.pattern), namespace + (f"{p.namespace}:" if p.namespace else ""))
            elif isinstance(p, URLPattern) and "<" in str(p.pattern):
                route = prefix + str(p.pattern)
                if not route.startswith("api/"):
                    found[namespace + (p.name or route)] = route

    walk(get_resolver().url_patterns, "", "")
    return found


def api_operations() -> dict[str, str]:
    """'METHOD /api/path' → method, for every API operation with a path parameter."""
    from unionserve.api import api

    ops = {}
    for path, methods in api.get_openapi_schema()["paths"].items():
        if "{" in path:
            for method in methods:
                ops[f"{method.upper()} {path}"] = method.upper()
    return ops


@dataclass
class Target:
    """The object a route is asked about: its path parameters, who owns it, who reads it (positive control)."""

    kwargs: dict[str, object]
    #: The units the object belongs to: a user whose subtree holds one of them is in scope (not an attacker).
    units: list = field(default_factory=list)
    #: Users who take part personally (the assigned mediator or lawyer, the token's owner).
    persons: set[int] = field(default_factory=set)
    #: Only these users may reach it, whatever their unit (a user's own tokens and notifications).
    only_persons: bool = False
    #: The user name that can read it (GET → 200); None for routes that only act.
    reader: str | None = None
    #: A case's object: a mediator or lawyer (personal scope) reaches it only when it is theirs.
    case: bool = False
    #: The JSON body of an API write, valid so that the operation reaches the object (not refused as malformed).
    body: dict | None = None
    #: Only city-wide roles hold the permission (broadcasts: the city office), so every attacker gets 403 and
    #: none reaches the scope check; otherwise some attacker must be refused by the scope itself (404).
    permission_only: bool = False


# Routes whose path parameter names no object of a unit: the reason, checked to exist for every such route.
EXEMPT: dict[str, str] = {
    "workflow:inbox_tab": "the tab is a fixed word; the inbox lists the user's own steps through the scope",
    "workflow:open": "the parameter is a process code; opening a case is checked by the process definition",
    "workflow:process": "the help page of a process definition: public reference for staff",
    "members:import_template": "the empty import template, the same for everyone",
    "policy:detail": "the city's policy numbers are readable by every staff role (VIEW_POLICY) by design",
    "policy:propose": "city-wide policy, changed only with CHANGE_POLICY (city office, system administrator)",
    "policy:decide": "city-wide policy versions, decided only with CHANGE_POLICY by a second person",
    "GET /api/policy/parameters/{key}": "the city's policy numbers are readable by every staff role by design",
    "GET /api/policy/parameters/{key}/history": "the city's policy numbers are readable by every staff role",
    "hotline:category_edit": "the city-wide 12351 category tree, edited only with MANAGE_CATEGORIES",
    "hotline:portal_status": "the public portal: guarded by the tracking code and the caller's phone",
    "hotline:portal_rate": "the public portal: guarded by the tracking code and the caller's phone",
    "knowledge:detail": "the city-wide knowledge base: articles carry no org unit",
    "knowledge:edit": "the city-wide knowledge base, written with WRITE_ARTICLES",
    "knowledge:submit": "the city-wide knowledge base, written with WRITE_ARTICLES",
    "knowledge:review": "the city-wide knowledge base, reviewed with REVIEW_ARTICLES",
    "knowledge:retire": "the city-wide knowledge base, reviewed with REVIEW_ARTICLES",
    "knowledge:history": "the city-wide knowledge base: articles carry no org unit",
    "GET /api/knowledge/articles/{article_id}": "the city-wide knowledge base: articles carry no org unit",
    "documents:template_edit": "the city office's document templates, edited with MANAGE_DOC_TEMPLATES",
    "documents:template_preview": "the city office's document templates (sample data only)",
    "documents:template_version": "the city office's document templates, edited with MANAGE_DOC_TEMPLATES",
    "stations:course": "a course of the city or a district is read by the units below it (their people attend); "
                       "attendance is listed through the scope and recorded only by the unit holding the course",
    "legalaid:firm": "the city-wide registry of contracted law firms, gated by MANAGE_LAW_FIRMS",
    "legalaid:firm_edit": "the city-wide registry of contracted law firms, gated by MANAGE_LAW_FIRMS",
    "legalaid:contract_new": "the city-wide registry of contracted law firms, gated by MANAGE_LAW_FIRMS",
    "legalaid:contract_edit": "the city-wide registry of contracted law firms, gated by MANAGE_LAW_FIRMS",
    "legalaid:lawyer_new": "the city-wide registry of contracted law firms, gated by MANAGE_LAW_FIRMS",
    "legalaid:lawyer_edit": "the city-wide registry of contracted law firms, gated by MANAGE_LAW_FIRMS",
    "legalaid:engagement_new": "the city-wide registry of contracted law firms, gated by MANAGE_LAW_FIRMS",
    "projects:merchant_edit": "the city-wide merchant list (businesses, no personal data), gated by MANAGE_MERCHANTS",
    "PUT /api/projects/merchants/{merchant_id}": "the city-wide merchant list, gated by MANAGE_MERCHANTS",
    "projects:survey_edit": "the city office's worker-needs surveys carry no org unit, gated by MANAGE_SURVEYS",
    "projects:survey_results": "the city-wide worker-needs survey: anonymous answers, no org unit",
    "GET /api/projects/surveys/{survey_id}/results": "the city-wide worker-needs survey: anonymous answers",
    "projects:portal_survey": "the public portal: an open questionnaire, the same for everyone",
    "projects:rate": "the public portal: a signed token names the project and the member; a forged one is 404",
    "mutualaid:card_export_checksum": "the checksum of the office's daily card export (no personal data), "
                                      "MANAGE_MUTUALAID only",
    # assistance: a seasonal program is a city-wide plan without a unit; its nominations are read and changed
    # through the scope (the remove routes below are listed with their nomination), the rest by permission.
    "assistance:program": "a city-wide seasonal program; the page lists only the nominations in the user's scope",
    "assistance:program_draw": "a city-wide program: a district draws only its own subtree (REVIEW_ASSISTANCE)",
    "assistance:program_budget": "a city-wide program, budgets set only with APPROVE_ASSISTANCE (city office)",
    "assistance:program_add": "a city-wide program; the member added is looked up in the user's scope",
    "assistance:program_approve": "a city-wide program, approved only with APPROVE_ASSISTANCE (city office)",
    "PUT /api/assistance/programs/{program_id}/budget": "a city-wide program, budgets only with APPROVE_ASSISTANCE",
    "GET /api/assistance/programs/{program_id}/nominations": "a city-wide program; lists only nominations in scope",
    "POST /api/assistance/programs/{program_id}/draw": "a city-wide program: a district draws only its subtree",
    "POST /api/assistance/programs/{program_id}/nominations": "a city-wide program; the member is looked up in scope",
    "POST /api/assistance/programs/{program_id}/approve": "a city-wide program, approved only with APPROVE_ASSISTANCE",
}

# Roles held only at level 1 (the city center and its departments): their scope is the whole city by design, so
# no object is out of their scope; what they may do is checked by permission (docs/security.md).
CITY_WIDE_ROLES = {Role.HOTLINE_AGENT, Role.CITY_OFFICE, Role.DEPARTMENT_STAFF, Role.EVALUATOR}


def _case(number: str, reader: str = "admin", persons: set[int] | None = None):
    def make(w: World) -> Target:
        case = w.cases[number]
        return Target({"number": case.number}, units=w.case_units(case), persons=persons or set(), reader=reader,
                      case=True)
    return make


def _project(w: World, reader: str) -> Target:
    from unionserve.projects.models import Project

    project = Project.objects.select_related("owner_unit", "run_unit").get(name="中医康复理疗")
    return Target({"code": project.code}, [project.owner_unit, project.run_unit], reader=reader)
def _assist(kind: str):
    """Assistance objects of the demo at 东华门站: a hardship file, a nomination, a skills application."""
    from unionserve.assistance.models import HardshipFile, Nomination, SkillApplication

    def make(w: World) -> Target:
        if kind == "file":
            f = HardshipFile.objects.filter(station=w.station).order_by("pk").first()
            return Target({"pk": f.pk}, [f.member.grassroots], reader="station")
        if kind == "file_api":
            f = HardshipFile.objects.filter(station=w.station).order_by("pk").first()
            return Target({"file_id": f.pk}, [f.member.grassroots], reader="station")
        if kind == "recheck":
            f = HardshipFile.objects.filter(station=w.station, status="approved").order_by("pk").first()
            return Target({"file_id": f.pk}, [f.member.grassroots],
                          body={"still_eligible": True, "note": "越权"})
        if kind == "recheck_page":
            f = HardshipFile.objects.filter(station=w.station, status="approved").order_by("pk").first()
            return Target({"pk": f.pk}, [f.member.grassroots])
        n = Nomination.objects.filter(program__status="nominating", status="nominated",
                                      member__grassroots__region_path__startswith=w.station.region_path
                                      ).order_by("pk").first()
        if kind == "remove":
            return Target({"pk": n.program_id, "nomination": n.pk}, [n.member.grassroots])
        if kind == "remove_api":
            return Target({"program_id": n.program_id, "nomination_id": n.pk}, [n.member.grassroots],
                          body={"reason": "越权"})
        a = SkillApplication.objects.filter(status="applied").order_by("pk").first()
        return Target({"pk" if kind == "decide" else "app_id": a.pk}, [a.member.grassroots], permission_only=True,
                      body=None if kind == "decide" else {"approve": True})
    return make


# Route → how to find its object in the fixture world. Names of demo objects: see unionserve/*/demo.py.
ROUTES: dict[str, Callable[[World], Target]] = {
    # accounts
    "accounts:revoke_token": lambda w: Target({"pk": w.token.pk}, persons={w.users["station"].pk}, only_persons=True),
    "accounts:user_detail": lambda w: Target({"pk": w.users["station"].pk}, [w.station], reader="admin"),
    "accounts:user_edit": lambda w: Target({"pk": w.users["station"].pk}, [w.station], reader="admin"),
    "accounts:user_set_active": lambda w: Target({"pk": w.users["station"].pk}, [w.station]),
    "accounts:user_reset_password": lambda w: Target({"pk": w.users["station"].pk}, [w.station]),
    "accounts:user_reset_two_factor": lambda w: Target({"pk": w.users["station"].pk}, [w.station]),
    "GET /api/accounts/users/{user_id}": lambda w: Target({"user_id": w.users["station"].pk}, [w.station],
                                                          reader="admin"),
    # the org tree
    "orgs:detail": lambda w: Target({"pk": w.station.pk}, [w.station], reader="admin"),
    "orgs:children": lambda w: Target({"pk": w.station.pk}, [w.station], reader="admin"),
    "orgs:create_child": lambda w: Target({"pk": w.station.pk, "line": "region"}, [w.station], reader="admin"),
    "orgs:rename": lambda w: Target({"pk": w.station.pk}, [w.station], reader="admin"),
    "orgs:move": lambda w: Target({"pk": w.station.pk}, [w.station], reader="admin"),
    "orgs:merge": lambda w: Target({"pk": w.station.pk}, [w.station], reader="admin"),
    "orgs:close": lambda w: Target({"pk": w.station.pk}, [w.station], reader="admin"),
    "GET /api/orgs/units/{unit_id}": lambda w: Target({"unit_id": w.station.pk}, [w.station], reader="admin"),
    "GET /api/orgs/units/by-code/{code}": lambda w: Target({"code": w.station.code}, [w.station], reader="admin"),
    # the engine
    "workflow:case": _case("GD-0003"),
    "workflow:act": lambda w: Target({"number": w.cases["GD-0003"].number, "action": "comment"},
                                     w.case_units(w.cases["GD-0003"]), case=True),
    "workflow:attachment": lambda w: Target({"pk": w.attachment.pk}, w.case_units(w.attachment.case), case=True,
                                            reader="admin"),
    "GET /api/work/cases/{number}": _case("GD-0003"),
    "GET /api/work/cases/{number}/timeline": _case("GD-0003"),
    "POST /api/work/cases/{number}/actions/{action}": lambda w: Target(
        {"number": w.cases["GD-0003"].number, "action": "comment"}, w.case_units(w.cases["GD-0003"]), case=True,
        body={"version": w.cases["GD-0003"].version, "data": {"comment": "越权"}}),
    "notifications:open": lambda w: Target({"pk": w.notification.pk}, persons={w.notification.recipient_user_id},
                                           only_persons=True),
    # the register
    "members:detail": lambda w: Target({"pk": w.member.pk}, [w.member.grassroots], reader="admin"),
    "members:reveal": lambda w: Target({"pk": w.member.pk}, [w.member.grassroots]),
    "members:edit": lambda w: Target({"pk": w.member.pk}, [w.member.grassroots], reader="admin"),
    "members:transfer": lambda w: Target({"pk": w.member.pk}, [w.member.grassroots], reader="admin"),
    "members:employer_detail": lambda w: Target({"pk": w.employer.pk}, w.employer_units(), reader="admin"),
    "GET /api/members/{member_id}": lambda w: Target({"member_id": w.member.pk}, [w.member.grassroots],
                                                     reader="admin"),
    "GET /api/members/employers/{employer_id}": lambda w: Target({"employer_id": w.employer.pk},
                                                                 w.employer_units(), reader="admin"),
    "members:import_detail": lambda w: Target({"pk": w.import_job.pk}, [w.station], reader="station"),
    "members:import_progress": lambda w: Target({"pk": w.import_job.pk}, [w.station], reader="station"),
    "members:import_cancel": lambda w: Target({"pk": w.import_job.pk}, [w.station]),
    "members:import_download": lambda w: Target({"pk": w.import_job.pk, "which": "errors"}, [w.station]),
    # data quality
    "dataquality:run": lambda w: Target({"pk": w.sample_run.pk}, [w.sample_run.root], reader="dongcheng"),
    "dataquality:check": lambda w: Target({"number": w.sample_case.number}, w.case_units(w.sample_case), case=True,
                                          reader="dongcheng"),
    # 12351
    "hotline:request": lambda w: Target({"pk": w.hotline.pk}, w.case_units(w.hotline.case), reader="agent", case=True),
    "hotline:request_reveal": lambda w: Target({"pk": w.hotline.pk}, w.case_units(w.hotline.case), case=True),
    # The callback form answers only a request awaiting its callback (else it goes to the request page): no
    # positive read here; the request page's own entry proves the object.
    "hotline:callback": lambda w: Target({"pk": w.hotline.pk}, w.case_units(w.hotline.case), case=True),
    "GET /api/hotline/requests/{pk}": lambda w: Target({"pk": w.hotline.pk}, w.case_units(w.hotline.case), case=True,
                                                      reader="agent"),
    "POST /api/hotline/requests/{pk}/actions/{action}": lambda w: Target(
        {"pk": w.hotline.pk, "action": "comment"}, w.case_units(w.hotline.case), case=True,
        body={"version": w.hotline.case.version, "data": {"comment": "越权"}}),
    # broadcasts
    "broadcasts:detail": lambda w: Target({"pk": w.broadcast.pk}, [w.broadcast.unit], permission_only=True,
                                            reader="cityoffice"),
    "broadcasts:edit": lambda w: Target({"pk": w.broadcast.pk}, [w.broadcast.unit], permission_only=True,
                                            reader="cityoffice"),
    "broadcasts:confirm": lambda w: Target({"pk": w.broadcast.pk}, [w.broadcast.unit], permission_only=True),
    "broadcasts:progress": lambda w: Target({"pk": w.broadcast.pk}, [w.broadcast.unit], permission_only=True,
                                            reader="cityoffice"),
    "broadcasts:cancel": lambda w: Target({"pk": w.broadcast.pk}, [w.broadcast.unit], permission_only=True),
    # documents
    "documents:case_documents": _case("TJ-0005"),
    "documents:download": lambda w: Target({"pk": w.document.pk},
        w.case_units(w.document.case), reader="admin", case=True),
    # mediation: the assigned mediator's case, asked for by his colleague at the same district
    "mediation:appoint": lambda w: Target({"number": w.cases["TJ-0002"].number}, w.case_units(w.cases["TJ-0002"]),
                                          persons={w.users["mediator"].pk}, case=True),
    "mediation:mediator_edit": lambda w: Target({"pk": w.mediator.pk}, [w.mediator.unit]),
    "GET /api/mediation/cases/{number}": lambda w: Target(
        {"number": w.cases["TJ-0002"].number}, w.case_units(w.cases["TJ-0002"]), persons={w.users["mediator"].pk},
        reader="mediator", case=True),
    # legal aid: the case of lawyer2, asked for by the other lawyer
    "legalaid:screen": _case("FYS-0001"),
    "legalaid:assign": lambda w: Target({"number": w.cases["FYS-0001"].number},
        w.case_units(w.cases["FYS-0001"]), case=True),
    "legalaid:remake_document": lambda w: Target({"number": w.cases["FYS-0001"].number},
                                                 w.case_units(w.cases["FYS-0001"]), case=True),
    "legalaid:reveal": lambda w: Target({"number": w.cases["FY-0003"].number}, w.case_units(w.cases["FY-0003"]),
                                        persons={w.users["lawyer2"].pk}, case=True),
    "GET /api/legalaid/cases/{number}": lambda w: Target(
        {"number": w.cases["FY-0003"].number}, w.case_units(w.cases["FY-0003"]), persons={w.users["lawyer2"].pk},
        reader="lawyer2", case=True),
    # service projects: a station-run project of 东城区 (demo 中医康复理疗)
    "projects:detail": lambda w: _project(w, reader="dongcheng"),
    "GET /api/projects/{code}": lambda w: _project(w, reader="dongcheng"),
    "GET /api/projects/{code}/ratings": lambda w: _project(w, reader="dongcheng"),
    # six-party linkage
    "linkage:partner_edit": lambda w: Target({"pk": w.partner.pk}, [w.partner.unit]),
    "linkage:referral": lambda w: Target({"pk": w.referral.pk},
        w.case_units(w.referral.case), reader="dongcheng", case=True),
    "linkage:refer": lambda w: Target({"number": w.referral.case.number}, w.case_units(w.referral.case), case=True),
    "GET /api/linkage/referrals/{pk}": lambda w: Target({"pk": w.referral.pk}, w.case_units(w.referral.case), case=True,
                                                        reader="dongcheng"),
    "POST /api/linkage/cases/{number}/referrals": lambda w: Target(
        {"number": w.referral.case.number}, w.case_units(w.referral.case), case=True,
        body={"partner_id": w.partner.pk, "referred_on": "2026-01-05", "reason": "越权"}),
    "POST /api/linkage/referrals/{pk}/outcome": lambda w: Target(
        {"pk": w.referral.pk}, w.case_units(w.referral.case), case=True,
        body={"version": getattr(w.referral, "version", 1), "status": "accepted", "outcome": "越权"}),
    # card payouts: the demo batch of the city's mutual-insurance center (D07)
    "payouts:batch": lambda w: Target({"pk": w.payout_batch.pk}, [w.payout_batch.org_unit], reader="insurance"),
    "payouts:batch_file": lambda w: Target({"pk": w.payout_batch.pk}, [w.payout_batch.org_unit]),
    "payouts:batch_result": lambda w: Target({"pk": w.payout_batch.pk}, [w.payout_batch.org_unit]),
    "GET /api/payouts/batches/{batch_id}": lambda w: Target({"batch_id": w.payout_batch.pk},
                                                            [w.payout_batch.org_unit], reader="insurance"),
    "GET /api/payouts/batches/{batch_id}/lines": lambda w: Target({"batch_id": w.payout_batch.pk},
                                                                  [w.payout_batch.org_unit], reader="insurance"),
    "GET /api/payouts/batches/{batch_id}/file": lambda w: Target({"batch_id": w.payout_batch.pk},
                                                                 [w.payout_batch.org_unit]),
    "POST /api/payouts/batches/{batch_id}/file": lambda w: Target({"batch_id": w.payout_batch.pk},
                                                                  [w.payout_batch.org_unit]),
    "POST /api/payouts/batches/{batch_id}/result": lambda w: Target({"batch_id": w.payout_batch.pk},
                                                                    [w.payout_batch.org_unit]),
    # assistance
    "assistance:hardship_detail": _assist("file"),
    "assistance:hardship_recheck": _assist("recheck_page"),
    "assistance:program_remove": _assist("remove"),
    "assistance:skills_decide": _assist("decide"),
    "GET /api/assistance/hardship-files/{file_id}": _assist("file_api"),
    "POST /api/assistance/hardship-files/{file_id}/recheck": _assist("recheck"),
    "POST /api/assistance/programs/{program_id}/nominations/{nomination_id}/remove": _assist("remove_api"),
    "POST /api/assistance/skills/{app_id}/decide": _assist("decide_api"),
    # served visits: Dongcheng's merchant file, the Donghuamen station's activity (unionserve/visits/demo.py)
    "visits:import": lambda w: Target({"pk": w.swipe_import.pk}, [w.swipe_import.unit], reader="dongcheng"),
    "visits:import_errors": lambda w: Target({"pk": w.swipe_import.pk}, [w.swipe_import.unit], reader="dongcheng"),
    "visits:activity": lambda w: Target({"pk": w.activity.pk}, [w.activity.unit], reader="station"),
    "GET /api/visits/imports/{import_id}": lambda w: Target({"import_id": w.swipe_import.pk}, [w.swipe_import.unit],
                                                            reader="dongcheng"),
    "GET /api/visits/activities/{activity_id}": lambda w: Target({"activity_id": w.activity.pk}, [w.activity.unit],
                                                                 reader="station"),
    "GET /api/visits/activities/{activity_id}/sign-ins": lambda w: Target(
        {"activity_id": w.activity.pk}, [w.activity.unit], reader="station"),
    "POST /api/visits/activities/{activity_id}/sign-ins": lambda w: Target(
        {"activity_id": w.activity.pk}, [w.activity.unit], body={"card_number": "6219990000000000000"}),
    # mutual-aid claims: the claim the demo station collected (still at the station), asked for by other units
    "mutualaid:claim": lambda w: Target({"pk": w.claim.pk}, w.case_units(w.claim.case), case=True),
    "mutualaid:claim_documents": lambda w: Target({"pk": w.claim.pk}, w.case_units(w.claim.case), case=True),
    "mutualaid:claim_collect": lambda w: Target({"member_id": w.claim.member_id}, [w.claim.member.grassroots],
                                                reader="station"),
    "GET /api/mutual-aid/claims/{claim_id}": lambda w: Target({"claim_id": w.claim.pk}, w.case_units(w.claim.case),
                                                              case=True, reader="station"),
    "POST /api/mutual-aid/claims/{claim_id}/actions/{action}": lambda w: Target(
        {"claim_id": w.claim.pk, "action": "comment"}, w.case_units(w.claim.case), case=True,
        body={"version": w.claim.case.version, "data": {"comment": "越权"}}),
    # Jingka cards: a card of a member under 东华门站 (no industry line), the station's bank batch, a 12351 problem
    "cards:card": lambda w: Target({"pk": w.card.pk}, [w.card.member.grassroots], reader="station"),
    "cards:deliver": lambda w: Target({"pk": w.card.pk}, [w.card.member.grassroots]),
    "cards:lost": lambda w: Target({"pk": w.card.pk}, [w.card.member.grassroots]),
    "cards:replace": lambda w: Target({"pk": w.card.pk}, [w.card.member.grassroots]),
    "cards:cancel": lambda w: Target({"pk": w.card.pk}, [w.card.member.grassroots]),
    "cards:apply": lambda w: Target({"member_id": w.card.member_id}, [w.card.member.grassroots], reader="station"),
    "cards:batch": lambda w: Target({"pk": w.card_batch.pk}, [w.card_batch.unit], reader="station"),
    "cards:batch_file": lambda w: Target({"pk": w.card_batch.pk}, [w.card_batch.unit], reader="station"),
    "cards:batch_result": lambda w: Target({"pk": w.card_batch.pk}, [w.card_batch.unit]),
    "cards:resolve_problem": lambda w: Target({"pk": w.card_problem.pk}, [w.card_problem.card.member.grassroots]),
    "GET /api/cards/cards/{pk}": lambda w: Target({"pk": w.card.pk}, [w.card.member.grassroots], reader="station"),
    "GET /api/cards/members/{member_id}/cards": lambda w: Target({"member_id": w.card.member_id},
                                                                 [w.card.member.grassroots], reader="station"),
    "POST /api/cards/cards/{pk}/deliver": lambda w: Target({"pk": w.card.pk}, [w.card.member.grassroots]),
    "POST /api/cards/cards/{pk}/lost": lambda w: Target({"pk": w.card.pk}, [w.card.member.grassroots],
                                                        body={"note": "越权"}),
    "POST /api/cards/cards/{pk}/replace": lambda w: Target({"pk": w.card.pk}, [w.card.member.grassroots],
                                                           body={"documents": ["id_card", "form", "phone",
                                                                               "membership"]}),
    "POST /api/cards/cards/{pk}/cancel": lambda w: Target({"pk": w.card.pk}, [w.card.member.grassroots],
                                                          body={"reason": "越权"}),
    "GET /api/cards/batches/{pk}": lambda w: Target({"pk": w.card_batch.pk}, [w.card_batch.unit], reader="station"),
    "GET /api/cards/batches/{pk}/file": lambda w: Target({"pk": w.card_batch.pk}, [w.card_batch.unit],
                                                         reader="station"),
    "POST /api/cards/batches/{pk}/result": lambda w: Target({"pk": w.card_batch.pk}, [w.card_batch.unit],
                                                            body={"content": "application\n#END,0,x"}),
    "POST /api/cards/problems/{pk}/resolve": lambda w: Target({"pk": w.card_problem.pk},
                                                              [w.card_problem.card.member.grassroots],
                                                              body={"resolution": "越权"}),
}

ROUTES.update({
    # mutual aid: plans, enrolment and the medical batch
    "mutualaid:import": lambda w: Target({"pk": w.ma_import.pk}, [w.ma_import.unit], reader="station"),
    "mutualaid:import_errors": lambda w: Target({"pk": w.ma_import.pk}, [w.ma_import.unit], reader="station"),
    "GET /api/mutual-aid/imports/{import_id}": lambda w: Target({"import_id": w.ma_import.pk}, [w.ma_import.unit],
                                                               reader="station"),
    "mutualaid:member": lambda w: Target({"member_id": w.ma_line.member_id}, [w.ma_line.member.grassroots],
                                         reader="station"),
    "mutualaid:member_statement": lambda w: Target({"member_id": w.ma_line.member_id},
                                                   [w.ma_line.member.grassroots], reader="station"),
    "mutualaid:member_enrol": lambda w: Target({"member_id": w.ma_line.member_id}, [w.ma_line.member.grassroots],
                                               reader="station"),
    "GET /api/mutual-aid/members/{member_id}": lambda w: Target({"member_id": w.ma_line.member_id},
                                                                [w.ma_line.member.grassroots], reader="station"),
    "mutualaid:line": lambda w: Target({"pk": w.ma_line.pk}, [w.ma_line.member.grassroots], reader="station"),
    "GET /api/mutual-aid/lines/{line_id}": lambda w: Target({"line_id": w.ma_line.pk}, [w.ma_line.member.grassroots],
                                                            reader="station"),
    "mutualaid:batch": lambda w: Target({"pk": w.ma_batch.pk}, [w.ma_batch.office], reader="insurance"),
    "mutualaid:batch_finish": lambda w: Target({"pk": w.ma_batch.pk}, [w.ma_batch.office]),
    "mutualaid:batch_approve": lambda w: Target({"pk": w.ma_batch.pk}, [w.ma_batch.office]),
    "mutualaid:batch_return": lambda w: Target({"pk": w.ma_batch.pk}, [w.ma_batch.office]),
    "mutualaid:line_review": lambda w: Target({"pk": w.ma_batch.pk, "line_pk": w.ma_batch_line.pk},
                                              [w.ma_batch.office]),
    "GET /api/mutual-aid/batches/{batch_id}": lambda w: Target({"batch_id": w.ma_batch.pk}, [w.ma_batch.office],
                                                               reader="insurance"),
    "GET /api/mutual-aid/batches/{batch_id}/lines": lambda w: Target({"batch_id": w.ma_batch.pk},
                                                                     [w.ma_batch.office], reader="insurance"),
    "POST /api/mutual-aid/batches/{batch_id}/finish": lambda w: Target({"batch_id": w.ma_batch.pk},
                                                                       [w.ma_batch.office]),
    "POST /api/mutual-aid/batches/{batch_id}/approve": lambda w: Target({"batch_id": w.ma_batch.pk},
                                                                        [w.ma_batch.office]),
    "POST /api/mutual-aid/batches/{batch_id}/return": lambda w: Target({"batch_id": w.ma_batch.pk},
                                                                       [w.ma_batch.office], body={"note": "越权"}),
    "POST /api/mutual-aid/batches/{batch_id}/lines/{line_id}/clear": lambda w: Target(
        {"batch_id": w.ma_batch.pk, "line_id": w.ma_batch_line.pk}, [w.ma_batch.office], body={"note": "越权"}),
    "POST /api/mutual-aid/batches/{batch_id}/lines/{line_id}/refuse": lambda w: Target(
        {"batch_id": w.ma_batch.pk, "line_id": w.ma_batch_line.pk}, [w.ma_batch.office], body={"note": "越权"}),
    # service stations: the demo station (东华门), its people, its latest report; 东城's course
    "stations:station": lambda w: Target({"pk": w.station.pk}, [w.station], reader="station"),
    "stations:profile_edit": lambda w: Target({"pk": w.station.pk}, [w.station], reader="station"),
    "stations:inspection": lambda w: Target({"pk": w.station.pk}, [w.station], permission_only=True,
                                            reader="cityoffice"),
    "stations:worker_new": lambda w: Target({"pk": w.station.pk}, [w.station], reader="station"),
    "stations:worker_edit": lambda w: Target({"pk": w.station.pk, "worker_id": w.station_worker.pk}, [w.station],
                                             reader="station"),
    "stations:report": lambda w: Target({"pk": w.station.pk, "year": w.station_report.period.year,
                                         "month": w.station_report.period.month}, [w.station], reader="station"),
    "stations:review": lambda w: Target({"pk": w.station.pk, "year": w.station_report.period.year,
                                         "month": w.station_report.period.month}, [w.station]),
    "GET /api/stations/stations/{pk}/money": lambda w: Target({"pk": w.station.pk}, [w.station], reader="station"),
    "POST /api/stations/stations/{pk}/money": lambda w: Target({"pk": w.station.pk}, [w.station], body={
        "received": True, "on": "2026-01-05", "amount": "1.00", "source": "street"}),
    "GET /api/stations/stations/{pk}/meetings": lambda w: Target({"pk": w.station.pk}, [w.station], reader="station"),
    "POST /api/stations/stations/{pk}/meetings": lambda w: Target({"pk": w.station.pk}, [w.station], body={
        "kind": "joint", "held_on": "2026-01-05", "topic": "越权"}),
    "stations:meeting_add": lambda w: Target({"pk": w.station.pk}, [w.station]),
    "stations:money_add": lambda w: Target({"pk": w.station.pk}, [w.station]),
    "stations:party_report": lambda w: Target({"pk": w.station.pk, "year": w.station_report.period.year, "half": 1},
                                              [w.station], reader="station"),
    "GET /api/stations/stations/{pk}": lambda w: Target({"pk": w.station.pk}, [w.station], reader="station"),
    "PUT /api/stations/stations/{pk}/profile": lambda w: Target({"pk": w.station.pk}, [w.station], body={
        "street_facing": True, "own_office": True, "area_m2": 60, "city_sign": True, "pcs": 3, "outdoor_board": True,
        "video_link": True, "retained_funds": "1000.00"}),
    "GET /api/stations/stations/{pk}/workers": lambda w: Target({"pk": w.station.pk}, [w.station], reader="station"),
    "POST /api/stations/stations/{pk}/workers": lambda w: Target({"pk": w.station.pk}, [w.station], body={
        "name": "越权", "hired_on": "2020-01-01"}),
    "PUT /api/stations/stations/{pk}/workers/{worker_id}": lambda w: Target(
        {"pk": w.station.pk, "worker_id": w.station_worker.pk}, [w.station], body={"name": "越权",
                                                                                 "hired_on": "2020-01-01"}),
    "GET /api/stations/stations/{pk}/reports/{year}/{month}": lambda w: Target(
        {"pk": w.station.pk, "year": w.station_report.period.year, "month": w.station_report.period.month},
        [w.station], reader="station"),
    "PUT /api/stations/stations/{pk}/reports/{year}/{month}": lambda w: Target(
        {"pk": w.station.pk, "year": w.station_report.period.year, "month": w.station_report.period.month},
        [w.station], body={"figures": {}}),
    "POST /api/stations/stations/{pk}/reports/{year}/{month}/review": lambda w: Target(
        {"pk": w.station.pk, "year": w.station_report.period.year, "month": w.station_report.period.month},
        [w.station], body={"approve": True}),
    "POST /api/stations/courses/{pk}/attendance": lambda w: Target({"pk": w.course.pk}, [w.course.unit],
                                                                   body={"worker_id": 1, "hours": "1"}),
})


# --- the attackers: every role, outside the objects' scope ---------------------------------------------------

#: (name, role, unit code): demo accounts where they exist (unionserve/accounts/demo.py), the rest made here.
ATTACKERS: list[tuple[str, str, str]] = [
    ("station2", Role.SOCIAL_WORKER, "110108012"),  # a station in another district (海淀)
    ("station_js", Role.SOCIAL_WORKER, "110101002"),  # another station of the same district (景山)
    ("hd_center", Role.CENTER_STAFF, "110108"),  # another district's center
    ("edu_union", Role.CENTER_STAFF, "IND01"),  # the other line: an industry union
    ("bus", Role.CENTER_STAFF, "IND05C01"),  # a company union on the industry line
    ("hd_grassroots", Role.GRASSROOTS_OFFICER, "HD_GRASSROOTS"),
    ("hd_insurance", Role.MUTUAL_INSURANCE, "110108"),
    ("hd_auditor", Role.AUDITOR, "110108"),
    ("hd_admin", Role.SYSTEM_ADMIN, "110108"),
    ("hd_mediator", Role.MEDIATOR, "110108"),
    ("hd_lawyer", Role.LAWYER, "110108"),
    ("mediator2", Role.MEDIATOR, "110101"),  # same district as the mediator, not his cases
    ("lawyer", Role.LAWYER, "110000"),  # a city lawyer: not lawyer2's cases
]


class World:
    """The demo data and the objects the demo lacks, with the users that attack them."""

    def __init__(self) -> None:
        from unionserve.accounts.actions import create_user, issue_token
        from unionserve.accounts.models import User
        from unionserve.broadcasts.models import Broadcast
        from unionserve.dataquality import actions as dq_actions
        from unionserve.documents.models import GeneratedDocument
        from unionserve.linkage.models import PartnerBody, Referral
        from unionserve.mediation.models import Mediator
        from unionserve.members.importing.runner import create_job
        from unionserve.members.models import Member
        from unionserve.mutualaid.claims_demo import seed_demo_claims
        from unionserve.mutualaid.models import Claim
        from unionserve.notifications.models import Notification
        from unionserve.orgs.models import OrgUnit, UnitKind
        from unionserve.workflow import actions as wf_actions
        from unionserve.workflow.models import Case

        seed_demo_claims()  # idempotent: the claims demo, in case the app's demo does not call it
        self.users = {u.username: u for u in User.objects.all()}
        self.station = OrgUnit.objects.get(code="110101001")
        self.claim = Claim.objects.select_related("case", "member__grassroots").get(case__state="collected")
        self.cases = {}
        for case in Case.objects.all():
            # "GD20261208-0003" → "GD-0003": the demo numbers carry today's date.
            self.cases[re.sub(r"\d{8}", "", case.number)] = case
        self.member = (Member.objects.filter(grassroots__region_path__startswith=self.station.region_path,
                                             grassroots__industry_path__isnull=True)
                       .select_related("grassroots", "employer").order_by("pk").first())
        self.employer = self.member.employer
        hd_grassroots = OrgUnit.objects.filter(kind=UnitKind.GRASSROOTS,
                                               region_path__startswith=OrgUnit.objects.get(code="110108").region_path
                                               ).order_by("code").first()
        for name, role, code in ATTACKERS:
            if name not in self.users:
                unit = hd_grassroots if code == "HD_GRASSROOTS" else OrgUnit.objects.get(code=code)
                self.users[name] = create_user(username=name, display_name=name, org_unit=unit, roles=[role],
                                               password="Test-pass-123", must_change_password=False,
                                               acting_user=None)
        station_user = self.users["station"]
        self.token, _key = issue_token(station_user, "idor")
        self.notification = Notification.objects.create(
            event="idor", channel="inapp", recipient_user=station_user, recipient_unit=self.station,
            subject="x", body="x", link="/")
        self.import_job = create_job(kind="members", mode="add", acting_user=station_user, original_name="m.csv",
                                     file=SimpleUploadedFile("m.csv", "姓名\n".encode()))
        wf_actions.perform(self.cases["GD-0003"], "comment", actor=station_user,
                           data={"comment": "附件", "files": [SimpleUploadedFile("a.pdf", b"%PDF-1.4 x")]})
        self.attachment = self.cases["GD-0003"].attachments.order_by("-pk").first()
        self.sample_run = dq_actions.create_run(acting_user=self.users["dongcheng"], root=self.station,
                                                sample_size=1)
        self.sample_case = Case.objects.filter(process="samplecheck").order_by("-pk").first()
        self.hotline = self.cases["SW-0013"].hotline_request
        self.broadcast = Broadcast.objects.order_by("pk").first()
        self.document = GeneratedDocument.objects.filter(case__access__unit=self.station).order_by("pk").first()
        self.mediator = Mediator.objects.filter(unit__code="110101").order_by("pk").first()
        self.partner = PartnerBody.objects.filter(unit__code="110101").order_by("pk").first()
        self.referral = Referral.objects.order_by("pk").first()
        from unionserve.payouts.models import PayoutBatch

        self.payout_batch = PayoutBatch.objects.order_by("pk").first()
        from unionserve.mutualaid.models import ExpenseBatch, ExpenseLine, FileImport

        in_station = {"member__grassroots__region_path__startswith": self.station.region_path}
        self.ma_line = ExpenseLine.objects.filter(**in_station).select_related("member__grassroots").order_by(
            "pk").first()
        self.ma_import = FileImport.objects.filter(unit__region_path__startswith=self.station.region_path,
                                                   kind="enrolment").order_by("pk").first()
        self.ma_batch = ExpenseBatch.objects.select_related("office").order_by("-quarter").first()
        self.ma_batch_line = self.ma_batch.expense_lines.exclude(state="rejected").order_by("pk").first()
        from unionserve.visits.models import Activity, SwipeImport

        self.swipe_import = SwipeImport.objects.filter(unit__code="110101").order_by("pk").first()
        self.activity = Activity.objects.order_by("pk").first()
        from unionserve.cards.models import BankBatch, Card, CardProblem

        self.card = (Card.objects.filter(member__grassroots__region_path__startswith=self.station.region_path,
                                         member__grassroots__industry_path__isnull=True, status="delivered")
                     .select_related("member", "member__grassroots").order_by("pk").first())
        self.card_batch = BankBatch.objects.filter(unit=self.station).select_related("unit").order_by("pk").first()
        self.card_problem = CardProblem.objects.select_related("card__member__grassroots").order_by("pk").first()
        from unionserve.stations.models import MonthlyReport, StationWorker, TrainingCourse

        self.station_worker = StationWorker.objects.filter(station=self.station).order_by("pk").first()
        self.station_report = MonthlyReport.objects.filter(station=self.station).order_by("-period").first()
        self.course = TrainingCourse.objects.filter(unit__code="110101").order_by("pk").first()

    def case_units(self, case) -> list:
        return [a.unit for a in case.access.select_related("unit")]

    def employer_units(self) -> list:
        return [u for u in (self.employer.station, self.employer.industry_union) if u is not None]


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            call_command("seed_demo", stdout=io.StringIO())
            yield World()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


# --- the oracle ---------------------------------------------------------------------------------------------


def _under(user_unit, unit) -> bool:
    return bool((user_unit.region_path and unit.region_path and unit.region_path.startswith(user_unit.region_path))
                or (user_unit.industry_path and unit.industry_path
                    and unit.industry_path.startswith(user_unit.industry_path)))


def is_attack(user, target: Target) -> bool:
    """Whether `user` must be refused `target`: no unit of it in the user's subtree, or not their own case."""
    if user.pk in target.persons:
        return False
    if target.only_persons:
        return True
    from unionserve.core.scope import is_personal_user

    if target.case and is_personal_user(user):
        return True
    return not any(_under(user.org_unit, unit) for unit in target.units)


def url_for(route_id: str, kwargs: dict) -> str:
    if route_id.split(" ")[0] in ("GET", "POST", "PUT", "PATCH", "DELETE"):
        path = route_id.split(" ", 1)[1]
        return re.sub(r"\{(\w+)\}", lambda m: str(kwargs[m.group(1)]), path)
    return reverse(route_id, kwargs=kwargs)


def methods_for(route_id: str) -> list[str]:
    first = route_id.split(" ")[0]
    return [first] if first.isupper() else ["GET", "POST"]


def written_rows() -> tuple[int, ...]:
    from unionserve.audit.models import AuditEvent
    from unionserve.notifications.models import Notification
    from unionserve.workflow.models import Case, CaseEvent, Step

    return tuple(m.objects.count() for m in (AuditEvent, CaseEvent, Step, Case, Notification))


REFUSED = {403, 404, 405}

# --- the tests ----------------------------------------------------------------------------------------------


def test_every_route_with_an_object_is_listed():
    routes = set(page_routes()) | set(api_operations())
    missing = sorted(routes - set(ROUTES) - set(EXEMPT))
    assert not missing, f"add these routes to ROUTES (with their object) or EXEMPT (with the reason): {missing}"
    stale = sorted((set(ROUTES) | set(EXEMPT)) - routes)
    assert not stale, f"these routes no longer exist: {stale}"


def test_every_role_attacks():
    attacking = {role for _name, role, _code in ATTACKERS}
    assert attacking | CITY_WIDE_ROLES == set(Role), set(Role) - attacking - CITY_WIDE_ROLES


@pytest.mark.parametrize("route_id", sorted(ROUTES))
def test_route_refuses_other_scopes(world, db, route_id):
    target = ROUTES[route_id](world)
    url = url_for(route_id, target.kwargs)
    client = Client()
    attacks = 0
    statuses: set[int] = set()
    for name, _role, _code in ATTACKERS:
        user = world.users[name]
        if not is_attack(user, target):
            continue
        attacks += 1
        client.force_login(user)
        for method in methods_for(route_id):
            before = written_rows()
            if method == "GET":
                response = client.get(url)
            elif url.startswith("/api/"):
                response = client.generic(method, url, data=json.dumps(target.body or {}),
                                          content_type="application/json")
            else:
                response = client.post(url, {})
            assert response.status_code in REFUSED, (
                f"{name} ({user.org_unit.code}) {method} {url} → {response.status_code}: not refused")
            assert written_rows() == before, f"{name} {method} {url} wrote rows although refused"
            statuses.add(response.status_code)
    assert attacks, f"no attacker is outside the scope of {route_id}'s object: choose another object"
    assert target.permission_only or 404 in statuses, f"no attacker of {route_id} got past the permission check"
    if target.reader:
        client.force_login(world.users[target.reader])
        response = client.get(url)
        assert response.status_code == 200, f"positive control: {target.reader} GET {url} → {response.status_code}"
