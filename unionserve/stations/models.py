"""Models of service stations: the profile (premises, equipment, postings), its history, the social workers,
the training ledger and the monthly report (seed 001 §二).

A station is an org unit of kind STATION; every row here hangs on it (``station``) and is scoped through its
paths, so a district sees its stations and a station its own.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from unionserve.core.text import StrOrPromise

SCOPE = ("station__region_path", "station__industry_path")

#: 001 §二(一)2: the equipment every station has (name → label); the bicycle is optional ("有条件的").
EQUIPMENT: dict[str, object] = {
    "phone": _("Telephone"),
    "copier": _("Copier"),
    "printer": _("Printer"),
    "camera": _("Digital camera"),
    "filing_cabinet": _("Filing cabinet"),
    "card_reader": _("Jingka card reader"),
    "networked_pcs": _("A networked PC for every person"),
    "water_dispenser": _("Water dispenser"),
    "rest_chairs": _("Rest chairs for workers"),
    "video_terminal": _("Video dialogue PC"),
}
OPTIONAL_EQUIPMENT: dict[str, object] = {"bicycle": _("Electric bicycle or bicycle")}
#: 001 §二(一)3 五上墙: what hangs on the wall.
POSTINGS: dict[str, object] = {
    "duties": _("Duties of the station"),
    "division_of_work": _("Division of work"),
    "rules": _("Working rules"),
    "progress": _("Work progress"),
    "area_overview": _("Units and workers of the area"),
}
#: 001 §二(一)3: the rooms a station may be required to have.
ROOMS: dict[str, object] = {
    "mediation_room": _("Labor-dispute mediation room"),
    "library": _("Workers' library"),
    "activity_room": _("Workers' activity room"),
}


class StationProfile(models.Model):
    """The premises and fittings of one station (001 §二(一)); every change is kept in ProfileChange."""

    scope_paths = SCOPE

    station = models.OneToOneField("orgs.OrgUnit", models.PROTECT, related_name="station_profile",
                                   verbose_name=_("station"))
    street_facing = models.BooleanField(_("street-facing"), default=False)
    own_office = models.BooleanField(_("own office"), default=False)
    area_m2 = models.PositiveIntegerField(_("area (m²)"), default=0, validators=[MaxValueValidator(10000)])
    city_sign = models.BooleanField(_("the city's sign installed"), default=False)
    #: Keys of ROOMS the station has.
    rooms = models.JSONField(_("rooms"), default=list, blank=True)
    #: Keys of EQUIPMENT and OPTIONAL_EQUIPMENT the station has.
    equipment = models.JSONField(_("equipment"), default=list, blank=True)
    pcs = models.PositiveSmallIntegerField(_("networked PCs"), default=0, validators=[MaxValueValidator(500)])
    #: Keys of POSTINGS on the wall.
    postings = models.JSONField(_("postings on the wall"), default=list, blank=True)
    outdoor_board = models.BooleanField(_("outdoor board"), default=False)
    video_link = models.BooleanField(_("video link to the city and district"), default=False)
    #: Union funds the street union retains per year (001 §四(一)(二)): what the subsidies depend on.
    retained_funds = models.DecimalField(_("union funds retained per year (yuan)"), max_digits=14, decimal_places=2,
                                         default=Decimal("0"))
    standardized_on = models.DateField(_("standardized (accepted) on"), null=True, blank=True)
    stars = models.PositiveSmallIntegerField(_("star rating"), default=0, validators=[MaxValueValidator(5)])
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("station profile")
        verbose_name_plural = _("station profiles")

    def __str__(self) -> str:
        return str(self.station)

    @property
    def org_unit(self):
        return self.station


class ProfileChange(models.Model):
    """One change of a profile: who, when, which fields from what to what."""

    scope_paths = SCOPE

    station = models.ForeignKey("orgs.OrgUnit", models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+")
    #: {field: [old, new]}
    changes = models.JSONField(default=dict)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["station", "at"])]

    def __str__(self) -> str:
        return f"{self.station_id} {self.at:%Y-%m-%d}"


def photo_path(instance: StationPhoto, filename: str) -> str:
    return f"stations/{instance.station_id}/{timezone.now():%Y%m}/{filename}"


class StationPhoto(models.Model):
    """A photo of the premises (sign, rooms, postings), kept as an attachment of the profile."""

    scope_paths = SCOPE

    station = models.ForeignKey("orgs.OrgUnit", models.PROTECT, related_name="+")
    file = models.FileField(upload_to=photo_path, max_length=200)
    caption = models.CharField(_("caption"), max_length=100, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-uploaded_at"]

    def __str__(self) -> str:
        return self.caption or self.file.name or ""


class Post(models.TextChoices):
    HEAD = "head", _("Station head")
    DEPUTY = "deputy", _("Deputy head")
    WORKER = "worker", _("Social worker")


class Appraisal(models.TextChoices):
    NONE = "", pgettext_lazy("appraisal", "Not yet")
    EXCELLENT = "excellent", _("Excellent")
    COMPETENT = "competent", _("Competent")
    BASIC = "basic", _("Basically competent")
    FAIL = "fail", _("Not competent")


class StationWorker(models.Model):
    """A person working at a station: its head (a full-time vice-chair of the street union), a deputy, or a
    full-time union social worker with the file 001 §二(二)2 asks for (hired, contract, pay grade, appraisal)."""

    scope_paths = SCOPE

    station = models.ForeignKey("orgs.OrgUnit", models.PROTECT, related_name="station_workers",
                                verbose_name=_("station"))
    name = models.CharField(_("name"), max_length=60)
    post = models.CharField(_("post"), max_length=8, choices=Post.choices, default=Post.WORKER)
    hired_on = models.DateField(_("hired on"))
    contract_until = models.DateField(_("contract until"), null=True, blank=True)
    pay_grade = models.CharField(_("pay grade"), max_length=20, blank=True)
    appraisal = models.CharField(_("latest appraisal"), max_length=10, choices=Appraisal.choices, blank=True,
                                 default="")
    appraisal_year = models.PositiveSmallIntegerField(_("appraisal year"), null=True, blank=True,
                                                      validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    left_on = models.DateField(_("left on"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["station", "post", "name"]
        indexes = [models.Index(fields=["station", "left_on"])]

    def __str__(self) -> str:
        return self.name

    @property
    def org_unit(self):
        return self.station

    @property
    def is_social_worker(self) -> bool:
        """The head is the street union's vice-chair; the deputy and the workers are social workers."""
        return self.post != Post.HEAD


class Organizer(models.TextChoices):
    CITY = "city", _("City federation")
    DISTRICT = "district", _("District federation")


class CourseKind(models.TextChoices):
    PRE_JOB = "pre_job", _("Pre-job training of new hires")
    GENERAL = "general", _("Training of all staff")
    HEAD = "head", _("Training of station heads")


class TrainingCourse(models.Model):
    """A course held by the city or by a district (the unit that holds it owns the row)."""

    scope_paths = ("unit__region_path", "unit__industry_path")

    unit = models.ForeignKey("orgs.OrgUnit", models.PROTECT, related_name="+", verbose_name=_("held by"))
    organizer = models.CharField(_("organizer"), max_length=8, choices=Organizer.choices)
    kind = models.CharField(_("kind"), max_length=8, choices=CourseKind.choices, default=CourseKind.GENERAL)
    title = models.CharField(_("title"), max_length=120)
    held_on = models.DateField(_("held on"))
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=1,
                                validators=[MinValueValidator(Decimal("0.5")), MaxValueValidator(Decimal("200"))])

    class Meta:
        ordering = ["-held_on", "id"]

    def __str__(self) -> str:
        return self.title

    @property
    def org_unit(self):
        return self.unit


class Attendance(models.Model):
    """A worker at a course, with the hours attended (a part of the course counts as its part)."""

    scope_paths = ("worker__station__region_path", "worker__station__industry_path")

    course = models.ForeignKey(TrainingCourse, models.CASCADE, related_name="attendance")
    worker = models.ForeignKey(StationWorker, models.CASCADE, related_name="attendance")
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=1,
                                validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("200"))])

    class Meta:
        constraints = [models.UniqueConstraint(fields=["course", "worker"], name="station_attendance_once")]

    def __str__(self) -> str:
        return f"{self.worker_id} {self.course_id} {self.hours}"


class ReportStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("station report", "Draft")
    SUBMITTED = "submitted", pgettext_lazy("station report", "Submitted")
    APPROVED = "approved", pgettext_lazy("station report", "Approved")
    RETURNED = "returned", pgettext_lazy("station report", "Returned")


#: The figures of a monthly report (001 §二(五)3: 职工变动情况和工作开展情况): name → (label, prefilled).
#: Prefilled figures come from the register and the platform; the others are typed by the station.
REPORT_FIGURES: dict[str, tuple[StrOrPromise, bool]] = {
    "units_founded": (_("Unions founded"), True),
    "members_joined": (_("Members joined"), True),
    "members_left": (_("Members left"), True),
    "affairs_handled": (_("12351 affairs handled"), True),
    "mediation_cases": (_("Mediation cases handled"), True),
    "legal_aid_cases": (_("Legal-aid cases handled"), True),
    "served_visits": (_("Served visits"), True),
    "sample_checks": (_("Sample checks done"), True),
    "work_orders": (_("Work orders handled"), True),
    "cards_issued": (_("Jingka cards helped with"), False),
    "wage_negotiations": (_("Collective wage negotiations"), False),
    "activities": (_("Activities held"), False),
    "participants": (_("Participants in activities"), False),
}


class MonthlyReport(models.Model):
    """A station's report of one month (the period), due on a working day of the next month."""

    scope_paths = SCOPE

    station = models.ForeignKey("orgs.OrgUnit", models.PROTECT, related_name="station_reports",
                                verbose_name=_("station"))
    #: The first day of the month reported on.
    period = models.DateField(_("month"))
    due_on = models.DateField(_("due on"))
    #: The policy version of the due day used (key, version, value).
    due_policy = models.JSONField(default=dict, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.DRAFT)
    figures = models.JSONField(default=dict, blank=True)
    narrative = models.TextField(_("other work and problems"), blank=True, max_length=4000)
    #: The first submission decides timeliness (DHIS2: a data set counts as on time when completed by the due
    #: day); a report returned and submitted again keeps its first date.
    first_submitted_on = models.DateField(_("first submitted on"), null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+")
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+")
    return_reason = models.CharField(_("reason for return"), max_length=500, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-period", "station"]
        constraints = [models.UniqueConstraint(fields=["station", "period"], name="station_report_once")]
        indexes = [models.Index(fields=["period", "station"], name="station_report_period")]

    def __str__(self) -> str:
        return f"{self.station} {self.period:%Y-%m}"

    @property
    def org_unit(self):
        return self.station

    @property
    def on_time(self) -> bool:
        return self.first_submitted_on is not None and self.first_submitted_on <= self.due_on


#: The checklist of standardization (001 §二(一)–(三)), versioned: (code, label, points). A new version gets a new
#: key; an acceptance keeps the version and the items it was scored with.
CHECKLIST_VERSION = "2013-1"
CHECKLIST: tuple[tuple[str, object, int], ...] = (
    ("street_facing", _("Street-facing (§二(一)1)"), 5),
    ("own_office", _("Own office (§二(一)1)"), 5),
    ("area", _("Area at least the minimum (§二(一)1)"), 10),
    ("city_sign", _("The city's sign (§二(一)1)"), 5),
    ("equipment", _("Equipment complete (§二(一)2)"), 10),
    ("pcs", _("A networked PC for every person (§二(一)2)"), 5),
    ("rooms", _("Rooms required by the area (§二(一)3)"), 10),
    ("postings", _("Five postings on the wall (§二(一)3)"), 5),
    ("outdoor_board", _("Outdoor board (§二(一)4)"), 5),
    ("video_link", _("Video dialogue system (§二(一)5)"), 5),
    ("staffing", _("Social workers as required by the members (§二(二)1)"), 15),
    ("training", _("Training hours of the year (§二(二)3)"), 10),
    ("head", _("A station head; a deputy only where allowed (§二(三)1)"), 10),
)


class Acceptance(models.Model):
    """A station's standardization and acceptance (001 §三(一)5, §四(三)): the case on the engine and the
    checklist it was inspected with."""

    scope_paths = SCOPE

    case = models.OneToOneField("workflow.Case", models.PROTECT, related_name="station_acceptance")
    station = models.ForeignKey("orgs.OrgUnit", models.PROTECT, related_name="+", verbose_name=_("station"))
    checklist_version = models.CharField(max_length=20, default=CHECKLIST_VERSION)
    #: {item: {"ok": bool, "points": int, "note": str}} of the latest inspection.
    items = models.JSONField(default=dict, blank=True)
    score = models.PositiveSmallIntegerField(_("score"), null=True, blank=True)
    #: Each inspection: {"on": date, "score": n, "result": "accepted"|"rectify", "items": [...failed]}.
    inspections = models.JSONField(default=list, blank=True)
    rectify_items = models.TextField(_("to rectify"), blank=True)
    accepted_on = models.DateField(_("accepted on"), null=True, blank=True)
    stars = models.PositiveSmallIntegerField(_("star rating"), default=0, validators=[MaxValueValidator(5)])
    pass_mark = models.JSONField(default=dict, blank=True)

    def __str__(self) -> str:
        return f"{self.station} {self.case_id}"

    @property
    def org_unit(self):
        return self.station


class FundSource(models.TextChoices):
    STREET = "street", _("Support of the street's party and government")
    RETAINED = "retained", _("Retained union funds")
    DISTRICT = "district", _("District federation")
    CITY_PROJECT = "city_project", _("City project funds")
    OTHER = "other", pgettext_lazy("fund source", "Other")


#: Spending categories and whether they serve workers directly (001 §四(二): 直接用于服务职工的费用).
class SpendCategory(models.TextChoices):
    ACTIVITIES = "activities", _("Activities for workers")
    HELP = "help", _("Help and assistance to workers")
    LEGAL = "legal", _("Legal and mediation services")
    WORKER_TRAINING = "worker_training", _("Training of workers")
    OFFICE = "office", _("Office and running costs")
    STAFF = "staff", _("Staff costs")
    CONSTRUCTION = "construction", _("Premises and construction")


DIRECT_CATEGORIES = frozenset({SpendCategory.ACTIVITIES, SpendCategory.HELP, SpendCategory.LEGAL,
                               SpendCategory.WORKER_TRAINING})


class MoneyEntry(models.Model):
    """Funds received (by source) or spent (by category) by a station in a year."""

    scope_paths = SCOPE

    station = models.ForeignKey("orgs.OrgUnit", models.PROTECT, related_name="+", verbose_name=_("station"))
    on = models.DateField(_("date"))
    received = models.BooleanField(_("received"), default=False)
    source = models.CharField(_("source"), max_length=16, choices=FundSource.choices, blank=True)
    category = models.CharField(_("category"), max_length=16, choices=SpendCategory.choices, blank=True)
    amount = models.DecimalField(_("amount (yuan)"), max_digits=14, decimal_places=2,
                                 validators=[MinValueValidator(Decimal("0.01"))])
    note = models.CharField(_("note"), max_length=200, blank=True)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+")

    class Meta:
        ordering = ["-on", "-id"]
        indexes = [models.Index(fields=["station", "on"])]
        constraints = [models.CheckConstraint(
            condition=(models.Q(received=True, category="") & ~models.Q(source=""))
            | (models.Q(received=False, source="") & ~models.Q(category="")), name="station_money_kind")]

    def __str__(self) -> str:
        return f"{self.station_id} {self.on} {self.amount}"

    @property
    def org_unit(self):
        return self.station


class MeetingKind(models.TextChoices):
    LINKAGE_DAY = "linkage_day", _("Monthly linkage day (联动日)")
    JOINT = "joint", _("Joint meeting of the street union (联席会)")
    REGULAR = "regular", _("Regular staff meeting (工作例会)")
    SIX_PARTY = "six_party", _("Six-party linkage meeting")


class Meeting(models.Model):
    """A linkage day or meeting of a station (001 §二(三)2, §二(五)2–3) with its attendance and minutes."""

    scope_paths = SCOPE

    station = models.ForeignKey("orgs.OrgUnit", models.PROTECT, related_name="+", verbose_name=_("station"))
    kind = models.CharField(_("kind"), max_length=12, choices=MeetingKind.choices)
    held_on = models.DateField(_("held on"))
    topic = models.CharField(_("topic"), max_length=200)
    attendees = models.CharField(_("attendees"), max_length=500, blank=True)
    attendance = models.PositiveSmallIntegerField(_("number attending"), default=0,
                                                  validators=[MaxValueValidator(1000)])
    minutes = models.TextField(_("minutes"), blank=True, max_length=8000)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+")

    class Meta:
        ordering = ["-held_on", "-id"]
        indexes = [models.Index(fields=["station", "held_on"])]

    def __str__(self) -> str:
        return self.topic

    @property
    def org_unit(self):
        return self.station
