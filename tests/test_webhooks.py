"""Signed webhooks: what partners are sent, when, how it is signed, retried and refused."""

import datetime
import json
import socket
import ssl
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import time_machine
from django.contrib.auth.models import User
from django.core import mail
from django.db import connection, connections, transaction
from django.utils import timezone
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from articles.models import Story
from articles.workflow import story_transition
from tests.factories import CorrectionFactory, LivePostFactory, StoryFactory
from tests.forms import edit
from tests.test_workflow import confirm
from webhooks import outbound
from webhooks.delivery import delivery_take, events_prune
from webhooks.models import Delivery, Endpoint, Event
from webhooks.tasks import sweep

pytestmark = pytest.mark.django_db

# A self-signed certificate for partner.example, made for these tests only.
TLS = Path(__file__).parent / "webhooks_tls"
ALL_EVENTS = [
    "story.published",
    "story.updated",
    "story.corrected",
    "story.withdrawn",
    "story.canceled",
    "live_post.added",
]


class Receiver:
    """A partner's endpoint on this machine: records what it is sent, answers ``codes``
    in turn (then the last one for ever)."""

    def __init__(self, tls: bool = False):
        self.requests = []
        self.codes = [204]
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers["Content-Length"])
                body = self.rfile.read(length)
                receiver.requests.append({"headers": dict(self.headers), "body": body})
                code = receiver.codes.pop(0) if len(receiver.codes) > 1 else receiver.codes[0]
                self.send_response(code)
                if code in {301, 302, 307}:
                    self.send_header("Location", "http://169.254.169.254/latest/meta-data/")
                answer = b"refused: " + b"x" * 5000 if code >= 400 else b"ok"
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{port}/hooks/newsroom"
        if tls:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(TLS / "partner.pem", TLS / "partner.key")
            self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
            self.url = f"https://partner.example:{port}/hooks/newsroom"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()

    def verified(self, secret: str, index: int = -1) -> dict:
        """The ``index``-th request, verified by the reference library as a partner would."""
        request = self.requests[index]
        return Webhook(secret).verify(request["body"], request["headers"])


@pytest.fixture
def allow_private(settings):
    settings.WEBHOOK_ALLOW_PRIVATE = True


@pytest.fixture
def receiver(allow_private):
    receiver = Receiver()
    yield receiver
    receiver.close()


@pytest.fixture
def told(django_capture_on_commit_callbacks):
    """Run ``action`` as a change that commits: deliveries go out as they would."""

    def run(action, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return action(*args, **kwargs)

    return run


def endpoint_for(receiver, events=None, **kwargs) -> Endpoint:
    return Endpoint.objects.create(
        name="Wire partner", url=receiver.url, events=events or ALL_EVENTS, **kwargs
    )


def sent_types(receiver) -> list[str]:
    return [json.loads(request["body"])["type"] for request in receiver.requests]


def sweep_at(moment):
    with time_machine.travel(moment, tick=False):
        sweep()


# Signed deliveries


def test_a_published_story_reaches_the_partner_signed_as_standard_webhooks_says(
    receiver, told, editor
):
    endpoint = endpoint_for(receiver, events=["story.published"])
    story = StoryFactory(draft=True, headline="Ceasefire agreed")

    told(story_transition, story=story, user=editor, name="publish")

    assert len(receiver.requests) == 1
    payload = receiver.verified(endpoint.secret)
    assert payload["type"] == "story.published"
    assert payload["data"]["uri"] == story.uri
    assert payload["data"]["type"] == "text"
    assert datetime.datetime.fromisoformat(payload["timestamp"]).tzinfo is not None
    headers = receiver.requests[0]["headers"]
    assert headers["Content-Type"] == "application/json"
    assert headers["webhook-id"].startswith("msg_")
    assert headers["webhook-signature"].startswith("v1,")
    delivery = Delivery.objects.get()
    assert delivery.status == Delivery.Status.DELIVERED
    assert delivery.last_status_code == 204
    assert delivery.attempts == 1
    assert headers["webhook-id"] == delivery.message_id


def test_secrets_are_whsec_and_base64_of_at_least_24_random_bytes(receiver):
    import base64

    first, second = endpoint_for(receiver), endpoint_for(receiver)
    for endpoint in (first, second):
        assert endpoint.secret.startswith("whsec_")
        assert 24 <= len(base64.b64decode(endpoint.secret.removeprefix("whsec_"))) <= 32
    assert first.secret != second.secret


def test_a_partner_with_the_wrong_secret_cannot_verify_a_delivery(receiver, told):
    endpoint_for(receiver)
    other = endpoint_for(receiver, events=["live_post.added"])
    told(StoryFactory)

    with pytest.raises(WebhookVerificationError):
        receiver.verified(other.secret)


# Which change sends which event


def test_drafts_and_stories_in_review_send_nothing(receiver, told):
    endpoint_for(receiver)
    story = told(StoryFactory, draft=True)
    story.headline = "Still on the desk"
    told(story.save)
    told(StoryFactory, in_review=True)
    told(CorrectionFactory, story=story)

    assert receiver.requests == []
    assert not Delivery.objects.exists()


def test_a_scheduled_story_is_told_once_when_its_moment_comes_without_a_save(receiver, told):
    endpoint_for(receiver)
    moment = timezone.now() + datetime.timedelta(hours=2)
    story = told(StoryFactory, published_at=moment)
    assert receiver.requests == []

    told(sweep_at, moment - datetime.timedelta(minutes=1))
    assert receiver.requests == []
    told(sweep_at, moment + datetime.timedelta(seconds=3))
    told(sweep_at, moment + datetime.timedelta(seconds=8))

    assert sent_types(receiver) == ["story.published"]
    assert json.loads(receiver.requests[0]["body"])["data"]["uri"] == story.uri


def test_publishing_now_is_told_once_though_the_sweep_comes_by(receiver, told, editor):
    endpoint_for(receiver)
    story = StoryFactory(draft=True)

    told(story_transition, story=story, user=editor, name="publish")
    told(sweep)

    assert sent_types(receiver) == ["story.published"]


def test_a_public_story_saved_is_updated_and_a_correction_is_corrected_once_each(receiver, told):
    endpoint_for(receiver)
    story = told(StoryFactory)
    receiver.requests.clear()

    story = Story.objects.get(pk=story.pk)
    story.dek = "A new standfirst."
    told(story.save)
    told(CorrectionFactory, story=story)

    assert sent_types(receiver) == ["story.updated", "story.corrected"]


def test_a_correction_saved_with_its_story_is_told_as_a_correction_only(receiver, told):
    endpoint_for(receiver)
    story = told(StoryFactory)
    receiver.requests.clear()

    def save_with_correction():
        # As the admin's form does: the story, then its inlines, in one transaction.
        with transaction.atomic():
            loaded = Story.objects.get(pk=story.pk)
            loaded.save()
            CorrectionFactory(story=loaded)

    told(save_with_correction)

    assert sent_types(receiver) == ["story.corrected"]


def test_through_the_story_form_each_change_is_told_once_and_a_save_of_nothing_not_at_all(
    receiver, told, editor_client
):
    endpoint_for(receiver)
    story = StoryFactory(headline="Talks begin")

    told(edit, editor_client, story, headline="Talks begin in Riyadh")
    told(edit, editor_client, story)  # "Nothing had changed, so nothing was saved."
    told(
        edit,
        editor_client,
        story,
        **{"corrections-TOTAL_FORMS": "1", "corrections-0-text": "The talks are in Riyadh."},
    )
    told(confirm, editor_client, story, "withdraw", reason="It named a protected source.")

    assert sent_types(receiver) == ["story.updated", "story.corrected", "story.withdrawn"]


def test_withdrawing_a_story_tells_partners_and_its_republication_is_published_again(
    receiver, told, editor
):
    endpoint_for(receiver)
    story = told(StoryFactory)
    receiver.requests.clear()

    told(story_transition, story=story, user=editor, name="withdraw", reason="Legal advice.")
    story.refresh_from_db()
    told(story.save)  # a withdrawn story's edits are nobody's business
    told(story_transition, story=story, user=editor, name="publish")

    assert sent_types(receiver) == ["story.withdrawn", "story.published"]


def test_a_public_story_sent_back_to_draft_or_deleted_is_canceled(receiver, told, editor):
    endpoint_for(receiver)
    story, other = told(StoryFactory), told(StoryFactory)
    receiver.requests.clear()

    told(story_transition, story=story, user=editor, name="unpublish")
    uri = other.uri
    told(other.delete)

    assert sent_types(receiver) == ["story.canceled", "story.canceled"]
    assert json.loads(receiver.requests[1]["body"])["data"]["uri"] == uri


def test_a_scheduled_story_pulled_back_before_its_moment_is_canceled_and_told_when_out(
    receiver, told, editor
):
    endpoint_for(receiver)
    story = told(StoryFactory, scheduled=True)
    later = told(StoryFactory, scheduled=True)
    assert receiver.requests == []

    told(story_transition, story=story, user=editor, name="unpublish")
    told(later.delete)
    story.refresh_from_db()
    told(story_transition, story=story, user=editor, name="publish")

    assert sent_types(receiver) == ["story.canceled", "story.canceled", "story.published"]


def test_a_live_post_on_a_public_story_is_sent_with_the_story_s_uri_and_url(receiver, told):
    endpoint = endpoint_for(receiver, events=["live_post.added"])
    post = told(LivePostFactory, headline="Talks resume", key_event=True)
    draft = StoryFactory(draft=True, live_from=timezone.now())
    told(LivePostFactory, story=draft)

    assert len(receiver.requests) == 1
    payload = receiver.verified(endpoint.secret)
    assert payload["type"] == "live_post.added"
    data = payload["data"]
    assert data["id"] == post.pk
    assert data["headline"] == "Talks resume"
    assert data["key_event"] is True and data["pinned"] is False
    assert "Update number" in data["body_html"]
    assert data["story"]["uri"] == post.story.uri
    assert data["story"]["url"].endswith(post.story.get_absolute_url())
    assert data["url"].endswith(f"#post-{post.pk}")


def test_partners_get_only_the_events_they_chose(receiver, told):
    endpoint_for(receiver, events=["story.withdrawn"])
    story = told(StoryFactory)
    told(story.save)
    told(CorrectionFactory, story=story)

    assert receiver.requests == []


# Retries, giving up, pausing


def test_a_failed_delivery_is_retried_with_growing_waits_and_the_same_webhook_id(
    receiver, told, settings
):
    endpoint = endpoint_for(receiver)
    receiver.codes = [500, 503, 502, 200]
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        told(StoryFactory)
    delivery = Delivery.objects.get()
    waits = []
    for _ in range(10):
        if delivery.status == Delivery.Status.DELIVERED:
            break
        assert delivery.status == Delivery.Status.FAILING
        waits.append(delivery.next_attempt_at - delivery.last_attempt_at)
        sent = len(receiver.requests)
        told(sweep_at, delivery.next_attempt_at - datetime.timedelta(seconds=1))
        assert len(receiver.requests) == sent  # not before its time
        told(sweep_at, delivery.next_attempt_at)
        delivery.refresh_from_db()

    assert delivery.attempts == 4 and len(receiver.requests) == 4
    assert len({r["headers"]["webhook-id"] for r in receiver.requests}) == 1
    assert len({r["headers"]["webhook-timestamp"] for r in receiver.requests}) == 4
    assert datetime.timedelta(seconds=24) <= waits[0] <= datetime.timedelta(seconds=36)
    assert waits[0] < waits[1] < waits[2]
    assert len({r["body"] for r in receiver.requests}) == 1
    with time_machine.travel(delivery.last_attempt_at, tick=False):
        assert receiver.verified(endpoint.secret)["type"] == "story.published"


def test_a_delivery_is_given_up_after_24_hours_of_failures(receiver, told, settings):
    settings.WEBHOOK_PAUSE_AFTER_FAILURES = 1000
    endpoint_for(receiver)
    receiver.codes = [500]
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        told(StoryFactory)
    delivery = Delivery.objects.get()
    for _ in range(100):  # about twenty within the day
        if delivery.status != Delivery.Status.FAILING:
            break
        told(sweep_at, delivery.next_attempt_at)
        delivery.refresh_from_db()

    assert delivery.status == Delivery.Status.GIVEN_UP
    assert delivery.last_attempt_at - start <= datetime.timedelta(hours=24)
    assert delivery.last_attempt_at - start >= datetime.timedelta(hours=20)
    assert delivery.last_status_code == 500
    assert delivery.last_response.startswith("refused: xxx")
    assert len(delivery.last_response) <= 200
    attempts = len(receiver.requests)
    told(sweep_at, start + datetime.timedelta(hours=30))
    assert len(receiver.requests) == attempts == delivery.attempts


def test_an_endpoint_failing_for_hours_is_paused_with_its_reason_and_resumed_with_what_waited(
    receiver, told, client
):
    admin = User.objects.create_superuser("ops", "ops@example.com", "pass")
    endpoint = endpoint_for(receiver)
    receiver.codes = [500]
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        story = told(StoryFactory)
    delivery = Delivery.objects.get()
    for _ in range(30):
        if Endpoint.objects.get().status != Endpoint.Status.ACTIVE:
            break
        told(sweep_at, delivery.next_attempt_at)
        delivery.refresh_from_db()
        assert delivery.status == Delivery.Status.FAILING

    endpoint.refresh_from_db()
    # Ten failures in a row came within fewer hours: the next one, six hours on, pauses it.
    failures = endpoint.consecutive_failures
    assert failures > 10 and failures == delivery.attempts
    assert delivery.last_attempt_at - start >= datetime.timedelta(hours=6)
    assert f"Paused automatically: {failures} attempts in a row failed" in endpoint.paused_reason
    assert [message.to for message in mail.outbox] == [["ops@example.com"]]
    assert "Wire partner" in mail.outbox[0].subject
    # Paused: nothing is sent, new events wait with the rest.
    attempts = len(receiver.requests)
    later = delivery.last_attempt_at + datetime.timedelta(hours=1)
    with time_machine.travel(later, tick=False):
        told(CorrectionFactory, story=story)
    told(sweep_at, later + datetime.timedelta(hours=3))
    assert len(receiver.requests) == attempts
    client.force_login(admin)
    page = client.get("/admin/webhooks/endpoint/")
    assert "Paused automatically" in page.text

    receiver.codes = [200]
    resumed = later + datetime.timedelta(days=2)
    with time_machine.travel(resumed, tick=False):
        response = told(
            client.post,
            "/admin/webhooks/endpoint/",
            {"action": "resume", "_selected_action": [endpoint.pk]},
        )
    assert response.status_code == 302
    assert sorted(sent_types(receiver)[attempts:]) == ["story.corrected", "story.published"]
    assert set(Delivery.objects.values_list("status", flat=True)) == {"delivered"}
    endpoint.refresh_from_db()
    assert endpoint.status == "active" and endpoint.paused_reason == ""


def test_the_scheduler_sweeps_for_due_deliveries_and_prunes_the_log(settings):
    from newsroom.celery import app

    schedule = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {"webhooks.tasks.sweep", "webhooks.tasks.prune"} <= schedule
    assert {"webhooks.tasks.sweep", "webhooks.tasks.prune"} <= set(app.tasks)


def test_a_delivery_whose_job_was_lost_is_sent_by_the_sweep(receiver, told):
    endpoint = endpoint_for(receiver)
    StoryFactory()  # committed, but its job never ran (a worker lost, a restart)
    assert receiver.requests == []

    told(sweep)

    assert receiver.verified(endpoint.secret)["type"] == "story.published"
    assert Delivery.objects.get().status == Delivery.Status.DELIVERED


def test_a_delivery_being_sent_is_not_taken_again_until_its_attempt_could_have_ended(
    receiver, told
):
    endpoint_for(receiver)
    StoryFactory()
    delivery = Delivery.objects.get()
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        taken = delivery_take(delivery.pk, start)
        # A second worker, or the sweep, finds it leased.
        assert delivery_take(delivery.pk, start) is None
        told(sweep)
    assert taken.attempts == 1 and receiver.requests == []

    # The first worker died mid-attempt: once the lease is over, the sweep sends it.
    told(sweep_at, start + datetime.timedelta(minutes=1))
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.DELIVERED and delivery.attempts == 2
    assert receiver.requests[0]["headers"]["webhook-id"] == delivery.message_id


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's row locks")
@pytest.mark.django_db(transaction=True)
def test_a_delivery_row_another_worker_holds_is_skipped_not_waited_for(receiver):
    endpoint_for(receiver)
    StoryFactory()
    # Committed here, and delivered at once: due again, as after a failure.
    Delivery.objects.update(status=Delivery.Status.FAILING, next_attempt_at=timezone.now())
    delivery = Delivery.objects.get()
    held, done = threading.Event(), threading.Event()

    def other_worker():
        try:
            with transaction.atomic():
                Delivery.objects.select_for_update().get(pk=delivery.pk)
                held.set()
                done.wait(10)
        finally:
            connections.close_all()

    thread = threading.Thread(target=other_worker)
    thread.start()
    try:
        assert held.wait(10)
        assert delivery_take(delivery.pk, timezone.now()) is None
    finally:
        done.set()
        thread.join(10)
    assert delivery_take(delivery.pk, timezone.now()).attempts == 2


def test_a_save_succeeds_at_once_when_the_partner_is_down(allow_private, told, editor):
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    Endpoint.objects.create(name="Down", url=f"http://127.0.0.1:{port}/", events=ALL_EVENTS)
    story = StoryFactory(draft=True)

    saved = told(story_transition, story=story, user=editor, name="publish")

    assert saved.is_published()
    delivery = Delivery.objects.get()
    assert delivery.status == Delivery.Status.FAILING
    assert delivery.last_status_code is None
    assert "Could not connect" in delivery.last_response


def test_a_redirect_is_a_failure_never_followed(receiver, told):
    endpoint_for(receiver)
    receiver.codes = [302]
    told(StoryFactory)

    delivery = Delivery.objects.get()
    assert delivery.status == Delivery.Status.FAILING
    assert delivery.last_status_code == 302
    assert len(receiver.requests) == 1


def test_a_month_on_finished_events_are_pruned_and_stories_are_still_told_rightly(
    receiver, told, editor
):
    endpoint_for(receiver, events=["story.published", "story.updated"])
    receiver.codes = [200, 500]
    long_ago = timezone.now() - datetime.timedelta(days=40)
    with time_machine.travel(long_ago, tick=False):
        public = told(StoryFactory)  # delivered
        withdrawn = told(StoryFactory)  # failed: still open
    told(story_transition, story=withdrawn, user=editor, name="withdraw", reason="Legal.")

    assert events_prune() == 1
    assert not Event.objects.filter(story=public).exists()
    assert Event.objects.filter(story=withdrawn).count() == 2
    receiver.requests.clear()
    receiver.codes = [200]
    public = Story.objects.get(pk=public.pk)
    told(public.save)
    withdrawn.refresh_from_db()
    told(story_transition, story=withdrawn, user=editor, name="publish")

    assert sent_types(receiver) == ["story.updated", "story.published"]


# Rotating the secret


def test_after_rotation_both_secrets_verify_for_a_day_then_only_the_new_one(receiver, told):
    endpoint = endpoint_for(receiver)
    old = endpoint.secret
    new = endpoint.rotate_secret()
    endpoint.save()
    start = timezone.now()

    with time_machine.travel(start, tick=False):
        told(StoryFactory)
        assert receiver.verified(old)["type"] == "story.published"
        assert receiver.verified(new)["type"] == "story.published"
    assert len(receiver.requests[0]["headers"]["webhook-signature"].split()) == 2

    later = start + datetime.timedelta(hours=25)
    with time_machine.travel(later, tick=False):
        told(StoryFactory)
        assert receiver.verified(new)["type"] == "story.published"
        with pytest.raises(WebhookVerificationError):
            receiver.verified(old)
    assert len(receiver.requests[1]["headers"]["webhook-signature"].split()) == 1


# SSRF


@pytest.mark.parametrize(
    "url",
    [
        "https://127.0.0.1/hooks",
        "https://[::1]/hooks",
        "https://10.0.0.7/hooks",
        "https://192.168.1.1/hooks",
        "https://169.254.169.254/latest/meta-data/",
        "https://[::ffff:127.0.0.1]/hooks",
        "https://[fe80::1]/hooks",
        "https://[2002:a00:1::1]/hooks",
        "https://[64:ff9b::a9fe:a9fe]/hooks",
        "https://0.0.0.0/hooks",
        "https://224.0.0.1/hooks",
        "https://localhost/hooks",
    ],
)
def test_private_loopback_and_link_local_addresses_are_refused_by_default(url):
    with pytest.raises(outbound.Refused, match="public internet"):
        outbound.target(url)


def test_plain_http_and_credentials_in_urls_are_refused_by_default():
    with pytest.raises(outbound.Refused, match="https://"):
        outbound.target("http://partner.example/hooks")
    with pytest.raises(outbound.Refused, match="user name"):
        outbound.target("https://user:pass@partner.example/hooks")


def test_a_delivery_to_a_private_address_is_never_made_with_the_default_settings(
    receiver, told, settings
):
    Endpoint.objects.create(name="Sneaky", url=receiver.url, events=ALL_EVENTS)
    settings.WEBHOOK_ALLOW_PRIVATE = False

    told(StoryFactory)

    assert receiver.requests == []
    delivery = Delivery.objects.get()
    assert delivery.status == Delivery.Status.FAILING
    assert "https://" in delivery.last_response


def test_the_connection_goes_to_the_address_that_was_checked(receiver, told, monkeypatch):
    real = socket.getaddrinfo
    lookups = []

    def resolve(host, *args, **kwargs):
        lookups.append(host)
        return real("127.0.0.1" if host == "partner.example" else host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    port = receiver.url.split(":")[2].split("/")[0]
    endpoint = Endpoint.objects.create(
        name="Partner", url=f"http://partner.example:{port}/in", events=ALL_EVENTS
    )

    told(StoryFactory)

    # Looked up once; the connection is made to the address found, not to the name.
    assert [host for host in lookups if not host[0].isdigit()] == ["partner.example"]
    assert receiver.requests[0]["headers"]["Host"] == f"partner.example:{port}"
    assert receiver.verified(endpoint.secret)["type"] == "story.published"


@pytest.fixture
def partner_example(monkeypatch):
    """partner.example resolves to this machine."""
    real = socket.getaddrinfo

    def resolve(host, *args, **kwargs):
        return real("127.0.0.1" if host == "partner.example" else host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", resolve)


def test_https_checks_the_partner_s_certificate_for_its_name_at_the_checked_address(
    allow_private, partner_example, told, monkeypatch
):
    receiver = Receiver(tls=True)
    try:
        endpoint = endpoint_for(receiver)
        told(StoryFactory)
        # Not signed by an authority the system trusts: refused, nothing sent.
        delivery = Delivery.objects.get()
        assert delivery.status == Delivery.Status.FAILING
        assert "CERTIFICATE_VERIFY_FAILED" in delivery.last_response
        assert receiver.requests == []

        trusting = ssl.create_default_context(cafile=TLS / "partner.pem")
        monkeypatch.setattr(ssl, "create_default_context", lambda: trusting)
        told(sweep_at, delivery.next_attempt_at)
    finally:
        receiver.close()

    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.DELIVERED
    assert receiver.verified(endpoint.secret)["type"] == "story.published"


def test_a_public_address_is_accepted(monkeypatch):
    public = [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.215.14", 443))]
    monkeypatch.setattr(socket, "getaddrinfo", lambda *args, **kwargs: public)

    found = outbound.target("https://partner.example/hooks?feed=news")

    assert (found.host, found.port, found.address) == ("partner.example", 443, "93.184.215.14")
    assert found.path == "/hooks?feed=news"


# The admin


@pytest.fixture
def operator_client(client):
    client.force_login(User.objects.create_superuser("ops", "ops@example.com", "pass"))
    return client


def test_an_operator_adds_an_endpoint_and_sees_its_secret_once(operator_client, receiver):
    assert operator_client.get("/admin/webhooks/endpoint/add/").status_code == 200

    page = operator_client.post(
        "/admin/webhooks/endpoint/add/",
        {"name": "Wire partner", "url": receiver.url, "events": ["story.published"]},
    )

    assert page.status_code == 200
    endpoint = Endpoint.objects.get()
    assert endpoint.secret in page.text
    assert "no-store" in page["Cache-Control"]
    assert endpoint.events == ["story.published"]
    for address in ("/admin/webhooks/endpoint/", f"/admin/webhooks/endpoint/{endpoint.pk}/change/"):
        again = operator_client.get(address)
        assert again.status_code == 200
        assert endpoint.secret not in again.text


def test_the_admin_refuses_an_endpoint_it_could_not_use_with_a_message(operator_client):
    page = operator_client.post(
        "/admin/webhooks/endpoint/add/",
        {"name": "Metadata", "url": "https://169.254.169.254/", "events": ["story.published"]},
    )

    assert page.status_code == 200
    assert "a link-local address" in page.text
    assert not Endpoint.objects.exists()


def test_rotating_a_secret_in_the_admin_shows_the_new_one_once(operator_client, receiver):
    endpoint = endpoint_for(receiver)
    old = endpoint.secret

    page = operator_client.post(
        "/admin/webhooks/endpoint/",
        {"action": "rotate_secret", "_selected_action": [endpoint.pk]},
    )

    endpoint.refresh_from_db()
    assert page.status_code == 200
    assert endpoint.secret != old and endpoint.previous_secret == old
    assert endpoint.secret in page.text and old not in page.text
    assert endpoint.secret not in operator_client.get("/admin/webhooks/endpoint/").text


def test_the_delivery_log_shows_each_attempt_and_retries_one_now(operator_client, receiver, told):
    endpoint_for(receiver)
    receiver.codes = [500]
    told(StoryFactory)
    delivery = Delivery.objects.get()

    log = operator_client.get("/admin/webhooks/delivery/")
    assert log.status_code == 200
    assert "story.published" in log.text and "Failing" in log.text and "500" in log.text
    detail = operator_client.get(f"/admin/webhooks/delivery/{delivery.pk}/change/")
    assert detail.status_code == 200
    assert delivery.message_id in detail.text
    assert "story.published" in detail.text and "&quot;data&quot;" in detail.text
    endpoints = operator_client.get("/admin/webhooks/endpoint/")
    its_log = f"/admin/webhooks/delivery/?endpoint__id__exact={delivery.endpoint_id}"
    assert its_log in endpoints.text
    assert operator_client.get(its_log).status_code == 200
    assert operator_client.get("/admin/webhooks/delivery/add/").status_code == 403

    receiver.codes = [200]
    told(
        operator_client.post,
        "/admin/webhooks/delivery/",
        {"action": "retry_now", "_selected_action": [delivery.pk]},
    )
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.DELIVERED and delivery.attempts == 2


def test_events_are_recorded_in_the_change_s_transaction_and_go_nowhere_if_it_fails(receiver):
    endpoint_for(receiver)
    with pytest.raises(RuntimeError), transaction.atomic():
        StoryFactory()
        raise RuntimeError

    assert not Event.objects.exists() and not Delivery.objects.exists()
    assert receiver.requests == []
