# ruff: noqa: E501  (document text: long lines are the documents' own paragraphs)
"""The documents the platform makes, their default text (seeded by a migration), the context each expects,
a sample context for previews, and wording that an edited template must keep.

The bodies are Chinese: they are the documents themselves (formal texts handed to the parties), not UI.
"""

from __future__ import annotations

from dataclasses import dataclass, field

MEDIATION_AGREEMENT = "mediation_agreement"
MEDIATION_TERMINATION = "mediation_termination"
LEGAL_AID_REFUSAL = "legal_aid_refusal"
ACCEPTANCE_NOTICE = "acceptance_notice"

#: Added to every context by `generate` / `render_preview` (callers may override them).
COMMON_VARIABLES = {
    "case_number": "案件编号, e.g. TJ20261126-0001",
    "today": "the date the document is made, 2026年11月26日",
    "issuing_unit": "the unit that issues it (the acting user's unit)",
    "document_title": "the template's title",
}

_PARTIES = """<table class="parties">
{% for p in applicants %}<tr><th>申请人</th><td>{{ p.name }}{% if p.detail %}，{{ p.detail }}{% endif %}</td></tr>
{% endfor %}<tr><th>被申请人</th><td>{{ employer.name }}{% if employer.detail %}，{{ employer.detail }}{% endif %}</td></tr>
</table>"""

_CLAIMS = """{% if claims %}<table class="grid"><thead><tr><th>请求事项</th><th class="num">金额（元）</th></tr></thead><tbody>
{% for c in claims %}<tr><td>{{ c.item }}</td><td class="num">{{ c.amount|default:"—" }}</td></tr>{% endfor %}
{% if claims_total %}<tr><td>合计</td><td class="num">{{ claims_total }}</td></tr>{% endif %}
</tbody></table>{% endif %}"""


@dataclass(frozen=True)
class DocumentSpec:
    code: str
    title: str
    description: str
    body: str
    #: variable name -> what it holds (documented in docs/documents.md)
    variables: dict[str, str]
    sample: dict
    #: Text the rendered sample must still contain after an edit (e.g. the right to arbitration).
    required_text: tuple[str, ...] = field(default=())


SPECS: dict[str, DocumentSpec] = {}


def _spec(spec: DocumentSpec) -> DocumentSpec:
    SPECS[spec.code] = spec
    return spec


_SAMPLE_PARTIES = {
    "applicants": [{"name": "张三", "detail": "男，身份证号 1101**********1234"},
                   {"name": "李四", "detail": ""}],
    "employer": {"name": "北京某某科技有限公司", "detail": "住所地：北京市东城区东华门大街1号"},
    "dispute": "申请人主张被申请人拖欠2026年8月至10月工资。",
    "claims": [{"item": "支付拖欠工资", "amount": "18,000.00"}, {"item": "支付经济补偿金", "amount": "6,000.00"}],
    "claims_total": "24,000.00",
    "mediator": "王调解",
    "mediation_org": "东城区职工服务中心劳动争议调解中心",
}

_spec(DocumentSpec(
    code=MEDIATION_AGREEMENT,
    title="调解协议书",
    description="经调解达成协议的劳动争议案件（京工发〔2013〕5号 四.5）",
    variables={
        "applicants": "list of {name, detail}: the workers (one or several)",
        "employer": "{name, detail}: the employer",
        "dispute": "text: the dispute as the parties stated it",
        "claims": "list of {item, amount}: the claims (amount as text, yuan)",
        "claims_total": "text: sum of the claims, yuan",
        "agreement_terms": "text: what the parties agreed",
        "amount_agreed": "text: money the employer agreed to pay, yuan",
        "performance": "text: how and by when it is performed",
        "mediator": "text: the mediator's name",
        "mediation_org": "text: the mediation body (unit name)",
    },
    sample={**_SAMPLE_PARTIES, "agreement_terms": "被申请人于2026年12月10日前一次性支付申请人工资及补偿共计20,000元。",
            "amount_agreed": "20,000.00", "performance": "银行转账至申请人工资卡。"},
    body="""<h1>{{ document_title }}</h1>
<p class="number">{{ case_number }}</p>
""" + _PARTIES + """
<h2>争议事项</h2>
<p>{{ dispute|linebreaksbr }}</p>
""" + _CLAIMS + """
<h2>协议内容</h2>
<p>经{{ mediation_org }}主持调解，双方当事人自愿达成如下协议：</p>
<p>{{ agreement_terms|linebreaksbr }}</p>
{% if amount_agreed %}<p>被申请人同意支付的金额：人民币{{ amount_agreed }}元。</p>{% endif %}
{% if performance %}<p>履行方式和期限：{{ performance|linebreaksbr }}</p>{% endif %}
<p>本协议书自双方当事人签字（盖章）、调解员签名并加盖调解组织印章之日起生效，对双方当事人具有约束力，当事人应当履行。</p>
<table class="sign">
<tr><td>申请人（签字）：</td><td>被申请人（盖章）：</td></tr>
<tr><td>调解员：{{ mediator }}</td><td>{{ mediation_org }}（印章）</td></tr>
</table>
<p class="date">{{ today }}</p>
""",
))

_spec(DocumentSpec(
    code=MEDIATION_TERMINATION,
    title="调解终结书",
    description="调解不成功的劳动争议案件；告知当事人可以依法申请仲裁（京工发〔2013〕5号 四.5）",
    variables={
        "applicants": "list of {name, detail}: the workers",
        "employer": "{name, detail}: the employer",
        "dispute": "text: the dispute",
        "claims": "list of {item, amount}",
        "claims_total": "text: sum of the claims, yuan",
        "reason": "text: why mediation ended without agreement",
        "mediator": "text: the mediator's name",
        "mediation_org": "text: the mediation body",
    },
    sample={**_SAMPLE_PARTIES, "reason": "双方对经济补偿金数额分歧较大，经多次调解未能达成一致。"},
    required_text=("申请仲裁",),
    body="""<h1>{{ document_title }}</h1>
<p class="number">{{ case_number }}</p>
""" + _PARTIES + """
<h2>争议事项</h2>
<p>{{ dispute|linebreaksbr }}</p>
""" + _CLAIMS + """
<h2>调解终结</h2>
<p>本案经{{ mediation_org }}主持调解，{{ reason|default:"双方当事人未能达成调解协议" }}，现决定终结调解。</p>
<p class="notice">当事人可以自收到本终结书之日起，依法向有管辖权的劳动人事争议仲裁委员会申请仲裁。</p>
<table class="sign">
<tr><td>调解员：{{ mediator }}</td><td>{{ mediation_org }}（印章）</td></tr>
</table>
<p class="date">{{ today }}</p>
""",
))

_spec(DocumentSpec(
    code=LEGAL_AID_REFUSAL,
    title="不予援助决定书",
    description="不符合援助条件的法律援助申请，说明理由（京工发〔2013〕5号 四.6）",
    variables={
        "applicant": "{name, detail}: the applicant",
        "applied_on": "text (or a date): when the application was made",
        "matter": "text: what aid was asked for",
        "reasons": "list of text: each reason the application is refused (at least one)",
        "deciding_unit": "text: the unit that decides (defaults to issuing_unit)",
    },
    sample={"applicant": {"name": "赵六", "detail": "女，身份证号 1101**********5678"},
            "applied_on": "2026年11月20日", "matter": "追索劳动报酬代理",
            "reasons": ["申请人非工会会员且不属于困难职工", "申请事项已超过仲裁时效"],
            "deciding_unit": "北京市职工服务中心"},
    required_text=("理由",),
    body="""<h1>{{ document_title }}</h1>
<p class="number">{{ case_number }}</p>
<table class="parties"><tr><th>申请人</th><td>{{ applicant.name }}{% if applicant.detail %}，{{ applicant.detail }}{% endif %}</td></tr></table>
<p>你于{{ applied_on }}提出的{{ matter }}法律援助申请，经审查，不符合工会法律援助条件，决定不予援助。理由如下：</p>
<ol class="reasons">{% for r in reasons %}<li>{{ r }}</li>{% endfor %}</ol>
<p>特此决定。</p>
<p class="right">{{ deciding_unit|default:issuing_unit }}（印章）</p>
<p class="date">{{ today }}</p>
""",
))

_spec(DocumentSpec(
    code=ACCEPTANCE_NOTICE,
    title="受理通知书",
    description="劳动争议调解或法律援助申请受理后通知申请人（同一份通知书用于两种申请，由受理的业务决定写哪一种）",
    variables={
        "kind": "'mediation' or 'legal_aid'",
        "kind_label": "text: 劳动争议调解 / 法律援助 (set by the caller; defaults from kind)",
        "applicants": "list of {name, detail}: the applicants",
        "employer": "{name, detail}: the other party (mediation; may be empty for legal aid)",
        "matter": "text: what was applied for",
        "applied_on": "text (or a date): when the application was made",
        "accepted_on": "text (or a date): the day of the acceptance decision",
        "handling_unit": "text: the unit that will handle it",
        "next_steps": "text: what happens next and its time limit",
    },
    sample={"kind": "mediation", "kind_label": "劳动争议调解",
            "applicants": [{"name": "张三", "detail": ""}],
            "employer": {"name": "北京某某科技有限公司", "detail": ""},
            "matter": "追索拖欠工资", "applied_on": "2026年11月26日", "accepted_on": "2026年11月26日",
            "handling_unit": "东城区职工服务中心",
            "next_steps": "调解员将在7日内与你联系并提出处理方案，案件在15日内办结。"},
    body="""<h1>{{ document_title }}</h1>
<p class="number">{{ case_number }}</p>
<p>{% for p in applicants %}{{ p.name }}{% if not forloop.last %}、{% endif %}{% endfor %}：</p>
<p>你（们）于{{ applied_on }}提出的{% if kind == "legal_aid" %}{{ kind_label|default:"法律援助" }}{% else %}{{ kind_label|default:"劳动争议调解" }}{% endif %}申请{% if matter %}（{{ matter }}{% if employer.name %}，被申请人：{{ employer.name }}{% endif %}）{% endif %}，经审查符合受理条件，本机构已于{{ accepted_on }}决定受理。</p>
{% if handling_unit %}<p>承办机构：{{ handling_unit }}。</p>{% endif %}
{% if next_steps %}<p>{{ next_steps|linebreaksbr }}</p>{% endif %}
<p>特此通知。</p>
<p class="right">{{ issuing_unit }}（印章）</p>
<p class="date">{{ today }}</p>
""",
))

#: The page style every document is printed with (not editable: it carries the Chinese fonts).
PAGE_CSS = """
@page { size: A4; margin: 2.5cm 2.2cm; @bottom-center { content: counter(page) " / " counter(pages); font-size: 9pt; } }
body { font-family: "Noto Serif CJK SC", "Noto Sans CJK SC", "Source Han Serif SC", serif; font-size: 12pt;
       line-height: 1.8; }
h1 { text-align: center; font-size: 20pt; letter-spacing: 0.3em; margin: 0 0 0.3em; }
h2 { font-size: 13pt; margin: 1em 0 0.3em; }
.number { text-align: right; font-size: 10pt; }
table { border-collapse: collapse; width: 100%; margin: 0.5em 0; }
table.parties th { width: 6em; text-align: left; vertical-align: top; font-weight: bold; }
table.grid th, table.grid td { border: 0.5pt solid #333; padding: 2pt 6pt; }
.num { text-align: right; }
table.sign td { padding-top: 2em; width: 50%; }
.right, .date { text-align: right; }
.notice { font-weight: bold; }
"""
