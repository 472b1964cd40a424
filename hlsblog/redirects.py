"""Where a form may send the browser next: only somewhere on this site."""

from __future__ import annotations

from urllib.parse import urlsplit


def safe_next(target: str | None, default: str) -> str:
    """``target`` when it is a plain path on this site, else ``default``.

    Browsers read ``\\`` as ``/`` and drop tabs and newlines inside an address, so
    ``/\\evil.example`` or ``/<TAB>/evil.example`` would leave the site: any such character
    refuses the target rather than being cleaned into something else.
    """
    target = (target or "").strip(" ")
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    if any(ord(char) < 32 or ord(char) == 127 for char in target):
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return default
    return target
