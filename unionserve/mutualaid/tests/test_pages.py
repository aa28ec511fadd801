import datetime as dt
from decimal import Decimal as D

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from unionserve.mutualaid import actions
from unionserve.mutualaid.models import BatchState, Enrolment, ExpenseLine, FileImport, LineState

from .helpers import expense_csv, id_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def batch(tmp_path, tree, insured, ma_users):
    a, b = insured(tree["g1"], "东华门甲"), insured(tree["g3"], "中关村乙")
    path = expense_csv(tmp_path, [(a, "门诊", "2026-01-10", "2026-01-10", "155"),
                                  (b, "住院", "2026-02-10", "2026-02-12", "1300")])
    return actions.import_expenses(path=path, name="q.csv", year=2026, quarter=1, office=tree["city"],
                                   acting_user=ma_users["office"])


def test_station_reads_its_own_lines_and_not_another_stations(client_for, batch, ma_users):
    own = batch.expense_lines.get(row=2)
    other = batch.expense_lines.get(row=3)
    client = client_for(ma_users["st1"])
    assert client.get(f"/mutual-aid/lines/{own.pk}/").status_code == 200
    assert client.get(f"/mutual-aid/lines/{other.pk}/").status_code == 404
    assert client.get(f"/mutual-aid/members/{other.member_id}/").status_code == 404
    listing = client.get("/mutual-aid/lines/?year=2026").content.decode()
    assert "东华门甲" in listing and "中关村乙" not in listing
    # A station does not run the batch.
    assert client.get(f"/mutual-aid/batches/{batch.pk}/").status_code == 403
    # The district reads its district's members only.
    dc = client_for(ma_users["dc"])
    assert dc.get(f"/mutual-aid/lines/{own.pk}/").status_code == 200
    assert dc.get(f"/mutual-aid/lines/{other.pk}/").status_code == 404


def test_the_office_reviews_on_the_pages_and_the_second_reviewer_must_be_another(client_for, batch, ma_users):
    office = client_for(ma_users["office"])
    page = office.get(f"/mutual-aid/batches/{batch.pk}/?show=all")
    assert page.status_code == 200 and "东华门甲" in page.content.decode()
    for line in batch.expense_lines.filter(state=LineState.FLAGGED):
        office.post(f"/mutual-aid/batches/{batch.pk}/lines/{line.pk}/review/", {"decision": "clear"})
    office.post(f"/mutual-aid/batches/{batch.pk}/finish/")
    batch.refresh_from_db()
    assert batch.state == BatchState.SECOND_REVIEW
    office.post(f"/mutual-aid/batches/{batch.pk}/approve/")
    batch.refresh_from_db()
    assert batch.state == BatchState.SECOND_REVIEW  # refused: the same person
    client_for(ma_users["office2"]).post(f"/mutual-aid/batches/{batch.pk}/approve/")
    batch.refresh_from_db()
    assert batch.state == BatchState.APPROVED
    assert batch.expense_lines.filter(state=LineState.REQUESTED).count() == 2


def test_member_page_statement_and_pdf(client_for, batch, ma_users):
    line = batch.expense_lines.get(row=2)
    client = client_for(ma_users["st1"])
    page = client.get(f"/mutual-aid/members/{line.member_id}/?year=2026").content.decode()
    assert "50.00" in page and "第1版" in page  # (155 − 55) × 50 %, the policy versions (v1 in the Chinese UI)
    pdf = client.get(f"/mutual-aid/members/{line.member_id}/statement.pdf?year=2026")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    detail = client.get(f"/members/{line.member_id}/").content.decode()
    assert "/mutual-aid/members/" in detail


def test_refused_expense_file_has_an_error_report(client_for, tree, ma_users):
    office = client_for(ma_users["office"])
    upload = SimpleUploadedFile("bad.csv", "身份证号,姓名\n1,2\n".encode())
    response = office.post("/mutual-aid/batches/import/", {"year": 2026, "quarter": 1, "file": upload})
    imp = FileImport.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/imports/{imp.pk}/")
    assert not imp.accepted and "医院" in imp.errors[0][3]
    report = office.get(f"/mutual-aid/imports/{imp.pk}/errors.xlsx")
    assert report.status_code == 200


def _enrol_xlsx(rows):
    import io

    import xlsxwriter

    out = io.BytesIO()
    wb = xlsxwriter.Workbook(out)
    ws = wb.add_worksheet()
    ws.write_row(0, 0, ["身份证号", "姓名", "计划", "年度", "缴费金额", "缴费日期", "参加社保"])
    for i, row in enumerate(rows, start=1):
        ws.write_row(i, 0, row)
    wb.close()
    return SimpleUploadedFile("list.xlsx", out.getvalue())


def test_enrolment_list_all_or_nothing(client_for, tree, ma_users, plans):
    from unionserve.members.tests.factories import id_number, make_member

    mine = make_member(tree["g1"], "本站会员")
    other = make_member(tree["g3"], "外站会员")
    client = client_for(ma_users["st1"])
    bad = _enrol_xlsx([
        [id_of(mine), "本站会员", "medical", "2026", "80", "2026-01-05", "是"],
        [id_of(mine), "本站会员", "在职职工医疗互助保障计划", "2026", "80", "2026-01-05", "是"],  # twice
        [id_of(other), "外站会员", "medical", "2026", "80", "2026-01-05", "是"],  # not in my scope
        [id_number(seq=901), "无此人", "medical", "2026", "80", "2026-01-05", "是"],
        [id_of(mine), "别名", "accident", "2026", "-1", "2099-01-01", "也许"],
    ])
    response = client.post("/mutual-aid/enrolments/import/", {"unit": "G1", "file": bad})
    imp = FileImport.objects.latest("pk")
    assert response.status_code == 302 and not imp.accepted and not Enrolment.objects.exists()
    rows = {e[0] for e in imp.errors}
    assert rows == {3, 4, 5, 6}
    good = _enrol_xlsx([[id_of(mine), "本站会员", "medical", "2026", "80", "2026-01-05", "是"],
                        [id_of(mine), "本站会员", "accident", "2026", "20.5", "", "否"]])
    client.post("/mutual-aid/enrolments/import/", {"unit": "G1", "file": good})
    imp = FileImport.objects.latest("pk")
    assert imp.accepted and imp.created == 2
    e = Enrolment.objects.get(plan__code="medical")
    assert (e.member, e.year, e.contribution, e.in_social_insurance, e.unit.code) == (mine, 2026, D("80"), True, "G1")
    # Out of scope unit is refused.
    response = client.post("/mutual-aid/enrolments/import/", {"unit": "G3", "file": _enrol_xlsx([])})
    assert response.status_code == 400


def test_card_export_lists_valid_enrolled_holders_with_checksum(client_for, tree, insured, ma_users):
    import hashlib

    a = insured(tree["g1"], "有卡甲")
    insured(tree["g1"], "无卡乙", card_from=None)
    insured(tree["g1"], "晚卡丙", card_from=dt.date(2026, 6, 1))
    office = client_for(ma_users["office"])
    response = office.post("/mutual-aid/cards/", {"day": "2026-03-01"})
    body = response.content
    assert response["X-Checksum-SHA256"] == hashlib.sha256(body).hexdigest()
    text = body.decode()
    assert text.splitlines()[0] == "身份证号,姓名,卡号,有效起始日期"
    assert id_of(a) in text and "无卡乙" not in text and "晚卡丙" not in text
    assert len(text.splitlines()) == 2
    from unionserve.mutualaid.models import CardExport

    log = CardExport.objects.get()
    assert office.get(f"/mutual-aid/cards/{log.pk}/sha256/").content.decode().startswith(log.sha256)
    assert client_for(ma_users["st1"]).post("/mutual-aid/cards/", {"day": "2026-03-01"}).status_code == 403


def test_pages_render(client_for, batch, ma_users):
    office = client_for(ma_users["office"])
    for url in ("/mutual-aid/", "/mutual-aid/enrolments/?year=2026", "/mutual-aid/batches/",
                "/mutual-aid/batches/import/", "/mutual-aid/cards/", "/mutual-aid/enrolments/import/",
                f"/mutual-aid/batches/{batch.pk}/?format=xlsx", "/mutual-aid/enrolments/?format=xlsx",
                "/mutual-aid/enrolments/template.xlsx", "/mutual-aid/lines/?year=2026&show=flagged"):
        assert office.get(url).status_code == 200, url
    line = ExpenseLine.objects.first()
    assert office.get(f"/mutual-aid/members/{line.member_id}/enrol/").status_code == 200
