"""Taking a request on any channel, finding the caller, suggesting where to dispatch.

`take_request` is the one way a request comes in (workbench, window, portal, CTI API): it protects the caller's
personal data as members.Member does, opens the case on the engine and — when the agent already has the answer
or the units — answers or dispatches in the same transaction. The path is kept lean for 20 requests a second.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from unionserve.core.scope import scope_of
from unionserve.members import crypto
from unionserve.members.masking import mask_id, mask_phone
from unionserve.members.models import Member
from unionserve.members.validators import InvalidValue, parse_id_number, validate_mobile
from unionserve.orgs.models import OrgUnit, UnitKind
from unionserve.workflow import actions
from unionserve.workflow.errors import ActionRefused
from unionserve.workflow.models import Case

from .effects import REQUEST_KEY
from .models import Category, Channel, HotlineRequest, Kind
from .process import AFFAIR, CONSULTATION

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
            return validate_mobile(raw)
        except InvalidValue as exc:
            raise ActionRefused(str(exc)) from None
    if _LANDLINE_RE.match(raw):
        return raw
    raise ActionRefused(_("Give the caller's phone: a mobile (11 digits) or a landline with its area code."))


def phone_columns(phone: str) -> dict[str, str]:
    """Keyed hash, ciphertext and mask of a phone number, exactly as members.Member keeps them."""
    return {"caller_phone_hash": crypto.lookup_hash(phone), "caller_phone_encrypted": crypto.encrypt(phone),
            "caller_phone_masked": mask_phone(phone)}


def id_columns(id_number: str) -> dict[str, str]:
    if not id_number:
        return {"caller_id_hash": "", "caller_id_encrypted": "", "caller_id_masked": ""}
    return {"caller_id_hash": crypto.lookup_hash(id_number), "caller_id_encrypted": crypto.encrypt(id_number),
            "caller_id_masked": mask_id(id_number)}


def new_tracking_code() -> str:
    return "".join(secrets.choice(_CODE_ALPHABET) for _i in range(CODE_LENGTH))


def find_member(phone: str = "", id_number: str = "") -> Member | None:
    """The member with this ID number, else the only active member with this mobile (one index probe each).

    Not scoped: the platform identifies any caller in the city; what is shown of the member is masked.
    """
    if id_number:
        member = Member.objects.filter(id_hash=crypto.lookup_hash(id_number)).select_related("grassroots").first()
        if member is not None:
            return member
    if phone:
        found = list(Member.objects.filter(phone_hash=crypto.lookup_hash(phone), status="active")
                     .select_related("grassroots")[:2])
        if len(found) == 1:
            return found[0]
    return None


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
            intake.caller_id_number = parse_id_number(intake.caller_id_number).number
        except InvalidValue as exc:
            raise ActionRefused(str(exc)) from None
    if intake.kind == Kind.CONSULTATION and (intake.units or intake.filed_units):
        raise ActionRefused(_("A consultation is answered or referred, not dispatched; choose affair to dispatch."))
    if intake.kind == Kind.AFFAIR and (intake.answer or intake.refer_to):
        raise ActionRefused(_("An affair is dispatched; choose consultation to answer it on the spot."))
    return intake


def take_request(intake: Intake, *, actor) -> HotlineRequest:
    """Register a request and open its case; answer, refer or dispatch at once when the intake says so.

    All of it or nothing: a refused dispatch leaves no request behind. Checking the intake, finding the member
    and encrypting the caller's data happen before the write transaction, so SQLite's one write lock is held
    only while the case is written (the CTI sends requests from 40 seats at once).
    """
    intake = clean_intake(intake)
    if intake.member is None:
        intake.member = find_member(intake.caller_phone, intake.caller_id_number)
    now = timezone.now()
    request = HotlineRequest(
        kind=intake.kind, channel=intake.channel, category=intake.category, description=intake.description,
        caller_name=intake.caller_name, member=intake.member, received_at=now,
        received_by=actor if getattr(actor, "is_authenticated", False) and not _is_portal(actor) else None,
        received_unit=actor.org_unit, tracking_code=new_tracking_code(),
        **phone_columns(intake.caller_phone), **id_columns(intake.caller_id_number),
    )
    title = f"{intake.category.name}：{_one_line(intake.description)}"
    with transaction.atomic():
        for _attempt in range(3):
            try:
                with transaction.atomic():
                    case = actions.open_case(PROCESS_OF_KIND[intake.kind], actor=actor, title=title,
                                             channel=intake.channel, subject_name=intake.caller_name,
                                             data={REQUEST_KEY: request, "category": intake.category.code,
                                                   "kind": intake.kind}, comment=intake.comment)
                break
            except IntegrityError:
                # A tracking-code collision (1 in 10^14 per pair): draw another one.
                request.pk = None
                request.tracking_code = new_tracking_code()
        else:  # pragma: no cover - three collisions in a row
            raise ActionRefused(_("Could not register the request; try again."))
        if intake.answer.strip():
            case = actions.perform(case, "answer", actor=actor, data={"answer": intake.answer})
        elif intake.refer_to:
            case = actions.perform(case, "refer", actor=actor, data={"units": ",".join(intake.refer_to),
                                                                      "comment": intake.comment})
        elif intake.units:
            case = actions.perform(case, "dispatch", actor=actor, data={
                "units": ",".join(intake.units), "filed_units": ",".join(intake.filed_units),
                "comment": intake.comment})
    request.case = case
    return request


def _one_line(text: str, limit: int = 60) -> str:
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


# --- the portal's service account ---------------------------------------------------------------------

PORTAL_USERNAME = "portal-12351"


def _is_portal(user) -> bool:
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


def history(*, phone: str = "", member: Member | None = None, limit: int = 10) -> QuerySet:
    """Earlier requests of a caller: by the phone's keyed hash or by the member (index range, newest first)."""
    from django.db.models import Q

    q = Q(pk__in=[])
    if phone:
        q |= Q(caller_phone_hash=crypto.lookup_hash(phone))
    if member is not None:
        q |= Q(member=member)
    return (HotlineRequest.objects.filter(q).select_related("case", "category")
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
    if request is None or not secrets.compare_digest(request.caller_phone_hash, crypto.lookup_hash(phone)):
        return None
    return request


# --- routing suggestion ------------------------------------------------------------------------------------


@dataclass
class Routing:
    units: list[OrgUnit]
    filed: list[OrgUnit]
    why: list[str]


def _ancestor(unit: OrgUnit | None, kinds: set[str], attr: str) -> OrgUnit | None:
    seen = 0
    while unit is not None and seen < 6:
        if unit.kind in kinds:
            return unit
        unit = getattr(unit, attr)
        seen += 1
    return None


def suggest_routing(category: Category | None, member: Member | None, user=None) -> Routing:
    """Where to dispatch an affair: the category's default department or level, and the member's station /
    district; filing copies to the member's district and industry union. Restricted to the user's scope."""
    units: list[OrgUnit] = []
    why: list[str] = []
    station = district = industry = None
    if member is not None:
        grassroots = member.grassroots
        station = _ancestor(grassroots, {UnitKind.STATION}, "region_parent")
        district = _ancestor(grassroots, {UnitKind.DISTRICT_CENTER, UnitKind.DEV_AREA_CENTER}, "region_parent")
        industry = _ancestor(grassroots, {UnitKind.INDUSTRY_UNION}, "industry_parent")
    rule = category
    while rule is not None and rule.default_unit_id is None and rule.default_level is None:
        rule = rule.parent
    if rule is not None and (rule.default_level in (None, 1) or member is None) and rule.default_unit is not None:
        units.append(rule.default_unit)
        why.append(_("the category's handling department"))
    elif rule is not None and rule.default_level == 3 and station is not None:
        units.append(station)
        why.append(_("the member's station"))
    elif rule is not None and rule.default_level == 2 and district is not None:
        units.append(district)
        why.append(_("the member's district"))
    elif station is not None:
        units.append(station)
        why.append(_("the member's station"))
    filed = [u for u in (district, industry) if u is not None and u not in units]
    if user is not None:
        scope = scope_of(user)
        units = [u for u in units if scope.contains_unit(u)]
        filed = [u for u in filed if scope.contains_unit(u)]
    return Routing(units, filed, why)


def departments() -> QuerySet:
    """Functional departments (level 1), for referring consultations and dispatching affairs."""
    return OrgUnit.objects.active().filter(kind=UnitKind.DEPARTMENT).order_by("code")


def case_of(request: HotlineRequest) -> Case:
    return request.case
