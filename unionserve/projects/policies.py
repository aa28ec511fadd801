"""Service projects' policy numbers. Seed 000 §四.4 names the steps of project development but no time limits:
the platform sets them (marked 平台设定), so the city office can change them as versioned policy."""

from django.utils.translation import gettext_lazy as _

from unionserve.policy import Kind, register

#: 000 §四.4(2): 对项目服务商进行实地考察 (no number: the platform sets 20 working days to inspect and submit).
INSPECTION_DAYS = register(
    "projects.inspection_days", Kind.WORKING_DAYS, _("The proposer inspects the merchant and submits within"),
    "000 §四.4(2)（原文未定时限，平台设定）", 20)
#: 000 §四.4(3): 报市总三级服务体系工作办公室……审批 (no number: the platform sets 10 working days).
REVIEW_DAYS = register(
    "projects.review_days", Kind.WORKING_DAYS, _("The three-level office decides on a project within"),
    "000 §四.4(3)（原文未定时限，平台设定）", 10)
#: A project sent back is corrected and submitted again (no number: the platform sets 10 working days).
REVISION_DAYS = register(
    "projects.revision_days", Kind.WORKING_DAYS, _("A project sent back is corrected and resubmitted within"),
    "000 §四.4(3)（原文未定时限，平台设定）", 10)
#: 000 §四.4(3): 签署合作协议 (no number: the platform sets 20 working days).
AGREEMENT_DAYS = register(
    "projects.agreement_days", Kind.WORKING_DAYS, _("The agreement with the merchant is signed within"),
    "000 §四.4(3)（原文未定时限，平台设定）", 20)
#: 000 §四.4(3): 授予"京卡·互助服务卡特约服务商户"牌匾 (the platform sets 5 working days).
PLAQUE_DAYS = register(
    "projects.plaque_days", Kind.WORKING_DAYS, _("The contracted-merchant plaque is issued within"),
    "000 §四.4(3)（原文未定时限，平台设定）", 5)
#: 000 §四.4(4): 进行信息发布并实施 (the platform sets 5 working days to publish, 10 to start).
PUBLISH_DAYS = register(
    "projects.publish_days", Kind.WORKING_DAYS, _("A project is published in the catalogue within"),
    "000 §四.4(4)（原文未定时限，平台设定）", 5)
START_DAYS = register(
    "projects.start_days", Kind.WORKING_DAYS, _("A published project starts running within"),
    "000 §四.4(4)（原文未定时限，平台设定）", 10)
#: 002 §四(三): 开展项目评估 (the platform sets 20 working days to record the yearly evaluation).
EVALUATION_DAYS = register(
    "projects.evaluation_days", Kind.WORKING_DAYS, _("The yearly evaluation is recorded within"),
    "002 §四(三)（原文未定时限，平台设定）", 20)
#: 002 §三(三), §四(三): 准入退出机制; 根据评估结果决定项目取舍 (the platform sets 10 working days).
RENEWAL_DAYS = register(
    "projects.renewal_days", Kind.WORKING_DAYS, _("After the evaluation, renewal or exit is decided within"),
    "002 §三(三)、§四(三)（原文未定时限，平台设定）", 10)
#: An agreement runs at most this many days (the platform sets three years, 1,096 days).
AGREEMENT_MAX_DAYS = register(
    "projects.agreement_max_days", Kind.DAYS, _("An agreement period is at most"),
    "000 §四.4(3)（原文未定，平台设定）", 1096, max_value=3660)
