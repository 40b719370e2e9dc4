"""Drafts imported from ninjs documents (articles.ninjs): the document's uri, one
story per uri, and the version imported.

SQLite adds a NOT NULL column by rebuilding the table, which drops the story
table's triggers: the content version's are made again, as 0018 does.
"""

import importlib

from django.db import migrations, models

restore_version_triggers = importlib.import_module(
    "articles.migrations.0018_withdrawal_and_submission"
).restore_version_triggers


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0024_live_posts"),
    ]

    operations = [
        migrations.AddField(
            model_name="story",
            name="ninjs_uri",
            field=models.CharField(
                blank=True,
                editable=False,
                help_text="The uri of the ninjs document this story was imported from.",
                max_length=500,
                verbose_name="ninjs uri",
            ),
        ),
        migrations.AddField(
            model_name="story",
            name="ninjs_version_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="story",
            name="ninjs_digest",
            field=models.CharField(blank=True, editable=False, max_length=64),
        ),
        migrations.AddConstraint(
            model_name="story",
            constraint=models.UniqueConstraint(
                condition=~models.Q(ninjs_uri=""),
                fields=("ninjs_uri",),
                name="story_ninjs_uri_unique",
                violation_error_message="Another story was imported from this ninjs uri.",
            ),
        ),
        migrations.RunPython(restore_version_triggers, migrations.RunPython.noop),
    ]
