"""Names as a WordPress export holds them, and as people see them.

WordPress stores comment authors (pings' page titles among them), term names and users' names
HTML-escaped (its ``_wp_specialchars`` save filter) and prints them into pages as they are, so
a reader's browser decodes them once: ``Tom &amp; Jerry`` was seen as "Tom & Jerry". The
import decodes them exactly once, and the export escapes them again, as WordPress expects.
Logins are cleaned as WordPress's importer cleans them before it looks an author up.
A ping's text is stored as HTML too (a pingback's ``[&#8230;] excerpt [&#8230;]``, a trackback's
``<strong>title</strong>`` then its excerpt); ours is the text and title readers saw.
"""

from __future__ import annotations

import html
import re

from ..rendering import plain_text

_TAG = re.compile(r"<[^>]*>?")
_OCTET = re.compile(r"%[0-9a-fA-F]{2}")
_ENTITY = re.compile(r"&.+?;")
# WordPress's strict login alphabet is ASCII letters, digits, space and ``_.-@``; ours keeps
# letters and digits of any script, as hlsblog's own usernames do.
_NOT_LOGIN = re.compile(r"[^\w .@-]")
_SPACES = re.compile(r"\s+")
# WordPress writes a trackback as "<strong>$title</strong>\n\n$excerpt".
_PING_TITLE = re.compile(r"\s*<strong>(.*?)</strong>", re.DOTALL | re.IGNORECASE)


def shown(stored: str) -> str:
    """A name as WordPress's readers saw it: its HTML references decoded once."""
    return html.unescape(stored)


def stored(name: str) -> str:
    """A name written the way WordPress stores it, so WordPress shows it as we do."""
    return html.escape(name, quote=False)


def ping_shown(content: str) -> tuple[str, str]:
    """A ping's title ("" when none) and text as WordPress's readers saw its stored HTML."""
    match = _PING_TITLE.match(content)
    title = _SPACES.sub(" ", plain_text(match.group(1))).strip() if match else ""
    return title, plain_text(content[match.end() :] if match else content).strip()


def ping_stored(title: str, text: str) -> str:
    """A ping's title and text written the way WordPress stores a ping, to show as we do."""
    heading = f"<strong>{stored(title)}</strong>\n\n" if title else ""
    return heading + stored(text)


def clean_login(raw: str) -> str:
    """A login as WordPress's ``sanitize_user(…, strict)`` leaves it: ``>ann`` is ``ann``.

    Tags, ``%XX`` octets and entities go first, then every character a login can't hold;
    runs of spaces become one. Empty when nothing usable is left.
    """
    login = _ENTITY.sub("", _OCTET.sub("", _TAG.sub("", raw)))
    return _SPACES.sub(" ", _NOT_LOGIN.sub("", login)).strip()
