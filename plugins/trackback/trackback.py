"""TrackBack, per the Movable Type specification (1.2): a form POST to the post's /trackback/.

The specification asks for no fetch at all. We verify that the source links to the post, but
after answering: what can be checked at once, without the network (the post, pings open, a
source written as a private address, a ping already taken) is answered with
``<error>1</error>``; the rest is queued as a task of the blog (``verify_trackback``) and
answered ``<error>0</error>``, and the ping shows once its source is found to link here.
"""

from __future__ import annotations

import codecs
import html
from urllib.parse import parse_qsl
from xml.sax.saxutils import escape

from flask import Response, request

from hlsblog import Post, db, permalink, run_later, task

from . import inbound
from .models import PendingTrackBack
from .routes import client, count_ping, protocols, read_body, require
from .settings import limits, wait_while_off
from .verifier import Busy, check_room


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
        count_ping()
        require("trackback")
        take(slug, form_fields(read_body(), request.mimetype_params.get("charset")))
    except inbound.PingRefused as refusal:
        db.session.rollback()
        return answer(refusal.message)
    except Busy as busy:
        db.session.rollback()
        return answer(str(busy))
    return answer()


def take(slug: str, fields: dict[str, str]) -> None:
    """Check one TrackBack and queue its verification; ``PingRefused`` when it can't be taken."""
    post = inbound.post_by_slug(slug)
    source = fields.get("url", "").strip()[:2000]
    if not source:
        raise inbound.PingRefused("No url given: a TrackBack ping needs the url field.")
    inbound.check_open(post, source)
    inbound.precheck_source_address(source, limits("checking a TrackBack"))
    if _still_queued(post.id, source):
        return  # sent again before we got to it: one check is enough
    check_room()
    who = client()
    ping = PendingTrackBack(
        source=source,
        target=permalink(post, external=True)[:2000],
        post_id=post.id,
        title=html_text(fields, "title")[:300],
        excerpt=html_text(fields, "excerpt")[:1000],
        blog_name=html_text(fields, "blog_name")[:255],
        ip=who["ip"][:100],
        user_agent=who["ua"][:255],
    )
    db.session.add(ping)
    db.session.flush()  # its id, for the task stored (and committed) with it
    run_later(verify_trackback, ping.id, key=ping.id)


def _still_queued(post_id: int, source: str) -> bool:
    found = db.session.scalar(
        db.select(PendingTrackBack.id).where(
            PendingTrackBack.post_id == post_id,
            PendingTrackBack.source == source,
            PendingTrackBack.status == "queued",
        )
    )
    return found is not None


@task(retries=3, backoff=10)
def verify_trackback(ping_id: str) -> None:
    """Verify an accepted TrackBack (a task: the fetch happens in a queue consumer)."""
    wait_while_off()
    process(ping_id)


def process(ping_id: str) -> None:
    """Verify a queued TrackBack and store it when its source links here."""
    ping = db.session.get(PendingTrackBack, ping_id)
    post = db.session.get(Post, ping.post_id) if ping else None
    if ping is None or post is None or ping.status != "queued":
        return  # gone, or checked already (by a consumer that died before it said so)
    try:
        _verify_and_store(ping, post)
        status, message = "accepted", "The TrackBack was verified and stored."
    except inbound.PingRefused as refusal:
        db.session.rollback()
        status, message = "refused", refusal.message
    ping = db.session.get_one(PendingTrackBack, ping_id)
    ping.status, ping.message = status, message[:2000]
    db.session.commit()


def _verify_and_store(ping: PendingTrackBack, post: Post) -> None:
    inbound.check_open(post, ping.source)  # taken meanwhile, or pings closed since
    verified = inbound.verify_source(
        ping.source, ping.target, limits(f"verifying a ping from {ping.ip}")
    )
    # The sender's own words win over what we read on its page.
    verified.title = ping.title or verified.title
    author = ping.blog_name or verified.title
    who = {"ip": ping.ip, "ua": ping.user_agent}
    inbound.store(post, "trackback", verified, author, ping.excerpt or verified.excerpt, **who)


def html_text(fields: dict[str, str], name: str) -> str:
    """A field as its blog showed it: senders (WordPress too) send ``Tom &amp; Jerry&#8217;s``."""
    return html.unescape(fields.get(name, "")).strip()
