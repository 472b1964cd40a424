"""Taking a ping, whatever the protocol: find the post, fetch the source, check it links, store.

Refusals carry Pingback's fault codes (the richest of the three vocabularies); TrackBack and
Webmention turn them into their own answers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from flask import current_app, request
from werkzeug.exceptions import HTTPException
from werkzeug.routing import RequestRedirect

from hlsblog import Comment, CommentInput, CommentRefused, Post, clean_text, db, submit_comment
from hlsblog.api import (
    FetchError,
    FetchRefused,
    Limits,
    as_uri,
    check_url,
    fetch,
    precheck_url,
    site_url,
)

from . import pages

GENERIC, SOURCE_MISSING, NO_LINK = 0, 16, 17
TARGET_MISSING, TARGET_INVALID, ALREADY, DENIED = 32, 33, 48, 49
# Not in the Pingback spec: WordPress answers a flood with 429, and senders read it as "later".
TOO_QUICKLY = 429
LINKBACK_KINDS = ("trackback", "pingback", "webmention")
HTML_TYPES = ("text/html", "application/xhtml+xml")


class PingRefused(Exception):
    """A ping that is not taken: ``message`` for the sender, ``code`` a Pingback fault code."""

    def __init__(
        self, message: str, code: int = GENERIC, gone: bool = False, retry_after: float = 0
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.gone = gone  # the source no longer exists or no longer links: delete a mention
        self.retry_after = retry_after  # seconds, for a refusal that passes (too quickly)


@dataclass
class Source:
    """A verified source: its title and the words around its link to us."""

    url: str
    title: str
    excerpt: str


def post_for(target: str) -> Post:
    """The public post or page of this blog that ``target`` addresses."""
    endpoint, args = _route_of(_path_on_this_blog(target))
    if endpoint == "blog.post":
        return post_by_slug(args["slug"])
    if endpoint == "blog.page":
        return post_by_slug(args["path"].rstrip("/").rsplit("/", 1)[-1])
    raise PingRefused("The target is not a post or a page; only they take pings.", TARGET_INVALID)


def _path_on_this_blog(target: str) -> str:
    """The path of ``target`` under the blog's address (its site address, or this host)."""
    try:
        parts = urlsplit(target)
    except ValueError as exc:
        raise PingRefused("The target is not a valid address.", TARGET_MISSING) from exc
    if parts.scheme in ("http", "https"):
        for base in {site_url(), request.host_url.rstrip("/")}:
            home = urlsplit(base)
            root = home.path.rstrip("/")
            if parts.netloc.lower() == home.netloc.lower() and (
                parts.path == root or parts.path.startswith(root + "/")
            ):
                return parts.path[len(root) :] or "/"
    raise PingRefused("The target is not an address on this blog.", TARGET_INVALID)


def _route_of(path: str) -> tuple[str, dict[str, Any]]:
    adapter = current_app.url_map.bind(request.host)
    try:
        try:
            return adapter.match(path, method="GET")  # type: ignore[return-value]
        except RequestRedirect as redirect:  # e.g. the address without its trailing slash
            return adapter.match(urlsplit(redirect.new_url).path, method="GET")  # type: ignore[return-value]
    except HTTPException as exc:
        raise PingRefused("The target does not exist on this blog.", TARGET_MISSING) from exc


def post_by_slug(slug: str) -> Post:
    """A public post by its slug, or the "target does not exist" refusal."""
    post = db.session.scalar(db.select(Post).where(Post.slug == slug))
    if post is None or not post.is_public:
        raise PingRefused("The target does not exist on this blog.", TARGET_MISSING)
    return post


def existing_linkback(post: Post, source: str) -> Comment | None:
    """A linkback already stored from ``source`` on ``post``, of any of the three kinds."""
    return db.session.scalar(
        db.select(Comment).where(
            Comment.post_id == post.id,
            Comment.source_url == source,
            Comment.kind.in_(LINKBACK_KINDS),
        )
    )


def check_open(post: Post, source: str, allow_existing: bool = False) -> None:
    """Refuse before fetching anything when the post takes no pings or has this one already."""
    if not post.pings_open:
        raise PingRefused("Pings are closed on this post.", TARGET_INVALID)
    if not allow_existing and existing_linkback(post, source) is not None:
        raise PingRefused("This ping is already registered.", ALREADY)


def check_source_address(source: str, limits: Limits) -> None:
    """Refuse a source that isn't a public http(s) address, before any connection is made."""
    try:
        check_url(source, limits)
    except FetchRefused as exc:
        raise PingRefused(f"The source is refused: {exc}", DENIED) from exc
    except FetchError as exc:
        raise PingRefused(f"The source cannot be reached: {exc}", SOURCE_MISSING) from exc


def precheck_source_address(source: str, limits: Limits) -> None:
    """Refuse, while the sender waits, what needs no network: a malformed source, or one written
    as a private address. A host name is looked up only by the task that fetches it: a name
    server that never answers would hold a web worker for the resolver's whole timeout.
    """
    try:
        precheck_url(source, limits)
    except FetchRefused as exc:
        raise PingRefused(f"The source is refused: {exc}", DENIED) from exc


def verify_source(source: str, target: str, limits: Limits) -> Source:
    """Fetch ``source`` and make sure it links to ``target``.

    The session's transaction is ended first (nothing is pending when a ping is verified), so a
    slow source holds no connection from the pool; rows read before are reloaded when used.
    """
    check_source_address(source, limits)
    db.session.commit()
    try:
        response = fetch(source, limits, headers={"Accept": "text/html, text/plain;q=0.5"})
    except FetchRefused as exc:
        raise PingRefused(f"The source is refused: {exc}", DENIED) from exc
    except FetchError as exc:
        raise PingRefused(f"The source cannot be fetched: {exc}", SOURCE_MISSING) from exc
    if response.status in (404, 410):
        raise PingRefused("The source does not exist.", SOURCE_MISSING, gone=True)
    if not 200 <= response.status < 300:
        raise PingRefused(f"The source answered HTTP {response.status}.", SOURCE_MISSING)
    return _linking(source, target, response.text, response.content_type)


def _linking(source: str, target: str, text: str, content_type: str) -> Source:
    host = urlsplit(source).hostname or source
    if content_type in HTML_TYPES:
        page = pages.parse(text, source)
        link = pages.link_to(page, target)
        if link is not None:
            return Source(source, page.title or host, page.excerpt_around(link))
    elif content_type.startswith("text/") and target in text:
        return Source(source, host, "")
    raise PingRefused("The source does not link to the target.", NO_LINK, gone=True)


def store(post: Post, kind: str, source: Source, author: str, excerpt: str, **who: str) -> Comment:
    """Store a verified ping as a comment of ``kind``, through the core's rules and plugins."""
    data = CommentInput(
        kind=kind,
        author=clean_text(author or source.title)[:245].strip(),
        url=as_uri(source.url),  # the commenter's website link: no spaces, as the core asks
        body=clean_text(excerpt or source.excerpt or source.title)[:2000],
        title=clean_text(source.title)[:300],
        source_url=source.url,
    )
    try:
        return submit_comment(post, data, ip=who.get("ip", ""), user_agent=who.get("ua", ""))
    except CommentRefused as refusal:
        db.session.rollback()
        code = {404: TARGET_MISSING, 429: TOO_QUICKLY}.get(refusal.status, DENIED)
        raise PingRefused(refusal.message, code) from refusal
