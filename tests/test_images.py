"""Pictures, uploaded through the real admin form and served as readers get them."""

import io
import json
import os
import re
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from PIL import Image as PILImage

from articles import images, views
from articles.models import Image, Story
from tests.factories import BylineFactory, PersonFactory, SectionFactory, StoryFactory
from tests.forms import form_values
from tests.pictures import (
    exif_photo,
    noise_jpeg,
    photo,
    png_bomb,
    two_ends,
    upload,
    wire_photo,
)

pytestmark = pytest.mark.django_db

ADD_URL = "/admin/articles/image/add/"


@pytest.fixture(autouse=True)
def media_on_disk(settings, tmp_path):
    """Real files in a folder of the test's own, so what is kept on disk can be checked."""
    settings.MEDIA_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    return tmp_path


def files_on_disk(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def committed():
    """Ends where the change would commit: what waits for the commit runs then, the
    jobs it queues included (at once, as with no broker). The test's own transaction
    never commits."""
    return TestCase.captureOnCommitCallbacks(execute=True)


def post_upload(client, content, name="photo.jpg", content_type="image/jpeg", **fields):
    data = form_values(client.get(ADD_URL).content.decode(), "image_form")
    data.update({"alt_text": "Delegates at the table", "credit": "Jane Doe/Agency"})
    data.update(fields)
    data["file"] = upload(content, name, content_type)
    return client.post(ADD_URL, data)


def uploaded(client, content=None, **kwargs) -> Image:
    with committed():
        response = post_upload(client, content or photo(), **kwargs)
    assert response.status_code == 302, response.context["adminform"].errors
    return Image.objects.latest("created_at")


def rendition_files(image) -> list[str]:
    return images.rendition_names(image.renditions)


def opened(name):
    with default_storage.open(name) as handle:
        picture = PILImage.open(io.BytesIO(handle.read()))
        picture.load()
    return picture


# Uploads


@pytest.mark.parametrize(
    ("content", "name", "content_type", "format_"),
    [
        (photo(), "photo.jpg", "image/jpeg", "JPEG"),
        (photo(format_="PNG"), "chart.png", "image/png", "PNG"),
        (photo(format_="WEBP"), "web.webp", "image/webp", "WEBP"),
        (photo((600, 400), format_="GIF"), "anim.gif", "image/gif", "GIF"),
    ],
)
def test_valid_pictures_are_stored_with_webp_and_jpeg_renditions(
    editor_client, content, name, content_type, format_
):
    image = uploaded(editor_client, content, name=name, content_type=content_type)

    assert opened(image.file.name).format == format_
    widths = [width for width, _, _ in image.renditions["webp"]]
    assert widths == sorted(widths) and widths[0] == 160
    assert widths[-1] == min(image.width, 1600)
    for kind, expected in (("webp", "WEBP"), ("jpeg", "JPEG")):
        for width, height, name_ in image.renditions[kind]:
            picture = opened(name_)
            assert picture.format == expected
            assert picture.size == (width, height)
    assert opened(image.renditions["share"]).size == (1200, 630)


def test_wire_photo_prefills_caption_credit_and_copyright(editor_client):
    xmp = (
        b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
        b'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        b'<rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/">'
        b"<dc:rights><rdf:Alt><rdf:li xml:lang='x-default'>\xc2\xa9 Agency 2025</rdf:li>"
        b"</rdf:Alt></dc:rights></rdf:Description></rdf:RDF></x:xmpmeta>"
    )
    content = wire_photo(
        caption="Delegations meet in Riyadh on 18 February 2025", credit="Reuters/Jane Doe", xmp=xmp
    )

    image = uploaded(editor_client, content, caption="", credit="", copyright="")

    assert image.caption == "Delegations meet in Riyadh on 18 February 2025"
    assert image.credit == "Reuters/Jane Doe"
    assert image.copyright == "© Agency 2025"
    page = editor_client.get(f"/admin/articles/image/{image.pk}/change/")
    assert 'value="Reuters/Jane Doe"' in page.text
    assert "Delegations meet in Riyadh on 18 February 2025</textarea>" in page.text


def test_what_the_editor_typed_wins_over_the_photo_metadata(editor_client):
    content = wire_photo(caption="Wire caption", credit="Wire credit")
    image = uploaded(editor_client, content, caption="Our caption", credit="Our credit")
    assert (image.caption, image.credit) == ("Our caption", "Our credit")


def test_a_picture_without_any_credit_is_refused_with_a_message(editor_client, media_on_disk):
    response = post_upload(editor_client, photo(), credit="")
    assert response.status_code == 200
    assert "Give the picture’s credit" in response.text
    assert not Image.objects.exists()
    # Only the copy held for the next try, under a name nobody can guess.
    assert [name.split("/")[0] for name in files_on_disk(media_on_disk)] == ["held"]


def truncated_jpeg():
    content = noise_jpeg((600, 600))
    return content[: len(content) // 2]


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"Quarterly results, plain text.\n" * 50, "notes.jpg", "This file is not a picture"),
        (b"<?php system($_GET['c']); ?>", "shell.jpg", "This file is not a picture"),
        (truncated_jpeg(), "cut.jpg", "damaged or incomplete"),
        (png_bomb(), "bomb.png", "megapixels"),
        (photo((300, 200), format_="BMP"), "old.jpg", "BMP pictures are not accepted"),
        (photo((300, 200), format_="TIFF"), "scan.jpg", "TIFF pictures are not accepted"),
    ],
)
@pytest.mark.parametrize("alt_text", ["Delegates at the table", ""])
def test_bad_uploads_are_refused_with_a_message_and_nothing_is_kept(
    editor_client, media_on_disk, content, name, message, alt_text
):
    response = post_upload(editor_client, content, name=name, alt_text=alt_text)

    assert response.status_code == 200
    assert message in response.text
    assert not Image.objects.exists()
    assert files_on_disk(media_on_disk) == []


def test_pictures_over_the_size_limit_are_refused(editor_client, settings, media_on_disk):
    settings.IMAGE_MAX_UPLOAD_BYTES = 100_000
    content = noise_jpeg()
    assert len(content) > 100_000

    response = post_upload(editor_client, content)

    assert response.status_code == 200
    assert "the largest picture accepted is 0.1 MB" in response.text
    assert not Image.objects.exists()
    assert files_on_disk(media_on_disk) == []


def test_pictures_over_the_pixel_limit_are_refused(editor_client, settings):
    settings.IMAGE_MAX_PIXELS = 1_000_000
    response = post_upload(editor_client, photo((1500, 1000)))
    assert response.status_code == 200
    assert "1,500 × 1,000 pixels" in response.text
    assert not Image.objects.exists()


def test_exif_orientation_is_honoured(editor_client):
    # Stored 800×400 with "rotate 90°": readers must see it 400 wide, 800 high.
    image = uploaded(editor_client, exif_photo(orientation=6, size=(800, 400)))

    assert (image.renditions["width"], image.renditions["height"]) == (400, 800)
    width, height, name = image.renditions["jpeg"][-1]
    assert opened(name).size == (400, 800) == (width, height)


def test_served_renditions_carry_no_camera_or_location_data(editor_client, client):
    original = exif_photo(gps=True)
    assert PILImage.open(io.BytesIO(original)).getexif().get_ifd(0x8825)
    image = uploaded(editor_client, original)
    story = StoryFactory(lead_image=image)

    html = client.get(story.get_absolute_url()).text
    served = re.findall(r'(/media/renditions/[^" ,]+)', html)
    assert served
    for url in set(served):
        response = client.get(url)
        assert response.status_code == 200
        picture = PILImage.open(io.BytesIO(b"".join(response.streaming_content)))
        assert not picture.getexif(), url
        assert "exif" not in picture.info
        assert b"Phone 12" not in b"".join(client.get(url).streaming_content)
        # Compressed already: sent as they are even to readers who accept gzip.
        assert "Content-Encoding" not in client.get(url, headers={"Accept-Encoding": "gzip"})


def test_originals_are_never_served(editor_client, client):
    image = uploaded(editor_client, exif_photo(gps=True))
    assert image.file.name.startswith("originals/")
    assert client.get(f"/media/{image.file.name}").status_code == 404
    assert client.get("/media/renditions/../" + image.file.name).status_code == 404


# Readers


def test_story_page_serves_responsive_renditions_with_caption_and_credit(editor_client, client):
    image = uploaded(editor_client, photo((2000, 1333)), caption="Talks in Riyadh")
    story = StoryFactory(lead_image=image)

    html = client.get(story.get_absolute_url()).text

    assert '<source type="image/webp"' in html
    for width in (320, 640, 960, 1280, 1600):
        assert re.search(rf"renditions/{image.pk}/\w+-{width}\.webp {width}w", html)
        assert re.search(rf"renditions/{image.pk}/\w+-{width}\.jpg {width}w", html)
    assert 'width="2000" height="1333"' in html
    assert 'fetchpriority="high"' in html  # the lead image is above the fold
    assert "originals/" not in html
    assert "Talks in Riyadh" in html
    assert '<span class="credit">Jane Doe/Agency</span>' in html


def test_listing_lazy_loads_pictures_below_the_fold(editor_client, client):
    image = uploaded(editor_client)
    section = SectionFactory(slug="world")
    StoryFactory.create_batch(3, lead_image=image, section=section)

    html = client.get("/sections/world/").text

    assert html.count("<picture") == 3
    assert html.count('loading="lazy"') == 2


def test_listing_query_count_stays_flat_with_lead_images(editor_client, client):
    image = uploaded(editor_client)
    section = SectionFactory(slug="world")
    StoryFactory(lead_image=image, section=section)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/sections/world/").status_code == 200
        return len(captured)

    one = queries()
    for _ in range(12):
        StoryFactory(lead_image=uploaded(editor_client), section=section)
    assert queries() == one


def test_one_picture_reused_in_many_stories_shows_where_it_is_used(editor_client):
    image = uploaded(editor_client)
    StoryFactory(headline="First use", lead_image=image)
    StoryFactory(headline="Second use", lead_image=image)
    PersonFactory(name="Pictured Person", photo=image)
    StoryFactory(
        headline="Inside the body",
        body=f'<p>Text.</p><figure class="library-image" data-image-id="{image.pk}"></figure>',
    )
    StoryFactory(
        headline="Another picture's story",
        body=f'<figure class="library-image" data-image-id="{image.pk}0"></figure>',
    )

    page = editor_client.get(f"/admin/articles/image/{image.pk}/change/").text

    assert "First use" in page and "Second use" in page and "Pictured Person" in page
    assert "In the body of:" in page and "Inside the body" in page
    assert "Another picture" not in page
    listing = editor_client.get("/admin/articles/image/").text
    assert image.thumbnail_url() in listing


def test_story_form_offers_a_searchable_picture_chooser_with_a_preview(editor_client):
    image = uploaded(editor_client, alt_text="Riyadh talks table")
    story = StoryFactory(lead_image=image)

    response = editor_client.get(
        "/admin/autocomplete/",
        {
            "term": "Riyadh",
            "app_label": "articles",
            "model_name": "story",
            "field_name": "lead_image",
        },
    )
    page = editor_client.get(f"/admin/articles/story/{story.pk}/change/").text

    assert [r["text"] for r in response.json()["results"]] == ["Riyadh talks table"]
    assert image.thumbnail_url() in page


def test_until_its_renditions_are_made_a_picture_is_left_out_everywhere(editor_client, client):
    # Uploaded, but the change has not committed: its job has not run.
    response = post_upload(editor_client, photo(), alt_text="Riyadh talks table")
    assert response.status_code == 302
    image = Image.objects.get()
    assert not image.ready
    story = StoryFactory(lead_image=image, section=SectionFactory(slug="world"))
    BylineFactory(story=story, person=PersonFactory(slug="ada", photo=image))

    for url in (story.get_absolute_url(), "/", "/sections/world/", "/people/ada/", "/feed/"):
        page = client.get(url)
        assert page.status_code == 200, url
        assert "<img" not in page.text and "renditions/" not in page.text, url
        assert "has-image" not in page.text and "lead-image" not in page.text, url
    # Shared meanwhile with the drawn card, which is there.
    html = client.get(story.get_absolute_url()).text
    assert share_image(html).startswith(f"/cards/{story.pk}-")
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    article = next(data for data in map(json.loads, blocks) if "headline" in data)
    assert [image["url"] for image in article["image"]] == [f"http://testserver{share_image(html)}"]
    assert client.get(share_image(html)).status_code == 200
    for url in (
        f"/admin/articles/image/{image.pk}/change/",
        "/admin/articles/image/",
        f"/admin/articles/story/{story.pk}/change/",
    ):
        page = editor_client.get(url).text
        assert "Being prepared" in page and "renditions/" not in page, url


def test_a_set_made_for_a_file_replaced_meanwhile_is_thrown_away(monkeypatch, media_on_disk):
    image = Image(alt_text="First picture", credit="Desk")
    image.file.save("first.jpg", ContentFile(photo((700, 500))))  # its job waits
    first = image.file.name
    make = images.make_renditions

    def replaced_while_resizing(picture, storage):
        made = make(picture, storage)
        # Meanwhile an editor uploads another file, whose own job runs.
        monkeypatch.setattr(images, "make_renditions", make)
        with committed():
            Image.objects.get(pk=image.pk).file.save("second.jpg", ContentFile(photo((800, 500))))
        return made

    monkeypatch.setattr(images, "make_renditions", replaced_while_resizing)
    assert images.store_renditions(image.pk, first) is False

    image.refresh_from_db()
    assert image.renditions["source"] == image.file.name != first
    assert set(files_on_disk(media_on_disk)) == {image.file.name, *rendition_files(image)}


def test_the_job_does_nothing_for_a_deleted_picture_or_one_already_done(media_on_disk):
    image = Image(alt_text="Soon gone", credit="Desk")
    image.file.save("gone.jpg", ContentFile(photo((700, 500))))
    name = image.file.name
    Image.objects.get(pk=image.pk).delete()
    assert images.store_renditions(image.pk, name) is False

    image = Image(alt_text="Kept", credit="Desk")
    with committed():
        image.file.save("kept.jpg", ContentFile(photo((700, 500))))
    kept = files_on_disk(media_on_disk)
    assert images.store_renditions(image.pk, image.file.name) is False
    assert files_on_disk(media_on_disk) == kept


def test_two_runs_of_one_job_at_once_keep_one_set(monkeypatch, media_on_disk):
    image = Image(alt_text="Twice", credit="Desk")
    image.file.save("twice.jpg", ContentFile(photo((700, 500))))
    make = images.make_renditions

    def other_run_finishes_first(picture, storage):
        monkeypatch.setattr(images, "make_renditions", make)
        assert images.store_renditions(picture.pk, picture.file.name) is True
        return make(picture, storage)

    monkeypatch.setattr(images, "make_renditions", other_run_finishes_first)
    assert images.store_renditions(image.pk, image.file.name) is False
    image.refresh_from_db()
    assert set(files_on_disk(media_on_disk)) == {image.file.name, *rendition_files(image)}


def test_deleting_an_old_copy_of_a_picture_removes_what_its_job_stored_since(media_on_disk):
    image = Image(alt_text="Loaded before its job ran", credit="Desk")
    image.file.save("old.jpg", ContentFile(photo((700, 500))))
    assert images.store_renditions(image.pk, image.file.name)
    assert image.renditions == {}
    with committed():
        image.delete()
    assert files_on_disk(media_on_disk) == []


def test_a_save_from_an_old_copy_keeps_the_renditions_its_job_stored(media_on_disk):
    image = Image(alt_text="Loaded before its job ran", credit="Desk")
    image.file.save("old.jpg", ContentFile(photo((700, 500))))
    assert images.store_renditions(image.pk, image.file.name)
    stored = Image.objects.get(pk=image.pk).renditions

    image.alt_text = "Edited"
    with committed():
        image.save()
    image.refresh_from_db()
    assert (image.alt_text, image.renditions) == ("Edited", stored)
    assert set(files_on_disk(media_on_disk)) == {image.file.name, *rendition_files(image)}


# Share cards


def share_image(html):
    return re.search(r'<meta property="og:image" content="http://testserver([^"]+)">', html)[1]


def test_story_without_a_picture_gets_a_drawn_share_card(client, media_on_disk):
    story = StoryFactory(headline="Trump says talks begin", kicker="Ukraine war")
    url = share_image(client.get(story.get_absolute_url()).text)
    assert url.startswith(f"/cards/{story.pk}-")

    response = client.get(url)

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert "immutable" in response["Cache-Control"]
    card = PILImage.open(io.BytesIO(b"".join(response.streaming_content)))
    assert card.size == (1200, 630)
    cards = [name for name in files_on_disk(media_on_disk) if name.startswith("cards/")]
    assert len(cards) == 1
    client.get(url)
    assert [n for n in files_on_disk(media_on_disk) if n.startswith("cards/")] == cards


def test_card_is_redrawn_when_the_headline_changes(client):
    story = StoryFactory(headline="First headline")
    old = share_image(client.get(story.get_absolute_url()).text)
    first = b"".join(client.get(old).streaming_content)
    story.headline = "A completely different headline"
    story.save()

    new = share_image(client.get(story.get_absolute_url()).text)

    assert new != old
    assert client.get(old)["Location"] == new
    assert b"".join(client.get(new).streaming_content) != first


def cards_on_disk(root):
    return [name for name in files_on_disk(root) if name.startswith("cards/")]


def test_a_story_going_public_has_its_card_drawn_by_a_job(client, media_on_disk, monkeypatch):
    with committed():
        story = StoryFactory(headline="Talks begin", draft=True)
    assert cards_on_disk(media_on_disk) == []
    story.status = Story.Status.PUBLISHED
    with committed():
        story.save()
    [card] = cards_on_disk(media_on_disk)

    def no_drawing(**kwargs):
        raise AssertionError("a reader's request drew the card")

    monkeypatch.setattr(views, "draw_card", no_drawing)
    response = client.get(share_image(client.get(story.get_absolute_url()).text))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == (media_on_disk / card).read_bytes()

    story.headline = "Talks begin in Riyadh"
    with committed():
        story.save()
    assert len(cards_on_disk(media_on_disk)) == 2
    assert client.get(story.share_image_url).status_code == 200


def test_no_card_is_drawn_ahead_of_time_or_for_a_story_sharing_its_picture(
    editor_client, media_on_disk
):
    with committed():
        StoryFactory(scheduled=True)
        StoryFactory(lead_image=uploaded(editor_client))
    assert cards_on_disk(media_on_disk) == []


def test_unpublished_story_has_no_card(client):
    story = StoryFactory(draft=True)
    assert client.get(f"/cards/{story.pk}-{story.card_digest()}.png").status_code == 404


def test_story_with_a_lead_image_shares_its_1200_by_630_crop(editor_client, client):
    image = uploaded(editor_client, photo((3000, 2000)))
    story = StoryFactory(lead_image=image)
    url = share_image(client.get(story.get_absolute_url()).text)
    response = client.get(url)
    assert PILImage.open(io.BytesIO(b"".join(response.streaming_content))).size == (1200, 630)


# Storage


def test_s3_compatible_storage_is_configured_from_the_environment():
    script = (
        "import django; django.setup();"
        "from django.core.files.storage import storages;"
        "s = storages['default'];"
        "print(type(s).__name__, s.url('renditions/1/a.webp'))"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "newsroom.settings",
        "SECRET_KEY": "x" * 50,
        "DEBUG": "0",
        "AWS_STORAGE_BUCKET_NAME": "newsroom-media",
        "AWS_S3_ENDPOINT_URL": "https://s3.example.net",
        "AWS_S3_CUSTOM_DOMAIN": "media.example.com",
        "AWS_ACCESS_KEY_ID": "key",
        "AWS_SECRET_ACCESS_KEY": "secret",
    }
    result = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["S3Storage", "https://media.example.com/renditions/1/a.webp"]


def test_story_page_queries_do_not_grow_with_a_lead_image(editor_client, client):
    story = StoryFactory()
    with CaptureQueriesContext(connection) as without:
        client.get(story.get_absolute_url())
    Story.objects.filter(pk=story.pk).update(lead_image=uploaded(editor_client))
    with CaptureQueriesContext(connection) as with_image:
        client.get(story.get_absolute_url())
    assert len(with_image) == len(without)


def test_renditions_are_made_however_the_file_was_saved():
    image = Image(alt_text="Saved from code", credit="Desk")
    image.file.save("from-code.jpg", ContentFile(photo((700, 500))), save=False)
    with committed():
        image.save()
    image.refresh_from_db()
    assert [w for w, _, _ in image.renditions["jpeg"]] == [160, 320, 640, 700]
    names = [name for _, _, name in image.renditions["jpeg"]]

    image.alt_text = "Only the words changed"
    with committed():
        image.save()
    image.refresh_from_db()
    assert [name for _, _, name in image.renditions["jpeg"]] == names


def test_person_page_shows_their_photo(editor_client, client):
    image = uploaded(editor_client, alt_text="Portrait of Ada")
    ada = PersonFactory(name="Ada Reporter", slug="ada", photo=image)
    BylineFactory(person=ada)  # on a published story: her page is public
    html = client.get("/people/ada/").text
    assert 'alt="Portrait of Ada"' in html
    assert f"renditions/{image.pk}/" in html


# A file chosen survives the form's other errors


def held_reference(html: str) -> str:
    return re.search(r'name="held_file" value="([^"]+)"', html)[1]


def test_the_chosen_file_survives_a_missing_alt_text_and_is_stored_once_corrected(
    editor_client, media_on_disk
):
    content = photo((900, 600))
    response = post_upload(editor_client, content, name="Riyadh talks.jpg", alt_text="")

    assert response.status_code == 200
    assert "This field is required." in response.text
    assert "Keep this file (Riyadh talks.jpg)" in response.text
    assert not Image.objects.exists()
    # The editor sees the picture they chose, as a small copy made for them.
    preview = re.search(r'<img src="([^"]+)" alt="The picture chosen before', response.text)[1]
    shown = editor_client.get(preview.replace("&amp;", "&"))
    assert shown.status_code == 200 and shown["Content-Type"] == "image/jpeg"
    assert PILImage.open(io.BytesIO(shown.content)).size == (320, 213)

    # Corrected, and sent again without choosing the file: the kept one is stored.
    data = form_values(response.text, "image_form")
    data["alt_text"] = "Delegates at the table"
    with committed():
        saved = editor_client.post(ADD_URL, data)

    assert saved.status_code == 302
    image = Image.objects.get()
    assert image.file.name.startswith("originals/")
    with default_storage.open(image.file.name) as handle:
        assert handle.read() == content
    assert image.ready and image.alt_text == "Delegates at the table"
    # The held copy went once stored.
    assert set(files_on_disk(media_on_disk)) == {image.file.name, *rendition_files(image)}


def test_a_file_chosen_again_wins_over_the_one_kept(editor_client):
    first = post_upload(editor_client, photo((900, 600)), alt_text="")
    data = form_values(first.text, "image_form")
    data.update({"alt_text": "The second picture", "file": upload(photo((500, 500)))})
    with committed():
        assert editor_client.post(ADD_URL, data).status_code == 302
    assert (Image.objects.get().width, Image.objects.get().height) == (500, 500)


def test_unticking_keep_this_file_asks_for_a_file_again(editor_client):
    first = post_upload(editor_client, photo(), alt_text="")
    data = form_values(first.text, "image_form")
    del data["held_file_keep"]
    data["alt_text"] = "Delegates at the table"

    response = editor_client.post(ADD_URL, data)

    assert response.status_code == 200
    assert "This field is required." in response.text
    assert not Image.objects.exists()


def test_a_forged_or_someone_else_s_kept_file_is_refused(editor_client, django_user_model):
    first = post_upload(editor_client, photo(), alt_text="")
    reference = held_reference(first.text)
    forged = reference.replace("held", "hela", 1)
    data = form_values(first.text, "image_form")
    data["alt_text"] = "Delegates at the table"

    response = editor_client.post(ADD_URL, {**data, "held_file": "held/2026-01-01/x.jpg:abc"})
    assert response.status_code == 200
    assert images.HELD_GONE in response.text
    response = editor_client.post(ADD_URL, {**data, "held_file": forged + "x"})
    assert images.HELD_GONE in response.text

    # Another editor holding the reference (a shared link, a copied form) cannot use it.
    other = django_user_model.objects.create_superuser("olga", "olga@example.com", "pw-long-1")
    other_client = type(editor_client)()
    other_client.force_login(other)
    response = other_client.post(ADD_URL, {**data, "held_file": reference})
    assert response.status_code == 200
    assert images.HELD_GONE in response.text
    preview = f"/admin/articles/image/held/?ref={reference}"
    assert other_client.get(preview).status_code == 404
    assert not Image.objects.exists()


def test_a_kept_file_expires_after_a_day_and_is_cleared(editor_client, media_on_disk):
    import time_machine

    first = post_upload(editor_client, photo(), alt_text="")
    data = form_values(first.text, "image_form")
    data["alt_text"] = "Delegates at the table"
    assert images.held_uploads_clear() == 0  # today's are kept

    with time_machine.travel(timezone.now() + timedelta(hours=25)):
        response = editor_client.post(ADD_URL, data)
        assert response.status_code == 200
        assert images.HELD_GONE in response.text
    with time_machine.travel(timezone.now() + timedelta(days=2)):
        assert images.held_uploads_clear() == 1
    assert not [name for name in files_on_disk(media_on_disk) if name.startswith("held/")]
    assert not Image.objects.exists()


def test_a_kept_file_stays_one_copy_through_several_tries(editor_client, media_on_disk):
    first = post_upload(editor_client, photo(), alt_text="", credit="")
    data = form_values(first.text, "image_form")
    data["credit"] = "Jane Doe/Agency"  # the alt text is still missing

    second = editor_client.post(ADD_URL, data)

    assert second.status_code == 200
    assert held_reference(second.text) == held_reference(first.text)
    assert len([n for n in files_on_disk(media_on_disk) if n.startswith("held/")]) == 1


def test_holding_a_file_has_a_job_clear_the_expired_ones(editor_client, media_on_disk):
    default_storage.save("held/2020-02-02/0123abcd-old.jpg", ContentFile(photo((50, 50))))

    with committed():
        post_upload(editor_client, photo(), alt_text="")

    held = [name for name in files_on_disk(media_on_disk) if name.startswith("held/")]
    assert len(held) == 1 and not held[0].startswith("held/2020-02-02/")


def test_a_new_picture_s_page_leaves_the_focal_point_for_later(editor_client):
    page = editor_client.get(ADD_URL).text
    assert 'name="focal_x"' not in page and 'name="held_file"' in page


# Focal point


def pixel(name, xy):
    return opened(name).convert("RGB").getpixel(xy)


def is_red(rgb):
    return rgb[0] > 180 and rgb[1] < 60 and rgb[2] < 60


def is_blue(rgb):
    return rgb[2] > 180 and rgb[0] < 60 and rgb[1] < 60


def change_focal(client, image, x, y):
    url = f"/admin/articles/image/{image.pk}/change/"
    data = form_values(client.get(url).text, "image_form")
    data.update({"focal_x": x, "focal_y": y})
    with committed():
        return client.post(url, data)


def test_the_share_card_is_cropped_around_the_focal_point(editor_client, client):
    image = uploaded(editor_client, two_ends(), name="ends.png", content_type="image/png")
    assert (image.focal_x, image.focal_y) == (0.5, 0.5)
    # Centred: neither end is in the card.
    assert not is_red(pixel(image.renditions["share"], (5, 315)))
    assert not is_blue(pixel(image.renditions["share"], (1194, 315)))
    story = StoryFactory(lead_image=image)
    before_page = share_image(client.get(story.get_absolute_url()).text)
    resized = {kind: image.renditions[kind] for kind in ("webp", "jpeg")}

    assert change_focal(editor_client, image, "0.05", "0.5").status_code == 302

    image.refresh_from_db()
    assert (image.focal_x, image.focal_y) == (0.05, 0.5)
    assert image.renditions["focal"] == [0.05, 0.5]
    assert is_red(pixel(image.renditions["share"], (5, 315)))
    assert not is_blue(pixel(image.renditions["share"], (1194, 315)))
    # 1,200 pixels wide, as Google asks, though the picture is 600 high.
    for shape, (width, height) in {
        "16x9": (1200, 675),
        "4x3": (1200, 900),
        "1x1": (1200, 1200),
    }.items():
        w, h, name = image.renditions["crops"][shape]
        assert (w, h) == (width, height) and opened(name).size == (width, height)
        assert is_red(pixel(name, (3, h // 2)))
    # Only the crops were made again; the resized copies stand.
    assert {kind: image.renditions[kind] for kind in ("webp", "jpeg")} == resized
    assert not default_storage.exists(before_page.removeprefix("/media/"))

    # The story's page, cached under the content's state, links the new card at once.
    after_page = share_image(client.get(story.get_absolute_url()).text)
    assert after_page != before_page
    assert client.get(after_page).status_code == 200

    change_focal(editor_client, image, "0.95", "0.5")
    image.refresh_from_db()
    assert is_blue(pixel(image.renditions["share"], (1194, 315)))
    assert not is_red(pixel(image.renditions["share"], (5, 315)))


def test_structured_data_lists_the_crops_search_engines_ask_for(editor_client, client):
    image = uploaded(
        editor_client,
        two_ends(),
        name="ends.png",
        content_type="image/png",
        caption="Delegates in Riyadh.",
        copyright="© Agency 2025",
    )
    story = StoryFactory(lead_image=image)
    html = client.get(story.get_absolute_url()).text
    article = next(
        data
        for data in map(
            json.loads,
            re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S),
        )
        if data.get("@type") == "NewsArticle"
    )
    shapes = [
        (item["url"].rsplit("-", 2)[-2], item["width"], item["height"]) for item in article["image"]
    ]
    assert shapes == [("16x9", 1200, 675), ("4x3", 1200, 900), ("1x1", 1200, 1200)]
    for item in article["image"]:
        assert item["@type"] == "ImageObject"
        assert item["url"].startswith("http://testserver/media/renditions/")
        assert client.get(item["url"].removeprefix("http://testserver")).status_code == 200
        assert item["caption"] == "Delegates in Riyadh."
        assert item["creditText"] == "Jane Doe/Agency"
        assert item["copyrightNotice"] == "© Agency 2025"


def test_making_crops_again_is_idempotent(editor_client, media_on_disk):
    image = uploaded(editor_client, two_ends(), name="ends.png", content_type="image/png")
    Image.objects.filter(pk=image.pk).update(focal_x=0.1)

    assert images.store_renditions(image.pk, image.file.name) is True
    kept = files_on_disk(media_on_disk)
    assert images.store_renditions(image.pk, image.file.name) is False
    assert files_on_disk(media_on_disk) == kept
    image.refresh_from_db()
    assert set(kept) == {image.file.name, *rendition_files(image)}


def test_a_focal_point_outside_the_picture_is_refused(editor_client):
    image = uploaded(editor_client)
    response = change_focal(editor_client, image, "1.5", "-0.1")
    assert response.status_code == 200
    assert "Ensure this value is less than or equal to 1." in response.text
    assert "Ensure this value is greater than or equal to 0." in response.text
    image.refresh_from_db()
    assert (image.focal_x, image.focal_y) == (0.5, 0.5)


def test_the_change_page_marks_the_focal_point_on_the_picture(editor_client):
    image = uploaded(editor_client)
    change_focal(editor_client, image, "0.25", "0.75")
    page = editor_client.get(f"/admin/articles/image/{image.pk}/change/").text
    assert 'class="focal-picker" data-focal-x="0.25" data-focal-y="0.75"' in page
    assert 'id="id_focal_x"' in page and 'step="0.01"' in page


# The story form's chooser


def test_the_chooser_gets_a_picked_picture_s_thumbnail_before_saving(editor_client):
    image = uploaded(editor_client, alt_text="Riyadh talks table")

    answer = editor_client.get(f"/admin/articles/image/{image.pk}/thumbnail/").json()
    form = editor_client.get("/admin/articles/story/add/").text

    assert answer["ready"] and answer["url"] == image.thumbnail_url()
    assert f'src="{image.thumbnail_url()}" alt="Riyadh talks table"' in answer["html"]
    assert 'data-thumbnail-url="/admin/articles/image/__id__/thumbnail/"' in form
    assert "articles/admin/lead_image_preview.js" in form
    assert editor_client.get("/admin/articles/image/999999/thumbnail/").status_code == 404
    assert editor_client.get("/admin/articles/image/x%20y/thumbnail/").status_code == 404


def test_a_picture_resized_before_focal_points_gets_its_crops_when_next_saved(
    editor_client, media_on_disk
):
    image = uploaded(editor_client, two_ends(), name="ends.png", content_type="image/png")
    old = {key: value for key, value in image.renditions.items() if key not in {"focal", "crops"}}
    images.delete_files([name for _, _, name in image.renditions["crops"].values()])
    Image.objects.filter(pk=image.pk).update(renditions=old)

    with committed():
        Image.objects.get(pk=image.pk).save()

    image.refresh_from_db()
    assert image.renditions["focal"] == [0.5, 0.5]
    assert set(image.renditions["crops"]) == {"16x9", "4x3", "1x1"}
    assert image.renditions["webp"] == old["webp"]
    assert set(files_on_disk(media_on_disk)) == {image.file.name, *rendition_files(image)}
