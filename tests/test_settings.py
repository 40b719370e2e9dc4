import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def manage(*args, **env):
    environment = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}
    environment.pop("DJANGO_SETTINGS_MODULE", None)
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = manage("check", DEBUG="0")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_development_runs_without_a_secret_key():
    result = manage("check", DEBUG="1")
    assert result.returncode == 0, result.stderr


def test_local_admin_refuses_to_run_in_production():
    result = manage("local_admin", DEBUG="0", SECRET_KEY="x" * 50)
    assert result.returncode != 0
    assert "runs only with DEBUG=1" in result.stderr


def test_management_commands_work_in_a_checkout_with_nothing_configured():
    result = manage("makemigrations", "--check", "--dry-run")
    assert result.returncode == 0, result.stderr
    assert "No changes detected" in result.stdout


def test_management_commands_with_a_secret_key_keep_debug_off():
    result = manage("local_admin", SECRET_KEY="x" * 50)
    assert result.returncode != 0
    assert "runs only with DEBUG=1" in result.stderr


def database_options(**env) -> str:
    code = "from django.db import connection; print(connection.settings_dict['OPTIONS'])"
    result = manage(
        "shell", "-c", code, DEBUG="1", DATABASE_URL="postgres://u@db.invalid/newsroom", **env
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_postgresql_uses_prepared_statements_unless_turned_off_for_a_pooler():
    assert "'server_side_binding': True" in database_options()
    assert "'prepare_threshold': 5" in database_options()
    assert "server_side_binding" not in database_options(DATABASE_PREPARED_STATEMENTS="0")


def test_the_articles_app_runs_its_own_configuration():
    # Its ready() connects the triggers' migrate hooks and the jobs' signals.
    from django.apps import apps

    from articles.apps import ArticlesConfig

    assert type(apps.get_app_config("articles")) is ArticlesConfig
    assert apps.get_app_config("taggit").verbose_name == "Tags"
