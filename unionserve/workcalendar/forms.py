"""Forms: check a deadline by hand, enter a year's schedule by rows, upload it as a file."""

from __future__ import annotations

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from unionserve.core.forms import StyledForm

from .models import DayKind
from .schedule import MAX_UPLOAD_BYTES, MIN_SCHEDULE_YEAR, ScheduleRow
from .service import MAX_DAYS, Rule
from .statutory import MAX_YEAR

#: The festivals of a State Council notice, in its order; pre-filled as the names of the form rows.
FESTIVAL_NAMES = ("元旦", "春节", "清明节", "劳动节", "端午节", "中秋节", "国庆节")
#: A holiday period longer than this is surely a typo in a date.
MAX_PERIOD_DAYS = 31


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class DeadlineForm(StyledForm):
    """Start date, rule and N: what a clerk needs to check a deadline by hand."""

    start = forms.DateField(label=_("Start date (not counted)"), widget=DateInput())
    rule = forms.ChoiceField(
        label=_("Rule"),
        choices=[
            (Rule.WORKING_DAYS, _("N working days (N个工作日)")),
            (Rule.CALENDAR_DAYS, _("N days (N日)")),
            (Rule.SAME_DAY, _("Same day (当天)")),
        ],
        initial=Rule.WORKING_DAYS,
    )
    n = forms.IntegerField(label=_("N"), min_value=1, max_value=MAX_DAYS, required=False, initial=7)

    def clean(self) -> dict:
        data = super().clean()
        assert data is not None  # Form.clean returns cleaned_data
        if data.get("rule") in (Rule.WORKING_DAYS, Rule.CALENDAR_DAYS) and not data.get("n"):
            self.add_error("n", _("Enter the number of days."))
        return data


class ScheduleYearForm(StyledForm):
    """Year, source note and confirmation: the part shared by the row form and the upload form."""

    year = forms.IntegerField(label=_("Year"), min_value=MIN_SCHEDULE_YEAR, max_value=MAX_YEAR)
    note = forms.CharField(
        label=_("Source document"),
        required=False,
        max_length=200,
        help_text=_("For example the number of the State Council notice."),
    )
    replace = forms.BooleanField(label=_("Replace the existing official schedule of this year"), required=False)


class UploadForm(ScheduleYearForm):
    """A CSV or XLSX file with columns date, kind, name."""

    file = forms.FileField(label=_("File (CSV or XLSX)"), help_text=_("Columns: date, kind (holiday/workday), name."))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".csv", ".xlsx")):
            raise forms.ValidationError(_("Upload a .csv or .xlsx file."))
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than 1 MB."))
        return upload


_ROW = {"class": "form-control form-control-sm"}


class HolidayRangeForm(forms.Form):
    """One holiday period: name, first and last day off (weekend days inside included)."""

    name = forms.CharField(label=_("Holiday"), max_length=60, required=False, widget=forms.TextInput(attrs=_ROW))
    start = forms.DateField(label=_("First day off"), required=False, widget=DateInput(attrs=_ROW))
    end = forms.DateField(label=_("Last day off"), required=False, widget=DateInput(attrs=_ROW))

    def clean(self) -> dict:
        data = super().clean()
        assert data is not None  # Form.clean returns cleaned_data
        start, end, name = data.get("start"), data.get("end"), (data.get("name") or "").strip()
        if not start and not end:
            return data  # an unused row; its pre-filled name alone means nothing
        if not start or not end:
            raise forms.ValidationError(_("Enter both the first and the last day off."))
        if end < start:
            raise forms.ValidationError(_("The last day off is before the first."))
        if (end - start).days >= MAX_PERIOD_DAYS:
            raise forms.ValidationError(_("A holiday period cannot be longer than 31 days."))
        if not name:
            raise forms.ValidationError(_("Enter the name of the holiday."))
        return data


class WorkdayForm(forms.Form):
    """One adjusted working day (a Saturday or Sunday worked), with the holiday it belongs to."""

    date = forms.DateField(label=_("Date"), required=False, widget=DateInput(attrs=_ROW))
    name = forms.CharField(label=_("For holiday"), max_length=60, required=False, widget=forms.TextInput(attrs=_ROW))


HolidayRangeFormSet = forms.formset_factory(HolidayRangeForm, extra=0, max_num=30, validate_max=True)
WorkdayFormSet = forms.formset_factory(WorkdayForm, extra=0, max_num=30, validate_max=True)

#: Blank rows offered beyond the pre-filled festivals.
EXTRA_HOLIDAY_ROWS = 2
WORKDAY_ROWS = 8


def holiday_initial() -> list[dict]:
    """Initial rows of the holiday formset: the seven festivals, then blank rows."""
    return [{"name": name} for name in FESTIVAL_NAMES] + [{} for _ in range(EXTRA_HOLIDAY_ROWS)]


def workday_initial() -> list[dict]:
    return [{} for _ in range(WORKDAY_ROWS)]


def rows_from_formsets(holidays: forms.BaseFormSet, workdays: forms.BaseFormSet) -> list[ScheduleRow]:
    """The schedule rows the two (valid) formsets describe, labelled for error messages."""
    rows: list[ScheduleRow] = []
    for index, form in enumerate(holidays.forms, start=1):
        data = form.cleaned_data
        if not data.get("start"):
            continue
        name = data["name"].strip()
        where = f"假期第{index}行（{name}）"
        day: datetime.date = data["start"]
        while day <= data["end"]:
            rows.append(ScheduleRow(day, DayKind.HOLIDAY, name, where))
            day += datetime.timedelta(days=1)
    for index, form in enumerate(workdays.forms, start=1):
        data = form.cleaned_data
        if not data.get("date"):
            continue
        rows.append(
            ScheduleRow(data["date"], DayKind.WORKDAY, (data.get("name") or "").strip(), f"调休上班第{index}行")
        )
    return rows
