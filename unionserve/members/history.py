"""Membership history (会员关系接转): the one definition of the rows a transfer writes.

A transfer, of one member on the member page or of thousands in an import, writes the same rows, with the same
statements, here:

1. a member with no open history row (registered before histories were kept, or whose rows are all closed) gets
   one for the units they leave, from their registration until now, without a reason;
2. the member's open row is closed now;
3. a row for the new units opens now, with the reason (cut to the column's width).

A member registered — on the member page or by an import — gets its first row with ``write_openings``: its
units from now on, with the reason.

``moves`` is a SELECT of (member_id, old_employer_id, old_grassroots_id, new_employer_id, new_grassroots_id): a
single row of parameters for the member page, the import's match and stage tables for an import. Dates go in
as the database backend stores them (``adapt_datetimefield_value``), so a row written here equals one the ORM
would write, on SQLite (text) as on PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db import connection

from .models import Member, MembershipHistory

MOVE_COLUMNS = ("member_id", "old_employer_id", "old_grassroots_id", "new_employer_id", "new_grassroots_id")
REASON_MAX = MembershipHistory._meta.get_field("reason").max_length


def _column(model, name: str) -> str:
    """The database column of a concrete field (a relation's reverse side has none)."""
    column = getattr(model._meta.get_field(name), "column", None)
    if not column:
        raise LookupError(f"{model.__name__}.{name} has no column")
    return column


def _names() -> tuple[str, str, dict[str, str]]:
    quote = connection.ops.quote_name
    columns = {f.name: quote(f.column) for f in MembershipHistory._meta.concrete_fields if f.column}
    return quote(MembershipHistory._meta.db_table), quote(Member._meta.db_table), columns


def one_move(member: Member, *, employer_id: int | None, grassroots_id: int) -> tuple[str, list]:
    """``moves`` for one member (still holding its old units) going to the given ones."""
    # Typed, so that PostgreSQL does not read the parameters (a NULL employer, say) as text.
    return (", ".join(f"CAST(%s AS BIGINT) AS {name}" for name in MOVE_COLUMNS).join(("SELECT ", "")),
            [member.pk, member.employer_id, member.grassroots_id, employer_id, grassroots_id])


def write_transfers(cursor, moves: str, params: Sequence, *, now: dt.datetime, reason: str) -> None:
    """Record the transfers of ``moves`` (see the module): the old units kept, the open row closed, the new opened."""
    table, members, c = _names()
    member_pk, created_at = (connection.ops.quote_name(_column(Member, n)) for n in ("id", "created_at"))
    at = connection.ops.adapt_datetimefield_value(now)
    insert = (f"INSERT INTO {table} ({c['member']}, {c['employer']}, {c['grassroots']}, {c['since']}, "
              f"{c['until']}, {c['reason']})")
    # Statements of this module only: table and column names come from the model, never from input.
    cursor.execute(f"""{insert}
        SELECT mv.member_id, mv.old_employer_id, mv.old_grassroots_id, m.{created_at}, %s, ''
        FROM ({moves}) mv JOIN {members} m ON m.{member_pk} = mv.member_id
        WHERE NOT EXISTS (SELECT 1 FROM {table} h WHERE h.{c['member']} = mv.member_id AND h.{c['until']} IS NULL)
    """, [at, *params])  # noqa: S608
    cursor.execute(f"""UPDATE {table} SET {c['until']} = %s
        WHERE {c['until']} IS NULL AND {c['since']} < %s
          AND {c['member']} IN (SELECT mv.member_id FROM ({moves}) mv)""", [at, at, *params])  # noqa: S608
    cursor.execute(f"""{insert}
        SELECT mv.member_id, mv.new_employer_id, mv.new_grassroots_id, %s, NULL, %s FROM ({moves}) mv
    """, [at, (reason or "")[:REASON_MAX], *params])  # noqa: S608


OPENING_COLUMNS = ("member_id", "employer_id", "grassroots_id")


def write_openings(cursor, members: str, params: Sequence, *, now: dt.datetime, reason: str) -> int:
    """Open the first history row of each newly registered member of ``members`` (a SELECT of
    ``OPENING_COLUMNS``): its units from ``now``, with ``reason``. Returns how many rows were written."""
    table, _members, c = _names()
    at = connection.ops.adapt_datetimefield_value(now)
    cursor.execute(f"""INSERT INTO {table} ({c['member']}, {c['employer']}, {c['grassroots']}, {c['since']},
                                           {c['until']}, {c['reason']})
        SELECT nm.member_id, nm.employer_id, nm.grassroots_id, %s, NULL, %s FROM ({members}) nm
    """, [at, (reason or "")[:REASON_MAX], *params])  # noqa: S608
    return cursor.rowcount
