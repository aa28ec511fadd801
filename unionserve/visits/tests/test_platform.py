"""Platform services count as served visits when the case has a member: 12351, mediation, legal aid."""


from django.utils import timezone

from unionserve.hotline.models import HotlineRequest
from unionserve.hotline.tests.test_processes import _affair, act, workbench_post
from unionserve.visits.models import ServedVisit, VisitKind


def _case(tree, process, number):
    from unionserve.workflow.models import Case

    return Case.objects.create(number=number, process=process, state="x", title="t", owner_unit=tree["dc"],
                               current_unit=tree["dc"])


def test_a_12351_consultation_closed_for_a_member_is_a_visit(client, tree, make_user, people):
    from unionserve.core.roles import Role

    agent = make_user(tree["city"], Role.HOTLINE_AGENT, username="agent")
    workbench_post(client, agent, answer="可以申请劳动仲裁。", member=people["m1"].pk)
    workbench_post(client, agent, answer="不是会员的来电。", caller_phone="13900002222")  # no member: no visit
    visit = ServedVisit.objects.get()
    assert (visit.member, visit.service, visit.kind, visit.day) == (
        people["m1"], "hotline", VisitKind.PLATFORM, timezone.localdate())
    assert visit.source == f"case:{HotlineRequest.objects.get(member=people['m1']).case.number}"


def test_a_12351_affair_counts_when_it_closes_not_before(client, tree, make_user, people):
    from unionserve.core.roles import Role
    from unionserve.orgs.actions import create_unit
    from unionserve.orgs.models import UnitKind

    create_unit(name="职工互助保险服务中心", kind=UnitKind.DEPARTMENT, region_parent=tree["city"], code="D07")
    hp = {"agent": make_user(tree["city"], Role.HOTLINE_AGENT, username="agent")}
    request = _affair(client, hp, people["m1"])
    assert not ServedVisit.objects.exists()
    case = act(client, people["st1"], request.case, "sign")
    case = act(client, people["st1"], case, "feedback", result="已补发", resolved="yes")
    assert not ServedVisit.objects.exists()
    act(client, hp["agent"], case, "close", satisfaction="satisfied")
    assert ServedVisit.objects.get().service == "hotline"


def test_a_concluded_mediation_counts_for_each_member_party(tree, people):
    from unionserve.mediation.models import MediationCase, Outcome, Party
    from unionserve.mediation.process import _conclude

    case = _case(tree, "mediation", "TJ20260001")
    mc = MediationCase.objects.create(case=case, path="down", dispute_type="wages", summary="s", employer_name="e")
    Party.objects.create(mediation=mc, name="王一", member=people["m1"])
    Party.objects.create(mediation=mc, name="张某", member=None)
    _conclude(case, {"reason": "r"}, people["dc"], Outcome.TERMINATED, "reason")
    assert list(ServedVisit.objects.values_list("member", "service", "source")) == [
        (people["m1"].pk, "mediation", "case:TJ20260001")]


def test_a_concluded_legal_aid_case_counts_for_its_member(tree, people):
    from unionserve.legalaid.actions import on_archive
    from unionserve.legalaid.models import LegalAidCase

    case = _case(tree, "legalaid", "FY20260001")
    LegalAidCase.objects.create(case=case, path="down", applicant_name="王一", member=people["m1"],
                                dispute_type="wages", employer_name="e", matter="m")
    on_archive(case, {}, people["city"])
    on_archive(case, {}, people["city"])  # twice the same day: one visit
    assert ServedVisit.objects.filter(service="legalaid", member=people["m1"], day=timezone.localdate()).count() == 1
    other = _case(tree, "legalaid", "FY20260002")
    LegalAidCase.objects.create(case=other, path="down", applicant_name="无会员", dispute_type="wages",
                                employer_name="e", matter="m")
    on_archive(other, {}, people["city"])
    assert ServedVisit.objects.count() == 1
