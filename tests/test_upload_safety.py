"""Pictures keep no secrets: what readers get and what the newsroom stores hold no location,
no comments and no other metadata than the colour profile, and nothing is kept of an upload
whose row never commits."""

import io

import pytest
from django.core.files.base import ContentFile
from django.db import DatabaseError, models, transaction
from PIL import Image as PILImage
from PIL import ImageCms, PngImagePlugin

from articles import images
from articles.admin import ImageAdmin
from articles.models import Image
from tests import test_images
from tests.factories import StoryFactory
from tests.pictures import exif_photo, photo
from tests.test_images import committed, files_on_disk, opened, post_upload, uploaded

pytestmark = pytest.mark.django_db

# Real files in a folder of the test's own, as the picture tests keep them.
media_on_disk = test_images.media_on_disk

SCRIPT = b"<script>alert('comment')</script>"
XMP = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
    b'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
    b'<rdf:Description xmlns:exif="http://ns.adobe.com/exif/1.0/" '
    b'exif:GPSLatitude="50,27.0N" exif:GPSLongitude="30,31.0E"/>'
    b"</rdf:RDF></x:xmpmeta>"
)
SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def located_exif() -> PILImage.Exif:
    exif = PILImage.Exif()
    exif[0x0110] = "Phone 12"  # camera model
    exif[0x8825] = {1: "N", 2: (50.0, 27.0, 0.0), 3: "E", 4: (30.0, 31.0, 0.0)}
    return exif


def picture(mode="RGB", size=(900, 600)):
    image = PILImage.linear_gradient("L").resize(size).convert("RGB")
    image.paste((180, 30, 30), (100, 100, 400, 300))
    return image.convert(mode)


def telling_jpeg() -> bytes:
    buffer = io.BytesIO()
    picture().save(buffer, "JPEG", comment=SCRIPT, exif=located_exif(), xmp=XMP, icc_profile=SRGB)
    return buffer.getvalue()


def telling_png() -> bytes:
    text = PngImagePlugin.PngInfo()
    text.add_text("Comment", SCRIPT.decode())
    text.add_itxt("XML:com.adobe.xmp", XMP.decode())
    buffer = io.BytesIO()
    picture("RGBA").save(buffer, "PNG", pnginfo=text, exif=located_exif(), icc_profile=SRGB)
    return buffer.getvalue()


def telling_webp() -> bytes:
    buffer = io.BytesIO()
    picture().save(buffer, "WEBP", exif=located_exif(), xmp=XMP, icc_profile=SRGB)
    return buffer.getvalue()


def telling_gif() -> bytes:
    buffer = io.BytesIO()
    picture("P").save(buffer, "GIF", comment=SCRIPT)
    return buffer.getvalue()


TELLING = {
    "JPEG": (telling_jpeg, "photo.jpg", "image/jpeg"),
    "PNG": (telling_png, "chart.png", "image/png"),
    "WEBP": (telling_webp, "web.webp", "image/webp"),
    "GIF": (telling_gif, "anim.gif", "image/gif"),
}


def secrets_in(content: bytes) -> list[str]:
    """Which of the telling pieces of metadata a file still carries."""
    image = PILImage.open(io.BytesIO(content))
    found = []
    if image.info.get("comment") or image.info.get("Comment") or b"<script" in content:
        found.append("comment")
    if image.getexif().get_ifd(0x8825) or b"Phone 12" in content:
        found.append("exif")
    if image.info.get("xmp") or b"GPSLatitude" in content:
        found.append("xmp")
    return found


def rendition_names(image) -> list[str]:
    names = [name for kind in ("webp", "jpeg") for _, _, name in image.renditions[kind]]
    crops = [name for _, _, name in image.renditions["crops"].values()]
    return [*names, image.renditions["share"], *crops]


def read(name: str) -> bytes:
    from django.core.files.storage import default_storage

    with default_storage.open(name) as handle:
        return handle.read()


# Renditions


@pytest.mark.parametrize("format_", TELLING)
def test_renditions_carry_no_comment_exif_or_xmp_only_the_colour_profile(editor_client, format_):
    make, name, content_type = TELLING[format_]
    content = make()
    assert secrets_in(content), "the upload itself must carry metadata to leave behind"

    image = uploaded(editor_client, content, name=name, content_type=content_type)

    for rendition in rendition_names(image):
        assert secrets_in(read(rendition)) == [], rendition
        if format_ != "GIF":  # GIF has no colour profile to keep
            assert opened(rendition).info.get("icc_profile") == SRGB, rendition


# Interrupted uploads


@pytest.fixture
def renditions_fail_half_way(monkeypatch):
    """Every try at the renditions fails at the third, once two are stored (until
    ``fixed`` is set)."""
    encode, calls = images._encode, []

    def failing(picture, kind):
        calls.append(kind)
        if len(calls) % 3 == 0 and not failing.fixed:
            raise OSError("encoder crashed")
        return encode(picture, kind)

    failing.fixed = False
    monkeypatch.setattr(images, "_encode", failing)
    return failing


def test_renditions_that_keep_failing_leave_no_half_set_and_are_made_on_the_next_save(
    editor_client, client, media_on_disk, renditions_fail_half_way
):
    # The upload is saved; its job is tried again and again, and gives up.
    image = uploaded(editor_client, exif_photo(gps=True))

    assert files_on_disk(media_on_disk) == [image.file.name]
    assert image.renditions == {}
    page = editor_client.get(f"/admin/articles/image/{image.pk}/change/").text
    assert "Being prepared" in page
    story = StoryFactory(lead_image=image)
    html = client.get(story.get_absolute_url()).text
    assert "<img" not in html and "lead-image" not in html

    renditions_fail_half_way.fixed = True
    with committed():
        Image.objects.get(pk=image.pk).save()
    image.refresh_from_db()
    assert set(files_on_disk(media_on_disk)) == {image.file.name, *rendition_names(image)}
    assert "<picture" in client.get(story.get_absolute_url()).text


def test_an_upload_rolled_back_after_its_row_was_saved_leaves_no_file_behind(
    editor_client, media_on_disk, monkeypatch
):
    # The admin saves the picture, then the database fails before the change is logged:
    # the admin's transaction rolls back with the picture's row in it.
    def database_gone(*args, **kwargs):
        raise DatabaseError("server closed the connection unexpectedly")

    monkeypatch.setattr(ImageAdmin, "log_addition", database_gone)

    with pytest.raises(DatabaseError):
        post_upload(editor_client, exif_photo(gps=True))

    assert not Image.objects.exists()
    assert files_on_disk(media_on_disk) == []


def test_pictures_saved_from_code_are_cleaned_up_the_same_way(media_on_disk, monkeypatch):
    def refused(*args, **kwargs):
        raise DatabaseError("value too long for type character varying(300)")

    monkeypatch.setattr(models.Model, "save_base", refused)
    with pytest.raises(DatabaseError):
        Image(alt_text="From a script", credit="Desk").file.save(
            "script.jpg", ContentFile(photo((700, 500)))
        )
    assert files_on_disk(media_on_disk) == []
    monkeypatch.undo()

    with pytest.raises(RuntimeError), transaction.atomic():
        image = Image(alt_text="From a script", credit="Desk")
        image.file.save("script.jpg", ContentFile(photo((700, 500))))
        assert files_on_disk(media_on_disk) == [image.file.name]
        raise RuntimeError("the import that saved it failed later")
    assert not Image.objects.exists()
    assert files_on_disk(media_on_disk) == []


def test_a_committed_upload_keeps_its_files(
    editor_client, media_on_disk, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        image = uploaded(editor_client, photo((700, 500)))

    assert set(files_on_disk(media_on_disk)) == {image.file.name, *rendition_names(image)}


def test_a_replaced_picture_drops_its_old_files_only_once_the_change_commits(
    media_on_disk, django_capture_on_commit_callbacks
):
    image = Image(alt_text="Before", credit="Desk")
    with committed():
        image.file.save("before.jpg", ContentFile(photo((700, 500))))
    image.refresh_from_db()
    old = {image.file.name, *rendition_names(image)}

    with pytest.raises(RuntimeError), transaction.atomic():
        image.file.save("after.jpg", ContentFile(photo((800, 500))))
        raise RuntimeError("rolled back")
    # Readers still get the picture as it was, and nothing of the new one is kept.
    assert set(files_on_disk(media_on_disk)) == old

    image = Image.objects.get(pk=image.pk)
    with django_capture_on_commit_callbacks(execute=True):
        image.file.save("after.jpg", ContentFile(photo((800, 500))))
    image.refresh_from_db()
    assert set(files_on_disk(media_on_disk)) == {image.file.name, *rendition_names(image)}
    assert not old & set(files_on_disk(media_on_disk))


def test_a_deleted_picture_keeps_its_files_until_the_deletion_commits(
    media_on_disk, django_capture_on_commit_callbacks
):
    image = Image(alt_text="Soon gone", credit="Desk")
    with committed():
        image.file.save("gone.jpg", ContentFile(photo((700, 500))))
    kept = files_on_disk(media_on_disk)
    assert len(kept) == 1 + 2 * 4 + 1 + 3  # original, resized copies, share card, crops

    with pytest.raises(RuntimeError), transaction.atomic():
        Image.objects.get(pk=image.pk).delete()
        raise RuntimeError("rolled back")
    assert files_on_disk(media_on_disk) == kept

    with django_capture_on_commit_callbacks(execute=True):
        Image.objects.get(pk=image.pk).delete()
    assert files_on_disk(media_on_disk) == []
