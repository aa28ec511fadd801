"""Segmentation, ranking, validity at the boundary, category boost, the full-text index kept in sync."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from unionserve.knowledge import actions, search
from unionserve.knowledge.indexing import record_answer
from unionserve.knowledge.models import AnsweredQuestion, Article
from unionserve.knowledge.segment import index_text, query_terms, tokens

pytestmark = pytest.mark.django_db


def test_search_mode_gives_compounds_and_parts_without_stop_words():
    words = tokens("公司拖欠工资三个月了怎么办？")
    assert {"拖欠工资", "拖欠", "工资", "公司"} <= set(words)
    assert "怎么办" not in words and "了" not in words
    assert all(len(w) >= 2 for w in words)
    assert tokens("京卡丢了，１２３５１") == ["京卡", "12351"]  # full-width digits normalized, domain word kept
    assert index_text("劳动合同", "") == "劳动 合同 劳动合同"
    assert query_terms("工资 工资 工资") == ["工资"]


def test_short_or_empty_text_gives_nothing():
    assert search.suggest("").empty and search.suggest("工").empty and search.suggest("   ").terms == []
    assert search.suggest("了吗").terms == []  # only stop words / single characters


def test_obviously_best_article_ranks_first(publish):
    best = publish("公司拖欠工资怎么办", "可以先与单位协商；协商不成可向劳动保障监察投诉或申请劳动仲裁。",
                   question="老板拖欠工资不发", keywords="欠薪 讨薪")
    publish("工伤认定申请", "工伤认定申请应在事故发生之日起30日内由单位提出。", "LDGX04")
    publish("加班费怎么算", "工作日加班支付不低于工资的150%。")
    publish("会员卡补办", "京卡丢失后可到服务站挂失补办。", "HYK01")
    result = search.suggest("单位拖欠我三个月工资了，怎么办")
    assert result.articles[0].article == best
    assert "<mark>单位</mark>" in result.articles[0].snippet
    assert search.suggest("京卡丢了怎么补办").articles[0].article.title == "会员卡补办"


def test_validity_boundaries(publish):
    today = timezone.localdate()
    ends_today = publish("最低工资标准（到今天）", "本市最低工资标准为每月2540元。", valid_to=today)
    ended_yesterday = publish("最低工资标准（到昨天）", "本市最低工资标准为每月2420元。",
                              valid_to=today - dt.timedelta(days=1))
    starts_today = publish("最低工资标准（从今天）", "本市最低工资标准调整后为每月2600元。", valid_from=today)
    starts_tomorrow = publish("最低工资标准（从明天）", "本市最低工资标准明年调整为每月2700元。",
                              valid_from=today + dt.timedelta(days=1))
    shown = {hit.article for hit in search.suggest("最低工资标准是多少").articles}
    assert ends_today in shown and starts_today in shown
    assert ended_yesterday not in shown and starts_tomorrow not in shown


def test_only_published_articles_are_suggested(publish, kb_users, categories):
    published = publish("年休假天数", "职工累计工作已满1年不满10年的，年休假5天。")
    draft = actions.create_article(acting_user=kb_users["agent"], title="年休假天数（草稿）",
                                   category=categories["LDGX03"], answer="已满10年不满20年的，年休假10天。")
    retired = publish("年休假天数（旧）", "年休假按旧规定执行，已废止。")
    actions.retire(retired, expected_version=retired.version, acting_user=kb_users["office"])
    shown = {hit.article for hit in search.suggest("年休假有几天").articles}
    assert shown == {published}
    assert draft not in shown


def test_category_boost_lifts_articles_of_the_category(publish, categories):
    # Close scores on purpose (bm25 and ts_rank_cd both rank the wage article first by less than the boost).
    wage = publish("工资发放", "工资应按月足额支付。", "LDGX02")
    card = publish("工资卡绑定", "工资卡可以绑定会员卡。", "HYK02")
    plain = search.suggest("工资")
    boosted = search.suggest("工资", category_id=categories["HYK02"].pk)
    assert boosted.articles[0].article == card
    assert {h.article for h in plain.articles} == {wage, card}


def test_fulltext_index_follows_edits_and_deletes(publish, kb_users):
    article = publish("职工疗休养", "劳模疗休养每年组织一次。")
    assert search.suggest("疗休养").articles[0].article == article
    article = actions.update_article(article, {"title": "职工体检", "answer": "体检每年一次，由单位组织。"},
                                     expected_version=article.version, acting_user=kb_users["agent"])
    article = actions.submit_for_review(article, expected_version=article.version, acting_user=kb_users["agent"])
    actions.approve(article, expected_version=article.version, acting_user=kb_users["office"])
    assert search.suggest("疗休养").articles == []
    assert search.suggest("体检").articles[0].article.pk == article.pk
    Article.objects.filter(pk=article.pk).delete()
    assert search.suggest("体检").articles == []
    assert search.rank_articles(["体检"], plan=False) == []


def test_similar_answers_and_record_answer_idempotent(categories):
    at = timezone.now()
    record_answer(source_id=7, case_number="RX20261126-0001", question="公司拖欠工资三个月，电话13812345678",
                  answer="建议先协商，再向劳动监察投诉。", category_id=categories["LDGX02"].pk, answered_at=at)
    record_answer(source_id=8, case_number="RX20261126-0002", question="京卡丢失如何补办",
                  answer="到服务站挂失补办。", category_id=categories["HYK01"].pk, answered_at=at)
    record_answer(source_id=7, case_number="RX20261126-0001", question="公司拖欠工资三个月，电话13812345678",
                  answer="建议先协商，协商不成申请劳动仲裁。", category_id=categories["LDGX02"].pk, answered_at=at)
    assert AnsweredQuestion.objects.count() == 2
    row = AnsweredQuestion.objects.get(source_id=7)
    assert "138****5678" in row.question and "13812345678" not in row.question
    result = search.suggest("工资被拖欠")
    assert [h.answer.source_id for h in result.answers] == [7]
    assert "劳动仲裁" in result.answers[0].answer.answer
    # The updated answer is what is indexed (the update trigger replaced the old row of the index).
    record_answer(source_id=7, case_number="RX20261126-0001", question="加班费没有发",
                  answer="加班费按规定计算。", category_id=None, answered_at=at)
    assert search.suggest("工资被拖欠").answers == []
    assert search.suggest("加班费").answers[0].answer.source_id == 7


def test_match_plan_takes_rare_terms_and_ands_common_ones(monkeypatch):
    fractions = {"工资": 0.5, "单位": 0.3, "拖欠": 0.001, "焊工": 0.0001, "离职": 0.002}
    monkeypatch.setattr(search, "_document_fractions", lambda kind, terms: {t: fractions[t] for t in terms})
    monkeypatch.setattr(search, "_row_count", lambda table: 1_000_000)
    # Rarest first while the estimated rows stay within the budget (1,000): 100 + 1,000 > 1,000.
    assert search.plan_match("answer", ["工资", "拖欠", "焊工", "离职"]) == (["焊工"], "or")
    # Only common terms: their intersection.
    assert search.plan_match("answer", ["工资", "单位"]) == (["单位", "工资"], "and")
    fractions.update({"劳动": 0.2, "合同": 0.25, "公司": 0.4})
    assert search.plan_match("answer", ["公司", "合同", "劳动", "单位", "工资"]) == (["劳动", "合同", "单位"], "and")
    assert search.plan_match("answer", ["工资"]) == (["工资"], "or")


def test_snippet_escapes_and_marks():
    html = str(search.snippet("<b>拖欠</b>工资", ["工资"]))
    assert "&lt;b&gt;" in html and "<mark>工资</mark>" in html


def test_reindex_command_resegments_changed_rows(publish):
    import io

    from django.core.management import call_command

    article = publish("职工疗休养", "劳模疗休养每年组织一次。")
    Article.objects.filter(pk=article.pk).update(search_title="", search_body="")
    assert search.rank_articles(["疗休养"], plan=False) == []
    out = io.StringIO()
    call_command("knowledge_reindex", stdout=out)
    assert "Re-segmented rows: 1" in out.getvalue()
    assert search.rank_articles(["疗休养"], plan=False)[0][0] == article.pk
