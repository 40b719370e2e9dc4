"""Pages and feeds fetched from addresses an editor or a partner gave (SSRF-guarded)."""

import http.client
from dataclasses import dataclass

from django.conf import settings

from ingest.document import IngestError
from newsroom import outbound


@dataclass(frozen=True)
class FetchResult:
    url: str  # after redirects
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    @property
    def content_type(self) -> str:
        return self.headers.get("Content-Type", "")


def too_large(limit: int) -> str:
    return f"It is larger than {limit / 1_000_000:g} MB, the most ingest reads (INGEST_MAX_KB)."


def fetch(
    url: str,
    *,
    max_bytes: int | None = None,
    timeout: float | None = None,
    headers: dict[str, str] | None = None,
) -> FetchResult:
    """GET ``url``: a 200 answer (or a 304 to a conditional request) within the size cap
    and the timeout, after at most five redirects, none of them to an address inside the
    newsroom. Raises IngestError saying what went wrong."""
    limit = max_bytes or settings.INGEST_MAX_BYTES
    try:
        final, answer = outbound.get(
            url,
            allow_private=settings.INGEST_ALLOW_PRIVATE,
            timeout=timeout or settings.INGEST_FETCH_TIMEOUT,
            max_bytes=limit,
            headers={"User-Agent": settings.INGEST_USER_AGENT, **(headers or {})},
        )
    except outbound.Refused as error:
        raise IngestError(f"{url} is refused: {error}") from error
    except TimeoutError as error:
        raise IngestError(f"{url} did not answer in time ({error or 'timed out'}).") from error
    except (OSError, http.client.HTTPException) as error:
        reason = str(error) or type(error).__name__
        raise IngestError(f"{url} could not be reached: {reason}.") from error
    if answer.status not in (200, 304):
        raise IngestError(f"{final} answered {answer.status}: there is nothing to ingest.")
    if len(answer.body) > limit:
        raise IngestError(f"{final}: {too_large(limit)}")
    return FetchResult(final, answer.status, answer.headers, answer.body)
