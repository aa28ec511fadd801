"""Forms of the legal-aid pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from unionserve.accounts.models import User
from unionserve.core.forms import StyledForm, StyledFormMixin
from unionserve.core.validators import InvalidValue, validate_uscc
from unionserve.workflow.models import Channel

from . import rules
from .models import Contract, DisputeType, Engagement, LawFirm, Lawyer, Outcome, Result


def DateInput() -> forms.DateInput:  # noqa: N802 - reads like the widget class it makes
    """A browser date picker; its value must be ISO (2026-11-26) whatever the language."""
    return forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})


class IntakeForm(StyledForm):
    applicant_name = forms.CharField(label=_("Applicant"), max_length=60)
    id_number = forms.CharField(label=_("Applicant's ID number"), max_length=18, required=False,
                                help_text=_("Links the case to the member register; stored only masked and hashed."))
    applicant_phone = forms.CharField(label=_("Applicant's mobile"), max_length=11, required=False)
    employer_name = forms.CharField(label=_("Opposing employer"), max_length=100)
    employer_uscc = forms.CharField(label=_("Employer's Unified Social Credit Code"), max_length=18, required=False,
                                    help_text=_("Used by the conflict check; 18 characters."))
    dispute_type = forms.ChoiceField(label=_("Dispute"), choices=DisputeType.choices)
    matter = forms.CharField(label=_("What aid is asked for"), widget=forms.Textarea(attrs={"rows": 3}))
    amount_claimed = forms.DecimalField(label=_("Amount claimed (yuan)"), required=False, min_value=0,
                                        max_digits=12, decimal_places=2)
    applied_on = forms.DateField(label=_("Applied on"), widget=DateInput())
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices, initial=Channel.WINDOW)
    comment = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ScreenForm(StyledForm):
    """One result and note per criterion, and an optional override with its reason."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    override_outcome = forms.ChoiceField(
        label=_("Override the outcome"), required=False,
        choices=(("", _("No override: follow the criteria")), (Outcome.ELIGIBLE, Outcome.ELIGIBLE.label),
                 (Outcome.NOT_ELIGIBLE, Outcome.NOT_ELIGIBLE.label)))
    override_reason = forms.CharField(label=_("Reason for the override"), required=False,
                                      widget=forms.Textarea(attrs={"rows": 2}),
                                      help_text=_("Required with an override; it is kept in the audit log."))

    def __init__(self, *args, criteria: dict[str, tuple[str, str]] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        criteria = criteria or {}
        self.rows = []
        for c in rules.CRITERIA:
            result, note = criteria.get(c.code, (Result.UNKNOWN, ""))
            rf = forms.ChoiceField(label=c.label, choices=Result.choices, initial=result,
                                   widget=forms.RadioSelect)
            nf = forms.CharField(label=_("Note"), required=False, max_length=300, initial=note)
            nf.widget.attrs["class"] = "form-control form-control-sm"
            self.fields[f"r_{c.code}"] = rf
            self.fields[f"n_{c.code}"] = nf
            self.rows.append((c, f"r_{c.code}", f"n_{c.code}"))

    def clean(self):
        data = super().clean()
        if data.get("override_outcome") and not (data.get("override_reason") or "").strip():
            self.add_error("override_reason", _("Write the reason for overriding the eligibility outcome."))
        return data

    def results(self) -> dict[str, tuple[str, str]]:
        return {c.code: (self.cleaned_data[r], self.cleaned_data.get(n) or "") for c, r, n in self.rows}

    def bound_rows(self):
        return [(c, self[r], self[n]) for c, r, n in self.rows]


class AssignForm(StyledForm):
    version = forms.IntegerField(widget=forms.HiddenInput)
    contract = forms.TypedChoiceField(label=_("Firm (contract)"), coerce=int, widget=forms.RadioSelect)
    lawyer = forms.TypedChoiceField(label=_("Lawyer"), coerce=int, required=False, empty_value=None)
    conflict_reason = forms.CharField(label=_("Reason to assign despite the flags"), required=False,
                                      widget=forms.Textarea(attrs={"rows": 2}),
                                      help_text=_("Required when the chosen firm is flagged by the conflict check."))

    def __init__(self, *args, suggestions=(), lawyers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contract"].choices = [(s.contract.pk, s.firm.name) for s in suggestions]
        self.fields["lawyer"].choices = [("", _("— choose later —"))] + [
            (lw.pk, f"{lw.name}（{lw.firm.name}）") for lw in lawyers]


class VersionedModelForm(StyledFormMixin, forms.ModelForm):
    """A registry form that refuses to overwrite a record changed by someone else meanwhile."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version

    def clean(self):
        data = super().clean()
        if self.instance.pk and data.get("version") != self.instance.version:
            raise forms.ValidationError(_("Someone else changed this record after you opened it. Reload the page "
                                          "and make your change again."))
        return data


class FirmForm(VersionedModelForm):
    class Meta:
        model = LawFirm
        fields = ["name", "uscc", "address", "contact_person", "phone", "active"]

    def clean_uscc(self) -> str:
        try:
            return validate_uscc(self.cleaned_data["uscc"])
        except InvalidValue as exc:
            raise forms.ValidationError(str(exc)) from exc


class ContractForm(VersionedModelForm):
    unit_code = forms.CharField(label=_("Contracting unit (code)"), max_length=20,
                                help_text=_("The city center's or a level-2 center's code."))

    class Meta:
        model = Contract
        fields = ["start", "end", "scope", "capacity"]
        widgets = {"start": DateInput(), "end": DateInput()}

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.units = units
        if self.instance.pk:
            self.fields["unit_code"].initial = self.instance.unit.code

    def clean_unit_code(self):
        code = self.cleaned_data["unit_code"].strip()
        unit = self.units.filter(code=code).first() if self.units is not None else None
        if unit is None or unit.level not in (1, 2):
            raise forms.ValidationError(_("Give the code of a level-1 or level-2 unit in your part of the "
                                          "organization."))
        return unit

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", _("The contract ends before it starts."))
        return data


class LawyerForm(VersionedModelForm):
    username = forms.CharField(label=_("Login (user name)"), required=False,
                               help_text=_("Optional: a user with the lawyer role; assigned cases reach their inbox."))

    class Meta:
        model = Lawyer
        fields = ["name", "licence_number", "phone", "active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.user_id:
            self.fields["username"].initial = self.instance.user.username

    def clean_username(self):
        name = (self.cleaned_data.get("username") or "").strip()
        if not name:
            return None
        user = User.objects.filter(username=name, is_active=True).first()
        if user is None or not user.has_role("lawyer"):
            raise forms.ValidationError(_("No active user %(name)s with the lawyer role.") % {"name": name})
        other = Lawyer.objects.filter(user=user).exclude(pk=self.instance.pk).first()
        if other is not None:
            raise forms.ValidationError(_("This login already belongs to %(lawyer)s.") % {"lawyer": other})
        return user


class EngagementForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Engagement
        fields = ["party_name", "party_uscc", "side", "start", "end", "note"]
        widgets = {"start": DateInput(), "end": DateInput()}

    def clean_party_uscc(self) -> str:
        value = (self.cleaned_data.get("party_uscc") or "").strip()
        if not value:
            return ""
        try:
            return validate_uscc(value)
        except InvalidValue as exc:
            raise forms.ValidationError(str(exc)) from exc
