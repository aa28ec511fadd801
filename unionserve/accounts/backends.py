"""Authentication backend that answers permission checks from the role table (roles.py)."""

from django.contrib.auth.backends import ModelBackend


class RoleBackend(ModelBackend):
    """Password authentication, with permissions coming from the user's roles, not Django groups."""

    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_role_perm_cache"):
            user_obj._role_perm_cache = set(user_obj.role_permissions)
        return user_obj._role_perm_cache

    def get_user_permissions(self, user_obj, obj=None):
        return self.get_all_permissions(user_obj, obj)

    def get_group_permissions(self, user_obj, obj=None):
        return set()

    def has_perm(self, user_obj, perm, obj=None):
        return user_obj.is_active and perm in self.get_all_permissions(user_obj, obj)
