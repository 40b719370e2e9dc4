"""The header's sections, read with each page's own query.

A query of their own cost every page about 0.4 ms, more in Python than in the
database; as a column of the page's query they come in the same round trip.
"""

import json

from django.db import models
from django.db.models.expressions import RawSQL

from articles.models import Section, json_rows
from articles.paths import NavLink, path_for


def nav_column() -> RawSQL:
    """The sections (name, slug) in the desk's order, as JSON text: a page of
    cards carries it on every row and reads it from the first."""
    rows = json_rows(["x.name", "x.slug"], f"FROM {Section._meta.db_table} x", "x.position, x.name")
    return RawSQL(rows.sql, rows.params, output_field=models.TextField())


def nav_links(value) -> list[NavLink]:
    """The links of a ``nav_column`` value (text, or parsed JSON)."""
    rows = json.loads(value) if isinstance(value, str) else value
    return [NavLink(name, path_for("articles:section", slug=slug)) for name, slug in rows or ()]
