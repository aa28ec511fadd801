"""Forms of the card pages: the counter's checklist, the bank's result file, the card's own actions."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from unionserve.core.forms import StyledForm

from .bankfiles import MAX_RESULT_BYTES
from .models import CardStatus, Document, ProblemKind


class SearchForm(StyledForm):
    q = forms.CharField(label=_("Member name, ID number, phone or card number"), max_length=60, required=False)
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("All states")), *CardStatus.choices])


class MemberSearchForm(StyledForm):
    q = forms.CharField(label=_("Find the member in the register"), max_length=60,
                        help_text=_("Name, initials, ID number or mobile number, as in the register's search."))


class ChecklistForm(StyledForm):
    documents = forms.MultipleChoiceField(
        label=_("Documents checked"), choices=Document.choices, widget=forms.CheckboxSelectMultiple,
        help_text=_("Tick each document once you have seen it; the bank needs all of them."))


class ReplaceForm(ChecklistForm):
    note = forms.CharField(label=_("Why a new card"), max_length=200, required=False)


class NoteForm(StyledForm):
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class CancelForm(StyledForm):
    reason = forms.CharField(label=_("Why the card is cancelled"), max_length=200)


class ResultForm(StyledForm):
    file = forms.FileField(label=_("The bank's result file (CSV)"),
                           help_text=_("The file as the bank sent it: its last line carries the row count and "
                                       "the checksum."))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_RESULT_BYTES:
            raise forms.ValidationError(_("The result file is larger than 5 MB; it is not the bank's answer to one "
                                          "batch."))
        return upload


class ReportProblemForm(StyledForm):
    card = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**63 - 1)
    case_number = forms.CharField(widget=forms.HiddenInput, max_length=32)
    kind = forms.ChoiceField(label=_("The problem"), choices=ProblemKind.choices)
    description = forms.CharField(label=_("What the caller says"), max_length=500, required=False)


class ResolveForm(StyledForm):
    resolution = forms.CharField(label=_("What was done"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))
