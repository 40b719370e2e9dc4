import importlib

import django
import pytest
from django.apps import apps
from django.contrib.auth.models import Group, User
from django.db import connection

from tests.factories import PersonFactory


def pytest_report_header(config):
    return f"database: {connection.vendor}, Django {django.get_version()}"


def ensure_roles():
    """The Reporter and Editor groups, as the migration makes them.

    Tests that commit (transaction=True) empty the database afterwards, groups included.
    """
    if Group.objects.filter(name__in=["Reporter", "Editor"]).count() != 2:
        importlib.import_module("articles.migrations.0003_roles").create_roles(apps, None)
        live_posts = importlib.import_module("articles.migrations.0024_live_posts")
        live_posts.grant_permissions(apps, None)
        importlib.import_module("articles.migrations.0027_pages").grant_permissions(apps, None)
        importlib.import_module("ingest.migrations.0002_roles").grant_permissions(apps, None)


def staff_member(username, group, name):
    ensure_roles()
    user = User.objects.create_user(
        username, f"{username}@example.com", "secret-pass", is_staff=True, first_name=name
    )
    user.groups.add(Group.objects.get(name=group))
    PersonFactory(name=f"{name} {username.title()}", user=user)
    return user


@pytest.fixture
def reporter(db):
    return staff_member("rita", "Reporter", "Rita")


@pytest.fixture
def other_reporter(db):
    return staff_member("oscar", "Reporter", "Oscar")


@pytest.fixture
def editor(db):
    return staff_member("eddie", "Editor", "Eddie")


@pytest.fixture
def reporter_client(client, reporter):
    client.force_login(reporter)
    return client


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client
