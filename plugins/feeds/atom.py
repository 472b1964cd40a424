"""A feed as Atom 1.0 (RFC 4287), with comment counts from the threading extension (RFC 4685)."""

from __future__ import annotations

from datetime import datetime

from markupsafe import escape

from hlsblog import Feed, FeedEntry

from .xmlout import XmlWriter

ATOM = "http://www.w3.org/2005/Atom"
THREAD = "http://purl.org/syndication/thread/1.0"
MIMETYPE = "application/atom+xml"


def rfc3339(when: datetime) -> str:
    """A UTC time as Atom dates it: ``2026-11-28T10:00:00Z``."""
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


def tag_uri(authority: str, entry: FeedEntry) -> str:
    """A permanent id (RFC 4151) that survives a changed slug or a moved address."""
    return f"tag:{authority},{entry.published:%Y-%m-%d}:{entry.uid}"


def render_atom(feed: Feed, self_url: str, generator: str, authority: str) -> bytes:
    """The feed as an Atom 1.0 document; ``authority`` is the blog's domain, for entry ids."""
    out = XmlWriter()
    out.open("feed", {"xmlns": ATOM, "xmlns:thr": THREAD, "xml:lang": "en"})
    out.leaf("title", escape(feed.title), {"type": "html"})
    out.leaf("subtitle", feed.description, {"type": "text"})
    out.leaf("updated", rfc3339(feed.updated))
    out.leaf("id", self_url)
    out.leaf("link", attrs={"rel": "alternate", "type": "text/html", "href": feed.link})
    out.leaf("link", attrs={"rel": "self", "type": MIMETYPE, "href": self_url})
    out.leaf("generator", generator)
    for entry in feed.entries:
        _entry(out, entry, feed.kind == "posts", authority)
    out.close("feed")
    return out.getvalue()


def _entry(out: XmlWriter, entry: FeedEntry, is_post: bool, authority: str) -> None:
    out.open("entry")
    _author(out, entry)
    # Escaped HTML, not type="text": no reader can mistake a "<b>" typed in a title for markup.
    out.leaf("title", escape(entry.title), {"type": "html"})
    out.leaf("link", attrs={"rel": "alternate", "type": "text/html", "href": entry.link})
    out.leaf("id", tag_uri(authority, entry))
    out.leaf("updated", rfc3339(entry.updated))
    out.leaf("published", rfc3339(entry.published))
    for name in entry.categories:
        out.leaf("category", attrs={"term": name})
    has_content = is_post and bool(entry.content_html.strip())
    _summary(out, entry, has_content)
    if has_content:
        out.leaf("content", entry.content_html, {"type": "html"})
    if is_post:
        replies = {"rel": "replies", "type": MIMETYPE, "href": f"{entry.post_link}feed/atom/"}
        out.leaf("link", attrs={**replies, "thr:count": entry.comment_count or 0})
        out.leaf("thr:total", entry.comment_count or 0)
    out.close("entry")


def _summary(out: XmlWriter, entry: FeedEntry, has_content: bool) -> None:
    """The summary, never blank: RFC 4287 advises text in every entry, and validators warn.

    An entry with neither summary nor content (a post with no text) is summed up by its title.
    """
    if entry.summary_html.strip():
        out.leaf("summary", entry.summary_html, {"type": "html"})
    elif not has_content:
        out.leaf("summary", entry.title, {"type": "text"})


def _author(out: XmlWriter, entry: FeedEntry) -> None:
    out.open("author")
    out.leaf("name", entry.author)
    if entry.author_url.startswith(("http://", "https://")) and " " not in entry.author_url:
        out.leaf("uri", entry.author_url)
    out.close("author")
