"""The template edit form."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from unionserve.core.forms import StyledForm


class TemplateForm(StyledForm):
    title = forms.CharField(label=_("Title"), max_length=100)
    body = forms.CharField(label=_("Template (HTML with {{ variables }})"),
                           widget=forms.Textarea(attrs={"rows": 24, "spellcheck": "false", "class": "font-monospace"}),
                           help_text=_("Django template syntax: {{ name }}, {% if %}, {% for %}. "
                                       "The variables of this document are listed beside the form."))
    note = forms.CharField(label=_("What changed"), max_length=200, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)
