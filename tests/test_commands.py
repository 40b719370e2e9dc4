import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def run_local_admin():
    out = io.StringIO()
    call_command("local_admin", "--url", "http://127.0.0.1:8123/admin/", stdout=out)
    return out.getvalue()


def test_local_admin_creates_a_superuser_once_and_prints_how_to_sign_in(settings, client):
    settings.DEBUG = True

    first = run_local_admin()
    second = run_local_admin()

    users = get_user_model().objects.filter(username="admin")
    assert users.count() == 1
    assert users.get().is_superuser
    editor = get_user_model().objects.get(username="editor")
    assert editor.has_perm("articles.publish_story")
    reporter = get_user_model().objects.get(username="reporter")
    assert reporter.has_perm("articles.add_story")
    assert not reporter.has_perm("articles.publish_story")
    assert reporter.person.name == "Ray Reporter"
    assert "username “reporter”, password “admin”" in first
    assert "http://127.0.0.1:8123/admin/" in first
    assert "username “admin”, password “admin”" in first
    assert first == second
    signed_in = client.post("/admin/login/", {"username": "admin", "password": "admin"})
    assert signed_in.status_code == 302


def test_local_admin_never_prints_or_resets_a_changed_password(settings):
    settings.DEBUG = True
    run_local_admin()
    user = get_user_model().objects.get(username="admin")
    user.set_password("something-else-entirely")
    user.save()

    output = run_local_admin()

    assert "the password you set" in output
    user.refresh_from_db()
    assert user.check_password("something-else-entirely")
