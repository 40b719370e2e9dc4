"""Where each published story is listed, kept by the database itself.

A tag, person or source page read with joins walks the archive: at 100,000
stories a tag with 500 of them took 165 ms for its first page and a prolific
reporter's 245 ms, because neither the tag links nor the bylines know when their
story went out. ``ListingEntry`` puts each listing's stories in one index in the
listing's order, so any page of any listing is one range of it.

Its rows are written by triggers on the story table and the four tables that
link stories to listings, so every write path keeps them: the admin,
``QuerySet.update()``, ``bulk_create``, ``loaddata``, a restore, raw SQL. On
PostgreSQL they run once per statement over the rows it changed; SQLite has row
triggers only. A ``migrate`` that applies migrations takes them away first
(a migration may drop or rebuild the tables they use: SQLite drops a table's
triggers when it rebuilds the table) and puts them back after, writing every
entry again.
"""

from django.db import DEFAULT_DB_ALIAS, connections

ENTRY = "articles_listingentry"
STORY = "articles_story"
# Kinds as in ListingEntry.Kind.
TAG, PERSON, SOURCE = 2, 3, 4
# Each table linking a story to a listing: its story column and listed column.
LINKS = {
    "articles_taggedstory": ("content_object_id", "tag_id", TAG),
    "articles_byline": ("story_id", "person_id", PERSON),
    "articles_story_people": ("story_id", "person_id", PERSON),
    "articles_citation": ("story_id", "source_id", SOURCE),
}
# What of a story its entries carry.
STORY_COLUMNS = ("status", "published_at", "created_at")


def entries_select(ids: str) -> str:
    """The entries of the published stories whose ids are in ``ids`` (an SQL list)."""
    selects = [
        f"SELECT {kind} AS kind, l.{listed} AS key, s.id, s.published_at, s.created_at "
        f"FROM {table} l JOIN {STORY} s ON s.id = l.{story} "
        f"WHERE s.id IN ({ids}) AND s.status = 'published' AND s.published_at IS NOT NULL"
        for table, (story, listed, kind) in LINKS.items()
    ]
    # UNION, not UNION ALL: someone who wrote a story and is in it is listed once.
    return f"INSERT INTO {ENTRY} (kind, key, story_id, published_at, created_at) " + " UNION ".join(
        selects
    )


POSTGRES_FUNCTIONS = f"""
CREATE OR REPLACE FUNCTION articles_listing_write(ids bigint[]) RETURNS void
LANGUAGE sql AS $$
  DELETE FROM {ENTRY} WHERE story_id = ANY(ids);
  {entries_select("SELECT unnest(ids)")};
$$;

CREATE OR REPLACE FUNCTION articles_listing_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  ids bigint[];
BEGIN
  IF TG_OP = 'INSERT' THEN
    EXECUTE format('SELECT array_agg(DISTINCT %I) FROM new_rows', TG_ARGV[0]) INTO ids;
  ELSIF TG_OP = 'DELETE' THEN
    EXECUTE format('SELECT array_agg(DISTINCT %I) FROM old_rows', TG_ARGV[0]) INTO ids;
  ELSIF TG_TABLE_NAME = '{STORY}' THEN
    -- Only what entries carry: most saves of a story change none of it.
    SELECT array_agg(n.id) INTO ids FROM new_rows n JOIN old_rows o ON o.id = n.id
    WHERE (n.status, n.published_at, n.created_at)
      IS DISTINCT FROM (o.status, o.published_at, o.created_at);
  ELSE
    EXECUTE format(
      'SELECT array_agg(DISTINCT x) FROM '
      '(SELECT %1$I AS x FROM new_rows UNION SELECT %1$I FROM old_rows) changed',
      TG_ARGV[0]
    ) INTO ids;
  END IF;
  IF ids IS NOT NULL THEN
    PERFORM articles_listing_write(ids);
  END IF;
  RETURN NULL;
END
$$;

CREATE OR REPLACE FUNCTION articles_listing_emptied() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM articles_listing_write(ARRAY(SELECT id FROM {STORY}));
  RETURN NULL;
END
$$;
"""

POSTGRES_TRIGGERS = """
CREATE OR REPLACE TRIGGER {table}_listing_insert AFTER INSERT ON {table}
REFERENCING NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION articles_listing_changed('{column}');
CREATE OR REPLACE TRIGGER {table}_listing_update AFTER UPDATE ON {table}
REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION articles_listing_changed('{column}');
CREATE OR REPLACE TRIGGER {table}_listing_delete AFTER DELETE ON {table}
REFERENCING OLD TABLE AS old_rows
FOR EACH STATEMENT EXECUTE FUNCTION articles_listing_changed('{column}');
CREATE OR REPLACE TRIGGER {table}_listing_truncate AFTER TRUNCATE ON {table}
FOR EACH STATEMENT EXECUTE FUNCTION articles_listing_emptied();
"""

SQLITE_TRIGGER = """
CREATE TRIGGER IF NOT EXISTS {table}_listing_{event} AFTER {event} ON {table}
{when}
BEGIN
  DELETE FROM {entry} WHERE story_id IN ({ids});
  {insert};
END;
"""


def tables() -> dict[str, str]:
    """Each table whose rows the entries come from, with its story column."""
    return {STORY: "id", **{table: story for table, (story, _, _) in LINKS.items()}}


def sqlite_triggers() -> list[str]:
    statements = []
    for table, column in tables().items():
        for event, rows in [
            ("insert", ["NEW"]),
            ("update", ["NEW", "OLD"]),
            ("delete", ["OLD"]),
        ]:
            ids = ", ".join(f"{row}.{column}" for row in rows)
            when = ""
            if table == STORY and event == "update":
                changed = " OR ".join(f"OLD.{name} IS NOT NEW.{name}" for name in STORY_COLUMNS)
                when = f"WHEN {changed}"
            statements.append(
                SQLITE_TRIGGER.format(
                    table=table,
                    event=event,
                    when=when,
                    entry=ENTRY,
                    ids=ids,
                    insert=entries_select(ids),
                )
            )
    return statements


EVENTS = ("insert", "update", "delete", "truncate")


def install(using=None, *, write_all: bool = False) -> None:
    """Create (or replace) the triggers, and with ``write_all`` every entry again;
    a no-op before the tables exist."""
    db = connections[using or DEFAULT_DB_ALIAS]
    if not {ENTRY, *tables()} <= set(db.introspection.table_names()):
        return
    with db.cursor() as cursor:
        if db.vendor == "postgresql":
            cursor.execute(POSTGRES_FUNCTIONS)
            for table, column in tables().items():
                cursor.execute(POSTGRES_TRIGGERS.format(table=table, column=column))
        elif db.vendor == "sqlite":
            for statement in sqlite_triggers():
                cursor.execute(statement)
        if write_all:
            cursor.execute(f"DELETE FROM {ENTRY}")
            cursor.execute(entries_select(f"SELECT id FROM {STORY}"))


def uninstall(using=None) -> None:
    db = connections[using or DEFAULT_DB_ALIAS]
    existing = set(db.introspection.table_names())
    with db.cursor() as cursor:
        for table in tables():
            if table not in existing:
                continue
            for event in EVENTS:
                if db.vendor == "postgresql":
                    cursor.execute(f"DROP TRIGGER IF EXISTS {table}_listing_{event} ON {table}")
                elif db.vendor == "sqlite" and event != "truncate":
                    cursor.execute(f"DROP TRIGGER IF EXISTS {table}_listing_{event}")


def before_migrate(sender, using, plan=None, **kwargs) -> None:
    if plan:
        uninstall(using)


def after_migrate(sender, using, plan=None, **kwargs) -> None:
    # Written again only when migrations ran without the triggers.
    install(using, write_all=bool(plan))
