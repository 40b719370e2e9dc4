"""An editor's decisions on a draft's suggestions: accepted ones attached, in order."""

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from articles.models import Byline, Citation, Person, Source
from articles.ninjs import free_slug
from ingest.models import Suggestion


def accept(suggestion: Suggestion, *, user=None) -> None:
    """Attach what ``suggestion`` names (as the editor may have changed it) to its
    story, creating the person or source when the newsroom has no record yet."""
    story = suggestion.story
    with transaction.atomic():
        if suggestion.kind == Suggestion.Kind.PERSON:
            if suggestion.person is None:
                suggestion.person = on_record(Person, suggestion.name)
            if suggestion.person is None:
                suggestion.person = Person.objects.create(
                    name=suggestion.name,
                    slug=free_slug(Person, suggestion.name, "person"),
                    title=suggestion.title,
                )
            story.people.add(suggestion.person)
        elif suggestion.kind == Suggestion.Kind.BYLINE:
            if suggestion.person is None:
                suggestion.person = on_record(Person, suggestion.name) or Person.objects.create(
                    name=suggestion.name, slug=free_slug(Person, suggestion.name, "person")
                )
            if not story.bylines.filter(person=suggestion.person).exists():
                last = story.bylines.aggregate(last=Max("order"))["last"]
                Byline.objects.create(
                    story=story,
                    person=suggestion.person,
                    role=suggestion.detail[:100],
                    order=0 if last is None else last + 1,
                )
        elif suggestion.kind == Suggestion.Kind.SOURCE:
            if suggestion.source is None:
                suggestion.source = on_record(Source, suggestion.name) or new_source(suggestion)
            if not story.citations.filter(source=suggestion.source).exists():
                last = story.citations.aggregate(last=Max("order"))["last"]
                Citation.objects.create(
                    story=story,
                    source=suggestion.source,
                    detail=suggestion.detail,
                    order=0 if last is None else last + 1,
                )
        elif suggestion.kind == Suggestion.Kind.TAG:
            story.tags.add(suggestion.tag or suggestion.name)
        elif suggestion.kind == Suggestion.Kind.SECTION and suggestion.section is not None:
            story.section = suggestion.section
            story.save(update_fields=["section"])
        decide(suggestion, Suggestion.State.ACCEPTED, user=user)


def on_record(model, name: str):
    """The one person or source of this name (or other name) the newsroom has, if it
    has exactly one: an editor who corrects a name to a colleague's record gets that
    record, not a copy of it."""
    name = " ".join(name.split())
    found = list(model.objects.filter(name__iexact=name)[:2])
    if not found:
        wanted = name.casefold()
        found = [
            record
            for record in model.objects.filter(aliases__icontains=name)[:20]
            if wanted in (alias.casefold() for alias in record.alias_list)
        ][:2]
    return found[0] if len(found) == 1 else None


def reject(suggestion: Suggestion, *, user=None) -> None:
    decide(suggestion, Suggestion.State.REJECTED, user=user)


def decide(suggestion: Suggestion, state: str, *, user=None) -> None:
    suggestion.state = state
    suggestion.decided_at = timezone.now()
    suggestion.decided_by = user
    suggestion.save()


def new_source(suggestion: Suggestion) -> Source:
    anonymous = suggestion.anonymous or suggestion.source_kind == Source.Kind.ANONYMOUS
    person = None
    if not anonymous:
        # A named person speaking, e.g. a spokesman: the person accepted for this story.
        person = suggestion.person or (
            suggestion.story.people.filter(name__iexact=suggestion.name).first()
        )
    return Source.objects.create(
        name=suggestion.name,
        slug=free_slug(Source, suggestion.name, "source"),
        kind=Source.Kind.ANONYMOUS if anonymous else suggestion.source_kind or Source.Kind.OFFICIAL,
        person=person,
    )
