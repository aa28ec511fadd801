from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LegalReportsConfig(AppConfig):
    name = "unionserve.legalreports"
    verbose_name = _("Mediation and legal-aid statistics")
