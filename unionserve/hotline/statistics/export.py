"""The statistics as an Excel workbook: the figures on the page, one sheet each, with the definitions."""

from __future__ import annotations

import datetime as dt
import io

import xlsxwriter
from django.utils.translation import gettext as _

from unionserve.hotline.models import Channel, Kind

from .rates import DEFINITIONS, Period, UnitRates, Volumes


def workbook(*, unit_name: str, period: Period, volumes: Volumes, own: UnitRates, rows: list[UnitRates]) -> bytes:
    """The workbook's bytes (a few hundred rows at most: aggregates, not requests)."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    bold = book.add_format({"bold": True})
    pct = book.add_format({"num_format": "0.0"})
    title = f"{unit_name} {period.start:%Y-%m-%d} – {period.end:%Y-%m-%d}"

    sheet = book.add_worksheet(_("Volumes"))
    sheet.write_row(0, 0, [title], bold)
    r = 2
    sheet.write_row(r, 0, [_("Requests"), volumes.total], bold)
    r += 2
    for heading, pairs in (
        (_("By kind"), [(str(Kind(k).label), n) for k, n in sorted(volumes.by_kind.items())]),
        (_("By channel"), [(str(Channel(c).label), n) for c, n in sorted(volumes.by_channel.items())]),
        (_("By category"), volumes.by_category),
    ):
        sheet.write(r, 0, heading, bold)
        r += 1
        for label, n in pairs:
            sheet.write_row(r, 0, [label, n])
            r += 1
        r += 1
    sheet.set_column(0, 0, 28)

    for name, series, fmt in ((_("By day"), volumes.by_day, "%Y-%m-%d"), (_("By month"), volumes.by_month, None)):
        sheet = book.add_worksheet(name)
        sheet.write_row(0, 0, [_("Date"), _("Consultations"), _("Affairs"), _("Total")], bold)
        for i, (when, c, a) in enumerate(series, start=1):
            sheet.write_row(i, 0, [when.strftime(fmt) if isinstance(when, dt.date) and fmt else when, c, a, c + a])
        sheet.set_column(0, 0, 14)

    sheet = book.add_worksheet(_("Rates"))
    headers = [_("Unit"), _("Handling assignments")]
    for d in DEFINITIONS:
        headers += [f"{d.label} (%)", _("%(rate)s: numerator") % {"rate": d.label},
                    _("%(rate)s: denominator") % {"rate": d.label}]
    sheet.write_row(0, 0, [title], bold)
    sheet.write_row(2, 0, headers, bold)
    for i, row in enumerate([own, *rows], start=3):
        sheet.write(i, 0, row.unit.name, bold if row is own else None)
        sheet.write(i, 1, row.assignments)
        col = 2
        for rate in row.rates:
            if rate.percent is None:
                sheet.write_blank(i, col, None)
            else:
                sheet.write_number(i, col, float(rate.percent), pct)
            sheet.write_row(i, col + 1, [rate.numerator, rate.denominator])
            col += 3
    sheet.set_column(0, 0, 30)

    sheet = book.add_worksheet(_("Definitions"))
    for i, d in enumerate(DEFINITIONS):
        name = str(d.label) if str(d.label) == d.chinese else f"{d.label} ({d.chinese})"  # no "响应率 (响应率)"
        sheet.write_row(i, 0, [name, f"{d.numerator} ÷ {d.denominator}", str(d.note)])
    sheet.set_column(0, 0, 24)
    sheet.set_column(1, 2, 80)
    book.close()
    return buffer.getvalue()
