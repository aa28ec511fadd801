"""The partner bodies of six-party linkage for the demo: the city's and each district's; at every street station
the partners seed 001 §二(五)2 names (司法所、社保所、信访办、综治办) and, where the register has employers there, the
largest one (企事业单位); plus a few referrals on demo cases when there are some."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from unionserve.orgs.models import OrgUnit, UnitKind

from . import actions
from .models import PartnerBody, PartnerKind, Referral, ReferralStatus

# seed 003 §四: the city-level partners that joined 2009–2011 (市人力社保局、司法局、信访办、高级人民法院、企联).
CITY_PARTNERS = [
    (PartnerKind.JUSTICE_BUREAU, "北京市司法局"),
    (PartnerKind.HRSS_BUREAU, "北京市人力资源和社会保障局"),
    (PartnerKind.COURT, "北京市高级人民法院"),
    (PartnerKind.LETTERS_VISITS, "北京市信访办公室"),
    (PartnerKind.ENTERPRISE_FEDERATION, "北京市企业联合会"),
]
DISTRICT_PARTNERS = [
    (PartnerKind.JUSTICE_BUREAU, "{d}司法局"),
    (PartnerKind.HRSS_BUREAU, "{d}人力资源和社会保障局"),
    (PartnerKind.COURT, "{d}人民法院"),
    (PartnerKind.LETTERS_VISITS, "{d}信访办公室"),
    (PartnerKind.ENTERPRISE_FEDERATION, "{d}企业联合会"),
]

# seed 001 §二(五)2: "联合司法所、社保所、信访办、综治办、企事业单位等相关单位" — the street's own offices.
STREET_PARTNERS = [
    (PartnerKind.JUDICIAL_OFFICE, "{s}司法所"),
    (PartnerKind.SOCIAL_SECURITY_OFFICE, "{s}社会保障事务所"),
    (PartnerKind.LETTERS_VISITS, "{s}信访办"),
    (PartnerKind.GOVERNANCE_OFFICE, "{s}综治办"),
]


def _largest_employer_per_station() -> dict[int, str]:
    """The name of the employer with the most reported members at each station (the demo's 企事业单位)."""
    from unionserve.members.public import Employer

    out: dict[int, str] = {}
    for station_id, name in Employer.objects.order_by("station_id", "-reported_members", "pk").values_list(
            "station_id", "name"):
        out.setdefault(station_id, name)
    return out


def _district_name(center: OrgUnit) -> str:
    return center.name.removesuffix("职工服务中心")


def _street_name(station: OrgUnit) -> str:
    return station.name.removesuffix("工会服务站")


@transaction.atomic
def seed_demo_partners() -> int:
    """Create the missing partner bodies (idempotent: matched by unit and name). Returns how many were added."""
    wanted: list[PartnerBody] = []
    city = OrgUnit.objects.filter(kind=UnitKind.CITY_CENTER).order_by("pk").first()
    if city is None:
        return 0
    wanted += [PartnerBody(kind=k, name=n, unit=city, phone="010-12348") for k, n in CITY_PARTNERS]
    centers = OrgUnit.objects.filter(kind__in=(UnitKind.DISTRICT_CENTER, UnitKind.DEV_AREA_CENTER))
    for center in centers:
        d = _district_name(center)
        wanted += [PartnerBody(kind=k, name=n.format(d=d), unit=center) for k, n in DISTRICT_PARTNERS]
    employers = _largest_employer_per_station()
    for station in OrgUnit.objects.filter(kind=UnitKind.STATION).only("pk", "name"):
        street = _street_name(station)
        wanted += [PartnerBody(kind=k, name=n.format(s=street), unit=station) for k, n in STREET_PARTNERS]
        if station.pk in employers:
            wanted.append(PartnerBody(kind=PartnerKind.EMPLOYER, name=employers[station.pk][:120], unit=station))
    existing = set(PartnerBody.objects.values_list("unit_id", "name"))
    new = [p for p in wanted if (p.unit_id, p.name) not in existing]
    PartnerBody.objects.bulk_create(new, batch_size=500)
    return len(new)


@transaction.atomic
def seed_demo_referrals() -> int:
    """Two referrals on the first demo cases of the 东城 district, once (skipped when any referral exists)."""
    from unionserve.accounts.models import User
    from unionserve.workflow.models import Case

    if Referral.objects.exists():
        return 0
    user = User.objects.filter(username="dongcheng").first()
    if user is None:
        return 0
    court = PartnerBody.objects.filter(unit=user.org_unit, kind=PartnerKind.COURT).first()
    hrss = PartnerBody.objects.filter(unit=user.org_unit, kind=PartnerKind.HRSS_BUREAU).first()
    # Mediation cases first (the mechanism is the labour-dispute linkage), then anything the district handles.
    candidates = Case.objects.filter(access__unit=user.org_unit).distinct()
    pool = [*candidates.filter(process="mediation").order_by("opened_at")[:5],
            *candidates.exclude(process="mediation").order_by("opened_at")[:5]]
    cases = [c for c in pool if actions.may_refer(c, user)][:2]
    if not (court and hrss and cases):
        return 0
    today = timezone.localdate()
    actions.refer_case(cases[0], acting_user=user, partner=court, referred_on=today,
                       reason="当事人调解不成，引导至法院诉调对接。", contact="立案庭 王法官")
    if len(cases) > 1:
        received = actions.receive_referral(
            acting_user=user, partner=hrss, case=cases[1], referred_on=today,
            reason="劳动保障监察转来欠薪线索，请工会协助调解。", contact="监察大队 李科长")
        actions.record_outcome(received, acting_user=user, version=received.version,
                               status=ReferralStatus.CONCLUDED, outcome="经协调企业已补发工资。", outcome_on=today,
                               amount=Decimal("12800.00"))
    return len(cases)
