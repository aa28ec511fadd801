"""The template engine for staff-edited document templates, with nothing that reaches outside the context.

Templates are written by city-office staff in a page, so they run in an engine of their own: no template
loaders (no {% include %}/{% extends %} of files), no {% load %}-able libraries, no {% debug %} (it would
print the loaded modules), no {% url %}/{% csrf_token %}; only the ordinary tags and filters. The context is
made of plain values by `plain()`, so a template cannot call methods of models, querysets or users.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, ClassVar

from django.template import Context, Engine, Library, Template, defaultfilters, defaulttags

# Tags a document needs: conditions, loops, formatting. Everything else of the default set is left out.
_ALLOWED_TAGS = {
    "autoescape", "comment", "cycle", "filter", "firstof", "for", "if", "ifchanged", "lorem", "now",
    "regroup", "resetcycle", "spaceless", "templatetag", "verbatim", "widthratio", "with",
}

register = Library()
for _name, _tag in defaulttags.register.tags.items():
    if _name in _ALLOWED_TAGS:
        register.tag(_name, _tag)
for _name, _filter in defaultfilters.register.filters.items():
    register.filters[_name] = _filter



class _SandboxEngine(Engine):
    # Engine adds Django's default tag libraries (incl. {% include %} and {% debug %}) unless told not to.
    default_builtins: ClassVar[list[str]] = []


ENGINE = _SandboxEngine(
    dirs=[], app_dirs=False, loaders=[], libraries={}, builtins=["unionserve.documents.sandbox"],
    autoescape=True, debug=False, string_if_invalid="",
)


def compile_template(body: str) -> Template:
    """Compile a template body; raises django.template.TemplateSyntaxError with the reason."""
    return Template(body, engine=ENGINE)


def format_date(value: dt.date) -> str:
    """A date as written on Chinese documents: 2026年11月26日."""
    return f"{value.year}年{value.month}月{value.day}日"


def format_money(value: Decimal) -> str:
    """Yuan with two decimals and thousands separators: 12,345.60."""
    return f"{value.quantize(Decimal('0.01')):,.2f}"


def plain(value: Any, path: str = "context") -> Any:
    """The value as plain data (str, int, bool, None, lists, dicts with string keys) for a template.

    Decimals become money text and dates Chinese date text, so templates need no formatting of their own;
    anything else (a model, a queryset, a function) is refused: a template must not reach live objects.
    """
    if value is None or isinstance(value, (str, bool, int)):
        return value
    if isinstance(value, Decimal):
        return format_money(value)
    if isinstance(value, float):
        raise TypeError(f"{path}: use Decimal for amounts, not float")
    if isinstance(value, dt.datetime):
        return format_date(value.date())
    if isinstance(value, dt.date):
        return format_date(value)
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise TypeError(f"{path}: keys must be strings")
            out[key] = plain(item, f"{path}.{key}")
        return out
    if isinstance(value, (list, tuple)):
        return [plain(item, f"{path}[{i}]") for i, item in enumerate(value)]
    # Lazy translation strings and other str-like values render as text.
    if type(value).__name__ == "__proxy__":
        return str(value)
    raise TypeError(f"{path}: {type(value).__name__} is not plain data (pass strings, numbers, lists, dicts)")


def render_body(body: str, context: dict) -> str:
    """Render a template body with a context made plain."""
    return compile_template(body).render(Context(plain(context), autoescape=True))
