"""Real picture files, made in the test: JPEG, PNG, WebP, GIF, wire metadata, bombs."""

import io
import random
import struct
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image


def encode(picture, format_, **options) -> bytes:
    buffer = io.BytesIO()
    picture.save(buffer, format_, **options)
    return buffer.getvalue()


def photo(size=(1800, 1200), format_="JPEG", **options) -> bytes:
    """A picture with some structure (a gradient and a square), not a flat colour."""
    picture = Image.linear_gradient("L").resize(size).convert("RGB")
    picture.paste((180, 30, 30), (size[0] // 4, size[1] // 4, size[0] // 2, size[1] // 2))
    if format_ == "GIF":
        picture = picture.convert("P")
    return encode(picture, format_, **options)


def two_ends(size=(2000, 600)) -> bytes:
    """A wide grey PNG, red at its left end and blue at its right: a centred crop
    shows neither, one around a focal point near an end shows that end's colour."""
    picture = Image.new("RGB", size, (128, 128, 128))
    end = size[0] // 8
    picture.paste((220, 0, 0), (0, 0, end, size[1]))
    picture.paste((0, 0, 220), (size[0] - end, 0, size[0], size[1]))
    return encode(picture, "PNG")


def noise_jpeg(size=(1200, 1200)) -> bytes:
    """Random pixels: a JPEG that stays large."""
    rng = random.Random(4)
    return encode(Image.frombytes("RGB", size, rng.randbytes(size[0] * size[1] * 3)), "JPEG")


def iptc_segment(fields: dict) -> bytes:
    """A JPEG APP13 segment carrying IPTC datasets, as wire services send them."""
    data = b""
    for (record, dataset), value in fields.items():
        encoded = value.encode("utf-8")
        data += bytes([0x1C, record, dataset]) + len(encoded).to_bytes(2, "big") + encoded
    resource = b"8BIM\x04\x04\x00\x00" + len(data).to_bytes(4, "big") + data
    resource += b"\x00" * (len(data) % 2)
    payload = b"Photoshop 3.0\x00" + resource
    return b"\xff\xed" + (len(payload) + 2).to_bytes(2, "big") + payload


def wire_photo(caption="", credit="", copyright_="", xmp=None) -> bytes:
    fields = {}
    if caption:
        fields[(2, 120)] = caption
    if credit:
        fields[(2, 110)] = credit
    if copyright_:
        fields[(2, 116)] = copyright_
    jpeg = photo((1000, 700), xmp=xmp) if xmp else photo((1000, 700))
    return jpeg[:2] + iptc_segment(fields) + jpeg[2:] if fields else jpeg


def exif_photo(orientation=None, gps=False, size=(800, 400)) -> bytes:
    picture = Image.linear_gradient("L").resize(size).convert("RGB")
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # camera make
    exif[0x0110] = "Phone 12"  # camera model
    if orientation:
        exif[0x0112] = orientation
    if gps:
        exif[0x8825] = {1: "N", 2: (51.0, 30.0, 26.0), 3: "W", 4: (0.0, 7.0, 39.0)}
    return encode(picture, "JPEG", exif=exif)


def png_bomb(width=20000, height=20000) -> bytes:
    """A small 1-bit PNG whose pixels would fill gigabytes once decoded."""

    def chunk(kind, body):
        return (
            struct.pack(">I", len(body))
            + kind
            + body
            + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
        )

    row = b"\x00" * (1 + (width + 7) // 8)
    compressor = zlib.compressobj(9)
    compressed = b"".join(compressor.compress(row * 500) for _ in range(height // 500))
    compressed += compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", compressed)
        + chunk(b"IEND", b"")
    )


def upload(content: bytes, name="photo.jpg", content_type="image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def library_picture(capture_on_commit, content: bytes | None = None, **fields):
    """A library picture with credits, saved with its renditions made: the job queued on
    commit runs in ``capture_on_commit`` (pytest-django's
    ``django_capture_on_commit_callbacks``)."""
    from django.core.files.base import ContentFile

    from articles.models import Image as LibraryImage

    picture = LibraryImage(
        alt_text="Delegates at the table in Riyadh",
        caption="The delegations met for four hours.",
        credit="Jane Doe/Agency",
        copyright="© Agency 2025",
        **fields,
    )
    with capture_on_commit(execute=True):
        picture.file.save("talks.jpg", ContentFile(content or photo((800, 600))))
    picture.refresh_from_db()
    return picture
