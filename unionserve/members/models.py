"""The real-name register: employers (units) and members, with history and protected personal data.

Personal data (ID number, phone) is stored sealed by `unionserve.pii` (ciphertext, keyed hash for exact lookup,
mask for lists); only `pii.reveal` reads the clear text for a page, and it writes the audit log.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from unionserve.core.progress import DONE, FAILED, RUNNING, STOPPED, Progress

from . import vocab
from .vocab import Education, Employment, Hukou


class Employer(models.Model):
    """An employer (用人单位), with or without a union; it sits under a station and may belong to a company union."""

    scope_paths = ("station__region_path", "industry_union__industry_path")

    name = models.CharField(_("name"), max_length=200)
    uscc = models.CharField(_("Unified Social Credit Code"), max_length=18, unique=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    station = models.ForeignKey("orgs.OrgUnit", models.PROTECT, related_name="employers",
                                verbose_name=_("station"))
    industry_union = models.ForeignKey("orgs.OrgUnit", models.PROTECT, null=True, blank=True, related_name="+",
                                       verbose_name=_("industry or company union"))
    has_union = models.BooleanField(_("has a union"), default=False)
    grassroots = models.ForeignKey("orgs.OrgUnit", models.PROTECT, null=True, blank=True, related_name="employers_of",
                                   verbose_name=_("grassroots union"))
    reported_members = models.PositiveIntegerField(_("members reported"), default=0)
    contact_name = models.CharField(_("contact"), max_length=60, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=20, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("employer")
        verbose_name_plural = _("employers")
        indexes = [models.Index(fields=["station", "name"]), models.Index(fields=["name"], name="employer_name")]

    def __str__(self) -> str:
        return self.name


class MemberStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    LEFT = "left", _("Left")
    TRANSFERRED = "transferred", _("Transferred out")
    DECEASED = "deceased", _("Deceased")


class Gender(models.TextChoices):
    MALE = "M", _("Male")
    FEMALE = "F", _("Female")


class Member(models.Model):
    """A union member. One ID number is one person across the city (unique keyed hash)."""

    scope_paths = ("grassroots__region_path", "grassroots__industry_path")
    #: Personal fields → their ciphertext column, for `pii.reveal`.
    pii_fields = {"id_number": "id_encrypted", "phone": "phone_encrypted"}

    name = models.CharField(_("name"), max_length=60)
    #: Pinyin initials of the name, for search as you type (张三 → ZS).
    initials = models.CharField(max_length=20, blank=True)
    #: Unique through the index in Meta (a plain unique index, which a first import drops and builds again).
    id_hash = models.CharField(max_length=32)
    id_encrypted = models.TextField()
    id_masked = models.CharField(_("ID number"), max_length=18)
    birth_date = models.DateField(_("date of birth"))
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices)
    phone_hash = models.CharField(max_length=32, blank=True)  # looked up through member_phone_name
    phone_encrypted = models.TextField(blank=True)
    phone_masked = models.CharField(_("mobile"), max_length=11, blank=True)
    # No single-column indexes of their own: member_employer and member_unit_status below serve them.
    employer = models.ForeignKey(Employer, models.PROTECT, null=True, blank=True, related_name="members",
                                 verbose_name=_("employer"), db_index=False)
    grassroots = models.ForeignKey("orgs.OrgUnit", models.PROTECT, related_name="members",
                                   verbose_name=_("grassroots union"), db_index=False)
    joined_on = models.DateField(_("joined the union"), null=True, blank=True)
    employment = models.CharField(_("employment status"), max_length=20, blank=True, choices=Employment.choices)
    education = models.CharField(_("education"), max_length=20, blank=True, choices=Education.choices)
    skill_certificate = models.CharField(_("skill certificate"), max_length=40, blank=True)
    honour = models.CharField(_("honour"), max_length=40, blank=True)
    hardship = models.BooleanField(_("hardship worker"), default=False)
    single_mother = models.BooleanField(_("single-parent female worker"), default=False)
    card_number = models.CharField(_("card number"), max_length=19, blank=True, db_index=True)
    ethnicity = models.CharField(_("ethnicity"), max_length=20, blank=True)
    hukou = models.CharField(_("household registration"), max_length=20, blank=True, choices=Hukou.choices)
    status = models.CharField(_("status"), max_length=12, choices=MemberStatus.choices, default=MemberStatus.ACTIVE)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")
        indexes = [
            models.Index(fields=["name"], name="member_name"),
            models.Index(fields=["initials", "name"], name="member_initials"),
            models.Index(fields=["grassroots", "status"], name="member_unit_status"),
            models.Index(fields=["employer"], name="member_employer"),
            # Near-duplicates: same phone and name, different ID numbers.
            models.Index(fields=["phone_hash", "name"], name="member_phone_name"),
        ]
        constraints = [
            # An expression, so that both databases make it a plain unique index (SQLite would otherwise keep it
            # inside the table's definition, where it cannot be dropped); see docs/decisions/0009.
            models.UniqueConstraint(F("id_hash"), name="member_id_hash_unique"),
            # The coded fields hold a code of members.vocab or "" (not known), whichever way they are written.
            *(vocab.constraint(name) for name in vocab.FIELDS),
        ]

    def __str__(self) -> str:
        return self.name


class SpecialGroup(models.TextChoices):
    MODEL_WORKER = "model_worker", _("Model worker")
    HARDSHIP = "hardship", _("Hardship worker")
    SINGLE_MOTHER = "single_mother", _("Single-parent female worker")
    SKILLED = "skilled", _("Skill certificate")


class SpecialGroupRecord(models.Model):
    """History of a member's special-group status: since when, until when, set by whom."""

    scope_paths = ("member__grassroots__region_path", "member__grassroots__industry_path")

    member = models.ForeignKey(Member, models.CASCADE, related_name="special_groups")
    group = models.CharField(max_length=20, choices=SpecialGroup.choices)
    detail = models.CharField(max_length=60, blank=True)
    since = models.DateTimeField(default=timezone.now)
    until = models.DateTimeField(null=True, blank=True)
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")
    source = models.CharField(max_length=40, blank=True, help_text=_("Import job, page, or sample check."))

    class Meta:
        indexes = [models.Index(fields=["member", "group"])]

    def __str__(self) -> str:
        return f"{self.member_id} {self.group}"


class MembershipHistory(models.Model):
    """Where a member belonged over time: the units of a transfer (会员关系接转) are kept."""

    scope_paths = ("grassroots__region_path", "grassroots__industry_path")

    member = models.ForeignKey(Member, models.CASCADE, related_name="history")
    employer = models.ForeignKey(Employer, models.SET_NULL, null=True, blank=True, related_name="+")
    grassroots = models.ForeignKey("orgs.OrgUnit", models.PROTECT, related_name="+")
    since = models.DateTimeField(default=timezone.now)
    until = models.DateTimeField(null=True, blank=True)
    reason = models.CharField(max_length=60, blank=True)

    class Meta:
        ordering = ["since", "id"]

    def __str__(self) -> str:
        return f"{self.member_id} {self.grassroots_id}"


class ImportKind(models.TextChoices):
    MEMBERS = "members", _("Members")
    UNITS = "units", _("Employers (units)")


class ImportMode(models.TextChoices):
    ALL_OR_NOTHING = "all_or_nothing", _("All or nothing: import only if every row is valid")
    VALID_ROWS = "valid_rows", _("Import the valid rows and give me the rest back")


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    VALIDATING = "validating", _("Validating")
    WRITING = "writing", _("Writing")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")


class ImportJob(models.Model):
    """One upload of the member or unit template and what became of it (members.importing runs it).

    The job is the progress row that the page polls and the CLI prints; totals say what the import did.
    """

    scope_paths = ("unit__region_path", "unit__industry_path")
    FINISHED = (ImportStatus.DONE, ImportStatus.FAILED, ImportStatus.CANCELLED)

    kind = models.CharField(_("kind"), max_length=10, choices=ImportKind.choices, default=ImportKind.MEMBERS)
    mode = models.CharField(_("mode"), max_length=16, choices=ImportMode.choices, default=ImportMode.ALL_OR_NOTHING)
    status = models.CharField(_("status"), max_length=12, choices=ImportStatus.choices, default=ImportStatus.QUEUED)
    file = models.FileField(_("file"), upload_to="imports/%Y/%m/", max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                   verbose_name=_("imported by"))
    unit = models.ForeignKey("orgs.OrgUnit", models.PROTECT, related_name="+", verbose_name=_("unit"))
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    valid = models.PositiveIntegerField(_("valid rows"), default=0)
    invalid = models.PositiveIntegerField(_("invalid rows"), default=0)
    created = models.PositiveIntegerField(_("created"), default=0)
    updated = models.PositiveIntegerField(_("updated"), default=0)
    transferred = models.PositiveIntegerField(_("transferred"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    error_report = models.FileField(_("error report"), upload_to="imports/%Y/%m/", max_length=200, blank=True)
    rejected_file = models.FileField(_("rejected rows"), upload_to="imports/%Y/%m/", max_length=200, blank=True)
    message = models.TextField(_("message"), blank=True)
    #: The running job's sign of life: written while it validates and writes (members.importing.stale).
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True)
    #: "host:pid" of the process running the job, so the sweep can ask whether it is still alive.
    worker = models.CharField(max_length=100, blank=True)
    #: When the uploaded file, the error report and the rejected rows were deleted (retention, settings).
    files_deleted_at = models.DateTimeField(_("files deleted"), null=True, blank=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["unit", "-created_at"], name="importjob_unit_created")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk} {self.original_name}"

    @property
    def is_finished(self) -> bool:
        return self.status in self.FINISHED

    @property
    def progress(self) -> Progress:
        """Rows checked of the rows counted (core.progress); the bar is full once the job has finished."""
        states: dict[str, str] = {ImportStatus.DONE: DONE, ImportStatus.FAILED: FAILED,
                                  ImportStatus.CANCELLED: STOPPED}
        state = states.get(self.status, RUNNING)
        return Progress(self.progress_done, self.progress_total, finished=self.is_finished, state=state)

    @property
    def percent(self) -> int:
        """Progress in whole percent (0 before the rows are counted, 100 when finished)."""
        return self.progress.percent
