"""Reading for the 12351 platform: what an intake holds and how it is checked, the caller's history, following a
request on the portal, where to dispatch. Nothing here changes data: `actions.take_request` is the one way a
request comes in (workbench, window, portal, CTI API); the path is kept lean for 20 requests a second.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from unionserve import pii
from unionserve.core.scope import scope_of
from unionserve.members.public import Member
from unionserve.orgs.models import OrgUnit, UnitKind
from unionserve.workflow.errors import ActionRefused
from unionserve.workflow.models import Case

from .models import Category, Channel, HotlineRequest, Kind
from .process import AFFAIR, CONSULTATION
from .routing import Routing, required_filing, suggest_routing  # noqa: F401 - re-exported: the pages, the demo

_LANDLINE_RE = re.compile(r"^(0\d{9,11}|\d{7,8})$")
#: No 0/O, 1/I/L: a caller reads the code over the phone.
_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 10

PROCESS_OF_KIND: dict[str, str] = {Kind.CONSULTATION: CONSULTATION, Kind.AFFAIR: AFFAIR}


def normalize_phone(value: str) -> str:
    """A mobile (11 digits, 13–19) or a landline (area code + number, or 7–8 digits); raise ActionRefused."""
    raw = re.sub(r"[\s\-()]", "", value or "")
    if raw.startswith("+86"):
        raw = raw[3:]
    if raw.startswith("1"):
        try:
            return pii.validate_mobile(raw)
        except pii.InvalidValue as exc:
            raise ActionRefused(str(exc)) from None
    if _LANDLINE_RE.match(raw):
        return raw
    raise ActionRefused(_("Give the caller's phone: a mobile (11 digits) or a landline with its area code."))


def new_tracking_code() -> str:
    """A random tracking code the caller can read over the phone."""
    return "".join(secrets.choice(_CODE_ALPHABET) for _i in range(CODE_LENGTH))


@dataclass
class Intake:
    """What the workbench, the window, the portal or the CTI API received."""

    kind: str
    category: Category
    description: str
    caller_name: str
    caller_phone: str
    channel: str = Channel.PHONE
    caller_id_number: str = ""
    member: Member | None = None
    #: A member chosen by id (a form, the API): `take_request` looks it up inside the user's scope.
    member_id: int | None = None
    #: Consultation answered on the spot: the case closes with this answer.
    answer: str = ""
    #: Affair: dispatch at once to these unit codes, with these filing copies.
    units: list[str] = field(default_factory=list)
    filed_units: list[str] = field(default_factory=list)
    #: Consultation: refer at once to these department codes.
    refer_to: list[str] = field(default_factory=list)
    comment: str = ""


def clean_intake(intake: Intake) -> Intake:
    """Validate and normalize; raise ActionRefused saying what to fix."""
    if intake.kind not in Kind.values:
        raise ActionRefused(_("Choose the kind: consultation or affair."))
    if not intake.category.active:
        raise ActionRefused(_("The category %(name)s is no longer used; choose another.")
                            % {"name": intake.category.name})
    intake.description = (intake.description or "").strip()
    if len(intake.description) < 4:
        raise ActionRefused(_("Describe the request in a few words (at least 4 characters)."))
    intake.caller_name = (intake.caller_name or "").strip()[:60]
    if not intake.caller_name:
        raise ActionRefused(_("Give the caller's name (or how they want to be addressed)."))
    intake.caller_phone = normalize_phone(intake.caller_phone)
    if intake.caller_id_number:
        try:
            intake.caller_id_number = pii.parse_id_number(intake.caller_id_number).number
        except pii.InvalidValue as exc:
            raise ActionRefused(str(exc)) from None
    if intake.kind == Kind.CONSULTATION and (intake.units or intake.filed_units):
        raise ActionRefused(_("A consultation is answered or referred, not dispatched; choose affair to dispatch."))
    if intake.kind == Kind.AFFAIR and (intake.answer or intake.refer_to):
        raise ActionRefused(_("An affair is dispatched; choose consultation to answer it on the spot."))
    return intake


def one_line(text: str, limit: int = 60) -> str:
    """The description on one line, cut for the case title."""
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


# --- the portal's service account ---------------------------------------------------------------------

PORTAL_USERNAME = "portal-12351"


def is_portal(user) -> bool:
    """Whether `user` is the portal's service account (it takes requests, nobody logs in as it)."""
    return getattr(user, "username", "") == PORTAL_USERNAME


def portal_actor():
    """The account in whose name portal submissions are opened at the city platform (no password, no login)."""
    from unionserve.accounts.models import User
    from unionserve.core.roles import Role

    user = User.objects.filter(username=PORTAL_USERNAME).select_related("org_unit").first()
    if user is not None:
        return user
    city = OrgUnit.objects.filter(kind=UnitKind.CITY_CENTER).order_by("pk").first()
    if city is None:
        raise ActionRefused(_("The 12351 platform is not set up yet (no city center)."))
    from unionserve.accounts.actions import create_user

    user = create_user(username=PORTAL_USERNAME, display_name="12351职工服务网", org_unit=city,
                       roles=[Role.HOTLINE_AGENT], password=None, must_change_password=False, acting_user=None)
    return user  # password None: unusable, nobody logs in as the portal


# --- finding the caller and their history -------------------------------------------------------------


def history(user, *, phone: str = "", member: Member | None = None, limit: int = 10) -> list[HotlineRequest]:
    """Earlier requests of a caller that `user` may read: by the phone's keyed hash or by the member (index
    range, newest first); the workbench and the CTI screen pop."""
    from django.db.models import Q

    if not phone and member is None:
        return []
    q = Q(pk__in=[])
    if phone:
        q |= pii.hash_q("caller_phone", phone)
    if member is not None:
        q |= Q(member=member)
    return list(visible_requests(user).filter(q).select_related("case", "category")
                .order_by("-received_at")[:limit])


def visible_requests(user) -> QuerySet:
    """Requests whose case the user may read (core.scope)."""
    return scope_of(user).filter(HotlineRequest.objects.all())


def follow(tracking_code: str, phone: str) -> HotlineRequest | None:
    """The request for a tracking code and the caller's phone; None for any mismatch (no enumeration)."""
    code = "".join((tracking_code or "").split()).upper()
    try:
        phone = normalize_phone(phone)
    except ActionRefused:
        return None
    if len(code) != CODE_LENGTH:
        return None
    request = HotlineRequest.objects.select_related("case", "category").filter(tracking_code=code).first()
    if request is None or not secrets.compare_digest(request.caller_phone_hash, pii.lookup_hash(phone)):
        return None
    return request


# --- routing suggestion: routing.py (the dispatch's guard and form use it too), re-exported here ---------


def departments() -> QuerySet:
    """Functional departments (level 1), for referring consultations and dispatching affairs."""
    return OrgUnit.objects.active().filter(kind=UnitKind.DEPARTMENT).order_by("code")


def case_of(request: HotlineRequest) -> Case:
    return request.case
