"""Paging long lists without counting them.

An exact ``COUNT(*)`` of a list of a million 12351 requests, each row checked against the user's scope, costs
far more than the page itself — 1 s to count the 1,337 open ones among a million closed, against a page read
in milliseconds — and nobody pages through hundreds of pages: they filter. So a long list is paged "newer /
older" (like Django admin's ``show_full_result_count = False`` and GitLab's big lists): each page reads one row
more than it shows, to know whether an older page exists, and no page count is shown.
"""

from __future__ import annotations

from dataclasses import dataclass, field

#: The last page number anyone may ask for: past it the offset (page × size) could overflow the database's
#: integer. Nobody pages this far; they filter.
MAX_PAGE = 1_000_000


@dataclass
class LookaheadPage:
    """One page of a LookaheadPaginator; the subset of Django's Page that web/_pagination.html uses."""

    object_list: list
    number: int
    paginator: LookaheadPaginator
    more: bool = field(default=False)

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self) -> int:
        return len(self.object_list)

    def has_next(self) -> bool:
        return self.more

    def has_previous(self) -> bool:
        return self.number > 1

    def has_other_pages(self) -> bool:
        return self.has_next() or self.has_previous()

    def next_page_number(self) -> int:
        return self.number + 1

    def previous_page_number(self) -> int:
        return self.number - 1


class LookaheadPaginator:
    """Pages of `object_list` (an ordered QuerySet) of `per_page` rows, never counted."""

    #: The pager shows "page N" without "of M".
    uncounted = True

    def __init__(self, object_list, per_page: int) -> None:
        self.object_list = object_list
        self.per_page = per_page

    def page(self, number: int) -> LookaheadPage:
        """Page `number` (from 1) as it is: empty past the end."""
        start = (number - 1) * self.per_page
        rows = list(self.object_list[start:start + self.per_page + 1])
        return LookaheadPage(rows[:self.per_page], number, self, more=len(rows) > self.per_page)

    def get_page(self, number) -> LookaheadPage:
        """Page `number` for a page link: 1 when missing or not a number, the first page when past the end
        (or past MAX_PAGE)."""
        try:
            number = max(1, int(number))
        except (TypeError, ValueError):
            number = 1
        if number > MAX_PAGE:
            number = 1
        page = self.page(number)
        return page if page.object_list or number == 1 else self.page(1)

