"""Forms of six-party linkage: partners, referring a case, receiving a referral, recording the outcome."""

from __future__ import annotations

import datetime as dt
from typing import cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from unionserve.core.forms import StyledFormMixin
from unionserve.core.money import money_form_field
from unionserve.workflow.forms import _form_field

from .models import PartnerKind, ReferralStatus

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PartnerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.name}（{obj.get_kind_display()}，{obj.unit.name}）"


class ReferralForm(StyledFormMixin, forms.Form):
    """Refer a case to a partner (outgoing), or the referral part of one received (incoming)."""

    partner = PartnerChoiceField(label=_("Partner"), queryset=None)
    referred_on = forms.DateField(label=_("Date"), widget=DATE)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)
    contact = forms.CharField(label=_("Contact at the partner"), max_length=120, required=False,
                              help_text=_("Name and phone of the person who takes it up there."))

    def __init__(self, *args, partners, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("referred_on", timezone.localdate())
        super().__init__(*args, **kwargs)
        partner = cast(forms.ModelChoiceField, self.fields["partner"])
        partner.queryset = partners.filter(active=True).select_related("unit")


class IncomingForm(ReferralForm):
    """A referral received from a partner: open a case of `process` for it, link it to a case, or neither yet."""

    case_number = forms.CharField(label=_("Existing case number"), max_length=20, required=False,
                                  help_text=_("Leave empty to record it now and link it to a case later."))
    title = forms.CharField(label=_("Title of the new case"), max_length=200, required=False)
    subject_name = forms.CharField(label=_("Concerns (person)"), max_length=100, required=False)

    def __init__(self, *args, definition=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.definition = definition
        if definition is None:
            del self.fields["title"], self.fields["subject_name"]
        else:
            del self.fields["case_number"]
            self.fields["title"].required = True
            for f in definition.opening.fields:
                if f.kind == "file":
                    continue
                field = _form_field(f)
                css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
                field.widget.attrs["class"] = css
                if field.help_text:
                    field.widget.attrs["aria-describedby"] = f"id_open_{f.name}_help"
                self.fields[f"open_{f.name}"] = field

    def opening_data(self) -> dict:
        data = self.cleaned_data
        if self.definition is None:
            return {}
        out = {}
        for f in self.definition.opening.fields:
            value = data.get(f"open_{f.name}")
            out[f.name] = value.isoformat() if isinstance(value, (dt.date, dt.time)) else value
        return out


class OutcomeForm(StyledFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    status = forms.ChoiceField(label=_("Status"))
    outcome = forms.CharField(label=_("Outcome"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000,
                              required=False, help_text=_("Required when the referral is concluded or declined."))
    outcome_on = forms.DateField(label=_("Outcome date"), widget=DATE, required=False)
    amount = money_form_field(_("Amount recovered (yuan)"), required=False)

    def __init__(self, *args, allowed=(), **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["status"]).choices = [(s, ReferralStatus(s).label) for s in allowed]


class LinkForm(StyledFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    case_number = forms.CharField(label=_("Case number"), max_length=20)


class PartnerForm(StyledFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=PartnerKind.choices)
    name = forms.CharField(label=_("Name"), max_length=120)
    unit = forms.CharField(label=_("Union unit (code)"), max_length=20,
                           help_text=_("The city or district centre (or station) whose area the partner serves."))
    contact_person = forms.CharField(label=_("Contact person"), max_length=60, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)


class ReferralFilterForm(StyledFormMixin, forms.Form):
    direction = forms.ChoiceField(label=_("Direction"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False)
    kind = forms.ChoiceField(label=_("Kind of partner"), required=False)
    number = forms.CharField(label=_("Case number"), required=False, max_length=20)
    unlinked = forms.BooleanField(label=_("Not yet linked to a case"), required=False)

    def __init__(self, *args, **kwargs):
        from .models import Direction

        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["direction"]).choices = [("", _("All")), *Direction.choices]
        cast(forms.ChoiceField, self.fields["status"]).choices = [("", _("All")), *ReferralStatus.choices]
        cast(forms.ChoiceField, self.fields["kind"]).choices = [("", _("All")), *PartnerKind.choices]
