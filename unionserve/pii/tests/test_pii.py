"""The one owner of personal data: sealing (formats unchanged), masks, the reveal policy and its audit row."""

from __future__ import annotations

import base64
import hashlib
import hmac
import pickle

import pytest
from django.conf import settings

from unionserve import pii
from unionserve.pii import crypto

NUMBER = "11010519491231002X"


def test_seal_round_trip_stable_hash_and_masks():
    a, b = pii.seal_id_number(NUMBER), pii.seal_id_number(" 11010519491231002x ")
    assert a.hash == b.hash == pii.lookup_hash(NUMBER)  # the keyed hash is stable and normalized
    assert a.ciphertext != b.ciphertext  # a fresh nonce each time
    assert crypto.decrypt(a.ciphertext) == crypto.decrypt(b.ciphertext) == NUMBER
    assert a.mask == b.mask == "110105********002X"
    phone = pii.seal_phone("13812345678")
    assert crypto.decrypt(phone.ciphertext) == "13812345678" and phone.mask == "138****5678"
    assert pii.seal_phone("") == pii.seal_id_number("") == pii.EMPTY


def test_formats_are_byte_identical_to_the_stored_data():
    """Tokens ``<key id>$base64(nonce 12 + ciphertext + tag 16)`` and HMAC-SHA256 hashes cut to 32 hex
    characters over the normalized value: what the register, 12351 and legal aid already hold."""
    sealed = pii.seal_phone("13812345678")
    key_id, _, payload = sealed.ciphertext.partition("$")
    assert key_id == settings.UNIONSERVE_PII_ACTIVE_KEY
    assert len(base64.b64decode(payload)) == 12 + len("13812345678") + 16
    key = base64.b64decode(settings.UNIONSERVE_PII_HASH_KEY)
    assert sealed.hash == hmac.new(key, b"13812345678", hashlib.sha256).hexdigest()[:32]


def test_columns_name_the_model_fields():
    sealed = pii.seal_phone("13812345678")
    assert set(sealed.columns("caller_phone")) == {"caller_phone_hash", "caller_phone_encrypted",
                                                   "caller_phone_masked"}
    assert sealed.columns("applicant_phone", ("encrypted", "masked")) == {
        "applicant_phone_encrypted": sealed.ciphertext, "applicant_phone_masked": "138****5678"}


def test_bulk_sealer_gives_the_same_tokens_and_hashes_and_stays_in_its_process():
    sealer = pii.BulkSealer()
    assert crypto.decrypt(sealer.encrypt(NUMBER)) == NUMBER
    assert sealer.hash(NUMBER) == pii.lookup_hash(NUMBER)
    assert sealer.encrypt(NUMBER).startswith(f"{settings.UNIONSERVE_PII_ACTIVE_KEY}$")
    with pytest.raises(TypeError):
        pickle.dumps(sealer)


def test_masks():
    assert pii.mask_id(NUMBER) == "110105********002X" and pii.mask_phone("13812345678") == "138****5678"
    assert pii.mask_address("13812345678") == "138****5678"
    assert pii.mask_address("zhang.san@example.com") == "z***@example.com"
    assert pii.mask_address("user:42") == "user:42"
    assert pii.mask_text(f"电话13812345678，身份证{NUMBER}。") == "电话138****5678，身份证110105********002X。"
    assert pii.mask_text("订单号 213812345678901") == "订单号 213812345678901"  # not inside longer numbers


def test_identifiers():
    assert pii.parse_id_number(NUMBER.lower()).gender == "F"
    assert pii.validate_mobile("+86 138-1234-5678") == "13812345678"
    with pytest.raises(pii.InvalidValue):
        pii.parse_id_number(NUMBER[:17] + "1")
    with pytest.raises(pii.InvalidValue):
        pii.validate_mobile("12812345678")
