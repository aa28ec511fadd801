"""The text registry: every event renders on every channel; mistakes are loud, never garbage."""

import pytest
from django.utils import translation

from unionserve.notifications.models import Channel
from unionserve.notifications.templates import (
    TEMPLATES,
    NotificationTemplateError,
    render,
    required_keys,
)

from .conftest import CONTEXT

CASE_EVENTS = [
    "case.dispatched", "case.filed", "case.returned", "case.extension_requested", "case.extension_decided",
    "case.urged", "case.due_soon", "case.overdue", "case.reassigned", "case.escalated", "case.reopened",
]


def test_every_event_of_the_brief_is_declared_for_every_channel():
    assert set(CASE_EVENTS) | {"broadcast"} <= set(TEMPLATES)
    for event, by_channel in TEMPLATES.items():
        assert set(by_channel) == set(Channel.values), event


@pytest.mark.parametrize("event", CASE_EVENTS)
def test_case_events_need_only_the_documented_keys(event):
    keys = required_keys(event)
    assert {"number"} <= keys <= {"number", "process", "title", "unit", "due", "reason", "days"}


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("event", CASE_EVENTS)
def test_every_template_renders_and_keeps_its_placeholders(event, language):
    """Each value shows up in the text in both languages: a translation cannot drop or misspell a placeholder."""
    context = {key: f"<{key}>" for key in CONTEXT}
    for channel in Channel.values:
        subject, body = render(event, channel, context, language=language)
        assert body and (subject or channel == Channel.SMS)
        for key in required_keys(event):
            source = "".join(str(t) for t in TEMPLATES[event][channel])
            if f"%({key})s" in source:
                assert f"<{key}>" in subject + body, (event, channel, language, key)


def test_text_is_rendered_in_the_site_language_whatever_the_request_language(settings):
    with translation.override("en"):
        assert render("case.overdue", "in_app", CONTEXT) == render("case.overdue", "in_app", CONTEXT,
                                                                   language=settings.LANGUAGE_CODE)


def test_broadcast_is_free_text():
    assert render("broadcast", "sms", {"title": "通知", "text": "明天停电"}) == ("", "明天停电")
    assert render("broadcast", "in_app", {"title": "通知", "text": "明天停电"}) == ("通知", "明天停电")


def test_unknown_event_is_loud():
    with pytest.raises(NotificationTemplateError, match="case.teleported"):
        render("case.teleported", "in_app", CONTEXT)


def test_missing_key_is_loud_and_names_the_key():
    context = dict(CONTEXT)
    del context["due"]
    with pytest.raises(NotificationTemplateError, match="'due'"):
        render("case.dispatched", "sms", context)


def test_unknown_channel_is_loud():
    with pytest.raises(NotificationTemplateError, match="pigeon"):
        render("case.dispatched", "pigeon", CONTEXT)
