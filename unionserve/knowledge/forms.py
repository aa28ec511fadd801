"""Forms of the knowledge-base pages: filters, the article form (optimistic locking), review, suggestions."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from unionserve.core.forms import StyledForm

from .models import ArticleStatus


def category_choices(blank_label) -> list[tuple[str, str]]:
    """Active hotline categories, children indented under their parent, as (id, label)."""
    from unionserve.hotline.public import Category

    rows = list(Category.objects.filter(active=True).order_by("sort_order", "code")
                .values_list("pk", "name", "parent_id"))
    children: dict[int | None, list] = {}
    for pk, name, parent in rows:
        children.setdefault(parent, []).append((pk, name))
    choices = [("", blank_label)]
    for pk, name in children.get(None, []):
        choices.append((str(pk), name))
        choices.extend((str(cpk), f"— {cname}") for cpk, cname in children.get(pk, []))
    return choices


class CategoryField(forms.TypedChoiceField):
    """A hotline category by id (choices read when the form is built, so new categories show at once)."""

    def __init__(self, *args, blank_label=None, **kwargs):
        kwargs.setdefault("coerce", int)
        kwargs.setdefault("empty_value", None)
        super().__init__(*args, **kwargs)
        self.blank_label = blank_label if blank_label is not None else _("All categories")


class _CategoryFormMixin:
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, CategoryField):
                field.choices = category_choices(field.blank_label)


VALIDITY_CHOICES = [("", _("Any validity")), ("current", _("Valid today")), ("future", _("Not yet valid")),
                    ("expired", _("Expired"))]


class ArticleFilterForm(_CategoryFormMixin, StyledForm):
    q = forms.CharField(label=_("Words to search for"), required=False, max_length=200)
    category = CategoryField(label=_("Category"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("All statuses")),
                                                                          *ArticleStatus.choices])
    validity = forms.ChoiceField(label=_("Validity"), required=False, choices=VALIDITY_CHOICES)


class ArticleForm(_CategoryFormMixin, StyledForm):
    """The text of an article. ``version`` is the Article.version the page was loaded with."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    title = forms.CharField(label=_("Title"), max_length=200)
    category = CategoryField(label=_("Category"), blank_label="—")
    question = forms.CharField(label=_("Typical question"), required=False,
                               widget=forms.Textarea(attrs={"rows": 3}),
                               help_text=_("How callers usually put it; used for matching."))
    keywords = forms.CharField(label=_("Keywords"), required=False, max_length=200,
                               help_text=_("Other words callers use, separated by spaces."))
    answer = forms.CharField(label=_("Answer"), widget=forms.Textarea(attrs={"rows": 10}),
                             help_text=_("What the agent tells the caller; it is copied into the request's answer."))
    valid_from = forms.DateField(label=_("Valid from"),
                                 widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}))
    valid_to = forms.DateField(label=_("Valid until"), required=False,
                               widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
                               help_text=_("Last day the answer applies; empty: until further notice."))

    def clean_title(self) -> str:
        title = self.cleaned_data["title"].strip()
        if not title:
            raise forms.ValidationError(_("Enter a title."))
        return title

    def clean_answer(self) -> str:
        answer = self.cleaned_data["answer"].strip()
        if len(answer) < 10:
            raise forms.ValidationError(_("Write the answer (at least 10 characters)."))
        return answer

    def clean_category(self):
        from unionserve.hotline.public import Category

        pk = self.cleaned_data["category"]
        category = Category.objects.filter(pk=pk).first() if pk else None
        if category is None:
            raise forms.ValidationError(_("Choose a category."))
        return category

    def clean(self):
        data = super().clean()
        start, end = data.get("valid_from"), data.get("valid_to")
        if start and end and end < start:
            self.add_error("valid_to", _("The last day of validity cannot be before the first day."))
        return data


class TransitionForm(StyledForm):
    """Submit, retire: the version the page showed and an optional comment."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    comment = forms.CharField(label=_("Comment"), required=False, max_length=1000,
                              widget=forms.Textarea(attrs={"rows": 2}))


class ReviewForm(TransitionForm):
    decision = forms.ChoiceField(label=_("Decision"), widget=forms.RadioSelect,
                                 choices=[("approve", _("Approve and publish")),
                                          ("reject", _("Return to the author"))])
    field_order = ["version", "decision", "comment"]

    def clean(self):
        data = super().clean()
        if data.get("decision") == "reject" and not (data.get("comment") or "").strip():
            self.add_error("comment", _("Say what the author should change."))
        return data


class SuggestQueryForm(forms.Form):
    """What the suggestions fragment reads on every keystroke: no category choices to build (an unknown category
    id simply boosts nothing)."""

    q = forms.CharField(required=False, max_length=500)
    category = forms.IntegerField(required=False, min_value=1)


class SuggestForm(_CategoryFormMixin, StyledForm):
    q = forms.CharField(label=_("The caller's request"), required=False, max_length=500,
                        widget=forms.Textarea(attrs={"rows": 3}))
    category = CategoryField(label=_("Category"), required=False, blank_label=_("Any category"))
