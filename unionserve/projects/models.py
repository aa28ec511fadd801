"""Service projects (服务项目, seed 000 §四.4, 002 §三(二)–(三)) and contracted merchants (特约服务商户).

The lifecycle (proposal, inspection, approval, agreement, plaque, publication, running, yearly evaluation,
renewal or exit) is the workflow engine's Case; `Project` holds what only a service project knows: the
category, the brand of 002 it serves, the level that runs it, the merchant, the offer, the subsidy, the
agreement, the plaque number and the evaluations. Members rate a project they used (`Rating`); the
worker-needs survey (职工需求调查, seed 004) is `Survey` with its questions and answers.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from unionserve.core import tree
from unionserve.core.money import money_field


class Category(models.TextChoices):
    """The six categories of seed 004 (教育培训、文化体育、医药健康、旅游休闲、生活服务、互助保障)."""

    EDUCATION = "education", pgettext_lazy("project category", "Education and training")
    CULTURE = "culture", pgettext_lazy("project category", "Culture and sports")
    HEALTH = "health", pgettext_lazy("project category", "Medicine and health")
    LEISURE = "leisure", pgettext_lazy("project category", "Travel and leisure")
    LIVING = "living", pgettext_lazy("project category", "Daily-life services")
    MUTUAL = "mutual", pgettext_lazy("project category", "Mutual protection")


class Brand(models.TextChoices):
    """The ten brand projects of seed 002 §一."""

    SKILLS = "skills", pgettext_lazy("brand project", "Skills boost")
    LEGAL = "legal", pgettext_lazy("brand project", "Legal services")
    CULTURE = "culture", pgettext_lazy("brand project", "Culture and sports")
    MEDICAL = "medical", pgettext_lazy("brand project", "Medical mutual aid")
    HEALTH = "health", pgettext_lazy("brand project", "Health promotion")
    REHAB = "rehab", pgettext_lazy("brand project", "Occupational rehabilitation")
    ACCIDENT = "accident", pgettext_lazy("brand project", "Accident protection")
    MIND = "mind", pgettext_lazy("brand project", "Psychological care")
    HARDSHIP = "hardship", pgettext_lazy("brand project", "Hardship relief")
    MATERNAL = "maternal", pgettext_lazy("brand project", "Mother and infant care")


class RunLevel(models.TextChoices):
    """Who runs a project (002 §三(二)): the city (functional departments), a district, or a station."""

    CITY = "city", pgettext_lazy("project level", "City-wide")
    DISTRICT = "district", pgettext_lazy("project level", "District")
    STATION = "station", pgettext_lazy("project level", "Station")


class Conclusion(models.TextChoices):
    """What the yearly evaluation recommends (002 §四(三): 决定项目取舍或资金补贴)."""

    RENEW = "renew", pgettext_lazy("evaluation conclusion", "Renew")
    IMPROVE = "improve", pgettext_lazy("evaluation conclusion", "Renew with improvements")
    EXIT = "exit", pgettext_lazy("evaluation conclusion", "Exit")


class Merchant(models.Model):
    """A merchant (服务商) that offers services to members; a plaque makes it a contracted merchant."""

    name = models.CharField(pgettext_lazy("organization", "name"), max_length=100, unique=True)
    uscc = models.CharField(_("Unified Social Credit Code"), max_length=18, unique=True)
    address = models.CharField(_("address"), max_length=200)
    #: The district the merchant sits in (a district or development-area center of the regional line).
    district = models.ForeignKey("orgs.OrgUnit", models.PROTECT, related_name="+", verbose_name=_("district"))
    contact_person = models.CharField(_("contact person"), max_length=40)
    phone = models.CharField(_("phone"), max_length=20)
    category = models.CharField(_("category"), max_length=12, choices=Category.choices)
    active = models.BooleanField(_("active"), default=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("merchant")
        verbose_name_plural = _("merchants")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


def _paths_q(prefix: str, scope) -> Q:
    q = Q(pk__in=[])
    if scope.region_path:
        q |= tree.subtree_q(f"{prefix}__region_path", scope.region_path)
    if scope.industry_path:
        q |= tree.subtree_q(f"{prefix}__industry_path", scope.industry_path)
    return q


class Project(models.Model):
    """The service-project data of one engine case (one-to-one); `code` is the case number."""

    case = models.OneToOneField("workflow.Case", models.CASCADE, related_name="service_project")
    code = models.CharField(_("project code"), max_length=20, unique=True)
    name = models.CharField(_("project name"), max_length=100)
    category = models.CharField(_("category"), max_length=12, choices=Category.choices)
    brand = models.CharField(_("brand project"), max_length=12, choices=Brand.choices)
    run_level = models.CharField(_("run by"), max_length=10, choices=RunLevel.choices)
    #: The unit that proposed it (a functional department or a district center); it owns the case.
    owner_unit = models.ForeignKey("orgs.OrgUnit", models.PROTECT, related_name="+", verbose_name=_("proposed by"))
    #: The unit that runs it: the city center, a district center or a station.
    run_unit = models.ForeignKey("orgs.OrgUnit", models.PROTECT, related_name="+", verbose_name=_("running unit"))
    #: The district of the running unit (empty for a city-wide project): the catalogue's filter.
    district = models.ForeignKey("orgs.OrgUnit", models.PROTECT, null=True, blank=True, related_name="+",
                                 verbose_name=_("district"))
    merchant = models.ForeignKey(Merchant, models.PROTECT, related_name="projects", verbose_name=_("merchant"))
    offer = models.TextField(_("offer to members"), max_length=500)
    subsidy = money_field(_("yearly subsidy (yuan)"), null=True, blank=True)
    survey = models.ForeignKey("Survey", models.SET_NULL, null=True, blank=True, related_name="projects",
                               verbose_name=_("worker-needs survey cited"))
    inspected_on = models.DateField(_("inspected on"), null=True, blank=True)
    inspection_summary = models.TextField(_("inspection report"), blank=True)
    sent_back_reasons = models.TextField(_("reasons for sending back"), blank=True)
    times_sent_back = models.PositiveSmallIntegerField(default=0)
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    agreement_start = models.DateField(_("agreement from"), null=True, blank=True)
    agreement_end = models.DateField(_("agreement until"), null=True, blank=True)
    agreement_terms = models.TextField(_("agreement terms"), blank=True)
    #: 特约服务商户 plaque: TY-<year>-<5-digit sequence of that year>, e.g. TY-2026-00012 (docs/projects.md).
    plaque_number = models.CharField(_("plaque number"), max_length=16, unique=True, null=True, blank=True)
    plaque_issued_on = models.DateField(_("plaque issued on"), null=True, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    running_since = models.DateField(_("running since"), null=True, blank=True)
    #: In the catalogue: from publication until exit (kept here so the public catalogue reads one table).
    listed = models.BooleanField(_("in the catalogue"), default=False)
    evaluation_score = models.PositiveSmallIntegerField(_("last evaluation score"), null=True, blank=True)
    evaluation_conclusion = models.CharField(_("last evaluation conclusion"), max_length=10, blank=True,
                                             choices=Conclusion.choices)
    exited_at = models.DateTimeField(_("exited"), null=True, blank=True)
    exit_reasons = models.TextField(_("reasons for the exit"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("service project")
        verbose_name_plural = _("service projects")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["listed", "category", "district"]),
                   models.Index(fields=["listed", "district"])]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @classmethod
    def scope_filter(cls, scope) -> Q:
        """A project is seen by the scope of the unit that proposed it and of the unit that runs it."""
        return _paths_q("owner_unit", scope) | _paths_q("run_unit", scope)

    @property
    def service_key(self) -> str:
        """Its key in the served visits (visits.public)."""
        return f"project:{self.code}"


class Agreement(models.Model):
    """One agreement period with the merchant: the first one, then each renewal."""

    project = models.ForeignKey(Project, models.CASCADE, related_name="agreements")
    start = models.DateField(_("from"))
    end = models.DateField(_("until"))
    terms = models.TextField(_("terms"))
    renewal = models.BooleanField(_("renewal"), default=False)
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    signed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["start"]
        constraints = [models.CheckConstraint(condition=Q(end__gt=models.F("start")), name="project_agreement_period")]

    def __str__(self) -> str:
        return f"{self.project_id} {self.start}–{self.end}"


class Evaluation(models.Model):
    """The yearly evaluation of a project (002 §四(三)): the figures of the year and the evaluator's result."""

    project = models.ForeignKey(Project, models.CASCADE, related_name="evaluations")
    year = models.PositiveSmallIntegerField(_("year"))
    score = models.PositiveSmallIntegerField(_("score"), validators=[MaxValueValidator(100)])
    conclusion = models.CharField(_("conclusion"), max_length=10, choices=Conclusion.choices)
    remarks = models.TextField(_("remarks"), blank=True)
    visits = models.PositiveIntegerField(_("served visits"), default=0)
    members = models.PositiveIntegerField(_("members reached"), default=0)
    ratings = models.PositiveIntegerField(_("ratings"), default=0)
    satisfaction = models.DecimalField(_("average rating"), max_digits=3, decimal_places=2, null=True, blank=True)
    subsidy_per_visit = money_field(_("subsidy per visit (yuan)"), null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-year"]
        constraints = [models.UniqueConstraint(fields=["project", "year"], name="project_evaluation_once_a_year")]

    def __str__(self) -> str:
        return f"{self.project_id} {self.year}: {self.score}"


class Rating(models.Model):
    """A member's 1–5 rating of a project after use: one per member, project and day."""

    project = models.ForeignKey(Project, models.CASCADE, related_name="ratings")
    member = models.ForeignKey("members.Member", models.CASCADE, related_name="+")
    day = models.DateField(_("day"))
    score = models.PositiveSmallIntegerField(_("rating"), validators=[MinValueValidator(1), MaxValueValidator(5)])
    comment = models.CharField(_("comment"), max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["project", "member", "day"], name="project_rating_once_a_day"),
            models.CheckConstraint(condition=Q(score__gte=1, score__lte=5), name="project_rating_1_to_5"),
        ]
        indexes = [models.Index(fields=["project", "day"])]

    def __str__(self) -> str:
        return f"{self.project_id} {self.day}: {self.score}"


class WorkerGroup(models.TextChoices):
    """The groups the worker-needs survey reports by (self-declared, or from the register)."""

    GENERAL = "general", pgettext_lazy("worker group", "General")
    FEMALE = "female", pgettext_lazy("worker group", "Female worker")
    YOUNG = "young", pgettext_lazy("worker group", "Young worker (under 35)")
    MIGRANT = "migrant", pgettext_lazy("worker group", "Migrant worker")
    MODEL_WORKER = "model_worker", pgettext_lazy("worker group", "Model worker")
    HARDSHIP = "hardship", pgettext_lazy("worker group", "Hardship worker")


class QuestionKind(models.TextChoices):
    SINGLE = "single", pgettext_lazy("question kind", "Single choice")
    MULTIPLE = "multiple", pgettext_lazy("question kind", "Multiple choice")
    TEXT = "text", pgettext_lazy("question kind", "Text")


class Survey(models.Model):
    """A worker-needs survey (职工需求调查, seed 004) the city office writes; open surveys are on the portal."""

    title = models.CharField(_("title"), max_length=100)
    intro = models.TextField(_("introduction"), blank=True, max_length=1000)
    is_open = models.BooleanField(_("open for answers"), default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("worker-needs survey")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title


class Question(models.Model):
    survey = models.ForeignKey(Survey, models.CASCADE, related_name="questions")
    order = models.PositiveSmallIntegerField(_("order"), default=1)
    text = models.CharField(_("question"), max_length=200)
    kind = models.CharField(_("kind"), max_length=10, choices=QuestionKind.choices)
    #: The options of a choice question, one per line.
    options = models.TextField(_("options (one per line)"), blank=True)

    class Meta:
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.text

    def option_list(self) -> list[str]:
        return [line.strip() for line in self.options.splitlines() if line.strip()]


class SurveyResponse(models.Model):
    """One worker's answers, with the district, industry and group the results are broken down by."""

    survey = models.ForeignKey(Survey, models.CASCADE, related_name="responses")
    district = models.ForeignKey("orgs.OrgUnit", models.PROTECT, null=True, blank=True, related_name="+",
                                 verbose_name=_("district"))
    industry = models.ForeignKey("orgs.OrgUnit", models.PROTECT, null=True, blank=True, related_name="+",
                                 verbose_name=_("industry"))
    group = models.CharField(_("group"), max_length=14, choices=WorkerGroup.choices, default=WorkerGroup.GENERAL)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["survey", "district"])]

    def __str__(self) -> str:
        return f"{self.survey_id} #{self.pk}"


class Answer(models.Model):
    response = models.ForeignKey(SurveyResponse, models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, models.CASCADE, related_name="answers")
    #: The options chosen (their text), for choice questions.
    choices = models.JSONField(default=list)
    text = models.CharField(max_length=500, blank=True)

    def __str__(self) -> str:
        return f"{self.response_id}/{self.question_id}"
