"""The hash / ciphertext / mask triple every stored ID number and phone is kept as."""

from __future__ import annotations

from dataclasses import dataclass

from . import crypto
from .masking import mask_id, mask_phone

#: Which column suffix holds which part of a sealed value, as every model names them
#: (``id_hash``, ``caller_phone_encrypted``, ``applicant_phone_masked`` …).
PARTS = {"hash": "hash", "encrypted": "ciphertext", "masked": "mask"}


@dataclass(frozen=True, slots=True)
class Sealed:
    """A personal value as it is stored: keyed hash (exact lookup), ciphertext (reveal), mask (display).

    The empty value seals to three empty strings, so an optional field needs no special case.
    """

    hash: str
    ciphertext: str
    mask: str

    def columns(self, prefix: str, parts: tuple[str, ...] = tuple(PARTS)) -> dict[str, str]:
        """Model fields for this value: ``columns("caller_phone")`` → caller_phone_hash, caller_phone_encrypted,
        caller_phone_masked; `parts` picks some of them for models that keep fewer (legal aid keeps no phone
        hash)."""
        return {f"{prefix}_{part}": getattr(self, PARTS[part]) for part in parts}


EMPTY = Sealed("", "", "")


def seal_id_number(value: str) -> Sealed:
    """Hash, ciphertext and mask of an ID number (validate it first with `parse_id_number`)."""
    number = crypto.normalize(value or "")
    if not number:
        return EMPTY
    return Sealed(crypto.lookup_hash(number), crypto.encrypt(number), mask_id(number))


def seal_phone(value: str) -> Sealed:
    """Hash, ciphertext and mask of a phone number (validate it first with `validate_mobile` or the caller's
    own landline rule)."""
    number = crypto.normalize(value or "")
    if not number:
        return EMPTY
    return Sealed(crypto.lookup_hash(number), crypto.encrypt(number), mask_phone(number))
