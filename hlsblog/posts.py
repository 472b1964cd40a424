"""Posts: saving (rendered once, at write time), addresses, and the public listings."""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime
from typing import Any, cast

from flask import url_for
from sqlalchemy import CursorResult, Select

from .dates import local
from .extensions import db
from .media.responsive import responsive_images
from .models import Category, Post, Tag, utcnow
from .pages import PAGE, page_path
from .plugins import current_host
from .rendering import (
    PAGE_BREAK,
    POLICY_VERSION,
    clean_post_html,
    has_page_break,
    markdown_to_html,
    split_more,
    split_pages,
    stored_pages,
)


def slugify(text: str, fallback: str = "post") -> str:
    """A lower-case, dash-joined address part; letters of any script are kept."""
    text = unicodedata.normalize("NFKC", text).lower()
    text = re.sub(r"[^\w\s-]", "", text)
    text = re.sub(r"[\s_-]+", "-", text).strip("-")
    return text[:190] or fallback


def unique_slug(model: Any, wanted: str, exclude_id: int | None = None) -> str:
    """``wanted``, or ``wanted-2``, ``wanted-3`` … when another row has it."""
    slug, n = wanted, 1
    while True:
        query = db.select(model.id).where(model.slug == slug)
        if exclude_id is not None:
            query = query.where(model.id != exclude_id)
        if db.session.scalar(query) is None:
            return slug
        n += 1
        slug = f"{wanted[:180]}-{n}"


def render_post(post: Post) -> None:
    """Make the stored HTML (and the teaser before ``<!--more-->``) from the source.

    A paginated post's pages are rendered each on its own, as WordPress shows them, and
    stored with ``PAGE_BREAK`` between them, so a page of it is a split away. The teaser is
    only ever part of the first page.
    """
    host = current_host()
    full, teaser = split_more(post.body_source)
    convert = (lambda s: s) if post.source_format == "html" else markdown_to_html
    pages = [convert(page) for page in split_pages(full)]
    # The plugins' filters see the whole text once, as for any post.
    html = host.filter("filter_post_html", "html", PAGE_BREAK.join(pages), post=post)
    body = PAGE_BREAK.join(clean_post_html(page) for page in stored_pages(html))
    post.body_html = responsive_images(body)  # our uploads' srcset, width and height
    if teaser is not None and has_page_break(teaser):
        teaser = None  # the mark is on a later page: the first page is shown whole
    teaser_html = clean_post_html(convert(teaser)) if teaser is not None else ""
    post.teaser_html = responsive_images(teaser_html)
    post.render_version = POLICY_VERSION


# Where a post filed under no category goes, as WordPress's default category (found by slug,
# so a blogger may rename it; made again if deleted).
DEFAULT_CATEGORY = "Uncategorized"


def terms(model: Any, names: str | list[str]) -> list[Any]:
    """Categories or tags by name (comma-separated or a list), created when new."""
    items = names.split(",") if isinstance(names, str) else names
    found = []
    for name in dict.fromkeys(n.strip() for n in items if n.strip()):
        slug = slugify(name, fallback=model.__name__.lower())
        term = db.session.scalar(db.select(model).where(model.slug == slug))
        if term is None:
            term = model(name=name[:200], slug=unique_slug(model, slug))
            db.session.add(term)
            db.session.flush()
        found.append(term)
    return found


def save_post(post: Post, *, categories: Any = None, tags: Any = None) -> None:
    """Render, store and commit a post, then tell plugins it was published or updated."""
    was_public = post.id is not None and post.announced
    post.slug = unique_slug(Post, slugify(post.slug or post.title), post.id)
    if post.status == "published" and post.published_at is None:
        post.published_at = utcnow()
    if categories is not None:
        post.categories = terms(Category, categories)
    if tags is not None:
        post.tags = terms(Tag, tags)
    if post.kind == "post" and not post.categories:  # as WordPress files them
        post.categories = terms(Category, [DEFAULT_CATEGORY])
    post.updated_at = utcnow()
    render_post(post)
    if post.id is None:
        db.session.add(post)
    db.session.commit()
    if was_public and post.is_public:
        current_host().notify("post_updated", post=post)
    announce_due_posts()


def announce_due_posts() -> None:
    """Fire ``post_published`` once for each post that has become public.

    Web processes (the first request after a post's time) and the task queue's consumers
    (every minute) all look: each post is claimed by an update that only one of them wins.
    """
    due = db.session.scalars(
        db.select(Post.id).where(
            Post.status == "published", Post.published_at <= utcnow(), Post.announced.is_(False)
        )
    ).all()
    for post_id in due:
        claim = db.update(Post).where(Post.id == post_id, Post.announced.is_(False))
        won = cast(CursorResult[Any], db.session.execute(claim.values(announced=True))).rowcount
        db.session.commit()
        post = db.session.get(Post, post_id) if won else None
        if post is not None:
            current_host().notify("post_published", post=post)


def public_content() -> Select[tuple[Post]]:
    """Posts and pages a reader may see, newest first (search finds both, as WordPress's does)."""
    return (
        db.select(Post)
        .where(Post.status == "published", Post.published_at <= utcnow())
        .order_by(Post.published_at.desc(), Post.id.desc())
    )


def public_posts() -> Select[tuple[Post]]:
    """Posts a reader may see, newest first: never a page (``pages.public_pages`` has those)."""
    return public_content().where(Post.kind == "post")


def permalink(post: Post, external: bool = False) -> str:
    """A post's address, ``/YYYY/MM/DD/slug/``, dated in the blog's time zone; a page's path."""
    if post.kind == PAGE:
        return url_for("blog.page", path=page_path(post).strip("/"), _external=external)
    when = local(post.published_at or post.created_at)
    return url_for(
        "blog.post",
        year=when.year,
        month=f"{when.month:02d}",
        day=f"{when.day:02d}",
        slug=post.slug,
        _external=external,
    )


def part_link(post: Post, number: int) -> str:
    """The address of page ``number`` of a paginated post's text (page 1: the post's own)."""
    address = permalink(post)
    return address if number <= 1 else f"{address}{number}/"


def post_parts(post: Post) -> list[str]:
    """The pages of the post's stored HTML (one, unless it has ``<!--nextpage-->`` marks)."""
    return stored_pages(post.body_html)


def parse_local_datetime(value: str) -> datetime | None:
    """A ``datetime-local`` form value (blog time zone), or ``None`` when empty."""
    value = (value or "").strip()
    if not value:
        return None
    return datetime.fromisoformat(value)
