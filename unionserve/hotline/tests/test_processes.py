"""Both 12351 processes through the public surface (workbench, the engine's case page), every path."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from unionserve.hotline.models import Category, HotlineRequest
from unionserve.workflow.models import Case, CaseEvent, Step
from unionserve.workflow.permissions import actions_for


def act(client, user, case, action, expect=302, **fields):
    """Take an action on the case page as `user`, as the browser would."""
    client.force_login(user)
    case = Case.objects.get(pk=case.pk)
    spec = next(s for s in actions_for(case, user) if s.code == action)
    data = {f"{action}-version": case.version, f"{action}-step": spec.step.pk if spec.step else ""}
    data.update({f"{action}-{k}": v for k, v in fields.items()})
    response = client.post(reverse("workflow:act", args=[case.number, action]), data)
    assert response.status_code == expect, response.content.decode()[:2000]
    return Case.objects.get(pk=case.pk)


def workbench_post(client, user, **fields):
    client.force_login(user)
    data = {"caller_phone": "13900001111", "caller_name": "李师傅", "kind": "consultation",
            "category": Category.objects.get(code="LDGX02").pk, "description": "公司拖欠工资怎么办？",
            "action": "answer", "answer": "", "refer_to": "", "units": "", "filed_units": "", "member": ""}
    data.update(fields)
    return client.post(reverse("hotline:workbench"), data)


@pytest.fixture
def knowledge(monkeypatch):
    """What the knowledge base is given through the platform's `answer_archived` signal."""
    calls = []
    monkeypatch.setattr("unionserve.knowledge.indexing.record_answer", lambda **kw: calls.append(kw))
    return calls


def test_consultation_answered_and_closed_on_the_workbench(client, people, knowledge,
                                                           django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = workbench_post(client, people["agent"], answer="可向劳动监察投诉，或到工会服务站求助。")
    assert response.status_code == 302
    request = HotlineRequest.objects.select_related("case").get()
    assert request.case.number.startswith("ZX") and request.case.is_closed and request.case.state == "closed"
    assert request.answer.startswith("可向劳动监察") and request.archived_at and request.resolved is True
    assert request.first_response_at is not None and request.channel == "phone"
    # The caller's phone is protected exactly like a member's: masked, hashed, encrypted — never on the timeline.
    assert request.caller_phone_masked == "139****1111" and "13900001111" not in request.caller_phone_encrypted
    for event in CaseEvent.objects.filter(case=request.case):
        assert "13900001111" not in str(event.data)
    assert knowledge == [{"source_id": request.pk, "case_number": request.case.number,
                          "question": "公司拖欠工资怎么办？", "answer": request.answer,
                          "category_id": request.category_id, "answered_at": request.answered_at}]


def test_workbench_explains_what_to_fix(client, people):
    response = workbench_post(client, people["agent"], answer="", caller_phone="12345")
    assert response.status_code == 400
    assert "Write the answer" in response.content.decode() or "答复" in response.content.decode()
    response = workbench_post(client, people["agent"], answer="好的", caller_phone="555")
    assert response.status_code == 400 and not HotlineRequest.objects.exists()
    assert not Case.objects.exists()  # nothing half-applied


def test_consultation_escalated_answered_called_back_and_closed(client, people, tree, knowledge,
                                                                django_capture_on_commit_callbacks):
    response = workbench_post(client, people["agent"], action="refer", refer_to="D02")
    assert response.status_code == 302
    request = HotlineRequest.objects.select_related("case").get()
    case = request.case
    assert case.state == "specialist" and case.current_unit == tree["dept"] and request.escalated
    step = Step.objects.get(case=case, is_open=True)
    assert step.deadline["n"] == 3  # the specialist answers within 3 working days
    with django_capture_on_commit_callbacks(execute=True):
        case = act(client, people["legal"], case, "specialist_answer", answer="可以申请劳动仲裁，时效一年。")
    assert case.state == "callback" and case.current_unit == tree["city"]
    request.refresh_from_db()
    assert request.answer == "可以申请劳动仲裁，时效一年。" and request.answered_unit == tree["dept"]
    assert knowledge and knowledge[0]["answer"] == request.answer
    # The agent's queue shows the callback.
    client.force_login(people["agent"])
    page = client.get(reverse("hotline:workbench")).content.decode()
    assert case.number in page
    case = act(client, people["agent"], case, "call_back", callback_note="已告知", satisfaction="very_satisfied")
    request.refresh_from_db()
    assert case.is_closed and request.satisfaction == "very_satisfied" and request.satisfaction_source == "callback"
    assert request.callback_at and request.archived_at


def test_the_agent_chases_the_department_it_referred_a_question_to(client, people, tree):
    """A peer at level 1, but the platform sent it the question: the agent may urge it, and it is told."""
    from unionserve.notifications.models import Notification
    from unionserve.workflow.models import CaseEvent
    from unionserve.workflow.permissions import actions_for as specs_for

    workbench_post(client, people["agent"], action="refer", refer_to="D02")
    case = HotlineRequest.objects.select_related("case").get().case
    assert "urge" in {s.code for s in specs_for(case, people["agent"])}
    assert "urge" not in {s.code for s in specs_for(case, people["legal"])}  # not its own step
    case = act(client, people["agent"], case, "urge", kind="urge", comment="来电人再次来电催问")
    assert Step.objects.get(case=case, unit=tree["dept"], is_open=True).urge_count == 1
    assert Notification.objects.filter(event="case.urged", recipient_unit=tree["dept"]).exists()
    assert CaseEvent.objects.filter(case=case, action="urge", actor=people["agent"]).exists()


def test_a_consultation_is_referred_to_departments_only(client, people):
    from unionserve.hotline import actions, services

    request = actions.take_request(services.Intake(
        kind="consultation", category=Category.objects.get(code="QT"), description="问一个问题",
        caller_name="甲", caller_phone="13900001111"), acting_user=people["agent"])
    act(client, people["agent"], request.case, "refer", expect=400, units="110101")
    assert Case.objects.get(pk=request.case.pk).state == "answering"


def _affair(client, people, member, units="110101001", filed="110101,IND05"):
    response = workbench_post(client, people["agent"], kind="affair", action="dispatch", units=units,
                              filed_units=filed, member=member.pk, caller_phone="13912345678",
                              description="公司拖欠三个月工资")
    assert response.status_code == 302, response.content.decode()[:1500]
    return HotlineRequest.objects.select_related("case").get(kind="affair")


def test_affair_dispatched_fed_back_called_back_satisfied_and_closed(client, people, tree, member, knowledge,
                                                                    django_capture_on_commit_callbacks):
    request = _affair(client, people, member)
    case = request.case
    assert case.number.startswith("SW") and case.state == "handling" and request.member == member
    assert {a.unit.code for a in case.access.filter(kind="filed")} == {"110101", "IND05"}  # 备案
    step = Step.objects.get(case=case, is_open=True)
    assert step.deadline["rule"] == "working_days" and step.deadline["n"] == 7
    case = act(client, people["st1"], case, "sign")
    request.refresh_from_db()
    assert request.first_response_at is not None
    with django_capture_on_commit_callbacks(execute=True):
        case = act(client, people["st1"], case, "feedback", result="已协调单位补发工资", resolved="yes")
    assert case.state == "callback" and case.current_unit == tree["city"]
    request.refresh_from_db()
    assert request.feedback.endswith("已协调单位补发工资") and request.resolved is True
    assert request.feedback_on_time is True and request.feedback_due_at == step.due_at
    with django_capture_on_commit_callbacks(execute=True):
        case = act(client, people["agent"], case, "close", satisfaction="satisfied")
    request.refresh_from_db()
    assert case.is_closed and request.satisfaction == "satisfied" and request.archived_at
    assert knowledge[-1]["answer"] == request.feedback


def test_unsatisfied_caller_sends_it_back_to_handling(client, people, tree, member):
    request = _affair(client, people, member)
    case = act(client, people["st1"], request.case, "sign")
    case = act(client, people["st1"], case, "feedback", result="已电话沟通", resolved="no")
    # Unsatisfied needs a reason.
    act(client, people["agent"], case, "close", expect=400, satisfaction="unsatisfied")
    assert Case.objects.get(pk=case.pk).state == "callback"
    case = act(client, people["agent"], case, "redo", units="110101001", reason="工资仍未发放")
    request.refresh_from_db()
    assert case.state == "handling" and request.redo_count == 1 and request.satisfaction == "unsatisfied"
    assert request.satisfaction_reason == "工资仍未发放" and request.resolved is None
    case = act(client, people["st1"], case, "sign")
    case = act(client, people["st1"], case, "feedback", result="单位已补发", resolved="yes")
    case = act(client, people["agent"], case, "close", satisfaction="very_satisfied")
    request.refresh_from_db()
    assert case.is_closed and request.satisfaction == "very_satisfied" and request.resolved is True
    # Closed but the caller calls again: the platform reopens it to the callback.
    case = act(client, people["agent"], case, "reopen", comment="职工来电称单位又停发")
    request.refresh_from_db()
    assert case.state == "callback" and request.archived_at is None


def test_return_and_redispatch(client, people, tree, member):
    request = _affair(client, people, member)
    case = act(client, people["st1"], request.case, "return", reason="wrong_area", comment="不在本辖区")
    case = act(client, people["agent"], case, "rule_return", decision="redispatch", units="110101002",
               comment="改派景山站")
    assert Step.objects.get(case=case, is_open=True, kind="work").unit == tree["st2"]


def test_extension_moves_the_deadline(client, people, member):
    request = _affair(client, people, member)
    case = act(client, people["st1"], request.case, "sign")
    step = Step.objects.get(case=case, is_open=True, kind="work")
    before = step.due_at
    case = act(client, people["st1"], case, "request_extension", days=3, comment="需调取考勤记录")
    case = act(client, people["agent"], case, "decide_extension", decision="approve")
    step.refresh_from_db()
    assert step.due_at > before and step.extended_days == 3


def test_urging_by_the_platform(client, people, member):
    request = _affair(client, people, member)
    case = act(client, people["agent"], request.case, "urge", kind="supervise", comment="职工再次来电催问")
    assert Step.objects.get(case=case, is_open=True, kind="work").urge_count == 1
    assert CaseEvent.objects.filter(case=case, action="urge").exists()


@pytest.mark.parametrize(("day", "on_time"), [(13, True), (14, False)])
def test_feedback_within_seven_working_days_across_national_day(client, people, member, clock, day, on_time):
    """Dispatched Mon 2026-09-28: Oct 1–7 are holidays and Sat Oct 10 is worked, so day 7 is Tue Oct 13."""
    clock.set(2026, 9, 28)
    request = _affair(client, people, member)
    step = Step.objects.get(case=request.case, is_open=True)
    assert step.due_at.date() == dt.date(2026, 10, 13)
    clock.set(2026, 9, 29)
    act(client, people["st1"], request.case, "sign")
    clock.set(2026, 10, day, 16)
    act(client, people["st1"], request.case, "feedback", result="已处理", resolved="yes")
    request.refresh_from_db()
    assert request.feedback_on_time is on_time


def test_overdue_affair_is_marked_by_the_sweep(people, member, clock, client):
    from unionserve.workflow.sweep import sweep

    clock.set(2026, 9, 28)
    request = _affair(client, people, member)
    clock.set(2026, 10, 13, 12)
    assert sweep().overdue == 0
    clock.set(2026, 10, 14, 9)
    assert sweep().overdue == 1
    assert Step.objects.get(case=request.case, is_open=True).overdue


def test_window_intake_at_a_station(client, people, tree, member):
    client.force_login(people["st1"])
    response = client.post(reverse("hotline:window"), {
        "caller_phone": "13900002222", "caller_name": "赵师傅", "kind": "affair",
        "category": Category.objects.get(code="KNBF01").pk, "description": "申请困难职工建档",
        "action": "dispatch", "units": "110101001", "filed_units": "", "answer": "", "refer_to": "", "member": ""})
    assert response.status_code == 302, response.content.decode()[:1500]
    request = HotlineRequest.objects.select_related("case").get()
    assert request.channel == "window" and request.case.owner_unit == tree["st1"] and request.case.state == "handling"


def test_a_station_cannot_see_another_stations_affairs(client, people, member):
    request = _affair(client, people, member)
    client.force_login(people["st3"])
    assert client.get(reverse("hotline:request", args=[request.pk])).status_code == 404
    assert request.case.number not in client.get(reverse("hotline:requests")).content.decode()
    assert client.get(reverse("workflow:case", args=[request.case.number])).status_code == 404
    client.force_login(people["st1"])
    assert client.get(reverse("hotline:request", args=[request.pk])).status_code == 200
    client.force_login(people["dc"])  # the district holds a filing copy: reads
    assert client.get(reverse("hotline:request", args=[request.pk])).status_code == 200


def test_member_lookup_history_and_routing(client, people, member, tree):
    Category.objects.filter(code="LDGX").update(default_level=3)
    _affair(client, people, member)
    client.force_login(people["agent"])
    page = client.get(reverse("hotline:lookup"), {"caller_phone": "13912345678"}).content.decode()
    assert "王芳" in page and "139****5678" in page and "13912345678" not in page
    page = client.get(reverse("hotline:lookup"), {"member_q": "WF"}).content.decode()
    assert "王芳" in page
    history = client.get(reverse("hotline:history"), {"caller_phone": "139 1234 5678"}).content.decode()
    assert "SW" in history
    history = client.get(reverse("hotline:history"), {"member": member.pk}).content.decode()
    assert "SW" in history
    routing = client.get(reverse("hotline:routing"), {"category": Category.objects.get(code="LDGX02").pk,
                                                      "member": member.pk}).content.decode()
    assert 'value="110101001"' in routing  # the member's station (the category's default level 3)
    assert "110101" in routing and "IND05" in routing  # filing: district and industry union


def test_routing_suggests_the_categorys_department(people, tree, member):
    from unionserve.hotline.services import suggest_routing

    legal = Category.objects.get(code="FLYZ")
    legal.default_unit = tree["dept"]
    legal.default_level = 1
    legal.save()
    routing = suggest_routing(Category.objects.get(code="FLYZ02"), member, people["agent"])
    assert [u.code for u in routing.units] == ["D02"]
    assert {u.code for u in routing.filed} == {"110101", "IND05"}


def test_member_page_lists_the_members_requests(client, people, member):
    request = _affair(client, people, member)
    client.force_login(people["office"])
    page = client.get(reverse("members:detail", args=[member.pk])).content.decode()
    assert request.case.number in page


def test_category_edit_with_version_and_audit(client, people):
    from unionserve.audit.models import AuditEvent

    cat = Category.objects.get(code="QT")
    client.force_login(people["office"])
    url = reverse("hotline:category_edit", args=[cat.pk])
    base = {"code": "QT", "name": "其他事项", "sort_order": 110, "active": "on", "parent": "", "default_level": "",
            "default_unit_code": "D02"}
    assert client.post(url, {**base, "version": 1}).status_code == 302
    cat.refresh_from_db()
    assert cat.name == "其他事项" and cat.version == 2 and cat.default_unit.code == "D02"
    assert AuditEvent.objects.filter(action="category_changed").count() == 1
    client.post(url, {**base, "name": "旧的", "version": 1})  # a stale form
    cat.refresh_from_db()
    assert cat.name == "其他事项"
    assert client.post(url, {**base, "default_unit_code": "NOPE", "version": 2}).status_code == 400
    client.force_login(people["agent"])
    assert client.get(reverse("hotline:categories")).status_code == 403


def test_generic_open_page_refuses_hotline_processes(client, people):
    client.force_login(people["agent"])
    response = client.post(reverse("workflow:open", args=["consultation"]), {
        "title": "x", "channel": "phone", "priority": "normal", "comment": ""})
    assert response.status_code in (200, 400) and not Case.objects.exists()


def test_a_window_cannot_refer_and_is_told_so(client, people):
    client.force_login(people["st1"])
    response = client.post(reverse("hotline:window"), {
        "caller_phone": "13900002222", "caller_name": "赵师傅", "kind": "consultation",
        "category": Category.objects.get(code="QT").pk, "description": "一个问题一个问题", "action": "refer",
        "refer_to": "D02", "units": "", "filed_units": "", "answer": "", "member": ""})
    assert response.status_code == 400 and not Case.objects.exists()


def test_demo_requests_are_seeded_once(people, tree, make_user):
    from unionserve.core.roles import Role
    from unionserve.hotline.demo import seed_demo_requests
    from unionserve.members.tests.factories import id_number, make_member

    make_user(tree["city"], Role.HOTLINE_AGENT, username="agent2")
    people["legal"].username = "legaldept"
    people["legal"].save(update_fields=["username"])
    people["st1"].username = "station"
    people["st1"].save(update_fields=["username"])
    for i in range(6):
        make_member(tree["g1"] if i % 2 else tree["g2"], f"职工{i}", number=id_number(seq=500 + i),
                    phone=f"1390000{i:04d}")
    made = seed_demo_requests()
    assert made >= 25 and HotlineRequest.objects.count() == made
    states = set(HotlineRequest.objects.values_list("case__state", flat=True))
    assert {"closed", "answering", "specialist", "callback", "handling"} <= states
    assert Step.objects.filter(process="affair", is_open=True, due_at__lt=dt.datetime.now(dt.UTC)).exists()
    assert seed_demo_requests() == 0


def test_intake_and_lookup_stay_lean(client, people, member, django_assert_max_num_queries):
    from unionserve.hotline import actions, services

    category = Category.objects.get(code="LDGX02")
    actions.take_request(services.Intake(kind="affair", category=category, description="预热一次",
                                          caller_name="甲", caller_phone="13900001111", units=["110101001"]),
                          acting_user=people["agent"])
    with django_assert_max_num_queries(60):
        actions.take_request(services.Intake(
            kind="affair", category=category, description="拖欠工资", caller_name="王芳",
            caller_phone="13912345678", units=["110101001"], filed_units=["110101", "IND05"]),
            acting_user=people["agent"])
    client.force_login(people["agent"])
    client.get(reverse("hotline:lookup"), {"caller_phone": "13912345678"})
    with django_assert_max_num_queries(8):
        client.get(reverse("hotline:lookup"), {"caller_phone": "13912345678"})


def test_calling_back_shows_the_number_once_audited(client, people, member, tree, make_user):
    from unionserve.audit.models import AuditEvent
    from unionserve.core.roles import Role

    request = _affair(client, people, member)
    url = reverse("hotline:request_reveal", args=[request.pk])
    client.force_login(people["agent"])
    page = client.get(reverse("hotline:request", args=[request.pk])).content.decode()
    assert "13912345678" not in page and "139****5678" in page
    page = client.post(url).content.decode()
    assert 'href="tel:13912345678"' in page
    event = AuditEvent.objects.get(action="pii_viewed")
    assert event.object_id == str(request.pk) and event.actor == people["agent"]
    client.force_login(people["st1"])  # the handling station must reach the worker
    assert "13912345678" in client.post(url).content.decode()
    client.force_login(make_user(tree["city"], Role.AUDITOR, username="auditor"))  # reads, does not call
    assert client.get(reverse("hotline:request", args=[request.pk])).status_code == 200
    assert client.post(url).status_code == 403
    client.force_login(people["st3"])
    assert client.post(url).status_code == 404
    assert AuditEvent.objects.filter(action="pii_viewed").count() == 2


def test_a_window_sends_an_unanswerable_question_up_to_the_platform(client, people, tree):
    client.force_login(people["st1"])
    response = client.post(reverse("hotline:window"), {
        "caller_phone": "13900002222", "caller_name": "赵师傅", "kind": "consultation",
        "category": Category.objects.get(code="ZCZX02").pk, "description": "灵活就业人员怎么参加医保？",
        "action": "register", "units": "", "filed_units": "", "answer": "", "member": ""})
    assert response.status_code == 302
    request = HotlineRequest.objects.select_related("case").get()
    case = act(client, people["st1"], request.case, "escalate", comment="服务站无法答复")
    assert case.current_unit == tree["dc"]
    case = act(client, people["dc"], case, "escalate", comment="转12351平台")
    assert case.current_unit == tree["city"] and case.state == "answering"
    client.force_login(people["agent"])
    assert case.number in client.get(reverse("hotline:workbench")).content.decode()  # "to answer or dispatch"
    case = act(client, people["agent"], case, "answer", answer="可在户籍或居住地医保经办机构办理灵活就业参保。")
    request.refresh_from_db()
    assert case.is_closed and request.answered_unit == tree["city"] and request.channel == "window"


def test_a_department_returns_a_referral_and_the_platform_refers_it_elsewhere(client, people, tree):
    from unionserve.hotline import actions, services

    request = actions.take_request(services.Intake(
        kind="consultation", category=Category.objects.get(code="HZBZ02"), description="互助保障理赔要多久？",
        caller_name="甲", caller_phone="13900001111", refer_to=["D02"]), acting_user=people["agent"])
    case = act(client, people["legal"], request.case, "return", reason="not_ours", comment="属互助保险中心")
    case = act(client, people["agent"], case, "rule_return", decision="redispatch", units="D07",
               comment="转互助保险中心")
    assert Step.objects.get(case=case, is_open=True, kind="work").unit == tree["dept7"]
    assert case.state == "specialist"
