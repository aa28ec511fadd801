"""Every change assistance makes: one function each, in a transaction, with its audit row.

The page and the API call the same functions. Permissions are checked here too (a page that forgot a check
still refuses), scope by fetching the member through the register's scoped `get_member`.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import json
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from unionserve import policy
from unionserve.audit.log import record
from unionserve.core import roles
from unionserve.core.scope import scope_of
from unionserve.core.text import strip_text
from unionserve.members import public as members
from unionserve.orgs.models import OrgUnit
from unionserve.payouts import public as payouts
from unionserve.pii.crypto import encrypt
from unionserve.policy.service import PolicyValue
from unionserve.workflow import actions as engine
from unionserve.workflow.errors import ActionRefused

from . import policies
from .models import (
    AidStatus,
    EmergencyAid,
    EntryKind,
    FileStatus,
    Fund,
    FundEntry,
    HardshipCause,
    HardshipFile,
    HardshipLevel,
    Nomination,
    NominationStatus,
    Program,
    ProgramBudget,
    ProgramKind,
    ProgramStatus,
    SkillApplication,
    SkillBasis,
    SkillStatus,
    certificate_key,
)

HARDSHIP_PROCESS = "assistance_hardship"
EMERGENCY_PROCESS = "assistance_emergency"

# Audit action codes (the audit log keeps the code; see the report on labelling them).
FILE_APPLIED = "hardship_applied"
FILE_DECIDED = "hardship_decided"
FILE_RECHECKED = "hardship_rechecked"
FILE_EXPIRED = "hardship_expired"
FUND_ENTRY = "warm_fund_entry"
PROGRAM_CHANGED = "assist_program_changed"
NOMINATION_CHANGED = "nomination_changed"
AID_DECIDED = "emergency_aid_decided"
SKILLS_CHANGED = "skills_boost_changed"

#: How far back an application day may be entered (a paper form registered late).
MAX_BACKDATE_DAYS = 366
MAX_HOUSEHOLD = 30

#: The file an opening from the assistance page carries to the engine's opening effect (never through the case
#: data, which the timeline keeps in clear).
_pending: contextvars.ContextVar[dict | None] = contextvars.ContextVar("assistance_pending", default=None)


def _require(user, perm: str) -> None:
    if user is None or not user.has_perm(perm):
        raise PermissionDenied(_("Your roles do not allow this."))


def _member(member_or_id, user):
    """The member in the acting user's scope, else a refusal (the same for a missing or foreign member)."""
    pk = getattr(member_or_id, "pk", member_or_id)
    member = members.get_member(pk, user=user)
    if member is None:
        raise ValidationError(_("No such member in your part of the organization."))
    return member


def _day(value: dt.date | None) -> dt.date:
    today = timezone.localdate()
    day = value or today
    if day > today:
        raise ValidationError(_("The application day cannot be in the future."))
    if (today - day).days > MAX_BACKDATE_DAYS:
        raise ValidationError(_("The application day is more than a year ago."))
    return day


def add_months(day: dt.date, months: int) -> dt.date:
    """`day` plus whole months, the last day of a shorter month when the day does not exist (31 Jan + 1 → 28 Feb)."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, d)
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover - 28 always exists


# --- hardship files ------------------------------------------------------------------------------------------


def clean_household(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Household members as stored: name, relation, age, in school (bool), monthly income (yuan, string)."""
    out = []
    for row in rows[:MAX_HOUSEHOLD]:
        name = strip_text(str(row.get("name", "")))[:40]
        if not name:
            continue
        try:
            income = Decimal(str(row.get("income") or "0"))
            age = int(row.get("age") or 0)
        except (ArithmeticError, ValueError, TypeError):
            raise ValidationError(_("A household member's age or income is not a number.")) from None
        if income < 0 or income > Decimal("1000000") or not 0 <= age <= 130:
            raise ValidationError(_("A household member's age or income is out of range."))
        out.append({"name": name, "relation": strip_text(str(row.get("relation", "")))[:20], "age": age,
                    "in_school": bool(row.get("in_school")), "income": str(income.quantize(Decimal("0.01")))})
    return out


def apply_hardship(*, member, level: str, cause: str, household: list[dict[str, Any]], monthly_income: Decimal,
                   monthly_spending: Decimal, story: str, applied_on: dt.date | None = None, acting_user,
                   request=None) -> HardshipFile:
    """The station applies for a hardship file of a member; the city's approval runs on the engine."""
    _require(acting_user, roles.APPLY_ASSISTANCE)
    if level not in HardshipLevel.values or cause not in HardshipCause.values:
        raise ValidationError(_("Choose the level and the cause from the lists."))
    people = clean_household(household)
    if not people:
        raise ValidationError(_("List at least one person of the household."))
    for amount in (monthly_income, monthly_spending):
        if not isinstance(amount, Decimal) or amount < 0 or amount > Decimal("10000000"):
            raise ValidationError(_("Income and spending are amounts in yuan, from 0."))
    story = strip_text(story)[:4000]
    if not story:
        raise ValidationError(_("Describe the household's situation."))
    day = _day(applied_on)
    with transaction.atomic():
        member = _member(member, acting_user)
        if HardshipFile.objects.filter(member=member, status__in=[FileStatus.REVIEW, FileStatus.APPROVED]).exists():
            raise ValidationError(_("This member already has a hardship file under review or in force."))
        details = {"household": people, "monthly_income": str(monthly_income), "monthly_spending":
                   str(monthly_spending), "story": story}
        children = sum(1 for p in people if p["in_school"] and p["relation"] != "本人")
        file = HardshipFile(member=member, station=acting_user.org_unit, level=level, cause=cause,
                            household_size=len(people), children_in_school=children,
                            details_encrypted=encrypt(json.dumps(details, ensure_ascii=False)),
                            applied_on=day, created_by=acting_user)
        token = _pending.set({"file": file})
        try:
            case = engine.open_case(HARDSHIP_PROCESS, actor=acting_user, subject_name=member.name, request=request,
                                    title=_("Hardship file of %(name)s") % {"name": member.name})
        finally:
            _pending.reset(token)
        file.refresh_from_db()
        record(FILE_APPLIED, actor=acting_user, request=request, obj=file,
               detail={"case": case.number, "member": member.pk, "status": file.status})
    return file


def on_hardship_opened(case, data: dict, actor) -> None:
    """Opening effect: store the file the assistance page prepared; an opening anywhere else is refused."""
    pending = _pending.get()
    if not pending:
        raise ActionRefused(_("Hardship files are opened on the assistance page, which asks for the member "
                                     "and the household."))
    file = pending["file"]
    file.case = case
    file.save()


def details_of(file: HardshipFile, *, user, request=None) -> dict[str, Any]:
    """The file's sealed details in clear for a user allowed to see them; every call is audited (pii.reveal)."""
    from unionserve import pii

    values = pii.reveal(file, "details", user=user, request=request, detail={"what": "hardship_file"})
    return json.loads(values["details"]) if values["details"] else {}


def _validity(day: dt.date) -> tuple[dt.date, dict]:
    used = policy.value(policies.HARDSHIP_VALID_MONTHS, on=day)
    return add_months(day, int(used.value)), used.as_record()


def on_hardship_approved(case, data: dict, actor) -> None:
    """The city approves: the file is in force for the policy's months and the register's flag is set."""
    file = HardshipFile.objects.select_for_update().get(case=case)
    today = timezone.localdate()
    file.valid_until, record_ = _validity(today)
    file.status, file.approved_on, file.policy = FileStatus.APPROVED, today, {"validity": record_}
    file.version += 1
    file.save()
    members.set_special_group(file.member, members.SpecialGroup.HARDSHIP, True, acting_user=actor,
                              detail=file.get_level_display(), source=f"assistance:hardship:{file.pk}")
    record(FILE_DECIDED, actor=actor, obj=file, detail={"case": case.number, "status": file.status,
                                                         "end": file.valid_until.isoformat()})


def on_hardship_rejected(case, data: dict, actor) -> None:
    """The district or the city rejects the application."""
    file = HardshipFile.objects.select_for_update().get(case=case)
    file.status, file.end_reason = FileStatus.REJECTED, strip_text(str(data.get("reasons", "")))[:200]
    file.version += 1
    file.save()
    record(FILE_DECIDED, actor=actor, obj=file, detail={"case": case.number, "status": file.status,
                                                         "reason": file.end_reason})


def _end_file(file: HardshipFile, status: str, reason: str, actor) -> None:
    file.status, file.ended_on, file.end_reason = status, timezone.localdate(), reason[:200]
    file.version += 1
    file.save()
    members.set_special_group(file.member, members.SpecialGroup.HARDSHIP, False, acting_user=actor,
                              source=f"assistance:hardship:{file.pk}")


def recheck_hardship(file: HardshipFile, *, still_eligible: bool, note: str, level: str = "", acting_user,
                     request=None) -> HardshipFile:
    """The yearly re-check (年度复核): still eligible extends the file by the policy's months; else it ends."""
    _require(acting_user, roles.APPLY_ASSISTANCE)
    note = strip_text(note)[:200]
    if not note:
        raise ValidationError(_("Say what the re-check found."))
    if level and level not in HardshipLevel.values:
        raise ValidationError(_("Choose the level from the list."))
    with transaction.atomic():
        locked = scope_of(acting_user).filter(HardshipFile.objects.select_for_update()).filter(pk=file.pk).first()
        if locked is None or locked.status != FileStatus.APPROVED:
            raise ValidationError(_("Only a file in force is re-checked."))
        file = locked
        if still_eligible:
            today = timezone.localdate()
            file.valid_until, used = _validity(today)
            file.rechecked_on, file.policy = today, {**file.policy, "validity": used}
            if level:
                file.level = level
            file.version += 1
            file.save()
        else:
            _end_file(file, FileStatus.ENDED, note, acting_user)
        record(FILE_RECHECKED, actor=acting_user, request=request, obj=file,
               detail={"status": file.status, "note": note})
    return file


def expire_hardship_files(*, today: dt.date | None = None, acting_user=None) -> int:
    """Files whose re-check is overdue (valid_until passed) expire and leave the register's hardship group."""
    today = today or timezone.localdate()
    count = 0
    for pk in HardshipFile.objects.filter(status=FileStatus.APPROVED, valid_until__lt=today).values_list("pk",
                                                                                                        flat=True):
        with transaction.atomic():
            file = HardshipFile.objects.select_for_update().select_related("member").get(pk=pk)
            if file.status != FileStatus.APPROVED:
                continue
            _end_file(file, FileStatus.EXPIRED, _("Not re-checked in time"), acting_user)
            record(FILE_EXPIRED, actor=acting_user, obj=file, detail={"end": str(file.valid_until)})
            count += 1
    return count


# --- the warm fund -------------------------------------------------------------------------------------------


def the_fund() -> Fund:
    """The warm fund (the first one kept); refused when none is set up."""
    fund = Fund.objects.order_by("pk").first()
    if fund is None:
        raise ValidationError(_("No warm fund is set up."))
    return fund


def _check_amount(amount: Decimal) -> None:
    if not isinstance(amount, Decimal) or amount <= 0 or amount > Decimal("100000000"):
        raise ValidationError(_("The amount must be above zero and at most 100,000,000 yuan."))


def add_income(fund: Fund, *, amount: Decimal, memo: str, acting_user, request=None) -> FundEntry:
    """Income into the fund (donations, the federation's allocation)."""
    _require(acting_user, roles.MANAGE_WARM_FUND)
    _check_amount(amount)
    memo = strip_text(memo)[:200]
    if not memo:
        raise ValidationError(_("Say where the income comes from."))
    with transaction.atomic():
        locked = Fund.objects.select_for_update().get(pk=fund.pk)
        locked.balance += amount
        locked.save(update_fields=["balance"])
        entry = FundEntry.objects.create(fund=locked, kind=EntryKind.INCOME, amount=amount,
                                         balance_after=locked.balance, memo=memo, created_by=acting_user)
        record(FUND_ENTRY, actor=acting_user, request=request, obj=locked,
               detail={"kind": entry.kind, "value": str(amount), "after": str(locked.balance)})
    return entry


def draw_grant(*, amount: Decimal, source_key: str, memo: str, acting_user) -> FundEntry:
    """Draw a grant from the fund, whole or not at all: refused when the balance would go below zero.

    Call inside the decision's transaction: the fund row stays locked until it commits, so two decisions at
    the same moment cannot both spend the last of it (and the database's check refuses a negative balance).
    """
    _check_amount(amount)
    fund = Fund.objects.select_for_update().get(pk=the_fund().pk)
    if FundEntry.objects.filter(fund=fund, source_key=source_key).exists():
        raise ValidationError(_("This grant was already drawn from the fund."))
    if fund.balance < amount:
        raise ValidationError(_("The warm fund holds %(balance)s yuan; this grant of %(amount)s yuan would take it "
                                "below zero. Nothing was granted.") % {"balance": fund.balance, "amount": amount})
    fund.balance -= amount
    fund.save(update_fields=["balance"])
    entry = FundEntry.objects.create(fund=fund, kind=EntryKind.GRANT, amount=amount, balance_after=fund.balance,
                                     source_key=source_key, memo=memo[:200], created_by=acting_user)
    record(FUND_ENTRY, actor=acting_user, obj=fund, detail={"kind": entry.kind, "value": str(amount),
                                                             "after": str(fund.balance), "source": source_key})
    return entry


# --- seasonal programs ---------------------------------------------------------------------------------------


def districts() -> list[OrgUnit]:
    """The level-2 units of the region line (districts and the Development Area) a program budgets for."""
    city = OrgUnit.objects.filter(region_parent__isnull=True, region_path__isnull=False).order_by("pk").first()
    if city is None:
        return []
    return [u for u in OrgUnit.objects.filter(region_parent=city).order_by("code") if u.level == 2]


def create_program(*, kind: str, year: int, title: str, amount: Decimal, sms_text: str,
                   budgets: dict[int, Decimal] | None = None, acting_user, request=None) -> Program:
    """The city sets up a seasonal program for a year, with a grant per person and budgets per district."""
    _require(acting_user, roles.APPROVE_ASSISTANCE)
    if kind not in ProgramKind.values:
        raise ValidationError(_("Choose the program from the list."))
    if not 2000 <= int(year) <= timezone.localdate().year + 1:
        raise ValidationError(_("The year is out of range."))
    _check_amount(amount)
    title, sms_text = strip_text(title)[:100], strip_text(sms_text)[:200]
    if not title or not sms_text:
        raise ValidationError(_("Give the program a title and the SMS text members receive."))
    with transaction.atomic():
        if Program.objects.filter(kind=kind, year=year).exists():
            raise ValidationError(_("This program already exists for that year."))
        program = Program.objects.create(kind=kind, year=year, title=title, amount=amount, sms_text=sms_text)
        for district_id, budget in (budgets or {}).items():
            set_budget(program, district_id=district_id, amount=budget, acting_user=acting_user)
        record(PROGRAM_CHANGED, actor=acting_user, request=request, obj=program,
               detail={"kind": kind, "year": year, "value": str(amount)})
    return program


def set_budget(program: Program, *, district_id: int, amount: Decimal, acting_user, request=None) -> ProgramBudget:
    """The city sets what a program may spend in one district."""
    _require(acting_user, roles.APPROVE_ASSISTANCE)
    if not isinstance(amount, Decimal) or amount < 0 or amount > Decimal("100000000"):
        raise ValidationError(_("The budget is an amount in yuan, from 0."))
    if program.status != ProgramStatus.NOMINATING:
        raise ValidationError(_("An approved program's budgets no longer change."))
    district = next((d for d in districts() if d.pk == int(district_id)), None)
    if district is None:
        raise ValidationError(_("Choose a district from the list."))
    with transaction.atomic():
        budget, _created = ProgramBudget.objects.update_or_create(program=program, district=district,
                                                                  defaults={"amount": amount})
        record(PROGRAM_CHANGED, actor=acting_user, request=request, obj=program,
               detail={"unit": district.code, "value": str(amount)})
    return budget


def _eligibility_sql(kind: str, today: dt.date) -> tuple[str, list]:
    """The WHERE clause (on member m) of a program's eligibility, from the register and the hardship files."""
    qn = connection.ops.quote_name
    files, groups = qn(HardshipFile._meta.db_table), qn("members_specialgrouprecord")
    # Table names come from the models; every value is a query parameter.
    # Not correlated: the (small) set of members with a file in force is computed once, not probed per member.
    live_file = (f"m.id IN (SELECT f.member_id FROM {files} f WHERE f.status = %s "  # noqa: S608
                 f"AND f.valid_until >= %s{{extra}})")
    if kind == ProgramKind.SPRING:
        return f"(m.hardship = %s OR {live_file.format(extra='')})", [True, FileStatus.APPROVED, today]
    if kind == ProgramKind.WOMEN:
        return "m.single_mother = %s", [True]
    if kind == ProgramKind.LABOUR:
        return (f"EXISTS (SELECT 1 FROM {groups} s WHERE s.member_id = m.id AND s.{qn('group')} = %s "  # noqa: S608
                "AND s.until IS NULL)", [members.SpecialGroup.MODEL_WORKER.value])
    return live_file.format(extra=" AND f.children_in_school > 0"), [FileStatus.APPROVED, today]


def draw_nominations(program: Program, *, acting_user, district: OrgUnit | None = None, request=None) -> int:
    """Draw the program's nomination list from the register, in one INSERT … SELECT per call.

    The district's own list (a district user) or the whole city's (the city office, `district=None`); members
    already on the list are kept as they are (ON CONFLICT DO NOTHING on the program-member key), so drawing
    again adds only newly eligible members and never undoes a district's removal.
    """
    _require(acting_user, roles.REVIEW_ASSISTANCE)
    if program.status != ProgramStatus.NOMINATING:
        raise ValidationError(_("The program is approved; its list no longer changes."))
    scope = scope_of(acting_user)
    if district is None and not scope.everything and acting_user.org_unit.level != 1:
        district = acting_user.org_unit
    if district is not None and not scope.contains_unit(district):
        raise ValidationError(_("No such district in your part of the organization."))
    root = district.region_path if district is not None else (acting_user.org_unit.region_path or "")
    if not root:
        raise ValidationError(_("Your unit has no districts to draw from."))
    where, params = _eligibility_sql(program.kind, timezone.localdate())
    qn = connection.ops.quote_name
    member_t, unit_t, nom_t = qn("members_member"), qn(OrgUnit._meta.db_table), qn(Nomination._meta.db_table)
    # The district of a member is the second segment of its grassroots union's region path (city, district, …).
    # Table names come from the models; every value is a query parameter.
    sql = (f"INSERT INTO {nom_t} (program_id, member_id, district_id, status, added_by_hand, reason) "  # noqa: S608
           f"SELECT %s, m.id, d.id, %s, %s, '' FROM {member_t} m "
           f"JOIN {unit_t} g ON g.id = m.grassroots_id "
           f"JOIN {unit_t} d ON d.region_path = substr(g.region_path, 1, 16) "
           f"WHERE m.status = %s AND g.region_path >= %s AND g.region_path < %s AND {where} "
           f"ON CONFLICT (program_id, member_id) DO NOTHING")
    args = [program.pk, NominationStatus.NOMINATED, False, members.MemberStatus.ACTIVE, root, root + "a", *params]
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(sql, args)
            added = max(cursor.rowcount, 0)
        record(NOMINATION_CHANGED, actor=acting_user, request=request, obj=program,
               detail={"action": "draw", "unit": district.code if district else "", "count": added})
    return added


def _nomination(nomination_id: int, user) -> Nomination:
    found = scope_of(user).filter(Nomination.objects.select_related("program", "member")).filter(
        pk=nomination_id).first()
    if found is None:
        raise ValidationError(_("No such nomination in your part of the organization."))
    return found


def remove_nomination(nomination_id: int, *, reason: str, acting_user, request=None) -> Nomination:
    """The district takes a member off the list, with the reason."""
    _require(acting_user, roles.REVIEW_ASSISTANCE)
    reason = strip_text(reason)[:200]
    if not reason:
        raise ValidationError(_("Say why the member is taken off the list."))
    with transaction.atomic():
        nom = _nomination(nomination_id, acting_user)
        if nom.program.status != ProgramStatus.NOMINATING or nom.status != NominationStatus.NOMINATED:
            raise ValidationError(_("Only a nominated member of a program still nominating is taken off."))
        nom.status, nom.reason, nom.changed_by = NominationStatus.REMOVED, reason, acting_user
        nom.save()
        record(NOMINATION_CHANGED, actor=acting_user, request=request, obj=nom.program,
               detail={"action": "remove", "member": nom.member_id, "reason": reason})
    return nom


def add_nomination(program: Program, *, member, reason: str, acting_user, request=None) -> Nomination:
    """The district puts a member on the list by hand (or back on it), with the reason; once per program."""
    _require(acting_user, roles.REVIEW_ASSISTANCE)
    reason = strip_text(reason)[:200]
    if not reason:
        raise ValidationError(_("Say why the member is added."))
    if program.status != ProgramStatus.NOMINATING:
        raise ValidationError(_("The program is approved; its list no longer changes."))
    with transaction.atomic():
        member = _member(member, acting_user)
        district = OrgUnit.objects.filter(region_path=(member.grassroots.region_path or "")[:16]).first()
        if district is None or district.level != 2:
            raise ValidationError(_("The member's union is not under a district."))
        nom = Nomination.objects.select_for_update().filter(program=program, member=member).first()
        if nom is not None and nom.status != NominationStatus.REMOVED:
            raise ValidationError(_("This member is already on the list (one grant per member and program)."))
        if nom is None:
            try:
                with transaction.atomic():
                    nom = Nomination.objects.create(program=program, member=member, district=district,
                                                    added_by_hand=True, reason=reason, changed_by=acting_user)
            except IntegrityError:
                raise ValidationError(_("This member is already on the list (one grant per member and "
                                        "program).")) from None
        else:
            nom.status, nom.reason, nom.changed_by = NominationStatus.NOMINATED, reason, acting_user
            nom.save()
        record(NOMINATION_CHANGED, actor=acting_user, request=request, obj=program,
               detail={"action": "add", "member": member.pk, "reason": reason})
    return nom


def approve_program(program: Program, *, acting_user, request=None) -> int:
    """The city approves the list: every district within its budget, the total drawn from the fund (refused whole
    if it would go negative), one payment per member asked; returns the number of members paid."""
    _require(acting_user, roles.APPROVE_ASSISTANCE)
    with transaction.atomic():
        program = Program.objects.select_for_update().get(pk=program.pk)
        if program.status != ProgramStatus.NOMINATING:
            raise ValidationError(_("This program is already approved."))
        listed = program.nominations.filter(status=NominationStatus.NOMINATED)
        counts = {row["district"]: row["n"] for row in listed.values("district").annotate(n=Count("pk"))}
        if not counts:
            raise ValidationError(_("The list is empty: draw it from the register first."))
        budgets = {b.district_id: b for b in program.budgets.select_related("district")}
        for district_id, n in counts.items():
            need = program.amount * n
            budget = budgets.get(district_id)
            if budget is None or need > budget.amount:
                unit = OrgUnit.objects.get(pk=district_id)
                raise ValidationError(_("%(unit)s: %(n)s members need %(need)s yuan, over its budget of "
                                        "%(budget)s yuan.") % {"unit": unit.name, "n": n, "need": need,
                                                               "budget": budget.amount if budget else 0})
        total = program.amount * sum(counts.values())
        draw_grant(amount=total, source_key=f"program:{program.pk}", memo=str(program), acting_user=acting_user)
        member_ids = list(listed.values_list("member_id", flat=True))
        listed.update(status=NominationStatus.APPROVED, changed_by=acting_user)
        for member_id in member_ids:
            payouts.request_payment(source_key=f"assistance:{program.pk}:{member_id}", purpose="assistance.program",
                                    member_id=member_id, amount=program.amount, reference=str(program)[:200],
                                    sms_text=program.sms_text, user=acting_user)
        program.status, program.approved_by, program.approved_at = (ProgramStatus.APPROVED, acting_user,
                                                                    timezone.now())
        program.save()
        record(PROGRAM_CHANGED, actor=acting_user, request=request, obj=program,
               detail={"status": program.status, "count": len(member_ids), "value": str(total)})
    return len(member_ids)


def program_totals(program: Program, user) -> list[dict[str, Any]]:
    """Per district in the user's scope: budget, members listed, removed, approved, the amount they need."""
    noms = scope_of(user).filter(Nomination.objects.filter(program=program))
    rows: dict[int, dict[str, Any]] = {}
    for row in noms.values("district", "district__name", "status").annotate(n=Count("pk")):
        entry = rows.setdefault(row["district"], {"district_id": row["district"], "district": row["district__name"],
                                                  "nominated": 0, "removed": 0, "approved": 0, "budget": None})
        entry[row["status"]] = row["n"]
    for budget in scope_of(user).filter(ProgramBudget.objects.filter(program=program).select_related("district")):
        entry = rows.setdefault(budget.district_id, {"district_id": budget.district_id, "district":
                                                     budget.district.name, "nominated": 0, "removed": 0,
                                                     "approved": 0, "budget": None})
        entry["budget"] = budget.amount
    for entry in rows.values():
        entry["needed"] = program.amount * (entry["nominated"] + entry["approved"])
        entry["over"] = entry["budget"] is not None and entry["needed"] > entry["budget"]
    return sorted(rows.values(), key=lambda e: e["district"])


# --- emergency aid -------------------------------------------------------------------------------------------


def apply_emergency(*, member, what_happened: str, amount_asked: Decimal, acting_user, request=None) -> EmergencyAid:
    """The station applies for emergency aid for a member; the district reviews, the city decides the amount."""
    _require(acting_user, roles.APPLY_ASSISTANCE)
    _check_amount(amount_asked)
    what_happened = strip_text(what_happened)[:2000]
    if not what_happened:
        raise ValidationError(_("Describe what happened."))
    with transaction.atomic():
        member = _member(member, acting_user)
        aid = EmergencyAid(member=member, station=acting_user.org_unit, what_happened=what_happened,
                           amount_asked=amount_asked)
        token = _pending.set({"aid": aid})
        try:
            case = engine.open_case(EMERGENCY_PROCESS, actor=acting_user, subject_name=member.name, request=request,
                                    title=_("Emergency aid for %(name)s") % {"name": member.name})
        finally:
            _pending.reset(token)
        aid.refresh_from_db()
        record(AID_DECIDED, actor=acting_user, request=request, obj=aid,
               detail={"case": case.number, "status": aid.status, "value": str(amount_asked)})
    return aid


def on_emergency_opened(case, data: dict, actor) -> None:
    """Opening effect: store the application the assistance page prepared."""
    pending = _pending.get()
    if not pending or "aid" not in pending:
        raise ActionRefused(_("Emergency aid is applied for on the assistance page, which asks for the "
                                     "member."))
    aid = pending["aid"]
    aid.case = case
    aid.save()


def parse_amount(text: Any) -> Decimal | None:
    """A yuan amount typed in a field, or None."""
    try:
        value = Decimal(str(text).strip())
    except (ArithmeticError, ValueError):
        return None
    if not value.is_finite() or value != value.quantize(Decimal("0.01")):
        return None
    return value


def guard_emergency_grant(case, data: dict) -> str | None:
    """The city grants at most the policy's cap, and no more than was asked."""
    amount = parse_amount(data.get("amount", ""))
    aid = EmergencyAid.objects.get(case=case)
    cap = policy.value(policies.EMERGENCY_CAP, on=aid.applied_on).value
    if amount is None or amount <= 0:
        return _("Give the amount granted in yuan.")
    if amount > cap:
        return _("At most %(cap)s yuan may be granted in one emergency.") % {"cap": cap}
    if amount > aid.amount_asked:
        return _("The grant cannot exceed the %(asked)s yuan asked for.") % {"asked": aid.amount_asked}
    return None


def on_emergency_granted(case, data: dict, actor) -> None:
    """Draw the grant from the fund (refused whole if it would go negative) and ask for the payment."""
    aid = EmergencyAid.objects.select_for_update().select_related("member").get(case=case)
    amount = parse_amount(data.get("amount", ""))
    assert amount is not None  # the guard ran
    try:
        draw_grant(amount=amount, source_key=f"emergency:{aid.pk}", memo=case.number, acting_user=actor)
    except ValidationError as exc:
        raise ActionRefused(" ".join(exc.messages)) from None
    aid.amount_granted, aid.status = amount, AidStatus.GRANTED
    aid.policy = {"cap": policy.value(policies.EMERGENCY_CAP, on=aid.applied_on).as_record()}
    aid.save()
    payouts.request_payment(source_key=f"assistance:emergency:{aid.pk}", purpose="assistance.emergency",
                            member_id=aid.member_id, amount=amount, reference=case.number,
                            sms_text=_("Your union's emergency aid of %(amount)s yuan is on its way to your Jingka "
                                       "card.") % {"amount": amount}, user=actor)
    record(AID_DECIDED, actor=actor, obj=aid, detail={"case": case.number, "status": aid.status,
                                                       "value": str(amount)})


def on_emergency_refused(case, data: dict, actor) -> None:
    """The district or the city refuses."""
    aid = EmergencyAid.objects.select_for_update().get(case=case)
    aid.status = AidStatus.REFUSED
    aid.save()
    record(AID_DECIDED, actor=actor, obj=aid, detail={"case": case.number, "status": aid.status})


# --- skills boost --------------------------------------------------------------------------------------------

SKILL_AMOUNTS = {SkillBasis.TECHNICIAN: policies.SKILLS_TECHNICIAN, SkillBasis.SENIOR: policies.SKILLS_SENIOR,
                 SkillBasis.COMPETITION: policies.SKILLS_COMPETITION}


def skills_amount(basis: str, day: dt.date) -> PolicyValue:
    """The boost for a basis under the policy in force on the application day."""
    return policy.value(SKILL_AMOUNTS[SkillBasis(basis)], on=day)


def apply_skills(*, member, basis: str, certificate_number: str, issuer: str, place: int | None = None,
                 applied_on: dt.date | None = None, acting_user, request=None) -> SkillApplication:
    """A member applies for the skills boost; the amount is the policy's on the application day."""
    _require(acting_user, roles.APPLY_ASSISTANCE)
    if basis not in SkillBasis.values:
        raise ValidationError(_("Choose the basis from the list."))
    number, issuer = strip_text(certificate_number)[:60], strip_text(issuer)[:100]
    if not number or not issuer:
        raise ValidationError(_("Give the certificate (or award) number and who issued it."))
    day = _day(applied_on)
    if basis == SkillBasis.COMPETITION:
        best = int(policy.value(policies.SKILLS_COMPETITION_PLACES, on=day).value)
        if place is None or not 1 <= int(place) <= best:
            raise ValidationError(_("Only places 1 to %(best)s of a city skills competition qualify.")
                                  % {"best": best})
    else:
        place = None
    key = certificate_key(number, issuer)
    used = skills_amount(basis, day)
    with transaction.atomic():
        member = _member(member, acting_user)
        if SkillApplication.objects.filter(cert_key=key).exclude(status=SkillStatus.REJECTED).exists():
            raise ValidationError(_("This certificate was already used for a skills boost."))
        try:
            with transaction.atomic():
                app = SkillApplication.objects.create(
                    member=member, station=acting_user.org_unit, basis=basis, certificate_number=number,
                    issuer=issuer, place=place, cert_key=key, applied_on=day, amount=used.value,
                    policy=used.as_record(), created_by=acting_user)
        except IntegrityError:
            raise ValidationError(_("This certificate was already used for a skills boost.")) from None
        record(SKILLS_CHANGED, actor=acting_user, request=request, obj=app,
               detail={"status": app.status, "value": str(app.amount), "policy": used.version})
    return app


def decide_skills(app_id: int, *, approve: bool, reason: str = "", acting_user, request=None) -> SkillApplication:
    """The city approves (the payment is asked for) or rejects with a reason (the certificate is freed)."""
    _require(acting_user, roles.APPROVE_ASSISTANCE)
    reason = strip_text(reason)[:200]
    if not approve and not reason:
        raise ValidationError(_("Say why the application is rejected."))
    with transaction.atomic():
        app = scope_of(acting_user).filter(SkillApplication.objects.select_for_update()).filter(pk=app_id).first()
        if app is None:
            raise ValidationError(_("No such application in your part of the organization."))
        if app.status != SkillStatus.APPLIED:
            raise ValidationError(_("This application was already decided."))
        app.status = SkillStatus.APPROVED if approve else SkillStatus.REJECTED
        app.reason, app.decided_by, app.decided_at = reason, acting_user, timezone.now()
        app.save()
        if approve:
            payouts.request_payment(source_key=f"assistance:skills:{app.pk}", purpose="assistance.skills",
                                    member_id=app.member_id, amount=app.amount, reference=app.certificate_number,
                                    sms_text=_("Your skills boost of %(amount)s yuan is on its way to your Jingka "
                                               "card.") % {"amount": app.amount}, user=acting_user)
        record(SKILLS_CHANGED, actor=acting_user, request=request, obj=app,
               detail={"status": app.status, "reason": reason})
    return app


def program_spent(program: Program) -> Decimal:
    """What a program drew from the fund."""
    return FundEntry.objects.filter(source_key=f"program:{program.pk}").aggregate(s=Sum("amount"))["s"] or Decimal(0)
