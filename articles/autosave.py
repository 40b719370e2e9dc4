"""The story form's autosave: every few seconds of idle typing the form posts
what is in it, and the writer's own copy (``Autosave``) is kept, never the story.

Reopening the story offers the copy; restoring it fills the form, which the
writer then saves as usual, under the conflict rule: a copy made before someone
else's save cannot overwrite it.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.http import JsonResponse

from articles.models import Autosave, Story
from articles.sanitize import sanitized_body
from articles.workflow import desk_time, last_change

# Publishing is never done by an autosave; the edit token is kept apart.
NOT_KEPT = {"opened_token", "published_at"}


def saved_at(autosave: Autosave) -> str:
    return desk_time(autosave.saved_at)


def kept_fields(form_class, data) -> dict:
    """What the form holds, field by field as typed. Half-typed text is kept as it
    is (Save checks it); ValidationError for what no story could take (text over
    its length, a body over its size, a person or picture that does not exist)."""
    kept = {}
    for name, field in form_class.base_fields.items():
        if name in NOT_KEPT:
            continue
        value = field.widget.value_from_datadict(data, {}, name)
        if value is None or value in field.empty_values or value == []:
            kept[name] = value or ""
            continue
        label = field.label or name.replace("_", " ").capitalize()
        try:
            if name == "body":
                value = sanitized_body(value)
            elif isinstance(field, forms.ModelChoiceField):
                field.clean(value)
            elif getattr(field, "max_length", None) and len(str(value)) > field.max_length:
                raise ValidationError(f"at most {field.max_length} characters, please.")
        except ValidationError as error:
            raise ValidationError(f"{label}: {' '.join(error.messages)}") from error
        kept[name] = value
    return kept


def store(*, user, story: Story | None, form_class, data) -> JsonResponse:
    """Keep ``user``'s copy of what the form posted; the answer says so, or why not."""
    try:
        fields = kept_fields(form_class, data)
    except ValidationError as error:
        message = " ".join(error.messages)
        return JsonResponse({"message": f"Not saved automatically. {message}"}, status=400)
    opened = data.get("opened_token") or None
    autosave, _ = Autosave.objects.update_or_create(
        user=user, story=story, defaults={"fields": fields, "opened_token": opened}
    )
    answer = {"message": f"Saved {saved_at(autosave)}", "saved_at": autosave.saved_at}
    if story is not None and str(opened) != str(story.edit_token):
        answer["conflict"] = True
        answer["message"] += (
            f" as your copy only: the story was changed by {last_change(story)}, after you "
            "opened it, so Save will be refused. Reload it to see that change; your copy "
            "will be offered."
        )
    return JsonResponse(answer)


def offered(user, story: Story | None) -> Autosave | None:
    """The writer's copy of the story, if they left one unsaved."""
    return Autosave.objects.filter(user=user, story=story).first()


def forget(user, story: Story | None) -> None:
    """The story was saved: the copy is of no more use."""
    Autosave.objects.filter(user=user, story=story).delete()
