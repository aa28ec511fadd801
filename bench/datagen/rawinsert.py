"""Fast inserts of plain tuples into a model's table: ``executemany`` on SQLite, ``COPY`` on PostgreSQL.

``bulk_create`` prepares every value through the ORM (~100 µs a row for a 25-column ``Step``) and SQLite's
999-parameter limit cuts its batches to ~40 rows: 6,900 rows/s on the benchmark machine, 20 minutes for the
8.7 million rows of the workflow dataset. Here the values are given in Python types and converted once per
column kind, exactly as Django's backends store them (aware datetimes as naive UTC text on SQLite, JSON as
``json.dumps`` text, dates as ISO text), and the model's own defaults fill the fields not given, so a field
the app adds later with a default is still filled.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable, Sequence
from typing import Any

Convert = Callable[[Any], Any] | None


class Encoded(str):
    """A JSON value already encoded with ``json.dumps`` (shared values are encoded once, not per row)."""

    __slots__ = ()


def encoded(value: Any) -> Encoded:
    return Encoded(json.dumps(value))


def _sqlite_datetime(value: dt.datetime | None) -> str | None:
    # django.db.backends.sqlite3.operations.adapt_datetimefield_value: naive UTC, str().
    if value is None:
        return None
    if value.tzinfo is dt.UTC:
        return str(value.replace(tzinfo=None))
    if value.tzinfo is not None:
        value = value.astimezone(dt.UTC).replace(tzinfo=None)
    return str(value)


def _date(value: dt.date | None) -> str | None:
    return None if value is None else value.isoformat()


def _json(value: Any) -> str:
    # django.db.models.JSONField.get_db_prep_value → connection.ops.adapt_json_value: json.dumps(value).
    if type(value) is Encoded:
        return str(value)
    return json.dumps(value)


def _converter(field, vendor: str) -> Convert:
    from django.db import models

    if isinstance(field, models.JSONField):
        return _json
    if isinstance(field, models.DateTimeField):
        return _sqlite_datetime if vendor == "sqlite" else None
    if isinstance(field, models.DateField):
        return _date
    return None


class RawTable:
    """The columns of one model's table for rows given as tuples of ``fields`` (attribute names)."""

    def __init__(self, model, fields: Sequence[str]) -> None:
        from django.db import connection
        from django.db.models.fields import AutoFieldMixin

        self.model = model
        self.fields = tuple(fields)
        by_attname = {f.attname: f for f in model._meta.concrete_fields}
        unknown = [name for name in self.fields if name not in by_attname]
        if unknown:
            raise ValueError(f"{model.__name__} has no fields {unknown}")
        # Fields not given (an auto primary key not given is left to the database).
        rest = [f for f in model._meta.concrete_fields if f.attname not in self.fields
                and not (f.primary_key and isinstance(f, AutoFieldMixin))]
        vendor = connection.vendor
        self.columns = [by_attname[name].column for name in self.fields] + [f.column for f in rest]
        self.converters = [_converter(by_attname[name], vendor) for name in self.fields]
        # Fields not given: the model's default, converted once (a field added later with a default still fits).
        self.tail = tuple((c(f.get_default()) if (c := _converter(f, vendor)) else f.get_default()) for f in rest)
        self.table = model._meta.db_table

    def prepare(self, row: Sequence[Any]) -> tuple:
        return tuple(c(v) if c else v for c, v in zip(self.converters, row, strict=True)) + self.tail


def insert(table: RawTable, rows: Iterable[Sequence[Any]], batch: int = 5000) -> int:
    """Insert ``rows`` (tuples in ``table.fields`` order) in the current transaction; returns how many."""
    from django.db import connection

    q = connection.ops.quote_name
    columns = ", ".join(q(c) for c in table.columns)
    prepared = [table.prepare(r) for r in rows]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {q(table.table)} ({columns}) FROM STDIN") as copy:
                for row in prepared:
                    copy.write_row(row)
            return len(prepared)
        sql = f"INSERT INTO {q(table.table)} ({columns}) VALUES ({', '.join(['%s'] * len(table.columns))})"  # noqa: S608
        for start in range(0, len(prepared), batch):
            cursor.executemany(sql, prepared[start:start + batch])
    return len(prepared)
