"""Test settings: fast hashing, no lockout surprises between tests."""

from .base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]  # noqa: F405
CELERY_TASK_ALWAYS_EAGER = True
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # noqa: F405

# An in-memory SQLite test database is shared between the live server's threads in shared-cache mode,
# which has table-level locks ("database table is locked" under concurrent htmx requests). A file in
# WAL mode behaves like production. pytest-xdist adds a per-worker suffix to the name.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-unionserve.sqlite3")}  # noqa: F405

UNIONSERVE_NOTIFICATION_BACKENDS = {"sms": "console", "email": "django", "in_app": "in_app"}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
