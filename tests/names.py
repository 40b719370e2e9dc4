"""Names for what the tests create on the shared servers, unique to this run."""

import contextlib

import dj_database_url
from django.conf import settings


def run_name(what: str) -> str:
    """A database name or key prefix for ``what`` that no other run uses."""
    return f"{what}_{settings.TEST_RUN}"


@contextlib.contextmanager
def postgres_database(what: str, database_url: str):
    """A new, empty PostgreSQL database on the server of ``database_url``, dropped
    afterwards; yields its parsed settings with the new name."""
    import psycopg

    config = dj_database_url.parse(database_url)
    config["NAME"] = run_name(what)
    host, port = config["HOST"] or "127.0.0.1", config["PORT"] or 5432
    user = config["USER"] or "postgres"

    def admin():
        return psycopg.connect(
            host=host,
            port=port,
            user=user,
            password=config["PASSWORD"] or None,
            dbname="postgres",
            autocommit=True,
        )

    with admin() as connection:
        connection.execute(f'CREATE DATABASE "{config["NAME"]}"')
    try:
        config["URL"] = f"postgres://{user}@{host}:{port}/{config['NAME']}"
        yield config
    finally:
        with admin() as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{config["NAME"]}" WITH (FORCE)')
