"""The numbers of seed 001 (京工发〔2013〕6号) for the service stations, each a versioned policy parameter."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from unionserve.policy import Kind, register

#: 001 §二(一)1: 面积应在50平米以上 (以上 read as "at least": 50 m² meets it).
MIN_AREA = register("stations.min_area_m2", Kind.COUNT, _("Station premises: minimum area (m²)"),
                    "001 §二(一)1", 50, min_value=1, max_value=10000)
#: 001 §二(一)3: 面积在100平米以上的 … 职工书屋、劳动争议调解室、职工文体活动室 (100 m² and more).
LARGE_AREA = register("stations.large_area_m2", Kind.COUNT,
                      _("Station premises: area from which a library and an activity room are required (m²)"),
                      "001 §二(一)3", 100, min_value=1, max_value=10000)
#: 001 §二(二)1: 区域内会员数2000人以下配备不低于3名、2000人以上配备不低于5名 (2,000 counts as "above").
MEMBERS_THRESHOLD = register("stations.staff.members_threshold", Kind.COUNT,
                             _("Members in the area from which the larger staffing applies"),
                             "001 §二(二)1", 2000, min_value=1, max_value=10_000_000)
SMALL_STAFF = register("stations.staff.small_min", Kind.COUNT,
                       _("Social workers at least, below the members threshold"), "001 §二(二)1", 3,
                       min_value=1, max_value=100)
LARGE_STAFF = register("stations.staff.large_min", Kind.COUNT,
                       _("Social workers at least, at or above the members threshold"), "001 §二(二)1", 5,
                       min_value=1, max_value=100)
#: 001 §二(三)1: 按配备标准不低于5人的站可设一名副站长.
DEPUTY_MIN_STAFF = register("stations.staff.deputy_min", Kind.COUNT,
                            _("Social workers a station needs before it may have a deputy head"),
                            "001 §二(三)1", 5, min_value=1, max_value=100)
#: 001 §二(二)3: 市总 … 新上岗人员岗前培训不少于16学时，全员培训不少于24学时，站长培训不少于40学时；
#: 区县总工会 … 每年不少于32学时.
TRAIN_NEW_HIRE = register("stations.training.new_hire_hours", Kind.COUNT,
                          _("City pre-job training of a new hire, hours at least"), "001 §二(二)3", 16,
                          min_value=1, max_value=1000)
TRAIN_ALL = register("stations.training.all_hours", Kind.COUNT,
                     _("City training of every social worker per year, hours at least"), "001 §二(二)3", 24,
                     min_value=1, max_value=1000)
TRAIN_HEAD = register("stations.training.head_hours", Kind.COUNT,
                      _("City training of a station head per year, hours at least"), "001 §二(二)3", 40,
                      min_value=1, max_value=1000)
TRAIN_DISTRICT = register("stations.training.district_hours", Kind.COUNT,
                          _("District training of every social worker per year, hours at least"), "001 §二(二)3", 32,
                          min_value=1, max_value=1000)
#: 001 §二(五)3: 每月初 … 上报 — the seed names no day; the platform sets the Nth working day of the month.
REPORT_DUE_WORKING_DAY = register(
    "stations.report.due_working_day", Kind.COUNT,
    _("Monthly station report due on this working day of the next month"),
    "001 §二(五)3 每月初上报（原文未定具体日，平台设定）", 5, min_value=1, max_value=20)
#: Reminders (platform's choice): this many calendar days before the due day, and after it while missing.
REPORT_REMIND_BEFORE = register(
    "stations.report.remind_before_days", Kind.DAYS, _("Remind stations of the monthly report, days before due"),
    "001 §二(五)3（原文未定，平台设定）", 3, max_value=20)
#: 001 §二(五)3: 街道乡镇总工会定期向属地的党政汇报工会服务站工作，每年不少于2次.
PARTY_REPORTS_PER_YEAR = register("stations.party_reports_per_year", Kind.COUNT,
                                  _("Reports of the street union to the street's party and government per year"),
                                  "001 §二(五)3", 2, min_value=1, max_value=12)
#: 001 §三(一)3,5: the city sets the acceptance standard (验收考核标准) and inspects; the seed gives no numbers, the
#: platform sets the pass mark of the checklist's score and the working days of each stage.
ACCEPT_PASS_MARK = register("stations.accept.pass_mark", Kind.PERCENT,
                            _("Standardization checklist: score needed for acceptance (%)"),
                            "001 §三(一)3 验收考核标准（原文未定分数，平台设定）", 90)
PRECHECK_DAYS = register("stations.accept.precheck_days", Kind.WORKING_DAYS,
                         _("District pre-check of a station's application, working days"),
                         "001 §三(二)（原文未定时限，平台设定）", 10)
INSPECT_DAYS = register("stations.accept.inspect_days", Kind.WORKING_DAYS,
                        _("City inspection of a station, working days"), "001 §三(一)5（原文未定时限，平台设定）", 20)
RECTIFY_DAYS = register("stations.accept.rectify_days", Kind.DAYS,
                        _("A station rectifies what the inspection found within, days"),
                        "001 §三(一)5（原文未定时限，平台设定）", 30)
APPLY_DAYS = register("stations.accept.apply_days", Kind.WORKING_DAYS,
                      _("A station completes and sends its application within, working days"),
                      "001 §三(三)5（原文未定时限，平台设定）", 10)
#: 001 §四(二): 直接用于服务职工的费用不得低于总经费的70%.
DIRECT_SHARE = register("stations.money.direct_share", Kind.PERCENT,
                        _("Share of a station's funds spent directly on serving workers, at least (%)"),
                        "001 §四(二)", 70)
#: 001 §四(二): 工会经费留成在50万元以下的工会服务站 … 验收合格后 … 每站2万元规范化建设外观施工费用补贴.
SUBSIDY_RETAINED_BELOW = register("stations.money.subsidy_retained_below", Kind.MONEY,
                                  _("Exterior subsidy: retained union funds below (yuan)"), "001 §四(二)", 500000)
EXTERIOR_SUBSIDY = register("stations.money.exterior_subsidy", Kind.MONEY,
                            _("Exterior construction subsidy per accepted station (yuan)"), "001 §四(二)", 20000)
SUBSIDY_YEAR = register("stations.money.subsidy_year", Kind.COUNT,
                        _("Exterior subsidy: the year in which the station is standardized and accepted"),
                        "001 §四(二) 2013年完成规范化建设", 2013, min_value=2013, max_value=2100)
#: 001 §四(二): 工会经费留成少于10万元的工会服务站 … 可以按照项目需求向上级工会申请项目经费支持.
PROJECT_RETAINED_BELOW = register("stations.money.project_retained_below", Kind.MONEY,
                                  _("Project funds: retained union funds below (yuan)"), "001 §四(二)", 100000)
#: 001 §四(一): 街道乡镇工会经费留成在50万元以上的工会服务站必须完成规范化建设 (in 2013).
MUST_STANDARDIZE_FROM = register("stations.money.must_standardize_from", Kind.MONEY,
                                 _("Retained union funds from which a station must be standardized in 2013 (yuan)"),
                                 "001 §四(一)", 500000)
#: 001 §一: 到2013年6月底建成首批50家 … 到2013年底共建成100家 … 到2014年底再建成100家 … 到2015年底完成全市所有.
PLAN_FIRST = register("stations.plan.by_2013_06", Kind.COUNT, _("Standardized stations by 2013-06-30 (city)"),
                      "001 §一", 50, min_value=0, max_value=1000)
PLAN_2013 = register("stations.plan.by_2013_12", Kind.COUNT, _("Standardized stations by 2013-12-31 (city)"),
                     "001 §一", 100, min_value=0, max_value=1000)
PLAN_2014 = register("stations.plan.by_2014_12", Kind.COUNT, _("Standardized stations by 2014-12-31 (city)"),
                     "001 §一 再建成100家", 200, min_value=0, max_value=1000)
#: 001 §四(一): 确保2013年各区县完成本区内30%的工会服务站规范化建设任务.
PLAN_DISTRICT_SHARE_2013 = register("stations.plan.district_share_2013", Kind.PERCENT,
                                    _("Share of a district's stations standardized in 2013, at least (%)"),
                                    "001 §四(一)", 30)
