"""The two files exchanged with the bank (docs/cards.md "Bank files"): the batch file the union sends, and the
result file the bank sends back. Both are UTF-8 CSV with a header line and a trailer line
``#END,<rows>,<sha256>`` where the checksum is the SHA-256 of every byte before the trailer line, so a file cut
short or edited on the way is refused as a whole.

This module only writes and reads the text; `actions` decides what a result changes.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _
from stdnum import luhn

BATCH_HEADER = ("application", "name", "id_number", "phone", "grassroots_code", "grassroots_name", "kind",
                "replaces_card")
RESULT_HEADER = ("application", "outcome", "card_number", "issued_on", "reason")
OUTCOMES = ("issued", "refused")
TRAILER = "#END"
#: A result file larger than this is not a bank's answer to one batch.
MAX_RESULT_BYTES = 5 * 1024 * 1024
MAX_RESULT_ROWS = 20_000


class FileRefused(ValueError):
    """The file as a whole cannot be read (wrong header, trailer, checksum, encoding)."""


def _csv_line(values: Sequence[str]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow(values)
    return out.getvalue()


def with_trailer(header: Sequence[str], rows: Iterable[Sequence[str]]) -> bytes:
    """Header, rows and the trailer with the row count and the checksum of everything before it."""
    body = io.StringIO()
    body.write(_csv_line(header))
    count = 0
    for row in rows:
        body.write(_csv_line([str(v) for v in row]))
        count += 1
    data = body.getvalue().encode("utf-8")
    return data + _csv_line([TRAILER, str(count), hashlib.sha256(data).hexdigest()]).encode("utf-8")


def batch_file(rows: Iterable[Sequence[str]]) -> bytes:
    """The batch file the union takes to the bank (rows in BATCH_HEADER order)."""
    return with_trailer(BATCH_HEADER, rows)


def result_file(rows: Iterable[Sequence[str]]) -> bytes:
    """A result file as the bank writes it (rows in RESULT_HEADER order): for tests, the demo and the docs."""
    return with_trailer(RESULT_HEADER, rows)


def card_number_ok(number: str) -> bool:
    """A Jingka card number: 19 digits with a valid Luhn check digit (as the register checks it)."""
    return len(number) == 19 and number.isdigit() and luhn.is_valid(number)


@dataclass
class ResultRow:
    line: int
    application: str
    outcome: str
    card_number: str
    issued_on: dt.date | None
    reason: str


def read_result(data: bytes) -> list[ResultRow | tuple[int, str]]:
    """The rows of a result file, each a ResultRow or ``(line, error)`` for a row that cannot be read.

    Raises FileRefused when the file as a whole is not a result file (size, encoding, header, trailer,
    checksum)."""
    if len(data) > MAX_RESULT_BYTES:
        raise FileRefused(_("The result file is larger than 5 MB; it is not the bank's answer to one batch."))
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise FileRefused(_("The result file is not UTF-8 text.")) from exc
    lines = text.splitlines(keepends=True)
    while lines and not lines[-1].strip():
        lines.pop()
    if len(lines) < 2:
        raise FileRefused(_("The result file is empty."))
    trailer = next(csv.reader([lines[-1]]), [])
    if len(trailer) != 3 or trailer[0] != TRAILER or not trailer[1].isdigit():
        raise FileRefused(_("The last line of the result file must be #END, the row count and the checksum."))
    body = "".join(lines[:-1])
    if hashlib.sha256(body.encode("utf-8")).hexdigest() != trailer[2].strip().lower():
        raise FileRefused(_("The checksum in the last line does not match the file: it was cut short or changed."))
    records = list(csv.reader(io.StringIO(body)))
    if tuple(c.strip() for c in records[0]) != RESULT_HEADER:
        raise FileRefused(_("The first line must be the columns %(columns)s.") % {"columns": ",".join(RESULT_HEADER)})
    records = records[1:]
    if len(records) != int(trailer[1]):
        raise FileRefused(_("The last line says %(said)s rows but the file has %(has)s.")
                          % {"said": trailer[1], "has": len(records)})
    if len(records) > MAX_RESULT_ROWS:
        raise FileRefused(_("A result file has at most %(n)s rows.") % {"n": MAX_RESULT_ROWS})
    out: list[ResultRow | tuple[int, str]] = []
    for index, record in enumerate(records, start=2):
        if len(record) != len(RESULT_HEADER):
            out.append((index, _("The row has %(has)s columns instead of %(want)s.")
                        % {"has": len(record), "want": len(RESULT_HEADER)}))
            continue
        application, outcome, number, issued_on, reason = (c.strip() for c in record)
        day = None
        if issued_on:
            try:
                day = dt.date.fromisoformat(issued_on)
            except ValueError:
                out.append((index, _("The issue date %(value)s is not a date (YYYY-MM-DD).") % {"value": issued_on}))
                continue
        out.append(ResultRow(index, application, outcome, number, day, reason))
    return out
