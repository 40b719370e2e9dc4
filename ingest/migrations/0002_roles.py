"""The roles' permissions on ingest: reporters import copy and decide the suggestions
on their drafts; editors also keep the partner feeds."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ROLES = {
    "Reporter": {
        "origin": ["add", "view"],
        "suggestion": ["change", "view"],
        "partnerfeed": ["view"],
        "feeditem": ["view"],
    },
    "Editor": {
        "origin": ["add", "change", "view"],
        "suggestion": ["change", "view"],
        "partnerfeed": ["add", "change", "delete", "view"],
        "feeditem": ["view"],
    },
}


def permissions(apps, models):
    Permission = apps.get_model("auth", "Permission")
    codenames = [f"{action}_{model}" for model, actions in models.items() for action in actions]
    return Permission.objects.filter(content_type__app_label="ingest", codename__in=codenames)


def grant_permissions(apps, schema_editor):
    # As articles' 0003: the permissions are made now, not after all migrations.
    app_config = apps.get_app_config("ingest")
    models_module = getattr(app_config, "models_module", None)
    app_config.models_module = models_module or True
    try:
        create_permissions(app_config, apps=apps, verbosity=0)
    finally:
        app_config.models_module = models_module
    Group = apps.get_model("auth", "Group")
    for group in Group.objects.filter(name__in=ROLES):
        group.permissions.add(*permissions(apps, ROLES[group.name]))


def revoke_permissions(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for group in Group.objects.filter(name__in=ROLES):
        group.permissions.remove(*permissions(apps, ROLES[group.name]))


class Migration(migrations.Migration):
    dependencies = [
        ("ingest", "0001_initial"),
        ("articles", "0003_roles"),
    ]

    operations = [migrations.RunPython(grant_permissions, revoke_permissions)]
