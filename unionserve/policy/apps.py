from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _seed_defaults(sender, using="default", **kwargs) -> None:
    # After every migrate (and every test database's creation) each registered parameter has version 1.
    from .service import ensure_defaults

    ensure_defaults()


class PolicyConfig(AppConfig):
    name = "unionserve.policy"
    label = "policy"
    verbose_name = _("Policy parameters")

    def ready(self) -> None:
        from django.utils.module_loading import autodiscover_modules

        # Each area declares its parameters in its own policies.py: import them all, so the registry is whole
        # before anything reads a value or seeds the defaults.
        autodiscover_modules("policies")
        post_migrate.connect(_seed_defaults, sender=self, dispatch_uid="policy.seed_defaults")
