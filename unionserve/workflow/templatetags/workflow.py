"""Template helpers for case pages."""

from django import template

register = template.Library()


@register.filter
def state_label(code: str, definition) -> str:
    """The label of a state code in a process definition (the code itself if unknown)."""
    try:
        return str(definition.state(code).label)
    except (KeyError, AttributeError):
        return code
