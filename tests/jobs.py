"""Jobs and a desk for the worker tests: a job slow enough to be interrupted, and an
editor's browser to upload pictures through the admin in a process of the site."""

import time
from pathlib import Path

from celery import shared_task


@shared_task
def mark_slowly(path: str, seconds: float) -> None:
    Path(f"{path}.started").touch()
    time.sleep(seconds)
    Path(path).write_text("done")


def desk():
    """A signed-in editor's browser (Django's test client, on the real site's settings)."""
    from django.contrib.auth.models import User
    from django.test import Client

    user, _ = User.objects.get_or_create(
        username="desk", defaults={"is_staff": True, "is_superuser": True}
    )
    client = Client(SERVER_NAME="localhost")
    client.force_login(user)
    return client


def upload_picture(client, content: bytes, image=None):
    """Upload ``content`` through the admin's form, as a new picture or replacing ``image``'s."""
    from django.urls import reverse

    from articles.models import Image
    from tests.forms import form_values
    from tests.pictures import upload

    if image is None:
        url = reverse("admin:articles_image_add")
    else:
        url = reverse("admin:articles_image_change", args=[image.pk])
    data = form_values(client.get(url).content.decode(), "image_form")
    data.update({"alt_text": "Delegates at the table", "credit": "Jane Doe/Agency"})
    data["file"] = upload(content)
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()
    return image or Image.objects.latest("created_at")
