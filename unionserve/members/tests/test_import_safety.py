"""The register's import, as stations meet it: no member taken over under another name, history from the first
day, transfers told to someone who reads them, dead imports cleaned up, import files kept only for a while."""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from unionserve.accounts.actions import issue_token
from unionserve.audit.models import AuditAction, AuditEvent
from unionserve.core.roles import Role
from unionserve.members.actions import transfer_member
from unionserve.members.importing import stale
from unionserve.members.importing.retention import delete_old_files
from unionserve.members.models import ImportJob, ImportStatus, Member, MembershipHistory
from unionserve.notifications.models import Notification

from . import test_import as base
from .test_import import USCC, csv_bytes, do_import, errors_of, make_id, member_row

# The import tests' fixtures: the employers of the test tree, files under a temporary MEDIA_ROOT.
employers = base.employers
media = base.media

pytestmark = pytest.mark.django_db


@pytest.fixture
def station_user(tree, make_user):
    return make_user(tree["st1"], Role.SOCIAL_WORKER, username="station")


@pytest.fixture
def other_station(tree, make_user):
    return make_user(tree["st3"], Role.SOCIAL_WORKER, username="station3")


def bearer(user):
    _t, key = issue_token(user, "t")
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


# --- 18: history from the first day -----------------------------------------------------------------------


def test_a_member_created_by_import_has_its_first_history_row(client, tree, employers, station_user):
    job = do_import(station_user, csv_bytes([member_row()]))
    assert job.created == 1, job.message
    member = Member.objects.get()
    row = MembershipHistory.objects.get(member=member)
    assert row.grassroots_id == tree["g1"].pk and row.employer_id == employers[1].pk and row.until is None
    assert row.reason == f"registered by import #{job.pk}"
    body = client.get(f"/api/members/{member.pk}", **bearer(station_user)).json()
    assert len(body["history"]) == 1
    # A later transfer closes it and opens the new one: two rows, as on the member page.
    do_import(station_user, csv_bytes([member_row(unit_uscc=USCC[4], unit_name="东华门科技", grassroots_code="")]))
    assert list(MembershipHistory.objects.order_by("since", "id").values_list("grassroots_id", flat=True)) == [
        tree["g1"].pk, tree["g2"].pk]


# --- 14: no take-over under another name ------------------------------------------------------------------


def _registered_at_station3(other_station, number):
    job = do_import(other_station, csv_bytes([member_row(id_number=number, name="李四", unit_uscc=USCC[3],
                                                         unit_name="公交三厂", grassroots_code="G3")]))
    assert job.created == 1, job.message
    return Member.objects.get()


def test_another_stations_member_under_another_name_is_refused_all_or_nothing(tree, employers, station_user,
                                                                               other_station, settings):
    number = make_id(seq="123")
    member = _registered_at_station3(other_station, number)
    settings.LANGUAGE_CODE = "zh-hans"  # the report in the users' language
    job = do_import(station_user, csv_bytes([member_row(id_number=number, name="王五", mobile="13900000000")]))
    assert job.status == ImportStatus.FAILED and job.transferred == 0 and job.invalid == 1
    (row,) = errors_of(job)
    assert row[0] == 2 and "其他服务站" in row[3] and "登记的姓名" in row[3]
    member.refresh_from_db()
    assert member.name == "李四" and member.grassroots_id == tree["g3"].pk


def test_valid_rows_mode_rejects_the_take_over_and_imports_the_rest(tree, employers, station_user, other_station):
    number = make_id(seq="123")
    member = _registered_at_station3(other_station, number)
    job = do_import(station_user, csv_bytes([member_row(id_number=number, name="王五"),
                                             member_row(id_number=make_id(seq="457"), name="赵六", card_number="")]),
                    mode="valid_rows")
    assert job.status == ImportStatus.DONE, job.message
    assert job.created == 1 and job.invalid == 1 and job.transferred == 0
    assert job.rejected_file and "another station" in errors_of(job)[0][3]
    member.refresh_from_db()
    assert member.name == "李四" and member.grassroots_id == tree["g3"].pk


def test_the_registered_name_transfers_the_member_and_the_old_station_is_told(tree, employers, station_user,
                                                                              other_station):
    number = make_id(seq="123")
    member = _registered_at_station3(other_station, number)
    job = do_import(station_user, csv_bytes([member_row(id_number=number, name="李四")]))
    assert job.status == ImportStatus.DONE and job.transferred == 1
    member.refresh_from_db()
    assert member.grassroots_id == tree["g1"].pk
    # 15: 公交三厂工会 has no accounts: its station hears of it.
    note = Notification.objects.get(event="member.transferred", channel="in_app")
    assert note.recipient_user == other_station and "李四" in note.body


def test_a_name_correction_inside_the_own_scope_still_applies(tree, employers, station_user):
    number = make_id(seq="123")
    do_import(station_user, csv_bytes([member_row(id_number=number, name="张山")]))
    job = do_import(station_user, csv_bytes([member_row(id_number=number, name="张三")]))
    assert job.status == ImportStatus.DONE and job.updated == 1 and Member.objects.get().name == "张三"


# --- 15: a transfer is told to the nearest unit with staff --------------------------------------------------


def test_a_page_transfer_from_a_union_without_accounts_tells_its_station_then_its_district(
        tree, employers, make_user):
    from .factories import make_member

    receiver = make_user(tree["dc"], Role.CENTER_STAFF, username="dcstaff")
    member = make_member(tree["g1"], "周七")
    # Nobody at 公交一厂工会 nor at its station 东华门站: the district center is told.
    transfer_member(member, to_grassroots=tree["g2"], acting_user=receiver, reason="调动")
    note = Notification.objects.get(event="member.transferred", channel="in_app")
    assert note.recipient_user == receiver and "周七" in note.body
    social_worker = make_user(tree["st1"], Role.SOCIAL_WORKER, username="sw1")
    transfer_member(member, to_grassroots=tree["g1"], acting_user=receiver, reason="调回")
    assert Notification.objects.filter(event="member.transferred", recipient_user=social_worker).count() == 1


# --- 16: a dead import is found within minutes and its leftovers removed ----------------------------------------


def _running(station_user, *, heartbeat_minutes_ago: float, worker: str) -> ImportJob:
    now = timezone.now()
    # Ids no other test's job has: the leftovers are found in the shared temporary folder by job id, and tests
    # run in parallel processes, each with its own database.
    pk = 900_000 + (ImportJob.objects.filter(pk__gte=900_000).count()) + os.getpid() % 1000 * 10
    return ImportJob.objects.create(
        pk=pk,
        kind="members", mode="all_or_nothing", status=ImportStatus.WRITING, file=ContentFile(b"x", name="m.csv"),
        original_name="m.csv", created_by=station_user, unit=station_user.org_unit,
        started_at=now - dt.timedelta(minutes=30), heartbeat_at=now - dt.timedelta(minutes=heartbeat_minutes_ago),
        worker=worker)


def test_a_silent_job_whose_process_is_gone_fails_and_its_files_go(station_user):
    dead = _running(station_user, heartbeat_minutes_ago=5, worker="another-host:4242")
    stage_dir = Path(tempfile.mkdtemp(prefix=f"unionserve-stage-{dead.pk}-"))
    (stage_dir / "stage-1.sqlite3").write_bytes(b"\0" * 1024)
    report_dir = Path(tempfile.mkdtemp(prefix=f"unionserve-import-{dead.pk}-"))
    alive = _running(station_user, heartbeat_minutes_ago=5, worker=stale.this_worker())
    fresh = _running(station_user, heartbeat_minutes_ago=0.5, worker="another-host:4243")
    keep = Path(tempfile.mkdtemp(prefix=f"unionserve-stage-{fresh.pk}-"))
    try:
        assert stale.fail_stale_jobs() == 1
        dead.refresh_from_db()
        assert dead.status == ImportStatus.FAILED and "nothing was written" in dead.message
        assert not stage_dir.exists() and not report_dir.exists() and keep.exists()
        assert ImportJob.objects.get(pk=alive.pk).status == ImportStatus.WRITING  # its process runs (this one)
        assert ImportJob.objects.get(pk=fresh.pk).status == ImportStatus.WRITING
    finally:
        for path in (stage_dir, report_dir, keep):
            if path.exists():
                import shutil

                shutil.rmtree(path)


def test_a_job_on_this_host_whose_process_ended_is_dead(station_user):
    pid = os.fork()
    if pid == 0:  # a process that ends at once
        os._exit(0)
    os.waitpid(pid, 0)
    job = _running(station_user, heartbeat_minutes_ago=4, worker=f"{stale.this_worker().rpartition(':')[0]}:{pid}")
    assert stale.fail_stale_jobs() == 1
    assert ImportJob.objects.get(pk=job.pk).status == ImportStatus.FAILED


def test_a_running_import_records_its_process_and_signs_of_life(tree, employers, station_user):
    job = do_import(station_user, csv_bytes([member_row()]))
    assert job.worker == stale.this_worker() and job.heartbeat_at is not None


# --- 17: import files are deleted after the retention, their downloads audited ---------------------------------


def test_import_files_are_deleted_after_the_retention_and_the_deletion_audited(client, tree, employers,
                                                                               station_user, settings):
    old = do_import(station_user, csv_bytes([member_row(mobile="123")]))
    recent = do_import(station_user, csv_bytes([member_row(id_number=make_id(seq="457"), mobile="123")]))
    assert old.error_report and old.file
    paths = [Path(old.file.path), Path(old.error_report.path)]
    client.force_login(station_user)
    assert client.get(f"/members/imports/{old.pk}/download/errors/").status_code == 200
    assert AuditEvent.objects.filter(action=AuditAction.PERSONAL_DATA_EXPORTED, object_id=str(old.pk)).exists()
    ImportJob.objects.filter(pk=old.pk).update(finished_at=timezone.now() - dt.timedelta(days=31))
    ImportJob.objects.filter(pk=recent.pk).update(finished_at=timezone.now() - dt.timedelta(days=29))
    assert settings.UNIONSERVE["IMPORT_FILE_RETENTION_DAYS"] == 30
    assert delete_old_files() == 1 and delete_old_files() == 0
    old.refresh_from_db()
    assert old.files_deleted_at and not old.file and not old.error_report
    assert not any(p.exists() for p in paths)
    assert ImportJob.objects.get(pk=recent.pk).error_report
    audit = AuditEvent.objects.get(action=AuditAction.IMPORT_FILES_DELETED)
    assert audit.detail["import_job"] == old.pk and set(audit.detail["files"]) == {"file", "error_report"}
    assert client.get(f"/members/imports/{old.pk}/download/errors/").status_code == 404
    page = client.get(f"/members/imports/{old.pk}/").content.decode()
    assert "deleted" in page or "删除" in page


def test_the_retention_is_a_setting(tree, employers, station_user, settings):
    job = do_import(station_user, csv_bytes([member_row(mobile="123")]))
    ImportJob.objects.filter(pk=job.pk).update(finished_at=timezone.now() - dt.timedelta(days=8))
    settings.UNIONSERVE = {**settings.UNIONSERVE, "IMPORT_FILE_RETENTION_DAYS": 7}
    assert delete_old_files() == 1
