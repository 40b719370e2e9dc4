from django.db import migrations


class Migration(migrations.Migration):
    """Related stories and the tag, person and source listings are read with joins
    (articles.story_page, articles.views): no copy of them is kept to go stale."""

    dependencies = [
        ("articles", "0014_content_version"),
    ]

    operations = [
        migrations.DeleteModel(name="ListingEntry"),
        migrations.DeleteModel(name="Suggestion"),
    ]
