"""The desk's workflow: who may move a story between draft, review, published and withdrawn.

Every transition goes through ``story_transition()``, which checks the user's
role, the story's state and that nobody changed the story since the user saw
it, then saves, and records who did it and when (admin history and revision).
"""

import datetime
import operator
import uuid
from dataclasses import dataclass
from functools import reduce

import reversion
from django.contrib.admin.models import CHANGE, LogEntry
from django.db import models, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.formats import date_format
from taggit.models import Tag

from articles.cache import lock_for_change
from articles.models import Image, LivePost, Person, Source, Story, address_clash
from articles.tasks import run_in_background, send_transition_notice

PUBLISH_PERMISSION = "articles.publish_story"


class WorkflowError(Exception):
    """A transition that cannot be made; the message is for the user."""


class StoryConflict(WorkflowError):
    """The story changed after the user opened it."""


@dataclass(frozen=True)
class Transition:
    name: str
    label: str
    done: str  # "published", for messages
    needs_publish_permission: bool
    needs_confirmation: bool

    def allowed_for(self, story: Story) -> bool:
        status, S = story.status, Story.Status
        if self.name == "submit":
            return status == S.DRAFT
        if self.name in {"publish", "schedule"}:
            return status in {S.DRAFT, S.REVIEW, S.WITHDRAWN} or story.is_scheduled()
        if self.name == "unpublish":
            return status in {S.REVIEW, S.PUBLISHED, S.WITHDRAWN}
        if self.name == "withdraw":
            return story.is_published()
        return False


TRANSITIONS = {
    t.name: t
    for t in [
        Transition("submit", "Submit for review", "submitted for review", False, False),
        Transition("publish", "Publish now", "published", True, True),
        Transition("schedule", "Schedule", "scheduled", True, True),
        Transition("unpublish", "Unpublish to draft", "returned to draft", True, True),
        Transition("withdraw", "Withdraw", "withdrawn", True, True),
    ]
}


def can_publish(user) -> bool:
    return user.has_perm(PUBLISH_PERMISSION)


def is_own_story(user, story: Story) -> bool:
    return story.created_by_id == user.pk or story.bylines.filter(person__user=user).exists()


def can_edit(user, story: Story) -> bool:
    """Editors edit every story; reporters only their own drafts and stories in review.

    Reporters may read their colleagues' drafts (the desk coordinates that way),
    but only those who can edit a story are given its preview link to share.
    """
    if not user.has_perm("articles.change_story"):
        return False
    if can_publish(user):
        return True
    return story.status in {Story.Status.DRAFT, Story.Status.REVIEW} and is_own_story(user, story)


def can_post(user, story: Story) -> bool:
    """Whether ``user`` may add, change or remove ``story``'s live posts now: those
    who may edit the story, while its coverage is open. Once it has ended, nobody may."""
    return story.is_live() and can_edit(user, story)


def coverage_closed_message(story: Story) -> str:
    """Why a story's posts cannot be added or changed now."""
    if story.live_from is None:
        return f"“{story}” is not covered live: start live coverage first."
    return (
        f"Live coverage of “{story}” ended at {desk_time(story.live_until)}: "
        "its posts can no longer be added, changed or removed."
    )


def stories_open_for_posts(user):
    """The stories ``user`` may post on now (``can_post``), newest first."""
    stories = Story.objects.filter(live_from__isnull=False, live_until__isnull=True)
    if not can_publish(user):
        stories = stories.filter(
            Q(created_by=user) | Q(bylines__person__user=user),
            status__in=[Story.Status.DRAFT, Story.Status.REVIEW],
        ).distinct()
    return stories.order_by("-live_from", "-pk")


# How a story shows each kind of thing: the lookups from a story to it.
SHOWN_THROUGH = {
    Person: [
        "bylines__person",
        "people",
        "citations__source__person",
        "original_publisher__person",
        "live_posts__author",
    ],
    Source: ["citations__source", "original_publisher"],
    Tag: ["tags"],
}
# Conditions on a lookup's own rows (the same join): citing an anonymous source never
# shows the person behind it.
NAMED_SOURCES = [kind for kind in Source.Kind.values if kind != Source.Kind.ANONYMOUS]
SHOWN_ONLY_IF = {
    "citations__source__person": {"citations__source__kind__in": NAMED_SOURCES},
    "original_publisher__person": {"original_publisher__kind__in": NAMED_SOURCES},
}


def shown_through(model: type[models.Model], value, lookup: str = "") -> Q:
    """Stories that show ``value`` of ``model`` (a pk; with ``lookup="__in"``, several)
    by any of its lookups, each with its conditions on the same row."""
    return reduce(
        operator.or_,
        (
            Q(**{path + lookup: value}, **SHOWN_ONLY_IF.get(path, {}))
            for path in SHOWN_THROUGH[model]
        ),
    )


def shown_publicly(model: type[models.Model], stories=None) -> Q:
    """Rows of ``model`` that one of ``stories`` shows (by default the published
    ones): bylines, people, the sources it cites or republishes and their people,
    its tags, its lead image, the pictures in its body and those people's photos.

    Scheduled stories count by default: an editor has passed them, and they go
    out with no further look. Withdrawn stories show nothing of these to readers.
    """
    if stories is None:
        stories = Story.objects.filter(status=Story.Status.PUBLISHED)
    here = OuterRef("pk")
    if model is Image:
        shown_people = Person.objects.filter(shown_publicly(Person, stories), photo=here)
        # Read by a scan of the bodies: checked for one picture at a time, for reporters.
        in_body = stories.with_picture_in_body(here)
        in_posts = LivePost.objects.with_picture_in_body(here).filter(story__in=stories)
        return Q(
            Exists(stories.filter(lead_image=here))
            | Exists(in_body)
            | Exists(in_posts)
            | Exists(shown_people)
        )
    if model not in SHOWN_THROUGH:
        raise ValueError(f"{model.__name__} is not shown by stories.")
    return reduce(
        operator.or_,
        (
            Q(Exists(stories.filter(**{path: here}, **SHOWN_ONLY_IF.get(path, {}))))
            for path in SHOWN_THROUGH[model]
        ),
    )


def is_shown_publicly(obj: models.Model) -> bool:
    """One query; the answer is kept on ``obj`` for the rest of the request."""
    if not hasattr(obj, "shown_by_published_story"):
        model = type(obj)
        found = model.objects.filter(shown_publicly(model), pk=obj.pk).exists()
        obj.shown_by_published_story = found
    return obj.shown_by_published_story


def can_change_shown(user, obj: models.Model | None) -> bool:
    """Reporters create people, sources and pictures and change those no published
    story shows; changing what readers see, or deleting it, needs an editor."""
    return obj is None or obj.pk is None or can_publish(user) or not is_shown_publicly(obj)


def transitions_for(user, story: Story) -> list[Transition]:
    """The transitions this user may make on this story now, in menu order."""
    return [
        t
        for t in TRANSITIONS.values()
        if t.allowed_for(story)
        and (can_publish(user) if t.needs_publish_permission else can_edit(user, story))
    ]


def desk_time(moment: datetime.datetime) -> str:
    """The time as the desk reads it: 12:04 today, 12:04 on 3 December 2026 another day."""
    moment = timezone.localtime(moment)
    text = date_format(moment, "H:i")
    if moment.date() != timezone.localdate():
        text = f"{text} on {date_format(moment, 'j F Y')}"
    return text


def last_change(story: Story) -> str:
    """Who changed the story last and when: "Jane Doe at 12:04"."""
    who = "someone"
    if story.updated_by:
        who = story.updated_by.get_full_name() or story.updated_by.get_username()
    return f"{who} at {desk_time(story.updated_at)}"


def conflict_message(story: Story) -> str:
    return (
        f"This story was changed by {last_change(story)}, after you opened it. "
        "Nothing of yours was saved: copy what you need, reload the story and apply it again."
    )


def check_unchanged(story: Story, token) -> None:
    """Refuse to write over changes the user has not seen."""
    if token is not None and str(token) != str(story.edit_token):
        raise StoryConflict(conflict_message(story))


def log_change(user, story: Story, message: str) -> None:
    """An entry in the admin's log of the story's changes."""
    LogEntry.objects.log_actions(
        user_id=user.pk,
        queryset=[story],
        action_flag=CHANGE,
        change_message=message,
        single_object=True,
    )


def revision_comment(message: str) -> str:
    """``message``, after what the admin's save said when a transition rides on it
    ("Save and submit"): both happen in one revision, and the history keeps both."""
    earlier = reversion.get_comment() if reversion.is_active() else ""
    if not earlier:
        return message
    # The admin's change message is kept as JSON; the history reads it as text.
    said = LogEntry(change_message=earlier).get_change_message().rstrip(".")
    return f"{said}. {message}" if said else message


def story_transition(
    *,
    story: Story,
    user,
    name: str,
    token=None,
    publish_at: datetime.datetime | None = None,
    reason: str = "",
) -> Story:
    """Move ``story`` through transition ``name`` on behalf of ``user``; returns the saved story.

    ``token`` is the story's edit token as the user last saw it: if the story
    changed since, nothing is written and ``StoryConflict`` is raised. A
    withdrawal needs a ``reason``: readers see it at the story's address.
    """
    transition = TRANSITIONS.get(name)
    if transition is None:
        raise WorkflowError(f"Unknown action “{name}”.")
    reason = " ".join(reason.split())
    if name == "withdraw" and not reason:
        raise WorkflowError("Say why the story is withdrawn: readers see the reason.")
    with transaction.atomic():
        lock_for_change()
        current = (
            Story.objects.select_for_update(of=("self",))
            .select_related("updated_by")
            .get(pk=story.pk)
        )
        allowed = can_publish(user) if transition.needs_publish_permission else True
        if not (allowed and can_edit(user, current)):
            raise WorkflowError(f"You may not {transition.label.lower()} “{current}”.")
        check_unchanged(current, token)
        if not transition.allowed_for(current):
            raise WorkflowError(
                f"“{current}” is {current.get_status_display().lower()} "
                f"and cannot be {transition.done} now."
            )

        now = timezone.now()
        if name == "submit":
            current.status = Story.Status.REVIEW
            current.submitted_by, current.submitted_at = user, now
        elif name == "publish":
            current.status = Story.Status.PUBLISHED
            # The first publication time stays; a scheduled or new story goes out now.
            if current.published_at is None or current.published_at > now:
                current.published_at = now
        elif name == "schedule":
            if publish_at is None or publish_at <= now:
                raise WorkflowError("Choose a time in the future to schedule the story.")
            current.status = Story.Status.PUBLISHED
            current.published_at = publish_at
        elif name == "unpublish":
            if current.is_published():
                # Taken off the site: links given out before must not show it as a draft.
                current.preview_key = uuid.uuid4()
            current.status = Story.Status.DRAFT
        elif name == "withdraw":
            current.status = Story.Status.WITHDRAWN
            current.preview_key = uuid.uuid4()
            current.withdrawal_reason = reason
        if name in {"publish", "schedule"}:
            clash = address_clash(current.pk, current.slug, current.published_at)
            if clash:
                raise WorkflowError(f"{clash} Change this story’s slug, then try again.")
        if name != "withdraw":
            # Out again, or back on the desk: the notice is kept in the history only.
            current.withdrawal_reason = ""

        message = transition.done.capitalize()
        if name == "schedule":
            message += f" for {date_format(timezone.localtime(publish_at), 'j F Y, H:i')}"
        elif name == "withdraw":
            message += f": {reason}"
        current.updated_by = user
        with reversion.create_revision():
            current.save()
            reversion.set_user(user)
            reversion.set_comment(revision_comment(message))
        log_change(user, current, message)
        story_id, actor_id = current.pk, user.pk
        transaction.on_commit(
            lambda: run_in_background(send_transition_notice, story_id, name, actor_id),
            robust=True,
        )
    return current


def story_revoke_previews(*, story: Story, user) -> None:
    """Make every preview link given out for ``story`` answer 404, recorded in its history.

    The story itself is not saved: its edit token stays, so whoever has it open
    can still save.
    """
    if not can_edit(user, story):
        raise WorkflowError(f"You may not revoke the preview links of “{story}”.")
    message = "Preview links revoked"
    with transaction.atomic():
        Story.objects.filter(pk=story.pk).update(preview_key=uuid.uuid4())
        story.refresh_from_db(fields=["preview_key"])
        with reversion.create_revision():
            reversion.add_to_revision(story)
            reversion.set_user(user)
            reversion.set_comment(message)
        log_change(user, story, message)


def story_start_coverage(*, story: Story, user) -> Story:
    """Cover ``story`` live from now: its page shows its posts and updates by itself."""
    return _change_coverage(story=story, user=user, start=True)


def story_end_coverage(*, story: Story, user) -> Story:
    """End ``story``'s live coverage for good: its posts stay as they are, open pages
    stop updating."""
    return _change_coverage(story=story, user=user, start=False)


def _change_coverage(*, story: Story, user, start: bool) -> Story:
    with transaction.atomic():
        lock_for_change()
        current = Story.objects.select_for_update(of=("self",)).get(pk=story.pk)
        if not can_edit(user, current):
            action = "start live coverage of" if start else "end live coverage of"
            raise WorkflowError(f"You may not {action} “{current}”.")
        now = timezone.now()
        if start:
            if current.status == Story.Status.WITHDRAWN:
                raise WorkflowError(f"“{current}” is withdrawn: it cannot be covered live.")
            if current.live_until is not None:
                raise WorkflowError(coverage_closed_message(current))
            if current.live_from is not None:
                raise WorkflowError(f"“{current}” is covered live already.")
            current.live_from = now
            message = "Live coverage started"
        else:
            if not current.is_live():
                raise WorkflowError(coverage_closed_message(current))
            current.live_until = max(now, current.live_from)
            message = "Live coverage ended"
        current.updated_by = user
        # Saved as any change of the story is: a form opened before it is out of date.
        with reversion.create_revision():
            current.save()
            reversion.set_user(user)
            reversion.set_comment(message)
        log_change(user, current, message)
    return current


def live_post_recorded(*, post: LivePost, user, message: str) -> None:
    """A revision of the post's story holding its posts as they are now, and a line
    in the story's admin history: a post is part of the story's record."""
    story = post.story
    with reversion.create_revision():
        reversion.add_to_revision(story)
        reversion.set_user(user)
        reversion.set_comment(message)
    log_change(user, story, message)
