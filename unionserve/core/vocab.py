"""Vocabularies shared by areas that must not import each other.

``DisputeType``: what a labor dispute is about, one list for labor-dispute mediation (seed 000 §四.5) and legal
aid (§四.6), so a case referred from one to the other, a mediator's specialties and the legal statistics that
add both speak of the same kinds. The seeds name no list; these are the kinds of the Labor Dispute Mediation and
Arbitration Law art. 2 grouped as the units report them. Until they were made one, legal aid had its own codes
(``insurance`` and ``overtime``, now ``social_insurance`` and ``hours``; its migration maps them).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from unionserve.core.constraints import one_of_constraint


class DisputeType(models.TextChoices):
    """What a dispute is about; also a mediator's specialties."""

    WAGES = "wages", _("Wages and pay")
    CONTRACT = "contract", _("Labor contract")
    DISMISSAL = "dismissal", _("Dismissal and severance")
    SOCIAL_INSURANCE = "social_insurance", _("Social insurance")
    INJURY = "injury", _("Work injury")
    HOURS = "hours", _("Working hours and overtime")
    COLLECTIVE = "collective", _("Collective dispute")
    OTHER = "other", _("Other")


#: Width of a dispute-type column (the longest code with room to spare).
DISPUTE_TYPE_LENGTH = 20


def dispute_type_field(verbose_name, **kwargs) -> models.CharField:
    """The column of a dispute type, with the choices and width every area uses."""
    return models.CharField(verbose_name, max_length=DISPUTE_TYPE_LENGTH, choices=DisputeType.choices, **kwargs)


def dispute_type_constraint(field: str, name: str) -> models.CheckConstraint:
    """The database's guard of a dispute-type column: one of the codes."""
    return one_of_constraint(field, DisputeType.values, name=name)
