"""What an upload is, read from its bytes: never from its name or the browser's say-so."""

from __future__ import annotations

from dataclasses import dataclass
from typing import IO

# Pillow's format name -> our type and extension. Browsers show all of these.
IMAGE_FORMATS: dict[str, tuple[str, str]] = {
    "JPEG": ("image/jpeg", "jpg"),
    "PNG": ("image/png", "png"),
    "GIF": ("image/gif", "gif"),
    "WEBP": ("image/webp", "webp"),
    "AVIF": ("image/avif", "avif"),
}
ACCEPTED = (
    "images (JPEG, PNG, GIF, WebP, AVIF), PDF, audio (MP3, Ogg, WAV, FLAC, M4A)"
    " and video (MP4, WebM, MOV)"
)
_MP4_AUDIO_BRANDS = {b"M4A ", b"M4B ", b"F4A "}


@dataclass(frozen=True)
class FileType:
    """A file's type as its content shows it."""

    mime: str
    extension: str


def sniff_file(head: bytes) -> FileType | None:
    """The type of a non-image file from its first bytes, or None when it is none we keep."""
    if head.startswith(b"%PDF-"):
        return FileType("application/pdf", "pdf")
    if head.startswith(b"ID3") or head[:2] in {b"\xff\xfb", b"\xff\xf3", b"\xff\xf2"}:
        return FileType("audio/mpeg", "mp3")
    if head.startswith(b"OggS"):
        return FileType("audio/ogg", "ogg")
    if head.startswith(b"fLaC"):
        return FileType("audio/flac", "flac")
    if head.startswith(b"RIFF") and head[8:12] == b"WAVE":
        return FileType("audio/wav", "wav")
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return FileType("video/webm", "webm")
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in _MP4_AUDIO_BRANDS:
            return FileType("audio/mp4", "m4a")
        if brand == b"qt  ":
            return FileType("video/quicktime", "mov")
        return FileType("video/mp4", "mp4")
    if is_svg(head):
        return FileType("image/svg+xml", "svg")
    return None


def is_svg(head: bytes) -> bool:
    """Whether the bytes start an SVG document (kept as a download, never shown inline)."""
    text = head[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return text.startswith(b"<svg") or (text.startswith(b"<?xml") and b"<svg" in text)


def read_head(stream: IO[bytes], count: int = 1024) -> bytes:
    """The first ``count`` bytes of a seekable stream, leaving it at the start."""
    stream.seek(0)
    head = stream.read(count)
    stream.seek(0)
    return head


def _by_extension() -> dict[str, str]:
    found = {extension: mime for mime, extension in IMAGE_FORMATS.values()}
    for head in (b"%PDF-", b"ID3", b"OggS", b"fLaC", b"RIFF\0\0\0\0WAVE", b"\x1a\x45\xdf\xa3"):
        kind = sniff_file(head)
        if kind:
            found[kind.extension] = kind.mime
    for brand in (b"M4A ", b"qt  ", b"isom"):
        kind = sniff_file(b"\0\0\0\0ftyp" + brand)
        if kind:
            found[kind.extension] = kind.mime
    found["svg"] = "image/svg+xml"
    return found


# The type each stored name's extension stands for: our names' extensions come from content.
MIME_BY_EXTENSION = _by_extension()
INLINE_TYPES = frozenset(mime for mime, _ext in IMAGE_FORMATS.values())
