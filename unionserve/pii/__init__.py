"""Personal data, one owner: encrypt, hash, mask, validate, reveal with its audit row, find a person.

Every app that keeps an ID number or a phone (the register, its import, 12351, mediation, legal aid,
broadcasts, and every later one) goes through this module and nothing else:

- ``seal_id_number(value)`` / ``seal_phone(value)`` → ``Sealed(hash, ciphertext, mask)``; ``.columns(prefix)``
  gives the model fields. ``BulkSealer`` does the same for millions of values in worker processes (the import).
- ``parse_id_number`` (GB 11643), ``validate_mobile``, ``InvalidValue``; ``mask_id``, ``mask_phone``,
  ``mask_address``, ``mask_text``.
- ``may_reveal(user, obj)`` — the one policy (VIEW_PII and the object in scope) — and ``reveal(obj, fields,
  user=, request=)`` which checks it, decrypts and writes the audit row in the same transaction.
- ``hash_q`` and ``find_person``: finding a person by ID number or phone inside the user's scope.

Keys and the token/hash formats live in ``pii.crypto`` (AES-256-GCM tokens ``<key id>$<base64>``,
HMAC-SHA256 lookup hashes); this package may import only ``core``, ``audit`` and Django.
"""

from .access import decrypt_unchecked, find_person, hash_q, in_scope, may_reveal, reveal
from .crypto import BulkSealer, DecryptionError, lookup_hash, normalize
from .identifiers import IdInfo, InvalidValue, area_codes, id_check_char, parse_id_number, validate_mobile
from .masking import mask_address, mask_id, mask_phone, mask_text
from .sealing import EMPTY, Sealed, seal_id_number, seal_phone

__all__ = [
    "EMPTY", "BulkSealer", "DecryptionError", "IdInfo", "InvalidValue", "Sealed", "area_codes",
    "decrypt_unchecked", "find_person", "hash_q", "id_check_char", "in_scope", "lookup_hash", "mask_address",
    "mask_id", "mask_phone", "mask_text", "may_reveal", "normalize", "parse_id_number", "reveal",
    "seal_id_number", "seal_phone", "validate_mobile",
]
