"""Every change in the data-quality app: snapshots, reminders, policy versions, sample-check runs and results.

Each function runs in one transaction and records the audit log in it; notifications go through the outbox
(written in the same transaction, sent after commit).
"""

from __future__ import annotations

import datetime as dt
import random
import secrets
from collections import defaultdict
from dataclasses import dataclass
from typing import cast

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Field
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from unionserve.accounts.models import User
from unionserve.audit.log import record
from unionserve.audit.models import AuditAction
from unionserve.core import tree
from unionserve.core.scope import Scope, scope_of
from unionserve.members.public import Member, MemberStatus
from unionserve.orgs.models import OrgUnit, UnitKind
from unionserve.workflow import actions as engine
from unionserve.workflow.models import Case
from unionserve.workflow.permissions import actions_for

from . import rates, rules
from .models import (
    CODE,
    ItemResult,
    QualitySnapshot,
    RunStatus,
    SampleCheckCase,
    SampleCheckItem,
    SampleCheckRun,
    SampleUnitKind,
    Thresholds,
    policy_in_force,
)

#: Kinds of unit reminded when below a threshold: the level-2 platforms the seed names
#: (seed 000 §四.2(2): 提醒二级工作平台) and the street stations that collect the data (§四.2(3)).
REMINDED_KINDS = frozenset(
    {
        UnitKind.DISTRICT_CENTER,
        UnitKind.DEV_AREA_CENTER,
        UnitKind.INDUSTRY_UNION,
        UnitKind.COMPANY_UNION,
        UnitKind.STATION,
    }
)
#: A run sends at most this many cases: larger areas are checked per station or in parts.
MAX_UNITS_PER_RUN = 500
#: Snapshot rows per INSERT statement when a day's ~50,000 rows are replaced.
SNAPSHOT_BATCH = 5000


class QualityError(ValueError):
    """A request the rules refuse; the message says why (shown to the user)."""


@dataclass(frozen=True)
class SnapshotSummary:
    date: dt.date
    #: The policy versions the rates were judged by: key → version number.
    policy_versions: dict[str, int]
    units: int
    reminded: int
    seconds: float


# --- snapshots and reminders ---------------------------------------------------------------------


def recompute_snapshots(
    day: dt.date | None = None, *, acting_user: User | None = None, remind: bool = True
) -> SnapshotSummary:
    """Compute the rates of every unit for `day` (default today) and store them, replacing that day's rows.

    Judged by the policy version in force on `day`; units below a threshold are reminded (once per unit
    and day). Background runs pass no user; the page passes the user who asked.
    """
    started = timezone.now()
    day = day or timezone.localdate()
    policy = policy_in_force(day)
    totals = rates.compute(day, policy)
    with transaction.atomic():
        units = store_snapshots(day, policy, totals, computed_at=timezone.now())
        reminded = send_reminders(day, policy, totals) if remind else 0
        record(
            AuditAction.DQ_RECOMPUTED,
            actor=acting_user,
            detail={"date": day.isoformat(), "policy": _versions(policy), "units": units, "reminded": reminded},
        )
    return SnapshotSummary(day, _versions(policy), units, reminded, (timezone.now() - started).total_seconds())


def _versions(policy: Thresholds) -> dict[str, int]:
    return {key: number for key, number, _pk, _day in policy.versions}


def store_snapshots(
    day: dt.date, policy: Thresholds, totals: dict[int, rates.Vector], *, computed_at: dt.datetime
) -> int:
    """Replace `day`'s snapshot rows with `totals` (call inside a transaction); returns the number of rows.

    One parameterized INSERT run over all rows (``executemany``) instead of ``bulk_create``: building 50,000
    model instances and compiling one SQL statement per 90 rows (SQLite's limit of 999 parameters) cost
    several times the computation itself. The values pass through each field's ``get_db_prep_save``, so they
    are stored exactly as the ORM stores them.
    """
    meta = QualitySnapshot._meta
    names = ("unit", "date", "policy_versions", "computed_at", *rates.FIELDS)
    # Concrete fields of this model, each with its column (no reverse relations among the names).
    fields = [cast(Field, meta.get_field(name)) for name in names]
    qn = connection.ops.quote_name
    sql = (
        f"INSERT INTO {qn(meta.db_table)} ({', '.join(qn(cast(str, f.column)) for f in fields)}) "  # noqa: S608 - names only
        f"VALUES ({', '.join(['%s'] * len(fields))})"
    )
    fixed = [
        field.get_db_prep_save(value, connection)
        for field, value in zip(fields[1:4], (day, policy.as_record(), computed_at), strict=True)
    ]
    rows = [(pk, *fixed, *vector) for pk, vector in totals.items()]
    QualitySnapshot.objects.filter(date=day).delete()
    with connection.cursor() as cursor:
        for start in range(0, len(rows), SNAPSHOT_BATCH):
            cursor.executemany(sql, rows[start : start + SNAPSHOT_BATCH])
    return len(rows)


def below_thresholds(vector: rates.Vector, policy: Thresholds) -> list[str]:
    """Codes of the rates (unit_pass, collection, accuracy) below the policy's minimum."""
    out = []
    if rules.below(vector[rates.PASSED], vector[rates.EMPLOYERS], policy.unit_pass_min):
        out.append("unit_pass")
    if rules.below(vector[rates.COLLECTED], vector[rates.REPORTED], policy.collection_min):
        out.append("collection")
    if rules.below(vector[rates.CORRECT], vector[rates.CHECKED], policy.accuracy_min):
        out.append("accuracy")
    return out


def send_reminders(day: dt.date, policy: Thresholds, totals: dict[int, rates.Vector]) -> int:
    """Remind each station and level-2 unit below a threshold, at most once per unit and day (dedupe key)."""
    from unionserve.notifications.api import Message, notify_many

    flagged = {pk: codes for pk, vector in totals.items() if (codes := below_thresholds(vector, policy))}
    if not flagged:
        return 0
    units = (
        OrgUnit.objects.active()
        .filter(pk__in=list(flagged), kind__in=REMINDED_KINDS)
        .only("id", "name", "status", "phone")
    )
    names = {d.code: d for d in rules.DEFINITIONS}
    link = reverse("dataquality:rates")
    messages = []
    with translation.override(settings.LANGUAGE_CODE):
        for unit in units:
            vector = totals[unit.pk]
            parts = []
            for code in flagged[unit.pk]:
                num, den, minimum = {
                    "unit_pass": (vector[rates.PASSED], vector[rates.EMPLOYERS], policy.unit_pass_min),
                    "collection": (vector[rates.COLLECTED], vector[rates.REPORTED], policy.collection_min),
                    "accuracy": (vector[rates.CORRECT], vector[rates.CHECKED], policy.accuracy_min),
                }[code]
                parts.append(
                    _("%(rate)s %(value)s%% (%(num)s/%(den)s), minimum %(min)s%%")
                    % {
                        "rate": names[code].label,
                        "value": rules.percent(num, den),
                        "num": num,
                        "den": den,
                        "min": minimum,
                    }
                )
            messages.append(
                Message(
                    context={
                        "title": _("Data quality below the minimum: %(unit)s") % {"unit": unit.name},
                        "text": _("On %(day)s: %(rates)s. Please check and complete the register.")
                        % {"day": day.isoformat(), "rates": "；".join(parts)},
                    },
                    units=(unit,),
                    link=f"{link}?unit={unit.pk}",
                    dedupe_key=f"dataquality:{day.isoformat()}:{unit.pk}",
                )
            )
    notify_many("broadcast", messages)
    return len(messages)


# The thresholds are policy parameters (dataquality/policies.py): changed in the policy pages, where a
# second person approves each change.


# --- sample checks ---------------------------------------------------------------------------------


def units_to_check(root: OrgUnit, unit_kind: str) -> list[OrgUnit]:
    """The active stations (or grassroots unions) under `root` on either of its lines, by code."""
    kind = UnitKind.STATION if unit_kind == SampleUnitKind.STATION else UnitKind.GRASSROOTS
    area = Scope(region_path=root.region_path, industry_path=root.industry_path)
    return list(area.filter(OrgUnit.objects.active().filter(kind=kind)).order_by("code"))


def draw_sample(units: list[OrgUnit], unit_kind: str, size: int, seed: int) -> dict[int, list[tuple[int, int]]]:
    """(member id, grassroots id) of up to `size` active members per unit, drawn reproducibly from `seed`."""
    if not units:
        return {}
    by_unit: dict[int, list[tuple[int, int]]] = defaultdict(list)
    active = Member.objects.filter(status=MemberStatus.ACTIVE)
    if unit_kind == SampleUnitKind.STATION:
        for station in units:
            # One range scan per station over the grassroots unions' paths (hundreds of stations at most).
            assert station.region_path is not None  # a station sits on the regional line
            rows = active.filter(tree.subtree_q("grassroots__region_path", station.region_path))
            by_unit[station.pk] = list(rows.values_list("id", "grassroots_id").order_by("id"))
    else:
        ids = [u.pk for u in units]
        for start in range(0, len(ids), 500):
            for pk, grassroots_id in (
                active.filter(grassroots_id__in=ids[start : start + 500])
                .values_list("id", "grassroots_id")
                .order_by("id")
            ):
                by_unit[grassroots_id].append((pk, grassroots_id))
    sample = {}
    for unit in units:
        pool = by_unit.get(unit.pk, [])
        if pool:
            rng = random.Random(f"{seed}:{unit.pk}")  # noqa: S311 - a fair draw, not a secret
            sample[unit.pk] = sorted(rng.sample(pool, min(size, len(pool))))
    return sample


@transaction.atomic
def create_run(
    *,
    acting_user: User,
    root: OrgUnit,
    unit_kind: str = SampleUnitKind.STATION,
    sample_size: int | None = None,
    note: str = "",
    seed: int | None = None,
) -> SampleCheckRun:
    """Draw a sample under `root` and send one sample-check case to each unit that has active members."""
    scope = scope_of(acting_user)
    if not scope.contains_unit(root):
        raise QualityError(_("You can only check units in your part of the organization."))
    policy = policy_in_force(timezone.localdate())
    size = sample_size or policy.sample_size_per_unit
    units = units_to_check(root, unit_kind)
    if len(units) > MAX_UNITS_PER_RUN:
        raise QualityError(
            _("%(n)s units are too many for one run (at most %(max)s): choose a smaller area or sample per station.")
            % {"n": len(units), "max": MAX_UNITS_PER_RUN}
        )
    seed = seed if seed is not None else secrets.randbits(48)
    sample = draw_sample(units, unit_kind, size, seed)
    if not sample:
        raise QualityError(_("No unit under %(unit)s has active members to check.") % {"unit": root.name})
    run = SampleCheckRun.objects.create(
        root=root, unit_kind=unit_kind, policy_versions=policy.as_record(), sample_size=size, seed=seed,
        created_by=acting_user, note=note
    )
    day = timezone.localdate()
    items: list[SampleCheckItem] = []
    for unit in units:
        if unit.pk not in sample:
            continue
        case = engine.open_case(
            CODE, actor=acting_user, title=f"{_('Sample check')} {unit.name} {day:%Y-%m-%d}", data={}, comment=note
        )
        check = SampleCheckCase.objects.create(run=run, unit=unit, case=case)
        engine.perform(case, "dispatch", actor=acting_user, data={"units": unit.code})
        items.extend(
            SampleCheckItem(unit_check=check, member_id=member_id, grassroots_id=grassroots_id)
            for member_id, grassroots_id in sample[unit.pk]
        )
    SampleCheckItem.objects.bulk_create(items, batch_size=1000)
    record(
        AuditAction.DQ_SAMPLE_RUN_CREATED,
        actor=acting_user,
        obj=run,
        unit=root,
        detail={
            "units": len(sample),
            "items": len(items),
            "sample_size": size,
            "policy": _versions(policy),
            "unit_kind": unit_kind,
            "seed": seed,
        },
    )
    return run


# The checking deadline needs no hook: the process's checking state reads ``dataquality.check_days`` itself, in
# the version in force when each checking step opens (the run records the version in force at its creation).


def close_run_when_done(case: Case) -> None:
    """Close the run once this was its last open case (engine effect of close)."""
    check = SampleCheckCase.objects.filter(case=case).select_related("run").first()
    if check is None:
        return
    still_open = SampleCheckCase.objects.filter(run=check.run, case__closed_at__isnull=True).exclude(case=case).exists()
    if not still_open:
        SampleCheckRun.objects.filter(pk=check.run_id).update(status=RunStatus.CLOSED)


def may_record(check: SampleCheckCase, user: User) -> bool:
    """Results are recorded by exactly those who may feed the case back now (its unit's checkers)."""
    return any(spec.code == "feedback" for spec in actions_for(check.case, user))


@transaction.atomic
def record_results(check: SampleCheckCase, results: dict[int, tuple[str, str]], *, acting_user: User) -> int:
    """Record {item id: (result, note)} for items of `check`; returns how many changed."""
    if not may_record(check, acting_user):
        raise QualityError(_("Only the checking unit records results, while the check is open."))
    valid = set(ItemResult.values)
    now = timezone.now()
    changed = []
    for item in check.items.select_for_update().filter(pk__in=list(results)):
        result, note = results[item.pk]
        if result not in valid:
            raise QualityError(_("Choose a result for every member."))
        note = (note or "").strip()[:200]
        if result == ItemResult.WRONG and not note:
            raise QualityError(_("Say what is wrong in the note when the record is not yet corrected."))
        if (item.result, item.note) == (result, note):
            continue
        item.result, item.note, item.checked_by, item.checked_at = result, note, acting_user, now
        changed.append(item)
    SampleCheckItem.objects.bulk_update(changed, ["result", "note", "checked_by", "checked_at"])
    if changed:
        record(
            AuditAction.DQ_SAMPLE_RECORDED,
            actor=acting_user,
            obj=check.case,
            unit=check.unit,
            detail={"case": check.case.number, "items": {str(i.pk): i.result for i in changed}},
        )
    return len(changed)
