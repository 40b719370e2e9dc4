from django.db import migrations

# 0014's SQLite triggers replaced the version row with INSERT OR REPLACE. Inside
# a trigger SQLite applies the outer statement's conflict clause instead, and
# Django adds many-to-many rows with INSERT OR IGNORE: the replace was ignored,
# so adding a person, a tag or a related story left the version as it was.
# An UPDATE has no conflict to resolve; the row is first made if a flush or a
# hand emptied the table. (PostgreSQL's triggers are not affected.)
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
    "taggit_tag",
]
EVENTS = ["insert", "update", "delete"]
TRIGGER = """
CREATE TRIGGER {table}_content_{event} AFTER {event} ON {table}
BEGIN
  INSERT OR IGNORE INTO articles_contentversion (id, token, changed_at)
  VALUES (1, '', strftime('%Y-%m-%d %H:%M:%f', 'now'));
  UPDATE articles_contentversion
  SET token = lower(hex(randomblob(8))), changed_at = strftime('%Y-%m-%d %H:%M:%f', 'now')
  WHERE id = 1;
END;
"""
OLD_TRIGGER = """
CREATE TRIGGER {table}_content_{event} AFTER {event} ON {table}
BEGIN
  INSERT OR REPLACE INTO articles_contentversion (id, token, changed_at)
  VALUES (1, lower(hex(randomblob(8))), strftime('%Y-%m-%d %H:%M:%f', 'now'));
END;
"""


def replace_with(template):
    def replace(apps, schema_editor):
        if schema_editor.connection.vendor != "sqlite":
            return
        for table in TABLES:
            for event in EVENTS:
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_content_{event}")
                schema_editor.execute(template.format(table=table, event=event))

    return replace


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0015_drop_copies"),
    ]

    operations = [
        migrations.RunPython(replace_with(TRIGGER), replace_with(OLD_TRIGGER)),
    ]
