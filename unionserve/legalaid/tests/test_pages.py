"""Legal aid through its public surface: pages and API, conflict check, capacity, scope, the registry."""

import datetime as dt
import re

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext

from unionserve.accounts.actions import issue_token
from unionserve.audit.models import AuditAction, AuditEvent
from unionserve.legalaid import actions as la_actions
from unionserve.legalaid.models import Engagement, LawFirm, Lawyer, LegalAidCase, Result, Side
from unionserve.legalaid.rules import CRITERIA
from unionserve.workflow import actions
from unionserve.workflow.errors import ActionRefused
from unionserve.workflow.models import Case, Step

pytestmark = pytest.mark.django_db

# Received yesterday, entered today: inside the bound on how far back the receipt day may be.
RECEIVED = timezone.localdate() - dt.timedelta(days=1)
FORM = {
    "applicant_name": "王五", "id_number": "", "applicant_phone": "13800138000",
    "employer_name": "北京某某科技有限公司",
    "employer_uscc": "91110108551385082Q", "dispute_type": "wages", "matter": "追索拖欠工资",
    "amount_claimed": "24000", "applied_on": RECEIVED.isoformat(), "channel": "window", "comment": "",
}


def bearer(user):
    _t, key = issue_token(user, "t")
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def accepted_down(la, **extra):
    """A down case accepted by the city and dispatched to Dongcheng, waiting for a firm."""
    case = la_actions.intake(actor=la["city"], data={**{k: v for k, v in FORM.items() if k != "channel"}, **extra})
    aid = LegalAidCase.objects.get(case=case)
    la_actions.save_screen(aid, actor=la["city"], results={c.code: (Result.MET, "") for c in CRITERIA})
    return actions.perform(Case.objects.get(pk=case.pk), "accept", actor=la["city"], data={"units": "110101"})


def test_intake_page_opens_the_right_process(client, la):
    client.force_login(la["city"])
    response = client.post("/legalaid/new/", FORM)
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/legalaid/cases/{case.number}/eligibility/"
    assert case.process == "legalaid" and case.legal_aid.applied_on == RECEIVED
    client.force_login(la["st1"])
    client.post("/legalaid/new/", FORM)
    assert Case.objects.filter(process="legalaid_up").count() == 1
    # 002 §二(二): a district center registers an application made at its own window; its review starts there.
    client.force_login(la["dc"])
    assert client.get("/legalaid/new/").status_code == 200
    response = client.post("/legalaid/new/", FORM)
    case = Case.objects.filter(process="legalaid_up", owner_unit=la["dc"].org_unit).get()
    assert response.status_code == 302 and case.state == "review_l2"
    assert case.steps.get(is_open=True).unit == la["dc"].org_unit


def test_intake_page_says_what_to_fix(client, la):
    client.force_login(la["city"])
    response = client.post("/legalaid/new/", {**FORM, "employer_uscc": "123"})
    assert response.status_code == 200 and "统一社会信用代码" in response.content.decode()
    assert not Case.objects.exists()


def test_screen_page_override_needs_reason(client, la):
    case = la_actions.intake(actor=la["city"], data={k: v for k, v in FORM.items() if k != "channel"})
    client.force_login(la["city"])
    url = f"/legalaid/cases/{case.number}/eligibility/"
    page = client.get(url)
    assert page.status_code == 200 and "援助条件审查" in page.content.decode()  # "Eligibility screen"
    data = {"version": 1, "override_outcome": "eligible", "override_reason": ""}
    for c in CRITERIA:
        data[f"r_{c.code}"] = "unknown"
    response = client.post(url, data)
    assert response.status_code == 400
    assert not AuditEvent.objects.filter(action=AuditAction.ELIGIBILITY_OVERRIDDEN).exists()
    response = client.post(url, {**data, "override_reason": "经主任批准"})
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action=AuditAction.ELIGIBILITY_OVERRIDDEN).count() == 1
    # Another unit reads the screen but cannot change it.
    client.force_login(la["dc"])
    assert client.get(url).status_code == 404  # not yet dispatched: Dongcheng takes no part in it


def test_assignment_shows_capacity_and_conflicts_and_requires_a_reason(client, la):
    Engagement.objects.create(firm=la["firm_b"], party_name="北京某某科技有限公司", party_uscc="91110108551385082Q",
                              side=Side.FOR)
    case = accepted_down(la)
    client.force_login(la["dc"])
    url = f"/legalaid/cases/{case.number}/assign/"
    page = client.get(url).content.decode()
    assert "北京甲律师事务所" in page and "北京乙律师事务所" in page
    # Firm A (the city's contract, no flag) is suggested and preselected, with its lawyer at this unit.
    response = client.get(url)
    assert response.context["best"].firm == la["firm_a"]
    assert response.context["form"].initial["lawyer"] == la["a1"].pk
    response = client.post(url, {"version": case.version, "contract": la["contract_b"].pk, "lawyer": la["b1"].pk})
    assert response.status_code == 400 and Case.objects.get(pk=case.pk).state == "assign_firm"
    response = client.post(url, {"version": case.version, "contract": la["contract_b"].pk, "lawyer": la["b1"].pk,
                                 "conflict_reason": "已确认该所代理关系于2025年终止"})
    assert response.status_code == 302
    aid = LegalAidCase.objects.get(case=case)
    assert aid.firm == la["firm_b"] and aid.conflict_flags[0]["code"] == "acts_for_employer"
    assert Step.objects.get(case=case, is_open=True).assignee == la["lawyer2"]


def test_a_second_case_against_the_same_employer_is_flagged(la):
    first = accepted_down(la)
    la_actions.assign(first, actor=la["dc"], contract=la["contract_a"].pk, lawyer=la["a1"].pk)
    second = accepted_down(la, applicant_name="赵六")
    with pytest.raises(ActionRefused, match="同一用人单位|same employer"):
        la_actions.assign(second, actor=la["dc"], contract=la["contract_a"].pk)
    case = la_actions.assign(second, actor=la["dc"], contract=la["contract_a"].pk,
                             conflict_reason="同案不同人，无利益冲突")
    assert case.state == "representing"


def test_declared_representation_against_the_worker_is_flagged(la):
    Engagement.objects.create(firm=la["firm_b"], party_name="王五", side=Side.AGAINST)
    case = accepted_down(la)
    with pytest.raises(ActionRefused):
        la_actions.assign(case, actor=la["dc"], contract=la["contract_b"].pk)


def test_capacity_at_the_limit_just_below_and_above(la):
    # Firm A's city contract takes 2 concurrent cases: the 1st and 2nd are taken, the 3rd refused.
    la["contract_a"].capacity = 2
    la["contract_a"].save()
    reason = "同一用人单位，无冲突"
    for i in range(2):
        case = accepted_down(la, applicant_name=f"职工{i}")
        la_actions.assign(case, actor=la["dc"], contract=la["contract_a"].pk, conflict_reason=reason)
    third = accepted_down(la, applicant_name="职工3")
    with translation.override("zh-hans"):  # the users' language
        full = gettext("%(firm)s is at its contracted capacity (%(n)s concurrent cases). Choose another firm.") % {
            "firm": la["firm_a"].name, "n": 2}
    with pytest.raises(ActionRefused, match=re.escape(full)):
        la_actions.assign(third, actor=la["dc"], contract=la["contract_a"].pk, conflict_reason=reason)
    # A case that is reported frees a place.
    done = LegalAidCase.objects.filter(firm=la["firm_a"]).first().case
    actions.perform(done, "report_file", actor=la["dc"], data={"result": "won", "result_summary": "结案"})
    assert la_actions.assign(Case.objects.get(pk=third.pk), actor=la["dc"], contract=la["contract_a"].pk,
                             conflict_reason=reason).state == "representing"


def test_an_expired_or_foreign_contract_cannot_be_used(la, tree):
    from unionserve.legalaid.models import Contract

    foreign = Contract.objects.create(firm=la["firm_b"], unit=tree["hd"], start=dt.date(2026, 1, 1),
                                      end=dt.date(2027, 12, 31), capacity=5)
    la["contract_b"].end = dt.date(2026, 1, 31)
    la["contract_b"].save()
    case = accepted_down(la)
    for contract in (foreign, la["contract_b"]):
        with pytest.raises(ActionRefused):
            la_actions.assign(case, actor=la["dc"], contract=contract.pk)


def test_the_engine_page_alone_cannot_assign(la):
    case = accepted_down(la)
    with pytest.raises(ActionRefused):
        actions.perform(case, "assign_firm", actor=la["dc"], data={"contract": ""})


def test_lawyer_sees_own_case_but_not_another_firms_by_page_and_api(client, la):
    mine = la_actions.assign(accepted_down(la), actor=la["dc"], contract=la["contract_a"].pk, lawyer=la["a1"].pk)
    other = la_actions.assign(accepted_down(la, applicant_name="赵六", employer_name="另一家公司", employer_uscc=""),
                              actor=la["dc"], contract=la["contract_b"].pk, lawyer=la["b1"].pk)
    client.force_login(la["lawyer1"])
    assert client.get(f"/work/cases/{mine.number}/").status_code == 200
    assert client.get(f"/work/cases/{other.number}/").status_code == 404
    assert client.get(f"/legalaid/cases/{other.number}/eligibility/").status_code == 404
    listing = client.get("/legalaid/").content.decode()
    assert mine.number in listing and other.number not in listing
    assert mine.number in client.get("/legalaid/mine/").content.decode()
    auth = bearer(la["lawyer1"])
    assert client.get(f"/api/legalaid/cases/{mine.number}", **auth).status_code == 200
    assert client.get(f"/api/legalaid/cases/{other.number}", **auth).status_code == 404
    assert client.get(f"/api/work/cases/{other.number}", **auth).status_code == 404
    assert [c["number"] for c in client.get("/api/legalaid/cases", **auth).json()["items"]] == [mine.number]


def test_lawyer_reports_the_case_file_with_attachments_on_the_case_page(client, la):
    from django.core.files.uploadedfile import SimpleUploadedFile

    case = la_actions.assign(accepted_down(la), actor=la["dc"], contract=la["contract_a"].pk, lawyer=la["a1"].pk)
    client.force_login(la["lawyer1"])
    page = client.get(f"/work/cases/{case.number}/").content.decode()
    assert "report_file" in page
    fields = {"version": case.version, "step": Step.objects.get(case=case, is_open=True).pk, "result": "won",
              "result_summary": "裁决支持", "amount_recovered": "24000", "comment": "",
              "files": SimpleUploadedFile("案卷.pdf", b"%PDF-1.4 test", content_type="application/pdf")}
    response = client.post(f"/work/cases/{case.number}/act/report_file/",
                           {f"report_file-{k}": v for k, v in fields.items()})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == "file_summary" and case.attachments.count() == 1
    # The lawyer keeps reading the case, but cannot act on the unit's next step.
    assert client.get(f"/work/cases/{case.number}/").status_code == 200
    assert client.post(f"/work/cases/{case.number}/act/report_up/",
                       {"report_up-version": case.version}).status_code == 403


def test_api_intake_list_read_and_scope(client, la):
    auth = bearer(la["st1"])
    payload = {k: v for k, v in FORM.items() if k not in ("comment", "id_number")}
    response = client.post("/api/legalaid/cases", payload, content_type="application/json", **auth)
    assert response.status_code == 201, response.content
    number = response.json()["number"]
    assert number.startswith("FYS") and response.json()["outcome"] == "undetermined"
    with pytest.raises(IntegrityError), transaction.atomic():  # the table's CHECK constraint
        LegalAidCase.objects.filter(case__number=number).update(dispute_type="insurance")
    assert len(response.json()["criteria"]) == len(CRITERIA)
    assert client.get("/api/legalaid/cases", **auth).json()["count"] == 1
    bad = client.post("/api/legalaid/cases", {**payload, "employer_uscc": "x"}, content_type="application/json",
                      **auth)
    assert bad.status_code == 400
    assert client.post("/api/legalaid/cases", {**payload, "channel": "fax"}, content_type="application/json",
                       **auth).status_code == 400
    # One vocabulary of dispute types with mediation (core.vocab): an unknown code, or legal aid's old one, is 422.
    for unknown in ("insurance", "欠薪"):
        assert client.post("/api/legalaid/cases", {**payload, "dispute_type": unknown},
                           content_type="application/json", **auth).status_code == 422
    stranger = bearer(la["st3"])
    assert client.get(f"/api/legalaid/cases/{number}", **stranger).status_code == 404
    assert client.get("/api/legalaid/cases", **stranger).json()["count"] == 0
    # A lawyer registers nothing; a district center does (002 §二(二), see test_receipt_and_reasons).
    assert client.post("/api/legalaid/cases", payload, content_type="application/json",
                       **bearer(la["lawyer1"])).status_code == 403


def test_registry_pages_need_the_permission_and_are_versioned(client, la):
    client.force_login(la["dc"])
    assert client.get("/legalaid/firms/").status_code == 403
    client.force_login(la["city"])
    assert "北京甲律师事务所" in client.get("/legalaid/firms/").content.decode()
    response = client.post("/legalaid/firms/new/", {"name": "北京丙律师事务所", "uscc": "91110000802100433",
                                                    "address": "", "contact_person": "", "phone": "", "active": "on"})
    assert response.status_code == 400  # invalid credit code
    firm = la["firm_a"]
    edit = {"name": "北京甲律师事务所（新）", "uscc": firm.uscc, "address": "", "contact_person": "", "phone": "",
            "active": "on", "version": firm.version}
    assert client.post(f"/legalaid/firms/{firm.pk}/edit/", edit).status_code == 302
    stale = client.post(f"/legalaid/firms/{firm.pk}/edit/", {**edit, "name": "旧名"})
    assert stale.status_code == 400 and LawFirm.objects.get(pk=firm.pk).name == "北京甲律师事务所（新）"
    assert AuditEvent.objects.filter(action=AuditAction.LAW_FIRM_CHANGED).count() == 1
    response = client.post(f"/legalaid/firms/{firm.pk}/lawyers/new/", {
        "name": "新律师", "licence_number": "1110120121000009", "phone": "", "active": "on", "username": ""})
    assert response.status_code == 400  # 16 digits
    response = client.post(f"/legalaid/firms/{firm.pk}/lawyers/new/", {
        "name": "新律师", "licence_number": "11101201210000009", "phone": "", "active": "on", "username": "dcstaff"})
    assert response.status_code == 400  # not a lawyer login
    response = client.post(f"/legalaid/firms/{firm.pk}/contracts/new/", {
        "unit_code": "110101", "start": "2027-01-01", "end": "2026-01-01", "scope": "仲裁", "capacity": 3})
    assert response.status_code == 400
    response = client.post(f"/legalaid/firms/{firm.pk}/contracts/new/", {
        "unit_code": "110101", "start": "2026-01-01", "end": "2026-12-31", "scope": "仲裁", "capacity": 3})
    assert response.status_code == 302 and firm.contracts.count() == 2
    assert Lawyer.objects.filter(firm=firm).count() == 2
    assert client.get(f"/legalaid/firms/{firm.pk}/").status_code == 200


def test_case_panel_and_list_pages_render(client, la):
    case = accepted_down(la)
    client.force_login(la["dc"])
    page = client.get(f"/work/cases/{case.number}/").content.decode()
    assert f"/legalaid/cases/{case.number}/assign/" in page
    assert case.number in client.get("/legalaid/?state=open").content.decode()


def test_an_application_with_the_id_number_links_the_member_and_shows_on_the_member_page(client, la, tree):
    from unionserve.members.tests.factories import id_number, make_member

    number = id_number()
    member = make_member(tree["g1"], "王五", number=number)
    case = la_actions.intake(actor=la["city"], data={**{k: v for k, v in FORM.items() if k != "channel"},
                                                     "id_number": number})
    aid = LegalAidCase.objects.get(case=case)
    assert aid.member == member and aid.applicant_id_masked != number and number[-4:] in aid.applicant_id_masked
    client.force_login(la["city"])
    assert case.number in client.get(f"/members/{member.pk}/").content.decode()
    with pytest.raises(ActionRefused):
        la_actions.intake(actor=la["city"], data={**{k: v for k, v in FORM.items() if k != "channel"},
                                                  "id_number": "110101199003070000"})


def test_another_district_sees_nothing_of_a_dongcheng_case(client, la):
    case = accepted_down(la)
    client.force_login(la["hd"])
    for url in (f"/work/cases/{case.number}/", f"/legalaid/cases/{case.number}/eligibility/",
                f"/legalaid/cases/{case.number}/assign/"):
        assert client.get(url).status_code == 404
    assert case.number not in client.get("/legalaid/").content.decode()
    assert client.get(f"/api/legalaid/cases/{case.number}", **bearer(la["hd"])).status_code == 404


def test_the_applicants_phone_is_revealed_only_with_view_pii_in_scope_and_audited(client, la, tree, make_user):
    """One policy (unionserve.pii): VIEW_PII, or the lawyer's CONTACT_APPLICANTS on his own case; audited."""
    from unionserve.core.roles import Role

    case = la_actions.assign(accepted_down(la), actor=la["dc"], contract=la["contract_a"].pk, lawyer=la["a1"].pk)
    url = f"/legalaid/cases/{case.number}/reveal/"
    client.force_login(la["dc"])  # the owner district's center staff keep the register: VIEW_PII, in scope
    assert url in client.get(f"/work/cases/{case.number}/").content.decode()
    response = client.post(url)
    assert response.status_code == 200 and "13800138000" in response.content.decode()
    event = AuditEvent.objects.get(action=AuditAction.PERSONAL_DATA_VIEWED)
    assert event.actor == la["dc"] and event.detail["case"] == case.number
    auditor = make_user(tree["city"], Role.AUDITOR, username="auditor")
    agent = make_user(tree["city"], Role.HOTLINE_AGENT, username="agent")
    client.force_login(la["lawyer1"])  # assigned: he calls the worker he represents
    assert url in client.get(f"/work/cases/{case.number}/").content.decode()
    assert "13800138000" in client.post(url).content.decode()
    assert AuditEvent.objects.filter(action=AuditAction.PERSONAL_DATA_VIEWED, actor=la["lawyer1"]).exists()
    for user in (auditor, agent):  # read the case, may not see personal data in full
        client.force_login(user)
        assert url not in client.get(f"/work/cases/{case.number}/").content.decode()
        assert client.post(url).status_code in (403, 404)
    client.force_login(la["lawyer2"])
    assert client.post(url).status_code == 404  # not their case
    client.force_login(la["st1"])
    assert client.post(url).status_code == 404
    assert AuditEvent.objects.filter(action=AuditAction.PERSONAL_DATA_VIEWED).count() == 2


def test_the_case_page_sends_firm_assignment_to_the_assignment_page_not_to_a_code_box(client, la):
    """The generic form could only ask for a contract's number; the assignment page lets staff pick a firm."""
    case = accepted_down(la)
    client.force_login(la["dc"])
    page = client.get(f"/work/cases/{case.number}/").content.decode()
    assert f"/work/cases/{case.number}/act/assign_firm/" not in page
    assert f"/legalaid/cases/{case.number}/assign/" in page
