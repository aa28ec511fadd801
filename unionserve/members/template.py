"""The member import template: the columns of the member register's CSV/XLSX file, defined once.

``MEMBER_COLUMNS`` and ``UNIT_COLUMNS`` are the **official import templates** (the files a station or
grassroots union downloads from the import page, fills in and uploads; ``members.importing`` reads them).
The benchmark data generator (``bench/datagen``) writes the same columns. It needs no Django settings (help
texts are only marked for translation), so the generator can use it as it is.

Files are UTF-8 with a byte-order mark (so that Excel on Windows opens them as UTF-8), one header row of
the Chinese column names below, then one row per member. Dates are ``YYYY-MM-DD``; yes/no columns hold
``是``/``否``; an empty cell means "not known / none".

The unit template (``UNIT_COLUMNS``) lists employers (用人单位), with or without a union; the case file
(``CASE_COLUMNS``) is a stand-in history of cases until the workflow engine has its own import.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_noop as N_  # marks help texts for translation; needs no settings


@dataclass(frozen=True)
class Column:
    """One column of a template: the Chinese header, a stable key for code, and what it holds."""

    header: str
    key: str
    help: str
    required: bool = False


MEMBER_COLUMNS: tuple[Column, ...] = (
    Column("姓名", "name", N_("Full name as on the ID card."), True),
    Column("身份证号", "id_number", N_("18-character resident ID number (GB 11643, check character 0-9 or X)."), True),
    Column("性别", "gender", N_("男 or 女; must agree with the 17th character of the ID number (odd: 男)."), True),
    Column("出生日期", "birth_date", N_("YYYY-MM-DD; must agree with characters 7-14 of the ID number."), True),
    Column("手机号", "mobile", N_("Mainland mobile number, 11 digits starting 13-19."), True),
    Column("工作单位统一社会信用代码", "unit_uscc", N_("Employer's Unified Social Credit Code (GB 32100-2015)."), True),
    Column("工作单位名称", "unit_name", N_("Employer's registered name."), True),
    Column("基层工会代码", "grassroots_code", N_(
        "Code of the member's grassroots union; empty: the employer's union, or the station's joint union "
        "(联合工会) when the employer has none.")),
    Column("入会日期", "joined_on", N_("Date of joining the union, YYYY-MM-DD."), True),
    # The terms of the coded columns are members.vocab.TERMS (a test holds these help texts to them).
    Column("就业状态", "employment", N_("在职 / 灵活就业 / 待岗 / 失业 / 退休.")),
    Column("文化程度", "education", N_("初中及以下 / 高中、中专、技校 / 大专 / 本科 / 硕士研究生 / 博士研究生.")),
    Column("技能证书", "skill_certificate",
           N_("Highest vocational skill level held, e.g. 高级工（三级）; empty: none.")),
    Column("荣誉", "honour", N_("Model-worker title: 区级劳动模范 / 北京市劳动模范 / 全国劳动模范; empty: none.")),
    Column("困难职工", "hardship", N_("是 when registered as a hardship worker (困难职工), else 否.")),
    Column("单亲女职工", "single_mother", N_("是 for a registered single-parent female worker, else 否.")),
    Column("会员卡号", "card_number", N_("Jingka mutual-service card number (19 digits, Luhn check); empty: no card.")),
    Column("民族", "ethnicity", N_("Ethnic group, e.g. 汉族.")),
    Column("户籍类型", "hukou", N_("本市城镇 / 本市农业 / 外埠城镇 / 外埠农业.")),
)

UNIT_COLUMNS: tuple[Column, ...] = (
    Column("名称", "name", N_("Employer's registered name."), True),
    Column("统一社会信用代码", "uscc", N_("Unified Social Credit Code (GB 32100-2015)."), True),
    Column("所属服务站代码", "station_code", N_("Code of the union service station where the employer is."), True),
    Column("所属产业/公司工会代码", "industry_code", N_("Code of the company (or industry) union above it, if any.")),
    Column("是否建会", "has_union", N_("是 when the employer has set up a union, else 否."), True),
    Column("基层工会代码", "grassroots_code", N_("Code of its grassroots union (empty when it has none).")),
    Column("会员人数", "members", N_("Number of members in the register."), True),
    Column("联系人", "contact", N_("Contact person.")),
    Column("联系电话", "phone", N_("Contact phone (mobile or 010 landline).")),
)

CASE_COLUMNS: tuple[Column, ...] = (
    Column("案件编号", "number", N_("Case number, unique."), True),
    Column("流程", "process", N_("Process key: hotline_request (12351) or mediation."), True),
    Column("受理日期", "opened_on", N_("Date the case was opened, YYYY-MM-DD."), True),
    Column("承办单位代码", "unit_code", N_("Code of the org unit handling it."), True),
    Column("状态", "status", N_("open / closed."), True),
)

MEMBER_HEADERS: tuple[str, ...] = tuple(c.header for c in MEMBER_COLUMNS)
UNIT_HEADERS: tuple[str, ...] = tuple(c.header for c in UNIT_COLUMNS)
CASE_HEADERS: tuple[str, ...] = tuple(c.header for c in CASE_COLUMNS)
MEMBER_INDEX: dict[str, int] = {c.key: i for i, c in enumerate(MEMBER_COLUMNS)}
UNIT_INDEX: dict[str, int] = {c.key: i for i, c in enumerate(UNIT_COLUMNS)}
