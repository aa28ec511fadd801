# ruff: noqa: F811 - the fixtures imported from test_import are the arguments of these tests
"""The import pages: upload, progress fragment, downloads, templates, scope and permissions."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from unionserve.core.roles import Role
from unionserve.members.models import ImportJob, Member
from unionserve.members.template import MEMBER_HEADERS

from .test_import import csv_bytes, employers, media, member_row, station_user  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db


def upload(client, content: bytes, *, mode="valid_rows", name="members.csv"):
    return client.post(reverse("members:import_new"), {
        "kind": "members", "mode": mode, "file": SimpleUploadedFile(name, content, content_type="text/csv"),
    })


def test_upload_runs_the_import_and_shows_progress_and_downloads(employers, station_user, client_for):
    client = client_for(station_user)
    assert client.get(reverse("members:import_new")).status_code == 200
    content = csv_bytes([member_row(), member_row(name="")])
    with pytest.MonkeyPatch.context():
        from django.test import TestCase

        with TestCase.captureOnCommitCallbacks(execute=True):
            response = upload(client, content)
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("members:import_detail", args=[job.pk])
    assert job.status == "done" and job.created == 1 and job.invalid == 1
    page = client.get(response["Location"]).content.decode()
    assert 'role="progressbar"' in page and 'aria-valuenow="100"' in page
    assert 'hx-trigger="every 1s"' not in page  # finished: no more polling
    fragment = client.get(reverse("members:import_progress", args=[job.pk])).content.decode()
    assert fragment.lstrip().startswith("<section") and "aria-valuenow" in fragment
    errors = client.get(reverse("members:import_download", args=[job.pk, "errors"]))
    assert errors.status_code == 200 and errors["Content-Disposition"].endswith('.xlsx"')
    rejected = client.get(reverse("members:import_download", args=[job.pk, "rejected"]))
    body = b"".join(rejected.streaming_content).decode("utf-8-sig")
    assert body.startswith(",".join(MEMBER_HEADERS) + ",错误说明")
    listing = client.get(reverse("members:imports")).content.decode()
    assert "members.csv" in listing
    assert Member.objects.count() == 1


def test_a_running_job_polls_every_second(employers, station_user, client_for):
    client = client_for(station_user)
    from django.core.files.base import ContentFile

    from unionserve.members.importing import create_job

    job = create_job(kind="members", mode="valid_rows", file=ContentFile(b"x"), original_name="m.csv",
                     acting_user=station_user)
    ImportJob.objects.filter(pk=job.pk).update(status="validating", progress_done=50, progress_total=200)
    fragment = client.get(reverse("members:import_progress", args=[job.pk])).content.decode()
    assert 'hx-trigger="every 1s"' in fragment and 'aria-valuenow="25"' in fragment
    client.post(reverse("members:import_cancel", args=[job.pk]))
    assert ImportJob.objects.get(pk=job.pk).status == "cancelled"


def test_other_stations_do_not_see_the_job(tree, employers, station_user, make_user, client_for):
    from django.core.files.base import ContentFile

    from unionserve.members.importing import create_job

    job = create_job(kind="members", mode="valid_rows", file=ContentFile(b"x"), original_name="secret.csv",
                     acting_user=station_user)
    other = client_for(make_user(tree["st3"], Role.SOCIAL_WORKER, username="other"))
    assert other.get(reverse("members:import_detail", args=[job.pk])).status_code == 404
    assert other.get(reverse("members:import_progress", args=[job.pk])).status_code == 404
    assert "secret.csv" not in other.get(reverse("members:imports")).content.decode()


def test_pages_need_the_manage_members_permission(tree, make_user, client_for):
    client = client_for(make_user(tree["city"], Role.HOTLINE_AGENT, username="agent"))
    assert client.get(reverse("members:imports")).status_code == 403
    assert client.get(reverse("members:import_template", args=["members", "xlsx"])).status_code == 403


def test_template_downloads(station_user, client_for):
    from openpyxl import load_workbook

    client = client_for(station_user)
    response = client.get(reverse("members:import_template", args=["members", "xlsx"]))
    wb = load_workbook(io.BytesIO(response.content))
    assert wb.sheetnames == ["会员", "填写说明"]
    assert tuple(c.value for c in wb["会员"][1]) == MEMBER_HEADERS
    guide = list(wb["填写说明"].iter_rows(values_only=True))
    assert guide[0] == ("列", "是否必填", "填写规则") and guide[1][0] == "姓名"
    csv_response = client.get(reverse("members:import_template", args=["units", "csv"]))
    assert csv_response.content.decode("utf-8-sig").startswith("名称,统一社会信用代码")
    assert client.get(reverse("members:import_template", args=["x", "csv"])).status_code == 404


def test_a_failed_import_says_failed_not_failed_to_send(employers, station_user, client_for, settings):
    """The import's status and a message's delivery status share the word "Failed": in Chinese it must read for
    both (it once read 发送失败, "sending failed", on the import page)."""
    from django.core.files.base import ContentFile

    from unionserve.members.importing import create_job

    settings.LANGUAGE_CODE = "zh-hans"
    job = create_job(kind="members", mode="all_or_nothing", file=ContentFile(b"x"), original_name="m.csv",
                     acting_user=station_user)
    ImportJob.objects.filter(pk=job.pk).update(status="failed")
    fragment = client_for(station_user).get(reverse("members:import_progress", args=[job.pk]),
                                            HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "失败" in fragment and "发送失败" not in fragment
