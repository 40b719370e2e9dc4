"""HTTP to addresses that people outside the newsroom give it (partners' webhooks,
documents to import), without letting an address reach inside the newsroom (SSRF).

The host name is resolved once; every address it gives must be on the public
internet, and the connection goes to the address that was checked (no second
lookup a rebinding DNS server could answer differently). Redirects are never
followed here (a caller that follows them checks each new address the same way),
both timeouts and the whole exchange are bounded, and at most ``max_bytes`` of the
answer are read. ``allow_private`` lets an operator reach private addresses (a
partner on the same network), and only then plain HTTP unless the caller allows it.
"""

import http.client
import ipaddress
import socket
import ssl
import time
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

NAT64 = ipaddress.IPv6Network("64:ff9b::/96")


class Refused(Exception):
    """A URL that may not be used; the message says why, for the person who gave it."""


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
    headers: http.client.HTTPMessage
    # At most max_bytes + 1 bytes: one more than allowed tells the caller it was cut.
    body: bytes


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


def target(url: str, *, allow_private: bool, plain_http: bool = False) -> Target:
    """Where a request to ``url`` connects, once the URL and its addresses are checked.

    Plain ``http://`` is taken when ``plain_http`` or ``allow_private`` says so.
    """
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:
        raise Refused(f"This is not a usable URL: {error}.") from None
    schemes = {"https", "http"} if allow_private or plain_http else {"https"}
    if parts.scheme not in schemes:
        raise Refused(
            "The URL must start with https://."
            if schemes == {"https"}
            else "The URL must start with https:// or http://."
        )
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
                "the newsroom connects only to addresses on the public internet."
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


def request(
    method: str,
    url: str,
    *,
    allow_private: bool,
    plain_http: bool = False,
    connect_timeout: float,
    read_timeout: float,
    max_bytes: int,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
) -> Answer:
    """``method`` ``url`` once, redirects not followed; the answer with at most
    ``max_bytes`` + 1 bytes of its body.

    Raises ``Refused`` for a URL that may not be used, ``OSError`` (timeouts
    included) or ``http.client.HTTPException`` when the server cannot be reached.
    """
    to = target(url, allow_private=allow_private, plain_http=plain_http)
    connection = PinnedConnection(to, connect_timeout, read_timeout)
    deadline = time.monotonic() + connect_timeout + read_timeout
    try:
        connection.request(method, to.path, body=body, headers=headers or {})
        response = connection.getresponse()
        # A server trickling bytes is cut off at the deadline, and a large answer at the cap.
        read = b""
        while len(read) <= max_bytes:
            if time.monotonic() >= deadline:
                raise TimeoutError(f"no whole answer within {connect_timeout + read_timeout:g} s")
            chunk = response.read1(max_bytes + 1 - len(read))
            if not chunk:
                break
            read += chunk
    finally:
        connection.close()
    return Answer(response.status, response.headers, read)


REDIRECTS = (301, 302, 303, 307, 308)


def get(
    url: str,
    *,
    allow_private: bool,
    timeout: float,
    max_bytes: int,
    headers: dict[str, str] | None = None,
    max_redirects: int = 5,
) -> tuple[str, Answer]:
    """GET ``url``, following at most ``max_redirects`` redirects, each new address
    checked like the first; the final address and its answer.

    Raises what ``request`` raises, and ``Refused`` for too many redirects.
    """
    for _ in range(max_redirects + 1):
        answer = request(
            "GET",
            url,
            allow_private=allow_private,
            plain_http=True,
            connect_timeout=timeout,
            read_timeout=timeout,
            max_bytes=max_bytes,
            headers=headers,
        )
        location = answer.headers.get("Location")
        if answer.status not in REDIRECTS or not location:
            return url, answer
        url = urljoin(url, location)
    raise Refused(f"more than {max_redirects} redirects.")
