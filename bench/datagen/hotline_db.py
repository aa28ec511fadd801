"""Load past 12351 requests into the benchmark database (issue 6's statistics and load targets at 1M requests).

``load_requests`` bulk-inserts, deterministically, ``count`` (default 1,000,000) requests of the two 12351
processes (``unionserve/hotline/process.py``) received over the ``years`` (default 5) before the *anchor*, with
the rows the engine and the hotline app write for them:

- ``workflow.Case`` (process "consultation" prefix ZX, or "affair" prefix SW; number ``<prefix><YYYYMMDD>-<NNNN>``
  per day in receipt order, like ``actions.next_number``) and ``hotline.HotlineRequest`` (caller data encrypted,
  hashed and masked as ``services`` does, from a pool of repeat callers; 70% of callers linked to a member of the
  register when it holds members; tracking code; every "fact for statistics" set as the effects would).
- ``workflow.Step``: consultation — "answering" at the receiving unit (85% answered on the spot), or referred to a
  functional department ("specialist") and called back ("callback"); affair — "intake" (dispatched the same day),
  one handling step per handling unit (93% one unit, 7% two; departments 25%, district centers 15%, street
  stations 50%, company unions 10%) with the 7-working-day deadline on the app's calendar (seed 000 §四.1(2)),
  signed for (95% within a day), fed back (87% by the deadline, the rest 1–5 days late), then "callback" at the
  city. Affairs dispatched in the last 10 days are still being handled (open steps, pending_sign or open).
- ``workflow.CaseAccess``: owner, handlers, a filing copy (备案) to the district center of a station handler.
- ``workflow.CaseSequence`` per prefix and day, so numbers of new requests go on after them.

Left out (neither the statistics nor the workbench read them): the timeline (CaseEvent) and notifications.
Shares: affairs 45%; channels phone 80%, portal 12%, window 8% (received at a station); resolved 88% of closed
affairs; satisfaction very satisfied 50%, satisfied 33%, neutral 9%, unsatisfied 5%, none 3%.

Rows are plain tuples inserted by ``rawinsert`` in short transactions (2,000 requests each: other writers of a
shared SQLite file wait at most about a second). The fingerprint (version, seed, count, years, org dataset) is kept
in ``bench_dataset``; ``ensure_requests`` skips loading when it matches and the row count agrees. Only the
12351 processes' rows are ever deleted (``clear_requests``); work orders and members are left alone.
Standalone::

    python -m bench.datagen.hotline_db --db sqlite --requests 1000000
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass

from .cases_db import DAY, EPOCH, MINUTE, Calendar, Weighted, _dt, default_anchor
from .plan import rng_for
from .rawinsert import RawTable, encoded, insert

VERSION = 1
DEFAULT_REQUESTS = 1_000_000
DEFAULT_YEARS = 5
COMMIT_EVERY = 2000
BATCH = 5000
CALLERS = 200_000
LOCK_RETRIES = 30
LOCK_WAIT_S = 10
META_FINGERPRINT = "hotline_requests"
META_SUMMARY = "hotline_summary"
PROCESSES = ("consultation", "affair")
HOUR_MS = 60 * MINUTE

Log = Callable[[str], None]

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉萍红娥玲芬燕彬鹏辉斌宇浩凯健俊帆"
QUESTIONS = ("单位拖欠工资两个月，想了解如何维权。", "咨询京卡互助服务卡补办流程。", "工伤认定需要准备哪些材料？",
             "想报名工会组织的技能培训。", "单位未缴纳社会保险，怎么办？", "咨询困难职工帮扶申请条件。",
             "劳动合同到期单位不续签，有无补偿？", "想了解职工疗休养的安排。", "女职工产假工资如何计算？",
             "咨询法律援助的申请方式。")
ANSWER = "已按政策答复来电人，并告知相关办理渠道。"
FEEDBACK = "已核实情况并办理，结果已告知职工。"

FIELDS: dict[str, tuple[str, ...]] = {
    "case": ("id", "number", "process", "state", "title", "owner_unit_id", "current_unit_id", "channel", "priority",
             "opened_at", "opened_by_id", "due_at", "closed_at", "version", "clock", "subject_name"),
    "request": ("id", "case_id", "kind", "channel", "category_id", "description", "caller_name", "caller_phone_hash",
                "caller_phone_encrypted", "caller_phone_masked", "member_id", "tracking_code", "received_at",
                "received_by_id", "received_unit_id", "answer", "answered_at", "answered_unit_id", "feedback",
                "escalated", "first_response_at", "feedback_at", "feedback_due_at", "feedback_on_time", "resolved",
                "callback_at", "satisfaction", "satisfaction_source", "rated_at", "archived_at"),
    "step": ("id", "case_id", "process", "state", "kind", "unit_id", "dispatcher_unit_id", "status", "is_open",
             "created_at", "signed_at", "completed_at", "completed_by_id", "due_at", "original_due_at", "deadline",
             "overdue", "overdue_at", "due_soon_notified"),
    "access": ("id", "case_id", "unit_id", "kind", "at", "case_open"),
    "sequence": ("prefix", "day", "last"),
}


@dataclass
class Pools:
    """What the requests hang on: units, users, categories, callers, members."""

    city: int
    departments: list[int]
    centers: list[int]
    stations: list[tuple[int, int]]  # (station id, its district center id)
    companies: list[int]
    agents: list[int]
    categories: list[int]
    callers: list[tuple[str, str, str, str]]  # name, phone hash, encrypted, masked
    members: list[int]


def read_pools(seed: int, callers: int = CALLERS, log: Log = print) -> Pools:
    """Units, agents, leaf categories, a pool of callers (encrypted once) and members to link them to."""
    from unionserve.accounts.models import RoleGrant
    from unionserve.core.roles import Role
    from unionserve.hotline.models import Category
    from unionserve.members.models import Member
    from unionserve.orgs.models import OrgUnit, UnitKind
    from unionserve.orgs.seed import CITY_CODE
    from unionserve.pii import seal_phone

    city = OrgUnit.objects.get(code=CITY_CODE).pk
    by_kind: dict[str, list] = {}
    for pk, kind, parent in OrgUnit.objects.filter(kind__in=[
            UnitKind.DEPARTMENT, UnitKind.DISTRICT_CENTER, UnitKind.DEV_AREA_CENTER, UnitKind.STATION,
            UnitKind.COMPANY_UNION]).order_by("code").values_list("pk", "kind", "region_parent_id"):
        by_kind.setdefault(kind, []).append((pk, parent))
    centers = [pk for pk, _p in by_kind.get(UnitKind.DISTRICT_CENTER, []) + by_kind.get(UnitKind.DEV_AREA_CENTER, [])]
    center_set = set(centers)
    stations = [(pk, p) for pk, p in by_kind.get(UnitKind.STATION, []) if p in center_set]
    if not stations or not by_kind.get(UnitKind.DEPARTMENT):
        raise RuntimeError("the benchmark database holds no org tree: prepare it first (python -m bench run)")
    agents = sorted(RoleGrant.objects.filter(role=Role.HOTLINE_AGENT, user__org_unit_id=city, user__is_active=True)
                    .values_list("user_id", flat=True).distinct())
    leaf = set(Category.objects.filter(children__isnull=True, active=True).values_list("pk", flat=True))
    rng = rng_for(seed, "hotline-callers")
    t0 = time.perf_counter()
    pool = []
    for _ in range(callers):
        phone = f"1{rng.choice('3456789')}{rng.randrange(10**9):09d}"
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
        sealed = seal_phone(phone)
        pool.append((name, sealed.hash, sealed.ciphertext, sealed.mask))
    # Members to link callers to: a deterministic spread over the register (no full scan: id ranges).
    members: list[int] = []
    low_high = Member.objects.order_by("pk").values_list("pk", flat=True)
    first, last = low_high.first(), Member.objects.order_by("-pk").values_list("pk", flat=True).first()
    if first is not None:
        wanted = sorted({rng.randint(first, last) for _ in range(min(callers, 50_000))})
        for start in range(0, len(wanted), 900):
            members += Member.objects.filter(pk__in=wanted[start:start + 900]).values_list("pk", flat=True)
    log(f"hotline pools: {len(pool):,} callers, {len(members):,} members in {time.perf_counter() - t0:.1f} s")
    return Pools(city, [pk for pk, _p in by_kind[UnitKind.DEPARTMENT]], centers, stations,
                 [pk for pk, _p in by_kind.get(UnitKind.COMPANY_UNION, [])], agents, sorted(leaf), pool, members)


class Builder:
    """Turns one request's draws into row tuples with ids assigned here."""

    def __init__(self, pools: Pools, cal: Calendar, ids: dict[str, int], anchor: dt.datetime, seed: int) -> None:
        self.p = pools
        self.cal = cal
        self.ids = dict(ids)
        self.anchor_ms = int((anchor - EPOCH).total_seconds() * 1000)
        self.rng = rng_for(seed, "hotline-requests")
        self.sequences: dict[tuple[str, dt.date], int] = {}
        self.counts = dict.fromkeys(("requests", "affairs", "consultations", "open", "steps", "access"), 0)
        self.handler_kind = Weighted(["department", "center", "station", "company"], [25, 15, 50, 10])
        self.satisfaction = Weighted(["very_satisfied", "satisfied", "neutral", "unsatisfied", ""],
                                     [50, 33, 9, 5, 3])
        self.caller_pick = Weighted(list(range(10)), [2 ** (9 - i) for i in range(10)])  # repeat callers

    def _next(self, table: str) -> int:
        value = self.ids[table]
        self.ids[table] = value + 1
        return value

    def _eod_ms(self, day: dt.date) -> int:
        return self.cal.end_of_day(day)[1]

    def _caller(self) -> tuple[int, tuple]:
        rng = self.rng
        # Heavy-tailed: a few callers call often (the first tenth of the pool takes half the calls).
        band = self.caller_pick.draw(rng)
        size = len(self.p.callers)
        lo, hi = size * band // 10, max(size * (band + 1) // 10, size * band // 10 + 1)
        index = rng.randrange(lo, hi)
        return index, self.p.callers[index]

    def build(self, received_ms: list[int]) -> dict[str, list[tuple]]:
        out: dict[str, list[tuple]] = {"case": [], "request": [], "step": [], "access": []}
        rng, p, cal = self.rng, self.p, self.cal
        for ms in received_ms:
            received = _dt(ms)
            day = cal.local_date(ms)
            affair = rng.random() < 0.45
            kind = "affair" if affair else "consultation"
            prefix = "SW" if affair else "ZX"
            seq = self.sequences.get((prefix, day), 0) + 1
            self.sequences[(prefix, day)] = seq
            r = rng.random()
            channel = "phone" if r < 0.80 else ("web" if r < 0.92 else "window")
            if channel == "window":
                owner = p.stations[rng.randrange(len(p.stations))][0]
                agent = None
            else:
                owner = p.city
                agent = p.agents[rng.randrange(len(p.agents))] if p.agents and channel == "phone" else None
            case_id, request_id = self._next("case"), self._next("request")
            caller_index, (name, phone_hash, phone_enc, phone_masked) = self._caller()
            member = p.members[caller_index % len(p.members)] if p.members and caller_index % 10 < 7 else None
            category = p.categories[rng.randrange(len(p.categories))]
            question = QUESTIONS[rng.randrange(len(QUESTIONS))]
            steps: list[tuple] = []
            access = [(self._next("access"), case_id, owner, "owner", received)]
            open_unit = due_open = None
            facts: dict = {}
            if not affair:
                answered = ms + int(rng.uniform(2, 15) * MINUTE)
                same_day = self._eod_ms(day)
                if rng.random() < 0.85:
                    steps.append((owner, None, "answering", "done", ms, None, answered, same_day, "当天答复"))
                    closed, escalated, answered_unit = answered, False, owner
                    rating, rated_at = "", None
                else:
                    dept = p.departments[rng.randrange(len(p.departments))]
                    referred = answered
                    due_value, _enc = cal.deadline(day, 3, "专业部门答复")
                    spec_due = self._eod_ms(dt.date.fromisoformat(due_value["due_date"]))
                    spec_done = referred + int(rng.uniform(0.5, 4) * DAY)
                    callback = spec_done + int(rng.uniform(1, 20) * 60 * MINUTE)
                    steps.append((owner, None, "answering", "done", ms, None, referred, same_day, "当天答复"))
                    steps.append((dept, owner, "specialist", "done", referred, referred + HOUR_MS, spec_done,
                                  spec_due, "专业部门答复"))
                    steps.append((owner, dept, "callback", "done", spec_done, None, callback, spec_done + DAY,
                                  "回拨职工"))
                    access.append((self._next("access"), case_id, dept, "handler", _dt(referred)))
                    closed, escalated, answered_unit = callback, True, dept
                    answered = spec_done
                    rating = self.satisfaction.draw(rng) if rng.random() < 0.8 else ""
                    rated_at = _dt(callback) if rating else None
                if closed >= self.anchor_ms:
                    closed = self.anchor_ms - MINUTE
                facts = dict(answer=ANSWER, answered_at=_dt(answered), answered_unit=answered_unit,
                             escalated=escalated, first_response=_dt(answered), resolved=True,
                             callback_at=_dt(closed) if escalated else None, satisfaction=rating,
                             source="callback" if rating else "", rated_at=rated_at, archived_at=_dt(closed))
                closed_ms = closed
            else:
                dispatch = ms + int(rng.uniform(5, 90) * MINUTE)
                dispatch_day = cal.local_date(dispatch)
                due_value, _enc = cal.deadline(dispatch_day, 7, "7个工作日内将处理结果反馈12351职工服务平台")
                due_ms = self._eod_ms(dt.date.fromisoformat(due_value["due_date"]))
                steps.append((owner, None, "intake", "done", ms, None, dispatch, self._eod_ms(day), "当天派单"))
                handlers = []
                for _h in range(2 if rng.random() < 0.07 else 1):
                    k = self.handler_kind.draw(rng)
                    if k == "department":
                        unit, filed = p.departments[rng.randrange(len(p.departments))], None
                    elif k == "center":
                        unit, filed = p.centers[rng.randrange(len(p.centers))], None
                    elif k == "station" or not p.companies:
                        unit, filed = p.stations[rng.randrange(len(p.stations))]
                    else:
                        unit, filed = p.companies[rng.randrange(len(p.companies))], None
                    if unit not in [h[0] for h in handlers]:
                        handlers.append((unit, filed))
                recent = dispatch > self.anchor_ms - 10 * DAY
                completed_all, on_time_all = [], True
                signed_first = None
                for unit, filed in handlers:
                    signed = dispatch + int((rng.uniform(0.1, 20) if rng.random() < 0.95 else rng.uniform(25, 120))
                                            * 60 * MINUTE)
                    late = rng.random() >= 0.87
                    done = (due_ms + int(rng.uniform(1, 5) * DAY)) if late else \
                        dispatch + int((due_ms - dispatch) * rng.uniform(0.2, 1.0))
                    if recent and done > self.anchor_ms - HOUR_MS:
                        status = "open" if signed < self.anchor_ms and rng.random() < 0.75 else "pending_sign"
                        sig = signed if status == "open" else None
                        steps.append((unit, owner, "handling", status, dispatch, sig, None, due_ms,
                                      "7个工作日内将处理结果反馈12351职工服务平台"))
                        open_unit, due_open = unit, due_ms
                    else:
                        signed = min(signed, done)
                        steps.append((unit, owner, "handling", "done", dispatch, signed, done, due_ms,
                                      "7个工作日内将处理结果反馈12351职工服务平台"))
                        completed_all.append(done)
                        on_time_all = on_time_all and done <= due_ms
                    signed_first = signed if signed_first is None else min(signed_first, signed)
                    access.append((self._next("access"), case_id, unit, "handler", _dt(dispatch)))
                    if filed:
                        access.append((self._next("access"), case_id, filed, "filed", _dt(dispatch)))
                if open_unit is None:
                    fed = max(completed_all)
                    callback = fed + int(rng.uniform(1, 48) * 60 * MINUTE)
                    if callback >= self.anchor_ms:
                        callback = self.anchor_ms - MINUTE
                    steps.append((owner, None, "callback", "done", fed, None, callback, fed + 3 * DAY, "督办回访"))
                    rating = self.satisfaction.draw(rng)
                    facts = dict(feedback=FEEDBACK, answered_at=_dt(fed), answered_unit=handlers[0][0],
                                 first_response=_dt(signed_first), feedback_at=_dt(fed), feedback_due=_dt(due_ms),
                                 on_time=on_time_all, resolved=rng.random() < 0.88, callback_at=_dt(callback),
                                 satisfaction=rating, source="callback" if rating else "",
                                 rated_at=_dt(callback) if rating else None, archived_at=_dt(callback))
                    closed_ms = callback
                else:
                    facts = dict(first_response=_dt(signed_first) if signed_first < self.anchor_ms else None)
                    closed_ms = None
            is_open = closed_ms is None
            for unit, dispatcher, state, status, start, signed, completed, due, source in steps:
                deadline = encoded({"rule": "working_days" if state in ("handling", "specialist") else "same_day",
                                    "due_date": cal.local_date(due).isoformat(), "source": source})
                step_open = status in ("open", "pending_sign")
                late = bool(completed and completed > due)
                steps_row = (self._next("step"), case_id, kind, state, "work", unit, dispatcher, status, step_open,
                             _dt(start), _dt(signed) if signed else None, _dt(completed) if completed else None,
                             agent if completed and unit == owner else None, _dt(due), _dt(due), deadline,
                             late, _dt(due + 1) if late else None, False)
                out["step"].append(steps_row)
            seen_access: set[tuple[int, str]] = set()
            for a in access:
                # One row per unit and kind (two stations of one district file one copy with it).
                if (a[2], a[3]) not in seen_access:
                    seen_access.add((a[2], a[3]))
                    out["access"].append((a[0], a[1], a[2], a[3], a[4], is_open))
            out["case"].append((
                case_id, f"{prefix}{day:%Y%m%d}-{seq:04d}", kind, "handling" if is_open else "closed",
                f"{question[:30]}", owner, open_unit, channel, "normal", received, agent,
                _dt(due_open) if is_open else None, _dt(closed_ms) if closed_ms else None,
                3 + len(steps), {}, name,
            ))
            out["request"].append((
                request_id, case_id, kind, channel, category, question, name, phone_hash, phone_enc, phone_masked,
                member, f"B{request_id:011d}", received, agent, owner, facts.get("answer", ""),
                facts.get("answered_at"), facts.get("answered_unit"), facts.get("feedback", ""),
                facts.get("escalated", False), facts.get("first_response"), facts.get("feedback_at"),
                facts.get("feedback_due"), facts.get("on_time"), facts.get("resolved"), facts.get("callback_at"),
                facts.get("satisfaction", ""), facts.get("source", ""), facts.get("rated_at"),
                facts.get("archived_at"),
            ))
            c = self.counts
            c["requests"] += 1
            c["affairs" if affair else "consultations"] += 1
            c["open"] += is_open
            c["steps"] += len(steps)
            c["access"] += len(access)
        return out


def _models() -> dict:
    from unionserve.hotline.models import HotlineRequest
    from unionserve.workflow.models import Case, CaseAccess, CaseSequence, Step

    return {"case": Case, "request": HotlineRequest, "step": Step, "access": CaseAccess, "sequence": CaseSequence}


def received_times(count: int, seed: int, anchor_ms: int, years: int, tz) -> list[int]:
    """Receipt times, sorted: days uniform over the years, hours mostly 8–20h (the line is open 24/7)."""
    rng = rng_for(seed, "hotline-times")
    out = []
    span_days = 365 * years
    for _ in range(count):
        days_back = rng.randrange(1, span_days)
        minute = rng.uniform(8 * 60, 20 * 60) if rng.random() < 0.9 else rng.uniform(0, 24 * 60)
        day_start = anchor_ms - (anchor_ms % DAY) - days_back * DAY - 8 * HOUR_MS  # local midnight (UTC+8)
        out.append(day_start + int(minute * MINUTE))
    out.sort()
    return out


def clear_requests(log: Log = print) -> None:
    """Delete the 12351 processes' cases (their requests, steps, access, events, sequences); nothing else."""
    from django.db import connection

    from bench.harness.database import assert_benchmark_database

    assert_benchmark_database("delete the 12351 requests")
    m = _models()
    q = connection.ops.quote_name
    t0 = time.perf_counter()
    case_t = q(m["case"]._meta.db_table)
    sub = f"SELECT id FROM {case_t} WHERE process IN ('consultation', 'affair')"  # noqa: S608
    with connection.cursor() as cursor:
        from unionserve.workflow.models import Attachment, CaseEvent

        for model in (m["request"], CaseEvent, Attachment, m["access"], m["step"]):
            # Steps reviewing other steps point at steps of the same case: deleted together.
            cursor.execute(f"DELETE FROM {q(model._meta.db_table)} WHERE case_id IN ({sub})")  # noqa: S608
        cursor.execute(f"DELETE FROM {case_t} WHERE process IN ('consultation', 'affair')")  # noqa: S608
        cursor.execute(f"DELETE FROM {q(m['sequence']._meta.db_table)} WHERE prefix IN ('ZX', 'SW')")  # noqa: S608
    log(f"12351 requests deleted in {time.perf_counter() - t0:.1f} s")


def load_requests(count: int, seed: int, anchor: dt.datetime | None = None, *, years: int = DEFAULT_YEARS,
                  log: Log = print) -> dict:
    """Insert ``count`` past requests (see the module docstring); returns a summary."""
    from django.core.management.color import no_style
    from django.db import OperationalError, connection, transaction
    from django.db.models import Max
    from django.utils import timezone

    import unionserve.hotline.process  # noqa: F401 - registers the processes

    anchor = anchor or default_anchor()
    t0 = time.perf_counter()
    pools = read_pools(seed, min(CALLERS, max(100, count // 5)), log=log)
    cal = Calendar(timezone.localtime(anchor).date(), back_days=365 * years + 30, ahead_days=60)
    anchor_ms = int((anchor - EPOCH).total_seconds() * 1000)
    times = received_times(count, seed, anchor_ms, years, cal.tz)
    models = _models()
    tables = {k: RawTable(model, FIELDS[k]) for k, model in models.items()}
    ids = {k: (model.objects.aggregate(m=Max("id"))["m"] or 0) + 1 for k, model in models.items() if k != "sequence"}
    builder = Builder(pools, cal, ids, anchor, seed)
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size = -500000")
    rows = 0
    t1 = time.perf_counter()
    for start in range(0, len(times), COMMIT_EVERY):
        built = builder.build(times[start:start + COMMIT_EVERY])
        for attempt in range(LOCK_RETRIES):
            try:
                with transaction.atomic():
                    written = sum(insert(tables[key], built[key], BATCH) for key in ("case", "request", "step",
                                                                                     "access"))
                break
            except OperationalError as exc:
                # Another writer of a shared SQLite file held the lock past the busy timeout: the chunk rolled
                # back whole, so trying it again is safe (and cheaper than starting the load over).
                if "locked" not in str(exc) or attempt == LOCK_RETRIES - 1:
                    raise
                log(f"  database locked; chunk at {start:,} again in {LOCK_WAIT_S} s")
                time.sleep(LOCK_WAIT_S)
        rows += written
        done = min(start + COMMIT_EVERY, len(times))
        if done % 100_000 == 0 or done == len(times):
            elapsed = time.perf_counter() - t1
            log(f"  {done:,} requests, {rows:,} rows in {elapsed:.0f} s ({rows / elapsed:,.0f} rows/s)")
    with transaction.atomic():
        seq = models["sequence"]
        existing = set(seq.objects.filter(prefix__in=["ZX", "SW"]).values_list("prefix", "day"))
        rows += insert(tables["sequence"], [(pfx, day, last) for (pfx, day), last in sorted(builder.sequences.items())
                                            if (pfx, day) not in existing])
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), [m for k, m in models.items() if k != "sequence"]):
            cursor.execute(sql)
        for model in models.values():
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
    insert_s = time.perf_counter() - t1
    summary = {**builder.counts, "rows": rows, "anchor": anchor.isoformat(), "seed": seed, "years": years,
               "insert_s": round(insert_s, 1), "rows_per_s": round(rows / insert_s) if insert_s else None,
               "seconds": round(time.perf_counter() - t0, 1)}
    log(f"12351 requests loaded: {summary}")
    return summary


def fingerprint(seed: int, count: int, years: int, org_fingerprint: str) -> str:
    key = json.dumps({"v": VERSION, "seed": seed, "count": count, "years": years, "org": org_fingerprint},
                     sort_keys=True)
    return hashlib.sha256(key.encode()).hexdigest()[:16]


def ensure_requests(scale, count: int = DEFAULT_REQUESTS, *, years: int = DEFAULT_YEARS, force: bool = False,
                    anchor: dt.datetime | None = None, log: Log = print) -> dict:
    """Load ``count`` requests unless the database already holds this dataset; returns the summary."""
    from bench.harness.database import read_meta, write_meta
    from unionserve.hotline.models import HotlineRequest

    fp = fingerprint(scale.seed, count, years, scale.db_fingerprint())
    if not force and read_meta(META_FINGERPRINT) == fp and read_meta(META_SUMMARY):
        summary = json.loads(read_meta(META_SUMMARY) or "{}")
        if HotlineRequest.objects.count() >= summary.get("requests", 0):
            return {**summary, "fingerprint": fp, "loaded_now": False}
        log("the hotline tables do not hold the recorded requests: reloading")
    write_meta(META_FINGERPRINT, "")
    clear_requests(log)
    summary = load_requests(count, scale.seed, anchor, years=years, log=log)
    write_meta(META_SUMMARY, json.dumps(summary, ensure_ascii=False))
    write_meta(META_FINGERPRINT, fp)
    return {**summary, "fingerprint": fp, "loaded_now": True}


def main(argv: list[str] | None = None) -> int:
    """``python -m bench.datagen.hotline_db``: load the past 12351 requests into the benchmark database."""
    from bench.datagen.generate import Scale

    parser = argparse.ArgumentParser(prog="python -m bench.datagen.hotline_db", description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--requests", type=int, default=DEFAULT_REQUESTS)
    parser.add_argument("--years", type=int, default=DEFAULT_YEARS)
    parser.add_argument("--seed", type=int, default=Scale().seed)
    parser.add_argument("--units", type=int, default=Scale().units)
    parser.add_argument("--users", type=int, default=Scale().users)
    parser.add_argument("--force", action="store_true")
    args = parser.parse_args(argv)

    from bench.harness.database import configure_django, prepare_database

    def log(msg: str) -> None:
        print(msg, file=sys.stderr, flush=True)

    configure_django(args.db)
    scale = Scale(seed=args.seed, units=args.units, users=args.users)
    prepare_database(scale, log=log)
    summary = ensure_requests(scale, args.requests, years=args.years, force=args.force, log=log)
    print(json.dumps(summary, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
