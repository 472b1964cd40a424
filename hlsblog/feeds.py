"""Which entries each feed holds: the site's posts, a term's or an author's, and comments.

Format-free: a plugin renders a ``Feed`` as RSS, Atom or anything else. Only public posts
(never drafts or scheduled ones) and approved comments on public posts ever appear; a
password-protected post shows its title alone, and its comments not at all. Build a
feed inside a request (addresses are absolute, made with ``url_for``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, cast
from urllib.parse import urljoin

from flask import url_for
from markupsafe import escape
from sqlalchemy.orm import contains_eager

from .category_tree import with_descendants
from .extensions import db
from .models import Category, Comment, Post, Tag, User, utcnow
from .posts import permalink, public_content, public_posts
from .protection import NO_EXCERPT, shown_title
from .rendering import strip_tags, whole_text
from .schedule import next_publication
from .settings import get_setting

_LINK_ATTR = re.compile(r'(\s(?:href|src)=")([^"]*)"')
EXCERPT_WORDS = 55  # as many words as WordPress's automatic excerpt
NEVER = datetime(1970, 1, 1, tzinfo=UTC)  # only for a blog with no post and no user at all
SCOPES = ("site", "category", "tag", "author", "comments", "post")


@dataclass(frozen=True)
class FeedEntry:
    """One item of a feed: a post or a comment, in plain values."""

    uid: str  # "post-12" or "comment-34": stable whatever the address becomes
    link: str  # absolute address of the post or the comment
    title: str  # plain text
    author: str
    author_url: str
    published: datetime  # aware, UTC
    updated: datetime
    summary_html: str
    content_html: str = ""  # the full text; empty in excerpt mode
    categories: tuple[str, ...] = ()
    comment_count: int | None = None  # posts only
    post_link: str = ""  # the post this entry is or belongs to


@dataclass(frozen=True)
class Feed:
    """A feed's head and its newest entries, newest first."""

    kind: str  # "posts" or "comments"
    scope: str  # one of SCOPES
    title: str
    description: str
    link: str  # the page the feed follows
    entries: tuple[FeedEntry, ...]
    updated: datetime  # the newest date of any entry; when empty, of what the feed follows
    fresh_until: datetime | None = None  # a scheduled post goes public then: build again


def build_feed(
    scope: str, key: str = "", *, limit: int = 10, full_text: bool = True
) -> Feed | None:
    """The feed of ``scope`` (a slug, username or post slug in ``key``); ``None``: no such feed."""
    builders: dict[str, Callable[..., Feed | None]] = {
        "site": lambda: _posts_feed("site", public_posts(), "", _home(), limit, full_text),
        "category": lambda: _term_feed(Category, "category", key, limit, full_text),
        "tag": lambda: _term_feed(Tag, "tag", key, limit, full_text),
        "author": lambda: _author_feed(key, limit, full_text),
        "comments": lambda: recent_comments(limit),
        "post": lambda: post_comments(key, limit),
    }
    if scope not in builders:
        raise ValueError(f"unknown feed scope {scope!r}")
    return builders[scope]()


def _home() -> str:
    return url_for("blog.index", _external=True)


def _blog_title(part: str = "") -> str:
    title = str(get_setting("title") or "")
    return f"{title} » {part}" if part else title


def _aware(dt: datetime | None) -> datetime:
    return dt.replace(tzinfo=UTC) if dt else NEVER


def last_change() -> datetime:
    """When readers last saw the blog change: its newest public post's date, else its start.

    An empty feed is dated by this, as WordPress dates one by its last modified post, instead
    of 1 January 1970, which feed validators and readers take for a broken date.
    """
    posts = public_posts().order_by(None).subquery()
    newest = db.session.execute(
        db.select(db.func.max(posts.c.published_at), db.func.max(posts.c.updated_at))
    ).one()
    if newest[0] is not None:
        return max(_aware(when) for when in newest if when is not None)
    began = db.session.scalar(db.select(db.func.min(User.created_at)))
    return _aware(began)


# -- posts ------------------------------------------------------------------------------------
def _term_feed(model: Any, scope: str, slug: str, limit: int, full_text: bool) -> Feed | None:
    term = db.session.scalar(db.select(model).where(model.slug == slug))
    if term is None:
        return None
    if model is Category:  # as WordPress's: its subcategories' posts too
        query = public_posts().where(
            Post.categories.any(Category.id.in_(with_descendants(term.id)))
        )
    else:
        query = public_posts().where(Post.tags.any(Tag.id == term.id))
    link = url_for(f"blog.{scope}", slug=slug, _external=True)
    return _posts_feed(scope, query, term.name, link, limit, full_text)


def _author_feed(name: str, limit: int, full_text: bool) -> Feed | None:
    user = db.session.scalar(db.select(User).where(User.username == name))
    if user is None:
        return None
    query = public_posts().where(Post.author_id == user.id)
    link = url_for("blog.author", name=name, _external=True)
    return _posts_feed("author", query, user.name, link, limit, full_text)


def _posts_feed(scope: str, query: Any, part: str, link: str, limit: int, full: bool) -> Feed:
    posts = db.session.scalars(query.limit(max(1, limit))).all()
    entries = tuple(post_entry(post, full) for post in posts)
    return Feed(
        kind="posts",
        scope=scope,
        title=_blog_title(part),
        description=str(get_setting("tagline") or ""),
        link=link,
        entries=entries,
        updated=max((e.updated for e in entries), default=None) or last_change(),
        fresh_until=next_publication(),
    )


def post_entry(post: Post, full_text: bool = True) -> FeedEntry:
    """A public post as a feed entry: full text (every page of it), or only its excerpt.

    A protected post gives its title and WordPress's notice, never its text: a feed is the
    same for every reader.
    """
    link = permalink(post, external=True)
    published = _aware(post.published_at)
    text = "" if post.password else absolute_links(whole_text(post.body_html), link)
    return FeedEntry(
        uid=f"post-{post.id}",
        link=link,
        title=shown_title(post),
        author=post.author.name,
        author_url=url_for("blog.author", name=post.author.username, _external=True),
        published=published,
        updated=max(published, _aware(post.updated_at)),
        summary_html=absolute_links(excerpt_html(post), link),
        content_html=text if full_text else "",
        categories=tuple(c.name for c in post.categories) + tuple(t.name for t in post.tags),
        comment_count=post.comment_count,
        post_link=link,
    )


def excerpt_html(post: Post) -> str:
    """The post's own excerpt, else its teaser, else its first words (as HTML).

    A protected post's is WordPress's notice that it has none.
    """
    if post.password:
        return str(escape(NO_EXCERPT))
    if post.excerpt.strip():
        return str(escape(post.excerpt.strip()))
    if post.teaser_html.strip():
        return post.teaser_html
    words = strip_tags(whole_text(post.body_html)).split()
    more = " […]" if len(words) > EXCERPT_WORDS else ""
    return " ".join(words[:EXCERPT_WORDS]) + more


def absolute_links(html: str, base: str) -> str:
    """``html`` with every link and image address made absolute, as a feed reader needs them.

    The stored HTML has passed the sanitizer's serializer, so attributes are always quoted
    with ``"``.
    """
    return _LINK_ATTR.sub(lambda m: f'{m.group(1)}{urljoin(base, m.group(2))}"', html)


# -- comments ---------------------------------------------------------------------------------
def _approved_comments() -> Any:
    return (
        db.select(Comment)
        .join(Comment.post)
        .options(contains_eager(Comment.post))
        .where(
            Comment.status == "approved",
            Post.status == "published",
            Post.published_at <= utcnow(),
            Post.password == "",  # a protected post's comments are hidden with its text
        )
        .order_by(Comment.created_at.desc(), Comment.id.desc())
    )


def recent_comments(limit: int = 10) -> Feed:
    """The newest approved comments on any public post."""
    comments = db.session.scalars(_approved_comments().limit(max(1, limit))).all()
    title = _blog_title("Comments")
    return _comments_feed("comments", comments, title, _home(), None, single=False)


def post_comments(slug: str, limit: int = 10) -> Feed | None:
    """The newest approved comments on one public post or page; ``None`` when it isn't public."""
    found = db.session.scalars(public_content().where(Post.slug == slug)).first()  # or a page
    post = cast(Post | None, found)  # public_posts() is typed as rows, but scalars() gives posts
    if post is None:
        return None
    query = _approved_comments().where(Comment.post_id == post.id)
    comments = db.session.scalars(query.limit(max(1, limit))).all()
    title = _blog_title(f"Comments on {post.title or '(no title)'}")
    link = permalink(post, external=True)
    return _comments_feed("post", comments, title, link, post, single=True)


def _comments_feed(
    scope: str, comments: Any, title: str, link: str, post: Post | None, single: bool
) -> Feed:
    entries = tuple(comment_entry(c, single) for c in comments)
    # No comment yet: the post's own last change dates its feed, else the blog's.
    quiet = max(_aware(post.published_at), _aware(post.updated_at)) if post else None
    return Feed(
        kind="comments",
        scope=scope,
        title=title,
        description=str(get_setting("tagline") or ""),
        link=link,
        entries=entries,
        updated=max((e.updated for e in entries), default=None) or quiet or last_change(),
        fresh_until=next_publication(),
    )


def comment_entry(comment: Comment, single: bool = False) -> FeedEntry:
    """An approved comment as a feed entry, titled as WordPress titles it."""
    post_link = permalink(comment.post, external=True)
    author = comment.author_name or "Anonymous"
    title = f"By: {author}" if single else f"Comment on {comment.post.title} by {author}"
    created = _aware(comment.created_at)
    return FeedEntry(
        uid=f"comment-{comment.id}",
        link=f"{post_link}#comment-{comment.id}",
        title=title,
        author=author,
        author_url=comment.author_url,
        published=created,
        updated=created,
        summary_html=absolute_links(comment.body_html, post_link),
        content_html=absolute_links(comment.body_html, post_link),
        post_link=post_link,
    )


def archive_name(scope: str, key: str) -> str | None:
    """The name of the category, tag or author (by slug or username); ``None`` if unknown."""
    if "\x00" in key:  # no name holds one, and PostgreSQL refuses to look one up
        return None
    if scope == "author":
        user = db.session.scalar(db.select(User).where(User.username == key))
        return user.name if user else None
    model: Any = {"category": Category, "tag": Tag}.get(scope)
    if model is None:
        return None
    return db.session.scalar(db.select(model.name).where(model.slug == key))
