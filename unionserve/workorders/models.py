"""Work orders (工作派单): a level-1 or level-2 office sends a piece of work down and gets feedback."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Category(models.TextChoices):
    MEMBER_DATA = "member_data", _("Member data collection and checks")
    RIGHTS = "rights", _("Rights protection follow-up")
    SERVICE = "service", _("Service activity")
    INSPECTION = "inspection", _("Station inspection")
    OTHER = "other", _("Other")


class WorkOrder(models.Model):
    """The process data of a work-order case; the lifecycle is the engine's Case."""

    case = models.OneToOneField("workflow.Case", models.CASCADE, related_name="work_order")
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    instructions = models.TextField(_("instructions"))
    results = models.JSONField(_("feedback by unit"), default=dict, blank=True)

    def __str__(self) -> str:
        return self.case.number
