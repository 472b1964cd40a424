"""Pillow's part: read an uploaded image, turn it upright, drop its location, make its sizes.

Every copy written (the original included) is encoded anew from the pixels, with the EXIF
block minus its GPS part and without XMP or comments (which can repeat the location), so no
stored file says where a photo was taken. Animated images keep every frame and get no sizes:
a resized GIF would stand still.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from typing import IO, Any

from flask import current_app
from PIL import Image, ImageOps, ImageSequence, UnidentifiedImageError

from .detect import IMAGE_FORMATS
from .refused import UploadRefused

# WordPress's default sizes, so imported posts' -150x150 / -300x200 links find a match.
SIZES: dict[str, tuple[int, int, bool]] = {
    "thumbnail": (150, 150, True),  # cropped to the square
    "medium": (300, 300, False),
    "large": (1024, 1024, False),
}
MAX_PIXELS = 60_000_000  # beyond this an image is refused, not decoded (decompression bombs)
MAX_ANIMATION_PIXELS = 250_000_000  # all frames of an animation together (a second or two)
GPS_IFD = 0x8825
ORIENTATION = 0x0112
_QUALITY = {"JPEG": 82, "WEBP": 80, "AVIF": 60}
_RESIZABLE = {"RGB", "RGBA", "L", "LA", "CMYK"}  # palette images are resized in RGBA


@dataclass
class Rendition:
    """One encoded copy of an image."""

    data: bytes
    width: int
    height: int


@dataclass
class PreparedImage:
    """An upload made safe to store: its original and the sizes it is larger than."""

    format: str
    original: Rendition
    sizes: dict[str, Rendition]


def open_image(stream: IO[bytes], shown_name: str) -> Image.Image | None:
    """The image in ``stream``, or None when Pillow does not read it as one."""
    stream.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(stream)
    except UnidentifiedImageError:
        return None
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise UploadRefused(f"{shown_name}: the picture has too many pixels.", 413) from exc
    if image.format not in IMAGE_FORMATS:
        raise UploadRefused(
            f"{shown_name}: {image.format} pictures are not taken;"
            " use JPEG, PNG, GIF, WebP or AVIF.",
            415,
        )
    if image.width * image.height > MAX_PIXELS:
        raise UploadRefused(f"{shown_name}: the picture has too many pixels.", 413)
    return image


def prepare_image(image: Image.Image, shown_name: str) -> PreparedImage:
    """The copies to store of an opened image (see the module's docstring)."""
    fmt = str(image.format)
    try:
        if getattr(image, "is_animated", False):
            _within_animation_budget(image, shown_name)
            return PreparedImage(fmt, _animated(image, fmt), {})
        upright = ImageOps.exif_transpose(image) or image
        upright.load()
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError) as exc:
        raise UploadRefused(f"{shown_name}: the picture is damaged and cannot be read.") from exc
    original = _encode(upright, fmt, exif=_exif_without_location(image), keep=upright is image)
    return PreparedImage(fmt, original, _sizes(upright, fmt))


def _exif_without_location(image: Image.Image) -> bytes:
    exif = image.getexif()
    exif.pop(GPS_IFD, None)
    exif.pop(ORIENTATION, None)  # applied to the pixels
    return exif.tobytes() if len(exif) else b""


def _within_animation_budget(image: Image.Image, shown_name: str) -> None:
    """Refuse an animation whose frames together hold too many pixels, before decoding them all.

    Each frame is checked against MAX_PIXELS alone; a small file can still hold hundreds of
    large frames, and re-encoding them would hold a worker for as long as that takes.
    """
    budget = int(current_app.config.get("UPLOAD_MAX_ANIMATION_PIXELS", MAX_ANIMATION_PIXELS))
    for _frame in ImageSequence.Iterator(image):  # decodes one frame at a time, stops early
        budget -= image.width * image.height
        if budget < 0:
            raise UploadRefused(
                f"{shown_name}: the animation has too many frames for its size.", 413
            )
    image.seek(0)


def _animated(image: Image.Image, fmt: str) -> Rendition:
    for key in ("exif", "xmp", "XML:com.adobe.xmp", "comment"):
        image.info.pop(key, None)
    out = io.BytesIO()
    image.save(out, fmt, save_all=True, **_options(fmt))
    return Rendition(out.getvalue(), image.width, image.height)


def _encode(image: Image.Image, fmt: str, *, exif: bytes = b"", keep: bool = False) -> Rendition:
    options = _options(fmt)
    if keep and fmt == "JPEG":
        # An upright JPEG keeps its own quantization: stripping GPS costs no quality.
        options.update(quality="keep", subsampling="keep")
    if exif:
        options["exif"] = exif
    if image.info.get("icc_profile"):
        options["icc_profile"] = image.info["icc_profile"]
    out = io.BytesIO()
    image.save(out, fmt, **options)
    return Rendition(out.getvalue(), image.width, image.height)


def _options(fmt: str) -> dict[str, Any]:
    options: dict[str, Any] = {}
    if fmt in _QUALITY:
        options["quality"] = _QUALITY[fmt]
    if fmt == "PNG":
        options["optimize"] = True
    return options


def _sizes(image: Image.Image, fmt: str) -> dict[str, Rendition]:
    made = {}
    for name, (width, height, crop) in SIZES.items():
        if image.width <= width and image.height <= height:
            continue  # never enlarged: the original serves
        source = _resizable(image)
        if crop:
            resized = ImageOps.fit(source, (width, height), Image.Resampling.LANCZOS)
        else:
            resized = source.copy()
            resized.thumbnail((width, height), Image.Resampling.LANCZOS)
        if fmt == "JPEG" and resized.mode not in {"RGB", "L", "CMYK"}:
            resized = resized.convert("RGB")
        resized.info.pop("icc_profile", None)
        if image.info.get("icc_profile"):
            resized.info["icc_profile"] = image.info["icc_profile"]
        made[name] = _encode(resized, fmt)
    return made


def _resizable(image: Image.Image) -> Image.Image:
    if image.mode in _RESIZABLE:
        return image
    if image.mode.startswith("I") or image.mode == "F":
        # 16-bit and float greys: scaled to 8 bits (converting straight would clip to white).
        return image.convert("I").point(lambda value: value / 256).convert("L")
    return image.convert("RGBA")
