"""Users, the roles they hold, and API tokens."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from unionserve.core.roles import Role, permissions_for


class ScopedUserManager(UserManager["User"]):
    def visible_to(self, user):
        from unionserve.core.scope import scope_of

        return scope_of(user).filter(self.get_queryset())


class User(AbstractUser):
    """A person who logs in. Belongs to exactly one org unit; sees that unit's subtree on both lines."""

    scope_paths = ("org_unit__region_path", "org_unit__industry_path")

    display_name = models.CharField(pgettext_lazy("person", "name"), max_length=60, blank=True)
    org_unit = models.ForeignKey(
        "orgs.OrgUnit", models.PROTECT, null=True, blank=True, related_name="users", verbose_name=_("org unit")
    )
    phone = models.CharField(_("work phone"), max_length=20, blank=True)
    must_change_password = models.BooleanField(_("must change password"), default=True)
    password_changed_at = models.DateTimeField(null=True, blank=True)
    is_demo = models.BooleanField(default=False, help_text=_("Documented demo account."))

    objects: ClassVar[ScopedUserManager] = ScopedUserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["username"]

    def __str__(self) -> str:
        return self.display_name or self.username

    @property
    def role_names(self) -> list[str]:
        if not hasattr(self, "_role_names"):
            self._role_names = sorted(self.role_grants.values_list("role", flat=True)) if self.pk else []
        return self._role_names

    def role_labels(self) -> list[str]:
        return [str(Role(r).label) for r in self.role_names if r in Role.values]

    def has_role(self, *roles: str) -> bool:
        return any(r in self.role_names for r in roles)

    @property
    def role_permissions(self) -> set[str]:
        return permissions_for(self.role_names)

    def forget_cached_roles(self) -> None:
        self.__dict__.pop("_role_names", None)
        self.__dict__.pop("_role_perm_cache", None)


class RoleGrant(models.Model):
    """A role held by a user. Changes go through accounts.actions, which writes the audit log."""

    scope_paths = ("user__org_unit__region_path", "user__org_unit__industry_path")

    user = models.ForeignKey(User, models.CASCADE, related_name="role_grants")
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    granted_by = models.ForeignKey(User, models.SET_NULL, null=True, blank=True, related_name="+")
    granted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "role"], name="unique_role_per_user")]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()}"


def _hash_token(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def live(self):
        now = timezone.now()
        return self.filter(revoked_at__isnull=True, expires_at__gt=now)


#: How precisely a token's "last used" time is kept (see ApiToken.authenticate).
LAST_USED_GRANULARITY = timedelta(minutes=1)


class ApiToken(models.Model):
    """A personal API token. Only its hash is stored; the key is shown once when it is made."""

    scope_paths = ("user__org_unit__region_path", "user__org_unit__industry_path")
    PREFIX = "us_"

    user = models.ForeignKey(User, models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=60)
    key_hash = models.CharField(max_length=64, unique=True)
    key_hint = models.CharField(max_length=12)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.key_hint}…)"

    @classmethod
    def issue(cls, user: User, name: str) -> tuple[ApiToken, str]:
        """Create a token and return it with its clear key (shown to the user once)."""
        key = cls.PREFIX + secrets.token_urlsafe(32)
        days = settings.UNIONSERVE["API_TOKEN_DAYS"]
        token = cls.objects.create(
            user=user,
            name=name,
            key_hash=_hash_token(key),
            key_hint=key[:7],
            expires_at=timezone.now() + timedelta(days=days),
        )
        return token, key

    @classmethod
    def authenticate(cls, key: str) -> User | None:
        """The active user owning a live token with this key, or None."""
        if not key or not key.startswith(cls.PREFIX):
            return None
        token = cls.objects.live().select_related("user").filter(key_hash=_hash_token(key)).first()
        if token is None or not token.user.is_active:
            return None
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at >= LAST_USED_GRANULARITY:
            # A write per API call would take SQLite's one write lock on every CTI request just to say
            # "still in use"; a minute's precision is all the token page shows.
            cls.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user

    @property
    def is_live(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()
