"""Forms of the card payout pages: filters, a new batch (the purpose picked from those waiting), a result file."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from unionserve.core.forms import StyledForm

from .actions import MAX_RESULT_BYTES, too_large_message
from .models import BatchStatus, PaymentStatus


class BatchFilterForm(StyledForm):
    purpose = forms.CharField(label=_("Purpose"), required=False, max_length=40)
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("All statuses")), *BatchStatus.choices])


class PaymentFilterForm(StyledForm):
    purpose = forms.CharField(label=_("Purpose"), required=False, max_length=40)
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("Waiting or failed")), *PaymentStatus.choices])


class NewBatchForm(StyledForm):
    """The purpose is chosen among those with payments waiting in the user's scope (nobody types a code)."""

    purpose = forms.ChoiceField(label=_("Purpose of the payments"))

    def __init__(self, *args, purposes: list[str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["purpose"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(p, p) for p in purposes]


class ResultFileForm(StyledForm):
    file = forms.FileField(label=_("The bank's result file (CSV)"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_RESULT_BYTES:
            raise forms.ValidationError(too_large_message())
        return upload
