"""Pages: "About", "Contact" and the like, at their own path in a tree (``/about/team/``).

A page is a ``Post`` of kind ``"page"``: it has a parent page and a place among its siblings
(``menu_order``), and never appears in the front page, the archives or the site feed. Its path
is its ancestors' slugs and its own; slugs are unique over posts and pages, so the last part
of a path alone finds the page.

The tree (every page's id, parent, slug, title, order and visibility, no text) is read with
one query per content generation and worker: a page's address and the theme's page list then
cost no query of their own.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime

from flask import current_app
from sqlalchemy import Select

from .caching import GenerationCache
from .extensions import db
from .models import Post, utcnow
from .numbers import stranger_int
from .settings import content_generation

PAGE = "page"
MAX_DEPTH = 30  # deeper than any real site; guards against a loop in stored parents


@dataclass(frozen=True)
class PageEntry:
    """What the tree knows of one page: enough for its address and the theme's list."""

    id: int
    parent_id: int | None
    slug: str
    title: str
    menu_order: int
    published_at: datetime | None
    status: str

    def is_public(self, now: datetime) -> bool:
        return (
            self.status == "published"
            and self.published_at is not None
            and (self.published_at <= now)
        )


@dataclass
class ListedPage:
    """A public page in the theme's list, with the public pages below it."""

    title: str
    path: str
    children: list[ListedPage] = field(default_factory=list)


@dataclass
class PageTree:
    """Every page of the blog (any status, the Trash too) as read once per content generation."""

    entries: dict[int, PageEntry]
    # The list goes stale when a scheduled page is due, before the generation moves.
    fresh_until: datetime | None = None

    @property
    def fresh(self) -> bool:
        return self.fresh_until is None or datetime.now(UTC) < self.fresh_until

    def children(self, parent_id: int | None) -> list[PageEntry]:
        """The pages right below ``parent_id`` (``None``: the top), in menu order."""
        found = [e for e in self.entries.values() if e.parent_id == parent_id]
        return sorted(found, key=lambda e: (e.menu_order, e.title.lower(), e.id))

    def ancestors(self, parent_id: int | None) -> list[PageEntry]:
        """The pages above a page whose parent is ``parent_id``, nearest first."""
        found: list[PageEntry] = []
        seen: set[int] = set()
        while parent_id is not None and parent_id not in seen and len(found) < MAX_DEPTH:
            entry = self.entries.get(parent_id)
            if entry is None:
                break
            found.append(entry)
            seen.add(parent_id)
            parent_id = entry.parent_id
        return found

    def path(self, slug: str, parent_id: int | None) -> str:
        """The path of a page with this slug and parent."""
        slugs = [e.slug for e in reversed(self.ancestors(parent_id))] + [slug]
        return "/" + "/".join(slugs) + "/"


def public_pages() -> Select[tuple[Post]]:
    """Pages a reader may see, in menu order (``page_list`` gives them as a tree)."""
    return (
        db.select(Post)
        .where(Post.kind == PAGE, Post.status == "published", Post.published_at <= utcnow())
        .order_by(Post.menu_order, Post.title, Post.id)
    )


def page_tree() -> PageTree:
    """The tree of every page, read once per content generation in this worker."""
    cache: GenerationCache[PageTree] = current_app.extensions.setdefault(
        "hlsblog.page_tree", GenerationCache(size=1)
    )
    tree = cache.get_or_build(content_generation(), "tree", _read_tree)
    assert tree is not None  # _read_tree always builds one
    return tree


def _read_tree() -> PageTree:
    rows = db.session.execute(
        db.select(
            Post.id,
            Post.parent_id,
            Post.slug,
            Post.title,
            Post.menu_order,
            Post.published_at,
            Post.status,
        ).where(Post.kind == PAGE)  # trashed ones too: a child keeps its path meanwhile
    ).all()
    entries = {row.id: PageEntry(*row) for row in rows}
    now = utcnow()
    due = [
        e.published_at
        for e in entries.values()
        if e.status == "published" and e.published_at and e.published_at > now
    ]
    fresh_until = min(due).replace(tzinfo=UTC) if due else None
    return PageTree(entries, fresh_until)


def page_path(page: Post) -> str:
    """A page's path from the top of the tree: ``/about/team/``."""
    return page_tree().path(page.slug, page.parent_id)


def page_list() -> list[ListedPage]:
    """The public pages as the theme lists them: a tree, each level in menu order.

    A public page under a page readers can't see is listed at the top, as WordPress does.
    """
    tree, now = page_tree(), utcnow()
    public = {i: e for i, e in tree.entries.items() if e.is_public(now)}

    def listed(entry: PageEntry, depth: int) -> ListedPage:
        below = [c for c in tree.children(entry.id) if c.id in public] if depth < MAX_DEPTH else []
        path = tree.path(entry.slug, entry.parent_id)
        return ListedPage(entry.title, path, [listed(c, depth + 1) for c in below])

    tops = [e for e in public.values() if e.parent_id not in public]
    tops.sort(key=lambda e: (e.menu_order, e.title.lower(), e.id))
    return [listed(e, 0) for e in tops]


def parent_choices(page: Post) -> Iterator[tuple[PageEntry, int]]:
    """Pages ``page`` may be put under, in tree order with their depth (never below itself)."""
    tree = page_tree()

    def walk(parent_id: int | None, depth: int) -> Iterator[tuple[PageEntry, int]]:
        for entry in tree.children(parent_id):
            if entry.id != page.id and entry.status != "trash" and depth < MAX_DEPTH:
                yield entry, depth
                yield from walk(entry.id, depth + 1)

    return walk(None, 0)


def valid_parent(page: Post, parent_id: int | None) -> bool:
    """Whether ``page`` may go under ``parent_id``: a page, and not itself or below it."""
    if parent_id is None:
        return True
    tree = page_tree()
    entry = tree.entries.get(parent_id)
    if entry is None or entry.status == "trash" or parent_id == page.id:
        return False
    return page.id is None or all(e.id != page.id for e in tree.ancestors(parent_id))


def place_page(page: Post, parent: str, order: str) -> str | None:
    """Put ``page`` under ``parent`` (an id, or empty for the top) at ``order``; or say why not."""
    parent, order = parent.strip(), order.strip() or "0"
    size = stranger_int(order.removeprefix("-"), low=0, high=1_000_000)  # "²", "--1": no
    if size is None:
        return "The order is a whole number (lower comes first)."
    parent_id = stranger_int(parent)
    if parent and (parent_id is None or not valid_parent(page, parent_id)):
        return "That parent cannot hold this page: choose another page, or none."
    page.parent_id, page.menu_order = parent_id, -size if order.startswith("-") else size
    return None


def hidden_slug(slug: str, parent_id: int | None) -> bool:
    """Whether another address of the blog would hide a page with this slug and parent.

    A top page can't be ``feed``, ``category``, ``page`` … (the first part of another rule's
    address) nor a number (a year's archive); under a parent, ``feed`` is its comments feed.
    """
    if parent_id is not None:
        return slug == "feed"
    if slug.isdecimal():
        return True
    return slug in {rule.rule.split("/")[1] for rule in current_app.url_map.iter_rules()}


def find_page(path: str) -> Post | None:
    """The page whose slug ends ``path`` (whatever the rest says: the caller checks it)."""
    slug = path.strip("/").rsplit("/", 1)[-1]
    if not slug:
        return None
    return db.session.scalar(db.select(Post).where(Post.slug == slug, Post.kind == PAGE))
