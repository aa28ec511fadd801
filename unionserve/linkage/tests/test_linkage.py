"""Six-party linkage through its pages and actions: refer, receive, outcome, scope, optimistic locking."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from unionserve.linkage import actions, rules
from unionserve.linkage.demo import seed_demo_partners
from unionserve.linkage.models import Direction, PartnerBody, Referral, ReferralStatus
from unionserve.workflow.models import Case, CaseEvent
from unionserve.workflow.timeline import append_event

pytestmark = pytest.mark.django_db


def today():
    return timezone.localdate()


def test_a_station_refers_its_case_through_the_case_page(client, people, partners, case):
    client.force_login(people["st1"])
    page = client.get(reverse("workflow:case", args=[case.number])).content.decode()
    assert "linkage/cases/" in page and reverse("linkage:refer", args=[case.number]) in page
    form = client.get(reverse("linkage:refer", args=[case.number])).content.decode()
    # Partners of the station, its district and the city are offered; another district's and inactive are not.
    assert "东华门街道司法所" in form and "东城区人民法院" in form and "北京市高级人民法院" in form
    assert "海淀区人民法院" not in form and "旧信访办" not in form
    version = Case.objects.get(pk=case.pk).version
    response = client.post(reverse("linkage:refer", args=[case.number]), {
        "partner": partners["dc_court"].pk, "referred_on": today().isoformat(), "reason": "调解不成，诉调对接",
        "contact": "王法官 010-1"})
    assert response.status_code == 302
    referral = Referral.objects.get()
    assert (referral.direction, referral.status, referral.unit_id) == (Direction.OUTGOING, ReferralStatus.SENT,
                                                                       people["st1"].org_unit_id)
    # On the timeline, without touching the case's version (no workflow action was taken).
    event = CaseEvent.objects.get(case=case, action="referral")
    # "Partner" and "Court (法院)" as the zh-hans catalog renders them.
    assert ["联动单位", "东城区人民法院（人民法院）"] in event.data["fields"]
    assert Case.objects.get(pk=case.pk).version == version
    page = client.get(reverse("workflow:case", args=[case.number])).content.decode()
    assert "调解不成，诉调对接" in page and "东城区人民法院" in page


def test_refer_form_errors_say_what_to_fix(client, people, partners, case):
    client.force_login(people["st1"])
    url = reverse("linkage:refer", args=[case.number])
    tomorrow = today() + dt.timedelta(days=1)
    response = client.post(url, {"partner": partners["dc_court"].pk, "referred_on": tomorrow.isoformat(),
                                 "reason": "x"})
    assert response.status_code == 400
    assert "日期不能晚于今天。" in response.content.decode()  # "The date cannot be in the future."
    before = timezone.localdate(case.opened_at) - dt.timedelta(days=1)
    response = client.post(url, {"partner": partners["dc_court"].pk, "referred_on": before.isoformat(),
                                 "reason": "x"})
    assert response.status_code == 400
    # Another district's partner is not a valid choice.
    response = client.post(url, {"partner": partners["hd_court"].pk, "referred_on": today().isoformat(),
                                 "reason": "x"})
    assert response.status_code == 400
    assert not Referral.objects.exists()


def test_scope_other_district_filing_copy_and_permission(client, people, partners, case):
    referral = actions.refer_case(case, acting_user=people["st1"], partner=partners["dc_court"],
                                  referred_on=today(), reason="r")
    # A station of another district sees neither the case, nor its referral.
    client.force_login(people["st3"])
    assert client.get(reverse("linkage:refer", args=[case.number])).status_code == 404
    assert client.get(reverse("linkage:referral", args=[referral.pk])).status_code == 404
    assert "东城区人民法院" not in client.get(reverse("linkage:referrals")).content.decode()
    assert client.get(f"/api/linkage/referrals/{referral.pk}").status_code == 404
    assert client.get("/api/linkage/referrals").json()["count"] == 0
    # 海淀 holds only a filing copy: it reads the case and the referral, but may not refer or act.
    client.force_login(people["hd"])
    assert client.get(reverse("workflow:case", args=[case.number])).status_code == 200
    assert client.get(reverse("linkage:refer", args=[case.number])).status_code == 403
    detail = client.get(reverse("linkage:referral", args=[referral.pk]))
    assert detail.status_code == 200 and 'name="which"' not in detail.content.decode()
    assert client.post(reverse("linkage:referral", args=[referral.pk]), {"which": "outcome"}).status_code == 403
    with pytest.raises(PermissionDenied):
        actions.refer_case(case, acting_user=people["hd"], partner=partners["hd_court"], referred_on=today(),
                           reason="r")
    # The district above the handling station may refer; a grassroots officer (no REFER_CASES) may not.
    assert actions.may_refer(case, people["dc"])
    client.force_login(people["g1"])
    assert client.get(reverse("linkage:referrals")).status_code == 403
    assert client.get("/api/linkage/referrals").status_code == 403


def test_outcome_rules_at_the_limits(people, partners, case):
    r = actions.refer_case(case, acting_user=people["st1"], partner=partners["dc_court"],
                           referred_on=today(), reason="r")
    with translation.override("zh-hans"):  # the users' language
        no_outcome = gettext("Describe the outcome (what the partner decided or did).")
        closed = gettext("This referral is already closed (%(status)s); its outcome cannot change.") % {
            "status": ReferralStatus.CONCLUDED.label}
    with pytest.raises(ValidationError, match=re.escape(no_outcome)):
        actions.record_outcome(r, acting_user=people["st1"], version=r.version, status=ReferralStatus.CONCLUDED,
                               outcome="", outcome_on=today())
    # The outcome date: one day before the referral is refused, the referral's own date is accepted.
    with pytest.raises(ValidationError):
        actions.record_outcome(r, acting_user=people["st1"], version=r.version, status=ReferralStatus.CONCLUDED,
                               outcome="ok", outcome_on=r.referred_on - dt.timedelta(days=1))
    with pytest.raises(ValidationError):
        actions.record_outcome(r, acting_user=people["st1"], version=r.version, status=ReferralStatus.CONCLUDED,
                               outcome="ok", outcome_on=today() + dt.timedelta(days=1))
    r = actions.record_outcome(r, acting_user=people["st1"], version=r.version, status=ReferralStatus.IN_PROGRESS)
    r = actions.record_outcome(r, acting_user=people["st1"], version=r.version, status=ReferralStatus.CONCLUDED,
                               outcome="法院调解结案", outcome_on=r.referred_on, amount=Decimal("8000.50"))
    assert (r.status, r.amount, r.version) == (ReferralStatus.CONCLUDED, Decimal("8000.50"), 3)
    with pytest.raises(ValidationError, match=re.escape(closed)):
        actions.record_outcome(r, acting_user=people["st1"], version=r.version, status=ReferralStatus.DECLINED,
                               outcome="x", outcome_on=today())
    labels = list(CaseEvent.objects.filter(case=case, action="referral").values_list("action_label", flat=True))
    assert len(labels) == 3


def test_rules_pure():
    d = dt.date(2026, 11, 20)
    assert rules.check_outcome("sent", "declined", outcome="no", outcome_on=d, referred_on=d, today=d,
                               amount=Decimal("1")) is not None  # declined recovers nothing
    assert rules.check_outcome("sent", "declined", outcome="no", outcome_on=d, referred_on=d, today=d,
                               amount=None) is None
    assert rules.check_outcome("sent", "concluded", outcome="ok", outcome_on=d, referred_on=d, today=d,
                               amount=rules.MAX_AMOUNT) is None
    assert rules.check_outcome("sent", "concluded", outcome="ok", outcome_on=d, referred_on=d, today=d,
                               amount=rules.MAX_AMOUNT + Decimal("0.01")) is not None
    assert rules.check_outcome("sent", "concluded", outcome="ok", outcome_on=d, referred_on=d, today=d,
                               amount=Decimal("-0.01")) is not None
    assert rules.check_outcome("in_progress", "received", outcome="", outcome_on=None, referred_on=d, today=d,
                               amount=None) is not None
    assert rules.check_referral_date(d, d, d) is None
    assert rules.check_referral_date(d + dt.timedelta(days=1), d) is not None
    assert rules.check_referral_date(d - dt.timedelta(days=1), d, d) is not None


def test_two_users_recording_an_outcome_at_once(client, people, partners, case):
    r = actions.refer_case(case, acting_user=people["st1"], partner=partners["dc_court"], referred_on=today(),
                           reason="r")
    url = reverse("linkage:referral", args=[r.pk])
    client.force_login(people["st1"])
    data = {"which": "outcome", "outcome-version": r.version, "outcome-status": "concluded",
            "outcome-outcome": "已调解", "outcome-outcome_on": today().isoformat(), "outcome-amount": "100"}
    assert client.post(url, data).status_code == 302
    client.force_login(people["st1b"])
    response = client.post(url, {**data, "outcome-outcome": "别的结果"}, follow=True)
    # msgstr of "This record was changed by someone else after you opened it. Reload the page and try again."
    assert "您打开此记录后，其他人已修改。请刷新页面后重试。" in response.content.decode()
    r.refresh_from_db()
    assert r.outcome == "已调解" and r.version == 2
    # The API answers 409 to a stale version.
    api = client.post(f"/api/linkage/referrals/{r.pk}/outcome", {"version": 1, "status": "declined",
                                                                  "outcome": "x", "outcome_on": str(today())},
                      content_type="application/json")
    assert api.status_code in (400, 409)


def test_stale_version_is_409_in_the_api(client, people, partners, case):
    r = actions.refer_case(case, acting_user=people["st1"], partner=partners["dc_court"], referred_on=today(),
                           reason="r")
    client.force_login(people["st1"])
    url = f"/api/linkage/referrals/{r.pk}/outcome"
    ok = client.post(url, {"version": 1, "status": "in_progress"}, content_type="application/json")
    assert ok.status_code == 200 and ok.json()["version"] == 2
    stale = client.post(url, {"version": 1, "status": "concluded", "outcome": "x", "outcome_on": str(today())},
                        content_type="application/json")
    assert stale.status_code == 409


def test_incoming_referral_recorded_then_linked(client, people, partners, case):
    client.force_login(people["dc"])
    response = client.post(reverse("linkage:incoming"), {
        "partner": partners["dc_hrss"].pk, "referred_on": today().isoformat(), "reason": "监察转来欠薪线索",
        "contact": "李科长", "case_number": ""})
    referral = Referral.objects.get()
    assert response.status_code == 302 and referral.case is None and referral.status == ReferralStatus.RECEIVED
    assert "监察转来欠薪线索" not in client.get(reverse("workflow:case", args=[case.number])).content.decode()
    # An unlinked referral is scoped by the unit that recorded it.
    client.force_login(people["hd"])
    assert client.get(reverse("linkage:referral", args=[referral.pk])).status_code == 404
    client.force_login(people["dc"])
    response = client.post(reverse("linkage:referral", args=[referral.pk]), {
        "which": "link", "link-version": referral.version, "link-case_number": case.number})
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.case_id == case.pk and referral.version == 2
    assert CaseEvent.objects.filter(case=case, action="referral").count() == 1
    # Linking twice is refused.
    with pytest.raises(ValidationError):
        actions.link_case(referral, acting_user=people["dc"], version=referral.version, case=case)


AID = {"open_applicant_name": "张三", "open_employer_name": "某建筑公司", "open_dispute_type": "wages",
       "open_matter": "代理劳动仲裁"}


def test_incoming_referral_opens_a_legal_aid_case_through_the_engine(client, people, partners):
    from unionserve.legalaid.models import LegalAidCase

    client.force_login(people["office"])
    page = client.get(reverse("linkage:incoming")).content.decode()
    assert "?process=legalaid" in page and "?process=workorder" not in page  # only intake processes
    url = reverse("linkage:incoming") + "?process=legalaid"
    response = client.post(url, {
        "partner": partners["city_court"].pk, "referred_on": today().isoformat(), "reason": "法院转来法律援助申请",
        "title": "法院转来：张三诉某建筑公司", "subject_name": "张三", **AID})
    assert response.status_code == 302, response.content.decode()[:2000]
    case = Case.objects.get()
    referral = Referral.objects.get()
    assert referral.case == case and referral.direction == Direction.INCOMING and case.process == "legalaid"
    assert LegalAidCase.objects.get(case=case).employer_name == "某建筑公司"  # the process's own intake ran
    assert case.subject_name == "张三"
    assert list(CaseEvent.objects.filter(case=case).values_list("action", flat=True)) == ["opened", "referral"]


def test_incoming_with_a_bad_referral_opens_nothing(client, people, partners):
    client.force_login(people["office"])
    url = reverse("linkage:incoming") + "?process=legalaid"
    response = client.post(url, {
        "partner": partners["city_court"].pk, "referred_on": (today() + dt.timedelta(days=1)).isoformat(),
        "reason": "x", "title": "t", **AID})
    assert response.status_code == 400
    assert not Case.objects.exists() and not Referral.objects.exists()
    # A process the user may not open, or one that is not an intake process, is not offered.
    client.force_login(people["st1"])
    assert client.get(reverse("linkage:incoming") + "?process=legalaid").status_code == 404
    assert client.get(reverse("linkage:incoming") + "?process=legalaid_up").status_code == 200
    client.force_login(people["office"])
    assert client.get(reverse("linkage:incoming") + "?process=workorder").status_code == 404


def test_api_refer_and_incoming(client, people, partners, case):
    client.force_login(people["st1"])
    response = client.post(f"/api/linkage/cases/{case.number}/referrals", {
        "partner_id": partners["st1_office"].pk, "referred_on": str(today()), "reason": "司法所调解"},
        content_type="application/json")
    assert response.status_code == 201 and response.json()["case"] == case.number
    bad = client.post(f"/api/linkage/cases/{case.number}/referrals", {
        "partner_id": partners["hd_court"].pk, "referred_on": str(today()), "reason": "x"},
        content_type="application/json")
    assert bad.status_code == 400
    listed = client.get("/api/linkage/partners").json()
    names = {p["name"] for p in listed["items"]}
    assert "东华门街道司法所" in names and "海淀区人民法院" not in names
    client.force_login(people["office"])
    opened = client.post("/api/linkage/received", {
        "partner_id": partners["city_court"].pk, "referred_on": str(today()), "reason": "委派",
        "open_process": "legalaid", "title": "法院转来", "data": {
            "applicant_name": "李四", "employer_name": "某公司", "dispute_type": "wages", "matter": "仲裁"}},
        content_type="application/json")
    assert opened.status_code == 201 and opened.json()["case"].startswith("FY")
    refused = client.post("/api/linkage/received", {
        "partner_id": partners["city_court"].pk, "referred_on": str(today()), "reason": "x",
        "open_process": "workorder", "title": "t", "data": {}}, content_type="application/json")
    assert refused.status_code == 400
    st3 = client.get(f"/api/linkage/referrals?case={case.number}").json()
    assert st3["count"] == 1


def test_partner_registry_edit_with_version(client, people, partners):
    client.force_login(people["dc"])
    listing = client.get(reverse("linkage:partners")).content.decode()
    assert "东城区人民法院" in listing and "北京市高级人民法院" in listing and "海淀区人民法院" not in listing
    p = partners["dc_court"]
    url = reverse("linkage:partner_edit", args=[p.pk])
    base = {"kind": "court", "name": "东城区人民法院", "unit": "110101", "contact_person": "王", "phone": "1",
            "address": "", "active": "on"}
    assert client.post(url, {**base, "version": 1}).status_code == 302
    response = client.post(url, {**base, "version": 1, "phone": "2"})
    assert response.status_code == 400
    p.refresh_from_db()
    assert p.phone == "1" and p.version == 2
    # A district may not edit the city's partner, nor one of another district (404: not in scope).
    assert client.get(reverse("linkage:partner_edit", args=[partners["city_court"].pk])).status_code == 404
    assert client.get(reverse("linkage:partner_edit", args=[partners["hd_court"].pk])).status_code == 404
    created = client.post(reverse("linkage:partner_new"), {**base, "name": "东城区企业联合会",
                                                            "kind": "enterprise_fed"})
    assert created.status_code == 302 and PartnerBody.objects.filter(name="东城区企业联合会").exists()
    dup = client.post(reverse("linkage:partner_new"), {**base, "name": "东城区企业联合会", "kind": "enterprise_fed"})
    assert dup.status_code == 400


def test_referrals_list_filters(client, people, partners, case):
    actions.refer_case(case, acting_user=people["st1"], partner=partners["dc_court"], referred_on=today(),
                       reason="r1")
    actions.receive_referral(acting_user=people["dc"], partner=partners["dc_hrss"], referred_on=today(),
                             reason="r2")
    client.force_login(people["dc"])
    assert "东城区人民法院" in client.get(reverse("linkage:referrals")).content.decode()
    only_unlinked = client.get(reverse("linkage:referrals"), {"unlinked": "on"}).content.decode()
    assert "东城区人力资源和社会保障局" in only_unlinked and "东城区人民法院" not in only_unlinked
    outgoing = client.get(reverse("linkage:referrals"), {"direction": "out"}).content.decode()
    assert "东城区人民法院" in outgoing and "东城区人力资源和社会保障局" not in outgoing


def test_timeline_helper_refuses_engine_codes(people, case):
    for code in ("comment", "overdue", "dispatch"):
        with pytest.raises(ImproperlyConfigured):
            append_event(case, code, "x", actor=people["office"])


def test_demo_partners_are_idempotent(tree):
    first = seed_demo_partners()
    # city 5 + two district centres × 5 + three stations × the four street offices of seed 001 §二(五)2
    assert first == 5 + 2 * 5 + 3 * 4
    assert seed_demo_partners() == 0
    kinds = set(PartnerBody.objects.filter(unit=tree["st1"]).values_list("kind", flat=True))
    assert kinds == {"judicial_office", "social_security", "letters_visits", "governance"}


def test_demo_partners_include_the_largest_employer_of_each_station(tree):
    from unionserve.members.public import Employer

    Employer.objects.create(name="北京某某百货有限公司", uscc="91110101MA00000001", station=tree["st1"],
                            reported_members=300)
    Employer.objects.create(name="北京某某小店", uscc="91110101MA00000002", station=tree["st1"], reported_members=3)
    seed_demo_partners()
    employer = PartnerBody.objects.get(unit=tree["st1"], kind="employer")
    assert employer.name == "北京某某百货有限公司"
    assert not PartnerBody.objects.filter(unit=tree["st2"], kind="employer").exists()


def test_incoming_referral_opens_a_mediation_case(client, people, partners):
    from unionserve.workflow.registry import registry

    if "mediation" not in registry:
        pytest.skip("the mediation process is not installed")
    from django.apps import apps

    client.force_login(people["dc"])
    assert "?process=mediation" in client.get(reverse("linkage:incoming")).content.decode()
    response = client.post(reverse("linkage:incoming") + "?process=mediation", {
        "partner": partners["dc_hrss"].pk, "referred_on": today().isoformat(), "reason": "人社局转来欠薪争议",
        "title": "人社局转来：某餐饮公司欠薪", "open_dispute_type": "wages", "open_summary": "拖欠两个月工资",
        "open_workers": "王五\n赵六", "open_employer_name": "某餐饮公司", "open_claims": "工资,12000"})
    assert response.status_code == 302, response.content.decode()[:3000]
    case = Case.objects.get(process="mediation")
    mediation = apps.get_model("mediation", "MediationCase").objects.get(case=case)
    assert mediation.parties.count() == 2 and mediation.claims_total() == Decimal("12000")
    assert Referral.objects.get().case == case


def test_the_other_units_of_the_case_are_told(people, partners, case):
    from unionserve.notifications.models import Notification

    before = set(Notification.objects.values_list("pk", flat=True))
    actions.refer_case(case, acting_user=people["dc"], partner=partners["dc_court"], referred_on=today(),
                       reason="诉调对接")
    new = Notification.objects.exclude(pk__in=before)
    recipients = {n.recipient_unit.code for n in new.select_related("recipient_unit")}
    # The city (opened it) and station 1 (handles it) are told; 海淀 (filing copy only) and 东城 (acted) are not.
    assert recipients == {"110000", "110101001"}
    assert all(n.event == "linkage.referral" for n in new)
