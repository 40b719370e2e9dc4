"""The newsroom's two roles as groups: Reporter and Editor."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ARTICLES = "articles"

REPORTER = {
    "story": ["add", "change", "view"],
    "byline": ["add", "change", "delete", "view"],
    "citation": ["add", "change", "delete", "view"],
    "correction": ["view"],
    "person": ["add", "change", "view"],
    "source": ["add", "change", "view"],
    "section": ["view"],
    "image": ["add", "change", "view"],
}
EDITOR_MODELS = [
    "story",
    "byline",
    "citation",
    "correction",
    "person",
    "source",
    "section",
    "image",
    "storyredirect",
]


def create_roles(apps, schema_editor):
    # Permissions are normally made after all migrations; the groups need them now.
    # create_permissions skips apps without a models module, as a migration's
    # app configs are; each is put back as it was (the project's own when called
    # with the live registry).
    for app_config in apps.get_app_configs():
        models_module = getattr(app_config, "models_module", None)
        app_config.models_module = models_module or True
        try:
            create_permissions(app_config, apps=apps, verbosity=0)
        finally:
            app_config.models_module = models_module

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")

    def perms(app_label, model, actions):
        codenames = [f"{action}_{model}" for action in actions]
        return Permission.objects.filter(
            content_type__app_label=app_label,
            content_type__model=model,
            codename__in=codenames,
        )

    reporter, _ = Group.objects.get_or_create(name="Reporter")
    for model, actions in REPORTER.items():
        reporter.permissions.add(*perms(ARTICLES, model, actions))
    reporter.permissions.add(*perms("taggit", "tag", ["view"]))

    editor, _ = Group.objects.get_or_create(name="Editor")
    all_actions = ["add", "change", "delete", "view"]
    for model in EDITOR_MODELS:
        editor.permissions.add(*perms(ARTICLES, model, all_actions))
    editor.permissions.add(*perms("taggit", "tag", all_actions))
    editor.permissions.add(
        *Permission.objects.filter(content_type__app_label=ARTICLES, codename="publish_story")
    )


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=["Reporter", "Editor"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0002_workflow"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
