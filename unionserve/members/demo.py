"""Demo members for `manage.py seed_demo`: realistic, deterministic, idempotent, a few seconds.

Under every grassroots union of the demo tree: its employer (with a valid USCC) and ~20 members with valid ID
numbers (Faker zh_CN), mobiles, some Jingka cards, some model workers, hardship workers and single mothers (with
their SpecialGroupRecord). Every station with demo unions also gets its joint union (联合工会) and two employers
without a union whose members belong to it. A union that already has members is left alone, so running again
adds nothing; the same seed gives the same people.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random

from django.db import transaction
from django.utils import timezone
from faker import Faker

from unionserve import pii
from unionserve.orgs.models import OrgUnit, UnitKind, UnitStatus

from .actions import JOINT_UNION_SUFFIX, joint_union_for
from .models import Employer, Member, MembershipHistory, MemberStatus, SpecialGroup, SpecialGroupRecord
from .search import initials_of

DEMO_SEED = 5
PER_UNIT = 20
PER_JOINT_EMPLOYER = 5

_USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
EDUCATION = ["初中及以下", "高中/中专", "高中/中专", "大专", "本科", "本科", "研究生"]
EMPLOYMENT = ["在岗", "在岗", "在岗", "在岗", "灵活就业", "退休"]
HONOURS = ["北京市劳动模范", "全国劳动模范", "首都劳动奖章", "北京市先进工作者"]
CERTIFICATES = ["高级工", "技师", "高级技师", "中级工"]


def make_uscc(division: str, seed_text: str) -> str:
    """A valid Unified Social Credit Code (GB 32100-2015; organization code by GB 11714-1997), from a seed text."""
    digest = hashlib.sha256(seed_text.encode()).hexdigest()
    org8 = "".join(str(int(c, 16) % 10) for c in digest[:8])
    total = sum(int(c) * w for c, w in zip(org8, _ORG_WEIGHTS, strict=True))
    check = 11 - total % 11
    org9 = org8 + ("X" if check == 10 else "0" if check == 11 else str(check))
    body = "91" + (division + "000000")[:6] + org9
    total = sum(_USCC_CHARS.index(c) * pow(3, i, 31) for i, c in enumerate(body))
    return body + _USCC_CHARS[(31 - total % 31) % 31]


def make_card(rng: random.Random) -> str:
    """A 19-digit Jingka-like card number with a Luhn check digit."""
    payload = "621700" + "".join(str(rng.randrange(10)) for _ in range(12))
    total = 0
    for i, c in enumerate(reversed(payload)):
        d = int(c)
        if i % 2 == 0:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return payload + str((10 - total % 10) % 10)


def _mobile(fake: Faker) -> str:
    for _attempt in range(20):
        try:
            return pii.validate_mobile(fake.phone_number())
        except pii.InvalidValue:
            continue
    return ""


def _employer(uscc: str, **fields) -> Employer:
    employer = Employer.objects.filter(uscc=uscc).first()
    return employer or Employer.objects.create(uscc=uscc, **fields)


class _Batch:
    """Members, their history rows and special-group rows of one run, written in bulk at the end."""

    def __init__(self) -> None:
        self.members: list[Member] = []
        self.extras: list[tuple[Member, Employer | None, list[tuple[str, str]]]] = []
        self.hashes: set[str] = set()

    def add_people(self, fake: Faker, rng: random.Random, n: int, unit: OrgUnit, employer: Employer | None,
                   today: dt.date) -> None:
        made = 0
        while made < n:
            try:
                info = pii.parse_id_number(fake.ssn(min_age=19, max_age=59), today)
            except pii.InvalidValue:
                continue
            sealed_id = pii.seal_id_number(info.number)
            id_hash = sealed_id.hash
            if id_hash in self.hashes:
                continue
            self.hashes.add(id_hash)
            made += 1
            female = info.gender == "F"
            name = fake.name_female() if female else fake.name_male()
            phone = _mobile(fake) if rng.random() < 0.85 else ""
            first_year = max(info.birth_date.year + 18, 1995)
            joined = dt.date(rng.randint(first_year, today.year - 1), rng.randint(1, 12), rng.randint(1, 28))
            groups: list[tuple[str, str]] = []
            honour = certificate = ""
            if rng.random() < 0.06:
                honour = rng.choice(HONOURS)
                groups.append((SpecialGroup.MODEL_WORKER, honour))
            hardship = rng.random() < 0.06
            if hardship:
                groups.append((SpecialGroup.HARDSHIP, "建档困难职工"))
            single_mother = female and rng.random() < 0.06
            if single_mother:
                groups.append((SpecialGroup.SINGLE_MOTHER, ""))
            if rng.random() < 0.15:
                certificate = rng.choice(CERTIFICATES)
                groups.append((SpecialGroup.SKILLED, certificate))
            member = Member(
                name=name, initials=initials_of(name), **sealed_id.columns("id"), birth_date=info.birth_date,
                gender=info.gender, **pii.seal_phone(phone).columns("phone"),
                employer=employer, grassroots=unit, joined_on=joined, employment=rng.choice(EMPLOYMENT),
                education=rng.choice(EDUCATION), skill_certificate=certificate, honour=honour, hardship=hardship,
                single_mother=single_mother, card_number=make_card(rng) if rng.random() < 0.7 else "",
                ethnicity="汉族" if rng.random() < 0.93 else rng.choice(["满族", "回族", "蒙古族"]),
                hukou=rng.choice(["北京", "北京", "外埠"]),
                status=MemberStatus.ACTIVE if rng.random() < 0.96 else MemberStatus.LEFT,
            )
            self.members.append(member)
            self.extras.append((member, employer, groups))

    def save(self) -> int:
        taken = set(Member.objects.filter(id_hash__in=self.hashes).values_list("id_hash", flat=True))
        keep = [i for i, m in enumerate(self.members) if m.id_hash not in taken]
        members = Member.objects.bulk_create([self.members[i] for i in keep], batch_size=500)
        history, groups = [], []
        for member, (_m, employer, member_groups) in zip(members, (self.extras[i] for i in keep), strict=True):
            since = timezone.make_aware(dt.datetime.combine(member.joined_on, dt.time(9)))
            history.append(MembershipHistory(member=member, employer=employer, grassroots=member.grassroots,
                                             since=since, reason="入会"))
            for group, detail in member_groups:
                groups.append(SpecialGroupRecord(member=member, group=group, detail=detail, since=since,
                                                 source="demo"))
        MembershipHistory.objects.bulk_create(history, batch_size=1000)
        SpecialGroupRecord.objects.bulk_create(groups, batch_size=1000)
        return len(members)


@transaction.atomic
def seed_demo_members(per_unit: int = PER_UNIT, seed: int = DEMO_SEED) -> int:
    """Employers and members under the demo grassroots unions and the stations' joint unions; returns members made."""
    today = timezone.localdate()
    batch = _Batch()
    units = list(OrgUnit.objects.filter(kind=UnitKind.GRASSROOTS, status=UnitStatus.ACTIVE,
                                        region_parent__kind=UnitKind.STATION)
                 .exclude(name__endswith=JOINT_UNION_SUFFIX).select_related("region_parent", "industry_parent")
                 .order_by("code"))
    with_members = set(Member.objects.filter(grassroots__in=units).values_list("grassroots", flat=True)
                       .distinct())
    stations: dict[int, OrgUnit] = {}
    fake = Faker("zh_CN")  # one instance, re-seeded per union (making one costs more than its 20 people)
    for unit in units:
        station = unit.region_parent
        stations[station.pk] = station
        division = (station.division_code or station.code or "110000")[:6]
        employer = _employer(make_uscc(division, f"demo:{unit.code}"), name=unit.name.removesuffix("工会"),
                             station=station, industry_union=unit.industry_parent, has_union=True, grassroots=unit,
                             address=f"{station.name.removesuffix('工会服务站')}{unit.pk % 90 + 1}号",
                             reported_members=per_unit, contact_name="工会主席")
        if unit.pk in with_members:
            continue
        fake.seed_instance(f"{seed}:{unit.code}")
        batch.add_people(fake, random.Random(f"{seed}:{unit.code}"), per_unit, unit, employer, today)  # noqa: S311
    for station in sorted(stations.values(), key=lambda s: s.code):
        joint = joint_union_for(station)
        if Member.objects.filter(grassroots=joint).exists():
            continue
        fake.seed_instance(f"{seed}:{joint.code}")
        rng = random.Random(f"{seed}:{joint.code}")  # noqa: S311
        division = (station.division_code or station.code or "110000")[:6]
        for n in (1, 2):
            employer = _employer(make_uscc(division, f"demo:{station.code}:{n}"),
                                 name=f"{station.name.removesuffix('工会服务站')}{fake.company_prefix()}商贸有限公司",
                                 station=station, has_union=False, reported_members=PER_JOINT_EMPLOYER)
            batch.add_people(fake, rng, PER_JOINT_EMPLOYER, joint, employer, today)
    return batch.save()
