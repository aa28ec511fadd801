"""Result files for the tests, as the bank writes them."""

from __future__ import annotations

from decimal import Decimal

from unionserve.payouts.models import PayoutBatch


def result_file(batch: PayoutBatch, failed: dict[str, str] | None = None, *, trailer: str | None = None,
                extra: list[str] | None = None, drop: set[str] | None = None, amounts: dict[str, str] | None = None
                ) -> bytes:
    """The bank's answer to every line of `batch`: PAID, or FAILED with the reason given for its reference."""
    failed = failed or {}
    rows, total, count = [], Decimal("0.00"), 0
    for line in batch.lines.order_by("seq"):
        if drop and line.reference in drop:
            continue
        amount = (amounts or {}).get(line.reference, f"{line.amount:.2f}")
        result = "FAILED" if line.reference in failed else "PAID"
        rows.append(f"{line.reference},{amount},{result},{failed.get(line.reference, '')}")
        total += Decimal(amount)
        count += 1
    rows += extra or []
    count += len(extra or [])
    rows.append(trailer if trailer is not None else f"TRAILER,{count},{total:.2f}")
    return ("\n".join(rows) + "\n").encode("utf-8")
