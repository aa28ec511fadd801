"""Panels that other apps add to the case page (e.g. partner referrals, mediation parties).

An app registers a panel once, at start-up (its ``AppConfig.ready``)::

    from unionserve.workflow.panels import register_panel

    register_panel("linkage", _("Partner referrals"), "linkage/_case_panel.html", referrals_for_case)

``context_func(case, user)`` returns the template's context, or None to leave the panel out (e.g. for a
process it does not concern). The case is already one the user may read; anything else the function reads
goes through the user's scope like every other read. Panels render in `order`, then registration order,
between "Who has it" and the timeline. The engine itself registers none.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.template.loader import render_to_string

ContextFunc = Callable[[Any, Any], dict[str, Any] | None]


@dataclass(frozen=True)
class Panel:
    key: str
    title: Any  # str or lazy translation
    template_name: str
    context_func: ContextFunc
    order: int = 100


_PANELS: dict[str, Panel] = {}


def register_panel(key: str, title: Any, template_name: str, context_func: ContextFunc, *,
                   order: int = 100) -> Panel:
    """Add (or replace, by key) a panel of the case page."""
    panel = Panel(key, title, template_name, context_func, order)
    _PANELS[key] = panel
    return panel


def unregister_panel(key: str) -> None:
    _PANELS.pop(key, None)


def panels() -> list[Panel]:
    return sorted(_PANELS.values(), key=lambda p: p.order)  # sorted() is stable: registration order breaks ties


def render_panels(case, user, request=None) -> list[dict[str, str]]:
    """[{"key", "title", "html"}] of the panels that have something to show on this case for this user."""
    out = []
    for panel in panels():
        context = panel.context_func(case, user)
        if context is None:
            continue
        html = render_to_string(panel.template_name, {"case": case, **context}, request=request)
        out.append({"key": panel.key, "title": str(panel.title), "html": html})
    return out
