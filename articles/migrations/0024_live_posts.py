"""Live coverage: a story's posts, newest first, and when its coverage began and ended.

The new table gets the content version's triggers (as 0014 and 0016 made them
for the others): a post saved by any path refreshes the pages that show it.
The roles get its permissions, as 0003 gave them the others'.
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.contrib.auth.management import create_permissions
from django.db import migrations, models

TABLE = "articles_livepost"
POSTGRES_TRIGGER = f"""
CREATE TRIGGER {TABLE}_content_changed
BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON {TABLE}
FOR EACH STATEMENT EXECUTE FUNCTION articles_content_changed();
"""
# 0016's form. SQLite adds a constraint by rebuilding the table, which drops
# the story table's triggers: those are made again too, as 0018 does.
SQLITE_TRIGGER = """
CREATE TRIGGER IF NOT EXISTS {table}_content_{event} AFTER {event} ON {table}
BEGIN
  INSERT OR IGNORE INTO articles_contentversion (id, token, changed_at)
  VALUES (1, '', strftime('%Y-%m-%d %H:%M:%f', 'now'));
  UPDATE articles_contentversion
  SET token = lower(hex(randomblob(8))), changed_at = strftime('%Y-%m-%d %H:%M:%f', 'now')
  WHERE id = 1;
END;
"""
SQLITE_EVENTS = ["insert", "update", "delete"]


def create_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_TRIGGER)
    elif vendor == "sqlite":
        for table in (TABLE, "articles_story"):
            for event in SQLITE_EVENTS:
                schema_editor.execute(SQLITE_TRIGGER.format(table=table, event=event))


def drop_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {TABLE}_content_changed ON {TABLE}")
    elif vendor == "sqlite":
        for event in SQLITE_EVENTS:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {TABLE}_content_{event}")


# Reporters post on the stories they may edit, editors on any (articles.workflow).
ROLES = {
    "Reporter": ["add", "change", "delete", "view"],
    "Editor": ["add", "change", "delete", "view"],
}


def live_post_permissions(apps, actions):
    Permission = apps.get_model("auth", "Permission")
    return Permission.objects.filter(
        content_type__app_label="articles",
        content_type__model="livepost",
        codename__in=[f"{action}_livepost" for action in actions],
    )


def grant_permissions(apps, schema_editor):
    # As in 0003: the permissions are made now, not after all migrations.
    app_config = apps.get_app_config("articles")
    models_module = getattr(app_config, "models_module", None)
    app_config.models_module = models_module or True
    try:
        create_permissions(app_config, apps=apps, verbosity=0)
    finally:
        app_config.models_module = models_module
    Group = apps.get_model("auth", "Group")
    for group in Group.objects.filter(name__in=ROLES):
        group.permissions.add(*live_post_permissions(apps, ROLES[group.name]))


def revoke_permissions(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for group in Group.objects.filter(name__in=ROLES):
        group.permissions.remove(*live_post_permissions(apps, ROLES[group.name]))


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0023_purge_outbox"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="LivePost",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "headline",
                    models.CharField(
                        blank=True,
                        help_text="Optional: a few words readers see above the post.",
                        max_length=120,
                    ),
                ),
                ("body", models.TextField()),
                (
                    "pinned",
                    models.BooleanField(
                        default=False,
                        help_text="Shown above the newest posts until it is unpinned.",
                    ),
                ),
                (
                    "key_event",
                    models.BooleanField(
                        default=False,
                        help_text="Listed among the key events at the top of the coverage.",
                        verbose_name="key event",
                    ),
                ),
                (
                    "published_at",
                    models.DateTimeField(
                        default=django.utils.timezone.now,
                        help_text="The time readers see on the post. Leave it empty to post now.",
                        verbose_name="time",
                    ),
                ),
                ("updated_at", models.DateTimeField(auto_now=True)),
            ],
            options={
                "verbose_name": "live post",
                "ordering": ["-published_at", "-pk"],
                "get_latest_by": "published_at",
            },
        ),
        migrations.AddField(
            model_name="story",
            name="live_from",
            field=models.DateTimeField(
                blank=True,
                editable=False,
                help_text="When live coverage began: readers see the story's posts, newest first.",
                null=True,
                verbose_name="live coverage from",
            ),
        ),
        migrations.AddField(
            model_name="story",
            name="live_until",
            field=models.DateTimeField(
                blank=True,
                editable=False,
                help_text="When live coverage ended: its posts stay as they are from then on.",
                null=True,
                verbose_name="live coverage until",
            ),
        ),
        migrations.AddConstraint(
            model_name="story",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("live_until__isnull", True),
                    models.Q(
                        ("live_from__isnull", False), ("live_until__gte", models.F("live_from"))
                    ),
                    _connector="OR",
                ),
                name="story_live_until_after_live_from",
                violation_error_message="Live coverage cannot end before it began.",
            ),
        ),
        migrations.AddField(
            model_name="livepost",
            name="author",
            field=models.ForeignKey(
                help_text="The byline readers see on the post.",
                on_delete=django.db.models.deletion.PROTECT,
                related_name="live_posts",
                to="articles.person",
            ),
        ),
        migrations.AddField(
            model_name="livepost",
            name="created_by",
            field=models.ForeignKey(
                blank=True,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="livepost",
            name="story",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="live_posts",
                to="articles.story",
            ),
        ),
        migrations.AddIndex(
            model_name="livepost",
            index=models.Index(fields=["story", "-published_at"], name="livepost_story_newest_idx"),
        ),
        migrations.RunPython(create_triggers, drop_triggers, elidable=False),
        migrations.RunPython(grant_permissions, revoke_permissions),
    ]
