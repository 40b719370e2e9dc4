"""Stories as IPTC ninjs documents (placeholder: the full mapping replaces it)."""


def for_ninjs(stories):
    """``stories`` (a queryset) with what ``story_to_ninjs`` reads, in a fixed number
    of queries for any number of stories."""
    return stories


def story_to_ninjs(story, *, pubstatus: str | None = None) -> dict:
    return {"uri": story.uri, "headline": story.headline, "type": "text"}
