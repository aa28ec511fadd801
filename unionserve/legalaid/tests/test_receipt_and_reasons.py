"""What a reviewer types and what a window records, through the API and the pages.

A refusal needs a reason people can read: text made only of Unicode whitespace or invisible marks (the
full-width "\u3000", the no-break "\u00a0", the zero-width "\u200b") is no reason on any surface. The review's
clock counts from the day the application was received ("自接到申请之日起"), which may be before the day it is
entered; a district registers applications made at its own window (002 §二(二)).
"""

import datetime as dt

import pytest
from django.utils import timezone

from unionserve.accounts.actions import issue_token
from unionserve.audit.models import AuditAction, AuditEvent
from unionserve.legalaid import actions as la_actions
from unionserve.legalaid.models import LegalAidCase, Result
from unionserve.workflow.models import Case

pytestmark = pytest.mark.django_db

BLANKS = ["\u3000", "\u00a0\u3000", "\u200b", " \u200b\n\u3000 \n- ", "\ufeff\t"]


def bearer(user):
    _t, key = issue_token(user, "t")
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def payload(**extra):
    return {"applicant_name": "王五", "employer_name": "北京某某科技有限公司", "dispute_type": "wages",
            "matter": "追索拖欠工资", **extra}


def not_eligible(la):
    case = la_actions.intake(actor=la["city"], data=payload())
    aid = LegalAidCase.objects.get(case=case)
    la_actions.save_screen(aid, actor=la["city"], results={"limitation": (Result.NOT_MET, "超过一年")})
    return Case.objects.get(pk=case.pk)


@pytest.mark.parametrize("blank", BLANKS)
def test_api_refuses_a_refusal_whose_reasons_show_nothing(client, la, documents, blank):
    case = not_eligible(la)
    response = client.post(f"/api/work/cases/{case.number}/actions/refuse",
                           {"version": case.version, "data": {"refusal_reasons": blank}},
                           content_type="application/json", HTTP_ACCEPT_LANGUAGE="zh-hans", **bearer(la["city"]))
    assert response.status_code == 400, response.content
    # The engine finds the field empty; a line of only a bullet is caught by the process's own guard.
    assert "请填写：不予援助理由" in response.json()["detail"] or "请至少填写一条" in response.json()["detail"]
    case.refresh_from_db()
    assert case.state == "review_l1" and documents == []


def test_page_refuses_a_full_width_space_reason_and_keeps_real_ones(client, la, documents):
    case = not_eligible(la)
    client.force_login(la["city"])
    response = client.post(f"/work/cases/{case.number}/act/refuse/",
                           {"refuse-version": case.version, "refuse-refusal_reasons": "\u3000\u200b"})
    assert response.status_code == 400 and "请填写：不予援助理由" in response.content.decode()
    case.refresh_from_db()
    assert case.state == "review_l1" and documents == []
    response = client.post(f"/work/cases/{case.number}/act/refuse/",
                           {"refuse-version": case.version,
                            "refuse-refusal_reasons": "\u3000已超过仲裁时效\u3000\n\u200b\n非劳动争议事项"})
    assert response.status_code == 302
    aid = LegalAidCase.objects.get(case=case)
    assert aid.refusal_reasons == "已超过仲裁时效\n非劳动争议事项"
    assert documents[-1][2]["reasons"] == ["已超过仲裁时效", "非劳动争议事项"]


def test_blank_required_opening_text_is_refused_by_the_api(client, la):
    response = client.post("/api/legalaid/cases", payload(matter="\u200b\u3000"), content_type="application/json",
                           **bearer(la["city"]))
    assert response.status_code == 400 and not Case.objects.exists()


def _due(case: Case) -> dt.datetime:
    due = case.steps.get(is_open=True).due_at
    assert due is not None
    return due


def test_review_counts_from_the_receipt_day_and_the_late_entry_is_audited(client, la):
    today = timezone.localdate()
    received = today - dt.timedelta(days=2)
    response = client.post("/api/legalaid/cases", payload(applied_on=received.isoformat()),
                           content_type="application/json", **bearer(la["city"]))
    assert response.status_code == 201, response.content
    late = Case.objects.get(number=response.json()["number"])
    on_time = la_actions.intake(actor=la["city"], data=payload())
    step = late.steps.get(is_open=True)
    assert step.deadline["start"] == received.isoformat()
    assert _due(late) < _due(on_time)
    assert LegalAidCase.objects.get(case=late).applied_on == received
    audit = AuditEvent.objects.get(action=AuditAction.CASE_ACTION, object_id=str(late.pk))
    assert audit.detail["clock_from"] == received.isoformat() and audit.detail["entered_days_late"] == 2
    assert late.events.get(action="opened").data["clock_from"] == received.isoformat()
    # Entered the day it was received: nothing to record.
    audit = AuditEvent.objects.get(action=AuditAction.CASE_ACTION, object_id=str(on_time.pk))
    assert "clock_from" not in audit.detail


@pytest.mark.parametrize("days", [-1, 31])
def test_receipt_day_in_the_future_or_too_far_back_is_refused(client, la, days):
    day = timezone.localdate() - dt.timedelta(days=days)
    response = client.post("/api/legalaid/cases", payload(applied_on=day.isoformat()),
                           content_type="application/json", HTTP_ACCEPT_LANGUAGE="zh-hans", **bearer(la["city"]))
    assert response.status_code == 400 and not Case.objects.exists()
    assert "申请日期" in response.json()["detail"]


def test_page_receipt_day_in_the_future_says_so(client, la):
    from .test_pages import FORM

    client.force_login(la["city"])
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    response = client.post("/legalaid/new/", {**FORM, "applied_on": tomorrow.isoformat()})
    assert response.status_code == 200 and "不能晚于今天" in response.content.decode()
    assert not Case.objects.exists()


def test_a_district_registers_at_its_own_window_through_the_api(client, la):
    received = timezone.localdate() - dt.timedelta(days=1)
    response = client.post("/api/legalaid/cases", payload(applied_on=received.isoformat()),
                           content_type="application/json", **bearer(la["dc"]))
    assert response.status_code == 201, response.content
    case = Case.objects.get(number=response.json()["number"])
    assert case.process == "legalaid_up" and case.state == "review_l2"
    step = case.steps.get(is_open=True)
    assert step.unit == la["dc"].org_unit and step.deadline["start"] == received.isoformat()
