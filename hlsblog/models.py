"""The blog's data: users, posts, categories, tags, comments and settings.

Times are stored as naive UTC; pages show them in the blog's time zone.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask_login import UserMixin
from sqlalchemy import JSON, DateTime, ForeignKey, Index, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from .extensions import db


def utcnow() -> datetime:
    """The current time as naive UTC, the form every stored time takes."""
    return datetime.now(UTC).replace(tzinfo=None)


# A category's or tag's archive finds its posts from the term's side of the link, newest
# first: each link keeps its post's publication time (hlsblog/term_dates.py keeps it), so
# page 500 of an archive walks one index in date order instead of the whole blog's posts.
post_categories = db.Table(
    "post_categories",
    db.Column("post_id", ForeignKey("post.id", ondelete="CASCADE"), primary_key=True),
    db.Column("category_id", ForeignKey("category.id", ondelete="CASCADE"), primary_key=True),
    db.Column("published_at", DateTime, nullable=True),
    Index("ix_post_categories_category", "category_id", "post_id"),
    Index("ix_post_categories_dated", "category_id", "published_at", "post_id"),
)
post_tags = db.Table(
    "post_tags",
    db.Column("post_id", ForeignKey("post.id", ondelete="CASCADE"), primary_key=True),
    db.Column("tag_id", ForeignKey("tag.id", ondelete="CASCADE"), primary_key=True),
    db.Column("published_at", DateTime, nullable=True),
    Index("ix_post_tags_tag", "tag_id", "post_id"),
    Index("ix_post_tags_dated", "tag_id", "published_at", "post_id"),
)


class User(UserMixin, db.Model):  # type: ignore[name-defined]
    """Someone who logs in: an admin, or an author who edits only their own posts."""

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(60), unique=True)
    display_name: Mapped[str] = mapped_column(String(250), default="")
    email: Mapped[str] = mapped_column(String(100), default="")
    password_hash: Mapped[str] = mapped_column(String(255), default="")
    role: Mapped[str] = mapped_column(String(20), default="author")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Raised to revoke every session and remember-me cookie issued before (logout everywhere,
    # a new password): a cookie carries the generation it was issued under.
    session_generation: Mapped[int] = mapped_column(default=0, server_default="0")
    # Disabled by an admin: kept with their posts (an author's name stays on them), no login.
    disabled: Mapped[bool] = mapped_column(default=False, server_default=false())

    @property
    def is_active(self) -> bool:
        """Flask-Login refuses to log in a user who is not active."""
        return not self.disabled

    @property
    def name(self) -> str:
        return self.display_name or self.username

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    def get_id(self) -> str:
        """What Flask-Login keeps in the session and remember cookie (``hlsblog.sessions``)."""
        return f"{self.id}:{self.session_generation}"

    def set_password(self, password: str | None) -> None:
        # An empty hash never matches: imported authors cannot log in until given a password.
        self.password_hash = generate_password_hash(password) if password else ""

    def check_password(self, password: str) -> bool:
        return bool(self.password_hash) and check_password_hash(self.password_hash, password)


class Category(db.Model):  # type: ignore[name-defined]
    """A category posts are filed under; categories nest through ``parent``."""

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    slug: Mapped[str] = mapped_column(String(200), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("category.id", ondelete="SET NULL"))
    parent: Mapped[Category | None] = relationship(remote_side=[id])


class Tag(db.Model):  # type: ignore[name-defined]
    """A tag on posts."""

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    slug: Mapped[str] = mapped_column(String(200), unique=True)


class Post(db.Model):  # type: ignore[name-defined]
    """A post or a page: its Markdown source, and the HTML rendered (and sanitized) once when saved.

    A page (``kind == "page"``) lives at its path in a tree of pages (``parent``, ordered by
    ``menu_order``) and never in the front page, archives or the site feed; otherwise it is a
    post, with comments, status and Trash as posts have them. A non-empty ``password`` hides
    the text until a reader gives it; it is kept as written, as WordPress keeps it, so an
    export carries it back.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), default="post", server_default="post")
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("post.id", ondelete="SET NULL"), default=None
    )
    menu_order: Mapped[int] = mapped_column(default=0, server_default="0")
    password: Mapped[str] = mapped_column(String(255), default="", server_default="")
    slug: Mapped[str] = mapped_column(String(200), unique=True)
    title: Mapped[str] = mapped_column(String(500), default="")
    body_source: Mapped[str] = mapped_column(Text, default="")
    body_html: Mapped[str] = mapped_column(Text, default="")
    teaser_html: Mapped[str] = mapped_column(Text, default="")  # before <!--more-->, if any
    excerpt: Mapped[str] = mapped_column(Text, default="")
    source_format: Mapped[str] = mapped_column(String(20), default="markdown")
    render_version: Mapped[int] = mapped_column(default=0)
    status: Mapped[str] = mapped_column(String(20), default="draft")  # draft|published|trash
    # In the Trash: since when (emptied after EMPTY_TRASH_DAYS), and the status to restore.
    trashed_at: Mapped[datetime | None] = mapped_column(default=None)
    trashed_from: Mapped[str] = mapped_column(String(20), default="", server_default="")
    published_at: Mapped[datetime | None] = mapped_column(default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    announced: Mapped[bool] = mapped_column(default=False)
    sticky: Mapped[bool] = mapped_column(default=False)
    comments_open: Mapped[bool] = mapped_column(default=True)
    pings_open: Mapped[bool] = mapped_column(default=True)
    comment_count: Mapped[int] = mapped_column(default=0)
    wp_id: Mapped[int | None] = mapped_column(default=None, index=True)  # from a WXR import
    author_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    author: Mapped[User] = relationship(lazy="joined", innerjoin=True)
    categories: Mapped[list[Category]] = relationship(
        secondary=post_categories, lazy="selectin", order_by="Category.name"
    )
    tags: Mapped[list[Tag]] = relationship(
        secondary=post_tags, lazy="selectin", order_by="Tag.name"
    )

    # Each listing reads its page straight off an index in the order it shows posts, so a page
    # costs the same with 100 posts as with 100,000: the front page (sticky first, then newest)
    # and an author's archive. The full-text index is made beside them (search_index.py).
    __table_args__ = (
        Index("ix_post_listing", "status", "published_at"),
        Index("ix_post_front_page", "status", "sticky", "published_at", "id"),
        Index("ix_post_author_listing", "author_id", "status", "published_at"),
        Index("ix_post_page_tree", "kind", "parent_id", "menu_order"),
    )

    @property
    def is_public(self) -> bool:
        return (
            self.status == "published"
            and self.published_at is not None
            and self.published_at <= utcnow()
        )

    @property
    def is_scheduled(self) -> bool:
        return self.status == "published" and not self.is_public

    @property
    def display_status(self) -> str:
        return "scheduled" if self.is_scheduled else self.status


class Comment(db.Model):  # type: ignore[name-defined]
    """A reader's comment or a ping (``kind``), with its moderation status."""

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("post.id", ondelete="CASCADE"))
    post: Mapped[Post] = relationship()
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("comment.id", ondelete="SET NULL"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(20), default="comment")
    author_name: Mapped[str] = mapped_column(String(245), default="")
    author_email: Mapped[str] = mapped_column(String(100), default="")
    author_url: Mapped[str] = mapped_column(String(200), default="")
    author_ip: Mapped[str] = mapped_column(String(100), default="")
    user_agent: Mapped[str] = mapped_column(String(255), default="")
    source_url: Mapped[str] = mapped_column(String(2000), default="")
    body_source: Mapped[str] = mapped_column(Text, default="")
    body_html: Mapped[str] = mapped_column(Text, default="")
    render_version: Mapped[int] = mapped_column(default=0)
    status: Mapped[str] = mapped_column(String(20), default="approved")
    verdict_rule: Mapped[str] = mapped_column(String(100), default="")
    verdict_reason: Mapped[str] = mapped_column(Text, default="")
    # The status before spam or trash, where "restore" takes it back ("" when unknown: pending).
    prior_status: Mapped[str] = mapped_column(String(20), default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    wp_id: Mapped[int | None] = mapped_column(default=None)  # from a WXR import

    __table_args__ = (
        Index("ix_comment_post_wp_id", "post_id", "wp_id"),
        Index("ix_comment_post_status", "post_id", "status", "created_at"),
        Index("ix_comment_status_created", "status", "created_at"),
    )


class OldAddress(db.Model):  # type: ignore[name-defined]
    """An address from before a move (a WordPress permalink) and where it leads now.

    ``path`` holds the path and sorted query (``/?p=123``, ``/2010/08/hello/``) with no host, so
    links to any old host that now points here find it. It leads to ``post`` or, for a
    WordPress attachment, to ``target_url`` (the file's original address).
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    path: Mapped[str] = mapped_column(String(1000), unique=True)
    url: Mapped[str] = mapped_column(String(2000), default="")  # as the old site wrote it
    post_id: Mapped[int | None] = mapped_column(ForeignKey("post.id", ondelete="CASCADE"))
    post: Mapped[Post | None] = relationship()
    target_url: Mapped[str] = mapped_column(String(2000), default="")
    kind: Mapped[str] = mapped_column(String(20), default="post")  # post | attachment
    wp_id: Mapped[int | None] = mapped_column(default=None)
    title: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Media(db.Model):  # type: ignore[name-defined]
    """An uploaded image or file (hlsblog/media/), stored once with its image sizes.

    ``filename`` is the storage name of the original (``2026/11/photo.jpg``); ``sizes`` maps
    each size made at upload (``thumbnail``, ``medium``, ``large``) to
    ``{"file", "width", "height"}``. ``wp_id`` and ``original_url`` come from a WordPress import.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), default="file")  # image | file
    filename: Mapped[str] = mapped_column(String(500), unique=True)
    original_name: Mapped[str] = mapped_column(String(500), default="")
    mime: Mapped[str] = mapped_column(String(100), default="application/octet-stream")
    size: Mapped[int] = mapped_column(default=0)
    width: Mapped[int | None] = mapped_column(default=None)
    height: Mapped[int | None] = mapped_column(default=None)
    alt: Mapped[str] = mapped_column(Text, default="")
    caption: Mapped[str] = mapped_column(Text, default="")
    title: Mapped[str] = mapped_column(String(500), default="")
    sizes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    uploader_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    uploader: Mapped[User | None] = relationship()
    post_id: Mapped[int | None] = mapped_column(
        ForeignKey("post.id", ondelete="SET NULL"), index=True
    )
    wp_id: Mapped[int | None] = mapped_column(default=None, index=True)
    original_url: Mapped[str] = mapped_column(String(2000), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    @property
    def is_image(self) -> bool:
        return self.kind == "image"


class Setting(db.Model):  # type: ignore[name-defined]
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    value: Mapped[Any] = mapped_column(JSON)


class RateCounter(db.Model):  # type: ignore[name-defined]
    """A rate-limit counter shared by every worker (login throttling, comment floods)."""

    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    count: Mapped[int] = mapped_column(default=0)
    expires_at: Mapped[float] = mapped_column(default=0.0)


class AuditEntry(db.Model):  # type: ignore[name-defined]
    """Who did what in the admin, and when."""

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    username: Mapped[str] = mapped_column(String(60), default="")
    action: Mapped[str] = mapped_column(String(60))
    target: Mapped[str] = mapped_column(String(500), default="")
    detail: Mapped[str] = mapped_column(Text, default="")
    ip: Mapped[str] = mapped_column(String(100), default="")
