"""Forms of the served-visit pages: each input bounded, answered with a message, never a 500."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from unionserve.core.forms import StyledForm, UnitCodesField

from .models import VisitKind
from .rates import MAX_YEAR, MIN_YEAR

#: The largest upload (a month of the bank's swipes is well under this).
MAX_UPLOAD_BYTES = 200 * 1024 * 1024
MIN_DAY = dt.date(2013, 1, 1)


class ImportForm(StyledForm):
    file = forms.FileField(label=_("Swipe file (CSV or XLSX)"))

    def clean_file(self):
        f = self.cleaned_data["file"]
        if f.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than 200 MB: split it."))
        if not f.name.lower().endswith((".csv", ".xlsx", ".txt")):
            raise forms.ValidationError(_("Upload a .csv or .xlsx file."))
        return f


class ActivityForm(StyledForm):
    name = forms.CharField(label=_("Name"), max_length=120)
    day = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    unit = UnitCodesField(label=_("Held by"), multiple=False, max_length=40)
    project_code = forms.CharField(label=_("Service project code (optional)"), max_length=40, required=False)


class SignInForm(StyledForm):
    card_number = forms.CharField(label=_("Card number"), max_length=19, required=False,
                                  widget=forms.TextInput(attrs={"autofocus": True, "inputmode": "numeric"}))
    id_number = forms.CharField(label=_("or ID number"), max_length=18, required=False)

    def clean(self):
        data = super().clean() or {}
        if not (data.get("card_number") or "").strip() and not (data.get("id_number") or "").strip():
            raise forms.ValidationError(_("Give the card number or the ID number."))
        return data


class LedgerFilter(StyledForm):
    day_from = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    day_to = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    service = forms.CharField(label=_("Service"), max_length=60, required=False)
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("Any")), *VisitKind.choices])

    def clean(self):
        data = super().clean() or {}
        for key in ("day_from", "day_to"):
            day = data.get(key)
            if day is not None and not MIN_DAY <= day <= timezone.localdate() + dt.timedelta(days=366):
                self.add_error(key, _("Choose a date from 2013 on."))
        if data.get("day_from") and data.get("day_to") and data["day_from"] > data["day_to"]:
            self.add_error("day_to", _("The end is before the start."))
        return data


class RatesForm(StyledForm):
    year = forms.IntegerField(label=_("Year"), min_value=MIN_YEAR, max_value=MAX_YEAR, required=False)
