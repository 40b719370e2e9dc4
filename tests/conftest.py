import pytest
from django.contrib.auth.models import Group, User
from django.db import connection

from tests.factories import PersonFactory


def pytest_report_header(config):
    return f"database: {connection.vendor}"


def staff_member(username, group, name):
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
