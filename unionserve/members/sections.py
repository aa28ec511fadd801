"""Sections of the member page (360° view) that other modules add: requests, cases, claims, services.

A module that holds something about a member registers a section once, at import time (e.g. in its
``AppConfig.ready``)::

    from unionserve.members.sections import register_section

    register_section(_("Medical mutual aid"), "mutualaid/_member_section.html", claims_for_member)

``context_func(member, user)`` returns the template's context (or None to hide the section) and must read
through the user's scope like every other read. The member page renders the sections in registration order.
No section is registered yet: no module links its records to a member (cases carry only a subject name).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.template.loader import render_to_string

from unionserve.core.text import StrOrPromise

ContextFunc = Callable[[Any, Any], dict[str, Any] | None]


@dataclass(frozen=True)
class Section:
    title: StrOrPromise
    template_name: str
    context_func: ContextFunc


_SECTIONS: dict[str, Section] = {}


def register_section(title: StrOrPromise, template_name: str, context_func: ContextFunc) -> Section:
    """Add (or replace, by template name) a section of the member page."""
    section = Section(title, template_name, context_func)
    _SECTIONS[template_name] = section
    return section


def unregister_section(template_name: str) -> None:
    _SECTIONS.pop(template_name, None)


def sections() -> list[Section]:
    return list(_SECTIONS.values())


def render_sections(member, user, request=None) -> list[dict[str, str]]:
    """[{"title", "html"}] of the sections that have something to show for this member and user."""
    out = []
    for section in sections():
        context = section.context_func(member, user)
        if context is None:
            continue
        html = render_to_string(section.template_name, {"member": member, **context}, request=request)
        out.append({"title": str(section.title), "html": html})
    return out
