"""schema.org structured data (JSON-LD) for search engines and aggregators.

Built from what the story page already fetched: no query of its own.
"""

import json

from django.conf import settings
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from articles.body import public_text
from articles.images import SHARE_SIZE
from articles.models import Page, Person, Source, Story

# The publisher's logo: Google asks for a wide image at most 60 px high.
LOGO = {"path": "img/logo.png", "width": 600, "height": 60}

# Keeps "</script>" and HTML comments in the data from ending the element.
SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def script(data: dict) -> SafeString:
    # Compact: json's C encoder only writes without indent.
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":")).translate(SCRIPT_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))


def iso(moment) -> str:
    return timezone.localtime(moment).isoformat()


def person_data(request, person: Person) -> dict:
    data = {
        "@type": "Person",
        "name": person.name,
        "url": request.build_absolute_uri(person.get_absolute_url()),
    }
    if person.title:
        data["jobTitle"] = person.title
    if person.same_as_urls:
        data["sameAs"] = person.same_as_urls
    return data


def source_data(request, source: Source) -> dict:
    if source.person is not None:
        return person_data(request, source.person)
    data = {"@type": "Organization", "name": source.name}
    if source.url:
        data["url"] = source.url
    return data


def organization_id(request) -> str:
    return request.build_absolute_uri(reverse("articles:index")) + "#organization"


# The Trust Project's properties of a news publisher, each with the kinds of page
# it points to, the first that exists. publishingPrinciples is the page the Trust
# Project's "best practices" indicator asks for: who the newsroom is, what it
# stands for and who pays for it, with links to its policies; that is the about
# page, and the ethics policy where there is no about page.
TRUST_PROPERTIES = {
    "publishingPrinciples": [Page.Kind.ABOUT, Page.Kind.ETHICS],
    "ethicsPolicy": [Page.Kind.ETHICS],
    "correctionsPolicy": [Page.Kind.CORRECTIONS_POLICY],
    "masthead": [Page.Kind.MASTHEAD],
    "actionableFeedbackPolicy": [Page.Kind.CONTACT],
}


def trust_properties(request, pages) -> dict:
    """The Trust Project's properties for the pages there are (``pages``, as
    ``articles.pages.site_pages`` gives them), each an absolute address."""
    by_kind = {page.kind: page for page in pages}
    found = {}
    for name, kinds in TRUST_PROPERTIES.items():
        page = next((by_kind[kind] for kind in kinds if kind in by_kind), None)
        if page is not None:
            found[name] = request.build_absolute_uri(page.get_absolute_url())
    return found


def publisher_data(request, pages=()) -> dict:
    """The newsroom, as story pages name it: by the ``@id`` of the front page's
    ``organization``, with its policies (``trust_properties``)."""
    return {
        "@type": "NewsMediaOrganization",
        "@id": organization_id(request),
        "name": settings.SITE_NAME,
        **trust_properties(request, pages),
    }


def organization(request, pages=()) -> dict:
    """The newsroom itself, on the front page: the most specific type of
    Organization, as Google asks, with its policies (``trust_properties``)."""
    data = {
        "@context": "https://schema.org",
        "@type": "NewsMediaOrganization",
        "@id": organization_id(request),
        "name": settings.SITE_NAME,
        "url": request.build_absolute_uri(reverse("articles:index")),
        "logo": {
            "@type": "ImageObject",
            "url": request.build_absolute_uri(static(LOGO["path"])),
            "width": LOGO["width"],
            "height": LOGO["height"],
        },
        **trust_properties(request, pages),
    }
    if settings.ORGANIZATION_SAME_AS:
        data["sameAs"] = settings.ORGANIZATION_SAME_AS
    return data


def website_id(request) -> str:
    return request.build_absolute_uri(reverse("articles:index")) + "#website"


def website(request) -> dict:
    """The site, with the search box search engines may show for it."""
    home = request.build_absolute_uri(reverse("articles:index"))
    search = request.build_absolute_uri(reverse("articles:search"))
    return {
        "@context": "https://schema.org",
        "@type": "WebSite",
        "@id": website_id(request),
        "name": settings.SITE_NAME,
        "url": home,
        "inLanguage": settings.LANGUAGE_CODE,
        "publisher": {"@id": organization_id(request)},
        "potentialAction": {
            "@type": "SearchAction",
            "target": {
                "@type": "EntryPoint",
                "urlTemplate": f"{search}?q={{search_term_string}}",
            },
            "query-input": "required name=search_term_string",
        },
    }


def image_objects(request, story: Story) -> list[dict]:
    """The story's picture as search engines ask for it: 16:9, 4:3 and 1:1 crops
    around its focal point, with its caption, credit and copyright; else its share
    card (a drawn card for a story without a picture)."""
    picture = story.lead_image if story.lead_image_id else None
    sources = picture.crop_sources() if picture else []
    if not sources:
        sources = [(*SHARE_SIZE, story.share_image_url)]
        picture = picture if picture and picture.share_url else None
    about = {}
    if picture is not None:
        about = {
            "caption": picture.caption,
            "creditText": picture.credit,
            "copyrightNotice": picture.copyright,
        }
    return [
        {
            "@type": "ImageObject",
            "url": request.build_absolute_uri(url),
            "width": width,
            "height": height,
            **{name: value for name, value in about.items() if value},
        }
        for width, height, url in sources
    ]


def story_article(request, page, pages=()) -> dict:
    """NewsArticle for a public story (an ``articles.story_page.StoryPage``), with
    bylines, people, sources and corrections, published by the newsroom with its
    ``pages``; LiveBlogPosting, with its posts as updates, for a story covered live."""
    story = page.story
    url = request.build_absolute_uri(story.get_absolute_url())
    authors = [person_data(request, byline.person) for byline in page.bylines]
    if not authors and story.original_publisher:
        authors = [source_data(request, story.original_publisher)]
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": story.headline,
        "description": story.seo_description or story.dek,
        "genre": story.get_story_type_display(),
        "url": url,
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "datePublished": iso(story.published_at),
        "dateModified": iso(page.updated_at),
        "inLanguage": settings.LANGUAGE_CODE,
        "author": authors,
        "publisher": publisher_data(request, pages),
        "keywords": [tag.name for tag in page.tags],
        "about": [person_data(request, person) for person in page.people],
        "mentions": [
            source_data(request, citation.source)
            for citation in page.citations
            if not citation.source.is_anonymous()
        ],
        "correction": [
            {
                "@type": "CorrectionComment",
                "text": correction.text,
                "datePublished": iso(correction.created_at),
            }
            for correction in page.corrections
        ],
    }
    if story.section:
        data["articleSection"] = story.section.name
    data["image"] = image_objects(request, story)
    if story.canonical_url:
        data["isBasedOn"] = story.canonical_url
    if page.live is not None:
        data.update(live_blog(request, page.live, url))
    return data


def live_blog(request, live, url: str) -> dict:
    """What makes a story covered live a LiveBlogPosting: when its coverage began
    (and ended), and each post as a BlogPosting, newest first. Its dateModified is
    the page's, which counts the posts."""
    data = {
        "@type": "LiveBlogPosting",
        "coverageStartTime": iso(live.story.live_from),
        "liveBlogUpdate": [
            {
                "@type": "BlogPosting",
                "headline": live.summary(post),
                "url": f"{url}#post-{post.pk}",
                "datePublished": iso(post.published_at),
                "dateModified": iso(post.updated_at),
                "articleBody": public_text(post.body),
                "author": person_data(request, post.author),
            }
            for post in live.posts
        ],
    }
    if live.story.live_until:
        data["coverageEndTime"] = iso(live.story.live_until)
    return data


def story_breadcrumbs(request, story: Story) -> dict:
    """Front page › section › story."""
    trail = [(settings.SITE_NAME, reverse("articles:index"))]
    if story.section:
        trail.append((story.section.name, story.section.get_absolute_url()))
    trail.append((story.headline, story.get_absolute_url()))
    return {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            {
                "@type": "ListItem",
                "position": position,
                "name": name,
                "item": request.build_absolute_uri(path),
            }
            for position, (name, path) in enumerate(trail, start=1)
        ],
    }


def person_profile(request, person: Person) -> dict:
    data = {"@context": "https://schema.org", **person_data(request, person)}
    if person.bio:
        data["description"] = person.bio
    return data


# What schema.org calls the site's own pages, by kind; the others are WebPages.
PAGE_TYPES = {Page.Kind.ABOUT: "AboutPage", Page.Kind.CONTACT: "ContactPage"}


def site_page(request, page: Page, summary: str = "") -> dict:
    """One of the site's own pages: AboutPage, ContactPage or WebPage, part of the
    site and published by the newsroom, both by their ``@id``."""
    url = request.build_absolute_uri(page.get_absolute_url())
    data = {
        "@context": "https://schema.org",
        "@type": PAGE_TYPES.get(page.kind, "WebPage"),
        "@id": url,
        "url": url,
        "name": page.title,
        "dateModified": iso(page.updated_at),
        "inLanguage": settings.LANGUAGE_CODE,
        "isPartOf": {"@id": website_id(request)},
        "publisher": {"@id": organization_id(request)},
    }
    if summary:
        data["description"] = summary
    if page.kind == Page.Kind.ABOUT:
        data["about"] = {"@id": organization_id(request)}
    return data
