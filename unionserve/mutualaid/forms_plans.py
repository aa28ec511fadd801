"""Forms of the plans' pages: the enrolment list upload, one member's enrolment, the quarter's expense file."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from unionserve.core.forms import StyledForm, UnitCodesField
from unionserve.core.money import money_form_field

from .models import Plan
from .tables import MAX_BYTES


def _check_size(upload) -> None:
    if upload.size > MAX_BYTES:
        raise forms.ValidationError(_("The file is larger than %(mb)d MB.") % {"mb": MAX_BYTES // (1024 * 1024)})
    if not upload.name.lower().endswith((".xlsx", ".csv")):
        raise forms.ValidationError(_("Send the file as .xlsx or .csv."))


class EnrolmentUploadForm(StyledForm):
    unit = UnitCodesField(label=_("Enrolling unit"), multiple=False, max_length=40,
                          help_text=_("The unit whose list this is (it pays the contributions)."))
    file = forms.FileField(label=_("Enrolment list (.xlsx or .csv)"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        _check_size(upload)
        return upload


def _years() -> list[tuple[int, str]]:
    year = timezone.localdate().year
    return [(y, str(y)) for y in (year + 1, year, year - 1)]


class EnrolForm(StyledForm):
    plan = forms.ModelChoiceField(label=_("Plan"), queryset=Plan.objects.filter(active=True))
    year = forms.TypedChoiceField(label=_("Plan year"), coerce=int, choices=_years)
    unit = UnitCodesField(label=_("Enrolling unit"), multiple=False, max_length=40)
    contribution = money_form_field(_("Contribution (yuan)"))
    paid_on = forms.DateField(label=_("Paid on"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    in_social_insurance = forms.BooleanField(label=_("In social insurance"), required=False)

    def clean_paid_on(self):
        day = self.cleaned_data.get("paid_on")
        if day and day > timezone.localdate():
            raise forms.ValidationError(_("The paid date cannot be in the future."))
        return day


def _quarters() -> list[tuple[int, str]]:
    return [(q, _("Quarter %(q)d") % {"q": q}) for q in (1, 2, 3, 4)]


class ExpenseUploadForm(StyledForm):
    year = forms.TypedChoiceField(label=_("Year"), coerce=int, choices=_years)
    quarter = forms.TypedChoiceField(label=_("Quarter"), coerce=int, choices=_quarters)
    file = forms.FileField(label=_("Expense file from the social-security center (.csv or .xlsx)"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        _check_size(upload)
        return upload


class ReviewForm(StyledForm):
    note = forms.CharField(label=_("Note"), max_length=200, required=False)
