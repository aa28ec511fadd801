"""The text of every notification, declared once: event → {channel: (subject, body)}.

Source strings are English and translated through the zh-hans catalog like every other string; they are
rendered once, when the notification is created, in the site language (settings.LANGUAGE_CODE), so the
stored text is Chinese whatever language the acting user's browser asked for.

Every case event needs number (case number), process (process name) and title; each adds some of unit
(unit name; whose, see the comment on each event), due ("2026-12-04 星期五"), reason, days; `broadcast` takes
title and text. `required_keys(event)` lists them. Extra keys are ignored; a missing key, an unknown event or a
channel without a template raises NotificationTemplateError: never send garbage.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from django.conf import settings
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .models import Channel, Priority


class NotificationTemplateError(LookupError):
    """An event, channel or context key that the registry cannot render."""


Text = str | Promise
Template = tuple[Text, Text]  # (subject, body); SMS has no subject


def _same_for_in_app_and_email(template: Template, sms: Template) -> dict[str, Template]:
    # In-app and e-mail carry the same text; SMS gets a short form that asks the reader to log in.
    return {Channel.IN_APP: template, Channel.EMAIL: template, Channel.SMS: sms}


TEMPLATES: dict[str, dict[str, Template]] = {
    # unit: the unit the case is dispatched to.
    "case.dispatched": _same_for_in_app_and_email(
        (_("New case %(number)s: %(title)s"),
         _("%(process)s case %(number)s “%(title)s” has been dispatched to %(unit)s. Due %(due)s.")),
        ("", _("%(unit)s: %(process)s case %(number)s has been dispatched to you, due %(due)s. "
               "Please log in to handle it.")),
    ),
    # unit: the unit that files the case with the recipient (filing copy, 备案).
    "case.filed": _same_for_in_app_and_email(
        (_("Case %(number)s filed with you for the record"),
         _("%(unit)s filed %(process)s case %(number)s “%(title)s” with you for the record.")),
        ("", _("%(unit)s filed %(process)s case %(number)s with you for the record.")),
    ),
    # unit: the unit that returns the case; reason: why.
    "case.returned": _same_for_in_app_and_email(
        (_("Case %(number)s returned by %(unit)s"),
         _("%(unit)s returned case %(number)s “%(title)s”. Reason: %(reason)s")),
        ("", _("Case %(number)s has been returned by %(unit)s: %(reason)s. Please log in to handle it.")),
    ),
    # unit: the unit asking; days: how many more; reason: why.
    "case.extension_requested": _same_for_in_app_and_email(
        (_("%(unit)s asks for more time on case %(number)s"),
         _("%(unit)s asks to extend case %(number)s “%(title)s” by %(days)s days. Reason: %(reason)s")),
        ("", _("%(unit)s asks to extend case %(number)s by %(days)s days. Please log in to decide.")),
    ),
    # unit: the deciding unit; reason: the decision in words; due: the deadline that now holds.
    "case.extension_decided": _same_for_in_app_and_email(
        (_("Extension of case %(number)s decided"),
         _("%(unit)s decided on the extension of case %(number)s “%(title)s”: %(reason)s. "
           "The case is due %(due)s.")),
        ("", _("Extension of case %(number)s: %(reason)s. Due %(due)s.")),
    ),
    # unit: the unit that urges; reason: its words (may be empty).
    "case.urged": _same_for_in_app_and_email(
        (_("%(unit)s urges you to handle case %(number)s"),
         _("%(unit)s urges you to handle case %(number)s “%(title)s”. %(reason)s")),
        ("", _("%(unit)s urges you to finish case %(number)s. Please log in to handle it.")),
    ),
    # unit: the handling unit; due: its deadline.
    "case.due_soon": _same_for_in_app_and_email(
        (_("Case %(number)s is due soon"),
         _("Case %(number)s “%(title)s” at %(unit)s is due %(due)s.")),
        ("", _("%(unit)s: case %(number)s is due %(due)s. Please handle it in time.")),
    ),
    # unit: the handling unit; due: the deadline it missed.
    "case.overdue": _same_for_in_app_and_email(
        (_("Case %(number)s is overdue"),
         _("Case %(number)s “%(title)s” at %(unit)s was due %(due)s and is overdue.")),
        ("", _("%(unit)s: case %(number)s was due %(due)s and is overdue. Please handle it at once.")),
    ),
    # The sweep's digest to one unit: count: how many of its steps (or of those it dispatched) became overdue in
    # this run; numbers: the first few case numbers. One message per unit and run, not one per case.
    "steps.overdue": _same_for_in_app_and_email(
        (_("%(count)s cases overdue"),
         _("%(unit)s: %(count)s cases became overdue: %(numbers)s. Open the inbox to handle or supervise them.")),
        ("", _("%(unit)s: %(count)s cases became overdue (%(numbers)s). Please handle them at once.")),
    ),
    "steps.due_soon": _same_for_in_app_and_email(
        (_("%(count)s cases due soon"),
         _("%(unit)s: %(count)s cases are due by the end of the next working day: %(numbers)s.")),
        ("", _("%(unit)s: %(count)s cases are due soon (%(numbers)s). Please handle them in time.")),
    ),
    # unit: the new handling unit; due: its deadline (the old unit is told too).
    "case.reassigned": _same_for_in_app_and_email(
        (_("Case %(number)s reassigned to %(unit)s"),
         _("Case %(number)s “%(title)s” has been reassigned to %(unit)s, due %(due)s.")),
        ("", _("Case %(number)s has been reassigned to %(unit)s, due %(due)s.")),
    ),
    # unit: the unit that reports the case up; due: the new deadline; reason: why.
    "case.escalated": _same_for_in_app_and_email(
        (_("Case %(number)s reported up to you by %(unit)s"),
         _("%(unit)s reported case %(number)s “%(title)s” up to you, due %(due)s. Reason: %(reason)s")),
        ("", _("%(unit)s reported case %(number)s up to you, due %(due)s. Please log in to handle it.")),
    ),
    # unit: the unit that reopens the case; reason: why.
    "case.reopened": _same_for_in_app_and_email(
        (_("Case %(number)s reopened"),
         _("%(unit)s reopened case %(number)s “%(title)s”. Reason: %(reason)s")),
        ("", _("Case %(number)s has been reopened by %(unit)s. Please log in to handle it.")),
    ),
    # A member moved to another union (会员关系接转); sent to the union the member left.
    "member.transferred": _same_for_in_app_and_email(
        (_("Member %(name)s transferred to %(to_unit)s"),
         _("Member %(name)s (ID %(id)s) has been transferred from %(from_unit)s to %(to_unit)s. "
           "Reason: %(reason)s")),
        ("", _("Member %(name)s (ID %(id)s) has been transferred from %(from_unit)s to %(to_unit)s. "
               "Reason: %(reason)s")),
    ),
    # Free text written by the sender (title, text); nothing to translate.
    # unit: the unit that appointed the mediator (mediation app).
    "mediation.appointed": _same_for_in_app_and_email(
        (_("You mediate case %(number)s"),
         _("%(unit)s appointed you mediator of %(process)s case %(number)s “%(title)s”. It is in your inbox.")),
        ("", _("%(unit)s appointed you mediator of case %(number)s. Please log in to handle it.")),
    ),
    # unit: the unit that assigned the firm and lawyer (legalaid app); firm: the law firm.
    "legalaid.assigned": _same_for_in_app_and_email(
        (_("You act in legal-aid case %(number)s"),
         _("%(unit)s assigned you (%(firm)s) legal-aid case %(number)s “%(title)s”. It is in your inbox.")),
        ("", _("%(unit)s assigned you legal-aid case %(number)s. Please log in to handle it.")),
    ),
    # unit: the unit that recorded the referral (linkage app); reason: partner, direction and status.
    "linkage.referral": _same_for_in_app_and_email(
        (_("Case %(number)s: partner referral"),
         _("%(unit)s recorded a partner referral on %(process)s case %(number)s “%(title)s”: %(reason)s")),
        ("", _("%(unit)s recorded a partner referral on case %(number)s: %(reason)s")),
    ),
    "broadcast": _same_for_in_app_and_email(("%(title)s", "%(text)s"), ("", "%(text)s")),
}

# Events whose messages wait behind workflow messages in the queue.
BULK_EVENTS = frozenset({"broadcast"})


def priority_of(event: str) -> int:
    """The queue priority of an event's messages."""
    return Priority.BULK if event in BULK_EVENTS else Priority.NORMAL


def template_for(event: str, channel: str) -> Template:
    """The (subject, body) pair of an event on a channel; NotificationTemplateError when there is none."""
    try:
        by_channel = TEMPLATES[event]
    except KeyError:
        raise NotificationTemplateError(f"Unknown notification event {event!r}; declare it in notifications/"
                                        f"templates.py (known: {', '.join(sorted(TEMPLATES))}).")
    try:
        return by_channel[channel]
    except KeyError:
        raise NotificationTemplateError(f"Event {event!r} has no template for channel {channel!r}.")


_PLACEHOLDER = re.compile(r"%\((\w+)\)")


def required_keys(event: str) -> set[str]:
    """The context keys an event needs on any channel (read from the English source strings)."""
    if event not in TEMPLATES:
        template_for(event, "")  # raises the same clear error as rendering would
    return {key for pair in TEMPLATES[event].values() for text in pair for key in _PLACEHOLDER.findall(str(text))}


def _fill(text: Text, context: Mapping[str, object], event: str, channel: str) -> str:
    if not text:
        return ""
    try:
        return str(text) % context
    except KeyError as exc:
        raise NotificationTemplateError(
            f"Notification {event!r} ({channel}) needs context key {exc.args[0]!r}; got {sorted(context)}."
        )
    except (TypeError, ValueError) as exc:
        raise NotificationTemplateError(f"Notification {event!r} ({channel}) cannot be rendered: {exc}")


def render(event: str, channel: str, context: Mapping[str, object], language: str | None = None) -> tuple[str, str]:
    """Render (subject, body) of `event` on `channel` with `context`, in the site language by default."""
    subject, body = template_for(event, channel)
    if not isinstance(context, Mapping):
        raise NotificationTemplateError(f"Notification {event!r}: context must be a dict, not {type(context)}.")
    with translation.override(language or settings.LANGUAGE_CODE):
        return _fill(subject, context, event, channel), _fill(body, context, event, channel)
