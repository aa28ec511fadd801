"""Forms of the service-project pages; the checks themselves live in actions.py, shared with the API."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from unionserve.core.forms import StyledForm, UnitCodesField, UnitPicker
from unionserve.core.money import money_form_field

from .models import Brand, Category, QuestionKind, RunLevel, Survey, WorkerGroup

#: The merchant picker's search (views.merchant_pick); a plain path, as the picker takes it before URLs load.
MERCHANT_PICK_URL = "/projects/merchants/pick/"


class ProposalForm(StyledForm):
    name = forms.CharField(label=_("Project name"), max_length=100)
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    brand = forms.ChoiceField(label=_("Brand project"), choices=Brand.choices,
                              help_text=_("Which of the ten brand projects (seed 002) it serves."))
    run_level = forms.ChoiceField(label=_("Run by"), choices=RunLevel.choices)
    run_unit = UnitCodesField(label=_("Running unit"), multiple=False, required=False,
                              help_text=_("The district center or station that runs it; empty for a city-wide "
                                          "project or your own district."))
    merchant = forms.CharField(label=_("Merchant"), max_length=40,
                               widget=UnitPicker(multiple=False, search_url=MERCHANT_PICK_URL),
                               help_text=_("Type the merchant's name; not on the list? Add it first."))
    offer = forms.CharField(label=_("Offer to members"), max_length=500, widget=forms.Textarea(attrs={"rows": 3}),
                            help_text=_("What the card carries: the discount or free service members get."))
    subsidy = money_form_field(_("Yearly subsidy (yuan)"), required=False)
    survey = forms.ModelChoiceField(label=_("Worker-needs survey cited"), queryset=Survey.objects.all(),
                                    required=False)


class MerchantForm(StyledForm):
    name = forms.CharField(label=_("Name"), max_length=100)
    uscc = forms.CharField(label=_("Unified Social Credit Code"), max_length=18)
    address = forms.CharField(label=_("Address"), max_length=200)
    district = UnitCodesField(label=_("District"), multiple=False)
    contact_person = forms.CharField(label=_("Contact person"), max_length=40)
    phone = forms.CharField(label=_("Phone"), max_length=20)
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0, max_value=2**31 - 1)


SCORES = [(str(n), str(n)) for n in range(5, 0, -1)]


class RatingForm(StyledForm):
    score = forms.ChoiceField(label=_("Your rating (5 is best)"), choices=SCORES, widget=forms.RadioSelect)
    comment = forms.CharField(label=_("Comment"), max_length=200, required=False)


class RatingLinkForm(StyledForm):
    id_number = forms.CharField(label=_("Member's ID number"), max_length=18, min_length=15)


KIND_MARKS = {"single": QuestionKind.SINGLE, "单选": QuestionKind.SINGLE, "multiple": QuestionKind.MULTIPLE,
              "多选": QuestionKind.MULTIPLE, "text": QuestionKind.TEXT, "文字": QuestionKind.TEXT}


def parse_questions(text: str) -> list[dict]:
    """Questions from the editor's text: a line "[单选] question" (or [多选], [文字]) then its options "- option"."""
    questions: list[dict] = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        if line.startswith("[") and "]" in line:
            mark, rest = line[1:].split("]", 1)
            questions.append({"kind": KIND_MARKS.get(mark.strip().lower(), mark.strip()), "text": rest.strip(),
                              "options": ""})
        elif line.startswith(("-", "－")) and questions:
            questions[-1]["options"] += line[1:].strip() + "\n"
        else:
            raise forms.ValidationError(_("Each question starts with [单选], [多选] or [文字]; each option with a "
                                          "dash: %(line)s") % {"line": line[:60]})
    return questions


def questions_text(survey: Survey) -> str:
    """The editor's text of a survey's questions."""
    mark: dict[str, str] = {QuestionKind.SINGLE: "单选", QuestionKind.MULTIPLE: "多选", QuestionKind.TEXT: "文字"}
    parts = []
    for q in survey.questions.all():
        parts.append(f"[{mark[q.kind]}] {q.text}")
        parts += [f"- {o}" for o in q.option_list()]
    return "\n".join(parts)


class SurveyForm(StyledForm):
    title = forms.CharField(label=_("Title"), max_length=100)
    intro = forms.CharField(label=_("Introduction"), max_length=1000, required=False,
                            widget=forms.Textarea(attrs={"rows": 2}))
    is_open = forms.BooleanField(label=_("Open for answers on the portal"), required=False)
    questions = forms.CharField(
        label=_("Questions"), max_length=20000, widget=forms.Textarea(attrs={"rows": 14}),
        help_text=_("One question per line starting with [单选] (single choice), [多选] (multiple choice) or "
                    "[文字] (text), then its options, one per line, each starting with a dash."))

    def clean_questions(self):
        return parse_questions(self.cleaned_data["questions"])


class AnswerForm(StyledForm):
    """The portal's questionnaire: who answers (self-declared), then one field per question."""

    def __init__(self, *args, survey: Survey, districts, industries, **kwargs):
        super().__init__(*args, **kwargs)
        self.survey = survey
        self.fields["district"] = forms.ChoiceField(
            label=_("District where you work"), required=False,
            choices=[("", "—")] + [(str(u.pk), u.name) for u in districts])
        self.fields["industry"] = forms.ChoiceField(
            label=_("Industry"), required=False, choices=[("", "—")] + [(str(u.pk), u.name) for u in industries])
        self.fields["group"] = forms.ChoiceField(label=_("You are"), choices=WorkerGroup.choices)
        for q in survey.questions.all():
            options = [(o, o) for o in q.option_list()]
            if q.kind == QuestionKind.SINGLE:
                field: forms.Field = forms.ChoiceField(label=q.text, choices=options, widget=forms.RadioSelect)
            elif q.kind == QuestionKind.MULTIPLE:
                field = forms.MultipleChoiceField(label=q.text, choices=options, widget=forms.CheckboxSelectMultiple)
            else:
                field = forms.CharField(label=q.text, max_length=500, required=False,
                                        widget=forms.Textarea(attrs={"rows": 2}))
            self.fields[f"q{q.pk}"] = field
        self.fields["website"] = forms.CharField(required=False, label=_("Leave empty"))

    def question_fields(self):
        return [self[f"q{q.pk}"] for q in self.survey.questions.all()]
