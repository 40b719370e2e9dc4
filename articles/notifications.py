"""The desk's e-mails: who hears of a story moving through the workflow.

Editors hear when a story is submitted for review; a story's reporters (its
bylines' people who sign in, and whoever created it) hear when it is
published, scheduled, sent back to draft or withdrawn. Nobody hears of what
they did themselves. Sent by a background job (``articles.tasks``), through
Django's e-mail framework (``EMAIL_*`` settings).
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mass_mail
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from articles.models import Story

# Transition -> who hears of it, and how the subject says what happened.
NOTICES = {
    "submit": ("editors", "Submitted for review"),
    "publish": ("reporters", "Published"),
    "schedule": ("reporters", "Scheduled"),
    "unpublish": ("reporters", "Sent back to draft"),
    "withdraw": ("reporters", "Withdrawn"),
}
EDITORS_GROUP = "Editor"


def recipients(story: Story, audience: str, actor) -> list[str]:
    users = get_user_model().objects.filter(is_active=True).exclude(email="")
    if audience == "editors":
        users = users.filter(groups__name=EDITORS_GROUP)
    else:
        users = users.filter(pk__in=[story.created_by_id, *reporters_of(story)])
    if actor is not None:
        users = users.exclude(pk=actor.pk)
    return sorted(set(users.values_list("email", flat=True)))


def reporters_of(story: Story) -> list[int]:
    return [line.person.user_id for line in story.bylines.all() if line.person.user_id]


def messages_for(story: Story, name: str, actor) -> list[tuple[str, str, str, list[str]]]:
    """The e-mails a transition sends: (subject, body, sender, [recipient]) each."""
    audience, what = NOTICES[name]
    link = settings.SITE_URL + reverse("admin:articles_story_change", args=[story.pk])
    who = (actor.get_full_name() or actor.get_username()) if actor is not None else "The desk"
    lines = [f"{who}: {what.lower()}, “{story.headline}”."]
    if name == "schedule" and story.published_at:
        moment = date_format(timezone.localtime(story.published_at), "j F Y, H:i T")
        lines.append(f"It goes out on {moment}.")
    if name == "withdraw" and story.withdrawal_reason:
        lines.append(f"Why: {story.withdrawal_reason}")
    lines += ["", f"The story on the desk: {link}"]
    subject = f"[{settings.SITE_NAME}] {what}: {story.headline}"
    body = "\n".join(lines)
    return [
        (subject, body, settings.DEFAULT_FROM_EMAIL, [address])
        for address in recipients(story, audience, actor)
    ]


def send_transition_notice(story_id: int, name: str, actor_id: int | None) -> int:
    """E-mail those who should hear of ``name`` (a transition) on a story; how many."""
    story = (
        Story.objects.select_related("created_by")
        .prefetch_related("bylines__person")
        .filter(pk=story_id)
        .first()
    )
    if story is None or name not in NOTICES:
        return 0
    actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id else None
    return send_mass_mail(messages_for(story, name, actor))
