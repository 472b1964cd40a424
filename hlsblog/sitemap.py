"""What the sitemap lists: every public post and page, the archives that hold them, and plugins'.

Addresses come in kinds (``posts``, ``pages``, ``categories``, ``tags``, ``authors`` and
``extra`` for what plugins add through the ``sitemap_entries`` hook), each split into files of
at most ``PER_FILE`` addresses in the order of their id. A ``Plan`` says how many files each
kind has, from which id each starts and how recent its newest change is: one grouped query per
kind, kept per content generation. A file's addresses are then read from its first id with
``yield_per``, so even 100,000 posts are never all in memory at once.

Listed, as WordPress lists them: published posts and pages whose time has come (a password
protected one too: its address shows a title and a form, never the text), and categories,
tags and authors with at least one such post. Never drafts, scheduled posts or the Trash.
A post's or page's ``lastmod`` is the later of its last save and its publication (a scheduled
post goes public after it was last saved); a comment does not change it. The front page's is
its newest post's; archives have none, as in WordPress's.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

from flask import current_app, url_for
from sqlalchemy import Select, exists, func, null, select
from sqlalchemy.orm import aliased, lazyload, load_only

from .extensions import db
from .models import Category, Post, Tag, User, post_categories, post_tags, utcnow
from .plugins import current_host
from .posts import permalink
from .schedule import next_publication
from .sitemap_entry import SitemapEntry

PER_FILE = 50_000  # the sitemaps.org limit of addresses in one file (SITEMAP_URLS_PER_FILE)
BATCH = 1_000  # rows read from the database at a time while a file streams
KINDS = ("pages", "posts", "categories", "tags", "authors", "extra")


@dataclass(frozen=True)
class SitemapFile:
    """One file of a kind: its number, the id it starts at, how many addresses, newest change."""

    kind: str
    number: int
    first_key: int | None
    count: int
    lastmod: datetime | None


@dataclass(frozen=True)
class Plan:
    """Every sitemap file of the blog as it is now, and the plugins' addresses."""

    files: tuple[SitemapFile, ...]
    extra: tuple[SitemapEntry, ...] = ()
    fresh_until: datetime | None = field(default=None, compare=False)
    front_lastmod: datetime | None = None  # the front page's: its newest post's

    @property
    def fresh(self) -> bool:
        return self.fresh_until is None or datetime.now(UTC) < self.fresh_until

    def find(self, kind: str, number: int) -> SitemapFile | None:
        """The file ``number`` of ``kind``, if the blog has it."""
        return next((f for f in self.files if f.kind == kind and f.number == number), None)


def _public(kind: str) -> tuple[Any, ...]:
    """Conditions on ``Post`` for the public posts (or pages) of ``kind``."""
    if kind == "page":
        # The few pages' ids come off the page tree's index: left to choose, SQLite walks
        # every published post's row by the listing index to find them.
        page = aliased(Post)
        among = Post.id.in_(select(page.id).where(page.kind == kind))
        return (among, Post.status == "published", Post.published_at <= utcnow())
    return (Post.kind == kind, Post.status == "published", Post.published_at <= utcnow())


def _public_post_rows(kind: str) -> Select[Any, Any, Any]:
    return select(
        Post.id.label("key"),
        Post.updated_at.label("updated"),
        Post.published_at.label("published"),
    ).where(*_public(kind))


def _with_public_posts(model: Any) -> Any:
    """Whether a category, tag or author has a public post: the first one found answers."""
    if model is User:
        return exists().where(Post.author_id == User.id, *_public("post"))
    link = post_categories if model is Category else post_tags
    term_id = link.c.category_id if model is Category else link.c.tag_id
    return (
        exists()
        .where(term_id == model.id, Post.id == link.c.post_id, *_public("post"))
        .correlate(model)
    )


def _keyed_rows(kind: str) -> Select[Any, Any, Any]:
    """Rows of ``kind`` with columns ``key`` (a unique id), ``updated`` and ``published``.

    Archives carry no dates, as in WordPress's sitemap: finding their newest post would read
    every post they hold, where knowing that they hold one reads a single row.
    """
    if kind in ("posts", "pages"):
        return _public_post_rows(kind[:-1])
    model = TERMS[kind]
    return select(model.id.label("key"), null().label("updated"), null().label("published")).where(
        _with_public_posts(model)
    )


def _files_of(kind: str, reserved: int = 0) -> list[SitemapFile]:
    """The files ``kind`` needs; ``reserved`` places at the start of the first are taken."""
    rows = _keyed_rows(kind).subquery()
    number = func.row_number().over(order_by=rows.c.key) - 1 + reserved
    numbered = select(
        (number // per_file()).label("file"),
        rows.c.key,
        rows.c.updated,
        rows.c.published,
    ).subquery()
    grouped = (
        select(
            numbered.c.file,
            func.min(numbered.c.key),
            func.count(),
            func.max(numbered.c.updated),
            func.max(numbered.c.published),
        )
        .group_by(numbered.c.file)
        .order_by(numbered.c.file)
    )
    return [
        SitemapFile(kind, int(file) + 1, first, count, newest(updated, published))
        for file, first, count, updated, published in db.session.execute(grouped)
    ]


def per_file() -> int:
    """How many addresses one file holds: the protocol's 50,000, or fewer if configured."""
    return max(2, min(PER_FILE, int(current_app.config.get("SITEMAP_URLS_PER_FILE", PER_FILE))))


def newest(*times: datetime | None) -> datetime | None:
    """The latest of ``times`` (naive UTC or aware) as aware UTC; ``None`` when none is set."""
    known = [t if t.tzinfo else t.replace(tzinfo=UTC) for t in times if t is not None]
    return max(known) if known else None


def build_plan() -> Plan:
    """Every sitemap file the blog has now; a request's context gives plugins the blog's host."""

    posts = _files_of("posts")
    front_lastmod = newest(*(f.lastmod for f in posts))  # the front page shows the newest
    pages = _files_of("pages", reserved=1)  # the front page comes first, as in WordPress's
    front = pages[0] if pages else SitemapFile("pages", 1, None, 0, None)
    lastmod = newest(front.lastmod, front_lastmod)
    pages[:1] = [SitemapFile("pages", 1, front.first_key, front.count, lastmod)]
    files = pages + posts + [f for kind in KINDS[2:-1] for f in _files_of(kind)]
    extra, size = tuple(plugin_entries()), per_file()
    for start in range(0, len(extra), size):
        chunk = extra[start : start + size]
        lastmod = newest(*(entry.lastmod for entry in chunk))
        files.append(SitemapFile("extra", start // size + 1, start, len(chunk), lastmod))
    return Plan(tuple(files), extra, next_publication(), front_lastmod)


def plugin_entries() -> Iterator[SitemapEntry]:
    """The addresses plugins add (``sitemap_entries``); one not on the blog is reported."""
    host = current_host()
    for plugin, answer in host.collect("sitemap_entries"):
        for item in answer if isinstance(answer, list | tuple) else [answer]:
            try:
                yield on_blog(item)
            except (TypeError, ValueError) as exc:
                host.report(plugin, "sitemap_entries", exc)


def on_blog(item: Any) -> SitemapEntry:
    """``item`` as an entry whose address is absolute and on the blog; ``ValueError`` if not."""
    if not isinstance(item, SitemapEntry):
        raise TypeError(f"a sitemap entry must be a SitemapEntry, not {type(item).__name__}")
    home = url_for("blog.index", _external=True)  # the site address when one is set
    loc = urljoin(home, item.loc)
    if urlsplit(loc)[:2] != urlsplit(home)[:2] or len(loc) > 2048:
        raise ValueError(f"{item.loc[:80]!r} is not an address on this blog")
    if item.lastmod is not None and not isinstance(item.lastmod, datetime):
        raise TypeError(f"lastmod of {item.loc[:80]!r} is not a datetime")
    return SitemapEntry(loc, item.lastmod)


def entries(plan: Plan, file: SitemapFile) -> Iterator[SitemapEntry]:
    """The addresses of ``file``, read from the database a batch at a time."""
    if file.kind == "extra":
        start = file.first_key or 0
        yield from plan.extra[start : start + file.count]
        return
    if file.kind == "pages" and file.number == 1:
        yield SitemapEntry(url_for("blog.index", _external=True), plan.front_lastmod)
    if file.first_key is None:
        return
    yield from STREAMS[file.kind](file.first_key, file.count)


def _stream_posts(kind: str) -> Callable[[int, int], Iterator[SitemapEntry]]:
    def stream(first: int, count: int) -> Iterator[SitemapEntry]:
        query = (
            select(Post)
            .where(*_public(kind), Post.id >= first)
            .options(_ADDRESS_ONLY, lazyload("*"))
            .order_by(Post.id)
            .limit(count)
            .execution_options(yield_per=BATCH)
        )
        for post in db.session.scalars(query):
            lastmod = newest(post.updated_at, post.published_at)
            yield SitemapEntry(permalink(post, external=True), lastmod)

    return stream


def _stream_terms(kind: str, endpoint: str, name: Any) -> Any:
    def stream(first: int, count: int) -> Iterator[SitemapEntry]:
        model = TERMS[kind]
        query = (
            select(name)
            .where(_with_public_posts(model), model.id >= first)
            .order_by(model.id)
            .limit(count)
            .execution_options(yield_per=BATCH)
        )
        for value in db.session.scalars(query):
            yield SitemapEntry(url_for(endpoint, **{_ARG[endpoint]: value}, _external=True))

    return stream


# What a post's address needs; a page's place in the tree is read through its parent.
_ADDRESS_ONLY = load_only(
    Post.id,
    Post.kind,
    Post.slug,
    Post.parent_id,
    Post.status,
    Post.published_at,
    Post.created_at,
    Post.updated_at,
)
TERMS: dict[str, Any] = {"categories": Category, "tags": Tag, "authors": User}
_ARG = {"blog.category": "slug", "blog.tag": "slug", "blog.author": "name"}
STREAMS: dict[str, Callable[[int, int], Iterator[SitemapEntry]]] = {
    "posts": _stream_posts("post"),
    "pages": _stream_posts("page"),
    "categories": _stream_terms("categories", "blog.category", Category.slug),
    "tags": _stream_terms("tags", "blog.tag", Tag.slug),
    "authors": _stream_terms("authors", "blog.author", User.username),
}
