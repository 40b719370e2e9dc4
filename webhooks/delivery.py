"""Sending deliveries: one attempt at a time, retried with backoff, endpoints paused
when they keep failing.

An attempt takes its row with ``select_for_update(skip_locked=True)`` and leases it
(its next attempt is moved past the attempt's longest duration) before the network
call, which runs outside any transaction: a worker that dies mid-attempt leaves a
row the sweep takes again once the lease is over.
"""

import http.client
import json
import logging
import random
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from articles.models import Story
from articles.ninjs import for_ninjs, story_to_ninjs
from articles.tasks import run_in_background
from webhooks import outbound
from webhooks.models import Delivery, Endpoint, Event, EventType, retry_window
from webhooks.signing import signature_header

logger = logging.getLogger(__name__)

OPEN = [Delivery.Status.PENDING, Delivery.Status.FAILING]
PUBSTATUS = {EventType.STORY_WITHDRAWN: "withheld", EventType.STORY_CANCELED: "canceled"}
# The first retry comes after about this long, each later one after twice the last,
# up to the longest wait; each is moved by up to a fifth either way (jitter).
FIRST_RETRY = timedelta(seconds=30)
LONGEST_WAIT = timedelta(hours=2)
JITTER = 0.2
# How long events and their deliveries stay in the log once nothing is left to send.
KEEP = timedelta(days=30)


def backoff(attempts: int) -> timedelta:
    """How long to wait after the ``attempts``-th failed attempt."""
    wait = min(FIRST_RETRY * 2 ** (attempts - 1), LONGEST_WAIT)
    return wait * random.uniform(1 - JITTER, 1 + JITTER)


def lease() -> timedelta:
    return timedelta(seconds=settings.WEBHOOK_CONNECT_TIMEOUT + settings.WEBHOOK_READ_TIMEOUT + 30)


def event_data(event: Event):
    if event.data is not None:
        return event.data
    story = for_ninjs(Story.objects.filter(pk=event.story_id)).first()
    if story is None:
        return {"uri": event.uri, "type": "text", "pubstatus": "canceled"}
    return story_to_ninjs(story, pubstatus=PUBSTATUS.get(event.type, "usable"))


def event_body(event: Event) -> str:
    """The bytes every delivery of ``event`` sends: made once, by its first attempt."""
    if not event.body:
        document = {
            "type": event.type,
            "timestamp": event.created_at.isoformat(),
            "data": event_data(event),
        }
        body = json.dumps(document, cls=DjangoJSONEncoder, ensure_ascii=False)
        # The first to write it wins; a concurrent attempt reads that one back.
        Event.objects.filter(pk=event.pk, body="").update(body=body)
        event.refresh_from_db(fields=["body"])
    return event.body


def delivery_take(delivery_id: int, now) -> Delivery | None:
    """The delivery, if it is due and nobody else is sending it, leased for this attempt."""
    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("endpoint", "event")
            .filter(
                pk=delivery_id,
                status__in=OPEN,
                next_attempt_at__lte=now,
                endpoint__status=Endpoint.Status.ACTIVE,
            )
            .first()
        )
        if delivery is None:
            return None
        event_body(delivery.event)
        delivery.attempts += 1
        delivery.last_attempt_at = now
        delivery.next_attempt_at = now + lease()
        delivery.save(update_fields=["attempts", "last_attempt_at", "next_attempt_at"])
    return delivery


def delivery_send(delivery_id: int) -> str | None:
    """Make one attempt at a delivery that is due; its status after, or None if not due."""
    now = timezone.now()
    delivery = delivery_take(delivery_id, now)
    if delivery is None:
        return None
    endpoint, body = delivery.endpoint, delivery.event.body.encode()
    timestamp = int(now.timestamp())
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "Newsroom-Webhooks/1.0",
        "webhook-id": delivery.message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signature_header(
            endpoint.signing_secrets(now), delivery.message_id, timestamp, body
        ),
    }
    code, said = None, ""
    try:
        answer = outbound.post(endpoint.url, body, headers)
        code, said = answer.status, answer.excerpt
    except outbound.Refused as error:
        said = str(error)
    except TimeoutError:
        said = "No answer in time."
    except (OSError, http.client.HTTPException) as error:
        said = f"Could not connect: {error}"[: outbound.EXCERPT_CHARS]
    return delivery_result(delivery.pk, code, said)


def delivery_result(delivery_id: int, code: int | None, said: str) -> str | None:
    now = timezone.now()
    limit = Delivery._meta.get_field("last_response").max_length
    with transaction.atomic():
        delivery = Delivery.objects.select_for_update().filter(pk=delivery_id).first()
        if delivery is None:
            return None  # its endpoint was deleted during the attempt
        endpoint = Endpoint.objects.select_for_update().get(pk=delivery.endpoint_id)
        delivery.last_status_code, delivery.last_response = code, said[:limit]
        if code is not None and 200 <= code < 300:
            delivery.status = Delivery.Status.DELIVERED
            delivery.delivered_at, delivery.next_attempt_at = now, None
            endpoint.consecutive_failures, endpoint.failing_since = 0, None
        else:
            wait = backoff(delivery.attempts)
            if now + wait > delivery.expires_at:
                delivery.status, delivery.next_attempt_at = Delivery.Status.GIVEN_UP, None
                logger.warning(
                    "Webhook delivery %s to %s given up after %s attempts.",
                    delivery.message_id,
                    endpoint.name,
                    delivery.attempts,
                )
            else:
                delivery.status, delivery.next_attempt_at = Delivery.Status.FAILING, now + wait
            endpoint.consecutive_failures += 1
            endpoint.failing_since = endpoint.failing_since or now
            if keeps_failing(endpoint, now):
                endpoint_pause(endpoint, automatic=True)
        delivery.save()
        endpoint.save()
    return delivery.status


def keeps_failing(endpoint: Endpoint, now) -> bool:
    """Failed every attempt, enough times, for long enough (``WEBHOOK_PAUSE_AFTER_*``)."""
    return (
        endpoint.status == Endpoint.Status.ACTIVE
        and endpoint.consecutive_failures >= settings.WEBHOOK_PAUSE_AFTER_FAILURES
        and now - endpoint.failing_since >= timedelta(hours=settings.WEBHOOK_PAUSE_AFTER_HOURS)
    )


def endpoint_pause(endpoint: Endpoint, *, automatic: bool = False) -> None:
    """Stop sending to ``endpoint`` (saved by the caller); what is due waits for its resumption."""
    now = timezone.now()
    endpoint.status, endpoint.paused_at = Endpoint.Status.PAUSED, now
    if automatic:
        hours = (now - endpoint.failing_since).total_seconds() / 3600
        endpoint.paused_reason = (
            f"Paused automatically: {endpoint.consecutive_failures} attempts in a row "
            f"failed over {hours:.0f} hours."
        )
        logger.warning("Webhook endpoint %s paused: %s", endpoint.name, endpoint.paused_reason)
        from webhooks.tasks import send_pause_notice as notice

        endpoint_id = endpoint.pk
        transaction.on_commit(lambda: run_in_background(notice, endpoint_id), robust=True)
    else:
        endpoint.paused_reason = "Paused by hand."


def endpoint_resume(endpoint: Endpoint) -> int:
    """Send to ``endpoint`` again, starting with what waited; how many deliveries go out."""
    now = timezone.now()
    with transaction.atomic():
        endpoint.status, endpoint.paused_reason = Endpoint.Status.ACTIVE, ""
        endpoint.paused_at = None
        endpoint.consecutive_failures, endpoint.failing_since = 0, None
        endpoint.save()
        waiting = Delivery.objects.filter(endpoint=endpoint, status__in=OPEN)
        ids = list(waiting.values_list("pk", flat=True))
        # Each has its full time for retries again, from now.
        waiting.update(next_attempt_at=now, expires_at=now + retry_window())
        deliveries_queue(ids)
    return len(ids)


def deliveries_retry(deliveries) -> int:
    """Try these deliveries again now, given up or not; those delivered are left alone."""
    now = timezone.now()
    with transaction.atomic():
        again = deliveries.exclude(status=Delivery.Status.DELIVERED)
        ids = list(again.values_list("pk", flat=True))
        Delivery.objects.filter(pk__in=ids).update(
            status=Delivery.Status.PENDING, next_attempt_at=now, expires_at=now + retry_window()
        )
        deliveries_queue(ids)
    return len(ids)


def deliveries_queue(ids: list[int]) -> None:
    """Send these deliveries once the transaction commits (the sweep catches any lost)."""
    from webhooks.tasks import deliver

    for pk in ids:
        transaction.on_commit(lambda pk=pk: run_in_background(deliver, pk), robust=True)


def deliveries_due(now=None, limit: int = 500) -> list[int]:
    now = now or timezone.now()
    due = Delivery.objects.filter(
        status__in=OPEN, next_attempt_at__lte=now, endpoint__status=Endpoint.Status.ACTIVE
    )
    return list(due.order_by("next_attempt_at").values_list("pk", flat=True)[:limit])


def events_prune(now=None) -> int:
    """Delete events older than ``KEEP`` whose deliveries are all done; how many.

    A story's next change is then told from what it was as it was loaded: a story
    public for weeks is updated, one withdrawn for weeks and published again is published.
    """
    now = now or timezone.now()
    old = Event.objects.filter(created_at__lt=now - KEEP)
    done = old.exclude(deliveries__status__in=OPEN)
    _, deleted = Event.objects.filter(pk__in=done.values("pk")).delete()
    return deleted.get("webhooks.Event", 0)


def send_pause_notice(endpoint_id: int) -> int:
    """E-mail the site's administrators (active superusers) that an endpoint was paused."""
    endpoint = Endpoint.objects.filter(pk=endpoint_id).first()
    if endpoint is None:
        return 0
    users = get_user_model().objects.filter(is_active=True, is_superuser=True).exclude(email="")
    recipients = sorted(set(users.values_list("email", flat=True)))
    if not recipients:
        return 0
    link = settings.SITE_URL + reverse("admin:webhooks_endpoint_change", args=[endpoint.pk])
    body = (
        f"Deliveries to {endpoint.name} ({endpoint.url}) are paused.\n"
        f"{endpoint.paused_reason}\n\n"
        "What is due waits. Resume the endpoint once the partner answers again: "
        f"{link}"
    )
    subject = f"[{settings.SITE_NAME}] Webhooks paused: {endpoint.name}"
    return send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)
