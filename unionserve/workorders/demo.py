"""A few work orders for the demo, so every demo user's inbox shows something real."""

from __future__ import annotations

from django.db import transaction

from unionserve.accounts.models import User
from unionserve.workflow import actions
from unionserve.workflow.models import Case

DEMO_ORDERS = [
    # (opened by, title, category, instructions, dispatch to, filing copies)
    ("cityoffice", "核查东城区新建会企业会员信息", "member_data",
     "请各服务站于时限内完成辖区新建会企业会员实名信息核查，并回单说明核查人数和问题。",
     "110101001,110101002", "110101"),
    ("cityoffice", "两节送温暖困难职工走访", "service",
     "请东城区职工服务中心组织辖区服务站走访建档困难职工并反馈走访情况。", "110101", ""),
    ("dongcheng", "服务站规范化建设自查", "inspection",
     "请东华门街道工会服务站按规范化建设标准开展自查，上传自查表。", "110101001", ""),
]


@transaction.atomic
def seed_demo_work_orders() -> list[Case]:
    """Open and dispatch the demo work orders once (skipped when any work order exists)."""
    if Case.objects.filter(process="workorder").exists():
        return []
    made = []
    for username, title, category, instructions, units, filed in DEMO_ORDERS:
        user = User.objects.get(username=username)
        case = actions.open_case("workorder", actor=user, title=title,
                                 data={"category": category, "instructions": instructions})
        case = actions.perform(case, "dispatch", actor=user, data={"units": units, "filed_units": filed,
                                                                   "comment": instructions})
        made.append(case)
    return made
