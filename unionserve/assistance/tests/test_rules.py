"""The rules of issue 19 items 1–3 at their limits."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from unionserve.assistance import actions
from unionserve.assistance.models import (
    FileStatus,
    FundEntry,
    Nomination,
    NominationStatus,
    Program,
    ProgramStatus,
    SkillStatus,
)
from unionserve.members.models import SpecialGroupRecord
from unionserve.payouts.public import Payment

from .conftest import apply_file, approve_file


def _program(people, tree, amount="500", budget="100000", kind="spring"):
    return actions.create_program(kind=kind, year=2026, title="两节送温暖", amount=Decimal(amount),
                                  sms_text="工会送温暖慰问金已发放", acting_user=people["city"],
                                  budgets={tree["dc"].pk: Decimal(budget), tree["hd"].pk: Decimal(budget)})


# --- the fund ---

def test_fund_that_would_go_negative_refuses_the_grant_whole(people, tree, mem, fund):
    mem["a"].hardship = True
    mem["a"].save()
    mem["c"].hardship = True
    mem["c"].save()
    actions.add_income(fund, amount=Decimal("999.99"), memo="市总工会拨款", acting_user=people["city"])
    program = _program(people, tree)
    assert actions.draw_nominations(program, acting_user=people["city"]) == 2
    with pytest.raises(ValidationError, match="below zero"):
        actions.approve_program(program, acting_user=people["city"])
    fund.refresh_from_db()
    program.refresh_from_db()
    assert fund.balance == Decimal("999.99")
    assert program.status == ProgramStatus.NOMINATING
    assert not Payment.objects.exists()
    assert not FundEntry.objects.filter(kind="grant").exists()
    # One fen more and the whole list is paid.
    actions.add_income(fund, amount=Decimal("0.01"), memo="捐赠", acting_user=people["city"])
    assert actions.approve_program(program, acting_user=people["city"]) == 2
    fund.refresh_from_db()
    assert fund.balance == Decimal("0.00")


def test_the_database_refuses_a_negative_balance(fund):
    from django.db import IntegrityError, transaction

    fund.balance = Decimal("-1")
    with pytest.raises(IntegrityError), transaction.atomic():
        fund.save()


def test_member_nominated_twice_is_paid_once(people, tree, mem, fund):
    mem["a"].hardship = True
    mem["a"].save()
    actions.add_income(fund, amount=Decimal("10000"), memo="拨款", acting_user=people["city"])
    program = _program(people, tree)
    assert actions.draw_nominations(program, acting_user=people["dc"]) == 1
    # Drawn again (the city-wide draw) and added by hand: still one row.
    assert actions.draw_nominations(program, acting_user=people["city"]) == 0
    with pytest.raises(ValidationError, match="already on the list"):
        actions.add_nomination(program, member=mem["a"], reason="重复提名", acting_user=people["dc"])
    assert Nomination.objects.filter(program=program, member=mem["a"]).count() == 1
    actions.approve_program(program, acting_user=people["city"])
    payments = Payment.objects.filter(member_id=mem["a"].pk)
    assert payments.count() == 1
    assert payments.get().source_key == f"assistance:{program.pk}:{mem['a'].pk}"
    assert payments.get().sms_text == "工会送温暖慰问金已发放"
    # The payment's source key pays once even when asked again.
    from unionserve.payouts.public import request_payment

    again = request_payment(source_key=f"assistance:{program.pk}:{mem['a'].pk}", purpose="assistance.program",
                            member_id=mem["a"].pk, amount=program.amount, user=people["city"])
    assert Payment.objects.filter(member_id=mem["a"].pk).count() == 1
    assert again.pk == payments.get().pk


def test_district_budget_is_kept(people, tree, mem, fund):
    for m in mem.values():
        m.hardship = True
        m.save()
    actions.add_income(fund, amount=Decimal("10000"), memo="拨款", acting_user=people["city"])
    program = _program(people, tree, amount="600", budget="1000")   # Dongcheng has two members: 1200 > 1000
    actions.draw_nominations(program, acting_user=people["city"])
    with pytest.raises(ValidationError, match="over its budget"):
        actions.approve_program(program, acting_user=people["city"])
    nom = Nomination.objects.get(program=program, member=mem["b"])
    actions.remove_nomination(nom.pk, reason="已调离", acting_user=people["dc"])
    assert actions.approve_program(program, acting_user=people["city"]) == 2
    nom.refresh_from_db()
    assert nom.status == NominationStatus.REMOVED


def test_district_draws_and_changes_only_its_own_list(people, tree, mem, fund):
    for m in mem.values():
        m.single_mother = True
        m.save()
    program = _program(people, tree, kind="women")
    assert actions.draw_nominations(program, acting_user=people["hd"]) == 1
    nom = Nomination.objects.get(member=mem["c"])
    assert nom.district == tree["hd"]
    with pytest.raises(ValidationError):
        actions.remove_nomination(nom.pk, reason="x", acting_user=people["dc"])
    with pytest.raises(ValidationError):
        actions.add_nomination(program, member=mem["c"], reason="x", acting_user=people["dc"])


def test_school_aid_draws_from_approved_files_with_children(people, tree, mem, fund):
    file = approve_file(apply_file(mem["a"], people["st1"]), people)
    assert file.children_in_school == 1
    apply_file(mem["b"], people["st1"])  # still under review: not eligible
    program = _program(people, tree, kind="school")
    assert actions.draw_nominations(program, acting_user=people["city"]) == 1
    assert Nomination.objects.get(program=program).member == mem["a"]


# --- skills boost ---

def test_certificate_used_twice_is_refused_the_second_time(people, mem):
    actions.apply_skills(member=mem["a"], basis="technician", certificate_number="GZ 2025-0001",
                         issuer="北京市人力资源和社会保障局", acting_user=people["st1"])
    with pytest.raises(ValidationError, match="already used"):
        # Same certificate written with other spacing, width and case.
        actions.apply_skills(member=mem["b"], basis="technician", certificate_number="ｇｚ2025-0001 ",
                             issuer="北京市人力资源和社会保障局", acting_user=people["st1"])


def test_rejected_application_frees_the_certificate(people, mem):
    app = actions.apply_skills(member=mem["a"], basis="senior", certificate_number="A1", issuer="X",
                               acting_user=people["st1"])
    actions.decide_skills(app.pk, approve=False, reason="证书未核验", acting_user=people["city"])
    again = actions.apply_skills(member=mem["a"], basis="senior", certificate_number="A1", issuer="X",
                                 acting_user=people["st1"])
    assert again.status == SkillStatus.APPLIED


def test_amount_by_level_from_the_policy_on_the_application_day(people, mem, clock):
    from unionserve.policy import actions as policy_actions

    clock.set(2026, 3, 2)
    tech = actions.apply_skills(member=mem["a"], basis="technician", certificate_number="T1", issuer="人社局",
                                acting_user=people["st1"])
    senior = actions.apply_skills(member=mem["a"], basis="senior", certificate_number="S1", issuer="人社局",
                                  acting_user=people["st1"])
    top = actions.apply_skills(member=mem["b"], basis="competition", certificate_number="JS-7", issuer="市总工会",
                               place=10, acting_user=people["st1"])
    assert (tech.amount, senior.amount, top.amount) == (Decimal("1000"), Decimal("2000"), Decimal("2000"))
    with pytest.raises(ValidationError, match="1 to 10"):
        actions.apply_skills(member=mem["b"], basis="competition", certificate_number="JS-8", issuer="市总工会",
                             place=11, acting_user=people["st1"])
    # Mid-year the technician's boost becomes 1,500 from 1 July.
    version = policy_actions.propose("assistance.skills.technician", "1500", dt.date(2026, 7, 1),
                                     acting_user=people["city"], reason="年中调整")
    policy_actions.approve(version.pk, acting_user=people["city2"])
    clock.set(2026, 7, 3)
    before = actions.apply_skills(member=mem["b"], basis="technician", certificate_number="T2", issuer="人社局",
                                  applied_on=dt.date(2026, 6, 30), acting_user=people["st1"])
    after = actions.apply_skills(member=mem["b"], basis="technician", certificate_number="T3", issuer="人社局",
                                 applied_on=dt.date(2026, 7, 1), acting_user=people["st1"])
    assert before.amount == Decimal("1000") and before.policy["version"] == 1
    assert after.amount == Decimal("1500") and after.policy["version"] == 2


def test_skills_approval_pays_once(people, mem):
    app = actions.apply_skills(member=mem["a"], basis="senior", certificate_number="S9", issuer="人社局",
                               acting_user=people["st1"])
    actions.decide_skills(app.pk, approve=True, acting_user=people["city"])
    with pytest.raises(ValidationError):
        actions.decide_skills(app.pk, approve=True, acting_user=people["city"])
    assert Payment.objects.get(source_key=f"assistance:skills:{app.pk}").amount == Decimal("2000")


def test_social_worker_cannot_approve(people, tree, mem, fund):
    app = actions.apply_skills(member=mem["a"], basis="senior", certificate_number="S2", issuer="人社局",
                               acting_user=people["st1"])
    with pytest.raises(PermissionDenied):
        actions.decide_skills(app.pk, approve=True, acting_user=people["st1"])
    program = _program(people, tree)
    with pytest.raises(PermissionDenied):
        actions.approve_program(program, acting_user=people["st1"])
    with pytest.raises(PermissionDenied):
        actions.add_income(fund, amount=Decimal("1"), memo="x", acting_user=people["st1"])
    assert Program.objects.get().status == ProgramStatus.NOMINATING


def test_social_worker_cannot_approve_a_hardship_file_on_the_engine(people, mem):
    from unionserve.workflow import actions as engine
    from unionserve.workflow.errors import NotAllowed

    file = apply_file(mem["a"], people["st1"])
    case = engine.perform(file.case, "submit", actor=people["st1"], version=file.case.version)
    with pytest.raises(NotAllowed):
        engine.perform(case, "recommend", actor=people["st1"], data={"opinion": "x"}, version=case.version)


# --- hardship files ---

def _open_hardship(member):
    return SpecialGroupRecord.objects.filter(member=member, group="hardship", until__isnull=True)


def test_hardship_file_sets_and_ends_the_register_flag_with_history(people, mem, clock):
    clock.set(2026, 1, 10)
    file = apply_file(mem["a"], people["st1"])
    mem["a"].refresh_from_db()
    assert not mem["a"].hardship
    file = approve_file(file, people)
    mem["a"].refresh_from_db()
    assert file.status == FileStatus.APPROVED
    assert file.valid_until == dt.date(2027, 1, 10)
    assert file.policy["validity"]["value"] == "12"
    assert mem["a"].hardship
    assert _open_hardship(mem["a"]).get().source == f"assistance:hardship:{file.pk}"
    # The re-check a year later is missed: the file expires and the member leaves the group, history kept.
    clock.set(2027, 1, 11)
    assert actions.expire_hardship_files() == 1
    file.refresh_from_db()
    mem["a"].refresh_from_db()
    assert file.status == FileStatus.EXPIRED
    assert not mem["a"].hardship
    assert not _open_hardship(mem["a"]).exists()
    record = SpecialGroupRecord.objects.get(member=mem["a"], group="hardship")
    assert record.until is not None and record.since < record.until


def test_recheck_extends_or_ends(people, mem, clock):
    clock.set(2026, 1, 10)
    file = approve_file(apply_file(mem["a"], people["st1"]), people)
    clock.set(2026, 12, 20)
    file = actions.recheck_hardship(file, still_eligible=True, note="仍困难", acting_user=people["st1"])
    assert file.valid_until == dt.date(2027, 12, 20)
    file = actions.recheck_hardship(file, still_eligible=False, note="已再就业", acting_user=people["st1"])
    mem["a"].refresh_from_db()
    assert file.status == FileStatus.ENDED and not mem["a"].hardship


def test_details_are_sealed_and_every_view_audited(people, mem):
    from unionserve.audit.models import AuditEvent

    file = apply_file(mem["a"], people["st1"])
    assert "丈夫" not in file.details_encrypted
    details = actions.details_of(file, user=people["st1"])
    assert details["household"][1]["name"] == "王小明"
    assert AuditEvent.objects.filter(action="pii_viewed", object_id=str(file.pk)).count() == 1
    with pytest.raises(PermissionDenied):
        actions.details_of(file, user=people["st3"])


def test_one_live_file_per_member(people, mem):
    apply_file(mem["a"], people["st1"])
    with pytest.raises(ValidationError, match="already has"):
        apply_file(mem["a"], people["st1"])


def test_station_cannot_apply_for_another_stations_member(people, mem):
    with pytest.raises(ValidationError, match="No such member"):
        apply_file(mem["c"], people["st1"])


def test_the_generic_opening_is_refused(people):
    from unionserve.workflow import actions as engine
    from unionserve.workflow.errors import ActionRefused

    with pytest.raises(ActionRefused):
        engine.open_case("assistance_hardship", actor=people["st1"], title="x")


# --- emergency aid ---

def test_emergency_aid_within_the_cap_from_the_fund(people, mem, fund):
    from unionserve.workflow import actions as engine
    from unionserve.workflow.errors import ActionRefused

    actions.add_income(fund, amount=Decimal("3000"), memo="拨款", acting_user=people["city"])
    aid = actions.apply_emergency(member=mem["a"], what_happened="家中失火", amount_asked=Decimal("6000"),
                                  acting_user=people["st1"])
    case = engine.perform(aid.case, "submit", actor=people["st1"], version=aid.case.version)
    case = engine.perform(case, "recommend", actor=people["dc"], data={"opinion": "属实"}, version=case.version)
    with pytest.raises(ActionRefused, match="5000"):
        engine.perform(case, "grant", actor=people["city"], data={"amount": "5000.01"}, version=case.version)
    with pytest.raises(ActionRefused, match="below zero"):
        engine.perform(case, "grant", actor=people["city"], data={"amount": "4000"}, version=case.version)
    case.refresh_from_db()
    case = engine.perform(case, "grant", actor=people["city"], data={"amount": "3000"}, version=case.version)
    aid.refresh_from_db()
    assert case.state == "granted" and aid.amount_granted == Decimal("3000")
    assert Payment.objects.get(source_key=f"assistance:emergency:{aid.pk}").amount == Decimal("3000")
    fund.refresh_from_db()
    assert fund.balance == 0


def test_model_workers_are_drawn_from_the_registers_open_group_records(people, tree, mem):
    from unionserve.members.public import set_special_group

    set_special_group(mem["a"], "model_worker", True, acting_user=people["city"], detail="北京市劳动模范")
    set_special_group(mem["b"], "model_worker", True, acting_user=people["city"])
    set_special_group(mem["b"], "model_worker", False, acting_user=people["city"])  # no longer: history only
    program = _program(people, tree, kind="labour")
    assert actions.draw_nominations(program, acting_user=people["city"]) == 1
    assert Nomination.objects.get(program=program).member == mem["a"]


def test_inputs_are_bounded(people, mem, fund):
    with pytest.raises(ValidationError):
        actions.add_income(fund, amount=Decimal("0"), memo="x", acting_user=people["city"])
    with pytest.raises(ValidationError):
        actions.add_income(fund, amount=Decimal("100000000.01"), memo="x", acting_user=people["city"])
    with pytest.raises(ValidationError, match="future"):
        actions.apply_skills(member=mem["a"], basis="senior", certificate_number="F1", issuer="X",
                             applied_on=dt.date.today() + dt.timedelta(days=2), acting_user=people["st1"])
    with pytest.raises(ValidationError, match="household"):
        apply_file(mem["a"], people["st1"], household=[{"name": " \u3000"}])


def test_skills_amounts_stay_within_the_seeds_range(people):
    from unionserve.policy import actions as policy_actions

    with pytest.raises(ValidationError):
        policy_actions.propose("assistance.skills.senior_technician", "2500", dt.date.today(),
                               acting_user=people["city"], reason="超出范围")
