"""Forms of the station pages: nothing asks for a code or an id; people are picked from lists."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from unionserve.core.forms import StyledForm
from unionserve.core.money import MAX_AMOUNT

from .models import EQUIPMENT, OPTIONAL_EQUIPMENT, POSTINGS, REPORT_FIGURES, ROOMS, Appraisal, CourseKind, Post

EARLIEST = dt.date(2000, 1, 1)
LATEST = dt.date(2100, 12, 31)


def _date(label, required=True):
    return forms.DateField(label=label, required=required, widget=forms.DateInput(attrs={"type": "date"}))


class ProfileForm(StyledForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    street_facing = forms.BooleanField(label=_("Street-facing"), required=False)
    own_office = forms.BooleanField(label=_("Own office"), required=False)
    area_m2 = forms.IntegerField(label=_("Area (m²)"), min_value=0, max_value=10000)
    city_sign = forms.BooleanField(label=_("The city's sign installed"), required=False)
    rooms = forms.MultipleChoiceField(label=_("Rooms"), required=False, widget=forms.CheckboxSelectMultiple,
                                      choices=list(ROOMS.items()))
    equipment = forms.MultipleChoiceField(label=_("Equipment"), required=False, widget=forms.CheckboxSelectMultiple,
                                          choices=list(EQUIPMENT.items()) + list(OPTIONAL_EQUIPMENT.items()))
    pcs = forms.IntegerField(label=_("Networked PCs"), min_value=0, max_value=500)
    postings = forms.MultipleChoiceField(label=_("Postings on the wall (五上墙)"), required=False,
                                         widget=forms.CheckboxSelectMultiple, choices=list(POSTINGS.items()))
    outdoor_board = forms.BooleanField(label=_("Outdoor board"), required=False)
    video_link = forms.BooleanField(label=_("Video link to the city and district"), required=False)
    retained_funds = forms.DecimalField(label=_("Union funds retained per year (yuan)"), min_value=Decimal("0"),
                                        max_value=MAX_AMOUNT, decimal_places=2, max_digits=14)


class InspectionForm(StyledForm):
    standardized_on = _date(_("Standardization accepted on"), required=False)
    stars = forms.TypedChoiceField(label=_("Star rating"), coerce=int, choices=[(i, str(i)) for i in range(6)])

    def clean_standardized_on(self):
        day = self.cleaned_data["standardized_on"]
        if day is not None and not EARLIEST <= day <= LATEST:
            raise forms.ValidationError(_("Enter a date between 2000 and 2100."))
        return day


class WorkerForm(StyledForm):
    name = forms.CharField(label=_("Name"), max_length=60)
    post = forms.ChoiceField(label=_("Post"), choices=Post.choices)
    hired_on = _date(_("Hired on"))
    contract_until = _date(_("Contract until"), required=False)
    pay_grade = forms.CharField(label=_("Pay grade"), max_length=20, required=False)
    appraisal = forms.ChoiceField(label=_("Latest appraisal"), choices=Appraisal.choices, required=False)
    appraisal_year = forms.IntegerField(label=_("Appraisal year"), min_value=2000, max_value=2100, required=False)
    left_on = _date(_("Left on"), required=False)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def clean(self):
        data = super().clean() or {}
        for name in ("hired_on", "contract_until", "left_on"):
            day = data.get(name)
            if day is not None and not EARLIEST <= day <= LATEST:
                self.add_error(name, _("Enter a date between 2000 and 2100."))
        return data


class CourseForm(StyledForm):
    title = forms.CharField(label=_("Title"), max_length=120)
    kind = forms.ChoiceField(label=_("Kind"), choices=CourseKind.choices)
    held_on = _date(_("Held on"))
    hours = forms.DecimalField(label=_("Hours"), min_value=Decimal("0.5"), max_value=Decimal("200"),
                               decimal_places=1, max_digits=5)

    def clean_held_on(self):
        day = self.cleaned_data["held_on"]
        if not EARLIEST <= day <= LATEST:
            raise forms.ValidationError(_("Enter a date between 2000 and 2100."))
        return day


class AttendanceForm(StyledForm):
    worker = forms.ChoiceField(label=_("Worker"))
    hours = forms.DecimalField(label=_("Hours attended"), min_value=Decimal("0"), max_value=Decimal("200"),
                               decimal_places=1, max_digits=5)

    def __init__(self, *args, workers=(), **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["worker"]).choices = [
            (str(w.pk), f"{w.name} · {w.station.name}") for w in workers]


class ReportForm(StyledForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    narrative = forms.CharField(label=_("Other work and problems"), required=False, max_length=4000,
                                widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, (label, prefilled) in REPORT_FIGURES.items():
            self.fields[name] = forms.IntegerField(
                label=label, min_value=0, max_value=10_000_000,
                help_text=_("Prefilled from the platform; correct it if needed.") if prefilled else "")

    def figures(self) -> dict[str, int]:
        return {name: self.cleaned_data[name] for name in REPORT_FIGURES if self.cleaned_data.get(name) is not None}


class ReviewForm(StyledForm):
    reason = forms.CharField(label=_("Reason for return"), max_length=500, required=False,
                             widget=forms.Textarea(attrs={"rows": 2}))


class MoneyForm(StyledForm):
    received = forms.TypedChoiceField(label=_("Kind"), coerce=lambda v: v == "1",
                                      choices=[("1", _("Funds received")), ("0", _("Spending"))])
    on = _date(_("Date"))
    source = forms.ChoiceField(label=_("Source"), required=False, choices=[("", "—")])
    category = forms.ChoiceField(label=_("Category"), required=False, choices=[("", "—")])
    amount = forms.DecimalField(label=_("Amount (yuan)"), min_value=Decimal("0.01"), max_value=MAX_AMOUNT,
                                decimal_places=2, max_digits=14)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        from .models import FundSource, SpendCategory

        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["source"]).choices = [("", "—"), *FundSource.choices]
        cast(forms.ChoiceField, self.fields["category"]).choices = [("", "—"), *SpendCategory.choices]

    def clean_on(self):
        day = self.cleaned_data["on"]
        if not EARLIEST <= day <= LATEST:
            raise forms.ValidationError(_("Enter a date between 2000 and 2100."))
        return day


class MeetingForm(StyledForm):
    kind = forms.ChoiceField(label=_("Kind"))
    held_on = _date(_("Held on"))
    topic = forms.CharField(label=_("Topic"), max_length=200)
    attendees = forms.CharField(label=_("Attendees"), max_length=500, required=False)
    attendance = forms.IntegerField(label=_("Number attending"), min_value=0, max_value=1000)
    minutes = forms.CharField(label=_("Minutes"), max_length=8000, required=False,
                              widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        from .models import MeetingKind

        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["kind"]).choices = MeetingKind.choices

    def clean_held_on(self):
        day = self.cleaned_data["held_on"]
        if not EARLIEST <= day <= LATEST:
            raise forms.ValidationError(_("Enter a date between 2000 and 2100."))
        return day
