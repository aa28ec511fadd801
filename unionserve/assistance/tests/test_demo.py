"""The demo seeder: the fund, files in every state, one program per season, once."""

from unionserve.assistance.demo import seed_demo
from unionserve.assistance.models import EmergencyAid, FileStatus, Fund, HardshipFile, Program, SkillApplication
from unionserve.core.roles import Role
from unionserve.payouts.public import Payment
from unionserve.workflow.models import Case


def test_demo_is_seeded_once(tree, make_user):
    from unionserve.members.tests.factories import make_member

    make_user(tree["city"], Role.CITY_OFFICE, username="cityoffice")
    make_user(tree["dc"], Role.CENTER_STAFF, username="dongcheng")
    make_user(tree["st1"], Role.SOCIAL_WORKER, username="station")
    for i in range(24):
        make_member(tree["g1" if i % 2 else "g2"], f"职工{i:02d}", phone=f"139{i:08d}", hardship=i in (20, 21))
    line = seed_demo()
    assert "4 programs" in line, line
    assert seed_demo() == "already seeded"
    assert {s for s in HardshipFile.objects.values_list("status", flat=True)} == set(FileStatus.values)
    assert {"submit", "district_review", "city_decision", "approved", "rejected"} <= set(
        Case.objects.filter(process="assistance_hardship").values_list("state", flat=True))
    assert Program.objects.count() == 4 and Program.objects.filter(status="approved").count() == 2
    assert Payment.objects.filter(purpose="assistance.program").exists()
    assert EmergencyAid.objects.filter(status="granted").count() == 1
    assert SkillApplication.objects.count() == 3
    assert Fund.objects.get().balance >= 0
