"""The content's version: one row that the database's own triggers change
whenever a table that public pages show is written, by any path."""

import secrets

from django.db import migrations, models
from django.utils import timezone

# Every table whose rows a public page, feed or sitemap shows (literal names: a
# migration must not depend on today's models).
TABLES = [
    "articles_story",
    "articles_byline",
    "articles_citation",
    "articles_correction",
    "articles_person",
    "articles_source",
    "articles_section",
    "articles_image",
    "articles_storyredirect",
    "articles_taggedstory",
    "articles_story_people",
    "articles_story_related",
    "articles_suggestion",
    "articles_listingentry",
    "taggit_tag",
]

# PostgreSQL: once per statement, before it touches a row, so that the version
# row is the first lock a writing transaction takes (one order for every writer,
# so no deadlock between them). Readers see the new token only once the
# transaction commits, with the content it stands for.
POSTGRES_FUNCTION = """
CREATE FUNCTION articles_content_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO articles_contentversion (id, token, changed_at)
  VALUES (1, md5(random()::text || clock_timestamp()::text), clock_timestamp())
  ON CONFLICT (id) DO UPDATE SET token = EXCLUDED.token, changed_at = EXCLUDED.changed_at;
  RETURN NULL;
END
$$;
"""
POSTGRES_TRIGGERS = """
CREATE TRIGGER {table}_content_changed
BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table}
FOR EACH STATEMENT EXECUTE FUNCTION articles_content_changed();
"""
POSTGRES_DROP = "DROP TRIGGER IF EXISTS {table}_content_changed ON {table};"

# SQLite has one writer at a time and row triggers only.
SQLITE_TRIGGERS = """
CREATE TRIGGER {table}_content_{event} AFTER {event} ON {table}
BEGIN
  INSERT OR REPLACE INTO articles_contentversion (id, token, changed_at)
  VALUES (1, lower(hex(randomblob(8))), strftime('%Y-%m-%d %H:%M:%f', 'now'));
END;
"""
SQLITE_EVENTS = ["insert", "update", "delete"]


def create_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_FUNCTION)
        for table in TABLES:
            schema_editor.execute(POSTGRES_TRIGGERS.format(table=table))
    elif vendor == "sqlite":
        for table in TABLES:
            for event in SQLITE_EVENTS:
                schema_editor.execute(SQLITE_TRIGGERS.format(table=table, event=event))
    schema_editor.execute(
        "INSERT INTO articles_contentversion (id, token, changed_at) VALUES (1, %s, %s)",
        [secrets.token_hex(8), timezone.now()],
    )


def drop_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        for table in TABLES:
            schema_editor.execute(POSTGRES_DROP.format(table=table))
        schema_editor.execute("DROP FUNCTION IF EXISTS articles_content_changed()")
    elif vendor == "sqlite":
        for table in TABLES:
            for event in SQLITE_EVENTS:
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_content_{event}")


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0013_story_preview_key"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
    ]

    operations = [
        migrations.CreateModel(
            name="ContentVersion",
            fields=[
                ("id", models.PositiveSmallIntegerField(primary_key=True, serialize=False)),
                ("token", models.CharField(max_length=32)),
                ("changed_at", models.DateTimeField()),
            ],
            options={"verbose_name": "content version"},
        ),
        migrations.RunPython(create_triggers, drop_triggers, elidable=False),
    ]
