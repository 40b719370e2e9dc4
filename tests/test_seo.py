"""What search engines and aggregators read on story and person pages, and the
pages made for them and for readers: story types, corrections, related
stories and date archives."""

import datetime
import json
from html.parser import HTMLParser

import pytest
from django.utils import timezone

from articles.models import Source, Story
from newsroom.jinja2 import machine_time
from tests.factories import (
    BylineFactory,
    CitationFactory,
    PersonFactory,
    SectionFactory,
    SourceFactory,
    StoryFactory,
    story_with_everything,
)
from tests.forms import story_form
from tests.pages import card_headlines
from tests.pictures import library_picture
from tests.test_views import PAGE_CACHE_QUERIES, SITE_PAGES_QUERIES, count_queries

pytestmark = pytest.mark.django_db

PUBLISHED = datetime.datetime(2025, 2, 12, 12, tzinfo=datetime.UTC)


class Head(HTMLParser):
    """Meta tags ({property or name: [contents]}), links and JSON-LD blocks of a page."""

    def __init__(self, html):
        super().__init__()
        self.meta, self.links, self.jsonld = {}, {}, []
        self.in_jsonld = False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta":
            key = attrs.get("property") or attrs.get("name")
            self.meta.setdefault(key, []).append(attrs.get("content"))
        elif tag == "link":
            self.links.setdefault(attrs.get("rel"), []).append(attrs.get("href"))
        elif tag == "script" and attrs.get("type") == "application/ld+json":
            self.in_jsonld = True

    def handle_data(self, data):
        if self.in_jsonld:
            self.jsonld.append(json.loads(data))

    def handle_endtag(self, tag):
        self.in_jsonld = False

    def of_type(self, kind):
        [data] = [item for item in self.jsonld if item["@type"] == kind]
        return data


@pytest.fixture
def story():
    world = SectionFactory(name="World", slug="world")
    story = StoryFactory(
        headline="Talks </script> begin",
        slug="talks-begin",
        dek="Delegations met.",
        seo_description="Delegations met in Riyadh for four hours.",
        story_type=Story.Type.ANALYSIS,
        section=world,
        published_at=PUBLISHED,
    )
    BylineFactory(story=story, person=PersonFactory(name="Ada Reporter", slug="ada"), order=1)
    BylineFactory(story=story, person=PersonFactory(name="Ben Writer", slug="ben"), order=2)
    story.people.add(
        PersonFactory(
            name="Vladimir Putin",
            slug="putin",
            same_as="https://www.wikidata.org/wiki/Q7747",
        )
    )
    story.tags.add("Diplomacy", "Russia")
    CitationFactory(story=story, source=SourceFactory(name="Interfax", url="https://interfax.ru"))
    CitationFactory(story=story, source=SourceFactory(name="An aide", kind=Source.Kind.ANONYMOUS))
    CitationFactory(
        story=story,
        source=SourceFactory(
            name="Kremlin spokesman",
            kind=Source.Kind.OFFICIAL,
            person=PersonFactory(name="Dmitry Peskov", slug="peskov", title="Spokesman"),
        ),
    )
    story.corrections.create(
        text="The talks lasted four hours, not five.",
        created_at=datetime.datetime(2025, 2, 13, 9, 30, 15, 250000, tzinfo=datetime.UTC),
    )
    story.refresh_from_db()
    return story


def head_of(client, story):
    response = client.get(story.get_absolute_url())
    assert response.status_code == 200
    return Head(response.text)


def test_story_page_has_title_description_canonical_and_social_tags(client, story):
    head = head_of(client, story)
    url = "http://testserver/2025/02/12/talks-begin/"

    assert head.links["canonical"] == [url]
    assert head.meta["description"] == ["Delegations met in Riyadh for four hours."]
    assert head.meta["robots"] == ["max-image-preview:large"]
    assert head.meta["og:type"] == ["article"]
    assert head.meta["og:title"] == ["Talks </script> begin"]
    assert head.meta["og:url"] == [url]
    assert head.meta["og:description"] == ["Delegations met in Riyadh for four hours."]
    assert head.meta["article:published_time"] == ["2025-02-12T12:00:00+00:00"]
    assert head.meta["article:modified_time"] == [machine_time(story.updated_at)]
    assert head.meta["article:author"] == [
        "http://testserver/people/ada/",
        "http://testserver/people/ben/",
    ]
    assert head.meta["article:section"] == ["World"]
    assert sorted(head.meta["article:tag"]) == ["Diplomacy", "Russia"]
    card = "summary_large_image" if getattr(story, "share_image_url", None) else "summary"
    assert head.meta["twitter:card"] == [card]
    assert head.meta["twitter:title"] == ["Talks </script> begin"]


def test_share_image_is_used_once_stories_have_one(client, story, monkeypatch):
    monkeypatch.setattr(Story, "share_image_url", "/media/share/talks.jpg", raising=False)

    head = head_of(client, story)

    assert head.meta["og:image"] == ["http://testserver/media/share/talks.jpg"]
    assert head.meta["twitter:image"] == ["http://testserver/media/share/talks.jpg"]
    assert head.meta["twitter:card"] == ["summary_large_image"]
    assert head.of_type("NewsArticle")["image"] == [
        {
            "@type": "ImageObject",
            "url": "http://testserver/media/share/talks.jpg",
            "width": 1200,
            "height": 630,
        }
    ]


def test_republished_story_points_search_engines_to_the_original(client, story):
    story.canonical_url = "https://www.ft.com/content/example"
    story.save()
    head = head_of(client, story)
    assert head.links["canonical"] == ["https://www.ft.com/content/example"]
    assert head.meta["og:url"] == ["https://www.ft.com/content/example"]
    assert head.of_type("NewsArticle")["isBasedOn"] == "https://www.ft.com/content/example"


def test_story_page_has_news_article_structured_data(client, story):
    article = head_of(client, story).of_type("NewsArticle")
    url = "http://testserver/2025/02/12/talks-begin/"

    assert article["@context"] == "https://schema.org"
    assert article["headline"] == "Talks </script> begin"
    assert article["description"] == "Delegations met in Riyadh for four hours."
    assert article["genre"] == "Analysis"
    assert article["datePublished"] == "2025-02-12T12:00:00+00:00"
    assert datetime.datetime.fromisoformat(article["dateModified"]) == story.updated_at
    assert article["author"] == [
        {"@type": "Person", "name": "Ada Reporter", "url": "http://testserver/people/ada/"}
        | {"jobTitle": "Correspondent"},
        {"@type": "Person", "name": "Ben Writer", "url": "http://testserver/people/ben/"}
        | {"jobTitle": "Correspondent"},
    ]
    # The front page's Organization, by its @id.
    assert article["publisher"] == {
        "@type": "NewsMediaOrganization",
        "@id": "http://testserver/#organization",
        "name": "Newsroom",
    }
    assert article["mainEntityOfPage"] == {"@type": "WebPage", "@id": url}
    assert article["articleSection"] == "World"
    assert sorted(article["keywords"]) == ["Diplomacy", "Russia"]
    [putin] = article["about"]
    assert putin["name"] == "Vladimir Putin"
    assert putin["sameAs"] == ["https://www.wikidata.org/wiki/Q7747"]
    assert article["mentions"] == [
        {"@type": "Organization", "name": "Interfax", "url": "https://interfax.ru"},
        # A source who is a person is named as that person.
        {
            "@type": "Person",
            "name": "Dmitry Peskov",
            "url": "http://testserver/people/peskov/",
            "jobTitle": "Spokesman",
        },
    ]
    [correction] = article["correction"]
    assert correction["@type"] == "CorrectionComment"
    assert correction["text"] == "The talks lasted four hours, not five."
    assert correction["datePublished"] == "2025-02-13T09:30:15.250000+00:00"


def test_structured_data_cannot_close_its_script_element(client, story):
    html = client.get(story.get_absolute_url()).text
    block = html.split('<script type="application/ld+json">', 1)[1].split("</script>", 1)[0]
    assert "Talks \\u003C/script\\u003E begin" in block


def test_story_page_has_breadcrumbs(client, story):
    crumbs = head_of(client, story).of_type("BreadcrumbList")["itemListElement"]
    assert [(c["position"], c["name"], c["item"]) for c in crumbs] == [
        (1, "Newsroom", "http://testserver/"),
        (2, "World", "http://testserver/sections/world/"),
        (3, "Talks </script> begin", "http://testserver/2025/02/12/talks-begin/"),
    ]


def test_preview_carries_no_structured_data_and_stays_out_of_search(client):
    story = StoryFactory(draft=True)
    head = Head(client.get(story.get_preview_url()).text)
    assert head.meta["robots"] == ["noindex, nofollow"]
    assert head.jsonld == []
    assert "og:title" not in head.meta


def test_person_page_has_person_structured_data(client, story):
    head = Head(client.get("/people/putin/").text)
    person = head.of_type("Person")
    assert person["name"] == "Vladimir Putin"
    assert person["url"] == "http://testserver/people/putin/"
    assert person["sameAs"] == ["https://www.wikidata.org/wiki/Q7747"]


def test_story_type_is_shown_above_the_headline_and_on_cards(client, story):
    html = client.get(story.get_absolute_url()).text
    assert html.index('class="story-type story-type--analysis">Analysis</p>') < html.index(
        '<h1 class="headline">'
    )
    front = client.get("/").text
    assert ">Analysis</p>" in front


def test_editor_sets_the_story_type_in_the_admin(editor_client, story):
    url = f"/admin/articles/story/{story.pk}/change/"
    data = story_form(editor_client, url)
    assert data["story_type"] == "analysis"

    response = editor_client.post(url, {**data, "story_type": "opinion"})

    assert response.status_code == 302
    assert ">Opinion</p>" in editor_client.get(story.get_absolute_url()).text
    bad = editor_client.post(url, {**story_form(editor_client, url), "story_type": "gossip"})
    assert bad.status_code == 200
    story.refresh_from_db()
    assert story.story_type == "opinion"


def test_corrections_page_lists_every_public_correction_with_its_story(client, story):
    hidden = StoryFactory(headline="Draft with a fix", draft=True)
    hidden.corrections.create(text="Never public.")
    other = StoryFactory(headline="Second story")
    other.corrections.create(text="A newer fix.", created_at=timezone.now())

    response = client.get("/corrections/")

    assert response.status_code == 200
    html = response.text
    assert html.index("A newer fix.") < html.index("The talks lasted four hours, not five.")
    assert f'href="{story.get_absolute_url()}">Talks &lt;/script&gt; begin</a>' in html
    assert "Never public." not in html
    assert 'href="/corrections/"' in client.get("/").text


def test_related_stories_put_the_editors_choice_first_then_shared_people_and_tags(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        putin, trump = PersonFactory(), PersonFactory()
        story = StoryFactory(headline="Main")
        story.people.add(putin, trump)
        story.tags.add("Russia", "Diplomacy")
        chosen = StoryFactory(headline="Chosen by the desk")
        story.related.add(chosen)
        most = StoryFactory(headline="Shares three")
        most.people.add(putin, trump)
        most.tags.add("Russia")
        some = StoryFactory(headline="Shares one")
        some.tags.add("Diplomacy")
        StoryFactory(headline="Shares nothing")
        hidden = StoryFactory(headline="Shares all but is a draft", draft=True)
        hidden.people.add(putin, trump)

    html = client.get(story.get_absolute_url()).text
    related = html.split('id="related-title"', 1)[1]

    assert related.index("Chosen by the desk") < related.index("Shares three")
    assert related.index("Shares three") < related.index("Shares one")
    assert "Shares nothing" not in related
    assert "draft" not in related


def test_related_stories_come_from_the_stories_published_around_it(
    client, monkeypatch, django_capture_on_commit_callbacks
):
    from articles import story_page

    monkeypatch.setattr(story_page, "NEIGHBOURS", 2)
    day = datetime.timedelta(days=1)

    def tagged(headline, when):
        story = StoryFactory(headline=headline, published_at=when)
        story.tags.add("Harvest")
        return story

    with django_capture_on_commit_callbacks(execute=True):
        story = tagged("Main", PUBLISHED)
        tagged("Two before", PUBLISHED - 2 * day)
        tagged("Three before", PUBLISHED - 3 * day)
        tagged("One after", PUBLISHED + day)
        chosen = tagged("Years before, chosen by the desk", PUBLISHED - 1000 * day)
        story.related.add(chosen)
        tagged("Years before", PUBLISHED - 999 * day)
        StoryFactory(headline="Untagged, one before", published_at=PUBLISHED - day)

    related = client.get(story.get_absolute_url()).text.split('id="related-title"', 1)[1]

    # The two stories published before it are "Untagged" and "Two before".
    for headline in ["Years before, chosen by the desk", "Two before", "One after"]:
        assert headline in related
    assert "Three before" not in related
    assert "Years before</a>" not in related


def test_date_archives_list_the_stories_of_a_year_month_and_day(client):
    StoryFactory(headline="Twelfth", published_at=PUBLISHED)
    StoryFactory(headline="Thirteenth", published_at=PUBLISHED + datetime.timedelta(days=1))
    StoryFactory(headline="March", published_at=PUBLISHED + datetime.timedelta(days=30))
    StoryFactory(headline="Draft", published_at=PUBLISHED, status=Story.Status.DRAFT)

    def headlines(url):
        response = client.get(url)
        assert response.status_code == 200, url
        return card_headlines(response)

    assert headlines("/2025/") == ["March", "Thirteenth", "Twelfth"]
    assert headlines("/2025/02/") == ["Thirteenth", "Twelfth"]
    assert headlines("/2025/02/12/") == ["Twelfth"]
    month = client.get("/2025/02/").text
    assert 'href="/2025/02/12/"' in month and 'href="/2025/03/"' in month


@pytest.mark.parametrize(
    "url",
    [
        "/2024/",
        "/2025/01/",
        "/2025/02/11/",
        "/2025/13/",
        "/2025/00/",
        "/2025/02/30/",
        "/0000/",
        "/9999/",
        "/9999/12/",
        "/9999/12/31/",
        "/2025/?page=abc",
        "/2025/?page=99",
        "/corrections/?page=abc",
    ],
)
def test_bad_or_empty_dates_answer_404(client, url):
    StoryFactory(published_at=PUBLISHED)
    assert client.get(url).status_code == 404


def test_future_stories_stay_out_of_the_archives(client):
    story = StoryFactory(headline="Embargoed", scheduled=True)
    day = timezone.localtime(story.published_at)
    assert client.get(f"/{day:%Y/%m/%d}/").status_code == 404
    assert "Embargoed" not in client.get(f"/{day:%Y}/").text


def test_new_pages_query_counts_do_not_grow_with_stories_or_relations(client):
    world = SectionFactory(name="World", slug="world")
    first = story_with_everything(section=world, published_at=PUBLISHED)
    person = first.people.first()
    urls = ["/corrections/", "/2025/", "/2025/02/", "/2025/02/12/", f"/people/{person.slug}/"]
    small = [count_queries(client, url) for url in urls]
    for hours in range(20):
        story = story_with_everything(
            section=world,
            published_at=PUBLISHED + datetime.timedelta(hours=hours),
            n_authors=3,
            n_people=3,
            n_tags=3,
        )
        story.people.add(person)
    big = [count_queries(client, url) for url in urls]

    assert big == small
    # Archives spend up to four queries finding the previous and next dates; a
    # person page asks how many stories the person has, in two bounded probes.
    budgets = [render + PAGE_CACHE_QUERIES + SITE_PAGES_QUERIES for render in [2, 7, 7, 8, 6]]
    assert all(count <= budget for count, budget in zip(big, budgets, strict=True)), big


# The front page, share cards and the pictures search engines show


@pytest.fixture
def picture(django_capture_on_commit_callbacks):
    """A picture 800 pixels wide, its renditions made, its focal point near its right end."""
    image = library_picture(django_capture_on_commit_callbacks, focal_x=0.9, focal_y=0.4)
    assert image.ready
    return image


def test_front_page_names_the_newsroom_and_its_search_box(client, settings, story):
    settings.ORGANIZATION_SAME_AS = ["https://www.wikidata.org/wiki/Q1", "https://x.com/newsroom"]

    head = Head(client.get("/").text)

    organization = head.of_type("NewsMediaOrganization")
    assert organization["@context"] == "https://schema.org"
    assert organization["@id"] == "http://testserver/#organization"
    assert organization["name"] == "Newsroom"
    assert organization["url"] == "http://testserver/"
    assert organization["logo"]["url"] == "http://testserver/static/img/logo.png"
    assert (organization["logo"]["width"], organization["logo"]["height"]) == (600, 60)
    assert client.get("/static/img/logo.png").status_code == 200
    assert organization["sameAs"] == [
        "https://www.wikidata.org/wiki/Q1",
        "https://x.com/newsroom",
    ]
    site = head.of_type("WebSite")
    assert site["url"] == "http://testserver/"
    assert site["publisher"] == {"@id": "http://testserver/#organization"}
    action = site["potentialAction"]
    assert action["@type"] == "SearchAction"
    assert action["target"]["urlTemplate"] == "http://testserver/search/?q={search_term_string}"
    assert action["query-input"] == "required name=search_term_string"
    assert head.meta["og:locale"] == ["en_GB"]
    # A story names the same newsroom as its publisher.
    publisher = head_of(client, story).of_type("NewsArticle")["publisher"]
    assert publisher["@id"] == organization["@id"]


def test_front_page_without_profiles_elsewhere_has_no_same_as(client, settings, story):
    settings.ORGANIZATION_SAME_AS = []
    organization = Head(client.get("/").text).of_type("NewsMediaOrganization")
    assert "sameAs" not in organization


def test_share_tags_give_the_locale_size_and_alt_text_of_the_picture(client, story, picture):
    story.lead_image = picture
    story.save()

    head = head_of(client, story)

    share = f"http://testserver{picture.share_url}"
    assert head.meta["og:locale"] == ["en_GB"]
    assert head.meta["og:image"] == [share]
    assert head.meta["og:image:width"] == ["1200"]
    assert head.meta["og:image:height"] == ["630"]
    assert head.meta["og:image:alt"] == ["Delegates at the table in Riyadh"]
    assert head.meta["twitter:image"] == [share]
    assert head.meta["twitter:image:alt"] == ["Delegates at the table in Riyadh"]


def test_a_story_without_a_picture_describes_its_drawn_card(client, story):
    head = head_of(client, story)
    assert head.meta["og:image"][0].startswith(f"http://testserver/cards/{story.pk}-")
    assert head.meta["og:image:alt"] == ["Talks </script> begin"]
    assert head.meta["twitter:image:alt"] == ["Talks </script> begin"]
    [card] = head.of_type("NewsArticle")["image"]
    assert (card["width"], card["height"]) == (1200, 630)
    assert "creditText" not in card


def test_og_locale_follows_the_language_code(client, settings, story):
    settings.LANGUAGE_CODE = "pt-br"
    from newsroom.jinja2 import environment

    env = environment()
    assert env.globals["OG_LOCALE"] == "pt_BR"


def test_news_article_lists_16_9_4_3_and_1_1_crops_at_least_1200_wide_with_credits(
    client, story, picture
):
    from articles.images import CROP_SHAPES
    from tests.test_images import opened

    story.lead_image = picture
    story.save()

    images = head_of(client, story).of_type("NewsArticle")["image"]

    assert len(images) == len(CROP_SHAPES)
    ratios = []
    for item, shape in zip(images, CROP_SHAPES, strict=True):
        assert item["@type"] == "ImageObject"
        assert item["width"] >= 1200
        assert shape in item["url"]
        assert item["caption"] == "The delegations met for four hours."
        assert item["creditText"] == "Jane Doe/Agency"
        assert item["copyrightNotice"] == "© Agency 2025"
        stored = opened(item["url"].removeprefix("http://testserver/media/"))
        assert stored.size == (item["width"], item["height"])
        ratios.append(round(item["width"] / item["height"], 2))
    assert ratios == [1.78, 1.33, 1.0]


def test_make_crops_crops_pictures_cropped_to_an_older_size_once(story, picture):
    from io import StringIO

    from django.core.management import call_command

    from articles.models import Image

    older = {shape: [800, 450, name] for shape, (_, _, name) in picture.renditions["crops"].items()}
    Image.objects.filter(pk=picture.pk).update(renditions={**picture.renditions, "crops": older})

    out = StringIO()
    call_command("make_crops", stdout=out)

    assert out.getvalue().strip() == "Queued crops for 1 picture."
    picture.refresh_from_db()
    crops = picture.renditions["crops"]
    assert {shape: crop[:2] for shape, crop in crops.items()} == {
        "16x9": [1200, 675],
        "4x3": [1200, 900],
        "1x1": [1200, 1200],
    }
    again = StringIO()
    call_command("make_crops", stdout=again)
    assert again.getvalue().strip() == "Queued crops for 0 pictures."
