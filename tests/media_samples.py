"""Pictures the media tests upload, made with Pillow: a phone's photo carries where it was taken."""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image

GPS_IFD = 0x8825
ORIENTATION = 0x0112
MAKE = 0x010F


def phone_photo(
    fmt: str = "JPEG", size: tuple[int, int] = (2000, 1000), orientation: int = 6
) -> bytes:
    """A photo as a phone saves it: turned by an EXIF orientation, with its GPS position."""
    image = Image.new("RGB", size, "white")
    image.paste(Image.new("RGB", (size[0] // 4, size[1] // 4), "red"), (0, 0))  # a top-left mark
    exif = Image.Exif()
    exif[MAKE] = "PhoneMaker"
    exif[ORIENTATION] = orientation
    gps = exif.get_ifd(GPS_IFD)
    gps[1], gps[2] = "N", (52.0, 22.0, 30.0)
    gps[3], gps[4] = "E", (4.0, 53.0, 10.0)
    out = io.BytesIO()
    image.save(out, fmt, exif=exif)
    return out.getvalue()


def animated_gif(frames: int = 3, size: tuple[int, int] = (400, 300)) -> bytes:
    """A small animation, each frame its own colour."""
    colours = ["red", "green", "blue", "yellow"]
    images = [Image.new("RGB", size, colours[i % len(colours)]) for i in range(frames)]
    out = io.BytesIO()
    images[0].save(out, "GIF", save_all=True, append_images=images[1:], duration=100, loop=0)
    return out.getvalue()


def png_image(size: tuple[int, int] = (640, 480)) -> bytes:
    """A plain PNG."""
    out = io.BytesIO()
    Image.new("RGBA", size, (0, 128, 255, 200)).save(out, "PNG")
    return out.getvalue()


def location_of(data: bytes) -> dict[int, object]:
    """The GPS part of an image's EXIF, as Pillow reads it (empty: no location)."""
    with Image.open(io.BytesIO(data)) as image:
        return dict(image.getexif().get_ifd(GPS_IFD))


def stored_files(folder: Path) -> list[Path]:
    """Every file in an uploads folder, its temporary files included."""
    return sorted(path for path in folder.rglob("*") if path.is_file())
