"""Reading public pages the way a reader sees them."""

import html
import re

CARD_HEADLINE = re.compile(r'class="story-card__headline"><a href="[^"]*">(.*?)</a>', re.DOTALL)


def card_headlines(response) -> list[str]:
    """The headlines of a page's story cards, in the order shown."""
    return [html.unescape(text) for text in CARD_HEADLINE.findall(response.text)]
