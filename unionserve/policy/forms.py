"""The forms of the policy pages: propose a value, decide a proposal."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from unionserve.core.forms import StyledForm


class ProposeForm(StyledForm):
    value = forms.CharField(label=_("New value"), max_length=20)
    effective_from = forms.DateField(label=_("Effective from"), widget=forms.DateInput(attrs={"type": "date"}),
                                     help_text=_("Today or later. Decisions taken before keep the version they used."))
    source = forms.CharField(label=_("Source"), max_length=300, required=False,
                             help_text=_("The document that sets the new number; empty keeps the current source."))
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, parameter=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["effective_from"].initial = timezone.localdate()
        if parameter is not None:
            low, high = parameter.bounds()
            self.fields["value"].help_text = _("In %(unit)s, from %(low)s to %(high)s.") % {
                "unit": parameter.unit, "low": low.normalize(), "high": high.normalize()}


class DecideForm(StyledForm):
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
