"""Mutual aid's policy numbers: the caps the seeds set (003 §三, 002 §二(四)(七)) and the parameters of the
eight plans that the office (中国职工保险互助会北京办事处) sets each year and the seeds do not give.

Keys of the eight plans: ``mutualaid.<plan code>.<name>``; the medical plan's batch (000 §四.7) also has its
review parameters. Every default marked "office sets" is a plausible starting value, not a seed number: the
office changes it in the policy pages like any other parameter (four eyes, dated versions).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from unionserve.policy import Kind, register

from .catalog import PLAN_NAMES

#: The seed is an article of 2012 (三年来 after 2009) launching the plan on 4月23日.
MEDICAL_PLAN_FROM = dt.date(2012, 4, 23)

OFFICE_SETS = _("Set by the mutual-insurance office each plan year; the seeds give no number.")
OFFICE = "（原文未定，互助保险办事处设定）"

# --- the seeds' caps -------------------------------------------------------------------------------------------

#: 003 §三: 对符合条件的在职职工最高每人每年给予100653元互助金.
MEDICAL_ANNUAL_CAP = register(
    "mutualaid.medical_annual_cap", Kind.MONEY, _("Medical mutual aid: annual cap per member"),
    "003 §三；000 §四.7", Decimal("100653"), default_from=MEDICAL_PLAN_FROM,
    help=_("The most one member receives from the medical mutual-aid plan in a calendar year."))
#: 003 §三: 劳模和困难职工每人每年最高可获得103316元.
MEDICAL_SPECIAL_CAP = register(
    "mutualaid.medical_special_cap", Kind.MONEY,
    _("Medical mutual aid: annual cap per model worker or hardship member"), "003 §三", Decimal("103316"),
    default_from=MEDICAL_PLAN_FROM,
    help=_("Applies when the member is a model worker or a hardship member on the visit date."))
#: 002 §二(七): 因非工伤意外导致伤残的会员可获得最高5000元保障金 (graded by disability level).
ACCIDENT_DISABILITY_MAX = register(
    "mutualaid.accident_disability_max", Kind.MONEY, _("Non-work accident: disability benefit up to"),
    "002 §二(七)", Decimal("5000"), help=_("The highest grade; lower disability grades receive a share of it."))
#: 002 §二(七): 导致身故的会员可获得2万元保障金.
DEATH_BENEFIT = register(
    "mutualaid.death_benefit", Kind.MONEY, _("Non-work accident: death benefit"), "002 §二(七)", Decimal("20000"))
#: 002 §二(七): 因火灾导致家庭财产损失的可获得最高1万元保障金.
FIRE_LOSS_MAX = register(
    "mutualaid.fire_loss_max", Kind.MONEY, _("Home fire loss: benefit up to"), "002 §二(七)", Decimal("10000"))

# --- the medical plan's rule (000 §四.7, 002 §二(四)) -----------------------------------------------------------

#: 002 §二(四): 超过医保起付线后，按一定比例给予保障金 — the line and the ratios are the office's.
MEDICAL_OUTPATIENT_DEDUCTIBLE = register(
    "mutualaid.medical.outpatient_deductible", Kind.MONEY,
    _("Medical mutual aid: deductible per outpatient line"), "002 §二(四)" + OFFICE, Decimal("55"), help=OFFICE_SETS)
MEDICAL_INPATIENT_DEDUCTIBLE = register(
    "mutualaid.medical.inpatient_deductible", Kind.MONEY,
    _("Medical mutual aid: deductible per hospital stay"), "002 §二(四)" + OFFICE, Decimal("300"), help=OFFICE_SETS)
MEDICAL_OUTPATIENT_RATIO = register(
    "mutualaid.medical.outpatient_ratio", Kind.PERCENT,
    _("Medical mutual aid: share of the outpatient self-paid amount reimbursed"), "002 §二(四)" + OFFICE,
    Decimal("50"), help=OFFICE_SETS)
MEDICAL_INPATIENT_RATIO = register(
    "mutualaid.medical.inpatient_ratio", Kind.PERCENT,
    _("Medical mutual aid: share of the inpatient self-paid amount reimbursed"), "002 §二(四)" + OFFICE,
    Decimal("60"), help=OFFICE_SETS)

# --- the medical batch's review (000 §四.7(3) 初审、复审) ---------------------------------------------------------

REVIEW_SAMPLE_PERCENT = register(
    "mutualaid.medical.sample_percent", Kind.PERCENT, _("Medical batch: random sample checked by hand"),
    "000 §四.7(3)（初审，比例平台设定）", Decimal("2"),
    help=_("Share of the lines drawn at random for the first reviewer to check by hand."))
REVIEW_NEAR_CAP_PERCENT = register(
    "mutualaid.medical.near_cap_percent", Kind.PERCENT, _("Medical batch: flag a member past this share of the cap"),
    "000 §四.7(3)（初审，平台设定）", Decimal("90"))
REVIEW_OUTLIER_FACTOR = register(
    "mutualaid.medical.outlier_factor", Kind.COUNT,
    _("Medical batch: flag a line above this many times the file's median"), "000 §四.7(3)（初审，平台设定）", 20,
    min_value=2, max_value=1000)

# --- the eight plans' office parameters ------------------------------------------------------------------------

#: Contribution per member and plan year, per plan (003 §三 names the eight plans; the amounts are the office's).
CONTRIBUTION_DEFAULTS: dict[str, Decimal] = {
    "inpatient": Decimal("58.50"), "hospital_allowance": Decimal("29.50"), "women_illness": Decimal("26.50"),
    "critical_illness": Decimal("45.50"), "accident": Decimal("18.50"), "child_accident": Decimal("16.50"),
    "accident_fire": Decimal("12.50"), "medical": Decimal("86.50"),
}
#: The per-plan benefit cap of the plans paid by claim (not the medical batch, nor the accident/fire plan whose
#: caps the seed sets above).
PLAN_CAP_DEFAULTS: dict[str, Decimal] = {
    "inpatient": Decimal("15800"), "hospital_allowance": Decimal("3650"), "women_illness": Decimal("7600"),
    "critical_illness": Decimal("31500"), "accident": Decimal("26500"), "child_accident": Decimal("11800"),
}
CONTRIBUTION = {
    code: register(f"mutualaid.{code}.contribution", Kind.MONEY,
                   format_lazy("{}: {}", _("Contribution per member-year"), PLAN_NAMES[code]),
                   "003 §三" + OFFICE, amount, help=OFFICE_SETS)
    for code, amount in CONTRIBUTION_DEFAULTS.items()
}
PLAN_CAP = {
    code: register(f"mutualaid.{code}.cap", Kind.MONEY,
                   format_lazy("{}: {}", _("Benefit cap per member-year"), PLAN_NAMES[code]),
                   "003 §三" + OFFICE, amount, help=OFFICE_SETS)
    for code, amount in PLAN_CAP_DEFAULTS.items()
}
#: The inpatient plan's deductible and ratio (a claim plan; the claims part reads them).
INPATIENT_DEDUCTIBLE = register(
    "mutualaid.inpatient.deductible", Kind.MONEY, _("Inpatient plan: deductible per stay"), "003 §三" + OFFICE,
    Decimal("480"), help=OFFICE_SETS)
INPATIENT_RATIO = register(
    "mutualaid.inpatient.ratio", Kind.PERCENT, _("Inpatient plan: share reimbursed"), "003 §三" + OFFICE,
    Decimal("50"), help=OFFICE_SETS)
HOSPITAL_ALLOWANCE_PER_DAY = register(
    "mutualaid.hospital_allowance.per_day", Kind.MONEY, _("Hospital allowance plan: allowance per day in hospital"),
    "003 §三" + OFFICE, Decimal("32.50"), help=OFFICE_SETS)
