"""The member and unit import: validation messages, modes, idempotence, transfers, scope, kill safety."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from stdnum.cn import uscc as stdnum_uscc

from unionserve import pii
from unionserve.core.roles import Role
from unionserve.members.importing import create_job, run_job, writer
from unionserve.members.importing.reader import FileRefused, map_headers
from unionserve.members.importing.rows import luhn_ok
from unionserve.members.models import (
    Employer,
    ImportJob,
    Member,
    MembershipHistory,
    SpecialGroupRecord,
)
from unionserve.members.template import MEMBER_COLUMNS, MEMBER_HEADERS, UNIT_HEADERS
from unionserve.pii import crypto

pytestmark = pytest.mark.django_db


def make_id(area: str = "110101", birth: str = "19900307", seq: str = "761") -> str:
    first = area + birth + seq
    return first + pii.id_check_char(first)


def make_uscc(n: int) -> str:
    i = 0
    found = 0
    while True:
        first = f"91110000{n:04d}{i:05d}"
        code = first + stdnum_uscc.calc_check_digit(first)
        if stdnum_uscc.is_valid(code):
            if found == 0:
                return code
            found += 1
        i += 1


def card(n: int) -> str:
    from stdnum import luhn

    first = f"621999{n:012d}"
    return first + luhn.calc_check_digit(first)


def member_row(**over) -> dict[str, str]:
    row = {
        "name": "张三", "id_number": make_id(), "gender": "男", "birth_date": "1990-03-07", "mobile": "13812345678",
        "unit_uscc": USCC[1], "unit_name": "公交一厂", "grassroots_code": "G1", "joined_on": "2015-06-01",
        "employment": "在职", "education": "本科", "skill_certificate": "", "honour": "", "hardship": "否",
        "single_mother": "否", "card_number": card(1), "ethnicity": "汉族", "hukou": "本市城镇",
    }
    row.update(over)
    return row


USCC = {i: make_uscc(i) for i in range(1, 6)}


def csv_bytes(rows: list[dict], headers=MEMBER_HEADERS, columns=MEMBER_COLUMNS) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(headers)
    for r in rows:
        w.writerow([r.get(c.key, "") for c in columns] if isinstance(r, dict) else r)
    return ("\ufeff" + buf.getvalue()).encode()


def xlsx_bytes(header: list, rows: list[list]) -> bytes:
    import xlsxwriter

    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True})
    ws = wb.add_worksheet("会员")
    ws.write_row(0, 0, header)
    date = wb.add_format({"num_format": "yyyy-mm-dd"})
    for i, r in enumerate(rows, start=1):
        for j, v in enumerate(r):
            ws.write(i, j, v, date if hasattr(v, "year") else None)
    wb.close()
    return buf.getvalue()


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Files under a temporary MEDIA_ROOT; reports in English (the source strings), except where a test
    sets the site language back to Chinese."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.LANGUAGE_CODE = "en"
    crypto.reset_caches()


@pytest.fixture
def employers(tree):
    """E1 (union G1, station 1), E2 (no union, station 1), E3 (union G3, station 3)."""
    return {
        1: Employer.objects.create(name="公交一厂", uscc=USCC[1], station=tree["st1"], industry_union=tree["co"],
                                   has_union=True, grassroots=tree["g1"]),
        2: Employer.objects.create(name="东华门小店", uscc=USCC[2], station=tree["st1"], has_union=False),
        3: Employer.objects.create(name="公交三厂", uscc=USCC[3], station=tree["st3"], industry_union=tree["co"],
                                   has_union=True, grassroots=tree["g3"]),
        4: Employer.objects.create(name="东华门科技", uscc=USCC[4], station=tree["st1"], has_union=True,
                                   grassroots=tree["g2"]),
    }


@pytest.fixture
def station_user(tree, make_user):
    return make_user(tree["st1"], Role.SOCIAL_WORKER, username="station")


def do_import(user, content: bytes, *, name="members.csv", mode="all_or_nothing", kind="members", **kw) -> ImportJob:
    job = create_job(kind=kind, mode=mode, file=ContentFile(content), original_name=name, acting_user=user)
    return run_job(job.pk, **kw)


def errors_of(job: ImportJob) -> list[tuple]:
    from openpyxl import load_workbook

    wb = load_workbook(job.error_report.path, read_only=True)
    rows = list(wb.worksheets[0].iter_rows(values_only=True))
    assert rows[0] == ("行号", "列", "值", "问题")
    return rows[1:]


# --- validation: every bad-row kind, nothing written ------------------------------------------------------

BAD_ROWS = {
    "bad check digit": (dict(id_number=make_id()[:17] + ("0" if make_id()[17] != "0" else "1")), "身份证号",
                        "The check character of the ID number is wrong"),
    "wrong birth date": (dict(birth_date="1990-03-08"), "出生日期", "does not agree with the ID number"),
    "impossible birth date in the ID": (dict(id_number=make_id(birth="19900230")), "身份证号",
                                        "not a real date of birth"),
    "gender against the ID": (dict(gender="女"), "性别", "does not agree with the ID number"),
    "unknown unit": (dict(grassroots_code="NOPE"), "基层工会代码", "No org unit has this code"),
    "not a grassroots union": (dict(grassroots_code="110101001"), "基层工会代码", "not a grassroots union"),
    "unknown employer": (dict(unit_uscc=USCC[5]), "工作单位统一社会信用代码", "No employer with this"),
    "empty required cell": (dict(name=""), "姓名", "Required"),
    "bad mobile": (dict(mobile="12345"), "手机号", "mobile number has 11 digits"),
    "mobile starting 12": (dict(mobile="12812345678"), "手机号", "mobile number has 11 digits"),
    "mobile of 12 digits": (dict(mobile="138123456789"), "手机号", "mobile number has 11 digits"),
    "mobile with full-width digits": (dict(mobile="１３８１２３４５６７８"), "手机号", "mobile number has 11 digits"),
    "bad date": (dict(joined_on="2015/06/01"), "入会日期", "YYYY-MM-DD"),
    "bad yes/no": (dict(hardship="Y"), "困难职工", "是 or 否"),
    "bad card": (dict(card_number="6219990000000000001"), "会员卡号", "card number has 19 digits"),
}


@pytest.mark.parametrize("case", list(BAD_ROWS))
def test_a_bad_row_is_reported_and_nothing_is_written(case, employers, station_user):
    over, column, text = BAD_ROWS[case]
    good = member_row(id_number=make_id(seq="123"), card_number=card(2))
    job = do_import(station_user, csv_bytes([good, member_row(**over)]))
    assert job.status == "failed" and job.invalid == 1 and job.valid == 1
    assert Member.objects.count() == 0
    errors = errors_of(job)
    assert any(e[0] == 3 and e[1] == column and text in e[3] for e in errors), errors
    assert "nothing was imported" in job.message


def test_messages_are_chinese_in_the_site_language(employers, station_user, settings):
    from django.utils import translation

    settings.LANGUAGE_CODE = "zh-hans"
    with translation.override("zh-hans"):
        expected = translation.gettext("Required; this cell is empty.")
        check = translation.gettext("The check character of the ID number is wrong; check for a typing error.")
    bad_id = make_id()[:17] + ("0" if make_id()[17] != "0" else "1")
    job = do_import(station_user, csv_bytes([member_row(name="", id_number=bad_id)]))
    assert [e[3] for e in errors_of(job)] == [expected, check]


def test_duplicate_id_in_the_file_is_an_error_on_the_later_row(employers, station_user):
    rows = [member_row(), member_row(name="李四", card_number=card(3))]
    job = do_import(station_user, csv_bytes(rows), mode="valid_rows")
    assert job.status == "done" and job.created == 1 and job.invalid == 1
    (error,) = errors_of(job)
    assert error[0] == 3 and error[1] == "身份证号" and "earlier row" in error[3]
    assert Member.objects.get().name == "张三"


def _member_indexes() -> list[tuple[str, str]]:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'members_member' "
                           "ORDER BY name")
        else:
            cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'members_member' "
                           "ORDER BY indexname")
        return cursor.fetchall()


def _foreign_keys() -> list[tuple]:
    """The foreign keys of the member and special-group tables, as the database lists them."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            out = []
            for table in ("members_member", "members_specialgrouprecord"):
                cursor.execute(f"PRAGMA foreign_key_list({table})")
                out += [(table, *row) for row in cursor.fetchall()]
            return sorted(out)
        cursor.execute("""SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint
                          WHERE contype = 'f' AND conrelid IN ('members_member'::regclass,
                                                               'members_specialgrouprecord'::regclass)
                          ORDER BY 1, 2""")
        return cursor.fetchall()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("parallel", [False, True])
@pytest.mark.parametrize("mode", ["all_or_nothing", "valid_rows"])
def test_a_repeated_id_in_a_first_load_fails_the_index_rebuild_and_comes_back_with_its_row(
        employers, station_user, monkeypatch, mode, parallel):
    """A first load drops the register's indexes, the unique one of the ID hash too: a repeated ID number breaks
    its rebuild, so nothing is written; the rows are then found and reported (and left out, valid rows)."""
    from unionserve.members.importing import runner

    monkeypatch.setattr(writer, "FIRST_LOAD_MIN", 0)
    monkeypatch.setattr(runner, "CHUNK_ROWS", 2)
    indexes = _member_indexes()
    assert any(name == "member_id_hash_unique" and sql.startswith("CREATE UNIQUE INDEX") for name, sql in indexes)
    rows = [member_row(name=f"张{i}", id_number=make_id(seq=f"{401 + 2 * i:03d}"), card_number=card(300 + i))
            for i in range(5)]
    rows.append(member_row(name="重复", id_number=make_id(seq="405"), card_number=card(96)))
    job = do_import(station_user, csv_bytes(rows), mode=mode, workers=2, parallel=parallel)
    assert [(r[0], r[2]) for r in errors_of(job)] == [(7, make_id(seq="405"))]
    assert job.invalid == 1 and job.rows == 6
    if mode == "all_or_nothing":
        assert job.status == "failed" and Member.objects.count() == 0
    else:
        assert job.status == "done" and job.created == 5 and not Member.objects.filter(name="重复").exists()
    assert _member_indexes() == indexes


@pytest.mark.django_db(transaction=True)
def test_the_write_itself_refuses_a_repeated_id_in_a_first_load(employers, station_user, monkeypatch):
    """Without the runner's look for repeats: the rebuilt unique index fails the transaction, nothing stays."""
    from django.db import IntegrityError

    from unionserve.members.importing.rows import STAGE_FIELDS

    do_import(station_user, csv_bytes([member_row(name="王五", id_number=make_id(seq="501"), card_number=card(50))]))
    before = list(Member.objects.values())
    indexes = _member_indexes()
    monkeypatch.setattr(writer, "FIRST_LOAD_MIN", 0)
    base = dict(zip(STAGE_FIELDS, (
        2, "张三", "ZS", "h" * 32, "x", "110101********7613", "1990-03-07", "M", "p" * 32, "y", "138****5678",
        employers[1].pk, employers[1].grassroots_id, "2015-06-01", "employed", "bachelor", "", "", False, False, "",
        "汉族", "local_urban"), strict=True))
    stage = writer.Stage()
    try:
        stage.add([tuple({**base, "row_no": n}.values()) for n in (2, 3, 4)])  # three new rows, one ID hash
        with pytest.raises(IntegrityError):
            writer.write_members(job_id=1, user_id=None, joint_union_for=lambda station: 0)
    finally:
        writer.drop_if_any()
    assert list(Member.objects.values()) == before and _member_indexes() == indexes


@pytest.mark.django_db(transaction=True)
def test_a_first_load_checks_foreign_keys_and_keeps_them(employers, station_user, monkeypatch):
    """On PostgreSQL a first load drops the foreign keys its rows are checked against and adds them back at the
    end (one check of all rows): a row whose employer has gone fails the whole write, and either way the
    constraints are as before. SQLite checks them itself at the commit."""
    from django.db import IntegrityError

    from unionserve.members.importing.rows import STAGE_FIELDS

    monkeypatch.setattr(writer, "FIRST_LOAD_MIN", 0)
    keys = _foreign_keys()
    assert len([k for k in keys if k[0] == "members_member"]) == 2
    job = do_import(station_user, csv_bytes([member_row(hardship="是")]))
    assert job.status == "done" and job.created == 1 and SpecialGroupRecord.objects.count() == 1
    assert _foreign_keys() == keys
    before = list(Member.objects.values())
    row = dict(zip(STAGE_FIELDS, (
        2, "李四", "LS", "h" * 32, "x", "110101********7613", "1990-03-07", "M", "p" * 32, "y", "138****5678",
        employers[1].pk + 10_000, employers[1].grassroots_id, "2015-06-01", "employed", "bachelor", "", "", True, False,
        "", "汉族", "local_urban"), strict=True))
    stage = writer.Stage()
    try:
        stage.add([tuple({**row, "row_no": n, "id_hash": f"{n:032d}"}.values()) for n in (2, 3)])
        with pytest.raises(IntegrityError):
            writer.write_members(job_id=2, user_id=None, joint_union_for=lambda station: 0)
    finally:
        writer.drop_if_any()
    assert list(Member.objects.values()) == before and SpecialGroupRecord.objects.count() == 1
    assert _foreign_keys() == keys


def test_a_registered_member_twice_in_one_file_is_a_repeat_not_two_updates(employers, station_user):
    do_import(station_user, csv_bytes([member_row()]))
    rows = [member_row(name="张三改"), member_row(name="张三又改", card_number=card(3))]
    job = do_import(station_user, csv_bytes(rows))
    assert job.status == "failed" and job.invalid == 1
    assert [r[0] for r in errors_of(job)] == [3]
    assert Member.objects.get().name == "张三"
    job = do_import(station_user, csv_bytes(rows), mode="valid_rows")
    assert job.status == "done" and job.updated == 1 and Member.objects.get().name == "张三改"


def test_new_members_are_numbered_by_their_row(employers, station_user):
    """Ids are the highest id so far plus the row's position in the file: a rejected row leaves its id unused."""
    rows = [member_row(name="甲", id_number=make_id(seq="601"), card_number=card(61)),
            member_row(name="乙", id_number=make_id(seq="603"), mobile="123"),
            member_row(name="丙", id_number=make_id(seq="605"), card_number=card(63))]
    job = do_import(station_user, csv_bytes(rows), mode="valid_rows")
    assert job.created == 2, job.message
    first, third = Member.objects.get(name="甲").pk, Member.objects.get(name="丙").pk
    assert third == first + 2


@pytest.mark.parametrize("headers, text", [
    ([h for h in MEMBER_HEADERS if h != "民族"], "Missing column(s): 民族"),
    ([*MEMBER_HEADERS[:-1], "户口"], "not in the template: 户口"),
    ([*MEMBER_HEADERS, "备注"], "19 columns where the template has 18"),
])
def test_wrong_headers_refuse_the_file_with_a_clear_message(headers, text, employers, station_user):
    job = do_import(station_user, csv_bytes([], headers=headers))
    assert job.status == "failed" and text in job.message
    assert "in any order" in job.message
    assert Member.objects.count() == 0
    assert errors_of(job)[0][3] == job.message


def test_a_12_column_sheet_where_11_are_expected():
    from unionserve.members.template import Column

    columns = [Column(f"列{i}", f"c{i}", "") for i in range(11)]
    with pytest.raises(FileRefused) as exc:
        map_headers([c.header for c in columns] + ["列11"], columns)
    assert "12 columns where the template has 11" in str(exc.value) and "列11" in str(exc.value)


def test_wrong_column_order_is_accepted_by_header_names(employers, station_user):
    order = list(reversed(MEMBER_COLUMNS))
    row = member_row()
    content = csv_bytes([[row[c.key] for c in order]], headers=[c.header for c in order])
    job = do_import(station_user, content)
    assert job.status == "done" and job.created == 1, job.message


def test_a_file_that_is_not_excel_at_all(employers, station_user):
    job = do_import(station_user, b"%PDF-1.4\x00\x01\x02 binary", name="members.xlsx")
    assert job.status == "failed" and "neither an Excel workbook" in job.message
    job = do_import(station_user, b"PK\x03\x04 this is not really a zip", name="members.xlsx")
    assert job.status == "failed" and "cannot be read" in job.message
    assert Member.objects.count() == 0


def test_extra_text_right_of_the_last_column(employers, station_user):
    row = member_row()
    content = csv_bytes([[row[c.key] for c in MEMBER_COLUMNS] + ["多余"]])
    job = do_import(station_user, content)
    assert job.status == "failed" and "right of the last column" in errors_of(job)[0][3]


# --- storage, modes, idempotence --------------------------------------------------------------------------

def test_stored_values_are_encrypted_hashed_masked_and_derived(employers, station_user):
    row = member_row(honour="北京市劳动模范", skill_certificate="技师（二级）", hardship="是")
    job = do_import(station_user, csv_bytes([row]))
    assert job.status == "done" and job.created == 1, job.message
    m = Member.objects.get()
    assert crypto.decrypt(m.id_encrypted) == row["id_number"]
    assert m.id_hash == crypto.lookup_hash(row["id_number"]) and m.id_masked == "110101********" + row["id_number"][-4:]
    assert crypto.decrypt(m.phone_encrypted) == "13812345678" and m.phone_masked == "138****5678"
    assert m.phone_hash == crypto.lookup_hash("13812345678")
    assert m.initials == "ZS" and str(m.birth_date) == "1990-03-07" and m.gender == "M"
    assert m.grassroots_id == employers[1].grassroots_id and m.employer_id == employers[1].pk
    groups = dict(SpecialGroupRecord.objects.values_list("group", "detail"))
    assert groups == {"model_worker": "北京市劳动模范", "skilled": "技师（二级）", "hardship": ""}
    assert SpecialGroupRecord.objects.filter(source=f"import:{job.pk}", set_by=station_user).count() == 3


def test_importing_the_same_file_twice_changes_nothing(employers, station_user):
    content = csv_bytes([member_row(hardship="是"), member_row(name="李四", id_number=make_id(seq="135"),
                                                                card_number=card(5))])
    first = do_import(station_user, content)
    assert first.created == 2, (first.message, first.error_report and errors_of(first))
    before = list(Member.objects.order_by("pk").values())
    second = do_import(station_user, content)
    assert second.status == "done" and second.unchanged == 2
    assert (second.created, second.updated, second.transferred) == (0, 0, 0)
    assert list(Member.objects.order_by("pk").values()) == before
    # Each new member's first history row, written by the first import; the second writes none.
    assert SpecialGroupRecord.objects.count() == 1 and MembershipHistory.objects.count() == 2


def test_a_changed_row_updates_and_flags_open_and_close(employers, station_user):
    do_import(station_user, csv_bytes([member_row(hardship="是")]))
    job = do_import(station_user, csv_bytes([member_row(hardship="否", mobile="13900001111", honour="区级劳动模范")]))
    assert (job.updated, job.unchanged) == (1, 0)
    m = Member.objects.get()
    assert crypto.decrypt(m.phone_encrypted) == "13900001111" and m.version == 2
    hardship = SpecialGroupRecord.objects.get(group="hardship")
    assert hardship.until is not None
    assert SpecialGroupRecord.objects.get(group="model_worker").until is None


def test_valid_rows_mode_returns_the_rejected_rows_in_the_template_format(employers, station_user):
    rows = [member_row(), member_row(name="", id_number=make_id(seq="125"), card_number=card(6))]
    job = do_import(station_user, csv_bytes(rows), mode="valid_rows")
    assert job.status == "done" and (job.created, job.invalid) == (1, 1)
    with open(job.rejected_file.path, encoding="utf-8-sig", newline="") as fh:
        back = list(csv.reader(fh))
    assert back[0] == [*MEMBER_HEADERS, "错误说明"]
    assert back[1][1] == make_id(seq="125") and "Required" in back[1][-1]
    # Corrected and imported again, the returned file completes the import.
    back[1][0] = "王五"
    fixed = csv_bytes([r[:-1] for r in back[1:]])
    again = do_import(station_user, fixed)
    assert again.status == "done" and again.created == 1 and Member.objects.count() == 2


def test_xlsx_with_excel_dates_and_numbers(employers, station_user):
    import datetime as dt

    row = member_row()
    values = [row[c.key] for c in MEMBER_COLUMNS]
    values[3] = dt.datetime(1990, 3, 7)  # an Excel date cell
    values[8] = dt.datetime(2015, 6, 1)
    values[4] = 13812345678  # a number cell
    content = xlsx_bytes(list(MEMBER_HEADERS), [values])
    job = do_import(station_user, content, name="m.xlsx", mode="valid_rows")
    assert job.status == "done" and job.created == 1, (job.message, job.error_report and errors_of(job))


@pytest.mark.parametrize("parallel", [False, pytest.param(True, marks=pytest.mark.django_db(transaction=True))])
def test_a_repeated_id_in_a_workbook_is_reported_with_its_row(employers, station_user, monkeypatch, parallel):
    """A workbook (read by the parent, staged by workers or here): the repeated ID comes back as typed."""
    from unionserve.members.importing import runner

    monkeypatch.setattr(runner, "CHUNK_ROWS", 2)
    rows = [member_row(name=f"张{i}", id_number=make_id(seq=f"{401 + 2 * i:03d}"), card_number=card(300 + i))
            for i in range(3)]
    rows.append(member_row(name="重复", id_number=make_id(seq="401"), card_number=card(299)))
    content = xlsx_bytes(list(MEMBER_HEADERS), [[r[c.key] for c in MEMBER_COLUMNS] for r in rows])
    job = do_import(station_user, content, name="m.xlsx", mode="valid_rows", workers=2, parallel=parallel)
    assert job.status == "done" and job.created == 3 and job.invalid == 1, job.message
    assert [(r[0], r[2]) for r in errors_of(job)] == [(5, make_id(seq="401"))]
    from openpyxl import load_workbook

    back = list(load_workbook(job.rejected_file.path, read_only=True).worksheets[0].iter_rows(values_only=True))
    assert back[1][0] == "重复"


def test_xlsx_rejected_rows_come_back_as_xlsx(employers, station_user):
    row = member_row(name="")
    content = xlsx_bytes(list(MEMBER_HEADERS), [[row[c.key] for c in MEMBER_COLUMNS]])
    job = do_import(station_user, content, name="m.xlsx", mode="valid_rows")
    assert job.status == "failed" and job.rejected_file.name.endswith(".xlsx")


# --- transfers -------------------------------------------------------------------------------------------

def test_a_member_under_a_new_unit_is_transferred_not_duplicated(tree, employers, station_user, make_user):
    from unionserve.notifications.models import Notification

    officer = make_user(tree["g1"], Role.GRASSROOTS_OFFICER, username="g1officer")
    do_import(station_user, csv_bytes([member_row()]))
    job = do_import(station_user, csv_bytes([member_row(unit_uscc=USCC[4], unit_name="东华门科技",
                                                        grassroots_code="")]))
    assert job.transferred == 1 and job.created == 0
    m = Member.objects.get()
    assert m.grassroots_id == tree["g2"].pk and m.employer_id == employers[4].pk
    history = list(MembershipHistory.objects.order_by("since", "id").values_list("grassroots_id", "until"))
    assert [h[0] for h in history] == [tree["g1"].pk, tree["g2"].pk]
    assert history[0][1] is not None and history[1][1] is None
    note = Notification.objects.get(recipient_user=officer)
    assert "张三" in note.body and "110101********" in note.body and "东华门科技公司工会" in note.body
    # The same file again: nothing more.
    again = do_import(station_user, csv_bytes([member_row(unit_uscc=USCC[4], unit_name="东华门科技",
                                                          grassroots_code="")]))
    assert again.unchanged == 1 and MembershipHistory.objects.count() == 2


def test_a_member_of_an_employer_without_union_goes_to_the_joint_union(tree, employers, station_user):
    from unionserve.orgs.models import OrgUnit

    job = do_import(station_user, csv_bytes([member_row(unit_uscc=USCC[2], unit_name="东华门小店",
                                                        grassroots_code="")]))
    assert job.status == "done", job.message
    joint = OrgUnit.objects.get(name="东华门站联合工会")
    assert joint.kind == "grassroots" and joint.region_parent_id == tree["st1"].pk
    assert Member.objects.get().grassroots_id == joint.pk
    job = do_import(station_user, csv_bytes([member_row(unit_uscc=USCC[2], unit_name="东华门小店",
                                                        grassroots_code="", id_number=make_id(seq="127"),
                                                        card_number=card(9))]))
    assert OrgUnit.objects.filter(name="东华门站联合工会").count() == 1
    assert joint.code == f"{tree['st1'].code}LH"  # the one scheme (members.actions.joint_union_code)


def test_the_import_and_a_transfer_share_one_joint_union(tree, employers, station_user):
    from unionserve.members import actions

    job = do_import(station_user, csv_bytes([member_row(unit_uscc=USCC[2], unit_name="东华门小店",
                                                        grassroots_code="")]))
    assert job.status == "done", job.message
    imported = Member.objects.get().grassroots
    other = Member.objects.create(name="赵六", id_hash="x" * 32, id_masked="x", birth_date="1990-01-01", gender="M",
                                  grassroots=tree["g1"])
    moved = actions.transfer_member(other, to_employer=employers[2], acting_user=station_user, reason="")
    assert moved.grassroots == imported and imported.code == actions.joint_union_code(tree["st1"])


def test_a_joint_union_made_by_an_older_import_keeps_being_used(tree, employers, station_user):
    from unionserve.members import actions
    from unionserve.orgs.actions import create_unit
    from unionserve.orgs.models import OrgUnit

    old = create_unit(name=actions.joint_union_name(tree["st1"]), kind="grassroots", region_parent=tree["st1"],
                      acting_user=None)
    assert old.code.startswith("U")  # the internal code the import used to give it
    job = do_import(station_user, csv_bytes([member_row(unit_uscc=USCC[2], unit_name="东华门小店",
                                                        grassroots_code="")]))
    assert job.status == "done" and Member.objects.get().grassroots_id == old.pk
    assert OrgUnit.objects.filter(name=old.name).count() == 1


def test_the_migration_gives_older_joint_unions_the_one_code(tree):
    import importlib

    from django.apps import apps

    from unionserve.members import actions
    from unionserve.orgs.actions import create_unit
    from unionserve.orgs.models import OrgUnit, OrgUnitEvent

    old = create_unit(name=actions.joint_union_name(tree["st1"]), kind="grassroots", region_parent=tree["st1"],
                      acting_user=None)
    lookalike = create_unit(name="某某联合工会", kind="grassroots", region_parent=tree["st1"], acting_user=None)
    migration = importlib.import_module("unionserve.members.migrations.0007_joint_union_codes")
    migration.forward(apps, None)
    old.refresh_from_db()
    lookalike_code = lookalike.code
    lookalike.refresh_from_db()
    assert old.code == actions.joint_union_code(tree["st1"]) and lookalike.code == lookalike_code
    event = OrgUnitEvent.objects.filter(unit=old).latest("id")
    assert event.before["code"].startswith("U") and event.after["code"] == old.code
    assert actions.joint_union_for(tree["st1"]) == old
    assert OrgUnit.objects.filter(name=old.name).count() == 1


# --- scope ---------------------------------------------------------------------------------------------

def test_a_station_cannot_import_into_another_stations_units(tree, employers, station_user, make_user):
    rows = [member_row(unit_uscc=USCC[3], unit_name="公交三厂", grassroots_code="G3")]
    job = do_import(station_user, csv_bytes(rows))
    assert job.status == "failed" and Member.objects.count() == 0
    texts = {e[3] for e in errors_of(job)}
    assert any("outside your scope" in t for t in texts), texts
    other = make_user(tree["st3"], Role.SOCIAL_WORKER, username="station3")
    from unionserve.core.scope import scope_of

    assert not scope_of(other).filter(ImportJob.objects.filter(pk=job.pk)).exists()
    assert scope_of(station_user).filter(ImportJob.objects.filter(pk=job.pk)).exists()


# --- units -------------------------------------------------------------------------------------------------

def test_units_import_upserts_by_uscc_and_respects_scope(tree, station_user):
    rows = [
        ["新公司", USCC[1], "110101001", "", "是", "G2", "10", "王", "010-12345678"],
        ["小店", USCC[2], "110101001", "", "否", "", "0", "", ""],
        ["远方公司", USCC[3], "110108012", "", "是", "G3", "5", "", ""],
    ]
    content = csv_bytes(rows, headers=UNIT_HEADERS)
    job = do_import(station_user, content, kind="units", mode="valid_rows", name="units.csv")
    assert job.status == "done" and (job.created, job.invalid) == (2, 1), job.message
    assert "outside your scope" in " ".join(e[3] for e in errors_of(job))
    again = do_import(station_user, content, kind="units", mode="valid_rows", name="units.csv")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert Employer.objects.get(uscc=USCC[1]).grassroots_id == tree["g2"].pk


# --- kill safety, parallel path -----------------------------------------------------------------------

@pytest.mark.django_db(transaction=True)
def test_an_exception_mid_write_leaves_the_register_as_it_was(employers, station_user, monkeypatch):
    do_import(station_user, csv_bytes([member_row()]))
    before = list(Member.objects.values())

    def boom(*args, **kwargs):
        raise RuntimeError("killed")

    monkeypatch.setattr(writer, "_special_groups", boom)
    rows = [member_row(name="张三改", hardship="是"),
            member_row(name="李四", id_number=make_id(seq="131"), card_number=card(7))]
    job = do_import(station_user, csv_bytes(rows))
    assert job.status == "failed" and "killed" in job.message
    assert list(Member.objects.values()) == before
    assert SpecialGroupRecord.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_the_parallel_path_gives_the_same_result(employers, station_user, monkeypatch):
    from unionserve.members.importing import runner

    monkeypatch.setattr(runner, "CHUNK_ROWS", 3)
    seen_runs = []
    insert_new = writer._insert_new

    def spy(*args, runs=None, **kwargs):
        seen_runs.append(runs)
        return insert_new(*args, runs=runs, **kwargs)

    monkeypatch.setattr(writer, "_insert_new", spy)
    rows = [member_row(name=f"张{i}", id_number=make_id(seq=f"{201 + 2 * i:03d}"), card_number=card(100 + i))
            for i in range(10)]
    rows.append(member_row(name="重复", id_number=make_id(seq="201"), card_number=card(99)))
    job = do_import(station_user, csv_bytes(rows), mode="valid_rows", workers=2, parallel=True)
    assert job.status == "done" and job.created == 10 and job.invalid == 1, job.message
    assert errors_of(job)[0][0] == 12
    # Inserted run by run from the two workers' files: every row once, ids in file order without gaps.
    ids, names = zip(*Member.objects.order_by("id").values_list("id", "name"), strict=True)
    assert names == tuple(f"张{i}" for i in range(10)) and ids == tuple(range(ids[0], ids[0] + 10))
    # SQLite read the workers' files run by run (through the view it sorted the whole stage); PostgreSQL has
    # one stage table and no runs. (Two writes: the first fails on the repeated ID number, which is taken out.)
    assert len(seen_runs) == 2
    for runs in seen_runs:
        if connection.vendor == "sqlite":
            assert runs and all(table.startswith("import_worker_") for table, _first, _last in runs)
            firsts = [first for _table, first, _last in runs]
            assert firsts == sorted(firsts) and firsts[0] == 2
        else:
            assert runs is None


def test_worker_runs_are_read_back_per_file_in_file_order(tmp_path):
    """The parent inserts the workers' rows run by run (writer.StageTarget.runs): consecutive runs of one file
    are merged, and every run names the attached file it is in."""
    for pid in (4242, 77):
        (tmp_path / f"stage-{pid}.sqlite3").touch()
    target = writer.StageTarget("sqlite", folder=str(tmp_path))
    runs = target.runs([(77, 2, 9), (77, 10, 15), (4242, 16, 20), (77, 21, 30), (4242, 31, 31)])
    # Files are attached in name order: stage-4242 is import_worker_0, stage-77 is import_worker_1.
    assert runs == [("import_worker_1.stage", 2, 15), ("import_worker_0.stage", 16, 20),
                    ("import_worker_1.stage", 21, 30), ("import_worker_0.stage", 31, 31)]
    assert writer.StageTarget("postgresql", table="t").runs([(1, 2, 3)]) is None


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("mode", ["all_or_nothing", "valid_rows"])
def test_the_parallel_path_finds_duplicates_and_gives_the_rows_back(employers, station_user, monkeypatch, mode):
    """Workers stage rows themselves; a repeated ID number is found in the stage, reported with the row as
    typed, and given back (valid rows) or fails the whole file (all or nothing). Nothing half-written."""
    from unionserve.members.importing import runner

    monkeypatch.setattr(runner, "CHUNK_ROWS", 2)
    rows = [member_row(name=f"张{i}", id_number=make_id(seq=f"{301 + 2 * i:03d}"), card_number=card(200 + i))
            for i in range(7)]
    rows.insert(5, member_row(name="重复甲", id_number=make_id(seq="301").lower()[:17] + make_id(seq="301")[17],
                              card_number=card(98)))
    rows.append(member_row(name="重复乙", id_number=make_id(seq="305"), card_number=card(97)))
    job = do_import(station_user, csv_bytes(rows), mode=mode, workers=2, parallel=True)
    expected = [(7, "身份证号", make_id(seq="301"), "This ID number already appears in an earlier row of this file."),
                (10, "身份证号", make_id(seq="305"), "This ID number already appears in an earlier row of this file.")]
    assert [(r[0], r[1], r[2]) for r in errors_of(job)] == [e[:3] for e in expected]
    assert job.invalid == 2 and job.rows == 9
    if mode == "all_or_nothing":
        assert job.status == "failed" and Member.objects.count() == 0
    else:
        assert job.status == "done" and job.created == 7 and Member.objects.count() == 7
        assert Member.objects.filter(name__startswith="重复").count() == 0
        back = job.rejected_file.read().decode("utf-8-sig").splitlines()
        assert [line.split(",")[0] for line in back[1:]] == ["重复甲", "重复乙"]


@pytest.mark.django_db(transaction=True)
def test_new_members_get_ids_after_every_id_ever_given(employers, station_user):
    """The writer numbers new members itself: after the highest id ever used, so ids are never reused and a
    member added by hand afterwards gets the next one."""
    first = do_import(station_user, csv_bytes([member_row()]))
    assert first.created == 1
    gone = Member.objects.get().pk
    Member.objects.all().delete()
    rows = [member_row(name="李四", id_number=make_id(seq="131"), card_number=card(7)),
            member_row(name="王五", id_number=make_id(seq="133"), card_number=card(8))]
    job = do_import(station_user, csv_bytes(rows))
    ids = sorted(Member.objects.values_list("id", flat=True))
    assert job.created == 2 and ids[0] > gone and ids == [ids[0], ids[0] + 1]
    by_hand = Member.objects.create(name="赵六", id_hash="h" * 32, id_encrypted="x", id_masked="x",
                                    birth_date="1990-01-01", gender="M", grassroots=employers[1].grassroots)
    assert by_hand.id > ids[-1]


def test_csv_ranges_cut_at_line_ends_and_number_rows_like_the_whole_file(tmp_path):
    """Every way of cutting gives back exactly the rows, and the row numbers, of reading the file whole."""
    from unionserve.members.importing.reader import ByteRange, open_table, read_range

    lines = ["姓名,身份证号", "张三,1", "", "李四,2", "  王五 , 3 ", "赵六,4", "孙七,5"]
    for newline, tail in (("\n", "\n"), ("\r\n", "\r\n"), ("\n", "")):
        path = tmp_path / "m.csv"
        path.write_bytes(("\ufeff" + newline.join(lines) + tail).encode())
        columns = [c for c in MEMBER_COLUMNS if c.header in ("姓名", "身份证号")]
        whole = list(open_table(path, columns).rows)
        assert [n for n, _r in whole] == [2, 4, 5, 6, 7]
        for size in (1, 5, 9, 14, 1000):
            table = open_table(path, columns)
            ranges = table.csv_ranges(size)
            assert ranges and ranges[0].start == table.data_start and ranges[-1].end == path.stat().st_size
            assert all(a.end == b.start for a, b in zip(ranges, ranges[1:], strict=False))
            got = [row for part in ranges for row in read_range(path, table.encoding, part, table.width)]
            assert got == whole, (newline, size)
        assert isinstance(ranges[0], ByteRange)
    quoted = tmp_path / "q.csv"
    quoted.write_text('姓名,身份证号\n"张\n三",1\n', encoding="utf-8")
    assert open_table(quoted, columns).csv_ranges(5) is None  # a quoted cell may hold a line break


def test_a_range_split_at_commas_reads_like_csv_reader(tmp_path, monkeypatch):
    """The plain split of a quote-free range gives exactly the rows of csv.reader plus trimming, and falls
    back to them where trimming or other line ends would change something."""
    from unionserve.members.importing import reader

    samples = ["张三,1,x\n李四,2,y\n", "a,b\n\n,,\n,,,\nc\n", "a, b\nc,d\n", " a,b\n", "a,b \n", "a,\u3000\n",
               "a,b\r\nc,d\r\n", "a,b\r\n\r\n,\r\nc,d", "a,b\r\nc\r,d\r\n", "a\rb,c\n", "a,\x1cb\n", "a,b",
               "a,b\n" + "c" * 200_000 + ",d\n", "a,,\n,b,c,d,e\n", "a,\x00\n"]
    for i, body in enumerate(samples):
        path = tmp_path / f"r{i}.csv"
        path.write_bytes(("h1,h2,h3\n" + body).encode())
        part = reader.ByteRange(9, path.stat().st_size, 2)
        with monkeypatch.context() as m:
            m.setattr(reader, "_TRIMMABLE", type("Always", (), {"search": staticmethod(lambda text: True)}))
            try:
                expected = reader.read_range(path, "utf-8", part, 3)
            except reader.csv.Error:
                expected = "csv.Error"
        try:
            got = reader.read_range(path, "utf-8", part, 3)
        except reader.csv.Error:
            got = "csv.Error"
        assert got == expected, body[:40]


def test_fast_checks_agree_with_the_validators():
    import datetime as dt

    from unionserve.members.importing.rows import _Fast

    fast = _Fast(dt.date(2026, 1, 1))
    for value in [make_id(), make_id(birth="20301010"), make_id(area="999999"), make_id()[:17] + "X",
                  "11010119900307761", make_id(birth="19000101"), make_id(birth="18991231")]:
        try:
            expected = pii.parse_id_number(value, dt.date(2026, 1, 1))
        except pii.InvalidValue as exc:
            with pytest.raises(pii.InvalidValue, match=str(exc)[:10]):
                fast.id_number(value)
        else:
            assert fast.id_number(value) == (expected.number, expected.birth_date.isoformat(), expected.gender)
    from stdnum import luhn

    for n in range(200):
        number = f"621999{n * 7919:013d}"
        assert luhn_ok(number) == luhn.is_valid(number)
    sealer = pii.BulkSealer()
    assert crypto.decrypt(sealer.encrypt("13812345678")) == "13812345678"
    assert sealer.hash("13812345678") == crypto.lookup_hash("13812345678")
    for name in ["张三", "曾长江", "单于", "欧阳娜娜", "李"]:
        from unionserve.members.search import initials_of

        assert fast.initials_of(name) == initials_of(name)


def test_data_generator_rows_import(tree, make_user, tmp_path):
    """The generator's members file is the template: a tiny one imports cleanly through the CLI."""
    from django.core.management import call_command
    from django.utils import translation

    _ = Path
    city = make_user(tree["city"], Role.CITY_OFFICE, username="cityimporter")
    Employer.objects.create(name="公交一厂", uscc=USCC[1], station=tree["st1"], has_union=True, grassroots=tree["g1"])
    path = tmp_path / "m.csv"
    path.write_bytes(csv_bytes([member_row()]))
    out, err = io.StringIO(), io.StringIO()
    with translation.override("zh-hans"):  # the installation's language, which a shell command runs in
        call_command("import_members", str(path), "--as", city.username, "--mode", "valid_rows", stdout=out,
                     stderr=err)
    # The summary speaks the installation's language (zh-hans), not the developer's.
    assert "共 1 行：有效 1 行，无效 0 行；新建 1 人" in out.getvalue() and "行/秒" in err.getvalue()
    summary = "\n".join(out.getvalue().splitlines()[:3])
    assert "rows" not in summary and "unchanged" not in summary and "用时" in summary


@pytest.mark.parametrize(("hours", "failed"), [(5.9, False), (6, False), (6.1, True)])
def test_a_job_whose_process_died_is_marked_failed_after_six_hours(station_user, settings, hours, failed):
    """A job running longer than any import takes is closed by the sweep even when its process still runs (a
    hung import); a silent one whose process is gone is closed within minutes (test_import_safety)."""
    import datetime as dt

    from django.utils import timezone

    from unionserve.members.importing import stale
    from unionserve.members.importing.stale import fail_stale_jobs
    from unionserve.members.models import ImportStatus
    from unionserve.members.tasks import fail_stale_imports

    settings.LANGUAGE_CODE = "zh-hans"  # the message is written in the site language
    now = timezone.now()
    stuck = create_job(kind="members", mode="all_or_nothing", file=ContentFile(b"x"), original_name="a.csv",
                       acting_user=station_user)
    done = create_job(kind="members", mode="all_or_nothing", file=ContentFile(b"x"), original_name="b.csv",
                      acting_user=station_user)
    started = now - dt.timedelta(hours=hours)
    ImportJob.objects.filter(pk=stuck.pk).update(status=ImportStatus.WRITING, started_at=started,
                                                 worker=stale.this_worker())
    ImportJob.objects.filter(pk=done.pk).update(status=ImportStatus.DONE, started_at=started)
    assert fail_stale_jobs(now=now) == int(failed)
    stuck.refresh_from_db()
    assert (stuck.status == ImportStatus.FAILED) is failed
    if failed:
        assert "没有写入任何数据" in stuck.message and stuck.finished_at == now
    assert ImportJob.objects.get(pk=done.pk).status == ImportStatus.DONE
    assert fail_stale_jobs(now=now) == 0  # closed once
    if failed:
        assert fail_stale_imports() == 0  # the periodic task: nothing left to close


def test_each_import_logs_where_its_time_went(employers, station_user, caplog):
    import logging

    with caplog.at_level(logging.INFO, logger="unionserve.members.importing.runner"):
        job = do_import(station_user, csv_bytes([member_row()]))
    assert job.status == "done", job.message
    line = next(r.getMessage() for r in caplog.records if "read and validated" in r.getMessage())
    assert line.startswith(f"import job {job.pk}: 1 rows read and validated in ")
    assert "in this process" in line and "insert " in line and "special_groups " in line and "commit " in line


def test_a_transfer_on_the_page_and_one_by_import_write_identical_history_rows(
        tree, employers, station_user, monkeypatch):
    """members.history is the one definition: the same rows, byte for byte, whichever path transfers."""
    import datetime as dt

    from django.utils import timezone

    from unionserve.members import actions

    registered = dt.datetime(2026, 3, 1, 8, 30, 15, 123456, tzinfo=dt.UTC)
    moved = dt.datetime(2026, 4, 2, 9, 0, 0, 654321, tzinfo=dt.UTC)
    monkeypatch.setattr(timezone, "now", lambda: registered)
    a, b = make_id(seq="771"), make_id(seq="773")  # odd: 男
    job = do_import(station_user, csv_bytes([member_row(id_number=a, card_number=card(71)),
                                             member_row(name="李四", id_number=b, card_number=card(72))]))
    assert job.created == 2, job.message
    opened = f"registered by import #{job.pk}"  # their first history row, written by the import
    monkeypatch.setattr(timezone, "now", lambda: moved)
    by_page = Member.objects.get(id_hash=crypto.lookup_hash(a))
    actions.transfer_member(by_page, to_employer=employers[4], acting_user=station_user, reason="import #0")
    job = do_import(station_user, csv_bytes([member_row(name="李四", id_number=b, card_number=card(72),
                                                        unit_uscc=USCC[4], unit_name="东华门科技",
                                                        grassroots_code="")]))
    assert job.transferred == 1
    by_import = Member.objects.get(id_hash=crypto.lookup_hash(b))

    def raw_rows(member: Member) -> list[tuple]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT employer_id, grassroots_id, since, until, reason FROM members_membershiphistory "
                           "WHERE member_id = %s ORDER BY id", [member.pk])
            return [(*row[:4], row[4].replace(f"#{job.pk}", "#0")) for row in cursor.fetchall()]

    assert raw_rows(by_page) == raw_rows(by_import)
    rows = list(MembershipHistory.objects.filter(member=by_import).order_by("id"))
    assert [(r.grassroots_id, r.employer_id, r.since, r.until) for r in rows] == [
        (tree["g1"].pk, employers[1].pk, registered, moved), (tree["g2"].pk, employers[4].pk, moved, None)]
    # A second transfer closes the open row and leaves the first as it was.
    later = moved + dt.timedelta(days=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    actions.transfer_member(by_import, to_employer=employers[1], acting_user=station_user, reason="x" * 80)
    rows = list(MembershipHistory.objects.filter(member=by_import).order_by("id"))
    assert [(r.until, r.reason) for r in rows] == [(moved, opened), (later, f"import #{job.pk}"), (None, "x" * 60)]
