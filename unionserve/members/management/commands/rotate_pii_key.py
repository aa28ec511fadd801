"""Re-encrypt personal data with the active key (after adding a new key), and optionally re-hash it."""

import sys

from django.core.management.base import BaseCommand
from django.db import transaction

from unionserve.members.models import Member
from unionserve.pii import crypto


class Command(BaseCommand):
    help = ("Re-encrypt every member's ID number and phone that is not under PII_ACTIVE_KEY; with --rehash, "
            "also recompute the lookup hashes with the current PII_HASH_KEY.")

    def add_arguments(self, parser):
        parser.add_argument("--batch", type=int, default=2000)
        parser.add_argument("--rehash", action="store_true", help="Recompute id_hash/phone_hash (new hash key).")

    def handle(self, *args, batch: int, rehash: bool, **options):
        from django.conf import settings

        crypto.reset_caches()
        active = settings.UNIONSERVE_PII_ACTIVE_KEY
        qs = Member.objects.all() if rehash else Member.objects.exclude(id_encrypted__startswith=f"{active}$")
        total = qs.count()
        done = 0
        last_pk = 0
        while True:
            # Keyset pagination: each batch commits on its own, so an interrupted run resumes where it stopped.
            rows = list(qs.filter(pk__gt=last_pk).order_by("pk")[:batch])
            if not rows:
                break
            with transaction.atomic():
                for m in rows:
                    clear_id = crypto.decrypt(m.id_encrypted)
                    m.id_encrypted = crypto.encrypt(clear_id)
                    fields = ["id_encrypted"]
                    if m.phone_encrypted:
                        clear_phone = crypto.decrypt(m.phone_encrypted)
                        m.phone_encrypted = crypto.encrypt(clear_phone)
                        fields.append("phone_encrypted")
                        if rehash:
                            m.phone_hash = crypto.lookup_hash(clear_phone)
                            fields.append("phone_hash")
                    if rehash:
                        m.id_hash = crypto.lookup_hash(clear_id)
                        fields.append("id_hash")
                Member.objects.bulk_update(rows, ["id_encrypted", "phone_encrypted"]
                                           + (["id_hash", "phone_hash"] if rehash else []))
            done += len(rows)
            last_pk = rows[-1].pk
            sys.stderr.write(f"\r{done}/{total}")
        sys.stderr.write("\n")
        self.stdout.write(f"Re-encrypted {done} members with key {active}{' and re-hashed them' if rehash else ''}.")
