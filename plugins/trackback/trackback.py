"""TrackBack, per the Movable Type specification (1.2): a form POST to the post's /trackback/."""

from __future__ import annotations

import codecs
import html
from urllib.parse import parse_qsl
from xml.sax.saxutils import escape

from flask import Response, request

from hlsblog import db, permalink

from . import inbound
from .routes import client, protocols, read_body, require
from .settings import limits


def form_fields(body: bytes, content_charset: str | None) -> dict[str, str]:
    """The form's fields, decoded in the ``charset`` the form names (UTF-8 by default)."""
    raw = body.decode("latin-1")
    declared = dict(parse_qsl(raw, encoding="latin-1")).get("charset") or content_charset
    charset = _text_charset((declared or "utf-8").strip().lower())
    return dict(parse_qsl(raw, keep_blank_values=True, encoding=charset, errors="replace"))


def _text_charset(name: str) -> str:
    """``name`` if it decodes any bytes to text; unknown names read as UTF-8; else refused."""
    try:
        codecs.lookup(name)
    except LookupError:
        return "utf-8"
    try:
        b"\xff%".decode(name, "replace")  # rot13, base64, zlib: no text; idna: strict only
    except (LookupError, UnicodeError, ValueError) as exc:
        raise inbound.PingRefused(f"The charset {name!r} is not a text encoding.") from exc
    return name


def answer(error: str | None = None) -> Response:
    """The TrackBack response: error 0, or error 1 with a message."""
    inner = "<error>0</error>"
    if error is not None:
        inner = f"<error>1</error>\n<message>{escape(error)}</message>"
    xml = f'<?xml version="1.0" encoding="utf-8"?>\n<response>\n{inner}\n</response>\n'
    return Response(xml, mimetype="text/xml")


@protocols.route("/<int:year>/<month>/<day>/<slug>/trackback/", methods=["POST"])
def trackback(year: int, month: str, day: str, slug: str) -> Response:
    """Take a TrackBack ping for a post."""
    try:
        require("trackback")
        take(slug, form_fields(read_body(), request.mimetype_params.get("charset")))
    except inbound.PingRefused as refusal:
        db.session.rollback()
        return answer(refusal.message)
    return answer()


def take(slug: str, fields: dict[str, str]) -> None:
    """Verify and store one TrackBack; ``PingRefused`` when it can't be taken."""
    post = inbound.post_by_slug(slug)
    source = fields.get("url", "").strip()
    if not source:
        raise inbound.PingRefused("No url given: a TrackBack ping needs the url field.")
    inbound.check_open(post, source)
    target = permalink(post, external=True)
    verified = inbound.verify_source(
        source, target, limits(f"verifying a ping from {client()['ip']}")
    )
    # The sender's own words win over what we read on its page.
    excerpt = html_text(fields, "excerpt")[:1000] or verified.excerpt
    verified.title = html_text(fields, "title")[:300] or verified.title
    author = html_text(fields, "blog_name") or verified.title
    inbound.store(post, "trackback", verified, author, excerpt, **client())


def html_text(fields: dict[str, str], name: str) -> str:
    """A field as its blog showed it: senders (WordPress too) send ``Tom &amp; Jerry&#8217;s``."""
    return html.unescape(fields.get(name, "")).strip()
