from importlib import import_module

from django.db import migrations, models
from django.db.models.functions import TruncDate

# Dropping the slug's own unique index rebuilds the table on SQLite, which takes
# its content-version triggers with it: 0018 puts them back the same way.
restore_version_triggers = import_module(
    "articles.migrations.0018_withdrawal_and_submission"
).restore_version_triggers


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0018_withdrawal_and_submission"),
    ]

    operations = [
        migrations.AlterField(
            model_name="story",
            name="slug",
            field=models.SlugField(
                db_index=False,
                help_text="The last part of the story's web address. Keep it short.",
                max_length=255,
            ),
        ),
        # TruncDate takes the site's time zone (TIME_ZONE) when the index is made.
        migrations.AddConstraint(
            model_name="story",
            constraint=models.UniqueConstraint(
                models.F("slug"),
                TruncDate("published_at"),
                condition=models.Q(("status__in", ["published", "withdrawn"])),
                name="story_slug_unique_per_day",
                violation_error_message="Another story published that day has this address.",
            ),
        ),
        migrations.RunPython(restore_version_triggers, migrations.RunPython.noop),
    ]
