"""Both flows of seed 000 §四.5 through the pages: intake, acceptance, dispatch or report up, mediator, plan,
agreement or termination, documents, review and archive."""

from decimal import Decimal

from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from unionserve.documents.models import GeneratedDocument
from unionserve.mediation.models import MediationCase, Outcome, Path
from unionserve.mediation.rules import MAX_AMOUNT
from unionserve.workflow.models import Case, CaseEvent, Step

from .helpers import act, appoint, intake, offered, pdf_text


def _case() -> Case:
    return Case.objects.filter(process="mediation").latest("id")


def test_down_path_agreement_is_reported_reviewed_and_archived(client, people, mediators, tree):
    client.force_login(people["city"])
    response = intake(client)
    case = _case()
    assert response.status_code == 302 and case.number.startswith("TJ")
    mc = MediationCase.objects.get(case=case)
    assert mc.path == Path.DOWN and case.state == "received"
    assert [p.name for p in mc.parties.all()] == ["张三", "李四"] and mc.employer_name == "北京宏达建筑有限公司"
    assert [(c.item, c.amount) for c in mc.claims.all()] == [("支付拖欠工资", Decimal("18000.00")),
                                                            ("支付经济补偿金", Decimal("6000.50"))]
    # Level 1 accepts the same day and dispatches to one level-2 body.
    assert act(client, case, "accept_dispatch", units="110101,110108").status_code == 400  # one body only
    assert act(client, case, "accept_dispatch", units="110101").status_code == 302
    assert case.state == "dispatched" and case.current_unit == tree["dc"]
    notice = GeneratedDocument.objects.get(case=case, template_code="acceptance_notice")
    text = pdf_text(notice)
    assert "受理通知书" in text and "张三" in text and "东城区中心" in text and "劳动争议调解申请" in text
    assert "7日内" in text and "15日内办结" in text  # the dispatch and its time limits

    # Level 2 must appoint a mediator before replying with a plan.
    client.force_login(people["district"])
    assert act(client, case, "submit_plan", plan="先约谈双方").status_code == 400
    panel = client.get(reverse("workflow:case", args=[case.number])).content.decode()
    assert "吴芳" in panel  # suggested: the wages specialist with room
    assert appoint(client, case, mediators["m1"]).status_code == 302
    step = Step.objects.get(case=case, is_open=True)
    assert step.assignee == people["med1"] and case.assignee == people["med1"]
    # The engine's own entry: the appointment is a transition of the process (the case stays where it is).
    event = CaseEvent.objects.get(case=case, action="appoint_mediator")
    assert event.from_state == event.to_state == "dispatched" and event.data["fields"][0][1] == "吴芳"
    from unionserve.notifications.models import Notification

    notice = Notification.objects.get(event="mediation.appointed", recipient_user=people["med1"], channel="in_app")
    assert case.number in notice.body

    # The mediator finds it in their inbox and in "my cases", and does the work.
    client.force_login(people["med1"])
    assert case.number in client.get(reverse("workflow:inbox")).content.decode()
    assert case.number in client.get(reverse("mediation:mine")).content.decode()
    assert 'id="id_appoint_mediator"' not in client.get(reverse("workflow:case", args=[case.number])).content.decode()
    assert appoint(client, case, mediators["m2"]).status_code == 403  # staff appoint, not the mediator
    assert act(client, case, "submit_plan", plan="先约谈双方，再组织调解").status_code == 302
    assert case.state == "mediating"
    assert Step.objects.get(case=case, is_open=True).assignee == people["med1"]  # keeps the case
    assert act(client, case, "agree_report", agreement_terms="被申请人于12月10日前支付两万元",
               amount_recovered="20000", performance="银行转账").status_code == 302
    assert case.state == "review" and case.current_unit == tree["city"]
    mc.refresh_from_db()
    assert mc.outcome == Outcome.AGREED and mc.amount_recovered == Decimal("20000.00") and mc.concluded_at
    agreement = GeneratedDocument.objects.get(case=case, template_code="mediation_agreement")
    text = pdf_text(agreement)
    assert "调解协议书" in text and "被申请人于12月10日前支付两万元" in text and "20,000.00" in text
    assert "吴芳" in text and "18,000.00" in text

    # Level 1 reviews and archives the successful case.
    client.force_login(people["city"])
    assert act(client, case, "archive").status_code == 302
    assert case.state == "archived" and case.is_closed
    page = client.get(reverse("workflow:case", args=[case.number])).content.decode()
    assert "调解协议书" in page and "受理通知书" in page  # the panel lists the documents


def test_down_path_failure_ends_with_a_termination_letter_not_a_report(client, people, mediators):
    client.force_login(people["city"])
    intake(client)
    case = _case()
    act(client, case, "accept_dispatch", units="110101")
    client.force_login(people["district"])
    appoint(client, case, mediators["m2"])
    act(client, case, "submit_plan", plan="调解")
    assert "agree" not in offered(client, case)  # on this path an agreement is reported up (agree_report)
    assert act(client, case, "terminate", reason="双方分歧较大，未能达成一致").status_code == 302
    assert case.state == "terminated" and case.is_closed
    assert not Step.objects.filter(case=case, state="review").exists()
    doc = GeneratedDocument.objects.get(case=case, template_code="mediation_termination")
    text = pdf_text(doc)
    assert "调解终结书" in text and "申请仲裁" in text and "双方分歧较大" in text
    assert MediationCase.objects.get(case=case).outcome == Outcome.TERMINATED


def test_up_path_station_mediates_and_agrees(client, people, mediators, tree):
    client.force_login(people["station"])
    intake(client, workers="王五", claims="支付加班费, 3000", dispute_type="hours")
    case = _case()
    assert MediationCase.objects.get(case=case).path == Path.UP
    assert act(client, case, "mediate_here").status_code == 302
    assert case.state == "station_mediating" and case.current_unit == tree["st1"]
    assert GeneratedDocument.objects.filter(case=case, template_code="acceptance_notice").count() == 1
    appoint(client, case, mediators["st"])
    assert act(client, case, "agree", agreement_terms="支付加班费三千元", amount_recovered="3000").status_code == 302
    assert case.state == "agreed" and case.is_closed
    assert GeneratedDocument.objects.filter(case=case, template_code="mediation_agreement").exists()


def test_up_path_complex_then_major_case_goes_to_level_1_which_appoints(client, people, mediators, tree):
    client.force_login(people["station"])
    intake(client, workers="赵一\n钱二\n孙三", dispute_type="collective")
    case = _case()
    assert act(client, case, "report_up", reason="集体争议，涉及三十人").status_code == 302
    assert case.state == "reported" and case.current_unit == tree["dc"]
    client.force_login(people["district"])
    assert act(client, case, "decide_accept").status_code == 302
    assert case.state == "district_mediating"
    assert act(client, case, "report_major", reason="重大群体性纠纷").status_code == 302
    assert case.state == "city_mediating" and case.current_unit == tree["city"]
    client.force_login(people["city"])
    assert appoint(client, case, mediators["m1"]).status_code == 302  # a mediator of another unit: refused
    assert MediationCase.objects.get(case=case).mediator is None
    appoint(client, case, mediators["city"])
    assert Step.objects.get(case=case, is_open=True).assignee == people["medcity"]
    client.force_login(people["medcity"])
    assert act(client, case, "terminate", reason="未达成一致").status_code == 302
    assert case.state == "terminated"


def test_level_2_declines_a_reported_case_back_to_the_station(client, people, mediators, tree):
    client.force_login(people["station"])
    intake(client)
    case = _case()
    act(client, case, "report_up", reason="疑难")
    client.force_login(people["district"])
    assert act(client, case, "decline", reason="不属于复杂案件，请站点调解").status_code == 302
    assert case.state == "station_mediating" and case.current_unit == tree["st1"]


def test_a_grassroots_union_reports_up_to_the_district_not_to_its_station(client, people, tree):
    client.force_login(people["grassroots"])
    intake(client)
    case = _case()
    act(client, case, "report_up", reason="复杂")
    assert case.state == "reported" and case.current_unit == tree["dc"]  # g1 → 东华门站 (level 3) → 东城区 (level 2)


def test_level_2_receives_directly_and_not_accepted_cases_close(client, people, tree):
    client.force_login(people["district"])
    intake(client)
    case = _case()
    assert MediationCase.objects.get(case=case).path == Path.LOCAL
    assert act(client, case, "accept_local").status_code == 302 and case.state == "district_mediating"
    client.force_login(people["city"])
    intake(client)
    case = _case()
    assert act(client, case, "not_accept", reason="不属于劳动争议").status_code == 302
    assert case.state == "not_accepted" and case.is_closed
    assert MediationCase.objects.get(case=case).outcome == Outcome.NOT_ACCEPTED


def test_bad_intake_is_explained_and_nothing_is_created(client, people, tree):
    from unionserve.members.tests.factories import make_member

    client.force_login(people["station"])
    response = intake(client, workers="")
    assert response.status_code == 400
    response = intake(client, claims="支付工资, 12.345")
    with translation.override("zh-hans"):  # the users' language
        too_precise = gettext("%(field)s: give an amount from 0 to %(max)s with at most two decimals.") % {
            "field": gettext("Claims, line %(n)s") % {"n": 1}, "max": MAX_AMOUNT}
    assert response.status_code == 400 and too_precise in response.content.decode()
    outsider = make_member(tree["g3"], "外区会员")  # in another district: not in the station's register
    from unionserve.pii import crypto

    assert outsider.id_hash == crypto.lookup_hash(_id_of(outsider))
    response = intake(client, workers=f"外区会员, {_id_of(outsider)}")
    with translation.override("zh-hans"):
        not_in_register = gettext("%(name)s: no member with this ID number in your part of the register. Leave the "
                                  "ID number out for a worker who is not a member.") % {"name": "外区会员"}
    assert response.status_code == 400 and not_in_register in response.content.decode()
    assert not Case.objects.filter(process="mediation").exists()
    assert not MediationCase.objects.exists()


def _id_of(member):
    from unionserve.pii import crypto

    return crypto.decrypt(member.id_encrypted)


def test_members_are_linked_without_their_id_numbers_reaching_the_timeline(client, people, tree):
    from unionserve.members.tests.factories import make_employer, make_member

    employer = make_employer(tree["st1"], name="东华门科技有限公司", grassroots=tree["g2"])
    member = make_member(tree["g2"], "周会员", employer=employer)
    number = _id_of(member)
    client.force_login(people["station"])
    response = intake(client, workers=f"周会员, {number}\n非会员甲", employer_name="")
    assert response.status_code == 302
    case = _case()
    mc = MediationCase.objects.get(case=case)
    assert mc.parties.get(name="周会员").member == member and mc.parties.get(name="非会员甲").member is None
    assert mc.employer == employer and mc.employer_name == "东华门科技有限公司"  # from the register
    for event in CaseEvent.objects.filter(case=case):
        assert number not in str(event.data) and number not in event.comment
    # The member page lists the case.
    page = client.get(reverse("members:detail", args=[member.pk])).content.decode()
    assert case.number in page


def test_the_generic_opening_page_refuses_id_numbers_and_works_without(client, people):
    client.force_login(people["station"])
    form = {"title": "张三劳动争议", "channel": "window", "priority": "normal", "dispute_type": "wages",
            "summary": "欠薪", "workers": "张三, 110101199003070011", "employer_name": "某公司", "comment": ""}
    response = client.post(reverse("workflow:open", args=["mediation"]), form)
    # msgstr of "Link members by ID number on the mediation intake page, not here."
    assert response.status_code == 200 and "请在调解申请登记页面按身份证号关联会员，不要在此填写身份证号。" in \
        response.content.decode()
    assert not Case.objects.filter(process="mediation").exists()
    response = client.post(reverse("workflow:open", args=["mediation"]), {**form, "workers": "张三\n李四"})
    assert response.status_code == 302
    assert MediationCase.objects.get().parties.count() == 2


def test_a_returned_case_redispatched_gets_a_notice_naming_the_new_body(client, people, tree):
    """退单 then 改派: the parties' acceptance notice names the body that now mediates; the first stays on file."""
    client.force_login(people["city"])
    intake(client)
    case = _case()
    assert act(client, case, "accept_dispatch", units="110101").status_code == 302
    client.force_login(people["district"])
    assert act(client, case, "return", reason="wrong_area", comment="用人单位在海淀区").status_code == 302
    client.force_login(people["city"])
    assert act(client, case, "rule_return", decision="redispatch", units="110108",
               comment="改派海淀区中心").status_code == 302
    assert case.state == "dispatched" and case.current_unit == tree["hd"]
    notices = list(GeneratedDocument.objects.filter(case=case, template_code="acceptance_notice").order_by("id"))
    assert len(notices) == 2
    assert "东城区中心" in pdf_text(notices[0])
    latest = pdf_text(notices[1])
    assert "海淀区中心" in latest and "东城区中心" not in latest
