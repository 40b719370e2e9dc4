"""Reading public pages the way a reader sees them."""

import html
import re

CARD_HEADLINE = re.compile(r'class="story-card__headline"><a href="[^"]*">(.*?)</a>', re.DOTALL)


def card_headlines(response) -> list[str]:
    """The headlines of a page's story cards, in the order shown."""
    return [html.unescape(text) for text in CARD_HEADLINE.findall(response.text)]


def policy(response) -> dict[str, list[str]]:
    """The response's Content-Security-Policy, directive by directive."""
    parts = (part.split() for part in response["Content-Security-Policy"].split(";"))
    return {name: sources for name, *sources in parts}
