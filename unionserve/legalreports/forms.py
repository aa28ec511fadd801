"""The period of the statistics page."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from unionserve.core.forms import StyledFormMixin

from .stats import Period

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def default_period(today: dt.date | None = None) -> Period:
    """From the first of January to today."""
    today = today or timezone.localdate()
    return Period(today.replace(month=1, day=1), today)


class PeriodForm(StyledFormMixin, forms.Form):
    start = forms.DateField(label=_("From"), widget=DATE, required=False)
    end = forms.DateField(label=_("To (included)"), widget=DATE, required=False)

    def __init__(self, *args, **kwargs):
        default = default_period()
        kwargs.setdefault("initial", {"start": default.start, "end": default.end})
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        assert data is not None  # Form.clean returns cleaned_data
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            raise forms.ValidationError(_("The start of the period must not be after its end."))
        return data

    def period(self) -> Period:
        default = default_period()
        if not self.is_bound or not self.is_valid():
            return default
        return Period(self.cleaned_data.get("start") or default.start, self.cleaned_data.get("end") or default.end)
