"""Stories as IPTC ninjs documents (placeholder: the full mapping replaces it)."""


def story_to_ninjs(story) -> dict:
    return {"uri": story.uri, "headline": story.headline, "type": "text"}
