"""Partners' keys and the API's rate limits."""

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import router
from rest_framework import authentication, exceptions, throttling

from syndication.models import ApiKey, key_digest


def sent_key(request) -> str | None:
    """The key a request carries: ``Authorization: Bearer <key>`` or ``X-Api-Key``."""
    header = request.headers.get("Authorization", "")
    scheme, _, credentials = header.partition(" ")
    if header and scheme.lower() == "bearer":
        return credentials.strip()
    return request.headers.get("X-Api-Key", "").strip() or None


class ApiKeyAuthentication(authentication.BaseAuthentication):
    """A partner's key: ``request.auth`` is its ``ApiKey``, the user stays anonymous.

    A key that is unknown or revoked is refused (401), never taken for no key.
    """

    def authenticate(self, request):
        if "Authorization" in request.headers and sent_key(request) is None:
            raise exceptions.AuthenticationFailed("Send the key as “Authorization: Bearer <key>”.")
        key = sent_key(request)
        if key is None:
            return None
        # From the primary, not a replica that may trail it: a revoked key stops at once.
        keys = ApiKey.objects.using(router.db_for_write(ApiKey))
        api_key = keys.filter(digest=key_digest(key)).first()
        if api_key is None:
            raise exceptions.AuthenticationFailed("This API key is not valid.")
        if not api_key.is_active():
            raise exceptions.AuthenticationFailed("This API key has been revoked.")
        api_key.mark_used()
        return AnonymousUser(), api_key

    def authenticate_header(self, request):
        # A 401 tells the caller how to authenticate (RFC 9110, 11.6.1).
        return 'Bearer realm="api"'


def api_key(request) -> ApiKey | None:
    return request.auth if isinstance(request.auth, ApiKey) else None


def may_read_embargoed(request) -> bool:
    key = api_key(request)
    return key is not None and key.can_read_embargoed


class RateThrottle(throttling.SimpleRateThrottle):
    """Each key at its own rate (``ApiKey.requests_per_minute``); callers without
    one at ``API_ANON_RATE`` per client address. Counted in Django's cache, so
    every web server sharing Redis counts together."""

    scope = "api"

    def get_rate(self):
        return settings.API_ANON_RATE

    def allow_request(self, request, view):
        key = api_key(request)
        self.rate = key.rate if key else settings.API_ANON_RATE
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)

    def get_cache_key(self, request, view):
        key = api_key(request)
        ident = f"key-{key.pk}" if key else f"ip-{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}
