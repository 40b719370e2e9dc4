"""Partners' API keys: made in the admin, shown once, kept hashed, revocable, rate-limited."""

import datetime
import hashlib
import re

import pytest
import time_machine
from django.contrib.auth.models import User
from django.core.cache import cache
from django.test import override_settings
from django.utils import timezone

from syndication.models import ApiKey
from tests.api import bearer, ids, partner_key
from tests.factories import StoryFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()


@pytest.fixture
def admin_client(client):
    client.force_login(User.objects.create_superuser("root", "root@example.com", "secret-pass"))
    return client


def test_a_key_made_in_the_admin_is_shown_once_and_kept_only_as_its_digest(admin_client):
    response = admin_client.post(
        "/admin/syndication/apikey/add/",
        {"name": "Acme News app", "contact": "dev@acme.example", "requests_per_minute": 60},
        follow=True,
    )

    [secret] = re.findall(r"nrk_[A-Za-z0-9_-]{40,}", response.text)
    key = ApiKey.objects.get()
    assert key.digest == hashlib.sha256(secret.encode()).hexdigest()
    assert key.prefix == secret[:12]
    assert not ApiKey.objects.filter(digest__contains=secret[4:]).exists()
    # Never again: not on the key's page, not in the list.
    assert secret not in admin_client.get(f"/admin/syndication/apikey/{key.pk}/change/").text
    assert secret not in admin_client.get("/admin/syndication/apikey/").text
    assert admin_client.get("/api/v1/stories/", **bearer(secret)).status_code == 200


def test_a_key_revoked_in_the_admin_is_refused_with_401(admin_client, client):
    key, secret = partner_key()
    admin_client.post(
        "/admin/syndication/apikey/",
        {"action": "revoke", "_selected_action": [key.pk]},
    )
    admin_client.logout()

    response = client.get("/api/v1/stories/", **bearer(secret))

    assert response.status_code == 401
    assert response.json() == {"detail": "This API key has been revoked."}
    key.refresh_from_db()
    assert key.revoked_at is not None


@pytest.mark.parametrize(
    "headers, message",
    [
        ({"HTTP_AUTHORIZATION": "Bearer nrk_wrong"}, "This API key is not valid."),
        ({"HTTP_X_API_KEY": "nrk_wrong"}, "This API key is not valid."),
        ({"HTTP_AUTHORIZATION": "Basic dXNlcjpwYXNz"}, "Send the key as"),
    ],
)
def test_an_invalid_key_is_401_with_a_json_message(client, headers, message):
    response = client.get("/api/v1/stories/", **headers)

    assert response.status_code == 401
    assert message in response.json()["detail"]
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert "no-store" in response["Cache-Control"]


def test_a_key_is_taken_from_either_header_and_its_use_is_stamped(client):
    key, secret = partner_key()

    assert client.get("/api/v1/stories/", **bearer(secret)).status_code == 200
    assert client.get("/api/v1/stories/", HTTP_X_API_KEY=secret).status_code == 200
    key.refresh_from_db()
    assert key.last_used_at is not None


def test_keyed_answers_are_private_and_name_no_surrogate_keys(client):
    _, secret = partner_key()
    story = StoryFactory()

    response = client.get(f"/api/v1/stories/{story.pk}/", **bearer(secret))

    assert response["Cache-Control"] == "private, no-cache"
    assert "Surrogate-Key" not in response
    again = client.get(
        f"/api/v1/stories/{story.pk}/", HTTP_IF_NONE_MATCH=response["ETag"], **bearer(secret)
    )
    assert again.status_code == 304


def test_a_key_with_the_embargo_right_sees_scheduled_stories_and_nothing_else_unpublished(client):
    _, secret = partner_key(can_read_embargoed=True)
    public = StoryFactory()
    scheduled = StoryFactory(scheduled=True)
    StoryFactory(draft=True)
    StoryFactory(in_review=True)
    StoryFactory(withdrawn=True)

    listed = client.get("/api/v1/stories/", **bearer(secret))
    detail = client.get(f"/api/v1/stories/{scheduled.pk}/", **bearer(secret)).json()

    assert ids(listed) == [scheduled.pk, public.pk]
    assert detail["embargoed"] is not None
    assert datetime.datetime.fromisoformat(detail["embargoed"]) == scheduled.published_at
    assert listed.json()["results"][1]["embargoed"] is None


def test_a_key_without_the_embargo_right_sees_what_readers_see(client):
    _, secret = partner_key()
    public = StoryFactory()
    scheduled = StoryFactory(scheduled=True)

    assert ids(client.get("/api/v1/stories/", **bearer(secret))) == [public.pk]
    assert client.get(f"/api/v1/stories/{scheduled.pk}/", **bearer(secret)).status_code == 404


def test_an_embargoed_story_reaches_partners_without_the_right_at_its_moment(client):
    _, secret = partner_key()
    scheduled = StoryFactory(scheduled=True)

    with time_machine.travel(scheduled.published_at + datetime.timedelta(seconds=1)):
        response = client.get(f"/api/v1/stories/{scheduled.pk}/", **bearer(secret))

    assert response.status_code == 200
    assert response.json()["embargoed"] is None


@override_settings(API_ANON_RATE="3/min")
def test_anonymous_callers_over_the_rate_are_refused_with_429_and_retry_after(client):
    for _ in range(3):
        assert client.get("/api/v1/sections/").status_code == 200

    refused = client.get("/api/v1/sections/")

    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert "throttled" in refused.json()["detail"].lower()
    assert "no-store" in refused["Cache-Control"]
    # Another address has its own count.
    assert client.get("/api/v1/sections/", REMOTE_ADDR="10.0.0.9").status_code == 200


def test_each_key_has_its_own_rate(client):
    slow, slow_secret = partner_key(name="Slow", requests_per_minute=2)
    _, fast_secret = partner_key(name="Fast", requests_per_minute=100)

    codes = [client.get("/api/v1/sections/", **bearer(slow_secret)).status_code for _ in range(3)]

    assert codes == [200, 200, 429]
    assert client.get("/api/v1/sections/", **bearer(fast_secret)).status_code == 200


@pytest.mark.django_db(databases=["default", "replica"])
def test_a_key_revoked_on_the_primary_is_refused_while_a_replica_still_has_it(client, settings):
    settings.REPLICA_READS = True
    key, secret = partner_key()
    # The replica trails: it still has the key as it was before it was revoked.
    ApiKey.objects.using("replica").create(
        name=key.name, prefix=key.prefix, digest=key.digest, requests_per_minute=600
    )
    ApiKey.objects.filter(pk=key.pk).update(revoked_at=timezone.now())

    response = client.get("/api/v1/sections/", **bearer(secret))

    assert response.status_code == 401
