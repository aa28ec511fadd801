"""The backends: file (JSON lines), console, Django mail, and the HTTP SMS gateway (stubbed on loopback)."""

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.core.exceptions import ImproperlyConfigured

from unionserve.notifications.api import notify
from unionserve.notifications.backends import (
    DeliveryError,
    HttpSmsBackend,
    PermanentDeliveryError,
    backend_for,
)
from unionserve.notifications.delivery import deliver_due
from unionserve.notifications.models import Notification

from .conftest import read_jsonl


def test_file_backend_appends_one_json_line_per_message(station, tree, context, tmp_path):
    tree["st2"].phone = "13800000002"
    tree["st2"].save()
    notify("case.dispatched", units=[station, tree["st2"]], channels=("sms",), context=context, link="/x/")
    deliver_due()
    lines = read_jsonl(tmp_path / "outbox" / "sms.jsonl")
    assert sorted(line["to"] for line in lines) == ["13800000001", "13800000002"]
    row = Notification.objects.get(to_address="13800000001")
    line = next(line for line in lines if line["id"] == row.pk)
    assert line["body"] == row.body and line["event"] == "case.dispatched" and line["link"] == "/x/"
    assert "东华门站" in (tmp_path / "outbox" / "sms.jsonl").read_text(encoding="utf-8")  # UTF-8, not \u escapes


def test_console_backend_prints(station, context, settings, capsys):
    settings.UNIONSERVE_NOTIFICATION_BACKENDS = {**settings.UNIONSERVE_NOTIFICATION_BACKENDS, "sms": "console"}
    notify("case.dispatched", units=[station], channels=("sms",), context=context)
    deliver_due()
    assert "13800000001" in capsys.readouterr().out


def test_unknown_backend_name_is_a_configuration_error(settings):
    settings.UNIONSERVE_NOTIFICATION_BACKENDS = {"sms": "carrier-pigeon"}
    with pytest.raises(ImproperlyConfigured, match="carrier-pigeon"):
        backend_for("sms")


class Gateway:
    """A stub SMS gateway on 127.0.0.1 that records requests and answers with `status`."""

    def __init__(self):
        self.requests = []
        self.status = 200
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                gateway.requests.append({"path": self.path, "headers": dict(self.headers),
                                         "json": json.loads(body.decode("utf-8"))})
                self.send_response(gateway.status)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(b'{"ok": true}' if gateway.status == 200 else b'{"error": "bad number"}')

            def log_message(self, *args):
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/sms/send"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def gateway(settings):
    g = Gateway()
    settings.UNIONSERVE_NOTIFICATION_BACKENDS = {**settings.UNIONSERVE_NOTIFICATION_BACKENDS, "sms": "http_sms"}
    settings.UNIONSERVE_SMS_GATEWAY = {"url": g.url, "token": "secret-token", "sign": "【北京市总工会】", "timeout": 5}
    yield g
    g.close()


def test_http_sms_posts_the_message_as_json(station, context, gateway):
    notify("case.dispatched", units=[station], channels=("sms",), context=context)
    assert deliver_due().sent == 1
    row = Notification.objects.get()
    (request,) = gateway.requests
    assert request["path"] == "/sms/send"
    assert request["json"] == {"id": row.pk, "phone": "13800000001", "sign": "【北京市总工会】", "content": row.body}
    assert request["headers"]["Authorization"] == "Bearer secret-token"
    assert request["headers"]["Idempotency-Key"] == f"unionserve-notification-{row.pk}"
    assert request["headers"]["Content-Type"].startswith("application/json")
    assert row.status == "sent"


def test_http_sms_rejection_fails_at_once_and_outage_is_retried(station, context, gateway):
    notify("case.dispatched", units=[station], channels=("sms",), context=context)
    row = Notification.objects.get()
    gateway.status = 503
    with pytest.raises(DeliveryError) as outage:
        HttpSmsBackend().send(row)
    assert not isinstance(outage.value, PermanentDeliveryError) and "503" in str(outage.value)
    gateway.status = 400
    with pytest.raises(PermanentDeliveryError, match="bad number"):
        HttpSmsBackend().send(row)
    assert deliver_due().failed == 1
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("failed", 1)


def test_http_sms_unreachable_gateway_is_retried(station, context, settings):
    settings.UNIONSERVE_SMS_GATEWAY = {"url": "http://127.0.0.1:9/", "timeout": 2}  # discard port: refused
    notify("case.dispatched", units=[station], channels=("sms",), context=context)
    with pytest.raises(DeliveryError, match="unreachable"):
        HttpSmsBackend().send(Notification.objects.get())


def test_http_sms_needs_an_http_url(settings):
    settings.UNIONSERVE_SMS_GATEWAY = {"url": "file:///etc/passwd"}
    with pytest.raises(ImproperlyConfigured):
        HttpSmsBackend()
