"""Forms for org-tree pages. Units are picked by code, and only inside the user's scope."""

from __future__ import annotations

from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from unionserve.core.forms import StyledFormMixin
from unionserve.core.scope import scope_of

from .models import INDUSTRY_PARENT_KINDS, REGION_PARENT_KINDS, OrgUnit, UnitKind


class UnitCodeField(forms.CharField):
    """A unit chosen by its code; resolves to an active OrgUnit in the user's scope."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 20)
        super().__init__(*args, **kwargs)
        self.user = None

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        unit = scope_of(self.user).filter(OrgUnit.objects.active()).filter(code=value.strip()).first()
        if unit is None:
            raise forms.ValidationError(
                _("No active unit with code %(code)s in your part of the organization."), params={"code": value}
            )
        return unit


class ScopedForm(StyledFormMixin, forms.Form):
    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        for field in self.fields.values():
            if isinstance(field, UnitCodeField):
                field.user = user


class UnitCreateForm(ScopedForm):
    name = forms.CharField(label=pgettext_lazy("thing", "Name"), max_length=120)
    kind = forms.ChoiceField(label=_("Kind"))
    code = forms.CharField(label=_("Code"), max_length=20, required=False,
                           help_text=_("Leave empty to number it automatically."))
    division_code = forms.CharField(label=_("Division code"), max_length=12, required=False)
    other_parent = UnitCodeField(label=_("Parent on the other line (code)"), required=False,
                                 help_text=_("E.g. the company union a grassroots union belongs to."))
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)

    def __init__(self, *args, parent: OrgUnit, line: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.parent, self.line = parent, line
        allowed = REGION_PARENT_KINDS if line == "region" else INDUSTRY_PARENT_KINDS
        cast(forms.ChoiceField, self.fields["kind"]).choices = [
            (k, UnitKind(k).label) for k, parents in allowed.items() if parent.kind in parents
        ]

    def clean(self):
        data = super().clean()
        assert data is not None  # Form.clean returns cleaned_data
        other = data.get("other_parent")
        kind = data.get("kind")
        if other and kind:
            allowed = INDUSTRY_PARENT_KINDS if self.line == "region" else REGION_PARENT_KINDS
            if other.kind not in allowed.get(kind, ()):
                self.add_error("other_parent", _("This unit cannot be the parent on the other line."))
        return data


class RenameForm(ScopedForm):
    name = forms.CharField(label=_("New name"), max_length=120)
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)


class MoveForm(ScopedForm):
    region_parent = UnitCodeField(label=_("Parent on the regional line (code)"), required=False)
    industry_parent = UnitCodeField(label=_("Parent on the industry line (code)"), required=False)
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)


class MergeForm(ScopedForm):
    target = UnitCodeField(label=_("Merge into (code)"))
    reason = forms.CharField(label=_("Reason"), max_length=200)


class CloseForm(ScopedForm):
    reason = forms.CharField(label=_("Reason"), max_length=200)
