"""Forms of the member register pages: search, edit (optimistic locking), transfer, receive, merge, export."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from unionserve import pii
from unionserve.core.forms import StyledForm
from unionserve.core.scope import scope_of
from unionserve.orgs.forms import ScopedForm, UnitCodeField
from unionserve.orgs.models import UnitKind

from . import validators
from .models import Employer, MemberStatus, SpecialGroup
from .search import EmployerFilter, MemberFilter


class MemberSearchForm(StyledForm):
    q = forms.CharField(label=_("Name, pinyin initials, ID number, mobile or card number"), required=False,
                        max_length=60)
    unit = forms.CharField(label=_("Unit (code)"), required=False, max_length=20,
                           help_text=_("Members of this unit and the units under it."))
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("All statuses")), *MemberStatus.choices])
    group = forms.ChoiceField(label=_("Special group"), required=False,
                              choices=[("", _("All members")), *SpecialGroup.choices])

    def to_filter(self) -> MemberFilter:
        if not self.is_bound or not self.is_valid():
            return MemberFilter()
        data = self.cleaned_data
        return MemberFilter(q=data["q"], unit=data["unit"], status=data["status"], group=data["group"])


class ExportForm(MemberSearchForm):
    unmasked = forms.BooleanField(label=_("Unmasked ID numbers and mobiles (recorded in the audit log)"),
                                  required=False)


class EmployerSearchForm(StyledForm):
    q = forms.CharField(label=_("Name or Unified Social Credit Code"), required=False, max_length=60)
    has_union = forms.ChoiceField(label=_("Union"), required=False,
                                  choices=[("", _("All employers")), ("1", _("With a union")),
                                           ("0", _("Without a union"))])

    def to_filter(self) -> EmployerFilter:
        if not self.is_bound or not self.is_valid():
            return EmployerFilter()
        return EmployerFilter(q=self.cleaned_data["q"], has_union=self.cleaned_data["has_union"])


EDUCATION_CHOICES = [("", "—"), ("初中及以下", "初中及以下"), ("高中/中专", "高中/中专"), ("大专", "大专"),
                     ("本科", "本科"), ("研究生", "研究生")]


class MemberEditForm(StyledForm):
    """The editable data of a member. `version` is the Member.version the form was loaded with."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    name = forms.CharField(label=_("Name"), max_length=60)
    phone = forms.CharField(label=_("Mobile"), max_length=20, required=False,
                            help_text=_("Leave as it is to keep the current mobile; clear it to remove it."))
    employment = forms.CharField(label=_("Employment status"), max_length=20, required=False)
    education = forms.CharField(label=_("Education"), max_length=20, required=False)
    skill_certificate = forms.CharField(label=_("Skill certificate"), max_length=40, required=False)
    honour = forms.CharField(label=_("Honour"), max_length=40, required=False,
                             help_text=_("E.g. the model-worker title and year."))
    model_worker = forms.BooleanField(label=_("Model worker"), required=False)
    hardship = forms.BooleanField(label=_("Hardship worker"), required=False)
    single_mother = forms.BooleanField(label=_("Single-parent female worker"), required=False)
    card_number = forms.CharField(label=_("Card number"), max_length=19, required=False)
    status = forms.ChoiceField(label=_("Status"), choices=MemberStatus.choices)

    #: Shown instead of the clear mobile, so an unchanged form does not need to decrypt anything.
    UNCHANGED = "__unchanged__"

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError(_("Enter the name."))
        return name

    def clean_phone(self) -> str:
        value = self.cleaned_data["phone"].strip()
        if value and value == self.initial.get("phone"):
            return self.UNCHANGED
        if not value:
            return ""
        try:
            return pii.validate_mobile(value)
        except pii.InvalidValue as exc:
            raise forms.ValidationError(str(exc))

    def clean_card_number(self) -> str:
        value = self.cleaned_data["card_number"].strip()
        if not value:
            return ""
        try:
            return validators.validate_card(value)
        except validators.InvalidValue as exc:
            raise forms.ValidationError(str(exc))


class TransferForm(ScopedForm):
    """Where the member goes: an employer (by USCC) and/or a grassroots union (by code), both in scope."""

    employer = forms.CharField(label=_("New employer (Unified Social Credit Code)"), max_length=18, required=False,
                               help_text=_("Without a union of its own, the member joins its station's joint union."))
    grassroots = UnitCodeField(label=_("New grassroots union (code)"), required=False)
    reason = forms.CharField(label=_("Reason"), max_length=60)

    def clean_employer(self) -> Employer | None:
        value = self.cleaned_data["employer"].strip().upper()
        if not value:
            return None
        employer = scope_of(self.user).filter(Employer.objects.filter(uscc=value)).select_related(
            "station", "grassroots").first()
        if employer is None:
            raise forms.ValidationError(_("No employer with this code in your part of the organization."))
        return employer

    def clean_grassroots(self):
        unit = self.cleaned_data["grassroots"]
        if unit is not None and unit.kind != UnitKind.GRASSROOTS:
            raise forms.ValidationError(_("Choose a grassroots union."))
        return unit

    def clean(self):
        data = super().clean()
        if not self.errors and not data.get("employer") and not data.get("grassroots"):
            raise forms.ValidationError(_("Choose the new employer or the new grassroots union."))
        return data


class ReceiveForm(TransferForm):
    """Receive a member from elsewhere (接收): known by the full ID number and the name."""

    id_number = forms.CharField(label=_("ID number"), max_length=18)
    name = forms.CharField(label=_("Name"), max_length=60)
    field_order = ["id_number", "name", "employer", "grassroots", "reason"]

    def clean_id_number(self) -> str:
        try:
            return pii.parse_id_number(self.cleaned_data["id_number"]).number
        except pii.InvalidValue as exc:
            raise forms.ValidationError(str(exc))


class MergeForm(StyledForm):
    """One group of near-duplicates: `members` (ids, comma-separated), the one to keep, a note."""

    members = forms.CharField(widget=forms.HiddenInput, max_length=400)
    keep = forms.IntegerField()
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def clean_members(self) -> list[int]:
        try:
            ids = [int(x) for x in self.cleaned_data["members"].split(",") if x.strip()]
        except ValueError:
            raise forms.ValidationError(_("Invalid list of members."))
        if len(set(ids)) < 2:
            raise forms.ValidationError(_("Choose two different members."))
        return list(dict.fromkeys(ids))

    def clean(self):
        data = super().clean()
        if data.get("members") and data.get("keep") not in data["members"]:
            raise forms.ValidationError(_("Choose the member to keep from the group."))
        return data
