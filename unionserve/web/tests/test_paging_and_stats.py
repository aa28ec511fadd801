"""Long lists are paged without counting them; the SQLite planner's statistics are kept."""

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.utils import translation

from unionserve.core.dbstats import refresh_statistics
from unionserve.core.paging import LookaheadPaginator
from unionserve.orgs.models import OrgUnit


@pytest.mark.parametrize(("number", "shown", "more", "previous"), [
    ("1", [0, 1, 2], True, False), ("2", [3, 4, 5], True, True), ("3", [6, 7, 8], False, True),
    ("4", [0, 1, 2], True, False), ("x", [0, 1, 2], True, False), ("-2", [0, 1, 2], True, False)])
def test_lookahead_pages_know_the_next_page_without_counting(tree, number, shown, more, previous):
    units = OrgUnit.objects.order_by("pk")
    ids = list(units.values_list("pk", flat=True))[:9]
    paginator = LookaheadPaginator(units.filter(pk__in=ids), 3)
    page = paginator.get_page(number)
    assert [u.pk for u in page] == [ids[i] for i in shown]
    assert (page.has_next(), page.has_previous()) == (more, previous)
    with translation.override("en"):
        html = render_to_string("web/_pagination.html", {"page": page, "query": "kind=x"})
    assert f"Page {page.number}" in html and "/ " not in html
    assert ("page=" + str(page.number + 1) in html) is more


def test_a_page_reads_one_row_more_and_never_counts(tree, django_assert_num_queries):
    paginator = LookaheadPaginator(OrgUnit.objects.order_by("pk"), 2)
    with django_assert_num_queries(1) as ctx:
        page = paginator.get_page(1)
    assert len(page) == 2 and page.has_next()
    sql = ctx.captured_queries[0]["sql"].upper()
    assert "COUNT(" not in sql and "LIMIT 3" in sql


def test_statistics_are_refreshed_on_sqlite(db):
    done = refresh_statistics()
    assert done is (connection.vendor == "sqlite")
    if done:
        with connection.cursor() as cursor:
            cursor.execute("SELECT COUNT(*) FROM sqlite_stat1")
            assert cursor.fetchone()[0] > 0
