"""The period filter of the statistics pages."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from unionserve.core.forms import StyledFormMixin

from .rates import DEFINITIONS, RATE_KEYS, Period

#: The longest period one page covers (daily figures for ten years would make an unreadable chart).
MAX_DAYS = 3 * 366


class PeriodForm(StyledFormMixin, forms.Form):
    start = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("To (inclusive)"), widget=forms.DateInput(attrs={"type": "date"}))
    rank = forms.ChoiceField(label=_("Rank the units by"), required=False,
                             choices=[(d.key, d.label) for d in DEFINITIONS])

    def clean(self):
        data = super().clean()
        assert data is not None  # Form.clean returns cleaned_data
        start, end = data.get("start"), data.get("end")
        if start and end:
            if start > end:
                self.add_error("end", _("The end of the period is before its start."))
            elif (end - start).days >= MAX_DAYS:
                self.add_error("start", _("Choose a period of at most %(n)s days.") % {"n": MAX_DAYS})
        return data

    def period(self) -> Period:
        """The chosen period, or the current month when the form is not valid."""
        if self.is_bound and self.is_valid():
            return Period(self.cleaned_data["start"], self.cleaned_data["end"])
        return Period.default()

    def rank_key(self) -> str:
        key = self.cleaned_data.get("rank") if self.is_bound and self.is_valid() else ""
        return key if key in RATE_KEYS else RATE_KEYS[0]


def initial_period(today: dt.date | None = None) -> dict:
    period = Period.default(today)
    return {"start": period.start, "end": period.end, "rank": RATE_KEYS[0]}
