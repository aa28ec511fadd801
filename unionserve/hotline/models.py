"""12351 worker service platform: the category tree and the requests (诉求) taken by phone, window and portal.

A request's lifecycle is the engine's Case (one-to-one); this module keeps the request's own data: who called
(personal data encrypted, hashed and masked exactly as members.Member does), what about, and the facts the
statistics need (first response, resolved, satisfaction, feedback on time) — see docs/hotline.md.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Category(models.Model):
    """A request category (诉求分类), in a tree; the city office maintains it.

    A category may name the department or the platform level that usually handles its affairs, which the
    workbench uses to suggest where to dispatch.
    """

    parent = models.ForeignKey("self", models.PROTECT, null=True, blank=True, related_name="children",
                               verbose_name=_("parent category"))
    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=60)
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)
    active = models.BooleanField(_("active"), default=True)
    default_unit = models.ForeignKey("orgs.OrgUnit", models.SET_NULL, null=True, blank=True, related_name="+",
                                     verbose_name=_("default handling unit"))
    default_level = models.PositiveSmallIntegerField(
        _("default handling level"), null=True, blank=True,
        choices=[(1, _("Level 1 (functional department)")), (2, _("Level 2 (district)")),
                 (3, _("Level 3 (station)"))])
    #: Optimistic lock: two office users never overwrite each other's edit unnoticed.
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("request category")
        verbose_name_plural = _("request categories")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name
