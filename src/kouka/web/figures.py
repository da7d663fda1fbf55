"""Photos and figures of a まとめ: what an uploaded image must be, how it is re-encoded and stored, and how a
page or the PDF gets it back.

An upload is refused (:class:`PhotoRefused`, a message naming the file) unless it is at most
:data:`MAX_PHOTO_BYTES`, its first bytes are JPEG, PNG or WebP (an SVG, which can carry a script, a GIF, a
program or a document is refused by name), its header declares at most :data:`MAX_PIXELS` pixels (checked
before a pixel is decoded, so a decompression bomb never expands; Pillow's own ``Image.MAX_IMAGE_PIXELS`` guard
is set to the same limit as a second line) and Pillow decodes it whole. What is kept is never the upload: the
decoded pixels are turned upright (EXIF orientation), shrunk to :data:`MAX_SIDE` and encoded anew, with no
EXIF (place, camera, date), ICC profile or comment. The stored name is the SHA-256 of those bytes
(``figures/<hex>.jpg``), so the same photo twice is one file and a publication's frozen JSON names a file that
never changes under it.

Files go through Django's storage (``default_storage``): a folder under ``MEDIA_ROOT`` on the embedded default,
any storage backend in production (docs/production.md). Pages, the CMS fragment and the PDF show a photo as a
data URI (:func:`figures_attach`), so a fragment pasted into a city's page needs nothing from kouka's host and a
draft's photo is seen by whoever may see the draft, no one else.
"""

import base64
import hashlib
import io
import warnings
from dataclasses import dataclass, replace

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from PIL import Image, ImageDraw, ImageFont, ImageOps, UnidentifiedImageError

from kouka.domain.errors import KoukaError
from kouka.domain.model import Figure, Report

MAX_PHOTO_BYTES = 10 * 1024 * 1024  # a phone's photo is 2-6 MB
MAX_PIXELS = 40_000_000  # a 48-megapixel phone photo is refused; 40 MP is 8000 × 5000
MAX_SIDE = 1600  # pixels of the longer side kept: sharp on a page and in print at 14 cm
JPEG_QUALITY = 85
Image.MAX_IMAGE_PIXELS = MAX_PIXELS  # Pillow warns past this and refuses past twice it

# The formats kept, by the first bytes of the upload: Pillow's format name, the stored extension, media type.
KINDS = (
    (b"\xff\xd8\xff", "JPEG", "jpg", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "PNG", "png", "image/png"),
)
WEBP = ("WEBP", "webp", "image/webp")  # RIFF....WEBP

# What an upload that is not a photo is, by its first bytes, for the message.
FOREIGN = (
    (b"GIF8", gettext_noop("GIF画像")), (b"%PDF", gettext_noop("PDF")),
    (b"PK\x03\x04", gettext_noop("ZIPファイル（Excel・Wordなど）")), (b"MZ", gettext_noop("実行ファイル")),
    (b"\x7fELF", gettext_noop("実行ファイル")), (b"BM", gettext_noop("BMP画像")),
    (b"II*\x00", gettext_noop("TIFF画像")), (b"MM\x00*", gettext_noop("TIFF画像")),
)


class PhotoRefused(KoukaError):
    """An uploaded file that is not a photo kouka keeps (too large, not JPEG/PNG/WebP, damaged, a bomb)."""


@dataclass(frozen=True)
class Photo:
    """A photo re-encoded for keeping: its bytes, stored name, media type and size in pixels."""

    data: bytes
    name: str
    media_type: str
    width: int
    height: int


def kind_of(head: bytes) -> tuple[str, str, str] | None:
    """(Pillow format, extension, media type) of a JPEG, PNG or WebP upload by its first bytes, else None."""
    for magic, fmt, extension, media_type in KINDS:
        if head.startswith(magic):
            return fmt, extension, media_type
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    return None


def what_it_is(head: bytes) -> str:
    """What a refused upload looks like, for the message: an SVG, a GIF, text …"""
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith((b"<svg", b"<?xml", b"<!doctype svg")) or b"<svg" in text[:1024]:
        return _("SVG画像（スクリプトを含み得るため受け付けません）")
    for magic, name in FOREIGN:
        if head.startswith(magic):
            return _(name)
    return _("画像ではないファイル")


def refuse(filename: str, message: str) -> PhotoRefused:
    return PhotoRefused(_("{name}: {message}").format(name=filename or _("（名前なし）"), message=message))


def decoded(data: bytes, fmt: str, filename: str) -> Image.Image:
    """The upload's pixels, decoded whole; the header's size is checked before any pixel is."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data), formats=[fmt])
            width, height = image.size
            if width * height > MAX_PIXELS:
                raise refuse(filename, _("画像の画素数が多すぎます（{width}×{height}、{limit}万画素まで）").format(
                    width=width, height=height, limit=MAX_PIXELS // 10_000))
            image.load()
        except PhotoRefused:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise refuse(filename, _("画像の画素数が多すぎます（{limit}万画素まで）").format(
                limit=MAX_PIXELS // 10_000)) from exc
        except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as exc:  # Pillow on a damaged file
            raise refuse(filename, _("画像が壊れているため読めません")) from exc
    return image


def photo_read(data: bytes, filename: str) -> Photo:
    """An upload checked and re-encoded (upright, at most MAX_SIDE px, no metadata); PhotoRefused otherwise."""
    if len(data) > MAX_PHOTO_BYTES:
        raise refuse(filename, _("ファイルが大きすぎます（{limit}MBまで）").format(
            limit=MAX_PHOTO_BYTES // 1024 // 1024))
    if not data:
        raise refuse(filename, _("ファイルが空です"))
    kind = kind_of(data[:16])
    if kind is None:
        raise refuse(filename, _("JPEG・PNG・WebPの写真や図を選んでください（このファイルは{what}です）").format(
            what=what_it_is(data[:2048])))
    fmt, extension, media_type = kind
    image = ImageOps.exif_transpose(decoded(data, fmt, filename))
    image.thumbnail((MAX_SIDE, MAX_SIDE))
    out = io.BytesIO()
    if fmt == "PNG":  # a figure: lossless, transparency kept
        image = image if image.mode in ("RGB", "RGBA", "L", "LA", "P") else image.convert("RGBA")
        image.save(out, "PNG", optimize=True)
    else:  # a photo: JPEG (WebP uploads too, so every browser and the PDF show it)
        image = image.convert("RGB")
        image.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True)
        extension, media_type = "jpg", "image/jpeg"
    encoded = out.getvalue()
    name = f"figures/{hashlib.sha256(encoded).hexdigest()}.{extension}"
    return Photo(encoded, name, media_type, image.width, image.height)


def photo_store(photo: Photo) -> None:
    """Keep a re-encoded photo in the storage under its name (once: the name is its content's hash)."""
    if not default_storage.exists(photo.name):
        saved = default_storage.save(photo.name, ContentFile(photo.data))
        if saved != photo.name:  # a storage that renamed it: the stored JSON would name another file
            default_storage.delete(saved)
            raise KoukaError(_("写真を保存できませんでした"))


def photo_delete(name: str) -> None:
    if default_storage.exists(name):
        default_storage.delete(name)


def data_uri(figure: Figure) -> str:
    """The stored image as a data URI; "" when the storage does not hold it (the page prints the text)."""
    try:
        with default_storage.open(figure.name, "rb") as handle:
            data = handle.read()
    except (FileNotFoundError, OSError):  # a file removed from the storage by hand
        return ""
    return f"data:{figure.media_type};base64,{base64.b64encode(data).decode('ascii')}"


def figures_attach(report: Report) -> Report:
    """``report`` with each figure's image read from the storage (in place; reports without photos cost nothing)."""
    for project in report.projects:
        if project.figures:
            project.figures = [replace(f, src=data_uri(f)) for f in project.figures]
    return report


def placeholder(caption: str, *, width: int = 960, height: int = 540) -> Photo:
    """An image kouka draws where a published photo is not at hand (the demo's 事業①): a grey frame, a camera-like
    mark and the words 「写真（見本）」 – nothing copied from anywhere."""
    image = Image.new("RGB", (width, height), (226, 230, 235))
    draw = ImageDraw.Draw(image)
    draw.rectangle((12, 12, width - 13, height - 13), outline=(110, 118, 128), width=6)
    cx, cy = width // 2, height // 2 - 40
    draw.rounded_rectangle((cx - 120, cy - 70, cx + 120, cy + 90), radius=24, outline=(80, 88, 98), width=10)
    draw.ellipse((cx - 55, cy - 35, cx + 55, cy + 75), outline=(80, 88, 98), width=10)
    draw.rectangle((cx - 60, cy - 95, cx + 10, cy - 70), fill=(80, 88, 98))
    font = japanese_font(44)
    text = "写真（見本）"
    box = draw.textbbox((0, 0), text, font=font)
    draw.text(((width - (box[2] - box[0])) // 2, cy + 130), text, fill=(40, 44, 50), font=font)
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return photo_read(out.getvalue(), "placeholder.png")


def japanese_font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """Noto Sans CJK where installed (Debian's fonts-noto-cjk), else Pillow's own font (the mark still shows)."""
    for path in ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
                 "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc"):
        try:
            return ImageFont.truetype(path, size)
        except OSError:  # not installed here
            continue
    return ImageFont.load_default(size)
