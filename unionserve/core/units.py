"""The kinds of org unit: a vocabulary the roles (which kind of unit may hold a role) and the org tree share."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class UnitKind(models.TextChoices):
    CITY_CENTER = "city", _("City worker service center")
    DISTRICT_CENTER = "district", _("District worker service center")
    DEV_AREA_CENTER = "dev_area", _("Development-area worker service center")
    INDUSTRY_UNION = "industry", _("Industry union")
    COMPANY_UNION = "company", _("Company union")
    STATION = "station", _("Union service station")
    GRASSROOTS = "grassroots", _("Grassroots union")
    DEPARTMENT = "department", _("Functional department")
