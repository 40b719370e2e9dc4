from django.core.paginator import Paginator
from django.db import connection
from django.utils.functional import cached_property


class CappedPaginator(Paginator):
    """Counts at most ``max_pages`` pages of rows, so a page costs the same at any archive size.

    Pages past the cap answer 404; templates say "of 500+" via ``capped``. Older
    stories stay reachable through the date archives and the sitemaps.
    """

    max_pages = 500

    @cached_property
    def count(self):
        limit = self.per_page * self.max_pages
        rows = self.object_list.order_by()[: limit + 1].count()
        self.capped = rows > limit
        return min(rows, limit)

    capped = False


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
