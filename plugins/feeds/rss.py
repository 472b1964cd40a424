"""A feed as RSS 2.0, with the modules WordPress's feeds carry (content, wfw, slash, dc)."""

from __future__ import annotations

from datetime import datetime
from email.utils import format_datetime

from markupsafe import escape

from hlsblog import Feed, FeedEntry

from .xmlout import XmlWriter

NAMESPACES = {
    "xmlns:content": "http://purl.org/rss/1.0/modules/content/",
    "xmlns:wfw": "http://wellformedweb.org/CommentAPI/",
    "xmlns:dc": "http://purl.org/dc/elements/1.1/",
    "xmlns:atom": "http://www.w3.org/2005/Atom",
    "xmlns:slash": "http://purl.org/rss/1.0/modules/slash/",
}
MIMETYPE = "application/rss+xml"


def rfc822(when: datetime) -> str:
    """A UTC time as RSS dates it: ``Sat, 28 Nov 2026 10:00:00 GMT``."""
    return format_datetime(when, usegmt=True)


def _text(value: str) -> str:
    """Plain text as RSS readers take it: most read titles as HTML, so markup is escaped.

    A title holding ``<b>`` then shows as typed (as on the blog's pages) instead of turning
    bold, or worse, in a reader; text without ``<`` is left as it is.
    """
    return str(escape(value)) if "<" in value else value


def render_rss(feed: Feed, self_url: str, generator: str) -> bytes:
    """The feed as an RSS 2.0 document."""
    out = XmlWriter()
    out.open("rss", {"version": "2.0", **NAMESPACES})
    out.open("channel")
    out.text_leaf("title", _text(feed.title))
    out.leaf("atom:link", attrs={"href": self_url, "rel": "self", "type": MIMETYPE})
    out.leaf("link", feed.link)
    out.text_leaf("description", feed.description)
    out.leaf("lastBuildDate", rfc822(feed.updated))
    out.leaf("language", "en")
    out.leaf("generator", generator)
    for entry in feed.entries:
        _item(out, entry, feed.kind == "posts")
    out.close("channel")
    out.close("rss")
    return out.getvalue()


def _item(out: XmlWriter, entry: FeedEntry, is_post: bool) -> None:
    out.open("item")
    out.text_leaf("title", _text(entry.title))
    out.leaf("link", entry.link)
    out.text_leaf("dc:creator", _text(entry.author))
    out.leaf("pubDate", rfc822(entry.published))
    for name in entry.categories:
        out.text_leaf("category", _text(name))
    out.leaf("guid", entry.link, {"isPermaLink": "true"})
    if entry.summary_html.strip():  # an item may have a title alone; never a blank text
        out.leaf("description", entry.summary_html)
    if entry.content_html.strip() and is_post:
        out.leaf("content:encoded", entry.content_html)
    if is_post:
        out.leaf("comments", f"{entry.post_link}#comments")
        out.leaf("wfw:commentRss", f"{entry.post_link}feed/")
        out.leaf("slash:comments", entry.comment_count or 0)
    out.close("item")
