"""Pages in Chinese say things in words: no package names, template variables or unexplained placeholders."""

from __future__ import annotations

from django.urls import reverse

from unionserve.broadcasts.actions import create_broadcast
from unionserve.core.roles import Role


def test_calendar_page_names_the_official_schedule_not_a_software_package(client, tree, make_user):
    client.force_login(make_user(tree["city"], Role.CITY_OFFICE))
    page = client.get(reverse("workcalendar:index")).content.decode()
    assert "国务院公布的节假日安排（内置数据）" in page
    assert "chinese-calendar" not in page and "软件包" not in page


def test_document_templates_page_describes_the_notice_in_words(client, tree, make_user):
    client.force_login(make_user(tree["city"], Role.CITY_OFFICE))
    page = client.get(reverse("documents:templates")).content.decode()
    assert "受理通知书" in page and "同一份通知书用于两种申请" in page
    assert "context" not in page and " kind" not in page


def test_an_appeal_explains_its_placeholders(client, tree, make_user):
    office = make_user(tree["city"], Role.CITY_OFFICE)
    appeal = create_broadcast(title="献血倡议", body="{name}您好：{union}邀请您参加献血。", criteria={},
                              acting_user=office)
    client.force_login(office)
    page = client.get(reverse("broadcasts:detail", args=[appeal.pk])).content.decode()
    assert "{name} 替换为每位会员的姓名，{union} 替换为其所在基层工会的名称" in page
