"""Forms of the 12351 pages: the workbench / window intake, the portal, the category editor."""

from __future__ import annotations

from typing import cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from unionserve.core.forms import StyledForm, StyledFormMixin, UnitCodesField

from .models import Category, Kind, Satisfaction


def category_choices(blank: str | None = None) -> list[tuple[str, str]]:
    """Active categories as a flat, indented list (one query): parent, then its children."""
    rows = list(Category.objects.filter(active=True).order_by("sort_order", "code")
                .values_list("pk", "parent_id", "name"))
    children: dict[int | None, list] = {}
    for pk, parent, name in rows:
        children.setdefault(parent, []).append((pk, name))
    out: list[tuple[str, str]] = [("", blank)] if blank is not None else []
    for pk, name in children.get(None, []):
        out.append((str(pk), name))
        out.extend((str(cpk), f"— {cname}") for cpk, cname in children.get(pk, []))
    return out


class CategoryChoiceField(forms.TypedChoiceField):
    """An active category by id; cleaned to the Category."""

    def __init__(self, **kwargs):
        super().__init__(coerce=int, **kwargs)

    def clean(self, value):
        pk = super().clean(value)
        if pk in (None, ""):
            return None
        category = Category.objects.filter(pk=pk, active=True).first()
        if category is None:
            raise forms.ValidationError(_("Choose one of the listed categories."))
        return category


ACTION_CHOICES = (
    ("answer", _("Answer now and close")),
    ("refer", _("Refer to a specialist department")),
    ("dispatch", _("Dispatch (affair)")),
    ("register", _("Only register it")),
)


class IntakeForm(StyledForm):
    """A new request in a few fields; the tab order follows the call: who, what, the answer or the dispatch."""

    caller_phone = forms.CharField(label=_("Caller phone"), max_length=20)
    caller_name = forms.CharField(label=_("Caller name"), max_length=60)
    caller_id_number = forms.CharField(label=_("ID number (optional)"), max_length=18, required=False)
    member = forms.IntegerField(required=False, widget=forms.HiddenInput)
    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices, initial=Kind.CONSULTATION,
                             widget=forms.RadioSelect(attrs={"class": "form-check-input"}))
    category = CategoryChoiceField(label=_("Category"))
    description = forms.CharField(label=_("What the caller asks"), widget=forms.Textarea(attrs={"rows": 3}),
                                  max_length=4000)
    action = forms.ChoiceField(label=_("Then"), choices=ACTION_CHOICES, initial="answer",
                               widget=forms.RadioSelect(attrs={"class": "form-check-input"}))
    answer = forms.CharField(label=_("Answer"), widget=forms.Textarea(attrs={"rows": 4}), required=False,
                             max_length=8000)
    refer_to = forms.ChoiceField(label=_("Specialist department"), required=False)
    units = UnitCodesField(label=_("Dispatch to"), required=False, max_length=200,
                           help_text=_("Suggested from the category and the member; type a unit's name, code or "
                                       "pinyin initials to choose another."))
    filed_units = UnitCodesField(label=_("Filing copies to"), required=False, max_length=200, upward=True,
                                 help_text=_("Required: the district of the handling unit and the member's "
                                             "industry union (seed 000 §四.1)."))

    def __init__(self, *args, departments=(), allow_refer: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not allow_refer:
            # Only the 12351 platform refers questions to departments; a window escalates on the case page.
            cast(forms.ChoiceField, self.fields["action"]).choices = [c for c in ACTION_CHOICES if c[0] != "refer"]
            del self.fields["refer_to"]
        cast(forms.ChoiceField, self.fields["category"]).choices = category_choices(str(_("Choose…")))
        if "refer_to" in self.fields:
            cast(forms.ChoiceField, self.fields["refer_to"]).choices = [
                ("", _("Choose…")), *[(u.code, u.name) for u in departments]]
        attrs = self.fields["caller_phone"].widget.attrs
        attrs.update({"autofocus": True, "accesskey": "p", "inputmode": "tel", "autocomplete": "off"})
        self.fields["description"].widget.attrs["accesskey"] = "d"
        self.fields["answer"].widget.attrs["accesskey"] = "a"
        self.fields["caller_name"].widget.attrs["autocomplete"] = "off"

    def clean_caller_phone(self) -> str:
        """Checked like the portal (pii's validators): an 11-digit mobile or a landline with its area code."""
        from .services import normalize_phone

        try:
            return normalize_phone(self.cleaned_data["caller_phone"])
        except ValidationError as exc:
            raise forms.ValidationError(exc.messages) from None

    def clean(self):
        data = super().clean()
        assert data is not None  # Form.clean returns cleaned_data
        action = data.get("action")
        kind = data.get("kind")
        if action == "answer" and not (data.get("answer") or "").strip():
            self.add_error("answer", _("Write the answer you gave, or choose another next step."))
        if action in ("answer", "refer") and kind == Kind.AFFAIR:
            self.add_error("action", _("An affair is dispatched; choose consultation to answer or refer it."))
        if action == "refer" and not data.get("refer_to"):
            self.add_error("refer_to", _("Choose the department to refer the question to."))
        if action == "dispatch":
            if kind != Kind.AFFAIR:
                self.add_error("action", _("Only an affair is dispatched; choose affair as the kind."))
            if not (data.get("units") or "").strip():
                self.add_error("units", _("Name at least one unit to dispatch to."))
        return data


class PortalForm(StyledForm):
    name = forms.CharField(label=_("Your name"), max_length=60)
    phone = forms.CharField(label=_("Your phone"), max_length=20,
                            widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}))
    id_number = forms.CharField(label=_("ID number (optional, helps us find your membership)"), max_length=18,
                                required=False)
    category = CategoryChoiceField(label=_("What it is about"))
    description = forms.CharField(label=_("Your question or request"), widget=forms.Textarea(attrs={"rows": 5}),
                                  max_length=4000, min_length=4)
    #: Left empty by people; filled by robots that fill every field.
    website = forms.CharField(required=False, label=_("Leave this empty"),
                              widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["category"]).choices = category_choices(str(_("Choose…")))
        self.fields["name"].widget.attrs["autocomplete"] = "name"

    def clean_phone(self) -> str:
        from .services import normalize_phone

        try:
            return normalize_phone(self.cleaned_data["phone"])
        except ValidationError as exc:
            raise forms.ValidationError(exc.messages) from None

    def clean_id_number(self) -> str:
        from unionserve.pii import InvalidValue, parse_id_number

        value = self.cleaned_data["id_number"].strip()
        if not value:
            return ""
        try:
            return parse_id_number(value).number
        except InvalidValue as exc:
            raise forms.ValidationError(str(exc)) from None


class FollowForm(StyledForm):
    tracking_code = forms.CharField(label=_("Tracking code"), max_length=20,
                                    widget=forms.TextInput(attrs={"autocomplete": "off",
                                                                  "autocapitalize": "characters"}))
    phone = forms.CharField(label=_("The phone number you gave"), max_length=20,
                            widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}))


class RateForm(StyledForm):
    satisfaction = forms.ChoiceField(label=_("How satisfied are you?"), choices=Satisfaction.choices,
                                     widget=forms.RadioSelect(attrs={"class": "form-check-input"}))
    reason = forms.CharField(label=_("What was not right?"), widget=forms.Textarea(attrs={"rows": 3}),
                             required=False, max_length=2000)

    def clean(self):
        data = super().clean()
        assert data is not None  # Form.clean returns cleaned_data
        if data.get("satisfaction") == Satisfaction.UNSATISFIED and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Tell us what was not right, so that we can do better."))
        return data


class CategoryForm(StyledFormMixin, forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    default_unit_code = UnitCodesField(label=_("Default handling unit"), max_length=20, required=False,
                                       multiple=False,
                                       help_text=_("E.g. the functional department that usually handles it; type "
                                                   "its name, code or pinyin initials."))

    class Meta:
        model = Category
        fields = ["parent", "code", "name", "sort_order", "active", "default_level"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        qs = Category.objects.filter(parent__isnull=True)
        if self.instance.pk:
            qs = qs.exclude(pk=self.instance.pk)
        cast(forms.ModelChoiceField, self.fields["parent"]).queryset = qs.order_by("sort_order", "code")
        self.fields["version"].initial = self.instance.version if self.instance.pk else 1
        if self.instance.pk and self.instance.default_unit_id:
            self.fields["default_unit_code"].initial = self.instance.default_unit.code

    def clean_default_unit_code(self):
        from unionserve.orgs.models import OrgUnit

        code = (self.cleaned_data.get("default_unit_code") or "").strip()
        if not code:
            return None
        unit = OrgUnit.objects.active().filter(code=code).first()
        if unit is None:
            raise forms.ValidationError(_("No active unit has the code %(code)s.") % {"code": code})
        return unit

    def clean(self):
        data = super().clean()
        assert data is not None  # Form.clean returns cleaned_data
        parent = data.get("parent")
        if parent is not None and self.instance.pk and self.instance.children.exists():
            self.add_error("parent", _("This category has sub-categories; it stays at the top level."))
        return data
