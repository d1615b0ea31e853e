"""Checking and cleaning an uploaded image with Pillow.

The type is decided by the bytes, never by the file name or the browser's
Content-Type. Every image is decoded and re-encoded from its pixels alone, so
EXIF (residents' photos carry GPS positions), XMP, ICC profiles and comments
are gone; the EXIF orientation is applied first so the photo stays upright.

Memory is bounded, not only pixels: the size in the header is checked before
any pixel is decoded, and the decoded picture may take at most
``max_decode_bytes``. A JPEG over that is decoded straight at a smaller scale
(Pillow's ``draft``, 1/2 to 1/8, which the decoder does for free); any other
format over it is refused. The picture is brought down to ``max_side`` before
any other copy is made, so a worker holds a few copies of a bounded picture.
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
    max_decode_bytes: int = 64 * 1024 * 1024


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


#: Bytes per pixel once decoded, by the mode the header announces (palette images become RGBA).
_BYTES_PER_PIXEL = {"1": 1, "L": 1, "P": 4, "LA": 2, "PA": 4, "RGB": 3, "RGBA": 4, "CMYK": 4, "YCbCr": 3,
                    "I;16": 2, "I": 4, "F": 4}


def decoded_bytes(width: int, height: int, mode: str) -> int:
    """Memory a picture of this size and mode takes once decoded."""
    return width * height * _BYTES_PER_PIXEL.get(mode, 4)


def _draft_scale(image: Image.Image, budget: int) -> int:
    """The smallest JPEG decoding scale (1, 2, 4 or 8) that fits ``budget``; 0 if none does."""
    for scale in (1, 2, 4, 8):
        w, h = -(-image.width // scale), -(-image.height // scale)
        if decoded_bytes(w, h, image.mode) <= budget:
            return scale
    return 0


def _fit_memory(image: Image.Image, name: str, limits: Limits) -> None:
    """Refuse, or set a JPEG to decode smaller, before any pixel is decoded."""
    if decoded_bytes(image.width, image.height, image.mode) <= limits.max_decode_bytes:
        return
    scale = _draft_scale(image, limits.max_decode_bytes) if image.format == "JPEG" else 0
    if not scale:
        raise _refuse(name, _("尺寸过大（%(w)d×%(h)d），请缩小后再上传。", w=image.width, h=image.height),
                      "image_too_many_pixels")
    image.draft(image.mode, (-(-image.width // scale), -(-image.height // scale)))


def _open(data: bytes, name: str, limits: Limits) -> Image.Image:
    """Open and fully decode; anything that is not a whole picture of an accepted type is refused."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            probe = Image.open(io.BytesIO(data), formats=ACCEPTED)
            if probe.width * probe.height > limits.max_pixels:
                raise _refuse(name, _("像素过多，请缩小后再上传。"), "image_too_many_pixels")
            _fit_memory(probe, name, limits)
            probe.verify()
            # verify() leaves the image unusable: open again to decode the pixels.
            image = Image.open(io.BytesIO(data), formats=ACCEPTED)
            _fit_memory(image, name, limits)
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
    if max(image.size) > limits.max_side:
        # First of all, so every copy below is of the smaller picture.
        image.thumbnail((limits.max_side, limits.max_side), Image.Resampling.LANCZOS)
    image = ImageOps.exif_transpose(image)
    clean = _pixels_only(image)
    del image
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
