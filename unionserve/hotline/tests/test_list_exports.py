"""The 12351 list and the inbox export to Excel exactly what the page lists, filtered and scoped; bounded."""

from __future__ import annotations

import io

import openpyxl
from django.urls import reverse

from unionserve.core import export
from unionserve.hotline import actions as hotline_actions
from unionserve.hotline import services
from unionserve.hotline.models import Category


def rows_of(response) -> list[tuple]:
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return list(book.active.iter_rows(values_only=True))


def take(agent, text: str, **extra):
    return hotline_actions.take_request(services.Intake(
        kind="consultation", category=Category.objects.get(code="HYK01"), description=text, caller_name="陈师傅",
        caller_phone="13900003333", **extra), acting_user=agent)


def test_request_list_export_is_filtered_scoped_and_masked(client, people):
    open_one = take(people["agent"], "京卡怎么办")
    closed_one = take(people["agent"], "京卡丢了", answer="到银行挂失。")
    client.force_login(people["agent"])
    rows = rows_of(client.get(reverse("hotline:requests"), {"format": "xlsx"}))
    assert rows[0][0] == "案件" and {r[0] for r in rows[1:]} == {open_one.case.number, closed_one.case.number}
    assert all("13900003333" not in str(cell) for row in rows for cell in row)  # the page's masked phone
    closed = rows_of(client.get(reverse("hotline:requests"), {"format": "xlsx", "status": "closed"}))
    assert [r[0] for r in closed[1:]] == [closed_one.case.number] and closed[1][7] == "已办结"
    client.force_login(people["st3"])  # another district's station does not see the city's requests
    assert rows_of(client.get(reverse("hotline:requests"), {"format": "xlsx"}))[1:] == []


def test_inbox_export_lists_the_tab(client, people):
    item = take(people["agent"], "京卡怎么办")
    client.force_login(people["agent"])
    page = client.get(reverse("workflow:inbox")).content.decode()
    assert "format=xlsx" in page
    rows = rows_of(client.get(reverse("workflow:inbox"), {"format": "xlsx"}))
    assert rows[0][:2] == ("案件编号", "标题") and item.case.number in [r[0] for r in rows[1:]]
    client.force_login(people["st1"])
    assert item.case.number not in [r[0] for r in rows_of(client.get(reverse("workflow:inbox"),
                                                                      {"format": "xlsx"}))[1:]]


def test_export_is_bounded(client, people, monkeypatch):
    for n in range(3):
        take(people["agent"], f"京卡怎么办第{n}个问题")
    monkeypatch.setattr("unionserve.hotline.views.EXPORT_MAX_ROWS", 2)
    monkeypatch.setattr(export, "MAX_ROWS", 2)
    client.force_login(people["agent"])
    response = client.get(reverse("hotline:requests"), {"format": "xlsx"})
    rows = rows_of(response)
    assert len(rows) == 4 and "只导出了前 2 行" in rows[3][0]
