import uuid

from django.db import migrations, models


class Migration(migrations.Migration):
    """Preview links carry the story's preview key, so that an editor can revoke them.

    Links made before hold only the story's id and stop working. Existing stories
    share one first key; that is enough, as a link is signed with its story's id.
    """

    dependencies = [
        ("articles", "0012_listing_entries"),
    ]

    operations = [
        migrations.AddField(
            model_name="story",
            name="preview_key",
            field=models.UUIDField(default=uuid.uuid4, editable=False),
        ),
    ]
