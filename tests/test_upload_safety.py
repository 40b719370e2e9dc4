"""Pictures keep no secrets: what readers get and what the newsroom stores hold no location,
no comments and no other metadata than the colour profile, and nothing is kept of an upload
whose row never commits."""

import io

import pytest
from PIL import Image as PILImage
from PIL import ImageCms, PngImagePlugin

from tests import test_images
from tests.test_images import opened, uploaded

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
    return [*names, image.renditions["share"]]


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
