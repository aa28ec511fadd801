"""Load work-order cases of the workflow engine into the benchmark database (issue 4's performance targets).

``load_cases`` bulk-inserts, deterministically, ``cases`` (default 1,000,000) cases of the registered process
"workorder" with their rows in every table the engine writes when a case is opened and dispatched:

- ``workflow.Case``: number ``GD<YYYYMMDD>-<NNNN>`` (sequence per opening day, in opening order, like
  ``actions.next_number``), opened over the ``years`` before the *anchor* (the dataset's "now"), ~80% closed
  (state "closed", ``closed_at`` set) and ~20% open (state "handling", ``current_unit`` and ``due_at`` those
  of the first open step), ``workorders.WorkOrder`` (the process's own row: category, instructions, feedback).
- ``workflow.Step``: the "new" step at the owner (done when dispatched) and one to three "handling" steps at
  street stations or level-2 centers (``dispatcher_unit`` = the owner). Open ones are ``pending_sign`` (25%)
  or ``open`` (signed), ``is_open`` True; closed ones ``done`` with ``completed_at``. Deadlines are working
  days on the app's working-day calendar (5/10/20/40/60, the start day not counted, due at 24:00 of the due
  day), with the ``deadline`` JSON the engine stores. Of the open steps ~10% are past due at the anchor and
  ~5% due by the end of the next working day (the sweep's "due soon"); none is flagged yet (``overdue``,
  ``due_soon_notified`` False: as if the sweep had never run — the sweep benchmark's starting point). Closed
  steps finished after their deadline carry ``overdue`` True as the sweep would have left them.
- ``workflow.CaseAccess``: owner, one handler per handling unit, and a filing copy (备案) to the station's
  district center for the station cases the city center dispatched itself (~44% of all cases); ``case_open``
  copied from the case, as ``actions`` keeps it.
- ``workflow.CaseEvent``: two per case, "opened" and "dispatch" (feedback, review and closing events of the
  closed cases are left out: the inbox and the sweep never read the timeline).
- ``workflow.CaseSequence``: the last number of each day, so ``next_number`` goes on after them.

Who gets the work: 12% of cases go from the city center to one of the 17 level-2 centers (16 districts and
the Development Area), the rest to the 343 street stations (the stations of the seeded tree under a district
center, without the park stations), half dispatched by the station's district center and half by the city
center. Stations are weighted by half an equal share and half their number of grassroots unions (朝阳 and
海淀 stations are the busiest). Openers are users of the owner unit with a role that may open work orders.

Rows are built in Python as plain tuples with ids assigned here and inserted by ``rawinsert`` (``executemany``
on SQLite, ``COPY`` on PostgreSQL; ``bulk_create`` managed 6,900 rows/s, 20 minutes for the 8.7 million rows)
in batches of 5,000, one transaction per 10,000 cases; then the id sequences are reset and the tables
analyzed. Everything is drawn from ``rng_for(seed, "workflow-cases")`` relative to the anchor (the load time
floored to the hour, or ``--anchor``): the same seed, size, org tree and anchor give the same rows.

The dataset's fingerprint (version, seed, cases, the org dataset's fingerprint) and its anchor are kept in
``bench_dataset``; ``ensure_cases`` skips loading when they match. Standalone::

    python -m bench.datagen.cases_db --db sqlite --cases 1000000
"""

from __future__ import annotations

import argparse
import bisect
import datetime as dt
import hashlib
import itertools
import json
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from .plan import rng_for
from .rawinsert import Encoded, RawTable, encoded, insert

VERSION = 1
DEFAULT_CASES = 1_000_000
BATCH = 5000  # rows per INSERT
CHUNK = 5000  # cases built per round
COMMIT_EVERY = 10_000  # cases per transaction (short: other writers of a shared SQLite file wait at most 5 s)
META_FINGERPRINT = "workflow_cases"
META_ANCHOR = "workflow_anchor"
META_SUMMARY = "workflow_summary"
PREFIX = "GD"
PROCESS = "workorder"
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
MINUTE = 60_000
HOUR = 60 * MINUTE
DAY = 24 * HOUR
WEEKDAYS = "一二三四五六日"

Log = Callable[[str], None]


@dataclass(frozen=True)
class Mix:
    """Shares and shapes of the generated cases (part of the fingerprint)."""

    open_share: float = 0.20
    #: Of the open cases: due before the anchor, and due by the end of the next working day.
    overdue_share: float = 0.10
    due_soon_share: float = 0.05
    #: Cases dispatched by the city center to a level-2 center (the rest go to street stations).
    center_share: float = 0.12
    #: Station cases dispatched by the city center itself, with a filing copy to the district center.
    city_dispatch_share: float = 0.5
    #: How many stations one dispatch goes to (same district): (count, share).
    fan_out: tuple[tuple[int, float], ...] = ((1, 0.88), (2, 0.09), (3, 0.03))
    #: Open handling steps not yet signed for (签收).
    pending_sign_share: float = 0.25
    urgent_share: float = 0.05
    #: Time limits in working days: (days, share).
    periods: tuple[tuple[int, float], ...] = ((5, 0.35), (10, 0.25), (20, 0.20), (40, 0.12), (60, 0.08))
    years: int = 3


MIX = Mix()

TITLES = {
    "member_data": ("{y}年第{q}季度会员信息核查", "{m}月新入会会员信息采集", "会员实名制数据补录（{y}年）"),
    "rights": ("欠薪维权线索跟进（{m}月）", "劳动争议调解案件回访", "新就业形态劳动者权益走访"),
    "service": ("{y}年“两节”送温暖走访", "{m}月职工服务活动组织", "夏季送清凉物资发放（{y}年）"),
    "inspection": ("{y}年第{q}季度服务站规范化检查", "服务站值班值守抽查（{m}月）", "职工之家建设情况核查"),
    "other": ("{m}月工作情况统计报送", "工会宣传材料发放（{y}年）", "基层工会换届情况摸底"),
}
INSTRUCTIONS = {
    "member_data": "请于时限内完成辖区内基层工会会员信息的核对与补录，对异常数据逐条说明原因并回单。",
    "rights": "请联系相关职工及用人单位了解情况，依法依规做好调处，办理结果及时回单。",
    "service": "请按方案组织实施，做好人员、物资和安全保障，活动结束后报送照片与小结。",
    "inspection": "请对照检查清单逐项自查，发现问题立行立改，整改情况随回单报送。",
    "other": "请按通知要求办理，并在时限内回单。",
}
FEEDBACK = "已按要求办理完毕，相关材料已归档。"


@dataclass
class Units:
    """The units and users the cases hang on, read from the loaded org tree."""

    city: int
    city_code: str
    centers: list[tuple[int, str, str]]  # (id, code, name): 16 districts + the Development Area
    center_weights: list[float]
    stations: list[tuple[int, str, str, int]]  # (id, code, name, index of its district in centers)
    station_weights: list[float]
    district_stations: dict[int, list[int]]  # center index -> station indexes
    openers: dict[int, list[int]] = field(default_factory=dict)  # unit id -> users who may open work orders
    members: dict[int, list[int]] = field(default_factory=dict)  # unit id -> active users


def read_units() -> Units:
    """The city center, the 17 level-2 centers, the 343 street stations and their users."""
    from django.db.models import Count

    from unionserve.accounts.models import RoleGrant, User
    from unionserve.orgs.models import OrgUnit, UnitKind
    from unionserve.orgs.seed import CITY_CODE, SPECIAL_ZONE_MIN
    from unionserve.workorders.process import OFFICES

    city = OrgUnit.objects.get(code=CITY_CODE)
    centers = list(OrgUnit.objects.filter(kind__in=[UnitKind.DISTRICT_CENTER, UnitKind.DEV_AREA_CENTER])
                   .order_by("code").values_list("id", "code", "name"))
    center_index = {c[0]: i for i, c in enumerate(centers)}
    rows = (OrgUnit.objects.filter(kind=UnitKind.STATION, region_parent__kind=UnitKind.DISTRICT_CENTER)
            .annotate(g=Count("region_children")).order_by("code")
            .values_list("id", "code", "name", "region_parent_id", "g"))
    rows = [r for r in rows if r[1][-3:].isdigit() and int(r[1][-3:]) < SPECIAL_ZONE_MIN]
    if not rows or len(centers) < 2:
        raise RuntimeError("the benchmark database holds no org tree: prepare it first (python -m bench run)")
    mean = sum(r[4] for r in rows) / len(rows) or 1.0
    stations = [(r[0], r[1], r[2], center_index[r[3]]) for r in rows]
    station_weights = [mean + r[4] for r in rows]  # half an equal share, half by grassroots unions
    district_stations: dict[int, list[int]] = {}
    for i, s in enumerate(stations):
        district_stations.setdefault(s[3], []).append(i)
    by_center = [sum(station_weights[i] for i in district_stations.get(c, [])) for c in range(len(centers))]
    dev_area = next((i for i, c in enumerate(centers) if not by_center[i]), None)
    if dev_area is not None:  # the Development Area's one station is a park station: give it an average share
        by_center[dev_area] = sum(by_center) / max(1, len(centers) - 1)
    avg = sum(by_center) / len(by_center)
    center_weights = [avg + w for w in by_center]
    roles: dict[int, set[str]] = {}
    for user_id, role in RoleGrant.objects.values_list("user_id", "role"):
        roles.setdefault(user_id, set()).add(role)
    units = Units(city.pk, city.code, centers, center_weights, stations, station_weights, district_stations)
    wanted = {city.pk, *(c[0] for c in centers), *(s[0] for s in stations)}
    for user_id, unit_id in (User.objects.filter(is_active=True, org_unit_id__in=wanted).order_by("pk")
                             .values_list("pk", "org_unit_id")):
        units.members.setdefault(unit_id, []).append(user_id)
        if roles.get(user_id, set()) & set(OFFICES):
            units.openers.setdefault(unit_id, []).append(user_id)
    return units


class Calendar:
    """Working days around the anchor from the app's calendar, with index arithmetic for deadlines."""

    def __init__(self, anchor_date: dt.date, back_days: int, ahead_days: int) -> None:
        from django.utils import timezone

        from unionserve.workcalendar import service

        self.tz = timezone.get_default_timezone()
        first = anchor_date - dt.timedelta(days=back_days)
        days = (first + dt.timedelta(days=i) for i in range(back_days + ahead_days + 1))
        self.days = [d for d in days if service.is_working_day(d)]
        self.official = set(service.official_years())
        self._eod: dict[dt.date, tuple[dt.datetime, int]] = {}
        self._deadlines: dict[tuple[dt.date, int, str], tuple[dict, Encoded]] = {}

    def first_after(self, day: dt.date) -> int:
        """Index of the first working day after ``day`` (``day`` itself not counted)."""
        return bisect.bisect_right(self.days, day)

    def first_from(self, day: dt.date) -> int:
        """Index of the first working day on or after ``day``."""
        return bisect.bisect_left(self.days, day)

    def end_of_day(self, day: dt.date) -> tuple[dt.datetime, int]:
        """24:00 (23:59:59.999999) local of ``day`` as the engine stores deadlines, and in epoch ms."""
        hit = self._eod.get(day)
        if hit is None:
            value = dt.datetime.combine(day, dt.time.max, self.tz)
            hit = self._eod[day] = (value, int((value - EPOCH).total_seconds() * 1000))
        return hit

    def local_date(self, ms: int) -> dt.date:
        return (EPOCH + dt.timedelta(milliseconds=ms)).astimezone(self.tz).date()

    def local_ms(self, day: dt.date, minutes: float) -> int:
        """Epoch ms of ``minutes`` after local midnight of ``day``."""
        start = dt.datetime.combine(day, dt.time.min, self.tz)
        return int((start - EPOCH).total_seconds() * 1000 + minutes * MINUTE)

    def deadline(self, start: dt.date, n: int, source: str) -> tuple[dict, Encoded]:
        """The ``Step.deadline`` JSON of ``n`` working days from ``start`` (workcalendar's as_dict + source),
        as a dict and encoded."""
        key = (start, n, source)
        hit = self._deadlines.get(key)
        if hit is None:
            due = self.days[self.first_after(start) + n - 1]
            years = [y for y in range(start.year, due.year + 1) if y not in self.official]
            value = {
                "rule": "working_days", "n": n, "start": start.isoformat(), "due_date": due.isoformat(),
                "deadline": self.end_of_day(due)[0].isoformat(), "provisional": bool(years),
                "provisional_years": years,
                "explanation": f"自{start}（星期{WEEKDAYS[start.weekday()]}）起算{n}个工作日（起算当日不计）。"
                               f"期限届满日为{due}（星期{WEEKDAYS[due.weekday()]}），截止时间为当日24时。",
                "source": source,
            }
            hit = self._deadlines[key] = (value, encoded(value))
        return hit


@dataclass(slots=True)
class Draft:
    """One case before ids and numbers: times in epoch ms, units as indexes/ids."""

    opened: int
    seq: int
    is_open: bool
    owner: int  # unit id
    handlers: tuple[int, ...]  # unit ids
    filed: int  # unit id or 0
    category: str
    urgent: bool
    n: int
    dispatch: int
    signed: tuple[int, ...]  # per handler: ms or 0 (pending_sign)
    completed: tuple[int, ...]  # per handler: ms (closed cases) or 0
    closed: int  # ms or 0
    pick: int  # drives the title variant and the users chosen


class Weighted:
    """A weighted draw by bisection over cumulative weights (``random.choices`` recomputes them every call)."""

    def __init__(self, values: list, weights: list[float]) -> None:
        self.values = values
        self.cum = list(itertools.accumulate(weights))

    def draw(self, rng) -> Any:
        return self.values[min(bisect.bisect_right(self.cum, rng.random() * self.cum[-1]), len(self.values) - 1)]


def draft_cases(count: int, seed: int, anchor: dt.datetime, units: Units, cal: Calendar, mix: Mix = MIX
                ) -> list[Draft]:
    """``count`` cases in opening order (ties by draw order)."""
    rng = rng_for(seed, "workflow-cases")
    anchor_ms = int((anchor - EPOCH).total_seconds() * 1000)
    anchor_date = anchor.astimezone(cal.tz).date()
    today = cal.first_from(anchor_date)
    today_works = cal.days[today] == anchor_date
    soon = [today, today + 1] if today_works else [today]  # due by the end of the next working day
    last_start = today if today_works else today - 1  # latest working day a running step can have started
    fan = Weighted([c for c, _w in mix.fan_out], [w for _c, w in mix.fan_out])
    periods = Weighted([p for p, _w in mix.periods], [w for _p, w in mix.periods])
    centers = Weighted(list(range(len(units.centers))), units.center_weights)
    stations = Weighted(list(range(len(units.stations))), units.station_weights)
    categories = list(TITLES)
    station_ids = [s[0] for s in units.stations]
    drafts: list[Draft] = []
    for seq in range(count):
        is_open = rng.random() < mix.open_share
        filed = 0
        if rng.random() < mix.center_share:
            c = centers.draw(rng)
            handlers: tuple[int, ...] = (units.centers[c][0],)
            owner = units.city
        else:
            first = stations.draw(rng)
            district = units.stations[first][3]
            wanted = fan.draw(rng)
            chosen = [first]
            if wanted > 1:
                others = [i for i in units.district_stations[district] if i != first]
                chosen += rng.sample(others, min(wanted - 1, len(others)))
            handlers = tuple(station_ids[i] for i in chosen)
            if rng.random() < mix.city_dispatch_share:
                owner, filed = units.city, units.centers[district][0]
            else:
                owner = units.centers[district][0]
        category = rng.choice(categories)
        urgent = rng.random() < mix.urgent_share
        n = periods.draw(rng)
        pick = rng.getrandbits(30)
        if is_open:
            r = rng.random()
            if r < mix.overdue_share:
                due_pos = today - 1 - min(int(rng.expovariate(1 / 5)), 40)
            elif r < mix.overdue_share + mix.due_soon_share:
                due_pos = rng.choice(soon)
            else:
                due_pos = rng.randint(soon[-1] + 1, last_start + n)
            start_day = cal.days[due_pos - n]
            dispatch = cal.local_ms(start_day, rng.uniform(8.5 * 60, 18 * 60))
            if dispatch > anchor_ms - MINUTE:
                dispatch = anchor_ms - int(rng.uniform(1, 90) * MINUTE)
            opened = dispatch - int(rng.uniform(5, 20 * 60) * MINUTE)
            signed = tuple(
                0 if rng.random() < mix.pending_sign_share
                else min(dispatch + int(rng.uniform(5, 24 * 60) * MINUTE), (dispatch + anchor_ms) // 2)
                for _h in handlers)
            completed = (0,) * len(handlers)
            closed = 0
        else:
            while True:
                opened = anchor_ms - int(rng.uniform(2, 365 * mix.years) * DAY)
                dispatch = opened + int(rng.uniform(5, 20 * 60) * MINUTE)
                due_day = cal.days[cal.first_after(cal.local_date(dispatch)) + n - 1]
                due_ms = cal.end_of_day(due_day)[1]
                completed = tuple(dispatch + int((due_ms - dispatch) * rng.uniform(0.15, 1.25)) for _h in handlers)
                signed = tuple(min(dispatch + int(rng.uniform(5, 24 * 60) * MINUTE), (dispatch + c) // 2)
                               for c in completed)
                closed = max(completed) + int(rng.uniform(60, 3 * 24 * 60) * MINUTE)
                if closed < anchor_ms - 10 * MINUTE:
                    break
        drafts.append(Draft(opened, seq, is_open, owner, handlers, filed, category, urgent, n, dispatch, signed,
                            completed, closed, pick))
    drafts.sort(key=lambda d: (d.opened, d.seq))
    return drafts


def _dt(ms: int) -> dt.datetime:
    return EPOCH + dt.timedelta(milliseconds=ms)


#: The fields each table's rows give, in tuple order (the rest take the model's defaults; see rawinsert).
FIELDS: dict[str, tuple[str, ...]] = {
    "case": ("id", "number", "process", "state", "title", "owner_unit_id", "current_unit_id", "channel", "priority",
             "opened_at", "opened_by_id", "due_at", "closed_at", "version", "clock"),
    "work_order": ("id", "case_id", "category", "instructions", "results"),
    "step": ("id", "case_id", "process", "state", "kind", "unit_id", "dispatcher_unit_id", "status", "is_open",
             "created_at", "signed_at", "completed_at", "completed_by_id", "due_at", "original_due_at", "deadline",
             "overdue", "overdue_at", "due_soon_notified"),
    "access": ("id", "case_id", "unit_id", "kind", "at", "case_open"),
    "event": ("id", "case_id", "step_id", "at", "actor_id", "actor_unit_id", "action", "action_label", "from_state",
              "to_state", "data", "deadline"),
    "sequence": ("prefix", "day", "last"),
}


class Builder:
    """Turns drafts into row tuples (``FIELDS`` order) with ids, numbers and every field the engine would set."""

    def __init__(self, units: Units, cal: Calendar, ids: dict[str, int]) -> None:
        from unionserve.orgs.models import OrgUnit
        from unionserve.workflow.models import AccessKind, Channel, Priority, StepKind, StepStatus

        self.units = units
        self.cal = cal
        self.ids = dict(ids)
        self.names = dict(OrgUnit.objects.filter(
            pk__in=[units.city, *(c[0] for c in units.centers), *(s[0] for s in units.stations)]
        ).values_list("pk", "name"))
        self.codes = {units.city: units.city_code, **{c[0]: c[1] for c in units.centers},
                      **{s[0]: s[1] for s in units.stations}}
        # Plain str values: database drivers may adapt enum members by name.
        self.k = {
            "work": str(StepKind.WORK.value), "done": str(StepStatus.DONE.value), "open": str(StepStatus.OPEN.value),
            "pending_sign": str(StepStatus.PENDING_SIGN.value), "internal": str(Channel.INTERNAL.value),
            "normal": str(Priority.NORMAL.value), "urgent": str(Priority.URGENT.value),
            "owner": str(AccessKind.OWNER.value), "handler": str(AccessKind.HANDLER.value),
            "filed": str(AccessKind.FILED.value),
        }
        self.day: dt.date | None = None
        self.day_seq = 0
        self.sequences: dict[dt.date, int] = {}
        self.counts = dict.fromkeys(("cases", "open_cases", "steps", "open_steps", "pending_sign", "access",
                                     "filed", "events", "work_orders"), 0)

    def _next(self, table: str) -> int:
        value = self.ids[table]
        self.ids[table] = value + 1
        return value

    @staticmethod
    def _user(pool: list[int] | None, pick: int) -> int | None:
        return pool[pick % len(pool)] if pool else None

    def build(self, drafts: list[Draft]) -> dict[str, list[tuple]]:
        """Rows of every table for ``drafts`` (in opening order, continuing the day sequences)."""
        out: dict[str, list[tuple]] = {"case": [], "work_order": [], "step": [], "access": [], "event": []}
        cal, k = self.cal, self.k
        for d in drafts:
            opened_at = _dt(d.opened)
            day = cal.local_date(d.opened)
            if day != self.day:
                self.day, self.day_seq = day, 0
            self.day_seq += 1
            self.sequences[day] = self.day_seq
            case_id = self._next("case")
            opener = self._user(self.units.openers.get(d.owner), d.pick)
            dispatched_at = _dt(d.dispatch)
            deadline_value, deadline = cal.deadline(cal.local_date(d.dispatch), d.n, "派单时限")
            due_at, due_ms = cal.end_of_day(dt.date.fromisoformat(deadline_value["due_date"]))
            y, m = day.year, day.month
            title = TITLES[d.category][d.pick % 3].format(y=y, q=(m - 1) // 3 + 1, m=m)
            if len(d.handlers) == 1:
                title = f"{title}（{self.names[d.handlers[0]]}）"
            codes = [self.codes[u] for u in d.handlers]
            # The "new" step at the owner: opened with the case, done when it was dispatched.
            new_value, new_deadline = cal.deadline(day, 1, "")
            new_due = cal.end_of_day(dt.date.fromisoformat(new_value["due_date"]))[0]
            new_step = self._next("step")
            steps = [(new_step, case_id, PROCESS, "new", k["work"], d.owner, None, k["done"], False, opened_at, None,
                      dispatched_at, opener, new_due, new_due, new_deadline, False, None, False)]
            version = 2  # opened (1), dispatched (+1)
            for i, unit in enumerate(d.handlers):
                signed = _dt(d.signed[i]) if d.signed[i] else None
                version += 1 if signed else 0
                if d.is_open:
                    status = k["open"] if signed else k["pending_sign"]
                    completed_at = completed_by = overdue_at = None
                    overdue = warned = False
                else:
                    status = k["done"]
                    completed_at = _dt(d.completed[i])
                    completed_by = self._user(self.units.members.get(unit), d.pick + i)
                    # As the sweep (every 5 minutes) would have flagged a step finished late.
                    overdue = d.completed[i] > due_ms
                    overdue_at = _dt(due_ms + 1 + (d.pick % 300_000)) if overdue else None
                    warned = d.completed[i] > due_ms - DAY
                    version += 1  # fed back
                steps.append((self._next("step"), case_id, PROCESS, "handling", k["work"], unit, d.owner, status,
                              d.is_open, dispatched_at, signed, completed_at, completed_by, due_at, due_at, deadline,
                              overdue, overdue_at, warned))
            if not d.is_open:
                version += 1  # closed
            out["case"].append((
                case_id, f"{PREFIX}{day:%Y%m%d}-{self.day_seq:04d}", PROCESS, "handling" if d.is_open else "closed",
                title[:200], d.owner, d.handlers[0] if d.is_open else None, k["internal"],
                k["urgent"] if d.urgent else k["normal"], opened_at, opener, due_at if d.is_open else None,
                _dt(d.closed) if d.closed else None, version, {},
            ))
            results = {} if d.is_open else {code: {"unit": self.names[u], "result": FEEDBACK}
                                            for u, code in zip(d.handlers, codes, strict=True)}
            out["work_order"].append((self._next("work_order"), case_id, d.category, INSTRUCTIONS[d.category],
                                      results))
            out["step"].extend(steps)
            access = [(self._next("access"), case_id, d.owner, k["owner"], opened_at, d.is_open)]
            access += [(self._next("access"), case_id, u, k["handler"], dispatched_at, d.is_open)
                       for u in d.handlers]
            if d.filed:
                access.append((self._next("access"), case_id, d.filed, k["filed"], dispatched_at, d.is_open))
            out["access"].extend(access)
            out["event"].append((
                self._next("event"), case_id, new_step, opened_at, opener, d.owner, "opened", "已立案", "", "new",
                {"category": d.category, "instructions": INSTRUCTIONS[d.category]}, new_deadline,
            ))
            out["event"].append((
                self._next("event"), case_id, new_step, dispatched_at, opener, d.owner, "dispatch", "派单", "new",
                "handling", {"units": codes, "filed": [self.codes[d.filed]] if d.filed else []}, deadline,
            ))
            c = self.counts
            c["cases"] += 1
            c["open_cases"] += d.is_open
            c["steps"] += len(steps)
            c["open_steps"] += len(d.handlers) if d.is_open else 0
            c["pending_sign"] += sum(1 for s in d.signed if not s) if d.is_open else 0
            c["access"] += len(access)
            c["filed"] += bool(d.filed)
            c["events"] += 2
            c["work_orders"] += 1
        return out


def _models() -> dict[str, Any]:
    from unionserve.workflow.models import Case, CaseAccess, CaseEvent, CaseSequence, Step
    from unionserve.workorders.models import WorkOrder

    return {"case": Case, "work_order": WorkOrder, "step": Step, "access": CaseAccess, "event": CaseEvent,
            "sequence": CaseSequence}


def _dependents(models: list) -> list:
    """Models outside ``models`` whose rows point at them (other apps' process data), dependents first."""
    seen = {m._meta.label for m in models}
    found: list = []
    frontier = list(models)
    while frontier:
        model = frontier.pop()
        for rel in model._meta.related_objects:
            other = rel.related_model
            if other._meta.label not in seen and not other._meta.proxy:
                seen.add(other._meta.label)
                found.append(other)
                frontier.append(other)
    return list(reversed(found))


def clear_cases(log: Log = print) -> None:
    """Empty the workflow tables, the rows of other apps that point at them, and notifications about cases."""
    from django.db import connection

    from bench.harness.database import assert_benchmark_database
    from unionserve.notifications.models import Notification
    from unionserve.workflow.models import Attachment

    assert_benchmark_database("empty the workflow tables")
    models = _models()
    ours = [Attachment, models["event"], models["access"], models["work_order"], models["step"], models["case"],
            models["sequence"]]
    every = [*_dependents(ours), *ours]
    t0 = time.perf_counter()
    q = connection.ops.quote_name
    with connection.cursor() as cursor:
        # TRUNCATE refuses tables with pending deferred-constraint checks (inside the smoke tests' transaction).
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            # CASCADE: also tables that reference these without a model (none expected).
            cursor.execute(f"TRUNCATE {', '.join(q(m._meta.db_table) for m in every)} CASCADE")
        else:
            for model in every:
                cursor.execute(f"DELETE FROM {q(model._meta.db_table)}")  # noqa: S608 - model table names
        cursor.execute(f"DELETE FROM {q(Notification._meta.db_table)} WHERE event LIKE %s",  # noqa: S608
                       ["case.%"])
    others = [m._meta.label for m in every if m not in ours]
    log(f"workflow tables emptied in {time.perf_counter() - t0:.1f} s" + (f" (and {others})" if others else ""))


def _next_ids() -> dict[str, int]:
    from django.db.models import Max

    return {key: (model.objects.aggregate(m=Max("id"))["m"] or 0) + 1 for key, model in _models().items()}


def analyze_tables(log: Log = print) -> None:
    """Fresh planner statistics for the loaded tables (and, on PostgreSQL, a visibility map)."""
    from django.db import connection

    models = _models()
    t0 = time.perf_counter()
    q = connection.ops.quote_name
    vacuum = connection.vendor == "postgresql" and not connection.in_atomic_block  # VACUUM: not in a transaction
    with connection.cursor() as cursor:
        for model in models.values():
            table = q(model._meta.db_table)
            cursor.execute(f"VACUUM ANALYZE {table}" if vacuum else f"ANALYZE {table}")
    log(f"workflow tables analyzed in {time.perf_counter() - t0:.1f} s")


def default_anchor() -> dt.datetime:
    """Now in the site's time zone, floored to the hour."""
    from django.utils import timezone

    return timezone.localtime().replace(minute=0, second=0, microsecond=0)


def load_cases(count: int, seed: int, anchor: dt.datetime | None = None, *, mix: Mix = MIX, log: Log = print
               ) -> dict:
    """Insert ``count`` work-order cases (and their steps, access, events) into the current database.

    The workflow tables should be empty (``clear_cases``); ids continue after the current maxima.
    Returns a summary: counts, anchor, seconds, rows per second.
    """
    from django.core.management.color import no_style
    from django.db import connection, transaction
    from django.utils import timezone

    import unionserve.workorders.process  # noqa: F401 - registers "workorder"

    anchor = anchor or default_anchor()
    t0 = time.perf_counter()
    units = read_units()
    cal = Calendar(timezone.localtime(anchor).date(), back_days=365 * mix.years + 30, ahead_days=200)
    drafts = draft_cases(count, seed, anchor, units, cal, mix)
    drafted_s = time.perf_counter() - t0
    log(f"workflow cases: {count:,} drafted in {drafted_s:.1f} s; inserting ...")
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            # A 1 GB page cache for this connection: the ten indexes of Step are written at random places.
            cursor.execute("PRAGMA cache_size = -1000000")
    models = _models()
    tables = {key: RawTable(model, FIELDS[key]) for key, model in models.items()}
    builder = Builder(units, cal, _next_ids())
    rows = 0
    t1 = time.perf_counter()
    for start in range(0, len(drafts), COMMIT_EVERY):
        with transaction.atomic():
            for chunk_start in range(start, min(start + COMMIT_EVERY, len(drafts)), CHUNK):
                built = builder.build(drafts[chunk_start:min(chunk_start + CHUNK, start + COMMIT_EVERY)])
                for key, batch in built.items():
                    rows += insert(tables[key], batch, BATCH)
        done = min(start + COMMIT_EVERY, len(drafts))
        if done % 200_000 == 0 or done == len(drafts):
            elapsed = time.perf_counter() - t1
            log(f"  {done:,} cases, {rows:,} rows in {elapsed:.0f} s ({rows / elapsed:,.0f} rows/s)")
    del drafts
    with transaction.atomic():
        rows += insert(tables["sequence"], [(PREFIX, day, last) for day, last in sorted(builder.sequences.items())])
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), list(models.values())):
            cursor.execute(sql)
    insert_s = time.perf_counter() - t1
    analyze_tables(log)
    summary = {
        **builder.counts, "days": len(builder.sequences), "rows": rows, "anchor": anchor.isoformat(),
        "seed": seed, "drafted_s": round(drafted_s, 1), "insert_s": round(insert_s, 1),
        "rows_per_s": round(rows / insert_s) if insert_s else None,
        "seconds": round(time.perf_counter() - t0, 1),
    }
    log(f"workflow cases loaded: {summary}")
    return summary


def fingerprint(seed: int, cases: int, org_fingerprint: str, mix: Mix = MIX) -> str:
    """What the workflow tables hold (the anchor is kept beside it, not in it)."""
    key = json.dumps({"v": VERSION, "seed": seed, "cases": cases, "org": org_fingerprint, "mix": asdict(mix)},
                     sort_keys=True)
    return hashlib.sha256(key.encode()).hexdigest()[:16]


def ensure_cases(scale, cases: int | None = None, anchor: dt.datetime | None = None, *, force: bool = False,
                 log: Log = print) -> dict:
    """Load the workflow cases of ``scale`` unless the database already holds them; returns the summary.

    ``cases`` defaults to ``scale.workflow_cases``. The summary has ``loaded_now`` and the ``anchor``.
    """
    from bench.harness.database import read_meta, write_meta

    cases = scale.workflow_cases if cases is None else cases
    fp = fingerprint(scale.seed, cases, scale.db_fingerprint())
    if not force and read_meta(META_FINGERPRINT) == fp and read_meta(META_SUMMARY):
        summary = json.loads(read_meta(META_SUMMARY) or "{}")
        # ``flush`` (another dataset of org units) empties the tables but not bench_dataset: count them too.
        if _models()["case"].objects.count() == summary.get("cases"):
            return {**summary, "fingerprint": fp, "loaded_now": False}
        log("the workflow tables do not hold the recorded cases: reloading")
    write_meta(META_FINGERPRINT, "")
    clear_cases(log)
    summary = load_cases(cases, scale.seed, anchor, log=log)
    write_meta(META_ANCHOR, summary["anchor"])
    write_meta(META_SUMMARY, json.dumps(summary, ensure_ascii=False))
    write_meta(META_FINGERPRINT, fp)
    return {**summary, "fingerprint": fp, "loaded_now": True}


def dataset_anchor() -> dt.datetime | None:
    """The anchor ("now") of the loaded workflow dataset, if any."""
    from bench.harness.database import read_meta

    value = read_meta(META_ANCHOR)
    return dt.datetime.fromisoformat(value) if value else None


def main(argv: list[str] | None = None) -> int:
    """``python -m bench.datagen.cases_db``: prepare the benchmark database and load the cases into it."""
    from bench.datagen.generate import Scale

    parser = argparse.ArgumentParser(prog="python -m bench.datagen.cases_db", description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--cases", type=int, default=DEFAULT_CASES, help=f"cases (default {DEFAULT_CASES:,})")
    parser.add_argument("--seed", type=int, default=Scale().seed)
    parser.add_argument("--units", type=int, default=Scale().units)
    parser.add_argument("--users", type=int, default=Scale().users)
    parser.add_argument("--anchor", type=dt.datetime.fromisoformat,
                        help="the dataset's now, ISO 8601 with offset (default: now floored to the hour)")
    parser.add_argument("--force", action="store_true", help="reload even when the database holds this dataset")
    args = parser.parse_args(argv)

    from bench.harness.database import configure_django, prepare_database

    def log(msg: str) -> None:
        print(msg, file=sys.stderr, flush=True)

    configure_django(args.db)
    scale = Scale(seed=args.seed, units=args.units, users=args.users, workflow_cases=args.cases)
    prepare_database(scale, log=log)
    summary = ensure_cases(scale, args.cases, args.anchor, force=args.force, log=log)
    print(json.dumps(summary, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
