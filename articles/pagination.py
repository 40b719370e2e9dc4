from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db import connection
from django.db.models import Max, Min, QuerySet
from django.utils.functional import cached_property


class NextPage(Page):
    """A page that knows whether another follows without knowing how many do."""

    def __init__(self, object_list, number, paginator, has_more):
        super().__init__(object_list, number, paginator)
        self.has_more = has_more

    def has_next(self):
        return self.has_more

    def next_page_number(self):
        return self.paginator.validate_number(self.number + 1)

    def start_index(self):
        return (self.number - 1) * self.paginator.per_page + 1 if self.object_list else 0

    def end_index(self):
        return self.start_index() + len(self.object_list) - 1 if self.object_list else 0


class NextPagePaginator(Paginator):
    """Pages of a listing with no COUNT(*): a page fetches one row more than it
    shows, to know whether another follows.

    Listings say "Page 3" and link to the newer and older pages. At most
    ``max_pages`` pages, so the deepest page skips a bounded number of rows; a
    page past the last one, or past the cap, answers 404. Older stories stay
    reachable through the date archives and the sitemaps.
    """

    max_pages = 500

    @property
    def count(self):
        raise TypeError("NextPagePaginator does not count: use page.has_next().")

    @property
    def num_pages(self):
        # An upper bound (?page=last goes to the cap, which answers 404 if empty).
        return self.max_pages

    def validate_number(self, number):
        try:
            number = int(number)
        except (TypeError, ValueError) as error:
            raise PageNotAnInteger("That page number is not an integer.") from error
        if number < 1:
            raise EmptyPage("That page number is less than 1.")
        if number > self.max_pages:
            raise EmptyPage("That page contains no results.")
        return number

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        size = self.per_page + 1
        rows = self.object_list
        if bottom and isinstance(rows, QuerySet):
            rows = deep_page(rows, bottom, size)
            bottom = 0
        rows = list(rows[bottom : bottom + size])
        if not rows and number > 1:
            raise EmptyPage("That page contains no results.")
        has_more = len(rows) > self.per_page and number != self.max_pages
        return NextPage(rows[: self.per_page], number, self, has_more)


def deep_page(rows, skip: int, size: int):
    """The ``size`` rows after the first ``skip``, chosen by their ids alone (an
    index-only scan of the covering indexes) before the rows are read."""
    return rows.filter(pk__in=rows.values("pk")[skip : skip + size])


class EstimatedCountPaginator(Paginator):
    """For the admin's unfiltered story list: PostgreSQL's row estimate instead of COUNT(*).

    Filtered lists (a status, a section, a search) are counted exactly.
    """

    exact_below = 10_000

    def __init__(self, *args, estimate: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.estimate = estimate

    @cached_property
    def count(self):
        if self.estimate and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT reltuples::bigint FROM pg_class WHERE relname = %s",
                    [self.object_list.model._meta.db_table],
                )
                row = cursor.fetchone()
            if row and row[0] >= self.exact_below:
                return row[0]
        return super().count


class IdRangePaginator(Paginator):
    """Pages by blocks of ids, for sitemaps: each page holds the rows whose ids fall
    in its block of ``per_page`` ids (fewer where rows are missing or filtered out).

    How many pages there are takes the lowest and highest ids (two index lookups),
    not a count of the archive; a page reads one range of the primary key; and a
    new row only ever changes the last page, so crawlers fetch again one file, not
    every file after the one it would shift.
    """

    @cached_property
    def _bounds(self) -> tuple[int, int]:
        ids = self.object_list.model._base_manager.aggregate(low=Min("pk"), high=Max("pk"))
        if ids["low"] is None:
            return 0, 0
        base = (ids["low"] - 1) // self.per_page * self.per_page
        return base, ids["high"]

    @cached_property
    def count(self):
        raise TypeError("IdRangePaginator does not count its rows.")

    @cached_property
    def num_pages(self):
        base, high = self._bounds
        return max(1, -(-(high - base) // self.per_page))

    def page(self, number):
        number = self.validate_number(number)
        low = self._bounds[0] + (number - 1) * self.per_page
        rows = self.object_list.filter(pk__gt=low, pk__lte=low + self.per_page)
        return Page(list(rows), number, self)
