"""Posting to partners' URLs without letting a URL reach inside the newsroom (SSRF).

The host name is resolved once; every address it gives must be on the public
internet, and the connection goes to the address that was checked (no second
lookup a rebinding DNS server could answer differently). Redirects are never
followed, both timeouts are bounded, and at most ``MAX_RESPONSE_BYTES`` of the
answer are read. ``WEBHOOK_ALLOW_PRIVATE`` lets an operator reach private
addresses (a partner on the same network), and only then plain HTTP.
"""

import http.client
import ipaddress
import socket
import ssl
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings

MAX_RESPONSE_BYTES = 64 * 1024
NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
EXCERPT_CHARS = 200


class Refused(Exception):
    """A URL deliveries may not go to; the message says why, for the admin."""


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str
    port: int
    path: str
    address: str


@dataclass(frozen=True)
class Answer:
    status: int
    excerpt: str


def why_not_public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str | None:
    """What kind of non-public address ``address`` is, or None for a public one."""
    if isinstance(address, ipaddress.IPv6Address):
        # An IPv4 address carried in IPv6 (mapped, 6to4, Teredo, NAT64) is judged as itself.
        embedded = address.ipv4_mapped or address.sixtofour or (address.teredo or (None, None))[1]
        if address in NAT64:
            embedded = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
        if embedded is not None:
            address = embedded
    # The narrowest kind first: a link-local or loopback address is private too.
    for kind in ("loopback", "link_local", "unspecified", "multicast", "reserved", "private"):
        if getattr(address, f"is_{kind}"):
            return kind.replace("_", "-")
    if not address.is_global:
        # Shared (carrier-grade NAT), documentation and other special ranges.
        return "special-purpose"
    return None


def target(url: str) -> Target:
    """Where a delivery to ``url`` connects, once the URL and its addresses are checked."""
    allow_private = settings.WEBHOOK_ALLOW_PRIVATE
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:
        raise Refused(f"This is not a usable URL: {error}.") from None
    schemes = {"https", "http"} if allow_private else {"https"}
    if parts.scheme not in schemes:
        raise Refused("The URL must start with https://.")
    if not parts.hostname:
        raise Refused("The URL has no host name.")
    if parts.username is not None or parts.password is not None:
        raise Refused("The URL may not hold a user name or password.")
    host = parts.hostname
    port = port or (443 if parts.scheme == "https" else 80)
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        raise Refused(f"The host name “{host}” cannot be resolved.") from None
    addresses = []
    for *_, sockaddr in found:
        address = ipaddress.ip_address(sockaddr[0].split("%")[0])
        kind = why_not_public(address)
        if kind and not allow_private:
            raise Refused(
                f"“{host}” resolves to {address}, a {kind} address: "
                "deliveries go only to addresses on the public internet."
            )
        addresses.append(str(address))
    if not addresses:
        raise Refused(f"The host name “{host}” cannot be resolved.")
    path = parts.path or "/"
    if parts.query:
        path = f"{path}?{parts.query}"
    return Target(parts.scheme, host, port, path, addresses[0])


class PinnedConnection(http.client.HTTPConnection):
    """An HTTP(S) connection to a checked address, speaking to ``host`` (its Host
    header, and for HTTPS its certificate's name)."""

    def __init__(self, to: Target, connect_timeout: float, read_timeout: float):
        super().__init__(to.host, to.port, timeout=connect_timeout)
        self.to = to
        self.read_timeout = read_timeout

    def connect(self):
        sock = socket.create_connection((self.to.address, self.to.port), timeout=self.timeout)
        sock.settimeout(self.read_timeout)
        if self.to.scheme == "https":
            sock = ssl.create_default_context().wrap_socket(sock, server_hostname=self.to.host)
        self.sock = sock


def post(url: str, body: bytes, headers: dict[str, str]) -> Answer:
    """POST ``body`` to ``url``; the answer's status and the start of its text.

    Raises ``Refused`` for a URL that may not be used, ``OSError`` (timeouts
    included) or ``http.client.HTTPException`` when the partner cannot be reached.
    """
    to = target(url)
    connection = PinnedConnection(
        to, settings.WEBHOOK_CONNECT_TIMEOUT, settings.WEBHOOK_READ_TIMEOUT
    )
    deadline = time.monotonic() + settings.WEBHOOK_CONNECT_TIMEOUT + settings.WEBHOOK_READ_TIMEOUT
    try:
        connection.request("POST", to.path, body=body, headers=headers)
        response = connection.getresponse()
        # A partner trickling bytes is cut off at the deadline, and a large one at the cap.
        read = b""
        while len(read) < MAX_RESPONSE_BYTES and time.monotonic() < deadline:
            chunk = response.read1(MAX_RESPONSE_BYTES - len(read))
            if not chunk:
                break
            read += chunk
    finally:
        connection.close()
    text = " ".join(read.decode("utf-8", "replace").split())
    return Answer(response.status, text[:EXCERPT_CHARS])
