"""Swipe files: counted once per member, project and day; the same file twice adds nothing; every bad row kind."""

import datetime as dt
import io
from pathlib import Path

import pytest
import xlsxwriter

from unionserve.audit.models import AuditEvent
from unionserve.cards.models import CardStatus
from unionserve.visits import actions
from unionserve.visits.models import ServedVisit, SwipeImport, VisitKind

from .conftest import card_for

HEADER = "卡号,刷卡时间,商户/项目代码,金额\n"


def run(user, text: str | bytes, name="swipes.csv") -> SwipeImport:
    data = text.encode("utf-8-sig") if isinstance(text, str) else text
    return actions.import_swipes(uploaded=io.BytesIO(data), original_name=name, acting_user=user)


def test_same_file_twice_adds_nothing(people):
    text = HEADER + ("6219990000000000011,2026-05-01 09:10:00,P001,10.00\n"
                     "6219990000000000022,2026-05-01 10:00:00,P001,\n"
                     "6219990000000000033,2026-05-02 11:00:00,P002,5\n")
    first = run(people["city"], text)
    counts = (first.rows, first.valid_rows, first.visits_added, first.already_counted, first.error_rows)
    assert counts == (3, 3, 3, 0, 0)
    second = run(people["city"], text)
    assert (second.rows, second.visits_added, second.already_counted) == (3, 0, 3)
    assert ServedVisit.objects.count() == 3
    assert second.checksum == first.checksum
    v = ServedVisit.objects.get(member=people["m1"])
    assert (v.service, v.kind, v.day, v.grassroots_id, v.source) == (
        "project:P001", VisitKind.SWIPE, dt.date(2026, 5, 1), people["m1"].grassroots_id, f"import:{first.pk}")
    assert AuditEvent.objects.filter(action=actions.SWIPES_IMPORTED).count() == 2


def test_same_day_same_project_is_one_visit_two_projects_two(people):
    text = HEADER + ("6219990000000000011,2026-05-01 09:00:00,P001,\n"
                     "6219990000000000011,2026-05-01 17:30:00,P001,\n"   # the same project that day: the same visit
                     "6219990000000000011,2026-05-01 12:00:00,P002,\n"   # another project: another visit
                     "6219990000000000011,2026-05-02 09:00:00,P001,\n")  # the next day: another visit
    imp = run(people["city"], text)
    assert (imp.valid_rows, imp.visits_added, imp.already_counted) == (4, 3, 1)
    assert sorted(ServedVisit.objects.values_list("service", "day")) == [
        ("project:P001", dt.date(2026, 5, 1)), ("project:P001", dt.date(2026, 5, 2)),
        ("project:P002", dt.date(2026, 5, 1))]


def test_a_later_file_does_not_recount_a_visit(people):
    run(people["city"], HEADER + "6219990000000000011,2026-05-01 09:00:00,P001,\n")
    imp = run(people["city"], HEADER + "6219990000000000011,2026-05-01 18:00:00,P001,\n"
                                       "6219990000000000011,2026-05-01 18:00:00,P009,\n")
    assert (imp.visits_added, imp.already_counted) == (1, 1)


def test_bad_rows_of_every_kind_are_reported_and_skipped(people, tree):
    from unionserve.members.tests.factories import make_member

    lost = card_for(make_member(tree["g1"], "钱四", history=False), number="6219990000000000044",
                    status=CardStatus.LOST, valid_from=dt.date(2020, 1, 1), valid_until=dt.date(2026, 3, 31))
    applied = card_for(make_member(tree["g1"], "孙五", history=False), number="6219990000000000055",
                       status=CardStatus.APPLIED, valid_from=None)
    rows = [
        "6219990000000000099,2026-05-01 09:00:00,P001,",      # 2 unknown card
        "62199900,2026-05-01 09:00:00,P001,",                 # 3 not a card number
        ",2026-05-01 09:00:00,P001,",                          # 4 card number missing
        "6219990000000000011,2026-02-30 09:00:00,P001,",      # 5 no such day
        "6219990000000000011,yesterday,P001,",                 # 6 not a date
        "6219990000000000011,2099-01-01 09:00:00,P001,",      # 7 in the future
        "6219990000000000011,2026-05-01 25:99,P001,",         # 8 not a time
        "6219990000000000011,2026-05-01 09:00:00,P 01,",      # 9 bad code
        "6219990000000000011,2026-05-01 09:00:00,,",           # 10 code missing
        "6219990000000000011,2026-05-01 09:00:00,P001,abc",   # 11 bad amount
        "6219990000000000011,2026-05-01 09:00:00,P001,-5",    # 12 negative amount
        "6219990000000000011,2013-12-31 09:00:00,P001,",      # 13 before the card was valid (2014-01-01)
        f"{lost.number},2026-04-01 09:00:00,P001,",            # 14 lost on 31 March: not valid after
        f"{lost.number},2026-03-31 09:00:00,P001,",            # 15 valid on its last day: counted
        f"{applied.number},2026-05-01 09:00:00,P001,",         # 16 never issued
        "6219990000000000011,,P001,",                          # 17 time missing
        "6219990000000000011,2026/5/1 9:05,P001,",            # 18 Excel's way: counted
        "6219990000000000022,20260501090000,P-2.x_1,1,234.50",  # 19 compact time, code with - . _: counted
    ]
    imp = run(people["city"], HEADER + "\n".join(rows) + "\n")
    assert imp.rows == 18
    assert imp.error_rows == 15, imp.error_report
    assert imp.visits_added == 3
    report = imp.error_report.splitlines()
    assert len(report) == 16
    rows_reported = [int(line.split(",")[0]) for line in report[1:]]
    assert rows_reported == [2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 16, 17]


def test_the_error_report_downloads(people, client_for):
    imp = run(people["city"], HEADER + "6219990000000000099,2026-05-01 09:00:00,P001,\n")
    response = client_for(people["city"]).get(f"/visits/imports/{imp.pk}/errors.csv")
    assert response.status_code == 200
    body = response.content.decode("utf-8-sig")
    assert "6219990000000000099" in body and response["Content-Disposition"].startswith("attachment")


@pytest.mark.parametrize(("content", "why"), [
    ("", "header"),
    ("\n\n", "header"),
    ("卡号,金额\n6219990000000000011,1\n", "刷卡时间"),
    (b"\x00\x01\x02\x03binary", "CSV"),
    (b"PK\x03\x04 not really a zip", "Excel"),
])
def test_unreadable_files_are_refused_whole(people, content, why, settings):
    settings.LANGUAGE_CODE = "en"
    imp = run(people["city"], content)
    assert imp.refused
    assert ServedVisit.objects.count() == 0
    assert imp.visits_added == 0


def test_english_headers_any_order_and_gb18030(people):
    text = "Amount,Code,Card number,Swipe time\n,P001,6219990000000000011,2026-05-01 09:00\n"
    assert run(people["city"], text).visits_added == 1
    gbk = "商户代码,卡号,交易时间\nP002,6219990000000000011,2026-05-01 10:00:00\n".encode("gb18030")
    assert run(people["city"], gbk).visits_added == 1


def test_xlsx_file(people, tmp_path: Path):
    path = tmp_path / "swipes.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet()
    ws.write_row(0, 0, ["卡号", "刷卡时间", "项目代码", "金额"])
    ws.write_row(1, 0, ["6219990000000000011", "2026-05-01 09:00:00", "P001", 12.5])
    ws.write_string(2, 0, "6219990000000000022")
    ws.write_datetime(2, 1, dt.datetime(2026, 5, 3, 8, 0), wb.add_format({"num_format": "yyyy-mm-dd hh:mm"}))
    ws.write_row(2, 2, ["P001", 3])
    ws.write_row(3, 0, ["6219990000000000099", "2026-05-01", "P001"])
    wb.close()
    imp = run(people["city"], path.read_bytes(), name="swipes.xlsx")
    assert (imp.rows, imp.visits_added, imp.error_rows) == (3, 2, 1), imp.error_report


def test_a_district_imports_only_its_members(people):
    text = HEADER + ("6219990000000000011,2026-05-01 09:00:00,P001,\n"    # Dongcheng
                     "6219990000000000033,2026-05-01 09:00:00,P001,\n")   # Haidian: not found for Dongcheng
    imp = run(people["dc"], text)
    assert (imp.visits_added, imp.error_rows) == (1, 1)
    assert "6219990000000000033" in imp.error_report
    assert not ServedVisit.objects.filter(member=people["m3"]).exists()


def test_record_visits_in_bulk(people):
    from unionserve.visits.public import record_visit, record_visits

    day = dt.date(2026, 6, 1)
    rows = [(people["m1"].pk, day, "hotline", VisitKind.PLATFORM, "x"), (people["m1"].pk, day, "hotline",
            VisitKind.PLATFORM, "x"), (people["m2"].pk, day, "hotline", VisitKind.PLATFORM, ""), (10**9, day,
            "hotline", VisitKind.PLATFORM, "")]
    assert record_visits(rows) == 2
    assert record_visits(rows) == 0
    assert record_visit(member_id=people["m1"].pk, day=day, service="hotline") is False
    assert record_visit(member_id=people["m3"].pk, day=day, service="hotline") is True


def test_import_command(people, tmp_path):
    from django.core.management import CommandError, call_command

    path = tmp_path / "s.csv"
    path.write_text(HEADER + "6219990000000000011,2026-05-01 09:00:00,P001,\n", encoding="utf-8")
    out = io.StringIO()
    call_command("import_swipes", str(path), user="city", stdout=out)
    assert "1 visits added" in out.getvalue()
    with pytest.raises(CommandError):
        call_command("import_swipes", str(path), user="auditor")
    with pytest.raises(CommandError):
        call_command("import_swipes", str(tmp_path / "none.csv"), user="city")
