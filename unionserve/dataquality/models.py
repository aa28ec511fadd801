"""Data quality of the real-name register (seed 000 §四.2): thresholds, nightly snapshots, sample checks.

- `Thresholds`: the thresholds and sample-check numbers, read from the policy app (keys in policies.py,
  each versioned with its effective date there); `policy_in_force(day)` gives those in force on a day.
- `QualitySnapshot`: one row per unit and day with the numerator and denominator of each rate (rolled up
  over the org tree), and the policy versions it was judged by. The rates page reads only snapshots.
- `SampleCheckRun` / `SampleCheckCase` / `SampleCheckItem`: a sample check (抽检) draws members per unit and
  sends the verification down as one workflow case per unit (process "samplecheck", process.py).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from . import policies

#: The code of the sample-check process (process.py); here so that actions and the process both read it
#: without importing each other.
CODE = "samplecheck"

@dataclass(frozen=True)
class Thresholds:
    """The data-quality numbers in force on a day, read from the policy app, with the versions they came from.

    A snapshot or a sample-check run stores ``as_record()`` (key → version, id, value, effective date), so it
    still names the versions it was judged by after the city office changes a number; ``from_record`` reads
    it back.
    """

    effective_from: dt.date
    unit_pass_min: Decimal
    collection_min: Decimal
    accuracy_min: Decimal
    sample_size_per_unit: int
    check_deadline_working_days: int
    accuracy_window_days: int
    #: (key, version number, version id, effective date ISO) of each number.
    versions: tuple[tuple[str, int, int | None, str], ...] = ()
    source: str = field(default="", compare=False)

    def as_record(self) -> dict:
        values = {key: getattr(self, attr) for attr, key in KEYS.items()}
        return {key: {"version": number, "version_id": pk, "value": str(values[key]), "effective_from": day}
                for key, number, pk, day in self.versions}

    def version_of(self, attr: str) -> int | None:
        """The version number of one of the numbers (by attribute name)."""
        return next((number for key, number, _pk, _day in self.versions if key == KEYS[attr]), None)

    @classmethod
    def from_record(cls, record: dict) -> Thresholds:
        """The thresholds a decision recorded (the seed default for a key it lacks)."""
        from unionserve.policy import parameter

        fields: dict[str, Any] = {}
        versions = []
        for attr, key in KEYS.items():
            entry = record.get(key)
            fields[attr] = parameter(key).convert(Decimal(str(entry["value"] if entry else parameter(key).default)))
            if entry:
                versions.append((key, entry["version"], entry.get("version_id"), entry.get("effective_from") or ""))
        dates = [dt.date.fromisoformat(day) for *_rest, day in versions if day]
        return cls(effective_from=max(dates) if dates else dt.date.min, versions=tuple(versions), **fields)


#: Attribute of Thresholds → policy key (registered in dataquality/policies.py).
KEYS = {
    "unit_pass_min": policies.UNIT_PASS_MIN,
    "collection_min": policies.COLLECTION_MIN,
    "accuracy_min": policies.ACCURACY_MIN,
    "sample_size_per_unit": policies.SAMPLE_SIZE,
    "check_deadline_working_days": policies.CHECK_DAYS,
    "accuracy_window_days": policies.ACCURACY_WINDOW_DAYS,
}


def policy_in_force(day: dt.date | None = None) -> Thresholds:
    """The thresholds in force on `day` (default today), each number the policy version in force then."""
    from unionserve.policy import value

    day = day or timezone.localdate()
    used = {attr: value(key, day) for attr, key in KEYS.items()}
    return Thresholds(
        effective_from=max(v.effective_from for v in used.values()),
        versions=tuple((v.key, v.version, v.version_id, v.effective_from.isoformat()) for v in used.values()),
        source="; ".join(sorted({v.source for v in used.values()})),
        **{attr: v.value for attr, v in used.items()},
    )


class QualitySnapshot(models.Model):
    """The three rates of one unit on one day, as numerators and denominators (rates are derived)."""

    scope_paths = ("unit__region_path", "unit__industry_path")

    unit = models.ForeignKey("orgs.OrgUnit", models.CASCADE, related_name="+", verbose_name=_("unit"))
    date = models.DateField(_("date"))
    #: The policy versions the rates were judged by (``Thresholds.as_record``), e.g.
    #: {"dataquality.collection_min": {"version": 2, "version_id": 41, "value": "98.00", ...}, ...}.
    policy_versions = models.JSONField(default=dict, blank=True)
    employers = models.PositiveIntegerField(default=0)
    employers_passed = models.PositiveIntegerField(default=0)
    members_reported = models.PositiveBigIntegerField(default=0)
    members_collected = models.PositiveBigIntegerField(default=0)
    #: Members in the register beyond what the employers report (not counted in the rate; shown as a hint).
    members_over = models.PositiveBigIntegerField(default=0)
    items_checked = models.PositiveIntegerField(default=0)
    items_correct = models.PositiveIntegerField(default=0)
    computed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("data-quality snapshot")
        constraints = [models.UniqueConstraint(fields=["unit", "date"], name="dq_snapshot_unit_date")]
        indexes = [models.Index(fields=["date", "unit"], name="dq_snapshot_date_unit")]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.date}"

    @property
    def policy(self) -> Thresholds:
        """The thresholds this snapshot was judged by."""
        return Thresholds.from_record(self.policy_versions)


class RunStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", pgettext_lazy("sample check run", "Closed")


class SampleUnitKind(models.TextChoices):
    STATION = "station", _("Per service station")
    GRASSROOTS = "grassroots", _("Per grassroots union")


class SampleCheckRun(models.Model):
    """One sample check (抽检) over the units below `root`, by the policy version `policy`."""

    scope_paths = ("root__region_path", "root__industry_path")

    root = models.ForeignKey("orgs.OrgUnit", models.PROTECT, related_name="+", verbose_name=_("checked area"))
    unit_kind = models.CharField(_("sample"), max_length=12, choices=SampleUnitKind.choices,
                                 default=SampleUnitKind.STATION)
    #: The policy versions in force when the run was created (sample size, checking deadline, thresholds).
    policy_versions = models.JSONField(default=dict, blank=True)
    sample_size = models.PositiveIntegerField(_("members sampled per unit"))
    seed = models.BigIntegerField(help_text="Random seed of the draw, kept so the sample can be reproduced.")
    status = models.CharField(_("status"), max_length=8, choices=RunStatus.choices, default=RunStatus.OPEN)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                   verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("sample check")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.root} {self.created_at:%Y-%m-%d}"

    @property
    def policy(self) -> Thresholds:
        """The thresholds and sample-check numbers in force when the run was created."""
        return Thresholds.from_record(self.policy_versions)


class SampleCheckCase(models.Model):
    """The verification one unit does for a run: the workflow case and the unit that checks."""

    scope_paths = ("unit__region_path", "unit__industry_path")

    run = models.ForeignKey(SampleCheckRun, models.CASCADE, related_name="cases")
    unit = models.ForeignKey("orgs.OrgUnit", models.PROTECT, related_name="+", verbose_name=_("unit"))
    case = models.OneToOneField("workflow.Case", models.CASCADE, related_name="sample_check")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["run", "unit"], name="dq_one_case_per_unit")]

    def __str__(self) -> str:
        return f"{self.run_id} {self.unit_id}"


class ItemResult(models.TextChoices):
    CORRECT = "correct", _("Correct")
    CORRECTED = "corrected", _("Wrong, corrected")
    WRONG = "wrong", _("Wrong, not yet corrected")


class SampleCheckItem(models.Model):
    """One sampled member and what the checking unit found."""

    scope_paths = ("unit_check__unit__region_path", "unit_check__unit__industry_path")

    unit_check = models.ForeignKey(SampleCheckCase, models.CASCADE, related_name="items")
    member = models.ForeignKey("members.Member", models.CASCADE, related_name="+")
    #: The member's grassroots union when drawn (the accuracy rate is attributed to it).
    grassroots = models.ForeignKey("orgs.OrgUnit", models.PROTECT, related_name="+")
    result = models.CharField(_("result"), max_length=10, choices=ItemResult.choices, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    checked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["grassroots", "result"], name="dq_item_unit_result")]

    def __str__(self) -> str:
        return f"{self.unit_check_id} {self.member_id} {self.result}"
