"""Demo data: the blood-donation appeal of seed 003 §二 as a draft of the city office (idempotent; nothing sent)."""

from __future__ import annotations

from unionserve.accounts.models import User

from .models import Broadcast

TITLE = "血小板捐献求助"
BODY = ("{name}您好：现有本市职工不幸患淋巴瘤，急需换骨髓治疗，因血小板保存时间较短，血库AB+型较少，"
        "现向广大会员求助，有意者请拨打市总12351职工服务热线，感谢您的爱心！")


def seed_broadcasts(log=print) -> None:
    """A draft appeal by the demo city-office account, ready to preview; nothing is sent."""
    user = User.objects.filter(username="cityoffice").select_related("org_unit").first()
    if user is None or user.org_unit is None or Broadcast.objects.filter(title=TITLE).exists():
        return
    Broadcast.objects.create(title=TITLE, body=BODY, criteria={}, created_by=user, unit=user.org_unit)
    log("broadcasts: demo appeal (draft)")
