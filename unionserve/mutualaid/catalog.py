"""The eight mutual-aid plans of seed 003 §三 (中国职工保险互助会北京办事处), by code.

The names are the plans' own titles (proper names, stored as the seed writes them); ``kind`` says how a plan
pays: the medical plan by the quarterly batch from the social-security center's expense file (000 §四.7), the
others by a member's claim (000 §四.8).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.translation import pgettext_lazy


class PlanKind(models.TextChoices):
    MEDICAL_BATCH = "medical_batch", pgettext_lazy("mutual aid plan kind", "Paid by the quarterly medical batch")
    CLAIM = "claim", pgettext_lazy("mutual aid plan kind", "Paid on a claim")


@dataclass(frozen=True)
class PlanSpec:
    code: str
    name: str
    kind: str
    order: int


#: The medical mutual-aid plan: the one the quarterly batch pays.
MEDICAL = "medical"
#: The non-work accident and home fire-loss plan (002 §二(七)).
ACCIDENT_FIRE = "accident_fire"

PLANS: tuple[PlanSpec, ...] = (
    PlanSpec("inpatient", "在职职工住院医疗互助保障计划", PlanKind.CLAIM, 1),
    PlanSpec("hospital_allowance", "在职职工住院津贴互助保障计划", PlanKind.CLAIM, 2),
    PlanSpec("women_illness", "在职女职工特殊疾病互助保障计划", PlanKind.CLAIM, 3),
    PlanSpec("critical_illness", "在职职工重大疾病互助保障计划", PlanKind.CLAIM, 4),
    PlanSpec("accident", "在职职工意外伤害互助保障计划", PlanKind.CLAIM, 5),
    PlanSpec("child_accident", "在职职工子女意外伤害互助保障计划", PlanKind.CLAIM, 6),
    PlanSpec(ACCIDENT_FIRE, "非工伤意外及家财火灾损失互助保障计划", PlanKind.CLAIM, 7),
    PlanSpec(MEDICAL, "在职职工医疗互助保障计划", PlanKind.MEDICAL_BATCH, 8),
)
PLAN_NAMES = {p.code: p.name for p in PLANS}
