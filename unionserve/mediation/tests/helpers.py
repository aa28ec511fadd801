"""Driving a mediation case the way the pages do."""

import io

import pypdf
from django.urls import reverse

from unionserve.workflow.models import Case


def pdf_text(doc) -> str:
    reader = pypdf.PdfReader(io.BytesIO(doc.file.open("rb").read()))
    return "".join(p.extract_text() for p in reader.pages).replace(" ", "").replace("\n", "")


def intake(client, **fields):
    data = {"dispute_type": "wages", "summary": "拖欠三个月工资", "workers": "张三\n李四", "employer_uscc": "",
            "employer_name": "北京宏达建筑有限公司", "claims": "支付拖欠工资, 18000\n支付经济补偿金, 6000.50",
            "channel": "window", "comment": ""}
    data.update(fields)
    return client.post(reverse("mediation:new"), data)


def act(client, case: Case, action: str, **fields):
    """Post one action of the engine's case page with the case's current version and the user's step."""
    case.refresh_from_db()
    page = client.get(reverse("workflow:case", args=[case.number]))
    assert page.status_code == 200, page.status_code
    step = page.context["action_forms"]
    spec = next((s for s, _f in step if s.code == action), None)
    assert spec is not None, f"{action} not offered: {[s.code for s, _f in step]}"
    data = {f"{action}-version": case.version, f"{action}-step": spec.step.pk if spec.step else ""}
    data.update({f"{action}-{k}": v for k, v in fields.items()})
    response = client.post(reverse("workflow:act", args=[case.number, action]), data)
    case.refresh_from_db()
    return response


def appoint(client, case: Case, mediator):
    case.refresh_from_db()
    response = client.post(reverse("mediation:appoint", args=[case.number]),
                           {"mediator": mediator.pk, "version": case.version})
    case.refresh_from_db()
    return response


def offered(client, case: Case) -> list[str]:
    """The action codes the case page offers the logged-in user."""
    page = client.get(reverse("workflow:case", args=[case.number]))
    return [s.code for s, _f in page.context["action_forms"]] if page.status_code == 200 else []
