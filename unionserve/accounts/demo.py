"""The documented demo accounts: one per role, at the city, a district, a station and a grassroots union.

They share DEMO_PASSWORD (README) and, unlike real accounts, need no password change at first login.
"""

from __future__ import annotations

from django.db import transaction

from unionserve.core.roles import Role
from unionserve.orgs.models import OrgUnit

from .actions import create_user
from .models import User

DEMO_PASSWORD = "Demo-12351"

# (username, display name, unit code, roles, what it shows)
DEMO_ACCOUNTS: list[tuple[str, str, str, list[str], str]] = [
    ("admin", "系统管理员", "110000", [Role.SYSTEM_ADMIN], "the whole city, all administration"),
    ("cityoffice", "市三级办 王敏", "110000", [Role.CITY_OFFICE], "the whole city, org tree and users"),
    ("agent", "12351坐席 李娜", "110000", [Role.HOTLINE_AGENT], "hotline agent at the city center"),
    ("legaldept", "法律工作部 赵强", "D02", [Role.DEPARTMENT_STAFF], "a functional department"),
    ("insurance", "互助保险 孙丽", "D07", [Role.MUTUAL_INSURANCE], "the mutual-insurance office"),
    ("auditor", "审计 周静", "110000", [Role.AUDITOR], "read-only, the audit log"),
    ("dongcheng", "东城区中心 陈刚", "110101", [Role.CENTER_STAFF], "a district center (东城区)"),
    ("bus", "公交集团工会 刘洋", "IND05C01", [Role.CENTER_STAFF], "a company union on the industry line"),
    ("mediator", "调解员 吴芳", "110101", [Role.MEDIATOR], "a mediator at 东城区"),
    ("mediator2", "调解员 孙强", "110101", [Role.MEDIATOR], "another mediator at 东城区: sees only his own cases"),
    ("lawyer", "律师 郑伟", "110000", [Role.LAWYER], "a contracted lawyer"),
    ("lawyer2", "律师 冯磊", "110101", [Role.LAWYER], "a contracted lawyer at 东城区: only their legal-aid cases"),
    ("station", "东华门站 社工 杨帆", "110101001", [Role.SOCIAL_WORKER], "a station (东华门街道)"),
    ("station2", "中关村站 社工 黄磊", "110108011", [Role.SOCIAL_WORKER],
     "a station in another district (中关村街道, 海淀区)"),
    ("grassroots", "基层工会 何静", "G000001", [Role.GRASSROOTS_OFFICER], "a grassroots union under 东华门街道"),
    ("evaluator", "第三方评估 林华", "110000", [Role.EVALUATOR], "the independent project evaluator, read-only"),
]


@transaction.atomic
def seed_demo_accounts() -> list[User]:
    """Create the demo accounts that do not exist yet; existing ones are left as they are."""
    made = []
    for username, name, code, roles, _what in DEMO_ACCOUNTS:
        if User.objects.filter(username=username).exists():
            continue
        unit = OrgUnit.objects.get(code=code)
        made.append(
            create_user(
                username=username, display_name=name, org_unit=unit, roles=roles, password=DEMO_PASSWORD,
                must_change_password=False, is_demo=True, acting_user=None,
            )
        )
    return made
