"""Receiving an application: the opening effect that records parties, employer and claims, and the one
function pages and the API call to open a case."""

from __future__ import annotations

from django.utils.translation import gettext as _

from unionserve.core.scope import scope_of
from unionserve.core.text import strip_text
from unionserve.core.vocab import DisputeType
from unionserve.members.public import Employer, Member, find_member, get_member
from unionserve.workflow import actions
from unionserve.workflow.errors import ActionRefused

from .models import Claim, MediationCase, Party, Path
from .rules import InputError, parse_claims, parse_workers

PATH_BY_LEVEL = {1: Path.DOWN, 2: Path.LOCAL, 3: Path.UP}


def _member(actor, line) -> Member | None:
    """The register's member a worker line names (ID number or member id), inside the actor's scope."""
    if not line.id_number and line.member_id is None:
        return None
    # The register's one policy: only members inside the actor's scope, by id or by ID number.
    member = (get_member(line.member_id, user=actor) if line.member_id is not None
              else find_member(id_number=line.id_number, user=actor))
    if member is None:
        raise ActionRefused(_("%(name)s: no member with this ID number in your part of the register. Leave the "
                              "ID number out for a worker who is not a member.") % {"name": line.name})
    return member


def _employer(actor, uscc: str, name: str, members: list[Member]) -> tuple[Employer | None, str]:
    uscc = strip_text(uscc).upper()
    if uscc:
        employer = scope_of(actor).filter(Employer.objects.all()).filter(uscc=uscc).first()
        if employer is None:
            raise ActionRefused(_("No employer with credit code %(code)s in your part of the register.")
                                % {"code": uscc})
        return employer, employer.name
    if strip_text(name):
        return None, strip_text(name)[:200]
    # Where the workers are members, their employer in the register is the other party.
    known = {m.employer_id: m.employer for m in members if m.employer is not None}
    if len(known) == 1:
        employer = next(iter(known.values()))
        return employer, employer.name
    raise ActionRefused(_("Name the employer (its credit code if it is in the register, else its name)."))


def create_mediation(case, data: dict, actor) -> MediationCase:
    """Opening effect: the mediation record with its parties and claims (all or nothing, in the engine's
    transaction)."""
    if data.get("dispute_type") not in DisputeType.values:
        raise ActionRefused(_("Kind of dispute: choose one of the offered options."))
    try:
        workers = parse_workers(data.get("workers"))
        claims = parse_claims(data.get("claims") or [])
    except InputError as exc:
        raise ActionRefused(str(exc)) from exc
    if not isinstance(data.get("workers"), tuple) and any(w.id_number for w in workers):
        # Text typed into the generic opening page goes onto the timeline as it is: no ID numbers there.
        raise ActionRefused(_("Link members by ID number on the mediation intake page, not here."))
    members = [_member(actor, w) for w in workers]
    employer, employer_name = _employer(actor, data.get("employer_uscc", ""), data.get("employer_name", ""),
                                        [m for m in members if m is not None])
    mc = MediationCase.objects.create(
        case=case, path=PATH_BY_LEVEL[actor.org_unit.level], dispute_type=data["dispute_type"],
        summary=strip_text(data.get("summary", "")), employer=employer, employer_name=employer_name,
    )
    Party.objects.bulk_create([Party(mediation=mc, name=w.name, member=m, position=i)
                               for i, (w, m) in enumerate(zip(workers, members, strict=True))])
    Claim.objects.bulk_create([Claim(mediation=mc, item=c.item, amount=c.amount, position=i)
                               for i, c in enumerate(claims)])
    return mc


def open_mediation(actor, *, data: dict, channel: str = "window", comment: str = "", files=None):
    """Open a mediation case at the actor's unit. `data` holds the opening fields (workers and claims as
    text or lists). The title and the person it concerns are derived from the parties."""
    try:
        workers = parse_workers(data.get("workers"))
    except InputError as exc:
        raise ActionRefused(str(exc)) from exc
    # As parsed lines (not text), the workers and their ID numbers stay off the case timeline.
    data = {**data, "workers": tuple(workers)}
    if isinstance(data.get("claims"), (list, tuple)):
        # The timeline stores the opening data as JSON: amounts as text.
        data["claims"] = [{"item": c.get("item"), "amount": None if c.get("amount") is None else str(c["amount"])}
                          for c in data["claims"]]
    names = "、".join(w.name for w in workers[:3]) + (_(" and others") if len(workers) > 3 else "")
    employer = strip_text(data.get("employer_name"))
    title = _("%(workers)s: labor dispute") % {"workers": names}
    if employer:
        title = _("%(workers)s v. %(employer)s") % {"workers": names, "employer": employer}
    return actions.open_case("mediation", actor=actor, title=title[:200], channel=channel,
                             subject_name=names[:100], data=data, comment=comment, files=files)
