"""Forms of the data-quality pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import SampleUnitKind


class RunForm(forms.Form):
    """A new sample check under a unit of the user's scope (the unit is chosen by its code)."""

    root = forms.CharField(label=_("Area to check (unit code)"), max_length=20,
                           help_text=_("A district center, station, or industry or company union in your part "
                                       "of the organization."))
    unit_kind = forms.ChoiceField(label=_("Sample"), choices=SampleUnitKind.choices, initial=SampleUnitKind.STATION)
    sample_size = forms.IntegerField(label=_("Members sampled per unit"), min_value=1, max_value=500)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)
