"""Deliveries to partners' URLs, through the newsroom's guarded HTTP client
(newsroom.outbound): public addresses only unless ``WEBHOOK_ALLOW_PRIVATE``, and
then plain HTTP too; no redirects; bounded timeouts and answers."""

from dataclasses import dataclass

from django.conf import settings

from newsroom.outbound import Refused, Target
from newsroom.outbound import request as guarded_request
from newsroom.outbound import target as guarded_target

__all__ = ["Answer", "Refused", "post", "target"]

MAX_RESPONSE_BYTES = 64 * 1024
EXCERPT_CHARS = 200


@dataclass(frozen=True)
class Answer:
    status: int
    excerpt: str


def target(url: str) -> Target:
    """Where a delivery to ``url`` connects, once the URL and its addresses are checked."""
    return guarded_target(url, allow_private=settings.WEBHOOK_ALLOW_PRIVATE)


def post(url: str, body: bytes, headers: dict[str, str]) -> Answer:
    """POST ``body`` to ``url``; the answer's status and the start of its text."""
    answer = guarded_request(
        "POST",
        url,
        allow_private=settings.WEBHOOK_ALLOW_PRIVATE,
        connect_timeout=settings.WEBHOOK_CONNECT_TIMEOUT,
        read_timeout=settings.WEBHOOK_READ_TIMEOUT,
        max_bytes=MAX_RESPONSE_BYTES,
        body=body,
        headers=headers,
    )
    text = " ".join(answer.body.decode("utf-8", "replace").split())
    return Answer(answer.status, text[:EXCERPT_CHARS])
