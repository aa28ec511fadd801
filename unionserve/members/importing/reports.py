"""Files an import gives back: the error report, the rejected rows, and the blank templates.

- **Error report** (XLSX, xlsxwriter in constant-memory mode): one line per problem — 行号, 列, 值, 问题.
- **Rejected rows** (valid-rows mode): the invalid rows in the template's own format plus a last column 错误说明,
  so the clerk corrects them in place and uploads the file again (CSV for a CSV upload, XLSX for a workbook).
- **Templates**: XLSX with the header row (text-formatted columns, so ID numbers keep their digits) and a sheet
  填写说明 describing every column; or CSV (UTF-8 with BOM).

While an import runs, problems and rejected rows are streamed to temporary CSV files, so memory stays flat
whatever the number of bad rows; they are turned into the downloads at the end.
"""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Sequence
from pathlib import Path

from django.utils.translation import gettext as _

from unionserve.members.template import Column

#: Excel's last row, less the header: later problems are counted but not listed.
MAX_REPORT_ROWS = 1_048_575
ERROR_HEADERS = ("行号", "列", "值", "问题")
REJECT_COLUMN = "错误说明"


class Collector:
    """Streams problems and rejected rows of one import to temporary files."""

    def __init__(self, columns: Sequence[Column], *, job_id: int | None = None) -> None:
        self.columns = columns
        # Named after the job, so that the sweep can remove what a killed job left (importing.stale).
        self.dir = Path(tempfile.mkdtemp(prefix=f"unionserve-import-{job_id}-" if job_id else "unionserve-import-"))
        self._errors_fh = open(self.dir / "errors.csv", "w", encoding="utf-8", newline="")  # noqa: SIM115
        self._rejects_fh = open(self.dir / "rejected.csv", "w", encoding="utf-8", newline="")  # noqa: SIM115
        self._errors = csv.writer(self._errors_fh)
        self._rejects = csv.writer(self._rejects_fh)
        self.error_count = 0
        self.rejected_count = 0

    def add_errors(self, errors: Sequence[tuple[int, str, str, str]]) -> None:
        self.error_count += len(errors)
        self._errors.writerows(errors)

    def add_rejected(self, rejected: Sequence[tuple[int, list[str], str]]) -> None:
        self.rejected_count += len(rejected)
        self._rejects.writerows([*row, message] for _n, row, message in rejected)

    def close(self) -> None:
        self._errors_fh.close()
        self._rejects_fh.close()

    def error_report(self) -> Path:
        """The error report as XLSX (call after close)."""
        import xlsxwriter

        path = self.dir / "errors.xlsx"
        wb = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_numbers": False,
                                             "strings_to_formulas": False, "strings_to_urls": False})
        ws = wb.add_worksheet("错误报告")
        bold = wb.add_format({"bold": True})
        ws.write_row(0, 0, ERROR_HEADERS, bold)
        ws.set_column(0, 0, 8)
        ws.set_column(1, 2, 22)
        ws.set_column(3, 3, 70)
        with open(self.dir / "errors.csv", encoding="utf-8", newline="") as fh:
            for i, (row_no, col, value, message) in enumerate(csv.reader(fh), start=1):
                if i > MAX_REPORT_ROWS:
                    break
                ws.write_number(i, 0, int(row_no))
                ws.write_string(i, 1, col)
                ws.write_string(i, 2, value)
                ws.write_string(i, 3, message)
        wb.close()
        return path

    def rejected_file(self, fmt: str) -> Path:
        """The rejected rows in the template format plus 错误说明 (call after close)."""
        headers = [c.header for c in self.columns] + [REJECT_COLUMN]
        source = self.dir / "rejected.csv"
        if fmt == "csv":
            path = self.dir / "rejected-rows.csv"
            with open(path, "w", encoding="utf-8-sig", newline="") as out, \
                    open(source, encoding="utf-8", newline="") as fh:
                writer = csv.writer(out)
                writer.writerow(headers)
                for row in csv.reader(fh):
                    writer.writerow(row)
            return path
        import xlsxwriter

        path = self.dir / "rejected-rows.xlsx"
        wb = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_numbers": False,
                                             "strings_to_formulas": False, "strings_to_urls": False})
        ws = wb.add_worksheet(_sheet_title(self.columns))
        ws.write_row(0, 0, headers, wb.add_format({"bold": True}))
        with open(source, encoding="utf-8", newline="") as fh:
            for i, row in enumerate(csv.reader(fh), start=1):
                if i > MAX_REPORT_ROWS:
                    break
                for j, value in enumerate(row):
                    ws.write_string(i, j, value)
        wb.close()
        return path

    def cleanup(self) -> None:
        import shutil

        self.close()
        shutil.rmtree(self.dir, ignore_errors=True)


def _sheet_title(columns: Sequence[Column]) -> str:
    from unionserve.members.template import MEMBER_COLUMNS

    return "会员" if tuple(columns) == MEMBER_COLUMNS else "单位"


def template_xlsx(columns: Sequence[Column]) -> bytes:
    """The blank template: the header row, and a sheet 填写说明 (column, required, rules)."""
    import xlsxwriter

    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True})
    text = wb.add_format({"num_format": "@"})
    bold = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    wrap = wb.add_format({"text_wrap": True, "valign": "top"})
    ws = wb.add_worksheet(_sheet_title(columns))
    for i, col in enumerate(columns):
        ws.set_column(i, i, max(12, len(col.header) * 2 + 4), text)  # text cells: ID numbers keep every digit
        ws.write_string(0, i, col.header, bold)
        ws.write_comment(0, i, _(col.help))
    ws.freeze_panes(1, 0)
    guide = wb.add_worksheet("填写说明")
    guide.set_column(0, 0, 24)
    guide.set_column(1, 1, 10)
    guide.set_column(2, 2, 90)
    guide.write_row(0, 0, ["列", "是否必填", "填写规则"], bold)
    for i, col in enumerate(columns, start=1):
        guide.write_string(i, 0, col.header)
        guide.write_string(i, 1, _("Required") if col.required else _("Optional"))
        guide.write_string(i, 2, _(col.help), wrap)
    notes = [
        _("Keep the header row; the columns may be in any order, but no column may be added, renamed or removed."),
        _("Dates are written YYYY-MM-DD (Excel date cells are accepted too); yes/no columns hold 是 or 否."),
        _("One row per person: an ID number may appear only once in a file. Importing the same file again "
          "changes nothing; a member who appears under another unit is transferred there."),
        _("Save as .xlsx, or as CSV in UTF-8."),
    ]
    for j, note in enumerate(notes, start=len(columns) + 2):
        guide.write_string(j, 0, note)
    wb.close()
    return buf.getvalue()


def template_csv(columns: Sequence[Column]) -> bytes:
    """The blank template as CSV (UTF-8 with BOM, so that Excel opens it as UTF-8)."""
    buf = io.StringIO()
    csv.writer(buf).writerow([c.header for c in columns])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")
