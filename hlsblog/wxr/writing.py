"""Writing WXR's pieces: elements, CDATA, its dates and post meta (the exporters' common ground)."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from email.utils import format_datetime
from xml.sax.saxutils import escape

from ..dates import local
from ..models import utcnow

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def cdata(text: str | None) -> str:
    """Text in a CDATA section; a ``]]>`` inside is split across two sections."""
    clean = _NOT_XML.sub("", text or "")
    return "<![CDATA[" + clean.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def tag(name: str, value: object, raw: bool = False) -> str:
    """One element; text goes in CDATA unless ``raw`` (numbers, dates, fixed words)."""
    body = escape(_NOT_XML.sub("", str(value))) if raw else cdata(str(value))
    return f"<{name}>{body}</{name}>"


def wp_time(dt: datetime | None, in_blog_zone: bool = False) -> str:
    """A stored time as WXR writes it, ``YYYY-MM-DD HH:MM:SS``."""
    if dt is None:
        return "0000-00-00 00:00:00"
    shown = local(dt).replace(tzinfo=None) if in_blog_zone else dt
    return shown.strftime("%Y-%m-%d %H:%M:%S")


def rss_time(dt: datetime | None) -> str:
    """A stored time as RSS's ``pubDate`` (RFC 2822, UTC)."""
    return format_datetime((dt or utcnow()).replace(tzinfo=UTC))


def postmeta(key: str, value: str) -> str:
    """One ``wp:postmeta`` element."""
    return f"<wp:postmeta>{tag('wp:meta_key', key)}{tag('wp:meta_value', value)}</wp:postmeta>"
