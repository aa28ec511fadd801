"""``payout_file``: writing the bank's payout file of one batch of 200,000 payments (issue 16; target ≤ 10 s).

Setup (untimed, once per database: the batch ``BENCH-<N>`` is reused when it is there): 1,000 members under one
grassroots union of the dataset, N payments of mutual-aid claims to them and one built batch of N lines, inserted
in bulk. The case is the real action, ``payouts.actions.write_payout_file`` (read the lines in sequence order,
write the CSV with its trailer, check it against the batch's total and, from the second call on, against the
SHA-256 kept when it was first written, and write the audit row). The baseline ``csv_writer_from_list`` writes the
same rows from a Python list already in memory with the standard library's csv writer and hashes the bytes: the
floor of what writing the file can cost, with no database at all. Size: ``BENCH_PAYOUTS`` (default 200,000).
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import os
from decimal import Decimal

from bench.harness.registry import Benchmark, Case, Context, Skip, register

MEMBERS = 1000


def _size() -> int:
    return int(os.environ.get("BENCH_PAYOUTS", "200000"))


def _bench_user():
    from unionserve.accounts.actions import create_user
    from unionserve.accounts.models import User
    from unionserve.core.roles import Role
    from unionserve.orgs.models import OrgUnit, UnitKind

    user = User.objects.filter(username="bench_payouts").first()
    if user is None:
        city = OrgUnit.objects.filter(kind=UnitKind.CITY_CENTER).order_by("pk").first()
        if city is None:
            raise Skip("the org tree is not loaded")
        user = create_user(username="bench_payouts", display_name="bench payouts", org_unit=city,
                           roles=[Role.CITY_OFFICE], password="Bench-pass-123", must_change_password=False,
                           acting_user=None)
    return user


def ensure_batch(n: int, user):
    """The batch of `n` lines (made once; later runs reuse it)."""
    from django.db import transaction
    from django.utils import timezone

    from unionserve.members.public import Member
    from unionserve.orgs.models import OrgUnit, UnitKind
    from unionserve.payouts.models import BatchLine, BatchStatus, Payment, PaymentStatus, PayoutBatch

    number = f"BENCH-{n}"
    batch = PayoutBatch.objects.filter(number=number).first()
    if batch is not None and batch.built_at is not None and batch.line_count == n:
        return batch
    unit = OrgUnit.objects.filter(kind=UnitKind.GRASSROOTS).order_by("pk").first()
    if unit is None:
        raise Skip("no grassroots union in the org tree")
    with transaction.atomic():
        if batch is not None:  # an interrupted setup: start again
            BatchLine.objects.filter(batch=batch).delete()
            Payment.objects.filter(source_key__startswith=f"bench:{n}:").delete()
            batch.delete()
        members = list(Member.objects.filter(id_hash__startswith="benchpayout").order_by("pk")[:MEMBERS])
        if len(members) < MEMBERS:
            Member.objects.bulk_create(
                [Member(name=f"测试会员{i}", id_hash=f"benchpayout{i:08d}", id_encrypted="-", id_masked="-",
                        birth_date=dt.date(1980, 1, 1), gender="M", grassroots=unit)
                 for i in range(len(members), MEMBERS)], batch_size=500)
            members = list(Member.objects.filter(id_hash__startswith="benchpayout").order_by("pk")[:MEMBERS])
        batch = PayoutBatch.objects.create(number=number, purpose="mutualaid.claim", org_unit=user.org_unit,
                                           created_by=user, status=BatchStatus.OPEN)
        now = timezone.now()
        total = Decimal("0.00")
        step = 5000
        for start in range(0, n, step):
            payments = []
            for i in range(start, min(n, start + step)):
                amount = Decimal(100 + (i * 37) % 9900) + Decimal(i % 100) / 100
                total += amount
                payments.append(Payment(source_key=f"bench:{n}:{i}", purpose="mutualaid.claim",
                                        member_id=members[i % MEMBERS].pk, amount=amount,
                                        status=PaymentStatus.IN_BATCH, batch=batch, requested_by=user,
                                        requested_at=now, card_number=f"621999{i:013d}"))
            Payment.objects.bulk_create(payments, batch_size=1000)
            created = Payment.objects.filter(source_key__in=[p.source_key for p in payments]).values_list(
                "pk", "source_key", "amount", "card_number", "member__name")
            BatchLine.objects.bulk_create(
                [BatchLine(batch=batch, payment_id=pk, seq=int(key.rsplit(":", 1)[1]) + 1, card_number=card,
                           member_name=name, amount=amount, reference=key)
                 for pk, key, amount, card, name in created], batch_size=1000)
        PayoutBatch.objects.filter(pk=batch.pk).update(built_at=now, line_count=n, total=total)
    batch.refresh_from_db()
    return batch


@register
class PayoutFile(Benchmark):
    name = "payout_file"
    description = "payouts.actions.write_payout_file of a batch of 200,000 payments (BENCH_PAYOUTS); target ≤ 10 s."

    def setup(self, ctx: Context) -> list[Case]:
        try:
            from unionserve.payouts import actions
            from unionserve.payouts.models import BatchLine
        except Exception as exc:  # the app may be mid-edit
            raise Skip(f"unionserve.payouts does not import: {exc!r}") from exc
        n = _size()
        user = _bench_user()
        batch = ensure_batch(n, user)
        rows = list(BatchLine.objects.filter(batch=batch).order_by("seq")
                    .values_list("seq", "card_number", "member_name", "amount", "reference"))

        def run() -> int:
            content = actions.write_payout_file(batch, acting_user=user)
            return content.count(b"\n") - 1

        def csv_writer_from_list() -> int:
            out = io.StringIO()
            writer = csv.writer(out, lineterminator="\n")
            total = Decimal("0.00")
            for seq, card, name, amount, reference in rows:
                writer.writerow((seq, card, name, f"{amount:.2f}", reference))
                total += amount
            writer.writerow(("TRAILER", len(rows), f"{total:.2f}"))
            content = out.getvalue().encode("utf-8")
            hashlib.sha256(content).hexdigest()
            return content.count(b"\n") - 1

        return [Case(f"write_{n}", run=run, baselines={"csv_writer_from_list": csv_writer_from_list},
                     same_result=True, target_ms=10_000.0, repeat=min(ctx.repeat, 3), warmup=1,
                     count_queries=False, trace_memory=False, params={"payments": n})]
