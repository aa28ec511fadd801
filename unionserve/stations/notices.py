"""The stations' notification texts, added to the outbox's registry when the app starts (the outbox sits below
and does not know this app)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from unionserve.notifications.models import Channel

# unit: the station; month: YYYY-MM reported on; due: the due day.
_DUE = ((_("Monthly report of %(month)s due %(due)s"),
         _("%(unit)s: the monthly station report of %(month)s is due %(due)s. Please fill it in and submit it.")),
        ("", _("%(unit)s: the monthly report of %(month)s is due %(due)s. Please log in to submit it.")))
# unit: the station; month; due: the day it was due.
_OVERDUE = ((_("Monthly report of %(month)s is overdue"),
             _("%(unit)s: the monthly station report of %(month)s was due %(due)s and has not been submitted.")),
            ("", _("%(unit)s: the monthly report of %(month)s was due %(due)s and is missing. Please submit it.")))
# unit: the district that returned it; month; reason.
_RETURNED = ((_("Monthly report of %(month)s returned"),
              _("%(unit)s returned the monthly station report of %(month)s. Reason: %(reason)s")),
             ("", _("%(unit)s returned the monthly report of %(month)s: %(reason)s")))


def register() -> None:
    """Declare the events in the outbox's template registry (idempotent)."""
    from unionserve.notifications import templates

    for event, (template, sms) in {"station.report_due": _DUE, "station.report_overdue": _OVERDUE,
                                   "station.report_returned": _RETURNED}.items():
        templates.TEMPLATES.setdefault(event, {Channel.IN_APP: template, Channel.EMAIL: template, Channel.SMS: sms})
