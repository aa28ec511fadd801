"""Ranked full-text search of the knowledge base: the suggestions an agent sees while typing a request.

One entry point, `suggest(text, category_id=...)`: the typed text is segmented like the stored text
(``segment.py``), stop words and single characters dropped, the remaining terms OR-ed and ranked by the
database's own full-text index — SQLite FTS5 ``bm25()`` or PostgreSQL ``ts_rank_cd`` over a GIN-indexed
``tsvector`` (``fulltext.py``). It returns the best published articles valid today and the most similar past
answered requests; a category, when given, boosts its own articles and answers (and its parent's and
children's), it does not hide the others.

Speed at 100,000 articles and 1,000,000 past requests (target p95 ≤ 100 ms): ranking reads every row the
match selects, and a word that many requests contain ("工资", "单位") selects hundreds of thousands. So the
match is planned (`plan_match`): terms are taken rarest first while the rows they select add up to at most
`CANDIDATE_BUDGET`; when even the rarest is common, all terms are AND-ed. Common words rank nothing anyway
(their inverse document frequency is about zero). Document frequencies come from the index itself (SQLite:
``fts5vocab``) or from the planner's statistics of the ``tsvector`` column (PostgreSQL: ``pg_stats``
``most_common_elems``, which ANALYZE keeps), cached per process (5 minutes; a term's count on SQLite:
an hour). Then at most `CANDIDATES` rows are
ranked — the newest that match (FTS5 and the primary key both stream ids newest first) — so the cost has a
ceiling whatever is typed; PostgreSQL ranks them against every typed term, SQLite against the planned ones.
"""

from __future__ import annotations

import datetime as dt
import html
import math
import re
import threading
import time
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from . import fulltext
from .models import AnsweredQuestion, Article, ArticleStatus
from .segment import SYNONYMS, query_terms

#: Articles and past requests shown.
LIMIT = 5
#: Typed text shorter than this (after trimming) gets no suggestions: too little to match on.
MIN_QUERY_CHARS = 2
#: Terms are taken rarest first while the rows they match add up to at most this (estimated from the index).
CANDIDATE_BUDGET = 1_000
#: At most this many rows are ranked: the newest of those the planned terms match.
CANDIDATES = 300
#: PostgreSQL: ``gin_fuzzy_search_limit`` for the ranked queries (see `_ranked`).
GIN_FUZZY_LIMIT = 400
#: At most this many (the rarest) terms go into one match; an AND takes the three rarest.
MAX_TERMS = 8
MAX_AND_TERMS = 3
#: Score multiplier for rows of the given category (or its parent or children).
CATEGORY_BOOST = 1.5
#: bm25 weights of the article columns: title and keywords count four times the question and answer.
TITLE_WEIGHT, BODY_WEIGHT = 4.0, 1.0
STATS_TTL_S = 300.0
#: Document frequencies of single terms move slowly (a term is counted once an hour per process).
DF_TTL_S = 3600.0


@dataclass
class ArticleHit:
    article: Article
    score: float
    snippet: SafeString


@dataclass
class AnswerHit:
    answer: AnsweredQuestion
    score: float
    question_snippet: SafeString
    answer_snippet: SafeString


@dataclass
class Suggestions:
    text: str
    terms: list[str] = field(default_factory=list)
    articles: list[ArticleHit] = field(default_factory=list)
    answers: list[AnswerHit] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.articles and not self.answers


# ---------------------------------------------------------------------------------------------------------------
# Term statistics (document frequencies), per process, refreshed every few minutes.

_stats_lock = threading.Lock()
_stats: dict[tuple[str, str], tuple[float, object]] = {}


def _cached(key: tuple[str, str], compute, ttl: float = STATS_TTL_S):
    now = time.monotonic()
    hit = _stats.get(key)
    if hit is not None and now - hit[0] < ttl:
        return hit[1]
    value = compute()
    with _stats_lock:
        _stats[key] = (now, value)
    return value


def clear_stats_cache() -> None:
    """Forget the cached term statistics (tests, after a bulk load)."""
    with _stats_lock:
        _stats.clear()


def _row_count(table: str) -> int:
    def compute() -> int:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # The planner's estimate: exact enough for a fraction, and free.
                cursor.execute("SELECT reltuples::bigint FROM pg_class WHERE relname = %s", [table])
                row = cursor.fetchone()
                if row and row[0] and row[0] > 0:
                    return int(row[0])
            cursor.execute(f"SELECT COUNT(*) FROM {table}")  # noqa: S608 - constant table names
            return int(cursor.fetchone()[0])

    return _cached((connection.alias, f"count:{table}"), compute)


def _pg_common_terms(table: str) -> dict[str, float]:
    """Lexemes of the table's ``search_vector`` that ANALYZE found frequent, with the fraction of rows."""

    def compute() -> dict[str, float]:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT most_common_elems::text::text[], most_common_elem_freqs FROM pg_stats "
                "WHERE tablename = %s AND attname = 'search_vector'", [table])
            row = cursor.fetchone()
        if not row or not row[0]:
            return {}
        return dict(zip(row[0], row[1], strict=False))

    return _cached((connection.alias, f"common:{table}"), compute)


def _document_fractions(kind: str, terms: list[str]) -> dict[str, float]:
    """For each term, the fraction of rows (articles or answers) containing it (0.0 when unknown or rare)."""
    table = "knowledge_article" if kind == "article" else "knowledge_answeredquestion"
    total = _row_count(table)
    if total < 1000:
        return dict.fromkeys(terms, 0.0)  # a small index: every term is cheap
    if connection.vendor == "postgresql":
        common = _pg_common_terms(table)
        return {t: float(common.get(t, 0.0)) for t in terms}
    # Per term, cached: callers' words repeat, and the vocabulary lookup is the slower part of planning.
    key = (connection.alias, f"df:{kind}")
    known: dict[str, int] = _cached(key, dict, DF_TTL_S)
    missing = [t for t in terms if t not in known]
    if missing:
        vocab = _vocab_table(kind)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT term, doc FROM {vocab} WHERE term IN ({', '.join(['%s'] * len(missing))})",  # noqa: S608
                           missing)
            docs = dict(cursor.fetchall())
        for t in missing:
            known[t] = int(docs.get(t, 0))
    return {t: known[t] / total for t in terms}


def _vocab_table(kind: str) -> str:
    return fulltext.ARTICLE_VOCAB if kind == "article" else fulltext.ANSWER_VOCAB


def plan_match(kind: str, terms: list[str]) -> tuple[list[str], str]:
    """The terms that select the candidates, and how ("or" / "and").

    Rarest first, terms are OR-ed while their estimated rows add up to at most `CANDIDATE_BUDGET` (the rarest
    is always taken). When even the rarest term is common, all terms are AND-ed instead (their intersection).
    """
    if not terms:
        return [], "or"
    table = "knowledge_article" if kind == "article" else "knowledge_answeredquestion"
    fractions = _document_fractions(kind, terms)
    total = _row_count(table)
    ordered = sorted(terms, key=lambda t: (fractions[t], terms.index(t)))
    if len(ordered) > 1 and fractions[ordered[0]] * total > CANDIDATE_BUDGET:
        # The three rarest already intersect to few rows; each further (commoner) term only adds a long list to read.
        return ordered[:MAX_AND_TERMS], "and"
    picked: list[str] = []
    rows = 0.0
    for term in ordered[:MAX_TERMS]:
        estimate = fractions[term] * total
        if picked and rows + estimate > CANDIDATE_BUDGET:
            break
        picked.append(term)
        rows += estimate
    return picked, "or"


def _match_expression(terms: list[str], mode: str = "or") -> str:
    # Terms are runs of letters and digits only (segment.tokens), so quoting them is enough on both databases.
    if connection.vendor == "postgresql":
        return f" {'|' if mode == 'or' else '&'} ".join(f"'{t}'" for t in terms)
    return f" {'OR' if mode == 'or' else 'AND'} ".join(f'"{t}"' for t in terms)


def _date_param(day: dt.date):
    return day.isoformat() if connection.vendor == "sqlite" else day


def _in_list(values) -> str:
    return ", ".join(str(int(v)) for v in values)


def _with_fallback(match_terms: list[str], mode: str, run, limit: int) -> list[tuple[int, float]]:
    """Run the planned match; an AND that finds fewer than ``limit`` rows is topped up by the rarest term alone.

    PostgreSQL never ANDs here: ``gin_fuzzy_search_limit`` samples each term's rows, and the intersection of
    samples is nearly empty; the rarest term (sampled) ranked against every typed term does the job.
    """
    if mode == "and" and connection.vendor == "postgresql":
        match_terms, mode = match_terms[:1], "or"
    results = run(_match_expression(match_terms, mode))
    if mode == "and" and len(results) < limit:
        seen = {pk for pk, _score in results}
        results += [r for r in run(_match_expression(match_terms[:1])) if r[0] not in seen]
    return results[:limit]


def _ranked(sql: str, args: list) -> list[tuple[int, float]]:
    if connection.vendor != "postgresql":
        # No transaction on SQLite: the project opens them IMMEDIATE (a write lock), and this only reads.
        with connection.cursor() as cursor:
            cursor.execute(sql, args)
            return [(int(pk), float(score)) for pk, score in cursor.fetchall()]
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        # A GIN scan that would return more rows than this returns a random sample of about this many: the heap
        # visits (the cost of a common word) stay bounded. Below it, results are exact. SET LOCAL: this query only.
        # "id + 0": sorting by the bare id tempts the planner into walking the primary key backwards and testing
        # every row's tsvector (thousands of detoasted vectors); the GIN bitmap, bounded as above, is far cheaper.
        # No parallel workers: starting them costs more than these small scans.
        cursor.execute("SELECT set_config('gin_fuzzy_search_limit', %s, true), "
                       "set_config('max_parallel_workers_per_gather', '0', true)", [str(GIN_FUZZY_LIMIT)])
        cursor.execute(sql, args)
        return [(int(pk), float(score)) for pk, score in cursor.fetchall()]


def _sqlite_floor(fts: str, expression: str) -> int | None:
    """The smallest rowid among the `CANDIDATES` newest rows matching (FTS5 streams rowids newest first)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT MIN(rowid) FROM (SELECT rowid FROM {fts} WHERE {fts} MATCH %s "  # noqa: S608
                       "ORDER BY rowid DESC LIMIT %s)", [expression, CANDIDATES])
        row = cursor.fetchone()
    return row[0] if row else None


# ---------------------------------------------------------------------------------------------------------------
# The two ranked queries. Both rank at most `CANDIDATES` rows: the newest rows matching the planned terms.


def rank_articles(terms: list[str], *, valid_on: dt.date | None = None, statuses: list[str] | None = None,
                  category_ids: set[int] | None = None, boost_category_ids: set[int] | None = None,
                  limit: int = LIMIT, offset: int = 0, plan: bool = True) -> list[tuple[int, float]]:
    """(article id, score) best first, for the terms; score higher is better on both databases.

    ``valid_on``: only articles valid that day; ``statuses``: only those statuses; ``category_ids``: only those
    categories; ``boost_category_ids``: rows of those categories score `CATEGORY_BOOST` times more.
    """
    match_terms, mode = plan_match("article", terms) if plan else (terms, "or")
    if not match_terms:
        return []
    where, params = [], []
    if statuses:
        where.append(f"a.status IN ({', '.join(['%s'] * len(statuses))})")
        params += list(statuses)
    if valid_on is not None:
        where.append("a.valid_from <= %s AND (a.valid_to IS NULL OR a.valid_to >= %s)")
        params += [_date_param(valid_on)] * 2
    if category_ids:
        where.append(f"a.category_id IN ({_in_list(category_ids)})")
    boost = (f"(CASE WHEN a.category_id IN ({_in_list(boost_category_ids)}) THEN {CATEGORY_BOOST} ELSE 1.0 END)"
             if boost_category_ids else "1.0")
    extra = "".join(f" AND {w}" for w in where)

    def run(expression: str) -> list[tuple[int, float]]:
        return _rank_articles_sql(expression, terms, extra, params, boost, limit, offset)

    return _with_fallback(match_terms, mode, run, limit)


def _rank_articles_sql(expression: str, terms: list[str], extra: str, params: list, boost: str, limit: int,
                       offset: int) -> list[tuple[int, float]]:
    if connection.vendor == "postgresql":
        # Candidates: the newest matching rows (the filters inside), then ranked against every typed term.
        sql = (f"SELECT a.id, ts_rank_cd(a.search_vector, to_tsquery('simple', %s), 1) * {boost} AS score "  # noqa: S608
               "FROM (SELECT a.id, a.category_id, a.search_vector FROM knowledge_article a "
               f"WHERE a.search_vector @@ to_tsquery('simple', %s){extra} ORDER BY a.id + 0 DESC LIMIT {CANDIDATES}) a "
               "ORDER BY score DESC, a.id DESC LIMIT %s OFFSET %s")
        args = [_match_expression(terms), expression, *params, limit, offset]
    else:
        fts = fulltext.ARTICLE_FTS
        floor = _sqlite_floor(fts, expression)
        if floor is None:
            return []
        sql = (f"SELECT a.id, -bm25({fts}, {TITLE_WEIGHT}, {BODY_WEIGHT}) * {boost} AS score "  # noqa: S608
               f"FROM {fts} JOIN knowledge_article a ON a.id = {fts}.rowid "
               f"WHERE {fts} MATCH %s AND {fts}.rowid >= %s{extra} ORDER BY score DESC, a.id DESC LIMIT %s OFFSET %s")
        args = [expression, floor, *params, limit, offset]
    return _ranked(sql, args)


def rank_answers(terms: list[str], *, boost_category_ids: set[int] | None = None, limit: int = LIMIT,
                 plan: bool = True) -> list[tuple[int, float]]:
    """(answered-question id, score) best first, for the terms; recent answers win ties."""
    match_terms, mode = plan_match("answer", terms) if plan else (terms, "or")
    if not match_terms:
        return []
    boost = (f"(CASE WHEN q.category_id IN ({_in_list(boost_category_ids)}) THEN {CATEGORY_BOOST} ELSE 1.0 END)"
             if boost_category_ids else "1.0")

    def run(expression: str) -> list[tuple[int, float]]:
        return _rank_answers_sql(expression, terms, boost, limit)

    return _with_fallback(match_terms, mode, run, limit)


def _rank_answers_sql(expression: str, terms: list[str], boost: str, limit: int) -> list[tuple[int, float]]:
    if connection.vendor == "postgresql":
        sql = (f"SELECT q.id, ts_rank_cd(q.search_vector, to_tsquery('simple', %s), 1) * {boost} AS score "  # noqa: S608
               "FROM (SELECT q.id, q.category_id, q.search_vector FROM knowledge_answeredquestion q "
               f"WHERE q.search_vector @@ to_tsquery('simple', %s) ORDER BY q.id + 0 DESC LIMIT {CANDIDATES}) q "
               "ORDER BY score DESC, q.id DESC LIMIT %s")
        args = [_match_expression(terms), expression, limit]
    else:
        fts = fulltext.ANSWER_FTS
        floor = _sqlite_floor(fts, expression)
        if floor is None:
            return []
        sql = (f"SELECT q.id, -bm25({fts}) * {boost} AS score "  # noqa: S608
               f"FROM {fts} JOIN knowledge_answeredquestion q ON q.id = {fts}.rowid "
               f"WHERE {fts} MATCH %s AND {fts}.rowid >= %s ORDER BY score DESC, q.id DESC LIMIT %s")
        args = [expression, floor, limit]
    return _ranked(sql, args)


def related_categories(category_id: int | None) -> set[int]:
    """The category, its parent and its children (a request filed under 工资报酬 also wants 劳动关系's articles).

    The category tree (a hundred rows the city office rarely changes) is read once a minute per process.
    """
    if not category_id:
        return set()

    def tree() -> dict[int, int | None]:
        from unionserve.hotline.public import Category

        return dict(Category.objects.values_list("pk", "parent_id"))

    parents: dict[int, int | None] = _cached((connection.alias, "categories"), tree, 60.0)
    category_id = int(category_id)
    if category_id not in parents:
        return {category_id}
    ids = {category_id} | {pk for pk, parent in parents.items() if parent == category_id}
    parent = parents[category_id]
    if parent:
        ids.add(parent)
    return ids


# ---------------------------------------------------------------------------------------------------------------
# Re-ranking the best few by how much of the question they cover.

#: The best this many articles (by the index's score) are re-ranked by coverage.
RERANK_POOL = 15
#: score × (COVERAGE_FLOOR + coverage) ** COVERAGE_POWER (chosen on the fifty questions, docs/knowledge.md).
COVERAGE_FLOOR = 0.5
COVERAGE_POWER = 1.0


def rerank_by_coverage(ranks: list[tuple[int, float]], terms: list[str]) -> list[tuple[int, float]]:
    """Re-rank the index's best articles by the share of the question's terms each contains.

    bm25 scores each shared word on its own; an article whose title repeats one common word of the question
    (京卡, 工伤, 标准) outranks the one that shares most of the question's words. The coverage — the typed terms
    an article contains, each weighted by its length (a compound like 高温津贴 counts more than 标准) and by how
    rare it is among the pool, over all
    — multiplies the score: ``score × (0.5 + coverage)``. Only the `RERANK_POOL` best are read, from the
    index columns already stored, so the cost stays bounded. Measured on fifty callers' questions
    (tests/questions.py, docs/knowledge.md).
    """
    if len(ranks) < 2 or not terms:
        return ranks
    pool = ranks[:RERANK_POOL]
    rows = {pk: (title, body) for pk, title, body in Article.objects.filter(pk__in=[pk for pk, _s in pool])
            .values_list("pk", "search_title", "search_body")}
    # A synonym added to the query (segment.SYNONYMS) covers the word it stands for; it is not a word of its own.
    added = {s for t in terms for s in SYNONYMS.get(t, ())}
    words_of = {pk: set(f"{title} {body}".split()) for pk, (title, body) in rows.items()}

    def has(words: set[str], term: str) -> bool:
        return term in words or any(s in words for s in SYNONYMS.get(term, ()))

    # A term counts by its length and by how few of the pool contain it (工资 is in most, 拖欠 in one or two).
    size = len(words_of) or 1
    weights = {t: len(t) * math.log(1 + size / (1 + sum(has(w, t) for w in words_of.values())))
               for t in terms if t not in added}
    total = float(sum(weights.values())) or 1.0

    def covered(pk: int) -> float:
        words = words_of.get(pk, set())
        return sum(w for t, w in weights.items() if has(words, t)) / total

    rescored = [(pk, score * (COVERAGE_FLOOR + covered(pk)) ** COVERAGE_POWER) for pk, score in pool]
    rescored.sort(key=lambda r: (-r[1], -r[0]))
    return rescored + ranks[RERANK_POOL:]


# ---------------------------------------------------------------------------------------------------------------
# Snippets with the matched terms highlighted.


def snippet(text: str, terms: list[str], width: int = 80) -> SafeString:
    """A window of ``text`` around the first matched term, HTML-escaped, terms wrapped in <mark>."""
    text = re.sub(r"\s+", " ", text or "").strip()
    if not text:
        return mark_safe("")
    longest_first = sorted({t for t in terms if t}, key=len, reverse=True)
    lowered = text.lower()
    first = min((i for t in longest_first if (i := lowered.find(t)) >= 0), default=0)
    start = max(0, first - width // 4)
    piece = text[start:start + width]
    prefix = "…" if start > 0 else ""
    suffix = "…" if start + width < len(text) else ""
    escaped = html.escape(piece)
    if longest_first:
        pattern = re.compile("|".join(re.escape(html.escape(t)) for t in longest_first), re.IGNORECASE)
        escaped = pattern.sub(lambda m: f"<mark>{m.group(0)}</mark>", escaped)
    return mark_safe(prefix + escaped + suffix)  # noqa: S308 - built from escaped text


# ---------------------------------------------------------------------------------------------------------------
# The entry point.


def suggest(text: str, *, category_id: int | None = None, today: dt.date | None = None,
            limit: int = LIMIT) -> Suggestions:
    """The best published articles valid ``today`` and the most similar past answered requests for ``text``."""
    text = (text or "").strip()
    result = Suggestions(text=text)
    if len(text) < MIN_QUERY_CHARS:
        return result
    terms = query_terms(text)
    result.terms = terms
    if not terms:
        return result
    today = today or timezone.localdate()
    boost = related_categories(category_id)
    article_ranks = rank_articles(terms, valid_on=today, statuses=[ArticleStatus.PUBLISHED],
                                  boost_category_ids=boost, limit=max(limit, RERANK_POOL))
    article_ranks = rerank_by_coverage(article_ranks, terms)[:limit]
    answer_ranks = rank_answers(terms, boost_category_ids=boost, limit=limit)
    # The index columns are not shown: leave them (the longest columns of both tables) in the database.
    articles = (Article.objects.select_related("category").defer("search_title", "search_body")
                .in_bulk([pk for pk, _ in article_ranks]))
    answers = AnsweredQuestion.objects.defer("search_text").in_bulk([pk for pk, _ in answer_ranks])
    result.articles = [ArticleHit(articles[pk], score, snippet(articles[pk].answer, terms))
                       for pk, score in article_ranks if pk in articles]
    result.answers = [AnswerHit(answers[pk], score, snippet(answers[pk].question, terms, 60),
                                snippet(answers[pk].answer, terms))
                      for pk, score in answer_ranks if pk in answers]
    return result
