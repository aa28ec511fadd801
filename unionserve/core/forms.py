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
