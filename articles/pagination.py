from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db import connection
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


class UncountedPaginator(Paginator):
    """Gives a page without COUNT(*): the page fetches one row more than it shows,
    to know whether another follows.

    ``count`` and ``num_pages`` still count, for whoever needs to know how many
    pages there are (the sitemap index). A page past the last one answers 404.
    """

    max_pages = None

    def __init__(self, object_list, per_page, *args, read=None, **kwargs):
        """``read(queryset)`` turns the page's rows into what the page shows
        (``StoryQuerySet.card_rows``, say) after they are chosen."""
        super().__init__(object_list, per_page, *args, **kwargs)
        self.read = read or (lambda rows: rows)

    def validate_number(self, number):
        try:
            number = int(number)
        except (TypeError, ValueError) as error:
            raise PageNotAnInteger("That page number is not an integer.") from error
        if number < 1:
            raise EmptyPage("That page number is less than 1.")
        if self.max_pages and number > self.max_pages:
            raise EmptyPage("That page contains no results.")
        return number

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        rows = self.object_list
        if bottom and hasattr(rows, "query"):
            # A deep page skips rows by their ids alone (an index-only scan of the
            # covering indexes), then reads the few rows it shows.
            rows = rows.filter(pk__in=rows.values("pk")[bottom : bottom + self.per_page + 1])
            bottom = 0
        rows = list(self.read(rows)[bottom : bottom + self.per_page + 1])
        if not rows and number > 1:
            raise EmptyPage("That page contains no results.")
        has_more = len(rows) > self.per_page and number != self.max_pages
        return NextPage(rows[: self.per_page], number, self, has_more)


class NextPagePaginator(UncountedPaginator):
    """Pages of a listing with no COUNT(*) at all.

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


class EstimatedCountPaginator(Paginator):
    """For the admin's unfiltered story list: PostgreSQL's row estimate instead of COUNT(*).

    Filtered lists (a status, a section, a search) are counted exactly.
    """

    exact_below = 10_000

    @cached_property
    def count(self):
        query = getattr(self.object_list, "query", None)
        if query is not None and not query.where and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT reltuples::bigint FROM pg_class WHERE relname = %s",
                    [self.object_list.model._meta.db_table],
                )
                row = cursor.fetchone()
            if row and row[0] >= self.exact_below:
                return row[0]
        return super().count
