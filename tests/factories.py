import datetime

import factory
from django.utils import timezone

from articles.models import (
    Byline,
    Citation,
    Correction,
    LivePost,
    Page,
    Person,
    Section,
    Source,
    Story,
)


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Section
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Section {n}")
    slug = factory.Sequence(lambda n: f"section-{n}")


class PageFactory(factory.django.DjangoModelFactory):
    """One of the site's own pages, an "Other" one unless told."""

    class Meta:
        model = Page

    title = factory.Sequence(lambda n: f"Page {n}")
    slug = factory.Sequence(lambda n: f"page-{n}")
    body = "<p>What the page says.</p>"


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    name = factory.Faker("name")
    slug = factory.Sequence(lambda n: f"person-{n}")
    title = "Correspondent"


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Source

    name = factory.Sequence(lambda n: f"Source {n}")
    slug = factory.Sequence(lambda n: f"source-{n}")
    kind = Source.Kind.AGENCY


class StoryFactory(factory.django.DjangoModelFactory):
    """A published story from a day ago unless told otherwise."""

    class Meta:
        model = Story

    headline = factory.Sequence(lambda n: f"Headline number {n}")
    slug = factory.Sequence(lambda n: f"story-{n}")
    kicker = "News"
    dek = "What happened, in one sentence."
    body = "<p>The first paragraph.</p><p>The second paragraph.</p>"
    status = Story.Status.PUBLISHED
    published_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=1))
    section = factory.SubFactory(SectionFactory, name="World", slug="world")

    class Params:
        draft = factory.Trait(status=Story.Status.DRAFT, published_at=None)
        in_review = factory.Trait(status=Story.Status.REVIEW, published_at=None)
        scheduled = factory.Trait(
            published_at=factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(hours=2))
        )
        withdrawn = factory.Trait(status=Story.Status.WITHDRAWN)


class BylineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Byline

    story = factory.SubFactory(StoryFactory)
    person = factory.SubFactory(PersonFactory)


class CitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Citation

    story = factory.SubFactory(StoryFactory)
    source = factory.SubFactory(SourceFactory)
    detail = "told reporters"


class CorrectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Correction

    story = factory.SubFactory(StoryFactory)
    text = "An earlier version of this story misspelt a name."


class LivePostFactory(factory.django.DjangoModelFactory):
    """A post on a story covered live, posted a minute ago unless told otherwise."""

    class Meta:
        model = LivePost

    story = factory.SubFactory(
        StoryFactory,
        live_from=factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(hours=2)),
    )
    author = factory.SubFactory(PersonFactory)
    body = factory.Sequence(lambda n: f"<p>Update number {n} from the scene.</p>")
    published_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(minutes=1))


def story_with_everything(n_people=1, n_sources=1, n_tags=1, n_authors=1, **kwargs):
    """A published story with n of each relation, for query-count tests."""
    story = StoryFactory(**kwargs)
    for order in range(n_authors):
        BylineFactory(story=story, order=order, role="in London")
    story.people.add(*PersonFactory.create_batch(n_people))
    for order in range(n_sources):
        CitationFactory(story=story, order=order)
    story.tags.add(*[f"tag {story.pk}-{i}" for i in range(n_tags)])
    CorrectionFactory(story=story)
    return story
