"""Pictures: safe uploads, metadata from wire photos, renditions and share cards (Pillow)."""

import datetime
import hashlib
import io
import logging
import re
import secrets
import warnings
import weakref
from pathlib import Path

from defusedxml import ElementTree
from django import forms
from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.text import get_valid_filename
from PIL import Image as PILImage
from PIL import ImageDraw, ImageFile, ImageFont, ImageOps, IptcImagePlugin

from articles.text import xml_text

# Refuse, rather than decode, anything bigger than the newsroom accepts.
PILImage.MAX_IMAGE_PIXELS = settings.IMAGE_MAX_PIXELS
ImageFile.LOAD_TRUNCATED_IMAGES = False

ACCEPTED_FORMATS = {"JPEG": "JPEG", "PNG": "PNG", "WEBP": "WebP", "GIF": "GIF"}
WIDTHS = (160, 320, 640, 960, 1280, 1600)
SHARE_SIZE = (1200, 630)
# Crops kept besides the share card: the shapes search engines ask for, each this
# wide (Google asks for 1,200 pixels at least), enlarged from a smaller picture.
CROP_SHAPES = ("16x9", "4x3", "1x1")
CROP_WIDTH = 1200
FONTS = Path(__file__).resolve().parent / "fonts"

logger = logging.getLogger(__name__)


def megabytes(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB"


def check_upload(upload) -> None:
    """Refuse files that are not pictures we serve, too big, or damaged; explain why."""
    limit = settings.IMAGE_MAX_UPLOAD_BYTES
    if upload.size > limit:
        raise ValidationError(
            f"This file is {megabytes(upload.size)}; the largest picture accepted is "
            f"{megabytes(limit)}.",
            code="too_big",
        )
    upload.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", PILImage.DecompressionBombWarning)
            picture = PILImage.open(upload)
    except (PILImage.DecompressionBombError, PILImage.DecompressionBombWarning) as error:
        raise ValidationError(
            "This picture has too many pixels to be processed safely. "
            f"The limit is {settings.IMAGE_MAX_PIXELS / 1_000_000:.0f} megapixels.",
            code="too_many_pixels",
        ) from error
    except (PILImage.UnidentifiedImageError, OSError, ValueError) as error:
        raise ValidationError(
            "This file is not a picture. Upload a JPEG, PNG, WebP or GIF.", code="not_an_image"
        ) from error
    with picture:
        if picture.format not in ACCEPTED_FORMATS:
            raise ValidationError(
                f"{picture.format} pictures are not accepted. Upload a JPEG, PNG, WebP or GIF.",
                code="format",
            )
        width, height = picture.size
        if width * height > settings.IMAGE_MAX_PIXELS:
            raise ValidationError(
                f"This picture is {width:,} × {height:,} pixels "
                f"({width * height / 1_000_000:.0f} megapixels); the limit is "
                f"{settings.IMAGE_MAX_PIXELS / 1_000_000:.0f} megapixels.",
                code="too_many_pixels",
            )
        try:
            picture.load()  # decodes every byte: truncated files fail here
        except (OSError, SyntaxError, ValueError, EOFError) as error:
            raise ValidationError(
                "This picture is damaged or incomplete (the file may have been cut short). "
                "Upload it again.",
                code="damaged",
            ) from error
    upload.seek(0)


class SafeImageField(forms.ImageField):
    """An upload field that checks the file before Django hands it to Pillow."""

    def to_python(self, data):
        if data not in self.empty_values:
            check_upload(data)
        return super().to_python(data)


# Uploads held between tries at a form: a checked file the form refused for another
# reason (no alt text, no credit) waits here, under a name nobody can guess and a
# reference signed for the one user, until the form is sent again or it expires.
HELD_PREFIX = "held"
HELD_SALT = "articles.image.held"
HELD_FOR = datetime.timedelta(hours=24)
HELD_GONE = (
    "The picture kept from your last try has expired or is not yours. Choose the file again."
)


def upload_hold(upload, user, storage=default_storage) -> str:
    """Keep ``upload`` (already checked) for ``user``'s next try; its signed reference."""
    day = timezone.now().date().isoformat()
    filename = get_valid_filename(Path(upload.name).name)[-80:] or "picture"
    upload.seek(0)
    name = storage.save(f"{HELD_PREFIX}/{day}/{secrets.token_hex(16)}-{filename}", upload)
    upload.seek(0)
    return signing.dumps({"name": name, "user": user.pk}, salt=HELD_SALT)


def upload_held(reference: str, user, storage=default_storage) -> tuple[str, SimpleUploadedFile]:
    """The held upload ``reference`` names, if it is ``user``'s and still kept.

    Returns its name in storage and the file as if uploaded again (the form checks it
    again); raises ValidationError for a forged, expired or someone else's reference.
    """
    try:
        held = signing.loads(reference, salt=HELD_SALT, max_age=HELD_FOR)
    except signing.BadSignature as error:  # expired ones too
        raise ValidationError(HELD_GONE, code="held_gone") from error
    name = held.get("name", "") if isinstance(held, dict) else ""
    if held.get("user") != user.pk or not name.startswith(f"{HELD_PREFIX}/") or ".." in name:
        raise ValidationError(HELD_GONE, code="held_gone")
    try:
        with storage.open(name) as handle:
            content = handle.read()
    except OSError as error:  # cleared meanwhile
        raise ValidationError(HELD_GONE, code="held_gone") from error
    return name, SimpleUploadedFile(held_filename(name), content)


def held_filename(name: str) -> str:
    """The name the file had on the editor's computer."""
    return Path(name).name.split("-", 1)[-1]


def held_thumbnail(upload, width: int = 320) -> bytes:
    """A small upright JPEG of a held upload, without its metadata, to show the editor."""
    upload.seek(0)
    with PILImage.open(upload) as opened:
        picture = ImageOps.exif_transpose(opened)
        picture.thumbnail((width, width * 4))
        return _encode(picture, "jpeg")


def held_uploads_clear(storage=default_storage, now=None) -> int:
    """Delete held uploads whose references have expired; how many went.

    They are kept in a folder per day, so only the days gone by are listed.
    """
    cutoff = ((now or timezone.now()) - HELD_FOR).date()
    try:
        days, _ = storage.listdir(HELD_PREFIX)
    except (FileNotFoundError, NotADirectoryError):
        return 0
    names = []
    for day in days:
        try:
            expired = datetime.date.fromisoformat(day) < cutoff
        except ValueError:
            continue
        if expired:
            names += [
                f"{HELD_PREFIX}/{day}/{name}" for name in storage.listdir(f"{HELD_PREFIX}/{day}")[1]
            ]
    delete_files(names, storage)
    return len(names)


# Wire-photo metadata: IPTC datasets and XMP properties that carry the same facts.
IPTC_FIELDS = {"caption": (2, 120), "credit": (2, 110), "copyright": (2, 116), "byline": (2, 80)}
XMP_NAMESPACES = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "dc": "http://purl.org/dc/elements/1.1/",
    "photoshop": "http://ns.adobe.com/photoshop/1.0/",
}
XMP_FIELDS = {
    "caption": ("dc", "description"),
    "credit": ("photoshop", "Credit"),
    "copyright": ("dc", "rights"),
    "byline": ("dc", "creator"),
}


def _text(value) -> str:
    if isinstance(value, list):
        value = value[0] if value else b""
    if isinstance(value, bytes):
        try:
            value = value.decode("utf-8")
        except UnicodeDecodeError:
            value = value.decode("latin-1")
    return xml_text(" ".join(str(value).split()))


def _xmp_values(raw) -> dict:
    if isinstance(raw, str):
        raw = raw.encode("utf-8")
    # Some writers pad or wrap the packet; parse from the first tag.
    start = raw.find(b"<")
    try:
        root = ElementTree.fromstring(raw[start:].strip(b"\x00 \n\r\t"))
    except Exception:  # malformed XMP is common and never fatal
        return {}
    found = {}
    for key, (prefix, name) in XMP_FIELDS.items():
        tag = f"{{{XMP_NAMESPACES[prefix]}}}{name}"
        for description in root.iter(f"{{{XMP_NAMESPACES['rdf']}}}Description"):
            if tag in description.attrib:
                found[key] = description.attrib[tag]
                break
            element = description.find(tag)
            if element is not None:
                items = element.findall(f".//{{{XMP_NAMESPACES['rdf']}}}li")
                text = (items[0].text if items else element.text) or ""
                if text.strip():
                    found[key] = text
                    break
    return {key: _text(value) for key, value in found.items() if _text(value)}


def read_metadata(upload) -> dict:
    """Caption, credit, copyright and byline that a wire photo carries, if any."""
    upload.seek(0)
    metadata = {}
    try:
        with PILImage.open(upload) as picture:
            raw_xmp = picture.info.get("xmp") or picture.info.get("XML:com.adobe.xmp")
            if raw_xmp:
                metadata.update(_xmp_values(raw_xmp))
            iptc = IptcImagePlugin.getiptcinfo(picture) or {}
            for key, dataset in IPTC_FIELDS.items():
                if iptc.get(dataset):
                    metadata[key] = _text(iptc[dataset])
    except Exception:  # metadata is a convenience: a picture without it is fine
        pass
    finally:
        upload.seek(0)
    return {key: value for key, value in metadata.items() if value}


def _flatten(picture):
    """RGB on white, for JPEG."""
    if picture.mode in ("RGBA", "LA") or "transparency" in picture.info:
        rgba = picture.convert("RGBA")
        background = PILImage.new("RGB", rgba.size, "white")
        background.paste(rgba, mask=rgba.getchannel("A"))
        background.info = dict(picture.info)  # the colour profile still applies
        return background
    return picture.convert("RGB")


def _encode(picture, kind: str) -> bytes:
    buffer = io.BytesIO()
    icc = picture.info.get("icc_profile")
    # No exif= argument: camera, time and location data stay behind.
    if kind == "webp":
        picture.save(buffer, "WEBP", quality=80, method=4, icc_profile=icc)
    else:
        _flatten(picture).save(
            buffer, "JPEG", quality=82, optimize=True, progressive=True, icc_profile=icc
        )
    return buffer.getvalue()


def _upright(storage, name: str):
    """The picture in ``name`` turned upright, as pixels and colour profile alone."""
    with storage.open(name) as source, PILImage.open(source) as opened:
        picture = ImageOps.exif_transpose(opened)
        has_alpha = picture.mode in ("RGBA", "LA", "PA") or "transparency" in picture.info
        if picture.mode not in ("RGB", "RGBA") or "transparency" in picture.info:
            picture = picture.convert("RGBA" if has_alpha else "RGB")
    # Pillow copies what it read (comments, EXIF, XMP, text chunks) into what it writes:
    # renditions start from the pixels and the colour profile alone.
    icc = picture.info.get("icc_profile")
    picture.info = {"icc_profile": icc} if icc else {}
    return picture


def focal_centering(size: tuple[int, int], shape: tuple[int, int], focal) -> tuple[float, float]:
    """``ImageOps.fit``'s centering that puts ``focal`` (fractions) mid-crop where it can.

    ``centering`` places the crop within what is cut away (0 keeps the left or top
    edge, 1 the right or bottom), not the point it is centred on: this converts.
    """
    width, height = size
    ratio = shape[0] / shape[1]
    crop = (min(width, height * ratio), min(height, width / ratio))
    centering = []
    for whole, part, point in zip((width, height), crop, focal, strict=True):
        spare = whole - part
        centering.append(min(1.0, max(0.0, (point * whole - part / 2) / spare)) if spare else 0.5)
    return (centering[0], centering[1])


def crop_size(shape: str) -> tuple[int, int]:
    """The size of the crop of ``shape`` ("16x9"): ``CROP_WIDTH`` across."""
    across, down = (int(side) for side in shape.split("x"))
    return (CROP_WIDTH, round(CROP_WIDTH * down / across))


def crops_made(renditions: dict) -> bool:
    """Whether ``renditions`` hold every crop, at the size made today."""
    crops = renditions.get("crops", {})
    return all(
        shape in crops and tuple(crops[shape][:2]) == crop_size(shape) for shape in CROP_SHAPES
    )


def rendition_place(image) -> tuple[str, str]:
    """The folder of ``image``'s renditions and the stem their names start with."""
    return f"renditions/{image.pk}", hashlib.sha256(image.file.name.encode()).hexdigest()[:10]


def make_crops(picture, image, storage=default_storage) -> dict:
    """The share card and the structured-data crops, around ``image``'s focal point.

    Their names carry the focal point, so a page made after it moves links new files.
    """
    folder, stem = rendition_place(image)
    focal = [image.focal_x, image.focal_y]
    tag = hashlib.sha256(repr(focal).encode()).hexdigest()[:6]
    flat = _flatten(picture)
    made = {"focal": focal, "crops": {}}
    try:
        share = ImageOps.fit(
            flat,
            SHARE_SIZE,
            PILImage.LANCZOS,
            centering=focal_centering(flat.size, SHARE_SIZE, focal),
        )
        made["share"] = storage.save(
            f"{folder}/{stem}-share-{tag}.jpg", ContentFile(_encode(share, "jpeg"))
        )
        for shape in CROP_SHAPES:
            size = crop_size(shape)
            centering = focal_centering(flat.size, size, focal)
            crop = ImageOps.fit(flat, size, PILImage.LANCZOS, centering=centering)
            name = storage.save(
                f"{folder}/{stem}-{shape}-{tag}.jpg", ContentFile(_encode(crop, "jpeg"))
            )
            made["crops"][shape] = [size[0], size[1], name]
    except BaseException:
        delete_files(crop_names(made), storage)
        raise
    return made


def make_renditions(image, storage=default_storage) -> dict:
    """Resize the original once, upright and without metadata, in several widths.

    Returns what templates need: for WebP and JPEG a list of [width, height,
    name], and the crops around the focal point (``make_crops``).
    """
    folder, stem = rendition_place(image)
    picture = _upright(storage, image.file.name)
    width, height = picture.size
    widths = sorted({w for w in WIDTHS if w < width} | {min(width, WIDTHS[-1])})
    renditions = {
        "source": image.file.name,
        "width": width,
        "height": height,
        "webp": [],
        "jpeg": [],
    }
    try:
        for target in widths:
            size = (target, max(1, round(height * target / width)))
            resized = picture if size == picture.size else picture.resize(size, PILImage.LANCZOS)
            resized.info["icc_profile"] = picture.info.get("icc_profile")
            for kind in ("webp", "jpeg"):
                extension = "webp" if kind == "webp" else "jpg"
                name = storage.save(
                    f"{folder}/{stem}-{target}.{extension}",
                    ContentFile(_encode(resized, kind)),
                )
                renditions[kind].append([size[0], size[1], name])
        # For feeds: the JPEG nearest 1,280 pixels wide, with its length in bytes.
        _, _, name = min(renditions["jpeg"], key=lambda entry: abs(entry[0] - 1280))
        renditions["enclosure"] = [name, storage.size(name)]
        renditions.update(make_crops(picture, image, storage))
    except BaseException:
        delete_renditions(renditions, storage)  # half a set is no use to anyone
        raise
    return renditions


def store_renditions(image_id: int, name: str) -> bool:
    """Make the renditions of picture ``image_id`` from its file ``name`` and store them.

    Does nothing for a picture deleted since, one whose file has been replaced since
    (the job for the new file makes its own) or one whose renditions are made already.
    A picture whose focal point moved since its crops were made, or whose crops are
    missing or of an older size, gets new crops only. Returns whether it stored a set.
    """
    from articles.models import Image

    current = Image.objects.filter(pk=image_id, file=name)
    image = current.first()
    if image is None:
        return False
    if image.renditions.get("source") == name:
        if image.renditions.get("focal") == [image.focal_x, image.focal_y] and crops_made(
            image.renditions
        ):
            return False
        return store_crops(image, current)
    try:
        renditions = make_renditions(image, image.file.storage)
    except Exception:
        if not current.exists():
            return False  # its file went while being read
        raise
    # Checked in the statement that stores them: a set for a file replaced meanwhile
    # never overwrites the newer one, and a second run of the job keeps the first's.
    if current.filter(renditions__source__isnull=True).update(renditions=renditions):
        return True
    delete_renditions(renditions, image.file.storage)
    return False


def store_crops(image, current) -> bool:
    """Crop ``image`` again around its focal point, keeping its resized copies."""
    storage = image.file.storage
    before = image.renditions
    try:
        picture = _upright(storage, image.file.name)
        made = make_crops(picture, image, storage)
    except Exception:
        if not current.exists():
            return False
        raise
    # Stored only over the crops they replace and for the focal point they were made
    # for: a run for an older point, or a second run, throws its own away.
    still = current.filter(
        focal_x=image.focal_x, focal_y=image.focal_y, renditions__share=before.get("share")
    )
    if still.update(renditions={**before, **made}):
        delete_files(crop_names(before), storage)
        return True
    delete_files(crop_names(made), storage)
    return False


def crop_names(renditions: dict) -> list[str]:
    names = [entry[2] for entry in renditions.get("crops", {}).values()]
    if renditions.get("share"):
        names.append(renditions["share"])
    return names


def rendition_names(renditions: dict) -> list[str]:
    names = [entry[2] for kind in ("webp", "jpeg") for entry in renditions.get(kind, [])]
    return [*names, *crop_names(renditions)]


def delete_files(names, storage=default_storage) -> None:
    for name in names:
        try:
            storage.delete(name)
        except Exception:  # a file left over must not undo the change that let it go
            logger.warning("Could not delete %s from media storage", name, exc_info=True)


def delete_unless_committed(names, storage=default_storage, using=None) -> None:
    """Delete stored files if the transaction now open rolls back instead of committing.

    Django has no rollback hook, but it discards the on_commit callbacks of a
    transaction or savepoint that rolls back: the callback below is then freed and its
    finalizer deletes the files. On commit the callback runs and disarms the finalizer.
    """
    names = list(names)
    if not names:
        return

    def committed():
        files.detach()

    files = weakref.finalize(committed, delete_files, names, storage)
    transaction.on_commit(committed, using=using)


def delete_renditions(renditions: dict, storage=default_storage) -> None:
    delete_files(rendition_names(renditions), storage)


# Share cards for stories without a picture.


def _font(name: str, size: int):
    return ImageFont.truetype(str(FONTS / name), size)


def _wrap(draw, text: str, font, width: int) -> list[str]:
    lines, line = [], ""
    for word in text.split():
        candidate = f"{line} {word}".strip()
        if draw.textlength(candidate, font=font) <= width or not line:
            line = candidate
        else:
            lines.append(line)
            line = word
    if line:
        lines.append(line)
    return lines


def draw_card(*, headline: str, kicker: str = "", section: str = "", site_name: str = "") -> bytes:
    """A 1200×630 PNG with the story's headline, for social networks and chat apps."""
    width, height = SHARE_SIZE
    margin = 72
    card = PILImage.new("RGB", SHARE_SIZE, "#fffdf8")
    draw = ImageDraw.Draw(card)
    draw.rectangle([0, 0, width, 14], fill="#9b1c1c")
    draw.text((margin, 52), site_name, font=_font("DejaVuSerif-Bold.ttf", 40), fill="#1a1a1a")
    draw.line([margin, 118, width - margin, 118], fill="#1a1a1a", width=3)
    top = 150
    if kicker:
        draw.text(
            (margin, top), kicker.upper(), font=_font("DejaVuSans-Bold.ttf", 28), fill="#9b1c1c"
        )
        top += 52
    # The largest type that fits the headline in five lines.
    for size in (64, 58, 52, 46, 40, 36):
        font = _font("DejaVuSerif-Bold.ttf", size)
        lines = _wrap(draw, headline, font, width - 2 * margin)
        if len(lines) <= 5 and top + len(lines) * size * 1.2 <= height - 110:
            break
    lines = lines[:5]
    for number, line in enumerate(lines):
        draw.text((margin, top + number * size * 1.2), line, font=font, fill="#1a1a1a")
    if section:
        draw.text((margin, height - 80), section, font=_font("DejaVuSans.ttf", 28), fill="#555555")
    buffer = io.BytesIO()
    card.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


def card_digest(*parts: str) -> str:
    """Changes whenever anything drawn on the card changes, so caches never go stale."""
    text = "\x1f".join(["card-v1", *parts])
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def card_name(story_id: int, digest: str) -> str:
    return f"cards/{story_id}-{digest}.png"


def store_card(story, storage=default_storage) -> str:
    """The name of ``story``'s share card in media storage, drawn now if it is not there."""
    name = card_name(story.pk, story.card_digest())
    if not storage.exists(name):
        picture = draw_card(
            headline=story.headline,
            kicker=story.kicker,
            section=story.section.name if story.section_id else "",
            site_name=settings.SITE_NAME,
        )
        keep_card(name, picture, storage)
    return name


def keep_card(name: str, picture: bytes, storage=default_storage) -> None:
    """Store a drawn card under its name, once even if two processes drew it."""
    saved = storage.save(name, ContentFile(picture))
    if saved != name:  # the other copy is the same picture
        delete_files([saved], storage)


SAFE_MEDIA_PATH = re.compile(r"^(renditions|cards)/[A-Za-z0-9_./-]+$")
