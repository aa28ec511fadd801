"""Forms of the assistance pages: every input bounded; members are picked from the register's search list."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from unionserve.core.forms import StyledForm
from unionserve.core.money import money_form_field

from .models import HardshipCause, HardshipLevel, ProgramKind, SkillBasis

HOUSEHOLD_ROWS = 6


class HardshipForm(StyledForm):
    level = forms.ChoiceField(label=_("Level of hardship"), choices=HardshipLevel.choices)
    cause = forms.ChoiceField(label=_("Main cause"), choices=HardshipCause.choices)
    monthly_income = money_form_field(_("Household income per month (yuan)"))
    monthly_spending = money_form_field(_("Household spending per month (yuan)"))
    story = forms.CharField(label=_("The household's situation"), max_length=4000, widget=forms.Textarea(
        attrs={"rows": 4}))
    applied_on = forms.DateField(label=_("Applied on"), required=False, widget=forms.DateInput(attrs={"type": "date"}),
                                 help_text=_("Leave empty for today."))


class PersonForm(StyledForm):
    name = forms.CharField(label=_("Name"), max_length=40, required=False)
    relation = forms.CharField(label=_("Relation"), max_length=20, required=False,
                               help_text=_("本人 for the member"))
    age = forms.IntegerField(label=_("Age"), min_value=0, max_value=130, required=False)
    income = money_form_field(_("Income per month (yuan)"), required=False)
    in_school = forms.BooleanField(label=_("In school"), required=False)


HouseholdFormSet = forms.formset_factory(PersonForm, extra=HOUSEHOLD_ROWS, max_num=HOUSEHOLD_ROWS,
                                         absolute_max=HOUSEHOLD_ROWS)


class RecheckForm(StyledForm):
    still_eligible = forms.TypedChoiceField(label=_("Result of the re-check"), coerce=lambda v: v == "yes",
                                            choices=(("yes", _("Still in hardship: extend the file")),
                                                     ("no", _("No longer in hardship: end the file"))))
    level = forms.ChoiceField(label=_("Level of hardship"), required=False,
                              choices=(("", _("Unchanged")), *HardshipLevel.choices))
    note = forms.CharField(label=_("What the re-check found"), max_length=200)


class EmergencyForm(StyledForm):
    what_happened = forms.CharField(label=_("What happened"), max_length=2000, widget=forms.Textarea(
        attrs={"rows": 4}))
    amount_asked = money_form_field(_("Amount asked (yuan)"))


class SkillForm(StyledForm):
    basis = forms.ChoiceField(label=_("Basis"), choices=SkillBasis.choices)
    certificate_number = forms.CharField(label=_("Certificate or award number"), max_length=60)
    issuer = forms.CharField(label=_("Issued by"), max_length=100)
    place = forms.IntegerField(label=_("Place in the competition"), min_value=1, max_value=100, required=False,
                               help_text=_("Only for a city skills competition."))
    applied_on = forms.DateField(label=_("Applied on"), required=False, widget=forms.DateInput(attrs={"type": "date"}),
                                 help_text=_("Leave empty for today. The amount is the policy's on this day."))


class DecideForm(StyledForm):
    decision = forms.ChoiceField(label=_("Decision"), choices=(("approve", _("Approve and pay")),
                                                               ("reject", _("Reject"))))
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)


class IncomeForm(StyledForm):
    amount = money_form_field(_("Amount (yuan)"))
    memo = forms.CharField(label=_("Where it comes from"), max_length=200)


class ProgramForm(StyledForm):
    kind = forms.ChoiceField(label=_("Program"), choices=ProgramKind.choices)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    title = forms.CharField(label=_("Title"), max_length=100)
    amount = money_form_field(_("Grant per person (yuan)"))
    sms_text = forms.CharField(label=_("SMS text"), max_length=200)


class BudgetForm(StyledForm):
    district = forms.TypedChoiceField(label=_("District"), coerce=int, choices=())
    amount = money_form_field(_("Budget (yuan)"))

    def __init__(self, *args, districts=(), **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["district"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [(d.pk, d.name) for d in districts]


class ReasonForm(StyledForm):
    reason = forms.CharField(label=_("Reason"), max_length=200)
