"""Personal data at rest: encryption, keyed hashes, masking, key rotation."""

import base64
import os

import pytest
from django.core.management import call_command

from unionserve.members import crypto
from unionserve.members.masking import mask_id, mask_phone


def test_round_trip_and_random_nonce():
    a, b = crypto.encrypt("11010519491231002X"), crypto.encrypt("11010519491231002X")
    assert a != b and crypto.decrypt(a) == crypto.decrypt(b) == "11010519491231002X"
    assert "11010519491231002X" not in a


def test_tampered_token_is_refused():
    token = crypto.encrypt("13812345678")
    key_id, payload = token.split("$")
    raw = bytearray(base64.b64decode(payload))
    raw[-1] ^= 1
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(f"{key_id}${base64.b64encode(bytes(raw)).decode()}")


def test_lookup_hash_is_keyed_and_normalized():
    assert crypto.lookup_hash("11010519491231002x") == crypto.lookup_hash(" 11010519491231002X ")
    assert len(crypto.lookup_hash("x")) == 32


def test_masks():
    assert mask_id("11010519491231002X") == "110105********002X"
    assert mask_phone("13812345678") == "138****5678"


@pytest.mark.django_db
def test_rotation_re_encrypts_with_the_new_key(settings, tree):
    from unionserve.members.models import Member

    member = Member.objects.create(
        name="张三", id_hash=crypto.lookup_hash("11010519491231002X"),
        id_encrypted=crypto.encrypt("11010519491231002X"),
        id_masked=mask_id("11010519491231002X"), birth_date="1949-12-31", gender="F", grassroots=tree["g1"],
        phone_hash=crypto.lookup_hash("13812345678"), phone_encrypted=crypto.encrypt("13812345678"),
        phone_masked="138****5678")
    old_key = crypto.key_id_of(member.id_encrypted)
    settings.UNIONSERVE_PII_KEYS = {**settings.UNIONSERVE_PII_KEYS, "k9": base64.b64encode(os.urandom(32)).decode()}
    settings.UNIONSERVE_PII_ACTIVE_KEY = "k9"
    crypto.reset_caches()
    try:
        call_command("rotate_pii_key")
        member.refresh_from_db()
        assert crypto.key_id_of(member.id_encrypted) == "k9" != old_key
        assert crypto.decrypt(member.id_encrypted) == "11010519491231002X"
        assert crypto.decrypt(member.phone_encrypted) == "13812345678"
    finally:
        crypto.reset_caches()
