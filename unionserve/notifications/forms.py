"""The outbox filter."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from unionserve.core.forms import StyledForm

from .models import Channel, Status
from .templates import TEMPLATES


class OutboxFilterForm(StyledForm):
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("All statuses")), *Status.choices])
    channel = forms.ChoiceField(label=_("Channel"), required=False,
                                choices=[("", _("All channels")), *Channel.choices])
    event = forms.ChoiceField(label=_("Event"), required=False,
                              choices=[("", _("All events")), *[(e, e) for e in sorted(TEMPLATES)]])
