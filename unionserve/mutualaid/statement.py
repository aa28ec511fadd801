"""The explanation of benefits (理赔明细) of a member for a year: each medical line, the rule and the policy
versions it was computed with, the cap it counted against and what remains of the year's cap."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext as _

from . import policies
from .eligibility import annual_cap
from .models import Enrolment, ExpenseLine, LineState, VisitKind

COUNTED = (LineState.ACCEPTED, LineState.FLAGGED, LineState.CLEARED, LineState.REQUESTED, LineState.PAID,
           LineState.FAILED)


@dataclass
class StatementLine:
    line: ExpenseLine
    rule: str
    counted: bool


@dataclass
class Statement:
    member: object
    year: int
    lines: list[StatementLine] = field(default_factory=list)
    enrolments: list[Enrolment] = field(default_factory=list)
    counted: Decimal = Decimal(0)
    paid: Decimal = Decimal(0)
    cap: Decimal = Decimal(0)
    cap_version: int = 0
    cap_special: bool = False
    remaining: Decimal = Decimal(0)
    made_on: dt.date | None = None


def rule_text(line: ExpenseLine) -> str:
    """How the line's amount was computed, with the values and versions used."""
    if line.state == LineState.REJECTED:
        from .eligibility import REASONS

        return str(REASONS.get(line.reason, line.reason))
    used = line.policy_versions or {}
    inpatient = line.visit_kind == VisitKind.INPATIENT
    ded = used.get(policies.MEDICAL_INPATIENT_DEDUCTIBLE if inpatient else policies.MEDICAL_OUTPATIENT_DEDUCTIBLE, {})
    ratio = used.get(policies.MEDICAL_INPATIENT_RATIO if inpatient else policies.MEDICAL_OUTPATIENT_RATIO, {})
    cap_key = policies.MEDICAL_SPECIAL_CAP if line.special_cap else policies.MEDICAL_ANNUAL_CAP
    cap = used.get(cap_key, {})
    return _("(%(paid)s − deductible %(ded)s [v%(dv)s]) × %(ratio)s %% [v%(rv)s] = %(computed)s; "
             "cap %(cap)s [v%(cv)s], counted before %(before)s") % {
        "paid": line.self_paid, "ded": ded.get("value", "—"), "dv": ded.get("version", "—"),
        "ratio": ratio.get("value", "—"), "rv": ratio.get("version", "—"), "computed": line.computed,
        "cap": cap.get("value", "—"), "cv": cap.get("version", "—"), "before": line.paid_before}


def statement(member, year: int) -> Statement:
    """The member's statement for `year` (call only for a member the user may read)."""
    today = timezone.localdate()
    st = Statement(member=member, year=year, made_on=today)
    st.enrolments = list(Enrolment.objects.filter(member=member, year=year).select_related("plan", "unit"))
    lines = ExpenseLine.objects.filter(member=member, visit_from__year=year).select_related("batch").order_by(
        "visit_from", "visit_to", "row")
    for line in lines:
        counted = line.state in COUNTED
        st.lines.append(StatementLine(line, rule_text(line), counted))
        if counted:
            st.counted += line.payout
        if line.state == LineState.PAID:
            st.paid += line.payout
    day = min(today, dt.date(year, 12, 31))
    used = annual_cap(member.pk, day)
    st.cap, st.cap_version = used.value, used.version
    st.cap_special = used.key == policies.MEDICAL_SPECIAL_CAP
    st.counted, st.paid = st.counted.quantize(Decimal("0.01")), st.paid.quantize(Decimal("0.01"))
    st.remaining = max(Decimal(0), st.cap - st.counted).quantize(Decimal("0.01"))
    return st


#: The statement's page: A4 with page numbers, the CJK fonts the documents app uses, a landscape table.
PDF_CSS = """
@page { size: A4 landscape; margin: 1.8cm 1.6cm; @bottom-center { content: counter(page) " / " counter(pages);
        font-size: 9pt; } }
body { font-family: "Noto Sans CJK SC", "Noto Serif CJK SC", "Source Han Sans SC", sans-serif; font-size: 10pt; }
h1 { text-align: center; font-size: 16pt; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 0.5pt solid #555; padding: 2pt 4pt; vertical-align: top; }
caption { text-align: left; font-weight: bold; margin-bottom: 4pt; }
.text-end { text-align: right; }
dl { display: grid; grid-template-columns: 14em auto; }
"""


def statement_pdf(st: Statement) -> bytes:
    """The statement as PDF (WeasyPrint; only data: URLs are fetched, like the documents app)."""
    import weasyprint  # loads Pango: imported only when a PDF is made
    from weasyprint.urls import URLFetcher

    body = render_to_string("mutualaid/statement_pdf.html", {"st": st})
    html = (f'<!DOCTYPE html><html lang="zh-Hans"><head><meta charset="utf-8">'
            f"<title>{escape(_('Medical mutual aid statement'))}</title><style>{PDF_CSS}</style></head>"
            f"<body>{body}</body></html>")
    fetcher = URLFetcher(allowed_protocols=("data",), timeout=1, allow_redirects=False)
    return weasyprint.HTML(string=html, url_fetcher=fetcher, base_url=None).write_pdf()
