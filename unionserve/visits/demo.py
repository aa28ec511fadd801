"""Demo data of served visits: a bank swipe file and a merchant file imported, an activity with sign-ins, and
visits spread over the demo members in this year and the last, so that the rates page shows figures.

Idempotent: each piece is skipped when it exists (the imports by file name, the activity by name, the history
by its source). Deterministic: one seeded random generator.
"""

from __future__ import annotations

import datetime as dt
import io
import random

from django.db import transaction
from django.utils import timezone

from unionserve.accounts.models import User
from unionserve.cards.public import Card, CardStatus
from unionserve.members.public import Member, MemberStatus
from unionserve.orgs.models import OrgUnit

from . import actions
from .models import Activity, ServedVisit, SignIn, SwipeImport, VisitKind
from .public import record_visits

SEED = 2015
PROJECTS = ["PK-YEARPASS", "HLTH-CHECK", "CINEMA-51", "SKILL-01", "MOMCARE-02", "SPORT-08"]
BANK_FILE = "bank-swipes-demo.csv"
MERCHANT_FILE = "merchant-swipes-dongcheng-demo.csv"
ACTIVITY = "职工健康讲座（演示）"
HISTORY = "demo"
#: The demo activity was held this many days ago (a demo choice, no rule).
ACTIVITY_DAYS_AGO = 3


def _cards(members: list[Member], today: dt.date) -> dict[int, str]:
    """The members' usable cards by member id; a member with a card number in the register but no card row
    (the cards demo not run) gets one, issued two years ago."""
    have = dict(Card.objects.filter(member__in=members, status__in=(CardStatus.ISSUED, CardStatus.DELIVERED))
                .values_list("member_id", "number"))
    taken = set(Card.objects.filter(number__in=[m.card_number for m in members if m.card_number])
                .values_list("number", flat=True))
    issued = today.replace(year=today.year - 2, day=1)
    new = [Card(member=m, number=m.card_number, status=CardStatus.ISSUED, applied_at_unit=m.grassroots,
                applied_on=issued, valid_from=issued)
           for m in members if m.pk not in have and m.card_number and m.card_number not in taken]
    Card.objects.bulk_create(new)
    have.update({c.member_id: c.number for c in new})
    return {pk: number for pk, number in have.items() if number}


def _swipes(rng: random.Random, cards: dict[int, str], today: dt.date, n: int) -> str:
    out = io.StringIO()
    out.write("卡号,刷卡时间,商户/项目代码,金额\n")
    start = today.replace(month=1, day=1)
    span = max(1, (today - start).days)
    numbers = sorted(cards.values())
    for _i in range(n):
        day = start + dt.timedelta(days=rng.randrange(span))
        out.write(f"{rng.choice(numbers)},{day} {rng.randrange(8, 21):02d}:{rng.randrange(60):02d}:00,"
                  f"{rng.choice(PROJECTS)},{rng.choice(['', '0.00', '25.50'])}\n")
    # The errors a real file has: an unknown card, a bad date, a bad code.
    out.write(f"6219990000000000000,{today} 10:00:00,PK-YEARPASS,\n")
    out.write(f"{numbers[0]},2026-13-01 10:00:00,PK-YEARPASS,\n")
    out.write(f"{numbers[0]},{today} 10:00:00,项目一,\n")
    return out.getvalue()


def _import(name: str, text: str, user: User) -> int:
    if SwipeImport.objects.filter(original_name=name).exists():
        return 0
    imp = actions.import_swipes(uploaded=io.BytesIO(text.encode("utf-8-sig")), original_name=name,
                                acting_user=user)
    return imp.visits_added


def _history(rng: random.Random, members: list[Member], today: dt.date) -> int:
    """Visits of last year and of this year until today, about one or two per member each year."""
    if ServedVisit.objects.filter(source=HISTORY).exists():
        return 0
    rows = []
    services = [f"project:{p}" for p in PROJECTS] + ["hotline", "mediation", "legalaid"]
    for year, until in ((today.year - 1, dt.date(today.year - 1, 12, 31)), (today.year, today)):
        start = dt.date(year, 1, 1)
        span = (until - start).days + 1
        for member in members:
            for _i in range(rng.choice([0, 0, 1, 1, 1, 2, 2, 3])):
                # Spring (April, May) is the peak, as seed 004 reports it.
                if rng.random() < 0.3 and until >= dt.date(year, 5, 31):
                    day = dt.date(year, 4, 1) + dt.timedelta(days=rng.randrange(61))
                else:
                    day = start + dt.timedelta(days=rng.randrange(span))
                service = rng.choice(services)
                kind = VisitKind.SWIPE if service.startswith("project:") else VisitKind.PLATFORM
                rows.append((member.pk, day, service, kind, HISTORY))
    return record_visits(rows)


def _activity(rng: random.Random, cards: dict[int, str], today: dt.date) -> int:
    station_user = User.objects.filter(username="station").select_related("org_unit").first()
    if station_user is None or station_user.org_unit is None:
        return 0
    if Activity.objects.filter(name=ACTIVITY).exists():
        # Seeded once: the members with cards change as later demos run, so signing "the missing ones" again
        # would add sign-ins on every run.
        return 0
    activity = actions.create_activity(name=ACTIVITY, day=today - dt.timedelta(days=ACTIVITY_DAYS_AGO),
                                       unit=station_user.org_unit, project_code="HLTH-TALK",
                                       acting_user=station_user)
    unit = station_user.org_unit
    local = [pk for pk in Member.objects.filter(status=MemberStatus.ACTIVE, pk__in=list(cards),
                                                grassroots__region_path__startswith=unit.region_path or "-")
             .order_by("pk").values_list("pk", flat=True)[:12]]
    signed = set(SignIn.objects.filter(activity=activity).values_list("member_id", flat=True))
    made = 0
    for pk in local:
        if pk in signed:
            continue
        try:
            actions.sign_in(activity, card_number=cards[pk], acting_user=station_user)
            made += 1
        except actions.VisitRefused:
            continue
    return made


def seed_demo() -> str:
    """Seed the demo rows (idempotent); returns a line saying what was added."""
    rng = random.Random(SEED)  # noqa: S311 - deterministic demo data, not a secret
    today = timezone.localdate()
    members = list(Member.objects.filter(status=MemberStatus.ACTIVE).select_related("grassroots").order_by("pk"))
    if not members:
        return "no members: run the members demo first"
    city = User.objects.filter(username="cityoffice").first()
    district = User.objects.filter(username="dongcheng").first()
    with transaction.atomic():
        cards = _cards(members, today)
        if not cards:
            return "no cards: nothing to swipe"
        added = _import(BANK_FILE, _swipes(rng, cards, today, max(50, len(cards) // 2)), city) if city else 0
        dongcheng = OrgUnit.objects.filter(code="110101").first()
        if district is not None and dongcheng is not None:
            prefix = dongcheng.region_path or "-"
            local = {m.pk: cards[m.pk] for m in members
                     if m.pk in cards and (m.grassroots.region_path or "").startswith(prefix)}
            if local:
                added += _import(MERCHANT_FILE, _swipes(rng, local, today, 40), district)
        history = _history(rng, members, today)
        signed = _activity(rng, cards, today)
    return (f"{added} visits from swipe files, {history} earlier visits over this year and last, "
            f"{signed} sign-ins at an activity")
