"""Names as a WordPress export holds them, and as people see them.

WordPress stores comment authors (pings' page titles among them), term names and users' names
HTML-escaped (its ``_wp_specialchars`` save filter) and prints them into pages as they are, so
a reader's browser decodes them once: ``Tom &amp; Jerry`` was seen as "Tom & Jerry". The
import decodes them exactly once, and the export escapes them again, as WordPress expects.
Logins are cleaned as WordPress's importer cleans them before it looks an author up.
"""

from __future__ import annotations

import html
import re

_TAG = re.compile(r"<[^>]*>?")
_OCTET = re.compile(r"%[0-9a-fA-F]{2}")
_ENTITY = re.compile(r"&.+?;")
# WordPress's strict login alphabet is ASCII letters, digits, space and ``_.-@``; ours keeps
# letters and digits of any script, as hlsblog's own usernames do.
_NOT_LOGIN = re.compile(r"[^\w .@-]")
_SPACES = re.compile(r"\s+")


def shown(stored: str) -> str:
    """A name as WordPress's readers saw it: its HTML references decoded once."""
    return html.unescape(stored)


def stored(name: str) -> str:
    """A name written the way WordPress stores it, so WordPress shows it as we do."""
    return html.escape(name, quote=False)


def clean_login(raw: str) -> str:
    """A login as WordPress's ``sanitize_user(…, strict)`` leaves it: ``>ann`` is ``ann``.

    Tags, ``%XX`` octets and entities go first, then every character a login can't hold;
    runs of spaces become one. Empty when nothing usable is left.
    """
    login = _ENTITY.sub("", _OCTET.sub("", _TAG.sub("", raw)))
    return _SPACES.sub(" ", _NOT_LOGIN.sub("", login)).strip()
