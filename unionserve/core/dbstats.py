"""Keeping the query planner's table statistics current on SQLite.

PostgreSQL's autovacuum analyzes tables as they change; SQLite never does by itself, and without statistics
— or with none for a table a migration has just rebuilt — its planner guesses: the 12351 request list then
walked a small table first and sorted a million rows (3.4 s) instead of reading the newest 25 by index
(7 ms). So statistics are refreshed after every migration and nightly. A full ANALYZE (every row of every
index) takes ~5.5 s on the 4M-member, 1M-request benchmark database; the sampled one (``analysis_limit``)
is faster but misjudged that very query (it guessed 1,001 requests per category instead of ~43,000), so the
full one is used.
"""

from __future__ import annotations

from django.db import connections

#: Rows SQLite reads per index (PRAGMA analysis_limit): 0 is every row (see above why not a sample).
ANALYSIS_LIMIT = 0


def refresh_statistics(using: str = "default") -> bool:
    """Refresh the planner's statistics of database `using`; True when something was done (SQLite only)."""
    connection = connections[using]
    if connection.vendor != "sqlite":
        return False  # PostgreSQL: autovacuum's ANALYZE
    with connection.cursor() as cursor:
        cursor.execute(f"PRAGMA analysis_limit={ANALYSIS_LIMIT}")
        cursor.execute("ANALYZE")
    return True


def after_migrate(sender, using: str = "default", **kwargs) -> None:
    """post_migrate receiver: a migration may have rebuilt tables (SQLite drops their statistics then)."""
    refresh_statistics(using)
