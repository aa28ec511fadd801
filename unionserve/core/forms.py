"""Form helpers shared by every app: Bootstrap classes and accessible error wiring."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django import forms

if TYPE_CHECKING:
    _FormBase = forms.BaseForm  # what the mixin is mixed into, for the type checker
else:
    _FormBase = object


class StyledFormMixin(_FormBase):
    """Give widgets Bootstrap classes and point them at their help text and errors for screen readers."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            widget = field.widget
            if isinstance(widget, (forms.CheckboxInput, forms.CheckboxSelectMultiple, forms.RadioSelect)):
                continue
            css = "form-select" if isinstance(widget, forms.Select) else "form-control"
            widget.attrs["class"] = (widget.attrs.get("class", "") + " " + css).strip()
            described = []
            if field.help_text:
                described.append(f"id_{self.add_prefix(name)}_help")
            if described:
                widget.attrs["aria-describedby"] = " ".join(described)

    def full_clean(self):
        super().full_clean()
        # Errors are known only now; mark the invalid widgets.
        for name in getattr(self, "_errors", {}) or {}:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["class"] = (widget.attrs.get("class", "") + " is-invalid").strip()
                widget.attrs["aria-invalid"] = "true"
                ids = set(widget.attrs.get("aria-describedby", "").split())
                ids.add(f"id_{self.add_prefix(name)}_error")
                widget.attrs["aria-describedby"] = " ".join(sorted(i for i in ids if i))


class StyledForm(StyledFormMixin, forms.Form):
    """A plain form with the shared styling."""


# --- the unit picker -----------------------------------------------------------------------------------------


class UnitPicker(forms.TextInput):
    """Choose org units by typing their name, code or pinyin initials, on both lines of the tree.

    The field's value stays what the engine and the API take — unit codes, comma-separated — in a plain text
    input, so the form works without script and posts the same data as any client. The script
    (``web/static/unionserve/unitpicker.js``) turns that input into an accessible combobox (WAI-ARIA
    combobox pattern: arrow keys, Enter, Escape; chosen units as removable chips) which asks `search_url`
    (a JSON endpoint answering ``?q=`` with the units of the user's scope, and ``?codes=`` with the names
    of codes already chosen) and keeps the codes in the input.
    """

    def __init__(self, *, multiple: bool = True, upward: bool = False, search_url: str | None = None,
                 attrs: dict | None = None):
        from django.urls import reverse_lazy
        from django.utils.text import format_lazy

        # `upward`: offer the user's own ancestors too (filing copies go up the tree).
        url = search_url or (format_lazy("{}?up=1", reverse_lazy("orgs:pick")) if upward else reverse_lazy("orgs:pick"))
        attrs = {**(attrs or {}), "data-unit-picker": "multiple" if multiple else "single",
                 "data-search-url": url, "autocomplete": "off", "spellcheck": "false"}
        super().__init__(attrs)
        self.multiple = multiple

    def render(self, name, value, attrs=None, renderer=None):
        from django.templatetags.static import static
        from django.utils.html import format_html

        html = super().render(name, value, attrs, renderer)
        # The script guards against loading twice; htmx fragments that bring a picker in bring the tag too.
        return format_html('{}<script src="{}" defer></script>', html, static("unionserve/unitpicker.js"))


class UnitCodesField(forms.CharField):
    """Unit codes (comma-separated, as the engine takes them) chosen with a `UnitPicker`."""

    def __init__(self, *, multiple: bool = True, upward: bool = False, search_url: str | None = None, **kwargs):
        kwargs.setdefault("max_length", 400)
        kwargs.setdefault("widget", UnitPicker(multiple=multiple, upward=upward, search_url=search_url))
        super().__init__(**kwargs)

    def to_python(self, value):
        text = super().to_python(value)
        codes = [c.strip() for c in (text or "").replace("，", ",").split(",") if c.strip()]
        return ",".join(dict.fromkeys(codes))
