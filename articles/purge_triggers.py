"""What to purge from shared caches, written down by the database itself.

When content a public response shows is written, triggers put the surrogate
keys of the responses that must change into ``PendingPurge`` rows (the keys
are described in ``articles.purge``); a job sends them to the proxy and CDNs
once the change has committed. Like the listing entries (``articles.triggers``)
they see every write path: the admin, ``QuerySet.update()``, ``bulk_create``,
``loaddata``, raw SQL. A story going public at a moment still ahead gets rows
due at that moment, so its listings are purged when readers may see it.

Installed after every migrate (SQLite drops a table's triggers when a
migration rebuilds it); on PostgreSQL they run once per statement over the
rows it changed, on SQLite once per row.
"""

from django.db import DEFAULT_DB_ALIAS, connections

OUTBOX = "articles_pendingpurge"
STORY = "articles_story"
SHOWN = "('published', 'withdrawn')"
# What every change to the stories listed anywhere changes.
EVERYWHERE = ("front", "feed", "archive", "search", "sitemap", "corrections", "not-found")
# A row of its own per key; UNION ALL of constants works on both databases.
EVERYWHERE_TABLE = (
    "(" + " UNION ALL ".join(f"SELECT '{key}' AS key" for key in EVERYWHERE) + ") everywhere"
)
# Where a story is listed: a change to any of these moves it in or out of listings.
LISTED_BY = ("status", "published_at", "section_id", "slug")
# Tables whose rows name an object shown on pages: its key when they change.
OBJECTS = {
    "articles_person": "person",
    "articles_source": "source",
    "articles_image": "image",
    "taggit_tag": "tag",
}
# Tables linking a story to what its page shows, with their story column.
STORY_LINKS = {
    "articles_byline": "story_id",
    "articles_citation": "story_id",
    "articles_story_people": "story_id",
    "articles_taggedstory": "content_object_id",
    "articles_story_related": "from_story_id",
    "articles_correction": "story_id",
    "articles_livepost": "story_id",
}
ENTRY = "articles_listingentry"
LIST_KEY = (
    "CASE {row}.kind WHEN 2 THEN 'list-tag-' WHEN 3 THEN 'list-person-' "
    "ELSE 'list-source-' END || {row}.key"
)


class Dialect:
    """How one database spells a trigger body's parts."""

    def __init__(self, vendor):
        self.postgres = vendor == "postgresql"
        self.now = "now()" if self.postgres else "strftime('%Y-%m-%d %H:%M:%f', 'now')"

    def later(self, moment: str) -> str:
        """``moment``, or now if it has passed (or is not set)."""
        function = "GREATEST" if self.postgres else "MAX"
        return f"{function}({self.now}, COALESCE({moment}, {self.now}))"

    @staticmethod
    def source(rows: str | None, *tables: str) -> str:
        items = [item for item in (rows, *tables) if item]
        return "FROM " + " CROSS JOIN ".join(items) if items else ""


def story_side(d: Dialect, row: str, rows: str | None, *, due: str, moved: str) -> list[str]:
    """The keys one side (before or after) of a change to stories makes due."""
    shown = f"{row}.status IN {SHOWN}"
    public = f"{row}.status = 'published'"
    return [
        f"SELECT 'story-' || {row}.id AS key, {due} AS due_at {d.source(rows)} WHERE {shown}",
        # Sitemaps give each public story's time of last change.
        f"SELECT 'sitemap', {due} {d.source(rows)} WHERE {public}",
        f"SELECT 'list-section-' || {row}.section_id, {due} {d.source(rows)} "
        f"WHERE {public} AND {moved} AND {row}.section_id IS NOT NULL",
        f"SELECT everywhere.key, {due} {d.source(rows, EVERYWHERE_TABLE)} "
        f"WHERE {public} AND {moved}",
    ]


def story_selects(d: Dialect, event: str) -> list[str]:
    if d.postgres:
        old, new = "o", "n"
        rows = {
            "insert": "new_rows n",
            "delete": "old_rows o",
            "update": "old_rows o JOIN new_rows n ON n.id = o.id",
        }[event]
    else:
        old, new, rows = "OLD", "NEW", None
    selects = []
    if event == "update":
        if d.postgres:
            before = ", ".join(f"{old}.{column}" for column in LISTED_BY)
            after = ", ".join(f"{new}.{column}" for column in LISTED_BY)
            moved = f"({before}) IS DISTINCT FROM ({after})"
        else:
            moved = "(" + " OR ".join(f"{old}.{c} IS NOT {new}.{c}" for c in LISTED_BY) + ")"
    else:
        moved = "TRUE" if d.postgres else "1"
    if event in ("update", "delete"):
        selects += story_side(d, old, rows, due=d.now, moved=moved)
    if event in ("update", "insert"):
        # Listings show a scheduled story from its moment: purged then.
        selects += story_side(d, new, rows, due=d.later(f"{new}.published_at"), moved=moved)
    return selects


def entry_selects(d: Dialect, event: str) -> list[str]:
    row = ("n" if event == "insert" else "o") if d.postgres else event_row(event)
    rows = ("new_rows n" if event == "insert" else "old_rows o") if d.postgres else None
    due = d.later(f"{row}.published_at") if event == "insert" else d.now
    return [f"SELECT {LIST_KEY.format(row=row)} AS key, {due} AS due_at {d.source(rows)}"]


def object_selects(d: Dialect, event: str, name: str) -> list[str]:
    row = "o" if d.postgres else "OLD"
    rows = "old_rows o" if d.postgres else None
    return [f"SELECT '{name}-' || {row}.id AS key, {d.now} AS due_at {d.source(rows)}"]


def link_selects(d: Dialect, event: str, table: str, column: str) -> list[str]:
    rows = {"insert": ["new_rows"], "delete": ["old_rows"], "update": ["new_rows", "old_rows"]}
    if d.postgres:
        linked = " UNION ".join(f"SELECT {column} AS story_id FROM {r}" for r in rows[event])
        source = f"FROM ({linked}) r JOIN {STORY} s ON s.id = r.story_id WHERE"
    else:
        ids = ", ".join(f"{row}.{column}" for row in sqlite_rows(event))
        source = f"FROM {STORY} s WHERE s.id IN ({ids}) AND"
    where = f"s.status IN {SHOWN}"
    selects = [f"SELECT 'story-' || s.id AS key, {d.now} AS due_at {source} {where}"]
    if table == "articles_correction":
        selects.append(f"SELECT 'corrections', {d.now} {source} {where}")
    return selects


def sqlite_rows(event: str) -> list[str]:
    return {"insert": ["NEW"], "delete": ["OLD"], "update": ["NEW", "OLD"]}[event]


def event_row(event: str) -> str:
    return "NEW" if event == "insert" else "OLD"


def rules() -> list[tuple[str, tuple[str, ...], object]]:
    """Each table, the events it is watched for, and its selects for (dialect, event)."""
    found = [
        (STORY, ("insert", "update", "delete"), story_selects),
        (ENTRY, ("insert", "delete"), entry_selects),
        # A new section appears in every page's navigation.
        ("articles_section", ("insert", "update", "delete"), all_selects),
        # The site's own pages are linked from every page's footer, and the policies
        # among them from the publisher in every page's structured data: a page
        # added, renamed, moved or removed changes every page, as a section does.
        ("articles_page", ("insert", "update", "delete"), all_selects),
    ]
    for table, name in OBJECTS.items():
        found.append(
            (table, ("update", "delete"), lambda d, e, name=name: object_selects(d, e, name))
        )
    for table, column in STORY_LINKS.items():
        found.append(
            (
                table,
                ("insert", "update", "delete"),
                lambda d, e, t=table, c=column: link_selects(d, e, t, c),
            )
        )
    return found


def all_selects(d: Dialect, event: str) -> list[str]:
    # On PostgreSQL only when the statement changed a row.
    rows = ("new_rows" if event != "delete" else "old_rows") if d.postgres else None
    return [f"SELECT 'all' AS key, {d.now} AS due_at {d.source(rows)}"]


def insert(selects: list[str]) -> str:
    # UNION: one row per key and moment, however many rows named it.
    return f"INSERT INTO {OUTBOX} (key, due_at, attempts, again) " + (
        "SELECT key, due_at, 0, TRUE FROM (" + " UNION ".join(selects) + ") due"
    )


def postgres_statements() -> list[str]:
    statements = []
    for table, events, selects in rules():
        for event in events:
            function = f"{table}_purge_{event}"
            statements.append(
                f"CREATE OR REPLACE FUNCTION {function}() RETURNS trigger "
                f"LANGUAGE plpgsql AS $$ BEGIN {insert(selects(Dialect('postgresql'), event))}; "
                "RETURN NULL; END $$;"
            )
            referencing = {
                "insert": "REFERENCING NEW TABLE AS new_rows",
                "delete": "REFERENCING OLD TABLE AS old_rows",
                "update": "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows",
            }[event]
            statements.append(
                f"CREATE OR REPLACE TRIGGER {table}_purge_{event} AFTER {event.upper()} "
                f"ON {table} {referencing} FOR EACH STATEMENT EXECUTE FUNCTION {function}();"
            )
    return statements


def sqlite_statements() -> list[str]:
    statements = []
    for table, events, selects in rules():
        for event in events:
            statements.append(
                f"CREATE TRIGGER IF NOT EXISTS {table}_purge_{event} AFTER {event.upper()} "
                f"ON {table} BEGIN {insert(selects(Dialect('sqlite'), event))}; END;"
            )
    return statements


def install(using=None) -> None:
    """Create (or replace) the triggers; a no-op before the tables exist."""
    db = connections[using or DEFAULT_DB_ALIAS]
    tables = {OUTBOX, *(table for table, _, _ in rules())}
    if not tables <= set(db.introspection.table_names()):
        return
    statements = postgres_statements() if db.vendor == "postgresql" else sqlite_statements()
    if db.vendor not in ("postgresql", "sqlite"):
        return
    with db.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def uninstall(using=None) -> None:
    db = connections[using or DEFAULT_DB_ALIAS]
    existing = set(db.introspection.table_names())
    with db.cursor() as cursor:
        for table, events, _ in rules():
            if table not in existing:
                continue
            for event in events:
                if db.vendor == "postgresql":
                    cursor.execute(f"DROP TRIGGER IF EXISTS {table}_purge_{event} ON {table}")
                elif db.vendor == "sqlite":
                    cursor.execute(f"DROP TRIGGER IF EXISTS {table}_purge_{event}")


def before_migrate(sender, using, plan=None, **kwargs) -> None:
    if plan:
        uninstall(using)


def after_migrate(sender, using, **kwargs) -> None:
    install(using)
