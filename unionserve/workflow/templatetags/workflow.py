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


@register.simple_tag(takes_context=True)
def case_panels(context, case) -> list[dict[str, str]]:
    """The panels other apps add to the case page (workflow.panels), rendered for the current user."""
    from unionserve.workflow.panels import render_panels

    request = context.get("request")
    return render_panels(case, getattr(request, "user", None), request)
