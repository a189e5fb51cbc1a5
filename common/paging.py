"""Numbered pages whose cost does not grow with the table (docs/architecture.md, "Lists").

Django's ``Paginator`` counts every matching row (``SELECT COUNT(*)``) to number the last page: at
ten years of national data that count reads the whole visible set on every page view. Here the
count stops at ``MAX_COUNTED``: ``COUNT(*)`` over the list's query cut at ``MAX_COUNTED + 1`` rows,
so a page costs its rows plus at most that many index entries, whatever the table's size. Past the
bound the page says "more than 1,000" and asks the user to narrow the list with its search and
filters (nobody reads page 400 of a case list)."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.utils.functional import cached_property

#: Rows a list counts at most; beyond, it says "more than" and pages stop at this bound.
MAX_COUNTED = 1000
PAGE_SIZE = 50


class BoundedPaginator(Paginator):
    """A ``Paginator`` that counts at most ``MAX_COUNTED`` rows (``count_capped`` beyond)."""

    def __init__(self, object_list, per_page=PAGE_SIZE, **kwargs):
        super().__init__(object_list, per_page, **kwargs)

    @cached_property
    def _bounded_count(self) -> int:
        counter = getattr(self.object_list, "count_up_to", None)  # cases.selectors.MergedCaseList
        if counter is not None:
            return counter(MAX_COUNTED + 1)
        # Only the ids are counted: the rows' annotations (an access level…) are not computed.
        return self.object_list.values("pk")[: MAX_COUNTED + 1].count()

    @cached_property
    def count(self) -> int:
        return min(self._bounded_count, MAX_COUNTED)

    @property
    def count_capped(self) -> bool:
        return self._bounded_count > MAX_COUNTED


def page_of(queryset, number, *, per_page: int = PAGE_SIZE):
    """The page ``number`` (any text: a bad or too high number gives the first or last page)."""
    return BoundedPaginator(queryset, per_page).get_page(number)


def query_without_page(request) -> str:
    """The request's query string without ``page``, ready to prefix ``page=N`` (ends with ``&``)."""
    params = request.GET.copy()
    params.pop("page", None)
    encoded = params.urlencode()
    return f"{encoded}&" if encoded else ""
