"""The navigation, declared once: which entries a user sees follows from their permissions."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from unionserve.core import roles
from unionserve.core.text import StrOrPromise


@dataclass(frozen=True)
class NavEntry:
    label: StrOrPromise
    url_name: str
    icon: str
    permission: str | None = None
    section: str = "main"
    #: Dotted path of a function(user) -> int shown as a badge (e.g. the inbox's to-do count).
    badge: str | None = None


NAVIGATION: list[NavEntry] = [
    NavEntry(_("Home"), "web:home", "house"),
    NavEntry(_("My work"), "workflow:inbox", "inbox", badge="unionserve.workflow.inbox.todo_count"),
    NavEntry(_("Mediation"), "mediation:cases", "people-fill"),
    NavEntry(_("Mediators"), "mediation:mediators", "person-badge", roles.MANAGE_MEDIATORS),
    NavEntry(_("Members"), "members:search", "person-vcard", roles.VIEW_MEMBERS),
    NavEntry(_("Employers"), "members:employers", "building", roles.VIEW_MEMBERS),
    NavEntry(_("Imports"), "members:imports", "upload", roles.MANAGE_MEMBERS),
    NavEntry(_("Data quality"), "dataquality:rates", "clipboard-data", roles.VIEW_QUALITY),
    NavEntry(_("12351 workbench"), "hotline:workbench", "headset", roles.HANDLE_HOTLINE),
    NavEntry(_("Service window intake"), "hotline:window", "person-raised-hand", roles.INTAKE_REQUESTS),
    NavEntry(_("12351 requests"), "hotline:requests", "telephone-inbound", roles.INTAKE_REQUESTS),
    NavEntry(_("Request categories"), "hotline:categories", "tags", roles.MANAGE_CATEGORIES),
    NavEntry(_("Knowledge base"), "knowledge:list", "journal-text", roles.WRITE_ARTICLES),
    NavEntry(_("Broadcast appeals"), "broadcasts:list", "megaphone", roles.SEND_BROADCAST),
    NavEntry(_("12351 statistics"), "hotline_stats:index", "bar-chart", roles.VIEW_HOTLINE_STATS),
    NavEntry(_("Partner referrals"), "linkage:referrals", "arrow-left-right", roles.REFER_CASES),
    NavEntry(_("Legal aid"), "legalaid:list", "briefcase"),
    NavEntry(_("Law firms"), "legalaid:firms", "bank", roles.MANAGE_LAW_FIRMS),
    NavEntry(_("Legal statistics"), "legalreports:index", "bar-chart-line", roles.VIEW_LEGAL_STATS),
    # --- cards ---
    NavEntry(_("Jingka cards"), "cards:index", "credit-card", roles.VIEW_CARDS),
    # --- end cards ---
    # --- visits ---
    NavEntry(_("Served visits"), "visits:rates", "person-check", roles.VIEW_VISITS),
    # --- end visits ---
    # --- payouts ---
    NavEntry(_("Card payouts"), "payouts:batches", "credit-card", roles.VIEW_PAYOUTS),
    # --- end payouts ---
    # --- mutualaid ---
    NavEntry(_("Mutual aid"), "mutualaid:index", "heart-pulse", roles.VIEW_MUTUALAID),
    NavEntry(_("Medical batches"), "mutualaid:batches", "clipboard2-pulse", roles.MANAGE_MUTUALAID),
    # Claims (accident, death, fire loss) and their statistics.
    NavEntry(_("Accident and fire-loss claims"), "mutualaid:claims", "shield-plus", roles.CLAIMS_VIEW),
    NavEntry(_("Claims statistics"), "mutualaid:claim_statistics", "bar-chart", roles.CLAIMS_VIEW_STATS),
    # --- end mutualaid ---
    # --- projects ---
    NavEntry(_("Service projects"), "projects:list", "shop", roles.VIEW_PROJECTS),
    NavEntry(_("Project evaluation"), "projects:evaluations", "clipboard-check", roles.VIEW_PROJECT_EVALUATIONS),
    NavEntry(_("Project statistics"), "projects:statistics", "bar-chart-steps", roles.VIEW_PROJECTS),
    NavEntry(_("Worker-needs surveys"), "projects:surveys", "ui-checks", roles.VIEW_PROJECTS),
    # --- end projects ---
    # --- stations ---
    NavEntry(_("Service stations"), "stations:list", "shop", roles.VIEW_STATIONS),
    NavEntry(_("Station reports"), "stations:completeness", "calendar-check", roles.VIEW_STATIONS),
    # --- end stations ---
    # --- assistance ---
    NavEntry(_("Assistance"), "assistance:index", "heart", roles.VIEW_ASSISTANCE),
    NavEntry(_("Warm fund"), "assistance:fund", "piggy-bank", roles.MANAGE_WARM_FUND),
    # --- end assistance ---
    # --- jobs ---
    # --- end jobs ---
    # --- venues ---
    # --- end venues ---
    # --- joining ---
    # --- end joining ---
    NavEntry(_("Organization"), "orgs:browse", "diagram-3", roles.VIEW_UNITS),
    NavEntry(_("Users"), "accounts:user_list", "people", roles.VIEW_USERS),
    NavEntry(_("Working-day calendar"), "workcalendar:index", "calendar3"),
    NavEntry(_("Policy parameters"), "policy:list", "sliders", roles.VIEW_POLICY),
    NavEntry(_("Audit log"), "audit:list", "journal-check", roles.VIEW_AUDIT),
    NavEntry(_("Outbox"), "notifications:outbox", "send", roles.VIEW_OUTBOX),
    NavEntry(_("Document templates"), "documents:templates", "file-earmark-text", roles.MANAGE_DOC_TEMPLATES),
    NavEntry(_("Processes"), "workflow:processes", "diagram-2"),
    NavEntry(_("API"), "api-1.0.0:openapi-view", "braces"),
]


def entries_for(user) -> list[NavEntry]:
    """Navigation entries this user may open."""
    return [e for e in NAVIGATION if e.permission is None or user.has_perm(e.permission)]


def active_url(path: str, urls: list[str]) -> str | None:
    """The one entry URL to light for `path`: the longest that is a prefix of it ("/" only for the home page).

    Entries nest (/hotline/ holds /hotline/requests/ and /hotline/statistics/; /members/ holds
    /members/imports/), so a plain prefix test lit two items at once.
    """
    matching = [url for url in urls if (path == url if url == "/" else path.startswith(url))]
    return max(matching, key=len) if matching else None
