"""Posts and videos from X, Bluesky, Instagram, YouTube and Vimeo, embedded by URL.

The body keeps an embed as a link with a caption (``<figure class="embed">``);
readers' pages load the provider's frame only when the reader asks for it, and
the frame's address is worked out here from the URL, never taken from the body.
"""

import json
import re
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True)
class Provider:
    key: str
    name: str
    # Where the frame comes from, as the reader is told before loading it.
    host: str
    patterns: tuple[re.Pattern, ...]
    # The frame's address, from the URL's match and the stored id (Bluesky's DID).
    frame: str
    kind: str  # "video" or "post"
    oembed: str = ""

    def match(self, url: str) -> re.Match | None:
        for pattern in self.patterns:
            if found := pattern.fullmatch(url):
                return found
        return None

    def frame_url(self, url: str, embed_id: str = "") -> str | None:
        found = self.match(url)
        if found is None:
            return None
        parts = found.groupdict()
        if self.key == "bluesky":
            did = parts["actor"] if parts["actor"].startswith("did:") else embed_id
            if not DID.fullmatch(did or ""):
                return None
            parts["actor"] = did
        return self.frame.format(**{k: urllib.parse.quote(v, safe=":") for k, v in parts.items()})


def _patterns(*expressions: str) -> tuple[re.Pattern, ...]:
    # Query strings and fragments other than the ones named are allowed and ignored.
    return tuple(re.compile(expression + r"(?:[?#&][^\s]*)?") for expression in expressions)


DID = re.compile(r"did:(?:plc|web):[A-Za-z0-9._:%-]{1,200}")

PROVIDERS = {
    provider.key: provider
    for provider in (
        Provider(
            key="x",
            name="X",
            host="platform.twitter.com",
            patterns=_patterns(
                r"https://(?:www\.|mobile\.)?(?:twitter|x)\.com/\w{1,15}/status/(?P<id>\d{1,25})"
            ),
            frame="https://platform.twitter.com/embed/Tweet.html?id={id}&dnt=true",
            kind="post",
            oembed="https://publish.twitter.com/oembed",
        ),
        Provider(
            key="bluesky",
            name="Bluesky",
            host="embed.bsky.app",
            patterns=_patterns(
                r"https://bsky\.app/profile/(?P<actor>[A-Za-z0-9._:%-]{1,253})"
                r"/post/(?P<rkey>[a-z0-9]{1,64})"
            ),
            frame="https://embed.bsky.app/embed/{actor}/app.bsky.feed.post/{rkey}",
            kind="post",
            oembed="https://embed.bsky.app/oembed",
        ),
        Provider(
            key="instagram",
            name="Instagram",
            host="www.instagram.com",
            patterns=_patterns(
                r"https://(?:www\.)?instagram\.com/(?:p|reel|tv)/(?P<code>[A-Za-z0-9_-]{1,64})/?"
            ),
            frame="https://www.instagram.com/p/{code}/embed/",
            kind="post",
            # Meta's oEmbed needs an app's access token (INSTAGRAM_OEMBED_TOKEN).
            oembed="https://graph.facebook.com/v21.0/instagram_oembed",
        ),
        Provider(
            key="youtube",
            name="YouTube",
            # The privacy-enhanced player: no cookies until the reader plays the video.
            host="www.youtube-nocookie.com",
            patterns=_patterns(
                r"https://(?:www\.|m\.)?youtube\.com/watch\?(?:[^#\s]*&)?v=(?P<id>[A-Za-z0-9_-]{11})",
                r"https://(?:www\.|m\.)?youtube\.com/(?:shorts|embed|live)/(?P<id>[A-Za-z0-9_-]{11})",
                r"https://youtu\.be/(?P<id>[A-Za-z0-9_-]{11})",
            ),
            frame="https://www.youtube-nocookie.com/embed/{id}",
            kind="video",
            oembed="https://www.youtube.com/oembed",
        ),
        Provider(
            key="vimeo",
            name="Vimeo",
            host="player.vimeo.com",
            patterns=_patterns(
                r"https://(?:www\.)?vimeo\.com/(?P<id>\d{1,20})",
                r"https://player\.vimeo\.com/video/(?P<id>\d{1,20})",
            ),
            frame="https://player.vimeo.com/video/{id}?dnt=1",
            kind="video",
            oembed="https://vimeo.com/api/oembed.json",
        ),
    )
}

# The hosts an opted-in embed loads its frame from: the CSP's frame-src.
FRAME_HOSTS = [f"https://{provider.host}" for provider in PROVIDERS.values()]
URL_MAX_LENGTH = 500


def find_provider(url: str) -> Provider | None:
    """The provider whose posts or videos ``url`` addresses, if any."""
    if len(url) > URL_MAX_LENGTH:
        return None
    for provider in PROVIDERS.values():
        if provider.match(url):
            return provider
    return None


class EmbedError(ValueError):
    """A URL the newsroom cannot embed; the message says why, for the editor."""


@dataclass
class Embed:
    provider: Provider
    url: str
    title: str = ""
    author: str = ""
    embed_id: str = ""
    # Why the provider's details are missing, when they are.
    problem: str = ""

    def attributes(self) -> dict:
        return {
            "provider": self.provider.key,
            "providerName": self.provider.name,
            "url": self.url,
            "title": self.title,
            "author": self.author,
            "embedId": self.embed_id,
        }


def oembed_endpoint(provider: Provider) -> str:
    """The provider's oEmbed endpoint; OEMBED_ENDPOINTS in settings overrides it."""
    return getattr(settings, "OEMBED_ENDPOINTS", {}).get(provider.key, provider.oembed)


def fetch_oembed(endpoint: str, params: dict) -> dict:
    """The provider's oEmbed answer, read with a short timeout and a size cap.

    Raises EmbedError when it does not answer, answers an error, too much or not JSON.
    """
    address = f"{endpoint}?{urllib.parse.urlencode(params)}"
    request = urllib.request.Request(
        address, headers={"Accept": "application/json", "User-Agent": "Newsroom oEmbed"}
    )
    limit = settings.OEMBED_MAX_BYTES
    try:
        with urllib.request.urlopen(request, timeout=settings.OEMBED_TIMEOUT) as response:
            raw = response.read(limit + 1)
    except urllib.error.HTTPError as error:
        raise EmbedError(f"answered with an error ({error.code})") from error
    except (urllib.error.URLError, TimeoutError, OSError, ValueError) as error:
        raise EmbedError("did not answer") from error
    if len(raw) > limit:
        raise EmbedError("answered with more than an embed's details")
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as error:
        raise EmbedError("answered with something that is not oEmbed") from error
    if not isinstance(data, dict):
        raise EmbedError("answered with something that is not oEmbed")
    return data


def _text(value, limit: int = 300) -> str:
    return " ".join(value.split())[:limit] if isinstance(value, str) else ""


BLUESKY_URI = re.compile(r'data-bluesky-uri="at://(did:[^/"]+)/')


def embed_from_url(url: str) -> Embed:
    """An embed of ``url``, with the title and author its provider's oEmbed gives
    (not its thumbnail: shown before the reader opts in, it would load from the provider).

    Raises EmbedError for a URL no known provider serves. A provider that does not
    answer, or answers badly, still gives an embed: a link card without its details,
    with ``problem`` saying what went wrong.
    """
    url = url.strip()
    provider = find_provider(url)
    if provider is None:
        names = ", ".join(p.name for p in PROVIDERS.values())
        raise EmbedError(
            f"This address is not a post or video the newsroom can embed. Paste the "
            f"address of a single post or video from {names}."
        )
    embed = Embed(provider=provider, url=url)
    params = {"url": url, "format": "json"}
    if provider.key == "x":
        params.update(omit_script="1", dnt="true")
    if provider.key == "instagram":
        token = getattr(settings, "INSTAGRAM_OEMBED_TOKEN", "")
        if not token:
            embed.problem = "Instagram gives a post's details only to registered apps"
            return embed
        params["access_token"] = token
    try:
        data = fetch_oembed(oembed_endpoint(provider), params)
    except EmbedError as error:
        embed.problem = f"{provider.name} {error}"
        return embed
    embed.title = _text(data.get("title"))
    embed.author = _text(data.get("author_name"), 200)
    if provider.key == "bluesky" and (found := BLUESKY_URI.search(_text(data.get("html"), 5000))):
        embed.embed_id = found.group(1) if DID.fullmatch(found.group(1)) else ""
    return embed
