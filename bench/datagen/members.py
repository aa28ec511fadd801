"""Members: rows of the import template (:data:`unionserve.members.template.MEMBER_COLUMNS`), generated fast.

The members are split into ``PARTITIONS`` (10) fixed partitions by index; partition ``p`` draws from its
own random stream (seed, p), so any number of processes produce the same bytes. Members come unit by
unit, as a grassroots union would submit them. ID numbers are unique: the hundreds digit of the 3-digit
sequence code is the partition number, and a partition redraws an ID it has already given out.

:func:`iter_member_rows` is the one source of rows: the CSV and XLSX writers consume it, and the
member-register issue can plug a database loader onto it.
"""

from __future__ import annotations

import datetime
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from itertools import accumulate

from . import tables
from .codes import ID_CHECK_CHARS, ID_WEIGHTS
from .plan import OrgPlan, rng_for

PARTITIONS = 10
BLOCK = 4096
MemberRow = tuple[str, ...]
UnitRef = tuple[str, str, str, int]  # (USCC, employer name, grassroots code, members in the slice)


def partition_bounds(total: int, p: int) -> tuple[int, int]:
    """Member indexes [start, stop) of partition ``p``."""
    return total * p // PARTITIONS, total * (p + 1) // PARTITIONS


def unit_refs(plan: OrgPlan) -> list[UnitRef]:
    """The grassroots unions in member order, with their member counts (plan.allocate_members first)."""
    return [(g.uscc, g.name, g.grassroots_code, g.members) for g in plan.grassroots if g.members]


def slice_units(units: list[UnitRef], start: int, stop: int) -> list[UnitRef]:
    """The units (and how many of their members) that members ``start``..``stop`` belong to."""
    out: list[UnitRef] = []
    first = 0
    for uscc, name, code, n in units:
        last = first + n
        lo, hi = max(first, start), min(last, stop)
        if lo < hi:
            out.append((uscc, name, code, hi - lo))
        if last >= stop:
            break
        first = last
    return out


@dataclass(frozen=True)
class _Tables:
    """Precomputed lookup tables, built once per process (about 0.1 s)."""

    area_code: list[str]
    area_sum: list[int]
    area_local: list[bool]
    area_cum: list[float]
    day_ymd: list[str]
    day_iso: list[str]
    day_sum: list[int]
    day_ord: list[int]
    day_year: list[int]
    day_cum: list[float]
    seq_str: list[str]
    seq_sum: list[int]
    join_base: int
    join_iso: list[str]
    luhn_hi3: list[int]
    luhn_lo3: list[int]
    surnames: list[str]
    surname_cum: list[float]


def _weighted_sum(digits: str, weights: tuple[int, ...]) -> int:
    return sum(int(d) * w for d, w in zip(digits, weights, strict=True))


def _luhn3(x: int, doubled: tuple[int, ...]) -> int:
    total = 0
    for j in range(3):  # j = 0 is the rightmost digit of the group
        d = x // 10**j % 10
        if j in doubled:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total


@cache
def _tables() -> _Tables:
    local_total = sum(w for _, w in tables.BEIJING_AREAS)
    other_total = sum(w for _, w in tables.OTHER_AREAS)
    areas = [(c, w / local_total * tables.BEIJING_SHARE, True) for c, w in tables.BEIJING_AREAS] + [
        (c, w / other_total * (1 - tables.BEIJING_SHARE), False) for c, w in tables.OTHER_AREAS
    ]
    first = datetime.date(tables.BIRTH_YEARS[0], 1, 1).toordinal()
    last = datetime.date(tables.BIRTH_YEARS[1], 12, 31).toordinal()
    days = [datetime.date.fromordinal(o) for o in range(first, last + 1)]
    join_base = datetime.date(1978, 1, 1).toordinal()
    ref = tables.REFERENCE_DATE.toordinal()
    surnames, surname_weights = zip(*tables.SURNAMES, strict=True)
    return _Tables(
        area_code=[a for a, _, _ in areas],
        area_sum=[_weighted_sum(a, ID_WEIGHTS[:6]) for a, _, _ in areas],
        area_local=[local for _, _, local in areas],
        area_cum=list(accumulate(w for _, w, _ in areas)),
        day_ymd=[d.strftime("%Y%m%d") for d in days],
        day_iso=[d.isoformat() for d in days],
        day_sum=[_weighted_sum(d.strftime("%Y%m%d"), ID_WEIGHTS[6:14]) for d in days],
        day_ord=[d.toordinal() for d in days],
        day_year=[d.year for d in days],
        day_cum=list(accumulate(tables.birth_year_weight(d.year) for d in days)),
        seq_str=[f"{s:03d}" for s in range(1000)],
        seq_sum=[_weighted_sum(f"{s:03d}", ID_WEIGHTS[14:17]) for s in range(1000)],
        join_base=join_base,
        join_iso=[datetime.date.fromordinal(o).isoformat() for o in range(join_base, ref + 1)],
        luhn_hi3=[_luhn3(x, (1,)) for x in range(1000)],  # digits 4-6 from the right of a 6-digit group
        luhn_lo3=[_luhn3(x, (0, 2)) for x in range(1000)],  # digits 1-3 from the right
        surnames=list(surnames),
        surname_cum=list(accumulate(surname_weights)),
    )


def _choices_table(pairs) -> tuple[list[str], list[float]]:
    values, weights = zip(*pairs, strict=True)
    return list(values), list(accumulate(weights))


def iter_member_rows(units: list[UnitRef], start: int, partition: int, seed: int) -> Iterator[MemberRow]:
    """Rows of members ``start``, ``start + 1``, ... of partition ``partition`` belonging to ``units``.

    ``units`` comes from :func:`slice_units` for the partition's bounds; ``start`` is the global index of
    the first member (it numbers the card). Yields tuples in ``MEMBER_COLUMNS`` order.
    """
    t = _tables()
    rng = rng_for(seed, f"members:{partition}")
    rnd = rng.random
    choices = rng.choices
    seen: set[int] = set()
    n_days = len(t.day_ymd)
    area_idx = range(len(t.area_code))
    day_idx = range(n_days)
    area_code, area_sum, area_local = t.area_code, t.area_sum, t.area_local
    day_ymd, day_iso, day_sum, day_ord, day_year = t.day_ymd, t.day_iso, t.day_sum, t.day_ord, t.day_year
    seq_str, seq_sum = t.seq_str, t.seq_sum
    join_iso, join_base = t.join_iso, t.join_base
    join_floor = datetime.date(1985, 1, 1).toordinal()
    ref_ord = tables.REFERENCE_DATE.toordinal()
    ref_year = tables.REFERENCE_DATE.year
    luhn_hi3, luhn_lo3 = t.luhn_hi3, t.luhn_lo3
    bin_int = int(tables.CARD_BIN)
    bin_luhn = luhn_hi3[bin_int // 1000] + luhn_lo3[bin_int % 1000]
    male_given, female_given = tables.MALE_GIVEN, tables.FEMALE_GIVEN
    n_male, n_female = len(male_given), len(female_given)
    prefixes = tables.MOBILE_PREFIXES
    n_prefixes = len(prefixes)
    eth, eth_cum = _choices_table(tables.ETHNICITIES)
    edu_old, edu_old_cum = _choices_table(tables.EDUCATION_BEFORE_1980)
    edu_new, edu_new_cum = _choices_table(tables.EDUCATION_FROM_1980)
    skills, skills_cum = _choices_table(tables.SKILLS)
    work, work_cum = _choices_table(tables.EMPLOYMENT_WORKING)
    honours, honours_cum = _choices_table(tables.MODEL_WORKER_LEVELS)
    seq_base = partition * 100
    card_share, male_share, one_char = tables.CARD_SHARE, tables.MALE_SHARE, tables.ONE_CHAR_GIVEN_SHARE
    mw_share, hardship_share = tables.MODEL_WORKER_SHARE, tables.HARDSHIP_SHARE
    single_share = tables.SINGLE_MOTHER_SHARE_OF_WOMEN
    ret_m, ret_f = tables.RETIREMENT_AGE["男"], tables.RETIREMENT_AGE["女"]

    index = start
    for uscc, unit_name, unit_code, count in units:
        remaining = count
        while remaining:
            b = min(BLOCK, remaining)
            remaining -= b
            areas = choices(area_idx, cum_weights=t.area_cum, k=b)
            days = choices(day_idx, cum_weights=t.day_cum, k=b)
            surnames = choices(t.surnames, cum_weights=t.surname_cum, k=b)
            ethnicities = choices(eth, cum_weights=eth_cum, k=b)
            skill_list = choices(skills, cum_weights=skills_cum, k=b)
            work_list = choices(work, cum_weights=work_cum, k=b)
            for k in range(b):
                male = rnd() < male_share
                a = areas[k]
                d = days[k]
                seq = seq_base + int(rnd() * 50) * 2 + male
                key = (a * n_days + d) * 1000 + seq
                while key in seen:  # an ID already given out: draw another birth date and sequence
                    d = bisect_right(t.day_cum, rnd() * t.day_cum[-1])
                    seq = seq_base + int(rnd() * 50) * 2 + male
                    key = (a * n_days + d) * 1000 + seq
                seen.add(key)
                id_number = (area_code[a] + day_ymd[d] + seq_str[seq]
                             + ID_CHECK_CHARS[(area_sum[a] + day_sum[d] + seq_sum[seq]) % 11])
                if male:
                    given = male_given[int(rnd() * n_male)]
                    if rnd() >= one_char:
                        given += male_given[int(rnd() * n_male)]
                else:
                    given = female_given[int(rnd() * n_female)]
                    if rnd() >= one_char:
                        given += female_given[int(rnd() * n_female)]
                year = day_year[d]
                birth_ord = day_ord[d]
                lo = max(birth_ord + 6575, join_floor)  # 18 years after birth, and not before 1985
                joined = join_iso[lo + int(rnd() * (ref_ord - lo + 1)) - join_base]
                age = ref_year - year
                retired = age >= (ret_m if male else ret_f) and rnd() < 0.8
                employment = "退休" if retired else work_list[k]
                if year < 1980:
                    education = choices(edu_old, cum_weights=edu_old_cum)[0]
                else:
                    education = choices(edu_new, cum_weights=edu_new_cum)[0]
                honour = choices(honours, cum_weights=honours_cum)[0] if rnd() < mw_share else ""
                if rnd() < card_share:
                    x = (index * 7_654_321 + 1_234_567) % 1_000_000_000_000
                    hi, lo6 = divmod(x, 1_000_000)
                    s = (bin_luhn + luhn_hi3[hi // 1000] + luhn_lo3[hi % 1000]
                         + luhn_hi3[lo6 // 1000] + luhn_lo3[lo6 % 1000])
                    card = f"{tables.CARD_BIN}{x:012d}{(10 - s % 10) % 10}"
                else:
                    card = ""
                if area_local[a]:
                    hukou = "本市城镇" if rnd() < 0.8 else "本市农业"
                else:
                    hukou = "外埠城镇" if rnd() < 0.45 else "外埠农业"
                yield (
                    surnames[k] + given,
                    id_number,
                    "男" if male else "女",
                    day_iso[d],
                    prefixes[int(rnd() * n_prefixes)] + f"{int(rnd() * 100_000_000):08d}",
                    uscc,
                    unit_name,
                    unit_code,
                    joined,
                    employment,
                    education,
                    skill_list[k],
                    honour,
                    "是" if rnd() < hardship_share else "否",
                    "是" if not male and rnd() < single_share else "否",
                    card,
                    ethnicities[k],
                    hukou,
                )
                index += 1


def iter_members(plan: OrgPlan, limit: int | None = None) -> Iterator[MemberRow]:
    """All members of a plan in file order (partition 0 first), or the first ``limit`` of them."""
    units = unit_refs(plan)
    produced = 0
    for p in range(PARTITIONS):
        start, stop = partition_bounds(plan.members, p)
        for row in iter_member_rows(slice_units(units, start, stop), start, p, plan.seed):
            if limit is not None and produced >= limit:
                return
            produced += 1
            yield row
