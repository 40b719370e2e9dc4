from django import template
from django.db.models import Count, Q
from django.utils import timezone

from articles.models import Story

register = template.Library()


@register.inclusion_tag("admin/articles/desk.html", takes_context=True)
def desk_dashboard(context, limit=10):
    """The desk's view on the admin index: review queue, schedule, latest, counts."""
    user = context["request"].user
    if not user.has_perm("articles.view_story"):
        return {"show": False}
    now = timezone.now()
    counts = dict(Story.objects.values_list("status").annotate(n=Count("pk")).order_by())
    scheduled = Story.objects.scheduled().order_by("published_at")
    in_review = Story.objects.filter(status="review").select_related("submitted_by")
    # Your own stories still on the desk: ones you started or carry your byline.
    own = Story.objects.drafts().filter(Q(created_by=user) | Q(bylines__person__user=user))
    return {
        "show": True,
        "in_review": in_review.order_by("submitted_at", "updated_at")[:limit],
        "own_drafts": own.distinct().order_by("-updated_at")[:limit],
        "scheduled": scheduled[:limit],
        "recent": Story.objects.published().order_by("-published_at")[:limit],
        "counts": [
            ("Drafts", counts.get(Story.Status.DRAFT, 0)),
            ("In review", counts.get(Story.Status.REVIEW, 0)),
            ("Scheduled", scheduled.count()),
            ("Published", Story.objects.published().count()),
            ("Withdrawn", counts.get(Story.Status.WITHDRAWN, 0)),
        ],
        "now": now,
    }
