"""The mediation list's Excel export holds exactly the filtered, scoped list of the page."""

from __future__ import annotations

import io

import openpyxl
from django.urls import reverse

from unionserve.workflow.models import Case

from .helpers import intake


def export_rows(client, **params) -> list[tuple]:
    response = client.get(reverse("mediation:cases"), {**params, "format": "xlsx"})
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    return list(openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.iter_rows(
        values_only=True))


def test_export_is_the_filtered_scoped_list(client, people, mediators):
    client.force_login(people["city"])
    intake(client)
    number = Case.objects.get(process="mediation").number
    page = client.get(reverse("mediation:cases")).content.decode()
    assert "format=xlsx" in page and number in page
    rows = export_rows(client)
    assert rows[0][0] == "编号" and [r[0] for r in rows[1:]] == [number]
    assert export_rows(client, status="closed")[1:] == []
    client.force_login(people["station2"])  # another station: the case is not in its scope
    assert export_rows(client)[1:] == []
