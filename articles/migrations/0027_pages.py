"""The site's own pages: About, Contact, Masthead, the ethics and corrections policies.

Every public page's footer lists them, so the new table gets the content
version's triggers (as 0024 made them for live posts): a page saved by any
path, ``QuerySet.update()`` included, refreshes every cached page. Editors get
its permissions, reporters may only read it, as 0003 gave the roles the others'.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations, models

import articles.models

TABLE = "articles_page"
POSTGRES_TRIGGER = f"""
CREATE TRIGGER {TABLE}_content_changed
BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON {TABLE}
FOR EACH STATEMENT EXECUTE FUNCTION articles_content_changed();
"""
# 0016's form. A new table only: no other table is rebuilt, so none loses its triggers.
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
        for event in SQLITE_EVENTS:
            schema_editor.execute(SQLITE_TRIGGER.format(table=TABLE, event=event))


def drop_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {TABLE}_content_changed ON {TABLE}")
    elif vendor == "sqlite":
        for event in SQLITE_EVENTS:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {TABLE}_content_{event}")


# Pages speak for the whole newsroom: editors write them, reporters read them.
ROLES = {
    "Reporter": ["view"],
    "Editor": ["add", "change", "delete", "view"],
}


def page_permissions(apps, actions):
    Permission = apps.get_model("auth", "Permission")
    return Permission.objects.filter(
        content_type__app_label="articles",
        content_type__model="page",
        codename__in=[f"{action}_page" for action in actions],
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
        group.permissions.add(*page_permissions(apps, ROLES[group.name]))


def revoke_permissions(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for group in Group.objects.filter(name__in=ROLES):
        group.permissions.remove(*page_permissions(apps, ROLES[group.name]))


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0026_aliases"),
    ]

    operations = [
        migrations.CreateModel(
            name="Page",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "title",
                    models.CharField(
                        help_text="The page's heading and its link text.", max_length=200
                    ),
                ),
                (
                    "slug",
                    models.SlugField(
                        help_text="The page's address at the site's root: “about” is /about/.",
                        max_length=100,
                        unique=True,
                        validators=[articles.models.validate_page_slug],
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("about", "About"),
                            ("contact", "Contact"),
                            ("masthead", "Masthead"),
                            ("ethics", "Ethics policy"),
                            ("corrections_policy", "Corrections policy"),
                            ("other", "Other"),
                        ],
                        default="other",
                        help_text="What the page is to search engines: the newsroom's data "
                        "names its about, contact, masthead, ethics and corrections policy "
                        "pages. One page each; any number of “Other”.",
                        max_length=20,
                    ),
                ),
                ("body", models.TextField(blank=True)),
                (
                    "position",
                    models.PositiveSmallIntegerField(
                        default=0,
                        help_text="Pages are listed in the site's footer in this order.",
                    ),
                ),
                (
                    "in_footer",
                    models.BooleanField(
                        default=True,
                        help_text="Linked from the footer of every page.",
                        verbose_name="in the footer",
                    ),
                ),
                ("updated_at", models.DateTimeField(auto_now=True)),
            ],
            options={
                "ordering": ["position", "title"],
                "constraints": [
                    models.UniqueConstraint(
                        condition=models.Q(("kind", "other"), _negated=True),
                        fields=("kind",),
                        name="page_kind_unique",
                        violation_error_message="There is already a page of this kind: "
                        "edit that page, or make this one “Other”.",
                    )
                ],
            },
        ),
        migrations.RunPython(create_triggers, drop_triggers, elidable=False),
        migrations.RunPython(grant_permissions, revoke_permissions),
    ]
