"""Encryption at rest and keyed hashes for personal data (ID numbers, phones), under PIPL.

- ``encrypt``/``decrypt``: AES-256-GCM; a token is ``<key id>$<base64(nonce + ciphertext + tag)>``, so keys
  can rotate: new values use the active key, old ones stay readable until ``manage.py rotate_pii_key``
  re-encrypts them.
- ``lookup_hash``: HMAC-SHA256 with a separate key, truncated to 128 bits (hex), for exact lookup and
  uniqueness without decrypting. Values are normalized first (upper case, no spaces).

Keys come from settings (``UNIONSERVE_PII_KEYS``: {id: base64 32-byte key}, ``UNIONSERVE_PII_ACTIVE_KEY``,
``UNIONSERVE_PII_HASH_KEY``), read from the environment in production.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import os

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


class DecryptionError(ValueError):
    """A token that no configured key can open."""


@functools.cache
def _keys() -> dict[str, AESGCM]:
    keys = getattr(settings, "UNIONSERVE_PII_KEYS", {})
    if not keys:
        raise ImproperlyConfigured("UNIONSERVE_PII_KEYS is empty: personal data cannot be encrypted.")
    out = {}
    for key_id, value in keys.items():
        raw = base64.b64decode(value)
        if len(raw) != 32:
            raise ImproperlyConfigured(f"PII key {key_id!r} must be 32 bytes (base64), not {len(raw)}.")
        if "$" in key_id:
            raise ImproperlyConfigured("PII key ids must not contain '$'.")
        out[key_id] = AESGCM(raw)
    if settings.UNIONSERVE_PII_ACTIVE_KEY not in out:
        raise ImproperlyConfigured("UNIONSERVE_PII_ACTIVE_KEY names no key in UNIONSERVE_PII_KEYS.")
    return out


@functools.cache
def _hash_key() -> bytes:
    value = getattr(settings, "UNIONSERVE_PII_HASH_KEY", "")
    if not value:
        raise ImproperlyConfigured("UNIONSERVE_PII_HASH_KEY is not set.")
    return base64.b64decode(value)


def reset_caches() -> None:
    """Forget loaded keys (tests and key rotation change the settings)."""
    _keys.cache_clear()
    _hash_key.cache_clear()


def normalize(value: str) -> str:
    return "".join(value.split()).upper()


def encrypt(value: str, key_id: str | None = None) -> str:
    """Encrypt a short text with the active key (or `key_id`)."""
    key_id = key_id or settings.UNIONSERVE_PII_ACTIVE_KEY
    nonce = os.urandom(12)
    sealed = _keys()[key_id].encrypt(nonce, value.encode(), None)
    return f"{key_id}${base64.b64encode(nonce + sealed).decode()}"


def decrypt(token: str) -> str:
    """The clear text of a token made by `encrypt`, with whichever configured key made it."""
    key_id, _, payload = token.partition("$")
    key = _keys().get(key_id)
    if key is None or not payload:
        raise DecryptionError(f"No key {key_id!r} for this value.")
    raw = base64.b64decode(payload)
    try:
        return key.decrypt(raw[:12], raw[12:], None).decode()
    except Exception as exc:  # InvalidTag and friends
        raise DecryptionError("The value cannot be decrypted with its key.") from exc


def key_id_of(token: str) -> str:
    return token.partition("$")[0]


def lookup_hash(value: str) -> str:
    """Keyed hash for exact lookup (32 hex characters)."""
    return hmac.new(_hash_key(), normalize(value).encode(), hashlib.sha256).hexdigest()[:32]


def generate_key() -> str:
    """A new random key, base64, for settings."""
    return base64.b64encode(os.urandom(32)).decode()
