"""Standard Webhooks 1.0 signatures (https://www.standardwebhooks.com/).

A secret is ``whsec_`` and the base64 of random bytes; a signature is ``v1,`` and
the base64 of the HMAC-SHA256 of ``{id}.{timestamp}.{body}`` keyed with those bytes.
Several signatures, space-separated, let a partner verify with either secret while
one replaces another.
"""

import base64
import hashlib
import hmac
import secrets

PREFIX = "whsec_"


def new_secret() -> str:
    return PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


def signature(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    key = base64.b64decode(secret.removeprefix(PREFIX))
    signed = f"{message_id}.{timestamp}.".encode() + body
    digest = hmac.new(key, signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def signature_header(secrets_: list[str], message_id: str, timestamp: int, body: bytes) -> str:
    return " ".join(signature(secret, message_id, timestamp, body) for secret in secrets_)
