"""Forms of the claim pages: the member search, the station's collection form, the documents checklist."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from unionserve.core.forms import StyledForm
from unionserve.core.money import money_form_field

from .claims_policies import GRADES
from .models import ClaimType, Document


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several scanned documents at once (the engine checks each file's type and size)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, (list, tuple)):
            return [super(MultipleFileField, self).clean(d, initial) for d in data][:20]
        return [super().clean(data, initial)] if data else []


class MemberSearchForm(StyledForm):
    q = forms.CharField(label=_("Name, ID number, mobile or card number"), max_length=50, required=False)


class CollectForm(StyledForm):
    """What the station collects for a member picked from the register."""

    claim_type = forms.ChoiceField(label=_("Claim type"), choices=ClaimType.choices)
    event_date = forms.DateField(label=_("Event date"), widget=forms.DateInput(attrs={"type": "date"}),
                                 help_text=_("The day of the accident, death or fire: the plan in force that day "
                                             "applies."))
    event_summary = forms.CharField(label=_("What happened"), widget=forms.Textarea(attrs={"rows": 3}),
                                    max_length=2000)
    documents = forms.MultipleChoiceField(
        label=_("Documents collected"), choices=Document.choices, required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Tick what you hold. Each claim type has its own checklist; the claim is sent to the district "
                    "only when it is complete."))
    disability_grade = forms.TypedChoiceField(
        label=_("Disability grade"), coerce=int, required=False, empty_value=None,
        choices=[("", "—"), *[(g, str(g)) for g in GRADES]],
        help_text=_("For a disability: the grade of the assessment (1 the most severe, 10 the least)."))
    assessed_loss = money_form_field(_("Assessed loss (yuan)"), required=False,
                                     help_text=_("For a fire: the loss the assessment states."))
    attachments = MultipleFileField(label=_("Scanned documents"), required=False)

    def clean_event_date(self):
        day = self.cleaned_data["event_date"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("The event date cannot be in the future."))
        return day

    def clean(self):
        data = super().clean() or {}
        kind = data.get("claim_type")
        if kind == ClaimType.DISABILITY and not data.get("disability_grade"):
            self.add_error("disability_grade", _("Give the disability grade (1 to 10) from the assessment."))
        if kind == ClaimType.FIRE and not data.get("assessed_loss"):
            self.add_error("assessed_loss", _("Give the assessed loss of the fire."))
        return data


class DocumentsForm(StyledForm):
    documents = forms.MultipleChoiceField(label=_("Documents collected"), required=False,
                                          widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, claim_type: str, **kwargs):
        super().__init__(*args, **kwargs)
        from .models import DOCUMENTS_BY_TYPE

        field = self.fields["documents"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = [(d, Document(d).label) for d in DOCUMENTS_BY_TYPE[claim_type]]
