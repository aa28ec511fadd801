"""The three rates of seed 000 §四.2 defined precisely, as pure functions and query conditions.

seed 000 §四.2(2): 一级工作平台……通过软件提醒二级工作平台单位信息合格率、会员信息采集率和会员信息准确率等情况，
根据抽检信息的质量提示二级、三级工作平台核查相关信息. The seeds name the rates but do not define them; the
definitions here are the project's (docs/decisions/0010-data-quality.md) and the rates page shows them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from django.db.models import BooleanField, Expression, F, Q
from django.db.models.lookups import Regex
from django.utils.translation import gettext_lazy as _

from unionserve.core.numbers import below, percent  # noqa: F401  the rates' one rounding rule and threshold test
from unionserve.core.text import StrOrPromise

# Mainland mobile number, the same rule as members.validators.validate_mobile (11 digits, 13–19).
MOBILE_REGEX = r"^1[3-9][0-9]{9}$"
# The character set and layout of a Unified Social Credit Code (GB 32100-2015): registration authority and
# type (2), division code (6 digits), organization code (9) and check character (1), no I, O, Z, S, V.
# The check character itself is verified by members.validators.validate_uscc when the employer is saved.
USCC_REGEX = r"^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$"


# One token of a fixed-length pattern: a character class or a digit, with an optional repeat count.
_TOKEN = re.compile(r"(\[[0-9A-Za-z-]+\]|[0-9])(?:\{([0-9]+)\})?")


@cache
def glob_of(regex: str) -> str:
    """The SQLite GLOB pattern matching exactly what the anchored, fixed-length `regex` matches.

    Only the form the register's formats use is accepted: ``^`` … ``$`` around digits and character classes
    (ranges, no negation), each optionally repeated ``{n}`` times; anything else raises ValueError. A GLOB
    always matches the whole value, one character per ``[…]``, case-sensitively, like the anchored regex.
    """
    if not (regex.startswith("^") and regex.endswith("$")):
        raise ValueError(f"not an anchored pattern: {regex!r}")
    body, out, pos = regex[1:-1], [], 0
    while pos < len(body):
        match = _TOKEN.match(body, pos)
        if match is None:
            raise ValueError(f"not a fixed-length pattern of character classes: {regex!r}")
        out.append(match.group(1) * int(match.group(2) or 1))
        pos = match.end()
    return "".join(out)


class FixedPattern(Expression):
    """True when the text field matches an anchored, fixed-length regex (see `glob_of`).

    PostgreSQL (and any other backend) evaluates the regex itself. On SQLite, Django's REGEXP is a Python
    function called once per row; the same test as a GLOB runs inside SQLite, which is what keeps the
    unit-information pass rate of 50,000 employers cheap. One difference, in the GLOB's favour: Python's
    ``$`` also matches before a final newline, PostgreSQL's and the GLOB's do not.
    """

    output_field = BooleanField()
    conditional = True

    def __init__(self, field: str, regex: str) -> None:
        super().__init__()
        self.lhs, self.regex = F(field), regex
        glob_of(regex)  # refuse a pattern the SQLite form cannot express, on every backend

    def get_source_expressions(self) -> list:
        return [self.lhs]

    def set_source_expressions(self, exprs: Sequence) -> None:
        (self.lhs,) = exprs

    def as_sql(self, compiler, connection):
        # Exactly Django's ``__regex`` lookup (its casts and operator on each backend).
        return compiler.compile(Regex(self.lhs, self.regex))

    def as_sqlite(self, compiler, connection):
        sql, params = compiler.compile(self.lhs)
        return f"{sql} GLOB %s", (*params, glob_of(self.regex))


def employer_passes_q() -> Q:
    """Employers whose unit information is complete and valid (单位信息合格).

    All of: a USCC of the right form; a name; an address; a station (always set: the field is required);
    a contact name; a valid mainland mobile as contact phone; `has_union` consistent with the grassroots
    union (a union ⇔ a grassroots union is set); and, with a union, more than 0 members reported.
    """
    return (
        Q(FixedPattern("uscc", USCC_REGEX))
        & ~Q(name="")
        & ~Q(address="")
        & Q(station__isnull=False)
        & ~Q(contact_name="")
        & Q(FixedPattern("contact_phone", MOBILE_REGEX))
        & (
            Q(has_union=True, grassroots__isnull=False, reported_members__gt=0)
            | Q(has_union=False, grassroots__isnull=True)
        )
    )


@dataclass(frozen=True)
class RateDefinition:
    code: str
    label: StrOrPromise
    chinese: str
    numerator: StrOrPromise
    denominator: StrOrPromise
    note: StrOrPromise


DEFINITIONS: tuple[RateDefinition, ...] = (
    RateDefinition(
        "unit_pass",
        _("Unit-information pass rate"),
        "单位信息合格率",
        _("employers whose information is complete and valid"),
        _("employers in the register"),
        _(
            "Complete and valid: a Unified Social Credit Code of the right form (its check character is verified "
            "when the employer is saved); name; address; service station; contact name; a valid mainland mobile "
            "number as contact phone; “has a union” set exactly when a grassroots union is linked; and with a "
            "union, more than 0 members reported. An employer counts at its grassroots union (else at its station "
            "and its industry or company union) and at every unit above them."
        ),
    ),
    RateDefinition(
        "collection",
        _("Member-information collection rate"),
        "会员信息采集率",
        _("active members in the register, at most the number reported, per grassroots union"),
        _("members reported by the employers that have a union"),
        _(
            "Capped at 100% per grassroots union: members beyond what a union's employers report are shown "
            "as “above reported” but do not make up for a shortfall in another union. A union whose employers "
            "report no members counts 0 of 0."
        ),
    ),
    RateDefinition(
        "accuracy",
        _("Member-information accuracy rate"),
        "会员信息准确率",
        _("sampled members found correct"),
        _("sampled members checked"),
        _(
            "From sample checks (抽检) whose case was closed by the reviewing unit within the policy's window "
            "(days before the snapshot date). “Wrong, corrected” counts as not accurate: the record was wrong "
            "when checked. Items are counted at the member's grassroots union when drawn."
        ),
    ),
)


def cap_collected(active: int, reported: int) -> tuple[int, int]:
    """(collected counted in the rate, members above what was reported) for one grassroots union."""
    return min(active, reported), max(0, active - reported)
