"""The sidebar's core widgets: what each lists, worked out once per content generation.

The theme draws them (``templates/_widgets.html``) in the sidebar, around the ``sidebar``
slot where plugins add theirs (the feeds plugin's feed links). Each can be switched off in
Admin → Settings (``widget_<name>`` settings). What they list is the same for every
reader, so a worker builds it once per content generation and every page then reuses it,
as the page cache reuses whole pages: a widget never costs a query per comment or per page.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from flask import Flask, current_app, request, url_for
from sqlalchemy import func

from .caching import GenerationCache
from .dates import local
from .extensions import db
from .models import Category, Comment, Post, post_categories, utcnow
from .posts import permalink, public_posts
from .schedule import next_publication
from .settings import content_generation, get_setting

# name, label in Admin → Settings; in the order the sidebar shows them.
WIDGETS: tuple[tuple[str, str], ...] = (
    ("search", "Search"),
    ("pages", "Pages"),
    ("categories", "Categories (with counts)"),
    ("archives", "Monthly archives"),
    ("recent_posts", "Recent posts"),
    ("recent_comments", "Recent comments"),
    ("feeds", "Feed links (with the feeds plugin on)"),
    ("login", "Log in / Site admin"),
)
RECENT = 5  # posts and comments the "recent" widgets list, as WordPress's default


@dataclass(frozen=True)
class Link:
    """One line of a widget: where it leads, what it says, and a count or a note."""

    url: str
    text: str
    count: int | None = None
    note: str = ""


@dataclass(frozen=True)
class WidgetData:
    """Every core widget's lines, as built for one content generation."""

    lists: dict[str, list[Link]] = field(default_factory=dict)
    fresh_until: datetime | None = None

    @property
    def fresh(self) -> bool:
        return self.fresh_until is None or datetime.now(UTC) < self.fresh_until


def widget_on(name: str) -> bool:
    """Whether the blogger left widget ``name`` on (Admin → Settings)."""
    return bool(get_setting(f"widget_{name}", True))


def widget_links(name: str) -> list[Link]:
    """The lines of core widget ``name`` (categories, archives, recent_posts, recent_comments)."""
    cache: GenerationCache[WidgetData] = current_app.extensions["hlsblog.widget_cache"]
    data = cache.get_or_build(content_generation(), request.script_root, _build)
    return data.lists.get(name, []) if data else []


def _build() -> WidgetData:
    lists = {
        "categories": _categories(),
        "archives": _archives(),
        "recent_posts": _recent_posts(),
        "recent_comments": _recent_comments(),
    }
    return WidgetData(lists, next_publication())


def _categories() -> list[Link]:
    """Categories holding public posts, by name, with how many (WordPress hides empty ones)."""
    public = public_posts().order_by(None).with_only_columns(Post.id).subquery()
    rows = db.session.execute(
        db.select(Category.slug, Category.name, func.count())
        .join(post_categories, post_categories.c.category_id == Category.id)
        .join(public, public.c.id == post_categories.c.post_id)
        .group_by(Category.id, Category.slug, Category.name)
        .order_by(func.lower(Category.name))
    ).all()
    return [Link(url_for("blog.category", slug=s), name, count) for s, name, count in rows]


def _archives() -> list[Link]:
    """Each month with a public post, newest first, in the blog's time zone."""
    # Streamed, a thousand at a time: on 100,000 posts a fully buffered result held ~25 MB.
    query = public_posts().order_by(None).with_only_columns(Post.published_at)
    dates = db.session.scalars(query.execution_options(yield_per=1000))
    months = Counter((when.year, when.month) for when in (local(d) for d in dates if d))
    return [
        Link(
            url_for("blog.date_archive", year=year, month=f"{month:02d}"),
            datetime(year, month, 1).strftime("%B %Y"),
            count,
        )
        for (year, month), count in sorted(months.items(), reverse=True)
    ]


def _recent_posts() -> list[Link]:
    posts: list[Post] = list(db.session.scalars(public_posts().limit(RECENT)))  # type: ignore[arg-type]
    return [Link(permalink(post), post.title or "(no title)") for post in posts]


def _recent_comments() -> list[Link]:
    """The newest approved comments on public posts without a password (one query)."""
    rows = db.session.execute(
        db.select(Comment.id, Comment.author_name, Post)
        .join(Post, Comment.post_id == Post.id)
        .where(
            Comment.status == "approved",
            Post.status == "published",
            Post.published_at <= utcnow(),
            Post.password == "",
        )
        .order_by(Comment.created_at.desc(), Comment.id.desc())
        .limit(RECENT)
    ).all()
    return [
        Link(
            f"{permalink(post)}#comment-{cid}", post.title or "(no title)", note=name or "Anonymous"
        )
        for cid, name, post in rows
    ]


def init_app(app: Flask | Any) -> None:
    """Give the app its per-generation widget store and templates ``widget_on``/``widget_links``."""
    app.extensions["hlsblog.widget_cache"] = GenerationCache(size=8)
    app.jinja_env.globals.update(
        widget_on=widget_on, widget_links=widget_links, sidebar_widgets=WIDGETS
    )
