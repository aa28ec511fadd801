"""The payout pages and API: the same actions, the same scope (out of scope is 404) and roles (403)."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from unionserve.core.roles import Role
from unionserve.payouts import actions
from unionserve.payouts.models import BatchStatus, Payment, PaymentStatus, PayoutBatch

from .helpers import result_file


def test_office_builds_writes_and_settles_through_the_pages(client_for, members, ask, office):
    pa, pb, _held = ask(members["a"], "100.00"), ask(members["b"], "20.00"), ask(members["nocard"], "5.00")
    client = client_for(office)
    page = client.get(reverse("payouts:batches")).content.decode()
    assert "mutualaid.claim" in page and "mutualaid.*" in page
    response = client.post(reverse("payouts:batch_new"), {"purpose": "mutualaid.claim"})
    batch = PayoutBatch.objects.get()
    assert response.status_code == 302 and response.url == reverse("payouts:batch", args=[batch.pk])
    page = client.get(response.url).content.decode()
    assert batch.number in page and "崔建国" in page and "120.00" in page
    response = client.post(reverse("payouts:batch_file", args=[batch.pk]))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert response.content.decode().endswith("TRAILER,2,120.00\n")
    again = client.get(reverse("payouts:batch_file", args=[batch.pk]))
    assert again.content == response.content
    batch.refresh_from_db()
    assert batch.file_sha256 in client.get(reverse("payouts:batch", args=[batch.pk])).content.decode()
    # A bad result file: refused whole, the row error shown, nothing applied.
    bad = SimpleUploadedFile("r.csv", result_file(batch, trailer="TRAILER,2,999.00"), content_type="text/csv")
    response = client.post(reverse("payouts:batch_result", args=[batch.pk]), {"file": bad})
    assert response.status_code == 400 and "Line 3" in response.content.decode("utf-8") or \
        "第 3 行" in response.content.decode("utf-8")
    assert Payment.objects.filter(status=PaymentStatus.PAID).count() == 0
    good = SimpleUploadedFile("r.csv", result_file(batch, {pb.source_key: "户名不符"}), content_type="text/csv")
    response = client.post(reverse("payouts:batch_result", args=[batch.pk]), {"file": good})
    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.status == BatchStatus.SETTLED
    page = client.get(reverse("payouts:batch", args=[batch.pk])).content.decode()
    assert "✗" not in page and page.count("✓") >= 4 and "户名不符" in page
    # The waiting list: the failed one (carried over) and the held one with its reason.
    page = client.get(reverse("payouts:payments")).content.decode()
    assert "李无卡" in page and "户名不符" in page
    assert client.get(reverse("payouts:payments"), {"status": "paid"}).content.decode().count("崔建国") == 1
    # The member page's section.
    page = client.get(reverse("members:detail", args=[members["a"].pk])).content.decode()
    assert batch.number in page and "100.00" in page
    assert pa.pk


def test_batch_list_filters_and_bounds(client_for, members, ask, office):
    ask(members["a"], "1.00")
    actions.build_batch(purpose="mutualaid.claim", acting_user=office)
    client = client_for(office)
    assert "PO" in client.get(reverse("payouts:batches"), {"status": "open"}).content.decode()
    assert "No batches" in client.get(reverse("payouts:batches"), {"status": "settled"}).content.decode() or \
        "没有批次" in client.get(reverse("payouts:batches"), {"status": "settled"}).content.decode()
    assert client.get(reverse("payouts:batches"), {"page": "99999999999999999999"}).status_code == 200
    assert client.get(reverse("payouts:batches"), {"purpose": "x" * 500}).status_code == 200


def test_roles(client_for, members, ask, office, users, make_user, tree):
    ask(members["a"], "1.00")
    batch = actions.build_batch(purpose="mutualaid.claim", acting_user=office).batch
    station = client_for(users["station"])  # a social worker: no payouts at all
    assert station.get(reverse("payouts:batches")).status_code == 403
    assert station.post(reverse("payouts:batch_new"), {"purpose": "mutualaid.claim"}).status_code == 403
    assert station.post("/api/payouts/batches", {"purpose": "mutualaid.claim"},
                        content_type="application/json").status_code == 403
    district = client_for(users["district"])  # center staff of 东城: reads, cannot act
    assert district.get(reverse("payouts:batch", args=[batch.pk])).status_code == 200
    assert district.post(reverse("payouts:batch_file", args=[batch.pk])).status_code == 403
    assert district.post("/api/payouts/batches", {"purpose": "mutualaid.claim"},
                         content_type="application/json").status_code == 403
    assert district.get(f"/api/payouts/batches/{batch.pk}").status_code == 200
    batch.refresh_from_db()
    assert batch.status == BatchStatus.OPEN


def test_scope(client_for, members, ask, office, make_user, tree):
    ask(members["a"], "1.00"), ask(members["hd"], "2.00")
    batch = actions.build_batch(purpose="mutualaid.claim", acting_user=office).batch
    haidian = client_for(make_user(tree["hd"], Role.MUTUAL_INSURANCE, username="hd_insurance"))
    assert haidian.get(reverse("payouts:batch", args=[batch.pk])).status_code == 404
    assert haidian.post(reverse("payouts:batch_file", args=[batch.pk])).status_code == 404
    assert haidian.get(f"/api/payouts/batches/{batch.pk}").status_code == 404
    assert haidian.get(f"/api/payouts/batches/{batch.pk}/lines").status_code == 404
    assert haidian.post(f"/api/payouts/batches/{batch.pk}/file").status_code == 404
    items = haidian.get("/api/payouts/payments").json()["items"]
    assert [p["member_name"] for p in items] == ["赵海淀"]
    assert "崔建国" not in haidian.get(reverse("payouts:payments")).content.decode()
    assert haidian.get(reverse("members:detail", args=[members["a"].pk])).status_code == 404
    # The 海淀 office's own batch takes only 海淀's payment.
    response = haidian.post("/api/payouts/batches", {"purpose": "mutualaid.claim"}, content_type="application/json")
    assert response.status_code == 201 and response.json()["batch"]["line_count"] == 1
    batch.refresh_from_db()
    assert batch.status == BatchStatus.OPEN


def test_api_end_to_end(client_for, members, ask, office):
    pa, pb = ask(members["a"], "100.00"), ask(members["b"], "0.01")
    client = client_for(office)
    response = client.post("/api/payouts/batches", {"purpose": "mutualaid.*"}, content_type="application/json")
    assert response.status_code == 201
    body = response.json()
    assert body["batch"]["total"] == "100.01" and body["added"] == 2 and body["batch"]["balanced"]
    batch_id = body["batch"]["id"]
    assert client.get(f"/api/payouts/batches/{batch_id}/file").status_code == 400  # not written yet
    content = client.post(f"/api/payouts/batches/{batch_id}/file").content
    assert content.decode().splitlines()[-1] == "TRAILER,2,100.01"
    lines = client.get(f"/api/payouts/batches/{batch_id}/lines").json()["items"]
    assert [ln["reference"] for ln in lines] == [pa.source_key, pb.source_key] and lines[0]["card"].startswith("…")
    batch = PayoutBatch.objects.get(pk=batch_id)
    bad = SimpleUploadedFile("r.csv", result_file(batch, amounts={pa.source_key: "100.10"}))
    response = client.post(f"/api/payouts/batches/{batch_id}/result", {"file": bad})
    assert response.status_code == 400 and pa.source_key in response.json()["detail"]
    good = result_file(batch, {pb.source_key: "卡已注销"})
    response = client.post(f"/api/payouts/batches/{batch_id}/result", {"file": SimpleUploadedFile("r.csv", good)})
    assert response.status_code == 200 and (response.json()["paid"], response.json()["failed"]) == (1, 1)
    again = client.post(f"/api/payouts/batches/{batch_id}/result", {"file": SimpleUploadedFile("r.csv", good)})
    assert again.json()["already_applied"] and again.json()["paid"] == 0
    listed = client.get("/api/payouts/batches", {"status": "settled"}).json()["items"]
    assert [b["id"] for b in listed] == [batch_id]
    waiting = client.get("/api/payouts/payments").json()["items"]
    assert [(p["source_key"], p["status"], p["failure_reason"]) for p in waiting] == [
        (pb.source_key, "failed", "卡已注销")]
    assert client.get("/api/payouts/batches", {"page": 0}).status_code == 422
    assert client.post("/api/payouts/batches", {"purpose": "bad purpose"},
                       content_type="application/json").status_code == 400
