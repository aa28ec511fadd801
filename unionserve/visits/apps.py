from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VisitsConfig(AppConfig):
    name = "unionserve.visits"
    verbose_name = _("Served visits")
