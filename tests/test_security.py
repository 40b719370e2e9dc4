"""Production hardening, as an operator and an attacker would meet it."""

import logging
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

from newsroom.middleware import OneLineFormatter
from tests.factories import StoryFactory
from tests.pages import policy

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "k3y-for-the-deploy-check-" + "x" * 40,
    "ALLOWED_HOSTS": "news.example.com",
    "CSRF_TRUSTED_ORIGINS": "https://news.example.com",
    "TRUST_X_FORWARDED_PROTO": "1",
}


def run_python(code, **env):
    # Only what production would have: not the browser tests' async override.
    leave_out = {"DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    environment = {k: v for k, v in os.environ.items() if k not in leave_out}
    environment.update(DJANGO_SETTINGS_MODULE="newsroom.settings", **env)
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_check_deploy_reports_no_issues_with_production_settings(tmp_path):
    # As after collectstatic (whether static files were collected has a check of its own).
    (tmp_path / "staticfiles.json").write_text('{"paths": {}, "version": "1.1"}')
    result = run_python(
        "import sys; from django.core.management import execute_from_command_line as run;"
        "run(['manage.py', 'check', '--deploy', '--fail-level', 'WARNING'])",
        **PRODUCTION,
        STATIC_ROOT=str(tmp_path),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_admin_moves_to_the_address_set_by_the_environment():
    code = """
import django
django.setup()
from django.urls import Resolver404, resolve
print(resolve("/backstage/login/").url_name)
try:
    resolve("/admin/login/")
except Resolver404:
    print("gone")
"""
    result = run_python(code, **{**PRODUCTION, "ADMIN_URL": "backstage"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["login", "gone"]


@pytest.mark.django_db
def test_public_pages_allow_only_the_sites_own_scripts_and_styles(client):
    story = StoryFactory()
    # Rendered and then from the page cache: the kept copy keeps its policy.
    for url in ["/", story.get_absolute_url(), "/no/such/page/"]:
        fresh, kept = client.get(url), client.get(url)
        assert kept["X-Page-Cache"] == "hit", url
        for response in (fresh, kept):
            directives = policy(response)
            assert directives["style-src"] == ["'self'"], url
            assert directives["script-src"] == ["'self'"], url
            assert directives["frame-ancestors"] == ["'none'"], url


@pytest.mark.django_db
def test_the_admin_may_style_inline_but_never_run_inline_scripts(admin_client):
    # The sign-in page too: the override follows the address, not the view.
    for response in [admin_client.get("/admin/articles/story/add/"), Client().get("/admin/login/")]:
        assert response.status_code == 200
        directives = policy(response)
        assert directives["style-src"] == ["'self'", "'unsafe-inline'"]
        assert "'unsafe-inline'" not in directives["script-src"]
        assert directives["default-src"] == ["'self'"]


@pytest.mark.django_db
def test_admin_editor_import_map_carries_the_pages_nonce(admin_client):
    response = admin_client.get("/admin/articles/story/add/")
    nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"])[1]
    assert f'<script type="importmap" nonce="{nonce}">' in response.text
    assert "script-src 'self' 'nonce-" in response["Content-Security-Policy"]


@pytest.mark.django_db
def test_admin_sign_in_locks_out_after_five_wrong_passwords(django_user_model):
    django_user_model.objects.create_superuser("chief", "chief@example.com", "right-password")
    browser = Client()
    for _ in range(5):
        response = browser.post("/admin/login/", {"username": "chief", "password": "guess"})
        assert response.status_code in (200, 429)

    response = browser.post("/admin/login/", {"username": "chief", "password": "right-password"})

    assert response.status_code == 429
    assert "Too many sign-in attempts" in response.text
    other = Client(REMOTE_ADDR="10.0.0.9")
    ok = other.post("/admin/login/", {"username": "chief", "password": "right-password"})
    assert ok.status_code == 302


@pytest.mark.django_db
def test_every_response_has_a_request_id(client):
    assert re.fullmatch(r"[0-9a-f]{32}", client.get("/healthz")["X-Request-ID"])
    echoed = client.get("/healthz", headers={"X-Request-ID": "lb-1234"})
    assert echoed["X-Request-ID"] == "lb-1234"
    forged = client.get("/healthz", headers={"X-Request-ID": "bad id\nwith newline"})
    assert forged["X-Request-ID"] != "bad id\nwith newline"


def test_log_lines_stay_on_one_line_even_with_a_traceback():
    try:
        raise ValueError("boom\nsecond line")
    except ValueError:
        record = logging.LogRecord(
            "django.request", logging.ERROR, __file__, 1, "Internal error", None, sys.exc_info()
        )
    record.request_id = "abc123"
    line = OneLineFormatter().format(record)
    assert "\n" not in line
    assert line.startswith("time=")
    assert "level=error logger=django.request request_id=abc123" in line
    assert "ValueError: boom" in line
