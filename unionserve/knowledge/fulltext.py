"""The database's full-text indexes over the pre-segmented ``search_*`` columns, one branch per vendor.

- SQLite: FTS5 *external-content* tables (``knowledge_article_fts``, ``knowledge_answer_fts``) whose rowid is
  the row's id; triggers on the content tables keep them in sync on insert, update of the search columns and
  delete. Ranking: ``bm25()``.
- PostgreSQL: a generated ``tsvector`` column (``'simple'`` configuration: the text is already words, no
  stemming) with a GIN index on each table; the database keeps it in sync itself. Ranking: ``ts_rank_cd``.

Installed by migration 0002 (``install``). Caution for later migrations: when Django's SQLite schema editor
rebuilds ``knowledge_article`` or ``knowledge_answeredquestion`` (an ALTER it cannot do in place), the triggers
are dropped with the old table: such a migration must call ``install_triggers`` again afterwards.
"""

from __future__ import annotations

ARTICLE_FTS = "knowledge_article_fts"
ANSWER_FTS = "knowledge_answer_fts"
#: fts5vocab tables: how many rows contain each term (search.py leaves very common terms out of a match).
ARTICLE_VOCAB = "knowledge_article_fts_vocab"
ANSWER_VOCAB = "knowledge_answer_fts_vocab"

_SQLITE_TABLES = [
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {ARTICLE_FTS} USING fts5(search_title, search_body, "
    "content='knowledge_article', content_rowid='id')",
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {ANSWER_FTS} USING fts5(search_text, "
    "content='knowledge_answeredquestion', content_rowid='id')",
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {ARTICLE_VOCAB} USING fts5vocab({ARTICLE_FTS}, 'row')",
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {ANSWER_VOCAB} USING fts5vocab({ANSWER_FTS}, 'row')",
]

_SQLITE_TRIGGERS = [
    """CREATE TRIGGER IF NOT EXISTS knowledge_article_fts_ai AFTER INSERT ON knowledge_article BEGIN
        INSERT INTO knowledge_article_fts(rowid, search_title, search_body)
        VALUES (new.id, new.search_title, new.search_body);
    END""",
    """CREATE TRIGGER IF NOT EXISTS knowledge_article_fts_ad AFTER DELETE ON knowledge_article BEGIN
        INSERT INTO knowledge_article_fts(knowledge_article_fts, rowid, search_title, search_body)
        VALUES ('delete', old.id, old.search_title, old.search_body);
    END""",
    """CREATE TRIGGER IF NOT EXISTS knowledge_article_fts_au AFTER UPDATE OF search_title, search_body
        ON knowledge_article BEGIN
        INSERT INTO knowledge_article_fts(knowledge_article_fts, rowid, search_title, search_body)
        VALUES ('delete', old.id, old.search_title, old.search_body);
        INSERT INTO knowledge_article_fts(rowid, search_title, search_body)
        VALUES (new.id, new.search_title, new.search_body);
    END""",
    """CREATE TRIGGER IF NOT EXISTS knowledge_answer_fts_ai AFTER INSERT ON knowledge_answeredquestion BEGIN
        INSERT INTO knowledge_answer_fts(rowid, search_text) VALUES (new.id, new.search_text);
    END""",
    """CREATE TRIGGER IF NOT EXISTS knowledge_answer_fts_ad AFTER DELETE ON knowledge_answeredquestion BEGIN
        INSERT INTO knowledge_answer_fts(knowledge_answer_fts, rowid, search_text)
        VALUES ('delete', old.id, old.search_text);
    END""",
    """CREATE TRIGGER IF NOT EXISTS knowledge_answer_fts_au AFTER UPDATE OF search_text
        ON knowledge_answeredquestion BEGIN
        INSERT INTO knowledge_answer_fts(knowledge_answer_fts, rowid, search_text)
        VALUES ('delete', old.id, old.search_text);
        INSERT INTO knowledge_answer_fts(rowid, search_text) VALUES (new.id, new.search_text);
    END""",
]

_SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS knowledge_article_fts_ai", "DROP TRIGGER IF EXISTS knowledge_article_fts_ad",
    "DROP TRIGGER IF EXISTS knowledge_article_fts_au", "DROP TRIGGER IF EXISTS knowledge_answer_fts_ai",
    "DROP TRIGGER IF EXISTS knowledge_answer_fts_ad", "DROP TRIGGER IF EXISTS knowledge_answer_fts_au",
    f"DROP TABLE IF EXISTS {ARTICLE_VOCAB}", f"DROP TABLE IF EXISTS {ANSWER_VOCAB}",
    f"DROP TABLE IF EXISTS {ARTICLE_FTS}", f"DROP TABLE IF EXISTS {ANSWER_FTS}",
]

_PG_INSTALL = [
    # to_tsvector(regconfig, text) is immutable, so it may define a stored generated column.
    "ALTER TABLE knowledge_article ADD COLUMN IF NOT EXISTS search_vector tsvector GENERATED ALWAYS AS ("
    "setweight(to_tsvector('simple'::regconfig, coalesce(search_title, '')), 'A') || "
    "setweight(to_tsvector('simple'::regconfig, coalesce(search_body, '')), 'B')) STORED",
    "CREATE INDEX IF NOT EXISTS knowledge_article_search_gin ON knowledge_article USING gin (search_vector)",
    "ALTER TABLE knowledge_answeredquestion ADD COLUMN IF NOT EXISTS search_vector tsvector GENERATED ALWAYS AS ("
    "to_tsvector('simple'::regconfig, coalesce(search_text, ''))) STORED",
    "CREATE INDEX IF NOT EXISTS knowledge_answer_search_gin ON knowledge_answeredquestion USING gin (search_vector)",
]

_PG_DROP = [
    "DROP INDEX IF EXISTS knowledge_article_search_gin",
    "ALTER TABLE knowledge_article DROP COLUMN IF EXISTS search_vector",
    "DROP INDEX IF EXISTS knowledge_answer_search_gin",
    "ALTER TABLE knowledge_answeredquestion DROP COLUMN IF EXISTS search_vector",
]


def _run(schema_editor, statements: list[str]) -> None:
    for sql in statements:
        schema_editor.execute(sql)


def install(schema_editor) -> None:
    """Create the full-text index of this database (and fill it from rows already there)."""
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        _run(schema_editor, _SQLITE_TABLES + _SQLITE_TRIGGERS)
        rebuild(schema_editor.connection)
    elif vendor == "postgresql":
        _run(schema_editor, _PG_INSTALL)
    else:  # pragma: no cover - the project runs on these two
        raise NotImplementedError(f"no full-text index for {vendor}")


def install_triggers(schema_editor) -> None:
    """Re-create the SQLite triggers (after a migration rebuilt a content table); no-op on PostgreSQL."""
    if schema_editor.connection.vendor == "sqlite":
        _run(schema_editor, _SQLITE_TRIGGERS)
        rebuild(schema_editor.connection)


def uninstall(schema_editor) -> None:
    vendor = schema_editor.connection.vendor
    _run(schema_editor, _SQLITE_DROP if vendor == "sqlite" else _PG_DROP if vendor == "postgresql" else [])


def rebuild(connection) -> None:
    """Rebuild the SQLite FTS5 indexes from their content tables (after a bulk load that bypassed the triggers)."""
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        for table in (ARTICLE_FTS, ANSWER_FTS):
            cursor.execute(f"INSERT INTO {table}({table}) VALUES ('rebuild')")  # noqa: S608 - constant names


def optimize(connection) -> None:
    """Merge the FTS5 index segments into one (after a bulk load: fewer b-trees to read per query)."""
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        for table in (ARTICLE_FTS, ANSWER_FTS):
            cursor.execute(f"INSERT INTO {table}({table}) VALUES ('optimize')")  # noqa: S608 - constant names
