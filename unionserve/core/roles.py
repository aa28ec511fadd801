"""Roles and what they may do: the one place where permissions are declared.

A permission is a string "<app>.<codename>" checked with `user.has_perm(...)`; the RoleBackend
(backends.py) answers from this table, so adding a role or a permission is one edit here.
Later modules add their permissions to the roles below.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import models
from django.utils.translation import gettext_lazy as _

from unionserve.core.units import UnitKind


class Role(models.TextChoices):
    HOTLINE_AGENT = "hotline_agent", _("Hotline agent")
    CITY_OFFICE = "city_office", _("City office staff")
    DEPARTMENT_STAFF = "department_staff", _("Functional department staff")
    CENTER_STAFF = "center_staff", _("District/company center staff")
    SOCIAL_WORKER = "social_worker", _("Station social worker")
    GRASSROOTS_OFFICER = "grassroots_officer", _("Grassroots union officer")
    MEDIATOR = "mediator", _("Mediator")
    LAWYER = "lawyer", _("Lawyer")
    MUTUAL_INSURANCE = "mutual_insurance", _("Mutual-insurance office")
    AUDITOR = "auditor", _("Auditor (read-only)")
    #: The independent evaluation body of seed 002 §四(三) (第三方独立评估机构): reads projects and evaluations.
    EVALUATOR = "evaluator", _("Independent evaluator (read-only)")
    SYSTEM_ADMIN = "system_admin", _("System administrator")


# Permissions, named once.
VIEW_UNITS = "orgs.view_orgunit"
MANAGE_UNITS = "orgs.manage_units"
VIEW_USERS = "accounts.view_user"
MANAGE_USERS = "accounts.manage_users"
GRANT_ADMIN_ROLES = "accounts.grant_admin_roles"
VIEW_AUDIT = "audit.view_auditevent"
MANAGE_CALENDAR = "workcalendar.manage_calendar"
SUPERVISE_CASES = "workflow.supervise_cases"  # urge (催办) and supervise (督办) cases handled below
VIEW_OUTBOX = "notifications.view_outbox"
# The member register (members app) and data quality (dataquality app).
VIEW_MEMBERS = "members.view_member"
VIEW_PII = "members.view_pii"  # see ID numbers and phones unmasked (every view is audited)
MANAGE_MEMBERS = "members.manage_members"  # import, edit, transfer, merge duplicates
EXPORT_MEMBERS = "members.export_members"
VIEW_QUALITY = "dataquality.view_rates"
MANAGE_SAMPLE_CHECKS = "dataquality.manage_sample_checks"
MANAGE_OUTBOX = "notifications.manage_outbox"
# The 12351 platform (hotline), its knowledge base and broadcast appeals.
HANDLE_HOTLINE = "hotline.handle_requests"  # agent workbench: take calls, answer, dispatch, call back
INTAKE_REQUESTS = "hotline.intake_requests"  # a service window: register a worker's request
MANAGE_CATEGORIES = "hotline.manage_categories"
#: A unit handling a dispatched 12351 affair calls the caller (seed 000 §四.1(2) 核实办理): the caller's phone in
#: clear, audited, on the requests of cases its unit takes part in (the request's scope) — declared on the
#: request model (`pii_reveal_permissions`) so that roles without the register's VIEW_PII (a department) may.
CONTACT_CALLERS = "hotline.contact_callers"
VIEW_HOTLINE_STATS = "hotline.view_statistics"
WRITE_ARTICLES = "knowledge.write_articles"
REVIEW_ARTICLES = "knowledge.review_articles"
SEND_BROADCAST = "broadcasts.send_broadcast"
# Mediation, legal aid, their documents, partner referrals and statistics.
MANAGE_DOC_TEMPLATES = "documents.manage_templates"
#: A lawyer calls the worker he represents (the applicant's phone in clear, audited), on his own cases only:
#: his personal scope narrows legal-aid cases to those assigned to him.
CONTACT_APPLICANTS = "legalaid.contact_applicants"
MANAGE_MEDIATORS = "mediation.manage_mediators"
MANAGE_LAW_FIRMS = "legalaid.manage_firms"
REFER_CASES = "linkage.refer_cases"
VIEW_LEGAL_STATS = "legalreports.view_statistics"
# Policy numbers (policy app): every staff role may read them; the city office and the system administrator
# propose and approve changes (a second person approves).
VIEW_POLICY = "policy.view_policy"
CHANGE_POLICY = "policy.change_policy"

#: Permissions added by the later areas that also call for a second factor (personal data as sensitive as health);
#: defined before the areas' blocks, which add to it.
AREA_TWO_FACTOR: set[str] = set()

# --- cards: the Jingka card (permission constants) ---
VIEW_CARDS = "cards.view_cards"  # search cards, read a card, its history and problems, cards per unit
MANAGE_CARDS = "cards.manage_cards"  # collect applications, bank batches and results, deliver, lost, replace, cancel
REPORT_CARD_PROBLEMS = "cards.report_problems"  # link a 12351 request to the caller's card (a card problem)
# --- end cards ---
# --- visits: served visits (permission constants) ---
#: See the served-visit ledger, the imports, the activities and the served-visit rates of the scope.
VIEW_VISITS = "visits.view_visits"
#: Import swipe files, hold activities and sign members in (seed 002 §三(二): 完善项目化运作).
RECORD_VISITS = "visits.record_visits"
# --- end visits ---
# --- payouts: card payouts (permission constants) ---
#: See payments to members' cards, batches, their files and reconciliation (read-only).
VIEW_PAYOUTS = "payouts.view_payouts"
#: Build payout batches, write the bank's payout file, apply the bank's result file.
MANAGE_PAYOUTS = "payouts.manage_payouts"
# --- end payouts ---
# --- mutualaid: mutual aid (permission constants) ---
#: See the plans, enrolments and the member's mutual-aid section (in the holder's scope).
VIEW_MUTUALAID = "mutualaid.view_mutualaid"
#: Enrol members of the holder's scope (a unit's list, 000 §一(三): stations collect and report).
ENROL_MUTUALAID = "mutualaid.enrol_members"
#: See the medical batch's lines (hospital, visit, self-paid amount: health data) of members in scope.
VIEW_MEDICAL_LINES = "mutualaid.view_medical_lines"
#: The office's work (000 §四.7): the daily card export, the quarterly expense file, both reviews, approval.
MANAGE_MUTUALAID = "mutualaid.manage_mutualaid"
AREA_TWO_FACTOR.update({VIEW_MEDICAL_LINES, MANAGE_MUTUALAID})
# Claims (accident, death and fire-loss claims, issue 16 item 3): read the claims of one's scope (the disability
# grade is health data), collect them at a station, read their statistics.
CLAIMS_VIEW = "mutualaid.view_claims"
CLAIMS_COLLECT = "mutualaid.collect_claims"
CLAIMS_VIEW_STATS = "mutualaid.view_claim_statistics"
AREA_TWO_FACTOR.update({CLAIMS_VIEW})
# (end of claims)
# --- end mutualaid ---
# --- projects: service projects (permission constants) ---
VIEW_PROJECTS = "projects.view_projects"  # projects, merchants and the catalogue in scope
PROPOSE_PROJECTS = "projects.propose_projects"  # propose a project, inspect the merchant, keep the agreement
MANAGE_MERCHANTS = "projects.manage_merchants"  # add and edit merchants, issue rating links
VIEW_PROJECT_EVALUATIONS = "projects.view_evaluations"  # participation, satisfaction, fund efficiency, reach
MANAGE_SURVEYS = "projects.manage_surveys"  # write the worker-needs survey (职工需求调查)
# --- end projects ---
# --- stations: service stations (permission constants) ---
VIEW_STATIONS = "stations.view_stations"  # station pages, lists, report completeness (in scope)
EDIT_STATION = "stations.edit_station"  # a station's own profile, people, attendance and monthly report
REVIEW_STATION_REPORTS = "stations.review_reports"  # a district approves or returns its stations' reports
MANAGE_STATION_TRAINING = "stations.manage_training"  # courses held by the city or a district, and attendance
INSPECT_STATIONS = "stations.inspect"  # the city's inspection: standardization accepted, star rating
# --- end stations ---
# --- assistance: assistance and the skills boost (permission constants) ---
VIEW_ASSISTANCE = "assistance.view_assistance"  # lists (masked), programs, the fund's balance, statistics
APPLY_ASSISTANCE = "assistance.apply"  # the station collects: hardship files, emergency aid, skills boost
REVIEW_ASSISTANCE = "assistance.review"  # the district reviews: nomination lists (remove, add with reasons)
APPROVE_ASSISTANCE = "assistance.approve"  # the city approves: programs, skills boost; creates programs
MANAGE_WARM_FUND = "assistance.manage_fund"  # the fund manager records the warm fund's income
#: A hardship file's household, income, spending and cause in clear (every view audited): as sensitive as health.
VIEW_HARDSHIP_FILE = "assistance.view_hardship_file"
AREA_TWO_FACTOR.update({VIEW_HARDSHIP_FILE})
# --- end assistance ---
# --- jobs: job placement (permission constants) ---
# --- end jobs ---
# --- venues: brand venues (permission constants) ---
# --- end venues ---
# --- joining: joining online (permission constants) ---
# --- end joining ---

#: The permissions whose holders log in with a second factor (TOTP) where the settings require it: those who see
#: personal data in clear (VIEW_PII and the permissions models declare for their own reveal,
#: ``pii_reveal_permissions``: the 12351 platform's callers, a lawyer's applicants), manage users, hand out
#: administrative roles, or change policy.
TWO_FACTOR_PERMISSIONS = frozenset({VIEW_PII, HANDLE_HOTLINE, CONTACT_APPLICANTS, CONTACT_CALLERS, MANAGE_USERS,
                                    GRANT_ADMIN_ROLES, CHANGE_POLICY})

LEVEL_1 = {UnitKind.CITY_CENTER, UnitKind.DEPARTMENT}
LEVEL_2 = {UnitKind.DISTRICT_CENTER, UnitKind.DEV_AREA_CENTER, UnitKind.INDUSTRY_UNION, UnitKind.COMPANY_UNION}
ANY_KIND = set(UnitKind)


@dataclass(frozen=True)
class RoleSpec:
    """What a role may do and at which kinds of unit it may be held."""

    permissions: frozenset[str]
    unit_kinds: frozenset[str] = field(default_factory=lambda: frozenset(ANY_KIND))
    # Roles that only a holder of GRANT_ADMIN_ROLES may hand out.
    privileged: bool = False


# Every staff role may read the policy numbers that govern its deadlines and thresholds.
COMMON = {VIEW_UNITS, VIEW_POLICY}
# Those who keep the register: see members in full, import, edit, export.
REGISTER = {VIEW_MEMBERS, VIEW_PII, MANAGE_MEMBERS, EXPORT_MEMBERS}

ROLE_SPECS: dict[str, RoleSpec] = {
    Role.HOTLINE_AGENT: RoleSpec(
        frozenset(COMMON | {SUPERVISE_CASES, VIEW_MEMBERS, HANDLE_HOTLINE, INTAKE_REQUESTS, VIEW_HOTLINE_STATS,
                            WRITE_ARTICLES}),
        frozenset(LEVEL_1),
    ),
    Role.CITY_OFFICE: RoleSpec(
        frozenset(COMMON | {MANAGE_UNITS, VIEW_USERS, MANAGE_USERS, MANAGE_CALENDAR, SUPERVISE_CASES} | REGISTER
                  | {VIEW_QUALITY, MANAGE_SAMPLE_CHECKS}
                  | {HANDLE_HOTLINE, INTAKE_REQUESTS, MANAGE_CATEGORIES, VIEW_HOTLINE_STATS, WRITE_ARTICLES,
                     REVIEW_ARTICLES, SEND_BROADCAST}
                  | {MANAGE_DOC_TEMPLATES, MANAGE_MEDIATORS, MANAGE_LAW_FIRMS, REFER_CASES, VIEW_LEGAL_STATS}
                  | {CHANGE_POLICY}),
        frozenset(LEVEL_1),
    ),
    Role.DEPARTMENT_STAFF: RoleSpec(
        frozenset(COMMON | {SUPERVISE_CASES, VIEW_MEMBERS, VIEW_QUALITY, VIEW_HOTLINE_STATS, WRITE_ARTICLES,
                            REFER_CASES, VIEW_LEGAL_STATS, CONTACT_CALLERS}),
        frozenset(LEVEL_1),
    ),
    Role.CENTER_STAFF: RoleSpec(
        frozenset(COMMON | {VIEW_USERS, MANAGE_USERS, SUPERVISE_CASES, VIEW_QUALITY, MANAGE_SAMPLE_CHECKS}
                  | REGISTER | {INTAKE_REQUESTS, VIEW_HOTLINE_STATS, MANAGE_MEDIATORS, REFER_CASES,
                               VIEW_LEGAL_STATS, CONTACT_CALLERS}),
        frozenset(LEVEL_2),
    ),
    Role.SOCIAL_WORKER: RoleSpec(frozenset(COMMON | {VIEW_USERS, VIEW_QUALITY, INTAKE_REQUESTS, REFER_CASES,
                                                      CONTACT_CALLERS} | REGISTER),
                                 frozenset({UnitKind.STATION})),
    # A worker home receives visitors (接待来访) and handles dispatched requests: seed 000 §一(三)2.
    Role.GRASSROOTS_OFFICER: RoleSpec(frozenset(COMMON | REGISTER | {INTAKE_REQUESTS, CONTACT_CALLERS}),
                                      frozenset({UnitKind.GRASSROOTS})),
    Role.MEDIATOR: RoleSpec(frozenset(COMMON)),
    Role.LAWYER: RoleSpec(frozenset(COMMON | {CONTACT_APPLICANTS})),
    Role.MUTUAL_INSURANCE: RoleSpec(frozenset(COMMON | {VIEW_MEMBERS, VIEW_PII}), frozenset(LEVEL_1 | LEVEL_2)),
    Role.AUDITOR: RoleSpec(frozenset(COMMON | {VIEW_USERS, VIEW_AUDIT, VIEW_MEMBERS, VIEW_QUALITY, VIEW_HOTLINE_STATS,
                                               VIEW_LEGAL_STATS}), privileged=True),
    # Seed 002 §四(三): a third-party body evaluates projects from the platform's figures; it changes nothing.
    Role.EVALUATOR: RoleSpec(frozenset(COMMON), frozenset(LEVEL_1)),
    Role.SYSTEM_ADMIN: RoleSpec(
        frozenset(COMMON | {MANAGE_UNITS, VIEW_USERS, MANAGE_USERS, GRANT_ADMIN_ROLES, VIEW_AUDIT, MANAGE_CALENDAR,
                            VIEW_OUTBOX, MANAGE_OUTBOX, VIEW_QUALITY, MANAGE_SAMPLE_CHECKS} | REGISTER
                  | {MANAGE_CATEGORIES, MANAGE_DOC_TEMPLATES, CHANGE_POLICY}),
        privileged=True,
    ),
}


#: What the areas added later grant to the roles above, one block per area (each area edits only its block);
#: merged into ROLE_SPECS just below. A new role goes into ``Role`` and ROLE_SPECS, its grants here.
AREA_GRANTS: dict[str, dict[str, frozenset[str]]] = {
    # --- cards ---
    # Stations and district/company centers collect applications and deal with the bank (seed 000 §四.3(1)); the
    # city office oversees; 12351 agents link card problems (§四.3(2)-(3)); the mutual-insurance office reads.
    "cards": {
        Role.SOCIAL_WORKER: frozenset({VIEW_CARDS, MANAGE_CARDS, REPORT_CARD_PROBLEMS}),
        Role.CENTER_STAFF: frozenset({VIEW_CARDS, MANAGE_CARDS, REPORT_CARD_PROBLEMS}),
        Role.CITY_OFFICE: frozenset({VIEW_CARDS, MANAGE_CARDS, REPORT_CARD_PROBLEMS}),
        Role.HOTLINE_AGENT: frozenset({VIEW_CARDS, REPORT_CARD_PROBLEMS}),
        Role.MUTUAL_INSURANCE: frozenset({VIEW_CARDS}),
    },
    # --- end cards ---
    # --- visits ---
    "visits": {Role.CITY_OFFICE: frozenset({VIEW_VISITS, RECORD_VISITS}),
               Role.DEPARTMENT_STAFF: frozenset({VIEW_VISITS}),
               Role.CENTER_STAFF: frozenset({VIEW_VISITS, RECORD_VISITS}),
               Role.SOCIAL_WORKER: frozenset({VIEW_VISITS, RECORD_VISITS}),
               Role.GRASSROOTS_OFFICER: frozenset({VIEW_VISITS, RECORD_VISITS}),
               Role.AUDITOR: frozenset({VIEW_VISITS})},
    # --- end visits ---
    # --- payouts ---
    "payouts": {Role.CITY_OFFICE: frozenset({VIEW_PAYOUTS, MANAGE_PAYOUTS}),
                Role.MUTUAL_INSURANCE: frozenset({VIEW_PAYOUTS, MANAGE_PAYOUTS}),
                Role.CENTER_STAFF: frozenset({VIEW_PAYOUTS}), Role.AUDITOR: frozenset({VIEW_PAYOUTS})},
    # --- end payouts ---
    # --- mutualaid ---
    "mutualaid": {
        Role.MUTUAL_INSURANCE: frozenset({VIEW_MUTUALAID, ENROL_MUTUALAID, VIEW_MEDICAL_LINES, MANAGE_MUTUALAID}),
        Role.CITY_OFFICE: frozenset({VIEW_MUTUALAID, ENROL_MUTUALAID, VIEW_MEDICAL_LINES, MANAGE_MUTUALAID}),
        Role.CENTER_STAFF: frozenset({VIEW_MUTUALAID, VIEW_MEDICAL_LINES}),
        Role.SOCIAL_WORKER: frozenset({VIEW_MUTUALAID, ENROL_MUTUALAID, VIEW_MEDICAL_LINES}),
        Role.AUDITOR: frozenset({VIEW_MUTUALAID}),
    },
    # Claims: the station collects, the district agency signs, the mutual-insurance office decides (the engine
    # checks who acts on each step); the city office and the auditor read the figures.
    "mutualaid_claims": {
        Role.SOCIAL_WORKER: frozenset({CLAIMS_VIEW, CLAIMS_COLLECT}),
        Role.CENTER_STAFF: frozenset({CLAIMS_VIEW, CLAIMS_VIEW_STATS}),
        Role.MUTUAL_INSURANCE: frozenset({CLAIMS_VIEW, CLAIMS_VIEW_STATS}),
        Role.CITY_OFFICE: frozenset({CLAIMS_VIEW, CLAIMS_VIEW_STATS}),
        Role.AUDITOR: frozenset({CLAIMS_VIEW_STATS}),
    },
    # --- end mutualaid ---
    # --- projects ---
    "projects": {
        Role.CITY_OFFICE: frozenset({VIEW_PROJECTS, MANAGE_MERCHANTS, VIEW_PROJECT_EVALUATIONS, MANAGE_SURVEYS}),
        Role.DEPARTMENT_STAFF: frozenset({VIEW_PROJECTS, PROPOSE_PROJECTS, MANAGE_MERCHANTS,
                                          VIEW_PROJECT_EVALUATIONS}),
        Role.CENTER_STAFF: frozenset({VIEW_PROJECTS, PROPOSE_PROJECTS, MANAGE_MERCHANTS, VIEW_PROJECT_EVALUATIONS}),
        Role.SOCIAL_WORKER: frozenset({VIEW_PROJECTS}),
        Role.EVALUATOR: frozenset({VIEW_PROJECTS, VIEW_PROJECT_EVALUATIONS}),
        Role.AUDITOR: frozenset({VIEW_PROJECTS, VIEW_PROJECT_EVALUATIONS}),
    },
    # --- end projects ---
    # --- stations ---
    "stations": {
        Role.CITY_OFFICE: frozenset({VIEW_STATIONS, MANAGE_STATION_TRAINING, INSPECT_STATIONS}),
        Role.DEPARTMENT_STAFF: frozenset({VIEW_STATIONS}),
        Role.CENTER_STAFF: frozenset({VIEW_STATIONS, REVIEW_STATION_REPORTS, MANAGE_STATION_TRAINING}),
        Role.SOCIAL_WORKER: frozenset({VIEW_STATIONS, EDIT_STATION}),
        Role.AUDITOR: frozenset({VIEW_STATIONS}),
    },
    # --- end stations ---
    # --- assistance ---
    "assistance": {
        Role.CITY_OFFICE: frozenset({VIEW_ASSISTANCE, APPROVE_ASSISTANCE, REVIEW_ASSISTANCE, MANAGE_WARM_FUND,
                                     VIEW_HARDSHIP_FILE}),
        Role.CENTER_STAFF: frozenset({VIEW_ASSISTANCE, REVIEW_ASSISTANCE, APPLY_ASSISTANCE, VIEW_HARDSHIP_FILE}),
        Role.SOCIAL_WORKER: frozenset({VIEW_ASSISTANCE, APPLY_ASSISTANCE, VIEW_HARDSHIP_FILE}),
        Role.GRASSROOTS_OFFICER: frozenset({VIEW_ASSISTANCE, APPLY_ASSISTANCE}),
        Role.AUDITOR: frozenset({VIEW_ASSISTANCE}),
    },
    # --- end assistance ---
    # --- jobs ---
    # --- end jobs ---
    # --- venues ---
    # --- end venues ---
    # --- joining ---
    # --- end joining ---
}


def _merge_area_grants() -> None:
    for grants in AREA_GRANTS.values():
        for role, perms in grants.items():
            spec = ROLE_SPECS[role]
            ROLE_SPECS[role] = RoleSpec(spec.permissions | perms, spec.unit_kinds, spec.privileged)


_merge_area_grants()
TWO_FACTOR_PERMISSIONS = TWO_FACTOR_PERMISSIONS | frozenset(AREA_TWO_FACTOR)


#: The staff who act for a unit at each level of the three-level platform, for process definitions
#: (mediation, legal aid): level 1 the city office and its functional departments, level 2 the district and
#: company centers, level 3 the street stations and grassroots unions (基层职工之家).
LEVEL_1_STAFF = frozenset({Role.CITY_OFFICE, Role.DEPARTMENT_STAFF})
LEVEL_2_STAFF = frozenset({Role.CENTER_STAFF})
LEVEL_3_STAFF = frozenset({Role.SOCIAL_WORKER, Role.GRASSROOTS_OFFICER})


def permissions_for(roles: set[str] | list[str]) -> set[str]:
    """All permissions granted by a set of role names."""
    perms: set[str] = set()
    for role in roles:
        spec = ROLE_SPECS.get(role)
        if spec:
            perms |= spec.permissions
    return perms


def role_allowed_at(role: str, unit_kind: str) -> bool:
    """Whether `role` may be held by a user of a unit of `unit_kind`."""
    spec = ROLE_SPECS.get(role)
    return spec is not None and unit_kind in spec.unit_kinds


def requires_two_factor(roles: set[str] | list[str]) -> bool:
    """Whether holding these roles calls for a second factor at login (see TWO_FACTOR_PERMISSIONS)."""
    return bool(permissions_for(roles) & TWO_FACTOR_PERMISSIONS)
