"""The pages and the API: scope (404 for another station's file), roles, audit of every view of a file."""

from decimal import Decimal

import pytest

from unionserve.assistance import actions
from unionserve.assistance.models import Nomination, Program, SkillApplication
from unionserve.audit.models import AuditEvent

from .conftest import apply_file, approve_file


@pytest.fixture
def file(people, mem):
    return apply_file(mem["a"], people["st1"])


def test_station_cannot_read_another_stations_file(client_for, people, file):
    assert client_for(people["st3"]).get(f"/assistance/hardship/{file.pk}/").status_code == 404
    assert client_for(people["st3"]).get(f"/api/assistance/hardship-files/{file.pk}").status_code == 404
    assert not AuditEvent.objects.filter(action="pii_viewed").exists()


def test_every_view_of_a_file_is_audited(client_for, people, file):
    client = client_for(people["st1"])
    page = client.get(f"/assistance/hardship/{file.pk}/")
    assert page.status_code == 200
    assert "王小明" in page.content.decode()
    api = client.get(f"/api/assistance/hardship-files/{file.pk}")
    assert api.status_code == 200 and api.json()["details"]["story"].startswith("丈夫")
    assert AuditEvent.objects.filter(action="pii_viewed", object_id=str(file.pk)).count() == 2


def test_the_list_is_masked(client_for, people, file, mem):
    body = client_for(people["st1"]).get("/assistance/hardship/").content.decode()
    assert mem["a"].id_masked in body
    assert "丈夫" not in body and "王小明" not in body
    assert not AuditEvent.objects.filter(action="pii_viewed").exists()


def test_grassroots_officer_cannot_open_the_file(client_for, make_user, tree, file):
    from unionserve.core.roles import Role

    officer = make_user(tree["g1"], Role.GRASSROOTS_OFFICER, username="officer")
    assert client_for(officer).get(f"/assistance/hardship/{file.pk}/").status_code == 403


def test_new_file_page_picks_a_member_and_applies(client_for, people, mem):
    client = client_for(people["st1"])
    found = client.get("/assistance/hardship/new/", {"q": "王芳"})
    assert f"?member={mem['a'].pk}" in found.content.decode()
    assert client.get("/assistance/hardship/new/", {"member": mem["c"].pk}).status_code == 404
    data = {"level": "special", "cause": "disability", "monthly_income": "1200", "monthly_spending": "2600",
            "story": "因残失去劳动能力", "hh-TOTAL_FORMS": "6", "hh-INITIAL_FORMS": "0",
            "hh-0-name": "王芳", "hh-0-relation": "本人", "hh-0-age": "45", "hh-0-income": "1200"}
    response = client.post(f"/assistance/hardship/new/?member={mem['a'].pk}", data)
    assert response.status_code == 302
    assert mem["a"].hardship_files.get().level == "special"


def test_social_worker_cannot_approve_on_the_pages(client_for, people, tree, mem, fund):
    program = actions.create_program(kind="women", year=2026, title="三八助单亲", amount=Decimal("300"),
                                     sms_text="慰问金已发放", acting_user=people["city"])
    app = actions.apply_skills(member=mem["a"], basis="technician", certificate_number="T1", issuer="人社局",
                               acting_user=people["st1"])
    client = client_for(people["st1"])
    assert client.post(f"/assistance/programs/{program.pk}/approve/").status_code == 403
    assert client.post(f"/assistance/skills/{app.pk}/decide/", {"decision": "approve"}).status_code == 403
    assert client.post(f"/api/assistance/skills/{app.pk}/decide", {"approve": True},
                       content_type="application/json").status_code == 403
    assert SkillApplication.objects.get().status == "applied"
    assert Program.objects.get().status == "nominating"


def test_program_pages_draw_remove_add_approve(client_for, people, tree, mem, fund):
    for m in mem.values():
        m.single_mother = True
        m.save()
    actions.add_income(fund, amount=Decimal("5000"), memo="拨款", acting_user=people["city"])
    program = actions.create_program(kind="women", year=2026, title="三八助单亲", amount=Decimal("300"),
                                     sms_text="慰问金已发放", acting_user=people["city"],
                                     budgets={tree["dc"].pk: Decimal("600"), tree["hd"].pk: Decimal("600")})
    dc = client_for(people["dc"])
    assert dc.post(f"/assistance/programs/{program.pk}/draw/").status_code == 302
    assert Nomination.objects.count() == 2
    page = dc.get(f"/assistance/programs/{program.pk}/").content.decode()
    assert mem["a"].name in page and mem["c"].name not in page
    nom = Nomination.objects.get(member=mem["b"])
    dc.post(f"/assistance/programs/{program.pk}/remove/{nom.pk}/", {"reason": "已再婚"})
    nom.refresh_from_db()
    assert nom.status == "removed" and nom.reason == "已再婚"
    dc.post(f"/assistance/programs/{program.pk}/add/", {"member": mem["b"].pk, "reason": "复核仍符合"})
    nom.refresh_from_db()
    assert nom.status == "nominated"
    city = client_for(people["city"])
    assert city.post(f"/assistance/programs/{program.pk}/draw/").status_code == 302
    assert city.post(f"/assistance/programs/{program.pk}/approve/").status_code == 302
    assert Program.objects.get().status == "approved"
    fund.refresh_from_db()
    assert fund.balance == Decimal("4100")


def test_pages_render_for_each_role(client_for, people, tree, mem, fund):
    approve_file(apply_file(mem["a"], people["st1"]), people)
    program = actions.create_program(kind="spring", year=2026, title="两节送温暖", amount=Decimal("500"),
                                     sms_text="慰问金已发放", acting_user=people["city"])
    urls = ["/assistance/", "/assistance/hardship/", "/assistance/programs/", f"/assistance/programs/{program.pk}/",
            "/assistance/emergency/", "/assistance/skills/", "/assistance/statistics/",
            "/assistance/statistics/?format=xlsx", "/assistance/hardship/?format=xlsx"]
    for who in ("city", "dc", "st1"):
        client = client_for(people[who])
        for url in urls:
            assert client.get(url).status_code == 200, (who, url)
    city = client_for(people["city"])
    assert city.get("/assistance/fund/").status_code == 200
    assert client_for(people["st1"]).get("/assistance/fund/").status_code == 403
    assert client_for(people["st1"]).get(f"/members/{mem['a'].pk}/").status_code == 200


def test_api_skills_and_bounds(client_for, people, mem):
    client = client_for(people["st1"])
    ok = client.post("/api/assistance/skills", {"member_id": mem["a"].pk, "basis": "senior",
                                                "certificate_number": "S-1", "issuer": "人社局"},
                     content_type="application/json")
    assert ok.status_code == 201 and ok.json()["amount"] == "2000.00"
    again = client.post("/api/assistance/skills", {"member_id": mem["b"].pk, "basis": "senior",
                                                   "certificate_number": "s-1", "issuer": "人社局"},
                        content_type="application/json")
    assert again.status_code == 400
    bad = client.post("/api/assistance/skills", {"member_id": mem["a"].pk, "basis": "competition", "place": 500,
                                                 "certificate_number": "x", "issuer": "y"},
                      content_type="application/json")
    assert bad.status_code == 422
    assert client.get("/api/assistance/statistics?year=99999").status_code == 422
    assert client.get("/api/assistance/statistics").status_code == 200


def test_case_page_shows_the_panel_and_the_command_expires(client_for, people, mem, clock):
    import io

    from django.core.management import call_command

    clock.set(2026, 1, 10)
    file = approve_file(apply_file(mem["a"], people["st1"]), people)
    page = client_for(people["st1"]).get(f"/work/cases/{file.case.number}/")
    assert page.status_code == 200 and mem["a"].id_masked in page.content.decode()
    clock.set(2027, 2, 1)
    out = io.StringIO()
    call_command("expire_hardship_files", stdout=out)
    assert "1 hardship files expired" in out.getvalue()
