"""Personal data at rest: encryption, keyed hashes, masking, key rotation."""

import base64

import pytest

from unionserve.pii import crypto
from unionserve.pii.masking import mask_id, mask_phone


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
