"""The API fuzzed from its own OpenAPI schema (schemathesis): for every operation,
generated parameters never give a 5xx, and each answer matches the schema (its
status, content type and document).

FUZZ_EXAMPLES in the environment runs more examples than the suite's quick default.
"""

import os
import tempfile
from pathlib import Path

import pytest
import schemathesis
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from articles.models import Source, StoryRedirect
from newsroom.wsgi import application
from tests.api import picture_with_renditions
from tests.factories import CitationFactory, SourceFactory, StoryFactory, story_with_everything

os.environ.setdefault(
    "HYPOTHESIS_STORAGE_DIRECTORY", str(Path(tempfile.gettempdir()) / "newsroom-hypothesis")
)


@schemathesis.check
def no_server_error(ctx, response, case):
    """No 5xx, but the 501 oEmbed gives for a format other than JSON, as its
    specification says (and the schema documents)."""
    if case.operation.path == "/api/oembed" and response.status_code == 501:
        return None
    return not_a_server_error(ctx, response, case)


CHECKS = [
    no_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


# The schema as the app serves it (it reads no database).
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


@pytest.fixture(autouse=True)
def one_connection():
    """Requests reach the app as WSGI calls, whose end closes the database
    connection: it holds the test's transaction. Django's test client does the same."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture(autouse=True)
def stories(db, settings, one_connection):
    """Stories for the operations to find (ids 1 to 3 are among those generated first)."""
    # Fuzzing sends hundreds of requests a minute.
    settings.API_ANON_RATE = "100000/min"
    cache.clear()
    story = story_with_everything()
    story.lead_image = picture_with_renditions()
    story.save()
    CitationFactory(story=story, source=SourceFactory(kind=Source.Kind.ANONYMOUS))
    StoryFactory(withdrawn=True)
    StoryFactory(draft=True)
    StoryRedirect.objects.create(old_path="/2020/01/01/old/", story=story)


@schema.parametrize()
@hypothesis_settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "40")),
    deadline=None,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_no_operation_errs_or_strays_from_its_schema(case):
    # The WSGI client does not unzip what the app compresses.
    case.call_and_validate(headers={"Accept-Encoding": "identity"}, checks=CHECKS)
