"""Helpers for the API's tests: partners' keys and pictures with renditions."""

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from articles.models import Image
from syndication.models import ApiKey
from tests.pictures import photo


def partner_key(**fields) -> tuple[ApiKey, str]:
    """A saved key and the secret a partner sends."""
    key = ApiKey(name=fields.pop("name", "Acme News"), **fields)
    secret = key.issue()
    key.save()
    return key, secret


def bearer(secret: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def ids(response) -> list[int]:
    """The ids of the stories on a page of the API's list."""
    return [story["id"] for story in response.json()["results"]]


def picture_with_renditions(**fields) -> Image:
    """A library picture as the renditions job leaves it: JPEGs 320 and 960 wide."""
    name = default_storage.save("originals/lead.jpg", ContentFile(photo((960, 640))))
    image = Image.objects.create(
        file=name,
        alt_text=fields.pop("alt_text", "Two leaders on a call"),
        credit=fields.pop("credit", "Agency/Photographer"),
        copyright=fields.pop("copyright", "© Agency 2026"),
        **fields,
    )
    renditions = {
        "jpeg": [[320, 213, "renditions/lead-320.jpg"], [960, 640, "renditions/lead-960.jpg"]],
        "webp": [[320, 213, "renditions/lead-320.webp"]],
    }
    Image.objects.filter(pk=image.pk).update(renditions=renditions)
    image.refresh_from_db()
    return image
