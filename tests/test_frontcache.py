"""Purging the proxy and CDNs: each backend's requests, seen by a local server."""

import datetime
import json
import logging
import socket
import threading
from dataclasses import dataclass
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from xml.etree import ElementTree

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from articles import purge_paths
from articles.models import Story
from articles.purge_paths import paths_for_keys
from newsroom import frontcache
from newsroom.checks import purge_backends_complete
from newsroom.frontcache import PurgeFailed, fit_paths
from newsroom.settings import purge_backends
from tests.factories import (
    BylineFactory,
    CitationFactory,
    CorrectionFactory,
    PersonFactory,
    SectionFactory,
    SourceFactory,
    StoryFactory,
)

TOKEN = "tok-3f9a7c-never-shown"
AWS_SECRET = "aws-secret-never-shown"


@dataclass
class Seen:
    method: str
    path: str
    headers: Message
    body: bytes


class Handler(BaseHTTPRequestHandler):
    def answer(self):
        length = int(self.headers.get("Content-Length") or 0)
        seen = Seen(self.command, self.path, self.headers, self.rfile.read(length))
        self.server.seen.append(seen)
        reply = self.server.answers.pop(0) if self.server.answers else OK
        status, headers, body = reply(seen) if callable(reply) else reply
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_PURGE = answer

    def log_message(self, *args):
        pass


OK = (200, {"Content-Type": "application/json"}, b'{"status": "ok"}')


def answer(status: int, body, content_type="application/json"):
    return (
        status,
        {"Content-Type": content_type},
        body if isinstance(body, bytes) else body.encode(),
    )


class Recorder(ThreadingHTTPServer):
    """A server on a free local port keeping every request it is sent, and
    answering with ``answers`` in turn (then 200 with JSON); an answer may be a
    function of the request."""

    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), Handler)
        self.seen: list[Seen] = []
        self.answers: list[tuple] = []
        self.url = f"http://127.0.0.1:{self.server_address[1]}"


def start_recorder():
    server = Recorder()
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    return server


@pytest.fixture
def server():
    server = start_recorder()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def other_server():
    server = start_recorder()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def silent_url():
    """An address that takes connections and never answers."""
    listener = socket.create_server(("127.0.0.1", 0))
    yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    listener.close()


@pytest.fixture
def refused_url():
    """An address where nothing listens."""
    with socket.create_server(("127.0.0.1", 0)) as probe:
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"


@pytest.fixture
def aws(monkeypatch, tmp_path):
    """Dummy AWS credentials from the environment, and no other source of them."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLETEST")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", AWS_SECRET)
    for name in ("AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_DEFAULT_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")


def varnish(*locations, **options):
    return frontcache.VarnishBackend("varnish", {"LOCATIONS": list(locations), **options})


def fastly(url, **options):
    return frontcache.FastlyBackend(
        "fastly", {"SERVICE_ID": "SVC123", "API_TOKEN": TOKEN, "API_URL": url, **options}
    )


def cloudflare(url, **options):
    return frontcache.CloudflareBackend(
        "cloudflare", {"ZONE_ID": "zone42", "API_TOKEN": TOKEN, "API_URL": url, **options}
    )


def cloudfront(url, **options):
    return frontcache.CloudFrontBackend(
        "cloudfront",
        {"DISTRIBUTION_ID": "E2QWRUHEXAMPLE", "ENDPOINT_URL": url, "MAX_ATTEMPTS": 1, **options},
    )


def keys(n: int) -> list[str]:
    return [f"story-{i}" for i in range(100000, 100000 + n)]


# --- Varnish -------------------------------------------------------------------------


def test_varnish_gets_purge_with_the_keys_in_xkey_purge_at_every_location(server, other_server):
    varnish(server.url, other_server.url + "/").purge(["front", "story-12", "list-tag-3"])

    for recorder in (server, other_server):
        [request] = recorder.seen
        assert (request.method, request.path) == ("PURGE", "/")
        assert request.headers["xkey-purge"] == "front story-12 list-tag-3"


def test_varnish_splits_the_keys_so_that_no_header_passes_4_kb(server):
    sent = keys(1000)
    varnish(server.url).purge(sent)

    headers = [request.headers["xkey-purge"] for request in server.seen]
    assert len(headers) == 4  # 13,000 bytes of keys
    assert all(len(header) <= 4000 for header in headers)
    assert " ".join(headers).split(" ") == sent


@pytest.mark.parametrize("status", [404, 405, 500, 503])
def test_varnish_answering_anything_but_2xx_is_a_failure(server, status):
    server.answers = [answer(status, "<h1>Error</h1>", "text/html")]
    with pytest.raises(PurgeFailed, match=rf"^varnish: .*answered {status}"):
        varnish(server.url).purge(["front"])


def test_varnish_that_is_down_or_silent_is_a_failure_and_the_other_locations_are_purged(
    refused_url, silent_url, server
):
    backend = varnish(refused_url, silent_url, server.url, TIMEOUT=0.2)
    with pytest.raises(PurgeFailed) as failure:
        backend.purge(["front"])

    message = str(failure.value)
    assert message.startswith("varnish: ")
    assert "could not be reached" in message and "timed out" in message
    assert [request.headers["xkey-purge"] for request in server.seen] == ["front"]


def test_varnish_location_credentials_stay_out_of_the_message(refused_url):
    with_password = refused_url.replace("http://", "http://purger:hunter2@")
    with pytest.raises(PurgeFailed) as failure:
        varnish(with_password).purge(["front"])
    assert "hunter2" not in str(failure.value)


def test_a_redirect_is_not_followed_and_is_a_failure(server, other_server):
    server.answers = [(302, {"Location": other_server.url + "/elsewhere"}, b"")]
    with pytest.raises(PurgeFailed, match="answered 302"):
        fastly(server.url).purge(["front"])
    assert other_server.seen == []


# --- Fastly ----------------------------------------------------------------------------


def test_fastly_gets_the_documented_batch_purge_request(server):
    fastly(server.url).purge(["front", "story-12"])

    [request] = server.seen
    assert (request.method, request.path) == ("POST", "/service/SVC123/purge")
    assert request.headers["Fastly-Key"] == TOKEN
    assert request.headers["Surrogate-Key"] == "front story-12"
    assert request.headers["Accept"] == "application/json"
    assert "Fastly-Soft-Purge" not in request.headers


def test_fastly_soft_purge_marks_content_stale(server):
    fastly(server.url, SOFT_PURGE=True).purge(["front"])
    assert server.seen[0].headers["Fastly-Soft-Purge"] == "1"


def test_fastly_gets_at_most_256_keys_a_request(server):
    sent = keys(600)
    fastly(server.url).purge(sent)

    batches = [request.headers["Surrogate-Key"].split(" ") for request in server.seen]
    assert [len(batch) for batch in batches] == [256, 256, 88]
    assert sum(batches, []) == sent


def test_fastly_refusing_the_token_is_a_failure_that_never_shows_it(server):
    server.answers = [answer(401, json.dumps({"msg": f"Provided credentials {TOKEN} invalid"}))]
    with pytest.raises(PurgeFailed) as failure:
        fastly(server.url).purge(["front"])

    message = str(failure.value)
    assert message.startswith("fastly: ") and "401" in message
    assert "credentials" in message and TOKEN not in message


def test_fastly_failing_one_batch_still_sends_the_others(server):
    server.answers = [answer(503, "{}")]
    with pytest.raises(PurgeFailed, match="503"):
        fastly(server.url).purge(keys(300))
    assert len(server.seen) == 2


def test_fastly_timing_out_is_a_failure(silent_url):
    with pytest.raises(PurgeFailed, match="^fastly: .*timed out"):
        fastly(silent_url, TIMEOUT=0.2).purge(["front"])


# --- Cloudflare --------------------------------------------------------------------------

CLOUDFLARE_OK = answer(200, json.dumps({"success": True, "errors": [], "result": {"id": "z"}}))


def test_cloudflare_gets_the_tags_as_json_with_the_bearer_token(server):
    server.answers = [CLOUDFLARE_OK]
    cloudflare(server.url).purge(["front", "story-12"])

    [request] = server.seen
    assert (request.method, request.path) == ("POST", "/client/v4/zones/zone42/purge_cache")
    assert request.headers["Authorization"] == f"Bearer {TOKEN}"
    assert request.headers["Content-Type"] == "application/json"
    assert json.loads(request.body) == {"tags": ["front", "story-12"]}


def test_cloudflare_gets_at_most_100_tags_a_request(server):
    server.answers = [CLOUDFLARE_OK] * 3
    sent = keys(250)
    cloudflare(server.url).purge(sent)

    batches = [json.loads(request.body)["tags"] for request in server.seen]
    assert [len(batch) for batch in batches] == [100, 100, 50]
    assert sum(batches, []) == sent


def test_cloudflare_answering_without_success_is_a_failure_with_its_message(server):
    refusal = {"success": False, "errors": [{"code": 1134, "message": "Too many tags"}]}
    server.answers = [answer(200, json.dumps(refusal))]
    with pytest.raises(PurgeFailed, match=r"^cloudflare: .*1134 Too many tags"):
        cloudflare(server.url).purge(["front"])


def test_cloudflare_refusing_the_token_is_a_failure_that_never_shows_it(server):
    refusal = {"success": False, "errors": [{"code": 10000, "message": f"Bad token {TOKEN}"}]}
    server.answers = [answer(403, json.dumps(refusal))]
    with pytest.raises(PurgeFailed) as failure:
        cloudflare(server.url).purge(["front"])

    message = str(failure.value)
    assert message.startswith("cloudflare: ") and "403" in message and "10000" in message
    assert TOKEN not in message


def test_cloudflare_answering_something_other_than_json_is_a_failure(server):
    server.answers = [answer(200, "<html>maintenance</html>", "text/html")]
    with pytest.raises(PurgeFailed, match="^cloudflare: the answer was not JSON"):
        cloudflare(server.url).purge(["front"])


def test_cloudflare_down_is_a_failure(refused_url):
    with pytest.raises(PurgeFailed, match="^cloudflare: .*could not be reached"):
        cloudflare(refused_url).purge(["front"])


# --- CloudFront ----------------------------------------------------------------------

NS = "{http://cloudfront.amazonaws.com/doc/2020-05-31/}"


def invalidation_created(request):
    """CloudFront's answer to a new invalidation: the batch it was sent, in progress."""
    batch = request.body.decode()
    return (
        201,
        {"Content-Type": "text/xml", "Location": "https://cloudfront.example/invalidation/I1"},
        (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Invalidation xmlns="http://cloudfront.amazonaws.com/doc/2020-05-31/">'
            "<Id>I1</Id><Status>InProgress</Status><CreateTime>2025-01-01T00:00:00Z</CreateTime>"
            f"{batch[batch.index('<InvalidationBatch') :]}</Invalidation>"
        ).encode(),
    )


def sent_batch(request) -> tuple[list[str], int, str]:
    root = ElementTree.fromstring(request.body)
    assert root.tag == f"{NS}InvalidationBatch"
    paths = [item.text for item in root.iter(f"{NS}Path")]
    quantity = int(root.find(f"{NS}Paths/{NS}Quantity").text)
    return paths, quantity, root.find(f"{NS}CallerReference").text


def test_cloudfront_gets_a_signed_invalidation_of_the_keys_paths(server, aws):
    server.answers = [invalidation_created, invalidation_created]
    backend = cloudfront(server.url)
    backend.purge(["front", "feed"])
    backend.purge(["search"])

    first, second = server.seen
    assert first.method == "POST"
    assert first.path == "/2020-05-31/distribution/E2QWRUHEXAMPLE/invalidation"
    assert first.headers["Authorization"].startswith("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLETEST/")
    paths, quantity, reference = sent_batch(first)
    assert paths == ["/", "/?*", "/feed/*"] and quantity == 3
    assert sent_batch(second)[0] == ["/search/*"]
    # Every invalidation is a new one: CloudFront would take a repeated reference
    # for the same request again.
    assert reference and reference != sent_batch(second)[2]


def test_cloudfront_gets_everything_purged_rather_than_more_wildcards_than_it_takes(server, aws):
    server.answers = [invalidation_created]
    cloudfront(server.url, MAX_WILDCARDS=1).purge(["front", "feed"])
    assert sent_batch(server.seen[0])[:2] == (["/*"], 1)


def test_cloudfront_is_not_asked_when_the_keys_name_no_path(server, aws):
    cloudfront(server.url).purge(["not-found"])
    assert server.seen == []


def test_cloudfront_refusing_is_a_failure_with_its_reason_and_no_secret(server, aws):
    server.answers = [
        answer(
            400,
            '<ErrorResponse xmlns="http://cloudfront.amazonaws.com/doc/2020-05-31/"><Error>'
            "<Type>Sender</Type><Code>TooManyInvalidationsInProgress</Code>"
            "<Message>Too many wildcard invalidations in progress.</Message></Error>"
            "<RequestId>r1</RequestId></ErrorResponse>",
            "text/xml",
        )
    ]
    with pytest.raises(PurgeFailed) as failure:
        cloudfront(server.url).purge(["front"])

    message = str(failure.value)
    assert message.startswith("cloudfront: TooManyInvalidationsInProgress: Too many wildcard")
    assert AWS_SECRET not in message


def test_cloudfront_down_is_a_failure(refused_url, aws):
    with pytest.raises(PurgeFailed, match="^cloudfront: .*Could not connect"):
        cloudfront(refused_url).purge(["front"])


def test_paths_under_a_wildcard_of_the_same_invalidation_are_left_out():
    paths = ["/tags/a/*", "/tags/a/", "/tags/a/feed/", "/2025/*", "/2025/06/01/s/*", "/"]
    assert fit_paths(paths, 15, 3000) == ["/", "/2025/*", "/tags/a/*"]
    assert fit_paths([*paths, "/*"], 15, 3000) == ["/*"]


def test_too_many_wildcards_are_gathered_under_their_folder_then_under_everything():
    tags = [f"/tags/t{i}/*" for i in range(5)]
    people = [f"/people/p{i}/*" for i in range(3)]
    paths = ["/", "/feed/*", *tags, *people]

    assert fit_paths(paths, 6, 3000) == ["/", "/feed/*", "/people/p0/*", "/people/p1/*"] + [
        "/people/p2/*",
        "/tags/*",
    ]
    assert fit_paths(paths, 4, 3000) == ["/", "/feed/*", "/people/*", "/tags/*"]
    assert fit_paths(paths, 2, 3000) == ["/*"]


def test_too_many_paths_are_gathered_the_same_way():
    stories = [f"/2025/06/01/story-{i}/" for i in range(10)]
    assert fit_paths(["/", *stories], 15, 5) == ["/", "/2025/*"]


# --- purge() and the settings ------------------------------------------------------------


def test_purge_tries_every_backend_and_names_the_ones_that_failed(server, refused_url, caplog):
    config = {
        "varnish": {"BACKEND": "newsroom.frontcache.VarnishBackend", "LOCATIONS": [refused_url]},
        "fastly": {
            "BACKEND": "newsroom.frontcache.FastlyBackend",
            "SERVICE_ID": "SVC123",
            "API_TOKEN": TOKEN,
            "API_URL": server.url,
        },
    }
    with (
        override_settings(PURGE_BACKENDS=config),
        caplog.at_level(logging.WARNING, "newsroom.frontcache"),
        pytest.raises(PurgeFailed) as failure,
    ):
        frontcache.purge(["story-2", "front", "story-2", "", "has space"])

    assert str(failure.value).startswith("varnish: ") and "fastly" not in str(failure.value)
    [request] = server.seen
    assert request.headers["Surrogate-Key"] == "front story-2"
    assert any("varnish" in record.getMessage() for record in caplog.records)
    assert all(TOKEN not in record.getMessage() for record in caplog.records)


def test_purge_does_nothing_without_keys_or_backends(server):
    config = {"v": {"BACKEND": "newsroom.frontcache.VarnishBackend", "LOCATIONS": [server.url]}}
    with override_settings(PURGE_BACKENDS=config):
        assert frontcache.configured()
        frontcache.purge([])
    with override_settings(PURGE_BACKENDS={}):
        assert not frontcache.configured() and frontcache.backends() == []
        frontcache.purge(["front"])
    assert server.seen == []


def test_backends_follow_the_setting(server, other_server):
    def config(url):
        return {"varnish": {"BACKEND": "newsroom.frontcache.VarnishBackend", "LOCATIONS": [url]}}

    with override_settings(PURGE_BACKENDS=config(server.url)):
        frontcache.purge(["front"])
        assert frontcache.backends() is frontcache.backends()
    with override_settings(PURGE_BACKENDS=config(other_server.url)):
        frontcache.purge(["feed"])
    assert [r.headers["xkey-purge"] for r in (*server.seen, *other_server.seen)] == [
        "front",
        "feed",
    ]


def test_the_environment_configures_only_the_backends_whose_variables_are_set():
    assert purge_backends({}) == {}
    assert purge_backends({"FASTLY_SOFT_PURGE": "1", "PURGE_VARNISH_URLS": " , "}) == {}
    config = purge_backends(
        {
            "PURGE_VARNISH_URLS": "http://proxy:6091, http://proxy2:6091",
            "FASTLY_SERVICE_ID": "svc",
            "FASTLY_API_TOKEN": "tok",
            "FASTLY_SOFT_PURGE": "yes",
            "CLOUDFLARE_ZONE_ID": "zone",
            "CLOUDFLARE_API_TOKEN": "cftok",
            "CLOUDFRONT_DISTRIBUTION_ID": "E123",
        }
    )
    assert config["varnish"]["LOCATIONS"] == ["http://proxy:6091", "http://proxy2:6091"]
    assert config["fastly"] == {
        "BACKEND": "newsroom.frontcache.FastlyBackend",
        "SERVICE_ID": "svc",
        "API_TOKEN": "tok",
        "SOFT_PURGE": True,
    }
    assert config["cloudflare"]["ZONE_ID"] == "zone"
    assert config["cloudflare"]["API_TOKEN"] == "cftok"
    assert config["cloudfront"]["DISTRIBUTION_ID"] == "E123"
    with override_settings(PURGE_BACKENDS=config):
        assert purge_backends_complete(None) == []
        assert [backend.name for backend in frontcache.backends()] == [
            "varnish",
            "fastly",
            "cloudflare",
            "cloudfront",
        ]


@pytest.mark.parametrize(
    ("environ", "missing", "variables"),
    [
        ({"FASTLY_SERVICE_ID": "svc"}, "API_TOKEN", "FASTLY_SERVICE_ID and FASTLY_API_TOKEN"),
        ({"FASTLY_API_TOKEN": "tok"}, "SERVICE_ID", "FASTLY_SERVICE_ID and FASTLY_API_TOKEN"),
        ({"CLOUDFLARE_ZONE_ID": "z"}, "API_TOKEN", "CLOUDFLARE_ZONE_ID and CLOUDFLARE_API_TOKEN"),
    ],
)
def test_a_half_configured_backend_stops_the_site_from_starting(environ, missing, variables):
    with override_settings(PURGE_BACKENDS=purge_backends(environ)):
        [error] = purge_backends_complete(None)

    assert error.id == "newsroom.E002" and error.is_serious()
    assert f"has no {missing}" in error.msg
    assert variables in error.hint
    assert "tok" not in error.msg + error.hint


def test_a_varnish_address_that_is_not_http_stops_the_site_from_starting():
    with override_settings(PURGE_BACKENDS=purge_backends({"PURGE_VARNISH_URLS": "proxy:6091"})):
        [error] = purge_backends_complete(None)
    assert "not an http:// or https:// address" in error.msg


# --- CloudFront's paths for keys ------------------------------------------------------------


@pytest.fixture
def everywhere(db):
    """A published story with a section, a tag, an author, a subject, a source and a
    correction, whose address changed once."""
    story = StoryFactory(
        slug="talks-first",
        published_at=timezone.make_aware(datetime.datetime(2024, 3, 5, 12)),
        section=SectionFactory(name="Politics", slug="politics"),
    )
    story.slug = "talks"
    story.save()
    BylineFactory(story=story, person=PersonFactory(slug="ann-writer"))
    story.people.add(PersonFactory(slug="vladimir-putin"))
    CitationFactory(story=story, source=SourceFactory(slug="kremlin"))
    story.tags.add("Київ")
    CorrectionFactory(story=story)
    return story


def test_a_story_key_names_every_page_that_shows_the_story(everywhere):
    kyiv = reverse("articles:tag", kwargs={"slug": everywhere.tags.get().slug})
    assert kyiv == "/tags/%D0%BA%D0%B8%D1%97%D0%B2/"

    assert paths_for_keys([f"story-{everywhere.pk}"]) == sorted(
        [
            "/2024/03/05/talks/*",
            "/2024/03/05/talks-first/*",
            "/2024/*",
            "/",
            "/?*",
            "/feed/*",
            "/search/*",
            "/sitemap*",
            "/news-sitemap.xml",
            "/corrections/*",
            "/sections/politics/*",
            f"{kyiv}*",
            "/people/ann-writer/*",
            "/people/vladimir-putin/*",
            "/sources/kremlin/*",
        ]
    )


def test_a_withdrawn_or_unpublished_story_still_purges_where_it_was(everywhere):
    Story.objects.filter(pk=everywhere.pk).update(status=Story.Status.WITHDRAWN)
    assert "/2024/03/05/talks/*" in paths_for_keys([f"story-{everywhere.pk}"])
    Story.objects.filter(pk=everywhere.pk).update(status=Story.Status.DRAFT)
    assert "/tags/%D0%BA%D0%B8%D1%97%D0%B2/*" in paths_for_keys([f"story-{everywhere.pk}"])


def test_a_story_never_published_has_no_paths_and_a_deleted_one_purges_everything(db):
    draft = StoryFactory(draft=True)
    assert paths_for_keys([f"story-{draft.pk}"]) == []
    assert paths_for_keys(["story-987654"]) == ["/*"]


def test_stories_naming_a_story_as_related_are_purged_with_it(everywhere):
    older = StoryFactory(slug="background", published_at=everywhere.published_at.replace(2019))
    older.related.add(everywhere)
    paths = paths_for_keys([f"story-{everywhere.pk}"])
    assert "/2019/03/05/background/*" in paths


def test_a_story_among_others_purges_the_years_whose_pages_may_suggest_it(db, monkeypatch):
    monkeypatch.setattr(purge_paths, "NEIGHBOURS", 2)
    moments = [datetime.datetime(year, 6, 1, 12, tzinfo=datetime.UTC) for year in range(2018, 2025)]
    stories = [StoryFactory(published_at=moment) for moment in moments]
    paths = paths_for_keys([f"story-{stories[3].pk}"])
    years = [path for path in paths if path.startswith("/20") and len(path) == len("/2021/*")]
    assert years == ["/2019/*", "/2020/*", "/2021/*", "/2022/*", "/2023/*"]


def test_a_listing_key_names_its_pages_or_all_of_its_kind_once_it_is_gone(everywhere):
    tag = everywhere.tags.get()
    section = everywhere.section
    assert paths_for_keys([f"list-tag-{tag.pk}"]) == ["/tags/%D0%BA%D0%B8%D1%97%D0%B2/*"]
    assert paths_for_keys([f"list-section-{section.pk}"]) == ["/sections/politics/*"]
    assert paths_for_keys(["list-person-987654", "list-source-987654"]) == [
        "/people/*",
        "/sources/*",
    ]


def test_the_site_wide_keys_name_their_addresses(db):
    assert paths_for_keys(["front"]) == ["/", "/?*"]
    assert paths_for_keys(["feed", "search", "corrections"]) == [
        "/corrections/*",
        "/feed/*",
        "/search/*",
    ]
    assert paths_for_keys(["sitemap"]) == ["/news-sitemap.xml", "/sitemap*"]
    assert paths_for_keys(["not-found"]) == []
    assert paths_for_keys(["all", "front"]) == ["/*"]
    assert paths_for_keys(["section-1"]) == ["/*"]
    assert paths_for_keys(["some-future-key"]) == ["/*"]


def test_the_archive_key_names_every_year_by_its_first_digit(db):
    assert paths_for_keys(["archive"]) == ["/2*"]
    StoryFactory(published_at=timezone.make_aware(datetime.datetime(1998, 1, 1)))
    assert paths_for_keys(["archive"]) == ["/1*", "/2*"]


def test_a_person_key_names_the_people_pages_and_the_stories_showing_them(everywhere, monkeypatch):
    author = everywhere.bylines.get().person
    paths = paths_for_keys([f"person-{author.pk}"])
    assert "/people/*" in paths and "/2024/03/05/talks/*" in paths and "/" in paths

    monkeypatch.setattr(purge_paths, "MAX_STORIES", 1)
    BylineFactory(person=author)
    assert paths_for_keys([f"person-{author.pk}"]) == ["/*"]


def test_a_tag_shown_by_no_public_story_names_only_the_tag_pages(db):
    draft = StoryFactory(draft=True)
    draft.tags.add("Embargoed")
    assert paths_for_keys([f"tag-{draft.tags.get().pk}"]) == ["/tags/*"]
