"""Writing rows: CSV (UTF-8 with BOM, Excel dialect) and XLSX (openpyxl write-only, one sheet per 1M rows)."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from itertools import islice
from pathlib import Path
from typing import Any

BOM = "\ufeff"
#: Excel holds 1,048,576 rows per sheet; a round million leaves room for the header.
XLSX_SHEET_ROWS = 1_000_000
CSV_BATCH = 20_000


def write_csv(path: Path, headers: Sequence[str] | None, rows: Iterable[Sequence[str]], *, bom: bool = True,
              mode: str = "w") -> int:
    """Write ``rows`` (after a header row when ``headers`` is given) in batches; returns the number of rows."""
    count = 0
    with path.open(mode, encoding="utf-8", newline="") as fh:
        if bom:
            fh.write(BOM)
        writer = csv.writer(fh)
        if headers is not None:
            writer.writerow(headers)
        it = iter(rows)
        while batch := list(islice(it, CSV_BATCH)):
            writer.writerows(batch)
            count += len(batch)
    return count


def write_xlsx(path: Path, headers: Sequence[str], rows: Iterable[Sequence[str]], *, title: str,
               sheet_rows: int = XLSX_SHEET_ROWS) -> int:
    """Write an XLSX workbook in openpyxl's write-only mode: sheets ``title``, ``title2``, ... of
    ``sheet_rows`` rows each, every sheet with the header row. Cells are text, so ID and phone numbers
    keep their digits. Returns the number of rows."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    count = 0
    ws: Any = None
    in_sheet = sheet_rows
    for row in rows:
        if in_sheet >= sheet_rows:
            ws = wb.create_sheet(title if ws is None else f"{title}{len(wb.worksheets) + 1}")
            ws.append(list(headers))
            in_sheet = 0
        ws.append(list(row))
        in_sheet += 1
        count += 1
    if ws is None:
        wb.create_sheet(title).append(list(headers))
    wb.save(path)
    return count
