"""Chinese word segmentation for the knowledge base: jieba's search mode, loaded once per process, lazily.

The database's full-text indexes (SQLite FTS5's ``unicode61`` tokenizer, PostgreSQL's ``simple``
configuration) cannot split Chinese into words, so the text is segmented here, in Python, and the tokens are
stored space-joined; the database then indexes and ranks whole words. The same function segments what an
agent types, so the query's terms and the index's terms always agree (docs/decisions/0012-knowledge-search.md).

jieba ships its dictionary inside the package: nothing is downloaded. Its prefix-dictionary cache is written
to the var directory (not /tmp) so a restart loads it in a fraction of a second.
"""

from __future__ import annotations

import logging
import re
import threading
import unicodedata
from functools import lru_cache

_lock = threading.Lock()
_tokenizer = None

#: Words of the domain that jieba's general dictionary splits or does not know (kept whole, and their parts
#: are still produced by search mode).
DOMAIN_WORDS = (
    "12351", "京卡", "互助服务卡", "会员卡", "工会会员", "工伤认定", "工伤保险", "劳动能力鉴定", "劳动仲裁",
    "劳动争议", "经济补偿金", "经济补偿", "违法解除", "拖欠工资", "欠薪", "最低工资", "加班费", "带薪年休假",
    "年休假", "社会保险", "社保", "医保", "养老保险", "失业保险", "生育保险", "住房公积金", "公积金",
    "互助保障", "住院医疗", "意外伤害", "家庭财产", "困难职工", "困难帮扶", "送温暖", "金秋助学", "法律援助",
    "劳动合同", "试用期", "竞业限制", "服务站", "职工服务中心", "职工之家", "劳模", "单亲女职工", "疗休养",
    "补办", "挂失", "解除劳动合同", "双倍工资", "工伤职工", "停工留薪期", "伤残津贴", "一次性伤残补助金",
)

#: Words that carry no meaning for matching (function words, the way callers talk). Single characters are
#: dropped anyway (see `tokens`).
_STOP_TEXT = """
怎么 怎么办 怎样 如何 什么 为什么 哪里 哪儿 哪个 哪些 多少 是否 能否 可否 可以 能不能 可不可以 是不是 有没有 没有
请问 您好 你好 谢谢 麻烦 咨询 一下 一个 这个 那个 这样 那样 这些 那些 现在 已经 还是 或者 而且 但是 因为 所以 如果
的话 就是 我们 你们 他们 她们 自己 我的 你的 然后 还有 需要 知道 想问 想要 问题 情况 相关 有关 关于 规定 应该 时候
目前 之前 之后 以后 以前 这种 那种 一些 不是 没有 不会 不能 不要 不想 对于 以及 通过 进行 其他 等等 本人
看看 帮我 帮忙 一直 部门 哪个部门 该找 还不 不给 这边 那边 请帮 一下子 行不行 好不好 在哪里
"""
STOP_WORDS = frozenset(_STOP_TEXT.split())

_CLAUSES = re.compile(r"[^\W_]+", re.UNICODE)
_WORD = re.compile(r"^[^\W_]+$", re.UNICODE)


def _load():
    """The process's jieba tokenizer, built on first use (about a second; later processes read its cache)."""
    global _tokenizer
    if _tokenizer is None:
        with _lock:
            if _tokenizer is None:
                import jieba
                from django.conf import settings

                jieba.setLogLevel(logging.WARNING)
                tok = jieba.Tokenizer()
                var_dir = getattr(settings, "VAR_DIR", None)
                if var_dir is not None:
                    tok.tmp_dir = str(var_dir)
                tok.initialize()
                for word in DOMAIN_WORDS:
                    tok.add_word(word, freq=200_000)
                _tokenizer = tok
    return _tokenizer


def warm_up() -> None:
    """Load the tokenizer now (the WSGI entry point calls it, so the first suggestion is not the slow one)."""
    _load()


def normalize(text: str) -> str:
    """Full-width to half-width, lower case (so "ＡＢＣ１２" and "abc12" are the same token)."""
    return unicodedata.normalize("NFKC", text or "").lower()


@lru_cache(maxsize=200_000)
def _clause_tokens(clause: str) -> tuple[str, ...]:
    # Cached per clause: hotline texts repeat the same phrases ("公司拖欠工资", "怎么办") over and over.
    out = []
    for token in _load().cut_for_search(clause, HMM=True):
        token = token.strip()
        if len(token) < 2 or token in STOP_WORDS or not _WORD.match(token):
            continue
        out.append(token)
    return tuple(out)


def tokens(text: str) -> list[str]:
    """The words of ``text`` in order, search mode (a compound and its parts: 拖欠工资, 拖欠, 工资).

    Single characters and stop words are dropped: alone they match half the index and rank nothing.
    """
    out: list[str] = []
    for clause in _CLAUSES.findall(normalize(text)):
        out.extend(_clause_tokens(clause))
    return out


def index_text(*parts: str) -> str:
    """What is stored for the full-text index: the tokens of ``parts``, space-joined."""
    return " ".join(t for part in parts if part for t in tokens(part))


#: Callers' words → the words the articles use (queries only; the index keeps the text as written). Measured
#: on fifty callers' questions (tests/questions.py, docs/knowledge.md).
SYNONYMS: dict[str, tuple[str, ...]] = {
    "车祸": ("交通事故",), "出车祸": ("交通事故",), "撞了": ("交通事故",),
    "跳槽": ("调动", "工作"), "新公司": ("单位",),
    "高温费": ("高温津贴",), "高温补贴": ("高温津贴",),
    "欠薪": ("拖欠工资",), "没发工资": ("拖欠工资",),
    "开除": ("解除",), "辞退": ("解除",), "裁员": ("解除",),
    "失业金": ("失业保险",), "年假": ("年休假",), "社保": ("社会保险",),
    "失火": ("火灾",), "着火": ("火灾",), "学费": ("助学",),
}


def expand(terms: list[str]) -> list[str]:
    """`terms` followed by the article words their synonyms name (`SYNONYMS`), without repeats."""
    out = list(terms)
    for term in terms:
        out.extend(s for s in SYNONYMS.get(term, ()) if s not in out)
    return out


def query_terms(text: str, limit: int = 12) -> list[str]:
    """The distinct terms of a typed query, in order of appearance, at most ``limit``, then their synonyms."""
    return expand(list(dict.fromkeys(tokens(text)))[:limit])
