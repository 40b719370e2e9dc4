import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

# SQLite adds a NOT NULL column by rebuilding the table, which drops the
# table's triggers: the content version's (0016) are made again here, as 0016
# made them. (The listing triggers are put back after every migrate.)
VERSION_TRIGGER = """
CREATE TRIGGER IF NOT EXISTS articles_story_content_{event} AFTER {event} ON articles_story
BEGIN
  INSERT OR IGNORE INTO articles_contentversion (id, token, changed_at)
  VALUES (1, '', strftime('%Y-%m-%d %H:%M:%f', 'now'));
  UPDATE articles_contentversion
  SET token = lower(hex(randomblob(8))), changed_at = strftime('%Y-%m-%d %H:%M:%f', 'now')
  WHERE id = 1;
END;
"""


def restore_version_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    for event in ["insert", "update", "delete"]:
        schema_editor.execute(VERSION_TRIGGER.format(event=event))


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0017_listing_entries_by_triggers"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="story",
            name="withdrawal_reason",
            field=models.TextField(
                blank=True,
                editable=False,
                help_text="Why the story was withdrawn: readers see it at the story's address.",
            ),
        ),
        migrations.AddField(
            model_name="story",
            name="submitted_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="story",
            name="submitted_by",
            field=models.ForeignKey(
                blank=True,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.RunPython(restore_version_triggers, migrations.RunPython.noop),
    ]
