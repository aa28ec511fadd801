"""The work-order process through its pages, as a city office and two stations would run it."""

from django.urls import reverse

from unionserve.core.roles import Role
from unionserve.workflow.models import Case, Step
from unionserve.workorders.models import WorkOrder


def test_open_dispatch_feedback_close_through_the_pages(client, tree, make_user):
    office = make_user(tree["city"], Role.CITY_OFFICE, username="office")
    worker = make_user(tree["st1"], Role.SOCIAL_WORKER, username="worker")
    make_user(tree["st3"], Role.SOCIAL_WORKER, username="stranger")
    client.force_login(office)
    response = client.post(reverse("workflow:open", args=["workorder"]), {
        "title": "会员信息核查", "channel": "internal", "priority": "normal", "category": "member_data",
        "instructions": "请核查", "comment": ""})
    case = Case.objects.get(process="workorder")
    assert response.status_code == 302 and case.number.startswith("GD")
    assert WorkOrder.objects.get(case=case).instructions == "请核查"
    client.post(reverse("workflow:act", args=[case.number, "dispatch"]), {
        "dispatch-version": case.version, "dispatch-step": case.steps.get().pk,
        "dispatch-units": "110101001", "dispatch-filed_units": "110101"})
    case.refresh_from_db()
    assert case.state == "handling"

    client.force_login(worker)
    inbox = client.get(reverse("workflow:inbox")).content.decode()
    assert case.number in inbox
    step = Step.objects.get(case=case, unit=tree["st1"])
    client.post(reverse("workflow:act", args=[case.number, "sign"]), {"sign-version": case.version + 0,
                                                                      "sign-step": step.pk})
    case.refresh_from_db()
    page = client.get(reverse("workflow:case", args=[case.number])).content.decode()
    assert "回单" in page
    response = client.post(reverse("workflow:act", args=[case.number, "feedback"]), {
        "feedback-version": case.version, "feedback-step": step.pk, "feedback-result": "已核查120人"})
    assert response.status_code == 302
    assert WorkOrder.objects.get(case=case).results["110101001"]["result"] == "已核查120人"

    client.force_login(office)
    case.refresh_from_db()
    review = case.steps.get(is_open=True)
    client.post(reverse("workflow:act", args=[case.number, "close"]), {
        "close-version": case.version, "close-step": review.pk})
    assert Case.objects.get(pk=case.pk).is_closed


def test_a_stale_form_is_refused_with_a_message(client, tree, make_user):
    from unionserve.workflow import actions

    office = make_user(tree["city"], Role.CITY_OFFICE, username="office")
    case = actions.open_case("workorder", actor=office, title="x", data={"category": "other", "instructions": "y"})
    old_version = case.version
    actions.perform(case, "comment", actor=office, data={"comment": "先看看"})
    client.force_login(office)
    response = client.post(reverse("workflow:act", args=[case.number, "dispatch"]), {
        "dispatch-version": old_version, "dispatch-step": case.steps.get().pk, "dispatch-units": "110101001"},
        follow=True)
    assert "其他人已修改" in response.content.decode()
    assert Case.objects.get(pk=case.pk).state == "new"


def test_readers_and_strangers(client, tree, make_user):
    from unionserve.workflow import actions

    office = make_user(tree["city"], Role.CITY_OFFICE, username="office")
    district = make_user(tree["dc"], Role.CENTER_STAFF, username="district")
    stranger = make_user(tree["st3"], Role.SOCIAL_WORKER, username="stranger")
    case = actions.open_case("workorder", actor=office, title="x", data={"category": "other", "instructions": "y"})
    actions.perform(case, "dispatch", actor=office, data={"units": "110101001", "filed_units": "110101"})
    from unionserve.workflow.permissions import actions_for

    client.force_login(district)
    page = client.get(reverse("workflow:case", args=[case.number])).content.decode()
    assert case.number in page and "备案" in page
    assert {s.code for s in actions_for(case, district)} == {"urge"}  # reads, supervises, does not handle
    assert client.post(reverse("workflow:act", args=[case.number, "feedback"]), {}).status_code == 403
    client.force_login(stranger)
    assert client.get(reverse("workflow:case", args=[case.number])).status_code == 404
    assert client.get(f"/api/work/cases/{case.number}").status_code == 404


def test_attachments_upload_and_scoped_download(client, tree, make_user, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from unionserve.workflow import actions
    from unionserve.workflow.models import Attachment

    settings.MEDIA_ROOT = tmp_path
    office = make_user(tree["city"], Role.CITY_OFFICE, username="office")
    stranger = make_user(tree["st3"], Role.SOCIAL_WORKER, username="stranger")
    case = actions.open_case("workorder", actor=office, title="x", data={"category": "other", "instructions": "y"})
    client.force_login(office)
    upload = SimpleUploadedFile("自查表.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    client.post(reverse("workflow:act", args=[case.number, "comment"]), {
        "comment-version": case.version, "comment-comment": "附自查表", "comment-files": [upload]})
    att = Attachment.objects.get(case=case)
    assert att.original_name == "自查表.pdf" and "自查表" not in att.file.name  # safe stored name
    assert client.get(reverse("workflow:attachment", args=[att.pk])).status_code == 200
    bad = SimpleUploadedFile("run.exe", b"MZ", content_type="application/octet-stream")
    case.refresh_from_db()
    response = client.post(reverse("workflow:act", args=[case.number, "comment"]), {
        "comment-version": case.version, "comment-comment": "x", "comment-files": [bad]})
    assert response.status_code == 400 and Attachment.objects.filter(case=case).count() == 1
    client.force_login(stranger)
    assert client.get(reverse("workflow:attachment", args=[att.pk])).status_code == 404
