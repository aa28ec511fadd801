"""The appeal form: text and criteria; the criteria also drive the live count (htmx)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from unionserve.core.forms import StyledFormMixin
from unionserve.core.scope import scope_of
from unionserve.members.public import Gender, SpecialGroup
from unionserve.orgs.models import OrgUnit, UnitKind

from . import rules, selection


class CriteriaForm(StyledFormMixin, forms.Form):
    """Whom to reach. Every field is optional; together they narrow (AND), choices within one widen (OR)."""

    area = forms.ChoiceField(label=_("District or industry union"), required=False)
    unit = forms.CharField(label=_("Station or union (code)"), required=False, max_length=20,
                           help_text=_("The code of a station, a company union or a grassroots union: its whole "
                                       "subtree is meant. Leave empty for the whole area."))
    groups = forms.MultipleChoiceField(label=_("Special groups (any of)"), required=False,
                                       choices=SpecialGroup.choices, widget=forms.CheckboxSelectMultiple)
    employment = forms.MultipleChoiceField(label=_("Employment status (any of)"), required=False,
                                           choices=[(e, e) for e in selection.EMPLOYMENT_CHOICES],
                                           widget=forms.CheckboxSelectMultiple)
    gender = forms.ChoiceField(label=_("Gender"), required=False, choices=[("", _("Any")), *Gender.choices])
    joined_from = forms.DateField(label=_("Joined the union from"), required=False,
                                  widget=forms.DateInput(attrs={"type": "date"}))
    joined_to = forms.DateField(label=_("Joined the union until"), required=False,
                                widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        areas = scope_of(user).filter(OrgUnit.objects.active().filter(
            kind__in=[UnitKind.DISTRICT_CENTER, UnitKind.DEV_AREA_CENTER, UnitKind.INDUSTRY_UNION]))
        self.fields["area"].choices = [("", _("All of my area")),
                                       *[(u.code, u.name) for u in areas.order_by("kind", "code")]]

    def clean(self):
        data = super().clean()
        start, end = data.get("joined_from"), data.get("joined_to")
        if start and end and start > end:
            self.add_error("joined_to", _("The end of the join-date range is before its start."))
        return data

    def criteria(self) -> dict:
        """The cleaned criteria as JSON-safe values (dates as ISO strings), empty ones left out."""
        out = {}
        for key in selection.CRITERIA_KEYS:
            value = self.cleaned_data.get(key)
            if value:
                out[key] = value.isoformat() if hasattr(value, "isoformat") else value
        return out

    @classmethod
    def initial_from(cls, criteria: dict) -> dict:
        return dict(criteria)


class BroadcastForm(CriteriaForm):
    title = forms.CharField(label=_("Title"), max_length=100,
                            help_text=_("For the list of appeals; the members do not see it."))
    body = forms.CharField(label=_("Message text"), max_length=rules.MAX_LENGTH,
                           widget=forms.Textarea(attrs={"rows": 4}),
                           help_text=_("Write {name} for the member's name and {union} for their union. "
                                       "The gateway adds the federation's signature."))
    field_order = ["title", "body"]

    def clean_body(self):
        body = self.cleaned_data["body"].strip()
        try:
            rules.check_text(body)
        except rules.TextError as exc:
            raise forms.ValidationError(str(exc)) from exc
        return body


class ConfirmForm(forms.Form):
    expected = forms.IntegerField(min_value=0, widget=forms.HiddenInput)
    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)


class VersionForm(forms.Form):
    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
