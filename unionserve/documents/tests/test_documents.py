"""Documents: PDFs with Chinese text and embedded CJK fonts, template editing with versions, the sandbox, scope."""

import hashlib
import io
from decimal import Decimal

import pypdf
import pytest
from django.urls import reverse

from unionserve.audit.models import AuditAction, AuditEvent
from unionserve.documents.defaults import SPECS
from unionserve.documents.generate import DocumentError, generate, render_preview
from unionserve.documents.models import DocumentTemplate, GeneratedDocument
from unionserve.workflow import actions


def pdf_text(data: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(data))
    return "".join(page.extract_text() for page in reader.pages).replace(" ", "").replace("\n", "")


def pdf_fonts(data: bytes) -> set[str]:
    reader = pypdf.PdfReader(io.BytesIO(data))
    fonts = set()
    for page in reader.pages:
        # pypdf types a page's entries as any PdfObject, not the dictionaries they are here.
        for font in page["/Resources"]["/Font"].values():  # type: ignore[index]
            font = font.get_object()
            descendants = font.get("/DescendantFonts") or []
            for d in descendants:
                desc = d.get_object().get("/FontDescriptor")
                if desc is not None and any(k in desc.get_object() for k in ("/FontFile", "/FontFile2", "/FontFile3")):
                    fonts.add(str(font["/BaseFont"]) + "+embedded")
            fonts.add(str(font["/BaseFont"]))
    return fonts


@pytest.fixture
def case(users):
    return actions.open_case("workorder", actor=users["district"], title="张三工资争议",
                             data={"category": "other", "instructions": "x"})


PARTIES = {
    "applicants": [{"name": "张三", "detail": "男"}, {"name": "李四", "detail": ""}],
    "employer": {"name": "北京宏达建筑有限公司", "detail": ""},
    "dispute": "拖欠工资",
    "claims": [{"item": "支付工资", "amount": Decimal("12000.5")}],
    "claims_total": Decimal("12000.5"),
    "mediator": "王调解",
    "mediation_org": "东城区职工服务中心",
}


def test_termination_pdf_has_the_chinese_text_the_arbitration_notice_and_an_embedded_cjk_font(case, users):
    doc = generate("mediation_termination", case=case, user=users["district"],
                   context={**PARTIES, "reason": "双方分歧较大"})
    data = doc.file.open("rb").read()
    text = pdf_text(data)
    assert "调解终结书" in text
    assert "张三" in text and "李四" in text and "北京宏达建筑有限公司" in text
    assert "申请仲裁" in text and "双方分歧较大" in text
    assert "12,000.50" in text  # Decimal made money text
    assert case.number in text
    fonts = pdf_fonts(data)
    assert any("CJK" in f and f.endswith("+embedded") for f in fonts), fonts
    assert doc.sha256 == hashlib.sha256(data).hexdigest() and doc.size == len(data)
    assert doc.template_code == "mediation_termination" and doc.template_version == 1
    event = AuditEvent.objects.get(action=AuditAction.DOCUMENT_GENERATED)
    assert event.detail["case"] == case.number and event.actor == users["district"]


def test_agreement_and_both_kinds_of_acceptance_notice(case, users):
    doc = generate("mediation_agreement", case=case, user=users["district"],
                   context={**PARTIES, "agreement_terms": "一次性支付一万元", "amount_agreed": Decimal("10000")})
    text = pdf_text(doc.file.open("rb").read())
    assert "调解协议书" in text and "一次性支付一万元" in text and "10,000.00" in text
    mediation = generate("acceptance_notice", case=case, user=users["district"],
                         context={"kind": "mediation", "applicants": PARTIES["applicants"], "matter": "追索工资",
                                  "employer": PARTIES["employer"], "applied_on": "2026年11月26日",
                                  "accepted_on": "2026年11月26日"})
    text = pdf_text(mediation.file.open("rb").read())
    assert "受理通知书" in text and "劳动争议调解申请" in text and "东城区中心" in text  # issuing unit
    aid = generate("acceptance_notice", case=case, user=users["district"],
                   context={"kind": "legal_aid", "applicants": [{"name": "赵六"}], "matter": "代理仲裁",
                            "applied_on": "2026年11月20日", "accepted_on": "2026年11月21日"})
    text = pdf_text(aid.file.open("rb").read())
    assert "法律援助申请" in text and "劳动争议调解" not in text


def test_refusal_lists_every_reason(case, users):
    doc = generate("legal_aid_refusal", case=case, user=users["city"],
                   context={"applicant": {"name": "赵六"}, "applied_on": "2026年11月20日", "matter": "代理",
                            "reasons": ["非工会会员", "已超过仲裁时效"]})
    text = pdf_text(doc.file.open("rb").read())
    assert "不予援助决定书" in text and "非工会会员" in text and "已超过仲裁时效" in text and "理由" in text


def test_context_must_be_plain_data(case, users):
    with pytest.raises(DocumentError, match="not plain data"):
        generate("mediation_agreement", case=case, user=users["city"], context={"mediator": users["city"]})
    with pytest.raises(DocumentError, match="Decimal"):
        generate("mediation_agreement", case=case, user=users["city"], context={"amount_agreed": 1.5})
    with pytest.raises(DocumentError, match="No document template"):
        generate("nope", case=case, user=users["city"], context={})
    assert not GeneratedDocument.objects.exists()


def test_default_templates_are_seeded_with_a_first_version(db):
    assert set(DocumentTemplate.objects.values_list("code", flat=True)) == set(SPECS)
    for template in DocumentTemplate.objects.all():
        assert template.version == 1
        assert template.versions.get().body == template.body
    assert "申请仲裁" in pdf_text(render_preview("mediation_termination"))


def _edit(client, code, **data):
    return client.post(reverse("documents:template_edit", args=[code]), {"note": "", **data})


def test_editing_keeps_versions_and_refuses_a_stale_save(client_for, users):
    client = client_for(users["city"])
    t = DocumentTemplate.objects.get(code="acceptance_notice")
    old_body = t.body
    response = _edit(client, t.code, title="受理通知书", body=old_body + "<p>咨询电话：12351</p>", version=1,
                     note="加咨询电话")
    assert response.status_code == 302
    t.refresh_from_db()
    assert t.version == 2 and t.updated_by == users["city"] and "12351" in t.body
    assert list(t.versions.values_list("version", flat=True)) == [2, 1]
    assert t.versions.get(version=1).body == old_body
    assert AuditEvent.objects.filter(action=AuditAction.DOCUMENT_TEMPLATE_CHANGED).count() == 1
    # A second editor who loaded version 1 does not overwrite version 2.
    response = _edit(client, t.code, title="受理通知书", body="<p>{{ case_number }}</p>", version=1)
    assert response.status_code == 409
    # msgstr of "Someone else saved this template meanwhile. Reload the page to see their version."
    assert "其他人已保存此模板。请刷新页面查看最新版本。" in response.content.decode()
    t.refresh_from_db()
    assert t.version == 2 and "12351" in t.body
    # A generated document records the version used.
    case = actions.open_case("workorder", actor=users["district"], title="x",
                             data={"category": "other", "instructions": "x"})
    doc = generate("acceptance_notice", case=case, user=users["district"], context={"applicants": []})
    assert doc.template_version == 2 and "12351" in pdf_text(doc.file.open("rb").read())
    # History page of the old version.
    page = client.get(reverse("documents:template_version", args=[t.code, 1]))
    assert page.status_code == 200


@pytest.mark.parametrize("body", [
    "{% if %}broken",
    "{% for x in %}",
    "{{ case_number|nosuchfilter }}",
    "{% load static %}",
    "{% include 'web/base.html' %}",
    "{% debug %}",
    "{% url 'web:home' %}",
])
def test_a_syntax_error_or_a_forbidden_tag_is_shown_and_nothing_is_saved(client_for, users, body):
    client = client_for(users["city"])
    response = _edit(client, "mediation_agreement", title="调解协议书", body=body, version=1)
    assert response.status_code == 400
    assert "模板语法错误：" in response.content.decode()  # "The template has a syntax error: %(error)s"
    t = DocumentTemplate.objects.get(code="mediation_agreement")
    assert t.version == 1 and t.versions.count() == 1
    # Preview refuses the same text instead of producing a PDF.
    response = client.post(reverse("documents:template_edit", args=["mediation_agreement"]),
                           {"title": "x", "body": body, "version": 1, "preview": "1"})
    assert response.status_code == 400 and response["Content-Type"].startswith("text/html")


def test_termination_must_keep_the_right_to_arbitration(client_for, users):
    client = client_for(users["city"])
    response = _edit(client, "mediation_termination", title="调解终结书", body="<p>调解终结。</p>", version=1)
    assert response.status_code == 400 and "申请仲裁" in response.content.decode()
    assert DocumentTemplate.objects.get(code="mediation_termination").version == 1


def test_preview_of_unsaved_text_is_a_pdf(client_for, users):
    client = client_for(users["admin"])
    response = client.post(reverse("documents:template_edit", args=["mediation_agreement"]),
                           {"title": "调解协议书", "body": "<h1>{{ document_title }}</h1><p>{{ mediator }}预览</p>",
                            "version": 1, "preview": "1"})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "王调解预览" in pdf_text(response.content)
    assert DocumentTemplate.objects.get(code="mediation_agreement").version == 1
    assert client.get(reverse("documents:template_preview", args=["acceptance_notice"]))["Content-Type"] == \
        "application/pdf"


def test_templates_cannot_fetch_files_or_urls(case, users):
    t = DocumentTemplate.objects.get(code="acceptance_notice")
    t.body = '<img src="file:///etc/hostname"><link rel="stylesheet" href="file:///etc/passwd"><p>仅文字</p>'
    t.save()
    doc = generate("acceptance_notice", case=case, user=users["city"], context={})
    data = doc.file.open("rb").read()
    assert "仅文字" in pdf_text(data)
    assert len(pypdf.PdfReader(io.BytesIO(data)).pages) == 1


def test_only_template_managers_edit(client_for, users):
    for name in ("district", "station"):
        client = client_for(users[name])
        assert client.get(reverse("documents:templates")).status_code == 403
        assert client.get(reverse("documents:template_edit", args=["acceptance_notice"])).status_code == 403
    assert client_for(users["city"]).get(reverse("documents:templates")).status_code == 200
    assert client_for(users["admin"]).get(reverse("documents:templates")).status_code == 200


def test_case_documents_are_scoped_and_downloads_audited(client_for, users, case):
    doc = generate("acceptance_notice", case=case, user=users["district"], context={"applicants": []})
    outsider = client_for(users["station3"])  # another district
    assert outsider.get(reverse("documents:case_documents", args=[case.number])).status_code == 404
    assert outsider.get(reverse("documents:download", args=[doc.pk])).status_code == 404
    assert not AuditEvent.objects.filter(action=AuditAction.PERSONAL_DATA_VIEWED).exists()
    client = client_for(users["district"])
    page = client.get(reverse("documents:case_documents", args=[case.number]))
    assert doc.title in page.content.decode()
    response = client.get(reverse("documents:download", args=[doc.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    event = AuditEvent.objects.get(action=AuditAction.PERSONAL_DATA_VIEWED)
    assert event.detail["document"] == doc.pk and event.actor == users["district"]


def test_sweep_removes_old_pdfs_no_row_points_to(case, users, settings, tmp_path):
    """A PDF left by an action that rolled back is removed a day later; kept documents and young files stay."""
    import datetime as dt
    import os
    import time

    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage
    from django.core.management import call_command

    from unionserve.documents.cleanup import remove_orphans

    settings.MEDIA_ROOT = tmp_path
    kept = generate("acceptance_notice", case=case, user=users["district"], context={
        "kind": "mediation", "kind_label": "劳动争议调解", "applicants": [], "employer": {"name": "某公司"},
        "matter": "工资", "applied_on": "2026-11-20", "accepted_on": "2026-11-20", "handling_unit": "东城区中心"})
    folder = kept.file.name.rsplit("/", 1)[0]
    orphan = default_storage.save(f"{folder}/orphan.pdf", ContentFile(b"%PDF-1.7 rolled back"))
    young = default_storage.save(f"{folder}/young.pdf", ContentFile(b"%PDF-1.7 still committing"))
    day_ago = time.time() - 24 * 3600 - 60
    for name in (kept.file.name, orphan):
        os.utime(default_storage.path(name), (day_ago, day_ago))

    dry = remove_orphans(dry_run=True)
    assert (dry.checked, dry.removed) == (3, 1) and default_storage.exists(orphan)
    call_command("remove_orphan_documents")
    assert not default_storage.exists(orphan)
    assert default_storage.exists(kept.file.name) and default_storage.exists(young)
    assert remove_orphans(min_age=dt.timedelta(0)).removed == 1  # the young one, when asked for everything
    assert default_storage.exists(kept.file.name)
