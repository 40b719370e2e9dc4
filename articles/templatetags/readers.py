"""Template tags for readers and crawlers: structured data and related stories."""

from django import template

from articles import jsonld
from articles.search import related_stories

register = template.Library()


@register.simple_tag(takes_context=True)
def story_structured_data(context, story):
    """JSON-LD NewsArticle and BreadcrumbList for a public story."""
    request = context["request"]
    article = jsonld.script(jsonld.story_article(request, story))
    return article + jsonld.script(jsonld.story_breadcrumbs(request, story))


@register.simple_tag(takes_context=True)
def person_structured_data(context, person):
    """JSON-LD Person for a person's page."""
    return jsonld.script(jsonld.person_profile(context["request"], person))


register.simple_tag(related_stories, name="related_stories")
