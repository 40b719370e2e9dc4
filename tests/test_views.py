import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import set_script_prefix
from django.utils import timezone

from articles.cache import content_state
from articles.models import Source
from newsroom.jinja2 import machine_time
from tests.factories import (
    BylineFactory,
    CitationFactory,
    CorrectionFactory,
    PersonFactory,
    SectionFactory,
    SourceFactory,
    StoryFactory,
    story_with_everything,
)
from tests.pages import card_headlines

DAY = datetime.timedelta(days=1)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return SectionFactory(name="World", slug="world")


@pytest.fixture
def reporter():
    return PersonFactory(name="Ada Reporter", slug="ada-reporter")


@pytest.fixture
def subject():
    return PersonFactory(name="Sam Subject", slug="sam-subject")


@pytest.fixture
def agency():
    return SourceFactory(name="Wire Agency", slug="wire-agency")


def make_story(world, reporter, subject, agency, **kwargs):
    story = StoryFactory(section=world, **kwargs)
    BylineFactory(story=story, person=reporter)
    story.people.add(subject)
    CitationFactory(story=story, source=agency)
    story.tags.add("Diplomacy")
    return story


LISTINGS = [
    "/",
    "/sections/world/",
    "/tags/diplomacy/",
    "/people/ada-reporter/",
    "/people/sam-subject/",
    "/sources/wire-agency/",
]


def test_published_story_is_on_its_page_and_every_listing(client, world, reporter, subject, agency):
    story = make_story(world, reporter, subject, agency, headline="Talks begin in Riyadh")

    response = client.get(story.get_absolute_url())
    assert response.status_code == 200
    assert "Talks begin in Riyadh" in response.text
    for url in LISTINGS:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "Talks begin in Riyadh" in response.text, url


@pytest.mark.parametrize("state", ["draft", "in_review", "scheduled"])
def test_unpublished_story_answers_404_and_is_absent_from_every_listing(
    client, world, reporter, subject, agency, state
):
    story = make_story(world, reporter, subject, agency, headline="Secret copy", **{state: True})
    url = story.get_absolute_url() or f"/{timezone.now():%Y/%m/%d}/{story.slug}/"

    response = client.get(url)
    assert response.status_code == 404
    assert "Secret copy" not in response.text
    for listing in LISTINGS:
        assert "Secret copy" not in client.get(listing).text, listing


def test_withdrawn_story_answers_410_with_a_notice_and_leaves_listings(
    client, world, reporter, subject, agency
):
    story = make_story(world, reporter, subject, agency, headline="Wrong claims", withdrawn=True)

    response = client.get(story.get_absolute_url())
    assert response.status_code == 410
    assert "withdrawn" in response.text
    assert "Wrong claims" not in response.text
    for listing in LISTINGS:
        assert "Wrong claims" not in client.get(listing).text, listing


def test_withdrawn_story_that_never_went_public_answers_404(client):
    story = StoryFactory(withdrawn=True, scheduled=True)
    assert client.get(story.get_absolute_url()).status_code == 404


def test_story_at_a_wrong_date_redirects_permanently_to_its_address(client):
    story = StoryFactory(
        slug="moved", published_at=datetime.datetime(2025, 2, 12, 12, tzinfo=datetime.UTC)
    )
    response = client.get("/2025/02/11/moved/")
    assert response.status_code == 301
    assert response["Location"] == story.get_absolute_url() == "/2025/02/12/moved/"


def test_story_page_shows_everything_about_the_story(client, world, reporter, subject, agency):
    publisher = SourceFactory(
        name="Financial Times", slug="financial-times", kind=Source.Kind.PUBLICATION
    )
    story = make_story(
        world,
        reporter,
        subject,
        agency,
        kicker="Ukraine war",
        dek="The standfirst.",
        original_publisher=publisher,
        canonical_url="https://www.ft.com/content/example",
    )
    story.bylines.update(role="in Washington")

    html = client.get(story.get_absolute_url()).text

    assert '<p class="kicker">Ukraine war</p>' in html
    assert "The standfirst." in html
    assert 'href="/people/ada-reporter/" rel="author">Ada Reporter</a> in Washington' in html
    assert f'<time datetime="{machine_time(story.published_at)}">' in html
    assert 'href="/people/sam-subject/">Sam Subject</a>' in html
    assert 'href="/sources/wire-agency/">Wire Agency</a>: told reporters' in html
    assert 'href="/tags/diplomacy/" rel="tag">Diplomacy</a>' in html
    assert 'href="/sections/world/">World</a>' in html
    assert '<link rel="canonical" href="https://www.ft.com/content/example">' in html
    assert "Originally published by" in html
    assert ">Financial Times</a>" in html


def test_story_without_canonical_url_is_its_own_canonical(client):
    story = StoryFactory()
    html = client.get(story.get_absolute_url()).text
    assert f'<link rel="canonical" href="http://testserver{story.get_absolute_url()}">' in html


def test_corrections_are_shown_newest_first(client):
    story = StoryFactory()
    story.corrections.create(
        text="First fix.", created_at=timezone.now() - datetime.timedelta(hours=2)
    )
    story.corrections.create(text="Second fix.", created_at=timezone.now())

    html = client.get(story.get_absolute_url()).text

    assert "Corrections" in html
    assert html.index("Second fix.") < html.index("First fix.")


def test_person_page_separates_stories_by_from_stories_about(client, reporter):
    by = StoryFactory(headline="Written by Ada")
    BylineFactory(story=by, person=reporter)
    about = StoryFactory(headline="All about Ada")
    about.people.add(reporter)

    html = client.get("/people/ada-reporter/").text

    by_section = html.index("Stories by Ada Reporter")
    about_section = html.index("Stories about Ada Reporter")
    assert by_section < html.index("Written by Ada") < about_section < html.index("All about Ada")


def test_cards_show_the_publication_time_in_the_sites_time_zone(client, world, settings):
    settings.TIME_ZONE = "Europe/London"
    StoryFactory(
        headline="Summer",
        section=world,
        published_at=datetime.datetime(2025, 7, 1, 23, 30, tzinfo=datetime.UTC),
    )

    html = client.get("/sections/world/").text

    # 00:30 the next day in London (BST); the address has the local day too.
    assert '<time datetime="2025-07-02T00:30:00+01:00">2 July 2025, 00:30</time>' in html
    assert 'href="/2025/07/02/' in html


def test_listings_are_paginated(client, world):
    now = timezone.now()
    for hours in range(25):
        StoryFactory(
            headline=f"{hours} hours ago",
            section=world,
            published_at=now - datetime.timedelta(hours=hours),
        )
    # Stories published at the same moment keep one order across pages.
    for n in range(3):
        StoryFactory(headline=f"Same moment {n}", section=world, published_at=now - 3 * DAY)

    first = client.get("/sections/world/")
    second = client.get("/sections/world/?page=2")

    assert card_headlines(first) == [f"{hours} hours ago" for hours in range(20)]
    assert 'href="?page=2" rel="next"' in first.text
    assert second.status_code == 200
    shown = card_headlines(second)
    assert shown[:5] == [f"{hours} hours ago" for hours in range(20, 25)]
    assert sorted(shown[5:]) == ["Same moment 0", "Same moment 1", "Same moment 2"]


@pytest.mark.parametrize(
    "url",
    [
        "/?page=abc",
        "/?page=999999",
        "/?page=-1",
        "/sections/world/?page=0",
        "/sections/nowhere/",
        "/tags/nothing-here/",
        "/people/nobody/",
        "/sources/no-one/",
        "/2025/02/31/x/",
        "/2025/13/01/x/",
        "/0000/01/01/x/",
        "/2025/02/12/no-such-story/",
        "/2025/2/12/short-date/",
        "/" + "a" * 5000 + "/",
        "/2025/02/12/" + "a" * 5000 + "/",
        "/tags/" + "%00" * 10 + "/",
        "/tags/a%00b/",
        "/people/a%00b/",
    ],
)
def test_bad_addresses_answer_404_with_the_sites_own_page(client, world, url):
    StoryFactory(section=world)
    response = client.get(url)
    assert response.status_code == 404
    assert "Page not found" in response.text
    assert '<a class="skip-link" href="#main">' in response.text


def test_tags_with_non_ascii_slugs_have_pages(client):
    story = StoryFactory(headline="Kyiv under fire")
    story.tags.add("Київ")
    slug = story.tags.get().slug
    assert slug == "київ"

    response = client.get(f"/tags/{slug}/")

    assert response.status_code == 200
    assert "Kyiv under fire" in response.text


def test_healthz_answers_ok_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def count_queries(client, url):
    # When scheduled stories go out is read once per change of the content, by
    # the first request after it: read here, so that each page counts its own.
    content_state()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


def public_urls(story, person, source):
    return [
        "/",
        story.get_absolute_url(),
        f"/sections/{story.section.slug}/",
        f"/tags/{story.tags.first().slug}/",
        f"/people/{person.slug}/",
        f"/sources/{source.slug}/",
    ]


# Fixed budgets: a page that needs more has an N+1 or forgot a prefetch.
# The page cache reads the content's state (one query) before rendering a miss
# (and once per change of the content, when its scheduled stories go out).
PAGE_CACHE_QUERIES = 1
# Every page's footer lists the site's own pages (About, Contact…), read once per
# change of the content for all pages of the site: a page made after a change may
# be the one that reads them.
SITE_PAGES_QUERIES = 1
QUERY_BUDGET = {
    name: render + PAGE_CACHE_QUERIES + SITE_PAGES_QUERIES
    for name, render in {"/": 3, "story": 8, "listing": 4}.items()
}


def test_query_counts_do_not_grow_with_relations_or_stories(client):
    world = SectionFactory(name="World", slug="world")
    person = PersonFactory(slug="the-author")
    source = SourceFactory(slug="the-source")

    def add_story(**sizes):
        story = story_with_everything(section=world, **sizes)
        BylineFactory(story=story, person=person, order=99)
        CitationFactory(story=story, source=source, order=99)
        story.people.add(person)
        story.tags.add("Shared tag")
        return story

    small = add_story()
    small_counts = [count_queries(client, url) for url in public_urls(small, person, source)]

    big = add_story(n_people=8, n_sources=6, n_tags=7, n_authors=4)
    big.related.add(small)
    for _ in range(15):
        add_story(n_people=3, n_sources=3, n_tags=3, n_authors=3)
    big_counts = [count_queries(client, url) for url in public_urls(big, person, source)]

    assert big_counts == small_counts
    front, story, *listings = big_counts
    assert front <= QUERY_BUDGET["/"]
    assert story <= QUERY_BUDGET["story"]
    assert max(listings) <= QUERY_BUDGET["listing"]


def test_listings_never_count_the_archive_and_stop_at_the_page_cap(client, world, monkeypatch):
    from articles.pagination import NextPagePaginator

    monkeypatch.setattr(NextPagePaginator, "max_pages", 2)
    StoryFactory.create_batch(45, section=world)

    with CaptureQueriesContext(connection) as queries:
        second = client.get("/sections/world/?page=2")
    sql = [q["sql"] for q in queries]

    assert second.status_code == 200
    assert "Page 2" in second.text and 'rel="prev"' in second.text
    assert not any("COUNT(" in query.upper() for query in sql)
    # One row more than a page shows, to know that an older page exists.
    assert any("LIMIT 21 OFFSET 20" in query for query in sql)
    # Past the cap: 404, although stories are left.
    assert client.get("/sections/world/?page=3").status_code == 404


def test_the_last_page_of_a_listing_has_no_older_link_and_the_next_is_404(client, world):
    StoryFactory.create_batch(25, section=world)

    last = client.get("/sections/world/?page=2")

    assert last.status_code == 200
    assert 'rel="prev"' in last.text and 'rel="next"' not in last.text
    assert len(card_headlines(last)) == 5
    assert client.get("/sections/world/?page=3").status_code == 404
    assert client.get("/sections/world/?page=last").status_code == 404
    assert 'rel="next"' in client.get("/").text


def test_tag_pages_list_newest_first(client):
    now = timezone.now()
    for age in (3, 1, 2):
        story = StoryFactory(
            headline=f"Tagged {age} days ago", published_at=now - datetime.timedelta(days=age)
        )
        story.tags.add("Harvest")
    StoryFactory(headline="Not tagged")

    html = client.get("/tags/harvest/").text

    positions = [html.index(f"Tagged {age} days ago") for age in (1, 2, 3)]
    assert positions == sorted(positions)
    assert "Not tagged" not in html


def test_person_pages_list_bylines_and_appearances(client):
    person = PersonFactory(slug="ada")
    now = timezone.now()
    for age in (3, 1):
        story = StoryFactory(
            headline=f"Written {age} days ago", published_at=now - datetime.timedelta(days=age)
        )
        BylineFactory(story=story, person=person)
    StoryFactory(
        headline="Appeared 2 days ago", published_at=now - datetime.timedelta(days=2)
    ).people.add(person)
    StoryFactory(headline="Someone else's")
    BylineFactory(story=StoryFactory(headline="Draft of hers", draft=True), person=person)

    response = client.get("/people/ada/")

    assert card_headlines(response) == [
        "Written 1 days ago",
        "Written 3 days ago",
        "Appeared 2 days ago",
    ]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's prepared statements")
def test_a_page_queries_are_planned_once_per_connection_not_on_every_request(client, settings):
    settings.PAGE_CACHE = settings.FRAGMENT_CACHE = False  # every request renders
    story = StoryFactory(headline="Planned once")
    for _ in range(6):
        assert client.get(story.get_absolute_url()).status_code == 200

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
            ['%"articles_story"."slug" = $%'],
        )
        # The story's own query, prepared once for the six requests.
        assert cursor.fetchone()[0] == 1


def test_every_page_header_lists_the_sections_in_the_desk_s_order(client):
    SectionFactory(name="Sport", slug="sport", position=3)
    SectionFactory(name="Business", slug="business", position=2)
    story = StoryFactory(section=SectionFactory(name="World", slug="world", position=1))

    for url in ["/", story.get_absolute_url(), "/sections/sport/"]:
        html = client.get(url).text
        nav = html.split('class="site-nav"', 1)[1].split("</nav>", 1)[0]
        assert nav.index(">World<") < nav.index(">Business<") < nav.index(">Sport<"), url
        assert ('aria-current="page">Sport<' in nav) == (url == "/sections/sport/")


def test_links_follow_the_script_prefix_each_request_is_served_under(client):
    world = SectionFactory(name="World", slug="world")
    story = StoryFactory(section=world, slug="the-story")
    story_path = story.get_absolute_url()

    def served(script_name: str) -> str:
        # As Django's WSGI handler sets it for a site served under a prefix (the
        # test client's handler leaves the prefix alone).
        set_script_prefix(f"{script_name}/")
        try:
            response = client.get("/sections/world/", SCRIPT_NAME=script_name)
        finally:
            set_script_prefix("/")
        assert response.status_code == 200
        return response.text

    under, plain = served("/news"), served("")

    assert f'href="/news{story_path}"' in under
    assert 'href="/news/sections/world/"' in under
    assert f'href="{story_path}"' in plain and 'href="/sections/world/"' in plain
    assert f'href="/news{story_path}"' not in plain


@pytest.mark.parametrize("kind", ["people", "sources", "tags"])
def test_a_person_source_or_tag_only_drafts_use_has_no_public_page(client, kind):
    story = StoryFactory(draft=True)
    if kind == "people":
        thing = PersonFactory(name="A confidential contact", slug="the-contact")
        BylineFactory(story=story, person=thing)
    elif kind == "sources":
        thing = SourceFactory(name="A confidential contact", slug="the-contact")
        CitationFactory(story=story, source=thing)
    else:
        story.tags.add("The contact")
    url = f"/{kind}/the-contact/"

    assert client.get(url).status_code == 404
    assert client.get(f"{url}feed/").status_code == 404

    story.status = "published"
    story.save()
    assert client.get(url).status_code == 200
    assert client.get(f"{url}feed/").status_code == 200


def test_stories_sharing_a_slug_on_two_days_each_have_their_page(client):
    first = StoryFactory(
        slug="summit",
        headline="First summit",
        published_at=datetime.datetime(2025, 2, 12, 9, tzinfo=datetime.UTC),
    )
    second = StoryFactory(
        slug="summit",
        headline="Second summit",
        published_at=datetime.datetime(2025, 8, 1, 9, tzinfo=datetime.UTC),
    )
    assert first.get_absolute_url() == "/2025/02/12/summit/"
    assert "First summit" in client.get("/2025/02/12/summit/").text
    assert "Second summit" in client.get(second.get_absolute_url()).text
    # A wrong date cannot tell which of them was meant.
    assert client.get("/2025/03/01/summit/").status_code == 404


# HTML's "valid global date and time string": at most three digits of a second's fraction.
VALID_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d{1,3})?)?(Z|[+-]\d\d:\d\d)$")


@pytest.mark.django_db
def test_every_time_on_public_pages_is_a_valid_html_date_even_with_microseconds(client):
    moment = timezone.now().replace(microsecond=545575) - datetime.timedelta(days=1)
    story = StoryFactory(published_at=moment)
    CorrectionFactory(story=story)
    pages = [story.get_absolute_url(), "/", "/sections/world/", "/corrections/"]
    found = []
    for path in pages:
        html = client.get(path).text
        found += re.findall(r'<time datetime="([^"]*)"', html)
    assert len(found) >= len(pages)
    assert [value for value in found if not VALID_TIME.match(value)] == []
