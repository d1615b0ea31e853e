"""Checking and cleaning an uploaded image with Pillow.

The type is decided by the bytes, never by the file name or the browser's
Content-Type. Every image is decoded and re-encoded from its pixels alone, so
EXIF (residents' photos carry GPS positions), XMP, ICC profiles and comments
are gone; the EXIF orientation is applied first so the photo stays upright.
"""

from __future__ import annotations

import io
import uuid
import warnings
from dataclasses import dataclass

from flask_babel import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from ..core.clock import utcnow
from ..core.exceptions import Invalid

#: Formats accepted, recognised from the content. GIF is kept as a still PNG (first frame).
ACCEPTED = ("JPEG", "PNG", "WEBP", "GIF")
_OUTPUT = {"JPEG": "JPEG", "PNG": "PNG", "WEBP": "WEBP", "GIF": "PNG"}
EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
CONTENT_TYPES = {"jpg": "image/jpeg", "png": "image/png", "webp": "image/webp"}
_SAVE_OPTIONS = {
    "JPEG": {"quality": 85, "optimize": True},
    "PNG": {},
    "WEBP": {"quality": 85},
}


@dataclass(frozen=True)
class Limits:
    max_bytes: int
    max_pixels: int
    max_side: int
    thumb_side: int


@dataclass(frozen=True)
class CleanImage:
    """A re-encoded image and its thumbnail, ready to store."""

    data: bytes
    thumb: bytes
    ext: str
    width: int
    height: int

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.ext]


def megabytes(n: int) -> str:
    return f"{n / (1024 * 1024):g}"


def _refuse(name: str, why: str, code: str) -> Invalid:
    return Invalid(_("图片“%(name)s”%(why)s", name=name or _("未命名"), why=why), code)


def _open(data: bytes, name: str, limits: Limits) -> Image.Image:
    """Open and fully decode; anything that is not a whole picture of an accepted type is refused."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            probe = Image.open(io.BytesIO(data), formats=ACCEPTED)
            if probe.width * probe.height > limits.max_pixels:
                raise _refuse(name, _("像素过多，请缩小后再上传。"), "image_too_many_pixels")
            probe.verify()
            # verify() leaves the image unusable: open again to decode the pixels.
            image = Image.open(io.BytesIO(data), formats=ACCEPTED)
            image.load()
        except UnidentifiedImageError:
            raise _refuse(
                name, _("不是支持的图片格式（仅支持 JPEG、PNG、WEBP、GIF）。"), "image_type_not_allowed"
            ) from None
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise _refuse(name, _("像素过多，请缩小后再上传。"), "image_too_many_pixels") from None
        except (OSError, SyntaxError, ValueError, EOFError):
            raise _refuse(name, _("已损坏或不完整，无法读取。"), "image_broken") from None
    return image


def _pixels_only(image: Image.Image) -> Image.Image:
    """A fresh image holding nothing but the pixels, in a mode every output format takes."""
    has_alpha = image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info)
    if image.mode == "1":
        image = image.convert("L")
    elif has_alpha:
        image = image.convert("RGBA")
    elif image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    fresh = Image.new(image.mode, image.size)
    fresh.paste(image)
    return fresh


def _encode(image: Image.Image, fmt: str) -> bytes:
    if fmt == "JPEG" and image.mode == "RGBA":
        image = image.convert("RGB")
    out = io.BytesIO()
    image.save(out, fmt, **_SAVE_OPTIONS[fmt])
    return out.getvalue()


def clean_image(data: bytes, name: str, limits: Limits) -> CleanImage:
    """Check one upload and return it re-encoded without metadata, with a thumbnail."""
    if len(data) > limits.max_bytes:
        raise _refuse(name, _("超过 %(mb)s MB，请压缩后再上传。", mb=megabytes(limits.max_bytes)), "image_too_large")
    if not data:
        raise _refuse(name, _("是空文件。"), "image_empty")
    image = _open(data, name, limits)
    fmt = _OUTPUT[image.format]
    image = ImageOps.exif_transpose(image)
    clean = _pixels_only(image)
    if max(clean.size) > limits.max_side:
        clean.thumbnail((limits.max_side, limits.max_side), Image.Resampling.LANCZOS)
    thumb = clean.copy()
    thumb.thumbnail((limits.thumb_side, limits.thumb_side), Image.Resampling.LANCZOS)
    return CleanImage(
        data=_encode(clean, fmt),
        thumb=_encode(thumb, fmt),
        ext=EXTENSIONS[fmt],
        width=clean.width,
        height=clean.height,
    )


def new_keys(ext: str) -> tuple[str, str]:
    """Storage keys for an image and its thumbnail: unguessable, sorted by month."""
    now = utcnow()
    stem = f"{now:%Y}/{now:%m}/{uuid.uuid4().hex}"
    return f"{stem}.{ext}", f"{stem}_t.{ext}"


def content_type_of(key: str) -> str:
    return CONTENT_TYPES[key.rsplit(".", 1)[-1]]
