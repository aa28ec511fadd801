"""Standardization and acceptance of a station (001 §三(一)5, §三(三)5, §四(三)) on the engine.

The station applies (its head or a social worker), the district center pre-checks, the city office inspects
with the versioned checklist (scored from the station's recorded profile, people and training): accepted with a
star rating when the score reaches the policy's pass mark, or sent back to rectify within a deadline, after which
the district checks the rectification and the city inspects again.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from unionserve import policy
from unionserve.core.roles import Role
from unionserve.workflow.definitions import (
    TO_OWNER,
    TO_PARENT,
    Deadline,
    Field,
    Opening,
    ProcessDefinition,
    State,
    Transition,
)
from unionserve.workflow.registry import register

from . import policies

CODE = "stationaccept"
STATION = frozenset({Role.SOCIAL_WORKER})
DISTRICT = frozenset({Role.CENTER_STAFF})
CITY = frozenset({Role.CITY_OFFICE})
STARS = tuple((str(i), str(i)) for i in range(1, 6))


def _open(case, data, actor) -> None:
    from .models import Acceptance

    Acceptance.objects.create(case=case, station=actor.org_unit)


def _inspect(case, data, actor, *, accepted: bool) -> None:
    from .acceptance import score_station
    from .models import Acceptance, StationProfile

    acc = Acceptance.objects.select_for_update().get(case=case)
    today = timezone.localdate()
    items, score = score_station(acc.station, on=today)
    acc.items, acc.score = items, score
    acc.inspections = [*acc.inspections, {"on": today.isoformat(), "score": score,
                                          "result": "accepted" if accepted else "rectify",
                                          "failed": sorted(k for k, v in items.items() if not v["ok"])}]
    if accepted:
        acc.accepted_on = today
        acc.stars = int(data["stars"])
        acc.pass_mark = policy.value(policies.ACCEPT_PASS_MARK, on=today).as_record()
        profile, _created = StationProfile.objects.get_or_create(station=acc.station)
        profile.standardized_on, profile.stars = today, acc.stars
        profile.version += 1
        profile.save()
    else:
        acc.rectify_items = data.get("items", "")
    acc.save()


def _accept(case, data, actor) -> None:
    _inspect(case, data, actor, accepted=True)


def _rectify(case, data, actor) -> None:
    _inspect(case, data, actor, accepted=False)


def _passes(case, data) -> str | None:
    from .acceptance import score_station

    acc = case.station_acceptance
    _items, score = score_station(acc.station)
    mark = policy.value(policies.ACCEPT_PASS_MARK).value
    if score < mark:
        return _g("The checklist scores %(score)s%%, below the pass mark of %(mark)s%%: send it back to rectify.") % {
            "score": score, "mark": mark}
    return None


PROCESS = register(ProcessDefinition(
    code=CODE,
    label=_("Station standardization and acceptance"),
    prefix="YS",
    description=_("A station applies for acceptance of its standardization; the district pre-checks; the city "
                  "inspects with the checklist and accepts with a star rating, or sends it back to rectify "
                  "within a deadline and inspects again."),
    opening=Opening(STATION, frozenset({3}), effect=_open),
    initial="application",
    states=(
        State("application", _("Application"), Deadline.working_days(policies.APPLY_DAYS)),
        State("precheck", _("District pre-check"), Deadline.working_days(policies.PRECHECK_DAYS)),
        State("inspection", _("City inspection"), Deadline.working_days(policies.INSPECT_DAYS)),
        State("rectifying", _("Rectification"), Deadline.days(policies.RECTIFY_DAYS, "限期整改")),
        State("accepted", pgettext_lazy("station acceptance", "Accepted"), final=True),
        State("withdrawn", pgettext_lazy("station acceptance", "Withdrawn"), final=True),
    ),
    transitions=(
        Transition("apply", _("Send the application"), ("application",), "precheck", STATION, frozenset({3}),
                   next_unit=TO_PARENT),
        Transition("withdraw", _("Withdraw"), ("application",), "withdrawn", STATION, frozenset({3}),
                   style="outline-secondary"),
        Transition("pass_precheck", _("Pre-check passed: to the city"), ("precheck",), "inspection", DISTRICT,
                   frozenset({2}), next_unit=TO_PARENT,
                   fields=(Field("opinion", _("Opinion of the district"), "textarea"),)),
        Transition("return_precheck", _("Back to the station"), ("precheck",), "application", DISTRICT,
                   frozenset({2}), next_unit=TO_OWNER, style="outline-danger",
                   fields=(Field("opinion", _("What is missing"), "textarea"),)),
        Transition("accept", _("Accept with a star rating"), ("inspection",), "accepted", CITY, frozenset({1}),
                   fields=(Field("stars", _("Star rating"), "choice", choices=STARS),), guard=_passes,
                   effect=_accept),
        Transition("rectify", _("Rectify within a deadline"), ("inspection",), "rectifying", CITY, frozenset({1}),
                   next_unit=TO_OWNER, style="outline-danger", effect=_rectify,
                   fields=(Field("items", _("What to rectify"), "textarea"),)),
        Transition("rectified", _("Rectified: to the district"), ("rectifying",), "precheck", STATION,
                   frozenset({3}), next_unit=TO_PARENT,
                   fields=(Field("what", _("What was done"), "textarea"),)),
    ),
    returnable=frozenset(),
))
