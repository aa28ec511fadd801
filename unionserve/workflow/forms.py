"""Forms built from the fields an action declares, so every process gets its forms for free."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from unionserve.core.forms import StyledFormMixin, UnitCodesField

from .definitions import Field
from .models import Channel, Priority


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


def _form_field(f: Field) -> forms.Field:
    common: dict[str, Any] = {"label": f.label, "required": f.required and f.kind != "file", "help_text": f.help}
    if f.kind == "textarea":
        return forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=4000, **common)
    if f.kind == "choice":
        return forms.ChoiceField(choices=[("", "—"), *f.choices], **common)
    if f.kind == "int":
        return forms.IntegerField(min_value=f.min_value, max_value=f.max_value, **common)
    if f.kind == "date":
        return forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), **common)
    if f.kind == "file":
        return MultipleFileField(**common)
    if f.kind in ("units", "unit"):
        # Searchable by name, code or pinyin; filing copies may go up the tree, to the user's own ancestors.
        return UnitCodesField(multiple=f.kind == "units", upward=f.name == "filed_units", **common)
    return forms.CharField(max_length=500, **common)


class ActionForm(StyledFormMixin, forms.Form):
    """The form of one action; `version` and `step` make the submission safe against concurrent changes."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    step = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, spec, prefix=None, **kwargs):
        super().__init__(*args, prefix=prefix or spec.code, **kwargs)
        for f in spec.fields:
            self.fields[f.name] = _form_field(f)
        # The mixin styled the fields that existed before; style the ones added from the spec.
        for name, field in self.fields.items():
            widget = field.widget
            if isinstance(widget, (forms.HiddenInput, forms.CheckboxInput, forms.FileInput)):
                continue
            css = "form-select" if isinstance(widget, forms.Select) else "form-control"
            if css not in widget.attrs.get("class", ""):
                widget.attrs["class"] = (widget.attrs.get("class", "") + " " + css).strip()
            if field.help_text:
                widget.attrs["aria-describedby"] = f"id_{self.add_prefix(name)}_help"
        for field in self.fields.values():
            if isinstance(field.widget, forms.FileInput):
                field.widget.attrs["class"] = "form-control"


class OpenCaseForm(StyledFormMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    subject_name = forms.CharField(label=_("Concerns (person)"), max_length=100, required=False)
    employer = forms.CharField(label=_("Employer or grassroots union (code)"), max_length=20, required=False)
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices, initial=Channel.INTERNAL)
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices, initial=Priority.NORMAL)
    comment = forms.CharField(label=_("Details"), widget=forms.Textarea(attrs={"rows": 4}), required=False,
                              max_length=4000)
    # The form metaclass moves declared fields into base_fields, so self.files stays the uploaded files.
    files = MultipleFileField(label=_("Attachments"), required=False)  # type: ignore[assignment]

    def __init__(self, *args, extra_fields=(), **kwargs):
        super().__init__(*args, **kwargs)
        for f in extra_fields:
            self.fields[f.name] = _form_field(f)
            self.fields[f.name].widget.attrs.setdefault("class", "form-control")
        self.fields["files"].widget.attrs["class"] = "form-control"


class InboxFilterForm(StyledFormMixin, forms.Form):
    process = forms.ChoiceField(label=_("Process"), required=False)
    state = forms.CharField(label=_("State"), required=False, max_length=32)
    unit = forms.CharField(label=_("Handling unit (code)"), required=False, max_length=20)
    number = forms.CharField(label=_("Case number"), required=False, max_length=20)
    opened_from = forms.DateField(label=_("Opened from"), required=False,
                                  widget=forms.DateInput(attrs={"type": "date"}))
    opened_to = forms.DateField(label=_("Opened to"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, process_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["process"]).choices = [("", _("All processes")), *process_choices]
