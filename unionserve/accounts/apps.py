from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "unionserve.accounts"
    verbose_name = _("People and access")

    def ready(self) -> None:
        from unionserve.orgs.signals import units_merged

        from .receivers import move_users_of_merged_unit

        units_merged.connect(move_users_of_merged_unit, dispatch_uid="accounts.move_users_of_merged_unit")
