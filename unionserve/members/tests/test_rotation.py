"""Key rotation of the register's personal data (manage.py rotate_pii_key)."""

import base64
import os

import pytest
from django.core.management import call_command

from unionserve.pii import crypto
from unionserve.pii.masking import mask_id


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
