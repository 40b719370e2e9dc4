from django.db import migrations


class Migration(migrations.Migration):
    """Related stories are read with one query (articles.story_page): no copy of
    them is kept to go stale."""

    dependencies = [
        ("articles", "0014_content_version"),
    ]

    operations = [
        migrations.DeleteModel(name="Suggestion"),
    ]
