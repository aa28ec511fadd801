"""Forms of the mediation pages: intake, the mediator registry, appointing a mediator, the case list filter."""

from __future__ import annotations

from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from unionserve.accounts.models import User
from unionserve.core.forms import StyledForm
from unionserve.core.scope import scope_of
from unionserve.core.vocab import DisputeType
from unionserve.orgs.models import OrgUnit

from .models import Mediator, Path
from .rules import InputError, parse_claims, parse_workers


class IntakeForm(StyledForm):
    dispute_type = forms.ChoiceField(label=_("Kind of dispute"), choices=DisputeType.choices)
    summary = forms.CharField(label=_("The dispute"), widget=forms.Textarea(attrs={"rows": 4}),
                              help_text=_("What happened and what the workers ask for, in their words."))
    workers = forms.CharField(
        label=_("Workers (one per line)"), widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One name per line. Several workers make a collective dispute. For a member of the register, "
                    "add a comma and the ID number: 张三, 110101199001011234."))
    employer_uscc = forms.CharField(label=_("Employer's credit code (if in the register)"), max_length=18,
                                    required=False)
    employer_name = forms.CharField(label=_("Employer (if not in the register)"), max_length=200, required=False,
                                    help_text=_("Leave both empty when the linked members' employer is the party."))
    claims = forms.CharField(
        label=_("Claims (one per line)"), widget=forms.Textarea(attrs={"rows": 3}), required=False,
        help_text=_("The claim, then a comma and the amount in yuan if it is about money: 支付拖欠工资, 18000."))
    channel = forms.ChoiceField(label=_("How it came in"), choices=(
        ("window", _("Service window")), ("phone", _("Phone")), ("web", _("Web"))), initial="window")
    comment = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def clean_workers(self):
        try:
            return tuple(parse_workers(self.cleaned_data["workers"]))
        except InputError as exc:
            raise forms.ValidationError(str(exc)) from None

    def clean_claims(self):
        text = self.cleaned_data.get("claims") or ""
        try:
            parse_claims(text)
        except InputError as exc:
            raise forms.ValidationError(str(exc)) from None
        return text


class MediatorForm(StyledForm):
    #: The mediator being changed (None for a new one), set by the view before validation.
    instance_pk: int | None = None

    unit = forms.CharField(label=_("Unit (code)"), max_length=20,
                           help_text=_("The mediation body the mediator works for, in your part of the organization."))
    name = forms.CharField(label=_("Name"), max_length=60)
    username = forms.CharField(label=_("User account (optional)"), max_length=150, required=False,
                               help_text=_("A user of the same unit: appointed cases then go to their inbox."))
    phone = forms.CharField(label=_("Office phone"), max_length=20, required=False)
    specialties = forms.MultipleChoiceField(label=_("Specialties"), choices=DisputeType.choices, required=False,
                                            widget=forms.CheckboxSelectMultiple)
    max_load = forms.IntegerField(label=_("Most open cases at once"), min_value=1, max_value=200, initial=8)
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_unit(self):
        code = self.cleaned_data["unit"].strip()
        unit = scope_of(self.user).filter(OrgUnit.objects.active()).filter(code=code).first()
        if unit is None:
            raise forms.ValidationError(_("No active unit with this code in your part of the organization."))
        return unit

    def clean_username(self):
        name = self.cleaned_data["username"].strip()
        if not name:
            return None
        account = scope_of(self.user).filter(User.objects.filter(username=name, is_active=True)).first()
        if account is None:
            raise forms.ValidationError(_("No active user with this name."))
        return account

    def clean(self):
        data = super().clean()
        assert data is not None  # Form.clean returns cleaned_data
        unit, account = data.get("unit"), data.get("username")
        if unit is not None and account is not None and account.org_unit_id != unit.pk:
            self.add_error("username", _("This user belongs to another unit; choose a user of the mediator's unit."))
        if account is not None:
            others = Mediator.objects.filter(user=account)
            other = (others.exclude(pk=self.instance_pk) if self.instance_pk is not None else others).first()
            if other is not None:
                self.add_error("username", _("This user is already the mediator %(name)s.") % {"name": other.name})
        return data


class AppointForm(StyledForm):
    mediator = forms.ModelChoiceField(label=_("Mediator"), queryset=Mediator.objects.none(), empty_label=None)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, ranked: list[Mediator], **kwargs):
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelChoiceField, self.fields["mediator"])
        field.queryset = Mediator.objects.filter(pk__in=[m.pk for m in ranked])
        field.choices = [
            (m.pk, f"{m.name} · " + (str(_("specialist")) + " · " if m.specialist else "")
             + str(_("%(load)s of %(max)s open cases") % {"load": m.load, "max": m.max_load}))
            for m in ranked
        ]


class CaseFilterForm(StyledForm):
    q = forms.CharField(label=_("Number, worker or employer"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False, choices=(
        ("", _("All")), ("open", _("Open")), ("closed", pgettext_lazy("case", "Closed"))))
    path = forms.ChoiceField(label=_("Path"), required=False, choices=(("", _("All")), *Path.choices))
