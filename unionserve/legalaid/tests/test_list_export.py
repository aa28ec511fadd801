"""The legal-aid list's Excel export holds exactly the filtered, scoped list of the page."""

from __future__ import annotations

import io

import openpyxl
from django.urls import reverse

from .test_process import apply


def export_rows(client, **params) -> list[tuple]:
    response = client.get(reverse("legalaid:list"), {**params, "format": "xlsx"})
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    return list(openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.iter_rows(
        values_only=True))


def test_export_is_the_filtered_scoped_list(client, la):
    case = apply(la["city"])
    client.force_login(la["city"])
    page = client.get(reverse("legalaid:list")).content.decode()
    assert "format=xlsx" in page and case.number in page
    rows = export_rows(client)
    assert [r[0] for r in rows[1:]] == [case.number]
    assert export_rows(client, q="XX-nothing")[1:] == []
    client.force_login(la["lawyer2"])  # a lawyer reads only the cases assigned to them
    assert export_rows(client)[1:] == []
