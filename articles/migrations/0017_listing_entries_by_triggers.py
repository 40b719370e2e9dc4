from django.db import migrations

# Every published story's listing entries, from what links it to tags, people
# and sources (literal SQL: a migration must not depend on today's code). From
# here on the database's triggers keep them (articles.triggers, installed after
# every migrate).
FILL = """
DELETE FROM articles_listingentry;
INSERT INTO articles_listingentry (kind, key, story_id, published_at, created_at)
    SELECT 2 AS kind, l.tag_id AS key, s.id, s.published_at, s.created_at
    FROM articles_taggedstory l JOIN articles_story s ON s.id = l.content_object_id
    WHERE s.status = 'published' AND s.published_at IS NOT NULL
    UNION SELECT 3 AS kind, l.person_id AS key, s.id, s.published_at, s.created_at
    FROM articles_byline l JOIN articles_story s ON s.id = l.story_id
    WHERE s.status = 'published' AND s.published_at IS NOT NULL
    UNION SELECT 3 AS kind, l.person_id AS key, s.id, s.published_at, s.created_at
    FROM articles_story_people l JOIN articles_story s ON s.id = l.story_id
    WHERE s.status = 'published' AND s.published_at IS NOT NULL
    UNION SELECT 4 AS kind, l.source_id AS key, s.id, s.published_at, s.created_at
    FROM articles_citation l JOIN articles_story s ON s.id = l.story_id
    WHERE s.status = 'published' AND s.published_at IS NOT NULL
"""


def fill(apps, schema_editor):
    for statement in FILL.strip().split(";\n"):
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0016_sqlite_version_triggers"),
    ]

    operations = [
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
