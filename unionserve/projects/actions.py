"""Every change to service-project data: proposal, the process effects, merchants, ratings and the survey.

State changes of a project go through the engine (`workflow.actions.perform`); the effects here write what only
a service project knows inside the same transaction (the engine's `case_action` audit row covers them). The
merchant register, the survey, members' ratings and survey answers are audited here.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from unionserve import policy
from unionserve.audit.log import record
from unionserve.audit.models import AuditAction
from unionserve.core.money import MAX_AMOUNT
from unionserve.core.scope import scope_of
from unionserve.core.text import lines_of, strip_text
from unionserve.core.units import UnitKind
from unionserve.core.validators import InvalidValue, validate_uscc
from unionserve.orgs.models import OrgUnit
from unionserve.workflow import actions as engine
from unionserve.workflow.errors import ActionRefused
from unionserve.workflow.models import Case

from . import policies
from .models import (
    Agreement,
    Answer,
    Brand,
    Category,
    Evaluation,
    Merchant,
    Project,
    Question,
    QuestionKind,
    Rating,
    RunLevel,
    Survey,
    SurveyResponse,
    WorkerGroup,
)

PROCESS = "service_project"
#: Units that may propose a project (002 §三(二)): the city's functional departments and the district centers.
PROPOSER_KINDS = {UnitKind.DEPARTMENT, UnitKind.DISTRICT_CENTER, UnitKind.DEV_AREA_CENTER}
DISTRICT_KINDS = {UnitKind.DISTRICT_CENTER, UnitKind.DEV_AREA_CENTER}
#: The plaque number (特约服务商户牌匾编号): TY-<year>-<sequence of that year, 5 digits>.
PLAQUE_FORMAT = "TY-{year}-{seq:05d}"
PLAQUE_RE = re.compile(r"^TY-(\d{4})-(\d{5})$")
MAX_TEXT = 500
#: The longest introduction of a survey (a bound on input, not a seed number).
INTRO_MAX_CHARS = 1000
RATING_SALT = "projects.rating"


# --- helpers ----------------------------------------------------------------------------------------------


def _text(data: dict, key: str, *, required: bool = True, limit: int = MAX_TEXT, label: str = "") -> str:
    value = strip_text(data.get(key))
    if required and not value:
        raise ActionRefused(_("Fill in: %(fields)s.") % {"fields": label or key})
    if len(value) > limit:
        raise ActionRefused(_("%(field)s: at most %(n)d characters.") % {"field": label or key, "n": limit})
    return value


def parse_date(value, label: str) -> dt.date:
    """A date from a form or the API (a date or YYYY-MM-DD); ActionRefused otherwise."""
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value or "").strip())
    except ValueError:
        raise ActionRefused(_("%(field)s: give a date as YYYY-MM-DD.") % {"field": label}) from None


def parse_money(value, label: str) -> Decimal | None:
    """An amount of yuan (0 to MAX_AMOUNT, fen at most) or None when empty."""
    if value in (None, ""):
        return None
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        raise ActionRefused(_("%(field)s must be a number of yuan, e.g. 12000.50.") % {"field": label}) from None
    if not amount.is_finite() or amount < 0 or amount > MAX_AMOUNT or amount != amount.quantize(Decimal("0.01")):
        raise ActionRefused(_("%(field)s must be a number of yuan between 0 and %(max)s with at most two decimals.")
                            % {"field": label, "max": MAX_AMOUNT})
    return amount.quantize(Decimal("0.01"))


def district_of(unit: OrgUnit | None) -> OrgUnit | None:
    """The district center above (or at) a unit on the regional line, None for the city and departments."""
    while unit is not None:
        if unit.kind in DISTRICT_KINDS:
            return unit
        unit = unit.region_parent
    return None


# --- proposal (the opening) ----------------------------------------------------------------------------------


def clean_proposal(data: dict, actor) -> dict:
    """Check what a proposal says (the same for the page and the API); raise ActionRefused saying what to fix."""
    out: dict = {}
    out["name"] = _text(data, "name", limit=100, label=_("Project name"))
    for key, choices, label in (("category", Category, _("Category")), ("brand", Brand, _("Brand project")),
                                ("run_level", RunLevel, _("Run by"))):
        value = str(data.get(key) or "")
        if value not in choices.values:
            raise ActionRefused(_("%(field)s: choose one of the offered options.") % {"field": label})
        out[key] = value
    out["offer"] = _text(data, "offer", label=_("Offer to members"))
    out["subsidy"] = parse_money(data.get("subsidy"), _("Yearly subsidy"))
    uscc = strip_text(data.get("merchant"))
    try:
        uscc = validate_uscc(uscc)
    except InvalidValue as exc:
        raise ActionRefused(str(exc)) from exc
    merchant = Merchant.objects.filter(uscc=uscc, active=True).first()
    if merchant is None:
        raise ActionRefused(_("No active merchant has this credit code: add the merchant to the list first."))
    out["merchant"] = merchant
    unit = actor.org_unit
    if unit is None or unit.kind not in PROPOSER_KINDS:
        raise ActionRefused(_("Projects are proposed by a functional department of the city or a district center."))
    out["run_unit"] = _run_unit(out["run_level"], strip_text(data.get("run_unit")), actor)
    survey = data.get("survey")
    out["survey"] = None
    if survey not in (None, ""):
        try:
            out["survey"] = Survey.objects.get(pk=int(survey))
        except (TypeError, ValueError, Survey.DoesNotExist):
            raise ActionRefused(_("The survey cited does not exist.")) from None
    return out


def _run_unit(level: str, code: str, actor) -> OrgUnit:
    """The unit that runs the project, checked against the level and the proposer's scope."""
    unit = actor.org_unit
    if level == RunLevel.CITY:
        if unit.level != 1:
            raise ActionRefused(_("Only a functional department of the city proposes a city-wide project."))
        return unit.region_parent or unit
    if not code:
        if level == RunLevel.DISTRICT and unit.kind in DISTRICT_KINDS:
            return unit
        raise ActionRefused(_("Choose the district or station that runs the project."))
    run = OrgUnit.objects.active().filter(code=code.split(",")[0].strip()).first()
    if run is None or not scope_of(actor).contains_unit(run):
        raise ActionRefused(_("The running unit is not one of your units."))
    if level == RunLevel.DISTRICT and run.kind not in DISTRICT_KINDS:
        raise ActionRefused(_("A district project is run by a district center."))
    if level == RunLevel.STATION and run.kind != UnitKind.STATION:
        raise ActionRefused(_("A station project is run by a union service station."))
    return run


def create_project(case: Case, data: dict, actor) -> None:
    """Opening effect: the project's own row, with the case number as its code."""
    cleaned = clean_proposal(data, actor)
    Project.objects.create(
        case=case, code=case.number, name=cleaned["name"], category=cleaned["category"], brand=cleaned["brand"],
        run_level=cleaned["run_level"], owner_unit=actor.org_unit, run_unit=cleaned["run_unit"],
        district=district_of(cleaned["run_unit"]), merchant=cleaned["merchant"], offer=cleaned["offer"],
        subsidy=cleaned["subsidy"], survey=cleaned["survey"])


def propose(*, acting_user, data: dict, files=None, request=None) -> Case:
    """Open a project at the acting user's unit (the page and the API both come here)."""
    cleaned = clean_proposal(data, acting_user)
    payload = {k: (v.uscc if isinstance(v, Merchant) else v.code if isinstance(v, OrgUnit)
                   else v.pk if isinstance(v, Survey) else str(v) if isinstance(v, Decimal) else v)
               for k, v in cleaned.items() if v is not None}
    return engine.open_case(PROCESS, actor=acting_user, title=cleaned["name"], subject_name=cleaned["merchant"].name,
                            data=payload, files=files, comment=strip_text(data.get("comment")), request=request)


# --- the process: guards and effects -------------------------------------------------------------------------


def guard_submit(case: Case, data: dict) -> str | None:
    """The inspection report (an attachment) is required, its day not in the future."""
    if not data.get("files"):
        return _("Attach the inspection report of the merchant.")
    try:
        day = parse_date(data.get("inspected_on"), _("Inspected on"))
    except ActionRefused as exc:
        return exc.messages[0]
    if day > timezone.localdate() or day < timezone.localdate() - dt.timedelta(days=366):
        return _("The inspection day must be within the last year, not in the future.")
    return None


def _project(case: Case) -> Project:
    """The project data of a case: the reverse one-to-one the engine's Case does not declare (cached on the case)."""
    return getattr(case, "service_project")  # noqa: B009 - a related name mypy cannot see on the engine's model


def on_submit(case: Case, data: dict, actor) -> None:
    project = _project(case)
    project.inspected_on = parse_date(data.get("inspected_on"), _("Inspected on"))
    project.inspection_summary = _text(data, "inspection_summary", limit=4000, label=_("Inspection report"))
    project.save(update_fields=["inspected_on", "inspection_summary"])


def on_send_back(case: Case, data: dict, actor) -> None:
    project = _project(case)
    project.sent_back_reasons = "\n".join(lines_of(data.get("reasons")))[:4000]
    project.times_sent_back += 1
    project.save(update_fields=["sent_back_reasons", "times_sent_back"])


def on_resubmit(case: Case, data: dict, actor) -> None:
    """The proposer may correct the offer and the subsidy when it submits again."""
    project = _project(case)
    if strip_text(data.get("offer")):
        project.offer = _text(data, "offer", label=_("Offer to members"))
    if data.get("subsidy") not in (None, ""):
        project.subsidy = parse_money(data.get("subsidy"), _("Yearly subsidy"))
    project.save(update_fields=["offer", "subsidy"])


def on_approve(case: Case, data: dict, actor) -> None:
    project = _project(case)
    project.approved_at = timezone.now()
    project.save(update_fields=["approved_at"])


def _period(data: dict) -> tuple[dt.date, dt.date, str]:
    start = parse_date(data.get("start"), _("Agreement from"))
    end = parse_date(data.get("end"), _("Agreement until"))
    terms = _text(data, "terms", limit=4000, label=_("Agreement terms"))
    if end <= start:
        raise ActionRefused(_("The agreement must end after it starts."))
    longest = int(policy.value(policies.AGREEMENT_MAX_DAYS, on=start).value)
    if (end - start).days > longest:
        raise ActionRefused(_("An agreement runs at most %(n)d days.") % {"n": longest})
    return start, end, terms


def guard_period(case: Case, data: dict) -> str | None:
    try:
        _period(data)
    except ActionRefused as exc:
        return exc.messages[0]
    return None


def _agree(case: Case, data: dict, actor, *, renewal: bool) -> None:
    project = _project(case)
    start, end, terms = _period(data)
    Agreement.objects.create(project=project, start=start, end=end, terms=terms, renewal=renewal, signed_by=actor)
    project.agreement_start, project.agreement_end, project.agreement_terms = start, end, terms
    project.save(update_fields=["agreement_start", "agreement_end", "agreement_terms"])


def on_agreement(case: Case, data: dict, actor) -> None:
    _agree(case, data, actor, renewal=False)


def next_plaque_number(year: int) -> str:
    """The next free plaque number of `year` (TY-<year>-<5 digits>, numbered from 1 each year)."""
    last = (Project.objects.filter(plaque_number__startswith=f"TY-{year}-")
            .order_by("-plaque_number").values_list("plaque_number", flat=True).first())
    seq = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return PLAQUE_FORMAT.format(year=year, seq=seq)


def on_plaque(case: Case, data: dict, actor) -> None:
    project = _project(case)
    today = timezone.localdate()
    project.plaque_number = next_plaque_number(today.year)
    project.plaque_issued_on = today
    try:
        with transaction.atomic():
            project.save(update_fields=["plaque_number", "plaque_issued_on"])
    except IntegrityError:
        raise ActionRefused(_("Another plaque took this number at the same moment; please try again.")) from None


def on_publish(case: Case, data: dict, actor) -> None:
    project = _project(case)
    project.published_at = timezone.now()
    project.listed = True
    project.save(update_fields=["published_at", "listed"])


def on_start(case: Case, data: dict, actor) -> None:
    project = _project(case)
    project.running_since = timezone.localdate()
    project.save(update_fields=["running_since"])


def guard_evaluation(case: Case, data: dict) -> str | None:
    try:
        year = int(data.get("year") or "")
    except (TypeError, ValueError):
        return _("Give the year evaluated.")
    if Evaluation.objects.filter(project=_project(case), year=year).exists():
        return _("This project already has an evaluation for %(year)d.") % {"year": year}
    return None


def on_evaluation(case: Case, data: dict, actor) -> None:
    """Record the yearly evaluation with the figures of that year (from the platform's own statistics)."""
    from .evaluation import figures

    project = _project(case)
    year = int(data["year"])
    f = figures(project, dt.date(year, 1, 1), dt.date(year, 12, 31))
    Evaluation.objects.create(
        project=project, year=year, score=int(data["score"]), conclusion=str(data["conclusion"]),
        remarks=strip_text(data.get("remarks"))[:4000], visits=f.visits, members=f.members, ratings=f.ratings,
        satisfaction=f.satisfaction, subsidy_per_visit=f.subsidy_per_visit, recorded_by=actor)
    project.evaluation_score = int(data["score"])
    project.evaluation_conclusion = str(data["conclusion"])
    project.save(update_fields=["evaluation_score", "evaluation_conclusion"])


def on_renew(case: Case, data: dict, actor) -> None:
    _agree(case, data, actor, renewal=True)


def on_exit(case: Case, data: dict, actor) -> None:
    project = _project(case)
    project.exit_reasons = "\n".join(lines_of(data.get("reasons")))[:4000]
    project.exited_at = timezone.now()
    project.listed = False
    project.save(update_fields=["exit_reasons", "exited_at", "listed"])


# --- merchants --------------------------------------------------------------------------------------------


def clean_merchant(data: dict) -> dict[str, object]:
    """Validate a merchant's fields (page and API)."""
    out: dict[str, object] = {"name": _text(data, "name", limit=100, label=_("Name")),
           "address": _text(data, "address", limit=200, label=_("Address")),
           "contact_person": _text(data, "contact_person", limit=40, label=_("Contact person")),
           "phone": _text(data, "phone", limit=20, label=_("Phone"))}
    if not re.fullmatch(r"[0-9\-+ ]{7,20}", str(out["phone"])):
        raise ActionRefused(_("The phone number may hold only digits, spaces, + and -."))
    try:
        out["uscc"] = validate_uscc(strip_text(data.get("uscc")))
    except InvalidValue as exc:
        raise ActionRefused(str(exc)) from exc
    category = str(data.get("category") or "")
    if category not in Category.values:
        raise ActionRefused(_("%(field)s: choose one of the offered options.") % {"field": _("Category")})
    out["category"] = category
    district = OrgUnit.objects.filter(code=strip_text(data.get("district")).split(",")[0],
                                      kind__in=DISTRICT_KINDS).first()
    if district is None:
        raise ActionRefused(_("Choose the district the merchant is in."))
    out["district"] = district
    out["active"] = data.get("active", True) not in (False, "false", "0", "off", "")
    return out


@transaction.atomic
def save_merchant(*, acting_user, data: dict, merchant: Merchant | None = None, version: int | None = None,
                  request=None) -> Merchant:
    """Add or change a merchant (optimistic lock on `version`), audited."""
    cleaned = clean_merchant(data)
    others = Merchant.objects.exclude(pk=merchant.pk) if merchant is not None else Merchant.objects.all()
    clash = others.filter(Q(uscc=cleaned["uscc"]) | Q(name=cleaned["name"])).exists()
    if clash:
        raise ActionRefused(_("A merchant with this name or credit code is already on the list."))
    created = merchant is None
    if merchant is None:
        merchant = Merchant(**cleaned)
    else:
        merchant = Merchant.objects.select_for_update().get(pk=merchant.pk)
        if version is not None and merchant.version != version:
            raise ActionRefused(_("Someone changed this merchant since you opened it; reload and try again."))
        for key, value in cleaned.items():
            setattr(merchant, key, value)
        merchant.version += 1
    merchant.save()
    record(AuditAction.MERCHANT_CHANGED, actor=acting_user, request=request, obj=merchant,
           unit=acting_user.org_unit, detail={"id": merchant.pk, "name": merchant.name, "created": created})
    return merchant


# --- ratings ----------------------------------------------------------------------------------------------


def rating_token(project: Project, member_id: int) -> str:
    """The token of a member's rating link for a project (signed; it names the project and the member)."""
    return signing.dumps({"p": project.pk, "m": member_id}, salt=RATING_SALT, compress=True)


def read_rating_token(token: str) -> tuple[Project, int] | None:
    """The listed project and member of a rating token, or None when it is forged, or the project not listed."""
    try:
        payload = signing.loads(token[:300], salt=RATING_SALT)
    except signing.BadSignature:
        return None
    project = Project.objects.filter(pk=payload.get("p"), listed=True).select_related("merchant").first()
    if project is None or not isinstance(payload.get("m"), int):
        return None
    return project, payload["m"]


@transaction.atomic
def rate(*, token: str, score, comment: str = "", request=None) -> Rating:
    """A member's 1–5 rating through their link: one per member, project and day."""
    found = read_rating_token(token)
    if found is None:
        raise ActionRefused(_("This rating link is not valid."))
    project, member_id = found
    try:
        score = int(score)
    except (TypeError, ValueError):
        score = 0
    if not 1 <= score <= 5:
        raise ActionRefused(_("Give a rating from 1 to 5."))
    comment = strip_text(comment)[:200]
    today = timezone.localdate()
    if Rating.objects.filter(project=project, member_id=member_id, day=today).exists():
        raise ActionRefused(_("You have already rated this project today. Thank you!"))
    try:
        with transaction.atomic():
            rating = Rating.objects.create(project=project, member_id=member_id, day=today, score=score,
                                           comment=comment)
    except IntegrityError:
        raise ActionRefused(_("You have already rated this project today. Thank you!")) from None
    record(AuditAction.PROJECT_FEEDBACK, request=request, obj=project, unit=project.run_unit,
           detail={"code": project.code, "kind": "rating", "id": rating.pk})
    return rating


# --- the worker-needs survey -----------------------------------------------------------------------------


@transaction.atomic
def save_survey(*, acting_user, data: dict, survey: Survey | None = None, request=None) -> Survey:
    """Write a survey: its title, introduction, whether it is open, and its questions.

    `data["questions"]` is a list of {"text", "kind", "options"} (options one per line); questions of a
    survey that already has answers cannot change (the results would no longer mean anything).
    """
    title = _text(data, "title", limit=100, label=_("Title"))
    intro = _text(data, "intro", required=False, limit=INTRO_MAX_CHARS, label=_("Introduction"))
    questions = data.get("questions")
    if survey is None:
        survey = Survey(title=title, intro=intro)
    survey.title, survey.intro = title, intro
    survey.is_open = bool(data.get("is_open"))
    survey.save()
    if questions is not None:
        if survey.responses.exists():
            raise ActionRefused(_("This survey already has answers: its questions can no longer change."))
        if not isinstance(questions, list) or not 1 <= len(questions) <= 50:
            raise ActionRefused(_("A survey has 1 to 50 questions."))
        survey.questions.all().delete()
        for order, q in enumerate(questions, start=1):
            text = _text(q, "text", limit=200, label=_("Question"))
            kind = str(q.get("kind") or "")
            if kind not in QuestionKind.values:
                raise ActionRefused(_("%(field)s: choose one of the offered options.") % {"field": _("Kind")})
            options = [o for o in lines_of(q.get("options")) if o][:20]
            if kind != QuestionKind.TEXT and len(options) < 2:
                raise ActionRefused(_("A choice question needs at least two options: %(q)s") % {"q": text})
            Question.objects.create(survey=survey, order=order, text=text, kind=kind,
                                    options="\n".join(o[:100] for o in options))
    record(AuditAction.SURVEY_CHANGED, actor=acting_user, request=request, obj=survey, unit=acting_user.org_unit,
           detail={"id": survey.pk, "title": survey.title})
    return survey


@transaction.atomic
def answer_survey(*, survey: Survey, data: dict, request=None) -> SurveyResponse:
    """A worker's answers (self-declared district, industry and group); every question answered."""
    if not survey.is_open:
        raise ActionRefused(_("This survey is closed."))
    district_id, industry_id = _int(data.get("district")), _int(data.get("industry"))
    district = OrgUnit.objects.filter(pk=district_id, kind__in=DISTRICT_KINDS).first() if district_id else None
    industry = OrgUnit.objects.filter(pk=industry_id, kind=UnitKind.INDUSTRY_UNION).first() if industry_id else None
    group = str(data.get("group") or WorkerGroup.GENERAL)
    if group not in WorkerGroup.values:
        raise ActionRefused(_("%(field)s: choose one of the offered options.") % {"field": _("Group")})
    response = SurveyResponse.objects.create(survey=survey, district=district, industry=industry, group=group)
    answers = []
    for q in survey.questions.all():
        raw = data.get(f"q{q.pk}")
        options = q.option_list()
        if q.kind == QuestionKind.TEXT:
            text = strip_text(raw if isinstance(raw, str) else "")[:500]
            answers.append(Answer(response=response, question=q, text=text))
            continue
        chosen = [str(v) for v in (raw if isinstance(raw, list) else [raw] if raw not in (None, "") else [])]
        if not chosen:
            raise ActionRefused(_("Answer every choice question: %(q)s") % {"q": q.text})
        if any(c not in options for c in chosen) or (q.kind == QuestionKind.SINGLE and len(chosen) != 1):
            raise ActionRefused(_("%(field)s: choose one of the offered options.") % {"field": q.text})
        answers.append(Answer(response=response, question=q, choices=sorted(set(chosen), key=options.index)))
    Answer.objects.bulk_create(answers)
    record(AuditAction.PROJECT_FEEDBACK, request=request, obj=survey, unit=district,
           detail={"id": response.pk, "kind": "survey"})
    return response


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None

