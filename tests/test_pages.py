"""The site's own pages (About, Contact, Masthead, the ethics and corrections
policies): their addresses, the footer of every page, the publisher's structured
data, the caches, the admin and the demo."""

import io
import re

import pytest
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils.http import http_date

from articles.cache import content_state
from articles.models import Page, PendingPurge
from tests.factories import PageFactory, StoryFactory
from tests.forms import form_values
from tests.test_seo import Head

pytestmark = pytest.mark.django_db

# (slug, kind, title) of the pages a newsroom publishes about itself.
POLICIES = [
    ("about", Page.Kind.ABOUT, "About us"),
    ("contact", Page.Kind.CONTACT, "Contact us"),
    ("masthead", Page.Kind.MASTHEAD, "Masthead"),
    ("ethics", Page.Kind.ETHICS, "Ethics policy"),
    ("corrections-policy", Page.Kind.CORRECTIONS_POLICY, "Corrections policy"),
]
# What the footer has always linked to, after the pages.
SITE_LINKS = [
    ("/corrections/", "Corrections"),
    ("/feed/", "RSS feed"),
    ("/feed/atom/", "Atom feed"),
]


def make_policies(**fields):
    return [
        PageFactory(slug=slug, kind=kind, title=title, position=position, **fields)
        for position, (slug, kind, title) in enumerate(POLICIES)
    ]


def footer(html: str) -> str:
    return html.split('class="footer-nav"', 1)[1].split("</nav>", 1)[0]


def footer_links(html: str) -> list[tuple[str, str]]:
    return re.findall(r'<a href="([^"]+)"[^>]*>([^<]+)</a>', footer(html))


def publisher(html: str, kind: str) -> dict:
    """The publisher as the page's structured data of ``kind`` names it."""
    data = Head(html).of_type(kind)
    return data if kind == "NewsMediaOrganization" else data["publisher"]


def page_form(**fields) -> dict:
    data = {
        "title": "About us",
        "slug": "about",
        "kind": Page.Kind.ABOUT,
        "body": "<p>Who we are.</p>",
        "in_footer": "on",
        "position": "0",
    }
    data.update(fields)
    return data


@pytest.fixture
def editor_browser(editor):
    browser = Client()
    browser.force_login(editor)
    return browser


@pytest.fixture
def reporter_browser(reporter):
    browser = Client()
    browser.force_login(reporter)
    return browser


# --- The pages ----------------------------------------------------------------------


def test_a_page_is_served_at_its_address_with_its_body_and_when_it_was_last_updated(client):
    page = PageFactory(
        title="About us",
        slug="about",
        kind=Page.Kind.ABOUT,
        body="<p>A <strong>small</strong> newsroom.</p><h2>Who pays</h2><p>Our readers.</p>"
        '<aside class="editors-note">Check the figures with finance.</aside>',
    )

    response = client.get("/about/")

    assert response.status_code == 200
    html = response.text
    assert f"<title>About us · {settings.SITE_NAME}</title>" in html
    assert '<h1 class="page-title">About us</h1>' in html
    assert "<p>A <strong>small</strong> newsroom.</p><h2>Who pays</h2>" in html
    assert "Check the figures" not in html  # a note for the desk only
    day = f"{page.updated_at:%-d %B %Y}"
    assert re.search(rf"Last updated <time datetime=\"[^\"]+\">{day}</time>", html)
    assert response["Last-Modified"] == http_date(page.updated_at.timestamp())
    head = Head(html)
    assert head.links["canonical"] == ["http://testserver/about/"]
    assert head.meta["description"] == ["A small newsroom. Who pays Our readers."]
    about = head.of_type("AboutPage")
    assert about["url"] == "http://testserver/about/"
    assert about["name"] == "About us"
    assert about["about"] == about["publisher"] == {"@id": "http://testserver/#organization"}


def test_contact_and_other_pages_say_what_they_are_to_search_engines(client):
    PageFactory(slug="contact", kind=Page.Kind.CONTACT, title="Contact us")
    PageFactory(slug="jobs", title="Work with us")

    assert Head(client.get("/contact/").text).of_type("ContactPage")["name"] == "Contact us"
    assert Head(client.get("/jobs/").text).of_type("WebPage")["name"] == "Work with us"


def test_an_address_that_is_no_page_answers_the_sites_404(client):
    PageFactory(slug="about")
    StoryFactory()

    for url in ["/no-such-page/", "/About/", "/about-us/"]:
        response = client.get(url)
        assert response.status_code == 404, url
        assert "Page not found" in response.text

    # Readers' pages only read.
    assert client.post("/about/").status_code == 405


@pytest.mark.parametrize(
    "slug",
    ["corrections", "search", "feed", "sections", "tags", "people", "sources", "preview"]
    + ["admin", "api", "static", "media", "cards", "healthz", "2025"],
)
def test_a_slug_the_site_answers_itself_is_refused_with_a_message(editor_browser, slug):
    response = editor_browser.post("/admin/articles/page/add/", page_form(slug=slug))

    assert response.status_code == 200
    assert f"“/{slug}/” is one of the site&#x27;s own addresses" in response.text
    assert not Page.objects.exists()


def test_a_free_slug_is_taken_and_a_reserved_one_refused_by_the_model_too(editor_browser):
    response = editor_browser.post("/admin/articles/page/add/", page_form(slug="about"))
    assert response.status_code == 302
    assert Page.objects.get().get_absolute_url() == "/about/"

    with pytest.raises(ValidationError) as refused:
        Page(title="Search", slug="search").full_clean()
    assert refused.value.message_dict["slug"] == [
        "“/search/” is one of the site's own addresses, or begins them: choose another slug."
    ]


def test_the_body_is_sanitised_however_the_page_is_saved(client, editor_browser):
    dirty = (
        '<p onclick="steal()">Write to us.</p><script>alert(1)</script>'
        '<p><a href="javascript:alert(2)">a link</a></p><iframe src="https://example.com/"></iframe>'
    )
    saved = PageFactory(slug="saved", body=dirty)
    response = editor_browser.post("/admin/articles/page/add/", page_form(body=dirty))
    assert response.status_code == 302

    for page in [saved, Page.objects.get(slug="about")]:
        page.refresh_from_db()
        assert "Write to us." in page.body
        for bad in ["script", "onclick", "javascript:", "iframe", "alert"]:
            assert bad not in page.body, (page.slug, bad)
        html = client.get(page.get_absolute_url()).text
        assert "Write to us." in html and "steal()" not in html


def test_a_second_page_of_a_kind_is_refused_with_a_message_in_the_admin(editor_browser):
    PageFactory(slug="ethics", kind=Page.Kind.ETHICS, title="Ethics policy")

    response = editor_browser.post(
        "/admin/articles/page/add/", page_form(slug="standards", kind=Page.Kind.ETHICS)
    )

    assert response.status_code == 200
    assert "There is already a page of this kind" in response.text
    assert Page.objects.count() == 1
    # "Other" pages are as many as the desk likes.
    for slug in ["jobs", "events"]:
        response = editor_browser.post(
            "/admin/articles/page/add/", page_form(slug=slug, kind=Page.Kind.OTHER)
        )
        assert response.status_code == 302, slug
    assert Page.objects.count() == 3
    # The database holds to it whatever writes.
    with pytest.raises(IntegrityError), transaction.atomic():
        Page.objects.create(title="Standards", slug="standards", kind=Page.Kind.ETHICS)


# --- The footer ---------------------------------------------------------------------


def test_every_footer_lists_the_pages_in_order_then_corrections_and_feeds(client):
    story = StoryFactory()
    PageFactory(slug="masthead", title="Masthead", position=2)
    PageFactory(slug="about", title="About us", position=0)
    PageFactory(slug="contact", title="Contact us", position=1)
    PageFactory(slug="jobs", title="Work with us", position=3, in_footer=False)
    pages = [("/about/", "About us"), ("/contact/", "Contact us"), ("/masthead/", "Masthead")]

    urls = ["/", story.get_absolute_url(), "/sections/world/", "/about/", "/jobs/", "/nowhere/"]
    for url in urls:
        html = client.get(url).text
        assert footer_links(html) == pages + SITE_LINKS, url
        # The page being read is marked in the footer, and no other.
        current = re.findall(r'<a href="([^"]+)" aria-current="page">', footer(html))
        assert current == ([url] if url in {"/about/", "/masthead/"} else []), url
    # Out of the footer, still at its address.
    assert client.get("/jobs/").status_code == 200


def test_without_pages_the_footer_is_what_it_was(client):
    assert footer_links(client.get(StoryFactory().get_absolute_url()).text) == SITE_LINKS


# --- Structured data ----------------------------------------------------------------


def test_the_publisher_names_the_newsrooms_policies_on_the_front_page_and_stories(client):
    story = StoryFactory()
    make_policies()
    # Out of the footer: still the newsroom's ethics policy.
    Page.objects.filter(kind=Page.Kind.ETHICS).update(in_footer=False)
    expected = {
        "publishingPrinciples": "http://testserver/about/",
        "ethicsPolicy": "http://testserver/ethics/",
        "correctionsPolicy": "http://testserver/corrections-policy/",
        "masthead": "http://testserver/masthead/",
        "actionableFeedbackPolicy": "http://testserver/contact/",
    }

    newsroom = publisher(client.get("/").text, "NewsMediaOrganization")
    in_story = publisher(client.get(story.get_absolute_url()).text, "NewsArticle")

    for data in (newsroom, in_story):
        assert {name: data.get(name) for name in expected} == expected
        assert data["@id"] == "http://testserver/#organization"


def test_without_an_about_page_the_ethics_policy_states_the_principles(client):
    story = StoryFactory()
    PageFactory(slug="ethics", kind=Page.Kind.ETHICS)
    PageFactory(slug="jobs", kind=Page.Kind.OTHER)

    for html, kind in [
        (client.get("/").text, "NewsMediaOrganization"),
        (client.get(story.get_absolute_url()).text, "NewsArticle"),
    ]:
        data = publisher(html, kind)
        assert data["publishingPrinciples"] == "http://testserver/ethics/"
        assert data["ethicsPolicy"] == "http://testserver/ethics/"
        # Only the pages there are.
        for name in ["correctionsPolicy", "masthead", "actionableFeedbackPolicy"]:
            assert name not in data, name


def test_without_pages_the_publisher_names_no_policy(client):
    story = StoryFactory()
    names = {"publishingPrinciples", "ethicsPolicy", "correctionsPolicy", "masthead"}
    names.add("actionableFeedbackPolicy")

    assert not names & set(publisher(client.get("/").text, "NewsMediaOrganization"))
    assert not names & set(publisher(client.get(story.get_absolute_url()).text, "NewsArticle"))


# --- Queries ------------------------------------------------------------------------


def queries(client, url, status=200) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == status, url
    return len(captured)


def warm_counts(client, urls) -> list[int]:
    """The queries of each page made again while the content stays as it is."""
    content_state()  # when scheduled stories go out: read once per change
    for url, status in urls:
        queries(client, url, status)
    return [queries(client, url, status) for url, status in urls]


def test_warm_pages_read_the_contents_state_only_with_or_without_the_pages(client, settings):
    # Fragments kept, pages made again each time: the page cache off.
    settings.PAGE_CACHE = False
    story = StoryFactory()
    story.tags.add("Diplomacy")
    urls = [
        ("/", 200),
        (story.get_absolute_url(), 200),
        ("/sections/world/", 200),
        ("/tags/diplomacy/", 200),
        ("/corrections/", 200),
        ("/no-such-page/", 404),
    ]
    without = warm_counts(client, urls)

    make_policies()
    urls.append(("/about/", 200))
    with_pages = warm_counts(client, urls)

    assert with_pages[:-1] == without
    front, story_page, *_, page = with_pages
    assert front == story_page == page == 1


def test_a_page_costs_a_fixed_number_of_queries(client, django_assert_num_queries):
    make_policies()
    content_state()
    # The content's state, the sections with the site's pages (one query), this page.
    with django_assert_num_queries(3):
        client.get("/ethics/")
    # Another page: its own row only.
    with django_assert_num_queries(2):
        client.get("/masthead/")
    # Kept by the page cache.
    with django_assert_num_queries(1):
        assert client.get("/ethics/")["X-Page-Cache"] == "hit"


# --- The admin and the roles --------------------------------------------------------


def test_editors_write_pages(editor_browser):
    page = PageFactory(slug="about", kind=Page.Kind.ABOUT, title="About us")

    listing = editor_browser.get("/admin/articles/page/")
    assert listing.status_code == 200
    assert '<a href="/about/">/about/</a>' in listing.text
    assert editor_browser.get("/admin/articles/page/add/").status_code == 200
    url = f"/admin/articles/page/{page.pk}/change/"
    form = editor_browser.get(url)
    assert form.status_code == 200
    assert "View on site" in form.text
    data = form_values(form.text, "page_form")
    data["title"] = "Who we are"
    assert editor_browser.post(url, data).status_code == 302
    page.refresh_from_db()
    assert page.title == "Who we are"
    deleted = editor_browser.post(f"/admin/articles/page/{page.pk}/delete/", {"post": "yes"})
    assert deleted.status_code == 302
    assert not Page.objects.exists()


def test_reporters_read_pages_and_change_none(reporter_browser, editor_browser):
    page = PageFactory(slug="about", kind=Page.Kind.ABOUT, title="About us")
    url = f"/admin/articles/page/{page.pk}/change/"
    data = form_values(editor_browser.get(url).text, "page_form")

    assert reporter_browser.get("/admin/articles/page/").status_code == 200
    opened = reporter_browser.get(url)
    assert opened.status_code == 200 and 'name="_save"' not in opened.text
    assert reporter_browser.post(url, {**data, "title": "Changed"}).status_code == 403
    assert reporter_browser.get("/admin/articles/page/add/").status_code == 403
    assert reporter_browser.post("/admin/articles/page/add/", page_form()).status_code == 403
    gone = reporter_browser.post(f"/admin/articles/page/{page.pk}/delete/", {"post": "yes"})
    assert gone.status_code == 403
    page.refresh_from_db()
    assert page.title == "About us"


# --- The demo -----------------------------------------------------------------------


def test_the_demo_publishes_the_five_pages_once_and_keeps_the_desks_edits(client):
    call_command("load_demo", stdout=io.StringIO())
    about = Page.objects.get(kind=Page.Kind.ABOUT)
    about.title = "Who we are"
    about.save()

    call_command("load_demo", stdout=io.StringIO())

    pages = list(Page.objects.all())
    assert [(page.slug, page.kind) for page in pages] == [(s, k) for s, k, _ in POLICIES]
    assert Page.objects.get(kind=Page.Kind.ABOUT).title == "Who we are"
    html = client.get("/").text
    assert footer_links(html)[:5] == [(page.get_absolute_url(), page.title) for page in pages]
    assert publisher(html, "NewsMediaOrganization")["masthead"] == "http://testserver/masthead/"
    for page in pages:
        response = client.get(page.get_absolute_url())
        assert response.status_code == 200, page.slug
        assert settings.SITE_NAME in response.text, page.slug
    masthead = client.get("/masthead/").text.split("<main", 1)[1]
    assert masthead.count("(vacant in the demo)") == 5
    ethics = client.get("/ethics/").text
    for topic in ["Accuracy", "Independence", "anonymity", "Conflicts of interest"]:
        assert topic in ethics, topic
    assert '<a href="/corrections/"' in client.get("/corrections-policy/").text


def test_the_demo_leaves_a_kind_the_desk_already_has_alone(client):
    PageFactory(slug="standards", kind=Page.Kind.ETHICS, title="Our standards")

    call_command("load_demo", stdout=io.StringIO())

    assert list(Page.objects.filter(kind=Page.Kind.ETHICS).values_list("slug", flat=True)) == [
        "standards"
    ]
    assert Page.objects.count() == 5
    assert client.get("/ethics/").status_code == 404


# --- Changes reach every cached page at once ----------------------------------------


@pytest.fixture
def committing(settings):
    # Committing tests empty the database between them; content type ids change.
    ContentType.objects.clear_cache()
    settings.PAGE_CACHE = True
    cache.clear()
    yield
    cache.clear()


@pytest.mark.django_db(transaction=True)
def test_a_page_changed_by_any_path_shows_at_once_on_every_cached_page(client, committing):
    story = StoryFactory()
    about = PageFactory(slug="about", kind=Page.Kind.ABOUT, title="About us")
    urls = ["/", story.get_absolute_url(), "/sections/world/", "/about/", "/no-such-page/"]

    def footers():
        return {url: footer(client.get(url).text) for url in urls}

    for url in urls:
        client.get(url)
        assert client.get(url)["X-Page-Cache"] == "hit", url

    about.title = "Who we are"
    about.save()
    assert all(">Who we are<" in html for html in footers().values())

    # A fix in a shell: no save(), no signal.
    Page.objects.filter(pk=about.pk).update(title="Our newsroom")
    assert all(">Our newsroom<" in html and "Who we are" not in html for html in footers().values())
    assert '<h1 class="page-title">Our newsroom</h1>' in client.get("/about/").text

    Page.objects.filter(pk=about.pk).update(in_footer=False)
    assert all("/about/" not in html for html in footers().values())

    Page.objects.filter(pk=about.pk).delete()
    assert client.get("/about/").status_code == 404
    front = client.get("/").text
    assert "publishingPrinciples" not in front


def test_a_page_changed_by_any_path_purges_every_page_from_shared_caches():
    for change in [
        lambda: PageFactory(slug="about"),
        lambda: Page.objects.filter(slug="about").update(title="Who we are"),
        lambda: Page.objects.get(slug="about").save(),
        lambda: Page.objects.filter(slug="about").delete(),
    ]:
        PendingPurge.objects.all().delete()
        change()
        assert set(PendingPurge.objects.values_list("key", flat=True)) == {"all"}


def test_the_corrections_list_links_to_the_corrections_policy_once_there_is_one(client):
    assert "How we do it" not in client.get("/corrections/").text
    make_policies()
    html = client.get("/corrections/").text
    intro = html.split('class="listing-header"', 1)[1].split("</header>", 1)[0]
    assert 'How we do it: <a href="/corrections-policy/">corrections policy</a>.' in intro
