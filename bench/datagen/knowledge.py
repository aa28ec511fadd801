"""Knowledge-base data for the ``knowledge_suggest`` benchmark: articles and past answered requests.

Deterministic (``random.Random(seed)``), no download: realistic 12351 texts about wages, labour contracts,
injury, social insurance, the member card, mutual aid, hardship help and legal aid are assembled from topic
templates and a vocabulary (employers, trades, districts, amounts, durations), so the words are spread like
a real hotline's (a few topics dominate: wage arrears, contracts, the card). The texts are segmented by the
app's own ``segment.index_text`` (cached per clause), and rows go in through ``rawinsert`` (``executemany``
on SQLite, ``COPY`` on PostgreSQL); the full-text index follows through the app's triggers (SQLite) or
generated column (PostgreSQL). Standalone::

    .venv/bin/python -m bench.datagen.knowledge --db sqlite --articles 100000 --answers 1000000

A fingerprint (version, seed, sizes) in ``bench_dataset`` skips loading next time; the member register and
the workflow cases are not touched.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import random
import sys
import time
from collections.abc import Callable, Iterator

VERSION = 1
DEFAULT_ARTICLES = 100_000
DEFAULT_ANSWERS = 1_000_000
META_FINGERPRINT = "knowledge_fingerprint"
META_SUMMARY = "knowledge_summary"
BATCH = 20_000

Log = Callable[[str], None]

EMPLOYERS = ["科技有限公司", "建筑工程有限公司", "餐饮管理有限公司", "物业管理有限公司", "快递服务有限公司",
             "保安服务有限公司", "商贸有限公司", "家政服务有限公司", "汽车销售服务有限公司", "文化传媒有限公司",
             "医药连锁有限公司", "装饰工程有限公司", "物流有限公司", "酒店管理有限公司", "超市连锁有限公司"]
BRANDS = ["鑫源", "华联", "京诚", "宏达", "金桥", "恒信", "东方", "长城", "汇通", "天宇", "博远", "安达", "利民",
          "新世纪", "中科", "首创", "和平", "永安", "瑞丰", "嘉禾"]
TRADES = ["快递员", "外卖骑手", "保安", "保洁员", "厨师", "服务员", "电工", "焊工", "司机", "收银员", "程序员",
          "销售", "护工", "钢筋工", "仓库管理员", "前台", "会计", "装修工人", "网约车司机", "家政服务员"]
DISTRICTS = ["东城区", "西城区", "朝阳区", "海淀区", "丰台区", "石景山区", "门头沟区", "房山区", "通州区", "顺义区",
             "昌平区", "大兴区", "怀柔区", "平谷区", "密云区", "延庆区", "经济技术开发区"]
DURATIONS = ["一个月", "两个月", "三个月", "四个月", "半年", "八个月", "一年多", "两年"]
BODY_PARTS = ["手指", "腰部", "腿部", "手腕", "脚踝", "眼睛", "头部", "肩膀"]
RELATIVES = ["孩子", "爱人", "父亲", "母亲", "老人"]

# Topics: (weight, category code, question templates, title templates, keywords, answer sentences).
TOPICS = [
    (22, "LDGX02",
     ["{brand}{employer}拖欠我{duration}工资了，怎么办", "老板说公司没钱，{duration}没发工资",
      "我是{trade}，单位拖欠工资不给",
      "离职后单位一直不结算工资", "工资被克扣了，能不能投诉", "单位按最低工资发，加班费也没有",
      "公司欠薪{duration}，想讨薪该找哪里"],
     ["拖欠工资的处理途径", "欠薪投诉与劳动仲裁", "离职工资结算", "克扣工资怎么办", "加班费计算标准"],
     "欠薪 讨薪 拖欠工资 工资 加班费 克扣",
     ["用人单位应当以货币形式按月足额支付劳动者工资，不得克扣或者无故拖欠。",
      "可以先与单位协商，保留好劳动合同、工资条、考勤记录、银行流水等证据。",
      "协商不成的，可以向用工所在地{district}人力资源和社会保障局劳动保障监察大队投诉。",
      "也可以向劳动人事争议仲裁委员会申请劳动仲裁，仲裁时效为一年，劳动关系存续期间拖欠工资的不受时效限制。",
      "工作日安排加班的，支付不低于工资百分之一百五十的工资报酬；休息日安排工作又不能补休的，支付不低于百分之二百。",
      "法定休假日安排工作的，支付不低于工资百分之三百的工资报酬。",
      "符合法律援助条件的职工，可以向工会申请法律援助，由签约律师代理仲裁或诉讼。",
      "离职时单位应当在解除或者终止劳动合同时一次付清劳动者工资。"]),
    (16, "LDGX01",
     ["入职{duration}了单位还不签劳动合同", "劳动合同到期单位不续签，有没有经济补偿", "试用期被辞退合法吗",
      "单位让我签竞业限制协议", "被公司违法解除劳动合同怎么办", "单位要调岗降薪，我不同意能辞职吗",
      "{brand}{employer}口头通知我明天不用来了"],
     ["未签劳动合同的双倍工资", "劳动合同到期终止的经济补偿", "试用期解除劳动合同", "违法解除的赔偿金",
      "竞业限制协议"],
     "劳动合同 双倍工资 经济补偿 试用期 解除 辞退 竞业限制",
     ["用人单位自用工之日起超过一个月不满一年未与劳动者订立书面劳动合同的，应当向劳动者每月支付二倍的工资。",
      "劳动合同期满，单位不续订的，应当按工作年限支付经济补偿，每满一年支付一个月工资。",
      "六个月以上不满一年的，按一年计算；不满六个月的，支付半个月工资的经济补偿。",
      "单位违法解除劳动合同的，应当按经济补偿标准的二倍支付赔偿金。",
      "试用期内单位解除劳动合同，须证明劳动者不符合录用条件，并向劳动者说明理由。",
      "竞业限制期限不得超过二年，单位应在竞业限制期限内按月给予劳动者经济补偿。",
      "建议保留工作证、工牌、考勤记录、工作群聊天记录等证明劳动关系的证据。"]),
    (12, "LDGX04",
     ["单位不给我交社保", "社保断缴了{duration}有什么影响", "养老保险怎么转移到北京", "失业保险金怎么领",
      "生育保险报销需要什么材料", "医保报销比例是多少", "辞职后社保怎么办"],
     ["单位未缴纳社会保险", "失业保险金申领", "养老保险关系转移", "生育保险待遇", "医疗保险报销"],
     "社保 社会保险 养老保险 医保 失业保险 生育保险 断缴",
     ["依法缴纳社会保险费是用人单位的法定义务，不能以协议约定免除。",
      "单位未依法缴纳的，可以向{district}社会保险经办机构或劳动保障监察大队投诉，要求补缴。",
      "非因本人意愿中断就业、缴费满一年并已办理失业登记的，可以申领失业保险金。",
      "跨省流动就业的，养老保险关系可以随本人转移，缴费年限累计计算。",
      "生育津贴按照职工所在单位上年度职工月平均工资计发。",
      "具体报销比例请以{district}医保部门公布的标准为准，也可以拨打12333咨询。"]),
    (10, "LDGX04",
     ["我在上班路上被车撞了能认定工伤吗", "干活时{body}受伤了，单位不给报工伤", "工伤认定要多长时间",
      "工伤鉴定伤残等级怎么申请", "{trade}在工作中摔伤，单位没交工伤保险怎么办", "停工留薪期工资怎么发"],
     ["工伤认定申请", "上下班途中交通事故认定工伤", "劳动能力鉴定", "停工留薪期待遇", "未参加工伤保险的工伤待遇"],
     "工伤 工伤认定 工伤保险 劳动能力鉴定 伤残 停工留薪期 交通事故",
     ["职工发生事故伤害，所在单位应当自事故伤害发生之日起30日内向社会保险行政部门提出工伤认定申请。",
      "单位未按规定提出的，职工本人或者近亲属、工会组织在事故伤害发生之日起1年内可以直接提出工伤认定申请。",
      "在上下班途中，受到非本人主要责任的交通事故伤害的，应当认定为工伤。",
      "社会保险行政部门应当自受理之日起60日内作出工伤认定的决定。",
      "经治疗伤情相对稳定后存在残疾、影响劳动能力的，应当进行劳动能力鉴定。",
      "停工留薪期内，原工资福利待遇不变，由所在单位按月支付。",
      "单位未参加工伤保险的，由单位按照工伤保险待遇项目和标准支付费用。"]),
    (11, "HYK01",
     ["京卡丢了怎么补办", "会员卡怎么办理", "工会会员互助服务卡在哪里领", "京卡密码忘了", "互助服务卡激活不了",
      "换工作了会员卡还能用吗", "会员卡过期了怎么换卡"],
     ["京卡·互助服务卡补办", "会员卡办理流程", "会员卡挂失与密码重置", "换单位后会员卡的使用"],
     "京卡 会员卡 互助服务卡 补办 挂失 激活 密码",
     ["工会会员互助服务卡由所在基层工会统一采集信息后，通过区职工服务中心批量到银行制卡。",
      "卡片丢失的，请先拨打银行客服电话挂失，再到所在基层工会或街道工会服务站申请补办。",
      "密码遗忘的，请本人携带身份证和卡片到发卡银行网点办理密码重置。",
      "会员调动工作单位的，会员关系接转后卡片可以继续使用，互助保障权益不受影响。",
      "办卡进度可以拨打12351热线查询，也可以向{district}职工服务中心咨询。"]),
    (7, "HYK02",
     ["持卡职工有什么优惠", "会员卡去博物馆免费吗", "京卡可以在哪些商户打折", "特约商户怎么使用会员卡"],
     ["会员卡服务项目", "特约服务商户优惠", "持卡职工文化场馆优惠"],
     "会员卡 优惠 特约商户 博物馆 服务项目 持卡",
     ["持卡会员可以在特约服务商户享受会员专享优惠，具体项目以当期公布为准。",
      "部分市属博物馆、公园对持卡职工有优惠，各单位政策不同，建议出行前先电话咨询预约。",
      "服务项目名单在职工服务网和12351热线公布，也可以到服务站查询。"]),
    (8, "HZBZ02",
     ["住院了互助保障怎么报销", "职工医疗互助理赔需要什么材料", "意外伤害互助保障怎么申请",
      "家里失火了工会有补助吗", "互助保障最高能报多少"],
     ["住院医疗互助保障理赔", "意外伤害互助保障", "家庭财产互助保障", "互助保障理赔材料"],
     "互助保障 理赔 住院医疗 意外伤害 家庭财产 报销 补助",
     ["在职职工住院医疗互助保障由工会按季度与社保数据比对后计算补助，直接打到会员卡账户。",
      "意外伤害互助保障需提交身份证、诊断证明、伤残鉴定结论等材料，由服务站收集后报区中心审核。",
      "家庭财产因火灾受损的，可申请家庭财产互助保障，最高一万元。",
      "非因工伤残最高补助五千元，因意外身故的补助二万元。",
      "补助款到账后会有短信通知，请保持手机号码准确。"]),
    (6, "KNBF01",
     ["困难职工建档需要什么条件", "家里{relative}生病了生活困难，工会能帮助吗", "金秋助学怎么申请",
      "单亲女职工有什么帮扶", "送温暖活动怎么报名"],
     ["困难职工建档条件", "金秋助学申请", "两节送温暖", "单亲女职工帮扶"],
     "困难帮扶 困难职工 建档 送温暖 金秋助学 单亲女职工",
     ["家庭人均月收入低于本市最低生活保障标准一定比例，或因病、因灾致困的职工，可以申请建立困难职工档案。",
      "申请人向所在基层工会提出，经街道工会服务站核实、区总工会审核后建档。",
      "金秋助学每年七月至九月集中受理，资助困难职工家庭考入大学的子女。",
      "两节送温暖活动由各级工会走访慰问建档困难职工，无需个人报名。",
      "三八节期间开展单亲女职工帮扶，可以向所在工会了解具体安排。"]),
    (8, "FLYZ01",
     ["工会法律援助需要什么条件", "请律师太贵了工会能帮忙打官司吗", "劳动仲裁怎么申请", "法律援助申请要多长时间",
      "我想起诉单位，工会能提供律师吗"],
     ["工会法律援助申请条件", "劳动仲裁申请流程", "法律援助审查时限"],
     "法律援助 律师 劳动仲裁 起诉 仲裁 申请条件",
     ["工会会员因劳动权益受到侵害，经济困难无力委托律师的，可以向工会申请法律援助。",
      "市职工服务中心自接到申请之日起5日内审核，符合条件的派给签约律师事务所代理。",
      "申请劳动仲裁应提交仲裁申请书、身份证复印件和证明劳动关系的证据，向用工所在地{district}劳动人事争议仲裁委员会提出。",
      "仲裁委员会自收到申请之日起五日内决定是否受理。",
      "对仲裁裁决不服的，可以自收到裁决书之日起十五日内向人民法院提起诉讼。"]),
]

OPENERS = ["", "您好，", "请问，", "我想咨询一下，", "你好，我是{trade}，", "我在{district}上班，"]
TAILS = ["", "谢谢", "麻烦帮我看看", "现在该怎么办", "急", "我该找哪个部门"]
STATUSES = [("published", 85), ("draft", 5), ("in_review", 3), ("retired", 7)]


def _fill(rng: random.Random, template: str) -> str:
    return template.format(brand=rng.choice(BRANDS), employer=rng.choice(EMPLOYERS), trade=rng.choice(TRADES),
                           district=rng.choice(DISTRICTS), duration=rng.choice(DURATIONS),
                           body=rng.choice(BODY_PARTS), relative=rng.choice(RELATIVES))


def _topic(rng: random.Random):
    return rng.choices(TOPICS, weights=[t[0] for t in TOPICS])[0]


def _answer(rng: random.Random, sentences: list[str], low: int, high: int) -> str:
    n = min(len(sentences), rng.randint(low, high))
    return "".join(_fill(rng, s) for s in rng.sample(sentences, n))


def request_text(rng: random.Random) -> tuple[str, str]:
    """One typed request as a caller would put it, and its category code."""
    _w, code, questions, _titles, _kw, _answers = _topic(rng)
    text = _fill(rng, rng.choice(OPENERS)) + _fill(rng, rng.choice(questions))
    tail = rng.choice(TAILS)
    return (f"{text}，{tail}" if tail else text), code


def iter_articles(count: int, seed: int, today: dt.date) -> Iterator[dict]:
    rng = random.Random(f"{seed}-knowledge-articles")  # noqa: S311 - deterministic data, not secrets
    statuses, weights = zip(*STATUSES, strict=True)
    for i in range(count):
        _w, code, questions, titles, keywords, answers = _topic(rng)
        title = f"{rng.choice(titles)}（{rng.choice(DISTRICTS)}·{i % 97 + 1}）"
        start = today - dt.timedelta(days=rng.randint(0, 2000))
        end = None if rng.random() < 0.8 else start + dt.timedelta(days=rng.randint(30, 1500))
        yield {"title": title, "code": code, "question": _fill(rng, rng.choice(questions)),
               "keywords": " ".join(rng.sample(keywords.split(), 3)), "answer": _answer(rng, answers, 3, 6),
               "valid_from": start, "valid_to": end, "status": rng.choices(statuses, weights=weights)[0]}


def iter_answers(count: int, seed: int, anchor: dt.datetime) -> Iterator[dict]:
    rng = random.Random(f"{seed}-knowledge-answers")  # noqa: S311 - deterministic data, not secrets
    for i in range(count):
        text, code = request_text(rng)
        answers = next(t for t in TOPICS if t[1] == code)[5]
        at = anchor - dt.timedelta(minutes=rng.randint(0, 5 * 365 * 24 * 60))
        yield {"source_id": 10_000_000 + i, "case_number": f"RX{at:%Y%m%d}-{i % 10000:04d}", "question": text,
               "answer": _answer(rng, answers, 1, 3), "code": code, "answered_at": at}


def fingerprint(seed: int, articles: int, answers: int) -> str:
    key = json.dumps({"v": VERSION, "seed": seed, "articles": articles, "answers": answers}, sort_keys=True)
    return hashlib.sha256(key.encode()).hexdigest()[:16]


def _categories() -> dict[str, int]:
    """Hotline categories by code; ``flush`` empties the seeded tree, so it is seeded again when missing."""
    import importlib

    from django.apps import apps

    from unionserve.hotline.models import Category

    if not Category.objects.exists():
        importlib.import_module("unionserve.hotline.migrations.0002_seed_categories").seed(apps, None)
    return dict(Category.objects.values_list("code", "pk"))


def _wait_for_locks() -> None:
    """Other loaders may write to the same SQLite file: wait for their transactions instead of failing."""
    from django.db import connection

    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA busy_timeout = 600000")


def clear(log: Log = print) -> None:
    """Empty the knowledge tables (and their full-text index) of the benchmark database."""
    from django.db import connection, transaction

    from bench.harness.database import assert_benchmark_database
    from unionserve.knowledge import fulltext
    from unionserve.knowledge.models import AnsweredQuestion, Article, ArticleRevision

    assert_benchmark_database("empty the knowledge tables")
    _wait_for_locks()
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            # Deleting a million rows through the triggers is slow: drop them, empty everything, put them back.
            for sql in fulltext._SQLITE_DROP[:6]:
                cursor.execute(sql)
            for table in (fulltext.ARTICLE_FTS, fulltext.ANSWER_FTS):
                cursor.execute(f"INSERT INTO {table}({table}) VALUES ('delete-all')")  # noqa: S608
        for model in (ArticleRevision, Article, AnsweredQuestion):
            cursor.execute(f"DELETE FROM {model._meta.db_table}")  # noqa: S608
        if connection.vendor == "sqlite":
            for sql in fulltext._SQLITE_TRIGGERS:
                cursor.execute(sql)
    log("knowledge tables emptied")


def load(articles: int, answers: int, seed: int, *, log: Log = print) -> dict:
    """Insert the articles and answered requests; returns a summary with rows/s."""
    from django.db import connection, transaction

    from bench.datagen.rawinsert import RawTable, insert
    from unionserve.accounts.models import User
    from unionserve.knowledge import fulltext
    from unionserve.knowledge.models import AnsweredQuestion, Article
    from unionserve.knowledge.segment import index_text

    t0 = time.perf_counter()
    _wait_for_locks()
    if connection.vendor == "sqlite":
        # Row-by-row trigger upkeep of FTS5 runs at a few thousand rows/s; a bulk load leaves the triggers out
        # and rebuilds the index from the tables once at the end (fulltext.rebuild), about ten times faster.
        with connection.cursor() as cursor:
            for sql in fulltext._SQLITE_DROP[:6]:
                cursor.execute(sql)
    categories = _categories()
    author = User.objects.order_by("pk").values_list("pk", flat=True).first()
    if author is None:
        raise RuntimeError("no user in the benchmark database: prepare it first")
    from django.utils import timezone

    now = timezone.now().replace(microsecond=0)
    today = timezone.localdate()
    art_table = RawTable(Article, ["title", "category_id", "question", "keywords", "answer", "valid_from", "valid_to",
                                   "status", "author_id", "reviewer_id", "published_at", "created_at", "updated_at",
                                   "search_title", "search_body"])
    batch: list[tuple] = []
    done = 0
    for row in iter_articles(articles, seed, today):
        published = row["status"] in ("published", "retired")
        batch.append((row["title"], categories[row["code"]], row["question"], row["keywords"], row["answer"],
                      row["valid_from"], row["valid_to"], row["status"], author, author if published else None,
                      now if published else None, now, now, index_text(row["title"], row["keywords"]),
                      index_text(row["question"], row["answer"])))
        if len(batch) >= BATCH:
            with transaction.atomic():
                done += insert(art_table, batch)
            batch = []
    if batch:
        with transaction.atomic():
            done += insert(art_table, batch)
    art_s = time.perf_counter() - t0
    log(f"  {done:,} articles in {art_s:.0f} s")
    ans_table = RawTable(AnsweredQuestion, ["source_id", "case_number", "question", "answer", "category_id",
                                            "answered_at", "search_text"])
    t1 = time.perf_counter()
    batch, done = [], 0
    for row in iter_answers(answers, seed, now):
        batch.append((row["source_id"], row["case_number"], row["question"], row["answer"], categories[row["code"]],
                      row["answered_at"], index_text(row["question"])))
        if len(batch) >= BATCH:
            with transaction.atomic():
                done += insert(ans_table, batch)
            batch = []
            if done % 200_000 == 0:
                log(f"  {done:,} answered requests in {time.perf_counter() - t1:.0f} s")
    if batch:
        with transaction.atomic():
            done += insert(ans_table, batch)
    ans_s = time.perf_counter() - t1
    log(f"  {done:,} answered requests in {ans_s:.0f} s")
    if connection.vendor == "sqlite":
        t2 = time.perf_counter()
        with transaction.atomic(), connection.cursor() as cursor:
            for sql in fulltext._SQLITE_TRIGGERS:
                cursor.execute(sql)
            fulltext.rebuild(connection)
        log(f"  full-text index rebuilt in {time.perf_counter() - t2:.0f} s")
    fulltext.optimize(connection)
    with connection.cursor() as cursor:
        vacuum = connection.vendor == "postgresql" and not connection.in_atomic_block
        for table in ("knowledge_article", "knowledge_answeredquestion"):
            cursor.execute(f"{'VACUUM ANALYZE' if vacuum else 'ANALYZE'} {table}")
    return {"articles": articles, "answers": answers, "seed": seed, "articles_s": round(art_s, 1),
            "answers_s": round(ans_s, 1), "answers_per_s": round(answers / ans_s) if ans_s else None,
            "seconds": round(time.perf_counter() - t0, 1)}


def ensure_knowledge(seed: int, articles: int = DEFAULT_ARTICLES, answers: int = DEFAULT_ANSWERS, *,
                     force: bool = False, log: Log = print) -> dict:
    """Load the knowledge data unless the database already holds it (fingerprint and row counts)."""
    from bench.harness.database import read_meta, write_meta
    from unionserve.knowledge.models import AnsweredQuestion, Article

    fp = fingerprint(seed, articles, answers)
    if not force and read_meta(META_FINGERPRINT) == fp and read_meta(META_SUMMARY):
        summary = json.loads(read_meta(META_SUMMARY) or "{}")
        if Article.objects.count() == articles and AnsweredQuestion.objects.count() == answers:
            return {**summary, "fingerprint": fp, "loaded_now": False}
        log("the knowledge tables do not hold the recorded rows: reloading")
    write_meta(META_FINGERPRINT, "")
    clear(log)
    summary = load(articles, answers, seed, log=log)
    write_meta(META_SUMMARY, json.dumps(summary))
    write_meta(META_FINGERPRINT, fp)
    log(f"knowledge data loaded: {summary}")
    return {**summary, "fingerprint": fp, "loaded_now": True}


def main(argv: list[str] | None = None) -> int:
    """``python -m bench.datagen.knowledge``: prepare the benchmark database and load the knowledge data."""
    from bench.datagen.generate import Scale

    parser = argparse.ArgumentParser(prog="python -m bench.datagen.knowledge", description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--articles", type=int, default=DEFAULT_ARTICLES)
    parser.add_argument("--answers", type=int, default=DEFAULT_ANSWERS)
    parser.add_argument("--seed", type=int, default=Scale().seed)
    parser.add_argument("--force", action="store_true")
    args = parser.parse_args(argv)

    from bench.harness.database import configure_django, prepare_database

    def log(msg: str) -> None:
        print(msg, file=sys.stderr, flush=True)

    configure_django(args.db)
    _wait_for_locks()
    prepare_database(Scale(seed=args.seed), log=log)
    summary = ensure_knowledge(args.seed, args.articles, args.answers, force=args.force, log=log)
    print(json.dumps(summary, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
