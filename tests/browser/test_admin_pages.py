"""Every admin page a reporter or an editor uses, in a real browser: no script
errors, and nothing axe calls serious or critical."""

import datetime
from pprint import pformat

import pytest
import reversion
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone
from reversion.models import Version

from articles.models import Image
from tests.browser.test_desk import script_errors
from tests.browser.test_journeys import serious_violations, sign_in
from tests.conftest import staff_member
from tests.factories import (
    BylineFactory,
    CitationFactory,
    CorrectionFactory,
    LivePostFactory,
    PageFactory,
    PersonFactory,
    SourceFactory,
    StoryFactory,
)
from tests.pictures import photo

pytestmark = [pytest.mark.browser, pytest.mark.admin_pages]

PASSWORD = "secret-pass"


def revised(story, user, **changes):
    """Save ``story`` with ``changes`` as one revision by ``user``."""
    for name, value in changes.items():
        setattr(story, name, value)
    with reversion.create_revision():
        story.save()
        reversion.set_user(user)
        reversion.set_comment("Changed " + ", ".join(changes))
    return story


@pytest.fixture
def desk(transactional_db):
    """A newsroom in full swing: one of each thing the desk's pages show."""
    editor = staff_member("eddie", "Editor", "Eddie")
    reporter = staff_member("rita", "Reporter", "Rita")
    name = default_storage.save("originals/talks.jpg", ContentFile(photo((800, 500))))
    picture = Image.objects.create(file=name, alt_text="Delegates at the table", credit="Agency")
    putin = PersonFactory(name="Vladimir Putin", title="President of Russia")
    kremlin = SourceFactory(name="The Kremlin", person=putin)

    published = StoryFactory(headline="Leaders agree to talk", lead_image=picture)
    BylineFactory(story=published, person=editor.person, role="in London")
    published.people.add(putin)
    CitationFactory(story=published, source=kremlin, detail="said in a statement")
    published.tags.add("Diplomacy", "Ukraine")
    revised(published, editor, body="<h2>The call</h2><p>It lasted two hours.</p>")
    revised(published, editor, headline="Leaders agree to begin talks")
    CorrectionFactory(story=published)

    draft = StoryFactory(headline="Council budget vote", draft=True, created_by=reporter)
    BylineFactory(story=draft, person=reporter.person)
    revised(draft, reporter, dek="The first draft.")
    revised(draft, reporter, dek="The second draft.")
    in_review = StoryFactory(headline="Rail strike called off", in_review=True)
    StoryFactory(
        headline="Budget statement",
        published_at=timezone.now() + datetime.timedelta(hours=3),
    )
    withdrawn = StoryFactory(headline="A report taken down", withdrawn=True)

    live = StoryFactory(headline="Election night", live_from=timezone.now())
    BylineFactory(story=live, person=editor.person)
    revised(live, editor, dek="Results as they come in.")
    for number, flags in enumerate([{}, {"key_event": True}, {"pinned": True}]):
        LivePostFactory(story=live, author=editor.person, headline=f"Update {number}", **flags)
    revised(live, editor, dek="Results as they come in, seat by seat.")
    ended = StoryFactory(headline="Storm passes", live_from=timezone.now())
    ended_post = LivePostFactory(story=ended, author=reporter.person)
    ended.live_until = timezone.now()
    ended.save()
    own_live = StoryFactory(
        headline="Council meeting", draft=True, created_by=reporter, live_from=timezone.now()
    )
    BylineFactory(story=own_live, person=reporter.person)
    revised(own_live, reporter, dek="The first draft.")
    LivePostFactory(story=own_live, author=reporter.person)
    revised(own_live, reporter, dek="The second draft.")
    about = PageFactory(slug="about", kind="about", title="About us")
    return {
        "editor": editor,
        "reporter": reporter,
        "about": about,
        "picture": picture,
        "person": putin,
        "source": kremlin,
        "published": published,
        "draft": draft,
        "in_review": in_review,
        "withdrawn": withdrawn,
        "live": live,
        "ended": ended,
        "ended_post": ended_post,
        "own_live": own_live,
    }


def story_pages(story):
    versions = list(Version.objects.get_for_object(story))
    base = f"/admin/articles/story/{story.pk}"
    return [
        f"{base}/change/",
        f"{base}/history/",
        f"{base}/history/compare/?from={versions[1].pk}&to={versions[0].pk}",
        f"{base}/history/{versions[-1].pk}/",
    ]


def common_pages(desk):
    return [
        "/admin/",
        "/admin/articles/story/",
        "/admin/articles/story/?status__exact=review",
        "/admin/articles/story/?q=budget",
        "/admin/articles/story/add/",
        "/admin/articles/story/agenda/",
        "/admin/articles/person/",
        "/admin/articles/person/add/",
        f"/admin/articles/person/{desk['person'].pk}/change/",
        "/admin/articles/person/add/?_to_field=id&_popup=1",
        "/admin/articles/source/",
        "/admin/articles/source/add/",
        f"/admin/articles/source/{desk['source'].pk}/change/",
        "/admin/articles/image/",
        "/admin/articles/image/add/",
        f"/admin/articles/image/{desk['picture'].pk}/change/",
        "/admin/taggit/tag/",
        "/admin/password_change/",
        "/admin/articles/livepost/",
        f"/admin/articles/livepost/?story={desk['live'].pk}",
        f"/admin/articles/livepost/{desk['ended_post'].pk}/change/",
        "/admin/articles/page/",
        # Read only for a reporter.
        f"/admin/articles/page/{desk['about'].pk}/change/",
    ]


def editor_pages(desk):
    published, draft = desk["published"], desk["draft"]
    return [
        *common_pages(desk),
        *story_pages(published),
        *story_pages(draft),
        f"/admin/articles/story/{desk['in_review'].pk}/change/",
        f"/admin/articles/story/{desk['withdrawn'].pk}/change/",
        f"/admin/articles/story/{draft.pk}/transition/publish/",
        f"/admin/articles/story/{draft.pk}/transition/schedule/",
        f"/admin/articles/story/{published.pk}/transition/unpublish/",
        f"/admin/articles/story/{published.pk}/transition/withdraw/",
        f"/admin/articles/story/{published.pk}/revoke-previews/",
        "/admin/articles/section/",
        "/admin/articles/section/add/",
        "/admin/articles/storyredirect/",
        "/admin/articles/page/add/",
        *story_pages(desk["live"]),
        f"/admin/articles/story/{desk['ended'].pk}/change/",
        f"/admin/articles/story/{published.pk}/live/start/",
        f"/admin/articles/story/{desk['live'].pk}/live/end/",
        f"/admin/articles/livepost/add/?story={desk['live'].pk}",
        f"/admin/articles/livepost/{desk['live'].live_posts.first().pk}/change/",
    ]


def reporter_pages(desk):
    return [
        *common_pages(desk),
        *story_pages(desk["draft"]),
        # Read only for a reporter: published, and someone else's.
        f"/admin/articles/story/{desk['published'].pk}/change/",
        f"/admin/articles/story/{desk['in_review'].pk}/change/",
        # Their own draft covered live: its posts are theirs to write.
        *story_pages(desk["own_live"]),
        f"/admin/articles/story/{desk['own_live'].pk}/live/end/",
        f"/admin/articles/livepost/add/?story={desk['own_live'].pk}",
        f"/admin/articles/livepost/{desk['own_live'].live_posts.first().pk}/change/",
        # Read only for a reporter: a colleague's story covered live.
        f"/admin/articles/story/{desk['live'].pk}/change/",
    ]


def problems_on(page, paths):
    """For each page: its status if not 200, its script errors, and axe's serious findings."""
    found = {}
    errors = script_errors(page)
    for path in paths:
        errors.clear()
        response = page.goto(path)
        page.wait_for_load_state("networkidle")
        problems = [] if response.status == 200 else [f"status {response.status}"]
        problems += [*errors, *serious_violations(page)]
        if problems:
            found[path] = problems
    return found


def test_every_page_an_editor_uses_works_without_script_errors_or_serious_violations(page, desk):
    sign_in(page, "eddie", PASSWORD)
    found = problems_on(page, editor_pages(desk))
    assert not found, pformat(found, width=100)


def test_every_page_a_reporter_uses_works_without_script_errors_or_serious_violations(page, desk):
    sign_in(page, "rita", PASSWORD)
    found = problems_on(page, reporter_pages(desk))
    assert not found, pformat(found, width=100)
